import Foundation
import Haul
import HaulCheck

/// Reads the problem and plan files named on the command line of `haul check` and `haul render`.
/// Unreadable or invalid files are reported on standard error with the file's name and the JSON
/// path of the fault, and end the command with exit code 2.
func readProblemAndPlan(problem: String, plan: String, format: ProblemFormat?) throws -> (document: ProblemDocument, plan: Plan) {
    let document: ProblemDocument
    do {
        document = try readProblem(try Data(contentsOf: URL(fileURLWithPath: problem)), format: format)
    } catch let error as InvalidProblemError {
        StandardError.write("haul: \(problem): \(error.description)\n")
        throw HaulExit.invalidInput
    } catch {
        StandardError.write("haul: cannot read \(problem): \(error.localizedDescription)\n")
        throw HaulExit.invalidInput
    }
    do {
        return (document, try decodePlan(try Data(contentsOf: URL(fileURLWithPath: plan))))
    } catch let error as PlanDecodingError {
        StandardError.write("haul: \(plan): \(error.description)\n")
        throw HaulExit.invalidInput
    } catch {
        StandardError.write("haul: cannot read \(plan): \(error.localizedDescription)\n")
        throw HaulExit.invalidInput
    }
}
