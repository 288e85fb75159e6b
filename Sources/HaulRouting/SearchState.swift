/// A piece-wise description of a new route used to evaluate inter-route moves in O(1):
/// the route's own prefix up to `prefixEnd`, then optionally the consecutive customers
/// `segFirst...segLast` of some route (reversed if `reversed`), then the customers from
/// `suffixStart` to the last customer of *its* route (nothing if `suffixStart` is an end depot),
/// and finally the route's own end depot.
struct RoutePieces {
    var prefixEnd: Int
    var segFirst: Int = -1
    var segLast: Int = -1
    var reversed: Bool = false
    var suffixStart: Int

    @inline(__always)
    init(_ prefixEnd: Int, _ suffixStart: Int) {
        self.prefixEnd = prefixEnd
        self.suffixStart = suffixStart
    }

    @inline(__always)
    init(_ prefixEnd: Int, _ segFirst: Int, _ segLast: Int, reversed: Bool = false, _ suffixStart: Int) {
        self.prefixEnd = prefixEnd
        self.segFirst = segFirst
        self.segLast = segLast
        self.reversed = reversed
        self.suffixStart = suffixStart
    }
}

/// The search's problem data and mutable solution, in flat arrays.
///
/// Visits are numbered by *ids*: customers `0..<C` (the index in `model.customers`), then the
/// start depot of route `r` at `C + r` and its end depot at `C + R + r` (one route per vehicle slot).
/// Routes are doubly linked lists of ids from start to end depot, and each id carries its prefix
/// data (cumulated load, distance, reverse distance, forward time segment) and, for customers, the
/// time segment of its suffix up to the last customer. This is the layout of HGS (Vidal 2012/2022).
struct SearchState {
    // MARK: Problem data
    let C: Int
    let R: Int
    let dims: Int
    let n: Int
    let endBase: Int
    let dist: [Double]
    let time: [Double]
    let nodeOf: [Int]
    let demand: [Double]
    let nodeSeg: [TimeSegment]
    let capLimit: [Double]
    let fixedCost: [Double]
    let costPerDistance: [Double]
    let distLimit: [Double]
    let durLimit: [Double]
    let vehicleClass: [Int]
    let classCount: Int
    let timed: Bool
    let symmetric: Bool
    let timeEps: Double
    let improveEps: Double
    let K: Int
    let kLS: Int
    let neighbors: [Int]
    let servable: [Bool]
    let depotDistance: [Double]
    let demandWeight: [Double]
    /// The caller's extra route test (see ``RoutingSearchOptions/routeFeasibility``), and the
    /// vehicle type index of each route for it.
    let routeCheck: RouteFeasibility?
    let typeOf: [Int]

    // MARK: Solution
    var next: [Int]
    var prev: [Int]
    var routeOf: [Int]
    var position: [Int]
    var cumLoad: [Double]
    var cumDist: [Double]
    var cumRev: [Double]
    var fwd: [TimeSegment]
    var bwd: [TimeSegment]
    var routeLoad: [Double]
    var routeDist: [Double]
    var routeSize: [Int]
    var routeCost: [Double]
    /// Servable customers that are in no route.
    var unassigned: [Int] = []

    // MARK: Search bookkeeping
    var stamp = 0
    var whenModified: [Int]
    var whenLastTested: [Int]
    var emptyReps: [Int] = []
    var emptyRepsDirty = true
    var classMark: [Int]
    var classMarkStamp = 0
    var routeMark: [Int]
    var routeMarkStamp = 0
    var rng: RoutingRandom
    var order: [Int]
    var bufA: [Int] = []
    var bufB: [Int] = []
    var removed: [Int] = []
    var lastSwapPass = -1
    var lastMergePass = -1
    /// Testing aid: when set, every applied move is re-checked from scratch and problems are logged.
    var verify = false
    var verifyLog: [String] = []
    /// Answers of `routeCheck` by (type, customer nodes).
    var routeMemo: [RouteKey: Bool] = [:]
    /// Calls of `routeCheck` made, and answers found in the memo.
    var routeCheckCalls = 0
    var routeMemoHits = 0
    /// Once set and stopped (time limit or cancellation), untested routes count as rejected.
    var routeCheckStop: StopCheck?
    /// Untested routes count as rejected once `routeCheckCalls` reaches this (a budget per phase).
    var routeCheckLimit = Int.max
    /// Most route tests in one local search (answers from the memo are free): with a slow test,
    /// ruin and recreate iterations do more for the solution than a long local search.
    static let localSearchTests = 20

