/// A depot where vehicles start and end their routes.
public struct Depot: Sendable, Equatable {
    public var id: String
    public var location: Location
    /// Opening hours: vehicles leave no earlier than `start` and are back no later than `end`.
    public var timeWindow: ClosedInterval?

    public init(id: String, location: Location, timeWindow: ClosedInterval? = nil) {
        self.id = id
        self.location = location
        self.timeWindow = timeWindow
    }
}

/// A kind of vehicle, of which `count` identical ones are available.
public struct VehicleType: Sendable, Equatable {
    public var id: String
    /// How many vehicles of this type exist (>= 0). An individual vehicle is a type with count 1.
    public var count: Int
    /// Capacity per dimension (e.g. `[kg, litres]`); customers' `demand` uses the same dimensions.
    public var capacity: [Double]
    /// Paid once for each vehicle of this type that is used.
    public var fixedCost: Double
    /// Cost per unit of distance driven.
    public var costPerDistance: Double
    /// Id of the depot where the route starts; may be omitted when there is one depot.
    public var depot: String?
    /// Id of the depot where the route ends; defaults to `depot`.
    public var endDepot: String?
    /// Working hours: departure no earlier than `start`, return no later than `end`.
    public var shift: ClosedInterval?
    /// Longest route in distance units.
    public var maxDistance: Double?
    /// Longest route in time units, from departure to return.
    public var maxDuration: Double?
    /// The inside of the vehicle, for customers' ``Customer/items`` (3D loading of each route).
    /// Weight is not a property of the cargo space: it is one of the `capacity` dimensions.
    public var cargoSpace: CargoSpace?

    public init(id: String, count: Int = 1, capacity: [Double], fixedCost: Double = 0, costPerDistance: Double = 1,
                depot: String? = nil, endDepot: String? = nil, shift: ClosedInterval? = nil,
                maxDistance: Double? = nil, maxDuration: Double? = nil, cargoSpace: CargoSpace? = nil) {
        self.id = id
        self.count = count
        self.capacity = capacity
        self.fixedCost = fixedCost
        self.costPerDistance = costPerDistance
        self.depot = depot
        self.endDepot = endDepot
        self.shift = shift
        self.maxDistance = maxDistance
        self.maxDuration = maxDuration
        self.cargoSpace = cargoSpace
    }
}

/// A customer to be visited exactly once.
public struct Customer: Sendable, Equatable {
    public var id: String
    public var location: Location
    /// Quantity per capacity dimension.
    public var demand: [Double]
    /// Time spent at the customer, in time units.
    public var serviceTime: Double
    /// Service must start within this window; arriving early means waiting.
    public var timeWindow: ClosedInterval?
    /// Boxes delivered to this customer, for the 3D loading of its route (the 3L-CVRP): each
    /// route's items must fit its vehicle type's ``VehicleType/cargoSpace`` with support,
    /// fragility, load bearing and, by default, unloading order. An item's `stop` is the customer
    /// (the field is not read). Item ids are unique over all customers. The items' weights are not
    /// added to `demand`: give the weight there as one of the capacity dimensions.
    public var items: [LoadingItem]?

    public init(id: String, location: Location, demand: [Double], serviceTime: Double = 0, timeWindow: ClosedInterval? = nil,
                items: [LoadingItem]? = nil) {
        self.id = id
        self.location = location
        self.demand = demand
        self.serviceTime = serviceTime
        self.timeWindow = timeWindow
        self.items = items
    }
}

/// How the routes of a problem whose customers have ``Customer/items`` are loaded.
///
/// JSON key `loading`: `{"enforce": true, "unloadingOrder": true}`, both optional. Without it,
/// the solver plans the routes as if there were no items and then loads each route (a route
/// it cannot load gets no `placements` and is named in the plan's `message`).
public struct RouteLoadingOptions: Sendable, Equatable {
    /// Whether a route whose items cannot be placed is infeasible (the 3L-CVRP): the solver then
    /// only returns routes it has loaded, each with its `placements`. Default false.
    public var enforce: Bool
    /// Whether the items must be unloadable in visiting order (last in, first out through the
    /// rear door at x = length): no item of a later customer above an item of an earlier one or
    /// between it and the door. Default true.
    public var unloadingOrder: Bool

    public init(enforce: Bool = false, unloadingOrder: Bool = true) {
        self.enforce = enforce
        self.unloadingOrder = unloadingOrder
    }

