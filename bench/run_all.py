"""Every benchmark in one command: each ``bench/bench_*.py`` in its own process, its ratios collected, the machine
named, a summary written (Markdown and JSON) and the benchmark page of the docs updated from it.

    python bench/run_all.py            # --quick (the default): smaller populations, under 3 minutes on 2 idle cores
    python bench/run_all.py --full     # every benchmark at its own default size (and the Dask scaling)
    python bench/run_all.py --only cost,batch --no-docs

Each benchmark prints its own lines and, per ratio it measured against a baseline in the same run, one
``BENCH {json}`` line (``bench/_report.py``); a benchmark that fails (non-zero exit: its results disagreed with its
baseline, or it crashed) or prints no ratio is listed as such, and the command exits 1 if any failed. Nothing here
asserts a time. The summary goes to ``xlcell-out/bench/summary.md`` and ``summary.json`` (``--out``); the section
between the ``run_all`` markers of ``docs/benchmarks.md`` is replaced by the Markdown table (``--no-docs``: left
alone). Files are written whole (``workbooks.files.write_atomic``).
"""
from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from bench._report import parse  # noqa: E402

#: arguments per benchmark and mode; a benchmark not listed runs with ``--quick`` in quick mode if it has that option,
#: else with no arguments (both modes)
ARGS: dict[str, dict[str, list[str]]] = {
    "bench_cell.py": {"quick": ["--n", "200000", "--loop-n", "100"], "full": []},
    "bench_cost.py": {"quick": ["--n", "100000", "--loop-n", "50"], "full": []},
    "bench_calendering.py": {"quick": ["--n", "20000", "--loop-n", "50", "--profiles", "50"], "full": []},
    "bench_lifetime.py": {"quick": ["--n", "50000", "--loop-n", "50"], "full": []},
    "bench_uncertainty.py": {"quick": ["--n", "20000", "--loop-n", "50"], "full": []},
    "bench_surrogate.py": {"quick": ["--quick"], "full": []},
    "bench_batch.py": {"quick": ["--quick"], "full": ["--dask"]},
    "bench_pack.py": {"quick": ["--n", "500"], "full": []},
    "bench_nip.py": {"quick": ["--n", "1000", "--repeat", "1"], "full": []},
}
#: benchmarks that only run with --full unless they gain a --quick option (minutes even on an idle machine)
FULL_ONLY = {"bench_pareto.py"}
BEGIN, END = "<!-- run_all:begin -->", "<!-- run_all:end -->"


def machine() -> dict:
    """The machine the run measured: platform, CPU, cores, load, Python and numpy."""
    import numpy as np

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return {"platform": platform.platform(), "cpu": cpu, "cores": os.cpu_count(), "load_1min_at_start": round(load, 2),
            "python": platform.python_version(), "numpy": np.__version__,
            "date_utc": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M")}


def scripts(only: list[str] | None) -> list[Path]:
    found = sorted(HERE.glob("bench_*.py"))
    if only:
        want = {o if o.startswith("bench_") else f"bench_{o}" for o in only}
        want = {w if w.endswith(".py") else f"{w}.py" for w in want}
        found = [p for p in found if p.name in want]
    return found


def arguments(script: Path, mode: str) -> list[str] | None:
    """The arguments of ``script`` in ``mode``; None: skipped in this mode."""
    if script.name in ARGS:
        return ARGS[script.name][mode]
    has_quick = '"--quick"' in script.read_text(encoding="utf-8")
    if mode == "quick":
        if has_quick:
            return ["--quick"]
        if script.name in FULL_ONLY:
            return None
    return []


def run_one(script: Path, args: list[str], timeout: float) -> dict:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    t = time.perf_counter()
    try:
        p = subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True, timeout=timeout,
                           cwd=ROOT, env=env)
        out, err, rc = p.stdout, p.stderr, p.returncode
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        err, rc = f"timed out after {timeout:.0f} s", None
    seconds = time.perf_counter() - t
    results = parse(out)
    status = "ok" if rc == 0 and results else ("no ratio printed" if rc == 0 else
                                               "timed out" if rc is None else f"failed (exit {rc})")
    return {"script": script.name, "args": args, "seconds": round(seconds, 1), "status": status, "results": results,
            "stderr_tail": err.strip().splitlines()[-3:] if status != "ok" else []}


def _g(x: float | None) -> str:
    return "" if x is None else f"{x:.3g}" if abs(x) < 1000 else f"{x:,.0f}"


