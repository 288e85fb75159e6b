import ArgumentParser
import Foundation
import HaulJobs
import HaulServer
import Logging

/// `haul serve`: the HTTP job service, with in-process workers.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the job service: the HTTP API and, with --workers N, N in-process workers.",
        discussion: """
            Tenant tokens come from --tokens FILE or HAUL_TOKENS, as tenant=token pairs separated by commas, \
            spaces or new lines; only their SHA-256 hashes are kept. /metrics needs the admin token \
            (--admin-token or HAUL_ADMIN_TOKEN) or is served without one on --metrics-port. SIGTERM or SIGINT \
            stops accepting connections, answers the requests in progress, then stops the workers (running \
            solves get --grace seconds, the rest go back to the queue). Logs go to standard error with a \
            request-id (and job-id where known) on every line; never bodies or tokens.
            Exit codes: 0 after shutdown, 2 invalid store URL or token file, 4 the store cannot be opened, 64 bad flags.
            """)

    @Option(name: .long, help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(name: .long, help: "Port to listen on (0: any free port, printed in the log).")
    var port: Int = 8080

    @Option(name: .long, help: "Job store: sqlite:PATH or postgres://USER:PASSWORD@HOST:PORT/DATABASE.")
    var store: String = "sqlite:haul-jobs.db"

    @Option(name: .long, help: "In-process workers (jobs solved at once); 0 serves HTTP only.")
    var workers: Int = 1

    @Option(name: .long, help: "File of tenant=token pairs (default: the HAUL_TOKENS environment variable).")
    var tokens: String?

    @Option(name: .long, help: "Token that may read /metrics (default: HAUL_ADMIN_TOKEN).")
    var adminToken: String?

    @Option(name: .long, help: "Serve /metrics without a token on this port as well.")
    var metricsPort: Int?

    @Option(name: .long, help: "Largest request body in bytes.")
    var maxBodyBytes: Int = 8 << 20

    @Option(name: .long, help: "Most entities (customers, depots, vehicles, orders, warehouses, items) in a job.")
    var maxEntities: Int = 20_000

    @Option(name: .long, help: "Largest time limit a job may ask for, in seconds.")
    var maxTimeLimit: Double = 300

    @Option(name: .long, help: "Most queued or running jobs per tenant.")
    var maxInFlight: Int = 1_000

    @Option(name: .long, help: "Time limit ceiling of POST /v1/solve, in seconds.")
    var maxSyncTimeLimit: Double = 30

    @Option(name: .long, help: "Synchronous solves at once (more wait their turn).")
    var solveConcurrency: Int = 2

    @Option(name: .long, help: "Seconds a worker's claim lasts without renewal.")
    var lease: Double = 30

    @Option(name: .long, help: "Seconds running solves may take to finish after SIGTERM before they are released.")
    var grace: Double = 10

    @Option(name: .long, help: "Seconds between claims while the queue is empty.")
    var poll: Double = 0.2

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        if let metricsPort, !(1...65535).contains(metricsPort) { throw ValidationError("--metrics-port must be between 1 and 65535") }
        guard (0...256).contains(workers) else { throw ValidationError("--workers must be between 0 and 256") }
        guard maxBodyBytes >= 1024 else { throw ValidationError("--max-body-bytes must be at least 1024") }
        guard maxEntities >= 1 else { throw ValidationError("--max-entities must be at least 1") }
        guard maxSyncTimeLimit >= 0 && maxSyncTimeLimit <= 1_000_000 else { throw ValidationError("--max-sync-time-limit must be between 0 and 1000000") }
        guard maxInFlight >= 1 else { throw ValidationError("--max-in-flight must be at least 1") }
        guard (1...256).contains(solveConcurrency) else { throw ValidationError("--solve-concurrency must be between 1 and 256") }
        try ServiceCommandSupport.validateWorkerFlags(lease: lease, grace: grace, poll: poll, maxTimeLimit: maxTimeLimit, logLevel: logLevel)
    }

    func run() async throws {
        ServiceCommandSupport.bootstrapLogging(level: logLevel)
        let logger = Logger(label: "haul.serve")
        let environment = ProcessInfo.processInfo.environment
        let registry: TokenRegistry
        do {
            let spec = try tokens.map { try String(contentsOfFile: $0, encoding: .utf8) } ?? environment["HAUL_TOKENS"] ?? ""
            registry = try TokenRegistry(tenantTokens: spec, adminToken: adminToken ?? environment["HAUL_ADMIN_TOKEN"])
        } catch {
            StandardError.write("haul: \(error)\n")
            throw HaulExit.invalidInput
        }
        if registry.count == 0 {
            logger.warning("no tenant tokens: every /v1 request will get 401 (set --tokens FILE or HAUL_TOKENS)")
        }
        let jobStore = try await ServiceCommandSupport.openStore(store, logger: logger)
        let limits = ServiceLimits(maxBodyBytes: maxBodyBytes, maxEntities: maxEntities, maxTimeLimit: maxTimeLimit,
                                   maxJobsInFlightPerTenant: maxInFlight, maxSyncTimeLimit: maxSyncTimeLimit,
                                   maxConcurrentSolves: solveConcurrency)
        let service = HaulService(
            configuration: ServiceConfiguration(host: host, port: port, tokens: registry, metricsPort: metricsPort, limits: limits),
            store: jobStore, logger: logger)
        let workerConfiguration = workers == 0 ? nil
            : WorkerConfiguration(concurrency: workers, leaseDuration: lease, pollInterval: poll, maxTimeLimit: maxTimeLimit,
                                  shutdownGracePeriod: grace)
        logger.info("starting", metadata: ["store": "\(JobStoreLocation.redacted(store))", "workers": "\(workers)"])
        do {
            try await service.run(workers: workerConfiguration)
        } catch {
            logger.error("service stopped", metadata: ["error": "\(error)"])
            await jobStore.close()
            throw HaulExit.internalError
        }
        await jobStore.close()
        logger.info("stopped")
    }
}
