import XCTest
@testable import HaulLP

final class MIPTests: XCTestCase {
    private let presolveSettings = [true, false]

    func testClassicKnapsack() throws {
        let (model, xs) = knapsackModel(values: [60, 100, 120], weights: [10, 20, 30], capacity: 50)
        for presolve in presolveSettings {
            let s = try LPSolver.solveMIP(model, options: SolveOptions(presolve: presolve))
            XCTAssertEqual(s.status, .optimal)
            XCTAssertEqual(s.objective ?? .nan, 220, accuracy: 1e-9)
            XCTAssertEqual(xs.map { s[$0] }, [0, 1, 1])
            XCTAssertEqual(s.bound ?? .nan, 220, accuracy: 1e-9)
            XCTAssertNil(s.duals)
        }
        // The relaxation takes a fraction of item 0 or 2: 240.
        let lp = try LPSolver.solveLP(model)
        XCTAssertEqual(lp.objective ?? .nan, 240, accuracy: 1e-9)
    }

    func testRandomKnapsacksAgainstBruteForce() throws {
        var rng = LCG(seed: 2024)
        for round in 0..<6 {
            let n = 14
            let weights = (0..<n).map { _ in Double(rng.int(5...60)) }
            let values = (0..<n).map { _ in Double(rng.int(1...90)) }
            let capacity = (weights.reduce(0, +) * 0.4).rounded()
            let (model, xs) = knapsackModel(values: values, weights: weights, capacity: capacity)
            let expected = bruteForceKnapsack(values: values, weights: weights, capacity: capacity)
            let s = try LPSolver.solveMIP(model, options: SolveOptions(relativeGap: 0, presolve: round % 2 == 0,
                                                                      cuts: round % 3 != 0))
            XCTAssertEqual(s.status, .optimal)
            XCTAssertEqual(s.objective ?? .nan, expected, accuracy: 1e-9, "round \(round)")
            XCTAssertTrue(model.isFeasible(s.values))
            let picked = xs.indices.reduce(0.0) { $0 + values[$1] * s[xs[$1]] }
            XCTAssertEqual(picked, expected, accuracy: 1e-9)
        }
    }

    func testCapacitatedFacilityLocationAgainstBruteForce() throws {
        let fixed: [Double] = [40, 55, 35]
        let capacity: [Double] = [9, 14, 7]
        let demand: [Double] = [3, 4, 2, 5, 3]
        let cost: [[Double]] = [      // cost[f][c]
            [4, 9, 7, 3, 8],
            [6, 3, 5, 7, 2],
            [9, 6, 2, 8, 5],
        ]
        let facilities = fixed.count, customers = demand.count

        // Brute force: every assignment of customers to facilities (3^5); open = used facilities.
        var best = Double.infinity
        var assignment = [Int](repeating: 0, count: customers)
        func enumerate(_ c: Int) {
            if c == customers {
                var load = [Double](repeating: 0, count: facilities)
                var total = 0.0
                for (k, f) in assignment.enumerated() {
                    load[f] += demand[k]
                    total += cost[f][k]
                }
                guard (0..<facilities).allSatisfy({ load[$0] <= capacity[$0] }) else { return }
                for f in 0..<facilities where load[f] > 0 { total += fixed[f] }
                best = min(best, total)
                return
            }
            for f in 0..<facilities {
                assignment[c] = f
                enumerate(c + 1)
            }
        }
        enumerate(0)
        XCTAssertTrue(best.isFinite)

        var model = LinearModel()
        let open = (0..<facilities).map { model.addVariable(cost: fixed[$0], kind: .binary, name: "open\($0)") }
        var assign: [[Variable]] = []
        for f in 0..<facilities {
            assign.append((0..<customers).map { model.addVariable(cost: cost[f][$0], kind: .binary, name: "a\(f)_\($0)") })
        }
        for c in 0..<customers {
            model.addConstraint((0..<facilities).map { (assign[$0][c], 1) }, .equal, 1)
        }
        for f in 0..<facilities {
            model.addConstraint((0..<customers).map { (assign[f][$0], demand[$0]) } + [(open[f], -capacity[f])],
                                .lessOrEqual, 0)
            for c in 0..<customers { model.addConstraint([(assign[f][c], 1), (open[f], -1)], .lessOrEqual, 0) }
        }
        for presolve in presolveSettings {
            let s = try LPSolver.solveMIP(model, options: SolveOptions(relativeGap: 0, presolve: presolve))
            XCTAssertEqual(s.status, .optimal)
            XCTAssertEqual(s.objective ?? .nan, best, accuracy: 1e-9, "presolve \(presolve)")
            XCTAssertTrue(model.isFeasible(s.values))
            for c in 0..<customers {
                XCTAssertEqual((0..<facilities).reduce(0.0) { $0 + s[assign[$1][c]] }, 1)
            }
        }
        let relaxation = try LPSolver.solveLP(model)
        XCTAssertLessThanOrEqual(relaxation.objective ?? .nan, best + 1e-9)
    }

