import Dispatch
import Foundation
import Synchronization

/// The embedded job store: one SQLite file in WAL mode.
///
/// Several processes may open the same file (a `haul serve` and `haul worker` processes on one
/// machine): writes take SQLite's write lock with `BEGIN IMMEDIATE` and wait for it up to the busy
/// timeout; readers never block writers. Within a process every statement runs on one serial queue,
/// and concurrent submissions are written together in one transaction (group commit), so the
/// submit rate is not bounded by one commit per job.
///
/// Durability depends on ``Synchronous``:
/// - ``Synchronous/full`` (the default): the log is synced at every commit (one sync per group of
///   submissions); an acknowledged job survives a process crash, an operating-system crash and
///   power loss. Measured faster in the tail than `normal` (Benchmarks/README.md, "Service"):
///   `normal` syncs only at checkpoints, and a checkpoint's large sync stalls the commits behind it.
/// - ``Synchronous/normal``: an acknowledged job survives a crash of the process;
///   on power loss or an operating-system crash the last commits before the crash may be rolled
///   back (the file stays consistent).
/// - ``Synchronous/off``: no syncs; survives a crash of the process only, and the file may be
///   corrupted by power loss.
///
/// Lease times use this machine's clock, which all processes sharing the file also use.
public final class SQLiteJobStore: JobStore, @unchecked Sendable {
    /// SQLite's `PRAGMA synchronous`: how often the write-ahead log is synced to disk.
    public enum Synchronous: String, Sendable, CaseIterable {
        case off, normal, full
    }

    /// The database file.
    public let path: String
    /// Every use of `connection` happens on this queue (hence `@unchecked Sendable`).
    private let queue: DispatchQueue
    private var connection: SQLiteConnection?
    private let pending = Mutex(PendingSubmissions())
    private let checkpointer: SQLiteCheckpointer

    private struct PendingSubmissions {
        var items: [(job: NewJob, continuation: CheckedContinuation<(job: JobRecord, created: Bool), any Error>)] = []
        var flushScheduled = false
    }

    /// Opens (creating if missing) the store at `path`.
    ///
    /// - Parameters:
    ///   - path: The database file; SQLite also creates `path-wal` and `path-shm` beside it.
    ///   - synchronous: The durability of a commit; see the type's documentation.
    ///   - busyTimeout: Seconds a write waits for another process's write lock before failing.
    /// - Throws: ``SQLiteError`` when the file cannot be opened or is not a database, and
    ///   ``JobStoreError/unsupportedSchemaVersion(found:supported:)`` for a newer schema.
    public init(path: String, synchronous: Synchronous = .full, busyTimeout: TimeInterval = 10) throws {
        self.path = path
        let connection = try SQLiteConnection(path: path, busyTimeoutMilliseconds: Int32(min(max(busyTimeout, 0), 3600) * 1000))
        try SQLiteSchema.prepare(connection, synchronous: synchronous)
        // Checkpoints run in the background (SQLiteCheckpointer); this threshold (about 40 MB of
        // log) is only the fallback.
        try connection.execute("PRAGMA wal_autocheckpoint=10000")
        self.connection = connection
        checkpointer = try SQLiteCheckpointer(path: path)
        queue = DispatchQueue(label: "haul.jobs.sqlite")
    }

    struct ClosedError: Error, CustomStringConvertible {
        var description: String { "the job store is closed" }
    }

