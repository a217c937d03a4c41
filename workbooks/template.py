"""Lay out the template workbook from the model metadata (written, with cached values, by :mod:`app.template`)."""
from __future__ import annotations

from openpyxl import Workbook

from . import style
from .sheets import ORDER, TemplateContext


def build_template(ctx: TemplateContext | None = None) -> Workbook:
    """The template workbook, sheets in :data:`workbooks.sheets.ORDER`; ``ctx`` carries what the use case computed
    for it (the Simulation sheet's FE run)."""
    wb = Workbook()
    wb.remove(wb.active)
    ctx = ctx if ctx is not None else TemplateContext()
    for mod in ORDER:
        mod.build(wb, ctx)
    for ws in wb.worksheets:
        style.print_setup(ws)
    wb.active = [ws.title for ws in wb.worksheets].index("Design")
    return wb
