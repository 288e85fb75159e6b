import Foundation
import XCTest
@testable import HaulRouting

/// A small linear congruential generator for reproducible test instances.
struct TestLCG {
    var state: UInt64
    init(_ seed: UInt64) { state = seed &* 2_862_933_555_777_941_757 &+ 3_037_000_493 }
    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state >> 33
    }
    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() % 1_000_000) / 1_000_000 }
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.upperBound - range.lowerBound + 1))
    }
}

/// Builds a model from planar points (Euclidean distances, travel time = distance).
func euclideanModel(
    points: [(Double, Double)], demand: [Double], dimensions: Int = 1,
    customers: [Int], vehicles: [RoutingVehicle],
    serviceTime: [Double]? = nil, readyTime: [Double]? = nil, dueTime: [Double]? = nil,
    rounded: Bool = false
) -> RoutingModel {
    let n = points.count
    var dist = [Double](repeating: 0, count: n * n)
    for i in 0..<n {
        for j in 0..<n {
            let dx = points[i].0 - points[j].0, dy = points[i].1 - points[j].1
            let e = (dx * dx + dy * dy).squareRoot()
            dist[i * n + j] = rounded ? (e + 0.5).rounded(.down) : e
        }
    }
    var model = RoutingModel(
        nodeCount: n, distance: dist, duration: dist, dimensions: dimensions, demand: demand,
        serviceTime: serviceTime, readyTime: readyTime, dueTime: dueTime,
        customers: customers, vehicles: vehicles)
    model.coordinates = points.flatMap { [$0.0, $0.1] }
    return model
}

/// A random CVRP: depot 0 at the centre of a 100 x 100 square, `count` customers with demand 1...9.
func randomCVRP(count: Int, seed: UInt64, vehicles: Int, capacity: Double) -> RoutingModel {
    var rng = TestLCG(seed)
    var points = [(50.0, 50.0)]
    var demand = [0.0]
    for _ in 0..<count {
        points.append((100 * rng.unit(), 100 * rng.unit()))
        demand.append(Double(rng.int(1...9)))
    }
    let fleet = Array(repeating: RoutingVehicle(startNode: 0, capacity: [capacity]), count: vehicles)
    return euclideanModel(points: points, demand: demand, customers: Array(1...count), vehicles: fleet)
}

/// The schedule of vehicle `v` serving `stops` in order, with the test suite's own loops: distance,
/// service starts when departing as early as possible (`max(arrival, ready)`), the return time,
/// and the latest departure that still returns then (which gives the shortest duration).
func independentSchedule(_ m: RoutingModel, _ v: RoutingVehicle, _ stops: [Int])
    -> (distance: Double, starts: [Double], back: Double, departure: Double) {
    let n = m.nodeCount
    var distance = 0.0
    var t = max(v.shiftStart, m.readyTime[v.startNode])
    var at = v.startNode
    var starts: [Double] = []
    for c in stops {
        distance += m.distance[at * n + c]
        let start = max(t + m.duration[at * n + c], m.readyTime[c])
        starts.append(start)
        t = start + m.serviceTime[c]
        at = c
    }
    distance += m.distance[at * n + v.endNode]
    let back = t + m.duration[at * n + v.endNode]
    var latest = back
    var next = v.endNode
    for c in stops.reversed() {
        latest = min(m.dueTime[c], latest - m.duration[c * n + next] - m.serviceTime[c])
        next = c
    }
    let departure = min(latest - m.duration[v.startNode * n + next], min(v.shiftEnd, m.dueTime[v.startNode]))
    return (distance, starts, back, departure)
}

