import Foundation
import XCTest
@testable import HaulJobs
import Logging

/// The two backends every conformance test runs against.
enum StoreKind: String, Sendable {
    case sqlite, postgres
}

/// The PostgreSQL server of the test run, from `HAUL_TEST_POSTGRES_URL` (set by Scripts/with-postgres.sh).
var postgresTestURL: String? {
    guard let url = ProcessInfo.processInfo.environment["HAUL_TEST_POSTGRES_URL"], !url.isEmpty else { return nil }
    return url
}

let postgresSkipMessage = "HAUL_TEST_POSTGRES_URL is not set: PostgreSQL tests skipped (bash Scripts/with-postgres.sh CMD runs CMD with a private server)"

let testLogger: Logger = {
    var logger = Logger(label: "haul.jobs.tests")
    logger.logLevel = .critical
    return logger
}()

/// A fresh, empty store of the given kind: a new SQLite file, or a new PostgreSQL schema. `body`
/// gets the store and its URL (for worker processes); the store is closed and removed afterwards.
func withFreshStore(_ kind: StoreKind, _ body: (any JobStore, String) async throws -> Void) async throws {
    switch kind {
    case .sqlite:
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("haul-jobs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = "sqlite:" + dir.appendingPathComponent("jobs.db").path
        let store = try await openJobStore(url: url, logger: testLogger)
        do {
            try await body(store, url)
        } catch {
            await store.close()
            throw error
        }
        await store.close()
    case .postgres:
        guard let base = postgresTestURL else { throw XCTSkip(postgresSkipMessage) }
        let schema = "haul_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        let url = base + (base.contains("?") ? "&" : "?") + "schema=\(schema)"
        let store = try await openJobStore(url: url, logger: testLogger)
        func cleanUp() async {
            try? await (store as? PostgresJobStore)?.dropSchema()
            await store.close()
        }
        do {
            try await body(store, url)
        } catch {
            await cleanUp()
            throw error
        }
        await cleanUp()
    }
}

/// Submits a job with placeholder problem bytes.
@discardableResult
func submit(_ store: any JobStore, tenant: String = "acme", kind: String = "routing", priority: Int = 0, maxAttempts: Int = 3,
            key: String? = nil, problem: Data = Data(#"{"kind":"routing"}"#.utf8)) async throws -> JobRecord {
    try await store.submit(NewJob(tenant: tenant, kind: kind, problem: problem, priority: priority, maxAttempts: maxAttempts,
                                  idempotencyKey: key)).job
}

struct TimedOut: Error, CustomStringConvertible {
    var description: String
}

/// Polls `condition` every 50 ms until it holds; throws after `timeout` seconds so that a test fails
/// instead of hanging.
func eventually(_ what: String, timeout: Double = 30, _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .milliseconds(Int64(timeout * 1000))
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    throw TimedOut(description: "timed out after \(timeout) s waiting for: \(what)")
}

enum Problems {
    /// A 5-customer routing problem that solves in well under a second.
    static func smallRouting(timeLimit: Double = 0.2) -> Data {
        Data("""
            {"kind": "routing", "options": {"timeLimit": \(timeLimit), "seed": 1},
             "depots": [{"id": "hub", "location": {"x": 50, "y": 50}}],
             "vehicleTypes": [{"id": "van", "count": 2, "capacity": [20]}],
             "customers": [
               {"id": "c1", "location": {"x": 58, "y": 61}, "demand": [6]},
               {"id": "c2", "location": {"x": 44, "y": 57}, "demand": [4]},
               {"id": "c3", "location": {"x": 30, "y": 40}, "demand": [7]},
               {"id": "c4", "location": {"x": 70, "y": 35}, "demand": [5]},
               {"id": "c5", "location": {"x": 52, "y": 80}, "demand": [3]}]}
            """.utf8)
    }

    /// A tiny allocation problem.
    static func smallAllocation(timeLimit: Double = 0.2) -> Data {
        Data("""
            {"kind": "allocation", "options": {"timeLimit": \(timeLimit)},
             "warehouses": [{"id": "w1", "location": {"x": 0, "y": 0}, "capacity": 50, "openingCost": 10},
                            {"id": "w2", "location": {"x": 10, "y": 0}, "capacity": 50, "openingCost": 10}],
             "orders": [{"id": "o1", "location": {"x": 1, "y": 0}, "quantity": 20},
                        {"id": "o2", "location": {"x": 9, "y": 1}, "quantity": 20},
                        {"id": "o3", "location": {"x": 5, "y": 5}, "quantity": 10}]}
            """.utf8)
    }

    /// A routing problem that breaks a rule: negative demand.
    static let invalidRouting = Data("""
        {"kind": "routing", "depots": [{"id": "hub", "location": {"x": 0, "y": 0}}],
         "vehicleTypes": [{"id": "van", "capacity": [10]}],
         "customers": [{"id": "c1", "location": {"x": 1, "y": 1}, "demand": [-4]}]}
        """.utf8)

    /// A 600-customer routing problem: the solver uses its whole time limit on it.
    static func largeRouting(timeLimit: Double) -> Data {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        let customers = (0..<600).map { i in
            #"{"id": "c\#(i)", "location": {"x": \#(Int(next() * 1000) / 10), "y": \#(Int(next() * 1000) / 10)}, "demand": [\#(1 + Int(next() * 10))]}"#
        }
        return Data("""
            {"kind": "routing", "options": {"timeLimit": \(timeLimit), "seed": 1},
             "depots": [{"id": "hub", "location": {"x": 50, "y": 50}}],
             "vehicleTypes": [{"id": "van", "count": 150, "capacity": [50]}],
             "customers": [\(customers.joined(separator: ","))]}
            """.utf8)
    }
}