    /// The memo key of a route test.
    struct RouteKey: Hashable {
        var type: Int
        var nodes: [Int]
    }

    /// Most route tests per insertion, in all and per route.
    static let insertionTests = 6
    static let insertionTestsPerRoute = 2

    /// Most memoised answers kept; the memo is emptied when it is full.
    static let routeMemoCapacity = 1 << 20

    init(model: RoutingModel, seed: UInt64, routeCheck: RouteFeasibility? = nil) {
        let C = model.customers.count
        let R = model.vehicles.count
        let dims = model.dimensions
        let n = model.nodeCount
        let ids = C + 2 * R
        self.C = C
        self.R = R
        self.dims = dims
        self.n = n
        self.endBase = C + R
        self.dist = model.distance
        self.time = model.duration

        var nodeOf = [Int](repeating: 0, count: ids)
        var demand = [Double](repeating: 0, count: ids * dims)
        var nodeSeg = [TimeSegment](repeating: .trivial, count: ids)
        for (c, node) in model.customers.enumerated() {
            nodeOf[c] = node
            for d in 0..<dims { demand[c * dims + d] = model.demand[node * dims + d] }
            nodeSeg[c] = TimeSegment(
                duration: model.serviceTime[node], timeWarp: 0,
                early: model.readyTime[node], late: model.dueTime[node])
        }
        var capLimit = [Double](repeating: 0, count: R * dims)
        var fixedCost = [Double](repeating: 0, count: R)
        var costPerDistance = [Double](repeating: 0, count: R)
        var distLimit = [Double](repeating: .infinity, count: R)
        var durLimit = [Double](repeating: .infinity, count: R)
        var timed = false
        var timeScale = 1.0
        for t in model.readyTime where t.isFinite { timeScale = max(timeScale, abs(t)) }
        for t in model.dueTime where t.isFinite { timeScale = max(timeScale, abs(t)); timed = true }
        for (r, v) in model.vehicles.enumerated() {
            let s = C + r, e = C + R + r
            nodeOf[s] = v.startNode
            nodeOf[e] = v.endNode
            nodeSeg[s] = TimeSegment(
                duration: 0, timeWarp: 0,
                early: max(v.shiftStart, model.readyTime[v.startNode]),
                late: min(v.shiftEnd, model.dueTime[v.startNode]))
            nodeSeg[e] = TimeSegment(
                duration: 0, timeWarp: 0, early: -.infinity,
                late: min(v.shiftEnd, model.dueTime[v.endNode]))
            for d in 0..<dims {
                let cap = v.capacity[d]
                capLimit[r * dims + d] = cap + 1e-9 * max(1, abs(cap))
            }
            fixedCost[r] = v.fixedCost
            costPerDistance[r] = v.costPerDistance
            if let m = v.maxDistance { distLimit[r] = m + 1e-9 * max(1, abs(m)) }
            if v.shiftEnd.isFinite { timed = true; timeScale = max(timeScale, abs(v.shiftEnd)) }
            timeScale = max(timeScale, abs(v.shiftStart))
            if let m = v.maxDuration { timed = true; timeScale = max(timeScale, abs(m)) }
        }
        let timeEps = 1e-9 * timeScale
        for (r, v) in model.vehicles.enumerated() {
            if let m = v.maxDuration { durLimit[r] = m + timeEps }
        }
        self.nodeOf = nodeOf
        self.demand = demand
        self.nodeSeg = nodeSeg
        self.capLimit = capLimit
        self.fixedCost = fixedCost
        self.costPerDistance = costPerDistance
        self.distLimit = distLimit
        self.durLimit = durLimit
        self.timed = timed
        self.timeEps = timeEps

        // Vehicle classes: slots with identical parameters (the type index does not matter, except
        // for the route test, which is per type).
        self.routeCheck = routeCheck
        self.typeOf = model.vehicles.map(\.typeIndex)
        var classes: [RoutingVehicle: Int] = [:]
        var vehicleClass = [Int](repeating: 0, count: R)
        var reps: [Int] = []
        for (r, v) in model.vehicles.enumerated() {
            var key = v
            if routeCheck == nil { key.typeIndex = 0 }
            if let k = classes[key] {
                vehicleClass[r] = k
            } else {
                vehicleClass[r] = classes.count
                classes[key] = classes.count
                reps.append(r)
            }
        }
        self.vehicleClass = vehicleClass
        self.classCount = classes.count

        var symmetric = true
        var maxAbs = 0.0
        for i in 0..<n {
            for j in 0..<n {
                let a = model.distance[i * n + j]
                maxAbs = max(maxAbs, abs(a))
                if symmetric && a != model.distance[j * n + i] { symmetric = false }
            }
        }
        self.symmetric = symmetric
        let maxCpd = model.vehicles.map(\.costPerDistance).max() ?? 1
        let maxFixed = model.vehicles.map { abs($0.fixedCost) }.max() ?? 0
        self.improveEps = 1e-10 * max(1, maxAbs * max(1, maxCpd) + maxFixed)

        // Customers that fit at least one vehicle alone, distances to depots, relative demands.
        let dm = model.distance, tm = model.duration
        func dd(_ a: Int, _ b: Int) -> Double { dm[nodeOf[a] * n + nodeOf[b]] }
        var servable = [Bool](repeating: false, count: C)
        var depotDistance = [Double](repeating: .infinity, count: C)
        var demandWeight = [Double](repeating: 0, count: C)
        var maxCap = [Double](repeating: 0, count: dims)
        for v in model.vehicles {
            for d in 0..<dims where v.capacity[d].isFinite { maxCap[d] = max(maxCap[d], v.capacity[d]) }
        }
        for c in 0..<C {
            for d in 0..<dims { demandWeight[c] += demand[c * dims + d] / max(maxCap[d], 1e-12) }
            for r in reps {
                let s = C + r, e = C + R + r
                depotDistance[c] = min(depotDistance[c], 0.5 * (dd(s, c) + dd(c, e)))
                if servable[c] { continue }
                var fits = dd(s, c) + dd(c, e) <= distLimit[r]
                for d in 0..<dims where demand[c * dims + d] > capLimit[r * dims + d] { fits = false }
                if fits && timed {
                    let seg = nodeSeg[s].then(nodeSeg[c], travel: tm[nodeOf[s] * n + nodeOf[c]])
                        .then(nodeSeg[e], travel: tm[nodeOf[c] * n + nodeOf[e]])
                    fits = seg.timeWarp <= timeEps && seg.duration <= durLimit[r]
                }
                if fits, let routeCheck { fits = routeCheck(model.vehicles[r].typeIndex, [nodeOf[c]]) }
                if fits { servable[c] = true }
            }
        }
        self.servable = servable
        self.depotDistance = depotDistance
        self.demandWeight = demandWeight

        // Granular neighbourhoods: the K most related customers of each customer.
        let k = min(max(C - 1, 0), 40)
        self.K = k
        self.kLS = min(k, 25)
        self.neighbors = SearchState.nearest(k: k, count: C) { u, v in
            let a = nodeOf[u], b = nodeOf[v]
            let duv = dm[a * n + b], dvu = dm[b * n + a]
            guard timed else { return min(duv, dvu) }
            func related(_ i: Int, _ j: Int, _ dij: Double, _ tij: Double) -> Double {
                let si = nodeSeg[i], sj = nodeSeg[j]
                let wait = max(0, sj.early - (si.late + si.duration + tij))
                let warp = max(0, si.early + si.duration + tij - sj.late)
                return dij + 0.2 * wait + warp
            }
            return min(related(u, v, duv, tm[a * n + b]), related(v, u, dvu, tm[b * n + a]))
        }

        // Bookkeeping and empty routes.
        next = [Int](repeating: -1, count: ids)
        prev = [Int](repeating: -1, count: ids)
        routeOf = [Int](repeating: -1, count: ids)
        position = [Int](repeating: 0, count: ids)
        cumLoad = [Double](repeating: 0, count: ids * dims)
        cumDist = [Double](repeating: 0, count: ids)
        cumRev = [Double](repeating: 0, count: ids)
        fwd = [TimeSegment](repeating: .trivial, count: ids)
        bwd = [TimeSegment](repeating: .trivial, count: ids)
        routeLoad = [Double](repeating: 0, count: R * dims)
        routeDist = [Double](repeating: 0, count: R)
        routeSize = [Int](repeating: 0, count: R)
        routeCost = [Double](repeating: 0, count: R)
        whenModified = [Int](repeating: 0, count: R)
        whenLastTested = [Int](repeating: -1, count: C)
        classMark = [Int](repeating: 0, count: max(classes.count, 1))
        routeMark = [Int](repeating: 0, count: R)
        rng = RoutingRandom(seed: seed)
        order = Array(0..<C)

        for r in 0..<R {
            next[C + r] = C + R + r
            prev[C + R + r] = C + r
            updateRoute(r)
        }
    }

