import CSQLite
import Foundation
import XCTest
@testable import HaulJobs

/// What only the SQLite store has: a file that several connections (processes) share and that
/// survives closing.
final class SQLiteFileTests: XCTestCase {
    func temporaryFile() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("haul-sqlite-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir.appendingPathComponent("jobs.db").path
    }

    func testJobsSurviveClosingAndReopening() async throws {
        let path = try temporaryFile()
        let store = try SQLiteJobStore(path: path, synchronous: .full)
        let job = try await submit(store, key: "k1")
        await store.close()
        do {
            _ = try await store.job(id: job.id, tenant: "acme")
            XCTFail("a closed store refuses calls")
        } catch {}
        let reopened = try SQLiteJobStore(path: path)
        let read = try await reopened.job(id: job.id, tenant: "acme")
        XCTAssertEqual(read, job)
        let again = try await reopened.submit(NewJob(tenant: "acme", kind: "routing", problem: Data(), idempotencyKey: "k1"))
        XCTAssertFalse(again.created)
        await reopened.close()
    }

    /// Two stores on one file stand for two processes: every job is claimed exactly once.
    func testTwoConnectionsShareTheFile() async throws {
        let path = try temporaryFile()
        let stores = [try SQLiteJobStore(path: path), try SQLiteJobStore(path: path)]
        for i in 0..<40 { try await submit(stores[i % 2]) }
        let claimed = try await withThrowingTaskGroup(of: [String].self) { group in
            for w in 0..<6 {
                let store = stores[w % 2]
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
        XCTAssertEqual(claimed.count, 40)
        XCTAssertEqual(Set(claimed).count, 40)
        for store in stores { await store.close() }
    }

    func testConcurrentSubmissionsAreGroupedAndAllStored() async throws {
        let path = try temporaryFile()
        let store = try SQLiteJobStore(path: path)
        let ids = try await withThrowingTaskGroup(of: String.self) { group in
            for i in 0..<500 {
                group.addTask { try await submit(store, tenant: "t\(i % 5)").id }
            }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        XCTAssertEqual(Set(ids).count, 500)
        let counts = try await store.counts()
        XCTAssertEqual(counts.byStatus[.queued], 500)
        await store.close()
    }

    func testANewerSchemaIsRefused() throws {
        let path = try temporaryFile()
        var db: OpaquePointer?
        XCTAssertEqual(sqlite3_open(path, &db), SQLITE_OK)
        XCTAssertEqual(sqlite3_exec(db, "PRAGMA user_version = 99", nil, nil, nil), SQLITE_OK)
        sqlite3_close(db)
        XCTAssertThrowsError(try SQLiteJobStore(path: path)) { error in
            XCTAssertEqual(error as? JobStoreError, .unsupportedSchemaVersion(found: 99, supported: 1))
        }
    }

    func testAFileThatIsNotADatabaseIsAnError() throws {
        let path = try temporaryFile()
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try SQLiteJobStore(path: path))
    }
}
