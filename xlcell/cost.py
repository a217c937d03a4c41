"""Manufacturing cost of a cell: BatPaC 5.0's roll-up, plus bottleneck, utilities, capital cost, sensitivity.

:func:`evaluate_cost` costs a population of :class:`~xlcell.cell.CellDesign` in one call:

1. cell format, energy and bill of materials per accepted cell (:mod:`xlcell.bom`);
2. annual volume drivers of the plant that makes ``Plant.plant_energy_J_yr`` of accepted cells;
3. every process step sized (:mod:`xlcell.factory`), the cell plant's share of labour, capital and
   floor area (BatPaC: electrode, assembly and formation steps, a third of the warehouse, the
   support steps, and the building capital in proportion to the cell plant's floor area);
4. the roll-up per accepted cell (reference digest ``shared/reference/batpac5.md`` section 6.2):
   labour = rate × hours / N; depreciation = (equipment / n_eq + building cost × area / n_b) / N;
   VOH = 0.4 labour + 0.2 depreciation; GSA = 0.25 (labour + VOH) + 0.25 depreciation;
   R&D = 0.4 depreciation; cell cost = materials + labour + VOH + depreciation + GSA + R&D.

Beyond BatPaC (each zero in BatPaC mode, :meth:`Factory.batpac5`, which reproduces BatPaC's $19.7548 per cell; by
default only the electricity price is not zero: 8.06 ¢/kWh, the U.S. industrial average of 2023, EIA):

* **cost of capital**: the capital charge uses the capital recovery factor
  CRF = r (1 + r)^n / ((1 + r)^n - 1); at r = 0 it is 1/n, i.e. BatPaC's straight line. The
  overhead rules keep using straight-line depreciation; the extra is reported as ``capital_interest``;
* **utilities**: energy per step × electricity price; **maintenance**: a share of equipment capital
  per year; **profit** and **warranty** at cell level (BatPaC has them off for cells);
* the line **bottleneck**, each step's utilisation, the line capacity and the work in process.

:func:`cost_sensitivity` gives the tornado table (the change of a metric for ±x % of every input)
from one vectorised call.
"""
from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Sequence

import numpy as np

from . import paramsets
from .bom import (BillOfMaterials, CellFormat, CellGeometry, MaterialPrices, MaterialYields, Slurry, _bom, _geometry,
                  resolve_prices)
from .cell import CellDesign, _map_cell, default_format, resolve
from .errors import InputError, ShapeError
from .formats import format_steps
from .factory import DEFAULT_STEPS, DRIVERS, Plant, ProcessStep, StepResults, StepTable, bottleneck, size_plant
from .params import ParamSpec, param, per_item, specs, whole_number

Array = Any

_EC = "Economics"


@dataclass(frozen=True, kw_only=True)
@paramsets.defaults("batpac5_default", "economics", over=("xlcell_default", "economics"))
class Economics:
    """Rates of the cost roll-up: BatPaC 5.0's (digest section 6.1, ``[economics]`` of
    ``xlcell/data/batpac5_default.toml``), except the electricity price, which BatPaC does not have: xlcell's default
    is the U.S. industrial average of 2023, 8.06 ¢/kWh (EIA; ``xlcell/data/xlcell_default.toml``). The other xlcell
    extras (cost of capital, maintenance, profit, warranty) default to BatPaC's 0. :meth:`batpac5` gives BatPaC's
    conventions (electricity 0), which reproduce BatPaC's $19.7548 per cell exactly."""

    labor_rate_usd_s: Array = field(metadata=param("Direct labour rate", "$/h", key="labor_rate_usd_h", ge=0, group=_EC))
    building_cost_usd_m2: Array = field(metadata=param("Building and land cost", "$/m²", key="building_cost_usd_m2", ge=0, group=_EC))
    equipment_life_yr: Array = field(metadata=param("Equipment life (depreciation)", "yr", key="equipment_life_yr", gt=0, le=100, group=_EC))
    building_life_yr: Array = field(metadata=param("Building life (depreciation)", "yr", key="building_life_yr", gt=0, le=200, group=_EC))
    cost_of_capital: Array = field(metadata=param(
        "Cost of capital (CRF rate; 0 = straight line)", "-", key="cost_of_capital", gt=-1, le=1, group=_EC))
    voh_labor: Array = field(metadata=param("Variable overhead, share of labour", "-", key="voh_labor", ge=0, le=10, group=_EC))
    voh_depreciation: Array = field(metadata=param("Variable overhead, share of depreciation", "-", key="voh_depreciation", ge=0, le=10, group=_EC))
    gsa_labor: Array = field(metadata=param("GSA, share of labour + VOH", "-", key="gsa_labor", ge=0, le=10, group=_EC))
    gsa_depreciation: Array = field(metadata=param("GSA, share of depreciation", "-", key="gsa_depreciation", ge=0, le=10, group=_EC))
    rnd_depreciation: Array = field(metadata=param("R&D, share of depreciation", "-", key="rnd_depreciation", ge=0, le=10, group=_EC))
    launch_materials: Array = field(metadata=param("Launch cost, share of annual materials", "-", key="launch_materials", ge=0, le=10, group=_EC, advanced=True))
    launch_labor: Array = field(metadata=param("Launch cost, share of annual labour + VOH", "-", key="launch_labor", ge=0, le=10, group=_EC, advanced=True))
    working_capital: Array = field(metadata=param("Working capital, share of annual variable cost", "-", key="working_capital", ge=0, le=10, group=_EC, advanced=True))
    profit_rate: Array = field(metadata=param("Profit, share of investment per year (BatPaC cell level: 0)", "-", key="profit_rate", ge=0, le=1, group=_EC))
    warranty_rate: Array = field(metadata=param("Warranty, share of cost + profit (BatPaC cell level: 0)", "-", key="warranty_rate", ge=0, le=1, group=_EC))
    electricity_usd_J: Array = field(metadata=param(
        "Electricity price (BatPaC: no utility line, 0)", "$/kWh", key="electricity_usd_kWh", ge=0, le=10, group=_EC))
    maintenance_rate: Array = field(metadata=param(
        "Maintenance, share of equipment capital per year (BatPaC: 0)", "-", key="maintenance_rate", ge=0, le=1, group=_EC))

    @classmethod
    def batpac5(cls, **changes: Array) -> "Economics":
        """BatPaC 5.0's conventions (``[economics]`` of ``batpac5_default.toml``): no utility line (electricity 0).

        Parameters
        ----------
        **changes : array_like
            Fields to set besides (SI, by field name).
        """
        return cls(**{**paramsets.table_values(cls, "batpac5_default", "economics"), **changes})