    static func read(_ node: DocumentNode) -> RouteLoadingOptions? {
        guard node.object(required: false) else { return nil }
        node.rejectUnknownFields(["enforce", "unloadingOrder"])
        return RouteLoadingOptions(enforce: node.field("enforce").bool() ?? false,
                                   unloadingOrder: node.field("unloadingOrder").bool() ?? true)
    }
}

/// A vehicle routing problem: CVRP, time windows, several depots, a mixed fleet, shift and route limits.
public struct RoutingProblem: Sendable, Equatable {
    public var depots: [Depot]
    public var vehicleTypes: [VehicleType]
    public var customers: [Customer]
    public var travel: TravelModel
    /// How routes are loaded when customers have ``Customer/items``; `nil`: the defaults of
    /// ``RouteLoadingOptions`` (loading not enforced, unloading order kept).
    public var loading: RouteLoadingOptions?

    public init(depots: [Depot], vehicleTypes: [VehicleType], customers: [Customer], travel: TravelModel = TravelModel(),
                loading: RouteLoadingOptions? = nil) {
        self.depots = depots
        self.vehicleTypes = vehicleTypes
        self.customers = customers
        self.travel = travel
        self.loading = loading
    }

    static let fields: Set<String> = ["depots", "vehicleTypes", "customers", "travel", "loading"]

    /// Whether some customer has items to load (then every route is loaded in 3D).
    public var hasItems: Bool { customers.contains { !($0.items ?? []).isEmpty } }

    /// The loading rules in force (the defaults when ``loading`` is `nil`).
    public var loadingOptions: RouteLoadingOptions { loading ?? RouteLoadingOptions() }

    /// The loading problem of one route: the items of `customers` (indices into ``customers``, in
    /// visiting order), each with its customer as `stop`, delivered in that order when
    /// ``RouteLoadingOptions/unloadingOrder`` holds (else without stops), in the cargo space of
    /// vehicle type `vehicleType` (index into ``vehicleTypes``), with `placement` on. The vehicle
    /// type's weight limit is not set: weight is a capacity dimension of the routing problem.
    public func routeLoadingProblem(vehicleType: Int, customers route: [Int]) -> LoadingProblem {
        let ordered = loadingOptions.unloadingOrder
        var items: [LoadingItem] = []
        for c in route {
            for var item in customers[c].items ?? [] {
                item.stop = ordered ? customers[c].id : nil
                items.append(item)
            }
        }
        let type = vehicleTypes[vehicleType]
        return LoadingProblem(
            vehicleTypes: [LoadingVehicleType(id: type.id, count: 1, cost: 0, cargoSpace: type.cargoSpace)],
            items: items, placement: true, stopOrder: ordered ? route.map { customers[$0].id } : nil)
    }

    /// Most depots plus customers in one problem.
    public static let maximumLocations = 10_000

    /// Number of capacity dimensions: that of the first vehicle type with a capacity.
    public var dimensions: Int? { vehicleTypes.first(where: { !$0.capacity.isEmpty })?.capacity.count }

    static func read(_ root: DocumentNode) -> RoutingProblem {
        var problem = RoutingProblem(depots: [], vehicleTypes: [], customers: [])
        problem.travel = TravelModel.read(root.field("travel"))
        problem.loading = RouteLoadingOptions.read(root.field("loading"))
        for node in root.field("depots").array(required: true) ?? [] {
            guard node.object(required: true) else { continue }
            node.rejectUnknownFields(["id", "location", "timeWindow"])
            problem.depots.append(Depot(
                id: node.field("id").string(required: true) ?? "",
                location: Location.read(node.field("location")) ?? .planar(x: 0, y: 0),
                timeWindow: node.field("timeWindow").interval()))
        }
        for node in root.field("vehicleTypes").array(required: true) ?? [] {
            guard node.object(required: true) else { continue }
            node.rejectUnknownFields(["id", "count", "capacity", "fixedCost", "costPerDistance", "depot", "endDepot",
                                      "shift", "maxDistance", "maxDuration", "cargoSpace"])
            problem.vehicleTypes.append(VehicleType(
                id: node.field("id").string(required: true) ?? "",
                count: node.field("count").integer() ?? 1,
                capacity: node.field("capacity").quantities(required: true) ?? [],
                fixedCost: node.field("fixedCost").number() ?? 0,
                costPerDistance: node.field("costPerDistance").number() ?? 1,
                depot: node.field("depot").string(),
                endDepot: node.field("endDepot").string(),
                shift: node.field("shift").interval(),
                maxDistance: node.field("maxDistance").number(),
                maxDuration: node.field("maxDuration").number(),
                cargoSpace: CargoSpace.read(node.field("cargoSpace"))))
        }
        let dimensions = problem.dimensions ?? 1
        for node in root.field("customers").array(required: true) ?? [] {
            guard node.object(required: true) else { continue }
            node.rejectUnknownFields(["id", "location", "demand", "serviceTime", "timeWindow", "items"])
            problem.customers.append(Customer(
                id: node.field("id").string(required: true) ?? "",
                location: Location.read(node.field("location")) ?? .planar(x: 0, y: 0),
                demand: node.field("demand").quantities() ?? Array(repeating: 0, count: dimensions),
                serviceTime: node.field("serviceTime").number() ?? 0,
                timeWindow: node.field("timeWindow").interval(),
                items: node.field("items").array(required: false)?.map { LoadingItem.read($0, allowStop: false) ?? LoadingItem(id: "", weight: 0, length: 1, width: 1, height: 1) }))
        }
        return problem
    }

