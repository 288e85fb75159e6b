import XCTest
import HaulCore
@testable import HaulAllocation

/// Reproducible random numbers for the online allocator tests.
private struct OnlineTestRandom {
    var state: UInt64
    init(_ seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }
    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
    mutating func chance(_ p: Double) -> Bool { unit() < p }
}

/// The specification, written the slow way: every open warehouse, exact travel-model distances,
/// the nearest with the capacity and stock left, the lowest index among equals.
private struct BruteForceAllocator {
    let warehouses: [Warehouse]
    let travel: TravelModel
    var remaining: [Double]
    var stock: [[String: Double]?]

    init(_ warehouses: [Warehouse], _ travel: TravelModel) {
        self.warehouses = warehouses
        self.travel = travel
        remaining = warehouses.map(\.capacity)
        stock = warehouses.map(\.stock)
    }

    func feasible(_ w: Int, _ quantity: Double, _ items: [String: Double]?) -> Bool {
        guard warehouses[w].open != false, remaining[w] >= quantity else { return false }
        guard let items, let s = stock[w] else { return true }
        return items.allSatisfy { $0.value == 0 || (s[$0.key] ?? 0) >= $0.value }
    }

    func nearest(_ location: Location, _ quantity: Double, _ items: [String: Double]?) -> (index: Int, distance: Double)? {
        var best: (index: Int, distance: Double)?
        for w in warehouses.indices where feasible(w, quantity, items) {
            let d = travel.distance(warehouses[w].location!, location)
            if best == nil || d < best!.distance { best = (w, d) }
        }
        return best
    }

    mutating func take(_ w: Int, _ quantity: Double, _ items: [String: Double]?) {
        remaining[w] -= quantity
        if let items, stock[w] != nil {
            for (sku, q) in items where q > 0 { stock[w]![sku, default: 0] -= q }
        }
    }

    mutating func giveBack(_ w: Int, _ quantity: Double, _ items: [String: Double]?) {
        remaining[w] += quantity
        if let items, stock[w] != nil {
            for (sku, q) in items where q > 0 { stock[w]![sku, default: 0] += q }
        }
    }
}

final class OnlineAllocatorTests: XCTestCase {
    // MARK: Instances

    private func planarWarehouses(_ rng: inout OnlineTestRandom, count: Int, capacity: ClosedRange<Int>,
                                  skus: [String] = [], closedShare: Double = 0.1) -> [Warehouse] {
        var houses: [Warehouse] = []
        for i in 0..<count {
            // Clustered around a few centres, with some exact duplicates (ties) of earlier locations.
            let location: Location
            if i > 0 && rng.chance(0.05), case let .planar(x, y)? = houses[rng.int(0...(i - 1))].location {
                location = .planar(x: x, y: y)
            } else {
                let cx = Double(rng.int(0...3)) * 30, cy = Double(rng.int(0...3)) * 30
                location = .planar(x: cx + 12 * rng.unit(), y: cy + 12 * rng.unit())
            }
            houses.append(Warehouse(id: "w\(i)", location: location, capacity: Double(rng.int(capacity)),
                                    stock: stock(&rng, skus), open: rng.chance(closedShare) ? false : nil))
        }
        return houses
    }

    private func stock(_ rng: inout OnlineTestRandom, _ skus: [String]) -> [String: Double]? {
        guard !skus.isEmpty, !rng.chance(0.2) else { return nil }  // 20% unlimited
        var s: [String: Double] = [:]
        for sku in skus where rng.chance(0.6) { s[sku] = Double(rng.int(0...15)) }
        return s
    }

    private func randomItems(_ rng: inout OnlineTestRandom, _ skus: [String]) -> [String: Double] {
        var items: [String: Double] = [:]
        for _ in 0..<rng.int(1...3) { items[skus[rng.int(0...(skus.count - 1))], default: 0] += Double(rng.int(0...4)) }
        if rng.chance(0.05) { items["ghost"] = 1 }  // a SKU no warehouse lists
        return items
    }

