/// Hybrid genetic search for the pure CVRP (after Vidal 2022, HGS-CVRP; written for this package).
///
/// A population split into feasible and infeasible subpopulations; parents chosen by binary
/// tournament on biased fitness (cost rank plus diversity rank, diversity being the broken-pairs
/// distance to the closest members); OX crossover on giant tours; split into routes; education by
/// ``HGSLocalSearch`` with the capacity violation penalised; half of the infeasible offspring
/// repaired with a ten times larger penalty; the penalty adapted every 100 offspring towards 20%
/// feasible offspring; survivors chosen by removing clones and the worst biased fitness; a restart
/// of the population when the best solution has not improved for a while.
struct HybridGeneticSearch {
    struct Parameters {
        var minPopulation = 25
        var generationSize = 40
        var elite = 4
        var close = 5
        var targetFeasible = 0.2
        var penaltyInterval = 100
        var repairProbability = 0.5
        var restartAfter = 20_000
    }

    let inst: CVRPInstance
    let params: Parameters
    var rng: RoutingRandom
    var ls: HGSLocalSearch
    var splitter: HGSSplit
    var feasible: [HGSIndividual] = []
    var infeasible: [HGSIndividual] = []
    var penalty: Double
    var nextId = 0
    var recentFeasible: [Bool] = []
    /// Best feasible solution found: routes of internal customers and distance.
    var bestRoutes: [[Int]]? = nil
    var bestDistance = Double.infinity
    var iterations = 0
    /// Generations since the current population last improved the best solution (reset by a restart).
    var sinceImprovement = 0
    /// Generations since the best solution last improved (not reset by a restart).
    var sinceBest = 0

    init(_ inst: CVRPInstance, seed: UInt64, params: Parameters = Parameters()) {
        self.inst = inst
        self.params = params
        rng = RoutingRandom(seed: seed)
        ls = HGSLocalSearch(inst)
        splitter = HGSSplit(n: inst.n)
        penalty = max(0.1, min(1000, inst.maxDistance / max(inst.maxDemand, 1e-12)))
    }

    mutating func newIndividual() -> HGSIndividual {
        nextId += 1
        return HGSIndividual(id: nextId, n: inst.n)
    }

    /// Runs until `stop` says so or an iteration limit is reached; `improved` is called with the
    /// best distance whenever it improves.
    mutating func run(
        stop: inout StopCheck, maxIterations: Int?, maxIterationsWithoutImprovement: Int?,
        improved: (Double, Int) -> Void
    ) {
        initialPopulation(&stop, improved: improved)
        while !stop.shouldStop() {
            if let m = maxIterations, iterations >= m { break }
            if let m = maxIterationsWithoutImprovement, sinceBest >= max(m, 2 * params.restartAfter) { break }
            iterations += 1
            let p1 = tournament()
            let p2 = tournament()
            let child = newIndividual()
            crossover(p1.tour, p2.tour, into: child)
            educate(child, &stop, improved: improved)
            if iterations % params.penaltyInterval == 0 { managePenalty() }
            if sinceImprovement >= params.restartAfter {
                feasible.removeAll()
                infeasible.removeAll()
                sinceImprovement = 0
                initialPopulation(&stop, improved: improved)
            }
        }
    }

    mutating func initialPopulation(_ stop: inout StopCheck, improved: (Double, Int) -> Void) {
        let count = 4 * params.minPopulation
        for k in 0..<count {
            if k > 0 && stop.shouldStop() { return }
            let ind = newIndividual()
            ind.tour = Array(1...inst.n)
            rng.shuffle(&ind.tour)
            educate(ind, &stop, improved: improved)
        }
    }

    /// Split, local search, insertion, and repair of an infeasible offspring.
    mutating func educate(_ ind: HGSIndividual, _ stop: inout StopCheck, improved: (Double, Int) -> Void) {
        splitter.split(ind, inst, penalty: penalty)
        ls.run(ind, penalty: penalty, rng: &rng, stop: &stop)
        let wasFeasible = ind.isFeasible
        recentFeasible.append(wasFeasible)
        var improvedBest = add(ind, improved: improved)
        if !wasFeasible && rng.nextDouble() < params.repairProbability && !stop.stopped {
            let repaired = newIndividual()
            repaired.routes = ind.routes
            ls.run(repaired, penalty: penalty * 10, rng: &rng, stop: &stop)
            if repaired.isFeasible {
                repaired.penalized = repaired.distance
                if add(repaired, improved: improved) { improvedBest = true }
            }
        }
        if improvedBest {
            sinceImprovement = 0
            sinceBest = 0
        } else {
            sinceImprovement += 1
            sinceBest += 1
        }
    }

    // MARK: Population

