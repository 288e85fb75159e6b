import Foundation
import HaulCore

/// One rule a plan breaks, located by the JSON path of the plan element that breaks it.
public struct CheckViolation: Sendable, Equatable, CustomStringConvertible {
    /// JSON path in the plan, e.g. `routes[2].stops[0]` or `vehicles[0].placements[3]`.
    public var path: String
    /// The rule, in words, with the numbers that break it.
    public var rule: String

    public init(path: String, rule: String) {
        self.path = path
        self.rule = rule
    }

    public var description: String { path.isEmpty ? rule : "\(path): \(rule)" }
}

/// The outcome of checking a plan against its problem, recomputed without any solver's data
/// structures.
public struct CheckReport: Sendable, Equatable {
    /// Every rule the plan breaks; empty when it is feasible and its stated figures are right.
    public var violations: [CheckViolation]
    /// The objective recomputed from the problem and the plan's decisions.
    public var recomputedObjective: Double

    public init(violations: [CheckViolation], recomputedObjective: Double) {
        self.violations = violations
        self.recomputedObjective = recomputedObjective
    }

    public var isValid: Bool { violations.isEmpty }
}

/// Relative tolerance used when comparing a stated figure with a recomputed one.
public let checkTolerance = 1e-6

/// Whether `stated` equals `recomputed` within ``checkTolerance`` (relative, at least 1e-6 absolute).
@inlinable
public func agrees(_ stated: Double, _ recomputed: Double) -> Bool {
    abs(stated - recomputed) <= checkTolerance * max(1, abs(recomputed))
}

/// Checks any plan against its problem with the checker of the problem's kind.
public func checkPlan(_ plan: Plan, against problem: Problem) -> CheckReport {
    switch problem {
    case let .routing(p): return RoutingCheck.check(p, plan)
    case let .allocation(p): return AllocationCheck.check(p, plan)
    case let .loading(p): return LoadingCheck.check(p, plan)
    }
}

/// A plan document that could not be read, with the JSON path where reading stopped.
public struct PlanDecodingError: Error, CustomStringConvertible {
    public var description: String
}

/// Reads a plan document (the JSON `haul solve` writes).
public func decodePlan(_ data: Data) throws -> Plan {
    do {
        return try JSONDecoder().decode(Plan.self, from: data)
    } catch let error as DecodingError {
        func path(_ keys: [any CodingKey]) -> String {
            keys.reduce("") { p, key in
                if let i = key.intValue { return "\(p)[\(i)]" }
                return p.isEmpty ? key.stringValue : "\(p).\(key.stringValue)"
            }
        }
        switch error {
        case let .keyNotFound(key, context):
            let at = path(context.codingPath)
            throw PlanDecodingError(description: "\(at.isEmpty ? "" : at + ": ")required field \"\(key.stringValue)\" is missing")
        case let .typeMismatch(_, context), let .valueNotFound(_, context):
            throw PlanDecodingError(description: "\(path(context.codingPath)): \(context.debugDescription)")
        case let .dataCorrupted(context):
            let at = path(context.codingPath)
            throw PlanDecodingError(description: "\(at.isEmpty ? "" : at + ": ")\(context.debugDescription)")
        @unknown default:
            throw PlanDecodingError(description: "\(error)")
        }
    }
}