    /// Runs orders through the allocator and the brute force side by side; returns (served, not nearest overall, unserved).
    @discardableResult
    private func compare(_ warehouses: [Warehouse], _ travel: TravelModel = TravelModel(),
                         orders: [(Location, Double, [String: Double]?)], nearTiesMayDiffer: Bool = false,
                         releaseShare: Double = 0,
                         file: StaticString = #filePath, line: UInt = #line) throws -> (served: Int, displaced: Int, unserved: Int) {
        let allocator = try OnlineAllocator(warehouses: warehouses, travel: travel)
        var reference = BruteForceAllocator(warehouses, travel)
        let unconstrained = BruteForceAllocator(warehouses.map { var w = $0; w.capacity = .infinity; w.stock = nil; return w }, travel)
        var served = 0, displaced = 0, unserved = 0
        var outstanding: [(OnlineAllocator.Reservation, Int, [String: Double]?)] = []
        var rng = OnlineTestRandom(UInt64(orders.count))
        for (k, (location, quantity, items)) in orders.enumerated() {
            // Cancel an earlier order now and then: the brute force gets the same units back.
            if !outstanding.isEmpty && rng.chance(releaseShare) {
                let (r, w, its) = outstanding.remove(at: rng.int(0...(outstanding.count - 1)))
                XCTAssertTrue(try allocator.release(r), file: file, line: line)
                reference.giveBack(w, r.quantity, its)
            }
            let expected = reference.nearest(location, quantity, items)
            let got = try allocator.allocate(at: location, quantity: quantity, items: items)
            guard let expected else {
                XCTAssertNil(got, "order \(k): served by \(got!.warehouse) but no warehouse can serve it", file: file, line: line)
                unserved += 1
                continue
            }
            guard let got else {
                XCTFail("order \(k): not served, expected warehouse \(expected.index)", file: file, line: line)
                return (served, displaced, unserved)
            }
            var chosen = expected.index
            if got.warehouse != expected.index {
                // Geographic: the index orders by chord, the travel model computes haversine; a near-tie
                // may come out either way (then the brute force follows the allocator). Elsewhere the
                // answer must be exactly the same warehouse.
                XCTAssertTrue(nearTiesMayDiffer, "order \(k): warehouse \(got.warehouse), expected \(expected.index)", file: file, line: line)
                let d = travel.distance(warehouses[got.warehouse].location!, location)
                XCTAssertTrue(reference.feasible(got.warehouse, quantity, items), "order \(k): infeasible warehouse", file: file, line: line)
                XCTAssertEqual(d, expected.distance, accuracy: 1e-9 * max(1, d),
                               "order \(k): warehouse \(got.warehouse) at \(d), expected \(expected.index) at \(expected.distance)",
                               file: file, line: line)
                chosen = got.warehouse
            }
            XCTAssertEqual(got.distance, expected.distance, accuracy: 1e-9 * max(1, expected.distance), "order \(k)", file: file, line: line)
            XCTAssertEqual(got.quantity, quantity, file: file, line: line)
            if let nearestAny = unconstrained.nearest(location, 0, nil), nearestAny.index != chosen { displaced += 1 }
            reference.take(chosen, quantity, items)
            outstanding.append((got, chosen, items))
            served += 1
        }
        XCTAssertEqual(allocator.remainingCapacities(), reference.remaining.enumerated().map { warehouses[$0.offset].open == false ? 0 : $0.element },
                       file: file, line: line)
        for (w, s) in reference.stock.enumerated() where warehouses[w].open != false {
            for (sku, q) in s ?? [:] { XCTAssertEqual(allocator.remainingStock(of: w, sku: sku), q, "stock of \(sku) at \(w)", file: file, line: line) }
        }
        XCTAssertEqual(allocator.outstandingReservations, outstanding.count, file: file, line: line)
        XCTAssertTrue(allocator.index.subtreeMaximaAreExact(), "stale subtree maxima", file: file, line: line)
        return (served, displaced, unserved)
    }

    // MARK: Against the brute force

