import HaulCore

/// Reads the 3L-CVRP instance files of Gendreau, Iori, Laporte and Martello (2006), as in the
/// `3lcvrp/gendreau2006` set: a header (`Name`, `Number_of_Customers`, `Number_of_Items`,
/// `Number_of_ItemTypes`, `Number_of_Vehicles`, `TimeWindows`, `Dist_type`), a `VEHICLE` block
/// (`Mass_Capacity`, `CargoSpace_Length`, `_Width`, `_Height`; wheelbase and axle limits are read
/// and ignored), a `CUSTOMERS` table (node 0 is the depot: `i x y Demand ReadyTime DueDate
/// ServiceTime DemandedMass DemandedVolume`, where `Demand` counts the customer's items), an `ITEMS`
/// table (`Type Length Width Height Mass Fragility LoadBearingStrength`) and `DEMANDS PER CUSTOMER`
/// (`i` then pairs of item type and quantity).
///
/// The problem follows the conventions of the 3L-CVRP literature:
/// - Euclidean distances, not rounded (`Dist_type descartes`; the only type accepted);
/// - one vehicle type, `Number_of_Vehicles` vehicles of capacity `[Mass_Capacity]`, each customer's
///   demand its `DemandedMass`;
/// - boxes keep their height vertical and may turn 90 degrees on the floor (`thisSideUp`);
/// - `Fragility 1` is fragile: nothing but fragile boxes on top of it;
/// - at least 75% of the base of a box that is not on the floor must rest on boxes below
///   (the "minimal supporting area" of Gendreau et al., with their value a = 0.75);
/// - last in, first out through the rear door: no box of a later customer above a box of an
///   earlier one or between it and the door;
/// - `LoadBearingStrength` and the axle weights are not used (the literature's benchmarks use
///   neither); each item's `Mass` is its weight.
///
/// Item ids are the item type names (`Bt7`), with `-k` appended when a type is delivered more than
/// once. The customers are `1...n` and the depot `0`, as in the file; loading is enforced.
/// Time windows are read when `TimeWindows` is not 0.
///
/// Errors are ``VRPLIBReader/FormatError``s with the line number.
public enum ThreeLCVRPReader {
    public typealias FormatError = VRPLIBReader.FormatError

    /// Share of a box's base that must be supported.
    public static let supportFraction = 0.75

    /// Whether `text` looks like such a file: a `Name` line first and a `Number_of_Items` line.
    public static func looksLike(_ text: Substring) -> Bool {
        let head = text.prefix(2000)
        guard let first = head.split(whereSeparator: \.isNewline).first(where: { !$0.allSatisfy(\.isWhitespace) }) else { return false }
        return first.trimmingCharacters(in: .whitespaces).lowercased().hasPrefix("name")
            && head.lowercased().contains("number_of_items")
    }

