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
        rows.append(f"| `{k.key}` | {k.label} | {k.unit} | {default} | {allowed} |")
    return "\n".join(rows)


def metrics_table() -> str:
    rows = ["| Metric | Meaning | Unit |", "|---|---|---|"]
    for s in specs(CellMetrics):
        rows.append(f"| `{s.key}` | {s.label} | {s.unit} |")
    return "\n".join(rows)


def cost_items_table() -> str:
    from xlcell.cost import CostMetrics

    rows = ["| Item | Meaning | Unit |", "|---|---|---|"]
    for s in specs(CostMetrics):
        rows.append(f"| `{s.key}` | {s.label} | {s.unit} |")
    return "\n".join(rows)


def _num(x: float, fmt: str = "{:.4g}") -> str:
    return "—" if x != x else fmt.format(x)


def materials_table() -> str:
    """The material library (``xlcell/data/materials.toml``): capacities, window, voltage, density, price, sources."""
    from xlcell import paramsets, units
    from xlcell.materials import LIBRARY

    rows = ["| Material | Role | Carrier | Practical mAh/g | Theoretical mAh/g | Cycled share | x_min–x_max | "
            "Voltage window, V | Mean potential, V | Density g/cm³ | Price $/kg | Life model | Sources |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for rec in paramsets.records("materials", "material"):
        m = LIBRARY[str(rec["name"]).upper()]
        q, qt = (float(units.from_si(v, "mAh/g")) for v in (m.specific_capacity_C_kg, m.theoretical_capacity_C_kg))
        window = "—" if m.x_min != m.x_min else f"{m.x_min:g}–{m.x_max:g}"
        volts = "—" if m.v_min_V != m.v_min_V else f"{m.v_min_V:g}–{m.v_max_V:g} ({m.window_basis})"
        cites = dict(rec.get("cites", {}))
        used = list(dict.fromkeys([m.source, m.price_source, *cites.values()]))
        rows.append(f"| {m.name} | {m.role} | {m.carrier} | {q:.1f} | {_num(qt, '{:.1f}')} | "
                    f"{_num(m.cycled_fraction, '{:.3f}')} | {window} | {volts} | {m.potential_V:.4g} | "
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
          "cost-items": cost_items_table, "materials": materials_table, "material-sources": material_sources_table}


# page of the docs site (relative to the repository root) -> the generated blocks it holds
PAGES = {"docs/functions.md": ("functions", "design-keys", "metrics"),
         "docs/models/cost.md": ("cost-items",),
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
