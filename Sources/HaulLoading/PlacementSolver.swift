import HaulCore

/// Loading with 3D placement: vehicles are opened one at a time, each filled by
/// ``PlacementSearch`` with as much of the remaining volume as it can take.
///
/// The type of each new vehicle is the one with the lowest cost per share of the remaining load
/// it can carry. The time limit is shared among the vehicles still expected. The bound is the
/// aggregate weight/volume/pallet bound of ``VehicleCountBound`` (valid with placement too).
/// Each vehicle's packing keeps its type's weight, volume and pallet limits.
enum PlacementSolver {
    static func solve(_ problem: LoadingProblem, options: SolveOptions) -> Plan {
        let clock = Stopwatch()
        let types = problem.vehicleTypes
        let ranks = problem.stopRanks
        var remaining = Array(problem.items.indices)
        var used = [Int](repeating: 0, count: types.count)
        var useless = Set<Int>()     // types that could place none of the remaining items
        var vehicles: [(type: Int, ordinal: Int, result: PackResult, inst: PackingInstance)] = []
        var iterations = 0
        // Time kept for the vehicle-count bound at the end, a tiny integer program (one variable
        // per vehicle type) that GLPK solves in milliseconds: 5% of short limits, at most 0.1 s.
        let boundShare = min(0.1, 0.05 * options.timeLimit)
        let searchEnd = max(0, options.timeLimit - boundShare)
        while !remaining.isEmpty && !options.isCancelled() {
            let weight = remaining.reduce(0) { $0 + problem.items[$1].weight }
            let volume = remaining.reduce(0) { $0 + problem.items[$1].volume }
            let pallets = remaining.reduce(0) { $0 + problem.items[$1].pallets }
            func share(_ t: Int) -> Double {
                let w = weight > 0 ? min(1, (types[t].weightLimit ?? .infinity) / weight) : 1
                let v = volume > 0 ? min(1, (types[t].effectiveVolumeLimit ?? .infinity) / volume) : 1
                let p = pallets > 0 ? min(1, (types[t].maxPallets ?? .infinity) / pallets) : 1
                return max(min(w, v, p), 1e-12)
            }
            let candidates = types.indices.filter { used[$0] < types[$0].count && types[$0].cargoSpace != nil && !useless.contains($0) }
            guard let t = candidates.min(by: { (types[$0].cost / share($0), $0) < (types[$1].cost / share($1), $1) }) else { break }
            let space = types[t].cargoSpace!
            let fitting = remaining.filter { types[t].canCarry(problem.items[$0]) }
            let inst = PackingInstance(problem: problem, space: space, weightLimit: types[t].weightLimit, volumeLimit: types[t].volumeLimit,
                                       palletLimit: types[t].maxPallets, items: fitting, ranks: ranks)
            let available = types.indices.reduce(0) { $0 + (useless.contains($1) || types[$1].cargoSpace == nil ? 0 : types[$1].count - used[$1]) }
            let expected = max(1, min(available, Int((1 / share(t)).rounded(.up))))
            let deadline = clock.elapsed + max(0, searchEnd - clock.elapsed) / Double(expected)
            var search = PlacementSearch(inst, seed: options.seed &+ UInt64(vehicles.count), deadline: deadline, clock: clock,
                                         isCancelled: options.isCancelled)
            let baseCost = vehicles.reduce(0) { $0 + types[$1.type].cost }
            if let report = options.progress {
                search.onImprove = { v in
                    report(SolveProgress(elapsed: clock.elapsed, objective: baseCost + types[t].cost,
                                         phase: "placement: vehicle \(vehicles.count + 1), \(Int((100 * v / space.volume).rounded()))% full"))
                }
            }
            let result = search.run()
            iterations += search.iterations
            if result.boxes.isEmpty { useless.insert(t); continue }
            vehicles.append((t, used[t], result, inst))
            used[t] += 1
            let placed = Set(result.boxes.map { inst.itemIndex[$0.item] })
            remaining.removeAll { placed.contains($0) }
        }
        let cost = vehicles.reduce(0) { $0 + types[$1.type].cost }
        let bound = remaining.isEmpty
            ? VehicleCountBound.compute(problem, timeLimit: max(0.05, options.timeLimit - clock.elapsed)).map { min($0, cost) }
            : nil
        let status: PlanStatus
        if !remaining.isEmpty { status = LoadingSolver.lacksCapacity(problem) ? .infeasible : .timeLimit }
        else if let bound, cost - bound <= 1e-9 * max(1, abs(cost)) { status = .optimal }
        else { status = .feasible }
        var plan = Plan(kind: .loading, status: status, objective: cost, bound: bound,
                        stats: PlanStats(seconds: clock.elapsed, iterations: iterations,
                                         solver: "extreme-point placement + sequence local search + aggregate-capacity bound"))
        let statesPallets = problem.usesPallets
        plan.vehicles = vehicles.map { v in
            let boxes = v.result.boxes
            return LoadedVehiclePlan(
                vehicleType: types[v.type].id, vehicle: v.ordinal,
                items: boxes.map { problem.items[v.inst.itemIndex[$0.item]].id },
                weight: boxes.reduce(0) { $0 + problem.items[v.inst.itemIndex[$1.item]].weight },
                volume: boxes.reduce(0) { $0 + problem.items[v.inst.itemIndex[$1.item]].volume },
                cost: types[v.type].cost,
                pallets: statesPallets ? boxes.reduce(0) { $0 + problem.items[v.inst.itemIndex[$1.item]].pallets } : nil,
                placements: boxes.map { b in
                    PlacementPlan(item: problem.items[v.inst.itemIndex[b.item]].id, x: b.x, y: b.y, z: b.z, length: b.l, width: b.w, height: b.h)
                })
        }
        plan.unassigned = remaining.map { problem.items[$0].id }
        if !remaining.isEmpty {
            let volume = remaining.reduce(0) { $0 + problem.items[$1].volume }
            plan.message = status == .infeasible
                ? "\(remaining.count) item(s) (volume \(volume)) cannot be loaded: the vehicles available lack the \(LoadingSolver.lackingCapacity(problem).joined(separator: " and ")) capacity"
                : "no complete placement found: \(remaining.count) item(s) (volume \(volume)) were left over"
        }
        return plan
    }
}
