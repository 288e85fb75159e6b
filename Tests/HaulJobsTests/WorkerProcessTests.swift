import Foundation
import Haul
import XCTest
@testable import HaulJobs

/// `haul worker` processes (the built executable) sharing one store.
final class WorkerProcessTests: XCTestCase {
    static var haul: URL {
        // The test bundle and the executable are built into the same folder.
        var dir = URL(fileURLWithPath: CommandLine.arguments.first { $0.hasSuffix(".xctest") } ?? CommandLine.arguments[0])
        while dir.pathExtension == "xctest" || dir.lastPathComponent == "MacOS" || dir.lastPathComponent == "Contents" {
            dir.deleteLastPathComponent()
        }
        return dir.appendingPathComponent("haul")
    }

    /// A running `haul worker` whose standard error goes to a file.
    final class WorkerProcess {
        let process = Process()
        let log: URL

        init(store: String, id: String, lease: Double, maxTimeLimit: Double = 60, directory: URL) throws {
            log = directory.appendingPathComponent("\(id).log")
            FileManager.default.createFile(atPath: log.path, contents: nil)
            process.executableURL = WorkerProcessTests.haul
            process.arguments = ["worker", "--store", store, "--worker-id", id, "--lease", "\(lease)", "--poll", "0.05",
                                 "--max-time-limit", "\(maxTimeLimit)", "--grace", "0"]
            process.standardError = try FileHandle(forWritingTo: log)
            process.standardOutput = FileHandle.nullDevice
            try process.run()
        }

        var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

        /// Lines saying this worker stored a plan for `jobID`.
        func successes(of jobID: String) -> Int {
            output.split(separator: "\n").filter { $0.contains("job succeeded") && $0.contains(jobID) }.count
        }

        func kill9() {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }

        /// SIGTERM, then a bounded wait; SIGKILL if it does not stop.
        func stop() async throws -> Int32 {
            guard process.isRunning else { return process.terminationStatus }
            process.terminate()
            do {
                try await eventually("worker \(log.lastPathComponent) exits after SIGTERM", timeout: 20) { !process.isRunning }
            } catch {
                kill9()
                throw error
            }
            process.waitUntilExit()
            return process.terminationStatus
        }
    }

    func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("haul-workers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    func requireExecutable() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.haul.path) else {
            XCTFail("missing \(Self.haul.path): build with swift build --build-tests")
            throw XCTSkip("no haul executable")
        }
    }

    /// Two workers share a store: each of N jobs succeeds exactly once.
    func twoWorkersFinishEveryJobOnce(_ kind: StoreKind) async throws {
        try requireExecutable()
        let dir = try temporaryDirectory()
        try await withFreshStore(kind) { store, url in
            var ids: [String] = []
            for i in 0..<16 {
                let problem = i % 2 == 0 ? Problems.smallRouting(timeLimit: 0.05) : Problems.smallAllocation(timeLimit: 0.05)
                ids.append(try await submit(store, tenant: "t\(i % 3)", kind: i % 2 == 0 ? "routing" : "allocation", problem: problem).id)
            }
            let workers = [try WorkerProcess(store: url, id: "alpha", lease: 5, directory: dir),
                           try WorkerProcess(store: url, id: "beta", lease: 5, directory: dir)]
            do {
                try await eventually("all 16 jobs succeed", timeout: 60) {
                    (try await store.counts()).byStatus[.succeeded] == 16
                }
            } catch {
                for w in workers { _ = try? await w.stop() }
                XCTFail("worker logs:\n" + workers.map(\.output).joined(separator: "\n"))
                throw error
            }
            for w in workers {
                let status = try await w.stop()
                XCTAssertEqual(status, 0, w.output)
            }
            for (i, id) in ids.enumerated() {
                let job = try await store.job(id: id, tenant: "t\(i % 3)")
                XCTAssertEqual(job?.status, .succeeded)
                XCTAssertEqual(job?.attempts, 1)
                XCTAssertNotNil(job?.plan)
                XCTAssertEqual(workers.map { $0.successes(of: id) }.reduce(0, +), 1, "job \(id) solved exactly once")
            }
            XCTAssertTrue(workers.allSatisfy { $0.output.contains("worker-id=") }, "structured logs carry the worker id")
            XCTAssertFalse(workers.contains { $0.output.contains("\"customers\"") }, "no payloads in logs")
        }
    }

    func testTwoWorkersShareASQLiteFile() async throws { try await twoWorkersFinishEveryJobOnce(.sqlite) }
    func testTwoWorkersShareAPostgresDatabase() async throws { try await twoWorkersFinishEveryJobOnce(.postgres) }

    /// `kill -9` a worker in the middle of a solve: its lease expires, the job runs again on the
    /// other worker and exactly one plan is stored.
    func aKilledWorkersJobCompletesElsewhere(_ kind: StoreKind) async throws {
        try requireExecutable()
        let dir = try temporaryDirectory()
        try await withFreshStore(kind) { store, url in
            let job = try await submit(store, maxAttempts: 3, problem: Problems.largeRouting(timeLimit: 60))
            let doomed = try WorkerProcess(store: url, id: "doomed", lease: 1, directory: dir)
            do {
                try await eventually("the first worker runs the job") {
                    try await store.job(id: job.id, tenant: "acme")?.status == .running
                }
            } catch {
                doomed.kill9()
                XCTFail(doomed.output)
                throw error
            }
            doomed.kill9()
            // The survivor caps the time limit so that the second attempt ends quickly.
            let survivor = try WorkerProcess(store: url, id: "survivor", lease: 1, maxTimeLimit: 0.5, directory: dir)
            let done: JobRecord
            do {
                var last: JobRecord?
                try await eventually("the job completes on the other worker", timeout: 60) {
                    last = try await store.job(id: job.id, tenant: "acme")
                    return last?.status.isFinal ?? false
                }
                done = try XCTUnwrap(last)
            } catch {
                _ = try? await survivor.stop()
                XCTFail(survivor.output)
                throw error
            }
            let status = try await survivor.stop()
            XCTAssertEqual(status, 0)
            XCTAssertEqual(done.status, .succeeded, done.error ?? "")
            XCTAssertEqual(done.attempts, 2)
            XCTAssertTrue(done.error?.contains("doomed") ?? false, "the expired attempt is recorded: \(done.error ?? "nil")")
            let plan = try JSONDecoder().decode(Plan.self, from: try XCTUnwrap(done.plan))
            XCTAssertEqual(plan.routes?.flatMap(\.stops).count, 600, "the stored plan serves every customer")
            XCTAssertEqual(doomed.successes(of: job.id), 0)
            XCTAssertEqual(survivor.successes(of: job.id), 1, "exactly one plan stored")
        }
    }

    func testAKilledWorkersJobCompletesElsewhereOnSQLite() async throws { try await aKilledWorkersJobCompletesElsewhere(.sqlite) }
    func testAKilledWorkersJobCompletesElsewhereOnPostgres() async throws { try await aKilledWorkersJobCompletesElsewhere(.postgres) }

    func testABadStoreURLExitsWithCode2() throws {
        try requireExecutable()
        let process = Process()
        process.executableURL = Self.haul
        process.arguments = ["worker", "--store", "mysql://u:topsecret@h/db"]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 2)
        XCTAssertTrue(message.contains("invalid job store URL"), message)
        XCTAssertFalse(message.contains("topsecret"), "passwords are not printed")
    }
}
