import Dispatch
import Foundation
import XCTest
@testable import HaulLP

final class StressTests: XCTestCase {
    /// Eight different models (LPs and MIPs with known answers), each solved repeatedly on
    /// separate threads at the same time.
    func testConcurrentSolvesGiveTheRightAnswers() throws {
        struct Case: Sendable {
            var model: LinearModel
            var mip: Bool
            var expected: Double
        }
        var cases: [Case] = []
        var rng = LCG(seed: 99)
        for k in 0..<6 {
            let n = 12
            let weights = (0..<n).map { _ in Double(rng.int(5...50)) }
            let values = (0..<n).map { _ in Double(rng.int(1...70)) }
            let capacity = (weights.reduce(0, +) * (0.3 + 0.05 * Double(k))).rounded()
            let (model, _) = knapsackModel(values: values, weights: weights, capacity: capacity)
            cases.append(Case(model: model, mip: true,
                              expected: bruteForceKnapsack(values: values, weights: weights, capacity: capacity)))
        }
        for scale in [1.0, 3.0] {
            var lp = LinearModel(direction: .maximize)
            let x = lp.addVariable(cost: 3 * scale)
            let y = lp.addVariable(cost: 5 * scale)
            lp.addConstraint([(x, 1)], .lessOrEqual, 4)
            lp.addConstraint([(y, 2)], .lessOrEqual, 12)
            lp.addConstraint([(x, 3), (y, 2)], .lessOrEqual, 18)
            cases.append(Case(model: lp, mip: false, expected: 36 * scale))
        }
        XCTAssertEqual(cases.count, 8)

        let failures = Locked<[String]>([])
        let finalCases = cases
        DispatchQueue.concurrentPerform(iterations: finalCases.count) { k in
            let c = finalCases[k]
            for round in 0..<100 {
                do {
                    let options = SolveOptions(relativeGap: 0, presolve: round % 2 == 0)
                    let s = c.mip ? try LPSolver.solveMIP(c.model, options: options)
                                  : try LPSolver.solveLP(c.model, options: options)
                    if s.status != .optimal || abs((s.objective ?? .nan) - c.expected) > 1e-9 {
                        failures.withLock { $0.append("case \(k) round \(round): \(s.status) \(String(describing: s.objective)) != \(c.expected)") }
                    }
                } catch {
                    failures.withLock { $0.append("case \(k): \(error)") }
                }
            }
        }
        XCTAssertEqual(failures.current, [])
    }

    /// Each solve frees its problem and the thread's GLPK environment: 10,000 solves must not grow
    /// the resident set.
    func testManySmallSolvesDoNotLeak() throws {
        // A 3-item knapsack whose relaxation is fractional (240), so branch-and-bound and the callback
        // run; the integer optimum is 220.
        let (model, _) = knapsackModel(values: [60, 100, 120], weights: [10, 20, 30], capacity: 50)

        func solveMany(_ count: Int) throws {
            for i in 0..<count {
                // Alternate presolve on/off so both code paths (and the simplex-first path) are covered.
                let s = try LPSolver.solveMIP(model, options: SolveOptions(presolve: i % 2 == 0))
                if s.status != .optimal || s.objective != 220 {
                    XCTFail("solve \(i): \(s.status) \(String(describing: s.objective))")
                    return
                }
            }
        }

        try solveMany(1_000)
        guard let before = residentMemoryBytes() else {
            throw XCTSkip("resident memory is only measured on Linux")
        }
        try solveMany(10_000)
        let after = try XCTUnwrap(residentMemoryBytes())
        let growth = after - before
        XCTAssertLessThan(growth, 8 << 20, "resident memory grew by \(growth) bytes over 10,000 solves")

        // GLPK's environment is thread-local and is not released when a thread exits: without
        // glp_free_env() each of these threads would leak it (about 5 KB, i.e. > 15 MB here).
        let (smallLP, _) = knapsackModel(values: [3, 4], weights: [1, 2], capacity: 2)
        let beforeThreads = try XCTUnwrap(residentMemoryBytes())
        let failures = Locked(0)
        for i in 0..<3_000 {
            let done = DispatchSemaphore(value: 0)
            let thread = Thread {
                let s = i % 2 == 0 ? try? LPSolver.solveMIP(model) : try? LPSolver.solveLP(smallLP)
                if s?.status != .optimal { failures.withLock { $0 += 1 } }
                done.signal()
            }
            thread.start()
            done.wait()
        }
        let afterThreads = try XCTUnwrap(residentMemoryBytes())
        XCTAssertEqual(failures.current, 0)
        XCTAssertLessThan(afterThreads - beforeThreads, 8 << 20,
                          "resident memory grew by \(afterThreads - beforeThreads) bytes over 3,000 threads")
    }
}
