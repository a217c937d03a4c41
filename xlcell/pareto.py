"""Pareto fronts: weighted sum and epsilon-constraint scans, non-dominated filtering, hypervolume, knee point.

Both scans start from the *anchors*, the lexicographic minimum of each objective (minimise f_k, then the sum of
the others with f_k held at its minimum), which give the ideal point (best of each objective) and the nadir
point (worst of each objective over the anchors). Objectives are normalised so that the ideal is 0 and the
nadir is 1 (f̂ = (f - ideal) / (nadir - ideal)); every sub-problem is solved by SLSQP (:mod:`xlcell.optimize`)
warm-started from the solution of the nearest sub-problem already solved, with a seeded multi-start fallback
when the warm start ends infeasible.

* Weighted sum: minimise Σ w_k f̂_k over a simplex lattice of weights (Das and Dennis 1998). It finds only the
  convex hull of the front: on a non-convex front the interior weights all return to an anchor.
* Epsilon-constraint (Haimes et al. 1971; augmented after Mavrotas 2009): minimise f̂_1 + ρ Σ_{k>1} f̂_k subject
  to f̂_k <= ε_k for k > 1, over a grid of ε. It recovers non-convex fronts too.

The batched solver (the default for two objectives, issue 15) solves the sub-problems together, one population
call per iteration for all of them (:func:`xlcell.optimize.solve_batch`; Newton steps on finite-difference
Hessians for up to six variables). For an epsilon-constraint front of two objectives it first evaluates a seeded
space-filling sample in one call (a few hundred designs per variable: the call costs nearly the same as one
design) whose best designs start the anchors and whose feasible non-dominated set tells where the front runs;
the levels go at equal arc length along that shape, each bounding the objective that changes faster there, and
are solved in the same batch as the anchors, each from its best sample design; a quarter of the levels, and
every level that batch loses (infeasible at its iteration limit, a duplicate or dominated), then go into the
gaps of the front that lose the most hypervolume, started between the designs at each gap's ends. A front of
more than 21 points over at most two design variables solves one sub-problem per 6 points (at least 21) that way and interpolates the others
between solved neighbours in the gaps that lose the most hypervolume (along the chord in the design space, and
across a kink of the Pareto set, where the neighbours hold different bounds or constraints, along the tangents
that meet there), all evaluated in the one model call that also gives the outputs: the levels' last Newton
iteration, on which they ride (placed on the front as it stands before that step, between the levels' trial
points, a design more for each level not yet feasible, the surplus trimmed by least hypervolume of its own; a
second round fills the gaps of levels lost in that step). Every point returned is a
design the model evaluated, feasible and non-dominated (an interpolated one lies off the front by about the
square of its solved neighbours' spacing at most; against the benchmark's dense reference fronts, 1-3 points of
141 lie more than 1e-4 of the range behind them, as on the fronts whose every point is solved).

The hypervolume is measured in the normalised space with the reference point 1.1 on every axis (exact: a sweep
in 2-D, recursive slicing above). The knee is the front point with the least Σ f̂_k, the point furthest
beyond the hyperplane through the anchors (in 2-D: furthest from the chord between the two ends).
"""
from __future__ import annotations

import heapq
import itertools
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import numpy as np

from .errors import InfeasibleError, InputError
from .optimize import (FEASIBILITY_TOL, BatchResult, DesignProblem, FunctionProblem, SubResult, _better, _Sub, key_units,
                       lhs, minimize, model_constraints, multistart, objective_scale, one_blas_thread, scale_of,
                       solve_batch, start_points)
from .params import param, per_item

#: reference point of the normalised hypervolume (ideal = 0, nadir = 1)
HV_REFERENCE = 1.1
METHODS = ("epsilon", "weighted")
SOLVERS = ("batched", "sequential")
_COARSE = 4  # the batched solver solves every _COARSE-th sub-problem first, then the rest warm-started between them
_RHO = 1e-3  # augmentation of the epsilon-constraint objective (avoids weakly dominated points)
_ANCHOR_SLACK = 1e-8  # slack on the anchored objective in the lexicographic second stage (scaled)
_SAME = 1e-5  # normalised objective values closer than this are the same point (solver tolerance)
#: the batched solver's space-filling sample: designs per decision variable, at most _SAMPLE_MAX, in one model call
#: (its cost is nearly flat in the number of designs); its best points start the anchors, its non-dominated set
#: shapes where the epsilon levels go and starts their sub-problems
_SAMPLE_PER_VAR = 256
_SAMPLE_MIN, _SAMPLE_MAX = 256, 4096
#: step and merit tolerance (in u, scaled objectives) of the batched front's sub-problems: 1e-7 moves a point by
#: far less than the gaps between front points, which are what the hypervolume loses at 1e-3 (issue 15)
_FRONT_TOL = 1e-7
#: iterations (model calls) of the front's sub-problems, Newton (finite-difference Hessians; fewer with
#: interpolated points, :func:`_front_maxiter`) and BFGS: from the sample's designs most Newton solves converge in
#: 3-4 iterations with 2 variables and 4-8 with 4 (the sample is sparser; 3 in the gap-filling batch, started
#: between two solved neighbours); a straggler (a level at a jump of the model) stops at the limit as it stands,
#: and its sub-problem, if infeasible or dominated, goes to the gap-filling batch or its gap to the interpolated
#: points. BFGS on many variables needs more.
_FRONT_MAXITER = {"fd": 8, "bfgs": 40}
_GAP_MAXITER = {"fd": 5, "bfgs": 40}
#: Newton iterations of a gap-filling level on a front of more than :data:`_SKELETON_MIN` points: its start lies
#: between two solved neighbours a few hundredths of the front apart, so two steps bring it to the front (on the
#: 4-variable energy-power front, 101 and 121 points: the same hypervolume to 4 digits as with 5, 14 model calls
#: instead of 17; issue 15)
_DENSE_GAP_MAXITER = 2
#: iterations and tolerance of the anchors (they fix the ideal and the nadir, so they converge fully: with BFGS the
#: ρ-small pull of the other objectives, e.g. ZDT's g back to 1 at f1 = 0, needs the tight tolerance; Newton
#: steps converge quadratically, so 1e-7 on the step already leaves no visible error)
_ANCHOR_MAXITER = 100
_ANCHOR_TOL = {"fd": _FRONT_TOL, "bfgs": 1e-9}
#: the anchors' step tolerance (Newton, in u) on a front with interpolated points, whose levels stop after 3
#: iterations anyway: the last Newton step of an anchor moves it by less than this, so its objectives by about 1e-5
#: of their range where a bound or a constraint holds it (far less at an interior minimum), below what the
#: interpolated front resolves; it saves the model call that only confirmed the step (issue 15: the 2-variable
#: fronts take 6 calls instead of 7, the same hypervolume to 5 digits)
_FILL_ANCHOR_TOL = 1e-5
#: a start's merit: its sub-problem's objective plus this times its violation (a near start slightly outside
#: beats a far feasible one)
_START_MU = 30.0
#: finite-difference Hessians (Newton SQP) up to this many variables, damped BFGS above (the stencil grows as n²)
_FD_HESSIAN_VARS = 6
#: share of the sub-problems kept for the gap-filling batch (with those the first batch loses)
_GAP_FILL = 0.25
#: rounds of gap filling, a round after the first only when the last lost more than this share of the levels
_GAP_ROUNDS, _GAP_REROUND = 3, 0.2
#: a 2-objective front of up to this many points solves a sub-problem for each; a larger one solves one per
#: _FILL_PER points (at least _SKELETON_MIN) and interpolates the others between solved neighbours, in at most
#: _FILL_ROUNDS model calls (a second only when the first lost more than _GAP_REROUND of them)
_SKELETON_MIN, _FILL_PER, _FILL_ROUNDS = 21, 6, 2
#: interpolated points only on problems of at most this many design variables: with the OCV curves in the pulse
#: (issue 13) the 4-variable energy-power problem's Pareto set bends between solved designs, and its interpolated
#: fronts reached 0.9877 / 0.9908 of the reference hypervolume at 121 / 201 points against 0.9963 / 0.9987 solved
#: (the 2-variable problems: 0.9937 / 0.9964 against 0.9944 / 0.9967)
_INTERP_MAX_VAR = 2
#: a level stopped at its iteration limit this close to feasible (scaled violation) is no sign of a front the
#: first batch missed: it does not count towards the gap-filling batch of a front with interpolated points
_NEAR_FEASIBLE = 1e-3


# --------------------------------------------------------------------------------------------------
# Front geometry
# --------------------------------------------------------------------------------------------------
#: rows compared at once by the general non-dominance test: memory O(_CHUNK · n · m) instead of O(n² m)
_CHUNK = 512
#: the exact hypervolume's work grows like n^(m-1) for m >= 3 objectives (HSO); above this it is refused
HV_WORK_LIMIT = 1e7


