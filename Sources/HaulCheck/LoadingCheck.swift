import HaulCore

/// Checks a loading plan against its problem, recomputing everything from the problem and the
/// plan's decisions alone (no solver data structures).
///
/// Rules checked, each violation named by the plan path that breaks it:
/// - every vehicle is of a known type, numbered within its type's count, used once;
/// - every item of the problem is loaded exactly once or listed in `unassigned` (never both);
///   a plan whose status is `optimal` or `feasible` leaves nothing unassigned;
/// - each vehicle's stated weight, volume, cost and (where stated) pallet count agree with its
///   items, and the items respect the type's weight, volume and pallet (`maxPallets`) limits;
///   every item fits the cargo space in an allowed orientation;
/// - the objective is the sum of the vehicles' costs; a stated bound is not above it;
/// - with `placement`: every loaded item is placed once and only loaded items are placed, in an
///   allowed orientation, inside the cargo space, without overlap, supported over the cargo
///   space's `supportFraction` of its base, with only fragile items resting on fragile ones,
///   within every item's `maxLoadOnTop`, and in unloading order (no item of a later stop above an
///   item of an earlier stop or between it and the door at x = length).
public enum LoadingCheck {
    public static func check(_ problem: LoadingProblem, _ plan: Plan) -> CheckReport {
        var out: [CheckViolation] = []
        func fail(_ path: String, _ rule: String) { out.append(CheckViolation(path: path, rule: rule)) }
        var typeIndex: [String: Int] = [:]
        for (k, t) in problem.vehicleTypes.enumerated() where typeIndex[t.id] == nil { typeIndex[t.id] = k }
        var itemIndex: [String: Int] = [:]
        for (k, item) in problem.items.enumerated() where itemIndex[item.id] == nil { itemIndex[item.id] = k }
        let ranks = problem.stopRanks
        var seen = [Int](repeating: 0, count: problem.items.count)
        var usedVehicles = Set<String>()
        var cost = 0.0
        if plan.kind != .loading { fail("kind", "must be \"loading\", found \"\(plan.kind.rawValue)\"") }

        for (v, vehicle) in (plan.vehicles ?? []).enumerated() {
            let path = "vehicles[\(v)]"
            guard let t = typeIndex[vehicle.vehicleType] else {
                fail("\(path).vehicleType", "unknown vehicle type \"\(vehicle.vehicleType)\"")
                continue
            }
            let type = problem.vehicleTypes[t]
            if vehicle.vehicle < 0 || vehicle.vehicle >= type.count {
                fail("\(path).vehicle", "vehicle \(vehicle.vehicle) of type \"\(type.id)\" does not exist (count \(type.count))")
            }
            if !usedVehicles.insert("\(type.id)#\(vehicle.vehicle)").inserted {
                fail("\(path).vehicle", "vehicle \(vehicle.vehicle) of type \"\(type.id)\" is used twice")
            }
            cost += type.cost
            if !agrees(vehicle.cost, type.cost) { fail("\(path).cost", "states \(vehicle.cost), the type costs \(type.cost)") }
            var weight = 0.0, volume = 0.0, pallets = 0.0
            var onBoard: [Int] = []
            for (k, id) in vehicle.items.enumerated() {
                guard let i = itemIndex[id] else { fail("\(path).items[\(k)]", "unknown item \"\(id)\""); continue }
                seen[i] += 1
                if seen[i] == 2 { fail("\(path).items[\(k)]", "item \"\(id)\" is loaded more than once") }
                onBoard.append(i)
                let item = problem.items[i]
                weight += item.weight
                volume += item.length * item.width * item.height
                pallets += item.pallets
                if let space = type.cargoSpace, !allowedOrientations(item).contains(where: { o in
                    o.0 <= space.length * (1 + 1e-9) && o.1 <= space.width * (1 + 1e-9) && o.2 <= space.height * (1 + 1e-9)
                }) {
                    fail("\(path).items[\(k)]", "item \"\(id)\" fits the cargo space of \"\(type.id)\" in no allowed orientation")
                }
            }
            if !agrees(vehicle.weight, weight) { fail("\(path).weight", "states \(vehicle.weight), the items weigh \(weight)") }
            if !agrees(vehicle.volume, volume) { fail("\(path).volume", "states \(vehicle.volume), the items' volume is \(volume)") }
            if let stated = vehicle.pallets, !agrees(stated, pallets) {
                fail("\(path).pallets", "states \(stated), the items take \(pallets) pallet(s)")
            }
            if let limit = type.maxPallets, pallets > limit + 1e-9 * max(1, limit) {
                fail("\(path).pallets", "over the pallet limit: the items take \(pallets) pallet(s), the limit is \(limit)")
            }
            if let limit = type.weightLimit, weight > limit + 1e-9 * max(1, limit) {
                fail("\(path).weight", "overweight: the items weigh \(weight), the limit is \(limit)")
            }
            if let limit = type.volumeLimit ?? type.cargoSpace.map({ $0.length * $0.width * $0.height }),
               volume > limit + 1e-9 * max(1, limit) {
                fail("\(path).volume", "over volume: the items take \(volume), the limit is \(limit)")
            }
            if problem.placement {
                guard let space = type.cargoSpace else { continue }
                guard let placements = vehicle.placements else {
                    fail("\(path).placements", "missing: the problem asks for placement")
                    continue
                }
                PlacementRules(problem: problem, space: space, ranks: ranks, itemIndex: itemIndex, path: path)
                    .check(placements, onBoard: onBoard, fail: fail)
            }
        }
        var listed = Set<Int>()
        for (k, id) in (plan.unassigned ?? []).enumerated() {
            guard let i = itemIndex[id] else { fail("unassigned[\(k)]", "unknown item \"\(id)\""); continue }
            if !listed.insert(i).inserted { fail("unassigned[\(k)]", "item \"\(id)\" is listed twice") }
            if seen[i] > 0 { fail("unassigned[\(k)]", "item \"\(id)\" is both loaded and unassigned") }
        }
        for (i, item) in problem.items.enumerated() where seen[i] == 0 && !listed.contains(i) {
            fail("unassigned", "item \"\(item.id)\" is neither loaded nor listed as unassigned")
        }
        if (plan.status == .optimal || plan.status == .feasible) && !listed.isEmpty {
            fail("status", "is \"\(plan.status.rawValue)\" but \(listed.count) item(s) are unassigned")
        }
        if !agrees(plan.objective, cost) { fail("objective", "states \(plan.objective), the vehicles cost \(cost)") }
        if let bound = plan.bound, bound > cost + 1e-6 * max(1, abs(cost)) {
            fail("bound", "\(bound) is above the plan's cost \(cost)")
        }
        return CheckReport(violations: out, recomputedObjective: cost)
    }

    /// The (length, width, height) an item may take as placed.
    static func allowedOrientations(_ item: LoadingItem) -> [(Double, Double, Double)] {
        let (l, w, h) = (item.length, item.width, item.height)
        switch item.rotations {
        case .none: return [(l, w, h)]
        case .thisSideUp: return [(l, w, h), (w, l, h)]
        case .all: return [(l, w, h), (w, l, h), (l, h, w), (h, l, w), (w, h, l), (h, w, l)]
        }
    }
}
