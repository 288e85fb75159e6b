import Foundation
import Haul
import HaulRender
import XCTest

/// Routing pictures: one path per route, one marker per customer, late stops, layouts, labels.
final class RoutingRenderTests: XCTestCase {
    /// Depot at the origin; a and b north-east, c south; b's window closes at 30.
    let problem = RoutingProblem(
        depots: [Depot(id: "D", location: .planar(x: 0, y: 0))],
        vehicleTypes: [VehicleType(id: "van", count: 2, capacity: [10])],
        customers: [
            Customer(id: "a", location: .planar(x: 3, y: 4), demand: [4], serviceTime: 1),
            Customer(id: "b", location: .planar(x: 6, y: 8), demand: [4], serviceTime: 1, timeWindow: ClosedInterval(start: 20, end: 30)),
            Customer(id: "c", location: .planar(x: 0, y: -5), demand: [5]),
        ])

    func handPlan(bStart: Double = 20) -> Plan {
        var plan = Plan(kind: .routing, status: .feasible, objective: 30, stats: RenderTestSupport.stats())
        plan.routes = [
            RoutePlan(vehicleType: "van", vehicle: 0, depot: "D", endDepot: "D",
                      stops: [StopPlan(customer: "a", arrival: 5, start: 5, departure: 6),
                              StopPlan(customer: "b", arrival: 11, start: bStart, departure: bStart + 1)],
                      departure: 0, returnTime: bStart + 11, distance: 20, duration: bStart + 11, load: [8], cost: 20),
            RoutePlan(vehicleType: "van", vehicle: 1, depot: "D", endDepot: "D",
                      stops: [StopPlan(customer: "c", arrival: 5, start: 5, departure: 5)],
                      departure: 0, returnTime: 10, distance: 10, duration: 10, load: [5], cost: 10),
        ]
        plan.unassigned = []
        return plan
    }

    func testSolvedExamplesHaveOnePathPerRouteAndOneMarkerPerCustomer() throws {
        for name in ["routing-small", "routing-city"] {
            let (problem, plan) = try RenderTestSupport.solvedExample(name)
            guard case let .routing(routing) = problem else { return XCTFail("\(name) is not routing") }
            let (_, svg) = try RenderTestSupport.render(problem, plan)
            let routes = svg.withClass("route").filter { $0.name == "path" }
            XCTAssertEqual(routes.count, plan.routes?.count, name)
            XCTAssertGreaterThan(routes.count, 0, name)
            XCTAssertEqual(routes.map { $0.attributes["data-vehicle-type"] ?? "" }, plan.routes!.map(\.vehicleType), name)
            XCTAssertEqual(routes.map { $0.attributes["data-vehicle"] ?? "" }, plan.routes!.map { String($0.vehicle) }, name)
            XCTAssertEqual(svg.withClass("customer").map { $0.attributes["data-id"] ?? "" }, routing.customers.map(\.id), name)
            XCTAssertEqual(svg.withClass("depot").count, routing.depots.count, name)
            XCTAssertEqual(svg.legendLine("routes"), "Routes: \(plan.routes!.count)", name)
            XCTAssertNotNil(svg.legendLine("objective"), name)
            XCTAssertFalse(svg.withClass("arrows").isEmpty, "\(name): direction arrows")
        }
    }

    func testGeographicLocationsSayHowTheyAreProjected() throws {
        let (problem, plan) = try RenderTestSupport.solvedExample("routing-city")
        let (_, svg) = try RenderTestSupport.render(problem, plan)
        XCTAssertEqual(svg.legendLine("layout"), "Map: equirectangular (lat, lon)")
    }

    func testLateStopIsRingedAndCounted() throws {
        let (_, onTime) = try RenderTestSupport.render(.routing(problem), handPlan())
        XCTAssertEqual(onTime.withClass("late").count, 0)
        XCTAssertEqual(onTime.legendLine("late"), "Late stops: 0")

        let (_, late) = try RenderTestSupport.render(.routing(problem), handPlan(bStart: 31))
        XCTAssertEqual(late.withClass("late").map { $0.attributes["data-id"] }, ["b"])
        XCTAssertEqual(late.legendLine("late"), "Late stops: 1")
    }

    func testYAxisPointsUp() throws {
        let (_, svg) = try RenderTestSupport.render(.routing(problem), handPlan())
        let cy = Dictionary(uniqueKeysWithValues: svg.withClass("customer").map { ($0.attributes["data-id"]!, Double($0.attributes["cy"]!)!) })
        XCTAssertLessThan(cy["b"]!, cy["a"]!, "b is north of a, so higher on the page")
        XCTAssertLessThan(cy["a"]!, cy["c"]!)
    }