    /// For each of `count` items, the `k` others with the smallest `key(u, v)` (ties by index), sorted.
    static func nearest(k: Int, count: Int, key: (Int, Int) -> Double) -> [Int] {
        guard k > 0 else { return [] }
        var result = [Int](repeating: 0, count: count * k)
        var heapKey = [Double](repeating: 0, count: k)
        var heapIdx = [Int](repeating: 0, count: k)
        @inline(__always) func greater(_ ka: Double, _ ia: Int, _ kb: Double, _ ib: Int) -> Bool {
            ka > kb || (ka == kb && ia > ib)
        }
        for u in 0..<count {
            var size = 0
            for v in 0..<count where v != u {
                let kv = key(u, v)
                if size < k {
                    // Sift up in a max-heap.
                    var i = size
                    size += 1
                    while i > 0 {
                        let p = (i - 1) / 2
                        if greater(kv, v, heapKey[p], heapIdx[p]) {
                            heapKey[i] = heapKey[p]; heapIdx[i] = heapIdx[p]; i = p
                        } else { break }
                    }
                    heapKey[i] = kv; heapIdx[i] = v
                } else if greater(heapKey[0], heapIdx[0], kv, v) {
                    // Replace the root and sift down.
                    var i = 0
                    while true {
                        let l = 2 * i + 1
                        if l >= size { break }
                        var c = l
                        if l + 1 < size && greater(heapKey[l + 1], heapIdx[l + 1], heapKey[l], heapIdx[l]) { c = l + 1 }
                        if greater(heapKey[c], heapIdx[c], kv, v) {
                            heapKey[i] = heapKey[c]; heapIdx[i] = heapIdx[c]; i = c
                        } else { break }
                    }
                    heapKey[i] = kv; heapIdx[i] = v
                }
            }
            var pairs = (0..<size).map { (heapKey[$0], heapIdx[$0]) }
            pairs.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
            for (i, p) in pairs.enumerated() { result[u * k + i] = p.1 }
        }
        return result
    }

