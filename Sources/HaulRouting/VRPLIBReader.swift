import Foundation
import HaulCore

/// Reads the VRPLIB family of routing benchmark files into a ``RoutingProblem``, and the `.sol`
/// files that come with them.
///
/// Supported: CVRPLIB `.vrp` files (CVRP, X, Augerat), the Solomon `.vrptw` files (`SCALE : 10`,
/// `FLOOR_2D`), CVRPLIB's VRPTW files (Gehring and Homberger) and PyVRP's dialect with a fleet per
/// depot (`VEHICLES_DEPOT_SECTION`, the multi-depot sets of Vidal et al.).
///
/// **Keywords.** Header lines are `KEYWORD : value`, `KEYWORD: value` or `KEYWORD value` (tabs or
/// spaces). Read: `NAME`, `COMMENT`, `TYPE`, `DIMENSION`, `CAPACITY`, `EDGE_WEIGHT_TYPE`
/// (`EUC_2D`, `CEIL_2D`, `FLOOR_2D`, `EXACT_2D`, `ATT`, `GEO`, `EXPLICIT`), `EDGE_WEIGHT_FORMAT`
/// (`FULL_MATRIX`, `LOWER_ROW`, `LOWER_DIAG_ROW`, `UPPER_ROW`, `UPPER_DIAG_ROW` and their `_COL`
/// twins), `SCALE`, `VEHICLES`, `SERVICE_TIME`, `DISTANCE`, `VEHICLES_MAX_DURATION`,
/// `VEHICLES_MAX_DISTANCE`, and the sections `NODE_COORD_SECTION`, `EDGE_WEIGHT_SECTION`,
/// `DEMAND_SECTION`, `DEPOT_SECTION` (one or more depots, ended by `-1`), `TIME_WINDOW_SECTION`,
/// `SERVICE_TIME_SECTION`, `VEHICLES_DEPOT_SECTION`, `CAPACITY_SECTION`,
/// `VEHICLES_FIXED_COST_SECTION` and `VEHICLES_UNIT_DISTANCE_COST_SECTION`. Other keywords and
/// sections (`DISPLAY_DATA_SECTION`, ...) are skipped; `EOF` ends the file.
///
/// **Distances.** With `SCALE : s` (default 1) a coordinate type computes `f(s * e) / s` from the
/// Euclidean distance `e`, where `f` is the type's rounding: nearest integer (`EUC_2D`), up
/// (`CEIL_2D`), down (`FLOOR_2D`: with `SCALE : 10` this is the DIMACS truncation to one decimal),
/// three decimals (`EXACT_2D`). `ATT` is TSPLIB's pseudo-Euclidean distance and `GEO` TSPLIB's
/// geographical distance in whole kilometres (both without `SCALE`); `EXPLICIT` matrices are used
/// as given. Travel times equal distances. The objective of a solved problem is therefore in the
/// file's own units, directly comparable with its `.sol` or best-known value. Some distributed
/// sets use a convention their header does not state; see ``DistanceConvention/automatic``.
///
/// **Ids.** Depots and customers keep the file's node numbers as ids (`"1"`, `"2"`, ...); `.sol`
/// files number nodes from 0, so ``VRPLIBSolution/Route/customers`` adds one.
///
/// **Fleet.** `VEHICLES` vehicles of capacity `CAPACITY`; without `VEHICLES` the fleet is
/// unlimited (one vehicle per customer). With per-vehicle sections each vehicle of the file is read
/// and consecutive identical vehicles form one vehicle type. Several depots need either an
/// unlimited fleet (each depot then gets one of its own) or a `VEHICLES_DEPOT_SECTION`.
/// `VEHICLES_MAX_DURATION`, else `DISTANCE` (the route length limit of Christofides et al.'s files,
/// which counts service times), becomes each vehicle type's `maxDuration`; `VEHICLES_MAX_DISTANCE`
/// its `maxDistance`. `SERVICE_TIME` applies to every customer unless `SERVICE_TIME_SECTION` says
/// otherwise; service times of depots are ignored.
///
/// Errors are ``FormatError``s with the line number; the problem returned always passes
/// ``RoutingProblem/validationIssues()``.
public enum VRPLIBReader {
    /// A malformed file: the line where reading stopped and what is wrong there.
    public struct FormatError: Error, CustomStringConvertible, Sendable, Equatable {
        /// 1-based line number.
        public var line: Int
        /// What is wrong.
        public var message: String

        /// Creates an error.
        public init(line: Int, message: String) {
            self.line = line
            self.message = message
        }

        public var description: String { "line \(line): \(message)" }
    }

    /// How distances are computed from the file.
    public enum DistanceConvention: String, Sendable, CaseIterable {
        /// The header's meaning, except for two distributed sets whose best-known values follow a
        /// convention their header does not state: `TYPE : VRPTW` with `EUC_2D` and no `SCALE`
        /// (CVRPLIB's Solomon and Gehring-Homberger files) uses ``dimacs``, and
        /// `TYPE : MDVRPTW` with `EUC_2D` and no `SCALE` (Vidal et al.'s multi-depot set in PyVRP's
        /// dialect) uses ``thousandths``.
        case automatic
        /// Exactly what `EDGE_WEIGHT_TYPE` and `SCALE` say, as described on ``VRPLIBReader``.
        case header
        /// DIMACS: Euclidean distance truncated to one decimal; times as given.
        case dimacs
        /// PyVRP's `exact` rounding: distances are `round(1000 * e)`, and every time (windows,
        /// service times, duration limits) and distance limit is multiplied by 1000 and rounded, so
        /// that the objective is an integer number of thousandths.
        case thousandths
    }

    /// Reading options.
    public struct Options: Sendable, Equatable {
        /// How distances are computed; default ``DistanceConvention/automatic``.
        public var convention: DistanceConvention
        /// Largest number of nodes for which a full matrix is built (coordinates whose convention
        /// the planar ``TravelModel`` cannot express, and `EXPLICIT` files). Default 5,000 (a
        /// matrix of 5,000 nodes takes 200 MB).
        public var maxMatrixNodes: Int

