import Foundation
import XCTest
@testable import HaulJobs

/// What every `JobStore` must do, run against each backend by `SQLiteJobStoreTests` and
/// `PostgresJobStoreTests`.
enum Conformance {
    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    /// The value, or a failure naming what was missing.
    static func required<T>(_ value: T?, _ what: String = "a value", file: StaticString = #filePath, line: UInt = #line) throws -> T {
        guard let value else {
            XCTFail("missing \(what)", file: file, line: line)
            throw Missing(description: "missing \(what)")
        }
        return value
    }

    static func submitAndRead(_ store: any JobStore) async throws {
        let (job, created) = try await store.submit(NewJob(tenant: "acme", kind: "allocation", problem: Data("{\"a\":1}".utf8),
                                                           priority: 4, maxAttempts: 2))
        XCTAssertTrue(created)
        XCTAssertEqual(job.status, .queued)
        XCTAssertEqual(job.attempts, 0)
        XCTAssertEqual(job.maxAttempts, 2)
        XCTAssertEqual(job.priority, 4)
        XCTAssertNil(job.plan)
        XCTAssertNil(job.startedAt)
        let read = try await store.job(id: job.id, tenant: "acme")
        XCTAssertEqual(read, job)
        XCTAssertEqual(read?.problem, Data("{\"a\":1}".utf8))
        let missing = try await store.job(id: "no-such-job", tenant: "acme")
        XCTAssertNil(missing)
    }

    static func idempotency(_ store: any JobStore) async throws {
        let first = try await store.submit(NewJob(tenant: "acme", kind: "routing", problem: Data("1".utf8), idempotencyKey: "order-42"))
        let again = try await store.submit(NewJob(tenant: "acme", kind: "routing", problem: Data("2".utf8), idempotencyKey: "order-42"))
        XCTAssertTrue(first.created)
        XCTAssertFalse(again.created)
        XCTAssertEqual(again.job.id, first.job.id)
        XCTAssertEqual(again.job.problem, Data("1".utf8), "the first submission is kept")
        // The key is per tenant.
        let other = try await store.submit(NewJob(tenant: "globex", kind: "routing", problem: Data("3".utf8), idempotencyKey: "order-42"))
        XCTAssertTrue(other.created)
        XCTAssertNotEqual(other.job.id, first.job.id)
        // Without a key every submission is a new job.
        let a = try await submit(store), b = try await submit(store)
        XCTAssertNotEqual(a.id, b.id)
        // Concurrent submissions with one key make one job.
        let ids = try await withThrowingTaskGroup(of: (String, Bool).self) { group in
            for i in 0..<16 {
                group.addTask {
                    let r = try await store.submit(NewJob(tenant: "acme", kind: "routing", problem: Data("\(i)".utf8), idempotencyKey: "burst"))
                    return (r.job.id, r.created)
                }
            }
            return try await group.reduce(into: [(String, Bool)]()) { $0.append($1) }
        }
        XCTAssertEqual(Set(ids.map(\.0)).count, 1)
        XCTAssertEqual(ids.filter(\.1).count, 1, "exactly one submission created the job")
    }

    static func tenantIsolation(_ store: any JobStore) async throws {
        let job = try await submit(store, tenant: "acme")
        let seen = try await store.job(id: job.id, tenant: "globex")
        XCTAssertNil(seen, "another tenant's job is invisible")
        let cancelled = try await store.cancel(id: job.id, tenant: "globex")
        XCTAssertNil(cancelled, "another tenant cannot cancel")
        let stillQueued = try await store.job(id: job.id, tenant: "acme")
        XCTAssertEqual(stillQueued?.status, .queued)
        let page = try await store.list(JobQuery(tenant: "globex"))
        XCTAssertEqual(page.jobs, [])
        let acmeInFlight = try await store.inFlightCount(tenant: "acme")
        let globexInFlight = try await store.inFlightCount(tenant: "globex")
        XCTAssertEqual(acmeInFlight, 1)
        XCTAssertEqual(globexInFlight, 0)
    }

