"""Scenario studies: the sweeps and tables the reports, the sheets, the UDFs and the CLI show, computed once.

A *scenario* is a frozen dataclass of the study's assumptions (cycles per year, round-trip efficiency, the slurry's
solids fraction, the reference roll, the line-load sweep) whose fields carry their unit and allowed range in
:func:`xlcell.params.param` metadata, as the model inputs do; a *study* is a kernel function of a design (a
population, SI) and a scenario that returns a result dataclass with unit metadata on its fields. A writer lays out
what a study returns (in display units, through :func:`xlcell.params.to_display`); it never calls the models, so one
scenario gives one number everywhere.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np

from . import calendering, degradation, lcos, registry, roll, units
from .cell import CellDesign, CellMetrics, _map_cell, broadcast_fields_cell, evaluate_cell
from .calendering import CalenderingMaterial, Microstructure
from .duty import FAST, SLOW, Duty
from .errors import InputError, ShapeError, XlcellError
from .params import param, per_item, validate

Array = Any

_LIFE = "Lifetime scenario"
_CAL = "Calendering study"
_THK = "Thickness study"


# --------------------------------------------------------------------------------------------------
# Lifetime and cell LCOS
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class LifetimeScenario:
    """How a cell is used over its life: the duty (:class:`xlcell.duty.Duty`: C-rate, depth of discharge,
    temperature, cycles per year, end-of-life SOH) and the per-cell O&M cost and residual value of the cell LCOS.

    The duty is the one description of use: :attr:`cycles_per_year` and :attr:`eol_soh` read it (the keys of the
    Lifetime sheet and of ``XLCELL_SEI_CYCLE_LIFE``). The defaults are the ones ``XLCELL_SEI_CYCLE_LIFE``,
    ``XLCELL_CELL_LCOS`` and the report use: ``Duty()`` (the design's C-rate and temperature, full depth, 365 cycles
    a year, end of life at 80 %).
    """

    duty: Duty = field(default_factory=Duty, metadata={"doc": "how the cell is cycled (xlcell.duty.Duty, SI)"})
    om_usd: Array = field(default=0.0, metadata=param("Lifetime O&M cost per cell", "$", key="c_om", group=_LIFE))
    residual_usd: Array = field(default=0.0, metadata=param("Residual value per cell", "$", key="residual_value",
                                                            group=_LIFE))

    @property
    def cycles_per_year(self) -> Array:
        """The duty's cycles per year (1/yr)."""
        return self.duty.cycles_per_year

    @property
    def eol_soh(self) -> Array:
        """The duty's end-of-life state of health (-)."""
        return self.duty.eol_soh


def cell_lcos(design: CellDesign, scenario: LifetimeScenario = LifetimeScenario(),
              sei_params: degradation.SEIParams = degradation.SEIParams(),
              cost_inputs: Mapping[str, Any] | None = None, mechanics: Any = None, crack: Any = None) -> lcos.CellLcos:
    """Cell-level LCOS of a population of designs under a lifetime scenario: :func:`xlcell.lcos.cell_lcos` at the
    scenario's duty, the registry's chain (one route for ``XLCELL_CELL_LCOS``, the optimiser and the reports).

    Parameters
    ----------
    design : CellDesign
        Designs (SI; fields broadcast).
    scenario : LifetimeScenario
        The duty (C-rate 1/h, DoD -, temperature K, cycles per year 1/yr, end-of-life SOH -), lifetime O&M and
        residual value per cell ($).
    sei_params : SEIParams
        SEI growth parameters of the cycle life.
    cost_inputs : mapping, optional
        Keyword arguments of :func:`xlcell.cost.evaluate_cost` (factory, prices, fmt, yields, slurry).
    mechanics, crack : optional
        The life model's particle-mechanics and coating-crack parameters (None: their defaults).

    Returns
    -------
    CellLcos
        LCOS ($/J), C_BOM and C_mfg ($), energy delivered per cycle at the duty (J), cycle life (-), the round trip
        at the duty (-) and the other terms.
    """
    validate(scenario)
    return lcos.cell_lcos(design, scenario.duty, scenario.om_usd, scenario.residual_usd, sei_params,
                          mechanics=mechanics, crack=crack, **dict(cost_inputs or {}))


