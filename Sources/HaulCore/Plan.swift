import Foundation

/// The outcome of a solve.
public enum PlanStatus: String, Sendable, Codable, CaseIterable {
    /// Proven optimal (within the solver's gap tolerance).
    case optimal
    /// Satisfies every constraint; not proven optimal.
    case feasible
    /// The problem has no plan satisfying every constraint; the plan shows as much as could be served.
    case infeasible
    /// The time limit ran out before any plan was found.
    case timeLimit
    /// The solver failed; `message` says why.
    case error
}

/// How a plan was obtained.
public struct PlanStats: Sendable, Codable, Equatable {
    /// Wall-clock seconds of the solve.
    public var seconds: Double
    /// Iterations of the main loop (local-search rounds, branch-and-bound nodes, ...).
    public var iterations: Int
    /// Which method produced the plan.
    public var solver: String
    public init(seconds: Double, iterations: Int, solver: String) {
        self.seconds = seconds
        self.iterations = iterations
        self.solver = solver
    }
}

/// One visit on a route.
public struct StopPlan: Sendable, Codable, Equatable {
    public var customer: String
    /// Time the vehicle arrives.
    public var arrival: Double
    /// Time service starts (after waiting for the window to open).
    public var start: Double
    /// Time the vehicle leaves.
    public var departure: Double
    public init(customer: String, arrival: Double, start: Double, departure: Double) {
        self.customer = customer
        self.arrival = arrival
        self.start = start
        self.departure = departure
    }
}

/// One vehicle's route.
public struct RoutePlan: Sendable, Codable, Equatable {
    public var vehicleType: String
    /// Which vehicle of its type (0-based).
    public var vehicle: Int
    public var depot: String
    public var endDepot: String
    public var stops: [StopPlan]
    /// Departure from the depot and arrival back.
    public var departure: Double
    public var returnTime: Double
    public var distance: Double
    public var duration: Double
    /// Load per capacity dimension.
    public var load: [Double]
    /// Fixed cost plus cost per distance times distance.
    public var cost: Double
    /// Where each item of the route's customers sits in the vehicle's cargo space (problems whose
    /// customers have items; absent for a route that could not be loaded when loading is not enforced).
    public var placements: [PlacementPlan]?
    public init(vehicleType: String, vehicle: Int, depot: String, endDepot: String, stops: [StopPlan], departure: Double,
                returnTime: Double, distance: Double, duration: Double, load: [Double], cost: Double,
                placements: [PlacementPlan]? = nil) {
        self.vehicleType = vehicleType
        self.vehicle = vehicle
        self.depot = depot
        self.endDepot = endDepot
        self.stops = stops
        self.departure = departure
        self.returnTime = returnTime
        self.distance = distance
        self.duration = duration
        self.load = load
        self.cost = cost
        self.placements = placements
    }
}

/// Units of an order shipped from a warehouse.
public struct AssignmentPlan: Sendable, Codable, Equatable {
    public var order: String
    public var warehouse: String
    /// SKU of the shipped units; absent for whole orders.
    public var sku: String?
    public var quantity: Double
    public var cost: Double
    public init(order: String, warehouse: String, sku: String? = nil, quantity: Double, cost: Double) {
        self.order = order
        self.warehouse = warehouse
        self.sku = sku
        self.quantity = quantity
        self.cost = cost
    }
}

/// One loaded vehicle.
public struct LoadedVehiclePlan: Sendable, Codable, Equatable {
    public var vehicleType: String
    /// Which vehicle of its type (0-based).
    public var vehicle: Int
    /// Ids of the items on board.
    public var items: [String]
    public var weight: Double
    public var volume: Double
    public var cost: Double
    /// Total pallet count on board (``LoadingItem/pallets``); stated when some item takes pallets
    /// or some vehicle type limits them, else `nil`.
    public var pallets: Double?
    /// Where each item sits in the cargo space (problems with `placement` only).
    public var placements: [PlacementPlan]?
    public init(vehicleType: String, vehicle: Int, items: [String], weight: Double, volume: Double, cost: Double,
                pallets: Double? = nil, placements: [PlacementPlan]? = nil) {
        self.vehicleType = vehicleType
        self.vehicle = vehicle
        self.items = items
        self.weight = weight
        self.volume = volume
        self.cost = cost
        self.pallets = pallets
        self.placements = placements
    }
}

/// A plan document: the answer to a problem, keyed by the caller's ids.
///
/// Every plan carries `kind`, `status`, `objective` and `stats`; `bound` and `gap` where the
/// method proves one. The kind-specific part: `routes` and `unassigned` (routing),
/// `assignments`, `openWarehouses` (allocation), `vehicles` and `unassigned` (loading).
public struct Plan: Sendable, Codable, Equatable {
    public var schemaVersion: Int
    public var kind: ProblemKind
    public var status: PlanStatus
    /// The value minimised: total route cost, total allocation cost, or total vehicle cost.
    public var objective: Double
    /// A proven lower bound on the objective, where known.
    public var bound: Double?
    /// `|objective - bound| / max(|objective|, 1e-9)`, where the bound is known.
    public var gap: Double?
    public var stats: PlanStats
    /// A human-readable remark, e.g. why customers were left unassigned.
    public var message: String?
    public var routes: [RoutePlan]?
    /// Customers (routing) or items (loading) that could not be served.
    public var unassigned: [String]?
    public var assignments: [AssignmentPlan]?
    public var openWarehouses: [String]?
    public var vehicles: [LoadedVehiclePlan]?

    public init(kind: ProblemKind, status: PlanStatus, objective: Double, bound: Double? = nil, stats: PlanStats) {
        self.schemaVersion = ProblemDocument.currentSchemaVersion
        self.kind = kind
        self.status = status
        self.objective = objective
        self.bound = bound
        self.gap = bound.map { relativeGap(objective: objective, bound: $0) }
        self.stats = stats
    }

    /// The plan as pretty-printed JSON (UTF-8), ending in a newline.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(self)
        data.append(0x0A)
        return data
    }
}
