"""Global sensitivity (xlcell.sensitivity): the Sobol wrapper against the Ishigami function's analytic indices, and
the ranking of the real chain's inputs, stable for a seed."""
import math

import numpy as np
import pytest

pytest.importorskip("SALib")  # the sensitivity extra, in the test extra: CI has it

from xlcell.sensitivity import model_sobol, sobol_indices  # noqa: E402

A, B_ = 7.0, 0.1


def _ishigami(X):
    # Ishigami and Homma (1990): f = sin x1 + a sin² x2 + b x3⁴ sin x1, x_i ~ U(-π, π)
    return {"f": np.sin(X[:, 0]) + A * np.sin(X[:, 1]) ** 2 + B_ * X[:, 2] ** 4 * np.sin(X[:, 0])}


def test_ishigami_indices_match_the_published_values():
    # analytic variances (Sobol' and Levitan 1999; Saltelli et al. 2008, Global Sensitivity Analysis: The Primer, §4):
    # V1 = (1 + b π⁴/5)²/2, V2 = a²/8, V13 = b² π⁸ (1/18 - 1/50), V = V1 + V2 + V13
    v1, v2, v13 = 0.5 * (1 + B_ * math.pi ** 4 / 5) ** 2, A ** 2 / 8, B_ ** 2 * math.pi ** 8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    s1 = np.array([v1 / v, v2 / v, 0.0])
    st = np.array([(v1 + v13) / v, v2 / v, v13 / v])
    # the published values at a = 7, b = 0.1 (the Primer; SALib's test function docs): S1 = 0.3139, 0.4424, 0;
    # ST = 0.5576, 0.4424, 0.2437
    assert np.allclose(s1, [0.3139, 0.4424, 0.0], atol=1e-4) and np.allclose(st, [0.5576, 0.4424, 0.2437], atol=1e-4)
    r = sobol_indices(_ishigami, ["x1", "x2", "x3"], [-math.pi] * 3, [math.pi] * 3, n=8192, seed=1)
    assert r.n_runs == 8192 * 5
    assert np.allclose(r.S1[0], s1, atol=0.02), r.S1
    assert np.allclose(r.ST[0], st, atol=0.02), r.ST
    assert np.all(r.S1_conf[0] < 0.05) and r.ranking("f") == ("x1", "x2", "x3")
    # same seed, same indices
    again = sobol_indices(_ishigami, ["x1", "x2", "x3"], [-math.pi] * 3, [math.pi] * 3, n=8192, seed=1)
    assert np.array_equal(again.ST, r.ST) and np.array_equal(again.S1_conf, r.S1_conf)


def test_real_model_ranking_is_stable_for_a_seed():
    # the chain's $/kWh over the default design and price bounds: the cathode price and the positive thickness lead
    # (BatPaC-type rankings: Nelson et al. 2019, BatPaC v4 manual ANL/CSE-19/2, and Wood et al. 2015, J. Power
    # Sources 275, 234: cathode material price and electrode thickness), the separator thickness and the aluminium
    # foil price barely matter; Wh/kg does not see prices at all
    r = model_sobol(n=256, seed=3)
    assert r.n_runs == 256 * (len(r.inputs) + 2)
    cost = r.ranking("cell_cost_usd_per_kWh")
    assert set(cost[:2]) == {"pos_am_usd_kg", "pos_thickness_um"} and cost[2] == "pos_porosity"
    i = r.outputs.index("specific_energy_Wh_kg")
    prices = [j for j, k in enumerate(r.inputs) if k.endswith(("_usd_kg", "_usd_m2", "_usd_L"))]
    assert np.all(np.abs(r.ST[i, prices]) < 1e-12) and np.all(np.abs(r.S1[i, prices]) < 1e-12)
    assert set(r.ranking("specific_energy_Wh_kg")[:2]) == {"pos_thickness_um", "pos_porosity"}
    assert r.ranking("lcos_cell_usd_per_kWh")[0] == "pos_thickness_um"
    # the same seed gives the same indices, also chunk by chunk
    again = model_sobol(n=256, seed=3, chunk=1000)
    assert np.array_equal(again.ST, r.ST) and np.array_equal(again.S1, r.S1)
    # ST >= S1 - its bootstrap noise, and the total indices of $/kWh add to about one (few interactions)
    assert np.all(r.ST + r.ST_conf + r.S1_conf >= r.S1)
    assert 0.9 < r.ST[r.outputs.index("cell_cost_usd_per_kWh")].sum() < 1.2


