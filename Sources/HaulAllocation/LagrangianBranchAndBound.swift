import HaulCore

/// An exact search for single-source allocation without stock limits: depth-first branch and
/// bound whose nodes are bounded by the Lagrangian relaxation of ``LagrangianBound`` (knapsack per
/// warehouse, covering knapsack over the warehouses) under the node's restrictions.
///
/// At each node: propagation (an order with one usable warehouse is fixed there), subgradient
/// ascent from the parent's multipliers, pruning against the incumbent, a primal heuristic
/// (``PenalizedAssignment`` on the relaxed open set, then local search), reduced-cost fixing of
/// warehouses and order–warehouse pairs from the Lagrangian penalties, and branching either on a
/// warehouse (open / closed) or on an order (one child per warehouse it may still use), whichever
/// has the largest smallest-child bound, children with the smaller bound first.
///
/// With integer costs a node is pruned when its bound exceeds the incumbent minus one; otherwise
/// when it is within ``fractionalTolerance`` (relative) of it. ``lowerBound`` is then a valid bound
/// on the optimum.
struct LagrangianBranchAndBound {
    let data: AllocationData
    let lagrangian: LagrangianBound
    let W: Int
    let O: Int
    /// Assignment and opening costs are all integers.
    let integralCosts: Bool
    /// With fractional costs, a node is pruned when its bound is within this fraction of the
    /// incumbent. Small enough that a proven plan matches an optimum given to two decimals
    /// (Lib_3's p25, 19,241,056.93: a relative 1e-6 accepted a plan 0.87 above it), large enough
    /// for the rounding of sums of a thousand costs.
    static let fractionalTolerance = 1e-10

    /// The best plan found (warehouse per order) and its cost.
    private(set) var incumbent: [Int]?
    private(set) var upperBound: Double
    /// Lower bound over the pruned and infeasible parts of the tree (and the open nodes when stopped early).
    private(set) var lowerBound = -Double.infinity
    /// Whether the search finished: then `lowerBound` closes the gap (within the pruning tolerance).
    private(set) var finished = false
    private(set) var nodes = 0
    private(set) var subgradientIterations = 0

    /// Subgradient iterations per node below the root, where column generation does not follow.
    var nodeIterations = 3000
    var nodeStallLimit = 30
    /// The same where the master's column generation follows the ascent: the ascent then only
    /// gives the master a start and prunes the nodes it can prune cheaply. Measured on Lib_1 p33
    /// and p51 (60 s): with 3,000 iterations (stall limit 30) the ascents took 78% of the time and
    /// neither was proven; with 100 (stall limit 10) both were, p33 in 14.5 s.
    var masterNodeIterations = 100
    var masterNodeStallLimit = 10
    var nodeInitialStep = 2.0
    var nodeMinimumStep = 0.001
    /// First cutoff: this fraction above the lower bound (doubling per run that finds nothing).
    var initialCutoffFraction = 0.0001
    var cutoffGrowth = 2.0
    private(set) var cutoffRuns = 0
    /// Seconds left for the search (nil: unknown); bounds each LP solve.
    var remainingTime: (() -> Double?)?
    /// Diagnostics.
    var log: ((String) -> Void)?
    /// Bound nodes by column generation on the Dantzig–Wolfe master (else by subgradient steps).
    var useMaster = true
    /// Branch on the orders only once every warehouse is open or closed (where the master's LP
    /// does not choose). Set by ``AllocationSolver`` where nodes are bounded by subgradient steps.
    var warehousesFirst = false
    /// Column generation iterations per node.
    var masterIterations = 300
    private(set) var masterIterationsDone = 0
    private(set) var masterColumns = 0
    private(set) var masterSimplexIterations = 0
    var smoothing = 0.5
    /// Called with the cost of every new incumbent.
    var onIncumbent: ((Double) -> Void)?

    struct Node {
        var restrictions: Restrictions
        var lambda: [Double]
        var bound: Double
        var depth: Int
    }

