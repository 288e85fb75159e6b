/// Places text labels beside markers so that they do not overlap each other or other markers.
///
/// Each label tries four spots (right, left, above, below its marker) and takes the first that is
/// free and inside the bounds. A label that fits nowhere is dropped, unless `force` is set, when
/// it goes to the right whatever it covers.
struct LabelPlacer {
    struct Placed {
        var position: Point
        var anchor: String
    }

    let bounds: Rect
    let fontSize: Double
    private var rects: [Rect] = []
    private var grid: [Int: [Int]] = [:]
    private let cell = 48.0

    init(bounds: Rect, fontSize: Double) {
        self.bounds = bounds
        self.fontSize = fontSize
    }

    /// Width of `text` in screen units, estimated (no font metrics are at hand).
    func width(of text: String) -> Double {
        Double(text.count) * fontSize * 0.58
    }

    /// Marks a marker's box as taken, so that labels avoid it.
    mutating func addObstacle(_ rect: Rect) {
        insert(rect)
    }

    mutating func place(_ text: String, at p: Point, clearance r: Double, force: Bool) -> Placed? {
        let w = width(of: text), h = fontSize * 1.1
        let gap = r + 2
        let candidates: [(Rect, Placed)] = [
            (Rect(x: p.x + gap, y: p.y - h / 2, width: w, height: h),
             Placed(position: Point(x: p.x + gap, y: p.y + fontSize * 0.35), anchor: "start")),
            (Rect(x: p.x - gap - w, y: p.y - h / 2, width: w, height: h),
             Placed(position: Point(x: p.x - gap, y: p.y + fontSize * 0.35), anchor: "end")),
            (Rect(x: p.x - w / 2, y: p.y - gap - h, width: w, height: h),
             Placed(position: Point(x: p.x, y: p.y - gap - fontSize * 0.25), anchor: "middle")),
            (Rect(x: p.x - w / 2, y: p.y + gap, width: w, height: h),
             Placed(position: Point(x: p.x, y: p.y + gap + fontSize * 0.85), anchor: "middle")),
        ]
        for (rect, placed) in candidates where bounds.contains(rect) && !collides(rect) {
            insert(rect)
            return placed
        }
        guard force else { return nil }
        insert(candidates[0].0)
        return candidates[0].1
    }

    /// A label centred on `p` (e.g. on the top of a box).
    mutating func placeCentered(_ text: String, at p: Point, force: Bool) -> Placed? {
        let w = width(of: text), h = fontSize * 1.1
        let rect = Rect(x: p.x - w / 2, y: p.y - h / 2, width: w, height: h)
        guard force || (bounds.contains(rect) && !collides(rect)) else { return nil }
        insert(rect)
        return Placed(position: Point(x: p.x, y: p.y + fontSize * 0.35), anchor: "middle")
    }

    private func cells(_ rect: Rect) -> [Int] {
        let x0 = Int((rect.x / cell).rounded(.down)), x1 = Int((rect.maxX / cell).rounded(.down))
        let y0 = Int((rect.y / cell).rounded(.down)), y1 = Int((rect.maxY / cell).rounded(.down))
        var out: [Int] = []
        for gx in x0...max(x0, x1) {
            for gy in y0...max(y0, y1) { out.append(gx &* 1_000_003 &+ gy) }
        }
        return out
    }

    private func collides(_ rect: Rect) -> Bool {
        for key in cells(rect) {
            for i in grid[key] ?? [] where rects[i].intersects(rect) { return true }
        }
        return false
    }

    private mutating func insert(_ rect: Rect) {
        let index = rects.count
        rects.append(rect)
        for key in cells(rect) { grid[key, default: []].append(index) }
    }
}