    func testIntegerOptimumDiffersFromRelaxation() throws {
        // max y s.t. -x + y <= 1, 3x + 2y <= 12, 2x + 3y <= 12: LP (1.8, 2.8) = 2.8; IP = 2.
        var model = LinearModel(direction: .maximize)
        let x = model.addVariable(kind: .integer)
        let y = model.addVariable(cost: 1, kind: .integer)
        model.addConstraint([(x, -1), (y, 1)], .lessOrEqual, 1)
        model.addConstraint([(x, 3), (y, 2)], .lessOrEqual, 12)
        model.addConstraint([(x, 2), (y, 3)], .lessOrEqual, 12)

        let lp = try LPSolver.solveLP(model)
        XCTAssertEqual(lp.status, .optimal)
        XCTAssertEqual(lp.objective ?? .nan, 2.8, accuracy: 1e-9)
        XCTAssertEqual(lp[x], 1.8, accuracy: 1e-9)

        for presolve in presolveSettings {
            for cuts in [true, false] {
                let s = try LPSolver.solveMIP(model, options: SolveOptions(relativeGap: 0, presolve: presolve, cuts: cuts))
                XCTAssertEqual(s.status, .optimal)
                XCTAssertEqual(s.objective ?? .nan, 2, accuracy: 1e-9)
                XCTAssertEqual(s[y], 2)
                XCTAssertTrue([1.0, 2.0].contains(s[x]), "x = \(s[x])")
                XCTAssertEqual(s.bound ?? .nan, 2, accuracy: 1e-9)
                XCTAssertEqual(s.gap ?? .nan, 0, accuracy: 1e-12)
                XCTAssertNotEqual(s.objective, lp.objective)
            }
        }
    }

    func testMinimisationWithObjectiveConstantAndGeneralIntegers() throws {
        // min 5a + 4b + 7 s.t. 3a + 2b >= 11.5 (a, b integer >= 0) -> best: a=1,b=5 (25), a=3,b=2 (23),
        // a=4,b=0 (20), a=2,b=3 (22), a=0,b=6 (24) -> 20 + 7 = 27.
        var model = LinearModel()
        model.objectiveConstant = 7
        let a = model.addVariable(cost: 5, kind: .integer)
        let b = model.addVariable(cost: 4, kind: .integer)
        model.addConstraint([(a, 3), (b, 2)], .greaterOrEqual, 11.5)
        for presolve in presolveSettings {
            let s = try LPSolver.solveMIP(model, options: SolveOptions(presolve: presolve))
            XCTAssertEqual(s.status, .optimal)
            XCTAssertEqual(s.objective ?? .nan, 27, accuracy: 1e-9)
            XCTAssertEqual(s[a], 4)
            XCTAssertEqual(s[b], 0)
            // The bound is a lower bound for a minimisation.
            XCTAssertLessThanOrEqual(s.bound ?? .infinity, 27 + 1e-9)
        }
    }

    func testFractionalIntegerBoundsAreRoundedInwards() throws {
        var model = LinearModel(direction: .maximize)
        let x = model.addVariable(lower: 0.5, upper: 2.7, cost: 1, kind: .integer)
        let s = try LPSolver.solveMIP(model)
        XCTAssertEqual(s.status, .optimal)
        XCTAssertEqual(s[x], 2)
        model.setBounds(x, lower: 0.2, upper: 0.8)
        XCTAssertEqual(try LPSolver.solveMIP(model).status, .infeasible)
        XCTAssertEqual(try LPSolver.solveLP(model).objective ?? .nan, 0.8, accuracy: 1e-12)
    }

