import ArgumentParser
import HaulJobs
import Logging

/// What `haul serve` and `haul worker` share: their worker flags' ranges and logging set-up.
enum ServiceCommandSupport {
    /// Checks the worker flags both commands take.
    static func validateWorkerFlags(lease: Double, grace: Double, poll: Double, maxTimeLimit: Double, logLevel: String) throws {
        guard lease >= 0.3 && lease <= 86_400 else { throw ValidationError("--lease must be between 0.3 and 86400 seconds") }
        guard maxTimeLimit >= 0 && maxTimeLimit <= 1_000_000 else { throw ValidationError("--max-time-limit must be between 0 and 1000000") }
        guard grace >= 0 && grace <= 86_400 else { throw ValidationError("--grace must be between 0 and 86400 seconds") }
        guard poll > 0 && poll <= 60 else { throw ValidationError("--poll must be between 0 and 60 seconds") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level: unknown level \(logLevel)") }
    }

    /// Structured logs to standard error at the given level (validated by ``validateWorkerFlags``).
    static func bootstrapLogging(level name: String) {
        let level = Logger.Level(rawValue: name) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }

    /// Opens the store named by `--store`: exit 2 for a malformed URL, 4 when it cannot be opened.
    static func openStore(_ url: String, logger: Logger) async throws -> any JobStore {
        do {
            _ = try JobStoreLocation(url: url)
        } catch {
            StandardError.write("haul: \(error)\n")
            throw HaulExit.invalidInput
        }
        do {
            return try await openJobStore(url: url, logger: logger)
        } catch {
            StandardError.write("haul: cannot open the job store \(JobStoreLocation.redacted(url)): \(error)\n")
            throw HaulExit.internalError
        }
    }
}
