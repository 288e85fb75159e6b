import HaulCore

/// A lower bound for single-source allocation from the Lagrangian relaxation of "each order once".
///
/// With multipliers λ on those rows, the problem falls apart by warehouse: warehouse w, if open,
/// takes the orders whose reduced cost `c_ow - λ_o` is negative, as a 0-1 knapsack on its
/// capacity (solved exactly by dynamic programming when capacities and quantities are small
/// integers, else bounded by its LP relaxation, which keeps the bound valid). Which warehouses
/// open is then a covering problem — their capacity must reach the total demand — bounded by its
/// LP relaxation. The multipliers follow subgradient steps (Held–Karp style, step shrinking when
/// the bound stalls). Stock limits are relaxed, so the bound is valid with stock too.
struct LagrangianBound {
    let data: AllocationData
    let W: Int
    let O: Int
    let capacity: [Double]
    let openingCost: [Double]
    let totalDemand: Double
    /// Orders allowed at each warehouse.
    let candidates: [[Int]]
    let integral: Bool

    /// The best bound found and the multipliers that gave it.
    private(set) var bestBound = -Double.infinity
    /// Per warehouse: its value `f_w + K_w(λ)` at the best multipliers (the cost of opening it there).
    private(set) var bestValues: [Double] = []
    /// Per warehouse: open in the Lagrangian solution at the best multipliers.
    private(set) var bestOpen: [Bool] = []
    /// The multipliers of the best bound.
    private(set) var bestLambda: [Double] = []
    var iterations = 0

    init(_ data: AllocationData) {
        self.data = data
        W = data.warehouseCount
        O = data.orderCount
        capacity = data.problem.warehouses.map(\.capacity)
        openingCost = data.problem.warehouses.map(\.openingCost)
        totalDemand = data.quantity.reduce(0, +)
        candidates = (0..<data.warehouseCount).map { w in (0..<data.orderCount).filter { data.allowed[$0 * data.warehouseCount + w] } }
        integral = data.quantity.allSatisfy { $0 == $0.rounded() } && capacity.allSatisfy { $0 == $0.rounded() || $0 > 1e7 }
    }

    /// Minimum of `sum (c_ow - λ_o) x_o` over the orders that fit warehouse w's capacity, and the chosen orders.
    /// Exact when the dynamic program is small enough; otherwise a lower bound (the LP relaxation) with a rounded-down choice.
    private func knapsack(_ w: Int, _ lambda: [Double]) -> (value: Double, chosen: [Int]) {
        var items: [(o: Int, profit: Double, weight: Double)] = []
        for o in candidates[w] {
            let profit = lambda[o] - data.cost[o * W + w]
            if profit > 1e-12 { items.append((o, profit, data.quantity[o])) }
        }
        if items.isEmpty { return (0, []) }
        let cap = capacity[w]
        let totalWeight = items.reduce(0) { $0 + $1.weight }
        if totalWeight <= cap + 1e-9 { return (-items.reduce(0) { $0 + $1.profit }, items.map(\.o)) }
        if integral && cap >= 0 && cap <= 400_000 && Int(cap) * items.count <= 400_000 {
            let capInt = Int(cap.rounded(.down))
            // 0-1 knapsack by dynamic programming over capacity, with a take table to recover the choice.
            var best = [Double](repeating: 0, count: capInt + 1)
            var take = [Bool](repeating: false, count: (capInt + 1) * items.count)
            for (k, item) in items.enumerated() {
                let wt = Int(item.weight)
                if wt > capInt { continue }
                var c = capInt
                while c >= wt {
                    let candidate = best[c - wt] + item.profit
                    if candidate > best[c] { best[c] = candidate; take[k * (capInt + 1) + c] = true }
                    c -= 1
                }
            }
            var chosen: [Int] = []
            var c = capInt
            for k in stride(from: items.count - 1, through: 0, by: -1) where take[k * (capInt + 1) + c] {
                chosen.append(items[k].o)
                c -= Int(items[k].weight)
            }
            return (-best[capInt], chosen)
        }
        return dantzig(items, cap)
    }

    /// LP relaxation of the knapsack (Dantzig): by profit per unit of weight, the last item fractional.
    private func dantzig(_ items: [(o: Int, profit: Double, weight: Double)], _ cap: Double) -> (value: Double, chosen: [Int]) {
        var items = items
        items.sort { $0.profit * $1.weight > $1.profit * $0.weight }
        var room = cap, value = 0.0
        var chosen: [Int] = []
        for item in items {
            if item.weight <= room { room -= item.weight; value += item.profit; chosen.append(item.o) }
            else { value += item.profit * room / item.weight; break }
        }
        return (-value, chosen)
    }

    /// Lower bound on choosing warehouses with values v (forced ones always in, closed ones out)
    /// whose capacity covers the demand; LP relaxation of the covering knapsack. Also the choice.
    func cover(_ values: [Double], forceOpen: Int? = nil, forceClosed: Int? = nil) -> (value: Double, open: [Bool]) {
        var open = [Bool](repeating: false, count: W)
        var total = 0.0, covered = 0.0
        var rest: [Int] = []
        for w in 0..<W {
            let house = data.problem.warehouses[w]
            if house.open == false || w == forceClosed { continue }
            if house.open == true || w == forceOpen || values[w] <= 0 {
                open[w] = true; total += values[w]; covered += capacity[w]
            } else {
                rest.append(w)
            }
        }
        if covered < totalDemand - 1e-9 {
            rest.sort { values[$0] * capacity[$1] < values[$1] * capacity[$0] }
            for w in rest {
                let need = totalDemand - covered
                if need <= 1e-9 { break }
                if capacity[w] <= need { open[w] = true; total += values[w]; covered += capacity[w] }
                else { total += values[w] * need / capacity[w]; open[w] = true; covered = totalDemand }
            }
            if covered < totalDemand - 1e-9 { return (.infinity, open) }
        }
        return (total, open)
    }

