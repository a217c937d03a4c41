"""Calendering UDFs called exactly as Excel delivers values on Linux (decorators are no-ops there):
a scalar, a list of lists for a range, None for a blank cell, float for numbers, str for text."""
import numpy as np
import pytest

import udfs
from udfs.calendering import (
    CALENDERING_COLUMNS,
    XLCELL_ADAPTIVE_LINE_LOAD,
    XLCELL_BRUGGEMAN_POSTERIOR,
    XLCELL_CALENDERED_THICKNESS,
    XLCELL_CALENDERING,
    XLCELL_CALENDERING_MATERIALS,
    XLCELL_COATING_POROSITY,
    XLCELL_KAPPA_EFF,
    XLCELL_LINE_LOAD_FOR_POROSITY,
    XLCELL_NIP_PRESSURE,
    XLCELL_POROSITY,
    XLCELL_POROSITY_PROFILE,
    XLCELL_PRESSURE_PROFILE,
    XLCELL_PRESSURE_PROFILE_SUMMARY,
    XLCELL_ROLL_CROWN,
    XLCELL_ROLL_DEFLECTION,
)
from udfs.cell import XLCELL_BRUGGEMAN
from xlcell.calendering import calendering_performance, get_calendering_material
from xlcell.cell import default_design
from xlcell.pressure_profile import optimal_pressure_profile


def test_all_calendering_udfs_are_registered():
    names = set(udfs.udf_functions())
    assert {"XLCELL_POROSITY", "XLCELL_LINE_LOAD_FOR_POROSITY", "XLCELL_CALENDERED_THICKNESS", "XLCELL_KAPPA_EFF",
            "XLCELL_ROLL_DEFLECTION", "XLCELL_CALENDERING", "XLCELL_PRESSURE_PROFILE"} <= names


def test_porosity_and_its_inverse_in_display_units():
    # 600 N/mm = γ: 1/e of the way from 0.47 to 0.18 is left
    assert XLCELL_POROSITY(600.0, 0.47, 0.18, 600.0) == pytest.approx(0.18 + 0.29 / np.e)
    assert XLCELL_LINE_LOAD_FOR_POROSITY(0.18 + 0.29 / np.e, 0.47, 0.18, 600.0) == pytest.approx(600.0)
    assert XLCELL_POROSITY("1000", 0.47, 0.18, 600.0) == pytest.approx(XLCELL_POROSITY(1000.0, 0.47, 0.18, 600.0))


@pytest.mark.parametrize("call,expected", [
    (lambda: XLCELL_LINE_LOAD_FOR_POROSITY(0.15, 0.47, 0.18, 600.0), "#XLCELL! target_porosity = 0.15 is at or below the minimum porosity 0.18"),
    (lambda: XLCELL_LINE_LOAD_FOR_POROSITY(0.5, 0.47, 0.18, 600.0), "#XLCELL! target_porosity = 0.5 is above"),
    (lambda: XLCELL_POROSITY(-5.0, 0.47, 0.18, 600.0), "#XLCELL! line_load_N_mm = -5: must be a number >= 0 N/mm"),
    (lambda: XLCELL_POROSITY(100.0, None, 0.18, 600.0), "#XLCELL! eps0 = blank"),
    (lambda: XLCELL_POROSITY(100.0, 0.47, 0.18, "soft"), "#XLCELL! gamma_N_mm = 'soft': must be a number"),
    (lambda: XLCELL_ADAPTIVE_LINE_LOAD(0.22, 0.4, "NMC811"), "#XLCELL! target_porosity 0.22 is below NMC811's fracture-onset porosity"),
    (lambda: XLCELL_ADAPTIVE_LINE_LOAD(0.3, 0.4, "Unobtainium"), "#XLCELL! unknown material 'Unobtainium'"),
    (lambda: XLCELL_ADAPTIVE_LINE_LOAD(0.3, 0.9, "NMC811"), "#XLCELL! solids_fraction = 0.9: must be below 0.732 for NMC811"),
    (lambda: XLCELL_CALENDERING("NMC811", 0.0, 0.02, [[100.0]])[0][0], "#XLCELL! am_frac = 0: must be a mass fraction > 0"),
    (lambda: XLCELL_CALENDERING("NMC811", 0.96, 0.02, [[100.0]], 0.8)[0][0], "#XLCELL! solids_fraction = 0.8"),
    (lambda: XLCELL_ROLL_DEFLECTION(1000.0, 1.5, 1.2, 0.6), "#XLCELL! face_width_m = 1.5"),
    (lambda: XLCELL_ROLL_DEFLECTION(1000.0, 0.8, 1.2, 0.6, 0.7), "#XLCELL! bore_diameter_m = 0.7"),
])
def test_errors_are_short_cell_texts(call, expected):
    out = call()
    assert isinstance(out, str) and out.startswith(expected) and "Traceback" not in out and len(out) < 220


