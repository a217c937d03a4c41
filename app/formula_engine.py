"""Evaluate a workbook's formulas with the `formulas` engine, our UDFs bound under their Excel names.

Used by the tests (to check the template's formulas against the Python model) and by
``scripts/render.py`` (to show computed values in a LibreOffice rendering). Needs the optional
``formulas`` package (extra ``test``).

The adapter hands each UDF exactly what Excel (through xlwings) would: a range as a list of lists
of float / str / None (blank), a single cell as a scalar; table results go back as 2-D arrays.
"""
from __future__ import annotations

import functools
import logging
import types
from pathlib import Path
from typing import Any

import numpy as np

import udfs


def _py(v: Any) -> Any:
    if v is None or type(v).__name__ == "Token":  # the engine's blank cell
        return None
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, float, np.integer, np.floating)):
        return float(v)
    if isinstance(v, str):
        return v
    return str(v)  # an Excel error value such as #N/A


def _arg(x: Any) -> Any:
    val = getattr(x, "value", x)
    if isinstance(val, np.ndarray):
        rows = [[_py(c) for c in row] for row in np.atleast_2d(val)]
        return rows[0][0] if len(rows) == 1 and len(rows[0]) == 1 else rows
    return _py(val)


def _bind(f):
    @functools.wraps(f)
    def call(*args):
        out = f(*[_arg(a) for a in args])
        if isinstance(out, list):
            return np.array(out, dtype=object)
        return out

    return call


def _model():
    import formulas

    class ExcelModel(formulas.ExcelModel):
        """formulas rounds stored numbers to 15 *decimal places* (1e-17 m²/s becomes 0); Excel keeps
        15 significant digits, which this override restores."""

        def compile_cell(self, cell, context, references, formula_references):
            if cell.data_type == "n" and isinstance(cell.value, float):
                crd = formula_references.get(cell.coordinate, cell.coordinate)
                return self._compile_cell(crd, float(f"{cell.value:.15g}"), context, True, references)
            return super().compile_cell(cell, context, references, formula_references)

    return ExcelModel()


def evaluate(path: str | Path) -> dict[str, Any]:
    """``{"SHEET!A1": value}`` (sheet upper-case) for every cell the engine computed."""
    import formulas

    funcs = formulas.get_functions()
    for name, f in udfs.udf_functions().items():
        funcs[name] = _bind(f)
    # While loading, the engine tries each formula once before the cells it reads have values and logs every
    # such failure with a traceback (schedula's "Failed DISPATCHING"); the calculation below is the real one.
    # It also draws a bare tqdm bar on stderr while it completes the model ("162/162 [00:00, 1234.68it/s]" in the
    # middle of `xlcell demo`): the bar of formulas.excel alone is turned off, not tqdm's (xlcell's batch bars).
    quiet = logging.getLogger("schedula.utils.sol")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)
    import formulas.excel as fx

    bar = fx.tqdm
    fx.tqdm = types.SimpleNamespace(tqdm=functools.partial(bar.tqdm, disable=True))
    try:
        xl = _model().loads(str(path)).finish()
    finally:
        quiet.setLevel(level)
        fx.tqdm = bar
    sol = xl.calculate()
    out: dict[str, Any] = {}
    for key, rng in sol.items():
        ref = str(key).split("]", 1)[-1].replace("'", "")
        val = getattr(rng, "value", rng)
        if ":" in ref:  # spread a range over its cells
            from openpyxl.utils.cell import range_boundaries

            sheet, cells = ref.split("!")
            c0, r0, c1, r1 = range_boundaries(cells)
            arr = np.atleast_2d(val)
            from openpyxl.utils import get_column_letter

            for i in range(min(arr.shape[0], r1 - r0 + 1)):
                for j in range(min(arr.shape[1], c1 - c0 + 1)):
                    out.setdefault(f"{sheet}!{get_column_letter(c0 + j)}{r0 + i}", _py(arr[i, j]))
        else:
            arr = np.atleast_2d(val)
            out[ref] = _py(arr[0, 0])
    return out
