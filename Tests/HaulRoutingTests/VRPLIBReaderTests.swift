import Foundation
import XCTest
import HaulCore
@testable import HaulRouting

/// The VRPLIB reader: hand-written files for every edge-weight type, explicit formats, depots, fleet
/// sections, conventions and errors; then the shared benchmark files against their known solutions.
final class VRPLIBReaderTests: XCTestCase {
    // MARK: - Helpers

    /// A small file: `coordinates` of nodes 1..., node 1 the depot, demand 1 for customers.
    func file(type: String = "CVRP", edgeWeightType: String, scale: String? = nil, coordinates: [(Double, Double)],
              extra: String = "") -> String {
        var lines = ["NAME : test", "TYPE : \(type)", "DIMENSION : \(coordinates.count)", "EDGE_WEIGHT_TYPE : \(edgeWeightType)",
                     "CAPACITY : 10"]
        if let scale { lines.append("SCALE : \(scale)") }
        lines.append("NODE_COORD_SECTION")
        for (k, c) in coordinates.enumerated() { lines.append("\(k + 1) \(c.0) \(c.1)") }
        lines.append("DEMAND_SECTION")
        for k in coordinates.indices { lines.append("\(k + 1) \(k == 0 ? 0 : 1)") }
        lines.append("DEPOT_SECTION\n1\n-1")
        return lines.joined(separator: "\n") + "\n" + extra + "EOF\n"
    }

    /// Distance between file nodes `a` and `b` (1-based) under the problem's travel model.
    func distance(_ p: RoutingProblem, _ a: Int, _ b: Int) -> Double {
        let all = p.depots.map { ($0.id, $0.location) } + p.customers.map { ($0.id, $0.location) }
        let locations = Dictionary(uniqueKeysWithValues: all)
        return p.travel.distance(locations[String(a)]!, locations[String(b)]!)
    }

    func assertFormatError(_ text: String, line: Int, contains fragment: String, options: VRPLIBReader.Options = .init(),
                           file: StaticString = #filePath, sourceLine: UInt = #line) {
        XCTAssertThrowsError(try VRPLIBReader.read(text, options: options), file: file, line: sourceLine) { error in
            guard let e = error as? VRPLIBReader.FormatError else {
                return XCTFail("not a FormatError: \(error)", file: file, line: sourceLine)
            }
            XCTAssertEqual(e.line, line, "\(e)", file: file, line: sourceLine)
            XCTAssertTrue(e.message.contains(fragment), "'\(e.message)' lacks '\(fragment)'", file: file, line: sourceLine)
        }
    }

    // Three points whose Euclidean distances are sqrt(5) = 2.2360..., sqrt(58) = 7.6157..., sqrt(37) = 6.0827...
    let triangle: [(Double, Double)] = [(0, 0), (1, 2), (7, 3)]

    // MARK: - Header, separators, fleet

    func testHeaderSeparatorsSkippedKeywordsAndUnlimitedFleet() throws {
        let text = "NAME:\tsmall\r\nCOMMENT : \"two lines\"\r\nCOMMENT : of comment\r\nTYPE\tCVRP\r\nDIMENSION : \t4\t\r\n"
            + "EDGE_WEIGHT_TYPE: EUC_2D \r\nCAPACITY : 10\r\nNODE_COORD_TYPE : TWOD_COORDS\r\nSOME_FUTURE_KEYWORD : 7\r\n"
            + "NODE_COORD_SECTION\r\n 1 0 0\r\n 2\t3\t4\r\n3 1 1\r\n4 2 3\r\n"
            + "DISPLAY_DATA_SECTION\r\n1 5 5\r\n2 6 6\r\n"
            + "DEMAND_SECTION\r\n1 0\r\n2 4\r\n3 5\r\n4 6\r\nDEPOT_SECTION\r\n 1\r\n -1\r\nEOF\r\n"
        let instance = try VRPLIBReader.readInstance(text)
        XCTAssertEqual(instance.name, "small")
        XCTAssertEqual(instance.comment, "\"two lines\" of comment")
        XCTAssertEqual(instance.dimension, 4)
        XCTAssertEqual(instance.convention, .header)
        let p = instance.problem
        XCTAssertEqual(p.depots.map(\.id), ["1"])
        XCTAssertEqual(p.customers.map(\.id), ["2", "3", "4"])
        XCTAssertEqual(p.customers.map(\.demand), [[4], [5], [6]])
        XCTAssertEqual(p.vehicleTypes.count, 1)
        XCTAssertEqual(p.vehicleTypes[0].count, 3, "no VEHICLES: one vehicle per customer")
        XCTAssertEqual(p.vehicleTypes[0].capacity, [10])
        // EUC_2D is exactly the planar model with nearest-integer rounding.
        XCTAssertEqual(p.travel.rounding, .nearest)
        XCTAssertEqual(distance(p, 1, 2), 5)
        XCTAssertEqual(distance(p, 1, 3), 1)   // 1.414
        XCTAssertEqual(distance(p, 1, 4), 4)   // 3.606
        XCTAssertEqual(p.validationIssues(), [])
    }

