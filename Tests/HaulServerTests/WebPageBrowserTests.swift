import Foundation
import HaulJobs
@testable import HaulServer
import Logging
import ServiceLifecycle
import XCTest

/// The web page in a real browser against a real server: headless Chromium opens
/// `/#token=...&example=routing-small&submit=1`, the page loads the example, submits it, polls the
/// job and inserts the plan picture. A screenshot of the result is kept as a test artefact in
/// `$HAUL_TEST_ARTIFACTS/web-page.png` (default `.build/test-artifacts/web-page.png`).
///
/// Without Chromium the test is skipped, unless `CI` is set: there it fails, so that CI cannot
/// pass without running it (`Scripts/install-deps.sh` installs Debian's `chromium`).
final class WebPageBrowserTests: XCTestCase {
    /// What the page shows at the end, read in the browser.
    struct PageState: Codable, Sendable {
        var status: String
        var jobID: String
        var pictures: Int
        var routes: Int
        var error: String
        var hash: String
        var planDownload: String
        var best: String
    }

    struct Outcome: Sendable {
        var state: PageState?
        var dom: String
        var screenshot: Data?
        var console: [String]
        var commandLine: [String]
        var log: String
    }

    /// The page's state as JSON, or null while the page is not there yet.
    static let stateScript = """
        (() => {
          try {
            return JSON.stringify({
              status: document.getElementById('job-status').textContent,
              jobID: document.getElementById('job-id').textContent,
              pictures: document.querySelectorAll('#plan-picture > svg').length,
              routes: document.querySelectorAll('#plan-picture svg .route').length,
              error: document.getElementById('error').hidden ? '' : document.getElementById('error').innerText,
              hash: location.hash,
              planDownload: document.getElementById('download-plan').href,
              best: document.getElementById('job-best').textContent
            });
          } catch (e) {
            return null;
          }
        })()
        """

    /// The browser binary, or a skip (a failure when `CI` is set) when there is none.
    private func requireChromium() throws -> String? {
        if let chromium = HeadlessChromium.executable() { return chromium }
        let message = "chromium is not installed (apt-get install chromium, or set HAUL_CHROMIUM to a Chromium binary)"
        if ProcessInfo.processInfo.environment["CI"] != nil {
            XCTFail("\(message); CI must run the browser test (Scripts/install-deps.sh --tests installs chromium)")
            return nil
        }
        throw XCTSkip("\(message): the browser test of the web page is skipped")
    }

    /// Serves the API as `haul serve --host 127.0.0.1 --port 0 --workers 1` would, on a fresh
    /// SQLite store, opens `/` + `fragment` in Chromium and drives it with ``drive(chromium:url:within:)``;
    /// returns what the page showed and the tenant `acme`'s jobs.
    private func runPage(chromium: String, tokens: TokenRegistry, fragment: String) async throws -> (Outcome, [JobRecord]) {
        let path = Fixture.tempStorePath()
        defer { Fixture.removeStore(path) }
        let store = try SQLiteJobStore(path: path)
        let service = HaulService(configuration: ServiceConfiguration(host: "127.0.0.1", port: 0, tokens: tokens),
                                  store: store, logger: Fixture.logger)
        let workers = WorkerPoolService(pool: JobWorkerPool(store: service.store, configuration: Fixture.workers(concurrency: 1),
                                                            logger: Fixture.logger))
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        let app = service.buildApplication(services: [workers], onRunning: { portSink.yield($0) })
        let group = ServiceGroup(configuration: .init(services: [app], logger: Fixture.logger))
        do {
            let outcome = try await withThrowingTaskGroup(of: Outcome?.self) { tasks in
                tasks.addTask { try await group.run(); return nil }
                do {
                    let port = try await Self.first(of: ports, within: 30)
                    let url = "http://127.0.0.1:\(port)/\(fragment)"
                    let result = try await runOnThread { try Self.drive(chromium: chromium, url: url, within: 90) }
                    await group.triggerGracefulShutdown()
                    try await tasks.waitForAll()
                    return result
                } catch {
                    await group.triggerGracefulShutdown()
                    throw error
                }
            }
            let jobs = try await store.list(JobQuery(tenant: "acme", limit: 10)).jobs
            await store.close()
            return (outcome, jobs)
        } catch {
            await store.close()
            throw error
        }
    }

    func testSubmittingAnExampleThroughThePageShowsThePlanPicture() async throws {
        guard let chromium = try requireChromium() else { return }
        let (outcome, jobs) = try await runPage(chromium: chromium, tokens: try Fixture.registry(),
                                                fragment: "#token=acme-token&example=routing-small&submit=1")

        let artefact = Self.artefactDirectory().appendingPathComponent("web-page.png")
        if let png = outcome.screenshot {
            try FileManager.default.createDirectory(at: artefact.deletingLastPathComponent(), withIntermediateDirectories: true)
            try png.write(to: artefact)
            XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "the screenshot is not a PNG")
            print("web page screenshot: \(artefact.path)")
        }
        let diagnostics = "console: \(outcome.console.joined(separator: "\n"))\nchromium: \(outcome.commandLine.joined(separator: " "))\n\(outcome.log)"
        let state = try XCTUnwrap(outcome.state, "the page never answered; \(diagnostics)")