@dataclass(frozen=True)
class LifetimeStudy:
    """Fade curves and end-of-life numbers of one design (SI; the metadata gives label and display unit).

    The life model (:func:`xlcell.degradation.cycle_life`, the one the LCOS and the optimiser use) at the scenario's
    duty, against Wang et al. 2011's empirical fit, and the negative's coating cracks.
    """

    cycles: np.ndarray = field(metadata=param("Equivalent full cycles", "-", key="cycles"))
    life_soh: np.ndarray = field(metadata=param("SOH, life model", "-", key="life_soh"))
    wang_soh: np.ndarray = field(metadata=param("SOH, Wang et al. 2011", "-", key="wang_soh", allow_nan=True,
                                                doc="NaN above the published B table's C-rate"))
    life: degradation.LifeResult = field(metadata={"doc": "the life model's end-of-life results (one design)"})
    wang_cycle_life: np.ndarray = field(metadata=param("Cycle life to the end-of-life SOH, Wang et al. 2011", "-",
                                                       key="wang_cycle_life", allow_nan=True))
    wang_defined: np.ndarray = field(metadata=param("Wang et al. has a published B at this C-rate", "bool",
                                                    key="wang_defined"))
    wang_in_range: np.ndarray = field(metadata=param("Wang et al. inside its tested C-rate/temperature range", "bool",
                                                     key="wang_in_range"))
    sei_surface_area_m2: np.ndarray = field(metadata=param("SEI surface of the negative (a·L·A)", "m²",
                                                           key="sei_surface_area_m2"))
    crack_stress_Pa: np.ndarray = field(metadata=param("Swelling stress, negative", "MPa", key="crack_stress_MPa"))
    crack_critical_thickness_m: np.ndarray = field(metadata=param("Critical thickness for cracking, negative", "µm",
                                                                  key="crack_critical_thickness_um"))
    cracked: np.ndarray = field(metadata=param("Negative cracked", "bool", key="cracked"))
    crack_delta_resistance_ohm: np.ndarray = field(metadata=param("Resistance rise from cracking (∝ L²)", "mΩ",
                                                                  key="crack_delta_resistance_mohm"))


def scenario_duty(scenario: LifetimeScenario = LifetimeScenario()) -> Duty:
    """The duty of a lifetime scenario (the scenario holds one :class:`~xlcell.duty.Duty`).

    Parameters
    ----------
    scenario : LifetimeScenario
        The scenario (its duty: C-rate, DoD, temperature, cycles per year, end-of-life SOH).
    """
    return scenario.duty


def lifetime_study(design: CellDesign, cycles: Array, scenario: LifetimeScenario = LifetimeScenario(),
                   duty: Duty | None = None, sei: degradation.SEIParams = degradation.SEIParams(),
                   mech: degradation.MechanicsParams = degradation.MechanicsParams()) -> LifetimeStudy:
    """The life model's fade and end of life (sees the design and the duty) against Wang et al. 2011 (empirical, at
    the design's C-rate and temperature), and cracking of the negative, for one design.

    Parameters
    ----------
    design : CellDesign
        One design (SI); its ``temperature_K`` and ``c_rate_per_h`` are the duty's where the duty leaves them blank.
    cycles : array_like
        Equivalent full cycles of the fade curves (-).
    scenario : LifetimeScenario
        Cycles per year (1/yr) and end-of-life SOH (-), the duty's when ``duty`` is None.
    duty : Duty, optional
        The duty (SI); default :func:`scenario_duty`.
    sei : SEIParams
        SEI growth parameters (SI).
    mech : MechanicsParams
        Particle mechanics (SI).

    Returns
    -------
    LifetimeStudy
        The fade curves at ``cycles`` and the scalar end-of-life and cracking results.
    """
    n = np.asarray(cycles, dtype=float)
    T = float(np.asarray(design.temperature_K).reshape(-1)[0])
    c = float(np.asarray(design.c_rate_per_h).reshape(-1)[0])
    du = scenario_duty(scenario) if duty is None else duty
    fade = degradation.life_fade(design, n, du, sei, mech)
    defined = c <= degradation.WANG_MAX_C_RATE  # the published B table stops at 10C: no empirical curve above it
    wang = degradation.wang_fade_vs_cycles(c, T, n).soh if defined else np.full(n.shape, np.nan)
    crack = degradation.cracking(design)

    def one(x: Any) -> np.ndarray:
        return np.asarray(np.asarray(x).reshape(-1)[0])

    life = degradation.cycle_life(design, du, sei, mech)
    return LifetimeStudy(
        cycles=n, life_soh=np.asarray(fade.soh).reshape(-1), wang_soh=np.asarray(wang, dtype=float).reshape(-1),
        life=dataclasses.replace(life, **{f.name: one(getattr(life, f.name)) for f in dataclasses.fields(life)}),
        wang_cycle_life=np.asarray(float(degradation.wang_cycle_life(c, T, scenario.eol_soh)) if defined else np.nan),
        wang_defined=np.asarray(defined), wang_in_range=np.asarray(bool(degradation.wang_in_range(c, T))),
        sei_surface_area_m2=one(degradation.sei_surface_area(design)), crack_stress_Pa=one(crack.stress_Pa),
        crack_critical_thickness_m=one(crack.critical_thickness_m), cracked=one(crack.cracked),
        crack_delta_resistance_ohm=one(crack.delta_resistance_ohm))


