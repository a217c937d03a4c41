"""The degradation UDFs, called with exactly what Excel hands over (floats, str, None, lists of lists)."""
from __future__ import annotations

import math

import numpy as np
import pytest

from udfs.lifetime import (
    XLCELL_CRACK,
    XLCELL_CYCLE_LIFE,
    XLCELL_LIFE,
    XLCELL_LIFE_FADE,
    XLCELL_LIFE_SOH_BY_YEAR,
    XLCELL_SEI_CYCLE_LIFE,
    XLCELL_SEI_FADE,
    XLCELL_SEI_LOSS,
    XLCELL_SEI_SOH_BY_YEAR,
    XLCELL_WANG_CYCLE_LIFE,
    XLCELL_WANG_FADE,
    XLCELL_WANG_FIT,
    XLCELL_WANG_IN_RANGE,
    XLCELL_WANG_LOSS,
    XLCELL_WANG_SOH_BY_YEAR,
)
from xlcell.cell import default_design
from xlcell.degradation import SECONDS_PER_YEAR, SEIParams, sei_capacity_loss, sei_cycle_life, wang_cycle_life, wang_loss_percent

DESIGN = [["pos_material", "NMC811"], ["pos_thickness_um", 120.0], ["temperature_C", 25.0], [None, None]]


def test_wang_loss_udf_matches_published_formula():
    # Wang et al. 2011, Eq. (5), C/2, 25 °C, 1000 Ah: 31630 exp((-31700 + 370.3*0.5)/(8.314*298.15)) 1000^0.55
    expected = 31630 * math.exp((-31700 + 370.3 * 0.5) / (8.314 * 298.15)) * 1000 ** 0.55
    assert XLCELL_WANG_LOSS(0.5, 25.0, 1000.0) == pytest.approx(expected, rel=1e-12)
    assert XLCELL_WANG_LOSS("0.5", 25.0, 1000.0) == pytest.approx(expected, rel=1e-12)


def test_wang_udf_errors_are_cell_text():
    assert XLCELL_WANG_LOSS(-1.0, 25.0, 100.0).startswith("#XLCELL! c_rate = -1")
    assert XLCELL_WANG_LOSS(0.5, None, 100.0).startswith("#XLCELL! temperature_C = blank")
    assert XLCELL_WANG_LOSS(0.5, 25.0, -5.0).startswith("#XLCELL! ah_throughput")


def test_wang_cycle_life_and_fade_udfs():
    n = XLCELL_WANG_CYCLE_LIFE(2.0, 45.0, 0.8, 0.9)
    assert n == pytest.approx(float(wang_cycle_life(2.0, 318.15, 0.8, 0.9)))
    t = XLCELL_WANG_FADE(0.5, 25.0, [[0.0], [1000.0]], None)
    assert t[0] == ["cycles", "ah_throughput", "soh", "in_tested_range"]
    assert t[1][2] == 1.0 and t[2][1] == pytest.approx(2200.0) and t[2][3] is True
    assert XLCELL_WANG_FADE(0.25, 25.0, [[100.0]])[1][3] is False  # below C/2: B held, flagged
    assert XLCELL_WANG_FADE(20.0, 25.0, [[100.0]])[0][0].startswith("#XLCELL! c_rate = 20")  # no published B
    s = XLCELL_WANG_SOH_BY_YEAR(0.5, 25.0, 3.0, 365.0)
    assert len(s) == 3 and s[0] == [1.0] and s[2][0] < s[1][0] < 1.0


def test_wang_udfs_refuse_rates_without_a_published_b():
    # the audit's cases: 1e6 C gave inf %, 3000 C at -60 °C gave 2e270 %, SOH_BY_YEAR(1e6 C) gave NaN
    assert XLCELL_WANG_LOSS(1e6, 25.0, 1000.0).startswith("#XLCELL! c_rate = 1e+06: must be a number > 0 and <= 10")
    assert XLCELL_WANG_LOSS(3000.0, -60.0, 1000.0).startswith("#XLCELL! c_rate = 3000")
    assert XLCELL_WANG_SOH_BY_YEAR(1e6, 25.0, 3.0, 365.0)[0][0].startswith("#XLCELL! c_rate = 1e+06")
    assert XLCELL_WANG_CYCLE_LIFE(10.5, 25.0).startswith("#XLCELL! c_rate = 10.5")
    assert isinstance(XLCELL_WANG_LOSS(10.0, 25.0, 1000.0), float)  # 10C itself is published