    // MARK: Small helpers

    @inline(__always) func startId(_ r: Int) -> Int { C &+ r }
    @inline(__always) func endId(_ r: Int) -> Int { endBase &+ r }
    @inline(__always) func d(_ a: Int, _ b: Int) -> Double { dist[nodeOf[a] &* n &+ nodeOf[b]] }
    @inline(__always) func tt(_ a: Int, _ b: Int) -> Double { time[nodeOf[a] &* n &+ nodeOf[b]] }

    @inline(__always)
    func costOf(_ r: Int, _ distance: Double, _ size: Int) -> Double {
        size > 0 ? fixedCost[r] + costPerDistance[r] * distance : 0
    }

    @inline(__always)
    func timeOK(_ seg: TimeSegment, _ r: Int) -> Bool {
        seg.timeWarp <= timeEps && seg.duration <= durLimit[r]
    }

    /// Total cost of the routes.
    func totalCost() -> Double {
        var s = 0.0
        for r in 0..<R { s += routeCost[r] }
        return s
    }

    var routedCount: Int {
        var s = 0
        for r in 0..<R { s += routeSize[r] }
        return s
    }

    // MARK: Route data

    /// Recomputes the prefix and suffix data of route `r` from its links.
    mutating func updateRoute(_ r: Int) {
        let s = startId(r), e = endId(r)
        position[s] = 0
        routeOf[s] = r
        cumDist[s] = 0
        cumRev[s] = 0
        for k in 0..<dims { cumLoad[s &* dims &+ k] = 0 }
        if timed { fwd[s] = nodeSeg[s] }
        var id = s
        var pos = 0
        while id != e {
            let nx = next[id]
            pos &+= 1
            position[nx] = pos
            routeOf[nx] = r
            cumDist[nx] = cumDist[id] + d(id, nx)
            cumRev[nx] = cumRev[id] + d(nx, id)
            for k in 0..<dims { cumLoad[nx &* dims &+ k] = cumLoad[id &* dims &+ k] + demand[nx &* dims &+ k] }
            if timed { fwd[nx] = fwd[id].then(nodeSeg[nx], travel: tt(id, nx)) }
            id = nx
        }
        let size = pos - 1
        if (routeSize[r] == 0) != (size == 0) { emptyRepsDirty = true }
        routeSize[r] = size
        routeDist[r] = cumDist[e]
        for k in 0..<dims { routeLoad[r &* dims &+ k] = cumLoad[e &* dims &+ k] }
        routeCost[r] = costOf(r, routeDist[r], size)
        if timed {
            bwd[e] = nodeSeg[e]
            var c = prev[e]
            if c != s {
                bwd[c] = nodeSeg[c]
                c = prev[c]
                while c != s {
                    let nx = next[c]
                    bwd[c] = nodeSeg[c].then(bwd[nx], travel: tt(c, nx))
                    c = prev[c]
                }
            }
        }
        stamp &+= 1
        whenModified[r] = stamp
    }

