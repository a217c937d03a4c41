"""The closed form with each set's concentration-dependent salt diffusivity D(c), against PyBaMM's DFN (issue 13).

An experiment, not the model: xlcell's salt balance (``xlcell.cell._salt_balance``) has one constant D_e, and the
two strict xfails of tests/test_rate_dfn.py past the electrolyte cliff (Chen2020 at 3C, Ecker2015's 2C cliff) were
traced to the DFN's D(c). This script gives the closed form each set's published D(c) (:data:`ELECTROLYTE_LAWS`, the
forms PyBaMM's sets use, checked against PyBaMM's own values in tests/data/pybamm_electrolyte_properties.json) in the
exact way a 1-D steady balance allows, Kirchhoff's transform: each region's effective diffusivity is D(c0) times the
mean of D(c)/D(c0) over the concentrations its steady profile spans (:func:`xlcell.transport.kirchhoff_mean`; exact
for the concentration drop across a region at a given flux), found by fixed-point steps on the steady profile's end
concentrations, the salt counting as gone at :data:`FLOOR` c0 (Ecker et al.'s law diverges at c -> 0). It then
reports, for every set of tests/data/pybamm_dfn_reference.json, xlcell with and without D(c) against the full DFN and
the constant-electrolyte DFN, and the factor on D(c0) with which xlcell's constant form reproduces the full DFN's 2C
cliff (what the DFN's electrolyte is "worth" there) beside what D(c) alone gives and how far the set's conductivity
falls with the salt.

Usage::

    python scripts/electrolyte_law_experiment.py           # print the table
    python scripts/electrolyte_law_experiment.py --write   # rewrite it in docs/models/rate-power.md
"""
from __future__ import annotations

import argparse
import contextlib
import json
import sys
from pathlib import Path
from typing import Any, Iterator

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import xlcell.cell as cell  # noqa: E402
from xlcell.cell import rate_capability  # noqa: E402
from xlcell.design import design_from_mapping  # noqa: E402
from xlcell.transport import SALT_LAW_RANGE, kirchhoff_mean  # noqa: E402

from scripts import rate_dfn_table as table  # noqa: E402  (the checkout's scripts/, a namespace package)

PROPERTIES = ROOT / "tests" / "data" / "pybamm_electrolyte_properties.json"
BEGIN, END = "<!-- dfn-electrolyte-law -->", "<!-- /dfn-electrolyte-law -->"
FLOOR = 0.05  #: the salt share of c0 at which the pores count as empty (the Kirchhoff means' lower end)
STEPS = 8  #: fixed-point steps of the Kirchhoff balance


#: each set's D(c) as xlcell's law: the DFN mapping's (``rate_dfn_table.ELECTROLYTE_LAWS``)
ELECTROLYTE_LAWS = table.ELECTROLYTE_LAWS


def kirchhoff_balance(law: dict[str, float]):
    """A drop-in for ``xlcell.cell._salt_balance`` with the salt diffusivity law ``law``: the constant-D balance with
    each region's diffusivity D times its Kirchhoff mean over the concentrations the steady profile spans (the
    consuming electrode from its collector, 0 once depleted, to the separator; the separator; the other electrode to
    its collector), iterated :data:`STEPS` times from the constant law."""
    base = cell._salt_balance

    def balance(d: Any, k: Any, D: tuple[Any, Any, Any], charge: bool = False) -> dict[str, Any]:
        t = base(d, k, D, charge)
        if not law:
            return t
        D_p, D_n, D_s = D
        D_u, D_o = (D_n, D_p) if charge else (D_p, D_n)
        cu, co, cs = D_u, D_o, D_s
        c0 = t["c0"]
        for _ in range(STEPS):
            drop_u = k * t["L_u"] / (2.0 * cu)
            M = t["m0"] + t["m1"]
            C = t["cs0"] + t["cs1"] + t["cs2"]
            full = t["phi"] >= 1.0
            c1 = np.where(full, c0 - k * (C - 2.0 * t["a"]) / M, t["phi"] * drop_u)
            cc = np.where(full, c1 - drop_u, 0.0)
            c2 = c1 + k * t["L_s"] / cs
            c3 = c2 + k * t["L_o"] / (2.0 * co)
            x = [np.clip(v / c0, FLOOR, SALT_LAW_RANGE) for v in (cc, c1, c2, c3)]  # (a law that falls fast piles
            # the salt up without bound: its mean is taken to 5 c0, beyond the DFN's 2 to 3.5 c0)
            cu, cs, co = (Dr * kirchhoff_mean(x[j], x[j + 1], **law) for j, Dr in enumerate((D_u, D_s, D_o)))
            t = base(d, k, (co, cu, cs) if charge else (cu, co, cs), charge)
        return t

    return balance


