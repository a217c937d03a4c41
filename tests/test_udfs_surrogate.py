"""Excel functions of the digital thread, called with exactly what Excel hands over (floats, text, None,
lists of lists): results equal the model, bad input gives a short #XLCELL! text naming the argument."""
from __future__ import annotations

import numpy as np
import pytest

from udfs import udf_functions
from udfs.surrogate import XLCELL_BO_RUN, XLCELL_BO_SUGGEST, XLCELL_GP_PREDICT, bounds_table
from xlcell.calendering import eps0_from_solids, fracture_line_load, get_calendering_material
from xlcell.process_sim import CalenderLine, ProcessSimulator
from xlcell.surrogate import bayes_opt, fit_surrogate, suggest_next

DATA = [["line_load_N_mm", "line_speed_m_min", "porosity"], [450.0, 54.0, 0.3372], [570.0, 63.0, 0.3219],
        [790.0, 13.0, 0.2625], [230.0, 90.0, 0.4017], [360.0, 24.0, 0.3434], [830.0, 79.0, 0.2875]]
BOUNDS = [["setting", "low", "high"], ["line_load_N_mm", 100.0, 1500.0], ["line_speed_m_min", 10.0, 100.0]]
X = {"line_load_N_m": np.array([r[0] for r in DATA[1:]]) * 1e3, "line_speed_m_s": np.array([r[1] for r in DATA[1:]]) / 60}
Y = np.array([r[2] for r in DATA[1:]])
NMC = get_calendering_material("NMC811")


def _err(out):
    text = out[0][0] if isinstance(out, list) else out
    assert isinstance(text, str) and text.startswith("#XLCELL!") and "Traceback" not in text and len(text) < 200
    return text


def test_registered():
    assert {"XLCELL_GP_PREDICT", "XLCELL_BO_SUGGEST", "XLCELL_BO_RUN"} <= set(udf_functions())


def test_gp_predict_equals_the_model_and_takes_column_order_and_case_freely():
    query = [["LINE_SPEED_M_MIN", "line_load_N_mm"], [40.0, 500.0], [80.0, 700.0]]
    out = XLCELL_GP_PREDICT(DATA, query)
    assert out[0] == ["porosity_mean", "porosity_std"]
    mean, std = fit_surrogate(X, Y, n_restarts=3, seed=0).predict(
        {"line_load_N_m": np.array([500e3, 700e3]), "line_speed_m_s": np.array([40.0, 80.0]) / 60})
    np.testing.assert_allclose([r[0] for r in out[1:]], mean, rtol=1e-12)
    np.testing.assert_allclose([r[1] for r in out[1:]], std, rtol=1e-9)


def test_gp_predict_with_solids_fraction_and_temperature_columns_and_a_line_range():
    sim = ProcessSimulator(seed=5)
    rng = np.random.default_rng(5)
    q, v, phi, T = rng.uniform(200, 900, 10), rng.uniform(10, 100, 10), rng.uniform(0.35, 0.45, 10), rng.uniform(25, 60, 10)
    y = sim(q * 1e3, v / 60, phi, T + 273.15)
    data = [["line_load_N_mm", "line_speed_m_min", "solids_fraction", "roll_temperature_C", "porosity"]] + \
        [[float(a), float(b), float(c), float(d), float(e)] for a, b, c, d, e in zip(q, v, phi, T, y)]
    line = [["relaxation_time_ms", 2.0], ["roll_diameter_m", 0.5]]
    out = XLCELL_GP_PREDICT(data, [["line_load_N_mm", "line_speed_m_min", "solids_fraction", "roll_temperature_C"],
                                   [600.0, 50.0, 0.4, 40.0]], "NMC811", None, None, line)
    ref = fit_surrogate({"line_load_N_m": q * 1e3, "line_speed_m_s": v / 60, "solids_fraction": phi,
                         "roll_temperature_K": T + 273.15}, y, line=CalenderLine(relaxation_time_s=2e-3, roll_diameter_m=0.5),
                        n_restarts=3, seed=0)
    m, s = ref.predict({"line_load_N_m": 600e3, "line_speed_m_s": 50 / 60, "solids_fraction": 0.4,
                        "roll_temperature_K": 313.15})
    assert out[1][0] == pytest.approx(m[0], rel=1e-12) and out[1][1] == pytest.approx(s[0], rel=1e-9)