def test_adaptive_line_load_graphite_reaches_what_nmc_refuses():
    q = XLCELL_ADAPTIVE_LINE_LOAD(0.22, 0.4, "Graphite")
    g = get_calendering_material("Graphite")
    e0 = XLCELL_COATING_POROSITY(0.4, g.drying_shrinkage)
    assert XLCELL_POROSITY(q, e0, g.eps_min, g.gamma_N_m / 1e3) == pytest.approx(0.22)


def test_thickness_and_kappa_eff():
    assert XLCELL_CALENDERED_THICKNESS(171.0, 0.47, 0.25) == pytest.approx(171.0 * 0.53 / 0.75)
    assert XLCELL_KAPPA_EFF(1.0, 0.25, 1.5) == pytest.approx(0.125)  # κ0 ε/τ, τ = 0.25^-0.5 = 2
    assert XLCELL_KAPPA_EFF(1.2, 0.3, None) == XLCELL_BRUGGEMAN(1.2, 0.3, None)


def test_roll_deflection_and_crown_udfs():
    # q = 1000 N/mm, w = 0.8 m, l = 1.2 m, solid D = 0.6 m, steel: 17.565 µm (closed form, see test_roll)
    assert XLCELL_ROLL_DEFLECTION(1000.0, 0.8, 1.2, 0.6) == pytest.approx(17.565, rel=1e-4)
    assert XLCELL_ROLL_DEFLECTION(1000.0, 0.8, 1.2, 0.6, None, 210.0) == XLCELL_ROLL_DEFLECTION(1000.0, 0.8, 1.2, 0.6)
    crown = dict(XLCELL_ROLL_CROWN(1000.0, 0.8, 1.2, 0.6))
    assert crown["bending_deflection_um"] == pytest.approx(17.565, rel=1e-4)
    assert crown["crown_radius_m"] == pytest.approx(0.4**2 / (2 * crown["crown_height_um"] * 1e-6))
    assert crown["thermal_crown_K"] == pytest.approx(crown["crown_height_um"] * 1e-6 / (12e-6 * 0.3))


def test_porosity_profile_udf_spills_five_columns():
    out = XLCELL_POROSITY_PROFILE(800.0, "NMC811", 171.0, 0.4737, 0.8, 1.2, 0.6, None, None, 11.0)
    assert out[0] == ["x_mm", "porosity_no_crown", "porosity_crowned", "line_load_no_crown_N_mm", "softening_dT_K"]
    assert len(out) == 12
    assert np.mean([r[3] for r in out[1:] if r[3] is not None]) > 0 and out[6][4] > 0  # heat the under-loaded centre
    bare = np.array([r[1] for r in out[1:]])
    crowned = np.array([r[2] for r in out[1:]])
    assert np.ptp(crowned) < 0.1 * np.ptp(bare)
    assert out[1][0] == pytest.approx(-400.0) and out[-1][0] == pytest.approx(400.0)


def test_calendering_table_matches_the_model_in_one_call():
    loads = [[0.0], [250.0], [500.0], [1000.0]]
    out = XLCELL_CALENDERING("NMC811", 0.96, 0.02, loads, None,
                             [["line_load_N_mm", "porosity", "kappa_eff_S_m", "energy_density_Wh_L", "fractured"]])
    assert out[0] == ["line_load_N_mm", "porosity", "kappa_eff_S_m", "energy_density_Wh_L", "fractured"]
    micro, cell = calendering_performance(default_design(), np.array([0.0, 250e3, 500e3, 1000e3]))
    np.testing.assert_allclose([r[1] for r in out[1:]], micro.porosity, rtol=1e-12)
    np.testing.assert_allclose([r[3] for r in out[1:]], cell.energy_density_J_m3 / 3.6e6, rtol=1e-12)
    assert [r[4] for r in out[1:]] == [False, False, False, True]
    full = XLCELL_CALENDERING("Graphite", 0.97, 0.03, [[100.0, 200.0]])
    assert "tortuosity" in full[0] and "max_power_W" in full[0] and len(full) == 3
    assert XLCELL_CALENDERING("NMC811", 0.96, 0.02, [[100.0]], None, [["porositi"]])[0][0].startswith(
        "#XLCELL! unknown metric 'porositi'")