def markdown(summary: dict) -> str:
    m = summary["machine"]
    lines = [f"Measured by `python bench/run_all.py {'--full' if summary['mode'] == 'full' else '--quick'}` on "
             f"{m['date_utc']} UTC: {m['cpu']}, {m['cores']} cores, {m['platform']}, Python {m['python']}, numpy "
             f"{m['numpy']}; load average {m['load_1min_at_start']} at the start (the machine is shared: ratios measured "
             f"in one run are what to compare, not the times). Total {summary['seconds']:.0f} s.", "",
             "| benchmark | ratio measured | ratio | better | value | against | note |", "|---|---|---|---|---|---|---|"]
    for b in summary["benchmarks"]:
        name = f"`{b['script']}{(' ' + ' '.join(b['args'])) if b['args'] else ''}`"
        if b["status"] != "ok" and not b["results"]:
            lines.append(f"| {name} | {b['status']} | | | | | {' '.join(b['stderr_tail'])[:160]} |")
            continue
        for r in b["results"]:
            value = f"{_g(r['value'])} {r['unit']}".strip()
            lines.append(f"| {name} | {r['metric']} | {_g(r['ratio'])} | {r['better']} | {value} | {r['baseline']} | "
                         f"{r['note']} |")
    for s in summary["skipped"]:
        lines.append(f"| `{s}` | skipped in --quick (minutes): run `--full` | | | | | |")
    return "\n".join(lines) + "\n"


def update_docs(md: str, page: Path) -> bool:
    """Replace the section between the run_all markers of ``page`` by ``md`` (appended under a heading if the page
    has no markers yet); True if the page changed."""
    from workbooks.files import write_atomic

    text = page.read_text(encoding="utf-8")
    block = f"{BEGIN}\n{md}{END}"
    if BEGIN in text and END in text:
        new = text[:text.index(BEGIN)] + block + text[text.index(END) + len(END):]
    else:
        new = text.rstrip("\n") + "\n\n## All benchmarks, one run\n\n" + block + "\n"
    if new != text:
        write_atomic(page, new.encode("utf-8"))
    return new != text


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="smaller populations (the default)")
    mode.add_argument("--full", action="store_true", help="every benchmark at its own default size, Dask scaling too")
    ap.add_argument("--only", help="comma-separated benchmarks, e.g. cost,batch")
    ap.add_argument("--out", type=Path, default=ROOT / "xlcell-out" / "bench", help="folder of summary.md and summary.json")
    ap.add_argument("--docs", type=Path, default=ROOT / "docs" / "benchmarks.md", help="the page whose run_all section is updated")
    ap.add_argument("--no-docs", action="store_true", help="leave the docs page alone")
    ap.add_argument("--timeout", type=float, default=1800.0, help="seconds per benchmark")
    a = ap.parse_args(argv)
    mode_name = "full" if a.full else "quick"
    from workbooks.files import write_atomic

    summary = {"mode": mode_name, "machine": machine(), "benchmarks": [], "skipped": []}
    t0 = time.perf_counter()
    for script in scripts(a.only.split(",") if a.only else None):
        args = arguments(script, mode_name)
        if args is None:
            summary["skipped"].append(script.name)
            print(f"{script.name}: skipped in --quick (run --full)", flush=True)
            continue
        print(f"{script.name} {' '.join(args)} ...", end=" ", flush=True)
        res = run_one(script, args, a.timeout)
        summary["benchmarks"].append(res)
        ratios = "; ".join(f"{r['ratio']:.3g}" if r["ratio"] is not None else "n/a" for r in res["results"])
        print(f"{res['status']} in {res['seconds']:.0f} s" + (f" (ratios {ratios})" if ratios else ""), flush=True)
    summary["seconds"] = round(time.perf_counter() - t0, 1)
    md = markdown(summary)
    write_atomic(a.out / "summary.json", json.dumps(summary, indent=2).encode("utf-8"))
    write_atomic(a.out / "summary.md", md.encode("utf-8"))
    print(f"\nsummary: {a.out / 'summary.md'} and summary.json ({summary['seconds']:.0f} s)")
    if not a.no_docs:
        changed = update_docs(md, a.docs)
        print(f"{a.docs}: {'updated' if changed else 'unchanged'}")
    failed = [b["script"] for b in summary["benchmarks"] if b["status"] != "ok"]
    if failed:
        print("not ok: " + ", ".join(failed), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
