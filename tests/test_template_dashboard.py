"""The template's Dashboard sheet: second in tab order, a unit on every row, only look-ups of results computed
on the other sheets, and its values, computed by the formula engine with our UDFs bound, equal the Python
model's for the default design (the BatPaC 5.0 default cell)."""
import pytest
from batpac_mode import default_cost
from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet.formula import ArrayFormula

from workbooks.sheets import cost, dashboard, design, lcos, pack, uncertainty
from xlcell.calendering import CALENDERING_MATERIALS, coating_porosity, fracture_line_load
from xlcell.cell import evaluate_cell
from xlcell.cost import evaluate_cost
from xlcell.design import design_from_mapping
from xlcell.duty import Duty
from xlcell.lcos import cell_lcos
from xlcell.uncertainty import UncertaintySpec, monte_carlo

pytestmark = pytest.mark.slow  # builds and computes the template workbook

D = dashboard.TITLE.upper()


@pytest.fixture(scope="module")
def wb(fresh_template):
    return load_workbook(fresh_template)


def _value(template_values, key):
    return template_values[f"{D}!B{dashboard.headline_rows()[key]}"]


def test_dashboard_sits_second_and_design_stays_the_active_sheet(wb):
    assert wb.sheetnames[:3] == ["How to use", "Dashboard", "Design"]
    assert wb.active.title == "Design"
    ws = wb[dashboard.TITLE]
    assert ws.page_setup.orientation == "landscape" and ws.print_area


def test_every_row_has_a_label_a_result_a_unit_and_a_link(wb):
    ws = wb[dashboard.TITLE]
    rows = dashboard.headline_rows()
    assert len(rows) == sum(len(items) for _, items in dashboard.sections()) == 16
    for key, r in rows.items():
        label, value, unit, sheet = (ws.cell(r, c) for c in (1, 2, 3, 4))
        assert label.value and unit.value and sheet.value in wb.sheetnames, key
        assert value.fill.fgColor.rgb.endswith("E2EFDA"), key  # styled as a result
        assert sheet.hyperlink.location == f"'{sheet.value}'!A1"
        # a look-up of a result computed elsewhere: the dashboard never calls a model function itself
        assert isinstance(value.value, str) and value.value.startswith("=") and "XLCELL_" not in value.value, key


def test_lookups_read_the_spilled_result_tables(wb):
    # each name the dashboard looks values up in is exactly the spill range of the function that fills it
    for name, sheet, fn in ((design.RESULTS_NAME, design.TITLE, "=XLCELL_CELL("), (cost.RESULTS_NAME, cost.TITLE, "=XLCELL_COST("),
                            (lcos.CELL_LCOS_NAME, lcos.TITLE, "=XLCELL_CELL_LCOS("),
                            (pack.RESULTS_NAME, pack.TITLE, "=XLCELL_PACK("),
                            (uncertainty.RISK_NAME, uncertainty.TITLE, "=XLCELL_MC_RISK(")):
        (title, ref), = list(wb.defined_names[name].destinations)
        assert title == sheet
        c0, r0, _, _ = range_boundaries(ref.replace("$", ""))
        anchor = wb[title].cell(r0, c0).value
        assert isinstance(anchor, ArrayFormula) and anchor.text.startswith(fn), name
        assert anchor.ref == ref.replace("$", ""), name


def test_headline_values_equal_the_model(template_values):
    d = design_from_mapping({})
    cell = evaluate_cell(d).as_display()
    for key in ("capacity_Ah", "energy_Wh", "specific_energy_Wh_kg", "energy_density_Wh_L", "max_power_W"):
        assert _value(template_values, key) == pytest.approx(float(cell[key]), rel=1e-9), key
    assert _value(template_values, "feasible") == ("yes" if bool(cell["feasible"]) else "no") == "yes"
    c = evaluate_cost(d).as_display()
    for key in ("cell_cost_usd", "cell_cost_usd_per_kWh", "materials_share"):
        assert _value(template_values, key) == pytest.approx(float(c[key]), rel=1e-9), key
    assert _value(template_values, "bottleneck_step") == str(c["bottleneck_step"])
    # BatPaC 5.0 default cell, shared/reference/batpac5.md §6.3: $19.754802 per cell, $79.0192/kWh
    cell, per_kwh = default_cost()  # (plus the electricity xlcell charges by default)
    assert _value(template_values, "cell_cost_usd") == pytest.approx(cell, abs=1e-6)
    assert _value(template_values, "cell_cost_usd_per_kWh") == pytest.approx(per_kwh, rel=1e-7)
    assert 0 < _value(template_values, "materials_share") < 1
    # the Lifetime sheet's duty (the LCOS sheet reads it): the design's C-rate and temperature, DoD 1, 365 cycles a
    # year to 80 % SOH; O&M and residual value 0
    from xlcell.degradation import cycle_life
    assert _value(template_values, "cycle_life") == pytest.approx(float(cycle_life(d).cycle_life), rel=1e-9)
    want = float(cell_lcos(d, Duty(dod=1.0, cycles_per_year=365.0, eol_soh=0.8), 0.0, 0.0).lcos_usd_J) * 3.6e6
    assert _value(template_values, "lcos_usd_kWh") == pytest.approx(want, rel=1e-9)