        /// Creates options.
        public init(convention: DistanceConvention = .automatic, maxMatrixNodes: Int = 5_000) {
            self.convention = convention
            self.maxMatrixNodes = maxMatrixNodes
        }
    }

    /// The header keywords that can start a VRPLIB file; used to recognise the format.
    public static let headerKeywords: Set<String> = [
        "NAME", "TYPE", "COMMENT", "DIMENSION", "CAPACITY", "EDGE_WEIGHT_TYPE", "EDGE_WEIGHT_FORMAT",
        "NODE_COORD_TYPE", "DISPLAY_DATA_TYPE", "VEHICLES", "SCALE", "SERVICE_TIME", "DISTANCE",
        "NODE_COORD_SECTION", "EDGE_WEIGHT_SECTION", "DEMAND_SECTION",
    ]

    /// Reads a VRPLIB file into a routing problem.
    ///
    /// - Throws: ``FormatError`` naming the line of the first problem found.
    public static func read(_ text: String, options: Options = Options()) throws -> RoutingProblem {
        try readInstance(text, options: options).problem
    }

    /// Reads a VRPLIB file: the routing problem and what the file says about it.
    ///
    /// - Throws: ``FormatError`` naming the line of the first problem found.
    public static func readInstance(_ text: String, options: Options = Options()) throws -> VRPLIBInstance {
        let file = try ParsedFile(text)
        return try InstanceBuilder(file: file, options: options).build()
    }

    /// Reads a `.sol` file: lines `Route #k: n1 n2 ...` (node numbers from 0, the depot excluded) and
    /// `Cost N` (or `Cost: N`). Other lines (`Time`, comments) are skipped.
    ///
    /// - Throws: ``FormatError`` for a malformed route or cost line, or a file without routes.
    public static func readSolution(_ text: String) throws -> VRPLIBSolution {
        var solution = VRPLIBSolution(routes: [], cost: nil)
        var seen = Set<Int>()
        for (index, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let lineNumber = index + 1
            let line = raw.trimmingCharacters(in: .whitespaces)
            let lower = line.lowercased()
            if lower.hasPrefix("route") {
                var rest = line.dropFirst(5).drop(while: { $0 == " " || $0 == "\t" })
                guard rest.first == "#" else {
                    throw FormatError(line: lineNumber, message: "a route line must read 'Route #k: nodes'")
                }
                rest = rest.dropFirst()
                guard let colon = rest.firstIndex(of: ":"),
                      let number = Int(rest[..<colon].trimmingCharacters(in: .whitespaces)), number >= 0 else {
                    throw FormatError(line: lineNumber, message: "a route line must read 'Route #k: nodes' with a route number k")
                }
                guard seen.insert(number).inserted else {
                    throw FormatError(line: lineNumber, message: "route #\(number) is listed twice")
                }
                var nodes: [Int] = []
                for token in rest[rest.index(after: colon)...].split(whereSeparator: { $0 == " " || $0 == "\t" }) {
                    guard let node = Int(token), node >= 0 else {
                        throw FormatError(line: lineNumber, message: "route #\(number): '\(token)' is not a node number")
                    }
                    nodes.append(node)
                }
                solution.routes.append(VRPLIBSolution.Route(number: number, nodes: nodes, line: lineNumber))
            } else if lower.hasPrefix("cost") {
                let value = line.dropFirst(4).drop(while: { $0 == " " || $0 == "\t" || $0 == ":" })
                    .trimmingCharacters(in: .whitespaces)
                guard let cost = Double(value), cost.isFinite else {
                    throw FormatError(line: lineNumber, message: "'\(value)' is not a cost")
                }
                guard solution.cost == nil else { throw FormatError(line: lineNumber, message: "a second Cost line") }
                solution.cost = cost
            }
        }
        if solution.routes.isEmpty {
            let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
            let last = lines.lastIndex { !$0.allSatisfy(\.isWhitespace) } ?? 0
            throw FormatError(line: last + 1, message: "no 'Route #k:' line found")
        }
        return solution
    }
}

/// A VRPLIB file as read: its routing problem and the facts of the file behind it.
public struct VRPLIBInstance: Sendable, Equatable {
    /// Which vehicle of the problem a vehicle of the file is.
    public struct VehicleSlot: Sendable, Equatable {
        /// Index into ``RoutingProblem/vehicleTypes``.
        public var type: Int
        /// Which vehicle of its type (0-based).
        public var ordinal: Int
    }

    /// `NAME`, or empty.
    public var name: String
    /// `TYPE` (e.g. `CVRP`, `VRPTW`), or empty.
    public var type: String
    /// `COMMENT`, or empty.
    public var comment: String
    /// `DIMENSION`: the number of nodes, depots included.
    public var dimension: Int
    /// `EDGE_WEIGHT_TYPE` as written.
    public var edgeWeightType: String
    /// The convention the distances were computed with (never ``VRPLIBReader/DistanceConvention/automatic``).
    public var convention: VRPLIBReader.DistanceConvention
    /// Factor applied to the file's times and distance limits (1000 with
    /// ``VRPLIBReader/DistanceConvention/thousandths``, else 1).
    public var timeScale: Double
    /// The problem, ready to solve.
    public var problem: RoutingProblem
    /// The vehicles of the file in order when it lists vehicles one by one (per-vehicle sections, or a
    /// single depot): `vehicles[k - 1]` is vehicle `k`, which a `.sol` file's `Route #k` uses.
    /// Empty when routes cannot be tied to vehicles (several depots, unlimited fleet).
    public var vehicles: [VehicleSlot]

    /// Recomputes the routes of a `.sol` file under this instance's distances and checks them with
    /// ``RoutingPlanAudit``: `Route #k` is driven by vehicle `k` (by any vehicle when the file has a
    /// single kind of vehicle). The result lists every violated constraint.
    public func evaluate(_ solution: VRPLIBSolution) -> RoutingPlanAudit.Result {
        var routes: [RoutingPlanAudit.Route] = []
        var problems: [String] = []
        let singleKind = problem.vehicleTypes.count == 1
        var nextOrdinal = 0
        for route in solution.routes where !route.nodes.isEmpty {
            let slot: VehicleSlot
            if singleKind && (vehicles.isEmpty || route.number < 1 || route.number > vehicles.count) {
                slot = VehicleSlot(type: 0, ordinal: nextOrdinal)
                nextOrdinal += 1
            } else if route.number >= 1 && route.number <= vehicles.count {
                slot = vehicles[route.number - 1]
            } else {
                problems.append("route #\(route.number) (line \(route.line)) matches no vehicle of the instance")
                continue
            }
            routes.append(RoutingPlanAudit.Route(vehicleType: slot.type, vehicle: slot.ordinal, customers: route.customers))
        }
        var result = RoutingPlanAudit.check(problem, routes: routes)
        result.violations = problems + result.violations
        return result
    }
}

