import Foundation
import HaulCore
import Synchronization

/// Why ``OnlineAllocator`` refused an input. Every invalid input is reported as one of these
/// values (thrown), never by a crash.
public enum OnlineAllocationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The order quantity is NaN, infinite or negative.
    case invalidQuantity(Double)
    /// The units of one SKU are NaN, infinite or negative.
    case invalidItemQuantity(sku: String, quantity: Double)
    /// The order's location uses another form (planar, geographic, matrix) than the warehouses'.
    case locationFormMismatch(expected: String, found: String)
    /// The order's location is unusable: non-finite coordinates, latitude or longitude out of
    /// range, a matrix index outside the distance matrix, or no location at all.
    case invalidLocation(String)
    /// The order is pinned (``HaulCore/Order/warehouse``) to a warehouse id the allocator does not know.
    case unknownWarehouse(String)
    /// A warehouse given to ``OnlineAllocator/init(warehouses:travel:)`` is unusable.
    case invalidWarehouse(index: Int, reason: String)
    /// The reservation was made by another allocator.
    case foreignReservation

    public var description: String {
        switch self {
        case let .invalidQuantity(q): return "order quantity \(q) must be a finite number >= 0"
        case let .invalidItemQuantity(sku, q): return "units \(q) of SKU \"\(sku)\" must be a finite number >= 0"
        case let .locationFormMismatch(expected, found): return "the order location is \(found) but the warehouses are \(expected)"
        case let .invalidLocation(why): return "invalid order location: \(why)"
        case let .unknownWarehouse(id): return "unknown warehouse id \"\(id)\""
        case let .invalidWarehouse(index, reason): return "warehouses[\(index)]: \(reason)"
        case .foreignReservation: return "the reservation was made by another allocator"
        }
    }
}

/// Online nearest-warehouse allocation: one order at a time, the nearest warehouse that can serve
/// it whole, with its capacity (and stock) reserved at once.
///
/// Build it once from the warehouses and the travel model, then call ``allocate(at:quantity:items:)``
/// from any number of threads or tasks. A query finds the nearest open warehouse whose remaining
/// capacity is at least the order's quantity and, when the order lists units per SKU, whose
/// remaining stock covers every line; it reserves them before the lock is released, so concurrent
/// callers never over-commit a warehouse. ``release(_:)`` gives a cancelled order's capacity and
/// stock back, exactly once.
///
/// **Nearest** is by ``HaulCore/TravelModel/distance(_:_:)`` from the warehouse to the order,
/// including its `rounding`; among warehouses at the same distance the lowest warehouse index wins.
/// Warehouses with `open == false` never serve; `open == nil` or `true` may.
///
/// **Index.** Planar locations are kept in a 2-D k-d tree; geographic locations are turned into unit
/// vectors in a 3-D k-d tree (chord length orders points exactly like great-circle distance, up to
/// floating-point rounding of near-ties). Each node carries its bounding box and the largest
/// remaining capacity in its subtree, so a search skips subtrees that are too far *or* too full:
/// a query costs about O(log W) even when the nearest warehouses are full, and a reservation or
/// release updates the maxima along one leaf-to-root path, O(log W). Stock is checked per candidate
/// warehouse, not summarised in the tree: when the nearest warehouses have capacity but lack an
/// ordered SKU, the search visits them before moving on. Matrix locations (`{"index": i}`) have no
/// geometry: a query scans the distance from every open warehouse to the order's index, O(W).
/// Memory is linear in the number of warehouses and SKU stock entries, plus a release-once slot
/// of 8 bytes per outstanding reservation (slots are reused after release; the table keeps the
/// size of the largest number of reservations outstanding at one time).
///
/// **Units.** Capacity is charged `quantity`; stock is charged per SKU line. Both are compared
/// exactly (`remaining >= requested`), without tolerance, so the reserved total never exceeds a
/// capacity. Releasing never raises a remaining amount above the warehouse's initial value.
///
/// **Locking.** One `Synchronization.Mutex` covers query and reservation together; the order is
/// validated (and a geographic location converted) before the lock is taken.
public final class OnlineAllocator: Sendable {
    /// A reservation of capacity (and stock) at one warehouse; give it to ``release(_:)`` to cancel.
    ///
    /// Only an allocator makes reservations, so the amounts it gives back are the amounts it took.
    /// Copies of a reservation are the same reservation: releasing any of them releases it.
    public struct Reservation: Sendable, Hashable, CustomStringConvertible {
        /// Index of the warehouse in the array given to the allocator.
        public let warehouse: Int
        /// Units of capacity reserved.
        public let quantity: Double
        /// Distance from the warehouse to the order under the allocator's travel model.
        public let distance: Double
        /// Units reserved per SKU; empty when the order had no SKU lines or the warehouse's stock
        /// is unlimited.
        public var items: [String: Double] {
            guard let lines else { return [:] }
            var out: [String: Double] = [:]
            for line in lines { out[line.name, default: 0] += line.quantity }
            return out
        }

