import HaulCore

/// Chooses the vehicles to use and the items each carries, over weight, volume and pallet limits.
///
/// The first method: first-fit decreasing, tried with each vehicle type preferred in turn
/// (cheapest per unit of capacity first), keeping the cheapest packing; and a lower bound on the
/// vehicles' cost from HaulLP, which gives the plan its bound and gap.
public enum LoadingSolver {
    /// With `problem.placement`, every loaded item also gets a position (``PlacementSolver``).
    public static func solve(_ problem: LoadingProblem, options: SolveOptions = SolveOptions()) -> Plan {
        if problem.placement { return PlacementSolver.solve(problem, options: options) }
        let clock = Stopwatch()
        let types = problem.vehicleTypes
        let totalWeight = max(problem.items.reduce(0) { $0 + $1.weight }, 1e-12)
        let totalVolume = max(problem.items.reduce(0) { $0 + $1.volume }, 1e-12)
        let totalPallets = max(problem.items.reduce(0) { $0 + $1.pallets }, 1e-12)
        // Cost per share of the load a vehicle can carry: lower is more efficient.
        func efficiency(_ t: Int) -> Double {
            let w = min(types[t].weightLimit ?? totalWeight, totalWeight) / totalWeight
            let v = min(types[t].effectiveVolumeLimit ?? totalVolume, totalVolume) / totalVolume
            let p = min(types[t].maxPallets ?? totalPallets, totalPallets) / totalPallets
            return types[t].cost / max(min(w, v, p), 1e-12)
        }
        let byEfficiency = types.indices.sorted { efficiency($0) != efficiency($1) ? efficiency($0) < efficiency($1) : $0 < $1 }
        var orders = [byEfficiency]
        for t in types.indices where t != byEfficiency.first { orders.append([t] + byEfficiency.filter { $0 != t }) }
        orders.append(types.indices.sorted { types[$0].cost < types[$1].cost })
        var best: VehicleAssignment?
        var iterations = orders.count
        for (k, order) in orders.enumerated() {
            if k > 0 && (options.isCancelled() || clock.elapsed >= options.timeLimit) { break }
            let candidate = FirstFitDecreasing.pack(problem, typeOrder: order)
            if let b = best,
               (b.unassigned.count, b.cost(problem)) <= (candidate.unassigned.count, candidate.cost(problem)) { continue }
            best = candidate
            options.progress?(SolveProgress(elapsed: clock.elapsed, objective: candidate.cost(problem), phase: "first-fit decreasing"))
        }
        var packing = best ?? VehicleAssignment()
        var bound = VehicleCountBound.compute(problem, timeLimit: max(0.1, 0.2 * (options.timeLimit - clock.elapsed)))
        var solver = "first-fit decreasing + aggregate-capacity bound"
        // Column generation for a tighter bound and a better packing, while the gap is open.
        if packing.unassigned.isEmpty && problem.items.count <= ColumnGeneration.maxItems
            && (bound.map { packing.cost(problem) - $0 > 1e-9 * max(1, packing.cost(problem)) } ?? true)
            && clock.elapsed < options.timeLimit && !options.isCancelled() {
            let outcome = ColumnGeneration.run(problem, start: packing, deadline: options.timeLimit, clock: clock, isCancelled: options.isCancelled)
            if let b = outcome.bound { bound = max(bound ?? b, b) }
            if let a = outcome.assignment, a.cost(problem) < packing.cost(problem) - 1e-9 { packing = a }
            iterations += outcome.columns
            solver = "first-fit decreasing + column generation (set-covering LP, knapsack pricing, price-and-dive)"
            options.progress?(SolveProgress(elapsed: clock.elapsed, objective: packing.cost(problem), bound: bound, phase: "column generation"))
        }
        let cost = packing.cost(problem)
        bound = bound.map { min($0, cost) }
        let status: PlanStatus
        // Items left over prove infeasibility only when even the aggregate capacity of every vehicle falls short.
        if !packing.unassigned.isEmpty { status = lacksCapacity(problem) ? .infeasible : .timeLimit }
        else if let bound, cost - bound <= 1e-9 * max(1, abs(cost)) { status = .optimal }
        else { status = .feasible }
        var plan = Plan(kind: .loading, status: status, objective: cost, bound: packing.unassigned.isEmpty ? bound : nil,
                        stats: PlanStats(seconds: clock.elapsed, iterations: iterations, solver: solver))
        var ordinal = [Int](repeating: 0, count: types.count)
        let statesPallets = problem.usesPallets
        plan.vehicles = packing.bins.map { bin in
            defer { ordinal[bin.type] += 1 }
            return LoadedVehiclePlan(vehicleType: types[bin.type].id, vehicle: ordinal[bin.type],
                                     items: bin.items.map { problem.items[$0].id },
                                     weight: bin.weight, volume: bin.volume, cost: types[bin.type].cost,
                                     pallets: statesPallets ? bin.pallets : nil)
        }
        plan.unassigned = packing.unassigned.map { problem.items[$0].id }
        if !packing.unassigned.isEmpty {
            plan.message = status == .infeasible
                ? "\(packing.unassigned.count) item(s) cannot fit: the vehicles available lack the \(lackingCapacity(problem).joined(separator: " and ")) capacity"
                : "no complete packing found: \(packing.unassigned.count) item(s) were left over by first-fit decreasing"
        }
        return plan
    }

    /// Whether all vehicles together cannot carry the items' total weight, volume or pallets.
    static func lacksCapacity(_ problem: LoadingProblem) -> Bool { !lackingCapacity(problem).isEmpty }

    /// The measures ("weight", "volume", "pallet") whose total over the items exceeds the
    /// capacity of all the vehicles available together.
    static func lackingCapacity(_ problem: LoadingProblem) -> [String] {
        let types = problem.vehicleTypes.filter { $0.count > 0 }
        let measures: [(String, (LoadingItem) -> Double, (LoadingVehicleType) -> Double?)] = [
            ("weight", \.weight, \.weightLimit), ("volume", \.volume, \.effectiveVolumeLimit), ("pallet", \.pallets, \.maxPallets),
        ]
        return measures.compactMap { name, need, limit in
            let total = problem.items.reduce(0) { $0 + need($1) }
            let capacity = types.reduce(0.0) { $0 + Double($1.count) * (limit($1) ?? .infinity) }
            return total > capacity + 1e-9 ? name : nil
        }
    }
}
