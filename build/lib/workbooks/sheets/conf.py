"""The ``xlwings.conf`` sheet: tells the classic xlwings add-in which module holds the UDFs."""
from __future__ import annotations

from openpyxl.workbook.workbook import Workbook

TITLE = "xlwings.conf"

#: settings read by the xlwings add-in (keys as xlwings spells them)
SETTINGS = [("UDF Modules", "udfs"), ("Show Console", "False")]


def build(wb: Workbook, ctx) -> None:
    ws = wb.create_sheet(TITLE)
    for i, (k, v) in enumerate(SETTINGS, start=1):
        ws.cell(row=i, column=1, value=k)
        ws.cell(row=i, column=2, value=v)
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 18
