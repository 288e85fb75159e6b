import Foundation

/// Writes a JSON object field by field into a string, so that responses can embed stored JSON
/// documents (plans) as they are, without decoding and re-encoding them.
struct JSONObjectWriter {
    private(set) var text = "{"
    private var first = true

    private mutating func key(_ name: String) {
        if !first { text += "," }
        first = false
        text += JSONObjectWriter.quoted(name)
        text += ":"
    }

    mutating func string(_ name: String, _ value: String?) {
        key(name)
        text += value.map(JSONObjectWriter.quoted) ?? "null"
    }

    mutating func number(_ name: String, _ value: Double?) {
        key(name)
        text += JSONObjectWriter.number(value)
    }

    mutating func integer(_ name: String, _ value: Int) {
        key(name)
        text += String(value)
    }

    mutating func bool(_ name: String, _ value: Bool) {
        key(name)
        text += value ? "true" : "false"
    }

    /// A value that is already JSON text (trusted: produced by this service or its workers).
    mutating func raw(_ name: String, _ json: String) {
        key(name)
        text += json
    }

    mutating func date(_ name: String, _ value: Date?) {
        string(name, value.map(JSONObjectWriter.timestamp))
    }

    /// The finished object.
    func finish() -> String { text + "}" }

    static func number(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "null" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    static func quoted(_ s: String) -> String {
        var out = "\""
        out.reserveCapacity(s.utf8.count + 2)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// RFC 3339 in UTC with milliseconds, e.g. `2026-11-25T05:01:02.345Z`.
    static func timestamp(_ date: Date) -> String {
        var t = time_t(floor(date.timeIntervalSince1970))
        let millis = Int((date.timeIntervalSince1970 - floor(date.timeIntervalSince1970)) * 1000)
        var parts = tm()
        gmtime_r(&t, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), min(millis, 999))
    }
}

/// `[a, b, c]` from JSON values already written as text.
func jsonArray(_ elements: [String]) -> String { "[" + elements.joined(separator: ",") + "]" }