/// The content of a `.sol` file.
public struct VRPLIBSolution: Sendable, Equatable {
    /// One `Route #k:` line.
    public struct Route: Sendable, Equatable {
        /// The route number `k`.
        public var number: Int
        /// Node numbers as written: from 0, so node `n` is line `n + 1` of the instance's sections.
        public var nodes: [Int]
        /// Line of the `.sol` file.
        public var line: Int
        /// The customers as ids of ``VRPLIBReader``'s problems (the instance's node numbers, `n + 1`).
        public var customers: [String] { nodes.map { String($0 + 1) } }
    }

    /// The routes in file order, empty ones included.
    public var routes: [Route]
    /// The `Cost` line's value, if there is one.
    public var cost: Double?
}

/// An independent check of routes against a ``RoutingProblem``: loads, time windows, shifts,
/// distance and duration limits, and every customer served exactly once, recomputed from the
/// problem's own locations and travel model without the solver's data structures.
public enum RoutingPlanAudit {
    /// A route to check.
    public struct Route: Sendable, Equatable {
        /// Index into ``RoutingProblem/vehicleTypes``.
        public var vehicleType: Int
        /// Which vehicle of its type (0-based).
        public var vehicle: Int
        /// Customer ids in visiting order.
        public var customers: [String]
        /// Departure time from the depot; `nil`: the latest departure that keeps every window,
        /// which makes the duration the shortest possible.
        public var departure: Double?

        /// Creates a route to check.
        public init(vehicleType: Int, vehicle: Int, customers: [String], departure: Double? = nil) {
            self.vehicleType = vehicleType
            self.vehicle = vehicle
            self.customers = customers
            self.departure = departure
        }
    }

    /// The outcome of a check.
    public struct Result: Sendable, Equatable {
        /// Fixed costs plus cost per distance over the non-empty routes.
        public var cost: Double
        /// Total distance.
        public var distance: Double
        /// Every broken rule; empty when the routes are a feasible solution serving every customer.
        public var violations: [String]
        /// True when nothing is violated.
        public var isFeasible: Bool { violations.isEmpty }
    }

    /// Relative tolerance of the comparisons.
    public static let tolerance = 1e-6

    static func exceeds(_ value: Double, _ bound: Double) -> Bool {
        value > bound + tolerance * max(1, abs(bound))
    }

    /// Checks `routes` against `problem`; customers missing from every route are violations.
    public static func check(_ problem: RoutingProblem, routes: [Route]) -> Result {
        var violations: [String] = []
        var customerIndex: [String: Int] = [:]
        for (i, c) in problem.customers.enumerated() where customerIndex[c.id] == nil { customerIndex[c.id] = i }
        var depotIndex: [String: Int] = [:]
        for (i, d) in problem.depots.enumerated() where depotIndex[d.id] == nil { depotIndex[d.id] = i }
        var visits = [Int](repeating: 0, count: problem.customers.count)
        var used = Set<[Int]>()
        var cost = 0.0
        var totalDistance = 0.0
        for route in routes {
            guard route.vehicleType >= 0 && route.vehicleType < problem.vehicleTypes.count else {
                violations.append("vehicle type \(route.vehicleType) does not exist")
                continue
            }
            let type = problem.vehicleTypes[route.vehicleType]
            let name = "\(type.id)#\(route.vehicle)"
            if route.vehicle < 0 || route.vehicle >= type.count { violations.append("\(name): the type has \(type.count) vehicles") }
            if !used.insert([route.vehicleType, route.vehicle]).inserted { violations.append("\(name) drives two routes") }
            guard !route.customers.isEmpty else { continue }
            let start: Int?, end: Int?
            if let d = type.depot { start = depotIndex[d] } else { start = problem.depots.isEmpty ? nil : 0 }
            if let d = type.endDepot { end = depotIndex[d] } else { end = start }
            guard let start, let end else {
                violations.append("\(name): unknown depot")
                continue
            }
            var stops: [Customer] = []
            for id in route.customers {
                if let i = customerIndex[id] {
                    visits[i] += 1
                    stops.append(problem.customers[i])
                } else {
                    violations.append("\(name): '\(id)' is not a customer")
                }
            }
            let startDepot = problem.depots[start], endDepot = problem.depots[end]
            // Load.
            var load = [Double](repeating: 0, count: type.capacity.count)
            for c in stops { for k in load.indices where k < c.demand.count { load[k] += c.demand[k] } }
            for k in load.indices where exceeds(load[k], type.capacity[k]) {
                violations.append("\(name): load \(load[k]) exceeds capacity \(type.capacity[k])")
            }
            // Distance, and the travel time from departure to each arrival without waiting.
            let path = [startDepot.location] + stops.map(\.location) + [endDepot.location]
            var distance = 0.0
            var noWait: [Double] = []
            var elapsed = 0.0
            for k in 0..<(path.count - 1) {
                distance += problem.travel.distance(path[k], path[k + 1])
                elapsed += problem.travel.duration(path[k], path[k + 1])
                if k < stops.count { noWait.append(elapsed); elapsed += stops[k].serviceTime }
            }
            if let m = type.maxDistance, exceeds(distance, m) { violations.append("\(name): distance \(distance) exceeds \(m)") }
            // Schedule.
            let opens = max(type.shift?.start ?? -.infinity, startDepot.timeWindow?.start ?? -.infinity)
            let earliest = opens.isFinite ? opens : 0
            let latestDeparture = min(type.shift?.end ?? .infinity, startDepot.timeWindow?.end ?? .infinity)
            let latestReturn = min(type.shift?.end ?? .infinity, endDepot.timeWindow?.end ?? .infinity)
            var departure: Double
            if let given = route.departure {
                departure = given
                if given < earliest - tolerance * max(1, abs(earliest)) { violations.append("\(name): departs at \(given) before \(earliest)") }
            } else {
                // Departing later only removes waiting, as long as every window and the return still hold.
                var latest = min(latestDeparture, latestReturn - elapsed)
                for (k, c) in stops.enumerated() { latest = min(latest, (c.timeWindow?.end ?? .infinity) - noWait[k]) }
                departure = latest.isFinite ? max(earliest, latest) : earliest
            }
            if exceeds(departure, latestDeparture) { violations.append("\(name): departs at \(departure) after \(latestDeparture)") }
            var time = departure
            var at = startDepot.location
            for c in stops {
                time = max(time + problem.travel.duration(at, c.location), c.timeWindow?.start ?? -.infinity)
                if let w = c.timeWindow, exceeds(time, w.end) { violations.append("\(name): service at \(c.id) starts at \(time) after \(w.end)") }
                time += c.serviceTime
                at = c.location
            }
            time += problem.travel.duration(at, endDepot.location)
            if exceeds(time, latestReturn) { violations.append("\(name): back at \(time) after \(latestReturn)") }
            if let m = type.maxDuration, exceeds(time - departure, m) {
                violations.append("\(name): duration \(time - departure) exceeds \(m)")
            }
            totalDistance += distance
            cost += type.fixedCost + type.costPerDistance * distance
        }
        for (i, n) in visits.enumerated() where n != 1 {
            violations.append(n == 0 ? "customer \(problem.customers[i].id) is not served" : "customer \(problem.customers[i].id) is served \(n) times")
        }
        return Result(cost: cost, distance: totalDistance, violations: violations)
    }
}

