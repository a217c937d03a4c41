"""The closed form's constant-electrolyte salt balance against a numerical solution of the same equation (issue 13).

xlcell's discharge keeps the electrode whole until the salt at the positive's collector runs out (t_dep,
:func:`xlcell.cell._depletion_time`) and the steady reach φ (:func:`xlcell.cell._salt_balance`) after it. This script
solves the constant-D salt equation across the cell,

    ε ∂c/∂t = ∂/∂x (D_eff ∂c/∂x) + s(x),   s = -k/L_p in the positive, +k/L_n in the negative, k = (1 - t+) i / F,

(no flux at the collectors; D_eff = D ε^b per region, the design's one Bruggeman exponent) by the method of lines
(finite volumes, solved exactly in time through the generalized eigenproblem of the linear system), and prints, for
every set of the DFN reference that carries a constant-electrolyte run, at each rate and thickness the comparisons
use: the closed form's depletion time against the numerical one, its steady depletion at full reach, its reach φ and
the numbers that make the retention (u_p, u_n, f_v), next to the constant-electrolyte DFN.

Usage::

    python scripts/salt_balance_check.py
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from scipy.linalg import eigh

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from xlcell.cell import _rate_limits, _salt_limit, broadcast_fields_cell, chain, resolve, separator_bruggeman  # noqa: E402
from xlcell.constants import FARADAY  # noqa: E402
from xlcell.design import design_from_mapping  # noqa: E402

from scripts import rate_dfn_table as table  # noqa: E402  (the checkout's scripts/, a namespace package)


def cell_grid(L_p, L_s, L_n, e_p, e_s, e_n, D_p, D_s, D_n, n_per=80):
    """Finite volumes from the positive's collector (x = 0) to the negative's: widths, ε, D_eff, region codes."""
    w = np.concatenate([np.full(n_per, L_p / n_per), np.full(n_per // 2, L_s / (n_per // 2)), np.full(n_per, L_n / n_per)])
    reg = np.concatenate([np.zeros(n_per, int), np.ones(n_per // 2, int), np.full(n_per, 2)])
    return w, reg, np.array([e_p, e_s, e_n])[reg], np.array([D_p, D_s, D_n])[reg]


class SaltCell:
    """The linear system E dc/dt = K c + s on the grid, solved exactly: c(t) = c0 + Σ v_i (v_iᵀ s)(e^(λ_i t) - 1)/λ_i."""

    def __init__(self, L_p, L_s, L_n, e_p, e_s, e_n, D_p, D_s, D_n, k, c0, n_per=80):
        w, reg, eps, D = cell_grid(L_p, L_s, L_n, e_p, e_s, e_n, D_p, D_s, D_n, n_per)
        g = 1.0 / (0.5 * w[:-1] / D[:-1] + 0.5 * w[1:] / D[1:])  # face conductances (harmonic)
        n = w.size
        K = np.zeros((n, n))
        i = np.arange(n - 1)
        K[i, i] -= g
        K[i + 1, i + 1] -= g
        K[i, i + 1] += g
        K[i + 1, i] += g
        s = np.where(reg == 0, -k / L_p, np.where(reg == 2, k / L_n, 0.0)) * w
        lam, V = eigh(K, np.diag(eps * w))
        self.lam, self.V, self.proj, self.c0, self.w, self.reg = lam, V, V.T @ s, c0, w, reg

    def profile(self, t, at=None):
        """The salt (mol/m³) at times ``t`` (s), every volume or only the volumes ``at``: shape (len(t), volumes)."""
        lam = self.lam
        V = self.V if at is None else self.V[np.atleast_1d(at)]
        live = np.abs(lam) > 1e-12 * np.abs(lam).max()  # the conserved mode carries no net source
        gain = np.outer(np.atleast_1d(t), np.zeros_like(lam))
        gain[:, live] = np.expm1(np.outer(np.atleast_1d(t), lam[live])) / lam[live]
        return self.c0 + (gain * self.proj) @ V.T

    def slowest(self):
        """The slowest time constant of the salt profile (s)."""
        lam = self.lam[np.abs(self.lam) > 1e-12 * np.abs(self.lam).max()]
        return float(-1.0 / lam.max())

    def depletion_time(self, level=0.0, t_max=1e7):
        """First t at which the salt at the positive's collector (the first volume) reaches level c0 (inf: never)."""
        ts = np.geomspace(1e-2, t_max, 2000)
        c = self.profile(ts, 0)[:, 0] / self.c0
        below = np.flatnonzero(c <= level)
        if below.size == 0:
            return np.inf
        j = below[0]
        lo, hi = ts[max(j - 1, 0)], ts[j]
        for _ in range(50):
            mid = 0.5 * (lo + hi)
            lo, hi = (mid, hi) if self.profile(mid, 0)[0, 0] / self.c0 > level else (lo, mid)
        return 0.5 * (lo + hi)


def closed_form(vals, c_rate, scale=1.0):
    """xlcell's rate numbers (:func:`xlcell.cell._rate_limits`) of one design at one C-rate and thickness scale."""
    v = dict(vals, pos_thickness_um=vals["pos_thickness_um"] * scale, neg_thickness_um=vals["neg_thickness_um"] * scale)
    d = broadcast_fields_cell(resolve(design_from_mapping(v)))
    c = chain(d, table.BARE, table.CALENDERING)
    return d, _rate_limits(d, c, np.asarray(c_rate, dtype=float))