    func testVehiclesLimitTheFleetAndServiceTimeApplies() throws {
        let p = try VRPLIBReader.read(file(edgeWeightType: "EUC_2D", coordinates: triangle, extra: "")
            .replacingOccurrences(of: "CAPACITY : 10", with: "CAPACITY : 10\nVEHICLES : 2\nSERVICE_TIME : 15\nDISTANCE : 100"))
        XCTAssertEqual(p.vehicleTypes[0].count, 2)
        XCTAssertEqual(p.customers.map(\.serviceTime), [15, 15])
        XCTAssertEqual(p.vehicleTypes[0].maxDuration, 100)
    }

    // MARK: - Edge-weight types

    func testEveryCoordinateEdgeWeightType() throws {
        // (type, SCALE, expected d(1,2), d(1,3), d(2,3)) computed by hand from 2.2360, 7.6157, 6.0827.
        let cases: [(String, String?, [Double])] = [
            ("EUC_2D", nil, [2, 8, 6]),
            ("EUC_2D", "100", [2.24, 7.62, 6.08]),
            ("CEIL_2D", nil, [3, 8, 7]),
            ("CEIL_2D", "10", [2.3, 7.7, 6.1]),
            ("FLOOR_2D", nil, [2, 7, 6]),
            ("FLOOR_2D", "10", [2.2, 7.6, 6.0]),
            ("EXACT_2D", nil, [2.236, 7.616, 6.083]),
            // ATT: r = sqrt(d^2 / 10) = 0.707, 2.408, 1.924; nint(r), plus one when nint(r) < r.
            ("ATT", nil, [1, 3, 2]),
        ]
        for (type, scale, expected) in cases {
            let p = try VRPLIBReader.read(file(edgeWeightType: type, scale: scale, coordinates: triangle))
            let got = [distance(p, 1, 2), distance(p, 1, 3), distance(p, 2, 3)]
            for k in 0..<3 { XCTAssertEqual(got[k], expected[k], accuracy: 1e-9, "\(type) SCALE \(scale ?? "-")") }
            XCTAssertEqual(distance(p, 2, 1), got[0], "\(type) is symmetric")
            XCTAssertEqual(p.validationIssues(), [], type)
        }
    }

    func testGeoIsTSPLIBsGeographicalDistance() throws {
        // DDD.MM coordinates: 1 degree of longitude on the equator is 6378.388 * 3.141592 / 180 = 111.3 km,
        // and TSPLIB adds 1 before truncating: 112. 0.30 is 30 minutes: 55.7 + 1 -> 56. 60 degrees of
        // latitude: 6378.388 * 3.141592 / 3 = 6679.6 -> 6680.
        let p = try VRPLIBReader.read(file(edgeWeightType: "GEO", coordinates: [(0, 0), (0, 1), (0, 0.30), (60, 0)]))
        XCTAssertEqual(distance(p, 1, 2), 112)
        XCTAssertEqual(distance(p, 1, 3), 56)
        XCTAssertEqual(distance(p, 2, 3), 56)
        XCTAssertEqual(distance(p, 1, 4), 6680)
        XCTAssertEqual(distance(p, 4, 4), 0)
    }