    /// Restrictions of the search's root: the problem's own, or a region of it (one open set).
    var root: Restrictions
    /// Open sets (of incumbents) whose assignments were already searched on their own.
    private var searchedOpenSets = Set<[Bool]>()
    /// Open sets (of incumbents) whose neighbours were already tried.
    private var exploredNeighbourhoods = Set<[Bool]>()
    /// Nodes one search of an open set may take, as a share of the tree's nodes so far (at least
    /// ``openSetMinimumNodes``). Budgets count nodes, not seconds, so that a search that finishes
    /// is deterministic.
    var openSetSearchShare = 0.25
    /// Nodes all open-set searches may take together, as a share of the tree's nodes (at least
    /// twice ``openSetMinimumNodes``).
    var openSetTotalShare = 0.5
    var openSetMinimumNodes = 50
    /// Plans within this fraction above the incumbent get their open set searched.
    var openSetSearchMargin = 0.002
    /// Nodes of every run together after which the search stops (unfinished).
    var nodeLimit = Int.max
    private(set) var openSetNodes = 0
    /// Neighbouring open sets given a quick plan, and how many of them are searched, after an
    /// open-set search improves the incumbent.
    var openSetNeighbourLimit = 60
    var openSetNeighbourSearches = 3
    /// Whether plans' open sets are searched on their own (off inside such a search).
    var searchesOpenSets = true
    /// The lower bound proved before the cutoff runs, and the root multipliers, for open-set searches.
    private var rootProved = -Double.infinity
    private var rootLambda: [Double]?

    /// - Parameter cutoff: when given (and below the incumbent's cost), only plans cheaper than it are sought.
    init(_ data: AllocationData, lagrangian: LagrangianBound, incumbent: SingleSourceAssignment?, cutoff: Double? = nil) {
        self.data = data
        self.lagrangian = lagrangian
        root = lagrangian.root
        W = data.warehouseCount
        O = data.orderCount
        var integral = data.problem.warehouses.allSatisfy { $0.openingCost == $0.openingCost.rounded() }
        if integral {
            for k in 0..<(W * O) where data.allowed[k] && data.cost[k] != data.cost[k].rounded() { integral = false; break }
        }
        integralCosts = integral
        if let incumbent, incumbent.isComplete() {
            self.incumbent = incumbent.warehouseOf.map { $0! }
            upperBound = incumbent.cost(data)
        } else {
            upperBound = .infinity
        }
        if let cutoff, cutoff < upperBound { upperBound = cutoff }
    }

    /// Bounds at or above this cannot lead to a plan better than the incumbent.
    var pruneLimit: Double {
        let target = min(upperBound, cutoff)
        guard target.isFinite else { return .infinity }
        return integralCosts ? target - 1 + 1e-6 : target - Self.fractionalTolerance * max(1, abs(target))
    }

    /// Plans are sought below this (and below the incumbent): a cutoff under the incumbent makes
    /// the tree smaller, and a tree that finishes without a plan proves the optimum is at least it.
    var cutoff = Double.infinity
    /// The master shared by all runs (its columns stay).
    private var master: AllocationMaster?

    /// What a bound proves about the optimum of its subtree (integer costs: rounded up).
    private func proven(_ bound: Double) -> Double {
        integralCosts && bound.isFinite ? (bound - 1e-7).rounded(.up) : bound
    }

    private mutating func offer(_ assignment: [Int]) {
        let candidate = SingleSourceAssignment(warehouseOf: assignment.map { Optional($0) })
        guard isFeasible(assignment) else { return }
        let cost = candidate.cost(data)
        if cost < upperBound - 1e-9 {
            upperBound = cost
            incumbent = assignment
            onIncumbent?(cost)
        }
    }

    private func isFeasible(_ assignment: [Int]) -> Bool {
        var load = [Double](repeating: 0, count: W)
        for o in 0..<O {
            let w = assignment[o]
            guard w >= 0, data.allowed[o * W + w] else { return false }
            load[w] += data.quantity[o]
        }
        for w in 0..<W where load[w] > data.problem.warehouses[w].capacity + 1e-9 { return false }
        return true
    }

    /// Fixes every free order that has a single usable warehouse left; marks the node infeasible
    /// when some order has none.
    private func propagate(_ r: inout Restrictions) {
        var changed = true
        while changed && r.feasible {
            changed = false
            for o in 0..<O where r.assigned[o] < 0 {
                var count = 0, last = -1
                for w in 0..<W where r.facility[w] >= 0 && !r.banned[o * W + w] && data.quantity[o] <= r.room[w] + 1e-9 {
                    count += 1; last = w
                    if count > 1 { break }
                }
                if count == 0 { r.feasible = false; return }
                if count == 1 { r.assign(o, last, data); changed = true }
            }
        }
    }

