import HaulCore

/// Checks an allocation plan against its problem from first principles: each order served
/// exactly once (whole in single-source mode, line by line in split mode), pinned orders at their
/// warehouse, capacities and SKU stock respected, closed warehouses unused, the open warehouses
/// listed, and every cost and the objective recomputed.
public enum AllocationCheck {
    public static func check(_ problem: AllocationProblem, _ plan: Plan) -> CheckReport {
        var violations: [CheckViolation] = []
        func fail(_ path: String, _ rule: String) { violations.append(CheckViolation(path: path, rule: rule)) }
        if plan.kind != .allocation { fail("kind", "the plan is a \(plan.kind.rawValue) plan, the problem an allocation problem") }

        var orderIndex: [String: Int] = [:]
        for (i, o) in problem.orders.enumerated() where orderIndex[o.id] == nil { orderIndex[o.id] = i }
        var warehouseIndex: [String: Int] = [:]
        for (i, w) in problem.warehouses.enumerated() where warehouseIndex[w.id] == nil { warehouseIndex[w.id] = i }

        let W = problem.warehouses.count
        var used = [Double](repeating: 0, count: W)
        var usedStock = [[String: Double]](repeating: [:], count: W)
        var shipped = [[String: Double]](repeating: [:], count: problem.orders.count)
        var sources = [Set<Int>](repeating: [], count: problem.orders.count)
        var objective = 0.0
        for (a, assignment) in (plan.assignments ?? []).enumerated() {
            let path = "assignments[\(a)]"
            guard let o = orderIndex[assignment.order] else { fail("\(path).order", "\"\(assignment.order)\" is not an order of the problem"); continue }
            guard let w = warehouseIndex[assignment.warehouse] else {
                fail("\(path).warehouse", "\"\(assignment.warehouse)\" is not a warehouse of the problem")
                continue
            }
            let order = problem.orders[o], house = problem.warehouses[w]
            if !(assignment.quantity > 0 && assignment.quantity.isFinite) { fail("\(path).quantity", "must be a finite number > 0") ; continue }
            if house.open == false { fail("\(path).warehouse", "\"\(house.id)\" is closed (open: false)") }
            if let pin = order.warehouse, pin != house.id { fail("\(path).warehouse", "order \"\(order.id)\" must ship from \"\(pin)\"") }
            sources[o].insert(w)
            used[w] += assignment.quantity
            let total = order.totalQuantity
            switch problem.mode {
            case .singleSource:
                if assignment.sku != nil { fail("\(path).sku", "single-source plans ship whole orders, without a SKU") }
                if !agrees(assignment.quantity, total) { fail("\(path).quantity", "is \(assignment.quantity); order \"\(order.id)\" has \(total) units") }
                for line in order.lines where !line.sku.isEmpty { usedStock[w][line.sku, default: 0] += line.quantity }
                shipped[o]["", default: 0] += assignment.quantity
            case .split:
                let sku = assignment.sku ?? ""
                if !sku.isEmpty { usedStock[w][sku, default: 0] += assignment.quantity }
                shipped[o][sku, default: 0] += assignment.quantity
            }
            let cost = total > 0 ? problem.assignmentCost(order: o, warehouse: w) * assignment.quantity / total : 0
            if !agrees(assignment.cost, cost) { fail("\(path).cost", "states \(assignment.cost), recomputed \(cost)") }
            objective += cost
        }

        // Each order served in full, exactly once.
        var unserved = 0
        for (o, order) in problem.orders.enumerated() {
            let path = "orders[\(o)] (\"\(order.id)\")"
            switch problem.mode {
            case .singleSource:
                if sources[o].count > 1 { fail("assignments", "\(path) is shipped from \(sources[o].count) warehouses; single source allows one") }
                let got = shipped[o]["", default: 0]
                if got == 0 && order.totalQuantity > 0 { unserved += 1 }
                else if !agrees(got, order.totalQuantity) { fail("assignments", "\(path): \(got) units shipped, \(order.totalQuantity) ordered") }
            case .split:
                var wanted: [String: Double] = [:]
                for line in order.lines { wanted[line.sku, default: 0] += line.quantity }
                for (sku, q) in wanted.sorted(by: { $0.key < $1.key }) where !agrees(shipped[o][sku, default: 0], q) {
                    fail("assignments", "\(path)\(sku.isEmpty ? "" : " SKU \"\(sku)\""): \(shipped[o][sku, default: 0]) units shipped, \(q) ordered")
                }
                for sku in shipped[o].keys.sorted() where wanted[sku] == nil {
                    fail("assignments", "\(path) has no line of SKU \"\(sku)\"")
                }
            }
        }
        if unserved > 0 {
            if plan.status == .feasible || plan.status == .optimal {
                fail("assignments", "\(unserved) order(s) are not served")
            }
        }

        // Capacities and stock.
        for (w, house) in problem.warehouses.enumerated() {
            if exceeds(used[w], house.capacity) { fail("assignments", "warehouse \"\(house.id)\" ships \(used[w]) units, above its capacity \(house.capacity)") }
            guard let stock = house.stock else { continue }
            for (sku, q) in usedStock[w].sorted(by: { $0.key < $1.key }) where exceeds(q, stock[sku] ?? 0) {
                fail("assignments", "warehouse \"\(house.id)\" ships \(q) units of SKU \"\(sku)\", above its stock \(stock[sku] ?? 0)")
            }
        }

        // Open warehouses: every used one and every one forced open; none closed.
        var listed = Set<Int>()
        for (k, id) in (plan.openWarehouses ?? []).enumerated() {
            guard let w = warehouseIndex[id] else { fail("openWarehouses[\(k)]", "\"\(id)\" is not a warehouse of the problem"); continue }
            if problem.warehouses[w].open == false { fail("openWarehouses[\(k)]", "\"\(id)\" is closed (open: false)") }
            if !listed.insert(w).inserted { fail("openWarehouses[\(k)]", "\"\(id)\" is listed twice") ; continue }
            objective += problem.warehouses[w].openingCost
        }
        for (w, house) in problem.warehouses.enumerated() where !listed.contains(w) {
            if used[w] > 0 { fail("openWarehouses", "\"\(house.id)\" ships orders but is not listed as open") }
            if house.open == true { fail("openWarehouses", "\"\(house.id)\" is open by the problem (open: true) but not listed") }
        }
        checkObjective(plan, recomputed: objective, into: &violations)
        return CheckReport(violations: violations, recomputedObjective: objective)
    }
}
