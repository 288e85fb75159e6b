import Foundation
import XCTest
@testable import HaulRouting

final class RoutingSolverTests: XCTestCase {
    // MARK: Exact optimum on tiny instances

    /// Optimal cost of a tiny CVRP with identical vehicles at node 0, by enumeration: best route of
    /// every subset over all orders, then the best partition into at most `vehicles` feasible subsets.
    /// Time windows, shift end, distance and duration limits of vehicle 0 apply when the model has them.
    private func bruteForceOptimum(_ m: RoutingModel) -> Double {
        let n = m.nodeCount
        let cust = m.customers
        let k = cust.count
        let cap = m.vehicles[0].capacity[0]
        let full = (1 << k) - 1
        var routeCost = [Double](repeating: .infinity, count: full + 1)
        routeCost[0] = 0
        func permutations(_ a: [Int]) -> [[Int]] {
            if a.count <= 1 { return [a] }
            var out: [[Int]] = []
            for (i, x) in a.enumerated() {
                var rest = a
                rest.remove(at: i)
                for p in permutations(rest) { out.append([x] + p) }
            }
            return out
        }
        for mask in 1...full {
            let members = (0..<k).filter { mask & (1 << $0) != 0 }.map { cust[$0] }
            if members.reduce(0.0, { $0 + m.demand[$1] }) > cap { continue }
            for p in permutations(members) where tinyRouteFeasible(m, p) {
                var d = 0.0, at = 0
                for c in p { d += m.distance[at * n + c]; at = c }
                d += m.distance[at * n + 0]
                routeCost[mask] = min(routeCost[mask], d)
            }
        }
        // best[v][mask]: cover `mask` with at most v routes.
        var best = routeCost
        for _ in 1..<m.vehicles.count {
            var nextBest = best
            for mask in 1...full {
                var sub = mask
                while sub > 0 {
                    nextBest[mask] = min(nextBest[mask], routeCost[sub] + best[mask ^ sub])
                    sub = (sub - 1) & mask
                }
            }
            best = nextBest
        }
        return best[full]
    }

    func testTinyCVRPReachesBruteForceOptimum() {
        for seed in [UInt64(3), 11, 29] {
            let m = randomCVRP(count: 7, seed: seed, vehicles: 3, capacity: 15)
            let optimum = bruteForceOptimum(m)
            let s = RoutingSolver.solve(m, options: .init(timeLimit: 2, seed: 5, maxIterationsWithoutImprovement: 3000))
            independentCheck(m, s)
            XCTAssertTrue(s.unassigned.isEmpty)
            XCTAssertEqual(s.cost, optimum, accuracy: 1e-6, "instance seed \(seed)")
        }
    }

    /// Whether vehicle 0 can serve `stops` in this order (windows, shift end, distance and duration
    /// limits), on the schedule the solution checker recomputes.
    private func tinyRouteFeasible(_ m: RoutingModel, _ stops: [Int]) -> Bool {
        let v = m.vehicles[0]
        let plan = independentSchedule(m, v, stops)
        let tol = 1e-9
        return zip(stops, plan.starts).allSatisfy { $1 <= m.dueTime[$0] + tol }
            && plan.back <= min(v.shiftEnd, m.dueTime[v.endNode]) + tol
            && plan.distance <= (v.maxDistance ?? .infinity) + tol
            && plan.back - plan.departure <= (v.maxDuration ?? .infinity) + tol
    }

    func testTinyTimeWindowsAndDurationLimitReachBruteForceOptimum() {
        // Seven customers, windows 60 wide, service 5, routes at most 150 long in time: the windows
        // and the limit both cut routes the capacity alone would allow.
        var checked = 0, limitBinds = 0
        for seed in [UInt64(2), 5, 8, 13] {
            var m = randomCVRP(count: 7, seed: seed, vehicles: 4, capacity: 30)
            var rng = TestLCG(seed &+ 100)
            m.serviceTime = [0] + Array(repeating: 5, count: 7)
            m.readyTime = [0] + (1...7).map { _ in Double(rng.int(0...120)) }
            m.dueTime = [1000] + m.readyTime.dropFirst().map { $0 + 60 }
            m.vehicles = (0..<4).map { _ in RoutingVehicle(startNode: 0, capacity: [30], shiftStart: 0, shiftEnd: 400, maxDuration: 150) }
            let optimum = bruteForceOptimum(m)
            guard optimum.isFinite else { continue }
            let unconstrained = bruteForceOptimum(randomCVRP(count: 7, seed: seed, vehicles: 4, capacity: 30))
            let s = RoutingSolver.solve(m, options: .init(timeLimit: 2, seed: 5, maxIterationsWithoutImprovement: 3000))
            independentCheck(m, s)
            XCTAssertTrue(s.unassigned.isEmpty, "instance seed \(seed)")
            XCTAssertEqual(s.cost, optimum, accuracy: 1e-6, "instance seed \(seed)")
            var windowsOnly = m
            windowsOnly.vehicles = (0..<4).map { _ in RoutingVehicle(startNode: 0, capacity: [30], shiftStart: 0, shiftEnd: 400) }
            let withoutLimit = bruteForceOptimum(windowsOnly)
            XCTAssertGreaterThan(withoutLimit, unconstrained + 1e-6, "the windows should bind (seed \(seed))")
            if optimum > withoutLimit + 1e-6 { limitBinds += 1 }
            checked += 1
        }
        XCTAssertGreaterThanOrEqual(checked, 3, "too few feasible instances to check")
        XCTAssertGreaterThanOrEqual(limitBinds, 1, "the duration limit should raise the optimum somewhere")
    }

