import Foundation
import HaulCore

/// A loading plan: an isometric view of each vehicle's cargo space with its boxes coloured by
/// stop, or a bar of weight and volume used for vehicles without placements, and a legend.
///
/// The view looks from above the rear door's right-hand corner: the front wall (x = 0), the
/// left side (y = 0) and the floor are drawn behind the boxes, and the door (x = length) faces the
/// lower right. Boxes are drawn far to near, so nearer boxes cover farther ones.
struct LoadingPicture {
    let problem: LoadingProblem
    let plan: Plan
    let options: RenderOptions

    private struct Vehicle {
        var plan: LoadedVehiclePlan
        var index: Int
        var type: LoadingVehicleType
        /// Problem item index of each placement.
        var placed: [Int]
    }

    private static let caption = 18.0
    private static let barRow = 46.0

    func draw() throws -> String {
        let vehicles = try resolveVehicles()
        let itemIndex = firstIndex(problem.items.map(\.id))
        for (k, id) in (plan.unassigned ?? []).enumerated() where itemIndex[id] == nil {
            throw RenderError.unknownReference(path: "unassigned[\(k)]", message: "names unknown item \"\(id)\"")
        }
        let (stops, stopOfItem) = stopColors()
        let isometric = vehicles.filter { !$0.placed.isEmpty && $0.type.cargoSpace != nil }
        let bars = vehicles.filter { $0.placed.isEmpty || $0.type.cargoSpace == nil }

        let frame = PictureFrame(options: options)
        var svg = frame.start(kind: "loading", title: "Haul loading plan (\(plan.status.rawValue))")
        let area = frame.drawing
        let barHeight = bars.isEmpty ? 0 : min(area.height * (isometric.isEmpty ? 1 : 0.4), Double(bars.count) * Self.barRow)
        let isoArea = Rect(x: area.x, y: area.y, width: area.width, height: area.height - barHeight - (bars.isEmpty ? 0 : 10))
        let barArea = Rect(x: area.x, y: isometric.isEmpty ? area.y : area.maxY - barHeight, width: area.width, height: barHeight)

        var placer = LabelPlacer(bounds: area, fontSize: 10)
        let policy = options.labelPolicy(count: isometric.reduce(0) { $0 + $1.placed.count })
        var labels: [(String, Point)] = []
        if !isometric.isEmpty {
            let cells = grid(count: isometric.count, in: isoArea, spaces: isometric.map { $0.type.cargoSpace! })
            for (vehicle, cell) in zip(isometric, cells.rects) {
                drawCargoSpace(vehicle, cell: cell, scale: cells.scale, stopOfItem: stopOfItem, wantLabels: policy.draw,
                               labels: &labels, into: &svg)
            }
        }
        if !bars.isEmpty { drawBars(bars, in: barArea, into: &svg) }
        if policy.draw {
            svg.open("g", [("class", "labels")])
            for (id, point) in labels {
                let text = truncated(id, maxCharacters: 18)
                guard let placed = placer.placeCentered(text, at: point, force: policy.force) else { continue }
                svg.element("text", [("class", "label"), ("data-for", "box"), ("x", SVGNumber.format(placed.position.x)),
                                     ("y", SVGNumber.format(placed.position.y)), ("text-anchor", placed.anchor),
                                     ("font-size", "10")], text: text)
            }
            svg.close("g")
        }

        var legend = Legend(title: "Loading plan · \(plan.status.rawValue)")
        let loaded = vehicles.reduce(0) { $0 + $1.plan.items.count }
        legend.add("Vehicles: \(vehicles.count)", key: "vehicles")
        legend.add("Items: \(loaded) loaded, \(plan.unassigned?.count ?? 0) unassigned", key: "items")
        legend.add("Boxes placed: \(vehicles.reduce(0) { $0 + $1.placed.count })", key: "boxes")
        legend.add("Weight: \(SVGNumber.figure(vehicles.reduce(0) { $0 + $1.plan.weight }))", key: "weight")
        legend.add("Volume: \(SVGNumber.figure(vehicles.reduce(0) { $0 + $1.plan.volume }))", key: "volume")
        if vehicles.contains(where: { $0.plan.pallets != nil }) {
            legend.add("Pallets: \(SVGNumber.figure(vehicles.reduce(0) { $0 + ($1.plan.pallets ?? 0) }))", key: "pallets")
        }
        legend.add("Objective: \(SVGNumber.figure(plan.objective))", key: "objective")
        if !isometric.isEmpty {
            legend.add("Door at x = length (lower right)", key: "door")
            if isometric.contains(where: { v in v.placed.contains { problem.items[$0].fragile } }) {
                legend.add("Fragile: dashed outline", key: "fragile")
            }
        }
        if !bars.isEmpty {
            legend.add("Weight used of the limit", key: "weight-bar", swatch: .square(Self.weightColor))
            legend.add("Volume used of the limit", key: "volume-bar", swatch: .square(Self.volumeColor))
            if bars.contains(where: { $0.plan.pallets != nil }) {
                legend.add("Pallet places used of the limit", key: "pallet-bar", swatch: .square(Self.palletColor))
            }
        }
        if let message = plan.message { legend.add(message, key: "message") }
        legend.listNoun = "more stops"
        // Stop colours appear only on placed boxes.
        for (k, stop) in stops.enumerated() where !isometric.isEmpty {
            let count = problem.items.indices.lazy.filter { stopOfItem[$0] == k }.count
            legend.addListItem("Stop \(k + 1): \(stop) (\(counted(count, "item")))", swatch: .square(ColorPalette.color(k)))
        }
        if !isometric.isEmpty, problem.items.contains(where: { $0.stop == nil }) {
            legend.addListItem("No stop", swatch: .square(ColorPalette.neutral))
        }
        legend.draw(into: &svg, rect: frame.legend)
        return svg.finish()
    }

