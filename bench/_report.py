"""The one machine-readable line a benchmark prints per ratio, which ``bench/run_all.py`` collects.

A benchmark keeps printing its own human-readable lines; beside them, :func:`record` prints
``BENCH {"metric": ..., "ratio": ..., "baseline": ..., ...}`` for each ratio it measured against a baseline in the
same run (never a time alone: the machine changes, the ratio is what a reader can compare).
"""
from __future__ import annotations

import json
import math

PREFIX = "BENCH "


def record(metric: str, ratio: float, baseline: str, *, better: str = "lower", value: float | None = None,
           unit: str = "", note: str = "") -> dict:
    """Print (and return) one result line.

    Parameters
    ----------
    metric : str
        What was measured, e.g. ``"cell model, 1e6 designs: time / plain numpy"``.
    ratio : float
        The measured figure over the baseline's, same run.
    baseline : str
        What the ratio is against.
    better : {"lower", "higher"}
        Which way is better for ``ratio``.
    value : float, optional
        The measured figure itself (``unit``), for the summary table.
    unit : str
        Its unit.
    note : str
        Anything a reader needs (the agreement of the results, the load).
    """
    row = {"metric": metric, "ratio": _num(ratio), "baseline": baseline, "better": better, "value": _num(value),
           "unit": unit, "note": note}
    print(PREFIX + json.dumps(row), flush=True)
    return row


def _num(x: float | None) -> float | None:
    return None if x is None or not math.isfinite(float(x)) else float(x)


def parse(text: str) -> list[dict]:
    """The result lines of a benchmark's output.

    Parameters
    ----------
    text : str
        Its stdout.
    """
    return [json.loads(line[len(PREFIX):]) for line in text.splitlines() if line.startswith(PREFIX)]
