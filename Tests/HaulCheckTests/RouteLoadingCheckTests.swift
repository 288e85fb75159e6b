import Foundation
import Haul
import HaulCheck
import HaulLoading
import XCTest

/// Routes whose loads fit (3L-CVRP): solver plans re-checked by the independent checker, and the
/// checker's loading rules on hand-made faults.
final class RouteLoadingCheckTests: XCTestCase {
    /// Two customers side by side, each with one long box (10 x 2.5 x 2.5, height fixed) for a cargo
    /// space of 10 x 4 x 4: by weight and volume both fit one vehicle, but the boxes fit neither
    /// side by side (width 5 > 4) nor on top of each other (height 5 > 4). A third customer has a
    /// small box. Plain CVRP serves a and b on one route; with loading enforced they must be split.
    func longBoxes(enforce: Bool = true) -> RoutingProblem {
        let space = CargoSpace(length: 10, width: 4, height: 4)
        func long(_ id: String) -> LoadingItem {
            LoadingItem(id: id, weight: 1, length: 10, width: 2.5, height: 2.5, rotations: .thisSideUp)
        }
        return RoutingProblem(
            depots: [Depot(id: "D", location: .planar(x: 0, y: 0))],
            vehicleTypes: [VehicleType(id: "van", count: 3, capacity: [10], cargoSpace: space)],
            customers: [
                Customer(id: "a", location: .planar(x: 10, y: 0), demand: [1], items: [long("a1")]),
                Customer(id: "b", location: .planar(x: 10, y: 1), demand: [1], items: [long("b1")]),
                Customer(id: "c", location: .planar(x: 11, y: 0), demand: [1],
                         items: [LoadingItem(id: "c1", weight: 1, length: 2, width: 1, height: 1, rotations: .thisSideUp)]),
            ],
            loading: RouteLoadingOptions(enforce: enforce))
    }

    func testEnforcedSolveSplitsUnloadableRoute() throws {
        var plain = longBoxes()
        plain.loading = nil
        for c in plain.customers.indices { plain.customers[c].items = nil }
        let cvrp = try solveBlocking(.routing(plain), options: SolveOptions(timeLimit: 0.3))
        XCTAssertEqual(cvrp.routes?.count, 1, "plain CVRP serves everyone on one route")
        XCTAssertEqual(RoutingCheck.check(plain, cvrp).violations, [])

        let problem = longBoxes()
        let plan = try solveBlocking(.routing(problem), options: SolveOptions(timeLimit: 0.3))
        XCTAssertEqual(plan.status, .feasible)
        XCTAssertEqual(RoutingCheck.check(problem, plan).violations, [])
        let routes = plan.routes ?? []
        XCTAssertEqual(routes.count, 2)
        for route in routes {
            let ids = Set(route.stops.map(\.customer))
            XCTAssertFalse(ids.contains("a") && ids.contains("b"), "a and b share a route: \(route.stops.map(\.customer))")
            XCTAssertNotNil(route.placements)
        }
        XCTAssertGreaterThan(plan.objective, cvrp.objective)
        // The checker flags the plain plan as unloadable for this problem.
        var forced = cvrp
        forced.routes![0].placements = [
            PlacementPlan(item: "a1", x: 0, y: 0, z: 0, length: 10, width: 2.5, height: 2.5),
            PlacementPlan(item: "b1", x: 0, y: 1.5, z: 0, length: 10, width: 2.5, height: 2.5),
            PlacementPlan(item: "c1", x: 0, y: 0, z: 2.5, length: 2, width: 1, height: 1),
        ]
        let found = RoutingCheck.check(problem, forced).violations.map(\.description)
        XCTAssertTrue(found.contains { $0.hasPrefix("routes[0].placements[1]: overlaps \"a1\"") }, "\(found)")
    }

    func testUnenforcedSolveReportsUnloadableRoute() throws {
        let problem = longBoxes(enforce: false)
        let plan = try solveBlocking(.routing(problem), options: SolveOptions(timeLimit: 0.3))
        XCTAssertEqual(plan.status, .feasible)
        XCTAssertEqual(plan.routes?.count, 1)
        XCTAssertNil(plan.routes?[0].placements)
        XCTAssertTrue(plan.message?.contains("routes[0] could not be placed") ?? false, plan.message ?? "no message")
        XCTAssertEqual(RoutingCheck.check(problem, plan).violations, [], "without enforcement a route may lack placements")
        let enforced = longBoxes(enforce: true)
        XCTAssertEqual(RoutingCheck.check(enforced, plan).violations.map(\.description),
                       ["routes[0].placements: missing: the route's customers have 3 item(s) and the problem enforces loading"])
    }

