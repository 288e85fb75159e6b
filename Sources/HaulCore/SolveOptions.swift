/// How a solve runs: time limit, seed, progress.
public struct SolveOptions: Sendable {
    /// The default time limit in seconds when neither the caller nor the document sets one.
    public static let defaultTimeLimit = 10.0
    /// The default seed.
    public static let defaultSeed: UInt64 = 1

    /// Seconds of wall-clock time the solver may use (>= 0). Heuristics use all of it unless they
    /// stop early; exact methods stop when they prove optimality.
    public var timeLimit: Double
    /// Seed of all random choices: the same problem, seed and options give the same plan.
    public var seed: UInt64
    /// Called from the solving thread with the best objective so far; keep it cheap.
    public var progress: (@Sendable (SolveProgress) -> Void)?

    public init(timeLimit: Double = SolveOptions.defaultTimeLimit, seed: UInt64 = SolveOptions.defaultSeed,
                progress: (@Sendable (SolveProgress) -> Void)? = nil) {
        self.timeLimit = timeLimit
        self.seed = seed
        self.progress = progress
    }
}

/// A progress report during a solve.
public struct SolveProgress: Sendable, Equatable {
    /// Seconds since the solve started.
    public var elapsed: Double
    /// Best objective found so far, if any.
    public var objective: Double?
    /// Best proven bound, where the method has one.
    public var bound: Double?
    /// What the solver is doing, e.g. `"local search"`.
    public var phase: String

    public init(elapsed: Double, objective: Double?, bound: Double? = nil, phase: String) {
        self.elapsed = elapsed
        self.objective = objective
        self.bound = bound
        self.phase = phase
    }

    /// Relative gap between objective and bound, when both are known.
    public var gap: Double? {
        guard let o = objective, let b = bound else { return nil }
        return relativeGap(objective: o, bound: b)
    }
}

/// `|objective - bound| / max(|objective|, 1e-9)`.
public func relativeGap(objective: Double, bound: Double) -> Double {
    abs(objective - bound) / max(abs(objective), 1e-9)
}
