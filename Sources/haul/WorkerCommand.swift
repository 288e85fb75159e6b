import ArgumentParser

// Placeholder until its issue lands.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "worker", abstract: "Run job workers without HTTP (not available yet).")

    func run() async throws {
        throw ValidationError("haul worker is not available yet")
    }
}