def test_wang_loss_udf_is_at_most_100_percent():
    assert XLCELL_WANG_LOSS(10.0, 150.0, 1e12) == 100.0
    s = [r[0] for r in XLCELL_WANG_SOH_BY_YEAR(10.0, 150.0, 30.0, 1e5)]
    assert all(math.isfinite(x) and 0.0 <= x <= 1.0 for x in s) and s[-1] == 0.0


def test_wang_udfs_validate_dod():
    # the audit's cases: dod = 0 gave SOH 1.0 forever, dod = 2 was accepted, dod = -1 gave "ah_throughput = -803"
    for bad in (0.0, 2.0, -1.0):
        text = XLCELL_WANG_SOH_BY_YEAR(0.5, 25.0, 3.0, 365.0, bad)[0][0]
        assert text.startswith(f"#XLCELL! dod = {bad:g}: must be a number between 0 (exclusive) and 1"), text
        assert XLCELL_WANG_CYCLE_LIFE(0.5, 25.0, 0.8, bad).startswith(f"#XLCELL! dod = {bad:g}")
    assert XLCELL_WANG_SOH_BY_YEAR(0.5, 25.0, 2.0, 365.0, 0.5)[1][0] < 1.0


def test_soh_by_year_udfs_cap_the_years():
    assert len(XLCELL_WANG_SOH_BY_YEAR(0.5, 25.0, 100.0, 365.0)) == 100
    assert XLCELL_WANG_SOH_BY_YEAR(0.5, 25.0, 1e7, 365.0)[0][0] == (
        "#XLCELL! years = 1e+07: must be a whole number between 1 and 100 (the longest LCOS lifetime)")
    assert XLCELL_SEI_SOH_BY_YEAR(DESIGN, 101.0)[0][0].startswith("#XLCELL! years = 101: must be a whole number between 1 and 100")
    assert len(XLCELL_SEI_SOH_BY_YEAR(DESIGN, 100.0)) == 100


def test_wang_in_range_udf_flags_extrapolation():
    assert XLCELL_WANG_IN_RANGE(0.5, 25.0) is True and XLCELL_WANG_IN_RANGE(10.0, 60.0) is True
    assert XLCELL_WANG_IN_RANGE(0.25, 25.0) is False  # below C/2
    assert XLCELL_WANG_IN_RANGE(2.0, 80.0) is False and XLCELL_WANG_IN_RANGE(2.0, -40.0) is False
    assert XLCELL_WANG_IN_RANGE(20.0, 25.0) is False  # out of range, though WANG_LOSS refuses it
    assert XLCELL_WANG_IN_RANGE(-1.0, 25.0).startswith("#XLCELL! c_rate = -1")


def test_wang_fit_udf():
    c, T, ah = [0.5, 0.5, 0.5, 2.0, 2.0, 2.0], [25.0, 45.0, 60.0, 25.0, 45.0, 60.0], [500.0, 1500.0, 3000.0, 800.0, 2000.0, 4000.0]
    loss = [XLCELL_WANG_LOSS(0.5, t, a) * 1.0 for t, a in zip(T, ah)]  # one B: rates differ only through k
    rows = [["c_rate", "temperature_C", "ah_throughput", "loss_pct"]] + [[a, b, x, y] for a, b, x, y in zip(c, T, ah, loss)]
    out = dict(XLCELL_WANG_FIT(rows))
    assert out["z"] == pytest.approx(0.55, rel=1e-3)
    assert out["temperature_C_min"] == pytest.approx(25.0) and out["ah_max"] == 4000.0
    assert "activation_energy_J_mol" in out["fitted"]
    assert out["held_at_published"] == "none" and out["n_points"] == 6 and out["n_dropped"] == 0
    assert out["z_stderr"] >= 0 and out["activation_energy_J_mol_stderr"] >= 0
    from workbooks.sheets.lifetime import FIT_ITEMS

    assert len(XLCELL_WANG_FIT(rows)) == FIT_ITEMS  # the Lifetime sheet reserves this many rows
    bad = XLCELL_WANG_FIT([["c_rate", "temperature_C"], [1.0, 25.0]])
    assert bad[0][0].startswith("#XLCELL! data is missing column(s)")


