import Foundation
import Logging
import PostgresNIO

/// The job store for several machines: PostgreSQL, through a pool of connections.
///
/// Workers on any number of hosts claim jobs with `SELECT ... FOR UPDATE SKIP LOCKED` inside one
/// `UPDATE ... RETURNING`, so two claimers never take the same job and never wait for each other.
/// Lease times use the database server's clock, so the workers' clocks need not agree. A commit is
/// as durable as the server's `synchronous_commit` setting makes it (on by default: durable per commit).
///
/// Call ``prepare()`` once before use (``openJobStore(url:logger:)`` does), and ``close()`` at the end.
public final class PostgresJobStore: JobStore {
    private let client: PostgresClient
    private let runTask: Task<Void, Never>
    private let schema: PostgresSchema
    private let logger: Logger

    /// Makes a store over a new connection pool and starts the pool.
    ///
    /// - Parameters:
    ///   - configuration: Where and how to connect.
    ///   - schema: The PostgreSQL schema (namespace) holding the tables; created if missing.
    ///     Lower-case letters, digits and `_`.
    ///   - logger: For the pool's background messages and failed queries; payloads are never logged.
    /// - Throws: ``JobStoreError/invalidURL(_:)`` for an invalid schema name.
    public init(configuration: PostgresClient.Configuration, schema: String = "public", logger: Logger) throws {
        self.schema = try PostgresSchema(name: schema)
        self.logger = logger
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        runTask = Task { await client.run() }
    }

    /// Creates the tables when missing (idempotent; safe when several processes start at once) and
    /// checks the schema version.
    ///
    /// - Throws: a connection or SQL error, or
    ///   ``JobStoreError/unsupportedSchemaVersion(found:supported:)``.
    public func prepare() async throws {
        try await schema.prepare(client, logger: logger)
    }

    /// Ends the connection pool. The store is not used afterwards.
    public func close() async {
        runTask.cancel()
        await runTask.value
    }

