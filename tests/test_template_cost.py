"""The template's Factory, BOM and Cost sheets: laid out from metadata, and their formulas, computed by
a formula engine with our UDFs bound, agree with the Python cost model (BatPaC 5.0 default case)."""
import pytest
from batpac_mode import default_cost
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter as L

from udfs.cost import BOM_HEADER, FACTORY_HEADER, SENSITIVITY_HEADER
from workbooks import TEMPLATE_PATH, roundtrip, style
from workbooks.sheets import cost as cost_sheet
from workbooks.sheets import factory as factory_sheet
from workbooks.xlsx import dynamic_cells
from xlcell.bom import BOM_ITEMS, CellFormat, MaterialPrices, MaterialYields, Slurry, batpac_format
from xlcell.cost import CostMetrics, Economics, cost_details, cost_sensitivity, evaluate_cost
from xlcell.design import design_from_mapping, design_keys
from xlcell.factory import DEFAULT_STEPS, Plant, ProcessStep
from xlcell.params import specs

pytestmark = pytest.mark.slow  # computes the template's Factory, BOM and Cost sheets with the formula engine


@pytest.fixture(scope="module")
def wb():
    return roundtrip.load(TEMPLATE_PATH)  # the cells as written, without the spills' cached values


def test_sheets_and_named_ranges(wb):
    assert {"Factory", "BOM", "Cost"} <= set(wb.sheetnames)
    for nm, sheet in (("tbl_factory", "Factory"), ("tbl_bom", "BOM"), ("tbl_steps", "Factory")):
        assert wb.defined_names[nm].attr_text.startswith(f"'{sheet}'!$")
    # every input key is a workbook name on its sheet, none collides with a design key
    design = {k.key for k in design_keys()}
    for cls, sheet in ((Plant, "Factory"), (Economics, "Factory"), (MaterialPrices, "BOM"), (MaterialYields, "BOM"),
                       (Slurry, "BOM"), (CellFormat, "BOM")):
        for s in specs(cls):
            assert s.key not in design
            assert wb.defined_names[s.key].attr_text.startswith(f"'{sheet}'!$C$"), s.key


def test_step_table_is_an_excel_table_from_metadata(wb):
    ws = wb["Factory"]
    assert "tbl_steps_table" in ws.tables
    ref = ws.tables["tbl_steps_table"].ref
    assert wb.defined_names["tbl_steps"].attr_text == "'Factory'!" + style._absolute(ref)
    top = int(ref.split(":")[0][1:])
    keys = [ws.cell(top, j + 1).value for j in range(len(specs(ProcessStep)))]
    assert keys == [s.key for s in specs(ProcessStep)]
    assert [ws.cell(top + 1 + i, 1).value for i in range(len(DEFAULT_STEPS))] == [s.name for s in DEFAULT_STEPS]
    base_col = keys.index("capex0_musd") + 1
    assert ws.cell(top + 18, base_col).value == 830  # formation, BatPaC 5.0 §5.2: 830 M$
    assert ws.cell(top + 1, 1).fill.fgColor.rgb.endswith("FFF2CC")  # inputs coloured


def test_cost_udfs_spill_as_dynamic_arrays():
    formulas = [f for cells in dynamic_cells(TEMPLATE_PATH).values() for _, f in cells]
    for name in ("XLCELL_COST(", "XLCELL_BOM(", "XLCELL_FACTORY(", "XLCELL_COST_SENSITIVITY(", "XLCELL_BOTTLENECK("):
        assert any(f.startswith(name) for f in formulas), name
    assert any("tbl_factory,tbl_bom,tbl_steps,tbl_materials" in f for f in formulas)


@pytest.fixture(scope="module")
def ref():
    return cost_details(design_from_mapping({}))


