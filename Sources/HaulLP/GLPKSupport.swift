import CGLPK
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// Everything in this file runs on the thread that called the solver, inside
// `withGLPKEnvironment`. GLPK keeps one environment per thread (thread-local storage), so solves on
// different threads share nothing.

/// Per-thread nesting depth of `withGLPKEnvironment`, so that a solve started from inside a callback
/// of another solve on the same thread does not free the outer solve's environment.
private let glpkDepthKey: pthread_key_t = {
    var key = pthread_key_t()
    let rc = pthread_key_create(&key, nil)
    precondition(rc == 0, "pthread_key_create failed (\(rc))")
    return key
}()

/// Runs `body` with GLPK's terminal output off; when the outermost call on this thread returns, the
/// thread's GLPK environment is released with `glp_free_env()`.
func withGLPKEnvironment<T>(_ body: () throws -> T) rethrows -> T {
    let depth = Int(bitPattern: pthread_getspecific(glpkDepthKey))
    pthread_setspecific(glpkDepthKey, UnsafeRawPointer(bitPattern: depth + 1))
    defer {
        pthread_setspecific(glpkDepthKey, UnsafeRawPointer(bitPattern: depth))
        if depth == 0 { _ = glp_free_env() }
    }
    _ = glp_term_out(GLP_OFF)
    return try body()
}

/// Enters the thread's GLPK environment for an object that outlives one call (``ColumnGenerationLP``):
/// the environment stays until the matching `leaveGLPKEnvironment()`.
func enterGLPKEnvironment() {
    let depth = Int(bitPattern: pthread_getspecific(glpkDepthKey))
    pthread_setspecific(glpkDepthKey, UnsafeRawPointer(bitPattern: depth + 1))
}

/// Leaves what `enterGLPKEnvironment()` entered; the outermost leave frees the thread's environment.
func leaveGLPKEnvironment() {
    let depth = Int(bitPattern: pthread_getspecific(glpkDepthKey))
    pthread_setspecific(glpkDepthKey, UnsafeRawPointer(bitPattern: max(0, depth - 1)))
    if depth <= 1 { _ = glp_free_env() }
}

/// A deadline derived from `SolveOptions.timeLimit`.
struct Deadline {
    let clock = ContinuousClock()
    let start: ContinuousClock.Instant
    let limit: Double?

    init(limit: Double?) {
        self.start = clock.now
        self.limit = limit
    }

    var elapsed: Double {
        let d = clock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    var expired: Bool {
        guard let limit else { return false }
        return elapsed >= limit
    }

    /// The remaining time in GLPK's `tm_lim` unit (milliseconds, at least 1); `Int32.max` (GLPK's
    /// "no limit") when there is no limit.
    var remainingMilliseconds: Int32 {
        guard let limit else { return Int32.max }
        let ms = ((limit - elapsed) * 1000).rounded(.up)
        if !(ms >= 1) { return 1 }
        if ms >= Double(Int32.max - 1) { return Int32.max - 1 }
        return Int32(ms)
    }
}

/// Column bounds as handed to GLPK.
struct ColumnBounds {
    var lower: Double
    var upper: Double
}

/// GLPK's bound type for `b` (`GLP_FX` when the bounds coincide: `GLP_DB` needs `lb < ub`).
func columnType(_ b: ColumnBounds) -> Int32 {
    switch (b.lower.isFinite, b.upper.isFinite) {
    case (false, false): return GLP_FR
    case (true, false): return GLP_LO
    case (false, true): return GLP_UP
    case (true, true): return b.lower == b.upper ? GLP_FX : GLP_DB
    }
}

/// Creates a GLPK problem for `model`. The caller must `glp_delete_prob` it. The model must have
/// passed validation (GLPK aborts the process on bad input).
func makeGLPKProblem(_ model: LinearModel, bounds: [ColumnBounds], integer: Bool) -> OpaquePointer {
    let lp: OpaquePointer = glp_create_prob()
    glp_set_obj_dir(lp, model.direction == .minimize ? GLP_MIN : GLP_MAX)
    glp_set_obj_coef(lp, 0, model.objectiveConstant)
    let n = model.columns.count, m = model.rows.count
    if n > 0 { glp_add_cols(lp, Int32(n)) }
    if m > 0 { glp_add_rows(lp, Int32(m)) }
    for (j, column) in model.columns.enumerated() {
        let col = Int32(j + 1)
        let b = bounds[j]
        glp_set_col_bnds(lp, col, columnType(b), b.lower.isFinite ? b.lower : 0, b.upper.isFinite ? b.upper : 0)
        glp_set_obj_coef(lp, col, column.cost)
        if integer && column.kind != .continuous { glp_set_col_kind(lp, col, GLP_IV) }
    }
    var ia: [Int32] = [0], ja: [Int32] = [0], ar: [Double] = [0]
    var scratch = RowMergeScratch(columnCount: n)
    for (i, row) in model.rows.enumerated() {
        let r = Int32(i + 1)
        switch row.relation {
        case .lessOrEqual: glp_set_row_bnds(lp, r, GLP_UP, 0, row.rhs)
        case .greaterOrEqual: glp_set_row_bnds(lp, r, GLP_LO, row.rhs, 0)
        case .equal: glp_set_row_bnds(lp, r, GLP_FX, row.rhs, row.rhs)
        }
        for (j, a) in scratch.merge(row) {
            ia.append(r)
            ja.append(Int32(j + 1))
            ar.append(a)
        }
    }
    if ia.count > 1 { glp_load_matrix(lp, Int32(ia.count - 1), ia, ja, ar) }
    glp_scale_prob(lp, GLP_SF_AUTO)
    return lp
}

/// One run of the simplex method. Without presolve and warm start an advanced initial basis is
/// built first; a warm start continues from the problem's current basis.
func runSimplex(_ lp: OpaquePointer, presolve: Bool, timeLimitMilliseconds: Int32, warmStart: Bool = false) -> Int32 {
    var parm = glp_smcp()
    glp_init_smcp(&parm)
    parm.msg_lev = GLP_MSG_OFF
    parm.presolve = presolve ? GLP_ON : GLP_OFF
    parm.tm_lim = timeLimitMilliseconds
    if !presolve && !warmStart { glp_adv_basis(lp, 0) }
    return glp_simplex(lp, &parm)
}

/// `-0.0` as `0.0`, so printed results stay tidy.
@inline(__always) func tidy(_ x: Double) -> Double { x == 0 ? 0 : x }

/// State shared with GLPK's branch-and-cut callback through `cb_info`.
final class MIPCallbackContext {
    let maximize: Bool
    let columnCount: Int
    /// The checked MIP start, 1-based as GLPK wants it (`start[0]` unused).
    let start: [Double]?
    let shouldStop: (@Sendable () -> Bool)?
    let onProgress: (@Sendable (MIPProgress) -> Void)?
    let progressInterval: Duration?
    let clock = ContinuousClock()
    var lastProgress: ContinuousClock.Instant

