import HaulCore
import HaulRouting

/// Maps a ``RoutingProblem`` to the solver's dense model and the solver's routes back to a ``Plan``.
///
/// Nodes: the depots first, in document order, then the customers.
struct RoutingPlanning {
    let problem: RoutingProblem
    let model: RoutingModel
    /// For each vehicle slot: its type index and its ordinal within the type.
    let slots: [(type: Int, ordinal: Int)]

    init(_ problem: RoutingProblem) {
        self.problem = problem
        let depotCount = problem.depots.count
        let locations = problem.depots.map(\.location) + problem.customers.map(\.location)
        let (distance, duration) = problem.travel.matrices(for: locations)
        let dimensions = problem.dimensions ?? 1
        var demand = [Double](repeating: 0, count: locations.count * dimensions)
        var service = [Double](repeating: 0, count: locations.count)
        var ready = [Double](repeating: 0, count: locations.count)
        var due = [Double](repeating: .infinity, count: locations.count)
        for (i, depot) in problem.depots.enumerated() {
            if let w = depot.timeWindow { ready[i] = w.start; due[i] = w.end }
        }
        for (k, customer) in problem.customers.enumerated() {
            let node = depotCount + k
            for d in 0..<dimensions { demand[node * dimensions + d] = customer.demand[d] }
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
                vehicles.append(RoutingVehicle(startNode: start, endNode: end, capacity: type.capacity,
                                               fixedCost: type.fixedCost, costPerDistance: type.costPerDistance,
                                               shiftStart: shiftStart.isFinite ? shiftStart : 0, shiftEnd: shiftEnd,
                                               maxDistance: type.maxDistance, maxDuration: type.maxDuration, typeIndex: t))
                slots.append((t, ordinal))
            }
        }
        self.slots = slots
        self.model = RoutingModel(nodeCount: locations.count, distance: distance, duration: duration, dimensions: dimensions,
                                  demand: demand, serviceTime: service, readyTime: ready, dueTime: due,
                                  customers: Array(depotCount..<locations.count), vehicles: vehicles)
    }

    func plan(from solution: RoutingSolution) -> Plan {
        let depotCount = problem.depots.count
        let status: PlanStatus = solution.unassigned.isEmpty ? .feasible : .infeasible
        var plan = Plan(kind: .routing, status: status, objective: solution.cost,
                        stats: PlanStats(seconds: solution.seconds, iterations: solution.iterations,
                                         solver: "savings + local search + ruin-and-recreate"))
        plan.routes = solution.routes.map { route in
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
                             load: route.load, cost: vehicle.fixedCost + vehicle.costPerDistance * route.distance)
        }
        plan.unassigned = solution.unassigned.map { problem.customers[$0 - depotCount].id }
        if !solution.unassigned.isEmpty {
            plan.message = "\(solution.unassigned.count) customer(s) could not be served within capacity, time windows and fleet size"
        }
        return plan
    }
}
