"""``xlcell simulate dem``: the stored DEM calibration of the compaction law (issue 16 item 2).

Registered in the ``simulate`` group of :mod:`app.cli_simulate` beside ``nip``. The DEM itself runs offline
(``scripts/dem_compaction.py`` on LAMMPS); this command prints what it left in ``xlcell/data/dem_calibration.json``
(:func:`xlcell.dem.calibration`), or the same calibration anchored to a measured point of one's own.
"""
from __future__ import annotations

import argparse
import json
from typing import Any

from .cli_simulate import simulation


def _dem_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print the calibration as JSON")
    p.add_argument("--curve", action="store_true", help="include the fitted DEM curve (pressure, porosity)")
    p.add_argument("--anchor-porosity", type=float, metavar="EPS",
                   help="anchor the DEM curve to this measured electrode porosity (with --anchor-pressure)")
    p.add_argument("--anchor-pressure", type=float, metavar="MPA",
                   help="the pressure in MPa at which --anchor-porosity was measured")
    p.epilog = ("Prints the engine and its version, the contact model, the particles and their size distribution, the "
                "anchor, the fitted compaction-law parameters (ε_0, ε_min, p_c, γ_c at the reference calender) with "
                "their units and the fit's r². The calibrated material is NMC811_dem in the calendering library.")


def dem_result(cal: Any, curve: bool = False) -> dict[str, Any]:
    """The JSON-ready calibration (display units), with the fitted curve if asked."""
    from xlcell import units

    out = cal.summary()
    if curve:
        out["curve"] = {"pressure_MPa": [float(p) for p in units.to_display(cal.pressure_Pa, "MPa")],
                        "porosity": list(cal.porosity)}
    return out


def _table(cal: Any) -> str:
    from xlcell.dem import calibration_specs

    head = [("Engine", f"{cal.engine} {cal.engine_version}"), ("Contact model", cal.contact_model),
            ("Particle-size distribution", cal.psd), ("Calibrated material", f"{cal.material} (from {cal.base_material})"),
            ("Anchor", cal.anchor)]
    lines = [f"{k:44s} {v}" for k, v in head] + [""]
    for s in calibration_specs():
        v = float(s.from_si(getattr(cal, s.name)))
        lines.append(f"{s.label:44s} {v:12.5g}  {s.unit}")
    return "\n".join(lines)


def _dem(args: argparse.Namespace) -> int:
    from xlcell import units
    from xlcell.dem import calibration, recalibrate
    from xlcell.errors import InputError

    cal = calibration()
    a, p = args.anchor_porosity, args.anchor_pressure
    if (a is None) != (p is None):
        raise InputError("--anchor-pressure" if p is None else "--anchor-porosity", "missing",
                         "given together with the other (a measured porosity at a pressure in MPa)")
    if a is not None:
        cal = recalibrate(cal, a, float(units.from_display(p, "MPa")))
    if args.json:
        print(json.dumps(dem_result(cal, args.curve), indent=1, ensure_ascii=False))
    else:
        print(_table(cal))
        if args.curve:
            print("\npressure_MPa  porosity")
            mpa = units.to_display(cal.pressure_Pa, "MPa")
            print("\n".join(f"{q:12.5g}  {e:.4f}" for q, e in zip(mpa, cal.porosity)))
    return 0


simulation("dem", "the DEM calibration of the compaction law (LAMMPS, stored): engine, fitted parameters, r²",
           _dem_args)(_dem)