    /// Searches until the tree is exhausted, `stop()` holds, or the node limit is reached.
    mutating func solve(rootLambda: [Double]?, stop: () -> Bool, nodeLimit: Int = .max) {
        let heuristic = PenalizedAssignment(data)
        makeMaster()
        let master = self.master
        if let master, let incumbent { master.addPlan(incumbent) }
        finished = false
        var stack: [Node] = [Node(restrictions: root, lambda: rootLambda ?? lagrangian.initialMultipliers(),
                                  bound: -.infinity, depth: 0)]
        var leafBound = Double.infinity  // min over pruned leaves of what their bound proves
        var tried = Set<[Bool]>()
        while let node = stack.popLast() {
            if node.bound >= pruneLimit { leafBound = min(leafBound, proven(node.bound)); continue }
            if stop() || nodes >= nodeLimit || nodes >= self.nodeLimit {
                stack.append(node)
                break
            }
            nodes += 1
            var r = node.restrictions
            propagate(&r)
            // An infeasible node holds no plan below the current limit (its fixings came from it).
            guard r.feasible else { leafBound = min(leafBound, proven(pruneLimit)); continue }
            var lambda = node.lambda
            var relaxed: LagrangianBound.Relaxed
            var lpSolution: AllocationMaster.Result?
            var extraLambdas: [[Double]] = []
            var rounds = 0
            var children: [Node] = []
            var stoppedInside = false
            while true {
                rounds += 1
                let limit = pruneLimit
                // A root without multipliers gets a full ascent; elsewhere one from the parent's.
                let isRoot = node.depth == 0 && rounds == 1 && rootLambda == nil
                let ascent = lagrangian.ascend(
                    from: lambda, r, target: min(upperBound, cutoff).isFinite ? min(upperBound, cutoff) : node.bound + 1, stopAt: limit,
                    maxIterations: isRoot ? 3000 : master != nil ? masterNodeIterations : nodeIterations,
                    stallLimit: isRoot ? max(20, min(100, O / 2)) : master != nil ? masterNodeStallLimit : nodeStallLimit,
                    initialStep: isRoot ? 2 : nodeInitialStep, minimumStep: isRoot ? 1e-3 : nodeMinimumStep,
                    stop: stop)
                subgradientIterations += ascent.iterations
                lambda = ascent.lambda
                // Every knapsack solved at the best multipliers: exact values for fixing and branching.
                relaxed = lagrangian.lazyKnapsacks && ascent.best.bound.isFinite ? lagrangian.evaluate(lambda, r, solveAll: true) : ascent.best
                extraLambdas = []
                // Column generation for the exact bound when the subgradient's does not prune.
                if let master, relaxed.bound.isFinite, relaxed.bound < limit, !stop() {
                    let result = master.solve(r, start: lambda, stopAt: limit, maxIterations: masterIterations, stop: stop)
                    masterIterationsDone += result.iterations
                    lpSolution = result
                    if result.bound >= limit {
                        relaxed = result.relaxed; lambda = result.lambda
                    } else if result.bound > relaxed.bound {
                        extraLambdas = [lambda]; relaxed = result.relaxed; lambda = result.lambda
                    }
                    if !result.converged && result.bound < limit && stop() { stoppedInside = true }
                }
                if !relaxed.bound.isFinite { break }
                // The relaxed solution may be a plan: every free order served exactly once.
                if (0..<O).allSatisfy({ r.assigned[$0] >= 0 || relaxed.served[$0] == 1 }) {
                    var plan = r.assigned
                    for w in 0..<W where relaxed.open[w] { for o in relaxed.chosen[w] { plan[o] = w } }
                    offer(plan)
                }
                // So may the LP solution: every free order wholly at one warehouse.
                if let lp = lpSolution, !lp.usesArtificial, lp.lpValue < upperBound - 1e-9 {
                    var plan = r.assigned
                    var integral = true
                    for o in 0..<O where plan[o] < 0 {
                        guard let w = (0..<W).first(where: { lp.flow[o * W + $0] > 1 - 1e-6 }) else { integral = false; break }
                        plan[o] = w
                    }
                    if integral { offer(plan) }
                }
                if relaxed.bound >= pruneLimit || stoppedInside { break }
                // A plan from the relaxed open set (or the LP's), repaired by the penalised assignment.
                var open = relaxed.open
                var preferred = lagrangian.preferredWarehouses(relaxed)
                if let lp = lpSolution, !lp.usesArtificial {
                    for w in 0..<W { open[w] = lp.opening[w] > 1e-6 }
                    for o in 0..<O {
                        var best = -1
                        for w in 0..<W where lp.flow[o * W + w] > 1e-6 && (best < 0 || lp.flow[o * W + w] > lp.flow[o * W + best]) { best = w }
                        if best >= 0 { preferred[o] = best }
                    }
                }
                for w in 0..<W where r.facility[w] > 0 { open[w] = true }
                for o in 0..<O where r.assigned[o] >= 0 { preferred[o] = r.assigned[o] }
                if tried.count < 100_000, tried.insert(open).inserted || lpSolution != nil {
                    if let start = heuristic.solve(open: open, preferred: preferred, isCancelled: stop) {
                        var search = AllocationLocalSearch(data, start: start)
                        search.descend(isCancelled: stop)
                        if search.cost < upperBound - 1e-9 { offer(search.assign) }
                        if search.cost < upperBound * (1 + openSetSearchMargin) { searchOpenSet(of: search.assign, stop: stop) }
                    }
                }
                if relaxed.bound >= pruneLimit { break }
                // Reduced-cost fixing against the incumbent.
                var (openBound, closedBound) = lagrangian.facilityBounds(relaxed, lambda, r)
                var pairBound = lagrangian.pairBounds(relaxed, lambda, r, openBound: openBound)
                // Every multiplier vector gives valid penalties: keep the strongest.
                for extra in extraLambdas {
                    let other = lagrangian.evaluate(extra, r)
                    let (o2, c2) = lagrangian.facilityBounds(other, extra, r)
                    let p2 = lagrangian.pairBounds(other, extra, r, openBound: o2)
                    for w in 0..<W { openBound[w] = max(openBound[w], o2[w]); closedBound[w] = max(closedBound[w], c2[w]) }
                    for k in 0..<(O * W) { pairBound[k] = max(pairBound[k], p2[k]) }
                }
                if relaxed.bound >= pruneLimit { break }
                let cut = pruneLimit
                var changed = false
                for w in 0..<W where r.facility[w] == 0 {
                    if openBound[w] >= cut { r.close(w, data); changed = true }
                    else if closedBound[w] >= cut { r.facility[w] = 1; changed = true }
                }
                for o in 0..<O where r.assigned[o] < 0 {
                    for w in 0..<W where !r.banned[o * W + w] && r.facility[w] >= 0 && pairBound[o * W + w] >= cut {
                        r.banned[o * W + w] = true; changed = true
                    }
                }
                if changed {
                    // What was fixed away is proven only to cost at least the cut, however high the
                    // bound of what remains: the tree's lower bound may not exceed that.
                    leafBound = min(leafBound, proven(cut))
                    propagate(&r)
                }
                guard r.feasible else { break }
                if changed && rounds < 4 { continue }
                let base = max(node.bound, relaxed.bound)
                // Branching on the LP solution: the most fractional warehouse, else the most fractional pair.
                if let lp = lpSolution, !changed, !lp.usesArtificial {
                    var pickW = -1, pickScore = 1e-6
                    for w in 0..<W where r.facility[w] == 0 {
                        let f = min(lp.opening[w], 1 - lp.opening[w])
                        if f > pickScore { pickScore = f; pickW = w }
                    }
                    if pickW >= 0 {
                        let w = pickW
                        // The side the LP leans to first (the stack pops the last child first).
                        children = warehouseChildren(w, r, lambda: lambda, bounds: (max(base, openBound[w]), max(base, closedBound[w])),
                                                     depth: node.depth + 1, openFirst: lp.opening[w] >= 0.5)
                        break
                    }
                    var pickO = -1, pickPairW = -1
                    pickScore = 1e-6
                    for o in 0..<O where r.assigned[o] < 0 {
                        for w in 0..<W {
                            let v = lp.flow[o * W + w]
                            let f = min(v, 1 - v)
                            if f > pickScore { pickScore = f; pickO = o; pickPairW = w }
                        }
                    }
                    if pickO >= 0 {
                        let o = pickO, w = pickPairW
                        var assignR = r, banR = r
                        assignR.assign(o, w, data)
                        banR.banned[o * W + w] = true
                        let assignChild = Node(restrictions: assignR, lambda: lambda, bound: max(base, pairBound[o * W + w]), depth: node.depth + 1)
                        let banChild = Node(restrictions: banR, lambda: lambda, bound: base, depth: node.depth + 1)
                        children = lp.flow[o * W + w] >= 0.5 ? [banChild, assignChild] : [assignChild, banChild]
                        break
                    }
                }
                // Branching on Lagrangian penalties: the warehouse, or the order, whose smallest
                // child bound is largest; orders only once every warehouse is decided when
                // `warehousesFirst`.
                var bestScore = -Double.infinity
                var branchWarehouse = -1, branchOrder = -1
                for w in 0..<W where r.facility[w] == 0 {
                    let score = min(openBound[w], closedBound[w])
                    if score > bestScore { bestScore = score; branchWarehouse = w; branchOrder = -1 }
                }
                var orderChildren: [(w: Int, bound: Double)] = []
                for o in 0..<O where r.assigned[o] < 0 && !(warehousesFirst && branchWarehouse >= 0) {
                    var first = Double.infinity, second = Double.infinity
                    for w in 0..<W where !r.banned[o * W + w] && r.facility[w] >= 0 && data.quantity[o] <= r.room[w] + 1e-9 {
                        let b = pairBound[o * W + w]
                        if b < first { second = first; first = b } else if b < second { second = b }
                    }
                    // An order served exactly once in the relaxation scores only as a tie-breaker.
                    let score = relaxed.served[o] == 1 ? min(second, first) : second
                    if score > bestScore { bestScore = score; branchOrder = o; branchWarehouse = -1 }
                }
                if branchOrder >= 0 {
                    let o = branchOrder
                    for w in 0..<W where !r.banned[o * W + w] && r.facility[w] >= 0 && data.quantity[o] <= r.room[w] + 1e-9 {
                        orderChildren.append((w, max(base, pairBound[o * W + w])))
                    }
                    for child in orderChildren.sorted(by: { $0.bound > $1.bound }) {
                        var cr = r
                        cr.assign(o, child.w, data)
                        children.append(Node(restrictions: cr, lambda: lambda, bound: child.bound, depth: node.depth + 1))
                    }
                } else if branchWarehouse >= 0 {
                    let w = branchWarehouse
                    let bounds = (max(base, openBound[w]), max(base, closedBound[w]))
                    children = warehouseChildren(w, r, lambda: lambda, bounds: bounds, depth: node.depth + 1, openFirst: bounds.0 <= bounds.1)
                } else {
                    // Nothing left to branch on: every order is fixed, and the node is a plan.
                    if (0..<O).allSatisfy({ r.assigned[$0] >= 0 }) { offer(r.assigned) }
                }
                break
            }
            if stoppedInside {
                // Out of time inside the node: it stays open with the bound it reached.
                stack.append(Node(restrictions: r, lambda: lambda, bound: max(node.bound, relaxed.bound), depth: node.depth))
                break
            }
            if children.isEmpty {
                if r.feasible && relaxed.bound.isFinite && relaxed.bound >= pruneLimit { leafBound = min(leafBound, proven(relaxed.bound)) }
                else if !r.feasible || !relaxed.bound.isFinite { leafBound = min(leafBound, proven(pruneLimit)) }
                continue
            }
            stack.append(contentsOf: children)
        }
        var open = stack.reduce(Double.infinity) { min($0, proven($1.bound)) }
        if stack.isEmpty { finished = true; open = .infinity }
        lowerBound = min(upperBound, leafBound, open)
        masterColumns = master?.lp.columnCount ?? 0
        masterSimplexIterations = master?.lp.simplexIterations ?? 0
    }

