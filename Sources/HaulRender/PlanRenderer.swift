import HaulCore

/// Draws a plan over its problem as a self-contained SVG document.
///
/// - Routing plans become a map of depots (black squares), customers (dots in the colour of the
///   route that serves them; hollow grey when unassigned) and routes (one colour each, with
///   arrowheads in the direction of travel); stops that start after the customer's time window
///   closes are ringed in red.
/// - Allocation plans become a map of warehouses (open: filled squares in their own colour;
///   closed: hollow grey squares) and orders (dots in the colour of the warehouse that ships
///   them), joined by thin lines; the longest assignments are drawn thick and dashed.
/// - Loading plans become an isometric view of each vehicle's cargo space with its boxes coloured
///   by stop, or a fill bar of weight and volume for vehicles without placements.
///
/// Every picture has a legend with the plan's totals. Locations without coordinates (matrix
/// indices) are laid out schematically on circles, and the legend says so. The SVG is
/// deterministic and structured for machines as well as eyes: elements carry classes (`route`,
/// `customer`, `depot`, `late`, `warehouse`, `order`, `assignment`, `box`, `fill-bar`) and
/// `data-` attributes with the plan's ids.
public enum PlanRenderer {
    /// Returns the SVG text for `plan`, drawn against `problem`.
    ///
    /// - Throws: ``RenderError`` when the options are out of range, the plan and problem disagree
    ///   in kind, or the plan references ids the problem does not have.
    public static func svg(problem: Problem, plan: Plan, options: RenderOptions = RenderOptions()) throws -> String {
        try options.check()
        guard problem.kind == plan.kind else { throw RenderError.kindMismatch(problem: problem.kind, plan: plan.kind) }
        switch problem {
        case let .routing(p): return try RoutingPicture(problem: p, plan: plan, options: options).draw()
        case let .allocation(p): return try AllocationPicture(problem: p, plan: plan, options: options).draw()
        case let .loading(p): return try LoadingPicture(problem: p, plan: plan, options: options).draw()
        }
    }
}

/// When ids are written beside markers.
public enum LabelMode: String, Sendable, CaseIterable {
    /// Only for small plans (at most ``RenderOptions/autoLabelLimit`` labelled markers), and only
    /// labels that overlap nothing.
    case auto
    /// Every marker, overlapping or not.
    case always
    /// None.
    case never
}

/// Settings for ``PlanRenderer``.
public struct RenderOptions: Sendable, Equatable {
    /// The smallest and largest width or height accepted, in pixels.
    public static let sizeRange: ClosedRange<Double> = 300...20_000
    /// Most markers that get labels in ``LabelMode/auto``.
    public static let autoLabelLimit = 60

    /// Width of the picture in pixels.
    public var width: Double
    /// Height of the picture in pixels.
    public var height: Double
    /// Which markers carry their id as a label.
    public var labels: LabelMode
    /// Share of the assignments of an allocation plan highlighted as the longest (0 to 1; at
    /// least one is highlighted when the share is above 0).
    public var longestShare: Double

    /// Options for a `width` x `height` picture; ``PlanRenderer/svg(problem:plan:options:)`` refuses
    /// sizes outside ``sizeRange`` and a `longestShare` outside 0...1.
    public init(width: Double = 1000, height: Double = 800, labels: LabelMode = .auto, longestShare: Double = 0.05) {
        self.width = width
        self.height = height
        self.labels = labels
        self.longestShare = longestShare
    }

    func check() throws {
        for (name, value) in [("width", width), ("height", height)] where !Self.sizeRange.contains(value) {
            throw RenderError.invalidOptions("\(name) must be between \(SVGNumber.format(Self.sizeRange.lowerBound)) and \(SVGNumber.format(Self.sizeRange.upperBound)) pixels, found \(SVGNumber.figure(value))")
        }
        if !(longestShare >= 0 && longestShare <= 1) {
            throw RenderError.invalidOptions("longestShare must be between 0 and 1, found \(SVGNumber.figure(longestShare))")
        }
    }

