"""A particle with a stoichiometry-dependent solid diffusivity D(sto) under constant current, by finite volumes (scipy).

xlcell's rate model carries one solid diffusivity per electrode (``solid_diffusivity_m2_s``) and the exact sphere of
constant D (``xlcell.cell.sphere_usable_fraction``). A published parameter set whose D varies with the stoichiometry
(O'Regan et al. 2022's GITT diffusivities vary 100-fold across the window and have dips 0.03 wide in sto; Ecker et
al. 2015's graphite 100-fold) is mapped onto it by :func:`effective_diffusivity`: the constant D under which the exact
sphere best delivers the shares of its window that the sphere with D(sto) delivers at the set's C-rates up to 5C
(least squares; ``scripts/rate_dfn_table.py`` uses it for every set whose D varies).

The sphere (:func:`delivered_share`): Fick's law in a sphere of radius r with D(sto), a uniform start at the window's
start, the surface flux that moves the mean across the window in 3600/C s, until the surface reaches ``sto_limit``
(the window's end plus the headroom xlcell allows: 1 for the positive, 0 for the negative). Finite volumes on radial
cells clustered at the surface, the flux between two cells carried exactly for steady flux through D(sto) by
Kirchhoff's transform, Φ(sto) = ∫ D d(sto): (Φ(x_i+1) - Φ(x_i)) / Δr, and the surface's stoichiometry from the last cell
the same way; scipy's BDF with a tridiagonal Jacobian. ``tests/test_solid_diffusivity_sphere.py`` checks it against
xlcell's exact sphere at constant D and against PyBaMM's converged SPM on ORegan2022.

Usage::

    python scripts/solid_diffusivity_sphere.py           # each D(sto) set's effective diffusivities
    python scripts/solid_diffusivity_sphere.py --write   # ... into tests/data/solid_diffusivity_effective.json
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable

import numpy as np
from scipy.integrate import solve_ivp
from scipy.sparse import diags

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from xlcell.cell import sphere_critical_number, sphere_usable_fraction  # noqa: E402

#: radial cells and their clustering at the surface (cell faces at r/R = 1 - (e^{k(1 - s)} - 1)/(e^k - 1), s uniform)
CELLS, STRETCH = 100, 3.0
#: the stoichiometry grid of Kirchhoff's Φ(sto)
_PHI_POINTS = 20001


def tabulated(sto: np.ndarray, D_m2_s: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    """D(sto) from a table, log-linear between its points (flat beyond them)."""
    s, lnD = np.asarray(sto, dtype=float), np.log(np.asarray(D_m2_s, dtype=float))
    return lambda x: np.exp(np.interp(x, s, lnD))


def delivered_share(D: Callable[[np.ndarray], np.ndarray], radius_m: float, sto_start: float, sto_end: float,
                    sto_limit: float, c_rate: float, cells: int = CELLS, stretch: float = STRETCH) -> float:
    """Share of the window sto_start -> sto_end (the particle's mean moved / the window) delivered at ``c_rate`` before
    the surface reaches ``sto_limit`` (beyond sto_end); NaN if it does not within twice the window."""
    span = sto_end - sto_start
    sign = np.sign(span)
    lo, hi = min(sto_start, sto_limit) - 0.05, max(sto_start, sto_limit) + 0.05
    grid = np.linspace(lo, hi, _PHI_POINTS)
    Dg = D(np.clip(grid, 0.0, 1.0))
    phi = np.concatenate([[0.0], np.cumsum(0.5 * (Dg[1:] + Dg[:-1]) * np.diff(grid))])

    def Phi(x: np.ndarray) -> np.ndarray:
        return np.interp(x, grid, phi)

    s = np.linspace(0.0, 1.0, cells + 1)
    r = radius_m * (1.0 - (np.exp(stretch * (1.0 - s)) - 1.0) / (np.exp(stretch) - 1.0)) if stretch else radius_m * s
    rc = 0.5 * (r[1:] + r[:-1])
    V = (r[1:] ** 3 - r[:-1] ** 3) / 3.0
    A = r**2
    dr = np.diff(rc)
    h = radius_m - rc[-1]
    t_dis = 3600.0 / c_rate
    flux = span * radius_m / (3.0 * t_dis)  # sto x m/s into the particle: the mean moves by span in t_dis

    def rhs(_t: float, x: np.ndarray) -> np.ndarray:
        q = -(Phi(x[1:]) - Phi(x[:-1])) / dr * A[1:-1]  # outward, at the inner faces
        dx = np.zeros_like(x)
        dx[:-1] -= q / V[:-1]
        dx[1:] += q / V[1:]
        dx[-1] += flux * A[-1] / V[-1]
        return dx

    def surface(x: np.ndarray) -> float:  # Φ(x_s) - Φ(x_N) = flux h
        return float(np.interp(Phi(x[-1]) + flux * h, phi, grid))

    def event(_t: float, x: np.ndarray) -> float:
        return sign * (sto_limit - surface(x))

    event.terminal = True
    jac = diags([np.ones(cells - 1), np.ones(cells), np.ones(cells - 1)], [-1, 0, 1])
    sol = solve_ivp(rhs, (0.0, 2.0 * t_dis), np.full(cells, float(sto_start)), method="BDF", events=event,
                    jac_sparsity=jac, rtol=1e-7, atol=1e-10)
    return float(sol.t_events[0][0] / t_dis) if sol.t_events[0].size else float("nan")


def effective_diffusivity(D: Callable[[np.ndarray], np.ndarray], radius_m: float, sto_start: float, sto_end: float,
                          sto_limit: float, c_rates: tuple[float, ...], cells: int = CELLS) -> dict:
    """The constant D under which xlcell's exact sphere (headroom (sto_limit - sto_end)/(sto_end - sto_start)) best
    delivers the shares of its window that the sphere with D(sto) delivers at ``c_rates`` (least squares on the shares,
    each capped at 1 as xlcell's is; in log D, bounded by D(sto)'s range). Returns D (m²/s), the C-rates, the sphere's
    shares and the exact sphere's at D."""
    h = (sto_limit - sto_end) / (sto_end - sto_start)
    shares = np.array([min(1.0, delivered_share(D, radius_m, sto_start, sto_end, sto_limit, c, cells))
                       for c in c_rates])
    grid = D(np.linspace(0.0, 1.0, 401))

    def misfit(lnD: float) -> float:
        return float(sum((exact_share(float(np.exp(lnD)), radius_m, h, c) - u) ** 2 for c, u in zip(c_rates, shares)))

    from scipy.optimize import minimize_scalar

    best = minimize_scalar(misfit, bounds=(np.log(grid.min()) - 1.0, np.log(grid.max()) + 1.0), method="bounded",
                           options={"xatol": 1e-6})
    d = float(np.exp(best.x))
    return {"D_m2_s": d, "c_rates": list(map(float, c_rates)), "shares": shares.tolist(),
            "exact_shares": [exact_share(d, radius_m, h, c) for c in c_rates]}


def exact_share(D_m2_s: float, radius_m: float, headroom: float, c_rate: float) -> float:
    """xlcell's exact sphere at constant D (the share delivered; :func:`xlcell.cell.sphere_usable_fraction`)."""
    return float(sphere_usable_fraction(radius_m**2 / D_m2_s / (3600.0 / c_rate), headroom))


#: the effective diffusivities of the stored DFN sets whose D varies (written by ``--write``; read by
#: ``scripts/rate_dfn_table.py``)
EFFECTIVE = ROOT / "tests" / "data" / "solid_diffusivity_effective.json"


def set_particle(ref_set: dict, e: str) -> dict | None:
    """The particle of one electrode of a stored DFN set (``tests/data/pybamm_dfn_*.json``): its D(sto) over the whole
    stoichiometry range, radius, window (start -> end of a discharge) and surface limit (1 for the positive, 0 for
    the negative: xlcell's headroom from the window); None when its D is one number."""
    ex = ref_set["extra"]
    if "solid_diffusivity_full_m2_s" not in ex[e]:  # stored only where D varies
        return None
    D = np.asarray(ex[e]["solid_diffusivity_full_m2_s"], dtype=float)
    w = ex["sto_window"]
    start, end, limit = ((w["pos_sto_100pct"], w["pos_sto_0pct"], 1.0) if e == "pos"
                         else (w["neg_sto_100pct"], w["neg_sto_0pct"], 0.0))
    return {"sto": ex[e]["solid_diffusivity_sto"], "D_m2_s": D.tolist(), "radius_m": ex[e]["particle_radius_m"],
            "sto_start": start, "sto_end": end, "sto_limit": limit}


def effective_for_set(ref_set: dict, e: str) -> dict | None:
    """:func:`effective_diffusivity` of one electrode of a stored DFN set (:func:`set_particle`) over the set's C-rates
    up to 5C (those the issue's retention targets cover); None when its D is one number. With the mean of its D over
    the fifth of the window where the discharge ends (the mapping's rule before) for comparison."""
    part = set_particle(ref_set, e)
    if part is None:
        return None
    D = tabulated(part["sto"], part["D_m2_s"])
    prof = np.asarray(ref_set["extra"][e]["solid_diffusivity_m2_s"], dtype=float)
    rates = tuple(c for c in ref_set["retention"]["c_rates"] if c <= 5.0)
    eff = effective_diffusivity(D, part["radius_m"], part["sto_start"], part["sto_end"], part["sto_limit"], rates)
    mean = float(np.mean(prof[-5:] if e == "pos" else prof[:5]))
    if min(eff["shares"]) >= 1.0:  # the whole window at every rate: the shares do not determine D
        eff = dict(eff, D_m2_s=mean, fit="none: the sphere delivers its whole window at every rate; the mean of D "
                                         "over the fifth of the window where the discharge ends")
    return {**eff, "mean_at_end_m2_s": mean, "particle": {k: v for k, v in part.items() if k not in ("sto", "D_m2_s")}}


def main(argv: list[str] | None = None) -> None:
    import argparse
    import importlib.util
    import json

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true", help=f"write {EFFECTIVE.relative_to(ROOT).as_posix()}")
    a = ap.parse_args(argv)
    spec = importlib.util.spec_from_file_location("rate_dfn_table", ROOT / "scripts" / "rate_dfn_table.py")
    table = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(table)
    out: dict = {"generated_by": "scripts/solid_diffusivity_sphere.py", "cells": CELLS, "stretch": STRETCH,
                 "definition": " ".join(effective_diffusivity.__doc__.split()), "sets": {}}
    for which in (table.REFERENCE, table.HELDOUT):
        for name, s in table.load(which)["sets"].items():
            for e in ("pos", "neg"):
                eff = effective_for_set(s, e)
                if eff is not None:
                    out["sets"].setdefault(name, {})[e] = eff
                    print(f"{name} {e}: D_eff {eff['D_m2_s']:.4e} m2/s (mean where the discharge ends "
                          f"{eff['mean_at_end_m2_s']:.4e}); shares at {eff['c_rates']}: D(sto) "
                          f"{[round(u, 4) for u in eff['shares']]}, D_eff {[round(u, 4) for u in eff['exact_shares']]}",
                          flush=True)
    if a.write:
        import os
        import tempfile

        fd, tmp = tempfile.mkstemp(dir=EFFECTIVE.parent, suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(out, f, indent=1)
            f.write("\n")
        os.replace(tmp, EFFECTIVE)


if __name__ == "__main__":
    main()
