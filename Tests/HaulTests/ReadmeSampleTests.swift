import Foundation
import XCTest
import Haul

final class ReadmeSampleTests: XCTestCase {
    // README-SAMPLE-BEGIN
    func readmeSample() async throws -> Plan {
        let problem = RoutingProblem(
            depots: [Depot(id: "hub", location: .planar(x: 0, y: 0))],
            vehicleTypes: [VehicleType(id: "van", count: 2, capacity: [10])],
            customers: [
                Customer(id: "A", location: .planar(x: 3, y: 4), demand: [4]),
                Customer(id: "B", location: .planar(x: -3, y: 4), demand: [5]),
                Customer(id: "C", location: .planar(x: 0, y: -5), demand: [6]),
            ])
        let plan = try await solve(problem, options: SolveOptions(timeLimit: 1, seed: 7))
        for route in plan.routes ?? [] {
            print(route.vehicleType, route.stops.map(\.customer), route.distance)
        }
        return plan
    }
    // README-SAMPLE-END

    func testTheReadmeSampleIsThisCodeAndRuns() async throws {
        let plan = try await readmeSample()
        XCTAssertEqual(plan.status, .feasible)
        XCTAssertEqual(Set(plan.routes!.flatMap { $0.stops.map(\.customer) }), ["A", "B", "C"])
        // Capacity 10 forces two routes; A and B share one (4 + 5), C goes alone: 5+6+5 + 5+5 = 26.
        XCTAssertEqual(plan.objective, 26, accuracy: 1e-9)

        let source = try String(contentsOfFile: #filePath, encoding: .utf8)
        let sample = try XCTUnwrap(section(of: source, from: "// README-SAMPLE-BEGIN\n", to: "    // README-SAMPLE-END"))
        let readme = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../README.md").standardizedFileURL, encoding: .utf8)
        let dedented = sample.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix("    ") ? String($0.dropFirst(4)) : String($0) }.joined(separator: "\n")
        XCTAssertTrue(readme.contains(dedented), "README.md must show the sample exactly as tested here")
    }

    private func section(of text: String, from start: String, to end: String) -> String? {
        guard let a = text.range(of: start), let b = text.range(of: end, range: a.upperBound..<text.endIndex) else { return nil }
        return String(text[a.upperBound..<b.lowerBound])
    }
}
