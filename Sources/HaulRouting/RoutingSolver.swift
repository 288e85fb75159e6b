import Foundation

/// A vehicle routing solver for capacitated problems with time windows, shifts, route limits,
/// heterogeneous fleets and several depots.
///
/// Method, for a pure CVRP (one depot, identical vehicles without fixed cost or time, distance and
/// duration limits, symmetric distances) of up to 160 customers (more with longer time limits, see
/// ``RoutingEngine/automatic``): a hybrid genetic search
/// (``RoutingEngine/hybridGenetic``; giant tours, OX crossover, split, a granular local search with
/// SWAP* and a penalised capacity, feasible and infeasible subpopulations with diversity
/// management). For everything else, and when that search finds no feasible solution:
/// Clarke-Wright savings (identical vehicles) or cheapest insertion builds a solution; a
/// granular local search (relocate, swap, 2-opt, 2-opt*, pair moves) brings it to a local optimum;
/// then, until the time limit, ruin and recreate (strings of nearby customers removed, cheapest
/// insertion with blinks) followed by the local search, accepted by a simulated-annealing rule.
/// In that search all constraints are hard: every intermediate solution is feasible.
public enum RoutingSolver {
    /// Default number of iterations of one annealing cycle when no iteration limit is given.
    static let defaultCycle = 10_000
    /// The same with a route test (see ``RoutingSearchOptions/routeFeasibility``).
    static let routeTestCycle = 500

    /// Solves `model` and returns the best solution found.
    ///
    /// Customers that fit no vehicle at all, or that the search could not place, are returned in
    /// ``RoutingSolution/unassigned``; all returned routes are feasible.
    ///
    /// - Precondition: `model.validationErrors()` is empty.
    /// - Parameters:
    ///   - model: The model to solve.
    ///   - options: Time limit, seed, cancellation and progress callback.
    /// - Returns: The best solution found.
    public static func solve(_ model: RoutingModel, options: RoutingSearchOptions = RoutingSearchOptions()) -> RoutingSolution {
        run(model, options: options, verify: false).solution
    }

    /// Testing aid: solves with every move re-checked from scratch; returns the problems found.
    static func solveVerifying(_ model: RoutingModel, options: RoutingSearchOptions) -> (solution: RoutingSolution, problems: [String]) {
        run(model, options: options, verify: true)
    }

