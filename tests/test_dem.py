"""The DEM calibration of the compaction law (issue 16 item 2): the stored LAMMPS curve, its fit, the shipped
material NMC811_dem and ``xlcell simulate dem``. CI never runs LAMMPS: the curve in tests/data was written by
scripts/dem_compaction.py (LAMMPS 22 Jul 2025, GRANULAR), the calibration by scripts/dem_calibrate.py."""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from app.cli import main
from app.cli_simulate import SIMULATIONS
from xlcell import dem
from xlcell.calendering import (calender, get_calendering_material, hierarchy, nip_pressure, porosity_after,
                                pressure_scale)
from xlcell.cell import default_design
from xlcell.conduction import coating_porosity
from xlcell.errors import InputError

CURVE = json.loads((Path(__file__).parent / "data" / "dem_compaction_curve.json").read_text(encoding="utf-8"))
CAL = dem.calibration()


def test_stored_curve_is_a_lammps_granular_run_with_its_metadata():
    assert CURVE["engine"] == "LAMMPS" and CURVE["engine_version"].startswith("2025.")
    assert "hertz/material" in CURVE["contact_model"] and "tangential mindlin" in CURVE["contact_model"]
    assert CURVE["particles"] >= 1000 and CURVE["periodic_lateral"] is True
    assert CURVE["psd"]["d50_um"] == pytest.approx(4.0)  # 2 x NMC811's particle_radius_um = 2.0 (materials.toml)
    assert CURVE["inertial_number_at_1e-3_E"] < 1e-2  # quasi-static compaction (GDR MiDi 2004: I < 1e-3..1e-2)
    assert CURVE["run_seconds"] > 0 and CURVE["seed"] == CAL.seed and CURVE["particles"] == CAL.particles


def test_stored_curve_is_physical_and_monotone():
    cols = CURVE["columns"]
    load = np.asarray(CURVE["loading"])
    eps, p = load[:, cols.index("porosity")], load[:, cols.index("pressure_over_E")]
    # the poured, cohesionless packing lies between random close (ε = 0.36) and random loose packing of frictional
    # spheres (φ_RLP = 0.555, ε = 0.445: Onoda & Liniger 1990, Phys. Rev. Lett. 64, 2727), polydispersity allowing a
    # little denser
    assert 0.34 < CURVE["settled_porosity"] < 0.46
    assert np.all(np.diff(eps) < 0)  # the wall only moves down while loading
    # once loaded, the pressure rises as the porosity falls (the fit points, every k-th recorded row)
    pr, es = dem.fit_points(CURVE, 0.0, 0.0)  # skeleton porosity, every loaded state
    assert np.all(np.diff(pr) > 0) and np.all(np.diff(es) < 0)
    assert 0.1 < es.min() < es.max() < 0.46 and p.max() >= 0.99 * 0.02  # compacted to p/E = 0.02
    # the fit points: electrode porosities down to NMC811's fracture onset, where the law is used
    assert min(CAL.porosity) >= get_calendering_material("NMC811").fracture_porosity == CAL.fit_min_porosity
    assert len(CAL.porosity) >= 20
    # unloading: the bed springs back (Hertz contacts are elastic), to about its poured height (the wall leaves the
    # bed within one largest particle of the poured surface)
    unload = np.asarray(CURVE["unloading"])
    assert unload[-1, cols.index("porosity")] > es.min()
    assert unload[-1, cols.index("wall_gap_d50")] <= CURVE["settled_bed_height_d50"] + CURVE["psd"]["d_max_over_d50"]


def test_refit_of_the_stored_curve_reproduces_the_stored_calibration():
    fresh = dem.calibrate(CURVE)
    for f in dataclasses.fields(dem.DemCalibration):
        a, b = getattr(fresh, f.name), getattr(CAL, f.name)
        if isinstance(a, str):
            assert a == b, f.name
        elif isinstance(a, tuple):
            np.testing.assert_allclose(a, b, rtol=1e-9, err_msg=f.name)
        else:
            assert a == pytest.approx(b, rel=1e-7), f.name
    assert fresh.r2 >= CAL.r2 - 1e-6 and CAL.r2 > 0.9


def test_fit_recovers_known_parameters_and_reports_r2():
    p = np.linspace(5e6, 400e6, 40)
    eps = porosity_after(p, 0.36, 0.12, 150e6)
    e0, em, pc, r2, rmse = dem.fit_compaction_law(p, eps)
    assert (e0, em, pc) == (pytest.approx(0.36, abs=1e-8), pytest.approx(0.12, abs=1e-8), pytest.approx(150e6, rel=1e-7))
    assert r2 == pytest.approx(1.0, abs=1e-12) and rmse < 1e-9
    noisy = eps + np.random.default_rng(3).normal(0, 0.004, p.size)
    assert dem.fit_compaction_law(p, noisy)[3] < 1.0
    with pytest.raises(InputError, match="pressure_Pa"):
        dem.fit_compaction_law([1.0, 2.0], [0.3, 0.2])