    func testTinyCircleInstance() {
        // Six customers on a circle of radius 10 around the depot, capacity 3 x demand 1: the optimum
        // is two routes over three consecutive customers each.
        var points = [(0.0, 0.0)]
        for k in 0..<6 {
            let a = Double(k) * Double.pi / 3
            points.append((10 * cos(a), 10 * sin(a)))
        }
        let fleet = Array(repeating: RoutingVehicle(startNode: 0, capacity: [3]), count: 3)
        let m = euclideanModel(points: points, demand: [0, 1, 1, 1, 1, 1, 1], customers: Array(1...6), vehicles: fleet)
        let s = RoutingSolver.solve(m, options: .init(timeLimit: 2, maxIterationsWithoutImprovement: 2000))
        independentCheck(m, s)
        XCTAssertEqual(s.cost, bruteForceOptimum(m), accuracy: 1e-6)
        XCTAssertEqual(s.cost, 2 * (10 + 10 + 10 + 10), accuracy: 1e-6)
    }

    // MARK: Larger instances

    func testRandom50CustomersFeasibleAndNoWorseThanConstruction() {
        let m = randomCVRP(count: 50, seed: 42, vehicles: 12, capacity: 40)
        let construction = RoutingSolver.constructionOnly(m)
        independentCheck(m, construction)
        let s = RoutingSolver.solve(m, options: .init(timeLimit: 5, seed: 7, maxIterations: 1500))
        independentCheck(m, s)
        XCTAssertTrue(s.unassigned.isEmpty)
        XCTAssertLessThanOrEqual(s.cost, construction.cost + 1e-9)
        XCTAssertLessThan(s.cost, construction.cost * 0.99, "search should improve on the savings construction")
    }

    func testTightTimeWindowsAreRespected() {
        // Hidden feasible plan: 5 routes by angle, windows of width 10 around its service starts.
        var rng = TestLCG(77)
        let count = 40
        var points = [(50.0, 50.0)]
        for _ in 0..<count { points.append((100 * rng.unit(), 100 * rng.unit())) }
        let n = count + 1
        let service = [0.0] + Array(repeating: 10.0, count: count)
        var ready = [Double](repeating: 0, count: n)
        var due = [Double](repeating: 0, count: n)
        let byAngle = (1...count).sorted {
            atan2(points[$0].1 - 50, points[$0].0 - 50) < atan2(points[$1].1 - 50, points[$1].0 - 50)
        }
        func euclid(_ a: Int, _ b: Int) -> Double {
            let dx = points[a].0 - points[b].0, dy = points[a].1 - points[b].1
            return (dx * dx + dy * dy).squareRoot()
        }
        var horizon = 0.0
        for g in 0..<5 {
            var t = 0.0, at = 0
            for c in byAngle[(g * 8)..<(g * 8 + 8)] {
                t += euclid(at, c)
                ready[c] = max(0, t - 5)
                due[c] = t + 5
                t += service[c]
                at = c
            }
            horizon = max(horizon, t + euclid(at, 0))
        }
        due[0] = horizon + 10
        let fleet = Array(repeating: RoutingVehicle(startNode: 0, capacity: [100]), count: 7)
        let demand = [0.0] + Array(repeating: 1.0, count: count)
        let m = euclideanModel(
            points: points, demand: demand, customers: Array(1...count), vehicles: fleet,
            serviceTime: service, readyTime: ready, dueTime: due)
        let s = RoutingSolver.solve(m, options: .init(timeLimit: 5, seed: 3, maxIterations: 800))
        independentCheck(m, s)
        XCTAssertTrue(s.unassigned.isEmpty, "unassigned: \(s.unassigned)")
        XCTAssertTrue(RouteEvaluator.check(model: m, solution: s).isEmpty)
    }

