import Foundation
import HTTPTypes
import Hummingbird

/// `GET /`, `GET /web/{file}`, `GET /examples`, `GET /examples/{file}`: the web page that submits a
/// problem and shows its plan, and the example problems it offers.
///
/// The files are real files in `Sources/HaulServer/Web` (`Web/examples` is a link to
/// `Instances/examples`), compiled into the binary by SwiftPM's `.embedInCode` resource rule, so
/// `haul serve` needs nothing beside its executable. They need no token: the page holds none, it
/// asks the user for one and sends it with its `/v1` requests.
struct WebRoutes: Sendable {
    func add(to router: Router<HaulRequestContext>) {
        router.get("/") { request, _ in WebAssets.page.response(to: request) }
        router.get("web/{file}") { request, context in
            let name = context.parameters.get("file") ?? ""
            guard let asset = WebAssets.files[name] else { throw APIError.notFound("no web asset \(name.prefix(64))") }
            return asset.response(to: request)
        }
        router.get("examples") { request, _ in WebAssets.exampleList.response(to: request) }
        router.get("examples/{file}") { request, context in
            let name = context.parameters.get("file") ?? ""
            guard let asset = WebAssets.examples[name] else {
                throw APIError.notFound("no example \(name.prefix(64)); GET /examples lists them")
            }
            return asset.response(to: request)
        }
    }
}

/// The embedded files, each with its content type and entity tag.
enum WebAssets {
    /// The policy of the page and its files: scripts, styles, pictures and requests from this
    /// server only (no CDN, no inline script). Inline styles are allowed because the plan pictures
    /// the page inserts carry their own `<style>` and `style` attributes.
    static let contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        + "img-src 'self' data: blob:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    static let page = StaticAsset(PackageResources.index_html, contentType: "text/html; charset=utf-8")

    /// `/web/{file}`.
    static let files: [String: StaticAsset] = [
        "app.js": StaticAsset(PackageResources.app_js, contentType: "text/javascript; charset=utf-8"),
        "style.css": StaticAsset(PackageResources.style_css, contentType: "text/css; charset=utf-8"),
    ]

    /// The example problems of `Instances/examples`, by name (without `.json`), in the order the page lists them.
    /// A test checks that every file of that folder is here.
    static let exampleProblems: [(name: String, bytes: [UInt8])] = [
        ("routing-small", PackageResources.routing_small_json),
        ("routing-city", PackageResources.routing_city_json),
        ("routing-3l-small", PackageResources.routing_3l_small_json),
        ("allocation-small", PackageResources.allocation_small_json),
        ("loading-small", PackageResources.loading_small_json),
        ("loading-placement", PackageResources.loading_placement_json),
    ]

    /// `/examples/{file}`: `NAME.json`.
    static let examples: [String: StaticAsset] = Dictionary(uniqueKeysWithValues: exampleProblems.map {
        ($0.name + ".json", StaticAsset($0.bytes, contentType: "application/json"))
    })

    /// `/examples`: `{"examples": [{"name", "kind", "href"}]}`, `kind` read from each problem.
    static let exampleList: StaticAsset = {
        let entries = exampleProblems.map { example -> String in
            let object = (try? JSONSerialization.jsonObject(with: Data(example.bytes))) as? [String: Any]
            var w = JSONObjectWriter()
            w.string("name", example.name)
            w.string("kind", object?["kind"] as? String)
            w.string("href", "/examples/\(example.name).json")
            return w.finish()
        }
        var root = JSONObjectWriter()
        root.raw("examples", jsonArray(entries))
        return StaticAsset(Array(root.finish().utf8), contentType: "application/json")
    }()
}

extension HTTPField.Name {
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
}

/// One embedded file: revalidated on every use (`Cache-Control: no-cache` with a strong `ETag`,
/// `304` when `If-None-Match` names it), since its URL does not change when a new build changes it.
struct StaticAsset: Sendable {
    let bytes: [UInt8]
    let contentType: String
    /// A strong entity tag: the first 16 bytes of the SHA-256 of the content, in hex and quotes.
    let entityTag: String

    init(_ bytes: [UInt8], contentType: String) {
        self.bytes = bytes
        self.contentType = contentType
        entityTag = "\"" + SHA256.hash(bytes).prefix(16).map { String(format: "%02x", $0) }.joined() + "\""
    }

    func response(to request: Request) -> Response {
        var headers: HTTPFields = [
            .cacheControl: "no-cache",
            .eTag: entityTag,
            .contentSecurityPolicy: WebAssets.contentSecurityPolicy,
            .xContentTypeOptions: "nosniff",
            .referrerPolicy: "no-referrer",
        ]
        if Self.matches(request.headers[values: .ifNoneMatch], entityTag) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = contentType
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// Whether an `If-None-Match` header (possibly several, each a list) names `tag` or is `*`;
    /// weak tags (`W/"..."`) match too, as the weak comparison of RFC 9110 says.
    static func matches(_ values: [String], _ tag: String) -> Bool {
        for value in values {
            for candidate in value.split(separator: ",") {
                var c = candidate.trimmingCharacters(in: .whitespaces)
                if c == "*" { return true }
                if c.hasPrefix("W/") { c.removeFirst(2) }
                if c == tag { return true }
            }
        }
        return false
    }
}
