import XCTest
import HaulCheck
import HaulCore
@testable import HaulLoading

/// An independent checker of a loading plan: every item once, limits, counts, dimensions, cost.
enum LoadingChecker {
    static func check(_ problem: LoadingProblem, _ plan: Plan) -> (errors: [String], cost: Double) {
        var errors: [String] = []
        let items = Dictionary(uniqueKeysWithValues: problem.items.map { ($0.id, $0) })
        let types = Dictionary(uniqueKeysWithValues: problem.vehicleTypes.map { ($0.id, $0) })
        var seen: [String: Int] = [:]
        var used: [String: Int] = [:]
        var cost = 0.0
        for v in plan.vehicles ?? [] {
            guard let type = types[v.vehicleType] else { errors.append("unknown type \(v.vehicleType)"); continue }
            used[type.id, default: 0] += 1
            cost += type.cost
            var weight = 0.0, volume = 0.0, pallets = 0.0
            for id in v.items {
                guard let item = items[id] else { errors.append("unknown item \(id)"); continue }
                seen[id, default: 0] += 1
                weight += item.weight
                volume += item.length * item.width * item.height
                pallets += item.pallets
                if let space = type.cargoSpace {
                    let dims = [item.length, item.width, item.height]
                    let allowed: [[Double]]
                    switch item.rotations {
                    case .none: allowed = [dims]
                    case .thisSideUp: allowed = [dims, [dims[1], dims[0], dims[2]]]
                    case .all: allowed = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]].map { p in p.map { dims[$0] } }
                    }
                    if !allowed.contains(where: { $0[0] <= space.length && $0[1] <= space.width && $0[2] <= space.height }) {
                        errors.append("\(id) does not fit \(type.id)")
                    }
                }
            }
            if weight > (type.weightLimit ?? .infinity) + 1e-9 { errors.append("\(type.id) #\(v.vehicle) overweight") }
            let volumeLimit = type.volumeLimit ?? type.cargoSpace.map { $0.length * $0.width * $0.height } ?? .infinity
            if volume > volumeLimit + 1e-9 { errors.append("\(type.id) #\(v.vehicle) over volume") }
            if pallets > (type.maxPallets ?? .infinity) + 1e-9 { errors.append("\(type.id) #\(v.vehicle) over its pallet places") }
        }
        for (id, n) in used where n > types[id]!.count { errors.append("\(n) vehicles of \(id), only \(types[id]!.count) exist") }
        for item in problem.items {
            let n = seen[item.id, default: 0] + ((plan.unassigned ?? []).contains(item.id) ? 1 : 0)
            if n != 1 { errors.append("item \(item.id) appears \(n) times") }
        }
        return (errors, cost)
    }
}

final class LoadingSolverTests: XCTestCase {
    func testIdenticalItemsAndTheCapacityBound() {
        let items = (0..<10).map { LoadingItem(id: "i\($0)", weight: 100, length: 1, width: 1, height: 1) }
        let p = LoadingProblem(vehicleTypes: [LoadingVehicleType(id: "van", count: 10, cost: 7, weightLimit: 250)], items: items)
        let plan = LoadingSolver.solve(p, options: SolveOptions(timeLimit: 2))
        XCTAssertEqual(LoadingCheck.check(p, plan).violations, [])
        let check = LoadingChecker.check(p, plan)
        XCTAssertEqual(check.errors, [])
        XCTAssertEqual(plan.objective, check.cost, accuracy: 1e-9)
        XCTAssertEqual(plan.vehicles?.count, 5)          // two items per van
        // 1000 kg / 250 kg: the aggregate bound says four vans; the set-covering LP says five.
        XCTAssertEqual(VehicleCountBound.compute(p, timeLimit: 1) ?? -1, 4 * 7, accuracy: 1e-6)
        XCTAssertEqual(plan.bound ?? -1, 5 * 7, accuracy: 1e-6)
        XCTAssertEqual(plan.status, .optimal)
        XCTAssertEqual(plan.gap ?? -1, 0, accuracy: 1e-9)
    }

