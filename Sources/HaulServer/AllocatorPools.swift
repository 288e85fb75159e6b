import Foundation
import Haul
import Synchronization

/// One named online-allocation session ("pool") of a tenant: an ``OnlineAllocator`` over fixed
/// warehouses plus the table of its outstanding reservations, each under an opaque id.
///
/// Every allocation and release takes the pool's lock (and, inside it, the allocator's), so the
/// order-id check, the nearest-feasible search, the debit and the recording of the reservation
/// are one atomic step: concurrent requests never over-commit a warehouse, an order id never holds
/// two reservations, and a reservation is released at most once.
///
/// Pools live in the server's memory only: a restart (or another server process) does not see them.
final class AllocatorPool: Sendable {
    /// A reservation as the pool records it.
    struct Held: Sendable {
        var id: String
        var order: String
        var reservation: OnlineAllocator.Reservation
    }

    /// The result of one order.
    enum Outcome: Sendable {
        /// Reserved; the reservation and the id that releases it.
        case reserved(Held)
        /// No open warehouse has the capacity (and stock) left; nothing was reserved.
        case noWarehouse
        /// The order id already holds this outstanding reservation; nothing was reserved.
        case duplicateOrder(reservation: String)
        /// The pool holds its maximum number of outstanding reservations.
        case tooManyReservations
        /// The allocator refused the order (location form, pin to an unknown warehouse, ...).
        case invalid(OnlineAllocationError)
    }

    private struct State {
        var byID: [String: Held] = [:]
        var byOrder: [String: String] = [:]
        var made = 0
        var released = 0
    }

    let name: String
    let allocator: OnlineAllocator
    let costPerUnitDistance: Double
    let createdAt: Date
    let maxReservations: Int
    private let state = Mutex(State())

    init(name: String, allocator: OnlineAllocator, costPerUnitDistance: Double, maxReservations: Int) {
        self.name = name
        self.allocator = allocator
        self.costPerUnitDistance = costPerUnitDistance
        self.createdAt = Date()
        self.maxReservations = maxReservations
    }

    /// Reserves the nearest warehouse that can serve `order` whole (see ``OnlineAllocator/allocate(_:)``).
    func allocate(_ order: Order) -> Outcome {
        state.withLock { s -> Outcome in
            if let existing = s.byOrder[order.id] { return .duplicateOrder(reservation: existing) }
            if s.byID.count >= maxReservations { return .tooManyReservations }
            let reservation: OnlineAllocator.Reservation?
            switch Result(catching: { () throws(OnlineAllocationError) in try allocator.allocate(order) }) {
            case let .success(r): reservation = r
            case let .failure(error): return .invalid(error)
            }
            guard let reservation else { return .noWarehouse }
            var id = Self.newID()
            while s.byID[id] != nil { id = Self.newID() }
            let held = Held(id: id, order: order.id, reservation: reservation)
            s.byID[id] = held
            s.byOrder[order.id] = id
            s.made += 1
            return .reserved(held)
        }
    }

    /// Releases reservation `id`: its capacity and stock go back to the warehouse. Nil when the
    /// pool holds no such outstanding reservation (never made, or already released).
    func release(_ id: String) -> Held? {
        state.withLock { s -> Held? in
            guard let held = s.byID.removeValue(forKey: id) else { return nil }
            s.byOrder.removeValue(forKey: held.order)
            s.released += 1
            // The pool's table already guarantees once; the allocator checks it again.
            _ = try? allocator.release(held.reservation)
            return held
        }
    }

    /// The pool's state at one instant, as JSON.
    func statusJSON() -> String {
        let snapshot = state.withLock { s -> (capacities: [Double], stock: [[String: Double]?], outstanding: Int,
                                                made: Int, released: Int) in
            let capacities = allocator.remainingCapacities()
            let stock: [[String: Double]?] = allocator.warehouses.enumerated().map { w, house in
                guard let initial = house.stock else { return nil }
                var left: [String: Double] = [:]
                for sku in initial.keys { left[sku] = allocator.remainingStock(of: w, sku: sku) ?? 0 }
                return left
            }
            return (capacities, stock, s.byID.count, s.made, s.released)
        }
        var w = JSONObjectWriter()
        w.string("name", name)
        w.date("createdAt", createdAt)
        w.number("costPerUnitDistance", costPerUnitDistance)
        w.integer("outstandingReservations", snapshot.outstanding)
        w.integer("reservationsMade", snapshot.made)
        w.integer("reservationsReleased", snapshot.released)
        let houses = allocator.warehouses.enumerated().map { i, house -> String in
            var h = JSONObjectWriter()
            h.string("id", house.id)
            h.bool("serving", house.open != false)
            h.number("capacity", house.capacity)
            h.number("remainingCapacity", snapshot.capacities[i])
            h.raw("stock", house.stock.map(numberMap) ?? "null")
            h.raw("remainingStock", snapshot.stock[i].map(numberMap) ?? "null")
            return h.finish()
        }
        w.raw("warehouses", jsonArray(houses))
        return w.finish()
    }

    private static func newID() -> String { "r-" + UUID().uuidString.lowercased() }
}

/// `{"a": 1, "b": 2}` with the keys sorted.
func numberMap(_ map: [String: Double]) -> String {
    var w = JSONObjectWriter()
    for (key, value) in map.sorted(by: { $0.key < $1.key }) { w.number(key, value) }
    return w.finish()
}

/// Every tenant's allocator pools, by name, in this process's memory.
final class AllocatorPools: Sendable {
    private let tenants = Mutex<[String: [String: AllocatorPool]]>([:])
    /// Most pools one tenant may hold (`409 too_many_allocators` beyond).
    let maxPoolsPerTenant: Int
    /// Most outstanding reservations in one pool (`409 too_many_reservations` beyond).
    let maxReservationsPerPool: Int

    init(maxPoolsPerTenant: Int = 100, maxReservationsPerPool: Int = 1_000_000) {
        self.maxPoolsPerTenant = maxPoolsPerTenant
        self.maxReservationsPerPool = maxReservationsPerPool
    }

    /// Tenant's pool `name`, or nil.
    func pool(tenant: String, name: String) -> AllocatorPool? {
        tenants.withLock { $0[tenant]?[name] }
    }

    /// Stores `pool` under its name, replacing any pool of that name (whose reservations are dropped).
    /// - Returns: true when the pool is new, false when it replaced one; nil when the tenant
    ///   already holds ``maxPoolsPerTenant`` other pools (nothing is stored then).
    func put(tenant: String, _ pool: AllocatorPool) -> Bool? {
        tenants.withLock { table -> Bool? in
            var pools = table[tenant] ?? [:]
            let replacing = pools[pool.name] != nil
            if !replacing && pools.count >= maxPoolsPerTenant { return nil }
            pools[pool.name] = pool
            table[tenant] = pools
            return !replacing
        }
    }

    /// Drops tenant's pool `name`; false when there was none.
    func remove(tenant: String, name: String) -> Bool {
        tenants.withLock { table -> Bool in
            guard table[tenant]?.removeValue(forKey: name) != nil else { return false }
            if table[tenant]?.isEmpty == true { table[tenant] = nil }
            return true
        }
    }

    /// The tenant's pool names, sorted.
    func names(tenant: String) -> [String] {
        tenants.withLock { ($0[tenant] ?? [:]).keys.sorted() }
    }
}
