import ArgumentParser

// Placeholder until its issue lands.
struct SubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "submit", abstract: "Submit a problem to a job service (not available yet).")

    func run() async throws {
        throw ValidationError("haul submit is not available yet")
    }
}
