import Foundation
import HaulAllocation
import HaulCore
import HaulRouting

/// The file formats `haul` reads.
public enum ProblemFormat: String, Sendable, CaseIterable {
    /// Haul's own problem document (schema version 1).
    case json
    /// The single-source capacitated facility location text format of the `sscflp` sets.
    case sscflp
    /// VRPLIB routing files (`.vrp`, Solomon `.vrptw`), read by ``VRPLIBReader``; the plan's
    /// objective is in the file's own distance convention.
    case vrplib
    /// The 3L-CVRP text files of Gendreau et al. (2006) (`3lcvrp/gendreau2006`), read by
    /// ``ThreeLCVRPReader``: routing with boxes per customer and loading enforced.
    case threeLCVRP = "3lcvrp"

    /// Guesses the format from the content: a JSON document starts with `{`; a file whose first line
    /// is `Name ...` and that has a `Number_of_Items` line is 3L-CVRP; a file whose first word
    /// is a VRPLIB keyword (`NAME`, `TYPE`, `DIMENSION`, ...) is VRPLIB; a file of numbers is SSCFLP.
    public static func detect(_ data: Data) -> ProblemFormat {
        guard let start = data.firstIndex(where: { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }) else { return .json }
        let first = data[start]
        if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") { return .json }
        if (first >= 0x30 && first <= 0x39) || first == UInt8(ascii: "-") || first == UInt8(ascii: ".") { return .sscflp }
        if ThreeLCVRPReader.looksLike(Substring(decoding: data[start...].prefix(2000), as: UTF8.self)) { return .threeLCVRP }
        let word = data[start...].prefix(40).prefix { ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x5F || ($0 >= 0x30 && $0 <= 0x39) }
        if VRPLIBReader.headerKeywords.contains(String(decoding: word, as: UTF8.self).uppercased()) { return .vrplib }
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
    case .vrplib:
        guard let text = String(data: data, encoding: .utf8) else {
            throw InvalidProblemError([ValidationIssue(path: "", message: "the file is not UTF-8 text")])
        }
        do {
            let problem = Problem.routing(try VRPLIBReader.read(text))
            try problem.validate()
            return ProblemDocument(problem: problem)
        } catch let e as VRPLIBReader.FormatError {
            throw InvalidProblemError([ValidationIssue(path: "", message: "VRPLIB \(e.description)")])
        }
    case .threeLCVRP:
        guard let text = String(data: data, encoding: .utf8) else {
            throw InvalidProblemError([ValidationIssue(path: "", message: "the file is not UTF-8 text")])
        }
        do {
            let problem = Problem.routing(try ThreeLCVRPReader.read(text))
            try problem.validate()
            return ProblemDocument(problem: problem)
        } catch let e as ThreeLCVRPReader.FormatError {
            throw InvalidProblemError([ValidationIssue(path: "", message: "3L-CVRP \(e.description)")])
        }
    }
}
