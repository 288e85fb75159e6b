import XCTest
@testable import HaulLP

/// Models on which GLPK 5.0 aborted the whole process (found by fuzzing) before the workarounds
/// in `LPSolver`. Each test passes simply by returning.
final class GLPKRobustnessTests: XCTestCase {
    func testMIPPresolverKillerAllColumnsFixed() throws {
        // GLPK's MIP presolver fixes every column and then dies in `glp_add_cols: ncs = 0`.
        var model = LinearModel()
        let x0 = model.addVariable(cost: -20, kind: .binary)
        let x1 = model.addVariable(cost: 17, kind: .binary)
        let x2 = model.addVariable(cost: 10, kind: .binary)
        model.addConstraint([(x0, -11), (x1, 11)], .greaterOrEqual, 9)
        model.addConstraint([(x0, 15), (x1, 17), (x2, 7)], .greaterOrEqual, 12)
        let s = try LPSolver.solveMIP(model)
        XCTAssertEqual(s.status, .optimal)
        XCTAssertEqual(s.objective, 17)
        XCTAssertEqual([s[x0], s[x1], s[x2]], [0, 1, 0])

        // The same with an empty row left over.
        var other = LinearModel()
        let y0 = other.addVariable(cost: 4, kind: .binary)
        let y1 = other.addVariable(cost: -2, kind: .binary)
        other.addConstraint([(y0, 15), (y1, -15)], .greaterOrEqual, 7)
        other.addConstraint([], .greaterOrEqual, -9)
        let t = try LPSolver.solveMIP(other)
        XCTAssertEqual(t.status, .optimal)
        XCTAssertEqual(t.objective, 4)
    }

    func testMIPPresolverKillerImpliedValue() throws {
        // `Assertion failed: q->lb < q->ub` in npp_implied_value. Row 3 forces x2 <= -10 < 0.
        var model = LinearModel(direction: .maximize)
        let x0 = model.addVariable(lower: -4, upper: 1, cost: -20)
        let x1 = model.addVariable(lower: -14, cost: 7, kind: .integer)
        let x2 = model.addVariable(lower: 0, cost: 1, kind: .integer)
        model.addConstraint([(x1, 3), (x2, -6)], .equal, 4)
        model.addConstraint([(x1, 20), (x2, -1)], .equal, 9)
        model.addConstraint([(x2, 2)], .lessOrEqual, -20)
        model.addConstraint([(x0, 11), (x2, -11)], .lessOrEqual, -16)
        XCTAssertEqual(try LPSolver.solveMIP(model).status, .infeasible)
        XCTAssertEqual(try LPSolver.solveMIP(model, options: SolveOptions(presolve: false)).status, .infeasible)
    }

    func testHugeIntegerRelaxationValues() throws {
        // A free integer column whose relaxation value exceeded 2^52 made branch-and-cut fail
        // `temp1 > 0.0 && temp2 > 0.0`; integer columns are now searched within ±1e9.
        var model = LinearModel()
        let x0 = model.addVariable(lower: 0, upper: 1, cost: 0.0020137242498623896, kind: .binary)
        let x1 = model.addVariable(lower: -.infinity, upper: .infinity, cost: 6194.410750767812, kind: .integer)
        let x2 = model.addVariable(lower: -80.16780633876789, upper: 2.290867652767775, cost: -0.00478630092322638)
        let x3 = model.addVariable(lower: -0.00018706821403658016, upper: .infinity, cost: -5.754399373371567)
        let x4 = model.addVariable(lower: -.infinity, upper: 10.375284158180126, cost: -0.0001445439770745928, kind: .integer)
        model.addConstraint([(x0, 0.00013931568029453036), (x1, -58.61381645140285), (x4, 0.006081350012787176)],
                            .equal, -291.0717118066608)
        model.addConstraint([(x1, -0.0013427649611378642), (x2, 758.5775750291835), (x3, -0.0028575905433749467)],
                            .equal, 3.564511334262439)
        model.addConstraint([(x0, 43.65158322401656), (x2, -80.16780633876789), (x3, -0.008790225168308843),
                             (x4, -13.677288255958494)], .lessOrEqual, 10.18591388054117)
        do {
            let s = try LPSolver.solveMIP(model, options: SolveOptions(timeLimit: 2, presolve: false))
            if s.hasSolution { XCTAssertTrue(model.isFeasible(s.values, tolerance: 1e-4)) }
        } catch LPError.solverFailure {
            // Acceptable: reported, not aborted.
        }
    }