    /// Creates the master shared by all runs (when ``useMaster``).
    private mutating func makeMaster() {
        if useMaster && master == nil {
            master = AllocationMaster(lagrangian)
            master?.smoothing = smoothing
            master?.lpTimeLimit = remainingTime
            if let incumbent { master?.addPlan(incumbent) }
        }
    }

    /// The two children of branching on warehouse `w` (open, closed) with their bounds, ordered
    /// for the stack so that the open child is explored first when `openFirst`.
    private func warehouseChildren(_ w: Int, _ r: Restrictions, lambda: [Double], bounds: (open: Double, closed: Double),
                                   depth: Int, openFirst: Bool) -> [Node] {
        var openR = r, closedR = r
        openR.facility[w] = 1
        closedR.close(w, data)
        let openChild = Node(restrictions: openR, lambda: lambda, bound: bounds.open, depth: depth)
        let closedChild = Node(restrictions: closedR, lambda: lambda, bound: bounds.closed, depth: depth)
        return openFirst ? [closedChild, openChild] : [openChild, closedChild]
    }

    /// Searches with rising cutoffs: each run looks only for plans below a cutoff between the
    /// proven lower bound and the incumbent, which prunes hard; a run that finishes without a plan
    /// raises the proven lower bound to its cutoff, and a run that finds one ends the search with
    /// the incumbent as cutoff (then it is a proof of optimality). `lower` is a valid lower bound
    /// to start from (e.g. the root's Lagrangian bound).
    mutating func searchWithCutoffs(lower: Double, rootLambda: [Double]?, stop: () -> Bool) {
        var proved = proven(lower)
        self.rootLambda = rootLambda
        rootProved = proved
        // The root's exact Lagrangian bound by column generation.
        makeMaster()
        if let master {
            let rootLP = master.solve(root, start: rootLambda ?? lagrangian.initialMultipliers(), stopAt: pruneLimit,
                                    maxIterations: masterIterations, stop: stop)
            masterIterationsDone += rootLP.iterations
            proved = max(proved, proven(rootLP.bound))
            log?("root column generation: bound \(rootLP.bound), LP \(rootLP.lpValue), \(rootLP.iterations) iterations, converged \(rootLP.converged)")
        }
        if let incumbent { rootProved = proved; searchOpenSet(of: incumbent, stop: stop) }
        var fraction = initialCutoffFraction
        while true {
            guard upperBound.isFinite else { cutoff = .infinity; solve(rootLambda: rootLambda, stop: stop); return }
            let gap = upperBound - proved
            if gap <= (integralCosts ? 0.5 : Self.fractionalTolerance * max(1, abs(upperBound))) {
                finished = true
                lowerBound = min(upperBound, proved)
                return
            }
            var target = proved + max(integralCosts ? 1 : 0, abs(proved) * fraction, 1e-9)
            if integralCosts { target = target.rounded(.up) }
            cutoff = target >= upperBound - 1e-9 ? .infinity : target
            let before = upperBound
            cutoffRuns += 1
            solve(rootLambda: rootLambda, stop: stop)
            log?("cutoff run \(cutoffRuns): cutoff \(cutoff) incumbent \(before) -> \(upperBound), finished \(finished), lower \(lowerBound), nodes \(nodes)")
            if !finished {
                lowerBound = max(lowerBound, proved)
                cutoff = .infinity
                return
            }
            if cutoff == .infinity || upperBound < before - 1e-9 {
                // The run finished below the incumbent: that is a proof.
                if upperBound < cutoff { cutoff = .infinity }
                lowerBound = max(lowerBound, proved)
                if cutoff == .infinity { return }
            }
            proved = max(proved, lowerBound)
            fraction = min(1, fraction * cutoffGrowth)
            if upperBound < before - 1e-9, let incumbent { searchOpenSet(of: incumbent, stop: stop) }
        }
    }

