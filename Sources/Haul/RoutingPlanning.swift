import HaulCore
import HaulLoading
import HaulRouting

/// Maps a ``RoutingProblem`` to the solver's dense model and the solver's routes back to a ``Plan``.
///
/// Nodes: the depots first, in document order, then the customers.
///
/// With customers' items and loading enforced, the model gets one more capacity dimension, the
/// items' volume against the cargo space's, and the search a route test: the route's items must
/// be placed by ``RouteLoader`` (see ``routeFeasibility(seed:)``).
struct RoutingPlanning {
    let problem: RoutingProblem
    let model: RoutingModel
    /// For each vehicle slot: its type index and its ordinal within the type.
    let slots: [(type: Int, ordinal: Int)]
    /// The problem's own capacity dimensions (the model may have one more, for volume).
    let dimensions: Int
    /// Whether routes are loaded (some customer has items), and whether loading is a constraint.
    let loads: Bool
    let enforcesLoading: Bool

    /// Packings the route test tries before it rejects a route (see ``RouteLoader``).
    static let searchEffort = RouteLoader.defaultEffort
    /// Packings tried for each route of the plan when loading is not enforced.
    static let planEffort = 400

    init(_ problem: RoutingProblem) {
        self.problem = problem
        let depotCount = problem.depots.count
        let locations = problem.depots.map(\.location) + problem.customers.map(\.location)
        let (distance, duration) = problem.travel.matrices(for: locations)
        let own = problem.dimensions ?? 1
        dimensions = own
        loads = problem.hasItems
        enforcesLoading = loads && problem.loadingOptions.enforce
        let dimensions = own + (enforcesLoading ? 1 : 0)
        var demand = [Double](repeating: 0, count: locations.count * dimensions)
        var service = [Double](repeating: 0, count: locations.count)
        var ready = [Double](repeating: 0, count: locations.count)
        var due = [Double](repeating: .infinity, count: locations.count)
        for (i, depot) in problem.depots.enumerated() {
            if let w = depot.timeWindow { ready[i] = w.start; due[i] = w.end }
        }
        for (k, customer) in problem.customers.enumerated() {
            let node = depotCount + k
            for d in 0..<own { demand[node * dimensions + d] = customer.demand[d] }
            if enforcesLoading { demand[node * dimensions + own] = (customer.items ?? []).reduce(0) { $0 + $1.volume } }
            service[node] = customer.serviceTime
            if let w = customer.timeWindow { ready[node] = w.start; due[node] = w.end }
        }
        let depotIndex = Dictionary(problem.depots.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        var vehicles: [RoutingVehicle] = []
        var slots: [(Int, Int)] = []
        for (t, type) in problem.vehicleTypes.enumerated() {
            let start = type.depot.flatMap { depotIndex[$0] } ?? 0
            let end = type.endDepot.flatMap { depotIndex[$0] } ?? start
            let shiftStart = max(type.shift?.start ?? -.infinity, problem.depots[start].timeWindow?.start ?? -.infinity)
            let shiftEnd = min(type.shift?.end ?? .infinity, problem.depots[end].timeWindow?.end ?? .infinity)
            // More vehicles of a type than customers can never be used.
            for ordinal in 0..<min(type.count, max(problem.customers.count, 1)) {
                let capacity = enforcesLoading ? type.capacity + [type.cargoSpace?.volume ?? .infinity] : type.capacity
                vehicles.append(RoutingVehicle(startNode: start, endNode: end, capacity: capacity,
                                               fixedCost: type.fixedCost, costPerDistance: type.costPerDistance,
                                               shiftStart: shiftStart.isFinite ? shiftStart : 0, shiftEnd: shiftEnd,
                                               maxDistance: type.maxDistance, maxDuration: type.maxDuration, typeIndex: t))
                slots.append((t, ordinal))
            }
        }
        self.slots = slots
        var model = RoutingModel(nodeCount: locations.count, distance: distance, duration: duration, dimensions: dimensions,
                                 demand: demand, serviceTime: service, readyTime: ready, dueTime: due,
                                 customers: Array(depotCount..<locations.count), vehicles: vehicles)
        model.coordinates = Self.coordinates(of: locations)
        self.model = model
    }

    /// Flat `(x, y)` positions for the search's spatial guidance: planar locations as given,
    /// geographic ones as (longitude, latitude); `nil` when any location is a matrix row.
    static func coordinates(of locations: [Location]) -> [Double]? {
        var xy: [Double] = []
        xy.reserveCapacity(2 * locations.count)
        for location in locations {
            switch location {
            case let .planar(x, y): xy += [x, y]
            case let .geographic(lat, lon): xy += [lon, lat]
            case .matrixIndex: return nil
            }
        }
        return xy
    }

    /// The route test when loading is enforced: the items of the route's customers, in visiting
    /// order, are placed in the vehicle type's cargo space within ``searchEffort`` packings.
    func routeFeasibility(seed: UInt64) -> RouteFeasibility? {
        guard enforcesLoading else { return nil }
        let problem = self.problem
        let depotCount = problem.depots.count
        return { type, nodes in
            RouteLoader.place(problem.routeLoadingProblem(vehicleType: type, customers: nodes.map { $0 - depotCount }),
                              effort: RoutingPlanning.searchEffort, seed: seed) != nil
        }
    }

    /// The placements of one planned route (`nil` when they were not found).
    func placements(for route: PlannedRoute, seed: UInt64, isCancelled: @escaping @Sendable () -> Bool) -> [PlacementPlan]? {
        let loading = problem.routeLoadingProblem(vehicleType: model.vehicles[route.vehicle].typeIndex,
                                                  customers: route.stops.map { $0 - problem.depots.count })
        if enforcesLoading {
            // The very call the search's route test made: the same answer.
            return RouteLoader.place(loading, effort: RoutingPlanning.searchEffort, seed: seed)
        }
        return RouteLoader.place(loading, effort: RoutingPlanning.planEffort, seed: seed, isCancelled: isCancelled)
    }

    func plan(from solution: RoutingSolution, seed: UInt64 = 1, isCancelled: @escaping @Sendable () -> Bool = { false }) -> Plan {
        let depotCount = problem.depots.count
        var unassigned = solution.unassigned
        var kept = solution.routes
        var placed: [[PlacementPlan]?] = []
        var unloaded: [Int] = []
        if loads {
            kept = []
            for route in solution.routes {
                let found = placements(for: route, seed: seed, isCancelled: isCancelled)
                if found == nil && enforcesLoading {
                    // Not expected (the search keeps only routes that passed the test); never return one.
                    unassigned += route.stops
                    continue
                }
                if found == nil { unloaded.append(kept.count) }
                kept.append(route)
                placed.append(found)
            }
        }
        let cost = kept.count == solution.routes.count ? solution.cost
            : kept.reduce(0) { $0 + model.vehicles[$1.vehicle].fixedCost + model.vehicles[$1.vehicle].costPerDistance * $1.distance }
        let status: PlanStatus = unassigned.isEmpty ? .feasible : .infeasible
        var plan = Plan(kind: .routing, status: status, objective: cost,
                        stats: PlanStats(seconds: solution.seconds, iterations: solution.iterations,
                                         solver: (solution.engine == .hybridGenetic ? "hybrid genetic search (split, granular local search with SWAP*)"
                                                    : "savings + local search + ruin-and-recreate")
                                            + (enforcesLoading ? " with a 3D loading test per route" : loads ? " + 3D loading per route" : "")))
        plan.routes = kept.enumerated().map { index, route in
            let vehicle = model.vehicles[route.vehicle]
            let slot = slots[route.vehicle]
            let type = problem.vehicleTypes[slot.type]
            let stops = route.stops.enumerated().map { k, node in
                StopPlan(customer: problem.customers[node - depotCount].id, arrival: route.arrival[k],
                         start: route.serviceStart[k], departure: route.serviceStart[k] + model.serviceTime[node])
            }
            return RoutePlan(vehicleType: type.id, vehicle: slot.ordinal, depot: problem.depots[vehicle.startNode].id,
                             endDepot: problem.depots[vehicle.endNode].id, stops: stops, departure: route.departure,
                             returnTime: route.returnTime, distance: route.distance, duration: route.returnTime - route.departure,
                             load: Array(route.load.prefix(dimensions)), cost: vehicle.fixedCost + vehicle.costPerDistance * route.distance,
                             placements: loads ? placed[index] : nil)
        }
        plan.unassigned = unassigned.map { problem.customers[$0 - depotCount].id }
        var remarks: [String] = []
        if !unassigned.isEmpty {
            remarks.append("\(unassigned.count) customer(s) could not be served within capacity, "
                + (enforcesLoading ? "3D loading, " : "") + "time windows and fleet size")
        }
        if !unloaded.isEmpty {
            remarks.append("the items of route(s) \(unloaded.map { "routes[\($0)]" }.joined(separator: ", ")) could not be placed "
                + "(loading is not enforced; set loading.enforce to make it a constraint)")
        }
        if !remarks.isEmpty { plan.message = remarks.joined(separator: "; ") }
        return plan
    }
}
