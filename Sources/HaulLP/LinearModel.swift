/// The domain of a variable.
public enum VariableKind: Sendable {
    /// Any real value within the bounds.
    case continuous
    /// An integral value within the bounds (bounds are rounded inwards for the MIP solve).
    case integer
    /// An integral value in `[0, 1]`; the bounds are intersected with `[0, 1]`.
    case binary
}

/// The sense of a linear constraint `terms  relation  rhs`.
public enum Relation: Sendable {
    /// `Σ aⱼxⱼ ≤ rhs`
    case lessOrEqual
    /// `Σ aⱼxⱼ ≥ rhs`
    case greaterOrEqual
    /// `Σ aⱼxⱼ = rhs`
    case equal
}

/// Whether the objective is minimised or maximised.
public enum OptimizationDirection: Sendable {
    /// Minimise the objective.
    case minimize
    /// Maximise the objective.
    case maximize
}

/// A handle to a variable (column) of a ``LinearModel``: its 0-based position in the model.
public struct Variable: Hashable, Sendable {
    /// 0-based index of the variable; also its position in ``Solution/values``.
    public let index: Int
    /// Makes a handle for the variable at `index`. Handles are normally obtained from
    /// ``LinearModel/addVariable(lower:upper:cost:kind:name:)``; an index that does not exist in the
    /// model is reported by ``LinearModel/validationErrors()``.
    public init(index: Int) { self.index = index }
}

/// A handle to a constraint (row) of a ``LinearModel``: its 0-based position in the model.
public struct Constraint: Hashable, Sendable {
    /// 0-based index of the constraint; also its position in ``Solution/duals``.
    public let index: Int
    /// Makes a handle for the constraint at `index`.
    public init(index: Int) { self.index = index }
}

/// A pure-Swift model; GLPK is touched only inside solve calls.
///
/// Build it with ``addVariable(lower:upper:cost:kind:name:)`` and
/// ``addConstraint(_:_:_:name:)``, then hand it to ``LPSolver/solveLP(_:options:)`` or
/// ``LPSolver/solveMIP(_:options:)``. The model is a value type: copies are independent and
/// can be solved concurrently from different threads.
///
/// Mistakes (NaN coefficients, crossed bounds, unknown variables, …) never crash: they are
/// collected and reported by ``validationErrors()``, and the solvers throw
/// ``LPError/invalidModel(_:)`` before GLPK sees the model. A variable that appears more than once
/// in a constraint is fine: its coefficients are summed.
public struct LinearModel: Sendable {
    struct Column: Sendable {
        var lower: Double
        var upper: Double
        var cost: Double
        var kind: VariableKind
        var name: String?
    }

    struct Row: Sendable {
        var indices: [Int]
        var coefficients: [Double]
        var relation: Relation
        var rhs: Double
        var name: String?
    }

    /// Whether the objective is minimised or maximised.
    public var direction: OptimizationDirection
    /// A constant added to the objective (included in ``Solution/objective``).
    public var objectiveConstant: Double

    var columns: [Column] = []
    var rows: [Row] = []
    /// Problems found by the mutating methods (e.g. `setCost` on an unknown variable); reported by
    /// ``validationErrors()``.
    var deferredErrors: [String] = []

    /// Creates an empty model.
    public init(direction: OptimizationDirection = .minimize) {
        self.direction = direction
        self.objectiveConstant = 0
    }

    /// Number of variables (columns).
    public var variableCount: Int { columns.count }
    /// Number of constraints (rows).
    public var constraintCount: Int { rows.count }
    /// Whether some variable is ``VariableKind/integer`` or ``VariableKind/binary``.
    public var hasIntegerVariables: Bool { columns.contains { $0.kind != .continuous } }

    /// Adds a variable and returns its handle.
    ///
    /// - Parameters:
    ///   - lower: lower bound; may be `-.infinity` (free below).
    ///   - upper: upper bound; may be `.infinity`.
    ///   - cost: objective coefficient.
    ///   - kind: continuous, integer or binary. Binary forces the bounds into `[0, 1]`.
    ///   - name: used in validation messages only.
    @discardableResult
    public mutating func addVariable(lower: Double = 0, upper: Double = .infinity, cost: Double = 0,
                                     kind: VariableKind = .continuous, name: String? = nil) -> Variable {
        var lo = lower, up = upper
        if kind == .binary {
            lo = lo.isNaN ? lo : Swift.max(lo, 0)
            up = up.isNaN ? up : Swift.min(up, 1)
        }
        columns.append(Column(lower: lo, upper: up, cost: cost, kind: kind, name: name))
        return Variable(index: columns.count - 1)
    }

