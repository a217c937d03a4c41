"""Generate the template workbook from the model metadata (``xlcell template``)."""
from __future__ import annotations

import importlib.util
import warnings
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


def write_template(path: str | Path = TEMPLATE_PATH, cache_values: bool | None = None) -> Path:
    """Write the template to ``path`` (default: the copy shipped in the package).

    With ``cache_values`` (default: when the ``formulas`` package is installed) every formula cell holds its
    result for the default design, computed by the formula engine with our UDFs bound, so that the template
    opens with BatPaC's default cell in any spreadsheet program, before Python is connected."""
    if cache_values is None:
        cache_values = importlib.util.find_spec("formulas") is not None
        if not cache_values:
            warnings.warn("the template is written without cached values (it opens blank until Python computes it): "
                          "install the `formulas` package (`pip install xlcell[test]`) to cache them", stacklevel=2)
    return save(build_template(), path, cache_values=cache_values)
