import XCTest
import HaulCheck
import HaulCore
@testable import HaulLoading

/// 3D placement: every plan is re-checked by the independent `LoadingCheck`.
final class PlacementSolverTests: XCTestCase {
    func solveAndCheck(_ problem: LoadingProblem, timeLimit: Double = 2, seed: UInt64 = 1,
                       file: StaticString = #filePath, line: UInt = #line) -> Plan {
        XCTAssertEqual(problem.validationIssues(), [], file: file, line: line)
        let plan = LoadingSolver.solve(problem, options: SolveOptions(timeLimit: timeLimit, seed: seed))
        let report = LoadingCheck.check(problem, plan)
        XCTAssertEqual(report.violations, [], file: file, line: line)
        return plan
    }

    /// Cuts an `l x w x h` box by random guillotine cuts into `pieces` boxes with integer sides.
    func guillotine(_ l: Int, _ w: Int, _ h: Int, pieces: Int, seed: UInt64) -> [LoadingItem] {
        var rng = SplitMix64(seed: seed)
        var boxes = [(l, w, h)]
        var attempts = 0
        while boxes.count < pieces && attempts < 1000 {
            attempts += 1
            let k = Int(rng.next() % UInt64(boxes.count))
            var b = [boxes[k].0, boxes[k].1, boxes[k].2]
            let axis = Int(rng.next() % 3)
            guard b[axis] >= 2 else { continue }
            let cut = 1 + Int(rng.next() % UInt64(b[axis] - 1))
            var c = b
            b[axis] = cut
            c[axis] -= cut
            boxes[k] = (b[0], b[1], b[2])
            boxes.append((c[0], c[1], c[2]))
        }
        return boxes.enumerated().map { k, b in
            LoadingItem(id: "p\(k)", weight: Double(b.0 * b.1 * b.2), length: Double(b.0), width: Double(b.1), height: Double(b.2))
        }
    }

    func testGuillotineCutsArePackedCompletely() {
        for seed in UInt64(1)...6 {
            let items = guillotine(10, 8, 6, pieces: 8, seed: seed)
            let problem = LoadingProblem(vehicleTypes: [LoadingVehicleType(id: "box", cargoSpace: CargoSpace(length: 10, width: 8, height: 6))],
                                         items: items, placement: true)
            let plan = solveAndCheck(problem, timeLimit: 3, seed: seed)
            XCTAssertEqual(plan.unassigned, [], "seed \(seed)")
            XCTAssertEqual(plan.vehicles?.first?.volume ?? 0, 480, accuracy: 1e-9, "seed \(seed)")
            XCTAssertEqual(plan.status, .optimal)   // one vehicle is the bound
        }
    }

    func testUnloadingOrderWithStops() {
        var items: [LoadingItem] = []
        for s in 0..<4 {
            for k in 0..<6 {
                items.append(LoadingItem(id: "s\(s)-\(k)", weight: 10, length: Double(3 + k % 3), width: 4, height: Double(3 + (k + s) % 2),
                                         rotations: .thisSideUp, stop: "c\(s)"))
            }
        }
        let problem = LoadingProblem(vehicleTypes: [LoadingVehicleType(id: "van", cost: 10, cargoSpace: CargoSpace(length: 40, width: 12, height: 10))],
                                     items: items, placement: true, stopOrder: ["c2", "c0", "c3", "c1"])
        let plan = solveAndCheck(problem)
        XCTAssertEqual(plan.unassigned, [])
        // The checker saw the ranks: moving a first-stop box behind a last-stop one breaks the order.
        var broken = plan
        let placements = plan.vehicles![0].placements!
        let first = placements.firstIndex { $0.item.hasPrefix("s2-") }!
        let last = placements.firstIndex { $0.item.hasPrefix("s1-") }!
        var a = placements[first], b = placements[last]
        (a.item, b.item) = (b.item, a.item)
        if a.length == b.length && a.width == b.width && a.height == b.height {
            broken.vehicles![0].placements![first] = a
            broken.vehicles![0].placements![last] = b
            XCTAssertFalse(LoadingCheck.check(problem, broken).isValid)
        }
    }

