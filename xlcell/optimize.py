"""Constrained design optimisation over the xlcell models.

A :class:`DesignProblem` states decision variables (design keys with bounds, display units), objectives (model
output keys to minimise or maximise) and constraints (bounds on output keys). Like a pymoo problem, it evaluates
a whole population matrix ``X`` (one row per design) in one model call and returns objective values ``F`` in
minimisation form and constraint values ``G`` (feasible when ``G <= 0``).

:func:`minimize` solves the single-objective problem with SLSQP in scaled variables ``u = (x - xl)/(xu - xl)``
from several deterministic starts (a seeded Latin-hypercube sample, ranked in one population evaluation).
Gradients are central differences whose whole stencil (``2 n_var + 1`` designs) is one model call. When no start
reaches a feasible design, the result says which constraints fail and the best value each could reach alone
within the variable bounds. Pareto fronts are in :mod:`xlcell.pareto`.
"""
from __future__ import annotations

import math
import sys
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Sequence

import numpy as np

from .cell import CellDesign, default_design
from .errors import ConflictError, InfeasibleError, InputError, ShapeError
from .params import param, per_item
from .registry import Evaluation, apply_values, check_variable_set, current_values, max_of, output_spec, variable
from .registry import limits as registry_limits

#: constraint tolerance in scaled units (fraction of the bound's magnitude)
FEASIBILITY_TOL = 1e-6
#: Tikhonov regularisation of the interior-point normal matrix, relative to its largest entry
NORMAL_MATRIX_REG = 1e-14
#: sufficient-decrease (Armijo) constant of the SQP line search
ARMIJO_C1 = 1e-4
#: tolerance of the batched SQP's QPs (relative residuals): the QP steps need no more than the SQP's own tolerance
QP_TOL = 1e-8
#: ... with finite-difference Hessians (Newton steps, a few variables): an inexact Newton step of 1e-6 relative is
#: corrected by the next (Dembo, Eisenstat and Steihaug 1982), and the interior point stops sooner (the 4-variable
#: front's QPs about a third cheaper, the same fronts' hypervolume to 5 digits; issue 15). BFGS keeps 1e-8: on ZDT's
#: 30 variables the ρ-small pull of the other objective needs it (x2..x30 within 1e-5 of 0)
QP_TOL_FD = 1e-6
#: a constraint's linearised slack below -QP_ACTIVE_TOL x (1 + |c|) counts as violated (elastic) when an active set
#: is read from a solved QP
QP_ACTIVE_TOL = 1e-9
#: the diagonal a held row gets in the KKT system of a QP on its active-set guess, relative to the system's scale
#: (dependent held rows stay solvable)
KKT_HELD_REG = 1e-14
#: active-set guesses tried per QP of the batched SQP (:func:`_qp_active_set`) before the interior point takes it:
#: from the last QP's active set the primal-dual rule finds the new one in one or two where it moved (issue 15)
QP_ACTIVE_ITERS = 3
#: a multi-start's merit this far (relative, plus 10 predicted steps) behind its group's best converged start stops it
START_BEHIND_TOL = 1e-6
#: a multi-start within this distance (in u, largest component) of its group's best converged start, and no better,
#: is heading for the same minimum and stops
START_SAME = 1e-3
_SENSES = {"min": 1.0, "minimise": 1.0, "minimize": 1.0, "max": -1.0, "maximise": -1.0, "maximize": -1.0}


# --------------------------------------------------------------------------------------------------
# Problem statement
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Variable:
    """A decision variable: a design key and its bounds (display units)."""

    key: str
    lower: float
    upper: float


@dataclass(frozen=True)
class Objective:
    """An objective: a model output key and ``"min"`` or ``"max"``."""

    key: str
    sense: str = "min"

    @property
    def sign(self) -> float:
        """+1 to minimise, -1 to maximise (F = sign x value)."""
        try:
            return _SENSES[str(self.sense).strip().lower()]
        except KeyError:
            raise InputError(f"{self.key} sense", self.sense, "'min' or 'max'") from None


@dataclass(frozen=True)
class Constraint:
    """A constraint: ``lower <= output <= upper`` (either bound may be None), display units."""

    key: str
    lower: float | None = None
    upper: float | None = None


@dataclass(frozen=True)
class _Row:
    """One inequality g <= 0 of a problem: g = bound - value (lower) or value - bound (upper)."""

    key: str
    kind: str  # ">=" or "<="
    bound: float
    scale: float


def _finite(x: Any, name: str) -> float:
    try:
        v = float(x)
    except (TypeError, ValueError):
        raise InputError(name, x, "a number") from None
    if not math.isfinite(v):
        raise InputError(name, v, "a finite number")
    return v


def _with_limits(constraints: Sequence[Constraint], context: Mapping[str, Any] | None = None,
                impose: bool = True) -> list[Constraint]:
    """``constraints`` and, after them, each registered design limit that applies and that they do not bound
    (:func:`xlcell.registry.limits`: the calendering fracture and percolation ratios <= 1, issue 17 item 4).
    A row that states exactly a limit that does not apply (the electrode's material has no calendering
    parameters) is dropped, so the Pareto sheet's default rows work for every material; any other bound on it is
    refused.

    Parameters
    ----------
    constraints : sequence of Constraint
        The problem's own constraints (any key case).
    context : mapping, optional
        The model context (it names the electrodes' materials, ``context["calendering"]``).
    impose : bool
        Add the limits (False: only check the constraints on limit keys).
    """
    own = {output_spec(c.key).key for c in constraints}
    out = list(constraints)
    for key, upper, applies in registry_limits(context):
        if key in own and not applies and all(c.lower is None and c.upper == upper
                                              for c in out if output_spec(c.key).key == key):
            # the limit's own row (the Pareto sheet lists every limit): not assessed for this material, so dropped
            out = [c for c in out if output_spec(c.key).key != key]
            continue
        if key in own and not applies:
            raise InputError(f"constraint {key}", "given", "no bound: the electrode's material has no calendering "
                             "parameters (xlcell/data/calendering_materials.toml), so the ratio is not assessed; "
                             "remove the row or use a material that has them")
        if impose and applies and key not in own:
            out.append(Constraint(key, upper=upper))
    return out


def _columns(ev: Evaluation, keys: Iterable[str], n: int) -> dict[str, np.ndarray]:
    """The outputs ``keys`` of an evaluation of ``n`` designs, each a column of n values (display units)."""
    return {k: np.broadcast_to(np.asarray(ev[k], dtype=float), (n,)).copy() for k in keys}