    /// Whether labels are drawn for `count` markers, and whether they may overlap.
    func labelPolicy(count: Int) -> (draw: Bool, force: Bool) {
        switch labels {
        case .never: return (false, false)
        case .always: return (true, true)
        case .auto: return (count <= Self.autoLabelLimit, false)
        }
    }
}

/// Why a plan could not be drawn.
public enum RenderError: Error, Equatable, CustomStringConvertible {
    /// The picture cannot be made, e.g. an output format other than SVG.
    case unsupported(String)
    /// The plan is of another kind than the problem.
    case kindMismatch(problem: ProblemKind, plan: ProblemKind)
    /// The plan names a customer, depot, vehicle type, warehouse, order or item the problem does
    /// not have; `path` is the JSON path in the plan.
    case unknownReference(path: String, message: String)
    /// A ``RenderOptions`` value is out of range.
    case invalidOptions(String)

    public var description: String {
        switch self {
        case let .unsupported(reason): return reason
        case let .kindMismatch(problem, plan):
            func article(_ kind: ProblemKind) -> String { kind == .allocation ? "an" : "a" }
            return "the plan is \(article(plan)) \(plan.rawValue) plan but the problem is \(article(problem)) \(problem.rawValue) problem"
        case let .unknownReference(path, message): return path.isEmpty ? message : "\(path): \(message)"
        case let .invalidOptions(message): return message
        }
    }
}

/// The parts of the page every picture shares: the drawing area, the legend panel and the style sheet.
struct PictureFrame {
    let width: Double
    let height: Double
    let drawing: Rect
    let legend: Rect

    init(options: RenderOptions) {
        width = options.width
        height = options.height
        let legendWidth = min(320, max(190, width * 0.27))
        legend = Rect(x: width - legendWidth - 10, y: 10, width: legendWidth, height: height - 20)
        drawing = Rect(x: 20, y: 20, width: max(10, legend.x - 40), height: height - 40)
    }

    func start(kind: String, title: String) -> SVGWriter {
        var svg = SVGWriter(width: width, height: height, kind: kind, title: title, style: Self.style)
        svg.empty("rect", [("class", "background"), ("x", "0"), ("y", "0"), ("width", SVGNumber.format(width)),
                           ("height", SVGNumber.format(height))])
        return svg
    }

    static let style = """
        .background{fill:#ffffff}
        .route{fill:none;stroke-linejoin:round;stroke-linecap:round}
        .arrows{stroke:none}
        .late{fill:none;stroke:\(ColorPalette.alert)}
        .depot{fill:#111111;stroke:#ffffff}
        .warehouse{stroke-width:1.5}
        .assignment{fill:none}
        .assignment.longest{stroke-dasharray:6 3}
        .box polygon{stroke:#333333;stroke-width:0.5;stroke-linejoin:round}
        .box.fragile polygon{stroke-dasharray:2 1.5}
        .cargo-space{fill:none;stroke:#555555;stroke-width:1}
        .cargo-floor{fill:#eeeeee;stroke:#999999;stroke-width:0.6}
        .fill-bar{stroke:none}
        .fill-track{fill:#eeeeee;stroke:#999999;stroke-width:0.6}
        text{font-family:Helvetica,Arial,sans-serif;fill:#222222}
        .label{font-size:11px}
        .caption{font-size:12px}
        .legend-box{fill:#f7f7f7;stroke:#cccccc}
        .legend-title{font-size:14px;font-weight:bold}
        .legend-line{font-size:12px}
        """
}

/// Number of markers of a kind a legend line speaks of, e.g. `1 route`, `3 routes`.
func counted(_ n: Int, _ singular: String, _ plural: String? = nil) -> String {
    "\(n) \(n == 1 ? singular : plural ?? singular + "s")"
}
