import Foundation
import XCTest
@testable import Haul

/// Routing problems whose customers have items (3L-CVRP): the JSON schema, its validation with
/// JSON paths, the plan's placements and the 3L-CVRP file format.
final class RouteLoadingSchemaTests: XCTestCase {
    static let document = """
        {"schemaVersion": 1, "kind": "routing",
         "loading": {"enforce": true, "unloadingOrder": true},
         "depots": [{"id": "D", "location": {"x": 0, "y": 0}}],
         "vehicleTypes": [{"id": "van", "count": 2, "capacity": [10],
                           "cargoSpace": {"length": 10, "width": 4, "height": 4, "supportFraction": 0.8}}],
         "customers": [
           {"id": "a", "location": {"x": 10, "y": 0}, "demand": [1],
            "items": [{"id": "a1", "length": 10, "width": 2.5, "height": 2.5, "weight": 1, "rotations": "thisSideUp"}]},
           {"id": "b", "location": {"x": 10, "y": 1}, "demand": [1],
            "items": [{"id": "b1", "length": 10, "width": 2.5, "height": 2.5, "weight": 1, "rotations": "thisSideUp",
                       "fragile": true, "maxLoadOnTop": 5}]},
           {"id": "c", "location": {"x": 5, "y": 5}, "demand": [1]}]}
        """

    func issues(_ json: String) -> [String] {
        do {
            _ = try ProblemDocument.decode(Data(json.utf8))
            return []
        } catch let e as InvalidProblemError {
            return e.issues.map(\.description)
        } catch {
            return ["\(error)"]
        }
    }

    func testDecodesItemsCargoSpaceAndLoading() throws {
        let document = try ProblemDocument.decode(Data(Self.document.utf8))
        guard case let .routing(p) = document.problem else { return XCTFail("not routing") }
        XCTAssertEqual(p.loading, RouteLoadingOptions(enforce: true, unloadingOrder: true))
        XCTAssertEqual(p.vehicleTypes[0].cargoSpace, CargoSpace(length: 10, width: 4, height: 4, supportFraction: 0.8))
        XCTAssertEqual(p.customers[1].items, [LoadingItem(id: "b1", weight: 1, length: 10, width: 2.5, height: 2.5, rotations: .thisSideUp,
                                                          fragile: true, maxLoadOnTop: 5)])
        XCTAssertNil(p.customers[2].items)
        XCTAssertTrue(p.hasItems)
        // Documents without the new fields read as before.
        let plain = Self.document.replacingOccurrences(of: "\"loading\": {\"enforce\": true, \"unloadingOrder\": true},", with: "")
        guard case let .routing(q) = try ProblemDocument.decode(Data(plain.utf8)).problem else { return XCTFail() }
        XCTAssertNil(q.loading)
        XCTAssertEqual(q.loadingOptions, RouteLoadingOptions(enforce: false, unloadingOrder: true))
    }

    func testRuleErrorsNameTheirPaths() {
        var json = Self.document.replacingOccurrences(of: "\"id\": \"b1\", \"length\": 10", with: "\"id\": \"a1\", \"length\": -1")
        XCTAssertEqual(issues(json), ["customers[1].items[0].id: duplicate id \"a1\" (first used at customers[0].items[0].id)",
                                      "customers[1].items[0].length: must be > 0"])
        json = Self.document.replacingOccurrences(of: "\"cargoSpace\": {\"length\": 10, \"width\": 4, \"height\": 4, \"supportFraction\": 0.8}",
                                                  with: "\"maxDistance\": 1000")
        XCTAssertEqual(issues(json), ["vehicleTypes[0].cargoSpace: is required when customers have items"])
        json = Self.document.replacingOccurrences(of: "\"supportFraction\": 0.8", with: "\"supportFraction\": 1.5")
        XCTAssertEqual(issues(json), ["vehicleTypes[0].cargoSpace.supportFraction: must be between 0 and 1"])
        json = Self.document.replacingOccurrences(of: "\"id\": \"a1\", \"length\": 10", with: "\"id\": \"a1\", \"length\": 11")
        XCTAssertEqual(issues(json), ["customers[0].items[0]: fits the cargo space of no vehicle type in any allowed orientation"])
    }

