import Foundation
import HaulCore

/// A routing plan as a map: depots, customers, one coloured path per route with arrowheads,
/// late stops ringed, and a legend with the totals.
struct RoutingPicture {
    let problem: RoutingProblem
    let plan: Plan
    let options: RenderOptions

    /// A route with its ids resolved to indices.
    private struct Route {
        var plan: RoutePlan
        var start: Int
        var end: Int
        var stops: [Int]
    }

    /// A stop served after its customer's window closed.
    private struct LateStop {
        var customer: Int
        var route: Int
        var time: Double
        var windowEnd: Double
    }

    func draw() throws -> String {
        let routes = try resolveRoutes()
        let unassigned = try resolveUnassigned()
        let n = problem.customers.count
        var servedBy = [Int?](repeating: nil, count: n)
        var stopIndex = [Int](repeating: 0, count: n)
        for (r, route) in routes.enumerated() {
            for (k, c) in route.stops.enumerated() where servedBy[c] == nil {
                servedBy[c] = r
                stopIndex[c] = k
            }
        }
        let late = lateStops(routes)
        let frame = PictureFrame(options: options)
        let (depotPoints, customerPoints, layout) = positions(routes: routes, frame: frame)

        let scaleBase = (50.0 / Double(max(n, 1))).squareRoot()
        let stroke = min(2.0, max(0.7, 2.0 * scaleBase))
        let radius = min(4.5, max(1.6, 4.5 * scaleBase))
        let depotHalf = max(4.0, radius * 1.6)
        let colors = routes.indices.map(ColorPalette.color)

        var svg = frame.start(kind: "routing", title: "Haul routing plan (\(plan.status.rawValue))")

        svg.open("g", [("class", "routes"), ("stroke-width", SVGNumber.format(stroke))])
        for (r, route) in routes.enumerated() {
            let points = [depotPoints[route.start]] + route.stops.map { customerPoints[$0] } + [depotPoints[route.end]]
            var d = "M" + coordinates(points[0])
            for p in points.dropFirst() { d += "L" + coordinates(p) }
            svg.titled("path", [("class", "route"), ("data-vehicle-type", route.plan.vehicleType),
                                ("data-vehicle", String(route.plan.vehicle)), ("data-depot", route.plan.depot),
                                ("data-end-depot", route.plan.endDepot), ("data-stops", String(route.stops.count)),
                                ("stroke", colors[r]), ("d", d)],
                       title: "\(route.plan.vehicleType) #\(route.plan.vehicle): \(counted(route.stops.count, "stop")), distance \(SVGNumber.figure(route.plan.distance))")
        }
        svg.close("g")

        svg.open("g", [("class", "direction")])
        let arrowSize = max(4.5, stroke * 4)
        for (r, route) in routes.enumerated() {
            let points = [depotPoints[route.start]] + route.stops.map { customerPoints[$0] } + [depotPoints[route.end]]
            let d = arrowheads(along: points, size: arrowSize, clearance: 2 * radius)
            if !d.isEmpty {
                svg.empty("path", [("class", "arrows"), ("data-route", String(r)), ("fill", colors[r]), ("d", d)])
            }
        }
        svg.close("g")

        svg.open("g", [("class", "customers"), ("stroke", "#ffffff"), ("stroke-width", SVGNumber.format(radius > 2 ? 0.8 : 0.4))])
        for (c, customer) in problem.customers.enumerated() {
            let p = customerPoints[c]
            var attributes = [("class", "customer"), ("data-id", customer.id)]
            let title: String
            if let r = servedBy[c] {
                attributes += [("data-route", String(r)), ("cx", SVGNumber.format(p.x)), ("cy", SVGNumber.format(p.y)),
                               ("r", SVGNumber.format(radius)), ("fill", colors[r])]
                let stop = routes[r].plan.stops[stopIndex[c]]
                title = "\(customer.id): \(routes[r].plan.vehicleType) #\(routes[r].plan.vehicle), stop \(stopIndex[c] + 1), start \(SVGNumber.figure(stop.start))"
            } else {
                attributes += [("data-unassigned", "true"), ("cx", SVGNumber.format(p.x)), ("cy", SVGNumber.format(p.y)),
                               ("r", SVGNumber.format(radius)), ("fill", "#ffffff"), ("stroke", ColorPalette.neutral), ("stroke-width", "1")]
                title = "\(customer.id): unassigned"
            }
            svg.titled("circle", attributes, title: title)
        }
        svg.close("g")

        svg.open("g", [("class", "late-stops"), ("stroke-width", SVGNumber.format(max(1.2, stroke)))])
        for stop in late {
            let p = customerPoints[stop.customer]
            svg.titled("circle", [("class", "late"), ("data-id", problem.customers[stop.customer].id),
                                  ("data-route", String(stop.route)), ("cx", SVGNumber.format(p.x)),
                                  ("cy", SVGNumber.format(p.y)), ("r", SVGNumber.format(radius + 2.5))],
                       title: "\(problem.customers[stop.customer].id): late, service starts at \(SVGNumber.figure(stop.time)) after the window closes at \(SVGNumber.figure(stop.windowEnd))")
        }
        svg.close("g")

        svg.open("g", [("class", "depots"), ("stroke-width", "1")])
        for (i, depot) in problem.depots.enumerated() {
            let p = depotPoints[i]
            svg.titled("rect", [("class", "depot"), ("data-id", depot.id), ("x", SVGNumber.format(p.x - depotHalf)),
                                ("y", SVGNumber.format(p.y - depotHalf)), ("width", SVGNumber.format(2 * depotHalf)),
                                ("height", SVGNumber.format(2 * depotHalf))], title: "depot \(depot.id)")
        }
        svg.close("g")

        drawLabels(into: &svg, frame: frame, depotPoints: depotPoints, customerPoints: customerPoints,
                   radius: radius, depotHalf: depotHalf, late: Set(late.map(\.customer)))

        var legend = Legend(title: "Routing plan · \(plan.status.rawValue)")
        legend.add("Routes: \(routes.count)", key: "routes", swatch: .line(routes.isEmpty ? ColorPalette.neutral : colors[0]))
        let served = servedBy.lazy.filter { $0 != nil }.count
        legend.add("Customers: \(served) served, \(n - served) unassigned", key: "customers",
                   swatch: .dot(routes.isEmpty ? ColorPalette.neutral : colors[0]))
        if n - served > 0 || !unassigned.isEmpty {
            legend.add("Unassigned: \(n - served)", key: "unassigned", swatch: .hollowDot(ColorPalette.neutral))
        }
        legend.add("Late stops: \(late.count)", key: "late", swatch: .ring(ColorPalette.alert))
        legend.add("Depots: \(problem.depots.count)", key: "depots", swatch: .square("#111111"))
        legend.add("Distance: \(SVGNumber.figure(routes.reduce(0) { $0 + $1.plan.distance }))", key: "distance")
        legend.add("Objective: \(SVGNumber.figure(plan.objective))", key: "objective")
        if let note = layout.legendNote { legend.add(note, key: "layout") }
        if let message = plan.message { legend.add(message, key: "message") }
        legend.listNoun = "more routes"
        for (r, route) in routes.enumerated() {
            legend.addListItem("\(route.plan.vehicleType) #\(route.plan.vehicle): \(counted(route.stops.count, "stop")), \(SVGNumber.figure(route.plan.distance))",
                               swatch: .line(colors[r]))
        }
        legend.draw(into: &svg, rect: frame.legend)
        return svg.finish()
    }