    /// Replaces the customers of route `r` by `seq` (customer ids) and updates its data.
    /// Customers that leave the route must be placed elsewhere or marked unrouted by the caller.
    mutating func setRoute(_ r: Int, _ seq: [Int]) {
        var p = startId(r)
        for c in seq {
            next[p] = c
            prev[c] = p
            p = c
        }
        let e = endId(r)
        next[p] = e
        prev[e] = p
        updateRoute(r)
    }

    /// The customers of route `r` in order.
    func customers(of r: Int) -> [Int] {
        var out: [Int] = []
        out.reserveCapacity(routeSize[r])
        var id = next[startId(r)]
        while id < C {
            out.append(id)
            id = next[id]
        }
        return out
    }

    /// Removes all customers from all routes (they become unrouted, not unassigned).
    mutating func clearRoutes() {
        for r in 0..<R {
            var id = next[startId(r)]
            while id < C {
                routeOf[id] = -1
                id = next[id]
            }
            next[startId(r)] = endId(r)
            prev[endId(r)] = startId(r)
            updateRoute(r)
        }
        unassigned.removeAll(keepingCapacity: true)
    }

    /// One empty route per vehicle class that has one.
    mutating func refreshEmptyReps() {
        guard emptyRepsDirty else { return }
        emptyReps.removeAll(keepingCapacity: true)
        classMarkStamp &+= 1
        for r in 0..<R where routeSize[r] == 0 && classMark[vehicleClass[r]] != classMarkStamp {
            classMark[vehicleClass[r]] = classMarkStamp
            emptyReps.append(r)
        }
        emptyRepsDirty = false
    }

    // MARK: Piece-wise evaluation

    /// Distance from `last` through the customers `b...` (end of b's route) to the end depot of `r`.
    @inline(__always)
    func tailDistance(_ last: Int, _ b: Int, _ r: Int) -> Double {
        if b >= C { return d(last, endId(r)) }
        let lb = prev[endId(routeOf[b])]
        return d(last, b) + (cumDist[lb] - cumDist[b]) + d(lb, endId(r))
    }

    /// Time segment `seg` (ending at `last`) followed by customers `b...` and the end depot of `r`.
    @inline(__always)
    func closeWithTail(_ seg: TimeSegment, _ last: Int, _ b: Int, _ r: Int) -> TimeSegment {
        let e = endId(r)
        if b >= C { return seg.then(nodeSeg[e], travel: tt(last, e)) }
        let lb = prev[endId(routeOf[b])]
        return seg.then(bwd[b], travel: tt(last, b)).then(nodeSeg[e], travel: tt(lb, e))
    }

    @inline(__always)
    func piecesDistance(_ p: RoutePieces, _ r: Int) -> Double {
        var dd = cumDist[p.prefixEnd]
        var last = p.prefixEnd
        if p.segFirst >= 0 {
            if !p.reversed {
                dd += d(last, p.segFirst) + (cumDist[p.segLast] - cumDist[p.segFirst])
                last = p.segLast
            } else {
                dd += d(last, p.segLast) + (cumRev[p.segLast] - cumRev[p.segFirst])
                last = p.segFirst
            }
        }
        return dd + tailDistance(last, p.suffixStart, r)
    }

    @inline(__always)
    func piecesSize(_ p: RoutePieces) -> Int {
        var s = position[p.prefixEnd]
        if p.segFirst >= 0 { s += position[p.segLast] - position[p.segFirst] + 1 }
        if p.suffixStart < C { s += routeSize[routeOf[p.suffixStart]] - position[p.suffixStart] + 1 }
        return s
    }

