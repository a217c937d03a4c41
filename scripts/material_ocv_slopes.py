"""The material library's open-circuit potential shapes (``ocv_slope_V``, ``ocv_loss_soc10_V``, ``ocv_loss_soc5_V``,
``ocv_loss_soc0_V``; issue 13) from published OCP curves.

Each slope is |dU/dSOC| of the electrode's open-circuit potential at 50 % SOC per unit of its cycled window
(|dU/dx| × (x_max - x_min)), the rule of the DFN mapping (``scripts/rate_dfn_table.py``'s :func:`ocv_slope`: the
central difference over 45 and 55 % SOC); the three losses are |U(50 % SOC) - U(x % SOC)| at 10, 5 and 0 % SOC (0 % SOC
the window's discharge end; :func:`ocv_losses`), the nodes of the OCV curve the 10 s pulse's particle surfaces
follow (``xlcell.cell.pulse_ocv_loss``). Both rules are applied to the OCP of a published PyBaMM parameter set over that
set's cycled window, as stored in ``tests/data/pybamm_dfn_reference.json`` (written with PyBaMM by
``scripts/pybamm_dfn_reference.py``, its version in the file; no PyBaMM is needed here). :data:`CURVES` names the
set and electrode of each library material; a material with no such curve keeps 0 (no slope), its reason in
``xlcell/data/materials.toml``. Only the sets of the reference are read: the two sets issue 13 keeps for an
independent check (Mohtat2020's NMC532, Prada2013's LFP, ``tests/data/pybamm_dfn_heldout.json``) are not.

Usage::

    python scripts/material_ocv_slopes.py            # print the table
    python scripts/material_ocv_slopes.py --write    # rewrite the records' three values in xlcell/data/materials.toml

``tests/test_materials_library.py`` checks that the library's values are this script's.
"""
from __future__ import annotations

import argparse
import importlib.util
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from workbooks.files import write_atomic  # noqa: E402

DATA = ROOT / "xlcell" / "data" / "materials.toml"
#: library material -> (PyBaMM parameter set of the reference, electrode): whose OCP curve gives its slope. Graphite:
#: Ecker et al. 2015's measured OCP of the Kokam cell's graphite (pure graphite); graphite-SiOx: Chen et al. 2020's of
#: the LG M50's graphite-SiOx negative; NMC811: Chen et al. 2020's (the LG M50's positive, the source of the library's
#: NMC811 diffusivity); NCA: Kim et al. 2011's; LFP: About:Energy 2022's (the source of the library's LFP window).
CURVES = {"NMC811": ("Chen2020", "pos"), "NCA": ("NCA_Kim2011", "pos"), "LFP": ("LFP_AboutEnergy2022", "pos"),
          "Graphite": ("Ecker2015", "neg"), "Graphite-SiOx": ("Chen2020", "neg")}
#: significant digits stored in the data file
DIGITS = 4
#: the keys this script writes, per record
KEYS = ("ocv_slope_V", "ocv_loss_soc10_V", "ocv_loss_soc5_V", "ocv_loss_soc0_V")


def _table_module():
    """``scripts/rate_dfn_table.py`` (the reference's reader and the slope rule), loaded by path."""
    spec = importlib.util.spec_from_file_location("rate_dfn_table", ROOT / "scripts" / "rate_dfn_table.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def slopes() -> dict[str, dict[str, object]]:
    """``{material: {"set", "electrode", "window", and each key of :data:`KEYS`}}`` of every material of
    :data:`CURVES`, each value rounded to :data:`DIGITS` significant digits as stored."""
    table = _table_module()
    ref = table.load()
    out: dict[str, dict[str, object]] = {}
    for name, (set_name, e) in CURVES.items():
        ex = ref["sets"][set_name]["extra"]
        w = ex["sto_window"]
        window = (w["pos_sto_100pct"], w["pos_sto_0pct"]) if e == "pos" else (w["neg_sto_0pct"], w["neg_sto_100pct"])
        raw = (table.ocv_slope(ex[e]["ocp_V"]), *table.ocv_losses(ex[e]["ocp_V"], e))
        out[name] = {"set": set_name, "electrode": e, "window": window,
                     **{k: float(f"{v:.{DIGITS}g}") for k, v in zip(KEYS, raw)}}
    return out


def rewrite(text: str, values: dict[str, dict[str, float]]) -> str:
    """``materials.toml``'s text with the line of each key of :data:`KEYS` of each named record set to its value
    (``values[name][key]``; the line's comment kept); every name must have exactly one record with one such line per
    key."""
    parts = re.split(r"(?m)^(?=\[\[material\]\])", text)
    done = set()
    for i, part in enumerate(parts):
        m = re.search(r'(?m)^name = "([^"]+)"', part)
        if m is None or m.group(1) not in values:
            continue
        new = part
        for key in KEYS:
            v = values[m.group(1)][key]
            new, n = re.subn(rf"(?m)^({key} = )[^\s#]+", lambda g: g.group(1) + f"{v:g}", new)
            if n != 1:
                raise SystemExit(f"{DATA}: record {m.group(1)!r} has {n} {key} lines, not 1")
        parts[i] = new
        done.add(m.group(1))
    if done != set(values):
        raise SystemExit(f"{DATA}: no record for {sorted(set(values) - done)}")
    return "".join(parts)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true", help="rewrite the values of KEYS in xlcell/data/materials.toml")
    args = ap.parse_args(argv)
    rows = slopes()
    for name, r in rows.items():
        lo, hi = r["window"]  # type: ignore[misc]
        print(f"{name:14s} {r['set']:20s} {r['electrode']}  window {lo:.4f}-{hi:.4f}  "
              + "  ".join(f"{k} = {r[k]:g}" for k in KEYS))
    if args.write:
        text = DATA.read_text(encoding="utf-8")
        new = rewrite(text, {n: {k: float(r[k]) for k in KEYS} for n, r in rows.items()})  # type: ignore[arg-type]
        if new != text:
            write_atomic(DATA, new.encode("utf-8"))
        print(f"wrote {DATA.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
