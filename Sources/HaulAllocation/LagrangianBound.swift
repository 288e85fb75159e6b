import HaulCore

/// What a node of the branch-and-bound (or the root) allows: orders fixed to a warehouse, pairs
/// that may not be used, and warehouses forced open or closed.
struct Restrictions {
    /// Per order: its warehouse when fixed, else -1.
    var assigned: [Int]
    /// `[o * W + w]`: the pair may not be used (not allowed by the problem, eliminated, or branched away).
    var banned: [Bool]
    /// Per warehouse: -1 closed, 0 free, 1 open.
    var facility: [Int8]
    /// Capacity left per warehouse after its fixed orders.
    var room: [Double]
    /// Assignment cost of the fixed orders.
    var fixedCost: Double
    /// False once a change made the node infeasible (an order without a warehouse, a warehouse over capacity).
    var feasible = true

    /// The problem's own restrictions: allowed pairs and the warehouses' `open` flags.
    init(_ data: AllocationData) {
        assigned = [Int](repeating: -1, count: data.orderCount)
        banned = data.allowed.map { !$0 }
        facility = data.problem.warehouses.map { $0.open == true ? 1 : ($0.open == false ? -1 : 0) }
        room = data.problem.warehouses.map(\.capacity)
        fixedCost = 0
    }

    /// Fixes order o to warehouse w (which opens).
    mutating func assign(_ o: Int, _ w: Int, _ data: AllocationData) {
        let W = data.warehouseCount
        guard assigned[o] < 0, !banned[o * W + w], facility[w] >= 0 else { feasible = false; return }
        assigned[o] = w
        room[w] -= data.quantity[o]
        fixedCost += data.cost[o * W + w]
        facility[w] = 1
        if room[w] < -1e-9 { feasible = false }
    }

    mutating func close(_ w: Int, _ data: AllocationData) {
        if facility[w] == 1 { feasible = false; return }
        facility[w] = -1
    }
}

/// A lower bound for single-source allocation from the Lagrangian relaxation of "each order once".
///
/// With multipliers λ on those rows, the problem falls apart by warehouse: warehouse w, if open,
/// takes the orders whose reduced cost `c_ow - λ_o` is negative, as a 0-1 knapsack on its
/// capacity (solved exactly when capacities and quantities are integers — dynamic programming, or
/// a depth-first search for large capacities — else bounded by its LP relaxation, which keeps the
/// bound valid). Which warehouses open is then a covering knapsack — their capacity must reach the
/// total demand — solved exactly by dynamic programming over capacity when capacities are integers
/// (in units of their greatest common divisor), else bounded by its LP relaxation. The multipliers
/// follow subgradient steps (Polyak steps towards the incumbent, the step factor halving when the
/// bound stalls). Stock limits are relaxed, so the bound is valid with stock too.
///
/// Every function also takes ``Restrictions``: the branch-and-bound
/// (``LagrangianBranchAndBound``) bounds its nodes with the same relaxation.
struct LagrangianBound {
    let data: AllocationData
    let W: Int
    let O: Int
    let capacity: [Double]
    let openingCost: [Double]
    let totalDemand: Double
    /// Orders allowed at each warehouse.
    let candidates: [[Int]]
    /// Quantities and (finite) capacities are integers: the knapsacks can be solved exactly.
    let integral: Bool
    /// The cover knapsack in units of `coverUnit` (the gcd of the free warehouses' capacities) when
    /// those capacities are integers; 0 when the cover is only bounded by its LP relaxation.
    let coverUnit: Int
    /// The problem's own restrictions (the root).
    let root: Restrictions
    /// Buffers of the knapsacks, shared by copies of this value: use a `LagrangianBound` (and its
    /// copies) on one thread at a time.
    let scratch = KnapsackScratch()

    /// The best bound found and the multipliers that gave it.
    private(set) var bestBound = -Double.infinity
    /// Per warehouse: its value `f_w + K_w(λ)` at the best multipliers (the cost of opening it there).
    private(set) var bestValues: [Double] = []
    /// Per warehouse: open in the Lagrangian solution at the best multipliers.
    private(set) var bestOpen: [Bool] = []
    /// The multipliers of the best bound.
    private(set) var bestLambda: [Double] = []
    var iterations = 0

