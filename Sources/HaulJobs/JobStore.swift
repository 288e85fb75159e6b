import Foundation

/// The life of a job: `queued` -> `running` -> `succeeded` | `failed`; `cancelled` from `queued` or
/// `running`. A running job whose lease expires goes back to `queued` (or to `failed` once it has
/// used its attempts).
public enum JobStatus: String, Sendable, Codable, CaseIterable {
    case queued, running, succeeded, failed, cancelled

    /// Whether the job has ended (no worker will touch it again).
    public var isFinal: Bool { self == .succeeded || self == .failed || self == .cancelled }
}

/// A job as stored. `problem` and `plan` are the JSON documents as bytes (UTF-8).
public struct JobRecord: Sendable, Equatable {
    public var id: String
    public var tenant: String
    /// The problem's `kind` (`routing`, `allocation`, `loading`).
    public var kind: String
    public var status: JobStatus
    /// Higher runs first; ties by submission time.
    public var priority: Int
    /// Fraction done in [0, 1] as the worker last reported it.
    public var progress: Double
    /// The best objective the worker last reported, if any.
    public var bestObjective: Double?
    public var attempts: Int
    public var maxAttempts: Int
    public var idempotencyKey: String?
    public var createdAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?
    /// The last error (a failed attempt or the final failure).
    public var error: String?
    public var problem: Data
    public var plan: Data?

    public init(id: String, tenant: String, kind: String, status: JobStatus, priority: Int, progress: Double,
                bestObjective: Double?, attempts: Int, maxAttempts: Int, idempotencyKey: String?, createdAt: Date,
                startedAt: Date?, finishedAt: Date?, error: String?, problem: Data, plan: Data?) {
        self.id = id
        self.tenant = tenant
        self.kind = kind
        self.status = status
        self.priority = priority
        self.progress = progress
        self.bestObjective = bestObjective
        self.attempts = attempts
        self.maxAttempts = maxAttempts
        self.idempotencyKey = idempotencyKey
        self.createdAt = createdAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.error = error
        self.problem = problem
        self.plan = plan
    }
}

/// What a client submits.
public struct NewJob: Sendable, Equatable {
    public var tenant: String
    public var kind: String
    public var problem: Data
    public var priority: Int
    public var maxAttempts: Int
    /// Same key from the same tenant returns the job first submitted with it.
    public var idempotencyKey: String?

    public init(tenant: String, kind: String, problem: Data, priority: Int = 0, maxAttempts: Int = 3,
                idempotencyKey: String? = nil) {
        self.tenant = tenant
        self.kind = kind
        self.problem = problem
        self.priority = priority
        self.maxAttempts = maxAttempts
        self.idempotencyKey = idempotencyKey
    }
}

/// A filter and page of a tenant's jobs, newest first.
public struct JobQuery: Sendable, Equatable {
    public var tenant: String
    public var status: JobStatus?
    public var kind: String?
    public var limit: Int
    /// Opaque: the `nextCursor` of the previous page.
    public var cursor: String?

    public init(tenant: String, status: JobStatus? = nil, kind: String? = nil, limit: Int = 50, cursor: String? = nil) {
        self.tenant = tenant
        self.status = status
        self.kind = kind
        self.limit = limit
        self.cursor = cursor
    }
}

public struct JobPage: Sendable, Equatable {
    public var jobs: [JobRecord]
    /// Pass as `JobQuery.cursor` for the next page; nil on the last page.
    public var nextCursor: String?
    public init(jobs: [JobRecord], nextCursor: String?) {
        self.jobs = jobs
        self.nextCursor = nextCursor
    }
}

/// A worker's claim on a running job. Only the holder of the current lease may report progress or
/// store the outcome; a lease that expired (and was re-issued) is refused.
public struct JobLease: Sendable, Equatable {
    public var jobID: String
    public var workerID: String
    /// Distinguishes successive claims of the same job (the attempt number).
    public var attempt: Int
    public var expiresAt: Date
    public init(jobID: String, workerID: String, attempt: Int, expiresAt: Date) {
        self.jobID = jobID
        self.workerID = workerID
        self.attempt = attempt
        self.expiresAt = expiresAt
    }
}

/// What a lease holder learns when it renews or reports.
public enum LeaseState: Sendable, Equatable {
    /// Still the holder; the lease now runs to the returned date.
    case held(expiresAt: Date)
    /// The client cancelled the job: stop solving, store nothing.
    case cancelled
    /// Someone else holds the job now (the lease expired): stop, store nothing.
    case lost
}

/// Counts for `/metrics` and `/readyz`.
public struct JobCounts: Sendable, Equatable {
    public var byStatus: [JobStatus: Int]
    public init(byStatus: [JobStatus: Int]) { self.byStatus = byStatus }
}

/// Durable storage of jobs shared by the HTTP front and the workers.
///
/// Every method is atomic: two workers never claim the same job at once, an outcome is stored at
/// most once per job, and a job ends exactly once.
public protocol JobStore: Sendable {
    /// Stores a new job as `queued`, or returns the tenant's job with the same idempotency key
    /// (`created == false`).
    func submit(_ job: NewJob) async throws -> (job: JobRecord, created: Bool)
    /// The job if it belongs to `tenant` (nil otherwise, also when it exists for another tenant).
    func job(id: String, tenant: String) async throws -> JobRecord?
    func list(_ query: JobQuery) async throws -> JobPage
    /// Cancels a queued or running job of the tenant; returns the job as it is afterwards (nil
    /// when there is no such job for the tenant). A final job is returned unchanged.
    func cancel(id: String, tenant: String) async throws -> JobRecord?
    /// Number of the tenant's jobs that are queued or running (for the in-flight limit).
    func inFlightCount(tenant: String) async throws -> Int

    /// Claims the next queued job (highest priority, then fair between tenants, then oldest),
    /// first putting back or failing every job whose lease expired. Increments `attempts`.
    func claim(workerID: String, leaseDuration: TimeInterval) async throws -> (JobRecord, JobLease)?
    /// Extends the lease and records progress.
    func renew(_ lease: JobLease, leaseDuration: TimeInterval, progress: Double?, bestObjective: Double?)
        async throws -> LeaseState
    /// Stores the plan and marks the job `succeeded`, if the lease is still held. Returns whether
    /// it was stored.
    func complete(_ lease: JobLease, plan: Data) async throws -> Bool
    /// Records a failed attempt: back to `queued` when `retry` and attempts remain, else `failed`.
    func fail(_ lease: JobLease, error: String, retry: Bool) async throws -> Bool
    /// Gives a claimed job back untouched (graceful shutdown): `queued` again, the attempt not
    /// counted.
    func release(_ lease: JobLease) async throws

    func counts() async throws -> JobCounts
    /// Closes connections; the store is not used afterwards.
    func close() async
}