    func testExplicitFormatsAgainstAKnownMatrix() throws {
        let known: [[Double]] = [[0, 1, 2, 3], [1, 0, 4, 5], [2, 4, 0, 6], [3, 5, 6, 0]]
        let formats: [(String, String)] = [
            ("FULL_MATRIX", "0 1 2 3\n1 0 4 5\n2 4 0 6\n3 5 6 0"),
            ("LOWER_ROW", "1\n2 4\n3 5 6"),
            ("LOWER_DIAG_ROW", "0\n1 0\n2 4 0\n3 5 6 0"),
            ("UPPER_ROW", "1 2 3\n4 5\n6"),
            ("UPPER_DIAG_ROW", "0 1 2 3\n0 4 5\n0 6\n0"),
            ("UPPER_COL", "1 2 4 3 5 6"),          // column j holds rows 0..<j: same as LOWER_ROW
            ("LOWER_DIAG_COL", "0 1 2 3 0 4 5 0 6 0"),  // same as UPPER_DIAG_ROW
            ("LOWER_ROW", "1 2 4 3\n5 6"),          // numbers may wrap anywhere
        ]
        for (format, weights) in formats {
            let text = """
                NAME : explicit
                TYPE : CVRP
                DIMENSION : 4
                EDGE_WEIGHT_TYPE : EXPLICIT
                EDGE_WEIGHT_FORMAT : \(format)
                CAPACITY : 5
                EDGE_WEIGHT_SECTION
                \(weights)
                DEMAND_SECTION
                1 0
                2 1
                3 1
                4 1
                DEPOT_SECTION
                1
                -1
                EOF
                """
            let p = try VRPLIBReader.read(text)
            XCTAssertEqual(p.travel.distances, known, format)
            XCTAssertEqual(p.customers.map(\.location), [.matrixIndex(1), .matrixIndex(2), .matrixIndex(3)], format)
            XCTAssertEqual(p.depots[0].location, .matrixIndex(0))
            XCTAssertEqual(distance(p, 3, 4), 6, format)
            XCTAssertEqual(p.validationIssues(), [], format)
        }
        // A full matrix need not be symmetric.
        let asymmetric = try VRPLIBReader.read("""
            DIMENSION: 3
            EDGE_WEIGHT_TYPE: EXPLICIT
            EDGE_WEIGHT_FORMAT: FULL_MATRIX
            CAPACITY: 5
            EDGE_WEIGHT_SECTION
            0 7 8
            9 0 10
            11 12 0
            DEMAND_SECTION
            1 0
            2 1
            3 1
            EOF
            """)
        XCTAssertEqual(asymmetric.travel.distances, [[0, 7, 8], [9, 0, 10], [11, 12, 0]])
        XCTAssertEqual(asymmetric.depots.map(\.id), ["1"], "no DEPOT_SECTION: node 1 is the depot")
    }

    // MARK: - Depots, per-vehicle sections, time windows, conventions

    let multiDepotText = """
        NAME: md
        TYPE: MDVRPTW
        EDGE_WEIGHT_TYPE: EUC_2D
        DIMENSION: 5
        VEHICLES: 4
        CAPACITY: 20
        VEHICLES_MAX_DURATION: 450
        NODE_COORD_SECTION
        1\t0\t0
        2\t10\t0
        3\t1.5\t0
        4\t0\t2.25
        5\t9\t1
        DEMAND_SECTION
        1\t0
        2\t0
        3\t5
        4\t6
        5\t7
        SERVICE_TIME_SECTION
        1\t0
        2\t0
        3\t10
        4\t11
        5\t12
        TIME_WINDOW_SECTION
        1\t0\t1000
        2\t0\t900
        3\t10\t200
        4\t0\t300
        5\t5\t400
        VEHICLES_DEPOT_SECTION
        1\t1
        2\t1
        3\t2
        4\t2
        DEPOT_SECTION
        1
        2
        EOF
        """


