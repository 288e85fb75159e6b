import Hummingbird
import Logging

/// The per-request state of the service: the request id and, once authenticated, the tenant.
public struct HaulRequestContext: RequestContext {
    /// Hummingbird's own per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// From `X-Request-Id` when the client sent a usable one, else generated; echoed in the response.
    public var requestID: String = ""
    /// The tenant the bearer token belongs to (set on `/v1` routes).
    public var tenant: String?

    /// A context for a new request.
    public init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
    }
}