    func testPlanarMatchesBruteForceWhileWarehousesFillUp() throws {
        var totals = (served: 0, displaced: 0, unserved: 0)
        for seed in 1...6 {
            var rng = OnlineTestRandom(UInt64(seed))
            let count = seed == 1 ? 1 : rng.int(2...150)
            let houses = planarWarehouses(&rng, count: count, capacity: 0...30)
            let orders: [(Location, Double, [String: Double]?)] = (0..<700).map { _ in
                (.planar(x: -10 + 120 * rng.unit(), y: -10 + 120 * rng.unit()), Double(rng.int(0...6)), nil)
            }
            let r = try compare(houses, orders: orders, releaseShare: seed % 2 == 0 ? 0.3 : 0)
            totals = (totals.served + r.served, totals.displaced + r.displaced, totals.unserved + r.unserved)
        }
        // The instances exercise the pruning: many orders go past full warehouses, some find none.
        XCTAssertGreaterThan(totals.displaced, 500)
        XCTAssertGreaterThan(totals.unserved, 100)
    }

    func testGeographicMatchesBruteForce() throws {
        for seed in 1...4 {
            var rng = OnlineTestRandom(UInt64(100 + seed))
            func point() -> Location {
                if rng.chance(0.15) {  // anywhere, poles and the antimeridian included
                    let special: [Location] = [.geographic(latitude: 90, longitude: 0), .geographic(latitude: -90, longitude: 45),
                                               .geographic(latitude: 10, longitude: 180), .geographic(latitude: 10, longitude: -180)]
                    if rng.chance(0.3) { return special[rng.int(0...3)] }
                    return .geographic(latitude: -90 + 180 * rng.unit(), longitude: -180 + 360 * rng.unit())
                }
                return .geographic(latitude: 45 + 10 * rng.unit(), longitude: -5 + 20 * rng.unit())  // Europe
            }
            let houses = (0..<rng.int(20...120)).map { i in
                Warehouse(id: "g\(i)", location: point(), capacity: Double(rng.int(0...25)), open: rng.chance(0.1) ? false : true)
            }
            let orders: [(Location, Double, [String: Double]?)] = (0..<600).map { _ in (point(), Double(rng.int(1...5)), nil) }
            let r = try compare(houses, orders: orders, nearTiesMayDiffer: true, releaseShare: seed > 2 ? 0.2 : 0)
            XCTAssertGreaterThan(r.displaced, 50)
        }
    }

    func testSKUStockMatchesBruteForce() throws {
        let skus = ["tea", "mugs", "pots", "cups", "jam"]
        for seed in 1...4 {
            var rng = OnlineTestRandom(UInt64(200 + seed))
            let houses = planarWarehouses(&rng, count: rng.int(10...80), capacity: 5...40, skus: skus)
            let orders: [(Location, Double, [String: Double]?)] = (0..<600).map { _ in
                let items = randomItems(&rng, skus)
                let total = items.values.reduce(0, +)
                return (.planar(x: 120 * rng.unit(), y: 120 * rng.unit()), total, rng.chance(0.1) ? nil : items)
            }
            try compare(houses, orders: orders, releaseShare: 0.25)
        }
    }

    func testRoundedDistancesBreakTiesByLowestIndex() throws {
        var rng = OnlineTestRandom(300)
        // Integer grid points and rounding to whole units: many warehouses at the same distance.
        let houses = (0..<60).map { i in
            Warehouse(id: "r\(i)", location: .planar(x: Double(rng.int(0...8)), y: Double(rng.int(0...8))), capacity: Double(rng.int(0...12)))
        }
        let orders: [(Location, Double, [String: Double]?)] = (0..<500).map { _ in
            (.planar(x: Double(rng.int(0...8)) + 0.5 * rng.unit(), y: Double(rng.int(0...8))), Double(rng.int(1...3)), nil)
        }
        try compare(houses, TravelModel(rounding: .nearest), orders: orders)
        try compare(houses, TravelModel(rounding: .truncateOneDecimal), orders: orders)
        // Two warehouses at the same place: the lower index serves first, the other once it is full.
        let twins = [Warehouse(id: "a", location: .planar(x: 5, y: 5), capacity: 3),
                     Warehouse(id: "b", location: .planar(x: 5, y: 5), capacity: 3)]
        let allocator = try OnlineAllocator(warehouses: twins.reversed() + twins)  // indices 0..3: b a a b
        XCTAssertEqual(try allocator.allocate(at: .planar(x: 0, y: 0), quantity: 3)?.warehouse, 0)
        XCTAssertEqual(try allocator.allocate(at: .planar(x: 0, y: 0), quantity: 3)?.warehouse, 1)
        XCTAssertEqual(try allocator.allocate(at: .planar(x: 9, y: 9), quantity: 2)?.warehouse, 2)
    }