    // MARK: - Plan against problem

    private func resolveVehicles() throws -> [Vehicle] {
        let typeIndex = firstIndex(problem.vehicleTypes.map(\.id))
        let itemIndex = firstIndex(problem.items.map(\.id))
        var out: [Vehicle] = []
        for (v, vehicle) in (plan.vehicles ?? []).enumerated() {
            guard let t = typeIndex[vehicle.vehicleType] else {
                throw RenderError.unknownReference(path: "vehicles[\(v)].vehicleType", message: "names unknown vehicle type \"\(vehicle.vehicleType)\"")
            }
            for (k, id) in vehicle.items.enumerated() where itemIndex[id] == nil {
                throw RenderError.unknownReference(path: "vehicles[\(v)].items[\(k)]", message: "names unknown item \"\(id)\"")
            }
            var placed: [Int] = []
            for (k, p) in (vehicle.placements ?? []).enumerated() {
                guard let i = itemIndex[p.item] else {
                    throw RenderError.unknownReference(path: "vehicles[\(v)].placements[\(k)].item", message: "names unknown item \"\(p.item)\"")
                }
                placed.append(i)
            }
            out.append(Vehicle(plan: vehicle, index: v, type: problem.vehicleTypes[t], placed: placed))
        }
        return out
    }

    /// The stops in delivery order (`stopOrder`, then stops first met among the items) and each
    /// item's position in that list.
    private func stopColors() -> (stops: [String], ofItem: [Int?]) {
        var stops: [String] = []
        var rank: [String: Int] = [:]
        for s in (problem.stopOrder ?? []) + problem.items.compactMap(\.stop) where rank[s] == nil {
            rank[s] = stops.count
            stops.append(s)
        }
        return (stops, problem.items.map { $0.stop.flatMap { rank[$0] } })
    }

    // MARK: - Isometric view

    private static let cos30 = 3.0.squareRoot() / 2

    /// Screen offset (before scaling) of a point of the cargo space.
    private static func iso(_ x: Double, _ y: Double, _ z: Double) -> Point {
        Point(x: (x - y) * cos30, y: (x + y) * 0.5 - z)
    }

    /// Extent of a cargo space's picture at scale 1: (left, top, width, height).
    private static func extent(_ s: CargoSpace) -> Rect {
        Rect(x: -s.width * cos30, y: -s.height, width: (s.length + s.width) * cos30, height: (s.length + s.width) * 0.5 + s.height)
    }

    /// Cells for `count` panels in `area`, the column count chosen for the largest common scale.
    private func grid(count: Int, in area: Rect, spaces: [CargoSpace]) -> (rects: [Rect], scale: Double) {
        let extents = spaces.map(Self.extent)
        let maxWidth = max(extents.map(\.width).max() ?? 1, 1e-9), maxHeight = max(extents.map(\.height).max() ?? 1, 1e-9)
        var best = (columns: 1, scale: 0.0)
        for columns in 1...max(1, count) {
            let rows = (count + columns - 1) / columns
            let cellWidth = area.width / Double(columns), cellHeight = area.height / Double(rows)
            let scale = min((cellWidth - 16) / maxWidth, (cellHeight - Self.caption - 16) / maxHeight)
            if scale > best.scale { best = (columns, scale) }
        }
        let columns = best.columns, rows = (count + columns - 1) / columns
        let cellWidth = area.width / Double(columns), cellHeight = area.height / Double(rows)
        let rects = (0..<count).map { k in
            Rect(x: area.x + Double(k % columns) * cellWidth, y: area.y + Double(k / columns) * cellHeight, width: cellWidth, height: cellHeight)
        }
        return (rects, max(best.scale, 0.01))
    }

