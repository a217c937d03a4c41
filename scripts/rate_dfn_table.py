"""xlcell's rate and power model against the stored PyBaMM DFN reference (issue 13): the numbers and the docs' tables.

Reads ``tests/data/pybamm_dfn_reference.json`` (written by ``scripts/pybamm_dfn_reference.py``; no PyBaMM needed here),
and ``tests/data/pybamm_dfn_heldout.json``, the two sets issue 13 keeps for an independent check (Mohtat2020, Prada2013:
run once the model was final, never used to fit it),
evaluates each parameter set's xlcell design and compares capacity at C/20, retention at every C-rate, the C-rate of
80 % retention, the 1C and 2C thickness cliffs, the 10 s pulse power at 0.8 x OCV and the 10 s pulse resistances.
tests/test_rate_dfn.py checks the issue's targets on these numbers; docs/models/rate-power.md shows the tables this
script writes between its ``<!-- dfn-tables -->`` and ``<!-- dfn-heldout-tables -->`` markers (a test keeps them in
step).

Usage::

    python scripts/rate_dfn_table.py            # print the tables
    python scripts/rate_dfn_table.py --write    # rewrite them in docs/models/rate-power.md
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from xlcell.cell import OCV_NODE_KEYS, OCV_NODE_SOCS, evaluate_cell, rate_capability  # noqa: E402
from xlcell.design import design_from_mapping  # noqa: E402
from xlcell.pouch import CellFormat  # noqa: E402

_spec = importlib.util.spec_from_file_location("conductivity_law_fit", ROOT / "scripts" / "conductivity_law_fit.py")
_fit = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fit)
#: each set's κ(c) as xlcell's conductivity law (scripts/conductivity_law_fit.py: a least-squares cubic on 0-2 c0)
CONDUCTIVITY_LAWS: dict[str, dict[str, float]] = _fit.CONDUCTIVITY_LAWS

REFERENCE = ROOT / "tests" / "data" / "pybamm_dfn_reference.json"
#: the independent check: sets the model was never compared with while it was developed
HELDOUT = ROOT / "tests" / "data" / "pybamm_dfn_heldout.json"
#: the effective solid diffusivities of the sets whose D varies with the stoichiometry (scripts/solid_diffusivity_sphere.py)
EFFECTIVE = ROOT / "tests" / "data" / "solid_diffusivity_effective.json"
DOC = ROOT / "docs" / "models" / "rate-power.md"
BEGIN, END = "<!-- dfn-tables -->", "<!-- /dfn-tables -->"
HELDOUT_BEGIN, HELDOUT_END = "<!-- dfn-heldout-tables -->", "<!-- /dfn-heldout-tables -->"
#: the electrochemical cell as the DFN models it: no current collectors, terminals or module/pack share
BARE = CellFormat(asi_pack_share_ohm_m2=0.0, pos_foil_conductivity_S_m=1e30, neg_foil_conductivity_S_m=1e30)
#: isotropic Bruggeman transport, as the DFN's
CALENDERING = {"anisotropic_transport": False}
#: the targets of issue 13 (capacity relative, retention in points, C-rate and cliff relative, power relative)
TARGETS = {"capacity": 0.015, "retention_3C": 0.05, "retention_5C": 0.10, "c_rate_80pct": 0.15, "cliff": 0.10,
           "pulse_power": 0.20}


#: the OCP grid steps (5 % SOC each) either side of 50 % SOC over which design_values takes each electrode's OCV slope
SLOPE_STEP = 1


def _quadratic(a2: float, a1: float, a0: float, c0: float) -> dict[str, float]:
    """D = a2 c² + a1 c + a0 (c in mol/L) as the law about c0 (mol/L): q_1 = a1 c0/D(c0), q_2 = a2 c0²/D(c0)."""
    d0 = a2 * c0**2 + a1 * c0 + a0
    return {"linear": a1 * c0 / d0, "quadratic": a2 * c0**2 / d0}


def _ecker2015(c0: float) -> dict[str, float]:
    """D = (k_B T/(F q_e)) σ(c)/c, σ = 0.2667 c³ - 1.2983 c² + 1.7919 c + 0.1726 (S/m at 296 K, c in mol/L; the
    Arrhenius factor does not depend on c): D/D(c0) = (σ(c)/σ(c0)) (c0/c)."""
    s3, s2, s1, s0 = 0.2667, -1.2983, 1.7919, 0.1726
    sig0 = ((s3 * c0 + s2) * c0 + s1) * c0 + s0
    return {"inverse": s0 / sig0, "linear": s2 * c0 / sig0, "quadratic": s3 * c0**2 / sig0}


T25 = 298.15  #: the DFN runs' temperature (K)
#: each set's D(c) as xlcell's law (:func:`xlcell.transport.salt_diffusivity_factor`) about its initial concentration:
#: Nyman et al. 2008 (Electrochim. Acta 53, 6356; D = 8.794e-11 c² - 3.972e-10 c + 4.862e-10 m²/s, c in mol/L) for
#: Chen2020 and the LFP BPX set; Ecker et al. 2015 (J. Electrochem. Soc. 162, A1836); Capiglia et al. 1999 as
#: Dualfoil fits it (Marquis2019: 5.34e-10 exp(-0.65 c)); Kim et al. 2011 (J. Electrochem. Soc. 158, A955: 5.84e-7
#: e^(-2870/T) c² - 33.9e-7 e^(-2920/T) c + 129e-7 e^(-3200/T)) at c0 = 1.2 mol/L; Landesfeind & Gasteiger 2019
#: (J. Electrochem. Soc. 166, A3079), EC:EMC 3:7, p1 e^(p2 c) e^(p3/T) e^(p4 c/T), p2 = 1.01, p4 = -487 K (ORegan2022);
#: Mohtat2020 and Prada2013 have a constant D
ELECTROLYTE_LAWS: dict[str, dict[str, float]] = {
    "Chen2020": _quadratic(8.794e-11, -3.972e-10, 4.862e-10, 1.0),
    "LFP_AboutEnergy2022": _quadratic(8.794e-11, -3.972e-10, 4.862e-10, 1.0),
    "Ecker2015": _ecker2015(1.0),
    "Marquis2019": {"exponent": 0.65 * 1.0},
    "NCA_Kim2011": _quadratic(5.84e-7 * np.exp(-2870.0 / T25), -33.9e-7 * np.exp(-2920.0 / T25),
                              129e-7 * np.exp(-3200.0 / T25), 1.2),
    "ORegan2022": {"exponent": -(1.01 - 487.0 / T25) * 1.0},
    "Mohtat2020": {},
    "Prada2013": {},
}


def load(path: Path = REFERENCE) -> dict[str, Any]:
    """The stored reference (:data:`REFERENCE`)."""
    ref = json.loads(Path(path).read_text(encoding="utf-8"))
    for name, s in ref["sets"].items():
        s["name"] = name  # the key of its electrolyte law (ELECTROLYTE_LAWS)
    return ref


def design_values(ref_set: dict[str, Any]) -> dict[str, Any]:
    """The set's xlcell design keys plus what the rate model reads from the reference's extras: the cut-off voltage,
    each electrode's surface headroom past its cycled window (the set's stoichiometry windows) and the open-circuit
    voltage at 50 % SOC as the mean voltage (BatPaC's convention). A stoichiometry-dependent solid diffusivity D(sto)
    is taken as its effective value (:func:`effective_diffusivity`): the constant D under which xlcell's exact sphere
    delivers what the sphere with the set's D(sto) delivers at the rate of 80 % (``scripts/solid_diffusivity_sphere.py``),
    not its value at 50 % SOC. Each electrode's OCV slope
    (``ocv_slope_V``, the pulse's solid-diffusion polarisation) is |dU/dSOC| of its stored OCP at 50 % SOC per unit of
    the cycled window: the central difference over :data:`SLOPE_STEP` grid steps (5 % SOC) each side; the nodes of
    its OCV curve in the pulse (``ocv_loss_soc10_V``, ``ocv_loss_soc5_V``, ``ocv_loss_soc0_V``) are :func:`ocv_losses`.
    The set's published salt diffusivity law (:data:`ELECTROLYTE_LAWS`) goes into ``salt_diffusivity_*`` (0: constant)
    and its conductivity law (:data:`CONDUCTIVITY_LAWS`) into ``conductivity_*`` (the rate model keeps κ(c0)); its
    separator's own Bruggeman exponent does not (``sep_bruggeman_exponent`` blank: one exponent, the positive's, as
    before; docs/models/rate-power.md gives what it does to Ecker2015, the one set whose separator differs). A separator
    porosity of 1 (Marquis2019's free electrolyte layer) is taken as 0.999, the largest xlcell allows to three
    digits."""
    ex = ref_set["extra"]
    w = ex["sto_window"]
    pos_lo, pos_hi = w["pos_sto_100pct"], w["pos_sto_0pct"]  # the positive lithiates on discharge
    neg_lo, neg_hi = w["neg_sto_0pct"], w["neg_sto_100pct"]
    design = dict(ref_set["design"])
    design["sep_porosity"] = min(design.get("sep_porosity", 0.5), 0.999)
    for e in ("pos", "neg"):  # D(sto): the sphere's effective diffusivity, not its value at 50 % SOC
        D = np.asarray(ex[e]["solid_diffusivity_m2_s"], dtype=float)
        if np.ptp(D) > 0.0:
            design[f"{e}_solid_diffusivity_m2_s"] = effective_diffusivity(ref_set, e)
    for e in ("pos", "neg"):
        design[f"{e}_ocv_slope_V"] = ocv_slope(ex[e]["ocp_V"])
        design.update({f"{e}_{k}": v for k, v in zip(OCV_NODE_KEYS, ocv_losses(ex[e]["ocp_V"], e))})
    law = ELECTROLYTE_LAWS.get(ref_set["name"], {})  # its salt diffusivity law (every coefficient 0: constant)
    design.update({f"salt_diffusivity_{k}": law.get(k, 0.0) for k in ("inverse", "linear", "quadratic", "exponent")})
    kappa = CONDUCTIVITY_LAWS.get(ref_set["name"], {})  # its conductivity law (every coefficient 0: constant)
    design.update({f"conductivity_{k}": kappa.get(k, 0.0) for k in ("linear", "quadratic", "cubic")})
    return dict(design, cutoff_voltage_V=ex["lower_cutoff_V"], avg_voltage_V=ref_set["ocv_soc50_V"],
                pos_surface_headroom=(1.0 - pos_hi) / (pos_hi - pos_lo), neg_surface_headroom=neg_lo / (neg_hi - neg_lo))


def effective_diffusivity(ref_set: dict[str, Any], e: str, path: Path = EFFECTIVE) -> float:
    """The effective solid diffusivity (m²/s) of electrode ``e`` ("pos"/"neg") of a stored set whose D varies with the
    stoichiometry: the constant D under which xlcell's exact sphere delivers the share of its window that a sphere
    with the set's D(sto) (finite volumes, ``scripts/solid_diffusivity_sphere.py``) delivers, at the C-rate at which
    that share is 80 %. Read from :data:`EFFECTIVE`, where that script writes it for the particle it was computed for
    (radius and window must be the set's)."""
    ex = ref_set["extra"]
    w = ex["sto_window"]
    want = {"radius_m": ex[e]["particle_radius_m"],
            "sto_start": w["pos_sto_100pct"] if e == "pos" else w["neg_sto_100pct"],
            "sto_end": w["pos_sto_0pct"] if e == "pos" else w["neg_sto_0pct"]}
    for name, sides in _effective(path).items():
        got = sides.get(e)
        if got and all(got["particle"][k] == v for k, v in want.items()):
            return float(got["D_m2_s"])
    raise KeyError(f"no effective {e} diffusivity stored for the particle {want} in {path}: run "
                   "python scripts/solid_diffusivity_sphere.py --write")


_EFFECTIVE_CACHE: dict[Path, dict[str, Any]] = {}


def _effective(path: Path) -> dict[str, Any]:
    if path not in _EFFECTIVE_CACHE:
        _EFFECTIVE_CACHE[path] = load(path)["sets"]
    return _EFFECTIVE_CACHE[path]


def ocv_slope(ocp_V: Any, step: int = SLOPE_STEP) -> float:
    """|dU/dSOC| at 50 % SOC per unit of the cycled window (V) of an OCP stored at equal SOC steps over the window
    (the reference's 21 points, 0 to 100 % SOC): the central difference over ``step`` grid steps each side of its
    middle (45 and 55 % SOC). ``ocv_slope_V`` of the DFN mapping and of the material library
    (``scripts/material_ocv_slopes.py``).

    Parameters
    ----------
    ocp_V : array_like
        The electrode's open-circuit potential at equal SOC steps over its window, an odd number of points (V).
    step : int
        Grid steps either side of 50 % SOC.
    """
    U = np.asarray(ocp_V, dtype=float)
    k = (len(U) - 1) // 2
    return float(abs(U[k + step] - U[k - step]) * (len(U) - 1) / (2 * step))


def ocv_losses(ocp_V: Any, electrode: str) -> tuple[float, ...]:
    """|U(50 % SOC) - U(x % SOC)| (V) at the pulse OCV curve's nodes x = 10, 5 and 0 % SOC
    (``xlcell.cell.OCV_NODE_SOCS``) of an OCP stored at equal steps of stoichiometry over the cycled window, ascending
    (the reference's 21 points): a positive's 0 % SOC is its last point (it lithiates on discharge), a negative's its
    first; between points linear (the nodes are points of the 21). ``ocv_loss_soc10_V``, ``ocv_loss_soc5_V`` and
    ``ocv_loss_soc0_V`` of the DFN mapping and of the material library (``scripts/material_ocv_slopes.py``).

    Parameters
    ----------
    ocp_V : array_like
        The electrode's open-circuit potential at equal steps over its window, an odd number of points (V).
    electrode : {"pos", "neg"}
        Which electrode it is.
    """
    U = np.asarray(ocp_V, dtype=float)
    soc = np.linspace(0.0, 1.0, len(U))
    if electrode == "pos":  # the first point is 100 % SOC
        U = U[::-1]
    mid = U[(len(U) - 1) // 2]
    return tuple(float(abs(np.interp(x, soc, U) - mid)) for x in OCV_NODE_SOCS)


def _crossing(x: np.ndarray, y: np.ndarray, level: float = 0.8) -> float | None:
    """First x where y (falling) crosses ``level``, linear between grid points; None when it does not."""
    below = np.flatnonzero(y < level)
    if below.size == 0 or below[0] == 0:
        return None
    j = int(below[0])
    return float(x[j - 1] + (level - y[j - 1]) * (x[j] - x[j - 1]) / (y[j] - y[j - 1]))


def xlcell_numbers(ref_set: dict[str, Any]) -> dict[str, Any]:
    """xlcell's numbers for one reference set, in the reference's units and layout."""
    vals = design_values(ref_set)
    d = design_from_mapping(vals)
    kw = dict(fmt=BARE, calendering=CALENDERING)
    area = ref_set["area_m2"]
    out: dict[str, Any] = {}
    m = evaluate_cell(d, BARE, calendering=CALENDERING)
    out["capacity_Ah_m2"] = float(m.capacity_C) / 3600.0 / area
    rates = np.asarray(ref_set["retention"]["c_rates"], dtype=float)
    out["retention"] = rate_capability(d, rates, **kw).reshape(-1).tolist()
    grid = np.logspace(-1.3, 1.7, 1201)
    c80 = np.exp(_crossing(np.log(grid), rate_capability(d, grid, **kw).reshape(-1)) or np.nan)
    out["c_rate_80pct"] = float(c80)
    sweeps = {}
    scales = np.linspace(0.3, 3.5, 641)
    for name, sw in ref_set["thickness_sweep"].items():
        L_p = np.asarray(sw["pos_thickness_m"], dtype=float)
        base = L_p[sw["thickness_scale"].index(1.0)]
        scaled = dict(vals, pos_thickness_um=vals["pos_thickness_um"] * scales,
                      neg_thickness_um=vals["neg_thickness_um"] * scales)
        f = rate_capability(design_from_mapping(scaled), [sw["c_rate"]], **kw).reshape(-1)
        at = dict(vals, pos_thickness_um=vals["pos_thickness_um"] * np.asarray(sw["thickness_scale"]),
                  neg_thickness_um=vals["neg_thickness_um"] * np.asarray(sw["thickness_scale"]))
        ret = rate_capability(design_from_mapping(at), [sw["c_rate"]], **kw).reshape(-1)
        cliff = _crossing(scales, f)
        sweeps[name] = {"retention": ret.tolist(), "cliff_m": None if cliff is None else cliff * base}
    out["thickness_sweep"] = sweeps
    pulse = ref_set["pulse"]
    out["pulse_power_W_m2"] = float(m.max_power_W) / area
    q20 = ref_set["capacity_C20_Ah"]
    for key, c in (("resistance_2C_ohm_m2", 2.0), ("resistance_small_ohm_m2", pulse["small_c_rate"])):
        # the reference's pulse currents are multiples of its own C/20 capacity
        rate = c * q20 / (float(m.capacity_C) / 3600.0)
        mc = evaluate_cell(design_from_mapping(dict(vals, c_rate=rate)), BARE, calendering=CALENDERING)
        out[key] = float(mc.pulse_resistance_ohm) * area
    return out


def comparison(ref: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    """``{set name: {"dfn": reference numbers, "xlcell": xlcell_numbers}}`` for every set."""
    ref = ref or load()
    return {name: {"dfn": s, "xlcell": xlcell_numbers(s)} for name, s in ref["sets"].items()}


def _pct(a: float, b: float) -> str:
    return f"{100.0 * (a / b - 1.0):+.1f} %"


def tables(comp: dict[str, dict[str, Any]], version: str = "", source: Path = REFERENCE) -> str:
    """The docs' markdown tables (xlcell against the DFN, every set, every rate)."""
    lines = [f"Reference: PyBaMM {version} DFN (`{source.relative_to(ROOT).as_posix()}`); xlcell: this model "
             "(`scripts/rate_dfn_table.py`).", "",
             "**Capacity at C/20, 80 % C-rate, pulse power (10 s at 0.8 × OCV) and pulse resistance (10 s) per m² of "
             "positive electrode**", "",
             "| set | capacity DFN (Ah/m²) | xlcell | C-rate at 80 % DFN | xlcell | pulse power DFN (W/m²) | xlcell "
             "| R 2C DFN (Ω·cm²) | xlcell | R C/10 DFN (Ω·cm²) | xlcell |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, c in comp.items():
        r, x = c["dfn"], c["xlcell"]
        p = r["pulse"]
        lines.append(
            f"| {name} | {r['capacity_C20_Ah_m2']:.2f} | {x['capacity_Ah_m2']:.2f} ({_pct(x['capacity_Ah_m2'], r['capacity_C20_Ah_m2'])}) "
            f"| {r['c_rate_80pct']:.2f} | {x['c_rate_80pct']:.2f} ({_pct(x['c_rate_80pct'], r['c_rate_80pct'])}) "
            f"| {p['power_W_m2']:.0f} | {x['pulse_power_W_m2']:.0f} ({_pct(x['pulse_power_W_m2'], p['power_W_m2'])}) "
            f"| {p['resistance_2C_ohm_m2'] * 1e4:.1f} | {x['resistance_2C_ohm_m2'] * 1e4:.1f} "
            f"| {p['resistance_small_ohm_m2'] * 1e4:.1f} | {x['resistance_small_ohm_m2'] * 1e4:.1f} |")
    lines += ["", "**Retention (capacity at the C-rate / capacity at C/20): DFN | xlcell (points)**", ""]
    rates = sorted({c for v in comp.values() for c in v["dfn"]["retention"]["c_rates"]})
    lines.append("| set | " + " | ".join(f"{c:g}C" for c in rates) + " |")
    lines.append("|---|" + "---|" * len(rates))
    for name, c in comp.items():
        r = dict(zip(c["dfn"]["retention"]["c_rates"], c["dfn"]["retention"]["fraction"]))
        x = dict(zip(c["dfn"]["retention"]["c_rates"], c["xlcell"]["retention"]))
        cells = [f"{r[k]:.3f} \\| {x[k]:.3f} ({100 * (x[k] - r[k]):+.1f})" if k in r else "" for k in rates]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "**Thickness sweeps (both electrodes × the scale): retention DFN | xlcell, and the cliff (80 % "
              "retention)**", ""]
    for rate in ("1C", "2C"):
        scales = next(iter(comp.values()))["dfn"]["thickness_sweep"][rate]["thickness_scale"]
        lines.append(f"| {rate} | " + " | ".join(f"×{s:g}" for s in scales) + " | cliff DFN (µm) | xlcell |")
        lines.append("|---|" + "---|" * (len(scales) + 2))
        for name, c in comp.items():
            r, x = c["dfn"]["thickness_sweep"][rate], c["xlcell"]["thickness_sweep"][rate]
            cells = [f"{a:.2f} \\| {b:.2f}" for a, b in zip(r["retention"], x["retention"])]
            cd = "none in the sweep" if r["cliff_m"] is None else f"{r['cliff_m'] * 1e6:.1f}"
            cx = "none" if x["cliff_m"] is None else f"{x['cliff_m'] * 1e6:.1f}"
            if r["cliff_m"] is not None and x["cliff_m"] is not None:
                cx += f" ({_pct(x['cliff_m'], r['cliff_m'])})"
            lines.append(f"| {name} | " + " | ".join(cells) + f" | {cd} | {cx} |")
        lines.append("")
    abl = {n: c for n, c in comp.items() if "constant_electrolyte" in c["dfn"]}
    if abl:
        lines += ["**The same DFN with the electrolyte the design keys describe** (`constant_electrolyte`: salt "
                  "diffusivity, conductivity and thermodynamic factor fixed at the initial concentration, one Bruggeman "
                  "exponent): retention and cliffs, DFN with constant electrolyte | full DFN | xlcell", "",
                  "| set | " + " | ".join(f"{c:g}C" for c in rates) + " | 1C cliff (µm) | 2C cliff (µm) |",
                  "|---|" + "---|" * (len(rates) + 2)]
        for name, c in abl.items():
            a, r, x = c["dfn"]["constant_electrolyte"], c["dfn"], c["xlcell"]
            ca = dict(zip(a["retention"]["c_rates"], a["retention"]["fraction"]))
            cr = dict(zip(r["retention"]["c_rates"], r["retention"]["fraction"]))
            cx = dict(zip(r["retention"]["c_rates"], x["retention"]))
            cells = [f"{ca[k]:.3f} \\| {cr[k]:.3f} \\| {cx[k]:.3f}" if k in ca else "" for k in rates]

            def um(v: float | None) -> str:
                return "none" if v is None else f"{v * 1e6:.1f}"

            for rate in ("1C", "2C"):
                cells.append(" \\| ".join(um(v) for v in (a["thickness_sweep"][rate]["cliff_m"],
                                                          r["thickness_sweep"][rate]["cliff_m"],
                                                          x["thickness_sweep"][rate]["cliff_m"])))
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines).rstrip() + "\n"


def doc_block(doc: str, begin: str = BEGIN, end: str = END) -> str:
    """The text between a pair of markers of the docs page."""
    return doc[doc.index(begin) + len(begin):doc.index(end)]


def write_doc(blocks: dict[tuple[str, str], str], path: Path = DOC) -> None:
    """Replace the block between each pair of markers of ``path`` with its text (written whole: temp file + replace)."""
    import os
    import tempfile

    new = path.read_text(encoding="utf-8")
    for (begin, end), text in blocks.items():
        a, b = new.index(begin) + len(begin), new.index(end)
        new = new[:a] + "\n" + text + new[b:]
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".md")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(new)
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true", help="rewrite the tables in docs/models/rate-power.md")
    a = ap.parse_args(argv)
    ref, held = load(), load(HELDOUT)
    blocks = {(BEGIN, END): tables(comparison(ref), ref["pybamm_version"]),
              (HELDOUT_BEGIN, HELDOUT_END): tables(comparison(held), held["pybamm_version"], HELDOUT)}
    if a.write:
        write_doc(blocks)
    else:
        print("\n".join(blocks.values()))


if __name__ == "__main__":
    main()