    func testLPPresolverIsSkippedOnBadlyScaledModels() throws {
        // GLPK's LP presolver failed `tse->func(npp, tse->info) == 0` while postprocessing these.
        var a = LinearModel(direction: .maximize)
        let a0 = a.addVariable(lower: -3019951720.401994, upper: 3019951720.401994, cost: 4.570881896148752e-24)
        _ = a.addVariable(lower: 0, upper: 1.0964781961431829e-07, cost: 1.2022644346174082e-17, kind: .binary)
        let a2 = a.addVariable(lower: 0, upper: 1, cost: 72443596007498.9, kind: .binary)
        let a3 = a.addVariable(lower: -.infinity, upper: 3.46736850452531e-30, cost: 1.2022644346174082e-17)
        a.addConstraint([(a0, -7.943282347242789e-24), (a2, -3.801893963205597e-25), (a3, 2.29086765276777e-09)],
                        .equal, -165958690743.7556)
        XCTAssertGreaterThan(a.magnitudeSpan, LPSolver.presolveMagnitudeSpanLimit)

        var b = LinearModel()
        _ = b.addVariable(lower: 0, upper: 1, cost: -3.435579478998743e-07, kind: .binary)
        let b1 = b.addVariable(lower: 0, upper: 1e-08, cost: -0.013427649611378642, kind: .binary)
        let b2 = b.addVariable(lower: 0, upper: 9.817479430199844e-06, cost: 1.80301774085957, kind: .integer)
        let b3 = b.addVariable(lower: -.infinity, upper: .infinity, cost: -5970.352865838366)
        _ = b.addVariable(lower: -383707.2454922784, upper: 5.345643593969714e-05, cost: -1.555965631605075, kind: .integer)
        b.addConstraint([(b1, 3.3728730865886925e-06), (b2, -43651.58322401666), (b3, -0.0013182567385564075)],
                        .equal, 237684.02866248734)

        for model in [a, b] {
            let withPresolve = try LPSolver.solveLP(model)
            let without = try LPSolver.solveLP(model, options: SolveOptions(presolve: false))
            XCTAssertEqual(withPresolve.status, without.status)
            _ = try? LPSolver.solveMIP(model, options: SolveOptions(timeLimit: 1))
        }
    }

    func testRandomSmallModelsDoNotAbort() throws {
        // A slice of the fuzzing that found the cases above: random small LPs/MIPs with data over
        // eight decades, every solver path. Every solve must return (any status, or a thrown error).
        var rng = LCG(seed: 31337)
        func magnitude() -> Double {
            let exponent = -4 + 8 * Double(rng.int(0...1000)) / 1000
            return (rng.int(0...1) == 0 ? 1 : -1) * pow(10, exponent)
        }
        var statuses: [SolveStatus: Int] = [:]
        for _ in 0..<150 {
            var model = LinearModel(direction: rng.int(0...1) == 0 ? .minimize : .maximize)
            var variables: [Variable] = []
            for _ in 0..<rng.int(1...6) {
                let kind: VariableKind = [.continuous, .integer, .binary][rng.int(0...2)]
                let lower = rng.int(0...2) == 0 ? -Double.infinity : (rng.int(0...1) == 0 ? 0 : -abs(magnitude()))
                let upper = rng.int(0...2) == 0 ? Double.infinity : abs(magnitude())
                variables.append(model.addVariable(lower: lower, upper: upper, cost: magnitude(), kind: kind))
            }
            for _ in 0..<rng.int(1...5) {
                let terms = variables.filter { _ in rng.int(0...2) > 0 }.map { ($0, magnitude()) }
                model.addConstraint(terms, [.lessOrEqual, .greaterOrEqual, .equal][rng.int(0...2)], magnitude())
            }
            for presolve in [true, false] {
                let options = SolveOptions(timeLimit: 0.2, presolve: presolve)
                if let s = try? LPSolver.solveLP(model, options: options) { statuses[s.status, default: 0] += 1 }
                if let s = try? LPSolver.solveMIP(model, options: options) {
                    statuses[s.status, default: 0] += 1
                    if s.hasSolution {
                        XCTAssertTrue(roughlyFeasible(model, s.values), "\(model.feasibilityViolations(s.values))")
                    }
                }
            }
        }
        // The generator produces a mix of outcomes (otherwise this would test little).
        XCTAssertGreaterThan(statuses[.optimal] ?? 0, 50, "\(statuses)")
        XCTAssertGreaterThan(statuses[.infeasible] ?? 0, 50, "\(statuses)")
        XCTAssertGreaterThan(statuses[.unbounded] ?? 0, 10, "\(statuses)")
    }
}

/// Feasibility up to GLPK's tolerances: bounds to 1e-6 (relative), integrality to 1e-5 and rows to
/// 1e-5 of the row's magnitude (integer values are rounded, which may move a row by |a|·1e-5).
private func roughlyFeasible(_ model: LinearModel, _ x: [Double]) -> Bool {
    guard x.count == model.variableCount else { return false }
    for (j, c) in model.columns.enumerated() {
        if x[j] < c.lower - 1e-6 * (1 + abs(c.lower)) || x[j] > c.upper + 1e-6 * (1 + abs(c.upper)) { return false }
        if c.kind != .continuous && abs(x[j] - x[j].rounded()) > 1e-5 { return false }
    }
    for r in model.rows {
        var activity = 0.0, scale = 1 + abs(r.rhs)
        for (k, j) in r.indices.enumerated() {
            activity += r.coefficients[k] * x[j]
            scale += abs(r.coefficients[k]) * max(1, abs(x[j]))
        }
        let tolerance = 1e-5 * scale
        switch r.relation {
        case .lessOrEqual: if activity > r.rhs + tolerance { return false }
        case .greaterOrEqual: if activity < r.rhs - tolerance { return false }
        case .equal: if abs(activity - r.rhs) > tolerance { return false }
        }
    }
    return true
}
