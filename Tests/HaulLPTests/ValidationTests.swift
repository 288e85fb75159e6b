import XCTest
@testable import HaulLP

final class ValidationTests: XCTestCase {
    private func invalidModelProblems(_ body: () throws -> Solution) -> [String]? {
        do {
            _ = try body()
            return nil
        } catch LPError.invalidModel(let problems) {
            return problems
        } catch {
            XCTFail("unexpected error \(error)")
            return nil
        }
    }

    func testEveryProblemIsListedAndGLPKIsNotCalled() throws {
        var model = LinearModel()
        let x = model.addVariable(cost: 1, name: "x")
        let y = model.addVariable(lower: 5, upper: 2, name: "y_1")          // crossed bounds
        model.addConstraint([(x, .nan), (y, 1)], .lessOrEqual, 3)            // NaN coefficient
        model.addConstraint([(x, 1), (Variable(index: 9), 1)], .equal, 1)   // unknown variable
        let problems = model.validationErrors()
        XCTAssertEqual(problems.count, 3, "\(problems)")
        XCTAssertTrue(problems.contains("variable 1 (y_1): lower bound 5 > upper bound 2"), "\(problems)")
        XCTAssertTrue(problems.contains { $0.hasPrefix("constraint 0: coefficient is NaN") }, "\(problems)")
        XCTAssertTrue(problems.contains("constraint 1: variable index 9 out of range"), "\(problems)")

        XCTAssertEqual(invalidModelProblems { try LPSolver.solveLP(model) }?.count, 3)
        XCTAssertEqual(invalidModelProblems { try LPSolver.solveMIP(model) }?.count, 3)
    }

    func testMoreKindsOfProblems() {
        var model = LinearModel()
        model.objectiveConstant = .infinity                                  // 1
        let a = model.addVariable(lower: .nan, cost: .infinity)              // 2, 3
        let b = model.addVariable(lower: .infinity, upper: .infinity)        // 4
        let c = model.addVariable(lower: 0, upper: -.infinity)               // 5
        let d = model.addVariable(lower: 2, kind: .binary)                   // 6: [2, 1]
        model.addConstraint([(a, 1)], .lessOrEqual, .infinity)               // 7
        model.addConstraint([(b, -.infinity), (c, 1)], .greaterOrEqual, .nan) // 8, 9
        model.addConstraint([(d, 6e29), (d, 6e29)], .lessOrEqual, 1)        // 10: sums beyond 1e30
        model.addConstraint([(Variable(index: -1), 1)], .lessOrEqual, 1)    // 11
        model.setCost(Variable(index: 40), 1)                                // 12
        model.setBounds(Variable(index: 41), lower: 0, upper: 1)             // 13
        let problems = model.validationErrors()
        XCTAssertEqual(problems.count, 13, problems.joined(separator: "\n"))
        XCTAssertTrue(problems.contains("variable 3: lower bound 2 > upper bound 1 (binary variables are restricted to [0, 1])"),
                      "\(problems)")
        XCTAssertTrue(problems.contains("setCost: variable index 40 out of range"))

        let error = LPError.invalidModel(problems)
        XCTAssertTrue(error.description.contains("13 problems"), error.description)
    }

    func testMagnitudesNearTheLimitsOfDoubleAreRejected() {
        // GLPK's scaling aborts the process on such data, so they never reach it.
        var model = LinearModel()
        let x = model.addVariable(upper: 1e31, cost: 1)                     // 1
        let y = model.addVariable(lower: -1e300, cost: -2e30)               // 2, 3
        model.addConstraint([(x, 1e-40), (y, 1)], .lessOrEqual, 5e30)       // 4, 5
        model.addConstraint([(x, 1e300), (y, 1e-300)], .greaterOrEqual, 1)  // 6, 7
        model.objectiveConstant = -1e31                                     // 8
        XCTAssertEqual(model.validationErrors().count, 8, model.validationErrors().joined(separator: "\n"))
        XCTAssertThrowsError(try LPSolver.solveLP(model))

        // Wide but representable data are fine.
        var wide = LinearModel()
        let a = wide.addVariable(upper: 1e29, cost: 1e-29)
        wide.addConstraint([(a, 1e-29)], .greaterOrEqual, 1e-29)
        XCTAssertEqual(wide.validationErrors(), [])
        XCTAssertEqual(wide.magnitudeSpan, 1e58, accuracy: 1e44)
    }

    func testInvalidOptionsAreReported() {
        var model = LinearModel()
        model.addVariable(cost: 1)
        let problems = invalidModelProblems {
            try LPSolver.solveMIP(model, options: SolveOptions(timeLimit: -1, relativeGap: .nan))
        }
        XCTAssertEqual(problems?.count, 2, "\(problems ?? [])")
    }

    func testValidModelHasNoProblems() {
        var model = LinearModel(direction: .maximize)
        let x = model.addVariable(lower: -.infinity, upper: .infinity, cost: 1)
        let y = model.addVariable(lower: 0, upper: 0, kind: .integer)
        model.addConstraint([(x, 1), (y, 2), (x, 3)], .equal, 4)
        XCTAssertEqual(model.validationErrors(), [])
        XCTAssertEqual(model.variableCount, 2)
        XCTAssertEqual(model.constraintCount, 1)
    }

    func testBinaryBoundsAreClampedAndCanBeFixed() throws {
        var model = LinearModel(direction: .maximize)
        let b = model.addVariable(lower: -5, upper: 7, cost: 1, kind: .binary)
        XCTAssertEqual(model.bounds(of: b).lower, 0)
        XCTAssertEqual(model.bounds(of: b).upper, 1)
        XCTAssertEqual(try LPSolver.solveMIP(model).objective, 1)
        model.setBounds(b, lower: 0, upper: 0)
        XCTAssertEqual(try LPSolver.solveMIP(model).objective, 0)
    }

    func testFeasibilityCheckHelper() {
        var model = LinearModel()
        let x = model.addVariable(upper: 3, kind: .integer)
        let y = model.addVariable()
        model.addConstraint([(x, 1), (y, 1)], .lessOrEqual, 4)
        XCTAssertTrue(model.isFeasible([3, 1]))
        XCTAssertTrue(model.isFeasible([3, 1 + 1e-9]))
        XCTAssertFalse(model.isFeasible([3, 2]))          // row
        XCTAssertFalse(model.isFeasible([2.5, 0]))        // integrality
        XCTAssertFalse(model.isFeasible([4, 0]))          // bound
        XCTAssertFalse(model.isFeasible([1]))             // length
        XCTAssertFalse(model.isFeasible([.nan, 0]))
        XCTAssertEqual(model.feasibilityViolations([4.5, 1]).count, 3)  // bound, integrality, row
    }
}