    /// Every rule this problem breaks, with JSON paths; empty when it can be solved.
    public func validationIssues() -> [ValidationIssue] { IssueLog.collect { validate(into: $0) } }

    /// - Parameter crossChecks: false skips the checks that compare several fields.
    func validate(into log: IssueLog, crossChecks: Bool = true) {
        if depots.isEmpty { log.add("depots", "must contain at least one depot") }
        if depots.count + customers.count > Self.maximumLocations {
            log.add("customers", "\(depots.count + customers.count) locations exceed the limit of \(Self.maximumLocations) (the travel matrices grow with its square)")
        }
        if vehicleTypes.isEmpty { log.add("vehicleTypes", "must contain at least one vehicle type") }
        var ids = IdRegistry()
        for (i, d) in depots.enumerated() {
            let p = PathBuilder.index("depots", i)
            ids.register(d.id, path: PathBuilder.join(p, "id"), log: log)
            checkWindow(d.timeWindow, PathBuilder.join(p, "timeWindow"), log)
        }
        let depotIds = Set(depots.map(\.id))
        // When no capacity could be read there is no dimension to compare with (already reported).
        let dimensions = self.dimensions
        var vehicles = 0
        for (i, v) in vehicleTypes.enumerated() {
            let p = PathBuilder.index("vehicleTypes", i)
            if v.id.isEmpty { log.add(PathBuilder.join(p, "id"), "must not be empty") }
            if vehicleTypes[..<i].contains(where: { $0.id == v.id }) && !v.id.isEmpty {
                log.add(PathBuilder.join(p, "id"), "duplicate id \"\(v.id)\"")
            }
            if v.count < 0 { log.add(PathBuilder.join(p, "count"), "must be >= 0") }
            if v.count > 100_000 { log.add(PathBuilder.join(p, "count"), "must be <= 100000") }
            vehicles += max(0, v.count)
            if v.capacity.isEmpty { log.add(PathBuilder.join(p, "capacity"), "must have at least one dimension") }
            if let dimensions, !v.capacity.isEmpty, v.capacity.count != dimensions {
                log.add(PathBuilder.join(p, "capacity"), "has \(v.capacity.count) dimensions but the first vehicle type's capacity has \(dimensions)")
            }
            checkNonNegative(v.capacity, PathBuilder.join(p, "capacity"), log)
            checkNonNegative([v.fixedCost], PathBuilder.join(p, "fixedCost"), log)
            checkNonNegative([v.costPerDistance], PathBuilder.join(p, "costPerDistance"), log)
            checkWindow(v.shift, PathBuilder.join(p, "shift"), log)
            if let m = v.maxDistance, !(m > 0) { log.add(PathBuilder.join(p, "maxDistance"), "must be > 0") }
            if let m = v.maxDuration, !(m > 0) { log.add(PathBuilder.join(p, "maxDuration"), "must be > 0") }
            for (key, ref) in [("depot", v.depot), ("endDepot", v.endDepot)] {
                if let ref, !depotIds.contains(ref) {
                    log.add(PathBuilder.join(p, key), "unknown depot id \"\(ref)\"")
                }
            }
            if v.depot == nil && depots.count > 1 {
                log.add(PathBuilder.join(p, "depot"), "is required when there is more than one depot")
            }
        }
        if !vehicleTypes.isEmpty && vehicles == 0 { log.add("vehicleTypes", "the counts add up to no vehicle at all") }
        for (i, c) in customers.enumerated() {
            let p = PathBuilder.index("customers", i)
            ids.register(c.id, path: PathBuilder.join(p, "id"), log: log)
            if let dimensions, c.demand.count != dimensions {
                log.add(PathBuilder.join(p, "demand"), "has \(c.demand.count) dimensions but the vehicles' capacity has \(dimensions)")
            }
            checkNonNegative(c.demand, PathBuilder.join(p, "demand"), log)
            checkNonNegative([c.serviceTime], PathBuilder.join(p, "serviceTime"), log)
            checkWindow(c.timeWindow, PathBuilder.join(p, "timeWindow"), log)
            if crossChecks, c.demand.count == dimensions, !vehicleTypes.isEmpty, c.demand.allSatisfy({ $0 >= 0 && $0.isFinite }),
               !vehicleTypes.contains(where: { v in v.count > 0 && zip(c.demand, v.capacity).allSatisfy { $0 <= $1 } }) {
                log.add(PathBuilder.join(p, "demand"), "exceeds the capacity of every vehicle type")
            }
        }
        validateLoading(into: log, crossChecks: crossChecks)
        let located = depots.enumerated().map { (PathBuilder.join(PathBuilder.index("depots", $0), "location"), $1.location) }
            + customers.enumerated().map { (PathBuilder.join(PathBuilder.index("customers", $0), "location"), $1.location) }
        travel.validate(path: "travel", log: log, locations: located)
    }
}