    func testPlacementFaultsAreNamedWithPlanPaths() throws {
        var problem = longBoxes()
        problem.customers[0].items = [LoadingItem(id: "a1", weight: 1, length: 4, width: 2, height: 2, rotations: .thisSideUp),
                                      LoadingItem(id: "a2", weight: 1, length: 4, width: 2, height: 2, rotations: .thisSideUp, fragile: true)]
        problem.customers[1].items = [LoadingItem(id: "b1", weight: 1, length: 4, width: 2, height: 2, rotations: .thisSideUp)]
        var plan = Plan(kind: .routing, status: .infeasible, objective: 0, stats: PlanStats(seconds: 0, iterations: 0, solver: "hand"))
        // D -> a -> b -> D.
        let da = 10.0, ab = 1.0, bd = (100.0 + 1.0).squareRoot()
        plan.routes = [RoutePlan(vehicleType: "van", vehicle: 0, depot: "D", endDepot: "D",
                                 stops: [StopPlan(customer: "a", arrival: da, start: da, departure: da),
                                         StopPlan(customer: "b", arrival: da + ab, start: da + ab, departure: da + ab)],
                                 departure: 0, returnTime: da + ab + bd, distance: da + ab + bd, duration: da + ab + bd,
                                 load: [2], cost: da + ab + bd)]
        plan.unassigned = ["c"]
        plan.objective = da + ab + bd
        // A correct loading: b (unloaded last) at the front wall, a's boxes door-side.
        let good = [PlacementPlan(item: "b1", x: 0, y: 0, z: 0, length: 4, width: 2, height: 2),
                    PlacementPlan(item: "a1", x: 4, y: 0, z: 0, length: 4, width: 2, height: 2),
                    PlacementPlan(item: "a2", x: 4, y: 0, z: 2, length: 4, width: 2, height: 2)]
        plan.routes![0].placements = good
        XCTAssertEqual(RoutingCheck.check(problem, plan).violations, [])

        func faults(_ placements: [PlacementPlan]) -> [String] {
            var p = plan
            p.routes![0].placements = placements
            return RoutingCheck.check(problem, p).violations.map(\.description)
        }
        // b's box door-side of a's: a cannot be unloaded first.
        var found = faults([PlacementPlan(item: "b1", x: 4, y: 0, z: 0, length: 4, width: 2, height: 2),
                            PlacementPlan(item: "a1", x: 0, y: 0, z: 0, length: 4, width: 2, height: 2),
                            PlacementPlan(item: "a2", x: 0, y: 0, z: 2, length: 4, width: 2, height: 2)])
        XCTAssertTrue(found.contains { $0.hasPrefix("routes[0].placements[1]: blocked: \"b1\" of later stop \"b\" is between the door and \"a1\"") }, "\(found)")
        // Non-fragile on fragile.
        found = faults([good[0], PlacementPlan(item: "a2", x: 4, y: 0, z: 0, length: 4, width: 2, height: 2),
                        PlacementPlan(item: "a1", x: 4, y: 0, z: 2, length: 4, width: 2, height: 2)])
        XCTAssertTrue(found.contains("routes[0].placements[2]: non-fragile \"a1\" rests on fragile \"a2\""), "\(found)")
        // Floating, outside, rotated the wrong way, a missing item, another route's item.
        found = faults([good[0], good[1], PlacementPlan(item: "a2", x: 4, y: 2.5, z: 2, length: 4, width: 2, height: 2)])
        XCTAssertTrue(found.contains { $0.hasPrefix("routes[0].placements[2]: outside the cargo space") }, "\(found)")
        XCTAssertTrue(found.contains { $0.hasPrefix("routes[0].placements[2]: floating") }, "\(found)")
        found = faults([good[0], good[1], PlacementPlan(item: "a2", x: 4, y: 0, z: 2, length: 4, width: 2, height: 2),
                        PlacementPlan(item: "c1", x: 8, y: 0, z: 0, length: 2, width: 1, height: 1)])
        XCTAssertTrue(found.contains("routes[0].placements[3]: \"c1\" is not an item of the route's customers"), "\(found)")
        found = faults([good[0], good[1], PlacementPlan(item: "a2", x: 4, y: 0, z: 2, length: 2, width: 2, height: 4)])
        XCTAssertTrue(found.contains { $0.hasPrefix("routes[0].placements[2]: dimensions 2.0 x 2.0 x 4.0 are not an allowed orientation") }, "\(found)")
        found = faults([good[0], good[1]])
        XCTAssertTrue(found.contains("routes[0].placements: item \"a2\" is loaded but not placed"), "\(found)")
        // Without unloading order the first plan's order is fine.
        problem.loading?.unloadingOrder = false
        var p = plan
        p.routes![0].placements = [PlacementPlan(item: "b1", x: 4, y: 0, z: 0, length: 4, width: 2, height: 2),
                                   PlacementPlan(item: "a1", x: 0, y: 0, z: 0, length: 4, width: 2, height: 2),
                                   PlacementPlan(item: "a2", x: 0, y: 0, z: 2, length: 4, width: 2, height: 2)]
        XCTAssertEqual(RoutingCheck.check(problem, p).violations, [])
    }

