import Haul
import HaulCheck
import XCTest

/// The routing checker on solver plans (accepted) and on hand-made faults (each named).
final class RoutingCheckTests: XCTestCase {
    /// Depot at the origin, three customers on a line; one van of capacity 10.
    let problem = RoutingProblem(
        depots: [Depot(id: "D", location: .planar(x: 0, y: 0), timeWindow: ClosedInterval(start: 0, end: 100))],
        vehicleTypes: [VehicleType(id: "van", count: 2, capacity: [10], fixedCost: 5, costPerDistance: 2)],
        customers: [
            Customer(id: "a", location: .planar(x: 3, y: 4), demand: [4], serviceTime: 1),
            Customer(id: "b", location: .planar(x: 6, y: 8), demand: [4], serviceTime: 1, timeWindow: ClosedInterval(start: 20, end: 30)),
            Customer(id: "c", location: .planar(x: 0, y: -5), demand: [5]),
        ])

    /// A hand-computed feasible plan: van 0 drives D-a-b-D (distance 5+5+10 = 20), van 1 drives D-c-D (10).
    func handPlan() -> Plan {
        var plan = Plan(kind: .routing, status: .feasible, objective: (5 + 2 * 20) + (5 + 2 * 10),
                        stats: PlanStats(seconds: 0, iterations: 0, solver: "hand"))
        plan.routes = [
            RoutePlan(vehicleType: "van", vehicle: 0, depot: "D", endDepot: "D",
                      stops: [StopPlan(customer: "a", arrival: 5, start: 5, departure: 6),
                              StopPlan(customer: "b", arrival: 11, start: 20, departure: 21)],
                      departure: 0, returnTime: 31, distance: 20, duration: 31, load: [8], cost: 45),
            RoutePlan(vehicleType: "van", vehicle: 1, depot: "D", endDepot: "D",
                      stops: [StopPlan(customer: "c", arrival: 5, start: 5, departure: 5)],
                      departure: 0, returnTime: 10, distance: 10, duration: 10, load: [5], cost: 25),
        ]
        plan.unassigned = []
        return plan
    }

    func rules(_ plan: Plan, _ problem: RoutingProblem? = nil) -> [String] {
        RoutingCheck.check(problem ?? self.problem, plan).violations.map(\.description)
    }

    func testHandPlanIsAccepted() {
        let report = RoutingCheck.check(problem, handPlan())
        XCTAssertEqual(report.violations, [])
        XCTAssertEqual(report.recomputedObjective, 70, accuracy: 1e-9)
    }

    func testSolverPlansPass() throws {
        let plan = try solveBlocking(.routing(problem), options: SolveOptions(timeLimit: 0.2))
        XCTAssertEqual(plan.status, .feasible)
        XCTAssertEqual(RoutingCheck.check(problem, plan).violations, [])
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Instances/examples/routing-small.json")
        let document = try ProblemDocument.decode(Data(contentsOf: url))
        let example = try solveBlocking(document.problem, options: SolveOptions(timeLimit: 0.3))
        XCTAssertEqual(checkPlan(example, against: document.problem).violations, [])
    }

    func testOverloadIsNamed() {
        var plan = handPlan()
        plan.routes![0].stops.append(StopPlan(customer: "c", arrival: 0, start: 0, departure: 0))
        plan.routes!.remove(at: 1)
        let found = rules(plan)
        XCTAssertTrue(found.contains { $0.hasPrefix("routes[0].load: dimension 0: load 13.0 exceeds the capacity 10.0") }, "\(found)")
    }

    func testLateServiceIsNamed() {
        var plan = handPlan()
        plan.routes![0].stops[1].start = 31
        plan.routes![0].stops[1].departure = 32
        XCTAssertTrue(rules(plan).contains { $0.hasPrefix("routes[0].stops[1].start: 31.0 is after the window of \"b\" closes at 30.0") })
    }

    func testEarlyServiceAndWrongArrivalAreNamed() {
        var plan = handPlan()
        plan.routes![0].stops[1].start = 11
        plan.routes![0].stops[1].departure = 12
        XCTAssertTrue(rules(plan).contains { $0.hasPrefix("routes[0].stops[1].start: 11.0 is before the window") })
        plan = handPlan()
        plan.routes![1].stops[0].arrival = 4
        XCTAssertTrue(rules(plan).contains { $0.hasPrefix("routes[1].stops[0].arrival: states 4.0, recomputed 5.0") })
    }

    func testMissingAndDuplicateCustomersAreNamed() {
        var plan = handPlan()
        plan.routes!.remove(at: 1)
        XCTAssertTrue(rules(plan).contains("routes: customer \"c\" is neither served nor listed in unassigned"))
        plan = handPlan()
        plan.routes![1].stops.append(StopPlan(customer: "a", arrival: 0, start: 0, departure: 0))
        XCTAssertTrue(rules(plan).contains { $0.hasPrefix("routes[1].stops[1].customer: \"a\" is already served at routes[0].stops[0]") })
        plan = handPlan()
        plan.routes!.remove(at: 1)
        plan.unassigned = ["c"]
        XCTAssertTrue(rules(plan).contains("status: is feasible but 1 customer(s) are unassigned"))
        plan.status = .infeasible
        plan.objective = 45
        XCTAssertEqual(rules(plan), [])
    }

    func testWrongFiguresAreNamed() {
        var plan = handPlan()
        plan.objective = 69
        plan.routes![1].distance = 9
        plan.routes![1].cost = 23
        let found = rules(plan)
        XCTAssertTrue(found.contains("objective: states 69.0, recomputed 70.0"), "\(found)")
        XCTAssertTrue(found.contains("routes[1].distance: states 9.0, recomputed 10.0"), "\(found)")
        XCTAssertTrue(found.contains("routes[1].cost: states 23.0, recomputed 25.0"), "\(found)")
    }

    func testFleetDepotAndLimitsAreChecked() {
        var limited = problem
        limited.vehicleTypes[0].maxDistance = 15
        limited.vehicleTypes[0].maxDuration = 30
        var found = rules(handPlan(), limited)
        XCTAssertTrue(found.contains("routes[0].distance: 20.0 exceeds the maximum distance 15.0 of \"van\""), "\(found)")
        XCTAssertTrue(found.contains("routes[0].duration: 31.0 exceeds the maximum duration 30.0 of \"van\""), "\(found)")
        var plan = handPlan()
        plan.routes![1].vehicle = 0
        plan.routes![0].depot = "X"
        found = rules(plan)
        XCTAssertTrue(found.contains("routes[1].vehicle: vehicle 0 of type \"van\" drives more than one route"), "\(found)")
        XCTAssertTrue(found.contains { $0.hasPrefix("routes[0].depot: is \"X\"") }, "\(found)")
        plan = handPlan()
        plan.routes![1].vehicle = 2
        XCTAssertTrue(rules(plan).contains { $0.hasPrefix("routes[1].vehicle: must be between 0 and 1") })
    }

    func testLateReturnIsNamed() {
        var closing = problem
        closing.depots[0].timeWindow = ClosedInterval(start: 0, end: 30)
        XCTAssertTrue(rules(handPlan(), closing).contains("routes[0].returnTime: 31.0 is after the shift or depot closes at 30.0"))
    }
}
