"""The Digital thread sheet of the template: its formulas, evaluated by the `formulas` engine with our UDFs
bound, equal the Python model (surrogate, suggestion, closed loop); named inputs, dynamic spills, charts."""
from __future__ import annotations

import numpy as np
import pytest
from openpyxl.utils import get_column_letter

from workbooks.sheets import ORDER, calendering, simulation
from workbooks.sheets import surrogate as sheet
from workbooks.template import build_template
from workbooks.xlsx import dynamic_cells
from xlcell.process_sim import ProcessSimulator
from xlcell.surrogate import bayes_opt, fit_surrogate, sobol_settings, suggest_next

pytestmark = pytest.mark.slow  # computes the template's Digital thread sheet with the formula engine

S = sheet.TITLE.upper()
BOUNDS = {"line_load_N_m": (100e3, 1500e3), "line_speed_m_s": (10 / 60, 100 / 60)}
TRIALS = np.array(sheet.EXAMPLE_TRIALS)
X = {"line_load_N_m": TRIALS[:, 0] * 1e3, "line_speed_m_s": TRIALS[:, 1] / 60}
Y = TRIALS[:, 2]


def _at(template_values, col: int, row: int):
    return template_values[f"{S}!{get_column_letter(col)}{row}"]


def test_sheet_follows_calendering_and_has_its_names_spills_and_charts(fresh_template):
    # the calender's sheets in a row: Calendering, the Simulation of its nip (issue 16), this surrogate
    assert ORDER.index(sheet) == ORDER.index(calendering) + 2 == ORDER.index(simulation) + 1
    wb = build_template()
    assert wb.sheetnames.index(sheet.TITLE) == wb.sheetnames.index(calendering.TITLE) + 2
    for nm in ("dt_trials", "dt_bounds", "dt_target_porosity", "dt_material", "dt_seed", "dt_band_speed_m_min",
               "dt_solids_fraction", "dt_n_init", "dt_n_iter", "dt_noise_sd"):
        assert nm in wb.defined_names
    ws = wb[sheet.TITLE]
    assert len(ws._charts) == 2
    idx = wb.sheetnames.index(sheet.TITLE)
    formulas = dict(dynamic_cells(fresh_template)[f"xl/worksheets/sheet{idx + 1}.xml"])
    H, K, R = sheet.RESULTS_COL, sheet.BAND_COL, sheet.RUN_COL
    assert formulas[f"{get_column_letter(H)}{sheet.HEADER_ROW + 1}"].startswith("XLCELL_BO_SUGGEST(dt_trials,dt_bounds,")
    assert formulas[f"{get_column_letter(K + 2)}{sheet.HEADER_ROW}"].startswith("XLCELL_GP_PREDICT(dt_trials,")
    # the sheet's φ_s and measurement noise reach the suggestion and the band, not only the simulator
    for cell in (f"{get_column_letter(H)}{sheet.HEADER_ROW + 1}", f"{get_column_letter(K + 2)}{sheet.HEADER_ROW}"):
        assert "dt_solids_fraction,dt_noise_sd)" in formulas[cell]
    assert formulas[f"{get_column_letter(R)}{sheet.HEADER_ROW}"].startswith("XLCELL_BO_RUN(dt_bounds,")


def test_example_trials_are_the_simulator_at_the_stated_seed():
    # the sheet's example rows are synthetic: ProcessSimulator(seed=11) at 6 Sobol settings (seed 11), rounded
    B = {"line_load_N_m": (200e3, 900e3), "line_speed_m_s": (10 / 60, 100 / 60)}
    s = sobol_settings(B, 6, sheet.EXAMPLE_SEED)
    q, v = np.round(s["line_load_N_m"] / 1e4) * 10, np.round(s["line_speed_m_s"] * 60)
    np.testing.assert_array_equal(TRIALS[:, 0], q)
    np.testing.assert_array_equal(TRIALS[:, 1], v)
    np.testing.assert_array_equal(Y, np.round(ProcessSimulator(seed=sheet.EXAMPLE_SEED)(q * 1e3, v / 60), 4))