def test_cost_sheet_computes_batpac_default(template_values, ref):
    want = ref.metrics.as_display()
    for i, s in enumerate(specs(CostMetrics)):
        r = cost_sheet.HEADER_ROW + 1 + i
        assert template_values[f"COST!B{r}"] == s.key
        got = template_values[f"COST!C{r}"]
        if s.unit == "text":
            assert got == str(want[s.key])
        else:
            assert got == pytest.approx(float(want[s.key]), rel=1e-9), s.key
    rows = {s.key: cost_sheet.HEADER_ROW + 1 + i for i, s in enumerate(specs(CostMetrics))}
    # BatPaC 5.0 §6.3 (shared/reference/batpac5.md): $19.754802 per cell, $79.0192/kWh
    # (plus the electricity xlcell charges by default, 8.06 ¢/kWh: the sheet's utilities line)
    cell, per_kwh = default_cost()
    assert template_values[f"COST!C{rows['cell_cost_usd']}"] == pytest.approx(cell, abs=1e-6)
    tot = cost_sheet.HEADER_ROW + 1 + len(cost_sheet.LINES)
    assert template_values[f"COST!G{tot}"] == pytest.approx(per_kwh, rel=1e-7)  # the lines add up to the total
    assert template_values[f"COST!G{tot + 2}"] == pytest.approx(0.1)  # CRF at the default 0 % over 10 years


def test_factory_sheet_results(template_values, ref):
    h = factory_sheet.HEADER_ROW + 1
    c0 = factory_sheet.RESULTS_COL
    assert [template_values[f"FACTORY!{L(c0 + j)}{h}"] for j in range(len(FACTORY_HEADER))] == FACTORY_HEADER
    st = ref.steps
    lab, cap = FACTORY_HEADER.index("labor_h_yr"), FACTORY_HEADER.index("capex_musd")
    for j, s in enumerate(DEFAULT_STEPS):
        r = h + 1 + j
        assert template_values[f"FACTORY!{L(c0)}{r}"] == s.name
        assert template_values[f"FACTORY!{L(c0 + lab)}{r}"] == pytest.approx(float(st.labor_s[j]) / 3600, rel=1e-9)
        assert template_values[f"FACTORY!{L(c0 + cap)}{r}"] == pytest.approx(float(st.capex_usd[j]) / 1e6, rel=1e-9)
    # the table's empty rows give blank result rows, and the bottleneck (beside) skips them
    for r in range(h + 1 + len(DEFAULT_STEPS), h + 1 + len(DEFAULT_STEPS) + factory_sheet.EXTRA_STEP_ROWS):
        assert all(template_values.get(f"FACTORY!{L(c0 + j)}{r}") in ("", None) for j in range(len(FACTORY_HEADER))), r
    bc, br = factory_sheet.BOTTLENECK_COL, factory_sheet.HEADER_ROW + 1
    assert template_values[f"FACTORY!{L(bc)}{br}"] == str(ref.metrics.bottleneck_step)
    assert template_values[f"FACTORY!{L(bc + 1)}{br}"] == pytest.approx(
        float(ref.metrics.line_capacity_cells_yr) / (320 * 24), rel=1e-9)


def _rect(ref):
    from openpyxl.utils.cell import range_boundaries

    return range_boundaries(ref)  # (min_col, min_row, max_col, max_row)


def _overlaps(ws):
    """Clashes on a sheet: a spill range holding another value or crossing another spill or a table."""
    from openpyxl.worksheet.formula import ArrayFormula

    spills = {c.coordinate: _rect(c.value.ref) for row in ws.iter_rows() for c in row if isinstance(c.value, ArrayFormula)}
    tables = {t.name: _rect(t.ref) for t in ws.tables.values()}
    clashes = []
    for anchor, (c0, r0, c1, r1) in spills.items():
        for row in ws.iter_rows(min_row=r0, max_row=r1, min_col=c0, max_col=c1):
            clashes += [(anchor, c.coordinate) for c in row if c.value is not None and c.coordinate != anchor]
        for other, (d0, s0, d1, s1) in list(spills.items()) + list(tables.items()):
            if other != anchor and c0 <= d1 and d0 <= c1 and r0 <= s1 and s0 <= r1:
                clashes.append((anchor, other))
    return clashes