    /// Inserts `ind` into its subpopulation; returns whether it is a new best feasible solution.
    @discardableResult
    mutating func add(_ ind: HGSIndividual, improved: (Double, Int) -> Void) -> Bool {
        let isFeasible = ind.isFeasible
        ind.penalized = ind.distance + penalty * ind.excess
        var sub = isFeasible ? feasible : infeasible
        if isFeasible { feasible = [] } else { infeasible = [] }
        for other in sub {
            let dist = ind.brokenPairs(other)
            insertSorted(&other.proximity, (dist, ind.id))
            insertSorted(&ind.proximity, (dist, other.id))
        }
        // Keep the subpopulation sorted by penalised cost.
        var at = sub.count
        while at > 0 && sub[at - 1].penalized > ind.penalized { at -= 1 }
        sub.insert(ind, at: at)
        if sub.count > params.minPopulation + params.generationSize {
            while sub.count > params.minPopulation { removeWorst(&sub) }
        }
        if isFeasible { feasible = sub } else { infeasible = sub }
        if isFeasible && ind.distance < bestDistance - inst.eps {
            bestDistance = ind.distance
            bestRoutes = ind.routes
            improved(ind.distance, iterations)
            return true
        }
        return false
    }

    func insertSorted(_ list: inout [(distance: Double, id: Int)], _ item: (Double, Int)) {
        var lo = 0, hi = list.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if list[mid].distance < item.0 || (list[mid].distance == item.0 && list[mid].id < item.1) {
                lo = mid + 1
            } else {
                hi = mid
            }
        }
        list.insert((item.0, item.1), at: lo)
    }

    func updateBiasedFitness(_ sub: [HGSIndividual]) {
        let m = sub.count
        if m == 1 { sub[0].biasedFitness = 0; return }
        // sub is sorted by penalised cost: rank i. Diversity rank: decreasing average closeness.
        var diversity = [(Double, Int)]()
        diversity.reserveCapacity(m)
        for i in 0..<m { diversity.append((-sub[i].averageClosest(params.close), i)) }
        diversity.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
        let eliteShare = 1.0 - Double(params.elite) / Double(m)
        for (rank, entry) in diversity.enumerated() {
            let divRank = Double(rank) / Double(m - 1)
            let fitRank = Double(entry.1) / Double(m - 1)
            sub[entry.1].biasedFitness = fitRank + (m <= params.elite ? 0 : eliteShare * divRank)
        }
    }

    mutating func removeWorst(_ sub: inout [HGSIndividual]) {
        updateBiasedFitness(sub)
        var worst = 1
        var worstClone = false
        var worstFit = -Double.infinity
        for i in 1..<sub.count {
            let isClone = (sub[i].proximity.first?.distance ?? 1) < 1e-12
            if (isClone && !worstClone) || (isClone == worstClone && sub[i].biasedFitness > worstFit) {
                worst = i
                worstClone = isClone
                worstFit = sub[i].biasedFitness
            }
        }
        let removed = sub.remove(at: worst)
        for other in sub {
            if let k = other.proximity.firstIndex(where: { $0.id == removed.id }) {
                other.proximity.remove(at: k)
            }
        }
    }

    mutating func tournament() -> HGSIndividual {
        updateBiasedFitness(feasible)
        updateBiasedFitness(infeasible)
        let total = feasible.count + infeasible.count
        let a = rng.nextInt(total), b = rng.nextInt(total)
        let ia = a < feasible.count ? feasible[a] : infeasible[a - feasible.count]
        let ib = b < feasible.count ? feasible[b] : infeasible[b - feasible.count]
        return ia.biasedFitness < ib.biasedFitness ? ia : ib
    }

    /// Ordered crossover (OX) of two giant tours.
    mutating func crossover(_ a: [Int], _ b: [Int], into child: HGSIndividual) {
        let n = inst.n
        let start = rng.nextInt(n)
        var end = rng.nextInt(n)
        while end == start && n > 1 { end = rng.nextInt(n) }
        var taken = [Bool](repeating: false, count: n + 1)
        var tour = [Int](repeating: 0, count: n)
        var i = start
        while true {
            tour[i] = a[i]
            taken[a[i]] = true
            if i == end { break }
            i = (i + 1) % n
        }
        var write = (end + 1) % n
        for k in 1...n {
            let c = b[(end + k) % n]
            if taken[c] { continue }
            tour[write] = c
            write = (write + 1) % n
        }
        child.tour = tour
    }

    /// Adapts the capacity penalty to the share of feasible offspring and re-sorts the infeasible
    /// subpopulation under the new penalty.
    mutating func managePenalty() {
        guard !recentFeasible.isEmpty else { return }
        let share = Double(recentFeasible.reduce(0) { $0 + ($1 ? 1 : 0) }) / Double(recentFeasible.count)
        recentFeasible.removeAll(keepingCapacity: true)
        if share < params.targetFeasible - 0.05 {
            penalty = min(100_000, penalty * 1.2)
        } else if share > params.targetFeasible + 0.05 {
            penalty = max(0.1, penalty * 0.85)
        }
        for ind in infeasible { ind.penalized = ind.distance + penalty * ind.excess }
        infeasible.sort { $0.penalized < $1.penalized }
    }
}
