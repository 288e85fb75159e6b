extension SearchState {
    /// Builds the initial solution: the best of Clarke-Wright savings (identical vehicles only) and
    /// cheapest insertion in a few customer orders, by (unassigned customers, cost).
    mutating func construct() {
        var candidates: [Snapshot] = []
        let list = (0..<C).filter { servable[$0] }
        if let routes = savingsRoutes(list) {
            clearRoutes()
            for (r, seq) in routes.enumerated() { setRoute(r, seq) }
            candidates.append(snapshot())
        }
        // Far customers first.
        var far = list
        far.sort { depotDistance[$0] > depotDistance[$1] || (depotDistance[$0] == depotDistance[$1] && $0 < $1) }
        // The insertions below run to the end even past the time limit (a route test may not
        // then answer), so that every customer has had its chance; savings and repairs stop.
        let deadline = routeCheckStop
        routeCheckStop = nil
        if routeCheck != nil {
            // With a route test (loading), routes filled one at a time use the vehicles better.
            clearRoutes()
            let leftovers = sequentialRoutes(far)
            insertAll(leftovers, blink: 0)
            candidates.append(snapshot())
        }
        clearRoutes()
        insertAll(far, blink: 0)
        routeCheckStop = deadline
        if routeCheck == nil { repairUnassigned() }
        candidates.append(snapshot())
        if timed && C <= 5000 {
            // Tightest deadlines first.
            var urgent = list
            urgent.sort {
                let a = nodeSeg[$0].late, b = nodeSeg[$1].late
                return a < b || (a == b && (nodeSeg[$0].early < nodeSeg[$1].early
                    || (nodeSeg[$0].early == nodeSeg[$1].early && $0 < $1)))
            }
            clearRoutes()
            insertAll(urgent, blink: 0)
            repairUnassigned()
            candidates.append(snapshot())
        }
        var best = candidates[0]
        for c in candidates.dropFirst() where SearchState.better(c, than: best) { best = c }
        load(best)
        if routeCheck != nil && !unassigned.isEmpty {
            // Ejection chains for what is left, within a budget of route tests.
            let limit = routeCheckLimit
            routeCheckLimit = min(limit, routeCheckCalls &+ 20 &* C)
            repairUnassigned()
            routeCheckLimit = limit
        }
    }

    /// Fills the routes one at a time (with a route test): each starts with the first customer of
    /// `order` that it can serve alone, then takes the cheapest insertion of any customer left
    /// whose route passes the test (up to 8 tests per step), until none does. Returns the customers
    /// left over.
    mutating func sequentialRoutes(_ order: [Int]) -> [Int] {
        var routed = [Bool](repeating: false, count: C)
        var left = order.count
        var seq: [Int] = []
        for r in 0..<R where left > 0 {
            guard let seed = order.first(where: { c in
                !routed[c] && (0..<dims).allSatisfy { demand[c &* dims &+ $0] <= capLimit[r &* dims &+ $0] }
                    && d(startId(r), c) + d(c, endId(r)) <= distLimit[r]
                    && (!timed || sequenceTimeOK([c], r)) && loadable(r, [c])
            }) else { continue }
            setRoute(r, [seed])
            routed[seed] = true
            left -= 1
            while left > 0 {
                var candidates: [(delta: Double, c: Int, after: Int)] = []
                for c in order where !routed[c] {
                    var fits = true
                    for k in 0..<dims where routeLoad[r &* dims &+ k] + demand[c &* dims &+ k] > capLimit[r &* dims &+ k] { fits = false }
                    if !fits { continue }
                    var best = (delta: Double.infinity, after: -1)
                    var a = startId(r)
                    while a != endId(r) {
                        let b = next[a]
                        let dd = d(a, c) + d(c, b) - d(a, b)
                        if dd < best.delta && routeDist[r] + dd <= distLimit[r]
                            && (!timed || timeOK(closeWithTail(fwd[a].then(nodeSeg[c], travel: tt(a, c)), c, b, r), r)) {
                            best = (dd, a)
                        }
                        a = b
                    }
                    if best.after >= 0 { candidates.append((best.delta, c, best.after)) }
                }
                candidates.sort { $0.delta < $1.delta || ($0.delta == $1.delta && $0.c < $1.c) }
                var placed = false
                for cand in candidates.prefix(8) {
                    seq.removeAll(keepingCapacity: true)
                    if cand.after == startId(r) { seq.append(cand.c) }
                    var id = next[startId(r)]
                    while id < C {
                        seq.append(id)
                        if id == cand.after { seq.append(cand.c) }
                        id = next[id]
                    }
                    if loadable(r, seq) {
                        setRoute(r, seq)
                        routed[cand.c] = true
                        left -= 1
                        placed = true
                        break
                    }
                }
                if !placed { break }
            }
        }
        return order.filter { !routed[$0] }
    }

    /// Lexicographic comparison by unassigned count, then cost.
    static func better(_ a: Snapshot, than b: Snapshot) -> Bool {
        if a.unassigned.count != b.unassigned.count { return a.unassigned.count < b.unassigned.count }
        return a.cost < b.cost
    }

    /// Parallel Clarke-Wright savings for a fleet of identical vehicles. Returns the routes (customer
    /// ids), or nil if the fleet is not homogeneous or the savings need more routes than vehicles.
    mutating func savingsRoutes(_ list: [Int]) -> [[Int]]? {
        guard classCount == 1, R > 0, !list.isEmpty else { return nil }
        let s = startId(0), e = endId(0)
        let undirected = symmetric && !timed && nodeOf[s] == nodeOf[e]
        let cpd = costPerDistance[0], fixed = fixedCost[0]

        // Routes as linked customer lists, one per customer at first (indexed by customer id).
        var rid = [Int](repeating: -1, count: C)
        var first = [Int](repeating: -1, count: C)
        var last = [Int](repeating: -1, count: C)
        var nextC = [Int](repeating: -1, count: C)
        var prevC = [Int](repeating: -1, count: C)
        var size = [Int](repeating: 0, count: C)
        var load = [Double](repeating: 0, count: C * dims)
        var rdist = [Double](repeating: 0, count: C)
        var seg = [TimeSegment](repeating: .trivial, count: C)
        for c in list {
            rid[c] = c
            first[c] = c
            last[c] = c
            size[c] = 1
            for k in 0..<dims { load[c * dims + k] = demand[c * dims + k] }
            rdist[c] = d(s, c) + d(c, e)
            seg[c] = nodeSeg[c]
        }

        // Savings of joining i -> j.
        struct Saving { var value: Double; var i: Int32; var j: Int32 }
        var savings: [Saving] = []
        func add(_ i: Int, _ j: Int) {
            let v = cpd * (d(i, e) + d(s, j) - d(i, j)) + fixed
            if v > 0 { savings.append(Saving(value: v, i: Int32(i), j: Int32(j))) }
        }
        if list.count <= 800 {
            for a in 0..<list.count {
                for b in 0..<list.count where a != b && (!undirected || a < b) { add(list[a], list[b]) }
            }
        } else {
            // Large instances: only pairs of neighbours (duplicates are harmless).
            for i in list {
                for k in 0..<K where servable[neighbors[i * K + k]] { add(i, neighbors[i * K + k]) }
            }
        }
        savings.sort { $0.value > $1.value || ($0.value == $1.value && ($0.i < $1.i || ($0.i == $1.i && $0.j < $1.j))) }

        func reverse(_ r: Int) {
            var c = first[r]
            while c >= 0 {
                let nx = nextC[c]
                nextC[c] = prevC[c]
                prevC[c] = nx
                c = nx
            }
            swap(&first[r], &last[r])
        }

        var routes = list.count
        // The route test is called at most a few times per customer (answers already known are free).
        let savingsTestsEnd = routeCheckCalls + 3 * list.count
        for sv in savings {
            let i = Int(sv.i), j = Int(sv.j)
            let ri = rid[i], rj = rid[j]
            if ri == rj { continue }
            var reverseI = false, reverseJ = false
            if last[ri] != i {
                guard undirected && first[ri] == i else { continue }
                reverseI = true
            }
            if first[rj] != j {
                guard undirected && last[rj] == j else { continue }
                reverseJ = true
            }
            var fits = true
            for k in 0..<dims where load[ri * dims + k] + load[rj * dims + k] > capLimit[k] { fits = false }
            if !fits { continue }
            let newDist = rdist[ri] + rdist[rj] - d(i, e) - d(s, j) + d(i, j)
            if newDist > distLimit[0] { continue }
            var merged = TimeSegment.trivial
            if timed {
                merged = seg[ri].then(seg[rj], travel: tt(i, j))
                let full = nodeSeg[s].then(merged, travel: tt(s, first[ri])).then(nodeSeg[e], travel: tt(last[rj], e))
                if !timeOK(full, 0) { continue }
            }
            if routeCheck != nil {
                // The joined route as it would be driven: ri (reversed if need be), then rj.
                var seq: [Int] = []
                var c = reverseI ? last[ri] : first[ri]
                while c >= 0 {
                    seq.append(c)
                    c = reverseI ? prevC[c] : nextC[c]
                }
                c = reverseJ ? last[rj] : first[rj]
                while c >= 0 {
                    seq.append(c)
                    c = reverseJ ? prevC[c] : nextC[c]
                }
                if !loadable(0, seq, mayCall: routeCheckCalls < savingsTestsEnd) { continue }
            }
            if reverseI { reverse(ri) }
            if reverseJ { reverse(rj) }
            nextC[i] = j
            prevC[j] = i
            var c = j
            while c >= 0 {
                rid[c] = ri
                c = nextC[c]
            }
            last[ri] = last[rj]
            size[ri] += size[rj]
            for k in 0..<dims { load[ri * dims + k] += load[rj * dims + k] }
            rdist[ri] = newDist
            seg[ri] = merged
            routes -= 1
        }
        guard routes <= R else { return nil }
        var out: [[Int]] = []
        for c in list where rid[c] == c {
            var seq: [Int] = []
            var x = first[c]
            while x >= 0 {
                seq.append(x)
                x = nextC[x]
            }
            out.append(seq)
        }
        while out.count < R { out.append([]) }
        return out
    }
}