    /// Runs subgradient optimisation until `deadline`, the iteration cap, or the bound reaches `upperBound`.
    ///
    /// `heuristic` is called every few iterations with the warehouses open in the relaxed solution
    /// and returns the cost of a plan it built from them (or nil); better plans tighten the target.
    mutating func run(upperBound: Double, deadline: Double, clock: Stopwatch, isCancelled: () -> Bool, maxIterations: Int = 600,
                      heuristic: (([Bool]) -> Double?)? = nil) {
        var upperBound = upperBound
        // Start from each order's second-cheapest cost: a warm value that makes most orders attractive.
        var lambda = (0..<O).map { o -> Double in
            let costs = (0..<W).filter { data.allowed[o * W + $0] }.map { data.cost[o * W + $0] }.sorted()
            return costs.count > 1 ? costs[1] : (costs.first ?? 0)
        }
        var step = 2.0
        var stall = 0
        var target = upperBound
        for it in 0..<maxIterations {
            iterations = it + 1
            if it % 8 == 0 && (clock.elapsed >= deadline || isCancelled()) { break }
            var values = [Double](repeating: .infinity, count: W)
            var chosen = [[Int]](repeating: [], count: W)
            for w in 0..<W where data.problem.warehouses[w].open != false {
                let k = knapsack(w, lambda)
                values[w] = openingCost[w] + k.value
                chosen[w] = k.chosen
            }
            let (coverValue, open) = cover(values)
            let bound = lambda.reduce(0, +) + coverValue
            guard bound.isFinite else { break }  // no set of warehouses covers the demand (validation reports it)
            if !bestBound.isFinite || bound > bestBound + 1e-9 * max(1, abs(bestBound)) {
                bestBound = bound
                bestValues = values
                bestOpen = open
                bestLambda = lambda
                stall = 0
            } else {
                stall += 1
                if stall >= 25 { step /= 2; stall = 0 }
            }
            if let heuristic, it % 10 == 5, let found = heuristic(open), found < upperBound {
                upperBound = found
                target = min(target, found)
            }
            if bestBound >= upperBound - 1e-6 || step < 1e-4 { break }
            var served = [Int](repeating: 0, count: O)
            for w in 0..<W where open[w] { for o in chosen[w] { served[o] += 1 } }
            var norm = 0.0
            var gradient = [Double](repeating: 0, count: O)
            for o in 0..<O { gradient[o] = Double(1 - served[o]); norm += gradient[o] * gradient[o] }
            if norm == 0 { break }  // the relaxed solution serves every order once: the bound is tight
            if target <= bound { target = bound + max(1e-3 * abs(bound), 1) }
            let t = step * (target - bound) / norm
            for o in 0..<O { lambda[o] += t * gradient[o] }
        }
    }

    /// Warehouses that no plan cheaper than `upperBound` can open (true at index w) or close.
    func fixings(upperBound: Double) -> (closed: [Bool], open: [Bool]) {
        var closed = [Bool](repeating: false, count: W)
        var forced = [Bool](repeating: false, count: W)
        guard bestBound.isFinite, !bestValues.isEmpty else { return (closed, forced) }
        let multipliers = bestLambda.reduce(0, +)
        let limit = upperBound + 1e-6 * max(1, abs(upperBound))
        for w in 0..<W where data.problem.warehouses[w].open == nil {
            if !bestOpen[w] {
                if multipliers + cover(bestValues, forceOpen: w).value > limit { closed[w] = true }
            } else if multipliers + cover(bestValues, forceClosed: w).value > limit {
                forced[w] = true
            }
        }
        return (closed, forced)
    }

    /// Order–warehouse pairs that no plan cheaper than `upperBound` uses, `[o * W + w]`.
    ///
    /// Forcing order o onto warehouse w raises w's knapsack value by at least `c_ow - λ_o` (the
    /// knapsack minimum only rises when capacity shrinks) and forces w open; when the bound so
    /// raised exceeds the incumbent, the pair can go.
    func eliminatedPairs(upperBound: Double) -> [Bool] {
        var out = [Bool](repeating: false, count: O * W)
        guard bestBound.isFinite, !bestLambda.isEmpty else { return out }
        let multipliers = bestLambda.reduce(0, +)
        let limit = upperBound + 1e-6 * max(1, abs(upperBound))
        for w in 0..<W where data.problem.warehouses[w].open != false {
            // With w forced open its value is counted whole, so raising it raises the cover by the same amount.
            let withW = multipliers + cover(bestValues, forceOpen: w).value
            for o in candidates[w] {
                let raise = data.cost[o * W + w] - bestLambda[o]
                if raise > 0 && withW + raise > limit { out[o * W + w] = true }
            }
        }
        return out
    }
}
