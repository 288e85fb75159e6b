/// The inside of a vehicle's cargo space.
///
/// Coordinates for 3D placement: `x` runs along the length from the front wall (x = 0) to the
/// rear door (x = `length`), `y` across the width, `z` up from the floor.
public struct CargoSpace: Sendable, Equatable {
    /// The default share of a box's base that must rest on the floor or on other boxes.
    public static let defaultSupportFraction = 0.75

    public var length: Double
    public var width: Double
    public var height: Double
    /// Share of each box's base area (0 to 1) that must rest on the floor or on the tops of other boxes.
    public var supportFraction: Double
    public init(length: Double, width: Double, height: Double, supportFraction: Double = CargoSpace.defaultSupportFraction) {
        self.length = length
        self.width = width
        self.height = height
        self.supportFraction = supportFraction
    }
    public var volume: Double { length * width * height }
}

/// A kind of vehicle to load.
public struct LoadingVehicleType: Sendable, Equatable {
    public var id: String
    /// How many are available (>= 0).
    public var count: Int
    /// Cost of using one.
    public var cost: Double
    /// Largest total weight. `nil`: unlimited.
    public var weightLimit: Double?
    /// Largest total volume; defaults to the cargo space's volume, or unlimited without one.
    public var volumeLimit: Double?
    /// Largest total pallet count of the items on board (``LoadingItem/pallets``); `nil`: unlimited.
    public var maxPallets: Double?
    public var cargoSpace: CargoSpace?

    public init(id: String, count: Int = 1, cost: Double = 1, weightLimit: Double? = nil, volumeLimit: Double? = nil,
                maxPallets: Double? = nil, cargoSpace: CargoSpace? = nil) {
        self.id = id
        self.count = count
        self.cost = cost
        self.weightLimit = weightLimit
        self.volumeLimit = volumeLimit
        self.maxPallets = maxPallets
        self.cargoSpace = cargoSpace
    }

    /// The volume limit in force: the explicit one, else the cargo space's volume.
    public var effectiveVolumeLimit: Double? { volumeLimit ?? cargoSpace?.volume }

    /// Whether one vehicle of this type can carry `item` alone: its weight, volume and pallets
    /// within the limits and, with a cargo space, its extents in an allowed orientation.
    public func canCarry(_ item: LoadingItem) -> Bool {
        item.weight <= (weightLimit ?? .infinity) + 1e-9
            && item.volume <= (effectiveVolumeLimit ?? .infinity) + 1e-9
            && item.pallets <= (maxPallets ?? .infinity) + 1e-9
            && (cargoSpace.map { item.fits(in: $0) } ?? true)
    }
}

/// Which ways round a box may be placed.
public enum Rotations: String, Sendable, CaseIterable {
    /// Any of the six orientations.
    case all
    /// Height stays vertical; length and width may swap.
    case thisSideUp
    /// Exactly as given.
    case none
}

/// A box or parcel to load.
public struct LoadingItem: Sendable, Equatable {
    public var id: String
    public var weight: Double
    public var length: Double
    public var width: Double
    public var height: Double
    public var rotations: Rotations
    /// Nothing but fragile items may be placed on top of a fragile one.
    public var fragile: Bool
    /// The stop (customer id) where the item is delivered, if any.
    public var stop: String?
    /// Largest weight that may rest on the item (its load-bearing limit); `nil`: unlimited.
    ///
    /// The weight resting on a box is that of every box above it, each box's own weight plus
    /// what rests on it being shared among the boxes under it in proportion to contact area
    /// (the floor taking its share where the box touches it).
    public var maxLoadOnTop: Double?
    /// How many pallet places the item takes (a non-negative number, 0 for a loose parcel),
    /// counted against its vehicle type's ``LoadingVehicleType/maxPallets``.
    public var pallets: Double

    public init(id: String, weight: Double, length: Double, width: Double, height: Double,
                rotations: Rotations = .all, fragile: Bool = false, stop: String? = nil, maxLoadOnTop: Double? = nil,
                pallets: Double = 0) {
        self.id = id
        self.weight = weight
        self.length = length
        self.width = width
        self.height = height
        self.rotations = rotations
        self.fragile = fragile
        self.stop = stop
        self.maxLoadOnTop = maxLoadOnTop
        self.pallets = pallets
    }

    public var volume: Double { length * width * height }

    /// The orientations (l, w, h) this item may take.
    public var orientations: [(Double, Double, Double)] {
        let (l, w, h) = (length, width, height)
        switch rotations {
        case .none: return [(l, w, h)]
        case .thisSideUp: return [(l, w, h), (w, l, h)]
        case .all: return [(l, w, h), (w, l, h), (l, h, w), (h, l, w), (w, h, l), (h, w, l)]
        }
    }

