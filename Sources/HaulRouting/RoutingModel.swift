import HaulCore
/// A vehicle slot: one physical vehicle.
///
/// Vehicle types with a count `k` are expanded to `k` slots by the caller. The solver treats slots
/// with identical parameters as interchangeable, and it returns ``typeIndex`` untouched so that the
/// caller can map a slot back to its type.
public struct RoutingVehicle: Sendable, Hashable {
    /// Node index of the depot where the route starts.
    public var startNode: Int
    /// Node index of the depot where the route ends (usually equal to ``startNode``).
    public var endNode: Int
    /// Capacity per load dimension; must hold ``RoutingModel/dimensions`` values.
    public var capacity: [Double]
    /// Cost paid once if the vehicle serves at least one customer.
    public var fixedCost: Double
    /// Cost per unit of distance: a route costs `fixedCost + costPerDistance * distance`.
    public var costPerDistance: Double
    /// Earliest departure time from the start depot.
    public var shiftStart: Double
    /// Latest arrival time back at the end depot.
    public var shiftEnd: Double
    /// Optional limit on the route distance (depot to depot).
    public var maxDistance: Double?
    /// Optional limit on the route duration, `returnTime - departure`.
    ///
    /// Routes depart as late as possible without returning later (see ``PlannedRoute/departure``),
    /// so the duration is the shortest one possible for the sequence of stops.
    public var maxDuration: Double?
    /// The caller's vehicle type index, returned untouched.
    public var typeIndex: Int

    /// Creates a vehicle slot.
    ///
    /// - Parameters:
    ///   - startNode: Depot node where the route starts.
    ///   - endNode: Depot node where the route ends; defaults to `startNode`.
    ///   - capacity: Capacity per load dimension.
    ///   - fixedCost: Cost paid if the vehicle is used.
    ///   - costPerDistance: Cost per unit of distance.
    ///   - shiftStart: Earliest departure from the start depot.
    ///   - shiftEnd: Latest arrival back at the end depot.
    ///   - maxDistance: Optional route distance limit.
    ///   - maxDuration: Optional route duration limit.
    ///   - typeIndex: The caller's vehicle type index.
    public init(
        startNode: Int,
        endNode: Int? = nil,
        capacity: [Double],
        fixedCost: Double = 0,
        costPerDistance: Double = 1,
        shiftStart: Double = 0,
        shiftEnd: Double = .infinity,
        maxDistance: Double? = nil,
        maxDuration: Double? = nil,
        typeIndex: Int = 0
    ) {
        self.startNode = startNode
        self.endNode = endNode ?? startNode
        self.capacity = capacity
        self.fixedCost = fixedCost
        self.costPerDistance = costPerDistance
        self.shiftStart = shiftStart
        self.shiftEnd = shiftEnd
        self.maxDistance = maxDistance
        self.maxDuration = maxDuration
        self.typeIndex = typeIndex
    }
}

/// A solver-ready vehicle routing model: dense matrices over nodes, customers to visit and vehicle slots.
///
/// Nodes are numbered `0..<nodeCount` and include the depots. Matrices are flat and row-major:
/// the value from node `i` to node `j` is at index `i * nodeCount + j`. They need not be symmetric.
/// Demands must be non-negative.
///
/// Time semantics: a route departs its start depot no earlier than
/// `max(shiftStart, readyTime[startNode])`; service at a customer starts at
/// `max(arrival, readyTime)` and must not start after `dueTime`; the vehicle leaves after
/// `serviceTime`; it must be back at its end depot by `min(shiftEnd, dueTime[endNode])`.
/// Service times of depots are ignored.
public struct RoutingModel: Sendable {
    /// Number of nodes (depots and customers).
    public var nodeCount: Int
    /// Flat `nodeCount * nodeCount` distance matrix, row-major.
    public var distance: [Double]
    /// Flat `nodeCount * nodeCount` travel-time matrix, row-major.
    public var duration: [Double]
    /// Number of load dimensions (at least 1).
    public var dimensions: Int
    /// Flat `nodeCount * dimensions` demands, row-major (0 for depots).
    public var demand: [Double]
    /// Service time per node.
    public var serviceTime: [Double]
    /// Earliest service start per node (0 if none).
    public var readyTime: [Double]
    /// Latest service start per node (`.infinity` if none).
    public var dueTime: [Double]
    /// Node indices that must be visited, each once.
    public var customers: [Int]
    /// Available vehicle slots.
    public var vehicles: [RoutingVehicle]
    /// Optional planar position of every node, flat `(x, y)` pairs (`2 * nodeCount` values). The
    /// distances stay the matrix's; positions only guide the search (the hybrid genetic search
    /// orders routes by their polar angle around the depot, so that giant tours are spatially
    /// coherent). `nil` when the locations are matrix rows.
    public var coordinates: [Double]?