def test_fitted_law_follows_the_dem_curve_and_passes_the_anchor():
    p, eps = np.asarray(CAL.pressure_Pa), np.asarray(CAL.porosity)
    model = porosity_after(p, CAL.eps0, CAL.eps_min, CAL.pressure_scale_Pa)
    assert np.sqrt(np.mean((model - eps) ** 2)) == pytest.approx(CAL.rmse, rel=1e-9) and CAL.rmse < 0.01
    # the anchored curve goes through the anchor point
    order = np.argsort(eps)
    assert np.interp(CAL.anchor_porosity, eps[order], np.log(p[order])) == pytest.approx(np.log(CAL.anchor_pressure_Pa),
                                                                                          abs=1e-9)
    # the stored anchor is NMC811's law at 600 N/mm on the reference calender and that line load's mean nip pressure
    nmc = get_calendering_material("NMC811")
    e0 = coating_porosity(0.4, nmc.drying_shrinkage)
    assert CAL.anchor_porosity == pytest.approx(float(porosity_after(600e3, e0, nmc.eps_min, nmc.gamma_N_m)), rel=1e-12)
    assert CAL.anchor_pressure_Pa == pytest.approx(float(nip_pressure(600e3, 0.3, 170e-6, e0, nmc)), rel=1e-12)


def test_recalibration_to_another_anchor_rescales_the_pressure_only():
    same = dem.recalibrate(CAL, CAL.anchor_porosity, CAL.anchor_pressure_Pa)
    assert same.effective_modulus_Pa == pytest.approx(CAL.effective_modulus_Pa, rel=1e-9)
    stiffer = dem.recalibrate(CAL, CAL.anchor_porosity, 2 * CAL.anchor_pressure_Pa)
    assert stiffer.effective_modulus_Pa == pytest.approx(2 * CAL.effective_modulus_Pa, rel=1e-9)
    assert stiffer.pressure_scale_Pa == pytest.approx(2 * CAL.pressure_scale_Pa, rel=1e-6)
    assert stiffer.eps_min == pytest.approx(CAL.eps_min, abs=1e-6) and stiffer.r2 == pytest.approx(CAL.r2, abs=1e-9)
    assert stiffer.gamma_N_m > CAL.gamma_N_m and stiffer.anchor.startswith("given")
    with pytest.raises(InputError, match="anchor_porosity"):
        dem.recalibrate(CAL, 0.9, 100e6)


def test_shipped_material_carries_the_fit_and_nmc811_otherwise():
    m, base = get_calendering_material("nmc811_dem"), get_calendering_material("NMC811")
    assert m.eps_min == pytest.approx(CAL.eps_min, abs=5e-5)
    assert m.gamma_N_m == pytest.approx(CAL.gamma_N_m, abs=50.0)  # stored to 0.1 N/mm
    assert "DEM" in m.source and m.active_material == "NMC811"
    same = {f.name for f in dataclasses.fields(m)} - {"name", "eps_min", "gamma_N_m", "source", "active_material"}
    assert all(getattr(m, k) == getattr(base, k) for k in same)
    assert (base.eps_min, base.gamma_N_m) == (0.18, 600e3)  # the literature-style defaults stay as they were


def test_calibrated_material_evaluates_through_the_calendering_model():
    m = get_calendering_material("NMC811_dem")
    ref = dem.REFERENCE
    e0 = coating_porosity(ref["solids_fraction"], m.drying_shrinkage)
    # at the reference calender the line-load law is the fitted pressure law: p_c = γ_c / l_c
    pc = pressure_scale(ref["line_load_N_m"], 0.5 * ref["roll_diameter_m"], ref["thickness_before_m"], e0, m)
    assert float(pc) == pytest.approx(CAL.pressure_scale_Pa, rel=1e-4)  # γ_c stored to 0.1 N/mm
    # calendering a design with it from the DEM packing's porosity gives the DEM law's porosity at q/γ_c = p/p_c
    q = np.array([200e3, 600e3, 1500e3])
    _, micro = calender(default_design(), q, which="pos", material="NMC811_dem", eps_before=CAL.eps0)
    np.testing.assert_allclose(micro.porosity, porosity_after(q / m.gamma_N_m * CAL.pressure_scale_Pa, CAL.eps0,
                                                              m.eps_min, CAL.pressure_scale_Pa), rtol=1e-9)
    np.testing.assert_allclose(micro.porosity, porosity_after(q / CAL.gamma_N_m * CAL.pressure_scale_Pa, CAL.eps0,
                                                              CAL.eps_min, CAL.pressure_scale_Pa), atol=1e-4)
    # the seed's hierarchy runs on it (its active material is NMC811's) and compacts with the line load
    micro, cell = hierarchy("NMC811_dem", 0.96, 0.02, q)
    assert np.all(np.diff(micro.porosity) < 0) and cell.feasible.shape == q.shape