    var startOffered = false
    var startAccepted = false
    var stopRequested = false
    /// Best global bound seen: the best local bound over the active nodes (`glp_ios_best_node`).
    var bound: Double?
    /// Total nodes created (`t_cnt` of `glp_ios_tree_size`).
    var nodes = 0

    init(maximize: Bool, columnCount: Int, start: [Double]?, shouldStop: (@Sendable () -> Bool)?,
         onProgress: (@Sendable (MIPProgress) -> Void)?, progressInterval: Double) {
        self.maximize = maximize
        self.columnCount = columnCount
        self.start = start
        self.shouldStop = shouldStop
        self.onProgress = onProgress
        self.progressInterval = progressInterval.isFinite ? .seconds(Swift.max(0, progressInterval)) : nil
        self.lastProgress = clock.now
    }

    /// Records a valid global bound; keeps the tightest one seen.
    func noteBound(_ b: Double) {
        // GLPK initialises the root's bound to ∓DBL_MAX before its LP is solved.
        guard b.isFinite, abs(b) < 1e300 else { return }
        if let old = bound {
            bound = maximize ? Swift.min(old, b) : Swift.max(old, b)
        } else {
            bound = b
        }
    }

    func incumbent(_ tree: OpaquePointer) -> Double? {
        let prob: OpaquePointer = glp_ios_get_prob(tree)
        let status = glp_mip_status(prob)
        return status == GLP_FEAS || status == GLP_OPT ? glp_mip_obj_val(prob) : nil
    }

    func handle(_ tree: OpaquePointer) {
        let reason = glp_ios_reason(tree)
        var newIncumbent = false
        var total: Int32 = 0
        glp_ios_tree_size(tree, nil, nil, &total)
        nodes = Swift.max(nodes, Int(total))
        let best = glp_ios_best_node(tree)
        if best != 0 { noteBound(glp_ios_node_bound(tree, best)) }

        if reason == GLP_IHEUR && !startOffered {
            startOffered = true
            // Only meaningful when GLPK works on our columns (no MIP presolver).
            if let start, glp_get_num_cols(glp_ios_get_prob(tree)) == Int32(columnCount) {
                let rc = start.withUnsafeBufferPointer { glp_ios_heur_sol(tree, $0.baseAddress) }
                startAccepted = rc == 0
                // GLPK does not raise GLP_IBINGO for heuristic solutions: report it here.
                newIncumbent = startAccepted
            }
        }

        if let onProgress {
            let now = clock.now
            let due = progressInterval.map { now - lastProgress >= $0 } ?? false
            if reason == GLP_IBINGO || newIncumbent || due {
                lastProgress = now
                onProgress(MIPProgress(incumbent: incumbent(tree), bound: bound, nodes: nodes))
            }
        }

        if !stopRequested, let shouldStop, shouldStop() {
            stopRequested = true
            glp_ios_terminate(tree)
        }
    }
}

/// GLPK's `cb_func`: forwards to the `MIPCallbackContext` passed as `cb_info`.
func mipCallbackTrampoline(_ tree: OpaquePointer?, _ info: UnsafeMutableRawPointer?) {
    guard let tree, let info else { return }
    Unmanaged<MIPCallbackContext>.fromOpaque(info).takeUnretainedValue().handle(tree)
}