def test_wang_fit_udf_reports_held_coefficients_and_dropped_rows():
    # every row at the same Ah: z cannot be fitted; it is held at 0.55 and the table says so
    T, c = [25.0, 35.0, 45.0, 25.0, 35.0, 45.0], [0.5, 0.5, 0.5, 2.0, 2.0, 2.0]
    loss = [float(wang_loss_percent(x, t + 273.15, 1000.0, b=20000.0, activation_energy_J_mol=30000.0, k_J_mol=300.0))
            for x, t in zip(c, T)]
    rows = [["c_rate", "temperature_C", "ah_throughput", "loss_pct"]] + [[x, t, 1000.0, q] for x, t, q in zip(c, T, loss)]
    out = dict(XLCELL_WANG_FIT(rows + [[1.0, 25.0, 0.0, 0.0], [1.0, 25.0, 500.0, -0.1]]))
    assert out["z"] == 0.55 and out["z_stderr"] == "held"
    assert out["held_at_published"] == "z (one Ah throughput in the data)"
    assert out["b"] == pytest.approx(20000.0, rel=1e-6) and out["activation_energy_J_mol"] == pytest.approx(30000.0, rel=1e-6)
    assert out["n_points"] == 6 and out["n_dropped"] == 2
    # one temperature and one C-rate: E_a and k held too
    one = dict(XLCELL_WANG_FIT([rows[0]] + [[0.5, 25.0, a, 0.01 * a ** 0.5] for a in (100.0, 400.0, 900.0)]))
    assert one["held_at_published"] == "activation_energy_J_mol (one temperature in the data); k_J_mol (one C-rate in the data)"
    assert one["activation_energy_J_mol_stderr"] == "held" and one["z"] == pytest.approx(0.5, rel=1e-9)
    # temperature and throughput in lockstep: refused, not a reassuring fit
    lock = [rows[0]] + [[x, t, a, 1.0 + i] for i, (x, t, a) in enumerate(
        [(0.5, 25.0, 500.0), (2.0, 25.0, 500.0), (0.5, 45.0, 2000.0), (2.0, 45.0, 2000.0), (1.0, 25.0, 500.0)])]
    assert XLCELL_WANG_FIT(lock)[0][0].startswith("#XLCELL! fit_wang: the data's temperature, C-rate and Ah throughput vary together")


def test_sei_udfs_match_kernel():
    d = default_design()
    loss = XLCELL_SEI_LOSS(DESIGN, 2.0, 730.0)
    assert loss == pytest.approx(float(sei_capacity_loss(d, 2 * SECONDS_PER_YEAR, 730.0).capacity_loss_fraction) * 100, rel=1e-12)
    assert XLCELL_SEI_CYCLE_LIFE(DESIGN, None, None) == pytest.approx(float(sei_cycle_life(d, 365.0, 0.8)), rel=1e-12)
    # SEI parameters from a (key, value) range in display units
    p = [["sei_activation_energy_kJ_mol", 30.0], ["sei_diffusivity_m2_s", 5e-22]]
    assert XLCELL_SEI_CYCLE_LIFE(DESIGN, 365.0, 0.8, p) == pytest.approx(
        float(sei_cycle_life(d, 365.0, 0.8, SEIParams(activation_energy_J_mol=30e3, diffusivity_m2_s=5e-22))), rel=1e-12)


def test_sei_udfs_see_the_design():
    small = DESIGN + [["neg_particle_radius_um", 3.0]]
    assert XLCELL_SEI_LOSS(small, 1.0, 0.0) > 1.9 * XLCELL_SEI_LOSS(DESIGN, 1.0, 0.0)


def test_sei_fade_and_soh_tables():
    t = XLCELL_SEI_FADE(DESIGN, [[0.0, 500.0, 1000.0]], 250.0)
    assert t[0] == ["cycles", "years", "soh", "sei_thickness_nm"]
    assert t[1][2] == 1.0 and t[1][3] == pytest.approx(5.0)
    assert t[3][1] == pytest.approx(4.0) and t[3][2] < t[2][2] < 1.0
    s = XLCELL_SEI_SOH_BY_YEAR(DESIGN, 5.0, 365.0)
    assert [r[0] for r in s][0] == 1.0 and len(s) == 5 and np.all(np.diff([r[0] for r in s]) < 0)


