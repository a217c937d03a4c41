"""Fit xlcell's compaction law to the stored DEM curve and write ``xlcell/data/dem_calibration.json`` (issue 16).

The second, xlcell-side half of the DEM calibration (the first, ``scripts/dem_compaction.py``, runs LAMMPS offline
and writes the raw curve ``tests/data/dem_compaction_curve.json``)::

    PYTHONPATH=$PWD python scripts/dem_calibrate.py [tests/data/dem_compaction_curve.json]

and draws the curve and the fit into ``docs/img/dem_calibration.png`` (matplotlib, the ``simulate`` extra).

It calls :func:`xlcell.dem.calibrate` (CBD mapping, the stored anchor, the least-squares fit, γ_c at the reference
calender), writes the calibration whole or not at all, and prints the ``NMC811_dem`` values to copy into
``xlcell/data/calendering_materials.toml`` (a test keeps the two equal).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def plot(curve: dict, cal, path: Path) -> None:
    """The DEM loading and unloading curves (electrode porosity vs pressure, anchored) and the fitted law."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from workbooks.files import write_atomic
    from xlcell.calendering import porosity_after
    from xlcell.dem import electrode_porosity

    cols = curve["columns"]
    ip, ie = cols.index("pressure_over_E"), cols.index("porosity")
    fig, ax = plt.subplots(figsize=(6.4, 4.2), dpi=110)
    for key, style, label in (("loading", "-", "DEM loading"), ("unloading", "--", "DEM unloading")):
        rows = np.asarray(curve[key])
        ax.plot(rows[:, ip] * cal.effective_modulus_Pa / 1e6, electrode_porosity(rows[:, ie], cal.cbd_volume_ratio),
                style, color="0.45", lw=1.2, label=label)
    p = np.linspace(0, max(cal.pressure_Pa), 200)
    ax.plot(p / 1e6, porosity_after(p, cal.eps0, cal.eps_min, cal.pressure_scale_Pa), color="C3", lw=2,
            label=f"fit: ε_min = {cal.eps_min:.3f}, p_c = {cal.pressure_scale_Pa / 1e6:.0f} MPa, r² = {cal.r2:.3f}")
    ax.plot(np.asarray(cal.pressure_Pa) / 1e6, cal.porosity, "o", ms=3, color="C0", label="fit points")
    ax.plot([cal.anchor_pressure_Pa / 1e6], [cal.anchor_porosity], "k*", ms=12, label="anchor")
    ax.set_xlabel("pressure (MPa), anchored: E = %.0f GPa" % (cal.effective_modulus_Pa / 1e9))
    ax.set_ylabel("electrode porosity (-)")
    ax.set_title(f"DEM die compaction, {cal.particles} NMC811 spheres (LAMMPS {cal.engine_version})", fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    plt.close(fig)
    write_atomic(path, buf.getvalue())


def main(argv: list[str] | None = None) -> int:
    from workbooks.files import write_atomic
    from xlcell.dem import calibrate, to_json

    args = sys.argv[1:] if argv is None else argv
    src = Path(args[0]) if args else ROOT / "tests" / "data" / "dem_compaction_curve.json"
    cal = calibrate(json.loads(src.read_text(encoding="utf-8")))
    out = ROOT / "xlcell" / "data" / "dem_calibration.json"
    write_atomic(out, (json.dumps(to_json(cal), indent=1, ensure_ascii=False) + "\n").encode("utf-8"))
    print(f"{out}: r² = {cal.r2:.4f}, E = {cal.effective_modulus_Pa / 1e9:.4g} GPa")
    plot(json.loads(src.read_text(encoding="utf-8")), cal, ROOT / "docs" / "img" / "dem_calibration.png")
    print(f"[[material]]  # {cal.material}\neps_min = {cal.eps_min:.4f}\ngamma_N_mm = {cal.gamma_N_m / 1e3:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
