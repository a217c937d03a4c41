"""Excel functions of the uncertainty model, called with exactly what Excel hands over (floats, text, None,
lists of lists): they equal the Python model, convert % once, and turn bad input into a short #XLCELL! text."""
import numpy as np
import pytest

from udfs import uncertainty as u
from udfs.uncertainty import C2C_SAMPLE_HEADER, HISTOGRAM_HEADER, MAX_SAMPLES, MC_HEADER
from xlcell.design import design_from_mapping, design_keys
from xlcell.uncertainty import DEFAULT_OUTPUTS, STAT_COLUMNS, UncertaintySpec, cell_to_cell, monte_carlo

DESIGN = [[k.key, k.default] for k in design_keys() if k.default is not None]
D = design_from_mapping({})


def table(rows):
    return {r[0]: r[1:] for r in rows[1:]}


def test_monte_carlo_table_equals_the_model():
    rows = u.XLCELL_MONTE_CARLO(DESIGN, 1500.0, 3.0)
    assert rows[0] == MC_HEADER
    want = monte_carlo(D, 1500, 3)
    got = table(rows)
    assert list(got) == list(DEFAULT_OUTPUTS)
    for k in DEFAULT_OUTPUTS:
        assert got[k][1] == pytest.approx(want.deterministic[k], rel=1e-12)
        for j, c in enumerate(STAT_COLUMNS):
            assert got[k][2 + j] == pytest.approx(want.stats[k][c], rel=1e-12), (k, c)
    risk = dict(u.XLCELL_MC_RISK(DESIGN, 1500.0, 3.0))
    assert risk["cvar95_usd_per_kWh"] == pytest.approx(want.risk["cvar95_usd_per_kWh"], rel=1e-12)
    assert risk["p_cost_within_limit"] == pytest.approx(want.risk["p_cost_within_limit"])


def test_spec_range_in_display_units():
    spec = [["price_volatility_pct", 20.0], ["pos_am_usd_kg_loading", -0.5], ["cv_thickness_pct", 3.0],
            ["temperature_sigma_K", 0.0], [None, None], ["cost_limit_usd_per_kWh", 90.0]]
    rows = table(u.XLCELL_MONTE_CARLO(DESIGN, 400.0, 1.0, spec, None, None, None, None, [["capacity_Ah"]]))
    want = monte_carlo(D, 400, 1, UncertaintySpec(price_volatility=0.2, cv_thickness=0.03, temperature_sigma_K=0.0,
                                                  cost_limit_usd_J=90 / 3.6e6,
                                                  price_loadings={**UncertaintySpec().price_loadings, "pos_am_usd_kg": -0.5}),
                       outputs=("capacity_Ah",))
    assert list(rows) == ["capacity_Ah"]
    assert rows["capacity_Ah"][3] == pytest.approx(want.stats["capacity_Ah"]["std"], rel=1e-12)
    risk = dict(u.XLCELL_MC_RISK(DESIGN, 400.0, 1.0, spec, None, None, None, None, [["capacity_Ah"]]))
    assert risk["cost_limit_usd_per_kWh"] == pytest.approx(90.0, rel=1e-12)


def test_samples_spill_and_share_one_run():
    rows = u.XLCELL_MC_SAMPLES(DESIGN, 300.0, 2.0)
    assert rows[0] == ["sample", "macro_factor", "thermal_factor", *DEFAULT_OUTPUTS, "feasible"]
    assert len(rows) == 301 and rows[1][0] == 1.0 and rows[-1][0] == 300.0
    stats = table(u.XLCELL_MONTE_CARLO(DESIGN, 300.0, 2.0))
    cost = np.array([r[3] for r in rows[1:]])
    assert stats["cell_cost_usd_per_kWh"][2] == pytest.approx(np.mean(cost), rel=1e-12)
    a = u._run(DESIGN, 300.0, 2.0, None, None, None, None, None, None)
    assert u._run(DESIGN, 300.0, 2.0, None, None, None, None, None, None) is a  # the same arguments: one run
    assert u._run(DESIGN, 300.0, 5.0, None, None, None, None, None, None) is not a


def test_correlation_table():
    rows = u.XLCELL_MC_CORRELATION(DESIGN, 3000.0, 1.0)
    keys = rows[0][1:]
    assert "pos_am_usd_kg" in keys and "neg_solvent_usd_kg" not in keys  # water costs 0: it does not move
    m = np.array([r[1:] for r in rows[1:]], dtype=float)
    np.testing.assert_allclose(m, m.T)
    np.testing.assert_allclose(np.diag(m), 1.0)
    i, j = keys.index("pos_am_usd_kg"), keys.index("neg_foil_usd_m2")
    assert m[i, j] == pytest.approx(0.8 * 0.7, abs=0.06)  # the default loadings' product
    none = u.XLCELL_MC_CORRELATION(DESIGN, 50.0, 1.0, [["price_volatility_pct", 0.0]] + [
        [f"{k}_volatility_pct", 0.0] for k in UncertaintySpec().price_volatilities])
    assert none[0][0].startswith("#XLCELL!")