        let owner: UInt64
        let slot: UInt32
        let generation: UInt64
        /// SKU lines debited from the warehouse's stock; nil for capacity-only reservations.
        let lines: [SKULine]?

        /// The same reservation (made by the same allocator at the same time); amounts are not compared.
        public static func == (a: Reservation, b: Reservation) -> Bool {
            a.owner == b.owner && a.slot == b.slot && a.generation == b.generation
        }
        /// Hashes the reservation's identity, consistently with `==`.
        public func hash(into h: inout Hasher) {
            h.combine(owner)
            h.combine(slot)
            h.combine(generation)
        }
        /// Warehouse index, quantity and distance.
        public var description: String {
            "Reservation(warehouse: \(warehouse), quantity: \(quantity), distance: \(distance))"
        }
    }

    /// The warehouses the allocator was built from, in the original order (reservations refer to
    /// them by index).
    public let warehouses: [Warehouse]
    /// The travel model that defines "nearest".
    public let travel: TravelModel

    /// Internal (not private) so that the tests can check the subtree maxima.
    let index: SpatialIndex
    private let slots: Mutex<SlotTable>
    private let owner: UInt64
    private let idIndex: [String: Int]

    private static let nextOwner = Atomic<UInt64>(1)

    /// Builds the index over the open warehouses.
    ///
    /// - Parameters:
    ///   - warehouses: every warehouse, open or not. Those with `open == false` are kept (indices
    ///     stay valid) but never serve. Open ones need a location, all of the same form; capacity
    ///     and stock must be finite and >= 0. `stock == nil` means unlimited stock; otherwise SKUs
    ///     not listed are out of stock at that warehouse.
    ///   - travel: distances; for `{"index": i}` locations its `distances` matrix is required and
    ///     `distances[warehouse][order]` is used.
    /// - Throws: ``OnlineAllocationError/invalidWarehouse(index:reason:)`` naming the first unusable warehouse.
    public init(warehouses: [Warehouse], travel: TravelModel = TravelModel()) throws(OnlineAllocationError) {
        self.warehouses = warehouses
        self.travel = travel
        self.index = try SpatialIndex(warehouses: warehouses, travel: travel)
        self.slots = Mutex(SlotTable())
        self.owner = Self.nextOwner.wrappingAdd(1, ordering: .relaxed).oldValue
        var ids: [String: Int] = [:]
        for (i, w) in warehouses.enumerated() where ids[w.id] == nil { ids[w.id] = i }
        self.idIndex = ids
    }

    /// Finds the nearest open warehouse that can serve the whole order and reserves it.
    ///
    /// - Parameters:
    ///   - location: where the order goes; the same form as the warehouses' locations.
    ///   - quantity: units of capacity the order takes (all SKUs together); finite and >= 0.
    ///   - items: units per SKU, checked against and debited from stock. `nil`: a capacity-only
    ///     order, stock is not consulted. Lines with 0 units are ignored. A SKU that no warehouse
    ///     lists is not an error: it is out of stock at every warehouse whose stock is limited, so
    ///     only warehouses with unlimited stock (`stock == nil`) can serve such a line.
    ///     Capacity is charged `quantity` whatever the items add up to.
    /// - Returns: the reservation, or nil when no open warehouse has the capacity and stock left
    ///   (nothing is reserved then).
    /// - Throws: ``OnlineAllocationError`` for invalid quantities or locations; nothing is reserved.
    public func allocate(at location: Location, quantity: Double, items: [String: Double]? = nil)
        throws(OnlineAllocationError) -> Reservation?
    {
        guard quantity >= 0, quantity.isFinite else { throw .invalidQuantity(quantity) }
        let query = try index.query(for: location)
        if let items {
            let lines = try resolve(items)
            return reserveNearest(query, location: location, quantity: quantity, lines: lines)
        }
        return reserveNearest(query, location: location, quantity: quantity, lines: nil)
    }

    /// Allocates a ``HaulCore/Order``: its total quantity, its SKU lines (lines with an empty SKU
    /// count towards capacity only) and, when the order is pinned to a warehouse id, only that
    /// warehouse (nil when that warehouse is closed or lacks the capacity or stock).
    /// - Throws: ``OnlineAllocationError`` for a missing or invalid location, invalid quantities,
    ///   or a pin to an unknown warehouse id; nothing is reserved.
    public func allocate(_ order: Order) throws(OnlineAllocationError) -> Reservation? {
        guard let location = order.location else { throw .invalidLocation("the order has no location") }
        var quantity = 0.0
        var items: [String: Double] = [:]
        for line in order.lines {
            guard line.quantity >= 0, line.quantity.isFinite else {
                if line.sku.isEmpty { throw .invalidQuantity(line.quantity) }
                throw .invalidItemQuantity(sku: line.sku, quantity: line.quantity)
            }
            quantity += line.quantity
            if !line.sku.isEmpty { items[line.sku, default: 0] += line.quantity }
        }
        guard let pin = order.warehouse else {
            return try allocate(at: location, quantity: quantity, items: items.isEmpty ? nil : items)
        }
        guard let w = idIndex[pin] else { throw .unknownWarehouse(pin) }
        _ = try index.query(for: location)  // validates the location
        let lines = items.isEmpty ? nil : try resolve(items)
        guard let pos = index.position(ofWarehouse: w),
              let wLoc = warehouses[w].location else { return nil }
        let distance = travel.distance(wLoc, location)
        return slots.withLock { table -> Reservation? in
            guard index.remaining[pos] >= quantity else { return nil }
            if let lines, !index.stockAllows(pos, lines) { return nil }
            return commit(pos, quantity: quantity, distance: distance, lines: lines, table: &table)
        }
    }

