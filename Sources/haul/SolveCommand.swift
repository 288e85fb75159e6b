import ArgumentParser
import Foundation
import Haul

struct SolveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "solve",
        abstract: "Solve a problem document and write its plan as JSON.",
        discussion: """
            Reads a routing, allocation or loading problem (JSON, schema version 1) and writes the plan \
            to standard output or --output. Flags override the document's "options".
            Exit codes: 0 solved, 2 invalid input (every error is listed with its JSON path), \
            3 infeasible (the plan is still written), 4 internal error, 5 no plan within the time limit, \
            64 bad command-line flags.
            """)

    @Argument(help: "Problem file, or - for standard input.")
    var file: String = "-"

    @Option(name: .long, help: "Seconds the solver may run (default: the document's, else 10).")
    var timeLimit: Double?

    @Option(name: .long, help: "Seed of the solver's random choices (default: the document's, else 1).")
    var seed: UInt64?

    @Option(name: [.short, .long], help: "Write the plan here instead of standard output; written only when complete.")
    var output: String?

    @Option(name: .long, help: "Input format: json, vrplib or sscflp (default: detected from the content).")
    var format: ProblemFormat?

    @Flag(name: [.short, .long], help: "No progress on standard error.")
    var quiet = false

    func validate() throws {
        if let t = timeLimit, !(t >= 0 && t <= 1_000_000) {
            throw ValidationError("--time-limit must be between 0 and 1000000 seconds")
        }
    }

    func run() throws {
        let data: Data
        do {
            data = file == "-" ? FileHandle.standardInput.readDataToEndOfFile()
                : try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            StandardError.write("haul: cannot read \(file): \(error.localizedDescription)\n")
            throw HaulExit.invalidInput
        }
        let document: ProblemDocument
        do {
            document = try readProblem(data, format: format)
        } catch let error as InvalidProblemError {
            StandardError.write("haul: \(file == "-" ? "standard input" : file): \(error.description)\n")
            throw HaulExit.invalidInput
        }
        var options = effectiveOptions(for: document, timeLimit: timeLimit, seed: seed)
        let progressLine = ProgressLine.start(quiet: quiet)
        options.progress = progressLine?.report
        let plan: Plan
        do {
            plan = try solveBlocking(document.problem, options: options)
            progressLine?.finish()
        } catch let error as InvalidProblemError {
            progressLine?.finish()
            StandardError.write("haul: \(error.description)\n")
            throw HaulExit.invalidInput
        } catch {
            progressLine?.finish()
            StandardError.write("haul: internal error: \(error)\n")
            throw HaulExit.internalError
        }
        do {
            let bytes = try plan.jsonData()
            if let output { try OutputFile.writeAtomically(bytes, to: output) } else { FileHandle.standardOutput.write(bytes) }
        } catch {
            StandardError.write("haul: cannot write the plan: \(error.localizedDescription)\n")
            throw HaulExit.internalError
        }
        if let message = plan.message, !quiet { StandardError.write("haul: \(message)\n") }
        switch plan.status {
        case .optimal, .feasible: return
        case .infeasible: throw HaulExit.infeasible
        case .timeLimit: throw HaulExit.noPlan
        case .error: throw HaulExit.internalError
        }
    }
}

extension ProblemFormat: ExpressibleByArgument {}