def test_cell_to_cell_converts_percent_once():
    rows = dict(u.XLCELL_CELL_TO_CELL(DESIGN, 1200.0, 4.0, 1.5, 2.0, 6.0, 2.0, 3.0, 4.0, 5.0))
    want = cell_to_cell(D, 1200, 4, 0.015, 0.02, cv_contact=0.05, series=6, parallel=2, capacity_window=0.03,
                        resistance_window=0.04)
    assert set(rows) == set(want.summary)
    for k, v in want.summary.items():
        assert rows[k] == pytest.approx(v, rel=1e-12), k
    cells = u.XLCELL_CELL_TO_CELL_SAMPLES(DESIGN, 1200.0, 4.0, 1.5, 2.0, 5.0)
    assert cells[0] == C2C_SAMPLE_HEADER and len(cells) == 1201
    np.testing.assert_allclose([r[1] for r in cells[1:]], want.capacity_C / 3600, rtol=1e-12)
    defaults = dict(u.XLCELL_CELL_TO_CELL(DESIGN, 100.0, 4.0, 1.0, 2.0))
    assert defaults["series"] == 1.0 and defaults["parallel"] == 1.0


def test_histogram():
    vals = [["cell_cost_usd_per_kWh"], [1.0], [2.0], [None], [2.5], [4.0], [""]]
    rows = u.XLCELL_HISTOGRAM(vals, 3.0)
    assert rows[0] == HISTOGRAM_HEADER
    assert [r[3] for r in rows[1:]] == [1.0, 2.0, 1.0]  # the last bin includes its upper edge
    assert rows[1][1] == 1.0 and rows[-1][2] == 4.0 and sum(r[4] for r in rows[1:]) == pytest.approx(1.0)
    assert rows[1][0] == "1–2"


def test_a_blank_cost_limit_means_no_limit():
    # the key present with a blank value: no limit, the probabilities left blank; the key left out: the default 85
    for blank in (None, "", "  "):
        risk = dict(u.XLCELL_MC_RISK(DESIGN, 300.0, 1.0, [["price_loading", 0.5], ["cost_limit_usd_per_kWh", blank]]))
        assert risk["cost_limit_usd_per_kWh"] == "" and risk["p_cost_within_limit"] == ""
        assert risk["p_feasible_and_within_limit"] == "" and 0.0 <= risk["p_feasible"] <= 1.0
    assert np.isnan(u.spec_from_range([["COST_LIMIT_USD_PER_KWH", None]]).cost_limit_usd_J)
    risk = dict(u.XLCELL_MC_RISK(DESIGN, 300.0, 1.0, [["price_loading", 0.5], ["price_volatility_pct", None]]))
    assert risk["cost_limit_usd_per_kWh"] == pytest.approx(85.0)  # another blank value: that key's default
    want = monte_carlo(D, 300, 1, UncertaintySpec(price_loading=0.5))
    assert risk["p_cost_within_limit"] == pytest.approx(want.risk["p_cost_within_limit"], rel=1e-12)


def test_histogram_of_values_spanning_the_whole_double_range():
    rows = u.XLCELL_HISTOGRAM([[-1.7e308], [1.7e308], [0.0]], 2.0)
    assert [r[3] for r in rows[1:]] == [1.0, 2.0] and rows[1][1] == -1.7e308 and rows[-1][2] == 1.7e308