def steady_reach(ref_set: dict[str, Any], law: dict[str, float], c_rate: float, scale: float = 1.0,
                 floor: float = 1e-4) -> dict[str, float]:
    """The steady reach φ of the positive on discharge, solved numerically with D(c) (no closure): Φ's profile is the
    constant-D one (a parabola over the reached share φ of the positive from the front, where c = ``floor`` c0, a line
    through the separator, a parabola through the negative), c = Φ⁻¹ from a fine table of Φ(c), and φ is where the salt
    of that profile (trapezoids on 4001 points per region; the positive's dry share holds ``floor`` c0) is the cell's;
    1 where the salt does not run out. Also the closure's φ (:func:`kirchhoff_balance`) and the constant-D φ
    (``xlcell.cell._salt_balance``) of the same design (``rate_dfn_table.design_values``, both coatings x ``scale``)."""
    from scipy.integrate import cumulative_trapezoid
    from scipy.optimize import brentq

    from xlcell.constants import FARADAY
    from xlcell.transport import salt_diffusivity_factor

    v = table.design_values(ref_set)
    v["pos_thickness_um"] *= scale
    v["neg_thickness_um"] *= scale
    d = cell.broadcast_fields_cell(cell.resolve(design_from_mapping(v)))
    ch = cell.chain(d, table.BARE, table.CALENDERING)
    q = float(np.minimum(ch["pos_areal_capacity_C_m2"], ch["neg_areal_capacity_C_m2"]))
    k = (1.0 - float(d.transference_number)) * q * c_rate / 3600.0 / FARADAY
    b, D0 = float(d.bruggeman_exponent), float(d.electrolyte_diffusivity_m2_s)
    c0 = float(d.electrolyte_concentration_mol_m3)
    L = [float(d.pos.thickness_m), float(d.sep.thickness_m), float(d.neg.thickness_m)]
    e = [float(d.pos.porosity), float(d.sep.porosity), float(d.neg.porosity)]
    u = np.concatenate([np.linspace(floor, 1.0, 20001), np.linspace(1.0, SALT_LAW_RANGE, 40001)[1:]])
    P = cumulative_trapezoid(salt_diffusivity_factor(u, **law), u, initial=0.0)
    a = k / (D0 * c0)
    M = sum(ei * Li for ei, Li in zip(e, L))

    def salt(phi: float) -> float:
        xi = np.linspace(0.0, phi * L[0], 4001)
        Pp = a / e[0]**b * xi**2 / (2.0 * phi * L[0])
        x = np.linspace(0.0, L[1], 4001)
        Ps = Pp[-1] + a / e[1]**b * x
        y = np.linspace(0.0, L[2], 4001)
        Pn = Ps[-1] + a / e[2]**b * (y - y**2 / (2.0 * L[2]))
        return (e[0] * np.trapezoid(np.interp(Pp, P, u), xi) + e[0] * (1.0 - phi) * L[0] * floor
                + e[1] * np.trapezoid(np.interp(Ps, P, u), x) + e[2] * np.trapezoid(np.interp(Pn, P, u), y)) - M

    phi = 1.0 if salt(1.0) <= 0.0 else brentq(salt, 1e-9, 1.0, xtol=1e-12)
    D = (D0 * e[0]**b, D0 * e[2]**b, D0 * e[1]**b)
    with with_law(law):
        closure = float(cell._salt_balance(d, k, D)["phi"])
    return {"exact": phi, "closure": closure, "constant": float(cell._salt_balance(d, k, D)["phi"])}


EXACT_FLOOR = 1e-3  #: the exact balance's front concentration (c0): Ecker et al.'s law has no finite Φ(0)


