import XCTest
import HaulCore
@testable import HaulAllocation

/// An independent checker: recomputes feasibility and cost of an allocation plan from the problem.
enum AllocationChecker {
    static func violations(_ problem: AllocationProblem, _ plan: Plan) -> (errors: [String], cost: Double) {
        var errors: [String] = []
        let wIndex = Dictionary(uniqueKeysWithValues: problem.warehouses.enumerated().map { ($1.id, $0) })
        let oIndex = Dictionary(uniqueKeysWithValues: problem.orders.enumerated().map { ($1.id, $0) })
        var shippedFrom = [Double](repeating: 0, count: problem.warehouses.count)
        var skuFrom = [[String: Double]](repeating: [:], count: problem.warehouses.count)
        var perOrder = [Double](repeating: 0, count: problem.orders.count)
        var warehousesOfOrder = [Set<Int>](repeating: [], count: problem.orders.count)
        var cost = 0.0
        for a in plan.assignments ?? [] {
            guard let w = wIndex[a.warehouse], let o = oIndex[a.order] else { errors.append("unknown id in \(a)"); continue }
            let order = problem.orders[o]
            if problem.warehouses[w].open == false { errors.append("closed warehouse \(a.warehouse) used") }
            if let pin = order.warehouse, pin != a.warehouse { errors.append("order \(order.id) pinned to \(pin)") }
            shippedFrom[w] += a.quantity
            perOrder[o] += a.quantity
            warehousesOfOrder[o].insert(w)
            let total = order.totalQuantity
            let location = problem.costs == nil
            let full = location
                ? problem.costPerUnitDistance * (hypot(problem.warehouses[w].location!, order.location!)) * total
                : problem.costs![o][w]
            cost += full * (total > 0 ? a.quantity / total : 0)
            if let sku = a.sku { skuFrom[w][sku, default: 0] += a.quantity }
            else { for line in order.lines where !line.sku.isEmpty { skuFrom[w][line.sku, default: 0] += line.quantity } }
        }
        for (o, order) in problem.orders.enumerated() {
            if abs(perOrder[o] - order.totalQuantity) > 1e-6 { errors.append("order \(order.id) ships \(perOrder[o]) of \(order.totalQuantity)") }
            if problem.mode == .singleSource && warehousesOfOrder[o].count > 1 { errors.append("order \(order.id) split") }
        }
        let opened = Set(plan.openWarehouses ?? [])
        for (w, house) in problem.warehouses.enumerated() {
            if shippedFrom[w] > house.capacity + 1e-6 { errors.append("\(house.id) over capacity") }
            if shippedFrom[w] > 0 && !opened.contains(house.id) { errors.append("\(house.id) ships but is not listed open") }
            if house.open == true && !opened.contains(house.id) { errors.append("\(house.id) must be open") }
            if let stock = house.stock {
                for (sku, q) in skuFrom[w] where q > (stock[sku] ?? 0) + 1e-6 { errors.append("\(house.id) short of \(sku)") }
            }
            if opened.contains(house.id) { cost += house.openingCost }
        }
        return (errors, cost)
    }

    static func hypot(_ a: Location, _ b: Location) -> Double {
        guard case let .planar(x1, y1) = a, case let .planar(x2, y2) = b else { return .nan }
        return ((x1 - x2) * (x1 - x2) + (y1 - y2) * (y1 - y2)).squareRoot()
    }
}

final class AllocationSolverTests: XCTestCase {
    /// A small seeded generator so that the instances are the same on every run.
    struct LCG {
        var state: UInt64
        mutating func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
    }

    static func randomProblem(warehouses W: Int, orders O: Int, seed: UInt64, tightness: Double) -> AllocationProblem {
        var rng = LCG(state: seed)
        var orders: [Order] = []
        var demand = 0.0
        for o in 0..<O {
            let q = Double(1 + Int(rng.next() * 9))
            demand += q
            orders.append(Order(id: "o\(o)", location: .planar(x: rng.next() * 100, y: rng.next() * 100), lines: [OrderLine(sku: "", quantity: q)]))
        }
        let houses = (0..<W).map { w in
            Warehouse(id: "w\(w)", location: .planar(x: rng.next() * 100, y: rng.next() * 100),
                      capacity: (demand / Double(W) * tightness).rounded(.up) + 9, openingCost: 50 + rng.next() * 200)
        }
        return AllocationProblem(warehouses: houses, orders: orders, costPerUnitDistance: 0.1)
    }

