import CGLPK

/// Solves ``LinearModel``s with GLPK.
///
/// Every call is synchronous and self-contained: it validates the model (GLPK is never called with
/// a model that fails ``LinearModel/validationErrors()``), creates a GLPK problem, solves it,
/// deletes it and releases the calling thread's GLPK environment. Calls on different threads run
/// in parallel and share no state. Do not start a solve from inside a callback
/// (``SolveOptions/onProgress``, ``SolveOptions/shouldStop``) of another solve unless you accept that
/// it runs nested on the same GLPK environment (this is supported, but it blocks the outer search).
public enum LPSolver {
    /// Solves the continuous relaxation (integrality ignored) by the simplex method.
    ///
    /// With ``SolveOptions/presolve`` GLPK's LP presolver runs first (unless the model is badly
    /// scaled, see ``presolveMagnitudeSpanLimit``); when it reports that the problem has no dual
    /// feasible solution the LP is solved again without presolve to tell an unbounded problem from
    /// an infeasible one. Duals and reduced costs are returned when the
    /// status is ``SolveStatus/optimal``. ``SolveOptions/timeLimit`` applies;
    /// the MIP-only options (start, callbacks, cuts, gap) are ignored.
    ///
    /// - Throws: ``LPError/invalidModel(_:)`` (nothing passed to GLPK) or
    ///   ``LPError/solverFailure(_:)``.
    public static func solveLP(_ model: LinearModel, options: SolveOptions = SolveOptions()) throws -> Solution {
        let deadline = Deadline(limit: options.timeLimit)
        try validate(model, options)
        if model.variableCount == 0 { return trivialSolution(model, lp: true, deadline: deadline) }
        let bounds = model.columns.map { ColumnBounds(lower: $0.lower, upper: $0.upper) }
        return try withGLPKEnvironment {
            let lp = makeGLPKProblem(model, bounds: bounds, integer: false)
            defer { glp_delete_prob(lp) }
            let presolve = options.presolve && model.magnitudeSpan <= presolveMagnitudeSpanLimit
            return try solveLoadedLP(lp, model: model, presolve: presolve, deadline: deadline)
        }
    }

