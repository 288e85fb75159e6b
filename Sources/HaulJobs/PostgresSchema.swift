import Foundation
import Logging
import PostgresNIO

/// The PostgreSQL job store's tables and schema version, in one PostgreSQL schema (namespace).
struct PostgresSchema: Sendable {
    /// The schema version this release writes and reads.
    static let version = 1

    /// The PostgreSQL schema holding the tables (validated: lower-case letters, digits, `_`).
    let name: String

    init(name: String) throws {
        let valid = !name.isEmpty && name.count <= 63 && name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_"
        } && !("0"..."9").contains(name.unicodeScalars.first!)
        guard valid else {
            throw JobStoreError.invalidURL("invalid PostgreSQL schema name \"\(name)\": use lower-case letters, digits and _")
        }
        self.name = name
    }

    /// The jobs table, qualified.
    var jobs: String { "\"\(name)\".haul_jobs" }
    var versionTable: String { "\"\(name)\".haul_schema" }

    /// The columns read into a `JobRecord`.
    static let columns = """
        id, tenant, kind, status, priority, progress, best_objective, attempts, max_attempts, idempotency_key, \
        created_at, started_at, finished_at, error, problem, plan, seq
        """

    /// `columns`, each prefixed with `alias.`.
    static func columns(of alias: String) -> String {
        columns.split(separator: ",").map { "\(alias).\($0.trimmingCharacters(in: .whitespaces))" }.joined(separator: ", ")
    }

    /// Reads a row selected with `columns`, with its sequence number (the list cursor).
    static func record(_ row: PostgresRow) throws -> (record: JobRecord, sequence: Int64) {
        let r = row.makeRandomAccess()
        let record = JobRecord(
            id: try r["id"].decode(String.self), tenant: try r["tenant"].decode(String.self),
            kind: try r["kind"].decode(String.self),
            status: JobStatus(rawValue: try r["status"].decode(String.self)) ?? .failed,
            priority: try r["priority"].decode(Int.self), progress: try r["progress"].decode(Double.self),
            bestObjective: try r["best_objective"].decode(Double?.self), attempts: try r["attempts"].decode(Int.self),
            maxAttempts: try r["max_attempts"].decode(Int.self), idempotencyKey: try r["idempotency_key"].decode(String?.self),
            createdAt: try r["created_at"].decode(Date.self), startedAt: try r["started_at"].decode(Date?.self),
            finishedAt: try r["finished_at"].decode(Date?.self), error: try r["error"].decode(String?.self),
            problem: try r["problem"].decode(Data.self), plan: try r["plan"].decode(Data?.self))
        return (record, try r["seq"].decode(Int64.self))
    }

    private var ddl: [String] {
        [
            """
            CREATE TABLE IF NOT EXISTS \(jobs) (
                seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                id text NOT NULL UNIQUE,
                tenant text NOT NULL,
                kind text NOT NULL,
                status text NOT NULL,
                priority bigint NOT NULL,
                progress double precision NOT NULL DEFAULT 0,
                best_objective double precision,
                attempts bigint NOT NULL DEFAULT 0,
                max_attempts bigint NOT NULL,
                idempotency_key text,
                created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                started_at timestamptz,
                finished_at timestamptz,
                error text,
                problem bytea NOT NULL,
                plan bytea,
                worker_id text,
                lease_expires_at timestamptz
            )
            """,
            "CREATE UNIQUE INDEX IF NOT EXISTS haul_jobs_idempotency ON \(jobs) (tenant, idempotency_key) WHERE idempotency_key IS NOT NULL",
            "CREATE INDEX IF NOT EXISTS haul_jobs_tenant ON \(jobs) (tenant, seq)",
            "CREATE INDEX IF NOT EXISTS haul_jobs_queued_tenant ON \(jobs) (priority, tenant, seq) WHERE status = 'queued'",
            "CREATE INDEX IF NOT EXISTS haul_jobs_running ON \(jobs) (lease_expires_at) WHERE status = 'running'",
            "CREATE INDEX IF NOT EXISTS haul_jobs_running_tenant ON \(jobs) (tenant) WHERE status = 'running'",
            "CREATE INDEX IF NOT EXISTS haul_jobs_status ON \(jobs) (status, tenant)",
        ]
    }

    /// Creates the schema when missing. Idempotent, and safe when several processes start at once:
    /// the work runs in one transaction under a transaction-scoped advisory lock.
    func prepare(_ client: PostgresClient, logger: Logger) async throws {
        let name = self.name
        let versionTable = self.versionTable
        let ddl = self.ddl
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext('haul-jobs-schema'))", logger: logger)
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \"\(name)\""), logger: logger)
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE TABLE IF NOT EXISTS \(versionTable) (version bigint NOT NULL)"),
                                       logger: logger)
            var found = 0
            for try await row in try await connection.query(PostgresQuery(unsafeSQL: "SELECT max(version) FROM \(versionTable)"),
                                                            logger: logger) {
                found = try row.makeRandomAccess()[0].decode(Int?.self) ?? 0
            }
            if found > Self.version {
                throw JobStoreError.unsupportedSchemaVersion(found: found, supported: Self.version)
            }
            if found < Self.version {
                for statement in ddl { try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger) }
                try await connection.query(PostgresQuery(unsafeSQL: "DELETE FROM \(versionTable)"), logger: logger)
                try await connection.query(PostgresQuery(unsafeSQL: "INSERT INTO \(versionTable) (version) VALUES (\(Self.version))"),
                                           logger: logger)
            }
        }
    }
}
