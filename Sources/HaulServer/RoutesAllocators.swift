import Foundation
import Haul
import Hummingbird

/// Online allocation over HTTP: per-tenant named pools of warehouses, one order at a time.
///
/// - `GET /v1/allocators`: the tenant's pool names.
/// - `PUT /v1/allocators/{name}`: creates (`201`) or replaces (`200`) a pool from
///   `{"warehouses": [...], "travel": {...}, "costPerUnitDistance": c}` (the fields of an
///   allocation problem, validated like one: `422 invalid_allocator` with JSON paths).
/// - `GET /v1/allocators/{name}`: remaining capacity and stock of every warehouse.
/// - `DELETE /v1/allocators/{name}`: drops the pool and its reservations (`204`).
/// - `POST /v1/allocators/{name}/orders`: `{"id", "location", "quantity" | "items", "warehouse"?}`
///   → `200` with the reservation at the nearest warehouse that can serve the whole order, or
///   `409 no_warehouse_available` (nothing reserved).
/// - `DELETE /v1/allocators/{name}/reservations/{reservation}`: releases, exactly once (then `404`).
///
/// Pools are kept in this process's memory: they are lost on restart and not shared between servers.
struct AllocatorRoutes: Sendable {
    let pools: AllocatorPools
    let limits: ServiceLimits

    /// Largest order body in bytes.
    static let maxOrderBytes = 1 << 20

    func add(to group: RouterGroup<HaulRequestContext>) {
        group.get("allocators") { _, context in list(context) }
        group.put("allocators/{name}") { request, context in try await put(request, context) }
        group.get("allocators/{name}") { _, context in try show(context) }
        group.delete("allocators/{name}") { _, context in try drop(context) }
        group.post("allocators/{name}/orders") { request, context in try await order(request, context) }
        group.delete("allocators/{name}/reservations/{reservation}") { _, context in try release(context) }
    }

    func list(_ context: HaulRequestContext) -> Response {
        var w = JSONObjectWriter()
        w.raw("allocators", jsonArray(pools.names(tenant: context.tenant!).map(JSONObjectWriter.quoted)))
        return json(.ok, w.finish())
    }

    func put(_ request: Request, _ context: HaulRequestContext) async throws -> Response {
        guard let name = context.parameters.get("name"), Self.isValidName(name) else {
            throw invalidParameter("name", "must be 1 to 64 characters of A-Z a-z 0-9 . _ -")
        }
        try requireJSONContentType(request)
        let body = try await readBody(request, limit: limits.maxBodyBytes)
        let definition = try Self.acceptDefinition(body, maxWarehouses: limits.maxEntities)
        let allocator: OnlineAllocator
        switch Result(catching: { () throws(OnlineAllocationError) in
            try OnlineAllocator(warehouses: definition.warehouses, travel: definition.travel)
        }) {
        case let .success(built):
            allocator = built
        case let .failure(error):
            var path = "warehouses"
            if case let .invalidWarehouse(index, _) = error { path = "warehouses[\(index)]" }
            throw APIError(.unprocessableContent, code: "invalid_allocator", message: "1 error in the allocator",
                           details: [APIError.Detail(path: path, message: error.description)])
        }
        let pool = AllocatorPool(name: name, allocator: allocator, costPerUnitDistance: definition.costPerUnitDistance,
                                 maxReservations: pools.maxReservationsPerPool)
        guard let created = pools.put(tenant: context.tenant!, pool) else {
            throw APIError(.conflict, code: "too_many_allocators",
                           message: "the tenant already has \(pools.maxPoolsPerTenant) allocators; delete one first")
        }
        context.logger.debug("allocator stored", metadata: ["allocator": "\(name)", "warehouses": "\(allocator.warehouses.count)",
                                                              "created": "\(created)"])
        return Response(status: created ? .created : .ok,
                        headers: [.contentType: "application/json", .location: "/v1/allocators/\(name)"],
                        body: .init(byteBuffer: ByteBuffer(string: pool.statusJSON())))
    }

    func show(_ context: HaulRequestContext) throws -> Response {
        json(.ok, try lookup(context).statusJSON())
    }

