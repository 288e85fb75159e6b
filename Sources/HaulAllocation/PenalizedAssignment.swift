import HaulCore

/// Assigns every order to one warehouse of a given open set (a generalised assignment problem)
/// by local search on a penalised cost: assignment cost plus ρ times the capacity overload, with
/// shift and swap moves; ρ doubles until the overload is gone. Starts from a preferred warehouse
/// per order where given (e.g. a Lagrangian solution), else from the cheapest open warehouse.
///
/// Only for problems without stock limits (the caller checks); returns nil when no feasible
/// assignment was found.
struct PenalizedAssignment {
    let data: AllocationData
    let W: Int
    let O: Int
    let capacity: [Double]

    init(_ data: AllocationData) {
        self.data = data
        W = data.warehouseCount
        O = data.orderCount
        capacity = data.problem.warehouses.map(\.capacity)
    }

    /// - Parameters:
    ///   - open: the warehouses that may serve orders.
    ///   - preferred: a starting warehouse per order (-1: none), used when it is open and allowed.
    func solve(open: [Bool], preferred: [Int]? = nil, isCancelled: () -> Bool = { false }) -> SingleSourceAssignment? {
        // Open warehouses each order may use, cheapest first.
        var options = [[Int]](repeating: [], count: O)
        for o in 0..<O {
            options[o] = (0..<W).filter { open[$0] && data.allowed[o * W + $0] }.sorted { data.cost[o * W + $0] < data.cost[o * W + $1] }
            if options[o].isEmpty { return nil }
        }
        var assign = [Int](repeating: -1, count: O)
        var load = [Double](repeating: 0, count: W)
        // Start: the preferred warehouse when it fits, then the orders left by regret (largest
        // difference between their two cheapest warehouses with room first), overloading if need be.
        if let preferred {
            for o in 0..<O {
                let w = preferred[o]
                if w >= 0, open[w], data.allowed[o * W + w], load[w] + data.quantity[o] <= capacity[w] + 1e-9 {
                    assign[o] = w; load[w] += data.quantity[o]
                }
            }
        }
        var pending = (0..<O).filter { assign[$0] < 0 }
        while !pending.isEmpty {
            var pick = 0, pickW = -1
            var pickRegret = -Double.infinity
            for (k, o) in pending.enumerated() {
                var best = -1, second = -1
                for w in options[o] where load[w] + data.quantity[o] <= capacity[w] + 1e-9 {
                    if best < 0 { best = w } else { second = w; break }
                }
                let regret: Double
                if best < 0 { regret = .infinity; best = options[o][0] }
                else if second < 0 { regret = 1e300 }
                else { regret = data.cost[o * W + second] - data.cost[o * W + best] }
                if regret > pickRegret || (regret == pickRegret && data.quantity[o] > data.quantity[pending[pick]]) {
                    pickRegret = regret; pick = k; pickW = best
                }
            }
            let o = pending.remove(at: pick)
            assign[o] = pickW
            load[pickW] += data.quantity[o]
        }
        func overload(_ w: Int, _ l: Double) -> Double { max(0, l - capacity[w]) }
        var totalOver = (0..<W).reduce(0.0) { $0 + overload($1, load[$1]) }
        if totalOver <= 1e-9 { return SingleSourceAssignment(warehouseOf: assign.map { Optional($0) }) }
        // The penalty starts at the typical cost spread per unit of quantity.
        var spread = 0.0
        for o in 0..<O where options[o].count > 1 {
            spread += (data.cost[o * W + options[o][1]] - data.cost[o * W + options[o][0]]) / max(data.quantity[o], 1e-9)
        }
        var rho = max(spread / Double(O), 1e-6)
        for _ in 0..<40 {
            if isCancelled() { return nil }
            var improved = true
            var passes = 0
            while improved && passes < 50 {
                improved = false
                passes += 1
                for o in 0..<O {
                    let w1 = assign[o], q = data.quantity[o]
                    let leave = overload(w1, load[w1] - q) - overload(w1, load[w1])
                    var bestDelta = -1e-9, bestW = -1
                    for w2 in options[o] where w2 != w1 {
                        let delta = data.cost[o * W + w2] - data.cost[o * W + w1]
                            + rho * (leave + overload(w2, load[w2] + q) - overload(w2, load[w2]))
                        if delta < bestDelta { bestDelta = delta; bestW = w2 }
                    }
                    if bestW >= 0 {
                        load[w1] -= q; load[bestW] += q; assign[o] = bestW
                        improved = true
                    }
                }
                for o1 in 0..<O {
                    let w1 = assign[o1], q1 = data.quantity[o1]
                    for o2 in (o1 + 1)..<O {
                        let w2 = assign[o2]
                        guard w1 != w2, data.allowed[o1 * W + w2], data.allowed[o2 * W + w1] else { continue }
                        let q2 = data.quantity[o2]
                        let costDelta = data.cost[o1 * W + w2] + data.cost[o2 * W + w1] - data.cost[o1 * W + w1] - data.cost[o2 * W + w2]
                        if q1 == q2 {
                            guard costDelta < -1e-9 else { continue }
                        } else {
                            let penaltyDelta = overload(w1, load[w1] - q1 + q2) + overload(w2, load[w2] - q2 + q1)
                                - overload(w1, load[w1]) - overload(w2, load[w2])
                            guard costDelta + rho * penaltyDelta < -1e-9 else { continue }
                        }
                        load[w1] += q2 - q1; load[w2] += q1 - q2
                        assign[o1] = w2; assign[o2] = w1
                        improved = true
                        break
                    }
                }
            }
            totalOver = (0..<W).reduce(0.0) { $0 + overload($1, load[$1]) }
            if totalOver <= 1e-9 { return SingleSourceAssignment(warehouseOf: assign.map { Optional($0) }) }
            rho *= 2
        }
        return nil
    }
}