def test_sei_loss_udf_is_at_most_100_percent():
    assert XLCELL_SEI_LOSS(DESIGN, 1e9) == 100.0  # was 99,573 %
    assert 0 < XLCELL_SEI_LOSS(DESIGN, 1.0) < 100.0
    assert [r[2] for r in XLCELL_SEI_FADE(DESIGN, [[0.0], [1e9]], 1.0)[1:]] == [1.0, 0.0]


def test_sei_udf_errors():
    assert XLCELL_SEI_LOSS(DESIGN, -1.0).startswith("#XLCELL! years = -1")
    assert XLCELL_SEI_LOSS(DESIGN, 1.0, 0.0, [["sei_nonsense", 1.0]]).startswith("#XLCELL! unknown sei_params key")
    assert XLCELL_SEI_LOSS(DESIGN, 1.0, 0.0, [["sei_activation_energy_kJ_mol", -5.0]]).startswith(
        "#XLCELL! sei_activation_energy_kJ_mol = -5")
    assert XLCELL_SEI_CYCLE_LIFE(DESIGN, 365.0, 1.5).startswith("#XLCELL! eol_soh = 1.5")
    assert XLCELL_SEI_SOH_BY_YEAR(DESIGN, 2.5)[0][0].startswith("#XLCELL! years = 2.5")


def test_crack_udf_ratio_four_for_doubled_thickness():
    a = dict(XLCELL_CRACK(DESIGN + [["neg_thickness_um", 150.0]], "neg"))
    b = dict(XLCELL_CRACK(DESIGN + [["neg_thickness_um", 300.0]], None))
    assert a["cracked"] is True and b["cracked"] is True
    assert b["delta_resistance_mohm"] / a["delta_resistance_mohm"] == pytest.approx(4.0, rel=1e-12)
    thin = dict(XLCELL_CRACK(DESIGN + [["neg_thickness_um", 40.0]]))
    assert thin["cracked"] is False and thin["delta_resistance_mohm"] == 0.0
    assert XLCELL_CRACK(DESIGN, "middle")[0][0].startswith("#XLCELL! electrode = 'middle'")


# --- the life model (issue 17 item 2) ----------------------------------------------------------------------------

def test_cycle_life_udf_is_the_kernel_at_the_duty():
    from udfs.cell import design_from_range
    from xlcell.degradation import MechanicsParams, cycle_life
    from xlcell.duty import Duty

    d = design_from_range(DESIGN)
    assert XLCELL_CYCLE_LIFE(DESIGN) == pytest.approx(float(cycle_life(d).cycle_life), rel=1e-12)
    duty = [["c_rate", 2.0], ["dod", 0.8], ["temperature_C", 35.0], ["cycles_per_year", 500.0], ["eol_soh", 0.7]]
    want = cycle_life(d, Duty(c_rate_per_h=2.0, dod=0.8, temperature_K=308.15, cycles_per_year=500.0, eol_soh=0.7))
    assert XLCELL_CYCLE_LIFE(DESIGN, duty) == pytest.approx(float(want.cycle_life), rel=1e-12)
    # blank C-rate and temperature: the design's (C/3 and 25 °C here)
    assert XLCELL_CYCLE_LIFE(DESIGN, [["c_rate", None], ["temperature_C", None], ["dod", 1.0]]) == XLCELL_CYCLE_LIFE(DESIGN)
    # one parameter range for the SEI, the particle mechanics and the coating cracks
    p = [["sei_activation_energy_kJ_mol", 50.0], ["neg_youngs_modulus_GPa", 10.0], ["crack_modulus_GPa", 2.0]]
    want = cycle_life(d, Duty(), SEIParams(activation_energy_J_mol=50e3), MechanicsParams(neg_youngs_modulus_Pa=10e9))
    assert XLCELL_CYCLE_LIFE(DESIGN, None, p) == pytest.approx(float(want.cycle_life), rel=1e-12)