@dataclass(frozen=True, kw_only=True)
class Factory:
    """The factory: process steps, plant settings and economics."""

    steps: StepTable = field(default_factory=StepTable.from_steps)
    plant: Plant = field(default_factory=Plant)
    economics: Economics = field(default_factory=Economics)

    @classmethod
    def batpac5(cls) -> "Factory":
        """BatPaC 5.0's plant and conventions (BatPaC mode): the default steps and plant with :meth:`Economics.batpac5`;
        the default cell then costs $19.7548 (digest section 6.3)."""
        return cls(economics=Economics.batpac5())


#: what :func:`crf` accepts as a rate, with the hint for a rate typed in percent
CRF_RATE_ALLOWED = "a fraction between -1 (exclusive) and 1; enter the rate as a fraction, e.g. 0.08 for 8 %"


def crf(rate: Array, years: Array) -> Array:
    """Capital recovery factor CRF = r (1 + r)^n / ((1 + r)^n - 1); 1/n at r = 0.

    Parameters
    ----------
    rate : array_like
        Interest rate per year as a fraction, -1 < rate <= 1 (0.08 = 8 %; a rate above 1 is
        refused as a percentage typed by mistake).
    years : array_like
        Life in years (> 0).

    Returns
    -------
    array
        The annual payment per unit of capital. Accurate for small rates (uses ``expm1``/``log1p``)
        and free of overflow for long lives: with x = n ln(1 + r), CRF = r / (1 - e^-x) for r > 0
        and r e^x / (e^x - 1) for r < 0, each of which stays finite as |x| grows.
    """
    r = np.asarray(rate, dtype=float)
    n = np.asarray(years, dtype=float)
    ok_r = np.isfinite(r) & (r > -1) & (r <= 1)
    if not np.all(ok_r):
        raise InputError("rate", float(np.ravel(r)[np.flatnonzero(~np.ravel(ok_r))[0]]), CRF_RATE_ALLOWED)
    if not np.all(np.isfinite(n)) or np.any(n <= 0):
        raise InputError("years", float(np.ravel(n)[np.flatnonzero(~(np.isfinite(n) & (n > 0)))[0]]), "a number > 0")
    small = np.abs(r) < 1e-12
    rs = np.where(small, 1.0, r)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore", under="ignore"):
        x = n * np.log1p(rs)
        val = np.where(rs > 0, rs / -np.expm1(-x), rs * np.exp(x) / np.expm1(x))
    out = np.where(small, 1.0 / n, val)
    return out if out.ndim else float(out)


def _m(label: str, unit: str, key: str, doc: str = "") -> dict[str, Any]:
    return param(label, unit, key=key, doc=doc, group="Cost")


@dataclass(frozen=True, kw_only=True)
class CostMetrics:
    """Results of :func:`evaluate_cost` (SI; $ per accepted cell; the metadata gives key and unit)."""

    cell_cost_usd: Array = field(metadata=_m("Cell cost", "$", "cell_cost_usd"))
    cost_per_energy_usd_J: Array = field(metadata=_m("Cell cost per energy", "$/kWh", "cell_cost_usd_per_kWh"))
    materials_usd: Array = field(metadata=_m("Materials and purchased items", "$", "materials_usd"))
    labor_usd: Array = field(metadata=_m("Direct labour", "$", "labor_usd"))
    variable_overhead_usd: Array = field(metadata=_m("Variable overhead", "$", "variable_overhead_usd"))
    utilities_usd: Array = field(metadata=_m("Utilities (electricity)", "$", "utilities_usd"))
    variable_cost_usd: Array = field(metadata=_m("Total variable cost", "$", "variable_cost_usd"))
    depreciation_usd: Array = field(metadata=_m("Depreciation (straight line)", "$", "depreciation_usd"))
    capital_interest_usd: Array = field(metadata=_m("Cost of capital above straight line (CRF)", "$", "capital_interest_usd"))
    maintenance_usd: Array = field(metadata=_m("Maintenance", "$", "maintenance_usd"))
    gsa_usd: Array = field(metadata=_m("General, sales and administration", "$", "gsa_usd"))
    rnd_usd: Array = field(metadata=_m("Research and development", "$", "rnd_usd"))
    fixed_cost_usd: Array = field(metadata=_m("Total fixed expenses", "$", "fixed_cost_usd"))
    profit_usd: Array = field(metadata=_m("Profit", "$", "profit_usd"))
    warranty_usd: Array = field(metadata=_m("Warranty", "$", "warranty_usd"))
    overhead_usd: Array = field(metadata=_m("Overheads (VOH + GSA + R&D)", "$", "overhead_usd"))
    materials_share: Array = field(metadata=_m("Materials share of cell cost", "-", "materials_share"))
    capacity_C: Array = field(metadata=_m("Cell capacity", "Ah", "capacity_Ah"))
    nominal_voltage_V: Array = field(metadata=_m("Nominal voltage (C/3)", "V", "nominal_voltage_V"))
    cell_energy_J: Array = field(metadata=_m("Cell energy (nominal)", "Wh", "cell_energy_Wh"))
    cells_per_year: Array = field(metadata=_m("Accepted cells per year", "-", "cells_per_year"))
    cells_built_per_year: Array = field(metadata=_m("Cells built per year", "-", "cells_built_per_year"))
    cell_yield: Array = field(metadata=_m("Cell yield (accepted / built)", "-", "cell_yield"))
    bottleneck_step: Array = field(metadata=_m("Bottleneck step", "text", "bottleneck_step"))
    bottleneck_utilisation: Array = field(metadata=_m("Bottleneck utilisation", "-", "bottleneck_utilisation"))
    line_capacity_cells_yr: Array = field(metadata=_m("Line capacity, accepted cells per year", "-", "line_capacity_cells_yr"))
    wip_cells: Array = field(metadata=_m("Work in process (cell equivalents)", "-", "wip_cells",
                                         "Little's law at the flow of cells built (rejects included)"))
    cell_plant_labor_s_yr: Array = field(metadata=_m("Cell plant labour per year", "h", "cell_plant_labor_h_yr"))
    cell_plant_capex_usd: Array = field(metadata=_m("Cell plant capital equipment", "M$", "cell_plant_capex_musd"))
    cell_plant_area_m2: Array = field(metadata=_m("Cell plant floor area", "m²", "cell_plant_area_m2"))
    investment_usd: Array = field(metadata=_m("Cell plant investment", "M$", "investment_musd"))
    energy_use_per_energy: Array = field(metadata=_m("Factory energy use per cell energy (kWh/kWh)", "-", "energy_use_kWh_per_kWh"))
    pos_am_price_usd_kg: Array = field(metadata=_m(
        "Positive active-material price used", "$/kg", "pos_am_price_usd_per_kg",
        "the typed pos_am_usd_kg, or the design's material at its library price (NMC811 $26/kg, LFP $10/kg, ...)"))
    neg_am_price_usd_kg: Array = field(metadata=_m(
        "Negative active-material price used", "$/kg", "neg_am_price_usd_per_kg",
        "the typed neg_am_usd_kg, or the design's material at its library price (graphite $10/kg, LTO $15/kg)"))

    def as_display(self) -> dict[str, Any]:
        """``{Excel key: value in display units}`` in field order."""
        return {s.key: (getattr(self, s.name) if s.unit in ("bool", "text") else s.from_si(getattr(self, s.name))) for s in specs(self)}


