"""The Simulation sheet (issue 16): inputs coloured with units, the live 1D roll pass beside the FE column, the field
picture written by matplotlib (deterministic, so the template stays byte-reproducible), and the ribbon job FE twin
(headless: ``xlcell run fe-twin``) with its progress and its readable failures."""
from __future__ import annotations

import shutil
import zipfile

import numpy as np
import pytest
from openpyxl import load_workbook

from app.book import FileBook
from app.macros import fe_twin_macro, run_file
from app.simulation import template_view
from udfs.calendering import XLCELL_NIP_1D
from workbooks import style
from workbooks.sheets import simulation as sheet
from xlcell.nip import SUMMARY_KEYS, NipInputs, simulate_nip

pytestmark = pytest.mark.slow  # builds the template and runs the FE


def _cell(wb, name):
    dn = wb.defined_names[name]
    (title, ref), = list(dn.destinations)
    return wb[title][ref.replace("$", "").split(":")[0]]


def test_the_sheet_lays_out_inputs_the_1d_pass_and_the_fe(fresh_template, template_values):
    wb = load_workbook(fresh_template)
    ws = wb[sheet.TITLE]
    # inputs: yellow, a unit beside each, one name per key, defaults of NipInputs
    for key, value in (("sim_line_load_N_mm", 600), ("sim_thickness_before_um", 170), ("sim_material", "NMC811")):
        c = _cell(wb, key)
        assert c.value == value and c.fill.fgColor.rgb.endswith(style.INPUT_FILL.fgColor.rgb[-6:])
        assert ws.cell(row=c.row, column=c.column + 1).value in ("N/mm", "µm", "text")
    # the FE column is the template's FE run (its default inputs)
    view = template_view()
    fe_top = _cell(wb, sheet.FE_RESULTS_NAME)
    for i, k in enumerate(SUMMARY_KEYS):
        assert ws.cell(row=fe_top.row + i, column=fe_top.column).value == view.fe[k]
    # the 1D column is XLCELL_NIP_1D at the sheet's inputs, computed by the formula engine with the UDFs bound
    oned = XLCELL_NIP_1D(600.0, "NMC811", 0.6, 170.0, 0.4, 0.3)
    col = fe_top.column - 1
    for i, (key, value) in enumerate(oned):
        got = template_values[f"{sheet.TITLE.upper()}!{ws.cell(row=fe_top.row + i, column=col).coordinate}"]
        assert got == pytest.approx(value, rel=1e-12), key
    # FE and 1D agree within 10 % on the sheet too
    for i, k in enumerate(SUMMARY_KEYS):
        assert view.fe[k] == pytest.approx(oned[i][1], rel=0.1), k
    # the status formula knows the FE ran at these inputs
    status_row = _cell(wb, sheet.STATUS_NAME).row + 1
    assert template_values[f"{sheet.TITLE.upper()}!A{status_row}"] == "The FE results are those of these inputs"
    # the run time is not in the template (it would change every build)
    run_top = _cell(wb, sheet.FE_RUN_NAME)
    assert ws.cell(row=run_top.row + len(sheet.RUN_ROWS) - 1, column=run_top.column).value is None
    # the DEM calibration has its place and no numbers yet
    assert "DEM calibration" in ws.cell(row=sheet.CALIBRATION_ROW, column=1).value
    assert all(ws.cell(row=sheet.CALIBRATION_ROW + 2, column=c).value is None for c in range(1, 8))


def test_the_field_picture_is_in_the_template_and_reproducible(fresh_template):
    view = template_view()
    with zipfile.ZipFile(fresh_template) as z:
        media = [n for n in z.namelist() if n.startswith("xl/media/")]
        assert len(media) == 1 and z.read(media[0]) == view.picture
    assert view.picture[:8] == b"\x89PNG\r\n\x1a\n" and b"Software" not in view.picture and b"tIME" not in view.picture
    from app.simulation import field_picture

    sim = simulate_nip(NipInputs())
    assert field_picture(sim) == view.picture  # a second FE run draws the same bytes


