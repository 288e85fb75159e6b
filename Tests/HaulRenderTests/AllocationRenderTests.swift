import Foundation
import Haul
import HaulRender
import XCTest

/// Allocation pictures: warehouses open and closed, orders by warehouse, the longest assignments.
final class AllocationRenderTests: XCTestCase {
    func testSolvedExampleMarksOpenAndClosedWarehouses() throws {
        let (problem, plan) = try RenderTestSupport.solvedExample("allocation-small")
        guard case let .allocation(allocation) = problem else { return XCTFail("not allocation") }
        let (_, svg) = try RenderTestSupport.render(problem, plan)
        let warehouses = svg.withClass("warehouse")
        XCTAssertEqual(warehouses.map { $0.attributes["data-id"] ?? "" }, allocation.warehouses.map(\.id))
        let open = Set(plan.openWarehouses ?? [])
        XCTAssertFalse(open.isEmpty)
        for w in warehouses {
            XCTAssertEqual(w.attributes["data-open"], open.contains(w.attributes["data-id"]!) ? "true" : "false", w.attributes["data-id"]!)
        }
        let orders = svg.withClass("order")
        XCTAssertEqual(orders.map { $0.attributes["data-id"] ?? "" }, allocation.orders.map(\.id))
        let shipping = Dictionary(plan.assignments!.map { ($0.order, $0.warehouse) }, uniquingKeysWith: { a, _ in a })
        for o in orders { XCTAssertEqual(o.attributes["data-warehouse"], shipping[o.attributes["data-id"]!]) }
        XCTAssertEqual(svg.legendLine("open"), "Open warehouses: \(open.count)")
        XCTAssertEqual(svg.legendLine("closed"), "Closed warehouses: \(allocation.warehouses.count - open.count)")
    }

    /// Four orders on a line east of one warehouse; the farthest is the longest assignment.
    func lineProblem() -> (AllocationProblem, Plan) {
        let problem = AllocationProblem(
            warehouses: [Warehouse(id: "W", location: .planar(x: 0, y: 0), capacity: 100),
                         Warehouse(id: "X", location: .planar(x: 0, y: 50), capacity: 100, openingCost: 10)],
            orders: (1...20).map { Order(id: "o\($0)", location: .planar(x: Double($0), y: 0), lines: [OrderLine(sku: "", quantity: 1)]) })
        var plan = Plan(kind: .allocation, status: .feasible, objective: 210, stats: RenderTestSupport.stats())
        plan.assignments = problem.orders.map { AssignmentPlan(order: $0.id, warehouse: "W", quantity: 1, cost: 1) }
        plan.openWarehouses = ["W"]
        return (problem, plan)
    }

    func testTheLongestAssignmentsAreHighlighted() throws {
        let (problem, plan) = lineProblem()
        let (_, svg) = try RenderTestSupport.render(.allocation(problem), plan)
        let lines = svg.withClass("assignment")
        XCTAssertEqual(lines.count, 20)
        XCTAssertEqual(svg.withClass("longest").map { $0.attributes["data-order"] }, ["o20"], "5% of 20 is one")
        let (_, wider) = try RenderTestSupport.render(.allocation(problem), plan, options: RenderOptions(longestShare: 0.2))
        XCTAssertEqual(Set(wider.withClass("longest").compactMap { $0.attributes["data-order"] }), ["o17", "o18", "o19", "o20"])
        XCTAssertEqual(svg.withClass("warehouse").map { $0.attributes["data-open"] }, ["true", "false"])
    }

    func testSplitOrdersTakeTheColourOfTheirMainWarehouse() throws {
        var (problem, plan) = lineProblem()
        problem.mode = .split
        plan.assignments![0] = AssignmentPlan(order: "o1", warehouse: "X", sku: "", quantity: 0.75, cost: 1)
        plan.assignments!.append(AssignmentPlan(order: "o1", warehouse: "W", sku: "", quantity: 0.25, cost: 1))
        plan.openWarehouses = ["W", "X"]
        let (_, svg) = try RenderTestSupport.render(.allocation(problem), plan)
        XCTAssertEqual(svg.withClass("order").first?.attributes["data-warehouse"], "X")
        XCTAssertEqual(svg.withClass("assignment").filter { $0.attributes["data-order"] == "o1" }.count, 2)
    }

    func testCostMatrixWithoutLocationsIsSchematic() throws {
        let problem = AllocationProblem(
            warehouses: [Warehouse(id: "A", capacity: 10), Warehouse(id: "B", capacity: 10)],
            orders: [Order(id: "x", lines: [OrderLine(sku: "", quantity: 1)]), Order(id: "y", lines: [OrderLine(sku: "", quantity: 1)])],
            costs: [[1, 5], [4, 2]])
        var plan = Plan(kind: .allocation, status: .optimal, objective: 3, stats: RenderTestSupport.stats())
        plan.assignments = [AssignmentPlan(order: "x", warehouse: "A", quantity: 1, cost: 1),
                            AssignmentPlan(order: "y", warehouse: "B", quantity: 1, cost: 2)]
        plan.openWarehouses = ["A", "B"]
        let (_, svg) = try RenderTestSupport.render(.allocation(problem), plan)
        XCTAssertEqual(svg.legendLine("layout"), "Schematic circular layout: no coordinates")
        XCTAssertEqual(svg.withClass("longest").map { $0.attributes["data-order"] }, ["y"], "ranked by cost without coordinates")
    }

    func testUnknownWarehouseIsNamed() {
        var (problem, plan) = lineProblem()
        plan.assignments![3].warehouse = "nope"
        XCTAssertThrowsError(try PlanRenderer.svg(problem: .allocation(problem), plan: plan)) { error in
            XCTAssertEqual((error as? RenderError)?.description, "assignments[3].warehouse: names unknown warehouse \"nope\"")
        }
        problem.orders.removeLast()
        plan = lineProblem().1
        XCTAssertThrowsError(try PlanRenderer.svg(problem: .allocation(problem), plan: plan)) { error in
            XCTAssertEqual((error as? RenderError)?.description, "assignments[19].order: names unknown order \"o20\"")
        }
    }
}
