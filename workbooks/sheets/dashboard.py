"""The Dashboard sheet: the one page a manager reads (after BatPaC's dashboard of results).

Every value is a formula that *looks up* a result already computed on its own sheet, so nothing is
computed twice and the generator computes nothing: ``VLOOKUP(key, name, 2, FALSE)`` into the workbook
names of the spilled result tables (``tbl_cell_results`` on Design, ``tbl_cost_results`` on Cost,
``tbl_cell_lcos`` on LCOS, ``tbl_mc_risk`` on Uncertainty), the Lifetime sheet's named result
``cycle_life`` and the Calendering sheet's fracture-check cell. The names are defined by the sheets
that fill them, so a change of their layout moves the names with them.

Layout:

* A:D — Result | Value | Unit | Sheet (a link to the sheet with the details), in sections.
* F onwards — a native bar chart of the cell cost per kWh by cost line (the Cost sheet's line table).
"""
from __future__ import annotations

from dataclasses import dataclass

from openpyxl.chart import Reference
from openpyxl.chart.data_source import NumFmt
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment
from openpyxl.utils import quote_sheetname
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.hyperlink import Hyperlink

from .. import style
from . import calendering, cost, design, lcos, lifetime, pack, uncertainty

TITLE = "Dashboard"
HEADER_ROW = 4
CHART_COL = 6  # F
FRACTURE_LABEL = "Fracture check at the line load"  #: the Calendering sheet's result shown here
#: the note below the table, wrapped in its columns A:D (one unwrapped cell ran past the printed page's right edge)
FOOTNOTE = ("BatPaC 5.0 default cell: $19.75 per cell, $79.02/kWh (Argonne, 2022) in BatPaC's conventions "
            "(electricity_usd_kWh = 0 on the Factory sheet); xlcell adds the plant's electricity at 8.06 ¢/kWh (EIA, "
            "U.S. industrial 2023). Cycle life and LCOS use the Lifetime and LCOS sheets' operating inputs.")


def _lookup(key: str, table: str) -> str:
    return f'=VLOOKUP("{key}",{table},2,FALSE)'


@dataclass(frozen=True)
class Headline:
    """One row of the dashboard: a result looked up on the sheet that computes it."""

    key: str  #: the result's key on its sheet (the tests compare it with the Python model's value of that key)
    label: str
    unit: str
    sheet: str  #: the sheet that computes it
    formula: str
    number_format: str = "General"


def sections() -> list[tuple[str, list[Headline]]]:
    """The dashboard's sections and rows, in sheet order."""
    cell, cst, pk = design.RESULTS_NAME, cost.RESULTS_NAME, pack.RESULTS_NAME
    fracture = (f"={quote_sheetname(calendering.TITLE)}!${style.col_letter(calendering.RESULTS_COL + 1)}"
                f"${calendering.HEADER_ROW + 1 + calendering.RESULT_LABELS.index(FRACTURE_LABEL)}")
    H = Headline
    return [
        ("Cell (the Design sheet's design)", [
            H("capacity_Ah", "Capacity", "Ah", design.TITLE, _lookup("capacity_Ah", cell), "0.00"),
            H("energy_Wh", "Energy", "Wh", design.TITLE, _lookup("energy_Wh", cell), "0.0"),
            H("specific_energy_Wh_kg", "Specific energy", "Wh/kg", design.TITLE, _lookup("specific_energy_Wh_kg", cell), "0.0"),
            H("energy_density_Wh_L", "Energy density", "Wh/L", design.TITLE, _lookup("energy_density_Wh_L", cell), "0.0"),
            H("max_power_W", "Maximum power", "W", design.TITLE, _lookup("max_power_W", cell), "#,##0"),
            H("feasible", "Feasible (N/P, electrolyte and solid diffusion, voltage limits)", "yes/no", design.TITLE,
              f'=IF({_lookup("feasible", cell)[1:]},"yes","no")'),
        ]),
        ("Cost (BatPaC 5.0 roll-up in the Factory sheet's plant)", [
            H("cell_cost_usd", "Cell cost", "$/cell", cost.TITLE, _lookup("cell_cost_usd", cst), "0.00"),
            H("cell_cost_usd_per_kWh", "Cell cost per kWh (nominal C/3 energy)", "$/kWh", cost.TITLE,
              _lookup("cell_cost_usd_per_kWh", cst), "0.00"),
            H("materials_share", "Materials share of the cell cost", "% of cost", cost.TITLE, _lookup("materials_share", cst),
              "0.0%"),
            H("bottleneck_step", "Bottleneck step of the line", "step", cost.TITLE, _lookup("bottleneck_step", cst)),
        ]),
        ("Pack (the Pack sheet: BatPaC 5.0's EV pack of the Design sheet's cell)", [
            H("pack_cost_usd_per_kWh", "Pack price per kWh of pack energy", "$/kWh", pack.TITLE,
              _lookup("pack_cost_usd_per_kWh", pk), "0.00"),
            H("active_limit", "Active design limit of the positive thickness", "limit", pack.TITLE,
              _lookup("active_limit", pk)),
        ]),
        ("Life and cost of storage", [
            H("cycle_life", "Cycle life to end of life (life model at the Lifetime sheet's duty)", "cycles",
              lifetime.TITLE, "=cycle_life", "#,##0"),
            H("lcos_usd_kWh", "Cell-level LCOS at the duty (cost, cell and life models)", "$/kWh", lcos.TITLE,
              _lookup("lcos_usd_kWh", lcos.CELL_LCOS_NAME), "0.000"),
        ]),
        ("Risk and manufacturing", [
            H("var95_usd_per_kWh", "Cell cost per kWh, Monte Carlo P95", "$/kWh", uncertainty.TITLE,
              _lookup("var95_usd_per_kWh", uncertainty.RISK_NAME), "0.00"),
            H("fracture_check", "Calendering: particle fracture at the line load", "check", calendering.TITLE, fracture),
        ]),
    ]