    func testSeveralDepotsWithAnUnlimitedFleet() throws {
        let text = file(edgeWeightType: "EUC_2D", coordinates: [(0, 0), (100, 0), (5, 0), (95, 0), (50, 0)])
            .replacingOccurrences(of: "DEPOT_SECTION\n1\n-1", with: "DEPOT_SECTION\n1\n2\n-1")
            .replacingOccurrences(of: "2 1\n", with: "2 0\n")
        let instance = try VRPLIBReader.readInstance(text)
        let p = instance.problem
        XCTAssertEqual(p.depots.map(\.id), ["1", "2"])
        XCTAssertEqual(p.customers.map(\.id), ["3", "4", "5"])
        XCTAssertEqual(p.vehicleTypes.map(\.depot), ["1", "2"])
        XCTAssertEqual(p.vehicleTypes.map(\.count), [3, 3])
        XCTAssertEqual(instance.vehicles, [], "routes cannot be tied to vehicles")
        XCTAssertEqual(p.validationIssues(), [])
    }

    func testFleetPerDepotTimeWindowsAndServiceTimes() throws {
        let text = multiDepotText
        // TYPE MDVRPTW with EUC_2D: thousandths (PyVRP's "exact"), times scaled by 1000.
        let instance = try VRPLIBReader.readInstance(text)
        XCTAssertEqual(instance.convention, .thousandths)
        XCTAssertEqual(instance.timeScale, 1000)
        let p = instance.problem
        XCTAssertEqual(p.vehicleTypes.map(\.id), ["vehicles-1-2", "vehicles-3-4"])
        XCTAssertEqual(p.vehicleTypes.map(\.depot), ["1", "2"])
        XCTAssertEqual(p.vehicleTypes.map(\.count), [2, 2])
        XCTAssertEqual(p.vehicleTypes.map(\.maxDuration), [450_000, 450_000])
        XCTAssertEqual(instance.vehicles.map { [$0.type, $0.ordinal] }, [[0, 0], [0, 1], [1, 0], [1, 1]])
        XCTAssertEqual(p.depots.map(\.timeWindow), [ClosedInterval(start: 0, end: 1_000_000), ClosedInterval(start: 0, end: 900_000)])
        XCTAssertEqual(p.customers.map(\.serviceTime), [10_000, 11_000, 12_000])
        XCTAssertEqual(p.customers[0].timeWindow, ClosedInterval(start: 10_000, end: 200_000))
        XCTAssertEqual(distance(p, 1, 3), 1500)
        XCTAssertEqual(distance(p, 1, 4), 2250)
        XCTAssertEqual(distance(p, 2, 5), 1414)   // sqrt(2) = 1.41421
        XCTAssertEqual(p.validationIssues(), [])
        // The header's own meaning on request: EUC_2D rounds to integers, times as given.
        let plain = try VRPLIBReader.readInstance(text, options: VRPLIBReader.Options(convention: .header))
        XCTAssertEqual(distance(plain.problem, 1, 4), 2)
        XCTAssertEqual(plain.problem.customers.map(\.serviceTime), [10, 11, 12])
        // A .sol numbers nodes from 0: "Route #3" is vehicle 3, which starts at depot 2.
        let solution = try VRPLIBReader.readSolution("Route #1: 2 3\nRoute #2:\nRoute #3: 4\nCost: 0\n")
        let audit = instance.evaluate(solution)
        XCTAssertEqual(audit.violations, [])
        XCTAssertEqual(audit.cost, 1500 + 2704 + 2250 + 1414 * 2)  // 1-3-4-1 and 2-5-2; d(3,4) = sqrt(1.5^2 + 2.25^2)
    }

