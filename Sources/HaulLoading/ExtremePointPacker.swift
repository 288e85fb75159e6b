import HaulCore

/// How the packer chooses where an item goes.
struct PackRule: Sendable, Equatable {
    /// Order in which extreme points are tried: 0 = (x, z, y) walls from the front wall towards
    /// the door; 1 = (z, x, y) layers from the floor up; 2 = (x, y, z) columns; 3 = every point
    /// and orientation, the one that ends nearest the front wall (smallest x + length), then lowest.
    var pointOrder: Int = 0
    /// Among the orientations that fit at the chosen point: 0 = shortest along x, then largest
    /// base; 1 = largest base, then shortest along x; 2 = lowest; 3 = longest along x.
    var orientationRule: Int = 0
}

/// Places items one by one, in a given sequence, at extreme points (Crainic, Perboli and Tadei,
/// 2008): the corners of placed boxes projected back onto the walls and boxes behind, beside
/// and below them. Each item goes to the first point, in the rule's order, where some
/// orientation is inside the space, overlaps nothing, is supported, rests on fragile items only if
/// fragile itself, keeps every load-bearing limit and keeps unloading order; items that fit
/// nowhere are skipped.
struct ExtremePointPacker {
    let inst: PackingInstance
    let rule: PackRule

    // Placed boxes, flat.
    private var bx0: [Double] = [], by0: [Double] = [], bz0: [Double] = []
    private var bx1: [Double] = [], by1: [Double] = [], bz1: [Double] = []
    private var bItem: [Int] = []
    private var bLoad: [Double] = []
    /// Supports of each box: (box, share of its weight), flattened by `bSupportStart`.
    private var supportBox: [Int] = [], supportShare: [Double] = [], bSupportStart: [Int] = [0]
    // Extreme points, kept sorted by the rule's key.
    private var points: [SIMD3<Double>] = [SIMD3(0, 0, 0)]
    private var pointSet: Set<SIMD3<Double>> = [SIMD3(0, 0, 0)]
    // A uniform grid over the floor: the boxes whose footprint meets each cell.
    private let gx: Int, gy: Int
    private let cellL: Double, cellW: Double
    private var cells: [[Int32]]
    private var stamp: [Int] = []
    private var stampValue = 0
    // Scratch for load propagation.
    private var extra: [Double] = []
    private var touched: [Int] = []
    private var contactBox: [Int] = [], contactArea: [Double] = []

    init(_ inst: PackingInstance, rule: PackRule) {
        self.inst = inst
        self.rule = rule
        let n = max(1, inst.count)
        let g = min(32, max(4, Int(Double(n).squareRoot())))
        gx = g
        gy = max(2, min(g, Int((Double(g) * inst.width / inst.length).rounded(.up))))
        cellL = inst.length / Double(gx)
        cellW = inst.width / Double(gy)
        cells = Array(repeating: [], count: gx * gy)
    }

    /// Packs the items of `sequence` (local ids) in that order; returns what was placed.
    ///
    /// `shouldStop`, when given, is polled every 16 items; once it returns true the packing stops
    /// with the items placed so far (a valid, partial packing).
    mutating func pack(_ sequence: [Int], shouldStop: (() -> Bool)? = nil) -> PackResult {
        var result = PackResult()
        var failedClass = -1, failedAt = -1
        for (k, i) in sequence.enumerated() {
            if let shouldStop, k % 16 == 15, shouldStop() { break }
            if inst.shapeClass[i] == failedClass && failedAt == bItem.count { continue }
            if !inst.withinLimits(i, weight: result.weight, volume: result.volume, pallets: result.pallets) { continue }
            guard let (p, o) = findPosition(i) else {
                failedClass = inst.shapeClass[i]
                failedAt = bItem.count
                continue
            }
            place(i, at: p, dims: o)
            result.boxes.append(PlacedBox(item: i, x: p.x, y: p.y, z: p.z, l: o.x, w: o.y, h: o.z))
            result.volume += inst.volume[i]
            result.weight += inst.weight[i]
            result.pallets += inst.pallets[i]
        }
        return result
    }