    /// Branch-and-cut (`glp_intopt`). Without integer variables it is just ``solveLP(_:options:)``.
    ///
    /// - The LP relaxation is solved by the simplex method first (it tells infeasible and unbounded
    ///   relaxations apart and seeds the bound), then `glp_intopt` runs **without** GLPK's MIP
    ///   presolver: GLPK 5.0's MIP presolver aborts the process on some small, valid models
    ///   (failed assertions in `npp`, `glp_add_cols: ncs = 0`). ``SolveOptions/presolve`` switches
    ///   the branch-and-cut preprocessing (`pp_tech`: all levels, or none).
    /// - Integer bounds are rounded inwards (`[0.5, 2.7]` → `[1, 2]`); an empty range makes the
    ///   model infeasible. Integer bounds beyond ±``integerValueLimit`` (e.g. infinite ones) are
    ///   replaced by it for the search.
    /// - The bound is the best local bound over the active nodes (`glp_ios_best_node` /
    ///   `glp_ios_node_bound`), tracked in the callback and seeded with the root relaxation.
    /// - When the relaxation is unbounded, a feasibility MIP (zero objective, at most 2 s) decides
    ///   between ``SolveStatus/unbounded`` and ``SolveStatus/infeasible``; undecided counts as
    ///   unbounded.
    /// - A feasible ``SolveOptions/initialSolution`` is offered to GLPK once (`glp_ios_heur_sol` at
    ///   the first `GLP_IHEUR`); if the search stops before finding anything better it is returned
    ///   as ``SolveStatus/feasible``.
    ///
    /// - Throws: ``LPError/invalidModel(_:)`` (nothing passed to GLPK) or
    ///   ``LPError/solverFailure(_:)``.
    public static func solveMIP(_ model: LinearModel, options: SolveOptions = SolveOptions()) throws -> Solution {
        let deadline = Deadline(limit: options.timeLimit)
        try validate(model, options)
        guard model.hasIntegerVariables else { return try solveLP(model, options: options) }
        let n = model.variableCount

        // GLPK rejects fractional bounds on integer columns: round inwards. `searchBounds` also
        // replaces infinite integer bounds by ±integerValueLimit.
        var bounds: [ColumnBounds] = []
        bounds.reserveCapacity(n)
        for c in model.columns {
            var b = ColumnBounds(lower: c.lower, upper: c.upper)
            if c.kind != .continuous {
                b.lower = roundInwards(b.lower, up: true)
                b.upper = roundInwards(b.upper, up: false)
                if b.lower > b.upper {
                    return Solution(status: .infeasible, seconds: deadline.elapsed)
                }
            }
            bounds.append(b)
        }
        let searchBounds = model.columns.indices.map { j in
            model.columns[j].kind == .continuous ? bounds[j] : clampedIntegerBounds(bounds[j])
        }
        if let j = searchBounds.indices.first(where: { searchBounds[$0].lower > searchBounds[$0].upper }) {
            throw LPError.solverFailure("integer variable \(j) has bounds [\(formatNumber(bounds[j].lower)), "
                + "\(formatNumber(bounds[j].upper))] entirely beyond ±\(formatNumber(integerValueLimit))")
        }
        let clampedColumns = model.columns.indices.filter { j in
            model.columns[j].kind != .continuous
                && (searchBounds[j].lower != bounds[j].lower || searchBounds[j].upper != bounds[j].upper)
        }

        // The MIP start, checked here because GLPK trusts whatever it is given.
        var start: [Double]?
        if let x = options.initialSolution, model.isFeasible(x) {
            let candidate = model.columns.indices.map { j in
                var v = x[j]
                if model.columns[j].kind != .continuous { v = v.rounded() }
                return tidy(Swift.min(Swift.max(v, searchBounds[j].lower), searchBounds[j].upper))
            }
            if model.isFeasible(candidate) { start = candidate }
        }
        let startObjective = start.map { model.objectiveValue($0) }

        func stoppedWithoutSolution(bound: Double?, nodes: Int) -> Solution {
            if let start, let startObjective {
                var s = makeSolution(.feasible, objective: startObjective, bound: bound, values: start,
                                     nodes: nodes, model: model, deadline: deadline)
                s.initialSolutionUsed = true
                return s
            }
            return Solution(status: .timeLimit, bound: bound, nodes: nodes, seconds: deadline.elapsed)
        }

        if options.shouldStop?() == true || (options.timeLimit ?? 1) <= 0 {
            return stoppedWithoutSolution(bound: nil, nodes: 0)
        }

        let maximize = model.direction == .maximize
        let context = MIPCallbackContext(maximize: maximize, columnCount: n,
                                         start: start.map { [0] + $0 }, shouldStop: options.shouldStop,
                                         onProgress: options.onProgress,
                                         progressInterval: options.progressInterval)

        return try withGLPKEnvironment {
            let lp = makeGLPKProblem(model, bounds: bounds, integer: true)
            defer { glp_delete_prob(lp) }

            // 1. The LP relaxation with the model's own bounds (glp_intopt without presolve needs
            //    an optimal basis anyway).
            var rc = runSimplex(lp, presolve: false, timeLimitMilliseconds: deadline.remainingMilliseconds)
            switch rc {
            case 0: break
            case GLP_ETMLIM, GLP_EITLIM: return stoppedWithoutSolution(bound: nil, nodes: 0)
            default: throw LPError.solverFailure("glp_simplex (LP relaxation) failed: \(glpkReturnCodeName(rc))")
            }
            switch glp_get_status(lp) {
            case GLP_OPT:
                context.noteBound(glp_get_obj_val(lp))
            case GLP_NOFEAS:
                return Solution(status: .infeasible, seconds: deadline.elapsed)
            case GLP_UNBND:
                let status = try feasibilityStatus(lp, model: model, searchBounds: searchBounds,
                                                   deadline: deadline, shouldStop: options.shouldStop)
                if status == .timeLimit { return stoppedWithoutSolution(bound: nil, nodes: 0) }
                return Solution(status: status, seconds: deadline.elapsed)
            case let other:
                throw LPError.solverFailure("LP relaxation ended with status \(glpkStatusName(other))")
            }

            // 2. Search bounds for unbounded integer columns; re-optimise from the current basis.
            if !clampedColumns.isEmpty {
                for j in clampedColumns { setColumnBounds(lp, j, searchBounds[j]) }
                rc = runSimplex(lp, presolve: false, timeLimitMilliseconds: deadline.remainingMilliseconds,
                                warmStart: true)
                switch rc {
                case 0: break
                case GLP_ETMLIM, GLP_EITLIM: return stoppedWithoutSolution(bound: context.bound, nodes: 0)
                default: throw LPError.solverFailure("glp_simplex (bounded relaxation) failed: \(glpkReturnCodeName(rc))")
                }
                guard glp_get_status(lp) == GLP_OPT else {
                    throw LPError.solverFailure("the relaxation needs integer values beyond ±\(formatNumber(integerValueLimit))")
                }
            }

            // 3. Branch-and-cut.
            var parm = glp_iocp()
            glp_init_iocp(&parm)
            parm.msg_lev = GLP_MSG_OFF
            parm.tm_lim = deadline.remainingMilliseconds
            parm.mip_gap = options.relativeGap
            parm.presolve = GLP_OFF
            parm.pp_tech = options.presolve ? GLP_PP_ALL : GLP_PP_NONE
            let cuts = options.cuts ? GLP_ON : GLP_OFF
            parm.gmi_cuts = cuts
            parm.mir_cuts = cuts
            parm.cov_cuts = cuts
            parm.clq_cuts = cuts
            parm.cb_func = mipCallbackTrampoline
            rc = withExtendedLifetime(context) { () -> Int32 in
                parm.cb_info = Unmanaged.passUnretained(context).toOpaque()
                return glp_intopt(lp, &parm)
            }

            let mipStatus = glp_mip_status(lp)
            let haveSolution = mipStatus == GLP_OPT || mipStatus == GLP_FEAS
            func glpkSolution(_ status: SolveStatus) throws -> Solution {
                var values = [Double](repeating: 0, count: n)
                for j in 0..<n {
                    var v = glp_mip_col_val(lp, Int32(j + 1))
                    if model.columns[j].kind != .continuous { v = v.rounded() }
                    values[j] = tidy(v)
                }
                for j in clampedColumns where abs(values[j]) >= integerValueLimit {
                    throw LPError.solverFailure("integer variable \(j) reached the search limit ±\(formatNumber(integerValueLimit)); "
                        + "the model needs integer values too large to represent")
                }
                let objective = glp_mip_obj_val(lp)
                // Prefer the checked start if GLPK somehow ended with something worse.
                if status != .optimal, let start, let startObjective,
                   maximize ? startObjective > objective : startObjective < objective {
                    var s = makeSolution(.feasible, objective: startObjective, bound: context.bound, values: start,
                                         nodes: context.nodes, model: model, deadline: deadline)
                    s.initialSolutionUsed = true
                    return s
                }
                var s = makeSolution(status, objective: objective, bound: rc == 0 ? objective : context.bound,
                                     values: values, nodes: context.nodes, model: model, deadline: deadline)
                s.initialSolutionUsed = context.startAccepted
                return s
            }

            switch rc {
            case 0:
                if mipStatus == GLP_OPT { return try glpkSolution(.optimal) }
                if mipStatus == GLP_NOFEAS {
                    return Solution(status: .infeasible, nodes: context.nodes, seconds: deadline.elapsed)
                }
                throw LPError.solverFailure("glp_intopt finished with MIP status \(glpkStatusName(mipStatus))")
            case GLP_EMIPGAP:
                if haveSolution { return try glpkSolution(.optimal) }
                throw LPError.solverFailure("glp_intopt reported the gap tolerance without a solution")
            case GLP_ETMLIM, GLP_ESTOP:
                if haveSolution { return try glpkSolution(.feasible) }
                return stoppedWithoutSolution(bound: context.bound, nodes: context.nodes)
            case GLP_EFAIL where haveSolution:
                return try glpkSolution(.feasible)
            default:
                throw LPError.solverFailure("glp_intopt failed: \(glpkReturnCodeName(rc))")
            }
        }
    }