    func testUnassignedCustomersAreHollowAndCounted() throws {
        var plan = handPlan()
        plan.routes!.removeLast()
        plan.unassigned = ["c"]
        plan.status = .infeasible
        let (_, svg) = try RenderTestSupport.render(.routing(problem), plan)
        XCTAssertEqual(svg.withClass("customer").filter { $0.attributes["data-unassigned"] == "true" }.map { $0.attributes["data-id"] }, ["c"])
        XCTAssertEqual(svg.legendLine("customers"), "Customers: 2 served, 1 unassigned")
    }

    func testMatrixLocationsGetASchematicLayout() throws {
        var matrixProblem = problem
        matrixProblem.depots[0].location = .matrixIndex(0)
        for i in matrixProblem.customers.indices { matrixProblem.customers[i].location = .matrixIndex(i + 1) }
        matrixProblem.travel = TravelModel(distances: (0..<4).map { i in (0..<4).map { j in i == j ? 0 : 5 } })
        let (_, svg) = try RenderTestSupport.render(.routing(matrixProblem), handPlan())
        XCTAssertEqual(svg.legendLine("layout"), "Schematic circular layout: no coordinates")
        XCTAssertEqual(svg.withClass("customer").count, 3)
        XCTAssertEqual(svg.withClass("route").count, 2)
    }

    func testHostileIdsAreEscaped() throws {
        var hostile = problem
        let ids = ["<script>alert(1)</script>", "a&b \"quoted\" 'single'", "]]><!--", "tab\tline\nbreak", "bell\u{7}"]
        hostile.customers = ids.enumerated().map { i, id in
            Customer(id: id, location: .planar(x: Double(i * 7), y: Double(i * 3)), demand: [1])
        }
        hostile.vehicleTypes[0].id = "van<&>\"'"
        hostile.depots[0].id = "<depot & co>"
        var plan = Plan(kind: .routing, status: .feasible, objective: 1, stats: RenderTestSupport.stats())
        plan.routes = [RoutePlan(vehicleType: "van<&>\"'", vehicle: 0, depot: "<depot & co>", endDepot: "<depot & co>",
                                 stops: ids.map { StopPlan(customer: $0, arrival: 0, start: 0, departure: 0) },
                                 departure: 0, returnTime: 0, distance: 1, duration: 0, load: [5], cost: 1)]
        plan.message = "</svg><b>not markup</b>"
        let (text, svg) = try RenderTestSupport.render(.routing(hostile), plan, options: RenderOptions(labels: .always))
        XCTAssertFalse(text.contains("<script>"))
        XCTAssertEqual(svg.withClass("customer").map { $0.attributes["data-id"]! }, Array(ids.prefix(4)) + ["bell\u{FFFD}"])
        XCTAssertEqual(svg.withClass("route").first?.attributes["data-vehicle-type"], "van<&>\"'")
        XCTAssertEqual(svg.withClass("depot").first?.attributes["data-id"], "<depot & co>")
        XCTAssertTrue(svg.withClass("label").contains { $0.text.hasPrefix("<script>alert(1)") }, "labels keep the text")
        XCTAssertEqual(svg.legendLine("message"), "</svg><b>not markup</b>")
    }

    func testLabelsDefaultToSmallPlansAndNeverOverlap() throws {
        // Ten customers almost on top of each other: auto labels only those that fit.
        var crowded = problem
        crowded.customers = (0..<10).map { Customer(id: "customer-\($0)", location: .planar(x: 100 + Double($0) * 0.01, y: 100), demand: [0]) }
        var plan = Plan(kind: .routing, status: .feasible, objective: 0, stats: RenderTestSupport.stats())
        plan.routes = []
        plan.unassigned = crowded.customers.map(\.id)
        let labels = { (mode: LabelMode) in
            try RenderTestSupport.render(.routing(crowded), plan, options: RenderOptions(labels: mode)).1
                .withClass("label").filter { $0.attributes["data-for"] == "customer" }.count
        }
        XCTAssertEqual(try labels(.always), 10)
        XCTAssertEqual(try labels(.never), 0)
        let auto = try labels(.auto)
        XCTAssertGreaterThan(auto, 0)
        XCTAssertLessThan(auto, 10, "labels that would overlap are left out")
    }