// MARK: - Tokenising

/// A VRPLIB file split into header values and sections of numbers, with line numbers.
struct ParsedFile {
    struct Value { var text: String; var line: Int }
    struct Row { var line: Int; var values: [Double] }
    struct Section { var line: Int; var rows: [Row] }

    var header: [String: Value] = [:]
    var sections: [String: Section] = [:]
    /// EDGE_WEIGHT_SECTION's numbers, flat, and for each line of it the index of its first number.
    var weights: [Double] = []
    var weightLines: [(firstValue: Int, line: Int)] = []
    var weightSectionLine: Int?
    var lastLine = 1

    /// Sections whose rows are read; others are skipped.
    static let tableSections: Set<String> = [
        "NODE_COORD_SECTION", "DEMAND_SECTION", "DEPOT_SECTION", "TIME_WINDOW_SECTION", "SERVICE_TIME_SECTION",
        "VEHICLES_DEPOT_SECTION", "CAPACITY_SECTION", "VEHICLES_FIXED_COST_SECTION", "VEHICLES_UNIT_DISTANCE_COST_SECTION",
    ]

    init(_ text: String) throws {
        var text = text
        let bytes: [UInt8] = text.withUTF8 { Array($0) }
        enum Mode { case none, table(String), weights, skip }
        var mode = Mode.none
        var lineNumber = 0
        var lineStart = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        while lineStart <= bytes.count {
            lineNumber += 1
            var lineEnd = lineStart
            while lineEnd < bytes.count && bytes[lineEnd] != 0x0A && bytes[lineEnd] != 0x0D { lineEnd += 1 }
            defer {
                // "\r\n" is one line break.
                var next = lineEnd + 1
                if lineEnd < bytes.count && bytes[lineEnd] == 0x0D && next < bytes.count && bytes[next] == 0x0A { next += 1 }
                lineStart = next
            }
            var i = lineStart
            while i < lineEnd && Self.isSpace(bytes[i]) { i += 1 }
            if i == lineEnd { continue }
            lastLine = lineNumber
            if Self.isLetter(bytes[i]) {
                // A keyword line.
                var k = i
                while k < lineEnd && (Self.isLetter(bytes[k]) || Self.isDigit(bytes[k]) || bytes[k] == 0x5F) { k += 1 }
                let keyword = String(decoding: bytes[i..<k], as: UTF8.self).uppercased()
                var v = k
                while v < lineEnd && Self.isSpace(bytes[v]) { v += 1 }
                if v < lineEnd && bytes[v] == 0x3A { v += 1 }
                var e = lineEnd
                while e > v && Self.isSpace(bytes[e - 1]) { e -= 1 }
                while v < e && Self.isSpace(bytes[v]) { v += 1 }
                let value = String(decoding: bytes[v..<e], as: UTF8.self)
                if keyword == "EOF" { break }
                if keyword.hasSuffix("_SECTION") {
                    if sections[keyword] != nil || (keyword == "EDGE_WEIGHT_SECTION" && weightSectionLine != nil) {
                        throw VRPLIBReader.FormatError(line: lineNumber, message: "\(keyword) appears twice")
                    }
                    if keyword == "EDGE_WEIGHT_SECTION" {
                        mode = .weights
                        weightSectionLine = lineNumber
                    } else if Self.tableSections.contains(keyword) {
                        mode = .table(keyword)
                        sections[keyword] = Section(line: lineNumber, rows: [])
                    } else {
                        mode = .skip
                    }
                    if !value.isEmpty && !(Self.isDigit(bytes[v]) || bytes[v] == 0x2D) {
                        throw VRPLIBReader.FormatError(line: lineNumber, message: "unexpected text '\(value)' after \(keyword)")
                    }
                    if value.isEmpty { continue }
                    // Numbers on the section's own line: read them as its first row.
                    i = v
                } else {
                    if keyword == "COMMENT", let first = header[keyword] {
                        header[keyword] = Value(text: first.text + " " + value, line: first.line)
                        mode = .none
                        continue
                    }
                    if let first = header[keyword] {
                        throw VRPLIBReader.FormatError(line: lineNumber, message: "\(keyword) appears twice (first on line \(first.line))")
                    }
                    header[keyword] = Value(text: value, line: lineNumber)
                    mode = .none
                    continue
                }
            }
            // A data line.
            switch mode {
            case .none:
                let b = bytes[i]
                if !(Self.isDigit(b) || b == 0x2D || b == 0x2B || b == 0x2E) {
                    let shown = String(decoding: bytes[i..<min(lineEnd, i + 30)], as: UTF8.self)
                    throw VRPLIBReader.FormatError(line: lineNumber, message: "'\(shown)' is neither a 'KEYWORD : value' line nor a line of numbers")
                }
                throw VRPLIBReader.FormatError(line: lineNumber, message: "numbers outside any section (a line such as NODE_COORD_SECTION must come first)")
            case .skip:
                continue
            case .weights:
                weightLines.append((weights.count, lineNumber))
                try Self.numbers(bytes, from: i, to: lineEnd, line: lineNumber, section: "EDGE_WEIGHT_SECTION", into: &weights)
            case let .table(name):
                var values: [Double] = []
                try Self.numbers(bytes, from: i, to: lineEnd, line: lineNumber, section: name, into: &values)
                sections[name]!.rows.append(Row(line: lineNumber, values: values))
            }
        }
    }

