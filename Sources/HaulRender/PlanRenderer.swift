import HaulCore

/// Draws a plan over its problem as a self-contained SVG document.
///
/// Routing plans become a map of depots, customers and routes; allocation plans a map of orders
/// coloured by warehouse; loading plans an isometric view of each cargo space.
public enum PlanRenderer {
    /// Returns the SVG text for `plan`, drawn against `problem`.
    /// - Throws: ``RenderError`` when the plan and problem disagree in kind or reference unknown ids.
    public static func svg(problem: Problem, plan: Plan, options: RenderOptions = RenderOptions()) throws -> String {
        throw RenderError.unsupported("rendering is not implemented yet")
    }
}

/// Settings for ``PlanRenderer``.
public struct RenderOptions: Sendable, Equatable {
    /// Width of the picture in pixels.
    public var width: Double
    /// Height of the picture in pixels.
    public var height: Double
    public init(width: Double = 1000, height: Double = 800) {
        self.width = width
        self.height = height
    }
}

/// Why a plan could not be drawn.
public enum RenderError: Error, Equatable, CustomStringConvertible {
    case unsupported(String)
    public var description: String {
        switch self {
        case .unsupported(let reason): return reason
        }
    }
}
