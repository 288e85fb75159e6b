import HaulCore

/// Fills one cargo space with as much volume as possible within a deadline.
///
/// Construction: the extreme-point packer on the items sorted by stop (latest stop first, so
/// that it sits furthest from the door) and then by decreasing volume, with several sort keys and
/// point rules. Improvement until the deadline, keeping the packing with the largest placed
/// volume: without stops or load-bearing limits, block building (``BlockBuilder``) over a few
/// settings in turn, a greedy build and then beam searches whose width grows at each turn (in the
/// manner of Araya and Riff's beam search with greedy evaluation, 2014, and of iterative beam
/// search), and from 40% of the time on each new best packing polished (its door end or its top
/// taken out and packed again by beam searches started from the rest); otherwise randomised restarts (sort keys with noise,
/// other point and orientation rules) and a local search on the best sequence (swapping or moving
/// items within a stop). In light mode (many short searches, ``RouteLoader``), block building
/// with a short look-ahead on random settings. Stops early when everything is placed.
struct PlacementSearch {
    let inst: PackingInstance
    var seed: UInt64
    var deadline: Double
    let clock: Stopwatch
    var isCancelled: @Sendable () -> Bool
    var onImprove: ((Double) -> Void)?
    /// Optional limit on the packings tried (constructions, block builds and local-search steps):
    /// with it and an infinite deadline the search is a deterministic function of the instance and seed.
    var maxIterations: Int?
    /// Cheap block building only (small or no look-ahead), for many short searches (``RouteLoader``).
    var light = false

    private(set) var iterations = 0

    init(_ inst: PackingInstance, seed: UInt64, deadline: Double, clock: Stopwatch, isCancelled: @escaping @Sendable () -> Bool) {
        self.inst = inst
        self.seed = seed
        self.deadline = deadline
        self.clock = clock
        self.isCancelled = isCancelled
    }

    /// A sequence sorted by stop (latest first) then by `key` descending.
    private func sorted(_ key: (Int) -> Double) -> [Int] {
        let keys = (0..<inst.count).map(key)
        return (0..<inst.count).sorted { a, b in
            if inst.rank[a] != inst.rank[b] { return inst.rank[a] > inst.rank[b] }
            return keys[a] != keys[b] ? keys[a] > keys[b] : a < b
        }
    }

    private func sortKey(_ kind: Int, _ i: Int) -> Double {
        let os = inst.orientationStart[i]..<inst.orientationStart[i + 1]
        switch kind {
        case 1: return os.map { inst.orientations[$0].z }.min() ?? 0    // height
        case 2: return os.map { inst.orientations[$0].x * inst.orientations[$0].y }.max() ?? 0   // base area
        case 3: return os.map { max(inst.orientations[$0].x, inst.orientations[$0].y, inst.orientations[$0].z) }.max() ?? 0
        default: return inst.volume[i]
        }
    }

    private var allVolume: Double { inst.volume.reduce(0, +) }