def test_calendering_table_takes_an_edited_parameter_table():
    table = XLCELL_CALENDERING_MATERIALS()
    assert table[0] == CALENDERING_COLUMNS
    row = next(r for r in table if r[0] == "NMC811")
    row[CALENDERING_COLUMNS.index("gamma_N_mm")] = 300.0  # a softer coating compacts faster
    soft = XLCELL_CALENDERING("NMC811", 0.96, 0.02, [[300.0]], None, [["porosity"]], None, None, table)
    base = XLCELL_CALENDERING("NMC811", 0.96, 0.02, [[300.0]], None, [["porosity"]])
    assert soft[1][0] < base[1][0]


def test_pressure_profile_udfs():
    out = XLCELL_PRESSURE_PROFILE(0.47, 0.30, 0.18, 200.0, 3.0, 1.0, 3.0, None, 11.0)
    assert out[0][:3] == ["time_ms", "pressure_MPa", "porosity"] and len(out) == 12
    ref = optimal_pressure_profile(0.47, 0.30, 0.18, 200e6, 3e-3, 1e-3, 3e-3, points=11)
    np.testing.assert_allclose([r[1] for r in out[1:]], ref.pressure_Pa / 1e6, rtol=1e-9)
    assert out[-1][2] == pytest.approx(0.30, abs=1e-6)
    s = dict(XLCELL_PRESSURE_PROFILE_SUMMARY(0.47, 0.30, 0.18, 200.0, 3.0, 1.0, 3.0))
    assert s["objective_optimal"] < s["objective_constant"] and s["improvement"] > 0
    bad = XLCELL_PRESSURE_PROFILE(0.47, 0.10, 0.18, 200.0, 3.0, 1.0, 3.0)
    assert bad == [[bad[0][0]]] and bad[0][0].startswith("#XLCELL! target_porosity = 0.1 must lie between")


def test_bruggeman_posterior_udf():
    from xlcell.tortuosity_inference import infer_bruggeman_exponent, ionic_resistance

    eps = [0.45, 0.40, 0.35, 0.30, 0.25]
    r_ohm_cm2 = [float(ionic_resistance(e, 80e-6, 1.0, 1.8)) * 1e4 * f for e, f in zip(eps, [1.02, 0.97, 1.01, 1.03, 0.98])]
    out = dict(XLCELL_BRUGGEMAN_POSTERIOR([[e] for e in eps], [[r] for r in r_ohm_cm2], 80.0, 1.0, 0.03))
    ref = infer_bruggeman_exponent(eps, np.array(r_ohm_cm2) * 1e-4, 80e-6, 1.0, rel_noise=0.03)
    assert out["alpha_mean"] == pytest.approx(ref.mean) and out["n"] == 5.0
    assert out["alpha_ci_low"] < 1.8 < out["alpha_ci_high"]
    bad = XLCELL_BRUGGEMAN_POSTERIOR([[0.3], [0.4]], [[1.0]], 80.0, 1.0)
    assert bad[0][0].startswith("#XLCELL! resistances_ohm_cm2 is 1 values")


def test_nip_pressure_udf():
    from xlcell.calendering import nip_pressure

    nmc = get_calendering_material("NMC811")
    got = XLCELL_NIP_PRESSURE(1000.0, 0.6, 170.0, 0.47, "NMC811")
    assert got == pytest.approx(nip_pressure(1e6, 0.3, 170e-6, 0.47, nmc) / 1e6, rel=1e-12)
    assert 50.0 < got < 500.0  # tens to hundreds of MPa at 1000 N/mm
    assert XLCELL_NIP_PRESSURE(0.0, 0.6, 170.0, 0.47, "NMC811") == 0.0


def test_porosity_profile_udf_refuses_eps_before_below_eps_min():
    out = XLCELL_POROSITY_PROFILE(1000.0, "NMC811", 171.0, 0.1, 0.8, 1.2, 0.6)
    assert out[0][0].startswith("#XLCELL! eps_before = 0.1: must be above the material's minimum porosity")