    @inline(__always)
    func piecesLoadOK(_ p: RoutePieces, _ r: Int) -> Bool {
        for k in 0..<dims {
            var load = cumLoad[p.prefixEnd &* dims &+ k]
            if p.segFirst >= 0 {
                load += cumLoad[p.segLast &* dims &+ k] - cumLoad[prev[p.segFirst] &* dims &+ k]
            }
            if p.suffixStart < C {
                load += routeLoad[routeOf[p.suffixStart] &* dims &+ k] - cumLoad[prev[p.suffixStart] &* dims &+ k]
            }
            if load > capLimit[r &* dims &+ k] { return false }
        }
        return true
    }

    @inline(__always)
    func piecesTimeOK(_ p: RoutePieces, _ r: Int) -> Bool {
        var seg = fwd[p.prefixEnd]
        var last = p.prefixEnd
        if p.segFirst >= 0 {
            if !p.reversed {
                var id = p.segFirst
                while true {
                    seg = seg.then(nodeSeg[id], travel: tt(last, id))
                    last = id
                    if id == p.segLast { break }
                    id = next[id]
                }
            } else {
                var id = p.segLast
                while true {
                    seg = seg.then(nodeSeg[id], travel: tt(last, id))
                    last = id
                    if id == p.segFirst { break }
                    id = prev[id]
                }
            }
        }
        return timeOK(closeWithTail(seg, last, p.suffixStart, r), r)
    }

    /// Writes the customer sequence described by `p` (for route `r`) into `buf`.
    func materialize(_ p: RoutePieces, _ r: Int, into buf: inout [Int]) {
        buf.removeAll(keepingCapacity: true)
        if p.prefixEnd != startId(r) {
            var id = next[startId(r)]
            while true {
                buf.append(id)
                if id == p.prefixEnd { break }
                id = next[id]
            }
        }
        if p.segFirst >= 0 {
            if !p.reversed {
                var id = p.segFirst
                while true {
                    buf.append(id)
                    if id == p.segLast { break }
                    id = next[id]
                }
            } else {
                var id = p.segLast
                while true {
                    buf.append(id)
                    if id == p.segFirst { break }
                    id = prev[id]
                }
            }
        }
        var id = p.suffixStart
        while id < C {
            buf.append(id)
            id = next[id]
        }
    }

    /// Applies the two-route move `(r1 := p1, r2 := p2)` if it lowers the cost and is feasible.
    @inline(__always)
    mutating func tryInter(_ r1: Int, _ p1: RoutePieces, _ r2: Int, _ p2: RoutePieces) -> Bool {
        let d1 = piecesDistance(p1, r1)
        let d2 = piecesDistance(p2, r2)
        let newCost = costOf(r1, d1, piecesSize(p1)) + costOf(r2, d2, piecesSize(p2))
        if newCost > routeCost[r1] + routeCost[r2] - improveEps { return false }
        if d1 > distLimit[r1] || d2 > distLimit[r2] { return false }
        if !piecesLoadOK(p1, r1) || !piecesLoadOK(p2, r2) { return false }
        if timed && (!piecesTimeOK(p1, r1) || !piecesTimeOK(p2, r2)) { return false }
        var a = bufA, b = bufB
        bufA = []
        bufB = []
        materialize(p1, r1, into: &a)
        materialize(p2, r2, into: &b)
        if routeCheck != nil && (!loadable(r1, a) || !loadable(r2, b)) {
            bufA = a
            bufB = b
            return false
        }
        setRoute(r1, a)
        setRoute(r2, b)
        bufA = a
        bufB = b
        if verify { verifyMove(predicted: newCost, actual: routeCost[r1] + routeCost[r2], routes: r1, r2, "\(p1) \(p2)") }
        return true
    }

    /// Testing aid: checks that route `r` is feasible when recomputed from scratch.
    func routeIsFeasible(_ r: Int) -> Bool {
        let seq = customers(of: r)
        var distance = 0.0
        var last = startId(r)
        for k in 0..<dims {
            var load = 0.0
            for c in seq { load += demand[c * dims + k] }
            if load > capLimit[r * dims + k] { return false }
        }
        for c in seq {
            distance += d(last, c)
            last = c
        }
        distance += d(last, endId(r))
        if distance > distLimit[r] || abs(distance - routeDist[r]) > 1e-6 * max(1, distance) { return false }
        return !timed || sequenceTimeOK(seq, r)
    }

