"""The Materials sheet: the active-material library and rows for user-defined materials."""
from __future__ import annotations

import math

from openpyxl.workbook.workbook import Workbook

from xlcell.materials import LIBRARY, Material
from xlcell.params import specs
from xlcell.tables import MATERIAL_COLUMNS
from xlcell.units import with_unit

from .. import style

TITLE = "Materials"
HEADER_ROW = 4
USER_ROWS = 10


def table_rows() -> int:
    """Rows of the Materials table including the header."""
    return 1 + len(LIBRARY) + USER_ROWS


def build(wb: Workbook, ctx) -> None:
    ws = wb.create_sheet(TITLE)
    style.title(ws, "Active materials", "Library values (BatPaC 5.0, About:Energy 2022, Hwang et al. 2017, ...; docs/models/materials.md); "
                "edit a row or add your own below: every XLCELL_CELL call on the Design sheet uses this table.")
    units = {s.key: s.unit for s in specs(Material)}
    labels = [with_unit(c, units[c]) if c in units else c for c in MATERIAL_COLUMNS]
    style.header_row(ws, HEADER_ROW - 1, 1, labels)
    for j, c in enumerate(MATERIAL_COLUMNS):  # the machine-readable header the UDFs read
        ws.cell(row=HEADER_ROW, column=j + 1, value=c).font = style.Font(color="595959", italic=True)
    mats = sorted(LIBRARY.values(), key=lambda m: (m.role != "positive", m.name))
    r = HEADER_ROW
    for m in mats:
        r += 1
        ws.cell(row=r, column=1, value=m.name)
        ws.cell(row=r, column=2, value=m.role)
        windowed = not math.isnan(m.x_min)
        for j, s in enumerate(specs(Material)):
            x = float(s.from_si(getattr(m, s.name)))
            if s.name == "specific_capacity_C_kg" and windowed:
                x = math.nan  # blank: theoretical × (x_max - x_min), so an edit of the window moves it
            c = ws.cell(row=r, column=3 + j, value=None if math.isnan(x) else float(f"{x:.12g}"))
            style.style_input(c, s.unit)
            c.number_format = "0.00E+00" if "m2_s" in s.key else "0.000"
        style.style_input(ws.cell(row=r, column=3 + len(specs(Material)), value=m.carrier))
        ws.cell(row=r, column=len(MATERIAL_COLUMNS) + 1, value=m.source).font = style.DERIVED_FONT
    for _ in range(USER_ROWS):
        r += 1
        for j in range(len(MATERIAL_COLUMNS)):
            style.style_input(ws.cell(row=r, column=j + 1))
    last_col = style.col_letter(len(MATERIAL_COLUMNS))
    style.name(wb, ctx.materials_name, ws, f"A{HEADER_ROW}:{last_col}{r}")
    ws.cell(row=r + 2, column=1, value="role: positive or negative; carrier: Li or Na. specific_capacity_mAh_g is the "
            "practical (cycled) capacity; blank: theoretical_capacity_mAh_g × (x_max - x_min). Source column is "
            "informational.").font = style.DERIVED_FONT
    ws.freeze_panes = f"B{HEADER_ROW + 1}"
    style.widths(ws, {"A": 12, "B": 10, **{style.col_letter(k): 16 for k in range(3, len(MATERIAL_COLUMNS) + 2)}})
    ws.column_dimensions[style.col_letter(len(MATERIAL_COLUMNS) + 1)].width = 38
