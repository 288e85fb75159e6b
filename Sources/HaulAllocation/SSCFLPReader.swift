import Foundation
import HaulCore

/// Reads the single-source capacitated facility location text format of the standard `sscflp`
/// sets (Holmberg et al.; Díaz and Fernández; Beasley's `cap`):
///
/// ```
/// m n                facilities (warehouses), customers
/// s_1 ... s_m        capacities
/// f_1 ... f_m        opening costs
/// d_1 ... d_n        demands
/// c_j1 ... c_jm      n lines: cost of serving all of customer j from each facility
/// ```
///
/// Numbers may wrap across lines; only their order matters. Warehouses become `F1...Fm`, orders
/// `C1...Cn`, and the cost matrix the problem's explicit `costs`.
public enum SSCFLPReader {
    /// A malformed file: what was expected and the line where reading stopped.
    public struct FormatError: Error, CustomStringConvertible, Sendable {
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    public static func read(_ text: String) throws -> AllocationProblem {
        var tokens: [(value: Substring, line: Int)] = []
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            for token in line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }) { tokens.append((token, i + 1)) }
        }
        var position = 0
        func number(_ what: String) throws -> Double {
            guard position < tokens.count else {
                throw FormatError(line: tokens.last?.line ?? 1, message: "the file ends where \(what) was expected")
            }
            let token = tokens[position]
            guard let value = Double(token.value), value.isFinite else {
                throw FormatError(line: token.line, message: "\(what): '\(token.value)' is not a number")
            }
            position += 1
            return value
        }
        func count(_ what: String) throws -> Int {
            let v = try number(what)
            guard v >= 1, v == v.rounded(), v <= 1_000_000 else {
                throw FormatError(line: tokens[position - 1].line, message: "\(what) must be a positive integer")
            }
            return Int(v)
        }
        let m = try count("the number of facilities")
        let n = try count("the number of customers")
        guard m * n <= 50_000_000 else { throw FormatError(line: 1, message: "\(m) x \(n) is too large") }
        let capacity = try (0..<m).map { try number("capacity of facility \($0 + 1)") }
        let fixed = try (0..<m).map { try number("opening cost of facility \($0 + 1)") }
        let demand = try (0..<n).map { try number("demand of customer \($0 + 1)") }
        var costs: [[Double]] = []
        costs.reserveCapacity(n)
        for j in 0..<n { costs.append(try (0..<m).map { try number("cost of customer \(j + 1) from facility \($0 + 1)") }) }
        if position < tokens.count {
            throw FormatError(line: tokens[position].line, message: "unexpected content after the cost matrix")
        }
        return AllocationProblem(
            warehouses: (0..<m).map { Warehouse(id: "F\($0 + 1)", capacity: capacity[$0], openingCost: fixed[$0]) },
            orders: (0..<n).map { Order(id: "C\($0 + 1)", lines: [OrderLine(sku: "", quantity: demand[$0])]) },
            mode: .singleSource, costs: costs)
    }
}