    func testMatrixLocationsMatchBruteForce() throws {
        var rng = OnlineTestRandom(400)
        let W = 40, n = 100
        let distances = (0..<n).map { _ in (0..<n).map { _ in Double(rng.int(0...50)) } }  // integer: ties
        let travel = TravelModel(distances: distances)
        var houses = (0..<W).map { i in Warehouse(id: "m\(i)", location: .matrixIndex(i), capacity: Double(rng.int(0...20))) }
        houses[3].open = false
        let orders: [(Location, Double, [String: Double]?)] = (0..<500).map { _ in (.matrixIndex(rng.int(0...(n - 1))), Double(rng.int(1...4)), nil) }
        try compare(houses, travel, orders: orders, releaseShare: 0.2)
    }

    // MARK: Release

    func testReleaseRestoresCapacityAndStock() throws {
        var rng = OnlineTestRandom(500)
        let skus = ["tea", "mugs", "pots"]
        let houses = planarWarehouses(&rng, count: 40, capacity: 5...30, skus: skus)
        let allocator = try OnlineAllocator(warehouses: houses)
        let before = allocator.remainingCapacities()
        let order = Location.planar(x: 31, y: 31)
        let firstChoice = try allocator.allocate(at: order, quantity: 1)
        try allocator.release(XCTUnwrap(firstChoice))
        var reservations: [OnlineAllocator.Reservation] = []
        for _ in 0..<400 {
            let items = randomItems(&rng, skus)
            if let r = try allocator.allocate(at: .planar(x: 100 * rng.unit(), y: 100 * rng.unit()), quantity: items.values.reduce(0, +), items: items) {
                reservations.append(r)
            }
        }
        XCTAssertGreaterThan(reservations.count, 100)
        XCTAssertNotEqual(allocator.remainingCapacities(), before)
        for r in reservations.shuffled() { XCTAssertTrue(try allocator.release(r)) }
        XCTAssertEqual(allocator.remainingCapacities(), before)
        for (w, house) in houses.enumerated() where house.open != false {
            for sku in skus + ["ghost"] {
                XCTAssertEqual(allocator.remainingStock(of: w, sku: sku), house.stock.map { $0[sku] ?? 0 } ?? .infinity)
            }
        }
        XCTAssertEqual(allocator.outstandingReservations, 0)
        XCTAssertEqual(try allocator.allocate(at: order, quantity: 1)?.warehouse, firstChoice?.warehouse)
    }

    func testDoubleReleaseDoesNotDoubleCredit() throws {
        let houses = [Warehouse(id: "a", location: .planar(x: 0, y: 0), capacity: 10, stock: ["tea": 4])]
        let allocator = try OnlineAllocator(warehouses: houses)
        let r1 = try XCTUnwrap(allocator.allocate(at: .planar(x: 1, y: 0), quantity: 6, items: ["tea": 3]))
        XCTAssertEqual(r1.items, ["tea": 3])
        XCTAssertEqual(allocator.remainingCapacity(of: 0), 4)
        XCTAssertEqual(allocator.remainingStock(of: 0, sku: "tea"), 1)
        let copy = r1
        XCTAssertTrue(try allocator.release(r1))
        XCTAssertFalse(try allocator.release(r1))
        XCTAssertFalse(try allocator.release(copy))
        XCTAssertEqual(allocator.remainingCapacity(of: 0), 10)
        XCTAssertEqual(allocator.remainingStock(of: 0, sku: "tea"), 4)
        // The slot is reused by the next reservation; the stale one still credits nothing.
        let r2 = try XCTUnwrap(allocator.allocate(at: .planar(x: 1, y: 0), quantity: 2))
        XCTAssertEqual(r2.slot, r1.slot)
        XCTAssertNotEqual(r2, r1)
        XCTAssertFalse(try allocator.release(r1))
        XCTAssertEqual(allocator.remainingCapacity(of: 0), 8)
        XCTAssertEqual(allocator.outstandingReservations, 1)
        XCTAssertTrue(try allocator.release(r2))
        XCTAssertEqual(allocator.remainingCapacity(of: 0), 10)
        // A reservation of another allocator is refused, and changes nothing.
        let other = try OnlineAllocator(warehouses: houses)
        let foreign = try XCTUnwrap(other.allocate(at: .planar(x: 0, y: 0), quantity: 1))
        XCTAssertThrowsError(try allocator.release(foreign)) { XCTAssertEqual($0 as? OnlineAllocationError, .foreignReservation) }
        XCTAssertEqual(allocator.remainingCapacity(of: 0), 10)
    }

