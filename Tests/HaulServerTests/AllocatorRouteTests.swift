import Foundation
import HaulServer
import Hummingbird
import HummingbirdTesting
import XCTest

/// The online allocation endpoints: `/v1/allocators/{name}`, its orders and reservations.
final class AllocatorRouteTests: XCTestCase {
    /// Two planar warehouses 10 apart; W2 stocks tea and mugs, W1 has unlimited stock.
    static let twoWarehouses = """
    {"costPerUnitDistance":0.5,
     "warehouses":[{"id":"W1","location":{"x":0,"y":0},"capacity":10},
                   {"id":"W2","location":{"x":10,"y":0},"capacity":10,"stock":{"tea":5,"mugs":3}}]}
    """

    static func warehouse(_ reply: Reply, _ id: String) -> [String: Any]? {
        (reply.json?["warehouses"] as? [[String: Any]])?.first { $0["id"] as? String == id }
    }

    func testCreateAllocateAndReleaseExactlyOnce() async throws {
        try await withService { client, _ in
            let created = try await client.call(.put, "/v1/allocators/east", json: Self.twoWarehouses)
            XCTAssertEqual(created.status, .created, created.text)
            XCTAssertEqual(created.headers[.location], "/v1/allocators/east")
            XCTAssertEqual(Self.warehouse(created, "W1")?["remainingCapacity"] as? Double, 10)
            let replaced = try await client.call(.put, "/v1/allocators/east", json: Self.twoWarehouses)
            XCTAssertEqual(replaced.status, .ok, replaced.text)
            let listed = try await client.call(.get, "/v1/allocators")
            XCTAssertEqual(listed.json?["allocators"] as? [String], ["east"])

            // Nearest: (3, 4) is 5 from W1 and sqrt(65) from W2.
            let first = try await client.call(.post, "/v1/allocators/east/orders",
                                              json: #"{"id":"o1","location":{"x":3,"y":4},"quantity":4}"#)
            XCTAssertEqual(first.status, .ok, first.text)
            XCTAssertEqual(first.json?["warehouse"] as? String, "W1")
            XCTAssertEqual(first.json?["warehouseIndex"] as? Int, 0)
            XCTAssertEqual(first.json?["order"] as? String, "o1")
            XCTAssertEqual(first.json?["quantity"] as? Double, 4)
            XCTAssertEqual(first.json?["distance"] as? Double, 5)
            XCTAssertEqual(first.json?["cost"] as? Double, 0.5 * 5 * 4)
            let reservation = try XCTUnwrap(first.json?["reservation"] as? String)
            XCTAssertEqual(first.headers[.location], "/v1/allocators/east/reservations/\(reservation)")

            var status = try await client.call(.get, "/v1/allocators/east")
            XCTAssertEqual(status.status, .ok)
            XCTAssertEqual(Self.warehouse(status, "W1")?["remainingCapacity"] as? Double, 6)
            XCTAssertEqual(Self.warehouse(status, "W2")?["remainingCapacity"] as? Double, 10)
            XCTAssertEqual(status.json?["outstandingReservations"] as? Int, 1)

            // The same order id while its reservation is outstanding: refused, nothing reserved.
            let again = try await client.call(.post, "/v1/allocators/east/orders",
                                              json: #"{"id":"o1","location":{"x":3,"y":4},"quantity":1}"#)
            XCTAssertEqual(again.status, .conflict, again.text)
            XCTAssertEqual(again.errorCode, "order_already_reserved")

            // W1 has 6 left: an order of 7 next to W1 goes to W2; one of 11 fits nowhere.
            let spill = try await client.call(.post, "/v1/allocators/east/orders",
                                              json: #"{"id":"o2","location":{"x":1,"y":0},"quantity":7}"#)
            XCTAssertEqual(spill.status, .ok, spill.text)
            XCTAssertEqual(spill.json?["warehouse"] as? String, "W2")
            XCTAssertEqual(spill.json?["distance"] as? Double, 9)
            let tooBig = try await client.call(.post, "/v1/allocators/east/orders",
                                               json: #"{"id":"o3","location":{"x":1,"y":0},"quantity":11}"#)
            XCTAssertEqual(tooBig.status, .conflict, tooBig.text)
            XCTAssertEqual(tooBig.errorCode, "no_warehouse_available")
            status = try await client.call(.get, "/v1/allocators/east")
            XCTAssertEqual(Self.warehouse(status, "W1")?["remainingCapacity"] as? Double, 6)
            XCTAssertEqual(Self.warehouse(status, "W2")?["remainingCapacity"] as? Double, 3)

            // Release exactly once; the capacity comes back once.
            let released = try await client.call(.delete, "/v1/allocators/east/reservations/\(reservation)")
            XCTAssertEqual(released.status, .ok, released.text)
            XCTAssertEqual(released.json?["released"] as? Bool, true)
            XCTAssertEqual(released.json?["quantity"] as? Double, 4)
            let twice = try await client.call(.delete, "/v1/allocators/east/reservations/\(reservation)")
            XCTAssertEqual(twice.status, .notFound, twice.text)
            XCTAssertEqual(twice.errorCode, "not_found")
            let unknown = try await client.call(.delete, "/v1/allocators/east/reservations/r-nothing")
            XCTAssertEqual(unknown.status, .notFound)
            status = try await client.call(.get, "/v1/allocators/east")
            XCTAssertEqual(Self.warehouse(status, "W1")?["remainingCapacity"] as? Double, 10)
            XCTAssertEqual(status.json?["outstandingReservations"] as? Int, 1)
            XCTAssertEqual(status.json?["reservationsReleased"] as? Int, 1)

            // After its release the order id may be reserved again.
            let reused = try await client.call(.post, "/v1/allocators/east/orders",
                                               json: #"{"id":"o1","location":{"x":3,"y":4},"quantity":1}"#)
            XCTAssertEqual(reused.status, .ok, reused.text)

            // Dropping the pool.
            let dropped = try await client.call(.delete, "/v1/allocators/east")
            XCTAssertEqual(dropped.status, .noContent)
            let gone = try await client.call(.get, "/v1/allocators/east")
            XCTAssertEqual(gone.status, .notFound)
            XCTAssertEqual(gone.errorCode, "not_found")
            let droppedAgain = try await client.call(.delete, "/v1/allocators/east")
            XCTAssertEqual(droppedAgain.status, .notFound)
            let orderToGone = try await client.call(.post, "/v1/allocators/east/orders",
                                                    json: #"{"id":"o9","location":{"x":0,"y":0},"quantity":1}"#)
            XCTAssertEqual(orderToGone.status, .notFound)
        }
    }

    func testStockPinsAndClosedWarehouses() async throws {
        try await withService { client, _ in
            let put = try await client.call(.put, "/v1/allocators/skus", json: """
            {"warehouses":[{"id":"W1","location":{"x":0,"y":0},"capacity":10,"stock":{"tea":1}},
                           {"id":"W2","location":{"x":10,"y":0},"capacity":10,"stock":{"tea":5,"mugs":3}},
                           {"id":"W3","location":{"x":1,"y":0},"capacity":50,"open":false}]}
            """)
            XCTAssertEqual(put.status, .created, put.text)
            XCTAssertEqual(Self.warehouse(put, "W3")?["serving"] as? Bool, false)
            XCTAssertEqual(Self.warehouse(put, "W3")?["remainingCapacity"] as? Double, 0)
            // W1 is nearer but has 1 tea and no mugs: W2 serves, and its stock goes down.
            let items = try await client.call(.post, "/v1/allocators/skus/orders",
                                              json: #"{"id":"a","location":{"x":1,"y":0},"items":{"tea":2,"mugs":1}}"#)
            XCTAssertEqual(items.status, .ok, items.text)
            XCTAssertEqual(items.json?["warehouse"] as? String, "W2")
            XCTAssertEqual(items.json?["quantity"] as? Double, 3)
            XCTAssertEqual(items.json?["items"] as? [String: Double], ["tea": 2, "mugs": 1])
            let status = try await client.call(.get, "/v1/allocators/skus")
            XCTAssertEqual(Self.warehouse(status, "W2")?["remainingStock"] as? [String: Double], ["tea": 3, "mugs": 2])
            XCTAssertEqual(Self.warehouse(status, "W2")?["stock"] as? [String: Double], ["tea": 5, "mugs": 3])
            XCTAssertEqual(Self.warehouse(status, "W2")?["remainingCapacity"] as? Double, 7)
            // Mugs: 2 left in all; 3 cannot be served anywhere.
            let noMugs = try await client.call(.post, "/v1/allocators/skus/orders",
                                               json: #"{"id":"b","location":{"x":1,"y":0},"items":{"mugs":3}}"#)
            XCTAssertEqual(noMugs.status, .conflict, noMugs.text)
            XCTAssertEqual(noMugs.errorCode, "no_warehouse_available")
            // Pinned to the far warehouse, and to the closed one.
            let pinned = try await client.call(.post, "/v1/allocators/skus/orders",
                                               json: #"{"id":"c","location":{"x":0,"y":0},"quantity":2,"warehouse":"W2"}"#)
            XCTAssertEqual(pinned.status, .ok, pinned.text)
            XCTAssertEqual(pinned.json?["warehouse"] as? String, "W2")
            let closed = try await client.call(.post, "/v1/allocators/skus/orders",
                                               json: #"{"id":"d","location":{"x":0,"y":0},"quantity":1,"warehouse":"W3"}"#)
            XCTAssertEqual(closed.status, .conflict, closed.text)
            XCTAssertEqual(closed.errorCode, "no_warehouse_available")
            XCTAssertEqual(closed.errorDetails.first?["path"] as? String, "warehouse")
        }
    }

    func testMatrixAllocator() async throws {
        try await withService { client, _ in
            // Rows 0 and 1 are warehouses, 2 and 3 are order locations.
            let put = try await client.call(.put, "/v1/allocators/m", json: """
            {"travel":{"distances":[[0,4,7,1],[4,0,2,9],[7,2,0,5],[1,9,5,0]]},
             "warehouses":[{"id":"A","location":{"index":0},"capacity":5},{"id":"B","location":{"index":1},"capacity":5}]}
            """)
            XCTAssertEqual(put.status, .created, put.text)
            let toB = try await client.call(.post, "/v1/allocators/m/orders", json: #"{"id":"x","location":{"index":2},"quantity":1}"#)
            XCTAssertEqual(toB.json?["warehouse"] as? String, "B", toB.text)
            XCTAssertEqual(toB.json?["distance"] as? Double, 2)
            let toA = try await client.call(.post, "/v1/allocators/m/orders", json: #"{"id":"y","location":{"index":3},"quantity":5}"#)
            XCTAssertEqual(toA.json?["warehouse"] as? String, "A", toA.text)
            let outside = try await client.call(.post, "/v1/allocators/m/orders", json: #"{"id":"z","location":{"index":9},"quantity":1}"#)
            XCTAssertEqual(outside.status, .unprocessableContent, outside.text)
            XCTAssertEqual(outside.errorCode, "invalid_order")
            XCTAssertEqual(outside.errorDetails.first?["path"] as? String, "location")
            let planar = try await client.call(.post, "/v1/allocators/m/orders", json: #"{"id":"z","location":{"x":1,"y":1},"quantity":1}"#)
            XCTAssertEqual(planar.status, .unprocessableContent, planar.text)
            XCTAssertEqual(planar.errorDetails.first?["path"] as? String, "location")
        }
    }

    func testTenantsSeeOnlyTheirOwnAllocators() async throws {
        try await withService { client, _ in
            let acme = try await client.call(.put, "/v1/allocators/shared", json: Self.twoWarehouses)
            XCTAssertEqual(acme.status, .created)
            let order = try await client.call(.post, "/v1/allocators/shared/orders",
                                              json: #"{"id":"o1","location":{"x":0,"y":0},"quantity":10}"#)
            let reservation = try XCTUnwrap(order.json?["reservation"] as? String)

            let other = "globex-token"
            for (method, path) in [(HTTPRequest.Method.get, "/v1/allocators/shared"), (.delete, "/v1/allocators/shared"),
                                   (.delete, "/v1/allocators/shared/reservations/\(reservation)")] {
                let reply = try await client.call(method, path, token: other)
                XCTAssertEqual(reply.status, .notFound, "\(method) \(path): \(reply.text)")
            }
            let foreignOrder = try await client.call(.post, "/v1/allocators/shared/orders", token: other,
                                                     json: #"{"id":"g1","location":{"x":0,"y":0},"quantity":1}"#)
            XCTAssertEqual(foreignOrder.status, .notFound)
            let globexList = try await client.call(.get, "/v1/allocators", token: other)
            XCTAssertEqual(globexList.json?["allocators"] as? [String], [])
            let noToken = try await client.call(.get, "/v1/allocators/shared", token: nil)
            XCTAssertEqual(noToken.status, .unauthorized)

            // Globex's pool of the same name is its own: full capacity, its own reservations.
            let globex = try await client.call(.put, "/v1/allocators/shared", token: other, json: Self.twoWarehouses)
            XCTAssertEqual(globex.status, .created, globex.text)
            XCTAssertEqual(Self.warehouse(globex, "W1")?["remainingCapacity"] as? Double, 10)
            let theirs = try await client.call(.delete, "/v1/allocators/shared/reservations/\(reservation)", token: other)
            XCTAssertEqual(theirs.status, .notFound)
            let mine = try await client.call(.get, "/v1/allocators/shared")
            XCTAssertEqual(Self.warehouse(mine, "W1")?["remainingCapacity"] as? Double, 0)
            let released = try await client.call(.delete, "/v1/allocators/shared/reservations/\(reservation)")
            XCTAssertEqual(released.status, .ok)
        }
    }

    func testValidationErrorsNameTheirPaths() async throws {
        try await withService { client, _ in
            let bad = try await client.call(.put, "/v1/allocators/bad", json: """
            {"warehouses":[{"id":"W1","location":{"x":0,"y":0},"capacity":-1},
                           {"id":"W1","location":{"x":"far","y":0},"capacity":5,"stok":{}}],
             "costPerUnitDistance":-2}
            """)
            XCTAssertEqual(bad.status, .unprocessableContent, bad.text)
            XCTAssertEqual(bad.errorCode, "invalid_allocator")
            let paths = Set(bad.errorDetails.compactMap { $0["path"] as? String })
            for expected in ["warehouses[0].capacity", "warehouses[1].id", "warehouses[1].location.x", "warehouses[1].stok",
                             "costPerUnitDistance"] {
                XCTAssertTrue(paths.contains(expected), "\(expected) missing from \(paths)")
            }
            let missing = try await client.call(.get, "/v1/allocators/bad")
            XCTAssertEqual(missing.status, .notFound, "an invalid definition creates nothing")

            let unknown = try await client.call(.put, "/v1/allocators/bad",
                                                json: #"{"warehouses":[],"orders":[],"mode":"split"}"#)
            XCTAssertEqual(unknown.status, .unprocessableContent)
            XCTAssertEqual(Set(unknown.errorDetails.compactMap { $0["path"] as? String }), ["orders", "mode"])
            let empty = try await client.call(.put, "/v1/allocators/bad", json: #"{}"#)
            XCTAssertEqual(empty.status, .unprocessableContent)
            XCTAssertEqual(empty.errorDetails.first?["path"] as? String, "warehouses")
            let syntax = try await client.call(.put, "/v1/allocators/bad", json: #"{"warehouses": ["#)
            XCTAssertEqual(syntax.status, .unprocessableContent)
            let array = try await client.call(.put, "/v1/allocators/bad", json: #"[]"#)
            XCTAssertEqual(array.status, .unprocessableContent)
            let noBody = try await client.call(.put, "/v1/allocators/bad", json: "")
            XCTAssertEqual(noBody.status, .badRequest)
            XCTAssertEqual(noBody.errorCode, "empty_body")
            let text = try await client.call(.put, "/v1/allocators/bad", body: Array(Self.twoWarehouses.utf8), contentType: "text/plain")
            XCTAssertEqual(text.status, .unsupportedMediaType)
            let badName = try await client.call(.put, "/v1/allocators/no%20spaces", json: Self.twoWarehouses)
            XCTAssertEqual(badName.status, .badRequest, badName.text)
            XCTAssertEqual(badName.errorCode, "invalid_parameter")
            let longName = try await client.call(.put, "/v1/allocators/" + String(repeating: "n", count: 65), json: Self.twoWarehouses)
            XCTAssertEqual(longName.status, .badRequest)

            // Orders.
            let ok = try await client.call(.put, "/v1/allocators/good", json: Self.twoWarehouses)
            XCTAssertEqual(ok.status, .created)
            let cases: [(String, Set<String>)] = [
                (#"{"location":{"x":0,"y":0},"quantity":1}"#, ["id"]),
                (#"{"id":"o","location":"here","quantity":1}"#, ["location"]),
                (#"{"id":"o","location":{"x":0},"quantity":1}"#, ["location.y"]),
                (#"{"id":"o","location":{"x":0,"y":0},"quantity":1,"items":{"tea":1}}"#, ["quantity"]),
                (#"{"id":"o","location":{"x":0,"y":0}}"#, ["quantity"]),
                (#"{"id":"o","location":{"x":0,"y":0},"quantity":-1}"#, ["quantity"]),
                (#"{"id":"o","location":{"x":0,"y":0},"items":{"tea":"two"}}"#, ["items.tea"]),
                (#"{"id":"o","location":{"x":0,"y":0},"quantity":1,"priority":3}"#, ["priority"]),
                (#"{"id":7,"location":{"lat":0},"quantity":1}"#, ["id", "location.lon"]),
                (#"{"id":"o","location":{"lat":10,"lon":20},"quantity":1}"#, ["location"]),
                (#"{"id":"o","location":{"x":0,"y":0},"quantity":1,"warehouse":"W9"}"#, ["warehouse"]),
            ]
            for (body, expected) in cases {
                let reply = try await client.call(.post, "/v1/allocators/good/orders", json: body)
                XCTAssertEqual(reply.status, .unprocessableContent, "\(body): \(reply.text)")
                XCTAssertEqual(reply.errorCode, "invalid_order", body)
                XCTAssertEqual(Set(reply.errorDetails.compactMap { $0["path"] as? String }), expected, body)
            }
            let status = try await client.call(.get, "/v1/allocators/good")
            XCTAssertEqual(status.json?["reservationsMade"] as? Int, 0, "no invalid order reserved anything")
        }
    }

    func testHostileBodiesGet4xx() async throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let bodies: [(String, [UInt8])] = [
            ("empty", []),
            ("deep arrays", Array(deep.utf8)),
            ("deep objects", Array(("{\"warehouses\":" + String(repeating: "{\"a\":", count: 5000) + "1" + String(repeating: "}", count: 5000) + "}").utf8)),
            ("huge number", Array(Self.twoWarehouses.replacingOccurrences(of: "\"capacity\":10", with: "\"capacity\":1e999999").utf8)),
            ("NaN", Array(Self.twoWarehouses.replacingOccurrences(of: "\"capacity\":10", with: "\"capacity\":NaN").utf8)),
            ("truncated", Array(Self.twoWarehouses.dropLast(20).utf8)),
            ("invalid UTF-8", Array("{\"id\":\"".utf8) + [0xC3, 0x28, 0xFF] + Array("\"}".utf8)),
            ("NUL bytes", [0, 0, 0, 0]),
            ("BOM then garbage", [0xEF, 0xBB, 0xBF] + Array("{{{".utf8)),
            ("a string", Array("\"W1\"".utf8)),
            ("null", Array("null".utf8)),
        ]
        try await withService { client, _ in
            let ok = try await client.call(.put, "/v1/allocators/target", json: Self.twoWarehouses)
            XCTAssertEqual(ok.status, .created)
            for (method, route) in [(HTTPRequest.Method.put, "/v1/allocators/hostile"), (.post, "/v1/allocators/target/orders")] {
                for (name, body) in bodies {
                    let reply = try await client.call(method, route, body: body)
                    XCTAssertTrue((400..<500).contains(reply.status.code), "\(route) \(name): \(reply.status) \(reply.text.prefix(300))")
                    XCTAssertNotNil(reply.errorCode, "\(route) \(name): \(reply.text.prefix(300))")
                }
            }
            let list = try await client.call(.get, "/v1/allocators")
            XCTAssertEqual(list.json?["allocators"] as? [String], ["target"], "no hostile body became an allocator")
            let status = try await client.call(.get, "/v1/allocators/target")
            XCTAssertEqual(status.json?["reservationsMade"] as? Int, 0, "no hostile body reserved anything")
        }
    }

    /// Many concurrent clients against small capacities: the quantities granted per warehouse,
    /// added up from the responses, never exceed its capacity, and the server's remaining
    /// capacities agree with the responses.
    func testConcurrentClientsNeverOverCommit() async throws {
        let capacities: [String: Double] = ["N": 7, "S": 5, "E": 4]
        try await withService { client, _ in
            let put = try await client.call(.put, "/v1/allocators/rush", json: """
            {"warehouses":[{"id":"N","location":{"x":0,"y":10},"capacity":7},
                           {"id":"S","location":{"x":0,"y":-10},"capacity":5},
                           {"id":"E","location":{"x":10,"y":0},"capacity":4,"stock":{"tea":3}}]}
            """)
            XCTAssertEqual(put.status, .created, put.text)

            struct Granted: Sendable { var reservation: String; var warehouse: String; var quantity: Double }
            // Phase 1: no releases, so every grant ever made must fit at once.
            let clients = 32, ordersPerClient = 4
            let grants = try await withThrowingTaskGroup(of: [Granted].self) { group in
                for c in 0..<clients {
                    group.addTask {
                        var mine: [Granted] = []
                        for k in 0..<ordersPerClient {
                            let q = 1 + (c + k) % 3
                            let body = (c + k) % 4 == 0
                                ? #"{"id":"c\#(c)-\#(k)","location":{"x":\#(c % 7 - 3),"y":\#(k - 2)},"items":{"tea":\#(q)}}"#
                                : #"{"id":"c\#(c)-\#(k)","location":{"x":\#(c % 7 - 3),"y":\#(k - 2)},"quantity":\#(q)}"#
                            let reply = try await client.call(.post, "/v1/allocators/rush/orders", json: body)
                            if reply.status == .ok {
                                XCTAssertEqual(reply.json?["quantity"] as? Double, Double(q), "the whole order is reserved")
                                mine.append(Granted(reservation: try XCTUnwrap(reply.json?["reservation"] as? String),
                                                    warehouse: try XCTUnwrap(reply.json?["warehouse"] as? String),
                                                    quantity: try XCTUnwrap(reply.json?["quantity"] as? Double)))
                            } else {
                                XCTAssertEqual(reply.status, .conflict, reply.text)
                                XCTAssertEqual(reply.errorCode, "no_warehouse_available")
                            }
                        }
                        return mine
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            var used: [String: Double] = [:]
            for g in grants { used[g.warehouse, default: 0] += g.quantity }
            for (id, capacity) in capacities {
                XCTAssertLessThanOrEqual(used[id] ?? 0, capacity, "warehouse \(id) over-committed")
            }
            // Demand (256 units) is far above capacity (16), so the warehouses end up (nearly) full.
            XCTAssertGreaterThan(grants.count, 0)
            XCTAssertLessThan(grants.count, clients * ordersPerClient)
            XCTAssertEqual(Set(grants.map(\.reservation)).count, grants.count, "reservation ids are unique")
            var status = try await client.call(.get, "/v1/allocators/rush")
            for (id, capacity) in capacities {
                XCTAssertEqual(Self.warehouse(status, id)?["remainingCapacity"] as? Double, capacity - (used[id] ?? 0), id)
            }

            // Phase 2: clients release their reservations and order again, concurrently; each
            // reservation is also released twice at once, and only one of the two succeeds.
            let phase2 = try await withThrowingTaskGroup(of: (released: [Granted], granted: [Granted], doubleReleases: Int).self) { group in
                for (n, g) in grants.enumerated() {
                    group.addTask {
                        async let a = client.call(.delete, "/v1/allocators/rush/reservations/\(g.reservation)")
                        async let b = client.call(.delete, "/v1/allocators/rush/reservations/\(g.reservation)")
                        let (ra, rb) = try await (a, b)
                        let oks = [ra.status, rb.status].filter { $0 == .ok }.count
                        XCTAssertEqual(Set([ra.status, rb.status]), [.ok, .notFound], "\(ra.text) / \(rb.text)")
                        let reply = try await client.call(.post, "/v1/allocators/rush/orders",
                                                          json: #"{"id":"again-\#(n)","location":{"x":\#(n % 5),"y":0},"quantity":\#(1 + n % 2)}"#)
                        var granted: [Granted] = []
                        if reply.status == .ok {
                            XCTAssertEqual(reply.json?["quantity"] as? Double, Double(1 + n % 2), "the whole order is reserved")
                            granted.append(Granted(reservation: try XCTUnwrap(reply.json?["reservation"] as? String),
                                                   warehouse: try XCTUnwrap(reply.json?["warehouse"] as? String),
                                                   quantity: try XCTUnwrap(reply.json?["quantity"] as? Double)))
                        } else {
                            XCTAssertEqual(reply.errorCode, "no_warehouse_available", reply.text)
                        }
                        return ([g], granted, oks)
                    }
                }
                return try await group.reduce(into: (released: [Granted](), granted: [Granted](), doubleReleases: 0)) {
                    $0.released += $1.released
                    $0.granted += $1.granted
                    $0.doubleReleases += $1.doubleReleases
                }
            }
            XCTAssertEqual(phase2.doubleReleases, grants.count, "each reservation was released exactly once")
            // Every phase-1 reservation is gone; what is held now is exactly the phase-2 grants.
            var held: [String: Double] = [:]
            for g in phase2.granted { held[g.warehouse, default: 0] += g.quantity }
            status = try await client.call(.get, "/v1/allocators/rush")
            XCTAssertEqual(status.json?["outstandingReservations"] as? Int, phase2.granted.count)
            for (id, capacity) in capacities {
                XCTAssertLessThanOrEqual(held[id] ?? 0, capacity, "warehouse \(id) over-committed")
                XCTAssertEqual(Self.warehouse(status, id)?["remainingCapacity"] as? Double, capacity - (held[id] ?? 0), id)
            }
        }
    }
}
