import Foundation
import XCTest

/// `haul render` run as a user would: SVG out, PNG refused, mismatched plans refused.
final class RenderCommandTests: XCTestCase {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    func run(_ arguments: [String]) throws -> Run {
        let process = Process()
        process.executableURL = SolveCommandTests.haul
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("haul-render-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    func example(_ name: String) -> String {
        SolveCommandTests.examples.appendingPathComponent("\(name).json").path
    }

    /// Solves an example into `dir/name.plan.json`.
    func solved(_ name: String, in dir: URL) throws -> String {
        let plan = dir.appendingPathComponent("\(name).plan.json").path
        let r = try run(["solve", example(name), "--time-limit", "0.5", "--quiet", "--output", plan])
        XCTAssertEqual(r.status, 0, r.stderr)
        return plan
    }

    func testRendersEachKindToAnSVGFile() throws {
        let dir = try temporaryDirectory()
        for name in ["routing-small", "allocation-small", "loading-placement"] {
            let plan = try solved(name, in: dir)
            let output = dir.appendingPathComponent("\(name).svg")
            let r = try run(["render", example(name), plan, "-o", output.path, "--width", "800", "--height", "600"])
            XCTAssertEqual(r.status, 0, "\(name): \(r.stderr)")
            XCTAssertEqual(r.stdout, "")
            let svg = try String(contentsOf: output, encoding: .utf8)
            XCTAssertTrue(svg.hasPrefix("<?xml"), name)
            XCTAssertTrue(svg.contains("width=\"800\" height=\"600\""), name)
            XCTAssertTrue(svg.hasSuffix("</svg>\n"), name)
        }
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: dir.path).contains { $0.hasSuffix(".tmp") }, "no temporary file left")
    }

    func testWritesToStandardOutputByDefault() throws {
        let dir = try temporaryDirectory()
        let plan = try solved("routing-small", in: dir)
        let r = try run(["render", example("routing-small"), plan, "--labels", "never"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("class=\"route\""))
        XCTAssertFalse(r.stdout.contains("class=\"label\""))
        let dash = try run(["render", example("routing-small"), plan, "-o", "-", "--labels", "never"])
        XCTAssertEqual(dash.stdout, r.stdout, "-o - is standard output, and the output is deterministic")
    }

    func testPNGIsRefused() throws {
        let dir = try temporaryDirectory()
        let plan = try solved("routing-small", in: dir)
        let output = dir.appendingPathComponent("plan.png")
        let r = try run(["render", example("routing-small"), plan, "-o", output.path])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("only SVG output is supported"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output.path))
    }

    func testMismatchedPlanIsRefused() throws {
        let dir = try temporaryDirectory()
        let plan = try solved("allocation-small", in: dir)
        let output = dir.appendingPathComponent("plan.svg")
        let r = try run(["render", example("routing-small"), plan, "-o", output.path])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("the plan is an allocation plan but the problem is a routing problem"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output.path))
    }

    func testUnreadablePlanNamesTheFileAndPath() throws {
        let dir = try temporaryDirectory()
        let plan = dir.appendingPathComponent("bad.json")
        try Data(#"{"schemaVersion": 1, "kind": "routing", "status": "feasible", "objective": "lots"}"#.utf8).write(to: plan)
        let r = try run(["render", example("routing-small"), plan.path])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("bad.json: objective"), r.stderr)
        let unknown = dir.appendingPathComponent("unknown.json")
        let solvedPlan = try solved("routing-small", in: dir)
        let text = try String(contentsOfFile: solvedPlan, encoding: .utf8)
        let firstCustomer = try XCTUnwrap(text.range(of: #""customer" : ""#))
        let renamed = text.replacingCharacters(in: firstCustomer, with: #""customer" : "ghost-"#)
        try Data(renamed.utf8).write(to: unknown)
        let u = try run(["render", example("routing-small"), unknown.path])
        XCTAssertEqual(u.status, 2)
        XCTAssertTrue(u.stderr.contains("routes[0].stops[0].customer: names unknown customer \"ghost-"), u.stderr)
    }

    func testBadSizeIsAFlagError() throws {
        let dir = try temporaryDirectory()
        let plan = try solved("routing-small", in: dir)
        let r = try run(["render", example("routing-small"), plan, "--width", "5"])
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.stderr.contains("--width must be between 300 and 20000"), r.stderr)
    }
}