    private func less(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> Bool {
        switch rule.pointOrder {
        case 1: return (a.z, a.x, a.y) < (b.z, b.x, b.y)
        case 2: return (a.x, a.y, a.z) < (b.x, b.y, b.z)
        default: return (a.x, a.z, a.y) < (b.x, b.z, b.y)
        }
    }

    private func better(_ a: SIMD3<Double>, than b: SIMD3<Double>) -> Bool {
        switch rule.orientationRule {
        case 1: return (-(a.x * a.y), a.x) < (-(b.x * b.y), b.x)
        case 2: return (a.z, a.x) < (b.z, b.x)
        case 3: return (-a.x, -(a.x * a.y)) < (-b.x, -(b.x * b.y))
        default: return (a.x, -(a.x * a.y)) < (b.x, -(b.x * b.y))
        }
    }

    private mutating func findPosition(_ i: Int) -> (SIMD3<Double>, SIMD3<Double>)? {
        let eps = inst.eps
        let os = inst.orientationStart[i]..<inst.orientationStart[i + 1]
        if rule.pointOrder == 3 {
            // Points are sorted by x: none at or beyond the best end can end before it.
            var best: (SIMD3<Double>, SIMD3<Double>)?
            var bestKey = (Double.infinity, Double.infinity, Double.infinity)
            for p in points {
                if p.x >= bestKey.0 - eps { break }
                for k in os {
                    let o = inst.orientations[k]
                    guard p.x + o.x <= inst.length + eps, p.y + o.y <= inst.width + eps, p.z + o.z <= inst.height + eps else { continue }
                    let key = (p.x + o.x, p.z, p.y)
                    if key < bestKey || (key == bestKey && best.map { better(o, than: $0.1) } ?? true) {
                        if feasible(i, p, o) {
                            best = (p, o)
                            bestKey = key
                        }
                    }
                }
            }
            return best
        }
        for p in points {
            var best: SIMD3<Double>?
            for k in os {
                let o = inst.orientations[k]
                guard p.x + o.x <= inst.length + eps, p.y + o.y <= inst.width + eps, p.z + o.z <= inst.height + eps else { continue }
                if let b = best, !better(o, than: b) { continue }
                if feasible(i, p, o) { best = o }
            }
            if let best { return (p, best) }
        }
        return nil
    }

    /// Overlap, support, fragility, load bearing and unloading order of item `i` at `p` as `o`.
    private mutating func feasible(_ i: Int, _ p: SIMD3<Double>, _ o: SIMD3<Double>) -> Bool {
        let eps = inst.eps
        let x0 = p.x, y0 = p.y, z0 = p.z, x1 = p.x + o.x, y1 = p.y + o.y, z1 = p.z + o.z
        var contact = 0.0
        contactBox.removeAll(keepingCapacity: true)
        contactArea.removeAll(keepingCapacity: true)
        stampValue += 1
        let cx0 = max(0, min(gx - 1, Int(x0 / cellL))), cx1 = max(0, min(gx - 1, Int((x1 - eps) / cellL)))
        let cy0 = max(0, min(gy - 1, Int(y0 / cellW))), cy1 = max(0, min(gy - 1, Int((y1 - eps) / cellW)))
        for cx in cx0...cx1 {
            for cy in cy0...cy1 {
                for b32 in cells[cx * gy + cy] {
                    let b = Int(b32)
                    if stamp[b] == stampValue { continue }
                    stamp[b] = stampValue
                    let ox = min(x1, bx1[b]) - max(x0, bx0[b])
                    guard ox > eps else { continue }
                    let oy = min(y1, by1[b]) - max(y0, by0[b])
                    guard oy > eps else { continue }
                    if min(z1, bz1[b]) - max(z0, bz0[b]) > eps { return false }
                    if abs(bz1[b] - z0) <= eps {
                        if inst.fragile[bItem[b]] && !inst.fragile[i] { return false }
                        contact += ox * oy
                        contactBox.append(b)
                        contactArea.append(ox * oy)
                    } else if abs(bz0[b] - z1) <= eps {
                        // Slid under the overhang of a box placed earlier: that box would rest on
                        // this one too (and pass it some of its load, which is not tracked).
                        if inst.fragile[i] && !inst.fragile[bItem[b]] { return false }
                        if inst.hasLoadLimits { return false }
                    }
                }
            }
        }
        let base = o.x * o.y
        let onFloor = z0 <= eps
        if !onFloor && contact < inst.supportFraction * base - eps * eps { return false }
        if inst.hasLoadLimits && !onFloor && !loadsHold(inst.weight[i], total: contact) { return false }
        if inst.hasRanks && inst.rank[i] >= 0 && !keepsOrder(i, x0, y0, z0, x1, y1, z1) { return false }
        return true
    }

    /// Whether adding `weight` on the current contacts keeps every load-bearing limit.
    private mutating func loadsHold(_ weight: Double, total: Double) -> Bool {
        guard total > 0 else { return true }
        touched.removeAll(keepingCapacity: true)
        var stack: [(Int, Double)] = []
        for (k, b) in contactBox.enumerated() { stack.append((b, weight * contactArea[k] / total)) }
        var ok = true
        while let (b, amount) = stack.popLast() {
            if extra[b] == 0 { touched.append(b) }
            extra[b] += amount
            if bLoad[b] + extra[b] > inst.maxLoad[bItem[b]] + 1e-9 * max(1, inst.maxLoad[bItem[b]]) { ok = false; break }
            for s in bSupportStart[b]..<bSupportStart[b + 1] { stack.append((supportBox[s], amount * supportShare[s])) }
        }
        for b in touched { extra[b] = 0 }
        return ok
    }

    /// No box of a later stop above or door-side of a box of an earlier stop, either way round.
    private func keepsOrder(_ i: Int, _ x0: Double, _ y0: Double, _ z0: Double, _ x1: Double, _ y1: Double, _ z1: Double) -> Bool {
        let eps = inst.eps, r = inst.rank[i]
        for b in bItem.indices {
            let rb = inst.rank[bItem[b]]
            if rb < 0 || rb == r { continue }
            let oy = min(y1, by1[b]) - max(y0, by0[b]) > eps
            guard oy else { continue }
            let ox = min(x1, bx1[b]) - max(x0, bx0[b]) > eps
            let oz = min(z1, bz1[b]) - max(z0, bz0[b]) > eps
            if rb < r {
                // The new box is later: not above b, not between b and the door.
                if (ox && z0 >= bz1[b] - eps) || (oz && x0 >= bx1[b] - eps) { return false }
            } else {
                if (ox && bz0[b] >= z1 - eps) || (oz && bx0[b] >= x1 - eps) { return false }
            }
        }
        return true
    }

    private mutating func place(_ i: Int, at p: SIMD3<Double>, dims o: SIMD3<Double>) {
        // Recompute the contacts of the chosen position (the last feasibility test may have been another orientation).
        _ = feasible(i, p, o)
        let b = bItem.count
        let total = (p.z <= inst.eps ? o.x * o.y : 0) + contactArea.reduce(0, +)
        if p.z > inst.eps && inst.hasLoadLimits {
            for (k, s) in contactBox.enumerated() {
                supportBox.append(s)
                supportShare.append(contactArea[k] / max(total, 1e-300))
            }
            // Propagate the new weight down.
            var stack: [(Int, Double)] = contactBox.enumerated().map { ($1, inst.weight[i] * contactArea[$0] / max(total, 1e-300)) }
            while let (s, amount) = stack.popLast() {
                bLoad[s] += amount
                for t in bSupportStart[s]..<bSupportStart[s + 1] { stack.append((supportBox[t], amount * supportShare[t])) }
            }
        }
        bSupportStart.append(supportBox.count)
        bx0.append(p.x); by0.append(p.y); bz0.append(p.z)
        bx1.append(p.x + o.x); by1.append(p.y + o.y); bz1.append(p.z + o.z)
        bItem.append(i)
        bLoad.append(0)
        stamp.append(0)
        extra.append(0)
        let eps = inst.eps
        let cx0 = max(0, min(gx - 1, Int(p.x / cellL))), cx1 = max(0, min(gx - 1, Int((p.x + o.x - eps) / cellL)))
        let cy0 = max(0, min(gy - 1, Int(p.y / cellW))), cy1 = max(0, min(gy - 1, Int((p.y + o.y - eps) / cellW)))
        for cx in cx0...cx1 { for cy in cy0...cy1 { cells[cx * gy + cy].append(Int32(b)) } }

        // Points now inside the new box are dead.
        points.removeAll { q in
            q.x >= p.x - eps && q.x < p.x + o.x - eps && q.y >= p.y - eps && q.y < p.y + o.y - eps
                && q.z >= p.z - eps && q.z < p.z + o.z - eps
        }
        let corners = [SIMD3(p.x + o.x, p.y, p.z), SIMD3(p.x, p.y + o.y, p.z), SIMD3(p.x, p.y, p.z + o.z)]
        var fresh: [SIMD3<Double>] = []
        fresh.append(project(corners[0], axis: 1)); fresh.append(project(corners[0], axis: 2))
        fresh.append(project(corners[1], axis: 0)); fresh.append(project(corners[1], axis: 2))
        fresh.append(project(corners[2], axis: 0)); fresh.append(project(corners[2], axis: 1))
        fresh.append(contentsOf: corners)
        for q in fresh where q.x < inst.length - eps && q.y < inst.width - eps && q.z < inst.height - eps {
            guard pointSet.insert(q).inserted else { continue }
            if isInsideBox(q) { continue }
            var lo = 0, hi = points.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if less(points[mid], q) { lo = mid + 1 } else { hi = mid }
            }
            points.insert(q, at: lo)
        }
    }

