import XCTest
import HaulCheck
import HaulCore

/// The loading checker on hand-made plans: each violation is detected and named.
final class LoadingCheckTests: XCTestCase {
    /// A 10 x 4 x 4 space; items a (stop s1), b (stop s2), g (fragile glass), h (heavy).
    let problem = LoadingProblem(
        vehicleTypes: [LoadingVehicleType(id: "van", count: 1, cost: 5, weightLimit: 100,
                                          cargoSpace: CargoSpace(length: 10, width: 4, height: 4))],
        items: [
            LoadingItem(id: "a", weight: 10, length: 2, width: 4, height: 2, rotations: .thisSideUp, stop: "s1", maxLoadOnTop: 15),
            LoadingItem(id: "b", weight: 20, length: 2, width: 4, height: 2, rotations: .thisSideUp, stop: "s2"),
            LoadingItem(id: "g", weight: 5, length: 2, width: 4, height: 2, rotations: .none, fragile: true),
            LoadingItem(id: "h", weight: 60, length: 2, width: 4, height: 2, rotations: .none),
        ],
        placement: true)

    func plan(_ placements: [PlacementPlan], items: [String]? = nil, unassigned: [String] = []) -> Plan {
        let ids = items ?? placements.map(\.item)
        let byID = Dictionary(uniqueKeysWithValues: problem.items.map { ($0.id, $0) })
        var plan = Plan(kind: .loading, status: unassigned.isEmpty ? .feasible : .infeasible, objective: 5,
                        stats: PlanStats(seconds: 0, iterations: 0, solver: "hand"))
        plan.vehicles = [LoadedVehiclePlan(vehicleType: "van", vehicle: 0, items: ids,
                                           weight: ids.reduce(0) { $0 + byID[$1]!.weight },
                                           volume: ids.reduce(0) { $0 + byID[$1]!.volume }, cost: 5, placements: placements)]
        plan.unassigned = unassigned
        return plan
    }

    func at(_ id: String, _ x: Double, _ y: Double, _ z: Double, _ l: Double = 2, _ w: Double = 4, _ h: Double = 2) -> PlacementPlan {
        PlacementPlan(item: id, x: x, y: y, z: z, length: l, width: w, height: h)
    }

    /// A valid plan: b (later stop) at the front wall, a nearer the door, g and h beside on the floor.
    var valid: [PlacementPlan] { [at("b", 0, 0, 0), at("a", 2, 0, 0), at("g", 4, 0, 0), at("h", 6, 0, 0)] }

    func rules(_ report: CheckReport) -> String { report.violations.map(\.description).joined(separator: "\n") }

    func testValidPlanPasses() {
        let report = LoadingCheck.check(problem, plan(valid))
        XCTAssertEqual(report.violations, [])
        XCTAssertEqual(report.recomputedObjective, 5)
    }

    func testOverlap() {
        var p = valid
        p[1] = at("a", 1, 0, 0)
        let report = LoadingCheck.check(problem, plan(p))
        XCTAssertTrue(rules(report).contains("overlaps \"b\""), rules(report))
    }

    func testFloatingBox() {
        var p = valid
        p[3] = at("h", 6, 0, 1)   // nothing under it
        let report = LoadingCheck.check(problem, plan(p))
        XCTAssertTrue(rules(report).contains("vehicles[0].placements[3]: floating"), rules(report))
        // Half supported: on g's top over half its base, below the 75% required.
        p[3] = at("h", 5, 0, 2)
        p[2] = at("g", 4, 0, 0)
        XCTAssertTrue(rules(LoadingCheck.check(problem, plan(p))).contains("floating"))
    }

    func testCrushedFragileBox() {
        let p = [at("b", 0, 0, 0), at("a", 2, 0, 0), at("g", 4, 0, 0), at("h", 4, 0, 2)]
        let report = LoadingCheck.check(problem, plan(p))
        XCTAssertTrue(rules(report).contains("non-fragile \"h\" rests on fragile \"g\""), rules(report))
    }

