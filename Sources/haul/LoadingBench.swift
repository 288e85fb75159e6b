import ArgumentParser
import Foundation
import Haul
import HaulCheck
import HaulLoading

/// `haul bench loading`: single-container loading on generated Bischoff–Ratcliff-style instances.
struct LoadingBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loading",
        abstract: "Volume utilisation of 3D placement on generated single-container instances.",
        discussion: """
            Generates --instances instances of heterogeneity class --class (1..7: 3, 5, 8, 10, 12, 15, 20 box \
            types; see Instances/generators/README.md), solves each with placement, re-checks every plan with \
            the independent loading checker, and writes \
            instance,boxes,placed,utilisation_pct,seconds,first_seconds,violations per instance and a summary line.
            """)

    @Option(name: .customLong("class"), help: "Heterogeneity class 1...7.") var heterogeneityClass = 1
    @Option(name: .long, help: "Instances (seeds 1...N).") var instances = 20
    @Option(name: .long, help: "Seconds per instance.") var timeLimit = 5.0
    @Option(name: .long, help: "Seed of the solver.") var seed: UInt64 = 1
    @Option(name: .long, help: "Exactly this many boxes per instance, in a container lengthened to hold about all of them (scale test).")
    var boxes: Int?
    @Option(name: .long, help: "Support fraction written into the instances.") var support = CargoSpace.defaultSupportFraction
    @Option(name: .long, help: "Write each instance as a problem document into this folder (for Benchmarks/peers/run_peers_loading.py).")
    var writeInstances: String?
    @Option(name: .long, help: "Write the CSV here as well as to standard output.") var output: String?
    @Flag(name: .long, help: "Vehicles needed instead of placement: the class's boxes (twice a container's volume) over vans and trucks, against first-fit decreasing and the bound.")
    var vehicles = false
    @Flag(name: [.short, .long], help: "No progress line on standard error.") var quiet = false

    func validate() throws {
        guard (1...7).contains(heterogeneityClass) else { throw ValidationError("--class must be 1...7") }
        guard instances >= 1 else { throw ValidationError("--instances must be at least 1") }
        guard timeLimit >= 0 && timeLimit <= 1_000_000 else { throw ValidationError("--time-limit must be between 0 and 1000000 seconds") }
        if let boxes, boxes < 1 || boxes > LoadingProblem.maxPlacementItems { throw ValidationError("--boxes must be 1...\(LoadingProblem.maxPlacementItems)") }
        guard support >= 0 && support <= 1 else { throw ValidationError("--support must be in [0, 1]") }
    }

    func run() throws {
        if vehicles { return try runVehicles() }
        if let writeInstances { try FileManager.default.createDirectory(atPath: writeInstances, withIntermediateDirectories: true) }
        var csv = "instance,boxes,placed,utilisation_pct,seconds,first_seconds,violations\n"
        print(csv, terminator: "")
        var utilisations: [Double] = []
        var totalViolations = 0
        for k in 1...instances {
            let problem = LoadingGenerator.make(LoadingGeneratorParameters(
                heterogeneityClass: heterogeneityClass, seed: UInt64(k), boxes: boxes, supportFraction: support))
            let name = String(format: "br%d-%02d", heterogeneityClass, k)
            if let writeInstances {
                try OutputFile.writeAtomically(Data(problem.documentJSON(timeLimit: timeLimit, seed: seed).utf8),
                                               to: (writeInstances as NSString).appendingPathComponent(name + ".json"))
            }
            let first = FirstImprovement()
            let options = SolveOptions(timeLimit: timeLimit, seed: seed, progress: { p in first.record(p.elapsed) })
            let plan = try solveShowingProgress(.loading(problem), options: options, quiet: quiet, label: "[\(k)/\(instances)] \(name)")
            let report = LoadingCheck.check(problem, plan)
            let capacity = problem.vehicleTypes[0].cargoSpace!.volume
            let placedVolume = (plan.vehicles ?? []).reduce(0) { $0 + $1.volume }
            let utilisation = 100 * placedVolume / capacity
            utilisations.append(utilisation)
            totalViolations += report.violations.count
            for v in report.violations.prefix(5) { StandardError.write("\(name): \(v)\n") }
            let row = [name, String(problem.items.count), String((plan.vehicles ?? []).reduce(0) { $0 + $1.items.count }),
                       String(format: "%.2f", utilisation), String(format: "%.3f", plan.stats.seconds),
                       first.value.map { String(format: "%.3f", $0) } ?? "", String(report.violations.count)].joined(separator: ",")
            print(row)
            csv += row + "\n"
        }
        let mean = utilisations.reduce(0, +) / Double(utilisations.count)
        let summary = String(format: "# class %d: mean utilisation %.2f%% over %d instances, time limit %g s, %d checker violations",
                             heterogeneityClass, mean, utilisations.count, timeLimit, totalViolations)
        print(summary)
        csv += summary + "\n"
        if let output { try OutputFile.writeAtomically(Data(csv.utf8), to: output) }
        if totalViolations > 0 { throw HaulExit.internalError }
    }
}

