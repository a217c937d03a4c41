"""The Lifetime and LCOS sheets and report sections: laid out from metadata, and their formulas,
computed by the formula engine with our UDFs bound, agree with the Python kernels."""
from __future__ import annotations

import numpy as np
import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter as L

from app.report import write_report
from workbooks.sheets import lcos as lcos_sheet
from workbooks.sheets import lifetime as lifetime_sheet
from workbooks.xlsx import dynamic_cells
from xlcell.degradation import (
    SECONDS_PER_YEAR,
    cracking,
    cycle_life,
    life_fade,
    life_soh_by_year,
    sei_capacity_loss,
    wang_cycle_life,
    wang_loss_percent,
)
from xlcell.duty import Duty
from xlcell.design import design_from_mapping
from xlcell.lcos import LcosInputs, cashflow, lcos, lcos_inputs_from_pack
from xlcell.params import specs

pytestmark = pytest.mark.slow  # computes the template's Lifetime and LCOS sheets with the formula engine


def test_sheets_exist_with_named_parameter_blocks(fresh_template):
    wb = load_workbook(fresh_template)
    assert {"Lifetime", "LCOS"} <= set(wb.sheetnames)
    for nm in ("tbl_sei_params", "tbl_crack_params", "tbl_mech_params", "tbl_life_params", "tbl_duty",
               "life_cycles_per_year", "life_eol_soh", "cycle_life"):
        assert wb.defined_names[nm].attr_text.startswith("'Lifetime'!"), nm
    assert wb.defined_names["tbl_lcos_params"].attr_text.startswith("'LCOS'!")
    ws = wb["LCOS"]
    keys = [ws.cell(r, 2).value for r in range(5, 25)]
    for s in specs(LcosInputs):
        assert s.key in keys
    assert len(wb["Lifetime"]._charts) == 1 and len(ws._charts) == 1
    formulas = [f for cells in dynamic_cells(fresh_template).values() for _, f in cells]
    for fn in ("XLCELL_LIFE_FADE(", "XLCELL_WANG_FADE(", "XLCELL_CRACK(", "XLCELL_WANG_FIT(", "XLCELL_LCOS(",
               "XLCELL_LCOS_CASHFLOW(", "XLCELL_LIFE_SOH_BY_YEAR(", "XLCELL_LIFE("):
        assert any(f.startswith(fn) for f in formulas), fn


def test_lifetime_sheet_computes_the_models(template_values):
    d = design_from_mapping({})
    r = lifetime_sheet.HEADER_ROW + 1
    col = L(lifetime_sheet.RESULTS_COL + 1)
    assert template_values[f"LIFETIME!{col}{r}"] == pytest.approx(
        float(sei_capacity_loss(d, SECONDS_PER_YEAR, 365.0).capacity_loss_fraction) * 100, rel=1e-9)
    # the life model at the sheet's duty: the design's C-rate and temperature, full depth, 365 cycles a year, 80 %
    assert template_values[f"LIFETIME!{col}{r + 2}"] == pytest.approx(float(cycle_life(d, Duty()).cycle_life), rel=1e-9)
    assert template_values[f"LIFETIME!{col}{r + 3}"] == pytest.approx(float(wang_cycle_life(0.5, 298.15, 0.8, 1.0)), rel=1e-9)
    assert template_values[f"LIFETIME!{col}{r + 4}"] is True  # C/2 at 25 °C: inside Wang et al.'s tests
    # fade table: life-model and Wang SOH columns
    top = lifetime_sheet.HEADER_ROW
    n = np.array(lifetime_sheet.CYCLES, dtype=float)
    sei = np.asarray(life_fade(d, n, Duty()).soh).reshape(-1)
    wang = 1 - wang_loss_percent(0.5, 298.15, n * 2.2) / 100
    sc, wc = L(lifetime_sheet.FADE_COL + 4), L(lifetime_sheet.WANG_COL + 2)
    assert template_values[f"LIFETIME!{sc}{top}"] == "soh" and template_values[f"LIFETIME!{wc}{top}"] == "soh"
    assert [template_values[f"LIFETIME!{sc}{top + 1 + i}"] for i in range(n.size)] == pytest.approx(list(sei), rel=1e-9)
    assert [template_values[f"LIFETIME!{wc}{top + 1 + i}"] for i in range(n.size)] == pytest.approx(list(wang), rel=1e-9)
    # the life model's end-of-life table, then the cracking table
    life_row = lifetime_sheet.HEADER_ROW + 5 + 3
    h = L(lifetime_sheet.RESULTS_COL)
    assert template_values[f"LIFETIME!{h}{life_row}"] == "cycle_life"
    assert template_values[f"LIFETIME!{col}{life_row}"] == pytest.approx(float(cycle_life(d, Duty()).cycle_life), rel=1e-9)
    crack_row = life_row + lifetime_sheet.LIFE_ITEMS + 2
    assert template_values[f"LIFETIME!{h}{crack_row}"] == "stress_MPa"
    assert template_values[f"LIFETIME!{col}{crack_row}"] == pytest.approx(float(cracking(d).stress_Pa) / 1e6, rel=1e-9)


