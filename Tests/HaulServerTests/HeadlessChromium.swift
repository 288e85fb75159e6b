import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A headless Chromium driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`:
/// commands go to the browser's descriptor 3, answers and events come from its descriptor 4, each
/// message JSON ended by a NUL byte). No WebSocket client, node or driver binary is needed.
///
/// Blocking: use it from a dedicated thread (``runOnThread(_:)``), never from the cooperative pool
/// that serves the HTTP requests the browser makes. Every read has a deadline; ``close()`` ends the
/// browser and, if it does not exit within 5 s, kills its process group.
final class HeadlessChromium {
    /// Something went wrong talking to the browser; `log` is the tail of its output.
    struct Failure: Error, CustomStringConvertible {
        var message: String
        var log: String
        var description: String { log.isEmpty ? message : "\(message)\n--- chromium output (tail) ---\n\(log)" }
    }

    /// The browser binary: `HAUL_CHROMIUM`, else `chromium` or `chromium-browser` on `PATH`; nil when none.
    static func executable() -> String? {
        let environment = ProcessInfo.processInfo.environment
        if let given = environment["HAUL_CHROMIUM"], !given.isEmpty {
            return FileManager.default.isExecutableFile(atPath: given) ? given : nil
        }
        let directories = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        for name in ["chromium", "chromium-browser"] {
            for directory in directories {
                let path = directory + "/" + name
                if FileManager.default.isExecutableFile(atPath: path) { return path }
            }
        }
        return nil
    }

    /// The arguments the browser was started with (after the executable).
    static func arguments(userDataDirectory: String, width: Int, height: Int) -> [String] {
        ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--remote-debugging-pipe",
         "--user-data-dir=\(userDataDirectory)", "--window-size=\(width),\(height)", "--no-first-run",
         "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--hide-scrollbars", "--mute-audio", "about:blank"]
    }

    let commandLine: [String]
    /// Console messages and uncaught exceptions of the page, in order.
    private(set) var console: [String] = []
    private let userDataDirectory: String
    private let logPath: String
    private var pid: pid_t = 0
    private var running = false
    private var commandFD: Int32 = -1
    private var eventFD: Int32 = -1
    private var buffer: [UInt8] = []
    private var nextID = 0
    private var loaded = false

    /// Starts the browser with a throwaway profile.
    init(executable: String, width: Int = 1280, height: Int = 900) throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("haul-chromium-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        userDataDirectory = scratch.appendingPathComponent("profile").path
        logPath = scratch.appendingPathComponent("chromium.log").path
        commandLine = [executable] + Self.arguments(userDataDirectory: userDataDirectory, width: width, height: height)
        #if canImport(Glibc)
        try spawn()
        #else
        throw Failure(message: "driving Chromium is implemented for Linux only", log: "")
        #endif
    }

    deinit { close() }

    #if canImport(Glibc)
    private func spawn() throws {
        // Two pipes; the browser's ends are moved above 10 so that placing them on 3 and 4 cannot
        // overwrite one with the other.
        var toBrowser: [Int32] = [0, 0], fromBrowser: [Int32] = [0, 0]
        guard pipe(&toBrowser) == 0, pipe(&fromBrowser) == 0 else {
            throw Failure(message: "pipe() failed: errno \(errno)", log: "")
        }
        let browserReads = fcntl(toBrowser[0], F_DUPFD_CLOEXEC, 10), browserWrites = fcntl(fromBrowser[1], F_DUPFD_CLOEXEC, 10)
        Glibc.close(toBrowser[0])
        Glibc.close(fromBrowser[1])
        commandFD = toBrowser[1]
        eventFD = fromBrowser[0]
        _ = fcntl(commandFD, F_SETFD, FD_CLOEXEC)
        _ = fcntl(eventFD, F_SETFD, FD_CLOEXEC)
        defer {
            Glibc.close(browserReads)
            Glibc.close(browserWrites)
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        posix_spawn_file_actions_adddup2(&actions, browserReads, 3)
        posix_spawn_file_actions_adddup2(&actions, browserWrites, 4)

        // Its own process group (so that a kill reaches its helpers), default SIGPIPE, nothing blocked.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setpgroup(&attributes, 0)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv: [UnsafeMutablePointer<CChar>?] = commandLine.map { strdup($0) } + [nil]
        defer { for arg in argv { free(arg) } }
        // Writing to a browser that died must be an error (EPIPE), not the end of the test process.
        signal(SIGPIPE, SIG_IGN)
        let status = posix_spawn(&pid, commandLine[0], &actions, &attributes, argv, environ)
        guard status == 0 else { throw Failure(message: "cannot start \(commandLine[0]): errno \(status)", log: "") }
        running = true
    }
    #endif

    // MARK: The protocol

    /// Sends `method` (to the page of `session`, or the browser) and returns its `result`.
    @discardableResult
    func send(_ method: String, _ params: [String: Any] = [:], session: String? = nil, timeout: Double = 20) throws -> [String: Any] {
        nextID += 1
        let id = nextID
        var message: [String: Any] = ["id": id, "method": method, "params": params]
        if let session { message["sessionId"] = session }
        var bytes = [UInt8](try JSONSerialization.data(withJSONObject: message))
        bytes.append(0)
        try write(bytes)
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let reply = try readMessage(deadline: deadline, waitingFor: method)
            if reply["id"] as? Int == id {
                if let error = reply["error"] as? [String: Any] {
                    throw failure("\(method) failed: \(error["message"] as? String ?? "\(error)")")
                }
                return reply["result"] as? [String: Any] ?? [:]
            }
            record(event: reply)
        }
    }

    /// Opens `url` in the browser's first page; returns the session that commands to that page use.
    func open(_ url: String) throws -> String {
        let targets = try send("Target.getTargets")["targetInfos"] as? [[String: Any]] ?? []
        guard let page = targets.first(where: { $0["type"] as? String == "page" })?["targetId"] as? String else {
            throw failure("the browser has no page")
        }
        guard let session = try send("Target.attachToTarget", ["targetId": page, "flatten": true])["sessionId"] as? String else {
            throw failure("Target.attachToTarget returned no session")
        }
        try send("Runtime.enable", session: session)
        try send("Page.enable", session: session)
        loaded = false
        let navigation = try send("Page.navigate", ["url": url], session: session)
        if let error = navigation["errorText"] as? String { throw failure("cannot open \(url): \(error)") }
        // Wait for the load event, so that the page's scripts are there when asked.
        let deadline = Date().addingTimeInterval(30)
        while !loaded { record(event: try readMessage(deadline: deadline, waitingFor: "Page.loadEventFired")) }
        return session
    }

    /// The value of a JavaScript expression in the page (returned by value, so JSON-compatible).
    func evaluate(_ expression: String, session: String) throws -> Any? {
        let result = try send("Runtime.evaluate", ["expression": expression, "returnByValue": true, "awaitPromise": true],
                              session: session)
        if let exception = result["exceptionDetails"] as? [String: Any] {
            throw failure("the page threw: \(exception["text"] as? String ?? "\(exception)")")
        }
        return (result["result"] as? [String: Any])?["value"]
    }

    /// A PNG of the whole page (not only the window), at most 4,000 pixels high.
    func screenshot(session: String) throws -> Data {
        let metrics = try send("Page.getLayoutMetrics", session: session)
        let size = metrics["cssContentSize"] as? [String: Any] ?? [:]
        let width = (size["width"] as? Double) ?? 1280, height = min((size["height"] as? Double) ?? 900, 4000)
        let result = try send("Page.captureScreenshot", [
            "format": "png", "captureBeyondViewport": true,
            "clip": ["x": 0, "y": 0, "width": width, "height": height, "scale": 1],
        ], session: session, timeout: 30)
        guard let base64 = result["data"] as? String, let data = Data(base64Encoded: base64) else {
            throw failure("Page.captureScreenshot returned no image")
        }
        return data
    }

    /// Ends the browser: `Browser.close`, then SIGKILL to its process group when it has not exited
    /// within 5 s; removes the throwaway profile. Safe to call more than once.
    func close() {
        #if canImport(Glibc)
        if running {
            if let bytes = try? JSONSerialization.data(withJSONObject: ["id": 1_000_000, "method": "Browser.close", "params": [:]]) {
                try? write([UInt8](bytes) + [0])
            }
            var status: Int32 = 0
            let deadline = Date().addingTimeInterval(5)
            var exited = false
            while Date() < deadline {
                if waitpid(pid, &status, WNOHANG) == pid { exited = true; break }
                usleep(50_000)
            }
            // The group's id stays reserved while any member lives, so this reaches only our browser's processes.
            kill(-pid, SIGKILL)
            if !exited { waitpid(pid, &status, 0) }
            running = false
        }
        if commandFD >= 0 { Glibc.close(commandFD); commandFD = -1 }
        if eventFD >= 0 { Glibc.close(eventFD); eventFD = -1 }
        #endif
        try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: userDataDirectory).deletingLastPathComponent().path)
    }

    /// The last lines the browser wrote to standard output and error.
    func logTail(lines: Int = 30) -> String {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    // MARK: Plumbing

    private func failure(_ message: String) -> Failure { Failure(message: message, log: logTail()) }

    private func record(event: [String: Any]) {
        let params = event["params"] as? [String: Any] ?? [:]
        switch event["method"] as? String {
        case "Page.loadEventFired":
            loaded = true
        case "Runtime.consoleAPICalled":
            let args = (params["args"] as? [[String: Any]] ?? []).map { arg in
                arg["value"].map { "\($0)" } ?? (arg["description"] as? String ?? "?")
            }
            console.append("console.\(params["type"] as? String ?? "log"): \(args.joined(separator: " "))")
        case "Runtime.exceptionThrown":
            let details = params["exceptionDetails"] as? [String: Any] ?? [:]
            let exception = (details["exception"] as? [String: Any])?["description"] as? String
            console.append("exception: \(exception ?? details["text"] as? String ?? "?")")
        default:
            break
        }
    }

    private func write(_ bytes: [UInt8]) throws {
        #if canImport(Glibc)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(commandFD, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw failure("cannot write to the browser (errno \(errno)); it has probably exited")
            }
            offset += n
        }
        #endif
    }

    private func readMessage(deadline: Date, waitingFor method: String) throws -> [String: Any] {
        #if canImport(Glibc)
        while true {
            if let end = buffer.firstIndex(of: 0) {
                let message = Data(buffer[..<end])
                buffer.removeSubrange(...end)
                guard let object = try JSONSerialization.jsonObject(with: message) as? [String: Any] else {
                    throw failure("the browser sent a message that is not a JSON object")
                }
                return object
            }
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { throw failure("no answer to \(method) in time") }
            var descriptor = pollfd(fd: eventFD, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, Int32(min(remaining, 3600) * 1000) + 1)
            if ready < 0 {
                if errno == EINTR { continue }
                throw failure("poll() failed: errno \(errno)")
            }
            if ready == 0 { continue }
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            let n = chunk.withUnsafeMutableBytes { Glibc.read(eventFD, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw failure("the browser closed its DevTools pipe (it exited) while waiting for \(method)") }
            buffer.append(contentsOf: chunk[..<n])
        }
        #else
        throw failure("driving Chromium is implemented for Linux only")
        #endif
    }
}

/// Runs blocking `body` on a new thread and returns its result, leaving the cooperative pool free.
func runOnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}
