import Foundation
import HaulJobs
@testable import HaulServer
import Hummingbird
import HummingbirdTesting
import XCTest

final class RouteTests: XCTestCase {
    func testHealthReadinessAndOpenAPIDocumentMatchesTheCheckedInFile() async throws {
        try await withService { client, service in
            let health = try await client.call(.get, "/healthz", token: nil)
            XCTAssertEqual(health.status, .ok)
            XCTAssertEqual(health.json?["status"] as? String, "ok")
            let ready = try await client.call(.get, "/readyz", token: nil)
            XCTAssertEqual(ready.status, .ok)
            let served = try await client.call(.get, "/openapi.json", token: nil)
            XCTAssertEqual(served.status, .ok)
            XCTAssertEqual(served.headers[.contentType], "application/json")
            let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("docs/openapi.json")
            let checkedIn = try String(contentsOf: file, encoding: .utf8)
            XCTAssertEqual(served.text, checkedIn, "docs/openapi.json and OpenAPIDocument.swift differ")

            // Every route of the router is documented with its method, and nothing else is.
            let paths = try XCTUnwrap(served.json?["paths"] as? [String: [String: Any]])
            var documented = Set<String>()
            for (path, operations) in paths { for method in operations.keys { documented.insert("\(method.uppercased()) \(path)") } }
            var routed = Set<String>()
            for route in service.buildRouter().routes {
                let path = "/" + route.path.description.split(separator: "/").map { part in
                    part.hasPrefix(":") ? "{\(part.dropFirst())}" : String(part)
                }.joined(separator: "/")
                routed.insert("\(route.method.rawValue) \(path)")
            }
            XCTAssertEqual(routed, documented)
        }
    }

    func testReadinessFailsWhenTheStoreDoesNotAnswer() async throws {
        try await withService(store: BrokenStore()) { client, _ in
            let ready = try await client.call(.get, "/readyz", token: nil)
            XCTAssertEqual(ready.status, .serviceUnavailable)
            XCTAssertEqual(ready.errorCode, "store_unavailable")
            let health = try await client.call(.get, "/healthz", token: nil)
            XCTAssertEqual(health.status, .ok)
        }
    }

    func testAuthenticationIsRequiredOnEveryV1Route() async throws {
        try await withService { client, _ in
            let problem = Array(Fixture.allocation().utf8)
            let requests: [(HTTPRequest.Method, String, [UInt8]?)] = [
                (.post, "/v1/jobs", problem), (.get, "/v1/jobs", nil), (.get, "/v1/jobs/x", nil),
                (.delete, "/v1/jobs/x", nil), (.post, "/v1/solve", problem),
            ]
            for (method, uri, body) in requests {
                for token in [nil, "wrong-token", "admin-token"] as [String?] {
                    let reply = try await client.call(method, uri, token: token, body: body)
                    XCTAssertEqual(reply.status, .unauthorized, "\(method) \(uri) with \(token ?? "no token")")
                    XCTAssertEqual(reply.errorCode, "unauthorized")
                    XCTAssertEqual(reply.headers[.wwwAuthenticate], "Bearer")
                }
            }
            let basic = try await client.call(.get, "/v1/jobs", token: nil, headers: [.authorization: "Basic YWNtZTphY21l"])
            XCTAssertEqual(basic.status, .unauthorized)
        }
    }