@dataclass(frozen=True)
class ProjectLcosStudy:
    """Project LCOS of a plant with fixed and with the design's modelled degradation, and the yearly cash flow."""

    inputs: lcos.LcosInputs
    fixed: lcos.LcosResult  #: degradation fixed at ``inputs.annual_degradation``
    sei: lcos.LcosResult  #: state of health per year from the life model (:func:`xlcell.degradation.life_soh_by_year`)
    cashflow: dict[str, np.ndarray] = field(metadata=per_item(
        "Yearly cash flow (fixed degradation)", key="cashflow",
        units={k: s.unit for k, s in lcos.CASHFLOW_SPECS.items()}, doc=":func:`xlcell.lcos.cashflow` of the fixed case (SI)"))


def project_lcos_study(design: CellDesign, inputs: lcos.LcosInputs = lcos.LcosInputs()) -> ProjectLcosStudy:
    """Project LCOS (Schmidt et al. 2019) of the plant ``inputs`` with fixed degradation and with the SOH per year
    of ``design`` from the life model at the plant's cycles per year (full depth, the design's C-rate and
    temperature).

    Parameters
    ----------
    design : CellDesign
        One design (SI).
    inputs : LcosInputs
        The plant (SI); default the illustrative 100 MW / 400 MWh plant.

    Returns
    -------
    ProjectLcosStudy
        Both LCOS results ($/J) and the fixed case's cash flow.
    """
    n = int(inputs.lifetime_years)
    soh = degradation.life_soh_by_year(design, n, Duty(cycles_per_year=float(inputs.cycles_per_year)))
    return ProjectLcosStudy(inputs=inputs, fixed=lcos.lcos(inputs), sei=lcos.lcos(inputs, soh=soh),
                            cashflow=lcos.cashflow(inputs))


# --------------------------------------------------------------------------------------------------
# Thickness study
# --------------------------------------------------------------------------------------------------
def _default_thicknesses() -> np.ndarray:
    return units.from_display(np.arange(40.0, 251.0, 10.0), "µm")


@dataclass(frozen=True, kw_only=True)
class ThicknessStudy:
    """The positive-thickness study: a sweep of the positive coating thickness (the negative follows the design's
    N/P ratio, porosities and compositions held) evaluated at each of several duties, by default a slow and a fast
    one (:data:`xlcell.duty.SLOW`, C/3; :data:`xlcell.duty.FAST`, 2C; both full depth, 365 cycles a year, end of life
    at 80 %).
    """

    thicknesses_m: Array = field(default_factory=_default_thicknesses, metadata=param(
        "Positive coating thickness", "µm", key="pos_thickness_um", gt=0, le=2000, group=_THK,
        doc="The sweep: 40 to 250 µm in 10 µm steps (BatPaC 5.0's default positive is 120 µm)"))
    duties: tuple[Duty, ...] = field(default=(SLOW, FAST), metadata={
        "doc": "the duties (xlcell.duty.Duty, SI), one row of the result each; default slow (C/3) and fast (2C)"})
    om_usd: Array = field(default=0.0, metadata=param("Lifetime O&M cost per cell", "$", key="c_om", group=_THK))
    residual_usd: Array = field(default=0.0, metadata=param("Residual value per cell", "$", key="residual_value",
                                                            group=_THK))