@pytest.mark.parametrize("call, text", [
    (lambda: u.XLCELL_MONTE_CARLO(DESIGN, 10.0, 1.0, [["price_loading", 0.5], ["x"]]),
     "spec is ragged (1 to 2 columns): expected two columns: key, value"),
    (lambda: u.XLCELL_MC_RISK(DESIGN, 10.0, 1.0, [["cost_limit_usd_per_kWh", 0.0]]), "cost_limit_usd_per_kWh = 0: must be a number > 0"),
    (lambda: u.XLCELL_HISTOGRAM([[1e17], [1e17 + 32]], 1000.0), "bins = 1000: must be fewer bins"),
    (lambda: u.XLCELL_MONTE_CARLO(DESIGN, 0.0, 1.0), "n = 0"),
    (lambda: u.XLCELL_MONTE_CARLO(DESIGN, -5.0, 1.0), "n = -5"),
    (lambda: u.XLCELL_MONTE_CARLO(DESIGN, "many", 1.0), "n = 'many'"),
    (lambda: u.XLCELL_MONTE_CARLO(DESIGN, float("nan"), 1.0), "n = nan"),
    (lambda: u.XLCELL_MONTE_CARLO(DESIGN, 100.5, 1.0), "n = 100.5"),
    (lambda: u.XLCELL_MC_SAMPLES(DESIGN, float(MAX_SAMPLES + 1), 1.0), "n = 100001: must be a whole number between 1 and 100,000"),
    (lambda: u.XLCELL_MONTE_CARLO(DESIGN, 10.0, -1.0), "seed = -1"),
    (lambda: u.XLCELL_MONTE_CARLO(DESIGN, 10.0, 1.0, [["price_loading", 1.2]]), "price_loading = 1.2"),
    (lambda: u.XLCELL_MONTE_CARLO(DESIGN, 10.0, 1.0, [["electrolyte_usd_L_loading", -1.5]]), "electrolyte_usd_L_loading = -1.5"),
    (lambda: u.XLCELL_MONTE_CARLO(DESIGN, 10.0, 1.0, [["cv_porosity_pct", -2.0]]), "cv_porosity_pct = -2"),
    (lambda: u.XLCELL_MONTE_CARLO(DESIGN, 10.0, 1.0, [["price_volatility_pct", "high"]]), "price_volatility_pct = 'high'"),
    (lambda: u.XLCELL_MONTE_CARLO(DESIGN, 10.0, 1.0, [["price_loading", 0.5, "-"]]), "spec is 1x3"),
    (lambda: u.XLCELL_MONTE_CARLO(DESIGN, 10.0, 1.0, [["loading", 0.5]]), "unknown uncertainty key 'loading'"),
    (lambda: u.XLCELL_MONTE_CARLO(DESIGN, 10.0, 1.0, None, None, None, None, None, [["cost_usd_kwh"]]), "unknown model output 'cost_usd_kwh'"),
    (lambda: u.XLCELL_MONTE_CARLO(DESIGN, 10.0, 1.0, [["price_loading", "#N/A"]]), "#N/A"),
    (lambda: u.XLCELL_CELL_TO_CELL(DESIGN, 100.0, 1.0, -1.0, 2.0), "cv_thickness_pct = -1"),
    (lambda: u.XLCELL_CELL_TO_CELL(DESIGN, 100.0, 1.0, 1.0, 25.0), "cv_porosity_pct = 25"),
    (lambda: u.XLCELL_CELL_TO_CELL(DESIGN, 100.0, 1.0, "one", 2.0), "cv_thickness_pct = 'one'"),
    (lambda: u.XLCELL_CELL_TO_CELL(DESIGN, 10.0, 1.0, 1.0, 2.0, 4.0, 3.0), "n_cells = 10: must be at least series × parallel = 12"),
    (lambda: u.XLCELL_CELL_TO_CELL(DESIGN, 0.0, 1.0, 1.0, 2.0), "n_cells = 0"),
    (lambda: u.XLCELL_HISTOGRAM([[1.0], ["x"]], 5.0), "values[2] = 'x'"),
    (lambda: u.XLCELL_HISTOGRAM([[1.0], [2.0]], 0.0), "bins = 0"),
    (lambda: u.XLCELL_HISTOGRAM([[None]], 5.0), "values"),
])
def test_bad_input_gives_a_short_cell_text(call, text):
    out = call()
    cell = out[0][0]
    assert cell.startswith("#XLCELL! ") and text in cell and "Traceback" not in cell and len(cell) < 200, cell


def test_spec_window_rows_set_the_yield_and_the_risk_shows_it():
    # issue 17 item 6: a grading window in the spec range (display units: % of nominal) sets the cost's cell yield
    spec = [["spec_min_capacity_pct", 98.5], ["spec_max_resistance_pct", 104.0]]
    risk = dict(u.XLCELL_MC_RISK(DESIGN, 600.0, 2.0, spec))
    want = monte_carlo(D, 600, 2, UncertaintySpec(min_capacity_share=0.985, max_resistance_share=1.04))
    assert risk["cell_yield"] == pytest.approx(want.risk["cell_yield"], rel=1e-15) == want.risk["spec_window_yield"]
    assert risk["deterministic_usd_per_kWh"] == pytest.approx(want.risk["deterministic_usd_per_kWh"], rel=1e-12)
    assert risk["cell_yield"] < 0.95 and risk["deterministic_usd_per_kWh"] > 79.02  # tighter than BatPaC's 95 %
    plain = dict(u.XLCELL_MC_RISK(DESIGN, 600.0, 2.0))
    assert plain["cell_yield"] == 0.95 and plain["spec_window_yield"] == ""  # no window: BatPaC's yield, blank share
    # cycle_life is a default output; at 25 °C, below the life model's peak near 30 °C, a colder cell lives shorter
    assert plain["thermal_rank_correlation_cycle_life"] > 0.9
    stats = table(u.XLCELL_MONTE_CARLO(DESIGN, 600.0, 2.0))
    assert {"cycle_life", "lcos_cell_usd_per_kWh"} <= set(stats)