    /// Runs `body` on the store's queue.
    private func onQueue<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                guard let connection = self.connection else { return continuation.resume(throwing: ClosedError()) }
                continuation.resume(with: Result { try body(connection) })
            }
        }
    }

    private static var now: Double { Date().timeIntervalSince1970 }
    private static let select = "SELECT \(SQLiteSchema.columns) FROM jobs"

    private static func fetch(_ c: SQLiteConnection, id: String) throws -> JobRecord? {
        try c.query("\(select) WHERE id = ?", [.text(id)], row: SQLiteSchema.record).first
    }

    // MARK: Submitting (group commit)

    public func submit(_ job: NewJob) async throws -> (job: JobRecord, created: Bool) {
        try await withCheckedThrowingContinuation { continuation in
            let schedule = pending.withLock { state in
                state.items.append((job, continuation))
                if state.flushScheduled { return false }
                state.flushScheduled = true
                return true
            }
            if schedule { queue.async { self.flushSubmissions() } }
        }
    }

    /// Writes every submission waiting now in one transaction; those arriving meanwhile wait for
    /// the next flush, which is already scheduled behind this one.
    private func flushSubmissions() {
        let batch = pending.withLock { state in
            let items = state.items
            state.items = []
            state.flushScheduled = false
            return items
        }
        guard !batch.isEmpty else { return }
        guard let connection else {
            for item in batch { item.continuation.resume(throwing: ClosedError()) }
            return
        }
        let now = Self.now
        do {
            let results = try connection.writeTransaction {
                try batch.map { item -> Result<(job: JobRecord, created: Bool), any Error> in
                    try connection.execute("SAVEPOINT submit")
                    do {
                        let result = try Self.insert(item.job, connection, now: now)
                        try connection.execute("RELEASE submit")
                        return .success(result)
                    } catch {
                        try connection.execute("ROLLBACK TO submit")
                        try connection.execute("RELEASE submit")
                        return .failure(error)
                    }
                }
            }
            for (item, result) in zip(batch, results) { item.continuation.resume(with: result) }
        } catch {
            for item in batch { item.continuation.resume(throwing: error) }
        }
    }

    private static func insert(_ job: NewJob, _ c: SQLiteConnection, now: Double) throws -> (job: JobRecord, created: Bool) {
        if let key = job.idempotencyKey,
           let existing = try c.query("\(select) WHERE tenant = ? AND idempotency_key = ?", [.text(job.tenant), .text(key)],
                                      row: SQLiteSchema.record).first {
            return (existing, false)
        }
        let id = JobIDs.make()
        try c.run("""
            INSERT INTO jobs (id, tenant, kind, status, priority, progress, attempts, max_attempts, idempotency_key, created_at, problem)
            VALUES (?, ?, ?, 'queued', ?, 0, 0, ?, ?, ?, ?)
            """, [.text(id), .text(job.tenant), .text(job.kind), .int(job.priority), .int(job.effectiveMaxAttempts),
                  .optional(job.idempotencyKey), .real(now), .blob(job.problem)])
        let record = JobRecord(id: id, tenant: job.tenant, kind: job.kind, status: .queued, priority: job.priority, progress: 0,
                               bestObjective: nil, attempts: 0, maxAttempts: job.effectiveMaxAttempts,
                               idempotencyKey: job.idempotencyKey, createdAt: now.unixDate, startedAt: nil, finishedAt: nil,
                               error: nil, problem: job.problem, plan: nil)
        return (record, true)
    }

    // MARK: Reading

    public func job(id: String, tenant: String) async throws -> JobRecord? {
        try await onQueue { c in
            try c.query("\(Self.select) WHERE id = ? AND tenant = ?", [.text(id), .text(tenant)], row: SQLiteSchema.record).first
        }
    }

    public func list(_ query: JobQuery) async throws -> JobPage {
        let before = try query.cursor.map(JobCursor.decode) ?? Int64.max
        let limit = query.clampedLimit
        return try await onQueue { c in
            var last: Int64 = 0
            var jobs = try c.query("""
                SELECT \(SQLiteSchema.columns) FROM jobs INDEXED BY jobs_tenant WHERE tenant = ? AND seq < ? AND (?3 IS NULL OR status = ?3) AND (?4 IS NULL OR kind = ?4)
                ORDER BY seq DESC LIMIT ?
                """, [.text(query.tenant), .integer(before), .optional(query.status?.rawValue), .optional(query.kind), .int(limit + 1)]) { row in
                (SQLiteSchema.record(row), Int64(row.int(16)))
            }
            let more = jobs.count > limit
            if more { jobs.removeLast() }
            last = jobs.last?.1 ?? 0
            return JobPage(jobs: jobs.map(\.0), nextCursor: more ? JobCursor.encode(sequence: last) : nil)
        }
    }

    public func inFlightCount(tenant: String) async throws -> Int {
        try await onQueue { c in
            try c.query("SELECT COUNT(*) FROM jobs INDEXED BY jobs_status_tenant WHERE tenant = ? AND status IN ('queued', 'running')", [.text(tenant)]) { $0.int(0) }
                .first ?? 0
        }
    }

    public func counts() async throws -> JobCounts {
        try await onQueue { c in
            var byStatus = Dictionary(uniqueKeysWithValues: JobStatus.allCases.map { ($0, 0) })
            try c.query("SELECT status, COUNT(*) FROM jobs GROUP BY status") { row in
                if let status = JobStatus(rawValue: row.text(0)) { byStatus[status] = row.int(1) }
            }
            return JobCounts(byStatus: byStatus)
        }
    }

    // MARK: Client writes

    public func cancel(id: String, tenant: String) async throws -> JobRecord? {
        try await onQueue { c in
            try c.writeTransaction {
                try c.run("""
                    UPDATE jobs SET status = 'cancelled', finished_at = ?, worker_id = NULL, lease_expires_at = NULL
                    WHERE id = ? AND tenant = ? AND status IN ('queued', 'running')
                    """, [.real(Self.now), .text(id), .text(tenant)])
                return try c.query("\(Self.select) WHERE id = ? AND tenant = ?", [.text(id), .text(tenant)], row: SQLiteSchema.record).first
            }
        }
    }

    // MARK: Workers

    public func claim(workerID: String, leaseDuration: TimeInterval) async throws -> (JobRecord, JobLease)? {
        try await onQueue { c in
            let now = Self.now
            // Most polls of an idle queue end here, without taking the write lock.
            let work = try c.query("""
                SELECT EXISTS (SELECT 1 FROM jobs INDEXED BY jobs_queued WHERE status = 'queued')
                    OR EXISTS (SELECT 1 FROM jobs INDEXED BY jobs_running_lease WHERE status = 'running' AND lease_expires_at < ?)
                """, [.real(now)]) { $0.int(0) }.first ?? 0
            guard work != 0 else { return nil }
            return try c.writeTransaction { () -> (JobRecord, JobLease)? in
                let now = Self.now
                try Self.expireLeases(c, now: now)
                guard let seq = try Self.nextQueued(c) else { return nil }
                let expires = now + leaseDuration
                try c.run("""
                    UPDATE jobs SET status = 'running', attempts = attempts + 1, worker_id = ?, lease_expires_at = ?,
                        started_at = ?, progress = 0, best_objective = NULL
                    WHERE seq = ? AND status = 'queued'
                    """, [.text(workerID), .real(expires), .real(now), .integer(seq)])
                guard let record = try c.query("\(Self.select) WHERE seq = ?", [.integer(seq)], row: SQLiteSchema.record).first
                else { return nil }
                return (record, JobLease(jobID: record.id, workerID: workerID, attempt: record.attempts, expiresAt: expires.unixDate))
            }
        }
    }

    /// Puts back (or fails, when its attempts are used up) every running job whose lease expired.
    private static func expireLeases(_ c: SQLiteConnection, now: Double) throws {
        try c.run("""
            UPDATE jobs INDEXED BY jobs_running_lease SET
                status = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END,
                finished_at = CASE WHEN attempts >= max_attempts THEN ?1 ELSE NULL END,
                error = 'attempt ' || attempts || ': the lease of worker ' || COALESCE(worker_id, '?') || ' expired',
                worker_id = NULL, lease_expires_at = NULL
            WHERE status = 'running' AND lease_expires_at < ?1
            """, [.real(now)])
    }

    /// The next job to run: the highest priority; among its tenants, the one with the fewest running
    /// jobs, then the oldest job. Tenants are visited with a skip scan of the queue index, so the cost
    /// grows with the number of tenants waiting, not with the number of queued jobs.
    private static func nextQueued(_ c: SQLiteConnection) throws -> Int64? {
        guard let priority = try c.query("SELECT MAX(priority) FROM jobs INDEXED BY jobs_queued WHERE status = 'queued'", row: { $0.isNull(0) ? nil : $0.int(0) })
            .first ?? nil else { return nil }
        return try c.query("""
            WITH RECURSIVE tenants(tenant) AS (
                SELECT MIN(tenant) FROM jobs INDEXED BY jobs_queued WHERE status = 'queued' AND priority = ?1
                UNION ALL
                SELECT (SELECT MIN(tenant) FROM jobs INDEXED BY jobs_queued
                        WHERE status = 'queued' AND priority = ?1 AND tenant > tenants.tenant)
                FROM tenants WHERE tenants.tenant IS NOT NULL
            )
            SELECT (SELECT MIN(seq) FROM jobs INDEXED BY jobs_queued
                    WHERE status = 'queued' AND priority = ?1 AND tenant = tenants.tenant) AS head,
                   (SELECT COUNT(*) FROM jobs INDEXED BY jobs_status_tenant
                    WHERE status = 'running' AND tenant = tenants.tenant) AS running
            FROM tenants WHERE tenant IS NOT NULL
            ORDER BY running, head LIMIT 1
            """, [.int(priority)]) { Int64($0.int(0)) }.first
    }

    /// The `WHERE` clause that matches a job only while `lease` is its current lease.
    private static let leaseHeld = "id = ? AND status = 'running' AND worker_id = ? AND attempts = ?"
    private static func leaseValues(_ lease: JobLease) -> [SQLiteValue] {
        [.text(lease.jobID), .text(lease.workerID), .int(lease.attempt)]
    }

    public func renew(_ lease: JobLease, leaseDuration: TimeInterval, progress: Double?, bestObjective: Double?) async throws -> LeaseState {
        try await onQueue { c in
            let expires = Self.now + leaseDuration
            let changed = try c.run("""
                UPDATE jobs SET lease_expires_at = ?, progress = COALESCE(?, progress), best_objective = COALESCE(?, best_objective)
                WHERE \(Self.leaseHeld)
                """, [.real(expires), .optional(progress.map { min(max($0, 0), 1) }), .optional(bestObjective)] + Self.leaseValues(lease))
            if changed == 1 { return .held(expiresAt: expires.unixDate) }
            let status = try c.query("SELECT status FROM jobs WHERE id = ?", [.text(lease.jobID)]) { $0.text(0) }.first
            return status == JobStatus.cancelled.rawValue ? .cancelled : .lost
        }
    }

    public func complete(_ lease: JobLease, plan: Data) async throws -> Bool {
        try await onQueue { c in
            try c.run("""
                UPDATE jobs SET status = 'succeeded', plan = ?, progress = 1, finished_at = ?, worker_id = NULL, lease_expires_at = NULL
                WHERE \(Self.leaseHeld)
                """, [.blob(plan), .real(Self.now)] + Self.leaseValues(lease)) == 1
        }
    }

    public func fail(_ lease: JobLease, error: String, retry: Bool) async throws -> Bool {
        try await onQueue { c in
            try c.run("""
                UPDATE jobs SET
                    status = CASE WHEN ?1 AND attempts < max_attempts THEN 'queued' ELSE 'failed' END,
                    finished_at = CASE WHEN ?1 AND attempts < max_attempts THEN NULL ELSE ?2 END,
                    error = ?3, worker_id = NULL, lease_expires_at = NULL
                WHERE id = ?4 AND status = 'running' AND worker_id = ?5 AND attempts = ?6
                """, [.integer(retry ? 1 : 0), .real(Self.now), .text(error)] + Self.leaseValues(lease)) == 1
        }
    }

    public func release(_ lease: JobLease) async throws {
        _ = try await onQueue { c in
            try c.run("""
                UPDATE jobs SET status = 'queued', attempts = attempts - 1, worker_id = NULL, lease_expires_at = NULL,
                    progress = 0, best_objective = NULL, started_at = CASE WHEN attempts > 1 THEN started_at ELSE NULL END
                WHERE \(Self.leaseHeld)
                """, Self.leaseValues(lease))
        }
    }

    /// Closes the file; later calls throw. Submissions already waiting are written first.
    public func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async {
                self.flushSubmissions()
                self.connection = nil
                self.checkpointer.stop()
                continuation.resume()
            }
        }
    }
}