@dataclass(frozen=True)
class ThicknessResult:
    """A thickness study (SI; the metadata gives label and display unit). Shapes: ``(K,)`` per thickness,
    ``(D, K)`` per duty and thickness, ``(D,)`` per duty."""

    thickness_m: np.ndarray = field(metadata=param("Positive coating thickness", "µm", key="pos_thickness_um"))
    neg_thickness_m: np.ndarray = field(metadata=param("Negative coating thickness (N/P held)", "µm",
                                                       key="neg_thickness_um"))
    c_rate_per_h: np.ndarray = field(metadata=param("Duty C-rate", "C-rate", key="duty_c_rate"))
    energy_J: np.ndarray = field(metadata=param("Nameplate energy", "Wh", key="energy_Wh"))
    specific_energy_J_kg: np.ndarray = field(metadata=param("Nameplate specific energy", "Wh/kg",
                                                            key="specific_energy_Wh_kg"))
    max_power_W: np.ndarray = field(metadata=param("Maximum power", "W", key="max_power_W"))
    cost_usd_J: np.ndarray = field(metadata=param("Cell cost per nameplate kWh", "$/kWh", key="cell_cost_usd_per_kWh"))
    usable_fraction: np.ndarray = field(metadata=param("Usable capacity fraction at the duty", "-",
                                                       key="usable_fraction_duty"))
    usable_energy_J: np.ndarray = field(metadata=param("Energy delivered per cycle at the duty", "Wh",
                                                       key="usable_energy_Wh"))
    cycle_life: np.ndarray = field(metadata=param("Cycle life (equivalent full cycles)", "-", key="cycle_life"))
    cost_usd_J_usable: np.ndarray = field(metadata=param("Cell cost per kWh delivered at the duty", "$/kWh",
                                                         key="cell_cost_usd_per_kWh_usable"))
    lcos_usd_J: np.ndarray = field(metadata=param("Cell LCOS at the duty", "$/kWh", key="lcos_cell_usd_per_kWh"))
    feasible: np.ndarray = field(metadata=param("Feasible at the duty's C-rate", "bool", key="feasible"))
    lcos_min_usd_J: np.ndarray = field(metadata=param("Lowest LCOS of the sweep", "$/kWh", key="lcos_min_usd_per_kWh"))
    lcos_min_thickness_m: np.ndarray = field(metadata=param("Positive thickness of the lowest LCOS", "µm",
                                                            key="lcos_min_pos_thickness_um"))
    lcos_interior: np.ndarray = field(metadata=param(
        "LCOS has an interior optimum", "bool", key="lcos_interior_optimum",
        doc="The lowest LCOS lies inside the sweep, not at its thinnest or thickest end"))


