import Foundation
import Haul
import HaulJobs
import HaulRender
import Hummingbird
import Logging

/// `POST /v1/jobs`, `GET /v1/jobs/{id}`, `GET /v1/jobs/{id}/plan.svg`, `GET /v1/jobs`, `DELETE /v1/jobs/{id}`.
struct JobRoutes: Sendable {
    let store: any JobStore
    let limits: ServiceLimits
    let maxAttempts: Int
    let gate: InFlightGate
    let metrics: ServiceMetrics

    func add(to group: RouterGroup<HaulRequestContext>) {
        group.post("jobs") { request, context in try await submit(request, context) }
        group.get("jobs") { request, context in try await list(request, context) }
        group.get("jobs/{id}") { request, context in try await show(request, context) }
        group.get("jobs/{id}/plan.svg") { request, context in try await planPicture(request, context) }
        group.delete("jobs/{id}") { request, context in try await cancel(request, context) }
    }

    func submit(_ request: Request, _ context: HaulRequestContext) async throws -> Response {
        let tenant = context.tenant!
        try requireJSONContentType(request)
        let key = try idempotencyKey(request)
        let priority = try integerParameter(request, "priority", range: -1000...1000) ?? 0
        let body = try await readBody(request, limit: limits.maxBodyBytes)
        let accepted = try acceptProblem(body, maxEntities: limits.maxEntities, maxTimeLimit: limits.maxTimeLimit)
        try await gate.admit(tenant: tenant, store: store)
        let result: (job: JobRecord, created: Bool)
        do {
            result = try await store.submit(NewJob(tenant: tenant, kind: accepted.document.problem.kind.rawValue,
                                                  problem: Data(body), priority: priority, maxAttempts: maxAttempts,
                                                  idempotencyKey: key))
        } catch {
            gate.undo(tenant: tenant)
            throw error
        }
        var logger = context.logger
        logger[metadataKey: "job-id"] = .string(result.job.id)
        if result.created {
            metrics.recordSubmission()
            logger.debug("job submitted", metadata: ["kind": "\(result.job.kind)", "entities": "\(accepted.entities)"])
        } else {
            gate.undo(tenant: tenant)
            logger.debug("idempotent replay")
        }
        var headers: HTTPFields = [.contentType: "application/json", .location: "/v1/jobs/\(result.job.id)"]
        if !result.created { headers[.idempotentReplayed] = "true" }
        return Response(status: .accepted, headers: headers,
                        body: .init(byteBuffer: ByteBuffer(string: jobJSON(result.job, includePlan: false))))
    }

    func show(_ request: Request, _ context: HaulRequestContext) async throws -> Response {
        let id = try jobID(context)
        guard let job = try await store.job(id: id, tenant: context.tenant!) else { throw APIError.notFound("no job \(id)") }
        return json(.ok, jobJSON(job, includePlan: true))
    }

    /// The job's plan drawn over its problem by ``PlanRenderer`` (`image/svg+xml`); `409 no_plan`
    /// until the job has succeeded, `422 plan_not_drawable` when the renderer refuses the plan.
    func planPicture(_ request: Request, _ context: HaulRequestContext) async throws -> Response {
        let id = try jobID(context)
        guard let job = try await store.job(id: id, tenant: context.tenant!) else { throw APIError.notFound("no job \(id)") }
        guard job.status == .succeeded, let storedPlan = job.plan else { throw APIError.noPlan(job) }
        let problem: Problem, plan: Plan
        do {
            problem = try ProblemDocument.decode(job.problem).problem
            plan = try JSONDecoder().decode(Plan.self, from: storedPlan)
        } catch {
            context.logger.error("stored job unreadable", metadata: ["job-id": "\(id)", "error": "\(String(describing: error).prefix(300))"])
            throw APIError(.internalServerError, code: "stored_job_unreadable",
                           message: "the stored problem or plan of job \(id) cannot be read")
        }
        let svg: String
        do {
            svg = try PlanRenderer.svg(problem: problem, plan: plan)
        } catch {
            throw APIError(.unprocessableContent, code: "plan_not_drawable",
                           message: "the plan of job \(id) cannot be drawn: \(String(describing: error).prefix(500))")
        }
        return Response(status: .ok, headers: [
            .contentType: "image/svg+xml",
            // A succeeded job's plan never changes; the picture is the tenant's own.
            .cacheControl: "private, max-age=3600",
            .contentDisposition: "inline; filename=\"job-\(id)-plan.svg\"",
            // Opened on its own, the picture may load nothing and run nothing.
            .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
            .xContentTypeOptions: "nosniff",
        ], body: .init(byteBuffer: ByteBuffer(string: svg)))
    }

