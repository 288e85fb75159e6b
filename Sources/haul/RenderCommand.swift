import ArgumentParser
import Foundation
import Haul
import HaulCheck
import HaulRender

struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Draw a plan over its problem as an SVG picture.",
        discussion: """
            Routing: depots, customers and one coloured path per route with arrows, late stops \
            ringed in red. Allocation: orders in the colour of their warehouse, open and closed \
            warehouses, the longest assignments dashed in red. Loading: an isometric view of each \
            cargo space with boxes coloured by stop, or weight and volume bars. Each picture has a \
            legend with the plan's totals. Only SVG is written (convert it with e.g. rsvg-convert).
            Exit codes: 0 written, 2 unreadable or invalid input, a plan of another kind than the \
            problem or naming unknown ids, or a non-SVG output name; 64 bad command-line flags.
            """)

    @Argument(help: "Problem file (JSON, VRPLIB or SSCFLP).")
    var problem: String

    @Argument(help: "Plan file (JSON, as written by haul solve).")
    var plan: String

    @Option(name: [.short, .long], help: "Write the SVG here (- or absent: standard output); written only when complete.")
    var output: String?

    @Option(name: .long, help: "Problem format: json, vrplib or sscflp (default: detected from the content).")
    var format: ProblemFormat?

    @Option(name: .long, help: "Picture width in pixels (300 to 20000).")
    var width: Double = 1000

    @Option(name: .long, help: "Picture height in pixels (300 to 20000).")
    var height: Double = 800

    @Option(name: .long, help: "Id labels: auto (small plans, never overlapping), always or never.")
    var labels: LabelMode = .auto

    /// Output names that promise a format other than SVG.
    static let otherFormats: Set<String> = ["png", "jpg", "jpeg", "gif", "webp", "bmp", "tif", "tiff", "pdf", "eps", "ps"]

    func validate() throws {
        for (name, value) in [("--width", width), ("--height", height)] where !RenderOptions.sizeRange.contains(value) {
            throw ValidationError("\(name) must be between 300 and 20000 pixels")
        }
    }

    func run() throws {
        if let output, output != "-", Self.otherFormats.contains(URL(fileURLWithPath: output).pathExtension.lowercased()) {
            StandardError.write("haul: \(output): only SVG output is supported; write FILE.svg and convert it (e.g. rsvg-convert -o plan.png plan.svg)\n")
            throw HaulExit.invalidInput
        }
        let (document, planValue) = try readProblemAndPlan(problem: problem, plan: plan, format: format)
        let svg: String
        do {
            svg = try PlanRenderer.svg(problem: document.problem, plan: planValue,
                                       options: RenderOptions(width: width, height: height, labels: labels))
        } catch let error as RenderError {
            StandardError.write("haul: \(plan): \(error.description)\n")
            throw HaulExit.invalidInput
        }
        do {
            if let output, output != "-" {
                try OutputFile.writeAtomically(Data(svg.utf8), to: output)
            } else {
                FileHandle.standardOutput.write(Data(svg.utf8))
            }
        } catch {
            StandardError.write("haul: cannot write \(output ?? "standard output"): \(error.localizedDescription)\n")
            throw HaulExit.internalError
        }
    }
}

extension LabelMode: ExpressibleByArgument {}
