"""The BOM sheet: material prices, yields, slurry and cell-format inputs, and the bill of materials.

* A:F — the ``cell_format`` (pouch, cylindrical, prismatic or a preset: :mod:`xlcell.formats`, a list to choose
  from) and the inputs of :class:`xlcell.bom.MaterialPrices`, ``MaterialYields``, ``Slurry`` and ``CellFormat``
  (BatPaC 5.0 defaults); (Key, Value) is the named range ``tbl_bom``.
* H:O — ``=XLCELL_BOM(...)`` spilling one row per item: design quantity from the Design sheet,
  material yield, quantity bought per accepted cell and its cost; a native bar chart of the cost.
"""
from __future__ import annotations

from openpyxl.chart import Reference
from openpyxl.workbook.workbook import Workbook

from xlcell.bom import BOM_ITEMS, CellFormat, MaterialPrices, MaterialYields, Slurry
from xlcell.formats import FORMAT_NAMES
from xlcell.tables import BOM_HEADER

from .. import style
from ..xlsx import spill
from .factory import cost_args, kv_rows

TITLE = "BOM"
HEADER_ROW = 4
RESULTS_COL = 8  # H


def build(wb: Workbook, ctx) -> None:
    ws = wb.create_sheet(TITLE)
    style.title(ws, "Bill of materials", "Prices, yields and the cell format (BatPaC's pouch by default); quantities per accepted cell "
                "are computed from the Design sheet (quantity bought = design / (cell yield × material yield)).")
    style.legend(ws, 2, RESULTS_COL)
    names = FORMAT_NAMES
    fmt_row = [style.ParamRow("Cell format"),
               style.ParamRow("Cell format (the pouch keys below apply to the pouch)", "cell_format", "pouch", "text",
                              note="one of " + ", ".join(names) + " (docs: Cell formats)",
                              choices_ref='"' + ",".join(names) + '"')]
    first, last = style.param_rows(wb, ws, HEADER_ROW, fmt_row + kv_rows((MaterialPrices, MaterialYields, Slurry,
                                                                          CellFormat)))
    style.name(wb, ctx.bom_name, ws, f"B{first}:C{last}")

    n = len(BOM_ITEMS) + 2  # header + items + total
    ws.cell(row=HEADER_ROW, column=RESULTS_COL, value="Bill of materials per accepted cell").font = style.SECTION_FONT
    anchor = f"{style.col_letter(RESULTS_COL)}{HEADER_ROW + 1}"
    spill(ws, anchor, f"=XLCELL_BOM({ctx.design_name},{cost_args(ctx)})", n, len(BOM_HEADER))
    for i in range(n):
        for j, key in enumerate(BOM_HEADER):
            c = ws.cell(row=HEADER_ROW + 1 + i, column=RESULTS_COL + j)
            style.style_result(c, "%" if key == "cost_share" else "-")
            if key == "cost_usd":
                c.number_format = "0.0000"
    ctx.notes["bom_anchor"] = anchor

    cost_col = RESULTS_COL + BOM_HEADER.index("cost_usd")
    first_item, last_item = HEADER_ROW + 2, HEADER_ROW + 1 + len(BOM_ITEMS)
    chart = style.bar_chart("Materials cost per accepted cell",
                            Reference(ws, min_col=cost_col, min_row=HEADER_ROW + 1, max_row=last_item),
                            Reference(ws, min_col=RESULTS_COL + 1, min_row=first_item, max_row=last_item),
                            y_title="$ per cell", height=9, width=18)
    ws.add_chart(chart, f"{style.col_letter(RESULTS_COL)}{HEADER_ROW + n + 4}")
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    style.widths(ws, {"A": 44, "B": 28, "C": 13, "D": 9, "E": 12, "F": 44, "G": 2, "H": 14, "I": 30, "J": 6,
                      "K": 13, "L": 13, "M": 15, "N": 12, "O": 11})