    func cancel(_ request: Request, _ context: HaulRequestContext) async throws -> Response {
        let id = try jobID(context)
        guard let job = try await store.cancel(id: id, tenant: context.tenant!) else { throw APIError.notFound("no job \(id)") }
        var logger = context.logger
        logger[metadataKey: "job-id"] = .string(id)
        logger.debug("job cancel requested", metadata: ["status": "\(job.status.rawValue)"])
        return json(.ok, jobJSON(job, includePlan: false))
    }

    func list(_ request: Request, _ context: HaulRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        var status: JobStatus?
        if let s = query["status"] {
            guard let parsed = JobStatus(rawValue: String(s)) else {
                throw invalidParameter("status", "must be one of \(JobStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            status = parsed
        }
        var kind: String?
        if let k = query["kind"] {
            guard ["routing", "allocation", "loading"].contains(String(k)) else {
                throw invalidParameter("kind", "must be routing, allocation or loading")
            }
            kind = String(k)
        }
        let limit = try integerParameter(request, "limit", range: 1...limits.maxPageSize) ?? min(50, limits.maxPageSize)
        var cursor: String?
        if let c = query["cursor"] {
            guard !c.isEmpty, c.utf8.count <= 512 else { throw invalidParameter("cursor", "is not a cursor this service issued") }
            cursor = String(c)
        }
        let page: JobPage
        do {
            page = try await store.list(JobQuery(tenant: context.tenant!, status: status, kind: kind, limit: limit, cursor: cursor))
        } catch where cursor != nil {
            throw invalidParameter("cursor", "is not a cursor this service issued")
        }
        var w = JSONObjectWriter()
        w.raw("jobs", jsonArray(page.jobs.map { jobJSON($0, includePlan: false) }))
        w.string("nextCursor", page.nextCursor)
        return json(.ok, w.finish())
    }

    private func jobID(_ context: HaulRequestContext) throws -> String {
        guard let id = context.parameters.get("id"), !id.isEmpty, id.utf8.count <= 128 else {
            throw APIError.notFound("no such job")
        }
        return id
    }

    private func idempotencyKey(_ request: Request) throws -> String? {
        guard let key = request.headers[.idempotencyKey] else { return nil }
        guard !key.isEmpty, key.utf8.count <= 255, key.unicodeScalars.allSatisfy({ $0.value >= 0x21 && $0.value <= 0x7E }) else {
            throw APIError(.badRequest, code: "invalid_idempotency_key",
                           message: "Idempotency-Key must be 1 to 255 visible ASCII characters")
        }
        return key
    }
}

func invalidParameter(_ name: String, _ rule: String) -> APIError {
    APIError(.badRequest, code: "invalid_parameter", message: "\(name) \(rule)",
             details: [APIError.Detail(path: name, message: rule)])
}

func integerParameter(_ request: Request, _ name: String, range: ClosedRange<Int>) throws -> Int? {
    guard let raw = request.uri.queryParameters[Substring(name)] else { return nil }
    guard let value = Int(String(raw)), range.contains(value) else {
        throw invalidParameter(name, "must be an integer from \(range.lowerBound) to \(range.upperBound)")
    }
    return value
}

func json(_ status: HTTPResponse.Status, _ text: String) -> Response {
    Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
}