    func testLoadBearingLimit() {
        // h (60) on a, whose maxLoadOnTop is 15.
        let p = [at("b", 0, 0, 0), at("a", 2, 0, 0), at("g", 4, 0, 0), at("h", 2, 0, 2)]
        let report = LoadingCheck.check(problem, plan(p))
        XCTAssertTrue(rules(report).contains("crushed: 60.0 rests on \"a\""), rules(report))
    }

    func testBlockedEarlierStop() {
        // b (stop s2, unloaded second) between the door and a (stop s1).
        let p = [at("a", 0, 0, 0), at("b", 2, 0, 0), at("g", 4, 0, 0), at("h", 6, 0, 0)]
        let report = LoadingCheck.check(problem, plan(p))
        XCTAssertTrue(rules(report).contains("blocked: \"b\" of later stop \"s2\" is between the door and \"a\""), rules(report))
        // b on top of a.
        let q = [at("a", 0, 0, 0), at("b", 0, 0, 2), at("g", 4, 0, 0), at("h", 6, 0, 0)]
        XCTAssertTrue(rules(LoadingCheck.check(problem, plan(q))).contains("is above \"a\""))
    }

    func testOutsideTheSpace() {
        var p = valid
        p[3] = at("h", 9, 0, 0)
        let report = LoadingCheck.check(problem, plan(p))
        XCTAssertTrue(rules(report).contains("placements[3]: outside the cargo space"), rules(report))
    }

    func testWrongOrientation() {
        var p = valid
        p[3] = at("h", 6, 0, 0, 4, 2, 2)   // h may not rotate
        XCTAssertTrue(rules(LoadingCheck.check(problem, plan(p))).contains("not an allowed orientation"))
    }

    func testOverweight() {
        var light = problem
        light.vehicleTypes[0].weightLimit = 90
        let report = LoadingCheck.check(light, plan(valid))
        XCTAssertTrue(rules(report).contains("vehicles[0].weight: overweight: the items weigh 95.0, the limit is 90.0"), rules(report))
    }

    func testItemsOnceAndAccounted() {
        // g placed twice, h neither loaded nor unassigned.
        var p = valid
        p[3] = at("g", 6, 0, 0)
        let report = LoadingCheck.check(problem, plan(p, items: ["b", "a", "g", "g"]))
        let text = rules(report)
        XCTAssertTrue(text.contains("item \"g\" is loaded more than once"), text)
        XCTAssertTrue(text.contains("item \"h\" is neither loaded nor listed as unassigned"), text)
        // An item loaded but not placed.
        let q = plan(Array(valid.prefix(3)), items: ["b", "a", "g", "h"])
        XCTAssertTrue(rules(LoadingCheck.check(problem, q)).contains("item \"h\" is loaded but not placed"))
    }

    func testStatedFiguresRecomputed() {
        var p = plan(valid)
        p.objective = 4
        p.vehicles![0].weight = 1
        p.unassigned = ["h"]
        let text = rules(LoadingCheck.check(problem, p))
        XCTAssertTrue(text.contains("objective: states 4.0, the vehicles cost 5.0"), text)
        XCTAssertTrue(text.contains("vehicles[0].weight: states 1.0"), text)
        XCTAssertTrue(text.contains("both loaded and unassigned"), text)
        XCTAssertTrue(text.contains("status: is \"feasible\" but 1 item(s) are unassigned"), text)
    }

    func testPalletOverload() {
        // h takes 2 pallet places, a and b one each: 4 on a van of 3.
        var pallets = problem
        pallets.vehicleTypes[0].maxPallets = 3
        pallets.items[0].pallets = 1
        pallets.items[1].pallets = 1
        pallets.items[3].pallets = 2
        var p = plan(valid)
        p.vehicles![0].pallets = 4
        let text = rules(LoadingCheck.check(pallets, p))
        XCTAssertEqual(text, "vehicles[0].pallets: over the pallet limit: the items take 4.0 pallet(s), the limit is 3.0")
        // A misstated pallet count, within the limit once h is left out.
        pallets.items[3].pallets = 0
        p.vehicles![0].pallets = 1
        XCTAssertEqual(rules(LoadingCheck.check(pallets, p)), "vehicles[0].pallets: states 1.0, the items take 2.0 pallet(s)")
        p.vehicles![0].pallets = 2
        XCTAssertEqual(LoadingCheck.check(pallets, p).violations, [])
    }
}
