import Foundation
@testable import HaulJobs
@testable import HaulServer
import HummingbirdTesting
import XCTest

/// The service with real workers on the real SQLite store (and PostgreSQL when
/// HAUL_TEST_POSTGRES_URL is set): jobs run to plans, cancellation, restart, and load.
final class WorkerIntegrationTests: XCTestCase {
    func testJobRunsToAPlanWithTimestampsAndMetrics() async throws {
        try await withService(workers: Fixture.workers()) { client, service in
            let id = try await client.submit(Fixture.routing(customers: 8, timeLimit: 0.1))
            let job = try await client.waitForJob(id, seconds: 20)
            XCTAssertEqual(job["status"] as? String, "succeeded", "\(job)")
            XCTAssertEqual(job["attempts"] as? Int, 1)
            XCTAssertNotNil(job["startedAt"] as? String)
            XCTAssertNotNil(job["finishedAt"] as? String)
            let plan = try XCTUnwrap(job["plan"] as? [String: Any])
            XCTAssertEqual(plan["kind"] as? String, "routing")
            XCTAssertNotNil(plan["objective"] as? Double)
            let metrics = try await client.call(.get, "/metrics", token: Fixture.admin)
            XCTAssertTrue(metrics.text.contains("haul_jobs{status=\"succeeded\"} 1\n"), metrics.text)
            XCTAssertTrue(metrics.text.contains("haul_jobs_completed_total 1\n"), metrics.text)
            XCTAssertTrue(metrics.text.contains("haul_job_latency_seconds_count 1\n"), metrics.text)
        }
    }

    func testDeleteStopsARunningJobPromptly() async throws {
        try await withService(workers: Fixture.workers(concurrency: 1, lease: 3)) { client, _ in
            let long = try await client.submit(Fixture.routing(customers: 150, timeLimit: 30))
            let running = try await client.waitForJob(long, seconds: 20) { $0["status"] as? String != "queued" }
            XCTAssertEqual(running["status"] as? String, "running")
            let cancelled = try await client.call(.delete, "/v1/jobs/\(long)")
            XCTAssertEqual(cancelled.json?["status"] as? String, "cancelled")
            // The single worker slot is free again long before the 30 s limit: a new job is solved.
            let next = try await client.submit(Fixture.allocation())
            let done = try await client.waitForJob(next, seconds: 10)
            XCTAssertEqual(done["status"] as? String, "succeeded", "the cancelled solve kept the only worker busy")
            let final = try await client.job(long)
            XCTAssertEqual(final["status"] as? String, "cancelled")
            XCTAssertNil(final["plan"], "a cancelled job stores no plan")
        }
    }

    func testRestartKeepsEveryJobAndEachEndsOnce() async throws {
        let path = Fixture.tempStorePath()
        defer { Fixture.removeStore(path) }
        // First life: one job finished, one running (released at shutdown), two queued.
        let (finished, running, queued, finishedAt) = try await withService(storePath: path, workers: Fixture.workers(concurrency: 1))
        { client, _ -> (String, String, [String], String?) in
            let finished = try await client.submit(Fixture.allocation())
            let view = try await client.waitForJob(finished, seconds: 10)
            XCTAssertEqual(view["status"] as? String, "succeeded")
            let running = try await client.submit(Fixture.routing(customers: 60, timeLimit: 1.5))
            let started = try await client.waitForJob(running, seconds: 10) { $0["status"] as? String == "running" }
            XCTAssertEqual(started["status"] as? String, "running")
            let queued = [try await client.submit(Fixture.allocation(seed: 2)), try await client.submit(Fixture.allocation(seed: 3))]
            return (finished, running, queued, view["finishedAt"] as? String)
        }
        // Second life on the same file.
        try await withService(storePath: path, workers: Fixture.workers(concurrency: 2)) { client, service in
            let before = try await client.job(finished)
            XCTAssertEqual(before["finishedAt"] as? String, finishedAt)
            XCTAssertEqual(before["status"] as? String, "succeeded")
            for id in [running] + queued {
                let job = try await client.waitForJob(id, seconds: 30)
                XCTAssertEqual(job["status"] as? String, "succeeded", "\(id): \(job)")
                XCTAssertNotNil(job["plan"] as? [String: Any])
            }
            let again = try await client.job(finished)
            XCTAssertEqual(again["finishedAt"] as? String, finishedAt, "a finished job never runs again")
            let list = try await client.call(.get, "/v1/jobs?limit=50")
            XCTAssertEqual((list.json?["jobs"] as? [Any])?.count, 4)
            let metrics = try await client.call(.get, "/metrics", token: Fixture.admin)
            XCTAssertTrue(metrics.text.contains("haul_jobs_completed_total 3\n"), "only the three unfinished jobs ran in the second life")
            XCTAssertTrue(metrics.text.contains("haul_jobs{status=\"succeeded\"} 4\n"), metrics.text)
        }
    }

