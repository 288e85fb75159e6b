/// The outcome of a solve.
public enum SolveStatus: String, Sendable {
    /// Proven optimal (MIP: within ``SolveOptions/relativeGap``).
    case optimal
    /// A feasible solution, not proven optimal (time limit or stop with an incumbent).
    case feasible
    /// No feasible solution exists.
    case infeasible
    /// The objective can be improved without limit.
    case unbounded
    /// Time limit or stop request reached without any feasible solution.
    case timeLimit
}

/// The result of ``LPSolver/solveLP(_:options:)`` or ``LPSolver/solveMIP(_:options:)``.
public struct Solution: Sendable {
    /// How the solve ended.
    public var status: SolveStatus
    /// Objective value including ``LinearModel/objectiveConstant``; `nil` when there is no solution.
    public var objective: Double?
    /// Best proven bound (lower bound when minimising, upper when maximising). LP: equals
    /// ``objective`` when optimal. MIP: the best local bound of the active branch-and-bound nodes,
    /// tracked in GLPK's callback; equals ``objective`` when optimal.
    public var bound: Double?
    /// `|objective - bound| / max(1e-9, |objective|)` when both are known.
    public var gap: Double?
    /// Primal values, one per variable (empty when there is no solution). MIP: integer and binary
    /// variables are rounded to the nearest integer (GLPK accepts values within 1e-5 of one, so a
    /// row may be off by up to its coefficients × 1e-5).
    public var values: [Double]
    /// Row duals (shadow prices), one per constraint; LP solves that ended optimal only.
    public var duals: [Double]?
    /// Reduced costs, one per variable; LP solves that ended optimal only.
    public var reducedCosts: [Double]?
    /// Branch-and-bound nodes created (MIP); 0 for LP.
    public var nodes: Int
    /// Wall-clock seconds spent in the solve call.
    public var seconds: Double
    /// Whether ``SolveOptions/initialSolution`` passed the feasibility check and was used: accepted
    /// by GLPK as an incumbent, or returned because the search stopped before finding anything.
    public var initialSolutionUsed: Bool = false

    /// Creates a solution (mainly for tests and adapters; solvers build their own).
    public init(status: SolveStatus, objective: Double? = nil, bound: Double? = nil, gap: Double? = nil,
                values: [Double] = [], duals: [Double]? = nil, reducedCosts: [Double]? = nil,
                nodes: Int = 0, seconds: Double = 0) {
        self.status = status
        self.objective = objective
        self.bound = bound
        self.gap = gap
        self.values = values
        self.duals = duals
        self.reducedCosts = reducedCosts
        self.nodes = nodes
        self.seconds = seconds
    }

    /// The value of `v`, or NaN when there is no solution or `v` is not in the model.
    public subscript(_ v: Variable) -> Double {
        values.indices.contains(v.index) ? values[v.index] : .nan
    }

    /// The dual value of `c`, or NaN when duals are unavailable or `c` is not in the model.
    public func dual(_ c: Constraint) -> Double {
        guard let duals, duals.indices.contains(c.index) else { return .nan }
        return duals[c.index]
    }

    /// Whether a primal solution is available (status ``SolveStatus/optimal`` or
    /// ``SolveStatus/feasible``).
    public var hasSolution: Bool { status == .optimal || status == .feasible }
}

/// Errors thrown by ``LPSolver``.
public enum LPError: Error, CustomStringConvertible, Sendable {
    /// The model (or the options) failed validation; every problem is listed and GLPK was not
    /// called. See ``LinearModel/validationErrors()`` and ``SolveOptions/validationErrors()``.
    case invalidModel([String])
    /// GLPK returned an error code that has no ``SolveStatus`` meaning (e.g. numerical failure).
    case solverFailure(String)

    /// A one-line human-readable message.
    public var description: String {
        switch self {
        case .invalidModel(let problems):
            return "invalid linear model (\(problems.count) problem\(problems.count == 1 ? "" : "s")): "
                + problems.joined(separator: "; ")
        case .solverFailure(let message):
            return "LP solver failure: \(message)"
        }
    }
}
