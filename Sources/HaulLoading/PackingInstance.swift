import HaulCore

/// The items of one cargo space to fill, as flat arrays indexed by a dense local id.
struct PackingInstance: Sendable {
    var length: Double
    var width: Double
    var height: Double
    var supportFraction: Double
    var weightLimit: Double
    /// Largest total volume on board (the vehicle type's explicit limit, or `.infinity`; the
    /// space's own volume bounds it anyway).
    var volumeLimit: Double
    /// Largest total pallet count on board; `.infinity` when unlimited.
    var palletLimit: Double
    /// Local id -> index in the problem's items.
    var itemIndex: [Int]
    /// Allowed (l, w, h) per item, flattened: orientations of item i are `orientations[orientationStart[i]..<orientationStart[i+1]]`.
    var orientations: [SIMD3<Double>]
    var orientationStart: [Int]
    var weight: [Double]
    var volume: [Double]
    var pallets: [Double]
    var fragile: [Bool]
    /// Load-bearing limit; `.infinity` when none.
    var maxLoad: [Double]
    /// Stop rank (0 = unloaded first); -1 when the item has no stop.
    var rank: [Int]
    /// Items with identical dimensions, rotations and attributes share a class.
    var shapeClass: [Int]
    var hasRanks: Bool
    var hasLoadLimits: Bool
    /// Geometric tolerance.
    var eps: Double

    var count: Int { itemIndex.count }
    /// The smallest extent of any item in any orientation.
    var minDimension: Double
    var capacity: Double { length * width * height }

    /// Whether item `i` can join a load of this weight, volume and pallet count within the limits.
    func withinLimits(_ i: Int, weight w: Double, volume v: Double, pallets p: Double) -> Bool {
        w + weight[i] <= weightLimit + 1e-9 * max(1, weightLimit)
            && v + volume[i] <= volumeLimit + 1e-9 * max(1, volumeLimit)
            && p + pallets[i] <= palletLimit + 1e-9 * max(1, palletLimit)
    }

    /// How many copies of item `i` fit within the limits on top of such a load (`Int.max` when unlimited).
    func copiesWithinLimits(_ i: Int, weight w: Double, volume v: Double, pallets p: Double) -> Int {
        func copies(_ used: Double, _ each: Double, _ limit: Double) -> Int {
            guard each > 0 && limit.isFinite else { return .max }
            return Int(min(Double(1 << 52), max(0, ((limit - used) / each + 1e-9).rounded(.down))))
        }
        return min(copies(w, weight[i], weightLimit), copies(v, volume[i], volumeLimit), copies(p, pallets[i], palletLimit))
    }

    init(problem: LoadingProblem, space: CargoSpace, weightLimit: Double?, volumeLimit: Double? = nil, palletLimit: Double? = nil,
         items: [Int], ranks: [Int?]) {
        length = space.length
        width = space.width
        height = space.height
        supportFraction = space.supportFraction
        self.weightLimit = weightLimit ?? .infinity
        self.volumeLimit = volumeLimit ?? .infinity
        self.palletLimit = palletLimit ?? .infinity
        itemIndex = items
        orientations = []
        orientationStart = [0]
        weight = []
        volume = []
        pallets = []
        fragile = []
        maxLoad = []
        rank = []
        shapeClass = []
        eps = 1e-9 * max(space.length, space.width, space.height)
        var classes: [String: Int] = [:]
        for i in items {
            let item = problem.items[i]
            var seen = Set<SIMD3<Double>>()
            for o in item.orientations {
                let v = SIMD3(o.0, o.1, o.2)
                if v.x <= length + eps && v.y <= width + eps && v.z <= height + eps && seen.insert(v).inserted { orientations.append(v) }
            }
            orientationStart.append(orientations.count)
            weight.append(item.weight)
            volume.append(item.volume)
            pallets.append(item.pallets)
            fragile.append(item.fragile)
            maxLoad.append(item.maxLoadOnTop ?? .infinity)
            rank.append(ranks[i] ?? -1)
            let key = "\(item.length)|\(item.width)|\(item.height)|\(item.rotations)|\(item.weight)|\(item.fragile)|\(item.maxLoadOnTop ?? -1)|\(item.pallets)|\(ranks[i] ?? -1)"
            if classes[key] == nil { classes[key] = classes.count }
            shapeClass.append(classes[key]!)
        }
        minDimension = orientations.map { $0.min() }.min() ?? 0
        hasRanks = Set(rank.filter { $0 >= 0 }).count > 1
        hasLoadLimits = maxLoad.contains { $0.isFinite }
    }
}

/// A placed item: local id, corner and extents.
struct PlacedBox: Sendable {
    var item: Int
    var x: Double, y: Double, z: Double
    var l: Double, w: Double, h: Double
}

/// The outcome of filling one cargo space.
struct PackResult: Sendable {
    var boxes: [PlacedBox] = []
    var volume = 0.0
    var weight = 0.0
    var pallets = 0.0
    /// Block building: the most candidate blocks compared at one step (fewer than the look-ahead
    /// width means a wider look-ahead would build the same packing).
    var maxCandidates = 0
    /// Beam search: every block of every partial packing was tried and no partial packing was
    /// dropped, so a wider beam would find nothing better.
    var exhaustive = false
}