    func testSolverPlansOfTheExamplePass() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Instances/examples/routing-3l-small.json")
        let document = try ProblemDocument.decode(Data(contentsOf: url))
        let plan = try solveBlocking(document.problem, options: SolveOptions(timeLimit: 0.5))
        XCTAssertEqual(plan.status, .feasible)
        XCTAssertEqual(checkPlan(plan, against: document.problem).violations, [])
        XCTAssertTrue(plan.routes!.allSatisfy { $0.placements != nil })
    }

    /// The first Gendreau et al. instance end to end: every route loaded and verified.
    func testGendreauInstanceSolvesAndChecks() throws {
        guard let folder = instancesFolder() else {
            throw XCTSkip("the benchmark instances are not here: set HAUL_INSTANCES or put them in ../shared/instances beside the package")
        }
        let file = folder.appendingPathComponent("3lcvrp/gendreau2006/3l_cvrp01.txt")
        guard FileManager.default.fileExists(atPath: file.path) else { throw XCTSkip("\(file.path) is absent") }
        let data = try Data(contentsOf: file)
        XCTAssertEqual(ProblemFormat.detect(data), .threeLCVRP)
        let document = try readProblem(data)
        guard case let .routing(problem) = document.problem else { return XCTFail("not a routing problem") }
        let plan = try solveBlocking(.routing(problem), options: SolveOptions(timeLimit: 2))
        XCTAssertEqual(plan.status, .feasible, plan.message ?? "")
        XCTAssertEqual(RoutingCheck.check(problem, plan).violations, [])
        XCTAssertTrue(plan.routes!.allSatisfy { $0.placements?.count == $0.stops.reduce(0) { n, s in
            n + (problem.customers.first { $0.id == s.customer }?.items?.count ?? 0) } })
        XCTAssertLessThanOrEqual(plan.routes!.count, 4)
    }

    /// The route loader on random routes of two Gendreau et al. instances (30% to 70% of the
    /// volume, random visiting orders): every loading it returns passes the independent checker.
    func testRouteLoaderPlacementsPassTheChecker() throws {
        guard let folder = instancesFolder() else {
            throw XCTSkip("the benchmark instances are not here: set HAUL_INSTANCES or put them in ../shared/instances beside the package")
        }
        var loaded = 0
        for name in ["3l_cvrp05", "3l_cvrp27"] {
            let file = folder.appendingPathComponent("3lcvrp/gendreau2006/\(name).txt")
            guard FileManager.default.fileExists(atPath: file.path) else { throw XCTSkip("\(file.path) is absent") }
            guard case let .routing(p) = try readProblem(Data(contentsOf: file), format: .threeLCVRP).problem else { return XCTFail() }
            var rng = SplitMix64(seed: 11)
            let capacity = p.vehicleTypes[0].capacity[0], volume = p.vehicleTypes[0].cargoSpace!.volume
            for k in 0..<120 {
                var order = Array(p.customers.indices)
                for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
                let target = 0.3 + 0.4 * Double(k % 5) / 4
                var route: [Int] = [], w = 0.0, v = 0.0
                for c in order {
                    let cw = p.customers[c].demand[0], cv = (p.customers[c].items ?? []).reduce(0) { $0 + $1.volume }
                    if w + cw <= capacity && v + cv <= volume * target { route.append(c); w += cw; v += cv }
                }
                let problem = p.routeLoadingProblem(vehicleType: 0, customers: route)
                guard let placements = RouteLoader.place(problem) else { continue }
                loaded += 1
                var plan = Plan(kind: .loading, status: .feasible, objective: 0, stats: PlanStats(seconds: 0, iterations: 0, solver: "test"))
                plan.vehicles = [LoadedVehiclePlan(vehicleType: "vehicle", vehicle: 0, items: problem.items.map(\.id),
                                                   weight: problem.items.reduce(0) { $0 + $1.weight },
                                                   volume: problem.items.reduce(0) { $0 + $1.volume }, cost: 0, placements: placements)]
                plan.unassigned = []
                XCTAssertEqual(LoadingCheck.check(problem, plan).violations, [], "\(name) route \(route.map { p.customers[$0].id })")
            }
        }
        XCTAssertGreaterThan(loaded, 60)
    }

    func instancesFolder() -> URL? {
        let fm = FileManager.default
        if let env = ProcessInfo.processInfo.environment["HAUL_INSTANCES"], fm.fileExists(atPath: env) {
            return URL(fileURLWithPath: env)
        }
        let guess = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/instances")
        return fm.fileExists(atPath: guess.path) ? guess : nil
    }
}
