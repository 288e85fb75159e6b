import HaulCheck
import HaulCore
import XCTest
@testable import HaulLoading

/// ``RouteLoader``: the loading test of one route, deterministic, checked by the independent checker.
final class RouteLoaderTests: XCTestCase {
    let space = CargoSpace(length: 60, width: 25, height: 30)

    /// A route's loading problem as a routing problem would build it.
    func route(_ customers: [(String, [LoadingItem])], ordered: Bool = true) -> LoadingProblem {
        var problem = RoutingProblem(
            depots: [Depot(id: "D", location: .planar(x: 0, y: 0))],
            vehicleTypes: [VehicleType(id: "van", count: 1, capacity: [100], cargoSpace: space)],
            customers: customers.map { Customer(id: $0.0, location: .planar(x: 1, y: 1), demand: [1], items: $0.1) })
        problem.loading = RouteLoadingOptions(enforce: true, unloadingOrder: ordered)
        return problem.routeLoadingProblem(vehicleType: 0, customers: Array(customers.indices))
    }

    func box(_ id: String, _ l: Double, _ w: Double, _ h: Double, fragile: Bool = false) -> LoadingItem {
        LoadingItem(id: id, weight: 1, length: l, width: w, height: h, rotations: .thisSideUp, fragile: fragile)
    }

    /// The checker's view of a loading: one vehicle holding every item.
    func check(_ problem: LoadingProblem, _ placements: [PlacementPlan]) -> [CheckViolation] {
        var plan = Plan(kind: .loading, status: .feasible, objective: 0, stats: PlanStats(seconds: 0, iterations: 0, solver: "test"))
        plan.vehicles = [LoadedVehiclePlan(vehicleType: "van", vehicle: 0, items: problem.items.map(\.id),
                                           weight: problem.items.reduce(0) { $0 + $1.weight }, volume: problem.items.reduce(0) { $0 + $1.volume },
                                           cost: 0, placements: placements)]
        plan.unassigned = []
        return LoadingCheck.check(problem, plan).violations
    }

    func testLoadsARouteInUnloadingOrder() throws {
        let problem = route([
            ("a", [box("a1", 20, 12, 10), box("a2", 15, 10, 8, fragile: true)]),
            ("b", [box("b1", 30, 20, 15), box("b2", 10, 10, 10)]),
            ("c", [box("c1", 25, 25, 12)]),
        ])
        let placements = try XCTUnwrap(RouteLoader.place(problem))
        XCTAssertEqual(placements.count, 5)
        XCTAssertEqual(check(problem, placements), [])
        // Deterministic for a seed.
        XCTAssertEqual(RouteLoader.place(problem), placements)
    }

    func testRejectsWhatCannotFit() {
        // Two boxes each more than half the height and more than half the width: neither side by side nor stacked.
        let tall = route([("a", [box("a1", 40, 14, 16)]), ("b", [box("b1", 40, 14, 16)])])
        XCTAssertNil(RouteLoader.place(tall))
        XCTAssertFalse(RouteLoader.passesQuickChecks(tall.items + [box("x", 40, 14, 16)], space: space, weightLimit: nil),
                       "the tall boxes' bases cover more than the floor")
        // Too much volume.
        let full = route([("a", [box("a1", 60, 25, 20)]), ("b", [box("b1", 60, 25, 11)])])
        XCTAssertFalse(RouteLoader.passesQuickChecks(full.items, space: space, weightLimit: nil))
        XCTAssertNil(RouteLoader.place(full))
        // A box larger than the space in every allowed orientation.
        XCTAssertNil(RouteLoader.place(route([("a", [box("a1", 61, 10, 10)])])))
        XCTAssertEqual(RouteLoader.place(route([("a", [box("a1", 10, 55, 10)])]))?.first?.length, 55, "turned on the floor")
    }

    func testUnloadingOrderCanBeTheBindingRule() throws {
        // Two boxes that each take half the space: the first customer's goes door-side.
        let problem = route([("a", [box("a1", 30, 25, 30, fragile: true)]), ("b", [box("b1", 30, 25, 30)])])
        let ordered = try XCTUnwrap(RouteLoader.place(problem))
        XCTAssertEqual(check(problem, ordered), [])
        let a1 = try XCTUnwrap(ordered.first { $0.item == "a1" }), b1 = try XCTUnwrap(ordered.first { $0.item == "b1" })
        XCTAssertGreaterThanOrEqual(a1.x, b1.x + b1.length - 1e-9, "the first customer's box is door-side")
        // Filling the length exactly with three customers' full-width boxes: only one order works.
        let three = route([("a", [box("a1", 20, 25, 30)]), ("b", [box("b1", 20, 25, 30)]), ("c", [box("c1", 20, 25, 30)])])
        let placed = try XCTUnwrap(RouteLoader.place(three))
        XCTAssertEqual(placed.sorted { $0.x < $1.x }.map(\.item), ["c1", "b1", "a1"])
        XCTAssertEqual(check(three, placed), [])
    }

    func testWithoutUnloadingOrderItemsHaveNoStops() {
        let problem = route([("a", [box("a1", 20, 12, 10)]), ("b", [box("b1", 20, 12, 10)])], ordered: false)
        XCTAssertEqual(problem.items.map(\.stop), [nil, nil])
        XCTAssertNil(problem.stopOrder)
        let ordered = route([("a", [box("a1", 20, 12, 10)]), ("b", [box("b1", 20, 12, 10)])])
        XCTAssertEqual(ordered.items.map(\.stop), ["a", "b"])
        XCTAssertEqual(ordered.stopOrder, ["a", "b"])
        XCTAssertEqual(ordered.vehicleTypes.first?.cargoSpace, space)
    }
}