    func testVRPTWFilesUseDIMACSAndSolomonFilesTheirScale() throws {
        let windows = "TIME_WINDOW_SECTION\n1 0 100\n2 5 50\n3 0 60\n"
        let cvrplib = try VRPLIBReader.readInstance(file(type: "VRPTW", edgeWeightType: "EUC_2D", coordinates: triangle, extra: windows))
        XCTAssertEqual(cvrplib.convention, .dimacs)
        XCTAssertEqual(cvrplib.problem.travel.rounding, .truncateOneDecimal)
        XCTAssertEqual(distance(cvrplib.problem, 1, 3), 7.6, accuracy: 1e-12)
        XCTAssertEqual(cvrplib.problem.customers[0].timeWindow, ClosedInterval(start: 5, end: 50))
        let solomon = try VRPLIBReader.readInstance(file(type: "CVRPTW", edgeWeightType: "FLOOR_2D", scale: "10", coordinates: triangle, extra: windows))
        XCTAssertEqual(solomon.convention, .header)
        XCTAssertEqual(solomon.problem.travel.rounding, .truncateOneDecimal, "FLOOR_2D with SCALE 10 is exactly DIMACS")
        XCTAssertEqual(distance(solomon.problem, 2, 3), 6.0, accuracy: 1e-12)
    }

    // MARK: - Errors

    func testMalformedFilesReportTheLine() throws {
        let good = file(edgeWeightType: "EUC_2D", coordinates: triangle)
        // Lines of `good`: 1 NAME, 2 TYPE, 3 DIMENSION, 4 EDGE_WEIGHT_TYPE, 5 CAPACITY, 6 NODE_COORD_SECTION,
        // 7-9 coordinates, 10 DEMAND_SECTION, 11-13 demands, 14 DEPOT_SECTION, 15 "1", 16 "-1", 17 EOF.
        XCTAssertNoThrow(try VRPLIBReader.read(good))
        assertFormatError(good.replacingOccurrences(of: "2 1.0 2.0", with: "2 1.0 two"), line: 8, contains: "'two' is not a number")
        assertFormatError(good.replacingOccurrences(of: "2 1.0 2.0", with: "2 1.0"), line: 8, contains: "expected 3 numbers")
        assertFormatError(good.replacingOccurrences(of: "3 7.0 3.0", with: "2 7.0 3.0"), line: 9, contains: "node 2 is listed twice")
        assertFormatError(good.replacingOccurrences(of: "3 7.0 3.0", with: "9 7.0 3.0"), line: 9, contains: "not between 1 and 3")
        assertFormatError(good.replacingOccurrences(of: "3 1\n", with: ""), line: 10, contains: "no line for node 3")
        assertFormatError(good.replacingOccurrences(of: "3 1\n", with: "3 11\n"), line: 13, contains: "more than any vehicle holds")
        assertFormatError(good.replacingOccurrences(of: "3 1\n", with: "3 -1\n"), line: 13, contains: "negative demand")
        assertFormatError(good.replacingOccurrences(of: "1 0\n", with: "1 4\n"), line: 11, contains: "depots must have 0")
        assertFormatError(good.replacingOccurrences(of: "EUC_2D", with: "SPHERE_3D"), line: 4, contains: "not supported")
        assertFormatError(good.replacingOccurrences(of: "DIMENSION : 3", with: "DIMENSION : three"), line: 3, contains: "DIMENSION must be an integer")
        assertFormatError(good.replacingOccurrences(of: "CAPACITY : 10", with: "CAPACITY : 10\nCAPACITY : 12"), line: 6, contains: "appears twice")
        assertFormatError(good.replacingOccurrences(of: "-1\n", with: "-1\n2\n"), line: 17, contains: "after the -1")
        assertFormatError(good.replacingOccurrences(of: "DEPOT_SECTION\n1\n", with: "DEPOT_SECTION\n1 2\n"), line: 15, contains: "one depot node number")
        assertFormatError(good.replacingOccurrences(of: "DEPOT_SECTION\n1\n", with: "DEPOT_SECTION\n4\n"), line: 15, contains: "not between 1 and 3")
        assertFormatError("12 13\n" + good, line: 1, contains: "outside any section")
        assertFormatError(good.replacingOccurrences(of: "1 0.0 0.0", with: "1 nan 0"), line: 7, contains: "not a number")
        assertFormatError(good.replacingOccurrences(of: "1 0.0 0.0", with: "1 1e300 0"), line: 7, contains: "too large")
        assertFormatError(good.replacingOccurrences(of: "DEPOT_SECTION", with: "TIME_WINDOW_SECTION\n1 0 10\n2 9 3\n3 0 10\nDEPOT_SECTION"),
                          line: 16, contains: "opens at 9 after it closes at 3")
        assertFormatError(good.replacingOccurrences(of: "CAPACITY : 10\n", with: ""), line: 1, contains: "no CAPACITY")
        let explicitHead = "DIMENSION : 3\nEDGE_WEIGHT_TYPE : EXPLICIT\nEDGE_WEIGHT_FORMAT : LOWER_ROW\nCAPACITY : 5\nEDGE_WEIGHT_SECTION\n"
        let demands = "DEMAND_SECTION\n1 0\n2 1\n3 1\nEOF\n"
        XCTAssertNoThrow(try VRPLIBReader.read(explicitHead + "1\n2 3\n" + demands))
        assertFormatError(explicitHead + "1\n2 3\n4\n" + demands, line: 8, contains: "takes 3")
        assertFormatError(explicitHead + "1\n2\n" + demands, line: 7, contains: "ends after 2 numbers")
        assertFormatError(explicitHead + "1\n2 x\n" + demands, line: 7, contains: "'x' is not a number")
        assertFormatError(explicitHead.replacingOccurrences(of: "LOWER_ROW", with: "TRIANGLE") + "1\n2 3\n" + demands, line: 3, contains: "not supported")
        assertFormatError(good.replacingOccurrences(of: "CAPACITY : 10", with: "CAPACITY : 10\nVEHICLES : 2")
            .replacingOccurrences(of: "DEPOT_SECTION\n1\n", with: "DEPOT_SECTION\n1\n2\n").replacingOccurrences(of: "2 1\n", with: "2 0\n"),
                          line: 6, contains: "needs a VEHICLES_DEPOT_SECTION")
        assertFormatError("", line: 1, contains: "no DIMENSION")
        assertFormatError(explicitHead.replacingOccurrences(of: "EXPLICIT", with: "EUC_2D") + "1\n2 3\n" + demands, line: 5,
                          contains: "EDGE_WEIGHT_SECTION given but EDGE_WEIGHT_TYPE is EUC_2D")
        assertFormatError(explicitHead + "1\n2 3\n" + demands, line: 2, contains: "needs a NODE_COORD_SECTION",
                          options: VRPLIBReader.Options(convention: .dimacs))
    }