def test_calibration_data_errors_are_named():
    good = dem.to_json(CAL)
    assert dem.from_json(good) == CAL
    bad = dict(good)
    bad.pop("r2")
    with pytest.raises(dem.CalibrationDataError, match="r2"):
        dem.from_json(bad)
    with pytest.raises(dem.CalibrationDataError, match="loading"):
        dem.fit_points({"columns": ["porosity"]}, 0.1, 0.2)
    with pytest.raises(dem.CalibrationDataError, match="fewer than 4"):
        dem.fit_points(CURVE, 0.1, 0.5)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_simulate_dem_prints_the_stored_calibration(capsys):
    code, out, err = run(capsys, "simulate", "dem", "--json", "--curve")
    assert code == 0 and not err
    assert "dem" in SIMULATIONS and "nip" in SIMULATIONS  # beside nip in the simulate group
    res = json.loads(out)
    assert res["engine"].startswith("LAMMPS") and res["engine_version"] == CAL.engine_version
    assert res["r2"] == CAL.r2 and res["particles"] == CAL.particles and res["material"] == "NMC811_dem"
    assert res["gamma_N_mm"] == pytest.approx(CAL.gamma_N_m / 1e3) and res["eps_min"] == CAL.eps_min
    assert res["pressure_scale_MPa"] == pytest.approx(CAL.pressure_scale_Pa / 1e6) and "anchor" in res
    assert len(res["curve"]["porosity"]) == len(CAL.porosity)
    code, out, err = run(capsys, "simulate", "dem")
    assert code == 0 and "LAMMPS" in out and "r² of the fit" in out and "N/mm" in out
    code, out, err = run(capsys, "simulate", "dem", "--json", "--anchor-porosity", f"{CAL.anchor_porosity}",
                         "--anchor-pressure", f"{2 * CAL.anchor_pressure_Pa / 1e6}")
    assert code == 0 and json.loads(out)["effective_modulus_GPa"] == pytest.approx(2 * CAL.effective_modulus_Pa / 1e9)


@pytest.mark.parametrize("argv, words", [
    (["--anchor-porosity", "0.3"], "--anchor-pressure"),
    (["--anchor-porosity", "0.95", "--anchor-pressure", "100"], "anchor_porosity"),
    (["--anchor-porosity", "0.3", "--anchor-pressure", "-1"], "anchor_pressure_MPa"),
])
def test_simulate_dem_bad_input_is_one_sentence(capsys, argv, words):
    code, out, err = run(capsys, "simulate", "dem", *argv)
    assert code == 2 and not out and err.count("\n") == 1 and words in err and err.startswith("xlcell: ")


def test_calibrated_material_runs_through_the_nip_roll_pass():
    from xlcell.nip import NipInputs, simulate_nip

    dem_sim = simulate_nip(NipInputs(material="NMC811_dem"), fe=False).summary()
    lib_sim = simulate_nip(NipInputs(material="NMC811"), fe=False).summary()
    # from the slurry's ε_0 the DEM law (stiffer at low pressure, γ_c 1110 against 600 N/mm) compacts less at 600 N/mm
    assert get_calendering_material("NMC811_dem").fracture_porosity < dem_sim["oned_exit_porosity"]
    assert dem_sim["oned_exit_porosity"] > lib_sim["oned_exit_porosity"]


def test_calibrated_material_through_the_calendering_udf_and_its_table():
    from udfs.calendering import XLCELL_CALENDERING, XLCELL_CALENDERING_MATERIALS

    table = XLCELL_CALENDERING_MATERIALS()
    assert any(r[0] == "NMC811_dem" for r in table[1:])
    via_table = XLCELL_CALENDERING("NMC811_dem", 0.96, 0.02, [[300.0, 600.0]], None, [["porosity"]], None, None, table)
    direct = XLCELL_CALENDERING("NMC811_dem", 0.96, 0.02, [[300.0, 600.0]], None, [["porosity"]])
    micro, _ = hierarchy("NMC811_dem", 0.96, 0.02, np.array([300e3, 600e3]))
    assert via_table == direct and [r[0] for r in direct[1:]] == pytest.approx(list(micro.porosity), rel=1e-12)