def headline_rows() -> dict[str, int]:
    """``{key: row}`` of the dashboard's values (column B)."""
    rows, r = {}, HEADER_ROW
    for _, items in sections():
        r += 1  # the section row
        for h in items:
            r += 1
            rows[h.key] = r
    return rows


def cost_line_refs() -> tuple[str, str]:
    """(values with their header, labels) of the Cost sheet's $/kWh line table that the chart draws."""
    sheet = quote_sheetname(cost.TITLE)
    first, last = cost.HEADER_ROW + 1, cost.HEADER_ROW + len(cost.LINES)
    val, lab = style.col_letter(cost.LINES_COL + 2), style.col_letter(cost.LINES_COL)
    return f"{sheet}!${val}${cost.HEADER_ROW}:${val}${last}", f"{sheet}!${lab}${first}:${lab}${last}"


def build(wb: Workbook, ctx) -> None:
    ws = wb.create_sheet(TITLE)
    style.title(ws, "Dashboard: the cell at a glance",
                "Results (green) of the Design sheet's cell, looked up on the sheets that compute them: edit the yellow "
                "inputs there. The Sheet column links to the details.")
    style.header_row(ws, HEADER_ROW, 1, ["Result", "Value", "Unit", "Sheet"])
    rows = headline_rows()
    r = HEADER_ROW
    for section, items in sections():
        r += 1
        style.section_row(ws, r, 1, section, 4)
        for h in items:
            r = rows[h.key]
            ws.cell(row=r, column=1, value=h.label).border = style.BOX
            v = ws.cell(row=r, column=2, value=h.formula)
            style.style_result(v, h.unit)
            v.number_format = h.number_format
            v.alignment = Alignment(horizontal="right", vertical="center", wrap_text=h.key == "fracture_check")
            u = ws.cell(row=r, column=3, value=h.unit)
            u.border, u.alignment = style.BOX, Alignment(vertical="center")
            link = ws.cell(row=r, column=4, value=h.sheet)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"{quote_sheetname(h.sheet)}!A1", display=h.sheet)
            link.font = style.Font(color="0563C1", underline="single")
            link.border, link.alignment = style.BOX, Alignment(vertical="center")
    fr = rows["fracture_check"]
    ws.row_dimensions[fr].height = 45
    ws.conditional_formatting.add(f"B{fr}", FormulaRule(formula=[f'LEFT(B{fr},7)="WARNING"'],
                                                        font=style.Font(color="C00000", bold=True)))
    feas = f"B{rows['feasible']}"
    ws.conditional_formatting.add(feas, FormulaRule(formula=[f'{feas}="no"'], font=style.Font(color="C00000", bold=True)))
    for i in range(HEADER_ROW + 1, r + 1):
        ws.cell(row=i, column=1).alignment = Alignment(wrap_text=True, vertical="center")
    style.widths(ws, {"A": 52, "B": 24, "C": 11, "D": 13, "E": 2})
    style.footnote(ws, r + 2, 1, 4, FOOTNOTE)

    values, labels = cost_line_refs()
    chart = style.bar_chart("Cell cost by line ($/kWh)", Reference(range_string=values), Reference(range_string=labels),
                            largest_on_top=True, height=11, width=17)
    chart.y_axis.numFmt = NumFmt(formatCode="0", sourceLinked=False)
    chart.y_axis.title = "$/kWh"
    ws.add_chart(chart, f"{style.col_letter(CHART_COL)}{HEADER_ROW}")

    ws.print_area = f"A1:O{r + 2}"
