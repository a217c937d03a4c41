"""The factory: process chain, plant sizing (BatPaC power laws or machine counts), bottleneck, WIP.

The process chain is a table of steps (:class:`ProcessStep`, one row each; :data:`DEFAULT_STEPS`
is BatPaC 5.0's 25-step plant, reference digest ``shared/reference/batpac5.md`` section 5.2, with
xlcell's machine data added; its rows are the ``[[process_step]]`` tables of
``xlcell/data/batpac5_default.toml``). Every step has

* a **volume driver** (an annual quantity: kg of active material, m² of electrode, cells built,
  modules, packs, kWh of energy, kg of NMP evaporated, ...) and its value in BatPaC's baseline plant;
* BatPaC's baseline **labour** (h/yr), **capital** ($) and **floor area** (m²) and their power-law
  exponents: X = X0 r^p × extra factors × D, r = driver / baseline (section 5.1), D the
  operating-days factor on capital and area of the steps that carry it;
* **machine data** (xlcell): units per cycle and cycle time per machine (rate = units / cycle),
  overall equipment effectiveness (OEE), a fixed machine count (NaN = size to demand), the step's
  **cell yield** (accepted / entering; the plant's cell yield is their product) and the
  **energy** used per unit of its energy driver (blank = the volume driver). The coating & drying steps' energy
  driver is the solvent evaporated (kg of NMP or water), so a thicker coating, which carries more solvent per m²,
  takes proportionally more drying energy per m² (issue 17).

Two sizing routes (``Plant.machine_sizing``):

0. BatPaC: labour, capital and area by the power laws (the default; reproduces BatPaC).
1. Machines: steps with machine data get n = ceil(demand / (rate × OEE × operating time)) machines
   (or the fixed count) and labour, capital and area of n × the per-machine values, which are
   calibrated from BatPaC's baseline plant (X0 / baseline machine count, so both routes agree at
   the baseline up to the whole-machine rounding). Support steps keep the power laws.

In both routes the machine counts give each step's **utilisation** (demand / capacity), the
**bottleneck** (the step of highest utilisation: the one that limits the line first), the
**line capacity** (target output / highest utilisation) and the **work in process** by Little's
law (WIP = throughput × time in the step). If fixed machine counts cannot meet the target, the
plant's output is the line capacity. The other steps are then sized for that output (BatPaC's
power laws know no bottleneck; ``Plant.stranded_capital = 0``, the default) or, with
``stranded_capital = 1``, keep the equipment and floor area installed for the nominal output: the
capacity the bottleneck leaves idle is stranded capital that still costs depreciation, building,
overheads on depreciation and cost of capital; labour and energy follow the output.

The WIP uses the flow of **cells built**, not of cells accepted: every cell built enters the cell
steps, and the cells rejected at formation and testing (BatPaC's 5 %) are found at the end of the
14 days, so they hold a rack place the whole time. The default plant thus holds 210.5 M/yr over
320 × 24 h = 27,412 cells/h × 14 days = 9.21 M cells in formation, where the accepted flow
(26,042 cells/h, BatPaC's 200 M cells/yr) would give 8.75 M and understate the racks by the
reject rate. The machine counts use the same flow. If a user gives earlier steps cell yields
below 1, later steps receive slightly fewer cells than were built; the WIP and machine counts
then err on the high side by those losses.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

import numpy as np

from . import paramsets
from .errors import InputError, UnknownKeyError
from .params import param, per_item, specs
from .units import from_display, to_display, to_si

Array = Any

#: Volume drivers: key -> (label, display unit of one driver unit). Internally SI (kg, m², count, J).
DRIVERS: dict[str, tuple[str, str]] = {
    "pos_am_kg": ("Positive active material", "kg"),
    "neg_am_kg": ("Negative active material", "kg"),
    "pos_area_m2": ("Positive electrode area", "m²"),
    "neg_area_m2": ("Negative electrode area", "m²"),
    "electrode_area_m2": ("Positive + negative electrode area", "m²"),
    "cells_built": ("Cells built", "-"),
    "assembly_cells": ("Cells built × the format's per-cell assembly cost factor (pouch: 1)", "-"),
    "sheets": ("Electrode sheets stacked", "-"),
    "dry_room": ("Dry-room size ratio: max(cells built, electrode area) / baseline", "-"),
    "modules": ("Modules", "-"),
    "packs": ("Packs", "-"),
    "energy_J": ("Energy of accepted cells", "kWh"),
    "nmp_kg": ("NMP evaporated", "kg"),
    "water_kg": ("Water evaporated", "kg"),
}

#: Extra factors: key -> meaning. Applied to the resources named in ``extra_on`` (L, C, A).
EXTRAS: dict[str, str] = {
    "": "none",
    "pos_solvent_per_area": "(NMP evaporated per m² of positive / baseline)^exp",
    "neg_solvent_per_area": "(water evaporated per m² of negative / baseline)^exp",
    "capacity": "(cell capacity / baseline capacity)^exp",
    "formation_capacity": "(cell capacity / baseline capacity)^exp; capital × large-cell factor above the threshold",
    "modules_per_pack": "(modules per pack / baseline)^exp",
}

_S = "Step"


@dataclass(frozen=True, kw_only=True)
class ProcessStep:
    """One row of the process-step table (SI)."""

    name: str = field(metadata=param("Step", "text", key="step", group=_S))
    group: str = field(metadata=param("Group (E, A, F, M, P, W, S)", "text", key="group", group=_S))
    driver: str = field(metadata=param("Volume driver", "text", key="driver", group=_S))
    baseline: float = field(metadata=param("Baseline driver per year (driver units)", "-", key="baseline", gt=0, group=_S))
    labor0_s: float = field(metadata=param("Baseline labour", "h", key="labor0_h", ge=0, group=_S))
    labor_exp: float = field(metadata=param("Labour exponent", "-", key="labor_exp", ge=0, le=2, group=_S))
    capex0_usd: float = field(metadata=param("Baseline capital equipment", "M$", key="capex0_musd", ge=0, group=_S))
    capex_exp: float = field(metadata=param("Capital exponent", "-", key="capex_exp", ge=0, le=2, group=_S))
    area0_m2: float = field(metadata=param("Baseline floor area", "m²", key="area0_m2", ge=0, group=_S))
    area_exp: float = field(metadata=param("Area exponent", "-", key="area_exp", ge=0, le=2, group=_S))
    days_factor: float = field(default=1.0, metadata=param("Operating-days factor on capital and area (1 = yes)", "-", key="days_factor", ge=0, le=1, group=_S))
    extra: str = field(default="", metadata=param("Extra factor", "text", key="extra", group=_S))
    extra_exp: float = field(default=0.0, metadata=param("Extra factor exponent", "-", key="extra_exp", ge=-5, le=5, group=_S))
    extra_on: str = field(default="", metadata=param("Extra factor applies to (L, C, A)", "text", key="extra_on", group=_S))
    cell_share: float = field(default=1.0, metadata=param("Share attributed to the cell plant", "-", key="cell_share", ge=0, le=1, group=_S))
    module_share: float = field(default=1.0, metadata=param(
        "Share attributed to the module plant (cell plant included)", "-", key="module_share", ge=0, le=1, group=_S,
        doc="BatPaC §5.5: the module plant is the cell plant plus module assembly and another third of the warehouse; "
            "the pack plant is the whole plant (xlcell.pack)"))
    building: float = field(default=0.0, metadata=param("Building: capital shared by floor area (1 = yes)", "-", key="building", ge=0, le=1, group=_S))
    machine_driver: str = field(default="", metadata=param("Machine driver (blank = volume driver)", "text", key="machine_driver", group=_S))
    machine_baseline: float = field(default=np.nan, metadata=param("Baseline machine driver per year (blank = baseline)", "-", key="machine_baseline", gt=0, allow_nan=True, group=_S))
    units_per_cycle: float = field(default=np.nan, metadata=param("Units per machine cycle", "-", key="units_per_cycle", gt=0, allow_nan=True, group=_S))
    cycle_time_s: float = field(default=np.nan, metadata=param("Cycle time (= time in step)", "s", key="cycle_time_s", gt=0, allow_nan=True, group=_S))
    oee: float = field(default=0.85, metadata=param("Overall equipment effectiveness", "-", key="oee", gt=0, le=1, group=_S))
    machines: float = field(default=np.nan, metadata=param("Machines (blank = size to demand)", "-", key="machines", gt=0, allow_nan=True, group=_S))
    cell_yield: float = field(default=1.0, metadata=param("Cell yield of the step", "-", key="cell_yield", gt=0, le=1, group=_S))
    energy_driver: str = field(default="", metadata=param(
        "Energy driver (blank = volume driver)", "text", key="energy_driver", group=_S,
        doc="What the step's energy is proportional to: the coating & drying steps use the solvent evaporated"))
    energy_J_per_unit: float = field(default=0.0, metadata=param("Energy per energy-driver unit", "kWh", key="energy_kWh_per_unit", ge=0, group=_S))
    source: str = ""  #: where the row's values come from (a key of ``[sources]`` in ``data/batpac5_default.toml``)


def _driver_scale(driver: str) -> float:
    """SI units per display unit of a driver (1 for kg, m², counts; 3.6e6 for kWh)."""
    return float(to_si(1.0, DRIVERS[driver][1])) if driver in DRIVERS else 1.0


#: columns whose display unit depends on the step's driver (converted by :func:`_driver_scale`)
_PER_DRIVER = ("baseline", "machine_baseline", "energy_J_per_unit")


def steps_from_rows(rows: Iterable[dict[str, Any]], base: Sequence[ProcessStep] | None = None) -> tuple[ProcessStep, ...]:
    """Process steps from display-unit rows (dicts keyed by column key), blanks taking the default.

    A row whose ``step`` names a default step starts from that step; otherwise from an empty step
    whose required columns must all be given. Units as in :func:`step_rows`. ``base``: the steps a row may name
    (default :data:`DEFAULT_STEPS`).

    Parameters
    ----------
    rows : iterable of dict
        One dict per step, keyed by the Factory sheet's column keys, values in display units; blanks take the default.
    base : sequence of ProcessStep, optional
        Steps a row naming one of them starts from (default: BatPaC 5.0's 25 steps, :data:`DEFAULT_STEPS`).
    """
    by_name = {s.name.lower(): s for s in (DEFAULT_STEPS if base is None else base)}
    spec = {s.key.lower(): s for s in specs(ProcessStep)}
    out = []
    for i, row in enumerate(rows):
        row = {str(k).strip().lower(): v for k, v in row.items()}
        for key in row:
            if key not in spec:
                raise UnknownKeyError(key, [s.key for s in spec.values()], "factory column")
        name = str(row.get("step") or "").strip()
        if not name:
            raise InputError("factory step", None, f"a step name (row {i + 1})")
        start = by_name.get(name.lower())
        kw: dict[str, Any] = {}
        for key, val in row.items():
            s = spec[key]
            if val is None or (isinstance(val, str) and not val.strip()):
                continue  # blank: the default step's value
            if s.unit == "text":
                text = str(val).strip()
                kw[s.name] = "" if text.lower() == "none" else text
                continue
            try:
                x = float(val)
            except (TypeError, ValueError):
                raise InputError(f"factory {s.key} (row {i + 1})", val, "a number") from None
            if s.name in _PER_DRIVER:
                kw[s.name] = x  # converted below, once the driver is known
            else:
                kw[s.name] = float(s.to_si(x))
        driver = kw.get("driver") or (start.driver if start else "")
        mdriver = kw.get("machine_driver", start.machine_driver if start else "") or driver
        if "baseline" in kw:
            kw["baseline"] *= _driver_scale(driver)
        if "machine_baseline" in kw:
            kw["machine_baseline"] *= _driver_scale(mdriver)
        edriver = kw.get("energy_driver", start.energy_driver if start else "") or driver
        if "energy_J_per_unit" in kw:
            kw["energy_J_per_unit"] *= float(from_display(1.0, "kWh")) / _driver_scale(edriver)
        try:
            out.append(dataclasses.replace(start, **kw) if start else ProcessStep(**kw))
        except TypeError:
            missing = [s.key for s in specs(ProcessStep) if s.name not in kw and s.name in _REQUIRED]
            raise InputError(f"factory step {name!r}", "incomplete", "a default step name or all of " + ", ".join(missing)) from None
    return tuple(out)


_REQUIRED = ("name", "group", "driver", "baseline", "labor0_s", "labor_exp", "capex0_usd", "capex_exp", "area0_m2", "area_exp")


def driver_unit(step: ProcessStep, name: str) -> str:
    """The display unit of a driver-dependent column (:data:`_PER_DRIVER`) of ``step``, else "".

    Parameters
    ----------
    step : ProcessStep
        The process step (its driver decides the unit).
    name : str
        A field name of :class:`ProcessStep`.
    """
    if name not in _PER_DRIVER:
        return ""
    which = {"machine_baseline": step.machine_driver, "energy_J_per_unit": step.energy_driver}.get(name) or step.driver
    unit = DRIVERS[which][1]
    if name == "energy_J_per_unit":
        return "kWh" if unit == "-" else f"kWh/{unit}"
    return unit


def _default_steps() -> tuple[ProcessStep, ...]:
    """The ``[[process_step]]`` tables of ``data/batpac5_default.toml`` (the Factory sheet's columns), in order."""
    rows = paramsets.records("batpac5_default", "process_step")
    steps = steps_from_rows([{k: v for k, v in r.items() if k not in paramsets.META_KEYS} for r in rows], base=())
    names = [st.name.lower() for st in steps]
    if len(set(names)) != len(names):
        raise paramsets.DataFileError("xlcell/data/batpac5_default.toml: two [[process_step]] tables have one name")
    return tuple(dataclasses.replace(st, source=r["source"]) for st, r in zip(steps, rows))


#: BatPaC 5.0's default plant (digest section 5.2) with xlcell's machine and energy data, from the
#: ``[[process_step]]`` tables of ``xlcell/data/batpac5_default.toml``.
#:
#: Machine data (xlcell assumptions, typical of published gigafactory descriptions; edit them on the
#: Factory sheet): mixing 2 t of active material per 1.5 h batch; coating and drying a 1.4 m web on
#: both faces at 60 m/min through a 100 m dryer (280 m² of electrode face in 100 s); calendering and
#: slitting 2 m of web path at 100 and 120 m/min; notching a 0.3 m strip at 1 m/s; vacuum drying
#: 20,000 m² per 12 h batch; Z-stacking 0.5 s per electrode sheet; welding 10 s, X-ray 6 s,
#: inserting 5 s per cell; filling and sealing 4 cells per 40 s; formation, aging and testing
#: 1,000 cells per rack over 14 days; module assembly 60 s per module, pack assembly 600 s per pack.
#: Energy per driver unit (kWh per kg, m², cell, ...) allocates about 29 kWh per kWh of cells at the
#: default design (electrode drying and dry room about 2/3, formation 2/29), within the 20.3-37.5
#: kWh/kWh that Degen et al. (Nature Energy 8, 2023) report for current lithium-ion cell plants; the
#: allocation between steps is xlcell's assumption. The coating & drying steps are charged per kg of
#: solvent evaporated: 12.374 kWh/kg of NMP and 4.9528 kWh/kg of water, which are xlcell's allocation of
#: 1.69 and 1.08 kWh per m² of electrode at BatPaC's default solvent loadings (digest section 5.2: 0.13657667
#: kg of NMP per m² of positive, 0.21805740 kg of water per m² of negative), so the default plant's energy
#: is unchanged and a coating carrying more solvent per m² takes proportionally more.
DEFAULT_STEPS: tuple[ProcessStep, ...] = _default_steps()

_TEXT = ("name", "group", "driver", "extra", "extra_on", "machine_driver", "energy_driver")


@dataclass(frozen=True)
class StepTable:
    """The process-step table as columns: text columns as tuples, numeric columns as arrays.

    Numeric columns have shape ``(..., K)`` (K steps, last axis) and broadcast against designs of
    shape ``S`` as ``S + (K,)``; a sensitivity study may give a column shape ``(M, K)``.
    """

    columns: dict[str, Any] = field(metadata=per_item(
        "Process-step table, by column", key="steps", units={s.name: s.unit for s in specs(ProcessStep)},
        doc="each column in its ProcessStep field's unit"))

    @classmethod
    def from_steps(cls, steps: Sequence[ProcessStep] = DEFAULT_STEPS) -> "StepTable":
        """The step table of ``steps``: one column per :class:`ProcessStep` field, one entry per step (SI).

        Parameters
        ----------
        steps : sequence of ProcessStep
            Process steps in line order (default: BatPaC 5.0's 25 steps); at least one.
        """
        if len(steps) == 0:
            raise InputError("factory steps", 0, "at least one step")
        cols: dict[str, Any] = {}
        for s in specs(ProcessStep):
            vals = [getattr(st, s.name) for st in steps]
            cols[s.name] = tuple(str(v).strip() for v in vals) if s.name in _TEXT else np.array(vals, dtype=float)
        t = cls(cols)
        t.validate()
        return t

    def __len__(self) -> int:
        return len(self.columns["name"])

    @property
    def names(self) -> tuple[str, ...]:
        return self.columns["name"]

    def __getattr__(self, item: str) -> Any:
        try:
            return self.__dict__["columns"][item]
        except KeyError:
            raise AttributeError(item) from None

    def replace(self, **cols: Any) -> "StepTable":
        """A copy of the table with the given columns replaced.

        Parameters
        ----------
        **cols
            New columns by :class:`ProcessStep` field name (SI units, one value per step).
        """
        c = dict(self.columns)
        c.update(cols)
        return StepTable(c)

    def validate(self) -> None:
        k = len(self)
        for s in specs(ProcessStep):
            v = self.columns[s.name]
            if s.name in _TEXT:
                if len(v) != k:
                    raise InputError(f"factory {s.key}", len(v), f"{k} entries (one per step)")
                continue
            if np.shape(v)[-1:] != (k,):
                raise InputError(f"factory {s.key}", str(np.shape(v)), f"an array ending in {k} (one per step)")
            s.check(v, f"factory {s.key}")
        for d in self.columns["driver"]:
            if d not in DRIVERS:
                raise UnknownKeyError(d, DRIVERS, "driver")
        for d in self.columns["machine_driver"] + self.columns["energy_driver"]:
            if d and d not in DRIVERS:
                raise UnknownKeyError(d, DRIVERS, "driver")
        for e in self.columns["extra"]:
            if e not in EXTRAS:
                raise UnknownKeyError(e, [x for x in EXTRAS if x], "extra factor")
        for e in self.columns["extra_on"]:
            if set(e.upper()) - set("LCA"):
                raise InputError("factory extra_on", e, "letters from L (labour), C (capital), A (area)")


_PL = "Plant"


@dataclass(frozen=True, kw_only=True)
@paramsets.defaults("batpac5_default", "plant")
class Plant:
    """Plant volume, schedule and BatPaC's baseline reference values (SI; defaults: ``[plant]`` of
    ``xlcell/data/batpac5_default.toml``)."""

    plant_energy_J_yr: Array = field(metadata=param(
        "Plant output (energy of accepted cells)", "GWh", key="plant_energy_GWh_yr", gt=0, le=1e4, group=_PL,
        doc="Accepted cells per year = plant output / cell energy (BatPaC: 500,000 packs × 100 kWh)"))
    operating_days: Array = field(metadata=param("Operating days per year", "-", key="operating_days", gt=0, le=366, group=_PL))
    hours_per_day: Array = field(metadata=param("Operating hours per day (machine sizing)", "-", key="hours_per_day", gt=0, le=24, group=_PL))
    machine_sizing: Array = field(metadata=param(
        "Sizing route (0 = BatPaC power laws, 1 = machine counts)", "-", key="machine_sizing", ge=0, le=1, group=_PL))
    stranded_capital: Array = field(metadata=param(
        "Stranded capital at a bottleneck (1 = steps sized for the nominal rate)", "-", key="stranded_capital", ge=0,
        le=1, group=_PL,
        doc="0 (BatPaC, default): when fixed machine counts cap the output, every other step is sized for the output "
            "the line makes; 1: the other steps keep the equipment and floor area installed for the nominal plant "
            "output, so the capacity the bottleneck leaves idle still costs capital (labour and energy follow the "
            "output)"))
    cells_per_module: Array = field(metadata=param("Cells per module", "-", key="cells_per_module", gt=0, group=_PL))
    modules_per_pack: Array = field(metadata=param("Modules per pack", "-", key="modules_per_pack", gt=0, group=_PL))
    baseline_days: Array = field(metadata=param("Baseline operating days", "-", key="baseline_days", gt=0, le=366, group=_PL, advanced=True))
    baseline_modules_per_pack: Array = field(metadata=param("Baseline modules per pack", "-", key="baseline_modules_per_pack", gt=0, group=_PL, advanced=True))
    baseline_capacity_C: Array = field(metadata=param("Baseline cell capacity (stacking, formation)", "Ah", key="baseline_capacity_Ah", gt=0, group=_PL, advanced=True))
    large_cell_C: Array = field(metadata=param("Formation large-cell threshold", "Ah", key="large_cell_Ah", gt=0, group=_PL, advanced=True))
    large_cell_capex_factor: Array = field(metadata=param("Formation capital factor above the threshold", "-", key="large_cell_capex_factor", gt=0, group=_PL, advanced=True))
    baseline_pos_solvent_kg_m2: Array = field(metadata=param("Baseline NMP evaporated per m² of positive", "-", key="baseline_pos_solvent_kg_m2", gt=0, group=_PL, advanced=True))
    baseline_neg_solvent_kg_m2: Array = field(metadata=param("Baseline water evaporated per m² of negative", "-", key="baseline_neg_solvent_kg_m2", gt=0, group=_PL, advanced=True))
    baseline_cells_built: Array = field(metadata=param("Baseline cells built per year (dry room)", "-", key="baseline_cells_built", gt=0, group=_PL, advanced=True))
    baseline_electrode_area_m2: Array = field(metadata=param("Baseline electrode area per year (dry room)", "m²", key="baseline_electrode_area_m2", gt=0, group=_PL, advanced=True))


@dataclass(frozen=True)
class StepResults:
    """Per-step results, arrays of shape ``S + (K,)`` (SI: s/yr of labour, $, m², J/yr; the metadata gives label and
    display unit, the driver's unit per step in ``driver_units``)."""

    names: tuple[str, ...] = field(metadata=param("Step", "text", key="step"))
    driver: np.ndarray = field(metadata=per_item("Annual driver", key="driver", units="driver_units"))
    ratio: np.ndarray = field(metadata=param("Driver / baseline", "-", key="driver_ratio"))
    labor_s: np.ndarray = field(metadata=param("Labour per year", "h", key="labor_h"))
    capex_usd: np.ndarray = field(metadata=param("Capital equipment", "M$", key="capex_musd"))
    area_m2: np.ndarray = field(metadata=param("Floor area", "m²", key="area_m2"))
    machines: np.ndarray = field(metadata=param("Machines", "-", key="machines", allow_nan=True,
                                                doc="NaN for steps without machine data"))
    utilisation: np.ndarray = field(metadata=param("Utilisation (demand / capacity)", "-", key="utilisation",
                                                   allow_nan=True, doc="NaN without machine data"))
    wip_cells: np.ndarray = field(metadata=param("Work in process (cell equivalents)", "-", key="wip_cells",
                                                 allow_nan=True, doc="Little's law"))
    energy_J: np.ndarray = field(metadata=param("Energy per year", "MWh", key="energy_MWh"))
    cell_share: np.ndarray = field(metadata=param("Share attributed to the cell plant", "-", key="cell_share"))
    building: np.ndarray = field(metadata=param("Building: capital shared by floor area (1 = yes)", "-",
                                                key="building"))
    driver_units: tuple[str, ...] = field(metadata=param("Driver unit", "text", key="driver_unit",
                                                         doc="display unit of each step's driver (DRIVERS)"))


def littles_law_wip(throughput_per_s: Array, time_in_step_s: Array) -> Array:
    """Work in process L = λ W (Little's law): throughput (units/s) × time in the step (s).

    Parameters
    ----------
    throughput_per_s : array_like
        Throughput λ in units per s.
    time_in_step_s : array_like
        Time W a unit spends in the step, in s.
    """
    return np.asarray(throughput_per_s, dtype=float) * np.asarray(time_in_step_s, dtype=float)


def bottleneck(names: Sequence[str], rates: Array) -> tuple[np.ndarray, np.ndarray]:
    """The slowest step: its name and rate, along the last axis of ``rates``.

    Parameters
    ----------
    names : sequence of str
        Step names (K).
    rates : array_like
        Rates of the steps (any unit, same for all), shape ``(..., K)``. NaN rates are ignored.

    Returns
    -------
    (names, rates)
        Arrays of shape ``(...)``: the name (object) and rate of the slowest step.
    """
    r = np.asarray(rates, dtype=float)
    if r.shape[-1:] != (len(names),):
        raise InputError("rates", str(r.shape), f"one rate per step ({len(names)})")
    if np.all(np.isnan(r), axis=-1).any():
        raise InputError("rates", "all blank", "at least one number")
    if (r[~np.isnan(r)] < 0).any():
        raise InputError("rates", float(np.nanmin(r)), "a number >= 0")
    idx = np.nanargmin(r, axis=-1)
    return np.asarray(names, dtype=object)[idx], np.take_along_axis(r, idx[..., None], -1)[..., 0]


#: the step columns the sizing loop reads per step: where each is one number per step, all steps go at once
_LOOP_COLUMNS = ("baseline", "labor_exp", "capex_exp", "area_exp", "labor0_s", "capex0_usd", "area0_m2", "days_factor",
                 "energy_J_per_unit")


def size_plant(
    drivers: dict[str, Array],
    capacity_C: Array,
    table: StepTable,
    plant: Plant,
    *,
    machines: bool = True,
    details: bool = True,
) -> tuple[StepResults, np.ndarray]:
    """Size every step of the plant for annual drivers and return per-step results.

    Parameters
    ----------
    drivers : dict
        Annual driver values at the target output, ``{driver key: array S}`` for every key of
        :data:`DRIVERS` (kg, m², counts, J per year).
    capacity_C : array_like
        Cell capacity (C), for the capacity extra factors.
    table : StepTable
        The process steps.
    plant : Plant
        Plant settings.
    machines : bool
        False: the machine counts, utilisations and work in process are left NaN (not computed) unless the machine
        route sizes a step or capital is stranded (they then enter the capital); the labour, capital, area, energy
        and the output factor are the same.
    details : bool
        False: each step's driver and driver ratio (``driver``, ``ratio``: for display) are left NaN (not written);
        the other results are the same.

    Returns
    -------
    (StepResults, output_factor)
        ``output_factor`` (shape S) is min(1, 1 / highest utilisation among steps with a fixed
        machine count): the share of the target the line can make. The results are for that output.
    """
    t = table.columns
    k = len(table)
    shape = np.broadcast_shapes(*[np.shape(v) for v in drivers.values()], np.shape(capacity_C),
                                *[np.shape(getattr(plant, s.name)) for s in specs(plant)])
    # every step's results: the designs' shape and any leading axes of the columns they read, one column per step
    full = np.broadcast_shapes(shape + (k,), *[np.shape(t[c]) for c in (
        "baseline", "labor_exp", "capex_exp", "area_exp", "labor0_s", "capex0_usd", "area0_m2", "days_factor")])

    dvs: dict[str, np.ndarray] = {}

    def dv(key: str) -> np.ndarray:  # a driver, at the designs' shape (broadcast once per driver)
        a = dvs.get(key)
        if a is None:
            a = dvs[key] = np.broadcast_to(np.asarray(drivers[key], dtype=float), shape)
        return a

    arrs: dict[str, np.ndarray] = {}  # each column as an array, converted once

    def col(name: str, j: int) -> Any:  # step j's value of a column: a number, or an array of the leading axes
        a = arrs.get(name)
        if a is None:
            a = arrs[name] = np.asarray(t[name])
        return a[..., j]

    def col_all(name: str) -> np.ndarray:  # a column, every step (K,)
        a = arrs.get(name)
        if a is None:
            a = arrs[name] = np.asarray(t[name])
        return a

    def grid(keys: Sequence[str]) -> np.ndarray:  # S + (K,): each step's driver named in keys
        return np.stack([dv(key) for key in keys], axis=-1)

    def ex(x: Array) -> np.ndarray:  # plant-level (S) -> S + (1,)
        return np.asarray(x, dtype=float)[..., None]

    m_keys = [m or d for m, d in zip(t["machine_driver"], t["driver"])]
    e_keys = [e or d for e, d in zip(t["energy_driver"], t["driver"])]
    hours_s = ex(from_display(plant.operating_days * plant.hours_per_day, "h"))
    rate = t["units_per_cycle"] / t["cycle_time_s"]  # units/s per machine
    has_m = np.isfinite(rate)
    cap_per_machine = np.where(has_m, rate * t["oee"], np.nan) * hours_s  # units/yr per machine
    fixed = np.isfinite(t["machines"]) & has_m
    any_fixed = bool(np.any(fixed))
    # stranded capital: equipment and floor area installed for the nominal rate, whatever the bottleneck lets through
    stranded = ex(plant.stranded_capital) > 0.5
    count = machines or np.any(stranded) or np.any(plant.machine_sizing > 0.5)
    if any_fixed or count:
        mdrv_nominal = grid(m_keys)  # the rate the plant is built for
    if any_fixed:
        with np.errstate(invalid="ignore", divide="ignore"):
            worst = np.max(np.where(fixed, mdrv_nominal / (t["machines"] * cap_per_machine), 0.0), axis=-1)
        out = 1.0 / np.maximum(worst, 1.0)
        demand = mdrv_nominal * out[..., None]
    else:
        out = np.ones(shape)
        demand = mdrv_nominal if count else None
    with np.errstate(invalid="ignore", divide="ignore"):
        if count:
            needed = np.where(has_m, np.where(fixed, t["machines"], np.maximum(np.ceil(demand / cap_per_machine - 1e-9), 1.0)),
                              np.nan)  # machines the actual output needs (their operators)
            built = np.where(has_m, np.where(fixed, t["machines"],
                                             np.maximum(np.ceil(mdrv_nominal / cap_per_machine - 1e-9), 1.0)), np.nan)
            installed = np.where(stranded, built, needed)
            utilisation = np.where(has_m, demand / (installed * cap_per_machine), np.nan)
        else:  # not asked for, and nothing else reads them
            installed = utilisation = np.full((), np.nan)

    # capital and area: a fixed-count step has what its machines can make, the others what the nominal rate needs.
    # Step by step, each distinct driver, ratio r = driver / baseline, log r and r^exponent computed once (BatPaC's
    # steps share a dozen drivers and baselines among 25 steps), written into one column of each result
    strand = bool(np.any(stranded & ~fixed))
    days = np.asarray(plant.baseline_days / plant.operating_days, dtype=float)

    def by_step(shp: tuple[int, ...]) -> np.ndarray:  # S + (K,), each step's column contiguous in memory
        return np.moveaxis(np.empty(shp[-1:] + shp[:-1]), 0, -1)

    labor, capex, area = (by_step(full) for _ in range(3))
    drv_all, ratio = (by_step(full), by_step(full)) if details else (np.full((), np.nan), np.full((), np.nan))
    energy = by_step(np.broadcast_shapes(full, np.shape(t["energy_J_per_unit"])))
    made: dict[Any, np.ndarray] = {}  # drivers at the output, ratios, logs and powers already computed

    def once(key: Any, make: Any) -> np.ndarray:
        if key not in made:
            made[key] = make()
        return made[key]

    def at_output(key: str) -> np.ndarray:  # a driver at the line's output
        return once(("drv", key), lambda: dv(key) * out if any_fixed else dv(key))

    def tag(x: Any, j: int) -> Any:  # a cache key for a step's value: the number itself, or the step (an array)
        return float(x) if not getattr(x, "ndim", 0) else ("step", j)

    with np.errstate(divide="ignore", invalid="ignore"):
        if k and not strand and days.ndim == 0 and all(np.ndim(t[c]) == 1 for c in _LOOP_COLUMNS):
            # every step's column a number (BatPaC's table): all steps at once, each element the loop's arithmetic
            # (r = driver / baseline, r^e = exp(e log r), the step's base value times it), so the same numbers
            keys = list(dict.fromkeys(list(t["driver"]) + e_keys))
            at = np.stack([at_output(key) for key in keys], axis=-1)  # S + (distinct drivers,)
            drv = at[..., [keys.index(key) for key in t["driver"]]]  # S + (K,): each step's driver
            r = drv / col_all("baseline")
            lr = np.log(r)
            if details:
                np.copyto(drv_all, drv)
                np.copyto(ratio, r)
            dfac = np.where(col_all("days_factor") > 0.5, days, 1.0)
            np.multiply(col_all("labor0_s"), np.exp(col_all("labor_exp") * lr), out=labor)
            np.multiply(col_all("capex0_usd") * dfac, np.exp(col_all("capex_exp") * lr), out=capex)
            np.multiply(col_all("area0_m2") * dfac, np.exp(col_all("area_exp") * lr), out=area)
            np.multiply(col_all("energy_J_per_unit"), at[..., [keys.index(key) for key in e_keys]], out=energy)
        else:
            for j in range(k):
                key, b = t["driver"][j], col("baseline", j)
                rk = (key, tag(b, j))
                d = at_output(key)
                r = once(("r",) + rk, lambda: d / b)
                lr = once(("lr",) + rk, lambda: np.log(r))
                if strand:  # the installed ratio of a stranded, not fixed step: the nominal driver's
                    lr_inst = np.log(np.where(stranded[..., 0] & ~fixed[..., j], dv(key), d) / b)
                    ik = ("inst", j)
                else:
                    lr_inst, ik = lr, rk
                if details:
                    np.copyto(drv_all[..., j], d)
                    np.copyto(ratio[..., j], r)
                e_l, e_c, e_a = col("labor_exp", j), col("capex_exp", j), col("area_exp", j)
                p_l = once(("exp",) + rk + (tag(e_l, j),), lambda: np.exp(e_l * lr))
                p_c = once(("exp",) + ik + (tag(e_c, j),), lambda: np.exp(e_c * lr_inst))
                p_a = once(("exp",) + ik + (tag(e_a, j),), lambda: np.exp(e_a * lr_inst))
                dfac = np.where(col("days_factor", j) > 0.5, days, 1.0)
                np.multiply(col("labor0_s", j), p_l, out=labor[..., j])
                np.multiply(col("capex0_usd", j) * dfac, p_c, out=capex[..., j])
                np.multiply(col("area0_m2", j) * dfac, p_a, out=area[..., j])
                # per unit of the energy driver (the solvent evaporated for drying)
                np.multiply(col("energy_J_per_unit", j), at_output(e_keys[j]), out=energy[..., j])
    # extra factors
    cap_ratio = ex(np.asarray(capacity_C, dtype=float) / plant.baseline_capacity_C)
    with np.errstate(invalid="ignore", divide="ignore"):
        s_pos = ex(drivers["nmp_kg"] / drivers["pos_area_m2"] / plant.baseline_pos_solvent_kg_m2)
        s_neg = ex(drivers["water_kg"] / drivers["neg_area_m2"] / plant.baseline_neg_solvent_kg_m2)
    mpp = ex(plant.modules_per_pack / plant.baseline_modules_per_pack)
    base = {"": None, "pos_solvent_per_area": s_pos, "neg_solvent_per_area": s_neg, "capacity": cap_ratio,
            "formation_capacity": cap_ratio, "modules_per_pack": mpp}
    if np.any(plant.machine_sizing > 0.5):
        dfac_k = np.where(t["days_factor"] > 0.5, ex(days), 1.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            # machine route: per-machine values calibrated at BatPaC's baseline (fractional machine count)
            mbase = np.where(np.isfinite(t["machine_baseline"]), t["machine_baseline"], t["baseline"])
            n_base = mbase / (t["oee"] * rate * ex(from_display(plant.baseline_days * 24.0, "h")))
            use_m = has_m & (ex(plant.machine_sizing) > 0.5)
            labor = np.where(use_m, needed * t["labor0_s"] / n_base, labor)
            capex = np.where(use_m, installed * t["capex0_usd"] / n_base * dfac_k, capex)
            area = np.where(use_m, installed * t["area0_m2"] / n_base * dfac_k, area)
    res_arr = {"L": labor, "C": capex, "A": area}
    for j, (kind, on) in enumerate(zip(t["extra"], t["extra_on"])):  # a few steps carry extra factors
        if not kind:
            continue
        f = np.broadcast_to(base[kind], shape + (1,))[..., 0] ** np.asarray(t["extra_exp"])[..., j]
        if has_m[..., j].any():  # the machine route sizes this step from its cycle time instead
            f = np.where(plant.machine_sizing > 0.5, 1.0, f)
        for key in on.upper():
            res_arr[key][..., j] *= f
        if kind == "formation_capacity":
            big = np.asarray(capacity_C, dtype=float) > plant.large_cell_C
            res_arr["C"][..., j] *= np.where(big & (plant.machine_sizing <= 0.5), plant.large_cell_capex_factor, 1.0)

    # Little's law in cell equivalents: cells built per second × time in the step (the flow entering the
    # cell steps, rejects included: see the module docstring)
    if count:
        cells_rate = ex(np.broadcast_to(drivers["cells_built"], shape)) * ex(out) / hours_s
        wip = np.where(has_m, littles_law_wip(cells_rate, t["cycle_time_s"]), np.nan)
    else:
        wip = np.full((), np.nan)

    def bc(x: Array) -> np.ndarray:
        return np.broadcast_to(np.asarray(x, dtype=float), np.broadcast_shapes(full, np.shape(x)))

    res = StepResults(
        names=tuple(t["name"]), driver=bc(drv_all), ratio=bc(ratio), labor_s=bc(labor), capex_usd=bc(capex), area_m2=bc(area),
        machines=bc(installed), utilisation=bc(utilisation), wip_cells=bc(wip), energy_J=bc(energy),
        cell_share=bc(t["cell_share"]), building=bc(t["building"]), driver_units=tuple(DRIVERS[d][1] for d in t["driver"]),
    )
    return res, out


def step_capacity_cells_per_h(cells_per_year: Array, utilisation: Array, plant: Plant) -> np.ndarray:
    """Capacity of each process step in accepted cells per hour: the accepted cells of a year over the step's
    utilisation and the plant's operating hours (NaN where the utilisation is unknown or zero).

    Parameters
    ----------
    cells_per_year : array_like
        Accepted cells per year (-).
    utilisation : array_like
        Utilisation of each step (-), e.g. ``StepResults.utilisation``.
    plant : Plant
        Operating days and hours per day.
    """
    u = np.asarray(utilisation, dtype=float)
    hours = np.asarray(plant.operating_days * plant.hours_per_day, dtype=float)
    ok = np.isfinite(u) & (u > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(ok, np.asarray(cells_per_year, dtype=float) / u / hours, np.nan)


def step_rows(steps: Sequence[ProcessStep] = DEFAULT_STEPS) -> list[dict[str, Any]]:
    """The steps as display-unit rows ``{column key: value}`` (NaN as None), for the Factory sheet.

    Driver quantities are in the driver's display unit (:data:`DRIVERS`): the baseline in kg, m²,
    counts or kWh per year, the energy in kWh per driver unit.

    Parameters
    ----------
    steps : sequence of ProcessStep
        Process steps (SI; default: BatPaC 5.0's 25 steps).
    """
    out = []
    for st in steps:
        row: dict[str, Any] = {}
        for s in specs(ProcessStep):
            v = getattr(st, s.name)
            if s.unit == "text":
                row[s.key] = v
                continue
            if s.name in _PER_DRIVER:
                drv = {"machine_baseline": st.machine_driver, "energy_J_per_unit": st.energy_driver}.get(s.name) or st.driver
                if s.name == "energy_J_per_unit":
                    v = float(to_display(float(v) * _driver_scale(drv), "kWh"))  # kWh per display unit of the driver
                else:
                    v = float(v) / _driver_scale(drv)
            else:
                v = float(s.from_si(v))
            row[s.key] = None if v != v else float(f"{v:.12g}")
        out.append(row)
    return out


__all__ = ["ProcessStep", "DEFAULT_STEPS", "driver_unit", "StepTable", "Plant", "StepResults", "DRIVERS", "EXTRAS",
           "size_plant", "bottleneck", "littles_law_wip", "steps_from_rows", "step_rows"]