def test_duty_range_reaches_the_monte_carlo():
    from xlcell.duty import Duty

    duty = [["temperature_C", 40.0], ["dod", 0.8]]
    rows = table(u.XLCELL_MONTE_CARLO(DESIGN, 300.0, 1.0, None, None, None, None, None, None, duty))
    want = monte_carlo(D, 300, 1, duty=Duty(temperature_K=313.15, dod=0.8))
    for k in DEFAULT_OUTPUTS:
        assert rows[k][2] == pytest.approx(want.stats[k]["mean"], rel=1e-12), k
    bad = u.XLCELL_MONTE_CARLO(DESIGN, 30.0, 1.0, None, None, None, None, None, None, [["dod", 1.5]])
    assert bad[0][0].startswith("#XLCELL! dod = 1.5")


def test_cell_to_cell_yield_and_cost_rows():
    from xlcell.uncertainty import SpecWindow

    from xlcell.cost import Factory

    from xlcell.pouch import batpac_format

    # BatPaC mode (electricity 0: BatPaC has no utility line; its rating ASI), so the factory's yield gives BatPaC's
    # cost exactly; the window: capacity >= 98 % of nominal, resistance <= 1.55 mΩ (the cell's 1.46 mΩ + 6 %)
    rows = dict(u.XLCELL_CELL_TO_CELL(DESIGN, 1000.0, 4.0, 1.0, 2.0, None, None, None, None, None, None,
                                      [["electricity_usd_kWh", 0.0]], [["asi_electrochemical_ohm_cm2", 15.532091]], None,
                                      [["spec_min_capacity_pct", 98.0], ["spec_max_resistance_mohm", 1.55]]))
    want = cell_to_cell(D, 1000, 4, 0.01, 0.02, window=SpecWindow(min_capacity_share=0.98, max_resistance_ohm=1.55e-3),
                        factory=Factory.batpac5(), fmt=batpac_format())
    for k in ("share_within_window", "cell_yield_spec_window", "cell_cost_spec_window_yield_usd_per_kWh",
              "cell_cost_factory_yield_usd_per_kWh"):
        assert rows[k] == pytest.approx(want.summary[k], rel=1e-12), k
    assert rows["cell_cost_factory_yield_usd_per_kWh"] == pytest.approx(79.019206, rel=1e-7)  # BatPaC 5.0 digest §6.3
    # the ± windows (blank: 2 % and 5 %) grade the cells when no window range is given
    pm = dict(u.XLCELL_CELL_TO_CELL(DESIGN, 1000.0, 4.0, 1.0, 2.0))
    assert pm["cell_yield_spec_window"] == pm["share_within_window"] < 1.0
    # the factory range reaches the cost: a dearer labour rate, a dearer cell at either yield
    dear = dict(u.XLCELL_CELL_TO_CELL(DESIGN, 1000.0, 4.0, 1.0, 2.0, None, None, None, None, None, None,
                                      [["labor_rate_usd_h", 60.0]]))
    assert dear["cell_cost_factory_yield_usd_per_kWh"] > pm["cell_cost_factory_yield_usd_per_kWh"]
    # no cell inside the window: yield 0 and the cost left blank (no accepted cell)
    none = dict(u.XLCELL_CELL_TO_CELL(DESIGN, 100.0, 4.0, 1.0, 2.0, None, None, None, None, None, None, None, None, None,
                                      [["spec_min_capacity_pct", 500.0]]))
    assert none["cell_yield_spec_window"] == 0.0 and none["cell_cost_spec_window_yield_usd_per_kWh"] == ""
    bad = u.XLCELL_CELL_TO_CELL(DESIGN, 100.0, 4.0, 1.0, 2.0, None, None, None, None, None, None, None, None, None,
                                [["spec_min_cap", 98.0]])
    assert bad[0][0].startswith("#XLCELL!") and "spec_min_cap" in bad[0][0]
