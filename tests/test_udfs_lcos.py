"""The LCOS UDFs, called with exactly what Excel hands over."""
from __future__ import annotations

import numpy as np
import pytest

from udfs.lcos import XLCELL_LCOS, XLCELL_LCOS_CASHFLOW, XLCELL_LCOS_SIMPLE
from xlcell.lcos import LcosInputs, crf

PARAMS = [["power_MW", 10.0], ["energy_MWh", 40.0], ["capex_power_usd_kW", 200.0], ["capex_energy_usd_kWh", 300.0],
          ["fixed_om_usd_kW_yr", 0.0], ["var_om_usd_MWh", 0.0], ["charging_price_usd_MWh", 0.0],
          ["round_trip_efficiency", 0.9], ["depth_of_discharge", 1.0], ["cycles_per_year", 300.0],
          ["lifetime_years", 10.0], ["discount_rate", 0.06], ["annual_degradation", 0.0], ["eol_cost_usd", 0.0]]


def test_lcos_simple_udf_in_usd_per_kWh():
    # (50 + 20 + 0 - 5) $ / (0.95 x 0.25 kWh x 2000 cycles) = 65 / 475 = 0.13684 $/kWh
    assert XLCELL_LCOS_SIMPLE(50.0, 20.0, 0.0, 5.0, 0.95, 0.25, 2000.0) == pytest.approx(65 / 475, rel=1e-12)
    assert XLCELL_LCOS_SIMPLE(50.0, 20.0, 0.0, 5.0, 0.0, 0.25, 2000.0).startswith("#XLCELL! efficiency = 0")


def test_lcos_udf_capex_only_equals_crf_formula():
    out = dict(XLCELL_LCOS(PARAMS))
    capex = 10e3 * 200 + 40e3 * 300  # $
    annual_mwh = 300 * 40 * 0.9
    assert out["capex_usd"] == pytest.approx(capex)
    assert out["lcos_usd_MWh"] == pytest.approx(capex * float(crf(0.06, 10)) / annual_mwh, rel=1e-12)
    assert out["om_usd_MWh"] == 0 and out["charging_usd_MWh"] == 0 and out["eol_usd_MWh"] == 0
    assert list(out)[:5] == ["lcos_usd_MWh", "capex_usd_MWh", "om_usd_MWh", "charging_usd_MWh", "eol_usd_MWh"]


def test_lcos_udf_components_sum_and_defaults():
    out = dict(XLCELL_LCOS([["power_MW", 100.0], [None, None], ["Charging_Price_USD_MWh", 50.0]]))
    parts = out["capex_usd_MWh"] + out["om_usd_MWh"] + out["charging_usd_MWh"] + out["eol_usd_MWh"]
    assert out["lcos_usd_MWh"] == pytest.approx(parts, rel=1e-12)
    assert out["charging_usd_MWh"] == pytest.approx(50.0 / LcosInputs().round_trip_efficiency, rel=1e-12)


def test_lcos_udf_with_soh_column():
    soh = [[1.0], [0.97], [0.95], [0.93], [0.9], [0.88], [0.86], [0.84], [0.82], [0.8], [0.78]]
    with_soh = dict(XLCELL_LCOS(PARAMS, soh))["lcos_usd_MWh"]
    assert with_soh > dict(XLCELL_LCOS(PARAMS))["lcos_usd_MWh"]
    assert XLCELL_LCOS(PARAMS, soh[:5])[0][0].startswith("#XLCELL! soh is of 5 years")


def test_lcos_soh_column_allows_only_trailing_blanks():
    soh = [[1.0], [0.97], [0.95], [0.93], [0.9], [0.88], [0.86], [0.84], [0.82], [0.8]]
    ref = dict(XLCELL_LCOS(PARAMS, soh))["lcos_usd_MWh"]
    # blank cells after the last year (a range taller than the life) are fine
    assert dict(XLCELL_LCOS(PARAMS, soh + [[None], [""]]))["lcos_usd_MWh"] == ref
    # a blank inside the column would shift the later years up ([1, blank, 0.9] read as [1, 0.9]): an error naming the year
    holed = soh[:1] + [[None]] + soh[2:] + [[0.78]]
    assert XLCELL_LCOS(PARAMS, holed)[0][0] == (
        "#XLCELL! soh = blank (year 2): must be a number: only cells after the last year may be blank")
    assert XLCELL_LCOS_CASHFLOW(PARAMS, holed)[0][0].startswith("#XLCELL! soh = blank (year 2)")
    assert XLCELL_LCOS(PARAMS, [[None], [None]])[0][0].startswith("#XLCELL! soh = blank: must be a state of health per year")
    assert XLCELL_LCOS(PARAMS, soh[:3] + [["x"]] + soh[4:])[0][0].startswith("#XLCELL! soh (year 4) = 'x'")
    assert XLCELL_LCOS(PARAMS, [[1.0, 0.9], [0.9, 0.8]])[0][0].startswith("#XLCELL! soh is 2x2")


def test_lcos_udf_errors():
    assert XLCELL_LCOS([["power_MW", -1.0]])[0][0].startswith("#XLCELL! power_MW = -1")
    assert XLCELL_LCOS([["lifetime_years", 7.5]])[0][0].startswith("#XLCELL! lifetime_years = 7.5")
    assert XLCELL_LCOS([["discount", 0.1]])[0][0].startswith("#XLCELL! unknown params key 'discount'")


