import Foundation
import HaulJobs
import Synchronization

/// A Prometheus histogram with fixed buckets (seconds).
struct Histogram: Sendable {
    static let defaultBuckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300]
    let bounds: [Double]
    private(set) var counts: [Int]   // per bucket, not cumulative; last is +Inf
    private(set) var sum = 0.0
    private(set) var count = 0

    init(bounds: [Double] = Histogram.defaultBuckets) {
        self.bounds = bounds
        counts = Array(repeating: 0, count: bounds.count + 1)
    }

    mutating func observe(_ value: Double) {
        guard value.isFinite else { return }
        let i = bounds.firstIndex(where: { value <= $0 }) ?? bounds.count
        counts[i] += 1
        sum += value
        count += 1
    }

    /// The `_bucket`, `_sum` and `_count` lines.
    func lines(_ name: String) -> [String] {
        var out: [String] = []
        var cumulative = 0
        for (i, bound) in bounds.enumerated() {
            cumulative += counts[i]
            out.append("\(name)_bucket{le=\"\(prometheusNumber(bound))\"} \(cumulative)")
        }
        out.append("\(name)_bucket{le=\"+Inf\"} \(count)")
        out.append("\(name)_sum \(prometheusNumber(sum))")
        out.append("\(name)_count \(count)")
        return out
    }
}

func prometheusNumber(_ x: Double) -> String {
    if x.isNaN { return "NaN" }
    if x.isInfinite { return x > 0 ? "+Inf" : "-Inf" }
    if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
    return "\(x)"
}

/// The service's counters and histograms, written in the Prometheus text exposition format (0.0.4).
///
/// Job latency (submission to end), solve time (claim to end) and failures are observed by the
/// workers running in this process, through ``InstrumentedJobStore``; queue depth is read from
/// the store at each scrape, so it counts every process's jobs.
public final class ServiceMetrics: Sendable {
    private struct State {
        var requestsByStatus: [Int: Int] = [:]
        var requestSeconds = Histogram()
        var jobsSubmitted = 0
        var jobsCompleted = 0
        var jobAttemptFailures = 0
        var jobLatency = Histogram()
        var jobSolveSeconds = Histogram()
        var syncSolves = 0
        var syncSolveSeconds = Histogram()
    }
    private let state = Mutex(State())

    /// Empty counters.
    public init() {}

    func recordRequest(status: Int, seconds: Double) {
        state.withLock {
            $0.requestsByStatus[status, default: 0] += 1
            $0.requestSeconds.observe(seconds)
        }
    }

    func recordSubmission() { state.withLock { $0.jobsSubmitted += 1 } }

    func recordSyncSolve(seconds: Double) {
        state.withLock {
            $0.syncSolves += 1
            $0.syncSolveSeconds.observe(seconds)
        }
    }

    func recordJobCompleted(latency: Double, solveSeconds: Double) {
        state.withLock {
            $0.jobsCompleted += 1
            $0.jobLatency.observe(latency)
            $0.jobSolveSeconds.observe(solveSeconds)
        }
    }

    func recordJobFailure(solveSeconds: Double) {
        state.withLock {
            $0.jobAttemptFailures += 1
            $0.jobSolveSeconds.observe(solveSeconds)
        }
    }

    /// The exposition text, with queue depth by status from `counts` (nil when the store did not answer).
    func render(counts: JobCounts?) -> String {
        let s = state.withLock { $0 }
        var lines: [String] = []
        func family(_ name: String, _ type: String, _ help: String) {
            lines.append("# HELP \(name) \(help)")
            lines.append("# TYPE \(name) \(type)")
        }
        family("haul_jobs", "gauge", "Jobs in the store by status (queue depth: status=\"queued\").")
        if let counts {
            for status in JobStatus.allCases {
                lines.append("haul_jobs{status=\"\(status.rawValue)\"} \(counts.byStatus[status] ?? 0)")
            }
        }
        family("haul_store_up", "gauge", "1 when the job store answered this scrape.")
        lines.append("haul_store_up \(counts == nil ? 0 : 1)")
        family("haul_jobs_submitted_total", "counter", "Jobs created by POST /v1/jobs in this process.")
        lines.append("haul_jobs_submitted_total \(s.jobsSubmitted)")
        family("haul_jobs_completed_total", "counter", "Jobs whose plan was stored by this process's workers.")
        lines.append("haul_jobs_completed_total \(s.jobsCompleted)")
        family("haul_job_failures_total", "counter", "Failed job attempts in this process's workers.")
        lines.append("haul_job_failures_total \(s.jobAttemptFailures)")
        family("haul_job_latency_seconds", "histogram", "Submission to plan stored, for jobs finished by this process's workers.")
        lines += s.jobLatency.lines("haul_job_latency_seconds")
        family("haul_job_solve_seconds", "histogram", "Claim to outcome stored, per attempt, in this process's workers.")
        lines += s.jobSolveSeconds.lines("haul_job_solve_seconds")
        family("haul_sync_solve_seconds", "histogram", "Solve time of POST /v1/solve.")
        lines += s.syncSolveSeconds.lines("haul_sync_solve_seconds")
        family("haul_http_requests_total", "counter", "HTTP requests answered, by status code.")
        for status in s.requestsByStatus.keys.sorted() {
            lines.append("haul_http_requests_total{code=\"\(status)\"} \(s.requestsByStatus[status]!)")
        }
        family("haul_http_request_duration_seconds", "histogram", "Time to answer an HTTP request.")
        lines += s.requestSeconds.lines("haul_http_request_duration_seconds")
        return lines.joined(separator: "\n") + "\n"
    }
}
