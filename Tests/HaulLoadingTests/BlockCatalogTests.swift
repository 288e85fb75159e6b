import XCTest
import HaulCore
@testable import HaulLoading

/// The block builder's indexes against brute force: the catalog's fit lists and the reach tables.
final class BlockCatalogTests: XCTestCase {
    private func instance(heterogeneityClass: Int, seed: UInt64) -> PackingInstance {
        let problem = LoadingGenerator.make(LoadingGeneratorParameters(heterogeneityClass: heterogeneityClass, seed: seed))
        return PackingInstance(problem: problem, space: problem.vehicleTypes[0].cargoSpace!, weightLimit: nil,
                               items: Array(problem.items.indices), ranks: [Int?](repeating: nil, count: problem.items.count))
    }

    /// Every block that fits a space is in the space's fit list, the list keeps catalog order, and
    /// no block before the list's first position for the space's volume is small enough for it:
    /// so the builder's scan of the list meets the blocks that fit in the order of a scan of the
    /// whole catalog, and picks the same ones.
    func testFitListsHoldEveryBlockThatFits() throws {
        for (k, seed) in [(1, UInt64(3)), (4, 2), (7, 1)] {
            let inst = instance(heterogeneityClass: k, seed: seed)
            let catalog = try XCTUnwrap(BlockCatalog.make(inst: inst, members: BlockBuilder.classMembers(inst)))
            var rng = SplitMix64(seed: seed)
            for trial in 0..<300 {
                // Spaces from tiny to the whole container, some exactly the size of a block.
                var space = SIMD3(rng.unit() * inst.length, rng.unit() * inst.width, rng.unit() * inst.height)
                if trial % 5 == 0 { space = catalog.sizes[Int(rng.next() % UInt64(catalog.count))] }
                let list = catalog.lists[catalog.fitList(space)]
                XCTAssertEqual(list, list.sorted(), "class \(k): a fit list is out of catalog order")
                let listed = Set(list.map(Int.init))
                for b in 0..<catalog.count where all(catalog.sizes[b] .<= space + inst.eps) {
                    XCTAssertTrue(listed.contains(b), "class \(k): block \(b) of size \(catalog.sizes[b]) fits \(space) but is not listed")
                }
                let volume = space.x * space.y * space.z
                let first = catalog.firstPosition(inList: catalog.fitList(space), volumeAtMost: volume)
                for position in 0..<first { XCTAssertGreaterThan(catalog.volumes[Int(list[position])], volume) }
                if first < list.count { XCTAssertLessThanOrEqual(catalog.volumes[Int(list[first])], volume) }
            }
        }
    }

    /// The reach tables, fresh and cached, against sums of extents enumerated directly.
    func testReachTablesMatchEnumeratedSums() throws {
        let inst = instance(heterogeneityClass: 5, seed: 6)
        let members = BlockBuilder.classMembers(inst)
        let cache = try XCTUnwrap(ReachCache(inst))
        var rng = SplitMix64(seed: 11)
        let dims = [Int(inst.length), Int(inst.width), Int(inst.height)]
        for trial in 0..<12 {
            let remaining = trial == 0 ? members.map { _ in true } : members.map { _ in rng.next() % 3 != 0 }
            let fresh = try XCTUnwrap(ReachTable(inst, members: members, remaining: remaining))
            let cached = try XCTUnwrap(cache.table(remaining: remaining))
            for axis in 0..<3 {
                var extents = Set<Int>()
                for c in members.indices where remaining[c] {
                    let rep = members[c][0]
                    for k in inst.orientationStart[rep]..<inst.orientationStart[rep + 1] { extents.insert(Int(inst.orientations[k][axis])) }
                }
                // Every sum of extents up to the axis' length, by breadth-first search.
                var reached = Set([0])
                var frontier = [0]
                while let v = frontier.popLast() {
                    for d in extents where v + d <= dims[axis] && reached.insert(v + d).inserted { frontier.append(v + d) }
                }
                var longest = 0
                for r in 0...dims[axis] {
                    if reached.contains(r) { longest = r }
                    let expected = Double(r - longest)
                    XCTAssertEqual(fresh.unfilled(Double(r), axis: axis), expected, "axis \(axis), length \(r)")
                    XCTAssertEqual(cached.unfilled(Double(r), axis: axis), expected, "axis \(axis), length \(r) (cached)")
                    // A length between whole numbers counts the part above the whole number as unfilled too.
                    XCTAssertEqual(fresh.unfilled(Double(r) + 0.5, axis: axis), expected + 0.5, accuracy: 1e-9)
                }
                // Beyond the axis' length the table reads its last entry.
                XCTAssertEqual(fresh.unfilled(Double(dims[axis] + 10), axis: axis), Double(dims[axis] + 10 - longest))
            }
        }
    }
}
