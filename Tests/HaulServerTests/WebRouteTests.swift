import Foundation
import HaulJobs
@testable import HaulServer
import Hummingbird
import HummingbirdTesting
import XCTest

/// The web page's files, the examples it offers, and `GET /v1/jobs/{id}/plan.svg`.
final class WebRouteTests: XCTestCase {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func testPageAndAssetsCarryTheirTypeSecurityPolicyAndCacheHeadersWithoutAToken() async throws {
        try await withService { client, _ in
            let expected = [("/", "text/html; charset=utf-8"), ("/web/app.js", "text/javascript; charset=utf-8"),
                            ("/web/style.css", "text/css; charset=utf-8")]
            for (path, type) in expected {
                let reply = try await client.call(.get, path, token: nil)
                XCTAssertEqual(reply.status, .ok, path)
                XCTAssertEqual(reply.headers[.contentType], type, path)
                let policy = try XCTUnwrap(reply.headers[.contentSecurityPolicy], path)
                XCTAssertTrue(policy.contains("default-src 'none'"), policy)
                XCTAssertTrue(policy.contains("script-src 'self';"), policy)
                XCTAssertTrue(policy.contains("connect-src 'self'"), policy)
                XCTAssertEqual(reply.headers[.xContentTypeOptions], "nosniff", path)
                XCTAssertEqual(reply.headers[.cacheControl], "no-cache", path)
                let tag = try XCTUnwrap(reply.headers[.eTag], path)
                XCTAssertTrue(tag.hasPrefix("\"") && tag.hasSuffix("\"") && tag.count == 34, tag)
                XCTAssertFalse(reply.text.isEmpty, path)

                // Revalidation: the same tag (also weak, also in a list) answers 304 without a body.
                for header in [tag, "W/\(tag)", "\"other\", \(tag)", "*"] {
                    let again = try await client.call(.get, path, token: nil, headers: [.ifNoneMatch: header])
                    XCTAssertEqual(again.status, .notModified, "\(path) If-None-Match: \(header)")
                    XCTAssertEqual(again.text, "", path)
                    XCTAssertEqual(again.headers[.eTag], tag, path)
                }
                let stale = try await client.call(.get, path, token: nil, headers: [.ifNoneMatch: "\"stale\""])
                XCTAssertEqual(stale.status, .ok, path)
            }
            let page = try await client.call(.get, "/", token: nil)
            XCTAssertTrue(page.text.contains("<script src=\"/web/app.js\" defer></script>"), page.text)
            XCTAssertTrue(page.text.contains("href=\"/web/style.css\""), page.text)
        }
    }

    func testUnknownAssetsAndExamplesAreJSON404s() async throws {
        try await withService { client, _ in
            for path in ["/web/nope.js", "/web/index.html", "/web/..%2FRoutesWeb.swift", "/examples/nope.json",
                         "/examples/routing-small", "/web"] {
                let reply = try await client.call(.get, path, token: nil)
                XCTAssertEqual(reply.status, .notFound, path)
                XCTAssertEqual(reply.headers[.contentType], "application/json", path)
                XCTAssertEqual(reply.errorCode, "not_found", path)
            }
        }
    }

