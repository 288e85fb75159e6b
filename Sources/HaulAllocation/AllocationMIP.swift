import HaulCore
import HaulLP

/// The allocation problem as a mixed-integer program for GLPK.
///
/// Single source: binary `x[o][w]` (order o shipped whole by w) and binary `y[w]` (w open, fixed
/// to 1 when it is forced open or free to open); rows: each order once, capacity `sum q_o x_ow <= s_w y_w`,
/// the strong linking rows `x_ow <= y_w`, and stock per SKU. Split: continuous units `z[o][l][w]`
/// per order line instead of `x`, with the same capacity, linking and stock rows.
struct AllocationMIP {
    var model = LinearModel(direction: .minimize)
    /// Single source: (order, warehouse, variable) for each allowed pair.
    var pairs: [(order: Int, warehouse: Int, variable: Variable)] = []
    /// Split: (order, line, warehouse, variable).
    var flows: [(order: Int, line: Int, warehouse: Int, variable: Variable)] = []
    var open: [Variable?] = []

    /// Builds the model; `nil` when some order has no warehouse at all (reported by validation).
    /// - Parameter excluded: order–warehouse pairs left out of the model (`[o * W + w]`), e.g. by reduced-cost arguments.
    init(_ data: AllocationData, excluded: [Bool]? = nil) {
        let problem = data.problem
        let W = data.warehouseCount
        for house in problem.warehouses {
            if house.open == false { open.append(nil); continue }
            let fixed = house.open == true || house.openingCost == 0
            open.append(model.addVariable(lower: fixed ? 1 : 0, upper: 1, cost: house.openingCost, kind: .binary))
        }
        var capacityTerms = [[(Variable, Double)]](repeating: [], count: W)
        var stockTerms: [[String: [(Variable, Double)]]] = Array(repeating: [:], count: W)
        for o in 0..<data.orderCount {
            let order = problem.orders[o]
            var assign: [(Variable, Double)] = []
            switch problem.mode {
            case .singleSource:
                for w in 0..<W where data.allowed[o * W + w] && excluded?[o * W + w] != true {
                    let x = model.addVariable(lower: 0, upper: 1, cost: data.cost[o * W + w], kind: .binary)
                    pairs.append((o, w, x))
                    assign.append((x, 1))
                    capacityTerms[w].append((x, data.quantity[o]))
                    if let y = open[w], model.bounds(of: y).lower < 1 { model.addConstraint([(x, 1), (y, -1)], .lessOrEqual, 0) }
                    if problem.warehouses[w].stock != nil {
                        for line in order.lines where !line.sku.isEmpty { stockTerms[w][line.sku, default: []].append((x, line.quantity)) }
                    }
                }
                model.addConstraint(assign, .equal, 1, name: "order \(order.id)")
            case .split:
                let total = data.quantity[o]
                guard total > 0 else { continue }
                let pin = order.warehouse
                for (l, line) in order.lines.enumerated() where line.quantity > 0 {
                    var lineTerms: [(Variable, Double)] = []
                    for w in 0..<W where open[w] != nil && (pin == nil || problem.warehouses[w].id == pin) {
                        let z = model.addVariable(lower: 0, upper: line.quantity, cost: data.cost[o * W + w] / total)
                        flows.append((o, l, w, z))
                        lineTerms.append((z, 1))
                        capacityTerms[w].append((z, 1))
                        if let y = open[w], model.bounds(of: y).lower < 1 { model.addConstraint([(z, 1), (y, -line.quantity)], .lessOrEqual, 0) }
                        if problem.warehouses[w].stock != nil, !line.sku.isEmpty { stockTerms[w][line.sku, default: []].append((z, 1)) }
                    }
                    model.addConstraint(lineTerms, .equal, line.quantity, name: "order \(order.id) line \(l)")
                }
            }
        }
        // Valid inequality: the open warehouses' capacity covers the total demand. The LP relaxation
        // otherwise opens fractions of warehouses just large enough, and its bound is weak.
        let openable = (0..<W).compactMap { w in open[w].map { ($0, problem.warehouses[w].capacity) } }
        if openable.contains(where: { model.bounds(of: $0.0).lower < 1 }) {
            model.addConstraint(openable, .greaterOrEqual, data.quantity.reduce(0, +), name: "aggregate capacity")
        }
        for w in 0..<W {
            guard let y = open[w], !capacityTerms[w].isEmpty else { continue }
            model.addConstraint(capacityTerms[w] + [(y, -problem.warehouses[w].capacity)], .lessOrEqual, 0, name: "capacity \(w)")
            let stock = problem.warehouses[w].stock ?? [:]
            for (sku, terms) in stockTerms[w].sorted(by: { $0.key < $1.key }) {
                model.addConstraint(terms, .lessOrEqual, stock[sku] ?? 0, name: "stock \(w) \(sku)")
            }
        }
    }

    /// Fixes warehouses closed or open (from reduced-cost arguments that hold for every plan
    /// cheaper than the incumbent).
    mutating func fix(closed: [Bool], open forced: [Bool]) {
        for (w, y) in open.enumerated() {
            guard let y else { continue }
            let (lower, upper) = model.bounds(of: y)
            if closed[w] && lower < 1 { model.setBounds(y, lower: 0, upper: 0) }
            else if forced[w] && upper > 0 { model.setBounds(y, lower: 1, upper: 1) }
        }
    }

    /// A full start vector from a complete single-source assignment.
    func startVector(_ assignment: SingleSourceAssignment, _ data: AllocationData) -> [Double] {
        var values = [Double](repeating: 0, count: model.variableCount)
        let isOpen = assignment.openWarehouses(data)
        for (w, y) in open.enumerated() { if let y { values[y.index] = (isOpen[w] || model.bounds(of: y).lower >= 1) ? 1 : 0 } }
        for pair in pairs where assignment.warehouseOf[pair.order] == pair.warehouse { values[pair.variable.index] = 1 }
        return values
    }
}

extension AllocationMIP {
    /// The proven optimum of the whole model (no fixings, no incumbent) by GLPK's branch-and-cut,
    /// or nil when GLPK does not prove one within `timeLimit` seconds: an independent reference
    /// for checking the other methods.
    static func provenOptimum(_ data: AllocationData, timeLimit: Double) -> Double? {
        let mip = AllocationMIP(data)
        guard let result = try? LPSolver.solveMIP(mip.model, options: HaulLP.SolveOptions(timeLimit: timeLimit, relativeGap: 0)),
              result.status == .optimal else { return nil }
        return result.objective
    }
}