    func testFragileAndLoadBearing() {
        var items: [LoadingItem] = []
        for k in 0..<12 {
            items.append(LoadingItem(id: "glass\(k)", weight: 2, length: 4, width: 4, height: 3, rotations: .none, fragile: true))
            items.append(LoadingItem(id: "crate\(k)", weight: 30, length: 4, width: 4, height: 3, rotations: .thisSideUp, maxLoadOnTop: 35))
        }
        let problem = LoadingProblem(vehicleTypes: [LoadingVehicleType(id: "van", cargoSpace: CargoSpace(length: 16, width: 8, height: 9))],
                                     items: items, placement: true)
        let plan = solveAndCheck(problem)
        XCTAssertEqual(plan.unassigned, [])   // 24 boxes of 48 in a 16 x 8 x 9 space: 4 x 2 x 3 cells, exactly
    }

    func testTooMuchVolumeKeepsAPartialPlacement() {
        let problem = LoadingGenerator.make(LoadingGeneratorParameters(heterogeneityClass: 3, seed: 4, volumeRatio: 1.1))
        let plan = solveAndCheck(problem, timeLimit: 1)
        XCTAssertEqual(plan.status, .infeasible)
        XCTAssertFalse(plan.unassigned?.isEmpty ?? true)
        let used = plan.vehicles![0].volume / problem.vehicleTypes[0].cargoSpace!.volume
        XCTAssertGreaterThan(used, 0.7)   // a sanity floor, not a quality target (see Benchmarks/README.md)
        XCTAssertNotNil(plan.message)
    }

    func testSeveralVehiclesAndWeightLimit() {
        let items = (0..<30).map { LoadingItem(id: "b\($0)", weight: 40, length: 5, width: 4, height: 4) }
        let problem = LoadingProblem(vehicleTypes: [
            LoadingVehicleType(id: "van", count: 5, cost: 50, weightLimit: 400, cargoSpace: CargoSpace(length: 10, width: 8, height: 12)),
        ], items: items, placement: true)
        let plan = solveAndCheck(problem)
        XCTAssertEqual(plan.unassigned, [])
        XCTAssertEqual(plan.vehicles?.count, 3)   // 10 boxes of 40 per van by weight
        XCTAssertEqual(plan.bound ?? 0, 150, accuracy: 1e-6)
        XCTAssertEqual(plan.status, .optimal)
    }

    func testDeterministicForASeedAndCancellable() {
        let items = guillotine(12, 10, 8, pieces: 14, seed: 9)
        let problem = LoadingProblem(vehicleTypes: [LoadingVehicleType(id: "box", cargoSpace: CargoSpace(length: 12, width: 10, height: 8))],
                                     items: items, placement: true)
        let a = LoadingSolver.solve(problem, options: SolveOptions(timeLimit: 2, seed: 3))
        let b = LoadingSolver.solve(problem, options: SolveOptions(timeLimit: 2, seed: 3))
        if a.unassigned == [] && b.unassigned == [] {   // finished before the clock: same search path
            XCTAssertEqual(a.vehicles, b.vehicles)
        }
        let cancelled = LoadingSolver.solve(LoadingGenerator.make(LoadingGeneratorParameters(heterogeneityClass: 7, seed: 1)),
                                            options: SolveOptions(timeLimit: 60, seed: 1, isCancelled: { true }))
        XCTAssertNotEqual(cancelled.status, .optimal)
        XCTAssertLessThan(cancelled.stats.iterations, 30)   // stopped after the first constructions
    }

