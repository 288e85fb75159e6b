import Foundation
import HaulServer
import HummingbirdTesting
import XCTest

/// Malformed and hostile bodies get a 4xx JSON error and the service keeps answering.
final class HostileBodyTests: XCTestCase {
    func testHostileBodiesGet4xxAndNeverCrash() async throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let deepObject = "{\"kind\":\"routing\",\"x\":" + String(repeating: "{\"a\":", count: 5000) + "1" + String(repeating: "}", count: 5000) + "}"
        let bodies: [(String, [UInt8])] = [
            ("empty", []),
            ("whitespace", Array("  \n ".utf8)),
            ("deep arrays", Array(deep.utf8)),
            ("deep objects", Array(deepObject.utf8)),
            ("huge number", Array(Fixture.allocation().replacingOccurrences(of: "\"capacity\":100", with: "\"capacity\":1e999999").utf8)),
            ("long digits", Array(Fixture.allocation().replacingOccurrences(of: "\"capacity\":100", with: "\"capacity\":" + String(repeating: "9", count: 100_000)).utf8)),
            ("NaN", Array(Fixture.allocation().replacingOccurrences(of: "\"capacity\":100", with: "\"capacity\":NaN").utf8)),
            ("Infinity", Array(Fixture.allocation().replacingOccurrences(of: "\"capacity\":100", with: "\"capacity\":-Infinity").utf8)),
            ("unknown field", Array(Fixture.allocation().replacingOccurrences(of: "\"kind\"", with: "\"extra\":1,\"kind\"").utf8)),
            ("unknown kind", Array("{\"kind\":\"teleport\"}".utf8)),
            ("not an object", Array("[1,2,3]".utf8)),
            ("a string", Array("\"routing\"".utf8)),
            ("truncated", Array(Fixture.allocation().dropLast(20).utf8)),
            ("invalid UTF-8", Array("{\"kind\":\"routing\",\"depots\":[{\"id\":\"".utf8) + [0xC3, 0x28, 0xFF] + Array("\"}]}".utf8)),
            ("NUL bytes", [0, 0, 0, 0]),
            ("BOM then garbage", [0xEF, 0xBB, 0xBF] + Array("{{{".utf8)),
            ("duplicate keys", Array("{\"kind\":\"routing\",\"kind\":\"allocation\"}".utf8)),
            ("huge count", Array(Fixture.routing(customers: 2, timeLimit: 1).replacingOccurrences(of: "\"count\":2", with: "\"count\":9000000000000000000").utf8)),
            ("negative time limit", Array(Fixture.allocation(timeLimit: -5).utf8)),
            ("lone surrogate escape", Array("{\"kind\":\"allocation\",\"warehouses\":[{\"id\":\"\\ud800\"}]}".utf8)),
        ]
        try await withService { client, _ in
            for route in ["/v1/jobs", "/v1/solve"] {
                for (name, body) in bodies {
                    let reply = try await client.call(.post, route, body: body)
                    XCTAssertTrue((400..<500).contains(reply.status.code), "\(route) \(name): \(reply.status) \(reply.text.prefix(300))")
                    XCTAssertNotNil(reply.errorCode, "\(route) \(name): \(reply.text.prefix(300))")
                }
            }
            let list = try await client.call(.get, "/v1/jobs")
            XCTAssertEqual((list.json?["jobs"] as? [Any])?.count, 0, "no hostile body became a job")
            let health = try await client.call(.get, "/healthz", token: nil)
            XCTAssertEqual(health.status, .ok)
        }
    }

    func testBodyLimitHoldsWithoutContentLength() async throws {
        try await withService(limits: ServiceLimits(maxBodyBytes: 1024)) { client, _ in
            var body = Array("{\"kind\":\"allocation\",\"orders\":[".utf8)
            body += Array(repeating: UInt8(ascii: "1"), count: 64 * 1024)
            let reply = try await client.call(.post, "/v1/jobs", body: body)
            XCTAssertEqual(reply.status, .contentTooLarge)
            XCTAssertEqual(reply.errorCode, "body_too_large")
        }
    }
}