    /// Solve a warehouse's knapsack only when the cover would take it at a bound on its value
    /// (``profitUpperBound(_:_:_:)``); the Lagrangian value is the same. For many warehouses of
    /// which few open (Lib_3: 100, of which 8 to 12 open), where the knapsacks are most of the time.
    var lazyKnapsacks = false
    /// Largest dynamic program (items x capacity) per knapsack; beyond it a depth-first search.
    /// Capacities of thousands of units (Lib_3) want a much smaller limit (see ``AllocationSolver``).
    var dynamicProgramLimit = 300_000
    /// Largest dynamic program for the profit tables of the pair bounds.
    static let profitTableLimit = 1_200_000
    /// Nodes of the depth-first knapsack search before it settles for the LP bound.
    static let searchNodeLimit = 20_000

    init(_ data: AllocationData) {
        self.data = data
        W = data.warehouseCount
        O = data.orderCount
        let houses = data.problem.warehouses
        capacity = houses.map(\.capacity)
        openingCost = houses.map(\.openingCost)
        totalDemand = data.quantity.reduce(0, +)
        candidates = (0..<data.warehouseCount).map { w in (0..<data.orderCount).filter { data.allowed[$0 * data.warehouseCount + w] } }
        integral = data.quantity.allSatisfy { $0 == $0.rounded() && $0 >= 0 } && capacity.allSatisfy { $0 == $0.rounded() || $0 > 1e7 }
        var unit = 0
        for w in 0..<houses.count where houses[w].open == nil {
            let c = capacity[w]
            guard c == c.rounded(), c >= 0, c <= 1e12 else { unit = 0; break }
            unit = Self.gcd(unit, Int(c))
        }
        // A DP over more than a few million cells per cover is not worth it: LP bound then.
        if unit > 0 && (totalDemand / Double(unit)) * Double(houses.count) > 5e6 { unit = 0 }
        coverUnit = unit
        root = Restrictions(data)
    }

