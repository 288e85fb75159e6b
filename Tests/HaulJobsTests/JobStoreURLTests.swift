import XCTest
@testable import HaulJobs

final class JobStoreURLTests: XCTestCase {
    func testSQLiteURLs() throws {
        XCTAssertEqual(try JobStoreLocation(url: "sqlite:jobs.db"), .sqlite(path: "jobs.db", synchronous: .full))
        XCTAssertEqual(try JobStoreLocation(url: "sqlite:///var/lib/haul/jobs.db"), .sqlite(path: "/var/lib/haul/jobs.db", synchronous: .full))
        XCTAssertEqual(try JobStoreLocation(url: "sqlite:data/j.db?synchronous=full"), .sqlite(path: "data/j.db", synchronous: .full))
    }

    func testPostgresURLs() throws {
        XCTAssertEqual(try JobStoreLocation(url: "postgres://haul:secret@db.example:6543/jobs"),
                       .postgres(host: "db.example", port: 6543, user: "haul", password: "secret", database: "jobs", schema: "public", sslMode: "disable"))
        XCTAssertEqual(try JobStoreLocation(url: "postgresql://haul@localhost/jobs?schema=queue_1&sslmode=require"),
                       .postgres(host: "localhost", port: 5432, user: "haul", password: nil, database: "jobs", schema: "queue_1", sslMode: "require"))
    }

    func testBadURLsNameTheProblem() {
        for (url, words) in [("mysql://x@y/z", "use sqlite:PATH or postgres://"), ("sqlite:", "needs a file path"),
                             ("postgres://localhost/db", "no user name"), ("postgres://u@h/db?schema=Bad-Name", "schema name"),
                             ("postgres://u@h/db?pool=3", "unknown option"), ("sqlite:x.db?synchronous=maybe", "unknown option")] {
            XCTAssertThrowsError(try JobStoreLocation(url: url), url) { error in
                guard case let .invalidURL(message)? = error as? JobStoreError else { return XCTFail("\(url): \(error)") }
                XCTAssertTrue(message.contains(words), "\(url): \(message)")
            }
        }
    }

    func testPasswordsAreRedacted() {
        XCTAssertEqual(JobStoreLocation.redacted("postgres://haul:secret@db:5432/jobs"), "postgres://haul:***@db:5432/jobs")
        XCTAssertEqual(JobStoreLocation.redacted("sqlite:jobs.db"), "sqlite:jobs.db")
        XCTAssertThrowsError(try JobStoreLocation(url: "redis://u:hunter2@h/0")) { error in
            XCTAssertFalse("\(error)".contains("hunter2"))
        }
    }

    func testOpenJobStoreRefusesAnUnknownScheme() async {
        do {
            _ = try await openJobStore(url: "ftp://example.com/jobs", logger: testLogger)
            XCTFail("opened an ftp store")
        } catch {
            XCTAssertTrue(error is JobStoreError, "\(error)")
        }
    }

    func testAnUnreachablePostgresServerIsAnErrorNotAHang() async throws {
        // Port 1 on loopback: nothing listens there.
        do {
            let store = try await openJobStore(url: "postgres://haul:x@127.0.0.1:1/jobs", logger: testLogger, connectTimeout: 2)
            await store.close()
            XCTFail("connected to nothing")
        } catch {
            XCTAssertFalse(error is JobStoreError, "\(error)")
        }
    }
}
