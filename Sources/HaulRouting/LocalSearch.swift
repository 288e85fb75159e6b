import HaulCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// CPU seconds used so far by the calling thread.
func threadCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// The time limit and cancellation of one solve, polled by the searches.
struct StopCheck {
    let clockStart: ContinuousClock.Instant
    let timeLimit: Double
    let isCancelled: (@Sendable () -> Bool)?
    /// With `TimeLimitClock.threadCPU`: the thread's CPU seconds at the start.
    let cpuStart: Double?
    /// Whether the time limit stops the search (not for the first local search of a 0 s run).
    var honoursTimeLimit = true
    private(set) var stopped = false

    init(clockStart: ContinuousClock.Instant, timeLimit: Double, isCancelled: (@Sendable () -> Bool)?,
         clock: TimeLimitClock = .wall) {
        self.clockStart = clockStart
        self.timeLimit = timeLimit
        self.isCancelled = isCancelled
        cpuStart = clock == .threadCPU ? threadCPUSeconds() : nil
    }

    /// Seconds since the start on the limit's clock (wall time, or the solving thread's CPU time).
    func elapsed() -> Double {
        if let cpuStart { return threadCPUSeconds() - cpuStart }
        let c = (ContinuousClock.now - clockStart).components
        return Double(c.seconds) + Double(c.attoseconds) * 1e-18
    }

    /// Whether the search must stop now.
    mutating func shouldStop() -> Bool {
        if stopped { return true }
        if let f = isCancelled, f() {
            stopped = true
        } else if honoursTimeLimit && elapsed() >= timeLimit {
            stopped = true
        }
        return stopped
    }
}

/// A move inside one route, applied to the route's customer array.
enum IntraMove {
    /// Move `u` after `v` (`v` may be the start depot).
    case relocate(u: Int, after: Int)
    /// Move `u` and its successor `x` after `v`, optionally as `x, u`.
    case relocatePair(u: Int, x: Int, after: Int, reversed: Bool)
    /// Exchange `u` and `v`.
    case swap(Int, Int)
    /// Reverse the customers from `first` to `last` (route order).
    case reverse(first: Int, last: Int)
}

extension SearchState {
    /// Runs the granular local search to a local optimum (first improvement), or until `stop` says so.
    /// Only pairs of customers whose routes changed since the pair was last examined are tested.
    /// Returns whether anything improved.
    @discardableResult
    mutating func localSearch(_ stop: inout StopCheck) -> Bool {
        guard C > 0 && R > 0 else { return false }
        let limit = routeCheckLimit
        if routeCheck != nil { routeCheckLimit = min(limit, routeCheckCalls &+ SearchState.localSearchTests) }
        defer { routeCheckLimit = limit }
        rng.shuffle(&order)
        var improved = false
        while true {
            var any = false
            for i in 0..<C {
                if i & 63 == 0 && stop.shouldStop() { return improved }
                let u = order[i]
                if routeOf[u] < 0 { continue }
                let lastTested = whenLastTested[u]
                whenLastTested[u] = stamp
                let base = u &* K
                for k in 0..<kLS {
                    let v = neighbors[base &+ k]
                    let rv = routeOf[v]
                    if rv < 0 { continue }
                    if whenModified[routeOf[u]] <= lastTested && whenModified[rv] <= lastTested { continue }
                    if tryPair(u, v) {
                        any = true
                        continue
                    }
                    let pv = prev[v]
                    if pv >= C && tryPair(u, pv) { any = true }
                }
                if whenModified[routeOf[u]] > lastTested && tryEmptyRoutes(u) { any = true }
            }
            if classCount > 1 && tryVehicleExchanges() { any = true }
            if tryRouteMerges() { any = true }
            if !any { break }
            improved = true
        }
        return improved
    }