    /// Looks for a cheaper plan that opens exactly the warehouses `plan` uses: with the open set
    /// fixed, what is left is a generalised assignment problem, which the same search (its own
    /// cutoff runs, on subgradient bounds) solves far faster than the whole tree finds its plans.
    /// A heuristic for the whole problem: only the plan it finds is kept, never a bound. Runs once
    /// per open set, within a node budget (``openSetSearchShare``, ``openSetTotalShare``) that
    /// weighs a node of the tree bounded by column generation as three of the open-set search's.
    /// The warehouses a plan uses.
    private func open(of plan: [Int]) -> [Bool] {
        var open = [Bool](repeating: false, count: W)
        for w in plan { open[w] = true }
        return open
    }

    private mutating func searchOpenSet(of plan: [Int], stop: () -> Bool) {
        guard searchesOpenSets else { return }
        let weight = master != nil ? 3.0 : 1.0
        let treeNodes = weight * Double(nodes)
        guard openSetNodes < max(2 * openSetMinimumNodes, Int(openSetTotalShare * treeNodes)) else { return }
        let open = self.open(of: plan)
        guard searchedOpenSets.insert(open).inserted else { return }
        var region = root
        for w in 0..<W {
            if open[w] {
                guard region.facility[w] >= 0 else { return }
                region.facility[w] = 1
            } else {
                region.close(w, data)
            }
        }
        guard region.feasible else { return }
        var sub = LagrangianBranchAndBound(data, lagrangian: lagrangian,
                                           incumbent: SingleSourceAssignment(warehouseOf: plan.map { Optional($0) }),
                                           cutoff: upperBound)
        sub.root = region
        sub.searchesOpenSets = false
        // Subgradient bounds only: on one open set they are as tight, and far cheaper than the master.
        sub.useMaster = false
        sub.remainingTime = remainingTime
        sub.nodeLimit = max(openSetMinimumNodes, Int(openSetSearchShare * treeNodes))
        let before = upperBound
        sub.searchWithCutoffs(lower: rootProved, rootLambda: rootLambda, stop: stop)
        subgradientIterations += sub.subgradientIterations
        openSetNodes += sub.nodes
        let improved = sub.incumbent != nil && sub.upperBound < upperBound - 1e-9
        if improved, let found = sub.incumbent { offer(found) }
        log?("open-set search: \(open.filter { $0 }.count) open, incumbent \(before) -> \(upperBound), \(sub.nodes) nodes, finished \(sub.finished)")
        // The neighbours of a new incumbent's open set, once per open set. (Also trying those of
        // an incumbent the search did not improve cost more than it found on Lib_2: 180.7 s
        // against 159.7 s on its seven slowest instances.)
        if improved, let incumbent, exploredNeighbourhoods.insert(self.open(of: incumbent)).inserted {
            searchNeighbourOpenSets(of: incumbent, stop: stop)
        }
    }

