import CGLPK
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A minimisation LP that grows by columns and is re-solved from its last basis: the master
/// problem of a column generation.
///
/// The rows are fixed at creation (their bounds may change later); columns are added with
/// ``addColumn(cost:lower:upper:rows:coefficients:)`` and may be switched off and on again with
/// ``setColumnBounds(_:lower:upper:)``. Every ``solve(timeLimit:)`` continues from the previous
/// basis (a primal phase 1 when bound changes made it infeasible).
///
/// The GLPK problem lives as long as the object: it holds the calling thread's GLPK environment
/// until it is released, so create, use and release it on one thread (GLPK's environment is
/// thread-local). All input is checked before
/// it reaches GLPK (which aborts the process on misuse): a bad call is a precondition failure in
/// Swift, never undefined behaviour in C.
public final class ColumnGenerationLP {
    /// How a row constrains `Σ a_j x_j`.
    public enum RowBound: Sendable, Equatable {
        case equal(Double)
        case atLeast(Double)
        case atMost(Double)
        /// The row does not constrain (e.g. switched off).
        case free
    }

    /// Outcome of a solve.
    public enum Status: Sendable, Equatable {
        case optimal
        case infeasible
        case unbounded
        /// Time limit, iteration limit or a numerical failure: no usable optimum.
        case failed
    }

    private let lp: OpaquePointer
    private let thread: pthread_t
    public let rowCount: Int
    public private(set) var columnCount = 0

    public init(rows: [RowBound]) {
        precondition(!rows.isEmpty, "a column generation LP needs at least one row")
        thread = pthread_self()
        enterGLPKEnvironment()
        _ = glp_term_out(GLP_OFF)
        lp = glp_create_prob()
        glp_set_obj_dir(lp, GLP_MIN)
        rowCount = rows.count
        glp_add_rows(lp, Int32(rows.count))
        for (i, bound) in rows.enumerated() { setRow(i, bound) }
    }

    deinit {
        glp_delete_prob(lp)
        leaveGLPKEnvironment()
    }

    private func setRow(_ i: Int, _ bound: RowBound) {
        let r = Int32(i + 1)
        switch bound {
        case .equal(let v): precondition(v.isFinite); glp_set_row_bnds(lp, r, GLP_FX, v, v)
        case .atLeast(let v): precondition(v.isFinite); glp_set_row_bnds(lp, r, GLP_LO, v, 0)
        case .atMost(let v): precondition(v.isFinite); glp_set_row_bnds(lp, r, GLP_UP, 0, v)
        case .free: glp_set_row_bnds(lp, r, GLP_FR, 0, 0)
        }
    }

    /// Changes a row's bounds (0-based row index).
    public func setRowBound(_ i: Int, _ bound: RowBound) {
        precondition(pthread_equal(thread, pthread_self()) != 0, "ColumnGenerationLP used from another thread")
        precondition(i >= 0 && i < rowCount, "row \(i) out of range")
        setRow(i, bound)
    }

    /// Adds a column with the given entries (0-based row indices, each at most once) and returns its 0-based index.
    @discardableResult
    public func addColumn(cost: Double, lower: Double = 0, upper: Double = .infinity, rows: [Int], coefficients: [Double]) -> Int {
        precondition(pthread_equal(thread, pthread_self()) != 0, "ColumnGenerationLP used from another thread")
        precondition(rows.count == coefficients.count, "rows and coefficients differ in length")
        precondition(cost.isFinite && abs(cost) < 1e30, "column cost \(cost) must be finite")
        precondition(coefficients.allSatisfy { $0.isFinite && abs($0) < 1e30 }, "column coefficients must be finite")
        precondition(Set(rows).count == rows.count && rows.allSatisfy { $0 >= 0 && $0 < rowCount }, "bad row indices \(rows)")
        glp_add_cols(lp, 1)
        columnCount += 1
        let j = Int32(columnCount)
        glp_set_obj_coef(lp, j, cost)
        applyBounds(j, lower, upper)
        if !rows.isEmpty {
            let ind = [Int32(0)] + rows.map { Int32($0 + 1) }
            let val = [0.0] + coefficients
            glp_set_mat_col(lp, j, Int32(rows.count), ind, val)
        }
        return columnCount - 1
    }

    private func applyBounds(_ j: Int32, _ lower: Double, _ upper: Double) {
        precondition(!lower.isNaN && !upper.isNaN && lower <= upper, "column bounds [\(lower), \(upper)]")
        glp_set_col_bnds(lp, j, columnType(ColumnBounds(lower: lower, upper: upper)),
                         lower.isFinite ? lower : 0, upper.isFinite ? upper : 0)
    }

