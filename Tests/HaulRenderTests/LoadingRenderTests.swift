import Foundation
import Haul
import HaulRender
import XCTest

/// Loading pictures: one box per placement, painter's order, fill bars without placements.
final class LoadingRenderTests: XCTestCase {
    func testSolvedPlacementExampleDrawsEveryBox() throws {
        let (problem, plan) = try RenderTestSupport.solvedExample("loading-placement", timeLimit: 1)
        let (_, svg) = try RenderTestSupport.render(problem, plan)
        let placements = (plan.vehicles ?? []).flatMap { $0.placements ?? [] }
        XCTAssertFalse(placements.isEmpty)
        let boxes = svg.withClass("box").filter { $0.name == "g" }
        XCTAssertEqual(boxes.count, placements.count)
        XCTAssertEqual(Set(boxes.compactMap { $0.attributes["data-item"] }), Set(placements.map(\.item)))
        XCTAssertEqual(svg.legendLine("boxes"), "Boxes placed: \(placements.count)")
        XCTAssertEqual(svg.elements.filter { $0.classes.contains("cargo-space") }.count, plan.vehicles!.count)
    }

    func testVehiclesWithoutPlacementsGetFillBars() throws {
        let (problem, plan) = try RenderTestSupport.solvedExample("loading-small")
        let (_, svg) = try RenderTestSupport.render(problem, plan)
        let bars = svg.withClass("fill-bar")
        XCTAssertEqual(bars.count, 2 * plan.vehicles!.count)
        XCTAssertEqual(bars.filter { $0.attributes["data-measure"] == "weight" }.count, plan.vehicles!.count)
        XCTAssertEqual(svg.withClass("box").count, 0)
    }

    /// A 4 x 2 x 2 space; the boxes as given.
    func placed(_ boxes: [(String, Double, Double, Double)]) -> (LoadingProblem, Plan) {
        let problem = LoadingProblem(
            vehicleTypes: [LoadingVehicleType(id: "van", count: 1, cost: 1, cargoSpace: CargoSpace(length: 4, width: 2, height: 2))],
            items: boxes.enumerated().map { k, b in
                LoadingItem(id: b.0, weight: 1, length: 1, width: 1, height: 1, fragile: k == 0, stop: k % 2 == 0 ? "first" : "second")
            },
            placement: true)
        var plan = Plan(kind: .loading, status: .feasible, objective: 1, stats: RenderTestSupport.stats())
        plan.vehicles = [LoadedVehiclePlan(vehicleType: "van", vehicle: 0, items: boxes.map(\.0), weight: Double(boxes.count),
                                           volume: Double(boxes.count), cost: 1,
                                           placements: boxes.map { PlacementPlan(item: $0.0, x: $0.1, y: $0.2, z: $0.3, length: 1, width: 1, height: 1) })]
        return (problem, plan)
    }

    func testNearerBoxesAreDrawnLater() throws {
        // Listed near to far: the door end (high x), the right side (high y) and the top are nearer the viewer.
        let (problem, plan) = placed([("top", 0, 0, 1), ("door", 1, 0, 0), ("side", 0, 1, 0), ("corner", 0, 0, 0)])
        let (_, svg) = try RenderTestSupport.render(.loading(problem), plan)
        let order = svg.withClass("box").compactMap { $0.attributes["data-item"] }
        XCTAssertEqual(order.first, "corner")
        for item in ["top", "door", "side"] {
            XCTAssertLessThan(order.firstIndex(of: "corner")!, order.firstIndex(of: item)!, item)
        }
        XCTAssertEqual(svg.withClass("fragile").compactMap { $0.attributes["data-item"] }, ["top"])
        XCTAssertEqual(svg.withClass("box").first { $0.attributes["data-item"] == "door" }?.attributes["data-stop"], "second")
    }

    func testUnknownItemsAndKindsAreRefused() {
        var (problem, plan) = placed([("a", 0, 0, 0)])
        plan.vehicles![0].placements![0].item = "ghost"
        XCTAssertThrowsError(try PlanRenderer.svg(problem: .loading(problem), plan: plan)) { error in
            XCTAssertEqual((error as? RenderError)?.description, "vehicles[0].placements[0].item: names unknown item \"ghost\"")
        }
        plan = placed([("a", 0, 0, 0)]).1
        plan.vehicles![0].vehicleType = "lorry"
        XCTAssertThrowsError(try PlanRenderer.svg(problem: .loading(problem), plan: plan)) { error in
            XCTAssertEqual((error as? RenderError)?.description, "vehicles[0].vehicleType: names unknown vehicle type \"lorry\"")
        }
        problem.placement = false
        XCTAssertThrowsError(try PlanRenderer.svg(problem: .allocation(AllocationProblem(warehouses: [], orders: [])), plan: plan)) { error in
            XCTAssertEqual(error as? RenderError, .kindMismatch(problem: .allocation, plan: .loading))
        }
    }

    func testPalletsGetAFillBarAndALegendLine() throws {
        let problem = LoadingProblem(
            vehicleTypes: [LoadingVehicleType(id: "van", count: 1, cost: 1, weightLimit: 10, maxPallets: 4)],
            items: [LoadingItem(id: "a", weight: 2, length: 1, width: 1, height: 1, pallets: 3)])
        var plan = Plan(kind: .loading, status: .feasible, objective: 1, stats: RenderTestSupport.stats())
        plan.vehicles = [LoadedVehiclePlan(vehicleType: "van", vehicle: 0, items: ["a"], weight: 2, volume: 1, cost: 1, pallets: 3)]
        let (_, svg) = try RenderTestSupport.render(.loading(problem), plan)
        let bar = svg.withClass("fill-bar").first { $0.attributes["data-measure"] == "pallets" }
        XCTAssertEqual(bar?.attributes["data-share"], "0.75")
        XCTAssertEqual(svg.legendLine("pallets"), "Pallets: 3")
        XCTAssertNotNil(svg.legendLine("pallet-bar"))
    }
}
