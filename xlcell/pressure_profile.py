"""Optimal pressure profile through the calender nip (Pontryagin's minimum principle, solved numerically).

Model (illustrative, after the seed's "viscoelastic relaxation with a through-thickness gradient"):
the coating is two layers, the surface layer at the roll (porosity ε_s) and the layer at the foil
(ε_f). Each relaxes towards the compaction law's equilibrium at the current nip pressure p(t),
ε_eq(p) = ε_min + (ε_0 - ε_min) exp(-p / p_c), with its own time constant (the surface responds
faster, τ_s < τ_f):

    dε_s/dt = -(ε_s - ε_eq(p)) / τ_s,   dε_f/dt = -(ε_f - ε_eq(p)) / τ_f,   ε_s(0) = ε_f(0) = ε_0.

p_c is the compaction resistance in pressure units (γ_c / nip length). In the time s = t/T through
the nip of duration T (k_i = T/τ_i, the inverse Deborah numbers) and the pressure z = p/p_c >= 0,
the control problem is

    minimise  J = w_T Δ(1)² + ∫₀¹ [Δ² + r z²] ds,   Δ = ε_s - ε_f,
    subject to the dynamics and the exit mean porosity (ε_s(1) + ε_f(1)) / 2 = ε_t.

Pontryagin: H = Δ² + r z² - λ_s k_s (ε_s - ε_eq) - λ_f k_f (ε_f - ε_eq). H is convex in z where it
matters and ∂H/∂z = 0 gives z e^z = Λ (ε_0 - ε_min) / (2 r), Λ = λ_s k_s + λ_f k_f, so
z* = W₀(Λ (ε_0 - ε_min)/(2 r)) (Lambert W) for Λ > 0, else z* = 0 (pressure cannot pull). Costates
dλ_s/ds = -2Δ + k_s λ_s, dλ_f/ds = 2Δ + k_f λ_f; transversality with the exit constraint gives
λ_s(1) - λ_f(1) = 4 w_T Δ(1). The two-point boundary-value problem is solved with
:func:`scipy.integrate.solve_bvp`, started from the constant-pressure baseline (the constant p that
meets the same exit porosity), which is reported alongside on the same objective.

The porosity reached at the exit is taken as frozen (plastic set after the nip). This is one
design's profile (a boundary-value problem), not a population kernel.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .errors import InfeasibleError, InputError
from . import units
from .params import param, specs, to_display

Array = Any
_P = "Pressure profile"
_SUMMARY = "Pressure profile summary"


@dataclass(frozen=True, kw_only=True)
class PressureProfile:
    """Optimal and constant-pressure profiles through the nip (SI arrays over time)."""

    time_s: np.ndarray = field(metadata=param("Time in the nip", "ms", key="time_ms", group=_P))
    pressure_Pa: np.ndarray = field(metadata=param("Optimal pressure p*(t)", "MPa", key="pressure_MPa", group=_P))
    porosity: np.ndarray = field(metadata=param("Mean porosity (optimal)", "-", key="porosity", group=_P))
    porosity_surface: np.ndarray = field(metadata=param("Surface-layer porosity (optimal)", "-", key="porosity_surface", group=_P))
    porosity_foil: np.ndarray = field(metadata=param("Foil-side porosity (optimal)", "-", key="porosity_foil", group=_P))
    baseline_pressure_Pa: np.ndarray = field(metadata=param("Constant pressure", "MPa", key="baseline_pressure_MPa", group=_P))
    baseline_porosity: np.ndarray = field(metadata=param("Mean porosity (constant p)", "-", key="baseline_porosity", group=_P))
    baseline_gradient: np.ndarray = field(metadata=param("Porosity gradient ε_s - ε_f (constant p)", "-", key="baseline_gradient", group=_P))
    gradient: np.ndarray = field(metadata=param("Porosity gradient ε_s - ε_f (optimal)", "-", key="gradient", group=_P))
    objective: float = field(default=0.0, metadata=param("Objective J of the optimal profile", "-",
                                                         key="objective_optimal", group=_SUMMARY))
    baseline_objective: float = field(default=0.0, metadata=param("Objective J of the constant-pressure baseline", "-",
                                                                  key="objective_constant", group=_SUMMARY))
    converged: bool = field(default=False, metadata=param("Converged", "bool", key="converged", group=_SUMMARY))

    def columns(self) -> dict[str, np.ndarray]:
        """``{Excel key: display-unit column}`` of the time series, in field order."""
        shown = to_display(self)
        return {s.key: np.asarray(shown[s.key], dtype=float) for s in specs(self) if s.group == _P}


def _positive(name: str, x: float, allowed: str = "a number > 0", scale: float = 1.0) -> float:
    v = float(x)
    if not np.isfinite(v) or v <= 0:
        raise InputError(name, v / scale, allowed)
    return v


def objective(s: np.ndarray, z: np.ndarray, eps_surface: np.ndarray, eps_foil: np.ndarray,
              effort_weight: float, terminal_weight: float) -> float:
    """J = w_T Δ(1)² + ∫₀¹ [Δ² + r z²] ds on a grid ``s`` (Simpson's rule).

    Parameters
    ----------
    s : ndarray
        Dimensionless time through the nip, t/T, from 0 to 1.
    z : ndarray
        Dimensionless pressure p/p_c at each ``s``.
    eps_surface : ndarray
        Porosity of the surface layer ε_s at each ``s`` (dimensionless).
    eps_foil : ndarray
        Porosity of the foil-side layer ε_f at each ``s`` (dimensionless).
    effort_weight : float
        r, the penalty on z² (dimensionless).
    terminal_weight : float
        w_T, the weight of the exit gradient Δ(1)² (dimensionless).
    """
    from scipy.integrate import simpson  # here: import xlcell (and udfs) stays light (issue 15)

    d = eps_surface - eps_foil
    return float(terminal_weight * d[-1] ** 2 + simpson(d * d + effort_weight * z * z, x=s))


def two_layer_response(s: np.ndarray, z: float, eps0: float, eps_min: float, k_surface: float, k_foil: float):
    """Surface and foil-side porosity under a constant dimensionless pressure z (closed form).

    Parameters
    ----------
    s : ndarray
        Dimensionless time through the nip, t/T, from 0 to 1.
    z : float
        Constant dimensionless pressure p/p_c (>= 0).
    eps0 : float
        Porosity before calendering ε_0 (dimensionless).
    eps_min : float
        Minimum porosity of the compaction law ε_min (dimensionless).
    k_surface : float
        T/τ_s, the nip time over the surface layer's relaxation time (dimensionless).
    k_foil : float
        T/τ_f, the nip time over the foil-side layer's relaxation time (dimensionless).
    """
    q = eps_min + (eps0 - eps_min) * np.exp(-z)
    return q + (eps0 - q) * np.exp(-k_surface * s), q + (eps0 - q) * np.exp(-k_foil * s)


def optimal_pressure_profile(eps0: float, target_porosity: float, eps_min: float, pressure_scale_Pa: float,
                             nip_time_s: float, tau_surface_s: float, tau_foil_s: float, effort_weight: float = 1e-4,
                             terminal_weight: float = 1.0, points: int = 101, tol: float = 1e-6) -> PressureProfile:
    """Optimal nip pressure p*(t) and the constant-pressure baseline for one coating.

    Parameters
    ----------
    eps0, target_porosity, eps_min : float
        Porosity before calendering, exit mean porosity, and the compaction law's minimum (-).
    pressure_scale_Pa : float
        Compaction resistance in pressure units p_c (Pa), e.g. γ_c / nip length.
    nip_time_s : float
        Dwell time T in the nip (s): nip length / web speed.
    tau_surface_s, tau_foil_s : float
        Relaxation times of the surface and foil-side layers (s).
    effort_weight : float
        r, the penalty on (p/p_c)² relative to the squared porosity gradient.
    terminal_weight : float
        w_T, the weight of the exit gradient Δ(T)².
    points : int
        Number of output time points (>= 3).
    tol : float
        Relative tolerance of :func:`scipy.integrate.solve_bvp` on the boundary-value problem (dimensionless).

    Raises
    ------
    InfeasibleError
        The target is not between ε_min and ε_0, or the nip is too short for any constant pressure
        to reach it.
    """
    e0, et, em = float(eps0), float(target_porosity), float(eps_min)
    for name, v in (("eps0", e0), ("target_porosity", et), ("eps_min", em)):
        if not (0 <= v < 1):
            raise InputError(name, v, "a number between 0 and 1")
    if not em < e0:
        raise InputError("eps_min", em, "below eps0")
    pc = _positive("pressure_scale_MPa", pressure_scale_Pa, "a number > 0 MPa", 1e6)
    T = _positive("nip_time_ms", nip_time_s, "a number > 0 ms", 1e-3)
    ks = T / _positive("tau_surface_ms", tau_surface_s, "a number > 0 ms", 1e-3)
    kf = T / _positive("tau_foil_ms", tau_foil_s, "a number > 0 ms", 1e-3)
    r = _positive("effort_weight", effort_weight)
    wT = float(terminal_weight)
    if not (np.isfinite(wT) and wT >= 0):
        raise InputError("terminal_weight", wT, "a number >= 0")
    if int(points) < 3:
        raise InputError("points", points, "an integer >= 3")
    if not em < et < e0:
        raise InfeasibleError(f"target_porosity = {et:.4g} must lie between the minimum porosity {em:.4g} "
                              f"and the porosity before calendering {e0:.4g}")
    E = e0 - em
    m = 0.5 * (np.exp(-ks) + np.exp(-kf))
    q_const = (et - e0 * m) / (1.0 - m)
    if not q_const > em:
        raise InfeasibleError(f"target_porosity = {et:.4g} is out of reach in a {units.to_display(T, 'ms'):.4g} ms nip: the coating "
                              f"relaxes too slowly (relaxation times {units.to_display(tau_surface_s, 'ms'):.4g} and {units.to_display(tau_foil_s, 'ms'):.4g} ms)")
    z_const = float(np.log(E / (q_const - em)))

    from scipy.integrate import solve_bvp  # here: import xlcell (and udfs) stays light (issue 15)
    from scipy.special import lambertw

    weights = {"r": r, "wT": wT}  # the (effort, terminal) weights of the current continuation step

    def control(lam_s, lam_f):
        K = (lam_s * ks + lam_f * kf) * E / (2.0 * weights["r"])
        return np.where(K > 0, np.real(lambertw(np.maximum(K, 0.0))), 0.0)

    def rhs(s, y):
        es, ef, ls, lf = y
        q = em + E * np.exp(-control(ls, lf))
        d = es - ef
        return np.vstack([-ks * (es - q), -kf * (ef - q), -2.0 * d + ks * ls, 2.0 * d + kf * lf])

    def bc(ya, yb):
        return np.array([ya[0] - e0, ya[1] - e0, 0.5 * (yb[0] + yb[1]) - et,
                         yb[2] - yb[3] - 4.0 * weights["wT"] * (yb[0] - yb[1])])

    # Continuation: solve first with r >= 1e-4 and w_T <= 1 (well conditioned), then walk the weights
    # geometrically to the requested ones, each solve starting from the previous solution.
    r0, w0 = max(r, 1e-4), min(wT, 1.0)
    steps = 1 + int(np.ceil(2 * max(np.log10(r0) - np.log10(r), np.log10(wT) - np.log10(w0) if w0 > 0 else 0.0)))
    r_path = np.geomspace(r0, r, steps)
    w_path = np.geomspace(w0, wT, steps) if w0 > 0 else np.full(steps, wT)
    s0 = np.linspace(0.0, 1.0, 101)
    bs, bf = two_layer_response(s0, z_const, e0, em, ks, kf)
    lam = 2.0 * r0 * z_const * np.exp(z_const) / E / (ks + kf)
    xs, ys = s0, np.vstack([bs, bf, np.full_like(s0, lam), np.full_like(s0, lam)])
    for r_k, w_k in zip(r_path, w_path):
        weights.update(r=r_k, wT=w_k)
        sol = solve_bvp(rhs, bc, xs, ys, tol=tol, max_nodes=20000)
        if sol.status != 0:
            raise InfeasibleError(f"the optimal-control boundary-value problem did not converge ({sol.message}) at "
                                  f"effort weight {r_k:.3g}, terminal weight {w_k:.3g}; try a larger effort_weight")
        xs, ys = sol.x, sol.y

    s = np.linspace(0.0, 1.0, int(points))
    fine = np.linspace(0.0, 1.0, 4001)
    base_s, base_f = two_layer_response(s, z_const, e0, em, ks, kf)
    fs, ff = two_layer_response(fine, z_const, e0, em, ks, kf)
    j_base = objective(fine, np.full_like(fine, z_const), fs, ff, r, wT)
    Y, Yf = sol.sol(s), sol.sol(fine)
    z, zf = control(Y[2], Y[3]), control(Yf[2], Yf[3])
    j_opt = objective(fine, zf, Yf[0], Yf[1], r, wT)
    return PressureProfile(
        time_s=s * T, pressure_Pa=z * pc, porosity=0.5 * (Y[0] + Y[1]), porosity_surface=Y[0], porosity_foil=Y[1],
        baseline_pressure_Pa=np.full_like(s, z_const * pc), baseline_porosity=0.5 * (base_s + base_f),
        baseline_gradient=base_s - base_f, gradient=Y[0] - Y[1],
        objective=j_opt, baseline_objective=j_base, converged=True,
    )


__all__ = ["PressureProfile", "objective", "optimal_pressure_profile", "two_layer_response"]