def test_porosity_profile_udf_blanks_capped_strips_and_refuses_failed_profiles():
    # default sheet roll at 900 N/mm, uncrowned: the face-edge strips are at ε_min, their load is the model cap -> blank
    out = XLCELL_POROSITY_PROFILE(900.0, "NMC811", 170.0, 0.4737, 0.8, 1.2, 0.6, None, None, 21.0)
    edge, centre = out[1], out[11]
    assert edge[1] == pytest.approx(0.18) and edge[3] is None and edge[4] is None
    assert isinstance(centre[3], float) and centre[4] > 0
    assert all(not isinstance(v, str) for r in out[1:] for v in r)  # no "inf" text
    bad = XLCELL_POROSITY_PROFILE(1000.0, "NMC811", 170.0, 0.4737, 1.0, 1.2, 0.3)
    assert bad[0][0].startswith("#XLCELL! the cross-width model carries only") and "(without crown)" in bad[0][0]


def test_fracture_line_load_and_check_udfs():
    from udfs.calendering import XLCELL_FRACTURE_CHECK, XLCELL_FRACTURE_LINE_LOAD
    from xlcell.calendering import fracture_line_load

    nmc = get_calendering_material("NMC811")
    # q_f = γ ln((ε0 - ε_min)/(ε_f - ε_min)) = 600 ln(0.2937/0.06) = 952.9 N/mm for ε0 = 0.4737
    assert XLCELL_FRACTURE_LINE_LOAD(0.4737, "NMC811") == pytest.approx(600 * np.log(0.2937 / 0.06), rel=1e-12)
    assert XLCELL_FRACTURE_LINE_LOAD(0.4737, "NMC811") == pytest.approx(fracture_line_load(0.4737, nmc) / 1e3)
    assert XLCELL_FRACTURE_LINE_LOAD(0.4737, "Graphite") == "none (ductile)"
    assert XLCELL_FRACTURE_CHECK(800.0, 0.4737, "NMC811").startswith("OK: below NMC811's fracture line load 953 N/mm")
    assert XLCELL_FRACTURE_CHECK(1000.0, 0.4737, "NMC811").startswith("WARNING: NMC811 particles crack")
    assert XLCELL_FRACTURE_CHECK(3000.0, 0.4737, "Graphite").startswith("OK: Graphite is ductile")
    assert XLCELL_FRACTURE_LINE_LOAD(0.1, "NMC811").startswith("#XLCELL! eps_before = 0.1")
    out = XLCELL_CALENDERING("NMC811", 0.96, 0.02, [[800.0], [1000.0]], None, [["fractured", "feasible"]])
    assert out[1:] == [[False, True], [True, False]]
    g = XLCELL_CALENDERING("Graphite", 0.96, 0.02, [[800.0]], None, [["fracture_line_load_N_mm"]])
    assert g[1] == ["none (ductile)"]


def test_calendered_thickness_udf_refuses_eps_after_above_eps_before():
    out = XLCELL_CALENDERED_THICKNESS(170.0, 0.3, 0.47)
    assert out.startswith("#XLCELL! eps_after = 0.47: must be at most eps_before")


def test_pressure_scale_udf_and_profile_fracture_check():
    from udfs.calendering import XLCELL_PRESSURE_SCALE
    from xlcell.calendering import nip_pressure

    nmc = get_calendering_material("NMC811")
    pc = XLCELL_PRESSURE_SCALE(800.0, 0.6, 170.0, 0.4737, "NMC811")
    # γ / nip length = γ p_nip / q
    assert pc == pytest.approx(600.0 * 1e3 * nip_pressure(8e5, 0.3, 170e-6, 0.4737, nmc) / 8e5 / 1e6, rel=1e-12)
    assert XLCELL_PRESSURE_SCALE(0.0, 0.6, 170.0, 0.4737, "NMC811").startswith("#XLCELL! line_load_N_mm = 0")
    # the profile UDFs keep their signature; with a material they refuse targets that crack its particles
    args = (0.47, 0.22, 0.18, pc, 10.0, 1.0, 3.0)
    assert XLCELL_PRESSURE_PROFILE(*args)[0][0] == "time_ms"  # no material: no fracture check (compatible)
    bad = XLCELL_PRESSURE_PROFILE(*args, None, None, None, "NMC811")
    assert bad[0][0].startswith("#XLCELL! target_porosity 0.22 is below NMC811's fracture-onset porosity 0.24")
    bad_s = XLCELL_PRESSURE_PROFILE_SUMMARY(*args, None, None, "NMC811")
    assert bad_s[0][0].startswith("#XLCELL! target_porosity 0.22 is below")
    assert dict(XLCELL_PRESSURE_PROFILE_SUMMARY(0.47, 0.25, 0.18, pc, 3.0, 1.0, 3.0, None, None, "NMC811"))["improvement"] > 0