def test_factory_sheet_has_no_overlaps(wb):
    ws = wb["Factory"]
    assert _overlaps(ws) == []
    # the step results reserve a row for every row of the step table, spare rows included
    h0, h1 = _rect(ws.tables["tbl_steps_table"].ref)[1::2]
    c0, r0, c1, r1 = _rect(ws[f"{L(factory_sheet.RESULTS_COL)}{factory_sheet.HEADER_ROW + 1}"].value.ref)
    assert r1 - r0 == h1 - h0 == len(DEFAULT_STEPS) + factory_sheet.EXTRA_STEP_ROWS


#: two steps a user adds in the table's empty rows (display units, as typed): a laser-cleaning station with
#: 9 fixed machines of 1 cell per 1.1 s (85 % OEE: 192 M cells/yr < the 210.5 M to build, so it limits the line) and a
#: wetting store without machine data (sized by BatPaC's power laws only)
NEW_STEPS = [
    {"step": "Laser cleaning", "group": "A", "driver": "cells_built", "baseline": 211e6, "labor0_h": 20_000.0,
     "labor_exp": 0.9, "capex0_musd": 12.0, "capex_exp": 0.9, "area0_m2": 500.0, "area_exp": 0.95,
     "units_per_cycle": 1.0, "cycle_time_s": 1.1, "machines": 9.0},
    {"step": "Electrolyte wetting", "group": "A", "driver": "cells_built", "baseline": 211e6, "labor0_h": 10_000.0,
     "labor_exp": 0.9, "capex0_musd": 5.0, "capex_exp": 0.9, "area0_m2": 2_000.0, "area_exp": 0.95},
]


def test_steps_added_in_the_table_appear_in_the_results(tmp_path):
    pytest.importorskip("formulas")
    from workbooks import roundtrip
    from app.formula_engine import evaluate
    from xlcell.cost import Factory
    from xlcell.factory import StepTable, steps_from_rows

    wb = roundtrip.load(TEMPLATE_PATH)
    ws = wb["Factory"]
    top = _rect(ws.tables["tbl_steps_table"].ref)[1]
    keys = [ws.cell(top, j + 1).value for j in range(len(specs(ProcessStep)))]
    n = len(DEFAULT_STEPS)
    for i, row in enumerate(NEW_STEPS):  # the first two empty rows of the table
        assert all(ws.cell(top + 1 + n + i, j + 1).value is None for j in range(len(keys)))
        for key, v in row.items():
            ws.cell(top + 1 + n + i, keys.index(key) + 1, v)
    assert _overlaps(ws) == []
    path = roundtrip.save(wb, tmp_path / "added.xlsx")
    got = evaluate(path)

    steps = DEFAULT_STEPS + steps_from_rows(NEW_STEPS)
    want = cost_details(design_from_mapping({}), Factory(steps=StepTable.from_steps(steps)))
    h, c0 = factory_sheet.HEADER_ROW + 1, factory_sheet.RESULTS_COL
    lab, cap = FACTORY_HEADER.index("labor_h_yr"), FACTORY_HEADER.index("capacity_cells_per_h")
    for j, s in enumerate(steps):  # every step, the new ones included, in table order
        r = h + 1 + j
        assert got[f"FACTORY!{L(c0)}{r}"] == s.name
        assert got[f"FACTORY!{L(c0 + lab)}{r}"] == pytest.approx(float(want.steps.labor_s[j]) / 3600, rel=1e-9)
    # the remaining empty rows are blank, the spill fits its reserved range exactly
    for r in range(h + 1 + len(steps), h + 1 + n + factory_sheet.EXTRA_STEP_ROWS):
        assert all(got.get(f"FACTORY!{L(c0 + j)}{r}") in ("", None) for j in range(len(FACTORY_HEADER))), r
    # the new fixed-machine step is the bottleneck, at 100 % utilisation; the line makes what it can
    assert str(want.metrics.bottleneck_step) == "Laser cleaning"
    r_new = h + 1 + n
    assert got[f"FACTORY!{L(c0 + cap)}{r_new}"] == pytest.approx(9 / 1.1 * 0.85 * 3600 * 0.95, rel=1e-9)  # accepted cells/h
    bc, br = factory_sheet.BOTTLENECK_COL, factory_sheet.HEADER_ROW + 1
    assert got[f"FACTORY!{L(bc)}{br}"] == "Laser cleaning"
    assert got[f"FACTORY!{L(bc + 1)}{br}"] == pytest.approx(9 / 1.1 * 0.85 * 3600 * 0.95, rel=1e-9)
    assert got[f"FACTORY!{L(c0 + cap)}{r_new + 1}"] in ("", None)  # no machine data: no capacity
    # the cost sheet uses the extended chain
    row = {s.key: cost_sheet.HEADER_ROW + 1 + i for i, s in enumerate(specs(CostMetrics))}
    assert got[f"COST!C{row['cell_cost_usd']}"] == pytest.approx(float(want.metrics.cell_cost_usd), rel=1e-9)
    assert got[f"COST!C{row['bottleneck_step']}"] == "Laser cleaning"
    assert got[f"COST!C{row['cells_per_year']}"] == pytest.approx(9 / 1.1 * 0.85 * 3600 * 320 * 24 * 0.95, rel=1e-9)


