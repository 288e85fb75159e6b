import HaulCore

/// Loads the items of one route into its vehicle's cargo space: the loading-feasibility test of
/// the 3L-CVRP (Gendreau, Iori, Laporte and Martello, 2006).
///
/// The problem is the one ``RoutingProblem/routeLoadingProblem(vehicleType:customers:)`` builds:
/// one vehicle type with a cargo space, the route's items with their customers as stops and the
/// visiting order as `stopOrder`. Cheap necessary conditions come first (each item fits the space,
/// total volume, the floor area of the items too tall to stand on one another); then
/// ``PlacementSearch`` in its light mode: block building over maximal free spaces with a one-level
/// look-ahead among the three best blocks (unloading order kept, later customers first), then
/// extreme-point packings in several sort orders and rules, then randomised block building and a
/// local search on the sequence, within an effort budget counted in packings, not seconds, so
/// that the answer is a deterministic function of the items, the order and the seed.
///
/// Measured on random 3L-CVRP routes of the Gendreau et al. set filled to 60% of the volume, the
/// block building finds complete loads about twice as often as the extreme-point packings alone;
/// last-in-first-out unloading is what makes most of those routes unloadable (without it, nearly
/// all of them load).
public enum RouteLoader {
    /// Packings tried before a route is declared unloadable, by default: 4 block buildings and
    /// 8 extreme-point packings, about 1 to 2 ms for a route of 10 to 20 boxes.
    public static let defaultEffort = 12

    /// Where every item goes, or `nil` when no complete placement was found within `effort` packings.
    ///
    /// - Parameters:
    ///   - problem: The route's loading problem (its first vehicle type's cargo space is used; its
    ///     weight, volume and pallet limits, if any, too).
    ///   - effort: Packings to try at most (at least 1).
    ///   - seed: Seed of the randomised steps.
    ///   - isCancelled: Polled between packings.
    public static func place(_ problem: LoadingProblem, effort: Int = defaultEffort, seed: UInt64 = 1,
                             isCancelled: @escaping @Sendable () -> Bool = { false }) -> [PlacementPlan]? {
        guard let type = problem.vehicleTypes.first, let space = type.cargoSpace else { return nil }
        if problem.items.isEmpty { return [] }
        guard passesQuickChecks(problem.items, space: space, weightLimit: type.weightLimit),
              problem.items.reduce(0, { $0 + $1.pallets }) <= (type.maxPallets ?? .infinity) + 1e-9,
              problem.items.reduce(0, { $0 + $1.volume }) <= (type.volumeLimit ?? .infinity) * (1 + 1e-9) else { return nil }
        let inst = PackingInstance(problem: problem, space: space, weightLimit: type.weightLimit, volumeLimit: type.volumeLimit,
                                   palletLimit: type.maxPallets,
                                   items: Array(problem.items.indices), ranks: problem.stopRanks)
        var search = PlacementSearch(inst, seed: seed, deadline: .infinity, clock: Stopwatch(), isCancelled: isCancelled)
        search.maxIterations = max(1, effort)
        search.light = true
        let result = search.run()
        guard result.boxes.count == problem.items.count else { return nil }
        return result.boxes.map { b in
            PlacementPlan(item: problem.items[inst.itemIndex[b.item]].id, x: b.x, y: b.y, z: b.z, length: b.l, width: b.w, height: b.h)
        }
    }

    /// Necessary conditions: every item fits the space alone; weight and volume within the limits;
    /// the items that cannot stand on one another (every allowed height above half the space's)
    /// cover no more than the floor with their smallest bases.
    static func passesQuickChecks(_ items: [LoadingItem], space: CargoSpace, weightLimit: Double?) -> Bool {
        let tol = 1e-9 * max(1, space.volume)
        var volume = 0.0, weight = 0.0, tallArea = 0.0
        for item in items {
            guard item.fits(in: space) else { return false }
            volume += item.volume
            weight += item.weight
            let fitting = item.orientations.filter { $0.0 <= space.length * (1 + 1e-9) && $0.1 <= space.width * (1 + 1e-9) && $0.2 <= space.height * (1 + 1e-9) }
            if fitting.allSatisfy({ 2 * $0.2 > space.height }) {
                tallArea += fitting.map { $0.0 * $0.1 }.min() ?? 0
            }
        }
        if volume > space.volume + tol { return false }
        if let w = weightLimit, weight > w + 1e-9 * max(1, w) { return false }
        return tallArea <= space.length * space.width * (1 + 1e-9)
    }
}
