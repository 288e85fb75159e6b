import Foundation
import HaulLP

/// A tiny deterministic linear congruential generator (Knuth's MMIX constants).
struct LCG {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state >> 33
    }

    /// Uniform integer in `range` (small ranges; modulo bias is irrelevant here).
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }
}

/// A thread-safe box for values written from `@Sendable` callbacks.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<R>(_ body: (inout Value) -> R) -> R {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }

    var current: Value { withLock { $0 } }
}

/// A 0-1 knapsack: maximise Σ v·x s.t. Σ w·x ≤ capacity.
func knapsackModel(values: [Double], weights: [Double], capacity: Double) -> (LinearModel, [Variable]) {
    var model = LinearModel(direction: .maximize)
    let xs = values.indices.map { model.addVariable(cost: values[$0], kind: .binary, name: "x\($0)") }
    model.addConstraint(xs.indices.map { (xs[$0], weights[$0]) }, .lessOrEqual, capacity, name: "capacity")
    return (model, xs)
}

/// The best knapsack value by enumerating every subset (n ≤ ~16).
func bruteForceKnapsack(values: [Double], weights: [Double], capacity: Double) -> Double {
    let n = values.count
    var best = 0.0
    for mask in 0..<(1 << n) {
        var w = 0.0, v = 0.0
        for i in 0..<n where mask & (1 << i) != 0 {
            w += weights[i]
            v += values[i]
        }
        if w <= capacity { best = max(best, v) }
    }
    return best
}

/// A random 0-1 multi-dimensional knapsack (maximisation) with correlated values; hard enough that
/// GLPK cannot prove optimality in a fraction of a second.
func multiKnapsackModel(items: Int, constraints: Int, seed: UInt64) -> (LinearModel, [Variable], [[Double]], [Double]) {
    var rng = LCG(seed: seed)
    var weights: [[Double]] = []
    for _ in 0..<constraints {
        weights.append((0..<items).map { _ in Double(rng.int(1...1000)) })
    }
    let capacities = weights.map { $0.reduce(0, +) / 2 }
    var model = LinearModel(direction: .maximize)
    var xs: [Variable] = []
    for j in 0..<items {
        let sum = (0..<constraints).reduce(0.0) { $0 + weights[$1][j] }
        let value = (sum / Double(constraints)).rounded() + Double(rng.int(0...50))
        xs.append(model.addVariable(cost: value, kind: .binary))
    }
    for i in 0..<constraints {
        model.addConstraint((0..<items).map { (xs[$0], weights[i][$0]) }, .lessOrEqual, capacities[i])
    }
    return (model, xs, weights, capacities)
}

/// A greedy feasible point of a multi-knapsack: take items by value/weight ratio while they fit.
func greedyMultiKnapsack(_ model: LinearModel, _ xs: [Variable], _ weights: [[Double]], _ capacities: [Double]) -> [Double] {
    let items = xs.count
    let order = (0..<items).sorted { a, b in
        let wa = weights.reduce(0.0) { $0 + $1[a] }, wb = weights.reduce(0.0) { $0 + $1[b] }
        return model.cost(of: xs[a]) / wa > model.cost(of: xs[b]) / wb
    }
    var used = [Double](repeating: 0, count: capacities.count)
    var x = [Double](repeating: 0, count: items)
    for j in order {
        if (0..<capacities.count).allSatisfy({ used[$0] + weights[$0][j] <= capacities[$0] }) {
            x[j] = 1
            for i in capacities.indices { used[i] += weights[i][j] }
        }
    }
    return x
}

/// Current resident set size in bytes (Linux: `/proc/self/statm`); `nil` elsewhere.
func residentMemoryBytes() -> Int? {
    #if os(Linux)
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
    return pages * sysconf(Int32(_SC_PAGESIZE))
    #else
    return nil
    #endif
}
