"""``xlcell sweep``, ``xlcell montecarlo`` and ``xlcell sensitivity`` end to end: one JSON object, the table written
whole, one-sentence failures, and ``--dask local`` (worker processes) giving the in-process table."""
import json
import sys

import numpy as np
import pandas as pd
import pytest

from app.cli import main
from xlcell import batch as B

pytestmark = pytest.mark.slow  # runs the commands end to end (and a local Dask cluster)

STATS = {"mean", "std", "p5", "p50", "p95"}


def _json(capsys):
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1  # one JSON object, nothing else on stdout
    return json.loads(out[0])


def test_sweep_json_and_table(tmp_path, capsys):
    bounds = tmp_path / "b.toml"
    bounds.write_text('[bounds]\npos_thickness_um = [60, 180]\npos_am_usd_kg = [13, 39]\n[design]\nc_rate = 0.5\n')
    out = tmp_path / "s.csv"
    assert main(["sweep", "--n", "300", "--seed", "2", "--bounds", str(bounds), "--out", str(out), "--json",
                 "--no-progress"]) == 0
    got = _json(capsys)
    assert got["designs_per_s"] > 0 and got["seconds"] > 0 and got["peak_rss_mb"] > 10
    for k in ("cell_cost_usd_per_kWh", "cycle_life", "lcos_cell_usd_per_kWh"):
        assert STATS <= set(got[k]) and got[k]["p5"] <= got[k]["p50"] <= got[k]["p95"]
    table = pd.read_csv(out)
    assert list(table.columns[:2]) == ["pos_thickness_um", "pos_am_usd_kg"] and len(table) == 300
    from xlcell.design import design_from_mapping

    ref = B.sweep(B.SweepPlan(B.make_bounds({"pos_thickness_um": (60, 180), "pos_am_usd_kg": (13, 39)}), 300, 2,
                              base=design_from_mapping({"c_rate": 0.5})))
    for k in ref:
        assert np.allclose(table[k].to_numpy(), ref[k], rtol=1e-15, atol=0), k  # %.17g: the floats round-trip
    assert got["cycle_life"]["mean"] == pytest.approx(float(np.mean(ref["cycle_life"])), rel=1e-12)
    # a JSON bounds file without tables is all bounds
    jb = tmp_path / "b.json"
    jb.write_text(json.dumps({"pos_porosity": [0.2, 0.3]}))
    assert main(["sweep", "--n", "10", "--bounds", str(jb), "--out", str(tmp_path / "j.csv"), "--no-progress"]) == 0
    assert "10 designs" in capsys.readouterr().out


def test_montecarlo_json_beyond_the_udf_cap(tmp_path, capsys):
    design = tmp_path / "d.toml"
    design.write_text("[design]\npos_thickness_um = 100\n[uncertainty]\nprice_volatility_pct = 20\n")
    n = 100_001  # the UDF stops at 100,000 samples
    assert main(["montecarlo", "--samples", str(n), "--seed", "1", "--design", str(design), "--json", "--no-progress"]) == 0
    got = _json(capsys)
    assert got["n"] == n and got["samples_per_s"] > 0 and got["chunks"] == 2
    c = got["cell_cost_usd_per_kWh"]
    assert STATS <= set(c) and c["p5"] < got["deterministic"]["cell_cost_usd_per_kWh"] < c["p95"]
    # --threads: the same statistics on one thread (the chunks' numbers do not depend on the threads)
    assert main(["montecarlo", "--samples", str(n), "--seed", "1", "--design", str(design), "--json", "--no-progress",
                 "--threads", "1"]) == 0
    one = _json(capsys)
    assert one["threads"] == 1 and one["cell_cost_usd_per_kWh"] == c


def test_sensitivity_json(capsys, tmp_path):
    pytest.importorskip("SALib")
    out = tmp_path / "sobol.csv"
    assert main(["sensitivity", "--n", "64", "--seed", "1", "--json", "--no-progress", "--out", str(out)]) == 0
    got = _json(capsys)
    assert got["model_runs"] == 64 * (len(B.DESIGN_BOUNDS) + len(B.PRICE_BOUNDS) + 2)
    assert set(got["indices"]) == {"cell_cost_usd_per_kWh", "specific_energy_Wh_kg", "lcos_cell_usd_per_kWh"}
    assert list(pd.read_csv(out).columns) == ["output", "input", "S1", "S1_conf", "ST", "ST_conf"]


