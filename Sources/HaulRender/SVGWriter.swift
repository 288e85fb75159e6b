/// Builds SVG text element by element.
///
/// Attributes keep the order they are given in, numbers are written with at most two decimals
/// and every piece of text is XML-escaped, so the same drawing always gives the same bytes.
struct SVGWriter {
    private(set) var text = ""

    init(width: Double, height: Double, kind: String, title: String, style: String) {
        text.reserveCapacity(64 * 1024)
        text += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        open("svg", [("xmlns", "http://www.w3.org/2000/svg"), ("width", SVGNumber.format(width)),
                     ("height", SVGNumber.format(height)),
                     ("viewBox", "0 0 \(SVGNumber.format(width)) \(SVGNumber.format(height))"),
                     ("class", "haul-plan"), ("data-kind", kind)])
        element("title", [], text: title)
        element("style", [], text: style)
    }

    /// `<name attributes>` (an element whose children follow).
    mutating func open(_ name: String, _ attributes: [(String, String)]) {
        text += "<" + name
        appendAttributes(attributes)
        text += ">\n"
    }

    /// `</name>`.
    mutating func close(_ name: String) {
        text += "</" + name + ">\n"
    }

    /// `<name attributes/>`.
    mutating func empty(_ name: String, _ attributes: [(String, String)]) {
        text += "<" + name
        appendAttributes(attributes)
        text += "/>\n"
    }

    /// `<name attributes>text</name>`; the text is escaped.
    mutating func element(_ name: String, _ attributes: [(String, String)], text content: String) {
        text += "<" + name
        appendAttributes(attributes)
        text += ">" + XMLEscape.text(content) + "</" + name + ">\n"
    }

    /// An empty-looking element with a `<title>` child, which viewers show as a tooltip.
    mutating func titled(_ name: String, _ attributes: [(String, String)], title: String) {
        text += "<" + name
        appendAttributes(attributes)
        text += "><title>" + XMLEscape.text(title) + "</title></" + name + ">\n"
    }

    /// Ends the document.
    mutating func finish() -> String {
        close("svg")
        return text
    }

    private mutating func appendAttributes(_ attributes: [(String, String)]) {
        for (key, value) in attributes {
            text += " " + key + "=\"" + XMLEscape.attribute(value) + "\""
        }
    }
}

/// XML escaping for text taken from user input (ids, messages).
enum XMLEscape {
    /// Escapes `&`, `<`, `>`, `"` and `'`, and replaces characters XML 1.0 cannot carry with U+FFFD.
    static func text(_ value: String) -> String {
        escape(value, inAttribute: false)
    }

    /// As ``text(_:)``, and keeps tabs and line breaks as character references so that attribute
    /// normalisation does not turn them into spaces.
    static func attribute(_ value: String) -> String {
        escape(value, inAttribute: true)
    }

    private static func escape(_ value: String, inAttribute: Bool) -> String {
        if !value.unicodeScalars.contains(where: needsWork) { return value }
        var out = ""
        out.reserveCapacity(value.utf8.count + 16)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t": out += inAttribute ? "&#9;" : "\t"
            case "\n": out += inAttribute ? "&#10;" : "\n"
            case "\r": out += "&#13;"
            default:
                out.unicodeScalars.append(isAllowed(scalar) ? scalar : "\u{FFFD}")
            }
        }
        return out
    }

    private static func needsWork(_ s: Unicode.Scalar) -> Bool {
        switch s {
        case "&", "<", ">", "\"", "'", "\t", "\n", "\r": return true
        default: return !isAllowed(s)
        }
    }

    /// The characters of XML 1.0 (`Char` production), less tab and line breaks handled above.
    private static func isAllowed(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x20 { return v == 0x09 || v == 0x0A || v == 0x0D }
        if v >= 0xD800 && v <= 0xDFFF { return false }
        return v != 0xFFFE && v != 0xFFFF
    }
}

/// Locale-independent number text for coordinates and figures.
enum SVGNumber {
    /// At most two decimals, no trailing zeros, no `-0`; non-finite values become `0`.
    static func format(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        if abs(value) >= 1e13 { return String(Int64(value.rounded())) }
        let scaled = Int64((value * 100).rounded())
        if scaled == 0 { return "0" }
        let magnitude = scaled.magnitude
        let whole = magnitude / 100, fraction = magnitude % 100
        var out = scaled < 0 ? "-" : ""
        out += String(whole)
        if fraction != 0 {
            out += "."
            if fraction < 10 { out += "0" + String(fraction) } else if fraction % 10 == 0 { out += String(fraction / 10) } else { out += String(fraction) }
        }
        return out
    }

    /// A figure for the legend: two decimals at most; `unlimited` for infinity.
    static func figure(_ value: Double) -> String {
        if value.isNaN { return "n/a" }
        if value.isInfinite { return value > 0 ? "unlimited" : "-unlimited" }
        return format(value)
    }

    /// A share as a whole percentage, e.g. `73%`.
    static func percent(_ share: Double) -> String {
        guard share.isFinite else { return "n/a" }
        return format((share * 100).rounded()) + "%"
    }
}

/// Shortens text that must fit a width, ending it with an ellipsis.
func truncated(_ text: String, maxCharacters: Int) -> String {
    guard text.count > maxCharacters else { return text }
    guard maxCharacters > 1 else { return "…" }
    return String(text.prefix(maxCharacters - 1)) + "…"
}
