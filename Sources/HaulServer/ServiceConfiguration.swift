import Foundation

/// Limits the service enforces on every request; each violation is a 4xx with a JSON error naming
/// the rule (see ``APIError``).
public struct ServiceLimits: Sendable, Equatable {
    /// Largest request body in bytes (`413 body_too_large`). Default 8 MiB.
    public var maxBodyBytes: Int
    /// Most entities in one problem: customers + depots + vehicles for routing, orders + warehouses
    /// for allocation, items + vehicles for loading (`413 problem_too_large`). Default 20,000.
    public var maxEntities: Int
    /// Largest `options.timeLimit` a job may ask for, in seconds (`422 time_limit_too_long`). Default 300.
    public var maxTimeLimit: Double
    /// Most queued or running jobs per tenant (`429 too_many_jobs_in_flight`). Default 1,000.
    public var maxJobsInFlightPerTenant: Int
    /// Time limit of a synchronous `POST /v1/solve`, in seconds: longer requests are cut to it. Default 30.
    public var maxSyncTimeLimit: Double
    /// Most entities in a synchronous solve (`413 problem_too_large`). Default 2,000.
    public var maxSyncEntities: Int
    /// Synchronous solves running at once; more wait their turn. Default 2.
    public var maxConcurrentSolves: Int
    /// Synchronous solves waiting for a turn before new ones are refused (`503 solver_busy`). Default 64.
    public var maxQueuedSolves: Int
    /// Most jobs one `GET /v1/jobs` page returns. Default 200.
    public var maxPageSize: Int

    /// The limits, each with its documented default.
    public init(maxBodyBytes: Int = 8 << 20, maxEntities: Int = 20_000, maxTimeLimit: Double = 300,
                maxJobsInFlightPerTenant: Int = 1_000, maxSyncTimeLimit: Double = 30, maxSyncEntities: Int = 2_000,
                maxConcurrentSolves: Int = 2, maxQueuedSolves: Int = 64, maxPageSize: Int = 200) {
        self.maxBodyBytes = maxBodyBytes
        self.maxEntities = maxEntities
        self.maxTimeLimit = maxTimeLimit
        self.maxJobsInFlightPerTenant = maxJobsInFlightPerTenant
        self.maxSyncTimeLimit = maxSyncTimeLimit
        self.maxSyncEntities = maxSyncEntities
        self.maxConcurrentSolves = maxConcurrentSolves
        self.maxQueuedSolves = maxQueuedSolves
        self.maxPageSize = maxPageSize
    }
}

/// Everything ``HaulService`` needs besides its job store.
public struct ServiceConfiguration: Sendable {
    /// Address to listen on. Default `127.0.0.1`.
    public var host: String
    /// Port; 0 picks a free one. Default 8080.
    public var port: Int
    /// Tenant tokens and the admin token.
    public var tokens: TokenRegistry
    /// When set, `/metrics` is served without a token on this separate port (and still with the
    /// admin token on the main port).
    public var metricsPort: Int?
    /// Body, problem, time-limit, in-flight and synchronous-solve limits.
    public var limits: ServiceLimits
    /// Attempts a submitted job gets before it is `failed`. Default 3.
    public var maxAttempts: Int

    /// A configuration; every value has the default documented on its property.
    public init(host: String = "127.0.0.1", port: Int = 8080, tokens: TokenRegistry = TokenRegistry(),
                metricsPort: Int? = nil, limits: ServiceLimits = ServiceLimits(), maxAttempts: Int = 3) {
        self.host = host
        self.port = port
        self.tokens = tokens
        self.metricsPort = metricsPort
        self.limits = limits
        self.maxAttempts = maxAttempts
    }
}