    func testShiftDistanceAndDurationLimits() {
        let base = randomCVRP(count: 30, seed: 9, vehicles: 10, capacity: 1000)
        var m = base
        m.serviceTime = [0] + Array(repeating: 5, count: 30)
        m.readyTime = [0] + (1...30).map { Double(($0 * 37) % 200) }
        m.vehicles = (0..<10).map { _ in
            RoutingVehicle(startNode: 0, capacity: [1000], shiftStart: 0, shiftEnd: 400, maxDistance: 220, maxDuration: 250)
        }
        let s = RoutingSolver.solve(m, options: .init(timeLimit: 5, seed: 1, maxIterations: 500))
        independentCheck(m, s)
        XCTAssertTrue(s.unassigned.isEmpty)
    }

    func testMultipleDimensions() {
        var rng = TestLCG(5)
        var points = [(50.0, 50.0)]
        var demand = [0.0, 0.0]
        for _ in 0..<25 {
            points.append((100 * rng.unit(), 100 * rng.unit()))
            demand += [Double(rng.int(1...9)), Double(rng.int(0...3))]
        }
        let fleet = Array(repeating: RoutingVehicle(startNode: 0, capacity: [40, 8]), count: 10)
        let m = euclideanModel(points: points, demand: demand, dimensions: 2, customers: Array(1...25), vehicles: fleet)
        let s = RoutingSolver.solve(m, options: .init(timeLimit: 5, maxIterations: 500))
        independentCheck(m, s)
        XCTAssertTrue(s.unassigned.isEmpty)
    }

    // MARK: Fleet structure

    /// Four customers 1 apart, 10 from the depot, demand 2 each; a truck (capacity 8) and three vans (capacity 4).
    private func fleetModel(vanFixedCost: Double) -> RoutingModel {
        let n = 5
        var dist = [Double](repeating: 1, count: n * n)
        for i in 0..<n { dist[i * n + i] = 0 }
        for j in 1..<n { dist[j] = 10; dist[j * n] = 10 }
        let truck = RoutingVehicle(startNode: 0, capacity: [8], fixedCost: 100, typeIndex: 0)
        let van = RoutingVehicle(startNode: 0, capacity: [4], fixedCost: vanFixedCost, typeIndex: 1)
        return RoutingModel(
            nodeCount: n, distance: dist, demand: [0, 2, 2, 2, 2], customers: [1, 2, 3, 4],
            vehicles: [truck, van, van, van])
    }

    func testHeterogeneousFleetPicksCheaperCombination() {
        // Vans fixed 20: two vans (2 x (20 + 21) = 82) beat the truck (100 + 23 = 123).
        let m1 = fleetModel(vanFixedCost: 20)
        let s1 = RoutingSolver.solve(m1, options: .init(timeLimit: 2, maxIterationsWithoutImprovement: 1000))
        independentCheck(m1, s1)
        XCTAssertEqual(s1.cost, 82, accuracy: 1e-9)
        XCTAssertEqual(s1.routes.map { m1.vehicles[$0.vehicle].typeIndex }, [1, 1])
        // Vans fixed 60: the truck alone (123) beats two vans (162).
        let m2 = fleetModel(vanFixedCost: 60)
        let s2 = RoutingSolver.solve(m2, options: .init(timeLimit: 2, maxIterationsWithoutImprovement: 1000))
        independentCheck(m2, s2)
        XCTAssertEqual(s2.cost, 123, accuracy: 1e-9)
        XCTAssertEqual(s2.routes.map(\.vehicle), [0])
    }

    func testTwoDepots() {
        // Depot A at x = 0 (node 0), depot B at x = 100 (node 1), three customers near each.
        let xs: [Double] = [0, 100, 1, 2, 3, 97, 98, 99]
        let points = xs.map { ($0, 0.0) }
        let vehicles = [RoutingVehicle(startNode: 0, capacity: [10]), RoutingVehicle(startNode: 1, capacity: [10])]
        let m = euclideanModel(
            points: points, demand: [0, 0, 1, 1, 1, 1, 1, 1], customers: [5, 2, 6, 3, 7, 4], vehicles: vehicles)
        let s = RoutingSolver.solve(m, options: .init(timeLimit: 2, maxIterationsWithoutImprovement: 1000))
        independentCheck(m, s)
        XCTAssertEqual(s.cost, 12, accuracy: 1e-9)
        XCTAssertEqual(Set(s.routes.first { $0.vehicle == 1 }?.stops ?? []), [5, 6, 7])
    }

    func testOversizedCustomerIsUnassigned() {
        var m = randomCVRP(count: 20, seed: 8, vehicles: 6, capacity: 30)
        m.demand[7] = 31
        let s = RoutingSolver.solve(m, options: .init(timeLimit: 2, maxIterations: 200))
        independentCheck(m, s)
        XCTAssertEqual(s.unassigned, [7])
        XCTAssertTrue(m.vehicles.allSatisfy { m.demand[7] > $0.capacity[0] }, "reason: demand exceeds every capacity")
    }