    /// Testing aid: logs a move whose cost differs from its prediction or that breaks feasibility.
    mutating func verifyMove(predicted: Double, actual: Double, routes r1: Int, _ r2: Int, _ what: @autoclosure () -> String) {
        if abs(predicted - actual) > 1e-6 * max(1, abs(actual)) {
            verifyLog.append("predicted cost \(predicted), actual \(actual): \(what())")
        }
        if !routeIsFeasible(r1) || !routeIsFeasible(r2) { verifyLog.append("infeasible after move: \(what())") }
    }

    /// Whether the customer sequence `seq` is time-feasible for route `r`.
    func sequenceTimeOK(_ seq: [Int], _ r: Int) -> Bool {
        var seg = nodeSeg[startId(r)]
        var last = startId(r)
        for c in seq {
            seg = seg.then(nodeSeg[c], travel: tt(last, c))
            if seg.timeWarp > timeEps { return false }
            last = c
        }
        return timeOK(seg.then(nodeSeg[endId(r)], travel: tt(last, endId(r))), r)
    }

    // MARK: Insertion

    /// Best feasible insertion of customer `c` (route, predecessor id, cost increase), skipping
    /// each position with probability `blink`. Empty routes are tried once per vehicle class.
    mutating func bestInsertion(_ c: Int, blink: Double) -> (route: Int, after: Int, delta: Double)? {
        refreshEmptyReps()
        if routeCheck != nil {
            var routes: [Int] = []
            for r in 0..<R where routeSize[r] > 0 { routes.append(r) }
            routes += emptyReps
            return bestAllowedInsertion(c, routes: routes, blink: blink)
        }
        var best = (route: -1, after: -1, delta: Double.infinity)
        for r in 0..<R where routeSize[r] > 0 {
            scanInsertion(c, r, blink: blink, best: &best)
        }
        for i in 0..<emptyReps.count {
            scanInsertion(c, emptyReps[i], blink: blink, best: &best)
        }
        return best.route >= 0 ? best : nil
    }

    @inline(__always)
    mutating func scanInsertion(_ c: Int, _ r: Int, blink: Double, best: inout (route: Int, after: Int, delta: Double)) {
        var found = best
        forEachInsertion(c, r, blink: blink, below: best.delta) { after, delta in
            found = (r, after, delta)
            return delta
        }
        best = found
    }

    /// Whether `c` between `a` and `b` of route `r` keeps the route's time windows and duration.
    /// Out of line on purpose: inlined into the mutating scan, the optimiser copied the whole
    /// search state (a retain and release of every array) before each test, over half of the
    /// construction's time on 1,000 customers with time windows.
    @inline(never)
    func insertionKeepsTime(_ c: Int, _ a: Int, _ b: Int, _ r: Int) -> Bool {
        timeOK(closeWithTail(fwd[a].then(nodeSeg[c], travel: tt(a, c)), c, b, r), r)
    }

    /// Calls `visit(after, delta)` for each position of `c` in route `r` (after customer or depot
    /// `after`) that keeps capacity, distance limit and time windows, costs `delta` less than the
    /// current bound (`below` at first, then what `visit` returns), and is not skipped with
    /// probability `blink`.
    @inline(__always)
    mutating func forEachInsertion(_ c: Int, _ r: Int, blink: Double, below: Double, _ visit: (Int, Double) -> Double) {
        let cd = c &* dims
        for k in 0..<dims where routeLoad[r &* dims &+ k] + demand[cd &+ k] > capLimit[r &* dims &+ k] {
            return
        }
        var bound = below
        let cpd = costPerDistance[r]
        let open = routeSize[r] == 0 ? fixedCost[r] : 0
        let e = endId(r)
        var a = startId(r)
        while a != e {
            let b = next[a]
            if blink > 0 && rng.nextDouble() < blink {
                a = b
                continue
            }
            let dd = d(a, c) + d(c, b) - d(a, b)
            let delta = cpd * dd + open
            if delta < bound && routeDist[r] + dd <= distLimit[r] {
                if !timed || insertionKeepsTime(c, a, b, r) {
                    bound = visit(a, delta)
                }
            }
            a = b
        }
    }

