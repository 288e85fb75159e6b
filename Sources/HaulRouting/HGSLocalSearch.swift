import Foundation
/// The education step of the hybrid genetic search: a granular local search on a pure CVRP with the
/// capacity violation penalised (Vidal 2022): relocations of one or two customers, swaps of one or
/// two, 2-opt and both 2-opt* variants, each tried for a customer and its nearest neighbours, plus
/// SWAP* between routes that contain neighbours.
///
/// Ids: customers `1...n`, start depot of route slot `r` at `n + 1 + r`, end depot at
/// `n + 1 + V + r`. Routes are doubly linked lists with prefix loads and distances, so that every
/// move is evaluated in O(1) and only applied moves touch O(route length) data.
struct HGSLocalSearch {
    let inst: CVRPInstance
    let n: Int
    let V: Int
    /// Number of ids (customers, start depots, end depots) and the id-indexed distance matrix, so
    /// that a move evaluation reads a distance with one load.
    let ids: Int
    // The working data lives in flat buffers owned by `buffers` and written through pointers: move
    // evaluation then costs no bounds or copy-on-write checks (profiled: most of the search's time
    // is move evaluation). Copies of an HGSLocalSearch share these buffers; each search owns one.
    let buffers: HGSBuffers
    let dist: UnsafeMutablePointer<Double>
    let demandOf: UnsafeMutablePointer<Double>
    let neighbors: UnsafeMutablePointer<Int>
    let next: UnsafeMutablePointer<Int>
    let prev: UnsafeMutablePointer<Int>
    let routeOf: UnsafeMutablePointer<Int>
    let position: UnsafeMutablePointer<Int>
    let cumLoad: UnsafeMutablePointer<Double>
    let cumDist: UnsafeMutablePointer<Double>
    let routeLoad: UnsafeMutablePointer<Double>
    let routeDist: UnsafeMutablePointer<Double>
    let routeSize: UnsafeMutablePointer<Int>
    let whenModified: UnsafeMutablePointer<Int>
    let whenLastTested: UnsafeMutablePointer<Int>
    var order: [Int]
    var moveCount = 0
    var penalty = 1.0
    var bufA: [Int] = []
    var bufB: [Int] = []
    var routeOrder: [(Double, Int)] = []
    // SWAP* bookkeeping: last test per route pair, best three insertions per customer.
    let swapStarTested: UnsafeMutablePointer<Int>
    let insCost: UnsafeMutablePointer<Double>
    let insPos: UnsafeMutablePointer<Int>
    let insStamp: UnsafeMutablePointer<Int>
    /// With positions: polar angle of each customer around the depot, and per route the smallest
    /// circular sector (start, width) holding its customers. SWAP* is then tried between routes
    /// whose sectors overlap (as HGS-CVRP does); without positions, between routes that hold
    /// neighbouring customers.
    let angle: UnsafeMutablePointer<Double>?
    let sectorStart: UnsafeMutablePointer<Double>
    let sectorWidth: UnsafeMutablePointer<Double>
    let swapStarRouteTested: UnsafeMutablePointer<Int>
    var swapStarRoutes: [Int]