    // MARK: Concurrency

    func testConcurrentReservationsNeverOvercommit() async throws {
        var rng = OnlineTestRandom(600)
        let skus = ["tea", "mugs"]
        var houses = planarWarehouses(&rng, count: 60, capacity: 100...600, skus: skus, closedShare: 0)
        for w in stride(from: 0, to: houses.count, by: 7) { houses[w].open = false }
        let allocator = try OnlineAllocator(warehouses: houses)
        let tasks = 16, ordersPerTask = 2000

        struct Outcome: Sendable {
            var kept: [OnlineAllocator.Reservation] = []
            var released = 0
            var unserved = 0
        }
        let outcomes = await withTaskGroup(of: Outcome.self) { group -> [Outcome] in
            for t in 0..<tasks {
                group.addTask {
                    var rng = OnlineTestRandom(UInt64(1000 + t))
                    var outcome = Outcome()
                    for k in 0..<ordersPerTask {
                        let location = Location.planar(x: 100 * rng.unit(), y: 100 * rng.unit())
                        let quantity = Double(rng.int(1...6))
                        let items: [String: Double]? = rng.chance(0.3) ? ["tea": Double(rng.int(0...2)), "mugs": 1] : nil
                        guard let r = try? allocator.allocate(at: location, quantity: quantity, items: items) else {
                            outcome.unserved += 1
                            continue
                        }
                        if k % 5 == 0, (try? allocator.release(r)) == true {
                            outcome.released += 1
                        } else {
                            outcome.kept.append(r)
                        }
                    }
                    return outcome
                }
            }
            var all: [Outcome] = []
            for await o in group { all.append(o) }
            return all
        }

        var reserved = [Double](repeating: 0, count: houses.count)
        var stockTaken = [[String: Double]](repeating: [:], count: houses.count)
        var total = 0
        for o in outcomes {
            total += o.kept.count + o.released + o.unserved
            for r in o.kept {
                reserved[r.warehouse] += r.quantity
                for (sku, q) in r.items { stockTaken[r.warehouse][sku, default: 0] += q }
            }
        }
        XCTAssertEqual(total, tasks * ordersPerTask)
        XCTAssertGreaterThan(outcomes.reduce(0) { $0 + $1.unserved }, 1000, "capacity must run out for the test to mean something")
        let remaining = allocator.remainingCapacities()
        for (w, house) in houses.enumerated() {
            if house.open == false {
                XCTAssertEqual(reserved[w], 0, "closed warehouse \(w) used")
                continue
            }
            XCTAssertLessThanOrEqual(reserved[w], house.capacity, "warehouse \(w) over-committed")
            XCTAssertEqual(remaining[w], house.capacity - reserved[w], "warehouse \(w)")
            for (sku, q) in house.stock ?? [:] {
                XCTAssertLessThanOrEqual(stockTaken[w][sku] ?? 0, q)
                XCTAssertEqual(allocator.remainingStock(of: w, sku: sku), q - (stockTaken[w][sku] ?? 0))
            }
        }
        XCTAssertEqual(allocator.outstandingReservations, outcomes.reduce(0) { $0 + $1.kept.count })
        XCTAssertTrue(allocator.index.subtreeMaximaAreExact())
    }

    // MARK: Closed warehouses, orders, invalid input

