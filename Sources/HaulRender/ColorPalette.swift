import Foundation

/// Distinct colours for routes, warehouses and stops.
///
/// The first colours are a hand-picked qualitative set; later ones step round the hue circle by
/// the golden angle so that neighbours in the sequence stay far apart. Reds are left out: red
/// marks late arrivals and the longest assignments.
enum ColorPalette {
    /// Grey for unassigned customers, orders and items, and for closed warehouses.
    static let neutral = "#9a9a9a"
    /// Marks what is late or long.
    static let alert = "#d7191c"

    private static let base = ["#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#9c755f",
                               "#1b9e77", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#386cb0"]

    /// The colour of the `index`-th member of a set.
    static func color(_ index: Int) -> String {
        if index >= 0 && index < base.count { return base[index] }
        let k = Double(index - base.count)
        var hue = (k * 137.50776405).truncatingRemainder(dividingBy: 360)
        // Keep clear of red (hue near 0/360).
        if hue < 20 || hue > 340 { hue = (hue + 40).truncatingRemainder(dividingBy: 360) }
        let lightness = [0.42, 0.32, 0.52][Int(k) % 3]
        let saturation = [0.65, 0.55, 0.75][(Int(k) / 3) % 3]
        return hex(hue: hue, saturation: saturation, lightness: lightness)
    }

    /// A lighter or darker version of a `#rrggbb` colour: `amount` > 0 mixes in white, < 0 black.
    static func shade(_ color: String, _ amount: Double) -> String {
        let (r, g, b) = components(color)
        func mix(_ c: Double) -> Double { amount >= 0 ? c + (1 - c) * amount : c * (1 + amount) }
        return hex(r: mix(r), g: mix(g), b: mix(b))
    }

    private static func components(_ color: String) -> (Double, Double, Double) {
        let digits = color.hasPrefix("#") ? String(color.dropFirst()) : color
        guard digits.count == 6, let v = UInt32(digits, radix: 16) else { return (0.5, 0.5, 0.5) }
        return (Double((v >> 16) & 0xFF) / 255, Double((v >> 8) & 0xFF) / 255, Double(v & 0xFF) / 255)
    }

    private static func hex(hue: Double, saturation s: Double, lightness l: Double) -> String {
        let c = (1 - abs(2 * l - 1)) * s
        let h = hue / 60
        let x = c * (1 - abs(h.truncatingRemainder(dividingBy: 2) - 1))
        let (r, g, b): (Double, Double, Double)
        switch Int(h) {
        case 0: (r, g, b) = (c, x, 0)
        case 1: (r, g, b) = (x, c, 0)
        case 2: (r, g, b) = (0, c, x)
        case 3: (r, g, b) = (0, x, c)
        case 4: (r, g, b) = (x, 0, c)
        default: (r, g, b) = (c, 0, x)
        }
        let m = l - c / 2
        return hex(r: r + m, g: g + m, b: b + m)
    }

    private static func hex(r: Double, g: Double, b: Double) -> String {
        func byte(_ v: Double) -> String {
            let n = Int((min(1, max(0, v)) * 255).rounded())
            let digits = String(n, radix: 16)
            return n < 16 ? "0" + digits : digits
        }
        return "#" + byte(r) + byte(g) + byte(b)
    }
}
