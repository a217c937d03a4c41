"""Start-up benchmark: the time of ``import udfs`` in a fresh Python (what Excel pays at every Python start).

Each case runs in a new process, alternating, ``--repeat`` times; the medians are compared in the same run:

* ``python -c pass``: the interpreter alone;
* ``import xlwings``: the floor (xlwings' UDF server imports it before it imports ``udfs``; xlwings itself imports
  pandas, and matplotlib when it is installed);
* ``import udfs`` from this checkout, and from a baseline commit (``--baseline-ref``, default: the commit before
  issue 15's lazy imports), extracted with ``git archive`` into a temporary folder.

It also lists the heavy modules each ``import udfs`` loads (scipy.optimize, scipy.stats, scikit-learn, pandas) and
the slowest imports of this checkout by ``python -X importtime``.

    python bench/bench_import.py [--repeat 7 | --quick] [--baseline-ref REF]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("scipy.optimize", "scipy.stats", "scipy.integrate", "sklearn", "pandas", "matplotlib")


def cold(code: str, path: Path | None) -> float:
    env = dict(os.environ, PYTHONPATH=str(path) if path else "")
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=path or ROOT)
    return time.perf_counter() - t


def loaded(path: Path) -> list[str]:
    code = f"import sys, udfs; print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    env = dict(os.environ, PYTHONPATH=str(path))
    return subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=path, capture_output=True,
                          text=True).stdout.split()


def importtime(path: Path, top: int = 8) -> list[str]:
    env = dict(os.environ, PYTHONPATH=str(path))
    err = subprocess.run([sys.executable, "-X", "importtime", "-c", "import udfs"], env=env, cwd=path,
                         capture_output=True, text=True).stderr
    rows = []
    for line in err.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            rows.append((int(parts[1]), parts[2].rstrip()))
    return [f"{us / 1000:8.1f} ms {name}" for us, name in sorted(rows, reverse=True)[:top]]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--quick", action="store_true", help="3 repeats")
    ap.add_argument("--baseline-ref", default="85897af", help="git commit to compare with (default: before issue 15)")
    a = ap.parse_args()
    if a.quick:
        a.repeat = 3
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "baseline"
        base.mkdir()
        blob = subprocess.run(["git", "archive", a.baseline_ref, "udfs", "xlcell"], cwd=ROOT, check=True,
                              capture_output=True).stdout
        tarfile.open(fileobj=BytesIO(blob)).extractall(base, filter="data")
        cases = {"python -c pass": ("pass", None), "import xlwings": ("import xlwings", None),
                 f"import udfs (baseline {a.baseline_ref})": ("import udfs", base),
                 "import udfs (this checkout)": ("import udfs", ROOT)}
        times = {k: [] for k in cases}
        for _ in range(a.repeat):
            for k, (code, path) in cases.items():
                times[k].append(cold(code, path))
        med = {k: statistics.median(v) for k, v in times.items()}
        for k, v in times.items():
            print(f"{k:<36} median {med[k]:6.3f} s  (min {min(v):.3f}, max {max(v):.3f}, n={len(v)})")
        now, before = med["import udfs (this checkout)"], med[f"import udfs (baseline {a.baseline_ref})"]
        floor = med["import xlwings"]
        print(f"import udfs: {now:.3f} s, {now / before:.2f}x the baseline's {before:.3f} s; beyond import xlwings: "
              f"{now - floor:.3f} s (baseline {before - floor:.3f} s, ratio {(now - floor) / (before - floor):.2f})")
        print("heavy modules loaded: baseline", loaded(base), "| this checkout", loaded(ROOT))
        sys.path.insert(0, str(ROOT))
        from bench._report import record  # the ratio lines bench/run_all.py collects

        record("import udfs, fresh process: time / the baseline commit's", now / before,
               f"import udfs at {a.baseline_ref} (before issue 15's lazy imports), same run", value=now, unit="s")
        record("import udfs beyond import xlwings: time / the baseline commit's", (now - floor) / (before - floor),
               f"the same at {a.baseline_ref}", value=now - floor, unit="s", note=f"import xlwings alone {floor:.3f} s")
    print("slowest imports of this checkout (python -X importtime, cumulative):")
    print("\n".join(importtime(ROOT)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
