import Foundation
import Haul
import XCTest
@testable import HaulJobs

/// Workers in this process solving real (small) problems.
final class JobWorkerPoolTests: XCTestCase {
    /// Runs a pool on `store` while `body` runs, then shuts it down and waits for it.
    func withWorkers(_ store: any JobStore, _ configuration: WorkerConfiguration,
                     _ body: () async throws -> Void) async throws {
        let pool = JobWorkerPool(store: store, configuration: configuration, logger: testLogger)
        let running = Task { try await pool.run() }
        do {
            try await body()
        } catch {
            running.cancel()
            _ = try? await running.value
            throw error
        }
        running.cancel()
        try await running.value
    }

    func fast(_ id: String = "test-worker", concurrency: Int = 1) -> WorkerConfiguration {
        WorkerConfiguration(workerID: id, concurrency: concurrency, leaseDuration: 5, pollInterval: 0.02, maxTimeLimit: 60,
                            shutdownGracePeriod: 0)
    }

    func waitForFinal(_ store: any JobStore, _ id: String, tenant: String = "acme", timeout: Double = 30) async throws -> JobRecord {
        var last: JobRecord?
        try await eventually("job \(id) ends", timeout: timeout) {
            last = try await store.job(id: id, tenant: tenant)
            return last?.status.isFinal ?? false
        }
        return try XCTUnwrap(last)
    }

    func solvesSmallJobs(_ kind: StoreKind) async throws {
        try await withFreshStore(kind) { store, _ in
            try await withWorkers(store, fast(concurrency: 2)) {
                let routing = try await submit(store, kind: "routing", problem: Problems.smallRouting())
                let allocation = try await submit(store, kind: "allocation", problem: Problems.smallAllocation())
                for id in [routing.id, allocation.id] {
                    let job = try await waitForFinal(store, id)
                    XCTAssertEqual(job.status, .succeeded, job.error ?? "")
                    XCTAssertEqual(job.attempts, 1)
                    let plan = try JSONDecoder().decode(Plan.self, from: try XCTUnwrap(job.plan))
                    XCTAssertTrue([.optimal, .feasible].contains(plan.status))
                    XCTAssertEqual(plan.kind.rawValue, job.kind)
                }
            }
        }
    }

    func testSolvesSmallJobsOnSQLite() async throws { try await solvesSmallJobs(.sqlite) }
    func testSolvesSmallJobsOnPostgres() async throws { try await solvesSmallJobs(.postgres) }

    func testAnInvalidProblemFailsWithoutRetries() async throws {
        try await withFreshStore(.sqlite) { store, _ in
            try await withWorkers(store, fast()) {
                let job = try await submit(store, maxAttempts: 3, problem: Problems.invalidRouting)
                let done = try await waitForFinal(store, job.id)
                XCTAssertEqual(done.status, .failed)
                XCTAssertEqual(done.attempts, 1, "no retry of an invalid problem")
                XCTAssertTrue(done.error?.contains("customers[0].demand") ?? false, done.error ?? "nil")
                XCTAssertNil(done.plan)
                let garbage = try await submit(store, problem: Data("not json".utf8))
                let garbageDone = try await waitForFinal(store, garbage.id)
                XCTAssertEqual(garbageDone.status, .failed)
                XCTAssertEqual(garbageDone.attempts, 1)
                XCTAssertTrue(garbageDone.error?.contains("invalid JSON") ?? false, garbageDone.error ?? "nil")
            }
        }
    }

    func cancelStopsARunningSolve(_ kind: StoreKind) async throws {
        try await withFreshStore(kind) { store, _ in
            try await withWorkers(store, fast()) {
                // A 30-second solve; one worker slot.
                let long = try await submit(store, problem: Problems.largeRouting(timeLimit: 30))
                try await eventually("the long job runs") { try await store.job(id: long.id, tenant: "acme")?.status == .running }
                let cancelled = try await store.cancel(id: long.id, tenant: "acme")
                XCTAssertEqual(cancelled?.status, .cancelled)
                // The slot is free again only once the solve stopped: a job submitted now finishes
                // long before the 30 s limit of the cancelled one.
                let next = try await submit(store, problem: Problems.smallRouting(timeLimit: 0.1))
                let done = try await waitForFinal(store, next.id, timeout: 15)
                XCTAssertEqual(done.status, .succeeded)
                let final = try await store.job(id: long.id, tenant: "acme")
                XCTAssertEqual(final?.status, .cancelled)
                XCTAssertNil(final?.plan, "nothing stored for a cancelled job")
            }
        }
    }

    func testCancelStopsARunningSolveOnSQLite() async throws { try await cancelStopsARunningSolve(.sqlite) }
    func testCancelStopsARunningSolveOnPostgres() async throws { try await cancelStopsARunningSolve(.postgres) }

    func testShutdownReleasesARunningJob() async throws {
        try await withFreshStore(.sqlite) { store, _ in
            let pool = JobWorkerPool(store: store, configuration: fast(), logger: testLogger)
            let running = Task { try await pool.run() }
            let long = try await submit(store, problem: Problems.largeRouting(timeLimit: 30))
            try await eventually("the long job runs") { try await store.job(id: long.id, tenant: "acme")?.status == .running }
            running.cancel()
            try await withTimeout(seconds: 15, what: "the pool to stop") { try await running.value }
            let after = try await store.job(id: long.id, tenant: "acme")
            XCTAssertEqual(after?.status, .queued, "released for another worker")
            XCTAssertEqual(after?.attempts, 0, "the released attempt does not count")
        }
    }

    func testShutdownLetsASolveFinishWithinTheGracePeriod() async throws {
        try await withFreshStore(.sqlite) { store, _ in
            var configuration = fast()
            configuration.shutdownGracePeriod = 30
            let pool = JobWorkerPool(store: store, configuration: configuration, logger: testLogger)
            let running = Task { try await pool.run() }
            let job = try await submit(store, problem: Problems.largeRouting(timeLimit: 1))
            try await eventually("the job runs") { try await store.job(id: job.id, tenant: "acme")?.status == .running }
            running.cancel()
            try await withTimeout(seconds: 20, what: "the pool to stop") { try await running.value }
            let after = try await store.job(id: job.id, tenant: "acme")
            XCTAssertEqual(after?.status, .succeeded)
            XCTAssertNotNil(after?.plan)
        }
    }

    func testTheTimeLimitIsCappedAndProgressReported() async throws {
        try await withFreshStore(.sqlite) { store, _ in
            var configuration = fast()
            configuration.maxTimeLimit = 1.5
            configuration.leaseDuration = 0.9
            try await withWorkers(store, configuration) {
                let job = try await submit(store, problem: Problems.largeRouting(timeLimit: 600))
                var sawProgress = false
                try await eventually("progress is reported") {
                    let j = try await store.job(id: job.id, tenant: "acme")
                    sawProgress = (j?.progress ?? 0) > 0 && j?.status == .running
                    return sawProgress || (j?.status.isFinal ?? false)
                }
                XCTAssertTrue(sawProgress)
                let done = try await waitForFinal(store, job.id, timeout: 30)
                XCTAssertEqual(done.status, .succeeded)
                let plan = try JSONDecoder().decode(Plan.self, from: try XCTUnwrap(done.plan))
                XCTAssertLessThan(plan.stats.seconds, 60, "the 600 s limit was capped")
                XCTAssertEqual(done.attempts, 1, "renewals kept the 0.9 s lease")
            }
        }
    }
}