def test_bo_suggest_equals_the_model_and_lcb_option():
    out = dict(map(tuple, XLCELL_BO_SUGGEST(DATA, BOUNDS, 0.30, "NMC811", 2.0)))
    sur = fit_surrogate(X, Y, n_restarts=3, seed=2)
    sg = suggest_next(sur, {"line_load_N_m": (100e3, 1500e3), "line_speed_m_s": (10 / 60, 100 / 60)}, 0.30, seed=2,
                      fixed={"solids_fraction": 0.4, "roll_temperature_K": 298.15})
    assert out["line_load_N_mm"] == pytest.approx(sg.settings["line_load_N_m"] / 1e3, rel=1e-12)
    assert out["expected_improvement"] == pytest.approx(sg.acquisition, rel=1e-9) and out["expected_improvement"] >= 0
    assert list(out) == ["line_load_N_mm", "line_speed_m_min", "solids_fraction", "predicted_porosity", "predicted_std",
                         "expected_improvement", "incumbent_error", "fracture_line_load_N_mm", "n_trials"]
    assert out["predicted_std"] == pytest.approx(sg.std, rel=1e-9) and out["predicted_std"] >= 0.003
    assert out["solids_fraction"] == 0.4 and out["fracture_line_load_N_mm"] == pytest.approx(952.9, abs=0.1)
    lcb = dict(map(tuple, XLCELL_BO_SUGGEST(DATA, BOUNDS[1:], 0.30, None, None, None, None, None, "lcb")))  # bounds without header
    assert "lower_confidence_bound" in lcb and 100 <= lcb["line_load_N_mm"] <= 1500


def test_bo_suggest_fracture_limit_follows_the_solids_fraction_argument():
    # NMC811 at φ_s = 0.45 cracks above 839 N/mm (953 at 0.40): a target below the fracture-onset porosity pushes
    # the suggestion to the limit, which must be the limit at the stated φ_s
    q45 = float(fracture_line_load(eps0_from_solids(0.45, NMC), NMC)) / 1e3
    out = dict(map(tuple, XLCELL_BO_SUGGEST(DATA, BOUNDS, 0.20, None, None, 0.45)))
    assert out["solids_fraction"] == 0.45 and out["fracture_line_load_N_mm"] == pytest.approx(q45)
    assert 0.9 * q45 < out["line_load_N_mm"] < q45
    sur = fit_surrogate(X, Y, n_restarts=3, seed=0, solids_fraction=0.45)
    sg = suggest_next(sur, {"line_load_N_m": (100e3, 1500e3), "line_speed_m_s": (10 / 60, 100 / 60)}, 0.20, seed=0,
                      fixed={"solids_fraction": 0.45, "roll_temperature_K": 298.15})
    assert out["line_load_N_mm"] == pytest.approx(sg.settings["line_load_N_m"] / 1e3, rel=1e-12)
    # a solids_fraction column in the data wins over the argument (the last trial's value is held)
    data = [DATA[0] + ["solids_fraction"]] + [r + [0.45] for r in DATA[1:]]
    col = dict(map(tuple, XLCELL_BO_SUGGEST(data, BOUNDS, 0.20, None, None, 0.40)))
    assert col["solids_fraction"] == 0.45 and col["fracture_line_load_N_mm"] == pytest.approx(q45)


