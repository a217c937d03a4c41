"""The template's sheets, one module each, in tab order.

Each module has ``TITLE`` (the sheet name) and ``build(wb, ctx)``. To add a sheet, write the
module and add it to :data:`ORDER`; ``build`` order equals tab order.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from . import bom, conf, cost, design, factory, howto, materials

#: the sheet modules in tab order
ORDER = [howto, design, materials, factory, bom, cost, conf]


@dataclass
class TemplateContext:
    """Names shared between sheets (named ranges are workbook-level)."""

    design_name: str = "xlcell_design"  #: the (key, value) range of the Design sheet
    materials_name: str = "xlcell_materials"  #: the Materials table (header + rows)
    factory_name: str = "xlcell_factory"  #: the Factory sheet's (key, value) plant and economics inputs
    bom_name: str = "xlcell_bom"  #: the BOM sheet's (key, value) prices, yields and cell-format inputs
    steps_name: str = "xlcell_steps"  #: the Factory sheet's process-step table (header + rows)
    notes: dict = field(default_factory=dict)
