import CSQLite
import Foundation

/// The SQLite job store's tables, indexes and schema version (`PRAGMA user_version`).
enum SQLiteSchema {
    /// The schema version this release writes and reads.
    static let version = 1

    /// The queue's statements name their index (`INDEXED BY`): without statistics SQLite's planner
    /// may otherwise pick an index that makes a claim scan every queued or finished job.
    static let statements = """
        CREATE TABLE IF NOT EXISTS jobs (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            tenant TEXT NOT NULL,
            kind TEXT NOT NULL,
            status TEXT NOT NULL,
            priority INTEGER NOT NULL,
            progress REAL NOT NULL DEFAULT 0,
            best_objective REAL,
            attempts INTEGER NOT NULL DEFAULT 0,
            max_attempts INTEGER NOT NULL,
            idempotency_key TEXT,
            created_at REAL NOT NULL,
            started_at REAL,
            finished_at REAL,
            error TEXT,
            problem BLOB NOT NULL,
            plan BLOB,
            worker_id TEXT,
            lease_expires_at REAL
        );
        CREATE UNIQUE INDEX IF NOT EXISTS jobs_idempotency ON jobs(tenant, idempotency_key) WHERE idempotency_key IS NOT NULL;
        CREATE INDEX IF NOT EXISTS jobs_tenant ON jobs(tenant, seq);
        CREATE INDEX IF NOT EXISTS jobs_status_tenant ON jobs(status, tenant);
        CREATE INDEX IF NOT EXISTS jobs_queued ON jobs(priority, tenant, seq) WHERE status = 'queued';
        CREATE INDEX IF NOT EXISTS jobs_running_lease ON jobs(lease_expires_at) WHERE status = 'running';
        """

    /// The columns read into a `JobRecord`, in the order `record(_:)` expects.
    static let columns = """
        id, tenant, kind, status, priority, progress, best_objective, attempts, max_attempts, idempotency_key, \
        created_at, started_at, finished_at, error, problem, plan, seq
        """

    /// Reads a row selected with `columns`.
    static func record(_ row: SQLiteRow) -> JobRecord {
        JobRecord(id: row.text(0), tenant: row.text(1), kind: row.text(2),
                  status: JobStatus(rawValue: row.text(3)) ?? .failed, priority: row.int(4),
                  progress: row.double(5), bestObjective: row.optionalDouble(6), attempts: row.int(7),
                  maxAttempts: row.int(8), idempotencyKey: row.optionalText(9), createdAt: row.double(10).unixDate,
                  startedAt: row.optionalDouble(11)?.unixDate, finishedAt: row.optionalDouble(12)?.unixDate,
                  error: row.optionalText(13), problem: row.blob(14), plan: row.optionalBlob(15))
    }

    /// Sets WAL mode and the sync level, then creates the schema if the file has none. Safe when
    /// several processes open a new file at once: creation runs under `BEGIN IMMEDIATE` and checks
    /// the version first.
    static func prepare(_ connection: SQLiteConnection, synchronous: SQLiteJobStore.Synchronous) throws {
        // Switching to WAL needs a moment with no other connection in a transaction; retry briefly.
        var attempt = 0
        while true {
            do {
                try connection.execute("PRAGMA journal_mode=WAL")
                break
            } catch let error as SQLiteError where error.isBusy && attempt < 50 {
                attempt += 1
                usleep(20_000)
            }
        }
        try connection.execute("PRAGMA synchronous=\(synchronous.rawValue.uppercased())")
        try connection.writeTransaction {
            let found = try connection.query("PRAGMA user_version") { $0.int(0) }.first ?? 0
            if found > version {
                throw JobStoreError.unsupportedSchemaVersion(found: found, supported: version)
            }
            if found < version {
                try connection.execute(statements)
                try connection.execute("PRAGMA user_version=\(version)")
            }
        }
    }
}
