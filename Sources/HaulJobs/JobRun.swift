import Foundation
import Haul
import Logging
import Synchronization

/// One claimed job from decoding to the stored outcome: solves it while a watcher renews the lease,
/// and stops the solve when the job is cancelled, the lease is lost or shutdown's grace period ends.
struct JobRun: Sendable {
    let store: any JobStore
    let configuration: WorkerConfiguration
    let job: JobRecord
    let lease: JobLease
    /// Carries `worker-id` and `job-id`.
    let logger: Logger
    let shutdown: ShutdownSignal

    private enum Stop: String, Sendable {
        case cancelled, lost, shutdown
    }

    private enum Outcome: Sendable {
        case solved(Plan)
        case failed(any Error)
        case stopped(Stop)
        /// The watcher was told to end because the solve finished.
        case watcherEnded
    }

    func run() async {
        logger.info("job claimed", metadata: ["kind": .string(job.kind), "attempt": "\(lease.attempt)", "priority": "\(job.priority)"])
        let document: ProblemDocument
        do {
            document = try ProblemDocument.decode(job.problem)
        } catch {
            await fail(error.localizedDescriptionForJob, retry: !(error is InvalidProblemError))
            return
        }
        var options = effectiveOptions(for: document)
        options.timeLimit = min(options.timeLimit, configuration.maxTimeLimit)
        let progress = ProgressBox(timeLimit: options.timeLimit)
        options.progress = { progress.report($0) }
        let solveOptions = options
        let problem = document.problem

        let outcome = await withTaskGroup(of: Outcome.self) { group in
            group.addTask {
                do {
                    return .solved(try await solve(problem, options: solveOptions))
                } catch {
                    return .failed(error)
                }
            }
            group.addTask { await watch(progress) }
            var first = await group.next() ?? .watcherEnded
            if case .watcherEnded = first { first = await group.next() ?? .watcherEnded }
            // Stops the other child: the watcher after a solve, or the solve (within a fraction of
            // a second) after a stop; the group waits for it.
            group.cancelAll()
            return first
        }

        switch outcome {
        case let .solved(plan):
            await finish(plan)
        case let .failed(error):
            await fail(error.localizedDescriptionForJob, retry: !(error is InvalidProblemError))
        case .stopped(.cancelled):
            logger.info("job cancelled by its client; solve stopped, nothing stored")
        case .stopped(.lost):
            logger.warning("lease lost; solve stopped, nothing stored")
        case .stopped(.shutdown):
            await Self.storeOutcome(logger: logger, what: "release") { try await store.release(lease) }
            logger.info("job released at shutdown")
        case .watcherEnded:
            logger.error("job ended without an outcome")
        }
    }

    /// Renews the lease with the latest progress until told to stop; returns why the solve must stop.
    private func watch(_ progress: ProgressBox) async -> Outcome {
        var lastHeld = ContinuousClock.now
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(configuration.renewInterval))
            if Task.isCancelled { break }
            if shutdown.graceExpired { return .stopped(.shutdown) }
            let (fraction, objective) = progress.snapshot
            do {
                switch try await store.renew(lease, leaseDuration: configuration.leaseDuration, progress: fraction, bestObjective: objective) {
                case .held: lastHeld = .now
                case .cancelled: return .stopped(.cancelled)
                case .lost: return .stopped(.lost)
                }
            } catch {
                logger.warning("cannot renew the lease", metadata: ["error": "\(error)"])
                // Past the lease, another worker may hold the job: stop rather than store twice.
                if ContinuousClock.now - lastHeld > .milliseconds(Int64(configuration.leaseDuration * 1000)) {
                    return .stopped(.lost)
                }
            }
        }
        return .watcherEnded
    }

    private func finish(_ plan: Plan) async {
        if plan.status == .error {
            await fail("the solver failed: \(plan.message ?? "no message")", retry: true)
            return
        }
        let data: Data
        do {
            data = try plan.jsonData()
        } catch {
            await fail("cannot encode the plan: \(error)", retry: true)
            return
        }
        let stored = await Self.storeOutcome(logger: logger, what: "complete") { try await store.complete(lease, plan: data) }
        if stored == true {
            logger.info("job succeeded", metadata: [
                "status": .string(plan.status.rawValue), "objective": "\(plan.objective)",
                "solve-seconds": .string(String(format: "%.3f", plan.stats.seconds)),
            ])
        } else if stored == false {
            logger.warning("lease lost before the plan was stored; plan discarded")
        }
    }

    private func fail(_ message: String, retry: Bool) async {
        let stored = await Self.storeOutcome(logger: logger, what: "fail") { try await store.fail(lease, error: message, retry: retry) }
        if stored == true {
            // The message names JSON paths and rules, never problem data.
            logger.notice(retry ? "attempt failed" : "job failed", metadata: ["error": .string(message), "retry": "\(retry)"])
        } else if stored == false {
            logger.warning("lease lost before the failure was stored")
        }
    }

    /// Calls the store, retrying twice after a short pause when it throws (a dropped connection);
    /// nil when every try threw (the lease then expires and the job runs again).
    @discardableResult
    static func storeOutcome<T: Sendable>(logger: Logger, what: String, _ call: @Sendable () async throws -> T) async -> T? {
        for attempt in 0..<3 {
            do {
                return try await call()
            } catch {
                logger.error("cannot store the outcome", metadata: ["operation": .string(what), "error": "\(error)", "try": "\(attempt + 1)"])
                try? await Task.sleep(for: .milliseconds(200 << attempt))
            }
        }
        return nil
    }
}

/// The solver's latest progress, written from the solving thread and read by the watcher.
final class ProgressBox: Sendable {
    private let latest = Mutex<SolveProgress?>(nil)
    private let timeLimit: Double

    init(timeLimit: Double) { self.timeLimit = timeLimit }

    func report(_ progress: SolveProgress) { latest.withLock { $0 = progress } }

    /// Fraction of the time limit used (below 1 until the job ends) and the best objective.
    var snapshot: (fraction: Double?, objective: Double?) {
        guard let p = latest.withLock({ $0 }) else { return (nil, nil) }
        let fraction = timeLimit > 0 ? min(0.99, max(0, p.elapsed / timeLimit)) : nil
        return (fraction, p.objective)
    }
}

extension Error {
    /// The text stored as a job's error: the validation message with its JSON paths, or the error.
    var localizedDescriptionForJob: String {
        if let invalid = self as? InvalidProblemError { return invalid.description }
        return String(describing: self)
    }
}