    /// Open sets one change away from `plan`'s (a warehouse opened, closed, or swapped for
    /// another), the ``openSetNeighbourLimit`` most promising by the root's Lagrangian warehouse
    /// values, each given a quick plan (penalised assignment from `plan`, then descent); the open
    /// sets of the ``openSetNeighbourSearches`` cheapest plans within ``openSetSearchMargin`` of the
    /// incumbent are searched in turn. A search that improves the incumbent starts this again from
    /// the new plan, so improvements walk from open set to open set.
    private mutating func searchNeighbourOpenSets(of plan: [Int], stop: () -> Bool) {
        let values = lagrangian.bestValues
        guard values.count == W else { return }
        let open = self.open(of: plan)
        var moves: [(score: Double, close: Int, open: Int)] = []
        for a in 0..<W where open[a] && root.facility[a] == 0 { moves.append((-values[a], a, -1)) }
        for b in 0..<W where !open[b] && root.facility[b] >= 0 {
            moves.append((values[b], -1, b))
            for a in 0..<W where open[a] && root.facility[a] == 0 { moves.append((values[b] - values[a], a, b)) }
        }
        moves.sort { $0.score < $1.score }
        let heuristic = PenalizedAssignment(data)
        var candidates: [(cost: Double, plan: [Int])] = []
        for move in moves.prefix(openSetNeighbourLimit) {
            if stop() { return }
            var trial = open
            if move.close >= 0 { trial[move.close] = false }
            if move.open >= 0 { trial[move.open] = true }
            guard let start = heuristic.solve(open: trial, preferred: plan, isCancelled: stop) else { continue }
            var search = AllocationLocalSearch(data, start: start)
            search.descend(isCancelled: stop)
            if search.cost < upperBound - 1e-9 { offer(search.assign) }
            if search.cost < upperBound * (1 + openSetSearchMargin) { candidates.append((search.cost, search.assign)) }
        }
        for candidate in candidates.sorted(by: { $0.cost < $1.cost }).prefix(openSetNeighbourSearches) {
            if stop() { return }
            searchOpenSet(of: candidate.plan, stop: stop)
        }
    }
}
