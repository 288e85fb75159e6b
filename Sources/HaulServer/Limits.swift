import Foundation
import Haul
import HaulJobs
import Hummingbird
import Synchronization

/// Checks that a request carries JSON: `Content-Type: application/json` (parameters allowed, a
/// charset only if it is UTF-8), else `415 unsupported_media_type`.
func requireJSONContentType(_ request: Request) throws {
    let value = request.headers[.contentType] ?? ""
    let parts = value.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
    guard let type = parts.first, type == "application/json" else {
        throw APIError(.unsupportedMediaType, code: "unsupported_media_type",
                       message: "the body must be a problem document sent as Content-Type: application/json")
    }
    for parameter in parts.dropFirst() where parameter.hasPrefix("charset=") {
        let charset = parameter.dropFirst("charset=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        if charset != "utf-8" && charset != "utf8" {
            throw APIError(.unsupportedMediaType, code: "unsupported_media_type", message: "the body must be UTF-8 JSON")
        }
    }
}

/// Reads the whole body, refusing more than `limit` bytes (`413 body_too_large`) without buffering them.
func readBody(_ request: Request, limit: Int) async throws -> [UInt8] {
    let tooLarge = APIError(.contentTooLarge, code: "body_too_large", message: "the body is larger than \(limit) bytes")
    if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit { throw tooLarge }
    var bytes: [UInt8] = []
    for try await chunk in request.body {
        guard bytes.count + chunk.readableBytes <= limit else { throw tooLarge }
        bytes.append(contentsOf: chunk.readableBytesView)
    }
    return bytes
}

/// A problem document that passed every submission rule.
struct AcceptedProblem: Sendable {
    var document: ProblemDocument
    var entities: Int
}

/// Decodes and validates a problem document and applies the size and time-limit rules.
///
/// - Throws: ``APIError``: `400 empty_body`, `400 invalid_utf8`, `422 invalid_problem` (every issue
///   with its JSON path), `413 problem_too_large`, `422 time_limit_too_long`.
func acceptProblem(_ bytes: [UInt8], maxEntities: Int, maxTimeLimit: Double?) throws -> AcceptedProblem {
    guard bytes.contains(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) else {
        throw APIError(.badRequest, code: "empty_body", message: "the body is empty; send a problem document")
    }
    guard String(validating: bytes, as: UTF8.self) != nil else {
        throw APIError(.badRequest, code: "invalid_utf8", message: "the body is not valid UTF-8")
    }
    let document: ProblemDocument
    do {
        document = try ProblemDocument.decode(Data(bytes))
    } catch let error as InvalidProblemError {
        throw APIError.invalidProblem(error)
    }
    let entities = entityCount(document.problem)
    if entities > maxEntities {
        throw APIError(.contentTooLarge, code: "problem_too_large",
                       message: "the problem has \(entities) entities; the limit is \(maxEntities)",
                       details: [APIError.Detail(path: "", message: "entities (customers, depots, vehicles, orders, warehouses, items) must be <= \(maxEntities)")])
    }
    if let ceiling = maxTimeLimit, let asked = document.options.timeLimit, asked > ceiling {
        throw APIError(.unprocessableContent, code: "time_limit_too_long",
                       message: "options.timeLimit is \(asked) s; the limit is \(ceiling) s",
                       details: [APIError.Detail(path: "options.timeLimit", message: "must be <= \(ceiling)")])
    }
    return AcceptedProblem(document: document, entities: entities)
}

/// What the problem-size rule counts: customers, depots and vehicles (routing); orders and
/// warehouses (allocation); items and vehicles (loading). Saturates instead of overflowing.
func entityCount(_ problem: Problem) -> Int {
    func vehicles(_ counts: [Int]) -> Int {
        counts.reduce(0) { total, count in total > Int.max / 2 ? total : total + min(max(count, 0), Int.max / 4) }
    }
    switch problem {
    case let .routing(p): return p.customers.count + p.depots.count + vehicles(p.vehicleTypes.map(\.count))
    case let .allocation(p): return p.orders.count + p.warehouses.count
    case let .loading(p): return p.items.count + vehicles(p.vehicleTypes.map(\.count))
    }
}