    func testClosedWarehousesNeverServe() throws {
        let houses = [Warehouse(id: "near", location: .planar(x: 0, y: 0), capacity: 100, open: false),
                      Warehouse(id: "far", location: .planar(x: 50, y: 0), capacity: 5),
                      Warehouse(id: "nowhere", location: nil, capacity: 10, open: false),
                      Warehouse(id: "odd", location: .geographic(latitude: 0, longitude: 0), capacity: 10, open: false)]
        let allocator = try OnlineAllocator(warehouses: houses)
        XCTAssertEqual(try allocator.allocate(at: .planar(x: 0, y: 0), quantity: 5)?.warehouse, 1)
        XCTAssertNil(try allocator.allocate(at: .planar(x: 0, y: 0), quantity: 1))
        XCTAssertEqual(allocator.remainingCapacity(of: 0), 0)
        XCTAssertEqual(allocator.remainingCapacity(of: 1), 0)
        XCTAssertNil(allocator.remainingCapacity(of: 4))
        XCTAssertNil(try allocator.allocate(Order(id: "o", location: .planar(x: 0, y: 0), lines: [OrderLine(sku: "", quantity: 1)], warehouse: "near")))

        let allClosed = try OnlineAllocator(warehouses: [houses[0]])
        XCTAssertNil(try allClosed.allocate(at: .planar(x: 0, y: 0), quantity: 0))
        let none = try OnlineAllocator(warehouses: [])
        XCTAssertNil(try none.allocate(at: .geographic(latitude: 1, longitude: 2), quantity: 1))
    }

    func testOrdersAndPinnedWarehouses() throws {
        let houses = [Warehouse(id: "a", location: .planar(x: 0, y: 0), capacity: 10, stock: ["tea": 5]),
                      Warehouse(id: "b", location: .planar(x: 30, y: 40), capacity: 10, stock: nil)]
        let allocator = try OnlineAllocator(warehouses: houses)
        let order = Order(id: "o1", location: .planar(x: 1, y: 0),
                          lines: [OrderLine(sku: "tea", quantity: 2), OrderLine(sku: "tea", quantity: 2), OrderLine(sku: "", quantity: 1)])
        let r = try XCTUnwrap(allocator.allocate(order))
        XCTAssertEqual(r.warehouse, 0)
        XCTAssertEqual(r.quantity, 5)
        XCTAssertEqual(allocator.remainingStock(of: 0, sku: "tea"), 1)
        // Not enough tea left at a: the order goes to b (unlimited stock), 50 away from (0, 0).
        let next = try XCTUnwrap(allocator.allocate(order))
        XCTAssertEqual(next.warehouse, 1)
        XCTAssertEqual(next.items, [:])
        XCTAssertEqual(allocator.remainingStock(of: 1, sku: "tea"), .infinity)
        var pinned = order
        pinned.location = .planar(x: 0, y: 0)
        pinned.lines = [OrderLine(sku: "", quantity: 5)]
        pinned.warehouse = "b"
        XCTAssertEqual(try allocator.allocate(pinned)?.distance, 50)
        XCTAssertNil(try allocator.allocate(pinned))  // b is full
        pinned.warehouse = "zzz"
        XCTAssertThrowsError(try allocator.allocate(pinned)) { XCTAssertEqual($0 as? OnlineAllocationError, .unknownWarehouse("zzz")) }
        XCTAssertEqual(allocator.warehouseIndex(id: "b"), 1)
    }