def test_lifetime_fit_table_reports_its_domain(template_values):
    fit_top = lifetime_sheet.HEADER_ROW + len(lifetime_sheet.CYCLES) + 4
    k, v = L(lifetime_sheet.FADE_COL + 7), L(lifetime_sheet.FADE_COL + 8)
    got = {template_values[f"LIFETIME!{k}{fit_top + i}"]: template_values[f"LIFETIME!{v}{fit_top + i}"] for i in range(lifetime_sheet.FIT_ITEMS)}
    assert list(got)[-1] == "valid_for"  # the sheet reserves exactly the rows the fit returns
    assert got["n_points"] == len(lifetime_sheet.FIT_EXAMPLE) and got["n_dropped"] == 0
    assert got["held_at_published"] == "none" and all(got[f"{c}_stderr"] >= 0 for c in ("b", "z", "k_J_mol"))
    assert got["temperature_C_min"] == pytest.approx(25.0) and got["temperature_C_max"] == pytest.approx(60.0)
    assert got["z"] == pytest.approx(0.55, rel=0.05)


def test_lcos_sheet_computes_the_models(template_values):
    d = design_from_mapping({})
    top = lcos_sheet.HEADER_ROW + 1
    h, i, _, k = (L(lcos_sheet.RESULTS_COL + x) for x in range(4))
    # the energy capex is the Pack sheet's battery system per kWh (issue 14): the Design sheet's cell in the Pack
    # sheet's pack (BatPaC's EV pack by default), xlcell's default factory
    from xlcell.pack import evaluate_pack
    project = lcos_inputs_from_pack(evaluate_pack(d))
    fixed = lcos(project)
    assert template_values[f"LCOS!{h}{top}"] == "lcos_usd_MWh"
    assert template_values[f"LCOS!{i}{top}"] == pytest.approx(float(fixed.lcos_usd_J) * 3.6e9, rel=1e-9)
    soh = life_soh_by_year(d, lcos_sheet.SOH_YEARS, Duty(cycles_per_year=365.0))
    with_sei = lcos(project, soh=soh)
    assert template_values[f"LCOS!{k}{top}"] == pytest.approx(float(with_sei.lcos_usd_J) * 3.6e9, rel=1e-9)
    cf = cashflow(project)
    cf_top = top + lcos_sheet.LCOS_ITEMS + 19
    assert template_values[f"LCOS!{h}{cf_top}"] == "year"
    tot = L(lcos_sheet.RESULTS_COL + 9)
    got = [template_values[f"LCOS!{tot}{cf_top + 1 + y}"] for y in range(np.asarray(cf["year"]).size)]
    assert got == pytest.approx(list(np.asarray(cf["total_cost_usd"])), rel=1e-9)


def test_one_cell_lcos_fed_by_the_models_and_a_labelled_what_if(template_values, fresh_template):
    """Issue 17 item 7: the LCOS sheet shows one cell LCOS, XLCELL_CELL_LCOS of the Design sheet's design at the duty;
    the typed-input form is a what-if labelled so, pre-filled with the models' terms (so it equals the model)."""
    wb = load_workbook(fresh_template)
    ws = wb["LCOS"]
    labels = {str(ws.cell(r, 1).value): r for r in range(1, 90) if ws.cell(r, 1).value and isinstance(ws.cell(r, 1).value, str)}
    anchor = next(r for r in range(1, 90) if template_values.get(f"LCOS!A{r}") == "lcos_usd_kWh")
    assert ws.cell(anchor, 1).value.text.startswith("=XLCELL_CELL_LCOS(tbl_design,tbl_duty,")
    got = {template_values[f"LCOS!A{anchor + i}"]: template_values[f"LCOS!B{anchor + i}"]
           for i in range(lcos_sheet.CELL_LCOS_ITEMS)}
    d = design_from_mapping({})
    from xlcell.duty import Duty
    from xlcell.lcos import cell_lcos
    from xlcell.params import to_display

    # the duty and the life-model parameters are the Lifetime sheet's (one duty in the book): blank C-rate and
    # temperature (the design's), DoD 1, 365 cycles a year, end of life at 80 %
    assert ws.cell(anchor, 1).value.text.startswith(
        "=XLCELL_CELL_LCOS(tbl_design,tbl_duty,cell_c_om_usd,cell_residual_usd,tbl_life_params,")
    assert "tbl_duty" not in [n for n in wb.defined_names if wb.defined_names[n].attr_text.startswith("LCOS!")]
    want = to_display(cell_lcos(d, Duty(dod=1.0, cycles_per_year=365.0, eol_soh=0.8)))
    assert list(got) == list(want)
    for k, v in want.items():
        assert got[k] == pytest.approx(float(v), rel=1e-9), k
    # one cell LCOS: the what-if, labelled so, equals it until a term is overwritten
    whatif = next(k for k in labels if k.startswith("What-if cell LCOS"))
    assert any(k.startswith("What-if (not the models)") for k in labels)
    assert template_values[f"LCOS!C{labels[whatif]}"] == pytest.approx(got["lcos_usd_kWh"], rel=1e-12)
    assert not any(k.startswith("Cell LCOS =") and "η" in k for k in labels)


def test_report_has_lifetime_and_lcos_sections(tmp_path):
    p = write_report(tmp_path / "r.xlsx", {"neg_particle_radius_um": 3.0})
    wb = load_workbook(p)
    assert {"Lifetime", "LCOS"} <= set(wb.sheetnames)
    ws = wb["Lifetime"]
    d = design_from_mapping({"neg_particle_radius_um": 3.0})
    assert ws["B6"].value == pytest.approx(float(np.asarray(life_fade(d, 250.0).soh).reshape(-1)[0]), rel=1e-12)
    assert len(ws._charts) == 1 and len(wb["LCOS"]._charts) == 1
    assert wb["LCOS"]["B9"].value == pytest.approx(float(lcos(LcosInputs()).lcos_usd_J) * 3.6e9, rel=1e-12)
    from xlcell.lcos import cell_lcos

    assert wb["LCOS"]["B12"].value == pytest.approx(float(cell_lcos(d).lcos_usd_J) * 3.6e6, rel=1e-12)
