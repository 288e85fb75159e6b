import Foundation
import HaulJobs
import Hummingbird
import Logging
import ServiceLifecycle

/// The Haul job service: the HTTP API over a ``JobStore`` and, optionally, in-process workers.
///
/// ```swift
/// let store = try await openJobStore(url: "sqlite:haul-jobs.sqlite", logger: logger)
/// let tokens = try TokenRegistry(tenantTokens: "acme=s3cret", adminToken: "metrics-token")
/// let service = HaulService(configuration: ServiceConfiguration(port: 8080, tokens: tokens), store: store, logger: logger)
/// try await service.run(workers: WorkerConfiguration(concurrency: 2))   // until SIGTERM or SIGINT
/// ```
public struct HaulService: Sendable {
    /// Address, tokens and limits.
    public let configuration: ServiceConfiguration
    /// The store as the routes and in-process workers use it (instrumented for `/metrics`).
    public let store: InstrumentedJobStore
    /// Root logger; each request adds its `request-id` (and tenant, job id).
    public let logger: Logger
    /// The service's counters and histograms.
    public let metrics: ServiceMetrics
    private let inFlight: InFlightGate
    private let solveGate: SolveGate
    /// The online-allocation pools of every tenant, in this process's memory (lost on restart).
    private let allocatorPools = AllocatorPools()

    /// A service over `store`; nothing listens until ``run(workers:onRunning:)`` or the application runs.
    public init(configuration: ServiceConfiguration, store: any JobStore, logger: Logger) {
        self.configuration = configuration
        let metrics = ServiceMetrics()
        self.metrics = metrics
        self.store = InstrumentedJobStore(store, metrics: metrics)
        self.logger = logger
        inFlight = InFlightGate(limit: configuration.limits.maxJobsInFlightPerTenant)
        solveGate = SolveGate(concurrency: configuration.limits.maxConcurrentSolves,
                              maxWaiting: configuration.limits.maxQueuedSolves)
    }

    /// The router with every route of the API (see `docs/openapi.json`).
    public func buildRouter() -> Router<HaulRequestContext> {
        let router = Router(context: HaulRequestContext.self)
        router.add(middleware: RequestMiddleware(metrics: metrics))
        operations.add(to: router)
        WebRoutes().add(to: router)
        let v1 = router.group("v1").add(middleware: TenantAuthMiddleware(tokens: configuration.tokens))
        JobRoutes(store: store, limits: configuration.limits, maxAttempts: configuration.maxAttempts, gate: inFlight,
                  metrics: metrics).add(to: v1)
        SolveRoutes(limits: configuration.limits, gate: solveGate, metrics: metrics).add(to: v1)
        AllocatorRoutes(pools: allocatorPools, limits: configuration.limits).add(to: v1)
        return router
    }

    private var operations: OperationsRoutes {
        OperationsRoutes(store: store, tokens: configuration.tokens, metrics: metrics)
    }

    /// The HTTP application on ``ServiceConfiguration/host``:``ServiceConfiguration/port``, with
    /// the metrics port and `services` (e.g. workers) in its service group. `onRunning` gets the
    /// bound port once the server listens.
    public func buildApplication(services: [any Service] = [],
                                 onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        var all = services
        if let metricsPort = configuration.metricsPort {
            let metricsRouter = Router(context: HaulRequestContext.self)
            metricsRouter.add(middleware: RequestMiddleware(metrics: ServiceMetrics()))
            operations.addUnauthenticatedMetrics(to: metricsRouter)
            var metricsLogger = logger
            metricsLogger[metadataKey: "listener"] = "metrics"
            all.append(Application(router: metricsRouter,
                                   configuration: .init(address: .hostname(configuration.host, port: metricsPort),
                                                        serverName: nil),
                                   logger: metricsLogger))
        }
        let log = logger
        let host = configuration.host
        return Application(router: buildRouter(),
                           configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
                           services: all,
                           onServerRunning: { channel in
                               let port = channel.localAddress?.port ?? 0
                               log.info("listening", metadata: ["host": "\(host)", "port": "\(port)"])
                               await onRunning(port)
                           },
                           logger: logger)
    }

    /// Runs HTTP (and, when `workers` is given, a ``JobWorkerPool`` on the same store) until SIGTERM
    /// or SIGINT. Shutdown is graceful: the server stops accepting connections and answers the
    /// requests it has, then the workers stop claiming and finish or release their running jobs.
    public func run(workers: WorkerConfiguration?, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        var services: [any Service] = []
        if let workers {
            services.append(WorkerPoolService(pool: JobWorkerPool(store: store, configuration: workers, logger: logger)))
        }
        let app = buildApplication(services: services, onRunning: onRunning)
        try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }
}

/// A ``JobWorkerPool`` as a service of a ServiceLifecycle group: graceful shutdown cancels its run,
/// which stops claiming and finishes or releases running jobs.
public struct WorkerPoolService: Service {
    /// The pool run by this service.
    public let pool: JobWorkerPool
    /// Wraps `pool`.
    public init(pool: JobWorkerPool) { self.pool = pool }
    /// Runs the pool until graceful shutdown (or cancellation), then lets it finish or release its jobs.
    public func run() async throws {
        try await cancelWhenGracefulShutdown { try await pool.run() }
    }
}
