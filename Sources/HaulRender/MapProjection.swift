import Foundation
import HaulCore

/// A point; in world units y points up, on screen (SVG) y points down.
struct Point: Equatable {
    var x: Double
    var y: Double
}

/// An axis-aligned rectangle in screen units.
struct Rect: Equatable {
    var x: Double
    var y: Double
    var width: Double
    var height: Double

    var maxX: Double { x + width }
    var maxY: Double { y + height }
    var center: Point { Point(x: x + width / 2, y: y + height / 2) }

    func intersects(_ other: Rect) -> Bool {
        x < other.maxX && other.x < maxX && y < other.maxY && other.y < maxY
    }

    func contains(_ other: Rect) -> Bool {
        other.x >= x && other.maxX <= maxX && other.y >= y && other.maxY <= maxY
    }

    func inset(by d: Double) -> Rect {
        Rect(x: x + d, y: y + d, width: max(0, width - 2 * d), height: max(0, height - 2 * d))
    }
}

/// How the locations of a picture were placed.
enum MapLayout: Equatable {
    /// Planar `{x, y}` coordinates as given.
    case planar
    /// Geographic `{lat, lon}`: equirectangular, longitudes scaled by the cosine of the middle latitude.
    case geographic
    /// No coordinates (matrix indices, or locations left out): a schematic circular layout.
    case schematic

    /// What the legend says about the layout, if anything.
    var legendNote: String? {
        switch self {
        case .planar: return nil
        case .geographic: return "Map: equirectangular (lat, lon)"
        case .schematic: return "Schematic circular layout: no coordinates"
        }
    }
}

enum WorldPoints {
    /// World points (x east, y north) of `locations`, or `nil` when any has no coordinates.
    static func of(_ locations: [Location?]) -> (points: [Point], layout: MapLayout)? {
        var latitudes: [Double] = []
        var planar = 0
        for location in locations {
            switch location {
            case .planar?: planar += 1
            case let .geographic(latitude, _)?: latitudes.append(latitude)
            case .matrixIndex?, nil: return nil
            }
        }
        let middle = latitudes.isEmpty ? 0 : (latitudes.min()! + latitudes.max()!) / 2
        let squeeze = max(0.01, cos(middle * .pi / 180))
        let points = locations.map { location -> Point in
            switch location {
            case let .planar(x, y)?: return Point(x: x, y: y)
            case let .geographic(lat, lon)?: return Point(x: lon * squeeze, y: lat)
            default: return Point(x: 0, y: 0)
            }
        }
        return (points, planar == locations.count ? .planar : .geographic)
    }

    /// `count` points evenly round a circle of `radius`, starting at the top and going clockwise.
    static func ring(count: Int, radius: Double) -> [Point] {
        guard count > 1 else { return count == 1 ? [Point(x: 0, y: radius == 0 ? 0 : radius)] : [] }
        return (0..<count).map { i in
            let angle = Double.pi / 2 - 2 * Double.pi * Double(i) / Double(count)
            return Point(x: radius * cos(angle), y: radius * sin(angle))
        }
    }
}

/// Maps world points into a screen rectangle: the same scale on both axes, centred, y flipped.
struct MapProjection {
    private let scale: Double
    private let worldMinX: Double
    private let worldMaxY: Double
    private let originX: Double
    private let originY: Double

    init(fitting points: [Point], into rect: Rect) {
        let xs = points.map(\.x), ys = points.map(\.y)
        var minX = xs.min() ?? 0, maxX = xs.max() ?? 0
        var minY = ys.min() ?? 0, maxY = ys.max() ?? 0
        // A single point or a line still gets a square of room.
        let span = max(maxX - minX, maxY - minY)
        let pad = span > 0 ? 0 : 1.0
        minX -= pad; maxX += pad; minY -= pad; maxY += pad
        let sx = rect.width / max(maxX - minX, 1e-12)
        let sy = rect.height / max(maxY - minY, 1e-12)
        scale = min(sx, sy)
        worldMinX = minX
        worldMaxY = maxY
        originX = rect.x + (rect.width - (maxX - minX) * scale) / 2
        originY = rect.y + (rect.height - (maxY - minY) * scale) / 2
    }

    func project(_ p: Point) -> Point {
        Point(x: originX + (p.x - worldMinX) * scale, y: originY + (worldMaxY - p.y) * scale)
    }
}
