/// Settings of one ``LPSolver`` call.
///
/// Modules that also import `HaulCore` (which has its own `SolveOptions`) can write
/// ``LPSolveOptions`` or `HaulLP.SolveOptions`.
public struct SolveOptions: Sendable {
    /// Wall-clock limit in seconds for the whole solve (`nil`: none). Must be `>= 0`.
    /// Passed to GLPK in milliseconds (`tm_lim`), clamped to `Int32`.
    public var timeLimit: Double?
    /// MIP relative gap tolerance `|incumbent - bound| / |incumbent|` at which the search stops and
    /// reports ``SolveStatus/optimal``. Default `1e-6`; `0` searches to proven optimality.
    public var relativeGap: Double
    /// Simplify the model before solving. Default `true`.
    ///
    /// ``LPSolver/solveLP(_:options:)``: GLPK's LP presolver (skipped for badly scaled models, see
    /// ``LPSolver/presolveMagnitudeSpanLimit``). ``LPSolver/solveMIP(_:options:)``: GLPK's
    /// branch-and-cut preprocessing at every node (`pp_tech = GLP_PP_ALL`, else `GLP_PP_NONE`).
    /// GLPK's separate MIP presolver (`glp_iocp.presolve`) is never used: GLPK 5.0 aborts the
    /// process on some small valid models with it.
    public var presolve: Bool
    /// Enable GLPK's Gomory mixed-integer, MIR, cover and clique cuts. Default `true`.
    public var cuts: Bool
    /// A MIP start: one value per variable. If it satisfies bounds, integrality and constraints
    /// within 1e-6 it is handed to GLPK as the first incumbent; otherwise it is silently ignored
    /// (see ``Solution/initialSolutionUsed``).
    public var initialSolution: [Double]?
    /// Polled from GLPK's branch-and-cut callback (and once before the solve); returning `true`
    /// stops the search. The best solution found so far is returned as ``SolveStatus/feasible``.
    public var shouldStop: (@Sendable () -> Bool)?
    /// Called from the solving thread on every new incumbent and about every
    /// ``progressInterval`` seconds during branch-and-cut. Keep it cheap, and do not start another
    /// solve from inside it.
    public var onProgress: (@Sendable (MIPProgress) -> Void)?
    /// Minimum seconds between two periodic ``onProgress`` calls (new incumbents are always
    /// reported). Default `0.5`.
    public var progressInterval: Double = 0.5

    /// Creates options; every parameter has a default.
    public init(timeLimit: Double? = nil, relativeGap: Double = 1e-6, presolve: Bool = true, cuts: Bool = true,
                initialSolution: [Double]? = nil, shouldStop: (@Sendable () -> Bool)? = nil,
                onProgress: (@Sendable (MIPProgress) -> Void)? = nil) {
        self.timeLimit = timeLimit
        self.relativeGap = relativeGap
        self.presolve = presolve
        self.cuts = cuts
        self.initialSolution = initialSolution
        self.shouldStop = shouldStop
        self.onProgress = onProgress
    }

    /// Problems with the options themselves (NaN or negative time limit or gap); reported through
    /// ``LPError/invalidModel(_:)`` together with the model's problems.
    public func validationErrors() -> [String] {
        var errors: [String] = []
        if let t = timeLimit, !(t >= 0) { errors.append("options: timeLimit \(formatNumber(t)) must be >= 0") }
        if !(relativeGap >= 0) || relativeGap.isInfinite {
            errors.append("options: relativeGap \(formatNumber(relativeGap)) must be finite and >= 0")
        }
        if progressInterval.isNaN { errors.append("options: progressInterval is NaN") }
        return errors
    }
}

/// `HaulLP`'s ``SolveOptions`` under a name that does not clash with `HaulCore.SolveOptions`.
public typealias LPSolveOptions = SolveOptions

/// A snapshot of a running branch-and-cut search, passed to ``SolveOptions/onProgress``.
public struct MIPProgress: Sendable {
    /// Objective of the best integer solution so far (including the objective constant), if any.
    public var incumbent: Double?
    /// Best proven bound so far (lower bound when minimising, upper bound when maximising), if any.
    public var bound: Double?
    /// Branch-and-bound nodes created so far.
    public var nodes: Int

    /// Creates a progress snapshot.
    public init(incumbent: Double?, bound: Double?, nodes: Int) {
        self.incumbent = incumbent
        self.bound = bound
        self.nodes = nodes
    }

    /// `|incumbent - bound| / max(1e-9, |incumbent|)` when both are known.
    public var gap: Double? {
        guard let i = incumbent, let b = bound else { return nil }
        return relativeGapValue(i, b)
    }
}

func relativeGapValue(_ objective: Double, _ bound: Double) -> Double {
    abs(objective - bound) / max(1e-9, abs(objective))
}
