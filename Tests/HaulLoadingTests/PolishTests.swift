import XCTest
import HaulCheck
import HaulCore
@testable import HaulLoading

/// The polish of a packing: the boxes kept after a region is taken out stay supported, and a beam
/// search started from them packs the rest into a plan that the independent `LoadingCheck` accepts.
final class PolishTests: XCTestCase {
    private func problem(heterogeneityClass: Int, seed: UInt64) -> (LoadingProblem, PackingInstance) {
        let problem = LoadingGenerator.make(LoadingGeneratorParameters(heterogeneityClass: heterogeneityClass, seed: seed))
        let inst = PackingInstance(problem: problem, space: problem.vehicleTypes[0].cargoSpace!, weightLimit: nil,
                                   items: Array(problem.items.indices), ranks: [Int?](repeating: nil, count: problem.items.count))
        return (problem, inst)
    }

    /// A plan of one vehicle holding `boxes`, for `LoadingCheck`.
    private func plan(_ boxes: [PlacedBox], _ problem: LoadingProblem, _ inst: PackingInstance) -> Plan {
        let placed = Set(boxes.map { inst.itemIndex[$0.item] })
        // As the solver states a plan that leaves items out (the generated boxes fill about one container).
        let status: PlanStatus = placed.count == problem.items.count ? .feasible : LoadingSolver.lacksCapacity(problem) ? .infeasible : .timeLimit
        var plan = Plan(kind: .loading, status: status, objective: problem.vehicleTypes[0].cost, stats: PlanStats(seconds: 0, iterations: 0, solver: "test"))
        plan.vehicles = [LoadedVehiclePlan(
            vehicleType: problem.vehicleTypes[0].id, vehicle: 0,
            items: boxes.map { problem.items[inst.itemIndex[$0.item]].id },
            weight: boxes.reduce(0) { $0 + problem.items[inst.itemIndex[$1.item]].weight },
            volume: boxes.reduce(0) { $0 + problem.items[inst.itemIndex[$1.item]].volume },
            cost: problem.vehicleTypes[0].cost, pallets: nil,
            placements: boxes.map { b in
                PlacementPlan(item: problem.items[inst.itemIndex[b.item]].id, x: b.x, y: b.y, z: b.z, length: b.l, width: b.w, height: b.h)
            })]
        plan.unassigned = problem.items.indices.filter { !placed.contains($0) }.map { problem.items[$0].id }
        return plan
    }

    func testKeptBoxesStaySupportedAndTheRebuildIsValid() throws {
        for (k, seed) in [(3, UInt64(2)), (7, 1)] {
            let (problem, inst) = problem(heterogeneityClass: k, seed: seed)
            var builder = BlockBuilder(inst: inst, spaceOrder: 3)
            builder.catalog = BlockCatalog.make(inst: inst, members: BlockBuilder.classMembers(inst))
            builder.reachCache = ReachCache(inst)
            let first = builder.beamRun(width: 2, branching: 2)
            XCTAssertEqual(LoadingCheck.check(problem, plan(first.boxes, problem, inst)).violations, [])
            for top in [false, true] {
                for fraction in [0.1, 0.4] {
                    let kept = PlacementSearch.keptForPolish(first.boxes, inst: inst, fraction: fraction, top: top)
                    let label = "class \(k), \(top ? "top" : "door end"), \(fraction)"
                    // At most that share goes (boxes level with the last one taken out stay), with what rests on it.
                    XCTAssertLessThan(kept.count, first.boxes.count, label)
                    XCTAssertGreaterThan(kept.count, 0, label)
                    // The kept boxes alone are a valid packing: nothing kept rested on a box taken out.
                    XCTAssertEqual(LoadingCheck.check(problem, plan(kept, problem, inst)).violations, [], label)
                    let rebuilt = builder.beamRun(width: 2, branching: 2, start: kept)
                    XCTAssertEqual(LoadingCheck.check(problem, plan(rebuilt.boxes, problem, inst)).violations, [], label)
                    let keptVolume = kept.reduce(0) { $0 + inst.volume[$1.item] }
                    XCTAssertGreaterThan(rebuilt.volume, keptVolume, label)
                    XCTAssertEqual(rebuilt.volume, rebuilt.boxes.reduce(0) { $0 + inst.volume[$1.item] }, accuracy: 1e-6 * inst.capacity, label)
                    // Every kept box is still where it was (the items of a class may be relabelled).
                    let positions = Set(rebuilt.boxes.map { [$0.x, $0.y, $0.z, $0.l, $0.w, $0.h] })
                    for b in kept { XCTAssertTrue(positions.contains([b.x, b.y, b.z, b.l, b.w, b.h]), label) }
                }
            }
        }
    }
}
