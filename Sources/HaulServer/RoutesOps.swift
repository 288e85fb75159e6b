import Foundation
import HaulJobs
import Hummingbird
import Synchronization

/// `GET /healthz`, `GET /readyz`, `GET /metrics`, `GET /openapi.json`.
struct OperationsRoutes: Sendable {
    let store: any JobStore
    let tokens: TokenRegistry
    let metrics: ServiceMetrics
    /// How long `/readyz` and `/metrics` wait for the store.
    let storeTimeout: Double = 2

    func add(to router: Router<HaulRequestContext>) {
        router.get("healthz") { _, _ in json(.ok, #"{"status":"ok"}"#) }
        router.get("readyz") { _, context in
            do {
                _ = try await withDeadline(storeTimeout) { try await store.counts() }
                return json(.ok, #"{"status":"ready"}"#)
            } catch {
                context.logger.warning("store not reachable", metadata: ["error": "\(String(describing: error).prefix(300))"])
                throw APIError(.serviceUnavailable, code: "store_unavailable", message: "the job store does not answer")
            }
        }
        router.get("metrics") { request, _ in
            guard let token = TokenRegistry.bearerToken(request.headers[.authorization]), tokens.isAdmin(token: token) else {
                throw APIError(.unauthorized, code: "unauthorized",
                               message: "/metrics needs the admin token (Authorization: Bearer ADMIN_TOKEN) or the metrics port",
                               headers: [.wwwAuthenticate: "Bearer"])
            }
            return try await metricsResponse()
        }
        router.get("openapi.json") { _, _ in json(.ok, OpenAPIDocument.text + "\n") }
    }

    /// `/metrics` without a token, for the separate metrics port.
    func addUnauthenticatedMetrics(to router: Router<HaulRequestContext>) {
        router.get("metrics") { _, _ in try await metricsResponse() }
    }

    func metricsResponse() async throws -> Response {
        let counts = try? await withDeadline(storeTimeout) { try await store.counts() }
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: metrics.render(counts: counts))))
    }
}

struct DeadlineExceeded: Error {}

/// Resumes a continuation once, whichever of several tasks gets there first.
private final class OnceResumer<T: Sendable>: Sendable {
    private let continuation: Mutex<CheckedContinuation<T, any Error>?>
    init(_ continuation: CheckedContinuation<T, any Error>) { self.continuation = Mutex(continuation) }
    func resume(_ result: Result<T, any Error>) {
        let c = continuation.withLock { c -> CheckedContinuation<T, any Error>? in
            defer { c = nil }
            return c
        }
        c?.resume(with: result)
    }
}

/// Runs `operation` and returns its result, or throws ``DeadlineExceeded`` after `seconds` even
/// when the operation does not stop on cancellation.
func withDeadline<T: Sendable>(_ seconds: Double, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
        let once = OnceResumer(continuation)
        let work = Task {
            do { once.resume(.success(try await operation())) } catch { once.resume(.failure(error)) }
        }
        Task {
            try? await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
            once.resume(.failure(DeadlineExceeded()))
            work.cancel()
        }
    }
}