    /// Whether some allowed orientation fits inside `space`.
    public func fits(in space: CargoSpace) -> Bool {
        orientations.contains { $0.0 <= space.length + 1e-9 && $0.1 <= space.width + 1e-9 && $0.2 <= space.height + 1e-9 }
    }
}

/// Which vehicles to use and which items go in each, over weight and volume, and with
/// `placement` where each item sits in its vehicle's cargo space.
public struct LoadingProblem: Sendable, Equatable {
    public var vehicleTypes: [LoadingVehicleType]
    public var items: [LoadingItem]
    /// When true, every loaded item gets a 3D position in its vehicle's cargo space (every vehicle
    /// type then needs a `cargoSpace`): inside the space, no overlap, supported from below,
    /// only fragile items on fragile ones, load-bearing limits, and unloading order by stop.
    public var placement: Bool
    /// The order in which the stops are served (first unloaded first); `nil`: the order in which
    /// the stops first appear among the items. Used only with `placement`.
    public var stopOrder: [String]?

    public init(vehicleTypes: [LoadingVehicleType], items: [LoadingItem], placement: Bool = false, stopOrder: [String]? = nil) {
        self.vehicleTypes = vehicleTypes
        self.items = items
        self.placement = placement
        self.stopOrder = stopOrder
    }

    static let fields: Set<String> = ["vehicleTypes", "items", "placement", "stopOrder"]

    /// Whether pallet counts matter: some item takes pallets or some vehicle type limits them.
    /// Plans then state each vehicle's pallet total.
    public var usesPallets: Bool {
        items.contains { $0.pallets > 0 } || vehicleTypes.contains { $0.maxPallets != nil }
    }

    /// The most items a problem with `placement` may have.
    public static let maxPlacementItems = 20_000

    /// The rank of each item's stop in the delivery order (0 = served first); `nil` for items without a stop.
    public var stopRanks: [Int?] {
        var rank: [String: Int] = [:]
        for (k, s) in (stopOrder ?? []).enumerated() where rank[s] == nil { rank[s] = k }
        if stopOrder == nil {
            for item in items { if let s = item.stop, rank[s] == nil { rank[s] = rank.count } }
        }
        return items.map { $0.stop.flatMap { rank[$0] } }
    }

    static func read(_ root: DocumentNode) -> LoadingProblem {
        var problem = LoadingProblem(vehicleTypes: [], items: [])
        problem.placement = root.field("placement").bool() ?? false
        if let nodes = root.field("stopOrder").array(required: false) {
            problem.stopOrder = nodes.map { $0.string(required: true) ?? "" }
        }
        for node in root.field("vehicleTypes").array(required: true) ?? [] {
            guard node.object(required: true) else { continue }
            node.rejectUnknownFields(["id", "count", "cost", "weightLimit", "volumeLimit", "maxPallets", "cargoSpace"])
            let space = CargoSpace.read(node.field("cargoSpace"))
            problem.vehicleTypes.append(LoadingVehicleType(
                id: node.field("id").string(required: true) ?? "",
                count: node.field("count").integer() ?? 1,
                cost: node.field("cost").number() ?? 1,
                weightLimit: node.field("weightLimit").number(),
                volumeLimit: node.field("volumeLimit").number(),
                maxPallets: node.field("maxPallets").number(),
                cargoSpace: space))
        }
        for node in root.field("items").array(required: true) ?? [] {
            if let item = LoadingItem.read(node, allowStop: true) { problem.items.append(item) }
        }
        return problem
    }

    /// Every rule this problem breaks, with JSON paths; empty when it can be solved.
    public func validationIssues() -> [ValidationIssue] { IssueLog.collect { validate(into: $0) } }

