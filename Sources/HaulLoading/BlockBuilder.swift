import HaulCore

/// Block building over maximal free spaces (in the manner of Fanslau and Bortfeldt, 2010):
/// repeatedly take the free space nearest the front-bottom-left, fill its corner with the best
/// block of identical boxes (nx x ny x nz copies in one orientation) that fits, is supported from
/// below and rests on no fragile box unless its boxes are fragile, and split every free space the
/// block meets into the maximal spaces around it.
///
/// For instances without load-bearing limits (``ExtremePointPacker`` handles those); the blocks'
/// upper layers rest fully on their lower layers, so only the bottom layer is checked for support.
/// With stops, a block (whose boxes share a stop) keeps unloading order with every box placed
/// before it, and blocks of later stops (delivered last, so loaded first) are preferred.
struct BlockBuilder {
    let inst: PackingInstance
    /// Order of free spaces: 0 = (x, z, y), 1 = (z, x, y), 2 = (x, y, z), 3 = nearest the origin (x + y + z).
    var spaceOrder = 0
    /// Choose at random among the best `choices` blocks (1 = greedy).
    var choices = 1
    /// Weight of a block's depth (x extent) against its volume in the choice: 0 = volume only.
    var depthPenalty = 0.0
    /// Weight of the volume a block leaves unusable beside or above it.
    var wasteWeight = 1.0
    /// Smallest dimension of any box (set from the instance).
    private var minDim: Double { inst.minDimension }

    private struct Space { var x0, y0, z0, x1, y1, z1: Double }
    private struct Candidate { var c: Int; var o: SIMD3<Double>; var n: (Int, Int, Int); var score: Double }
    /// A partial packing: free spaces, boxes, and how many of each class are used.
    private struct State {
        var next: [Int]
        var spaces: [Space]
        var boxes: [PlacedBox] = []
        var volume = 0.0
        var weight = 0.0
        var pallets = 0.0
    }

    /// Builds a packing: greedy when `lookahead` is 0; otherwise at each step the `lookahead`
    /// best blocks are each tried and completed (greedily, or for `depth` 2 with a look-ahead of
    /// their own), and the block whose completion holds the most volume is placed.
    ///
    /// With a `clock`, the deadline and `isCancelled` are polled every few steps of the build and
    /// of every trial completion; once either fires the build stops and returns the blocks placed
    /// so far (a valid, partial packing), so that one build never runs far past the deadline.
    func run(rng: inout SplitMix64, lookahead: Int = 0, depth: Int = 1, deadline: Double = .infinity, clock: Stopwatch? = nil,
             isCancelled: (@Sendable () -> Bool)? = nil) -> PackResult {
        var members: [[Int]] = []
        var classOf: [Int: Int] = [:]
        for i in 0..<inst.count {
            if let c = classOf[inst.shapeClass[i]] { members[c].append(i) } else { classOf[inst.shapeClass[i]] = members.count; members.append([i]) }
        }
        var state = State(next: [Int](repeating: 0, count: members.count),
                          spaces: [Space(x0: 0, y0: 0, z0: 0, x1: inst.length, y1: inst.width, z1: inst.height)])
        var calls = 0
        var stopped = false
        // Polled once per step of the build and of every completion: the clock every 4th time.
        func late() -> Bool {
            guard let clock, !stopped else { return stopped }
            calls += 1
            if calls % 4 == 0 && (clock.elapsed >= deadline || isCancelled?() == true) { stopped = true }
            return stopped
        }
        while !state.spaces.isEmpty && !late() {
            let s = chooseSpace(state)
            let candidates = blocks(state, s, members, need: max(1, lookahead, choices))
            guard !candidates.isEmpty else { state.spaces.remove(at: s); continue }
            var pick = candidates[choices > 1 ? Int(rng.next() % UInt64(min(choices, candidates.count))) : 0]
            if lookahead > 0 && candidates.count > 1 {
                var bestVolume = -1.0
                for cand in candidates.prefix(lookahead) {
                    var trial = state
                    place(&trial, s, cand, members, minDim)
                    let v = complete(trial, members, width: lookahead, depth: depth - 1, late: late).volume
                    if stopped { break }
                    if v > bestVolume { bestVolume = v; pick = cand }
                }
                // A completion cut short says nothing about its block: stop with what is placed.
                if stopped { break }
            }
            place(&state, s, pick, members, minDim)
        }
        return PackResult(boxes: state.boxes, volume: state.volume, weight: state.weight, pallets: state.pallets)
    }