    func testColumnGenerationBoundAndDive() {
        // Six items of 60 kg and three of 45 in vans of 100 kg: the aggregate bound says 5 vans
        // (495 kg), but no van holds two 60s or a 60 and a 45: the set-covering LP says 7.5, so 8.
        let weights: [Double] = [60, 60, 60, 60, 60, 60, 45, 45, 45]
        let items = weights.enumerated().map { LoadingItem(id: "i\($0)", weight: $1, length: 1, width: 1, height: 1) }
        let p = LoadingProblem(vehicleTypes: [LoadingVehicleType(id: "van", count: 9, cost: 10, weightLimit: 100)], items: items)
        let plan = LoadingSolver.solve(p, options: SolveOptions(timeLimit: 3))
        XCTAssertEqual(LoadingCheck.check(p, plan).violations, [])
        XCTAssertEqual(LoadingChecker.check(p, plan).errors, [])
        XCTAssertNotNil(plan.bound)
        XCTAssertLessThanOrEqual(plan.bound!, plan.objective + 1e-9)
        XCTAssertEqual(VehicleCountBound.compute(p, timeLimit: 1) ?? -1, 50, accuracy: 1e-6)
        XCTAssertEqual(plan.bound ?? -1, 80, accuracy: 1e-6)
        XCTAssertEqual(plan.objective, 80)
        XCTAssertEqual(plan.status, .optimal)
        XCTAssertTrue(plan.stats.solver.contains("column generation"))
    }

    func testExactFillIsProvenOptimal() {
        let items = [60, 40, 70, 30, 50, 50].enumerated().map { LoadingItem(id: "i\($0)", weight: Double($1), length: 1, width: 1, height: 1) }
        let p = LoadingProblem(vehicleTypes: [LoadingVehicleType(id: "t", count: 5, cost: 1, weightLimit: 100)], items: items)
        let plan = LoadingSolver.solve(p, options: SolveOptions(timeLimit: 2))
        XCTAssertEqual(LoadingCheck.check(p, plan).violations, [])
        XCTAssertEqual(LoadingChecker.check(p, plan).errors, [])
        XCTAssertEqual(plan.objective, 3)
        XCTAssertEqual(plan.status, .optimal)
    }

    func testMixedFleetVolumeAndDimensions() {
        var items: [LoadingItem] = []
        for k in 0..<30 { items.append(LoadingItem(id: "b\(k)", weight: Double(20 + k % 7 * 15), length: 0.6, width: 0.5, height: 0.4 + Double(k % 3) * 0.2)) }
        items.append(LoadingItem(id: "long", weight: 50, length: 4, width: 0.3, height: 0.3))
        let p = LoadingProblem(vehicleTypes: [
            LoadingVehicleType(id: "small", count: 6, cost: 50, weightLimit: 500, cargoSpace: CargoSpace(length: 2, width: 1.2, height: 1.2)),
            LoadingVehicleType(id: "big", count: 2, cost: 120, weightLimit: 1500, cargoSpace: CargoSpace(length: 5, width: 2, height: 2)),
        ], items: items)
        XCTAssertEqual(p.validationIssues(), [])
        let plan = LoadingSolver.solve(p, options: SolveOptions(timeLimit: 2))
        XCTAssertEqual(LoadingCheck.check(p, plan).violations, [])
        let check = LoadingChecker.check(p, plan)
        XCTAssertEqual(check.errors, [])
        XCTAssertEqual(plan.unassigned, [])
        XCTAssertEqual(plan.objective, check.cost, accuracy: 1e-9)
        XCTAssertLessThanOrEqual(plan.bound ?? .infinity, plan.objective)
        XCTAssertTrue(plan.vehicles!.contains { $0.vehicleType == "big" && $0.items.contains("long") })
    }

    func testTooFewVehiclesLeavesItemsUnassigned() {
        let items = (0..<5).map { LoadingItem(id: "i\($0)", weight: 80, length: 1, width: 1, height: 1) }
        let p = LoadingProblem(vehicleTypes: [LoadingVehicleType(id: "van", count: 4, cost: 1, weightLimit: 100)], items: items)
        let plan = LoadingSolver.solve(p, options: SolveOptions(timeLimit: 1))
        XCTAssertEqual(LoadingCheck.check(p, plan).violations, [])
        XCTAssertEqual(LoadingChecker.check(p, plan).errors, [])
        // 400 kg of capacity for 400 kg of items, but no two items share a van: one is left over, and as
        // the totals would fit, infeasibility is not proven: the status says no complete plan was found.
        XCTAssertEqual(plan.status, .timeLimit)
        XCTAssertEqual(plan.unassigned?.count, 1)
        XCTAssertTrue(LoadingSolver.lacksCapacity(LoadingProblem(vehicleTypes: p.vehicleTypes, items: items + items)))
        XCTAssertFalse(LoadingSolver.lacksCapacity(p))
    }