    func testTooFewVehiclesLeavesCustomersUnassignedButFeasible() {
        let m = randomCVRP(count: 30, seed: 4, vehicles: 2, capacity: 30)
        let s = RoutingSolver.solve(m, options: .init(timeLimit: 2, maxIterations: 300))
        independentCheck(m, s)
        XCTAssertFalse(s.unassigned.isEmpty)
        XCTAssertLessThanOrEqual(s.routes.count, 2)
    }

    func testZeroAndOneCustomer() {
        var m = randomCVRP(count: 1, seed: 2, vehicles: 2, capacity: 10)
        let one = RoutingSolver.solve(m, options: .init(timeLimit: 5))
        independentCheck(m, one)
        XCTAssertEqual(one.routes.count, 1)
        XCTAssertLessThan(one.seconds, 1)
        m.customers = []
        let none = RoutingSolver.solve(m, options: .init(timeLimit: 5))
        XCTAssertTrue(none.routes.isEmpty)
        XCTAssertEqual(none.cost, 0)
        XCTAssertLessThan(none.seconds, 1)
    }

    func testNoVehiclesLeavesEveryCustomerUnassigned() {
        var m = randomCVRP(count: 5, seed: 6, vehicles: 1, capacity: 100)
        m.vehicles = []
        let s = RoutingSolver.solve(m, options: .init(timeLimit: 1))
        independentCheck(m, s)
        XCTAssertEqual(s.unassigned, m.customers)
        XCTAssertTrue(s.routes.isEmpty)
    }

    // MARK: Search control

    func testDeterministicForSeed() {
        let m = randomCVRP(count: 60, seed: 21, vehicles: 15, capacity: 50)
        let options = RoutingSearchOptions(timeLimit: 30, seed: 99, maxIterations: 300)
        let a = RoutingSolver.solve(m, options: options)
        let b = RoutingSolver.solve(m, options: options)
        independentCheck(m, a)
        XCTAssertEqual(a.routes, b.routes)
        XCTAssertEqual(a.cost, b.cost)
        XCTAssertEqual(a.iterations, 300)
    }

    func testCancellationReturnsPromptly() {
        let m = randomCVRP(count: 200, seed: 13, vehicles: 50, capacity: 50)
        let start = Date()
        let s = RoutingSolver.solve(m, options: .init(timeLimit: 60, isCancelled: { true }))
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
        independentCheck(m, s)
        XCTAssertTrue(s.unassigned.isEmpty)
    }

    func testTimeLimitHonouredAndProgressThrottled() {
        let m = randomCVRP(count: 200, seed: 17, vehicles: 50, capacity: 50)
        let log = ProgressLog()
        let start = Date()
        let s = RoutingSolver.solve(m, options: .init(timeLimit: 1, onProgress: { log.append($0) }))
        let wall = Date().timeIntervalSince(start)
        XCTAssertLessThan(wall, 10)
        independentCheck(m, s)
        let reports = log.all
        XCTAssertFalse(reports.isEmpty)
        XCTAssertLessThanOrEqual(reports.count, Int(wall * 10) + 3)
        for (a, b) in zip(reports, reports.dropFirst()) { XCTAssertLessThanOrEqual(b.bestCost, a.bestCost + 1e-9) }
        XCTAssertEqual(reports.last!.bestCost, s.cost, accuracy: 1e-6)
    }

    func testZeroTimeLimitIsConstructionPlusLocalSearch() {
        let m = randomCVRP(count: 100, seed: 23, vehicles: 30, capacity: 50)
        let s = RoutingSolver.solve(m, options: .init(timeLimit: 0))
        independentCheck(m, s)
        XCTAssertEqual(s.iterations, 0)
        XCTAssertLessThanOrEqual(s.cost, RoutingSolver.constructionOnly(m).cost + 1e-9)
    }

    // MARK: Randomised cross-check

