"""Data validation of the Design sheet: material lists from the Materials sheet, exclusive bounds, input prompts."""
import pytest
from openpyxl import load_workbook

from workbooks import TEMPLATE_PATH
from workbooks.sheets import materials as materials_sheet
from xlcell.design import design_keys
from xlcell.materials import LIBRARY

pytestmark = pytest.mark.slow  # builds the template workbook


@pytest.fixture(scope="module")
def wb():
    return load_workbook(TEMPLATE_PATH)


def _key_cells(ws):
    return {ws.cell(row=r, column=2).value: f"C{r}" for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=2).value}


def _rule(ws, coord):
    hits = [dv for dv in ws.data_validations.dataValidation if coord in dv.sqref]
    assert len(hits) == 1, coord
    return hits[0]


def _cells_of(ref, wb):
    sheet, rng = ref.split("!")
    ws = wb[sheet.strip("'")]
    return ws, [row[0] for row in ws[rng.replace("$", "")]]


def test_material_lists_come_from_the_materials_sheet_including_user_rows(wb):
    ws = wb["Design"]
    cells = _key_cells(ws)
    for key in ("pos_material", "neg_material"):
        dv = _rule(ws, cells[key])
        assert dv.type == "list" and not dv.formula1.startswith(("=", '"'))
        src_ws, src = _cells_of(dv.formula1, wb)
        assert src_ws.title == materials_sheet.TITLE
        names = [c.value for c in src]
        assert {m.name for m in LIBRARY.values()} <= set(names)  # every library material
        assert names.count(None) == materials_sheet.USER_ROWS  # and the empty rows for the user's own
        assert src[0].row == materials_sheet.HEADER_ROW + 1
        assert src[-1].row == materials_sheet.HEADER_ROW + materials_sheet.table_rows() - 1
        assert dv.prompt and dv.showInputMessage


def test_exclusive_bounds_exclude_their_end_points(wb):
    ws = wb["Design"]
    cells = _key_cells(ws)
    for key in ("pos_porosity", "neg_porosity", "sep_porosity"):
        dv = _rule(ws, cells[key])
        c = str(dv.sqref).split()[0]  # a shared rule's references are relative to its first cell
        assert dv.type == "custom"
        assert dv.formula1 == f"AND(ISNUMBER({c}),{c}>0,{c}<1)"
    dv = _rule(ws, cells["pos_thickness_um"])
    c = str(dv.sqref).split()[0]
    assert dv.formula1 == f"AND(ISNUMBER({c}),{c}>0,{c}<=2000)"
    c = cells["temperature_C"]  # inclusive both ends: Excel's decimal "between" is right
    dv = _rule(ws, c)
    assert (dv.type, dv.operator, dv.formula1, dv.formula2) == ("decimal", "between", "-60", "150")


def test_every_validated_design_input_has_a_prompt(wb):
    ws = wb["Design"]
    cells = _key_cells(ws)
    for k in design_keys():
        bounded = k.spec is None or any(b is not None for b in (k.spec.gt, k.spec.ge, k.spec.lt, k.spec.le))
        hits = [dv for dv in ws.data_validations.dataValidation if cells[k.key] in dv.sqref]
        assert len(hits) == (1 if bounded else 0), k.key
        for dv in hits:
            assert dv.showInputMessage and dv.prompt and len(dv.prompt) <= 255  # Excel's limits
            assert dv.promptTitle and len(dv.promptTitle) <= 32 and len(dv.errorTitle or "") <= 32


@pytest.mark.parametrize("sheet, key, label, formula", [
    ("LCOS", "discount_rate", "Discount rate (real)", "AND(ISNUMBER({c}),{c}>=0,{c}<1)"),
    ("LCOS", "round_trip_efficiency", "Round-trip efficiency", "AND(ISNUMBER({c}),{c}>0,{c}<=1)"),
    ("Lifetime", "crack_poisson_ratio", "Poisson ratio", "AND(ISNUMBER({c}),{c}>=0,{c}<0.5)"),
])
def test_other_sheets_exclude_open_bounds_and_prompt_too(wb, sheet, key, label, formula):
    # every parameter block shares the Design sheet's rules: an open end point is not accepted
    ws = wb[sheet]
    c = _key_cells(ws)[key]
    dv = _rule(ws, c)
    assert str(dv.sqref) == c
    assert dv.type == "custom" and dv.formula1 == formula.format(c=c)
    assert dv.showInputMessage and dv.promptTitle == label and dv.prompt.startswith("Must be a number between")
    assert dv.showErrorMessage and dv.allow_blank
