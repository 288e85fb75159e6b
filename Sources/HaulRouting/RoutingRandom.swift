import HaulCore

/// The solver's own pseudo-random generator: xoshiro256** seeded through SplitMix64.
///
/// Everything random in the search comes from here, with explicit algorithms for integers,
/// doubles and shuffles, so that a seed gives the same run on every platform and Swift version.
struct RoutingRandom {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    init(seed: UInt64) {
        var seeder = SplitMix64(seed: seed)
        s0 = seeder.next()
        s1 = seeder.next()
        s2 = seeder.next()
        s3 = seeder.next()
    }

    @inline(__always)
    private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Next 64 random bits.
    @inline(__always)
    mutating func next() -> UInt64 {
        let result = RoutingRandom.rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = RoutingRandom.rotl(s3, 45)
        return result
    }

    /// Uniform double in `[0, 1)`.
    @inline(__always)
    mutating func nextDouble() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform integer in `0..<bound` (`bound > 0`), by multiply-high (negligible bias for small bounds).
    @inline(__always)
    mutating func nextInt(_ bound: Int) -> Int {
        Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    /// Fisher-Yates shuffle.
    mutating func shuffle(_ a: inout [Int]) {
        var i = a.count - 1
        while i > 0 {
            let j = nextInt(i + 1)
            a.swapAt(i, j)
            i -= 1
        }
    }
}

/// Time-window data of a sequence of consecutive visits (Vidal et al. 2013): concatenating two
/// sequences is O(1), which lets moves be checked in constant time from prefix and suffix data.
///
/// `duration` is the minimal duration (travel, service and unavoidable waiting), `timeWarp` the
/// total lateness that cannot be avoided (0 for feasible sequences), and `[early, late]` the
/// window of service starts at the first visit that achieve them.
struct TimeSegment {
    var duration: Double
    var timeWarp: Double
    var early: Double
    var late: Double

    static let trivial = TimeSegment(duration: 0, timeWarp: 0, early: 0, late: .infinity)

    /// The sequence `self` followed, after `travel`, by `next`.
    @inline(__always)
    func then(_ next: TimeSegment, travel: Double) -> TimeSegment {
        let delta = duration - timeWarp + travel
        let wait = max(next.early - delta - late, 0)
        let warp = max(early + delta - next.late, 0)
        return TimeSegment(
            duration: duration + next.duration + travel + wait,
            timeWarp: timeWarp + next.timeWarp + warp,
            early: max(next.early - delta, early) - wait,
            late: min(next.late - delta, late) + warp)
    }
}
