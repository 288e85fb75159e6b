import XCTest
@testable import HaulJobs

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