    /// Creates a model.
    ///
    /// - Parameters:
    ///   - nodeCount: Number of nodes.
    ///   - distance: Flat distance matrix.
    ///   - duration: Flat travel-time matrix; defaults to `distance`.
    ///   - dimensions: Number of load dimensions.
    ///   - demand: Flat `nodeCount * dimensions` demands.
    ///   - serviceTime: Service time per node; defaults to zeros.
    ///   - readyTime: Earliest service start per node; defaults to zeros.
    ///   - dueTime: Latest service start per node; defaults to `.infinity`.
    ///   - customers: Node indices to visit.
    ///   - vehicles: Vehicle slots.
    public init(
        nodeCount: Int,
        distance: [Double],
        duration: [Double]? = nil,
        dimensions: Int = 1,
        demand: [Double],
        serviceTime: [Double]? = nil,
        readyTime: [Double]? = nil,
        dueTime: [Double]? = nil,
        customers: [Int],
        vehicles: [RoutingVehicle]
    ) {
        self.nodeCount = nodeCount
        self.distance = distance
        self.duration = duration ?? distance
        self.dimensions = dimensions
        self.demand = demand
        self.serviceTime = serviceTime ?? Array(repeating: 0, count: nodeCount)
        self.readyTime = readyTime ?? Array(repeating: 0, count: nodeCount)
        self.dueTime = dueTime ?? Array(repeating: .infinity, count: nodeCount)
        self.customers = customers
        self.vehicles = vehicles
    }

    /// Describes every structural problem of the model (array sizes, node indices, negative or
    /// non-finite data); an empty array means the model can be given to ``RoutingSolver``.
    public func validationErrors() -> [String] {
        var errors: [String] = []
        let n = nodeCount
        if n < 0 { errors.append("nodeCount \(n) is negative") }
        if dimensions < 1 { errors.append("dimensions \(dimensions) must be at least 1") }
        if distance.count != n * n { errors.append("distance has \(distance.count) entries, expected \(n * n)") }
        if duration.count != n * n { errors.append("duration has \(duration.count) entries, expected \(n * n)") }
        if demand.count != n * max(dimensions, 0) {
            errors.append("demand has \(demand.count) entries, expected \(n * max(dimensions, 0))")
        }
        if serviceTime.count != n { errors.append("serviceTime has \(serviceTime.count) entries, expected \(n)") }
        if readyTime.count != n { errors.append("readyTime has \(readyTime.count) entries, expected \(n)") }
        if dueTime.count != n { errors.append("dueTime has \(dueTime.count) entries, expected \(n)") }
        if let coordinates {
            if coordinates.count != 2 * n { errors.append("coordinates has \(coordinates.count) entries, expected \(2 * n)") }
            if coordinates.contains(where: { !$0.isFinite }) { errors.append("coordinates contains non-finite values") }
        }
        if distance.contains(where: { !$0.isFinite }) { errors.append("distance contains non-finite values") }
        if duration.contains(where: { !$0.isFinite || $0 < 0 }) {
            errors.append("duration contains negative or non-finite values")
        }
        if demand.contains(where: { !$0.isFinite || $0 < 0 }) { errors.append("demand contains negative or non-finite values") }
        if serviceTime.contains(where: { !$0.isFinite || $0 < 0 }) {
            errors.append("serviceTime contains negative or non-finite values")
        }
        if readyTime.contains(where: { !$0.isFinite }) { errors.append("readyTime contains non-finite values") }
        if dueTime.contains(where: { $0.isNaN }) { errors.append("dueTime contains NaN") }
        var seen = Set<Int>()
        for c in customers {
            if c < 0 || c >= n { errors.append("customer node \(c) is out of range 0..<\(n)") }
            if !seen.insert(c).inserted { errors.append("customer node \(c) is listed twice") }
        }
        for (k, v) in vehicles.enumerated() {
            if v.startNode < 0 || v.startNode >= n { errors.append("vehicle \(k): startNode \(v.startNode) out of range") }
            if v.endNode < 0 || v.endNode >= n { errors.append("vehicle \(k): endNode \(v.endNode) out of range") }
            if seen.contains(v.startNode) || seen.contains(v.endNode) {
                errors.append("vehicle \(k): a depot node is also listed as a customer")
            }
            if v.capacity.count != dimensions {
                errors.append("vehicle \(k): capacity has \(v.capacity.count) entries, expected \(dimensions)")
            }
            if v.capacity.contains(where: { $0.isNaN }) { errors.append("vehicle \(k): capacity contains NaN") }
            if !v.fixedCost.isFinite || !v.costPerDistance.isFinite || v.costPerDistance < 0 {
                errors.append("vehicle \(k): costs must be finite and costPerDistance non-negative")
            }
            if !v.shiftStart.isFinite { errors.append("vehicle \(k): shiftStart must be finite") }
            if v.shiftEnd.isNaN { errors.append("vehicle \(k): shiftEnd is NaN") }
            if let m = v.maxDistance, m.isNaN { errors.append("vehicle \(k): maxDistance is NaN") }
            if let m = v.maxDuration, m.isNaN { errors.append("vehicle \(k): maxDuration is NaN") }
        }
        return errors
    }
}