@dataclass(frozen=True)
class CostDetails:
    """Everything :func:`cost_details` computes: the metrics, BOM, geometry, steps and drivers."""

    metrics: CostMetrics
    bom: BillOfMaterials
    geometry: CellGeometry
    steps: StepResults
    drivers: dict[str, np.ndarray] = field(metadata=per_item(
        "Annual drivers at the plant's output", key="drivers", units={k: u for k, (_, u) in DRIVERS.items()}))


def _check(obj: Any, prefix: str = "") -> None:
    for s in specs(obj):
        s.check(getattr(obj, s.name), prefix + s.key)



def _step_row(x: np.ndarray) -> np.ndarray:
    """``x`` of shape ``(..., K)``, or its one row of K step values where it is that row broadcast over the designs
    (the step table's columns in :class:`~xlcell.factory.StepResults`): the same values, each step's a number."""
    if x.ndim >= 2 and x.size and not any(x.strides[:-1]):
        return x[(0,) * (x.ndim - 1)]
    return x


def plant_share(steps: StepResults, share: Array) -> tuple[Array, Array, Array, Array]:
    """The labour (s/yr), capital ($), floor area (m²) and energy (J/yr) of one level of the plant (BatPaC, digest
    §5.5): each step's share of its labour, area, energy and capital, and the building capital (steps with
    ``building`` = 1) in proportion to the level's share of the floor area.

    Parameters
    ----------
    steps : StepResults
        The sized steps (:func:`xlcell.factory.size_plant`).
    share : array_like
        Each step's share at this level, shape ``(..., K)``: ``cell_share`` for the cell plant, ``module_share`` for
        the module plant (cumulative), 1 for the pack plant (the whole plant).
    """
    share = _step_row(np.asarray(share, dtype=float))
    bld = _step_row(np.asarray(steps.building, dtype=float))
    k = np.shape(steps.labor_s)[-1]

    def total(*xs: Array) -> np.ndarray:  # Σ over the steps of the product of xs, step by step in the steps' order
        xs = tuple(np.asarray(x, dtype=float) for x in xs)
        if k == 0:  # no steps: 0
            return np.zeros(np.broadcast_shapes(*(x.shape[:-1] for x in xs)))
        # step by step, strictly in order (no pairwise summation): ((p0 + p1) + p2) + ..., each step's product
        # element by element, left to right: a running sum (np.add.accumulate) along the step axis laid out first,
        # so that the pass runs over the designs contiguously; a factor of 1 changes no product, bit for bit
        shape = np.broadcast_shapes(*(x.shape for x in xs))
        prod = xs[0]
        for x in xs[1:]:
            prod = prod * x
        run = np.add.accumulate(np.moveaxis(np.broadcast_to(prod, shape), -1, 0), axis=0)
        return np.array(run[-1])

    # the sums run over the steps in their order whatever the arrays' memory layout (size_plant keeps each step's
    # column contiguous), so a block of designs gives the numbers of the whole population bit for bit
    labor_s = total(share, steps.labor_s)
    area = total(share, steps.area_m2)
    total_area = total(steps.area_m2)
    with np.errstate(invalid="ignore", divide="ignore"):
        area_share = np.where(total_area > 0, area / total_area, 0.0)
    capex = total(share, steps.capex_usd, 1.0 - bld) + total(bld, steps.capex_usd) * area_share
    energy_use = total(share, steps.energy_J)
    return labor_s, capex, area, energy_use


def rollup(materials: Array, labor_s: Array, capex: Array, area: Array, energy_use: Array, n: Array, econ: Economics,
           profit_rate: Array, warranty_rate: Array) -> dict[str, Array]:
    """BatPaC's cost roll-up per unit (digest §6.2) of one level: a cell, a module or a pack.

    labour = rate × hours / N; depreciation = (equipment / n_eq + building cost × area / n_b) / N;
    VOH = 0.4 labour + 0.2 depreciation; GSA = 0.25 (labour + VOH) + 0.25 depreciation; R&D = 0.4 depreciation;
    investment = equipment + building + launch + working capital; profit = rate × investment / N;
    warranty = rate × (variable + fixed + profit). xlcell's extras (utilities, maintenance, the cost of capital on
    top of straight-line depreciation) follow :class:`Economics`.

    Parameters
    ----------
    materials : array_like
        Materials and purchased items per unit ($).
    labor_s, capex, area, energy_use : array_like
        The level's labour (s/yr), capital equipment ($), floor area (m²) and energy (J/yr): :func:`plant_share`.
    n : array_like
        Units made per year (accepted cells, modules or packs).
    econ : Economics
        The rates.
    profit_rate, warranty_rate : array_like
        Profit (share of the investment per year) and warranty (share of cost + profit) at this level.

    Returns
    -------
    dict
        $ per unit: ``materials``, ``labor``, ``voh``, ``utilities``, ``variable``, ``depreciation``, ``charge`` (the
        capital charge, = depreciation at a zero cost of capital), ``maintenance``, ``gsa``, ``rnd``, ``fixed``,
        ``profit``, ``warranty``, ``total``; ``investment`` and ``building`` in $ for the level's plant.
    """
    e = econ
    M = materials
    building_usd = e.building_cost_usd_m2 * area
    Lb = e.labor_rate_usd_s * labor_s / n
    dep = (capex / e.equipment_life_yr + building_usd / e.building_life_yr) / n
    charge = (crf(e.cost_of_capital, e.equipment_life_yr) * capex + crf(e.cost_of_capital, e.building_life_yr) * building_usd) / n
    charge = np.where(np.asarray(e.cost_of_capital) == 0, dep, charge)  # straight line: no rounding residue of 1/n
    voh = e.voh_labor * Lb + e.voh_depreciation * dep
    util = e.electricity_usd_J * energy_use / n
    maint = e.maintenance_rate * capex / n
    gsa = e.gsa_labor * (Lb + voh) + e.gsa_depreciation * dep
    rnd = e.rnd_depreciation * dep
    variable = M + Lb + voh + util
    fixed = charge + maint + gsa + rnd
    launch = e.launch_materials * M + e.launch_labor * (Lb + voh)
    investment = capex + building_usd + (launch + e.working_capital * variable) * n
    profit = profit_rate * investment / n
    warranty = warranty_rate * (variable + fixed + profit)
    return dict(materials=M, labor=Lb, voh=voh, utilities=util, variable=variable, depreciation=dep, charge=charge,
                maintenance=maint, gsa=gsa, rnd=rnd, fixed=fixed, profit=profit, warranty=warranty,
                total=variable + fixed + profit + warranty, investment=investment, building=building_usd)


