extension SearchState {
    /// Removes customers from the routes into `removed`: usually strings of consecutive customers
    /// from routes near a random seed customer (SISR, Christiaens and Vanden Berghe 2020), sometimes
    /// random customers.
    mutating func ruin(averageRemoved: Double, maxString: Double) {
        removed.removeAll(keepingCapacity: true)
        let since = stamp
        ruinRoutes(averageRemoved: averageRemoved, maxString: maxString)
        guard routeCheck != nil else { return }
        // A shorter route need not pass the route test (a removed box may have held others up):
        // a ruined route that fails it is emptied.
        for r in 0..<R where whenModified[r] > since && routeSize[r] > 0 && !loadable(r, customers(of: r)) {
            var id = next[startId(r)]
            while id < C {
                removed.append(id)
                routeOf[id] = -1
                id = next[id]
            }
            setRoute(r, [])
        }
    }

    private mutating func ruinRoutes(averageRemoved: Double, maxString: Double) {
        let routed = routedCount
        guard routed > 0 else { return }
        if rng.nextDouble() < 0.1 {
            let q = 1 + rng.nextInt(min(routed, Int(2 * averageRemoved)))
            for _ in 0..<q {
                var c = rng.nextInt(C)
                var tries = 0
                while routeOf[c] < 0 && tries < 4 * C {
                    c = c + 1 == C ? 0 : c + 1
                    tries += 1
                }
                guard routeOf[c] >= 0 else { break }
                let r = routeOf[c]
                unlink(c)
                removed.append(c)
                updateRoute(r)
            }
            return
        }
        var nonEmpty = 0
        for r in 0..<R where routeSize[r] > 0 { nonEmpty += 1 }
        let lsMax = min(maxString, Double(routed) / Double(nonEmpty))
        let ksMax = 4 * averageRemoved / (1 + lsMax) - 1
        let ks = max(1, Int(rng.nextDouble() * ksMax) + 1)
        var seed = rng.nextInt(C)
        while routeOf[seed] < 0 { seed = seed + 1 == C ? 0 : seed + 1 }
        routeMarkStamp &+= 1
        var ruined = 0
        for k in -1..<K {
            let c = k < 0 ? seed : neighbors[seed &* K &+ k]
            let r = routeOf[c]
            if r < 0 || routeMark[r] == routeMarkStamp { continue }
            routeMark[r] = routeMarkStamp
            let size = routeSize[r]
            let l = 1 + rng.nextInt(max(1, min(size, Int(lsMax))))
            let pc = position[c]
            let lo = max(1, pc - l + 1), hi = min(pc, size - l + 1)
            let startPos = lo + rng.nextInt(hi - lo + 1)
            var node = c
            for _ in 0..<(pc - startPos) { node = prev[node] }
            let p = prev[node]
            for _ in 0..<l {
                let nx = next[node]
                removed.append(node)
                routeOf[node] = -1
                node = nx
            }
            next[p] = node
            prev[node] = p
            updateRoute(r)
            ruined += 1
            if ruined >= ks { break }
        }
    }

    /// Reinserts the removed and the unassigned customers by cheapest insertion with blinks, in a
    /// random order, by decreasing demand, or by decreasing or increasing distance to the depots.
    mutating func recreate(blink: Double) {
        var list = removed
        list += unassigned
        unassigned.removeAll(keepingCapacity: true)
        let mode = rng.nextInt(11)
        var keyed: [(Double, Double, Int)] = []
        keyed.reserveCapacity(list.count)
        for c in list {
            let primary: Double
            switch mode {
            case 0..<4: primary = 0
            case 4..<8: primary = -demandWeight[c]
            case 8..<10: primary = -depotDistance[c]
            default: primary = depotDistance[c]
            }
            keyed.append((primary, rng.nextDouble(), c))
        }
        keyed.sort { $0.0 < $1.0 || ($0.0 == $1.0 && ($0.1 < $1.1 || ($0.1 == $1.1 && $0.2 < $1.2))) }
        for i in 0..<list.count { list[i] = keyed[i].2 }
        insertAll(list, blink: blink)
        // With a route test, ejection chains get a budget of tests per iteration.
        let limit = routeCheckLimit
        if routeCheck != nil { routeCheckLimit = min(limit, routeCheckCalls &+ 30) }
        repairUnassigned(limit: 3)
        routeCheckLimit = limit
    }

    /// Tries to place up to `limit` unassigned customers (from a random one on) by ejecting
    /// customers from a route (see ``insertWithEjection(_:)``).
    mutating func repairUnassigned(limit: Int = .max) {
        guard !unassigned.isEmpty else { return }
        var i = rng.nextInt(unassigned.count)
        var tries = min(limit, unassigned.count)
        while tries > 0 && !unassigned.isEmpty {
            tries -= 1
            if i >= unassigned.count { i = 0 }
            if insertWithEjection(unassigned[i]) {
                unassigned.remove(at: i)
            } else {
                i += 1
            }
        }
    }