@pytest.mark.parametrize("argv, says", [
    (["sweep", "--n", "0"], "n = 0"),
    (["sweep", "--n", "5", "--out", "x.xlsx"], "--out"),
    (["montecarlo", "--samples", "5", "--outputs", "nope"], "nope"),
    (["sweep", "--n", "5", "--threads", "0"], "threads = 0"),
    # 0 was taken for "not given" (the default chunk, the default workers) while -1 was refused
    (["sweep", "--n", "5", "--chunk", "0"], "chunk = 0"),
    (["montecarlo", "--samples", "5", "--chunk", "0"], "chunk = 0"),
    (["sensitivity", "--n", "4", "--chunk", "0"], "chunk = 0"),
    (["sweep", "--n", "5", "--workers", "0"], "workers = 0"),
    (["montecarlo", "--samples", "5", "--workers", "-3"], "workers = -3"),
])
def test_failures_are_one_sentence(argv, says, capsys):
    assert main(argv + ["--no-progress"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("xlcell: ") and says in err[0]


def test_bad_files_and_missing_dask(tmp_path, capsys, monkeypatch):
    bad = tmp_path / "b.toml"
    bad.write_text("[bounds\n")
    assert main(["sweep", "--n", "5", "--bounds", str(bad)]) == 2
    assert "a valid TOML file" in capsys.readouterr().err
    bad.write_text("[bounds]\npos_porosity = [0.5, 0.2]\n")
    assert main(["sweep", "--n", "5", "--bounds", str(bad)]) == 2
    assert "lower < upper" in capsys.readouterr().err
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if xlcell[dask] were not installed
    assert main(["sweep", "--n", "5", "--dask", "local", "--out", str(tmp_path / "s.csv")]) == 2
    assert 'pip install "xlcell[dask]"' in capsys.readouterr().err
    assert not (tmp_path / "s.csv").exists()


def test_dask_local_processes_give_the_in_process_table(tmp_path, capsys):
    pytest.importorskip("distributed")
    n = str(B.BLOCK + 10)
    args = ["sweep", "--n", n, "--seed", "3", "--chunk", str(B.BLOCK), "--json", "--no-progress"]
    assert main(args + ["--out", str(tmp_path / "here.csv")]) == 0
    capsys.readouterr()
    assert main(args + ["--out", str(tmp_path / "there.csv"), "--dask", "local", "--workers", "2"]) == 0
    got = _json(capsys)
    assert got["workers"] == 2 and got["chunks"] == 2 and got["worker_peak_rss_mb"] > 10
    assert (tmp_path / "here.csv").read_bytes() == (tmp_path / "there.csv").read_bytes()


def test_parquet_needs_pyarrow(tmp_path, capsys, monkeypatch):
    import app.batch as ab

    monkeypatch.setattr(ab, "has_parquet", lambda: False)
    assert ab.default_out("sweep").endswith("sweep.csv")
    assert main(["sweep", "--n", "5", "--out", str(tmp_path / "s.parquet"), "--no-progress"]) == 2
    assert 'pip install "xlcell[parquet]"' in capsys.readouterr().err and not (tmp_path / "s.parquet").exists()


def test_parquet_table_round_trips(tmp_path, capsys):
    pytest.importorskip("pyarrow")  # the parquet extra; without it the CSV path above is the one CI runs
    out = tmp_path / "s.parquet"
    assert main(["sweep", "--n", "50", "--seed", "4", "--out", str(out), "--no-progress"]) == 0
    ref = B.sweep(B.SweepPlan(B.make_bounds(), 50, 4))
    got = pd.read_parquet(out)
    for k in ref:
        assert np.array_equal(got[k].to_numpy(), ref[k], equal_nan=True), k
