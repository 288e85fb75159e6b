import Foundation
import HaulJobs
import Synchronization

/// A ``JobStore`` that forwards every call and tells ``ServiceMetrics`` about the outcomes the
/// workers of this process store: job latency, solve time and failures.
public final class InstrumentedJobStore: JobStore {
    private struct Claim { var claimedAt: Date; var createdAt: Date }
    /// The wrapped store.
    public let base: any JobStore
    let metrics: ServiceMetrics
    private let claims = Mutex<[String: Claim]>([:])

    /// Wraps `base`; outcomes are recorded into `metrics`.
    public init(_ base: any JobStore, metrics: ServiceMetrics) {
        self.base = base
        self.metrics = metrics
    }

    private func key(_ lease: JobLease) -> String { "\(lease.jobID)#\(lease.attempt)" }

    private func takeClaim(_ lease: JobLease) -> Claim? {
        claims.withLock { $0.removeValue(forKey: key(lease)) }
    }

    public func submit(_ job: NewJob) async throws -> (job: JobRecord, created: Bool) { try await base.submit(job) }
    public func job(id: String, tenant: String) async throws -> JobRecord? { try await base.job(id: id, tenant: tenant) }
    public func list(_ query: JobQuery) async throws -> JobPage { try await base.list(query) }
    public func cancel(id: String, tenant: String) async throws -> JobRecord? { try await base.cancel(id: id, tenant: tenant) }
    public func inFlightCount(tenant: String) async throws -> Int { try await base.inFlightCount(tenant: tenant) }

    public func claim(workerID: String, leaseDuration: TimeInterval) async throws -> (JobRecord, JobLease)? {
        guard let (job, lease) = try await base.claim(workerID: workerID, leaseDuration: leaseDuration) else { return nil }
        let claim = Claim(claimedAt: Date(), createdAt: job.createdAt)
        claims.withLock { $0[key(lease)] = claim }
        return (job, lease)
    }

    public func renew(_ lease: JobLease, leaseDuration: TimeInterval, progress: Double?, bestObjective: Double?)
        async throws -> LeaseState {
        let state = try await base.renew(lease, leaseDuration: leaseDuration, progress: progress, bestObjective: bestObjective)
        if case .held = state {} else { _ = takeClaim(lease) }
        return state
    }

    public func complete(_ lease: JobLease, plan: Data) async throws -> Bool {
        let stored = try await base.complete(lease, plan: plan)
        if let claim = takeClaim(lease), stored {
            let now = Date()
            metrics.recordJobCompleted(latency: now.timeIntervalSince(claim.createdAt),
                                       solveSeconds: now.timeIntervalSince(claim.claimedAt))
        }
        return stored
    }

    public func fail(_ lease: JobLease, error: String, retry: Bool) async throws -> Bool {
        let stored = try await base.fail(lease, error: error, retry: retry)
        if let claim = takeClaim(lease), stored {
            metrics.recordJobFailure(solveSeconds: Date().timeIntervalSince(claim.claimedAt))
        }
        return stored
    }

    public func release(_ lease: JobLease) async throws {
        _ = takeClaim(lease)
        try await base.release(lease)
    }

    public func counts() async throws -> JobCounts { try await base.counts() }
    public func close() async { await base.close() }
}