    /// Gives a reservation's capacity and stock back to its warehouse.
    ///
    /// Exactly once: the first call credits the warehouse and returns true; later calls with the
    /// same reservation (or a copy) change nothing and return false.
    /// - Throws: ``OnlineAllocationError/foreignReservation`` when another allocator made it.
    @discardableResult
    public func release(_ reservation: Reservation) throws(OnlineAllocationError) -> Bool {
        guard reservation.owner == owner else { throw .foreignReservation }
        guard let pos = index.position(ofWarehouse: reservation.warehouse) else { return false }
        return slots.withLock { table -> Bool in
            guard table.end(slot: reservation.slot, generation: reservation.generation) else { return false }
            index.credit(pos, quantity: reservation.quantity, lines: reservation.lines)
            return true
        }
    }

    /// Capacity not reserved at warehouse `warehouse` (an index into ``warehouses``); 0 for a
    /// closed warehouse; nil when the index is out of range.
    public func remainingCapacity(of warehouse: Int) -> Double? {
        guard warehouses.indices.contains(warehouse) else { return nil }
        guard let pos = index.position(ofWarehouse: warehouse) else { return 0 }
        return slots.withLock { _ in index.remaining[pos] }
    }

    /// Stock of `sku` not reserved at warehouse `warehouse`: `.infinity` when its stock is
    /// unlimited, 0 when it does not list the SKU or is closed; nil when the index is out of range.
    public func remainingStock(of warehouse: Int, sku: String) -> Double? {
        guard warehouses.indices.contains(warehouse) else { return nil }
        guard let pos = index.position(ofWarehouse: warehouse) else { return 0 }
        guard index.stockLimited[pos] else { return .infinity }
        guard let s = index.skuIndex[sku] else { return 0 }
        return slots.withLock { _ in index.stockSlot(pos, sku: s).map { index.stockRemaining[$0] } ?? 0 }
    }

    /// Remaining capacity of every warehouse (0 for closed ones), read at one instant.
    public func remainingCapacities() -> [Double] {
        slots.withLock { _ in
            (0..<warehouses.count).map { w in index.position(ofWarehouse: w).map { index.remaining[$0] } ?? 0 }
        }
    }

    /// Reservations made and not yet released.
    public var outstandingReservations: Int { slots.withLock { $0.live } }

    /// Index of the first warehouse with this id.
    public func warehouseIndex(id: String) -> Int? { idIndex[id] }

    // MARK: - Internals

    private func resolve(_ items: [String: Double]) throws(OnlineAllocationError) -> [SKULine]? {
        var lines: [SKULine] = []
        lines.reserveCapacity(items.count)
        for (sku, q) in items {
            guard q >= 0, q.isFinite else { throw .invalidItemQuantity(sku: sku, quantity: q) }
            if q > 0 { lines.append(SKULine(sku: index.skuIndex[sku] ?? -1, quantity: q, name: sku)) }
        }
        return lines.isEmpty ? nil : lines
    }

    @inline(__always)
    private func reserveNearest(_ query: Query, location: Location, quantity: Double, lines: [SKULine]?) -> Reservation? {
        let found: (pos: Int, key: Double, reservation: Reservation?) = slots.withLock { table in
            let (pos, key) = index.nearest(query, quantity: quantity, lines: lines)
            guard pos >= 0 else { return (-1, 0, nil) }
            // The distance is filled in after the lock is released.
            return (pos, key, commit(pos, quantity: quantity, distance: 0, lines: lines, table: &table))
        }
        guard let r = found.reservation else { return nil }
        let distance: Double
        if index.mode == .geographic {
            // The travel model's own great-circle formula, so that the figure matches it exactly.
            distance = warehouses[r.warehouse].location.map { travel.distance($0, location) } ?? .infinity
        } else {
            distance = index.distance(fromKey: found.key)
        }
        return Reservation(warehouse: r.warehouse, quantity: r.quantity, distance: distance,
                           owner: r.owner, slot: r.slot, generation: r.generation, lines: r.lines)
    }

    /// Debits position `pos` and opens a slot; the caller holds the lock.
    @inline(__always)
    private func commit(_ pos: Int, quantity: Double, distance: Double, lines: [SKULine]?, table: inout SlotTable) -> Reservation {
        index.debit(pos, quantity: quantity, lines: lines)
        let (slot, generation) = table.begin()
        let w = Int(index.original[pos])
        return Reservation(warehouse: w, quantity: quantity, distance: distance, owner: owner, slot: slot,
                           generation: generation, lines: index.stockLimited[pos] ? lines : nil)
    }
}