class DesignProblem:
    """Decision variables, objectives and constraints over the registered xlcell models.

    Parameters
    ----------
    variables : sequence of Variable
        Design keys (see :func:`xlcell.registry.variable_keys`) with bounds in display units.
    objectives : sequence of Objective
        Model output keys (see :func:`xlcell.registry.output_keys`) to minimise or maximise.
    constraints : sequence of Constraint, optional
        Bounds on model outputs, display units.
    base : CellDesign, optional
        The design the variables modify (default: BatPaC 5.0's default cell).
    context : mapping, optional
        Extra model inputs per provider (e.g. ``{"cost": ...}``), passed to :class:`~xlcell.registry.Evaluation`.
    limits : bool
        Impose the registry's design limits (:func:`xlcell.registry.limits`: ``pos_/neg_fracture_ratio <= 1`` and
        ``pos_/neg_percolation_ratio <= 1`` where the electrode's material has calendering parameters) that
        ``constraints`` does not bound itself (default); a constraint on such a key replaces it.

    Raises
    ------
    InputError, UnknownKeyError, ConflictError
        Unknown keys (with suggestions), bounds outside a key's allowed range, empty bounds, a boolean objective, a
        bound on a limit that the materials do not allow to assess (no calendering parameters).
    """

    def __init__(self, variables: Sequence[Variable], objectives: Sequence[Objective],
                 constraints: Sequence[Constraint] = (), *, base: CellDesign | None = None,
                 context: Mapping[str, Any] | None = None, limits: bool = True):
        if not variables:
            raise InputError("variables", "none", "at least one design variable with bounds")
        if not objectives:
            raise InputError("objectives", "none", "at least one objective")
        self.base = base if base is not None else default_design()
        self.context = dict(context or {})
        vs = []
        for v in variables:
            var = variable(v.key)
            lo, hi = _finite(v.lower, f"{var.key} lower bound"), _finite(v.upper, f"{var.key} upper bound")
            if not lo < hi:
                raise InputError(f"{var.key} bounds", f"{lo:g} .. {hi:g}", "lower < upper")
            var.spec.check(var.spec.to_si(np.array([lo, hi])), f"{var.key} bound")
            vs.append(Variable(var.key, lo, hi))
        check_variable_set(v.key for v in vs)
        self.variables: tuple[Variable, ...] = tuple(vs)
        objs = []
        for o in objectives:
            s = output_spec(o.key)
            if s.unit in ("bool", "text"):
                raise InputError(f"objective {s.key}", s.unit, "a numeric model output")
            _ = o.sign
            objs.append(Objective(s.key, str(o.sense).strip().lower()[:3]))
        if len({o.key for o in objs}) < len(objs):
            raise ConflictError("an objective is listed twice")
        self.objectives: tuple[Objective, ...] = tuple(objs)
        constraints = _with_limits(constraints, self.context, limits)
        rows, cons = [], []
        for c in constraints:
            s = output_spec(c.key)
            lo = None if c.lower is None else _finite(c.lower, f"{s.key} lower limit")
            hi = None if c.upper is None else _finite(c.upper, f"{s.key} upper limit")
            if lo is None and hi is None:
                raise InputError(f"constraint {s.key}", "blank", "a lower limit, an upper limit or both")
            if lo is not None and hi is not None and lo > hi:
                raise InputError(f"constraint {s.key}", f"{lo:g} .. {hi:g}", "lower <= upper")
            cons.append(Constraint(s.key, lo, hi))
            for kind, b in ((">=", lo), ("<=", hi)):
                if b is None:
                    continue
                # an upper bound on a maximum is an upper bound on each part (smooth for SLSQP)
                for key in (max_of(s.key) if kind == "<=" and max_of(s.key) else (s.key,)):
                    rows.append(_Row(key, kind, b, abs(b) if b != 0 else 1.0))
        self.constraints: tuple[Constraint, ...] = tuple(cons)
        self.rows: tuple[_Row, ...] = tuple(rows)
        self.xl = np.array([v.lower for v in self.variables])
        self.xu = np.array([v.upper for v in self.variables])
        self.senses = np.array([o.sign for o in self.objectives])
        self.g_scale = np.array([r.scale for r in self.rows]) if rows else np.zeros(0)

    # -- pymoo-style interface -------------------------------------------------------------------
    @property
    def n_var(self) -> int:
        return len(self.variables)

    @property
    def n_obj(self) -> int:
        return len(self.objectives)

    @property
    def n_con(self) -> int:
        return len(self.rows)

    @property
    def variable_names(self) -> list[str]:
        return [v.key for v in self.variables]

    @property
    def objective_names(self) -> list[str]:
        return [o.key for o in self.objectives]

    @property
    def constraint_names(self) -> list[str]:
        return [f"{r.key} {r.kind} {r.bound:g}" for r in self.rows]

    def evaluation(self, X: np.ndarray) -> Evaluation:
        """The :class:`~xlcell.registry.Evaluation` of the population ``X`` (rows = designs, display units).

        Parameters
        ----------
        X : ndarray
            Population, one design per row and one column per decision variable, in the variables' display units.
        """
        X = np.atleast_2d(np.asarray(X, dtype=float))
        if X.shape[1] != self.n_var:
            raise ShapeError("X", f"{X.shape[0]} x {X.shape[1]}", f"n x {self.n_var} (one column per variable)")
        values = {v.key: X[:, i] for i, v in enumerate(self.variables)}
        return Evaluation(apply_values(self.base, values, self.context), self.context, values)

    def evaluate(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(F, G)`` for the population ``X``: F (n, n_obj) in minimisation form, G (n, n_con), feasible G <= 0.

        Parameters
        ----------
        X : ndarray
            Population, one design per row and one column per decision variable, in the variables' display units.
        """
        ev = self.evaluation(X)
        return self._fg(ev, np.atleast_2d(X).shape[0])

    def _fg(self, ev: Evaluation, n: int, extra: Iterable[str] = ()) -> tuple[np.ndarray, np.ndarray]:
        # every output asked up front: each partial provider computes them all in one call, and only them
        ev.want([o.key for o in self.objectives] + [r.key for r in self.rows] + list(extra), complete=True)
        def col(key: str) -> np.ndarray:  # an output as a column of n designs
            v = np.asarray(ev[key], dtype=float)
            return v if v.shape == (n,) else np.broadcast_to(v, (n,))

        F = np.empty((n, self.n_obj))
        for k, o in enumerate(self.objectives):
            F[:, k] = o.sign * col(o.key)
        G = np.empty((n, self.n_con))
        for j, r in enumerate(self.rows):
            v = col(r.key)
            G[:, j] = (r.bound - v) if r.kind == ">=" else (v - r.bound)
        return F, G

    def evaluate_outputs(self, X: np.ndarray,
                         keys: Iterable[str]) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
        """``(F, G)`` as :meth:`evaluate` gives them and the outputs ``keys`` as :meth:`outputs` gives them, from one
        model call (a front's points and their table, issue 15).

        Parameters
        ----------
        X : ndarray
            The population, as :meth:`evaluate` takes it.
        keys : iterable of str
            The outputs to tabulate, as :meth:`outputs` takes them.
        """
        X = np.atleast_2d(np.asarray(X, dtype=float))
        keys = list(keys)
        ev = self.evaluation(X)
        F, G = self._fg(ev, X.shape[0], keys)
        return F, G, _columns(ev, keys, X.shape[0])

    def outputs(self, X: np.ndarray, keys: Iterable[str]) -> dict[str, np.ndarray]:
        """Model outputs ``keys`` (display units) for the population ``X``, one model call.

        Parameters
        ----------
        X : ndarray
            Population, one design per row and one column per decision variable, in the variables' display units.
        keys : iterable of str
            Output keys of the registry (e.g. ``"cell_cost_usd_per_kWh"``).
        """
        X = np.atleast_2d(np.asarray(X, dtype=float))
        return _columns(self.evaluation(X), keys, X.shape[0])

    def x_base(self) -> np.ndarray:
        """The base design's values of the variables, clipped into the bounds (the centre where derived)."""
        cur = current_values(self.base, self.variable_names)
        x = np.array([cur[k] for k in self.variable_names])
        x = np.where(np.isfinite(x), x, 0.5 * (self.xl + self.xu))
        return np.clip(x, self.xl, self.xu)

    def units(self, key: str) -> str:
        """Display unit of a decision variable or a model output (e.g. ``"µm"``, ``"$/kWh"``).

        Parameters
        ----------
        key : str
            A variable key or an output key.
        """
        try:
            return variable(key).unit
        except KeyError:
            return output_spec(key).unit


class FunctionProblem:
    """A problem from a plain vectorised function (tests, benchmarks).

    ``fun(X)`` takes X of shape (n, n_var) and returns F (n, n_obj) in minimisation form, or ``(F, G)`` with
    G (n, n_con), feasible when G <= 0.
    """

    def __init__(self, fun: Callable[[np.ndarray], Any], xl: Sequence[float], xu: Sequence[float], n_obj: int,
                 n_con: int = 0, names: Sequence[str] | None = None):
        self.fun = fun
        self.xl = np.asarray(xl, dtype=float)
        self.xu = np.asarray(xu, dtype=float)
        self.n_var = self.xl.size
        self.n_obj = n_obj
        self.n_con = n_con
        self.senses = np.ones(n_obj)
        self.g_scale = np.ones(n_con)
        self.variable_names = [f"x{i + 1}" for i in range(self.n_var)]
        self.objective_names = list(names) if names else [f"f{k + 1}" for k in range(n_obj)]
        self.constraint_names = [f"g{j + 1} <= 0" for j in range(n_con)]
        self.rows = ()
        self.n_calls = 0

    def evaluate(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(F, G)`` for the population ``X`` from ``fun``: F (n, n_obj) in minimisation form, G (n, n_con), feasible G <= 0.

        Parameters
        ----------
        X : ndarray
            Population, one point per row (n × n_var), in the function's own units.
        """
        X = np.atleast_2d(np.asarray(X, dtype=float))
        self.n_calls += 1
        out = self.fun(X)
        F, G = out if isinstance(out, tuple) else (out, np.zeros((X.shape[0], 0)))
        return np.asarray(F, dtype=float).reshape(X.shape[0], self.n_obj), np.asarray(G, dtype=float).reshape(X.shape[0], self.n_con)

    def x_base(self) -> np.ndarray:
        return 0.5 * (self.xl + self.xu)


# --------------------------------------------------------------------------------------------------
# The scaled SLSQP sub-problem
# --------------------------------------------------------------------------------------------------
ScalarFn = Callable[[np.ndarray, np.ndarray], np.ndarray]  # (F, G) -> (n,)
ConsFn = Callable[[np.ndarray, np.ndarray], np.ndarray]  # (F, G) -> (n, m), feasible >= 0


def model_constraints(problem: Any) -> ConsFn:
    """The problem's own constraints in SLSQP form (>= 0 feasible), scaled by each bound's magnitude.

    Parameters
    ----------
    problem : DesignProblem or FunctionProblem
        The problem; its ``g_scale`` (each bound's magnitude, in the output's display unit) scales G.
    """
    return lambda F, G: -G / problem.g_scale


@dataclass
class SubResult:
    """One local solve: scaled variables, values, feasibility."""

    u: np.ndarray
    F: np.ndarray
    G: np.ndarray
    scalar: float
    violation: float  #: largest scaled violation (0 when feasible)
    nit: int
    success: bool

    @property
    def feasible(self) -> bool:
        return self.violation <= FEASIBILITY_TOL


class _Sub:
    """min scalar(F, G) s.t. cons(F, G) >= 0 over u in [0, 1]^n, with batched forward-difference gradients."""

    def __init__(self, problem: Any, scalar: ScalarFn, cons: ConsFn | None, h: float = 1e-6):
        self.p = problem
        self.scalar = scalar
        self.cons = cons
        self.h = h
        self._key: bytes | None = None
        self._val: tuple[Any, ...] = ()
        self.n_model_calls = 0

    def _x(self, U: np.ndarray) -> np.ndarray:
        return self.p.xl + U * (self.p.xu - self.p.xl)

    def _eval(self, u: np.ndarray) -> tuple[Any, ...]:
        u = np.clip(np.asarray(u, dtype=float), 0.0, 1.0)
        key = u.tobytes()
        if key == self._key:
            return self._val
        n = u.size
        # central differences where the stencil stays in the box, one-sided at a bound; the whole stencil
        # (2n + 1 designs) is one population call, which costs about the same as one design
        h = self.h
        up = np.minimum(u + h, 1.0)
        dn = np.maximum(u - h, 0.0)
        E = np.eye(n)
        U = np.vstack([u, u + E * (up - u), u + E * (dn - u)])
        F, G = self.p.evaluate(self._x(U))
        self.n_model_calls += 1
        s_all = self.scalar(F, G)
        width = up - dn
        ds = (s_all[1:n + 1] - s_all[n + 1:]) / width
        s = s_all
        if self.cons is not None:
            c_all = self.cons(F, G)
            dc = ((c_all[1:n + 1] - c_all[n + 1:]) / width[:, None]).T
            c = c_all
        else:
            c = dc = None
        bad = not (np.all(np.isfinite(s)) and (c is None or np.all(np.isfinite(c))))
        if bad:  # a design the model cannot evaluate: make SLSQP step back
            s0 = s[0] if np.isfinite(s[0]) else 1e6
            ds = np.nan_to_num(ds, nan=0.0, posinf=0.0, neginf=0.0)
            s = np.r_[s0, s[1:]]
            if c is not None:
                c = np.nan_to_num(c, nan=-1e3, posinf=1e3, neginf=-1e3)
                dc = np.nan_to_num(dc, nan=0.0, posinf=0.0, neginf=0.0)
        self._key = key
        self._val = (float(s[0]), ds, None if c is None else c[0], dc, F[0], G[0])
        return self._val

    def fun(self, u: np.ndarray) -> tuple[float, np.ndarray]:
        v = self._eval(u)
        return v[0], v[1]

    def con(self, u: np.ndarray) -> np.ndarray:
        return self._eval(u)[2]

    def con_jac(self, u: np.ndarray) -> np.ndarray:
        return self._eval(u)[3]

    def solve(self, u0: np.ndarray, maxiter: int = 100, ftol: float = 1e-10) -> SubResult:
        from scipy.optimize import minimize as _scipy_minimize  # here: import xlcell (and udfs) stays light

        n = u0.size
        constraints = []
        if self.cons is not None:
            constraints = [{"type": "ineq", "fun": self.con, "jac": self.con_jac}]
        r = _scipy_minimize(self.fun, np.clip(u0, 0, 1), jac=True, method="SLSQP", bounds=[(0.0, 1.0)] * n,
                            constraints=constraints, options={"maxiter": maxiter, "ftol": ftol})
        u = np.clip(r.x, 0.0, 1.0)
        s, _, c, _, F, G = self._eval(u)
        viol = 0.0 if c is None or c.size == 0 else float(max(0.0, -np.min(c)))
        return SubResult(u, F.copy(), G.copy(), s, viol, int(getattr(r, "nit", 0)), bool(r.success))


# --------------------------------------------------------------------------------------------------
# Batched SQP: many sub-problems of one model solved together, one population call per iteration
# --------------------------------------------------------------------------------------------------
BatchScalarFn = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]  # (F, G, idx) -> (n,)
BatchConsFn = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]  # (F, G, idx) -> (n, m), feasible >= 0


#: threadpoolctl's controller of the loaded BLAS libraries and the number of imported modules when it was made: a
#: front or a batch limits BLAS through it (0.01 ms) instead of finding the libraries anew (0.3 ms, issue 15); it is
#: made anew when modules were imported since (one may have loaded a BLAS of its own)
_BLAS_CONTROLLER: list[Any] = [None, -1]


def one_blas_thread() -> Any:
    """A context in which BLAS runs on one thread (threadpoolctl; a no-op without it): the batched QPs are tiny
    (n_var + m unknowns), BLAS threads only add overhead there, and on a busy PC they slow such solves several-fold
    (issue 15). The caller's setting is restored on exit."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn, a base dependency
        import contextlib

        return contextlib.nullcontext()
    if _BLAS_CONTROLLER[0] is None or _BLAS_CONTROLLER[1] != len(sys.modules):
        _BLAS_CONTROLLER[:] = [ThreadpoolController(), len(sys.modules)]
    return _BLAS_CONTROLLER[0].limit(limits=1, user_api="blas")


def batch_qp(Q: np.ndarray, q: np.ndarray, A: np.ndarray, b: np.ndarray, iters: int = 60,
             tol: float = 1e-10) -> tuple[np.ndarray, np.ndarray]:
    """Solve K convex quadratic programmes ``min ½ xᵀQx + qᵀx  s.t.  A x >= b`` together (primal-dual interior
    point, Mehrotra's predictor-corrector; every step is a batched numpy operation, no loop over programmes).

    Returns ``(x, z)``: the solutions (K, N) and the multipliers of the rows (K, p), z >= 0.

    Parameters
    ----------
    Q : ndarray
        Positive semi-definite Hessians (K, N, N); ``Q + Aᵀ D A`` must be definite for D > 0 (rows bound every
        direction of zero curvature).
    q : ndarray
        Linear terms (K, N).
    A : ndarray
        Constraint rows (K, p, N).
    b : ndarray
        Right-hand sides (K, p).
    iters : int
        Largest number of interior-point iterations.
    tol : float
        Stop when the residuals and the mean complementarity fall below ``tol`` (relative to the data's scale).
    """
    K, N = q.shape
    p = b.shape[1]
    x = np.zeros((K, N))
    s = np.maximum(-b, 1.0)  # A·0 - b, kept positive (infeasible start)
    z = np.ones((K, p))
    scale = 1.0 + np.abs(q).max(axis=1) + np.abs(b).max(axis=1)
    active = np.ones(K, dtype=bool)
    At = np.swapaxes(A, 1, 2)
    for _ in range(iters):
        rd = (Q @ x[..., None])[..., 0] + q - (At @ z[..., None])[..., 0]
        rp = (A @ x[..., None])[..., 0] - s - b
        mu = (s * z).sum(axis=1) / p
        done = (np.abs(rd).max(axis=1) < tol * scale) & (np.abs(rp).max(axis=1) < tol * scale) & (mu < tol * scale)
        # complementarity far below the tolerance while a residual is not: a degenerate pair (s and z of one row
        # both -> 0) has made the normal matrix so ill-conditioned that the steps no longer reduce the residuals,
        # and x no longer moves; stop there rather than run to the iteration limit
        done |= mu < (tol * scale) ** 2
        active &= ~done
        if not active.any():
            break
        a = active
        Qa, Aa, Ata, sa, za, rda, rpa = Q[a], A[a], At[a], s[a], z[a], rd[a], rp[a]
        M = Qa + (Ata * (za / sa)[:, None, :]) @ Aa
        M += NORMAL_MATRIX_REG * np.eye(N) * np.abs(M).max(axis=(1, 2))[:, None, None]

        def direction(rc):
            rhs = -rda + (Ata @ ((rc - za * rpa) / sa)[..., None])[..., 0]
            dx = np.linalg.solve(M, rhs[..., None])[..., 0]
            ds = (Aa @ dx[..., None])[..., 0] + rpa
            dz = (rc - za * ds) / sa
            return dx, ds, dz

        def step(v, dv):
            neg = dv < 0
            r = np.where(neg, -v / np.where(neg, dv, -1.0), np.inf)
            return np.minimum(1.0, r.min(axis=1))

        dx, ds, dz = direction(-sa * za)  # affine (predictor)
        ap, ad = step(sa, ds), step(za, dz)
        mu_a = mu[a]
        mu_aff = ((sa + ap[:, None] * ds) * (za + ad[:, None] * dz)).sum(axis=1) / p
        sigma = (mu_aff / np.maximum(mu_a, 1e-300)) ** 3
        dx, ds, dz = direction(-sa * za - ds * dz + (sigma * mu_a)[:, None])  # corrector
        al = 0.995 * np.minimum(step(sa, ds), step(za, dz))[:, None]  # one step: x and z enter rd together (QP)
        x[a] += al * dx
        s[a] = sa + al * ds
        z[a] = za + al * dz
    return x, z


def elastic_qp_on_guess(Q: np.ndarray, g: np.ndarray, J: np.ndarray, c: np.ndarray, lo: np.ndarray,
                        hi: np.ndarray, mu: np.ndarray, state: np.ndarray,
                        rtol: float = 1e-9, want_next: bool = False) -> tuple[np.ndarray, ...]:
    """The elastic QPs of :func:`solve_batch`
    ``min ½ dᵀQd + gᵀd + μ Σ t  s.t.  J d + t >= -c, t >= 0, lo <= d <= hi`` solved on a guess of their active
    sets, all together: one batched linear solve of the equality-constrained QPs the guesses give, then a check of
    every KKT condition (primal feasibility of the rows left free, the multipliers' signs and the elastic bound μ).
    Where the check passes the step is the QP's exact solution
    (convex QP, Q definite: KKT is sufficient and d unique); elsewhere the guess was wrong.

    Returns ``(d, z, ok)``: steps (k, n), the constraints' multipliers (k, m) and which rows passed.

    Parameters
    ----------
    Q : ndarray
        Positive definite Hessians (k, n, n).
    g : ndarray
        Gradients (k, n).
    J : ndarray
        Constraint Jacobians (k, m, n).
    c : ndarray
        Constraint values (k, m), feasible >= 0.
    lo, hi : ndarray
        Bounds of the steps (k, n), lo <= 0 <= hi.
    mu : ndarray
        Penalty of the elastic slacks (k,).
    state : ndarray of int
        The guess (k, m + 2 n): for each constraint 0 inactive (t = 0, z = 0), 1 active (J d = -c, 0 <= z <= μ), 2
        elastic (t > 0, z = μ); for each lower then upper bound of d, 0 free or 1 held.
    rtol : float
        Tolerance of the checks, relative to the data's magnitude.
    want_next : bool
        Also return the next guess (k, m + 2 n) of each row (:func:`_qp_active_set`; a row that passed keeps its
        own where its values do not contradict it).
    """
    k, m, n = J.shape
    cs, lb, ub = state[:, :m], state[:, m:m + n] == 1, state[:, m + n:] == 1
    act = np.concatenate([cs == 1, lb, ub], axis=1)  # equality rows of the guess
    A = np.concatenate([J, np.broadcast_to(np.eye(n), (k, n, n)), -np.broadcast_to(np.eye(n), (k, n, n))], axis=1)
    b = np.concatenate([-c, lo, -hi], axis=1)  # A d >= b
    P = m + 2 * n
    gq = g - mu[:, None] * np.einsum("km,kmn->kn", (cs == 2).astype(float), J)
    M = np.zeros((k, n + P, n + P))
    M[:, :n, :n] = Q
    M[:, :n, n:] = -np.swapaxes(A, 1, 2) * act[:, None, :]
    M[:, n:, :n] = A * act[:, :, None]
    scale = 1.0 + np.abs(Q).max(axis=(1, 2)) + np.abs(A).max(axis=(1, 2))
    # a free row's multiplier is 0; a held row's diagonal gets -1e-14 of the scale (dependent held rows stay solvable)
    M[:, n + np.arange(P), n + np.arange(P)] = np.where(act, -KKT_HELD_REG * scale[:, None], 1.0)
    rhs = np.concatenate([-gq, np.where(act, b, 0.0)], axis=1)
    try:
        sol = np.linalg.solve(M, rhs[..., None])[..., 0]
    except np.linalg.LinAlgError:
        return np.zeros((k, n)), np.zeros((k, m)), np.zeros(k, dtype=bool)
    d, z = sol[:, :n], sol[:, n:]
    r = (A @ d[..., None])[..., 0] - b  # >= 0 where feasible
    tol = rtol * (1.0 + np.abs(g).max(axis=1) + np.abs(b).max(axis=1) + mu)[:, None]
    zc = np.where(cs == 2, mu[:, None], np.where(cs == 1, z[:, :m], 0.0))
    ok = np.all(np.isfinite(sol), axis=1)
    ok &= np.all(np.where(cs == 0, r[:, :m] >= -tol, True), axis=1)  # free constraints hold
    ok &= np.all(np.where(cs == 2, r[:, :m] <= tol, True), axis=1)  # elastic ones are violated (t >= 0)
    ok &= np.all(np.where(cs == 1, (z[:, :m] >= -tol) & (z[:, :m] <= mu[:, None] + tol), True), axis=1)
    ok &= np.all(np.where(act[:, m:], z[:, m:] >= -tol, r[:, m:] >= -tol), axis=1)  # bounds: held or inside
    if want_next:  # the next guess where this one fails (the primal-dual active-set rule, Hintermüller et al. 2002)
        nxt = state.copy()
        rc, zcn = r[:, :m], z[:, :m]
        nxt[:, :m] = np.where(cs == 0, np.where(rc < -tol, 1, 0),  # a free constraint violated: active
                              np.where(cs == 1, np.where(zcn < -tol, 0, np.where(zcn > mu[:, None] + tol, 2, 1)),
                                       np.where(rc > tol, 1, 2)))  # an elastic one met: active again
        held = act[:, m:]
        nxt[:, m:] = np.where(held, z[:, m:] >= -tol, r[:, m:] < -tol).astype(int)  # bounds: held while pushing
        return d, np.maximum(zc, 0.0), ok, nxt
    return d, np.maximum(zc, 0.0), ok


def _qp_active_set(Q: np.ndarray, g: np.ndarray, J: np.ndarray, c: np.ndarray, lo: np.ndarray, hi: np.ndarray,
                   mu: np.ndarray, state: np.ndarray, iters: int = QP_ACTIVE_ITERS,
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The elastic QPs of :func:`elastic_qp_on_guess` by primal-dual active-set iterations: from the guess
    ``state``, each QP whose guess fails the KKT check takes the next guess its own solution gives (a free row it
    violates becomes held, a held row whose multiplier pulls the wrong way is freed, a constraint whose multiplier
    exceeds μ turns elastic), all QPs together, for at most ``iters`` batched solves. A row's step is the QP's
    exact solution where its last guess passed (``ok``); the others are left to the interior point.

    Returns ``(d, z, ok, state)``: steps (k, n), the constraints' multipliers (k, m), which rows passed and each
    row's last guess (the active set where it passed).

    Parameters
    ----------
    Q, g, J, c, lo, hi, mu, state : ndarray
        As :func:`elastic_qp_on_guess` takes them.
    iters : int
        Largest number of guesses tried.
    """
    k, m, n = J.shape
    d, z = np.zeros((k, n)), np.zeros((k, m))
    ok = np.zeros(k, dtype=bool)
    state = state.copy()
    left = np.arange(k)
    for _ in range(iters):
        dl, zl, okl, nxt = elastic_qp_on_guess(Q[left], g[left], J[left], c[left], lo[left], hi[left], mu[left],
                                               state[left], want_next=True)
        hit = left[okl]
        d[hit], z[hit], ok[hit] = dl[okl], zl[okl], True
        moved = np.any(nxt != state[left], axis=1) & ~okl
        state[left[~okl]] = nxt[~okl]
        left = left[moved]  # a guess that repeats itself is no better next time
        if not len(left):
            break
    return d, z, ok, state


def _states_of(d: np.ndarray, z: np.ndarray, J: np.ndarray, c: np.ndarray, lo: np.ndarray, hi: np.ndarray,
               mu: np.ndarray, zb: np.ndarray) -> np.ndarray:
    """The active-set state (as :func:`elastic_qp_on_guess` takes it) of solved elastic QPs: steps d (k, n),
    constraints' multipliers z (k, m), bounds' multipliers zb (k, 2 n: lower, then upper)."""
    slack = np.einsum("kmn,kn->km", J, d) + c
    mid = np.maximum(mu[:, None], 1e-300)
    cst = np.where(z > 0.5 * mid, np.where(slack < -QP_ACTIVE_TOL * (1.0 + np.abs(c)), 2, 1), np.where(z > np.abs(slack), 1, 0))
    bsl = np.concatenate([d - lo, hi - d], axis=1)
    return np.concatenate([cst, (zb > bsl).astype(int)], axis=1)


def _one_sided_at_jumps(f0: np.ndarray, fp: np.ndarray, fm: np.ndarray, hp: np.ndarray, hm: np.ndarray) -> np.ndarray:
    """Derivatives from a central stencil ``f(u - hm), f(u), f(u + hp)``: the central difference, or, where the
    forward and backward differences disagree by more than their own size (a jump of the model inside the
    stencil), the one-sided difference of smaller magnitude (the side without the jump). A one-sided stencil at a
    bound (``hm`` or ``hp`` = 0) gives its one difference."""
    with np.errstate(divide="ignore", invalid="ignore"):
        fwd = np.where(hp > 0, (fp - f0) / np.where(hp > 0, hp, 1.0), np.nan)
        bwd = np.where(hm > 0, (f0 - fm) / np.where(hm > 0, hm, 1.0), np.nan)
        central = (fp - fm) / (hp + hm)
        jump = np.abs(fwd - bwd) > 0.5 * (np.abs(fwd) + np.abs(bwd)) + 1e-6
        side = np.where(np.abs(fwd) <= np.abs(bwd), fwd, bwd)
        return np.where(jump, side, central)


#: step (in u) of the finite-difference Hessians of :func:`solve_batch` (``hessian="fd"``): wide enough that the
#: model's own iteration noise does not swamp the second differences, narrow enough for the curvature to be local
HESSIAN_STEP = 1e-4
#: a trial point of :func:`solve_batch` (``hessian="fd"``) closer than this (in u, largest component) to where its
#: sub-problem's Hessians were last taken keeps them instead of evaluating its second-order stencil (1 + 2 n_var +
#: n_var (n_var - 1) / 2 designs): the Hessian then lags by at most this step
HESSIAN_REUSE = 3e-3


def _hessian_offsets(n: int, h: float) -> np.ndarray:
    """Offsets of the second-order stencil around a centre (1 + 2n + n(n-1)/2 rows): the centre, ±h e_i (the
    diagonal by central differences), and h e_i + h e_j for i < j (the cross terms by forward differences)."""
    E = np.eye(n) * h
    rows = [np.zeros(n), *E, *(-E)]
    for i in range(n):
        for j in range(i + 1, n):
            rows.append(E[i] + E[j])
    return np.array(rows)


def _stencil_hessian(v: np.ndarray, n: int, h: float) -> np.ndarray:
    """Hessians (k, m, n, n) of m functions from their values (k, 1 + 2n + n(n-1)/2, m) on :func:`_hessian_offsets`:
    ∂²f/∂x_i² = (f(+h e_i) + f(-h e_i) - 2 f) / h² and ∂²f/∂x_i∂x_j = (f(+h e_i + h e_j) - f(+h e_i) - f(+h e_j) + f)
    / h² (error O(h) = 1e-4 of the third derivatives: the Newton steps converge as with the central cross terms,
    which took 4 designs per pair instead of 1)."""
    k, _, m = v.shape
    c, up, dn = v[:, 0], v[:, 1:n + 1], v[:, n + 1:2 * n + 1]
    H = np.zeros((k, m, n, n))
    i = np.arange(n)
    r = 2 * n + 1
    with np.errstate(invalid="ignore", over="ignore"):  # a design the model cannot evaluate: NaN, zeroed later
        H[:, :, i, i] = np.swapaxes((up + dn - 2 * c[:, None, :]) / h ** 2, 1, 2)
    for a in range(n):
        for b in range(a + 1, n):
            with np.errstate(invalid="ignore", over="ignore"):
                H[:, :, a, b] = H[:, :, b, a] = (v[:, r] - up[:, a] - up[:, b] + c) / (h * h)
            r += 1
    return H


def _positive_definite(H: np.ndarray, floor: float = 1e-3, cap: float = 1e8) -> np.ndarray:
    """Symmetric matrices (k, n, n) with their eigenvalues moved into [floor · max(1, largest |eigenvalue|), cap]:
    the QP's Hessian from an indefinite Lagrangian's (a Newton step that always descends)."""
    H = 0.5 * (H + np.swapaxes(H, 1, 2))
    w, V = np.linalg.eigh(H)
    lo = floor * np.maximum(1.0, np.abs(w).max(axis=1, keepdims=True))
    w = np.clip(np.abs(w), lo, cap)
    return (V * w[:, None, :]) @ np.swapaxes(V, 1, 2)


@dataclass
class BatchResult:
    """Solutions of a batch of sub-problems (one row each): scaled variables, values, feasibility, iterations."""

    u: np.ndarray  #: (K, n_var) in the unit cube of the bounds
    F: np.ndarray  #: (K, n_obj) minimisation form
    G: np.ndarray  #: (K, n_con) the problem's own constraints, feasible <= 0
    scalar: np.ndarray  #: (K,) the scalarised objective
    violation: np.ndarray  #: (K,) largest scaled violation of the sub-problem's constraints (0 when feasible)
    nit: np.ndarray  #: (K,) iterations
    converged: np.ndarray  #: (K,) the step and the first-order conditions fell below the tolerances
    n_model_calls: int = 0
    #: the designs that rode along on one iteration's model call (``solve_batch(ride=...)``), or None: the
    #: iteration, the rows evaluated there and their trial points, the extra designs (rows of u), and the model's
    #: (F, G, outputs) at the trial points and at the extra designs (outputs None without ``keys``)
    ride: dict[str, Any] | None = None

    @property
    def feasible(self) -> np.ndarray:
        return self.violation <= FEASIBILITY_TOL

    def sub(self, k: int) -> SubResult:
        """Row ``k`` as the result of one local solve.

        Parameters
        ----------
        k : int
            Row of the batch (0 .. K-1).
        """
        return SubResult(self.u[k].copy(), self.F[k].copy(), self.G[k].copy(), float(self.scalar[k]),
                         float(self.violation[k]), int(self.nit[k]), bool(self.converged[k]))


def solve_batch(problem: Any, scalar: BatchScalarFn, cons: BatchConsFn | None, U0: np.ndarray, *,
                maxiter: int | np.ndarray = 100, tol: float | np.ndarray = 1e-9, h: float = 1e-6, hessian: str = "bfgs",
                groups: np.ndarray | None = None, callback: Callable[[int], None] | None = None,
                feasible_maxiter: int | np.ndarray | None = None,
                ride: Callable[..., np.ndarray | None] | None = None,
                keys: Sequence[str] | None = None) -> BatchResult:
    """Solve K sub-problems ``min scalar_k(F, G) s.t. cons_k(F, G) >= 0, u in [0, 1]^n`` together.

    Sequential quadratic programming, batched: at every iteration each unfinished sub-problem proposes a point
    (its current point plus a step along its last QP direction), and all proposals with their central-difference
    stencils (``2 n_var + 1`` designs each) are evaluated in **one** population call. Each sub-problem keeps a
    damped-BFGS Hessian of its Lagrangian (Powell 1978), solves its elastic QP (linearised constraints softened
    by ℓ1-penalised slacks, so that the QP is always feasible; all QPs in one :func:`batch_qp`) and accepts or
    halves its step by the Armijo rule on the ℓ1 merit function ``scalar + μ Σ max(0, -cons)`` (Han 1977), with μ
    kept above twice the largest multiplier; a rejected full step is first retried with a second-order correction
    (the QP with the constraints' values at the trial point, Fletcher 1982), then cut. Sub-problems leave the batch
    when the step and the change of the merit fall below ``tol``, when they crawl towards a jump of the model, or
    after twelve iterations without an accepted step.

    Parameters
    ----------
    problem : DesignProblem or FunctionProblem
        The model (bounds ``xl``, ``xu`` in display units); ``problem.evaluate`` is called once per iteration.
    scalar : callable
        ``(F, G, idx) -> (n,)``: the objective of each row's sub-problem, ``idx`` (n,) giving each row's
        sub-problem (0..K-1).
    cons : callable or None
        ``(F, G, idx) -> (n, m)``: constraints, feasible where >= 0 (the same m for every sub-problem).
    U0 : ndarray
        Starts (K, n_var) in the unit cube of the bounds.
    maxiter : int or array of int
        Largest number of iterations (= model calls) per sub-problem (one for all, or one per row: a row still
        infeasible or unconverged at its limit is returned as it stands).
    tol : float or array of float
        Step (in u) and merit-change tolerance (one for all, or one per row).
    h : float
        Finite-difference step in u.
    hessian : {"bfgs", "fd"}
        ``"bfgs"``: damped-BFGS Hessians; ``"fd"``: the Lagrangian's Hessian from second differences (step
        :data:`HESSIAN_STEP`, central on the diagonal and forward across: ``1 + 2 n_var + n_var (n_var - 1) / 2``
        more designs per row in the same population call, :func:`_hessian_offsets`), its
        eigenvalues made positive: Newton steps, about half the iterations for a few variables, where the call
        costs nearly the same for the wider stencil.
    groups : ndarray of int, optional
        Multi-starts (K,): rows with the same group number >= 0 are starts of one problem, of which only the best
        counts; once one has converged, a start whose merit is above that one's scalar by more than ten times its
        own predicted decrease (the directional derivative of its last QP step) stops where it is. -1: no group.
    callback : callable, optional
        ``callback(unfinished)`` after each iteration.
    feasible_maxiter : int or array of int, optional
        A row feasible after this many iterations stops there as it stands (one still infeasible goes on, up to
        ``maxiter``); default: ``maxiter``.
    ride : callable, optional
        ``ride(iteration, u, F, G, rows, trial) -> designs or None`` before each iteration's model call (iteration
        1, 2, ...; ``u``, ``F``, ``G`` every row's current point and values, ``rows`` the rows evaluated and
        ``trial`` their trial points): the first time it returns designs (rows of u), they are evaluated in that
        same call and returned in ``BatchResult.ride`` with the model's values at the trial points (a Pareto
        front's interpolated designs ride on its levels' last iteration, issue 15). Rows at their last iteration
        are evaluated without their stencils (their derivatives are never read).
    keys : sequence of str, optional
        With ``ride``, the outputs (a DesignProblem's ``evaluate_outputs``) of that call's trial points and designs.
    """
    U0 = np.clip(np.atleast_2d(np.asarray(U0, dtype=float)), 0.0, 1.0)
    K, n = U0.shape
    span = problem.xu - problem.xl
    E = np.eye(n)
    calls = 0

    def evaluate(U: np.ndarray, idx: np.ndarray, with_h: np.ndarray | None = None, last: np.ndarray | None = None,
                 extra: np.ndarray | None = None):
        """Values and central-difference gradients at the rows of U (sub-problems idx), one model call; with
        finite-difference Hessians, the second-order stencils of the rows ``with_h`` (all by default) in the same
        call, their Hessians appended to ``hess`` (zero for the other rows). Rows at their ``last`` iteration need
        their value only (no stencil: their gradient is never read, it is returned as 0). The designs ``extra``
        (rows of u) ride along: their (F, G, outputs) and the trial points' go to ``riders``."""
        nonlocal calls
        k = len(U)
        bare = np.zeros(k, dtype=bool) if last is None else last
        # within h/2 of a bound the stencil is one-sided (a side of 1e-16 would give a difference of round-off)
        up = np.where(U + 0.5 * h < 1.0, np.minimum(U + h, 1.0), U)
        dn = np.where(U - 0.5 * h > 0.0, np.maximum(U - h, 0.0), U)
        P = np.concatenate([U[:, None, :], U[:, None, :] + E[None] * (up - U)[:, None, :],
                            U[:, None, :] + E[None] * (dn - U)[:, None, :]], axis=1)  # (k, 2n+1, n)
        w = 2 * n + 1
        full = np.flatnonzero(~bare)
        hr = np.flatnonzero((np.ones(k, dtype=bool) if with_h is None else with_h) & ~bare) if fd \
            else np.zeros(0, dtype=int)
        # the second-order stencils, each centred inside the box (at most h2 from U), after the first-order ones
        P2 = np.clip(U[hr], h2, 1.0 - h2)[:, None, :] + H_OFF[None]
        Xe = np.zeros((0, n)) if extra is None else extra
        X = problem.xl + np.concatenate([P[full].reshape(-1, n), U[bare], P2.reshape(-1, n), Xe]) * span
        if extra is not None and keys is not None:
            F, G, out = problem.evaluate_outputs(X, keys)
        else:
            (F, G), out = problem.evaluate(X), None
        calls += 1
        nf, nb, n2 = len(full) * w, int(bare.sum()), len(hr) * len(H_OFF)
        if extra is not None:  # the trial points' values (centres) and the riders', before the stencils are read
            centre = np.empty(k, dtype=int)
            centre[full] = np.arange(len(full)) * w
            centre[bare] = nf + np.arange(nb)
            tail = slice(nf + nb + n2, len(X))
            riders.update(F_trial=F[centre], G_trial=G[centre], F=F[tail], G=G[tail],
                          out_trial=None if out is None else {q: v[centre] for q, v in out.items()},
                          out=None if out is None else {q: v[tail] for q, v in out.items()})
        # the stencil rows as (k, w): a bare row's centre repeated (its differences are 0, never read)
        order = np.empty((k, w), dtype=int)
        order[full] = np.arange(nf).reshape(-1, w)
        order[bare] = (nf + np.arange(nb))[:, None]
        sel = np.r_[order.ravel(), nf + nb + np.arange(n2)]
        F, G = F[sel], G[sel]
        rid = np.r_[np.repeat(idx, w), np.repeat(idx[hr], len(H_OFF))]
        s_all = np.asarray(scalar(F, G, rid), dtype=float)
        c_all = (np.zeros((len(rid), 0)) if cons is None else np.asarray(cons(F, G, rid), dtype=float))
        if fd:
            hs = np.zeros((k, n, n))
            hc = np.zeros((k, c_all.shape[1], n, n))
            if len(hr):
                hs[hr] = _stencil_hessian(s_all[k * w:].reshape(len(hr), -1, 1), n, h2)[:, 0]
                hc[hr] = _stencil_hessian(c_all[k * w:].reshape(len(hr), len(H_OFF), -1), n, h2)
            hess.append((np.nan_to_num(hs, nan=0.0, posinf=0.0, neginf=0.0),
                         np.nan_to_num(hc, nan=0.0, posinf=0.0, neginf=0.0)))
        s, c = s_all[:k * w].reshape(k, w), c_all[:k * w].reshape(k, w, -1)
        F, G = F[:k * w], G[:k * w]
        ds = _one_sided_at_jumps(s[:, :1], s[:, 1:n + 1], s[:, n + 1:], up - U, U - dn)
        dc = np.swapaxes(_one_sided_at_jumps(c[:, 0][:, None, :], c[:, 1:n + 1], c[:, n + 1:], (up - U)[:, :, None],
                                             (U - dn)[:, :, None]), 1, 2)  # (k, m, n)
        ok = np.isfinite(s[:, 0]) & np.all(np.isfinite(c[:, 0]), axis=1)
        ds = np.nan_to_num(ds, nan=0.0, posinf=0.0, neginf=0.0)
        dc = np.nan_to_num(dc, nan=0.0, posinf=0.0, neginf=0.0)
        F0 = F.reshape(k, w, -1)[:, 0]
        G0 = G.reshape(k, w, -1)[:, 0]
        return s[:, 0], ds, c[:, 0], dc, F0, G0, ok

    fd = hessian == "fd"
    if hessian not in ("bfgs", "fd"):
        raise InputError("hessian", hessian, "'bfgs' or 'fd'")
    h2 = HESSIAN_STEP
    H_OFF = _hessian_offsets(n, h2)
    hess: list[tuple[np.ndarray, np.ndarray]] = []
    idx_all = np.arange(K)
    s, gs, c, J, F, G, ok = evaluate(U0, idx_all)
    if fd:
        Hs, Hc = hess.pop()
    uH = U0.copy()  # where each sub-problem's Hessians were taken
    m = c.shape[1]
    u = U0.copy()
    s = np.where(ok, s, np.inf)
    B = np.repeat(E[None], K, axis=0)
    mu = np.full(K, 10.0)
    lam = np.zeros((K, m))
    d = np.zeros((K, n))
    alpha = np.ones(K)
    D = np.zeros(K)  # directional derivative of the merit along d
    need_qp = np.ones(K, dtype=bool)
    nit = np.zeros(K, dtype=int)
    n_rej = np.zeros(K, dtype=int)
    a_next = np.ones(K)
    soc = np.zeros(K, dtype=bool)  # the pending trial is a second-order correction
    n_fail = np.zeros(K, dtype=int)
    d_orig = np.zeros((K, n))
    converged = np.zeros(K, dtype=bool)
    has_lam = np.zeros(K, dtype=bool)  # lam holds the multipliers of a QP solved at this sub-problem
    state = np.zeros((K, m + 2 * n), dtype=int)  # each sub-problem's last QP's active set (elastic_qp_on_guess)
    has_state = np.zeros(K, dtype=bool)
    active = ok.copy()
    bad_start = ~ok

    def viol(cc):
        return np.maximum(0.0, -cc).sum(axis=1) if cc.shape[1] else np.zeros(len(cc))

    def merit(ss, cc, mm):
        return ss + mm * viol(cc)

    def qp(a, ca):
        """The elastic QPs of sub-problems ``a`` with constraint values ``ca``: (steps d, multipliers (k, m)).
        Rows with a known active set (from their last QP) are first solved by active-set iterations from it
        (:func:`_qp_active_set`); the others (a first QP), and those the iterations do not settle, by the interior
        point. The active sets found are kept for next time."""
        k = len(a)
        Ja = J[a]
        Qd = _positive_definite(Hs[a] - np.einsum("km,kmij->kij", lam[a], Hc[a])) if fd else B[a]
        lo, hi = -u[a], 1.0 - u[a]
        d_out, z_out = np.zeros((k, n)), np.zeros((k, m))
        done = np.zeros(k, dtype=bool)
        g = np.flatnonzero(has_state[a])
        if len(g):
            dg, zg, okg, sg = _qp_active_set(Qd[g], gs[a][g], Ja[g], ca[g], lo[g], hi[g], mu[a][g], state[a][g])
            gi = g[okg]
            d_out[gi], z_out[gi], done[gi] = dg[okg], zg[okg], True
            state[a[gi]] = sg[okg]

        rest = np.flatnonzero(~done)
        if not len(rest):
            return d_out, z_out
        kr = len(rest)
        Jr, cr = Ja[rest], ca[rest]
        # a linearised constraint that holds for every step in the box (u + d in [0, 1]) cannot bind: where that is
        # so for every QP of the batch, its row and its slack are left out (the same optimum, a smaller QP; its
        # multiplier is 0)
        reach = cr + np.minimum(Jr * lo[rest][:, None, :], Jr * hi[rest][:, None, :]).sum(axis=2)
        keep = np.flatnonzero(~np.all(reach > 0.0, axis=0))
        mk = len(keep)
        N = n + mk
        Q = np.zeros((kr, N, N))
        Q[:, :n, :n] = Qd[rest]
        qv = np.concatenate([gs[a][rest], np.repeat(mu[a][rest][:, None], mk, axis=1)], axis=1)
        # rows: J d + t >= -c ; t >= 0 ; d >= -u ; -d >= u - 1
        A = np.zeros((kr, 2 * mk + 2 * n, N))
        A[:, :mk, :n] = Jr[:, keep]
        A[:, :mk, n:] = np.eye(mk)
        A[:, mk:2 * mk, n:] = np.eye(mk)
        A[:, 2 * mk:2 * mk + n, :n] = np.eye(n)
        A[:, 2 * mk + n:, :n] = -np.eye(n)
        bv = np.concatenate([-cr[:, keep], np.zeros((kr, mk)), lo[rest], -hi[rest]], axis=1)
        xz, z = batch_qp(Q, qv, A, bv, tol=QP_TOL_FD if fd else QP_TOL)
        zm = np.zeros((kr, m))
        zm[:, keep] = z[:, :mk]
        d_out[rest], z_out[rest] = xz[:, :n], zm
        ar = a[rest]
        state[ar] = _states_of(xz[:, :n], zm, Jr, cr, lo[rest], hi[rest], mu[ar], z[:, 2 * mk:])
        has_state[ar] = True
        return d_out, z_out

    maxiter = np.broadcast_to(np.asarray(maxiter, dtype=int), (K,))
    settle = maxiter if feasible_maxiter is None else np.broadcast_to(np.asarray(feasible_maxiter, dtype=int), (K,))
    tol = np.broadcast_to(np.asarray(tol, dtype=float), (K,))
    riders: dict[str, Any] = {}
    it = 0
    for _ in range(int(maxiter.max(initial=0))):
        q_rows = np.flatnonzero(active & need_qp)
        if len(q_rows):
            a = q_rows
            d[a], z = qp(a, c[a])
            first = a[~has_lam[a]]
            if fd and len(first) and m:  # no multipliers yet: the QP again with its own (the constraints' curvature)
                lam[first] = z[~has_lam[a]]
                d[first], z[~has_lam[a]] = qp(first, c[first])
            has_lam[a] = True
            lam_new = z[:, :m]
            mu[a] = np.maximum(mu[a], 2.0 * np.abs(lam_new).max(axis=1, initial=0.0))
            lam[a] = lam_new
            lin = c[a] + np.einsum("kij,kj->ki", J[a], d[a])
            D[a] = np.einsum("ki,ki->k", gs[a], d[a]) - mu[a] * (viol(c[a]) - viol(lin))
            alpha[a] = a_next[a]
            need_qp[a] = False
            small = np.abs(d[a]).max(axis=1) <= tol[a]
            fin = a[small & (viol(c[a]) <= FEASIBILITY_TOL)]
            converged[fin] = True
            active[fin] = False
        rows = np.flatnonzero(active)
        if not len(rows):
            break
        ut = np.clip(u[rows] + alpha[rows, None] * d[rows], 0.0, 1.0)
        # a trial point within HESSIAN_REUSE of where its sub-problem's Hessians were taken keeps them (no
        # second-order stencil): near a solution the Newton steps are short and the curvature barely changes
        fresh = np.abs(ut - uH[rows]).max(axis=1) > HESSIAN_REUSE
        it += 1
        extra = None
        if ride is not None and not riders:
            extra = ride(it, u.copy(), F.copy(), G.copy(), rows, ut)
            if extra is not None:
                riders.update(iteration=it, rows=rows, trial=ut.copy(), u=np.atleast_2d(np.asarray(extra, dtype=float)))
                extra = riders["u"]
        # a row at its last iteration needs its value only (its gradient and Hessian would never be read)
        st, gst, ct, Jt, Ft, Gt, okt = evaluate(ut, rows, fresh, nit[rows] + 1 >= maxiter[rows], extra)
        if fd:
            Hst, Hct = hess.pop()
        nit[rows] += 1
        phi0 = merit(s[rows], c[rows], mu[rows])
        phit = np.where(okt, merit(np.where(okt, st, np.inf), ct, mu[rows]), np.inf)
        armijo = phit <= phi0 + ARMIJO_C1 * alpha[rows] * np.minimum(D[rows], 0.0)
        step_len = alpha[rows] * np.abs(d[rows]).max(axis=1)
        stall = okt & (step_len < tol[rows])  # no longer moves: take the point and stop
        acc = armijo | stall
        r = rows[acc]
        if len(r):
            ia = np.flatnonzero(acc)
            sv = ut[ia] - u[r]
            gl_old = gs[r] - np.einsum("kmi,km->ki", J[r], lam[r])
            gl_new = gst[ia] - np.einsum("kmi,km->ki", Jt[ia], lam[r])
            y = gl_new - gl_old
            Bs = np.einsum("kij,kj->ki", B[r], sv)
            sBs = np.einsum("ki,ki->k", sv, Bs)
            sy = np.einsum("ki,ki->k", sv, y)
            theta = np.where(sy >= 0.2 * sBs, 1.0, 0.8 * sBs / np.maximum(sBs - sy, 1e-300))
            y = theta[:, None] * y + (1 - theta)[:, None] * Bs
            sy = np.einsum("ki,ki->k", sv, y)
            upd = (sBs > 1e-16) & (sy > 1e-16)
            Bn = B[r] - np.einsum("ki,kj->kij", Bs, Bs) / np.where(upd, sBs, 1.0)[:, None, None] \
                + np.einsum("ki,kj->kij", y, y) / np.where(upd, sy, 1.0)[:, None, None]
            B[r] = np.where(upd[:, None, None], Bn, B[r])
            dphi = phi0[ia] - phit[ia]
            u[r], s[r], gs[r], c[r], J[r], F[r], G[r] = ut[ia], st[ia], gst[ia], ct[ia], Jt[ia], Ft[ia], Gt[ia]
            if fd:
                f_ = ia[fresh[ia]]
                Hs[rows[f_]], Hc[rows[f_]], uH[rows[f_]] = Hst[f_], Hct[f_], ut[f_]
            need_qp[r] = True
            # converged: the merit no longer changes; or a step cut below 1 % that gains almost nothing (the model
            # jumps just ahead, e.g. an integer number of electrode layers: Zeno steps towards the jump otherwise)
            crawl = (alpha[r] < 1e-2) & (step_len[ia] <= 1e-4)
            a_next[r] = np.minimum(1.0, 4.0 * alpha[r])  # the next line search starts near the last accepted step
            flat = (((np.abs(dphi) <= tol[r] * (1.0 + np.abs(phit[ia]))) & (step_len[ia] <= np.sqrt(tol[r]))) | crawl) \
                & (viol(ct[ia]) <= FEASIBILITY_TOL)
            done = r[flat | stall[ia]]
            converged[done] = True
            active[done] = False
        soc[r] = False
        ir = np.flatnonzero(~acc)
        was_soc = soc[rows[ir]]
        back = rows[ir[was_soc]]  # a rejected second-order correction: back to the QP step, halved
        d[back], alpha[back], soc[back] = d_orig[back], 0.5, False
        # a rejected full step: first a second-order correction (Fletcher 1982; Nocedal and Wright 2006, 18.3), the
        # QP again with the constraints' values at the trial point less their linear part, c(u + d) - J d: it
        # follows curved constraints (the Maratos effect) instead of cutting the step
        try_soc = ~was_soc & (alpha[rows[ir]] >= 1.0) & okt[ir] & (m > 0)
        cs = rows[ir[try_soc]]
        if len(cs):
            d_orig[cs] = d[cs]
            d[cs], _ = qp(cs, ct[ir[try_soc]] - np.einsum("kij,kj->ki", J[cs], d[cs]))
            soc[cs] = True
        ir = ir[~was_soc & ~try_soc]
        rej = rows[ir]
        # safeguarded quadratic backtracking: the minimiser of the parabola through phi(0), phi'(0) and phi(alpha)
        a0, Dr = alpha[rej], np.minimum(D[rej], 0.0)
        curv = phit[ir] - phi0[ir] - Dr * a0
        quad = np.where(np.isfinite(curv) & (curv > 0), -Dr * a0 ** 2 / (2 * np.where(curv > 0, curv, 1.0)), 0.0)
        alpha[rej] = np.clip(quad, 0.1 * a0, 0.5 * a0)
        n_rej[rej] += 1
        n_rej[r] = 0
        lost = rej[n_rej[rej] >= 8]  # eight cuts and still no descent: the Hessian model is wrong, restart it
        B[lost] = E
        need_qp[lost] = True
        n_rej[lost] = 0
        a_next[lost] = 1.0
        # twelve iterations without an accepted step (cuts, corrections, a restarted Hessian): no descent is left
        # that finite differences can resolve; a feasible point stays as the solution
        n_fail[rows[~acc]] += 1
        n_fail[r] = 0
        stuck = rows[(n_fail[rows] >= 12)]
        converged[stuck] = viol(c[stuck]) <= FEASIBILITY_TOL
        active[stuck] = False
        if groups is not None:  # multi-starts: a start clearly behind its group's best converged one stops
            fin = np.flatnonzero(converged & (viol(c) <= FEASIBILITY_TOL) & (groups >= 0))
            if len(fin):
                fin = fin[np.lexsort((s[fin], groups[fin]))]
                top = fin[np.r_[True, groups[fin][1:] != groups[fin][:-1]]]  # each group's best converged start
                best = np.full(int(groups.max()) + 1, np.inf)
                where = np.zeros(int(groups.max()) + 1, dtype=int)
                best[groups[top]], where[groups[top]] = s[top], top
                live = np.flatnonzero(active & (groups >= 0))
                b = best[groups[live]]
                # its predicted decrease: the directional derivative of its QP step times the step it now tries (a
                # start whose line search keeps cutting its step predicts less and less)
                ml = merit(s[live], c[live], mu[live])
                behind = ml > b + 10.0 * alpha[live] * np.abs(D[live]) + START_BEHIND_TOL * (1.0 + np.abs(b))
                # or it has come within START_SAME of that start, no better: the same minimum, found already
                same = np.isfinite(b) & (np.abs(u[live] - u[where[groups[live]]]).max(axis=1) <= START_SAME)
                same[same] &= ml[same] >= b[same] - START_BEHIND_TOL * (1.0 + np.abs(b[same]))
                active[live[behind | same]] = False
        active &= (nit < maxiter) & ((nit < settle) | (viol(c) > FEASIBILITY_TOL))
        if callback:
            callback(int(active.sum()))
        if not active.any():
            break
    cv = np.maximum(0.0, -c).max(axis=1, initial=0.0) if m else np.zeros(K)
    cv = np.where(bad_start & ~np.isfinite(s), np.inf, cv)
    return BatchResult(u, F, G, s, cv, nit, converged, calls, riders or None)


def lhs(n: int, d: int, seed: int) -> np.ndarray:
    """A Latin-hypercube sample of ``n`` points in [0, 1]^d (numpy's PCG64 seeded with ``seed``).

    Parameters
    ----------
    n : int
        Number of points.
    d : int
        Number of dimensions.
    seed : int
        Seed of :func:`numpy.random.default_rng`.
    """
    rng = np.random.default_rng(seed)
    strata = np.argsort(rng.random((d, n)), axis=1).T  # (n, d) permutations
    return (strata + rng.random((n, d))) / n


def start_points(problem: Any, scalar: ScalarFn, cons: ConsFn | None, n_starts: int, seed: int,
                 extra: Iterable[np.ndarray] = ()) -> np.ndarray:
    """Deterministic starts in u-space: ``extra`` points, then the best of a seeded LHS sample.

    The sample (``max(16, 8 n_starts)`` designs) is evaluated in one model call and ranked by constraint
    violation, then by the scalar objective.

    Parameters
    ----------
    problem : DesignProblem or FunctionProblem
        The problem (bounds ``xl``, ``xu`` in display units).
    scalar : callable
        ``(F, G) -> (n,)``, the scalarised objective to minimise.
    cons : callable or None
        ``(F, G) -> (n, m)``, constraints feasible where >= 0; None for none.
    n_starts : int
        Number of starts wanted.
    seed : int
        Seed of the Latin-hypercube sample.
    extra : iterable of ndarray
        Start points in u-space (the unit cube of the bounds) placed first, e.g. a warm start.
    """
    d = problem.xl.size
    pts = [np.clip(np.asarray(e, dtype=float), 0, 1) for e in extra]
    k = max(0, n_starts - len(pts))
    if k:
        U = lhs(max(16, 8 * n_starts), d, seed)
        F, G = problem.evaluate(problem.xl + U * (problem.xu - problem.xl))
        s = scalar(F, G)
        viol = np.zeros(len(U)) if cons is None else np.maximum(0, -cons(F, G)).max(axis=1, initial=0.0)
        s = np.where(np.isfinite(s), s, np.inf)
        order = np.lexsort((s, np.round(viol, 9)))
        pts += [U[i] for i in order[:k]]
    return np.array(pts[:max(n_starts, len(pts))])


def multistart(problem: Any, scalar: ScalarFn, cons: ConsFn | None, starts: np.ndarray,
               progress: Callable[[int, int], None] | None = None) -> tuple[SubResult, int]:
    """Solve from each start; the best feasible result (else the least violating). Returns (result, model calls).

    ``progress(done, total)`` is called after each start (e.g. Excel's status bar).

    Parameters
    ----------
    problem : DesignProblem or FunctionProblem
        The problem (bounds ``xl``, ``xu`` in display units).
    scalar : callable
        ``(F, G) -> (n,)``, the scalarised objective to minimise.
    cons : callable or None
        ``(F, G) -> (n, m)``, constraints feasible where >= 0; None for none.
    starts : ndarray
        Start points in the unit cube of the bounds (u-space), one per row.
    progress : callable, optional
        ``progress(done, total)``, called after each start.
    """
    best: SubResult | None = None
    calls = 0
    for i, u0 in enumerate(starts):
        sub = _Sub(problem, scalar, cons)
        r = sub.solve(u0)
        calls += sub.n_model_calls
        if best is None or _better(r, best):
            best = r
        if progress:
            progress(i + 1, len(starts))
    assert best is not None
    return best, calls


def _better(a: SubResult, b: SubResult) -> bool:
    if a.feasible != b.feasible:
        return a.feasible
    if not a.feasible:
        return a.violation < b.violation
    return a.scalar < b.scalar - 1e-12 * max(1.0, abs(b.scalar))


def objective_scale(problem: Any, seed: int = 0, n: int = 64) -> tuple[np.ndarray, np.ndarray]:
    """Rough (offset, scale) of each objective from one population evaluation of a seeded LHS sample.

    Parameters
    ----------
    problem : DesignProblem or FunctionProblem
        The problem (bounds ``xl``, ``xu`` in display units).
    seed : int
        Seed of the Latin-hypercube sample.
    n : int
        Sample size (designs in the one population call).
    """
    U = lhs(n, problem.xl.size, seed + 7919)
    F, _ = problem.evaluate(problem.xl + U * (problem.xu - problem.xl))
    return scale_of(F)


def scale_of(F: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(offset, scale) of each objective from a sample's values: the least value and the range (the magnitude,
    or 1, where the objective does not vary), ignoring designs the model could not evaluate.

    Parameters
    ----------
    F : ndarray
        Objective values of a sample (n, n_obj), minimisation form.
    """
    F = np.where(np.isfinite(F), F, np.nan)
    lo = np.nanmin(F, axis=0)
    span = np.nanmax(F, axis=0) - lo
    mag = np.nanmax(np.abs(F), axis=0)
    scale = np.where(span > 1e-12 * np.maximum(mag, 1e-300), span, np.maximum(mag, 1.0))
    return np.nan_to_num(lo), np.nan_to_num(scale, nan=1.0)


def key_units(problem: Any, variables: Iterable[str], outputs: Iterable[str]) -> dict[str, str]:
    """The display unit of each decision variable and model output a result of ``problem`` holds.

    Read from the registry for a :class:`DesignProblem` (the variables' and the outputs' specs, the one source of
    their units; a key that is both takes the variable's, as :func:`xlcell.registry.key_unit` does); ``"-"`` for a :class:`FunctionProblem`, whose plain numbers carry no unit xlcell knows.

    Parameters
    ----------
    problem : DesignProblem or FunctionProblem
        The problem the result is of.
    variables : iterable of str
        Decision-variable keys.
    outputs : iterable of str
        Model output keys.
    """
    if not isinstance(problem, DesignProblem):
        return {k: "-" for k in (*variables, *outputs)}
    return {**{k: output_spec(k).unit for k in outputs}, **{k: variable(k).unit for k in variables}}


# --------------------------------------------------------------------------------------------------
# Single-objective optimisation
# --------------------------------------------------------------------------------------------------
@dataclass
class ConstraintStatus:
    """A constraint at the returned design, and the best value it could reach alone within the bounds."""

    name: str = field(metadata=param("Constraint", "text", key="constraint"))
    key: str = field(metadata=param("Constrained output (registry key)", "text", key="key"))
    kind: str = field(metadata=param("Kind (>= or <=)", "text", key="kind"))
    bound: float = field(metadata=per_item("Bound", key="bound", units="unit", display=True))
    value: float = field(metadata=per_item("Value at the design", key="value", units="unit", display=True))
    satisfied: bool = field(metadata=param("Satisfied", "bool", key="satisfied"))
    best_reachable: float | None = field(default=None, metadata=per_item(
        "Best value reachable alone within the bounds", key="best_reachable", units="unit", display=True))
    unit: str = field(default="-", metadata=param(
        "Display unit of the constrained output (the registry's; '-' for a plain function's)", "text", key="unit"))

    def sentence(self, unit: str = "") -> str:
        """The constraint's state as one sentence, e.g. ``max_power_W >= 100000 W: 2046 W at the best design``.

        Parameters
        ----------
        unit : str
            Display unit of the constrained output, written after each number (none for ``"-"`` and ``"bool"``).
        """
        u = f" {unit}" if unit and unit not in ("-", "bool") else ""
        s = f"{self.key} {self.kind} {self.bound:.6g}{u}: {self.value:.6g}{u} at the best design"
        if self.best_reachable is not None:
            s += f", best reachable alone {self.best_reachable:.6g}{u}"
        return s


@dataclass
class OptimizationResult:
    """Result of :func:`minimize` (display units; objective in its natural sense)."""

    x: dict[str, float] = field(metadata=per_item("Decision variables at the design", key="x", units="units",
                                                  display=True))
    objective_key: str = field(metadata=param("Objective (registry key)", "text", key="objective_key"))
    objective: float = field(metadata=per_item("Objective at the design", key="objective", units="units",
                                               items="objective_key", display=True))
    outputs: dict[str, float] = field(metadata=per_item("Model outputs at the design", key="outputs", units="units",
                                                        display=True))
    feasible: bool = field(metadata=param("Feasible", "bool", key="feasible"))
    success: bool = field(metadata=param("The local solver converged", "bool", key="success"))
    message: str = field(metadata=param("Message", "text", key="message"))
    constraints: list[ConstraintStatus] = field(default_factory=list)
    n_starts: int = field(default=0, metadata=param("Starts", "-", key="starts"))
    n_model_calls: int = field(default=0, metadata=param("Model calls", "-", key="model_calls"))
    units: dict[str, str] = field(default_factory=dict, metadata=param(
        "Display unit of each variable and output: the registry's (see key_units)", "text", key="units"))

    def raise_if_infeasible(self) -> "OptimizationResult":
        if not self.feasible:
            raise InfeasibleError(self.message)
        return self


def _report(problem: Any, F: np.ndarray, G: np.ndarray, reach: dict[int, float] | None = None) -> list[ConstraintStatus]:
    out = []
    rows = getattr(problem, "rows", ())
    for j in range(problem.n_con):
        g = float(G[j])
        if rows:
            r = rows[j]
            value = r.bound - g if r.kind == ">=" else g + r.bound
            st = ConstraintStatus(problem.constraint_names[j], r.key, r.kind, r.bound, value,
                                  bool(g <= FEASIBILITY_TOL * problem.g_scale[j]),
                                  unit=key_units(problem, (), (r.key,))[r.key])
        else:
            st = ConstraintStatus(problem.constraint_names[j], problem.constraint_names[j], "<=", 0.0, g,
                                  bool(g <= FEASIBILITY_TOL * problem.g_scale[j]))
        if reach and j in reach:
            st.best_reachable = reach[j]
        out.append(st)
    return out


def _reachable(problem: Any, rows: Iterable[int], n_starts: int, seed: int) -> dict[int, float]:
    """For each constraint row, the least value of G it reaches alone (min G_j over the bounds), as a value."""
    out = {}
    prows = getattr(problem, "rows", ())
    for j in rows:
        def scalar(F, G, j=j):
            return G[:, j] / problem.g_scale[j]
        starts = start_points(problem, scalar, None, n_starts, seed)
        best, _ = multistart(problem, scalar, None, starts)
        g = float(best.G[j])
        out[j] = (prows[j].bound - g if prows[j].kind == ">=" else g + prows[j].bound) if prows else g
    return out


def infeasibility_message(problem: Any, statuses: list[ConstraintStatus]) -> str:
    """The sentence that names each violated constraint, its bound and the best value it can reach alone.

    Parameters
    ----------
    problem : DesignProblem or FunctionProblem
        The problem (its ``units(key)``, when it has one, adds each output's display unit).
    statuses : list of ConstraintStatus
        The constraints at the returned design.
    """
    bad = [s for s in statuses if not s.satisfied]
    units = getattr(problem, "units", lambda k: "")
    parts = []
    for s in bad:
        try:
            u = units(s.key)
        except Exception:  # noqa: BLE001 - generic problems have no units
            u = ""
        parts.append(s.sentence(u))
    alone = [s for s in bad if s.best_reachable is not None]
    hint = ""
    if alone and all(((s.best_reachable >= s.bound - 1e-9 * max(1, abs(s.bound))) if s.kind == ">="
                      else (s.best_reachable <= s.bound + 1e-9 * max(1, abs(s.bound)))) for s in alone):
        hint = " Each constraint can be met alone, but not all together: relax one of them or widen the variable bounds."
    elif alone:
        hint = " At least one constraint cannot be met anywhere within the variable bounds: relax it or widen the bounds."
    return "No design within the variable bounds meets the constraints. " + "; ".join(parts) + "." + hint


def minimize(problem: Any, objective: int | str = 0, *, n_starts: int = 6, seed: int = 0,
             x0: Sequence[float] | None = None, report_keys: Iterable[str] = (),
             progress: Callable[[int, int], None] | None = None) -> OptimizationResult:
    """Minimise (or maximise, per its sense) one objective of ``problem`` subject to its constraints.

    Parameters
    ----------
    problem : DesignProblem or FunctionProblem
    objective : int or str
        Which objective (index or key); the others are reported.
    n_starts : int
        Number of local SLSQP solves: the base design (or ``x0``), then the best points of a seeded LHS sample.
    seed : int
        Seed of the sample: the same seed gives the same result.
    x0 : sequence of float, optional
        A start in display units (default: the base design's values, clipped to the bounds).
    report_keys : iterable of str
        Extra model outputs to report at the optimum (DesignProblem only).
    progress : callable, optional
        ``progress(done, total)`` after each local solve (e.g. Excel's status bar).

    Returns
    -------
    OptimizationResult
        With ``feasible=False`` and a message naming each violated constraint and its best reachable value
        when no feasible design was found (call :meth:`OptimizationResult.raise_if_infeasible` to raise).
    """
    names = [n.lower() for n in problem.objective_names]
    k = objective if isinstance(objective, int) else (names.index(str(objective).strip().lower())
                                                      if str(objective).strip().lower() in names else -1)
    if not 0 <= k < problem.n_obj:
        raise InputError("objective", objective, f"an index 0..{problem.n_obj - 1} or one of {problem.objective_names}")
    off, scale = objective_scale(problem, seed)

    def scalar(F, G):
        return (F[:, k] - off[k]) / scale[k]

    cons = model_constraints(problem) if problem.n_con else None
    span = problem.xu - problem.xl
    first = (np.asarray(x0, dtype=float) - problem.xl) / span if x0 is not None else (problem.x_base() - problem.xl) / span
    starts = start_points(problem, scalar, cons, max(1, n_starts), seed, extra=[first])
    best, calls = multistart(problem, scalar, cons, starts, progress)
    x = problem.xl + best.u * span
    reach = None
    if not best.feasible:
        viol_rows = [j for j in range(problem.n_con) if best.G[j] > FEASIBILITY_TOL * problem.g_scale[j]]
        reach = _reachable(problem, viol_rows, max(2, n_starts // 2), seed)
    statuses = _report(problem, best.F, best.G, reach)
    outputs: dict[str, float] = {}
    keys = list(dict.fromkeys(list(problem.objective_names) + [c.key for c in getattr(problem, "constraints", ())]
                              + [r.key for r in getattr(problem, "rows", ())] + list(report_keys)))
    if isinstance(problem, DesignProblem):
        outputs = {kk: float(v[0]) for kk, v in problem.outputs(x[None, :], keys).items()}
    else:
        outputs = {n: float(problem.senses[i] * best.F[i]) for i, n in enumerate(problem.objective_names)}
    value = float(problem.senses[k] * best.F[k])
    name = problem.objective_names[k]
    if best.feasible:
        msg = f"{'Maximised' if problem.senses[k] < 0 else 'Minimised'} {name}: {value:.6g} from {len(starts)} starts"
    else:
        msg = infeasibility_message(problem, statuses)
    return OptimizationResult(
        x=dict(zip(problem.variable_names, map(float, x))), objective_key=name, objective=value, outputs=outputs,
        feasible=best.feasible, success=best.success, message=msg, constraints=statuses, n_starts=len(starts),
        n_model_calls=calls, units=key_units(problem, problem.variable_names, outputs),
    )


__all__ = [
    "Variable", "Objective", "Constraint", "DesignProblem", "FunctionProblem", "OptimizationResult",
    "ConstraintStatus", "minimize", "key_units", "lhs", "start_points", "multistart", "objective_scale", "scale_of",
    "model_constraints",
    "FEASIBILITY_TOL", "BatchResult", "batch_qp", "elastic_qp_on_guess", "solve_batch", "one_blas_thread",
]
