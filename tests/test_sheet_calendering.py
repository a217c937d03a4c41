"""The Calendering sheet of the template: its formulas, evaluated by the `formulas` engine with our UDFs
bound, give the model's numbers; spills are dynamic arrays; the charts are there."""
import numpy as np
import pytest
from openpyxl.utils import get_column_letter

from workbooks.sheets import calendering as sheet
from workbooks.template import build_template
from workbooks.xlsx import dynamic_cells
from xlcell.calendering import (
    calendered_thickness,
    calendering_performance,
    coating_porosity,
    fracture_line_load,
    get_calendering_material,
    nip_pressure,
    porosity_after,
    pressure_scale,
    target_line_load,
)
from xlcell.cell import default_design
from xlcell.pressure_profile import optimal_pressure_profile
from xlcell.roll import crown_height, roll_deflection

pytestmark = pytest.mark.slow  # computes the template's Calendering sheet with the formula engine

NMC = get_calendering_material("NMC811")
S = "CALENDERING"


def _at(template_values, col: int, row: int):
    return template_values[f"{S}!{get_column_letter(col)}{row}"]


def _result(template_values, label):
    return _at(template_values, sheet.RESULTS_COL + 1, sheet.HEADER_ROW + 1 + sheet.RESULT_LABELS.index(label))


LINE_LOAD = 800e3  # the sheet's default line load (N/m), below NMC811's fracture line load


def test_key_results_equal_the_model(template_values):
    e0 = coating_porosity(0.40, NMC.drying_shrinkage)
    q_t, _ = target_line_load(0.25, 0.40, NMC)
    e1 = porosity_after(LINE_LOAD, e0, NMC.eps_min, NMC.gamma_N_m)
    assert _result(template_values, "Porosity before calendering ε0") == pytest.approx(e0, rel=1e-12)
    assert _result(template_values, "Line load for the target porosity") == pytest.approx(q_t / 1e3, rel=1e-12)
    assert _result(template_values, "Porosity at the line load") == pytest.approx(e1, rel=1e-12)
    assert _result(template_values, "Calendered thickness at the line load") == pytest.approx(calendered_thickness(170e-6, e0, e1) * 1e6, rel=1e-12)
    assert _result(template_values, "κ_eff / κ0 at the line load") == pytest.approx(e1**1.5, rel=1e-12)
    assert _result(template_values, "Roll mid-face deflection") == pytest.approx(roll_deflection(LINE_LOAD, 0.8, 1.2, 0.6) * 1e6, rel=1e-12)
    assert _result(template_values, "Mean nip pressure at the line load") == pytest.approx(
        nip_pressure(LINE_LOAD, 0.3, 170e-6, e0, NMC) / 1e6, rel=1e-12)


def test_default_line_load_is_below_the_fracture_limit_and_the_sheet_says_so(template_values):
    # audit: the sheet's old default (1000 N/mm) was past NMC811's limit with no hint in the porosity cell
    e0 = coating_porosity(0.40, NMC.drying_shrinkage)
    qf = fracture_line_load(e0, NMC)
    assert _result(template_values, "Fracture-limited line load") == pytest.approx(qf / 1e3, rel=1e-12)
    assert LINE_LOAD < qf and 1000e3 > qf
    assert _result(template_values, "Fracture check at the line load").startswith("OK: below NMC811's fracture line load 953 N/mm")
    assert not any(_at(template_values, sheet.SWEEP_COL + 1 + 1 + sheet.SWEEP_METRICS.index("fractured"), sheet.HEADER_ROW + 1 + i)
                   for i, q in enumerate(sheet.LINE_LOADS_N_MM) if q * 1e3 < qf)


def test_crown_calculator_and_sweep_spill(template_values):
    crown_row = sheet.HEADER_ROW + len(sheet.RESULT_LABELS) + 3
    got = {_at(template_values, sheet.RESULTS_COL, crown_row + i): _at(template_values, sheet.RESULTS_COL + 1, crown_row + i)
           for i in range(sheet.CROWN_ROWS)}
    assert got["crown_height_um"] == pytest.approx(crown_height(LINE_LOAD, 0.8, 1.2, 0.6) * 1e6)
    assert got["bending_deflection_um"] == pytest.approx(roll_deflection(LINE_LOAD, 0.8, 1.2, 0.6) * 1e6)
    assert got["shear_crown_um"] == pytest.approx(0.45 * crown_height(LINE_LOAD, 0.8, 1.2, 0.6, shear=False) * 1e6, rel=0.01)
    col0, top = sheet.SWEEP_COL + 1, sheet.HEADER_ROW
    keys = [_at(template_values, col0 + j, top) for j in range(len(sheet.SWEEP_METRICS) + 1)]
    assert keys == ["line_load_N_mm"] + sheet.SWEEP_METRICS
    q = np.array(sheet.LINE_LOADS_N_MM) * 1e3
    micro, cell = calendering_performance(default_design(), q)
    got_eps = [_at(template_values, col0 + 1, top + 1 + i) for i in range(q.size)]
    got_wh = [_at(template_values, col0 + 1 + sheet.SWEEP_METRICS.index("energy_density_Wh_L"), top + 1 + i) for i in range(q.size)]
    np.testing.assert_allclose(got_eps, micro.porosity, rtol=1e-12)
    np.testing.assert_allclose(got_wh, cell.energy_density_J_m3 / 3.6e6, rtol=1e-12)


