"""Levelised cost of storage (LCOS): the seed's cell-level form and the discounted project form.

Cell level (the seed): LCOS_cell = (C_BOM + C_mfg + C_O&M - RV) / (η E_u N_cyc), the net life-cycle
cost over the energy the cell delivers in its life; :func:`lcos_simple` evaluates it from typed terms (a what-if).
With every term from a model (:func:`cell_lcos`), the energy delivered per cycle (the seed's η E_u) comes from the
cell model at the duty's C-rate (:class:`xlcell.duty.Duty`): E_u = Q f(C) DoD (V - I R) (:func:`delivered_energy`),
the rate-limited capacity through f and the resistive loss on discharge through V - I R; the loss on charge is
bought electricity, which the project form prices (charging at price/η). Then
LCOS_cell = (C_BOM + C_mfg + C_O&M - RV) / (E_u N_cyc / DoD) (:func:`delivered_lcos`).

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

:func:`cell_lcos` evaluates the cell-level form with every term from a model, through the registry's providers
(:mod:`xlcell.wiring`): C_BOM and C_mfg from the cost model (:mod:`xlcell.cost`), E_u from the cell model at the
duty's C-rate and N_cyc from the lifetime provider at the duty.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np

from .cell import CellDesign, _check_cutoff, _rate_limits, chain, in_format, resolve
from .cost import crf  # crf: the one capital recovery factor of xlcell
from .degradation import MAX_YEARS, SEIParams
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


#: the pack costs :func:`lcos_inputs_from_pack` can take the energy capex from: basis -> PackMetrics field ($/J)
CAPEX_BASES = {"battery_system": "battery_system_cost_usd_J", "pack": "pack_cost_usd_J"}


def lcos_inputs_from_pack(pack: Any, inputs: LcosInputs = LcosInputs(), basis: str = "battery_system") -> LcosInputs:
    """The project's inputs with the energy capex from the pack model: cell design -> pack $/kWh -> LCOS, one chain.

    Parameters
    ----------
    pack : xlcell.pack.PackMetrics
        Packs (:func:`xlcell.pack.evaluate_pack`); arrays of packs give arrays of inputs.
    inputs : LcosInputs
        The project's other inputs (their ``capex_energy_usd_J`` is replaced).
    basis : str
        ``battery_system`` (default: the pack plus its integration, per kWh of pack energy) or ``pack``.

    Returns
    -------
    LcosInputs
        ``inputs`` with ``capex_energy_usd_J`` = the pack's (or battery system's) cost per J of its total (rated)
        energy, the energy the project's ``energy_J`` counts.
    """
    key = str(basis).strip().lower()
    if key not in CAPEX_BASES:
        from .errors import UnknownKeyError

        raise UnknownKeyError(str(basis), CAPEX_BASES, what="capex basis")
    return dataclasses.replace(inputs, capex_energy_usd_J=np.asarray(getattr(pack, CAPEX_BASES[key]), dtype=float))


def pack_lcos(design: CellDesign, pack: Any = None, inputs: LcosInputs = LcosInputs(), soh: Array | None = None,
              basis: str = "battery_system", **pack_kw: Any) -> LcosResult:
    """The project LCOS of storage built from packs of ``design``: :func:`xlcell.pack.evaluate_pack` gives the energy
    capex (:func:`lcos_inputs_from_pack`), :func:`lcos` the rest; vectorised over designs and packs.

    Parameters
    ----------
    design : CellDesign
        Cell designs (SI).
    pack : xlcell.pack.PackDesign, optional
        Packs (default: BatPaC 5.0's).
    inputs : LcosInputs
        The project (its energy capex is the pack's).
    soh : array_like, optional
        State of health per year, as for :func:`lcos`.
    basis : str
        ``battery_system`` (default) or ``pack``.
    **pack_kw
        Further arguments of :func:`xlcell.pack.evaluate_pack` (factory, prices, fmt, yields, slurry, calendering).
    """
    from .pack import evaluate_pack

    return lcos(lcos_inputs_from_pack(evaluate_pack(design, pack, **pack_kw), inputs, basis), soh)


@dataclass(frozen=True)
class CellLcos:
    """The cell LCOS of designs at a duty, with every term from a model (SI, $; metadata: ``XLCELL_CELL_LCOS`` keys).

    The registry's providers compute each term once (cost: C_BOM and C_mfg; ``duty``: the energy the cell delivers at
    the duty's C-rate; ``lifetime``: the cycle life), and :func:`cell_lcos_in_context` reads them; the fields are in
    the order of ``XLCELL_CELL_LCOS``'s rows.
    """

    lcos_usd_J: np.ndarray = field(metadata=param(
        "Cell LCOS at the duty", "$/kWh", key="lcos_usd_kWh",
        doc="(C_BOM + C_mfg + C_O&M - RV) / (E_u N_cyc / DoD): the cell's cost over the energy it delivers in its "
            "life at the duty (inf where it delivers none)"))
    #: materials and purchased items per accepted cell (cost model)
    c_bom_usd: np.ndarray = field(metadata=param("C_BOM per cell", "$", key="c_bom_usd"))
    #: the rest of the cell cost: labour, overheads, depreciation, ... (cost model)
    c_mfg_usd: np.ndarray = field(metadata=param("C_mfg per cell", "$", key="c_mfg_usd"))
    energy_J: np.ndarray = field(metadata=param(
        "Energy delivered per cycle at the duty E_u", "kWh", key="energy_kWh",
        doc="Q · f(C) · DoD · (V - I R): capacity, usable fraction and voltage under load at the duty's C-rate"))
    cycles: np.ndarray = field(metadata=param(
        "Cycle life N_cyc (equivalent full cycles)", "-", key="cycle_life",
        doc="The registry's lifetime provider, to the duty's end-of-life SOH"))
    lifetime_energy_J: np.ndarray = field(metadata=param(
        "Energy delivered over the life", "kWh", key="lifetime_energy_kWh", doc="E_u N_cyc / DoD"))
    efficiency: np.ndarray = field(metadata=param(
        "Round-trip efficiency at the duty η", "-", key="round_trip_efficiency",
        doc="(V - IR)/(V + IR) at the duty's current; the energy lost on charge is bought electricity (the project "
            "LCOS's charging cost), not a cell cost, so η does not enter the cell LCOS"))
    usable_fraction: np.ndarray = field(metadata=param("Usable capacity fraction at the duty's C-rate", "-",
                                                       key="usable_fraction_duty"))
    nameplate_energy_J: np.ndarray = field(metadata=param("Nameplate energy (cell model)", "kWh",
                                                          key="nameplate_energy_kWh"))
    cost_usd_J_usable: np.ndarray = field(metadata=param(
        "Cell cost per kWh delivered at the duty", "$/kWh", key="cell_cost_usd_per_kWh_usable",
        doc="(C_BOM + C_mfg) / E_u"))
    c_rate_per_h: np.ndarray = field(metadata=param("Duty C-rate", "C-rate", key="c_rate"))


def resistive_round_trip(avg_voltage_V: Array, voltage_under_load_V: Array) -> np.ndarray:
    """Round-trip efficiency of the resistive loss on charge and discharge, (V - IR)/(V + IR), in [1e-6, 1].

    Parameters
    ----------
    avg_voltage_V : array_like
        Mean open-circuit voltage V (V).
    voltage_under_load_V : array_like
        Mean voltage under load V - IR at the C-rate (V).
    """
    v, v_load = np.asarray(avg_voltage_V, dtype=float), np.asarray(voltage_under_load_V, dtype=float)
    return np.clip(v_load / (2.0 * v - v_load), 1e-6, 1.0)


def duty_point(design: CellDesign, fmt: Any = None, calendering: Mapping[str, Any] | None = None) -> dict[str, np.ndarray]:
    """What the energy delivered at a duty reads of the cell model, at the designs' own C-rate and temperature:
    :func:`xlcell.cell.evaluate_cell`'s ``capacity_C``, ``avg_voltage_V``, ``usable_capacity_fraction`` and
    ``voltage_under_load_V``, from the same chain and rate model (:func:`xlcell.cell.chain`, the cell model's rate
    limits), without the pulse power and the other metrics (the same numbers, unbroadcast).

    Parameters
    ----------
    design : CellDesign
        Designs (SI; broadcasting), their ``c_rate_per_h`` and ``temperature_K`` the duty's.
    fmt : CellFormat, optional
        The cell format (default: :class:`~xlcell.pouch.CellFormat`).
    calendering : mapping, optional
        The calendering context (:func:`xlcell.cell.evaluate_cell`).
    """
    d = in_format(resolve(design), fmt)
    c = chain(d, fmt, calendering)
    _check_cutoff(d, c["ocv_V"])
    rate = _rate_limits(d, c, d.c_rate_per_h, limits=False)  # the fraction and the voltage under load alone
    return dict(capacity_C=c["capacity_C"], avg_voltage_V=c["ocv_V"], usable_capacity_fraction=rate["fraction"],
                voltage_under_load_V=rate["v_load"])


def delivered_energy(capacity_C: Array, usable_fraction: Array, dod: Array, voltage_under_load_V: Array) -> np.ndarray:
    """Energy a cell delivers per cycle at a duty (J): E_u = Q · f(C) · DoD · max(V - I R, 0).

    The usable fraction f is the cell model's rate capability at the duty's C-rate (:func:`xlcell.cell.rate_capability`)
    and V - I R its mean voltage under load at that current; a voltage under load at or below zero delivers nothing.

    Parameters
    ----------
    capacity_C : array_like
        Nameplate capacity Q (C).
    usable_fraction : array_like
        Usable capacity fraction f at the duty's C-rate (dimensionless, 0-1).
    dod : array_like
        Depth of discharge (dimensionless, 0-1].
    voltage_under_load_V : array_like
        Mean voltage under load at the duty's current (V).
    """
    return (np.asarray(capacity_C, dtype=float) * np.asarray(usable_fraction, dtype=float) * np.asarray(dod, dtype=float)
            * np.maximum(np.asarray(voltage_under_load_V, dtype=float), 0.0))


def delivered_lcos(cost_usd: Array, energy_J: Array, cycles: Array, dod: Array) -> np.ndarray:
    """Cell LCOS at a duty ($/J): net life-cycle cost over the energy delivered in the life, C / (E_u N_cyc / DoD).

    N_cyc counts equivalent full cycles, so a duty of depth DoD runs N_cyc / DoD cycles of E_u each. A cell that
    delivers nothing at the duty (E_u = 0) gives inf; a net credit (a residual value above the costs) a negative LCOS.

    Parameters
    ----------
    cost_usd : array_like
        Net life-cycle cost per cell C = C_BOM + C_mfg + C_O&M - RV ($).
    energy_J : array_like
        Energy delivered per cycle at the duty E_u (J), >= 0 (:func:`delivered_energy`).
    cycles : array_like
        Cycle life N_cyc (equivalent full cycles), > 0.
    dod : array_like
        Depth of discharge of the duty (dimensionless, 0-1].
    """
    life = np.asarray(energy_J, dtype=float) * np.asarray(cycles, dtype=float) / np.asarray(dod, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(life > 0, np.asarray(cost_usd, dtype=float) / np.where(life > 0, life, 1.0), np.inf)


#: the keys of the registry context ``"lcos"`` (per cell, $)
LCOS_CONTEXT_KEYS = ("om_usd", "residual_usd")


def model_context(duty: Duty = Duty(), c_om: Array = 0.0, residual_value: Array = 0.0,
                  sei_params: SEIParams = SEIParams(), cost_inputs: Mapping[str, Any] | None = None,
                  mechanics: Any = None, crack: Any = None) -> dict[str, Any]:
    """The registry context of the cell LCOS at ``duty``: the one place that turns the LCOS's inputs into the
    providers' context (``"duty"``, ``"lifetime"``, ``"lcos"``, ``"cost"``).

    Parameters
    ----------
    duty : Duty
        How the cell is cycled (SI; blank C-rate and temperature take the design's).
    c_om, residual_value : array_like
        Lifetime O&M cost and residual value per cell ($).
    sei_params : SEIParams
        SEI growth parameters of the lifetime provider (SI).
    cost_inputs : mapping, optional
        Keyword arguments of :func:`xlcell.cost.evaluate_cost` (factory, prices, fmt, yields, slurry).
    mechanics, crack : optional
        The life model's particle-mechanics and coating-crack parameters (:class:`~xlcell.degradation.MechanicsParams`,
        :class:`~xlcell.degradation.CrackParams`; None: their defaults).
    """
    # the lifetime provider reads the duty (xlcell.wiring.lifetime_inputs), so the cycle life and the LCOS see one duty
    return {"duty": duty, "cost": {k: v for k, v in dict(cost_inputs or {}).items() if v is not None},
            "lifetime": {"sei": sei_params, "mechanics": mechanics, "crack": crack},
            "lcos": {"om_usd": c_om, "residual_usd": residual_value}}


#: the registry outputs a :class:`CellLcos` is made of, by field
_CELL_LCOS_OUTPUTS = {"lcos_usd_J": "lcos_cell_usd_per_kWh", "c_bom_usd": "materials_usd", "c_mfg_usd": "cell_cost_usd",
                      "energy_J": "usable_energy_Wh", "cycles": "cycle_life", "efficiency": "round_trip_efficiency",
                      "usable_fraction": "usable_fraction_duty", "nameplate_energy_J": "energy_Wh",
                      "cost_usd_J_usable": "cell_cost_usd_per_kWh_usable", "c_rate_per_h": "duty_c_rate"}


def cell_lcos_in_context(design: CellDesign, context: Mapping[str, Any] | None = None) -> CellLcos:
    """The cell LCOS of a population of designs, read from the registry's providers under a model ``context``: the
    one route of this number (``XLCELL_CELL_LCOS``, :func:`xlcell.studies.cell_lcos`, the thickness study, the
    optimiser's and the Monte Carlo's ``lcos_cell_usd_per_kWh``, the reports).

    Parameters
    ----------
    design : CellDesign
        Designs (SI; fields broadcast).
    context : mapping, optional
        The registry context (:func:`model_context`; ``"duty"`` absent: :class:`~xlcell.duty.Duty` ()).
    """
    from . import registry

    return cell_lcos_of(registry.Evaluation(design, context))


def cell_lcos_of(ev: Any) -> CellLcos:
    """The :class:`CellLcos` of an evaluated population (:class:`xlcell.registry.Evaluation`): its terms are the
    registry's outputs, so a study that needs more outputs of the same population evaluates the models once.

    Parameters
    ----------
    ev : Evaluation
        The population and its model context (``"duty"`` absent: :class:`~xlcell.duty.Duty` ()).
    """
    from . import registry

    si = {name: np.asarray(registry.output_spec(key).to_si(np.asarray(ev[key], dtype=float)), dtype=float)
          for name, key in _CELL_LCOS_OUTPUTS.items()}
    si["c_mfg_usd"] = si["c_mfg_usd"] - si["c_bom_usd"]  # the cell cost less its materials
    dod = np.asarray(_context_duty(ev.context).dod, dtype=float)
    shape = np.broadcast_shapes(*(np.shape(v) for v in si.values()), dod.shape)
    si = {k: np.broadcast_to(v, shape) for k, v in si.items()}
    return CellLcos(lifetime_energy_J=np.broadcast_to(si["energy_J"] * si["cycles"] / dod, shape), **si)


def _context_duty(context: Mapping[str, Any] | None) -> Duty:
    return (context or {}).get("duty") or Duty()


def cell_lcos(design: CellDesign, duty: Duty = Duty(), c_om: Array = 0.0, residual_value: Array = 0.0,
              sei_params: SEIParams = SEIParams(), factory: Any = None, prices: Any = None, *,
              mechanics: Any = None, crack: Any = None, **cost_inputs: Any) -> CellLcos:
    """Cell-level LCOS of a population of designs at a duty, every term from a model rather than typed in.

    C_BOM and C_mfg come from the cost model (:func:`xlcell.cost.evaluate_cost`; ``factory``, ``prices`` and
    ``cost_inputs`` as there), the energy delivered per cycle E_u from the cell model at the duty's C-rate
    (:func:`delivered_energy`) and N_cyc from the registry's lifetime provider at the duty; then
    LCOS = (C_BOM + C_mfg + C_O&M - RV) / (E_u N_cyc / DoD) (:func:`delivered_lcos`). It is
    :func:`cell_lcos_in_context` with the context of :func:`model_context`.

    Parameters
    ----------
    design : CellDesign
        Designs (SI; every field broadcasts).
    duty : Duty
        C-rate (1/h; NaN: the design's), depth of discharge (-), temperature (K; NaN: the design's), cycles per year
        (1/yr) and end-of-life SOH (-).
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
    mechanics, crack : optional
        The life model's particle-mechanics and coating-crack parameters (None: their defaults).
    **cost_inputs
        Further inputs of :func:`xlcell.cost.evaluate_cost` (cell format, yields, slurry, economics).
    """
    return cell_lcos_in_context(design, model_context(duty, c_om, residual_value, sei_params,
                                                      {"factory": factory, "prices": prices, **cost_inputs},
                                                      mechanics, crack))


__all__ = ["CASHFLOW_COLUMNS", "CASHFLOW_SPECS", "CellLcos", "LCOS_CONTEXT_KEYS", "LcosInputs", "LcosResult", "cashflow",
           "cell_lcos", "cell_lcos_in_context", "cell_lcos_of", "crf", "delivered_energy", "delivered_lcos", "duty_point", "lcos", "lcos_simple",
           "model_context", "resistive_round_trip", "CAPEX_BASES", "lcos_inputs_from_pack", "pack_lcos"]
