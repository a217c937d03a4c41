"""The discharge's salt balance rebuilt against the DFN (issue 13): variants measured on every DFN comparison.

A diagnostic, like ``scripts/salt_balance_check.py``: it replaces the discharge's reach of the positive in
:func:`xlcell.cell._rate_limits` by a variant (the model itself is untouched unless a variant lands in it) and holds
xlcell to the issue's targets on every comparison of ``tests/test_rate_dfn.py``: the full DFN (each set's design with
its published salt diffusivity law) and the DFN with the constant electrolyte the design keys describe, compared with
xlcell on the same design without the law (every ``salt_diffusivity_*`` 0), which is that DFN's physics.

The variants' pieces (``Variant``):

* ``timing``: "model" (τ_p = 4 L_p²/(π² D_p), τ_c = (4/π²)(Σ L)(Σ L/D_eff): today's) or "exact" (the pores' storage ε
  in both and the cell's half-wave mode: τ_p = 4 ε_p L_p²/(π² D_p), τ_c = (Σ ε L)(Σ L/D_eff)/π², the slowest mode of the
  method of lines within 40 %, scripts/salt_balance_check.py);
* ``front``: "jump" (the reach jumps from 1 to the steady φ_ss at t_dep: today's) or "relax" (after t_dep the reach
  relaxes to φ_ss as the profile does, φ(t) = φ_ss + (1 - φ_ss) e^(-(t - t_dep)/τ_c));
* ``fill``: "mean" (the positive delivers φ̄ u(N_s/φ̄), φ̄ the reach averaged over the nominal discharge 3600/C:
  today's) or "front" (the discharge ends when the particles at the separator's side, which the reaction never
  leaves, have taken u(N_s/φ̄) of their window: ∫ dt/φ(t) = u 3600/C, the delivered share t_end C/3600);
* ``starve``: False (the pores count empty at c = 0: today's) or True (at the salt c* whose concentration
  overpotential (2RT/F)(1 - t+) ln(c0/c*) takes the voltage margin V_load - V_cut left at the C-rate);
* ``theta``: the positive's reaction deeper than an even spread at the end of the discharge (:func:`depth_balance`:
  the steady balance's A (1 + 2θ), B (1 + θ), θ = 1 the whole reaction at the collector). A number: on every design
  or (``theta_slope``) only on those whose positive has that OCV slope (one set), not derived (it locates the
  structure); "deficit": θ_A = 7/40, θ_B = 1/4 from the deficit the SOC spread leaves (:func:`deficit_theta`), weighted
  by 1 − e^(−t_f/τ_c); "cap": the deficit's balance in full, its loss no more than the deficit, N_q/3 of the window
  (:func:`spread_number`);
* ``law``: False (the discharge keeps D(c0): today's), True (the positive's salt diffusivity is D(c0) ḡ, the law's
  Kirchhoff mean from 0.05 c0 to c0, :func:`xlcell.cell.salt_diffusivity_gain`, as in the pulse), "span" (the mean
  over the positive's steady span instead) or "regions" (the positive's ḡ, and the separator and the negative their
  Kirchhoff means over their steady spans, fixed-point steps);
* ``kappa``: "" (κ(c0): today's), or the design's conductivity law (``conductivity_*``; the full DFN's comparisons carry
  each set's fitted κ(c), scripts/conductivity_law_fit.py, the constant-electrolyte ones none) over the steady profile
  (:func:`kappa_means`, each region's harmonic mean): "nq" in the spread number of the deficit's cap, "ohm" in the
  electrolyte's ohmic drop of the voltage under load, "both".

Usage::

    python scripts/salt_discharge_rebuild.py            # every variant: comparisons off target, full and ablation
    python scripts/salt_discharge_rebuild.py --detail   # and the numbers of every comparison that changes
    python scripts/salt_discharge_rebuild.py --theta LFP_AboutEnergy2022 0.3   # one set with a given θ
    python scripts/salt_discharge_rebuild.py --reach    # the method of lines' reach (a few minutes)
"""
from __future__ import annotations

import argparse
import importlib.util
import itertools
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import xlcell.cell as cell  # noqa: E402
from xlcell.constants import FARADAY, GAS_CONSTANT  # noqa: E402
from xlcell.transport import conductivity_factor, kirchhoff_mean  # noqa: E402

from scripts import rate_dfn_table as table  # noqa: E402  (the checkout's scripts/, a namespace package)

ORIGINAL = cell._rate_limits


@dataclass(frozen=True)
class Variant:
    """One discharge salt balance (module docstring)."""

    timing: str = "model"
    front: str = "jump"
    fill: str = "mean"
    starve: bool = False
    law: bool | str = False
    theta: float | str = 0.0
    theta_slope: float | None = None
    kappa: str = ""

    def label(self) -> str:
        out = (f"{self.timing}/{self.front}/{self.fill}/{'starve' if self.starve else 'c=0'}/"
               f"{('D(c)' if self.law is True else f'D(c):{self.law}') if self.law else 'D(c0)'}")
        if self.theta:
            out += (f"/theta={self.theta}" if isinstance(self.theta, str) else f"/theta={self.theta:g}") + (
                "" if self.theta_slope is None else f" at slope {self.theta_slope:.4g} V")
        if self.kappa:
            out += f"/kappa={self.kappa}"
        return out