/// One SKU line of an order, with the SKU resolved to the index's number (-1: listed nowhere).
struct SKULine: Sendable {
    var sku: Int32
    var quantity: Double
    var name: String
}

/// Release-once bookkeeping: a slot per outstanding reservation. A slot's generation is odd while
/// its reservation is outstanding and even once released; a reservation remembers the generation
/// it was made with, so a second release (or one after the slot was reused) finds a mismatch.
struct SlotTable: ~Copyable {
    var generation: [UInt64] = []
    var free: [UInt32] = []
    var live = 0

    mutating func begin() -> (UInt32, UInt64) {
        live += 1
        if let s = free.popLast() {
            generation[Int(s)] &+= 1
            return (s, generation[Int(s)])
        }
        generation.append(1)
        return (UInt32(generation.count - 1), 1)
    }

    mutating func end(slot: UInt32, generation g: UInt64) -> Bool {
        let s = Int(slot)
        guard s < generation.count, generation[s] == g, g & 1 == 1 else { return false }
        generation[s] &+= 1
        free.append(slot)
        live -= 1
        return true
    }
}

/// A validated order location, ready for the index.
struct Query {
    var x: Double
    var y: Double
    var z: Double
    /// Matrix column (order's index) in matrix mode.
    var column: Int
}

enum IndexMode {
    case empty, planar, geographic, matrix

    var formName: String {
        switch self {
        case .empty: return "none (no open warehouse)"
        case .planar: return "planar {x, y}"
        case .geographic: return "geographic {lat, lon}"
        case .matrix: return "matrix {index}"
        }
    }
}

private func formName(_ location: Location) -> String {
    switch location {
    case .planar: return "planar {x, y}"
    case .geographic: return "geographic {lat, lon}"
    case .matrixIndex: return "matrix {index}"
    }
}

private let earthRadiusKm = 6371.0088
private let leafSize = 8

/// Integers of a node, `nodeInts[node * nodeIntStride + field]`.
private let nodeIntStride = 4
private let fieldRight = 0   // right child; -1 for a leaf (the left child is node + 1)
private let fieldStart = 1   // first position of the subtree
private let fieldEnd = 2     // one past the last position
private let fieldParent = 3  // -1 for the root

/// The open warehouses in k-d tree order ("positions"), with every array flat and allocated once.
///
/// Immutable after init except `remaining`, `nodeMax` and `stockRemaining`, which are read and
/// written only while the allocator's mutex is held (hence `@unchecked Sendable`).
final class SpatialIndex: @unchecked Sendable {
    let mode: IndexMode
    let dim: Int
    let count: Int          // open warehouses
    let nodeCount: Int
    let stackCapacity: Int
    let exact: Bool
    let rounding: DistanceRounding

    /// Per position.
    let coords: UnsafeMutablePointer<Double>      // count * dim
    let remaining: UnsafeMutablePointer<Double>
    let initialCapacity: UnsafeMutablePointer<Double>
    let original: UnsafeMutablePointer<Int32>     // warehouse index
    let leafOf: UnsafeMutablePointer<Int32>
    let stockLimited: UnsafeMutablePointer<Bool>
    let stockStart: UnsafeMutablePointer<Int32>   // count + 1 (CSR over stockSku)
    /// Per stock entry, sorted by SKU within a position.
    let stockSku: UnsafeMutablePointer<Int32>
    let stockRemaining: UnsafeMutablePointer<Double>
    let stockInitial: UnsafeMutablePointer<Double>
    /// Per node: bounding box (dim minima, dim maxima) then the largest remaining capacity below.
    let nodeReals: UnsafeMutablePointer<Double>
    let nodeRealStride: Int
    let nodeInts: UnsafeMutablePointer<Int32>
    let nodeMinIndex: UnsafeMutablePointer<Int32> // lowest warehouse index below (for ties)
    /// Per warehouse (original index): its position, -1 when closed.
    let positionOf: [Int32]
    let skuIndex: [String: Int32]
    /// Matrix mode: distances[row][column], the warehouses' rows per position.
    let matrix: [[Double]]
    let matrixRow: [Int]