/// The jobs-in-flight rule (`429 too_many_jobs_in_flight`), cheap at high submission rates.
///
/// Each tenant's count of queued and running jobs is counted up locally and re-read from the store
/// in the background at most every `maxAge` (one read at a time per tenant, so a burst of requests
/// never queues a burst of counts in front of the store's writes). A submission that would reach
/// the limit is refused only after a fresh read, so jobs that ended meanwhile never cause a wrong
/// refusal; several servers sharing a store may overshoot the limit by what they admit between reads.
final class InFlightGate: Sendable {
    private struct Entry {
        var count: Int
        var readAt: ContinuousClock.Instant
        var refreshing = false
        /// Admissions since the running refresh began (added to what it reads).
        var admittedSinceRefresh = 0
    }
    private let entries = Mutex<[String: Entry]>([:])
    let limit: Int
    let maxAge: Duration

    init(limit: Int, maxAge: Duration = .milliseconds(250)) {
        self.limit = limit
        self.maxAge = maxAge
    }

    /// Counts one more job in flight for `tenant`, or throws `429` when it has `limit` already.
    func admit(tenant: String, store: any JobStore) async throws {
        let now = ContinuousClock.now
        enum Decision { case admitted, admittedRefresh, checkStore }
        let decision = entries.withLock { table -> Decision in
            guard var entry = table[tenant], entry.count < limit else { return .checkStore }
            entry.count += 1
            entry.admittedSinceRefresh += 1
            var refresh = false
            if now - entry.readAt >= maxAge && !entry.refreshing {
                entry.refreshing = true
                entry.admittedSinceRefresh = 0
                refresh = true
            }
            table[tenant] = entry
            return refresh ? .admittedRefresh : .admitted
        }
        switch decision {
        case .admitted:
            return
        case .admittedRefresh:
            Task { await self.refresh(tenant: tenant, store: store) }
            return
        case .checkStore:
            let fresh = try await store.inFlightCount(tenant: tenant)
            let ok = entries.withLock { table -> Bool in
                var entry = table[tenant] ?? Entry(count: 0, readAt: now)
                entry.count = fresh < limit ? fresh + 1 : fresh
                entry.readAt = now
                table[tenant] = entry
                return fresh < limit
            }
            if !ok {
                throw APIError(.tooManyRequests, code: "too_many_jobs_in_flight",
                               message: "the tenant has \(limit) or more jobs queued or running; wait for some to finish",
                               headers: [.retryAfter: "1"])
            }
        }
    }

    private func refresh(tenant: String, store: any JobStore) async {
        let started = ContinuousClock.now
        let fresh = try? await store.inFlightCount(tenant: tenant)
        entries.withLock { table in
            guard var entry = table[tenant] else { return }
            if let fresh {
                entry.count = fresh + entry.admittedSinceRefresh
                entry.readAt = started
            }
            entry.refreshing = false
            entry.admittedSinceRefresh = 0
            table[tenant] = entry
        }
    }

    /// Takes back an admission that did not create a job (an idempotent replay or a failed submit).
    func undo(tenant: String) {
        entries.withLock { table in
            if var entry = table[tenant], entry.count > 0 {
                entry.count -= 1
                table[tenant] = entry
            }
        }
    }
}

/// Bounds the synchronous solves running at once; further requests wait in a bounded queue
/// (`503 solver_busy` beyond it).
final class SolveGate: Sendable {
    private struct State {
        var running = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
    }
    private let state = Mutex(State())
    let concurrency: Int
    let maxWaiting: Int

    init(concurrency: Int, maxWaiting: Int) {
        self.concurrency = max(1, concurrency)
        self.maxWaiting = max(0, maxWaiting)
    }

    /// Runs `body` once a slot is free.
    func run<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async throws {
        enum Decision { case go, wait, refuse }
        let decision = state.withLock { s -> Decision in
            if s.running < concurrency { s.running += 1; return .go }
            return s.waiters.count < maxWaiting ? .wait : .refuse
        }
        switch decision {
        case .go: return
        case .refuse:
            throw APIError(.serviceUnavailable, code: "solver_busy",
                           message: "too many synchronous solves are waiting; submit a job instead or retry later",
                           headers: [.retryAfter: "1"])
        case .wait:
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { s -> Bool in
                    if s.running < concurrency { s.running += 1; return true }
                    s.waiters.append(continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        }
    }

    private func release() {
        let next = state.withLock { s -> CheckedContinuation<Void, Never>? in
            if s.waiters.isEmpty { s.running -= 1; return nil }
            return s.waiters.removeFirst()   // the slot passes to the next waiter
        }
        next?.resume()
    }
}