    func testEveryExampleOfTheInstancesFolderIsListedAndServedUnchanged() async throws {
        let folder = Self.repository.appendingPathComponent("Instances/examples")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }.sorted()
        XCTAssertFalse(files.isEmpty)
        try await withService { client, _ in
            let list = try await client.call(.get, "/examples", token: nil)
            XCTAssertEqual(list.status, .ok)
            XCTAssertEqual(list.headers[.contentType], "application/json")
            let entries = try XCTUnwrap(list.json?["examples"] as? [[String: Any]])
            XCTAssertEqual(entries.compactMap { $0["name"] as? String }.map { $0 + ".json" }.sorted(), files,
                           "add the new example to WebAssets.exampleProblems in Sources/HaulServer/RoutesWeb.swift")
            for file in files {
                let onDisk = try Data(contentsOf: folder.appendingPathComponent(file))
                let reply = try await client.call(.get, "/examples/\(file)", token: nil)
                XCTAssertEqual(reply.status, .ok, file)
                XCTAssertEqual(reply.headers[.contentType], "application/json", file)
                XCTAssertNotNil(reply.headers[.eTag], file)
                XCTAssertEqual(Data(reply.text.utf8), onDisk, "\(file) differs from Instances/examples")
                let kind = (try JSONSerialization.jsonObject(with: onDisk) as? [String: Any])?["kind"] as? String
                let entry = entries.first { ($0["name"] as? String).map { $0 + ".json" } == file }
                XCTAssertEqual(entry?["kind"] as? String, kind, file)
                XCTAssertEqual(entry?["href"] as? String, "/examples/\(file)", file)
            }
        }
    }

    func testThePageLoadsNothingFromOtherSites() throws {
        let web = Self.repository.appendingPathComponent("Sources/HaulServer/Web")
        for file in ["index.html", "app.js", "style.css"] {
            let text = try String(contentsOf: web.appendingPathComponent(file), encoding: .utf8)
            for pattern in ["src=\"http", "href=\"http", "src=\"//", "href=\"//", "@import", "url(http", "fetch('http", "fetch(\"http"] {
                XCTAssertFalse(text.contains(pattern), "\(file) contains \(pattern)")
            }
        }
    }

    func testIfNoneMatchParsing() {
        let tag = "\"abc\""
        XCTAssertTrue(StaticAsset.matches([tag], tag))
        XCTAssertTrue(StaticAsset.matches(["W/\"abc\""], tag))
        XCTAssertTrue(StaticAsset.matches(["\"x\" , \"abc\""], tag))
        XCTAssertTrue(StaticAsset.matches(["\"x\"", "\"abc\""], tag))
        XCTAssertTrue(StaticAsset.matches(["*"], tag))
        XCTAssertFalse(StaticAsset.matches([], tag))
        XCTAssertFalse(StaticAsset.matches(["\"abcd\""], tag))
        XCTAssertFalse(StaticAsset.matches(["abc"], tag))
    }

    // MARK: plan.svg

    func testPlanPictureOfASucceededJobIsSVGForItsTenantOnly() async throws {
        try await withService(workers: Fixture.workers()) { client, _ in
            let id = try await client.submit(Fixture.routing(customers: 8, timeLimit: 0.1))
            let job = try await client.waitForJob(id, seconds: 20)
            XCTAssertEqual(job["status"] as? String, "succeeded", "\(job)")
            let picture = try await client.call(.get, "/v1/jobs/\(id)/plan.svg")
            XCTAssertEqual(picture.status, .ok, picture.text)
            XCTAssertEqual(picture.headers[.contentType], "image/svg+xml")
            XCTAssertTrue(picture.text.contains("<svg"), String(picture.text.prefix(300)))
            XCTAssertTrue(picture.text.contains("</svg>"), String(picture.text.suffix(300)))
            XCTAssertTrue(picture.text.contains("route"), "a routing plan's picture draws its routes")
            XCTAssertEqual(picture.headers[.cacheControl], "private, max-age=3600")
            XCTAssertEqual(picture.headers[.xContentTypeOptions], "nosniff")
            XCTAssertTrue(picture.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)

            let otherTenant = try await client.call(.get, "/v1/jobs/\(id)/plan.svg", token: "globex-token")
            XCTAssertEqual(otherTenant.status, .notFound)
            XCTAssertEqual(otherTenant.errorCode, "not_found")
            XCTAssertFalse(otherTenant.text.contains("<svg"))
            let anonymous = try await client.call(.get, "/v1/jobs/\(id)/plan.svg", token: nil)
            XCTAssertEqual(anonymous.status, .unauthorized)
            XCTAssertEqual(anonymous.errorCode, "unauthorized")
        }
    }

    func testPlanPictureIs409UntilTheJobSucceedsAnd404ForUnknownJobs() async throws {
        try await withService { client, service in
            let unknown = try await client.call(.get, "/v1/jobs/no-such-job/plan.svg")
            XCTAssertEqual(unknown.status, .notFound)
            XCTAssertEqual(unknown.errorCode, "not_found")

            let id = try await client.submit(Fixture.allocation())
            let queued = try await client.call(.get, "/v1/jobs/\(id)/plan.svg")
            XCTAssertEqual(queued.status, .conflict)
            XCTAssertEqual(queued.headers[.contentType], "application/json")
            XCTAssertEqual(queued.errorCode, "no_plan")
            XCTAssertEqual(queued.errorDetails.first?["path"] as? String, "status")
            XCTAssertTrue(queued.text.contains("is queued"), queued.text)

            let claimed = try await service.store.claim(workerID: "test", leaseDuration: 30)
            XCTAssertEqual(claimed?.0.id, id)
            let running = try await client.call(.get, "/v1/jobs/\(id)/plan.svg")
            XCTAssertEqual(running.status, .conflict)
            XCTAssertTrue(running.text.contains("is running"), running.text)

            let cancelled = try await client.submit(Fixture.allocation(seed: 2))
            _ = try await client.call(.delete, "/v1/jobs/\(cancelled)")
            let reply = try await client.call(.get, "/v1/jobs/\(cancelled)/plan.svg")
            XCTAssertEqual(reply.status, .conflict)
            XCTAssertEqual(reply.errorCode, "no_plan")
            XCTAssertTrue(reply.text.contains("is cancelled and has no plan"), reply.text)
        }
    }

    func testPlanPictureReportsPlansTheRendererRefusesAndUnreadableStoredPlansAsJSON() async throws {
        try await withService { client, service in
            // A stored allocation plan on a routing problem: the renderer refuses the pair.
            let mismatched = try await client.submit(Fixture.routing(customers: 3, timeLimit: 0.1))
            let claimed = try await service.store.claim(workerID: "test", leaseDuration: 30)
            XCTAssertEqual(claimed?.0.id, mismatched)
            let lease = try XCTUnwrap(claimed?.1)
            let allocationPlan = #"{"schemaVersion":1,"kind":"allocation","status":"feasible","objective":1,"#
                + #""stats":{"seconds":0,"iterations":0,"solver":"test"},"assignments":[],"openWarehouses":[]}"#
            let completed = try await service.store.complete(lease, plan: Data(allocationPlan.utf8))
            XCTAssertTrue(completed)
            let refused = try await client.call(.get, "/v1/jobs/\(mismatched)/plan.svg")
            XCTAssertEqual(refused.status, .unprocessableContent, refused.text)
            XCTAssertEqual(refused.headers[.contentType], "application/json")
            XCTAssertEqual(refused.errorCode, "plan_not_drawable")

            // A stored plan that is not a plan: a JSON 500 naming the rule.
            let garbled = try await client.submit(Fixture.allocation())
            let claimed2 = try await service.store.claim(workerID: "test", leaseDuration: 30)
            XCTAssertEqual(claimed2?.0.id, garbled)
            let lease2 = try XCTUnwrap(claimed2?.1)
            let completed2 = try await service.store.complete(lease2, plan: Data("{}".utf8))
            XCTAssertTrue(completed2)
            let broken = try await client.call(.get, "/v1/jobs/\(garbled)/plan.svg")
            XCTAssertEqual(broken.status, .internalServerError)
            XCTAssertEqual(broken.headers[.contentType], "application/json")
            XCTAssertEqual(broken.errorCode, "stored_job_unreadable")
        }
    }
}
