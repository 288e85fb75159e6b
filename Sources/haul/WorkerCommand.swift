import ArgumentParser
import Dispatch
import Foundation
import HaulJobs
import Logging

/// `haul worker`: claims jobs from a store, solves them and stores their plans, without HTTP.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run job workers without HTTP: claim queued jobs from a store, solve them, store the plans.",
        discussion: """
            Several worker processes, on one machine (SQLite) or on many (PostgreSQL), may share a store. \
            SIGTERM or SIGINT starts a graceful shutdown: no new claims, running solves get a grace period \
            to finish, the rest go back to the queue; a second signal exits at once. Logs go to standard \
            error, one line per event, with worker-id and job-id.
            Exit codes: 0 after shutdown, 2 invalid store URL, 4 the store cannot be opened, 64 bad flags.
            """)

    @Option(name: .long, help: "Job store: sqlite:PATH (relative to the working directory) or postgres://USER:PASSWORD@HOST:PORT/DATABASE.")
    var store: String = "sqlite:haul-jobs.db"

    @Option(name: .long, help: "Jobs solved at once.")
    var workers: Int = 1

    @Option(name: .long, help: "Seconds a claim lasts without renewal (renewed every third of it).")
    var lease: Double = 30

    @Option(name: .long, help: "Ceiling on a job's time limit, in seconds.")
    var maxTimeLimit: Double = 300

    @Option(name: .long, help: "Seconds running solves may take to finish after SIGTERM before they are released.")
    var grace: Double = 10

    @Option(name: .long, help: "Seconds between claims while the queue is empty.")
    var poll: Double = 0.2

    @Option(name: .long, help: "Worker id in leases and logs (default: host-pid-random).")
    var workerId: String?

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func validate() throws {
        guard (1...256).contains(workers) else { throw ValidationError("--workers must be between 1 and 256") }
        try ServiceCommandSupport.validateWorkerFlags(lease: lease, grace: grace, poll: poll, maxTimeLimit: maxTimeLimit, logLevel: logLevel)
    }

    func run() async throws {
        ServiceCommandSupport.bootstrapLogging(level: logLevel)
        var logger = Logger(label: "haul.worker")
        let jobStore = try await ServiceCommandSupport.openStore(store, logger: logger)
        var configuration = WorkerConfiguration(concurrency: workers, leaseDuration: lease, pollInterval: poll,
                                                maxTimeLimit: maxTimeLimit, shutdownGracePeriod: grace)
        if let workerId { configuration.workerID = workerId }
        logger[metadataKey: "worker-id"] = .string(configuration.workerID)
        let signalLogger = logger
        let pool = JobWorkerPool(store: jobStore, configuration: configuration, logger: logger)
        let workersTask = Task { try await pool.run() }

        // Signals arrive on a dispatch queue instead of their default action (termination).
        let signals = SignalCounter()
        let sources = ([SIGTERM, SIGINT] as [Int32]).map { number -> any DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if signals.increment() == 1 {
                    signalLogger.notice("shutting down: no new claims, running solves may finish", metadata: ["signal": "\(number)"])
                    workersTask.cancel()
                } else {
                    signalLogger.warning("second signal: exiting now; running jobs return to the queue when their leases expire")
                    Foundation.exit(128 + number)
                }
            }
            source.resume()
            return source
        }
        defer { sources.forEach { $0.cancel() } }
        do {
            try await workersTask.value
        } catch {
            signalLogger.error("workers stopped", metadata: ["error": "\(error)"])
        }
        await jobStore.close()
    }
}

/// Counts the shutdown signals received.
private final class SignalCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func increment() -> Int {
        lock.lock()
        defer { lock.unlock() }
        count += 1
        return count
    }
}