@functools.lru_cache(maxsize=1)
def _default_factory() -> Factory:
    """``Factory()`` (BatPaC 5.0's plant), built once: the cost model's default, its step table read-only (the
    model never writes into a step table; a copy is made where one changes)."""
    fac = Factory()
    for v in fac.steps.columns.values():
        if isinstance(v, np.ndarray):
            v.flags.writeable = False
    return fac


#: the factories (with their cell format) already checked:
#: ``{(id(factory), id(fmt)): (factory, fmt, (step table, broadcast shape of the factory's inputs))}``
_FACTORIES_CHECKED: dict[tuple[int, int], tuple[Any, Any, tuple[StepTable, tuple[int, ...]]]] = {}
_FACTORIES_KEPT = 8


def _checked_factory(fac: Factory, fmt: CellFormat | None) -> tuple[StepTable, tuple[int, ...]]:
    """The plant and economics of ``fac`` checked and its step table for ``fmt`` (:func:`xlcell.formats.format_steps`)
    validated, with the broadcast shape of the plant, economics, format and step-table inputs (:func:`_input_shape`),
    once per (factory, format) pair: an optimiser or a Pareto front costs the same factory at every model call, so
    the checks (which depend on the factory and the format only) are not repeated. Keyed on the objects' identity
    (both frozen; the cache holds them, so an id is not reused while its entry lives); the last
    :data:`_FACTORIES_KEPT` pairs are kept."""
    key = (id(fac), id(fmt))
    hit = _FACTORIES_CHECKED.get(key)
    if hit is not None and hit[0] is fac and hit[1] is fmt:
        return hit[2]
    _check(fac.plant)
    _check(fac.economics)
    table = format_steps(fac.steps, fmt)  # a can format's winding, can and sealing steps (xlcell.formats)
    table.validate()
    can = getattr(fmt, "can", None)
    objs = [o for o in (fac.plant, fac.economics, fmt, can) if o is not None]
    shape = np.broadcast_shapes(*[np.shape(getattr(o, s.name)) for o in objs for s in specs(o)],
                                *[np.shape(v)[:-1] for v in table.columns.values() if not isinstance(v, tuple)])
    for old in list(_FACTORIES_CHECKED)[:max(0, len(_FACTORIES_CHECKED) - _FACTORIES_KEPT + 1)]:  # the oldest
        _FACTORIES_CHECKED.pop(old, None)
    _FACTORIES_CHECKED[key] = (fac, fmt, (table, shape))
    return table, shape


def _checked(design: CellDesign, factory: Factory | None, prices: MaterialPrices | None, fmt: CellFormat | None,
             yields: MaterialYields | None, slurry: Slurry | None, calendering: Mapping[str, Any] | None,
             ) -> dict[str, Any]:
    """The cost model's inputs, each checked once: the design resolved (:func:`xlcell.cell.resolve`), the plant and
    economics checked, the format's step table validated, the blank active-material prices resolved."""
    fac = factory or _default_factory()
    table, factory_shape = _checked_factory(fac, fmt)
    d = resolve(design)
    prices = resolve_prices(d, prices)  # the design's own active materials unless a price is typed
    return dict(d=d, plant=fac.plant, econ=fac.economics, table=table, prices=prices, fmt=fmt, yields=yields,
                slurry=slurry, calendering=calendering, factory_shape=factory_shape)


#: the cost metrics read from the bottleneck analysis (each step's capacity): computed only when asked for
_BOTTLENECK = frozenset({"bottleneck_step", "bottleneck_utilisation", "line_capacity_cells_yr"})