    private func drawCargoSpace(_ vehicle: Vehicle, cell: Rect, scale: Double, stopOfItem: [Int?], wantLabels: Bool,
                                labels: inout [(String, Point)], into svg: inout SVGWriter) {
        let space = vehicle.type.cargoSpace!
        let e = Self.extent(space)
        let originX = cell.x + (cell.width - e.width * scale) / 2 - e.x * scale
        let originY = cell.y + Self.caption + (cell.height - Self.caption - e.height * scale) / 2 - e.y * scale
        func screen(_ x: Double, _ y: Double, _ z: Double) -> Point {
            let p = Self.iso(x, y, z)
            return Point(x: originX + p.x * scale, y: originY + p.y * scale)
        }
        func polygon(_ corners: [(Double, Double, Double)]) -> String {
            corners.map { coordinates(screen($0.0, $0.1, $0.2)) }.joined(separator: " ")
        }
        let (L, W, H) = (space.length, space.width, space.height)
        svg.open("g", [("class", "vehicle"), ("data-vehicle-type", vehicle.plan.vehicleType), ("data-vehicle", String(vehicle.plan.vehicle)),
                       ("data-index", String(vehicle.index))])
        svg.element("text", [("class", "caption"), ("x", SVGNumber.format(cell.x + 8)), ("y", SVGNumber.format(cell.y + 13))],
                    text: truncated(caption(vehicle), maxCharacters: max(8, Int((cell.width - 12) / 6.8))))
        svg.empty("polygon", [("class", "cargo-floor"), ("points", polygon([(0, 0, 0), (L, 0, 0), (L, W, 0), (0, W, 0)]))])
        svg.empty("polygon", [("class", "cargo-floor"), ("fill-opacity", "0.5"), ("points", polygon([(0, 0, 0), (0, W, 0), (0, W, H), (0, 0, H)]))])
        svg.empty("polygon", [("class", "cargo-floor"), ("fill-opacity", "0.5"), ("points", polygon([(0, 0, 0), (L, 0, 0), (L, 0, H), (0, 0, H)]))])

        let placements = vehicle.plan.placements ?? []
        let order = paintersOrder(placements)
        let labelled = wantLabels ? visibleTops(placements, order: order) : []
        for k in order {
            let p = placements[k], item = problem.items[vehicle.placed[k]]
            let color = stopOfItem[vehicle.placed[k]].map(ColorPalette.color) ?? ColorPalette.neutral
            let (x0, y0, z0) = (p.x, p.y, p.z)
            let (x1, y1, z1) = (p.x + p.length, p.y + p.width, p.z + p.height)
            var attributes = [("class", item.fragile ? "box fragile" : "box"), ("data-item", p.item)]
            if let stop = item.stop { attributes.append(("data-stop", stop)) }
            attributes.append(("data-vehicle", String(vehicle.index)))
            svg.open("g", attributes)
            svg.element("title", [], text: "\(p.item)\(item.stop.map { " → \($0)" } ?? ""): at (\(SVGNumber.format(x0)), \(SVGNumber.format(y0)), \(SVGNumber.format(z0))), \(SVGNumber.format(p.length)) × \(SVGNumber.format(p.width)) × \(SVGNumber.format(p.height)), \(SVGNumber.figure(item.weight)) kg")
            svg.empty("polygon", [("fill", ColorPalette.shade(color, 0.3)), ("points", polygon([(x0, y0, z1), (x1, y0, z1), (x1, y1, z1), (x0, y1, z1)]))])
            svg.empty("polygon", [("fill", color), ("points", polygon([(x1, y0, z0), (x1, y1, z0), (x1, y1, z1), (x1, y0, z1)]))])
            svg.empty("polygon", [("fill", ColorPalette.shade(color, -0.25)), ("points", polygon([(x0, y1, z0), (x1, y1, z0), (x1, y1, z1), (x0, y1, z1)]))])
            svg.close("g")
            if labelled.contains(k) { labels.append((p.item, screen((x0 + x1) / 2, (y0 + y1) / 2, z1))) }
        }

        // The near edges of the cargo space over the boxes, and the door.
        let edges: [[(Double, Double, Double)]] = [[(0, 0, H), (L, 0, H), (L, W, H), (0, W, H), (0, 0, H)], [(L, 0, 0), (L, 0, H)], [(L, W, 0), (L, W, H)],
                     [(0, W, 0), (0, W, H)], [(L, 0, 0), (L, W, 0), (0, W, 0)]]
        let d = edges.map { run in "M" + run.map { coordinates(screen($0.0, $0.1, $0.2)) }.joined(separator: "L") }.joined()
        svg.empty("path", [("class", "cargo-space"), ("d", d)])
        let door = screen(L, W / 2, 0)
        svg.element("text", [("class", "caption"), ("x", SVGNumber.format(door.x + 6)), ("y", SVGNumber.format(door.y + 14)),
                             ("font-size", "10")], text: "door")
        svg.close("g")
    }

