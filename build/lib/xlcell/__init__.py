"""xlcell: battery techno-economic models (cell design, cost, calendering, degradation, LCOS).

Pure, vectorised numpy/scipy functions in SI units. No Excel, no I/O: the Excel layer is the
``udfs`` package and the workbooks are written by the ``workbooks`` package.
"""
__version__ = "0.1.0"