def test_cashflow_udf_table():
    t = XLCELL_LCOS_CASHFLOW(PARAMS)
    assert t[0][:4] == ["year", "soh", "energy_charged_MWh", "energy_discharged_MWh"]
    assert len(t) == 1 + 12  # years 0..11
    assert t[1][4] == pytest.approx(14e6) and t[2][3] == pytest.approx(300 * 40 * 0.9)
    h = t[0]
    disc = sum(r[h.index("discounted_cost_usd")] for r in t[1:])
    energy = sum(r[h.index("discounted_energy_MWh")] for r in t[1:])
    assert disc / energy == pytest.approx(dict(XLCELL_LCOS(PARAMS))["lcos_usd_MWh"], rel=1e-12)


def test_cell_lcos_udf():
    from udfs.lcos import XLCELL_CELL_LCOS
    from xlcell.cell import default_design
    from xlcell.duty import Duty
    from xlcell.lcos import cell_lcos

    duty = [["cycles_per_year", 200.0], ["eol_soh", 0.7], [None, None], ["C_Rate", 2.0], ["dod", 0.9]]
    out = dict(XLCELL_CELL_LCOS([["temperature_C", 35.0]], duty, 1.0, 0.5))
    ref = cell_lcos(default_design(temperature_K=308.15), Duty(cycles_per_year=200.0, eol_soh=0.7, c_rate_per_h=2.0,
                                                               dod=0.9), 1.0, 0.5)
    assert out["lcos_usd_kWh"] == pytest.approx(float(ref.lcos_usd_J) * 3.6e6, rel=1e-12)
    assert out["cycle_life"] == pytest.approx(float(ref.cycles), rel=1e-12)
    assert out["c_rate"] == 2.0 and out["energy_kWh"] < out["nameplate_energy_kWh"]
    assert list(out) == ["lcos_usd_kWh", "c_bom_usd", "c_mfg_usd", "energy_kWh", "cycle_life", "lifetime_energy_kWh",
                         "round_trip_efficiency", "usable_fraction_duty", "nameplate_energy_kWh",
                         "cell_cost_usd_per_kWh_usable", "c_rate"]
    assert XLCELL_CELL_LCOS([["temperature_C", 25.0]], [["eol_soh", 1.2]])[0][0].startswith("#XLCELL! eol_soh = 1.2")
    assert XLCELL_CELL_LCOS([["temperature_C", 25.0]], [["c_rat", 2]])[0][0] == (
        "#XLCELL! unknown duty key 'c_rat'; did you mean c_rate?")
    # the arguments before the duty (cycles_per_year, eol_soh, efficiency) are keys of the duty now, or the model's
    assert XLCELL_CELL_LCOS([["temperature_C", 25.0]], 365.0)[0][0].startswith("#XLCELL! duty is 1x1")


def test_cell_lcos_udf_refuses_a_duty_at_which_the_cell_delivers_nothing():
    from udfs.lcos import XLCELL_CELL_LCOS

    out = XLCELL_CELL_LCOS([["electrolyte_conductivity_S_m", 0.02]], [["c_rate", 50.0]])
    assert out[0][0].startswith("#XLCELL! c_rate = 50: must be a duty C-rate at which the cell delivers energy")


def test_thickness_study_udf():
    from udfs.lcos import NO_ENERGY, THICKNESS_COLUMNS, XLCELL_THICKNESS_STUDY
    from xlcell.cell import default_design
    from xlcell.duty import Duty
    from xlcell.params import to_display
    from xlcell.studies import ThicknessStudy, thickness_study

    t = XLCELL_THICKNESS_STUDY([["np_ratio", 1.2]], [[60.0], [200.0]], [["c_rate", 2.0]])
    assert t[0] == list(THICKNESS_COLUMNS) and len(t) == 3
    ref = to_display(thickness_study(default_design(np_ratio=1.2), ThicknessStudy(
        thicknesses_m=np.array([60e-6, 200e-6]), duties=(Duty(c_rate_per_h=2.0),))))
    for j, k in enumerate(THICKNESS_COLUMNS):
        want = np.asarray(ref[k]).reshape(-1)[-2:]
        assert [r[j] for r in t[1:]] == (want.tolist() if k == "feasible" else pytest.approx(want.tolist(), rel=1e-12))
    assert t[1][THICKNESS_COLUMNS.index("lcos_cell_usd_per_kWh")] < t[2][THICKNESS_COLUMNS.index("lcos_cell_usd_per_kWh")]
    blank = XLCELL_THICKNESS_STUDY([["np_ratio", 1.2]])
    assert [r[0] for r in blank[1:]] == pytest.approx(list(np.arange(40.0, 251.0, 10.0)))
    assert XLCELL_THICKNESS_STUDY([["np_ratio", 1.2]], [[60.0], [-5.0]])[0][0].startswith("#XLCELL! thicknesses_um = -5")
    none = XLCELL_THICKNESS_STUDY([["electrolyte_conductivity_S_m", 0.02]], [[120.0]], [["c_rate", 50.0]])
    assert none[1][THICKNESS_COLUMNS.index("lcos_cell_usd_per_kWh")] == NO_ENERGY
