import Haul
import HaulCheck
import XCTest

/// The allocation checker on solver plans (accepted) and on hand-made faults (each named).
final class AllocationCheckTests: XCTestCase {
    /// Two warehouses on a line, three orders; costs are unit distances times quantities.
    let problem = AllocationProblem(
        warehouses: [Warehouse(id: "W1", location: .planar(x: 0, y: 0), capacity: 10, stock: ["tea": 6], openingCost: 100),
                     Warehouse(id: "W2", location: .planar(x: 10, y: 0), capacity: 10, openingCost: 50)],
        orders: [Order(id: "o1", location: .planar(x: 1, y: 0), lines: [OrderLine(sku: "tea", quantity: 4)]),
                 Order(id: "o2", location: .planar(x: 9, y: 0), lines: [OrderLine(sku: "", quantity: 5)]),
                 Order(id: "o3", location: .planar(x: 5, y: 0), lines: [OrderLine(sku: "", quantity: 2)])])

    /// o1 and o3 from W1 (costs 4 and 10), o2 from W2 (cost 5); both open: 100 + 50 + 19 = 169.
    func handPlan() -> Plan {
        var plan = Plan(kind: .allocation, status: .feasible, objective: 169, stats: PlanStats(seconds: 0, iterations: 0, solver: "hand"))
        plan.assignments = [AssignmentPlan(order: "o1", warehouse: "W1", quantity: 4, cost: 4),
                            AssignmentPlan(order: "o2", warehouse: "W2", quantity: 5, cost: 5),
                            AssignmentPlan(order: "o3", warehouse: "W1", quantity: 2, cost: 10)]
        plan.openWarehouses = ["W1", "W2"]
        return plan
    }

    func rules(_ plan: Plan, _ problem: AllocationProblem? = nil) -> [String] {
        AllocationCheck.check(problem ?? self.problem, plan).violations.map(\.description)
    }

    func testHandPlanIsAccepted() {
        XCTAssertEqual(rules(handPlan()), [])
    }

    func testSolverPlansPass() throws {
        let plan = try solveBlocking(.allocation(problem), options: SolveOptions(timeLimit: 1))
        XCTAssertEqual(plan.status, .optimal)
        XCTAssertEqual(AllocationCheck.check(problem, plan).violations, [])
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Instances/examples/allocation-small.json")
        let document = try ProblemDocument.decode(Data(contentsOf: url))
        let example = try solveBlocking(document.problem, options: SolveOptions(timeLimit: 2))
        XCTAssertEqual(checkPlan(example, against: document.problem).violations, [])
        var split = problem
        split.mode = .split
        let splitPlan = try solveBlocking(.allocation(split), options: SolveOptions(timeLimit: 1))
        XCTAssertEqual(AllocationCheck.check(split, splitPlan).violations, [])
    }

    func testCapacityStockAndDoubleServiceAreNamed() {
        var plan = handPlan()
        plan.assignments![1] = AssignmentPlan(order: "o2", warehouse: "W1", quantity: 5, cost: 45)
        plan.openWarehouses = ["W1"]
        plan.objective = 159
        XCTAssertEqual(rules(plan), ["assignments: warehouse \"W1\" ships 11.0 units, above its capacity 10.0"])
        var tight = problem
        tight.warehouses[0].stock = ["tea": 3]
        XCTAssertEqual(rules(handPlan(), tight), ["assignments: warehouse \"W1\" ships 4.0 units of SKU \"tea\", above its stock 3.0"])
        plan = handPlan()
        plan.assignments!.append(AssignmentPlan(order: "o3", warehouse: "W2", quantity: 2, cost: 10))
        plan.objective = 179
        let found = rules(plan)
        XCTAssertTrue(found.contains("assignments: orders[2] (\"o3\") is shipped from 2 warehouses; single source allows one"), "\(found)")
    }

    func testUnservedPinnedClosedAndListingAreNamed() {
        var plan = handPlan()
        plan.assignments!.removeLast()
        plan.objective = 159
        XCTAssertEqual(rules(plan), ["assignments: 1 order(s) are not served"])
        var pinned = problem
        pinned.orders[2].warehouse = "W2"
        XCTAssertEqual(rules(handPlan(), pinned), ["assignments[2].warehouse: order \"o3\" must ship from \"W2\""])
        var closed = problem
        closed.warehouses[1].open = false
        XCTAssertTrue(rules(handPlan(), closed).contains("assignments[1].warehouse: \"W2\" is closed (open: false)"))
        plan = handPlan()
        plan.openWarehouses = ["W1"]
        plan.objective = 119
        XCTAssertEqual(rules(plan), ["openWarehouses: \"W2\" ships orders but is not listed as open"])
    }

    func testWrongFiguresAreNamed() {
        var plan = handPlan()
        plan.assignments![2].cost = 9
        plan.objective = 168
        plan.bound = 170
        let found = rules(plan)
        XCTAssertTrue(found.contains("assignments[2].cost: states 9.0, recomputed 10.0"), "\(found)")
        XCTAssertTrue(found.contains("objective: states 168.0, recomputed 169.0"), "\(found)")
        XCTAssertTrue(found.contains("bound: the lower bound 170.0 exceeds the recomputed objective 169.0"), "\(found)")
    }

    func testSplitLinesMustAddUp() {
        var split = problem
        split.mode = .split
        var plan = handPlan()
        plan.assignments![0] = AssignmentPlan(order: "o1", warehouse: "W1", sku: "tea", quantity: 3, cost: 3)
        plan.objective = 168
        XCTAssertEqual(rules(plan, split), ["assignments: orders[0] (\"o1\") SKU \"tea\": 3.0 units shipped, 4.0 ordered"])
    }
}