    static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }

    // MARK: - Knapsacks

    typealias Item = (o: Int, profit: Double, weight: Double)

    /// One warehouse's knapsack: the minimum of `sum (c_ow - λ_o) x_o` over the orders that fit
    /// its capacity (`value`, <= 0), the chosen orders, and whether the value is exact.
    struct Knapsack {
        var value: Double
        var chosen: [Int]
        var exact: Bool
    }

    /// Profitable free items of warehouse w under λ: (order, profit, weight).
    func items(_ w: Int, _ lambda: [Double], _ r: Restrictions) -> [Item] {
        var items: [Item] = []
        for o in candidates[w] where r.assigned[o] < 0 && !r.banned[o * W + w] {
            let profit = lambda[o] - data.cost[o * W + w]
            if profit > 1e-12 { items.append((o, profit, data.quantity[o])) }
        }
        return items
    }

    /// Loads warehouse w's profitable free items under λ into the scratch arrays; returns their
    /// count, total profit and total weight.
    private func loadItems(_ w: Int, _ lambda: [Double], _ r: Restrictions) -> (count: Int, profit: Double, weight: Double) {
        // Work on local arrays (one exclusive access to the scratch each way, not one per element).
        var order: [Int] = [], profit: [Double] = [], weight: [Double] = []
        swap(&order, &scratch.order)
        swap(&profit, &scratch.profit)
        swap(&weight, &scratch.weight)
        order.removeAll(keepingCapacity: true)
        profit.removeAll(keepingCapacity: true)
        weight.removeAll(keepingCapacity: true)
        var totalProfit = 0.0, totalWeight = 0.0
        let cost = data.cost, quantity = data.quantity
        for o in candidates[w] where r.assigned[o] < 0 && !r.banned[o * W + w] {
            let p = lambda[o] - cost[o * W + w]
            if p > 1e-12 {
                order.append(o)
                profit.append(p)
                weight.append(quantity[o])
                totalProfit += p
                totalWeight += quantity[o]
            }
        }
        let n = order.count
        swap(&order, &scratch.order)
        swap(&profit, &scratch.profit)
        swap(&weight, &scratch.weight)
        return (n, totalProfit, totalWeight)
    }

    func knapsack(_ w: Int, _ lambda: [Double], _ r: Restrictions) -> Knapsack {
        let (n, totalProfit, totalWeight) = loadItems(w, lambda, r)
        if n == 0 { return Knapsack(value: 0, chosen: [], exact: true) }
        let cap = max(0, r.room[w])
        if totalWeight <= cap + 1e-9 { return Knapsack(value: -totalProfit, chosen: scratch.order, exact: true) }
        let items = (0..<n).map { (o: scratch.order[$0], profit: scratch.profit[$0], weight: scratch.weight[$0]) }
        guard integral else {
            let d = Self.dantzig(items, cap)
            if lazyKnapsacks { rememberEfficiency(w, items, chosen: d.chosen) }
            return Knapsack(value: -d.value, chosen: d.chosen, exact: false)
        }
        let capInt = Int(min(cap, totalWeight).rounded(.down))
        let result: Knapsack
        if (capInt + 1) * n <= dynamicProgramLimit {
            let (profit, chosen) = scratch.dynamicProgram(count: n, cap: capInt)
            result = Knapsack(value: -profit, chosen: chosen, exact: true)
        } else {
            result = Self.search(items, Double(capInt))
        }
        if lazyKnapsacks { rememberEfficiency(w, items, chosen: result.chosen) }
        return result
    }

    /// Records, for ``profitUpperBound(_:_:_:)``, the best efficiency (profit per unit of weight)
    /// among the items a solved knapsack of warehouse w left out: near its break efficiency.
    private func rememberEfficiency(_ w: Int, _ items: [Item], chosen: [Int]) {
        if scratch.taken.count < O { scratch.taken = [Bool](repeating: false, count: O) }
        if scratch.efficiency.count < W { scratch.efficiency = [Double](repeating: 0, count: W) }
        for o in chosen { scratch.taken[o] = true }
        var best = 0.0
        for item in items where !scratch.taken[item.o] && item.weight > 0 { best = max(best, item.profit / item.weight) }
        for o in chosen { scratch.taken[o] = false }
        scratch.efficiency[w] = best
    }

    /// An upper bound on the profit of warehouse w's knapsack under λ without solving it: for any
    /// `e >= 0`, relaxing the capacity with multiplier e gives `e * room + sum max(0, p_o - e q_o)`,
    /// which is the LP (Dantzig) bound when e is the break efficiency; e is the one remembered from
    /// the warehouse's last solved knapsack. Nil when every profitable order fits (the knapsack is
    /// then trivial: solve it).
    func profitUpperBound(_ w: Int, _ lambda: [Double], _ r: Restrictions) -> Double? {
        let e = w < scratch.efficiency.count ? scratch.efficiency[w] : 0
        let room = max(0, r.room[w])
        var total = 0.0, totalWeight = 0.0, relaxed = e * room
        let cost = data.cost, quantity = data.quantity
        for o in candidates[w] where r.assigned[o] < 0 && !r.banned[o * W + w] {
            let p = lambda[o] - cost[o * W + w]
            if p > 1e-12 {
                total += p
                totalWeight += quantity[o]
                relaxed += max(0, p - e * quantity[o])
            }
        }
        if totalWeight <= room + 1e-9 { return nil }
        return min(total, relaxed)
    }

    /// 0-1 knapsack by dynamic programming over capacity: the best profit for every capacity
    /// `0...cap` (non-decreasing) and the choice for `cap`.
    static func dynamicProgram(_ items: [Item], _ cap: Int) -> (best: [Double], chosen: [Int]) {
        let s = KnapsackScratch()
        for item in items { s.order.append(item.o); s.profit.append(item.profit); s.weight.append(item.weight) }
        let (_, chosen) = s.dynamicProgram(count: items.count, cap: cap)
        return (Array(s.best[0...cap]), chosen)
    }

    /// LP relaxation of the knapsack (Dantzig): by profit per unit of weight, the last item
    /// fractional. Returns the LP profit (an upper bound) and the whole items taken before it.
    static func dantzig(_ items: [Item], _ cap: Double) -> (value: Double, chosen: [Int]) {
        var items = items
        items.sort { $0.profit * $1.weight > $1.profit * $0.weight }
        var room = cap, value = 0.0
        var chosen: [Int] = []
        for item in items {
            if item.weight <= room { room -= item.weight; value += item.profit; chosen.append(item.o) }
            else { value += item.profit * room / item.weight; break }
        }
        return (value, chosen)
    }

    /// Depth-first branch and bound (Horowitz–Sahni) over the items by decreasing efficiency,
    /// with the Dantzig bound; when it runs out of nodes it returns the LP bound (inexact).
    static func search(_ unsorted: [Item], _ cap: Double) -> Knapsack {
        let items = unsorted.sorted { $0.profit * $1.weight > $1.profit * $0.weight }
        let n = items.count
        let profit = items.map(\.profit), weight = items.map(\.weight)
        // Greedy start: take every item that still fits, in efficiency order.
        var bestProfit = 0.0
        var bestTake = [Bool](repeating: false, count: n)
        var room = cap
        for k in 0..<n where weight[k] <= room { room -= weight[k]; bestProfit += profit[k]; bestTake[k] = true }
        func upper(_ from: Int, _ room: Double) -> Double {
            var r = room, v = 0.0
            var k = from
            while k < n {
                if weight[k] <= r { r -= weight[k]; v += profit[k] } else { return v + profit[k] * r / weight[k] }
                k += 1
            }
            return v
        }
        let lpBound = upper(0, cap)
        var take = [Bool](repeating: false, count: n)
        var nodes = 0
        var exhausted = false
        func visit(_ k: Int, _ room: Double, _ value: Double) {
            if exhausted { return }
            nodes += 1
            if nodes > searchNodeLimit { exhausted = true; return }
            if value > bestProfit + 1e-12 { bestProfit = value; bestTake = take }
            if k == n { return }
            if value + upper(k, room) <= bestProfit + 1e-9 { return }
            if weight[k] <= room {
                take[k] = true
                visit(k + 1, room - weight[k], value + profit[k])
                take[k] = false
            }
            visit(k + 1, room, value)
        }
        visit(0, cap, 0)
        let chosen = (0..<n).filter { bestTake[$0] }.map { items[$0].o }
        if exhausted { return Knapsack(value: -lpBound, chosen: chosen, exact: false) }
        return Knapsack(value: -bestProfit, chosen: chosen, exact: true)
    }

    /// `P(c)` for `c = 0...room` of warehouse w's knapsack under λ (best profits, non-decreasing
    /// in c), when exact and small enough; nil otherwise.
    func profitTable(_ w: Int, _ lambda: [Double], _ r: Restrictions) -> [Double]? {
        guard integral, r.room[w] <= 1e7 else { return nil }
        let (n, _, _) = loadItems(w, lambda, r)
        let capInt = Int(max(0, r.room[w]).rounded(.down))
        if n == 0 { return [Double](repeating: 0, count: capInt + 1) }
        guard (capInt + 1) * n <= Self.profitTableLimit else { return nil }
        _ = scratch.dynamicProgram(count: n, cap: capInt)
        return Array(scratch.best[0...capInt])
    }

    // MARK: - The cover

    /// The cheapest set of warehouses, values v (open ones always in, closed ones out), whose
    /// capacity covers the total demand: exact by dynamic programming when `coverUnit > 0`, else
    /// its LP relaxation. Returns the value (a lower bound; infinite when no set covers) and the set.
    func cover(_ values: [Double], _ r: Restrictions, forceOpen: Int? = nil, forceClosed: Int? = nil) -> (value: Double, open: [Bool]) {
        var open = [Bool](repeating: false, count: W)
        var total = 0.0, covered = 0.0
        var rest: [Int] = []
        for w in 0..<W {
            if r.facility[w] < 0 || w == forceClosed || !values[w].isFinite { continue }
            if r.facility[w] > 0 || w == forceOpen || values[w] <= 0 {
                open[w] = true; total += values[w]; covered += capacity[w]
            } else {
                rest.append(w)
            }
        }
        if forceClosed != nil && r.facility[forceClosed!] > 0 { return (.infinity, open) }
        let need = totalDemand - covered
        if need <= 1e-9 { return (total, open) }
        if coverUnit > 0 {
            // dp[c]: cheapest cost of free warehouses covering at least c units (c capped at the need).
            let units = Int((need / Double(coverUnit) - 1e-9).rounded(.up))
            var dp = [Double](repeating: .infinity, count: units + 1)
            var take = [Bool](repeating: false, count: (units + 1) * rest.count)
            dp[0] = 0
            for (k, w) in rest.enumerated() {
                let size = min(units, Int(capacity[w]) / coverUnit)
                if size == 0 { continue }
                let v = values[w]
                var c = units
                let base = k * (units + 1)
                while c >= 1 {
                    let candidate = dp[max(0, c - size)] + v
                    if candidate < dp[c] { dp[c] = candidate; take[base + c] = true }
                    c -= 1
                }
            }
            guard dp[units].isFinite else { return (.infinity, open) }
            var c = units
            for k in stride(from: rest.count - 1, through: 0, by: -1) where c > 0 && take[k * (units + 1) + c] {
                open[rest[k]] = true
                c = max(0, c - min(units, Int(capacity[rest[k]]) / coverUnit))
            }
            return (total + dp[units], open)
        }
        rest.sort { values[$0] * capacity[$1] < values[$1] * capacity[$0] }
        for w in rest {
            let need = totalDemand - covered
            if need <= 1e-9 { break }
            if capacity[w] <= need { open[w] = true; total += values[w]; covered += capacity[w] }
            else { total += values[w] * need / capacity[w]; open[w] = true; covered = totalDemand }
        }
        if covered < totalDemand - 1e-9 { return (.infinity, open) }
        return (total, open)
    }

    // MARK: - The Lagrangian function

    /// The Lagrangian solution at λ under restrictions r.
    struct Relaxed {
        /// The Lagrangian value: a lower bound on every plan that obeys r (infinite: none exists).
        var bound: Double
        /// Per warehouse: `f_w + K_w(λ)` (infinite when closed); for a warehouse the cover did not
        /// take, possibly a lower bound on it (see ``lazyKnapsacks``).
        var values: [Double]
        /// Per warehouse: the free orders its knapsack took.
        var chosen: [[Int]]
        /// The warehouses the cover opened.
        var open: [Bool]
        /// Per free order: how many open warehouses took it.
        var served: [Int]
    }

    /// The Lagrangian function at λ under restrictions r.
    /// With `solveAll`, every warehouse's knapsack is solved (exact values for fixing and branching).
    func evaluate(_ lambda: [Double], _ r: Restrictions, solveAll: Bool = false) -> Relaxed {
        var values = [Double](repeating: .infinity, count: W)
        var chosen = [[Int]](repeating: [], count: W)
        var solved = [Bool](repeating: false, count: W)
        func solve(_ w: Int) {
            let k = knapsack(w, lambda, r)
            values[w] = openingCost[w] + k.value
            chosen[w] = k.chosen
            solved[w] = true
        }
        for w in 0..<W where r.facility[w] >= 0 {
            if lazyKnapsacks && !solveAll, let bound = profitUpperBound(w, lambda, r) {
                values[w] = openingCost[w] - bound
            } else {
                solve(w)
            }
        }
        // Warehouses valued by a bound only (a value too low) are solved when the cover takes
        // them, until it takes solved ones only: then it is the cover of the solved values too.
        var (coverValue, open) = cover(values, r)
        while true {
            var changed = false
            for w in 0..<W where open[w] && !solved[w] {
                solve(w)
                changed = true
            }
            if !changed { break }
            (coverValue, open) = cover(values, r)
        }
        var served = [Int](repeating: 0, count: O)
        var multipliers = 0.0
        for o in 0..<O where r.assigned[o] < 0 { multipliers += lambda[o] }
        for w in 0..<W where open[w] { for o in chosen[w] { served[o] += 1 } }
        let bound = r.feasible ? multipliers + r.fixedCost + coverValue : .infinity
        return Relaxed(bound: bound, values: values, chosen: chosen, open: open, served: served)
    }

    /// Each order's cheapest allowed cost after the cheapest: a warm start for the multipliers.
    func initialMultipliers() -> [Double] {
        (0..<O).map { o -> Double in
            var best = Double.infinity, second = Double.infinity
            for w in 0..<W where data.allowed[o * W + w] {
                let c = data.cost[o * W + w]
                if c < best { second = best; best = c } else if c < second { second = c }
            }
            return second.isFinite ? second : (best.isFinite ? best : 0)
        }
    }

    /// Subgradient ascent from λ under r: Polyak steps towards `target`, the step factor halving
    /// after `stallLimit` iterations without a better bound. Stops at `stopAt` (the node can be
    /// pruned), after `maxIterations`, when the factor falls below `minimumStep`, when `stop()`
    /// says so, or when the relaxed solution serves every free order exactly once.
    /// Returns the best relaxed solution and its multipliers; `onSolution` sees every relaxed solution.
    func ascend(from lambda: [Double], _ r: Restrictions, target: Double, stopAt: Double, maxIterations: Int,
                stallLimit: Int, initialStep: Double = 2, minimumStep: Double = 1e-3, resetOnHalving: Bool = false,
                stop: () -> Bool, onSolution: ((Relaxed, [Double], Int) -> Double?)? = nil) -> (best: Relaxed, lambda: [Double], iterations: Int) {
        var lambda = lambda
        var target = target
        var step = initialStep
        var stall = 0
        var best: Relaxed?
        var bestLambda = lambda
        var direction = [Double](repeating: 0, count: O)
        var count = 0
        for it in 0..<maxIterations {
            if it % 4 == 3 && stop() { break }
            count += 1
            let relaxed = evaluate(lambda, r)
            if !relaxed.bound.isFinite { return (relaxed, lambda, count) }  // no set of warehouses covers the demand
            if best == nil || relaxed.bound > best!.bound + 1e-9 * max(1, abs(best!.bound)) {
                stall = 0
                best = relaxed
                bestLambda = lambda
            } else {
                stall += 1
                if stall >= stallLimit {
                    step /= 2; stall = 0
                    if resetOnHalving {
                        // Back to the best multipliers: the smaller steps start from there.
                        lambda = bestLambda
                        for o in 0..<O { direction[o] = 0 }
                        continue
                    }
                }
            }
            if let onSolution, let found = onSolution(relaxed, lambda, it) { target = min(target, found) }
            if best!.bound >= stopAt || step < minimumStep { break }
            var norm = 0.0
            var allOnce = true
            for o in 0..<O where r.assigned[o] < 0 {
                let g = Double(1 - relaxed.served[o])
                if g != 0 { allOnce = false }
                // A little of the previous direction damps the zig-zag between two faces.
                direction[o] = g + 0.3 * direction[o]
                norm += direction[o] * direction[o]
            }
            if allOnce || norm == 0 { break }
            let gap = max(target - relaxed.bound, 1e-4 * max(1, abs(relaxed.bound)))
            let t = step * gap / norm
            for o in 0..<O where r.assigned[o] < 0 { lambda[o] += t * direction[o] }
        }
        return (best ?? evaluate(lambda, r), bestLambda, count)
    }

    /// Runs subgradient optimisation at the root until `deadline`, the iteration cap, or the bound reaches `upperBound`.
    ///
    /// `heuristic` is called every few iterations with the warehouses open in the relaxed solution
    /// and each order's warehouse there (-1: none) and returns the cost of a plan it built from
    /// them (or nil); better plans tighten the target.
    mutating func run(upperBound: Double, deadline: Double, clock: Stopwatch, isCancelled: () -> Bool, maxIterations: Int = 3000,
                      start: [Double]? = nil, heuristic: (([Bool], [Int]) -> Double?)? = nil) {
        var upperBound = upperBound
        let r = root
        let this = self
        let result = this.ascend(from: start ?? initialMultipliers(), r, target: upperBound, stopAt: upperBound - 1e-6 * max(1, abs(upperBound)),
                            maxIterations: maxIterations, stallLimit: max(20, min(100, O / 2)),
                            stop: { clock.elapsed >= deadline || isCancelled() }) { relaxed, _, it in
            guard let heuristic, it % 10 == 5 else { return nil }
            let found = heuristic(relaxed.open, this.preferredWarehouses(relaxed))
            if let found, found < upperBound { upperBound = found; return found }
            return nil
        }
        iterations += result.iterations
        if result.best.bound > bestBound {
            bestBound = result.best.bound
            bestValues = result.best.values
            bestOpen = result.best.open
            bestLambda = result.lambda
        }
    }

    /// Each order's warehouse in a relaxed solution (the cheapest when several took it; -1: none).
    func preferredWarehouses(_ relaxed: Relaxed) -> [Int] {
        var preferred = [Int](repeating: -1, count: O)
        for w in 0..<W where relaxed.open[w] {
            for o in relaxed.chosen[w] where preferred[o] < 0 || data.cost[o * W + w] < data.cost[o * W + preferred[o]] { preferred[o] = w }
        }
        return preferred
    }

    // MARK: - Fixing

    /// Lower bounds under r at λ (with `relaxed = evaluate(λ, r)`) for opening and closing each
    /// free warehouse: `(open, closed)`, infinite where impossible.
    func facilityBounds(_ relaxed: Relaxed, _ lambda: [Double], _ r: Restrictions) -> (open: [Double], closed: [Double]) {
        var multipliers = r.fixedCost
        for o in 0..<O where r.assigned[o] < 0 { multipliers += lambda[o] }
        var openBound = [Double](repeating: .infinity, count: W)
        var closedBound = [Double](repeating: .infinity, count: W)
        for w in 0..<W where r.facility[w] >= 0 {
            if relaxed.open[w] { openBound[w] = relaxed.bound } else { openBound[w] = multipliers + cover(relaxed.values, r, forceOpen: w).value }
            if r.facility[w] == 0 {
                closedBound[w] = relaxed.open[w] ? multipliers + cover(relaxed.values, r, forceClosed: w).value : relaxed.bound
            }
        }
        return (openBound, closedBound)
    }

    /// Lower bounds under r at λ for using each pair `[o * W + w]` (free orders, usable pairs;
    /// infinite elsewhere), given `openBound` from ``facilityBounds(_:_:_:)``.
    ///
    /// Forcing order o onto warehouse w forces w open and changes its knapsack: its profit is then
    /// at most `min(P(room), p_o + P(room - q_o))`, where `P(c)` is the best knapsack profit with
    /// capacity c over all of w's profitable free orders and `p_o = λ_o - c_ow` (P over a superset
    /// of the items only overestimates). The bound with w forced open rises by the knapsack's loss.
    /// Without exact knapsacks the rise is just `-p_o` when positive (the knapsack minimum only
    /// rises when capacity shrinks).
    func pairBounds(_ relaxed: Relaxed, _ lambda: [Double], _ r: Restrictions, openBound: [Double]) -> [Double] {
        var out = [Double](repeating: .infinity, count: O * W)
        for w in 0..<W where r.facility[w] >= 0 && openBound[w].isFinite {
            let table = profitTable(w, lambda, r)
            let knapsackProfit = openingCost[w] - relaxed.values[w]
            for o in candidates[w] where r.assigned[o] < 0 && !r.banned[o * W + w] {
                let p = lambda[o] - data.cost[o * W + w]
                let q = data.quantity[o]
                if q > r.room[w] + 1e-9 { continue }
                var raise = max(0, -p)
                if let table {
                    let room = Int((r.room[w] - q + 1e-9).rounded(.down))
                    let with = p + table[min(max(room, 0), table.count - 1)]
                    raise = max(raise, knapsackProfit - min(knapsackProfit, with))
                }
                out[o * W + w] = openBound[w] + raise
            }
        }
        return out
    }

    /// Warehouses that no plan cheaper than `upperBound` can open (true at index w) or close.
    func fixings(upperBound: Double) -> (closed: [Bool], open: [Bool]) {
        var closed = [Bool](repeating: false, count: W)
        var forced = [Bool](repeating: false, count: W)
        guard bestBound.isFinite, !bestLambda.isEmpty else { return (closed, forced) }
        let relaxed = evaluate(bestLambda, root)
        let limit = upperBound + 1e-6 * max(1, abs(upperBound))
        let (openBound, closedBound) = facilityBounds(relaxed, bestLambda, root)
        for w in 0..<W where root.facility[w] == 0 {
            if openBound[w] > limit { closed[w] = true } else if closedBound[w] > limit { forced[w] = true }
        }
        return (closed, forced)
    }

    /// Order–warehouse pairs that no plan cheaper than `upperBound` uses, `[o * W + w]` (see ``pairBounds(_:_:_:openBound:)``).
    func eliminatedPairs(upperBound: Double) -> [Bool] {
        var out = [Bool](repeating: false, count: O * W)
        guard bestBound.isFinite, !bestLambda.isEmpty else { return out }
        let relaxed = evaluate(bestLambda, root)
        let limit = upperBound + 1e-6 * max(1, abs(upperBound))
        let bounds = pairBounds(relaxed, bestLambda, root, openBound: facilityBounds(relaxed, bestLambda, root).open)
        for w in 0..<W where root.facility[w] >= 0 {
            for o in candidates[w] where bounds[o * W + w] > limit { out[o * W + w] = true }
        }
        return out
    }
}

