"""Markdown reference tables generated from the metadata (the docs site's function and key lists).

``python scripts/gen_docs.py`` rewrites the pages of ``docs/`` between the ``<!-- generated:NAME -->`` markers
(:data:`PAGES` says which block lives on which page); a test keeps them in sync.
"""
from __future__ import annotations

import inspect
import re

from udfs import udf_functions
from xlcell.cell import CellMetrics
from xlcell.design import design_keys
from xlcell.params import specs
from xlcell.units import unit_mark


def functions_table() -> str:
    rows = ["| Function | Arguments | What it returns |", "|---|---|---|"]
    for name, f in udf_functions().items():
        args = ", ".join(p.name if p.default is inspect.Parameter.empty else f"[{p.name}]"
                         for p in inspect.signature(f).parameters.values())
        doc = (inspect.getdoc(f) or "").splitlines()[0].replace("|", "\\|")
        rows.append(f"| `{name}` | {args} | {doc} |")
    return "\n".join(rows)


def design_keys_table() -> str:
    rows = ["| Key | Meaning | Unit | Default | Allowed |", "|---|---|---|---|---|"]
    for k in design_keys():
        default = k.default if k.default is not None else ("library" if k.spec and k.spec.from_material else "derived")
        allowed = k.spec.allowed() if k.spec else "a library material name"
        rows.append(f"| `{k.key}` | {k.label} | {unit_mark(k.unit)} | {default} | {allowed} |")
    return "\n".join(rows)


def metrics_table() -> str:
    rows = ["| Metric | Meaning | Unit |", "|---|---|---|"]
    for s in specs(CellMetrics):
        rows.append(f"| `{s.key}` | {s.label} | {unit_mark(s.unit)} |")
    return "\n".join(rows)


def cost_items_table() -> str:
    from xlcell.cost import CostMetrics

    rows = ["| Item | Meaning | Unit |", "|---|---|---|"]
    for s in specs(CostMetrics):
        rows.append(f"| `{s.key}` | {s.label} | {unit_mark(s.unit)} |")
    return "\n".join(rows)