        // The job the page submitted is the tenant's only job, and it succeeded.
        XCTAssertEqual(jobs.count, 1, "the page should submit exactly one job")
        let job = try XCTUnwrap(jobs.first)
        XCTAssertEqual(job.kind, "routing")
        XCTAssertEqual(job.status, .succeeded, "job \(job.id): \(job.error ?? "")")

        XCTAssertEqual(state.error, "", "the page shows an error; \(diagnostics)")
        XCTAssertEqual(state.status, "succeeded", diagnostics)
        XCTAssertEqual(state.jobID, job.id)
        XCTAssertEqual(state.pictures, 1, "the plan picture is not in the page; \(diagnostics)")
        XCTAssertGreaterThan(state.routes, 0, "the picture draws no routes")
        XCTAssertNotNil(Double(state.best), "the best objective shown is not a number: \(state.best)")
        XCTAssertEqual(state.hash, "#job=\(job.id)", "the token must leave the address; the job id takes its place")
        XCTAssertTrue(state.planDownload.hasPrefix("blob:"), "the plan download is not a blob URL: \(state.planDownload)")
        XCTAssertTrue(outcome.dom.contains("<svg"), "the page's DOM has no inline SVG")
        XCTAssertTrue(outcome.dom.contains(job.id))
        XCTAssertFalse(outcome.dom.contains("acme-token"), "the token must not end up in the page's markup")
        XCTAssertFalse(outcome.console.contains { $0.hasPrefix("exception") }, "the page threw: \(outcome.console)")
    }

    /// A server without tenant tokens answers every `/v1` request `401`: the page says so, with
    /// the server's JSON error as it came, and submits nothing.
    func testWithoutTokensThePageShowsTheServersErrorVerbatim() async throws {
        guard let chromium = try requireChromium() else { return }
        let (outcome, jobs) = try await runPage(chromium: chromium, tokens: TokenRegistry(),
                                                fragment: "#example=allocation-small&submit=1")
        let diagnostics = "console: \(outcome.console.joined(separator: "\n"))\n\(outcome.log)"
        let state = try XCTUnwrap(outcome.state, "the page never answered; \(diagnostics)")
        XCTAssertEqual(jobs.count, 0)
        XCTAssertEqual(state.pictures, 0)
        XCTAssertTrue(state.error.contains("POST /v1/jobs: HTTP 401"), state.error)
        // The body exactly as the server sent it, and a hint what to do.
        let body = String(APIError.unauthorized.body)
        XCTAssertTrue(state.error.contains(body), "expected the verbatim body \(body) in: \(state.error)")
        XCTAssertTrue(state.error.contains("This server needs an API token"), state.error)
    }

    /// Opens `url`, waits until the plan picture appears or the job ends without one (at most
    /// `seconds`), then reads the page, its DOM and a screenshot; the browser is closed whatever happens.
    static func drive(chromium: String, url: String, within seconds: Double) throws -> Outcome {
        let browser = try HeadlessChromium(executable: chromium, width: 1280, height: 900)
        defer { browser.close() }
        let session = try browser.open(url)
        let deadline = Date().addingTimeInterval(seconds)
        var state: PageState?
        while Date() < deadline {
            if let text = try browser.evaluate(stateScript, session: session) as? String {
                state = try JSONDecoder().decode(PageState.self, from: Data(text.utf8))
                // Done: the picture is there, the job ended without one, or an error is shown with no job running.
                if let s = state, s.pictures > 0 || ["failed", "cancelled"].contains(s.status)
                    || (!s.error.isEmpty && (s.jobID.isEmpty || s.status == "succeeded")) {
                    break
                }
            }
            usleep(250_000)
        }
        let dom = try browser.evaluate("document.documentElement.outerHTML", session: session) as? String ?? ""
        let screenshot = try? browser.screenshot(session: session)
        return Outcome(state: state, dom: dom, screenshot: screenshot, console: browser.console,
                       commandLine: browser.commandLine, log: browser.logTail())
    }

    /// `HAUL_TEST_ARTIFACTS`, else `.build/test-artifacts` in the repository.
    static func artefactDirectory() -> URL {
        if let given = ProcessInfo.processInfo.environment["HAUL_TEST_ARTIFACTS"], !given.isEmpty {
            return URL(fileURLWithPath: given)
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/test-artifacts")
    }

    struct Timeout: Error, CustomStringConvertible {
        var description: String
    }

    /// The first value of `stream`, or ``Timeout`` after `seconds`.
    static func first(of stream: AsyncStream<Int>, within seconds: Double) async throws -> Int {
        try await withThrowingTaskGroup(of: Int?.self) { tasks in
            tasks.addTask { for await value in stream { return value }; return nil }
            tasks.addTask { try await Task.sleep(for: .seconds(seconds)); throw Timeout(description: "the server did not start within \(seconds) s") }
            defer { tasks.cancelAll() }
            guard let value = try await tasks.next() ?? nil else { throw Timeout(description: "the server stopped before it listened") }
            return value
        }
    }
}
