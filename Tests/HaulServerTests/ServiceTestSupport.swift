import Foundation
import HaulJobs
import HaulServer
import Hummingbird
import HummingbirdTesting
import Logging
import ServiceLifecycle
import XCTest

/// Problems, clients and service set-ups shared by the service tests.
enum Fixture {
    static let tokens = "acme=acme-token,globex=globex-token"
    static let admin = "admin-token"

    static func registry() throws -> TokenRegistry { try TokenRegistry(tenantTokens: tokens, adminToken: admin) }

    /// A tiny allocation problem (3 orders, 2 warehouses).
    static func allocation(timeLimit: Double = 0.05, seed: Int = 1) -> String {
        """
        {"kind":"allocation","options":{"timeLimit":\(timeLimit),"seed":\(seed)},"costPerUnitDistance":1,
         "warehouses":[{"id":"W1","location":{"x":0,"y":0},"capacity":100,"openingCost":10},
                       {"id":"W2","location":{"x":10,"y":0},"capacity":100,"openingCost":10}],
         "orders":[{"id":"o1","location":{"x":1,"y":1},"quantity":5},{"id":"o2","location":{"x":9,"y":1},"quantity":5},
                   {"id":"o3","location":{"x":5,"y":5},"quantity":5}]}
        """
    }

    /// A planar CVRP with `customers` customers on a deterministic pseudo-random layout.
    static func routing(customers: Int, timeLimit: Double) -> String {
        var state: UInt64 = 12345
        func next() -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % 100)
        }
        let list = (0..<customers).map { i in
            "{\"id\":\"c\(i)\",\"location\":{\"x\":\(next()),\"y\":\(next())},\"demand\":[\(1 + next() % 9)]}"
        }.joined(separator: ",")
        return """
        {"kind":"routing","options":{"timeLimit":\(timeLimit),"seed":1},
         "depots":[{"id":"hub","location":{"x":50,"y":50}}],
         "vehicleTypes":[{"id":"van","count":\(max(2, customers / 4)),"capacity":[40]}],
         "customers":[\(list)]}
        """
    }

    static func tempStorePath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("haul-server-test-\(UUID().uuidString).sqlite").path
    }

    static func removeStore(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    static var logger: Logger {
        var logger = Logger(label: "haul.server.test")
        logger.logLevel = .warning
        return logger
    }

    static func workers(concurrency: Int = 2, lease: Double = 5, grace: Double = 0) -> WorkerConfiguration {
        WorkerConfiguration(concurrency: concurrency, leaseDuration: lease, pollInterval: 0.01, maxTimeLimit: 60,
                            shutdownGracePeriod: grace)
    }
}

/// Runs `body` against a service on a fresh (or the given) SQLite store, optionally with workers;
/// the store is closed afterwards (and deleted when it was fresh).
func withService<T>(limits: ServiceLimits = ServiceLimits(), storePath: String? = nil,
                    store givenStore: (any JobStore)? = nil, workers: WorkerConfiguration? = nil,
                    _ body: @Sendable (any TestClientProtocol, HaulService) async throws -> T) async throws -> T {
    let path = storePath ?? Fixture.tempStorePath()
    let store: any JobStore = try givenStore ?? SQLiteJobStore(path: path)
    let service = HaulService(configuration: ServiceConfiguration(tokens: try Fixture.registry(), limits: limits),
                              store: store, logger: Fixture.logger)
    var services: [any Service] = []
    if let workers {
        services.append(WorkerPoolService(pool: JobWorkerPool(store: service.store, configuration: workers, logger: Fixture.logger)))
    }
    let app = service.buildApplication(services: services)
    do {
        let result = try await app.test(.router) { client in try await body(client, service) }
        await store.close()
        if storePath == nil && givenStore == nil { Fixture.removeStore(path) }
        return result
    } catch {
        await store.close()
        if storePath == nil && givenStore == nil { Fixture.removeStore(path) }
        throw error
    }
}

struct Reply: Sendable {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var text: String
    var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] }
    var errorCode: String? { (json?["error"] as? [String: Any])?["code"] as? String }
    var errorDetails: [[String: Any]] { (json?["error"] as? [String: Any])?["details"] as? [[String: Any]] ?? [] }
}

extension TestClientProtocol {
    func call(_ method: HTTPRequest.Method, _ uri: String, token: String? = "acme-token", body: [UInt8]? = nil,
              contentType: String? = "application/json", headers extra: HTTPFields = [:]) async throws -> Reply {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        if body != nil, let contentType { headers[.contentType] = contentType }
        return try await execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(bytes: $0) }) { response in
            Reply(status: response.status, headers: response.headers, text: String(buffer: response.body))
        }
    }

    func call(_ method: HTTPRequest.Method, _ uri: String, token: String? = "acme-token", json: String,
              headers: HTTPFields = [:]) async throws -> Reply {
        try await call(method, uri, token: token, body: Array(json.utf8), headers: headers)
    }

    /// Submits and returns the new job's id.
    func submit(_ problem: String, token: String = "acme-token", headers: HTTPFields = [:]) async throws -> String {
        let reply = try await call(.post, "/v1/jobs", token: token, json: problem, headers: headers)
        XCTAssertEqual(reply.status, .accepted, reply.text)
        return try XCTUnwrap(reply.json?["id"] as? String)
    }

    func job(_ id: String, token: String = "acme-token") async throws -> [String: Any] {
        let reply = try await call(.get, "/v1/jobs/\(id)", token: token)
        XCTAssertEqual(reply.status, .ok, reply.text)
        return try XCTUnwrap(reply.json)
    }

    /// Polls every 20 ms until the job's status satisfies `done` or `seconds` pass; returns the last view.
    func waitForJob(_ id: String, seconds: Double, token: String = "acme-token",
                    until done: ([String: Any]) -> Bool = { ["succeeded", "failed", "cancelled"].contains($0["status"] as? String ?? "") })
        async throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(seconds)
        var last = try await job(id, token: token)
        while !done(last) && Date() < deadline {
            try await Task.sleep(for: .milliseconds(20))
            last = try await job(id, token: token)
        }
        return last
    }
}