    @inline(__always) static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0B || b == 0x0C }
    @inline(__always) static func isLetter(_ b: UInt8) -> Bool { (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) }
    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    /// Appends the numbers of `bytes[from..<to]` (separated by spaces or tabs) to `out`.
    static func numbers(_ bytes: [UInt8], from: Int, to: Int, line: Int, section: String, into out: inout [Double]) throws {
        var i = from
        while i < to {
            while i < to && isSpace(bytes[i]) { i += 1 }
            if i == to { break }
            var e = i
            while e < to && !isSpace(bytes[e]) { e += 1 }
            out.append(try number(bytes, i, e, line: line, section: section))
            i = e
        }
    }

    static func number(_ bytes: [UInt8], _ start: Int, _ end: Int, line: Int, section: String) throws -> Double {
        // Fast path: an optional minus sign and up to 15 digits.
        var i = start
        let negative = bytes[i] == 0x2D
        if negative { i += 1 }
        if i < end && end - i <= 15 {
            var value = 0.0
            var k = i
            while k < end && isDigit(bytes[k]) {
                value = value * 10 + Double(bytes[k] - 0x30)
                k += 1
            }
            if k == end { return negative ? -value : value }
        }
        let token = String(decoding: bytes[start..<end], as: UTF8.self)
        // Only plain decimal notation: no "inf", "nan" or hexadecimal numbers.
        let allowed = token.utf8.allSatisfy { isDigit($0) || $0 == 0x2D || $0 == 0x2B || $0 == 0x2E || $0 == 0x65 || $0 == 0x45 }
        guard allowed, let value = Double(token), value.isFinite else {
            throw VRPLIBReader.FormatError(line: line, message: "\(section): '\(token)' is not a number")
        }
        return value
    }

    /// The line of the `index`-th number of EDGE_WEIGHT_SECTION.
    func weightLine(of index: Int) -> Int {
        var low = 0, high = weightLines.count - 1
        guard high >= 0 else { return weightSectionLine ?? lastLine }
        while low < high {
            let mid = (low + high + 1) / 2
            if weightLines[mid].firstValue <= index { low = mid } else { high = mid - 1 }
        }
        return weightLines[low].line
    }
}

// MARK: - Building the problem

/// Turns a parsed file into a ``VRPLIBInstance``.
struct InstanceBuilder {
    typealias FormatError = VRPLIBReader.FormatError
    let file: ParsedFile
    let options: VRPLIBReader.Options

    /// Coordinates beyond this magnitude would overflow squared distances.
    static let coordinateLimit = 1e15
    static let dimensionLimit = 1_000_000

    enum Metric {
        case euclidean(rounding: Rounding, scale: Double)
        case att(scale: Double)
        case geo
        case explicit
    }
    enum Rounding { case nearest, up, down, threeDecimals, thousandths }

    /// A number as written in messages: integers without a decimal point.
    func show(_ v: Double) -> String {
        v == v.rounded() && v.magnitude < 1e15 ? String(Int(v)) : String(v)
    }

    func headerLine(_ key: String) -> Int { file.header[key]?.line ?? 1 }

    func text(_ key: String) -> String? { file.header[key]?.text }

    func number(_ key: String, positive: Bool = false) throws -> Double? {
        guard let v = file.header[key] else { return nil }
        let first = v.text.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map(String.init) ?? ""
        guard let x = Double(first), x.isFinite, x.magnitude < 1e15, positive ? x > 0 : x >= 0 else {
            throw FormatError(line: v.line, message: "\(key) must be a \(positive ? "positive" : "non-negative") number, found '\(v.text)'")
        }
        return x
    }

    func integer(_ key: String, minimum: Int, maximum: Int) throws -> Int? {
        guard let v = file.header[key] else { return nil }
        guard let x = Int(v.text.split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? ""), x >= minimum, x <= maximum else {
            throw FormatError(line: v.line, message: "\(key) must be an integer between \(minimum) and \(maximum), found '\(v.text)'")
        }
        return x
    }

    /// An integer id from a table row, within 1...count.
    func id(_ value: Double, row: ParsedFile.Row, section: String, count: Int, what: String) throws -> Int {
        guard let k = Int(exactly: value), k >= 1, k <= count else {
            throw FormatError(line: row.line, message: "\(section): \(what) \(show(value)) is not between 1 and \(count)")
        }
        return k
    }

    /// A section with one row per node (or vehicle) `1...count`, each with `width` numbers after the id.
    func table(_ name: String, width: Int, count: Int, what: String = "node") throws -> (values: [[Double]], lines: [Int])? {
        guard let section = file.sections[name] else { return nil }
        var values = [[Double]](repeating: [], count: count)
        var lines = [Int](repeating: 0, count: count)
        for row in section.rows {
            guard row.values.count == width + 1 else {
                throw FormatError(line: row.line, message: "\(name): expected \(width + 1) numbers (\(what) id and \(width == 1 ? "a value" : "\(width) values")), found \(row.values.count)")
            }
            let k = try id(row.values[0], row: row, section: name, count: count, what: what)
            guard lines[k - 1] == 0 else {
                throw FormatError(line: row.line, message: "\(name): \(what) \(k) is listed twice (first on line \(lines[k - 1]))")
            }
            values[k - 1] = Array(row.values[1...])
            lines[k - 1] = row.line
        }
        if let missing = lines.firstIndex(of: 0) {
            throw FormatError(line: section.line, message: "\(name) has no line for \(what) \(missing + 1) (\(section.rows.count) of \(count) listed)")
        }
        return (values, lines)
    }