    /// A random instance with every feature at once: asymmetric distances, travel times that differ
    /// from distances, time windows and service times, three depots (some vehicles end elsewhere),
    /// two load dimensions, vehicle classes with different costs, shifts and limits.
    private func mixedInstance(seed: UInt64, customers count: Int) -> RoutingModel {
        var rng = TestLCG(seed)
        let depots = 3
        let n = depots + count
        let points = (0..<n).map { _ in (100 * rng.unit(), 100 * rng.unit()) }
        var dist = [Double](repeating: 0, count: n * n)
        var dur = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0..<n where i != j {
                let dx = points[i].0 - points[j].0, dy = points[i].1 - points[j].1
                let e = (dx * dx + dy * dy).squareRoot()
                dist[i * n + j] = e * (1 + 0.3 * rng.unit())
                dur[i * n + j] = e * (0.8 + 0.4 * rng.unit())
            }
        }
        var demand = [Double](repeating: 0, count: n * 2)
        var service = [Double](repeating: 0, count: n)
        var ready = [Double](repeating: 0, count: n)
        var due = [Double](repeating: .infinity, count: n)
        for c in depots..<n {
            demand[c * 2] = Double(rng.int(1...10))
            demand[c * 2 + 1] = Double(rng.int(0...2))
            service[c] = Double(rng.int(0...10))
            if rng.unit() < 0.7 {
                ready[c] = 400 * rng.unit()
                due[c] = ready[c] + 20 + 150 * rng.unit()
            }
        }
        due[0] = 700
        var vehicles: [RoutingVehicle] = []
        for k in 0..<9 {
            let start = k % depots
            let end = k % 4 == 3 ? (start + 1) % depots : start
            switch k % 3 {
            case 0:
                vehicles.append(RoutingVehicle(startNode: start, endNode: end, capacity: [40, 6], fixedCost: 50, typeIndex: 0))
            case 1:
                vehicles.append(RoutingVehicle(
                    startNode: start, endNode: end, capacity: [25, 4], fixedCost: 20, costPerDistance: 1.3,
                    shiftStart: 50, shiftEnd: 600, maxDistance: 350, typeIndex: 1))
            default:
                vehicles.append(RoutingVehicle(
                    startNode: start, endNode: end, capacity: [60, 10], fixedCost: 80, costPerDistance: 0.8,
                    maxDuration: 400, typeIndex: 2))
            }
        }
        return RoutingModel(
            nodeCount: n, distance: dist, duration: dur, dimensions: 2, demand: demand,
            serviceTime: service, readyTime: ready, dueTime: due,
            customers: Array(depots..<n), vehicles: vehicles)
    }

    func testEveryMoveIsVerifiedOnMixedInstances() {
        for seed in UInt64(1)...6 {
            let m = mixedInstance(seed: seed, customers: 35)
            XCTAssertEqual(m.validationErrors(), [])
            let (s, problems) = RoutingSolver.solveVerifying(m, options: .init(timeLimit: 10, seed: seed, maxIterations: 150))
            XCTAssertEqual(problems, [], "seed \(seed)")
            independentCheck(m, s)
            XCTAssertEqual(RouteEvaluator.check(model: m, solution: s), [], "seed \(seed)")
            // Unassigned customers must at least be hard to place: never better-off in an empty vehicle.
            for c in s.unassigned {
                let usedVehicles = Set(s.routes.map(\.vehicle))
                for v in 0..<m.vehicles.count where !usedVehicles.contains(v) {
                    XCTAssertFalse(RouteEvaluator.evaluate(model: m, vehicle: v, stops: [c]).violations.isEmpty,
                                   "unassigned customer \(c) fits the unused vehicle \(v)")
                }
            }
        }
    }

    // MARK: Evaluator

    func testEvaluatorReportsViolations() {
        let m = fleetModel(vanFixedCost: 20)
        let (ok, none) = RouteEvaluator.evaluate(model: m, vehicle: 1, stops: [1, 2])
        XCTAssertTrue(none.isEmpty)
        XCTAssertEqual(ok.distance, 21)
        let (_, over) = RouteEvaluator.evaluate(model: m, vehicle: 1, stops: [1, 2, 3])
        XCTAssertFalse(over.isEmpty)
        var timed = m
        timed.dueTime = [100, 5, 100, 100, 100]
        let (_, late) = RouteEvaluator.evaluate(model: timed, vehicle: 0, stops: [2, 1])
        XCTAssertEqual(late.count, 1)
    }
}

/// Gaps on the Augerat A set (CVRP, rounded Euclidean). Skips when the benchmark folder is missing.
/// Set `HAUL_ROUTING_BENCH=<seconds>` to run the whole set with that time limit and print the gaps.
final class RoutingBenchmarkTests: XCTestCase {
    private func bks(_ folder: URL) throws -> [String: Double] {
        let text = try String(contentsOf: folder.appendingPathComponent("bks.csv"), encoding: .utf8)
        var out: [String: Double] = [:]
        for line in text.split(whereSeparator: \.isNewline).dropFirst() {
            let f = line.split(separator: ",")
            // Some names are listed twice; keep the smaller (proven optimal) value.
            if f.count >= 2, let v = Double(f[1].trimmingCharacters(in: .whitespaces)) {
                out[String(f[0])] = min(v, out[String(f[0])] ?? .infinity)
            }
        }
        return out
    }

    private func gap(_ name: String, folder: URL, bks: [String: Double], seconds: Double) throws -> Double? {
        guard let best = bks[name] else { return nil }
        let file = folder.appendingPathComponent(name + ".vrp")
        let k = Int(name.split(separator: "k").last!)!
        let m = try readAugerat(file, vehicles: k)
        let s = RoutingSolver.solve(m, options: .init(timeLimit: seconds, seed: 1))
        independentCheck(m, s)
        XCTAssertTrue(s.unassigned.isEmpty, name)
        return 100 * (s.cost - best) / best
    }