    /// Completes a partial packing: the best-scored block at each step (`depth` 0), or the block
    /// among the `width` best whose own completion at `depth - 1` holds the most volume. Returns
    /// early, incomplete, once `late()` is true.
    private func complete(_ start: State, _ members: [[Int]], width: Int, depth: Int, late: () -> Bool) -> State {
        var state = start
        while !state.spaces.isEmpty {
            if late() { return state }
            let s = chooseSpace(state)
            let candidates = blocks(state, s, members, need: depth <= 0 ? 1 : width)
            guard !candidates.isEmpty else { state.spaces.remove(at: s); continue }
            var pick = candidates[0]
            if depth > 0 && candidates.count > 1 {
                var bestVolume = -1.0
                for cand in candidates.prefix(width) {
                    var trial = state
                    place(&trial, s, cand, members, minDim)
                    let v = complete(trial, members, width: width, depth: depth - 1, late: late).volume
                    if late() { return state }
                    if v > bestVolume { bestVolume = v; pick = cand }
                }
            }
            place(&state, s, pick, members, minDim)
        }
        return state
    }

    private func chooseSpace(_ state: State) -> Int {
        state.spaces.indices.min { a, b in
            let (p, q) = (state.spaces[a], state.spaces[b])
            switch spaceOrder {
            case 1: return (p.z0, p.x0, p.y0) < (q.z0, q.x0, q.y0)
            case 2: return (p.x0, p.y0, p.z0) < (q.x0, q.y0, q.z0)
            case 3: return (p.x0 + p.y0 + p.z0, p.x0) < (q.x0 + q.y0 + q.z0, q.x0)
            default: return (p.x0, p.z0, p.y0) < (q.x0, q.z0, q.y0)
            }
        }!
    }

    /// The `need` best-scored blocks for space `s` that are supported, best first.
    private func blocks(_ state: State, _ s: Int, _ members: [[Int]], need: Int) -> [Candidate] {
        var all = scoredBlocks(state, s, members)
        let space = state.spaces[s]
        var out: [Candidate] = []
        func ok(_ c: Candidate) -> Bool {
            let rep = members[c.c][0]
            guard supported(state.boxes, x: space.x0, y: space.y0, z: space.z0, o: c.o, nx: c.n.0, ny: c.n.1, fragile: inst.fragile[rep]) else {
                return false
            }
            if inst.fragile[rep] && !carriesOnlyFragile(state.boxes, x0: space.x0, y0: space.y0, x1: space.x0 + Double(c.n.0) * c.o.x,
                                                         y1: space.y0 + Double(c.n.1) * c.o.y, top: space.z0 + Double(c.n.2) * c.o.z) {
                return false
            }
            guard inst.hasRanks && inst.rank[rep] >= 0 else { return true }
            return keepsOrder(state.boxes, rank: inst.rank[rep], x0: space.x0, y0: space.y0, z0: space.z0,
                              x1: space.x0 + Double(c.n.0) * c.o.x, y1: space.y0 + Double(c.n.1) * c.o.y, z1: space.z0 + Double(c.n.2) * c.o.z)
        }
        if need == 1 {
            while let k = all.indices.max(by: { all[$0].score < all[$1].score }) {
                if ok(all[k]) { return [all[k]] }
                all.swapAt(k, all.count - 1)
                all.removeLast()
            }
            return []
        }
        all.sort { $0.score > $1.score }
        for c in all where ok(c) {
            out.append(c)
            if out.count == need { break }
        }
        return out
    }