    func build() throws -> VRPLIBInstance {
        let lastLine = file.lastLine
        guard let n = try integer("DIMENSION", minimum: 1, maximum: Self.dimensionLimit) else {
            throw FormatError(line: 1, message: "the header has no DIMENSION")
        }
        let problemType = (text("TYPE") ?? "").uppercased()
        let edgeWeightType = (text("EDGE_WEIGHT_TYPE") ?? (file.weightSectionLine != nil ? "EXPLICIT" : "")).uppercased()
        if edgeWeightType.isEmpty { throw FormatError(line: 1, message: "the header has no EDGE_WEIGHT_TYPE") }
        let scaleGiven = try number("SCALE", positive: true)
        let scale = scaleGiven ?? 1

        // Depots.
        var depots: [Int] = []
        if let section = file.sections["DEPOT_SECTION"] {
            var ended = false
            for row in section.rows {
                if ended { throw FormatError(line: row.line, message: "DEPOT_SECTION: data after the -1 that ends it") }
                guard row.values.count == 1 else {
                    throw FormatError(line: row.line, message: "DEPOT_SECTION: expected one depot node number per line, found \(row.values.count) numbers")
                }
                if row.values[0] == -1 { ended = true; continue }
                let d = try id(row.values[0], row: row, section: "DEPOT_SECTION", count: n, what: "depot")
                if depots.contains(d) { throw FormatError(line: row.line, message: "DEPOT_SECTION: depot \(d) is listed twice") }
                depots.append(d)
            }
            if depots.isEmpty { throw FormatError(line: section.line, message: "DEPOT_SECTION lists no depot") }
        } else {
            depots = [1]  // VRPLIB's default: node 1 is the depot.
        }
        var isDepot = [Bool](repeating: false, count: n + 1)
        for d in depots { isDepot[d] = true }
        let customerNodes = (1...n).filter { !isDepot[$0] }

        // Distance convention.
        var convention = options.convention
        if convention == .automatic {
            convention = .header
            if edgeWeightType == "EUC_2D" && scaleGiven == nil {
                if problemType == "VRPTW" { convention = .dimacs }
                if problemType == "MDVRPTW" { convention = .thousandths }
            }
        }
        let metric: Metric
        switch convention {
        case .dimacs: metric = .euclidean(rounding: .down, scale: 10)
        case .thousandths: metric = .euclidean(rounding: .thousandths, scale: 1)
        default:
            switch edgeWeightType {
            case "EUC_2D": metric = .euclidean(rounding: .nearest, scale: scale)
            case "CEIL_2D": metric = .euclidean(rounding: .up, scale: scale)
            case "FLOOR_2D": metric = .euclidean(rounding: .down, scale: scale)
            case "EXACT_2D": metric = .euclidean(rounding: .threeDecimals, scale: scale)
            case "ATT": metric = .att(scale: scale)
            case "GEO": metric = .geo
            case "EXPLICIT": metric = .explicit
            default:
                throw FormatError(line: headerLine("EDGE_WEIGHT_TYPE"),
                                  message: "EDGE_WEIGHT_TYPE \(edgeWeightType) is not supported (EUC_2D, CEIL_2D, FLOOR_2D, EXACT_2D, ATT, GEO, EXPLICIT)")
            }
        }
        let timeScale = convention == .thousandths ? 1000.0 : 1.0
        func scaledTime(_ t: Double) -> Double { timeScale == 1 ? t : (t * timeScale).rounded() }

        if let line = file.weightSectionLine, edgeWeightType != "EXPLICIT" {
            throw FormatError(line: line, message: "EDGE_WEIGHT_SECTION given but EDGE_WEIGHT_TYPE is \(edgeWeightType), not EXPLICIT")
        }
        // Coordinates.
        var coordinates: [(x: Double, y: Double)] = []
        if let (rows, lines) = try table("NODE_COORD_SECTION", width: 2, count: n) {
            for (k, r) in rows.enumerated() {
                guard r[0].magnitude <= Self.coordinateLimit && r[1].magnitude <= Self.coordinateLimit else {
                    throw FormatError(line: lines[k], message: "NODE_COORD_SECTION: coordinates of node \(k + 1) are too large")
                }
                coordinates.append((r[0], r[1]))
            }
        } else if case .explicit = metric {
            // Coordinates are optional with an explicit matrix.
        } else {
            throw FormatError(line: headerLine("EDGE_WEIGHT_TYPE"),
                              message: "EDGE_WEIGHT_TYPE \(edgeWeightType) with the \(convention.rawValue) convention needs a NODE_COORD_SECTION")
        }

        // Travel model and locations.
        var travel = TravelModel()
        var locations: [Location]
        switch metric {
        case .euclidean(.nearest, 1):
            travel.rounding = .nearest
            locations = coordinates.map { .planar(x: $0.x, y: $0.y) }
        case .euclidean(.down, 10):
            travel.rounding = .truncateOneDecimal
            locations = coordinates.map { .planar(x: $0.x, y: $0.y) }
        default:
            guard n <= options.maxMatrixNodes else {
                throw FormatError(line: headerLine("DIMENSION"), message: "DIMENSION \(n) is above the \(options.maxMatrixNodes) nodes for which a distance matrix is built")
            }
            travel.distances = try matrix(metric, n: n, coordinates: coordinates)
            locations = (0..<n).map { .matrixIndex($0) }
        }

        // Demands, service times, time windows.
        guard let (demandRows, demandLines) = try table("DEMAND_SECTION", width: 1, count: n) else {
            throw FormatError(line: lastLine, message: "the file has no DEMAND_SECTION")
        }
        for d in depots where demandRows[d - 1][0] != 0 {
            throw FormatError(line: demandLines[d - 1], message: "DEMAND_SECTION: depot \(d) has demand \(show(demandRows[d - 1][0])); depots must have 0")
        }
        for k in 0..<n where demandRows[k][0] < 0 {
            throw FormatError(line: demandLines[k], message: "DEMAND_SECTION: node \(k + 1) has a negative demand")
        }
        let serviceTime = try number("SERVICE_TIME") ?? 0
        let serviceSection = try table("SERVICE_TIME_SECTION", width: 1, count: n)
        if let (rows, lines) = serviceSection, let k = rows.firstIndex(where: { $0[0] < 0 }) {
            throw FormatError(line: lines[k], message: "SERVICE_TIME_SECTION: node \(k + 1) has a negative service time")
        }
        let windows = try table("TIME_WINDOW_SECTION", width: 2, count: n)
        if let (rows, lines) = windows, let k = rows.firstIndex(where: { $0[0] > $0[1] }) {
            throw FormatError(line: lines[k], message: "TIME_WINDOW_SECTION: node \(k + 1) opens at \(show(rows[k][0])) after it closes at \(show(rows[k][1]))")
        }
        func window(_ node: Int) -> ClosedInterval? {
            windows.map { ClosedInterval(start: scaledTime($0.values[node - 1][0]), end: scaledTime($0.values[node - 1][1])) }
        }

        // Fleet.
        let vehiclesGiven = try integer("VEHICLES", minimum: 1, maximum: 100_000)
        let capacity = try number("CAPACITY")
        let maxDuration = try (number("VEHICLES_MAX_DURATION", positive: true) ?? number("DISTANCE", positive: true)).map(scaledTime)
        let maxDistance = try number("VEHICLES_MAX_DISTANCE", positive: true).map(scaledTime)
        let perVehicle = ["VEHICLES_DEPOT_SECTION", "CAPACITY_SECTION", "VEHICLES_FIXED_COST_SECTION", "VEHICLES_UNIT_DISTANCE_COST_SECTION"]
            .filter { file.sections[$0] != nil }
        var types: [VehicleType] = []
        var slots: [VRPLIBInstance.VehicleSlot] = []
        if perVehicle.isEmpty {
            guard let capacity else { throw FormatError(line: 1, message: "the header has no CAPACITY") }
            if depots.count == 1 {
                let count = vehiclesGiven ?? max(1, customerNodes.count)
                types = [VehicleType(id: "vehicle", count: count, capacity: [capacity], depot: String(depots[0]),
                                     maxDistance: maxDistance, maxDuration: maxDuration)]
                slots = (0..<count).map { VRPLIBInstance.VehicleSlot(type: 0, ordinal: $0) }
            } else if vehiclesGiven == nil {
                types = depots.map {
                    VehicleType(id: "vehicle-\($0)", count: max(1, customerNodes.count), capacity: [capacity], depot: String($0),
                                maxDistance: maxDistance, maxDuration: maxDuration)
                }
            } else {
                throw FormatError(line: headerLine("VEHICLES"),
                                  message: "VEHICLES with \(depots.count) depots needs a VEHICLES_DEPOT_SECTION saying where each vehicle starts")
            }
        } else {
            guard let count = vehiclesGiven else {
                throw FormatError(line: file.sections[perVehicle[0]]!.line, message: "\(perVehicle[0]) needs VEHICLES in the header")
            }
            let depotOf = try table("VEHICLES_DEPOT_SECTION", width: 1, count: count, what: "vehicle")
            let capacityOf = try table("CAPACITY_SECTION", width: 1, count: count, what: "vehicle")
            let fixedOf = try table("VEHICLES_FIXED_COST_SECTION", width: 1, count: count, what: "vehicle")
            let unitOf = try table("VEHICLES_UNIT_DISTANCE_COST_SECTION", width: 1, count: count, what: "vehicle")
            if capacityOf == nil && capacity == nil { throw FormatError(line: 1, message: "the header has no CAPACITY and there is no CAPACITY_SECTION") }
            var previous: VehicleType?
            for v in 0..<count {
                var depot = depots[0]
                if let (rows, lines) = depotOf {
                    guard let d = Int(exactly: rows[v][0]), d >= 1, d <= n, isDepot[d] else {
                        throw FormatError(line: lines[v], message: "VEHICLES_DEPOT_SECTION: vehicle \(v + 1) starts at \(show(rows[v][0])), which is not a depot")
                    }
                    depot = d
                }
                let cap = capacityOf?.values[v][0] ?? capacity!
                let fixed = fixedOf?.values[v][0] ?? 0
                let unit = unitOf?.values[v][0] ?? 1
                for (name, table, value) in [("CAPACITY_SECTION", capacityOf, cap), ("VEHICLES_FIXED_COST_SECTION", fixedOf, fixed),
                                             ("VEHICLES_UNIT_DISTANCE_COST_SECTION", unitOf, unit)] where value < 0 {
                    throw FormatError(line: table?.lines[v] ?? 1, message: "\(name): vehicle \(v + 1) has a negative value")
                }
                let type = VehicleType(id: "", count: 1, capacity: [cap], fixedCost: fixed, costPerDistance: unit, depot: String(depot),
                                       maxDistance: maxDistance, maxDuration: maxDuration)
                if var last = previous, sameVehicle(last, type) {
                    last.count += 1
                    previous = last
                } else {
                    if let last = previous { types.append(last) }
                    previous = type
                    previous!.id = "vehicle-\(v + 1)"
                }
                slots.append(VRPLIBInstance.VehicleSlot(type: types.count, ordinal: previous!.count - 1))
            }
            if let last = previous { types.append(last) }
            for t in types.indices where types[t].count > 1 {
                let first = Int(types[t].id.dropFirst("vehicle-".count))!
                types[t].id = "vehicles-\(first)-\(first + types[t].count - 1)"
            }
        }
        let largest = types.map { $0.capacity[0] }.max() ?? 0
        for c in customerNodes where demandRows[c - 1][0] > largest {
            throw FormatError(line: demandLines[c - 1], message: "DEMAND_SECTION: node \(c) has demand \(show(demandRows[c - 1][0])), more than any vehicle holds (\(show(largest)))")
        }

        let problem = RoutingProblem(
            depots: depots.map { Depot(id: String($0), location: locations[$0 - 1], timeWindow: window($0)) },
            vehicleTypes: types,
            customers: customerNodes.map { c in
                Customer(id: String(c), location: locations[c - 1], demand: [demandRows[c - 1][0]],
                         serviceTime: scaledTime(serviceSection?.values[c - 1][0] ?? serviceTime), timeWindow: window(c))
            },
            travel: travel)
        let issues = problem.validationIssues()
        if let first = issues.first {
            throw FormatError(line: lastLine, message: "the instance breaks a rule: \(first.description)")
        }
        return VRPLIBInstance(name: text("NAME") ?? "", type: text("TYPE") ?? "", comment: text("COMMENT") ?? "",
                              dimension: n, edgeWeightType: edgeWeightType, convention: convention, timeScale: timeScale,
                              problem: problem, vehicles: slots)
    }