    private func caption(_ vehicle: Vehicle) -> String {
        var parts = ["\(vehicle.plan.vehicleType) #\(vehicle.plan.vehicle)", counted(vehicle.plan.items.count, "item")]
        parts.append(usage("weight", vehicle.plan.weight, vehicle.type.weightLimit))
        parts.append(usage("volume", vehicle.plan.volume, vehicle.type.effectiveVolumeLimit))
        if let pallets = vehicle.plan.pallets { parts.append(usage("pallets", pallets, vehicle.type.maxPallets)) }
        return parts.joined(separator: " · ")
    }

    private func usage(_ name: String, _ used: Double, _ limit: Double?) -> String {
        guard let limit, limit > 0 else { return "\(name) \(SVGNumber.figure(used))" }
        return "\(name) \(SVGNumber.figure(used))/\(SVGNumber.figure(limit)) (\(SVGNumber.percent(used / limit)))"
    }

    /// The order to draw boxes in: a box is drawn before every box it hides behind, i.e. one whose
    /// picture overlaps its own and that lies beyond it along x, y or z (towards the viewer).
    /// Large loads fall back to sorting by the sum of the centre's coordinates.
    private func paintersOrder(_ boxes: [PlacementPlan]) -> [Int] {
        let n = boxes.count
        func depth(_ i: Int) -> Double {
            let b = boxes[i]
            return 2 * (b.x + b.y + b.z) + b.length + b.width + b.height
        }
        let byDepth = (0..<n).sorted { depth($0) != depth($1) ? depth($0) < depth($1) : $0 < $1 }
        guard n > 1, n <= 1500 else { return byDepth }
        let eps = 1e-9
        func behind(_ a: PlacementPlan, _ b: PlacementPlan) -> Bool {
            a.x + a.length <= b.x + eps || a.y + a.width <= b.y + eps || a.z + a.height <= b.z + eps
        }
        func overlapping(_ a: PlacementPlan, _ b: PlacementPlan) -> Bool {
            zip(Self.pictureRanges(a), Self.pictureRanges(b)).allSatisfy { $0.0 < $1.1 - eps && $1.0 < $0.1 - eps }
        }
        var after = [[Int]](repeating: [], count: n)
        var blockers = [Int](repeating: 0, count: n)
        for i in 0..<n {
            for j in (i + 1)..<n where overlapping(boxes[i], boxes[j]) {
                let iBehind = behind(boxes[i], boxes[j]), jBehind = behind(boxes[j], boxes[i])
                let first: Int, second: Int
                if iBehind != jBehind { (first, second) = iBehind ? (i, j) : (j, i) } else {
                    (first, second) = depth(i) <= depth(j) ? (i, j) : (j, i)
                }
                after[first].append(second)
                blockers[second] += 1
            }
        }
        // Kahn's algorithm, taking the shallowest ready box first; a cycle (only possible with
        // overlapping boxes) is broken at its shallowest box.
        var done = [Bool](repeating: false, count: n)
        var out: [Int] = []
        out.reserveCapacity(n)
        while out.count < n {
            let next = byDepth.first { !done[$0] && blockers[$0] == 0 } ?? byDepth.first { !done[$0] }!
            done[next] = true
            out.append(next)
            for j in after[next] { blockers[j] -= 1 }
        }
        return out
    }