    private func scoredBlocks(_ state: State, _ s: Int, _ members: [[Int]]) -> [Candidate] {
        let eps = inst.eps
        let space = state.spaces[s]
        let (sl, sw, sh) = (space.x1 - space.x0, space.y1 - space.y0, space.z1 - space.z0)
        var candidates: [Candidate] = []
        for c in members.indices where state.next[c] < members[c].count {
            let rep = members[c][0]
            let left = min(members[c].count - state.next[c],
                           inst.copiesWithinLimits(rep, weight: state.weight, volume: state.volume, pallets: state.pallets))
            guard left > 0 else { continue }
            for k in inst.orientationStart[rep]..<inst.orientationStart[rep + 1] {
                let o = inst.orientations[k]
                let mx = Int((sl + eps) / o.x), my = Int((sw + eps) / o.y), mz = Int((sh + eps) / o.z)
                guard mx > 0, my > 0, mz > 0 else { continue }
                // Every maximal block: no count can grow by one within the space and the copies left.
                for nx in 1...mx {
                    if nx > left { break }
                    for ny in 1...my {
                        let nz = min(mz, left / (nx * ny))
                        if nz == 0 { break }
                        if nx < mx && (nx + 1) * ny * nz <= left { continue }
                        if ny < my && nx * (ny + 1) * nz <= left { continue }
                        let bl = Double(nx) * o.x, bw = Double(ny) * o.y
                        let volume = Double(nx * ny * nz) * inst.volume[rep]
                        // Strips of the space beside or above the block too thin for any box are lost.
                        let bh = Double(nz) * o.z
                        let (rw, rh) = (sw - bw, sh - bh)
                        var waste = 0.0
                        if rw > eps && rw < minDim - eps { waste += rw * bl * sh }
                        if rh > eps && rh < minDim - eps { waste += rh * bl * bw }
                        var score = (volume - wasteWeight * waste) * (1 - depthPenalty * bl / sl) + 1e-6 * bw
                        // Later stops first: they go deepest.
                        if inst.hasRanks { score += Double(max(0, inst.rank[rep])) * rankWeight }
                        candidates.append(Candidate(c: c, o: o, n: (nx, ny, nz), score: score))
                    }
                }
            }
        }
        return candidates
    }

    private func place(_ state: inout State, _ s: Int, _ pick: Candidate, _ members: [[Int]], _ minDim: Double) {
        let space = state.spaces[s]
        for iz in 0..<pick.n.2 {
            for iy in 0..<pick.n.1 {
                for ix in 0..<pick.n.0 {
                    let item = members[pick.c][state.next[pick.c]]
                    state.next[pick.c] += 1
                    state.boxes.append(PlacedBox(item: item, x: space.x0 + Double(ix) * pick.o.x, y: space.y0 + Double(iy) * pick.o.y,
                                                 z: space.z0 + Double(iz) * pick.o.z, l: pick.o.x, w: pick.o.y, h: pick.o.z))
                    state.volume += inst.volume[item]
                    state.weight += inst.weight[item]
                    state.pallets += inst.pallets[item]
                }
            }
        }
        let block = Space(x0: space.x0, y0: space.y0, z0: space.z0, x1: space.x0 + Double(pick.n.0) * pick.o.x,
                          y1: space.y0 + Double(pick.n.1) * pick.o.y, z1: space.z0 + Double(pick.n.2) * pick.o.z)
        state.spaces = split(state.spaces, by: block, minDim: minDim)
    }

    /// Whether every box resting on the top face (height `top`) of the footprint is fragile: a block
    /// may fill the space under the overhang of a box placed before it.
    private func carriesOnlyFragile(_ boxes: [PlacedBox], x0: Double, y0: Double, x1: Double, y1: Double, top: Double) -> Bool {
        let eps = inst.eps
        for b in boxes where abs(b.z - top) <= eps && min(x1, b.x + b.l) - max(x0, b.x) > eps && min(y1, b.y + b.w) - max(y0, b.y) > eps {
            if !inst.fragile[b.item] { return false }
        }
        return true
    }

    /// A score bonus per stop rank larger than any block's volume.
    private var rankWeight: Double { 4 * inst.capacity }

