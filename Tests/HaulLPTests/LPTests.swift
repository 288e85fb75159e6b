import XCTest
@testable import HaulLP

final class LPTests: XCTestCase {
    private let presolveSettings = [true, false]

    func testTextbookMaximisation() throws {
        // max 3x + 2y  s.t.  x + y <= 4, x + 3y <= 6, x <= 3  ->  11 at (3, 1)
        for presolve in presolveSettings {
            var model = LinearModel(direction: .maximize)
            let x = model.addVariable(cost: 3, name: "x")
            let y = model.addVariable(cost: 2, name: "y")
            model.addConstraint([(x, 1), (y, 1)], .lessOrEqual, 4)
            model.addConstraint([(x, 1), (y, 3)], .lessOrEqual, 6)
            model.addConstraint([(x, 1)], .lessOrEqual, 3)
            let s = try LPSolver.solveLP(model, options: SolveOptions(presolve: presolve))
            XCTAssertEqual(s.status, .optimal)
            XCTAssertEqual(s.objective ?? .nan, 11, accuracy: 1e-9)
            XCTAssertEqual(s[x], 3, accuracy: 1e-9)
            XCTAssertEqual(s[y], 1, accuracy: 1e-9)
            XCTAssertEqual(s.bound ?? .nan, 11, accuracy: 1e-9)
            XCTAssertEqual(s.gap ?? .nan, 0, accuracy: 1e-12)
            XCTAssertEqual(s.nodes, 0)
            XCTAssertTrue(s.hasSolution)
        }
    }

    func testDualsAndReducedCostsOfWyndor() throws {
        // max 3x + 5y s.t. x <= 4, 2y <= 12, 3x + 2y <= 18: optimum (2, 6) = 36,
        // shadow prices (0, 1.5, 1), both variables basic (reduced cost 0).
        var model = LinearModel(direction: .maximize)
        let x = model.addVariable(cost: 3)
        let y = model.addVariable(cost: 5)
        let plant1 = model.addConstraint([(x, 1)], .lessOrEqual, 4)
        let plant2 = model.addConstraint([(y, 2)], .lessOrEqual, 12)
        let plant3 = model.addConstraint([(x, 3), (y, 2)], .lessOrEqual, 18)
        for presolve in presolveSettings {
            let s = try LPSolver.solveLP(model, options: SolveOptions(presolve: presolve))
            XCTAssertEqual(s.status, .optimal)
            XCTAssertEqual(s.objective ?? .nan, 36, accuracy: 1e-9)
            XCTAssertEqual(s[x], 2, accuracy: 1e-9)
            XCTAssertEqual(s[y], 6, accuracy: 1e-9)
            let duals = try XCTUnwrap(s.duals)
            XCTAssertEqual(duals.count, 3)
            XCTAssertEqual(s.dual(plant1), 0, accuracy: 1e-9)
            XCTAssertEqual(s.dual(plant2), 1.5, accuracy: 1e-9)
            XCTAssertEqual(s.dual(plant3), 1, accuracy: 1e-9)
            let reduced = try XCTUnwrap(s.reducedCosts)
            XCTAssertEqual(reduced, [0, 0])
        }
    }

    func testMinimisationDualsAndReducedCost() throws {
        // min 2x + 3y + 4z s.t. x + y >= 4, x + 3y >= 6: optimum (3, 1, 0) = 9,
        // duals (1.5, 0.5); z is nonbasic with reduced cost 4.
        var model = LinearModel()
        let x = model.addVariable(cost: 2)
        let y = model.addVariable(cost: 3)
        let z = model.addVariable(cost: 4)
        let r0 = model.addConstraint([(x, 1), (y, 1)], .greaterOrEqual, 4)
        let r1 = model.addConstraint([(x, 1), (y, 3)], .greaterOrEqual, 6)
        let s = try LPSolver.solveLP(model)
        XCTAssertEqual(s.status, .optimal)
        XCTAssertEqual(s.objective ?? .nan, 9, accuracy: 1e-9)
        XCTAssertEqual(s[x], 3, accuracy: 1e-9)
        XCTAssertEqual(s[y], 1, accuracy: 1e-9)
        XCTAssertEqual(s[z], 0, accuracy: 1e-9)
        XCTAssertEqual(s.dual(r0), 1.5, accuracy: 1e-9)
        XCTAssertEqual(s.dual(r1), 0.5, accuracy: 1e-9)
        XCTAssertEqual(s.reducedCosts?[z.index] ?? .nan, 4, accuracy: 1e-9)
    }