    func testTooLargeMatrixIsRefused() {
        // CEIL_2D cannot be expressed by the planar model: it needs a matrix, here above the limit.
        assertFormatError(file(edgeWeightType: "CEIL_2D", coordinates: triangle), line: 3, contains: "above the 2 nodes",
                          options: VRPLIBReader.Options(maxMatrixNodes: 2))
    }

    func testMutatedFilesNeverCrash() {
        // Lines deleted, duplicated or cut short and numbers replaced by odd ones: every outcome is either a
        // FormatError or a problem that passes validation.
        let explicit = "NAME : e\nDIMENSION : 4\nEDGE_WEIGHT_TYPE : EXPLICIT\nEDGE_WEIGHT_FORMAT : UPPER_ROW\nCAPACITY : 5\n"
            + "VEHICLES : 2\nEDGE_WEIGHT_SECTION\n1 2 3\n4 5\n6\nDEMAND_SECTION\n1 0\n2 1\n3 2\n4 3\nDEPOT_SECTION\n1\n-1\nEOF\n"
        let sources = [file(edgeWeightType: "EUC_2D", coordinates: triangle), explicit, multiDepotText,
                       file(type: "VRPTW", edgeWeightType: "GEO", coordinates: triangle, extra: "TIME_WINDOW_SECTION\n1 0 100\n2 5 50\n3 0 60\n")]
        let odd = ["-1", "0", "1e9", "x", ":", "EOF", "DEPOT_SECTION", "3.5", "-7", "99", "1e400", "nan", "", "2 2", "EDGE_WEIGHT_SECTION"]
        var rng = TestLCG(42)
        for round in 0..<2_000 {
            var lines = sources[round % sources.count].split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for _ in 0..<rng.int(1...3) {
                let k = rng.int(0...(lines.count - 1))
                switch rng.int(0...3) {
                case 0: lines.remove(at: k)
                case 1: lines.insert(lines[k], at: k)
                case 2: lines[k] = String(lines[k].prefix(rng.int(0...max(0, lines[k].count))))
                default:
                    var tokens = lines[k].split(separator: " ").map(String.init)
                    if tokens.isEmpty { tokens = [""] }
                    tokens[rng.int(0...(tokens.count - 1))] = odd[rng.int(0...(odd.count - 1))]
                    lines[k] = tokens.joined(separator: " ")
                }
                if lines.isEmpty { lines = [""] }
            }
            let text = lines.joined(separator: "\n")
            do {
                let p = try VRPLIBReader.read(text)
                XCTAssertEqual(p.validationIssues(), [], text)
            } catch is VRPLIBReader.FormatError {
            } catch {
                XCTFail("\(error) for\n\(text)")
            }
        }
    }

