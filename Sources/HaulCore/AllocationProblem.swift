/// A warehouse that can ship orders.
public struct Warehouse: Sendable, Equatable {
    public var id: String
    public var location: Location?
    /// Total units it can ship (all SKUs together).
    public var capacity: Double
    /// Units on hand per SKU. `nil`: stock is not limited; otherwise SKUs not listed are out of stock.
    public var stock: [String: Double]?
    /// Paid when the warehouse is used (open). 0 by default.
    public var openingCost: Double
    /// `true`: open whatever it costs; `false`: closed, serves nothing; `nil`: the solver decides.
    public var open: Bool?

    public init(id: String, location: Location? = nil, capacity: Double, stock: [String: Double]? = nil,
                openingCost: Double = 0, open: Bool? = nil) {
        self.id = id
        self.location = location
        self.capacity = capacity
        self.stock = stock
        self.openingCost = openingCost
        self.open = open
    }
}

/// One line of an order: a quantity of a SKU.
public struct OrderLine: Sendable, Equatable {
    /// The SKU; empty for an order given only as a total `quantity`.
    public var sku: String
    public var quantity: Double
    public init(sku: String, quantity: Double) {
        self.sku = sku
        self.quantity = quantity
    }
}

/// An order to be shipped by one warehouse (single-source) or several (split).
public struct Order: Sendable, Equatable {
    public var id: String
    public var location: Location?
    public var lines: [OrderLine]
    /// When set, the order must ship from this warehouse.
    public var warehouse: String?

    public init(id: String, location: Location? = nil, lines: [OrderLine], warehouse: String? = nil) {
        self.id = id
        self.location = location
        self.lines = lines
        self.warehouse = warehouse
    }

    /// Units over all lines.
    public var totalQuantity: Double { lines.reduce(0) { $0 + $1.quantity } }
}

/// Whether an order may be split over several warehouses.
public enum SourcingMode: String, Sendable, CaseIterable {
    /// Every order ships whole from exactly one warehouse.
    case singleSource
    /// Order lines may be split over warehouses, unit by unit.
    case split
}

/// Which warehouse serves each order: capacities, stock, opening costs.
///
/// The cost of serving order `o` from warehouse `w` is `costs[o][w]` when the explicit matrix is
/// given, else `costPerUnitDistance * distance(w, o) * units(o)`; in split mode a share of the
/// units costs that share of it.
public struct AllocationProblem: Sendable, Equatable {
    public var warehouses: [Warehouse]
    public var orders: [Order]
    public var mode: SourcingMode
    /// Cost per unit shipped per unit of distance. Default 1.
    public var costPerUnitDistance: Double
    /// Explicit cost of serving all of order `o` from warehouse `w`, `costs[o][w]`.
    public var costs: [[Double]]?
    public var travel: TravelModel

    public init(warehouses: [Warehouse], orders: [Order], mode: SourcingMode = .singleSource,
                costPerUnitDistance: Double = 1, costs: [[Double]]? = nil, travel: TravelModel = TravelModel()) {
        self.warehouses = warehouses
        self.orders = orders
        self.mode = mode
        self.costPerUnitDistance = costPerUnitDistance
        self.costs = costs
        self.travel = travel
    }

    /// The cost of serving all of `order` from `warehouse` (indices).
    public func assignmentCost(order o: Int, warehouse w: Int) -> Double {
        if let costs { return costs[o][w] }
        guard let a = warehouses[w].location, let b = orders[o].location else { return .infinity }
        return costPerUnitDistance * travel.distance(a, b) * orders[o].totalQuantity
    }

    static let fields: Set<String> = ["warehouses", "orders", "mode", "costPerUnitDistance", "costs", "travel"]

    /// Most order-warehouse pairs in one problem (the batch solvers keep a cost per pair).
    public static let maximumPairs = 20_000_000