    /// Drops the store's schema and everything in it (tests use a schema each).
    func dropSchema() async throws {
        try await client.query(PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \"\(schema.name)\" CASCADE"), logger: logger)
    }

    private var jobs: String { schema.jobs }

    private func records(_ query: PostgresQuery) async throws -> [(record: JobRecord, sequence: Int64)] {
        var result: [(record: JobRecord, sequence: Int64)] = []
        for try await row in try await client.query(query, logger: logger) {
            result.append(try PostgresSchema.record(row))
        }
        return result
    }

    private func count(_ query: PostgresQuery) async throws -> Int {
        var n = 0
        for try await _ in try await client.query(query, logger: logger) { n += 1 }
        return n
    }

    // MARK: Clients

    public func submit(_ job: NewJob) async throws -> (job: JobRecord, created: Bool) {
        let inserted = try await records("""
            INSERT INTO \(unescaped: jobs) (id, tenant, kind, status, priority, max_attempts, idempotency_key, problem)
            VALUES (\(JobIDs.make()), \(job.tenant), \(job.kind), 'queued', \(job.priority), \(job.effectiveMaxAttempts),
                    \(job.idempotencyKey), \(job.problem))
            ON CONFLICT (tenant, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
            RETURNING \(unescaped: PostgresSchema.columns)
            """)
        if let first = inserted.first { return (first.record, true) }
        // The key was used before: the conflicting row is committed (ON CONFLICT waited for it).
        let existing = try await records("""
            SELECT \(unescaped: PostgresSchema.columns) FROM \(unescaped: jobs)
            WHERE tenant = \(job.tenant) AND idempotency_key = \(job.idempotencyKey)
            """)
        guard let found = existing.first else { throw PostgresJobStoreError.idempotencyConflictVanished }
        return (found.record, false)
    }

    public func job(id: String, tenant: String) async throws -> JobRecord? {
        try await records("""
            SELECT \(unescaped: PostgresSchema.columns) FROM \(unescaped: jobs) WHERE id = \(id) AND tenant = \(tenant)
            """).first?.record
    }

    public func list(_ query: JobQuery) async throws -> JobPage {
        let before = try query.cursor.map(JobCursor.decode) ?? Int64.max
        let limit = query.clampedLimit
        let status = query.status?.rawValue
        var rows = try await records("""
            SELECT \(unescaped: PostgresSchema.columns) FROM \(unescaped: jobs)
            WHERE tenant = \(query.tenant) AND seq < \(before)
              AND (\(status)::text IS NULL OR status = \(status)) AND (\(query.kind)::text IS NULL OR kind = \(query.kind))
            ORDER BY seq DESC LIMIT \(limit + 1)
            """)
        let more = rows.count > limit
        if more { rows.removeLast() }
        return JobPage(jobs: rows.map(\.record), nextCursor: more ? rows.last.map { JobCursor.encode(sequence: $0.sequence) } : nil)
    }

    public func cancel(id: String, tenant: String) async throws -> JobRecord? {
        try await client.query("""
            UPDATE \(unescaped: jobs) SET status = 'cancelled', finished_at = clock_timestamp(), worker_id = NULL, lease_expires_at = NULL
            WHERE id = \(id) AND tenant = \(tenant) AND status IN ('queued', 'running')
            """, logger: logger)
        return try await job(id: id, tenant: tenant)
    }

    public func inFlightCount(tenant: String) async throws -> Int {
        var n = 0
        for try await row in try await client.query("""
            SELECT count(*) FROM \(unescaped: jobs) WHERE tenant = \(tenant) AND status IN ('queued', 'running')
            """, logger: logger) {
            n = try row.makeRandomAccess()[0].decode(Int.self)
        }
        return n
    }

    public func counts() async throws -> JobCounts {
        var byStatus = Dictionary(uniqueKeysWithValues: JobStatus.allCases.map { ($0, 0) })
        for try await row in try await client.query("SELECT status, count(*) FROM \(unescaped: jobs) GROUP BY status", logger: logger) {
            let r = row.makeRandomAccess()
            if let status = JobStatus(rawValue: try r[0].decode(String.self)) { byStatus[status] = try r[1].decode(Int.self) }
        }
        return JobCounts(byStatus: byStatus)
    }

    // MARK: Workers

    public func claim(workerID: String, leaseDuration: TimeInterval) async throws -> (JobRecord, JobLease)? {
        // Expired leases first: back to the queue, or failed once the attempts are used up. Row locks
        // make this safe when several claimers run it at once.
        try await client.query("""
            UPDATE \(unescaped: jobs) SET
                status = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END,
                finished_at = CASE WHEN attempts >= max_attempts THEN clock_timestamp() ELSE NULL END,
                error = 'attempt ' || attempts || ': the lease of worker ' || COALESCE(worker_id, '?') || ' expired',
                worker_id = NULL, lease_expires_at = NULL
            WHERE status = 'running' AND lease_expires_at < clock_timestamp()
            """, logger: logger)
        // Highest priority, then the tenant with the fewest running jobs, then the oldest job. The
        // tenants waiting at the top priority come from a skip scan of the queue index (cost grows
        // with the number of tenants, not of queued jobs); each tenant's oldest job is then tried
        // with SKIP LOCKED, and a job claimed meanwhile fails the re-check of `status = 'queued'`.
        // A few rounds: every candidate may have been taken by other claimers meanwhile.
        for _ in 0..<3 {
            let candidates = try await fairCandidates()
            if candidates.isEmpty { return nil }
            for candidate in candidates {
                if let claimed = try await claimOldest(workerID: workerID, leaseDuration: leaseDuration, of: candidate) {
                    return claimed
                }
            }
        }
        return nil
    }

    /// The tenants with queued jobs at the highest priority, in claim order: fewest running jobs
    /// first, then the oldest queued job.
    private func fairCandidates() async throws -> [(tenant: String, priority: Int)] {
        var candidates: [(tenant: String, priority: Int)] = []
        for try await row in try await client.query("""
            WITH RECURSIVE top AS (
                SELECT q.priority AS p FROM \(unescaped: jobs) q WHERE q.status = 'queued' ORDER BY q.priority DESC LIMIT 1
            ), tenants AS (
                SELECT (SELECT q.tenant FROM \(unescaped: jobs) q
                        WHERE q.status = 'queued' AND q.priority = (SELECT p FROM top) ORDER BY q.tenant LIMIT 1) AS tenant
                UNION ALL
                SELECT (SELECT q.tenant FROM \(unescaped: jobs) q
                        WHERE q.status = 'queued' AND q.priority = (SELECT p FROM top) AND q.tenant > tenants.tenant
                        ORDER BY q.tenant LIMIT 1)
                FROM tenants WHERE tenants.tenant IS NOT NULL
            )
            SELECT tenants.tenant, top.p,
                (SELECT count(*) FROM \(unescaped: jobs) r WHERE r.status = 'running' AND r.tenant = tenants.tenant) AS running,
                (SELECT h.seq FROM \(unescaped: jobs) h
                 WHERE h.status = 'queued' AND h.priority = top.p AND h.tenant = tenants.tenant ORDER BY h.seq LIMIT 1) AS head
            FROM tenants, top WHERE tenants.tenant IS NOT NULL
            ORDER BY running, head
            """, logger: logger) {
            let r = row.makeRandomAccess()
            candidates.append((try r[0].decode(String.self), try r[1].decode(Int.self)))
        }
        return candidates
    }

    /// Claims the oldest unlocked queued job of the candidate's tenant at its priority.
    private func claimOldest(workerID: String, leaseDuration: TimeInterval, of candidate: (tenant: String, priority: Int))
        async throws -> (JobRecord, JobLease)? {
        var claimed: (JobRecord, Date)?
        // MATERIALIZED: the locking sub-select runs once. Inlined into the UPDATE's join it could be
        // re-scanned per row, each scan skipping the row just updated and claiming the next one.
        for try await row in try await client.query("""
            WITH next AS MATERIALIZED (
                SELECT seq FROM \(unescaped: jobs)
                WHERE status = 'queued' AND priority = \(candidate.priority) AND tenant = \(candidate.tenant)
                ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED
            )
            UPDATE \(unescaped: jobs) AS u SET status = 'running', attempts = u.attempts + 1, worker_id = \(workerID),
                lease_expires_at = clock_timestamp() + make_interval(secs => \(leaseDuration)),
                started_at = clock_timestamp(), progress = 0, best_objective = NULL
            WHERE u.seq = (SELECT seq FROM next) AND u.status = 'queued'
            RETURNING \(unescaped: PostgresSchema.columns(of: "u")), u.lease_expires_at
            """, logger: logger) {
            claimed = (try PostgresSchema.record(row).record, try row.makeRandomAccess()["lease_expires_at"].decode(Date.self))
        }
        guard let (record, expires) = claimed else { return nil }
        return (record, JobLease(jobID: record.id, workerID: workerID, attempt: record.attempts, expiresAt: expires))
    }

    public func renew(_ lease: JobLease, leaseDuration: TimeInterval, progress: Double?, bestObjective: Double?) async throws -> LeaseState {
        let progress = progress.map { min(max($0, 0), 1) }
        var expires: Date?
        for try await row in try await client.query("""
            UPDATE \(unescaped: jobs) SET lease_expires_at = clock_timestamp() + make_interval(secs => \(leaseDuration)),
                progress = COALESCE(\(progress), progress), best_objective = COALESCE(\(bestObjective), best_objective)
            WHERE id = \(lease.jobID) AND status = 'running' AND worker_id = \(lease.workerID) AND attempts = \(lease.attempt)
            RETURNING lease_expires_at
            """, logger: logger) {
            expires = try row.makeRandomAccess()[0].decode(Date.self)
        }
        if let expires { return .held(expiresAt: expires) }
        var status: String?
        for try await row in try await client.query("SELECT status FROM \(unescaped: jobs) WHERE id = \(lease.jobID)", logger: logger) {
            status = try row.makeRandomAccess()[0].decode(String.self)
        }
        return status == JobStatus.cancelled.rawValue ? .cancelled : .lost
    }

    public func complete(_ lease: JobLease, plan: Data) async throws -> Bool {
        try await count("""
            UPDATE \(unescaped: jobs) SET status = 'succeeded', plan = \(plan), progress = 1, finished_at = clock_timestamp(),
                worker_id = NULL, lease_expires_at = NULL
            WHERE id = \(lease.jobID) AND status = 'running' AND worker_id = \(lease.workerID) AND attempts = \(lease.attempt)
            RETURNING seq
            """) == 1
    }

    public func fail(_ lease: JobLease, error: String, retry: Bool) async throws -> Bool {
        try await count("""
            UPDATE \(unescaped: jobs) SET
                status = CASE WHEN \(retry) AND attempts < max_attempts THEN 'queued' ELSE 'failed' END,
                finished_at = CASE WHEN \(retry) AND attempts < max_attempts THEN NULL ELSE clock_timestamp() END,
                error = \(error), worker_id = NULL, lease_expires_at = NULL
            WHERE id = \(lease.jobID) AND status = 'running' AND worker_id = \(lease.workerID) AND attempts = \(lease.attempt)
            RETURNING seq
            """) == 1
    }

    public func release(_ lease: JobLease) async throws {
        try await client.query("""
            UPDATE \(unescaped: jobs) SET status = 'queued', attempts = attempts - 1, worker_id = NULL, lease_expires_at = NULL,
                progress = 0, best_objective = NULL, started_at = CASE WHEN attempts > 1 THEN started_at ELSE NULL END
            WHERE id = \(lease.jobID) AND status = 'running' AND worker_id = \(lease.workerID) AND attempts = \(lease.attempt)
            """, logger: logger)
    }
}

enum PostgresJobStoreError: Error, CustomStringConvertible {
    case idempotencyConflictVanished

    var description: String {
        switch self {
        case .idempotencyConflictVanished: return "the job with this idempotency key could not be read back"
        }
    }
}
