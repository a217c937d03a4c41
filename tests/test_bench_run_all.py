"""``bench/run_all.py``: every benchmark prints its ratios for it, the summary names the machine, and the docs' section
between the markers is replaced (nothing here times anything)."""
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import _report, run_all  # noqa: E402


def test_every_benchmark_reports_a_ratio_and_has_a_mode():
    scripts = sorted((ROOT / "bench").glob("bench_*.py"))
    assert len(scripts) >= 8 and (ROOT / "bench" / "bench_batch.py") in scripts
    for p in scripts:
        assert "record(" in p.read_text(encoding="utf-8"), f"{p.name}: print its ratios with bench._report.record"
        assert run_all.arguments(p, "full") is not None
    quick = {p.name: run_all.arguments(p, "quick") for p in scripts}
    assert quick["bench_batch.py"] == ["--quick"] and quick["bench_pareto.py"] in (None, ["--quick"])


def test_record_round_trips(capsys):
    row = _report.record("x / y", 2.5, "y", better="higher", value=float("nan"), unit="s")
    out = capsys.readouterr().out
    assert _report.parse("noise\n" + out + "more noise") == [row] and row["value"] is None


def test_summary_and_docs_section(tmp_path):
    summary = {"mode": "quick", "seconds": 12.0, "machine": run_all.machine(), "skipped": ["bench_pareto.py"],
               "benchmarks": [
                   {"script": "bench_cost.py", "args": ["--n", "10"], "seconds": 1.0, "status": "ok", "stderr_tail": [],
                    "results": [{"metric": "cost / numpy", "ratio": 5.0, "baseline": "numpy", "better": "lower",
                                 "value": 1.5, "unit": "µs/design", "note": "agree"}]},
                   {"script": "bench_x.py", "args": [], "seconds": 1.0, "status": "failed (exit 1)", "results": [],
                    "stderr_tail": ["AssertionError: 0.1"]}]}
    m = summary["machine"]
    assert m["cores"] >= 1 and m["cpu"] and m["platform"]
    md = run_all.markdown(summary)
    assert f"{m['cores']} cores" in md and "| `bench_cost.py --n 10` | cost / numpy | 5 | lower | 1.5 µs/design |" in md
    assert "failed (exit 1)" in md and "skipped in --quick" in md
    page = tmp_path / "benchmarks.md"
    page.write_text("# Benchmarks\n\ntext\n")
    assert run_all.update_docs(md, page)
    once = page.read_text()
    assert once.startswith("# Benchmarks\n\ntext\n") and run_all.BEGIN in once and md in once
    assert not run_all.update_docs(md, page)  # the same table: the page is not rewritten
    assert run_all.update_docs(md.replace("5 |", "6 |"), page) and page.read_text().count(run_all.BEGIN) == 1
    # the docs page of the repository has the markers
    text = (ROOT / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    assert text.count(run_all.BEGIN) == 1 and text.count(run_all.END) == 1
    json.dumps(summary)
