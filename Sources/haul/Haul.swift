import ArgumentParser

@main
struct HaulCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "haul",
        abstract: "Route, warehouse-allocation and vehicle-loading optimisation.",
        discussion: """
            Exit codes: 0 solved, 2 invalid input, 3 infeasible, 4 internal error, \
            5 no plan within the time limit, 64 bad command-line flags.
            """,
        version: "0.1.0",
        subcommands: [SolveCommand.self, CheckCommand.self, BenchCommand.self, ServeCommand.self, WorkerCommand.self,
                      SubmitCommand.self, RenderCommand.self])
}