    /// Adds the constraint `Σ coefficient·variable  relation  rhs` and returns its handle.
    ///
    /// A variable may appear several times; its coefficients are summed. Zero coefficients are
    /// allowed and dropped.
    @discardableResult
    public mutating func addConstraint(_ terms: [(Variable, Double)], _ relation: Relation, _ rhs: Double,
                                       name: String? = nil) -> Constraint {
        rows.append(Row(indices: terms.map { $0.0.index }, coefficients: terms.map { $0.1 },
                        relation: relation, rhs: rhs, name: name))
        return Constraint(index: rows.count - 1)
    }

    /// Sets the objective coefficient of `variable`. An unknown variable is reported by
    /// ``validationErrors()``.
    public mutating func setCost(_ variable: Variable, _ cost: Double) {
        guard columns.indices.contains(variable.index) else {
            deferredErrors.append("setCost: variable index \(variable.index) out of range")
            return
        }
        columns[variable.index].cost = cost
    }

    /// Sets both bounds of `variable` (binary variables stay within `[0, 1]`). An unknown variable
    /// is reported by ``validationErrors()``.
    public mutating func setBounds(_ variable: Variable, lower: Double, upper: Double) {
        guard columns.indices.contains(variable.index) else {
            deferredErrors.append("setBounds: variable index \(variable.index) out of range")
            return
        }
        var lo = lower, up = upper
        if columns[variable.index].kind == .binary {
            lo = lo.isNaN ? lo : Swift.max(lo, 0)
            up = up.isNaN ? up : Swift.min(up, 1)
        }
        columns[variable.index].lower = lo
        columns[variable.index].upper = up
    }

    /// The objective coefficient of `variable` (NaN for an unknown variable).
    public func cost(of variable: Variable) -> Double {
        columns.indices.contains(variable.index) ? columns[variable.index].cost : .nan
    }

    /// The bounds of `variable` as stored (binary variables: within `[0, 1]`); `(NaN, NaN)` for an
    /// unknown variable.
    public func bounds(of variable: Variable) -> (lower: Double, upper: Double) {
        guard columns.indices.contains(variable.index) else { return (.nan, .nan) }
        return (columns[variable.index].lower, columns[variable.index].upper)
    }

    /// The kind of `variable`, or `nil` for an unknown variable.
    public func kind(of variable: Variable) -> VariableKind? {
        columns.indices.contains(variable.index) ? columns[variable.index].kind : nil
    }

    /// The largest magnitude accepted for coefficients, right-hand sides, costs and finite bounds
    /// (and `1 / magnitudeLimit` the smallest nonzero coefficient). GLPK's scaling aborts the
    /// process on data near the limits of `Double`.
    public static let magnitudeLimit = 1e30

