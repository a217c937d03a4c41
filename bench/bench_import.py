"""Start-up benchmark: the time of ``import udfs`` in a fresh Python (what Excel pays at every Python start).

Each case runs in a new process, alternating, ``--repeat`` times; the best runs are compared in the same run:

* ``python -c pass``: the interpreter alone;
* ``import xlwings``: the floor (xlwings' UDF server imports it before it imports ``udfs``; xlwings itself imports
  pandas, and matplotlib when it is installed);
* ``import udfs`` timed inside a fresh process that has imported xlwings (what the UDF server pays beyond xlwings;
  the figure to quote, since the difference of two fresh-process times is what a busy machine moves most);
* ``import udfs`` from this checkout, and from a baseline commit (``--baseline-ref``, default: the commit before
  issue 15's lazy imports), extracted with ``git archive`` into a temporary folder;
* ``xlcell --help`` (the CLI's start-up: its list of commands) from both.

Python's bytecode cache is on for every case (``PYTHONDONTWRITEBYTECODE`` is dropped and the cache goes to a
temporary ``PYTHONPYCACHEPREFIX``), and each case runs once before the timed runs: an installed package has its
``.pyc`` files (pip compiles them at install), so compiling the sources is no part of what Excel pays at a start
(xlwings starts its UDF server with ``python -B``, which reads ``.pyc`` files but writes none; without them,
``import udfs`` measures mostly the compiler). Ratios use the best (minimum) of the runs, the figure least moved by
other processes on a shared machine; medians are printed beside them.

It also lists the heavy modules each ``import udfs`` loads (scipy, scikit-learn, and the models that only some
functions need) and the slowest imports of this checkout by ``python -X importtime``.

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
HEAVY = ("scipy", "sklearn", "skfem", "SALib", "pymoo", "dask", "xlcell.degradation", "xlcell.cost", "xlcell.pack",
         "xlcell.uncertainty", "xlcell.optimize", "xlcell.nip", "xlcell.surrogate", "xlcell.studies")
#: ``xlcell --help`` in a fresh process (argparse exits with 0 after printing the help)
CLI_HELP = "import sys; from app.cli import main; sys.argv = ['xlcell', '--help']; main()"
PYCACHE = Path(tempfile.gettempdir()) / "xlcell-bench-import-pycache"


def environ(path: Path | None) -> dict[str, str]:
    """The environment of a case: ``path`` first on the module path, the bytecode cache on (in a temporary folder)."""
    env = dict(os.environ, PYTHONPATH=str(path) if path else "", PYTHONPYCACHEPREFIX=str(PYCACHE))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def cold(code: str, path: Path | None) -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], env=environ(path), check=True, cwd=path or ROOT,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def inside(path: Path) -> float:
    """``import udfs`` timed inside a fresh process that has imported xlwings: what xlwings' UDF server pays."""
    code = "import time, xlwings; t = time.perf_counter(); import udfs; print(time.perf_counter() - t)"
    return float(subprocess.run([sys.executable, "-c", code], env=environ(path), check=True, cwd=path,
                                capture_output=True, text=True).stdout.split()[-1])


def loaded(path: Path) -> list[str]:
    code = f"import sys, udfs; print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    return subprocess.run([sys.executable, "-c", code], env=environ(path), check=True, cwd=path, capture_output=True,
                          text=True).stdout.split()


def importtime(path: Path, top: int = 8) -> list[str]:
    env = environ(path)
    err = subprocess.run([sys.executable, "-X", "importtime", "-c", "import xlwings, udfs"], env=env, cwd=path,
                         capture_output=True, text=True).stderr
    rows = []
    for line in err.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            rows.append((int(parts[1]), parts[2].rstrip()))
    rows = rows[next(i for i, (_, name) in enumerate(rows) if name.strip() == "xlwings") + 1:]  # after xlwings
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
        blob = subprocess.run(["git", "archive", a.baseline_ref, "udfs", "xlcell", "app", "workbooks"], cwd=ROOT,
                              check=True,
                              capture_output=True).stdout
        tarfile.open(fileobj=BytesIO(blob)).extractall(base, filter="data")
        cases = {"python -c pass": ("pass", None), "import xlwings": ("import xlwings", None),
                 f"import udfs (baseline {a.baseline_ref})": ("import udfs", base),
                 "import udfs (this checkout)": ("import udfs", ROOT),
                 f"xlcell --help (baseline {a.baseline_ref})": (CLI_HELP, base),
                 "xlcell --help (this checkout)": (CLI_HELP, ROOT)}
        for code, path in cases.values():  # fill the bytecode caches
            cold(code, path)
        times = {k: [] for k in cases}
        after = {"baseline": [], "this checkout": []}  # import udfs after import xlwings, timed in the process
        for _ in range(a.repeat):
            for k, (code, path) in cases.items():
                times[k].append(cold(code, path))
            after["baseline"].append(inside(base))
            after["this checkout"].append(inside(ROOT))
        best = {k: min(v) for k, v in times.items()}
        for k, v in times.items():
            print(f"{k:<36} best {best[k]:6.3f} s  (median {statistics.median(v):.3f}, max {max(v):.3f}, n={len(v)})")
        now, before = best["import udfs (this checkout)"], best[f"import udfs (baseline {a.baseline_ref})"]
        floor = best["import xlwings"]
        cli_now, cli_before = best["xlcell --help (this checkout)"], best[f"xlcell --help (baseline {a.baseline_ref})"]
        # the difference of two fresh-process times is what a busy machine moves most: the time inside the process
        # (below) is the figure to quote for what udfs adds to xlwings
        print(f"import udfs: {now:.3f} s, {now / before:.2f}x the baseline's {before:.3f} s; minus import xlwings: "
              f"{now - floor:.3f} s (baseline {before - floor:.3f} s)")
        in_now, in_before = min(after["this checkout"]), min(after["baseline"])
        print(f"import udfs after import xlwings, timed in the process: {in_now:.3f} s, {in_now / in_before:.2f}x the "
              f"baseline's {in_before:.3f} s (medians {statistics.median(after['this checkout']):.3f} s and "
              f"{statistics.median(after['baseline']):.3f} s)")
        print(f"xlcell --help: {cli_now:.3f} s, {cli_now / cli_before:.2f}x the baseline's {cli_before:.3f} s "
              f"(python -c pass: {best['python -c pass']:.3f} s)")
        print("heavy modules loaded: baseline", loaded(base), "| this checkout", loaded(ROOT))
        sys.path.insert(0, str(ROOT))
        from bench._report import record  # the ratio lines bench/run_all.py collects

        record("import udfs, fresh process (best of runs): time / the baseline commit's", now / before,
               f"import udfs at {a.baseline_ref} (before issue 15's lazy imports), same run", value=now, unit="s")
        record("import udfs after import xlwings, timed in the process: time / the baseline commit's",
               in_now / in_before, f"the same at {a.baseline_ref}", value=in_now, unit="s",
               note="what xlwings' UDF server pays beyond xlwings; goal of issue 15: under 0.3 s")
        record("xlcell --help, fresh process: time / the baseline commit's", cli_now / cli_before,
               f"xlcell --help at {a.baseline_ref}, same run", value=cli_now, unit="s",
               note=f"python -c pass {best['python -c pass']:.3f} s")
    print("slowest imports of this checkout after import xlwings (python -X importtime, cumulative):")
    print("\n".join(importtime(ROOT)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
