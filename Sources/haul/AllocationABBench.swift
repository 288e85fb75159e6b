import ArgumentParser
import Foundation
import Haul
import HaulAllocation

/// `haul bench ab`: online nearest-feasible allocation against the batch plan on the same orders.
struct AllocationABBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ab",
        abstract: "Cost of online greedy allocation against the batch plan, and batch solve time as orders grow.",
        discussion: """
            Generates instances (see Instances/generators/README.md), allocates the orders one at a time \
            in arrival order with the online allocator, solves the same instance in batch, and writes \
            orders,online_cost,online_unserved,online_seconds,batch_cost,batch_bound,batch_status,batch_seconds,online_over_batch_pct.
            """)

    @Option(name: .long, help: "Warehouses.") var warehouses = 50
    @Option(name: .long, parsing: .upToNextOption, help: "Order counts to run, e.g. 1000 10000 100000.")
    var orders: [Int] = [1000, 10_000, 100_000]
    @Option(name: .long, help: "Demand clusters.") var clusters = 8
    @Option(name: .long, help: "Total demand / total capacity, in (0, 1].") var tightness = 0.8
    @Option(name: .long, help: "Seed of the generator.") var seed: UInt64 = 1
    @Option(name: .long, help: "Seconds for each batch solve.") var timeLimit = 30.0
    @Flag(name: [.short, .long], help: "No progress line on standard error.") var quiet = false

    func validate() throws {
        guard warehouses >= 1, orders.allSatisfy({ $0 >= 1 }), clusters >= 1 else { throw ValidationError("counts must be at least 1") }
        guard tightness > 0 && tightness <= 1 else { throw ValidationError("--tightness must be in (0, 1]") }
        guard timeLimit >= 0 else { throw ValidationError("--time-limit must be >= 0") }
    }

    func run() throws {
        print("# haul bench ab: \(warehouses) warehouses, \(clusters) clusters, tightness \(tightness), seed \(seed), batch time limit \(timeLimit) s")
        print("orders,online_cost,online_unserved,online_seconds,batch_cost,batch_bound,batch_status,batch_seconds,online_over_batch_pct")
        for n in orders {
            let problem = AllocationGenerator.make(AllocationGeneratorParameters(
                warehouses: warehouses, orders: n, clusters: clusters, tightness: tightness, seed: seed))
            let allocator = try OnlineAllocator(warehouses: problem.warehouses, travel: problem.travel)
            let clock = Stopwatch()
            var onlineCost = 0.0
            var unserved = 0
            for order in problem.orders {
                if let r = try allocator.allocate(order) { onlineCost += problem.costPerUnitDistance * r.distance * r.quantity } else { unserved += 1 }
            }
            let onlineSeconds = clock.elapsed
            let plan = try solveShowingProgress(.allocation(problem), options: SolveOptions(timeLimit: timeLimit), quiet: quiet,
                                                label: "\(n) orders, batch")
            let ratio = 100 * (onlineCost - plan.objective) / max(plan.objective, 1e-9)
            print([String(n), String(format: "%.1f", onlineCost), String(unserved), String(format: "%.3f", onlineSeconds),
                   String(format: "%.1f", plan.objective), plan.bound.map { String(format: "%.1f", $0) } ?? "",
                   plan.status.rawValue, String(format: "%.2f", plan.stats.seconds), unserved == 0 ? String(format: "%.2f", ratio) : ""]
                .joined(separator: ","))
        }
    }
}
