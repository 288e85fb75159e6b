/// One problem found in a document or a typed model: the JSON path where it is and the rule it breaks.
public struct ValidationIssue: Sendable, Equatable, CustomStringConvertible {
    /// JSON path, e.g. `customers[3].demand`; empty for the document itself.
    public var path: String
    /// The rule that is broken, e.g. `must be >= 0`.
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

/// A problem that cannot be solved as given: every issue found, in document order.
///
/// Thrown by decoding and by ``validate`` on typed models; the CLI maps it to exit code 2.
public struct InvalidProblemError: Error, Sendable, CustomStringConvertible {
    public var issues: [ValidationIssue]

    public init(_ issues: [ValidationIssue]) { self.issues = issues }

    public var description: String {
        let head = issues.count == 1 ? "1 error in the problem" : "\(issues.count) errors in the problem"
        return ([head + ":"] + issues.map { "  " + $0.description }).joined(separator: "\n")
    }
}

/// Collects issues while a document is read or a model is checked.
final class IssueLog {
    private(set) var issues: [ValidationIssue] = []

    func add(_ path: String, _ message: String) {
        issues.append(ValidationIssue(path: path, message: message))
    }

    /// The issues that `check` reports into a fresh log.
    static func collect(_ check: (IssueLog) -> Void) -> [ValidationIssue] {
        let log = IssueLog()
        check(log)
        return log.issues
    }

}

/// Builds JSON paths for typed-model validation.
struct PathBuilder {
    static func join(_ base: String, _ key: String) -> String { base.isEmpty ? key : "\(base).\(key)" }
    static func index(_ base: String, _ i: Int) -> String { "\(base)[\(i)]" }
}