def test_cycle_life_udf_orderings():
    # thicker, faster, deeper (at equal equivalent full cycles per year) and hotter (above 30 °C) -> shorter
    thin, thick = ([r for r in DESIGN if r[0] != "pos_thickness_um"] + [["pos_thickness_um", L]] for L in (80.0, 200.0))
    assert XLCELL_CYCLE_LIFE(thick) < XLCELL_CYCLE_LIFE(thin)
    assert XLCELL_CYCLE_LIFE(DESIGN, [["c_rate", 2.0]]) < XLCELL_CYCLE_LIFE(DESIGN, [["c_rate", 0.5]])
    assert XLCELL_CYCLE_LIFE(DESIGN, [["dod", 1.0], ["cycles_per_year", 300.0]]) < \
        XLCELL_CYCLE_LIFE(DESIGN, [["dod", 0.5], ["cycles_per_year", 600.0]])
    assert XLCELL_CYCLE_LIFE(DESIGN, [["temperature_C", 45.0]]) < XLCELL_CYCLE_LIFE(DESIGN, [["temperature_C", 35.0]])


def test_life_table_fade_and_soh_by_year():
    out = dict(XLCELL_LIFE(DESIGN, [["eol_soh", 0.75]]))
    assert out["cycle_life"] == pytest.approx(XLCELL_CYCLE_LIFE(DESIGN, [["eol_soh", 0.75]]), rel=1e-12)
    shares = out["eol_loss_sei_pct"] + out["eol_loss_sei_cracks_pct"] + out["eol_loss_lam_neg_pct"] + out["eol_loss_lam_pos_pct"]
    assert shares == pytest.approx(25.0, rel=1e-9)  # the mechanisms' losses add up to 1 - eol_soh
    assert out["resistance_eol_mohm"] > out["resistance_bol_mohm"]
    t = XLCELL_LIFE_FADE(DESIGN, [[0.0, 1000.0, out["cycle_life"]]], [["eol_soh", 0.75]])
    assert t[0] == ["efc", "years", "soh", "loss_sei_pct", "loss_sei_cracks_pct", "loss_lam_neg_pct", "loss_lam_pos_pct"]
    assert t[1][2] == 1.0 and 0.75 < t[2][2] < 1.0 and t[3][2] == pytest.approx(0.75, rel=1e-9)
    assert t[2][1] == pytest.approx(1000.0 / 365.0)
    s = [r[0] for r in XLCELL_LIFE_SOH_BY_YEAR(DESIGN, 6.0, None, [["cycles_per_year", 200.0]])]
    assert [r[0] for r in XLCELL_LIFE_SOH_BY_YEAR(DESIGN, 6.0, 200.0)] == s  # the argument overrides the duty's
    assert s[0] == 1.0 and len(s) == 6 and np.all(np.diff(s) < 0)
    assert s[3] == pytest.approx(XLCELL_LIFE_FADE(DESIGN, [[600.0]], [["cycles_per_year", 200.0]])[1][2], rel=1e-12)


def test_life_udf_errors_name_the_argument():
    assert XLCELL_CYCLE_LIFE(DESIGN, [["dod", 1.5]]).startswith("#XLCELL! dod = 1.5")
    assert XLCELL_CYCLE_LIFE(DESIGN, [["eol_soh", 1.0]]).startswith("#XLCELL! eol_soh = 1")
    assert XLCELL_CYCLE_LIFE(DESIGN, [["c_rat", 1.0]]).startswith("#XLCELL! unknown duty key 'c_rat'; did you mean c_rate?")
    assert XLCELL_CYCLE_LIFE(DESIGN, None, [["neg_paris_m", 1.0]]).startswith("#XLCELL! neg_paris_m = 1")
    assert XLCELL_CYCLE_LIFE(DESIGN, None, [["paris", 1.0]]).startswith("#XLCELL! unknown life_params key 'paris'")
    assert XLCELL_LIFE_FADE(DESIGN, [[-1.0]])[0][0].startswith("#XLCELL! cycles")
    assert XLCELL_LIFE_SOH_BY_YEAR(DESIGN, 0)[0][0].startswith("#XLCELL! years = 0")
    assert XLCELL_LIFE_SOH_BY_YEAR(DESIGN, 3, -1.0)[0][0].startswith("#XLCELL! cycles_per_year = -1")
