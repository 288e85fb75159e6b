import Foundation
import XCTest
@testable import Haul

final class FacadeTests: XCTestCase {
    static var examples: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Instances/examples").standardizedFileURL
    }

    func testEveryExampleSolves() async throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.examples.path).filter { $0.hasSuffix(".json") }.sorted()
        XCTAssertGreaterThanOrEqual(files.count, 3)
        var kinds = Set<ProblemKind>()
        for file in files {
            let document = try ProblemDocument.decode(Data(contentsOf: Self.examples.appendingPathComponent(file)))
            kinds.insert(document.problem.kind)
            let plan = try await solve(document.problem, options: effectiveOptions(for: document, timeLimit: 1))
            XCTAssertTrue([.optimal, .feasible].contains(plan.status), "\(file): \(plan.status) \(plan.message ?? "")")
            XCTAssertEqual(plan.kind, document.problem.kind)
            XCTAssertTrue(plan.objective.isFinite && plan.objective >= 0, file)
        }
        XCTAssertEqual(kinds, Set(ProblemKind.allCases))
    }

    func testInvalidProblemThrowsEveryIssue() async {
        let problem = LoadingProblem(vehicleTypes: [], items: [LoadingItem(id: "", weight: -1, length: 1, width: 1, height: 1)])
        do {
            _ = try await solve(problem)
            XCTFail("expected an error")
        } catch let error as InvalidProblemError {
            XCTAssertEqual(error.issues.map(\.description), ["vehicleTypes: must contain at least one vehicle type",
                                                             "items[0].id: must not be empty",
                                                             "items[0].weight: must be >= 0 and finite"])
        } catch {
            XCTFail("unexpected \(error)")
        }
    }

    func testCancellingTheTaskStopsALongSolve() async throws {
        var customers: [Customer] = []
        var state: UInt64 = 5
        func next() -> Double { state = state &* 6364136223846793005 &+ 1; return Double(state >> 11) / Double(1 << 53) }
        for i in 0..<150 { customers.append(Customer(id: "c\(i)", location: .planar(x: next() * 100, y: next() * 100), demand: [1 + next() * 9])) }
        let problem = RoutingProblem(depots: [Depot(id: "d", location: .planar(x: 50, y: 50))],
                                     vehicleTypes: [VehicleType(id: "v", count: 40, capacity: [50])], customers: customers)
        let started = Date()
        let task = Task { try await solve(problem, options: SolveOptions(timeLimit: 60)) }
        try await Task.sleep(nanoseconds: 500_000_000)
        task.cancel()
        let plan = try await task.value
        XCTAssertLessThan(Date().timeIntervalSince(started), 20, "a cancelled solve must stop long before its 60 s limit")
        XCTAssertEqual(plan.status, .feasible)
        XCTAssertEqual(plan.routes!.reduce(0) { $0 + $1.stops.count }, 150)
    }

    func testProgressIsReported() async throws {
        let box = ProgressBox()
        let document = try ProblemDocument.decode(Data(contentsOf: Self.examples.appendingPathComponent("allocation-small.json")))
        var options = effectiveOptions(for: document, timeLimit: 5)
        options.progress = { box.add($0) }
        let plan = try await solve(document.problem, options: options)
        XCTAssertFalse(box.values.isEmpty)
        XCTAssertTrue(box.values.allSatisfy { $0.objective == nil || $0.objective! >= plan.objective - 1e-6 })
    }

    func testSameSeedSamePlan() async throws {
        let document = try ProblemDocument.decode(Data(contentsOf: Self.examples.appendingPathComponent("routing-small.json")))
        let a = try await solve(document.problem, options: SolveOptions(timeLimit: 0.3, seed: 3))
        let b = try await solve(document.problem, options: SolveOptions(timeLimit: 0.3, seed: 3))
        // Wall-clock limits make the iteration count vary; on a problem this small both runs reach the same optimum.
        XCTAssertEqual(a.objective, b.objective, accuracy: 1e-9)
    }
}

final class ProgressBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [SolveProgress] = []
    func add(_ p: SolveProgress) { lock.lock(); stored.append(p); lock.unlock() }
    var values: [SolveProgress] { lock.lock(); defer { lock.unlock() }; return stored }
}
