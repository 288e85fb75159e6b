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
    /// Order of free spaces: 0 = (x, z, y), 1 = (z, x, y), 2 = (x, y, z), 3 = nearest the origin (x + y + z),
    /// 4 = nearest the walls and the floor (smallest distances first), the block in that corner of the space.
    var spaceOrder = 0
    /// Choose at random among the best `choices` blocks (1 = greedy).
    var choices = 1
    /// Weight of a block's depth (x extent) against its volume in the choice: 0 = volume only.
    var depthPenalty = 0.0
    /// Weight of the volume a block leaves unusable beside or above it.
    var wasteWeight = 1.0
    /// Blocks to choose from (every block that fits the cargo space, see ``BlockCatalog``); without
    /// one, the blocks that are maximal in the chosen space are enumerated at every step.
    var catalog: BlockCatalog?
    /// The lengths that rows of the box classes left can fill along each axis (see ``ReachTable``),
    /// for the block score: with it, the part of a strip beside, above or ahead of a block that no
    /// row of boxes fills is waste, not only a strip thinner than every box.
    var reachCache: ReachCache?
    /// Smallest dimension of any box (set from the instance).
    private var minDim: Double { inst.minDimension }

    private struct Space { var x0, y0, z0, x1, y1, z1: Double }
    /// A block for the chosen space: `n` copies of class `c` in orientation `o`.
    private struct Candidate { var c: Int; var o: SIMD3<Double>; var n: (Int, Int, Int); var score: Double }
    /// A partial packing: free spaces, boxes, and how many of each class are used.
    private struct State {
        var next: [Int]
        var spaces: [Space]
        var boxes: [PlacedBox] = []
        var volume = 0.0
        var weight = 0.0
        var pallets = 0.0
        /// Smallest extent along each axis of any allowed orientation of each box class.
        var classMin: [SIMD3<Double>] = []
        /// The reach table of the classes left (with a ``ReachCache``).
        var reach: ReachTable?
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
        let members = Self.classMembers(inst)
        var state = initialState(members)
        var calls = 0
        var stopped = false
        // Every trial completion is a packing: the fullest one seen may beat the path finally taken.
        var bestSeen: State?
        var maxCandidates = 0
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
            maxCandidates = max(maxCandidates, candidates.count)
            if lookahead > 0 && candidates.count > 1 {
                var bestVolume = -1.0
                for cand in candidates.prefix(lookahead) {
                    var trial = state
                    place(&trial, s, cand, members, minDim)
                    let completed = complete(trial, members, width: lookahead, depth: depth - 1, late: late)
                    if stopped { break }
                    let v = completed.volume
                    if v > bestSeen?.volume ?? -1 { bestSeen = completed }
                    if v > bestVolume { bestVolume = v; pick = cand }
                }
                // A completion cut short says nothing about its block: stop with what is placed.
                if stopped { break }
            }
            place(&state, s, pick, members, minDim)
        }
        if let bestSeen, bestSeen.volume > state.volume { state = bestSeen }
        return PackResult(boxes: state.boxes, volume: state.volume, weight: state.weight, pallets: state.pallets, maxCandidates: maxCandidates)
    }

    /// The empty packing: one free space, the whole cargo space.
    private func initialState(_ members: [[Int]]) -> State {
        var state = State(next: [Int](repeating: 0, count: members.count),
                          spaces: [Space(x0: 0, y0: 0, z0: 0, x1: inst.length, y1: inst.width, z1: inst.height)])
        state.classMin = members.map { m in
            var lo = SIMD3<Double>(repeating: .infinity)
            for k in inst.orientationStart[m[0]]..<inst.orientationStart[m[0] + 1] { lo = pointwiseMin(lo, inst.orientations[k]) }
            return lo
        }
        state.reach = reachCache?.table { _ in true }
        return state
    }

    /// The partial packing made of `kept` (boxes of a valid packing of this instance whose every
    /// box rests on boxes of `kept` or on the floor): the items of one shape class are
    /// interchangeable, so the kept boxes of class c are relabelled to its first members and
    /// `next[c]` is their count; the free spaces are the maximal spaces of the cargo space split by
    /// every kept box (thinner ones than every box left dropped).
    private func state(from kept: [PlacedBox], _ members: [[Int]]) -> State {
        var state = initialState(members)
        var classOf = [Int](repeating: 0, count: inst.count)
        for (c, m) in members.enumerated() { for i in m { classOf[i] = c } }
        for var b in kept {
            let c = classOf[b.item]
            b.item = members[c][state.next[c]]
            state.next[c] += 1
            state.boxes.append(b)
            state.volume += inst.volume[b.item]
            state.weight += inst.weight[b.item]
            state.pallets += inst.pallets[b.item]
        }
        var thinnest = SIMD3<Double>(repeating: .infinity)
        for c in members.indices where state.next[c] < members[c].count { thinnest = pointwiseMin(thinnest, state.classMin[c]) }
        for b in kept {
            state.spaces = split(state.spaces, by: Space(x0: b.x, y0: b.y, z0: b.z, x1: b.x + b.l, y1: b.y + b.w, z1: b.z + b.h), minExtent: thinnest)
        }
        state.reach = reachCache?.table { state.next[$0] < members[$0].count }
        return state
    }

    /// Beam search over partial packings (in the manner of Araya and Riff's beam search with
    /// greedy evaluation, 2014): every partial packing in the beam is extended by each of its
    /// `branching` best-scored blocks, each extension is judged by the volume of its greedy
    /// completion, and the `width` extensions with the fullest completions form the next beam.
    /// Unlike the look-ahead of ``run(rng:lookahead:depth:deadline:clock:isCancelled:)``, which
    /// commits to one block per step, the beam keeps several partial packings alive, so a block
    /// that looks second best now can still lead to the final packing.
    ///
    /// Returns the fullest packing seen (every greedy completion is one). Polls the deadline and
    /// `isCancelled` as ``run(rng:lookahead:depth:deadline:clock:isCancelled:)`` does and returns
    /// the best packing so far once either fires.
    ///
    /// With `start`, the search begins from the partial packing of those boxes (see ``state(from:_:)``)
    /// instead of the empty one: the rest of the items, and the free space the boxes leave, are packed.
    func beamRun(width: Int, branching: Int, start: [PlacedBox]? = nil, deadline: Double = .infinity, clock: Stopwatch? = nil,
                 isCancelled: (@Sendable () -> Bool)? = nil) -> PackResult {
        let members = Self.classMembers(inst)
        var calls = 0
        var stopped = false
        func late() -> Bool {
            guard let clock, !stopped else { return stopped }
            calls += 1
            if calls % 4 == 0 && (clock.elapsed >= deadline || isCancelled?() == true) { stopped = true }
            return stopped
        }
        /// A partial packing in the beam and the volume of its greedy completion (nil for the empty packing).
        struct Node { var state: State; var value: Double? }
        let root = start.map { state(from: $0, members) } ?? initialState(members)
        var best = root
        var beam = [Node(state: root, value: nil)]
        var maxCandidates = 0
        // Whether some block or partial packing was left out (or the search was cut short).
        var pruned = false
        search: while !beam.isEmpty && !late() {
            var children: [Node] = []
            children.reserveCapacity(beam.count * branching)
            for node in beam {
                var state = node.state
                // The space to fill next, and its blocks; spaces no block fits are dropped.
                var candidates: [Candidate] = []
                var s = 0
                while !state.spaces.isEmpty {
                    s = chooseSpace(state)
                    candidates = blocks(state, s, members, need: max(1, branching))
                    if !candidates.isEmpty { break }
                    state.spaces.remove(at: s)
                }
                if candidates.isEmpty {
                    if state.volume > best.volume { best = state }
                    continue
                }
                maxCandidates = max(maxCandidates, candidates.count)
                if candidates.count >= branching { pruned = true }
                for (k, cand) in candidates.enumerated() {
                    var child = state
                    place(&child, s, cand, members, minDim)
                    // With a catalog, the best-scored block is the first step of the node's own
                    // greedy completion, so that child's completion is the node's: not rebuilt.
                    if k == 0, catalog != nil, let value = node.value {
                        children.append(Node(state: child, value: value))
                        continue
                    }
                    let completed = complete(child, members, width: 0, depth: 0, late: late)
                    if stopped { break search }
                    if completed.volume > best.volume { best = completed }
                    children.append(Node(state: child, value: completed.volume))
                }
            }
            // The fullest completions first; among equal ones the fuller partial packing. Two
            // children with the same completion, volume and spaces are nearly always one packing
            // reached in two orders: only the first is kept.
            let tol = 1e-9 * inst.capacity
            let order = children.indices.sorted { a, b in
                let (p, q) = (children[a], children[b])
                if abs(p.value! - q.value!) > tol { return p.value! > q.value! }
                if abs(p.state.volume - q.state.volume) > tol { return p.state.volume > q.state.volume }
                return a < b
            }
            var next: [Node] = []
            next.reserveCapacity(width)
            for i in order {
                let c = children[i]
                if let last = next.last, abs(last.value! - c.value!) <= tol, abs(last.state.volume - c.state.volume) <= tol,
                   last.state.spaces.count == c.state.spaces.count, last.state.boxes.count == c.state.boxes.count {
                    continue
                }
                if next.count == width { pruned = true; break }
                next.append(c)
            }
            beam = next
        }
        return PackResult(boxes: best.boxes, volume: best.volume, weight: best.weight, pallets: best.pallets, maxCandidates: maxCandidates,
                          exhaustive: !pruned && !stopped)
    }

    /// Local item ids per box class, classes in order of their first item (the class indices of ``BlockCatalog``).
    static func classMembers(_ inst: PackingInstance) -> [[Int]] {
        var members: [[Int]] = []
        var classOf: [Int: Int] = [:]
        for i in 0..<inst.count {
            if let c = classOf[inst.shapeClass[i]] { members[c].append(i) } else { classOf[inst.shapeClass[i]] = members.count; members.append([i]) }
        }
        return members
    }

    /// Completes a partial packing: the best-scored block at each step (`depth` 0), or the block
    /// among the `width` best whose own completion at `depth - 1` holds the most volume. Returns
    /// early, incomplete, once `late()` is true.
    private func complete(_ start: State, _ members: [[Int]], width: Int, depth: Int, late: () -> Bool) -> State {
        var state = start
        // One buffer for the candidates of every step (a completion takes a step per block).
        var candidates: [Candidate] = []
        candidates.reserveCapacity(max(1, width) + 1)
        while !state.spaces.isEmpty {
            if late() { return state }
            let s = chooseSpace(state)
            blocks(state, s, members, need: depth <= 0 ? 1 : width, into: &candidates)
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

    /// Where a block of this size goes in the space: its front-left-bottom corner, or with
    /// `spaceOrder` 4 the bottom corner of the space nearest a wall of the cargo space along the
    /// length and along the width (without stops only: the door side fills like the back).
    private func corner(_ space: Space, _ size: SIMD3<Double>) -> SIMD3<Double> {
        guard spaceOrder == 4 else { return SIMD3(space.x0, space.y0, space.z0) }
        let x = space.x0 <= inst.length - space.x1 ? space.x0 : space.x1 - size.x
        let y = space.y0 <= inst.width - space.y1 ? space.y0 : space.y1 - size.y
        return SIMD3(x, y, space.z0)
    }

    /// A space's distances to the nearest walls (length, width) and the floor, smallest first.
    private func anchorDistance(_ p: Space) -> (Double, Double, Double) {
        var d = [min(p.x0, inst.length - p.x1), min(p.y0, inst.width - p.y1), p.z0]
        d.sort()
        return (d[0], d[1], d[2])
    }

    private func chooseSpace(_ state: State) -> Int {
        if spaceOrder == 4 {
            var best = 0
            var bestKey = anchorDistance(state.spaces[0])
            for k in state.spaces.indices.dropFirst() {
                let key = anchorDistance(state.spaces[k])
                if key < bestKey { best = k; bestKey = key }
            }
            return best
        }
        return state.spaces.indices.min { a, b in
            let (p, q) = (state.spaces[a], state.spaces[b])
            switch spaceOrder {
            case 1: return (p.z0, p.x0, p.y0) < (q.z0, q.x0, q.y0)
            case 2: return (p.x0, p.y0, p.z0) < (q.x0, q.y0, q.z0)
            case 3: return (p.x0 + p.y0 + p.z0, p.x0) < (q.x0 + q.y0 + q.z0, q.x0)
            default: return (p.x0, p.z0, p.y0) < (q.x0, q.z0, q.y0)
            }
        }!
    }

    /// Whether the block, in its corner of `space`, has its bottom layer supported, rests on no
    /// fragile box unless its boxes are fragile, carries only fragile boxes if they are, and keeps
    /// unloading order.
    /// `under`, when given, lists the boxes whose tops are at the space's floor under its footprint
    /// (the only boxes that can support a block in the space).
    private func admissible(_ c: Candidate, _ boxes: [PlacedBox], _ space: Space, _ members: [[Int]], under: [PlacedBox]? = nil) -> Bool {
        let rep = members[c.c][0]
        let size = SIMD3(Double(c.n.0) * c.o.x, Double(c.n.1) * c.o.y, Double(c.n.2) * c.o.z)
        let at = corner(space, size)
        guard supported(under ?? boxes, x: at.x, y: at.y, z: at.z, o: c.o, nx: c.n.0, ny: c.n.1, fragile: inst.fragile[rep]) else {
            return false
        }
        let end = at + size
        if inst.fragile[rep] && !carriesOnlyFragile(boxes, x0: at.x, y0: at.y, x1: end.x, y1: end.y, top: end.z) {
            return false
        }
        guard inst.hasRanks && inst.rank[rep] >= 0 else { return true }
        return keepsOrder(boxes, rank: inst.rank[rep], x0: at.x, y0: at.y, z0: at.z, x1: end.x, y1: end.y, z1: end.z)
    }

    /// The `need` best-scored blocks for space `s` that are supported, best first.
    private func blocks(_ state: State, _ s: Int, _ members: [[Int]], need: Int) -> [Candidate] {
        var out: [Candidate] = []
        blocks(state, s, members, need: need, into: &out)
        return out
    }

    /// ``blocks(_:_:_:need:)`` into a buffer the caller reuses (its contents are replaced).
    private func blocks(_ state: State, _ s: Int, _ members: [[Int]], need: Int, into out: inout [Candidate]) {
        out.removeAll(keepingCapacity: true)
        if let catalog { catalogBlocks(catalog, state, s, members, need: need, into: &out); return }
        out = enumeratedBlocks(state, s, members, need: need)
    }

    private func enumeratedBlocks(_ state: State, _ s: Int, _ members: [[Int]], need: Int) -> [Candidate] {
        var all = scoredBlocks(state, s, members)
        let space = state.spaces[s]
        var out: [Candidate] = []
        func ok(_ c: Candidate) -> Bool { admissible(c, state.boxes, space, members) }
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

    /// The `need` best-scored catalog blocks that fit space `s`, are available and supported, best first.
    /// The catalog is sorted by an upper bound on the score (stop rank, then volume), so the scan
    /// ends once no later block can enter the list.
    private func catalogBlocks(_ catalog: BlockCatalog, _ state: State, _ s: Int, _ members: [[Int]], need: Int, into out: inout [Candidate]) {
        let eps = inst.eps
        let space = state.spaces[s]
        let (sl, sw, sh) = (space.x1 - space.x0, space.y1 - space.y0, space.z1 - space.z0)
        let slack = 1e-6 * inst.width
        let hasRanks = inst.hasRanks, rankWeight = self.rankWeight
        let weightCap = inst.weightLimit + 1e-9 * max(1, inst.weightLimit) - state.weight
        let volumeCap = inst.volumeLimit + 1e-9 * max(1, inst.volumeLimit) - state.volume
        let palletCap = inst.palletLimit + 1e-9 * max(1, inst.palletLimit) - state.pallets
        // Blocks larger than the space (with the fit tolerance) are skipped unread.
        let list = catalog.fitList(SIMD3(sl, sw, sh))
        let first = catalog.firstPosition(inList: list, volumeAtMost: (sl + eps) * (sw + eps) * (sh + eps) * (1 + 1e-9))
        let fit = SIMD3(sl, sw, sh) + eps
        // The support test of every block reads only the boxes under the space, listed once.
        let under = boxesUnder(state.boxes, space)
        // The scan reads the catalog's flat arrays without bounds checks: it is the builder's hottest loop.
        catalog.volumes.withUnsafeBufferPointer { volumes in
        catalog.sizes.withUnsafeBufferPointer { sizes in
        catalog.counts.withUnsafeBufferPointer { counts in
        catalog.classes.withUnsafeBufferPointer { classes in
        catalog.lists[list].withUnsafeBufferPointer { indices in
        // The boxes left per class, on the stack (this runs for every step of every completion).
        withUnsafeTemporaryAllocation(of: Int.self, capacity: members.count) { left in
            for c in members.indices { left[c] = members[c].count - state.next[c] }
            // The score the next block must beat to enter a full list.
            var bar = -Double.infinity
            for position in first..<indices.count {
                let k = Int(indices[position])
                let volume = volumes[k]
                let rankBonus = hasRanks ? Double(max(0, catalog.ranks[k])) * rankWeight : 0
                if out.count == need && volume + slack + rankBonus <= bar { break }
                let size = sizes[k]
                guard all(size .<= fit) else { continue }
                guard counts[k] <= left[classes[k]], catalog.weights[k] <= weightCap, volume <= volumeCap, catalog.palletCounts[k] <= palletCap else { continue }
                let score = score(volume: volume, size: size, space: (sl, sw, sh), reach: state.reach) + rankBonus
                if out.count == need && score <= bar { continue }
                let cand = Candidate(c: classes[k], o: catalog.orientations[k], n: catalog.copies[k], score: score)
                guard admissible(cand, state.boxes, space, members, under: under) else { continue }
                let at = out.firstIndex { $0.score < score } ?? out.count
                out.insert(cand, at: at)
                if out.count > need { out.removeLast() }
                if out.count == need { bar = out[need - 1].score }
            }
        }
        }
        }
        }
        }
        }
    }

    /// A block's score in a space of extents `space`: its volume less `wasteWeight` times the strips
    /// beside or above it too thin for any box, less `depthPenalty` times its share of the space's
    /// length; a tiny bonus for width breaks ties. At most the volume plus 1e-6 times the width.
    /// With a reach table, the waste is the part of each strip beside, above and ahead of the block
    /// that no row of the boxes left fills (all of a strip thinner than every box, as without one):
    /// on generated classes 1 to 7 (20 instances, 5 s) +0.01 to +0.37 points of utilisation (see
    /// Benchmarks/README.md).
    private func score(volume: Double, size: SIMD3<Double>, space: (Double, Double, Double), reach: ReachTable?) -> Double {
        let eps = inst.eps
        let (rw, rh) = (space.1 - size.y, space.2 - size.z)
        var waste = 0.0
        if let reach {
            if rw > eps { waste += reach.unfilled(rw, axis: 1) * size.x * space.2 }
            if rh > eps { waste += reach.unfilled(rh, axis: 2) * size.x * size.y }
            if space.0 - size.x > eps { waste += reach.unfilled(space.0 - size.x, axis: 0) * size.y * size.z }
        } else {
            if rw > eps && rw < minDim - eps { waste += rw * size.x * space.2 }
            if rh > eps && rh < minDim - eps { waste += rh * size.x * size.y }
        }
        return (volume - wasteWeight * waste) * (1 - depthPenalty * size.x / space.0) + 1e-6 * size.y
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
                        let size = SIMD3(Double(nx) * o.x, Double(ny) * o.y, Double(nz) * o.z)
                        var score = score(volume: Double(nx * ny * nz) * inst.volume[rep], size: size, space: (sl, sw, sh), reach: state.reach)
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
        let size = SIMD3(Double(pick.n.0) * pick.o.x, Double(pick.n.1) * pick.o.y, Double(pick.n.2) * pick.o.z)
        for iz in 0..<pick.n.2 {
            for iy in 0..<pick.n.1 {
                for ix in 0..<pick.n.0 {
                    let item = members[pick.c][state.next[pick.c]]
                    state.next[pick.c] += 1
                    let at = corner(space, size)
                    state.boxes.append(PlacedBox(item: item, x: at.x + Double(ix) * pick.o.x, y: at.y + Double(iy) * pick.o.y,
                                                 z: at.z + Double(iz) * pick.o.z, l: pick.o.x, w: pick.o.y, h: pick.o.z))
                    state.volume += inst.volume[item]
                    state.weight += inst.weight[item]
                    state.pallets += inst.pallets[item]
                }
            }
        }
        if let reachCache, state.next[pick.c] == members[pick.c].count {
            state.reach = reachCache.table { state.next[$0] < members[$0].count }
        }
        let at = corner(space, size)
        let block = Space(x0: at.x, y0: at.y, z0: at.z, x1: at.x + size.x, y1: at.y + size.y, z1: at.z + size.z)
        // A free space thinner along some axis than every box still to place holds none of them.
        var thinnest = SIMD3<Double>(repeating: .infinity)
        for c in members.indices where state.next[c] < members[c].count { thinnest = pointwiseMin(thinnest, state.classMin[c]) }
        state.spaces = split(state.spaces, by: block, minExtent: thinnest)
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

    /// The boxes whose tops are at the floor of `space` and meet its footprint: every box that can
    /// support a block in the space (none on the cargo floor).
    private func boxesUnder(_ boxes: [PlacedBox], _ space: Space) -> [PlacedBox] {
        let eps = inst.eps
        guard space.z0 > eps else { return [] }
        return boxes.filter { b in
            abs(b.z + b.h - space.z0) <= eps && min(space.x1, b.x + b.l) - max(space.x0, b.x) > eps
                && min(space.y1, b.y + b.w) - max(space.y0, b.y) > eps
        }
    }

    /// Whether every box of the block's bottom layer rests on enough of the tops at height z.
    private func supported(_ boxes: [PlacedBox], x: Double, y: Double, z: Double, o: SIMD3<Double>, nx: Int, ny: Int, fragile: Bool) -> Bool {
        let eps = inst.eps
        guard z > eps else { return true }
        let bx1 = x + Double(nx) * o.x, by1 = y + Double(ny) * o.y
        // The boxes whose tops touch the block's base, listed in a buffer on the stack (no heap
        // allocation: this runs for most candidate blocks).
        return boxes.withUnsafeBufferPointer { all in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: max(1, all.count)) { under in
                var count = 0
                for (i, b) in all.enumerated() where abs(b.z + b.h - z) <= eps && min(bx1, b.x + b.l) - max(x, b.x) > eps && min(by1, b.y + b.w) - max(y, b.y) > eps {
                    if inst.fragile[b.item] && !fragile { return false }
                    under[count] = i
                    count += 1
                }
                let need = inst.supportFraction * o.x * o.y - eps * eps
                for iy in 0..<ny {
                    for ix in 0..<nx {
                        let x0 = x + Double(ix) * o.x, y0 = y + Double(iy) * o.y
                        var area = 0.0
                        for j in 0..<count {
                            let b = all[under[j]]
                            let ox = min(x0 + o.x, b.x + b.l) - max(x0, b.x), oy = min(y0 + o.y, b.y + b.w) - max(y0, b.y)
                            if ox > 0 && oy > 0 { area += ox * oy }
                        }
                        if area < need { return false }
                    }
                }
                return true
            }
        }
    }

    /// The maximal spaces left when `block` is cut out of each space it meets; spaces inside
    /// others, or thinner along some axis than `minExtent` (the smallest extent along that axis of
    /// any box still to place), are dropped: no box left fits them, and fewer spaces make every
    /// later step cheaper. The packing built is the same as with the global smallest extent.
    ///
    /// The spaces given contain none of each other (every split keeps that true), and a piece cut
    /// from one of them contains none of the others, so only the new pieces are tested against
    /// the rest: a pass linear in the spaces per piece instead of quadratic in all of them.
    private func split(_ spaces: [Space], by b: Space, minExtent: SIMD3<Double>) -> [Space] {
        let eps = inst.eps
        var out: [Space] = []
        var isPiece: [Bool] = []
        out.reserveCapacity(spaces.count + 8)
        isPiece.reserveCapacity(spaces.count + 8)
        func keepPiece(_ t: Space) {
            guard t.x1 - t.x0 >= minExtent.x - eps, t.y1 - t.y0 >= minExtent.y - eps, t.z1 - t.z0 >= minExtent.z - eps else { return }
            out.append(t)
            isPiece.append(true)
        }
        for s in spaces {
            guard min(s.x1, b.x1) - max(s.x0, b.x0) > eps, min(s.y1, b.y1) - max(s.y0, b.y0) > eps,
                  min(s.z1, b.z1) - max(s.z0, b.z0) > eps else { out.append(s); isPiece.append(false); continue }
            if b.x0 - s.x0 > eps { var t = s; t.x1 = b.x0; keepPiece(t) }
            if s.x1 - b.x1 > eps { var t = s; t.x0 = b.x1; keepPiece(t) }
            if b.y0 - s.y0 > eps { var t = s; t.y1 = b.y0; keepPiece(t) }
            if s.y1 - b.y1 > eps { var t = s; t.y0 = b.y1; keepPiece(t) }
            if b.z0 - s.z0 > eps { var t = s; t.z1 = b.z0; keepPiece(t) }
            if s.z1 - b.z1 > eps { var t = s; t.z0 = b.z1; keepPiece(t) }
        }
        var keep = [Bool](repeating: true, count: out.count)
        var dropped = false
        // The containment test is the builder's second hottest loop: unchecked buffers, and the
        // six comparisons as two vector comparisons.
        out.withUnsafeBufferPointer { spaces in
            keep.withUnsafeMutableBufferPointer { keep in
                for i in 0..<spaces.count where isPiece[i] {
                    let a = spaces[i]
                    let lo = SIMD4(a.x0, a.y0, a.z0, 0) + eps, hi = SIMD4(a.x1, a.y1, a.z1, 0) - eps
                    for j in 0..<spaces.count where j != i && keep[j] {
                        let c = spaces[j]
                        if all(SIMD4(c.x0, c.y0, c.z0, 0) .<= lo) && all(SIMD4(c.x1, c.y1, c.z1, 0) .>= hi) {
                            keep[i] = false
                            dropped = true
                            break
                        }
                    }
                }
            }
        }
        guard dropped else { return out }
        return out.indices.filter { keep[$0] }.map { out[$0] }
    }
}

/// For each axis, the longest sum of box extents along it (any number of boxes of the classes
/// given, all by default, each in any allowed orientation) up to each whole length of the cargo
/// space: a row of boxes across a strip of width r fills at most `reach(r)` of it. Counts are not
/// limited, so the table is optimistic. Only for whole-number extents up to 10,000 (nil otherwise).
struct ReachTable: Sendable {
    /// The three axes' tables one after the other: axis a's entry for length v is at `start[a] + v`.
    private var best: [Int16]
    private var start: SIMD3<Int>
    private var last: SIMD3<Int>

    /// Whether an instance has reach tables: the cargo space's and every box's extents are whole
    /// numbers, the space's at most 10,000.
    static func applies(_ inst: PackingInstance) -> Bool {
        func whole(_ v: Double) -> Bool { abs(v - v.rounded()) <= 1e-9 * max(1, v) }
        return [inst.length, inst.width, inst.height].allSatisfy { whole($0) && $0 <= 10_000 }
            && inst.orientations.allSatisfy { whole($0.x) && whole($0.y) && whole($0.z) }
    }

    /// The table of the classes of `members` (by default the instance's classes) for which
    /// `remaining` is true (every class by default); nil when ``applies(_:)`` is false.
    init?(_ inst: PackingInstance, members: [[Int]]? = nil, remaining: [Bool]? = nil) {
        guard Self.applies(inst) else { return nil }
        // The items of a class share their extents, so the classes default to the instance's.
        let classes = members ?? BlockBuilder.classMembers(inst)
        if let remaining {
            self.init(checked: inst, members: classes) { remaining[$0] }
        } else {
            self.init(checked: inst, members: classes) { _ in true }
        }
    }

    /// The table of the classes `c` of `members` for which `remaining(c)` is true, for an instance
    /// for which ``applies(_:)`` is true (not checked again: a search builds tens of thousands of
    /// tables of one instance, so a table takes one allocation).
    fileprivate init(checked inst: PackingInstance, members: [[Int]], remaining: (Int) -> Bool) {
        let n = SIMD3(Int(inst.length.rounded()), Int(inst.width.rounded()), Int(inst.height.rounded()))
        let start = SIMD3(0, n.x + 1, n.x + n.y + 2)
        var table = [Int16](repeating: 0, count: n.x + n.y + n.z + 3)
        let longest = max(n.x, n.y, n.z)
        let orientationCount = inst.orientations.count
        table.withUnsafeMutableBufferPointer { table in
            withUnsafeTemporaryAllocation(of: Bool.self, capacity: longest + 1) { isStep in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: max(1, orientationCount)) { steps in
            withUnsafeTemporaryAllocation(of: UInt64.self, capacity: longest / 64 + 2) { bits in
                let words = longest / 64 + 2
                for axis in 0..<3 {
                    let size = n[axis], base = start[axis]
                    // The distinct whole extents along the axis, in increasing order, without hashing.
                    for v in 0...size { isStep[v] = false }
                    for c in members.indices where remaining(c) {
                        let rep = members[c][0]
                        for k in inst.orientationStart[rep]..<inst.orientationStart[rep + 1] {
                            let d = Int(inst.orientations[k][axis].rounded())
                            if d > 0 && d <= size { isStep[d] = true }
                        }
                    }
                    var stepCount = 0
                    for d in 0...size where isStep[d] { steps[stepCount] = d; stepCount += 1 }
                    // Which lengths a row reaches, as bits, a window of lengths at a time: every
                    // step is at least the smallest one, so a window no longer than it depends
                    // only on lengths below it, one shifted read per step.
                    for w in 0..<words { bits[w] = 0 }
                    bits[0] = 1
                    if stepCount > 0 {
                        let span = min(steps[0], 64)
                        var v = 1
                        while v <= size {
                            let len = min(span, size - v + 1)
                            var acc: UInt64 = 0
                            for s in 0..<stepCount {
                                let d = steps[s]
                                if d > v + len - 1 { break }
                                acc |= Self.window(bits, from: v - d, length: len)
                            }
                            Self.write(bits, acc, from: v, length: len)
                            v += len
                        }
                    }
                    // The longest reached length up to each length.
                    var longestReached: Int16 = 0
                    for v in 0...size {
                        if bits[v >> 6] >> UInt64(v & 63) & 1 == 1 { longestReached = Int16(v) }
                        table[base + v] = longestReached
                    }
                }
            }
            }
            }
        }
        best = table
        self.start = start
        last = n
    }

    /// Bits `from ..< from + length` of `bits` (length at most 64) as the low bits of a word; bits
    /// below 0 read as 0.
    private static func window(_ bits: UnsafeMutableBufferPointer<UInt64>, from: Int, length: Int) -> UInt64 {
        var start = from, count = length, shift = 0
        if start < 0 {
            shift = -start
            count -= shift
            start = 0
            if count <= 0 { return 0 }
        }
        let w = start >> 6, o = start & 63
        var value = bits[w] >> UInt64(o)
        if o != 0 && w + 1 < bits.count { value |= bits[w + 1] << UInt64(64 - o) }
        if count < 64 { value &= (1 << UInt64(count)) - 1 }
        return value << UInt64(shift)
    }

    /// Sets bits `from ..< from + length` of `bits` (all 0 before) from the low bits of `value`.
    private static func write(_ bits: UnsafeMutableBufferPointer<UInt64>, _ value: UInt64, from: Int, length: Int) {
        let v = length < 64 ? value & ((1 << UInt64(length)) - 1) : value
        let w = from >> 6, o = from & 63
        bits[w] |= v << UInt64(o)
        if o != 0 && w + 1 < bits.count { bits[w + 1] |= v >> UInt64(64 - o) }
    }

    /// The part of a strip of width `r` along `axis` (0 length, 1 width, 2 height) that no row of boxes fills.
    func unfilled(_ r: Double, axis: Int) -> Double {
        // Truncation is the floor here (x >= 0), and cheaper than rounding.
        let x = r + 1e-6
        guard x >= 0 else { return r }
        let k = min(Int(x), last[axis])
        return r - Double(best[start[axis] + k])
    }
}

/// Reach tables by the set of box classes left, computed once per set (a build uses up its
/// classes one by one, and every build of a search meets many of the same sets). At most
/// ``capacity`` tables are kept (a 5 s search of a 20-type instance meets about 36,000 sets).
final class ReachCache {
    /// Tables kept before the cache starts over (about 2 KB each for the generated container).
    static let capacity = 16_384
    private let inst: PackingInstance
    private let members: [[Int]]
    private var tables: [[Bool]: ReachTable] = [:]
    private var byMask: [UInt64: ReachTable] = [:]

    /// Nil when the instance has no reach tables (extents not whole numbers).
    init?(_ inst: PackingInstance) {
        guard ReachTable.applies(inst) else { return nil }
        self.inst = inst
        members = BlockBuilder.classMembers(inst)
    }

    func table(remaining: [Bool]) -> ReachTable? {
        table { remaining[$0] }
    }

    /// The table of the classes `c` for which `remaining(c)` is true. Up to 64 classes the sets
    /// are keyed by a bit mask, built without allocating.
    func table(_ remaining: (Int) -> Bool) -> ReachTable? {
        guard members.count <= 64 else {
            let flags = members.indices.map(remaining)
            if let t = tables[flags] { return t }
            if tables.count >= Self.capacity { tables.removeAll(keepingCapacity: true) }
            let t = ReachTable(checked: inst, members: members) { flags[$0] }
            tables[flags] = t
            return t
        }
        var mask: UInt64 = 0
        for c in members.indices where remaining(c) { mask |= 1 << UInt64(c) }
        if let t = byMask[mask] { return t }
        if byMask.count >= Self.capacity { byMask.removeAll(keepingCapacity: true) }
        let t = ReachTable(checked: inst, members: members, remaining: remaining)
        byMask[mask] = t
        return t
    }
}
