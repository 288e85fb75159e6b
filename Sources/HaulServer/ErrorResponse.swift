import Foundation
import Hummingbird
import HaulCore
import HaulJobs

/// A client-visible error: an HTTP status and a JSON body naming the rule that was broken,
/// `{"error": {"code": "...", "message": "...", "details": [{"path": "...", "message": "..."}]}}`.
public struct APIError: Error, HTTPResponseError, Sendable {
    /// One detail, usually a problem-validation issue with its JSON path.
    public struct Detail: Sendable, Equatable {
        /// JSON path of the offending value, e.g. `customers[3].demand`; empty for the whole body.
        public var path: String
        /// The rule it breaks.
        public var message: String
        /// A detail at `path`.
        public init(path: String, message: String) {
            self.path = path
            self.message = message
        }
    }

    /// The HTTP status (4xx for client errors).
    public var status: HTTPResponse.Status
    /// Stable machine-readable name of the rule, e.g. `body_too_large`.
    public var code: String
    /// A sentence for people.
    public var message: String
    /// Every issue, e.g. each validation error with its JSON path.
    public var details: [Detail]
    /// Extra response headers (e.g. `Retry-After`).
    public var headers: HTTPFields

    /// An error answered with `status` and the JSON body.
    public init(_ status: HTTPResponse.Status, code: String, message: String, details: [Detail] = [], headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.headers = headers
    }

    /// The JSON body.
    var body: String {
        var error = JSONObjectWriter()
        error.string("code", code)
        error.string("message", message)
        error.raw("details", jsonArray(details.map { d in
            var w = JSONObjectWriter()
            w.string("path", d.path)
            w.string("message", d.message)
            return w.finish()
        }))
        var root = JSONObjectWriter()
        root.raw("error", error.finish())
        return root.finish()
    }

    /// The JSON error response (`Content-Type: application/json`).
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    // MARK: The rules

    static func invalidProblem(_ error: InvalidProblemError) -> APIError {
        APIError(.unprocessableContent, code: "invalid_problem",
                 message: error.issues.count == 1 ? "1 error in the problem" : "\(error.issues.count) errors in the problem",
                 details: error.issues.map { Detail(path: $0.path, message: $0.message) })
    }

    static let unauthorized = APIError(.unauthorized, code: "unauthorized",
                                       message: "send Authorization: Bearer TOKEN with a valid API token",
                                       headers: [.wwwAuthenticate: "Bearer"])

    /// `409 no_plan`: the job has not succeeded (yet), so there is no plan to show.
    static func noPlan(_ job: JobRecord) -> APIError {
        let why: String
        switch job.status {
        case .queued, .running: why = "is \(job.status.rawValue); its plan exists once it has succeeded"
        case .failed, .cancelled: why = "is \(job.status.rawValue) and has no plan"
        case .succeeded: why = "has succeeded but stored no plan"
        }
        return APIError(.conflict, code: "no_plan", message: "job \(job.id) \(why)",
                        details: [Detail(path: "status", message: "must be succeeded")])
    }

    static func notFound(_ what: String) -> APIError {
        APIError(.notFound, code: "not_found", message: what)
    }
}

/// Turns any error a handler throws into the JSON error format (Hummingbird's own errors keep their status).
func apiError(from error: any Error) -> APIError {
    if let e = error as? APIError { return e }
    if let e = error as? HTTPError {
        let code: String
        switch e.status {
        case .notFound: code = "not_found"
        case .methodNotAllowed: code = "method_not_allowed"
        case .contentTooLarge: code = "body_too_large"
        case .badRequest: code = "bad_request"
        default: code = "http_\(e.status.code)"
        }
        return APIError(e.status, code: code, message: e.body ?? e.status.reasonPhrase)
    }
    if let e = error as? HTTPResponseError {
        return APIError(e.status, code: "http_\(e.status.code)", message: e.status.reasonPhrase)
    }
    return APIError(.internalServerError, code: "internal_error", message: "internal error")
}
