import HaulCore

/// Checks a routing plan against its problem from first principles: the routes' customers,
/// vehicles and depots, every stated time, distance, load and cost, and the objective, all
/// recomputed from the problem's locations and travel model.
///
/// Times are checked as stated: the first arrival is the departure plus the travel time, service
/// starts no earlier than the arrival and inside the customer's window, the vehicle leaves after
/// the service time, and so on to the return. A plan may depart later than the earliest moment
/// (to avoid waiting) but never before the shift or the depot opens.
public enum RoutingCheck {
    public static func check(_ problem: RoutingProblem, _ plan: Plan) -> CheckReport {
        var violations: [CheckViolation] = []
        func fail(_ path: String, _ rule: String) { violations.append(CheckViolation(path: path, rule: rule)) }
        if plan.kind != .routing { fail("kind", "the plan is a \(plan.kind.rawValue) plan, the problem a routing problem") }

        var customerIndex: [String: Int] = [:]
        for (i, c) in problem.customers.enumerated() where customerIndex[c.id] == nil { customerIndex[c.id] = i }
        var depotIndex: [String: Int] = [:]
        for (i, d) in problem.depots.enumerated() where depotIndex[d.id] == nil { depotIndex[d.id] = i }
        var typeIndex: [String: Int] = [:]
        for (i, t) in problem.vehicleTypes.enumerated() where typeIndex[t.id] == nil { typeIndex[t.id] = i }

        var servedAt = [String?](repeating: nil, count: problem.customers.count)
        var vehiclesUsed = Set<String>()
        var objective = 0.0
        for (r, route) in (plan.routes ?? []).enumerated() {
            let path = "routes[\(r)]"
            guard let t = typeIndex[route.vehicleType] else {
                fail("\(path).vehicleType", "\"\(route.vehicleType)\" is not a vehicle type of the problem")
                continue
            }
            let type = problem.vehicleTypes[t]
            if route.vehicle < 0 || route.vehicle >= type.count {
                fail("\(path).vehicle", "must be between 0 and \(type.count - 1): type \"\(type.id)\" has \(type.count) vehicle(s)")
            }
            if !vehiclesUsed.insert("\(t)#\(route.vehicle)").inserted {
                fail("\(path).vehicle", "vehicle \(route.vehicle) of type \"\(type.id)\" drives more than one route")
            }
            guard !problem.depots.isEmpty else { fail(path, "the problem has no depot"); continue }
            let startID = type.depot ?? problem.depots[0].id
            let endID = type.endDepot ?? startID
            guard let start = depotIndex[startID], let end = depotIndex[endID] else {
                fail(path, "the vehicle type's depot is not a depot of the problem")
                continue
            }
            if route.depot != startID { fail("\(path).depot", "is \"\(route.depot)\"; vehicle type \"\(type.id)\" starts at \"\(startID)\"") }
            if route.endDepot != endID { fail("\(path).endDepot", "is \"\(route.endDepot)\"; vehicle type \"\(type.id)\" ends at \"\(endID)\"") }

            var stops: [Customer] = []
            var stopIndices: [Int] = []
            for (k, stop) in route.stops.enumerated() {
                guard let i = customerIndex[stop.customer] else {
                    fail("\(path).stops[\(k)].customer", "\"\(stop.customer)\" is not a customer of the problem")
                    continue
                }
                if let first = servedAt[i] {
                    fail("\(path).stops[\(k)].customer", "\"\(stop.customer)\" is already served at \(first)")
                } else {
                    servedAt[i] = "\(path).stops[\(k)]"
                }
                stops.append(problem.customers[i])
                stopIndices.append(i)
            }
            guard stops.count == route.stops.count else { continue }

            // Load.
            var load = [Double](repeating: 0, count: type.capacity.count)
            for c in stops { for d in load.indices where d < c.demand.count { load[d] += c.demand[d] } }
            for d in load.indices where exceeds(load[d], type.capacity[d]) {
                fail("\(path).load", "dimension \(d): load \(load[d]) exceeds the capacity \(type.capacity[d]) of \"\(type.id)\"")
            }
            if route.load.count != load.count || zip(route.load, load).contains(where: { !agrees($0, $1) }) {
                fail("\(path).load", "states \(route.load), recomputed \(load)")
            }

            // Distance.
            let places = [problem.depots[start].location] + stops.map(\.location) + [problem.depots[end].location]
            var distance = 0.0
            for k in 0..<(places.count - 1) { distance += problem.travel.distance(places[k], places[k + 1]) }
            if !agrees(route.distance, distance) { fail("\(path).distance", "states \(route.distance), recomputed \(distance)") }
            if let limit = type.maxDistance, exceeds(distance, limit) {
                fail("\(path).distance", "\(distance) exceeds the maximum distance \(limit) of \"\(type.id)\"")
            }

            // Schedule, as stated.
            let opens = max(type.shift?.start ?? -.infinity, problem.depots[start].timeWindow?.start ?? -.infinity)
            let lastDeparture = min(type.shift?.end ?? .infinity, problem.depots[start].timeWindow?.end ?? .infinity)
            let lastReturn = min(type.shift?.end ?? .infinity, problem.depots[end].timeWindow?.end ?? .infinity)
            if opens.isFinite && below(route.departure, opens) {
                fail("\(path).departure", "\(route.departure) is before the shift or depot opens at \(opens)")
            }
            if exceeds(route.departure, lastDeparture) {
                fail("\(path).departure", "\(route.departure) is after the shift or depot closes at \(lastDeparture)")
            }
            var leave = route.departure
            var at = problem.depots[start].location
            for (k, c) in stops.enumerated() {
                let stop = route.stops[k], stopPath = "\(path).stops[\(k)]"
                let arrival = leave + problem.travel.duration(at, c.location)
                if !agrees(stop.arrival, arrival) { fail("\(stopPath).arrival", "states \(stop.arrival), recomputed \(arrival)") }
                if below(stop.start, arrival) { fail("\(stopPath).start", "service starts at \(stop.start), before the arrival at \(arrival)") }
                if let window = c.timeWindow {
                    if below(stop.start, window.start) { fail("\(stopPath).start", "\(stop.start) is before the window of \"\(c.id)\" opens at \(window.start)") }
                    if exceeds(stop.start, window.end) { fail("\(stopPath).start", "\(stop.start) is after the window of \"\(c.id)\" closes at \(window.end)") }
                }
                if !agrees(stop.departure, stop.start + c.serviceTime) {
                    fail("\(stopPath).departure", "states \(stop.departure), expected the start \(stop.start) plus the service time \(c.serviceTime)")
                }
                leave = stop.departure
                at = c.location
            }
            let back = leave + problem.travel.duration(at, problem.depots[end].location)
            if !agrees(route.returnTime, back) { fail("\(path).returnTime", "states \(route.returnTime), recomputed \(back)") }
            if exceeds(back, lastReturn) { fail("\(path).returnTime", "\(back) is after the shift or depot closes at \(lastReturn)") }
            let duration = back - route.departure
            if !agrees(route.duration, duration) { fail("\(path).duration", "states \(route.duration), recomputed \(duration)") }
            if let limit = type.maxDuration, exceeds(duration, limit) {
                fail("\(path).duration", "\(duration) exceeds the maximum duration \(limit) of \"\(type.id)\"")
            }

            // Cost.
            let cost = stops.isEmpty ? 0 : type.fixedCost + type.costPerDistance * distance
            if !agrees(route.cost, cost) { fail("\(path).cost", "states \(route.cost), recomputed \(cost)") }
            objective += cost

            // Loading of the customers' items.
            checkLoading(problem, route: route, type: t, customers: stopIndices, path: path, fail: fail)
        }

        // Every customer served once or listed as unassigned.
        var unassigned = Set<String>()
        for (k, id) in (plan.unassigned ?? []).enumerated() {
            guard let i = customerIndex[id] else { fail("unassigned[\(k)]", "\"\(id)\" is not a customer of the problem"); continue }
            if let at = servedAt[i] { fail("unassigned[\(k)]", "\"\(id)\" is served at \(at)") }
            unassigned.insert(id)
        }
        for (i, c) in problem.customers.enumerated() where servedAt[i] == nil && !unassigned.contains(c.id) {
            fail("routes", "customer \"\(c.id)\" is neither served nor listed in unassigned")
        }
        if !unassigned.isEmpty && (plan.status == .feasible || plan.status == .optimal) {
            fail("status", "is \(plan.status.rawValue) but \(unassigned.count) customer(s) are unassigned")
        }
        checkObjective(plan, recomputed: objective, into: &violations)
        return CheckReport(violations: violations, recomputedObjective: objective)
    }
}