def non_dominated(F: np.ndarray, tol: float = 0.0) -> np.ndarray:
    """Mask of the rows of ``F`` (minimisation form) that no other row dominates; of equal rows only the first.

    With ``tol > 0``, values within ``tol`` count as equal (a row must be better by more than ``tol`` somewhere
    to dominate). Two finite objectives with ``tol = 0``: one sort and a running minimum, O(n log n) time and
    O(n) memory. Otherwise a vectorised pairwise comparison in blocks of :data:`_CHUNK` rows, O(n² m) time and
    O(_CHUNK · n · m) memory.

    Parameters
    ----------
    F : ndarray
        Points, one per row, objectives in minimisation form (shape n × m, objectives' units).
    tol : float
        Differences up to ``tol`` (in the objectives' units) count as equal; 0 = exact comparison.
    """
    F = np.atleast_2d(np.asarray(F, dtype=float))
    n = F.shape[0]
    if n == 0:
        return np.zeros(0, dtype=bool)
    if F.shape[1] == 2 and tol == 0.0 and np.all(np.isfinite(F)):
        return _non_dominated_2d(F)
    keep = np.empty(n, dtype=bool)
    for start in range(0, n, _CHUNK):  # columns i of the pairwise tables, a block at a time
        block = F[start:start + _CHUNK]
        # one objective at a time (numpy's all/any over a last axis of a few objectives is 20x slower)
        le = np.ones((n, len(block)), dtype=bool)  # le[j, i]: row j <= row i everywhere
        lt = np.zeros((n, len(block)), dtype=bool)  # row j < row i somewhere
        ge = np.ones((n, len(block)), dtype=bool)  # row i <= row j everywhere
        for c in range(F.shape[1]):
            a, b = F[:, c][:, None], block[:, c][None, :]
            le &= a <= b + tol
            lt |= a < b - tol
            ge &= b <= a + tol
        dominated = np.any(le & lt, axis=0)
        first_equal = np.argmax(le & ge, axis=0)  # index of the first row equal to each row of the block
        keep[start:start + len(block)] = ~dominated & (first_equal == np.arange(start, start + len(block)))
    return keep


def _non_dominated_2d(F: np.ndarray) -> np.ndarray:
    """Two objectives: sorted by the first (ties by the second, then by row), a row survives only if its second
    objective is below every earlier row's; an earlier equal row or one as good in both removes it."""
    order = np.lexsort((np.arange(F.shape[0]), F[:, 1], F[:, 0]))
    y = F[order, 1]
    best_before = np.r_[np.inf, np.minimum.accumulate(y)[:-1]]
    keep = np.zeros(F.shape[0], dtype=bool)
    keep[order] = y < best_before
    return keep


def hypervolume(F: np.ndarray, ref: Iterable[float]) -> float:
    """Exact hypervolume dominated by the rows of ``F`` (minimisation) and bounded by ``ref``.

    Points that do not strictly dominate ``ref`` add nothing. 2-D: a sort and sweep; m-D: slicing along the
    last objective (HSO, While et al. 2006), whose work grows like n^(m-1): above :data:`HV_WORK_LIMIT` it raises
    :class:`~xlcell.errors.InputError` instead of running for minutes.

    Parameters
    ----------
    F : ndarray
        Points, one per row, objectives in minimisation form (shape n × m, in the objectives' own units).
    ref : iterable of float
        Reference point (m values, same units); only points strictly better in every objective count.
    """
    F = np.atleast_2d(np.asarray(F, dtype=float))
    r = np.asarray(list(ref), dtype=float)
    if F.size == 0:
        return 0.0
    F = F[np.all(F < r, axis=1)]
    if F.shape[0] == 0:
        return 0.0
    F = F[non_dominated(F)]
    n, m = F.shape
    if m >= 3 and float(n) ** (m - 1) > HV_WORK_LIMIT:
        raise InputError("points", f"{n} non-dominated points in {m} objectives",
                         f"at most n^(m-1) = {HV_WORK_LIMIT:.0e} for the exact hypervolume (e.g. "
                         f"{int(HV_WORK_LIMIT ** (1 / (m - 1)))} points in {m} objectives); use fewer points or objectives")
    return float(_hv(F, r))


def _hv(F: np.ndarray, r: np.ndarray) -> float:
    m = F.shape[1]
    if m == 1:
        return float(r[0] - F[:, 0].min())
    if m == 2:
        P = F[np.argsort(F[:, 0])]
        y = np.minimum.accumulate(P[:, 1])
        x_next = np.r_[P[1:, 0], r[0]]
        return float(np.sum((x_next - P[:, 0]) * (r[1] - y)))
    P = F[np.argsort(F[:, -1])]
    total = 0.0
    for i in range(P.shape[0]):
        top = P[i + 1, -1] if i + 1 < P.shape[0] else r[-1]
        depth = top - P[i, -1]
        if depth > 0:
            S = P[: i + 1, :-1]
            total += depth * _hv(S[non_dominated(S)], r[:-1])
    return total


def knee_index(F: np.ndarray, ideal: np.ndarray, nadir: np.ndarray) -> int:
    """Index of the knee: the least sum of normalised objectives (minimisation form).

    Parameters
    ----------
    F : ndarray
        Front, one point per row, minimisation form (shape n × m, objectives' units).
    ideal : ndarray
        Best value of each objective (m values, same units).
    nadir : ndarray
        Worst value of each objective on the front (m values, same units).
    """
    F = np.atleast_2d(F)
    span = np.where(nadir - ideal > 0, nadir - ideal, 1.0)
    return int(np.argmin(((F - ideal) / span).sum(axis=1)))


def simplex_lattice(n_obj: int, n_points: int) -> np.ndarray:
    """Das-Dennis weights: the simplex lattice with the most divisions giving at most ``n_points`` weights
    (at least the m corners), ordered lexicographically from the first objective's corner.

    Parameters
    ----------
    n_obj : int
        Number of objectives m (>= 1).
    n_points : int
        Largest number of weight vectors wanted.
    """
    h = 1
    while _n_lattice(n_obj, h + 1) <= n_points:
        h += 1
    W = [np.array(c) / h for c in itertools.product(range(h, -1, -1), repeat=n_obj - 1) if sum(c) <= h]
    return np.array([np.r_[w, 1.0 - w.sum()] for w in W])


def _n_lattice(m: int, h: int) -> int:
    from math import comb
    return comb(h + m - 1, m - 1)


# --------------------------------------------------------------------------------------------------
# The front
# --------------------------------------------------------------------------------------------------
@dataclass
class ParetoFront:
    """A Pareto front, sorted by the first objective (display units, objectives in their natural sense)."""

    method: str = field(metadata=param("Method", "text", key="method"))
    variable_keys: list[str] = field(metadata=param("Decision variables (registry keys)", "text", key="variable_keys"))
    objective_keys: list[str] = field(metadata=param("Objectives (registry keys)", "text", key="objective_keys"))
    senses: np.ndarray = field(metadata=param("Sense of each objective: +1 minimise, -1 maximise", "-", key="senses"))
    X: np.ndarray = field(metadata=per_item("Decision variables", key="X", units="units", items="variable_keys",
                                            display=True, doc="(n, n_var)"))
    F: np.ndarray = field(metadata=per_item("Objectives, natural sense", key="F", units="units", items="objective_keys",
                                            display=True, doc="(n, n_obj)"))
    outputs: dict[str, np.ndarray] = field(metadata=per_item(
        "Objectives, constrained outputs and extra report keys at each point", key="outputs", units="units",
        display=True))
    ideal: np.ndarray = field(metadata=per_item("Best value of each objective (natural sense)", key="ideal",
                                                units="units", items="objective_keys", display=True))
    nadir: np.ndarray = field(metadata=per_item("Worst value of each objective over the anchors (natural sense)",
                                                key="nadir", units="units", items="objective_keys", display=True))
    hypervolume: float = field(metadata=param(
        "Normalised hypervolume (ideal 0, nadir 1, reference 1.1)", "-", key="hypervolume",
        doc="NaN for fewer than 2 points"))
    knee: int = field(metadata=param("Index of the knee point", "-", key="knee"))
    n_subproblems: int = field(metadata=param("Sub-problems", "-", key="subproblems"))
    n_infeasible: int = field(metadata=param(
        "Sub-problems that ended infeasible, and interpolated designs found infeasible (dropped)", "-",
        key="infeasible"))
    n_dominated: int = field(metadata=param(
        "Feasible solutions and interpolated designs dropped as dominated or duplicate", "-", key="dominated"))
    n_model_calls: int = field(metadata=param("Model calls", "-", key="model_calls"))
    n_interpolated: int = field(default=0, metadata=param(
        "Points interpolated between solved neighbours (each evaluated by the model, feasible)", "-",
        key="interpolated"))
    seconds: float = field(default=0.0, compare=False, metadata=param("Run time", "s", key="seconds"))
    units: dict[str, str] = field(default_factory=dict, metadata=param(
        "Display unit of each variable and output: the registry's (optimize.key_units)", "text", key="units"))

    def __len__(self) -> int:
        return self.F.shape[0]

    @property
    def F_min(self) -> np.ndarray:
        """Objectives in minimisation form."""
        return self.F * self.senses

    def normalised(self) -> np.ndarray:
        span = np.where(self.nadir != self.ideal, self.nadir - self.ideal, 1.0)
        return (self.F - self.ideal) / span

    def table(self) -> dict[str, list[float]]:
        """Columns for a sheet: point number, variables, outputs, knee flag (one list per column)."""
        cols: dict[str, list[float]] = {"point": list(range(1, len(self) + 1))}
        for i, k in enumerate(self.variable_keys):
            cols[k] = self.X[:, i].tolist()
        for k, v in self.outputs.items():
            if k not in cols:
                cols[k] = np.asarray(v, dtype=float).tolist()
        cols["knee"] = [i == self.knee for i in range(len(self))]
        return cols

    def design(self, i: int | None = None) -> dict[str, float]:
        """Decision variables of point ``i`` (default: the knee).

        Parameters
        ----------
        i : int, optional
            Row of the front (default: the knee point).
        """
        i = self.knee if i is None else i
        return dict(zip(self.variable_keys, map(float, self.X[i])))


