"""Excel functions of the levelised cost of storage (thin wrappers over :mod:`xlcell.lcos`)."""
from __future__ import annotations

from typing import Any

import numpy as np

from xlcell import units
from xlcell.degradation import SEIParams
from xlcell.errors import InputError, ShapeError
from xlcell.lcos import CASHFLOW_SPECS, LcosInputs, cashflow, lcos, lcos_simple
from xlcell.params import to_display
from xlcell.studies import LifetimeScenario, cell_lcos

from ._excel import as_2d, as_float, is_blank, kv_out, params_from_kv, udf
from .cell import design_from_range

def _soh(v: Any) -> np.ndarray | None:
    """The optional state-of-health column: one number per year; only cells after the last year may be blank.

    A blank inside the column is an error naming its year (dropping it would shift every later year up).
    """
    if v is None or is_blank(v):
        return None
    rows = as_2d(v, "soh")
    if len(rows) > 1 and len(rows[0]) > 1:
        raise ShapeError("soh", f"{len(rows)}x{len(rows[0])}", "a single row or column (one state of health per year)")
    cells = [c for r in rows for c in r]
    n = len(cells)
    while n and is_blank(cells[n - 1]):
        n -= 1
    if n == 0:
        raise InputError("soh", None, "a state of health per year (the range is blank; leave the argument out to use "
                         "annual_degradation)")
    for i, c in enumerate(cells[:n]):
        if is_blank(c):
            raise InputError("soh", None, "a number: only cells after the last year may be blank", where=f"year {i + 1}")
    return np.array([as_float(c, f"soh (year {i + 1})") for i, c in enumerate(cells[:n])])


@udf()
def XLCELL_LCOS_SIMPLE(c_bom: Any, c_mfg: Any, c_om: Any, residual_value: Any, efficiency: Any, energy_kWh: Any,
                       cycles: Any) -> float:
    """Cell-level LCOS in $/kWh: (C_BOM + C_mfg + C_O&M - RV) / (η · E_u · N_cyc).

    c_bom: bill-of-materials cost, $
    c_mfg: manufacturing cost, $
    c_om: lifetime operation and maintenance cost, $
    residual_value: residual (salvage) value at end of life, $
    efficiency: round-trip efficiency η, 0-1
    energy_kWh: usable energy per cycle E_u, kWh
    cycles: cycle life N_cyc
    A negative result is legitimate: the residual value exceeds the costs.
    """
    v = lcos_simple(as_float(c_bom, "c_bom"), as_float(c_mfg, "c_mfg"), as_float(c_om, "c_om"),
                    as_float(residual_value, "residual_value"), as_float(efficiency, "efficiency"),
                    units.to_si(as_float(energy_kWh, "energy_kWh"), "kWh"), as_float(cycles, "cycles"))
    return float(units.from_si(float(v), "$/kWh"))


@udf(table=True, ranges=("design", "sei_params", "materials"))
def XLCELL_CELL_LCOS(design: Any, cycles_per_year: Any = None, eol_soh: Any = None, efficiency: Any = None, c_om: Any = None,
                     residual_value: Any = None, sei_params: Any = None, materials: Any = None) -> list[list[Any]]:
    """Cell-level LCOS of a design with every term from a model: C_BOM, C_mfg (cost), E_u (cell), N_cyc (SEI).

    design: two-column (key, value) design range (Design sheet)
    cycles_per_year: full cycles per year, > 0 (blank = 365)
    eol_soh: end-of-life state of health, 0-1 (blank = 0.8)
    efficiency: round-trip efficiency, 0-1 (blank = 0.95)
    c_om: lifetime O&M cost per cell, $ (blank = 0)
    residual_value: residual value per cell, $ (blank = 0)
    sei_params: optional (key, value) range of SEI parameters
    materials: optional table of user-defined materials
    Returns (item, value) rows: lcos_usd_kWh, c_bom_usd, c_mfg_usd, energy_kWh, cycle_life.
    """
    d = _DEFAULT_SCENARIO
    scenario = LifetimeScenario(
        cycles_per_year=as_float(cycles_per_year, "cycles_per_year", default=d.cycles_per_year),
        eol_soh=as_float(eol_soh, "eol_soh", default=d.eol_soh),
        round_trip_efficiency=as_float(efficiency, "efficiency", default=d.round_trip_efficiency),
        om_usd=as_float(c_om, "c_om", default=d.om_usd), residual_usd=as_float(residual_value, "residual_value", default=d.residual_usd))
    shown = to_display(cell_lcos(design_from_range(design, materials), scenario, params_from_kv(SEIParams, sei_params, "sei_params")))
    return kv_out({k: float(np.asarray(shown[k]).reshape(-1)[0]) for k in _CELL_LCOS_KEYS})


_DEFAULT_SCENARIO = LifetimeScenario()
#: the rows of XLCELL_CELL_LCOS (keys of :class:`xlcell.lcos.CellLcos`'s metadata)
_CELL_LCOS_KEYS = ("lcos_usd_kWh", "c_bom_usd", "c_mfg_usd", "energy_kWh", "cycle_life")


@udf(table=True, ranges=("params", "soh"))
def XLCELL_LCOS(params: Any, soh: Any = None) -> list[list[Any]]:
    """Project LCOS (Schmidt et al. 2019) in $/MWh discharged, with its capex, O&M, charging and end-of-life parts.

    params: two-column (key, value) range: power_MW, energy_MWh, capex_power_usd_kW, capex_energy_usd_kWh,
    fixed_om_usd_kW_yr, var_om_usd_MWh, charging_price_usd_MWh, round_trip_efficiency, depth_of_discharge,
    cycles_per_year, lifetime_years, discount_rate, annual_degradation, eol_cost_usd (blank = default)
    soh: optional column of state of health per year (e.g. XLCELL_SEI_SOH_BY_YEAR); replaces annual_degradation;
    blank cells are allowed only after the last year
    Returns (item, value) rows. A negative LCOS is legitimate: a residual value (negative eol_cost_usd) or a negative
    charging price that outweighs the costs.
    """
    shown = to_display(lcos(params_from_kv(LcosInputs, params, "params"), _soh(soh)))  # LcosResult's keys and units
    return kv_out({k: float(np.asarray(v).reshape(-1)[0]) for k, v in shown.items()})


@udf(table=True, ranges=("params", "soh"))
def XLCELL_LCOS_CASHFLOW(params: Any, soh: Any = None) -> list[list[Any]]:
    """The yearly cash-flow table of the project LCOS: year 0 (capex) to N+1 (end of life).

    params: two-column (key, value) range as for XLCELL_LCOS
    soh: optional column of state of health per year; replaces annual_degradation; blank cells only after the last year
    Returns a header row and one row per year ($, MWh).
    """
    cf = cashflow(params_from_kv(LcosInputs, params, "params"), _soh(soh))
    cols = [np.asarray(s.from_si(cf[k]), dtype=float).reshape(-1) for k, s in CASHFLOW_SPECS.items()]
    return [[s.key for s in CASHFLOW_SPECS.values()]] + [[float(c[i]) for c in cols] for i in range(cols[0].size)]


__all__ = [n for n in dir() if n.startswith("XLCELL_")]