def _core(x: Mapping[str, Any], names: Sequence[str], shape: tuple[int, ...] = (),
          details: bool = True) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """The cost metrics ``names`` (field names of :class:`CostMetrics`, SI) of checked inputs (:func:`_checked`), and
    the intermediate results (``bom``, ``geometry``, ``steps``, ``drivers``); one vectorised evaluation. The metrics
    take the shape of the results broadcast with ``shape`` (the inputs' shape: an input that moves no cost still
    gives one row per design). ``details`` False: the steps' drivers and ratios (display only) are not written."""
    d, plant, econ, table, prices = x["d"], x["plant"], x["econ"], x["table"], x["prices"]
    fmt, yields, slurry, calendering = x["fmt"], x["yields"], x["slurry"], x["calendering"]
    y_cell = np.prod(table.cell_yield, axis=-1)

    # the cell model's chain sets the cell energy (the same as evaluate_cell's), hence the target cell count; the
    # hardware price scale depends on it
    geometry = _geometry(d, fmt or default_format(), calendering)
    assembly = geometry[1]["assembly_cost_factor"]  # a can format's per-cell assembly cost (pouch: 1)
    n_target = plant.plant_energy_J_yr / geometry[0].energy_J
    bom, geo = _bom(d, geometry, n_target / y_cell, y_cell, prices, yields, slurry)
    pa = bom.per_accepted

    def drivers_for(n_acc: Array) -> dict[str, Array]:
        n_built = n_acc / y_cell
        ea = n_built * (geo.pos_area_m2 + geo.neg_area_m2)
        modules = n_acc / plant.cells_per_module
        return dict(
            pos_am_kg=n_acc * pa["pos_am"], neg_am_kg=n_acc * pa["neg_am"],
            pos_area_m2=n_built * geo.pos_area_m2, neg_area_m2=n_built * geo.neg_area_m2, electrode_area_m2=ea,
            cells_built=n_built, sheets=n_built * geo.stacked_sheets, assembly_cells=n_built * assembly,
            dry_room=np.maximum(n_built * assembly / plant.baseline_cells_built, ea / plant.baseline_electrode_area_m2),
            modules=modules, packs=modules / plant.modules_per_pack, energy_J=n_acc * geo.energy_J,
            nmp_kg=n_acc * pa["pos_solvent"], water_kg=n_acc * pa["neg_solvent"],
        )

    steps, out = size_plant(drivers_for(n_target), geo.capacity_C, table, plant,
                            machines=bool(_BOTTLENECK & set(names)) or "wip_cells" in names, details=details)
    n_acc = n_target * out
    if np.any(out < 1.0):  # the line cannot make the target: hardware scale at the real output
        bom, geo = _bom(d, geometry, n_acc / y_cell, y_cell, prices, yields, slurry)
    drivers = {k: np.asarray(v, dtype=float) for k, v in drivers_for(n_acc).items()}
    n_built = n_acc / y_cell

    labor_s, capex, area, energy_use = plant_share(steps, steps.cell_share)
    r = rollup(bom.total_usd, labor_s, capex, area, energy_use, n_acc, econ, econ.profit_rate, econ.warranty_rate)
    total = r["total"]
    shapes = [np.shape(total), np.shape(labor_s), shape]
    bn: tuple[Array, Array, Array] | None = None
    if _BOTTLENECK & set(names):
        util_k = steps.utilisation
        has = np.isfinite(util_k)
        if has.any():
            with np.errstate(divide="ignore", invalid="ignore"):
                cap_k = np.where(has, np.asarray(n_acc)[..., None] / util_k, np.nan)  # each step's capacity, accepted cells/yr
            cap_k = np.broadcast_to(cap_k, util_k.shape)
            bn_name, bn_cap = bottleneck(steps.names, cap_k)
            bn = (bn_name, bn_cap, n_acc / bn_cap)
        else:
            shp = np.shape(total)
            bn = (np.full(shp, "", dtype=object), np.full(shp, np.nan), np.full(shp, np.nan))
        shapes.append(np.shape(bn[2]))
    shape = np.broadcast_shapes(*shapes)
    Lb, dep, voh, gsa, rnd = r["labor"], r["depreciation"], r["voh"], r["gsa"], r["rnd"]
    value: dict[str, Callable[[], Array]] = dict(
        cell_cost_usd=lambda: total, cost_per_energy_usd_J=lambda: total / geo.energy_J,
        materials_usd=lambda: r["materials"], labor_usd=lambda: Lb, variable_overhead_usd=lambda: voh,
        utilities_usd=lambda: r["utilities"], variable_cost_usd=lambda: r["variable"], depreciation_usd=lambda: dep,
        capital_interest_usd=lambda: r["charge"] - dep, maintenance_usd=lambda: r["maintenance"], gsa_usd=lambda: gsa,
        rnd_usd=lambda: rnd, fixed_cost_usd=lambda: r["fixed"], profit_usd=lambda: r["profit"],
        warranty_usd=lambda: r["warranty"], overhead_usd=lambda: voh + gsa + rnd,
        materials_share=lambda: r["materials"] / total, capacity_C=lambda: geo.capacity_C,
        nominal_voltage_V=lambda: geo.nominal_voltage_V, cell_energy_J=lambda: geo.energy_J,
        cells_per_year=lambda: n_acc, cells_built_per_year=lambda: n_built, cell_yield=lambda: y_cell,
        bottleneck_utilisation=lambda: bn[2], line_capacity_cells_yr=lambda: bn[1],
        wip_cells=lambda: np.nansum(steps.cell_share * steps.wip_cells, axis=-1),
        cell_plant_labor_s_yr=lambda: labor_s, cell_plant_capex_usd=lambda: capex, cell_plant_area_m2=lambda: area,
        investment_usd=lambda: r["investment"], energy_use_per_energy=lambda: energy_use / (n_acc * geo.energy_J),
        pos_am_price_usd_kg=lambda: prices.pos_am_usd_kg, neg_am_price_usd_kg=lambda: prices.neg_am_usd_kg,
    )
    vals = {}
    for name in names:
        if name == "bottleneck_step":
            vals[name] = np.broadcast_to(np.asarray(bn[0], dtype=object), shape).copy()
        else:
            vals[name] = np.broadcast_to(np.asarray(value[name](), dtype=float), shape).copy()
    return vals, dict(bom=bom, geometry=geo, steps=steps, drivers=drivers)


def cost_details(
    design: CellDesign,
    factory: Factory | None = None,
    prices: MaterialPrices | None = None,
    *,
    fmt: CellFormat | None = None,
    yields: MaterialYields | None = None,
    slurry: Slurry | None = None,
    calendering: Mapping[str, Any] | None = None,
) -> CostDetails:
    """Cost a population of designs and keep every intermediate result (see :func:`evaluate_cost`), in one
    vectorised call (not chunked: the per-step results are kept).

    Parameters
    ----------
    design : CellDesign
        Designs (SI; every field broadcasts).
    factory : Factory, optional
        Process steps, plant and economics (default: BatPaC 5.0's 50 GWh/yr plant).
    prices : MaterialPrices, optional
        Material prices (default: BatPaC 5.0's; the active materials at the design's materials' library prices).
    fmt, yields, slurry : optional
        Cell format, material yields, slurry solvents (BatPaC 5.0 defaults).
    calendering : mapping, optional
        The calendering context of the coatings' electronic conductivity (:func:`xlcell.cell.evaluate_cell`).
    """
    vals, more = _core(_checked(design, factory, prices, fmt, yields, slurry, calendering), COST_NAMES)
    return CostDetails(metrics=CostMetrics(**vals), **more)


#: the field names of :class:`CostMetrics`, in order
COST_NAMES: tuple[str, ...] = tuple(s.name for s in specs(CostMetrics))
_BY_KEY = {s.key: s.name for s in specs(CostMetrics)}


def cost_item_names(items: Iterable[str] | None) -> tuple[str, ...]:
    """The :class:`CostMetrics` field names of ``items`` (field names or Excel keys; None: every metric), in
    :class:`CostMetrics` order.

    Parameters
    ----------
    items : iterable of str or None
        Cost metrics by field name (``cost_per_energy_usd_J``) or Excel key (``cell_cost_usd_per_kWh``).
    """
    if items is None:
        return COST_NAMES
    want = set()
    for k in items:
        name = k if k in COST_NAMES else _BY_KEY.get(k)
        if name is None:
            from .errors import UnknownKeyError

            raise UnknownKeyError(str(k), list(_BY_KEY), "cost metric")
        want.add(name)
    return tuple(n for n in COST_NAMES if n in want)


def _input_shape(x: Mapping[str, Any]) -> tuple[int, ...]:
    """The broadcast shape of every input of checked cost inputs (the designs, every array field of the plant,
    economics, prices, format, yields and slurry, the step columns but their step axis, the calendering arrays)."""
    d = x["d"]
    shapes = [np.shape(getattr(o, s.name)) for o in (d, d.pos, d.neg, d.sep) for s in specs(o)]
    fixed = x.get("factory_shape")  # the plant's, economics', format's and step table's (:func:`_checked_factory`)
    if fixed is None:
        for o in _objects(x):
            shapes += [np.shape(getattr(o, s.name)) for s in specs(o)]
        shapes += [np.shape(v)[:-1] for v in x["table"].columns.values() if not isinstance(v, tuple)]
    else:
        shapes.append(fixed)
        shapes += [np.shape(getattr(o, s.name)) for o in (x["prices"], x["yields"], x["slurry"]) if o is not None
                   for s in specs(o)]
    shapes += [np.shape(v) for v in dict(x["calendering"] or {}).values() if isinstance(v, np.ndarray)]
    return np.broadcast_shapes(*shapes)