    // MARK: - Solutions and the audit

    func testSolutionFiles() throws {
        let s = try VRPLIBReader.readSolution("Route #1: 3 1\nRoute #2:\nRoute #3:\t2\nTime 1.5\nCost 42.5\n")
        XCTAssertEqual(s.cost, 42.5)
        XCTAssertEqual(s.routes.map(\.number), [1, 2, 3])
        XCTAssertEqual(s.routes.map(\.nodes), [[3, 1], [], [2]])
        XCTAssertEqual(s.routes[0].customers, ["4", "2"])
        XCTAssertEqual(try VRPLIBReader.readSolution("Route #1: 1\nCost: 7").cost, 7)
        for (text, line, fragment) in [("Route #1: 1\nRoute #2: 2 x\n", 2, "'x' is not a node number"),
                                       ("Route #1: 1\n\nRoute 2: 2\n", 3, "Route #k"),
                                       ("Route #1: 1\nRoute #1: 2\n", 2, "listed twice"),
                                       ("Route #1: 1\nCost abc\n", 2, "not a cost"),
                                       ("Cost 5\n", 1, "no 'Route #k:' line")] {
            XCTAssertThrowsError(try VRPLIBReader.readSolution(text)) { error in
                let e = error as? VRPLIBReader.FormatError
                XCTAssertEqual(e?.line, line, text)
                XCTAssertTrue(e?.message.contains(fragment) ?? false, "\(String(describing: e)) for \(text)")
            }
        }
    }

    func testAuditFindsEveryKindOfViolation() throws {
        // Depot 1 at the origin, customers 2..4 with demand 1 each on a line; capacity 2.
        let text = file(edgeWeightType: "EUC_2D", coordinates: [(0, 0), (10, 0), (20, 0), (30, 0)])
            .replacingOccurrences(of: "CAPACITY : 10", with: "CAPACITY : 2\nVEHICLES : 2")
            .replacingOccurrences(of: "DEPOT_SECTION", with: "TIME_WINDOW_SECTION\n1 0 100\n2 0 100\n3 0 25\n4 0 100\nDEPOT_SECTION")
        let instance = try VRPLIBReader.readInstance(text)
        let ok = instance.evaluate(try VRPLIBReader.readSolution("Route #1: 1 2\nRoute #2: 3\n"))
        XCTAssertEqual(ok.violations, [])
        XCTAssertEqual(ok.cost, 40 + 60)
        let bad = instance.evaluate(try VRPLIBReader.readSolution("Route #1: 3 2 1\nRoute #2: 1\n"))
        let joined = bad.violations.joined(separator: " | ")
        XCTAssertTrue(joined.contains("load 3"), joined)
        XCTAssertTrue(joined.contains("service at 3 starts at 40"), joined)
        XCTAssertTrue(joined.contains("customer 2 is served 2 times"), joined)
        XCTAssertEqual(RoutingPlanAudit.check(instance.problem, routes: []).violations.count, 3, "three customers unserved")
    }

