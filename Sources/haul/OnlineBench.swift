import ArgumentParser
import Foundation
import Haul
import HaulAllocation

/// `haul bench online`: throughput and memory of the online nearest-warehouse allocator.
struct OnlineBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "online",
        abstract: "Time the online allocator (k-d tree) on generated clustered orders, against a linear scan.",
        discussion: """
            Generated instance (planar, all from --seed): a 1000 x 1000 square; --clusters centres \
            uniform in [100, 900]^2 with weights uniform in [0.5, 1.5]. Warehouses: half around a \
            centre (normal, sigma 40), half uniform over the square. Orders: 80% around a centre chosen \
            by weight (normal, sigma 60), 20% uniform; quantity uniform in 1...5 units, capacity only. \
            Capacity of a warehouse: --tightness x (total expected demand) / W x uniform [0.5, 1.5], \
            rounded, at least 5; the warehouses in the clusters fill up early and later orders travel \
            further. Points are clamped to the square.

            Runs W = --warehouses with --orders orders, then 10 W and 100 W with --scale-orders orders \
            (memory is linear in W). Each run times all orders on one thread with one allocator \
            (allocations per second count every order, served or not) and reads the resident set \
            from /proc/self/statm before and after building the index and after the run. Then, from \
            fresh state, the first --check-orders orders (default 2e8 / W, at least 1000) go through \
            a fresh allocator and through a linear scan over all warehouses (same rule: nearest with \
            the capacity left, lowest index on ties); the answers must agree (exit 4 otherwise), and \
            the ratio of the two times is printed. Also printed: the mean distance of the orders \
            served in the first and in the last tenth of the run (it grows as the nearest warehouses \
            fill up), and how many warehouses end with less than 5 units (the largest order) left. \
            Resident memory after the run includes 8 bytes per outstanding reservation.
            """)

    @Option(name: .long, help: "Warehouses of the first run (the others use 10x and 100x).")
    var warehouses: Int = 1000

    @Option(name: .long, help: "Orders of the first run.")
    var orders: Int = 1_000_000

    @Option(name: .long, help: "Orders of the 10x and 100x runs.")
    var scaleOrders: Int = 200_000

    @Option(name: .long, help: "Seed of the generator.")
    var seed: UInt64 = 1

    @Option(name: .long, help: "Number of clusters.")
    var clusters: Int = 20

    @Option(name: .long, help: "Total capacity / expected total demand.")
    var tightness: Double = 1.1

    @Option(name: .long, help: "Orders checked against the linear scan per run (default: 2e8 / W, at least 1000).")
    var checkOrders: Int?

    @Flag(name: .long, help: "Only the first run.")
    var noScale = false

    func validate() throws {
        if warehouses < 1 || warehouses > 10_000_000 { throw ValidationError("--warehouses must be between 1 and 10000000") }
        if orders < 1 || scaleOrders < 1 { throw ValidationError("--orders and --scale-orders must be >= 1") }
        if let checkOrders, checkOrders < 0 { throw ValidationError("--check-orders must be >= 0") }
        if clusters < 1 { throw ValidationError("--clusters must be >= 1") }
        if !(tightness > 0 && tightness.isFinite) { throw ValidationError("--tightness must be > 0") }
    }

    func run() throws {
        print("# haul bench online: seed \(seed), clusters \(clusters), tightness \(tightness), planar, capacity-only orders, one thread")
        print("warehouses,orders,served,seconds,allocs_per_s,ns_per_alloc,build_s,rss_before_build_mb,rss_after_build_mb,index_mb,rss_after_run_mb,"
              + "check_orders,check_agree,tree_check_s,linear_check_s,speedup,mean_dist_first10pct,mean_dist_last10pct,full_at_end")
        var runs = [(warehouses, orders)]
        if !noScale { runs += [(warehouses * 10, scaleOrders), (warehouses * 100, scaleOrders)] }
        for (w, n) in runs {
            try measure(warehouseCount: w, orderCount: n)
        }
    }

    private func measure(warehouseCount W: Int, orderCount N: Int) throws {
        let instance = OnlineInstance(warehouses: W, orders: N, clusters: clusters, tightness: tightness, seed: seed)
        let rssBefore = residentBytes()
        var t = now()
        let allocator = try OnlineAllocator(warehouses: instance.warehouses)
        let buildSeconds = now() - t
        let rssBuilt = residentBytes()

        var served = 0
        var checksum = 0
        var distanceSum = [Double](repeating: 0, count: 10)
        var servedPerDecile = [Int](repeating: 0, count: 10)
        t = now()
        for decile in 0..<10 {
            var sum = 0.0, count = 0
            for i in N * decile / 10..<N * (decile + 1) / 10 {
                if let r = try allocator.allocate(at: .planar(x: instance.x[i], y: instance.y[i]), quantity: instance.quantity[i]) {
                    count += 1
                    sum += r.distance
                    checksum &+= r.warehouse
                }
            }
            served += count
            distanceSum[decile] = sum
            servedPerDecile[decile] = count
        }
        let seconds = now() - t
        let rssRun = residentBytes()
        let full = allocator.remainingCapacities().enumerated().filter { $0.element < 5 }.count
        let meanDistance = { (d: Int) in servedPerDecile[d] > 0 ? distanceSum[d] / Double(servedPerDecile[d]) : 0 }

        // Same answers as a linear scan, from fresh state, on the first M orders.
        let M = min(N, checkOrders ?? max(1000, 200_000_000 / W))
        let fresh = try OnlineAllocator(warehouses: instance.warehouses)
        var treeAnswers = [Int32](repeating: -1, count: M)
        t = now()
        for i in 0..<M {
            if let r = try fresh.allocate(at: .planar(x: instance.x[i], y: instance.y[i]), quantity: instance.quantity[i]) {
                treeAnswers[i] = Int32(r.warehouse)
            }
        }
        let treeCheck = now() - t
        var linear = LinearScanAllocator(instance.warehouses)
        var linearAnswers = [Int32](repeating: -1, count: M)
        t = now()
        for i in 0..<M {
            linearAnswers[i] = Int32(linear.allocate(x: instance.x[i], y: instance.y[i], quantity: instance.quantity[i]))
        }
        let linearCheck = now() - t
        let agree = zip(treeAnswers, linearAnswers).reduce(0) { $0 + ($1.0 == $1.1 ? 1 : 0) }

        let mb = { (b: Int) in String(format: "%.1f", Double(b) / 1_048_576) }
        print([String(W), String(N), String(served), String(format: "%.3f", seconds),
               String(format: "%.0f", Double(N) / seconds), String(format: "%.0f", seconds * 1e9 / Double(N)),
               String(format: "%.3f", buildSeconds), mb(rssBefore), mb(rssBuilt), mb(rssBuilt - rssBefore), mb(rssRun),
               String(M), "\(agree)/\(M)", String(format: "%.3f", treeCheck), String(format: "%.3f", linearCheck),
               M > 0 ? String(format: "%.1f", linearCheck / treeCheck) : "",
               String(format: "%.1f", meanDistance(0)), String(format: "%.1f", meanDistance(9)), String(full)].joined(separator: ","))
        if agree != M {
            StandardError.write("haul: online allocator and linear scan disagree on \(M - agree) of \(M) orders\n")
            throw HaulExit.internalError
        }
        if checksum == Int.min { print("#") }  // keeps the loop's results alive
    }
}

