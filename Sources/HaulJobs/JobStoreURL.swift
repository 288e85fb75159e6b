import Foundation
import Logging
import PostgresNIO

/// A parsed job-store URL.
public enum JobStoreLocation: Sendable, Equatable {
    /// `sqlite:PATH`: a file, relative to the working directory unless absolute.
    case sqlite(path: String, synchronous: SQLiteJobStore.Synchronous)
    /// `postgres://user:password@host:port/database?schema=NAME&sslmode=disable|require|verify-full`.
    case postgres(host: String, port: Int, user: String, password: String?, database: String?, schema: String, sslMode: String)

    /// Parses a store URL.
    ///
    /// - `sqlite:PATH`, `sqlite://PATH` (e.g. `sqlite:jobs.db`, `sqlite:///var/lib/haul/jobs.db`);
    ///   `?synchronous=off|normal|full` sets SQLite's sync level (default `full`).
    /// - `postgres://` or `postgresql://user:password@host:port/database`, default port 5432;
    ///   `?schema=NAME` keeps the tables in that schema (default `public`); `sslmode` is `disable`
    ///   (default), `require` (encrypted, certificate not checked) or `verify-full`.
    ///
    /// - Throws: ``JobStoreError/invalidURL(_:)`` naming what is wrong.
    public init(url: String) throws {
        func invalid(_ why: String) -> JobStoreError {
            .invalidURL("invalid job store URL \"\(Self.redacted(url))\": \(why)")
        }
        if url.hasPrefix("sqlite:") {
            var rest = String(url.dropFirst("sqlite:".count))
            if rest.hasPrefix("//") { rest.removeFirst(2) }
            var synchronous = SQLiteJobStore.Synchronous.full
            if let q = rest.firstIndex(of: "?") {
                for item in rest[rest.index(after: q)...].split(separator: "&") {
                    let pair = item.split(separator: "=", maxSplits: 1).map(String.init)
                    guard pair.count == 2, pair[0] == "synchronous", let s = SQLiteJobStore.Synchronous(rawValue: pair[1].lowercased()) else {
                        throw invalid("unknown option \(item); sqlite takes synchronous=off|normal|full")
                    }
                    synchronous = s
                }
                rest = String(rest[..<q])
            }
            guard !rest.isEmpty else { throw invalid("sqlite: needs a file path, e.g. sqlite:haul-jobs.db") }
            self = .sqlite(path: rest, synchronous: synchronous)
            return
        }
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            guard let components = URLComponents(string: url) else { throw invalid("not a URL") }
            guard let host = components.host, !host.isEmpty else { throw invalid("no host") }
            guard let user = components.user, !user.isEmpty else { throw invalid("no user name (postgres://USER:PASSWORD@HOST/DB)") }
            let port = components.port ?? 5432
            guard (1...65535).contains(port) else { throw invalid("port out of range") }
            var database = components.path
            if database.hasPrefix("/") { database.removeFirst() }
            var schema = "public"
            var sslMode = "disable"
            for item in components.queryItems ?? [] {
                switch (item.name, item.value) {
                case let ("schema", value?): schema = value
                case let ("sslmode", value?) where ["disable", "require", "verify-full"].contains(value): sslMode = value
                default: throw invalid("unknown option \(item.name); postgres takes schema=NAME and sslmode=disable|require|verify-full")
                }
            }
            _ = try PostgresSchema(name: schema)
            self = .postgres(host: host, port: port, user: user, password: components.password,
                             database: database.isEmpty ? nil : database.removingPercentEncoding ?? database, schema: schema, sslMode: sslMode)
            return
        }
        throw invalid("use sqlite:PATH or postgres://USER:PASSWORD@HOST:PORT/DATABASE")
    }

    /// The URL with any password replaced by `***`, for messages and logs.
    public static func redacted(_ url: String) -> String {
        guard let at = url.lastIndex(of: "@"), let scheme = url.range(of: "://"), scheme.upperBound < at,
              let colon = url[scheme.upperBound..<at].firstIndex(of: ":") else { return url }
        return String(url[..<url.index(after: colon)]) + "***" + String(url[at...])
    }
}

/// Opens the job store a URL names, creating its schema when missing.
///
/// - `sqlite:PATH`: ``SQLiteJobStore`` on that file (relative to the working directory).
/// - `postgres://user:password@host:port/database` (or `postgresql://`): ``PostgresJobStore``.
///
/// See ``JobStoreLocation/init(url:)`` for the options.
/// - Throws: ``JobStoreError/invalidURL(_:)`` for a URL of another form, or the store's error when
///   it cannot be opened (no server within 15 seconds, a file that is not a database, ...).
public func openJobStore(url: String, logger: Logger) async throws -> any JobStore {
    try await openJobStore(url: url, logger: logger, connectTimeout: 15)
}

func openJobStore(url: String, logger: Logger, connectTimeout: Double) async throws -> any JobStore {
    switch try JobStoreLocation(url: url) {
    case let .sqlite(path, synchronous):
        return try SQLiteJobStore(path: path, synchronous: synchronous)
    case let .postgres(host, port, user, password, database, schema, sslMode):
        let tls: PostgresClient.Configuration.TLS
        switch sslMode {
        case "require":
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = .none
            tls = .require(configuration)
        case "verify-full": tls = .require(.makeClientConfiguration())
        default: tls = .disable
        }
        var configuration = PostgresClient.Configuration(host: host, port: port, username: user, password: password,
                                                         database: database, tls: tls)
        configuration.options.connectTimeout = .milliseconds(Int64(min(10, connectTimeout) * 1000))
        let store = try PostgresJobStore(configuration: configuration, schema: schema, logger: logger)
        do {
            try await withTimeout(seconds: connectTimeout, what: "connecting to PostgreSQL at \(host):\(port)") { try await store.prepare() }
        } catch {
            await store.close()
            throw error
        }
        return store
    }
}

/// The operation took longer than its limit.
public struct JobStoreTimeout: Error, CustomStringConvertible {
    public var description: String
}

/// Runs `operation`, cancelling it and throwing ``JobStoreTimeout`` after `seconds`.
func withTimeout<T: Sendable>(seconds: Double, what: String, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else {
            throw JobStoreTimeout(description: "timed out after \(Int(seconds)) s \(what)")
        }
        return value
    }
}