    mutating func run() -> PackResult {
        var rng = SplitMix64(seed: seed &+ 0x5EED)
        let total = allVolume
        let rules = inst.hasRanks
            ? [PackRule(pointOrder: 0, orientationRule: 0), PackRule(pointOrder: 0, orientationRule: 1), PackRule(pointOrder: 2, orientationRule: 0),
               PackRule(pointOrder: 0, orientationRule: 3)]
            : [PackRule(pointOrder: 0, orientationRule: 0), PackRule(pointOrder: 1, orientationRule: 1), PackRule(pointOrder: 0, orientationRule: 1),
               PackRule(pointOrder: 2, orientationRule: 0), PackRule(pointOrder: 1, orientationRule: 2), PackRule(pointOrder: 0, orientationRule: 3)]
        var best = PackResult()
        var bestSequence: [Int] = []
        var bestRule = rules[0]
        func done() -> Bool { best.volume >= total - 1e-9 * max(1, total) }
        let budget = maxIterations ?? .max
        func timeUp() -> Bool { iterations >= budget || clock.elapsed >= deadline || isCancelled() }
        // Long packings poll the deadline and cancellation once a first packing exists (the first
        // one always completes, so that every vehicle gets a full construction).
        let deadline = self.deadline, clock = self.clock, isCancelled = self.isCancelled
        let stopNow: () -> Bool = { clock.elapsed >= deadline || isCancelled() }
        var interruptible: (() -> Bool)? { iterations > 0 ? stopNow : nil }
        var epVolume = -1.0
        func consider(_ result: PackResult, _ sequence: [Int], _ rule: PackRule) -> Bool {
            iterations += 1
            if !sequence.isEmpty && result.volume > epVolume {
                epVolume = result.volume
                bestSequence = sequence
                bestRule = rule
            }
            guard result.volume > best.volume + 1e-12 * max(1, total) || best.boxes.isEmpty && !result.boxes.isEmpty else { return false }
            best = result
            onImprove?(result.volume)
            return true
        }
        // Deterministic constructions: each sort key with each rule, while time allows.
        func epConstructions() {
            construction: for key in 0..<4 {
                for rule in rules {
                    if iterations > 0 && (done() || timeUp()) { break construction }
                    let sequence = sorted { sortKey(key, $0) }
                    var packer = ExtremePointPacker(inst, rule: rule)
                    _ = consider(packer.pack(sequence, shouldStop: interruptible), sequence, rule)
                }
            }
        }
        // Block building, where it applies (with stops only in light mode): greedy variants first.
        let blocks = (!inst.hasRanks || light) && !inst.hasLoadLimits
        let lightWidth = 3, lightDepth = 1
        // Without stops, block building widens its beam search step by step (below); the catalog of
        // every block that fits is built once, for up to 400 boxes (beyond, each step enumerates
        // the blocks maximal in its space).
        let widening = blocks && !light
        let catalog = widening && inst.count <= 400 ? BlockCatalog.make(inst: inst, members: BlockBuilder.classMembers(inst)) : nil
        // Settings of block building, taken in turn: a greedy build each, then beam searches
        // (``BlockBuilder/beamRun(width:branching:deadline:clock:isCancelled:)``) whose width, and
        // number of blocks tried per partial packing, start at 2 and grow by half at each turn of
        // the setting. Measured on generated classes 3, 5 and 7 (10 instances each, 5 s, 2026-12-07):
        // 94.22%, 94.20% and 94.21% against 93.89%, 93.93% and 93.76% for the look-ahead that
        // widened to 48 and then went to depth 2 (each candidate block judged by one greedy
        // completion, one block placed per step); twice as many blocks per partial packing, a
        // width that doubles, half as many blocks, a first width of 4 or only the first three of
        // the six settings of then were no better. On all 20 instances of classes 1 to 7: 0.08 to 0.44 points above
        // the look-ahead run in the same hour (see Benchmarks/README.md).
        // A setting whose beam tried everything is done, and the search ends when all are.
        // Four settings: the plain ones that fill along the height first (space order 1) and
        // along the length first (order 0) never gave the final packing on 12 traced instances of
        // classes 4 and 7, and without them the others get their time: on classes 1, 3, 4, 5 and 7
        // (20 instances, 5 s) +0.07, -0.03, +0.10, +0.17 and +0.19 points (see Benchmarks/README.md).
        struct Setting { var order: Int; var waste: Double; var penalty: Double; var width = 1; var exhausted = false }
        var settings = [Setting(order: 3, waste: 1, penalty: 0), Setting(order: 1, waste: 0.5, penalty: 0.2),
                        Setting(order: 0, waste: 2, penalty: 0.2), Setting(order: 4, waste: 1, penalty: 0)]
        var nextSetting = 0
        let reachCache = widening ? ReachCache(inst) : nil
        // Polish: each time a build finds a new best packing past 40% of the search time, parts of
        // it are taken out and packed again by beam searches that start from the rest, for at most
        // 4% of the search time: in turn the boxes nearest the door and the highest ones (up to a
        // tenth, then two, three and four tenths of them, with every box resting on them), with
        // each of the four settings, widths from 8 doubling; a better packing replaces the best.
        // Measured on generated classes 1, 3, 4, 5 and 7 (20 instances, 5 s, 2026-12-08): +0.09,
        // +0.15, +0.02, +0.07 and +0.07 points (see Benchmarks/README.md).
        let searchStart = clock.elapsed
        var lastPolished = 0.0
        func polish(until end: Double) {
            struct Task { var fraction: Double; var top: Bool; var setting: Int; var width = 8; var exhausted = false }
            var tasks: [Task] = []
            for fraction in [0.1, 0.2, 0.3, 0.4] {
                for top in [false, true] {
                    for k in settings.indices { tasks.append(Task(fraction: fraction, top: top, setting: k)) }
                }
            }
            var next = 0
            // Also within the search's budget of packings (`maxIterations`), as every build is.
            while clock.elapsed < end && !timeUp() {
                guard let k = (0..<tasks.count).lazy.map({ (next + $0) % tasks.count }).first(where: { !tasks[$0].exhausted }) else { return }
                var task = tasks[k]
                let setting = settings[task.setting]
                var builder = BlockBuilder(inst: inst, spaceOrder: setting.order, depthPenalty: setting.penalty, wasteWeight: setting.waste)
                builder.catalog = catalog
                builder.reachCache = reachCache
                let kept = Self.keptForPolish(best.boxes, inst: inst, fraction: task.fraction, top: task.top)
                let result = builder.beamRun(width: task.width, branching: task.width, start: kept, deadline: end, clock: clock,
                                             isCancelled: isCancelled)
                _ = consider(result, [], bestRule)
                task.exhausted = result.exhaustive
                task.width *= 2
                tasks[k] = task
                next = (k + 1) % tasks.count
            }
        }
        func wideningBuild() {
            guard let k = (0..<settings.count).lazy.map({ (nextSetting + $0) % settings.count }).first(where: { !settings[$0].exhausted }) else {
                return
            }
            nextSetting = k
            var setting = settings[nextSetting]
            var builder = BlockBuilder(inst: inst, spaceOrder: setting.order, depthPenalty: setting.penalty, wasteWeight: setting.waste)
            builder.catalog = catalog
            builder.reachCache = reachCache
            let result = setting.width == 1
                ? builder.run(rng: &rng, deadline: deadline, clock: clock, isCancelled: isCancelled)
                : builder.beamRun(width: setting.width, branching: setting.width, deadline: deadline, clock: clock, isCancelled: isCancelled)
            _ = consider(result, [], bestRule)
            setting.exhausted = result.exhaustive
            setting.width = max(setting.width + 1, setting.width * 3 / 2)
            settings[nextSetting] = setting
            nextSetting = (nextSetting + 1) % settings.count
        }
        func blockConstructions() {
            guard blocks else { return }
            if widening {
                for _ in settings.indices where !done() && !timeUp() { wideningBuild() }
                return
            }
            for order in [1, 0] {
                for penalty in [0.0, 0.3] where !done() && !timeUp() {
                    let builder = BlockBuilder(inst: inst, spaceOrder: order, choices: 1, depthPenalty: penalty)
                    _ = consider(builder.run(rng: &rng, lookahead: lightWidth, depth: lightDepth,
                                             deadline: iterations > 0 ? deadline : .infinity, clock: clock, isCancelled: isCancelled), [], bestRule)
                }
            }
        }
        if light {
            // Measured on 3L-CVRP routes: block building with a short look-ahead places complete
            // loads about twice as often as the extreme-point packings, so it goes first.
            blockConstructions()
            epConstructions()
        } else {
            epConstructions()
            blockConstructions()
        }
        // Improvement: local search on the best sequence, with randomised restarts now and then.
        var current = bestSequence
        var currentVolume = epVolume
        var currentRule = bestRule
        var stale = 0
        while !done() && !timeUp() && inst.count > 1 {
            if widening {
                if deadline.isFinite, !best.boxes.isEmpty, best.volume > lastPolished + 1e-9 * inst.capacity,
                   clock.elapsed >= searchStart + 0.4 * (deadline - searchStart) {
                    polish(until: min(deadline, clock.elapsed + 0.04 * (deadline - searchStart)))
                    lastPolished = best.volume
                    continue
                }
                if settings.allSatisfy(\.exhausted) { break }
                wideningBuild()
                continue
            }
            if blocks && rng.unit() < 0.9 {
                // Light mode: block building with a short look-ahead, on randomised settings.
                let builder = BlockBuilder(inst: inst, spaceOrder: [1, 1, 0, 3][Int(rng.next() % 4)], choices: rng.unit() < 0.5 ? 1 : 2,
                                           depthPenalty: rng.unit() < 0.5 ? 0 : 0.3 * rng.unit(), wasteWeight: 0.5 + 1.5 * rng.unit())
                _ = consider(builder.run(rng: &rng, lookahead: lightWidth, depth: lightDepth, deadline: deadline, clock: clock,
                                         isCancelled: isCancelled), [], bestRule)
                continue
            }
            if current.isEmpty { break }
            var sequence: [Int]
            var rule = currentRule
            let restart = stale > 60
            if restart {
                // Restart from a noisy sort.
                let key = Int(rng.next() % 4)
                let noise = 0.1 + 0.3 * rng.unit()
                let keys = (0..<inst.count).map { sortKey(key, $0) * (1 + noise * (rng.unit() - 0.5)) }
                sequence = sorted { keys[$0] }
                rule = rules[Int(rng.next() % UInt64(rules.count))]
                stale = 0
            } else {
                sequence = current
                let moves = 1 + Int(rng.next() % 3)
                for _ in 0..<moves {
                    let a = Int(rng.next() % UInt64(sequence.count))
                    // Stay within the same stop so that the sequence keeps its stop order.
                    var b = a
                    for _ in 0..<8 {
                        let span = max(1, min(sequence.count - 1, 1 + Int(rng.next() % UInt64(max(1, sequence.count / 4)))))
                        let cand = (a + sequence.count + Int(rng.next() % UInt64(2 * span + 1)) - span) % sequence.count
                        if inst.rank[sequence[cand]] == inst.rank[sequence[a]] { b = cand; break }
                    }
                    if rng.next() & 1 == 0 { sequence.swapAt(a, b) }
                    else { let item = sequence.remove(at: a); sequence.insert(item, at: b) }
                }
                if rng.unit() < 0.1 { rule = rules[Int(rng.next() % UInt64(rules.count))] }
            }
            var packer = ExtremePointPacker(inst, rule: rule)
            let result = packer.pack(sequence, shouldStop: interruptible)
            _ = consider(result, sequence, rule)
            if restart || result.volume >= currentVolume - 1e-12 * max(1, total) {
                if !restart { stale = result.volume > currentVolume + 1e-12 * max(1, total) ? 0 : stale + 1 }
                current = sequence
                currentVolume = result.volume
                currentRule = rule
            } else {
                stale += 1
            }
        }
        return best
    }

