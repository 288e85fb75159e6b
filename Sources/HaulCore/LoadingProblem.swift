/// The inside of a vehicle's cargo space.
public struct CargoSpace: Sendable, Equatable {
    public var length: Double
    public var width: Double
    public var height: Double
    public init(length: Double, width: Double, height: Double) {
        self.length = length
        self.width = width
        self.height = height
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
    public var cargoSpace: CargoSpace?

    public init(id: String, count: Int = 1, cost: Double = 1, weightLimit: Double? = nil, volumeLimit: Double? = nil,
                cargoSpace: CargoSpace? = nil) {
        self.id = id
        self.count = count
        self.cost = cost
        self.weightLimit = weightLimit
        self.volumeLimit = volumeLimit
        self.cargoSpace = cargoSpace
    }

    /// The volume limit in force: the explicit one, else the cargo space's volume.
    public var effectiveVolumeLimit: Double? { volumeLimit ?? cargoSpace?.volume }
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

    public init(id: String, weight: Double, length: Double, width: Double, height: Double,
                rotations: Rotations = .all, fragile: Bool = false, stop: String? = nil) {
        self.id = id
        self.weight = weight
        self.length = length
        self.width = width
        self.height = height
        self.rotations = rotations
        self.fragile = fragile
        self.stop = stop
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

/// Which vehicles to use and which items go in each, over weight and volume.
public struct LoadingProblem: Sendable, Equatable {
    public var vehicleTypes: [LoadingVehicleType]
    public var items: [LoadingItem]

    public init(vehicleTypes: [LoadingVehicleType], items: [LoadingItem]) {
        self.vehicleTypes = vehicleTypes
        self.items = items
    }

    static let fields: Set<String> = ["vehicleTypes", "items"]

    static func read(_ root: DocumentNode) -> LoadingProblem {
        var problem = LoadingProblem(vehicleTypes: [], items: [])
        for node in root.field("vehicleTypes").array(required: true) ?? [] {
            guard node.object(required: true) else { continue }
            node.rejectUnknownFields(["id", "count", "cost", "weightLimit", "volumeLimit", "cargoSpace"])
            var space: CargoSpace?
            let s = node.field("cargoSpace")
            if s.object(required: false) {
                s.rejectUnknownFields(["length", "width", "height"])
                space = CargoSpace(length: s.field("length").number(required: true) ?? 0,
                                   width: s.field("width").number(required: true) ?? 0,
                                   height: s.field("height").number(required: true) ?? 0)
            }
            problem.vehicleTypes.append(LoadingVehicleType(
                id: node.field("id").string(required: true) ?? "",
                count: node.field("count").integer() ?? 1,
                cost: node.field("cost").number() ?? 1,
                weightLimit: node.field("weightLimit").number(),
                volumeLimit: node.field("volumeLimit").number(),
                cargoSpace: space))
        }
        for node in root.field("items").array(required: true) ?? [] {
            guard node.object(required: true) else { continue }
            node.rejectUnknownFields(["id", "weight", "length", "width", "height", "rotations", "fragile", "stop"])
            var rotations = Rotations.all
            if let r = node.field("rotations").string() {
                if let value = Rotations(rawValue: r) { rotations = value }
                else { node.field("rotations").fail("must be one of \"all\", \"thisSideUp\", \"none\"") }
            }
            problem.items.append(LoadingItem(
                id: node.field("id").string(required: true) ?? "",
                weight: node.field("weight").number(required: true) ?? 0,
                length: node.field("length").number(required: true) ?? 0,
                width: node.field("width").number(required: true) ?? 0,
                height: node.field("height").number(required: true) ?? 0,
                rotations: rotations,
                fragile: node.field("fragile").bool() ?? false,
                stop: node.field("stop").string()))
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
            if let s = v.cargoSpace {
                for (key, x) in [("length", s.length), ("width", s.width), ("height", s.height)] where !(x > 0 && x.isFinite) {
                    log.add(PathBuilder.join(PathBuilder.join(p, "cargoSpace"), key), "must be > 0")
                }
            }
        }
        for (i, item) in items.enumerated() {
            let p = PathBuilder.index("items", i)
            iids.register(item.id, path: PathBuilder.join(p, "id"), log: log)
            checkNonNegative([item.weight], PathBuilder.join(p, "weight"), log)
            for (key, x) in [("length", item.length), ("width", item.width), ("height", item.height)] where !(x > 0 && x.isFinite) {
                log.add(PathBuilder.join(p, key), x.isNaN ? "must be a number, found NaN" : "must be > 0")
            }
        }
        guard crossChecks, log.issues.isEmpty else { return }
        for (i, item) in items.enumerated() where !vehicleTypes.contains(where: { v in
            v.count > 0 && item.weight <= (v.weightLimit ?? .infinity) + 1e-9
                && item.volume <= (v.effectiveVolumeLimit ?? .infinity) + 1e-9
                && (v.cargoSpace.map { item.fits(in: $0) } ?? true)
        }) {
            log.add(PathBuilder.index("items", i), "fits no vehicle type (weight, volume or dimensions too large)")
        }
    }
}