@pytest.fixture()
def book(fresh_template, tmp_path):
    path = tmp_path / "book.xlsx"
    shutil.copy(fresh_template, path)
    return path


def _set(path, **values):
    wb = load_workbook(path)
    for k, v in values.items():
        _cell(wb, k).value = v
    wb.save(path)


def test_fe_twin_runs_the_sheets_inputs_with_progress(book, capsys):
    _set(book, sim_line_load_N_mm=450, sim_material="Graphite")
    sim = run_file("fe-twin", book)
    out = capsys.readouterr().out
    assert "xlcell: FE twin: roll position 1/" in out and f"roll position {sim.fe.steps}/{sim.fe.steps}" in out
    s = sim.summary()
    assert s["material"] == "Graphite" and s["oned_line_load_N_mm"] == pytest.approx(450, rel=1e-9)
    wb = load_workbook(book)
    ws = wb[sheet.TITLE]
    top = _cell(wb, sheet.FE_RESULTS_NAME)
    fe = [ws.cell(row=top.row + i, column=top.column).value for i in range(len(SUMMARY_KEYS))]
    assert fe[0] == pytest.approx(450, rel=0.1) and fe[1] == pytest.approx(s["oned_exit_porosity"], rel=0.1)
    assert _cell(wb, sheet.STATUS_NAME).value.startswith("FE run ") and "Graphite at 450 N/mm" in _cell(
        wb, sheet.STATUS_NAME).value
    used = dict((r[0].value, r[1].value) for r in ws[_cell(wb, sheet.FE_INPUTS_NAME).coordinate:"O12"])
    assert used["sim_line_load_N_mm"] == 450 and used["sim_material"] == "Graphite"
    assert len(ws._images) == 1  # the template's picture was replaced, not stacked
    run_top = _cell(wb, sheet.FE_RUN_NAME)
    assert ws.cell(row=run_top.row + len(sheet.RUN_ROWS) - 1, column=run_top.column).value > 0  # the run time


@pytest.mark.parametrize("values, sentence", [
    ({"sim_fe_elements_thickness": 2}, "fe_elements_thickness = 2: must be a whole number >= 3: a coarser mesh "
                                       "cannot resolve"),
    ({"sim_line_load_N_mm": 1200}, "line_load_N_mm = 1200: must be at most 952.9 N/mm, the fracture-limited line "
                                   "load of NMC811"),
    ({"sim_material": "Unobtainium"}, "unknown material 'Unobtainium'"),
])
def test_fe_twin_refuses_bad_input_in_one_sentence(book, values, sentence):
    _set(book, **values)
    b = FileBook(book, quiet=True)
    before = [[c for c in r] for r in b.read(sheet.FE_RESULTS_NAME)]
    assert fe_twin_macro(b) is None
    assert b.messages and sentence in b.messages[0] and b.messages[0].startswith("xlcell: ")
    assert b.read(sheet.STATUS_NAME)[0][0].startswith("Failed: ") and sentence in b.read(sheet.STATUS_NAME)[0][0]
    assert b.read(sheet.FE_RESULTS_NAME) == before  # nothing else written


def test_fe_twin_names_a_missing_material_parameter(book):
    wb = load_workbook(book)
    dn = wb.defined_names["tbl_calendering_materials"]
    (title, ref), = list(dn.destinations)
    rows = list(wb[title][ref.replace("$", "")])
    header = [c.value for c in rows[0]]
    nmc = next(r for r in rows[1:] if r[0].value == "NMC811")
    nmc[header.index("gamma_N_mm")].value = None
    wb.save(book)
    b = FileBook(book, quiet=True)
    fe_twin_macro(b)
    assert "gamma_N_mm" in b.messages[0] and "NMC811" in b.messages[0]
    assert np.isfinite(b.read(sheet.FE_RESULTS_NAME)[0][0])  # the old results stay
