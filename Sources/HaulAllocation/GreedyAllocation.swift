import HaulCore

/// Dense data of an allocation problem that the solvers share.
struct AllocationData {
    let problem: AllocationProblem
    /// cost[o * W + w]: serving all of order o from warehouse w.
    let cost: [Double]
    /// allowed[o * W + w]: w may serve all of o on its own (pins, closed warehouses, capacity and stock).
    let allowed: [Bool]
    let quantity: [Double]
    var warehouseCount: Int { problem.warehouses.count }
    var orderCount: Int { problem.orders.count }

    init(_ problem: AllocationProblem) {
        self.problem = problem
        let W = problem.warehouses.count, O = problem.orders.count
        var cost = [Double](repeating: 0, count: O * W)
        var allowed = [Bool](repeating: false, count: O * W)
        let pinIndex = Dictionary(problem.warehouses.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        for o in 0..<O {
            let pin = problem.orders[o].warehouse.flatMap { pinIndex[$0] }
            for w in 0..<W {
                cost[o * W + w] = problem.assignmentCost(order: o, warehouse: w)
                allowed[o * W + w] = problem.warehouses[w].open != false && (pin == nil || pin == w)
                    && problem.canHold(problem.orders[o], warehouse: w) && cost[o * W + w].isFinite
            }
        }
        self.cost = cost
        self.allowed = allowed
        self.quantity = problem.orders.map(\.totalQuantity)
    }
}

/// A single-source allocation: `warehouseOf[o]` for every order, or nil where none was found.
struct SingleSourceAssignment {
    var warehouseOf: [Int?]

    func isComplete() -> Bool { !warehouseOf.contains(where: { $0 == nil }) }

    func openWarehouses(_ data: AllocationData) -> [Bool] {
        var open = data.problem.warehouses.map { $0.open == true }
        for w in warehouseOf.compactMap({ $0 }) { open[w] = true }
        return open
    }

    func cost(_ data: AllocationData) -> Double {
        let W = data.warehouseCount
        var total = 0.0
        for (o, w) in warehouseOf.enumerated() { if let w { total += data.cost[o * W + w] } }
        for (w, isOpen) in openWarehouses(data).enumerated() where isOpen { total += data.problem.warehouses[w].openingCost }
        return total
    }
}

/// Nearest feasible warehouse, order by order: the largest orders first, each to the warehouse
/// with the lowest assignment cost (plus opening cost when it is not yet open) that still has the
/// capacity and the stock.
enum GreedyAllocation {
    /// Remaining capacity and stock while orders are placed one by one.
    private struct Placement {
        var result: SingleSourceAssignment
        var remaining: [Double]
        var stock: [[String: Double]?]
        var used: [Bool]

        init(_ data: AllocationData, from start: SingleSourceAssignment? = nil) {
            let problem = data.problem
            result = start ?? SingleSourceAssignment(warehouseOf: Array(repeating: nil, count: data.orderCount))
            remaining = problem.warehouses.map(\.capacity)
            stock = problem.warehouses.map(\.stock)
            used = problem.warehouses.map { $0.open == true }
            for (o, w) in result.warehouseOf.enumerated() { if let w { take(o, w, data) } }
        }

        mutating func take(_ o: Int, _ w: Int, _ data: AllocationData) {
            remaining[w] -= data.quantity[o]
            used[w] = true
            if stock[w] != nil {
                for line in data.problem.orders[o].lines where !line.sku.isEmpty { stock[w]![line.sku, default: 0] -= line.quantity }
            }
        }

        /// Places order o where it costs least (opening cost included for an unused warehouse) among
        /// those with the capacity and the stock left; false when there is none.
        mutating func placeCheapest(_ o: Int, _ data: AllocationData, usable: [Bool]?) -> Bool {
            let W = data.warehouseCount, problem = data.problem
            var best = -1
            var bestCost = Double.infinity
            for w in 0..<W where data.allowed[o * W + w] && usable?[w] != false && data.quantity[o] <= remaining[w] + 1e-9 {
                if !stockCovers(stock[w], problem.orders[o]) { continue }
                let c = data.cost[o * W + w] + (used[w] ? 0 : problem.warehouses[w].openingCost)
                if c < bestCost { bestCost = c; best = w }
            }
            guard best >= 0 else { return false }
            result.warehouseOf[o] = best
            take(o, best, data)
            return true
        }
    }

    /// Orders by decreasing quantity, ties by index.
    private static func largestFirst(_ orders: [Int], _ data: AllocationData) -> [Int] {
        orders.sorted { data.quantity[$0] != data.quantity[$1] ? data.quantity[$0] > data.quantity[$1] : $0 < $1 }
    }

    /// - Parameter usable: when given, only the warehouses marked true may serve orders.
    static func solve(_ data: AllocationData, usable: [Bool]? = nil) -> SingleSourceAssignment {
        var placement = Placement(data)
        for o in largestFirst(Array(0..<data.orderCount), data) { _ = placement.placeCheapest(o, data, usable: usable) }
        return placement.result
    }

    /// Regret greedy over the warehouses marked usable: repeatedly places the order that would lose
    /// most by not getting its cheapest feasible warehouse. Quadratic in the orders; for small and
    /// medium problems (`solve` is used beyond that). Opening costs are ignored: the set is given.
    static func regret(_ data: AllocationData, usable: [Bool]) -> SingleSourceAssignment {
        let W = data.warehouseCount, O = data.orderCount, problem = data.problem
        guard O * O * W <= 40_000_000, !problem.warehouses.contains(where: { $0.stock != nil }) else {
            return solve(data, usable: usable)
        }
        var remaining = problem.warehouses.map(\.capacity)
        var result = SingleSourceAssignment(warehouseOf: Array(repeating: nil, count: O))
        var pending = Array(0..<O)
        while !pending.isEmpty {
            var pick = -1, pickWarehouse = -1
            var pickRegret = -Double.infinity
            for (k, o) in pending.enumerated() {
                var best = Double.infinity, second = Double.infinity, bestW = -1
                for w in 0..<W where usable[w] && data.allowed[o * W + w] && data.quantity[o] <= remaining[w] + 1e-9 {
                    let c = data.cost[o * W + w]
                    if c < best { second = best; best = c; bestW = w } else if c < second { second = c }
                }
                if bestW < 0 { return result }  // this order fits nowhere any more: incomplete
                let regret = second.isFinite ? second - best : .infinity
                if regret > pickRegret { pickRegret = regret; pick = k; pickWarehouse = bestW }
            }
            let o = pending.remove(at: pick)
            result.warehouseOf[o] = pickWarehouse
            remaining[pickWarehouse] -= data.quantity[o]
        }
        return result
    }

    /// Places the orders a partial assignment left out, largest first, each where it costs least
    /// (opening cost included when the warehouse is not yet used).
    static func complete(_ partial: SingleSourceAssignment, _ data: AllocationData) -> SingleSourceAssignment {
        var placement = Placement(data, from: partial)
        let missing = (0..<data.orderCount).filter { partial.warehouseOf[$0] == nil }
        for o in largestFirst(missing, data) where !placement.placeCheapest(o, data, usable: nil) { break }
        return placement.result
    }
}
