import HaulCore

/// The 3D rules for the placements of one vehicle, recomputed from the plan's coordinates.
struct PlacementRules {
    let problem: LoadingProblem
    let space: CargoSpace
    let ranks: [Int?]
    let itemIndex: [String: Int]
    /// Path of the vehicle in the plan, e.g. `vehicles[0]`.
    let path: String
    /// Whose items may be placed, for messages about others (`nil`: the problem's).
    var scope: String? = nil

    private struct Box {
        var item: Int
        var k: Int
        var x0, y0, z0, x1, y1, z1: Double
        var base: Double { (x1 - x0) * (y1 - y0) }
    }

    func check(_ placements: [PlacementPlan], onBoard: [Int], fail: (String, String) -> Void) {
        let eps = 1e-6 * max(space.length, space.width, space.height)
        var boxes: [Box] = []
        var placedOnce = Set<Int>()
        let onBoardSet = Set(onBoard)
        for (k, p) in placements.enumerated() {
            let at = "\(path).placements[\(k)]"
            guard let i = itemIndex[p.item] else {
                fail(at, scope.map { "\"\(p.item)\" is not an item of \($0)" } ?? "unknown item \"\(p.item)\"")
                continue
            }
            if !onBoardSet.contains(i) { fail(at, "item \"\(p.item)\" is placed but not in the vehicle's items") }
            if !placedOnce.insert(i).inserted { fail(at, "item \"\(p.item)\" is placed twice"); continue }
            let item = problem.items[i]
            let dims = [p.length, p.width, p.height]
            if !LoadingCheck.allowedOrientations(item).contains(where: { o in
                abs(o.0 - dims[0]) <= eps && abs(o.1 - dims[1]) <= eps && abs(o.2 - dims[2]) <= eps
            }) {
                fail(at, "dimensions \(p.length) x \(p.width) x \(p.height) are not an allowed orientation of \"\(item.id)\" (rotations \(item.rotations.rawValue))")
            }
            if [p.x, p.y, p.z, p.length, p.width, p.height].contains(where: { !$0.isFinite }) {
                fail(at, "coordinates must be finite numbers")
                continue
            }
            if p.x < -eps || p.y < -eps || p.z < -eps || p.x + p.length > space.length + eps
                || p.y + p.width > space.width + eps || p.z + p.height > space.height + eps {
                fail(at, "outside the cargo space: [\(p.x), \(p.x + p.length)] x [\(p.y), \(p.y + p.width)] x [\(p.z), \(p.z + p.height)] in \(space.length) x \(space.width) x \(space.height)")
            }
            boxes.append(Box(item: i, k: k, x0: p.x, y0: p.y, z0: p.z, x1: p.x + p.length, y1: p.y + p.width, z1: p.z + p.height))
        }
        for i in onBoard where !placedOnce.contains(i) {
            fail("\(path).placements", "item \"\(problem.items[i].id)\" is loaded but not placed")
        }
        func overlap(_ a0: Double, _ a1: Double, _ b0: Double, _ b1: Double) -> Double { min(a1, b1) - max(a0, b0) }

        // Pairs that overlap along x, by a sweep: overlap and contacts (b resting on a).
        let order = boxes.indices.sorted { boxes[$0].x0 < boxes[$1].x0 }
        var contacts = [[(Int, Double)]](repeating: [], count: boxes.count)   // for each box: (box under it, area)
        for (s, a) in order.enumerated() {
            var t = s + 1
            while t < order.count, boxes[order[t]].x0 < boxes[a].x1 - eps {
                let b = order[t]
                t += 1
                let (A, B) = (boxes[a], boxes[b])
                let ox = overlap(A.x0, A.x1, B.x0, B.x1), oy = overlap(A.y0, A.y1, B.y0, B.y1)
                guard ox > eps, oy > eps else { continue }
                if overlap(A.z0, A.z1, B.z0, B.z1) > eps {
                    fail("\(path).placements[\(max(A.k, B.k))]", "overlaps \"\(problem.items[A.k < B.k ? A.item : B.item].id)\" (placements[\(min(A.k, B.k))])")
                } else if abs(A.z1 - B.z0) <= eps {
                    contacts[b].append((a, ox * oy))
                } else if abs(B.z1 - A.z0) <= eps {
                    contacts[a].append((b, ox * oy))
                }
            }
        }
        // Support and fragility.
        for (n, b) in boxes.enumerated() {
            let at = "\(path).placements[\(b.k)]"
            let item = problem.items[b.item]
            let onFloor = b.z0 <= eps
            let area = onFloor ? b.base : contacts[n].reduce(0) { $0 + $1.1 }
            if area < space.supportFraction * b.base - eps * eps {
                fail(at, "floating: \"\(item.id)\" rests on \(percent(area / b.base)) of its base, \(percent(space.supportFraction)) required")
            }
            if !item.fragile {
                for (a, _) in contacts[n] where problem.items[boxes[a].item].fragile {
                    fail(at, "non-fragile \"\(item.id)\" rests on fragile \"\(problem.items[boxes[a].item].id)\"")
                }
            }
        }
        checkLoadBearing(boxes, contacts, fail: fail)
        checkUnloadingOrder(boxes, eps: eps, fail: fail)
    }