extension RoutingCheck {
    /// The placements of one route: the items of exactly its customers, each placed once inside
    /// the cargo space of its vehicle type, without overlap, supported, fragile under fragile
    /// only, within load-bearing limits and, unless `loading.unloadingOrder` is false, unloadable
    /// in the reverse of the visiting order. With `loading.enforce`, a route with items must have
    /// placements.
    static func checkLoading(_ problem: RoutingProblem, route: RoutePlan, type t: Int, customers: [Int], path: String,
                             fail: (String, String) -> Void) {
        let loading = problem.routeLoadingProblem(vehicleType: t, customers: customers)
        guard let placements = route.placements else {
            if problem.loadingOptions.enforce && !loading.items.isEmpty {
                fail("\(path).placements", "missing: the route's customers have \(loading.items.count) item(s) and the problem enforces loading")
            }
            return
        }
        guard let space = problem.vehicleTypes[t].cargoSpace else {
            if !placements.isEmpty { fail("\(path).placements", "vehicle type \"\(problem.vehicleTypes[t].id)\" has no cargoSpace") }
            return
        }
        var itemIndex: [String: Int] = [:]
        for (k, item) in loading.items.enumerated() where itemIndex[item.id] == nil { itemIndex[item.id] = k }
        PlacementRules(problem: loading, space: space, ranks: loading.stopRanks, itemIndex: itemIndex, path: path,
                       scope: "the route's customers")
            .check(placements, onBoard: Array(loading.items.indices), fail: fail)
    }
}

/// Whether `value` is above `bound` by more than the tolerance.
func exceeds(_ value: Double, _ bound: Double) -> Bool {
    value > bound + checkTolerance * max(1, abs(bound))
}

/// Whether `value` is below `bound` by more than the tolerance.
func below(_ value: Double, _ bound: Double) -> Bool {
    value < bound - checkTolerance * max(1, abs(bound))
}

/// The plan's objective, bound and gap against the recomputed objective.
func checkObjective(_ plan: Plan, recomputed: Double, into violations: inout [CheckViolation]) {
    let solved = plan.status == .feasible || plan.status == .optimal || plan.status == .infeasible
    if solved && !agrees(plan.objective, recomputed) {
        violations.append(CheckViolation(path: "objective", rule: "states \(plan.objective), recomputed \(recomputed)"))
    }
    if let bound = plan.bound, solved, exceeds(bound, recomputed) {
        violations.append(CheckViolation(path: "bound", rule: "the lower bound \(bound) exceeds the recomputed objective \(recomputed)"))
    }
}