    /// Changes a column's bounds (0-based index), e.g. `0...0` to switch it off.
    public func setColumnBounds(_ j: Int, lower: Double, upper: Double) {
        precondition(pthread_equal(thread, pthread_self()) != 0, "ColumnGenerationLP used from another thread")
        precondition(j >= 0 && j < columnCount, "column \(j) out of range")
        applyBounds(Int32(j + 1), lower, upper)
    }

    /// Whether a column is basic in the current basis.
    public func isBasic(_ j: Int) -> Bool {
        precondition(j >= 0 && j < columnCount, "column \(j) out of range")
        return glp_get_col_stat(lp, Int32(j + 1)) == GLP_BS
    }

    /// Deletes columns (0-based indices, each at most once). The others keep their order and are
    /// renumbered: the result maps every old index to its new one (-1 for a deleted column).
    /// Deleting a basic column invalidates the basis; the next solve then starts from a standard one.
    @discardableResult
    public func deleteColumns(_ indices: [Int]) -> [Int] {
        precondition(pthread_equal(thread, pthread_self()) != 0, "ColumnGenerationLP used from another thread")
        precondition(Set(indices).count == indices.count && indices.allSatisfy { $0 >= 0 && $0 < columnCount }, "bad column indices")
        var map = Array(0..<columnCount)
        guard !indices.isEmpty else { return map }
        let num = [Int32(0)] + indices.map { Int32($0 + 1) }
        glp_del_cols(lp, Int32(indices.count), num)
        var deleted = [Bool](repeating: false, count: columnCount)
        for j in indices { deleted[j] = true }
        var next = 0
        for j in 0..<columnCount {
            if deleted[j] { map[j] = -1 } else { map[j] = next; next += 1 }
        }
        columnCount = next
        return map
    }

    /// Re-optimises from the current basis. `timeLimit` in seconds and `iterationLimit` in simplex
    /// iterations (nil: none; reaching either is ``Status/failed``). `dual`: the dual
    /// simplex first (suits bound changes, which keep the basis dual feasible), else the primal
    /// simplex (suits added columns, which keep it primal feasible).
    public func solve(timeLimit: Double? = nil, iterationLimit: Int? = nil, dual: Bool = false) -> Status {
        precondition(pthread_equal(thread, pthread_self()) != 0, "ColumnGenerationLP used from another thread")
        guard columnCount > 0 else { return .failed }
        var parm = glp_smcp()
        glp_init_smcp(&parm)
        parm.msg_lev = GLP_MSG_OFF
        parm.presolve = GLP_OFF
        if dual { parm.meth = GLP_DUALP }
        if let iterationLimit { parm.it_lim = Int32(clamping: max(1, iterationLimit)) }
        if let timeLimit {
            let ms = (max(0, timeLimit) * 1000).rounded(.up)
            parm.tm_lim = ms >= Double(Int32.max - 1) ? Int32.max - 1 : Int32(max(1, ms))
        }
        var rc = glp_simplex(lp, &parm)
        if rc == GLP_EBADB || rc == GLP_ESING || rc == GLP_ECOND {
            // The basis went bad (e.g. after many bound changes): start again from a standard one.
            glp_std_basis(lp)
            rc = glp_simplex(lp, &parm)
        }
        guard rc == 0 else { return .failed }
        switch glp_get_status(lp) {
        case GLP_OPT: return .optimal
        case GLP_NOFEAS: return .infeasible
        case GLP_UNBND: return .unbounded
        default: return .failed
        }
    }

    /// Simplex iterations over all solves so far.
    public var simplexIterations: Int { Int(glp_get_it_cnt(lp)) }

    /// Objective value of the last solve.
    public var objective: Double { glp_get_obj_val(lp) }

    /// Row duals of the last solve (0-based rows).
    public func duals() -> [Double] { (0..<rowCount).map { tidy(glp_get_row_dual(lp, Int32($0 + 1))) } }

    /// Column values of the last solve (0-based columns).
    public func values() -> [Double] { (0..<columnCount).map { tidy(glp_get_col_prim(lp, Int32($0 + 1))) } }

    /// Value of one column in the last solve.
    public func value(_ j: Int) -> Double {
        precondition(j >= 0 && j < columnCount, "column \(j) out of range")
        return tidy(glp_get_col_prim(lp, Int32(j + 1)))
    }
}