extension RoutingProblem {
    /// Items, cargo spaces and the loading options.
    func validateLoading(into log: IssueLog, crossChecks: Bool) {
        let withItems = hasItems
        for (i, v) in vehicleTypes.enumerated() {
            let p = PathBuilder.join(PathBuilder.index("vehicleTypes", i), "cargoSpace")
            if let space = v.cargoSpace {
                space.validate(path: p, log: log)
            } else if withItems && v.count > 0 {
                log.add(p, "is required when customers have items")
            }
        }
        guard withItems else { return }
        var itemIds = IdRegistry()
        var itemCount = 0
        for (c, customer) in customers.enumerated() {
            for (k, item) in (customer.items ?? []).enumerated() {
                let p = PathBuilder.index(PathBuilder.join(PathBuilder.index("customers", c), "items"), k)
                itemIds.register(item.id, path: PathBuilder.join(p, "id"), log: log)
                item.validateMeasures(path: p, log: log)
                itemCount += 1
            }
        }
        if itemCount > LoadingProblem.maxPlacementItems {
            log.add("customers", "\(itemCount) items in all; at most \(LoadingProblem.maxPlacementItems)")
        }
        guard crossChecks, log.issues.isEmpty else { return }
        let spaces = vehicleTypes.filter { $0.count > 0 }.compactMap(\.cargoSpace)
        for (c, customer) in customers.enumerated() {
            let items = customer.items ?? []
            let p = PathBuilder.join(PathBuilder.index("customers", c), "items")
            for (k, item) in items.enumerated() where !spaces.contains(where: { item.fits(in: $0) }) {
                log.add(PathBuilder.index(p, k), "fits the cargo space of no vehicle type in any allowed orientation")
            }
            let volume = items.reduce(0) { $0 + $1.volume }
            if !items.isEmpty && !spaces.contains(where: { volume <= $0.volume * (1 + 1e-9) }) {
                log.add(p, "the items' volume \(volume) exceeds the cargo space of every vehicle type")
            }
        }
    }
}

/// Registers ids and reports empty and duplicate ones.
struct IdRegistry {
    private var seen: [String: String] = [:]

    mutating func register(_ id: String, path: String, log: IssueLog) {
        if id.isEmpty { log.add(path, "must not be empty"); return }
        if let first = seen[id] {
            log.add(path, "duplicate id \"\(id)\" (first used at \(first))")
        } else {
            seen[id] = path
        }
    }
}

/// Largest quantity, cost or length accepted: sums and products of such values stay finite and
/// exact enough, and GLPK accepts them.
let maximumMagnitude = 1e12

func checkNonNegative(_ values: [Double], _ path: String, _ log: IssueLog) {
    for (i, v) in values.enumerated() {
        let p = values.count == 1 ? path : PathBuilder.index(path, i)
        if v.isNaN { log.add(p, "must be a number, found NaN") }
        else if !(v >= 0 && v.isFinite) { log.add(p, "must be >= 0 and finite") }
        else if v > maximumMagnitude { log.add(p, "must be <= 1e12") }
    }
}

func checkWindow(_ window: ClosedInterval?, _ path: String, _ log: IssueLog) {
    guard let w = window else { return }
    if !w.start.isFinite || !w.end.isFinite { log.add(path, "must be finite numbers") }
    else if w.start > w.end { log.add(path, "start \(w.start) is after end \(w.end)") }
}