    static func pagination(_ store: any JobStore) async throws {
        var submitted: [String] = []
        for i in 0..<7 {
            submitted.append(try await submit(store, tenant: "acme", kind: i % 2 == 0 ? "routing" : "loading").id)
            try await submit(store, tenant: "globex")
        }
        var seen: [String] = []
        var cursor: String?
        var pages = 0
        repeat {
            let page = try await store.list(JobQuery(tenant: "acme", limit: 3, cursor: cursor))
            XCTAssertLessThanOrEqual(page.jobs.count, 3)
            XCTAssertTrue(page.jobs.allSatisfy { $0.tenant == "acme" })
            seen += page.jobs.map(\.id)
            cursor = page.nextCursor
            pages += 1
        } while cursor != nil && pages < 10
        XCTAssertEqual(pages, 3)
        XCTAssertEqual(seen, submitted.reversed(), "newest first, every job once")

        let loading = try await store.list(JobQuery(tenant: "acme", kind: "loading", limit: 50))
        XCTAssertEqual(loading.jobs.map(\.id), [submitted[5], submitted[3], submitted[1]])
        XCTAssertNil(loading.nextCursor)

        _ = try await store.cancel(id: submitted[2], tenant: "acme")
        let cancelled = try await store.list(JobQuery(tenant: "acme", status: .cancelled))
        XCTAssertEqual(cancelled.jobs.map(\.id), [submitted[2]])

        do {
            _ = try await store.list(JobQuery(tenant: "acme", cursor: "not-a-cursor"))
            XCTFail("an invalid cursor is refused")
        } catch let error as JobStoreError {
            XCTAssertEqual(error, .invalidCursor)
        }
    }

    static func cancel(_ store: any JobStore) async throws {
        let queued = try await submit(store)
        let cancelled = try await store.cancel(id: queued.id, tenant: "acme")
        XCTAssertEqual(cancelled?.status, .cancelled)
        XCTAssertNotNil(cancelled?.finishedAt)
        let none = try await store.claim(workerID: "w1", leaseDuration: 30)
        XCTAssertNil(none, "a cancelled job is never claimed")

        let running = try await submit(store)
        let claimed = try await store.claim(workerID: "w1", leaseDuration: 30)
        let (job, lease) = try XCTUnwrap(claimed)
        XCTAssertEqual(job.id, running.id)
        XCTAssertEqual(job.status, .running)
        let afterCancel = try await store.cancel(id: running.id, tenant: "acme")
        XCTAssertEqual(afterCancel?.status, .cancelled)
        let state = try await store.renew(lease, leaseDuration: 30, progress: 0.5, bestObjective: nil)
        XCTAssertEqual(state, .cancelled, "the worker learns of the cancellation when it renews")
        let stored = try await store.complete(lease, plan: Data("{}".utf8))
        XCTAssertFalse(stored, "no plan is stored for a cancelled job")
        let final = try await store.job(id: running.id, tenant: "acme")
        XCTAssertEqual(final?.status, .cancelled)
        XCTAssertNil(final?.plan)
        // Cancelling a final job changes nothing.
        let again = try await store.cancel(id: running.id, tenant: "acme")
        XCTAssertEqual(again, final)
    }

    static func priorityAndFairness(_ store: any JobStore) async throws {
        let a1 = try await submit(store, tenant: "a")
        let a2 = try await submit(store, tenant: "a")
        let a3 = try await submit(store, tenant: "a")
        let b1 = try await submit(store, tenant: "b")
        let urgent = try await submit(store, tenant: "a", priority: 5)
        var order: [String] = []
        for _ in 0..<5 {
            let claimed = try await store.claim(workerID: "w", leaseDuration: 30)
            order.append(try XCTUnwrap(claimed).0.id)
        }
        // Priority first; then b (no running job) before a (one running); then oldest first.
        XCTAssertEqual(order, [urgent.id, b1.id, a1.id, a2.id, a3.id])
        let none = try await store.claim(workerID: "w", leaseDuration: 30)
        XCTAssertNil(none)
        let counts = try await store.counts()
        XCTAssertEqual(counts.byStatus[.running], 5)
        XCTAssertEqual(counts.byStatus[.queued], 0)
    }

    static func renewCompleteAndCounts(_ store: any JobStore) async throws {
        let job = try await submit(store)
        let (claimed, lease) = try required(await store.claim(workerID: "w1", leaseDuration: 30))
        XCTAssertEqual(claimed.attempts, 1)
        XCTAssertEqual(lease.attempt, 1)
        XCTAssertNotNil(claimed.startedAt)
        guard case .held = try await store.renew(lease, leaseDuration: 30, progress: 0.25, bestObjective: 123.5) else {
            return XCTFail("the holder renews")
        }
        let mid = try await store.job(id: job.id, tenant: "acme")
        XCTAssertEqual(mid?.progress ?? 0, 0.25, accuracy: 1e-9)
        XCTAssertEqual(mid?.bestObjective, 123.5)
        let stored = try await store.complete(lease, plan: Data("{\"plan\":true}".utf8))
        XCTAssertTrue(stored)
        let twice = try await store.complete(lease, plan: Data("{\"plan\":2}".utf8))
        XCTAssertFalse(twice, "an outcome is stored once")
        let done = try required(await store.job(id: job.id, tenant: "acme"))
        XCTAssertEqual(done.status, .succeeded)
        XCTAssertEqual(done.plan, Data("{\"plan\":true}".utf8))
        XCTAssertNotNil(done.finishedAt)
        XCTAssertEqual(done.progress, 1)
        let counts = try await store.counts()
        XCTAssertEqual(counts.byStatus[.succeeded], 1)
        XCTAssertEqual(counts.byStatus[.queued], 0)
        XCTAssertEqual(counts.byStatus[.failed], 0)
    }