/// Options of a ``RoutingSolver`` run.
public struct RoutingSearchOptions: Sendable {
    /// Wall-clock limit in seconds. With 0 the solver builds a solution and runs one local search.
    public var timeLimit: Double
    /// Seed of the solver's own pseudo-random generator.
    ///
    /// The search trajectory is a deterministic function of the model, the seed and the iteration
    /// count: with the same seed and an iteration limit that is reached before the time limit, two
    /// runs return identical solutions.
    public var seed: UInt64
    /// Polled regularly; when it returns `true` the solver returns its best solution promptly.
    public var isCancelled: (@Sendable () -> Bool)?
    /// Called when the best solution improves, at most about ten times per second, and once at the end.
    public var onProgress: (@Sendable (RoutingProgress) -> Void)?
    /// Optional limit on improvement iterations (ruin and recreate, then local search).
    public var maxIterations: Int?
    /// Optional limit on consecutive iterations that do not improve the best solution. The hybrid
    /// genetic search stops on it only once a restart of its population has also failed to improve
    /// the best solution (at least twice its restart interval of 20,000 generations), so that a
    /// time limit is used on instances where the search is still making progress.
    public var maxIterationsWithoutImprovement: Int?
    /// Which search to run; ``RoutingEngine/automatic`` picks by the model.
    public var engine: RoutingEngine
    /// The clock ``timeLimit`` is measured on: wall time (the default) or the CPU time of the
    /// solving thread, which a benchmark on a shared machine uses to give every solver the same
    /// computing time (HGS-CVRP measures its limit in CPU time).
    public var timeLimitClock: TimeLimitClock = .wall
    /// An extra test of whole routes, for constraints the model cannot express (such as the 3D
    /// loading of the route's items, see `RouteLoader` in HaulLoading): called with the vehicle's
    /// ``RoutingVehicle/typeIndex`` and the route's customer nodes in visiting order, it says
    /// whether the route is allowed. It must be a deterministic function of its arguments.
    ///
    /// With it, the search is ruin and recreate (``RoutingEngine/ruinAndRecreate``, whatever
    /// ``engine`` says), and every route it returns has passed the test. The test is consulted
    /// only for routes that are otherwise feasible and, in the local search, only for moves that
    /// lower the cost; answers are memoised per (type, sequence). A customer whose route is
    /// rejected is placed elsewhere or left unassigned. Once the time limit has passed, untested
    /// routes count as rejected, so a slow test does not make the solver overrun by much.
    public var routeFeasibility: RouteFeasibility?

    /// Creates search options.
    ///
    /// - Parameters:
    ///   - timeLimit: Wall-clock limit in seconds.
    ///   - seed: Pseudo-random seed.
    ///   - isCancelled: Cancellation poll.
    ///   - onProgress: Progress callback.
    ///   - maxIterations: Optional iteration limit.
    ///   - maxIterationsWithoutImprovement: Optional limit on iterations without improvement.
    ///   - engine: Which search to run.
    public init(
        timeLimit: Double = 10,
        seed: UInt64 = 1,
        isCancelled: (@Sendable () -> Bool)? = nil,
        onProgress: (@Sendable (RoutingProgress) -> Void)? = nil,
        maxIterations: Int? = nil,
        maxIterationsWithoutImprovement: Int? = nil,
        engine: RoutingEngine = .automatic,
        routeFeasibility: RouteFeasibility? = nil
    ) {
        self.timeLimit = timeLimit
        self.seed = seed
        self.isCancelled = isCancelled
        self.onProgress = onProgress
        self.maxIterations = maxIterations
        self.maxIterationsWithoutImprovement = maxIterationsWithoutImprovement
        self.engine = engine
        self.routeFeasibility = routeFeasibility
    }
}