/// Generated warehouses and orders (see `haul bench online --help`).
private struct OnlineInstance {
    var warehouses: [Warehouse] = []
    var x: [Double] = []
    var y: [Double] = []
    var quantity: [Double] = []

    init(warehouses W: Int, orders N: Int, clusters K: Int, tightness: Double, seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let side = 1000.0
        let centres = (0..<K).map { _ in (100 + 800 * rng.unit(), 100 + 800 * rng.unit()) }
        let weights = (0..<K).map { _ in 0.5 + rng.unit() }
        var cumulative: [Double] = []
        var total = 0.0
        for w in weights { total += w; cumulative.append(total) }
        func clamp(_ v: Double) -> Double { min(side, max(0, v)) }
        func around(_ c: (Double, Double), _ sigma: Double) -> (Double, Double) {
            let (a, b) = rng.normalPair()
            return (clamp(c.0 + sigma * a), clamp(c.1 + sigma * b))
        }
        let meanCapacity = tightness * Double(N) * 3 / Double(W)
        warehouses.reserveCapacity(W)
        for i in 0..<W {
            let p = rng.unit() < 0.5 ? around(centres[Int(rng.next() % UInt64(K))], 40)
                                     : (side * rng.unit(), side * rng.unit())
            let capacity = max(5, (meanCapacity * (0.5 + rng.unit())).rounded())
            warehouses.append(Warehouse(id: "W\(i)", location: .planar(x: p.0, y: p.1), capacity: capacity, open: true))
        }
        x.reserveCapacity(N); y.reserveCapacity(N); quantity.reserveCapacity(N)
        for _ in 0..<N {
            let p: (Double, Double)
            if rng.unit() < 0.8 {
                let u = rng.unit() * total
                var k = 0
                while k < K - 1 && cumulative[k] < u { k += 1 }
                p = around(centres[k], 60)
            } else {
                p = (side * rng.unit(), side * rng.unit())
            }
            x.append(p.0); y.append(p.1)
            quantity.append(Double(1 + rng.next() % 5))
        }
    }
}

/// The baseline: every warehouse, every order; nearest with the capacity left, lowest index on ties.
private struct LinearScanAllocator {
    var x: [Double], y: [Double], remaining: [Double]

    init(_ warehouses: [Warehouse]) {
        x = []; y = []; remaining = []
        for w in warehouses {
            guard case let .planar(px, py)? = w.location else { continue }
            x.append(px); y.append(py); remaining.append(w.open == false ? -.infinity : w.capacity)
        }
    }

    /// The warehouse index reserved, or -1.
    mutating func allocate(x qx: Double, y qy: Double, quantity: Double) -> Int {
        var best = Double.infinity
        var bestIndex = -1
        x.withUnsafeBufferPointer { xs in
            y.withUnsafeBufferPointer { ys in
                remaining.withUnsafeBufferPointer { rem in
                    for i in 0..<xs.count where rem[i] >= quantity {
                        let dx = xs[i] - qx, dy = ys[i] - qy
                        let d = dx * dx + dy * dy
                        if d < best { best = d; bestIndex = i }
                    }
                }
            }
        }
        if bestIndex >= 0 { remaining[bestIndex] -= quantity }
        return bestIndex
    }
}

private func now() -> Double {
    Double(DispatchTime.now().uptimeNanoseconds) / 1e9
}

/// Resident set size from /proc/self/statm (Linux); 0 elsewhere.
private func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}
