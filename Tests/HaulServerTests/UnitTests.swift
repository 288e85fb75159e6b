import Foundation
import HaulJobs
@testable import HaulServer
import XCTest

final class SHA256Tests: XCTestCase {
    func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    /// FIPS 180-4 / NIST example vectors.
    func testKnownVectors() {
        XCTAssertEqual(hex(SHA256.hash([UInt8]())), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(SHA256.hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"),
                       "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
        XCTAssertEqual(hex(SHA256.hash([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))),
                       "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Lengths around the padding boundary (55, 56, 64 bytes) agree with precomputed digests.
    func testPaddingBoundaries() {
        XCTAssertEqual(SHA256.hex(String(repeating: "a", count: 55)), "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318")
        XCTAssertEqual(SHA256.hex(String(repeating: "a", count: 56)), "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a")
        XCTAssertEqual(SHA256.hex(String(repeating: "a", count: 64)), "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb")
    }

    func testConstantTimeEqual() {
        XCTAssertTrue(constantTimeEqual([1, 2, 3], [1, 2, 3]))
        XCTAssertFalse(constantTimeEqual([1, 2, 3], [1, 2, 4]))
        XCTAssertFalse(constantTimeEqual([1, 2, 3], [1, 2]))
    }
}

final class TokenRegistryTests: XCTestCase {
    func testParsesPairsAndMapsTokensToTenants() throws {
        let registry = try TokenRegistry(tenantTokens: "# tenants\nacme=a1,acme=a2 globex=g1\n\n", adminToken: "root")
        XCTAssertEqual(registry.count, 3)
        XCTAssertEqual(registry.tenant(forToken: "a1"), "acme")
        XCTAssertEqual(registry.tenant(forToken: "a2"), "acme")
        XCTAssertEqual(registry.tenant(forToken: "g1"), "globex")
        XCTAssertNil(registry.tenant(forToken: "a3"))
        XCTAssertNil(registry.tenant(forToken: ""))
        XCTAssertTrue(registry.isAdmin(token: "root"))
        XCTAssertFalse(registry.isAdmin(token: "a1"))
        XCTAssertTrue(registry.hasAdminToken)
    }

    func testRejectsMalformedEntriesWithoutEchoingTokens() {
        for spec in ["acme", "=token", "acme=", "ac/me=x"] {
            XCTAssertThrowsError(try TokenRegistry(tenantTokens: spec), spec) { error in
                XCTAssertFalse("\(error)".contains("token\""), "\(error)")
            }
        }
        XCTAssertThrowsError(try TokenRegistry(tenantTokens: "acme=supersecret x")) { error in
            XCTAssertFalse("\(error)".contains("supersecret"))
        }
    }

    func testBearerHeader() {
        XCTAssertEqual(TokenRegistry.bearerToken("Bearer abc"), "abc")
        XCTAssertEqual(TokenRegistry.bearerToken("bearer   abc "), "abc")
        XCTAssertNil(TokenRegistry.bearerToken("Basic abc"))
        XCTAssertNil(TokenRegistry.bearerToken("Bearer"))
        XCTAssertNil(TokenRegistry.bearerToken(nil))
    }
}

final class FormatTests: XCTestCase {
    func testHistogramLinesAreCumulative() {
        var h = Histogram(bounds: [0.1, 1])
        h.observe(0.0625)
        h.observe(0.5)
        h.observe(0.75)
        h.observe(5)
        h.observe(.nan)
        XCTAssertEqual(h.lines("x"), [
            "x_bucket{le=\"0.1\"} 1", "x_bucket{le=\"1\"} 3", "x_bucket{le=\"+Inf\"} 4", "x_sum 6.3125", "x_count 4",
        ])
    }

    func testMetricsExposition() {
        let metrics = ServiceMetrics()
        metrics.recordRequest(status: 202, seconds: 0.001)
        metrics.recordRequest(status: 202, seconds: 0.002)
        metrics.recordRequest(status: 404, seconds: 0.001)
        metrics.recordJobCompleted(latency: 1.5, solveSeconds: 0.5)
        let text = metrics.render(counts: JobCounts(byStatus: [.queued: 7, .running: 2]))
        XCTAssertTrue(text.contains("haul_jobs{status=\"queued\"} 7\n"))
        XCTAssertTrue(text.contains("haul_jobs{status=\"running\"} 2\n"))
        XCTAssertTrue(text.contains("haul_jobs{status=\"failed\"} 0\n"))
        XCTAssertTrue(text.contains("haul_http_requests_total{code=\"202\"} 2\n"))
        XCTAssertTrue(text.contains("haul_http_requests_total{code=\"404\"} 1\n"))
        XCTAssertTrue(text.contains("haul_jobs_completed_total 1\n"))
        XCTAssertTrue(text.contains("haul_job_latency_seconds_count 1\n"))
        XCTAssertTrue(text.contains("haul_store_up 1\n"))
        XCTAssertTrue(metrics.render(counts: nil).contains("haul_store_up 0\n"))
        // Every sample line belongs to a declared family.
        let families = Set(text.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }.map { $0.split(separator: " ")[2] })
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let name = line.prefix { $0 != "{" && $0 != " " }
            let base = ["_bucket", "_sum", "_count"].reduce(String(name)) { n, s in
                n.hasSuffix(s) && !families.contains(Substring(n)) ? String(n.dropLast(s.count)) : n
            }
            XCTAssertTrue(families.contains(Substring(base)), String(line))
        }
    }

    func testJSONWriterEscapesAndFormats() throws {
        var w = JSONObjectWriter()
        w.string("s", "a\"b\\c\n\u{1}é")
        w.number("n", 2.5)
        w.number("i", 3)
        w.number("nan", .nan)
        w.date("d", Date(timeIntervalSince1970: 1_700_000_000.25))
        w.string("none", nil)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(w.finish().utf8)) as? [String: Any])
        XCTAssertEqual(object["s"] as? String, "a\"b\\c\n\u{1}é")
        XCTAssertEqual(object["n"] as? Double, 2.5)
        XCTAssertEqual(object["i"] as? Int, 3)
        XCTAssertTrue(object["nan"] is NSNull)
        XCTAssertEqual(object["d"] as? String, "2023-11-14T22:13:20.250Z")
        XCTAssertTrue(object["none"] is NSNull)
    }

    func testRequestIDRules() {
        XCTAssertEqual(RequestMiddleware.usableRequestID("abc-123_x.y"), "abc-123_x.y")
        XCTAssertNil(RequestMiddleware.usableRequestID("has space"))
        XCTAssertNil(RequestMiddleware.usableRequestID(String(repeating: "a", count: 129)))
        XCTAssertNil(RequestMiddleware.usableRequestID(""))
        XCTAssertEqual(RequestMiddleware.newRequestID().count, 16)
    }
}
