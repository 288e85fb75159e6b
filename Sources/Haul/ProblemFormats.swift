import Foundation
import HaulAllocation
import HaulCore

/// The file formats `haul` reads.
public enum ProblemFormat: String, Sendable, CaseIterable {
    /// Haul's own problem document (schema version 1).
    case json
    /// The single-source capacitated facility location text format of the `sscflp` sets.
    case sscflp

    /// Guesses the format from the content: a JSON document starts with `{`; a file of numbers is SSCFLP.
    public static func detect(_ data: Data) -> ProblemFormat {
        let first = data.first { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }
        if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") { return .json }
        if let f = first, (f >= 0x30 && f <= 0x39) || f == UInt8(ascii: "-") || f == UInt8(ascii: ".") { return .sscflp }
        return .json
    }
}

/// Reads a problem in any supported format.
///
/// - Throws: ``InvalidProblemError`` for a bad document or file, with the JSON path or line of each error.
public func readProblem(_ data: Data, format: ProblemFormat? = nil) throws -> ProblemDocument {
    switch format ?? ProblemFormat.detect(data) {
    case .json:
        return try ProblemDocument.decode(data)
    case .sscflp:
        guard let text = String(data: data, encoding: .utf8) else {
            throw InvalidProblemError([ValidationIssue(path: "", message: "the file is not UTF-8 text")])
        }
        do {
            let problem = Problem.allocation(try SSCFLPReader.read(text))
            try problem.validate()
            return ProblemDocument(problem: problem)
        } catch let e as SSCFLPReader.FormatError {
            throw InvalidProblemError([ValidationIssue(path: "", message: "SSCFLP \(e.description)")])
        }
    }
}