def _scaled(F: np.ndarray, off: np.ndarray, scale: np.ndarray) -> np.ndarray:
    return (F - off) / scale


def _anchor(problem: Any, k: int, off: np.ndarray, scale: np.ndarray, n_starts: int, seed: int,
            first: np.ndarray) -> tuple[SubResult, int]:
    """Lexicographic minimum of objective k: min f_k, then min Σ_{j≠k} f_j with f_k held at its minimum."""
    cons = model_constraints(problem) if problem.n_con else None

    def s1(F, G):
        return _scaled(F, off, scale)[:, k]

    starts = start_points(problem, s1, cons, n_starts, seed, extra=[first])
    best, calls = multistart(problem, s1, cons, starts)
    if not best.feasible:
        r = minimize(problem, k, n_starts=n_starts, seed=seed)
        raise InfeasibleError(r.message)
    fk = s1(best.F[None, :], best.G[None, :])[0]
    others = [j for j in range(problem.n_obj) if j != k]

    def s2(F, G):
        return _scaled(F, off, scale)[:, others].sum(axis=1)

    def c2(F, G):
        hold = (fk + _ANCHOR_SLACK - _scaled(F, off, scale)[:, k])[:, None]
        return hold if cons is None else np.hstack([cons(F, G), hold])

    sub = _Sub(problem, s2, c2)
    r2 = sub.solve(best.u)
    calls += sub.n_model_calls
    return (r2 if r2.feasible else best), calls


def _lhs_ranked(problem: Any, scalar: Callable, cons: Callable | None, n_sub: int, n_starts: int,
                seed: int) -> tuple[np.ndarray, int]:
    """The best ``n_starts`` points of one seeded LHS sample for each of ``n_sub`` batched sub-problems, ranked by
    constraint violation, then by the sub-problem's objective: (n_sub, n_starts, n_var) starts, from one model call."""
    d = problem.xl.size
    U = lhs(max(16, 8 * n_starts), d, seed)
    F, G = problem.evaluate(problem.xl + U * (problem.xu - problem.xl))
    n = len(U)
    idx = np.repeat(np.arange(n_sub), n)
    FF, GG = np.tile(F, (n_sub, 1)), np.tile(G, (n_sub, 1))
    s = np.asarray(scalar(FF, GG, idx), dtype=float).reshape(n_sub, n)
    s = np.where(np.isfinite(s), s, np.inf)
    viol = (np.zeros((n_sub, n)) if cons is None
            else np.maximum(0, -cons(FF, GG, idx)).max(axis=1, initial=0.0).reshape(n_sub, n))
    viol = np.where(np.isfinite(viol), viol, np.inf)
    order = np.array([np.lexsort((s[k], np.round(viol[k], 9)))[:n_starts] for k in range(n_sub)])
    return U[order], 1


def _best_of(res: BatchResult, owner: np.ndarray, n_sub: int) -> list[SubResult]:
    """For each sub-problem 0..n_sub-1, the best of its rows of a batch (feasible first, then the least objective)."""
    out = []
    for k in range(n_sub):
        rows = np.flatnonzero(owner == k)
        best = res.sub(rows[0])
        for r in rows[1:]:
            cand = res.sub(r)
            if _better(cand, best):
                best = cand
        out.append(best)
    return out


@dataclass
class _Sample:
    """A seeded space-filling sample of the design box, evaluated in one model call: u (n, n_var), F, G and the
    largest scaled violation of the problem's constraints (inf where the model cannot evaluate a design)."""

    u: np.ndarray
    F: np.ndarray
    G: np.ndarray
    violation: np.ndarray

    @classmethod
    def draw(cls, problem: Any, seed: int, extra: np.ndarray | None = None) -> "_Sample":
        """The sample of ``problem``'s box (seed ``seed``) and the designs ``extra`` (rows of u, e.g. the base
        design), evaluated in one model call."""
        d = problem.xl.size
        n = int(min(_SAMPLE_MAX, max(_SAMPLE_MIN, _SAMPLE_PER_VAR * d)))
        U = lhs(n, d, seed) if extra is None else np.vstack([lhs(n, d, seed), np.atleast_2d(extra)])
        n = len(U)
        F, G = problem.evaluate(problem.xl + U * (problem.xu - problem.xl))
        v = np.maximum(0.0, G / problem.g_scale).max(axis=1, initial=0.0) if problem.n_con else np.zeros(n)
        bad = ~(np.all(np.isfinite(F), axis=1) & np.all(np.isfinite(G), axis=1))
        return cls(U, F, G, np.where(bad, np.inf, v))

    def best(self, scalar: np.ndarray, k: int) -> np.ndarray:
        """Rows of the ``k`` best designs for a scalar objective (least violation first, then the objective)."""
        s = np.where(np.isfinite(scalar), scalar, np.inf)
        return np.lexsort((s, np.round(self.violation, 9)))[:k]