    func testTypeErrorsNameTheirPaths() {
        var json = Self.document.replacingOccurrences(of: "\"enforce\": true", with: "\"enforce\": \"yes\", \"order\": 1")
        XCTAssertEqual(issues(json), ["loading.order: unknown field", "loading.enforce: must be true or false, found a string"])
        json = Self.document.replacingOccurrences(of: "\"rotations\": \"thisSideUp\"}]}", with: "\"rotations\": \"sideways\", \"stop\": \"a\"}]}")
        XCTAssertEqual(issues(json), ["customers[0].items[0].stop: unknown field",
                                      "customers[0].items[0].rotations: must be one of \"all\", \"thisSideUp\", \"none\""])
        json = Self.document.replacingOccurrences(of: "\"items\": [{\"id\": \"a1\"", with: "\"items\": [3, {\"id\": \"a1\"")
        XCTAssertEqual(issues(json), ["customers[0].items[0]: must be an object, found a number"])
        json = Self.document.replacingOccurrences(of: "\"height\": 4, \"supportFraction\"", with: "\"height\": \"4\", \"supportFraction\"")
        XCTAssertEqual(issues(json), ["vehicleTypes[0].cargoSpace.height: must be a number, found a string"])
    }

    func testPlanCarriesPlacementsInJSON() async throws {
        let document = try ProblemDocument.decode(Data(Self.document.utf8))
        let plan = try await solve(document.problem, options: SolveOptions(timeLimit: 0.2))
        XCTAssertEqual(plan.status, .feasible)
        XCTAssertEqual(plan.routes?.count, 2)
        let json = String(decoding: try plan.jsonData(), as: UTF8.self)
        XCTAssertTrue(json.contains("\"placements\""), json)
        let decoded = try JSONDecoder().decode(Plan.self, from: try plan.jsonData())
        XCTAssertEqual(decoded, plan)
        // A plan of a problem without items has no placements field.
        var plain = document.problem
        if case var .routing(p) = plain {
            for c in p.customers.indices { p.customers[c].items = nil }
            p.loading = nil
            plain = .routing(p)
        }
        let plainPlan = try await solve(plain, options: SolveOptions(timeLimit: 0.2))
        XCTAssertFalse(String(decoding: try plainPlan.jsonData(), as: UTF8.self).contains("placements"))
        XCTAssertEqual(plainPlan.routes?.count, 1)
    }

    func testThreeLCVRPFormatIsDetectedAndRead() throws {
        let text = """
            Name\t\tsmall
            Number_of_Customers\t1
            Number_of_Items\t\t1
            Number_of_ItemTypes\t1
            Number_of_Vehicles\t1
            TimeWindows\t\t0
            Dist_type\tdescartes

            VEHICLE
            Mass_Capacity\t\t90
            CargoSpace_Length\t60
            CargoSpace_Width\t25
            CargoSpace_Height\t30

            CUSTOMERS
            i\tx\ty\tDemand\tReadyTime\tDueDate\tServiceTime\tDemandedMass\tDemandedVolume
            0\t0\t0\t0\t0\t0\t0\t0\t0
            1\t3\t4\t1\t0\t0\t0\t7\t1050

            ITEMS
            Type\tLength\tWidth\tHeight\tMass\tFragility\tLoadBearingStrength
            Bt1\t30\t5\t7\t7\t1\t0.9

            DEMANDS PER CUSTOMER
            i\tType Quantity
            1\tBt1 1

            """
        XCTAssertEqual(ProblemFormat.detect(Data(text.utf8)), .threeLCVRP)
        XCTAssertEqual(ProblemFormat(rawValue: "3lcvrp"), .threeLCVRP)
        let document = try readProblem(Data(text.utf8))
        guard case let .routing(p) = document.problem else { return XCTFail() }
        XCTAssertEqual(p.customers.first?.items?.first?.id, "Bt1")
        let plan = try solveBlocking(document.problem, options: SolveOptions(timeLimit: 0.1))
        XCTAssertEqual(plan.status, .feasible)
        XCTAssertEqual(plan.objective, 10, accuracy: 1e-9)
        XCTAssertEqual(plan.routes?.first?.placements?.count, 1)
        // A malformed file: a line-numbered error (the CLI exits 2).
        do {
            _ = try readProblem(Data(text.replacingOccurrences(of: "Bt1\t30\t5", with: "Bt1\tthirty\t5").utf8), format: .threeLCVRP)
            XCTFail("expected an error")
        } catch let e as InvalidProblemError {
            XCTAssertEqual(e.issues.map(\.description), ["3L-CVRP line 22: ITEMS Bt1: 'thirty' is not a number"])
        }
        // VRPLIB files are still VRPLIB.
        XCTAssertEqual(ProblemFormat.detect(Data("NAME : x\nTYPE : CVRP\n".utf8)), .vrplib)
    }
}
