"""Markdown reference tables generated from the metadata (the README's function and key lists).

``python scripts/gen_readme.py`` rewrites the README between the ``<!-- generated:NAME -->`` markers;
a test keeps it in sync.
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


BLOCKS = {"functions": functions_table, "design-keys": design_keys_table, "metrics": metrics_table,
          "cost-items": cost_items_table}


def render_readme(text: str) -> str:
    """``text`` with every generated block replaced by its current content."""
    for name, fn in BLOCKS.items():
        pat = re.compile(rf"(<!-- generated:{name} -->\n)(?:.*?\n)?(<!-- /generated:{name} -->)", re.S)
        if not pat.search(text):
            raise KeyError(f"README has no generated block {name!r}")
        text = pat.sub(lambda m, fn=fn: m.group(1) + fn() + "\n" + m.group(2), text)
    return text