    init(_ inst: CVRPInstance) {
        self.inst = inst
        n = inst.n
        V = inst.routeSlots
        let ids = n + 1 + 2 * V
        self.ids = ids
        let b = HGSBuffers()
        buffers = b
        var nodeOf = [Int](repeating: 0, count: ids)
        for i in 1...n { nodeOf[i] = i }
        dist = b.make(ids * ids, 0.0)
        for a in 0..<ids {
            for c in 0..<ids { dist[a * ids + c] = inst.d(nodeOf[a], nodeOf[c]) }
        }
        demandOf = b.make(ids, 0.0)
        for i in 1...n { demandOf[i] = inst.demand[i] }
        neighbors = b.make(inst.neighbors.count, 0)
        for k in inst.neighbors.indices { neighbors[k] = inst.neighbors[k] }
        next = b.make(ids, 0)
        prev = b.make(ids, 0)
        routeOf = b.make(ids, 0)
        position = b.make(ids, 0)
        cumLoad = b.make(ids, 0.0)
        cumDist = b.make(ids, 0.0)
        routeLoad = b.make(V, 0.0)
        routeDist = b.make(V, 0.0)
        routeSize = b.make(V, 0)
        whenModified = b.make(V, 0)
        whenLastTested = b.make(n + 1, 0)
        order = Array(1...n)
        swapStarTested = b.make(V * V, -1)
        insCost = b.make(V * (n + 1) * 3, 0.0)
        insPos = b.make(V * (n + 1) * 3, -1)
        insStamp = b.make(V * (n + 1), -1)
        if let xy = inst.relativePosition {
            let a = b.make(ids, 0.0)
            for i in 1...n {
                let t = atan2(xy[2 * i + 1], xy[2 * i])
                a[i] = t < 0 ? t + 2 * Double.pi : t
            }
            angle = a
        } else {
            angle = nil
        }
        sectorStart = b.make(V, 0.0)
        sectorWidth = b.make(V, 0.0)
        swapStarRouteTested = b.make(V, -1)
        swapStarRoutes = Array(0..<V)
        bufA.reserveCapacity(n)
        bufB.reserveCapacity(n)
    }

    @inline(__always) func startId(_ r: Int) -> Int { n &+ 1 &+ r }
    @inline(__always) func endId(_ r: Int) -> Int { n &+ 1 &+ V &+ r }
    @inline(__always) func isDepot(_ id: Int) -> Bool { id > n }
    @inline(__always) func d(_ a: Int, _ b: Int) -> Double { dist[a &* ids &+ b] }
    @inline(__always) func excessPenalty(_ load: Double) -> Double { penalty * max(0, load - inst.capacity) }

    /// Recomputes the prefix data of route `r` and marks it modified.
    mutating func updateRoute(_ r: Int) {
        var id = startId(r)
        var load = 0.0
        var dist = 0.0
        var p = 0
        cumLoad[id] = 0
        cumDist[id] = 0
        position[id] = 0
        routeOf[id] = r
        let e = endId(r)
        while id != e {
            let nx = next[id]
            p += 1
            load += demandOf[nx]
            dist += d(id, nx)
            cumLoad[nx] = load
            cumDist[nx] = dist
            position[nx] = p
            routeOf[nx] = r
            id = nx
        }
        routeLoad[r] = load
        routeDist[r] = dist
        routeSize[r] = p - 1
        whenModified[r] = moveCount
        if let angle { updateSector(r, angle) }
    }

    /// The smallest circular sector holding the customers of route `r`, grown customer by
    /// customer towards the nearer side.
    mutating func updateSector(_ r: Int, _ angle: UnsafeMutablePointer<Double>) {
        let twoPi = 2 * Double.pi
        var id = next[startId(r)]
        guard id <= n else { sectorStart[r] = 0; sectorWidth[r] = 0; return }
        var start = angle[id], width = 0.0
        id = next[id]
        while id <= n {
            let a = angle[id]
            var ahead = a - start
            if ahead < 0 { ahead += twoPi }
            if ahead > width {
                // Outside: extend the end up to `a`, or the start back to `a`, whichever is shorter.
                let behind = twoPi - ahead
                if ahead - width <= behind { width = ahead } else { start = a; width += behind }
            }
            id = next[id]
        }
        sectorStart[r] = start
        sectorWidth[r] = width
    }

    @inline(__always)
    func sectorsOverlap(_ r1: Int, _ r2: Int) -> Bool {
        let twoPi = 2 * Double.pi
        var d12 = sectorStart[r2] - sectorStart[r1]
        if d12 < 0 { d12 += twoPi }
        var d21 = sectorStart[r1] - sectorStart[r2]
        if d21 < 0 { d21 += twoPi }
        return d12 <= sectorWidth[r1] + 1e-12 || d21 <= sectorWidth[r2] + 1e-12
    }

