import Foundation

/// The three kinds of problem Haul solves.
public enum ProblemKind: String, Sendable, Codable, CaseIterable {
    case routing, allocation, loading
}

/// A problem of any kind, typed.
public enum Problem: Sendable, Equatable {
    case routing(RoutingProblem)
    case allocation(AllocationProblem)
    case loading(LoadingProblem)

    public var kind: ProblemKind {
        switch self {
        case .routing: return .routing
        case .allocation: return .allocation
        case .loading: return .loading
        }
    }

    /// Every rule the problem breaks, with JSON paths; empty when it can be solved.
    public func validationIssues() -> [ValidationIssue] { validationIssues(crossChecks: true) }

    func validationIssues(crossChecks: Bool) -> [ValidationIssue] {
        IssueLog.collect { log in
            switch self {
            case let .routing(p): p.validate(into: log, crossChecks: crossChecks)
            case let .allocation(p): p.validate(into: log, crossChecks: crossChecks)
            case let .loading(p): p.validate(into: log, crossChecks: crossChecks)
            }
        }
    }

    /// Throws ``InvalidProblemError`` listing every issue when there is any.
    public func validate() throws {
        let issues = validationIssues()
        if !issues.isEmpty { throw InvalidProblemError(issues) }
    }
}

/// `options` as written in a problem document; each is optional and overridden by the caller.
public struct DocumentOptions: Sendable, Equatable {
    /// Seconds the solver may run.
    public var timeLimit: Double?
    /// Seed of the solver's random choices.
    public var seed: UInt64?
    public init(timeLimit: Double? = nil, seed: UInt64? = nil) {
        self.timeLimit = timeLimit
        self.seed = seed
    }
}

/// A problem document: the schema version, the options and the problem.
///
/// ```json
/// {"schemaVersion": 1, "kind": "routing", "options": {"timeLimit": 5, "seed": 1}, "depots": [...], ...}
/// ```
public struct ProblemDocument: Sendable, Equatable {
    /// The only schema version this release reads and writes.
    public static let currentSchemaVersion = 1

    public var schemaVersion: Int
    public var options: DocumentOptions
    public var problem: Problem

    public init(problem: Problem, options: DocumentOptions = DocumentOptions()) {
        self.schemaVersion = Self.currentSchemaVersion
        self.options = options
        self.problem = problem
    }

    /// Reads and validates a problem document.
    ///
    /// - Throws: ``InvalidProblemError`` with every syntax, type and rule error, each with its JSON path.
    public static func decode(_ data: Data) throws -> ProblemDocument {
        let root: JSONValue
        do {
            root = try JSONParser.parse(data)
        } catch let e as JSONSyntaxError {
            throw InvalidProblemError([ValidationIssue(path: "", message: "invalid JSON at \(e.description)")])
        }
        let log = IssueLog()
        let node = DocumentNode(root, path: "", log: log)
        guard case .object = root else {
            throw InvalidProblemError([ValidationIssue(path: "", message: "the document must be a JSON object, found \(root.typeName)")])
        }
        let version = node.field("schemaVersion").integer() ?? currentSchemaVersion
        if version != currentSchemaVersion {
            node.field("schemaVersion").fail("unsupported version \(version); this release reads version \(currentSchemaVersion)")
        }
        var options = DocumentOptions()
        let o = node.field("options")
        if o.object(required: false) {
            o.rejectUnknownFields(["timeLimit", "seed"])
            if let t = o.field("timeLimit").number() {
                if t >= 0 && t <= 1_000_000 { options.timeLimit = t } else { o.field("timeLimit").fail("must be between 0 and 1000000 seconds") }
            }
            if let s = o.field("seed").integer() {
                if s >= 0 { options.seed = UInt64(s) } else { o.field("seed").fail("must be >= 0") }
            }
        }
        guard let kindName = node.field("kind").string(required: true) else { throw InvalidProblemError(log.issues) }
        guard let kind = ProblemKind(rawValue: kindName) else {
            node.field("kind").fail("must be one of \"routing\", \"allocation\", \"loading\", found \"\(kindName)\"")
            throw InvalidProblemError(log.issues)
        }
        let envelope: Set<String> = ["schemaVersion", "kind", "options"]
        let problem: Problem
        switch kind {
        case .routing:
            node.rejectUnknownFields(envelope.union(RoutingProblem.fields))
            problem = .routing(RoutingProblem.read(node))
        case .allocation:
            node.rejectUnknownFields(envelope.union(AllocationProblem.fields))
            problem = .allocation(AllocationProblem.read(node))
        case .loading:
            node.rejectUnknownFields(envelope.union(LoadingProblem.fields))
            problem = .loading(LoadingProblem.read(node))
        }
        // Rule checks on what could be read; a field that failed to decode is not reported twice.
        // A rule issue on a path that failed to decode, on one of its ancestors or on one of its
        // descendants only repeats that failure.
        let decodePaths = Set(log.issues.map(\.path))
        var decodeAncestors = Set<String>()
        for path in decodePaths { decodeAncestors.formUnion(ancestors(of: path)) }
        func repeatsDecodeIssue(_ path: String) -> Bool {
            decodeAncestors.contains(path) || ancestors(of: path).contains(where: decodePaths.contains)
        }
        // Checks that compare quantities with capacities would only repeat a quantity or capacity
        // that failed to decode (its default stands in for it).
        let quantityFields = [".capacity", ".demand", ".quantity", ".items", ".stock", ".weight", ".weightLimit",
                              ".volumeLimit", ".cargoSpace", ".length", ".width", ".height", ".count", ".open"]
        let crossChecks = !decodePaths.contains { path in quantityFields.contains { path.contains($0) } }
        for issue in problem.validationIssues(crossChecks: crossChecks)
        where issue.path.isEmpty || !repeatsDecodeIssue(issue.path) {
            log.add(issue.path, issue.message)
        }
        if !log.issues.isEmpty { throw InvalidProblemError(log.issues) }
        return ProblemDocument(schemaVersion: version, options: options, problem: problem)
    }

    /// The path itself and its ancestors: `a.b[2].c`, `a.b[2]`, `a.b`, `a`.
    private static func ancestors(of path: String) -> [String] {
        var out: [String] = []
        var p = Substring(path)
        while !p.isEmpty {
            out.append(String(p))
            guard let cut = p.lastIndex(where: { $0 == "." || $0 == "[" }) else { break }
            p = p[..<cut]
        }
        return out
    }

    private init(schemaVersion: Int, options: DocumentOptions, problem: Problem) {
        self.schemaVersion = schemaVersion
        self.options = options
        self.problem = problem
    }
}