    /// GLPK's LP presolver is skipped for models whose ``LinearModel/magnitudeSpan`` exceeds this:
    /// on badly scaled data its postprocessing fails an assertion and aborts the process.
    public static let presolveMagnitudeSpanLimit = 1e8

    /// Integer variables are searched within `±integerValueLimit`: bounds beyond it (including
    /// infinite ones) are replaced by it during branch-and-cut, and a solution that reaches it is
    /// reported as ``LPError/solverFailure(_:)``. GLPK aborts the process on integer columns whose
    /// relaxation value exceeds 2⁵², and huge artificial bounds make its factorisations fail.
    public static let integerValueLimit = 1e9

    static func clampedIntegerBounds(_ b: ColumnBounds) -> ColumnBounds {
        ColumnBounds(lower: Swift.max(b.lower, -integerValueLimit), upper: Swift.min(b.upper, integerValueLimit))
    }

    // MARK: - Internals

    static func validate(_ model: LinearModel, _ options: SolveOptions) throws {
        let errors = model.validationErrors() + options.validationErrors()
        if !errors.isEmpty { throw LPError.invalidModel(errors) }
    }

    /// `ceil` / `floor` that forgives floating-point noise (`2.0000000001` → `2`).
    static func roundInwards(_ x: Double, up: Bool) -> Double {
        guard x.isFinite else { return x }
        let r = x.rounded()
        if abs(x - r) <= 1e-9 * Swift.max(1, abs(x)) { return r }
        return up ? x.rounded(.up) : x.rounded(.down)
    }

