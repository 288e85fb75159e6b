import Foundation
import XCTest
@testable import HaulRouting

final class HybridGeneticSearchTests: XCTestCase {
    /// Optimal CVRP cost by enumeration: the best route of every customer subset over all orders,
    /// then the best cover by at most `vehicles` disjoint feasible subsets.
    private func enumeratedOptimum(_ m: RoutingModel) -> Double {
        let n = m.nodeCount
        let cust = m.customers
        let k = cust.count
        let cap = m.vehicles[0].capacity[0]
        let full = (1 << k) - 1
        // Held-Karp over (subset, last customer) for route lengths.
        var path = [Double](repeating: .infinity, count: (full + 1) * k)
        for i in 0..<k { path[(1 << i) * k + i] = m.distance[cust[i]] }
        var routeCost = [Double](repeating: .infinity, count: full + 1)
        routeCost[0] = 0
        for mask in 1...full {
            var load = 0.0
            for i in 0..<k where mask & (1 << i) != 0 { load += m.demand[cust[i]] }
            for last in 0..<k where mask & (1 << last) != 0 {
                let here = path[mask * k + last]
                if here == .infinity { continue }
                if load <= cap { routeCost[mask] = min(routeCost[mask], here + m.distance[cust[last] * n]) }
                for nxt in 0..<k where mask & (1 << nxt) == 0 {
                    let to = mask | (1 << nxt)
                    path[to * k + nxt] = min(path[to * k + nxt], here + m.distance[cust[last] * n + cust[nxt]])
                }
            }
        }
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

    func testPureCVRPQualifiesAndOtherVariantsDoNot() {
        let m = randomCVRP(count: 20, seed: 1, vehicles: 6, capacity: 30)
        XCTAssertNotNil(CVRPInstance.make(m))
        var tw = m
        tw.dueTime[3] = 500
        XCTAssertNil(CVRPInstance.make(tw))
        var fixed = m
        fixed.vehicles[2].fixedCost = 10
        XCTAssertNil(CVRPInstance.make(fixed))
        var limited = m
        limited.vehicles[0].maxDistance = 300
        XCTAssertNil(CVRPInstance.make(limited))
        var twoDepots = m
        twoDepots.vehicles[1].endNode = 5
        XCTAssertNil(CVRPInstance.make(twoDepots))
    }

    func testHybridGeneticReachesEnumeratedOptimum() {
        for seed in [UInt64(3), 11, 29, 41] {
            let m = randomCVRP(count: 10, seed: seed, vehicles: 6, capacity: 15)
            let optimum = enumeratedOptimum(m)
            XCTAssertLessThan(optimum, .infinity)
            let s = RoutingSolver.solve(m, options: .init(timeLimit: 10, seed: 5, maxIterations: 600, engine: .hybridGenetic))
            independentCheck(m, s)
            XCTAssertTrue(s.unassigned.isEmpty)
            XCTAssertEqual(s.cost, optimum, accuracy: 1e-6, "instance seed \(seed)")
        }
    }

    func testCostPerDistanceScalesTheObjective() {
        var m = randomCVRP(count: 9, seed: 7, vehicles: 4, capacity: 15)
        let optimum = enumeratedOptimum(m)
        for k in m.vehicles.indices { m.vehicles[k].costPerDistance = 2.5 }
        let s = RoutingSolver.solve(m, options: .init(timeLimit: 10, seed: 2, maxIterations: 400, engine: .hybridGenetic))
        independentCheck(m, s)
        XCTAssertEqual(s.cost, 2.5 * optimum, accuracy: 1e-6)
    }

    func testSplitMatchesEnumerationOfCuts() {
        let m = randomCVRP(count: 9, seed: 5, vehicles: 9, capacity: 14)
        let inst = CVRPInstance.make(m)!
        var rng = RoutingRandom(seed: 4)
        var splitter = HGSSplit(n: inst.n)
        for penalty in [0.5, 3.0, 50.0] {
            for _ in 0..<5 {
                let ind = HGSIndividual(id: 1, n: inst.n)
                ind.tour = Array(1...inst.n)
                rng.shuffle(&ind.tour)
                splitter.split(ind, inst, penalty: penalty)
                // Every way to cut the tour (2^(n-1)) with loads up to 1.5 x capacity per route.
                var best = Double.infinity
                for cuts in 0..<(1 << (inst.n - 1)) {
                    var total = 0.0, load = 0.0, prev = 0, ok = cuts.nonzeroBitCount + 1 <= inst.routeSlots
                    for (k, c) in ind.tour.enumerated() {
                        total += m.distance[prev * m.nodeCount + c]
                        load += m.demand[c]
                        prev = c
                        if k == inst.n - 1 || cuts & (1 << k) != 0 {
                            total += m.distance[c * m.nodeCount]
                            if load > 1.5 * inst.capacity && !(k == 0 || cuts & (1 << (k - 1)) != 0) { ok = false }
                            total += penalty * max(0, load - inst.capacity)
                            load = 0
                            prev = 0
                        }
                    }
                    if ok { best = min(best, total) }
                }
                XCTAssertEqual(ind.penalized, best, accuracy: 1e-6)
                XCTAssertEqual(ind.routes.flatMap { $0 }, ind.tour)
            }
        }
    }

    func testExportWritesRoutesInPolarOrderAroundTheDepot() {
        let m = randomCVRP(count: 60, seed: 4, vehicles: 20, capacity: 25)
        let inst = CVRPInstance.make(m)!
        XCTAssertNotNil(inst.relativePosition)
        var ls = HGSLocalSearch(inst)
        var splitter = HGSSplit(n: inst.n)
        var rng = RoutingRandom(seed: 2)
        var stop = StopCheck(clockStart: .now, timeLimit: 60, isCancelled: nil)
        let ind = HGSIndividual(id: 1, n: inst.n)
        ind.tour = Array(1...inst.n)
        rng.shuffle(&ind.tour)
        splitter.split(ind, inst, penalty: 10)
        ls.run(ind, penalty: 10, rng: &rng, stop: &stop)
        XCTAssertGreaterThan(ind.routes.count, 2)
        // Angles recomputed from the model's own coordinates (depot at node 0).
        let xy = m.coordinates!
        let angles = ind.routes.map { r -> Double in
            var sx = 0.0, sy = 0.0
            for c in r { sx += xy[2 * c] - xy[0]; sy += xy[2 * c + 1] - xy[1] }
            return atan2(sy / Double(r.count), sx / Double(r.count))
        }
        XCTAssertEqual(angles, angles.sorted())
        XCTAssertEqual(ind.tour, ind.routes.flatMap { $0 })
    }

    func testCPUTimeClockStopsTheSearchAndCountsOnlyThisThread() {
        let before = threadCPUSeconds()
        var x = 0.0
        for i in 0..<3_000_000 { x += Double(i % 7) }
        XCTAssertGreaterThan(x, 0)
        XCTAssertGreaterThan(threadCPUSeconds(), before)
        let m = randomCVRP(count: 120, seed: 13, vehicles: 40, capacity: 40)
        var options = RoutingSearchOptions(timeLimit: 0.3, seed: 3, engine: .hybridGenetic)
        options.timeLimitClock = .threadCPU
        let start = Date()
        let cpuBefore = threadCPUSeconds()
        let s = RoutingSolver.solve(m, options: options)
        let cpuUsed = threadCPUSeconds() - cpuBefore
        XCTAssertLessThan(Date().timeIntervalSince(start), 30)
        independentCheck(m, s)
        XCTAssertTrue(s.unassigned.isEmpty)
        // The search ran on this thread until its CPU budget was spent, and not far beyond it.
        // (Generation counts are not asserted: on a busy machine the initial population alone
        // can take the whole 0.3 s.)
        XCTAssertGreaterThanOrEqual(cpuUsed, 0.29)
        XCTAssertLessThan(cpuUsed, 5)
    }

    func testCoordinatesMustMatchTheNodes() {
        var m = randomCVRP(count: 5, seed: 1, vehicles: 2, capacity: 30)
        XCTAssertTrue(m.validationErrors().isEmpty)
        m.coordinates = [0, 0, 1]
        XCTAssertTrue(m.validationErrors().contains { $0.contains("coordinates has 3 entries, expected 12") })
        m.coordinates = Array(repeating: .nan, count: 12)
        XCTAssertTrue(m.validationErrors().contains { $0.contains("coordinates contains non-finite values") })
    }

    func testLocalSearchKeepsConsistentDataAndNeverWorsens() {
        let m = randomCVRP(count: 80, seed: 9, vehicles: 25, capacity: 30)
        let inst = CVRPInstance.make(m)!
        var ls = HGSLocalSearch(inst)
        var splitter = HGSSplit(n: inst.n)
        var rng = RoutingRandom(seed: 3)
        var stop = StopCheck(clockStart: .now, timeLimit: 60, isCancelled: nil)
        for penalty in [0.2, 2.0, 20.0] {
            let ind = HGSIndividual(id: 1, n: inst.n)
            ind.tour = Array(1...inst.n)
            rng.shuffle(&ind.tour)
            splitter.split(ind, inst, penalty: penalty)
            let before = ind.penalized
            ls.run(ind, penalty: penalty, rng: &rng, stop: &stop)
            XCTAssertLessThanOrEqual(ind.penalized, before + 1e-9)
            XCTAssertEqual(ind.tour.sorted(), Array(1...inst.n))
            // The local search's own route data equals a recomputation from the routes.
            var recomputed = 0.0
            for r in ind.routes {
                var at = 0, load = 0.0
                for c in r { recomputed += m.distance[at * m.nodeCount + c]; at = c; load += m.demand[c] }
                recomputed += m.distance[at * m.nodeCount] + penalty * max(0, load - inst.capacity)
            }
            XCTAssertEqual(ind.penalized, recomputed, accuracy: 1e-6)
            var lsTotal = 0.0
            for r in 0..<ls.V { lsTotal += ls.routeDist[r] + penalty * max(0, ls.routeLoad[r] - inst.capacity) }
            XCTAssertEqual(lsTotal, recomputed, accuracy: 1e-6)
            // A local optimum of the granular neighbourhood: no relocation of a customer after one of
            // its nearest neighbours improves any more.
            let g = inst.granularity
            for u in 1...inst.n {
                for k in 0..<g {
                    let v = inst.neighbors[u * g + k]
                    XCTAssertFalse(ls.relocate(u, after: v, eps: inst.eps), "relocate \(u) after \(v) still improves")
                }
            }
        }
    }

    func testDeterministicForSeed() {
        let m = randomCVRP(count: 60, seed: 21, vehicles: 15, capacity: 50)
        let options = RoutingSearchOptions(timeLimit: 60, seed: 99, maxIterations: 150, engine: .hybridGenetic)
        let a = RoutingSolver.solve(m, options: options)
        let b = RoutingSolver.solve(m, options: options)
        independentCheck(m, a)
        XCTAssertEqual(a.routes, b.routes)
        XCTAssertEqual(a.cost, b.cost)
        XCTAssertEqual(a.iterations, 150)
        let c = RoutingSolver.solve(m, options: .init(timeLimit: 60, seed: 100, maxIterations: 150, engine: .hybridGenetic))
        independentCheck(m, c)
    }

    func testTimeLimitCancellationAndProgress() {
        let m = randomCVRP(count: 300, seed: 17, vehicles: 80, capacity: 50)
        let log = ProgressLog()
        let start = Date()
        let s = RoutingSolver.solve(m, options: .init(timeLimit: 1, onProgress: { log.append($0) }, engine: .hybridGenetic))
        let wall = Date().timeIntervalSince(start)
        XCTAssertLessThan(wall, 10)
        independentCheck(m, s)
        XCTAssertTrue(s.unassigned.isEmpty)
        let reports = log.all
        XCTAssertFalse(reports.isEmpty)
        for (a, b) in zip(reports, reports.dropFirst()) { XCTAssertLessThanOrEqual(b.bestCost, a.bestCost + 1e-9) }
        XCTAssertEqual(reports.last!.bestCost, s.cost, accuracy: 1e-6)

        let flag = CancelAfter(calls: 200)
        let t0 = Date()
        let c = RoutingSolver.solve(m, options: .init(timeLimit: 600, isCancelled: { flag.poll() }, engine: .hybridGenetic))
        XCTAssertLessThan(Date().timeIntervalSince(t0), 30)
        independentCheck(m, c)
        XCTAssertTrue(c.unassigned.isEmpty)
    }
}

/// Says "cancelled" from the `calls`-th poll on.
final class CancelAfter: @unchecked Sendable {
    private let lock = NSLock()
    private var left: Int
    init(calls: Int) { left = calls }
    func poll() -> Bool {
        lock.lock(); defer { lock.unlock() }
        left -= 1
        return left <= 0
    }
}