    init(warehouses: [Warehouse], travel: TravelModel) throws(OnlineAllocationError) {
        // Validate and pick the open warehouses.
        var open: [Int] = []
        var mode = IndexMode.empty
        var firstForm = ""
        var skus: [String: Int32] = [:]
        for (i, w) in warehouses.enumerated() {
            guard w.capacity >= 0, w.capacity.isFinite else {
                throw .invalidWarehouse(index: i, reason: "capacity \(w.capacity) must be a finite number >= 0")
            }
            for (sku, q) in w.stock ?? [:] {
                guard q >= 0, q.isFinite else {
                    throw .invalidWarehouse(index: i, reason: "stock \(q) of SKU \"\(sku)\" must be a finite number >= 0")
                }
                if skus[sku] == nil { skus[sku] = Int32(skus.count) }
            }
            if w.open == false { continue }
            guard let loc = w.location else { throw .invalidWarehouse(index: i, reason: "an open warehouse needs a location") }
            let m: IndexMode
            switch loc {
            case let .planar(x, y):
                guard x.isFinite, y.isFinite else { throw .invalidWarehouse(index: i, reason: "coordinates must be finite") }
                m = .planar
            case let .geographic(lat, lon):
                guard lat >= -90, lat <= 90, lon >= -180, lon <= 180 else {
                    throw .invalidWarehouse(index: i, reason: "latitude must be in [-90, 90] and longitude in [-180, 180]")
                }
                m = .geographic
            case let .matrixIndex(r):
                guard let d = travel.distances else {
                    throw .invalidWarehouse(index: i, reason: "an {index} location needs travel.distances")
                }
                guard r >= 0, r < d.count, d[r].count == d.count else {
                    throw .invalidWarehouse(index: i, reason: "index \(r) is not a row of the \(d.count)x\(d.count) distance matrix")
                }
                m = .matrix
            }
            if mode == .empty { mode = m; firstForm = formName(loc) }
            else if m != mode {
                throw .invalidWarehouse(index: i, reason: "is \(formName(loc)) but the first open warehouse is \(firstForm): all must use the same form")
            }
            open.append(i)
        }
        guard open.count < Int(Int32.max) else { throw .invalidWarehouse(index: 0, reason: "too many warehouses") }
        self.mode = mode
        self.dim = mode == .planar ? 2 : mode == .geographic ? 3 : 0
        self.count = open.count
        self.skuIndex = skus
        self.rounding = travel.rounding
        self.exact = travel.rounding == .none || mode == .matrix
        let n = open.count, dim = self.dim

        // Points of the open warehouses (2-D or unit vectors on the sphere).
        var point = [Double](repeating: 0, count: n * dim)
        for (k, w) in open.enumerated() {
            switch warehouses[w].location! {
            case let .planar(x, y):
                point[k * 2] = x; point[k * 2 + 1] = y
            case let .geographic(lat, lon):
                let v = unitVector(latitude: lat, longitude: lon)
                point[k * 3] = v.0; point[k * 3 + 1] = v.1; point[k * 3 + 2] = v.2
            case .matrixIndex:
                break
            }
        }

        // The tree: positions are a permutation of 0..<n (indices into `open`); nodes in preorder.
        var perm = Array(0..<n)
        var ints: [Int32] = []
        var boxes: [Double] = []
        var minIndex: [Int32] = []
        var leaf = [Int32](repeating: -1, count: n)
        var height = 0
        let realStride = 2 * dim + 1
        if dim > 0 && n > 0 {
            func build(_ lo: Int, _ hi: Int, parent: Int, depth: Int) -> Int {
                let node = minIndex.count
                height = max(height, depth)
                ints.append(-1); ints.append(Int32(lo)); ints.append(Int32(hi)); ints.append(Int32(parent))
                let box = boxes.count
                for _ in 0..<dim { boxes.append(.infinity) }
                for _ in 0..<dim { boxes.append(-.infinity) }
                boxes.append(0)
                var lowest = Int32.max
                for p in lo..<hi {
                    let k = perm[p]
                    lowest = min(lowest, Int32(open[k]))
                    for d in 0..<dim {
                        boxes[box + d] = min(boxes[box + d], point[k * dim + d])
                        boxes[box + dim + d] = max(boxes[box + dim + d], point[k * dim + d])
                    }
                }
                minIndex.append(lowest)
                if hi - lo <= leafSize {
                    for p in lo..<hi { leaf[p] = Int32(node) }
                    return node
                }
                var axis = 0
                for d in 1..<dim where boxes[box + dim + d] - boxes[box + d] > boxes[box + dim + axis] - boxes[box + axis] { axis = d }
                perm[lo..<hi].sort { a, b in
                    let ca = point[a * dim + axis], cb = point[b * dim + axis]
                    return ca != cb ? ca < cb : a < b
                }
                let mid = (lo + hi) / 2
                _ = build(lo, mid, parent: node, depth: depth + 1)
                let right = build(mid, hi, parent: node, depth: depth + 1)
                ints[node * nodeIntStride + fieldRight] = Int32(right)
                return node
            }
            // Leaves hold 4 to 8 positions, so there are at most n / 2 + 1 nodes.
            ints.reserveCapacity((n / 2 + 2) * nodeIntStride)
            boxes.reserveCapacity((n / 2 + 2) * realStride)
            minIndex.reserveCapacity(n / 2 + 2)
            _ = build(0, n, parent: -1, depth: 0)
        } else if n > 0 {
            // Matrix mode: one leaf holding every open warehouse in index order.
            ints = [-1, 0, Int32(n), -1]
            boxes = [0]
            minIndex = [Int32(open[0])]
            for p in 0..<n { leaf[p] = 0 }
        }
        self.nodeCount = minIndex.count
        self.nodeRealStride = dim > 0 ? realStride : 1
        self.stackCapacity = 2 * height + 8

        // Flat per-position arrays.
        coords = .allocate(capacity: max(1, n * dim))
        remaining = .allocate(capacity: max(1, n))
        initialCapacity = .allocate(capacity: max(1, n))
        original = .allocate(capacity: max(1, n))
        leafOf = .allocate(capacity: max(1, n))
        stockLimited = .allocate(capacity: max(1, n))
        stockStart = .allocate(capacity: n + 1)
        var positions = [Int32](repeating: -1, count: warehouses.count)
        var entrySku: [Int32] = []
        var entryQty: [Double] = []
        var rows: [Int] = []
        stockStart[0] = 0
        for p in 0..<n {
            let k = perm[p], w = open[k]
            for d in 0..<dim { coords[p * dim + d] = point[k * dim + d] }
            remaining[p] = warehouses[w].capacity
            initialCapacity[p] = warehouses[w].capacity
            original[p] = Int32(w)
            leafOf[p] = leaf[p]
            positions[w] = Int32(p)
            stockLimited[p] = warehouses[w].stock != nil
            if let stock = warehouses[w].stock, !stock.isEmpty {
                for (sku, q) in stock.map({ (skus[$0.key]!, $0.value) }).sorted(by: { $0.0 < $1.0 }) {
                    entrySku.append(sku)
                    entryQty.append(q)
                }
            }
            stockStart[p + 1] = Int32(entrySku.count)
            if case let .matrixIndex(r) = warehouses[w].location! { rows.append(r) }
        }
        stockSku = .allocate(capacity: max(1, entrySku.count))
        stockRemaining = .allocate(capacity: max(1, entrySku.count))
        stockInitial = .allocate(capacity: max(1, entrySku.count))
        for e in 0..<entrySku.count {
            stockSku[e] = entrySku[e]
            stockRemaining[e] = entryQty[e]
            stockInitial[e] = entryQty[e]
        }
        nodeReals = .allocate(capacity: max(1, boxes.count))
        nodeReals.initialize(from: boxes, count: boxes.count)
        nodeInts = .allocate(capacity: max(1, ints.count))
        nodeInts.initialize(from: ints, count: ints.count)
        nodeMinIndex = .allocate(capacity: max(1, minIndex.count))
        nodeMinIndex.initialize(from: minIndex, count: minIndex.count)
        positionOf = positions
        matrix = mode == .matrix ? travel.distances ?? [] : []
        matrixRow = rows

        // Subtree maxima, children before parents (preorder reversed).
        for node in stride(from: nodeCount - 1, through: 0, by: -1) { refreshMax(node) }
    }

