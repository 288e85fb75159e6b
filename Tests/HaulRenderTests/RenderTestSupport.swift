import Foundation
import Haul
import HaulRender
import XCTest

enum RenderTestSupport {
    static var examples: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Instances/examples").standardizedFileURL
    }

    /// An example problem and a plan for it from a short solve.
    static func solvedExample(_ name: String, timeLimit: Double = 0.5) throws -> (Problem, Plan) {
        let data = try Data(contentsOf: examples.appendingPathComponent("\(name).json"))
        let problem = try readProblem(data).problem
        let plan = try solveBlocking(problem, options: SolveOptions(timeLimit: timeLimit, seed: 1))
        return (problem, plan)
    }

    /// Renders and parses; fails the test when the SVG is not well-formed.
    static func render(_ problem: Problem, _ plan: Plan, options: RenderOptions = RenderOptions(),
                       file: StaticString = #filePath, line: UInt = #line) throws -> (String, SVGDocument) {
        let svg = try PlanRenderer.svg(problem: problem, plan: plan, options: options)
        XCTAssertTrue(svg.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg "), file: file, line: line)
        return (svg, try SVGDocument(svg))
    }

    static func stats() -> PlanStats { PlanStats(seconds: 0, iterations: 0, solver: "hand") }
}