    func testAugeratGap() throws {
        guard let root = instancesFolder() else { throw XCTSkip("benchmark instances not found") }
        let folder = root.appendingPathComponent("cvrp/augerat-A")
        guard FileManager.default.fileExists(atPath: folder.path) else { throw XCTSkip("augerat-A not found") }
        let values = try bks(folder)
        if let env = ProcessInfo.processInfo.environment["HAUL_ROUTING_BENCH"], let seconds = Double(env) {
            let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
                .filter { $0.hasSuffix(".vrp") }.map { String($0.dropLast(4)) }.sorted()
            var gaps: [Double] = []
            for name in names {
                guard let g = try gap(name, folder: folder, bks: values, seconds: seconds) else {
                    print("\(name): no best-known value in bks.csv, skipped")
                    continue
                }
                gaps.append(g)
                print(String(format: "%@ gap %.2f%%", name, g))
            }
            let average = gaps.reduce(0, +) / Double(max(gaps.count, 1))
            print(String(format: "average gap %.3f%% over %d instances", average, gaps.count))
        } else {
            let g = try XCTUnwrap(gap("A-n32-k5", folder: folder, bks: values, seconds: 0.5))
            XCTAssertLessThan(g, 2.0, "gap on A-n32-k5")
        }
    }

    /// `HAUL_ROUTING_BENCH_X=<seconds>:<max customers>[:<min customers>]` runs the X instances up to that size
    /// (fleet of twice the minimum number of vehicles) and prints the gaps to the best-known costs.
    func testUchoaXGap() throws {
        guard let env = ProcessInfo.processInfo.environment["HAUL_ROUTING_BENCH_X"] else {
            throw XCTSkip("set HAUL_ROUTING_BENCH_X=<seconds>:<max customers>[:<min customers>] to run")
        }
        guard let root = instancesFolder() else { throw XCTSkip("benchmark instances not found") }
        let parts = env.split(separator: ":").compactMap { Double($0) }
        let seconds = parts.first ?? 5, maxN = Int(parts.count > 1 ? parts[1] : 300)
        let minN = Int(parts.count > 2 ? parts[2] : 0)
        let folder = root.appendingPathComponent("cvrp/X")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".vrp") }.map { String($0.dropLast(4)) }.sorted()
        var gaps: [Double] = []
        for name in names {
            let n = Int(name.split(separator: "-")[1].dropFirst())!
            if n > maxN || n < minN { continue }
            let k = Int(name.split(separator: "k").last!)!
            let sol = try String(contentsOf: folder.appendingPathComponent(name + ".sol"), encoding: .utf8)
            guard let costLine = sol.split(whereSeparator: \.isNewline).first(where: { $0.hasPrefix("Cost") }),
                  let best = Double(costLine.split(separator: " ").last!) else { continue }
            let m = try readAugerat(folder.appendingPathComponent(name + ".vrp"), vehicles: 2 * k)
            let log = ProgressLog()
            let s = RoutingSolver.solve(m, options: .init(timeLimit: seconds, seed: 1, onProgress: { log.append($0) }))
            independentCheck(m, s)
            let g = 100 * (s.cost - best) / best
            if let first = log.all.first {
                print(String(format: "  first solution %.0f (%.2f%%) after %.2f s", first.bestCost,
                             100 * (first.bestCost - best) / best, first.elapsed))
            }
            gaps.append(g)
            print(String(format: "%@ gap %.2f%% iterations %d routes %d", name, g, s.iterations, s.routes.count))
        }
        print(String(format: "average gap %.3f%% over %d instances", gaps.reduce(0, +) / Double(max(gaps.count, 1)), gaps.count))
    }

    /// `HAUL_ROUTING_BENCH_TW=<seconds>` runs the Solomon VRPTW set (fleet from the file, distance
    /// objective, DIMACS truncation) and prints the gaps to the best-known distances.
    func testSolomonGap() throws {
        guard let env = ProcessInfo.processInfo.environment["HAUL_ROUTING_BENCH_TW"], let seconds = Double(env) else {
            throw XCTSkip("set HAUL_ROUTING_BENCH_TW=<seconds> to run")
        }
        guard let root = instancesFolder() else { throw XCTSkip("benchmark instances not found") }
        let folder = root.appendingPathComponent("vrptw/solomon")
        var bks: [String: Double] = [:]
        for line in try String(contentsOf: folder.appendingPathComponent("bks.csv"), encoding: .utf8)
            .split(whereSeparator: \.isNewline).dropFirst() {
            let f = line.split(separator: ",")
            bks[String(f[0])] = Double(f[2])
        }
        var gaps: [Double] = []
        for name in bks.keys.sorted() {
            let m = try readSolomon(folder.appendingPathComponent(name + ".vrptw"))
            let s = RoutingSolver.solve(m, options: .init(timeLimit: seconds, seed: 1))
            independentCheck(m, s)
            let g = 100 * (s.distance - bks[name]!) / bks[name]!
            if s.unassigned.isEmpty { gaps.append(g) }
            print(String(format: "%@ gap %.2f%% routes %d/%d unassigned %d", name, g, s.routes.count, m.vehicles.count, s.unassigned.count))
        }
        print(String(format: "average gap %.3f%% over %d complete instances", gaps.reduce(0, +) / Double(max(gaps.count, 1)), gaps.count))
    }

    private func readSolomon(_ url: URL) throws -> RoutingModel {
        let text = try String(contentsOf: url, encoding: .utf8)
        var vehicles = 0, capacity = 0.0, service = 0.0
        var coords: [(Double, Double)] = [], demand: [Double] = [], ready: [Double] = [], due: [Double] = []
        var section = ""
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            let value = line.split(separator: ":").last.map { Double($0.trimmingCharacters(in: .whitespaces)) } ?? nil
            if line.hasPrefix("VEHICLES") { vehicles = Int(value!) }
            if line.hasPrefix("CAPACITY") { capacity = value! }
            if line.hasPrefix("SERVICE_TIME") { service = value! }
            if line.hasSuffix("SECTION") { section = line; continue }
            let f = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).compactMap { Double($0) }
            if section.hasPrefix("NODE_COORD") && f.count >= 3 { coords.append((f[1], f[2])) }
            if section.hasPrefix("DEMAND") && f.count >= 2 { demand.append(f[1]) }
            if section.hasPrefix("TIME_WINDOW") && f.count >= 3 { ready.append(f[1]); due.append(f[2]) }
        }
        let n = coords.count
        var dist = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0..<n {
                let dx = coords[i].0 - coords[j].0, dy = coords[i].1 - coords[j].1
                dist[i * n + j] = (10 * (dx * dx + dy * dy).squareRoot()).rounded(.down) / 10
            }
        }
        let fleet = Array(repeating: RoutingVehicle(startNode: 0, capacity: [capacity]), count: vehicles)
        return RoutingModel(
            nodeCount: n, distance: dist, demand: demand, serviceTime: [0] + Array(repeating: service, count: n - 1),
            readyTime: ready, dueTime: due, customers: Array(1..<n), vehicles: fleet)
    }

    /// `HAUL_ROUTING_BENCH_HF=<seconds>:<max customers>` runs the heterogeneous-fleet set (Pessoa et
    /// al. 2018, PyVRP dialect: costs scaled by 100) and prints the gaps to the best-known costs.
    func testHeterogeneousFleetGap() throws {
        guard let env = ProcessInfo.processInfo.environment["HAUL_ROUTING_BENCH_HF"] else {
            throw XCTSkip("set HAUL_ROUTING_BENCH_HF=<seconds>:<max customers> to run")
        }
        guard let root = instancesFolder() else { throw XCTSkip("benchmark instances not found") }
        let parts = env.split(separator: ":").compactMap { Double($0) }
        let seconds = parts.first ?? 5, maxN = Int(parts.count > 1 ? parts[1] : 300)
        let folder = root.appendingPathComponent("hfvrp")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".vrp") }.map { String($0.dropLast(4)) }
            .filter { Int($0.dropFirst().split(separator: "-")[0])! <= maxN }
            .sorted { Int($0.dropFirst().split(separator: "-")[0])! < Int($1.dropFirst().split(separator: "-")[0])! }
        var gaps: [Double] = []
        for name in names {
            let sol = try String(contentsOf: folder.appendingPathComponent(name + ".sol"), encoding: .utf8)
            guard let line = sol.split(whereSeparator: \.isNewline).first(where: { $0.hasPrefix("Cost") }),
                  var best = Double(line.split(separator: " ").last!) else { continue }
            if best > 1e8 { best /= 1e5 }  // some files print the cost without its decimal point
            let m = try Self.readHeterogeneous(folder.appendingPathComponent(name + ".vrp"))
            let s = RoutingSolver.solve(m, options: .init(timeLimit: seconds, seed: 1))
            independentCheck(m, s)
            let g = 100 * (s.cost - best) / best
            if s.unassigned.isEmpty { gaps.append(g) }
            print(String(format: "%@ gap %.2f%% routes %d unassigned %d iterations %d", name, g, s.routes.count, s.unassigned.count, s.iterations))
        }
        print(String(format: "average gap %.3f%% over %d complete instances", gaps.reduce(0, +) / Double(max(gaps.count, 1)), gaps.count))
    }

    static func readHeterogeneous(_ url: URL) throws -> RoutingModel {
        let text = try String(contentsOf: url, encoding: .utf8)
        var coords: [(Double, Double)] = [], demand: [Double] = []
        var capacity: [Double] = [], fixed: [Double] = [], unit: [Double] = []
        var section = ""
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.hasSuffix("SECTION") { section = line; continue }
            let f = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).compactMap { Double($0) }
            guard f.count >= 2 else { continue }
            switch section {
            case "NODE_COORD_SECTION": coords.append((f[1], f[2]))
            case "DEMAND_SECTION": demand.append(f[1])
            case "CAPACITY_SECTION": capacity.append(f[1])
            case "VEHICLES_FIXED_COST_SECTION": fixed.append(f[1] / 100)
            case "VEHICLES_UNIT_DISTANCE_COST_SECTION": unit.append(f[1] / 100)
            default: break
            }
        }
        let vehicles = capacity.indices.map {
            RoutingVehicle(startNode: 0, capacity: [capacity[$0]], fixedCost: fixed.isEmpty ? 0 : fixed[$0],
                           costPerDistance: unit.isEmpty ? 1 : unit[$0], typeIndex: $0)
        }
        return euclideanModel(points: coords, demand: demand, customers: Array(1..<coords.count), vehicles: vehicles, rounded: true)
    }

    /// `HAUL_ROUTING_BENCH_MD=<seconds>` runs the multi-depot VRPTW set (Vidal et al. 2013, PyVRP
    /// dialect: exact Euclidean distances, costs x 1000 in the `.sol` files) and prints the gaps.
    func testMultiDepotGap() throws {
        guard let env = ProcessInfo.processInfo.environment["HAUL_ROUTING_BENCH_MD"], let seconds = Double(env) else {
            throw XCTSkip("set HAUL_ROUTING_BENCH_MD=<seconds> to run")
        }
        guard let root = instancesFolder() else { throw XCTSkip("benchmark instances not found") }
        let folder = root.appendingPathComponent("mdvrptw")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".vrp") }.map { String($0.dropLast(4)) }.sorted()
        var gaps: [Double] = []
        for name in names {
            let sol = try String(contentsOf: folder.appendingPathComponent(name + ".sol"), encoding: .utf8)
            guard let line = sol.split(whereSeparator: \.isNewline).first(where: { $0.hasPrefix("Cost") }),
                  let scaled = Double(line.split(separator: " ").last!) else { continue }
            let best = scaled / 1000
            let m = try readMultiDepot(folder.appendingPathComponent(name + ".vrp"))
            let s = RoutingSolver.solve(m, options: .init(timeLimit: seconds, seed: 1))
            independentCheck(m, s)
            let g = 100 * (s.cost - best) / best
            if s.unassigned.isEmpty { gaps.append(g) }
            print(String(format: "%@ gap %.2f%% routes %d/%d unassigned %d iterations %d", name, g, s.routes.count,
                         m.vehicles.count, s.unassigned.count, s.iterations))
        }
        print(String(format: "average gap %.3f%% over %d complete instances", gaps.reduce(0, +) / Double(max(gaps.count, 1)), gaps.count))
    }

    private func readMultiDepot(_ url: URL) throws -> RoutingModel {
        let text = try String(contentsOf: url, encoding: .utf8)
        var capacity = 0.0, maxDuration = Double.infinity
        var coords: [(Double, Double)] = [], demand: [Double] = [], service: [Double] = []
        var ready: [Double] = [], due: [Double] = [], vehicleDepot: [Int] = [], depots: [Int] = []
        var section = ""
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            let value = line.split(separator: ":").last.map { Double($0.trimmingCharacters(in: .whitespaces)) } ?? nil
            if line.hasPrefix("CAPACITY:") { capacity = value! }
            if line.hasPrefix("VEHICLES_MAX_DURATION") { maxDuration = value! }
            if line.hasSuffix("SECTION") { section = line; continue }
            let f = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).compactMap { Double($0) }
            switch section {
            case "NODE_COORD_SECTION" where f.count >= 3: coords.append((f[1], f[2]))
            case "DEMAND_SECTION" where f.count >= 2: demand.append(f[1])
            case "SERVICE_TIME_SECTION" where f.count >= 2: service.append(f[1])
            case "TIME_WINDOW_SECTION" where f.count >= 3: ready.append(f[1]); due.append(f[2])
            case "VEHICLES_DEPOT_SECTION" where f.count >= 2: vehicleDepot.append(Int(f[1]) - 1)
            case "DEPOT_SECTION" where f.count == 1 && f[0] > 0: depots.append(Int(f[0]) - 1)
            default: break
            }
        }
        let depotSet = Set(depots)
        let vehicles = vehicleDepot.map {
            RoutingVehicle(startNode: $0, capacity: [capacity], maxDuration: maxDuration.isFinite ? maxDuration : nil)
        }
        return euclideanModel(
            points: coords, demand: demand, customers: (0..<coords.count).filter { !depotSet.contains($0) },
            vehicles: vehicles, serviceTime: service, readyTime: ready, dueTime: due)
    }
}
