"""The columns of the tables the models' results are shown in: one list each, read by the functions that fill a
table (:mod:`udfs`) and by the sheets that lay out its header (:mod:`workbooks.sheets`), so the two cannot drift.

The columns read from a model's metadata (:data:`MATERIAL_COLUMNS`, :data:`CALENDERING_COLUMNS`, :data:`MC_HEADER`,
:data:`CELL_LCOS_ROWS`) are built on first use (PEP 562 module ``__getattr__``): importing this module imports no
model, so that a UDF module that needs one column list does not pay for every model at ``import udfs`` (issue 15).
"""
from __future__ import annotations

import functools
from typing import Any

#: ``XLCELL_BOM``: one row per bill-of-materials item
BOM_HEADER = ["item", "material", "unit", "design_qty", "material_yield", "per_accepted_cell", "cost_usd", "cost_share"]
#: ``XLCELL_FACTORY``: one row per process step
FACTORY_HEADER = ["step", "group", "driver_per_yr", "driver_unit", "machines", "utilisation", "capacity_cells_per_h",
                  "labor_h_yr", "capex_musd", "area_m2", "energy_MWh_yr", "wip_cells"]
#: ``XLCELL_COST_SENSITIVITY``: one row per input, largest swing first
SENSITIVITY_HEADER = ["input", "label", "base_input", "low_input", "high_input", "low", "high", "low_change", "high_change"]
#: ``XLCELL_C2C_SAMPLE``: one row per sampled cell
C2C_SAMPLE_HEADER = ["cell", "capacity_Ah", "resistance_mohm", "energy_Wh"]
#: ``XLCELL_HISTOGRAM``: one row per bin
HISTOGRAM_HEADER = ["bin", "bin_low", "bin_high", "count", "share"]
#: ``XLCELL_THICKNESS_STUDY``: one row per positive thickness (keys of :class:`xlcell.studies.ThicknessResult`)
THICKNESS_HEADER = ("pos_thickness_um", "neg_thickness_um", "energy_Wh", "specific_energy_Wh_kg", "max_power_W",
                    "usable_fraction_duty", "usable_energy_Wh", "cycle_life", "cell_cost_usd_per_kWh",
                    "cell_cost_usd_per_kWh_usable", "lcos_cell_usd_per_kWh", "feasible")


@functools.cache
def _columns(name: str) -> Any:
    from .params import specs

    if name == "MATERIAL_COLUMNS":
        from .materials import Material

        return ["name", "role"] + [s.key for s in specs(Material)] + ["carrier"]
    if name == "CALENDERING_COLUMNS":
        from .conduction import CalenderingMaterial

        return ["name"] + [s.key for s in specs(CalenderingMaterial)]
    if name == "MC_HEADER":
        from .uncertainty import STAT_COLUMNS

        return ["output", "unit", "deterministic", *STAT_COLUMNS]
    from .lcos import CellLcos

    return tuple(s.key for s in specs(CellLcos))


def __getattr__(name: str) -> Any:
    """The column lists read from a model's metadata, built on first use (one object each):

    * ``MATERIAL_COLUMNS``: a material library table (Materials sheet, ``XLCELL_MATERIALS``): one row per material
      (the carrier, Li or Na, last: a table without it reads as lithium);
    * ``CALENDERING_COLUMNS``: a calendering material table (Calendering sheet): one row per coating material;
    * ``MC_HEADER``: ``XLCELL_MONTE_CARLO``: one row per output;
    * ``CELL_LCOS_ROWS``: ``XLCELL_CELL_LCOS``: one (item, value) row per term of the cell LCOS at the duty.
    """
    if name in ("MATERIAL_COLUMNS", "CALENDERING_COLUMNS", "MC_HEADER", "CELL_LCOS_ROWS"):
        return _columns(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