def numerical(d, r):
    """The numerical salt cell of a design, with the closed form's current (r = its _rate_limits)."""
    p, n, s = d.pos, d.neg, d.sep
    b = d.bruggeman_exponent
    D0 = d.electrolyte_diffusivity_m2_s
    k = (1.0 - d.transference_number) * r["current_density"] / FARADAY
    f = lambda x: float(np.asarray(x).reshape(-1)[0])  # noqa: E731
    return SaltCell(f(p.thickness_m), f(s.thickness_m), f(n.thickness_m), f(p.porosity), f(s.porosity), f(n.porosity),
                    f(D0 * p.porosity**b), f(D0 * s.porosity**separator_bruggeman(d)), f(D0 * n.porosity**b), f(k),
                    f(d.electrolyte_concentration_mol_m3))


def time_constants(d):
    """xlcell's two time constants of the salt transient as :func:`xlcell.cell._rate_limits` takes them (τ_p, τ_c) and
    with the pores' storage ε and the cell's half-wave mode (τ_p ε_p, τ_c' = (Σ ε L)(Σ L/D_eff)/π²), in s."""
    p, n, s = d.pos, d.neg, d.sep
    b = d.bruggeman_exponent
    D0 = d.electrolyte_diffusivity_m2_s
    Dp, Dn, Ds = D0 * p.porosity**b, D0 * n.porosity**b, D0 * s.porosity**separator_bruggeman(d)
    Lp, Ls, Ln = p.thickness_m, s.thickness_m, n.thickness_m
    res = Lp / Dp + Ls / Ds + Ln / Dn
    f = lambda x: float(np.asarray(x).reshape(-1)[0])  # noqa: E731
    return dict(tau_p=f(4.0 / np.pi**2 * Lp**2 / Dp), tau_c=f(4.0 / np.pi**2 * (Lp + Ls + Ln) * res),
                tau_p_eps=f(4.0 / np.pi**2 * p.porosity * Lp**2 / Dp),
                tau_c_eps=f((p.porosity * Lp + s.porosity * Ls + n.porosity * Ln) * res / np.pi**2))


def rows(ref=None):
    """One row per constant-electrolyte DFN comparison at 1C and above (retention, and the thickness sweeps past x1)."""
    ref = ref or table.load()
    out = []
    for name, s in ref["sets"].items():
        if "constant_electrolyte" not in s:
            continue
        vals = table.design_values(s)
        a = s["constant_electrolyte"]
        cases = [(c, 1.0, fa) for c, fa in zip(a["retention"]["c_rates"], a["retention"]["fraction"]) if c >= 1.0]
        for rate in ("1C", "2C"):
            sw = a["thickness_sweep"][rate]
            cases += [(sw["c_rate"], sc, fa) for sc, fa in zip(sw["thickness_scale"], sw["retention"]) if sc > 1.0]
        for c_rate, scale, dfn in cases:
            d, r = closed_form(vals, c_rate, scale)
            g = lambda key: float(np.asarray(r[key]).reshape(-1)[0])  # noqa: E731
            t_dis = 3600.0 / c_rate
            num = numerical(d, r)
            out.append(dict(set=name, c_rate=c_rate, scale=scale, dfn=dfn, xl=g("fraction"), u_p=g("u_p"), u_n=g("u_n"),
                            f_v=g("f_v"), phi=g("phi_p"), phi_ss=g_phi_ss(r), X=g_X(r),
                            t_num=num.depletion_time() / t_dis, whole=whole_share(r),
                            tau_num=num.slowest(), **time_constants(d)))
    return out


def g_phi_ss(r):
    """The closed form's steady reach φ_ss of the positive (:func:`xlcell.cell._salt_balance`)."""
    return float(np.asarray(r["salt_balance"]["phi"]).reshape(-1)[0])


def g_X(r):
    """The closed form's steady depletion at full reach, a share of c0 (> 1: the positive's collector runs out)."""
    return float(np.asarray(_salt_limit(r["salt_balance"], 1.0)).reshape(-1)[0])


def whole_share(r):
    """t_dep / t_dis of the closed form, from φ = whole + (1 - whole) φ_ss."""
    phi, ss = float(np.asarray(r["phi_p"]).reshape(-1)[0]), g_phi_ss(r)
    return 1.0 if ss >= 1.0 else (phi - ss) / (1.0 - ss)


def main() -> None:
    print("| set | C | scale | DFN const. el. | xlcell | u_p | u_n | f_v | φ | φ_ss | X | t_dep/t_dis xlcell | numerical "
          "| τ_c xlcell (s) | τ_c with ε | slowest mode | τ_p xlcell | τ_p with ε |")
    print("|---" * 18 + "|")
    for w in rows():
        def t(x):
            return "never" if x >= 1.0 and w["X"] <= 1.0 else f"{x:.3f}"
        tn = "never" if not np.isfinite(w["t_num"]) else f"{w['t_num']:.3f}"
        print(f"| {w['set']} | {w['c_rate']:g} | {w['scale']:g} | {w['dfn']:.3f} | {w['xl']:.3f} | {w['u_p']:.3f} | "
              f"{w['u_n']:.3f} | {w['f_v']:.3f} | {w['phi']:.3f} | {w['phi_ss']:.3f} | {w['X']:.2f} | "
              f"{t(w['whole'])} | {tn} | "
              f"{w['tau_c']:.0f} | {w['tau_c_eps']:.0f} | {w['tau_num']:.0f} | {w['tau_p']:.0f} | {w['tau_p_eps']:.0f} |")


if __name__ == "__main__":
    main()
