import Foundation
import HaulCore

/// An allocation plan as a map: warehouses (open filled in their colour, closed hollow grey),
/// orders in the colour of the warehouse that ships them, a line per order-warehouse pair, the
/// longest pairs highlighted, and a legend with the totals.
struct AllocationPicture {
    let problem: AllocationProblem
    let plan: Plan
    let options: RenderOptions

    /// All units of one order shipped from one warehouse (split plans may list several SKUs).
    private struct Pair {
        var order: Int
        var warehouse: Int
        var quantity: Double
        var cost: Double
        /// What "longest" ranks: distance where both ends have coordinates, else cost.
        var length: Double = 0
    }

    func draw() throws -> String {
        let warehouseIndex = firstIndex(problem.warehouses.map(\.id))
        let orderIndex = firstIndex(problem.orders.map(\.id))
        let pairs = try resolvePairs(warehouseIndex: warehouseIndex, orderIndex: orderIndex)
        var open = [Bool](repeating: false, count: problem.warehouses.count)
        for (k, id) in (plan.openWarehouses ?? []).enumerated() {
            guard let w = warehouseIndex[id] else {
                throw RenderError.unknownReference(path: "openWarehouses[\(k)]", message: "names unknown warehouse \"\(id)\"")
            }
            open[w] = true
        }
        for pair in pairs { open[pair.warehouse] = true }

        // Each order takes the colour of the warehouse that ships most of it.
        var shipped = [Double](repeating: 0, count: problem.warehouses.count)
        var ordersOf = [Int](repeating: 0, count: problem.warehouses.count)
        var main = [Int?](repeating: nil, count: problem.orders.count)
        var mainQuantity = [Double](repeating: -1, count: problem.orders.count)
        for pair in pairs {
            shipped[pair.warehouse] += pair.quantity
            if pair.quantity > mainQuantity[pair.order] || (pair.quantity == mainQuantity[pair.order] && pair.warehouse < (main[pair.order] ?? Int.max)) {
                main[pair.order] = pair.warehouse
                mainQuantity[pair.order] = pair.quantity
            }
        }
        for w in main.compactMap({ $0 }) { ordersOf[w] += 1 }
        var colors = [String](repeating: ColorPalette.neutral, count: problem.warehouses.count)
        var nextColor = 0
        for w in problem.warehouses.indices where open[w] {
            colors[w] = ColorPalette.color(nextColor)
            nextColor += 1
        }

        let frame = PictureFrame(options: options)
        let (warehousePoints, orderPoints, layout, hasCoordinates) = positions(main: main, frame: frame)
        var measured = pairs
        for i in measured.indices {
            let pair = measured[i]
            if hasCoordinates, let a = problem.warehouses[pair.warehouse].location, let b = problem.orders[pair.order].location {
                measured[i].length = problem.travel.distance(a, b)
            } else {
                measured[i].length = pair.cost
            }
        }
        let longest = longestPairs(measured)

        let n = problem.orders.count
        let scaleBase = (50.0 / Double(max(n, 1))).squareRoot()
        let radius = min(4.0, max(1.4, 4.0 * scaleBase))
        let lineWidth = min(1.2, max(0.35, 1.2 * scaleBase))
        let half = max(5.0, radius * 1.8)

        var svg = frame.start(kind: "allocation", title: "Haul allocation plan (\(plan.status.rawValue))")
        svg.open("g", [("class", "assignments"), ("stroke-width", SVGNumber.format(lineWidth)), ("stroke-opacity", "0.5")])
        for (i, pair) in measured.enumerated() where !longest.contains(i) {
            line(pair, from: warehousePoints, to: orderPoints, color: colors[pair.warehouse], longest: false, into: &svg)
        }
        svg.close("g")
        svg.open("g", [("class", "longest-assignments"), ("stroke-width", SVGNumber.format(min(2.5, max(1.0, lineWidth * 2.5))))])
        for i in longest.sorted() {
            line(measured[i], from: warehousePoints, to: orderPoints, color: ColorPalette.alert, longest: true, into: &svg)
        }
        svg.close("g")

        svg.open("g", [("class", "orders"), ("stroke", "#ffffff"), ("stroke-width", SVGNumber.format(radius > 2 ? 0.7 : 0.35))])
        for (o, order) in problem.orders.enumerated() {
            let p = orderPoints[o]
            var attributes = [("class", "order"), ("data-id", order.id)]
            if let w = main[o] {
                attributes += [("data-warehouse", problem.warehouses[w].id), ("cx", SVGNumber.format(p.x)), ("cy", SVGNumber.format(p.y)),
                               ("r", SVGNumber.format(radius)), ("fill", colors[w])]
            } else {
                attributes += [("data-unassigned", "true"), ("cx", SVGNumber.format(p.x)), ("cy", SVGNumber.format(p.y)),
                               ("r", SVGNumber.format(radius)), ("fill", "#ffffff"), ("stroke", ColorPalette.neutral), ("stroke-width", "1")]
            }
            svg.titled("circle", attributes, title: main[o].map { "\(order.id): from \(problem.warehouses[$0].id)" } ?? "\(order.id): unassigned")
        }
        svg.close("g")

        svg.open("g", [("class", "warehouses")])
        for (w, warehouse) in problem.warehouses.enumerated() {
            let p = warehousePoints[w]
            var attributes = [("class", "warehouse"), ("data-id", warehouse.id), ("data-open", open[w] ? "true" : "false"),
                              ("x", SVGNumber.format(p.x - half)), ("y", SVGNumber.format(p.y - half)),
                              ("width", SVGNumber.format(2 * half)), ("height", SVGNumber.format(2 * half))]
            attributes += open[w] ? [("fill", colors[w]), ("stroke", "#111111")]
                : [("fill", "#ffffff"), ("stroke", ColorPalette.neutral), ("stroke-dasharray", "3 2")]
            let state = open[w] ? "open, \(counted(ordersOf[w], "order")), \(SVGNumber.figure(shipped[w])) of \(SVGNumber.figure(warehouse.capacity)) units"
                : "closed"
            svg.titled("rect", attributes, title: "\(warehouse.id): \(state)")
        }
        svg.close("g")

        drawLabels(into: &svg, frame: frame, warehousePoints: warehousePoints, orderPoints: orderPoints, radius: radius, half: half)

        var legend = Legend(title: "Allocation plan · \(plan.status.rawValue)")
        let served = main.lazy.filter { $0 != nil }.count
        let firstOpen = problem.warehouses.indices.first { open[$0] }
        legend.add("Orders: \(served) served, \(n - served) unassigned", key: "orders",
                   swatch: .dot(firstOpen.map { colors[$0] } ?? ColorPalette.neutral))
        if n - served > 0 { legend.add("Unassigned: \(n - served)", key: "unassigned", swatch: .hollowDot(ColorPalette.neutral)) }
        let openCount = open.lazy.filter { $0 }.count
        legend.add("Open warehouses: \(openCount)", key: "open", swatch: .square(firstOpen.map { colors[$0] } ?? ColorPalette.neutral))
        legend.add("Closed warehouses: \(problem.warehouses.count - openCount)", key: "closed", swatch: .hollowSquare(ColorPalette.neutral))
        let measure = hasCoordinates ? "distance" : "cost"
        let threshold = longest.map { measured[$0].length }.min()
        legend.add("Longest \(longest.count) of \(measured.count) by \(measure)" + (threshold.map { " (≥ \(SVGNumber.figure($0)))" } ?? ""),
                   key: "longest", swatch: .thickLine(ColorPalette.alert))
        legend.add("Units shipped: \(SVGNumber.figure(pairs.reduce(0) { $0 + $1.quantity }))", key: "units")
        legend.add("Objective: \(SVGNumber.figure(plan.objective))", key: "objective")
        if let note = layout.legendNote { legend.add(note, key: "layout") }
        if let message = plan.message { legend.add(message, key: "message") }
        legend.listNoun = "more warehouses"
        for (w, warehouse) in problem.warehouses.enumerated() where open[w] {
            legend.addListItem("\(warehouse.id): \(counted(ordersOf[w], "order")), \(SVGNumber.figure(shipped[w]))/\(SVGNumber.figure(warehouse.capacity))",
                               swatch: .square(colors[w]))
        }
        legend.draw(into: &svg, rect: frame.legend)
        return svg.finish()
    }