    /// Moves of customer `u` relative to `v`, a customer or the start depot of a route.
    @inline(__always)
    mutating func tryPair(_ u: Int, _ v: Int) -> Bool {
        let ru = routeOf[u], rv = routeOf[v]
        let p = prev[u], x = next[u]
        let xIsCustomer = x < C
        let vIsCustomer = v < C
        if ru != rv {
            let y = next[v]
            // Relocate u after v.
            if tryInter(ru, RoutePieces(p, x), rv, RoutePieces(v, u, u, y)) { return true }
            if xIsCustomer {
                let xx = next[x]
                // Relocate (u, x) after v, as is and reversed.
                if tryInter(ru, RoutePieces(p, xx), rv, RoutePieces(v, u, x, y)) { return true }
                if tryInter(ru, RoutePieces(p, xx), rv, RoutePieces(v, u, x, reversed: true, y)) { return true }
            }
            if vIsCustomer {
                let pv = prev[v]
                // Swap u and v.
                if tryInter(ru, RoutePieces(p, v, v, x), rv, RoutePieces(pv, u, u, y)) { return true }
                if xIsCustomer {
                    let xx = next[x]
                    // Swap (u, x) and v.
                    if tryInter(ru, RoutePieces(p, v, v, xx), rv, RoutePieces(pv, u, x, y)) { return true }
                    if y < C {
                        // Swap (u, x) and (v, y).
                        if tryInter(ru, RoutePieces(p, v, y, xx), rv, RoutePieces(pv, u, x, next[y])) { return true }
                    }
                }
            }
            // 2-opt*: exchange the tails after u and after v.
            if tryInter(ru, RoutePieces(u, y), rv, RoutePieces(v, x)) { return true }
            return false
        }

        // Same route.
        if u == v { return false }
        let y = next[v]
        if v != p {
            // Relocate u after v.
            let delta = d(p, x) + d(v, u) + d(u, y) - d(p, u) - d(u, x) - d(v, y)
            if tryIntra(ru, delta, .relocate(u: u, after: v)) { return true }
            if xIsCustomer && v != x {
                let xx = next[x]
                let base = d(p, xx) - d(p, u) - d(x, xx) - d(v, y)
                if tryIntra(ru, base + d(v, u) + d(x, y), .relocatePair(u: u, x: x, after: v, reversed: false)) {
                    return true
                }
                let rev = base + d(v, x) + d(x, u) + d(u, y) - d(u, x)
                if tryIntra(ru, rev, .relocatePair(u: u, x: x, after: v, reversed: true)) { return true }
            }
        }
        if vIsCustomer {
            // Swap u and v.
            let pv = prev[v]
            let delta: Double
            if x == v {
                delta = d(p, v) + d(v, u) + d(u, y) - d(p, u) - d(u, v) - d(v, y)
            } else if y == u {
                delta = d(pv, u) + d(u, v) + d(v, x) - d(pv, v) - d(v, u) - d(u, x)
            } else {
                delta = d(p, v) + d(v, x) + d(pv, u) + d(u, y) - d(p, u) - d(u, x) - d(pv, v) - d(v, y)
            }
            if tryIntra(ru, delta, .swap(u, v)) { return true }
            // 2-opt: reverse the customers strictly after the first of u, v up to the second.
            let (a, b) = position[u] < position[v] ? (u, v) : (v, u)
            let an = next[a], bn = next[b]
            if an != b {
                let delta = d(a, b) + d(an, bn) - d(a, an) - d(b, bn)
                    + (cumRev[b] - cumRev[an]) - (cumDist[b] - cumDist[an])
                if tryIntra(ru, delta, .reverse(first: an, last: b)) { return true }
            }
        }
        return false
    }

