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
