import Foundation
import XCTest

/// The live progress line: shown on a terminal, absent from pipes and with `--quiet`.
final class ProgressLineTests: XCTestCase {
    private let erase = "\r\u{1B}[2K"

    /// Runs `haul` under `script`, which gives it a pseudo-terminal; returns the terminal transcript.
    private func runOnTerminal(_ arguments: [String]) throws -> (status: Int32, transcript: String) {
        let script = URL(fileURLWithPath: "/usr/bin/script")
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: script.path),
                          "util-linux `script` is needed to give haul a terminal")
        let command = ([SolveCommandTests.haul.path] + arguments).map { "'\($0)'" }.joined(separator: " ")
        let process = Process()
        process.executableURL = script
        process.arguments = ["-qfec", command, "/dev/null"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    private func example(_ name: String) -> String {
        SolveCommandTests.examples.appendingPathComponent("\(name).json").path
    }

    private func temporaryFile(_ name: String) -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("haul-progress-\(UUID().uuidString)-\(name)")
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url.path
    }

    /// A routing problem large enough that the search runs past the first tick even in a release
    /// build: small examples converge (and return) well within a second.
    private func largeRoutingProblem() throws -> String {
        var generator = UInt64(12345)
        func next() -> Double {
            generator = generator &* 6364136223846793005 &+ 1442695040888963407
            return Double(generator >> 11) / Double(1 << 53) * 1000
        }
        let customers = (1...1000).map { i in
            "{\"id\": \"c\(i)\", \"location\": {\"x\": \(next()), \"y\": \(next())}, \"demand\": [1]}"
        }
        let text = """
            {"schemaVersion": 1, "kind": "routing",
             "depots": [{"id": "hub", "location": {"x": 500, "y": 500}}],
             "vehicleTypes": [{"id": "van", "count": 100, "capacity": [20]}],
             "customers": [\(customers.joined(separator: ",\n"))]}
            """
        let path = temporaryFile("large.json")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func testSolveShowsTheBestObjectiveOnATerminal() throws {
        let output = temporaryFile("plan.json")
        let run = try runOnTerminal(["solve", try largeRoutingProblem(), "--time-limit", "3", "-o", output])
        XCTAssertEqual(run.status, 0, run.transcript)
        XCTAssertTrue(run.transcript.contains(erase), "no progress line in: \(run.transcript.debugDescription)")
        XCTAssertTrue(run.transcript.contains("best "), run.transcript.debugDescription)
        XCTAssertTrue(FileManager.default.fileExists(atPath: output))
    }

    func testQuietSilencesTheLineOnATerminal() throws {
        let run = try runOnTerminal(["solve", example("routing-city"), "--time-limit", "1.5", "--quiet", "-o", temporaryFile("plan.json")])
        XCTAssertEqual(run.status, 0, run.transcript)
        XCTAssertFalse(run.transcript.contains(erase), run.transcript.debugDescription)
        XCTAssertFalse(run.transcript.contains("best "), run.transcript.debugDescription)
    }

    func testNoProgressWhenStandardErrorIsAPipe() throws {
        let process = Process()
        process.executableURL = SolveCommandTests.haul
        process.arguments = ["solve", example("routing-city"), "--time-limit", "1.5", "-o", temporaryFile("plan.json")]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, stderr)
        XCTAssertFalse(stderr.contains("best "), stderr)
        XCTAssertFalse(stderr.contains("\u{1B}[2K"), stderr)
    }

    func testBenchLabelsTheLineWithTheInstance() throws {
        // Two warehouses, three customers: the optimum (open warehouse 1, cost 10 + 3) is in `os`.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("haul-progress-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        try "2 3\n10 10\n10 20\n2 3 4\n1 9\n1 9\n1 9\n".write(to: folder.appendingPathComponent("p1"), atomically: true, encoding: .utf8)
        try "13\n".write(to: folder.appendingPathComponent("os"), atomically: true, encoding: .utf8)
        let run = try runOnTerminal(["bench", "allocation", "--set", folder.path, "--time-limit", "1"])
        XCTAssertEqual(run.status, 0, run.transcript)
        XCTAssertTrue(run.transcript.contains("p1,13.00,13.00,0.0000"), run.transcript.debugDescription)
        // A solve this small ends before the first tick; when a line was shown it names the instance.
        if run.transcript.contains(erase) { XCTAssertTrue(run.transcript.contains("[1/1] p1"), run.transcript.debugDescription) }
    }
}
