"""The workbook writers lay out values; they never call a model (issue 11 item 3, STYLE.md).

Every import from ``xlcell`` in ``workbooks/`` is read with :mod:`ast` (top-level and lazy ones). A writer may use:

* the metadata and conversion modules whole (:data:`METADATA_MODULES`): parameter specs, the unit table, the table
  headers, the error types and named constants: they describe values, they compute none;
* from any other kernel module, **types** (dataclasses whose field metadata gives labels and units, result types to
  read) and **UPPER_CASE constants** (named defaults and tables such as ``BOM_ITEMS`` or ``DEFAULT_STEPS``);
* the few functions of :data:`METADATA_FUNCTIONS`, each of which only reads metadata (a reason beside each);
* ``import xlcell`` for ``xlcell.__version__`` only.

A model function (``evaluate_cell``, ``cost_details``, a study of :mod:`xlcell.studies`) imported into a writer fails
here: the report scenario in ``app/`` evaluates it and hands the writer the values.
"""
from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

METADATA_MODULES = {"xlcell.params", "xlcell.units", "xlcell.tables", "xlcell.errors", "xlcell.constants"}

#: (module, function) -> why a writer may call it: it reads metadata, it runs no model
METADATA_FUNCTIONS = {
    ("xlcell.design", "design_keys"): "the Design sheet's rows: each input's key, label, unit and default",
    ("xlcell.registry", "key_unit"): "the display unit of a registered variable or output key",
    ("xlcell.registry", "output_spec"): "the ParamSpec of a registered output key",
    ("xlcell.registry", "variable"): "the ParamSpec and bounds of a registered design variable",
    ("xlcell.registry", "limits"): "the registered design limits (key and bound) the Pareto sheet lists as rows",
    ("xlcell.factory", "step_rows"): "the process-step table as display rows (unit conversion of given steps)",
    ("xlcell.uncertainty", "price_override_specs"): "the ParamSpecs of the per-price loading and volatility keys",
    ("xlcell.pack", "comparison_cases"): "the comparison's rows: the library's material names by role, the format names",
}


def xlcell_imports() -> list[tuple[str, int, str, str | None]]:
    """``(file, line, module, name)`` of every import from xlcell in workbooks/ (name None for ``import xlcell``)."""
    out = []
    for p in sorted((ROOT / "workbooks").rglob("*.py")):
        rel = p.relative_to(ROOT).as_posix()
        for n in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(n, ast.Import):
                out += [(rel, n.lineno, a.name, None) for a in n.names if a.name.split(".")[0] == "xlcell"]
            elif isinstance(n, ast.ImportFrom) and n.level == 0 and n.module and n.module.split(".")[0] == "xlcell":
                out += [(rel, n.lineno, n.module, a.name) for a in n.names]
    return out


def violation(module: str, name: str | None) -> str | None:
    if name is None:
        return None if module == "xlcell" else f"import {module}: import names from it instead"
    if module in METADATA_MODULES or (module, name) in METADATA_FUNCTIONS:
        return None
    if module == "xlcell" and f"xlcell.{name}" in METADATA_MODULES:
        return None
    obj = getattr(importlib.import_module(module), name)
    if inspect.ismodule(obj):
        return f"{module}.{name} is a module: import its metadata names instead"
    if inspect.isclass(obj) or (name.isupper() and not callable(obj)):
        return None
    return f"{module}.{name} is a model function: compute it in app/ and pass the values"


def test_the_scan_sees_the_writers_imports():
    found = {(m, n) for _, _, m, n in xlcell_imports()}
    assert ("xlcell.params", "specs") in found and ("xlcell", None) in found


def test_writers_import_no_model_function():
    bad = [f"{f}:{line}: {why}" for f, line, m, n in xlcell_imports() if (why := violation(m, n))]
    assert not bad, "workbooks/ must not call the models:\n" + "\n".join(bad)


def test_import_xlcell_is_for_the_version_only():
    used = set()
    for p in sorted((ROOT / "workbooks").rglob("*.py")):
        for n in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == "xlcell":
                used.add(n.attr)
    assert used <= {"__version__"}, used


def test_a_model_function_would_be_caught():
    assert violation("xlcell.cell", "evaluate_cell")
    assert violation("xlcell.studies", "calendering_study")
    assert violation("xlcell.cost", "cost_details")
    assert not violation("xlcell.cell", "CellMetrics") and not violation("xlcell.bom", "BOM_ITEMS")


def test_every_metadata_function_is_still_imported():
    found = {(m, n) for _, _, m, n in xlcell_imports()}
    assert set(METADATA_FUNCTIONS) <= found, set(METADATA_FUNCTIONS) - found