    func testInfeasibleMIP() throws {
        // 2x = 1 has a fractional LP solution but no integer one.
        var model = LinearModel()
        let x = model.addVariable(upper: 10, cost: 1, kind: .integer)
        let y = model.addVariable(upper: 10, cost: 1, kind: .integer)
        model.addConstraint([(x, 2), (y, 2)], .equal, 3)
        for presolve in presolveSettings {
            let s = try LPSolver.solveMIP(model, options: SolveOptions(presolve: presolve))
            XCTAssertEqual(s.status, .infeasible, "presolve \(presolve)")
            XCTAssertFalse(s.hasSolution)
        }
        XCTAssertEqual(try LPSolver.solveLP(model).status, .optimal)

        // LP-infeasible too.
        var lpInfeasible = LinearModel()
        let z = lpInfeasible.addVariable(kind: .binary)
        lpInfeasible.addConstraint([(z, 1)], .greaterOrEqual, 2)
        for presolve in presolveSettings {
            XCTAssertEqual(try LPSolver.solveMIP(lpInfeasible, options: SolveOptions(presolve: presolve)).status, .infeasible)
        }
    }

    func testUnboundedMIP() throws {
        var model = LinearModel(direction: .maximize)
        let x = model.addVariable(cost: 1, kind: .integer)
        let y = model.addVariable(cost: 1)
        model.addConstraint([(x, 1), (y, -1)], .lessOrEqual, 1)
        for presolve in presolveSettings {
            let s = try LPSolver.solveMIP(model, options: SolveOptions(presolve: presolve))
            XCTAssertEqual(s.status, .unbounded, "presolve \(presolve)")
            XCTAssertNil(s.objective)
        }
    }

    func testUnboundedRelaxationButInfeasibleMIP() throws {
        // max y + z with 2z = 1 (z integer in [0, 5]) and y >= 0 continuous: the relaxation is
        // unbounded (y), but no integer z exists, so the MIP is infeasible (not unbounded).
        var model = LinearModel(direction: .maximize)
        let y = model.addVariable(cost: 1)
        let z = model.addVariable(upper: 5, cost: 1, kind: .integer)
        model.addConstraint([(z, 2)], .equal, 1)
        model.addConstraint([(y, 1), (z, -1)], .greaterOrEqual, 0)
        XCTAssertEqual(try LPSolver.solveLP(model).status, .unbounded)
        for presolve in presolveSettings {
            XCTAssertEqual(try LPSolver.solveMIP(model, options: SolveOptions(presolve: presolve)).status, .infeasible,
                           "presolve \(presolve)")
        }
    }

    func testUndecidableUnboundedRelaxationReturnsPromptly() throws {
        // max x + y with 2x - 2y = 1 over unbounded integers: infeasible, but branch-and-bound
        // cannot prove it (it branches forever). The check gives up and reports the relaxation's
        // verdict, within the time limit.
        var model = LinearModel(direction: .maximize)
        let x = model.addVariable(cost: 1, kind: .integer)
        let y = model.addVariable(cost: 1, kind: .integer)
        model.addConstraint([(x, 2), (y, -2)], .equal, 1)
        XCTAssertEqual(try LPSolver.solveLP(model).status, .unbounded)
        let began = Date()
        let s = try LPSolver.solveMIP(model, options: SolveOptions(timeLimit: 0.3))
        XCTAssertLessThan(Date().timeIntervalSince(began), 2)
        XCTAssertEqual(s.status, .unbounded)
        XCTAssertFalse(s.hasSolution)
    }

    func testWithoutIntegerVariablesMIPIsTheLP() throws {
        var model = LinearModel(direction: .maximize)
        let x = model.addVariable(upper: 2.5, cost: 2)
        model.addConstraint([(x, 1)], .lessOrEqual, 10)
        let s = try LPSolver.solveMIP(model)
        XCTAssertEqual(s.status, .optimal)
        XCTAssertEqual(s.objective ?? .nan, 5, accuracy: 1e-12)
        XCTAssertEqual(s.duals, [0])
    }