    deinit {
        for p in [coords, remaining, initialCapacity, stockRemaining, stockInitial, nodeReals] { p.deallocate() }
        for p in [original, leafOf, stockStart, stockSku, nodeInts, nodeMinIndex] { p.deallocate() }
        stockLimited.deallocate()
    }

    func position(ofWarehouse w: Int) -> Int? {
        guard positionOf.indices.contains(w) else { return nil }
        let p = positionOf[w]
        return p >= 0 ? Int(p) : nil
    }

    /// Checks an order location and prepares it for the search.
    func query(for location: Location) throws(OnlineAllocationError) -> Query {
        switch location {
        case let .planar(x, y):
            guard mode == .planar || mode == .empty else { throw .locationFormMismatch(expected: mode.formName, found: formName(location)) }
            guard x.isFinite, y.isFinite else { throw .invalidLocation("coordinates must be finite") }
            return Query(x: x, y: y, z: 0, column: 0)
        case let .geographic(lat, lon):
            guard mode == .geographic || mode == .empty else { throw .locationFormMismatch(expected: mode.formName, found: formName(location)) }
            guard lat >= -90, lat <= 90, lon >= -180, lon <= 180 else {
                throw .invalidLocation("latitude must be in [-90, 90] and longitude in [-180, 180]")
            }
            let v = unitVector(latitude: lat, longitude: lon)
            return Query(x: v.0, y: v.1, z: v.2, column: 0)
        case let .matrixIndex(c):
            guard mode == .matrix || mode == .empty else { throw .locationFormMismatch(expected: mode.formName, found: formName(location)) }
            if mode == .matrix, !(c >= 0 && c < matrix.count) {
                throw .invalidLocation("index \(c) is not a column of the \(matrix.count)x\(matrix.count) distance matrix")
            }
            return Query(x: 0, y: 0, z: 0, column: c)
        }
    }

    // MARK: Search (caller holds the lock)

    /// The position of the nearest feasible warehouse and its search key, or (-1, 0).
    @inline(__always)
    func nearest(_ q: Query, quantity: Double, lines: [SKULine]?) -> (Int, Double) {
        if let lines {
            return lines.withUnsafeBufferPointer { buffer in nearest(q, quantity: quantity, rule: LineStock(lines: buffer, index: self)) }
        }
        return nearest(q, quantity: quantity, rule: AnyStock())
    }

