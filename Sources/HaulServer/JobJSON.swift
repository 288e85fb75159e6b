import Foundation
import HaulJobs

/// The JSON a client sees for a job. The problem is never echoed; the stored plan is embedded
/// as it is when `includePlan` and the job succeeded.
func jobJSON(_ job: JobRecord, includePlan: Bool) -> String {
    var w = JSONObjectWriter()
    w.string("id", job.id)
    w.string("kind", job.kind)
    w.string("status", job.status.rawValue)
    w.integer("priority", job.priority)
    w.number("progress", job.progress)
    w.number("bestObjective", job.bestObjective)
    w.integer("attempts", job.attempts)
    w.integer("maxAttempts", job.maxAttempts)
    w.string("idempotencyKey", job.idempotencyKey)
    w.date("createdAt", job.createdAt)
    w.date("startedAt", job.startedAt)
    w.date("finishedAt", job.finishedAt)
    w.string("error", job.error)
    if includePlan, job.status == .succeeded, let plan = job.plan, let text = String(data: plan, encoding: .utf8) {
        w.raw("plan", text)
    }
    return w.finish()
}