def exact_balance(law: dict[str, float]):
    """A drop-in for ``xlcell.cell._salt_balance`` whose reach φ and depletion ratio X (current over the current at
    which the salt first runs out, ``_X``, read by :func:`exact_limit`) are the steady balance's with D(c) solved
    without a closure, for every design at once: Φ's profile is the constant-D one, c = Φ⁻¹ from a table of Φ(c)
    (:data:`EXACT_FLOOR` to 8 c0), the salt of each region by 16-point Gauss–Legendre quadrature, φ and X by bisection.
    The balance's other terms (the feasibility limits, the pulse) stay the constant-D ones."""
    from scipy.integrate import cumulative_trapezoid

    from xlcell.transport import salt_diffusivity_factor

    base = cell._salt_balance
    u = np.concatenate([np.linspace(EXACT_FLOOR, 1.0, 20001), np.linspace(1.0, 8.0, 40001)[1:]])
    P = cumulative_trapezoid(salt_diffusivity_factor(u, **law), u, initial=0.0)
    nodes, weights = np.polynomial.legendre.leggauss(16)
    xu, w = 0.5 * (nodes + 1.0), 0.5 * weights

    def balance(d: Any, k: Any, D: tuple[Any, Any, Any], charge: bool = False) -> dict[str, Any]:
        t = base(d, k, D, charge)
        if not law:
            return t
        use, other = (d.neg, d.pos) if charge else (d.pos, d.neg)
        D_u, D_o = (D[1], D[0]) if charge else (D[0], D[1])
        Lu, Lo, Ls = use.thickness_m, other.thickness_m, d.sep.thickness_m
        eu, eo, es = use.porosity, other.porosity, d.sep.porosity
        c0 = d.electrolyte_concentration_mol_m3
        shape = np.broadcast_shapes(*(np.shape(x) for x in (k, Lu, Lo, Ls, eu, eo, es, D_u, D_o, D[2], c0)))
        ex = (Ellipsis, None)

        def salt(phi: Any, kk: Any) -> Any:  # the profile's salt less the cell's (c0 x pore volume), in c0·m
            P1 = kk * phi * Lu / (2.0 * D_u * c0)
            P2 = P1 + kk * Ls / (D[2] * c0)
            Pu, Ps = P1[ex] * xu**2, P1[ex] + (P2 - P1)[ex] * xu
            Pn = P2[ex] + (kk * Lo / (D_o * c0))[ex] * (xu - xu**2 / 2.0)
            held = [np.sum(w * np.interp(q, P, u), axis=-1) for q in (Pu, Ps, Pn)]
            return (eu * Lu * (phi * held[0] + (1.0 - phi) * EXACT_FLOOR) + es * Ls * held[1] + eo * Lo * held[2]
                    - (eu * Lu + es * Ls + eo * Lo))

        kk = np.broadcast_to(np.asarray(k, dtype=float), shape)
        one = np.ones(shape)
        dep = salt(one, kk) > 0.0
        lo, hi = np.zeros(shape), one.copy()
        for _ in range(40):
            mid = 0.5 * (lo + hi)
            over = salt(mid, kk) > 0.0
            lo, hi = np.where(over, lo, mid), np.where(over, mid, hi)
        khi = kk.copy()
        grow = ~dep
        for _ in range(60):  # the depletion current: double until the salt at full reach runs out, then bisect
            if not grow.any():
                break
            khi = np.where(grow, 2.0 * khi, khi)
            grow = grow & ~(salt(one, khi) > 0.0)
        klo = np.zeros(shape)
        for _ in range(40):
            mid = 0.5 * (klo + khi)
            over = salt(one, mid) > 0.0
            klo, khi = np.where(over, klo, mid), np.where(over, mid, khi)
        return dict(t, phi=np.where(dep, 0.5 * (lo + hi), 1.0), _X=kk / (0.5 * (klo + khi)))

    return balance


def exact_limit(t: Any, f: Any, scale: Any = 1.0) -> Any:
    """``xlcell.cell._salt_limit`` reading :func:`exact_balance`'s X at full reach and unscaled thickness."""
    if "_X" in t and np.all(np.asarray(f) == 1.0) and np.all(np.asarray(scale) == 1.0):
        return t["_X"]
    return _SALT_LIMIT(t, f, scale)


_SALT_LIMIT = cell._salt_limit


@contextlib.contextmanager
def with_law(law: dict[str, float], exact: bool = False) -> Iterator[None]:
    """xlcell's rate model with the salt diffusivity law ``law`` inside the block: region Kirchhoff means
    (:func:`kirchhoff_balance`), or with ``exact`` the numerical steady balance (:func:`exact_balance`)."""
    saved = cell._salt_balance, cell._salt_limit
    cell._salt_balance = exact_balance(law) if exact else kirchhoff_balance(law)
    cell._salt_limit = exact_limit if exact else _SALT_LIMIT
    try:
        yield
    finally:
        cell._salt_balance, cell._salt_limit = saved


