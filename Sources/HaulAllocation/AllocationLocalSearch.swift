import HaulCore

/// Improves a complete single-source allocation by local search: shift one order to another
/// warehouse, swap two orders between warehouses, close a warehouse and re-place its orders, open
/// a warehouse and pull the orders it serves more cheaply; the moves pay opening costs as they
/// open and close warehouses. Flat arrays throughout; stock is checked per SKU only when some
/// warehouse has limited stock.
struct AllocationLocalSearch {
    let data: AllocationData
    let W: Int
    let O: Int
    let capacity: [Double]
    let openingCost: [Double]
    let forcedOpen: [Bool]
    /// Order lines as (SKU index, quantity), flattened: lines of order o are lineStart[o]..<lineStart[o+1].
    let lineSKU: [Int]
    let lineQuantity: [Double]
    let lineStart: [Int]
    let skuCount: Int
    let hasStock: Bool

    var assign: [Int]
    var load: [Double]
    var count: [Int]
    /// Remaining stock, [w * skuCount + s]; infinity where not limited.
    var stock: [Double]
    var cost: Double

    init(_ data: AllocationData, start: SingleSourceAssignment) {
        self.data = data
        let problem = data.problem
        W = data.warehouseCount
        O = data.orderCount
        capacity = problem.warehouses.map(\.capacity)
        openingCost = problem.warehouses.map(\.openingCost)
        forcedOpen = problem.warehouses.map { $0.open == true }
        var skuIndex: [String: Int] = [:]
        var lineSKU: [Int] = [], lineQuantity: [Double] = [], lineStart: [Int] = [0]
        for order in problem.orders {
            for line in order.lines where !line.sku.isEmpty {
                let s = skuIndex[line.sku] ?? { skuIndex[line.sku] = skuIndex.count; return skuIndex.count - 1 }()
                lineSKU.append(s)
                lineQuantity.append(line.quantity)
            }
            lineStart.append(lineSKU.count)
        }
        self.lineSKU = lineSKU
        self.lineQuantity = lineQuantity
        self.lineStart = lineStart
        skuCount = skuIndex.count
        hasStock = skuCount > 0 && problem.warehouses.contains { $0.stock != nil }
        var stock = [Double](repeating: .infinity, count: hasStock ? W * skuCount : 0)
        if hasStock {
            for (w, house) in problem.warehouses.enumerated() {
                guard let s = house.stock else { continue }
                for (sku, k) in skuIndex { stock[w * skuCount + k] = s[sku] ?? 0 }
            }
        }
        assign = start.warehouseOf.map { $0! }
        load = [Double](repeating: 0, count: W)
        count = [Int](repeating: 0, count: W)
        self.stock = stock
        cost = 0
        for o in 0..<O {
            let w = assign[o]
            load[w] += data.quantity[o]
            count[w] += 1
            cost += data.cost[o * W + w]
            takeStock(o, w, sign: -1)
        }
        for w in 0..<W where count[w] > 0 || forcedOpen[w] { cost += openingCost[w] }
    }

    var assignment: SingleSourceAssignment { SingleSourceAssignment(warehouseOf: assign.map { Optional($0) }) }

    private mutating func takeStock(_ o: Int, _ w: Int, sign: Double) {
        guard hasStock else { return }
        for l in lineStart[o]..<lineStart[o + 1] { stock[w * skuCount + lineSKU[l]] += sign * lineQuantity[l] }
    }

    /// Whether w's remaining stock covers order o, after o2's units (if any) come back to w.
    private func stockAllows(_ o: Int, _ w: Int, returning o2: Int? = nil) -> Bool {
        guard hasStock else { return true }
        for l in lineStart[o]..<lineStart[o + 1] {
            var available = stock[w * skuCount + lineSKU[l]]
            if let o2 {
                for l2 in lineStart[o2]..<lineStart[o2 + 1] where lineSKU[l2] == lineSKU[l] { available += lineQuantity[l2] }
            }
            if lineQuantity[l] > available + 1e-9 { return false }
        }
        return true
    }

    /// Opening cost paid when warehouse w gains its first order.
    private func openDelta(_ w: Int) -> Double { count[w] == 0 && !forcedOpen[w] ? openingCost[w] : 0 }
    /// Opening cost saved when warehouse w loses its last order.
    private func closeDelta(_ w: Int) -> Double { count[w] == 1 && !forcedOpen[w] ? openingCost[w] : 0 }

