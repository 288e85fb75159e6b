import Foundation

/// How a ``JobWorkerPool`` runs.
public struct WorkerConfiguration: Sendable {
    /// Identifies this worker in leases and logs; unique per process. Default `host-pid-random`.
    public var workerID: String
    /// Jobs solved at once (each on a thread of its own). At least 1.
    public var concurrency: Int
    /// Seconds a claim lasts without renewal; a worker that dies loses its jobs after this long.
    /// The lease is renewed at least every third of it.
    public var leaseDuration: TimeInterval
    /// Seconds between claims while the queue is empty.
    public var pollInterval: TimeInterval
    /// Ceiling on a job's time limit in seconds (the document's `options.timeLimit`, default 10 s).
    public var maxTimeLimit: Double
    /// Seconds running solves may take to finish after shutdown starts; the rest are released.
    public var shutdownGracePeriod: TimeInterval

    /// Every value has a default; out-of-range values are raised to the smallest sensible one
    /// (one slot, a 0.1 s lease, a 1 ms poll interval, no negative limits).
    public init(workerID: String = WorkerConfiguration.defaultWorkerID(), concurrency: Int = 1, leaseDuration: TimeInterval = 30,
                pollInterval: TimeInterval = 0.2, maxTimeLimit: Double = 300, shutdownGracePeriod: TimeInterval = 10) {
        self.workerID = workerID
        self.concurrency = max(1, concurrency)
        self.leaseDuration = max(0.1, leaseDuration)
        self.pollInterval = max(0.001, pollInterval)
        self.maxTimeLimit = max(0, maxTimeLimit)
        self.shutdownGracePeriod = max(0, shutdownGracePeriod)
    }

    /// `host-pid-random`, e.g. `build7-4711-3f9a2c`.
    public static func defaultWorkerID() -> String {
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "host"
        let random = String(UInt32.random(in: 0...UInt32.max) & 0xFFFFFF, radix: 16)
        return "\(host)-\(ProcessInfo.processInfo.processIdentifier)-\(random)"
    }

    /// Seconds between lease renewals, which are also the checks for cancellation: a third of the
    /// lease, and at most half a second so that a cancelled job stops within a second.
    var renewInterval: TimeInterval { min(0.5, leaseDuration / 3) }
}