    /// No box of a later stop above the block or between it and the door, and the block neither
    /// above nor door-side of a box of an earlier stop (the block's boxes share stop rank `rank`).
    private func keepsOrder(_ boxes: [PlacedBox], rank r: Int, x0: Double, y0: Double, z0: Double,
                            x1: Double, y1: Double, z1: Double) -> Bool {
        let eps = inst.eps
        for b in boxes {
            let rb = inst.rank[b.item]
            if rb < 0 || rb == r { continue }
            guard min(y1, b.y + b.w) - max(y0, b.y) > eps else { continue }
            let ox = min(x1, b.x + b.l) - max(x0, b.x) > eps
            let oz = min(z1, b.z + b.h) - max(z0, b.z) > eps
            if rb < r {
                if (ox && z0 >= b.z + b.h - eps) || (oz && x0 >= b.x + b.l - eps) { return false }
            } else {
                if (ox && b.z >= z1 - eps) || (oz && b.x >= x1 - eps) { return false }
            }
        }
        return true
    }

    /// Whether every box of the block's bottom layer rests on enough of the tops at height z.
    private func supported(_ boxes: [PlacedBox], x: Double, y: Double, z: Double, o: SIMD3<Double>, nx: Int, ny: Int, fragile: Bool) -> Bool {
        let eps = inst.eps
        guard z > eps else { return true }
        let bx1 = x + Double(nx) * o.x, by1 = y + Double(ny) * o.y
        var under: [PlacedBox] = []
        for b in boxes where abs(b.z + b.h - z) <= eps && min(bx1, b.x + b.l) - max(x, b.x) > eps && min(by1, b.y + b.w) - max(y, b.y) > eps {
            if inst.fragile[b.item] && !fragile { return false }
            under.append(b)
        }
        let need = inst.supportFraction * o.x * o.y - eps * eps
        for iy in 0..<ny {
            for ix in 0..<nx {
                let x0 = x + Double(ix) * o.x, y0 = y + Double(iy) * o.y
                var area = 0.0
                for b in under {
                    let ox = min(x0 + o.x, b.x + b.l) - max(x0, b.x), oy = min(y0 + o.y, b.y + b.w) - max(y0, b.y)
                    if ox > 0 && oy > 0 { area += ox * oy }
                }
                if area < need { return false }
            }
        }
        return true
    }

    /// The maximal spaces left when `block` is cut out of each space it meets; spaces inside
    /// others or too small for any box are dropped.
    private func split(_ spaces: [Space], by b: Space, minDim: Double) -> [Space] {
        let eps = inst.eps
        var out: [Space] = []
        for s in spaces {
            guard min(s.x1, b.x1) - max(s.x0, b.x0) > eps, min(s.y1, b.y1) - max(s.y0, b.y0) > eps,
                  min(s.z1, b.z1) - max(s.z0, b.z0) > eps else { out.append(s); continue }
            if b.x0 - s.x0 > eps { var t = s; t.x1 = b.x0; out.append(t) }
            if s.x1 - b.x1 > eps { var t = s; t.x0 = b.x1; out.append(t) }
            if b.y0 - s.y0 > eps { var t = s; t.y1 = b.y0; out.append(t) }
            if s.y1 - b.y1 > eps { var t = s; t.y0 = b.y1; out.append(t) }
            if b.z0 - s.z0 > eps { var t = s; t.z1 = b.z0; out.append(t) }
            if s.z1 - b.z1 > eps { var t = s; t.z0 = b.z1; out.append(t) }
        }
        out.removeAll { s in s.x1 - s.x0 < minDim - eps || s.y1 - s.y0 < minDim - eps || s.z1 - s.z0 < minDim - eps }
        // Drop spaces contained in another.
        var keep = [Bool](repeating: true, count: out.count)
        for i in out.indices where keep[i] {
            for j in out.indices where j != i && keep[j] {
                let (a, c) = (out[i], out[j])
                if a.x0 >= c.x0 - eps && a.x1 <= c.x1 + eps && a.y0 >= c.y0 - eps && a.y1 <= c.y1 + eps && a.z0 >= c.z0 - eps && a.z1 <= c.z1 + eps {
                    keep[i] = false
                    break
                }
            }
        }
        return out.indices.filter { keep[$0] }.map { out[$0] }
    }
}
