"""The ``xlwings.conf`` sheet: tells the classic xlwings add-in which module holds the UDFs."""
from __future__ import annotations

from openpyxl.workbook.workbook import Workbook

TITLE = "xlwings.conf"

#: settings read by the xlwings add-in: its VBA upper-cases a sheet's keys, so "UDF Modules" is its "UDF MODULES"
#: (tests/test_xlwings_keys.py checks every key against the installed xlwings' source). "UDF Modules" only serves
#: xlwings' *Import Functions* (the xlcell add-in carries its own function wrappers); it is scoped to this workbook,
#: so it is kept for that route. A workbook's sheet overrides ~/.xlwings/xlwings.conf, so the interpreter is
#: deliberately not set here: `xlcell addin install` sets it per user.
SETTINGS = [("UDF Modules", "udfs"), ("Show Console", "False")]


def build(wb: Workbook, ctx) -> None:
    ws = wb.create_sheet(TITLE)
    for i, (k, v) in enumerate(SETTINGS, start=1):
        ws.cell(row=i, column=1, value=k)
        ws.cell(row=i, column=2, value=v)
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 18