def test_pack_rows_equal_the_pack_model(template_values):
    # issue 14: the Pack sheet's pack of the Design sheet's cell (BatPaC 5.0's EV pack, xlcell's default factory)
    from xlcell.pack import evaluate_pack

    m = evaluate_pack(design_from_mapping({})).as_display()
    assert _value(template_values, "pack_cost_usd_per_kWh") == pytest.approx(float(m["pack_cost_usd_per_kWh"]), rel=1e-9)
    assert _value(template_values, "active_limit") == str(m["active_limit"]) == "design"


def test_risk_and_fracture_rows_equal_the_model(template_values):
    n, seed = (row[2] for row in uncertainty.RUN[:2])
    mc = monte_carlo(design_from_mapping({}), int(n), int(seed), UncertaintySpec())
    p95 = _value(template_values, "var95_usd_per_kWh")
    assert p95 == pytest.approx(mc.risk["var95_usd_per_kWh"], rel=1e-9)
    assert p95 > _value(template_values, "cell_cost_usd_per_kWh")  # prices only rise in the tail
    nmc = CALENDERING_MATERIALS["NMC811"]
    qf = float(fracture_line_load(coating_porosity(0.40, nmc.drying_shrinkage), nmc)) / 1e3  # N/mm; the sheet's 800 N/mm is below
    assert _value(template_values, "fracture_check") == f"OK: below NMC811's fracture line load {qf:.0f} N/mm"


def test_cost_chart_draws_the_cost_sheets_lines(wb, template_values):
    charts = wb[dashboard.TITLE]._charts
    assert len(charts) == 1 and charts[0].type == "bar"
    (s,) = charts[0].series
    first, last = cost.HEADER_ROW + 1, cost.HEADER_ROW + len(cost.LINES)
    cats = s.cat.strRef.f if s.cat.strRef is not None else s.cat.numRef.f
    refs = [f.replace("$", "") for f in (s.tx.strRef.f, s.val.numRef.f, cats)]
    assert refs == [f"'Cost'!G{cost.HEADER_ROW}", f"'Cost'!G{first}:G{last}", f"'Cost'!E{first}:E{last}"]
    ws = wb[cost.TITLE]
    assert ws[f"G{cost.HEADER_ROW}"].value == "$ per kWh"
    # the bars are the cost lines: they add up to the cell cost per kWh
    total = sum(template_values[f"COST!G{r}"] for r in range(first, last + 1))
    assert total == pytest.approx(_value(template_values, "cell_cost_usd_per_kWh"), rel=1e-9)




def test_the_footnote_wraps_inside_the_print_area(wb):
    # the note below the table was one unwrapped cell in A whose text ran past the print area's right edge (column O)
    # and was cut there on the printed page (LibreOffice's PDF ended at "...Cycle life and LCOS")
    from workbooks import style

    ws = wb[dashboard.TITLE]
    (cell,) = [c for row in ws.iter_rows(min_col=1, max_col=1) for c in row
               if isinstance(c.value, str) and c.value.startswith("BatPaC 5.0 default cell")]
    (merged,) = [m for m in ws.merged_cells.ranges if (m.min_row, m.min_col) == (cell.row, cell.column)]
    c0, r0, c1, r1 = range_boundaries(ws.print_area.split("!")[-1].replace("$", ""))
    assert c0 <= merged.min_col and merged.max_col <= c1 and r0 <= cell.row <= r1
    assert merged.max_col == 4  # under the table (Result | Value | Unit | Sheet), beside nothing
    assert cell.alignment.wrap_text
    width = sum(ws.column_dimensions[style.col_letter(k)].width for k in range(merged.min_col, merged.max_col + 1))
    lines = style.text_lines(cell.value, width)
    assert lines > 1 and ws.row_dimensions[cell.row].height >= lines * style.LINE_HEIGHT_PT
