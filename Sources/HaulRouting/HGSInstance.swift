/// The data of a pure capacitated VRP, in the dense layout the hybrid genetic search works on.
///
/// Node 0 is the depot and nodes `1...n` are the customers (customer `i` is
/// `model.customers[i - 1]`). A model qualifies when it has one load dimension, one depot, identical
/// vehicles without fixed cost and without time, distance or duration limits, a symmetric distance
/// matrix, and every customer fits a vehicle alone; the hybrid genetic search handles exactly
/// these, and ``RoutingSolver`` uses the ruin-and-recreate search for everything else.
struct CVRPInstance {
    /// Number of customers.
    let n: Int
    /// Flat `(n + 1) * (n + 1)` distances, row-major.
    let dist: [Double]
    /// Demand per node (0 for the depot).
    let demand: [Double]
    /// Vehicle capacity.
    let capacity: Double
    /// Hard limit on the number of routes (the model's vehicle slots).
    let fleetLimit: Int
    /// Route slots the local search works with.
    let routeSlots: Int
    /// Number of neighbours per customer in ``neighbors``.
    let granularity: Int
    /// Flat `(n + 1) * granularity` nearest customers of each customer (row 0 unused).
    let neighbors: [Int]
    /// Model node of each internal node.
    let modelNode: [Int]
    /// Cost per unit of distance of every vehicle.
    let costPerDistance: Double
    /// Largest distance and demand (for the initial penalty).
    let maxDistance: Double
    let maxDemand: Double
    let totalDemand: Double
    /// Tolerance of cost comparisons.
    let eps: Double
    /// Planar position of each node relative to the depot, flat `(x, y)` pairs, when the model has
    /// positions: the local search writes routes in polar order (see ``HGSLocalSearch/export(_:)``).
    let relativePosition: [Double]?

    @inline(__always) func d(_ a: Int, _ b: Int) -> Double { dist[a &* (n &+ 1) &+ b] }

    /// The pure-CVRP view of `model`, or `nil` when the model has any other feature.
    static func make(_ model: RoutingModel) -> CVRPInstance? {
        guard model.dimensions == 1, let v0 = model.vehicles.first, model.customers.count >= 2 else { return nil }
        let depot = v0.startNode
        let cap = v0.capacity[0]
        guard cap.isFinite, cap > 0, v0.costPerDistance > 0 else { return nil }
        for v in model.vehicles {
            if v.startNode != depot || v.endNode != depot || v.capacity[0] != cap || v.fixedCost != 0
                || v.costPerDistance != v0.costPerDistance || v.maxDistance != nil || v.maxDuration != nil
                || v.shiftEnd.isFinite {
                return nil
            }
        }
        let N = model.nodeCount
        for i in 0..<N where model.dueTime[i].isFinite { return nil }
        let n = model.customers.count
        var modelNode = [depot]
        modelNode.append(contentsOf: model.customers)
        var dist = [Double](repeating: 0, count: (n + 1) * (n + 1))
        var maxDistance = 0.0
        for i in 0...n {
            for j in 0...n {
                let a = model.distance[modelNode[i] * N + modelNode[j]]
                if a != model.distance[modelNode[j] * N + modelNode[i]] || a < 0 { return nil }
                dist[i * (n + 1) + j] = i == j ? 0 : a
                maxDistance = max(maxDistance, a)
            }
        }
        var demand = [Double](repeating: 0, count: n + 1)
        var total = 0.0
        var maxDemand = 0.0
        for i in 1...n {
            demand[i] = model.demand[modelNode[i]]
            if demand[i] > cap { return nil }
            total += demand[i]
            maxDemand = max(maxDemand, demand[i])
        }
        let fleet = model.vehicles.count
        if Double(fleet) * cap < total { return nil }
        let estimate = Int((1.3 * total / cap).rounded(.up)) + 3
        var relative: [Double]? = nil
        if let xy = model.coordinates, xy.count == 2 * N {
            var r = [Double](repeating: 0, count: 2 * (n + 1))
            for i in 0...n {
                r[2 * i] = xy[2 * modelNode[i]] - xy[2 * depot]
                r[2 * i + 1] = xy[2 * modelNode[i] + 1] - xy[2 * depot + 1]
            }
            relative = r
        }
        let g = min(20, n - 1)
        let neighbors = SearchState.nearest(k: g, count: n) { u, v in dist[(u + 1) * (n + 1) + v + 1] }
        var flat = [Int](repeating: 0, count: (n + 1) * g)
        for u in 0..<n {
            for k in 0..<g { flat[(u + 1) * g + k] = neighbors[u * g + k] + 1 }
        }
        return CVRPInstance(
            n: n, dist: dist, demand: demand, capacity: cap, fleetLimit: fleet,
            routeSlots: min(fleet, max(estimate, 1), n), granularity: g, neighbors: flat,
            modelNode: modelNode, costPerDistance: v0.costPerDistance, maxDistance: maxDistance,
            maxDemand: maxDemand, totalDemand: total, eps: 1e-9 * max(1, maxDistance),
            relativePosition: relative)
    }
}