    private func percent(_ x: Double) -> String { "\(Double(Int((x * 1000).rounded())) / 10)%" }

    /// Each box passes its weight and its load to the boxes under it, in proportion to contact area.
    private func checkLoadBearing(_ boxes: [Box], _ contacts: [[(Int, Double)]], fail: (String, String) -> Void) {
        guard boxes.contains(where: { problem.items[$0.item].maxLoadOnTop != nil }) else { return }
        var load = [Double](repeating: 0, count: boxes.count)
        for n in boxes.indices.sorted(by: { boxes[$0].z0 > boxes[$1].z0 }) {
            let b = boxes[n]
            let floor = b.z0 <= 1e-9 ? b.base : 0
            let total = contacts[n].reduce(floor) { $0 + $1.1 }
            guard total > 0 else { continue }
            let carried = problem.items[b.item].weight + load[n]
            for (a, area) in contacts[n] { load[a] += carried * area / total }
        }
        for (n, b) in boxes.enumerated() {
            if let limit = problem.items[b.item].maxLoadOnTop, load[n] > limit + 1e-9 * max(1, limit) {
                fail("\(path).placements[\(b.k)]", "crushed: \(load[n]) rests on \"\(problem.items[b.item].id)\", its maxLoadOnTop is \(limit)")
            }
        }
    }

    /// No box of a later stop above a box of an earlier stop or between it and the door (x = length).
    private func checkUnloadingOrder(_ boxes: [Box], eps: Double, fail: (String, String) -> Void) {
        let ranked = boxes.filter { ranks[$0.item] != nil }
        guard Set(ranked.map { ranks[$0.item]! }).count > 1 else { return }
        func overlap(_ a0: Double, _ a1: Double, _ b0: Double, _ b1: Double) -> Bool { min(a1, b1) - max(a0, b0) > eps }
        for e in ranked {
            for l in ranked where ranks[l.item]! > ranks[e.item]! {
                let above = overlap(e.x0, e.x1, l.x0, l.x1) && overlap(e.y0, e.y1, l.y0, l.y1) && l.z0 >= e.z1 - eps
                let inFront = overlap(e.y0, e.y1, l.y0, l.y1) && overlap(e.z0, e.z1, l.z0, l.z1) && l.x0 >= e.x1 - eps
                if above || inFront {
                    let e1 = problem.items[e.item], l1 = problem.items[l.item]
                    fail("\(path).placements[\(e.k)]", "blocked: \"\(l1.id)\" of later stop \"\(l1.stop ?? "")\" is \(above ? "above" : "between the door and") \"\(e1.id)\" of stop \"\(e1.stop ?? "")\"")
                }
            }
        }
    }
}
