import Foundation
import HaulCore
import XCTest
@testable import HaulRouting

/// The reader of the Gendreau et al. (2006) 3L-CVRP files.
final class ThreeLCVRPReaderTests: XCTestCase {
    /// A small file in the set's layout (tabs and spaces as in the originals).
    static let small = """
        Name\t\t\t\tsmall
        Number_of_Customers\t\t2
        Number_of_Items\t\t\t3
        Number_of_ItemTypes\t\t2
        Number_of_Vehicles\t\t2
        TimeWindows\t\t\t0
        Dist_type   descartes

        VEHICLE
        Mass_Capacity\t\t\t90
        CargoSpace_Length\t\t60
        CargoSpace_Width\t\t25
        CargoSpace_Height\t\t30
        Wheelbase\t\t\t48

        CUSTOMERS
        i\t\tx\t\ty\t\tDemand\t\tReadyTime\tDueDate\t\tServiceTime\tDemandedMass\tDemandedVolume
        0\t\t30\t\t40\t\t0\t\t0\t\t0\t\t0\t\t0\t\t0
        1\t\t37\t\t52\t\t1\t\t0\t\t0\t\t0\t\t7\t\t1050
        2\t\t49\t\t49\t\t2\t\t0\t\t0\t\t0\t\t30\t\t3480

        ITEMS
        Type\t\tLength\t\tWidth\t\tHeight\t\tMass\t\tFragility\tLoadBearingStrength
        Bt1\t\t30\t\t5\t\t7\t\t7\t\t1\t\t0.9188947
        Bt2\t\t29\t\t8\t\t15\t\t15\t\t0\t\t0.7000084

        DEMANDS PER CUSTOMER
        i\tType Quantity
        1\tBt1 1\t
        2\tBt2 2\t

        """

    func testReadsSmallFile() throws {
        let p = try ThreeLCVRPReader.read(Self.small)
        XCTAssertEqual(p.validationIssues(), [])
        XCTAssertEqual(p.depots.map(\.id), ["0"])
        XCTAssertEqual(p.depots[0].location, .planar(x: 30, y: 40))
        XCTAssertEqual(p.vehicleTypes.count, 1)
        XCTAssertEqual(p.vehicleTypes[0].count, 2)
        XCTAssertEqual(p.vehicleTypes[0].capacity, [90])
        XCTAssertEqual(p.vehicleTypes[0].cargoSpace, CargoSpace(length: 60, width: 25, height: 30, supportFraction: 0.75))
        XCTAssertEqual(p.travel.rounding, .none)
        XCTAssertEqual(p.loading, RouteLoadingOptions(enforce: true, unloadingOrder: true))
        XCTAssertEqual(p.customers.map(\.id), ["1", "2"])
        XCTAssertEqual(p.customers.map(\.demand), [[7], [30]])
        XCTAssertEqual(p.customers[0].items, [LoadingItem(id: "Bt1", weight: 7, length: 30, width: 5, height: 7, rotations: .thisSideUp, fragile: true)])
        XCTAssertEqual(p.customers[1].items?.map(\.id), ["Bt2-1", "Bt2-2"])
        XCTAssertEqual(p.customers[1].items?.map(\.fragile), [false, false])
        XCTAssertTrue(ThreeLCVRPReader.looksLike(Substring(Self.small)))
    }