    // MARK: - Plan against problem

    private func resolveRoutes() throws -> [Route] {
        let customerIndex = firstIndex(problem.customers.map(\.id))
        let depotIndex = firstIndex(problem.depots.map(\.id))
        let typeIds = Set(problem.vehicleTypes.map(\.id))
        var out: [Route] = []
        for (r, route) in (plan.routes ?? []).enumerated() {
            let path = "routes[\(r)]"
            guard typeIds.contains(route.vehicleType) else {
                throw RenderError.unknownReference(path: "\(path).vehicleType", message: "names unknown vehicle type \"\(route.vehicleType)\"")
            }
            guard let start = depotIndex[route.depot] else {
                throw RenderError.unknownReference(path: "\(path).depot", message: "names unknown depot \"\(route.depot)\"")
            }
            guard let end = depotIndex[route.endDepot] else {
                throw RenderError.unknownReference(path: "\(path).endDepot", message: "names unknown depot \"\(route.endDepot)\"")
            }
            var stops: [Int] = []
            for (k, stop) in route.stops.enumerated() {
                guard let c = customerIndex[stop.customer] else {
                    throw RenderError.unknownReference(path: "\(path).stops[\(k)].customer", message: "names unknown customer \"\(stop.customer)\"")
                }
                stops.append(c)
            }
            out.append(Route(plan: route, start: start, end: end, stops: stops))
        }
        return out
    }

    private func resolveUnassigned() throws -> [Int] {
        let customerIndex = firstIndex(problem.customers.map(\.id))
        return try (plan.unassigned ?? []).enumerated().map { k, id in
            guard let c = customerIndex[id] else {
                throw RenderError.unknownReference(path: "unassigned[\(k)]", message: "names unknown customer \"\(id)\"")
            }
            return c
        }
    }