    /// Places customer `c`, which fits nowhere as things stand, in a route after ejecting enough
    /// customers from it, provided all of them can then be inserted elsewhere (possibly in unused
    /// vehicles). Tries the routes that need the least demand ejected first; restores the solution
    /// after a failed attempt. Cost is not considered: serving more customers comes first.
    mutating func insertWithEjection(_ c: Int) -> Bool {
        var routes: [(Double, Int)] = []
        for r in 0..<R where routeSize[r] > 0 {
            var overflow = 0.0
            var possible = true
            for k in 0..<dims {
                let cap = capLimit[r &* dims &+ k]
                if demand[c &* dims &+ k] > cap { possible = false }
                overflow = max(overflow, (routeLoad[r &* dims &+ k] + demand[c &* dims &+ k] - cap) / max(cap, 1e-12))
            }
            if possible { routes.append((overflow, r)) }
        }
        guard !routes.isEmpty else { return false }
        routes.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
        let saved = snapshot()
        var ejected: [Int] = []
        for attempt in 0..<(2 * min(routes.count, 6)) {
            let r = routes[attempt / 2].1
            // Strategy 0: the lightest customer that removes the whole overflow, else the heaviest.
            // Strategy 1: the lightest customers first (they are the easiest to place elsewhere).
            let lightestFirst = attempt % 2 == 1
            ejected.removeAll(keepingCapacity: true)
            while true {
                var fits = true
                for k in 0..<dims
                where routeLoad[r &* dims &+ k] + demand[c &* dims &+ k] > capLimit[r &* dims &+ k] {
                    fits = false
                }
                if fits { break }
                var cover = -1, heaviest = -1, lightest = -1
                var w = next[startId(r)]
                while w < C {
                    var covers = true
                    for k in 0..<dims where routeLoad[r &* dims &+ k] - demand[w &* dims &+ k] + demand[c &* dims &+ k]
                        > capLimit[r &* dims &+ k] {
                        covers = false
                    }
                    if covers && (cover < 0 || demandWeight[w] < demandWeight[cover]) { cover = w }
                    if heaviest < 0 || demandWeight[w] > demandWeight[heaviest] { heaviest = w }
                    if lightest < 0 || demandWeight[w] < demandWeight[lightest] { lightest = w }
                    w = next[w]
                }
                let out = lightestFirst ? (cover >= 0 && demandWeight[cover] <= demandWeight[lightest] ? cover : lightest)
                    : (cover >= 0 ? cover : heaviest)
                if out < 0 { break }
                unlink(out)
                ejected.append(out)
                updateRoute(r)
            }
            var best = (route: -1, after: -1, delta: Double.infinity)
            if routeCheck != nil {
                // Room by weight and volume need not be room in 3D: eject up to two more customers.
                let most = ejected.count + 2
                while true {
                    if let found = bestAllowedInsertion(c, routes: [r], blink: 0) {
                        best = found
                        break
                    }
                    guard ejected.count < most, routeSize[r] > 0 else { break }
                    var out = -1
                    var w = next[startId(r)]
                    while w < C {
                        if lightestFirst ? (out < 0 || demandWeight[w] < demandWeight[out]) : (out < 0 || demandWeight[w] > demandWeight[out]) { out = w }
                        w = next[w]
                    }
                    unlink(out)
                    ejected.append(out)
                    updateRoute(r)
                }
            } else {
                scanInsertion(c, r, blink: 0, best: &best)
            }
            var success = best.route >= 0
            if success {
                link(c, after: best.after)
                updateRoute(r)
                ejected.sort { demandWeight[$0] > demandWeight[$1] || (demandWeight[$0] == demandWeight[$1] && $0 < $1) }
                for w in ejected {
                    guard let (r2, a, _) = bestInsertion(w, blink: 0) else {
                        success = false
                        break
                    }
                    link(w, after: a)
                    updateRoute(r2)
                }
            }
            if success {
                if verify {
                    for r in 0..<R where !routeIsFeasible(r) { verifyLog.append("infeasible after ejection") }
                }
                return true
            }
            load(saved)
        }
        return false
    }

    /// Takes customer `c` out of its route, leaving it unassigned (route data must be updated by the caller).
    @inline(__always)
    mutating func unlink(_ c: Int) {
        let p = prev[c], x = next[c]
        next[p] = x
        prev[x] = p
        routeOf[c] = -1
    }

    /// Links customer `c` after `a` (route data must be updated by the caller).
    @inline(__always)
    mutating func link(_ c: Int, after a: Int) {
        let b = next[a]
        next[a] = c
        prev[c] = a
        next[c] = b
        prev[b] = c
    }
}