    private func line(_ pair: Pair, from warehouses: [Point], to orders: [Point], color: String, longest: Bool, into svg: inout SVGWriter) {
        let a = warehouses[pair.warehouse], b = orders[pair.order]
        svg.empty("line", [("class", longest ? "assignment longest" : "assignment"), ("data-order", problem.orders[pair.order].id),
                           ("data-warehouse", problem.warehouses[pair.warehouse].id),
                           ("data-quantity", SVGNumber.format(pair.quantity)),
                           ("x1", SVGNumber.format(a.x)), ("y1", SVGNumber.format(a.y)),
                           ("x2", SVGNumber.format(b.x)), ("y2", SVGNumber.format(b.y)), ("stroke", color)])
    }

    /// Indices of the top `longestShare` of pairs by length (ties: the earlier pair first).
    private func longestPairs(_ pairs: [Pair]) -> Set<Int> {
        guard options.longestShare > 0, !pairs.isEmpty else { return [] }
        let k = min(pairs.count, max(1, Int((options.longestShare * Double(pairs.count)).rounded(.up))))
        let ranked = pairs.indices.sorted { a, b in
            let la = pairs[a].length.isNaN ? -Double.infinity : pairs[a].length
            let lb = pairs[b].length.isNaN ? -Double.infinity : pairs[b].length
            return la != lb ? la > lb : a < b
        }
        return Set(ranked.prefix(k))
    }