    func sameVehicle(_ a: VehicleType, _ b: VehicleType) -> Bool {
        a.capacity == b.capacity && a.fixedCost == b.fixedCost && a.costPerDistance == b.costPerDistance && a.depot == b.depot
    }

    /// The full distance matrix.
    func matrix(_ metric: Metric, n: Int, coordinates: [(x: Double, y: Double)]) throws -> [[Double]] {
        var m = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        switch metric {
        case .explicit:
            try fillExplicit(&m, n: n)
        case let .euclidean(rounding, scale):
            for i in 0..<n {
                for j in 0..<n where j != i {
                    let dx = coordinates[i].x - coordinates[j].x, dy = coordinates[i].y - coordinates[j].y
                    let e = (dx * dx + dy * dy).squareRoot()
                    switch rounding {
                    case .nearest: m[i][j] = (scale * e + 0.5).rounded(.down) / scale
                    case .up: m[i][j] = (scale * e).rounded(.up) / scale
                    case .down: m[i][j] = (scale * e).rounded(.down) / scale
                    case .threeDecimals: m[i][j] = (1000 * scale * e).rounded() / (1000 * scale)
                    case .thousandths: m[i][j] = (1000 * e).rounded()
                    }
                }
            }
        case let .att(scale):
            for i in 0..<n {
                for j in 0..<n where j != i {
                    let dx = coordinates[i].x - coordinates[j].x, dy = coordinates[i].y - coordinates[j].y
                    let r = scale * ((dx * dx + dy * dy) / 10).squareRoot()
                    let t = (r + 0.5).rounded(.down)
                    m[i][j] = (t < r ? t + 1 : t) / scale
                }
            }
        case .geo:
            // TSPLIB: coordinates are DDD.MM (degrees and minutes), a sphere of radius 6378.388 km.
            let pi = 3.141592
            func radians(_ v: Double) -> Double {
                let degrees = v.rounded(.towardZero)
                return pi * (degrees + 5 * (v - degrees) / 3) / 180
            }
            let lat = coordinates.map { radians($0.x) }, lon = coordinates.map { radians($0.y) }
            for i in 0..<n {
                for j in 0..<n where j != i {
                    let q1 = cos(lon[i] - lon[j]), q2 = cos(lat[i] - lat[j]), q3 = cos(lat[i] + lat[j])
                    let c = min(1, max(-1, 0.5 * ((1 + q1) * q2 - (1 - q1) * q3)))
                    m[i][j] = (6378.388 * acos(c) + 1).rounded(.down)
                }
            }
        }
        return m
    }

