"""The template's Pack sheet (issue 14): inputs from PackDesign's metadata, XLCELL_PACK of the Design sheet's cell equal
to the pack model, the cost-by-line table adding up to the pack cost, the design-to-requirements table (more power ->
thinner -> dearer) and the format and chemistry comparison, one row per library combination."""
import numpy as np
import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.formula import ArrayFormula

from workbooks.sheets import pack as sheet
from xlcell.design import design_from_mapping
from xlcell.pack import PackDesign, PackMetrics, comparison_cases, evaluate_pack
from xlcell.params import specs

pytestmark = pytest.mark.slow  # builds and computes the template workbook

P = sheet.TITLE.upper()


@pytest.fixture(scope="module")
def wb(fresh_template):
    return load_workbook(fresh_template)


def test_inputs_are_named_and_coloured(wb):
    ws = wb[sheet.TITLE]
    (title, ref), = list(wb.defined_names[sheet.PACK_NAME].destinations)
    assert title == sheet.TITLE
    keys = [ws[f"B{r}"].value for r in range(sheet.HEADER_ROW + 1, ws.max_row) if ws[f"B{r}"].value]
    for s in specs(PackDesign):
        assert s.key in keys, s.key
    r = keys.index("pack_power_kW")
    row = next(i for i in range(sheet.HEADER_ROW + 1, ws.max_row) if ws[f"B{i}"].value == "pack_power_kW")
    assert ws[f"C{row}"].value == 300 and ws[f"D{row}"].value == "kW" and r >= 0
    assert ws[f"C{row}"].fill.fgColor.rgb.endswith("FFF2CC")  # an input


def test_results_equal_the_pack_model(wb, template_values):
    ws = wb[sheet.TITLE]
    top = sheet.HEADER_ROW + 2
    anchor = ws.cell(top, sheet.RESULTS_COL + 1).value
    assert isinstance(anchor, ArrayFormula) and anchor.text.startswith("=XLCELL_PACK(tbl_design,tbl_pack,")
    m = evaluate_pack(design_from_mapping({})).as_display()
    i_col, v_col = (ws.cell(1, sheet.RESULTS_COL + j).column_letter for j in (1, 2))
    got = {template_values[f"{P}!{i_col}{top + n}"]: template_values[f"{P}!{v_col}{top + n}"]
           for n in range(len(specs(PackMetrics)))}
    assert list(got) == list(m)
    for k, v in m.items():
        if isinstance(v, (str, np.str_)) or np.asarray(v).dtype == object:
            assert got[k] == str(v), k
        else:
            assert float(got[k]) == pytest.approx(float(v), rel=1e-9, abs=1e-9), k
    lim = template_values[f"{P}!{v_col}{sheet.HEADER_ROW - 1}"]
    assert lim == "design"  # the active design limit shown above the results


def test_cost_lines_add_up_to_the_pack_cost(template_values):
    top, tot = sheet.HEADER_ROW + 2, sheet.HEADER_ROW + 2 + len(sheet.LINES)
    col = lambda j: chr(ord("A") + sheet.LINES_COL - 1 + j)  # noqa: E731
    per_pack = [template_values[f"{P}!{col(1)}{r}"] for r in range(top, tot)]
    m = evaluate_pack(design_from_mapping({}))
    assert sum(per_pack) == pytest.approx(float(m.pack_cost_usd), rel=1e-12)
    assert template_values[f"{P}!{col(2)}{tot}"] == pytest.approx(float(m.pack_cost_usd_J) * 3.6e6, rel=1e-12)
    assert per_pack[0] == pytest.approx(float(m.pack_materials_usd - m.pack_purchased_items_usd), rel=1e-12)


def test_chart_draws_the_lines(wb):
    charts = wb[sheet.TITLE]._charts
    assert len(charts) == 1 and charts[0].type == "bar"


def test_design_to_requirements_table(template_values):
    from workbooks.sheets import TemplateContext
    from openpyxl import Workbook

    ctx = TemplateContext()
    sheet.build(Workbook(), ctx)
    r0, c0 = ctx.notes["pack_requirements"]
    col = lambda j: chr(ord("A") + c0 - 1 + j)  # noqa: E731
    header = [template_values[f"{P}!{col(j)}{r0}"] for j in range(len(sheet.REQUIREMENT_ITEMS))]
    assert header == sheet.REQUIREMENT_ITEMS
    n = len(sheet.POWER_CASES)
    rows = [[template_values[f"{P}!{col(j)}{r0 + 1 + i}"] for j in range(len(header))] for i in range(n)]
    t = [r[header.index("pos_thickness_um")] for r in rows]
    cost = [r[header.index("pack_cost_usd_per_kWh")] for r in rows]
    limits = [r[header.index("active_limit")] for r in rows]
    assert limits[0] == "max thickness" and limits[-1] == "power"
    assert all(a >= b for a, b in zip(t, t[1:])) and all(a <= b for a, b in zip(cost, cost[1:]))
    m = evaluate_pack(design_from_mapping({}), PackDesign(power_W=np.array(sheet.POWER_CASES) * 1e3, solve_thickness=1.0))
    assert t == pytest.approx(list(m.pos_thickness_m * 1e6), rel=1e-9)


def test_comparison_has_one_row_per_library_combination(template_values):
    from workbooks.sheets import TemplateContext
    from openpyxl import Workbook

    ctx = TemplateContext()
    sheet.build(Workbook(), ctx)
    r0, c0, n = ctx.notes["pack_comparison"]
    cases = comparison_cases()
    assert n == len(cases)
    col = lambda j: chr(ord("A") + c0 - 1 + j)  # noqa: E731
    assert [template_values[f"{P}!{col(j)}{r0}"] for j in range(len(sheet.COMPARISON_ITEMS))] == sheet.COMPARISON_ITEMS
    # NMC811-graphite: the default cell's pack, designed to the power (the maximum thickness binds)
    i = next(k for k, c in enumerate(cases) if c["pos_material"] == "NMC811" and c["neg_material"] == "Graphite")
    m = evaluate_pack(design_from_mapping({}), PackDesign(solve_thickness=1.0))
    assert template_values[f"{P}!{col(0)}{r0 + 1 + i}"] == pytest.approx(float(m.pack_cost_usd_J) * 3.6e6, rel=1e-9)
    lfp = next(k for k, c in enumerate(cases) if c["pos_material"] == "LFP" and c["neg_material"] == "Graphite")
    # the calendering context is the case's own materials', as for XLCELL_PACK of an LFP design (one chain)
    want = evaluate_pack(design_from_mapping({"pos_material": "LFP"}), PackDesign(solve_thickness=1.0),
                         calendering={"pos_material": "LFP", "neg_material": "Graphite"})
    assert template_values[f"{P}!{col(0)}{r0 + 1 + lfp}"] == pytest.approx(float(want.pack_cost_usd_J) * 3.6e6, rel=1e-9)
