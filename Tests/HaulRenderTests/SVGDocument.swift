import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// An SVG document parsed with Foundation's XML parser: every element in document order with its
/// attributes and text, so tests can count markers by class without looking at pixels.
struct SVGDocument {
    struct Element {
        var name: String
        var attributes: [String: String]
        var text: String
        var classes: Set<String> { Set((attributes["class"] ?? "").split(separator: " ").map(String.init)) }
    }

    let elements: [Element]

    /// Parses `text`; `nil` with the parser's error when it is not well-formed XML.
    init(_ text: String) throws {
        let delegate = Collector()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = delegate
        guard parser.parse() else {
            throw NSError(domain: "SVGDocument", code: 1, userInfo: [NSLocalizedDescriptionKey:
                "not well-formed XML at line \(parser.lineNumber): \(parser.parserError.map { "\($0)" } ?? "unknown error")"])
        }
        elements = delegate.elements
    }

    /// Elements carrying `cls` among their classes.
    func withClass(_ cls: String) -> [Element] { elements.filter { $0.classes.contains(cls) } }

    /// The text of the legend line with `data-key` = `key` (a wrapped line's parts joined by a space).
    func legendLine(_ key: String) -> String? {
        let parts = elements.filter { $0.name == "text" && $0.attributes["data-key"] == key }.map(\.text)
        return parts.isEmpty ? nil : parts.joined(separator: " ")
    }

    private final class Collector: NSObject, XMLParserDelegate {
        var elements: [Element] = []
        private var open: [Int] = []

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            open.append(elements.count)
            elements.append(Element(name: elementName, attributes: attributes, text: ""))
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            open.removeLast()
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if let i = open.last { elements[i].text += string }
        }
    }
}
