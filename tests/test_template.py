"""The template workbook: in sync with its generator, laid out from metadata, and its formulas,
computed by a formula engine with our UDFs bound, agree with the Python model."""
import zipfile

import pytest
from openpyxl import load_workbook

from workbooks import TEMPLATE_PATH
from workbooks.sheets import design as design_sheet
from app.template import write_template
from workbooks.xlsx import dynamic_cells
from xlcell.cell import CellMetrics, evaluate_cell, rate_capability
from xlcell.design import design_from_mapping, design_keys
from xlcell.params import specs

pytestmark = pytest.mark.slow  # builds the whole template workbook


def test_committed_template_equals_generator_output(fresh_template):
    # Regenerate with `xlcell template` when this fails.
    with zipfile.ZipFile(TEMPLATE_PATH) as a, zipfile.ZipFile(fresh_template) as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            assert a.read(name) == b.read(name), f"{name} differs: run `xlcell template`"


def test_generation_is_reproducible(fresh_template, tmp_path):
    again = write_template(tmp_path / "again.xlsx")
    assert again.read_bytes() == fresh_template.read_bytes()


def test_sheets_names_and_conf(fresh_template):
    wb = load_workbook(fresh_template)
    assert wb.sheetnames[:4] == ["How to use", "Dashboard", "Design", "Materials"] and "xlwings.conf" in wb.sheetnames
    conf = {r[0]: r[1] for r in wb["xlwings.conf"].iter_rows(values_only=True)}
    assert conf["UDF Modules"] == "udfs"
    for k in design_keys():
        dn = wb.defined_names.get(k.key)
        assert dn is not None, k.key
        assert dn.attr_text.startswith("'Design'!$C$")
    assert wb.defined_names["tbl_design"].attr_text.startswith("'Design'!$B$")


def test_design_rows_come_from_metadata(fresh_template):
    ws = load_workbook(fresh_template)["Design"]
    rows = {ws.cell(r, 2).value: (ws.cell(r, 3).value, ws.cell(r, 4).value) for r in range(5, ws.max_row + 1)
            if ws.cell(r, 2).value}
    for k in design_keys():
        value, unit = rows[k.key]
        assert unit == k.unit
        assert value == k.default
    assert ws["C6"].fill.fgColor.rgb.endswith("FFF2CC")  # inputs coloured


def test_udf_calls_are_plain_and_spill_as_dynamic_arrays(fresh_template):
    dyn = dynamic_cells(fresh_template)
    formulas = [f for cells in dyn.values() for _, f in cells]
    assert any(f.startswith("XLCELL_CELL(tbl_design") for f in formulas)
    assert any(f.startswith("XLCELL_RATE_CAPABILITY(") for f in formulas)
    with zipfile.ZipFile(fresh_template) as z:
        assert "xl/metadata.xml" in z.namelist()
        text = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert "_xludf." not in text and "=@" not in text


def test_data_validation_on_inputs(fresh_template):
    ws = load_workbook(fresh_template)["Design"]
    dvs = ws.data_validations.dataValidation
    lists = [dv for dv in dvs if dv.type == "list"]
    assert any(dv.formula1.startswith("'Materials'!$A$") for dv in lists)  # names from the Materials sheet
    porosity_row = next(r for r in range(5, 90) if ws.cell(r, 2).value == "pos_porosity")
    assert any(f"C{porosity_row}" in str(dv.sqref) and dv.type == "custom" for dv in dvs)  # 0 < ε < 1


def test_formulas_compute_the_model(template_values):
    ref = evaluate_cell(design_from_mapping({})).as_display()
    start = design_sheet.HEADER_ROW + 1
    col_key, col_val = "I", "J"
    for i, s in enumerate(specs(CellMetrics)):
        r = start + i
        assert template_values[f"DESIGN!{col_key}{r}"] == s.key
        got, want = template_values[f"DESIGN!{col_val}{r}"], ref[s.key]
        if s.unit == "bool":
            assert bool(got) == bool(want)
        else:
            assert got == pytest.approx(float(want), rel=1e-9), s.key
    assert template_values[f"DESIGN!{col_val}{start}"] == pytest.approx(8.0691897, rel=1e-7)  # BatPaC 5.0 §2.2


