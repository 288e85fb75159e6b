import ArgumentParser
import Foundation
import Haul
import HaulRouting

/// `haul bench routing`: every VRPLIB instance of a folder against its best-known value.
struct RoutingBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "routing",
        abstract: "Solve every .vrp/.vrptw instance of a folder and compare with the best-known values.",
        discussion: """
            Instances run smallest first. The best-known value comes from the .sol file beside an \
            instance, else from the folder's bks.csv (the smaller value when it lists an instance twice; \
            the distance column when it has one). Every plan is re-checked independently of the solver; \
            the status column says ok or why the plan is infeasible. Writes \
            instance,cost,bks,gap_pct,seconds,vehicles,status per instance and a summary line starting with #.
            """)

    @Option(name: .long, help: "Folder with the .vrp/.vrptw instances and their .sol files or a bks.csv.")
    var set: String

    @Option(name: .long, help: "Seconds per instance.")
    var timeLimit: Double = 10

    @Option(name: .long, help: "Write the CSV here as well as to standard output.")
    var output: String?

    @Option(name: .long, help: "Only the first N instances (after sorting by size).")
    var limit: Int?

    @Option(name: .long, help: "Skip instances with more customers than this.")
    var maxCustomers: Int?

    @Option(name: .long, help: "Seed of the solver.")
    var seed: UInt64 = 1

    @Flag(name: [.short, .long], help: "No progress line on standard error.")
    var quiet = false

    @Flag(name: .long, help: "Measure the time limit in CPU time of the solving thread, as HGS-CVRP does, so that solvers sharing a busy machine get the same computing time.")
    var cpuTime = false

    func validate() throws {
        if !(timeLimit >= 0 && timeLimit <= 1_000_000) { throw ValidationError("--time-limit must be between 0 and 1000000 seconds") }
        if let limit, limit < 0 { throw ValidationError("--limit must be >= 0") }
        if let maxCustomers, maxCustomers < 0 { throw ValidationError("--max-customers must be >= 0") }
    }

    struct Entry {
        var name: String
        var url: URL
        var customers: Int?
        var readError: String?
    }

    func run() throws {
        let folder = URL(fileURLWithPath: set)
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
                .filter { ["vrp", "vrptw"].contains(URL(fileURLWithPath: $0).pathExtension.lowercased()) }
        } catch {
            StandardError.write("haul: cannot read \(set): \(error.localizedDescription)\n")
            throw HaulExit.invalidInput
        }
        if files.isEmpty {
            StandardError.write("haul: \(set) holds no .vrp or .vrptw file\n")
            throw HaulExit.invalidInput
        }
        // Read every instance once for its size; each is read again when its turn comes.
        var entries: [Entry] = files.map { file in
            let url = folder.appendingPathComponent(file)
            let name = url.deletingPathExtension().lastPathComponent
            do {
                let instance = try VRPLIBReader.readInstance(try String(contentsOf: url, encoding: .utf8))
                return Entry(name: name, url: url, customers: instance.problem.customers.count)
            } catch {
                return Entry(name: name, url: url, readError: "\(error)")
            }
        }
        entries.sort {
            let a = $0.customers ?? Int.max, b = $1.customers ?? Int.max
            return a != b ? a < b : $0.name.compare($1.name, options: .numeric) == .orderedAscending
        }
        if let maxCustomers { entries.removeAll { ($0.customers ?? 0) > maxCustomers } }
        if let limit { entries = Array(entries.prefix(limit)) }
        let table = Self.readBKSTable(folder.appendingPathComponent("bks.csv"))

        var csv = "instance,cost,bks,gap_pct,seconds,vehicles,status\n"
        print(csv, terminator: "")
        var gaps: [Double] = []
        var feasible = 0
        var totalSeconds = 0.0
        for (position, entry) in entries.enumerated() {
            let tag = "[\(position + 1)/\(entries.count)] \(entry.name)"
            if !quiet { StandardError.write("\(tag) (\(entry.customers.map { "\($0) customers" } ?? "unreadable")) ...\n") }
            let result = runInstance(entry, table: table, tag: tag)
            if let gap = result.gap, result.feasible { gaps.append(gap) }
            if result.feasible { feasible += 1 }
            totalSeconds += result.seconds ?? 0
            let row = [entry.name, result.cost.map(Self.show) ?? "", result.bks.map(Self.show) ?? "",
                       result.gap.map { String(format: "%.4f", $0) } ?? "", result.seconds.map { String(format: "%.2f", $0) } ?? "",
                       result.vehicles.map(String.init) ?? "", Self.csvField(result.status)].joined(separator: ",")
            print(row)
            fflush(nil)
            csv += row + "\n"
            if !quiet { StandardError.write("\(tag): cost \(result.cost.map(Self.show) ?? "-"), bks \(result.bks.map(Self.show) ?? "-"), gap "
                + "\(result.gap.map { String(format: "%.3f%%", $0) } ?? "-"), \(result.seconds.map { String(format: "%.1f s", $0) } ?? "-"), \(result.status)\n") }
        }
        let mean = gaps.isEmpty ? 0 : gaps.reduce(0, +) / Double(gaps.count)
        let summary = String(format: "# mean gap %.4f%% over %d feasible instances with a best-known value; %d of %d plans feasible; ",
                             mean, gaps.count, feasible, entries.count)
            + String(format: "time limit %g s%@ per instance; total %.1f s; seed %llu; set %@", timeLimit, cpuTime ? " of CPU time" : "", totalSeconds, seed, folder.lastPathComponent)
        print(summary)
        csv += summary + "\n"
        if let output {
            do {
                try OutputFile.writeAtomically(Data(csv.utf8), to: output)
            } catch {
                StandardError.write("haul: cannot write \(output): \(error.localizedDescription)\n")
                throw HaulExit.internalError
            }
        }
    }

    struct Result {
        var cost: Double?
        var bks: Double?
        var gap: Double?
        var seconds: Double?
        var vehicles: Int?
        var status: String
        var feasible = false
    }

    func runInstance(_ entry: Entry, table: [String: Double], tag: String) -> Result {
        var result = Result(bks: table[entry.name], status: "")
        if let error = entry.readError {
            result.status = "error: \(error)"
            return result
        }
        let instance: VRPLIBInstance
        do {
            let text = try String(contentsOf: entry.url, encoding: .utf8)
            var read = try VRPLIBReader.readInstance(text)
            // The .sol beside the instance gives the best-known value, and its routes check the distances.
            let solURL = entry.url.deletingPathExtension().appendingPathExtension("sol")
            if let solText = try? String(contentsOf: solURL, encoding: .utf8) {
                let solution = try VRPLIBReader.readSolution(solText)
                if let cost = solution.cost { result.bks = cost }
                read = try Self.checkConvention(read, text: text, solution: solution, name: entry.name)
            }
            instance = read
        } catch {
            result.status = "error: \(error)"
            return result
        }
        let clock = Stopwatch()
        let plan: Plan
        do {
            var options = SolveOptions(timeLimit: timeLimit, seed: seed)
            options.timeLimitClock = cpuTime ? .threadCPU : .wall
            plan = try solveShowingProgress(.routing(instance.problem), options: options,
                                          quiet: quiet, label: tag, reference: result.bks)
        } catch {
            result.status = "error: \(error)"
            return result
        }
        result.seconds = clock.elapsed
        result.cost = plan.objective
        result.vehicles = plan.routes?.count ?? 0
        if let bks = result.bks, bks > 0 {
            let gap = 100 * (plan.objective - bks) / bks
            result.gap = abs(gap) < 1e-9 ? 0 : gap  // sums of one-decimal distances are not exact in binary
        }
        let violations = Self.check(plan, instance.problem)
        result.feasible = violations.isEmpty
        result.status = violations.isEmpty ? "ok" : "INFEASIBLE: " + violations.prefix(3).joined(separator: "; ")
            + (violations.count > 3 ? "; \(violations.count - 3) more" : "")
        return result
    }

    /// Checks a plan against the problem with ``RoutingPlanAudit`` (independent of the solver):
    /// feasibility, every customer served, and the plan's objective equal to the recomputed cost.
    static func check(_ plan: Plan, _ problem: RoutingProblem) -> [String] {
        var violations: [String] = []
        if plan.status != .feasible && plan.status != .optimal { violations.append("status \(plan.status.rawValue)") }
        var routes: [RoutingPlanAudit.Route] = []
        for route in plan.routes ?? [] {
            guard let type = problem.vehicleTypes.firstIndex(where: { $0.id == route.vehicleType }) else {
                violations.append("unknown vehicle type \(route.vehicleType)")
                continue
            }
            routes.append(RoutingPlanAudit.Route(vehicleType: type, vehicle: route.vehicle, customers: route.stops.map(\.customer),
                                                 departure: route.departure))
        }
        let audit = RoutingPlanAudit.check(problem, routes: routes)
        violations += audit.violations
        if abs(audit.cost - plan.objective) > RoutingPlanAudit.tolerance * max(1, abs(audit.cost)) {
            violations.append("objective \(plan.objective) but the routes cost \(audit.cost)")
        }
        return violations
    }

    /// When the `.sol` routes do not cost what the `.sol` says under the reader's distances, tries the
    /// other conventions and keeps the one that reproduces the cost; says so on standard error.
    static func checkConvention(_ instance: VRPLIBInstance, text: String, solution: VRPLIBSolution, name: String) throws -> VRPLIBInstance {
        guard let stated = solution.cost else { return instance }
        func matches(_ i: VRPLIBInstance) -> Bool {
            let audit = i.evaluate(solution)
            return audit.isFeasible && abs(audit.cost - stated) <= 1e-6 * max(1, abs(stated))
        }
        if matches(instance) { return instance }
        for convention in VRPLIBReader.DistanceConvention.allCases where convention != .automatic && convention != instance.convention {
            if let other = try? VRPLIBReader.readInstance(text, options: VRPLIBReader.Options(convention: convention)), matches(other) {
                StandardError.write("haul: \(name): the .sol's routes cost \(show(stated)) under the \(convention.rawValue) convention, "
                    + "not under \(instance.convention.rawValue); using \(convention.rawValue)\n")
                return other
            }
        }
        let audit = instance.evaluate(solution)
        StandardError.write("haul: \(name): warning: the .sol's routes cost \(show(audit.cost)) under the reader's distances, "
            + "the .sol says \(show(stated))\(audit.isFeasible ? "" : "; " + audit.violations.prefix(2).joined(separator: "; "))\n")
        return instance
    }

    /// `bks.csv`: an instance column and a best-known column (`bks`, `bks_distance`, `distance`, `cost`,
    /// `optimum`, else the last column); the smaller value wins when an instance appears twice.
    static func readBKSTable(_ url: URL) -> [String: Double] {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [:] }
        var lines = text.split(whereSeparator: \.isNewline).map { $0.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) } }
        guard !lines.isEmpty else { return [:] }
        let header = lines.removeFirst().map { $0.lowercased() }
        let nameColumn = header.firstIndex(where: { ["instance", "name"].contains($0) }) ?? 0
        let valueColumn = ["bks", "bks_distance", "distance", "cost", "optimum", "best"].lazy.compactMap { header.firstIndex(of: $0) }.first
            ?? header.count - 1
        var table: [String: Double] = [:]
        for fields in lines where fields.count > max(nameColumn, valueColumn) {
            guard let value = Double(fields[valueColumn]) else { continue }
            let name = fields[nameColumn]
            table[name] = min(table[name] ?? .infinity, value)
        }
        return table
    }

    static func show(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(format: "%.4f", v).replacingOccurrences(of: #"\.?0+$"#, with: "", options: .regularExpression)
    }

    static func csvField(_ s: String) -> String {
        let flat = s.replacingOccurrences(of: "\n", with: " ")
        return flat.contains(",") || flat.contains("\"") ? "\"" + flat.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : flat
    }
}
