import HaulCore
import HaulLP

/// A lower bound on the cost of the vehicles needed, from the aggregate capacity relaxation:
/// choose how many vehicles of each type so that their weight, volume and pallet limits add up
/// to the items' totals. Any packing meets these three rows, so the optimum of this small integer
/// program (solved by HaulLP) is a valid lower bound; its LP relaxation is the fallback.
enum VehicleCountBound {
    static func compute(_ problem: LoadingProblem, timeLimit: Double) -> Double? {
        let totalWeight = problem.items.reduce(0) { $0 + $1.weight }
        let totalVolume = problem.items.reduce(0) { $0 + $1.volume }
        let totalPallets = problem.items.reduce(0) { $0 + $1.pallets }
        var model = LinearModel(direction: .minimize)
        var weightRow: [(Variable, Double)] = []
        var volumeRow: [(Variable, Double)] = []
        var palletRow: [(Variable, Double)] = []
        for type in problem.vehicleTypes where type.count > 0 {
            let v = model.addVariable(lower: 0, upper: Double(type.count), cost: type.cost, kind: .integer, name: type.id)
            // An unlimited dimension covers the whole total on its own.
            weightRow.append((v, min(type.weightLimit ?? totalWeight, totalWeight)))
            volumeRow.append((v, min(type.effectiveVolumeLimit ?? totalVolume, totalVolume)))
            palletRow.append((v, min(type.maxPallets ?? totalPallets, totalPallets)))
        }
        if totalWeight > 0 { model.addConstraint(weightRow, .greaterOrEqual, totalWeight, name: "weight") }
        if totalVolume > 0 { model.addConstraint(volumeRow, .greaterOrEqual, totalVolume, name: "volume") }
        if totalPallets > 0 { model.addConstraint(palletRow, .greaterOrEqual, totalPallets, name: "pallets") }
        // Every item needs a vehicle: at least one vehicle when there are items.
        if !problem.items.isEmpty { model.addConstraint(weightRow.map { ($0.0, 1.0) }, .greaterOrEqual, 1, name: "atLeastOne") }
        let options = HaulLP.SolveOptions(timeLimit: max(0.05, timeLimit))
        if let mip = try? LPSolver.solveMIP(model, options: options), let bound = mip.bound, mip.status != .infeasible {
            return bound
        }
        if let lp = try? LPSolver.solveLP(model, options: options), lp.status == .optimal { return lp.objective }
        return nil
    }
}