def _objects(x: Mapping[str, Any]) -> list[Any]:
    objs = [x[k] for k in ("plant", "econ", "prices", "fmt", "yields", "slurry") if x[k] is not None]
    can = getattr(x["fmt"], "can", None)
    return objs + ([can] if can is not None else [])


def _sliced(x: Mapping[str, Any], shape: tuple[int, ...], start: int, stop: int) -> dict[str, Any]:
    """Checked cost inputs (:func:`_checked`) for the designs ``start .. stop`` of their broadcast ``shape`` (flat,
    C order): every array input broadcast to ``shape`` and sliced along it (a view where it can be), a single value
    kept as one value, each step column sliced on its design axes; the result is one-dimensional."""
    if len(shape) == 1:
        idx: Any = slice(start, stop)
    else:
        idx = np.unravel_index(np.arange(start, stop), shape)

    def take(v: Any) -> Any:
        a = np.asarray(v)
        if a.size == 1:
            return a.reshape(()) if isinstance(v, np.ndarray) else v
        return np.broadcast_to(a, shape)[idx]

    def obj(o: Any) -> Any:
        return None if o is None else dataclasses.replace(o, **{s.name: take(getattr(o, s.name)) for s in specs(o)})

    cols = {}
    for k, v in x["table"].columns.items():
        a = v if isinstance(v, tuple) else np.asarray(v)
        if isinstance(a, np.ndarray) and a.ndim > 1:
            a = a.reshape(a.shape[-1:]) if a.size == a.shape[-1] else np.broadcast_to(a, shape + a.shape[-1:])[idx]
        cols[k] = a
    fmt = obj(x["fmt"])
    if fmt is not None and fmt.can is not None:
        fmt = dataclasses.replace(fmt, can=obj(fmt.can))
    cal = x["calendering"]
    if cal is not None:
        cal = {k: take(v) if isinstance(v, np.ndarray) else v for k, v in cal.items()}
    return dict(d=_map_cell(x["d"], take), plant=obj(x["plant"]), econ=obj(x["econ"]), table=StepTable(cols),
                prices=obj(x["prices"]), fmt=fmt, yields=obj(x["yields"]), slurry=obj(x["slurry"]), calendering=cal)


def cost_values(
    design: CellDesign,
    factory: Factory | None = None,
    prices: MaterialPrices | None = None,
    *,
    fmt: CellFormat | None = None,
    yields: MaterialYields | None = None,
    slurry: Slurry | None = None,
    calendering: Mapping[str, Any] | None = None,
    items: Iterable[str] | None = None,
    chunk: int | None = None,
) -> dict[str, np.ndarray]:
    """The cost metrics ``items`` of a population of designs (what :func:`evaluate_cost` computes, only the
    metrics asked for), chunked to a bounded memory footprint.

    Every input is checked once. A population of more than ``chunk`` designs (the broadcast shape of ALL inputs:
    the designs, and any price, plant, economics, format, yield, slurry field, step column or calendering value
    given as an array) is evaluated in blocks of ``chunk`` designs: each array input is broadcast to that shape
    and sliced per block, so a block's per-step arrays (designs × steps) stay in cache-sized memory whatever is an
    array. The blocks' results are the unchunked call's (each design's numbers depend on its own inputs only).

    Parameters
    ----------
    design : CellDesign
        Designs (SI; every field broadcasts).
    factory : Factory, optional
        Process steps, plant and economics (default: BatPaC 5.0's 50 GWh/yr plant).
    prices : MaterialPrices, optional
        Material prices (default: BatPaC 5.0's; the active materials at the design's materials' library prices).
    fmt, yields, slurry : optional
        Cell format, material yields, slurry solvents (BatPaC 5.0 defaults).
    calendering : mapping, optional
        The calendering context of the coatings' electronic conductivity (:func:`xlcell.cell.evaluate_cell`).
    items : iterable of str, optional
        The metrics (:class:`CostMetrics` field names or Excel keys; default: all). The bottleneck metrics and the
        work in process are computed only when asked for.
    chunk : int, optional
        Designs per block (default :data:`CHUNK`).

    Returns
    -------
    dict
        ``{CostMetrics field name: array of the inputs' broadcast shape}`` (SI), in :class:`CostMetrics` order.
    """
    names = cost_item_names(items)
    x = _checked(design, factory, prices, fmt, yields, slurry, calendering)
    block = CHUNK if chunk is None else whole_number(chunk, "chunk", 1)
    shape = _input_shape(x)
    size = int(np.prod(shape))
    if size <= block:
        return _core(x, names, shape, details=False)[0]
    parts = [_core(_sliced(x, shape, a, min(a + block, size)), names, (min(a + block, size) - a,), details=False)[0]
             for a in range(0, size, block)]
    return {k: np.concatenate([p[k] for p in parts]).reshape(shape) for k in names}


def evaluate_cost(
    design: CellDesign,
    factory: Factory | None = None,
    prices: MaterialPrices | None = None,
    *,
    fmt: CellFormat | None = None,
    yields: MaterialYields | None = None,
    slurry: Slurry | None = None,
    calendering: Mapping[str, Any] | None = None,
) -> CostMetrics:
    """Manufacturing cost of a population of cell designs, in one vectorised call.

    Parameters
    ----------
    design : CellDesign
        Designs (SI; every field broadcasts). The positive electrode area and the electrodes set the
        capacity; BatPaC's pouch format (``fmt``) sets the geometry and hardware. The cell energy is the cell
        model's rated energy (:func:`xlcell.cell.chain`): by default its voltage follows the design's ASI;
        ``fmt=xlcell.pouch.batpac_format()`` rates it with BatPaC 5.0's fixed couple ASI (BatPaC's $19.7548 per cell
        for its default cell).
    factory : Factory, optional
        Process steps, plant and economics (default: BatPaC 5.0's 50 GWh/yr plant).
    prices : MaterialPrices, optional
        Material prices (default: BatPaC 5.0's; the active materials at the design's materials' library prices).
    fmt, yields, slurry : optional
        Cell format, material yields, slurry solvents (BatPaC 5.0 defaults).
    calendering : mapping, optional
        The calendering context of the coatings' electronic conductivity (:func:`xlcell.cell.evaluate_cell`).

    Returns
    -------
    CostMetrics
        $ per accepted cell and per kWh, the cost lines, the bottleneck and plant figures, as
        arrays of the designs' broadcast shape (SI; ``.as_display()`` for Excel keys and units).

    Notes
    -----
    Large populations (more than :data:`CHUNK` designs in the broadcast shape of all inputs, whichever of the
    designs, prices, factory, format, yields or slurry are arrays) are evaluated in blocks of :data:`CHUNK`
    designs, each block vectorised, to keep the per-step arrays (designs × steps) in cache-sized memory
    (:func:`cost_values`, which also computes a subset of the metrics).
    """
    return CostMetrics(**cost_values(design, factory, prices, fmt=fmt, yields=yields, slurry=slurry,
                                     calendering=calendering))