    /// Applies an intra-route move whose distance change is `delta` if it lowers the cost and is feasible.
    @inline(__always)
    mutating func tryIntra(_ r: Int, _ delta: Double, _ move: IntraMove) -> Bool {
        if costPerDistance[r] * delta > -improveEps { return false }
        if routeDist[r] + delta > distLimit[r] { return false }
        var buf = bufA
        bufA = []
        defer { bufA = buf }
        buf.removeAll(keepingCapacity: true)
        var id = next[startId(r)]
        while id < C {
            buf.append(id)
            id = next[id]
        }
        // Array index of a customer is its position - 1.
        switch move {
        case let .relocate(u, v):
            let iu = position[u] - 1
            buf.remove(at: iu)
            var at = v < C ? position[v] : 0
            if v < C && position[v] - 1 > iu { at -= 1 }
            buf.insert(u, at: at)
        case let .relocatePair(u, x, v, reversed):
            let iu = position[u] - 1
            buf.removeSubrange(iu...(iu + 1))
            var at = v < C ? position[v] : 0
            if v < C && position[v] - 1 > iu { at -= 2 }
            if reversed {
                buf.insert(u, at: at)
                buf.insert(x, at: at)
            } else {
                buf.insert(x, at: at)
                buf.insert(u, at: at)
            }
        case let .swap(u, v):
            buf.swapAt(position[u] - 1, position[v] - 1)
        case let .reverse(first, last):
            buf[(position[first] - 1)...(position[last] - 1)].reverse()
        }
        if timed && !sequenceTimeOK(buf, r) { return false }
        if routeCheck != nil && !loadable(r, buf) { return false }
        let before = routeDist[r]
        setRoute(r, buf)
        if verify { verifyMove(predicted: before + delta, actual: routeDist[r], routes: r, r, "\(move)") }
        return true
    }

    /// Moves of `u` into an empty route (one per vehicle class): alone, or with the tail after it.
    mutating func tryEmptyRoutes(_ u: Int) -> Bool {
        refreshEmptyReps()
        if emptyReps.isEmpty { return false }
        for i in 0..<emptyReps.count {
            guard i < emptyReps.count else { break }
            let re = emptyReps[i]
            let ru = routeOf[u]
            let p = prev[u], x = next[u]
            if tryInter(ru, RoutePieces(p, x), re, RoutePieces(startId(re), u, u, endId(re))) { return true }
            if x < C && tryInter(ru, RoutePieces(u, endId(re)), re, RoutePieces(startId(re), x)) { return true }
            if p >= C && x < C && tryInter(ru, RoutePieces(p, endId(re)), re, RoutePieces(startId(re), u)) {
                return true
            }
        }
        return false
    }

    /// With several vehicle classes: exchanges the whole customer sequences of two routes of
    /// different classes, or moves a route to an empty vehicle of another class. Only pairs with a
    /// route modified since the previous pass are tried; pairs of used routes only up to 150 routes.
    mutating func tryVehicleExchanges() -> Bool {
        let since = lastSwapPass
        lastSwapPass = stamp
        var any = false
        var usedCount = 0
        for r in 0..<R where routeSize[r] > 0 { usedCount += 1 }
        let pairsAllowed = usedCount <= 150
        for r1 in 0..<R where routeSize[r1] > 0 {
            refreshEmptyReps()
            var i = 0
            while i < emptyReps.count && routeSize[r1] > 0 {
                let r2 = emptyReps[i]
                i += 1
                if vehicleClass[r2] == vehicleClass[r1] || whenModified[r1] <= since { continue }
                if exchangeVehicles(r1, r2) {
                    any = true
                    refreshEmptyReps()
                }
            }
            guard pairsAllowed else { continue }
            var r2 = r1 + 1
            while r2 < R && routeSize[r1] > 0 {
                if routeSize[r2] > 0 && vehicleClass[r2] != vehicleClass[r1]
                    && (whenModified[r1] > since || whenModified[r2] > since) && exchangeVehicles(r1, r2) {
                    any = true
                }
                r2 += 1
            }
        }
        return any
    }

