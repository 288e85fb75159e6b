import Foundation

/// Where a depot, customer, warehouse or order is.
///
/// JSON: `{"x": 3, "y": 4}` (planar), `{"lat": 52.37, "lon": 4.90}` (degrees), or `{"index": 7}`
/// (a row of the explicit matrices in `travel`). All locations of one problem use the same form.
public enum Location: Sendable, Equatable {
    /// Planar coordinates; distance is Euclidean in the same unit.
    case planar(x: Double, y: Double)
    /// Latitude and longitude in degrees; distance is great-circle in kilometres.
    case geographic(latitude: Double, longitude: Double)
    /// A row and column of the explicit distance (and duration) matrix.
    case matrixIndex(Int)

    var formName: String {
        switch self {
        case .planar: return "planar {x, y}"
        case .geographic: return "geographic {lat, lon}"
        case .matrixIndex: return "matrix {index}"
        }
    }

    static func read(_ node: DocumentNode) -> Location? {
        guard node.object(required: true) else { return nil }
        if node.field("index").isPresent {
            node.rejectUnknownFields(["index"])
            guard let i = node.field("index").integer() else { return nil }
            return .matrixIndex(i)
        }
        if node.field("lat").isPresent || node.field("lon").isPresent {
            node.rejectUnknownFields(["lat", "lon"])
            let lat = node.field("lat").number(required: true)
            let lon = node.field("lon").number(required: true)
            guard let lat, let lon else { return nil }
            return .geographic(latitude: lat, longitude: lon)
        }
        node.rejectUnknownFields(["x", "y"])
        let x = node.field("x").number(required: true)
        let y = node.field("y").number(required: true)
        guard let x, let y else { return nil }
        return .planar(x: x, y: y)
    }

    func validate(path: String, log: IssueLog, matrixSize: Int?) {
        switch self {
        case let .planar(x, y):
            if !(abs(x) <= 1e9 && abs(y) <= 1e9) { log.add(path, "coordinates must be finite numbers of magnitude <= 1e9") }
        case let .geographic(lat, lon):
            if !(lat >= -90 && lat <= 90) { log.add(PathBuilder.join(path, "lat"), "must be between -90 and 90") }
            if !(lon >= -180 && lon <= 180) { log.add(PathBuilder.join(path, "lon"), "must be between -180 and 180") }
        case let .matrixIndex(i):
            if let n = matrixSize {
                if i < 0 || i >= n { log.add(PathBuilder.join(path, "index"), "must be between 0 and \(n - 1) (the matrix has \(n) rows)") }
            } else {
                log.add(PathBuilder.join(path, "index"), "needs travel.distances: an index refers to a row of the explicit matrix")
            }
        }
    }
}

/// How distances are rounded after they are computed from coordinates.
public enum DistanceRounding: String, Sendable, CaseIterable {
    /// Exact distances.
    case none
    /// Rounded to the nearest integer (the VRPLIB/TSPLIB `EUC_2D` convention).
    case nearest
    /// Truncated to one decimal (the DIMACS convention for Solomon-type instances).
    case truncateOneDecimal
}

/// How distances and travel times between locations are obtained.
///
/// JSON key `travel`: `{"speed": 1, "rounding": "none", "distances": [[...]], "durations": [[...]]}`, all optional.
public struct TravelModel: Sendable, Equatable {
    /// Distance units per time unit; durations are `distance / speed` unless `durations` is given. Default 1.
    public var speed: Double
    /// Rounding of computed distances (explicit matrices are used as given). Default `none`.
    public var rounding: DistanceRounding
    /// Explicit distance matrix, `distances[i][j]` from location index i to j.
    public var distances: [[Double]]?
    /// Explicit travel-time matrix; when absent, durations are distances divided by `speed`.
    public var durations: [[Double]]?

    public init(speed: Double = 1, rounding: DistanceRounding = .none, distances: [[Double]]? = nil, durations: [[Double]]? = nil) {
        self.speed = speed
        self.rounding = rounding
        self.distances = distances
        self.durations = durations
    }

    static let earthRadiusKm = 6371.0088