    func testRelativeGapStopsEarlyWithValidBound() throws {
        let (model, _, _, _) = multiKnapsackModel(items: 40, constraints: 5, seed: 7)
        let s = try LPSolver.solveMIP(model, options: SolveOptions(timeLimit: 10, relativeGap: 0.05))
        XCTAssertEqual(s.status, .optimal)
        let objective = try XCTUnwrap(s.objective)
        let bound = try XCTUnwrap(s.bound)
        XCTAssertGreaterThanOrEqual(bound, objective - 1e-9)     // maximisation: bound above
        XCTAssertLessThanOrEqual(s.gap ?? .infinity, 0.05 + 1e-9)
        XCTAssertTrue(model.isFeasible(s.values))
        // The LP relaxation is an upper bound on everything.
        let lp = try LPSolver.solveLP(model)
        XCTAssertLessThanOrEqual(objective, (lp.objective ?? -.infinity) + 1e-6)
    }

    func testTimeLimitOnHardMultiKnapsack() throws {
        let (model, _, _, _) = multiKnapsackModel(items: 60, constraints: 5, seed: 42)
        let progress = Locked<[MIPProgress]>([])
        var options = SolveOptions(timeLimit: 0.5, relativeGap: 0, onProgress: { p in progress.withLock { $0.append(p) } })
        options.progressInterval = 0.1
        let began = Date()
        let s = try LPSolver.solveMIP(model, options: options)
        let wall = Date().timeIntervalSince(began)
        XCTAssertLessThan(wall, 3, "time limit not honoured")
        XCTAssertTrue([.feasible, .optimal].contains(s.status), "\(s.status)")
        let objective = try XCTUnwrap(s.objective)
        XCTAssertTrue(model.isFeasible(s.values))
        XCTAssertEqual(model.objectiveValue(s.values), objective, accuracy: 1e-6)
        let bound = try XCTUnwrap(s.bound)
        XCTAssertGreaterThanOrEqual(bound, objective - 1e-9)
        if s.status == .feasible { XCTAssertGreaterThan(s.nodes, 0) }

        let reports = progress.current
        XCTAssertFalse(reports.isEmpty, "onProgress never called")
        XCTAssertTrue(reports.contains { $0.incumbent != nil })
        for r in reports {
            if let i = r.incumbent, let b = r.bound { XCTAssertGreaterThanOrEqual(b, i - 1e-6) }
        }
    }

    func testShouldStopImmediately() throws {
        let (model, _, _, _) = multiKnapsackModel(items: 60, constraints: 5, seed: 42)
        let began = Date()
        let s = try LPSolver.solveMIP(model, options: SolveOptions(timeLimit: 30, shouldStop: { true }))
        XCTAssertLessThan(Date().timeIntervalSince(began), 1)
        XCTAssertEqual(s.status, .timeLimit)
        XCTAssertFalse(s.hasSolution)
    }

    func testShouldStopDuringSearch() throws {
        // Stop once the search is under way (the 20th poll): terminates through glp_ios_terminate.
        let (model, _, _, _) = multiKnapsackModel(items: 60, constraints: 5, seed: 42)
        let polls = Locked(0)
        for presolve in presolveSettings {
            polls.withLock { $0 = 0 }
            let began = Date()
            let s = try LPSolver.solveMIP(model, options: SolveOptions(
                timeLimit: 30, relativeGap: 0, presolve: presolve,
                shouldStop: { polls.withLock { $0 += 1; return $0 >= 20 } }))
            XCTAssertLessThan(Date().timeIntervalSince(began), 3)
            XCTAssertGreaterThanOrEqual(polls.current, 20)
            XCTAssertTrue([.feasible, .timeLimit, .optimal].contains(s.status))
            if s.hasSolution { XCTAssertTrue(model.isFeasible(s.values)) }
        }
    }

    func testFeasibleInitialSolutionIsUsed() throws {
        let (model, xs, weights, capacities) = multiKnapsackModel(items: 60, constraints: 5, seed: 42)
        let start = greedyMultiKnapsack(model, xs, weights, capacities)
        XCTAssertTrue(model.isFeasible(start))
        let startObjective = model.objectiveValue(start)

        // Handed to GLPK at the first heuristic callback; the result can only be better.
        let s = try LPSolver.solveMIP(model, options: SolveOptions(timeLimit: 0.3, initialSolution: start))
        XCTAssertTrue(s.initialSolutionUsed)
        XCTAssertTrue([.feasible, .optimal].contains(s.status))
        XCTAssertGreaterThanOrEqual(s.objective ?? -.infinity, startObjective - 1e-9)
        XCTAssertTrue(model.isFeasible(s.values))

        // Stopped before GLPK can do anything: the start comes back as the answer.
        let stopped = try LPSolver.solveMIP(model, options: SolveOptions(initialSolution: start, shouldStop: { true }))
        XCTAssertEqual(stopped.status, .feasible)
        XCTAssertTrue(stopped.initialSolutionUsed)
        XCTAssertEqual(stopped.values, start)
        XCTAssertEqual(stopped.objective ?? .nan, startObjective, accuracy: 1e-9)

    }