    func testDocumentRoundTripAndValidation() throws {
        let problem = LoadingGenerator.make(LoadingGeneratorParameters(heterogeneityClass: 2, seed: 5))
        let decoded = try ProblemDocument.decode(Data(problem.documentJSON(timeLimit: 1).utf8))
        XCTAssertEqual(decoded.problem, .loading(problem))
        let bad = """
        {"kind": "loading", "placement": true, "stopOrder": ["a", "a"],
         "vehicleTypes": [{"id": "v"}, {"id": "w", "cargoSpace": {"length": 2, "width": 2, "height": 2, "supportFraction": 1.5}}],
         "items": [{"id": "i", "weight": 1, "length": 1, "width": 1, "height": 1, "stop": "b", "maxLoadOnTop": -1}]}
        """
        XCTAssertThrowsError(try ProblemDocument.decode(Data(bad.utf8))) { error in
            let text = (error as? InvalidProblemError)?.description ?? ""
            for expected in ["vehicleTypes[0].cargoSpace: is required when placement is true",
                             "vehicleTypes[1].cargoSpace.supportFraction: must be between 0 and 1",
                             "stopOrder[1]: duplicate stop \"a\"", "items[0].stop: stop \"b\" is not in stopOrder",
                             "items[0].maxLoadOnTop"] {
                XCTAssertTrue(text.contains(expected), "missing \(expected) in \(text)")
            }
        }
    }

    func testGeneratorClasses() {
        for k in 1...7 {
            let p = LoadingGenerator.make(LoadingGeneratorParameters(heterogeneityClass: k, seed: 2))
            let shapes = Set(p.items.map { "\($0.length)x\($0.width)x\($0.height)" })
            XCTAssertLessThanOrEqual(shapes.count, LoadingGeneratorParameters.typesPerClass[k - 1])
            XCTAssertGreaterThanOrEqual(p.items.reduce(0) { $0 + $1.volume }, 587 * 233 * 220)
            XCTAssertEqual(p, LoadingGenerator.make(LoadingGeneratorParameters(heterogeneityClass: k, seed: 2)))
        }
    }

    /// With placement, each vehicle keeps its pallet places: six one-pallet boxes and two loose
    /// parcels in vans of two pallet places (all would fit one van's space and weight): three vans.
    func testPlacementKeepsPalletLimits() {
        var items = (0..<6).map { LoadingItem(id: "p\($0)", weight: 10, length: 1, width: 1, height: 1, pallets: 1) }
        items += (0..<2).map { LoadingItem(id: "loose\($0)", weight: 1, length: 0.5, width: 0.5, height: 0.5) }
        let van = LoadingVehicleType(id: "van", count: 5, cost: 10, weightLimit: 1000, maxPallets: 2,
                                     cargoSpace: CargoSpace(length: 4, width: 2, height: 2))
        let problem = LoadingProblem(vehicleTypes: [van], items: items, placement: true)
        let plan = solveAndCheck(problem, timeLimit: 2)
        XCTAssertEqual(plan.unassigned, [])
        XCTAssertEqual(plan.objective, 30)
        XCTAssertEqual(plan.status, .optimal)     // the pallet row of the aggregate bound: 6 / 2 vans
        XCTAssertEqual(plan.vehicles?.map { $0.pallets ?? -1 }, [2, 2, 2])
        XCTAssertEqual(plan.vehicles?.reduce(0) { $0 + $1.placements!.count }, 8)
    }

    /// An explicit volume limit below the cargo space's volume holds with placement too.
    func testPlacementKeepsAnExplicitVolumeLimit() {
        let items = (0..<5).map { LoadingItem(id: "b\($0)", weight: 1, length: 1, width: 1, height: 1) }
        let van = LoadingVehicleType(id: "van", count: 5, cost: 1, volumeLimit: 2, cargoSpace: CargoSpace(length: 4, width: 2, height: 2))
        let problem = LoadingProblem(vehicleTypes: [van], items: items, placement: true)
        let plan = solveAndCheck(problem, timeLimit: 2)
        XCTAssertEqual(plan.unassigned, [])
        XCTAssertEqual(plan.objective, 3)
        XCTAssertTrue(plan.vehicles!.allSatisfy { $0.volume <= 2 + 1e-9 })
        XCTAssertNil(plan.vehicles?.first?.pallets)   // no pallets in the problem: none stated
    }
}