    static func read(_ root: DocumentNode) -> AllocationProblem {
        var problem = AllocationProblem(warehouses: [], orders: [])
        problem.travel = TravelModel.read(root.field("travel"))
        if let m = root.field("mode").string() {
            if let mode = SourcingMode(rawValue: m) { problem.mode = mode }
            else { root.field("mode").fail("must be \"singleSource\" or \"split\"") }
        }
        problem.costPerUnitDistance = root.field("costPerUnitDistance").number() ?? 1
        problem.costs = root.field("costs").matrix()
        for node in root.field("warehouses").array(required: true) ?? [] {
            guard node.object(required: true) else { continue }
            node.rejectUnknownFields(["id", "location", "capacity", "stock", "openingCost", "open"])
            let loc = node.field("location")
            problem.warehouses.append(Warehouse(
                id: node.field("id").string(required: true) ?? "",
                location: loc.isPresent ? Location.read(loc) : nil,
                capacity: node.field("capacity").number(required: true) ?? 0,
                stock: node.field("stock").numberMap().map { Dictionary($0, uniquingKeysWith: +) },
                openingCost: node.field("openingCost").number() ?? 0,
                open: node.field("open").bool()))
        }
        for node in root.field("orders").array(required: true) ?? [] {
            guard node.object(required: true) else { continue }
            node.rejectUnknownFields(["id", "location", "quantity", "items", "warehouse"])
            var lines: [OrderLine] = []
            if let items = node.field("items").numberMap() {
                if items.contains(where: { $0.0.isEmpty }) { node.field("items").fail("SKU names must not be empty") }
                lines = items.map { OrderLine(sku: $0.0, quantity: $0.1) }
                if node.field("quantity").isPresent { node.field("quantity").fail("give either quantity or items, not both") }
            } else if let q = node.field("quantity").number() {
                lines = [OrderLine(sku: "", quantity: q)]
            } else if !node.field("quantity").isPresent && !node.field("items").isPresent {
                node.field("quantity").fail("is required (or items)")
            }
            let loc = node.field("location")
            problem.orders.append(Order(
                id: node.field("id").string(required: true) ?? "",
                location: loc.isPresent ? Location.read(loc) : nil,
                lines: lines,
                warehouse: node.field("warehouse").string()))
        }
        return problem
    }

    /// Every rule this problem breaks, with JSON paths; empty when it can be solved.
    public func validationIssues() -> [ValidationIssue] { IssueLog.collect { validate(into: $0) } }

    /// - Parameter crossChecks: false skips the checks that compare several fields (capacity
    ///   against demand, ...), which would only repeat an error in a field that failed to decode.
    func validate(into log: IssueLog, crossChecks: Bool = true) {
        if warehouses.isEmpty { log.add("warehouses", "must contain at least one warehouse") }
        if warehouses.count * orders.count > Self.maximumPairs {
            log.add("orders", "\(orders.count) orders x \(warehouses.count) warehouses exceed the limit of \(Self.maximumPairs) order-warehouse pairs")
        }
        checkNonNegative([costPerUnitDistance], "costPerUnitDistance", log)
        var wids = IdRegistry(), oids = IdRegistry()
        var index: [String: Int] = [:]
        for (i, w) in warehouses.enumerated() {
            let p = PathBuilder.index("warehouses", i)
            wids.register(w.id, path: PathBuilder.join(p, "id"), log: log)
            if index[w.id] == nil { index[w.id] = i }
            checkNonNegative([w.capacity], PathBuilder.join(p, "capacity"), log)
            checkNonNegative([w.openingCost], PathBuilder.join(p, "openingCost"), log)
            for (sku, q) in (w.stock ?? [:]).sorted(by: { $0.key < $1.key }) {
                if sku.isEmpty { log.add(PathBuilder.join(p, "stock"), "SKU names must not be empty") }
                checkNonNegative([q], PathBuilder.join(PathBuilder.join(p, "stock"), sku), log)
            }
            if costs == nil && w.location == nil { log.add(PathBuilder.join(p, "location"), "is required when no costs matrix is given") }
        }
        for (o, order) in orders.enumerated() {
            let p = PathBuilder.index("orders", o)
            oids.register(order.id, path: PathBuilder.join(p, "id"), log: log)
            for line in order.lines {
                let lp = line.sku.isEmpty ? PathBuilder.join(p, "quantity") : PathBuilder.join(PathBuilder.join(p, "items"), line.sku)
                checkNonNegative([line.quantity], lp, log)
            }

            if costs == nil && order.location == nil { log.add(PathBuilder.join(p, "location"), "is required when no costs matrix is given") }
            if let ref = order.warehouse, index[ref] == nil {
                log.add(PathBuilder.join(p, "warehouse"), "unknown id \"\(ref)\"")
            }
        }
        if let costs {
            if costs.count != orders.count { log.add("costs", "must have one row per order (\(orders.count)), found \(costs.count)") }
            for (o, row) in costs.enumerated() {
                if row.count != warehouses.count {
                    log.add(PathBuilder.index("costs", o), "must have one entry per warehouse (\(warehouses.count)), found \(row.count)")
                } else if let w = row.firstIndex(where: { !($0 >= 0 && $0.isFinite) }) {
                    log.add("costs[\(o)][\(w)]", "must be a finite number >= 0")
                }
            }
        }
        let located = warehouses.enumerated().compactMap { i, w in w.location.map { (PathBuilder.join(PathBuilder.index("warehouses", i), "location"), $0) } }
            + orders.enumerated().compactMap { i, o in o.location.map { (PathBuilder.join(PathBuilder.index("orders", i), "location"), $0) } }
        travel.validate(path: "travel", log: log, locations: located)
        if crossChecks && log.issues.isEmpty { checkSatisfiable(log: log, index: index) }
    }

