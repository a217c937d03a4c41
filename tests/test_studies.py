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
from xlcell.registry import evaluate_outputs
from xlcell.studies import CalenderingStudy, LifetimeScenario, calendering_study, cell_lcos

VALUES = {"pos_thickness_um": 100.0}
DESIGN_RANGE = [["pos_thickness_um", 100.0]]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    return load_workbook(write_report(tmp_path_factory.mktemp("r") / "r.xlsx", VALUES))


def _kv(rows):
    return {r[0]: r[1] for r in rows[1:]} if rows and rows[0][0] in ("item", "key") else {r[0]: r[1] for r in rows}


def test_scenarios_carry_their_units_and_defaults_in_metadata():
    assert {s.key: s.unit for s in specs(LifetimeScenario)}["cycles_per_year"] == "1/yr"
    assert {s.key: s.unit for s in specs(CalenderingStudy)}["line_load_N_mm"] == "N/mm"
    validate(LifetimeScenario())
    assert LifetimeScenario().round_trip_efficiency == 0.95 and CalenderingStudy().solids_fraction == 0.40
    np.testing.assert_array_equal(to_display(CalenderingStudy())["line_load_N_mm"], np.arange(0.0, 2001.0, 100.0))


def test_the_reports_cell_lcos_is_the_udfs(report):
    """One route: the report, XLCELL_CELL_LCOS and the kernel give the same float for the default scenario."""
    d = design_from_mapping(VALUES)
    kernel = float(to_display(cell_lcos(d))["lcos_usd_kWh"])
    udf = _kv(XLCELL_CELL_LCOS(DESIGN_RANGE))["lcos_usd_kWh"]
    given = float(to_display(report_context(VALUES).cell_lcos)["lcos_usd_kWh"])  # what the writer is handed
    assert given == udf == kernel
    assert report["LCOS"]["B12"].value == pytest.approx(udf, rel=1e-15)  # the file keeps 15-16 digits
    assert report["LCOS"]["A12"].value == "Cell LCOS (seed's form, η = 0.95)"


def test_the_optimisers_cell_lcos_takes_the_same_formula():
    """The registry's provider (the front table's column) and the study agree for the same scenario, with η set and
    with the resistive η (a context without an efficiency)."""
    d = design_from_mapping(VALUES)
    for ctx in ({"lcos": {"efficiency": 0.95}}, {"lifetime": {"cycles_per_year": 300.0}}):
        reg = evaluate_outputs(d, {}, ["lcos_cell_usd_per_kWh", "round_trip_efficiency"], ctx)
        scenario, params = lifetime_scenario(ctx)
        r = cell_lcos(d, scenario, params)
        assert float(to_display(r)["lcos_usd_kWh"]) == pytest.approx(float(reg["lcos_cell_usd_per_kWh"]), rel=1e-12)
        assert float(r.efficiency) == pytest.approx(float(reg["round_trip_efficiency"]), rel=1e-15)


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