    private mutating func move(_ o: Int, to w2: Int) {
        let w1 = assign[o]
        cost += data.cost[o * W + w2] - data.cost[o * W + w1] + openDelta(w2) - closeDelta(w1)
        load[w1] -= data.quantity[o]; count[w1] -= 1; takeStock(o, w1, sign: 1)
        load[w2] += data.quantity[o]; count[w2] += 1; takeStock(o, w2, sign: -1)
        assign[o] = w2
    }

    private func canMove(_ o: Int, to w: Int) -> Bool {
        data.allowed[o * W + w] && load[w] + data.quantity[o] <= capacity[w] + 1e-9 && stockAllows(o, w)
    }

    /// Shift and swap moves, first improvement, until none improves.
    mutating func descend(isCancelled: () -> Bool) {
        var improved = true
        var rounds = 0
        while improved {
            improved = false
            rounds += 1
            if isCancelled() { return }
            for o in 0..<O {
                let w1 = assign[o]
                let base = data.cost[o * W + w1] + closeDelta(w1)
                for w2 in 0..<W where w2 != w1 && data.cost[o * W + w2] + openDelta(w2) < base - 1e-9 && canMove(o, to: w2) {
                    move(o, to: w2)
                    improved = true
                    break
                }
            }
            for o1 in 0..<O {
                if o1 % 64 == 63 && isCancelled() { return }
                for o2 in (o1 + 1)..<O {
                    let w1 = assign[o1], w2 = assign[o2]
                    guard w1 != w2, data.allowed[o1 * W + w2], data.allowed[o2 * W + w1] else { continue }
                    let delta = data.cost[o1 * W + w2] + data.cost[o2 * W + w1] - data.cost[o1 * W + w1] - data.cost[o2 * W + w2]
                    guard delta < -1e-9 else { continue }
                    let q1 = data.quantity[o1], q2 = data.quantity[o2]
                    guard load[w1] - q1 + q2 <= capacity[w1] + 1e-9, load[w2] - q2 + q1 <= capacity[w2] + 1e-9 else { continue }
                    guard stockAllows(o1, w2, returning: o2), stockAllows(o2, w1, returning: o1) else { continue }
                    takeStock(o1, w1, sign: 1); takeStock(o2, w2, sign: 1)
                    takeStock(o1, w2, sign: -1); takeStock(o2, w1, sign: -1)
                    load[w1] += q2 - q1; load[w2] += q1 - q2
                    assign[o1] = w2; assign[o2] = w1
                    cost += delta
                    improved = true
                }
            }
        }
    }

    /// Tries closing each open warehouse (its orders go to the cheapest others that fit) and opening
    /// each closed one (orders it serves more cheaply move to it), each followed by descent;
    /// keeps a change only when the total cost falls. Returns whether anything improved.
    mutating func facilityMoves(isCancelled: () -> Bool) -> Bool {
        var improvedAny = false
        for w in 0..<W {
            if isCancelled() { return improvedAny }
            var trial = self
            if count[w] > 0 && !forcedOpen[w] {
                let orders = (0..<O).filter { assign[$0] == w }.sorted { data.quantity[$0] > data.quantity[$1] }
                var placed = true
                for o in orders {
                    var best = -1
                    var bestCost = Double.infinity
                    for w2 in 0..<W where w2 != w && trial.canMove(o, to: w2) {
                        let c = data.cost[o * W + w2] + trial.openDelta(w2)
                        if c < bestCost { bestCost = c; best = w2 }
                    }
                    if best < 0 { placed = false; break }
                    trial.move(o, to: best)
                }
                guard placed else { continue }
            } else if count[w] == 0 {
                let orders = (0..<O).filter { data.cost[$0 * W + w] < data.cost[$0 * W + assign[$0]] }
                    .sorted { data.cost[$0 * W + assign[$0]] - data.cost[$0 * W + w] > data.cost[$1 * W + assign[$1]] - data.cost[$1 * W + w] }
                for o in orders where trial.canMove(o, to: w) { trial.move(o, to: w) }
                if trial.count[w] == 0 { continue }
            } else {
                continue
            }
            trial.descend(isCancelled: isCancelled)
            if trial.cost < cost - 1e-9 {
                self = trial
                improvedAny = true
            }
        }
        return improvedAny
    }

    /// Descent and facility moves until neither improves, or the deadline passes.
    mutating func improve(deadline: Double, clock: Stopwatch, isCancelled: @escaping () -> Bool) {
        let stop = { isCancelled() || clock.elapsed >= deadline }
        descend(isCancelled: stop)
        while !stop() {
            if !facilityMoves(isCancelled: stop) { break }
        }
    }
}
