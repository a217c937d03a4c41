"""Generate the template workbook from the model metadata (``xlcell template``)."""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from . import TEMPLATE_PATH
from . import style
from .sheets import ORDER, TemplateContext
from .xlsx import save


def build_template() -> Workbook:
    """The template workbook, sheets in :data:`workbooks.sheets.ORDER`."""
    wb = Workbook()
    wb.remove(wb.active)
    ctx = TemplateContext()
    for mod in ORDER:
        mod.build(wb, ctx)
    for ws in wb.worksheets:
        style.print_setup(ws)
    wb.active = [ws.title for ws in wb.worksheets].index("Design")
    return wb


def write_template(path: str | Path = TEMPLATE_PATH) -> Path:
    """Write the template to ``path`` (default: the copy shipped in the package)."""
    return save(build_template(), path)
