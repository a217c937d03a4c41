"""The template's sheets, one module each, in tab order.

Each module has ``TITLE`` (the sheet name) and ``build(wb, ctx)``. To add a sheet, write the
module and add it to :data:`ORDER`; ``build`` order equals tab order.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import (bom, calendering, conf, cost, dashboard, design, factory, howto, lcos, lifetime, materials, pack,
               pareto, simulation, surrogate, thickness, uncertainty)

#: the sheet modules in tab order
ORDER = [howto, dashboard, design, materials, factory, bom, cost, pack, calendering, simulation, surrogate, lifetime, lcos,
         uncertainty, pareto, thickness, conf]


@dataclass
class TemplateContext:
    """Names shared between sheets (named ranges are workbook-level)."""

    design_name: str = "tbl_design"  #: the (key, value) range of the Design sheet
    materials_name: str = "tbl_materials"  #: the Materials table (header + rows)
    factory_name: str = "tbl_factory"  #: the Factory sheet's (key, value) plant and economics inputs
    bom_name: str = "tbl_bom"  #: the BOM sheet's (key, value) prices, yields and cell-format inputs
    steps_name: str = "tbl_steps"  #: the Factory sheet's process-step table (header + rows)
    sei_params_name: str = "tbl_sei_params"  #: SEI parameters (key, value) on the Lifetime sheet
    crack_params_name: str = "tbl_crack_params"  #: cracking parameters (key, value) on the Lifetime sheet
    mech_params_name: str = "tbl_mech_params"  #: particle-mechanics parameters (key, value) on the Lifetime sheet
    life_params_name: str = "tbl_life_params"  #: SEI + particle mechanics + cracking: the life model's parameters
    duty_name: str = "tbl_duty"  #: the duty (key, value): c_rate, dod, temperature_C, cycles_per_year, eol_soh
    lcos_params_name: str = "tbl_lcos_params"  #: project LCOS inputs (key, value) on the LCOS sheet
    notes: dict = field(default_factory=dict)
    simulation: Any = None  #: the Simulation sheet's FE run (workbooks.sheets.simulation.SimulationView), or None
    #: the Simulation sheet's DEM calibration: ``(xlcell.dem.DemCalibration, the fitted law at its pressures)``, or None
    dem: Any = None