    /// Every problem found, one message each, e.g.
    /// `"variable 3 (x_3): lower bound 5 > upper bound 2"`, `"constraint 7: coefficient is NaN (variable 2)"`,
    /// `"constraint 2: variable index 9 out of range"`. Empty when the model can be solved.
    ///
    /// Checked: non-finite objective constant and costs, NaN bounds, a lower bound of `+∞` or an
    /// upper bound of `-∞`, crossed bounds, non-finite or NaN right-hand sides and coefficients,
    /// magnitudes outside ``magnitudeLimit``, variable indices outside the model, and sizes beyond
    /// GLPK's 32-bit limits. Duplicate variables within one constraint are not errors (they are
    /// merged).
    public func validationErrors() -> [String] {
        var errors = deferredErrors
        if objectiveConstant.isNaN {
            errors.append("objective constant is NaN")
        } else if objectiveConstant.isInfinite {
            errors.append("objective constant is infinite")
        } else if abs(objectiveConstant) > Self.magnitudeLimit {
            errors.append("objective constant \(formatNumber(objectiveConstant)) exceeds ±1e30")
        }
        let limit = Int(Int32.max) - 1
        if columns.count > limit { errors.append("model has \(columns.count) variables; GLPK allows at most \(limit)") }
        if rows.count > limit { errors.append("model has \(rows.count) constraints; GLPK allows at most \(limit)") }

        for (j, c) in columns.enumerated() {
            let label = "variable \(j)" + (c.name.map { " (\($0))" } ?? "")
            if c.cost.isNaN { errors.append("\(label): cost is NaN") }
            else if c.cost.isInfinite { errors.append("\(label): cost is infinite") }
            else if abs(c.cost) > Self.magnitudeLimit { errors.append("\(label): cost \(formatNumber(c.cost)) exceeds ±1e30") }
            var boundsOK = true
            if c.lower.isNaN { errors.append("\(label): lower bound is NaN"); boundsOK = false }
            else if c.lower == .infinity { errors.append("\(label): lower bound is +infinity"); boundsOK = false }
            else if c.lower.isFinite && abs(c.lower) > Self.magnitudeLimit {
                errors.append("\(label): lower bound \(formatNumber(c.lower)) exceeds ±1e30 (use -infinity)"); boundsOK = false
            }
            if c.upper.isNaN { errors.append("\(label): upper bound is NaN"); boundsOK = false }
            else if c.upper == -.infinity { errors.append("\(label): upper bound is -infinity"); boundsOK = false }
            else if c.upper.isFinite && abs(c.upper) > Self.magnitudeLimit {
                errors.append("\(label): upper bound \(formatNumber(c.upper)) exceeds ±1e30 (use infinity)"); boundsOK = false
            }
            if boundsOK && c.lower > c.upper {
                let note = c.kind == .binary ? " (binary variables are restricted to [0, 1])" : ""
                errors.append("\(label): lower bound \(formatNumber(c.lower)) > upper bound \(formatNumber(c.upper))\(note)")
            }
        }

        var nonzeros = 0
        var scratch = RowMergeScratch(columnCount: columns.count)
        for (i, r) in rows.enumerated() {
            let label = "constraint \(i)" + (r.name.map { " (\($0))" } ?? "")
            if r.rhs.isNaN { errors.append("\(label): right-hand side is NaN") }
            else if r.rhs.isInfinite { errors.append("\(label): right-hand side is infinite") }
            else if abs(r.rhs) > Self.magnitudeLimit { errors.append("\(label): right-hand side \(formatNumber(r.rhs)) exceeds ±1e30") }
            var termsOK = true
            for (k, j) in r.indices.enumerated() {
                let a = r.coefficients[k]
                if j < 0 || j >= columns.count {
                    errors.append("\(label): variable index \(j) out of range")
                    termsOK = false
                }
                if a.isNaN {
                    errors.append("\(label): coefficient is NaN (variable \(j))")
                    termsOK = false
                } else if a.isInfinite {
                    errors.append("\(label): coefficient is infinite (variable \(j))")
                    termsOK = false
                } else if a != 0 && !(abs(a) >= 1 / Self.magnitudeLimit && abs(a) <= Self.magnitudeLimit) {
                    errors.append("\(label): coefficient \(formatNumber(a)) of variable \(j) is outside 1e-30...1e30 in magnitude")
                    termsOK = false
                }
            }
            if termsOK {
                let merged = scratch.merge(r)
                for (j, a) in merged where !(abs(a) <= Self.magnitudeLimit) {
                    errors.append("\(label): coefficients of variable \(j) sum to \(formatNumber(a)), beyond ±1e30")
                }
                nonzeros += merged.count
            }
        }
        if nonzeros > limit { errors.append("model has \(nonzeros) nonzero coefficients; GLPK allows at most \(limit)") }
        return errors
    }

    /// The objective value of `values` (including ``objectiveConstant``); NaN when the vector has the
    /// wrong length.
    public func objectiveValue(_ values: [Double]) -> Double {
        guard values.count == columns.count else { return .nan }
        var sum = objectiveConstant
        for (j, c) in columns.enumerated() { sum += c.cost * values[j] }
        return sum
    }

