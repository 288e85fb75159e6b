import ArgumentParser
import Foundation
import Haul
import HaulCheck

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a plan against its problem.",
        discussion: """
            Recomputes feasibility and cost from the problem alone (not with the solver's data \
            structures): routing (customers served once, capacities, time windows, shifts, route \
            limits, times, distances, costs), allocation (orders served once, capacities, stock, \
            open warehouses, costs), loading (items on board once, weight and volume limits, and for \
            3D placements: inside the space, no overlap, orientation, support, fragility, load \
            bearing, unloading order). The problem may be any format `haul solve` reads.
            Exit codes: 0 the plan is feasible and its figures are right, 1 violations (each listed \
            on standard output with its JSON path in the plan), 2 unreadable or invalid input.
            """)

    @Argument(help: "Problem file (JSON, VRPLIB or SSCFLP).")
    var problem: String

    @Argument(help: "Plan file (JSON, as written by haul solve).")
    var plan: String

    @Option(name: .long, help: "Problem format: json, vrplib or sscflp (default: detected from the content).")
    var format: ProblemFormat?

    @Flag(name: .long, help: "Accept a plan that leaves customers or orders unserved when its status says so.")
    var allowPartial = false

    func run() throws {
        let (document, planValue) = try readProblemAndPlan(problem: problem, plan: plan, format: format)
        let report = checkPlan(planValue, against: document.problem)
        var violations = report.violations
        let complete = planValue.status == .feasible || planValue.status == .optimal
        if !complete && !allowPartial {
            violations.append(CheckViolation(path: "status", rule: "is \(planValue.status.rawValue): the plan does not serve everything (--allow-partial accepts that)"))
        }
        if violations.isEmpty {
            print("ok: \(planValue.kind.rawValue) plan is feasible; objective \(planValue.objective) (recomputed \(report.recomputedObjective))")
            return
        }
        for v in violations { print(v.description) }
        print("\(violations.count) violation(s); recomputed objective \(report.recomputedObjective)")
        throw ExitCode(1)
    }
}
