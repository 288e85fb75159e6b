import Foundation

/// Errors of the job stores that a caller can act on.
public enum JobStoreError: Error, CustomStringConvertible, Sendable, Equatable {
    /// `JobQuery.cursor` is not a cursor this store handed out.
    case invalidCursor
    /// The store URL is not one `openJobStore(url:logger:)` understands; the message says why.
    case invalidURL(String)
    /// The database holds a schema version newer than this release knows.
    case unsupportedSchemaVersion(found: Int, supported: Int)

    public var description: String {
        switch self {
        case .invalidCursor:
            return "invalid cursor: pass the nextCursor of the previous page"
        case let .invalidURL(message):
            return message
        case let .unsupportedSchemaVersion(found, supported):
            return "the job store has schema version \(found); this release of haul supports up to \(supported)"
        }
    }
}

/// The opaque list cursor: the submission sequence number of the last job of a page.
enum JobCursor {
    static func encode(sequence: Int64) -> String {
        Data("j1:\(sequence)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ cursor: String) throws -> Int64 {
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard cursor.count <= 64, let data = Data(base64Encoded: base64),
              let text = String(data: data, encoding: .utf8), text.hasPrefix("j1:"),
              let sequence = Int64(text.dropFirst(3)), sequence > 0
        else { throw JobStoreError.invalidCursor }
        return sequence
    }
}

enum JobIDs {
    /// A new job id: a random UUID in lower case.
    static func make() -> String { UUID().uuidString.lowercased() }
}

extension JobQuery {
    /// The page size actually used: 1 to 1000.
    var clampedLimit: Int { min(max(limit, 1), 1000) }
}

extension NewJob {
    /// At least one attempt.
    var effectiveMaxAttempts: Int { max(1, maxAttempts) }
}

extension Double {
    /// Seconds since 1970 as a date.
    var unixDate: Date { Date(timeIntervalSince1970: self) }
}
