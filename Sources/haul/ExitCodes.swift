import ArgumentParser

/// The CLI's documented exit codes.
enum HaulExit {
    static let solved = ExitCode(0)
    static let invalidInput = ExitCode(2)
    static let infeasible = ExitCode(3)
    static let internalError = ExitCode(4)
    static let noPlan = ExitCode(5)
}
