/// A JSON value at a path, read with rules; every failure is logged with its path and the
/// reader carries on, so one pass reports every error in a document.
struct DocumentNode {
    let value: JSONValue?
    let path: String
    let log: IssueLog

    init(_ value: JSONValue?, path: String, log: IssueLog) {
        self.value = value
        self.path = path
        self.log = log
    }

    /// Present and not `null`.
    var isPresent: Bool {
        if let value, value != .null { return true }
        return false
    }

    func field(_ key: String) -> DocumentNode {
        DocumentNode(value?[key], path: PathBuilder.join(path, key), log: log)
    }

    func fail(_ message: String) { log.add(path, message) }

    /// Reports fields of this object that are not in `allowed` (a misspelt field is an error, not a silent default).
    func rejectUnknownFields(_ allowed: Set<String>) {
        guard case let .object(members)? = value else { return }
        for member in members where !allowed.contains(member.key) {
            log.add(PathBuilder.join(path, member.key), "unknown field")
        }
    }

    /// The object's members; logs a type error when it is present but not an object.
    func object(required: Bool) -> Bool {
        guard isPresent else {
            if required { fail("is required") }
            return false
        }
        guard case .object = value else { fail("must be an object, found \(value!.typeName)"); return false }
        return true
    }

    func array(required: Bool) -> [DocumentNode]? {
        guard isPresent else {
            if required { fail("is required") }
            return nil
        }
        guard case let .array(elements)? = value else { fail("must be an array, found \(value!.typeName)"); return nil }
        return elements.enumerated().map { DocumentNode($1, path: PathBuilder.index(path, $0), log: log) }
    }

    func number(required: Bool = false) -> Double? {
        guard isPresent else {
            if required { fail("is required") }
            return nil
        }
        guard case let .number(n)? = value else { fail("must be a number, found \(value!.typeName)"); return nil }
        return n
    }

    func integer(required: Bool = false) -> Int? {
        guard let n = number(required: required) else { return nil }
        guard n == n.rounded(), abs(n) < 9.0e15 else { fail("must be an integer"); return nil }
        return Int(n)
    }

    func string(required: Bool = false) -> String? {
        guard isPresent else {
            if required { fail("is required") }
            return nil
        }
        guard case let .string(s)? = value else { fail("must be a string, found \(value!.typeName)"); return nil }
        return s
    }

    func bool(required: Bool = false) -> Bool? {
        guard isPresent else {
            if required { fail("is required") }
            return nil
        }
        guard case let .bool(b)? = value else { fail("must be true or false, found \(value!.typeName)"); return nil }
        return b
    }

    /// A quantity in one or more dimensions: a number, or an array of numbers.
    func quantities(required: Bool = false) -> [Double]? {
        guard isPresent else {
            if required { fail("is required") }
            return nil
        }
        switch value! {
        case let .number(n): return [n]
        case let .array(elements):
            var out: [Double] = []
            for (i, e) in elements.enumerated() {
                guard case let .number(n) = e else {
                    log.add(PathBuilder.index(path, i), "must be a number, found \(e.typeName)")
                    return nil
                }
                out.append(n)
            }
            return out
        default:
            fail("must be a number or an array of numbers, found \(value!.typeName)")
            return nil
        }
    }

    /// A `[start, end]` pair of numbers.
    func interval() -> ClosedInterval? {
        guard isPresent else { return nil }
        guard case let .array(e)? = value, e.count == 2, case let .number(a) = e[0], case let .number(b) = e[1] else {
            fail("must be an array of two numbers [start, end]")
            return nil
        }
        return ClosedInterval(start: a, end: b)
    }

    /// An object mapping names to numbers, in document order.
    func numberMap() -> [(String, Double)]? {
        guard isPresent else { return nil }
        guard case let .object(members)? = value else { fail("must be an object of numbers, found \(value!.typeName)"); return nil }
        var out: [(String, Double)] = []
        for m in members {
            guard case let .number(n) = m.value else {
                log.add(PathBuilder.join(path, m.key), "must be a number, found \(m.value.typeName)")
                continue
            }
            out.append((m.key, n))
        }
        return out
    }

    /// A rectangular matrix of numbers.
    func matrix() -> [[Double]]? {
        guard let rows = array(required: false) else { return nil }
        var out: [[Double]] = []
        for row in rows {
            guard let cells = row.array(required: true) else { return nil }
            var r: [Double] = []
            for cell in cells {
                guard let n = cell.number(required: true) else { return nil }
                r.append(n)
            }
            out.append(r)
        }
        return out
    }
}

/// A closed interval `[start, end]`, used for time windows and shifts.
public struct ClosedInterval: Sendable, Equatable, Codable {
    public var start: Double
    public var end: Double
    public init(start: Double, end: Double) {
        self.start = start
        self.end = end
    }
}
