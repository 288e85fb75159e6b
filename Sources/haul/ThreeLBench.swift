import ArgumentParser
import Foundation
import Haul
import HaulCheck
import HaulRouting

/// `haul bench 3lcvrp`: routes whose loads fit (Gendreau et al. 2006) against the plain CVRP of
/// the same customers, the price of loading.
struct ThreeLBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "3lcvrp",
        abstract: "Solve every 3L-CVRP instance of a folder with loading enforced and as a plain CVRP; report the price of loading.",
        discussion: """
            For each 3l_cvrpNN.txt file of the folder (Gendreau et al. 2006 format), solves the 3L-CVRP \
            (every route's boxes placed in 3D: this side up, fragility, 75% support, last in first out) \
            and the plain CVRP of the same customers (weight capacity only), each with the same time \
            limit and seed. Every plan is re-checked by the independent checker (HaulCheck), every 3L \
            route's placements by its placement rules. Writes \
            instance,distance_3l,distance_cvrp,price_pct,seconds,vehicles,routes_loaded_ok,status per \
            instance and a summary line starting with #; exits 4 when the checker finds a violation.
            """)

    @Option(name: .long, help: "Folder with the 3l_cvrpNN.txt instances.")
    var set: String

    @Option(name: .long, help: "Seconds per solve (each instance is solved twice).")
    var timeLimit: Double = 10

    @Option(name: .long, help: "Write the CSV here as well as to standard output.")
    var output: String?

    @Option(name: .long, help: "Only the first N instances.")
    var limit: Int?

    @Option(name: .long, help: "Seed of the solver.")
    var seed: UInt64 = 1

    @Flag(name: [.short, .long], help: "No per-instance lines on standard error.")
    var quiet = false

    func validate() throws {
        if !(timeLimit >= 0 && timeLimit <= 1_000_000) { throw ValidationError("--time-limit must be between 0 and 1000000 seconds") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        let folder = URL(fileURLWithPath: set)
        var files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
                .filter { $0.lowercased().hasSuffix(".txt") && $0.lowercased().hasPrefix("3l_cvrp") }
                .sorted { $0.compare($1, options: .numeric) == .orderedAscending }
        } catch {
            StandardError.write("haul: cannot read \(set): \(error.localizedDescription)\n")
            throw HaulExit.invalidInput
        }
        if files.isEmpty {
            StandardError.write("haul: \(set) holds no 3l_cvrp*.txt file\n")
            throw HaulExit.invalidInput
        }
        if let limit { files = Array(files.prefix(limit)) }

        var csv = "instance,distance_3l,distance_cvrp,price_pct,seconds,vehicles,routes_loaded_ok,status\n"
        print(csv, terminator: "")
        var prices: [Double] = []
        var routesOK = 0, routesAll = 0, violations = 0, complete = 0
        var seconds3L = 0.0, secondsCVRP = 0.0
        for (position, file) in files.enumerated() {
            let name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
            let tag = "[\(position + 1)/\(files.count)] \(name)"
            let row: String
            do {
                let document = try readProblem(Data(contentsOf: folder.appendingPathComponent(file)), format: .threeLCVRP)
                guard case let .routing(problem) = document.problem else { throw HaulExit.internalError }
                if !quiet { StandardError.write("\(tag) (\(problem.customers.count) customers, \((problem.customers.map { $0.items?.count ?? 0 }).reduce(0, +)) items) ...\n") }
                let options = SolveOptions(timeLimit: timeLimit, seed: seed)
                let plan3L = try solveBlocking(.routing(problem), options: options)
                let plain = Self.plainCVRP(problem)
                let planCVRP = try solveBlocking(.routing(plain), options: options)
                seconds3L += plan3L.stats.seconds
                secondsCVRP += planCVRP.stats.seconds

                let report3L = RoutingCheck.check(problem, plan3L)
                let reportCVRP = RoutingCheck.check(plain, planCVRP)
                let routes = plan3L.routes ?? []
                var loadedOK = 0
                for (r, route) in routes.enumerated() where route.placements != nil
                    && !report3L.violations.contains(where: { $0.path.hasPrefix("routes[\(r)]") }) {
                    loadedOK += 1
                }
                routesOK += loadedOK
                routesAll += routes.count
                violations += report3L.violations.count + reportCVRP.violations.count
                let d3 = routes.reduce(0) { $0 + $1.distance }
                let dc = (planCVRP.routes ?? []).reduce(0) { $0 + $1.distance }
                let bothComplete = plan3L.status == .feasible && planCVRP.status == .feasible
                let price = bothComplete && dc > 0 ? 100 * (d3 - dc) / dc : nil
                if let price { prices.append(price); complete += 1 }
                var status: [String] = []
                if plan3L.status != .feasible { status.append("3L \(plan3L.status.rawValue): \((plan3L.unassigned ?? []).count) unassigned") }
                if planCVRP.status != .feasible { status.append("CVRP \(planCVRP.status.rawValue): \((planCVRP.unassigned ?? []).count) unassigned") }
                for v in (report3L.violations.map { "3L \($0)" } + reportCVRP.violations.map { "CVRP \($0)" }).prefix(3) { status.append("VIOLATION \(v)") }
                let statusText = status.isEmpty ? "ok" : status.joined(separator: "; ")
                row = [name, String(format: "%.2f", d3), String(format: "%.2f", dc), price.map { String(format: "%.2f", $0) } ?? "",
                       String(format: "%.2f", plan3L.stats.seconds), String(routes.count), "\(loadedOK)/\(routes.count)",
                       Self.csvField(statusText)].joined(separator: ",")
                if !quiet { StandardError.write("\(tag): 3L \(String(format: "%.2f", d3)) with \(routes.count) routes, CVRP \(String(format: "%.2f", dc)) with "
                    + "\((planCVRP.routes ?? []).count), price \(price.map { String(format: "%.2f%%", $0) } ?? "-"), "
                    + "loaded ok \(loadedOK)/\(routes.count), \(statusText)\n") }
            } catch {
                row = "\(name),,,,,,,\(Self.csvField("error: \(error)"))"
                violations += 1
            }
            print(row)
            fflush(nil)
            csv += row + "\n"
        }
        let mean = prices.isEmpty ? 0 : prices.reduce(0, +) / Double(prices.count)
        let summary = String(format: "# mean price of loading %.2f%% over %d instances with both plans complete (of %d); ", mean, complete, files.count)
            + "\(routesOK) of \(routesAll) routes' loadings verified by the checker; \(violations) checker violation(s); "
            + String(format: "time limit %g s per solve; total %.1f s (3L) + %.1f s (CVRP); seed %llu; set %@",
                     timeLimit, seconds3L, secondsCVRP, seed, folder.lastPathComponent)
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
        if violations > 0 { throw HaulExit.internalError }
    }

    /// The same customers without their boxes: weight capacity only.
    static func plainCVRP(_ problem: RoutingProblem) -> RoutingProblem {
        var plain = problem
        plain.loading = nil
        for c in plain.customers.indices { plain.customers[c].items = nil }
        for t in plain.vehicleTypes.indices { plain.vehicleTypes[t].cargoSpace = nil }
        return plain
    }

    static func csvField(_ s: String) -> String {
        s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
}
