import HaulCore
import HaulLP

/// Vehicles needed over weight, volume and pallets by column generation (HaulLP/GLPK).
///
/// Master: the set-covering LP over loading patterns (a vehicle type and items within its weight,
/// volume and pallet limits that each fit its cargo space): minimise the patterns' cost so that every
/// item is covered and no type is used beyond its count. Pricing, per vehicle type: the
/// multi-dimensional (weight, volume, pallets) 0-1 knapsack of the items' duals, by a greedy first and GLPK's MIP when the
/// greedy finds no improving pattern. When no pattern prices out, the LP optimum is a lower
/// bound on the vehicles' cost (rounded up to a multiple of the cost when all types cost the
/// same, or to an integer when every cost is one). Price-and-dive: the
/// master restricted to the patterns generated is then solved as an integer program and its
/// plan repaired so that each item is carried once.
enum ColumnGeneration {
    /// Above this many items only first-fit decreasing runs.
    static let maxItems = 400
    struct Outcome {
        var bound: Double?
        var assignment: VehicleAssignment?
        var columns: Int
    }

    static func run(_ problem: LoadingProblem, start: VehicleAssignment, deadline: Double, clock: Stopwatch,
                    isCancelled: @escaping @Sendable () -> Bool) -> Outcome {
        let items = problem.items, types = problem.vehicleTypes
        let n = items.count
        func fits(_ i: Int, _ t: Int) -> Bool { types[t].count > 0 && types[t].canCarry(items[i]) }
        var patterns: [(type: Int, items: [Int])] = start.bins.map { ($0.type, $0.items) }
        let startCount = patterns.count
        // One single-item pattern per item and type keeps the master feasible whatever the duals.
        for i in 0..<n { for t in types.indices where fits(i, t) { patterns.append((t, [i])) } }
        var seen = Set(patterns.map { "\($0.type):\($0.items.sorted())" })
        var bound: Double?
        let lpOptions = HaulLP.SolveOptions(timeLimit: 5, shouldStop: isCancelled)
        var rounds = 0
        // Pricing gets 70% of the time left; the dive the rest.
        let pricingDeadline = clock.elapsed + 0.7 * max(0, deadline - clock.elapsed)
        while clock.elapsed < pricingDeadline && !isCancelled() {
            rounds += 1
            var model = LinearModel(direction: .minimize)
            let vars = patterns.map { model.addVariable(lower: 0, upper: .infinity, cost: types[$0.type].cost) }
            var cover = [[(Variable, Double)]](repeating: [], count: n)
            var perType = [[(Variable, Double)]](repeating: [], count: types.count)
            for (k, p) in patterns.enumerated() {
                for i in p.items { cover[i].append((vars[k], 1)) }
                perType[p.type].append((vars[k], 1))
            }
            let coverRows = cover.map { model.addConstraint($0, .greaterOrEqual, 1) }
            let typeRows = types.indices.map { perType[$0].isEmpty ? nil : model.addConstraint(perType[$0], .lessOrEqual, Double(types[$0].count)) }
            guard let lp = try? LPSolver.solveLP(model, options: lpOptions), lp.status == .optimal, let value = lp.objective else { break }
            let pi = coverRows.map { max(0, lp.dual($0)) }
            var added = 0
            var exactFailed = false
            for t in types.indices where types[t].count > 0 {
                let mu = typeRows[t].map { min(0, lp.dual($0)) } ?? 0
                let candidates = (0..<n).filter { pi[$0] > 1e-9 && fits($0, t) }
                guard !candidates.isEmpty else { continue }
                let target = types[t].cost - mu + 1e-7 * max(1, types[t].cost)
                var chosen = greedyKnapsack(candidates, pi, problem, t)
                // More improving patterns per round: the greedy started from each of the items with the largest duals.
                for first in candidates.sorted(by: { pi[$0] > pi[$1] }).prefix(12) {
                    let pattern = greedyKnapsack(candidates, pi, problem, t, first: first)
                    if pattern.reduce(0, { $0 + pi[$1] }) > target, seen.insert("\(t):\(pattern.sorted())").inserted {
                        patterns.append((t, pattern))
                        added += 1
                    }
                }
                if chosen.reduce(0, { $0 + pi[$1] }) <= target && added == 0 {
                    let remaining = pricingDeadline - clock.elapsed
                    guard remaining > 0.05, let exact = exactKnapsack(candidates, pi, problem, t, timeLimit: min(remaining, 10), isCancelled: isCancelled)
                    else { exactFailed = true; continue }
                    if !exact.proven { exactFailed = true }
                    chosen = exact.items
                }
                if chosen.reduce(0, { $0 + pi[$1] }) > target, seen.insert("\(t):\(chosen.sorted())").inserted {
                    patterns.append((t, chosen))
                    added += 1
                }
            }
            if added == 0 {
                if !exactFailed {
                    // Costs come in steps: a multiple of the common cost, or an integer.
                    let costs = Set(types.filter { $0.count > 0 }.map(\.cost))
                    if costs.count == 1, let c = costs.first, c > 0 { bound = c * (value / c - 1e-6).rounded(.up) }
                    else if costs.allSatisfy({ $0 == $0.rounded() }) { bound = (value - 1e-6).rounded(.up) }
                    else { bound = value }
                }
                break
            }
        }
        // Price-and-dive: the restricted master as an integer program.
        var assignment: VehicleAssignment?
        let remaining = deadline - clock.elapsed
        if remaining > 0.05 && !isCancelled() {
            var model = LinearModel(direction: .minimize)
            let vars = patterns.map { model.addVariable(lower: 0, upper: 1, cost: types[$0.type].cost, kind: .binary) }
            var cover = [[(Variable, Double)]](repeating: [], count: n)
            var perType = [[(Variable, Double)]](repeating: [], count: types.count)
            for (k, p) in patterns.enumerated() {
                for i in p.items { cover[i].append((vars[k], 1)) }
                perType[p.type].append((vars[k], 1))
            }
            for row in cover { model.addConstraint(row, .greaterOrEqual, 1) }
            for t in types.indices where !perType[t].isEmpty { model.addConstraint(perType[t], .lessOrEqual, Double(types[t].count)) }
            var start = [Double](repeating: 0, count: patterns.count)
            for k in 0..<startCount { start[k] = 1 }
            let options = HaulLP.SolveOptions(timeLimit: remaining, initialSolution: start, shouldStop: isCancelled)
            if let mip = try? LPSolver.solveMIP(model, options: options), mip.hasSolution {
                var result = VehicleAssignment()
                var carried = [Bool](repeating: false, count: n)
                for (k, p) in patterns.enumerated() where mip.values[vars[k].index] > 0.5 {
                    var bin = VehicleAssignment.Bin(type: p.type)
                    for i in p.items where !carried[i] {
                        carried[i] = true
                        bin.add(i, problem)
                    }
                    if !bin.items.isEmpty { result.bins.append(bin) }
                }
                if carried.allSatisfy({ $0 }) { assignment = result }
            }
        }
        return Outcome(bound: bound, assignment: assignment, columns: patterns.count)
    }