def test_profile_and_pressure_spills(template_values):
    top = sheet.HEADER_ROW
    n = sheet.PROFILE_POINTS
    bare = [_at(template_values, sheet.PROFILE_COL + 1, top + 1 + i) for i in range(n)]
    crowned = [_at(template_values, sheet.PROFILE_COL + 2, top + 1 + i) for i in range(n)]
    assert np.ptp(crowned) < 0.1 * np.ptp(bare)
    e0 = coating_porosity(0.40, NMC.drying_shrinkage)
    # the pressure scale is derived on the sheet: γ_c / nip length at the line load (not a typed 200 MPa)
    pc = pressure_scale(LINE_LOAD, 0.3, 170e-6, e0, NMC)
    assert pc == pytest.approx(NMC.gamma_N_m * nip_pressure(LINE_LOAD, 0.3, 170e-6, e0, NMC) / LINE_LOAD, rel=1e-12)
    ref = optimal_pressure_profile(e0, 0.25, NMC.eps_min, pc, 3e-3, 1e-3, 3e-3, 1e-4, 10.0, points=sheet.PRESSURE_POINTS)
    got = [_at(template_values, sheet.PRESSURE_COL + 1, top + 1 + i) for i in range(sheet.PRESSURE_POINTS)]
    np.testing.assert_allclose(got, ref.pressure_Pa / 1e6, rtol=1e-6)


def test_spills_are_dynamic_arrays_and_charts_exist(fresh_template):
    import openpyxl

    wb = build_template()
    ws = wb[sheet.TITLE]
    assert len(ws._charts) == 5
    assert "tbl_calendering_materials" in wb.defined_names and "cal_line_load_N_mm" in wb.defined_names
    idx = [w.title for w in wb.worksheets].index(sheet.TITLE)
    formulas = dict(dynamic_cells(fresh_template)[f"xl/worksheets/sheet{idx + 1}.xml"])
    assert formulas[f"{get_column_letter(sheet.SWEEP_COL + 1)}{sheet.HEADER_ROW}"].startswith("XLCELL_CALENDERING(")
    assert formulas[f"{get_column_letter(sheet.PRESSURE_COL)}{sheet.HEADER_ROW}"].startswith("XLCELL_PRESSURE_PROFILE(")
    assert openpyxl.load_workbook(fresh_template)[sheet.TITLE]["C6"].value == "NMC811"


def test_bruggeman_posterior_block(template_values):
    from xlcell.tortuosity_inference import infer_bruggeman_exponent

    eps, r = zip(*sheet.MEASUREMENTS)
    ref = infer_bruggeman_exponent(eps, np.array(r) * 1e-4, 80e-6, 1.0, rel_noise=0.03)
    top = sheet.HEADER_ROW + len(sheet.RESULT_LABELS) + 3 + sheet.CROWN_ROWS + 2 + 7 + len(sheet.MEASUREMENTS) + 2
    assert _at(template_values, sheet.RESULTS_COL, top) == "alpha_mean"
    assert _at(template_values, sheet.RESULTS_COL + 1, top) == pytest.approx(ref.mean, rel=1e-9)
    assert ref.ci_low < 1.8 < ref.ci_high


def test_pressure_scale_input_is_a_formula_of_the_material(fresh_template, template_values):
    import openpyxl

    ws = openpyxl.load_workbook(fresh_template)[sheet.TITLE]
    row = next(r for r in range(1, 60) if ws.cell(row=r, column=2).value == "cal_pressure_scale_MPa")
    assert ws.cell(row=row, column=3).value.startswith("=XLCELL_PRESSURE_SCALE(cal_line_load_N_mm,")
    e0 = coating_porosity(0.40, NMC.drying_shrinkage)
    assert _at(template_values, 3, row) == pytest.approx(pressure_scale(LINE_LOAD, 0.3, 170e-6, e0, NMC) / 1e6, rel=1e-12)
