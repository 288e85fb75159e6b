import Foundation
import XCTest

/// Runs the built `haul` executable as a user would.
final class SolveCommandTests: XCTestCase {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static var haul: URL {
        // The test bundle and the executable are built into the same folder.
        var dir = URL(fileURLWithPath: CommandLine.arguments.first { $0.hasSuffix(".xctest") } ?? CommandLine.arguments[0])
        while dir.pathExtension == "xctest" || dir.lastPathComponent == "MacOS" || dir.lastPathComponent == "Contents" {
            dir.deleteLastPathComponent()
        }
        return dir.appendingPathComponent("haul")
    }

    static var examples: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Instances/examples").standardizedFileURL
    }

    func run(_ arguments: [String], stdin: String? = nil) throws -> Run {
        let process = Process()
        process.executableURL = Self.haul
        process.arguments = arguments
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("haul-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    func testTheExecutableIsBuilt() {
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: Self.haul.path), "missing \(Self.haul.path)")
    }

    func testSolvesEveryExampleToAPlanDocument() throws {
        for name in ["routing-small", "routing-city", "allocation-small", "loading-small"] {
            let r = try run(["solve", Self.examples.appendingPathComponent("\(name).json").path, "--time-limit", "0.5", "--quiet"])
            XCTAssertEqual(r.status, 0, "\(name): \(r.stderr)")
            let plan = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
            XCTAssertNotNil(plan?["objective"] as? Double, name)
            XCTAssertTrue(["optimal", "feasible"].contains(plan?["status"] as? String ?? ""), name)
        }
    }

    func testReadsStandardInputAndWritesTheOutputFile() throws {
        let dir = try temporaryDirectory()
        let output = dir.appendingPathComponent("plan.json")
        let problem = try String(contentsOf: Self.examples.appendingPathComponent("loading-small.json"), encoding: .utf8)
        let r = try run(["solve", "-", "--output", output.path, "--seed", "3"], stdin: problem)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "")
        let plan = try JSONSerialization.jsonObject(with: Data(contentsOf: output)) as? [String: Any]
        XCTAssertEqual(plan?["kind"] as? String, "loading")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["plan.json"], "no temporary file left behind")
    }

    func testInvalidInputExitsTwoListsEveryErrorAndWritesNothing() throws {
        let dir = try temporaryDirectory()
        let output = dir.appendingPathComponent("plan.json")
        let cases: [(String, [String])] = [
            (#"{"kind": "routing", "depots": [ }"#, ["invalid JSON at line 1, column"]),
            (#"{"kind": "loading", "vehicleTypes": [{"id": "v", "count": "two"}], "items": [{"id": "a", "weight": -4, "length": 1, "width": 1, "height": 1}]}"#,
             ["vehicleTypes[0].count: must be a number, found a string", "items[0].weight: must be >= 0 and finite"]),
            (#"{"kind": "allocation", "warehouses": [{"id": "W1", "location": {"x": 0, "y": 0}, "capacity": 10}], "orders": [{"id": "o", "location": {"x": 1, "y": 0}, "quantity": 5, "warehouse": "W9"}, {"id": "p", "location": {"x": 1, "y": 0}, "quantity": 50}]}"#,
             [#"orders[0].warehouse: unknown id "W9""#]),
            (#"{"kind": "allocation", "warehouses": [{"id": "W1", "location": {"x": 0, "y": 0}, "capacity": 10}], "orders": [{"id": "p", "location": {"x": 1, "y": 0}, "quantity": 50}]}"#,
             ["orders[0]: quantity 50 exceeds the capacity of every warehouse (largest: 10)"]),
            (#"{"kind": "routing", "depots": [{"id": "D", "location": {"x": 0, "y": 0}}], "vehicleTypes": [{"id": "v", "capacity": 5}], "customers": [{"id": "A", "location": {"x": 1, "y": NaN}, "demand": 1}]}"#,
             ["invalid JSON", "NaN"]),
        ]
        for (text, expected) in cases {
            let r = try run(["solve", "-", "--output", output.path], stdin: text)
            XCTAssertEqual(r.status, 2, text)
            for fragment in expected { XCTAssertTrue(r.stderr.contains(fragment), "missing \(fragment) in \(r.stderr)") }
            XCTAssertFalse(FileManager.default.fileExists(atPath: output.path), "no output for bad input")
        }
        let missing = try run(["solve", dir.appendingPathComponent("absent.json").path])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("cannot read"))
    }

    func testAnInfeasibleProblemExitsThreeWithThePlan() throws {
        let text = #"{"kind": "loading", "vehicleTypes": [{"id": "v", "count": 1, "weightLimit": 10}], "items": [{"id": "a", "weight": 8, "length": 1, "width": 1, "height": 1}, {"id": "b", "weight": 8, "length": 1, "width": 1, "height": 1}]}"#
        let r = try run(["solve", "-", "--quiet"], stdin: text)
        XCTAssertEqual(r.status, 3, r.stderr)
        let plan = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        XCTAssertEqual(plan?["status"] as? String, "infeasible")
        XCTAssertEqual((plan?["unassigned"] as? [String])?.count, 1)
    }

    func testFlagsAreValidated() throws {
        let r = try run(["solve", "-", "--time-limit", "-3"], stdin: "{}")
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.stderr.contains("--time-limit"))
    }
}