    static func makeSolution(_ status: SolveStatus, objective: Double, bound: Double?, values: [Double],
                             duals: [Double]? = nil, reducedCosts: [Double]? = nil, nodes: Int,
                             model: LinearModel, deadline: Deadline) -> Solution {
        var b = bound
        if let raw = bound {
            // A bound cannot be better than a feasible objective.
            b = model.direction == .minimize ? Swift.min(raw, objective) : Swift.max(raw, objective)
        }
        return Solution(status: status, objective: objective, bound: b,
                        gap: b.map { relativeGapValue(objective, $0) }, values: values, duals: duals,
                        reducedCosts: reducedCosts, nodes: nodes, seconds: deadline.elapsed)
    }

    /// A model without variables: every row reads `0 relation rhs`.
    static func setColumnBounds(_ lp: OpaquePointer, _ j: Int, _ b: ColumnBounds) {
        glp_set_col_bnds(lp, Int32(j + 1), columnType(b), b.lower.isFinite ? b.lower : 0, b.upper.isFinite ? b.upper : 0)
    }

    static func trivialSolution(_ model: LinearModel, lp: Bool, deadline: Deadline) -> Solution {
        for row in model.rows {
            let ok: Bool
            switch row.relation {
            case .lessOrEqual: ok = 0 <= row.rhs + 1e-9
            case .greaterOrEqual: ok = 0 >= row.rhs - 1e-9
            case .equal: ok = abs(row.rhs) <= 1e-9
            }
            if !ok { return Solution(status: .infeasible, seconds: deadline.elapsed) }
        }
        let c = model.objectiveConstant
        return Solution(status: .optimal, objective: c, bound: c, gap: 0, values: [],
                        duals: lp ? Array(repeating: 0, count: model.constraintCount) : nil,
                        reducedCosts: lp ? [] : nil, nodes: 0, seconds: deadline.elapsed)
    }

    /// Runs the simplex method on a loaded problem and maps the outcome.
    static func solveLoadedLP(_ lp: OpaquePointer, model: LinearModel, presolve: Bool,
                              deadline: Deadline) throws -> Solution {
        var rc = runSimplex(lp, presolve: presolve, timeLimitMilliseconds: deadline.remainingMilliseconds)
        if presolve {
            switch rc {
            case GLP_ENOPFS:
                return Solution(status: .infeasible, seconds: deadline.elapsed)
            case GLP_ENODFS, GLP_EFAIL, GLP_ESING, GLP_ECOND:
                // No dual feasible solution means unbounded *or* infeasible: the plain simplex tells
                // which. Numerical failures also get a second chance without presolve.
                rc = runSimplex(lp, presolve: false, timeLimitMilliseconds: deadline.remainingMilliseconds)
            default:
                break
            }
        }
        switch rc {
        case 0:
            switch glp_get_status(lp) {
            case GLP_OPT:
                return basicSolution(lp, model: model, status: .optimal, deadline: deadline)
            case GLP_NOFEAS:
                return Solution(status: .infeasible, seconds: deadline.elapsed)
            case GLP_UNBND:
                return Solution(status: .unbounded, seconds: deadline.elapsed)
            case let other:
                throw LPError.solverFailure("glp_simplex finished with status \(glpkStatusName(other))")
            }
        case GLP_ETMLIM, GLP_EITLIM:
            if glp_get_prim_stat(lp) == GLP_FEAS {
                return basicSolution(lp, model: model, status: .feasible, deadline: deadline)
            }
            return Solution(status: .timeLimit, seconds: deadline.elapsed)
        default:
            throw LPError.solverFailure("glp_simplex failed: \(glpkReturnCodeName(rc))")
        }
    }

    static func basicSolution(_ lp: OpaquePointer, model: LinearModel, status: SolveStatus,
                              deadline: Deadline) -> Solution {
        let n = model.variableCount, m = model.constraintCount
        let values = (0..<n).map { tidy(glp_get_col_prim(lp, Int32($0 + 1))) }
        let objective = glp_get_obj_val(lp)
        if status == .optimal {
            let duals = (0..<m).map { tidy(glp_get_row_dual(lp, Int32($0 + 1))) }
            let reduced = (0..<n).map { tidy(glp_get_col_dual(lp, Int32($0 + 1))) }
            return makeSolution(.optimal, objective: objective, bound: objective, values: values, duals: duals,
                                reducedCosts: reduced, nodes: 0, model: model, deadline: deadline)
        }
        return makeSolution(status, objective: objective, bound: nil, values: values, nodes: 0,
                            model: model, deadline: deadline)
    }

