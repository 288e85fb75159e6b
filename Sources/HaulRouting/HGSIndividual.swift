/// One solution of the hybrid genetic search: a giant tour and its routes, with the
/// successor/predecessor arrays that the broken-pairs distance compares.
final class HGSIndividual {
    /// Unique id within a run (for proximity lists).
    let id: Int
    /// All customers in route order (the chromosome).
    var tour: [Int]
    /// Routes as customer sequences (no depots); empty routes are not stored.
    var routes: [[Int]] = []
    /// Successor and predecessor of each node (0 = depot).
    var succ: [Int]
    var pred: [Int]
    /// Total distance.
    var distance = 0.0
    /// Total load above the capacity.
    var excess = 0.0
    /// Distance plus penalised excess, with the penalty the individual was last evaluated with.
    var penalized = 0.0
    /// Biased fitness within its subpopulation (lower is better).
    var biasedFitness = 0.0
    /// Broken-pairs distances to the other members of the subpopulation, sorted increasingly.
    var proximity: [(distance: Double, id: Int)] = []

    init(id: Int, n: Int) {
        self.id = id
        tour = []
        tour.reserveCapacity(n)
        succ = [Int](repeating: 0, count: n + 1)
        pred = [Int](repeating: 0, count: n + 1)
    }

    var isFeasible: Bool { excess <= 1e-9 }

    /// Recomputes distance, excess, the penalised cost, `succ`/`pred` and the tour from `routes`.
    func evaluate(_ inst: CVRPInstance, penalty: Double) {
        distance = 0
        excess = 0
        tour.removeAll(keepingCapacity: true)
        for r in routes where !r.isEmpty {
            var load = 0.0
            var last = 0
            for c in r {
                distance += inst.d(last, c)
                load += inst.demand[c]
                pred[c] = last
                if last != 0 { succ[last] = c }
                last = c
                tour.append(c)
            }
            succ[last] = 0
            distance += inst.d(last, 0)
            excess += max(0, load - inst.capacity)
        }
        penalized = distance + penalty * excess
    }

    /// The broken-pairs distance to `other`: the share of customers whose neighbours differ.
    func brokenPairs(_ other: HGSIndividual) -> Double {
        let n = succ.count - 1
        var broken = 0
        for j in 1...n {
            let s = succ[j], p = pred[j]
            if s != other.succ[j] && s != other.pred[j] { broken += 1 }
            if p == 0 && other.pred[j] != 0 && other.succ[j] != 0 { broken += 1 }
        }
        return Double(broken) / Double(n)
    }

    /// Average distance to the `k` closest members.
    func averageClosest(_ k: Int) -> Double {
        let m = min(k, proximity.count)
        guard m > 0 else { return 0 }
        var s = 0.0
        for i in 0..<m { s += proximity[i].distance }
        return s / Double(m)
    }
}

/// Splits giant tours into routes (Prins 2004; Bellman recursion over routes of bounded load).
struct HGSSplit {
    var potential: [Double]
    var predecessor: [Int]
    var potentialK: [Double] = []
    var predecessorK: [Int] = []

    init(n: Int) {
        potential = [Double](repeating: 0, count: n + 1)
        predecessor = [Int](repeating: 0, count: n + 1)
    }

    /// Sets `ind.routes` to the best split of `ind.tour` under the capacity penalty, with at most
    /// `inst.routeSlots` routes, and evaluates the individual.
    mutating func split(_ ind: HGSIndividual, _ inst: CVRPInstance, penalty: Double) {
        let n = inst.n
        let tour = ind.tour
        let maxLoad = 1.5 * inst.capacity
        potential[0] = 0
        for j in 1...n { potential[j] = .infinity }
        for i in 0..<n where potential[i] < .infinity {
            var load = 0.0
            var dist = 0.0
            var j = i + 1
            while j <= n {
                let c = tour[j - 1]
                load += inst.demand[c]
                if j == i + 1 { dist = inst.d(0, c) } else {
                    if load > maxLoad { break }
                    dist += inst.d(tour[j - 2], c)
                }
                let cost = potential[i] + dist + inst.d(c, 0) + penalty * max(0, load - inst.capacity)
                if cost < potential[j] {
                    potential[j] = cost
                    predecessor[j] = i
                }
                j += 1
            }
        }
        var count = 0
        var j = n
        while j > 0 { j = predecessor[j]; count += 1 }
        var bounds: [Int] = []
        if count <= inst.routeSlots {
            bounds.reserveCapacity(count + 1)
            j = n
            while j > 0 { bounds.append(j); j = predecessor[j] }
            bounds.append(0)
        } else {
            bounds = splitLimited(tour, inst, penalty: penalty, routes: inst.routeSlots)
        }
        bounds.reverse()
        ind.routes.removeAll(keepingCapacity: true)
        for k in 0..<(bounds.count - 1) where bounds[k + 1] > bounds[k] {
            ind.routes.append(Array(tour[bounds[k]..<bounds[k + 1]]))
        }
        ind.evaluate(inst, penalty: penalty)
    }

    /// Split with at most `routes` routes (Bellman over route count); returns the route bounds from
    /// the end of the tour backwards.
    private mutating func splitLimited(_ tour: [Int], _ inst: CVRPInstance, penalty: Double, routes: Int) -> [Int] {
        let n = inst.n
        let w = n + 1
        if potentialK.count < (routes + 1) * w {
            potentialK = [Double](repeating: .infinity, count: (routes + 1) * w)
            predecessorK = [Int](repeating: 0, count: (routes + 1) * w)
        }
        for i in 0..<((routes + 1) * w) { potentialK[i] = .infinity }
        potentialK[0] = 0
        for k in 0..<routes {
            for i in k..<n where potentialK[k * w + i] < .infinity {
                var load = 0.0
                var dist = 0.0
                var j = i + 1
                while j <= n {
                    let c = tour[j - 1]
                    load += inst.demand[c]
                    if j == i + 1 { dist = inst.d(0, c) } else { dist += inst.d(tour[j - 2], c) }
                    let cost = potentialK[k * w + i] + dist + inst.d(c, 0) + penalty * max(0, load - inst.capacity)
                    if cost < potentialK[(k + 1) * w + j] {
                        potentialK[(k + 1) * w + j] = cost
                        predecessorK[(k + 1) * w + j] = i
                    }
                    j += 1
                }
            }
        }
        var bestK = 1
        for k in 1...routes where potentialK[k * w + n] < potentialK[bestK * w + n] { bestK = k }
        var bounds: [Int] = []
        var j = n
        var k = bestK
        while k > 0 {
            bounds.append(j)
            j = predecessorK[k * w + j]
            k -= 1
        }
        bounds.append(0)
        return bounds
    }
}