    func drop(_ context: HaulRequestContext) throws -> Response {
        let name = try poolName(context)
        guard pools.remove(tenant: context.tenant!, name: name) else { throw APIError.notFound("no allocator \(name)") }
        return Response(status: .noContent)
    }

    func order(_ request: Request, _ context: HaulRequestContext) async throws -> Response {
        let pool = try lookup(context)
        try requireJSONContentType(request)
        let body = try await readBody(request, limit: min(limits.maxBodyBytes, Self.maxOrderBytes))
        let order = try Self.acceptOrder(body)
        switch pool.allocate(order) {
        case let .reserved(held):
            let r = held.reservation
            var w = JSONObjectWriter()
            w.string("reservation", held.id)
            w.string("allocator", pool.name)
            w.string("order", held.order)
            w.string("warehouse", pool.allocator.warehouses[r.warehouse].id)
            w.integer("warehouseIndex", r.warehouse)
            w.number("quantity", r.quantity)
            w.raw("items", numberMap(r.items))
            w.number("distance", r.distance)
            w.number("cost", pool.costPerUnitDistance * r.distance * r.quantity)
            return Response(status: .ok,
                            headers: [.contentType: "application/json",
                                      .location: "/v1/allocators/\(pool.name)/reservations/\(held.id)"],
                            body: .init(byteBuffer: ByteBuffer(string: w.finish())))
        case .noWarehouse:
            let rule = order.warehouse.map { "warehouse \"\($0)\" is closed or lacks the remaining capacity or stock for the whole order" }
                ?? "no open warehouse has the remaining capacity (and stock of every SKU) for the whole order"
            throw APIError(.conflict, code: "no_warehouse_available", message: "order \(order.id): \(rule); nothing was reserved",
                           details: [APIError.Detail(path: order.warehouse == nil ? "" : "warehouse", message: rule)])
        case let .duplicateOrder(existing):
            throw APIError(.conflict, code: "order_already_reserved",
                           message: "order \(order.id) already holds reservation \(existing); release it first",
                           details: [APIError.Detail(path: "id", message: "holds reservation \(existing)")])
        case .tooManyReservations:
            throw APIError(.conflict, code: "too_many_reservations",
                           message: "the allocator holds \(pool.maxReservations) outstanding reservations; release some first")
        case let .invalid(error):
            throw APIError(.unprocessableContent, code: "invalid_order", message: "1 error in the order",
                           details: [APIError.Detail(path: Self.path(of: error), message: error.description)])
        }
    }

    func release(_ context: HaulRequestContext) throws -> Response {
        let pool = try lookup(context)
        guard let id = context.parameters.get("reservation"), !id.isEmpty, id.utf8.count <= 128,
              let held = pool.release(id) else {
            throw APIError.notFound("no outstanding reservation \(context.parameters.get("reservation") ?? "") in allocator \(pool.name) (never made, or already released)")
        }
        var w = JSONObjectWriter()
        w.string("reservation", held.id)
        w.string("allocator", pool.name)
        w.string("order", held.order)
        w.string("warehouse", pool.allocator.warehouses[held.reservation.warehouse].id)
        w.number("quantity", held.reservation.quantity)
        w.raw("items", numberMap(held.reservation.items))
        w.bool("released", true)
        return json(.ok, w.finish())
    }

    // MARK: Names

    private func poolName(_ context: HaulRequestContext) throws -> String {
        guard let name = context.parameters.get("name"), Self.isValidName(name) else {
            throw APIError.notFound("no such allocator")
        }
        return name
    }

    private func lookup(_ context: HaulRequestContext) throws -> AllocatorPool {
        let name = try poolName(context)
        guard let pool = pools.pool(tenant: context.tenant!, name: name) else { throw APIError.notFound("no allocator \(name)") }
        return pool
    }

    /// 1 to 64 characters of `[A-Za-z0-9._-]`.
    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64
            && name.utf8.allSatisfy { b in
                (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2E || b == 0x5F || b == 0x2D
            }
    }

    private static func path(of error: OnlineAllocationError) -> String {
        switch error {
        case .invalidQuantity: return "quantity"
        case let .invalidItemQuantity(sku, _): return "items.\(sku)"
        case .locationFormMismatch, .invalidLocation: return "location"
        case .unknownWarehouse: return "warehouse"
        case .invalidWarehouse, .foreignReservation: return ""
        }
    }

