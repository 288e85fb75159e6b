import Foundation
import HTTPTypes
import Hummingbird
import Logging

extension HTTPField.Name {
    static let requestID = HTTPField.Name("X-Request-Id")!
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
    static let idempotentReplayed = HTTPField.Name("Idempotent-Replayed")!
}

/// Outermost middleware: sets the request id (the client's `X-Request-Id` when it is 1 to 128
/// characters of `[A-Za-z0-9._-]`, else a random one) on the logger and the response, turns every
/// error into the JSON error format, counts the response in the metrics and logs one line per
/// request (method, path, status, milliseconds; never bodies, query strings or tokens).
struct RequestMiddleware: RouterMiddleware {
    typealias Context = HaulRequestContext
    let metrics: ServiceMetrics

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let id = Self.usableRequestID(request.headers[.requestID]) ?? Self.newRequestID()
        context.requestID = id
        context.logger[metadataKey: "request-id"] = .string(id)
        let start = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            let apiError = apiError(from: error)
            if apiError.status == .internalServerError {
                context.logger.error("request failed", metadata: ["error": "\(String(describing: error).prefix(500))"])
            }
            response = try apiError.response(from: request, context: context)
        }
        response.headers[.requestID] = id
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        metrics.recordRequest(status: response.status.code, seconds: seconds)
        context.logger.info("request", metadata: [
            "method": "\(request.method.rawValue)",
            "path": "\(request.uri.path.prefix(200))",
            "status": "\(response.status.code)",
            "ms": "\(String(format: "%.2f", seconds * 1000))",
        ])
        return response
    }

    static func usableRequestID(_ value: String?) -> String? {
        guard let value, !value.isEmpty, value.utf8.count <= 128,
              value.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A)
                  || $0 == 0x2E || $0 == 0x5F || $0 == 0x2D }) else { return nil }
        return value
    }

    static func newRequestID() -> String {
        var g = SystemRandomNumberGenerator()
        return String(format: "%016llx", g.next() as UInt64)
    }
}

/// Requires a tenant's bearer token on `/v1` routes (`401 unauthorized` otherwise) and puts the
/// tenant into the context and the logger.
struct TenantAuthMiddleware: RouterMiddleware {
    typealias Context = HaulRequestContext
    let tokens: TokenRegistry

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token = TokenRegistry.bearerToken(request.headers[.authorization]),
              let tenant = tokens.tenant(forToken: token) else {
            throw APIError.unauthorized
        }
        var context = context
        context.tenant = tenant
        context.logger[metadataKey: "tenant"] = .string(tenant)
        return try await next(request, context)
    }
}
