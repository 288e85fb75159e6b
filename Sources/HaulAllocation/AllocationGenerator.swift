import Foundation
import HaulCore

/// Parameters of generated allocation instances (documented in `Instances/generators/README.md`).
public struct AllocationGeneratorParameters: Sendable, Equatable {
    /// Number of warehouses, placed uniformly in a 1000 x 1000 square.
    public var warehouses: Int
    /// Number of orders.
    public var orders: Int
    /// Demand clusters: each order lies near one of this many centres (normal spread `spread`).
    public var clusters: Int
    /// Standard deviation of an order's distance from its cluster centre.
    public var spread: Double
    /// Total demand divided by total capacity, in (0, 1]: 1 leaves no slack at all.
    public var tightness: Double
    public var seed: UInt64

    public init(warehouses: Int = 50, orders: Int = 1000, clusters: Int = 8, spread: Double = 60,
                tightness: Double = 0.8, seed: UInt64 = 1) {
        self.warehouses = warehouses
        self.orders = orders
        self.clusters = clusters
        self.spread = spread
        self.tightness = tightness
        self.seed = seed
    }
}

/// Generates single-source allocation problems with every warehouse open (no opening decision),
/// so that an online allocator and the batch optimum answer the same question.
public enum AllocationGenerator {
    public static func make(_ p: AllocationGeneratorParameters) -> AllocationProblem {
        // The same instance for the same seed on every platform.
        var rng = SplitMix64(seed: p.seed &+ 0x9E37_79B9_7F4A_7C15)
        func uniform() -> Double { rng.unit() }
        func normal() -> Double { (-2 * log(max(uniform(), 1e-300))).squareRoot() * cos(2 * .pi * uniform()) }
        let centres = (0..<max(1, p.clusters)).map { _ in (uniform() * 1000, uniform() * 1000) }
        var orders: [Order] = []
        var demand = 0.0
        for o in 0..<p.orders {
            let c = centres[Int(uniform() * Double(centres.count)) % centres.count]
            let x = min(1000, max(0, c.0 + p.spread * normal())), y = min(1000, max(0, c.1 + p.spread * normal()))
            let q = Double(1 + Int(uniform() * 10) % 10)
            demand += q
            orders.append(Order(id: "o\(o)", location: .planar(x: x, y: y), lines: [OrderLine(sku: "", quantity: q)]))
        }
        let capacity = (demand / (max(p.tightness, 1e-3) * Double(max(1, p.warehouses)))).rounded(.up) + 10
        let warehouses = (0..<p.warehouses).map { w in
            Warehouse(id: "w\(w)", location: .planar(x: uniform() * 1000, y: uniform() * 1000), capacity: capacity, open: true)
        }
        return AllocationProblem(warehouses: warehouses, orders: orders, mode: .singleSource, costPerUnitDistance: 1)
    }
}
