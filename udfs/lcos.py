"""Excel functions of the levelised cost of storage (thin wrappers over :mod:`xlcell.lcos`)."""
from __future__ import annotations

from typing import Any

import numpy as np

from xlcell import units
from xlcell.errors import InputError, ShapeError
from xlcell.duty import Duty
from xlcell.params import spec_by_key, to_display
from xlcell.tables import THICKNESS_HEADER

from ._excel import as_2d, as_float, as_vector, is_blank, is_blank_range, kv_out, params_from_kv, udf
from .cell import design_from_range
from .lifetime import read_life_params

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
    """Cell-level LCOS in $/kWh from typed terms (a what-if): (C_BOM + C_mfg + C_O&M - RV) / (η · E_u · N_cyc).

    c_bom: bill-of-materials cost, $
    c_mfg: manufacturing cost, $
    c_om: lifetime operation and maintenance cost, $
    residual_value: residual (salvage) value at end of life, $
    efficiency: round-trip efficiency η, 0-1
    energy_kWh: usable energy per cycle E_u, kWh
    cycles: cycle life N_cyc
    A negative result is legitimate: the residual value exceeds the costs.
    """
    from xlcell.lcos import lcos_simple

    v = lcos_simple(as_float(c_bom, "c_bom"), as_float(c_mfg, "c_mfg"), as_float(c_om, "c_om"),
                    as_float(residual_value, "residual_value"), as_float(efficiency, "efficiency"),
                    units.to_si(as_float(energy_kWh, "energy_kWh"), "kWh"), as_float(cycles, "cycles"))
    return float(units.from_si(float(v), "$/kWh"))


def duty_from_range(duty: Any) -> Duty:
    """The duty from its optional (key, value) range: ``c_rate``, ``dod``, ``temperature_C``, ``cycles_per_year``,
    ``eol_soh`` (display units; blank keys take :class:`xlcell.duty.Duty`'s defaults: the design's C-rate and
    temperature, full depth, 365 cycles a year, end of life at 80 %)."""
    return params_from_kv(Duty, duty, "duty")


@udf(table=True, ranges=("design", "duty", "life_params", "materials"))
def XLCELL_CELL_LCOS(design: Any, duty: Any = None, c_om: Any = None, residual_value: Any = None, life_params: Any = None,
                     materials: Any = None) -> list[list[Any]]:
    """Cell-level LCOS of a design at a duty in $/kWh delivered, every term from a model (cost, cell, lifetime).

    LCOS = (C_BOM + C_mfg + C_O&M - RV) / (E_u N_cyc / DoD), E_u = Q f(C) DoD (V - IR): the energy delivered per
    cycle at the duty's C-rate.
    design: (key, value) design range
    duty: optional (key, value) rows c_rate, dod, temperature_C, cycles_per_year, eol_soh (blank = design's C-rate, T; 1; 365; 0.8)
    c_om: lifetime O&M cost per cell, $ (blank = 0)
    residual_value: residual value per cell, $ (blank = 0)
    life_params: optional (key, value) life-model parameters (sei_..., neg_..., pos_..., dod_stress_..., crack_...), as XLCELL_CYCLE_LIFE
    materials: optional user materials

    Returns (item, value) rows: lcos_usd_kWh, c_bom_usd, c_mfg_usd, energy_kWh, cycle_life, lifetime_energy_kWh,
    round_trip_efficiency, usable_fraction_duty, nameplate_energy_kWh, cell_cost_usd_per_kWh_usable, c_rate.
    """
    from xlcell.studies import LifetimeScenario, cell_lcos

    scenario = LifetimeScenario(duty=duty_from_range(duty), om_usd=as_float(c_om, "c_om", default=0.0),
                                residual_usd=as_float(residual_value, "residual_value", default=0.0))
    life = read_life_params(life_params)
    r = cell_lcos(design_from_range(design, materials), scenario, life["sei"], mechanics=life["mech"], crack=life["crack"])
    if not np.all(np.isfinite(r.lcos_usd_J)):
        raise InputError("c_rate", float(np.asarray(r.c_rate_per_h).reshape(-1)[0]),
                         "a duty C-rate at which the cell delivers energy (its voltage under load is <= 0 there)")
    return kv_out({k: float(np.asarray(v).reshape(-1)[0]) for k, v in to_display(r).items()})


#: the columns of XLCELL_THICKNESS_STUDY (keys of :class:`xlcell.studies.ThicknessResult`'s metadata)
THICKNESS_COLUMNS = THICKNESS_HEADER
#: a cell of XLCELL_THICKNESS_STUDY where the cell delivers no energy at the duty (its LCOS is infinite)
NO_ENERGY = "no energy at the duty"