    /// At most this many seconds go into telling an unbounded MIP from an infeasible one.
    static let feasibilityCheckSeconds = 2.0

    /// The LP relaxation is unbounded, so the MIP is unbounded if it is feasible at all. Decides by
    /// solving it with a zero objective within the search bounds (the problem's objective and
    /// bounds are overwritten), for at most ``feasibilityCheckSeconds`` (branch-and-bound need not
    /// finish on unbounded integer variables, e.g. `2x - 2y = 1`). Returns `.infeasible` when
    /// infeasibility is proven, otherwise `.unbounded`, or `.timeLimit` when
    /// ``SolveOptions/shouldStop`` ended the check.
    static func feasibilityStatus(_ lp: OpaquePointer, model: LinearModel, searchBounds: [ColumnBounds],
                                  deadline: Deadline, shouldStop: (@Sendable () -> Bool)?) throws -> SolveStatus {
        for j in 0..<model.variableCount {
            glp_set_obj_coef(lp, Int32(j + 1), 0)
            setColumnBounds(lp, j, searchBounds[j])
        }
        let checkDeadline = Swift.min(deadline.remainingMilliseconds, Int32(feasibilityCheckSeconds * 1000))
        let rc0 = runSimplex(lp, presolve: false, timeLimitMilliseconds: checkDeadline)
        guard rc0 == 0 else { return .unbounded }
        switch glp_get_status(lp) {
        case GLP_OPT: break
        case GLP_NOFEAS: return .infeasible
        default: return .unbounded
        }
        let context = MIPCallbackContext(maximize: model.direction == .maximize, columnCount: model.variableCount,
                                         start: nil, shouldStop: shouldStop, onProgress: nil,
                                         progressInterval: .infinity)
        var parm = glp_iocp()
        glp_init_iocp(&parm)
        parm.msg_lev = GLP_MSG_OFF
        parm.presolve = GLP_OFF
        parm.tm_lim = Swift.min(deadline.remainingMilliseconds, Int32(feasibilityCheckSeconds * 1000))
        parm.cb_func = mipCallbackTrampoline
        let rc = withExtendedLifetime(context) { () -> Int32 in
            parm.cb_info = Unmanaged.passUnretained(context).toOpaque()
            return glp_intopt(lp, &parm)
        }
        let mipStatus = glp_mip_status(lp)
        if mipStatus == GLP_OPT || mipStatus == GLP_FEAS { return .unbounded }
        switch rc {
        case 0 where mipStatus == GLP_NOFEAS:
            return .infeasible
        case GLP_ESTOP:
            return .timeLimit
        default:
            return .unbounded
        }
    }

    static func glpkReturnCodeName(_ rc: Int32) -> String {
        let names: [Int32: String] = [
            GLP_EBADB: "GLP_EBADB (invalid basis)", GLP_ESING: "GLP_ESING (singular matrix)",
            GLP_ECOND: "GLP_ECOND (ill-conditioned matrix)", GLP_EBOUND: "GLP_EBOUND (invalid bounds)",
            GLP_EFAIL: "GLP_EFAIL (solver failed)", GLP_EOBJLL: "GLP_EOBJLL", GLP_EOBJUL: "GLP_EOBJUL",
            GLP_EITLIM: "GLP_EITLIM", GLP_ETMLIM: "GLP_ETMLIM", GLP_ENOPFS: "GLP_ENOPFS", GLP_ENODFS: "GLP_ENODFS",
            GLP_EROOT: "GLP_EROOT (no optimal root basis)", GLP_ESTOP: "GLP_ESTOP", GLP_EMIPGAP: "GLP_EMIPGAP",
            GLP_ENOFEAS: "GLP_ENOFEAS", GLP_ENOCVG: "GLP_ENOCVG", GLP_EINSTAB: "GLP_EINSTAB (numerical instability)",
            GLP_EDATA: "GLP_EDATA", GLP_ERANGE: "GLP_ERANGE",
        ]
        return names[rc] ?? "return code \(rc)"
    }

    static func glpkStatusName(_ status: Int32) -> String {
        switch status {
        case GLP_UNDEF: return "GLP_UNDEF"
        case GLP_FEAS: return "GLP_FEAS"
        case GLP_INFEAS: return "GLP_INFEAS"
        case GLP_NOFEAS: return "GLP_NOFEAS"
        case GLP_OPT: return "GLP_OPT"
        case GLP_UNBND: return "GLP_UNBND"
        default: return "status \(status)"
        }
    }
}
