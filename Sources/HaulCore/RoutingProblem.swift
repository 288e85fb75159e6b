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

    public init(id: String, count: Int = 1, capacity: [Double], fixedCost: Double = 0, costPerDistance: Double = 1,
                depot: String? = nil, endDepot: String? = nil, shift: ClosedInterval? = nil,
                maxDistance: Double? = nil, maxDuration: Double? = nil) {
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

    public init(id: String, location: Location, demand: [Double], serviceTime: Double = 0, timeWindow: ClosedInterval? = nil) {
        self.id = id
        self.location = location
        self.demand = demand
        self.serviceTime = serviceTime
        self.timeWindow = timeWindow
    }
}

/// A vehicle routing problem: CVRP, time windows, several depots, a mixed fleet, shift and route limits.
public struct RoutingProblem: Sendable, Equatable {
    public var depots: [Depot]
    public var vehicleTypes: [VehicleType]
    public var customers: [Customer]
    public var travel: TravelModel

    public init(depots: [Depot], vehicleTypes: [VehicleType], customers: [Customer], travel: TravelModel = TravelModel()) {
        self.depots = depots
        self.vehicleTypes = vehicleTypes
        self.customers = customers
        self.travel = travel
    }

    static let fields: Set<String> = ["depots", "vehicleTypes", "customers", "travel"]

    /// Most depots plus customers in one problem.
    public static let maximumLocations = 10_000

    /// Number of capacity dimensions: that of the first vehicle type with a capacity.
    public var dimensions: Int? { vehicleTypes.first(where: { !$0.capacity.isEmpty })?.capacity.count }

    static func read(_ root: DocumentNode) -> RoutingProblem {
        var problem = RoutingProblem(depots: [], vehicleTypes: [], customers: [])
        problem.travel = TravelModel.read(root.field("travel"))
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
                                      "shift", "maxDistance", "maxDuration"])
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
                maxDuration: node.field("maxDuration").number()))
        }
        let dimensions = problem.dimensions ?? 1
        for node in root.field("customers").array(required: true) ?? [] {
            guard node.object(required: true) else { continue }
            node.rejectUnknownFields(["id", "location", "demand", "serviceTime", "timeWindow"])
            problem.customers.append(Customer(
                id: node.field("id").string(required: true) ?? "",
                location: Location.read(node.field("location")) ?? .planar(x: 0, y: 0),
                demand: node.field("demand").quantities() ?? Array(repeating: 0, count: dimensions),
                serviceTime: node.field("serviceTime").number() ?? 0,
                timeWindow: node.field("timeWindow").interval()))
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
        let located = depots.enumerated().map { (PathBuilder.join(PathBuilder.index("depots", $0), "location"), $1.location) }
            + customers.enumerated().map { (PathBuilder.join(PathBuilder.index("customers", $0), "location"), $1.location) }
        travel.validate(path: "travel", log: log, locations: located)
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
