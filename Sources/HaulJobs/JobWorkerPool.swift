import Foundation
import Logging
import Synchronization

/// Workers that claim jobs from a store, solve them and store their plans.
///
/// ```swift
/// let pool = JobWorkerPool(store: store, configuration: WorkerConfiguration(concurrency: 2), logger: logger)
/// let workers = Task { try await pool.run() }
/// // ... later, for a graceful shutdown:
/// workers.cancel()
/// try await workers.value
/// ```
///
/// Each claimed job's lease is renewed (with the solver's progress) every
/// ``WorkerConfiguration/leaseDuration`` / 3 and at least every half second; when the store answers
/// that the job was cancelled or that the lease was lost, the solve is stopped and nothing is stored.
/// An invalid problem fails the job at once (no retry); an unexpected error fails the attempt and
/// the job is retried while it has attempts left.
public final class JobWorkerPool: Sendable {
    let store: any JobStore
    let configuration: WorkerConfiguration
    let logger: Logger

    /// A pool over `store`; nothing runs until ``run()``. Every log line carries `worker-id`, and
    /// those about a job also `job-id`; problem and plan payloads are never logged.
    public init(store: any JobStore, configuration: WorkerConfiguration, logger: Logger) {
        self.store = store
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "worker-id"] = .string(configuration.workerID)
        self.logger = logger
    }

    /// Claims and solves jobs until the calling task is cancelled; then stops claiming, lets running
    /// solves finish within ``WorkerConfiguration/shutdownGracePeriod`` and releases the rest (back
    /// to the queue, the attempt not counted).
    public func run() async throws {
        logger.info("worker started", metadata: [
            "concurrency": "\(configuration.concurrency)", "lease-seconds": "\(configuration.leaseDuration)",
            "max-time-limit": "\(configuration.maxTimeLimit)",
        ])
        let shutdown = ShutdownSignal()
        let grace = configuration.shutdownGracePeriod
        await withTaskCancellationHandler {
            await withTaskGroup(of: Void.self) { group in
                for slot in 0..<configuration.concurrency {
                    group.addTask { await self.claimLoop(slot: slot, shutdown: shutdown) }
                }
            }
        } onCancel: {
            shutdown.begin(gracePeriod: grace)
        }
        logger.info("worker stopped")
    }

    /// One slot: claim, solve, repeat, until the task is cancelled.
    private func claimLoop(slot: Int, shutdown: ShutdownSignal) async {
        var logger = self.logger
        logger[metadataKey: "slot"] = "\(slot)"
        var failures = 0
        while !Task.isCancelled {
            let claimed: (JobRecord, JobLease)?
            do {
                claimed = try await store.claim(workerID: configuration.workerID, leaseDuration: configuration.leaseDuration)
                failures = 0
            } catch {
                failures += 1
                let delay = min(5, configuration.pollInterval * Double(1 << min(failures, 5)))
                logger.error("cannot claim a job", metadata: ["error": "\(error)", "retry-in-seconds": "\(delay)"])
                try? await Task.sleep(for: .seconds(delay))
                continue
            }
            guard let (job, lease) = claimed else {
                try? await Task.sleep(for: .seconds(configuration.pollInterval))
                continue
            }
            var jobLogger = logger
            jobLogger[metadataKey: "job-id"] = .string(job.id)
            // The pool's cancellation handler may not have run yet when this task sees the
            // cancellation; starting the grace period here too makes the check below reliable.
            if Task.isCancelled { shutdown.begin(gracePeriod: configuration.shutdownGracePeriod) }
            if shutdown.graceExpired {
                // Shutdown began while the claim was in flight and leaves no time to solve. With a
                // grace period left, the job runs like one claimed a moment earlier: its client
                // already sees it running.
                await JobRun.storeOutcome(logger: jobLogger, what: "release") { try await self.store.release(lease) }
                jobLogger.info("job released at shutdown before it started")
                break
            }
            // The run is not a child of this task: shutdown reaches it through `shutdown`, so that a
            // solve is not cut short the moment the caller cancels.
            let run = JobRun(store: store, configuration: configuration, job: job, lease: lease, logger: jobLogger, shutdown: shutdown)
            await Task { await run.run() }.value
        }
    }
}

/// Set when the pool's task is cancelled; running solves may finish until the grace period ends.
final class ShutdownSignal: Sendable {
    private let deadline = Mutex<ContinuousClock.Instant?>(nil)

    func begin(gracePeriod: TimeInterval) {
        deadline.withLock { d in
            if d == nil { d = .now + .milliseconds(Int64(gracePeriod * 1000)) }
        }
    }

    /// Whether shutdown began and its grace period is over.
    var graceExpired: Bool {
        deadline.withLock { d in d.map { ContinuousClock.now >= $0 } ?? false }
    }
}
