"""Excel functions of the levelised cost of storage (thin wrappers over :mod:`xlcell.lcos`)."""
from __future__ import annotations

from typing import Any

import numpy as np

from xlcell import units
from xlcell.lcos import CASHFLOW_COLUMNS, LcosInputs, cashflow, lcos, lcos_simple

from ._excel import as_float, as_vector, is_blank, kv_out, udf
from .lifetime import params_from_range

#: cash-flow columns in display units: (Excel header, kernel column, unit)
_CASHFLOW_DISPLAY = [("year", "year", "-"), ("soh", "soh", "-"), ("energy_charged_MWh", "energy_charged_J", "MWh"),
                     ("energy_discharged_MWh", "energy_discharged_J", "MWh"), ("capex_usd", "capex_usd", "$"),
                     ("fixed_om_usd", "fixed_om_usd", "$"), ("var_om_usd", "var_om_usd", "$"),
                     ("charging_usd", "charging_usd", "$"), ("eol_usd", "eol_usd", "$"),
                     ("total_cost_usd", "total_cost_usd", "$"), ("discount_factor", "discount_factor", "-"),
                     ("discounted_cost_usd", "discounted_cost_usd", "$"),
                     ("discounted_energy_MWh", "discounted_energy_J", "MWh")]
assert [c[1] for c in _CASHFLOW_DISPLAY] == list(CASHFLOW_COLUMNS)


def _soh(v: Any) -> np.ndarray | None:
    if v is None or is_blank(v):
        return None
    return np.array(as_vector(v, "soh", allow_blank=True))


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
    """
    v = lcos_simple(as_float(c_bom, "c_bom"), as_float(c_mfg, "c_mfg"), as_float(c_om, "c_om"),
                    as_float(residual_value, "residual_value"), as_float(efficiency, "efficiency"),
                    units.to_si(as_float(energy_kWh, "energy_kWh"), "kWh"), as_float(cycles, "cycles"))
    return float(units.from_si(float(v), "$/kWh"))


@udf(table=True, ranges=("params", "soh"))
def XLCELL_LCOS(params: Any, soh: Any = None) -> list[list[Any]]:
    """Project LCOS (Schmidt et al. 2019) in $/MWh discharged, with its capex, O&M, charging and end-of-life parts.

    params: two-column (key, value) range: power_MW, energy_MWh, capex_power_usd_kW, capex_energy_usd_kWh,
    fixed_om_usd_kW_yr, var_om_usd_MWh, charging_price_usd_MWh, round_trip_efficiency, depth_of_discharge,
    cycles_per_year, lifetime_years, discount_rate, annual_degradation, eol_cost_usd (blank = default)
    soh: optional column of state of health per year (e.g. XLCELL_SEI_SOH_BY_YEAR); replaces annual_degradation
    Returns (item, value) rows.
    """
    r = lcos(params_from_range(LcosInputs, params, "params"), _soh(soh))

    def mwh(x: Any) -> float:
        return float(units.from_si(float(np.asarray(x).reshape(-1)[0]), "$/MWh"))

    return kv_out({
        "lcos_usd_MWh": mwh(r.lcos_usd_J), "capex_usd_MWh": mwh(r.capex_usd_J), "om_usd_MWh": mwh(r.om_usd_J),
        "charging_usd_MWh": mwh(r.charging_usd_J), "eol_usd_MWh": mwh(r.eol_usd_J),
        "capex_usd": float(np.asarray(r.capex_usd).reshape(-1)[0]),
        "discounted_energy_MWh": float(units.from_si(float(np.asarray(r.discounted_energy_J).reshape(-1)[0]), "MWh")),
        "lifetime_energy_MWh": float(units.from_si(float(np.asarray(r.lifetime_energy_J).reshape(-1)[0]), "MWh")),
        "crf": float(np.asarray(r.crf).reshape(-1)[0]),
    })


@udf(table=True, ranges=("params", "soh"))
def XLCELL_LCOS_CASHFLOW(params: Any, soh: Any = None) -> list[list[Any]]:
    """The yearly cash-flow table of the project LCOS: year 0 (capex) to N+1 (end of life).

    params: two-column (key, value) range as for XLCELL_LCOS
    soh: optional column of state of health per year; replaces annual_degradation
    Returns a header row and one row per year ($, MWh).
    """
    cf = cashflow(params_from_range(LcosInputs, params, "params"), _soh(soh))
    cols = [np.asarray(units.from_si(cf[k], u), dtype=float).reshape(-1) for _, k, u in _CASHFLOW_DISPLAY]
    return [[h for h, _, _ in _CASHFLOW_DISPLAY]] + [[float(c[i]) for c in cols] for i in range(cols[0].size)]


__all__ = [n for n in dir() if n.startswith("XLCELL_")]