    /// The boxes of a packing that a polish keeps. It takes out the boxes whose ends are nearest
    /// the door (largest x + length), or with `top` the highest (largest z + height): at most
    /// `fraction` of them, fewer when boxes end level with the last one (those stay). It also takes
    /// out every box resting, directly or not, on a box taken out, so every box kept stays supported.
    static func keptForPolish(_ boxes: [PlacedBox], inst: PackingInstance, fraction: Double, top: Bool) -> [PlacedBox] {
        let eps = inst.eps
        let n = boxes.count
        guard n > 0 else { return [] }
        let k = min(n, max(1, Int((fraction * Double(n)).rounded())))
        func end(_ b: PlacedBox) -> Double { top ? b.z + b.h : b.x + b.l }
        let ends = boxes.map(end).sorted(by: >)
        let cut = k < n ? ends[k] : -Double.infinity
        var removed = boxes.map { end($0) > cut + eps }
        var changed = true
        while changed {
            changed = false
            for i in boxes.indices where !removed[i] {
                let b = boxes[i]
                for j in boxes.indices where removed[j] {
                    let r = boxes[j]
                    if abs(r.z + r.h - b.z) <= eps && min(b.x + b.l, r.x + r.l) - max(b.x, r.x) > eps
                        && min(b.y + b.w, r.y + r.w) - max(b.y, r.y) > eps {
                        removed[i] = true
                        changed = true
                        break
                    }
                }
            }
        }
        return boxes.indices.filter { !removed[$0] }.map { boxes[$0] }
    }
}