    /// Capacity and stock conditions that no plan can meet, each named with its cause.
    private func checkSatisfiable(log: IssueLog, index: [String: Int]) {
        let usable = warehouses.indices.filter { warehouses[$0].open != false }
        if usable.isEmpty { log.add("warehouses", "every warehouse is closed (open: false)") ; return }
        let largest = usable.map { warehouses[$0].capacity }.max() ?? 0
        for (o, order) in orders.enumerated() {
            let p = PathBuilder.index("orders", o)
            let q = order.totalQuantity
            if let pin = order.warehouse, let w = index[pin] {
                if warehouses[w].open == false { log.add(PathBuilder.join(p, "warehouse"), "warehouse \"\(pin)\" is closed (open: false)") }
                else if q > warehouses[w].capacity { log.add(p, "quantity \(fmt(q)) exceeds the capacity \(fmt(warehouses[w].capacity)) of its warehouse \"\(pin)\"") }
                else if mode == .singleSource && !canHold(order, warehouse: w) { log.add(p, "its warehouse \"\(pin)\" does not stock every SKU of this order") }
                continue
            }
            if mode == .singleSource {
                if q > largest {
                    log.add(p, "quantity \(fmt(q)) exceeds the capacity of every warehouse (largest: \(fmt(largest)))")
                } else if !order.lines.allSatisfy({ $0.sku.isEmpty }),
                          !usable.contains(where: { canHold(order, warehouse: $0) }) {
                    log.add(p, "no warehouse has the capacity and stock of every SKU of this order")
                }
            }
        }
        let demand = orders.reduce(0) { $0 + $1.totalQuantity }
        let capacity = usable.reduce(0) { $0 + warehouses[$1].capacity }
        if demand > capacity + 1e-9 {
            log.add("orders", "total quantity \(fmt(demand)) exceeds the total capacity \(fmt(capacity)) of the warehouses that may open")
        }
        var skuDemand: [String: Double] = [:]
        for order in orders { for line in order.lines where !line.sku.isEmpty { skuDemand[line.sku, default: 0] += line.quantity } }
        for (sku, q) in skuDemand.sorted(by: { $0.key < $1.key }) {
            let available = usable.reduce(0.0) { total, w in
                guard let stock = warehouses[w].stock else { return .infinity }
                return total + (stock[sku] ?? 0)
            }
            if available == 0 && q > 0 {
                log.add("orders", "SKU \"\(sku)\" is ordered (\(fmt(q)) units) but no warehouse stocks it")
            } else if q > available + 1e-9 {
                log.add("orders", "SKU \"\(sku)\": \(fmt(q)) units ordered but only \(fmt(available)) in stock")
            }
        }
    }

    /// Whether warehouse `w` alone could serve all of `order` (capacity and stock).
    public func canHold(_ order: Order, warehouse w: Int) -> Bool {
        let house = warehouses[w]
        if order.totalQuantity > house.capacity + 1e-9 { return false }
        return stockCovers(house.stock, order)
    }
}

/// Whether `stock` (units per SKU; nil: unlimited) covers every SKU line of `order`.
public func stockCovers(_ stock: [String: Double]?, _ order: Order) -> Bool {
    guard let stock else { return true }
    return order.lines.allSatisfy { $0.sku.isEmpty || $0.quantity <= (stock[$0.sku] ?? 0) + 1e-9 }
}

func fmt(_ x: Double) -> String {
    x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
}