    func testInvalidInputIsAThrownError() throws {
        let planar = try OnlineAllocator(warehouses: [Warehouse(id: "a", location: .planar(x: 0, y: 0), capacity: 10)])
        func expect(_ error: OnlineAllocationError, _ body: () throws -> Any?, line: UInt = #line) {
            XCTAssertThrowsError(try body(), line: line) { XCTAssertEqual($0 as? OnlineAllocationError, error, line: line) }
        }
        let here = Location.planar(x: 1, y: 1)
        expect(.invalidQuantity(-1)) { try planar.allocate(at: here, quantity: -1) }
        expect(.invalidQuantity(.infinity)) { try planar.allocate(at: here, quantity: .infinity) }
        XCTAssertThrowsError(try planar.allocate(at: here, quantity: .nan)) {
            guard case let .invalidQuantity(q)? = $0 as? OnlineAllocationError else { return XCTFail("\($0)") }
            XCTAssertTrue(q.isNaN)
        }
        expect(.invalidItemQuantity(sku: "tea", quantity: -2)) { try planar.allocate(at: here, quantity: 1, items: ["tea": -2]) }
        expect(.locationFormMismatch(expected: "planar {x, y}", found: "geographic {lat, lon}")) {
            try planar.allocate(at: .geographic(latitude: 1, longitude: 1), quantity: 1)
        }
        expect(.locationFormMismatch(expected: "planar {x, y}", found: "matrix {index}")) { try planar.allocate(at: .matrixIndex(0), quantity: 1) }
        expect(.invalidLocation("coordinates must be finite")) { try planar.allocate(at: .planar(x: .nan, y: 0), quantity: 1) }
        expect(.invalidLocation("the order has no location")) { try planar.allocate(Order(id: "o", lines: [])) }
        XCTAssertEqual(planar.outstandingReservations, 0)
        XCTAssertEqual(planar.remainingCapacity(of: 0), 10)

        let geo = try OnlineAllocator(warehouses: [Warehouse(id: "g", location: .geographic(latitude: 52, longitude: 4), capacity: 1)])
        XCTAssertThrowsError(try geo.allocate(at: .geographic(latitude: 91, longitude: 0), quantity: 1))
        let matrix = try OnlineAllocator(warehouses: [Warehouse(id: "m", location: .matrixIndex(0), capacity: 1)],
                                         travel: TravelModel(distances: [[0, 1], [1, 0]]))
        XCTAssertThrowsError(try matrix.allocate(at: .matrixIndex(2), quantity: 1))
        XCTAssertEqual(try matrix.allocate(at: .matrixIndex(1), quantity: 1)?.distance, 1)

        func expectInit(_ houses: [Warehouse], _ travel: TravelModel = TravelModel(), line: UInt = #line) {
            XCTAssertThrowsError(try OnlineAllocator(warehouses: houses, travel: travel), line: line) {
                guard case .invalidWarehouse? = $0 as? OnlineAllocationError else { return XCTFail("\($0)", line: line) }
            }
        }
        expectInit([Warehouse(id: "a", location: .planar(x: 0, y: 0), capacity: -1)])
        expectInit([Warehouse(id: "a", location: .planar(x: 0, y: 0), capacity: .nan)])
        expectInit([Warehouse(id: "a", location: .planar(x: 0, y: 0), capacity: 1, stock: ["tea": .nan])])
        expectInit([Warehouse(id: "a", location: nil, capacity: 1)])
        expectInit([Warehouse(id: "a", location: .planar(x: 0, y: 0), capacity: 1),
                    Warehouse(id: "b", location: .geographic(latitude: 0, longitude: 0), capacity: 1)])
        expectInit([Warehouse(id: "a", location: .matrixIndex(0), capacity: 1)])
        expectInit([Warehouse(id: "a", location: .matrixIndex(5), capacity: 1)], TravelModel(distances: [[0]]))
        expectInit([Warehouse(id: "a", location: .geographic(latitude: 0, longitude: 200), capacity: 1)])
        XCTAssertTrue(OnlineAllocationError.invalidQuantity(-1).description.contains("finite number >= 0"))
    }

    func testZeroQuantityAndUnknownSKUs() throws {
        let houses = [Warehouse(id: "a", location: .planar(x: 0, y: 0), capacity: 0, stock: ["tea": 1]),
                      Warehouse(id: "b", location: .planar(x: 10, y: 0), capacity: 5, stock: ["tea": 1]),
                      Warehouse(id: "c", location: .planar(x: 20, y: 0), capacity: 5)]
        let allocator = try OnlineAllocator(warehouses: houses)
        XCTAssertEqual(try allocator.allocate(at: .planar(x: 0, y: 0), quantity: 0)?.warehouse, 0)
        // A SKU no warehouse lists: only unlimited stock (c) can serve it; 0 units of it are no constraint.
        XCTAssertEqual(try allocator.allocate(at: .planar(x: 0, y: 0), quantity: 1, items: ["ghost": 1])?.warehouse, 2)
        XCTAssertEqual(try allocator.allocate(at: .planar(x: 0, y: 0), quantity: 1, items: ["ghost": 0, "tea": 1])?.warehouse, 1)
        XCTAssertEqual(allocator.remainingStock(of: 1, sku: "ghost"), 0)
    }
}
