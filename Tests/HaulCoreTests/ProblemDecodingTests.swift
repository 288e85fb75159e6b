import Foundation
import XCTest
@testable import HaulCore

final class ProblemDecodingTests: XCTestCase {
    private func issues(_ text: String) -> [String] {
        do {
            _ = try ProblemDocument.decode(Data(text.utf8))
            return []
        } catch let e as InvalidProblemError {
            return e.issues.map(\.description)
        } catch {
            return ["unexpected \(error)"]
        }
    }

    private let routing = """
    {"kind": "routing", "options": {"timeLimit": 3, "seed": 7},
     "depots": [{"id": "D", "location": {"x": 0, "y": 0}, "timeWindow": [0, 100]}],
     "vehicleTypes": [{"id": "v", "count": 2, "capacity": [10, 5], "fixedCost": 4}],
     "customers": [{"id": "A", "location": {"x": 3, "y": 4}, "demand": [2, 1], "serviceTime": 1, "timeWindow": [0, 50]},
                   {"id": "B", "location": {"x": 6, "y": 8}, "demand": [3, 1]}]}
    """

    func testDecodesARoutingDocument() throws {
        let doc = try ProblemDocument.decode(Data(routing.utf8))
        XCTAssertEqual(doc.options.timeLimit, 3)
        XCTAssertEqual(doc.options.seed, 7)
        guard case let .routing(p) = doc.problem else { return XCTFail("kind") }
        XCTAssertEqual(p.customers.map(\.id), ["A", "B"])
        XCTAssertEqual(p.vehicleTypes[0].capacity, [10, 5])
        XCTAssertEqual(p.vehicleTypes[0].count, 2)
        XCTAssertEqual(p.customers[0].timeWindow, ClosedInterval(start: 0, end: 50))
        XCTAssertEqual(p.travel.distance(p.depots[0].location, p.customers[0].location), 5, accuracy: 1e-12)
    }

    func testReportsEveryErrorWithItsPath() {
        let text = """
        {"kind": "routing",
         "depots": [{"id": "D", "location": {"x": 0, "y": 0}}],
         "vehicleTypes": [{"id": "v", "capacity": [10], "depot": "X"}],
         "customers": [{"id": "A", "location": {"x": 1, "y": 1}, "demand": [-1]},
                       {"id": "A", "location": {"x": "far", "y": 1}, "demand": [1]},
                       {"id": "C", "location": {"x": 1, "y": 1}, "demand": [1], "timeWindow": [9, 3], "colour": "red"},
                       {"id": "E", "location": {"x": 1, "y": 1}, "demand": [11]}]}
        """
        let found = issues(text)
        for expected in ["vehicleTypes[0].depot: unknown depot id \"X\"",
                         "customers[0].demand: must be >= 0 and finite",
                         "customers[1].id: duplicate id \"A\" (first used at customers[0].id)",
                         "customers[1].location.x: must be a number, found a string",
                         "customers[2].timeWindow: start 9.0 is after end 3.0",
                         "customers[2].colour: unknown field",
                         "customers[3].demand: exceeds the capacity of every vehicle type"] {
            XCTAssertTrue(found.contains(expected), "missing \(expected) in \(found)")
        }
        XCTAssertEqual(found.count, 7, "\(found)")
    }