    /// The reasons `values` is not a feasible point of the model (empty when it is feasible):
    /// wrong length, non-finite entries, bounds, integrality and constraints, each checked with
    /// absolute tolerance `tolerance` (constraints: `tolerance · max(1, |rhs|)`).
    public func feasibilityViolations(_ values: [Double], tolerance: Double = 1e-6) -> [String] {
        guard values.count == columns.count else {
            return ["expected \(columns.count) values, got \(values.count)"]
        }
        var problems: [String] = []
        for (j, c) in columns.enumerated() {
            let x = values[j]
            guard x.isFinite else { problems.append("variable \(j): value \(x) is not finite"); continue }
            if x < c.lower - tolerance { problems.append("variable \(j): value \(formatNumber(x)) < lower bound \(formatNumber(c.lower))") }
            if x > c.upper + tolerance { problems.append("variable \(j): value \(formatNumber(x)) > upper bound \(formatNumber(c.upper))") }
            if c.kind != .continuous && abs(x - x.rounded()) > tolerance {
                problems.append("variable \(j): value \(formatNumber(x)) is not integral")
            }
        }
        for (i, r) in rows.enumerated() {
            var activity = 0.0
            for (k, j) in r.indices.enumerated() where j >= 0 && j < columns.count {
                activity += r.coefficients[k] * values[j]
            }
            let tol = tolerance * Swift.max(1, abs(r.rhs))
            let ok: Bool
            switch r.relation {
            case .lessOrEqual: ok = activity <= r.rhs + tol
            case .greaterOrEqual: ok = activity >= r.rhs - tol
            case .equal: ok = abs(activity - r.rhs) <= tol
            }
            if !ok || !activity.isFinite {
                problems.append("constraint \(i): activity \(formatNumber(activity)) violates \(r.relation.symbol) \(formatNumber(r.rhs))")
            }
        }
        return problems
    }

    /// The ratio between the largest and the smallest nonzero magnitude among coefficients,
    /// right-hand sides, costs and finite bounds (1 when there are none). Large spans mean a badly
    /// scaled model.
    public var magnitudeSpan: Double {
        var lo = Double.infinity, hi = 0.0
        func note(_ x: Double) {
            let a = abs(x)
            guard a > 0, a.isFinite else { return }
            lo = Swift.min(lo, a)
            hi = Swift.max(hi, a)
        }
        for c in columns {
            note(c.cost)
            note(c.lower)
            note(c.upper)
        }
        for r in rows {
            note(r.rhs)
            for a in r.coefficients { note(a) }
        }
        return hi > 0 ? hi / lo : 1
    }

    /// Whether `values` satisfies bounds, integrality and constraints within `tolerance`
    /// (see ``feasibilityViolations(_:tolerance:)``).
    public func isFeasible(_ values: [Double], tolerance: Double = 1e-6) -> Bool {
        feasibilityViolations(values, tolerance: tolerance).isEmpty
    }
}

extension Relation {
    var symbol: String {
        switch self {
        case .lessOrEqual: return "<="
        case .greaterOrEqual: return ">="
        case .equal: return "="
        }
    }
}

/// Merges duplicate variables of a row in O(row length) using a column-sized marker array.
struct RowMergeScratch {
    private var slot: [Int]
    private var stamp: [Int]
    private var current = 0

    init(columnCount: Int) {
        slot = Array(repeating: 0, count: columnCount)
        stamp = Array(repeating: -1, count: columnCount)
    }

    /// The row's terms with duplicate indices summed, in first-appearance order, zeros dropped.
    /// Indices must be in range.
    mutating func merge(_ row: LinearModel.Row) -> [(Int, Double)] {
        current += 1
        var out: [(Int, Double)] = []
        out.reserveCapacity(row.indices.count)
        for (k, j) in row.indices.enumerated() {
            let a = row.coefficients[k]
            if stamp[j] == current {
                out[slot[j]].1 += a
            } else {
                stamp[j] = current
                slot[j] = out.count
                out.append((j, a))
            }
        }
        return out.filter { $0.1 != 0 }
    }
}

/// `5` rather than `5.0` for integral values; Swift's description otherwise.
func formatNumber(_ x: Double) -> String {
    if x.isNaN { return "NaN" }
    if x.isInfinite { return x > 0 ? "inf" : "-inf" }
    if x == x.rounded() && abs(x) < 1e15 { return String(Int64(x)) }
    return "\(x)"
}