    // MARK: - The shared benchmark instances

    func instances() throws -> URL {
        guard let folder = instancesFolder() else {
            throw XCTSkip("the benchmark instances are not here: set HAUL_INSTANCES or put them in ../shared/instances beside the package")
        }
        return folder
    }

    func readInstance(_ relative: String) throws -> VRPLIBInstance {
        let url = try instances().appendingPathComponent(relative)
        guard FileManager.default.fileExists(atPath: url.path) else { throw XCTSkip("\(relative) is not in the instances folder") }
        return try VRPLIBReader.readInstance(String(contentsOf: url, encoding: .utf8))
    }

    func testAugeratA32OptimalRoutesCostTheBKS() throws {
        let instance = try readInstance("cvrp/augerat-A/A-n32-k5.vrp")
        XCTAssertEqual(instance.problem.customers.count, 31)
        XCTAssertEqual(instance.problem.vehicleTypes[0].capacity, [100])
        // The folder has no .sol for A-n32-k5; these are the published optimal routes (CVRPLIB), cost 784.
        let solution = try VRPLIBReader.readSolution("""
            Route #1: 21 31 19 17 13 7 26
            Route #2: 12 1 16 30
            Route #3: 27 24
            Route #4: 29 18 8 9 22 15 10 25 5 20
            Route #5: 14 28 11 4 23 3 2 6
            Cost 784
            """)
        let audit = instance.evaluate(solution)
        XCTAssertEqual(audit.violations, [])
        XCTAssertEqual(audit.cost, 784)
        XCTAssertEqual(audit.cost, solution.cost)
    }

    func testXInstanceSolutionCostsItsStatedValue() throws {
        let instance = try readInstance("cvrp/X/X-n101-k25.vrp")
        let sol = try String(contentsOf: try instances().appendingPathComponent("cvrp/X/X-n101-k25.sol"), encoding: .utf8)
        let solution = try VRPLIBReader.readSolution(sol)
        XCTAssertEqual(solution.cost, 27591)
        let audit = instance.evaluate(solution)
        XCTAssertEqual(audit.violations, [])
        XCTAssertEqual(audit.cost, 27591)
    }

    func testSolomonC101() throws {
        let instance = try readInstance("vrptw/solomon/C101.vrptw")
        let p = instance.problem
        XCTAssertEqual(p.customers.count, 100)
        XCTAssertEqual(p.vehicleTypes[0].count, 10)
        XCTAssertEqual(p.vehicleTypes[0].capacity, [200])
        XCTAssertEqual(p.customers[0].serviceTime, 90)
        XCTAssertEqual(p.depots[0].timeWindow, ClosedInterval(start: 0, end: 1236))
        XCTAssertEqual(p.customers[0].timeWindow, ClosedInterval(start: 912, end: 967))
        // Depot (40, 50) to customer 1 (45, 68): sqrt(5^2 + 18^2) = sqrt(349) = 18.681..., truncated: 18.6.
        XCTAssertEqual(p.travel.distance(p.depots[0].location, p.customers[0].location), 18.6, accuracy: 1e-12)
        XCTAssertEqual(p.travel.duration(p.depots[0].location, p.customers[0].location), 18.6, accuracy: 1e-12)
    }

    func testHombergerAndMultiDepotSolutionsCostTheirStatedValues() throws {
        for (path, stated) in [("vrptw/homberger1000/C1_10_1", 42444.8), ("mdvrptw/PR11A", 6_655_548.0)] {
            let instance = try readInstance(path + ".vrp")
            let sol = try String(contentsOf: try instances().appendingPathComponent(path + ".sol"), encoding: .utf8)
            let solution = try VRPLIBReader.readSolution(sol)
            XCTAssertEqual(solution.cost, stated, path)
            let audit = instance.evaluate(solution)
            XCTAssertEqual(audit.violations, [], path)
            XCTAssertEqual(audit.cost, stated, accuracy: 1e-6, path)
        }
    }
}
