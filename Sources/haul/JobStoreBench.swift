import ArgumentParser
import Foundation
import HaulJobs
import Logging

/// `haul bench jobs`: submit throughput and latency of a job store, then the rate of claim plus
/// complete (the queue's own cost per job, without solving).
struct JobStoreBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs",
        abstract: "Measure a job store: submissions per second with latency percentiles, then claims per second.",
        discussion: """
            Submits --jobs copies of a small routing problem from --clients concurrent tasks and reports \
            jobs/s, p50, p99 and max latency of a submission; then --claimers tasks claim and complete \
            every job. Without --store a new SQLite file in a temporary directory is used and removed. \
            With a PostgreSQL URL, add ?schema=NAME to keep the benchmark's jobs apart.
            """)

    @Option(name: .long, help: "Job store URL (default: a new SQLite file, removed afterwards).")
    var store: String?

    @Option(name: .long, help: "Jobs to submit.")
    var jobs: Int = 20_000

    @Option(name: .long, help: "Concurrent submitting tasks.")
    var clients: Int = 32

    @Option(name: .long, help: "Submissions per second over all clients, evenly paced (default: as fast as possible).")
    var rate: Double?

    @Option(name: .long, help: "Concurrent claiming tasks (0: skip the claim phase).")
    var claimers: Int = 4

    func validate() throws {
        if let rate, !(rate > 0) { throw ValidationError("--rate must be > 0") }
        guard jobs >= 1, clients >= 1, claimers >= 0 else { throw ValidationError("--jobs and --clients must be >= 1, --claimers >= 0") }
    }

    func run() async throws {
        var logger = Logger(label: "haul.bench.jobs")
        logger.logLevel = .error
        var temporary: URL?
        let url: String
        if let store {
            url = store
        } else {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("haul-bench-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            temporary = dir
            url = "sqlite:" + dir.appendingPathComponent("jobs.db").path
        }
        defer { if let temporary { try? FileManager.default.removeItem(at: temporary) } }
        let jobStore = try await openJobStore(url: url, logger: logger)
        let problem = Data(#"{"kind": "routing", "depots": [{"id": "hub", "location": {"x": 50, "y": 50}}], "vehicleTypes": [{"id": "van", "count": 3, "capacity": [40]}], "customers": [{"id": "c01", "location": {"x": 58, "y": 61}, "demand": [6]}, {"id": "c02", "location": {"x": 44, "y": 57}, "demand": [4]}, {"id": "c03", "location": {"x": 30, "y": 40}, "demand": [7]}, {"id": "c04", "location": {"x": 70, "y": 35}, "demand": [5]}, {"id": "c05", "location": {"x": 52, "y": 80}, "demand": [3]}]}"#.utf8)

        let perClient = (jobs + clients - 1) / clients
        let total = jobs
        // With --rate each client sends every clients/rate seconds, the clients staggered.
        let period = rate.map { Duration.nanoseconds(Int64(Double(clients) / $0 * 1e9)) }
        let clientCount = clients
        let start = ContinuousClock.now
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
            for c in 0..<clients {
                group.addTask {
                    var mine: [Double] = []
                    let count = max(0, min(perClient, total - c * perClient))
                    mine.reserveCapacity(count)
                    for k in 0..<count {
                        if let period {
                            let due = start + period * k + period * c / clientCount
                            if due > .now { try await Task.sleep(until: due, clock: .continuous) }
                        }
                        let t0 = ContinuousClock.now
                        _ = try await jobStore.submit(NewJob(tenant: "bench-\(c % 8)", kind: "routing", problem: problem))
                        mine.append((ContinuousClock.now - t0).seconds)
                    }
                    return mine
                }
            }
            return try await group.reduce(into: [Double]()) { $0 += $1 }.sorted()
        }
        let elapsed = (ContinuousClock.now - start).seconds
        func percentile(_ p: Double) -> Double { latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] * 1000 }
        print(String(format: "store %@\nsubmit: %d jobs, %d clients%@, %.2f s, %.0f jobs/s, p50 %.2f ms, p99 %.2f ms, max %.2f ms",
                     JobStoreLocation.redacted(url), latencies.count, clients, rate.map { String(format: " at %.0f/s", $0) } ?? "", elapsed, Double(latencies.count) / elapsed,
                     percentile(0.5), percentile(0.99), (latencies.last ?? 0) * 1000))

        if claimers > 0 {
            let claimStart = ContinuousClock.now
            let claimed = try await withThrowingTaskGroup(of: Int.self) { group in
                for w in 0..<claimers {
                    group.addTask {
                        var n = 0
                        while let (_, lease) = try await jobStore.claim(workerID: "bench-\(w)", leaseDuration: 60) {
                            _ = try await jobStore.complete(lease, plan: Data("{}".utf8))
                            n += 1
                        }
                        return n
                    }
                }
                return try await group.reduce(0, +)
            }
            let claimElapsed = (ContinuousClock.now - claimStart).seconds
            print(String(format: "claim+complete: %d jobs, %d claimers, %.2f s, %.0f jobs/s", claimed, claimers, claimElapsed,
                         Double(claimed) / claimElapsed))
        }
        await jobStore.close()
    }
}

extension Duration {
    fileprivate var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) * 1e-18
    }
}