    static func leaseExpiryRequeues(_ store: any JobStore) async throws {
        let job = try await submit(store, maxAttempts: 3)
        let (_, first) = try required(await store.claim(workerID: "w1", leaseDuration: 0.2))
        try await Task.sleep(for: .milliseconds(500))
        let (again, second) = try required(await store.claim(workerID: "w2", leaseDuration: 30), "the expired job is claimed again")
        XCTAssertEqual(again.id, job.id)
        XCTAssertEqual(again.attempts, 2)
        XCTAssertEqual(second.attempt, 2)
        XCTAssertTrue(again.error?.contains("expired") ?? false, "\(again.error ?? "nil")")
        // The first holder is refused everything.
        let state = try await store.renew(first, leaseDuration: 30, progress: nil, bestObjective: nil)
        XCTAssertEqual(state, .lost)
        let staleComplete = try await store.complete(first, plan: Data("stale".utf8))
        XCTAssertFalse(staleComplete)
        let staleFail = try await store.fail(first, error: "stale", retry: false)
        XCTAssertFalse(staleFail)
        try await store.release(first)
        let stored = try await store.complete(second, plan: Data("fresh".utf8))
        XCTAssertTrue(stored)
        let done = try await store.job(id: job.id, tenant: "acme")
        XCTAssertEqual(done?.status, .succeeded)
        XCTAssertEqual(done?.plan, Data("fresh".utf8), "exactly one plan, the current holder's")
        XCTAssertEqual(done?.attempts, 2)
    }

    static func maxAttemptsFail(_ store: any JobStore) async throws {
        // Failed attempts with retry: queued again until the attempts are used up.
        let job = try await submit(store, maxAttempts: 2)
        let (_, l1) = try required(await store.claim(workerID: "w", leaseDuration: 30))
        let failed1 = try await store.fail(l1, error: "boom 1", retry: true)
        XCTAssertTrue(failed1)
        let requeued = try await store.job(id: job.id, tenant: "acme")
        XCTAssertEqual(requeued?.status, .queued)
        XCTAssertEqual(requeued?.error, "boom 1")
        let (_, l2) = try required(await store.claim(workerID: "w", leaseDuration: 30))
        XCTAssertEqual(l2.attempt, 2)
        let failed2 = try await store.fail(l2, error: "boom 2", retry: true)
        XCTAssertTrue(failed2)
        let final = try await store.job(id: job.id, tenant: "acme")
        XCTAssertEqual(final?.status, .failed)
        XCTAssertEqual(final?.error, "boom 2", "the last error")
        XCTAssertNotNil(final?.finishedAt)

        // Expired leases count as attempts: after the last one, failed with the expiry as the error.
        let dying = try await submit(store, maxAttempts: 1)
        let (_, l3) = try required(await store.claim(workerID: "w9", leaseDuration: 0.2))
        try await Task.sleep(for: .milliseconds(500))
        let none = try await store.claim(workerID: "w", leaseDuration: 30)
        XCTAssertNil(none, "a job out of attempts is not claimed again")
        let dead = try await store.job(id: dying.id, tenant: "acme")
        XCTAssertEqual(dead?.status, .failed)
        XCTAssertEqual(dead?.attempts, 1)
        XCTAssertTrue(dead?.error?.contains("w9") ?? false, "\(dead?.error ?? "nil")")
        let late = try await store.complete(l3, plan: Data("late".utf8))
        XCTAssertFalse(late)

        // No retry: failed at once.
        let bad = try await submit(store, maxAttempts: 5)
        let (_, l4) = try required(await store.claim(workerID: "w", leaseDuration: 30))
        let failedNoRetry = try await store.fail(l4, error: "invalid", retry: false)
        XCTAssertTrue(failedNoRetry)
        let badFinal = try await store.job(id: bad.id, tenant: "acme")
        XCTAssertEqual(badFinal?.status, .failed)
        XCTAssertEqual(badFinal?.attempts, 1)
    }

    static func release(_ store: any JobStore) async throws {
        let job = try await submit(store)
        let (_, lease) = try required(await store.claim(workerID: "w1", leaseDuration: 30))
        try await store.release(lease)
        let back = try await store.job(id: job.id, tenant: "acme")
        XCTAssertEqual(back?.status, .queued)
        XCTAssertEqual(back?.attempts, 0, "a released attempt does not count")
        let (_, next) = try required(await store.claim(workerID: "w2", leaseDuration: 30))
        XCTAssertEqual(next.attempt, 1)
        let stale = try await store.complete(lease, plan: Data("x".utf8))
        XCTAssertFalse(stale, "the released lease is no longer valid")
    }

