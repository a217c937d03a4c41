"""From cell to module to pack to battery system: BatPaC 5.0's pack level and its design to requirements.

:func:`evaluate_pack` builds a population of packs (:class:`PackDesign`: configuration, energy and power
requirements, usable window, purchased items) from cell designs, in one vectorised call:

1. **the cell for the pack** (BatPaC designs the cell to the pack): the cell energy is the pack energy over the cells
   in the pack, and the positive electrode area is solved so that the cell model's rated energy
   (:func:`xlcell.cell.chain`) meets it (a fixed point A <- A E_target / E(A), a few steps: the energy is nearly
   proportional to the area; the hardware ASI moves it slightly). A can format (:mod:`xlcell.formats`) fixes the
   electrode area and so the cell's energy: the pack counts its cells instead (:func:`can_pack`: the series groups
   and modules kept, the cells in parallel rounded up to meet the pack energy), and ``solve_thickness`` solves the
   thickness for the power of the pack of as many cells as the energy needs;
2. **design to requirements** (``solve_thickness`` = 1): the positive thickness L_p is the largest in
   [``min_pos_thickness``, ``max_pos_thickness``] at which the pack delivers its power requirement, pack power =
   cells × the cell model's power (:attr:`xlcell.cell.CellMetrics.max_power_W`, the one power rule of the cell chain:
   BatPaC's V_OCV² f (1 - f) / R at f = 0.8). A thinner coating needs more area for the same energy, hence a lower
   resistance and more power; the thickness is found by bisection over every design at once. The limit that binds
   is reported: ``max thickness`` when the maximum already meets the power (BatPaC's default: its pack delivers
   480 kW > 300 kW at 120 µm, digest §2.2), ``power`` otherwise; a requirement that even the minimum thickness
   cannot meet is refused, naming ``pack_power_kW`` and the most the pack delivers;
3. **the cost at every level** (digest §5.5, §6.5): the cell cost (:func:`xlcell.cost.cost_details`) sizes the plant
   for the plant's output with the pack's configuration (cells per module, modules per pack); the module and pack
   levels use the same process steps with their own shares of the plant (:func:`xlcell.cost.plant_share`: the module
   plant is the cell plant + module assembly + another third of the warehouse, ``ProcessStep.module_share``; the pack
   plant is the whole plant) and the same roll-up (:func:`xlcell.cost.rollup`) per module and per pack. Materials are
   the cells' materials (not their cost: BatPaC's in-house strategy), plus the purchased items of the level.
   Module-level profit and warranty are off and pack-level on, as in BatPaC; the battery system adds the vehicle
   integration.

With BatPaC's conventions (:func:`xlcell.pouch.batpac_format`, :meth:`xlcell.cost.Factory.batpac5`) the default
gives BatPaC's module ($440.1908, $88.04/kWh) and pack ($11,009.0575, $110.09/kWh, $129.52/kWh usable; battery
system $11,169.06), each line item of digest §6.5 (tests/test_pack.py).

Not modelled: BatPaC's other thickness candidates (the energy-ASI and the 60-min charge limits, digest §2.2, which
do not bind at its default) and its pack geometry (volume, mass of the module and pack hardware).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np

from . import paramsets
from .bom import CellFormat, MaterialPrices, MaterialYields, Slurry
from .cell import CellDesign, CellMetrics, _map_cell, broadcast_fields_cell, chain, evaluate_cell, resolve
from .cost import CostDetails, Factory, cost_details, plant_share, rollup
from .errors import InputError
from .params import param, specs
from .units import to_display

Array = Any

_CFG = "Pack configuration"
_REQ = "Pack requirements"
_BUY = "Module and pack purchased items"
_ECO = "Module and pack economics"


@dataclass(frozen=True, kw_only=True)
@paramsets.defaults("batpac5_default", "pack")
class PackDesign:
    """A pack: configuration, requirements, usable window and purchased items (SI; defaults: BatPaC 5.0's EV pack,
    ``[pack]`` of ``xlcell/data/batpac5_default.toml``, digest §1 and §6.5). Every field broadcasts, so an array of
    requirements is a population of packs."""

    cells_per_module: Array = field(metadata=param("Cells per module", "-", key="cells_per_module", ge=1, le=10000, group=_CFG))
    cells_in_parallel: Array = field(metadata=param(
        "Cells in parallel in a module", "-", key="cells_in_parallel", ge=1, le=1000, group=_CFG,
        doc="a whole divisor of cells_per_module"))
    modules_per_row: Array = field(metadata=param("Modules per row", "-", key="modules_per_row", ge=1, le=1000, group=_CFG))
    rows: Array = field(metadata=param("Rows of modules", "-", key="rows", ge=1, le=100, group=_CFG))
    modules_in_parallel: Array = field(metadata=param(
        "Modules in parallel", "-", key="modules_in_parallel", ge=1, le=100, group=_CFG,
        doc="a whole divisor of the modules in the pack (modules_per_row × rows)"))
    energy_J: Array = field(metadata=param(
        "Pack total energy (0-100 % SOC)", "kWh", key="pack_energy_kWh", gt=0, le=1e6, allow_nan=True, group=_REQ,
        doc="the cell energy is this over the cells in the pack (the electrode area is solved for it); blank: the "
            "design's electrode area as given"))
    power_W: Array = field(metadata=param(
        "Power requirement (10 s pulse)", "kW", key="pack_power_kW", gt=0, le=1e6, group=_REQ,
        doc="met by the cell model's power × cells; with solve_thickness = 1 it sets the positive thickness"))
    soc_min: Array = field(metadata=param("Usable window: minimum SOC", "-", key="soc_min", ge=0, lt=1, group=_REQ))
    soc_max: Array = field(metadata=param("Usable window: maximum SOC", "-", key="soc_max", gt=0, le=1, group=_REQ))
    solve_thickness: Array = field(metadata=param(
        "Solve the positive thickness for the power (1 = yes)", "-", key="solve_thickness", ge=0, le=1, group=_REQ,
        doc="1 (TRUE): the largest positive thickness within the limits that meets pack_power_kW (BatPaC's design "
            "rule); 0: the design's thickness"))
    max_pos_thickness_m: Array = field(metadata=param(
        "Maximum positive thickness", "µm", key="max_pos_thickness_um", gt=0, le=2000, group=_REQ))
    min_pos_thickness_m: Array = field(metadata=param(
        "Minimum positive thickness", "µm", key="min_pos_thickness_um", gt=0, le=2000, group=_REQ))
    module_items_usd: Array = field(metadata=param(
        "Module purchased items (per module)", "$", key="module_items_usd", ge=0, le=1e6, group=_BUY,
        doc="BatPaC: heat conductors, module management system, interconnects, panel, terminals, enclosure, gas release"))
    pack_items_usd: Array = field(metadata=param(
        "Pack purchased items (per pack)", "$", key="pack_items_usd", ge=0, le=1e7, group=_BUY,
        doc="BatPaC's pack items, its thermal-management hardware included (jacket, coolant system, disconnect unit, ...)"))
    bms_usd: Array = field(metadata=param("Battery management system (per pack)", "$", key="bms_usd", ge=0, le=1e7, group=_BUY))
    thermal_system_usd: Array = field(metadata=param(
        "Thermal system beyond the pack items (per pack)", "$", key="thermal_system_usd", ge=0, le=1e7, group=_BUY,
        doc="BatPaC counts its thermal hardware among the pack items (0 here)"))
    integration_usd: Array = field(metadata=param(
        "Vehicle integration (per battery system)", "$", key="integration_usd", ge=0, le=1e7, group=_BUY))
    module_profit_rate: Array = field(metadata=param(
        "Module profit, share of investment per year", "-", key="module_profit_rate", ge=0, le=1, group=_ECO,
        advanced=True))
    module_warranty_rate: Array = field(metadata=param(
        "Module warranty, share of cost + profit", "-", key="module_warranty_rate", ge=0, le=1, group=_ECO, advanced=True))
    profit_rate: Array = field(metadata=param(
        "Pack profit, share of investment per year", "-", key="pack_profit_rate", ge=0, le=1, group=_ECO))
    warranty_rate: Array = field(metadata=param(
        "Pack warranty, share of cost + profit", "-", key="pack_warranty_rate", ge=0, le=1, group=_ECO))


#: the whole-number fields of :class:`PackDesign`
COUNTS = ("cells_per_module", "cells_in_parallel", "modules_per_row", "rows", "modules_in_parallel")

#: the design limits :func:`evaluate_pack` reports (``active_limit``)
LIMITS = ("max thickness", "power", "design")


def _p(label: str, unit: str, key: str, doc: str = "") -> dict[str, Any]:
    return param(label, unit, key=key, doc=doc, group="Pack")


#: (level prefix, line name, label) of the section 6.5 line items, in the digest's order
LINE_ITEMS: tuple[tuple[str, str], ...] = (
    ("materials", "Materials and purchased items"), ("purchased_items", "of which purchased items"),
    ("labor", "Direct labour"), ("variable_overhead", "Variable overhead"), ("utilities", "Utilities (electricity)"),
    ("depreciation", "Depreciation"), ("capital_interest", "Capital interest (cost of capital)"),
    ("maintenance", "Maintenance"), ("gsa", "General, sales and administration"), ("rnd", "Research and development"),
    ("profit", "Profit"), ("warranty", "Warranty"),
)


@dataclass(frozen=True, kw_only=True)
class PackMetrics:
    """Results of :func:`evaluate_pack` (SI; $ per module, pack or battery system; the metadata gives key and unit)."""

    pack_cost_usd: Array = field(metadata=_p("Pack cost", "$", "pack_cost_usd"))
    pack_cost_usd_J: Array = field(metadata=_p("Pack cost per energy", "$/kWh", "pack_cost_usd_per_kWh"))
    pack_cost_usd_J_usable: Array = field(metadata=_p(
        "Pack cost per usable energy", "$/kWh", "pack_cost_usd_per_kWh_usable", "usable: the SOC window's share"))
    battery_system_cost_usd: Array = field(metadata=_p("Battery system cost (pack + integration)", "$", "battery_system_cost_usd"))
    battery_system_cost_usd_J: Array = field(metadata=_p("Battery system cost per energy", "$/kWh", "battery_system_cost_usd_per_kWh"))
    module_cost_usd: Array = field(metadata=_p("Module cost", "$", "module_cost_usd"))
    module_cost_usd_J: Array = field(metadata=_p("Module cost per energy", "$/kWh", "module_cost_usd_per_kWh"))
    cell_cost_usd: Array = field(metadata=_p("Cell cost", "$", "cell_cost_usd"))
    cell_cost_usd_J: Array = field(metadata=_p("Cell cost per energy", "$/kWh", "cell_cost_usd_per_kWh"))
    cell_share: Array = field(metadata=_p(
        "Cell fraction of pack cost", "-", "cell_share", "cells per pack × cell cost / pack cost (BatPaC's figure)"))
    pack_energy_J: Array = field(metadata=_p("Pack total energy", "kWh", "pack_energy_kWh"))
    usable_energy_J: Array = field(metadata=_p("Pack usable energy", "kWh", "usable_energy_kWh"))
    pack_power_W: Array = field(metadata=_p(
        "Pack power (cells × the cell model's power)", "kW", "pack_power_kW", "BatPaC's rule: at 80 % of the OCV"))
    power_required_W: Array = field(metadata=_p("Power requirement", "kW", "pack_power_required_kW"))
    power_met: Array = field(metadata=_p("Power requirement met", "bool", "power_met"))
    pos_thickness_m: Array = field(metadata=_p("Positive thickness", "µm", "pos_thickness_um"))
    neg_thickness_m: Array = field(metadata=_p("Negative thickness", "µm", "neg_thickness_um"))
    active_limit: Array = field(metadata=_p(
        "Active design limit", "text", "active_limit",
        "max thickness (the maximum meets the power), power (the power sets a thinner coating) or design (not solved)"))
    electrode_area_m2: Array = field(metadata=_p("Positive electrode area per cell", "cm²", "electrode_area_cm2"))
    cell_energy_J: Array = field(metadata=_p("Cell energy", "Wh", "cell_energy_Wh"))
    cell_capacity_C: Array = field(metadata=_p("Cell capacity", "Ah", "cell_capacity_Ah"))
    cell_power_W: Array = field(metadata=_p("Cell power", "W", "cell_power_W"))
    cells_per_pack: Array = field(metadata=_p("Cells per pack", "-", "cells_per_pack"))
    modules_per_pack: Array = field(metadata=_p("Modules per pack", "-", "modules_per_pack"))
    cells_in_series: Array = field(metadata=_p("Cell groups in series", "-", "cells_in_series"))
    pack_voltage_V: Array = field(metadata=_p("Pack nominal voltage", "V", "pack_voltage_V"))
    pack_capacity_C: Array = field(metadata=_p("Pack capacity", "Ah", "pack_capacity_Ah"))
    packs_per_year: Array = field(metadata=_p("Packs per year", "-", "packs_per_year"))
    module_materials_usd: Array = field(metadata=_p("Module: Materials and purchased items", "$", "module_materials_usd"))
    module_purchased_items_usd: Array = field(metadata=_p("Module: of which purchased items", "$", "module_purchased_items_usd"))
    module_labor_usd: Array = field(metadata=_p("Module: Direct labour", "$", "module_labor_usd"))
    module_variable_overhead_usd: Array = field(metadata=_p("Module: Variable overhead", "$", "module_variable_overhead_usd"))
    module_utilities_usd: Array = field(metadata=_p("Module: Utilities (electricity)", "$", "module_utilities_usd"))
    module_depreciation_usd: Array = field(metadata=_p("Module: Depreciation", "$", "module_depreciation_usd"))
    module_capital_interest_usd: Array = field(metadata=_p("Module: Capital interest (cost of capital)", "$", "module_capital_interest_usd"))
    module_maintenance_usd: Array = field(metadata=_p("Module: Maintenance", "$", "module_maintenance_usd"))
    module_gsa_usd: Array = field(metadata=_p("Module: General, sales and administration", "$", "module_gsa_usd"))
    module_rnd_usd: Array = field(metadata=_p("Module: Research and development", "$", "module_rnd_usd"))
    module_profit_usd: Array = field(metadata=_p("Module: Profit", "$", "module_profit_usd"))
    module_warranty_usd: Array = field(metadata=_p("Module: Warranty", "$", "module_warranty_usd"))
    pack_materials_usd: Array = field(metadata=_p("Pack: Materials and purchased items", "$", "pack_materials_usd"))
    pack_purchased_items_usd: Array = field(metadata=_p("Pack: of which purchased items", "$", "pack_purchased_items_usd"))
    pack_labor_usd: Array = field(metadata=_p("Pack: Direct labour", "$", "pack_labor_usd"))
    pack_variable_overhead_usd: Array = field(metadata=_p("Pack: Variable overhead", "$", "pack_variable_overhead_usd"))
    pack_utilities_usd: Array = field(metadata=_p("Pack: Utilities (electricity)", "$", "pack_utilities_usd"))
    pack_depreciation_usd: Array = field(metadata=_p("Pack: Depreciation", "$", "pack_depreciation_usd"))
    pack_capital_interest_usd: Array = field(metadata=_p("Pack: Capital interest (cost of capital)", "$", "pack_capital_interest_usd"))
    pack_maintenance_usd: Array = field(metadata=_p("Pack: Maintenance", "$", "pack_maintenance_usd"))
    pack_gsa_usd: Array = field(metadata=_p("Pack: General, sales and administration", "$", "pack_gsa_usd"))
    pack_rnd_usd: Array = field(metadata=_p("Pack: Research and development", "$", "pack_rnd_usd"))
    pack_profit_usd: Array = field(metadata=_p("Pack: Profit", "$", "pack_profit_usd"))
    pack_warranty_usd: Array = field(metadata=_p("Pack: Warranty", "$", "pack_warranty_usd"))
    pack_bms_usd: Array = field(metadata=_p("Pack: battery management system", "$", "pack_bms_usd"))
    pack_thermal_usd: Array = field(metadata=_p("Pack: thermal system beyond the pack items", "$", "pack_thermal_usd"))
    pack_investment_usd: Array = field(metadata=_p("Pack plant investment", "M$", "pack_investment_musd"))
    module_plant_labor_s_yr: Array = field(metadata=_p("Module plant labour per year", "h", "module_plant_labor_h_yr"))
    module_plant_capex_usd: Array = field(metadata=_p("Module plant capital equipment", "M$", "module_plant_capex_musd"))
    module_plant_area_m2: Array = field(metadata=_p("Module plant floor area", "m²", "module_plant_area_m2"))
    pack_plant_labor_s_yr: Array = field(metadata=_p("Pack plant (whole plant) labour per year", "h", "pack_plant_labor_h_yr"))
    pack_plant_capex_usd: Array = field(metadata=_p("Pack plant (whole plant) capital equipment", "M$", "pack_plant_capex_musd"))
    pack_plant_area_m2: Array = field(metadata=_p("Pack plant (whole plant) floor area", "m²", "pack_plant_area_m2"))

    def as_display(self) -> dict[str, Any]:
        """``{Excel key: value in display units}`` in field order."""
        return {s.key: (getattr(self, s.name) if s.unit in ("bool", "text") else s.from_si(getattr(self, s.name)))
                for s in specs(self)}


@dataclass(frozen=True)
class PackDetails:
    """Everything :func:`pack_details` computes: the pack metrics, the cell in the pack and its cost details."""

    metrics: PackMetrics
    cell: CellMetrics
    cost: CostDetails
    design: CellDesign  #: the resolved cell design in the pack (solved thickness and area)


def check_pack(pack: PackDesign) -> None:
    """Refuse a pack that cannot be built: a value outside its range, a count that is not a whole number, cells or
    modules in parallel that do not divide the module or the pack, an empty usable window, or a minimum thickness
    above the maximum (each error names the key and what is allowed).

    Parameters
    ----------
    pack : PackDesign
        The packs (SI).
    """
    for s in specs(pack):
        s.check(getattr(pack, s.name))
    for name in COUNTS:
        v = np.asarray(getattr(pack, name), dtype=float)
        bad = v != np.round(v)
        if bad.any():
            i = int(np.flatnonzero(bad.ravel())[0])
            raise InputError(name, float(v.ravel()[i]), "a whole number >= 1", f"pack {i + 1}" if bad.size > 1 else None)
    modules = np.asarray(pack.modules_per_row, dtype=float) * pack.rows
    for name, whole, part, what in (("cells_in_parallel", pack.cells_per_module, pack.cells_in_parallel,
                                     "a whole divisor of cells_per_module"),
                                    ("modules_in_parallel", modules, pack.modules_in_parallel,
                                     "a whole divisor of the modules in the pack (modules_per_row × rows)")):
        bad = np.broadcast_to(np.mod(whole, part) != 0, np.broadcast_shapes(np.shape(whole), np.shape(part)))
        if bad.any():
            i = int(np.flatnonzero(bad.ravel())[0])
            raise InputError(name, float(np.broadcast_to(part, bad.shape).ravel()[i]), what,
                             f"pack {i + 1}" if bad.size > 1 else None)
    for name, lo, hi, what in (("soc_max", pack.soc_min, pack.soc_max, "above soc_min"),
                               ("max_pos_thickness_um", pack.min_pos_thickness_m, pack.max_pos_thickness_m,
                                "at least min_pos_thickness_um")):
        bad = np.broadcast_to(np.asarray(hi) < np.asarray(lo) + (1e-12 if name == "soc_max" else 0.0),
                              np.broadcast_shapes(np.shape(lo), np.shape(hi)))
        if bad.any():
            i = int(np.flatnonzero(bad.ravel())[0])
            spec = {s.key: s for s in specs(PackDesign)}[name]
            raise InputError(name, float(spec.from_si(np.broadcast_to(hi, bad.shape).ravel()[i])), what,
                             f"pack {i + 1}" if bad.size > 1 else None)


#: fixed-point steps of the area solve (each one chain evaluation; the energy is nearly proportional to the area)
AREA_ITERATIONS = 60
#: relative tolerance of the area solve
AREA_RTOL = 1e-13
#: steps of the thickness solve (Illinois regula falsi in log thickness; a handful suffice)
THICKNESS_ITERATIONS = 60
#: the thickness solve stops when the bracket is this narrow in ln L or the power within this of the requirement in
#: ln P
THICKNESS_XTOL = 1e-12
THICKNESS_GTOL = 1e-12


def cell_for_energy(design: CellDesign, thickness_m: Array, energy_J: Array, fmt: CellFormat | None = None,
                    calendering: Mapping[str, Any] | None = None) -> CellDesign:
    """The resolved design with positive thickness ``thickness_m`` whose rated energy (:func:`xlcell.cell.chain`) is
    ``energy_J``: the electrode area solved by the fixed point A <- A E_target / E(A), vectorised over designs.

    Parameters
    ----------
    design : CellDesign
        Designs (SI; broadcast to one shape), their electrode area the starting point; a blank (NaN) negative
        thickness is derived from N/P at the new positive thickness.
    thickness_m : array_like
        Positive coating thickness (m).
    energy_J : array_like
        Target rated cell energy (J); NaN keeps the design's area.
    fmt : CellFormat, optional
        The cell format (default :class:`~xlcell.pouch.CellFormat`).
    calendering : mapping, optional
        The calendering context of the coatings (:func:`xlcell.cell.evaluate_cell`).
    """
    target = np.asarray(energy_J, dtype=float)
    keep = np.isnan(target)
    a0 = np.asarray(design.electrode_area_m2, dtype=float)
    # start from the same capacity as the design: the area scales inversely with the thickness
    area = np.where(keep, a0, a0 * np.asarray(design.pos.thickness_m, dtype=float) / thickness_m)
    d = resolve(dataclasses.replace(design, electrode_area_m2=area, pos=dataclasses.replace(design.pos, thickness_m=thickness_m)))
    slope = np.ones(np.shape(area))  # d ln E / d ln A: 1 for a fixed voltage, a little less with the hardware ASI
    prev = None
    for _ in range(AREA_ITERATIONS):  # the area moves neither the negative's thickness nor any check of resolve
        e = np.asarray(chain(d, fmt, calendering)["energy_J"], dtype=float)
        ratio = np.where(keep, 1.0, target / e)
        if np.all(np.abs(ratio - 1.0) <= AREA_RTOL):
            break
        if prev is not None:  # secant estimate of the slope in log-log (quadratic-like convergence)
            da, de = np.log(area) - np.log(prev[0]), np.log(e) - np.log(prev[1])
            with np.errstate(invalid="ignore", divide="ignore"):
                s = de / da
            slope = np.where((np.abs(da) > 1e-14) & np.isfinite(s) & (s > 0.2) & (s < 5.0), s, slope)
        prev = (area, e)
        area = area * ratio ** (1.0 / slope)
        d = dataclasses.replace(d, electrode_area_m2=area)
    return d


def _cell_power_W(d: CellDesign, fmt: CellFormat | None, calendering: Mapping[str, Any] | None) -> np.ndarray:
    """The cell's power by the cell model's rule (the one route: :attr:`xlcell.cell.CellMetrics.max_power_W`)."""
    return np.asarray(evaluate_cell(d, fmt, calendering=calendering).max_power_W, dtype=float)


def is_can(fmt: CellFormat | None) -> bool:
    """Whether the cell format is a can (cylindrical or prismatic, :mod:`xlcell.formats`), whose jelly roll fixes the
    electrode area and so the cell's energy.

    Parameters
    ----------
    fmt : CellFormat or None
        The cell format (None: the default pouch).
    """
    return getattr(fmt, "can", None) is not None


def can_pack(pack: PackDesign, cell_energy_J: Array) -> PackDesign:
    """The pack of can cells of energy ``cell_energy_J`` that meets the pack energy, BatPaC-like: the cell groups in
    series per module (``cells_per_module`` / ``cells_in_parallel``), the modules and the modules in parallel are
    kept (the pack voltage), the cells in parallel in a module are the fewest whose pack meets ``pack_energy_kWh``,
    p = ceil(E_pack / (series groups × modules in parallel × E_cell)); so the pack has E_pack up to one parallel cell
    per series group and module string more. A blank pack energy keeps the configuration.

    Parameters
    ----------
    pack : PackDesign
        Packs (SI, broadcast with the cells).
    cell_energy_J : array_like
        The rated energy of one can cell (J).

    Returns
    -------
    PackDesign
        ``pack`` with ``cells_per_module`` and ``cells_in_parallel`` set.
    """
    e = np.asarray(pack.energy_J, dtype=float)
    series_per_module = np.asarray(pack.cells_per_module, dtype=float) / pack.cells_in_parallel
    groups = series_per_module * pack.modules_per_row * pack.rows  # one cell per series group and module string
    with np.errstate(invalid="ignore"):
        p = np.ceil(e / (groups * cell_energy_J) * (1.0 - 1e-12))
    p = np.where(np.isnan(e), pack.cells_in_parallel, np.maximum(p, 1.0))
    return dataclasses.replace(pack, cells_in_parallel=p, cells_per_module=series_per_module * p)


def _broadcast(design: CellDesign, pack: PackDesign) -> tuple[CellDesign, PackDesign, tuple[int, ...]]:
    d = broadcast_fields_cell(design)
    shape = np.broadcast_shapes(np.shape(d.pos.thickness_m), *[np.shape(getattr(pack, s.name)) for s in specs(pack)])
    d = _map_cell(d, lambda x: np.broadcast_to(np.asarray(x, dtype=float), shape))
    pk = dataclasses.replace(pack, **{s.name: np.broadcast_to(np.asarray(getattr(pack, s.name), dtype=float), shape)
                                     for s in specs(pack)})
    return d, pk, shape


def _design_can_cell(d: CellDesign, pk: PackDesign, shape: tuple[int, ...], fmt: CellFormat,
                     calendering: Mapping[str, Any] | None) -> tuple[CellDesign, np.ndarray, np.ndarray]:
    """:func:`design_cell` for a can: the design's thickness, or (``solve_thickness`` = 1) the largest thickness at which
    the pack of as many cells as the energy needs delivers the power: E_pack P(L) / E(L) >= P_required (the cell count
    E_pack / E before :func:`can_pack` rounds it up, so the rounded pack meets it too; with a blank pack energy the
    configured count, n P(L) >= P_required). Bisection in ln L over every pack at once."""
    solve = np.asarray(pk.solve_thickness) > 0.5
    t_design = np.asarray(d.pos.thickness_m, dtype=float)

    def at(t: Array) -> tuple[CellDesign, np.ndarray, np.ndarray]:
        dd = resolve(dataclasses.replace(d, pos=dataclasses.replace(d.pos, thickness_m=t)))
        e = np.asarray(chain(dd, fmt, calendering)["energy_J"], dtype=float)
        return dd, e, _cell_power_W(dd, fmt, calendering)

    limit = np.full(shape, "design", dtype=object)
    if not solve.any():
        dd, _, p = at(t_design)
        return dd, limit, p
    e_pack = np.asarray(pk.energy_J, dtype=float)
    n_cells = pk.cells_per_module * pk.modules_per_row * pk.rows

    def meets(e: np.ndarray, p: np.ndarray) -> np.ndarray:  # ln(pack power / requirement)
        return np.log(np.where(np.isnan(e_pack), n_cells * p, e_pack * p / e) / pk.power_W)

    hi, lo = np.asarray(pk.max_pos_thickness_m, dtype=float), np.asarray(pk.min_pos_thickness_m, dtype=float)
    hi_t = np.where(solve, hi, t_design)
    d_hi, e_hi, p_hi = at(hi_t)
    at_max = ~solve | (meets(e_hi, p_hi) >= 0)
    if not at_max.all():
        _, e_lo, p_lo = at(np.where(at_max, hi_t, lo))
        short = ~at_max & (meets(e_lo, p_lo) < 0)
        if short.any():
            i = int(np.flatnonzero(short.ravel())[0])
            most = np.where(np.isnan(e_pack), n_cells * p_lo, e_pack * p_lo / e_lo).ravel()[i]
            raise InputError("pack_power_kW", float(to_display(pk.power_W.ravel()[i], "kW")),
                             f"at most {float(to_display(most, 'kW')):.6g} kW: the most a pack of this can "
                             f"(cell_format) delivers for its energy, at the minimum positive thickness "
                             f"min_pos_thickness_um = {float(to_display(lo.ravel()[i], 'µm')):g} µm",
                             f"pack {i + 1}" if short.size > 1 else None)
        a, b = np.log(np.where(at_max, hi_t, lo)), np.log(hi_t)  # a meets, b does not
        for _ in range(THICKNESS_ITERATIONS):
            live = ~at_max & (np.abs(b - a) > 1e-10)
            if not live.any():
                break
            x = 0.5 * (a + b)
            _, e, p = at(np.exp(np.where(live, x, a)))
            ok = meets(e, p) >= 0
            a = np.where(live & ok, x, a)
            b = np.where(live & ~ok, x, b)
        d_hi, _, p_hi = at(np.where(at_max, hi_t, np.exp(a)))
    limit = np.where(solve, np.where(at_max, "max thickness", "power"), limit)
    return d_hi, limit, p_hi


def design_cell(design: CellDesign, pack: PackDesign | None = None, fmt: CellFormat | None = None,
                calendering: Mapping[str, Any] | None = None) -> tuple[CellDesign, np.ndarray, np.ndarray]:
    """The cell designed to the pack's requirements: its thickness (solved when ``solve_thickness`` = 1) and area.

    Parameters
    ----------
    design : CellDesign
        Designs (SI; every field broadcasts with the pack's).
    pack : PackDesign, optional
        Packs (default: BatPaC 5.0's).
    fmt : CellFormat, optional
        The cell format (default :class:`~xlcell.pouch.CellFormat`).
    calendering : mapping, optional
        The calendering context of the coatings (:func:`xlcell.cell.evaluate_cell`).

    Returns
    -------
    (CellDesign, limit, cell_power_W)
        The resolved designs, the active limit of each (a string of :data:`LIMITS`) and the cell power (W).

    Raises
    ------
    InputError
        ``pack_power_kW`` when even the minimum positive thickness cannot deliver the power (the message gives the
        most the pack delivers).
    """
    pk = pack or PackDesign()
    check_pack(pk)
    d, pk, shape = _broadcast(design, pk)
    if is_can(fmt):  # the can sets the electrode area and so the cell: the pack counts its cells instead
        return _design_can_cell(d, pk, shape, fmt, calendering)
    n_cells = pk.cells_per_module * pk.modules_per_row * pk.rows
    e_cell = pk.energy_J / n_cells
    p_cell = pk.power_W / n_cells
    solve = pk.solve_thickness > 0.5
    t_design = np.asarray(d.pos.thickness_m, dtype=float)
    limit = np.full(shape, "design", dtype=object)
    if not solve.any():
        dd = cell_for_energy(d, t_design, e_cell, fmt, calendering)
        return dd, limit, _cell_power_W(dd, fmt, calendering)
    hi, lo = np.asarray(pk.max_pos_thickness_m, dtype=float), np.asarray(pk.min_pos_thickness_m, dtype=float)
    d_hi = cell_for_energy(d, np.where(solve, hi, t_design), e_cell, fmt, calendering)
    p_hi = _cell_power_W(d_hi, fmt, calendering)
    at_max = ~solve | (p_hi >= p_cell)
    if at_max.all():
        limit = np.where(solve, "max thickness", limit)
        return d_hi, limit, p_hi
    d_lo = cell_for_energy(d, np.where(at_max, hi, lo), e_cell, fmt, calendering)
    p_lo = _cell_power_W(d_lo, fmt, calendering)
    short = ~at_max & (p_lo < p_cell)
    if short.any():
        i = int(np.flatnonzero(short.ravel())[0])
        kw = float(to_display(p_lo.ravel()[i] * n_cells.ravel()[i], "kW"))
        raise InputError("pack_power_kW", float(to_display(pk.power_W.ravel()[i], "kW")),
                         f"at most {kw:.6g} kW: the most this pack delivers, at the minimum positive thickness "
                         f"min_pos_thickness_um = {float(to_display(lo.ravel()[i], 'µm')):g} µm (lower the power, or "
                         f"add cells in parallel)", f"pack {i + 1}" if short.size > 1 else None)
    # Illinois regula falsi on g = ln(P / P_required) against x = ln L (nearly linear: P ~ 1/L at one energy); the
    # power falls as the thickness grows (less area, more resistance, for one energy). Bracket: a meets, b does not.
    a, b = np.log(np.where(at_max, hi, lo)), np.log(hi)
    ga = np.where(at_max, 0.0, np.log(p_lo / p_cell))
    gb = np.where(at_max, 0.0, np.log(p_hi / p_cell))
    dm = d_lo
    g_last = np.where(at_max, 0.0, np.inf)  # ln(P / P_required) at the last trial
    last_meets = np.zeros(np.broadcast_shapes(np.shape(a), shape), dtype=bool)
    for _ in range(THICKNESS_ITERATIONS):
        live = ~at_max & (np.abs(b - a) > THICKNESS_XTOL) & (np.abs(g_last) > THICKNESS_GTOL)
        if not live.any():
            break
        with np.errstate(invalid="ignore", divide="ignore"):
            x = np.where(live, b - gb * (b - a) / (gb - ga), a)
        x = np.where(live & ~((x > np.minimum(a, b)) & (x < np.maximum(a, b))), 0.5 * (a + b), x)
        start = dataclasses.replace(d, electrode_area_m2=dm.electrode_area_m2,
                                    pos=dataclasses.replace(d.pos, thickness_m=dm.pos.thickness_m))  # warm start
        dm = cell_for_energy(start, np.exp(x), e_cell, fmt, calendering)
        gx = np.log(_cell_power_W(dm, fmt, calendering) / p_cell)
        g_last = np.where(live, gx, g_last)
        meets = gx >= -THICKNESS_GTOL  # within the tolerance counts as met (the last trial is then kept)
        # Illinois: when the same end is replaced twice running, halve the value kept at the other end
        again = live & (meets == last_meets)
        ga_new = np.where(live & meets, gx, np.where(again & ~meets, ga * 0.5, ga))
        gb_new = np.where(live & ~meets, gx, np.where(again & meets, gb * 0.5, gb))
        a = np.where(live & meets, x, a)
        b = np.where(live & ~meets, x, b)
        ga, gb = ga_new, gb_new
        last_meets = np.where(live, meets, last_meets)
    t = np.where(at_max, np.where(solve, hi, t_design), np.exp(a))
    dd = cell_for_energy(d, t, e_cell, fmt, calendering)
    limit = np.where(solve, np.where(at_max, "max thickness", "power"), limit)
    return dd, limit, _cell_power_W(dd, fmt, calendering)


def pack_details(
    design: CellDesign,
    pack: PackDesign | None = None,
    factory: Factory | None = None,
    prices: MaterialPrices | None = None,
    *,
    fmt: CellFormat | None = None,
    yields: MaterialYields | None = None,
    slurry: Slurry | None = None,
    calendering: Mapping[str, Any] | None = None,
) -> PackDetails:
    """Module, pack and battery-system cost of a population of packs, with the cell in the pack and its cost details
    (see :func:`evaluate_pack`).

    Parameters
    ----------
    design : CellDesign
        Cell designs (SI; every field broadcasts with the pack's).
    pack : PackDesign, optional
        Packs (default: BatPaC 5.0's EV pack).
    factory : Factory, optional
        Process steps, plant and economics (default: BatPaC 5.0's 50 GWh/yr plant); its cells per module and modules
        per pack are the pack's.
    prices : MaterialPrices, optional
        Material prices (default: BatPaC 5.0's; the active materials at the design's library prices).
    fmt, yields, slurry : optional
        Cell format, material yields, slurry solvents (BatPaC 5.0 defaults).
    calendering : mapping, optional
        The calendering context of the coatings (:func:`xlcell.cell.evaluate_cell`).
    """
    pk = pack or PackDesign()
    fac = factory or Factory()
    try:
        d, limit, p_cell = design_cell(design, pk, fmt, calendering)
    except InputError as exc:  # a cell too big to rate: the pack's energy per cell is what to change
        e = np.asarray(pk.energy_J, dtype=float)
        if exc.name != "nominal_voltage_V" or np.all(np.isnan(e)):
            raise
        n = np.asarray(pk.cells_per_module, dtype=float) * pk.modules_per_row * pk.rows
        i = int(np.nanargmax(np.broadcast_to(e / n, np.broadcast_shapes(e.shape, n.shape))))
        kwh, wh = (float(to_display(np.ravel(np.broadcast_to(x, np.broadcast_shapes(e.shape, n.shape)))[i], u))
                   for x, u in ((e, "kWh"), (e / n, "Wh")))
        raise InputError("pack_energy_kWh", kwh, f"less energy per cell: {wh:.6g} Wh per cell needs an electrode "
                         "area whose foils and tabs drop more than the open-circuit voltage at C/3 (more cells per "
                         "module, more modules, or a smaller pack energy)", exc.where) from exc
    _, pk, shape = _broadcast(d, pk)
    if is_can(fmt):  # the cells in parallel follow the can cell's energy (can_pack)
        pk = can_pack(pk, np.asarray(chain(d, fmt, calendering)["energy_J"], dtype=float))
    n_cells = pk.cells_per_module * pk.modules_per_row * pk.rows
    n_modules = pk.modules_per_row * pk.rows
    plant = dataclasses.replace(fac.plant, cells_per_module=pk.cells_per_module, modules_per_pack=n_modules)
    fac = dataclasses.replace(fac, plant=plant)
    det = cost_details(d, fac, prices, fmt=fmt, yields=yields, slurry=slurry, calendering=calendering)
    cm = evaluate_cell(d, fmt, calendering=calendering)
    m, steps, econ = det.metrics, det.steps, fac.economics
    shape = np.broadcast_shapes(shape, np.shape(m.cell_cost_usd))  # prices or a factory may be arrays too
    n_acc = m.cells_per_year
    cell_materials = det.bom.total_usd

    # module: the cells' materials and the module items; the module plant (cell plant + module assembly + a third of
    # the warehouse + its share of the building)
    mod_items = pk.module_items_usd
    lab, cap, area, energy = plant_share(steps, fac.steps.module_share)
    mod = rollup(pk.cells_per_module * cell_materials + mod_items, lab, cap, area, energy, n_acc / pk.cells_per_module,
                 econ, pk.module_profit_rate, pk.module_warranty_rate)
    mod_plant = (lab, cap, area)
    # pack: every cell's materials, every module's items, the pack items, BMS and thermal system; the whole plant
    pack_items = n_modules * mod_items + pk.pack_items_usd + pk.bms_usd + pk.thermal_system_usd
    lab, cap, area, energy = plant_share(steps, np.ones(len(fac.steps)))
    pck = rollup(n_cells * cell_materials + pack_items, lab, cap, area, energy, n_acc / n_cells, econ,
                 pk.profit_rate, pk.warranty_rate)

    e_cell = m.cell_energy_J
    e_pack = n_cells * e_cell
    e_mod = pk.cells_per_module * e_cell
    series = n_cells / (pk.cells_in_parallel * pk.modules_in_parallel)

    def bc(x: Array) -> np.ndarray:
        return np.broadcast_to(np.asarray(x, dtype=float), shape).copy()

    def lines(level: str, r: dict[str, Array], items: Array) -> dict[str, np.ndarray]:
        vals = dict(materials=r["materials"], purchased_items=items, labor=r["labor"], variable_overhead=r["voh"],
                    utilities=r["utilities"], depreciation=r["depreciation"], capital_interest=r["charge"] - r["depreciation"],
                    maintenance=r["maintenance"], gsa=r["gsa"], rnd=r["rnd"], profit=r["profit"], warranty=r["warranty"])
        return {f"{level}_{k}_usd": bc(vals[k]) for k, _ in LINE_ITEMS}

    pack_cost = pck["total"]
    metrics = PackMetrics(
        pack_cost_usd=bc(pack_cost), pack_cost_usd_J=bc(pack_cost / e_pack),
        pack_cost_usd_J_usable=bc(pack_cost / (e_pack * (pk.soc_max - pk.soc_min))),
        battery_system_cost_usd=bc(pack_cost + pk.integration_usd),
        battery_system_cost_usd_J=bc((pack_cost + pk.integration_usd) / e_pack),
        module_cost_usd=bc(mod["total"]), module_cost_usd_J=bc(mod["total"] / e_mod),
        cell_cost_usd=bc(m.cell_cost_usd), cell_cost_usd_J=bc(m.cost_per_energy_usd_J),
        cell_share=bc(n_cells * m.cell_cost_usd / pack_cost),
        pack_energy_J=bc(e_pack), usable_energy_J=bc(e_pack * (pk.soc_max - pk.soc_min)),
        pack_power_W=bc(n_cells * p_cell), power_required_W=bc(pk.power_W),
        power_met=np.broadcast_to(n_cells * p_cell >= pk.power_W * (1.0 - 1e-9), shape).copy(),
        pos_thickness_m=bc(d.pos.thickness_m), neg_thickness_m=bc(d.neg.thickness_m),
        active_limit=np.broadcast_to(np.asarray(limit, dtype=object), shape).copy(),
        electrode_area_m2=bc(d.electrode_area_m2), cell_energy_J=bc(e_cell), cell_capacity_C=bc(m.capacity_C),
        cell_power_W=bc(p_cell), cells_per_pack=bc(n_cells), modules_per_pack=bc(n_modules), cells_in_series=bc(series),
        pack_voltage_V=bc(series * m.nominal_voltage_V), pack_capacity_C=bc(n_cells / series * m.capacity_C),
        packs_per_year=bc(n_acc / n_cells),
        **lines("module", mod, mod_items), **lines("pack", pck, pack_items),
        pack_bms_usd=bc(pk.bms_usd), pack_thermal_usd=bc(pk.thermal_system_usd), pack_investment_usd=bc(pck["investment"]),
        module_plant_labor_s_yr=bc(mod_plant[0]), module_plant_capex_usd=bc(mod_plant[1]), module_plant_area_m2=bc(mod_plant[2]),
        pack_plant_labor_s_yr=bc(lab), pack_plant_capex_usd=bc(cap), pack_plant_area_m2=bc(area),
    )
    return PackDetails(metrics=metrics, cell=cm, cost=det, design=d)


def evaluate_pack(
    design: CellDesign,
    pack: PackDesign | None = None,
    factory: Factory | None = None,
    prices: MaterialPrices | None = None,
    *,
    fmt: CellFormat | None = None,
    yields: MaterialYields | None = None,
    slurry: Slurry | None = None,
    calendering: Mapping[str, Any] | None = None,
) -> PackMetrics:
    """Module, pack and battery-system cost and performance of a population of packs, in one vectorised call.

    The cell is designed to the pack (its energy = pack energy / cells, its positive thickness solved for the power
    when ``solve_thickness`` = 1), then costed at cell, module and pack level over the same plant (module docstring).

    Parameters
    ----------
    design : CellDesign
        Cell designs (SI; every field broadcasts with the pack's): the electrodes, separator and cell inputs; the
        positive thickness is kept unless solved, the electrode area is solved for the pack energy unless that is
        blank.
    pack : PackDesign, optional
        Packs (default: BatPaC 5.0's EV pack, 100 kWh, 300 kW, 400 cells).
    factory : Factory, optional
        Process steps, plant and economics (default: BatPaC 5.0's 50 GWh/yr plant; :meth:`Factory.batpac5` for
        BatPaC's conventions); its cells per module and modules per pack are the pack's.
    prices : MaterialPrices, optional
        Material prices (default: BatPaC 5.0's; the active materials at the design's library prices).
    fmt, yields, slurry : optional
        Cell format, material yields, slurry solvents (BatPaC 5.0 defaults; ``fmt=xlcell.pouch.batpac_format()`` for
        BatPaC's rating convention).
    calendering : mapping, optional
        The calendering context of the coatings (:func:`xlcell.cell.evaluate_cell`).

    Returns
    -------
    PackMetrics
        Arrays of the broadcast shape of designs and packs (SI; ``.as_display()`` for Excel keys and units).
    """
    return pack_details(design, pack, factory, prices, fmt=fmt, yields=yields, slurry=slurry,
                        calendering=calendering).metrics


#: BatPaC 5.0's default module and pack (reference digest ``shared/reference/batpac5.md`` §6.5, "Battery 1", the
#: workbook's cached values as published with batpy): {result key: (value in display units, the digest's decimals, the
#: digest's rule)}
BATPAC5_REFERENCE: dict[str, tuple[float, int, str]] = {
    "module_materials_usd": (346.9986, 4, "20 × 15.502277 cell materials + 36.953091 module items"),
    "module_labor_usd": (8.3472, 4, "25 × 3,338,892.96 h / 10e6 modules"),
    "module_variable_overhead_usd": (11.6109, 4, "0.4 labour + 0.2 depreciation"),
    "module_depreciation_usd": (41.3603, 4, "module plant: 3,753.7541 M$ equipment, 254,849.18 m²"),
    "module_gsa_usd": (15.3296, 4, "0.25 (labour + VOH) + 0.25 depreciation"),
    "module_rnd_usd": (16.5441, 4, "0.4 depreciation"),
    "module_cost_usd": (440.1908, 4, "$88.04/kWh"),
    "module_cost_usd_per_kWh": (88.04, 2, "per 5 kWh module"),
    "pack_materials_usd": (7821.6970, 4, "400 cells' materials + 20 module items + 526.123056 pack items + 355.601140 BMS"),
    "pack_labor_usd": (174.9613, 4, "whole-plant hours × $25 / 500,000"),
    "pack_variable_overhead_usd": (250.9051, 4, "0.4 labour + 0.2 depreciation"),
    "pack_depreciation_usd": (904.6029, 4, "4,095.2406 M$ equipment and 285,182.51 m² building"),
    "pack_gsa_usd": (332.6173, 4, "0.25 (labour + VOH) + 0.25 depreciation"),
    "pack_rnd_usd": (361.8412, 4, "0.4 depreciation"),
    "pack_profit_usd": (578.6191, 4, "5 % of the pack-plant investment of 5,786.1911 M$, per pack"),
    "pack_warranty_usd": (583.8137, 4, "5.6 % of (variable + fixed + profit)"),
    "pack_cost_usd": (11009.0575, 4, "per pack"),
    "pack_cost_usd_per_kWh": (110.09, 2, "per 100 kWh"),
    "pack_cost_usd_per_kWh_usable": (129.52, 2, "per 85 kWh usable (SOC 10-95 %)"),
    "battery_system_cost_usd": (11169.06, 2, "pack + $160 integration"),
    "cell_share": (0.718, 3, "400 × 19.754802 / 11,009.06"),
    "pack_investment_musd": (5786.1911, 4, "equipment + building + launch + working capital"),
}


def cell_formats() -> tuple[str, ...]:
    """The cell formats a pack can be built from (values of the bom key ``cell_format``): BatPaC's stacked pouch and
    every can preset of :mod:`xlcell.formats` (``cylindrical_21700``, ``cylindrical_4680``, ...), without the aliases
    (``cylindrical``, ``prismatic``) that name a preset twice."""
    from .formats import preset_names

    return ("pouch", *preset_names())


def _pairs_the_cell_takes(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The (positive, negative) pairs the cell model evaluates with the default design (others it refuses)."""
    from .cell import evaluate_cell
    from .design import design_from_mapping
    from .errors import XlcellError

    out = []
    for p, n in pairs:
        try:
            evaluate_cell(design_from_mapping({"pos_material": p, "neg_material": n}))
        except XlcellError:
            continue
        out.append((p, n))
    return out


def comparison_cases() -> list[dict[str, str]]:
    """The format and chemistry comparison (the Pack sheet's table, ``docs/models/pack.md``): every cell format
    (:func:`cell_formats`) × every positive of the library (:func:`xlcell.materials.names`) of the default negative's
    carrier on that negative (graphite); then, on the pouch, the default positive on the carrier's other negatives
    (the silicon–graphite blend) and each other carrier's first positive on its first negative (sodium-ion: NFM |
    hard carbon). Pairings of two carriers are not cases, nor pairings the cell model refuses with the default
    design (LTO: its low voltage leaves nothing of the default's C/3 IR drop). New formats and materials appear by
    themselves, in library order.

    Returns
    -------
    list of dict
        ``{"cell_format": ..., "pos_material": ..., "neg_material": ..., "solve_thickness": 1}`` per case (each
        designed to the power).
    """
    from .design import DEFAULT_MATERIALS
    from .materials import get_material, names

    pos0, neg0 = DEFAULT_MATERIALS["pos_material"], DEFAULT_MATERIALS["neg_material"]
    carrier = get_material(neg0).carrier
    pos = {c: [p for p in names("positive") if get_material(p).carrier == c] for c in
           dict.fromkeys(get_material(m).carrier for m in names())}
    neg = {c: [n for n in names("negative") if get_material(n).carrier == c] for c in pos}
    extra = [(pos0, n) for n in neg[carrier] if n != neg0]
    extra += [(pos[c][0], neg[c][0]) for c in pos if c != carrier and pos[c] and neg[c]]
    out = [{"cell_format": f, "pos_material": p, "neg_material": neg0} for f in cell_formats() for p in pos[carrier]]
    out += [{"cell_format": "pouch", "pos_material": p, "neg_material": n} for p, n in _pairs_the_cell_takes(extra)]
    return [{**c, "solve_thickness": 1} for c in out]  # each designed to the power (BatPaC's rule)


__all__ = ["BATPAC5_REFERENCE", "PackDesign", "PackMetrics", "PackDetails", "LINE_ITEMS", "LIMITS", "COUNTS", "check_pack",
           "cell_for_energy", "design_cell", "can_pack", "is_can", "pack_details", "evaluate_pack", "cell_formats", "comparison_cases"]