def thickness_study(design: CellDesign, study: ThicknessStudy = ThicknessStudy(),
                    sei_params: degradation.SEIParams = degradation.SEIParams(),
                    cost_inputs: Mapping[str, Any] | None = None, mechanics: Any = None,
                    crack: Any = None) -> ThicknessResult:
    """Energy, power, cycle life, cost per kWh and cell LCOS of ``design`` over a positive-thickness sweep, at each
    duty of ``study``, in one evaluation of the registry's chain (the cell LCOS is :func:`xlcell.lcos.cell_lcos_of`'s,
    the cycle life the lifetime provider's at the duty).

    At each duty the design runs at the duty's C-rate (so ``feasible`` is the cell's at that rate) and the negative
    follows the design's N/P ratio.

    Parameters
    ----------
    design : CellDesign
        One design (SI); its positive thickness is swept.
    study : ThicknessStudy
        Thicknesses (m), duties, lifetime O&M and residual value per cell ($).
    sei_params : SEIParams
        SEI growth parameters of the cycle life.
    cost_inputs : mapping, optional
        Keyword arguments of :func:`xlcell.cost.evaluate_cost` (factory, prices, fmt, yields, slurry).
    mechanics, crack : optional
        The life model's particle-mechanics and coating-crack parameters (None: their defaults).

    Returns
    -------
    ThicknessResult
        Per thickness ``(K,)``, per duty and thickness ``(D, K)``, per duty ``(D,)`` (SI).
    """
    validate(study)
    L = np.asarray(study.thicknesses_m, dtype=float).reshape(-1)
    if L.size < 1 or not study.duties:
        raise InputError("pos_thickness_um" if L.size < 1 else "duties", L.size if L.size < 1 else 0,
                         "at least one thickness and one duty")
    for duty in study.duties:
        validate(duty)
    one = broadcast_fields_cell(design)
    if np.size(one.pos.thickness_m) != 1:
        raise ShapeError("design", f"a population of {np.size(one.pos.thickness_m)}", "one design")
    one = _map_cell(one, lambda x: np.asarray(x).reshape(-1)[0])
    D, K = len(study.duties), L.size
    duties = Duty(**{f.name: np.repeat([float(getattr(d, f.name)) for d in study.duties], K)
                     for f in dataclasses.fields(Duty)})
    c = np.where(np.isnan(duties.c_rate_per_h), float(one.c_rate_per_h), duties.c_rate_per_h)
    np_ratio = float(np.asarray(evaluate_cell(one).np_ratio).reshape(-1)[0])  # the design's N/P, held
    pop = dataclasses.replace(one, c_rate_per_h=c, np_ratio=np.full(D * K, np_ratio),
                              pos=dataclasses.replace(one.pos, thickness_m=np.tile(L, D)),
                              neg=dataclasses.replace(one.neg, thickness_m=np.full(D * K, np.nan)))
    ev = registry.Evaluation(pop, lcos.model_context(duties, study.om_usd, study.residual_usd, sei_params, cost_inputs,
                                                     mechanics, crack))
    cl = lcos.cell_lcos_of(ev)

    def grid(x: Any) -> np.ndarray:
        return np.broadcast_to(np.asarray(x), (D * K,)).reshape(D, K)

    def si(key: str) -> np.ndarray:
        return grid(registry.output_spec(key).to_si(np.asarray(ev[key], dtype=float)))

    lcos_grid = grid(cl.lcos_usd_J)
    best = np.argmin(lcos_grid, axis=1)
    return ThicknessResult(
        thickness_m=L, neg_thickness_m=si("neg_thickness_um")[0], c_rate_per_h=grid(c)[:, 0],
        energy_J=si("energy_Wh")[0], specific_energy_J_kg=si("specific_energy_Wh_kg")[0],
        max_power_W=si("max_power_W")[0], cost_usd_J=si("cell_cost_usd_per_kWh")[0],
        usable_fraction=grid(cl.usable_fraction), usable_energy_J=grid(cl.energy_J), cycle_life=grid(cl.cycles),
        cost_usd_J_usable=grid(cl.cost_usd_J_usable), lcos_usd_J=lcos_grid,
        feasible=grid(np.asarray(ev["feasible"], dtype=bool)),
        lcos_min_usd_J=lcos_grid[np.arange(D), best], lcos_min_thickness_m=L[best], lcos_interior=(best > 0) & (best < K - 1))


# --------------------------------------------------------------------------------------------------
# Calendering
# --------------------------------------------------------------------------------------------------
def _default_line_loads() -> np.ndarray:
    return calendering.LINE_LOAD.to_si(np.arange(0.0, 2001.0, 100.0))


@dataclass(frozen=True, kw_only=True)
class CalenderingStudy:
    """The calendering study of an electrode: a line-load sweep at a slurry solids fraction, and a reference roll.

    The reference calender: 1000 N/mm over a 0.8 m face, 1.2 m bearing span, solid 0.6 m steel rolls.
    """

    line_loads_N_m: Array = field(default_factory=_default_line_loads, metadata=param(
        "Line load", "N/mm", key="line_load_N_mm", ge=0, group=_CAL, doc="The sweep: 0 to 2000 N/mm in 100 N/mm steps"))
    solids_fraction: Array = field(default=0.40, metadata=param(
        "Slurry solids volume fraction φ_s", "-", key="solids_fraction", gt=0, lt=1, group=_CAL))
    roll_line_load_N_m: Array = field(default=float(calendering.LINE_LOAD.to_si(1000.0)), metadata=param(
        "Reference roll: line load", "N/mm", key="roll_line_load_N_mm", ge=0, group=_CAL))
    face_width_m: Array = field(default=0.8, metadata=param("Reference roll: face width", "m", key="face_width_m", gt=0,
                                                            group=_CAL))
    bearing_span_m: Array = field(default=1.2, metadata=param("Reference roll: bearing span", "m", key="bearing_span_m",
                                                              gt=0, group=_CAL))
    roll_diameter_m: Array = field(default=0.6, metadata=param("Reference roll: diameter (solid steel)", "m",
                                                               key="roll_diameter_m", gt=0, group=_CAL))

    def roll(self) -> dict[str, Array]:
        """The reference roll as keyword arguments of :mod:`xlcell.roll`."""
        return {"line_load_N_m": self.roll_line_load_N_m, "face_width_m": self.face_width_m,
                "bearing_span_m": self.bearing_span_m, "roll_diameter_m": self.roll_diameter_m}