    @inline(__always)
    mutating func exchangeVehicles(_ r1: Int, _ r2: Int) -> Bool {
        let f1 = next[startId(r1)], f2 = next[startId(r2)]
        return tryInter(r1, RoutePieces(startId(r1), f2), r2, RoutePieces(startId(r2), f1))
    }

    /// Joins two routes into one, on either of their vehicles or on an empty vehicle of any class
    /// (which lets several small vehicles be replaced by a larger one). Only pairs with a route
    /// modified since the previous pass are tried, and only with up to 200 routes in use.
    mutating func tryRouteMerges() -> Bool {
        let since = lastMergePass
        lastMergePass = stamp
        var usedCount = 0
        for r in 0..<R where routeSize[r] > 0 { usedCount += 1 }
        guard usedCount >= 2 && usedCount <= 200 else { return false }
        var any = false
        for r1 in 0..<R where routeSize[r1] > 0 {
            var r2 = 0
            while r2 < R && routeSize[r1] > 0 {
                if r2 != r1 && routeSize[r2] > 0 && (whenModified[r1] > since || whenModified[r2] > since)
                    && tryMerge(r1, r2) {
                    any = true
                }
                r2 += 1
            }
        }
        return any
    }

    /// Puts the customers of `r1` followed by those of `r2` on the cheapest feasible vehicle among
    /// `r1`, `r2` and one empty vehicle per class, if that lowers the cost.
    mutating func tryMerge(_ r1: Int, _ r2: Int) -> Bool {
        refreshEmptyReps()
        let f1 = next[startId(r1)], l1 = prev[endId(r1)]
        let f2 = next[startId(r2)], l2 = prev[endId(r2)]
        let inner = (cumDist[l1] - cumDist[f1]) + d(l1, f2) + (cumDist[l2] - cumDist[f2])
        let old = routeCost[r1] + routeCost[r2]
        var bestTarget = -1
        var bestCost = old - improveEps
        var allowed: [(cost: Double, target: Int)] = []
        for i in -2..<emptyReps.count {
            let t = i == -2 ? r1 : (i == -1 ? r2 : emptyReps[i])
            let s = startId(t), e = endId(t)
            let distance = d(s, f1) + inner + d(l2, e)
            let cost = fixedCost[t] + costPerDistance[t] * distance
            if cost >= bestCost || distance > distLimit[t] { continue }
            var fits = true
            for k in 0..<dims where routeLoad[r1 &* dims &+ k] + routeLoad[r2 &* dims &+ k] > capLimit[t &* dims &+ k] {
                fits = false
                break
            }
            if !fits { continue }
            if timed {
                let seg = nodeSeg[s].then(bwd[f1], travel: tt(s, f1)).then(bwd[f2], travel: tt(l1, f2))
                    .then(nodeSeg[e], travel: tt(l2, e))
                if !timeOK(seg, t) { continue }
            }
            if routeCheck != nil {
                allowed.append((cost, t))
                continue
            }
            bestTarget = t
            bestCost = cost
        }
        if routeCheck != nil && !allowed.isEmpty {
            // The cheapest target whose route passes the test.
            let seq = customers(of: r1) + customers(of: r2)
            allowed.sort { $0.cost < $1.cost || ($0.cost == $1.cost && $0.target < $1.target) }
            for candidate in allowed where loadable(candidate.target, seq) {
                bestTarget = candidate.target
                bestCost = candidate.cost
                break
            }
        }
        guard bestTarget >= 0 else { return false }
        let t = bestTarget
        let seq = customers(of: r1) + customers(of: r2)
        if t != r1 { setRoute(r1, []) }
        if t != r2 { setRoute(r2, []) }
        setRoute(t, seq)
        if verify {
            let actual = routeCost[r1] + routeCost[r2] + (t != r1 && t != r2 ? routeCost[t] : 0)
            verifyMove(predicted: bestCost, actual: actual, routes: t, t, "merge \(r1) + \(r2) on \(t)")
        }
        return true
    }
}