def test_bom_sheet_results(template_values, ref):
    h = 5
    c0 = 8
    assert [template_values[f"BOM!{L(c0 + j)}{h}"] for j in range(len(BOM_HEADER))] == BOM_HEADER
    for i, (key, _, _) in enumerate(BOM_ITEMS):
        r = h + 1 + i
        assert template_values[f"BOM!{L(c0)}{r}"] == key
        assert template_values[f"BOM!{L(c0 + 6)}{r}"] == pytest.approx(float(ref.bom.cost[key]), rel=1e-9, abs=1e-15)
    assert template_values[f"BOM!{L(c0 + 6)}{h + 1 + len(BOM_ITEMS)}"] == pytest.approx(float(ref.bom.total_usd), rel=1e-9)
    # BatPaC §3.3: $15.502277 of materials in BatPaC's rating mode (its 250 Wh cell: 200 M cells a year, which sets
    # the hardware plus costs); the template's cell, rated with the cell model's ASI, is a little larger
    batpac = cost_details(design_from_mapping({}), fmt=batpac_format()).bom.total_usd
    assert float(batpac) == pytest.approx(15.502277, abs=1e-6)


def test_tornado_block(template_values):
    top, col = None, cost_sheet.LINES_COL
    for r in range(1, 120):
        if template_values.get(f"COST!{L(col)}{r}") == "input":
            top = r
            break
    assert top is not None
    assert [template_values[f"COST!{L(col + j)}{top}"] for j in range(len(SENSITIVITY_HEADER))] == SENSITIVITY_HEADER
    t = cost_sensitivity(design_from_mapping({}), 0.1)
    for i in range(cost_sheet.TORNADO_TOP):
        assert template_values[f"COST!{L(col)}{top + 1 + i}"] == t.keys[i]
        assert template_values[f"COST!{L(col + 6)}{top + 1 + i}"] == pytest.approx(t.high[i], rel=1e-9)


def test_report_has_a_cost_section(tmp_path):
    from app.report import write_report

    p = write_report(tmp_path / "r.xlsx", {"pos_thickness_um": 100.0})
    wb = load_workbook(p)
    ws = wb["Cost"]
    vals = {r[1]: r[2] for r in ws.iter_rows(min_row=5, max_row=5 + len(specs(CostMetrics)), max_col=3, values_only=True)}
    want = evaluate_cost(design_from_mapping({"pos_thickness_um": 100.0})).as_display()
    assert vals["cell_cost_usd_per_kWh"] == pytest.approx(float(want["cell_cost_usd_per_kWh"]), rel=1e-12)
    assert vals["bottleneck_step"] == str(want["bottleneck_step"])
    assert len(ws._charts) == 2