    /// Distance between two locations under this model (matrix lookups use the locations' indices).
    public func distance(_ a: Location, _ b: Location) -> Double {
        let raw: Double
        switch (a, b) {
        case let (.planar(x1, y1), .planar(x2, y2)):
            raw = ((x1 - x2) * (x1 - x2) + (y1 - y2) * (y1 - y2)).squareRoot()
        case let (.geographic(la1, lo1), .geographic(la2, lo2)):
            let p1 = la1 * .pi / 180, p2 = la2 * .pi / 180
            let dp = p2 - p1, dl = (lo2 - lo1) * .pi / 180
            let h = sin(dp / 2) * sin(dp / 2) + cos(p1) * cos(p2) * sin(dl / 2) * sin(dl / 2)
            raw = 2 * Self.earthRadiusKm * asin(min(1, h.squareRoot()))
        case let (.matrixIndex(i), .matrixIndex(j)):
            return distances?[i][j] ?? 0
        default:
            return .infinity
        }
        switch rounding {
        case .none: return raw
        case .nearest: return (raw + 0.5).rounded(.down)
        case .truncateOneDecimal: return (raw * 10).rounded(.down) / 10
        }
    }

    /// Travel time between two locations.
    public func duration(_ a: Location, _ b: Location) -> Double {
        if case let .matrixIndex(i) = a, case let .matrixIndex(j) = b, let durations {
            return durations[i][j]
        }
        return distance(a, b) / speed
    }

    /// Flat row-major distance and duration matrices over `locations`.
    public func matrices(for locations: [Location]) -> (distance: [Double], duration: [Double]) {
        let n = locations.count
        var dist = [Double](repeating: 0, count: n * n)
        var dur = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0..<n where i != j {
                dist[i * n + j] = distance(locations[i], locations[j])
                dur[i * n + j] = duration(locations[i], locations[j])
            }
        }
        return (dist, dur)
    }

    static func read(_ node: DocumentNode) -> TravelModel {
        var model = TravelModel()
        guard node.object(required: false) else { return model }
        node.rejectUnknownFields(["speed", "rounding", "distances", "durations"])
        if let s = node.field("speed").number() { model.speed = s }
        if let r = node.field("rounding").string() {
            if let value = DistanceRounding(rawValue: r) {
                model.rounding = value
            } else {
                node.field("rounding").fail("must be one of \(DistanceRounding.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))")
            }
        }
        model.distances = node.field("distances").matrix()
        model.durations = node.field("durations").matrix()
        return model
    }

    func validate(path: String, log: IssueLog, locations: [(path: String, location: Location)]) {
        if !(speed > 0 && speed.isFinite) { log.add(PathBuilder.join(path, "speed"), "must be > 0") }
        for (name, matrix) in [("distances", distances), ("durations", durations)] {
            guard let matrix else { continue }
            let mpath = PathBuilder.join(path, name)
            for (i, row) in matrix.enumerated() {
                if row.count != matrix.count {
                    log.add(PathBuilder.index(mpath, i), "must have \(matrix.count) entries (the matrix must be square), found \(row.count)")
                    continue
                }
                if let j = row.firstIndex(where: { !($0 >= 0 && $0.isFinite) }) {
                    log.add("\(mpath)[\(i)][\(j)]", "must be a finite number >= 0")
                }
            }
        }
        if durations != nil && distances == nil {
            log.add(PathBuilder.join(path, "durations"), "needs travel.distances as well")
        }
        if let d = distances, let t = durations, d.count != t.count {
            log.add(PathBuilder.join(path, "durations"), "must have the same size as travel.distances (\(d.count))")
        }
        guard let first = locations.first else { return }
        if distances != nil, !locations.contains(where: { if case .matrixIndex = $0.location { return true } else { return false } }) {
            log.add(PathBuilder.join(path, "distances"), "is given but no location is an {index} into it; remove it or use {\"index\": i} locations")
        }
        for (p, loc) in locations {
            if loc.formName != first.location.formName {
                log.add(p, "is \(loc.formName) but \(first.path) is \(first.location.formName): all locations must use the same form")
            }
            loc.validate(path: p, log: log, matrixSize: distances?.count)
        }
    }
}