    func testMalformedFilesNameTheLine() {
        func error(_ text: String) -> String {
            do {
                _ = try ThreeLCVRPReader.read(text)
                return "no error"
            } catch {
                return "\(error)"
            }
        }
        XCTAssertEqual(error(Self.small.replacingOccurrences(of: "Bt2\t\t29\t\t8", with: "Bt2\t\t29\t\tx")),
                       "line 25: ITEMS Bt2: 'x' is not a number")
        XCTAssertEqual(error(Self.small.replacingOccurrences(of: "Mass_Capacity\t\t\t90\n", with: "")),
                       "line 9: the VEHICLE block lacks Mass_Capacity")
        XCTAssertEqual(error(Self.small.replacingOccurrences(of: "2\tBt2 2\t", with: "2\tBt2 1\t")),
                       "line 30: customer 2 demands 1 item(s); its Demand column says 2")
        XCTAssertEqual(error(Self.small.replacingOccurrences(of: "2\tBt2 2\t", with: "2\tBt9 2\t")),
                       "line 30: customer 2: unknown item type Bt9")
        XCTAssertEqual(error(Self.small.replacingOccurrences(of: "2\t\t49\t\t49\t\t2", with: "3\t\t49\t\t49\t\t2")),
                       "line 20: node number 3.0 where 2 was expected")
        XCTAssertEqual(error(Self.small.replacingOccurrences(of: "descartes", with: "manhattan")),
                       "line 7: Dist_type 'manhattan' is not supported (only descartes, Euclidean distances)")
        XCTAssertEqual(error(Self.small.replacingOccurrences(of: "Number_of_Items\t\t\t3", with: "Number_of_Items\t\t\t4")),
                       "line 3: Number_of_Items is 4 but the customers demand 3 item(s)")
        XCTAssertEqual(error(Self.small.replacingOccurrences(of: "Bt1\t\t30\t\t5\t\t7\t\t7\t\t1", with: "Bt1\t\t30\t\t5\t\t7\t\t7\t\t2")),
                       "line 24: item type Bt1: Fragility must be 0 or 1")
    }

    func testReadsFirstGendreauInstance() throws {
        guard let folder = instancesFolder() else {
            throw XCTSkip("the benchmark instances are not here: set HAUL_INSTANCES or put them in ../shared/instances beside the package")
        }
        let url = folder.appendingPathComponent("3lcvrp/gendreau2006/3l_cvrp01.txt")
        guard FileManager.default.fileExists(atPath: url.path) else { throw XCTSkip("\(url.path) is absent") }
        let text = try String(contentsOf: url, encoding: .utf8)
        XCTAssertTrue(ThreeLCVRPReader.looksLike(Substring(text)))
        let p = try ThreeLCVRPReader.read(text)
        XCTAssertEqual(p.validationIssues(), [])
        XCTAssertEqual(p.customers.count, 15)
        XCTAssertEqual(p.customers.reduce(0) { $0 + ($1.items?.count ?? 0) }, 32)
        XCTAssertEqual(p.vehicleTypes[0].count, 4)
        XCTAssertEqual(p.vehicleTypes[0].capacity, [90])
        XCTAssertEqual(p.vehicleTypes[0].cargoSpace, CargoSpace(length: 60, width: 25, height: 30, supportFraction: 0.75))
        // Customer 3: Bt3 (33 x 15 x 16, mass 8, not fragile) and Bt4; its DemandedVolume is their volume.
        let c3 = p.customers[2]
        XCTAssertEqual(c3.id, "3")
        XCTAssertEqual(c3.demand, [16])
        XCTAssertEqual(c3.items?.map(\.id), ["Bt3", "Bt4"])
        XCTAssertEqual(c3.items?[0], LoadingItem(id: "Bt3", weight: 8, length: 33, width: 15, height: 16, rotations: .thisSideUp))
        XCTAssertEqual(c3.items!.reduce(0) { $0 + $1.volume }, 9000)
        XCTAssertEqual(p.customers[14].items?.map(\.fragile), [false, true, true])
        // Every file of the set reads and validates.
        let files = try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path).filter { $0.hasPrefix("3l_cvrp") }
        XCTAssertEqual(files.count, 27)
        for file in files {
            let problem = try ThreeLCVRPReader.read(try String(contentsOf: url.deletingLastPathComponent().appendingPathComponent(file), encoding: .utf8))
            XCTAssertEqual(problem.validationIssues(), [], file)
        }
    }
}
