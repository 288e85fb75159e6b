import Foundation
import Haul
import Hummingbird

/// `POST /v1/solve`: solves a small problem in this process and answers with its plan.
///
/// The time limit is the document's (default 10 s) cut to ``ServiceLimits/maxSyncTimeLimit``;
/// at most ``ServiceLimits/maxConcurrentSolves`` run at once and the rest wait their turn.
/// The answer is `200` with the plan whatever its status (`optimal`, `feasible`, `infeasible`,
/// `timeLimit`).
struct SolveRoutes: Sendable {
    let limits: ServiceLimits
    let gate: SolveGate
    let metrics: ServiceMetrics

    func add(to group: RouterGroup<HaulRequestContext>) {
        group.post("solve") { request, context in try await solveNow(request, context) }
    }

    func solveNow(_ request: Request, _ context: HaulRequestContext) async throws -> Response {
        try requireJSONContentType(request)
        let body = try await readBody(request, limit: limits.maxBodyBytes)
        let accepted = try acceptProblem(body, maxEntities: limits.maxSyncEntities, maxTimeLimit: limits.maxTimeLimit)
        var options = effectiveOptions(for: accepted.document)
        options.timeLimit = min(options.timeLimit, limits.maxSyncTimeLimit)
        let plan = try await gate.run { () async throws -> Plan in
            let start = Date()
            do {
                let plan = try await solve(accepted.document.problem, options: options)
                metrics.recordSyncSolve(seconds: Date().timeIntervalSince(start))
                return plan
            } catch let error as InvalidProblemError {
                throw APIError.invalidProblem(error)
            }
        }
        context.logger.debug("solved", metadata: ["kind": "\(plan.kind.rawValue)", "status": "\(plan.status.rawValue)"])
        let bytes = try plan.jsonData()
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