    @inline(__always)
    private func nearest<R: StockRule>(_ q: Query, quantity: Double, rule: R) -> (Int, Double) {
        switch mode {
        case .planar: return searchTree(Planar.self, q, quantity, rule)
        case .geographic: return searchTree(Spherical.self, q, quantity, rule)
        case .matrix: return scanMatrix(q, quantity, rule)
        case .empty: return (-1, 0)
        }
    }

    /// The key that orders candidates: squared distance (chord for the sphere) when distances are
    /// not rounded, else the rounded distance itself. Monotone in the squared distance, so it also
    /// turns a bounding-box lower bound into a key lower bound.
    @inline(__always)
    private func key(_ squared: Double) -> Double {
        if exact { return squared }
        return round(distance(squared: squared))
    }

    @inline(__always)
    private func distance(squared: Double) -> Double {
        mode == .geographic ? 2 * earthRadiusKm * asin(min(1, squared.squareRoot() / 2)) : squared.squareRoot()
    }

    @inline(__always)
    private func round(_ d: Double) -> Double {
        switch rounding {
        case .none: return d
        case .nearest: return (d + 0.5).rounded(.down)
        case .truncateOneDecimal: return (d * 10).rounded(.down) / 10
        }
    }

    private struct StackEntry {
        var node: Int32
        var bound: Double
    }

    @inline(__always)
    private func searchTree<D: TreeDimension, R: StockRule>(_: D.Type, _ q: Query, _ quantity: Double, _ rule: R) -> (Int, Double) {
        let dim = D.count
        let stride = 2 * dim + 1
        let reals = nodeReals, ints = nodeInts, minIdx = nodeMinIndex
        let coords = self.coords, remaining = self.remaining, original = self.original
        guard nodeCount > 0, reals[stride - 1] >= quantity else { return (-1, 0) }

        @inline(__always) func gap(_ v: Double, _ lo: Double, _ hi: Double) -> Double {
            let g = Swift.max(Swift.max(lo - v, v - hi), 0)  // branch-free: maxsd
            return g * g
        }
        @inline(__always) func boxBound(_ node: Int) -> Double {
            let b = reals + node * stride
            var s = gap(q.x, b[0], b[dim]) + gap(q.y, b[1], b[dim + 1])
            if dim == 3 { s += gap(q.z, b[2], b[5]) }
            return key(s)
        }

        var bestKey = Double.infinity
        var bestIndex = Int32.max
        var bestPos = -1
        return withUnsafeTemporaryAllocation(of: StackEntry.self, capacity: stackCapacity) { stack -> (Int, Double) in
            var top = 1
            stack[0] = StackEntry(node: 0, bound: 0)
            while top > 0 {
                top -= 1
                let entry = stack[top]
                let node = Int(entry.node)
                if entry.bound > bestKey || (entry.bound == bestKey && minIdx[node] > bestIndex) { continue }
                let info = ints + node * nodeIntStride
                let right = Int(info[fieldRight])
                if right < 0 {
                    for p in Int(info[fieldStart])..<Int(info[fieldEnd]) where remaining[p] >= quantity {
                        let c = coords + p * dim
                        let dx = c[0] - q.x, dy = c[1] - q.y
                        var s = dx * dx + dy * dy
                        if dim == 3 { let dz = c[2] - q.z; s += dz * dz }
                        let k = key(s)
                        if k < bestKey || (k == bestKey && original[p] < bestIndex) {
                            if !rule.allows(p) { continue }
                            bestKey = k
                            bestIndex = original[p]
                            bestPos = p
                        }
                    }
                    continue
                }
                let left = node + 1
                let leftFits = reals[left * stride + stride - 1] >= quantity
                let rightFits = reals[right * stride + stride - 1] >= quantity
                if leftFits && rightFits {
                    let bl = boxBound(left), br = boxBound(right)
                    // The nearer child goes on top so that it is searched first.
                    if bl <= br {
                        stack[top] = StackEntry(node: Int32(right), bound: br)
                        stack[top + 1] = StackEntry(node: Int32(left), bound: bl)
                    } else {
                        stack[top] = StackEntry(node: Int32(left), bound: bl)
                        stack[top + 1] = StackEntry(node: Int32(right), bound: br)
                    }
                    top += 2
                } else if leftFits {
                    stack[top] = StackEntry(node: Int32(left), bound: boxBound(left))
                    top += 1
                } else if rightFits {
                    stack[top] = StackEntry(node: Int32(right), bound: boxBound(right))
                    top += 1
                }
            }
            return (bestPos, bestKey)
        }
    }

    /// Matrix mode: every open warehouse, in index order (so the first of equals is the lowest index).
    private func scanMatrix<R: StockRule>(_ q: Query, _ quantity: Double, _ rule: R) -> (Int, Double) {
        var best = Double.infinity
        var bestPos = -1
        for p in 0..<count where remaining[p] >= quantity {
            let d = matrix[matrixRow[p]][q.column]
            if d < best || (bestPos < 0 && d == best), rule.allows(p) {
                best = d
                bestPos = p
            }
        }
        return (bestPos, best)
    }