/// Reused buffers of the knapsack dynamic program (items as parallel arrays).
final class KnapsackScratch {
    /// Per warehouse: the efficiency remembered from its last solved knapsack (see `profitUpperBound`).
    var efficiency: [Double] = []
    /// Per order: a mark (all false between uses).
    var taken: [Bool] = []
    var order: [Int] = []
    var profit: [Double] = []
    var weight: [Double] = []
    /// best[c]: the best profit within capacity c, after `dynamicProgram`.
    var best: [Double] = []
    private var take: [UInt8] = []
    private var intWeight: [Int] = []

    /// 0-1 knapsack over the first `count` items with integer weights, capacity `cap`: fills
    /// `best[0...cap]` and returns the best profit and the chosen orders.
    func dynamicProgram(count n: Int, cap: Int) -> (profit: Double, chosen: [Int]) {
        let width = cap + 1
        // Local arrays: one exclusive access to each buffer, not one per element.
        var best: [Double] = [], take: [UInt8] = [], intWeight: [Int] = []
        swap(&best, &self.best)
        swap(&take, &self.take)
        swap(&intWeight, &self.intWeight)
        defer {
            swap(&best, &self.best)
            swap(&take, &self.take)
            swap(&intWeight, &self.intWeight)
        }
        if best.count < width { best = [Double](repeating: 0, count: width) }
        if take.count < width * n { take = [UInt8](repeating: 0, count: width * n) }
        intWeight.removeAll(keepingCapacity: true)
        for k in 0..<n { intWeight.append(Int(weight[k])) }
        let profit = self.profit
        best.withUnsafeMutableBufferPointer { best in
            take.withUnsafeMutableBufferPointer { take in
                profit.withUnsafeBufferPointer { profit in
                    intWeight.withUnsafeBufferPointer { weight in
                        for c in 0..<width { best[c] = 0 }
                        for k in 0..<n {
                            let base = k * width
                            let wt = weight[k]
                            if wt > cap {
                                for c in 0..<width { take[base + c] = 0 }
                                continue
                            }
                            let p = profit[k]
                            for c in 0..<wt { take[base + c] = 0 }
                            var c = cap
                            while c >= wt {
                                let candidate = best[c - wt] + p
                                if candidate > best[c] { best[c] = candidate; take[base + c] = 1 } else { take[base + c] = 0 }
                                c -= 1
                            }
                        }
                    }
                }
            }
        }
        var chosen: [Int] = []
        var c = cap
        for k in stride(from: n - 1, through: 0, by: -1) where take[k * width + c] != 0 {
            chosen.append(order[k])
            c -= intWeight[k]
        }
        return (best[cap], chosen)
    }
}
