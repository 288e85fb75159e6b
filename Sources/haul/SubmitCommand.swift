import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `haul submit`: sends a problem to a job service and, with `--wait`, prints its plan.
struct SubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Submit a problem to a job service; with --wait, print the plan when the job ends.",
        discussion: """
            Without --wait the job (id, status, ...) is printed as JSON. With --wait the job is polled until it \
            ends and its plan is printed. Exit codes as haul solve: 0 solved, 2 invalid input (the server's \
            errors are listed with their JSON paths), 3 infeasible, 5 no plan within the time limit, 4 any \
            other error (refused, failed or cancelled job, unreachable server), 64 bad flags.
            """)

    @Argument(help: "Problem file (JSON), or - for standard input.")
    var file: String

    @Option(name: .long, help: "Base URL of the service, e.g. http://127.0.0.1:8080.")
    var server: String

    @Option(name: .long, help: "API token (default: the HAUL_TOKEN environment variable).")
    var token: String?

    @Option(name: .long, help: "Idempotency-Key: resubmitting with the same key returns the same job.")
    var idempotencyKey: String?

    @Flag(name: .long, help: "Wait for the job to end and print its plan.")
    var wait = false

    @Option(name: .long, help: "Seconds between polls while waiting.")
    var poll: Double = 0.5

    @Option(name: [.short, .long], help: "Write the plan (or job) here instead of standard output.")
    var output: String?

    func validate() throws {
        guard poll > 0 && poll <= 60 else { throw ValidationError("--poll must be between 0 and 60 seconds") }
        guard let url = URL(string: server), url.scheme == "http" || url.scheme == "https", url.host != nil else {
            throw ValidationError("--server must be an http:// or https:// URL")
        }
    }

    func run() async throws {
        let body: Data
        do {
            body = file == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            StandardError.write("haul: cannot read \(file): \(error.localizedDescription)\n")
            throw HaulExit.invalidInput
        }
        let base = server.hasSuffix("/") ? String(server.dropLast()) : server
        let bearer = token ?? ProcessInfo.processInfo.environment["HAUL_TOKEN"]
        var request = URLRequest(url: URL(string: base + "/v1/jobs")!)
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let bearer { request.setValue("Bearer \(bearer)", forHTTPHeaderField: "Authorization") }
        if let idempotencyKey { request.setValue(idempotencyKey, forHTTPHeaderField: "Idempotency-Key") }

        let (data, status) = try await send(request)
        guard status == 202, let job = object(data), let id = job["id"] as? String else { throw refused(status, data) }
        guard wait else { return try emit(data) }

        let quotedID = id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? id
        while true {
            try await Task.sleep(for: .milliseconds(Int(poll * 1000)))
            var get = URLRequest(url: URL(string: base + "/v1/jobs/" + quotedID)!)
            if let bearer { get.setValue("Bearer \(bearer)", forHTTPHeaderField: "Authorization") }
            let (data, status) = try await send(get)
            guard status == 200, let job = object(data) else { throw refused(status, data) }
            switch job["status"] as? String {
            case "succeeded":
                guard let plan = job["plan"] as? [String: Any] else {
                    StandardError.write("haul: job \(id) succeeded without a plan\n")
                    throw HaulExit.internalError
                }
                try emit(try JSONSerialization.data(withJSONObject: plan, options: [.prettyPrinted, .sortedKeys]) + Data("\n".utf8))
                if let message = plan["message"] as? String { StandardError.write("haul: \(message)\n") }
                switch plan["status"] as? String {
                case "optimal", "feasible": return
                case "infeasible": throw HaulExit.infeasible
                case "timeLimit": throw HaulExit.noPlan
                default: throw HaulExit.internalError
                }
            case "failed":
                StandardError.write("haul: job \(id) failed: \(job["error"] as? String ?? "no error recorded")\n")
                throw HaulExit.internalError
            case "cancelled":
                StandardError.write("haul: job \(id) was cancelled\n")
                throw HaulExit.internalError
            default:
                continue
            }
        }
    }

    private func send(_ request: URLRequest) async throws -> (Data, Int) {
        do {
            let (data, response) = try await URLSession.shared.data(for: request)
            return (data, (response as? HTTPURLResponse)?.statusCode ?? 0)
        } catch {
            StandardError.write("haul: cannot reach \(server): \(error.localizedDescription)\n")
            throw HaulExit.internalError
        }
    }

    private func object(_ data: Data) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }

    /// Prints the server's error; exit 2 for a refused problem (422 invalid_problem), else 4.
    private func refused(_ status: Int, _ data: Data) -> ExitCode {
        let error = object(data)?["error"] as? [String: Any]
        let code = error?["code"] as? String ?? "http_\(status)"
        StandardError.write("haul: the server answered \(status) \(code): \(error?["message"] as? String ?? String(decoding: data.prefix(500), as: UTF8.self))\n")
        for detail in error?["details"] as? [[String: Any]] ?? [] {
            let path = detail["path"] as? String ?? ""
            let message = detail["message"] as? String ?? ""
            StandardError.write("  " + (path.isEmpty ? message : "\(path): \(message)") + "\n")
        }
        let invalid: Set<String> = ["invalid_problem", "empty_body", "invalid_utf8", "problem_too_large", "time_limit_too_long"]
        return invalid.contains(code) ? HaulExit.invalidInput : HaulExit.internalError
    }

    private func emit(_ data: Data) throws {
        if let output {
            try OutputFile.writeAtomically(data, to: output)
        } else {
            FileHandle.standardOutput.write(data)
            if data.last != 0x0A { FileHandle.standardOutput.write(Data("\n".utf8)) }
        }
    }
}