def test_suggestion_equals_the_model(template_values):
    sur = fit_surrogate(X, Y, material="NMC811", n_restarts=3, seed=0)
    sg = suggest_next(sur, BOUNDS, 0.30, seed=0, fixed={"solids_fraction": 0.4, "roll_temperature_K": 298.15})
    H, r0 = sheet.RESULTS_COL, sheet.HEADER_ROW + 1
    got = {_at(template_values, H, r0 + i): _at(template_values, H + 1, r0 + i) for i in range(sheet.SUGGEST_ROWS)}
    assert got["line_load_N_mm"] == pytest.approx(sg.settings["line_load_N_m"] / 1e3, rel=1e-9)
    assert got["line_speed_m_min"] == pytest.approx(sg.settings["line_speed_m_s"] * 60, rel=1e-9)
    assert got["predicted_porosity"] == pytest.approx(sg.mean, rel=1e-9)
    assert got["predicted_std"] == pytest.approx(sg.std, rel=1e-6)
    assert got["expected_improvement"] == pytest.approx(sg.acquisition, rel=1e-6)
    assert got["n_trials"] == len(Y)
    assert got["solids_fraction"] == 0.4 and got["fracture_line_load_N_mm"] == pytest.approx(sg.fracture_line_load_N_m / 1e3)
    assert got["predicted_std"] >= 0.003  # a new measurement is never predicted better than the noise
    # the suggestion is a sensible next trial: inside the bounds, below NMC811's fracture line load,
    # predicted within 2 std of the target
    assert 100 <= got["line_load_N_mm"] < 953 and 10 <= got["line_speed_m_min"] <= 100
    assert abs(got["predicted_porosity"] - 0.30) < 2 * got["predicted_std"] + 1e-3


def test_prediction_band_equals_the_model(template_values):
    K, top, n = sheet.BAND_COL, sheet.HEADER_ROW, sheet.BAND_POINTS
    q = np.array([_at(template_values, K, top + 1 + i) for i in range(n)], dtype=float)
    np.testing.assert_allclose(q, np.linspace(100, 1500, n), rtol=1e-12)
    assert _at(template_values, K + 1, top + 1) == 40.0
    mean, std = fit_surrogate(X, Y, n_restarts=3, seed=0).predict({"line_load_N_m": q * 1e3, "line_speed_m_s": 40 / 60})
    got_m = np.array([_at(template_values, K + 2, top + 1 + i) for i in range(n)], dtype=float)
    got_s = np.array([_at(template_values, K + 3, top + 1 + i) for i in range(n)], dtype=float)
    np.testing.assert_allclose(got_m, mean, rtol=1e-9)
    np.testing.assert_allclose(got_s, std, rtol=1e-6, atol=1e-12)
    lo = np.array([_at(template_values, K + 4, top + 1 + i) for i in range(n)], dtype=float)
    np.testing.assert_allclose(lo, mean - 2 * std, rtol=1e-6)
    assert (np.diff(got_m) < 0).all()  # more load, less porosity


def test_closed_loop_history_equals_the_model(template_values):
    h = bayes_opt(ProcessSimulator("NMC811", solids_fraction=0.4, noise_sd=0.003, seed=0), BOUNDS, 0.30, n_init=5,
                  n_iter=10, seed=0)
    R, top = sheet.RUN_COL, sheet.HEADER_ROW
    assert [_at(template_values, R + j, top) for j in range(len(sheet.RUN_KEYS))] == sheet.RUN_KEYS
    col = {k: R + j for j, k in enumerate(sheet.RUN_KEYS)}
    rows = range(top + 1, top + 1 + len(h))
    np.testing.assert_allclose([_at(template_values, col["line_load_N_mm"], r) for r in rows], h.settings["line_load_N_m"] / 1e3,
                               rtol=1e-12)
    np.testing.assert_allclose([_at(template_values, col["porosity"], r) for r in rows], h.porosity, rtol=1e-12)
    best = np.array([_at(template_values, col["best_abs_error"], r) for r in rows], dtype=float)
    np.testing.assert_allclose(best, h.best_so_far, rtol=1e-12)
    assert (np.diff(best) <= 0).all() and best[-1] < 0.003
    assert [_at(template_values, col["phase"], r) for r in rows] == ["init"] * 5 + ["bo"] * 10