    /// - Parameter crossChecks: false skips the checks that compare several fields.
    func validate(into log: IssueLog, crossChecks: Bool = true) {
        if vehicleTypes.isEmpty { log.add("vehicleTypes", "must contain at least one vehicle type") }
        var vids = IdRegistry(), iids = IdRegistry()
        for (i, v) in vehicleTypes.enumerated() {
            let p = PathBuilder.index("vehicleTypes", i)
            vids.register(v.id, path: PathBuilder.join(p, "id"), log: log)
            if v.count < 0 { log.add(PathBuilder.join(p, "count"), "must be >= 0") }
            if v.count > 100_000 { log.add(PathBuilder.join(p, "count"), "must be <= 100000") }
            checkNonNegative([v.cost], PathBuilder.join(p, "cost"), log)
            if let w = v.weightLimit { checkNonNegative([w], PathBuilder.join(p, "weightLimit"), log) }
            if let w = v.volumeLimit { checkNonNegative([w], PathBuilder.join(p, "volumeLimit"), log) }
            if let m = v.maxPallets { checkNonNegative([m], PathBuilder.join(p, "maxPallets"), log) }
            if let s = v.cargoSpace {
                s.validate(path: PathBuilder.join(p, "cargoSpace"), log: log)
            } else if placement {
                log.add(PathBuilder.join(p, "cargoSpace"), "is required when placement is true")
            }
        }
        var stopsListed = Set<String>()
        if let stopOrder {
            for k in stopOrder.indices {
                let s = stopOrder[k]
                if s.isEmpty { log.add(PathBuilder.index("stopOrder", k), "must not be empty") }
                else if !stopsListed.insert(s).inserted { log.add(PathBuilder.index("stopOrder", k), "duplicate stop \"\(s)\"") }
            }
        }
        for (i, item) in items.enumerated() {
            let p = PathBuilder.index("items", i)
            iids.register(item.id, path: PathBuilder.join(p, "id"), log: log)
            item.validateMeasures(path: p, log: log)
            checkNonNegative([item.pallets], PathBuilder.join(p, "pallets"), log)
            if stopOrder != nil, let s = item.stop, !stopsListed.contains(s) {
                log.add(PathBuilder.join(p, "stop"), "stop \"\(s)\" is not in stopOrder")
            }
        }
        if placement && items.count > LoadingProblem.maxPlacementItems {
            log.add("items", "at most \(LoadingProblem.maxPlacementItems) items when placement is true")
        }
        guard crossChecks, log.issues.isEmpty else { return }
        for (i, item) in items.enumerated() where !vehicleTypes.contains(where: { $0.count > 0 && $0.canCarry(item) }) {
            log.add(PathBuilder.index("items", i), "fits no vehicle type (weight, volume, pallets or dimensions too large)")
        }
    }
}

extension CargoSpace {
    /// Reads an optional `cargoSpace` object `{length, width, height, supportFraction}`.
    static func read(_ s: DocumentNode) -> CargoSpace? {
        guard s.object(required: false) else { return nil }
        s.rejectUnknownFields(["length", "width", "height", "supportFraction"])
        return CargoSpace(length: s.field("length").number(required: true) ?? 0,
                          width: s.field("width").number(required: true) ?? 0,
                          height: s.field("height").number(required: true) ?? 0,
                          supportFraction: s.field("supportFraction").number() ?? CargoSpace.defaultSupportFraction)
    }

    /// Positive finite extents and a support fraction between 0 and 1.
    func validate(path: String, log: IssueLog) {
        for (key, x) in [("length", length), ("width", width), ("height", height)] where !(x > 0 && x.isFinite) {
            log.add(PathBuilder.join(path, key), "must be > 0")
        }
        if !(supportFraction >= 0 && supportFraction <= 1) {
            log.add(PathBuilder.join(path, "supportFraction"), "must be between 0 and 1")
        }
    }
}

extension LoadingItem {
    /// Reads one item object; `allowStop` accepts the `stop` and `pallets` fields (loading
    /// problems; a routing customer's items belong to that customer, and routing vehicle types
    /// have no pallet limit). `nil` when the node is not an object.
    static func read(_ node: DocumentNode, allowStop: Bool) -> LoadingItem? {
        guard node.object(required: true) else { return nil }
        var fields: Set<String> = ["id", "weight", "length", "width", "height", "rotations", "fragile", "maxLoadOnTop"]
        if allowStop { fields.formUnion(["stop", "pallets"]) }
        node.rejectUnknownFields(fields)
        var rotations = Rotations.all
        if let r = node.field("rotations").string() {
            if let value = Rotations(rawValue: r) { rotations = value }
            else { node.field("rotations").fail("must be one of \"all\", \"thisSideUp\", \"none\"") }
        }
        return LoadingItem(
            id: node.field("id").string(required: true) ?? "",
            weight: node.field("weight").number(required: true) ?? 0,
            length: node.field("length").number(required: true) ?? 0,
            width: node.field("width").number(required: true) ?? 0,
            height: node.field("height").number(required: true) ?? 0,
            rotations: rotations,
            fragile: node.field("fragile").bool() ?? false,
            stop: allowStop ? node.field("stop").string() : nil,
            maxLoadOnTop: node.field("maxLoadOnTop").number(),
            pallets: allowStop ? node.field("pallets").number() ?? 0 : 0)
    }

    /// Weight, extents and load-bearing limit of the item at `path`.
    func validateMeasures(path p: String, log: IssueLog) {
        checkNonNegative([weight], PathBuilder.join(p, "weight"), log)
        for (key, x) in [("length", length), ("width", width), ("height", height)] where !(x > 0 && x.isFinite) {
            log.add(PathBuilder.join(p, key), x.isNaN ? "must be a number, found NaN" : "must be > 0")
        }
        if let m = maxLoadOnTop { checkNonNegative([m], PathBuilder.join(p, "maxLoadOnTop"), log) }
    }
}