    /// Writes the customers of `seq` as route `r`.
    mutating func setRoute(_ r: Int, _ seq: [Int]) {
        var last = startId(r)
        for c in seq {
            next[last] = c
            prev[c] = last
            last = c
        }
        next[last] = endId(r)
        prev[endId(r)] = last
        updateRoute(r)
    }

    mutating func load(_ ind: HGSIndividual) {
        // Move stamps never go back, so that cached SWAP* data of earlier solutions is stale.
        moveCount += 1
        for r in 0..<V { setRoute(r, r < ind.routes.count ? ind.routes[r] : []) }
        for i in 1...n { whenLastTested[i] = -1 }
    }

    /// Writes the routes back into `ind` and evaluates it. With positions, routes are written in
    /// the order of the polar angle of their barycentre around the depot (as HGS-CVRP does), so
    /// that a stretch of the giant tour, which the crossover copies, is a sector of the plane.
    mutating func export(_ ind: HGSIndividual) {
        ind.routes.removeAll(keepingCapacity: true)
        routeOrder.removeAll(keepingCapacity: true)
        for r in 0..<V where routeSize[r] > 0 {
            var angle = 0.0
            if let xy = inst.relativePosition {
                var sx = 0.0, sy = 0.0
                var id = next[startId(r)]
                while id <= n { sx += xy[2 &* id]; sy += xy[2 &* id &+ 1]; id = next[id] }
                angle = atan2(sy, sx)
            }
            routeOrder.append((angle, r))
        }
        if inst.relativePosition != nil { routeOrder.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) } }
        for (_, r) in routeOrder {
            var seq: [Int] = []
            seq.reserveCapacity(routeSize[r])
            var id = next[startId(r)]
            while id <= n {
                seq.append(id)
                id = next[id]
            }
            ind.routes.append(seq)
        }
        ind.evaluate(inst, penalty: penalty)
    }

    /// Runs the local search on `ind` to a local optimum under `penalty` and writes the result back.
    mutating func run(_ ind: HGSIndividual, penalty: Double, rng: inout RoutingRandom, stop: inout StopCheck) {
        self.penalty = penalty
        load(ind)
        rng.shuffle(&order)
        let g = inst.granularity
        // Each customer's neighbour list is reshuffled with probability 1/g per run (as HGS-CVRP
        // does), so that neighbours are not always tried nearest first: O(n) work per run on average.
        for u in 1...n where rng.nextInt(g) == 0 { shuffleNeighbors(u, &rng) }
        let eps = inst.eps
        var loop = 0
        var improved = true
        while improved || loop < 2 {
            improved = false
            if loop > 0 && stop.shouldStop() { break }
            for u in order {
                let lastTested = whenLastTested[u]
                whenLastTested[u] = moveCount
                var k = 0
                while k < g {
                    let v = neighbors[u &* g &+ k]
                    k += 1
                    let ru = routeOf[u], rv = routeOf[v]
                    if loop > 0 && max(whenModified[ru], whenModified[rv]) <= lastTested { continue }
                    if tryMoves(u, v, eps: eps) { improved = true; continue }
                    if isDepot(prev[v]) {
                        let depot = prev[v]
                        if tryDepotMoves(u, depot, eps: eps) { improved = true }
                    }
                }
                if loop > 0, let r = firstEmptyRoute(), tryDepotMoves(u, startId(r), eps: eps) {
                    improved = true
                }
            }
            // SWAP* once the cheaper moves are exhausted (it costs O(|r1| |r2|) per route pair).
            if angle != nil {
                // SWAP* in every loop, between changed route pairs whose sectors overlap.
                if sectorSwapStarPass(loop: loop, rng: &rng, eps: eps) { improved = true }
            } else if !improved && swapStarPass(eps: eps) {
                improved = true
            }
            loop += 1
        }
        export(ind)
    }

    /// Random permutation of the neighbour list of `u` (Fisher-Yates).
    func shuffleNeighbors(_ u: Int, _ rng: inout RoutingRandom) {
        let g = inst.granularity
        let row = neighbors + u &* g
        var i = g - 1
        while i > 0 {
            let j = rng.nextInt(i + 1)
            let t = row[i]; row[i] = row[j]; row[j] = t
            i -= 1
        }
    }

    func firstEmptyRoute() -> Int? {
        for r in 0..<V where routeSize[r] == 0 { return r }
        return nil
    }

    // MARK: Moves

    @inline(__always)
    mutating func tryMoves(_ u: Int, _ v: Int, eps: Double) -> Bool {
        if relocate(u, after: v, eps: eps) { return true }
        if relocatePair(u, after: v, reversed: false, eps: eps) { return true }
        if relocatePair(u, after: v, reversed: true, eps: eps) { return true }
        if swapOne(u, v, eps: eps) { return true }
        if swapPairOne(u, v, eps: eps) { return true }
        if swapPairOne(v, u, eps: eps) { return true }
        if swapPairPair(u, v, eps: eps) { return true }
        if routeOf[u] == routeOf[v] {
            if twoOpt(u, v, eps: eps) { return true }
        } else {
            if twoOptStarReversed(u, v, eps: eps) { return true }
            if twoOptStar(u, v, eps: eps) { return true }
        }
        return false
    }

    /// Moves with `v` a start depot: relocations after it and 2-opt* against its route.
    @inline(__always)
    mutating func tryDepotMoves(_ u: Int, _ v: Int, eps: Double) -> Bool {
        if relocate(u, after: v, eps: eps) { return true }
        if relocatePair(u, after: v, reversed: false, eps: eps) { return true }
        if relocatePair(u, after: v, reversed: true, eps: eps) { return true }
        if routeOf[u] != routeOf[v] {
            if twoOptStarReversed(u, v, eps: eps) { return true }
            if twoOptStar(u, v, eps: eps) { return true }
        }
        return false
    }

    /// Detaches `u` and inserts it after `v`.
    @inline(__always)
    mutating func insert(_ u: Int, after v: Int) {
        let pu = prev[u], nu = next[u]
        next[pu] = nu
        prev[nu] = pu
        let nv = next[v]
        next[v] = u
        prev[u] = v
        next[u] = nv
        prev[nv] = u
    }

    /// Exchanges the positions of customers `u` and `v`.
    @inline(__always)
    mutating func swapNodes(_ u: Int, _ v: Int) {
        let pu = prev[u], nu = next[u], pv = prev[v], nv = next[v]
        if nu == v {
            next[pu] = v; prev[v] = pu; next[v] = u; prev[u] = v; next[u] = nv; prev[nv] = u
        } else if nv == u {
            next[pv] = u; prev[u] = pv; next[u] = v; prev[v] = u; next[v] = nu; prev[nu] = v
        } else {
            next[pu] = v; prev[v] = pu; next[v] = nu; prev[nu] = v
            next[pv] = u; prev[u] = pv; next[u] = nv; prev[nv] = u
        }
    }

    @inline(__always)
    mutating func applied(_ ru: Int, _ rv: Int) {
        moveCount += 1
        updateRoute(ru)
        if rv != ru { updateRoute(rv) }
    }

    /// Relocate `u` after `v`.
    mutating func relocate(_ u: Int, after v: Int, eps: Double) -> Bool {
        let x = next[u], pu = prev[u], y = next[v]
        if u == y || v == u { return false }
        let ru = routeOf[u], rv = routeOf[v]
        var dU = d(pu, x) - d(pu, u) - d(u, x)
        var dV = d(v, u) + d(u, y) - d(v, y)
        if ru != rv {
            let du = demandOf[u]
            dU += excessPenalty(routeLoad[ru] - du) - excessPenalty(routeLoad[ru])
            dV += excessPenalty(routeLoad[rv] + du) - excessPenalty(routeLoad[rv])
        }
        if dU + dV > -eps { return false }
        insert(u, after: v)
        applied(ru, rv)
        return true
    }

    /// Relocate `u` and its successor `x` after `v`, as `u, x` or reversed as `x, u`.
    mutating func relocatePair(_ u: Int, after v: Int, reversed: Bool, eps: Double) -> Bool {
        let x = next[u]
        if isDepot(x) { return false }
        let pu = prev[u], xx = next[x], y = next[v]
        if u == y || v == x || v == u { return false }
        let ru = routeOf[u], rv = routeOf[v]
        var dU = d(pu, xx) - d(pu, u) - d(x, xx)
        var dV: Double
        if reversed {
            dU -= d(u, x)
            dV = d(v, x) + d(x, u) + d(u, y) - d(v, y)
        } else {
            dU -= d(u, x)
            dV = d(v, u) + d(u, x) + d(x, y) - d(v, y)
        }
        if ru != rv {
            let dd = demandOf[u] + demandOf[x]
            dU += excessPenalty(routeLoad[ru] - dd) - excessPenalty(routeLoad[ru])
            dV += excessPenalty(routeLoad[rv] + dd) - excessPenalty(routeLoad[rv])
        }
        if dU + dV > -eps { return false }
        if reversed {
            insert(x, after: v)
            insert(u, after: x)
        } else {
            insert(u, after: v)
            insert(x, after: u)
        }
        applied(ru, rv)
        return true
    }

    /// Swap customers `u` and `v` (not adjacent).
    mutating func swapOne(_ u: Int, _ v: Int, eps: Double) -> Bool {
        if isDepot(v) { return false }
        let x = next[u], pu = prev[u], y = next[v], pv = prev[v]
        if u == pv || u == y { return false }
        let ru = routeOf[u], rv = routeOf[v]
        var dU = d(pu, v) + d(v, x) - d(pu, u) - d(u, x)
        var dV = d(pv, u) + d(u, y) - d(pv, v) - d(v, y)
        if ru != rv {
            let delta = demandOf[v] - demandOf[u]
            dU += excessPenalty(routeLoad[ru] + delta) - excessPenalty(routeLoad[ru])
            dV += excessPenalty(routeLoad[rv] - delta) - excessPenalty(routeLoad[rv])
        }
        if dU + dV > -eps { return false }
        swapNodes(u, v)
        applied(ru, rv)
        return true
    }

    /// Swap the pair `u, x = next(u)` with the customer `v`.
    mutating func swapPairOne(_ u: Int, _ v: Int, eps: Double) -> Bool {
        if isDepot(v) || isDepot(u) { return false }
        let x = next[u]
        if isDepot(x) { return false }
        let pu = prev[u], xx = next[x], y = next[v], pv = prev[v]
        if u == pv || x == pv || u == y || v == x { return false }
        let ru = routeOf[u], rv = routeOf[v]
        var dU = d(pu, v) + d(v, xx) - d(pu, u) - d(x, xx)
        var dV = d(pv, u) + d(x, y) - d(pv, v) - d(v, y)
        if ru != rv {
            let delta = demandOf[v] - demandOf[u] - demandOf[x]
            dU += excessPenalty(routeLoad[ru] + delta) - excessPenalty(routeLoad[ru])
            dV += excessPenalty(routeLoad[rv] - delta) - excessPenalty(routeLoad[rv])
        }
        if dU + dV > -eps { return false }
        swapNodes(u, v)
        insert(x, after: u)
        applied(ru, rv)
        return true
    }

    /// Swap the pairs `u, next(u)` and `v, next(v)`.
    mutating func swapPairPair(_ u: Int, _ v: Int, eps: Double) -> Bool {
        if isDepot(v) { return false }
        let x = next[u], y = next[v]
        if isDepot(x) || isDepot(y) { return false }
        let pu = prev[u], xx = next[x], pv = prev[v], yy = next[y]
        if y == pu || u == y || x == v || v == xx || x == pv { return false }
        let ru = routeOf[u], rv = routeOf[v]
        var dU = d(pu, v) + d(y, xx) - d(pu, u) - d(x, xx)
        var dV = d(pv, u) + d(x, yy) - d(pv, v) - d(y, yy)
        if ru != rv {
            let delta = demandOf[v] + demandOf[y] - demandOf[u] - demandOf[x]
            dU += excessPenalty(routeLoad[ru] + delta) - excessPenalty(routeLoad[ru])
            dV += excessPenalty(routeLoad[rv] - delta) - excessPenalty(routeLoad[rv])
        }
        if dU + dV > -eps { return false }
        swapNodes(u, v)
        swapNodes(x, y)
        applied(ru, rv)
        return true
    }

    /// 2-opt inside one route: reverse the customers between `next(u)` and `v` (or the mirror case).
    mutating func twoOpt(_ u0: Int, _ v0: Int, eps: Double) -> Bool {
        var u = u0, v = v0
        if position[u] > position[v] { swap(&u, &v) }
        let x = next[u], y = next[v]
        if x == v { return false }
        let delta = d(u, v) + d(x, y) - d(u, x) - d(v, y)
        if delta > -eps { return false }
        // Reverse x...v.
        var a = x
        bufA.removeAll(keepingCapacity: true)
        while a != y { bufA.append(a); a = next[a] }
        var last = u
        var i = bufA.count - 1
        while i >= 0 {
            let c = bufA[i]
            next[last] = c
            prev[c] = last
            last = c
            i -= 1
        }
        next[last] = y
        prev[y] = last
        applied(routeOf[u], routeOf[u])
        return true
    }

    /// 2-opt* keeping orientation: route of `u` becomes `...u, y...`, route of `v` becomes `...v, x...`.
    mutating func twoOptStar(_ u: Int, _ v: Int, eps: Double) -> Bool {
        let ru = routeOf[u], rv = routeOf[v]
        let x = next[u], y = next[v]
        if isDepot(x) && isDepot(y) { return false }
        let delta = d(u, y) + d(v, x) - d(u, x) - d(v, y)
        let loadU = cumLoad[u] + routeLoad[rv] - cumLoad[v]
        let loadV = cumLoad[v] + routeLoad[ru] - cumLoad[u]
        let total = delta + excessPenalty(loadU) + excessPenalty(loadV)
            - excessPenalty(routeLoad[ru]) - excessPenalty(routeLoad[rv])
        if total > -eps { return false }
        // Tails: x...lastU and y...lastV.
        let eu = endId(ru), ev = endId(rv)
        let lastU = prev[eu], lastV = prev[ev]
        if isDepot(x) {
            // u is the last customer: the tail of v moves to route u.
            next[u] = y; prev[y] = u
            next[lastV] = eu; prev[eu] = lastV
            next[v] = ev; prev[ev] = v
        } else if isDepot(y) {
            next[v] = x; prev[x] = v
            next[lastU] = ev; prev[ev] = lastU
            next[u] = eu; prev[eu] = u
        } else {
            next[u] = y; prev[y] = u
            next[lastV] = eu; prev[eu] = lastV
            next[v] = x; prev[x] = v
            next[lastU] = ev; prev[ev] = lastU
        }
        applied(ru, rv)
        return true
    }

    /// 2-opt* with reversal: route of `u` becomes `...u, v, prev(v)...` (the head of `v` reversed),
    /// route of `v` becomes `...lastU...x` reversed then `y...`.
    mutating func twoOptStarReversed(_ u: Int, _ v: Int, eps: Double) -> Bool {
        if isDepot(v) { return false }
        let ru = routeOf[u], rv = routeOf[v]
        let x = next[u], y = next[v]
        let delta = d(u, v) + d(x, y) - d(u, x) - d(v, y)
        let loadU = cumLoad[u] + cumLoad[v]
        let loadV = routeLoad[ru] - cumLoad[u] + routeLoad[rv] - cumLoad[v]
        let total = delta + excessPenalty(loadU) + excessPenalty(loadV)
            - excessPenalty(routeLoad[ru]) - excessPenalty(routeLoad[rv])
        if total > -eps { return false }
        // New route u: head of u (start..u), then v, prev(v), ..., first of v.
        // New route v: lastU, ..., x, then y ... lastV.
        bufA.removeAll(keepingCapacity: true)
        var a = next[startId(ru)]
        while a != x { bufA.append(a); a = next[a] }
        a = v
        while !isDepot(a) { bufA.append(a); a = prev[a] }
        bufB.removeAll(keepingCapacity: true)
        a = prev[endId(ru)]
        while a != u { bufB.append(a); a = prev[a] }
        a = y
        while !isDepot(a) { bufB.append(a); a = next[a] }
        let sa = bufA, sb = bufB
        setRoute(ru, sa)
        setRoute(rv, sb)
        moveCount += 1
        whenModified[ru] = moveCount
        whenModified[rv] = moveCount
        return true
    }

    // MARK: SWAP*

    /// SWAP* (Vidal 2022) between pairs of routes that hold neighbouring customers: exchange one
    /// customer of each route, each inserted at its best position in the other route (not
    /// necessarily where the other was). Returns whether a move was applied.
    mutating func swapStarPass(eps: Double) -> Bool {
        var any = false
        let g = inst.granularity
        for u in order {
            let ru = routeOf[u]
            for k in 0..<g {
                let v = neighbors[u &* g &+ k]
                let rv = routeOf[v]
                if ru == rv { continue }
                let a = min(ru, rv), b = max(ru, rv)
                let key = a * V + b
                let stamp = max(whenModified[a], whenModified[b])
                if swapStarTested[key] >= stamp { continue }
                swapStarTested[key] = stamp
                if swapStar(a, b, eps: eps) { any = true; break }
            }
        }
        return any
    }

    /// SWAP* between every pair of non-empty routes whose sectors overlap, in random route order;
    /// after the first loop only pairs with a route changed since the last test of the first.
    mutating func sectorSwapStarPass(loop: Int, rng: inout RoutingRandom, eps: Double) -> Bool {
        var any = false
        rng.shuffle(&swapStarRoutes)
        for i in 0..<V {
            let ru = swapStarRoutes[i]
            let lastTested = swapStarRouteTested[ru]
            swapStarRouteTested[ru] = moveCount
            if routeSize[ru] == 0 { continue }
            for j in 0..<V {
                let rv = swapStarRoutes[j]
                if rv <= ru || routeSize[rv] == 0 { continue }
                if loop > 0 && max(whenModified[ru], whenModified[rv]) <= lastTested { continue }
                if !sectorsOverlap(ru, rv) { continue }
                if swapStar(ru, rv, eps: eps) { any = true }
            }
        }
        return any
    }

    /// Records the three cheapest insertions of every customer of route `from` into route `into`
    /// (cached per route and customer until route `into` changes).
    mutating func bestInsertions(from: Int, into: Int) {
        var u = next[startId(from)]
        let s = startId(into), e = endId(into)
        let stamp = whenModified[into]
        let row = into &* (n &+ 1)
        while u <= n {
            if insStamp[row &+ u] == stamp { u = next[u]; continue }
            insStamp[row &+ u] = stamp
            var c0 = Double.infinity, c1 = Double.infinity, c2 = Double.infinity
            var p0 = -1, p1 = -1, p2 = -1
            var a = s
            while a != e {
                let b = next[a]
                let c = d(a, u) + d(u, b) - d(a, b)
                if c < c2 {
                    if c < c1 {
                        c2 = c1; p2 = p1
                        if c < c0 { c1 = c0; p1 = p0; c0 = c; p0 = a } else { c1 = c; p1 = a }
                    } else { c2 = c; p2 = a }
                }
                a = b
            }
            let base = (row &+ u) &* 3
            insCost[base] = c0; insCost[base + 1] = c1; insCost[base + 2] = c2
            insPos[base] = p0; insPos[base + 1] = p1; insPos[base + 2] = p2
            u = next[u]
        }
    }

    /// The cheapest insertion of `v` into the route of `u` once `u` is removed: `(cost, after)`.
    @inline(__always)
    func insertionWithout(_ v: Int, removed u: Int) -> (Double, Int) {
        let pu = prev[u], xu = next[u]
        var best = d(pu, v) + d(v, xu) - d(pu, xu)
        var pos = pu
        let base = (routeOf[u] &* (n &+ 1) &+ v) &* 3
        for k in 0..<3 {
            let a = insPos[base &+ k]
            if a < 0 { break }
            if a == u || a == pu { continue }
            let c = insCost[base &+ k]
            if c < best { best = c; pos = a }
            break
        }
        return (best, pos)
    }

    /// Best SWAP* between routes `r1` and `r2`; applied if improving.
    mutating func swapStar(_ r1: Int, _ r2: Int, eps: Double) -> Bool {
        if routeSize[r1] == 0 || routeSize[r2] == 0 { return false }
        bestInsertions(from: r1, into: r2)
        bestInsertions(from: r2, into: r1)
        let l1 = routeLoad[r1], l2 = routeLoad[r2]
        let p1 = excessPenalty(l1), p2 = excessPenalty(l2)
        var bestDelta = -eps
        var bu = -1, bv = -1, bpu = -1, bpv = -1
        var u = next[startId(r1)]
        while u <= n {
            let pu = prev[u], xu = next[u]
            let removeU = d(pu, xu) - d(pu, u) - d(u, xu)
            let du = demandOf[u]
            var v = next[startId(r2)]
            while v <= n {
                let dv = demandOf[v]
                let pv = prev[v], xv = next[v]
                let removeV = d(pv, xv) - d(pv, v) - d(v, xv)
                let loadDelta = excessPenalty(l1 - du + dv) - p1 + excessPenalty(l2 - dv + du) - p2
                let partial = removeU + removeV + loadDelta
                // Insertion costs are not negative (triangle inequality): no gain to find here.
                if partial > 0 { v = next[v]; continue }
                let (insV, posV) = insertionWithout(v, removed: u)
                let (insU, posU) = insertionWithout(u, removed: v)
                let delta = partial + insV + insU
                if delta < bestDelta {
                    bestDelta = delta
                    bu = u; bv = v; bpu = posU; bpv = posV
                }
                v = next[v]
            }
            u = next[u]
        }
        if bu < 0 { return false }
        // Detach both, then insert each after its recorded position (positions are nodes that stay).
        let pu = prev[bu], xu = next[bu], pv = prev[bv], xv = next[bv]
        next[pu] = xu; prev[xu] = pu
        next[pv] = xv; prev[xv] = pv
        var nb = next[bpv]
        next[bpv] = bv; prev[bv] = bpv; next[bv] = nb; prev[nb] = bv
        nb = next[bpu]
        next[bpu] = bu; prev[bu] = bpu; next[bu] = nb; prev[nb] = bu
        applied(r1, r2)
        return true
    }
}

/// The flat buffers of one ``HGSLocalSearch``, freed with it. Elements are plain numbers, so
/// freeing needs no deinitialisation.
final class HGSBuffers {
    private var blocks: [UnsafeMutableRawPointer] = []

    /// A buffer of `count` elements, each `value`.
    func make<T>(_ count: Int, _ value: T) -> UnsafeMutablePointer<T> {
        let p = UnsafeMutablePointer<T>.allocate(capacity: max(count, 1))
        p.initialize(repeating: value, count: max(count, 1))
        blocks.append(UnsafeMutableRawPointer(p))
        return p
    }

    deinit {
        for b in blocks { b.deallocate() }
    }
}
