/// The legend panel: a title, totals that always show, and a list (routes, warehouses, stops)
/// cut to the room left, ending in "… and N more".
struct Legend {
    /// The small picture in front of a legend line.
    enum Swatch {
        case none
        case line(String)
        case dot(String)
        case hollowDot(String)
        case square(String)
        case hollowSquare(String)
        case ring(String)
        case thickLine(String)
    }

    struct Entry {
        var text: String
        var key: String?
        var swatch: Swatch
    }

    var title: String
    private(set) var summary: [Entry] = []
    private(set) var list: [Entry] = []
    /// What the list counts, for "… and N more routes".
    var listNoun = "more"

    static let fontSize = 12.0
    static let lineHeight = 17.0
    static let characterWidth = 6.3

    init(title: String) {
        self.title = title
    }

    /// A totals line; `key` becomes `data-key` for tests and scripts.
    mutating func add(_ text: String, key: String? = nil, swatch: Swatch = .none) {
        summary.append(Entry(text: text, key: key, swatch: swatch))
    }

    /// A line of the list.
    mutating func addListItem(_ text: String, swatch: Swatch) {
        list.append(Entry(text: text, key: nil, swatch: swatch))
    }

    func draw(into svg: inout SVGWriter, rect: Rect) {
        svg.open("g", [("class", "legend")])
        svg.empty("rect", [("class", "legend-box"), ("x", SVGNumber.format(rect.x)), ("y", SVGNumber.format(rect.y)),
                           ("width", SVGNumber.format(rect.width)), ("height", SVGNumber.format(rect.height)), ("rx", "4")])
        let textX = rect.x + 34
        let maxCharacters = max(4, Int((rect.maxX - textX - 6) / Self.characterWidth))
        var y = rect.y + 22
        svg.element("text", [("class", "legend-title"), ("x", SVGNumber.format(rect.x + 10)), ("y", SVGNumber.format(y))],
                    text: truncated(title, maxCharacters: Int((rect.width - 16) / (Self.characterWidth + 0.6))))
        y += Self.lineHeight + 4
        let bottom = rect.maxY - 8
        for entry in summary where y <= bottom {
            // Totals wrap onto up to three lines rather than lose their end.
            let lines = wrapped(entry.text, maxCharacters: maxCharacters, maxLines: 3)
            for (k, text) in lines.enumerated() where y <= bottom {
                var part = entry
                part.text = text
                if k > 0 { part.swatch = .none }
                line(part, y: y, rect: rect, textX: textX, maxCharacters: maxCharacters, into: &svg)
                y += Self.lineHeight
            }
        }
        if !list.isEmpty {
            y += 6
            let room = Int(((bottom - y) / Self.lineHeight).rounded(.down)) + 1
            let fits = list.count <= room ? list.count : max(0, room - 1)
            for entry in list.prefix(fits) {
                line(entry, y: y, rect: rect, textX: textX, maxCharacters: maxCharacters, into: &svg)
                y += Self.lineHeight
            }
            if fits < list.count && room > 0 {
                svg.element("text", [("class", "legend-line"), ("data-key", "more"), ("x", SVGNumber.format(textX)),
                                     ("y", SVGNumber.format(y))], text: "… and \(list.count - fits) \(listNoun)")
            }
        }
        svg.close("g")
    }

    /// `text` broken at spaces into lines of at most `maxCharacters`; the last line ends in an
    /// ellipsis when the text does not fit `maxLines`.
    private func wrapped(_ text: String, maxCharacters: Int, maxLines: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            let candidate = current.isEmpty ? String(word) : current + " " + word
            if candidate.count <= maxCharacters || current.isEmpty {
                current = candidate
            } else {
                lines.append(current)
                current = String(word)
            }
        }
        lines.append(current)
        if lines.count > maxLines {
            lines = Array(lines.prefix(maxLines))
            lines[maxLines - 1] = truncated(lines[maxLines - 1] + " …", maxCharacters: maxCharacters)
        }
        return lines
    }

    private func line(_ entry: Entry, y: Double, rect: Rect, textX: Double, maxCharacters: Int, into svg: inout SVGWriter) {
        let cx = rect.x + 20, cy = y - 4
        func n(_ v: Double) -> String { SVGNumber.format(v) }
        switch entry.swatch {
        case .none: break
        case let .line(color):
            svg.empty("line", [("class", "legend-swatch"), ("x1", n(cx - 10)), ("y1", n(cy)), ("x2", n(cx + 10)), ("y2", n(cy)),
                               ("stroke", color), ("stroke-width", "2.5")])
        case let .thickLine(color):
            svg.empty("line", [("class", "legend-swatch"), ("x1", n(cx - 10)), ("y1", n(cy)), ("x2", n(cx + 10)), ("y2", n(cy)),
                               ("stroke", color), ("stroke-width", "4")])
        case let .dot(color):
            svg.empty("circle", [("class", "legend-swatch"), ("cx", n(cx)), ("cy", n(cy)), ("r", "4"), ("fill", color)])
        case let .hollowDot(color):
            svg.empty("circle", [("class", "legend-swatch"), ("cx", n(cx)), ("cy", n(cy)), ("r", "4"), ("fill", "#ffffff"),
                                 ("stroke", color), ("stroke-width", "1.5")])
        case let .square(color):
            svg.empty("rect", [("class", "legend-swatch"), ("x", n(cx - 5)), ("y", n(cy - 5)), ("width", "10"), ("height", "10"),
                               ("fill", color)])
        case let .hollowSquare(color):
            svg.empty("rect", [("class", "legend-swatch"), ("x", n(cx - 5)), ("y", n(cy - 5)), ("width", "10"), ("height", "10"),
                               ("fill", "#ffffff"), ("stroke", color), ("stroke-width", "1.5")])
        case let .ring(color):
            svg.empty("circle", [("class", "legend-swatch"), ("cx", n(cx)), ("cy", n(cy)), ("r", "5"), ("fill", "none"),
                                 ("stroke", color), ("stroke-width", "2")])
        }
        var attributes = [("class", "legend-line")]
        if let key = entry.key { attributes.append(("data-key", key)) }
        attributes += [("x", n(textX)), ("y", n(y))]
        svg.element("text", attributes, text: truncated(entry.text, maxCharacters: maxCharacters))
    }
}
