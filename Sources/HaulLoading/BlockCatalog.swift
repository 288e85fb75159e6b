import HaulCore

/// The blocks a ``BlockBuilder`` may place, listed once per instance: every block of nx x ny x nz
/// copies of one box class in one orientation that fits the cargo space, not only those that are
/// maximal in the space at hand (a block one box shorter often leaves the better space beside it).
/// Flat arrays in one order, by stop rank (latest first) and then by volume, largest first, so
/// that a scan for the best block of a space reads no reference-counted storage per block.
///
/// General blocks (two blocks side by side or stacked, filling at least 98% of their bounding box,
/// as in Fanslau and Bortfeldt, 2010) were tried and measured worse under the support rule: on
/// generated class-3 instances at 5 s, 92.3% against 93.1% with these blocks alone; on class 7
/// (10 instances, 2026-12-07), 92.9% at 98% fill, 93.2% at 99% and 93.7% for exact fits only,
/// against 93.8% (see Benchmarks/README.md).
struct BlockCatalog {
    /// Largest number of blocks listed; an instance with more is not given a catalog
    /// (``make(inst:members:)`` returns nil) and its builder enumerates blocks per space.
    static let maxBlocks = 20_000

    private(set) var sizes: [SIMD3<Double>] = []
    private(set) var orientations: [SIMD3<Double>] = []
    private(set) var copies: [(Int, Int, Int)] = []
    private(set) var volumes: [Double] = []
    private(set) var weights: [Double] = []
    private(set) var palletCounts: [Double] = []
    private(set) var ranks: [Int] = []
    /// Box class (index into the builder's `members`) and number of boxes.
    private(set) var classes: [Int] = []
    private(set) var counts: [Int] = []

    var count: Int { volumes.count }
    /// Whether every block has the same stop rank, so that the list is sorted by volume alone.
    private(set) var oneRank = true

    /// A fit index: for a few thresholds along each axis, the blocks (catalog indices, in catalog
    /// order) no larger than those thresholds. A space scans the list of the smallest thresholds
    /// at least its extents instead of the whole catalog: on a class-7 instance 93% of the blocks
    /// scanned did not fit the space.
    private(set) var thresholds: [[Double]] = [[], [], []]
    private(set) var lists: [[Int32]] = []

    /// The index list whose blocks include every block that fits a space of extents `space` (with the tolerance).
    func fitList(_ space: SIMD3<Double>) -> Int {
        var key = 0
        for axis in 0..<3 {
            let t = thresholds[axis]
            var i = 0
            while i < t.count - 1 && t[i] < space[axis] { i += 1 }
            key = key * t.count + i
        }
        return key
    }

    /// The first position in list `l` whose block's volume is at most `volume` (0 when the
    /// catalog is not sorted by volume alone).
    func firstPosition(inList l: Int, volumeAtMost volume: Double) -> Int {
        guard oneRank else { return 0 }
        let list = lists[l]
        var lo = 0, hi = list.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if volumes[Int(list[mid])] > volume { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Builds the fit index: up to `perAxis` thresholds per axis (quantiles of the blocks'
    /// extents along it, the last one the cargo space's extent).
    private mutating func buildFitIndex(limit: SIMD3<Double>, eps: Double, perAxis: Int = 6) {
        for axis in 0..<3 {
            let values = Set(sizes.map { $0[axis] }).sorted()
            var t: [Double] = []
            if values.count > 1 {
                for q in 1..<perAxis {
                    let v = values[min(values.count - 1, q * values.count / perAxis)]
                    if v < limit[axis] - eps && (t.last ?? -1) < v { t.append(v) }
                }
            }
            t.append(.infinity)
            thresholds[axis] = t
        }
        let (nx, ny, nz) = (thresholds[0].count, thresholds[1].count, thresholds[2].count)
        lists = [[Int32]](repeating: [], count: nx * ny * nz)
        func bucket(_ v: Double, _ axis: Int) -> Int {
            // The first threshold a block of this extent lies within.
            thresholds[axis].firstIndex { v <= $0 + eps } ?? thresholds[axis].count - 1
        }
        for k in 0..<count {
            let size = sizes[k]
            let (bx, by, bz) = (bucket(size.x, 0), bucket(size.y, 1), bucket(size.z, 2))
            for ix in bx..<nx {
                for iy in by..<ny {
                    for iz in bz..<nz { lists[(ix * ny + iy) * nz + iz].append(Int32(k)) }
                }
            }
        }
    }

    /// The catalog of an instance, or nil when it would list more than ``maxBlocks`` blocks.
    /// - Parameter members: local item ids of each box class (``BlockBuilder/classMembers(_:)``).
    static func make(inst: PackingInstance, members: [[Int]]) -> BlockCatalog? {
        let limit = SIMD3(inst.length, inst.width, inst.height) + inst.eps
        struct Entry { var c: Int; var o: SIMD3<Double>; var n: (Int, Int, Int); var volume: Double; var rank: Int }
        var entries: [Entry] = []
        for c in members.indices {
            let rep = members[c][0]
            let available = min(members[c].count, inst.copiesWithinLimits(rep, weight: 0, volume: 0, pallets: 0))
            guard available > 0 else { continue }
            for k in inst.orientationStart[rep]..<inst.orientationStart[rep + 1] {
                let o = inst.orientations[k]
                let mx = Int(limit.x / o.x), my = Int(limit.y / o.y), mz = Int(limit.z / o.z)
                guard mx > 0, my > 0, mz > 0 else { continue }
                for nx in 1...min(mx, available) {
                    for ny in 1...min(my, available / nx) {
                        for nz in 1...min(mz, available / (nx * ny)) {
                            if entries.count >= maxBlocks { return nil }
                            entries.append(Entry(c: c, o: o, n: (nx, ny, nz), volume: Double(nx * ny * nz) * inst.volume[rep], rank: inst.rank[rep]))
                        }
                    }
                }
            }
        }
        entries.sort { ($0.rank, $0.volume) > ($1.rank, $1.volume) }
        var catalog = BlockCatalog()
        catalog.oneRank = entries.allSatisfy { $0.rank == entries[0].rank }
        for e in entries {
            let rep = members[e.c][0]
            let n = e.n.0 * e.n.1 * e.n.2
            catalog.sizes.append(SIMD3(Double(e.n.0) * e.o.x, Double(e.n.1) * e.o.y, Double(e.n.2) * e.o.z))
            catalog.orientations.append(e.o)
            catalog.copies.append(e.n)
            catalog.volumes.append(e.volume)
            catalog.weights.append(Double(n) * inst.weight[rep])
            catalog.palletCounts.append(Double(n) * inst.pallets[rep])
            catalog.ranks.append(e.rank)
            catalog.classes.append(e.c)
            catalog.counts.append(n)
        }
        catalog.buildFitIndex(limit: SIMD3(inst.length, inst.width, inst.height), eps: inst.eps)
        return catalog
    }
}
