import HaulCore

/// Items packed into vehicles by first-fit decreasing over weight, volume and pallets.
struct VehicleAssignment {
    struct Bin {
        var type: Int
        var items: [Int] = []
        var weight = 0.0
        var volume = 0.0
        var pallets = 0.0
        /// Adds item `i` of `problem`.
        mutating func add(_ i: Int, _ problem: LoadingProblem) {
            items.append(i)
            weight += problem.items[i].weight
            volume += problem.items[i].volume
            pallets += problem.items[i].pallets
        }
    }
    var bins: [Bin] = []
    var unassigned: [Int] = []
    func cost(_ problem: LoadingProblem) -> Double { bins.reduce(0) { $0 + problem.vehicleTypes[$1.type].cost } }
}

enum FirstFitDecreasing {
    /// Packs the items, opening new vehicles in `typeOrder` order (a type is skipped once its count
    /// is used up). Items are taken by decreasing relative size.
    static func pack(_ problem: LoadingProblem, typeOrder: [Int]) -> VehicleAssignment {
        let types = problem.vehicleTypes
        // A dimension that no vehicle type limits does not count towards an item's size.
        let maxWeight = types.compactMap(\.weightLimit).max()
        let maxVolume = types.compactMap(\.effectiveVolumeLimit).max()
        let maxPallets = types.compactMap(\.maxPallets).max()
        func size(_ i: Int) -> Double {
            let item = problem.items[i]
            let w = maxWeight.map { item.weight / max($0, 1e-12) } ?? 0
            let v = maxVolume.map { item.volume / max($0, 1e-12) } ?? 0
            let p = maxPallets.map { item.pallets / max($0, 1e-12) } ?? 0
            return max(w, v, p)
        }
        let order = problem.items.indices.sorted { a, b in
            let (sa, sb) = (size(a), size(b))
            return sa != sb ? sa > sb : a < b
        }
        func fits(_ i: Int, _ bin: VehicleAssignment.Bin) -> Bool {
            let item = problem.items[i], type = types[bin.type]
            if let space = type.cargoSpace, !item.fits(in: space) { return false }
            return bin.weight + item.weight <= (type.weightLimit ?? .infinity) + 1e-9
                && bin.volume + item.volume <= (type.effectiveVolumeLimit ?? .infinity) + 1e-9
                && bin.pallets + item.pallets <= (type.maxPallets ?? .infinity) + 1e-9
        }
        var result = VehicleAssignment()
        var used = [Int](repeating: 0, count: types.count)
        for i in order {
            if let b = result.bins.firstIndex(where: { fits(i, $0) }) {
                result.bins[b].add(i, problem)
                continue
            }
            var placed = false
            for t in typeOrder where used[t] < types[t].count {
                let bin = VehicleAssignment.Bin(type: t)
                guard fits(i, bin) else { continue }
                used[t] += 1
                var opened = bin
                opened.add(i, problem)
                result.bins.append(opened)
                placed = true
                break
            }
            if !placed { result.unassigned.append(i) }
        }
        return result
    }
}