    /// The optimum by enumerating every assignment of orders to warehouses.
    static func bruteForce(_ p: AllocationProblem) -> Double {
        let W = p.warehouses.count, O = p.orders.count
        var best = Double.infinity
        var choice = [Int](repeating: 0, count: O)
        func visit(_ o: Int) {
            if o == O {
                var load = [Double](repeating: 0, count: W)
                var cost = 0.0
                for k in 0..<O { load[choice[k]] += p.orders[k].totalQuantity; cost += p.assignmentCost(order: k, warehouse: choice[k]) }
                if zip(load, p.warehouses).contains(where: { $0 > $1.capacity + 1e-9 }) { return }
                for w in 0..<W where load[w] > 0 { cost += p.warehouses[w].openingCost }
                best = min(best, cost)
                return
            }
            for w in 0..<W { choice[o] = w; visit(o + 1) }
        }
        visit(0)
        return best
    }

    func testSingleSourceReachesTheEnumeratedOptimum() {
        for seed in [1, 2, 3] as [UInt64] {
            let p = Self.randomProblem(warehouses: 3, orders: 7, seed: seed, tightness: 1.4)
            XCTAssertTrue(p.validationIssues().isEmpty)
            let plan = AllocationSolver.solve(p, options: SolveOptions(timeLimit: 10))
            let check = AllocationChecker.violations(p, plan)
            XCTAssertEqual(check.errors, [])
            XCTAssertEqual(plan.status, .optimal)
            XCTAssertEqual(plan.objective, check.cost, accuracy: 1e-6)
            XCTAssertEqual(plan.objective, Self.bruteForce(p), accuracy: 1e-6)
            XCTAssertEqual(plan.bound ?? -1, plan.objective, accuracy: 1e-6)
        }
    }

    func testGreedyIsAFeasibleUpperBound() {
        let p = Self.randomProblem(warehouses: 6, orders: 60, seed: 9, tightness: 1.2)
        let data = AllocationData(p)
        let greedy = GreedyAllocation.solve(data)
        XCTAssertTrue(greedy.isComplete())
        let plan = AllocationSolver.solve(p, options: SolveOptions(timeLimit: 20))
        XCTAssertEqual(AllocationChecker.violations(p, plan).errors, [])
        XCTAssertLessThanOrEqual(plan.objective, greedy.cost(data) + 1e-6)
        XCTAssertLessThanOrEqual(plan.bound ?? .infinity, plan.objective + 1e-6)
    }

    func testStockPinsAndClosedWarehouses() {
        let p = AllocationProblem(
            warehouses: [Warehouse(id: "near", location: .planar(x: 0, y: 0), capacity: 100, stock: ["a": 5, "b": 100]),
                         Warehouse(id: "far", location: .planar(x: 50, y: 0), capacity: 100, stock: ["a": 100, "b": 100]),
                         Warehouse(id: "shut", location: .planar(x: 1, y: 0), capacity: 100, open: false)],
            orders: [Order(id: "x", location: .planar(x: 1, y: 0), lines: [OrderLine(sku: "a", quantity: 4)]),
                     Order(id: "y", location: .planar(x: 1, y: 0), lines: [OrderLine(sku: "a", quantity: 3)]),
                     Order(id: "z", location: .planar(x: 1, y: 0), lines: [OrderLine(sku: "b", quantity: 1)], warehouse: "far")])
        let plan = AllocationSolver.solve(p, options: SolveOptions(timeLimit: 5))
        let check = AllocationChecker.violations(p, plan)
        XCTAssertEqual(check.errors, [])
        XCTAssertEqual(plan.objective, check.cost, accuracy: 1e-6)
        // Only one of x and y fits near's stock of "a"; the larger order x stays near: 4*1 + 3*49 + 1*49.
        let expected: Double = 4 * 1 + 3 * 49 + 1 * 49
        XCTAssertEqual(plan.objective, expected, accuracy: 1e-6)
        XCTAssertEqual(plan.status, .optimal)
    }