    private func isInsideBox(_ q: SIMD3<Double>) -> Bool {
        let eps = inst.eps
        let cx = max(0, min(gx - 1, Int(q.x / cellL))), cy = max(0, min(gy - 1, Int(q.y / cellW)))
        for b32 in cells[cx * gy + cy] {
            let b = Int(b32)
            if q.x >= bx0[b] - eps && q.x < bx1[b] - eps && q.y >= by0[b] - eps && q.y < by1[b] - eps
                && q.z >= bz0[b] - eps && q.z < bz1[b] - eps { return true }
        }
        return false
    }

    /// Moves `q` along -axis until it meets a box face or the wall.
    private func project(_ q: SIMD3<Double>, axis: Int) -> SIMD3<Double> {
        let eps = inst.eps
        var r = q
        var stop = 0.0
        for b in bItem.indices {
            switch axis {
            case 0:
                if by0[b] <= q.y + eps && q.y < by1[b] - eps && bz0[b] <= q.z + eps && q.z < bz1[b] - eps && bx1[b] <= q.x + eps {
                    stop = max(stop, bx1[b])
                }
            case 1:
                if bx0[b] <= q.x + eps && q.x < bx1[b] - eps && bz0[b] <= q.z + eps && q.z < bz1[b] - eps && by1[b] <= q.y + eps {
                    stop = max(stop, by1[b])
                }
            default:
                if bx0[b] <= q.x + eps && q.x < bx1[b] - eps && by0[b] <= q.y + eps && q.y < by1[b] - eps && bz1[b] <= q.z + eps {
                    stop = max(stop, bz1[b])
                }
            }
        }
        r[axis] = stop
        return r
    }
}