#: the deficit the positive's quasi-steady SOC spread leaves when its separator side reaches the end of its window,
#: r(ξ) ∝ 1 − ξ² (ξ from the collector): 2 (1 − ⟨ξ⟩) = 5/4 and 3 ⟨(1 − ξ)²⟩ = 27/20 (:func:`deficit_theta`)
DEFICIT_B, DEFICIT_A = 0.25, 0.175


def deficit_theta(d, r: dict[str, Any], tau_c: np.ndarray, t_dis: np.ndarray,
                  h: np.ndarray | float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """θ_A, θ_B of the reaction that finishes the discharge (:func:`depth_balance`), derived, not fitted.

    The positive's SOC spreads through the coating like a diffusing quantity (:func:`spread`) with N_q = i L_p/(κ_eff s)
    (s its OCV slope per cycled window): the quasi-steady profile of a slab under constant flux leaves the separator's
    side ahead of the collector's by N_q/2 (q(ξ) − q̄ = (N_q/2)(ξ² − 1/3)). When the separator's side reaches the end
    of its window, the rest of the discharge fills the deficit (N_q/2)(1 − ξ²), N_q/3 of the window (capped at the
    window), so the reaction then runs ∝ 1 − ξ²: 2 (1 − ⟨ξ⟩) = 5/4, 3 ⟨(1 − ξ)²⟩ = 27/20, θ_B = 1/4, θ_A = 7/40. The
    salt follows that deeper reaction in the cell's half-wave time τ_c, so the weight of the deeper balance is
    1 − e^(−t_f/τ_c), t_f = min(1, N_q/3) t_dis the time the deficit takes. A design without an OCV slope (0) keeps
    the even spread."""
    nq = spread_number(d, r, h)
    w = -np.expm1(-np.minimum(1.0, nq / 3.0) * t_dis / tau_c)
    return DEFICIT_A * w, DEFICIT_B * w


def depth_balance(t: dict[str, Any], k: np.ndarray, theta: np.ndarray, theta_b: np.ndarray | None = None) -> dict[str, Any]:
    """The steady balance of :func:`xlcell.cell._salt_balance` with the positive's reaction deeper than an even spread.

    With the reaction r(ξ) through the positive (ξ from its collector, ∫r dξ = 1) the salt flux at ξ is k F(ξ),
    F = ∫_0^ξ r, the drop across the positive (k L/D) (1 − ⟨ξ⟩) and the salt the positive holds above its collector's
    ε L (k L/D) ⟨(1 − ξ)²⟩/2: the balance's A (the φ² term) scales with 3 ⟨(1 − ξ)²⟩ and B (the φ term) with
    2 (1 − ⟨ξ⟩), 1 and 1 for the even spread, 3 and 2 with the whole reaction at the collector (a front that has
    crossed the coating). θ interpolates: A (1 + 2θ), B (1 + θ)."""
    tb = theta if theta_b is None else theta_b
    t = dict(t)
    t["a"] = t["a"] * (1.0 + 2.0 * theta)
    t["b0"], t["b1"] = t["b0"] * (1.0 + tb), t["b1"] * (1.0 + tb)
    t["phi"] = cell._salt_reach({**t, "k": k})
    return t


def _relax_integral(s: np.ndarray, a: np.ndarray, tau: np.ndarray) -> np.ndarray:
    """∫_0^s ds'/(a + (1 - a) e^(-s'/τ)) (s), a = φ_ss in [0, 1]."""
    b = 1.0 - a
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        x = np.exp(-s / tau)
        big = (s + tau * np.log(a + b * x)) / np.where(a > 1e-9, a, 1.0)
        small = tau * np.expm1(np.minimum(s / tau, 700.0))  # a -> 0
    return np.where(a > 1e-9, big, small)


def reach(d, r: dict[str, Any], v: Variant) -> dict[str, np.ndarray]:
    """The variant's positive share (u_p) and mean reach (phi_p) from the designs ``d`` and today's result ``r``."""
    p, n, s = d.pos, d.neg, d.sep
    b = d.bruggeman_exponent
    c_rate = 3600.0 * r["current_density"] / np.minimum(r["_q_p"], r["_q_n"])
    t_dis = 3600.0 / c_rate
    D0 = d.electrolyte_diffusivity_m2_s
    gain = cell.salt_diffusivity_gain(d) if v.law else None
    Dp = D0 * p.porosity**b * (1.0 if gain is None else gain)
    Dn, Ds = D0 * n.porosity**b, D0 * s.porosity**cell.separator_bruggeman(d)
    k = (1.0 - d.transference_number) * r["current_density"] / FARADAY
    c0 = d.electrolyte_concentration_mol_m3
    if v.law == "span" and gain is not None:  # the Kirchhoff mean over the span the positive's steady salt covers
        Dp0 = D0 * p.porosity**b
        g = np.ones_like(np.asarray(Dp0 * k))
        for _ in range(3):
            X = cell._salt_limit(cell._salt_balance(d, k, (Dp0 * g, Dn, Ds)), 1.0)
            # the positive's own span: from its collector's salt to its separator face's (the steady profile)
            n_e = k * p.thickness_m / (c0 * Dp0 * g)
            top = np.clip(1.0 - X + n_e / 2.0, cell.SALT_EMPTY_SHARE, 1.0)
            low = np.clip(1.0 - X, cell.SALT_EMPTY_SHARE, 1.0)
            law = cell.salt_law(d)
            g = np.where(gain == 1.0, 1.0, kirchhoff_mean(low, np.maximum(top, low * (1 + 1e-9)), **law))
        Dp = Dp0 * g
    if v.law == "regions" and gain is not None:  # the separator and the negative their Kirchhoff means too
        law = cell.salt_law(d)
        Ds0, Dn0 = Ds, Dn
        for _ in range(4):
            t = cell._salt_balance(d, k, (Dp, Dn, Ds))
            X = cell._salt_limit(t, 1.0)
            face = np.maximum(1.0 - X, 0.0) + np.minimum(k * p.thickness_m / (c0 * Dp) / 2.0, 1.0)  # the positive's face
            # the separator's negative side and the negative's collector, no higher than the law's checked 5 c0
            sep = np.minimum(face + k * s.thickness_m / (c0 * Ds), 5.0)
            top = np.minimum(sep + k * n.thickness_m / (2.0 * c0 * Dn), 5.0)
            Ds = Ds0 * kirchhoff_mean(np.maximum(face, 1e-3), np.maximum(sep, face * (1 + 1e-9) + 1e-9), **law)
            Dn = Dn0 * kirchhoff_mean(np.maximum(sep, 1e-3), np.maximum(top, sep * (1 + 1e-9) + 1e-9), **law)
    if v.starve:  # the pores stop at c*, where the salt's overpotential takes the voltage margin left
        margin = np.maximum(r["v_load"] - r["v_cut"], 0.0)
        c_star = c0 * np.exp(-margin * FARADAY / (2.0 * GAS_CONSTANT * d.temperature_K * (1.0 - d.transference_number)))
        kk = k * c0 / np.maximum(c0 - c_star, 1e-9 * c0)  # the balance with c0 - c* available
    else:
        kk = k
    dis = cell._salt_balance(d, kk, (Dp, Dn, Ds))
    Lp, Ls, Ln = p.thickness_m, s.thickness_m, n.thickness_m
    res = Lp / Dp + Ls / Ds + Ln / Dn
    tau_half = (p.porosity * Lp + s.porosity * Ls + n.porosity * Ln) * res / np.pi**2  # the cell's half-wave mode
    if v.timing == "model":
        tau_p, tau_c = 4.0 / np.pi**2 * Lp**2 / Dp, 4.0 / np.pi**2 * (Lp + Ls + Ln) * res
    else:
        tau_p = 4.0 / np.pi**2 * p.porosity * Lp**2 / Dp
        tau_c = tau_half
    # the conductivity law (kappa): "nq" the spread number with the positive's mean κ(c) over its steady span, "ohm"
    # the electrolyte's ohmic drop in the voltage with each region's, "both" the two
    km = kappa_means(d, r, dis, kk, Dp, Dn, Ds) if v.kappa else None
    h_nq = km["pos"] if v.kappa in ("nq", "both") else 1.0
    extra = {}
    if v.kappa in ("ohm", "both"):
        k0, bs = d.electrolyte_conductivity_S_m, cell.separator_bruggeman(d)
        extra["d_asi"] = (Lp / (3.0 * k0 * p.porosity**b) * (1.0 / km["pos"] - 1.0)
                          + Ls / (k0 * s.porosity**bs) * (1.0 / km["sep"] - 1.0)
                          + Ln / (3.0 * k0 * n.porosity**b) * (1.0 / km["neg"] - 1.0))
    if v.theta == "deficit":  # the reaction that finishes the discharge, derived (deficit_theta)
        dis = depth_balance(dis, kk, *deficit_theta(d, r, tau_half, t_dis, h_nq))
    elif v.theta == "cap":  # the deficit's balance, its loss no more than the deficit itself (N_q/3 of the window)
        u_even, phi = _share(d, r, v, dis, kk, c0, Dp, tau_p, tau_c, t_dis)
        u_deep, _ = _share(d, r, v, depth_balance(dis, kk, np.asarray(DEFICIT_A), np.asarray(DEFICIT_B)), kk, c0, Dp,
                           tau_p, tau_c, t_dis)
        return dict(u_p=np.maximum(u_deep, u_even - np.minimum(1.0, spread_number(d, r, h_nq) / 3.0)), phi_p=phi,
                    **extra)
    elif v.theta:  # the reaction deeper than even (depth_balance), on every design or those of one OCP slope
        th = v.theta if v.theta_slope is None else np.where(np.abs(p.ocv_slope_V - v.theta_slope) < 1e-9, v.theta, 0.0)
        dis = depth_balance(dis, kk, np.asarray(th, dtype=float))
    u_p, phi = _share(d, r, v, dis, kk, c0, Dp, tau_p, tau_c, t_dis)
    return dict(u_p=u_p, phi_p=phi, **extra)


def _share(d, r, v: Variant, dis, kk, c0, Dp, tau_p, tau_c, t_dis) -> tuple[np.ndarray, np.ndarray]:
    """The positive's share and mean reach from a steady balance ``dis`` (:func:`reach`'s second half)."""
    p = d.pos
    Lp = p.thickness_m
    X = cell._salt_limit(dis, 1.0)
    n_e_p = kk * Lp / (c0 * Dp)
    x_p = np.minimum(n_e_p / 2.0, X)
    t_dep = cell._depletion_time(x_p, X - x_p, tau_p, tau_c)
    ss = dis["phi"]
    whole = np.minimum(1.0, t_dep / t_dis)
    if v.front == "jump":
        phi = whole + (1.0 - whole) * ss
    else:
        span = np.maximum(t_dis - np.minimum(t_dep, t_dis), 0.0)
        phi = whole + (1.0 - whole) * ss + (1.0 - ss) * tau_c / t_dis * -np.expm1(-span / tau_c)
    u_sph = cell.sphere_usable_fraction(r["n_s_p"] / np.maximum(phi, 1e-12), cell.surface_headroom(p, "pos"))
    if v.fill == "mean":
        u_p = phi * u_sph
    else:  # ∫_0^t_end dt/φ(t) = u 3600/C: bisection in t_end over [0, u 3600/C]
        target = u_sph * t_dis
        lo, hi = np.zeros_like(target), np.array(target, dtype=float)
        tdep = np.minimum(t_dep, 1e30)
        for _ in range(50):
            mid = 0.5 * (lo + hi)
            before = np.minimum(mid, tdep)
            after = np.maximum(mid - tdep, 0.0)
            if v.front == "jump":
                g = before + after / np.maximum(ss, 1e-12)
            else:
                g = before + _relax_integral(after, ss, tau_c)
            lo, hi = np.where(g < target, mid, lo), np.where(g < target, hi, mid)
        u_p = 0.5 * (lo + hi) / t_dis
    return u_p, phi


def harmonic_conductivity(a, b, law: dict[str, Any]) -> np.ndarray:
    """h̄, the harmonic mean of h = κ(c)/κ(c0) over the concentrations from a to b (c/c0, uniform in c; 48-point
    Gauss–Legendre): the conductivity of a layer whose salt runs linearly from a to b (its resistance
    ∫ dx/κ = L/(κ(c0) h̄)); 1 exactly for a constant law."""
    from numpy.polynomial.legendre import leggauss

    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    nodes, weights = leggauss(48)
    x = 0.5 * (hi + lo)[..., None] + 0.5 * (hi - lo)[..., None] * nodes
    h = conductivity_factor(x, **{k: np.asarray(v, dtype=float)[..., None] for k, v in law.items()})
    mean = 1.0 / (0.5 * np.sum(weights / h, axis=-1))
    const = np.logical_and.reduce(np.broadcast_arrays(*(np.asarray(v, dtype=float) == 0.0 for v in law.values())))
    return np.where(const, 1.0, mean)


def kappa_means(d, r: dict[str, Any], dis: dict[str, Any], kk, Dp, Dn, Ds) -> dict[str, np.ndarray]:
    """Each region's harmonic mean of κ(c)/κ(c0) over the concentrations of the steady discharge profile ``dis`` (the
    positive from its collector's salt, no lower than :data:`xlcell.cell.SALT_EMPTY_SHARE` c0, to its separator face;
    the separator across; the negative to its collector, no higher than 5 c0): ``pos``, ``sep``, ``neg``; every one 1
    for a design without a conductivity law."""
    law = cell.conductivity_law(d)
    c0 = d.electrolyte_concentration_mol_m3
    p, s, n = d.pos, d.sep, d.neg
    X = cell._salt_limit(dis, 1.0)
    coll = np.maximum(1.0 - X, cell.SALT_EMPTY_SHARE)
    face = np.maximum(1.0 - X, 0.0) + np.minimum(kk * p.thickness_m / (c0 * Dp) / 2.0, 1.0)
    face = np.maximum(face, coll)
    sep = np.minimum(face + kk * s.thickness_m / (c0 * Ds), 5.0)
    top = np.minimum(sep + kk * n.thickness_m / (2.0 * c0 * Dn), 5.0)
    return dict(pos=harmonic_conductivity(coll, face, law), sep=harmonic_conductivity(face, sep, law),
                neg=harmonic_conductivity(sep, top, law))


def spread_number(d, r: dict[str, Any], h: np.ndarray | float = 1.0) -> np.ndarray:
    """N_q = i L_p/(κ_eff s) (:func:`deficit_theta`); 0 for a design without an OCV slope. ``h``: the positive's
    conductivity over κ(c0) (:func:`kappa_means`; 1: κ(c0))."""
    p = d.pos
    kappa = d.electrolyte_conductivity_S_m * p.porosity**d.bruggeman_exponent * h
    s = np.asarray(p.ocv_slope_V, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(s > 0, r["current_density"] * p.thickness_m / (kappa * np.where(s > 0, s, 1.0)), 0.0)


def patched(v: Variant):
    def _rate_limits(d, c, c_rate, *, limits=True, sizes=True):
        r = ORIGINAL(d, c, c_rate, limits=limits, sizes=sizes)
        r["_q_p"], r["_q_n"] = c["pos_areal_capacity_C_m2"], c["neg_areal_capacity_C_m2"]
        new = reach(d, r, v)
        if "d_asi" in new:  # the conductivity law's ohmic drop: the voltage under load and its share again
            ocv = c["ocv_V"]
            new["v_load"] = r["v_load"] - r["current_density"] * new.pop("d_asi")
            r_v = np.clip((ocv - new["v_load"]) / (ocv - r["v_cut"]), 0.0, 1.0)
            new["f_v"] = (1.0 - r_v) ** d.ocv_tail
        r.update(new)
        r["fraction"] = np.minimum(new["u_p"], r["u_n"]) * r["f_v"]
        return r
    return _rate_limits


def numbers(v: Variant | None) -> dict[str, dict[str, Any]]:
    """xlcell's numbers of every set under the variant: ``{(which, set): numbers}`` (which: reference, heldout,
    ablation; the ablation's design without its salt diffusivity law)."""
    cell._rate_limits = ORIGINAL if v is None else patched(v)
    try:
        out = {}
        for which, path in (("reference", table.REFERENCE), ("heldout", table.HELDOUT)):
            ref = table.load(path)
            for name, s in ref["sets"].items():
                out[(which, name)] = table.xlcell_numbers(s)
                if "constant_electrolyte" in s:
                    out[("ablation", name)] = table.xlcell_numbers(dict(s, name="constant electrolyte"))
        return out
    finally:
        cell._rate_limits = ORIGINAL


def checks(x: dict[str, dict[str, Any]]) -> dict[tuple, tuple[float, float, bool]]:
    """Every comparison of tests/test_rate_dfn.py: key -> (DFN, xlcell, within target)."""
    T = table.TARGETS
    out = {}
    for which, path in (("reference", table.REFERENCE), ("heldout", table.HELDOUT)):
        for name, s in table.load(path)["sets"].items():
            xs = x[(which, name)]
            out[(which, name, "capacity")] = (s["capacity_C20_Ah_m2"], xs["capacity_Ah_m2"],
                                             abs(xs["capacity_Ah_m2"] / s["capacity_C20_Ah_m2"] - 1) <= T["capacity"])
            for k, c in enumerate(s["retention"]["c_rates"]):
                if c <= 5.0:
                    tol = T["retention_3C"] if c <= 3.0 else T["retention_5C"]
                    a, b = s["retention"]["fraction"][k], xs["retention"][k]
                    out[(which, name, "retention", c)] = (a, b, abs(a - b) <= tol)
            a, b = s["c_rate_80pct"], xs["c_rate_80pct"]
            out[(which, name, "c80")] = (a, b, abs(b / a - 1) <= T["c_rate_80pct"])
            for rate in ("1C", "2C"):
                r, xr = s["thickness_sweep"][rate], xs["thickness_sweep"][rate]
                out[(which, name, "cliff", rate)] = _cliff(r, xr, r["pos_thickness_m"], r.get("cliff_status"))
            a, b = s["pulse"]["power_W_m2"], xs["pulse_power_W_m2"]
            out[(which, name, "pulse")] = (a, b, abs(b / a - 1) <= T["pulse_power"])
            if "constant_electrolyte" in s:
                xa, ca = x[("ablation", name)], s["constant_electrolyte"]
                for k, c in enumerate(ca["retention"]["c_rates"]):
                    if c <= 5.0:
                        tol = T["retention_3C"] if c <= 3.0 else T["retention_5C"]
                        a, b = ca["retention"]["fraction"][k], xa["retention"][s["retention"]["c_rates"].index(c)]
                        out[("ablation", name, "retention", c)] = (a, b, abs(a - b) <= tol)
                for rate in ("1C", "2C"):
                    ra = ca["thickness_sweep"][rate]
                    xc = xa["thickness_sweep"][rate]["cliff_m"]
                    if ra["cliff_m"] is None:
                        top = s["thickness_sweep"][rate]["pos_thickness_m"][len(ra["retention"]) - 1]
                        out[("ablation", name, "cliff", rate)] = (np.nan, xc or np.nan, xc is None or xc > top)
                    else:
                        out[("ablation", name, "cliff", rate)] = (ra["cliff_m"], xc or np.nan,
                                                                  xc is not None and abs(xc / ra["cliff_m"] - 1) <= T["cliff"])
    return out


def _cliff(r, xr, thick, status):
    if r["cliff_m"] is None:
        ok = xr["cliff_m"] is None or xr["cliff_m"] > thick[-1]
        ok = ok and ((min(xr["retention"]) > 0.8) if status == "above" else (max(xr["retention"]) < 0.8))
        return (np.nan, xr["cliff_m"] or np.nan, ok)
    return (r["cliff_m"], xr["cliff_m"] or np.nan, xr["cliff_m"] is not None and abs(xr["cliff_m"] / r["cliff_m"] - 1) <= 0.10)


def fmt(key, val) -> str:
    a, b, ok = val
    scale = 1e6 if "cliff" in key else 1.0
    return f"{'/'.join(str(k) for k in key)}: DFN {a * scale:.3f} xlcell {b * scale:.3f} {'ok' if ok else 'MISS'}"


VARIANTS = [Variant()] + [Variant(t, f, fl, st, lw) for t, f, fl, st, lw in
                          itertools.product(("model", "exact"), ("jump", "relax"), ("mean", "front"), (False, True),
                                            (False, True))][1:] + [
    Variant(t, "relax", "front", False, "span") for t in ("model", "exact")] + [
    Variant(t, f, fl, False, lw, "deficit") for t, f, fl, lw in
    (("model", "jump", "mean", False), ("model", "jump", "mean", True), ("exact", "relax", "front", False),
     ("exact", "relax", "front", True), ("exact", "jump", "mean", False), ("exact", "jump", "mean", True))] + [
    Variant(t, f, fl, False, lw, "cap") for t, f, fl, lw in
    (("model", "jump", "mean", False), ("model", "jump", "mean", True), ("exact", "relax", "front", False),
     ("exact", "relax", "front", True))] + [Variant("exact", "relax", "front", False, "regions", "cap"),
                                            Variant("model", "jump", "mean", False, "regions", "cap")] + [
    Variant("exact", "relax", "front", False, True, "cap", kappa=kp) for kp in ("nq", "ohm", "both")] + [
    Variant("exact", "relax", "front", False, "regions", "cap", kappa=kp) for kp in ("nq", "both")] + [
    Variant("model", "jump", "mean", False, False, 0.0, kappa="ohm")]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--detail", action="store_true")
    ap.add_argument("--only", nargs="*", default=None, help="variant labels to run")
    ap.add_argument("--reach", action="store_true", help="the numerical reach's table instead (a few minutes)")
    ap.add_argument("--theta", nargs="+", metavar=("SET", "THETA"), default=None,
                    help="one set's comparisons with the deeper reaction's balance at each θ (SET all: every set)")
    a = ap.parse_args(argv)
    if a.theta:
        name, thetas = a.theta[0], [float(x) for x in a.theta[1:]]
        slope = None if name == "all" else table.design_values(table.load()["sets"][name])["pos_ocv_slope_V"]
        base = checks(numbers(None))
        for th in thetas:
            for law in (False, True):
                v = Variant(law=law, theta=th, theta_slope=slope)
                now = checks(numbers(v))
                lost = [k for k in base if base[k][2] and not now[k][2]]
                won = [k for k in base if not base[k][2] and now[k][2]]
                print(f"{v.label()}: {sum(not x[2] for x in now.values())} off target, {len(won)} gained, {len(lost)} lost")
                for k in now:
                    if (name == "all" and (k in won or k in lost)) or (name != "all" and k[1] == name and k[2] != "pulse"
                                                                        and k[2] != "capacity"):
                        print("   ", "+" if k in won else "-" if k in lost else " ", fmt(k, now[k]))
        return
    if a.reach:
        rows = reach_rows()
        print("| set, C-rate, scale | DFN const. el. | xlcell | X | numerical reach φ̄ | (a) φ̄ u(N_s/φ̄) | (b) min(φ̄, u(N_s)) "
              "| (c) φ̄ u(N_s) | (d) front fill | ohmic / slope | diffusion potential / slope |")
        print("|---" * 11 + "|")
        for w in rows:
            print(f"| {w['set']} {w['c_rate']:g}C x{w['scale']:g} | {w['dfn']:.3f} | {w['xl']:.3f} | {w['X']:.2f} | "
                  f"{w['reach']:.3f} | {w['a']:.3f} | {w['b']:.3f} | {w['c']:.3f} | {w['d']:.3f} | {w['d_ohm']:.2f} | "
                  f"{w['d_salt']:.2f} |")
        for k in ("xl", "a", "b", "c", "d"):
            e = np.array([w[k] - w["dfn"] for w in rows])
            print(f"{k}: rms {np.sqrt(np.mean(e**2)):.3f}, largest {np.abs(e).max():.3f}, mean {e.mean():+.3f}")
        return
    base = checks(numbers(None))
    for v in VARIANTS:
        if a.only and v.label() not in a.only:
            continue
        now = checks(numbers(v))
        lost = [k for k in base if base[k][2] and not now[k][2]]
        won = [k for k in base if not base[k][2] and now[k][2]]
        miss = [k for k in now if not now[k][2]]
        print(f"{v.label()}: {len(miss)} off target ({sum(k[0] == 'ablation' for k in miss)} ablation), "
              f"{len(won)} gained, {len(lost)} lost")
        if a.detail:
            for k in won:
                print("   +", fmt(k, now[k]), "| before", f"{base[k][1]:.4g}")
            for k in lost:
                print("   -", fmt(k, now[k]), "| before", f"{base[k][1]:.4g}")
            for k in miss:
                if k not in lost:
                    print("   =", fmt(k, now[k]))



def numerical_reach(vals: dict[str, Any], c_rate: float, scale: float = 1.0, empty: float = cell.SALT_EMPTY_SHARE,
                    n_per: int = 60, n_t: int = 400) -> dict[str, np.ndarray]:
    """The reach of the positive over the discharge from the method of lines (scripts/salt_balance_check.py's grid and
    salt equation, constant D), with the reaction spread evenly over the part of the positive whose salt is above
    ``empty`` c0 (a smooth step over one ``empty`` width; the negative releases the salt evenly): ε ∂c/∂t =
    ∂/∂x (D_eff ∂c/∂x) - k w(c)/∫w in the positive. scipy's BDF over the nominal discharge 3600/C. Returned: the times
    (s), the reach φ(t) = ∫w dx/L_p, and the closed form's t_dep, φ_ss, τ_c (the half-wave mode with ε)."""
    from scipy.integrate import solve_ivp

    check = _salt_check()
    d, r = check.closed_form(vals, c_rate, scale)
    p, n, s = d.pos, d.neg, d.sep
    b = d.bruggeman_exponent
    D0 = d.electrolyte_diffusivity_m2_s
    f = lambda x: float(np.asarray(x).reshape(-1)[0])  # noqa: E731
    Lp, Ls, Ln = f(p.thickness_m), f(s.thickness_m), f(n.thickness_m)
    ep, es, en = f(p.porosity), f(s.porosity), f(n.porosity)
    Dp, Ds, Dn = f(D0 * p.porosity**b), f(D0 * s.porosity**cell.separator_bruggeman(d)), f(D0 * n.porosity**b)
    k = f((1.0 - d.transference_number) * r["current_density"] / FARADAY)
    c0 = f(d.electrolyte_concentration_mol_m3)
    w, reg, eps, D = check.cell_grid(Lp, Ls, Ln, ep, es, en, Dp, Ds, Dn, n_per)
    g = 1.0 / (0.5 * w[:-1] / D[:-1] + 0.5 * w[1:] / D[1:])
    pos, neg = reg == 0, reg == 2
    cap = eps * w

    def rhs(_t, c):
        flux = g * (c[1:] - c[:-1])
        dc = np.zeros_like(c)
        dc[:-1] += flux
        dc[1:] -= flux
        wt = np.clip((c[pos] / c0 - empty) / empty, 0.0, 1.0)
        tot = max(float(np.sum(wt * w[pos])), 1e-3 * Lp)
        dc[pos] -= k * wt * w[pos] / tot
        dc[neg] += k * w[neg] / Ln
        return dc / cap

    t_dis = 3600.0 / c_rate
    ts = np.linspace(0.0, t_dis, n_t)
    sol = solve_ivp(rhs, (0.0, t_dis), np.full(w.size, c0), method="BDF", t_eval=ts, rtol=1e-6, atol=1e-6 * c0)
    wt = np.clip((sol.y[pos] / c0 - empty) / empty, 0.0, 1.0)
    phi = (wt * w[pos][:, None]).sum(axis=0) / Lp
    res = Lp / Dp + Ls / Ds + Ln / Dn
    tau_c = (ep * Lp + es * Ls + en * Ln) * res / np.pi**2
    return dict(t=sol.t, phi=phi, tau_c=tau_c, phi_ss=f(r["salt_balance"]["phi"]), t_dis=t_dis, design=d, rate=r)


def steady_reach(d, r: dict[str, Any], empty: float) -> float:
    """The closed form's steady reach (:func:`xlcell.cell._salt_balance`) with the pores counted empty at ``empty`` c0:
    the same balance with c0 (1 - empty) of salt to spend (the unreached part holds ``empty`` c0, the reached part's
    profile is the c = 0 one shifted by it)."""
    k = (1.0 - d.transference_number) * r["current_density"] / FARADAY
    b = d.bruggeman_exponent
    D0 = d.electrolyte_diffusivity_m2_s
    D = (D0 * d.pos.porosity**b, D0 * d.neg.porosity**b, D0 * d.sep.porosity**cell.separator_bruggeman(d))
    return float(np.asarray(cell._salt_balance(d, k / (1.0 - empty), D)["phi"]).reshape(-1)[0])


def spread(d, r: dict[str, Any], X: float) -> dict[str, float]:
    """How far the reaction spreads unevenly through the positive: the electrolyte's potential drop across it over the
    slope of its open-circuit potential per cycled window (``pos_ocv_slope_V``). With the reaction's SOC q (per window)
    and U(q) its OCP, φ_s − φ_e = U(q) (kinetics aside) and Ohm's law i_e = −κ_eff ∂φ_e/∂x make the state of charge
    spread through the coating like a diffusing quantity, ∂q/∂t = ∂/∂x (D_q ∂q/∂x), D_q = κ_eff s/Q_v (Q_v the
    window's charge per volume): a slab under constant flux whose number is N_q = L²/(D_q t_dis) = i L/(κ_eff s)
    (the reaction even for N_q ≪ 1, a front from the separator for N_q ≫ 1). Returned: ``d_ohm`` = i L_p/(2 κ_eff s),
    the ohmic drop of an evenly spread reaction over the slope, and ``d_salt`` = (2RT/F)(1 − t+) ln(c_face/c_coll)/s,
    the steady salt's diffusion potential across the positive (the collector's salt no lower than 0.05 c0)."""
    g = lambda x: float(np.asarray(x).reshape(-1)[0])  # noqa: E731
    p = d.pos
    kappa = g(d.electrolyte_conductivity_S_m * p.porosity**d.bruggeman_exponent)
    slope = g(p.ocv_slope_V)
    i, L = g(r["current_density"]), g(p.thickness_m)
    face, coll = max(1.0 - X + g(r["n_e_p"]) / 2.0, 1e-3), max(1.0 - X, cell.SALT_EMPTY_SHARE)
    salt = 2.0 * GAS_CONSTANT * g(d.temperature_K) / FARADAY * (1.0 - g(d.transference_number)) * np.log(max(face / coll, 1.0))
    return dict(d_ohm=i * L / (2.0 * kappa * slope), d_salt=salt / slope)


def reach_rows(ref: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Every constant-electrolyte DFN comparison at 2C and above and every sweep point past x1 up to x2.5: the DFN,
    xlcell, the numerical reach averaged over the discharge (:func:`numerical_reach`) and the positive's share from it
    by four closures: (a) φ̄ u(N_s/φ̄), the model's; (b) min(φ̄, u(N_s)); (c) φ̄ u(N_s); (d) the front fill
    ∫ dt/φ(t) = u(N_s/φ̄) 3600/C; each times min with the negative and the voltage's share as in the model."""
    from xlcell.cell import sphere_usable_fraction as U

    ref = ref or table.load()
    out = []
    for name, s in ref["sets"].items():
        if "constant_electrolyte" not in s:
            continue
        a = s["constant_electrolyte"]
        vals = table.design_values(dict(s, name="constant electrolyte"))
        cases = [(c, 1.0, fa) for c, fa in zip(a["retention"]["c_rates"], a["retention"]["fraction"]) if c >= 2.0]
        for rate in ("1C", "2C"):
            sw = a["thickness_sweep"][rate]
            cases += [(sw["c_rate"], sc, fa) for sc, fa in zip(sw["thickness_scale"], sw["retention"]) if 1.0 < sc <= 2.5]
        for c, sc, fa in cases:
            o = numerical_reach(vals, c, sc, n_per=40, n_t=200)
            d, r = o["design"], o["rate"]
            g = lambda x: float(np.asarray(x).reshape(-1)[0])  # noqa: E731
            phi, t = o["phi"], o["t"]
            pm, N, h = float(phi.mean()), g(r["n_s_p"]), g(cell.surface_headroom(d.pos, "pos"))
            G = np.concatenate([[0.0], np.cumsum(np.diff(t) / np.maximum(0.5 * (phi[1:] + phi[:-1]), 1e-6))])
            target = float(U(N / pm, h)) * t[-1]
            shares = dict(a=pm * float(U(N / pm, h)), b=min(pm, float(U(N, h))), c=pm * float(U(N, h)),
                          d=(float(np.interp(target, G, t)) if target < G[-1] else t[-1]) / t[-1])
            cap = lambda u: min(u, g(r["u_n"])) * g(r["f_v"])  # noqa: E731
            X = g(cell._salt_limit(r["salt_balance"], 1.0))
            out.append(dict(set=name, c_rate=c, scale=sc, dfn=fa, xl=g(r["fraction"]), X=X, reach=pm,
                            **spread(d, r, X), **{k: cap(v) for k, v in shares.items()}))
    return out


def _salt_check():
    spec = importlib.util.spec_from_file_location("salt_balance_check", ROOT / "scripts" / "salt_balance_check.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


if __name__ == "__main__":
    main()
