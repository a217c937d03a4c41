"""Time every Excel function on the template's own arguments: which ones are too slow for the function wizard.

Excel's function wizard (Insert Function, fx) calls a function again on every keystroke in its argument boxes.
xlwings' generated VBA skips the call inside the wizard for functions declared ``wizard=False`` (xlwings'
``call_in_wizard``). This script evaluates the template with the formula engine bound to the UDFs, times each
call of each function, and writes ``tests/data/udf_timings.json`` ({function: slowest call in seconds, each call timed as the faster of two runs});
``tests/test_addin_xlam.py`` checks that every function slower than :data:`WIZARD_LIMIT_S` here is declared
``wizard=False``. Times are from this machine (2 cores); they are a guide for that flag, not a benchmark.

Run: ``python scripts/time_udfs.py`` (about a minute).
"""
from __future__ import annotations

import functools
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "tests" / "data" / "udf_timings.json"
WIZARD_LIMIT_S = 0.05  #: ~50 ms: slower functions do not run inside the function wizard


def _forget_runs() -> None:
    """Empty the UDF modules' caches of earlier runs (``_RUNS``: the Monte Carlo's run per arguments)."""
    for name, mod in list(sys.modules.items()):
        if name.startswith("udfs.") and isinstance(getattr(mod, "_RUNS", None), dict):
            mod._RUNS.clear()


def main() -> int:
    import udfs
    from app import formula_engine
    from app.template import write_template

    times: dict[str, float] = {}
    real = udfs.udf_functions()

    def timed(name, f):
        @functools.wraps(f)
        def call(*args):  # the faster of two calls: the first may pay one-off imports and warm-up
            best, out = float("inf"), None
            for _ in range(2):
                _forget_runs()  # a run cached by earlier arguments must not make a call look fast
                t = time.perf_counter()
                out = f(*args)
                best = min(best, time.perf_counter() - t)
            times[name] = max(times.get(name, 0.0), best)
            return out
        return call

    original = udfs.udf_functions
    udfs.udf_functions = lambda: {n: timed(n, f) for n, f in real.items()}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            path = write_template(Path(tmp) / "template.xlsx")
            formula_engine.evaluate(path)
    finally:
        udfs.udf_functions = original
    data = {"limit_s": WIZARD_LIMIT_S, "machine": "2-core CI machine",
            "slowest_call_s": {n: round(times[n], 4) for n in sorted(times)},
            "not_in_template": sorted(set(real) - set(times))}
    OUT.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    for n, t in sorted(times.items(), key=lambda kv: -kv[1]):
        print(f"{n:34s} {t * 1e3:9.1f} ms{'  (slow)' if t > WIZARD_LIMIT_S else ''}")
    print("not called by the template:", ", ".join(data["not_in_template"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