def test_library_and_derived_columns(template_values):
    ws_rows = {k.key: None for k in design_keys()}
    wb = load_workbook(TEMPLATE_PATH)
    ws = wb["Design"]
    for r in range(5, ws.max_row + 1):
        if ws.cell(r, 2).value in ws_rows:
            ws_rows[ws.cell(r, 2).value] = r
    assert template_values[f"DESIGN!E{ws_rows['pos_specific_capacity_mAh_g']}"] == pytest.approx(213.6)
    assert template_values[f"DESIGN!E{ws_rows['neg_thickness_um']}"] == pytest.approx(152.69056, rel=1e-7)


def test_rate_capability_block(template_values):
    top = design_sheet.HEADER_ROW + len(design_sheet.C_RATES) + 3
    col = design_sheet.RATE_COL
    from openpyxl.utils import get_column_letter as L

    assert template_values[f"DESIGN!{L(col + 1)}{top}"] == "usable_fraction"
    want = rate_capability(design_from_mapping({}), design_sheet.C_RATES).reshape(-1)
    got = [template_values[f"DESIGN!{L(col + 1)}{top + 1 + i}"] for i in range(len(design_sheet.C_RATES))]
    assert got == pytest.approx(list(want), rel=1e-9)


def test_the_design_sheets_rate_chart_draws_straight_segments(fresh_template):
    # drawn smoothed (no scatterStyle, no smooth element: LibreOffice's and Excel's default curve), it bumped between
    # the computed C-rates where the model does not (as the report's chart did)
    import re

    with zipfile.ZipFile(fresh_template) as z:
        xml = next(x for x in (z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart"))
                   if "Rate capability" in x)
    assert re.findall(r'scatterStyle val="(\w+)"', xml) == ["lineMarker"]
    assert re.findall(r'smooth val="(\w+)"', xml) == ["0"]


def test_text_lines_is_an_upper_estimate_of_wrapped_lines():
    from workbooks.style import text_lines

    assert text_lines("short", 10) == 1
    assert text_lines("aaaa bbbb cccc", 9) == 2  # "aaaa bbbb" fills 9 units, "cccc" goes to the next line
    assert text_lines("aaaa bbbb cccc", 8) == 3
    text = "word " * 100
    for width in (10, 37, 100):
        assert text_lines(text, width) * width >= len(text.strip())


def test_no_text_runs_past_a_print_area(fresh_template):
    # a text cell that is the last in its row and not wrapped overflows to the right; where the sheet has a print area
    # the overflow must end inside it (one unit of column width per character, Excel's unit being the width of a "0"),
    # or the printed page cuts the text (the Dashboard's footnote was cut at column O)
    from openpyxl.utils.cell import range_boundaries
    from workbooks.style import col_letter

    wb = load_workbook(fresh_template)
    checked = 0
    for ws in wb.worksheets:
        if not ws.print_area:
            continue
        c0, r0, c1, r1 = range_boundaries(ws.print_area.split("!")[-1].replace("$", ""))
        room = [0.0] * (c1 + 2)  # room[c]: width from column c to the print edge
        for c in range(c1, 0, -1):
            room[c] = room[c + 1] + (ws.column_dimensions[col_letter(c)].width or 8.43)
        for row in ws.iter_rows(min_row=r0, max_row=r1, min_col=c0, max_col=c1):
            for c in row:
                if not isinstance(c.value, str) or c.value.startswith("=") or c.alignment.wrap_text:
                    continue
                if any(ws.cell(c.row, k).value not in (None, "") for k in range(c.column + 1, ws.max_column + 1)):
                    continue
                checked += 1
                assert len(c.value) <= room[c.column], f"{ws.title}!{c.coordinate}: {c.value[:60]}..."
    assert checked > 5
