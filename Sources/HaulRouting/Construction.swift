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
        clearRoutes()
        insertAll(far, blink: 0)
        repairUnassigned()
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
    }

    /// Lexicographic comparison by unassigned count, then cost.
    static func better(_ a: Snapshot, than b: Snapshot) -> Bool {
        if a.unassigned.count != b.unassigned.count { return a.unassigned.count < b.unassigned.count }
        return a.cost < b.cost
    }

    /// Parallel Clarke-Wright savings for a fleet of identical vehicles. Returns the routes (customer
    /// ids), or nil if the fleet is not homogeneous or the savings need more routes than vehicles.
    func savingsRoutes(_ list: [Int]) -> [[Int]]? {
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
