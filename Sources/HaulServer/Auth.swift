import Foundation

/// The API tokens the service accepts, each mapped to its tenant.
///
/// Only the SHA-256 digest of each token is kept; a presented token is hashed and compared with
/// every entry in constant time, so neither the tokens nor the timing of a comparison reveal them.
public struct TokenRegistry: Sendable {
    struct Entry: Sendable {
        var tenant: String
        var digest: [UInt8]
    }

    private var entries: [Entry] = []
    private var adminDigest: [UInt8]?

    /// An empty registry (every request to `/v1` is refused).
    public init() {}

    /// Tokens from `tenant=token,tenant=token,...` (whitespace and newlines also separate pairs;
    /// lines starting with `#` are comments), plus an optional admin token for `/metrics`.
    ///
    /// - Throws: ``TokenRegistry/FormatError`` naming the first malformed entry (never the token).
    public init(tenantTokens spec: String, adminToken: String? = nil) throws {
        for (index, rawLine) in spec.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            for pair in line.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" }) {
                guard let eq = pair.firstIndex(of: "=") else {
                    throw FormatError(message: "line \(index + 1): an entry is not tenant=token")
                }
                let tenant = String(pair[..<eq]), token = String(pair[pair.index(after: eq)...])
                guard !tenant.isEmpty, !token.isEmpty else {
                    throw FormatError(message: "line \(index + 1): an entry has an empty tenant or token")
                }
                guard tenant.utf8.count <= 128, tenant.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
                    throw FormatError(message: "line \(index + 1): tenant \"\(tenant.prefix(40))\" must be letters, digits, - _ . (at most 128)")
                }
                add(tenant: tenant, token: token)
            }
        }
        if let adminToken, !adminToken.isEmpty { adminDigest = SHA256.hash(Array(adminToken.utf8)) }
    }

    /// A malformed token specification.
    public struct FormatError: Error, CustomStringConvertible, Sendable {
        /// What is wrong and where (never the token).
        public var message: String
        public var description: String { "tokens: \(message)" }
    }

    /// Adds a tenant's token (a tenant may have several).
    public mutating func add(tenant: String, token: String) {
        entries.append(Entry(tenant: tenant, digest: SHA256.hash(Array(token.utf8))))
    }

    /// Sets the token that may read `/metrics`.
    public mutating func setAdminToken(_ token: String) {
        adminDigest = SHA256.hash(Array(token.utf8))
    }

    /// Number of tenant tokens.
    public var count: Int { entries.count }

    /// Whether an admin token is configured.
    public var hasAdminToken: Bool { adminDigest != nil }

    /// The tenant whose token this is, or nil. Every entry is compared, whatever matches.
    public func tenant(forToken token: String) -> String? {
        let digest = SHA256.hash(Array(token.utf8))
        var found: String?
        for entry in entries where constantTimeEqual(entry.digest, digest) && found == nil {
            found = entry.tenant
        }
        return found
    }

    /// Whether `token` is the admin token.
    public func isAdmin(token: String) -> Bool {
        guard let adminDigest else { return false }
        return constantTimeEqual(adminDigest, SHA256.hash(Array(token.utf8)))
    }

    /// The token of an `Authorization: Bearer TOKEN` header value, or nil.
    static func bearerToken(_ header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }
}