    func testAThousandCustomersRenderWithoutLabels() throws {
        let big = Self.thousandCustomers()
        let plan = Self.sweepPlan(big, routeSize: 20)
        let started = Date()
        let (text, svg) = try RenderTestSupport.render(.routing(big), plan)
        XCTAssertLessThan(Date().timeIntervalSince(started), 10)
        XCTAssertEqual(svg.withClass("route").count, 50)
        XCTAssertEqual(svg.withClass("customer").count, 1000)
        XCTAssertEqual(svg.withClass("label").count, 0, "no labels by default at this size")
        XCTAssertEqual(svg.legendLine("customers"), "Customers: 1000 served, 0 unassigned")
        XCTAssertNotNil(svg.elements.first { $0.attributes["data-key"] == "more" }, "the route list is cut to the legend's room")
        XCTAssertLessThan(text.utf8.count, 1_000_000)
        let stroke = Double(svg.elements.first { $0.classes.contains("routes") }?.attributes["stroke-width"] ?? "") ?? 99
        XCTAssertLessThanOrEqual(stroke, 1, "thin lines")
    }

    func testOutputIsDeterministic() throws {
        let big = Self.thousandCustomers()
        let plan = Self.sweepPlan(big, routeSize: 25)
        XCTAssertEqual(try PlanRenderer.svg(problem: .routing(big), plan: plan), try PlanRenderer.svg(problem: .routing(big), plan: plan))
    }

    func testPlanAndProblemMustAgree() {
        let allocationPlan = Plan(kind: .allocation, status: .feasible, objective: 0, stats: RenderTestSupport.stats())
        XCTAssertThrowsError(try PlanRenderer.svg(problem: .routing(problem), plan: allocationPlan)) { error in
            XCTAssertEqual(error as? RenderError, .kindMismatch(problem: .routing, plan: .allocation))
            XCTAssertEqual("\(error)", "the plan is an allocation plan but the problem is a routing problem")
        }
        var unknown = handPlan()
        unknown.routes![0].stops[1].customer = "zz"
        XCTAssertThrowsError(try PlanRenderer.svg(problem: .routing(problem), plan: unknown)) { error in
            XCTAssertEqual((error as? RenderError)?.description, "routes[0].stops[1].customer: names unknown customer \"zz\"")
        }
        var badDepot = handPlan()
        badDepot.routes![1].endDepot = "nowhere"
        XCTAssertThrowsError(try PlanRenderer.svg(problem: .routing(problem), plan: badDepot)) { error in
            XCTAssertEqual((error as? RenderError)?.description, "routes[1].endDepot: names unknown depot \"nowhere\"")
        }
    }

    func testOptionsOutOfRangeAreRefused() {
        XCTAssertThrowsError(try PlanRenderer.svg(problem: .routing(problem), plan: handPlan(), options: RenderOptions(width: 10))) { error in
            guard case .invalidOptions? = error as? RenderError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try PlanRenderer.svg(problem: .routing(problem), plan: handPlan(), options: RenderOptions(height: .nan)))
    }

    // MARK: - A large instance

    /// 1,000 customers in clusters round one depot.
    static func thousandCustomers() -> RoutingProblem {
        var random = SplitMix64(seed: 7)
        let centres = (0..<8).map { _ in (random.unit() * 1000, random.unit() * 1000) }
        let customers = (0..<1000).map { i -> Customer in
            let (cx, cy) = i % 3 == 0 ? (random.unit() * 1000, random.unit() * 1000) : centres[i % 8]
            let x = i % 3 == 0 ? cx : cx + (random.unit() - 0.5) * 160
            let y = i % 3 == 0 ? cy : cy + (random.unit() - 0.5) * 160
            return Customer(id: "c\(i)", location: .planar(x: x, y: y), demand: [1])
        }
        return RoutingProblem(depots: [Depot(id: "depot", location: .planar(x: 500, y: 500))],
                              vehicleTypes: [VehicleType(id: "truck", count: 100, capacity: [40])], customers: customers)
    }

    /// Routes of `routeSize` customers taken in order of angle round the depot.
    static func sweepPlan(_ problem: RoutingProblem, routeSize: Int) -> Plan {
        guard case let .planar(dx, dy) = problem.depots[0].location else { fatalError() }
        let angle = problem.customers.map { c -> Double in
            guard case let .planar(x, y) = c.location else { return 0 }
            return atan2(y - dy, x - dx)
        }
        let order = problem.customers.indices.sorted { angle[$0] < angle[$1] }
        var plan = Plan(kind: .routing, status: .feasible, objective: 0, stats: RenderTestSupport.stats())
        plan.routes = stride(from: 0, to: order.count, by: routeSize).enumerated().map { r, start in
            let stops = order[start..<min(start + routeSize, order.count)].map {
                StopPlan(customer: problem.customers[$0].id, arrival: 0, start: 0, departure: 0)
            }
            return RoutePlan(vehicleType: "truck", vehicle: r, depot: "depot", endDepot: "depot", stops: stops, departure: 0,
                             returnTime: 0, distance: 100, duration: 0, load: [Double(stops.count)], cost: 100)
        }
        plan.objective = Double(plan.routes!.count) * 100
        plan.unassigned = []
        return plan
    }
}