    /// Many workers claim at once: every job is claimed exactly once.
    static func concurrentClaimers(_ store: any JobStore) async throws {
        let total = 60
        for i in 0..<total { try await submit(store, tenant: "t\(i % 4)") }
        let claimed = try await withThrowingTaskGroup(of: [String].self) { group in
            for w in 0..<8 {
                group.addTask {
                    var mine: [String] = []
                    while let (job, lease) = try await store.claim(workerID: "w\(w)", leaseDuration: 30) {
                        mine.append(job.id)
                        let stored = try await store.complete(lease, plan: Data("{}".utf8))
                        XCTAssertTrue(stored)
                    }
                    return mine
                }
            }
            return try await group.reduce(into: [String]()) { $0 += $1 }
        }
        XCTAssertEqual(claimed.count, total, "no job claimed twice")
        XCTAssertEqual(Set(claimed).count, total, "every job claimed")
        let counts = try await store.counts()
        XCTAssertEqual(counts.byStatus[.succeeded], total)
        XCTAssertEqual(counts.byStatus[.queued], 0)
        for tenant in 0..<4 {
            let page = try await store.list(JobQuery(tenant: "t\(tenant)", limit: 100))
            XCTAssertTrue(page.jobs.allSatisfy { $0.attempts == 1 && $0.status == .succeeded })
        }
    }
}

// MARK: - The suite on each backend


/// The job-store conformance suite on a fresh SQLite file per test.
final class SQLiteJobStoreTests: XCTestCase {
    func testSubmitAndRead() async throws { try await withFreshStore(.sqlite) { store, _ in try await Conformance.submitAndRead(store) } }
    func testIdempotency() async throws { try await withFreshStore(.sqlite) { store, _ in try await Conformance.idempotency(store) } }
    func testTenantIsolation() async throws { try await withFreshStore(.sqlite) { store, _ in try await Conformance.tenantIsolation(store) } }
    func testPagination() async throws { try await withFreshStore(.sqlite) { store, _ in try await Conformance.pagination(store) } }
    func testCancel() async throws { try await withFreshStore(.sqlite) { store, _ in try await Conformance.cancel(store) } }
    func testPriorityAndFairness() async throws { try await withFreshStore(.sqlite) { store, _ in try await Conformance.priorityAndFairness(store) } }
    func testRenewCompleteAndCounts() async throws { try await withFreshStore(.sqlite) { store, _ in try await Conformance.renewCompleteAndCounts(store) } }
    func testLeaseExpiryRequeues() async throws { try await withFreshStore(.sqlite) { store, _ in try await Conformance.leaseExpiryRequeues(store) } }
    func testMaxAttemptsFail() async throws { try await withFreshStore(.sqlite) { store, _ in try await Conformance.maxAttemptsFail(store) } }
    func testRelease() async throws { try await withFreshStore(.sqlite) { store, _ in try await Conformance.release(store) } }
    func testConcurrentClaimers() async throws { try await withFreshStore(.sqlite) { store, _ in try await Conformance.concurrentClaimers(store) } }
}


/// The job-store conformance suite on a fresh PostgreSQL schema per test (HAUL_TEST_POSTGRES_URL).
final class PostgresJobStoreTests: XCTestCase {
    func testSubmitAndRead() async throws { try await withFreshStore(.postgres) { store, _ in try await Conformance.submitAndRead(store) } }
    func testIdempotency() async throws { try await withFreshStore(.postgres) { store, _ in try await Conformance.idempotency(store) } }
    func testTenantIsolation() async throws { try await withFreshStore(.postgres) { store, _ in try await Conformance.tenantIsolation(store) } }
    func testPagination() async throws { try await withFreshStore(.postgres) { store, _ in try await Conformance.pagination(store) } }
    func testCancel() async throws { try await withFreshStore(.postgres) { store, _ in try await Conformance.cancel(store) } }
    func testPriorityAndFairness() async throws { try await withFreshStore(.postgres) { store, _ in try await Conformance.priorityAndFairness(store) } }
    func testRenewCompleteAndCounts() async throws { try await withFreshStore(.postgres) { store, _ in try await Conformance.renewCompleteAndCounts(store) } }
    func testLeaseExpiryRequeues() async throws { try await withFreshStore(.postgres) { store, _ in try await Conformance.leaseExpiryRequeues(store) } }
    func testMaxAttemptsFail() async throws { try await withFreshStore(.postgres) { store, _ in try await Conformance.maxAttemptsFail(store) } }
    func testRelease() async throws { try await withFreshStore(.postgres) { store, _ in try await Conformance.release(store) } }
    func testConcurrentClaimers() async throws { try await withFreshStore(.postgres) { store, _ in try await Conformance.concurrentClaimers(store) } }
}