    /// Items by decreasing dual per unit of the limits they use, while they fit.
    private static func greedyKnapsack(_ candidates: [Int], _ pi: [Double], _ problem: LoadingProblem, _ t: Int, first: Int? = nil) -> [Int] {
        let type = problem.vehicleTypes[t]
        let wl = type.weightLimit ?? .infinity, vl = type.effectiveVolumeLimit ?? .infinity, pl = type.maxPallets ?? .infinity
        func use(_ i: Int) -> Double {
            let item = problem.items[i]
            return (wl.isFinite ? item.weight / max(wl, 1e-12) : 0) + (vl.isFinite ? item.volume / max(vl, 1e-12) : 0)
                + (pl.isFinite ? item.pallets / max(pl, 1e-12) : 0)
        }
        var order = candidates.sorted { pi[$0] / max(use($0), 1e-12) > pi[$1] / max(use($1), 1e-12) }
        if let first, let k = order.firstIndex(of: first) { order.remove(at: k); order.insert(first, at: 0) }
        var w = 0.0, v = 0.0, p = 0.0
        var out: [Int] = []
        for i in order {
            let item = problem.items[i]
            guard w + item.weight <= wl + 1e-9 && v + item.volume <= vl + 1e-9 && p + item.pallets <= pl + 1e-9 else { continue }
            out.append(i)
            w += item.weight
            v += item.volume
            p += item.pallets
        }
        return out
    }

    /// The multi-dimensional 0-1 knapsack (one row per limited measure) by GLPK.
    private static func exactKnapsack(_ candidates: [Int], _ pi: [Double], _ problem: LoadingProblem, _ t: Int, timeLimit: Double,
                                      isCancelled: @escaping @Sendable () -> Bool) -> (items: [Int], proven: Bool)? {
        let type = problem.vehicleTypes[t]
        var model = LinearModel(direction: .maximize)
        let x = candidates.map { model.addVariable(lower: 0, upper: 1, cost: pi[$0], kind: .binary) }
        if let wl = type.weightLimit { model.addConstraint(zip(x, candidates).map { ($0, problem.items[$1].weight) }, .lessOrEqual, wl) }
        if let vl = type.effectiveVolumeLimit { model.addConstraint(zip(x, candidates).map { ($0, problem.items[$1].volume) }, .lessOrEqual, vl) }
        if let pl = type.maxPallets { model.addConstraint(zip(x, candidates).map { ($0, problem.items[$1].pallets) }, .lessOrEqual, pl) }
        guard let mip = try? LPSolver.solveMIP(model, options: HaulLP.SolveOptions(timeLimit: timeLimit, shouldStop: isCancelled)),
              mip.hasSolution else { return nil }
        return (zip(x, candidates).filter { mip.values[$0.0.index] > 0.5 }.map(\.1), mip.status == .optimal)
    }
}
