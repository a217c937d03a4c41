"""Write the template (``xlcell template``): the sheets laid out by :mod:`workbooks.template`, each formula's
result cached by the formula engine with our UDFs bound."""
from __future__ import annotations

import importlib.util
import warnings
from pathlib import Path

from workbooks import TEMPLATE_PATH
from workbooks.template import build_template
from workbooks.xlsx import save


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
    evaluate = None
    if cache_values:
        from .formula_engine import evaluate
    from workbooks.sheets import TemplateContext

    from .simulation import dem_view, template_view

    view = template_view()
    if view is None:
        warnings.warn("the template's Simulation sheet is written without FE results and field plots: install "
                      "scikit-fem and matplotlib (`pip install xlcell[simulate]`)", stacklevel=2)
    return save(build_template(TemplateContext(simulation=view, dem=dem_view())), path, evaluate=evaluate)
