import Synchronization

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
    /// Polled by the solver; when it returns true the solver stops and returns its best plan so far.
    /// `Haul.solve` sets it from Swift task cancellation.
    public var isCancelled: @Sendable () -> Bool
    /// The clock ``timeLimit`` is measured on. ``TimeLimitClock/threadCPU`` is for benchmarks on a
    /// shared machine; only the routing solver honours it, the others always use wall time.
    public var timeLimitClock: TimeLimitClock = .wall

    public init(timeLimit: Double = SolveOptions.defaultTimeLimit, seed: UInt64 = SolveOptions.defaultSeed,
                progress: (@Sendable (SolveProgress) -> Void)? = nil,
                isCancelled: @escaping @Sendable () -> Bool = { false }) {
        self.timeLimit = timeLimit
        self.seed = seed
        self.progress = progress
        self.isCancelled = isCancelled
    }
}

/// The clock a time limit is measured on.
public enum TimeLimitClock: String, Sendable, CaseIterable {
    /// Elapsed wall-clock time (the default).
    case wall
    /// CPU time used by the solving thread: each solver gets the same computing time however busy
    /// the machine is (HGS-CVRP measures its limit this way).
    case threadCPU
}

/// A flag that one task sets and a solver thread polls.
public final class CancellationFlag: Sendable {
    private let state = Atomic<Bool>(false)
    public init() {}
    /// Asks the solver to stop.
    public func cancel() { state.store(true, ordering: .relaxed) }
    public var isCancelled: Bool { state.load(ordering: .relaxed) }
}

/// Wall-clock time for solvers' limits and statistics.
public struct Stopwatch: Sendable {
    private let start = ContinuousClock.now
    public init() {}
    /// Seconds since the stopwatch was made.
    public var elapsed: Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
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