/// Checks a solution against the model with its own simple loops (independent of `RouteEvaluator`):
/// each customer served once or listed unassigned, capacities, time windows, shift ends, distance
/// and duration limits, and the reported cost and distance.
func independentCheck(_ m: RoutingModel, _ s: RoutingSolution, file: StaticString = #filePath, line: UInt = #line) {
    let n = m.nodeCount
    let tol = 1e-6
    var visits = [Int](repeating: 0, count: n)
    var usedVehicles = Set<Int>()
    var totalCost = 0.0
    var totalDistance = 0.0
    for route in s.routes {
        XCTAssertFalse(route.stops.isEmpty, "empty route reported", file: file, line: line)
        XCTAssertTrue(usedVehicles.insert(route.vehicle).inserted, "vehicle \(route.vehicle) used twice", file: file, line: line)
        let v = m.vehicles[route.vehicle]
        // Load.
        for d in 0..<m.dimensions {
            var load = 0.0
            for c in route.stops { load += m.demand[c * m.dimensions + d] }
            XCTAssertLessThanOrEqual(load, v.capacity[d] + tol, "capacity of vehicle \(route.vehicle)", file: file, line: line)
            XCTAssertEqual(route.load[d], load, accuracy: tol, file: file, line: line)
        }
        for c in route.stops { visits[c] += 1 }
        let plan = independentSchedule(m, v, route.stops)
        let distance = plan.distance
        XCTAssertEqual(route.distance, distance, accuracy: tol * max(1, distance), file: file, line: line)
        if let md = v.maxDistance {
            XCTAssertLessThanOrEqual(distance, md + tol, "maxDistance of vehicle \(route.vehicle)", file: file, line: line)
        }
        let starts = plan.starts
        for (k, c) in route.stops.enumerated() {
            XCTAssertLessThanOrEqual(starts[k], m.dueTime[c] + tol, "time window of node \(c)", file: file, line: line)
        }
        let back = plan.back
        XCTAssertLessThanOrEqual(back, v.shiftEnd + tol, "shift end of vehicle \(route.vehicle)", file: file, line: line)
        XCTAssertLessThanOrEqual(back, m.dueTime[v.endNode] + tol, "end depot due time", file: file, line: line)
        XCTAssertEqual(route.returnTime, back, accuracy: tol * max(1, abs(back)), file: file, line: line)
        let departure = plan.departure
        XCTAssertEqual(route.departure, departure, accuracy: tol * max(1, abs(departure)), file: file, line: line)
        if let md = v.maxDuration {
            XCTAssertLessThanOrEqual(back - departure, md + tol, "maxDuration of vehicle \(route.vehicle)", file: file, line: line)
        }
        // The reported schedule must respect the windows too.
        for (k, c) in route.stops.enumerated() {
            XCTAssertGreaterThanOrEqual(route.serviceStart[k], m.readyTime[c] - tol, file: file, line: line)
            XCTAssertLessThanOrEqual(route.serviceStart[k], m.dueTime[c] + tol, file: file, line: line)
            XCTAssertLessThanOrEqual(route.arrival[k], route.serviceStart[k] + tol, file: file, line: line)
            XCTAssertLessThanOrEqual(starts[k], route.serviceStart[k] + tol, file: file, line: line)
        }
        totalDistance += distance
        totalCost += v.fixedCost + v.costPerDistance * distance
    }
    for c in s.unassigned { visits[c] += 1 }
    let customerSet = Set(m.customers)
    for c in m.customers {
        XCTAssertEqual(visits[c], 1, "customer \(c) served or listed \(visits[c]) times", file: file, line: line)
    }
    for node in 0..<n where !customerSet.contains(node) {
        XCTAssertEqual(visits[node], 0, "non-customer node \(node) visited", file: file, line: line)
    }
    XCTAssertEqual(s.cost, totalCost, accuracy: 1e-6 * max(1, totalCost), "reported cost", file: file, line: line)
    XCTAssertEqual(s.distance, totalDistance, accuracy: 1e-6 * max(1, totalDistance), "reported distance", file: file, line: line)
}

/// Reads an Augerat `.vrp` file (EUC_2D, one depot) into a model with `vehicles` identical vehicles.
func readAugerat(_ url: URL, vehicles: Int) throws -> RoutingModel {
    let text = try String(contentsOf: url, encoding: .utf8)
    var capacity = 0.0
    var coords: [(Double, Double)] = []
    var demands: [Double] = []
    var section = ""
    for raw in text.split(whereSeparator: \.isNewline) {
        let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if line.hasPrefix("CAPACITY") { capacity = Double(line.split(separator: ":")[1].trimmingCharacters(in: .whitespacesAndNewlines))! }
        if line.hasPrefix("NODE_COORD_SECTION") { section = "coord"; continue }
        if line.hasPrefix("DEMAND_SECTION") { section = "demand"; continue }
        if line.hasPrefix("DEPOT_SECTION") || line.hasPrefix("EOF") { section = ""; continue }
        let f = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).compactMap { Double($0) }
        if section == "coord" && f.count >= 3 { coords.append((f[1], f[2])) }
        if section == "demand" && f.count >= 2 { demands.append(f[1]) }
    }
    let fleet = Array(repeating: RoutingVehicle(startNode: 0, capacity: [capacity]), count: vehicles)
    return euclideanModel(
        points: coords, demand: demands, customers: Array(1..<coords.count), vehicles: fleet, rounded: true)
}

/// The shared benchmark folder, if present (`HAUL_INSTANCES`, else `../shared/instances` beside the checkout).
func instancesFolder() -> URL? {
    let fm = FileManager.default
    if let env = ProcessInfo.processInfo.environment["HAUL_INSTANCES"], fm.fileExists(atPath: env) {
        return URL(fileURLWithPath: env)
    }
    let here = URL(fileURLWithPath: #filePath)
    let guess = here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/instances")
    return fm.fileExists(atPath: guess.path) ? guess : nil
}

/// Collects progress reports from any thread.
final class ProgressLog: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [RoutingProgress] = []
    func append(_ p: RoutingProgress) { lock.lock(); items.append(p); lock.unlock() }
    var all: [RoutingProgress] { lock.lock(); defer { lock.unlock() }; return items }
}