    /// Fills `m` from EDGE_WEIGHT_SECTION according to EDGE_WEIGHT_FORMAT.
    func fillExplicit(_ m: inout [[Double]], n: Int) throws {
        guard let sectionLine = file.weightSectionLine else {
            throw FormatError(line: headerLine("EDGE_WEIGHT_TYPE"), message: "EDGE_WEIGHT_TYPE EXPLICIT needs an EDGE_WEIGHT_SECTION")
        }
        let format = (text("EDGE_WEIGHT_FORMAT") ?? "").uppercased()
        // Each format as (row, column) pairs in file order; symmetric formats are mirrored.
        // The column-wise formats of a symmetric matrix are the row-wise ones of the other triangle.
        let pairs: (Int) -> [(Int, Int)]
        switch format {
        case "FULL_MATRIX": pairs = { i in (0..<n).map { (i, $0) } }
        case "LOWER_ROW", "UPPER_COL": pairs = { i in (0..<i).map { (i, $0) } }
        case "LOWER_DIAG_ROW", "UPPER_DIAG_COL": pairs = { i in (0...i).map { (i, $0) } }
        case "UPPER_ROW", "LOWER_COL": pairs = { i in ((i + 1)..<max(i + 1, n)).map { (i, $0) } }
        case "UPPER_DIAG_ROW", "LOWER_DIAG_COL": pairs = { i in (i..<n).map { (i, $0) } }
        case "":
            throw FormatError(line: sectionLine, message: "EDGE_WEIGHT_SECTION needs EDGE_WEIGHT_FORMAT in the header")
        default:
            throw FormatError(line: headerLine("EDGE_WEIGHT_FORMAT"),
                              message: "EDGE_WEIGHT_FORMAT \(format) is not supported (FULL_MATRIX, LOWER_ROW, LOWER_DIAG_ROW, UPPER_ROW, UPPER_DIAG_ROW, or a _COL form)")
        }
        let full = format == "FULL_MATRIX"
        var k = 0
        let w = file.weights
        for i in 0..<n {
            for (r, c) in pairs(i) {
                guard k < w.count else {
                    throw FormatError(line: file.weightLine(of: max(0, w.count - 1)),
                                      message: "EDGE_WEIGHT_SECTION ends after \(w.count) numbers; \(format) of \(n) nodes needs more")
                }
                let value = w[k]
                guard value >= 0 else { throw FormatError(line: file.weightLine(of: k), message: "EDGE_WEIGHT_SECTION: negative distance \(show(value))") }
                if r != c {
                    m[r][c] = value
                    if !full { m[c][r] = value }
                }
                k += 1
            }
        }
        if k < w.count {
            throw FormatError(line: file.weightLine(of: k), message: "EDGE_WEIGHT_SECTION has \(w.count) numbers; \(format) of \(n) nodes takes \(k)")
        }
    }
}
