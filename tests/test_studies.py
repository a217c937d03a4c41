"""Scenario studies (issue 11 item 3): one scenario gives one number in the kernel, the UDFs and the reports."""
import math

import numpy as np
import pytest
from openpyxl import load_workbook

from app.report import lifetime_scenario, report_context, write_report
from udfs.calendering import XLCELL_FRACTURE_CHECK, XLCELL_FRACTURE_LINE_LOAD
from udfs.lcos import XLCELL_CELL_LCOS
from udfs.lifetime import XLCELL_CYCLE_LIFE
from xlcell.calendering import coating_porosity, fracture_check, get_calendering_material
from xlcell.design import design_from_mapping
from xlcell.params import specs, to_display, validate
from xlcell.duty import FAST, SLOW, Duty
from xlcell.lcos import model_context
from xlcell.registry import evaluate_outputs
from xlcell.studies import (CalenderingStudy, LifetimeScenario, ThicknessStudy, calendering_study, cell_lcos,
                            thickness_study)

VALUES = {"pos_thickness_um": 100.0}
DESIGN_RANGE = [["pos_thickness_um", 100.0]]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    return load_workbook(write_report(tmp_path_factory.mktemp("r") / "r.xlsx", VALUES))


def _kv(rows):
    return {r[0]: r[1] for r in rows[1:]} if rows and rows[0][0] in ("item", "key") else {r[0]: r[1] for r in rows}


def test_scenarios_carry_their_units_and_defaults_in_metadata():
    # the lifetime scenario holds the duty: its cycles per year and end-of-life SOH are the duty's
    assert {s.key: s.unit for s in specs(LifetimeScenario)} == {"c_om": "$", "residual_value": "$"}
    assert {s.key: s.unit for s in specs(Duty)}["cycles_per_year"] == "1/yr"
    scenario = LifetimeScenario(duty=Duty(cycles_per_year=300.0, eol_soh=0.7))
    assert (scenario.cycles_per_year, scenario.eol_soh) == (300.0, 0.7)
    assert LifetimeScenario().duty == Duty() and (LifetimeScenario().cycles_per_year, LifetimeScenario().eol_soh) == (365.0, 0.8)
    assert {s.key: s.unit for s in specs(CalenderingStudy)}["line_load_N_mm"] == "N/mm"
    assert {s.key: s.unit for s in specs(ThicknessStudy)}["pos_thickness_um"] == "µm"
    validate(LifetimeScenario())
    validate(ThicknessStudy())
    assert CalenderingStudy().solids_fraction == 0.40 and ThicknessStudy().duties == (SLOW, FAST)
    np.testing.assert_array_equal(to_display(CalenderingStudy())["line_load_N_mm"], np.arange(0.0, 2001.0, 100.0))


def test_the_reports_cell_lcos_is_the_udfs(report):
    """One route: the report, XLCELL_CELL_LCOS, the kernel and the registry give the same float for the default
    scenario."""
    d = design_from_mapping(VALUES)
    kernel = float(to_display(cell_lcos(d))["lcos_usd_kWh"])
    udf = _kv(XLCELL_CELL_LCOS(DESIGN_RANGE))["lcos_usd_kWh"]
    given = float(to_display(report_context(VALUES).cell_lcos)["lcos_usd_kWh"])  # what the writer is handed
    registry = float(evaluate_outputs(d, {}, ["lcos_cell_usd_per_kWh"])["lcos_cell_usd_per_kWh"])
    assert given == udf == kernel == registry
    assert report["LCOS"]["B12"].value == pytest.approx(udf, rel=1e-15)  # the file keeps 15-16 digits
    assert report["LCOS"]["A12"].value == "Cell LCOS at the duty (C/3, DoD 1, 365 cycles/yr, end of life at 80 %)"


@pytest.mark.parametrize("duty", [Duty(), SLOW, FAST, Duty(c_rate_per_h=1.0, dod=0.8, temperature_K=308.15,
                                                           cycles_per_year=250.0, eol_soh=0.7)])
def test_udf_registry_and_study_agree_at_a_duty(duty):
    """XLCELL_CELL_LCOS with the duty as (key, value) rows, the registry with the duty in its context and the study
    with the duty in its scenario: one number, for every term."""
    d = design_from_mapping(VALUES)
    scenario = LifetimeScenario(duty=duty, om_usd=1.5, residual_usd=0.5)
    study = {k: float(np.asarray(v).reshape(-1)[0]) for k, v in to_display(cell_lcos(d, scenario)).items()}
    rows = [[s.key, float(np.asarray(v).reshape(-1)[0])] for s, v in ((s, to_display(duty)[s.key]) for s in specs(Duty))
            if not np.isnan(v)]
    udf = _kv(XLCELL_CELL_LCOS(DESIGN_RANGE, rows, 1.5, 0.5))
    reg = evaluate_outputs(d, {}, ["lcos_cell_usd_per_kWh", "usable_energy_Wh", "cycle_life", "round_trip_efficiency",
                                   "cell_cost_usd_per_kWh_usable"], model_context(duty, 1.5, 0.5))
    assert udf == pytest.approx(study, rel=1e-12)
    assert study["lcos_usd_kWh"] == pytest.approx(float(reg["lcos_cell_usd_per_kWh"]), rel=1e-12)
    assert study["energy_kWh"] == pytest.approx(float(reg["usable_energy_Wh"]) / 1000, rel=1e-12)
    assert study["cycle_life"] == pytest.approx(float(reg["cycle_life"]), rel=1e-12)
    assert study["round_trip_efficiency"] == pytest.approx(float(reg["round_trip_efficiency"]), rel=1e-12)
    assert study["cell_cost_usd_per_kWh_usable"] == pytest.approx(float(reg["cell_cost_usd_per_kWh_usable"]), rel=1e-12)


