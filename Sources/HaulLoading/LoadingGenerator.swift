import Foundation
import HaulCore

/// Parameters of ``LoadingGenerator``: single-container instances in the style of Bischoff and
/// Ratcliff (1995), weakly to strongly heterogeneous.
public struct LoadingGeneratorParameters: Sendable, Equatable {
    /// Heterogeneity class 1...7: 3, 5, 8, 10, 12, 15 or 20 box types.
    public var heterogeneityClass: Int
    /// Generator seed (SplitMix64).
    public var seed: UInt64
    /// Total box volume as a multiple of the container's volume (boxes are drawn until it is reached).
    public var volumeRatio: Double
    /// When set, exactly this many boxes are drawn and the container's length is scaled so that
    /// their volume is `volumeRatio` times the container's (for scale tests).
    public var boxes: Int?
    /// Share of box types that may be turned every way (the others keep their height vertical).
    public var allRotationsShare: Double
    /// Share of the container's base that must support each box.
    public var supportFraction: Double

    public init(heterogeneityClass: Int, seed: UInt64 = 1, volumeRatio: Double = 1.0, boxes: Int? = nil,
                allRotationsShare: Double = 0.5, supportFraction: Double = CargoSpace.defaultSupportFraction) {
        self.heterogeneityClass = heterogeneityClass
        self.seed = seed
        self.volumeRatio = volumeRatio
        self.boxes = boxes
        self.allRotationsShare = allRotationsShare
        self.supportFraction = supportFraction
    }

    /// Box types per class, as in Bischoff and Ratcliff's BR1 to BR7.
    public static let typesPerClass = [3, 5, 8, 10, 12, 15, 20]
}

/// Generates single-container loading problems (kind `loading`, `placement` true, one vehicle):
/// container 587 x 233 x 220; box types with length uniform in [30, 120], width in [25, 100],
/// height in [20, 80] (integers); each box drawn from a uniformly chosen type until the boxes'
/// volume reaches `volumeRatio` times the container's; weight proportional to volume (density
/// uniform in [0.5, 1.5] per type, in kg per 10^4 cubic units); no weight limit, no stops.
public enum LoadingGenerator {
    /// The container of Bischoff and Ratcliff's instances (inside length, width, height).
    public static let container = (length: 587.0, width: 233.0, height: 220.0)

    /// One instance for the parameters; the same parameters always give the same problem.
    public static func make(_ p: LoadingGeneratorParameters) -> LoadingProblem {
        var rng = SplitMix64(seed: p.seed &* 0x9E37_79B9 &+ UInt64(p.heterogeneityClass))
        func uniform(_ lo: Int, _ hi: Int) -> Double { Double(lo + Int(rng.next() % UInt64(hi - lo + 1))) }
        let k = LoadingGeneratorParameters.typesPerClass[max(0, min(6, p.heterogeneityClass - 1))]
        struct BoxType { var l, w, h, density: Double; var rotations: Rotations }
        var types: [BoxType] = []
        for _ in 0..<k {
            let l = uniform(30, 120), w = uniform(25, 100), h = uniform(20, 80)
            let rotations: Rotations = rng.unit() < p.allRotationsShare ? .all : .thisSideUp
            types.append(BoxType(l: l, w: w, h: h, density: 0.5 + rng.unit(), rotations: rotations))
        }
        var length = container.length
        var items: [LoadingItem] = []
        var volume = 0.0
        func draw() {
            let t = types[Int(rng.next() % UInt64(types.count))]
            let v = t.l * t.w * t.h
            items.append(LoadingItem(id: "b\(items.count + 1)", weight: (v * t.density / 1e4 * 100).rounded() / 100,
                                     length: t.l, width: t.w, height: t.h, rotations: t.rotations))
            volume += v
        }
        if let n = p.boxes {
            for _ in 0..<n { draw() }
            length = (volume / p.volumeRatio / (container.width * container.height)).rounded(.up)
            length = max(length, 120)
        } else {
            let target = p.volumeRatio * container.length * container.width * container.height
            while volume < target { draw() }
        }
        let space = CargoSpace(length: length, width: container.width, height: container.height, supportFraction: p.supportFraction)
        return LoadingProblem(vehicleTypes: [LoadingVehicleType(id: "container", count: 1, cost: 1, cargoSpace: space)],
                              items: items, placement: true)
    }
}

extension LoadingProblem {
    /// The problem as a problem document (kind `loading`), e.g. to hand generated instances to
    /// other tools; reading it back with `ProblemDocument.decode` gives the same problem.
    public func documentJSON(timeLimit: Double? = nil, seed: UInt64? = nil) -> String {
        func num(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : "\(x)" }
        func str(_ s: String) -> String {
            var out = "\""
            for u in s.unicodeScalars {
                switch u {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case _ where u.value < 0x20: out += String(format: "\\u%04x", u.value)
                default: out.unicodeScalars.append(u)
                }
            }
            return out + "\""
        }
        var lines: [String] = ["{", "  \"schemaVersion\": 1,", "  \"kind\": \"loading\","]
        var opts: [String] = []
        if let timeLimit { opts.append("\"timeLimit\": \(num(timeLimit))") }
        if let seed { opts.append("\"seed\": \(seed)") }
        if !opts.isEmpty { lines.append("  \"options\": { \(opts.joined(separator: ", ")) },") }
        if placement { lines.append("  \"placement\": true,") }
        if let stopOrder { lines.append("  \"stopOrder\": [\(stopOrder.map(str).joined(separator: ", "))],") }
        lines.append("  \"vehicleTypes\": [")
        lines.append(vehicleTypes.map { v in
            var f = ["\"id\": \(str(v.id))", "\"count\": \(v.count)", "\"cost\": \(num(v.cost))"]
            if let w = v.weightLimit { f.append("\"weightLimit\": \(num(w))") }
            if let w = v.volumeLimit { f.append("\"volumeLimit\": \(num(w))") }
            if let m = v.maxPallets { f.append("\"maxPallets\": \(num(m))") }
            if let s = v.cargoSpace {
                f.append("\"cargoSpace\": { \"length\": \(num(s.length)), \"width\": \(num(s.width)), \"height\": \(num(s.height)), \"supportFraction\": \(num(s.supportFraction)) }")
            }
            return "    { " + f.joined(separator: ", ") + " }"
        }.joined(separator: ",\n"))
        lines.append("  ],")
        lines.append("  \"items\": [")
        lines.append(items.map { i in
            var f = ["\"id\": \(str(i.id))", "\"weight\": \(num(i.weight))", "\"length\": \(num(i.length))",
                     "\"width\": \(num(i.width))", "\"height\": \(num(i.height))", "\"rotations\": \"\(i.rotations.rawValue)\""]
            if i.fragile { f.append("\"fragile\": true") }
            if let s = i.stop { f.append("\"stop\": \(str(s))") }
            if let m = i.maxLoadOnTop { f.append("\"maxLoadOnTop\": \(num(m))") }
            if i.pallets > 0 { f.append("\"pallets\": \(num(i.pallets))") }
            return "    { " + f.joined(separator: ", ") + " }"
        }.joined(separator: ",\n"))
        lines.append("  ]")
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }
}
