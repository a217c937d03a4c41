"""Template workbooks and reports for xlcell, written with openpyxl.

The template's layout is generated from the parameter metadata of :mod:`xlcell`; formulas call the
UDFs of :mod:`udfs`. Nothing here computes a model value: reports take values from :mod:`xlcell`.
"""
from pathlib import Path

TEMPLATE_PATH = Path(__file__).with_name("xlcell_template.xlsx")