def test_gp_predict_measurement_sd_and_solids_fraction_arguments():
    Q = [["line_load_N_mm", "line_speed_m_min"], [500.0, 50.0], [800.0, 20.0]]
    for phi, msd in ((0.45, 0.003), (0.40, 0.01)):
        out = XLCELL_GP_PREDICT(DATA, Q, None, phi, msd)
        sur = fit_surrogate(X, Y, n_restarts=3, seed=0, solids_fraction=phi, measurement_sd=msd)
        mean, std = sur.predict({"line_load_N_m": np.array([500e3, 800e3]), "line_speed_m_s": np.array([50, 20]) / 60})
        np.testing.assert_allclose([r[0] for r in out[1:]], mean, rtol=1e-9)
        np.testing.assert_allclose([r[1] for r in out[1:]], std, rtol=1e-9)
        assert min(r[1] for r in out[1:]) >= msd


def test_bo_run_equals_the_model_on_the_simulator():
    out = XLCELL_BO_RUN(BOUNDS, 0.28, "Graphite", 0.45, 4.0, 3.0, 7.0, 0.002)
    h = bayes_opt(ProcessSimulator("Graphite", solids_fraction=0.45, noise_sd=0.002, seed=7),
                  {"line_load_N_m": (100e3, 1500e3), "line_speed_m_s": (10 / 60, 100 / 60)}, 0.28, n_init=4, n_iter=3,
                  seed=7)
    assert out[0] == ["iteration", "phase", "line_load_N_mm", "line_speed_m_min", "porosity", "abs_error", "best_abs_error"]
    assert len(out) == 1 + 7 and [r[1] for r in out[1:]] == ["init"] * 4 + ["bo"] * 3
    np.testing.assert_allclose([r[4] for r in out[1:]], h.porosity, rtol=1e-12)
    np.testing.assert_allclose([r[6] for r in out[1:]], h.best_so_far, rtol=1e-12)
    assert out == XLCELL_BO_RUN(BOUNDS, 0.28, "Graphite", 0.45, 4.0, 3.0, 7.0, 0.002)  # same seed, same history


