"""xlcell's Excel layer: xlwings UDFs and ribbon macros, thin wrappers over :mod:`xlcell`.

The classic xlwings add-in imports this package ("UDF Modules: udfs" in the xlwings.conf sheet);
each model area has one module, imported here so that Excel sees all functions.
"""
from .cell import *  # noqa: F401,F403
from .cost import *  # noqa: F401,F403
from .pack import *  # noqa: F401,F403
from .calendering import *  # noqa: F401,F403
from .lifetime import *  # noqa: F401,F403
from .lcos import *  # noqa: F401,F403
from .pareto import *  # noqa: F401,F403
from .uncertainty import *  # noqa: F401,F403
from .surrogate import *  # noqa: F401,F403



def udf_functions() -> dict:
    """``{Excel name: function}`` of every xlcell UDF (for the formula engine and the docs)."""
    import sys

    out = {}
    for modname, mod in list(sys.modules.items()):
        if modname.startswith("udfs.") and mod is not None:
            for name in dir(mod):
                f = getattr(mod, name)
                if name.startswith("XLCELL_") and getattr(f, "__xlcell_udf__", False):
                    out[name] = f
    return dict(sorted(out.items()))
