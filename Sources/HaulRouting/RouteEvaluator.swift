/// Evaluates routes and solutions directly from a ``RoutingModel``, independently of the search.
///
/// Used by checkers and by callers that build or edit routes themselves. Comparisons allow a
/// relative tolerance of `1e-6` (the solver itself works with a much smaller one).
public enum RouteEvaluator {
    /// Relative tolerance of the feasibility checks.
    public static let tolerance = 1e-6

    @inline(__always)
    static func slack(_ bound: Double) -> Double { tolerance * max(1, abs(bound)) }

    /// Computes the schedule, distance and load of a vehicle driving `stops` in order, and lists
    /// every constraint the route violates (an empty list means the route is feasible).
    ///
    /// The route departs at the latest time that does not make it return later than departing at
    /// `max(shiftStart, readyTime[startNode])` would (so waiting, and the duration, are minimal).
    ///
    /// - Parameters:
    ///   - model: The model.
    ///   - vehicle: Index into `model.vehicles`.
    ///   - stops: Customer nodes in visiting order, depots excluded.
    /// - Returns: The planned route and the violations found.
    public static func evaluate(model: RoutingModel, vehicle: Int, stops: [Int]) -> (PlannedRoute, violations: [String]) {
        let dims = max(model.dimensions, 1)
        var route = PlannedRoute(
            vehicle: vehicle, stops: stops, arrival: [], serviceStart: [],
            departure: 0, returnTime: 0, distance: 0, load: Array(repeating: 0, count: dims))
        guard vehicle >= 0 && vehicle < model.vehicles.count else {
            return (route, ["vehicle \(vehicle) does not exist"])
        }
        let n = model.nodeCount
        if let bad = stops.first(where: { $0 < 0 || $0 >= n }) {
            return (route, ["stop \(bad) is not a node of the model"])
        }
        var violations: [String] = []
        let v = model.vehicles[vehicle]
        if Set(stops).count != stops.count { violations.append("vehicle \(vehicle) visits a node twice") }
        if stops.contains(v.startNode) || stops.contains(v.endNode) {
            violations.append("vehicle \(vehicle) lists its own depot as a stop")
        }

        // Load.
        for s in stops {
            for d in 0..<dims { route.load[d] += model.demand[s * dims + d] }
        }
        for d in 0..<dims {
            let cap = d < v.capacity.count ? v.capacity[d] : 0
            if route.load[d] > cap + slack(cap) {
                violations.append("vehicle \(vehicle): load \(route.load[d]) exceeds capacity \(cap) in dimension \(d)")
            }
        }

        // Distance.
        var dist = 0.0
        var prev = v.startNode
        for s in stops {
            dist += model.distance[prev * n + s]
            prev = s
        }
        dist += model.distance[prev * n + v.endNode]
        route.distance = dist
        if let m = v.maxDistance, dist > m + slack(m) {
            violations.append("vehicle \(vehicle): distance \(dist) exceeds maxDistance \(m)")
        }

        // Schedule: forward pass from the earliest departure.
        let earliest = max(v.shiftStart, model.readyTime[v.startNode])
        let latestDeparture = min(v.shiftEnd, model.dueTime[v.startNode])
        let latestReturn = min(v.shiftEnd, model.dueTime[v.endNode])
        var arrival = [Double](repeating: 0, count: stops.count)
        var start = [Double](repeating: 0, count: stops.count)
        func forward(from departure: Double) -> Double {
            var t = departure
            var at = v.startNode
            for (k, s) in stops.enumerated() {
                let a = t + model.duration[at * n + s]
                arrival[k] = a
                start[k] = max(a, model.readyTime[s])
                t = start[k] + model.serviceTime[s]
                at = s
            }
            return t + model.duration[at * n + v.endNode]
        }
        var returnTime = forward(from: earliest)
        var timeFeasible = true
        if earliest > latestDeparture + slack(latestDeparture) {
            timeFeasible = false
            violations.append("vehicle \(vehicle): earliest departure \(earliest) is after latest departure \(latestDeparture)")
        }
        for (k, s) in stops.enumerated() where start[k] > model.dueTime[s] + slack(model.dueTime[s]) {
            timeFeasible = false
            violations.append("vehicle \(vehicle): service at node \(s) starts at \(start[k]) after its due time \(model.dueTime[s])")
        }
        if returnTime > latestReturn + slack(latestReturn) {
            timeFeasible = false
            violations.append("vehicle \(vehicle): returns at \(returnTime) after \(latestReturn)")
        }
        var departure = earliest
        if timeFeasible && !stops.isEmpty {
            // Delay the departure by as much as the waiting allows without returning later.
            var waited = 0.0
            var delay = latestDeparture - earliest
            for (k, s) in stops.enumerated() {
                waited += start[k] - arrival[k]
                delay = min(delay, waited + model.dueTime[s] - start[k])
            }
            delay = max(0, min(delay, waited))
            if delay > 0 {
                departure = earliest + delay
                returnTime = forward(from: departure)
            }
        }
        route.arrival = arrival
        route.serviceStart = start
        route.departure = departure
        route.returnTime = returnTime
        if let m = v.maxDuration, returnTime - departure > m + slack(m) {
            violations.append("vehicle \(vehicle): duration \(returnTime - departure) exceeds maxDuration \(m)")
        }
        return (route, violations)
    }

    /// The cost of a route: 0 if it has no stops, else `fixedCost + costPerDistance * distance`.
    public static func cost(model: RoutingModel, route: PlannedRoute) -> Double {
        guard !route.stops.isEmpty, route.vehicle >= 0, route.vehicle < model.vehicles.count else { return 0 }
        let v = model.vehicles[route.vehicle]
        return v.fixedCost + v.costPerDistance * route.distance
    }

    /// Checks a whole solution against the model: every customer served exactly once or listed as
    /// unassigned, each vehicle used at most once, every route feasible, and the reported distance
    /// and cost equal to the recomputed ones. Returns the problems found (empty if none).
    public static func check(model: RoutingModel, solution: RoutingSolution) -> [String] {
        var problems: [String] = []
        var count = [Int](repeating: 0, count: max(model.nodeCount, 0))
        var isCustomer = [Bool](repeating: false, count: max(model.nodeCount, 0))
        for c in model.customers where c >= 0 && c < model.nodeCount { isCustomer[c] = true }
        var usedVehicle = Set<Int>()
        var cost = 0.0
        var distance = 0.0
        for route in solution.routes {
            if !usedVehicle.insert(route.vehicle).inserted { problems.append("vehicle \(route.vehicle) has two routes") }
            let (planned, violations) = evaluate(model: model, vehicle: route.vehicle, stops: route.stops)
            problems += violations
            for s in route.stops where s >= 0 && s < model.nodeCount {
                count[s] += 1
                if !isCustomer[s] { problems.append("node \(s) is visited but is not a customer") }
            }
            cost += RouteEvaluator.cost(model: model, route: planned)
            distance += planned.distance
        }
        for u in solution.unassigned where u >= 0 && u < model.nodeCount { count[u] += 1 }
        for c in model.customers where c >= 0 && c < model.nodeCount && count[c] != 1 {
            problems.append("customer \(c) is served or listed \(count[c]) times")
        }
        if abs(cost - solution.cost) > slack(cost) {
            problems.append("reported cost \(solution.cost) differs from recomputed cost \(cost)")
        }
        if abs(distance - solution.distance) > slack(distance) {
            problems.append("reported distance \(solution.distance) differs from recomputed distance \(distance)")
        }
        return problems
    }
}
