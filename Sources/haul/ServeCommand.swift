import ArgumentParser

// Placeholder until its issue lands.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the job service (not available yet).")

    func run() async throws {
        throw ValidationError("haul serve is not available yet")
    }
}
