import Dispatch
import Foundation

/// Copies the write-ahead log into the database file from a background thread, once a second.
///
/// SQLite otherwise checkpoints inside the commit that crosses the log's size threshold, and that
/// commit waits for the copy and its `fsync`: a latency spike for whichever submission it was. The
/// store's own connection keeps a much higher threshold as a fallback, should this one fall behind.
final class SQLiteCheckpointer: @unchecked Sendable {
    /// Used only on `queue`.
    private var connection: SQLiteConnection?
    private let queue = DispatchQueue(label: "haul.jobs.sqlite.checkpoint", qos: .utility)
    private let timer: DispatchSourceTimer

    init(path: String, interval: TimeInterval = 1) throws {
        connection = try SQLiteConnection(path: path, busyTimeoutMilliseconds: 0)
        timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + interval, repeating: interval, leeway: .milliseconds(100))
        timer.setEventHandler { [weak self] in self?.checkpoint() }
        timer.resume()
    }

    private func checkpoint() {
        // PASSIVE: copies what it can without waiting for readers or writers; a busy database is
        // simply tried again next time.
        try? connection?.execute("PRAGMA wal_checkpoint(PASSIVE)")
    }

    deinit { timer.cancel() }

    /// Stops the timer and closes the connection; waits for a checkpoint in progress.
    func stop() {
        timer.cancel()
        queue.sync { connection = nil }
    }
}