    static func run(_ model: RoutingModel, options: RoutingSearchOptions, verify: Bool) -> (solution: RoutingSolution, problems: [String]) {
        let errors = model.validationErrors()
        precondition(errors.isEmpty, "invalid RoutingModel: " + errors.joined(separator: "; "))
        let timeLimit = options.timeLimit.isNaN ? 0 : max(0, options.timeLimit)
        var stop = StopCheck(clockStart: .now, timeLimit: timeLimit, isCancelled: options.isCancelled,
                             clock: options.timeLimitClock)
        var engine = options.engine
        if engine == .automatic, let name = ProcessInfo.processInfo.environment["HAUL_ROUTING_ENGINE"],
           let chosen = RoutingEngine(rawValue: name) {
            engine = chosen
        }
        if options.routeFeasibility != nil { engine = .ruinAndRecreate }
        if !verify && timeLimit > 0 && engine != .ruinAndRecreate,
           let instance = CVRPInstance.make(model),
           engine == .hybridGenetic || instance.n <= hybridGeneticMaxCustomers(timeLimit: timeLimit),
           let solution = runHybridGenetic(model, instance: instance, options: options, stop: &stop) {
            return (solution, [])
        }
        var state = SearchState(model: model, seed: options.seed, routeCheck: options.routeFeasibility)
        state.verify = verify
        // A slow route test stops answering at the time limit (except with 0 s, which means one
        // construction and one local search).
        if state.routeCheck != nil && timeLimit > 0 { state.routeCheckStop = stop }
        state.construct()
        stop.honoursTimeLimit = timeLimit > 0
        if state.routeCheck != nil { state.routeCheckStop = stop }
        state.localSearch(&stop)
        stop.honoursTimeLimit = true

        var current = state.snapshot()
        var best = current
        var reporter = ProgressReporter(callback: options.onProgress)
        reporter.improved(best, elapsed: stop.elapsed(), iterations: 0)

        var iterations = 0
        let servableCount = state.servable.reduce(0) { $0 + ($1 ? 1 : 0) }
        if servableCount >= 2 && timeLimit > 0 && state.R > 0 {
            // A route test makes iterations some hundred times slower: shorter annealing cycles.
            let cycle = max(1, options.maxIterations ?? (options.routeFeasibility != nil ? routeTestCycle : defaultCycle))
            let edges = Double(max(1, state.routedCount + state.routeSize.reduce(0) { $0 + ($1 > 0 ? 1 : 0) }))
            let averageEdge = max(0, best.cost) / edges
            let t0 = 0.3 * averageEdge
            let tf = 0.003 * averageEdge
            var sinceImprovement = 0
            while !stop.shouldStop() {
                if let m = options.maxIterations, iterations >= m { break }
                if let m = options.maxIterationsWithoutImprovement, sinceImprovement >= m { break }
                if iterations > 0 && iterations % cycle == 0 {
                    state.load(best)
                    current = best
                }
                let temperature = t0 * pow(tf / max(t0, 1e-300), Double(iterations % cycle) / Double(cycle))
                let since = state.stamp
                state.ruin(averageRemoved: 10, maxString: 10)
                state.recreate(blink: 0.01)
                state.localSearch(&stop)
                iterations += 1
                let cost = state.totalCost()
                let unassigned = state.unassigned.count
                let accept: Bool
                if unassigned != current.unassigned.count {
                    accept = unassigned < current.unassigned.count
                } else {
                    let u = max(state.rng.nextDouble(), 1e-300)
                    accept = cost < current.cost - temperature * log(u) - state.improveEps
                }
                if accept {
                    state.commit(since: since, into: &current)
                } else {
                    state.restore(since: since, from: current)
                }
                if accept && (current.unassigned.count < best.unassigned.count
                    || (current.unassigned.count == best.unassigned.count && current.cost < best.cost - state.improveEps)) {
                    best = current
                    sinceImprovement = 0
                    reporter.improved(best, elapsed: stop.elapsed(), iterations: iterations)
                } else {
                    sinceImprovement += 1
                }
            }
        }
        reporter.finish(elapsed: stop.elapsed(), iterations: iterations)
        if let check = options.routeFeasibility {
            // Every route returned has passed the test (a safeguard: the search only keeps such routes).
            for r in best.routes.indices where !best.routes[r].isEmpty
                && !check(model.vehicles[r].typeIndex, best.routes[r].map { model.customers[$0] }) {
                if verify { state.verifyLog.append("route \(r) fails the route test at the end") }
                best.unassigned += best.routes[r]
                best.routes[r] = []
            }
        }
        var solution = makeSolution(model: model, state: state, best: best, iterations: iterations, seconds: stop.elapsed())
        solution.routeChecks = state.routeCheckCalls
        solution.routeCheckMemoHits = state.routeMemoHits
        return (solution, state.verifyLog)
    }

    /// Largest pure CVRP that ``RoutingEngine/automatic`` gives to the hybrid genetic search; larger
    /// ones go to ruin and recreate, which reaches a good solution sooner. Measured on the X
    /// instances (Benchmarks/README.md): at 5 s the genetic search wins up to about 160 customers; it
    /// needs time for its initial population, so the bound grows with the time limit, up to 460
    /// customers (at 30 s it won on X-n420, n439 and n459 and lost on most of n480 to n979).
    static func hybridGeneticMaxCustomers(timeLimit: Double) -> Int {
        Int(min(460, max(160, 32 * timeLimit)))
    }