    /// A box's picture in the isometric view is the set of screen points whose x - y, x - z and
    /// y - z (constant along the line of sight) fall in these three ranges.
    private static func pictureRanges(_ p: PlacementPlan) -> [(Double, Double)] {
        [(p.x - p.y - p.width, p.x + p.length - p.y), (p.x - p.z - p.height, p.x + p.length - p.z),
         (p.y - p.z - p.height, p.y + p.width - p.z)]
    }

    /// The boxes whose top's centre no later-drawn box covers: their labels would sit on another box.
    private func visibleTops(_ boxes: [PlacementPlan], order: [Int]) -> Set<Int> {
        guard boxes.count <= 1500 else { return Set(boxes.indices) }
        var visible = Set<Int>()
        for (position, k) in order.enumerated() {
            let b = boxes[k]
            let (cx, cy, top) = (b.x + b.length / 2, b.y + b.width / 2, b.z + b.height)
            let point = [cx - cy, cx - top, cy - top]
            let covered = order[(position + 1)...].contains { j in
                zip(point, Self.pictureRanges(boxes[j])).allSatisfy { $0 > $1.0 + 1e-9 && $0 < $1.1 - 1e-9 }
            }
            if !covered { visible.insert(k) }
        }
        return visible
    }

    // MARK: - Fill bars

    private static let weightColor = "#4e79a7"
    private static let volumeColor = "#59a14f"
    private static let palletColor = "#f28e2b"

    private func drawBars(_ vehicles: [Vehicle], in area: Rect, into svg: inout SVGWriter) {
        let rowsPerColumn = max(1, Int((area.height / Self.barRow).rounded(.down)))
        let columns = (vehicles.count + rowsPerColumn - 1) / rowsPerColumn
        let columnWidth = area.width / Double(max(columns, 1))
        svg.open("g", [("class", "fill-bars")])
        for (k, vehicle) in vehicles.enumerated() {
            let x = area.x + Double(k / rowsPerColumn) * columnWidth
            let y = area.y + Double(k % rowsPerColumn) * Self.barRow
            svg.open("g", [("class", "vehicle"), ("data-vehicle-type", vehicle.plan.vehicleType),
                           ("data-vehicle", String(vehicle.plan.vehicle)), ("data-index", String(vehicle.index))])
            svg.element("text", [("class", "caption"), ("x", SVGNumber.format(x)), ("y", SVGNumber.format(y + 13))],
                        text: truncated("\(vehicle.plan.vehicleType) #\(vehicle.plan.vehicle) · \(counted(vehicle.plan.items.count, "item"))",
                                        maxCharacters: max(8, Int((columnWidth - 10) / 6.8))))
            var measures: [(String, Double, Double?, String)] = [
                ("weight", vehicle.plan.weight, vehicle.type.weightLimit, Self.weightColor),
                ("volume", vehicle.plan.volume, vehicle.type.effectiveVolumeLimit, Self.volumeColor),
            ]
            if let pallets = vehicle.plan.pallets { measures.append(("pallets", pallets, vehicle.type.maxPallets, Self.palletColor)) }
            let barWidth = (columnWidth - 10 * Double(measures.count)) / Double(measures.count)
            for (m, (name, used, limit, color)) in measures.enumerated() {
                let bx = x + Double(m) * (barWidth + 10), by = y + 18
                let share = limit.map { $0 > 0 ? used / $0 : 0 } ?? 0
                svg.empty("rect", [("class", "fill-track"), ("x", SVGNumber.format(bx)), ("y", SVGNumber.format(by)),
                                   ("width", SVGNumber.format(barWidth)), ("height", "9")])
                svg.titled("rect", [("class", "fill-bar"), ("data-measure", name), ("data-vehicle", String(vehicle.index)),
                                    ("data-share", limit == nil ? "unlimited" : SVGNumber.format(share)),
                                    ("x", SVGNumber.format(bx)), ("y", SVGNumber.format(by)),
                                    ("width", SVGNumber.format(barWidth * min(1, max(0, share)))), ("height", "9"),
                                    ("fill", share > 1 + 1e-9 ? ColorPalette.alert : color)],
                           title: usage(name, used, limit))
                svg.element("text", [("class", "caption"), ("x", SVGNumber.format(bx)), ("y", SVGNumber.format(by + 21)),
                                     ("font-size", "10")],
                            text: truncated(usage(name, used, limit), maxCharacters: max(4, Int((barWidth - 6) / 5.8))))
            }
            svg.close("g")
        }
        svg.close("g")
    }
}