def test_non_finite_outputs_are_refused():
    from xlcell.errors import InputError

    with pytest.raises(InputError, match="finite in every run"):
        sobol_indices(lambda X: {"f": np.where(X[:, 0] > 0.9, np.inf, X[:, 0])}, ["x"], [0], [1], n=64)


def test_excel_function_is_the_python_api():
    # XLCELL_SOBOL: one row per input, S1/S1_conf/ST/ST_conf per output, the numbers of model_sobol under the same
    # context (the Design sheet's design, its calendering context, the default plant, prices and duty)
    from udfs.cost import cost_inputs
    from udfs.uncertainty import XLCELL_SOBOL
    from xlcell.lcos import model_context

    design = [["pos_thickness_um", 100.0], ["np_ratio", 1.15]]
    rows = XLCELL_SOBOL(design, 64.0, 2.0, [["pos_porosity", 0.2, 0.4], ["pos_am_usd_kg", 13.0, 39.0]],
                        [["cell_cost_usd_per_kWh", "specific_energy_Wh_kg"]])
    assert rows[0] == ["input", "S1 cell_cost_usd_per_kWh", "S1_conf cell_cost_usd_per_kWh", "ST cell_cost_usd_per_kWh",
                       "ST_conf cell_cost_usd_per_kWh", "S1 specific_energy_Wh_kg", "S1_conf specific_energy_Wh_kg",
                       "ST specific_energy_Wh_kg", "ST_conf specific_energy_Wh_kg"]
    d, kw = cost_inputs(design)
    ctx = model_context(cost_inputs={k: v for k, v in kw.items() if k != "calendering"})
    ctx["calendering"] = kw["calendering"]
    r = model_sobol({"pos_porosity": (0.2, 0.4), "pos_am_usd_kg": (13.0, 39.0)}, 64, 2,
                    ("cell_cost_usd_per_kWh", "specific_energy_Wh_kg"), context=ctx, base=d)
    assert [row[0] for row in rows[1:]] == ["pos_porosity", "pos_am_usd_kg"]
    assert rows[1][3] == r.ST[0, 0] and rows[2][7] == r.ST[1, 1] and rows[2][1] == r.S1[0, 1]
    assert rows[2][7] == 0.0  # the cathode price does not change Wh/kg
    # bad inputs: one sentence in the cell
    assert XLCELL_SOBOL(design, 1.0, 0.0)[0][0].startswith("#XLCELL! n = 1")
    assert "three columns" in XLCELL_SOBOL(design, 8.0, 0.0, [["pos_porosity", 0.2]])[0][0]


def test_a_base_size_not_a_power_of_2_warns_nobody():
    # scipy's "balance properties of Sobol' points require n to be a power of 2" UserWarning, with its file and line,
    # reached the terminal of `xlcell sensitivity --n 100` (the docs and --help say it; the Sobol sweep silences it too)
    import warnings

    from xlcell.sensitivity import saltelli_sample

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        X = saltelli_sample(["a", "b"], [0.0, 0.0], [1.0, 2.0], 100, 3)
    assert X.shape == (100 * 4, 2) and [str(w.message) for w in caught] == []


def test_docs_table_is_what_the_command_prints_today():
    # docs/scale.md quotes `xlcell sensitivity --n 1024 --seed 0`: its LCOS columns were from an earlier model (pulse
    # along the OCV curves, life model since), e.g. pos_am_usd_kg 0.178 / 0.205 where the command printed 0.138 / 0.162
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "docs" / "scale.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(\w+)`[^|]*\|(.*)\|\s*$", text.split("`xlcell sensitivity --n 1024 --seed 0`", 1)[1]
                      .split("\n\n", 2)[1], flags=re.M)
    assert len(rows) == 10
    r = model_sobol(n=1024, seed=0)
    outs = ("cell_cost_usd_per_kWh", "specific_energy_Wh_kg", "lcos_cell_usd_per_kWh")
    for key, cells in rows:
        vals = [float(c.split("±")[0]) for c in cells.split("|")]
        j = r.inputs.index(key)
        got = [x for o in outs for x in (r.S1[r.outputs.index(o), j], r.ST[r.outputs.index(o), j])]
        np.testing.assert_allclose(vals, got, atol=6e-4, err_msg=key)  # the table's 3 decimals