    // MARK: Bodies

    /// What `PUT /v1/allocators/{name}` accepts.
    struct Definition: Sendable {
        var warehouses: [Warehouse]
        var travel: TravelModel
        var costPerUnitDistance: Double
    }

    static let definitionFields: Set<String> = ["warehouses", "travel", "costPerUnitDistance"]

    /// Decodes and validates a pool definition with the allocation-problem rules: the body is read
    /// as an allocation problem without orders, so every issue has the same JSON path and message
    /// as in `POST /v1/jobs`.
    static func acceptDefinition(_ bytes: [UInt8], maxWarehouses: Int) throws -> Definition {
        let root = try parseObject(bytes, code: "invalid_allocator", what: "allocator")
        guard case let .object(members) = root else { fatalError("parseObject returns objects") }
        var issues: [APIError.Detail] = []
        for member in members where !definitionFields.contains(member.key) {
            issues.append(APIError.Detail(path: member.key, message: "unknown field"))
        }
        if !issues.isEmpty { throw invalid("invalid_allocator", "allocator", issues) }
        if case let .array(houses)? = root["warehouses"], houses.count > maxWarehouses {
            throw APIError(.contentTooLarge, code: "problem_too_large",
                           message: "the allocator has \(houses.count) warehouses; the limit is \(maxWarehouses)",
                           details: [APIError.Detail(path: "warehouses", message: "must have at most \(maxWarehouses) warehouses")])
        }
        // The same object with "kind" and an empty "orders" added after its opening brace.
        guard let open = bytes.firstIndex(of: UInt8(ascii: "{")) else { fatalError("an object starts with {") }
        var document = Array(bytes[...open])
        document += Array(#""kind":"allocation","orders":[]"#.utf8)
        if !members.isEmpty { document.append(UInt8(ascii: ",")) }
        document += bytes[(open + 1)...]
        let problem: AllocationProblem
        do {
            guard case let .allocation(p) = try ProblemDocument.decode(Data(document)).problem else {
                fatalError("an allocation document decodes to an allocation problem")
            }
            problem = p
        } catch let error as InvalidProblemError {
            throw invalid("invalid_allocator", "allocator", error.issues.map { APIError.Detail(path: $0.path, message: $0.message) })
        }
        return Definition(warehouses: problem.warehouses, travel: problem.travel, costPerUnitDistance: problem.costPerUnitDistance)
    }

    /// Decodes and checks one order: `id` (string), `location`, either `quantity` or `items` (units
    /// per SKU, finite and >= 0), optional `warehouse` (pin). Every issue is listed with its path.
    static func acceptOrder(_ bytes: [UInt8]) throws -> Order {
        let root = try parseObject(bytes, code: "invalid_order", what: "order")
        guard case let .object(members) = root else { fatalError("parseObject returns objects") }
        var issues: [APIError.Detail] = []
        func fail(_ path: String, _ message: String) { issues.append(APIError.Detail(path: path, message: message)) }
        for member in members where !["id", "location", "quantity", "items", "warehouse"].contains(member.key) {
            fail(member.key, "unknown field")
        }
        var id = ""
        switch root["id"] {
        case nil, .null?: fail("id", "is required")
        case let .string(s)?:
            if s.isEmpty || s.utf8.count > 256 { fail("id", "must be 1 to 256 characters") } else { id = s }
        case let other?: fail("id", "must be a string, found \(other.typeName)")
        }
        let location = readLocation(root["location"], fail)
        var lines: [OrderLine] = []
        let quantity = root["quantity"].flatMap { $0 == .null ? nil : $0 }
        let items = root["items"].flatMap { $0 == .null ? nil : $0 }
        switch (quantity, items) {
        case (nil, nil): fail("quantity", "is required (or items)")
        case (_?, _?): fail("quantity", "give either quantity or items, not both")
        case let (q?, nil):
            if case let .number(n) = q {
                if n >= 0 && n.isFinite { lines = [OrderLine(sku: "", quantity: n)] } else { fail("quantity", "must be a finite number >= 0") }
            } else {
                fail("quantity", "must be a number, found \(q.typeName)")
            }
        case let (nil, i?):
            if case let .object(skus) = i {
                var seen = Set<String>()
                for (sku, value) in skus {
                    let path = "items.\(sku)"
                    if sku.isEmpty { fail("items", "SKU names must not be empty"); continue }
                    if !seen.insert(sku).inserted { fail(path, "is listed twice"); continue }
                    guard case let .number(n) = value else { fail(path, "must be a number, found \(value.typeName)"); continue }
                    if n >= 0 && n.isFinite { lines.append(OrderLine(sku: sku, quantity: n)) } else { fail(path, "must be a finite number >= 0") }
                }
            } else {
                fail("items", "must be an object of numbers, found \(i.typeName)")
            }
        }
        var pin: String?
        switch root["warehouse"] {
        case nil, .null?: break
        case let .string(s)?: pin = s
        case let other?: fail("warehouse", "must be a string, found \(other.typeName)")
        }
        if !issues.isEmpty { throw invalid("invalid_order", "order", issues) }
        return Order(id: id, location: location, lines: lines, warehouse: pin)
    }

    /// `{"x", "y"}`, `{"lat", "lon"}` or `{"index"}`, as in problem documents.
    private static func readLocation(_ value: JSONValue?, _ fail: (String, String) -> Void) -> Location? {
        guard let value, value != .null else { fail("location", "is required"); return nil }
        guard case let .object(members) = value else { fail("location", "must be an object, found \(value.typeName)"); return nil }
        let keys = Set(members.map(\.key))
        func number(_ key: String) -> Double? {
            guard let v = value[key], v != .null else { fail("location.\(key)", "is required"); return nil }
            guard case let .number(n) = v else { fail("location.\(key)", "must be a number, found \(v.typeName)"); return nil }
            return n
        }
        func rejectOthers(_ allowed: Set<String>) {
            for key in keys.subtracting(allowed).sorted() { fail("location.\(key)", "unknown field") }
        }
        if keys.contains("index") {
            rejectOthers(["index"])
            guard let n = number("index") else { return nil }
            guard n == n.rounded(), n >= 0, n < 1e15 else { fail("location.index", "must be an integer >= 0"); return nil }
            return .matrixIndex(Int(n))
        }
        if keys.contains("lat") || keys.contains("lon") {
            rejectOthers(["lat", "lon"])
            let lat = number("lat"), lon = number("lon")
            guard let lat, let lon else { return nil }
            if !(lat >= -90 && lat <= 90) { fail("location.lat", "must be between -90 and 90"); return nil }
            if !(lon >= -180 && lon <= 180) { fail("location.lon", "must be between -180 and 180"); return nil }
            return .geographic(latitude: lat, longitude: lon)
        }
        rejectOthers(["x", "y"])
        let x = number("x"), y = number("y")
        guard let x, let y else { return nil }
        guard abs(x) <= 1e9, abs(y) <= 1e9 else { fail("location", "coordinates must be finite numbers of magnitude <= 1e9"); return nil }
        return .planar(x: x, y: y)
    }

    /// The body as a JSON object: `400 empty_body`, `400 invalid_utf8`, or `422 code` for a
    /// syntax error or a value that is not an object.
    private static func parseObject(_ bytes: [UInt8], code: String, what: String) throws -> JSONValue {
        guard bytes.contains(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) else {
            throw APIError(.badRequest, code: "empty_body", message: "the body is empty; send the \(what) as JSON")
        }
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw APIError(.badRequest, code: "invalid_utf8", message: "the body is not valid UTF-8")
        }
        let root: JSONValue
        do {
            root = try JSONParser.parse(Data(bytes))
        } catch let error as JSONSyntaxError {
            throw invalid(code, what, [APIError.Detail(path: "", message: "invalid JSON at \(error.description)")])
        }
        guard case .object = root else {
            throw invalid(code, what, [APIError.Detail(path: "", message: "the \(what) must be a JSON object, found \(root.typeName)")])
        }
        return root
    }

    private static func invalid(_ code: String, _ what: String, _ issues: [APIError.Detail]) -> APIError {
        APIError(.unprocessableContent, code: code,
                 message: issues.count == 1 ? "1 error in the \(what)" : "\(issues.count) errors in the \(what)",
                 details: issues)
    }
}
