import ArgumentParser

// Placeholder until its issue lands.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check", abstract: "Check a plan against its problem (not available yet).")

    func run() async throws {
        throw ValidationError("haul check is not available yet")
    }
}
