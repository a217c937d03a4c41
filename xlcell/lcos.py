"""Levelised cost of storage (LCOS): the seed's cell-level form and the discounted project form.

Cell level (the seed): LCOS_cell = (C_BOM + C_mfg + C_O&M - RV) / (η E_u N_cyc), the net life-cycle
cost over the energy the cell delivers in its life.

Project level (Schmidt et al. 2019, Joule 3, 81, "Projecting the future levelized cost of electricity
storage technologies"):

    LCOS = [CAPEX + Σ_n (O&M_n + Charging_n) / (1+r)^n + EoL / (1+r)^(N+1)] / Σ_n E_out,n / (1+r)^n,

n = 1..N years, with CAPEX = P · c_P + E · c_E (power and energy capex, paid in year 0),
E_in,n = cycles/yr · DoD · E · SOH_n (energy charged), E_out,n = η_RT E_in,n (discharged),
O&M_n = fixed O&M · P + variable O&M · E_out,n, Charging_n = price · E_in,n = price · E_out,n / η_RT,
and the end-of-life cost (negative for a residual value) in year N + 1. State of health
SOH_n = (1 - d)^(n-1) for a fixed annual capacity loss d, or a per-year array from
:mod:`xlcell.degradation`. With no O&M, charging, degradation or EoL cost it reduces to
CAPEX · CRF(r, N) / E_out (tested). Every function broadcasts over arrays of inputs.

Both forms may be negative, and that is returned as it is: a residual value (RV, or a negative
end-of-life cost) larger than the costs, or a negative charging price, makes the storage earn money
per MWh delivered. The components show where the credit comes from.

:func:`cell_lcos` evaluates the cell-level form with every term from a model: C_BOM and C_mfg from the
cost model (:mod:`xlcell.cost`), E_u from the cell model and N_cyc from the SEI model.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .cell import CellDesign, evaluate_cell
from .cost import crf, evaluate_cost  # crf: the one capital recovery factor of xlcell
from .degradation import MAX_YEARS, SEIParams, cycle_life
from .duty import Duty
from .errors import InputError, ShapeError
from .params import ParamSpec, broadcast_fields, param, specs, validate
from .units import from_display, to_display

Array = Any

_P = "Project"
_F = "Finance"
_O = "Operation"


def lcos_simple(c_bom: Array, c_mfg: Array, c_om: Array, residual_value: Array, efficiency: Array,
                energy_J: Array, cycles: Array) -> np.ndarray:
    """The seed's cell-level LCOS ($/J): (C_BOM + C_mfg + C_O&M - RV) / (η E_u N_cyc).

    Negative (and returned so) when the residual value exceeds the costs.

    Parameters
    ----------
    c_bom, c_mfg, c_om, residual_value : array_like
        Bill of materials, manufacturing, lifetime O&M cost and residual value ($).
    efficiency : array_like
        Round-trip efficiency η, 0 < η <= 1.
    energy_J : array_like
        Usable energy per cycle E_u (J), > 0.
    cycles : array_like
        Cycle life N_cyc, > 0.
    """
    eta = np.asarray(efficiency, dtype=float)
    E = np.asarray(energy_J, dtype=float)
    N = np.asarray(cycles, dtype=float)
    for name, v, ok, allowed in (("efficiency", eta, (eta > 0) & (eta <= 1), "a number between 0 and 1 (0 exclusive)"),
                                 ("energy_kWh", to_display(E, "kWh"), E > 0, "a number > 0"),
                                 ("cycles", N, N > 0, "a number > 0")):
        bad = ~(ok & np.isfinite(v))
        if bad.any():
            raise InputError(name, float(np.ravel(v)[np.flatnonzero(np.ravel(bad))[0]]), allowed)
    cost = np.asarray(c_bom, dtype=float) + np.asarray(c_mfg, dtype=float) + np.asarray(c_om, dtype=float) \
        - np.asarray(residual_value, dtype=float)
    return cost / (eta * E * N)


@dataclass(frozen=True, kw_only=True)
class LcosInputs:
    """Inputs of the project LCOS (SI; the metadata gives the Excel key and unit).

    The defaults are an illustrative 100 MW / 400 MWh lithium-ion plant, not a reference case.
    """

    power_W: Array = field(default=100e6, metadata=param("Rated power", "MW", key="power_MW", gt=0, group=_P))
    energy_J: Array = field(default=float(from_display(400, "MWh")), metadata=param("Rated (nominal) energy", "MWh", key="energy_MWh", gt=0, group=_P))
    capex_power_usd_W: Array = field(default=0.15, metadata=param("Power capex", "$/kW", key="capex_power_usd_kW", ge=0, group=_P,
                                                                  doc="Power conversion and grid connection, per kW"))
    capex_energy_usd_J: Array = field(default=float(from_display(250.0, "$/kWh")), metadata=param("Energy capex", "$/kWh", key="capex_energy_usd_kWh", ge=0, group=_P,
                                                                             doc="Battery system, per kWh of rated energy"))
    fixed_om_usd_W_yr: Array = field(default=0.008, metadata=param("Fixed O&M", "$/kW/yr", key="fixed_om_usd_kW_yr", ge=0, group=_O))
    var_om_usd_J: Array = field(default=float(from_display(1.0, "$/MWh")), metadata=param("Variable O&M", "$/MWh", key="var_om_usd_MWh", ge=0, group=_O,
                                                                     doc="Per MWh discharged"))
    charging_price_usd_J: Array = field(default=float(from_display(30.0, "$/MWh")), metadata=param("Charging electricity price", "$/MWh", key="charging_price_usd_MWh",
                                                                              ge=-1e4, le=1e5, group=_O))
    round_trip_efficiency: Array = field(default=0.86, metadata=param("Round-trip efficiency", "-", key="round_trip_efficiency", gt=0, le=1, group=_O))
    depth_of_discharge: Array = field(default=0.9, metadata=param("Depth of discharge", "-", key="depth_of_discharge", gt=0, le=1, group=_O))
    cycles_per_year: Array = field(default=365.0, metadata=param("Full cycles per year", "1/yr", key="cycles_per_year", gt=0, le=1e5, group=_O))
    lifetime_years: Array = field(default=15, metadata=param("Economic lifetime (whole years)", "yr", key="lifetime_years", ge=1, le=MAX_YEARS,
                                                             group=_F))
    discount_rate: Array = field(default=0.08, metadata=param("Discount rate (real)", "-", key="discount_rate", ge=0, lt=1, group=_F))
    annual_degradation: Array = field(default=0.02, metadata=param("Capacity lost per year", "-", key="annual_degradation", ge=0, lt=1, group=_O,
                                                                   doc="Fraction of rated capacity lost each year; SOH_n = (1 - d)^(n-1)"))
    eol_cost_usd: Array = field(default=0.0, metadata=param("End-of-life cost (negative = residual value)", "$", key="eol_cost_usd",
                                                            ge=-1e13, le=1e13, group=_F, doc="Paid in year N + 1"))


@dataclass(frozen=True)
class LcosResult:
    """Project LCOS and its components ($/J, arrays of the broadcast input shape; metadata: ``XLCELL_LCOS`` keys)."""

    lcos_usd_J: np.ndarray = field(metadata=param("LCOS", "$/MWh", key="lcos_usd_MWh"))
    capex_usd_J: np.ndarray = field(metadata=param("LCOS: capex", "$/MWh", key="capex_usd_MWh"))
    om_usd_J: np.ndarray = field(metadata=param("LCOS: O&M", "$/MWh", key="om_usd_MWh"))
    charging_usd_J: np.ndarray = field(metadata=param("LCOS: charging", "$/MWh", key="charging_usd_MWh"))
    eol_usd_J: np.ndarray = field(metadata=param("LCOS: end of life", "$/MWh", key="eol_usd_MWh"))
    capex_usd: np.ndarray = field(metadata=param("Capex", "$", key="capex_usd"))
    discounted_energy_J: np.ndarray = field(metadata=param("Discounted energy discharged", "MWh",
                                                           key="discounted_energy_MWh"))
    lifetime_energy_J: np.ndarray = field(metadata=param("Energy discharged over the life (undiscounted)", "MWh",
                                                         key="lifetime_energy_MWh"))
    crf: np.ndarray = field(metadata=param("Capital recovery factor", "-", key="crf"))


def _column(name: str, label: str, unit: str, key: str, doc: str = "") -> tuple[str, ParamSpec]:
    return name, ParamSpec(name=name, key=key, label=label, unit=unit, doc=doc)


#: the metadata of :func:`cashflow`'s columns: column (SI: $, J; years 0..N+1) -> label, display unit, Excel key
CASHFLOW_SPECS: dict[str, ParamSpec] = dict([
    _column("year", "Year", "-", "year"),
    _column("soh", "SOH", "-", "soh", "state of health at the start of the year (1 in year 0)"),
    _column("energy_charged_J", "Charged", "MWh", "energy_charged_MWh"),
    _column("energy_discharged_J", "Discharged", "MWh", "energy_discharged_MWh"),
    _column("capex_usd", "Capex", "$", "capex_usd"),
    _column("fixed_om_usd", "Fixed O&M", "$", "fixed_om_usd"),
    _column("var_om_usd", "Variable O&M", "$", "var_om_usd"),
    _column("charging_usd", "Charging", "$", "charging_usd"),
    _column("eol_usd", "End of life", "$", "eol_usd"),
    _column("total_cost_usd", "Total cost", "$", "total_cost_usd"),
    _column("discount_factor", "Discount factor", "-", "discount_factor"),
    _column("discounted_cost_usd", "Discounted cost", "$", "discounted_cost_usd"),
    _column("discounted_energy_J", "Discounted energy", "MWh", "discounted_energy_MWh"),
])
#: the yearly cash-flow columns (SI: $, J; years 0..N+1)
CASHFLOW_COLUMNS = tuple(CASHFLOW_SPECS)


def _prepare(inputs: LcosInputs, soh: Array | None) -> tuple[LcosInputs, np.ndarray, np.ndarray, np.ndarray]:
    """Validate, broadcast; return inputs, N (int), years 1..Nmax and SOH of shape S + (Nmax,)."""
    validate(inputs)
    x = broadcast_fields(inputs)
    N = np.asarray(x.lifetime_years, dtype=float)
    if np.any(N != np.round(N)):
        bad = np.flatnonzero(np.ravel(N != np.round(N)))[0]
        raise InputError("lifetime_years", float(np.ravel(N)[bad]), "a whole number of years",
                         f"design {bad + 1}" if N.size > 1 else None)
    N = N.astype(int)
    n_max = int(N.max())
    years = np.arange(1, n_max + 1, dtype=float)
    S = N.shape
    if soh is None:
        s = np.power(1.0 - x.annual_degradation[..., None], years - 1.0)
    else:
        s = np.asarray(soh, dtype=float)
        if s.ndim == 0 or s.shape[-1] < n_max:
            raise ShapeError("soh", f"of {s.shape[-1] if s.ndim else 0} years", f"at least {n_max} yearly values (one per year of life)")
        s = s[..., :n_max]
        try:
            s = np.broadcast_to(s, np.broadcast_shapes(S + (n_max,), s.shape))
        except ValueError:
            raise ShapeError("soh", f"of shape {s.shape}", f"shape {S + (n_max,)} (designs x years)") from None
        if np.any(~np.isfinite(s) | (s < 0) | (s > 1)):
            raise InputError("soh", float(np.ravel(s)[np.flatnonzero(np.ravel(~np.isfinite(s) | (s < 0) | (s > 1)))[0]]),
                             "a number between 0 and 1 (inclusive)")
        x = dataclasses.replace(x, **{f.name: np.broadcast_to(getattr(x, f.name), s.shape[:-1]) for f in specs(x)})
        N = np.broadcast_to(N, s.shape[:-1])
    return x, N, years, s


def cashflow(inputs: LcosInputs = LcosInputs(), soh: Array | None = None) -> dict[str, np.ndarray]:
    """The yearly cash-flow table, years 0..N_max+1 (columns of :data:`CASHFLOW_COLUMNS`, shape ``S + (N_max+2,)``;
    their labels and display units in :data:`CASHFLOW_SPECS`).

    Year 0 carries the capex, years 1..N the operation, year N+1 the end-of-life cost. Years beyond a
    design's own lifetime are zero. ``soh`` overrides the fixed annual degradation with a state of
    health per year (``(..., N_max)``, from :func:`xlcell.degradation.sei_soh_by_year` or
    :func:`xlcell.degradation.wang_soh_by_year`).

    Parameters
    ----------
    inputs : LcosInputs
        Project inputs (SI; every field broadcasts to the population shape ``S``).
    soh : array_like, optional
        State of health at the start of each year 1..N_max (dimensionless, 1 = new), shape ``S + (N_max,)``;
        None uses the fixed annual degradation of ``inputs``.
    """
    x, N, years, s = _prepare(inputs, soh)
    S = N.shape
    Y = years.size
    ex = (Ellipsis, None)
    active = years <= N[ex]
    e_in = np.where(active, x.cycles_per_year[ex] * x.depth_of_discharge[ex] * x.energy_J[ex] * s, 0.0)
    e_out = x.round_trip_efficiency[ex] * e_in
    fixed = np.where(active, x.fixed_om_usd_W_yr[ex] * x.power_W[ex], 0.0)
    var = x.var_om_usd_J[ex] * e_out
    charging = x.charging_price_usd_J[ex] * e_in
    allyears = np.arange(0, Y + 2, dtype=float)
    zeros = np.zeros(S + (Y + 2,))

    def pad(a: np.ndarray) -> np.ndarray:  # years 1..Y into 0..Y+1
        out = zeros.copy()
        out[..., 1:Y + 1] = a
        return out

    capex = zeros.copy()
    capex[..., 0] = x.power_W * x.capex_power_usd_W + x.energy_J * x.capex_energy_usd_J
    eol = np.where(allyears == (N[ex] + 1), x.eol_cost_usd[ex], 0.0)
    soh_col = pad(np.where(active, s, 0.0))
    soh_col[..., 0] = 1.0
    total = capex + pad(fixed) + pad(var) + pad(charging) + eol
    df = np.power(1.0 + x.discount_rate[ex], -allyears)
    df = np.where(allyears <= N[ex] + 1, df, 0.0)
    return {
        "year": np.broadcast_to(allyears, S + allyears.shape).copy(), "soh": soh_col, "energy_charged_J": pad(e_in),
        "energy_discharged_J": pad(e_out), "capex_usd": capex, "fixed_om_usd": pad(fixed), "var_om_usd": pad(var),
        "charging_usd": pad(charging), "eol_usd": eol, "total_cost_usd": total, "discount_factor": df,
        "discounted_cost_usd": total * df, "discounted_energy_J": pad(e_out) * df,
    }


def lcos(inputs: LcosInputs = LcosInputs(), soh: Array | None = None) -> LcosResult:
    """Project LCOS (Schmidt et al. 2019) and its capex, O&M, charging and end-of-life components ($/J).

    The LCOS is negative (and returned so) when a residual value (negative ``eol_cost_usd``) or a
    negative charging price outweighs the costs.

    Parameters
    ----------
    inputs : LcosInputs
        Fields are scalars or arrays that broadcast together (SI).
    soh : array_like, optional
        State of health per year ``(..., N_max)``; default (1 - annual_degradation)^(n-1).
    """
    cf = cashflow(inputs, soh)
    df = cf["discount_factor"]
    e = cf["discounted_energy_J"].sum(axis=-1)
    capex = cf["capex_usd"][..., 0]
    om = ((cf["fixed_om_usd"] + cf["var_om_usd"]) * df).sum(axis=-1)
    ch = (cf["charging_usd"] * df).sum(axis=-1)
    eol = (cf["eol_usd"] * df).sum(axis=-1)
    x = broadcast_fields(inputs)
    r = np.broadcast_to(x.discount_rate, e.shape)
    n = np.broadcast_to(x.lifetime_years, e.shape)
    return LcosResult(lcos_usd_J=(capex + om + ch + eol) / e, capex_usd_J=capex / e, om_usd_J=om / e, charging_usd_J=ch / e,
                      eol_usd_J=eol / e, capex_usd=capex, discounted_energy_J=e,
                      lifetime_energy_J=cf["energy_discharged_J"].sum(axis=-1), crf=crf(r, n))


@dataclass(frozen=True)
class CellLcos:
    """The seed's cell LCOS of designs, with its inputs from the cost, cell and SEI models (SI, $; metadata:
    ``XLCELL_CELL_LCOS`` keys)."""

    lcos_usd_J: np.ndarray = field(metadata=param("Cell LCOS", "$/kWh", key="lcos_usd_kWh"))
    #: materials and purchased items per accepted cell (cost model)
    c_bom_usd: np.ndarray = field(metadata=param("C_BOM per cell", "$", key="c_bom_usd"))
    #: the rest of the cell cost: labour, overheads, depreciation, ... (cost model)
    c_mfg_usd: np.ndarray = field(metadata=param("C_mfg per cell", "$", key="c_mfg_usd"))
    energy_J: np.ndarray = field(metadata=param("Energy per cycle E_u", "kWh", key="energy_kWh"))  #: cell model
    cycles: np.ndarray = field(metadata=param("Cycle life N_cyc", "-", key="cycle_life"))  #: to the end-of-life SOH
    efficiency: np.ndarray = field(metadata=param("Round-trip efficiency η", "-", key="round_trip_efficiency"))


def resistive_round_trip(avg_voltage_V: Array, voltage_under_load_V: Array) -> np.ndarray:
    """Round-trip efficiency of the resistive loss on charge and discharge, (V - IR)/(V + IR), in [1e-6, 1].

    Parameters
    ----------
    avg_voltage_V : array_like
        Mean open-circuit voltage V (V).
    voltage_under_load_V : array_like
        Mean voltage under load V - IR at the design C-rate (V).
    """
    v, v_load = np.asarray(avg_voltage_V, dtype=float), np.asarray(voltage_under_load_V, dtype=float)
    return np.clip(v_load / (2.0 * v - v_load), 1e-6, 1.0)


def cell_lcos_from_parts(c_bom: Array, c_mfg: Array, energy_J: Array, cycles: Array, efficiency: Array,
                         c_om: Array = 0.0, residual_value: Array = 0.0) -> CellLcos:
    """The cell LCOS from its model terms: the one assembly :func:`cell_lcos` and the registry's ``lcos`` provider
    share, (C_BOM + C_mfg + C_O&M - RV) / (η E_u N_cyc).

    Parameters
    ----------
    c_bom, c_mfg : array_like
        Materials and the rest of the cell cost per accepted cell ($).
    energy_J : array_like
        Energy per full cycle E_u (J).
    cycles : array_like
        Cycle life N_cyc (-).
    efficiency : array_like
        Round-trip efficiency η (-).
    c_om, residual_value : array_like
        Lifetime O&M cost and residual value per cell ($).
    """
    usd_J = lcos_simple(c_bom, c_mfg, c_om, residual_value, efficiency, energy_J, cycles)
    return CellLcos(lcos_usd_J=usd_J, c_bom_usd=c_bom, c_mfg_usd=c_mfg, energy_J=energy_J, cycles=cycles,
                    efficiency=np.broadcast_to(np.asarray(efficiency, dtype=float), np.shape(usd_J)))


def cell_lcos(design: CellDesign, cycles_per_year: Array = 365.0, eol_soh: Array = 0.8, efficiency: Array | None = 0.95,
              c_om: Array = 0.0, residual_value: Array = 0.0, sei_params: SEIParams = SEIParams(),
              factory: Any = None, prices: Any = None, **cost_inputs: Any) -> CellLcos:
    """Cell-level LCOS of a population of designs, every term from a model rather than typed in.

    C_BOM and C_mfg come from :func:`xlcell.cost.evaluate_cost` (BatPaC 5.0 roll-up; ``factory``, ``prices`` and
    ``cost_inputs`` as there), E_u from :func:`xlcell.cell.evaluate_cell` and N_cyc from
    :func:`xlcell.degradation.cycle_life` (at the design's C-rate and temperature, full depth); then LCOS = (C_BOM + C_mfg + C_O&M - RV) / (η E_u N_cyc).
    ``efficiency`` None takes the resistive round trip at the design C-rate (:func:`resistive_round_trip`).

    Parameters
    ----------
    design : CellDesign
        Designs (SI; every field broadcasts).
    cycles_per_year : array_like
        Equivalent full cycles per year (1/yr).
    eol_soh : array_like
        State of health at end of life (dimensionless, 0.8 = 80 %).
    efficiency : array_like or None
        Round-trip efficiency η (dimensionless); None takes the resistive round trip at the design C-rate.
    c_om : array_like
        Operation and maintenance cost C_O&M over the life, in $ per cell.
    residual_value : array_like
        Residual value RV at end of life, in $ per cell.
    sei_params : SEIParams
        SEI growth parameters (SI) of the life model that gives the cycle life N_cyc.
    factory : Factory, optional
        Plant and process steps for the cost model (default: BatPaC 5.0's plant).
    prices : MaterialPrices, optional
        Material prices for the cost model (default: BatPaC 5.0).
    **cost_inputs
        Further inputs of :func:`xlcell.cost.evaluate_cost` (cell format, yields, slurry, economics).
    """
    cm = evaluate_cost(design, factory, prices, **cost_inputs)
    bom = np.asarray(cm.materials_usd, dtype=float)
    mfg = np.asarray(cm.cell_cost_usd, dtype=float) - bom
    cell = evaluate_cell(design)
    energy = np.asarray(cell.energy_J, dtype=float)
    # xlcell's one life model, at the design's C-rate and temperature (issue 17 item 2)
    n = np.asarray(cycle_life(design, Duty(cycles_per_year=cycles_per_year, eol_soh=eol_soh), sei_params).cycle_life, dtype=float)
    eta = resistive_round_trip(cell.avg_voltage_V, cell.voltage_under_load_V) if efficiency is None else efficiency
    return cell_lcos_from_parts(bom, mfg, energy, n, eta, c_om, residual_value)


__all__ = ["CASHFLOW_COLUMNS", "CASHFLOW_SPECS", "CellLcos", "LcosInputs", "LcosResult", "cashflow", "cell_lcos", "cell_lcos_from_parts", "crf",
           "lcos", "lcos_simple", "resistive_round_trip"]
