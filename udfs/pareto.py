"""Excel functions of Pareto analysis on any table of results (thin wrappers over :mod:`xlcell.pareto`).

The optimisation itself runs from the ribbon (:mod:`app.macros`); these functions judge a table the user
already has, e.g. the spill of ``XLCELL_CELL_TABLE`` over a sweep: which rows are on the front, and how much of
the objective space they dominate.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from xlcell.errors import InputError, ShapeError

from ._excel import as_2d, as_float, as_text, udf


def _objectives(points: Any, senses: Any) -> np.ndarray:
    """Points (n x m numbers) in minimisation form, from ``senses`` (one "min"/"max" per column)."""
    rows = as_2d(points, "points")
    P = np.array([[as_float(c, f"points row {i + 1}") for c in r] for i, r in enumerate(rows)], dtype=float)
    s = [as_text(c, "senses", choices=["min", "max"]) for r in as_2d(senses, "senses") for c in r]
    if len(s) != P.shape[1]:
        raise ShapeError("senses", f"{len(s)} value(s)", f"one min or max per column of points ({P.shape[1]})")
    return P * np.where(np.array(s) == "max", -1.0, 1.0)


@udf(table=True, ranges=("points", "senses"))
def XLCELL_PARETO_FILTER(points: Any, senses: Any) -> list[list[Any]]:
    """TRUE for each row of points that no other row dominates (the Pareto front), as a spilled column.

    points: numbers, one row per design and one column per objective (no header)
    senses: one "min" or "max" per column of points
    """
    from xlcell.pareto import non_dominated

    return [[bool(x)] for x in non_dominated(_objectives(points, senses))]


@udf(ranges=("points", "senses", "reference"))
def XLCELL_HYPERVOLUME(points: Any, senses: Any, reference: Any) -> float:
    """Hypervolume the points dominate up to a reference point (exact; in the objectives' own units).

    points: numbers, one row per design and one column per objective (no header)
    senses: one "min" or "max" per column of points
    reference: the reference point, one value per column (worse than every point of interest)
    """
    from xlcell.pareto import hypervolume

    P = _objectives(points, senses)
    r = [as_float(c, "reference") for row in as_2d(reference, "reference") for c in row]
    if len(r) != P.shape[1]:
        raise ShapeError("reference", f"{len(r)} value(s)", f"one value per column of points ({P.shape[1]})")
    s = [as_text(c, "senses", choices=["min", "max"]) for row in as_2d(senses, "senses") for c in row]
    ref = np.array(r) * np.where(np.array(s) == "max", -1.0, 1.0)
    if not np.all(np.isfinite(ref)):
        raise InputError("reference", str(r), "finite numbers")
    return hypervolume(P, ref)


__all__ = ["XLCELL_PARETO_FILTER", "XLCELL_HYPERVOLUME"]