    func testInitialSolutionForMinimisationNeverWorsens() throws {
        // Facility-style minimisation with an obviously poor start (everything open, first choices).
        var model = LinearModel()
        var rng = LCG(seed: 5)
        let facilities = 4, customers = 8
        let open = (0..<facilities).map { _ in model.addVariable(cost: Double(rng.int(20...60)), kind: .binary) }
        var assign: [[Variable]] = []
        for f in 0..<facilities {
            assign.append((0..<customers).map { _ in model.addVariable(cost: Double(rng.int(1...30)), kind: .binary) })
            for c in 0..<customers { model.addConstraint([(assign[f][c], 1), (open[f], -1)], .lessOrEqual, 0) }
        }
        for c in 0..<customers { model.addConstraint((0..<facilities).map { (assign[$0][c], 1) }, .equal, 1) }
        var start = [Double](repeating: 0, count: model.variableCount)
        for f in 0..<facilities { start[open[f].index] = 1 }
        for c in 0..<customers { start[assign[0][c].index] = 1 }
        XCTAssertTrue(model.isFeasible(start))
        let startObjective = model.objectiveValue(start)

        let plain = try LPSolver.solveMIP(model, options: SolveOptions(relativeGap: 0))
        let seeded = try LPSolver.solveMIP(model, options: SolveOptions(relativeGap: 0, initialSolution: start))
        XCTAssertEqual(seeded.status, .optimal)
        XCTAssertLessThanOrEqual(seeded.objective ?? .infinity, startObjective + 1e-9)
        XCTAssertEqual(seeded.objective ?? .nan, plain.objective ?? .infinity, accuracy: 1e-9)
    }

    func testInfeasibleOrMalformedInitialSolutionIsIgnored() throws {
        let (model, xs) = knapsackModel(values: [60, 100, 120], weights: [10, 20, 30], capacity: 50)
        let starts: [[Double]] = [
            [1, 1, 1],         // violates the capacity
            [0.5, 1, 0],       // not integral
            [1, 1],            // wrong length
            [.nan, 0, 0],      // not finite
            [2, 0, 0],         // outside the binary bounds
        ]
        for start in starts {
            for presolve in presolveSettings {
                let s = try LPSolver.solveMIP(model, options: SolveOptions(presolve: presolve, initialSolution: start))
                XCTAssertEqual(s.status, .optimal)
                XCTAssertFalse(s.initialSolutionUsed, "\(start)")
                XCTAssertEqual(s.objective ?? .nan, 220, accuracy: 1e-9)
                XCTAssertEqual(xs.map { s[$0] }, [0, 1, 1])
            }
        }
        // An infeasible start with an immediate stop is not returned as a solution.
        let stopped = try LPSolver.solveMIP(model, options: SolveOptions(initialSolution: [1, 1, 1], shouldStop: { true }))
        XCTAssertEqual(stopped.status, .timeLimit)
        XCTAssertTrue(stopped.values.isEmpty)
    }

    func testNestedSolveFromProgressCallback() throws {
        // A solve started inside another solve's callback on the same thread must not free the outer
        // solve's GLPK environment.
        let (model, _, _, _) = multiKnapsackModel(items: 20, constraints: 3, seed: 3)
        let innerResults = Locked<[Double]>([])
        let (inner, _) = knapsackModel(values: [60, 100, 120], weights: [10, 20, 30], capacity: 50)
        var options = SolveOptions(timeLimit: 5, relativeGap: 0.01, presolve: false, onProgress: { _ in
            if let value = try? LPSolver.solveMIP(inner).objective {
                innerResults.withLock { $0.append(value) }
            }
        })
        options.progressInterval = 0
        let s = try LPSolver.solveMIP(model, options: options)
        XCTAssertTrue([.optimal, .feasible].contains(s.status))
        XCTAssertTrue(model.isFeasible(s.values))
        let results = innerResults.current
        XCTAssertFalse(results.isEmpty)
        XCTAssertTrue(results.allSatisfy { abs($0 - 220) < 1e-9 }, "\(results)")
    }
}