/// A test of a whole route: the vehicle's ``RoutingVehicle/typeIndex`` and the customer nodes in
/// visiting order; `true` when the route is allowed. See ``RoutingSearchOptions/routeFeasibility``.
public typealias RouteFeasibility = @Sendable (_ vehicleType: Int, _ stops: [Int]) -> Bool

/// The search methods of ``RoutingSolver``.
public enum RoutingEngine: String, Sendable, CaseIterable {
    /// The hybrid genetic search where the model is a pure CVRP of up to 160 customers (up to
    /// `32 * timeLimit` with longer limits, at most 460), else ruin and recreate. The environment
    /// variable `HAUL_ROUTING_ENGINE` (a case name) overrides it, for benchmarks.
    case automatic
    /// Hybrid genetic search (pure CVRP only: one depot, identical vehicles without fixed cost and
    /// without time, distance or duration limits, symmetric distances); other models fall back to
    /// ruin and recreate.
    case hybridGenetic
    /// Granular local search with ruin and recreate and simulated annealing, for every variant.
    case ruinAndRecreate
}

/// A progress report of a running search.
public struct RoutingProgress: Sendable, Equatable {
    /// Cost of the best solution so far.
    public var bestCost: Double
    /// Seconds since the search started.
    public var elapsed: Double
    /// Improvement iterations completed.
    public var iterations: Int
    /// Customers the best solution leaves unassigned.
    public var unassigned: Int

    /// Creates a progress report.
    public init(bestCost: Double, elapsed: Double, iterations: Int, unassigned: Int = 0) {
        self.bestCost = bestCost
        self.elapsed = elapsed
        self.iterations = iterations
        self.unassigned = unassigned
    }
}

/// The route of one vehicle in a solution.
public struct PlannedRoute: Sendable, Equatable {
    /// Index into ``RoutingModel/vehicles``.
    public var vehicle: Int
    /// Customer node indices in visiting order (depots excluded).
    public var stops: [Int]
    /// Arrival time at each stop.
    public var arrival: [Double]
    /// Service start at each stop, `max(arrival, readyTime)`.
    public var serviceStart: [Double]
    /// Departure time from the start depot: the latest departure that does not return later than
    /// departing at `max(shiftStart, readyTime[startNode])` would, so that waiting is minimal.
    public var departure: Double
    /// Arrival time back at the end depot.
    public var returnTime: Double
    /// Route distance, depot to depot.
    public var distance: Double
    /// Total demand per dimension.
    public var load: [Double]

    /// Creates a planned route.
    public init(
        vehicle: Int, stops: [Int], arrival: [Double], serviceStart: [Double],
        departure: Double, returnTime: Double, distance: Double, load: [Double]
    ) {
        self.vehicle = vehicle
        self.stops = stops
        self.arrival = arrival
        self.serviceStart = serviceStart
        self.departure = departure
        self.returnTime = returnTime
        self.distance = distance
        self.load = load
    }
}

/// The result of ``RoutingSolver/solve(_:options:)``.
public struct RoutingSolution: Sendable, Equatable {
    /// Routes of the vehicles that serve at least one customer, by vehicle index.
    public var routes: [PlannedRoute]
    /// Customer nodes that could not be served feasibly (empty normally).
    public var unassigned: [Int]
    /// Sum over routes of `fixedCost + costPerDistance * distance`.
    public var cost: Double
    /// Total distance of the routes.
    public var distance: Double
    /// Improvement iterations performed.
    public var iterations: Int
    /// Wall-clock seconds spent.
    public var seconds: Double
    /// Calls of ``RoutingSearchOptions/routeFeasibility`` made by the search (0 without one).
    public var routeChecks = 0
    /// Route tests answered from the memo instead of a call.
    public var routeCheckMemoHits = 0
    /// The search that produced the solution: ``RoutingEngine/hybridGenetic`` or
    /// ``RoutingEngine/ruinAndRecreate`` (never ``RoutingEngine/automatic``).
    public var engine: RoutingEngine = .ruinAndRecreate

    /// Creates a solution.
    public init(routes: [PlannedRoute], unassigned: [Int], cost: Double, distance: Double, iterations: Int, seconds: Double) {
        self.routes = routes
        self.unassigned = unassigned
        self.cost = cost
        self.distance = distance
        self.iterations = iterations
        self.seconds = seconds
    }
}