    /// Pallets, not weight or volume, bind: five items of 0.6 pallets in vans of one pallet place
    /// (weight and volume would take all five in one van): no two share a van, so five vans.
    func testPalletsBindTheVehicleCount() {
        let items = (0..<5).map { LoadingItem(id: "p\($0)", weight: 1, length: 0.5, width: 0.5, height: 0.5, pallets: 0.6) }
        let van = LoadingVehicleType(id: "van", count: 10, cost: 10, weightLimit: 1000, maxPallets: 1,
                                     cargoSpace: CargoSpace(length: 2, width: 2, height: 2))
        let p = LoadingProblem(vehicleTypes: [van], items: items)
        XCTAssertEqual(p.validationIssues(), [])
        let plan = LoadingSolver.solve(p, options: SolveOptions(timeLimit: 3))
        XCTAssertEqual(LoadingCheck.check(p, plan).violations, [])
        XCTAssertEqual(LoadingChecker.check(p, plan).errors, [])
        XCTAssertEqual(plan.objective, 50)
        XCTAssertEqual(plan.vehicles?.map(\.pallets), [0.6, 0.6, 0.6, 0.6, 0.6])
        // The aggregate bound sees 3 pallets in all (three vans); the set-covering LP proves five.
        XCTAssertEqual(VehicleCountBound.compute(p, timeLimit: 1) ?? -1, 30, accuracy: 1e-6)
        XCTAssertEqual(plan.bound ?? -1, 50, accuracy: 1e-6)
        XCTAssertEqual(plan.status, .optimal)
        // The same items without the pallet limit: one van.
        var loose = p
        loose.vehicleTypes[0].maxPallets = nil
        let one = LoadingSolver.solve(loose, options: SolveOptions(timeLimit: 1))
        XCTAssertEqual(LoadingCheck.check(loose, one).violations, [])
        XCTAssertEqual(one.objective, 10)
    }

    /// Seven one-pallet items: a truck of six pallet places and a van of two (35) beat four vans (40).
    func testPalletsChooseTheFleet() {
        let items = (0..<7).map { LoadingItem(id: "p\($0)", weight: 5, length: 1, width: 1, height: 1, pallets: 1) }
        let p = LoadingProblem(vehicleTypes: [
            LoadingVehicleType(id: "van", count: 5, cost: 10, weightLimit: 500, maxPallets: 2),
            LoadingVehicleType(id: "truck", count: 1, cost: 25, weightLimit: 500, maxPallets: 6),
        ], items: items)
        let plan = LoadingSolver.solve(p, options: SolveOptions(timeLimit: 2))
        XCTAssertEqual(LoadingCheck.check(p, plan).violations, [])
        XCTAssertEqual(LoadingChecker.check(p, plan).errors, [])
        XCTAssertEqual(plan.objective, 35)
        XCTAssertEqual(plan.status, .optimal)
        XCTAssertEqual(Set(plan.vehicles!.map(\.vehicleType)), ["van", "truck"])
    }

    /// Five one-pallet items and two vans of two pallet places: infeasible, and the message says why.
    func testPalletShortageIsInfeasible() {
        let items = (0..<5).map { LoadingItem(id: "p\($0)", weight: 1, length: 1, width: 1, height: 1, pallets: 1) }
        let p = LoadingProblem(vehicleTypes: [LoadingVehicleType(id: "van", count: 2, cost: 1, maxPallets: 2)], items: items)
        XCTAssertEqual(p.validationIssues(), [])
        XCTAssertEqual(LoadingSolver.lackingCapacity(p), ["pallet"])
        let plan = LoadingSolver.solve(p, options: SolveOptions(timeLimit: 1))
        XCTAssertEqual(LoadingCheck.check(p, plan).violations, [])
        XCTAssertEqual(LoadingChecker.check(p, plan).errors, [])
        XCTAssertEqual(plan.status, .infeasible)
        XCTAssertEqual(plan.unassigned?.count, 1)
        XCTAssertTrue(plan.message?.contains("pallet capacity") ?? false, plan.message ?? "")
    }
}