    /// Runs the hybrid genetic search; `nil` when it found no feasible solution.
    static func runHybridGenetic(
        _ model: RoutingModel, instance: CVRPInstance, options: RoutingSearchOptions, stop: inout StopCheck
    ) -> RoutingSolution? {
        var search = HybridGeneticSearch(instance, seed: options.seed)
        var reporter = ProgressReporter(callback: options.onProgress)
        let scale = instance.costPerDistance
        let timer = stop
        search.run(
            stop: &stop, maxIterations: options.maxIterations,
            maxIterationsWithoutImprovement: options.maxIterationsWithoutImprovement
        ) { distance, iterations in
            reporter.improved(cost: distance * scale, unassigned: 0, elapsed: timer.elapsed(), iterations: iterations)
        }
        reporter.finish(elapsed: stop.elapsed(), iterations: search.iterations)
        guard let best = search.bestRoutes else { return nil }
        var routes: [PlannedRoute] = []
        var cost = 0.0
        var distance = 0.0
        for (k, seq) in best.enumerated() {
            let stops = seq.map { instance.modelNode[$0] }
            let (route, violations) = RouteEvaluator.evaluate(model: model, vehicle: k, stops: stops)
            guard violations.isEmpty else { return nil }
            cost += RouteEvaluator.cost(model: model, route: route)
            distance += route.distance
            routes.append(route)
        }
        var solution = RoutingSolution(
            routes: routes, unassigned: [], cost: cost, distance: distance,
            iterations: search.iterations, seconds: stop.elapsed())
        solution.engine = .hybridGenetic
        return solution
    }

    /// The solution of the construction heuristics alone (no local search), for comparisons.
    static func constructionOnly(_ model: RoutingModel, seed: UInt64 = 1) -> RoutingSolution {
        var state = SearchState(model: model, seed: seed)
        state.construct()
        return makeSolution(model: model, state: state, best: state.snapshot(), iterations: 0, seconds: 0)
    }

    static func makeSolution(model: RoutingModel, state: SearchState, best: SearchState.Snapshot, iterations: Int, seconds: Double) -> RoutingSolution {
        var routes: [PlannedRoute] = []
        var cost = 0.0
        var distance = 0.0
        for (r, seq) in best.routes.enumerated() where !seq.isEmpty {
            let stops = seq.map { model.customers[$0] }
            let (route, violations) = RouteEvaluator.evaluate(model: model, vehicle: r, stops: stops)
            assert(violations.isEmpty, "solver produced an infeasible route: \(violations)")
            cost += RouteEvaluator.cost(model: model, route: route)
            distance += route.distance
            routes.append(route)
        }
        var isUnassigned = [Bool](repeating: false, count: state.C)
        for c in 0..<state.C where !state.servable[c] { isUnassigned[c] = true }
        for c in best.unassigned { isUnassigned[c] = true }
        let unassigned = (0..<state.C).filter { isUnassigned[$0] }.map { model.customers[$0] }
        return RoutingSolution(
            routes: routes, unassigned: unassigned, cost: cost, distance: distance,
            iterations: iterations, seconds: seconds)
    }
}

/// Throttles progress callbacks to about ten per second.
struct ProgressReporter {
    let callback: (@Sendable (RoutingProgress) -> Void)?
    var lastReport = -Double.infinity
    var pending: RoutingProgress?

    mutating func improved(_ best: SearchState.Snapshot, elapsed: Double, iterations: Int) {
        improved(cost: best.cost, unassigned: best.unassigned.count, elapsed: elapsed, iterations: iterations)
    }

    mutating func improved(cost: Double, unassigned: Int, elapsed: Double, iterations: Int) {
        guard let callback else { return }
        let p = RoutingProgress(bestCost: cost, elapsed: elapsed, iterations: iterations, unassigned: unassigned)
        if elapsed - lastReport >= 0.1 {
            callback(p)
            lastReport = elapsed
            pending = nil
        } else {
            pending = p
        }
    }

    mutating func finish(elapsed: Double, iterations: Int) {
        guard let callback, var p = pending else { return }
        p.elapsed = elapsed
        p.iterations = iterations
        callback(p)
        pending = nil
    }
}
