import HaulCore

/// The items of one cargo space to fill, as flat arrays indexed by a dense local id.
struct PackingInstance: Sendable {
    var length: Double
    var width: Double
    var height: Double
    var supportFraction: Double
    var weightLimit: Double
    /// Local id -> index in the problem's items.
    var itemIndex: [Int]
    /// Allowed (l, w, h) per item, flattened: orientations of item i are `orientations[orientationStart[i]..<orientationStart[i+1]]`.
    var orientations: [SIMD3<Double>]
    var orientationStart: [Int]
    var weight: [Double]
    var volume: [Double]
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

    init(problem: LoadingProblem, space: CargoSpace, weightLimit: Double?, items: [Int], ranks: [Int?]) {
        length = space.length
        width = space.width
        height = space.height
        supportFraction = space.supportFraction
        self.weightLimit = weightLimit ?? .infinity
        itemIndex = items
        orientations = []
        orientationStart = [0]
        weight = []
        volume = []
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
            fragile.append(item.fragile)
            maxLoad.append(item.maxLoadOnTop ?? .infinity)
            rank.append(ranks[i] ?? -1)
            let key = "\(item.length)|\(item.width)|\(item.height)|\(item.rotations)|\(item.weight)|\(item.fragile)|\(item.maxLoadOnTop ?? -1)|\(ranks[i] ?? -1)"
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
}