def cliff_factor(ref_set: dict[str, Any], rate: str = "2C") -> float | None:
    """The factor f on D(c0) with which xlcell's constant-D form puts its ``rate`` cliff on the full DFN's (bisection
    in log f over 1/4..8, to 0.02 %; None where the DFN has no cliff or no factor in that range reaches it). The
    cliff is ``rate_dfn_table.xlcell_numbers``' (both electrodes scaled, 80 % retention), for one factor per step."""
    sw = ref_set["thickness_sweep"][rate]
    if sw["cliff_m"] is None:
        return None
    vals = table.design_values(ref_set)
    base = sw["pos_thickness_m"][sw["thickness_scale"].index(1.0)]
    scales = np.linspace(0.3, 3.5, 641)
    lo, hi = np.log(0.25), np.log(8.0)
    for _ in range(14):
        mid = 0.5 * (lo + hi)
        v = dict(vals, pos_thickness_um=vals["pos_thickness_um"] * scales,
                 neg_thickness_um=vals["neg_thickness_um"] * scales,
                 electrolyte_diffusivity_m2_s=vals["electrolyte_diffusivity_m2_s"] * np.exp(mid))
        f = rate_capability(design_from_mapping(v), [sw["c_rate"]], fmt=table.BARE,
                            calendering=table.CALENDERING).reshape(-1)
        c = table._crossing(scales, f)
        short = f[0] < 0.8 if c is None else c * base < sw["cliff_m"]  # the cliff before the DFN's: more D
        lo, hi = (mid, hi) if short else (lo, mid)
    if hi >= np.log(8.0) - 1e-3:  # no diffusivity puts it there (the thinnest cell is below 80 % already)
        return None
    return float(np.exp(0.5 * (lo + hi)))


def numbers(ref: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    """Per set: the DFN's, the constant-electrolyte DFN's and xlcell's (constant D, and with D(c)) retention at 3C
    (2C where 3C is not run), 1C and 2C cliffs and 80 % C-rate, the cliff factor and the law's and conductivity's
    fall with the salt."""
    ref = ref or table.load()
    props = json.loads(PROPERTIES.read_text(encoding="utf-8"))["sets"]
    out = {}
    for name, s in ref["sets"].items():
        law = ELECTROLYTE_LAWS[name]
        x0 = table.xlcell_numbers(s)
        with with_law(law):
            x1 = table.xlcell_numbers(s)
        with with_law(law, exact=True):
            x2 = table.xlcell_numbers(s)
        p = props[name]
        j1, jf = p["c_over_c0"].index(1.0), p["c_over_c0"].index(FLOOR)
        out[name] = {"dfn": s, "const": x0, "law": x1, "exact": x2, "factor_2C": cliff_factor(s),
                     "kirchhoff_0_1": float(kirchhoff_mean(FLOOR, 1.0, **law)),
                     "kappa_floor": p["conductivity_S_m"][jf] / p["conductivity_S_m"][j1]}
    return out


def markdown(nums: dict[str, dict[str, Any]]) -> str:
    """The docs' table."""
    def um(v: float | None) -> str:
        return "none" if v is None else f"{v * 1e6:.1f}"

    def fr(v: float | None) -> str:
        return "" if v is None else f"{v:.3f}"

    lines = ["| set | 3C retention: DFN \\| constant-electrolyte DFN \\| D(c)-only DFN \\| xlcell \\| xlcell with D(c) "
             "\\| exact D(c) | 2C cliff (µm): DFN \\| constant-el. \\| D(c)-only \\| xlcell \\| with D(c) \\| exact "
             "| 80 % C-rate: DFN \\| xlcell \\| with D(c) \\| exact | D(c0) factor for the DFN's 2C cliff "
             "| Kirchhoff mean of D/D(c0), 0.05-1 c0 "
             "| κ(0.05 c0)/κ(c0) |", "|---|---|---|---|---|---|---|"]
    for name, v in nums.items():
        s = v["dfn"]
        k = s["retention"]["c_rates"].index(3.0)
        ret, cl = [s["retention"]["fraction"][k]], [s["thickness_sweep"]["2C"]["cliff_m"]]
        for key in ("constant_electrolyte", "diffusivity_only"):
            a = s.get(key)
            ret.append(a["retention"]["fraction"][a["retention"]["c_rates"].index(3.0)] if a else None)
            cl.append(a["thickness_sweep"]["2C"]["cliff_m"] if a else None)
        ret += [v[m]["retention"][k] for m in ("const", "law", "exact")]
        cl += [v[m]["thickness_sweep"]["2C"]["cliff_m"] for m in ("const", "law", "exact")]
        f = "none (solid-limited)" if v["factor_2C"] is None else f"{v['factor_2C']:.2f}"
        lines.append(f"| {name} | " + " \\| ".join(fr(r) for r in ret)
                     + " | " + " \\| ".join("" if c is None and j == 2 and "diffusivity_only" not in s else um(c)
                                             for j, c in enumerate(cl))
                     + f" | {s['c_rate_80pct']:.2f} \\| "
                     + " \\| ".join(f"{v[m]['c_rate_80pct']:.2f}" for m in ("const", "law", "exact"))
                     + f" | {f} | {v['kirchhoff_0_1']:.2f} | {v['kappa_floor']:.2f} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true", help="rewrite the table in docs/models/rate-power.md")
    a = ap.parse_args(argv)
    text = markdown(numbers())
    if a.write:
        table.write_doc({(BEGIN, END): text})
    else:
        print(text)


if __name__ == "__main__":
    main()