extension LoadingBench {
    /// Vehicles needed over weight and volume: first-fit decreasing (time limit 0) against the
    /// full method (column generation and price-and-dive) and its bound.
    func runVehicles() throws {
        var csv = "instance,items,ffd_cost,cost,bound,gap_pct,seconds,status,violations\n"
        print(csv, terminator: "")
        var gaps: [Double] = [], gains: [Double] = []
        var violations = 0
        for k in 1...instances {
            var problem = LoadingGenerator.make(LoadingGeneratorParameters(heterogeneityClass: heterogeneityClass, seed: UInt64(k), volumeRatio: 2))
            problem.placement = false
            problem.vehicleTypes = [
                LoadingVehicleType(id: "van", count: 60, cost: 35, weightLimit: 200, cargoSpace: CargoSpace(length: 150, width: 233, height: 220)),
                LoadingVehicleType(id: "truck", count: 20, cost: 60, weightLimit: 380, cargoSpace: CargoSpace(length: 300, width: 233, height: 220)),
            ]
            let name = String(format: "v%d-%02d", heterogeneityClass, k)
            let ffd = try solveBlocking(.loading(problem), options: SolveOptions(timeLimit: 0, seed: seed))
            let plan = try solveShowingProgress(.loading(problem), options: SolveOptions(timeLimit: timeLimit, seed: seed), quiet: quiet,
                                                label: "[\(k)/\(instances)] \(name)")
            let report = LoadingCheck.check(problem, plan)
            violations += report.violations.count + LoadingCheck.check(problem, ffd).violations.count
            let gap = plan.bound.map { 100 * (plan.objective - $0) / max(plan.objective, 1e-9) }
            if let gap { gaps.append(gap) }
            gains.append(100 * (ffd.objective - plan.objective) / max(ffd.objective, 1e-9))
            let row = [name, String(problem.items.count), String(format: "%.0f", ffd.objective), String(format: "%.0f", plan.objective),
                       plan.bound.map { String(format: "%.2f", $0) } ?? "", gap.map { String(format: "%.2f", $0) } ?? "",
                       String(format: "%.2f", plan.stats.seconds), plan.status.rawValue, String(report.violations.count)].joined(separator: ",")
            print(row)
            csv += row + "\n"
        }
        let summary = String(format: "# class %d vehicles: mean gap to bound %.2f%% over %d with a bound, mean saving against FFD %.2f%%, time limit %g s, %d checker violations",
                             heterogeneityClass, gaps.isEmpty ? 0 : gaps.reduce(0, +) / Double(gaps.count), gaps.count,
                             gains.reduce(0, +) / Double(max(1, gains.count)), timeLimit, violations)
        print(summary)
        csv += summary + "\n"
        if let output { try OutputFile.writeAtomically(Data(csv.utf8), to: output) }
        if violations > 0 { throw HaulExit.internalError }
    }
}

/// The time of the first progress report (the first complete construction).
private final class FirstImprovement: @unchecked Sendable {
    private let lock = NSLock()
    private var seconds: Double?
    func record(_ t: Double) { lock.lock(); if seconds == nil { seconds = t }; lock.unlock() }
    var value: Double? { lock.lock(); defer { lock.unlock() }; return seconds }
}