    func testMinimisationWithGreaterEqualAndEqualityRows() throws {
        // min 2x + 3y + z + 10 s.t. x + y >= 2, x - z = 1, y + z >= 1 -> 3(x + y) - 1 + 10 = 15.
        for presolve in presolveSettings {
            var model = LinearModel()
            model.objectiveConstant = 10
            let x = model.addVariable(cost: 2)
            let y = model.addVariable(cost: 3)
            let z = model.addVariable(cost: 1)
            model.addConstraint([(x, 1), (y, 1)], .greaterOrEqual, 2)
            model.addConstraint([(x, 1), (z, -1)], .equal, 1)
            model.addConstraint([(y, 1), (z, 1)], .greaterOrEqual, 1)
            let s = try LPSolver.solveLP(model, options: SolveOptions(presolve: presolve))
            XCTAssertEqual(s.status, .optimal)
            XCTAssertEqual(s.objective ?? .nan, 15, accuracy: 1e-9)
            XCTAssertEqual(s[x] - s[z], 1, accuracy: 1e-9)
            XCTAssertTrue(model.isFeasible(s.values), "\(model.feasibilityViolations(s.values))")
        }
    }

    func testFreeVariables() throws {
        // min t s.t. t >= x - 3, t >= 3 - x, x <= 1 with x, t free: x = 1, t = 2.
        // A free variable with a negative optimum: min y s.t. y >= -7.5 (row), y free.
        for presolve in presolveSettings {
            var model = LinearModel()
            let x = model.addVariable(lower: -.infinity, upper: .infinity)
            let t = model.addVariable(lower: -.infinity, cost: 1)
            let y = model.addVariable(lower: -.infinity, cost: 1)
            model.addConstraint([(t, 1), (x, -1)], .greaterOrEqual, -3)
            model.addConstraint([(t, 1), (x, 1)], .greaterOrEqual, 3)
            model.addConstraint([(x, 1)], .lessOrEqual, 1)
            model.addConstraint([(y, 2)], .greaterOrEqual, -15)
            let s = try LPSolver.solveLP(model, options: SolveOptions(presolve: presolve))
            XCTAssertEqual(s.status, .optimal)
            XCTAssertEqual(s[x], 1, accuracy: 1e-9)
            XCTAssertEqual(s[t], 2, accuracy: 1e-9)
            XCTAssertEqual(s[y], -7.5, accuracy: 1e-9)
            XCTAssertEqual(s.objective ?? .nan, -5.5, accuracy: 1e-9)
        }
    }

    func testUpperBoundedOnlyVariable() throws {
        // max x with x in (-inf, 4]: 4; min x: unbounded.
        var model = LinearModel(direction: .maximize)
        let x = model.addVariable(lower: -.infinity, upper: 4, cost: 1)
        let s = try LPSolver.solveLP(model)
        XCTAssertEqual(s.status, .optimal)
        XCTAssertEqual(s[x], 4, accuracy: 1e-12)
        model.direction = .minimize
        XCTAssertEqual(try LPSolver.solveLP(model).status, .unbounded)
    }

    func testInfeasibleLP() throws {
        for presolve in presolveSettings {
            var model = LinearModel()
            let x = model.addVariable(cost: 1)
            let y = model.addVariable(cost: 1)
            model.addConstraint([(x, 1), (y, 1)], .lessOrEqual, 1)
            model.addConstraint([(x, 1), (y, 1)], .greaterOrEqual, 3)
            let s = try LPSolver.solveLP(model, options: SolveOptions(presolve: presolve))
            XCTAssertEqual(s.status, .infeasible, "presolve \(presolve)")
            XCTAssertNil(s.objective)
            XCTAssertTrue(s.values.isEmpty)
            XCTAssertFalse(s.hasSolution)
            XCTAssertTrue(s[x].isNaN)
        }
    }

    func testUnboundedLP() throws {
        for presolve in presolveSettings {
            var model = LinearModel(direction: .maximize)
            let x = model.addVariable(cost: 1)
            let y = model.addVariable(cost: 1)
            model.addConstraint([(x, 1), (y, -1)], .lessOrEqual, 1)
            let s = try LPSolver.solveLP(model, options: SolveOptions(presolve: presolve))
            XCTAssertEqual(s.status, .unbounded, "presolve \(presolve)")
            XCTAssertNil(s.objective)
        }
    }

    func testInfeasibleAndDualInfeasibleLP() throws {
        // Both primal and dual infeasible: presolve may report "no dual feasible solution";
        // the re-solve without presolve must say infeasible (no primal point exists).
        var model = LinearModel(direction: .maximize)
        let x = model.addVariable(cost: 1)
        let y = model.addVariable(cost: 1)
        model.addConstraint([(x, 1), (y, -1)], .lessOrEqual, -1)
        model.addConstraint([(x, -1), (y, 1)], .lessOrEqual, -1)
        for presolve in presolveSettings {
            let s = try LPSolver.solveLP(model, options: SolveOptions(presolve: presolve))
            XCTAssertEqual(s.status, .infeasible, "presolve \(presolve)")
        }
    }