    func testSplitModeSplitsAnOrderAcrossWarehouses() {
        let p = AllocationProblem(
            warehouses: [Warehouse(id: "A", location: .planar(x: 0, y: 0), capacity: 6),
                         Warehouse(id: "B", location: .planar(x: 10, y: 0), capacity: 10)],
            orders: [Order(id: "o", location: .planar(x: 0, y: 0), lines: [OrderLine(sku: "", quantity: 10)])],
            mode: .split)
        XCTAssertEqual(p.validationIssues(), [])
        let plan = AllocationSolver.solve(p, options: SolveOptions(timeLimit: 5))
        let check = AllocationChecker.violations(p, plan)
        XCTAssertEqual(check.errors, [])
        XCTAssertEqual(plan.objective, 4 * 10, accuracy: 1e-6)  // 6 units from A at 0, 4 from B at distance 10
        XCTAssertEqual(plan.objective, check.cost, accuracy: 1e-6)
        XCTAssertEqual(Set(plan.assignments!.map(\.warehouse)), ["A", "B"])
    }

    func testExplicitCostMatrixAndOpeningCosts() {
        let p = AllocationProblem(
            warehouses: [Warehouse(id: "A", capacity: 10, openingCost: 100), Warehouse(id: "B", capacity: 10, openingCost: 5)],
            orders: [Order(id: "1", lines: [OrderLine(sku: "", quantity: 3)]), Order(id: "2", lines: [OrderLine(sku: "", quantity: 3)])],
            costs: [[1, 20], [1, 20]])
        let plan = AllocationSolver.solve(p, options: SolveOptions(timeLimit: 5))
        XCTAssertEqual(AllocationChecker.violations(p, plan).errors, [])
        XCTAssertEqual(plan.objective, 45, accuracy: 1e-9)  // open B only: 5 + 20 + 20 < 100 + 1 + 1
        XCTAssertEqual(plan.openWarehouses, ["B"])
    }
}

final class LagrangianBoundTests: XCTestCase {
    func testTheBoundNeverExceedsTheEnumeratedOptimum() {
        let maker = AllocationSolverTests.self
        for seed in 1...12 as ClosedRange<UInt64> {
            let p = maker.randomProblem(warehouses: 3 + Int(seed % 2), orders: 7, seed: seed * 7919, tightness: seed % 3 == 0 ? 1.1 : 1.5)
            guard p.validationIssues().isEmpty else { continue }
            let optimum = maker.bruteForce(p)
            guard optimum.isFinite else { continue }
            var bound = LagrangianBound(AllocationData(p))
            bound.run(upperBound: optimum, deadline: 5, clock: Stopwatch(), isCancelled: { false })
            XCTAssertLessThanOrEqual(bound.bestBound, optimum + 1e-6, "seed \(seed)")
            XCTAssertGreaterThan(bound.bestBound, 0.5 * optimum, "seed \(seed): the bound should be meaningful")
            // Fixings must keep every optimal plan: solving with them still reaches the optimum.
            let plan = AllocationSolver.solve(p, options: SolveOptions(timeLimit: 10))
            XCTAssertEqual(plan.objective, optimum, accuracy: 1e-6, "seed \(seed)")
            XCTAssertEqual(plan.status, .optimal)
        }
    }
}

final class AllocationGeneratorTests: XCTestCase {
    func testGeneratedInstancesAreValidDeterministicAndAsTightAsAsked() {
        let parameters = AllocationGeneratorParameters(warehouses: 7, orders: 300, clusters: 3, tightness: 0.9, seed: 4)
        let a = AllocationGenerator.make(parameters)
        XCTAssertEqual(a, AllocationGenerator.make(parameters))
        XCTAssertNotEqual(a, AllocationGenerator.make(AllocationGeneratorParameters(warehouses: 7, orders: 300, clusters: 3, tightness: 0.9, seed: 5)))
        XCTAssertEqual(a.validationIssues(), [])
        XCTAssertEqual(a.orders.count, 300)
        XCTAssertTrue(a.warehouses.allSatisfy { $0.open == true })
        let demand = a.orders.reduce(0) { $0 + $1.totalQuantity }
        let capacity = a.warehouses.reduce(0) { $0 + $1.capacity }
        XCTAssertEqual(demand / capacity, 0.9, accuracy: 0.15)
        XCTAssertLessThanOrEqual(demand, capacity)
    }
}