    /// Best insertion of `c` into one of `routes` whose route passes the route test: the feasible
    /// positions by increasing cost, tested in turn (at most ``insertionTests`` tests, and
    /// ``insertionTestsPerRoute`` per route).
    mutating func bestAllowedInsertion(_ c: Int, routes: [Int], blink: Double) -> (route: Int, after: Int, delta: Double)? {
        var candidates: [(delta: Double, route: Int, after: Int)] = []
        for r in routes {
            forEachInsertion(c, r, blink: blink, below: .infinity) { after, delta in
                candidates.append((delta, r, after))
                return .infinity
            }
        }
        candidates.sort { $0.delta < $1.delta || ($0.delta == $1.delta && ($0.route < $1.route || ($0.route == $1.route && $0.after < $1.after))) }
        let calls = routeCheckCalls
        var failures: [Int: Int] = [:]
        var seq: [Int] = []
        for cand in candidates {
            if routeCheckCalls - calls >= SearchState.insertionTests { break }
            if failures[cand.route, default: 0] >= SearchState.insertionTestsPerRoute { continue }
            seq.removeAll(keepingCapacity: true)
            if cand.after == startId(cand.route) { seq.append(c) }
            var id = next[startId(cand.route)]
            while id < C {
                seq.append(id)
                if id == cand.after { seq.append(c) }
                id = next[id]
            }
            if loadable(cand.route, seq) { return (cand.route, cand.after, cand.delta) }
            failures[cand.route, default: 0] += 1
        }
        return nil
    }

    /// Whether customer sequence `seq` (customer ids) on route `r` passes the route test
    /// (always true without one); answers are memoised.
    mutating func loadable(_ r: Int, _ seq: [Int], mayCall: Bool = true) -> Bool {
        guard let routeCheck, !seq.isEmpty else { return true }
        var nodes = [Int](repeating: 0, count: seq.count)
        for i in seq.indices { nodes[i] = nodeOf[seq[i]] }
        let key = RouteKey(type: typeOf[r], nodes: nodes)
        if let known = routeMemo[key] {
            routeMemoHits &+= 1
            return known
        }
        if !mayCall || routeCheckCalls >= routeCheckLimit || (routeCheckStop != nil && routeCheckStop!.shouldStop()) { return false }
        routeCheckCalls &+= 1
        let ok = routeCheck(key.type, nodes)
        if routeMemo.count >= SearchState.routeMemoCapacity { routeMemo.removeAll(keepingCapacity: true) }
        routeMemo[key] = ok
        return ok
    }

    /// Inserts the customers in `list` one by one at their best position; those that fit nowhere
    /// are appended to `unassigned`.
    mutating func insertAll(_ list: [Int], blink: Double) {
        for c in list {
            if let (r, a, _) = bestInsertion(c, blink: blink) {
                let b = next[a]
                next[a] = c
                prev[c] = a
                next[c] = b
                prev[b] = c
                updateRoute(r)
                if verify && !routeIsFeasible(r) { verifyLog.append("infeasible after inserting \(c)") }
            } else {
                routeOf[c] = -1
                unassigned.append(c)
            }
        }
    }

    // MARK: Snapshots

    /// A saved solution: the customers of each route and the unassigned servable customers.
    struct Snapshot {
        var routes: [[Int]]
        var unassigned: [Int]
        var cost: Double
    }

    func snapshot() -> Snapshot {
        Snapshot(routes: (0..<R).map { customers(of: $0) }, unassigned: unassigned, cost: totalCost())
    }

    /// Loads a complete snapshot.
    mutating func load(_ s: Snapshot) {
        for c in 0..<C { routeOf[c] = -1 }
        for r in 0..<R { setRoute(r, s.routes[r]) }
        unassigned = s.unassigned
    }

    /// Copies the routes modified after `since` into `s`.
    func commit(since: Int, into s: inout Snapshot) {
        for r in 0..<R where whenModified[r] > since { s.routes[r] = customers(of: r) }
        s.unassigned = unassigned
        s.cost = totalCost()
    }

    /// Restores the routes modified after `since` from `s`.
    mutating func restore(since: Int, from s: Snapshot) {
        for r in 0..<R where whenModified[r] > since {
            var id = next[startId(r)]
            while id < C {
                routeOf[id] = -1
                id = next[id]
            }
        }
        for r in 0..<R where whenModified[r] > since { setRoute(r, s.routes[r]) }
        unassigned = s.unassigned
    }
}