def test_the_optimisers_cell_lcos_takes_the_same_route():
    """The registry's provider (the front table's column) and the study agree for the same model context, with the
    lifetime scenario read from it as the optimisation report does."""
    d = design_from_mapping(VALUES)
    for ctx in ({}, {"lifetime": {"cycles_per_year": 300.0}}, {"duty": FAST, "lcos": {"om_usd": 1.0}}):
        reg = evaluate_outputs(d, {}, ["lcos_cell_usd_per_kWh", "round_trip_efficiency"], ctx)
        scenario, life = lifetime_scenario(ctx)
        r = cell_lcos(d, scenario, life["sei"], None, life["mechanics"], life["crack"])
        assert float(to_display(r)["lcos_usd_kWh"]) == pytest.approx(float(reg["lcos_cell_usd_per_kWh"]), rel=1e-12)
        assert float(r.efficiency) == pytest.approx(float(reg["round_trip_efficiency"]), rel=1e-15)


def test_the_thickness_study_is_the_registrys_chain():
    """Each point of the thickness study equals the cell LCOS of that design at that duty (the same chain)."""
    d = design_from_mapping(VALUES)
    res = thickness_study(d, ThicknessStudy(thicknesses_m=np.array([60e-6, 200e-6])))
    for i, duty in enumerate((SLOW, FAST)):
        for k, L in enumerate((60.0, 200.0)):
            # the study holds N/P and runs the design at the duty's C-rate
            one = design_from_mapping({"pos_thickness_um": L, "c_rate": float(duty.c_rate_per_h)})
            r = cell_lcos(one, LifetimeScenario(duty=duty))
            assert float(res.lcos_usd_J[i, k]) == pytest.approx(float(r.lcos_usd_J), rel=1e-12)
            assert float(res.usable_energy_J[i, k]) == pytest.approx(float(r.energy_J), rel=1e-12)
            assert float(res.cycle_life[i, k]) == pytest.approx(float(r.cycles), rel=1e-12)
            assert float(res.energy_J[k]) == pytest.approx(float(r.nameplate_energy_J), rel=1e-12)
    # a thick electrode at 2C costs more per delivered kWh than a thin one; at C/3 it costs less
    assert res.cost_usd_J_usable[1, 1] > res.cost_usd_J_usable[1, 0]
    assert res.cost_usd_J_usable[0, 1] < res.cost_usd_J_usable[0, 0]


def test_the_reports_cycle_life_is_the_udfs(report):
    ws = report["Lifetime"]
    row = next(r for r in range(1, 40) if ws.cell(r, 1).value == "Cycle life to 80 % SOH, life model")
    udf = XLCELL_CYCLE_LIFE(DESIGN_RANGE)
    assert float(report_context(VALUES).lifetime.life.cycle_life) == udf
    assert ws.cell(row, 2).value == pytest.approx(udf, rel=1e-15)


def test_the_reports_fracture_limit_is_the_udfs(report):
    study, mat = CalenderingStudy(), get_calendering_material("NMC811")
    e0 = float(coating_porosity(study.solids_fraction, mat.drying_shrinkage))
    facts = {r[0]: r[1] for r in report["Calendering"].iter_rows(min_row=5, max_row=13, values_only=True)}
    assert facts["Fracture-limited line load"] == XLCELL_FRACTURE_LINE_LOAD(e0, "NMC811")
    res = calendering_study(design_from_mapping(VALUES), mat, study)
    assert float(res.eps0) == e0 and facts["Porosity before calendering ε0"] == pytest.approx(e0, rel=1e-15)


def test_the_fracture_decision_is_the_kernels():
    mat = get_calendering_material("NMC811")
    e0 = float(coating_porosity(0.4, mat.drying_shrinkage))
    r = fracture_check(np.array([0.0, 5e5, 1.5e6]), e0, mat)
    np.testing.assert_array_equal(r.cracked, [False, False, True])
    assert XLCELL_FRACTURE_CHECK(1500.0, e0, "NMC811").startswith("WARNING")
    assert XLCELL_FRACTURE_CHECK(500.0, e0, "NMC811").startswith("OK")
    g = fracture_check(1e6, 0.5, get_calendering_material("Graphite"))
    assert bool(g.ductile) and not bool(g.cracked) and math.isinf(float(g.fracture_line_load_N_m))