@pytest.mark.parametrize("call,needle", [
    (lambda: XLCELL_BO_SUGGEST(DATA[:3], BOUNDS, 0.3), "at least 3 trials"),
    (lambda: XLCELL_BO_SUGGEST(DATA[:2] + [[570.0, "fast", 0.32]] + DATA[3:], BOUNDS, 0.3), "data row 2 line_speed_m_min = 'fast'"),
    (lambda: XLCELL_BO_SUGGEST(DATA[:2] + [[570.0, "#N/A", 0.32]] + DATA[3:], BOUNDS, 0.3), "#N/A"),
    (lambda: XLCELL_BO_SUGGEST(DATA[:2] + [[570.0, 63.0, None]] + DATA[3:], BOUNDS, 0.3), "data row 2 porosity = blank"),
    (lambda: XLCELL_BO_SUGGEST(DATA[:2] + [[570.0, 63.0, 32.0]] + DATA[3:], BOUNDS, 0.3), "porosity = 32"),
    (lambda: XLCELL_BO_SUGGEST(DATA, [["line_load_N_mm", 1500.0, 100.0], ["line_speed_m_min", 10.0, 100.0]], 0.3),
     "line_load_N_mm high = 100: must be above the low bound 1500"),
    (lambda: XLCELL_BO_SUGGEST(DATA, [["line_load_N_mm", 100.0, 1500.0]], 0.3), "line_speed_m_min"),
    (lambda: XLCELL_BO_SUGGEST(DATA, [["line_load_N_mm", 1000.0, 1500.0], ["line_speed_m_min", 10.0, 100.0]], 0.3),
     "below NMC811's fracture-limited line load (953 N/mm"),
    (lambda: XLCELL_BO_SUGGEST(DATA, BOUNDS, 1.3), "target_porosity = 1.3"),
    (lambda: XLCELL_BO_SUGGEST(DATA, BOUNDS, 0.3, "Unobtainium"), "unknown material 'Unobtainium'"),
    (lambda: XLCELL_BO_SUGGEST(DATA, BOUNDS, 0.3, None, -1.0), "seed = -1"),
    (lambda: XLCELL_BO_SUGGEST(DATA, BOUNDS, 0.3, None, float(2**32)), "seed = 4294967296: must be a whole number from 0 to 4294967295"),
    (lambda: XLCELL_BO_RUN(BOUNDS, 0.3, None, None, 3.0, 0.0, 1e20), "seed = 100000000000000000000: must be a whole number from 0"),
    (lambda: XLCELL_BO_SUGGEST(DATA, BOUNDS + [["line_load_N_mm", 200.0, 300.0]], 0.3),
     "bounds row 4 = 'line_load_N_mm': must be each setting in one row only"),
    (lambda: XLCELL_BO_SUGGEST(DATA, BOUNDS + [["solids_fraction", 0.3, 0.9]], 0.3), "bounds solids_fraction high = 0.9: must be between 0 and 0.732"),
    (lambda: XLCELL_BO_RUN(BOUNDS + [["solids_fraction", 0.3, 0.9]], 0.3, None, None, 3.0, 1.0), "bounds solids_fraction high = 0.9"),
    (lambda: XLCELL_BO_SUGGEST(DATA, BOUNDS + [["roll_temperature_C", 20.0, 400.0]], 0.3),
     "bounds roll_temperature_C high = 400: must be a number between -50 and 300"),
    (lambda: XLCELL_BO_SUGGEST(DATA, BOUNDS, 0.3, None, None, 1.2), "solids_fraction = 1.2"),
    (lambda: XLCELL_GP_PREDICT(DATA, [["line_load_N_mm", "line_speed_m_min"], [500.0, 50.0]], None, None, -0.01),
     "measurement_sd = -0.01"),
    (lambda: XLCELL_BO_SUGGEST(DATA, BOUNDS, 0.3, None, None, None, None, None, "PI"), "acquisition = 'PI'"),
    (lambda: XLCELL_GP_PREDICT([["line_load_N_mm", "speed", "porosity"], [1.0, 2.0, 0.3]], [["line_load_N_mm"], [1.0]]),
     "unknown data column 'speed'"),
    (lambda: XLCELL_GP_PREDICT(DATA, [["line_load_N_mm"], [500.0]]), "missing column(s) line_speed_m_min"),
    (lambda: XLCELL_GP_PREDICT([r[:2] for r in DATA], [["line_load_N_mm", "line_speed_m_min"], [500.0, 50.0]]),
     "missing column(s) porosity"),
    (lambda: XLCELL_GP_PREDICT(DATA, [["line_load_N_mm", "line_speed_m_min"], [500.0, 0.0]]), "line_speed_m_min = 0"),
    (lambda: XLCELL_GP_PREDICT(DATA, [["line_load_N_mm", "line_speed_m_min"], [500.0, 50.0]], None, None, None, [["tau", 1.0]]),
     "unknown line key 'tau'"),
    (lambda: XLCELL_BO_RUN(BOUNDS, 0.3, None, None, 2.0), "n_init = 2"),
    (lambda: XLCELL_BO_RUN(BOUNDS, 0.3, None, None, None, 51.0), "n_iter = 51"),
    (lambda: XLCELL_BO_RUN(BOUNDS, 0.3, None, 0.95), "solids_fraction"),
    (lambda: XLCELL_BO_RUN(BOUNDS, 0.3, None, None, None, None, None, -0.1), "noise_sd = -0.1"),
])
def test_bad_input_gives_a_short_cell_text_naming_the_argument(call, needle):
    assert needle in _err(call())


def test_bounds_table_converts_units_and_skips_a_header():
    b = bounds_table(BOUNDS + [["roll_temperature_C", 25.0, 60.0]])
    assert b["line_load_N_m"] == (100e3, 1500e3)
    assert b["line_speed_m_s"] == pytest.approx((10 / 60, 100 / 60))
    assert b["roll_temperature_K"] == pytest.approx((298.15, 333.15))
