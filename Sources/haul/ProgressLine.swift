import Dispatch
import Foundation
import Haul

/// A live status line on standard error while a solve runs: elapsed time, phase, best objective,
/// bound and gap where known, refreshed once a second from the first second on and overwritten
/// in place. Shown only on a terminal: a pipe or a log file gets nothing, and `--quiet` turns it off.
final class ProgressLine: @unchecked Sendable {
    private let lock = NSLock()
    private var latest: SolveProgress?
    private var printed = false
    private var finished = false
    private let clock = Stopwatch()
    private let timer: DispatchSourceTimer
    private let label: String?
    private let reference: Double?

    /// A running line, or nil when standard error is not a terminal or the user asked for quiet.
    /// - Parameters:
    ///   - label: printed first, e.g. `[3/57] X-n101-k25` in a benchmark.
    ///   - reference: a best-known objective; the line then shows the best's distance from it.
    static func start(quiet: Bool, label: String? = nil, reference: Double? = nil) -> ProgressLine? {
        guard !quiet, StandardError.isTerminal else { return nil }
        return ProgressLine(label: label, reference: reference)
    }

    private init(label: String?, reference: Double?) {
        self.label = label
        self.reference = reference
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue.global(qos: .utility))
        timer.schedule(deadline: .now() + 1, repeating: 1)
        timer.setEventHandler { [weak self] in self?.tick() }
        timer.resume()
    }

    /// The callback to hand to ``SolveOptions/progress``.
    var report: @Sendable (SolveProgress) -> Void {
        { [self] progress in
            lock.lock()
            latest = progress
            lock.unlock()
        }
    }

    private func tick() {
        lock.lock()
        defer { lock.unlock() }
        guard !finished else { return }
        var line = label.map { $0 + "  " } ?? ""
        line += String(format: "%6.1fs", clock.elapsed)
        if let p = latest {
            line += "  " + p.phase
            if let o = p.objective {
                line += String(format: "  best %.6g", o)
                if let r = reference, r != 0 { line += String(format: " (%+.3f%% vs best known)", 100 * (o - r) / abs(r)) }
            }
            if let b = p.bound { line += String(format: "  bound %.6g", b) }
            if let g = p.gap { line += String(format: "  gap %.3f%%", 100 * g) }
        } else {
            line += "  solving"
        }
        StandardError.write("\r\u{1B}[2K" + line)
        printed = true
    }

    /// Stops the ticker. With `keep`, the last line stays on screen; otherwise it is erased so that
    /// the next output (a benchmark's CSV row) takes its place.
    func finish(keep: Bool = true) {
        timer.cancel()
        lock.lock()
        defer { lock.unlock() }
        guard !finished else { return }
        finished = true
        if printed { StandardError.write(keep ? "\n" : "\r\u{1B}[2K") }
    }
}

/// Solves `problem` with a live ``ProgressLine`` labelled for a benchmark row; the line is erased
/// when the solve ends so that the row's own output replaces it. Any progress callback already in
/// `options` still receives every report.
func solveShowingProgress(_ problem: Problem, options: SolveOptions, quiet: Bool, label: String,
                          reference: Double? = nil) throws -> Plan {
    guard let line = ProgressLine.start(quiet: quiet, label: label, reference: reference) else {
        return try solveBlocking(problem, options: options)
    }
    defer { line.finish(keep: false) }
    var shown = options
    let earlier = options.progress
    let report = line.report
    shown.progress = { progress in
        earlier?(progress)
        report(progress)
    }
    return try solveBlocking(problem, options: shown)
}