def format_comparison_table() -> str:
    """BatPaC's default design in each cell format (:func:`xlcell.formats.compare_formats`), xlcell's default chain."""
    from xlcell.formats import compare_formats
    from xlcell.params import to_display

    c = to_display(compare_formats())
    rows = ["| Format | Wh | Ah | g | Wh/kg | Wh/L | housing, mass share | housing $/cell | $/cell | $/kWh |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    for i, name in enumerate(c["cell_format"]):
        rows.append(f"| `{name}` | {c['cell_energy_Wh'][i]:.2f} | {c['capacity_Ah'][i]:.2f} | {c['cell_mass_g'][i]:.1f} | "
                    f"{c['specific_energy_Wh_kg'][i]:.1f} | {c['energy_density_Wh_L'][i]:.1f} | "
                    f"{c['housing_mass_share'][i]:.3f} | {c['housing_usd'][i]:.3f} | {c['cell_cost_usd'][i]:.3f} | "
                    f"{c['cell_cost_usd_per_kWh'][i]:.2f} |")
    return "\n".join(rows)


def format_presets_table() -> str:
    """The can presets of ``xlcell/data/cell_formats.toml``, one column each, with their sources."""
    from xlcell.formats import CanFormat, can_preset, preset_names

    cans = {n: can_preset(n) for n in preset_names()}
    rows = ["| Key | Meaning | Unit | " + " | ".join(f"`{n}`" for n in cans) + " |",
            "|---|---|---|" + "---|" * len(cans)]
    for sp in specs(CanFormat):
        vals = []
        for c in cans.values():
            v = getattr(c, sp.name)
            vals.append(str(v) if sp.unit == "text" else ("—" if v != v else f"{float(sp.from_si(v)):.6g}"))
        rows.append(f"| `{sp.key}` | {sp.label} | {unit_mark(sp.unit)} | " + " | ".join(vals) + " |")
    return "\n".join(rows)


def pack_keys_table() -> str:
    from xlcell.pack import PackDesign

    rows = ["| Key | Meaning | Unit | Default (BatPaC 5.0) | Allowed |", "|---|---|---|---|---|"]
    d = PackDesign()
    for s in specs(PackDesign):
        v = float(s.from_si(getattr(d, s.name)))
        rows.append(f"| `{s.key}` | {s.label} | {unit_mark(s.unit)} | {v:.10g} | {s.allowed()} |")
    return "\n".join(rows)


def pack_items_table() -> str:
    from xlcell.pack import PackMetrics

    rows = ["| Item | Meaning | Unit |", "|---|---|---|"]
    for s in specs(PackMetrics):
        rows.append(f"| `{s.key}` | {s.label} | {unit_mark(s.unit)} |")
    return "\n".join(rows)


def pack_batpac_table() -> str:
    """xlcell's module and pack in BatPaC mode against BatPaC 5.0's (digest §6.5), computed now."""
    from xlcell.cell import default_design
    from xlcell.cost import Factory
    from xlcell.pack import BATPAC5_REFERENCE, PackMetrics, evaluate_pack
    from xlcell.pouch import batpac_format

    m = evaluate_pack(default_design(), None, Factory.batpac5(), fmt=batpac_format()).as_display()
    unit = {s.key: s.unit for s in specs(PackMetrics)}
    rows = ["| Line | BatPaC 5.0 | xlcell | Difference | Unit | BatPaC's rule |", "|---|---:|---:|---:|---|---|"]
    for key, (ref, digits, rule) in BATPAC5_REFERENCE.items():
        got = float(m[key])
        rows.append(f"| `{key}` | {ref:,.{digits}f} | {got:,.{digits}f} | {got - ref:+.1e} | {unit_mark(unit[key])} | {rule} |")
    return "\n".join(rows)


#: power requirements (kW) of the design-to-requirements table of docs/models/pack.md
PACK_POWER_CASES = (300.0, 600.0, 900.0, 1200.0, 1800.0, 2400.0)


def pack_requirements_table() -> str:
    """The positive thickness solved for each power requirement (BatPaC mode, BatPaC's default pack), computed now."""
    import numpy as np

    from xlcell.cell import default_design
    from xlcell.cost import Factory
    from xlcell.pack import PackDesign, evaluate_pack
    from xlcell.pouch import batpac_format

    from xlcell.units import from_display

    p = np.asarray(from_display(np.array(PACK_POWER_CASES), "kW"), dtype=float)
    m = evaluate_pack(default_design(), PackDesign(power_W=p, solve_thickness=1.0), Factory.batpac5(),
                      fmt=batpac_format()).as_display()
    rows = ["| Power requirement, kW | Positive thickness, µm | Active limit | Pack power, kW | Electrode area per cell, "
            "cm² | Pack, $/kWh | Pack, $/kWh usable |", "|---:|---:|---|---:|---:|---:|---:|"]
    for i in range(p.size):
        rows.append(f"| {PACK_POWER_CASES[i]:,.0f} | {m['pos_thickness_um'][i]:.2f} | {m['active_limit'][i]} | "
                    f"{m['pack_power_kW'][i]:,.1f} | {m['electrode_area_cm2'][i]:,.0f} | "
                    f"{m['pack_cost_usd_per_kWh'][i]:.2f} | {m['pack_cost_usd_per_kWh_usable'][i]:.2f} |")
    return "\n".join(rows)


def pack_comparison_table() -> str:
    """The format and chemistry comparison for the default requirements (xlcell's defaults, BatPaC's pack): the Pack
    sheet's cases (:func:`xlcell.pack.comparison_cases`) through the sheet's one function, ``XLCELL_PACK_TABLE``."""
    from udfs.pack import XLCELL_PACK_TABLE
    from xlcell.pack import comparison_cases

    cases = comparison_cases()
    keys = list(cases[0])
    items = ["pack_cost_usd_per_kWh", "pack_cost_usd_per_kWh_usable", "cells_per_pack", "cell_energy_Wh",
             "pack_energy_kWh", "pack_power_kW", "pos_thickness_um", "active_limit"]
    out = XLCELL_PACK_TABLE([keys] + [[c[k] for k in keys] for c in cases], [items])
    rows = ["| Format | Positive | Negative | Pack, $/kWh | Pack, $/kWh usable | Cells | Cell, Wh | Pack, kWh | Pack, kW | "
            "Positive, µm | Active limit |", "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for c, r in zip(cases, out[1:]):
        head = f"| `{c['cell_format']}` | {c['pos_material']} | {c['neg_material']} | "
        if isinstance(r[0], str):  # a case the model refuses: its reason
            rows.append(head + f"{r[0]} | | | | | | | |")
            continue
        v = dict(zip(items, r))
        rows.append(head + f"{v['pack_cost_usd_per_kWh']:.2f} | {v['pack_cost_usd_per_kWh_usable']:.2f} | "
                    f"{v['cells_per_pack']:,.0f} | {v['cell_energy_Wh']:.1f} | {v['pack_energy_kWh']:.1f} | "
                    f"{v['pack_power_kW']:,.0f} | {v['pos_thickness_um']:.1f} | {v['active_limit']} |")
    return "\n".join(rows)


def _num(x: float, fmt: str = "{:.4g}") -> str:
    return "—" if x != x else fmt.format(x)


def materials_table() -> str:
    """The material library (``xlcell/data/materials.toml``): capacities, window, voltage, OCV slope and curve nodes,
    density, price, sources."""
    from xlcell import paramsets, units
    from xlcell.materials import LIBRARY

    rows = ["| Material | Role | Carrier | Practical mAh/g | Theoretical mAh/g | Cycled share | x_min–x_max | "
            "Voltage window, V | Mean potential, V | OCV slope at 50 % SOC, V | OCV loss from 50 % to 10 / 5 / 0 % SOC, V | "
            "Density g/cm³ | Price $/kg | Life model | Sources |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for rec in paramsets.records("materials", "material"):
        m = LIBRARY[str(rec["name"]).upper()]
        q, qt = (float(units.from_si(v, "mAh/g")) for v in (m.specific_capacity_C_kg, m.theoretical_capacity_C_kg))
        window = "—" if m.x_min != m.x_min else f"{m.x_min:g}–{m.x_max:g}"
        volts = "—" if m.v_min_V != m.v_min_V else f"{m.v_min_V:g}–{m.v_max_V:g} ({m.window_basis})"
        cites = dict(rec.get("cites", {}))
        used = list(dict.fromkeys([m.source, m.price_source, *cites.values()]))
        rows.append(f"| {m.name} | {m.role} | {m.carrier} | {q:.1f} | {_num(qt, '{:.1f}')} | "
                    f"{_num(m.cycled_fraction, '{:.3f}')} | {window} | {volts} | {m.potential_V:.4g} | "
                    f"{m.ocv_slope_V:.4g} | {m.ocv_loss_soc10_V:.4g} / {m.ocv_loss_soc5_V:.4g} / {m.ocv_loss_soc0_V:.4g} | "
                    f"{float(units.from_si(m.am_density_kg_m3, 'g/cm³')):.4g} | {_num(m.am_price_usd_kg, '{:g}')} | "
                    f"{m.life_model or 'not assessed'} | {'; '.join(u for u in used if u)} |")
    return "\n".join(rows)


def material_sources_table() -> str:
    """The ``[sources]`` of the material library, spelled out."""
    from xlcell import paramsets

    rows = ["| Source | Reference |", "|---|---|"]
    for k, v in paramsets.sources("materials").items():
        rows.append(f"| {k} | {' '.join(v.split())} |".replace("\n", " "))
    return "\n".join(rows)


BLOCKS = {"functions": functions_table, "design-keys": design_keys_table, "metrics": metrics_table,
          "cost-items": cost_items_table, "format-comparison": format_comparison_table,
          "format-presets": format_presets_table,
          "pack-keys": pack_keys_table, "pack-items": pack_items_table,
          "pack-batpac": pack_batpac_table, "pack-requirements": pack_requirements_table,
          "pack-comparison": pack_comparison_table,
          "materials": materials_table, "material-sources": material_sources_table}


# page of the docs site (relative to the repository root) -> the generated blocks it holds
PAGES = {"docs/functions.md": ("functions", "design-keys", "metrics"),
         "docs/models/cost.md": ("cost-items",),
         "docs/models/formats.md": ("format-presets", "format-comparison"),
         "docs/models/pack.md": ("pack-batpac", "pack-requirements", "pack-comparison", "pack-keys",
                                  "pack-items"),
         "docs/models/materials.md": ("materials", "material-sources")}


def render_page(text: str, names) -> str:
    """``text`` with each generated block of ``names`` replaced by its current content."""
    for name in names:
        fn = BLOCKS[name]
        pat = re.compile(rf"(<!-- generated:{name} -->\n)(?:.*?\n)?(<!-- /generated:{name} -->)", re.S)
        if not pat.search(text):
            raise KeyError(f"page has no generated block {name!r}")
        text = pat.sub(lambda m, fn=fn: m.group(1) + fn() + "\n" + m.group(2), text)
    return text