    func testRejectsWrongTypesAndMissingFields() {
        let found = issues(#"{"kind": "routing", "depots": {}, "vehicleTypes": [{"capacity": "lots"}]}"#)
        XCTAssertTrue(found.contains("depots: must be an array, found an object"), "\(found)")
        XCTAssertTrue(found.contains("vehicleTypes[0].id: is required"), "\(found)")
        XCTAssertTrue(found.contains("vehicleTypes[0].capacity: must be a number or an array of numbers, found a string"), "\(found)")
        XCTAssertTrue(found.contains("customers: is required"), "\(found)")
    }

    func testRejectsUnknownKindVersionAndSyntax() {
        XCTAssertEqual(issues(#"{"kind": "flying"}"#), [#"kind: must be one of "routing", "allocation", "loading", found "flying""#])
        XCTAssertTrue(issues(#"{"kind": "loading", "schemaVersion": 2, "vehicleTypes": [], "items": []}"#)
            .contains("schemaVersion: unsupported version 2; this release reads version 1"))
        XCTAssertEqual(issues("[1, 2]"), ["the document must be a JSON object, found an array"])
        XCTAssertTrue(issues(#"{"kind": "routing", "depots": [{"x": NaN}]}"#).first?.hasPrefix("invalid JSON at line 1, column") == true)
    }

    func testAllocationUnknownWarehouseAndOversizedOrder() {
        let text = """
        {"kind": "allocation",
         "warehouses": [{"id": "W1", "location": {"x": 0, "y": 0}, "capacity": 10},
                        {"id": "W2", "location": {"x": 5, "y": 0}, "capacity": 20}],
         "orders": [{"id": "o1", "location": {"x": 1, "y": 1}, "quantity": 5, "warehouse": "W9"},
                    {"id": "o2", "location": {"x": 1, "y": 1}, "quantity": -3}]}
        """
        let found = issues(text)
        XCTAssertEqual(found, [#"orders[0].warehouse: unknown id "W9""#, "orders[1].quantity: must be >= 0 and finite"])
        let big = """
        {"kind": "allocation",
         "warehouses": [{"id": "W1", "location": {"x": 0, "y": 0}, "capacity": 10}],
         "orders": [{"id": "o1", "location": {"x": 1, "y": 1}, "quantity": 50}]}
        """
        XCTAssertEqual(issues(big), ["orders[0]: quantity 50 exceeds the capacity of every warehouse (largest: 10)",
                                     "orders: total quantity 50 exceeds the total capacity 10 of the warehouses that may open"])
    }

    func testAllocationSkuNobodyStocks() {
        let text = """
        {"kind": "allocation", "mode": "split",
         "warehouses": [{"id": "W1", "location": {"x": 0, "y": 0}, "capacity": 100, "stock": {"tea": 5}}],
         "orders": [{"id": "o1", "location": {"x": 1, "y": 1}, "items": {"tea": 4, "coffee": 2}},
                    {"id": "o2", "location": {"x": 1, "y": 1}, "items": {"tea": 4}}]}
        """
        XCTAssertEqual(issues(text), [#"orders: SKU "coffee" is ordered (2 units) but no warehouse stocks it"#,
                                      #"orders: SKU "tea": 8 units ordered but only 5 in stock"#])
    }

    func testLoadingItemThatFitsNoVehicle() {
        let text = """
        {"kind": "loading",
         "vehicleTypes": [{"id": "van", "weightLimit": 100, "cargoSpace": {"length": 2, "width": 1, "height": 1}}],
         "items": [{"id": "a", "weight": 10, "length": 1, "width": 1, "height": 1},
                   {"id": "b", "weight": 10, "length": 1.5, "width": 1.5, "height": 0.5, "rotations": "none"},
                   {"id": "c", "weight": 10, "length": 0, "width": 1, "height": 1, "rotations": "sideways"}]}
        """
        let found = issues(text)
        XCTAssertEqual(found, [#"items[2].rotations: must be one of "all", "thisSideUp", "none""#, "items[2].length: must be > 0"])
        let oversized = text.replacingOccurrences(of: #""length": 0"#, with: #""length": 1"#)
            .replacingOccurrences(of: #""sideways""#, with: #""all""#)
        XCTAssertEqual(issues(oversized), ["items[1]: fits no vehicle type (weight, volume, pallets or dimensions too large)"])
    }

    func testPalletCountsAndLimits() throws {
        let text = """
        {"kind": "loading",
         "vehicleTypes": [{"id": "van", "weightLimit": 100, "maxPallets": 2}, {"id": "car", "maxPallets": 0.5}],
         "items": [{"id": "a", "weight": 10, "length": 1, "width": 1, "height": 1, "pallets": 1.5},
                   {"id": "b", "weight": 10, "length": 1, "width": 1, "height": 1}]}
        """
        guard case let .loading(p) = try ProblemDocument.decode(Data(text.utf8)).problem else { return XCTFail("kind") }
        XCTAssertEqual(p.vehicleTypes.map(\.maxPallets), [2, 0.5])
        XCTAssertEqual(p.items.map(\.pallets), [1.5, 0])
        XCTAssertTrue(p.usesPallets)
        let negative = text.replacingOccurrences(of: #""pallets": 1.5"#, with: #""pallets": -1"#)
            .replacingOccurrences(of: #""maxPallets": 0.5"#, with: #""maxPallets": -3"#)
        XCTAssertEqual(issues(negative), ["vehicleTypes[1].maxPallets: must be >= 0 and finite", "items[0].pallets: must be >= 0 and finite"])
        let typed = LoadingProblem(vehicleTypes: [LoadingVehicleType(id: "van")],
                                   items: [LoadingItem(id: "a", weight: 1, length: 1, width: 1, height: 1, pallets: .infinity)])
        XCTAssertEqual(typed.validationIssues().map(\.description), ["items[0].pallets: must be >= 0 and finite"])
        // 2.5 pallets fit neither the van (2) nor the car (0.5).
        let tooMany = text.replacingOccurrences(of: #""pallets": 1.5"#, with: #""pallets": 2.5"#)
        XCTAssertEqual(issues(tooMany), ["items[0]: fits no vehicle type (weight, volume, pallets or dimensions too large)"])
        XCTAssertEqual(issues(text.replacingOccurrences(of: #""pallets": 1.5"#, with: #""pallets": "two""#)),
                       ["items[0].pallets: must be a number, found a string"])
        // A routing customer's items take no pallet count: the field is unknown there.
        let routing = """
        {"kind": "routing", "depots": [{"id": "D", "location": {"x": 0, "y": 0}}],
         "vehicleTypes": [{"id": "v", "capacity": 5, "cargoSpace": {"length": 2, "width": 2, "height": 2}}],
         "customers": [{"id": "A", "location": {"x": 1, "y": 1}, "demand": 1,
                        "items": [{"id": "x", "weight": 1, "length": 1, "width": 1, "height": 1, "pallets": 1}]}]}
        """
        XCTAssertTrue(issues(routing).contains("customers[0].items[0].pallets: unknown field"), issues(routing).joined(separator: "\n"))
    }

    func testMatrixLocationsAndGeographicDistance() throws {
        let text = """
        {"kind": "routing", "travel": {"distances": [[0, 7], [7, 0]], "durations": [[0, 2], [2, 0]]},
         "depots": [{"id": "D", "location": {"index": 0}}],
         "vehicleTypes": [{"id": "v", "capacity": 5}],
         "customers": [{"id": "A", "location": {"index": 1}, "demand": 1}]}
        """
        guard case let .routing(p) = try ProblemDocument.decode(Data(text.utf8)).problem else { return XCTFail() }
        XCTAssertEqual(p.travel.distance(.matrixIndex(0), .matrixIndex(1)), 7)
        XCTAssertEqual(p.travel.duration(.matrixIndex(1), .matrixIndex(0)), 2)
        let badIndex = text.replacingOccurrences(of: #""index": 1"#, with: #""index": 4"#)
        XCTAssertEqual(issues(badIndex), ["customers[0].location.index: must be between 0 and 1 (the matrix has 2 rows)"])
        // One degree of latitude is about 111.2 km on the mean-radius sphere.
        let t = TravelModel()
        XCTAssertEqual(t.distance(.geographic(latitude: 0, longitude: 0), .geographic(latitude: 1, longitude: 0)), 111.195, accuracy: 0.01)
        let mixed = text.replacingOccurrences(of: #"{"index": 1}"#, with: #"{"x": 1, "y": 2}"#)
        XCTAssertTrue(issues(mixed).contains("customers[0].location: is planar {x, y} but depots[0].location is matrix {index}: all locations must use the same form"))
    }

    func testTypedModelValidationUsesTheSamePaths() {
        let p = RoutingProblem(depots: [Depot(id: "D", location: .planar(x: 0, y: 0))],
                               vehicleTypes: [VehicleType(id: "v", capacity: [5])],
                               customers: [Customer(id: "A", location: .planar(x: 1, y: 1), demand: [.nan])])
        XCTAssertEqual(p.validationIssues().map(\.description), ["customers[0].demand: must be a number, found NaN"])
        XCTAssertThrowsError(try Problem.routing(p).validate())
    }

    func testPlanEncodesItsRequiredKeys() throws {
        var plan = Plan(kind: .loading, status: .optimal, objective: 80, bound: 80, stats: PlanStats(seconds: 0.1, iterations: 3, solver: "x"))
        plan.vehicles = []
        let object = try JSONSerialization.jsonObject(with: plan.jsonData()) as! [String: Any]
        for key in ["schemaVersion", "kind", "status", "objective", "bound", "gap", "stats", "vehicles"] {
            XCTAssertNotNil(object[key], key)
        }
        XCTAssertEqual(object["status"] as? String, "optimal")
        XCTAssertEqual(try JSONDecoder().decode(Plan.self, from: plan.jsonData()), plan)
    }

    func testPinnedOrderStockEmptySkuAndMagnitudes() {
        let text = """
        {"kind": "allocation",
         "warehouses": [{"id": "W1", "location": {"x": 0, "y": 0}, "capacity": 10, "stock": {"tea": 1}},
                        {"id": "W2", "location": {"x": 1e10, "y": 0}, "capacity": 1e13, "stock": {"tea": 50}}],
         "orders": [{"id": "o1", "location": {"x": 1, "y": 1}, "items": {"tea": 5}, "warehouse": "W1"},
                    {"id": "o2", "location": {"x": 1, "y": 1}, "items": {"": 2}}]}
        """
        XCTAssertEqual(issues(text), ["orders[1].items: SKU names must not be empty",
                                      "warehouses[1].capacity: must be <= 1e12",
                                      "warehouses[1].location: coordinates must be finite numbers of magnitude <= 1e9"])
        let pinned = text.replacingOccurrences(of: "1e10", with: "10").replacingOccurrences(of: "1e13", with: "100")
            .replacingOccurrences(of: #"{"": 2}"#, with: #"{"tea": 2}"#)
        XCTAssertEqual(issues(pinned), [#"orders[0]: its warehouse "W1" does not stock every SKU of this order"#])
    }

    func testABadCapacityIsNotReportedAgainByCrossChecks() {
        let text = """
        {"kind": "allocation",
         "warehouses": [{"id": "W1", "location": {"x": 0, "y": 0}, "capacity": "big"}],
         "orders": [{"id": "o1", "location": {"x": 1, "y": 1}, "quantity": 5}]}
        """
        XCTAssertEqual(issues(text), ["warehouses[0].capacity: must be a number, found a string"])
    }
}
