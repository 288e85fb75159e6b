import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HaulJobs
import HaulServer
import HummingbirdTesting
import XCTest

/// `/metrics` on a separate port without a token (the main port still needs the admin token).
final class MetricsPortTests: XCTestCase {
    /// A port that was free a moment ago (bind to 0, read it, close).
    private func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        XCTAssertEqual(bound, 0)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    func testMetricsPortServesWithoutAToken() async throws {
        let port = try freePort()
        let path = Fixture.tempStorePath()
        defer { Fixture.removeStore(path) }
        let store = try SQLiteJobStore(path: path)
        let service = HaulService(configuration: ServiceConfiguration(tokens: try Fixture.registry(), metricsPort: port),
                                  store: store, logger: Fixture.logger)
        try await service.buildApplication().test(.router) { client in
            _ = try await client.submit(Fixture.allocation())
            var text = ""
            for _ in 0..<100 {   // the metrics listener starts with the service group
                if let (data, response) = try? await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/metrics")!),
                   (response as? HTTPURLResponse)?.statusCode == 200 {
                    text = String(decoding: data, as: UTF8.self)
                    break
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            XCTAssertTrue(text.contains("haul_jobs{status=\"queued\"} 1\n"), text)
            let main = try await client.call(.get, "/metrics", token: nil)
            XCTAssertEqual(main.status, .unauthorized)
        }
        await store.close()
    }
}
