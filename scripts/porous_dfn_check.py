"""The reduced porous-electrode model (``xlcell.porous``) against the stored PyBaMM DFN reference (issue 13).

Maps each stored set onto :class:`xlcell.porous.PorousCell` from what the reference stores of it (no PyBaMM needed):
thicknesses, porosities and each region's Bruggeman exponent, the electrolyte's D(c), κ(c) and thermodynamic factor as
PyBaMM evaluated them (``tests/data/pybamm_electrolyte_properties.json``, interpolated), each electrode's cycled window
capacity, particle radius, solid diffusivity (the effective one where the set's varies with the stoichiometry), its
exchange current over its window, its OCP over its window (21 points), its solid conductivity, and the cut-off.
``--design`` maps the set through xlcell's design keys instead (:func:`porous_design`): what an xlcell user has.

Usage::

    python scripts/porous_dfn_check.py [--sets Chen2020,...] [--nodes 8,3,8] [--steps 120] [--constant]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scripts import rate_dfn_table as table  # noqa: E402
from xlcell import porous  # noqa: E402
from xlcell.design import design_from_mapping  # noqa: E402
from xlcell.porous import PorousCell, discharge  # noqa: E402

PROPS = ROOT / "tests" / "data" / "pybamm_electrolyte_properties.json"


def _table_law(xs: np.ndarray, ys: np.ndarray):
    xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    y1 = np.interp(1.0, xs, ys)

    def law(x: np.ndarray) -> np.ndarray:
        return np.interp(x, xs, ys) / y1
    return law


def _ocp_table(soc_grid: np.ndarray, U: np.ndarray):
    """An OCP against SOC from a stored table (ascending SOC), continued linearly past both ends."""
    s, U = np.asarray(soc_grid, dtype=float), np.asarray(U, dtype=float)
    slope_lo = (U[1] - U[0]) / (s[1] - s[0])
    slope_hi = (U[-1] - U[-2]) / (s[-1] - s[-2])
    seg_slope = np.diff(U) / np.diff(s)

    def ocp(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        u = np.interp(x, s, U)
        u = np.where(x < s[0], U[0] + slope_lo * (x - s[0]), u)
        u = np.where(x > s[-1], U[-1] + slope_hi * (x - s[-1]), u)
        j = np.clip(np.searchsorted(s, x) - 1, 0, len(s) - 2)
        du = np.where(x < s[0], slope_lo, np.where(x > s[-1], slope_hi, seg_slope[j]))
        return u, du
    return ocp


def porous_cell(ref_set: dict[str, Any], scale: float = 1.0, constant: bool = False) -> PorousCell:
    """The stored set as :class:`PorousCell` (the positive and negative thickness × ``scale``); ``constant``: the
    electrolyte at its initial concentration's properties (the reference's constant-electrolyte DFN)."""
    ex = ref_set["extra"]
    props = json.loads(PROPS.read_text())["sets"][ref_set["name"]]
    w = ex["sto_window"]
    pos, neg = ex["pos"], ex["neg"]
    soc = np.linspace(0.0, 1.0, len(pos["ocp_V"]))
    ocp_p = _ocp_table(soc, np.asarray(pos["ocp_V"])[::-1])  # the positive's first point is 100 % SOC
    ocp_n = _ocp_table(soc, np.asarray(neg["ocp_V"]))
    i0p = np.asarray(pos["exchange_current_A_m2"])[::-1]
    i0n = np.asarray(neg["exchange_current_A_m2"])
    sol_p = _table_law(soc, i0p / pos["exchange_current_at_soc50_A_m2"] * np.interp(0.5, soc, i0p) / np.interp(0.5, soc, i0p))
    sol_n = _table_law(soc, i0n)
    # normalised at SOC 0.5 (the exchange current given is the one at SOC 0.5)
    sol_p = (lambda f, v: (lambda x: np.interp(np.clip(x, 0, 1), soc, f) / v))(i0p, np.interp(0.5, soc, i0p))
    sol_n = (lambda f, v: (lambda x: np.interp(np.clip(x, 0, 1), soc, f) / v))(i0n, np.interp(0.5, soc, i0n))

    def area_i0(e: dict[str, Any], L: float) -> float:
        return e["exchange_current_at_soc50_A_m2"] * 3.0 * e["am_volume_fraction"] / e["particle_radius_m"] * L

    dv = table.design_values(ref_set)
    Ds = (dv["neg_solid_diffusivity_m2_s"], dv["pos_solid_diffusivity_m2_s"])
    Lp, Ln = pos["thickness_m"] * scale, neg["thickness_m"] * scale
    Ls = ref_set["design"]["sep_thickness_um"] * 1e-6
    xs = np.asarray(props["c_over_c0"])
    laws = {} if constant else dict(
        diffusivity_law=_table_law(xs, props["diffusivity_m2_s"]),
        conductivity_law=_table_law(xs, props["conductivity_S_m"]),
        thermodynamic_factor=(lambda f: (lambda x: np.interp(x, xs, f)))(np.asarray(props["thermodynamic_factor"])))
    tdf0 = float(np.interp(1.0, xs, props["thermodynamic_factor"]))
    if constant:
        laws["thermodynamic_factor"] = lambda x: np.full_like(x, tdf0)
    b_s = ex["separator_bruggeman_electrolyte"]
    bp, bn = pos["bruggeman_electrolyte"], neg["bruggeman_electrolyte"]
    if constant:  # one Bruggeman exponent (the reference's constant-electrolyte DFN: the positive's)
        b_s = bn = bp
    sig = tuple(e["conductivity_S_m"] * e["am_volume_fraction"] ** e["bruggeman_electrode"] for e in (neg, pos))
    return PorousCell(
        thickness_m=(Ln, Ls, Lp), porosity=(neg["porosity"], ex["separator_porosity"], pos["porosity"]),
        bruggeman=(bn, b_s, bp), concentration_mol_m3=ex["electrolyte_concentration_mol_m3"],
        diffusivity_m2_s=float(np.interp(1.0, xs, props["diffusivity_m2_s"])),
        conductivity_S_m=float(np.interp(1.0, xs, props["conductivity_S_m"])),
        transference=ref_set["design"]["transference_number"],
        capacity_C_m2=(neg["cycled_capacity_C_m2"] * scale, pos["cycled_capacity_C_m2"] * scale),
        radius_m=(neg["particle_radius_m"], pos["particle_radius_m"]), solid_diffusivity_m2_s=Ds,
        exchange_A_m2=(area_i0(neg, Ln), area_i0(pos, Lp)),
        headroom=(dv["neg_surface_headroom"], dv["pos_surface_headroom"]), ocp=(ocp_n, ocp_p),
        temperature_K=ex["temperature_K"], cutoff_V=ex["lower_cutoff_V"], exchange_solid=(sol_n, sol_p),
        solid_conductivity_S_m=sig, **laws)


def retention(ref_set: dict[str, Any], c_rates: Any, scale: Any = 1.0, constant: bool = False,
              **kw: Any) -> tuple[np.ndarray, np.ndarray]:
    """Q(C)/Q(C/20) of the porous model at each C-rate (1C = its own C/20 capacity per hour, as the DFN's), and Q20
    (C/m²); ``c_rates`` and ``scale`` broadcast (one population: every rate and thickness in one call)."""
    cell = porous_cell(ref_set, scale, constant)
    q_win = np.minimum(*cell.capacity_C_m2)
    q20 = discharge(cell, q_win / 20.0 / 3600.0, **kw)["capacity_C_m2"]
    rates = np.asarray(c_rates, dtype=float)
    r = discharge(cell, q20 * rates / 3600.0, **kw)
    return r["capacity_C_m2"] / q20, q20


def sweep(ref_set: dict[str, Any], name: str, constant: bool = False, **kw: Any) -> dict[str, Any]:
    """The DFN's thickness sweep ``name`` ("1C", "2C") with the porous model: the retention at each of the sweep's
    scales and the thickness where it falls through 0.8 (linear between the sweep's points; the DFN bisects)."""
    sw = ref_set["thickness_sweep"][name]
    scales = np.asarray(sw["thickness_scale"], dtype=float)
    base = sw["pos_thickness_m"][sw["thickness_scale"].index(1.0)]
    fine = np.linspace(scales[0], scales[-1], 101)  # the cliff on a fine grid of scales (the DFN bisects)
    ret, _ = retention(ref_set, sw["c_rate"], np.concatenate([scales, fine]), constant, **kw)
    f = ret[len(scales):]
    below = np.flatnonzero(f < 0.8)
    cliff = None
    if below.size and below[0] > 0:
        j = int(below[0])
        cliff = float(base * (fine[j - 1] + (0.8 - f[j - 1]) * (fine[j] - fine[j - 1]) / (f[j] - f[j - 1])))
    return {"retention": ret[:len(scales)].tolist(), "cliff_m": cliff}


#: the C-rates on which the 80 % C-rate is found (log-spaced; linear interpolation in log C between them)
C80_GRID = np.logspace(-1.0, 1.5, 61)
#: the thickness scales on which a sweep's cliff is found
SCALE_GRID = np.linspace(0.3, 3.5, 81)


def design_numbers(ref_set: dict[str, Any], **kw: Any) -> dict[str, Any]:
    """The porous model's numbers for one set as an xlcell user gets them: the set's design keys
    (``rate_dfn_table.design_values``: its OCV nodes, laws, windows) through :func:`xlcell.porous.rate_capability`,
    in the layout of ``rate_dfn_table.xlcell_numbers`` (the retention is the usable fraction at the C-rate on the
    smaller window's capacity, as the closed form's is compared)."""
    vals = table.design_values(ref_set)
    opts = dict(fmt=table.BARE, calendering=table.CALENDERING, **kw)
    d = design_from_mapping(vals)
    rates = np.asarray(ref_set["retention"]["c_rates"], dtype=float)
    f = porous.rate_capability(d, np.concatenate([[0.05], rates, C80_GRID]), **opts).reshape(-1)
    from xlcell.cell import evaluate_cell
    cap = float(evaluate_cell(d, table.BARE, calendering=table.CALENDERING, metrics=("capacity_C",)).capacity_C)
    out: dict[str, Any] = {"capacity_Ah_m2": cap * f[0] / 3600.0 / ref_set["area_m2"],
                           "retention": f[1:1 + rates.size].tolist()}
    g = f[1 + rates.size:]
    c80 = table._crossing(np.log(C80_GRID), g)
    out["c_rate_80pct"] = float(np.exp(c80)) if c80 is not None else float("nan")
    sweeps = {}
    for name, sw in ref_set["thickness_sweep"].items():
        base = sw["pos_thickness_m"][sw["thickness_scale"].index(1.0)]
        at = np.concatenate([np.asarray(sw["thickness_scale"], dtype=float), SCALE_GRID])
        scaled = dict(vals, pos_thickness_um=vals["pos_thickness_um"] * at, neg_thickness_um=vals["neg_thickness_um"] * at)
        r = porous.rate_capability(design_from_mapping(scaled), [sw["c_rate"]], **opts).reshape(-1)
        n = len(sw["thickness_scale"])
        cliff = table._crossing(SCALE_GRID, r[n:])
        sweeps[name] = {"retention": r[:n].tolist(), "cliff_m": None if cliff is None else cliff * base}
    out["thickness_sweep"] = sweeps
    return out


DOC = ROOT / "docs" / "models" / "rate-power.md"
BEGIN, END = "<!-- porous-tables -->", "<!-- /porous-tables -->"


def design_table(ref: dict[str, Any], numbers: dict[str, Any] | None = None, **kw: Any) -> str:
    """A markdown table: the DFN against the porous model from design keys, every set of ``ref`` (``numbers``: the
    sets' :func:`design_numbers`, computed when not given)."""
    rows = ["| set | capacity C/20 DFN \\| porous (Ah/m²) | retention at 1 / 2 / 3 / 5C: DFN \\| porous | 80 % C-rate "
            "DFN \\| porous | 1C cliff (µm) | 2C cliff (µm) |", "|---|---|---|---|---|---|"]
    for name, s in ref["sets"].items():
        x = numbers[name] if numbers else design_numbers(s, **kw)
        rr = s["retention"]
        ret = " / ".join(f"{rr['fraction'][rr['c_rates'].index(c)]:.3f} \\| {x['retention'][rr['c_rates'].index(c)]:.3f}"
                         for c in (1.0, 2.0, 3.0, 5.0) if c in rr["c_rates"])
        cl = []
        for w in ("1C", "2C"):
            a_, b_ = s["thickness_sweep"][w]["cliff_m"], x["thickness_sweep"][w]["cliff_m"]
            cl.append(f"{'none' if a_ is None else f'{a_ * 1e6:.1f}'} \\| {'none' if b_ is None else f'{b_ * 1e6:.1f}'}")
        rows.append(f"| {name} | {s['capacity_C20_Ah_m2']:.2f} \\| {x['capacity_Ah_m2']:.2f} | {ret} | "
                    f"{s['c_rate_80pct']:.2f} \\| {x['c_rate_80pct']:.2f} | {cl[0]} | {cl[1]} |")
    return "\n".join(rows)


def doc_tables(numbers: dict[tuple[str, str], Any] | None = None) -> str:
    """The docs' tables (docs/models/rate-power.md, between :data:`BEGIN` and :data:`END`): the porous model from
    design keys against the DFN on the reference sets and on the held-out ones (``numbers``: ``{(which, set):
    design_numbers}``, computed when not given)."""
    out = []
    for which, path, title in (("reference", table.REFERENCE, "Reference sets"),
                               ("heldout", table.HELDOUT, "Held-out sets (never used while the model was written)")):
        ref = table.load(path)
        nums = {n: numbers[which, n] for n in ref["sets"]} if numbers else None
        out += [f"**{title}** (the porous model on each set's xlcell design keys; default grid)", "",
                design_table(ref, nums), ""]
    return "\n".join(out).rstrip()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", default="")
    ap.add_argument("--nodes", default="8,3,8")
    ap.add_argument("--steps", type=int, default=120)
    ap.add_argument("--modes", type=int, default=6)
    ap.add_argument("--constant", action="store_true")
    ap.add_argument("--design", action="store_true", help="from xlcell's design keys (what a user has), a table")
    ap.add_argument("--heldout", action="store_true", help="the held-out sets (Mohtat2020, Prada2013)")
    ap.add_argument("--write", action="store_true", help=f"rewrite the tables between {BEGIN} and {END} in {DOC.name}")
    a = ap.parse_args(argv)
    ref = table.load()
    nodes = tuple(int(x) for x in a.nodes.split(","))
    kw = dict(nodes=nodes, n_steps=a.steps, n_modes=a.modes)
    if a.design:
        print(design_table(table.load(table.HELDOUT if a.heldout else table.REFERENCE), **kw))
        return
    if a.write:
        text = DOC.read_text(encoding="utf-8")
        i, j = text.index(BEGIN) + len(BEGIN), text.index(END)
        DOC.write_text(text[:i] + "\n" + doc_tables() + "\n" + text[j:], encoding="utf-8")
        print(f"wrote {DOC}")
        return
    for name, s in ref["sets"].items():
        if a.sets and name not in a.sets.split(","):
            continue
        t = time.perf_counter()
        dfn = s["constant_electrolyte"]["retention"] if a.constant else s["retention"]
        r, q20 = retention(s, dfn["c_rates"], constant=a.constant, **kw)
        line = " ".join(f"{c:g}C {d:.3f}|{x:.3f}" for c, d, x in zip(dfn["c_rates"], dfn["fraction"], r))
        cap = float(q20[0]) / 3600.0
        print(f"{name:22s} Q20 {cap:.2f} Ah/m2 (DFN {s['capacity_C20_Ah_m2']:.2f})  {line}  [{time.perf_counter() - t:.1f}s]",
              flush=True)
        for sw in ("1C", "2C"):
            d = (s["constant_electrolyte"] if a.constant else s)["thickness_sweep"][sw]
            x = sweep(s, sw, a.constant, **kw)
            fmt = lambda v: "none" if v is None else f"{v * 1e6:.1f}"  # noqa: E731
            print(f"    {sw} cliff DFN {fmt(d['cliff_m'])} um | porous {fmt(x['cliff_m'])} um;  "
                  + " ".join(f"{a_:.2f}|{b_:.2f}" for a_, b_ in zip(d["retention"], x["retention"])), flush=True)


if __name__ == "__main__":
    main()