    func testThousandJobsFromTwentyClientsCompleteExactlyOnce() async throws {
        try await thousandJobs(store: nil)
    }

    func testThousandJobsOnPostgres() async throws {
        guard let url = ProcessInfo.processInfo.environment["HAUL_TEST_POSTGRES_URL"] else {
            throw XCTSkip("HAUL_TEST_POSTGRES_URL is not set")
        }
        let schema = "server_test_\(UInt32.random(in: 0...UInt32.max))"
        let storeURL = url + (url.contains("?") ? "&" : "?") + "schema=\(schema)"
        let store = try await openJobStore(url: storeURL, logger: Fixture.logger)
        // The service closes its store; the schema is dropped through a second connection,
        // also when the test fails, so that no test schema is left on the server.
        func dropSchema() async {
            guard let cleaner = try? await openJobStore(url: storeURL, logger: Fixture.logger) else { return }
            try? await (cleaner as? PostgresJobStore)?.dropSchema()
            await cleaner.close()
        }
        do {
            try await thousandJobs(store: store)
        } catch {
            await dropSchema()
            throw error
        }
        await dropSchema()
    }

    private func thousandJobs(store: (any JobStore)?) async throws {
        let limits = ServiceLimits(maxJobsInFlightPerTenant: 10_000)
        try await withService(limits: limits, store: store, workers: Fixture.workers(concurrency: 2)) { client, _ in
            let ids = try await withThrowingTaskGroup(of: [String].self) { group in
                for c in 0..<20 {
                    group.addTask {
                        var mine: [String] = []
                        for j in 0..<50 {
                            mine.append(try await client.submit(Fixture.allocation(timeLimit: 0.05, seed: c * 50 + j),
                                                                token: c % 2 == 0 ? "acme-token" : "globex-token"))
                        }
                        return mine
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            XCTAssertEqual(ids.count, 1000)
            XCTAssertEqual(Set(ids).count, 1000)
            // Bounded wait for the queue to drain.
            let deadline = Date().addingTimeInterval(90)
            var text = ""
            while Date() < deadline {
                text = try await client.call(.get, "/metrics", token: Fixture.admin).text
                if text.contains("haul_jobs{status=\"succeeded\"} 1000\n") { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            XCTAssertTrue(text.contains("haul_jobs{status=\"succeeded\"} 1000\n"), text)
            XCTAssertTrue(text.contains("haul_jobs_completed_total 1000\n"), "each plan stored exactly once")
            XCTAssertTrue(text.contains("haul_job_failures_total 0\n"), text)
            // Every job: succeeded at its first attempt, listed once for its own tenant.
            for token in ["acme-token", "globex-token"] {
                var seen: [String] = []
                var cursor: String?
                repeat {
                    let uri = "/v1/jobs?limit=200" + (cursor.map { "&cursor=\($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)" } ?? "")
                    let page = try await client.call(.get, uri, token: token)
                    let jobs = page.json?["jobs"] as? [[String: Any]] ?? []
                    for job in jobs {
                        XCTAssertEqual(job["status"] as? String, "succeeded")
                        XCTAssertEqual(job["attempts"] as? Int, 1)
                    }
                    seen += jobs.compactMap { $0["id"] as? String }
                    cursor = page.json?["nextCursor"] as? String
                } while cursor != nil && seen.count <= 1000
                XCTAssertEqual(seen.count, 500)
                XCTAssertEqual(Set(seen).count, 500)
            }
        }
    }
}