    /// The distance of a planar or matrix search key: exactly what ``TravelModel/distance(_:_:)``
    /// computes (the same arithmetic on the same coordinates).
    func distance(fromKey key: Double) -> Double {
        switch mode {
        case .planar: return exact ? key.squareRoot() : key
        case .matrix, .geographic, .empty: return key
        }
    }

    // MARK: Updates (caller holds the lock)

    func stockSlot(_ p: Int, sku: Int32) -> Int? {
        var lo = Int(stockStart[p]), hi = Int(stockStart[p + 1])
        while lo < hi {
            let mid = (lo + hi) / 2
            let s = stockSku[mid]
            if s == sku { return mid }
            if s < sku { lo = mid + 1 } else { hi = mid }
        }
        return nil
    }

    func stockAllows(_ p: Int, _ lines: [SKULine]) -> Bool {
        lines.withUnsafeBufferPointer { LineStock(lines: $0, index: self).allows(p) }
    }

    func debit(_ p: Int, quantity: Double, lines: [SKULine]?) {
        remaining[p] -= quantity
        if let lines, stockLimited[p] {
            for line in lines {
                if let e = stockSlot(p, sku: line.sku) { stockRemaining[e] -= line.quantity }
            }
        }
        propagate(from: p)
    }

    func credit(_ p: Int, quantity: Double, lines: [SKULine]?) {
        remaining[p] = min(initialCapacity[p], remaining[p] + quantity)
        if let lines, stockLimited[p] {
            for line in lines {
                if let e = stockSlot(p, sku: line.sku) { stockRemaining[e] = min(stockInitial[e], stockRemaining[e] + line.quantity) }
            }
        }
        propagate(from: p)
    }

    /// Whether every node carries exactly the largest remaining capacity below it (for tests; the
    /// caller holds the lock or no allocation runs). Stale maxima would not give wrong answers
    /// when too high, only slow searches, so the tests check them directly.
    func subtreeMaximaAreExact() -> Bool {
        for node in 0..<nodeCount {
            let info = nodeInts + node * nodeIntStride
            var m = -Double.infinity
            for p in Int(info[fieldStart])..<Int(info[fieldEnd]) { m = Swift.max(m, remaining[p]) }
            if nodeReals[node * nodeRealStride + nodeRealStride - 1] != m { return false }
        }
        return true
    }

    /// Recomputes the subtree maxima from position `p`'s leaf up to the root, stopping early once
    /// a node's maximum is unchanged (then its ancestors are too).
    @inline(__always)
    private func propagate(from p: Int) {
        var node = Int(leafOf[p])
        while node >= 0 {
            if !refreshMax(node) { return }
            node = Int(nodeInts[node * nodeIntStride + fieldParent])
        }
    }

    /// Sets a node's maximum from its positions (leaf) or children; true when it changed.
    @discardableResult @inline(__always)
    private func refreshMax(_ node: Int) -> Bool {
        let info = nodeInts + node * nodeIntStride
        let right = Int(info[fieldRight])
        let slot = node * nodeRealStride + nodeRealStride - 1
        var m: Double
        if right < 0 {
            m = -.infinity
            for p in Int(info[fieldStart])..<Int(info[fieldEnd]) where remaining[p] > m { m = remaining[p] }
        } else {
            let a = nodeReals[(node + 1) * nodeRealStride + nodeRealStride - 1]
            let b = nodeReals[right * nodeRealStride + nodeRealStride - 1]
            m = a > b ? a : b
        }
        if nodeReals[slot] == m { return false }
        nodeReals[slot] = m
        return true
    }
}

private func unitVector(latitude: Double, longitude: Double) -> (Double, Double, Double) {
    let phi = latitude * .pi / 180, lambda = longitude * .pi / 180
    let c = cos(phi)
    return (c * cos(lambda), c * sin(lambda), sin(phi))
}

protocol TreeDimension { static var count: Int { get } }
enum Planar: TreeDimension { static var count: Int { 2 } }
enum Spherical: TreeDimension { static var count: Int { 3 } }

/// Whether a warehouse position has the stock an order needs.
protocol StockRule {
    func allows(_ p: Int) -> Bool
}

/// Capacity-only orders: stock is not consulted.
struct AnyStock: StockRule {
    @inline(__always) func allows(_ p: Int) -> Bool { true }
}

/// Orders with SKU lines: every line covered by the position's remaining stock (unlimited stock
/// covers everything; a SKU the position does not list is out of stock there).
struct LineStock: StockRule {
    let lines: UnsafeBufferPointer<SKULine>
    let index: SpatialIndex

    @inline(__always) func allows(_ p: Int) -> Bool {
        guard index.stockLimited[p] else { return true }
        for line in lines {
            guard let e = index.stockSlot(p, sku: line.sku), index.stockRemaining[e] >= line.quantity else { return false }
        }
        return true
    }
}