def _anchor_rows(problem: Any, sample: _Sample, off: np.ndarray, scale: np.ndarray, n_starts: int,
                 first: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The anchors' multi-start rows for :func:`_solve_rows`: objective k (scaled) plus ρ times the sum of the
    others, from the sample's ``n_starts`` best designs for it (the sample holds the base design ``first``); with
    BFGS Hessians (many variables) the base design is always one of them (BFGS from the sample's random designs
    crawls along ZDT's ρ-small, linear pull of the other objective). No epsilon bound (a constant row). Where the minimum of f_k is one design the augmentation moves it by O(ρ) and f_k by O(ρ²);
    where f_k has a plateau (a bound or a constraint holds it) it picks the best of the others on it, as the
    lexicographic second stage of :func:`_anchor` does, without that stage's degenerate equality constraint."""
    m = problem.n_obj
    aug = np.where(np.eye(m, dtype=bool), 1.0, _RHO)
    per = max(1, n_starts)
    S = _scaled(sample.F, off, scale)
    if _hessian(problem) == "fd":  # Newton steps from the sample's best: a far start only lengthens the batch
        starts = np.array([sample.u[sample.best(S @ aug[i], per)] for i in range(m)])
    else:
        starts = np.concatenate([np.repeat(first[None, None, :], m, axis=0),
                                 np.array([sample.u[sample.best(S @ aug[i], per - 1)] for i in range(m)])], axis=1)
    return aug[np.repeat(np.arange(m), per)] / scale, np.zeros((m * per, m)), np.ones(m * per), starts.reshape(m * per, -1)


def _best_anchors(problem: Any, res: BatchResult, n_starts: int, seed: int) -> list[SubResult]:
    """The best start of each anchor (the first ``m · n_starts`` rows of ``res``); an anchor with no feasible
    start raises :class:`InfeasibleError` naming the constraints (from :func:`xlcell.optimize.minimize`)."""
    m, per = problem.n_obj, max(1, n_starts)
    best = _best_of(res, np.repeat(np.arange(m), per), m)
    for k, b in enumerate(best):
        if not b.feasible:
            r = minimize(problem, k, n_starts=n_starts, seed=seed)
            raise InfeasibleError(r.message)
    return best


def _anchors_batched(problem: Any, sample: _Sample, off: np.ndarray, scale: np.ndarray, n_starts: int, seed: int,
                     first: np.ndarray, cons: Callable | None) -> tuple[list[SubResult], int]:
    """The m anchors, their multi-starts solved together (:func:`_anchor_rows`) in one batch."""
    W, A, b, U0 = _anchor_rows(problem, sample, off, scale, n_starts, first)
    res = _solve_rows(problem, cons, W, A, b, U0, _ANCHOR_MAXITER, _ANCHOR_TOL[_hessian(problem)],
                      np.repeat(np.arange(problem.n_obj), max(1, n_starts)))
    return _best_anchors(problem, res, n_starts, seed), res.n_model_calls


def _place_two(P: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``k`` points at equal arc length along the polyline through the 2-objective points ``P`` (normalised, sorted
    by the first objective), its ends excluded. Returns the points (k, 2), the segment each lies on and the
    fraction along it."""
    seg = np.diff(P, axis=0)
    length = np.hypot(seg[:, 0], seg[:, 1])
    cum = np.r_[0.0, np.cumsum(length)]
    t = cum[-1] * np.arange(1, k + 1) / (k + 1)
    j = np.clip(np.searchsorted(cum, t, side="right") - 1, 0, len(seg) - 1)
    w = np.clip((t - cum[j]) / np.where(length[j] > 0, length[j], 1.0), 0.0, 1.0)
    return P[j] + w[:, None] * seg[j], j, w


def _two_levels(H: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Where ``k`` epsilon levels go along a 2-objective front known at the points ``H`` (normalised, sorted by the
    first objective): at equal arc length along the polyline through them, its ends excluded. Each level bounds
    the objective that changes faster there (the other is minimised), so that no sub-problem is ill-conditioned
    where the front is nearly flat in one objective.

    Returns the bounded objective (k,), its bound (k,), and for each level the segment it lies on and the
    fraction along it (to interpolate starts between the designs at the segment's ends)."""
    pts, j, w = _place_two(H, k)
    seg = np.diff(H, axis=0)[j]
    c_obj = np.where(np.abs(seg[:, 1]) >= np.abs(seg[:, 0]), 1, 0)
    return c_obj, pts[np.arange(k), c_obj], j, w


def _gap_levels(seg: np.ndarray, H: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``k`` epsilon levels in the gaps of a 2-objective front ``H`` (normalised, sorted by the first objective)
    where the hypervolume loses most: a gap between neighbours loses the rectangle Δf̂1 Δf̂2 (``seg``, the
    differences of ``H``, zero for a gap not to fill), split by q points into q + 1 pieces about 1/(q + 1) of
    it, so points go one at a time to the gap whose loss falls most. Same returns as :func:`_two_levels` (the
    levels of a gap at equal spacing along its chord)."""
    area = np.abs(seg[:, 0] * seg[:, 1]).tolist()
    q = [0] * len(area)
    heap = [(-a / 2, g) for g, a in enumerate(area)]  # each gap's loss with one more point: area / ((q+1)(q+2))
    heapq.heapify(heap)
    for _ in range(k if heap else 0):  # the largest loss first, of equal ones the first gap (as argmax)
        _, g = heapq.heappop(heap)
        q[g] += 1
        heapq.heappush(heap, (-area[g] / ((q[g] + 1) * (q[g] + 2)), g))
    q = np.array(q, dtype=int)
    j = np.repeat(np.arange(len(seg)), q)
    w = np.concatenate([np.arange(1, n + 1) / (n + 1) for n in q if n]) if k else np.zeros(0)
    seg = np.diff(H, axis=0)
    pts = H[j] + w[:, None] * seg[j]
    c_obj = np.where(np.abs(seg[j, 1]) >= np.abs(seg[j, 0]), 1, 0)
    return c_obj, pts[np.arange(len(j)), c_obj], j, w


def _linear_rows(ideal: np.ndarray, span: np.ndarray, c_obj: np.ndarray,
                 eps: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Epsilon sub-problems of a 2-objective front as rows of weights on F (minimisation form), all linear:
    minimise F @ W[i] (the free objective normalised, plus ρ times the bounded one) subject to F @ A[i] + b[i] >= 0
    (the bound: ε_i - f̂_c >= 0), f̂ = (F - ideal) / span."""
    k = len(c_obj)
    W = np.zeros((k, 2))
    A = np.zeros((k, 2))
    W[np.arange(k), 1 - c_obj] = 1.0 / span[1 - c_obj]
    W[np.arange(k), c_obj] = _RHO / span[c_obj]
    A[np.arange(k), c_obj] = -1.0 / span[c_obj]
    return W, A, eps + ideal[c_obj] / span[c_obj]


def _front_maxiter(problem: Any, fill: bool = False) -> int:
    """Iteration limit of the front's levels in batch 1 (:data:`_FRONT_MAXITER`); with points to interpolate
    (``fill``), Newton levels stop after 3 iterations with 2 variables, 2 n_var - 2 with more (the sample is
    sparser there): a level stopped so is a feasible design near the front or lost, and the interpolated designs
    around it are evaluated and filtered like any other."""
    if fill and _hessian(problem) == "fd":
        return min(max(3, 2 * problem.n_var - 2), _FRONT_MAXITER["fd"])
    return _FRONT_MAXITER[_hessian(problem)]


def _gap_maxiter(problem: Any, n_points: int) -> int:
    """Iteration limit of the gap-filling levels (:data:`_GAP_MAXITER`); Newton levels of a front of more than
    :data:`_SKELETON_MIN` points (``n_points``), started between close neighbours, stop after
    :data:`_DENSE_GAP_MAXITER`."""
    hess = _hessian(problem)
    return _DENSE_GAP_MAXITER if hess == "fd" and n_points > _SKELETON_MIN else _GAP_MAXITER[hess]


def _anchor_tol(problem: Any, fill: bool = False) -> float:
    """Step tolerance of the anchors (:data:`_ANCHOR_TOL`); Newton anchors of a front with interpolated points
    (``fill``) stop at :data:`_FILL_ANCHOR_TOL`."""
    hess = _hessian(problem)
    return _FILL_ANCHOR_TOL if fill and hess == "fd" else _ANCHOR_TOL[hess]


def _hessian(problem: Any) -> str:
    """The batched SQP's Hessians for ``problem``: finite differences (Newton) for a few variables, else BFGS."""
    return "fd" if problem.n_var <= _FD_HESSIAN_VARS else "bfgs"


def _solve_rows(problem: Any, cons: Callable | None, W: np.ndarray, A: np.ndarray, b: np.ndarray,
                U0: np.ndarray, maxiter: int | np.ndarray | None = None,
                tol: float | np.ndarray = _FRONT_TOL, groups: np.ndarray | None = None,
                feasible_maxiter: int | None = None, ride: Callable | None = None,
                keys: list[str] | None = None) -> BatchResult:
    """min F @ W[i] s.t. the problem's constraints and F @ A[i] + b[i] >= 0, every row i from U0[i], one batch."""
    def scalar(F, G, idx):
        return (F * W[idx]).sum(axis=1)

    def con(F, G, idx):
        e = ((F * A[idx]).sum(axis=1) + b[idx])[:, None]
        return e if cons is None else np.hstack([cons(F, G), e])

    hess = _hessian(problem)
    return solve_batch(problem, scalar, con, U0, tol=tol, maxiter=_front_maxiter(problem) if maxiter is None else maxiter,
                       hessian=hess, groups=groups, feasible_maxiter=feasible_maxiter, ride=ride, keys=keys)


@dataclass
class _Points:
    """Designs of a front and their values from one model call: u (n, n_var), F (n, n_obj) minimisation form, G
    (n, n_con), the outputs asked (display units; None for a FunctionProblem), which rows were interpolated."""

    u: np.ndarray
    F: np.ndarray
    G: np.ndarray
    outputs: dict[str, np.ndarray] | None
    interpolated: np.ndarray

    @classmethod
    def evaluate(cls, problem: Any, U: np.ndarray, keys: list[str], interpolated: np.ndarray) -> "_Points":
        """The designs ``U`` (rows of u) evaluated in one model call, with the outputs ``keys`` of a DesignProblem."""
        X = problem.xl + U * (problem.xu - problem.xl)
        if isinstance(problem, DesignProblem):
            F, G, out = problem.evaluate_outputs(X, keys)
        else:
            (F, G), out = problem.evaluate(X), None
        return cls(U, F, G, out, interpolated)

    def feasible(self, problem: Any) -> np.ndarray:
        v = np.maximum(0.0, self.G / problem.g_scale).max(axis=1, initial=0.0) if problem.n_con else 0.0
        return (v <= FEASIBILITY_TOL) & np.all(np.isfinite(self.F), axis=1) & np.all(np.isfinite(self.G), axis=1)

    def take(self, rows: np.ndarray) -> "_Points":
        out = None if self.outputs is None else {k: v[rows] for k, v in self.outputs.items()}
        return _Points(self.u[rows], self.F[rows], self.G[rows], out, self.interpolated[rows])


def _skeleton(n: int, n_var: int = 2) -> int:
    """Sub-problems solved of a 2-objective front of ``n`` points over ``n_var`` design variables: all up to
    :data:`_SKELETON_MIN` or with more than :data:`_INTERP_MAX_VAR` variables, beyond that one per
    :data:`_FILL_PER` points but at least :data:`_SKELETON_MIN`; the others are interpolated."""
    if n <= _SKELETON_MIN or n_var > _INTERP_MAX_VAR:
        return n
    return max(_SKELETON_MIN, -(-n // _FILL_PER))


def _sorted_front(H: np.ndarray) -> np.ndarray:
    """Rows of the non-dominated points of ``H`` (normalised by the anchors) inside the anchors' box, in the order
    of the first objective."""
    rows = np.flatnonzero(non_dominated(H, tol=_SAME) & np.all(H <= 1.0 + _SAME, axis=1) & np.all(H >= -_SAME, axis=1))
    return rows[np.lexsort((H[rows, 1], H[rows, 0]))]


def _active(problem: Any, U: np.ndarray, G: np.ndarray) -> np.ndarray:
    """Which bounds (lower, then upper, per variable) and constraints of ``problem`` hold at the designs ``U``
    (rows of u, values G), within :data:`~xlcell.optimize.FEASIBILITY_TOL` (n, 2 n_var + n_con)."""
    tol = FEASIBILITY_TOL
    con = G / problem.g_scale > -tol if problem.n_con else np.zeros((len(U), 0), dtype=bool)
    return np.concatenate([U <= tol, U >= 1.0 - tol, con], axis=1)


def _along(U: np.ndarray, act: np.ndarray, j: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Designs at the fractions ``w`` of the gaps ``j`` between neighbours of a sorted 2-objective front (designs
    ``U``, rows of u; ``act``: their bounds and constraints that hold, :func:`_active`): on the chord between a
    gap's ends, and, where the two ends hold different bounds or constraints, also through the kink between them.

    There the Pareto set leaves a bound or a constraint and the chord cuts its corner, so a second design goes
    along the two tangents that meet at the kink: from each end, the direction from its own other neighbour
    where that holds the same set, or, at an end on a bound, the chord with the held variables fixed; the corner
    is where the two lines pass closest (their mid-point), used when both lines run forward to it and the path
    through it is less than twice the chord. (Along a curved constraint the tangent leaves it, so which of the
    two designs is better is known only once both are evaluated.)

    Returns the chord's designs (len(j), n_var) and the kink's (nan where there is none).
    """
    a, b = U[j], U[j + 1]
    chord = np.clip(a + w[:, None] * (b - a), 0.0, 1.0)
    out = np.full_like(chord, np.nan)
    n_var = U.shape[1]
    for g in np.unique(j):
        if np.array_equal(act[g], act[g + 1]):
            continue
        ends = []
        for i, o, back in ((g, g + 1, g - 1), (g + 1, g, g + 2)):  # each end, the other end, its own other neighbour
            if 0 <= back < len(U) and np.array_equal(act[back], act[i]):
                t = U[i] - U[back]
            else:
                held = act[i, :n_var] | act[i, n_var:2 * n_var]
                t = np.where(held, 0.0, U[o] - U[i]) if held.any() else np.zeros(n_var)
            ends.append(t)
        ta, tb = ends
        if not (np.any(ta) and np.any(tb)):
            continue
        (s, r), *_ = np.linalg.lstsq(np.c_[ta, -tb], U[g + 1] - U[g], rcond=None)
        if not (s > 0 and r > 0):
            continue
        k = 0.5 * (U[g] + s * ta + U[g + 1] + r * tb)  # the corner
        la, lb = np.linalg.norm(k - U[g]), np.linalg.norm(U[g + 1] - k)
        if not (la > 0 and lb > 0) or la + lb > 2.0 * np.linalg.norm(U[g + 1] - U[g]):
            continue
        rows = np.flatnonzero(j == g)
        dist = w[rows] * (la + lb)
        first = dist <= la
        out[rows] = np.clip(np.where(first[:, None], U[g] + (dist / la)[:, None] * (k - U[g]),
                                     k + ((dist - la) / lb)[:, None] * (U[g + 1] - k)), 0.0, 1.0)
    return chord, out


def _gap_ends(H: np.ndarray) -> list[tuple[bytes, bytes]]:
    """A key for each gap between neighbours of a sorted 2-objective front ``H`` (its two ends, rounded)."""
    rows = [r.tobytes() for r in H.round(6)]
    return list(zip(rows[:-1], rows[1:]))


def _close_gaps(closed: set[tuple[bytes, bytes]], ends: list[tuple[bytes, bytes]], j: np.ndarray, ok: np.ndarray,
                Hn: np.ndarray, H: np.ndarray) -> None:
    """Mark as cut (add to ``closed``) each gap ``g`` of ``j`` none of whose new points (normalised ``Hn``, usable
    where ``ok``) lies strictly inside it: they all returned to its ends or were lost, the front jumps there."""
    for g in np.unique(j):
        inside = (j == g) & ok & (Hn[:, 0] > H[g, 0] + _SAME) & (Hn[:, 0] < H[g + 1, 0] - _SAME)
        if not inside.any():
            closed.add(ends[g])


def _fill_ride(problem: Any, cons: Callable | None, W: np.ndarray, A: np.ndarray, b: np.ndarray, owner: np.ndarray,
               m: int, ks: int, n_target: int, last: int, plan: dict[str, Any]) -> Callable[..., np.ndarray | None]:
    """The ``ride`` of batch 1 of a front with interpolated points (:func:`xlcell.optimize.solve_batch`): before
    the levels' last iteration (``last``), the designs interpolated in the gaps of the front as it stands then
    (each anchor's best start and the feasible levels, at their trial points where they move), placed as the
    first fill round places them (:func:`_gap_levels`, :func:`_along`), ride on that iteration's model call, with
    every row's current point (whose values and outputs stand for a level whose last step is refused). The
    placement goes to ``plan`` for :func:`_rode`; none where the front is not yet shaped or nothing is missing."""
    def ride(it: int, u: np.ndarray, F: np.ndarray, G: np.ndarray, rows: np.ndarray, trial: np.ndarray):
        if it != last:
            return None
        sc = (F * W).sum(axis=1)
        c = ((F * A).sum(axis=1) + b)[:, None]
        c = c if cons is None else np.hstack([cons(F, G), c])
        v = np.maximum(0.0, -c).max(axis=1, initial=0.0)
        ok = (v <= FEASIBILITY_TOL) & np.isfinite(sc)
        best = []
        for g in range(m):  # each anchor's best start so far: feasible, then the least objective
            r = np.flatnonzero((owner == g) & ok)
            if not len(r):
                return None
            best.append(r[np.argmin(sc[r])])
        # a level still short of its constraints by a Newton step's worth counts (its last step reaches them);
        # as it may not, a design more is placed for each such level, the surplus trimmed afterwards (_trim)
        near = (owner < 0) & ~ok & (v <= _NEAR_FEASIBLE) & np.isfinite(sc)
        ok = ok | near
        FA = F[best]
        ideal, nadir = FA.min(axis=0), FA.max(axis=0)
        span = nadir - ideal
        if not np.all(span > 1e-12 * np.maximum(np.abs(ideal), 1.0)):
            return None
        known = np.r_[best, np.flatnonzero((owner < 0) & ok)]
        H = (F[known] - ideal) / span
        srt = _sorted_front(H)
        H, kr = H[srt], known[srt]
        lost = n_target - len(H)
        if lost <= 0 or len(H) < 2 or len(H) - m < (1.0 - _GAP_REROUND) * (ks - m):
            return None  # nothing to place, or batch 1 lost so many that a gap batch follows
        Up = u.copy()
        Up[rows] = trial  # where the rows evaluated now are heading
        _, _, j, w = _gap_levels(np.diff(H, axis=0), H, lost + int(near.sum()))
        Un, Uk = _along(Up[kr], _active(problem, Up[kr], G[kr]), j, w)
        kink = np.flatnonzero(np.isfinite(Uk[:, 0]))
        plan.update(H=H, ends=_gap_ends(H), j=j, Un=Un, kink=kink, K=len(u), n_target=n_target)
        return np.vstack([u, Un, Uk[kink]])
    return ride


def _trim(problem: Any, pts: _Points, ideal: np.ndarray, span: np.ndarray, n_target: int) -> _Points:
    """The points of a 2-objective front with at most ``n_target`` on it: while more lie on the front (feasible,
    non-dominated, inside the anchors' box), the interpolated one adding the least hypervolume of its own (the
    rectangle between its neighbours, Emmerich, Beume and Naujoks 2005's SMS-EMOA rule) is dropped; solved points
    are kept. The points off the front are left to the front's own filter."""
    good = pts.feasible(problem)
    H = (pts.F - ideal) / span
    rows = np.flatnonzero(good)[_sorted_front(H[good])]
    drop: list[int] = []
    while len(rows) > n_target:
        P = H[rows]
        left = np.r_[P[0, 1] + 1.0, P[:-1, 1]]  # the previous point's f2 (above), the next one's f1 (right)
        right = np.r_[P[1:, 0], P[-1, 0] + 1.0]
        own = (right - P[:, 0]) * (left - P[:, 1])
        own = np.where(pts.interpolated[rows], own, np.inf)
        if not np.isfinite(own).any():
            break
        i = int(np.argmin(own))
        drop.append(int(rows[i]))
        rows = np.delete(rows, i)
    if not drop:
        return pts
    return pts.take(np.setdiff1d(np.arange(len(pts.u)), drop))


def _rode(plan: dict[str, Any], res: BatchResult, problem: Any, Us: np.ndarray,
          interp: np.ndarray) -> tuple[_Points, np.ndarray, list, np.ndarray, np.ndarray, np.ndarray] | None:
    """The first fill round from the designs that rode on batch 1 (:func:`_fill_ride`): the solved designs ``Us``
    (the sorted front after batch 1) with their values and outputs from that call (each is a row's trial point or
    its current point there) and the interpolated designs; None when a solved design is neither (it moved after
    the call: the round is evaluated anew). Returns the points and the placement (H, gap keys, gaps, chord
    designs, kinks) as the fill round uses them."""
    rd = res.ride
    if rd is None or "F" not in rd:
        return None
    K = plan["K"]
    cand_u = np.vstack([rd["trial"], rd["u"][:K]])
    cand_F, cand_G = np.vstack([rd["F_trial"], rd["F"][:K]]), np.vstack([rd["G_trial"], rd["G"][:K]])
    cand_out = None if rd["out"] is None else {q: np.r_[rd["out_trial"][q], rd["out"][q][:K]] for q in rd["out"]}
    pick = []
    for x in Us:
        hit = np.flatnonzero(np.all(cand_u == x, axis=1))
        if not len(hit):
            return None
        pick.append(hit[0])
    pick = np.array(pick, dtype=int)
    Un, kink = plan["Un"], plan["kink"]
    tail = np.arange(K, len(rd["u"]))
    U = np.vstack([Us, rd["u"][tail]])
    F, G = np.vstack([cand_F[pick], rd["F"][tail]]), np.vstack([cand_G[pick], rd["G"][tail]])
    out = None if cand_out is None else {q: np.r_[cand_out[q][pick], rd["out"][q][tail]] for q in cand_out}
    pts = _Points(U, F, G, out, np.r_[interp, np.ones(len(tail), dtype=bool)])
    return pts, plan["H"], plan["ends"], plan["j"], Un, kink


def _front_two(problem: Any, sample: _Sample, off: np.ndarray, scale: np.ndarray, k: int, n_starts: int, seed: int,
               first: np.ndarray, cons: Callable | None, keys: list[str]) -> tuple[list[SubResult], list[SubResult], int, int, _Points, int]:
    """The anchors and ``k`` further points of a 2-objective front: epsilon sub-problems solved in batches and,
    beyond :data:`_SKELETON_MIN` points, designs interpolated between solved neighbours.

    Batch 1 solves the anchors' multi-starts (:func:`_anchor_rows`) and levels placed along
    the sample's feasible non-dominated set (normalised by its own extent, see :func:`_two_levels`), each started
    from the sample's design with the least objective plus :data:`_START_MU` times its violation for it (a near
    start slightly outside beats a far feasible one). Up to :data:`_SKELETON_MIN` points a quarter of the levels
    is kept back: batch 2 spends them and those batch 1 lost (infeasible, duplicate or dominated, e.g. levels
    beyond the true anchors) in the largest gaps of the front found (:func:`_gap_levels`), started between the
    designs at each gap's ends; a further round follows when a round loses many (the sample far from the front,
    as on ZDT's 30 variables, or a front cut into pieces).

    Beyond :data:`_SKELETON_MIN` points, :func:`_skeleton` of them are solved so (batch 1 with them all, batch 2
    only when it lost more than :data:`_GAP_REROUND` of them) and the others are designs interpolated in u between
    the solved neighbours at the ends of the largest gaps of the front (:func:`_gap_levels`, the gaps found cut
    left out). Along a stretch of the front where the same constraints bind, the solutions of the epsilon
    sub-problems form a smooth curve in the design space, so such a design lies off that curve by the square of
    the solved points' spacing, and off the front by less (where only the level binds, the combination of the
    objectives that the front minimises is stationary: the square of that again). Each is evaluated by the model
    and kept only where feasible and non-dominated; a gap whose designs are all lost is cut, and when more than
    :data:`_GAP_REROUND` of them are lost, as many go once more into the open gaps. The first round's designs ride
    on batch 1's last iteration (:func:`_fill_ride`, :func:`_rode`: a model call saved), placed on the front as it
    stands before the levels' last step; a level lost in that step leaves its gaps short, so after such a round
    any loss goes into a second; more points than ``n_points`` on the front are trimmed (:func:`_trim`).

    Returns (anchors, level solutions, sub-problems solved, model calls, designs, interpolated designs found
    infeasible): the designs are the feasible solutions and interpolated designs, evaluated in the last model
    call with the outputs ``keys`` (a DesignProblem; for a FunctionProblem without interpolation, the solutions'
    own values).
    """
    m = 2
    calls = 0
    n_target = k + m
    ks = _skeleton(n_target, problem.n_var) - m  # levels solved as sub-problems
    fill = ks < k
    WA, AA, bA, UA = _anchor_rows(problem, sample, off, scale, n_starts, first)
    per = max(1, n_starts)
    # the front's shape from the sample: its feasible non-dominated designs
    ok = (sample.violation <= FEASIBILITY_TOL) & np.all(np.isfinite(sample.F), axis=1)
    Fok, Uok = sample.F[ok], sample.u[ok]
    nd = non_dominated(Fok) if len(Fok) else np.zeros(0, dtype=bool)
    Fnd = Fok[nd][np.lexsort((Fok[nd][:, 1], Fok[nd][:, 0]))]
    ideal_e, nadir_e = (Fnd.min(axis=0), Fnd.max(axis=0)) if len(Fnd) else (np.zeros(m), np.zeros(m))
    shaped = len(Fnd) >= 2 and np.all(nadir_e > ideal_e)
    k1 = (ks if fill else k - min(k, max(2, int(round(_GAP_FILL * k))))) if shaped else 0
    if k1:
        span_e = nadir_e - ideal_e
        c_obj, eps, _, _ = _two_levels((Fnd - ideal_e) / span_e, k1)
        W1, A1, b1 = _linear_rows(ideal_e, span_e, c_obj, eps)
        sc = W1 @ sample.F.T
        over = np.maximum(0.0, -(A1 @ sample.F.T + b1[:, None]))  # (k1, sample): beyond each level's bound
        merit = np.where(np.isfinite(sc), sc, np.inf) + _START_MU * np.maximum(sample.violation[None, :], over)
        U1 = sample.u[np.argmin(np.where(np.isfinite(merit), merit, np.inf), axis=1)]
    else:
        W1, A1, b1, U1 = np.zeros((0, m)), np.zeros((0, m)), np.zeros(0), np.zeros((0, problem.n_var))
    W, A, b = np.vstack([WA, W1]), np.vstack([AA, A1]), np.r_[bA, b1]
    owner = np.r_[np.repeat(np.arange(m), per), np.full(k1, -1)]
    plan: dict[str, Any] = {}
    ride = None
    if fill and k1:  # the interpolated designs ride on the levels' last iteration (a model call saved)
        ride = _fill_ride(problem, cons, W, A, b, owner, m, ks, n_target, _front_maxiter(problem, fill), plan)
    res = _solve_rows(problem, cons, W, A, b, np.vstack([UA, U1]),
                      np.r_[np.full(m * per, _ANCHOR_MAXITER), np.full(k1, _front_maxiter(problem, fill))],
                      np.r_[np.full(m * per, _anchor_tol(problem, fill)), np.full(k1, _FRONT_TOL)],
                      owner, ride=ride, keys=keys if isinstance(problem, DesignProblem) else None)
    calls += res.n_model_calls
    anchors = _best_anchors(problem, res, n_starts, seed)
    levels = [res.sub(m * per + i) for i in range(k1)]
    # batch 2: the lost sub-problems into the largest gaps of the front found, in the anchors' normalisation
    FA = np.array([a.F for a in anchors])
    ideal, nadir = FA.min(axis=0), FA.max(axis=0)
    span = nadir - ideal
    n_sub = m + k1
    shaped = bool(np.all(span > 1e-12 * np.maximum(np.abs(ideal), 1.0)))
    closed: set[tuple[bytes, bytes]] = set()  # gaps whose levels all returned to their ends: the front is cut there
    for rnd in range(_GAP_ROUNDS if shaped else 0):
        known = anchors + [r for r in levels if r.feasible]
        H = (np.array([r.F for r in known]) - ideal) / span
        rows = _sorted_front(H)
        H, Uk = H[rows], np.array([r.u for r in known])[rows]
        k2 = ks - (len(H) - m)
        # a further round only when the last lost many (a front cut into pieces, as ZDT3's); so too the first
        # when the points beyond the solved ones are interpolated, where a level stopped just outside its
        # constraints (its Newton steps had not quite reached them) leaves its gap to the interpolation
        near = sum(_NEAR_FEASIBLE >= r.violation > FEASIBILITY_TOL for r in levels[-k1:]) if fill and rnd == 0 else 0
        if len(H) < 2 or k2 - near <= (0 if rnd == 0 and not fill else _GAP_REROUND * ks):
            break
        ends = _gap_ends(H)
        open_gap = np.array([e not in closed for e in ends])
        if not open_gap.any():
            break
        c_obj, eps, j, w = _gap_levels(np.where(open_gap[:, None], np.diff(H, axis=0), 0.0), H, k2)
        W2, A2, b2 = _linear_rows(ideal, span, c_obj, eps)
        U2 = np.clip(Uk[j] + w[:, None] * (Uk[j + 1] - Uk[j]), 0.0, 1.0)
        res2 = _solve_rows(problem, cons, W2, A2, b2, U2, _GAP_MAXITER[_hessian(problem)],
                           feasible_maxiter=_gap_maxiter(problem, n_target))
        calls += res2.n_model_calls
        plan.clear()  # the front moved: the designs that rode on batch 1 were placed for the front before it
        levels += [res2.sub(i) for i in range(len(j))]
        n_sub += len(j)
        _close_gaps(closed, ends, j, res2.feasible, (res2.F - ideal) / span, H)
    known = anchors + [r for r in levels if r.feasible]
    U, F = np.array([r.u for r in known]), np.array([r.F for r in known])
    G = np.array([r.G for r in known]).reshape(len(U), -1)
    interp = np.zeros(len(U), dtype=bool)
    pts, n_bad, rode_used = None, 0, False
    for rnd in range(_FILL_ROUNDS if fill and shaped else 0):
        rows = _sorted_front((F - ideal) / span)
        H, Us = (F[rows] - ideal) / span, U[rows]
        lost = n_target - len(H)
        ends = _gap_ends(H)
        open_gap = np.array([e not in closed for e in ends], dtype=bool)
        # a second round when the first lost many; after a first round that rode on batch 1 (placed before the
        # levels' last step, so a level lost there leaves its gaps short), whenever it lost any
        if lost <= (0 if rnd == 0 or rode_used else _GAP_REROUND * (n_target - ks - m)) or len(H) < 2 \
                or not open_gap.any():
            break
        rode = _rode(plan, res, problem, U[rows], interp[rows]) if rnd == 0 and plan else None
        if rode is not None:  # placed and evaluated on batch 1's last iteration
            pts, H, ends, j, Un, kink = rode
            rode_used = True
        else:
            _, _, j, w = _gap_levels(np.where(open_gap[:, None], np.diff(H, axis=0), 0.0), H, lost)
            Un, Uk = _along(Us, _active(problem, Us, G[rows]), j, w)
            kink = np.flatnonzero(np.isfinite(Uk[:, 0]))
            pts = _Points.evaluate(problem, np.vstack([Us, Un, Uk[kink]]), keys,
                                   np.r_[interp[rows], np.ones(len(Un) + len(kink), dtype=bool)])
            calls += 1
        if len(kink):  # of a chord's and a kink's design, the feasible one furthest towards the ideal across the gap
            ns, nu = len(Us), len(Un)
            ok = pts.feasible(problem)
            d = np.diff(H, axis=0)[j[kink]]
            nrm = np.c_[-d[:, 1], d[:, 0]]  # the chord's normal, >= 0 on a front sorted by the first objective
            sc = lambda r: np.where(ok[r], ((pts.F[r] - ideal) / span * nrm).sum(axis=1), np.inf)  # noqa: E731
            take_kink = sc(ns + nu + np.arange(len(kink))) < sc(ns + kink)
            sel = np.arange(ns + nu)
            sel[ns + kink[take_kink]] = ns + nu + np.flatnonzero(take_kink)
            pts = pts.take(sel)
        good = pts.feasible(problem)
        n_bad += int((~good[len(Us):]).sum())
        Hp = (pts.F - ideal) / span
        kept = np.zeros(len(good), dtype=bool)
        kept[np.flatnonzero(good)[_sorted_front(Hp[good])]] = True  # an interpolated design dominated is lost too
        _close_gaps(closed, ends, j, kept[len(Us):], Hp[len(Us):], H)
        pts = pts.take(np.flatnonzero(good))
        U, F, G, interp = pts.u, pts.F, pts.G, pts.interpolated
    if pts is not None and shaped:
        pts = _trim(problem, pts, ideal, span, n_target)
    if pts is None and isinstance(problem, DesignProblem):  # the solved designs and their outputs, one call
        pts = _Points.evaluate(problem, U, keys, interp)
        calls += 1
        pts = pts.take(np.flatnonzero(pts.feasible(problem)))
    elif pts is None:
        pts = _Points(U, F, np.array([r.G for r in known]).reshape(len(U), -1), None, interp)
    return anchors, levels, n_sub, calls, pts, n_bad


def _warm_starts(P: np.ndarray, known_p: np.ndarray, known_u: np.ndarray, n_near: int = 2) -> np.ndarray:
    """Starts for sub-problems of parameters ``P``: the solutions of the ``n_near`` nearest solved sub-problems
    (parameters ``known_p``, solutions ``known_u``) interpolated by inverse distance (two that bracket a point of
    a 2-objective front: linear interpolation along it; one: the nearest solution)."""
    dist = np.linalg.norm(P[:, None, :] - known_p[None, :, :], axis=2)
    near = np.argsort(dist, axis=1, kind="stable")[:, :n_near]
    dd = np.take_along_axis(dist, near, axis=1)
    w = 1.0 / np.maximum(dd, 1e-12)
    w /= w.sum(axis=1, keepdims=True)
    return np.clip((known_u[near] * w[:, :, None]).sum(axis=1), 0.0, 1.0)


def _solve_grid_batched(problem: Any, grid: np.ndarray, params: list[np.ndarray], solved: list[SubResult],
                        scalar: Callable, cons: Callable, n_starts: int, seed: int,
                        progress: Callable[[int, int], None] | None, total: int,
                        weighted: bool = False) -> tuple[list[SubResult], int]:
    """Solve the sub-problems of ``grid`` (one parameter vector per row) together, coarse to fine: every
    :data:`_COARSE`-th first, warm-started from the anchors, then the rest warm-started between the solved ones;
    sub-problems still infeasible are re-solved together from seeded LHS starts."""
    K = len(grid)
    out: list[SubResult | None] = [None] * K
    calls = 0
    coarse = np.arange(0, K, _COARSE) if K > 2 * _COARSE else np.arange(K)
    levels = [coarse, np.setdiff1d(np.arange(K), coarse)]
    for level in levels:
        if not len(level):
            continue
        known = [i for i in range(K) if out[i] is not None]
        kp = np.array(list(params) + [grid[i] for i in known])
        ku = np.array([s.u for s in solved] + [out[i].u for i in known])
        # a weighted sum started between two solutions can sit on a stationary point of a non-convex front (the
        # middle of ZDT2 between its two anchors): weights start from their nearest solution, as SLSQP did
        U0 = _warm_starts(grid[level], kp, ku, 1 if weighted else 2)
        res = solve_batch(problem, lambda F, G, idx: scalar(F, G, level[idx]),
                          lambda F, G, idx: cons(F, G, level[idx]), U0)
        calls += res.n_model_calls
        for j, i in enumerate(level):
            out[i] = res.sub(j)
        if progress:
            progress(len(solved) + sum(o is not None for o in out), total)
    bad = np.array([i for i in range(K) if not out[i].feasible], dtype=int)
    if len(bad):
        per = max(1, n_starts)
        starts, c = _lhs_ranked(problem, lambda F, G, idx: scalar(F, G, bad[idx]),
                                lambda F, G, idx: cons(F, G, bad[idx]), len(bad), per, seed + len(params))
        calls += c
        # warm starts along the front first: the solved designs (anchors and grid) ranked by how well they meet
        # each failed sub-problem's constraints, then by its objective, from the values already computed (an
        # epsilon sub-problem's solution is feasible for every looser epsilon: a start that needs no repair)
        done = solved + [o for o in out if o.feasible]
        FF, GG = np.array([o.F for o in done]), np.array([o.G for o in done])
        nd = len(done)
        idx = np.repeat(bad, nd)
        v = np.maximum(0, -cons(np.tile(FF, (len(bad), 1)), np.tile(GG, (len(bad), 1)), idx)).max(axis=1, initial=0.0)
        sc = scalar(np.tile(FF, (len(bad), 1)), np.tile(GG, (len(bad), 1)), idx)
        v, sc = v.reshape(len(bad), nd), np.where(np.isfinite(sc), sc, np.inf).reshape(len(bad), nd)
        near = np.array([np.lexsort((sc[j], np.round(v[j], 9)))[:per] for j in range(len(bad))])
        Ud = np.array([o.u for o in done])
        starts = np.concatenate([Ud[near], starts], axis=1)
        owner = np.repeat(np.arange(len(bad)), starts.shape[1])
        res = solve_batch(problem, lambda F, G, idx: scalar(F, G, bad[owner[idx]]),
                          lambda F, G, idx: cons(F, G, bad[owner[idx]]), starts.reshape(len(owner), -1))
        calls += res.n_model_calls
        for j, r in enumerate(_best_of(res, owner, len(bad))):
            i = bad[j]
            if r.feasible or r.violation < out[i].violation:
                out[i] = r
    return [o for o in out if o is not None], calls


def pareto_front(problem: Any, n_points: int = 11, method: str = "epsilon", *, seed: int = 0, n_starts: int = 4,
                 report_keys: Iterable[str] = (), progress: Callable[[int, int], None] | None = None,
                 solver: str = "auto") -> ParetoFront:
    """Trace the Pareto front of a multi-objective ``problem``.

    Parameters
    ----------
    problem : DesignProblem or FunctionProblem
        At least two objectives.
    n_points : int
        Points wanted, anchors included (the front may hold fewer: dominated, duplicate and infeasible solutions
        are dropped and counted). Each is a sub-problem solved, except on a batched two-objective front of more
        than 21 points over at most two design variables, which solves one per 6 points (at least 21) and interpolates the others between solved
        neighbours (``n_interpolated``); it re-solves the sub-problems it loses in the largest gaps, so its
        ``n_subproblems`` may exceed what it planned; its points never exceed ``n_points``.
    method : {"epsilon", "weighted"}
        Epsilon-constraint (recovers non-convex fronts) or weighted sum (only the convex hull).
    seed : int
        Seed of the multi-start samples; the same seed gives the same front.
    n_starts : int
        Local solves per anchor (and per fallback when a warm start ends infeasible).
    report_keys : iterable of str
        Extra model outputs to tabulate at each front point (DesignProblem only).
    progress : callable, optional
        ``progress(done, total)`` after each sub-problem (e.g. Excel's status bar); the batched solver reports
        after the anchors and after each level of sub-problems solved together.
    solver : {"auto", "batched", "sequential"}
        ``"batched"``: the sub-problems are solved together by :func:`xlcell.optimize.solve_batch`, one
        population call per iteration for all of them (two-objective epsilon fronts: a space-filling sample, the
        anchors with levels spaced along the sample's front, then the largest gaps refilled, see the module
        notes; otherwise the anchors together, then the grid coarse to fine with warm starts); ``"sequential"``: one SLSQP solve after another, each warm-started from its nearest solved
        neighbour (the method before issue 15). ``"auto"`` (default): batched for two objectives, sequential for
        three or more (where the batched SQP does not yet escape the degenerate anchors of fronts like DTLZ2's
        sphere, whose anchors are stationary points of every objective).

    Raises
    ------
    InfeasibleError
        When no feasible design exists for an anchor (the message names the violated constraints).
    """
    t0 = time.perf_counter()
    method = str(method).strip().lower()
    method = {"eps": "epsilon", "epsilon-constraint": "epsilon", "weighted-sum": "weighted", "weighted sum": "weighted",
              "ws": "weighted"}.get(method, method)
    if method not in METHODS:
        raise InputError("method", method, "'epsilon' or 'weighted'")
    solver = str(solver).strip().lower()
    if solver not in SOLVERS + ("auto",):
        raise InputError("solver", solver, "'auto', 'batched' or 'sequential'")
    if solver == "auto":
        solver = "batched" if problem.n_obj == 2 else "sequential"
    with one_blas_thread():
        return _pareto_front(problem, n_points, method, seed, n_starts, report_keys, progress, solver, t0)


def _pareto_front(problem: Any, n_points: int, method: str, seed: int, n_starts: int, report_keys: Iterable[str],
                  progress: Callable[[int, int], None] | None, solver: str, t0: float) -> ParetoFront:
    m = problem.n_obj
    if m < 2:
        raise InputError("objectives", m, "at least 2 for a Pareto front (use minimize for one)")
    n_points = int(n_points)
    if n_points < m:
        raise InputError("n_points", n_points, f"at least {m} (one per objective)")
    span_u = problem.xu - problem.xl
    first = (problem.x_base() - problem.xl) / span_u
    calls = 0
    anchors = []
    total = m + (len(simplex_lattice(m, n_points)) - m if method == "weighted" else n_points - m)
    two = solver == "batched" and method == "epsilon" and m == 2
    sample = None
    if solver == "batched":
        sample = _Sample.draw(problem, seed, extra=first)
        off, scale = scale_of(sample.F)
        calls += 1
    else:
        off, scale = objective_scale(problem, seed)
    cons = model_constraints(problem) if problem.n_con else None
    keys = list(dict.fromkeys(problem.objective_names + [c.key for c in problem.constraints]
                              + [r.key for r in problem.rows] + list(report_keys))) \
        if isinstance(problem, DesignProblem) else []
    levels: list[SubResult] = []
    n_sub, pts, n_bad = 0, None, 0
    if two:
        anchors, levels, n_sub, c, pts, n_bad = _front_two(problem, sample, off, scale, n_points - m, n_starts, seed,
                                                          first, cons, keys)
        calls += c
        if progress:
            progress(total, total)
    elif solver == "batched":
        anchors, c = _anchors_batched(problem, sample, off, scale, n_starts, seed, first, cons)
        calls += c
        if progress:
            progress(m, total)
    for k in range(m if solver == "sequential" else 0):
        a, c = _anchor(problem, k, off, scale, n_starts, seed + k, first)
        anchors.append(a)
        calls += c
        if progress:
            progress(k + 1, total)
    FA = np.array([a.F for a in anchors])
    ideal = FA.min(axis=0)
    nadir = FA.max(axis=0)
    span = np.where(nadir - ideal > 1e-12 * np.maximum(np.abs(ideal), 1.0), nadir - ideal, 0.0)
    conflicting = span > 0
    span_safe = np.where(conflicting, span, scale)

    def fhat(F):
        return (F - ideal) / span_safe

    params, solved = [], []  # sub-problem parameter vectors (weights or eps) and solutions
    for k, a in enumerate(anchors):
        p = np.zeros(m)
        p[k] = 1.0
        params.append(p if method == "weighted" else fhat(a.F[None, :])[0][1:])
        solved.append(a)

    if method == "weighted":
        grid = [w for w in simplex_lattice(m, n_points) if np.count_nonzero(w) > 1]
    else:
        q = int(np.floor((n_points - m) ** (1.0 / (m - 1)) + 1e-9)) + 2 if m > 2 else n_points  # (q-2)^(m-1) <= n - m
        axis = np.linspace(1.0, 0.0, q)[1:-1]
        grid = [np.array(e) for e in itertools.product(axis, repeat=m - 1)][: max(0, n_points - m)]

    n_infeasible = 0
    if two:
        solved += levels
        n_infeasible = sum(not r.feasible for r in levels) + n_bad
        grid = []
    if solver == "batched" and grid:
        P = np.array(grid)
        if method == "weighted":
            def scalar_b(F, G, idx):
                return (fhat(F) * P[idx]).sum(axis=1)

            def cons_b(F, G, idx):
                return cons(F, G) if cons is not None else np.zeros((len(F), 0))
        else:
            def scalar_b(F, G, idx):
                h = fhat(F)
                return h[:, 0] + _RHO * h[:, 1:].sum(axis=1)

            def cons_b(F, G, idx):
                e = P[idx] - fhat(F)[:, 1:]
                return e if cons is None else np.hstack([cons(F, G), e])
        res, c = _solve_grid_batched(problem, P, params, solved, scalar_b, cons_b, n_starts, seed, progress,
                                     len(solved) + len(P), method == "weighted")
        calls += c
        params += list(P)
        solved += res
        n_infeasible = sum(not r.feasible for r in res)
        grid = []
    for pvec in grid:
        if method == "weighted":
            def scalar(F, G, w=pvec):
                return fhat(F) @ w
            c = cons
        else:
            def scalar(F, G):
                h = fhat(F)
                return h[:, 0] + _RHO * h[:, 1:].sum(axis=1)

            def c(F, G, eps=pvec):
                e = eps - fhat(F)[:, 1:]
                return e if cons is None else np.hstack([cons(F, G), e])
        near = int(np.argmin([np.linalg.norm(pvec - p) for p in params]))
        sub = _Sub(problem, scalar, c)
        r = sub.solve(solved[near].u)
        calls += sub.n_model_calls
        if not r.feasible:
            starts = start_points(problem, scalar, c, n_starts, seed + len(params))
            r2, c2 = multistart(problem, scalar, c, starts)
            calls += c2
            r = r2 if r2.feasible or r2.violation < r.violation else r
        params.append(pvec)
        solved.append(r)
        if not r.feasible:
            n_infeasible += 1
        if progress:
            progress(len(solved), max(total, len(solved)))

    if pts is None:  # the solutions; the 2-objective front's designs come evaluated with their outputs
        ok = [s for s in solved if s.feasible]
        pts = _Points(np.array([s.u for s in ok]), np.array([s.F for s in ok]), np.array([s.G for s in ok]), None,
                      np.zeros(len(ok), dtype=bool))
    keep = non_dominated(fhat(pts.F), tol=_SAME)
    rows = np.flatnonzero(keep)
    pts = pts.take(rows[np.lexsort(pts.F[rows].T[::-1])])
    U, Fm = pts.u, pts.F
    X = problem.xl + U * span_u
    senses = np.asarray(problem.senses, dtype=float)
    if isinstance(problem, DesignProblem) and pts.outputs is not None:
        outputs = pts.outputs
    elif isinstance(problem, DesignProblem):
        outputs = problem.outputs(X, keys)
        calls += 1
    else:
        outputs = {n: Fm[:, i] * senses[i] for i, n in enumerate(problem.objective_names)}
    # a non-conflicting objective has f̂ ~ 0 at every point; one point has no ideal-nadir box to normalise by
    hv = hypervolume(fhat(Fm), [HV_REFERENCE] * m) if len(Fm) >= 2 else float("nan")
    return ParetoFront(
        method=method, variable_keys=list(problem.variable_names), objective_keys=list(problem.objective_names),
        senses=senses, X=X, F=Fm * senses, outputs=outputs, ideal=ideal * senses, nadir=nadir * senses,
        hypervolume=hv, knee=knee_index(Fm, ideal, nadir), n_subproblems=n_sub or len(solved), n_infeasible=n_infeasible,
        n_dominated=len(keep) - int(keep.sum()), n_model_calls=calls, n_interpolated=int(pts.interpolated.sum()),
        seconds=time.perf_counter() - t0,
        units=key_units(problem, problem.variable_names, outputs),
    )


def zdt(which: int, n_var: int = 30) -> FunctionProblem:
    """ZDT1, ZDT2 or ZDT3 (Zitzler, Deb and Thiele 2000), the standard two-objective test problems, on [0, 1]^n_var.

    f1 = x1, g = 1 + 9 mean(x2..xn), f2 = g h(f1/g) with h(r) = 1 - sqrt(r) (ZDT1, convex front), 1 - r² (ZDT2,
    non-convex) or 1 - sqrt(r) - r sin(10 π f1) (ZDT3, five disconnected pieces); the Pareto set is x2..xn = 0.

    Parameters
    ----------
    which : {1, 2, 3}
        The problem.
    n_var : int
        Number of variables (30 in the original).
    """
    if which not in (1, 2, 3):
        raise InputError("which", which, "1, 2 or 3 (ZDT1, ZDT2, ZDT3)")

    def fun(X):
        f1 = X[:, 0]
        g = 1 + 9 * X[:, 1:].sum(axis=1) / (X.shape[1] - 1)
        r = f1 / g
        h = {1: lambda: 1 - np.sqrt(r), 2: lambda: 1 - r ** 2,
             3: lambda: 1 - np.sqrt(r) - r * np.sin(10 * np.pi * f1)}[which]()
        return np.c_[f1, g * h]
    return FunctionProblem(fun, [0.0] * n_var, [1.0] * n_var, 2)


def normalised_hypervolume(F_min: np.ndarray, ideal_min: np.ndarray, nadir_min: np.ndarray) -> float:
    """Hypervolume of any point set (minimisation form) in a given normalisation (for comparing methods).

    Parameters
    ----------
    F_min : ndarray
        Points, one per row, minimisation form (shape n × m, objectives' units).
    ideal_min : ndarray
        Ideal point of the normalisation (m values, same units), mapped to 0.
    nadir_min : ndarray
        Nadir point of the normalisation (m values, same units), mapped to 1; the reference is
        :data:`HV_REFERENCE` on each normalised axis.
    """
    span = np.where(nadir_min - ideal_min > 0, nadir_min - ideal_min, 1.0)
    return hypervolume((np.atleast_2d(F_min) - ideal_min) / span, [HV_REFERENCE] * len(span))


def additive_epsilon(A: np.ndarray, R: np.ndarray) -> float:
    """Additive epsilon indicator I(A, R) = max_r min_a max_k (a_k - r_k) (minimisation form).

    The least shift that makes the set ``A`` weakly dominate every point of the reference set ``R``: 0 when A is
    as good as R everywhere, positive by how far A falls short (in the units of the objectives; normalise first).

    Parameters
    ----------
    A : ndarray
        Approximation set, one point per row, objectives in minimisation form (shape n × m, objectives' units).
    R : ndarray
        Reference set, one point per row, same objectives and units (shape r × m).
    """
    A = np.atleast_2d(np.asarray(A, dtype=float))
    R = np.atleast_2d(np.asarray(R, dtype=float))
    if A.shape[0] == 0:
        return float("inf")
    return float(np.max(np.min(np.max(A[None, :, :] - R[:, None, :], axis=2), axis=1)))


__all__ = ["ParetoFront", "additive_epsilon", "pareto_front", "non_dominated", "hypervolume", "knee_index", "simplex_lattice",
           "normalised_hypervolume", "HV_REFERENCE", "METHODS", "SOLVERS", "zdt"]
