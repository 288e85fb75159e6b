import Foundation
import HaulAllocation
import HaulCore
import HaulLoading
import HaulRouting

/// Solves a problem of any kind and returns its plan.
///
/// The problem is validated first; the solve then runs on a thread of its own so that it does not
/// hold one of Swift's cooperative threads, and cancelling the calling task stops it within a
/// fraction of a second (the plan returned is the best found so far).
///
/// ```swift
/// import Haul
///
/// let problem = RoutingProblem(
///     depots: [Depot(id: "D", location: .planar(x: 0, y: 0))],
///     vehicleTypes: [VehicleType(id: "van", count: 2, capacity: [10])],
///     customers: [Customer(id: "A", location: .planar(x: 3, y: 4), demand: [4]),
///                 Customer(id: "B", location: .planar(x: -3, y: 4), demand: [5])])
/// let plan = try await solve(.routing(problem), options: SolveOptions(timeLimit: 1))
/// print(plan.status, plan.objective)
/// ```
///
/// - Throws: ``InvalidProblemError`` listing every rule the problem breaks, and `CancellationError`
///   when the task was cancelled before the solve started.
public func solve(_ problem: Problem, options: SolveOptions = SolveOptions()) async throws -> Plan {
    try problem.validate()
    try Task.checkCancellation()
    let flag = CancellationFlag()
    var options = options
    let callerCancelled = options.isCancelled
    options.isCancelled = { flag.isCancelled || callerCancelled() }
    let runOptions = options
    return await withTaskCancellationHandler {
        await withCheckedContinuation { (continuation: CheckedContinuation<Plan, Never>) in
            let thread = Thread {
                continuation.resume(returning: solveValidated(problem, options: runOptions))
            }
            thread.stackSize = 16 << 20
            thread.start()
        }
    } onCancel: {
        flag.cancel()
    }
}

/// Solves a routing problem; see ``solve(_:options:)``.
public func solve(_ problem: RoutingProblem, options: SolveOptions = SolveOptions()) async throws -> Plan {
    try await solve(.routing(problem), options: options)
}

/// Solves an allocation problem; see ``solve(_:options:)``.
public func solve(_ problem: AllocationProblem, options: SolveOptions = SolveOptions()) async throws -> Plan {
    try await solve(.allocation(problem), options: options)
}

/// Solves a loading problem; see ``solve(_:options:)``.
public func solve(_ problem: LoadingProblem, options: SolveOptions = SolveOptions()) async throws -> Plan {
    try await solve(.loading(problem), options: options)
}

/// Solves on the calling thread, blocking it until the plan is ready; for command-line tools and
/// worker threads. Validation as in ``solve(_:options:)``.
public func solveBlocking(_ problem: Problem, options: SolveOptions = SolveOptions()) throws -> Plan {
    try problem.validate()
    return solveValidated(problem, options: options)
}

/// The options for a document: the caller's values where given, then the document's, then the defaults.
public func effectiveOptions(for document: ProblemDocument, timeLimit: Double? = nil, seed: UInt64? = nil) -> SolveOptions {
    SolveOptions(timeLimit: timeLimit ?? document.options.timeLimit ?? SolveOptions.defaultTimeLimit,
                 seed: seed ?? document.options.seed ?? SolveOptions.defaultSeed)
}

func solveValidated(_ problem: Problem, options: SolveOptions) -> Plan {
    switch problem {
    case let .routing(p):
        let planning = RoutingPlanning(p)
        let clock = Stopwatch()
        // A search that has not improved for this many iterations has converged; small problems
        // then return before their time limit.
        let patience = max(10_000, 100 * p.customers.count)
        var searchOptions = RoutingSearchOptions(timeLimit: options.timeLimit, seed: options.seed, isCancelled: options.isCancelled,
                                                 maxIterationsWithoutImprovement: patience,
                                                 routeFeasibility: planning.routeFeasibility(seed: options.seed))
        searchOptions.timeLimitClock = options.timeLimitClock
        if let report = options.progress {
            searchOptions.onProgress = { (p: RoutingProgress) in
                report(SolveProgress(elapsed: clock.elapsed, objective: p.bestCost, phase: "local search"))
            }
        }
        return planning.plan(from: RoutingSolver.solve(planning.model, options: searchOptions), seed: options.seed,
                             isCancelled: options.isCancelled)
    case let .allocation(p):
        return AllocationSolver.solve(p, options: options)
    case let .loading(p):
        return LoadingSolver.solve(p, options: options)
    }
}
