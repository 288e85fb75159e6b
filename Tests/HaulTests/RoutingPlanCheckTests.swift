import Foundation
import XCTest
import Haul

/// Recomputes a routing plan from the problem with its own distance code, independent of the solver.
enum RoutingPlanChecker {
    static func distance(_ a: Location, _ b: Location, _ travel: TravelModel) -> Double {
        switch (a, b) {
        case let (.planar(x1, y1), .planar(x2, y2)):
            return hypot(x1 - x2, y1 - y2)
        case let (.geographic(la1, lo1), .geographic(la2, lo2)):
            // Spherical law of cosines; agrees with haversine to well under a metre at city scale.
            let r = Double.pi / 180
            let c = sin(la1 * r) * sin(la2 * r) + cos(la1 * r) * cos(la2 * r) * cos((lo2 - lo1) * r)
            return 6371.0088 * acos(min(1, max(-1, c)))
        case let (.matrixIndex(i), .matrixIndex(j)):
            return travel.distances![i][j]
        default:
            return .nan
        }
    }

    static func check(_ p: RoutingProblem, _ plan: Plan) -> (errors: [String], cost: Double) {
        var errors: [String] = []
        var cost = 0.0
        var visits: [String: Int] = [:]
        let customers = Dictionary(uniqueKeysWithValues: p.customers.map { ($0.id, $0) })
        let depots = Dictionary(uniqueKeysWithValues: p.depots.map { ($0.id, $0) })
        var used: [String: Set<Int>] = [:]
        for route in plan.routes ?? [] {
            guard let type = p.vehicleTypes.first(where: { $0.id == route.vehicleType }), let depot = depots[route.depot],
                  let end = depots[route.endDepot] else { errors.append("unknown type or depot"); continue }
            if route.vehicle >= type.count || used[type.id, default: []].contains(route.vehicle) { errors.append("vehicle \(type.id)#\(route.vehicle) invalid or reused") }
            used[type.id, default: []].insert(route.vehicle)
            var time = max(route.departure, type.shift?.start ?? -.infinity)
            if let w = depot.timeWindow, time < w.start - 1e-6 { errors.append("leaves \(depot.id) before it opens") }
            var at = depot.location
            var load = [Double](repeating: 0, count: type.capacity.count)
            var length = 0.0
            for stop in route.stops {
                guard let c = customers[stop.customer] else { errors.append("unknown customer \(stop.customer)"); continue }
                visits[c.id, default: 0] += 1
                let d = distance(at, c.location, p.travel)
                length += d
                time += d / p.travel.speed
                if abs(time - stop.arrival) > 1e-6 { errors.append("\(c.id): arrival \(stop.arrival), recomputed \(time)") }
                time = max(time, c.timeWindow?.start ?? time)
                if let w = c.timeWindow, time > w.end + 1e-6 { errors.append("\(c.id) served late at \(time) > \(w.end)") }
                time += c.serviceTime
                for k in load.indices { load[k] += c.demand[k] }
                at = c.location
            }
            let back = distance(at, end.location, p.travel)
            length += back
            time += back / p.travel.speed
            if let s = type.shift, time > s.end + 1e-6 { errors.append("\(type.id) back at \(time) after shift end \(s.end)") }
            if let w = end.timeWindow, time > w.end + 1e-6 { errors.append("back at \(end.id) after it closes") }
            if zip(load, type.capacity).contains(where: { $0 > $1 + 1e-9 }) { errors.append("\(type.id) overloaded: \(load)") }
            if let m = type.maxDistance, length > m + 1e-6 { errors.append("\(type.id) route longer than maxDistance") }
            if let m = type.maxDuration, time - route.departure > m + 1e-6 { errors.append("\(type.id) route longer than maxDuration") }
            if abs(length - route.distance) > 1e-6 { errors.append("route distance \(route.distance), recomputed \(length)") }
            cost += type.fixedCost + type.costPerDistance * length
        }
        for c in p.customers {
            let n = visits[c.id, default: 0] + ((plan.unassigned ?? []).contains(c.id) ? 1 : 0)
            if n != 1 { errors.append("customer \(c.id) appears \(n) times") }
        }
        return (errors, cost)
    }
}

final class RoutingPlanCheckTests: XCTestCase {
    func testExamplePlansPassTheIndependentChecker() async throws {
        for name in ["routing-small", "routing-city"] {
            let url = FacadeTests.examples.appendingPathComponent("\(name).json")
            let document = try ProblemDocument.decode(Data(contentsOf: url))
            guard case let .routing(problem) = document.problem else { return XCTFail(name) }
            let plan = try await solve(problem, options: SolveOptions(timeLimit: 1))
            let check = RoutingPlanChecker.check(problem, plan)
            XCTAssertEqual(check.errors, [], name)
            XCTAssertEqual(plan.unassigned, [], name)
            XCTAssertEqual(plan.objective, check.cost, accuracy: 1e-6, name)
        }
    }

    func testTwoDepotsAndTwoDimensionsFromJSON() async throws {
        let text = """
        {"kind": "routing",
         "depots": [{"id": "W", "location": {"x": 0, "y": 0}}, {"id": "E", "location": {"x": 100, "y": 0}}],
         "vehicleTypes": [{"id": "w", "count": 1, "capacity": [10, 10], "depot": "W"},
                          {"id": "e", "count": 1, "capacity": [10, 10], "depot": "E"}],
         "customers": [{"id": "a", "location": {"x": 5, "y": 0}, "demand": [5, 1]},
                       {"id": "b", "location": {"x": 10, "y": 0}, "demand": [5, 1]},
                       {"id": "c", "location": {"x": 95, "y": 0}, "demand": [1, 9]},
                       {"id": "d", "location": {"x": 90, "y": 0}, "demand": [1, 1]}]}
        """
        guard case let .routing(p) = try ProblemDocument.decode(Data(text.utf8)).problem else { return XCTFail() }
        let plan = try await solve(p, options: SolveOptions(timeLimit: 0.5))
        let check = RoutingPlanChecker.check(p, plan)
        XCTAssertEqual(check.errors, [])
        XCTAssertEqual(plan.objective, 40, accuracy: 1e-6)  // each depot serves its own side: 2*10 + 2*10
        XCTAssertEqual(Set(plan.routes!.map(\.depot)), ["W", "E"])
    }
}