    /// Reads a file.
    ///
    /// - Throws: ``VRPLIBReader/FormatError`` naming the line of the first problem found.
    public static func read(_ text: String) throws -> RoutingProblem {
        var header: [String: (value: String, line: Int)] = [:]
        var vehicle: [String: (value: Double, line: Int)] = [:]
        var customerRows: [(line: Int, values: [Double])] = []
        var itemRows: [(line: Int, name: String, values: [Double])] = []
        var demandRows: [(line: Int, customer: Int, pairs: [(String, Int)])] = []
        enum Section { case header, vehicle, customers, items, demands }
        var section = Section.header
        var lastLine = 0
        var vehicleLine: Int?
        for (index, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = index + 1
            lastLine = line
            let tokens = raw.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
            guard let first = tokens.first else { continue }
            let upper = raw.trimmingCharacters(in: .whitespaces).uppercased()
            switch upper {
            case "VEHICLE": section = .vehicle; vehicleLine = line; continue
            case "CUSTOMERS": section = .customers; continue
            case "ITEMS": section = .items; continue
            case "DEMANDS PER CUSTOMER": section = .demands; continue
            default: break
            }
            func number(_ token: String, _ what: String) throws -> Double {
                guard let v = Double(token), v.isFinite else {
                    throw FormatError(line: line, message: "\(what): '\(token)' is not a number")
                }
                return v
            }
            switch section {
            case .header:
                guard tokens.count == 2 else {
                    throw FormatError(line: line, message: "expected a header line 'Key value', found '\(raw.trimmingCharacters(in: .whitespaces))'")
                }
                let key = first.lowercased()
                if let seen = header[key] { throw FormatError(line: line, message: "\(first) appears twice (first on line \(seen.line))") }
                header[key] = (tokens[1], line)
            case .vehicle:
                guard tokens.count == 2 else {
                    throw FormatError(line: line, message: "expected a vehicle line 'Key value', found '\(raw.trimmingCharacters(in: .whitespaces))'")
                }
                let key = first.lowercased()
                if let seen = vehicle[key] { throw FormatError(line: line, message: "\(first) appears twice (first on line \(seen.line))") }
                vehicle[key] = (try number(tokens[1], first), line)
            case .customers:
                if Double(first) == nil && customerRows.isEmpty { continue }   // the column titles
                guard tokens.count >= 9 else {
                    throw FormatError(line: line, message: "a customer line needs 9 numbers (i x y Demand ReadyTime DueDate ServiceTime DemandedMass DemandedVolume), found \(tokens.count)")
                }
                customerRows.append((line, try tokens.prefix(9).map { try number($0, "CUSTOMERS") }))
            case .items:
                if first.lowercased() == "type" && itemRows.isEmpty { continue }
                guard tokens.count >= 7 else {
                    throw FormatError(line: line, message: "an item line needs a type and 6 numbers (Length Width Height Mass Fragility LoadBearingStrength), found \(tokens.count) fields")
                }
                itemRows.append((line, first, try tokens[1...6].map { try number($0, "ITEMS \(first)") }))
            case .demands:
                if Int(first) == nil && demandRows.isEmpty { continue }
                guard let c = Int(first) else { throw FormatError(line: line, message: "'\(first)' is not a customer number") }
                let rest = Array(tokens.dropFirst())
                guard rest.count % 2 == 0 else {
                    throw FormatError(line: line, message: "customer \(c): expected pairs of item type and quantity")
                }
                var pairs: [(String, Int)] = []
                for k in stride(from: 0, to: rest.count, by: 2) {
                    guard let q = Int(rest[k + 1]), q >= 0 else {
                        throw FormatError(line: line, message: "customer \(c): '\(rest[k + 1])' is not a quantity of \(rest[k])")
                    }
                    pairs.append((rest[k], q))
                }
                demandRows.append((line, c, pairs))
            }
        }

        func headerInt(_ key: String) throws -> Int {
            guard let entry = header[key.lowercased()] else { throw FormatError(line: 1, message: "the header lacks \(key)") }
            guard let v = Int(entry.value), v >= 0 else {
                throw FormatError(line: entry.line, message: "\(key): '\(entry.value)' is not a count")
            }
            return v
        }
        func vehicleValue(_ key: String) throws -> Double {
            guard let vehicleLine else { throw FormatError(line: lastLine, message: "the file has no VEHICLE block") }
            guard let entry = vehicle[key.lowercased()] else { throw FormatError(line: vehicleLine, message: "the VEHICLE block lacks \(key)") }
            guard entry.value > 0 else { throw FormatError(line: entry.line, message: "\(key) must be > 0") }
            return entry.value
        }
        let n = try headerInt("Number_of_Customers")
        let itemCount = try headerInt("Number_of_Items")
        let fleet = try headerInt("Number_of_Vehicles")
        let timed = (header["timewindows"].flatMap { Int($0.value) } ?? 0) != 0
        if let type = header["dist_type"], type.value.lowercased() != "descartes" {
            throw FormatError(line: type.line, message: "Dist_type '\(type.value)' is not supported (only descartes, Euclidean distances)")
        }
        let capacity = try vehicleValue("Mass_Capacity")
        let space = CargoSpace(length: try vehicleValue("CargoSpace_Length"), width: try vehicleValue("CargoSpace_Width"),
                               height: try vehicleValue("CargoSpace_Height"), supportFraction: supportFraction)

        guard customerRows.count == n + 1 else {
            throw FormatError(line: customerRows.last?.line ?? lastLine,
                              message: "CUSTOMERS lists \(customerRows.count) nodes; Number_of_Customers \(n) plus the depot make \(n + 1)")
        }
        for (k, row) in customerRows.enumerated() where Int(row.values[0]) != k || row.values[0] != row.values[0].rounded() {
            throw FormatError(line: row.line, message: "node number \(row.values[0]) where \(k) was expected")
        }
        var types: [String: (line: Int, values: [Double])] = [:]
        for row in itemRows {
            if let seen = types[row.name] { throw FormatError(line: row.line, message: "item type \(row.name) is listed twice (first on line \(seen.line))") }
            let v = row.values
            if !(v[0] > 0 && v[1] > 0 && v[2] > 0) { throw FormatError(line: row.line, message: "item type \(row.name): dimensions must be > 0") }
            if v[3] < 0 { throw FormatError(line: row.line, message: "item type \(row.name): mass must be >= 0") }
            if v[4] != 0 && v[4] != 1 { throw FormatError(line: row.line, message: "item type \(row.name): Fragility must be 0 or 1") }
            types[row.name] = (row.line, v)
        }
        var uses: [String: Int] = [:]
        var demanded = [[(String, Int)]](repeating: [], count: n + 1)
        var demandLine = [Int](repeating: 0, count: n + 1)
        for row in demandRows {
            guard row.customer >= 1 && row.customer <= n else {
                throw FormatError(line: row.line, message: "customer \(row.customer) is not between 1 and \(n)")
            }
            guard demandLine[row.customer] == 0 else {
                throw FormatError(line: row.line, message: "customer \(row.customer) is listed twice (first on line \(demandLine[row.customer]))")
            }
            demandLine[row.customer] = row.line
            for (type, q) in row.pairs {
                guard types[type] != nil else { throw FormatError(line: row.line, message: "customer \(row.customer): unknown item type \(type)") }
                uses[type, default: 0] += q
            }
            demanded[row.customer] = row.pairs
        }

        var problem = RoutingProblem(
            depots: [Depot(id: "0", location: .planar(x: customerRows[0].values[1], y: customerRows[0].values[2]))],
            vehicleTypes: [VehicleType(id: "vehicle", count: fleet, capacity: [capacity], cargoSpace: space)],
            customers: [], travel: TravelModel(rounding: .none),
            loading: RouteLoadingOptions(enforce: true, unloadingOrder: true))
        var running: [String: Int] = [:]
        var total = 0
        for c in 1...max(1, n) where c <= n {
            let row = customerRows[c]
            let v = row.values
            var items: [LoadingItem] = []
            for (type, q) in demanded[c] {
                let t = types[type]!.values
                for _ in 0..<q {
                    running[type, default: 0] += 1
                    let id = uses[type]! == 1 ? type : "\(type)-\(running[type]!)"
                    items.append(LoadingItem(id: id, weight: t[3], length: t[0], width: t[1], height: t[2],
                                             rotations: .thisSideUp, fragile: t[4] == 1))
                }
            }
            total += items.count
            if Int(v[3]) != items.count {
                throw FormatError(line: demandLine[c] > 0 ? demandLine[c] : row.line,
                                  message: "customer \(c) demands \(items.count) item(s); its Demand column says \(Int(v[3]))")
            }
            let window = timed ? ClosedInterval(start: v[4], end: v[5]) : nil
            problem.customers.append(Customer(id: "\(c)", location: .planar(x: v[1], y: v[2]), demand: [v[7]],
                                              serviceTime: timed ? v[6] : 0, timeWindow: window, items: items))
        }
        guard total == itemCount else {
            throw FormatError(line: header["number_of_items"]?.line ?? 1,
                              message: "Number_of_Items is \(itemCount) but the customers demand \(total) item(s)")
        }
        if timed {
            let depot = customerRows[0].values
            if depot[5] > depot[4] { problem.depots[0].timeWindow = ClosedInterval(start: depot[4], end: depot[5]) }
        }
        return problem
    }
}