@udf(table=True, ranges=("design", "thicknesses_um", "duty", "life_params", "materials"))
def XLCELL_THICKNESS_STUDY(design: Any, thicknesses_um: Any = None, duty: Any = None, c_om: Any = None,
                           residual_value: Any = None, life_params: Any = None, materials: Any = None) -> list[list[Any]]:
    """Positive-thickness sweep at a duty: energy, power, life, $/kWh and LCOS, one row per thickness.

    The negative follows the design's N/P ratio; the design runs at the duty's C-rate (feasible is at that rate).
    design: (key, value) design range
    thicknesses_um: positive thicknesses, µm (blank = 40 to 250 by 10)
    duty: optional (key, value) duty rows, as XLCELL_CELL_LCOS
    c_om, residual_value: per cell, $ (blank = 0)
    life_params: optional (key, value) life-model parameters, as XLCELL_CYCLE_LIFE
    materials: optional user materials
    Returns a header row and one row per thickness (µm, Wh, Wh/kg, W, -, Wh, cycles, $/kWh, $/kWh, $/kWh, TRUE/FALSE).
    """
    from xlcell.studies import ThicknessStudy, thickness_study

    spec = spec_by_key(ThicknessStudy)["pos_thickness_um"]
    if is_blank_range(thicknesses_um):
        L = np.asarray(ThicknessStudy().thicknesses_m, dtype=float)
    else:
        L = np.array([spec.to_si(x) for x in as_vector(thicknesses_um, "thicknesses_um")])
        spec.check(L, "thicknesses_um")
    study = ThicknessStudy(thicknesses_m=L, duties=(duty_from_range(duty),), om_usd=as_float(c_om, "c_om", default=0.0),
                           residual_usd=as_float(residual_value, "residual_value", default=0.0))
    life = read_life_params(life_params)
    shown = to_display(thickness_study(design_from_range(design, materials), study, life["sei"],
                                       mechanics=life["mech"], crack=life["crack"]))
    cols = [np.asarray(shown[k]).reshape(-1)[-L.size:] for k in THICKNESS_COLUMNS]  # the one duty's row

    def cell(v: Any) -> Any:
        if isinstance(v, (bool, np.bool_)):
            return bool(v)
        return float(v) if np.isfinite(v) else NO_ENERGY

    return [list(THICKNESS_COLUMNS)] + [[cell(c[i]) for c in cols] for i in range(L.size)]


@udf(table=True, ranges=("params", "soh"))
def XLCELL_LCOS(params: Any, soh: Any = None) -> list[list[Any]]:
    """Project LCOS (Schmidt et al. 2019) in $/MWh discharged, with its capex, O&M, charging and end-of-life parts.

    params: two-column (key, value) range: power_MW, energy_MWh, capex_power_usd_kW, capex_energy_usd_kWh,
    fixed_om_usd_kW_yr, var_om_usd_MWh, charging_price_usd_MWh, round_trip_efficiency, depth_of_discharge,
    cycles_per_year, lifetime_years, discount_rate, annual_degradation, eol_cost_usd (blank = default)
    soh: optional column of SOH per year (e.g. XLCELL_SEI_SOH_BY_YEAR), replaces annual_degradation; blanks only at the end
    Returns (item, value) rows. A negative LCOS is legitimate: a residual value (negative eol_cost_usd) or a negative
    charging price that outweighs the costs.
    """
    from xlcell.lcos import LcosInputs, lcos

    shown = to_display(lcos(params_from_kv(LcosInputs, params, "params"), _soh(soh)))  # LcosResult's keys and units
    return kv_out({k: float(np.asarray(v).reshape(-1)[0]) for k, v in shown.items()})


@udf(table=True, ranges=("params", "soh"))
def XLCELL_LCOS_CASHFLOW(params: Any, soh: Any = None) -> list[list[Any]]:
    """The yearly cash-flow table of the project LCOS: year 0 (capex) to N+1 (end of life).

    params: two-column (key, value) range as for XLCELL_LCOS
    soh: optional column of SOH per year, as XLCELL_LCOS
    Returns a header row and one row per year ($, MWh).
    """
    from xlcell.lcos import CASHFLOW_SPECS, LcosInputs, cashflow

    cf = cashflow(params_from_kv(LcosInputs, params, "params"), _soh(soh))
    cols = [np.asarray(s.from_si(cf[k]), dtype=float).reshape(-1) for k, s in CASHFLOW_SPECS.items()]
    return [[s.key for s in CASHFLOW_SPECS.values()]] + [[float(c[i]) for c in cols] for i in range(cols[0].size)]


__all__ = [n for n in dir() if n.startswith("XLCELL_")]