def test_line_load_for_pressure_udf_inverts_the_nip_pressure():
    from udfs.calendering import XLCELL_LINE_LOAD_FOR_PRESSURE

    p = XLCELL_NIP_PRESSURE(800.0, 0.6, 170.0, 0.4737, "NMC811")
    assert XLCELL_LINE_LOAD_FOR_PRESSURE(p, 0.6, 170.0, 0.4737, "NMC811") == pytest.approx(800.0, rel=1e-9)
    assert XLCELL_LINE_LOAD_FOR_PRESSURE(-1.0, 0.6, 170.0, 0.4737, "NMC811").startswith("#XLCELL! pressure_MPa = -1")
    assert "XLCELL_LINE_LOAD_FOR_PRESSURE" in udfs.udf_functions()


def test_no_infinite_values_as_inf_text():
    # audit: infinities reached cells as the text "inf" (ductile fracture load, softening ΔT, zero-load crown)
    crown = dict(XLCELL_ROLL_CROWN(0.0, 0.8, 1.2, 0.6))
    assert crown["crown_radius_m"] == "none (flat: no load)"
    assert all(v != "inf" for v in crown.values())
    table = XLCELL_CALENDERING("Graphite", 0.96, 0.02, [[0.0], [500.0]])
    assert all(v not in ("inf", "-inf") for row in table for v in row)
    # a thin roll (D = 0.3 m, 1 m face) at 200 N/mm: the face centre lifts off the coating (no load: no
    # temperature helps, ΔT was inf) -> blank, like the load-unresolved strips at ε_min
    out = XLCELL_POROSITY_PROFILE(200.0, "NMC811", 170.0, 0.4737, 1.0, 1.2, 0.3, None, None, 21.0)
    centre = out[11]
    assert centre[3] == 0.0 and centre[4] is None and centre[1] == pytest.approx(0.4737)
    assert all(v not in ("inf", "-inf") for row in out for v in row)


def test_calendering_table_shows_a_row_without_a_rated_cell_in_that_row():
    # the review's case: an LFP positive (93.9/4/2.1 wt%) swept from 0 N/mm spilled one "#XLCELL! nominal_voltage_V =
    # -80092.6 (design 1)" for the whole range, because its uncalendered coating does not conduct
    loads = [[0.0], [50.0], [100.0], [500.0], [2000.0]]
    keys = ["line_load_N_mm", "porosity", "carbon_volume_fraction", "percolation_threshold", "rated",
            "energy_density_Wh_L", "max_power_W", "feasible"]
    out = XLCELL_CALENDERING("LFP", 0.939, 0.04, loads, None, [keys])
    assert out[0] == keys and len(out) == 6
    row = out[1]
    assert row[0] == 0.0 and row[1] == pytest.approx(0.4737, abs=1e-4)  # the microstructure is physical: numbers
    assert row[2] < row[3] and row[4] is False
    assert row[5].startswith("refused: no rated cell at 0 N/mm: the coating does not conduct (carbon volume fraction")
    assert row[6] == "" and row[7] is False  # the other cell columns blank, the flags FALSE
    # the other rows: numbers, equal to the sweep without that row
    rest = XLCELL_CALENDERING("LFP", 0.939, 0.04, loads[1:], None, [keys])
    assert out[2:] == rest[1:]
    assert all(isinstance(v, float) for r in out[2:] for v in r[:4] + r[5:7])
    # the default columns (all metrics): the reason in the first cell metric's column
    from xlcell.calendering import Microstructure
    from xlcell.params import specs

    full = XLCELL_CALENDERING("LFP", 0.939, 0.04, loads)
    first_cell = len(specs(Microstructure))  # the microstructure's columns come first
    assert full[0][first_cell] not in {s.key for s in specs(Microstructure)}
    assert full[1][first_cell].startswith("refused: no rated cell at 0 N/mm")
    assert all(isinstance(v, float) for v in full[1][:first_cell] if not isinstance(v, bool) and v != "none (ductile)")
    assert full[0].index("rated") < first_cell and full[1][full[0].index("rated")] is False
    # a bad argument is still one #XLCELL! text naming it
    assert XLCELL_CALENDERING("LFP", 0.939, 0.04, [[0.0], [-5.0]])[0][0].startswith(
        "#XLCELL! line_loads_N_mm = -5: must be a number >= 0")