@dataclass(frozen=True)
class CalenderingResult:
    """A calendering study of one electrode (SI; the metadata gives label and display unit)."""

    micro: Microstructure = field(metadata={"doc": "microstructure at each line load of the sweep"})
    cell: CellMetrics = field(metadata={"doc": "cell metrics at each line load (areal capacity held)"})
    eps0: np.ndarray = field(metadata=param("Porosity before calendering ε0", "-", key="eps0"))
    design_porosity: np.ndarray = field(metadata=param("Design porosity", "-", key="design_porosity"))
    design_line_load_N_m: np.ndarray = field(metadata=param(
        "Line load for the design porosity", "N/mm", key="design_line_load_N_mm", allow_nan=True,
        doc="NaN when no line load reaches it (see design_line_load_note)"))
    design_line_load_note: str = field(metadata=param("Why no line load reaches the design porosity", "text",
                                                      key="design_line_load_note"))
    fracture_line_load_N_m: np.ndarray = field(metadata=param("Fracture-limited line load", "N/mm",
                                                              key="fracture_line_load_N_mm", doc="inf: ductile"))
    fracture_porosity: np.ndarray = field(metadata=param("Fracture-onset porosity", "-", key="fracture_porosity"))
    roll_deflection_m: np.ndarray = field(metadata=param("Reference roll mid-face deflection", "µm",
                                                         key="roll_deflection_um"))
    crown_height_m: np.ndarray = field(metadata=param("Crown height per roll (bending + shear)", "µm",
                                                      key="crown_height_um"))
    crown_radius_m: np.ndarray = field(metadata=param("Crown radius of curvature", "m", key="crown_radius_m"))
    thermal_crown_K: np.ndarray = field(metadata=param("Thermal crown: centre-to-edge ΔT", "K", key="thermal_crown_K"))


def calendering_study(design: CellDesign, material: CalenderingMaterial, study: CalenderingStudy = CalenderingStudy(),
                      which: str = "pos") -> CalenderingResult:
    """One electrode of ``design`` calendered over the study's line-load sweep (areal capacity held), the line load
    that reaches the design's porosity, the fracture limit, and the reference roll's deflection and crown.

    Parameters
    ----------
    design : CellDesign
        One design (SI).
    material : CalenderingMaterial
        The electrode's compaction, fracture and conduction parameters.
    study : CalenderingStudy
        Line loads (N/m), slurry solids fraction (-) and reference roll (N/m, m).
    which : {"pos", "neg"}
        The electrode calendered.

    Returns
    -------
    CalenderingResult
        Microstructure and cell metrics per line load, and the scalar facts (SI).
    """
    micro, cell = calendering.calendering_performance(design, study.line_loads_N_m, which=which, material=material,
                                                      solids_fraction=study.solids_fraction)
    e0 = calendering.coating_porosity(study.solids_fraction, material.drying_shrinkage)
    eps = np.asarray(getattr(design, which).porosity).reshape(-1)[0]
    try:
        q_design, note = calendering.line_load_for_porosity(eps, e0, material.eps_min, material.gamma_N_m), ""
    except XlcellError as exc:
        q_design, note = np.nan, str(exc)
    h = roll.crown_height(**study.roll())
    return CalenderingResult(
        micro=micro, cell=cell, eps0=np.asarray(e0), design_porosity=np.asarray(eps),
        design_line_load_N_m=np.asarray(q_design, dtype=float), design_line_load_note=note,
        fracture_line_load_N_m=np.asarray(calendering.fracture_line_load(e0, material), dtype=float),
        fracture_porosity=np.asarray(material.fracture_porosity), roll_deflection_m=np.asarray(roll.roll_deflection(**study.roll())),
        crown_height_m=np.asarray(h), crown_radius_m=np.asarray(roll.crown_radius(h, study.face_width_m)),
        thermal_crown_K=np.asarray(roll.thermal_crown_temperature(h, study.roll_diameter_m)))


__all__ = ["CalenderingResult", "CalenderingStudy", "LifetimeScenario", "LifetimeStudy", "ProjectLcosStudy",
           "ThicknessResult", "ThicknessStudy", "calendering_study", "cell_lcos", "lifetime_study", "project_lcos_study",
           "thickness_study", "scenario_duty"]