    /// Stops whose service starts (or whose vehicle arrives) after the customer's window closes,
    /// beyond the tolerance `haul check` allows.
    private func lateStops(_ routes: [Route]) -> [LateStop] {
        var out: [LateStop] = []
        for (r, route) in routes.enumerated() {
            for (k, c) in route.stops.enumerated() {
                guard let end = problem.customers[c].timeWindow?.end else { continue }
                let stop = route.plan.stops[k]
                let time = max(stop.arrival, stop.start)
                if time > end + 1e-6 * max(1, abs(end)) {
                    out.append(LateStop(customer: c, route: r, time: time, windowEnd: end))
                }
            }
        }
        return out
    }

    // MARK: - Layout

    private func positions(routes: [Route], frame: PictureFrame) -> (depots: [Point], customers: [Point], layout: MapLayout) {
        let locations: [Location?] = problem.depots.map(\.location) + problem.customers.map(\.location)
        let world: [Point], layout: MapLayout
        if let located = WorldPoints.of(locations) {
            (world, layout) = located
        } else {
            // Customers round a circle in the order the routes visit them, so that each route
            // is an arc; depots on a small inner circle.
            var order: [Int] = []
            var placed = [Bool](repeating: false, count: problem.customers.count)
            for route in routes {
                for c in route.stops where !placed[c] { placed[c] = true; order.append(c) }
            }
            for c in problem.customers.indices where !placed[c] { order.append(c) }
            var customers = [Point](repeating: Point(x: 0, y: 0), count: problem.customers.count)
            for (slot, point) in zip(order, WorldPoints.ring(count: order.count, radius: 1)) { customers[slot] = point }
            let depots = WorldPoints.ring(count: problem.depots.count, radius: problem.depots.count > 1 ? 0.3 : 0)
            world = depots + customers
            layout = .schematic
        }
        let projection = MapProjection(fitting: world, into: frame.drawing.inset(by: 8))
        let screen = world.map(projection.project)
        return (Array(screen.prefix(problem.depots.count)), Array(screen.dropFirst(problem.depots.count)), layout)
    }

    private func drawLabels(into svg: inout SVGWriter, frame: PictureFrame, depotPoints: [Point], customerPoints: [Point],
                            radius: Double, depotHalf: Double, late: Set<Int>) {
        let policy = options.labelPolicy(count: problem.customers.count + problem.depots.count)
        guard policy.draw else { return }
        var placer = LabelPlacer(bounds: Rect(x: 0, y: 0, width: frame.legend.x - 2, height: frame.height), fontSize: 11)
        if !policy.force {
            for (c, p) in customerPoints.enumerated() {
                let r = late.contains(c) ? radius + 3.5 : radius
                placer.addObstacle(Rect(x: p.x - r, y: p.y - r, width: 2 * r, height: 2 * r))
            }
            for p in depotPoints { placer.addObstacle(Rect(x: p.x - depotHalf, y: p.y - depotHalf, width: 2 * depotHalf, height: 2 * depotHalf)) }
        }
        svg.open("g", [("class", "labels")])
        let marked = problem.depots.enumerated().map { ($1.id, depotPoints[$0], depotHalf, "depot") }
            + problem.customers.enumerated().map { ($1.id, customerPoints[$0], late.contains($0) ? radius + 3.5 : radius, "customer") }
        for (id, point, clearance, kind) in marked {
            let text = truncated(id, maxCharacters: 24)
            guard let placed = placer.place(text, at: point, clearance: clearance, force: policy.force) else { continue }
            svg.element("text", [("class", "label"), ("data-for", kind), ("x", SVGNumber.format(placed.position.x)),
                                 ("y", SVGNumber.format(placed.position.y)), ("text-anchor", placed.anchor)], text: text)
        }
        svg.close("g")
    }
}

/// `x,y` for a path.
func coordinates(_ p: Point) -> String {
    SVGNumber.format(p.x) + "," + SVGNumber.format(p.y)
}

/// The index of the first occurrence of each id.
func firstIndex(_ ids: [String]) -> [String: Int] {
    var out: [String: Int] = [:]
    for (i, id) in ids.enumerated() where out[id] == nil { out[id] = i }
    return out
}

/// Path data for a small arrowhead at the middle of each leg of `points` long enough to carry one.
func arrowheads(along points: [Point], size: Double, clearance: Double) -> String {
    var d = ""
    for (a, b) in zip(points, points.dropFirst()) {
        let dx = b.x - a.x, dy = b.y - a.y
        let length = (dx * dx + dy * dy).squareRoot()
        guard length >= 2 * clearance + 2.5 * size else { continue }
        let ux = dx / length, uy = dy / length
        let mx = (a.x + b.x) / 2, my = (a.y + b.y) / 2
        let tip = Point(x: mx + ux * size / 2, y: my + uy * size / 2)
        let bx = mx - ux * size / 2, by = my - uy * size / 2
        let half = size * 0.45
        d += "M" + coordinates(tip) + "L" + coordinates(Point(x: bx - uy * half, y: by + ux * half))
            + "L" + coordinates(Point(x: bx + uy * half, y: by - ux * half)) + "Z"
    }
    return d
}