    private func resolvePairs(warehouseIndex: [String: Int], orderIndex: [String: Int]) throws -> [Pair] {
        var pairs: [Pair] = []
        var pairIndex: [Int: Int] = [:]
        let m = problem.warehouses.count
        for (k, a) in (plan.assignments ?? []).enumerated() {
            guard let o = orderIndex[a.order] else {
                throw RenderError.unknownReference(path: "assignments[\(k)].order", message: "names unknown order \"\(a.order)\"")
            }
            guard let w = warehouseIndex[a.warehouse] else {
                throw RenderError.unknownReference(path: "assignments[\(k)].warehouse", message: "names unknown warehouse \"\(a.warehouse)\"")
            }
            if let i = pairIndex[o * m + w] {
                pairs[i].quantity += a.quantity
                pairs[i].cost += a.cost
            } else {
                pairIndex[o * m + w] = pairs.count
                pairs.append(Pair(order: o, warehouse: w, quantity: a.quantity, cost: a.cost))
            }
        }
        return pairs
    }

    private func positions(main: [Int?], frame: PictureFrame) -> (warehouses: [Point], orders: [Point], layout: MapLayout, hasCoordinates: Bool) {
        let m = problem.warehouses.count
        let locations = problem.warehouses.map(\.location) + problem.orders.map(\.location)
        var world: [Point]
        let layout: MapLayout
        if let located = WorldPoints.of(locations) {
            (world, layout) = located
        } else {
            // Orders round a circle grouped by warehouse; each used warehouse inside, facing the
            // middle of its group; unused warehouses on a small inner circle.
            let order = problem.orders.indices.sorted { a, b in
                let wa = main[a] ?? m, wb = main[b] ?? m
                return wa != wb ? wa < wb : a < b
            }
            let ring = WorldPoints.ring(count: order.count, radius: 1)
            var orders = [Point](repeating: Point(x: 0, y: 0), count: problem.orders.count)
            var first = [Int](repeating: -1, count: m), last = [Int](repeating: -1, count: m)
            for (slot, o) in order.enumerated() {
                orders[o] = ring[slot]
                if let w = main[o] {
                    if first[w] < 0 { first[w] = slot }
                    last[w] = slot
                }
            }
            let unused = (0..<m).filter { first[$0] < 0 }
            let inner = WorldPoints.ring(count: unused.count, radius: unused.count > 1 ? 0.2 : 0)
            var warehouses = [Point](repeating: Point(x: 0, y: 0), count: m)
            for (k, w) in unused.enumerated() { warehouses[w] = inner[k] }
            for w in 0..<m where first[w] >= 0 {
                let middle = Double(first[w] + last[w]) / 2
                let angle = Double.pi / 2 - 2 * Double.pi * middle / Double(max(order.count, 1))
                warehouses[w] = Point(x: 0.6 * cos(angle), y: 0.6 * sin(angle))
            }
            world = warehouses + orders
            layout = .schematic
        }
        let projection = MapProjection(fitting: world, into: frame.drawing.inset(by: 10))
        let screen = world.map(projection.project)
        return (Array(screen.prefix(m)), Array(screen.dropFirst(m)), layout, layout != .schematic)
    }

    private func drawLabels(into svg: inout SVGWriter, frame: PictureFrame, warehousePoints: [Point], orderPoints: [Point],
                            radius: Double, half: Double) {
        let warehousePolicy = options.labelPolicy(count: problem.warehouses.count)
        let orderPolicy = options.labelPolicy(count: problem.warehouses.count + problem.orders.count)
        guard warehousePolicy.draw || orderPolicy.draw else { return }
        var placer = LabelPlacer(bounds: Rect(x: 0, y: 0, width: frame.legend.x - 2, height: frame.height), fontSize: 11)
        if !warehousePolicy.force {
            for p in orderPoints { placer.addObstacle(Rect(x: p.x - radius, y: p.y - radius, width: 2 * radius, height: 2 * radius)) }
            for p in warehousePoints { placer.addObstacle(Rect(x: p.x - half, y: p.y - half, width: 2 * half, height: 2 * half)) }
        }
        svg.open("g", [("class", "labels")])
        var marked: [(String, Point, Double, String)] = []
        if warehousePolicy.draw { marked += problem.warehouses.enumerated().map { ($1.id, warehousePoints[$0], half, "warehouse") } }
        if orderPolicy.draw { marked += problem.orders.enumerated().map { ($1.id, orderPoints[$0], radius, "order") } }
        for (id, point, clearance, kind) in marked {
            let text = truncated(id, maxCharacters: 24)
            guard let placed = placer.place(text, at: point, clearance: clearance, force: warehousePolicy.force) else { continue }
            svg.element("text", [("class", "label"), ("data-for", kind), ("x", SVGNumber.format(placed.position.x)),
                                 ("y", SVGNumber.format(placed.position.y)), ("text-anchor", placed.anchor)], text: text)
        }
        svg.close("g")
    }
}