#: Block size (designs) of :func:`evaluate_cost` for large populations: a block's per-step arrays (designs × 25 steps,
#: 3.3 MB) stay below the 4 MiB from which numpy asks the system for fresh (huge, zeroed) pages at every allocation
CHUNK = 16384


# ---------------------------------------------------------------------------------------------
# Sensitivity (tornado)

#: Design inputs perturbed by :func:`cost_sensitivity`: (object, field name, key prefix).
SENSITIVITY_DESIGN_FIELDS: tuple[tuple[str, str], ...] = (
    ("pos", "thickness_m"), ("pos", "porosity"), ("pos", "specific_capacity_C_kg"), ("pos", "am_density_kg_m3"),
    ("pos", "potential_V"), ("pos", "foil_thickness_m"),
    ("neg", "porosity"), ("neg", "specific_capacity_C_kg"), ("neg", "am_density_kg_m3"), ("neg", "foil_thickness_m"),
    ("sep", "thickness_m"), ("sep", "porosity"), ("cell", "np_ratio"), ("cell", "electrode_area_m2"),
)
_FMT_FIELDS = ("cell_thickness_m", "asi_electrochemical_ohm_m2", "aspect_ratio")
_PLANT_FIELDS = ("plant_energy_J_yr", "operating_days")


#: Potentials and voltages (inputs in V) move by this absolute step in :func:`cost_sensitivity`, not by ±x %:
#: ±10 % of a 3.8 V electrode potential (±0.38 V) is a different chemistry, not a sensitivity.
SENSITIVITY_VOLTAGE_STEP_V = 0.05


@dataclass(frozen=True)
class Tornado:
    """The tornado table of :func:`cost_sensitivity`, sorted by swing (largest first).

    A table the kernel hands over in display units (it ranks the swings in the metric's display unit):
    ``low_input``/``high_input`` are the perturbed input values in each input's unit (``input_units``, bounded by the
    input's allowed range), ``low``/``high`` the metric at those values in ``unit``.
    """

    keys: tuple[str, ...] = field(metadata=param("Input", "text", key="input"))
    labels: tuple[str, ...] = field(metadata=param("Label", "text", key="label"))
    base_input: np.ndarray = field(metadata=per_item("Input at the base", key="base_input", units="input_units",
                                                     display=True))
    low_input: np.ndarray = field(metadata=per_item("Input, low", key="low_input", units="input_units", display=True))
    high_input: np.ndarray = field(metadata=per_item("Input, high", key="high_input", units="input_units", display=True))
    low: np.ndarray = field(metadata=per_item("Metric at the low input", key="low", units="unit", display=True))
    high: np.ndarray = field(metadata=per_item("Metric at the high input", key="high", units="unit", display=True))
    base: float = field(metadata=per_item("Metric at the base", key="base", units="unit", display=True))
    metric: str = field(metadata=param("Cost metric (CostMetrics key)", "text", key="metric"))
    input_units: tuple[str, ...] = field(metadata=param("Display unit of each input", "text", key="input_unit"))
    unit: str = field(metadata=param("Display unit of the metric", "text", key="unit"))
    fraction: float = field(default=0.1, metadata=param(
        "Relative change of each input", "%", key="fraction_pct", doc="yields move by this share of their loss"))
    voltage_step_V: float = field(default=SENSITIVITY_VOLTAGE_STEP_V, metadata=param(
        "Step of each potential (instead of the relative change)", "mV", key="voltage_step_mV"))

    @property
    def swing(self) -> np.ndarray:
        return np.abs(self.high - self.low)


def _bounded(spec: ParamSpec, v: float, x: float) -> float:
    """The perturbed value ``x`` (SI), or the nearest allowed value (or ``v`` when a strict bound is crossed)."""
    d = float(spec.from_si(x))
    if spec.le is not None and d > spec.le:
        return float(spec.to_si(spec.le))
    if spec.ge is not None and d < spec.ge:
        return float(spec.to_si(spec.ge))
    if (spec.lt is not None and d >= spec.lt) or (spec.gt is not None and d <= spec.gt):
        return v
    return x