    func testSubmitShowListAndCancel() async throws {
        try await withService { client, _ in
            let reply = try await client.call(.post, "/v1/jobs", json: Fixture.allocation())
            XCTAssertEqual(reply.status, .accepted)
            let id = try XCTUnwrap(reply.json?["id"] as? String)
            XCTAssertEqual(reply.headers[.location], "/v1/jobs/\(id)")
            XCTAssertEqual(reply.json?["status"] as? String, "queued")
            XCTAssertEqual(reply.json?["kind"] as? String, "allocation")
            XCTAssertEqual(reply.json?["attempts"] as? Int, 0)
            XCTAssertNotNil(reply.json?["createdAt"] as? String)

            let shown = try await client.job(id)
            XCTAssertEqual(shown["id"] as? String, id)
            XCTAssertNil(shown["plan"])

            let second = try await client.submit(Fixture.routing(customers: 5, timeLimit: 0.1))
            let third = try await client.submit(Fixture.allocation(seed: 2))
            let all = try await client.call(.get, "/v1/jobs")
            XCTAssertEqual(all.status, .ok)
            let ids = (all.json?["jobs"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            XCTAssertEqual(Set(ids), [id, second, third])

            // Filters and pages.
            let routing = try await client.call(.get, "/v1/jobs?kind=routing")
            XCTAssertEqual((routing.json?["jobs"] as? [[String: Any]])?.compactMap { $0["id"] as? String }, [second])
            var seen: [String] = []
            var cursor: String?
            repeat {
                let uri = "/v1/jobs?limit=2" + (cursor.map { "&cursor=\($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)" } ?? "")
                let page = try await client.call(.get, uri)
                XCTAssertEqual(page.status, .ok, page.text)
                let jobs = page.json?["jobs"] as? [[String: Any]] ?? []
                XCTAssertLessThanOrEqual(jobs.count, 2)
                seen += jobs.compactMap { $0["id"] as? String }
                cursor = page.json?["nextCursor"] as? String
            } while cursor != nil && seen.count < 10
            XCTAssertEqual(seen.count, 3)
            XCTAssertEqual(Set(seen), [id, second, third])

            let cancelled = try await client.call(.delete, "/v1/jobs/\(id)")
            XCTAssertEqual(cancelled.status, .ok)
            XCTAssertEqual(cancelled.json?["status"] as? String, "cancelled")
            let queued = try await client.call(.get, "/v1/jobs?status=queued")
            XCTAssertEqual(Set((queued.json?["jobs"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }), [second, third])
            let again = try await client.call(.delete, "/v1/jobs/\(id)")
            XCTAssertEqual(again.json?["status"] as? String, "cancelled")

            for missing in ["/v1/jobs/no-such-job"] {
                let get = try await client.call(.get, missing)
                XCTAssertEqual(get.status, .notFound)
                XCTAssertEqual(get.errorCode, "not_found")
                let delete = try await client.call(.delete, missing)
                XCTAssertEqual(delete.status, .notFound)
            }
        }
    }

    func testBadQueryParametersAreRejected() async throws {
        try await withService { client, _ in
            for uri in ["/v1/jobs?status=done", "/v1/jobs?kind=tsp", "/v1/jobs?limit=0", "/v1/jobs?limit=100000", "/v1/jobs?limit=x",
                        "/v1/jobs?cursor=not-a-cursor"] {
                let reply = try await client.call(.get, uri)
                XCTAssertEqual(reply.status, .badRequest, uri)
                XCTAssertEqual(reply.errorCode, "invalid_parameter", uri)
            }
            let priority = try await client.call(.post, "/v1/jobs?priority=99999", json: Fixture.allocation())
            XCTAssertEqual(priority.status, .badRequest)
            let unknown = try await client.call(.get, "/v1/nothing-here")
            XCTAssertEqual(unknown.status, .notFound)
            XCTAssertEqual(unknown.errorCode, "not_found")
        }
    }

    func testTenantsSeeAndCancelOnlyTheirOwnJobs() async throws {
        try await withService { client, _ in
            let id = try await client.submit(Fixture.allocation(), token: "acme-token")
            let peek = try await client.call(.get, "/v1/jobs/\(id)", token: "globex-token")
            XCTAssertEqual(peek.status, .notFound)
            let cancel = try await client.call(.delete, "/v1/jobs/\(id)", token: "globex-token")
            XCTAssertEqual(cancel.status, .notFound)
            let list = try await client.call(.get, "/v1/jobs", token: "globex-token")
            XCTAssertEqual((list.json?["jobs"] as? [Any])?.count, 0)
            let own = try await client.job(id, token: "acme-token")
            XCTAssertEqual(own["status"] as? String, "queued", "the other tenant's DELETE must not cancel it")
        }
    }

    func testIdempotencyKeyReturnsTheSameJobForTheSameTenantOnly() async throws {
        try await withService { client, _ in
            let key: HTTPFields = [.idempotencyKey: "order-batch-42"]
            let first = try await client.call(.post, "/v1/jobs", json: Fixture.allocation(), headers: key)
            let second = try await client.call(.post, "/v1/jobs", json: Fixture.allocation(), headers: key)
            XCTAssertEqual(first.status, .accepted)
            XCTAssertEqual(second.status, .accepted)
            XCTAssertEqual(first.json?["id"] as? String, second.json?["id"] as? String)
            XCTAssertNil(first.headers[.idempotentReplayed])
            XCTAssertEqual(second.headers[.idempotentReplayed], "true")
            XCTAssertEqual(second.json?["idempotencyKey"] as? String, "order-batch-42")
            let other = try await client.call(.post, "/v1/jobs", token: "globex-token", json: Fixture.allocation(), headers: key)
            XCTAssertNotEqual(other.json?["id"] as? String, first.json?["id"] as? String)
            let noKey = try await client.submit(Fixture.allocation())
            XCTAssertNotEqual(noKey, first.json?["id"] as? String)
            let list = try await client.call(.get, "/v1/jobs")
            XCTAssertEqual((list.json?["jobs"] as? [Any])?.count, 2)
            let bad = try await client.call(.post, "/v1/jobs", json: Fixture.allocation(), headers: [.idempotencyKey: "has space"])
            XCTAssertEqual(bad.errorCode, "invalid_idempotency_key")
        }
    }

    func testInvalidProblemsGet422WithEveryIssueAndNoJob() async throws {
        try await withService { client, _ in
            let problem = """
            {"kind":"routing","depots":[{"id":"d","location":{"x":0,"y":0}}],
             "vehicleTypes":[{"id":"v","capacity":[10]}],
             "customers":[{"id":"a","location":{"x":1,"y":1},"demand":[-1]},{"id":"b","location":{"x":1},"demand":[1],"colour":"red"}]}
            """
            let reply = try await client.call(.post, "/v1/jobs", json: problem)
            XCTAssertEqual(reply.status, .unprocessableContent)
            XCTAssertEqual(reply.errorCode, "invalid_problem")
            let paths = reply.errorDetails.compactMap { $0["path"] as? String }
            XCTAssertTrue(paths.contains { $0.hasPrefix("customers[0].demand") }, "\(paths)")
            XCTAssertTrue(paths.contains { $0.hasPrefix("customers[1].location") }, "\(paths)")
            XCTAssertTrue(paths.contains("customers[1].colour"), "\(paths)")
            XCTAssertTrue(reply.errorDetails.allSatisfy { !($0["message"] as? String ?? "").isEmpty })
            let sync = try await client.call(.post, "/v1/solve", json: problem)
            XCTAssertEqual(sync.status, .unprocessableContent)
            XCTAssertEqual(sync.errorCode, "invalid_problem")
            let list = try await client.call(.get, "/v1/jobs")
            XCTAssertEqual((list.json?["jobs"] as? [Any])?.count, 0)
        }
    }

    func testLimitsNameTheirRule() async throws {
        let limits = ServiceLimits(maxBodyBytes: 4096, maxEntities: 30, maxTimeLimit: 60, maxJobsInFlightPerTenant: 3,
                                   maxSyncEntities: 10)
        try await withService(limits: limits) { client, _ in
            let big = try await client.call(.post, "/v1/jobs", body: Array(repeating: UInt8(ascii: " "), count: 5000))
            XCTAssertEqual(big.status, .contentTooLarge)
            XCTAssertEqual(big.errorCode, "body_too_large")
            let many = try await client.call(.post, "/v1/jobs", json: Fixture.routing(customers: 40, timeLimit: 1))
            XCTAssertEqual(many.status, .contentTooLarge)
            XCTAssertEqual(many.errorCode, "problem_too_large")
            let syncMany = try await client.call(.post, "/v1/solve", json: Fixture.routing(customers: 12, timeLimit: 1))
            XCTAssertEqual(syncMany.errorCode, "problem_too_large")
            let long = try await client.call(.post, "/v1/jobs", json: Fixture.allocation(timeLimit: 61))
            XCTAssertEqual(long.status, .unprocessableContent)
            XCTAssertEqual(long.errorCode, "time_limit_too_long")
            XCTAssertEqual(long.errorDetails.first?["path"] as? String, "options.timeLimit")
            for contentType in ["text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin1"] {
                let wrong = try await client.call(.post, "/v1/jobs", body: Array(Fixture.allocation().utf8), contentType: contentType)
                XCTAssertEqual(wrong.status, .unsupportedMediaType, contentType)
                XCTAssertEqual(wrong.errorCode, "unsupported_media_type")
            }
            let missing = try await client.call(.post, "/v1/jobs", body: Array(Fixture.allocation().utf8), contentType: nil)
            XCTAssertEqual(missing.status, .unsupportedMediaType)
            let withCharset = try await client.call(.post, "/v1/jobs", body: Array(Fixture.allocation().utf8),
                                                    contentType: "application/json; charset=utf-8")
            XCTAssertEqual(withCharset.status, .accepted)

            // In flight: 3 allowed per tenant, the 4th refused until one ends; other tenants unaffected.
            let second = try await client.submit(Fixture.allocation(seed: 2))
            _ = try await client.submit(Fixture.allocation(seed: 3))
            let refused = try await client.call(.post, "/v1/jobs", json: Fixture.allocation(seed: 4))
            XCTAssertEqual(refused.status, .tooManyRequests)
            XCTAssertEqual(refused.errorCode, "too_many_jobs_in_flight")
            XCTAssertEqual(refused.headers[.retryAfter], "1")
            _ = try await client.submit(Fixture.allocation(), token: "globex-token")
            _ = try await client.call(.delete, "/v1/jobs/\(second)")
            _ = try await client.submit(Fixture.allocation(seed: 5))
        }
    }

    func testRequestIDIsEchoedOrGenerated() async throws {
        try await withService { client, _ in
            let given = try await client.call(.get, "/healthz", token: nil, headers: [.requestID: "req-42"])
            XCTAssertEqual(given.headers[.requestID], "req-42")
            let generated = try await client.call(.get, "/v1/jobs", token: nil, headers: [.requestID: "bad id with spaces"])
            XCTAssertEqual(generated.headers[.requestID]?.count, 16)
            XCTAssertEqual(generated.status, .unauthorized)
        }
    }

    func testMetricsNeedTheAdminToken() async throws {
        try await withService { client, _ in
            _ = try await client.submit(Fixture.allocation())
            for token in [nil, "acme-token", "wrong"] as [String?] {
                let reply = try await client.call(.get, "/metrics", token: token)
                XCTAssertEqual(reply.status, .unauthorized)
            }
            let reply = try await client.call(.get, "/metrics", token: "admin-token")
            XCTAssertEqual(reply.status, .ok)
            XCTAssertEqual(reply.headers[.contentType], "text/plain; version=0.0.4; charset=utf-8")
            XCTAssertTrue(reply.text.contains("haul_jobs{status=\"queued\"} 1\n"), reply.text)
            XCTAssertTrue(reply.text.contains("haul_jobs_submitted_total 1\n"))
            XCTAssertTrue(reply.text.contains("haul_http_requests_total{code=\"202\"} 1\n"))
            XCTAssertTrue(reply.text.contains("haul_http_requests_total{code=\"401\"} 3\n"))
        }
    }

    func testSynchronousSolveAnswersWithThePlan() async throws {
        try await withService { client, _ in
            let reply = try await client.call(.post, "/v1/solve", json: Fixture.routing(customers: 20, timeLimit: 0.3))
            XCTAssertEqual(reply.status, .ok, reply.text)
            XCTAssertEqual(reply.json?["kind"] as? String, "routing")
            XCTAssertTrue(["optimal", "feasible"].contains(reply.json?["status"] as? String ?? ""), reply.text)
            let routes = try XCTUnwrap(reply.json?["routes"] as? [[String: Any]])
            let served = routes.flatMap { ($0["stops"] as? [[String: Any]] ?? []).compactMap { $0["customer"] as? String } }
            XCTAssertEqual(Set(served).count, 20)

            // Four at once with two slots: all answered.
            let results = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<4 {
                    group.addTask { try await client.call(.post, "/v1/solve", json: Fixture.allocation(timeLimit: 0.1)).status }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            XCTAssertEqual(results, Array(repeating: .ok, count: 4))
        }
    }
}

/// A store that never answers successfully (for `/readyz`).
final class BrokenStore: JobStore {
    struct Down: Error {}
    func submit(_ job: NewJob) async throws -> (job: JobRecord, created: Bool) { throw Down() }
    func job(id: String, tenant: String) async throws -> JobRecord? { throw Down() }
    func list(_ query: JobQuery) async throws -> JobPage { throw Down() }
    func cancel(id: String, tenant: String) async throws -> JobRecord? { throw Down() }
    func inFlightCount(tenant: String) async throws -> Int { throw Down() }
    func claim(workerID: String, leaseDuration: TimeInterval) async throws -> (JobRecord, JobLease)? { throw Down() }
    func renew(_ lease: JobLease, leaseDuration: TimeInterval, progress: Double?, bestObjective: Double?) async throws -> LeaseState { throw Down() }
    func complete(_ lease: JobLease, plan: Data) async throws -> Bool { throw Down() }
    func fail(_ lease: JobLease, error: String, retry: Bool) async throws -> Bool { throw Down() }
    func release(_ lease: JobLease) async throws { throw Down() }
    func counts() async throws -> JobCounts { throw Down() }
    func close() async {}
}
