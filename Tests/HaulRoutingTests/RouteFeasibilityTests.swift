import Foundation
import Synchronization
import XCTest
@testable import HaulRouting

/// The route test of ``RoutingSearchOptions/routeFeasibility``: never a rejected route, memoised,
/// deterministic, within the time limit.
final class RouteFeasibilityTests: XCTestCase {
    /// Counts the calls of a test from any thread.
    final class Calls: Sendable {
        let count = Atomic<Int>(0)
        func add() { count.add(1, ordering: .relaxed) }
        var value: Int { count.load(ordering: .relaxed) }
    }

    func testRejectedRoutesAreNeverReturned() {
        let model = randomCVRP(count: 40, seed: 7, vehicles: 20, capacity: 40)
        let calls = Calls()
        // At most four stops, and customers 1 and 2 never together, nor 3 directly after 4.
        let check: RouteFeasibility = { _, stops in
            calls.add()
            if stops.count > 4 { return false }
            if stops.contains(1) && stops.contains(2) { return false }
            if let i = stops.firstIndex(of: 4), i + 1 < stops.count, stops[i + 1] == 3 { return false }
            return true
        }
        let options = RoutingSearchOptions(timeLimit: 5, seed: 3, maxIterations: 300, routeFeasibility: check)
        let solution = RoutingSolver.solve(model, options: options)
        independentCheck(model, solution)
        XCTAssertEqual(solution.unassigned, [])
        for route in solution.routes {
            XCTAssertTrue(check(0, route.stops), "route \(route.stops) breaks the test")
        }
        XCTAssertGreaterThan(solution.routeChecks, 0)
        XCTAssertGreaterThan(solution.routeCheckMemoHits, 0, "repeated sequences come from the memo")
        XCTAssertLessThanOrEqual(solution.routeChecks, calls.value)
        // Without the test, routes are longer.
        let free = RoutingSolver.solve(model, options: RoutingSearchOptions(timeLimit: 5, seed: 3, maxIterations: 300,
                                                                            engine: .ruinAndRecreate))
        XCTAssertTrue(free.routes.contains { $0.stops.count > 4 })
        XCTAssertLessThan(free.cost, solution.cost)
    }

    func testMemoisedAndDeterministic() {
        let model = randomCVRP(count: 30, seed: 11, vehicles: 15, capacity: 30)
        let check: RouteFeasibility = { _, stops in stops.count <= 5 && !(stops.first.map { $0 % 7 == 0 } ?? false) }
        let options = RoutingSearchOptions(timeLimit: 10, seed: 5, maxIterations: 200, routeFeasibility: check)
        let a = RoutingSolver.solve(model, options: options)
        let b = RoutingSolver.solve(model, options: options)
        XCTAssertEqual(a.routes, b.routes)
        XCTAssertEqual(a.cost, b.cost)
        XCTAssertEqual(a.routeChecks, b.routeChecks)
        XCTAssertEqual(a.routeCheckMemoHits, b.routeCheckMemoHits)
        independentCheck(model, a)
        for route in a.routes { XCTAssertTrue(check(0, route.stops)) }
        // The memo answers more often than the test is called.
        XCTAssertGreaterThan(a.routeCheckMemoHits, a.routeChecks)
    }

    func testTestIsPerVehicleType() {
        // Two vehicle types; type 1 accepts nothing with customer 5, type 0 accepts anything.
        var model = randomCVRP(count: 12, seed: 2, vehicles: 0, capacity: 100)
        model.vehicles = [RoutingVehicle(startNode: 0, capacity: [100], typeIndex: 0),
                          RoutingVehicle(startNode: 0, capacity: [100], typeIndex: 1)]
        let check: RouteFeasibility = { type, stops in type == 0 ? stops.count <= 6 : !stops.contains(5) }
        let solution = RoutingSolver.solve(model, options: RoutingSearchOptions(timeLimit: 5, maxIterations: 200, routeFeasibility: check))
        independentCheck(model, solution)
        XCTAssertEqual(solution.unassigned, [])
        for route in solution.routes {
            XCTAssertTrue(check(model.vehicles[route.vehicle].typeIndex, route.stops), "\(route.vehicle): \(route.stops)")
        }
    }

    func testUnservableCustomersAreLeftOut() {
        let model = randomCVRP(count: 10, seed: 4, vehicles: 5, capacity: 50)
        let check: RouteFeasibility = { _, stops in !stops.contains(3) }
        let solution = RoutingSolver.solve(model, options: RoutingSearchOptions(timeLimit: 5, maxIterations: 100, routeFeasibility: check))
        XCTAssertEqual(solution.unassigned, [3])
        independentCheck(model, solution)
    }

    func testSlowTestKeepsTheTimeLimit() {
        // The construction's insertions run to the end (here about 40 x 14 tests of 1 ms at
        // most); everything after it stops at the limit.
        let model = randomCVRP(count: 40, seed: 9, vehicles: 20, capacity: 30)
        let check: RouteFeasibility = { _, stops in
            Thread.sleep(forTimeInterval: 0.001)
            return stops.count <= 6
        }
        let clock = ContinuousClock.now
        let solution = RoutingSolver.solve(model, options: RoutingSearchOptions(timeLimit: 1, routeFeasibility: check))
        let elapsed = ContinuousClock.now - clock
        XCTAssertLessThan(elapsed, .seconds(3), "a slow route test made the solver overrun")
        independentCheck(model, solution)
        for route in solution.routes { XCTAssertTrue(route.stops.count <= 6) }
    }

    func testCancellationStopsPromptly() {
        let model = randomCVRP(count: 40, seed: 1, vehicles: 20, capacity: 30)
        let started = ContinuousClock.now
        let check: RouteFeasibility = { _, stops in stops.count <= 5 }
        let solution = RoutingSolver.solve(model, options: RoutingSearchOptions(
            timeLimit: 30, isCancelled: { ContinuousClock.now - started > .milliseconds(300) },
            routeFeasibility: check))
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(3))
        independentCheck(model, solution)
        for route in solution.routes { XCTAssertTrue(route.stops.count <= 5) }
    }
}