def cost_sensitivity(
    design: CellDesign,
    fraction: float = 0.1,
    factory: Factory | None = None,
    prices: MaterialPrices | None = None,
    *,
    fmt: CellFormat | None = None,
    yields: MaterialYields | None = None,
    slurry: Slurry | None = None,
    metric: str = "cell_cost_usd_per_kWh",
    calendering: Mapping[str, Any] | None = None,
) -> Tornado:
    """Change of a cost metric for ±``fraction`` of every input, in one vectorised evaluation.

    Inputs perturbed: the design inputs of :data:`SENSITIVITY_DESIGN_FIELDS`, the cell thickness,
    energy ASI and aspect ratio of the format, every material price, material yield and slurry
    ratio, the plant output and operating days, every economics rate, and each process step's
    capital, labour and floor area and cell yield. Inputs whose base value is 0 are left out.
    Potentials (inputs in V, the positive electrode's mean potential) move by
    ±:data:`SENSITIVITY_VOLTAGE_STEP_V` (50 mV) instead of ±``fraction``: a relative change of a
    potential is not a meaningful sensitivity (±10 % of 3.81 V is ±0.38 V, another chemistry).
    Yields (material yields and the steps' cell yields) move by ±``fraction`` of their loss 1 - y
    (0.95 -> 0.945 and 0.955 at ±10 %), not of the yield: -10 % of a 0.99 yield would be eleven
    times the scrap, and +10 % would pass the bound of 1. The low side is the lower input value
    (for a yield, the higher loss). Perturbed values are kept within each input's allowed range.

    All 2 × (number of inputs) + 1 cases (the base, then each input low and high) are one
    population of designs costed by a single :func:`evaluate_cost` call.

    Parameters
    ----------
    design : CellDesign
        One design (scalar fields).
    fraction : float
        Relative perturbation (0.1 = ±10 %), in (0, 1).
    factory : Factory, optional
        Process steps, plant and economics (default: BatPaC 5.0's 50 GWh/yr plant).
    prices : MaterialPrices, optional
        Material prices (default: BatPaC 5.0's; the active materials at the design's materials' library prices).
    fmt, yields, slurry : optional
        Cell format, material yields, slurry solvents (BatPaC 5.0 defaults).
    metric : str
        A key of :class:`CostMetrics` (default ``cell_cost_usd_per_kWh``).
    calendering : mapping, optional
        The calendering context of the coatings' electronic conductivity (:func:`xlcell.cell.evaluate_cell`).

    Returns
    -------
    Tornado
    """
    if not (0.0 < float(fraction) < 1.0):
        raise InputError("fraction", fraction, "a number between 0 and 1 (exclusive)")
    mspec = {s.key: s for s in specs(CostMetrics)}
    if metric not in mspec or mspec[metric].unit == "text":
        from .errors import UnknownKeyError

        raise UnknownKeyError(metric, [k for k, s in mspec.items() if s.unit != "text"], "cost metric")
    d = resolve(design)
    if any(np.size(getattr(o, s.name)) != 1 for o in (d, d.pos, d.neg, d.sep) for s in specs(o)):
        raise ShapeError("design", "an array of designs", "one design for a sensitivity table")
    fac = factory or Factory()
    objs: dict[str, Any] = dict(cell=design, pos=design.pos, neg=design.neg, sep=design.sep, fmt=fmt or CellFormat(),
                                prices=resolve_prices(d, prices), yields=yields or MaterialYields(),
                                slurry=slurry or Slurry(), plant=fac.plant, econ=fac.economics)
    prefix = dict(cell="", pos="pos_", neg="neg_", sep="sep_", fmt="", prices="", yields="", slurry="", plant="", econ="")
    entries: list[tuple[str, str, str, Any, ParamSpec, float, str]] = []  # obj, field, key, step, spec, base, label

    def add(obj: str, name: str, step: int | None = None) -> None:
        sp = {s.name: s for s in specs(ProcessStep if obj == "steps" else objs[obj])}[name]
        if obj == "steps":
            v = float(np.asarray(fac.steps.columns[name])[..., step].ravel()[0])
            key, label = f"{sp.key}: {fac.steps.names[step]}", f"{sp.label}: {fac.steps.names[step]}"
        else:
            v = float(np.asarray(getattr(objs[obj], name)).ravel()[0])
            side = {"pos": "Positive: ", "neg": "Negative: "}.get(obj, "")
            key, label = prefix[obj] + sp.key, side + sp.label
        if v == 0.0 or not np.isfinite(v) or ((obj == "yields" or name == "cell_yield") and v >= 1.0):
            return  # nothing to scale (a yield of 1 is left alone: it has no loss to scale)
        entries.append((obj, name, key, step, sp, v, label))

    for obj, name in SENSITIVITY_DESIGN_FIELDS:
        add(obj, name)
    for name in _FMT_FIELDS:
        add("fmt", name)
    for o in ("prices", "yields", "slurry"):
        for s in specs(objs[o]):
            if s.name not in ("rounding", "credit_nmp_recovery", "hardware_baseline_cells", "hardware_volume_exponent"):
                add(o, s.name)
    for name in _PLANT_FIELDS:
        add("plant", name)
    for s in specs(objs["econ"]):
        add("econ", s.name)
    for j in range(len(fac.steps)):
        for name in ("capex0_usd", "labor0_s", "area0_m2", "cell_yield"):
            add("steps", name, j)

    m = len(entries)
    b = 2 * m + 1
    fac_hi, fac_lo = 1.0 + fraction, 1.0 - fraction
    new: dict[str, dict[str, Any]] = {k: {} for k in objs}
    step_cols: dict[str, np.ndarray] = {}
    lo_in, hi_in, base_in = np.empty(m), np.empty(m), np.empty(m)
    for i, (obj, name, key, step, sp, v, label) in enumerate(entries):
        if sp.unit == "V":
            hi, lo = _bounded(sp, v, v + SENSITIVITY_VOLTAGE_STEP_V), _bounded(sp, v, v - SENSITIVITY_VOLTAGE_STEP_V)
        elif obj == "yields" or name == "cell_yield":  # ±x % of the loss 1 - y (low = more loss)
            hi, lo = _bounded(sp, v, 1.0 - (1.0 - v) * fac_lo), _bounded(sp, v, 1.0 - (1.0 - v) * fac_hi)
        else:
            hi, lo = _bounded(sp, v, v * fac_hi), _bounded(sp, v, v * fac_lo)
        base_in[i], hi_in[i], lo_in[i] = (float(sp.from_si(x)) for x in (v, hi, lo))
        if obj == "steps":
            col = step_cols.setdefault(name, np.broadcast_to(np.asarray(fac.steps.columns[name], dtype=float), (b, len(fac.steps))).copy())
            col[2 * i + 1, step], col[2 * i + 2, step] = lo, hi
        else:
            arr = new[obj].setdefault(name, np.full(b, float(np.asarray(getattr(objs[obj], name)).ravel()[0])))
            arr[2 * i + 1], arr[2 * i + 2] = lo, hi

    def rep(o: Any, kw: dict[str, Any]) -> Any:
        return dataclasses.replace(o, **kw) if kw else o

    dz = rep(design, new["cell"])
    dz = dataclasses.replace(dz, pos=rep(design.pos, new["pos"]), neg=rep(design.neg, new["neg"]), sep=rep(design.sep, new["sep"]))
    fac2 = Factory(steps=fac.steps.replace(**step_cols) if step_cols else fac.steps,
                   plant=rep(fac.plant, new["plant"]), economics=rep(fac.economics, new["econ"]))
    met = evaluate_cost(dz, fac2, rep(objs["prices"], new["prices"]), fmt=rep(objs["fmt"], new["fmt"]),
                        yields=rep(objs["yields"], new["yields"]), slurry=rep(objs["slurry"], new["slurry"]),
                        calendering=calendering)
    vals = np.asarray(mspec[metric].from_si(getattr(met, mspec[metric].name)), dtype=float)
    vals = np.broadcast_to(vals, (b,))
    low, high = vals[1::2], vals[2::2]
    order = np.argsort(-np.abs(high - low), kind="stable")
    return Tornado(
        keys=tuple(entries[i][2] for i in order), labels=tuple(entries[i][6] for i in order),
        base_input=base_in[order], low_input=lo_in[order], high_input=hi_in[order], low=low[order], high=high[order],
        base=float(vals[0]), metric=metric, input_units=tuple(entries[i][4].unit for i in order), unit=mspec[metric].unit,
        fraction=float(fraction), voltage_step_V=SENSITIVITY_VOLTAGE_STEP_V,
    )


__all__ = ["Economics", "Factory", "CostMetrics", "CostDetails", "Tornado", "crf", "evaluate_cost", "cost_details",
           "cost_values", "cost_item_names", "COST_NAMES", "CHUNK", "cost_sensitivity", "plant_share", "rollup", "DEFAULT_STEPS"]