    func testEmptyModels() throws {
        var empty = LinearModel(direction: .maximize)
        empty.objectiveConstant = 7
        for solve in [LPSolver.solveLP, LPSolver.solveMIP] {
            let s = try solve(empty, SolveOptions())
            XCTAssertEqual(s.status, .optimal)
            XCTAssertEqual(s.objective, 7)
            XCTAssertEqual(s.values, [])
        }

        // Rows without variables read 0 <relation> rhs.
        var rowsOnly = LinearModel()
        rowsOnly.addConstraint([], .lessOrEqual, 3)
        XCTAssertEqual(try LPSolver.solveLP(rowsOnly).status, .optimal)
        XCTAssertEqual(try LPSolver.solveLP(rowsOnly).duals, [0])
        rowsOnly.addConstraint([], .greaterOrEqual, 1)
        XCTAssertEqual(try LPSolver.solveLP(rowsOnly).status, .infeasible)

        // Variables without rows.
        var columnsOnly = LinearModel()
        let x = columnsOnly.addVariable(lower: 2, upper: 9, cost: 1)
        let y = columnsOnly.addVariable(lower: -3, upper: 5, cost: -2, kind: .integer)
        for presolve in presolveSettings {
            let lp = try LPSolver.solveLP(columnsOnly, options: SolveOptions(presolve: presolve))
            XCTAssertEqual(lp.status, .optimal)
            XCTAssertEqual(lp[x], 2, accuracy: 1e-12)
            XCTAssertEqual(lp[y], 5, accuracy: 1e-12)
            XCTAssertEqual(lp.objective ?? .nan, -8, accuracy: 1e-12)
            XCTAssertEqual(lp.duals, [])
            let mip = try LPSolver.solveMIP(columnsOnly, options: SolveOptions(presolve: presolve))
            XCTAssertEqual(mip.status, .optimal)
            XCTAssertEqual(mip.objective ?? .nan, -8, accuracy: 1e-12)
        }
        columnsOnly.setBounds(x, lower: 2, upper: .infinity)
        columnsOnly.setCost(x, -1)
        XCTAssertEqual(try LPSolver.solveLP(columnsOnly).status, .unbounded)
    }

    func testDuplicateTermsAreSummedAndZerosDropped() throws {
        // 2x (written as x + x) + 0y <= 4 -> max x = 2
        var model = LinearModel(direction: .maximize)
        let x = model.addVariable(cost: 1)
        let y = model.addVariable(upper: 3, cost: 1)
        model.addConstraint([(x, 1), (y, 0), (x, 1)], .lessOrEqual, 4)
        // x - x + y <= 1 is just y <= 1
        model.addConstraint([(x, 1), (y, 1), (x, -1)], .lessOrEqual, 1)
        XCTAssertEqual(model.validationErrors(), [])
        let s = try LPSolver.solveLP(model)
        XCTAssertEqual(s.status, .optimal)
        XCTAssertEqual(s[x], 2, accuracy: 1e-9)
        XCTAssertEqual(s[y], 1, accuracy: 1e-9)
    }

    func testFixedVariableAndEqualBounds() throws {
        var model = LinearModel()
        let x = model.addVariable(lower: 2.5, upper: 2.5, cost: 1)
        let y = model.addVariable(cost: 1)
        model.addConstraint([(x, 1), (y, 1)], .greaterOrEqual, 4)
        let s = try LPSolver.solveLP(model)
        XCTAssertEqual(s[x], 2.5, accuracy: 1e-12)
        XCTAssertEqual(s[y], 1.5, accuracy: 1e-9)
    }

    func testLPTimeLimitIsHonoured() throws {
        // A modest transportation LP solved with a generous limit: must be optimal and fast.
        var rng = LCG(seed: 11)
        var model = LinearModel()
        let sources = 30, sinks = 30
        var x: [[Variable]] = []
        for _ in 0..<sources {
            x.append((0..<sinks).map { _ in model.addVariable(cost: Double(rng.int(1...100))) })
        }
        for i in 0..<sources { model.addConstraint((0..<sinks).map { (x[i][$0], 1) }, .lessOrEqual, 10) }
        for j in 0..<sinks { model.addConstraint((0..<sources).map { (x[$0][j], 1) }, .greaterOrEqual, 9) }
        let s = try LPSolver.solveLP(model, options: SolveOptions(timeLimit: 5))
        XCTAssertEqual(s.status, .optimal)
        XCTAssertLessThan(s.seconds, 5)
        XCTAssertTrue(model.isFeasible(s.values))
        // Strong duality: objective = Σ dual · rhs.
        let duals = try XCTUnwrap(s.duals)
        var dualObjective = 0.0
        for i in 0..<sources { dualObjective += duals[i] * 10 }
        for j in 0..<sinks { dualObjective += duals[sources + j] * 9 }
        XCTAssertEqual(dualObjective, s.objective ?? .nan, accuracy: 1e-6)
    }
}
