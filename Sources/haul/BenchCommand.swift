import ArgumentParser
import Foundation
import Haul

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Run a solver over a folder of standard instances and report gaps to the known optima.",
        subcommands: [AllocationBench.self, RoutingBench.self, OnlineBench.self, AllocationABBench.self, LoadingBench.self,
                      JobStoreBench.self, ThreeLBench.self])
}

/// `haul bench allocation`: every SSCFLP instance of a folder against the folder's `os` optima.
struct AllocationBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "allocation",
        abstract: "Solve every SSCFLP instance of a folder (p1, p2, ...) and compare with its `os` file.",
        discussion: "Writes instance,objective,optimum,gap_pct,seconds,status per instance and a summary line.")

    @Option(name: .long, help: "Folder with the instances p1, p2, ... and the optima file os.")
    var set: String

    @Option(name: .long, help: "Seconds per instance.")
    var timeLimit: Double = 60

    @Option(name: .long, help: "Write the CSV here as well as to standard output.")
    var output: String?

    @Option(name: .long, help: "Only the first N instances.")
    var limit: Int?

    @Flag(name: [.short, .long], help: "No progress line on standard error.")
    var quiet = false

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        if !(timeLimit >= 0 && timeLimit <= 1_000_000) { throw ValidationError("--time-limit must be between 0 and 1000000 seconds") }
    }

    func run() throws {
        let folder = URL(fileURLWithPath: set)
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
                .filter { $0.first == "p" && (Int($0.dropFirst()) ?? 0) >= 1 }
                .sorted { Int($0.dropFirst())! < Int($1.dropFirst())! }
        } catch {
            StandardError.write("haul: cannot read \(set): \(error.localizedDescription)\n")
            throw HaulExit.invalidInput
        }
        let optima = (try? String(contentsOf: folder.appendingPathComponent("os"), encoding: .utf8))?
            .split(whereSeparator: \.isNewline).compactMap { Double($0.trimmingCharacters(in: .whitespaces)) } ?? []
        var csv = "instance,objective,optimum,gap_pct,seconds,status\n"
        print(csv, terminator: "")
        var gaps: [Double] = []
        var totalSeconds = 0.0
        var provenOptimal = 0
        let chosen = names.prefix(limit ?? names.count)
        for (position, name) in chosen.enumerated() {
            let index = Int(name.dropFirst())! - 1
            let optimum = index < optima.count ? optima[index] : nil
            let row: String
            do {
                let document = try readProblem(Data(contentsOf: folder.appendingPathComponent(name)), format: .sscflp)
                let plan = try solveShowingProgress(document.problem, options: SolveOptions(timeLimit: timeLimit), quiet: quiet,
                                                    label: "[\(position + 1)/\(chosen.count)] \(name)", reference: optimum)
                totalSeconds += plan.stats.seconds
                if plan.status == .optimal { provenOptimal += 1 }
                let solved = plan.status == .optimal || plan.status == .feasible
                let gap = solved ? optimum.map { 100 * (plan.objective - $0) / $0 } : nil
                if let gap { gaps.append(gap) }
                row = [name, String(format: "%.2f", plan.objective), optimum.map { String(format: "%.2f", $0) } ?? "",
                       gap.map { String(format: "%.4f", $0) } ?? "", String(format: "%.2f", plan.stats.seconds), plan.status.rawValue]
                    .joined(separator: ",")
            } catch {
                row = "\(name),,\(optimum.map { String(format: "%.2f", $0) } ?? ""),,,error: \(error)"
                    .replacingOccurrences(of: "\n", with: " ")
            }
            print(row)
            csv += row + "\n"
        }
        let mean = gaps.isEmpty ? 0 : gaps.reduce(0, +) / Double(gaps.count)
        let summary = String(format: "# mean gap %.4f%% over %d solved, %d instances, %d proven optimal, total %.1f s, time limit %g s per instance",
                             mean, gaps.count, min(names.count, limit ?? names.count), provenOptimal, totalSeconds, timeLimit)
        print(summary)
        csv += summary + "\n"
        if let output { try OutputFile.writeAtomically(Data(csv.utf8), to: output) }
    }
}
