"""Cell design model: from the design vector to capacity, energy, resistance, power and rate limits.

The design vector of the seed, x = (L_p, L_n, ε_p, ε_n, r_part, t_sep, t_cc), plus composition,
materials, electrode area and N/P ratio, is held in :class:`CellDesign` (SI units, every field an
array or scalar; all broadcast together). :func:`evaluate_cell` evaluates a whole population of
designs in one call and returns :class:`CellMetrics`.

Relations (all per unit of positive electrode area unless stated):

* composite coating density ρ = (1 - ε) / Σ(w_i / ρ_i); areal capacity Q_A = L ρ w_AM q_AM;
  active-material volume fraction ε_AM = (1 - ε)(w_AM/ρ_AM) / Σ(w_i/ρ_i) (BatPaC 5.0, section 2.2);
* q is the practical (cycled) specific capacity: what a full cell cycles between its cut-offs after formation,
  q = q_theoretical (x_max - x_min) over the material's cycled window (:mod:`xlcell.materials`; BatPaC's capacities
  are such practical ones and are used as they are); so N/P = Q_A,n / Q_A,p compares cycled capacities (a
  negative's q is its reversible capacity); a NaN negative thickness is derived from the N/P ratio;
  capacity = min(Q_A,p, Q_A,n) x area;
* one chain (:func:`chain`, issue 17): the cell format (:mod:`xlcell.pouch`, BatPaC 5.0's pouch of stacked
  bicells) sets the negative area, foils, separator, terminals, pouch, electrolyte fill and the cell volume, so the
  cell mass and volume include the format's hardware; the rated (nameplate) energy is capacity x the voltage under
  BatPaC's rating rule, V_nom = OCV - (C/3) Q_A ASI_rating with ASI_rating = this model's ASI (below) + the format's
  hardware ASI, so resistance, porosity, line load and particle radius move the energy and the cost per kWh. The
  cost model reads the same chain; BatPaC's fixed couple ASI is a mode of it (:func:`xlcell.pouch.batpac_format`);
* area-specific impedance: electrolyte L_p/(3κ_p) + t_sep/κ_sep + L_n/(3κ_n) with κ = κ0 ε^b in the separator and
  κ0 ε^b / sqrt(A) through a coating (its through-plane tortuosity τ sqrt(A), A the anisotropy that compaction
  from the dried coating's porosity builds, :mod:`xlcell.conduction`);
  electronic L/(3σ_eff), σ_eff the through-plane conductivity of the one law shared with the calendering model
  (:mod:`xlcell.conduction`: the active matrix σ (1 - ε)^b in parallel with the percolating carbon network);
  charge transfer RT/(F i0 a_eff L), a = 3 ε_AM / r,
  a_eff = a (1 - θ_b) where θ_b = min(0.99, k_b v_binder / v_AM) is the share of the active
  surface blinded by binder;
* rate capability (issue 13; docs/models/rate-power.md, validated against PyBaMM's DFN in tests/test_rate_dfn.py):
  solid diffusion in each electrode's particles by the exact constant-flux sphere (:func:`sphere_usable_fraction`:
  the share of the window delivered before the surface leaves it, 1 - N/15 at small N = (r²/D_s)/(3600/C), 9π/(4N)
  at large N), electrolyte depletion by the full cell's steady salt balance (:func:`_salt_balance`: the share of the
  positive the salt reaches, reached after the depletion time of its two relaxation modes; the positive's particles
  there fill at C/share), and the cut-off voltage through the OCV's end-of-discharge tail; the usable fraction is
  min(positive, negative) x the voltage share;
* voltage under load V = OCV - i ASI_ohm - η_p - η_n with Butler–Volmer overpotentials η = (2RT/F) asinh(i/(2 I_0)),
  I_0 = RT/(F ASI_ct), whose small-current limit is the linear charge-transfer ASI below;
* power at BatPaC 5.0's definition (2.4): a 10 s pulse at the fraction f (0.8) of the open-circuit voltage, through
  the ohmic and Butler–Volmer drops, the salt's concentration overpotential after 10 s (:func:`pulse_current`; with
  the design's salt diffusivity law, the positive's Kirchhoff mean of D(c), :func:`salt_diffusivity_gain`) and the
  particles' solid-diffusion polarisation, each electrode's OCV slope × its surface's move
  (:func:`pulse_solid_resistance`; no slope: none), capped where a surface leaves its window (:func:`pulse_solid_limit`);
* the feasibility flags: each diffusion limit alone keeps ``min_usable_fraction`` of the capacity at the C-rate, on
  discharge and on charge; the voltage under load stays above the cut-off. With these, a 21700 cell with the LG M50's
  parameters (Chen et al. 2020) loses its capacity between 2C and 3C at a 76 µm positive and between 1C and 2C at
  100 µm, as the issue's cited simulations report (test: tests/test_cell.py).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from . import conduction, paramsets, units
from .constants import FARADAY, GAS_CONSTANT, SECONDS_PER_HOUR
from .errors import InputError
from .materials import Material, get_material
from .params import param, specs, validate
from .formats import can_geometry
from .pouch import CellFormat, check_format, pouch_geometry
from .transport import (check_conductivity_law, check_salt_diffusivity_law, diffusion_time, effective_conductivity,
                        kirchhoff_mean)

Array = Any  # float or numpy array; every field broadcasts with every other

_E = "Electrode"


@dataclass(frozen=True, kw_only=True)
class ElectrodeDesign:
    """One electrode: coating, composition, active material and current-collector foil (SI)."""

    thickness_m: Array = field(metadata=param(
        "Coating thickness (one side)", "µm", key="thickness_um", gt=0, le=2000, group=_E,
        doc="Thickness of the porous coating on one side of the foil"))
    porosity: Array = field(metadata=param("Porosity", "-", key="porosity", gt=0, lt=1, group=_E,
                                           doc="Void volume fraction of the coating"))
    am_frac: Array = field(metadata=param("Active material mass fraction", "-", key="am_frac", gt=0, le=1, group=_E))
    carbon_frac: Array = field(metadata=param("Conductive carbon mass fraction", "-", key="carbon_frac", ge=0, lt=1, group=_E))
    binder_frac: Array = field(metadata=param("Binder mass fraction", "-", key="binder_frac", ge=0, lt=1, group=_E))
    am_density_kg_m3: Array = field(metadata=param("Active material density", "g/cm³", key="am_density_g_cm3", gt=0, le=20, group=_E, from_material=True))
    carbon_density_kg_m3: Array = field(metadata=param("Carbon density", "g/cm³", key="carbon_density_g_cm3", gt=0, le=20, group=_E))
    binder_density_kg_m3: Array = field(metadata=param("Binder density", "g/cm³", key="binder_density_g_cm3", gt=0, le=20, group=_E))
    specific_capacity_C_kg: Array = field(metadata=param(
        "Specific capacity, practical (cycled)", "mAh/g", key="specific_capacity_mAh_g", gt=0, le=4000, group=_E,
        from_material=True, doc="The charge per g a full cell cycles after formation (the material's theoretical "
                                "capacity × its cycled window); blank: the material's"))
    potential_V: Array = field(metadata=param("Mean potential vs Li/Li+", "V", key="potential_V", ge=0, le=6, group=_E, from_material=True))
    particle_radius_m: Array = field(metadata=param("Particle radius", "µm", key="particle_radius_um", gt=0, le=100, group=_E, from_material=True))
    exchange_current_A_m2: Array = field(metadata=param("Exchange current density", "mA/cm²", key="exchange_current_mA_cm2", gt=0, group=_E, from_material=True))
    solid_diffusivity_m2_s: Array = field(metadata=param("Solid diffusivity", "m²/s", key="solid_diffusivity_m2_s", gt=0, group=_E, from_material=True))
    conductivity_S_m: Array = field(metadata=param(
        "Active-matrix conductivity (without the carbon network)", "S/m", key="conductivity_S_m", gt=0, group=_E,
        from_material=True, doc="The carbon network of the coating adds to it (xlcell.conduction); without calendering "
                                "parameters for the material this is the whole solid's conductivity"))
    foil_thickness_m: Array = field(metadata=param("Current-collector foil thickness", "µm", key="foil_um", gt=0, le=200, group=_E))
    foil_density_kg_m3: Array = field(metadata=param("Foil density", "g/cm³", key="foil_density_g_cm3", gt=0, le=25, group=_E, advanced=True))
    binder_blinding: Array = field(metadata=param(
        "Binder blinding coefficient", "-", key="binder_blinding", ge=0, le=100, group=_E, advanced=True,
        doc="Share of active surface covered per unit binder/AM volume ratio (0 = no blinding)"))
    surface_headroom: Array = field(default=float("nan"), metadata=param(
        "Surface stoichiometry headroom beyond the cycled window", "-", key="surface_headroom", ge=0, le=10,
        allow_nan=True, group=_E, advanced=True,
        doc="How far past the end of its cycled window a particle's surface may go on discharge before the "
            "electrode's potential collapses, as a share of the window (e.g. (1 - x_max)/(x_max - x_min) for a "
            "positive); blank: from the electrode's window x_min/x_max where the design carries one, else 0"))
    ocv_slope_V: Array = field(default=0.0, metadata=param(
        "Open-circuit potential slope at 50 % SOC, per cycled window", "V", key="ocv_slope_V", ge=0, le=20, group=_E,
        advanced=True, from_material=True,
        doc="|dU/dSOC| of the electrode's open-circuit potential at the power pulse's 50 % SOC, per unit of its "
            "cycled window (|dU/dx| × (x_max - x_min)): the potential its particles' surfaces lose as they move "
            "in the 10 s pulse (solid-diffusion polarisation); 0: no slope (the pulse sees solid diffusion only "
            "where a surface reaches the end of its window); blank: the material's (its library value from a "
            "published open-circuit potential, 0 where none is stored)"))
    ocv_loss_soc10_V: Array = field(default=0.0, metadata=param(
        "Open-circuit potential loss from 50 % to 10 % SOC", "V", key="ocv_loss_soc10_V", ge=0, le=5, group=_E,
        advanced=True, from_material=True,
        doc="|U(50 % SOC) - U(10 % SOC)| of the electrode's open-circuit potential over its cycled window: a node of "
            "the OCV curve its particles' surfaces follow in the 10 s power pulse (with ocv_slope_V at 50 % SOC, "
            "ocv_loss_soc5_V and ocv_loss_soc0_V; :func:`xlcell.cell.pulse_ocv_loss`); all three 0: no curve (the "
            "tangent ocv_slope_V alone); blank: the material's"))
    ocv_loss_soc5_V: Array = field(default=0.0, metadata=param(
        "Open-circuit potential loss from 50 % to 5 % SOC", "V", key="ocv_loss_soc5_V", ge=0, le=5, group=_E,
        advanced=True, from_material=True,
        doc="|U(50 % SOC) - U(5 % SOC)| of the electrode's open-circuit potential: a node of the pulse's OCV curve, "
            "at least ocv_loss_soc10_V; blank: the material's"))
    ocv_loss_soc0_V: Array = field(default=0.0, metadata=param(
        "Open-circuit potential loss from 50 % to 0 % SOC (the window's end)", "V", key="ocv_loss_soc0_V", ge=0,
        le=5, group=_E, advanced=True, from_material=True,
        doc="|U(50 % SOC) - U(0 % SOC)| of the electrode's open-circuit potential, 0 % SOC the discharge end of its "
            "cycled window (a negative's potential rises there, a positive's falls): the end node of the pulse's "
            "OCV curve, at least ocv_loss_soc5_V; 0: no curve (the pulse's OCV moves along the tangent "
            "ocv_slope_V); blank: the material's"))
    am_price_usd_kg: Array = field(metadata=param(
        "Active-material price", "$/kg", key="price_usd_per_kg", ge=0, allow_nan=True, group=_E, from_material=True,
        advanced=True, doc="Blank: the material's library price (BatPaC 5.0's Chem sheet); the cost model's price of the "
                           "active material unless one is typed on the BOM sheet"))


@dataclass(frozen=True, kw_only=True)
@paramsets.defaults("batpac5_default", "design.separator")
class SeparatorDesign:
    """The separator (SI)."""

    thickness_m: Array = field(metadata=param("Separator thickness", "µm", key="thickness_um", gt=0, le=500, group="Separator"))
    porosity: Array = field(metadata=param("Separator porosity", "-", key="porosity", gt=0, lt=1, group="Separator"))
    density_kg_m3: Array = field(metadata=param("Separator bulk density", "g/cm³", key="density_g_cm3", gt=0, le=5, group="Separator", advanced=True))
    bruggeman_exponent: Array = field(metadata=param(
        "Separator Bruggeman exponent", "-", key="bruggeman_exponent", ge=1, le=5, allow_nan=True, group="Separator",
        advanced=True, doc="The separator's own exponent of its effective salt diffusivity and conductivity, ε^b; "
                           "blank: the cell's Bruggeman exponent (the coatings')"))


_C = "Cell"
_OP = "Operation"
_EL = "Electrolyte"
_RM = "Rate model"


@dataclass(frozen=True, kw_only=True)
@paramsets.defaults("batpac5_default", "design.cell")
class CellDesign:
    """A cell design (or an array of designs): electrodes, separator and cell-level inputs (SI).

    Defaults are BatPaC 5.0's default NMC811-graphite EV cell where BatPaC defines the value (``[design.cell]`` and
    ``[design.separator]`` of ``xlcell/data/batpac5_default.toml``).
    A NaN ``neg.thickness_m`` is derived from ``np_ratio``; a NaN ``avg_voltage_V`` is the
    difference of the electrodes' mean potentials.
    """

    pos: ElectrodeDesign
    neg: ElectrodeDesign
    sep: SeparatorDesign = field(default_factory=SeparatorDesign)
    np_ratio: Array = field(metadata=param("N/P capacity ratio", "-", key="np_ratio", gt=0, le=10, group=_C,
                                                        doc="Negative/positive areal capacity; sets the negative thickness when that is blank"))
    electrode_area_m2: Array = field(metadata=param(
        "Electrode area (positive, all layers)", "cm²", key="electrode_area_cm2", gt=0, group=_C,
        doc="Total area of positive coating facing a negative, all layers"))
    avg_voltage_V: Array = field(metadata=param("Mean cell voltage (override)", "V", key="avg_voltage_V", gt=0, le=10, allow_nan=True, group=_C,
                                                                doc="Blank = positive minus negative mean potential"))
    electrolyte_conductivity_S_m: Array = field(metadata=param("Electrolyte conductivity", "S/m", key="electrolyte_conductivity_S_m", gt=0, le=100, group=_EL))
    electrolyte_diffusivity_m2_s: Array = field(metadata=param("Electrolyte salt diffusivity", "m²/s", key="electrolyte_diffusivity_m2_s", gt=0, group=_EL))
    electrolyte_concentration_mol_m3: Array = field(metadata=param("Salt concentration", "mol/L", key="electrolyte_concentration_mol_L", gt=0, le=10, group=_EL))
    transference_number: Array = field(metadata=param("Cation transference number", "-", key="transference_number", ge=0, lt=1, group=_EL, advanced=True))
    electrolyte_density_kg_m3: Array = field(metadata=param("Electrolyte density", "g/cm³", key="electrolyte_density_g_cm3", gt=0, le=5, group=_EL, advanced=True))
    electrolyte_excess: Array = field(metadata=param(
        "Electrolyte excess over pore volume", "-", key="electrolyte_excess", ge=0, le=5, group=_EL, advanced=True,
        doc="Beyond the pores and the format's fill of the stack envelope (BatPaC: 0)"))
    bruggeman_exponent: Array = field(metadata=param("Bruggeman exponent", "-", key="bruggeman_exponent", ge=1, le=5, group=_EL))
    salt_diffusivity_inverse: Array = field(metadata=param(
        "Salt diffusivity law: c0/c coefficient", "-", key="salt_diffusivity_inverse", ge=0, le=10, group=_EL,
        advanced=True,
        doc="q_-1 of D(c)/D(c0) = (q_-1 c0/c + q_0 + q_1 c/c0 + q_2 (c/c0)²) exp(-β (c/c0 - 1)), q_0 = 1 - q_-1 - q_1 "
            "- q_2 (xlcell.transport.salt_diffusivity_factor; e.g. Ecker et al. 2015's σ(c)/c); every coefficient 0: "
            "a constant salt diffusivity. The power pulse's salt balance gives the positive D(c0) times the law's "
            "mean from 0.05 c0 to c0; the discharge's keeps D(c0) (docs/models/rate-power.md)"))
    salt_diffusivity_linear: Array = field(metadata=param(
        "Salt diffusivity law: c/c0 coefficient", "-", key="salt_diffusivity_linear", ge=-100, le=100, group=_EL,
        advanced=True, doc="q_1 of the salt diffusivity law (see salt_diffusivity_inverse; Nyman et al. 2008's "
                           "quadratic in c: q_1 = a_1 c0/D(c0))"))
    salt_diffusivity_quadratic: Array = field(metadata=param(
        "Salt diffusivity law: (c/c0)² coefficient", "-", key="salt_diffusivity_quadratic", ge=-100, le=100,
        group=_EL, advanced=True, doc="q_2 of the salt diffusivity law (see salt_diffusivity_inverse; Nyman et al. "
                                      "2008's quadratic in c: q_2 = a_2 c0²/D(c0))"))
    salt_diffusivity_exponent: Array = field(metadata=param(
        "Salt diffusivity law: exponential decay per c0", "-", key="salt_diffusivity_exponent", ge=-10, le=10,
        group=_EL, advanced=True, doc="β of the salt diffusivity law (see salt_diffusivity_inverse; Capiglia et al. "
                                      "1999's D ∝ exp(-0.65 c/(mol/L)) at 1 mol/L: β = 0.65)"))
    conductivity_linear: Array = field(metadata=param(
        "Conductivity law: c/c0 coefficient", "-", key="conductivity_linear", ge=-100, le=100, group=_EL,
        advanced=True,
        doc="k_1 of κ(c)/κ(c0) = k_0 + k_1 c/c0 + k_2 (c/c0)² + k_3 (c/c0)³, k_0 = 1 - k_1 - k_2 - k_3 "
            "(xlcell.transport.conductivity_factor; e.g. Nyman et al. 2008's κ(c) fitted on 0-2 c0: 2.404, -1.829, "
            "0.389); every coefficient 0: a constant conductivity. Must stay > 0 from 0 to 5 c0. The rate model "
            "keeps κ(c0) (docs/models/rate-power.md: the experiment that uses it)"))
    conductivity_quadratic: Array = field(metadata=param(
        "Conductivity law: (c/c0)² coefficient", "-", key="conductivity_quadratic", ge=-100, le=100, group=_EL,
        advanced=True, doc="k_2 of the conductivity law (see conductivity_linear)"))
    conductivity_cubic: Array = field(metadata=param(
        "Conductivity law: (c/c0)³ coefficient", "-", key="conductivity_cubic", ge=-100, le=100, group=_EL,
        advanced=True, doc="k_3 of the conductivity law (see conductivity_linear)"))
    temperature_K: Array = field(metadata=param("Temperature", "°C", key="temperature_C", ge=-60, le=150, group=_OP))
    c_rate_per_h: Array = field(metadata=param("Discharge C-rate", "C-rate", key="c_rate", gt=0, le=100, group=_OP))
    power_voltage_fraction: Array = field(metadata=param("Voltage at maximum power / OCV", "-", key="power_voltage_fraction", gt=0, lt=1, group=_OP, advanced=True,
                                                                      doc="BatPaC rates power at 80 % of open-circuit voltage"))
    cutoff_voltage_V: Array = field(metadata=param(
        "Discharge cut-off voltage", "V", key="cutoff_voltage_V", gt=0, le=10, allow_nan=True, group=_OP,
        doc="The voltage under load at which a discharge ends; blank: 0.7 × the open-circuit voltage (2.6 V for "
            "NMC811-graphite). Must be below the open-circuit voltage"))
    ocv_tail: Array = field(metadata=param(
        "Steepness of the OCV's end-of-discharge tail", "-", key="ocv_tail", gt=0, le=1, group=_RM, advanced=True,
        doc="s in (OCV(q) - V_cut)/(OCV - V_cut) = 1 - q^(1/s), q the delivered share of the capacity: a polarisation "
            "ΔV ends the discharge at q = (1 - ΔV/(OCV - V_cut))^s; small s: a flat OCV that falls late (LFP)"))
    min_usable_fraction: Array = field(metadata=param(
        "Usable fraction a feasible design keeps at the C-rate", "-", key="min_usable_fraction", gt=0, lt=1, group=_RM,
        advanced=True, doc="The rate criterion of the feasible_solid and feasible_electrolyte flags and of the "
                           "rate-limit metrics: each diffusion limit alone must leave this share of the capacity"))


def electrode(material: str | Material, *, extra: Mapping[str, Material] | None = None, **fields_si: Array) -> ElectrodeDesign:
    """An :class:`ElectrodeDesign` with the material's library values; SI overrides by field name.

    Parameters
    ----------
    material : str or Material
        A library material name (e.g. ``"NMC811"``) or a :class:`~xlcell.materials.Material`.
    extra : mapping of str to Material, optional
        Extra materials to look names up in besides the library (e.g. a workbook's Materials sheet).
    **fields_si : array_like
        Overrides of :class:`ElectrodeDesign` fields by their SI names (e.g. ``thickness_m=80e-6``,
        ``porosity=0.3``).
    """
    m = material if isinstance(material, Material) else get_material(material, extra)
    base: dict[str, Array] = dict(
        specific_capacity_C_kg=m.specific_capacity_C_kg, am_density_kg_m3=m.am_density_kg_m3,
        potential_V=m.potential_V, particle_radius_m=m.particle_radius_m,
        exchange_current_A_m2=m.exchange_current_A_m2, solid_diffusivity_m2_s=m.solid_diffusivity_m2_s,
        conductivity_S_m=m.conductivity_S_m, binder_blinding=1.0, am_price_usd_kg=m.am_price_usd_kg,
        ocv_slope_V=m.ocv_slope_V, **{k: getattr(m, k) for k in OCV_NODE_KEYS},
    )
    base.update(fields_si)
    return ElectrodeDesign(**base)


def default_design(**cell_fields: Array) -> CellDesign:
    """BatPaC 5.0's default NMC811-graphite EV cell (68.18 Ah), with xlcell's extra defaults.

    The electrodes are ``[design.positive]`` and ``[design.negative]`` of ``xlcell/data/batpac5_default.toml``
    (their active materials from the material library); the separator and cell fields take their dataclass
    defaults, filled from the same file. BatPaC has no binder blinding; xlcell's default blinding coefficient is 1.
    BatPaC has no binder blinding; xlcell's default blinding coefficient is 1.

    Parameters
    ----------
    **cell_fields : array_like
        Overrides of :class:`CellDesign` fields by their SI names (e.g. ``np_ratio=1.2``,
        ``electrode_area_m2=0.5``).
    """
    return CellDesign(pos=_default_electrode("positive"), neg=_default_electrode("negative"), **cell_fields)


def default_material(role: str) -> str:
    """The active material of BatPaC's default ``"positive"`` or ``"negative"`` electrode (NMC811, Graphite).

    Parameters
    ----------
    role : str
        ``"positive"`` or ``"negative"``.
    """
    return str(paramsets.table("batpac5_default", f"design.{role}")["material"])


def _default_electrode(role: str) -> ElectrodeDesign:
    path = f"design.{role}"
    values = paramsets.si_values(ElectrodeDesign, paramsets.table("batpac5_default", path),
                                 f"xlcell/data/batpac5_default.toml [{path}]", skip=("material",))
    return electrode(default_material(role), **values)


@dataclass(frozen=True, kw_only=True)
class CellMetrics:
    """Results of :func:`evaluate_cell` (SI; the metadata gives the Excel key and unit).

    A result of ``evaluate_cell(..., metrics=...)`` holds only the metrics asked for (:attr:`computed`); reading
    another raises :class:`AttributeError` naming it, so a metric that was not computed never appears as a number.
    """

    pos_areal_capacity_C_m2: Array = field(metadata=param("Positive areal capacity", "mAh/cm²", key="pos_areal_capacity_mAh_cm2"))
    neg_areal_capacity_C_m2: Array = field(metadata=param("Negative areal capacity", "mAh/cm²", key="neg_areal_capacity_mAh_cm2"))
    np_ratio: Array = field(metadata=param("N/P ratio", "-", key="np_ratio"))
    pos_thickness_m: Array = field(metadata=param("Positive coating thickness", "µm", key="pos_thickness_um"))
    neg_thickness_m: Array = field(metadata=param("Negative coating thickness", "µm", key="neg_thickness_um"))
    pos_coating_density_kg_m3: Array = field(metadata=param("Positive coating density", "g/cm³", key="pos_coating_density_g_cm3"))
    neg_coating_density_kg_m3: Array = field(metadata=param("Negative coating density", "g/cm³", key="neg_coating_density_g_cm3"))
    pos_am_volume_fraction: Array = field(metadata=param("Positive active volume fraction", "-", key="pos_am_volume_fraction"))
    neg_am_volume_fraction: Array = field(metadata=param("Negative active volume fraction", "-", key="neg_am_volume_fraction"))
    pos_specific_area_1_m: Array = field(metadata=param("Positive active surface per volume", "cm²/cm³", key="pos_specific_area_cm2_cm3"))
    neg_specific_area_1_m: Array = field(metadata=param("Negative active surface per volume", "cm²/cm³", key="neg_specific_area_cm2_cm3"))
    capacity_C: Array = field(metadata=param("Capacity", "Ah", key="capacity_Ah"))
    avg_voltage_V: Array = field(metadata=param("Mean voltage (open circuit)", "V", key="avg_voltage_V"))
    nominal_voltage_V: Array = field(metadata=param(
        "Rated voltage (C/3, BatPaC's rule)", "V", key="nominal_voltage_V",
        doc="Open-circuit voltage less the IR drop at the format's nominal C-rate through the rating ASI"))
    energy_J: Array = field(metadata=param(
        "Energy (rated, nameplate)", "Wh", key="energy_Wh", doc="Capacity × rated voltage; the cost model's cell energy"))
    mass_kg: Array = field(metadata=param("Cell mass (with the format's hardware)", "g", key="mass_g"))
    volume_m3: Array = field(metadata=param("Cell volume (the format's envelope)", "cm³", key="volume_cm3"))
    specific_energy_J_kg: Array = field(metadata=param("Specific energy", "Wh/kg", key="specific_energy_Wh_kg"))
    energy_density_J_m3: Array = field(metadata=param("Energy density", "Wh/L", key="energy_density_Wh_L"))
    mass_pos_coating_kg: Array = field(metadata=param("Mass: positive coating", "g", key="mass_pos_coating_g"))
    mass_neg_coating_kg: Array = field(metadata=param("Mass: negative coating", "g", key="mass_neg_coating_g"))
    mass_pos_foil_kg: Array = field(metadata=param("Mass: positive foil", "g", key="mass_pos_foil_g"))
    mass_neg_foil_kg: Array = field(metadata=param("Mass: negative foil", "g", key="mass_neg_foil_g"))
    mass_separator_kg: Array = field(metadata=param("Mass: separator", "g", key="mass_separator_g"))
    mass_electrolyte_kg: Array = field(metadata=param("Mass: electrolyte", "g", key="mass_electrolyte_g"))
    mass_packaging_kg: Array = field(metadata=param("Mass: packaging (terminals and pouch)", "g", key="mass_packaging_g"))
    electrolyte_volume_m3: Array = field(metadata=param("Electrolyte volume", "cm³", key="electrolyte_volume_cm3"))
    asi_electrolyte_ohm_m2: Array = field(metadata=param("ASI electrolyte", "Ω·cm²", key="asi_electrolyte_ohm_cm2"))
    asi_electronic_ohm_m2: Array = field(metadata=param("ASI electronic", "Ω·cm²", key="asi_electronic_ohm_cm2"))
    asi_ct_pos_ohm_m2: Array = field(metadata=param("ASI charge transfer, positive", "Ω·cm²", key="asi_ct_pos_ohm_cm2"))
    asi_ct_neg_ohm_m2: Array = field(metadata=param("ASI charge transfer, negative", "Ω·cm²", key="asi_ct_neg_ohm_cm2"))
    asi_total_ohm_m2: Array = field(metadata=param(
        "ASI total (electrochemical)", "Ω·cm²", key="asi_total_ohm_cm2",
        doc="Electrolyte + electronic + charge transfer of both electrodes"))
    asi_hardware_ohm_m2: Array = field(metadata=param(
        "ASI hardware (foils, terminals, module/pack share)", "Ω·cm²", key="asi_hardware_ohm_cm2",
        doc="The cell format's current collectors and terminals and BatPaC's share of the module and pack conductors"))
    asi_rating_ohm_m2: Array = field(metadata=param(
        "Rating ASI (sets the rated voltage)", "Ω·cm²", key="asi_rating_ohm_cm2",
        doc="Electrochemical (the cell model's, or a fixed couple value in BatPaC mode) + hardware"))
    resistance_ohm: Array = field(metadata=param(
        "Cell resistance", "mΩ", key="resistance_mohm", doc="(ASI total + ASI hardware) / electrode area"))
    max_power_W: Array = field(metadata=param(
        "Maximum power (10 s pulse at power_voltage_fraction × OCV)", "W", key="max_power_W",
        doc="BatPaC's definition: the pulse at 80 % of the open-circuit voltage, through the ohmic ASI and the "
            "Butler–Volmer charge transfer of both electrodes"))
    specific_power_W_kg: Array = field(metadata=param("Specific power", "W/kg", key="specific_power_W_kg"))
    pulse_current_A: Array = field(metadata=param("Current of the maximum-power pulse", "A", key="pulse_current_A"))
    pulse_resistance_ohm: Array = field(metadata=param(
        "Pulse resistance at the C-rate", "mΩ", key="pulse_resistance_mohm",
        doc="(OCV - voltage under load) / current at the C-rate: the ohmic and Butler–Volmer drops; at small current "
            "the cell resistance"))
    current_A: Array = field(metadata=param("Current at the C-rate", "A", key="current_A"))
    voltage_under_load_V: Array = field(metadata=param(
        "Voltage under load at the C-rate", "V", key="voltage_under_load_V",
        doc="Open-circuit voltage less the ohmic and Butler–Volmer drops at the C-rate"))
    cutoff_voltage_V: Array = field(metadata=param("Discharge cut-off voltage", "V", key="cutoff_voltage_V"))
    eta_ct_pos_V: Array = field(metadata=param("Charge-transfer overpotential at the C-rate, positive", "V", key="eta_ct_pos_V"))
    eta_ct_neg_V: Array = field(metadata=param("Charge-transfer overpotential at the C-rate, negative", "V", key="eta_ct_neg_V"))
    t_discharge_s: Array = field(metadata=param("Discharge time at the C-rate", "s", key="t_discharge_s"))
    t_diff_solid_pos_s: Array = field(metadata=param("Solid diffusion time, positive", "s", key="t_diff_solid_pos_s"))
    t_diff_solid_neg_s: Array = field(metadata=param("Solid diffusion time, negative", "s", key="t_diff_solid_neg_s"))
    t_diff_electrolyte_pos_s: Array = field(metadata=param("Electrolyte diffusion time, positive", "s", key="t_diff_electrolyte_pos_s"))
    t_diff_electrolyte_neg_s: Array = field(metadata=param("Electrolyte diffusion time, negative", "s", key="t_diff_electrolyte_neg_s"))
    electrolyte_number_pos: Array = field(metadata=param("Electrolyte depletion number, positive", "-", key="electrolyte_number_pos"))
    electrolyte_number_neg: Array = field(metadata=param("Electrolyte depletion number, negative", "-", key="electrolyte_number_neg"))
    max_pos_thickness_m: Array = field(metadata=param(
        "Max positive thickness at the C-rate", "µm", key="max_pos_thickness_um",
        doc="Thickness at which the salt reaches only min_usable_fraction of the positive at the C-rate (the full "
            "cell's steady salt balance; N/P, porosity and composition held); stricter than L²/D_eff = 3600/C "
            "(XLCELL_MAX_THICKNESS) because the current grows with L"))
    max_neg_thickness_m: Array = field(metadata=param("Max negative thickness at the C-rate", "µm", key="max_neg_thickness_um"))
    max_pos_particle_radius_m: Array = field(metadata=param("Max positive particle radius at the C-rate", "µm", key="max_pos_particle_radius_um"))
    max_neg_particle_radius_m: Array = field(metadata=param("Max negative particle radius at the C-rate", "µm", key="max_neg_particle_radius_um"))
    usable_fraction_solid_pos: Array = field(metadata=param(
        "Usable fraction, solid diffusion in the positive", "-", key="usable_fraction_solid_pos",
        doc="The exact sphere's share before the surface leaves the window, in the share of the positive the salt "
            "reaches (electrolyte_reach_pos) filling at C/reach"))
    usable_fraction_solid_neg: Array = field(metadata=param("Usable fraction, solid diffusion in the negative", "-", key="usable_fraction_solid_neg"))
    electrolyte_reach_pos: Array = field(metadata=param(
        "Share of the positive the salt reaches on discharge", "-", key="electrolyte_reach_pos",
        doc="1: no depletion; below 1 the salt at the collector has run out (steady full-cell salt balance)"))
    electrolyte_reach_neg: Array = field(metadata=param("Share of the negative the salt reaches on charge", "-", key="electrolyte_reach_neg"))
    usable_fraction_voltage: Array = field(metadata=param(
        "Usable fraction, voltage against the cut-off", "-", key="usable_fraction_voltage",
        doc="(1 - ΔV/(OCV - V_cut))^ocv_tail, ΔV the ohmic and Butler–Volmer drops at the C-rate"))
    electrolyte_limit_pos: Array = field(metadata=param(
        "Electrolyte limit ratio, positive (discharge)", "-", key="electrolyte_limit_pos",
        doc="Current over the current at which the salt reaches only min_usable_fraction of the positive (<= 1 feasible)"))
    electrolyte_limit_neg: Array = field(metadata=param("Electrolyte limit ratio, negative (charge)", "-", key="electrolyte_limit_neg"))
    solid_limit_pos: Array = field(metadata=param(
        "Solid diffusion limit ratio, positive", "-", key="solid_limit_pos",
        doc="N_s over the N_s at which the sphere keeps min_usable_fraction (<= 1 feasible)"))
    solid_limit_neg: Array = field(metadata=param("Solid diffusion limit ratio, negative", "-", key="solid_limit_neg"))
    usable_capacity_fraction: Array = field(metadata=param(
        "Usable capacity fraction at the C-rate", "-", key="usable_capacity_fraction",
        doc="min(solid positive, solid negative) × voltage: both diffusion limits and the cut-off"))
    usable_capacity_C: Array = field(metadata=param("Usable capacity at the C-rate", "Ah", key="usable_capacity_Ah"))
    feasible_np: Array = field(metadata=param("Feasible: N/P >= 1 (no lithium plating from an undersized negative)", "bool", key="feasible_np"))
    feasible_electrolyte: Array = field(metadata=param(
        "Feasible: the salt reaches min_usable_fraction of the electrode (discharge and charge)", "bool", key="feasible_electrolyte"))
    feasible_solid: Array = field(metadata=param(
        "Feasible: each electrode's particles keep min_usable_fraction at the C-rate", "bool", key="feasible_solid"))
    feasible_voltage: Array = field(metadata=param("Feasible: voltage under load at the C-rate above the cut-off", "bool", key="feasible_voltage"))
    feasible: Array = field(metadata=param("Feasible (all four feasible_ checks)", "bool", key="feasible"))

    def as_display(self) -> dict[str, Any]:
        """``{Excel key: value in display units}`` in field order (of the metrics computed only)."""
        have = self.__dict__
        return {s.key: (have[s.name] if s.unit == "bool" else s.from_si(have[s.name])) for s in specs(self)
                if s.name in have}

    @property
    def computed(self) -> tuple[str, ...]:
        """The field names of the metrics this result holds (every field unless ``metrics=`` asked for fewer)."""
        return tuple(s.name for s in specs(self) if s.name in self.__dict__)

    def __getattr__(self, name: str) -> Any:  # only called for an attribute the instance does not hold
        if name in _METRIC_GROUP:
            raise AttributeError(f"CellMetrics.{name} was not computed: ask evaluate_cell(..., metrics=...) for it")
        raise AttributeError(name)

    def __repr__(self) -> str:
        return f"CellMetrics({', '.join(f'{n}={self.__dict__[n]!r}' for n in self.computed)})"

    @classmethod
    def _partial(cls, values: Mapping[str, Array]) -> "CellMetrics":
        """A result holding ``values`` (field name -> array) only."""
        out = object.__new__(cls)
        out.__dict__.update(values)
        return out


# ---------------------------------------------------------------- relations on plain arrays
def composite_density(porosity: Array, mass_fractions: Array, densities_kg_m3: Array) -> np.ndarray:
    """Porous coating density ρ = (1 - ε) / Σ(w_i / ρ_i) (kg/m³); components on the last axis.

    Parameters
    ----------
    porosity : array_like
        Coating porosity ε (dimensionless).
    mass_fractions : array_like
        Mass fractions w_i of the solid components (dimensionless), components on the last axis.
    densities_kg_m3 : array_like
        Densities ρ_i of the components in kg/m³, components on the last axis.
    """
    w = np.asarray(mass_fractions, dtype=float)
    rho = np.asarray(densities_kg_m3, dtype=float)
    return (1.0 - np.asarray(porosity, dtype=float)) / np.sum(w / rho, axis=-1)


def areal_capacity_of(thickness_m: Array, coating_density_kg_m3: Array, am_frac: Array, specific_capacity_C_kg: Array) -> Array:
    """Areal capacity Q_A = L ρ_coat w_AM q (C/m²).

    Parameters
    ----------
    thickness_m : array_like
        Coating thickness L in m.
    coating_density_kg_m3 : array_like
        Porous coating density ρ_coat in kg/m³.
    am_frac : array_like
        Active-material mass fraction w_AM (dimensionless).
    specific_capacity_C_kg : array_like
        Specific capacity q of the active material in C/kg (1 mAh/g = 3.6 C/g = 3600 C/kg).
    """
    return thickness_m * coating_density_kg_m3 * am_frac * specific_capacity_C_kg


def specific_area_of(am_volume_fraction: Array, particle_radius_m: Array) -> Array:
    """Active surface per electrode volume of spheres a = 3 ε_AM / r (1/m).

    Parameters
    ----------
    am_volume_fraction : array_like
        Active-material volume fraction ε_AM (-).
    particle_radius_m : array_like
        Particle radius r (m).
    """
    with np.errstate(divide="ignore", over="ignore"):  # a radius of 0 m (underflow) gives inf, reported by the caller
        return 3.0 * np.asarray(am_volume_fraction, dtype=float) / np.asarray(particle_radius_m, dtype=float)


def charge_transfer_asi_of(temperature_K: Array, exchange_current_A_m2: Array, specific_area_1_m: Array, thickness_m: Array) -> Array:
    """Linearised charge-transfer ASI R T / (F i0 a L) (Ω·m²).

    Parameters
    ----------
    temperature_K : array_like
        Temperature T in K.
    exchange_current_A_m2 : array_like
        Exchange current density i0 in A/m².
    specific_area_1_m : array_like
        Active surface per electrode volume a in 1/m (m²/m³).
    thickness_m : array_like
        Coating thickness L in m.
    """
    return GAS_CONSTANT * temperature_K / (FARADAY * exchange_current_A_m2 * specific_area_1_m * thickness_m)


# ---------------------------------------------------------------- relations on an electrode
def _fractions(e: ElectrodeDesign) -> tuple[np.ndarray, np.ndarray]:
    one = (e.am_frac, e.carbon_frac, e.binder_frac, e.am_density_kg_m3, e.carbon_density_kg_m3, e.binder_density_kg_m3)
    if all(isinstance(x, float) for x in one):  # one design: the same two arrays of three, without broadcasting
        return np.array(one[:3]), np.array(one[3:])
    w = np.stack(np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in (e.am_frac, e.carbon_frac, e.binder_frac))), axis=-1)
    r = np.stack(np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in (e.am_density_kg_m3, e.carbon_density_kg_m3, e.binder_density_kg_m3))), axis=-1)
    return w, r


def coating_density(e: ElectrodeDesign) -> Array:
    """Composite coating density ρ = (1 - ε) / Σ(w_i/ρ_i) (kg/m³).

    Parameters
    ----------
    e : ElectrodeDesign
        One electrode (SI; fields broadcast).
    """
    w, r = _fractions(e)
    return composite_density(e.porosity, w, r)


def volumetric_capacity(e: ElectrodeDesign) -> Array:
    """Coating capacity per volume Q_v = q w_AM ρ_coat (C/m³).

    Parameters
    ----------
    e : ElectrodeDesign
        One electrode (SI; fields broadcast).
    """
    return areal_capacity_of(1.0, coating_density(e), e.am_frac, e.specific_capacity_C_kg)


def areal_capacity(e: ElectrodeDesign) -> Array:
    """Areal capacity Q_A = L ρ_coat w_AM q (C/m²).

    Parameters
    ----------
    e : ElectrodeDesign
        One electrode (SI; fields broadcast).
    """
    return areal_capacity_of(e.thickness_m, coating_density(e), e.am_frac, e.specific_capacity_C_kg)


def am_volume_fraction(e: ElectrodeDesign) -> Array:
    """Active-material volume fraction ε_AM = ρ_coat w_AM / ρ_AM.

    Parameters
    ----------
    e : ElectrodeDesign
        One electrode (SI; fields broadcast).
    """
    return coating_density(e) * e.am_frac / e.am_density_kg_m3


def binder_coverage(e: ElectrodeDesign) -> Array:
    """Share θ_b of the active surface blinded by binder: min(0.99, k_b v_binder / v_AM).

    Parameters
    ----------
    e : ElectrodeDesign
        One electrode (SI; fields broadcast); uses the binder and active mass fractions and densities (kg/m³) and the
        binder blinding coefficient k_b (dimensionless).
    """
    ratio = (e.binder_frac / e.binder_density_kg_m3) / (e.am_frac / e.am_density_kg_m3)
    return np.minimum(0.99, e.binder_blinding * ratio)


def specific_area(e: ElectrodeDesign, blinded: bool = True) -> Array:
    """Active surface per electrode volume a = 3 ε_AM / r (1/m), less the binder-blinded share.

    Parameters
    ----------
    e : ElectrodeDesign
        One electrode (SI; fields broadcast).
    blinded : bool
        Subtract the binder-blinded share θ_b (default True).
    """
    a = specific_area_of(am_volume_fraction(e), e.particle_radius_m)
    return a * (1.0 - binder_coverage(e)) if blinded else a


def charge_transfer_asi(e: ElectrodeDesign, temperature_K: Array) -> Array:
    """Linearised charge-transfer ASI R T / (F i0 a_eff L) (Ω·m²).

    Parameters
    ----------
    e : ElectrodeDesign
        One electrode (SI; fields broadcast).
    temperature_K : array_like
        Temperature T in K.
    """
    return charge_transfer_asi_of(temperature_K, e.exchange_current_A_m2, specific_area(e), e.thickness_m)


def neg_thickness_for_np(pos: ElectrodeDesign, neg: ElectrodeDesign, np_ratio: Array) -> Array:
    """Negative coating thickness that gives ``np_ratio``: L_n = N/P · Q_A,p / Q_v,n (m).

    Parameters
    ----------
    pos : ElectrodeDesign
        Positive electrode (SI).
    neg : ElectrodeDesign
        Negative electrode (SI); its thickness is not used.
    np_ratio : array_like
        N/P capacity ratio (dimensionless).
    """
    return np_ratio * areal_capacity(pos) / volumetric_capacity(neg)


def negative_area(design: CellDesign, fmt: CellFormat | None = None) -> np.ndarray:
    """Negative electrode area A_n = A_p (1 + x_neg) (m²), x_neg from the format's negative oversize (BatPaC §2.5).

    Parameters
    ----------
    design : CellDesign
        Designs (SI; a NaN negative thickness is derived from N/P).
    fmt : CellFormat, optional
        The cell format (default: :class:`~xlcell.pouch.CellFormat`).
    """
    d = resolve(design)
    f = fmt or CellFormat()
    check_format(f)
    return format_geometry(d, f)["neg_area_m2"]


def in_format(d: CellDesign, fmt: CellFormat | None) -> CellDesign:
    """Resolved designs with the electrode area their format holds: unchanged in the pouch (whose area is the
    design's), the jelly roll's area in a can (:func:`xlcell.formats.can_geometry`), so that a model reading
    ``electrode_area_m2`` directly (the lifetime model) sees the chain's area.

    Parameters
    ----------
    d : CellDesign
        Resolved designs (SI).
    fmt : CellFormat or None
        The cell format.
    """
    if fmt is None or fmt.can is None:
        return d
    check_format(fmt)
    return dataclasses.replace(d, electrode_area_m2=format_geometry(d, fmt)["pos_area_m2"])


def format_geometry(d: CellDesign, fmt: CellFormat) -> dict[str, Array]:
    """The geometry of resolved designs in their format: BatPaC's pouch (:func:`xlcell.pouch.pouch_geometry`, which
    holds the design's electrode area) or a can (:func:`xlcell.formats.can_geometry`, whose jelly roll sets it).

    Parameters
    ----------
    d : CellDesign
        Resolved designs (SI).
    fmt : CellFormat
        The cell format (``fmt.can``: a can format, or None for the pouch).
    """
    p, n, s = d.pos, d.neg, d.sep
    if fmt.can is None:
        return pouch_geometry(d.electrode_area_m2, p.thickness_m, n.thickness_m, s.thickness_m, p.foil_thickness_m,
                              n.foil_thickness_m, fmt)
    return can_geometry(p.thickness_m, n.thickness_m, s.thickness_m, p.foil_thickness_m, n.foil_thickness_m, fmt.can,
                        fmt.pos_foil_conductivity_S_m, fmt.neg_foil_conductivity_S_m, fmt.asi_pack_share_ohm_m2)


def _check_composition(e: ElectrodeDesign, prefix: str) -> None:
    total = e.am_frac + e.carbon_frac + e.binder_frac
    if isinstance(total, float) and abs(total - 1.0) <= 1e-6:
        return
    total = np.asarray(total, dtype=float)
    bad = np.abs(total - 1.0) > 1e-6
    if bad.any():
        i = int(np.flatnonzero(bad.ravel())[0])
        raise InputError(f"{prefix}am_frac + {prefix}carbon_frac + {prefix}binder_frac", float(total.ravel()[i]),
                         "1 (mass fractions of the solid)", f"design {i + 1}" if bad.size > 1 else None)


def _check_ocv_curve(e: ElectrodeDesign, prefix: str) -> None:
    """The pulse's OCV curve (:func:`pulse_ocv_loss`) never turns back toward the window's end: a node's loss below
    the loss of the node before it (10 % -> 5 % -> 0 % SOC) is refused, naming the node."""
    nodes = [getattr(e, k) for k in OCV_NODE_KEYS]
    if all(isinstance(v, float) for v in nodes) and nodes[0] <= nodes[1] <= nodes[2]:
        return
    nodes = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in nodes))
    for (k0, v0), (k1, v1) in zip(zip(OCV_NODE_KEYS, nodes), zip(OCV_NODE_KEYS[1:], nodes[1:])):
        bad = ~(v1 >= v0)
        if bad.any():
            i = int(np.flatnonzero(bad.ravel())[0])
            raise InputError(f"{prefix}{k1}", float(v1.ravel()[i]),
                             f"at least {prefix}{k0} ({float(v0.ravel()[i]):.4g} V): the open-circuit potential moves "
                             "on toward the end of the window", f"design {i + 1}" if bad.size > 1 else None)


def _check_voltage(design: CellDesign) -> None:
    """A cell needs a positive voltage: the positive electrode's potential above the negative's (unless the
    average voltage is given). A design without one is refused, never evaluated to a negative energy."""
    given, cell_v = design.avg_voltage_V, design.pos.potential_V - design.neg.potential_V
    if isinstance(given, float) and isinstance(cell_v, float) and (given == given or cell_v > 0):
        return
    given = np.asarray(given, dtype=float)
    cell_v = np.asarray(cell_v, dtype=float)
    bad = np.isnan(given) & ~(cell_v > 0)
    if bad.any():
        i = int(np.flatnonzero(np.broadcast_to(bad, np.broadcast_shapes(bad.shape, cell_v.shape)).ravel())[0])
        v = float(np.broadcast_to(cell_v, np.broadcast_shapes(bad.shape, cell_v.shape)).ravel()[i])
        raise InputError("pos_potential_V - neg_potential_V", v, "> 0 V (a positive electrode above the negative; "
                         "or give avg_voltage_V)", f"design {i + 1}" if bad.size > 1 or cell_v.size > 1 else None)


_THICKNESS = next(s for s in specs(ElectrodeDesign) if s.name == "thickness_m")  #: a coating's thickness spec

#: the attribute that marks a design :func:`resolve` returned (validated, negative thickness derived): a design made
#: from it by ``dataclasses.replace`` is a new object without it, and is validated again
_RESOLVED = "_xlcell_resolved"


def is_resolved(design: CellDesign) -> bool:
    """Whether ``design`` is one :func:`resolve` returned (or :func:`broadcast_fields_cell` made from one).

    Parameters
    ----------
    design : CellDesign
        Designs (SI).
    """
    return design.__dict__.get(_RESOLVED, False)


def _mark_resolved(design: CellDesign) -> CellDesign:
    object.__setattr__(design, _RESOLVED, True)
    return design


def _copy(obj: Any) -> Any:
    """A shallow copy of a frozen dataclass instance (the same field objects; not the caller's object)."""
    out = object.__new__(type(obj))
    out.__dict__.update(obj.__dict__)
    return out


def resolve(design: CellDesign) -> CellDesign:
    """Validate ``design``, derive the NaN negative thicknesses from N/P, broadcast every field.

    The result is marked as resolved: passing it to :func:`resolve` again (``evaluate_cell``, the cost and lifetime
    models all resolve their input) returns it at once, so a design is validated once per call. Its arrays are the
    given ones: change a resolved design with ``dataclasses.replace`` (which makes a design that is validated again),
    never by writing into its arrays.

    Raises
    ------
    InputError
        A value outside its allowed range (the message names the Excel key and the design).

    Parameters
    ----------
    design : CellDesign
        Designs (SI; every field an array or scalar; a NaN negative thickness is derived).
    """
    if design.__dict__.get(_RESOLVED, False):
        return design
    validate(design)
    validate(design.sep, "sep_")
    validate(design.pos, "pos_")
    _check_composition(design.pos, "pos_")
    _check_composition(design.neg, "neg_")
    _check_voltage(design)
    _check_salt_law(design)
    _check_conductivity_law(design)
    _check_ocv_curve(design.pos, "pos_")
    _check_ocv_curve(design.neg, "neg_")
    ln = design.neg.thickness_m
    if isinstance(ln, float) and ln == ln:  # one given thickness: every field of the negative checked below
        validate(design.neg, "neg_")
        return _mark_resolved(_copy(design))
    one_blank = isinstance(ln, float)  # (a NaN: the one thickness is derived)
    ln = np.asarray(ln, dtype=float)
    if one_blank or np.isnan(ln).any():
        validate(design.neg, "neg_", skip=("thickness_m",))
        derived = _neg_thickness_for_np_one(design) if one_blank else None
        if derived is None:
            derived = neg_thickness_for_np(design.pos, design.neg, design.np_ratio)
        _check_derived_neg_thickness(derived, True if one_blank else np.isnan(ln), design.np_ratio)
        ln = np.asarray(derived, dtype=float) if one_blank else np.where(np.isnan(ln), derived, ln)
        neg = _copy(design.neg)  # dataclasses.replace without __init__'s work (no field but the thickness changes)
        object.__setattr__(neg, "thickness_m", ln)
        design = _copy(design)
        object.__setattr__(design, "neg", neg)
        if not one_blank:  # (one derived thickness: checked above; its other fields: above)
            _THICKNESS.check(ln, "neg_" + _THICKNESS.key)
        return _mark_resolved(design)
    validate(design.neg, "neg_")
    return _mark_resolved(_copy(design))


def _neg_thickness_for_np_one(design: CellDesign) -> float | None:
    """:func:`neg_thickness_for_np` of one design whose inputs are all floats, in plain float arithmetic: the same IEEE
    operations in the same order (``np.sum`` of three terms adds them left to right), so the same bits
    (``tests/test_design_fast.py`` compares the two on random designs); None for anything else (an array field, a
    division by zero), which takes the numpy path."""
    p, n, r = design.pos, design.neg, design.np_ratio
    x = (r, p.thickness_m, p.porosity, p.am_frac, p.carbon_frac, p.binder_frac, p.am_density_kg_m3,
         p.carbon_density_kg_m3, p.binder_density_kg_m3, p.specific_capacity_C_kg, n.porosity, n.am_frac,
         n.carbon_frac, n.binder_frac, n.am_density_kg_m3, n.carbon_density_kg_m3, n.binder_density_kg_m3,
         n.specific_capacity_C_kg)
    if set(map(type, x)) != {float}:
        return None
    try:
        return _neg_thickness_for_np_floats(*x)
    except ZeroDivisionError:  # numpy's inf or NaN instead
        return None


def _neg_thickness_for_np_floats(r: float, l_p: float, por_p: float, w_p: float, c_p: float, b_p: float,
                                 rw_p: float, rc_p: float, rb_p: float, q_p: float, por_n: float, w_n: float,
                                 c_n: float, b_n: float, rw_n: float, rc_n: float, rb_n: float, q_n: float) -> float:
    """:func:`neg_thickness_for_np` of one design in plain float arithmetic, the same IEEE operations in the same order
    (bit for bit): the N/P ratio, the positive's thickness, porosity, mass fractions (active, carbon, binder), their
    densities and the active material's specific capacity, then the negative's porosity, fractions, densities and
    capacity (SI). Raises ZeroDivisionError where numpy would give an infinity or a NaN."""
    rho_p = (1.0 - por_p) / (w_p / rw_p + c_p / rc_p + b_p / rb_p)  # coating_density(pos)
    rho_n = (1.0 - por_n) / (w_n / rw_n + c_n / rc_n + b_n / rb_n)
    return r * (l_p * rho_p * w_p * q_p) / (1.0 * rho_n * w_n * q_n)  # N/P areal_capacity / volumetric_capacity


def _check_derived_neg_thickness(derived: Array, is_derived: Array, np_ratio: Array) -> None:
    """A negative thickness derived from ``np_ratio`` outside its allowed range is the N/P ratio's fault (e.g. a
    ratio of 1e-300 gives a coating of 0 µm): the message names ``np_ratio``, what the user typed, not
    ``neg_thickness_um``."""
    spec = _THICKNESS
    if type(derived) is float and spec._scalar_ok(derived) or np.ndim(derived) == 0 and spec._scalar_ok(float(derived)):
        return  # one derived thickness, allowed
    d, mask, ratio = np.broadcast_arrays(np.asarray(derived, dtype=float), np.asarray(is_derived, dtype=bool),
                                         np.asarray(np_ratio, dtype=float))
    try:  # only the derived thicknesses (the given ones are checked under their own key); 100 µm is always allowed
        spec.check(np.where(mask, d, spec.to_si(100.0)))
    except InputError as exc:
        i = int(exc.where.split()[-1]) - 1 if exc.where else 0
        raise InputError("np_ratio", float(ratio.ravel()[i]),
                         f"a ratio that gives a negative coating {spec.allowed().removeprefix('a number ')}; it "
                         f"gives {exc.value:.3g} µm with this positive coating (pos_thickness_um, pos_specific_capacity_mAh_g)",
                         exc.where) from None


#: every metric of :class:`CellMetrics` by the part of the model that computes it: ``chain`` (:func:`chain`: capacity,
#: energy, masses, resistances), ``surface`` (active volume fraction and surface), ``rate`` (:func:`_rate_limits`, its
#: diffusion limits and Newton solves) and ``pulse`` (the rate model's salt and the pulse's Newton solve)
_METRIC_GROUP: dict[str, str] = {
    **dict.fromkeys((
        "pos_areal_capacity_C_m2", "neg_areal_capacity_C_m2", "np_ratio", "pos_thickness_m", "neg_thickness_m",
        "pos_coating_density_kg_m3", "neg_coating_density_kg_m3", "capacity_C", "avg_voltage_V", "nominal_voltage_V",
        "energy_J", "mass_kg", "volume_m3", "specific_energy_J_kg", "energy_density_J_m3", "mass_pos_coating_kg",
        "mass_neg_coating_kg", "mass_pos_foil_kg", "mass_neg_foil_kg", "mass_separator_kg", "mass_electrolyte_kg",
        "mass_packaging_kg", "electrolyte_volume_m3", "asi_electrolyte_ohm_m2", "asi_electronic_ohm_m2",
        "asi_ct_pos_ohm_m2", "asi_ct_neg_ohm_m2", "asi_total_ohm_m2", "asi_hardware_ohm_m2", "asi_rating_ohm_m2",
        "resistance_ohm", "current_A", "t_discharge_s", "feasible_np"), "chain"),
    **dict.fromkeys(("pos_am_volume_fraction", "neg_am_volume_fraction", "pos_specific_area_1_m",
                     "neg_specific_area_1_m"), "surface"),
    **dict.fromkeys(("max_power_W", "specific_power_W_kg", "pulse_current_A", "pulse_resistance_ohm"), "pulse"),
}
_METRIC_GROUP.update({f.name: "rate" for f in dataclasses.fields(CellMetrics) if f.name not in _METRIC_GROUP})
_BOOL_METRICS = frozenset(s.name for s in specs(CellMetrics) if s.unit == "bool")  #: the feasibility flags
#: the metrics that are :func:`chain`'s values under the same name
_CHAIN_METRICS = (
    "pos_areal_capacity_C_m2", "neg_areal_capacity_C_m2", "pos_coating_density_kg_m3", "neg_coating_density_kg_m3",
    "capacity_C", "nominal_voltage_V", "energy_J", "mass_kg", "volume_m3", "mass_pos_coating_kg", "mass_neg_coating_kg",
    "mass_pos_foil_kg", "mass_neg_foil_kg", "mass_separator_kg", "mass_electrolyte_kg", "mass_packaging_kg",
    "electrolyte_volume_m3", "asi_electrolyte_ohm_m2", "asi_electronic_ohm_m2", "asi_ct_pos_ohm_m2",
    "asi_ct_neg_ohm_m2", "asi_total_ohm_m2", "asi_hardware_ohm_m2", "asi_rating_ohm_m2", "resistance_ohm")
#: metric -> the key of :func:`_rate_limits`' result it is
_RATE_METRICS = dict(
    voltage_under_load_V="v_load", cutoff_voltage_V="v_cut", eta_ct_pos_V="eta_p", eta_ct_neg_V="eta_n",
    t_diff_solid_pos_s="t_s_p", t_diff_solid_neg_s="t_s_n", t_diff_electrolyte_pos_s="t_e_p",
    t_diff_electrolyte_neg_s="t_e_n", electrolyte_number_pos="n_e_p", electrolyte_number_neg="n_e_n",
    max_pos_thickness_m="l_max_p", max_neg_thickness_m="l_max_n", max_pos_particle_radius_m="r_max_p",
    max_neg_particle_radius_m="r_max_n", usable_fraction_solid_pos="u_p", usable_fraction_solid_neg="u_n",
    electrolyte_reach_pos="phi_p", electrolyte_reach_neg="phi_n", usable_fraction_voltage="f_v",
    electrolyte_limit_pos="lim_e_p", electrolyte_limit_neg="lim_e_n", solid_limit_pos="lim_s_p",
    solid_limit_neg="lim_s_n", usable_capacity_fraction="fraction")


def metric_names(metrics: Any) -> tuple[str, ...]:
    """The :class:`CellMetrics` field names of ``metrics``: field names (``energy_J``) or Excel keys (``energy_Wh``),
    any case; None: every metric.

    Parameters
    ----------
    metrics : str, iterable of str or None
        The metrics.

    Raises
    ------
    UnknownKeyError
        A name that is neither a field nor a key of :class:`CellMetrics` (the message lists the keys).
    """
    if metrics is None:
        return tuple(_METRIC_GROUP)
    names = _metric_lookup()
    out = []
    for m in ([metrics] if isinstance(metrics, str) else metrics):
        try:
            out.append(names[str(m).strip().lower()])
        except KeyError:
            from .errors import UnknownKeyError

            raise UnknownKeyError(str(m), [s.key for s in specs(CellMetrics)], what="metric") from None
    return tuple(dict.fromkeys(out))


@lru_cache(maxsize=1)
def _metric_lookup() -> dict[str, str]:
    out = {s.key.lower(): s.name for s in specs(CellMetrics)}
    out.update({s.name.lower(): s.name for s in specs(CellMetrics)})  # a field name is its own metric (never another's key)
    return out


def metric_group(metrics: Any) -> tuple[str, ...]:
    """Every metric computed together with ``metrics`` (the field names of their parts of the model, in field order):
    what a cache of results may keep at no extra model cost.

    Parameters
    ----------
    metrics : str, iterable of str or None
        Field names or Excel keys (:func:`metric_names`).
    """
    groups = {_METRIC_GROUP[n] for n in metric_names(metrics)}
    if "pulse" in groups:  # the pulse reads the rate model's results: they come at no extra cost
        groups.add("rate")
    return tuple(n for n, g in _METRIC_GROUP.items() if g in groups)


def evaluate_cell(design: CellDesign, fmt: CellFormat | None = None, *,
                  calendering: Mapping[str, Any] | None = None, metrics: Any = None) -> CellMetrics:
    """Evaluate a population of cell designs in one call: the one chain every route reads (issue 17).

    Parameters
    ----------
    design : CellDesign
        Fields are scalars or arrays that broadcast together (SI units).
    fmt : CellFormat, optional
        The cell format that holds the stack (default: BatPaC 5.0's 20 mm EV pouch, with the cell model's ASI in the
        rating; :func:`xlcell.pouch.batpac_format` is BatPaC's own rating convention).
    calendering : mapping, optional
        The coatings' calendering materials and porosity before calendering, for their electronic conductivity and
        through-plane tortuosity (:mod:`xlcell.conduction`: ``pos_material`` / ``neg_material``, default NMC811 /
        Graphite; ``solids_fraction``, default 0.4, or ``pos_eps_before`` / ``neg_eps_before``;
        ``anisotropic_transport``, default True).
    metrics : str or iterable of str, optional
        The metrics to compute, as :class:`CellMetrics` field names (``energy_J``) or Excel keys (``energy_Wh``);
        default: every metric. Only the parts of the model they need run (the rate model's Newton solves only for
        the rate and power metrics); the result holds the asked metrics only, each identical to the full
        evaluation's. Every input is validated whatever is asked.

    Returns
    -------
    CellMetrics
        The metrics as arrays of the designs' broadcast shape (SI units).
    """
    names = metric_names(metrics)
    groups = {_METRIC_GROUP[n] for n in names}
    d = in_format(resolve(design), fmt)  # a can's jelly roll sets the electrode area: the pulse current's too
    c = chain(d, fmt, calendering)
    p, n = d.pos, d.neg
    v_avg = c["ocv_V"]
    _check_cutoff(d, v_avg)
    A = d.electrode_area_m2
    # every output takes the shape of all inputs together: an input that moves only some outputs (a foil moves mass
    # and volume, not capacity) must still give one row per design
    shape = np.broadcast_shapes(*(np.shape(getattr(o, s.name)) for o in (d, p, n, d.sep) for s in specs(o)),
                                *(np.shape(x) for x in c.values()))

    rate_c = d.c_rate_per_h
    capacity = c["capacity_C"]
    current = capacity * rate_c / SECONDS_PER_HOUR
    qa_p, qa_n = c["pos_areal_capacity_C_m2"], c["neg_areal_capacity_C_m2"]
    np_ratio = qa_n / qa_p
    energy, mass, volume = c["energy_J"], c["mass_kg"], c["volume_m3"]
    v: dict[str, Any] = {}
    if "chain" in groups:  # the chain's values under their own names, and what follows from them at once
        v.update({k: c[k] for k in _CHAIN_METRICS}, np_ratio=np_ratio, pos_thickness_m=p.thickness_m,
                 neg_thickness_m=n.thickness_m, avg_voltage_V=v_avg, current_A=current,
                 t_discharge_s=SECONDS_PER_HOUR / rate_c, feasible_np=np_ratio >= 1.0)
    # the metrics that cost a computation of their own: only when asked for
    extra = {"specific_energy_J_kg": lambda: energy / mass, "energy_density_J_m3": lambda: energy / volume,
             "pos_am_volume_fraction": lambda: am_volume_fraction(p), "neg_am_volume_fraction": lambda: am_volume_fraction(n),
             "pos_specific_area_1_m": lambda: specific_area(p), "neg_specific_area_1_m": lambda: specific_area(n)}
    v.update({k: f() for k, f in extra.items() if k in names})
    if groups & {"rate", "pulse"}:
        rate = _rate_limits(d, c, rate_c)
        v_load = rate["v_load"]
        # feasible: discharge AND charge at the C-rate (the negative's electrolyte depletes on charge); each diffusion
        # limit alone keeps min_usable_fraction of the capacity (its limit ratio <= 1)
        ok_np, ok_el, ok_s, ok_v = _feasibility(np_ratio, rate)
        v.update({m: rate[k] for m, k in _RATE_METRICS.items()}, usable_capacity_C=capacity * rate["fraction"],
                 feasible_electrolyte=ok_el, feasible_solid=ok_s, feasible_voltage=ok_v,
                 feasible=ok_np & ok_el & ok_s & ok_v)
    if "pulse" in groups:
        # BatPaC 5.0's power (§2.4): a 10 s pulse at the fraction f of the open-circuit voltage; the current from the
        # ohmic and the Butler–Volmer drops (the linear ASI's P = V² f (1 - f) / R at small overpotential)
        f = d.power_voltage_fraction
        salt = _pulse_salt(rate["salt_balance_pulse"], d.transference_number)
        # the particles' surfaces move in the pulse and the open-circuit potential with them (zero slope: none)
        r_solid = _pulse_solid_resistance(d, c, rate)
        # and, where an electrode carries its OCV curve, along that curve rather than its tangent
        curves = _pulse_ocv_curves(d, c, rate)
        i_pulse = pulse_current((1.0 - f) * v_avg, rate["asi_ohm"] + r_solid, rate["i0_p"], rate["i0_n"],
                                d.temperature_K, salt, _pulse_solid(d, c, rate), curves)
        p_max = f * v_avg * i_pulse * A
        # the 10 s pulse at the C-rate: the voltage under load less the salt's concentration overpotential after 10 s
        i_c = rate["current_density"]
        # (a pulse that would empty the positive's pores leaves them at _SALT_FLOOR of c0: a large, finite resistance)
        c_p = np.maximum(salt["c0"] - salt["q_p"] * i_c, _SALT_FLOOR * salt["c0"])
        c_n = salt["c0"] + salt["q_n"] * i_c
        eta_salt = 2.0 * GAS_CONSTANT * d.temperature_K / FARADAY * salt["tc"] * np.log(c_n / c_p)
        eta_solid = r_solid * i_c
        for share, *curve in curves:
            eta_solid = eta_solid + _ocv_excess(i_c * share, _ocv_curve(*curve))[0]
        with np.errstate(divide="ignore", invalid="ignore"):
            r_pulse = (v_avg - v_load + eta_salt + eta_solid) / current
        v.update(max_power_W=p_max, specific_power_W_kg=p_max / mass, pulse_current_A=i_pulse * A,
                 pulse_resistance_ohm=r_pulse)
    # the asked metrics, each its own array of the full shape (bool flags, float the rest)
    out = {}
    for name in names:
        x = v[name]
        out[name] = np.broadcast_to(np.asarray(x, dtype=bool if name in _BOOL_METRICS else float), shape).copy()
    if metrics is None:
        return CellMetrics(**out)
    return CellMetrics._partial({k: out[k] for k in _METRIC_GROUP if k in out})


@lru_cache(maxsize=1)
def default_format() -> CellFormat:
    """``CellFormat()`` (BatPaC 5.0's 20 mm EV pouch), built once: the format of every model given none (frozen)."""
    return CellFormat()


#: the last :func:`chain` computed: (designs, format, calendering key, result). The cell model and the cost model
#: of one evaluation compute the chain of the same resolved designs in the same format and calendering context
#: (issue 17's one chain); the second reads the first's (issue 15: half a millisecond of every model call that
#: asks both). Keyed on the objects' identity (a resolved design and a format are frozen; the entry holds them,
#: so an id is not reused while it lives) and kept for populations up to :data:`_CHAIN_MEMO_MAX` designs only. Its arrays
#: are read-only views (:func:`_read_only`): every caller gets the same ones, so none may write into them
_CHAIN_MEMO: list[Any] = [None]
_CHAIN_MEMO_MAX = 65_536


def _calendering_key(calendering: Mapping[str, Any] | None) -> Any:
    """What identifies a calendering context for :data:`_CHAIN_MEMO`: each entry's number or text, or the identity
    of its object (an array), so a dict changed in place between two calls is not mistaken for the same."""
    if calendering is None:
        return None
    return tuple((k, v if isinstance(v, (bool, int, float, str)) else ("id", id(v)))
                 for k, v in dict(calendering).items())


def chain(d: CellDesign, fmt: CellFormat | None = None, calendering: Mapping[str, Any] | None = None, *,
          check_rated: bool = True) -> dict[str, Array]:
    """Capacity, rated voltage and energy, masses, volume and resistances of resolved designs in their format.

    The one definition of each (issue 17): :func:`evaluate_cell` reports these values and the cost model's bill of
    materials (:func:`xlcell.bom.cell_geometry`) reads the same dictionary, so the two cannot differ.

    * capacity C = min(Q_A,p, Q_A,n) A_p;
    * the format's pouch (:func:`xlcell.pouch.pouch_geometry`) sets the negative area, foils, separator,
      terminals, pouch and the envelope volume; electrolyte = the pores of both coatings and of the separator sheets,
      times (1 + ``electrolyte_excess``), plus the format's fill of the stack envelope;
    * cell mass = coatings + foils + separator + electrolyte + terminals + pouch;
    * resistance R = (ASI_ec + ASI_hw) / A_p, ASI_ec the cell model's electrolyte, electronic and charge-transfer
      ASI, ASI_hw the format's foils, terminals and module/pack share; the electronic ASI L/(3 σ) of each coating
      with σ the through-plane conductivity of :func:`electronic_conductivity` (the one law of
      :mod:`xlcell.conduction`, shared with the calendering model), its electrolyte ASI through the through-plane
      tortuosity of the same microstructure;
    * rated (nameplate) voltage V_nom = OCV - c_nom min(Q_A,p, Q_A,n) ASI_rating (BatPaC 5.0's rule, digest §2.3, at
      the format's nominal C-rate c_nom = 1/3 h⁻¹), ASI_rating = ASI_ec + ASI_hw, or BatPaC's fixed couple ASI +
      ASI_hw when the format gives one (:func:`xlcell.pouch.batpac_format`), or the format's ``asi_energy_ohm_m2``
      when given; energy E = C V_nom.

    Parameters
    ----------
    d : CellDesign
        Resolved designs (:func:`resolve`; SI, broadcasting).
    fmt : CellFormat, optional
        The cell format (default: :class:`~xlcell.pouch.CellFormat`).
    calendering : mapping, optional
        The calendering context of the coatings' electronic conductivity (:func:`evaluate_cell`).
    check_rated : bool
        True (default): a design without a rated voltage (its C/3 IR drop reaches the open-circuit voltage) is
        refused, an :class:`~xlcell.errors.InputError` naming ``nominal_voltage_V``. False: its ``nominal_voltage_V``
        (<= 0) is returned as computed, for a caller that flags such designs one by one
        (:func:`xlcell.calendering.calendering_performance`); nothing else differs.

    Returns
    -------
    dict
        SI arrays by name (the :class:`CellMetrics` field names where there is one, plus the pouch geometry of
        :func:`xlcell.pouch.pouch_geometry`, ``ocv_V`` and the coating densities), read-only: the same arrays go to
        the next caller of the same designs (the cell and the cost model of one evaluation), so copy one to change it.
    """
    f = fmt or default_format()
    key = _calendering_key(calendering)
    hit = _CHAIN_MEMO[0]
    if hit is not None and hit[0] is d and hit[1] is f and hit[2] == key and hit[3] is calendering:
        return dict(hit[4])  # the same read-only arrays, a dict of its own
    out = {k: _read_only(v) for k, v in _chain(d, f, calendering, check_rated).items()}
    if check_rated and all(np.size(v) <= _CHAIN_MEMO_MAX for v in (out["energy_J"], out["mass_kg"])):  # checked only
        _CHAIN_MEMO[0] = (d, f, key, calendering, out)
    return dict(out)


def _read_only(v: Any) -> Any:
    """A read-only view of the array ``v`` (``v`` itself if it is no array): :func:`chain` hands the same arrays to
    every caller of the same designs (:data:`_CHAIN_MEMO`), so a write in place raises instead of changing the next
    caller's numbers. A view, so an array of the design's own that the chain passes through stays writeable."""
    if not isinstance(v, np.ndarray):
        return v
    w = v.view()
    w.flags.writeable = False
    return w


def _chain(d: CellDesign, f: CellFormat, calendering: Mapping[str, Any] | None,
           check_rated: bool = True) -> dict[str, Array]:
    """:func:`chain` computed (the format given)."""
    check_format(f)
    p, n, s = d.pos, d.neg, d.sep
    geo = format_geometry(d, f)
    A = geo["pos_area_m2"]  # the design's electrode area in a pouch; a can's jelly roll sets it (xlcell.formats)
    b = d.bruggeman_exponent
    T = d.temperature_K

    qa_p, qa_n = areal_capacity(p), areal_capacity(n)
    q_lim = np.minimum(qa_p, qa_n)
    capacity = q_lim * A
    ocv = np.where(np.isnan(d.avg_voltage_V), p.potential_V - n.potential_V, d.avg_voltage_V)

    A_n = geo["neg_area_m2"]
    rho_p, rho_n = coating_density(p), coating_density(n)
    m_pos = p.thickness_m * A * rho_p
    m_neg = n.thickness_m * A_n * rho_n
    m_pfoil = geo["pos_foil_area_m2"] * p.foil_thickness_m * p.foil_density_kg_m3
    m_nfoil = geo["neg_foil_area_m2"] * n.foil_thickness_m * n.foil_density_kg_m3
    sep_area = geo["separator_area_m2"]
    m_sep = sep_area * s.thickness_m * s.density_kg_m3
    v_pores = m_pos / rho_p * p.porosity + m_neg / rho_n * n.porosity + sep_area * s.thickness_m * s.porosity
    v_elyte = v_pores * (1.0 + d.electrolyte_excess) + geo["fill_m3"]
    m_elyte = v_elyte * d.electrolyte_density_kg_m3
    m_pack = geo["pos_terminal_kg"] + geo["neg_terminal_kg"] + geo["pouch_kg"]
    mass = m_pos + m_neg + m_pfoil + m_nfoil + m_sep + m_elyte + m_pack

    cond_p = electronic_conductivity(d, "pos", calendering)
    cond_n = electronic_conductivity(d, "neg", calendering)
    k0 = d.electrolyte_conductivity_S_m
    # ionic: through the coating's thickness, κ0 ε^b / sqrt(A) (τ_through = ε^(1 - b) sqrt(A), the anisotropy that
    # compaction builds, as the electronic path sees it; A = 1 with calendering={"anisotropic_transport": False})
    iso = not dict(calendering or {}).get("anisotropic_transport", True)
    ion_p, ion_n = (1.0, 1.0) if iso else (np.sqrt(cond_p["anisotropy"]), np.sqrt(cond_n["anisotropy"]))
    asi_el = (p.thickness_m * ion_p / (3.0 * effective_conductivity(k0, p.porosity, b))
              + s.thickness_m / effective_conductivity(k0, s.porosity, separator_bruggeman(d))
              + n.thickness_m * ion_n / (3.0 * effective_conductivity(k0, n.porosity, b)))
    sigma_p, sigma_n = cond_p["through"], cond_n["through"]
    asi_e = p.thickness_m / (3.0 * sigma_p) + n.thickness_m / (3.0 * sigma_n)
    asi_ct_p = charge_transfer_asi(p, T)
    asi_ct_n = charge_transfer_asi(n, T)
    asi_ec = asi_el + asi_e + asi_ct_p + asi_ct_n
    asi_hw = geo["asi_hardware_ohm_m2"]
    couple = np.where(np.isnan(f.asi_electrochemical_ohm_m2), asi_ec, f.asi_electrochemical_ohm_m2)
    asi_rating = np.where(np.isnan(f.asi_energy_ohm_m2), couple + asi_hw, f.asi_energy_ohm_m2)
    v_nom = ocv - f.nominal_c_rate_per_h * q_lim / SECONDS_PER_HOUR * asi_rating
    if check_rated:
        _check_rated_voltage(v_nom, asi_rating, ~np.isnan(d.avg_voltage_V), [
            (f.asi_energy_ohm_m2, "a smaller given rating ASI (asi_energy_ohm_cm2)"),
            (np.where(np.isnan(f.asi_energy_ohm_m2), f.asi_electrochemical_ohm_m2, np.nan),
             "a smaller given electrochemical ASI (asi_electrochemical_ohm_cm2)"),
            (asi_el, "a higher electrolyte_conductivity_S_m or thinner, more porous coatings (pos_thickness_um, "
                     "pos_porosity)"),
            (asi_e, "more conductive coatings (pos_conductivity_S_m, neg_conductivity_S_m, pos_carbon_frac, "
                    "neg_carbon_frac)"),
            (asi_ct_p, "a larger pos_exchange_current_mA_cm2"), (asi_ct_n, "a larger neg_exchange_current_mA_cm2"),
            (asi_hw, "less hardware resistance (foils, terminals, asi_pack_share_ohm_cm2)")])
    return dict(
        geo, pos_areal_capacity_C_m2=qa_p, neg_areal_capacity_C_m2=qa_n, capacity_C=capacity, ocv_V=ocv,
        nominal_voltage_V=v_nom, energy_J=capacity * v_nom, mass_kg=mass, volume_m3=geo["cell_volume_m3"],
        pos_coating_density_kg_m3=rho_p, neg_coating_density_kg_m3=rho_n,
        mass_pos_coating_kg=m_pos, mass_neg_coating_kg=m_neg, mass_pos_foil_kg=m_pfoil, mass_neg_foil_kg=m_nfoil,
        mass_separator_kg=m_sep, mass_electrolyte_kg=m_elyte, mass_packaging_kg=m_pack, electrolyte_volume_m3=v_elyte,
        asi_electrolyte_ohm_m2=asi_el, asi_electronic_ohm_m2=asi_e, asi_ct_pos_ohm_m2=asi_ct_p, asi_ct_neg_ohm_m2=asi_ct_n,
        asi_total_ohm_m2=asi_ec, asi_rating_ohm_m2=asi_rating, resistance_ohm=(asi_ec + asi_hw) / A,
        pos_sigma_through_S_m=sigma_p, neg_sigma_through_S_m=sigma_n,
    )


def separator_bruggeman(d: CellDesign) -> Array:
    """The separator's Bruggeman exponent: its own (``sep_bruggeman_exponent``), blank: the cell's.

    Parameters
    ----------
    d : CellDesign
        Designs (SI).
    """
    b_s = np.asarray(d.sep.bruggeman_exponent, dtype=float)
    return np.where(np.isnan(b_s), d.bruggeman_exponent, b_s)


def _check_rated_voltage(v_nom: Array, asi_rating: Array, ocv_given: Array,
                         parts: Sequence[tuple[Array, str]]) -> None:
    """A design whose IR drop at the rating C-rate reaches its open-circuit voltage has no rated energy: it is
    refused (as a design without a positive cell voltage is), never evaluated to a zero or negative energy. The
    message names what would lower the largest of ``parts`` ((ASI, remedy) pairs; a given override, where not
    NaN, first) at the first such design, and the open-circuit voltage's key where ``ocv_given`` (a given
    ``avg_voltage_V``) is true there."""
    v, asi = np.broadcast_arrays(np.asarray(v_nom, dtype=float), np.asarray(asi_rating, dtype=float))
    bad = ~(v > 0)
    if bad.any():
        i = int(np.flatnonzero(bad.ravel())[0])
        at = [float(np.broadcast_to(np.asarray(a, dtype=float), v.shape).ravel()[i]) for a, _ in parts]
        given = [k for k in (0, 1) if at[k] == at[k]]
        k = given[0] if given else 2 + int(np.nanargmax(np.nan_to_num(at[2:], nan=-np.inf)))
        ocv = " (avg_voltage_V)" if bool(np.broadcast_to(ocv_given, v.shape).ravel()[i]) else ""
        raise InputError("nominal_voltage_V", float(v.ravel()[i]),
                         f"> 0 V: the C/3 IR drop through {float(units.from_si(asi.ravel()[i], 'Ω·cm²')):.4g} Ω·cm² reaches the "
                         f"OCV{ocv}; {parts[k][1]} would lower it",
                         f"design {i + 1}" if bad.size > 1 else None)


def electronic_conductivity(design: CellDesign, part: str, calendering: Mapping[str, Any] | None = None) -> dict[str, Array]:
    """Electronic conductivity of electrode ``part``'s coating by the one law of :mod:`xlcell.conduction` (S/m).

    The active matrix (the electrode's ``conductivity_S_m``, Bruggeman in the solid fraction with the design's
    exponent) in parallel with the percolating carbon network of the coating's calendering material, lowered in
    threshold and made anisotropic by the compaction from the porosity before calendering ε_0 to the design's.

    Parameters
    ----------
    design : CellDesign
        Resolved designs (SI).
    part : {"pos", "neg"}
        The electrode.
    calendering : mapping, optional
        The calendering context (:func:`evaluate_cell`).

    Returns
    -------
    dict
        ``through``, ``in_plane``, ``network`` (S/m), ``threshold`` and ``anisotropy``
        (:func:`xlcell.conduction.solid_conductivity`).
    """
    e = getattr(design, part)
    mat = conduction.conduction_material(part, calendering)
    eps0 = None if mat is None else conduction.porosity_before(part, mat, calendering)
    phi = coating_density(e) * e.carbon_frac / e.carbon_density_kg_m3
    return conduction.solid_conductivity(e.conductivity_S_m, e.porosity, design.bruggeman_exponent, phi, mat, eps0)


# ---------------------------------------------------------------- rate capability and power (issue 13)
_SPHERE_TERMS = 4000  #: eigenvalues of the series of the sphere's surface concentration
_SHORT_TAU = 1e-3  #: below this dimensionless time the series gives way to its short-time expansion


@lru_cache(maxsize=1)
def _sphere_surface_table() -> tuple[np.ndarray, np.ndarray]:
    """The sphere's constant-flux surface function S(τ) on a log grid of τ = D t / r² (1e-10 to 1e3): τ and S.

    A sphere of radius r under a constant surface flux j from a uniform start has the surface concentration change
    (j r / D) S(τ), S(τ) = 3τ + 1/5 - 2 Σ exp(-λ_k² τ)/λ_k² (tan λ_k = λ_k; Carslaw & Jaeger, *Conduction of Heat in
    Solids*, 2nd ed., 1959, §9.3), S ≈ 2 sqrt(τ/π) + τ + (4/3) τ^1.5/sqrt(π) for short times (the semi-infinite
    2 sqrt(τ/π) with the sphere's curvature correction).
    """
    k = np.arange(1, _SPHERE_TERMS + 1, dtype=float)
    q = (k + 0.5) * np.pi
    lam = q - 1.0 / q
    for _ in range(6):  # Newton on λ cos λ - sin λ = 0
        lam = lam - (lam * np.cos(lam) - np.sin(lam)) / (-lam * np.sin(lam))
    tau = np.logspace(-10, 3, 600)
    long_ = tau >= _SHORT_TAU
    S = _sphere_short_time(tau)
    tl = tau[long_][:, None]
    S[long_] = 3.0 * tau[long_] + 0.2 - 2.0 * np.sum(np.exp(-lam**2 * tl) / lam**2, axis=1)
    return tau, S


def _sphere_short_time(tau: Array) -> np.ndarray:
    """S(τ) ≈ 2 sqrt(τ/π) + τ + (4/3) τ^1.5/sqrt(π), the short-time surface function of :func:`_sphere_surface_table`."""
    tau = np.asarray(tau, dtype=float)
    return 2.0 * np.sqrt(tau / np.pi) + tau + (4.0 / 3.0) * tau**1.5 / np.sqrt(np.pi)


def sphere_surface_change(tau: Array) -> np.ndarray:
    """S(τ): the surface concentration change of a sphere under a constant surface flux j from a uniform start, per
    j r / D (dimensionless; :func:`_sphere_surface_table`), at the dimensionless time τ = D t / r² >= 0.

    The short-time expansion below τ = 1e-3, the exact series (interpolated in log-log) up to τ = 1e3 and its
    long-time limit 3τ + 1/5 above: the mean's 3τ plus the steady parabola's 1/5.

    Parameters
    ----------
    tau : array_like
        Dimensionless time τ = D t / r² (D the solid diffusivity in m²/s, t the time in s, r the radius in m; >= 0).
    """
    tau = np.asarray(tau, dtype=float)
    tau_k, s_k = _sphere_surface_table()
    lt, ls = np.log(tau_k), np.log(s_k)
    with np.errstate(divide="ignore"):
        mid = np.exp(np.interp(np.log(np.maximum(tau, 1e-300)), lt, ls))
    out = np.where(tau < _SHORT_TAU, _sphere_short_time(np.minimum(tau, _SHORT_TAU)), mid)
    return np.where(tau > np.exp(lt[-1]), 3.0 * tau + 0.2, out)


@lru_cache(maxsize=1)
def _sphere_table() -> tuple[np.ndarray, np.ndarray]:
    """The exact usable fraction of a sphere discharged at constant flux until its surface leaves the window.

    With the surface change (j r / D) S(τ) of :func:`_sphere_surface_table` and N = r²/(D t_dis) (t_dis = 3600/C)
    the mean moves by the whole window in t_dis; the surface leaves the window when u + (N/3)(S(u/N) - 3u/N) = 1,
    u = t/t_dis the delivered share. Parametrised by the end time τ_e this is explicit: N = 3/S(τ_e),
    u = 3 τ_e / S(τ_e). Returned: log N ascending and u, for interpolation.
    """
    tau, S = _sphere_surface_table()
    N, u = 3.0 / S, 3.0 * tau / S
    order = np.argsort(N)
    return np.log(N[order]), u[order]


def sphere_usable_fraction(solid_number: Array, headroom: Array = 0.0) -> np.ndarray:
    """Share of a particle's window delivered before its surface reaches the end of the window plus the headroom.

    u = min(1, (1 + h) U(N / (1 + h))), U the exact constant-flux sphere (:func:`_sphere_table`): U = 1 - N/15 for
    small N (the loss starts at once, linearly: the polynomial profile of Subramanian et al., J. Electrochem. Soc. 152
    (2005) A2002) and U = 9π/(4N) for large N (semi-infinite diffusion).

    Parameters
    ----------
    solid_number : array_like
        N = (r²/D_s) / (3600/C), the particle's diffusion time over the discharge time (dimensionless, >= 0).
    headroom : array_like
        h, how far past the window's end the surface may go, as a share of the window (dimensionless, >= 0).
    """
    logn, u = _sphere_table()
    h1 = 1.0 + np.asarray(headroom, dtype=float)
    n = np.asarray(solid_number, dtype=float) / h1
    with np.errstate(divide="ignore"):
        ln = np.log(np.maximum(n, 1e-300))
    U = np.interp(ln, logn, u)
    U = np.where(n < np.exp(logn[0]), 1.0 - n / 15.0, U)
    U = np.where(n > np.exp(logn[-1]), 9.0 * np.pi / (4.0 * np.maximum(n, 1e-300)), U)
    return np.minimum(1.0, h1 * U)


def sphere_critical_number(fraction: Array, headroom: Array = 0.0) -> np.ndarray:
    """The solid number N at which :func:`sphere_usable_fraction` equals ``fraction`` (the inverse, dimensionless).

    Parameters
    ----------
    fraction : array_like
        The usable share of the window (0 < fraction < 1).
    headroom : array_like
        h as in :func:`sphere_usable_fraction`.
    """
    logn, u = _sphere_table()
    h1 = 1.0 + np.asarray(headroom, dtype=float)
    target = np.asarray(fraction, dtype=float) / h1  # U(N/(1+h)) = f/(1+h); U falls with N
    return h1 * np.exp(np.interp(-target, -u, logn))


def bv_overpotential(current_A_m2: Array, exchange_A_m2: Array, temperature_K: Array) -> np.ndarray:
    """Butler–Volmer charge-transfer overpotential of a porous electrode, η = (2RT/F) asinh(i / (2 I_0)) (V).

    Symmetric transfer (α = 1/2) with the reaction spread evenly through the coating, I_0 = i0 a_eff L the exchange
    current per electrode area; for i << I_0 it is the linear i R T/(F I_0) = i ASI_ct of :func:`charge_transfer_asi`.

    Parameters
    ----------
    current_A_m2 : array_like
        Current density i per electrode area, A/m².
    exchange_A_m2 : array_like
        I_0 = i0 a_eff L, A/m² of electrode area.
    temperature_K : array_like
        Temperature T in K.
    """
    return 2.0 * GAS_CONSTANT * np.asarray(temperature_K, dtype=float) / FARADAY * np.arcsinh(
        np.asarray(current_A_m2, dtype=float) / (2.0 * np.asarray(exchange_A_m2, dtype=float)))


def _exchange(asi_ct: Array, T: Array) -> Array:
    """I_0 = RT/(F ASI_ct) (A/m²): the exchange current per area whose linear limit is the charge-transfer ASI."""
    return GAS_CONSTANT * T / (FARADAY * asi_ct)


PULSE_S = 10.0  #: BatPaC 5.0's power pulse (§2.4): 10 s
PULSE_SOC = 0.5  #: the state of charge of the power pulse (BatPaC's at the mean open-circuit voltage: 50 %)
_NEWTON_RTOL = 1e-13  #: the Newton iterations of the rate model stop when every step is below this share of its value
_SALT_FLOOR = 1e-6  #: the salt left after a pulse that empties the pores, as a share of c0 (a finite resistance)


#: the ElectrodeDesign fields of the pulse OCV curve's nodes and the states of charge they sit at
OCV_NODE_KEYS = ("ocv_loss_soc10_V", "ocv_loss_soc5_V", "ocv_loss_soc0_V")
OCV_NODE_SOCS = (0.10, 0.05, 0.0)
#: the surface's move from 50 % SOC (share of the window) at the curve's points: 0 (the tangent's) and each node
_OCV_X = (0.0,) + tuple(PULSE_SOC - x for x in OCV_NODE_SOCS)


def _ocv_curve(ocv_slope_V: Array, *losses_V: Array) -> tuple[Array, list[Array], list[Array]]:
    """The monotone cubic Hermite (Fritsch–Carlson) data of :func:`pulse_ocv_loss`'s curve: the slope s, the values
    0, d10, d5, d0 at the moves :data:`_OCV_X` and the slopes there: k = min(s, 3 m) at 50 % SOC (the tangent, limited
    so that the cubic cannot turn back), the weighted harmonic mean of the two neighbouring secants inside (Fritsch and
    Butland; 0 where either is 0), the last secant at the window's end (continued as a line past it)."""
    s = np.asarray(ocv_slope_V, dtype=float)
    y = [np.zeros(())] + [np.asarray(v, dtype=float) for v in losses_V]
    x = _OCV_X
    h = [x[j + 1] - x[j] for j in range(len(x) - 1)]
    m = [(y[j + 1] - y[j]) / h[j] for j in range(len(h))]
    k = [np.minimum(s, 3.0 * m[0])]
    with np.errstate(divide="ignore", invalid="ignore"):
        for j in range(1, len(h)):
            w1, w2 = 2.0 * h[j] + h[j - 1], h[j] + 2.0 * h[j - 1]
            k.append(np.where(m[j - 1] * m[j] > 0.0, (w1 + w2) / (w1 / m[j - 1] + w2 / m[j]), 0.0))
    k.append(m[-1])
    return s, y, k


def _ocv_curve_at(delta: Array, curve: tuple[Array, list[Array], list[Array]]) -> tuple[np.ndarray, np.ndarray]:
    """The curve of :func:`_ocv_curve` and its slope at the moves ``delta`` (V, V per window)."""
    _, y, k = curve
    x = _OCV_X
    delta = np.asarray(delta, dtype=float)
    # each move's segment: its ends' values and slopes (the first segment's below the curve's start, too)
    x0, h, ya, yb, ka, kb = x[0], x[1] - x[0], y[0], y[1], k[0], k[1]
    for j in range(1, len(x) - 1):
        on = delta > x[j]
        x0, h = np.where(on, x[j], x0), np.where(on, x[j + 1] - x[j], h)
        ya, yb, ka, kb = (np.where(on, a, b) for a, b in ((y[j], ya), (y[j + 1], yb), (k[j], ka), (k[j + 1], kb)))
    t = (delta - x0) / h
    t2 = t * t
    t3 = t2 * t
    H = (2.0 * t3 - 3.0 * t2 + 1.0) * ya + (t3 - 2.0 * t2 + t) * h * ka + (3.0 * t2 - 2.0 * t3) * yb \
        + (t3 - t2) * h * kb
    dH = 6.0 * (t2 - t) * (ya - yb) / h + (3.0 * t2 - 4.0 * t + 1.0) * ka + (3.0 * t2 - 2.0 * t) * kb
    past = delta > x[-1]
    return np.where(past, y[-1] + k[-1] * (delta - x[-1]), H), np.where(past, k[-1], dH)


def pulse_ocv_loss(surface_share: Array, ocv_slope_V: Array, loss_soc10_V: Array, loss_soc5_V: Array,
                   loss_soc0_V: Array) -> np.ndarray:
    """The open-circuit potential an electrode loses (V) when its particles' surfaces have moved the share Δ of its
    cycled window from 50 % SOC toward the window's discharge end (0 % SOC): the curve through its OCP's nodes.

    The curve is the monotone cubic Hermite interpolant (F. N. Fritsch, R. E. Carlson, SIAM J. Numer. Anal. 17 (1980)
    238; the inner slopes of F. N. Fritsch, J. Butland, SIAM J. Sci. Stat. Comput. 5 (1984) 300, as scipy's PCHIP)
    through the loss 0 at Δ = 0 with the tangent ``ocv_slope_V`` there and the losses at 10, 5 and 0 % SOC
    (Δ = 0.4, 0.45, 0.5), continued past the window's end (into the surface headroom) as a line with the last
    segment's slope. It never falls with Δ and follows the tangent s Δ to second order at small moves, so the pulse
    resistance at small currents is the tangent's. Where ``loss_soc0_V`` is 0 (so every node is) there is no curve:
    the tangent s Δ alone (:func:`pulse_solid_resistance`).

    Parameters
    ----------
    surface_share : array_like
        Δ, the surface's move from 50 % SOC as a share of the cycled window (>= 0; :func:`pulse_surface_share` × the
        current density).
    ocv_slope_V : array_like
        |dU/dSOC| at 50 % SOC per unit of the cycled window (V, >= 0).
    loss_soc10_V, loss_soc5_V, loss_soc0_V : array_like
        |U(50 % SOC) - U(x % SOC)| at 10, 5 and 0 % SOC (V, 0 <= loss_soc10_V <= loss_soc5_V <= loss_soc0_V).
    """
    delta = np.asarray(surface_share, dtype=float)
    curve = _ocv_curve(ocv_slope_V, loss_soc10_V, loss_soc5_V, loss_soc0_V)
    H, _ = _ocv_curve_at(delta, curve)
    return np.where(curve[1][-1] > 0.0, H, curve[0] * delta)


def ocv_loss_curve(surface_share: Array, ocv_slope_V: Array, loss_soc10_V: Array, loss_soc5_V: Array,
                   loss_soc0_V: Array) -> tuple[np.ndarray, np.ndarray]:
    """:func:`pulse_ocv_loss` and its slope: the OCP an electrode loses (V) at the move Δ of its surface from 50 % SOC
    toward its window's discharge end, and d(loss)/dΔ (V per window); without a curve (``loss_soc0_V`` 0) the tangent
    s Δ and s. The porous-electrode model's OCP below 50 % SOC (:mod:`xlcell.porous`).

    Parameters
    ----------
    surface_share : array_like
        Δ, the move from 50 % SOC as a share of the cycled window (>= 0).
    ocv_slope_V : array_like
        |dU/dSOC| at 50 % SOC per unit of the cycled window (V, >= 0).
    loss_soc10_V, loss_soc5_V, loss_soc0_V : array_like
        |U(50 % SOC) - U(x % SOC)| at 10, 5 and 0 % SOC (V).
    """
    delta = np.asarray(surface_share, dtype=float)
    curve = _ocv_curve(ocv_slope_V, loss_soc10_V, loss_soc5_V, loss_soc0_V)
    H, dH = _ocv_curve_at(delta, curve)
    has = curve[1][-1] > 0.0
    return np.where(has, H, curve[0] * delta), np.where(has, dH, curve[0] + 0.0 * delta)


def _ocv_excess(delta: Array, curve: tuple[Array, list[Array], list[Array]]) -> tuple[np.ndarray, np.ndarray]:
    """The curve's loss beyond the tangent s Δ and its slope (0 and 0 where there is no curve)."""
    H, dH = _ocv_curve_at(delta, curve)
    s, has = curve[0], curve[1][-1] > 0.0
    return np.where(has, H - s * delta, 0.0), np.where(has, dH - s, 0.0)


def pulse_current(drop_V: Array, asi_ohm: Array, i0_p: Array, i0_n: Array, T: Array,
                  salt: Mapping[str, Array] | None = None, solid_limit_A_m2: Array | None = None,
                  ocv_curves: Sequence[tuple[Array, ...]] = ()) -> np.ndarray:
    """Current density (A/m²) at which the pulse's polarisation equals ``drop_V``: safeguarded Newton.

    The polarisation is ohmic i ASI_ohm + Butler–Volmer η_p(i) + η_n(i) (:func:`bv_overpotential`) + the salt's
    concentration overpotential after the pulse (``salt``, :func:`_pulse_salt`; None: none) + each electrode's OCV
    curve beyond its tangent (``ocv_curves``; the tangent itself is a resistance within ``asi_ohm``). g(i) = drop -
    polarisation falls with i; Newton starts from the linear solution drop / (ASI_ohm + ASI_ct,p + ASI_ct,n) and
    never steps past the current at which the pulse empties the positive's pores of salt. The current is at most
    ``solid_limit_A_m2`` (:func:`pulse_solid_limit`, the smaller of the two electrodes'; None: no limit), at which a
    particle's surface reaches the end of its window within the pulse and its open-circuit potential falls off it.

    Parameters
    ----------
    drop_V : array_like
        The voltage drop OCV - V allowed (V, >= 0).
    asi_ohm : array_like
        Ohmic ASI: electrolyte + electronic + hardware (Ω·m²).
    i0_p, i0_n : array_like
        Exchange current per electrode area of each electrode (A/m²).
    T : array_like
        Temperature (K).
    salt : mapping, optional
        The pulse's salt terms (:func:`_pulse_salt`).
    solid_limit_A_m2 : array_like, optional
        The highest current density the particles' surfaces carry through the pulse (A/m²).
    ocv_curves : sequence of tuples, optional
        Per electrode with an OCV curve: (its surface's move per current density, m²/A (:func:`pulse_surface_share`);
        ``ocv_slope_V``; the losses at 10, 5 and 0 % SOC), the curve of :func:`pulse_ocv_loss`, whose excess over its
        tangent adds to the polarisation (none: the tangent only).
    """
    curves = [(np.asarray(a, dtype=float), _ocv_curve(*rest)) for a, *rest in ocv_curves]
    two_rt_f = 2.0 * GAS_CONSTANT * np.asarray(T, dtype=float) / FARADAY
    dv = np.asarray(drop_V, dtype=float)
    a_p, a_n = 2.0 * np.asarray(i0_p, dtype=float), 2.0 * np.asarray(i0_n, dtype=float)
    asi_ohm = np.asarray(asi_ohm, dtype=float)
    i_lin = dv / (asi_ohm + two_rt_f / a_p + two_rt_f / a_n)
    if salt is None:
        q_p, q_n, c0, w, imax = 0.0, 0.0, 1.0, 0.0, None
    else:
        q_p, q_n, c0, w = salt["q_p"], salt["q_n"], salt["c0"], two_rt_f * salt["tc"]
        imax = c0 / q_p  # the current that empties the positive's pores of salt in the pulse
    # with the salt the unknown is u = -ln(c_p/c0), i = i_max (1 - e^(-u)): the salt's logarithm becomes linear and
    # the end of the salt u -> inf; without it the unknown is i. g falls; Newton within a bracket [lo, hi] that a step
    # may not leave (bisection, or doubling while there is no upper end, then)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        u = i_lin if imax is None else -np.log1p(-np.minimum(i_lin / imax, 0.5))
        # every design's inputs at the population's shape, flat: the iterations run on the designs not yet converged
        # only (each design's arithmetic is its own, element by element, so a result never depends on its batch)
        flat = [dv, asi_ohm, two_rt_f, a_p, a_n, q_p, q_n, c0, w, 0.0 if imax is None else imax]
        for share, (s, y, k) in curves:
            flat += [share, s, *y, *k]
        shape = np.broadcast_shapes(np.shape(u), *(np.shape(x) for x in flat))
        flat = [np.broadcast_to(np.asarray(x, dtype=float), shape).ravel() for x in flat]
        u = np.broadcast_to(u, shape).ravel().copy()
        n_y = len(_OCV_X)
        curved = np.zeros(u.shape, dtype=bool)
        for c in range(len(curves)):
            curved |= flat[10 + c * (2 + 2 * n_y) + 1 + n_y] > 0.0  # the curve's last loss (y[-1])
        lo, hi, last = np.zeros_like(u), np.full_like(u, np.inf), np.full_like(u, np.inf)
        rows = np.arange(u.size)  # the designs iterated (a superset of those not converged)
        cols = flat
        live = np.ones(u.size, dtype=bool)  # over rows: not converged
        for _ in range(100):
            if not live.all() and 2 * int(live.sum()) <= len(rows):  # gather the designs left (at most halving)
                rows = rows[live]
                cols = [x[rows] for x in flat]
                live = np.ones(len(rows), dtype=bool)
            dv_, asi_, trf, ap_, an_, qp_, qn_, c0_, w_, im_ = cols[:10]
            ur, lor, hir, lastr = u[rows], lo[rows], hi[rows], last[rows]
            if imax is None:
                i, didu, wu = ur, 1.0, 0.0
            else:
                e = np.exp(-ur)
                i, didu, wu = im_ * (1.0 - e), im_ * e, w_
            x_p, x_n = i / ap_, i / an_
            cn = 1.0 + qn_ * i / c0_
            g = dv_ - i * asi_ - trf * (np.arcsinh(x_p) + np.arcsinh(x_n)) - w_ * np.log(cn) - wu * ur
            di = asi_ + trf * (1.0 / (ap_ * np.sqrt(1.0 + x_p * x_p)) + 1.0 / (an_ * np.sqrt(1.0 + x_n * x_n))) \
                + w_ * qn_ / (c0_ * cn)
            for c in range(len(curves)):  # the OCV curves beyond their tangents (0 where a design has none)
                b = 10 + c * (2 + 2 * n_y)
                share, s = cols[b], cols[b + 1]
                co = (s, cols[b + 2:b + 2 + n_y], cols[b + 2 + n_y:b + 2 + 2 * n_y])
                ex, dex = _ocv_excess(i * share, co)
                g = g - ex
                di = di + share * dex
            lor = np.where(g > 0, ur, lor)
            hir = np.where(g < 0, ur, hir)
            new = ur + g / (di * didu + wu)
            keep = (new >= lor) & (new <= hir)
            if curves:
                keep = keep & ~(curved[rows] & (np.abs(new - ur) > 0.5 * lastr))
            new = np.where(keep, new, np.where(np.isfinite(hir), 0.5 * (lor + hir), 2.0 * ur + 1.0))
            lastr = np.abs(new - ur)
            step = np.where(live, new - ur, 0.0)
            ur = np.where(live, new, ur)
            live = live & ~(np.abs(step) <= _NEWTON_RTOL * np.abs(ur))
            u[rows], lo[rows], hi[rows], last[rows] = ur, lor, hir, lastr
            if not live.any():
                break
        u = u.reshape(shape)
        i = u if imax is None else np.broadcast_to(imax, shape) * -np.expm1(-u)
    return i if solid_limit_A_m2 is None else np.minimum(i, solid_limit_A_m2)


def pulse_surface_share(areal_capacity_C_m2: Array, diffusion_time_s: Array, duration_s: Array = PULSE_S) -> np.ndarray:
    """The share of its window an electrode's particle surfaces move per unit current density in a constant-current
    pulse of ``duration_s``: Δ/i = t_s S(t/t_s) / (3 Q_A) (m²/A; :func:`sphere_surface_change`).

    With the reaction spread evenly through the coating each particle takes the flux j = i r / (3 Q_A) c_w (Q_A the
    window's charge per electrode area, c_w the window's concentration span), so the mean moves by i/Q_A of the window
    per second and the surface by the share Δ = i t_s S(t/t_s) / (3 Q_A) (t_s = r²/D_s; for t << t_s,
    2 i sqrt(t t_s/π) / (3 Q_A): the semi-infinite solid, the mean's i t/Q_A and the sphere's curvature above it).

    Parameters
    ----------
    areal_capacity_C_m2 : array_like
        The electrode's window capacity per electrode area Q_A (C/m²).
    diffusion_time_s : array_like
        t_s = r²/D_s of its particles (s).
    duration_s : array_like
        The pulse's duration t (s; BatPaC's 10 s).
    """
    ts = np.asarray(diffusion_time_s, dtype=float)
    return ts * sphere_surface_change(np.asarray(duration_s, dtype=float) / ts) / (
        3.0 * np.asarray(areal_capacity_C_m2, dtype=float))


def pulse_solid_resistance(areal_capacity_C_m2: Array, diffusion_time_s: Array, ocv_slope_V: Array,
                           duration_s: Array = PULSE_S) -> np.ndarray:
    """The solid-diffusion polarisation of a constant-current pulse per unit current density (Ω·m²).

    The particles' surfaces move in the pulse by the share Δ = i × :func:`pulse_surface_share` of their window, and
    the electrode's open-circuit potential at the surface with them by |dU/dSOC| Δ (the slope per unit of the cycled
    window, linearised at the pulse's state of charge): a resistance R = |dU/dSOC| t_s S(t/t_s) / (3 Q_A), which adds
    to the ohmic one in the pulse. Zero slope: none.

    Parameters
    ----------
    areal_capacity_C_m2 : array_like
        The electrode's window capacity per electrode area Q_A (C/m²).
    diffusion_time_s : array_like
        t_s = r²/D_s of its particles (s).
    ocv_slope_V : array_like
        |dU/dSOC| of the electrode's open-circuit potential per unit of its cycled window (V, >= 0).
    duration_s : array_like
        The pulse's duration t (s; BatPaC's 10 s).
    """
    return np.asarray(ocv_slope_V, dtype=float) * pulse_surface_share(areal_capacity_C_m2, diffusion_time_s,
                                                                      duration_s)


def pulse_solid_limit(areal_capacity_C_m2: Array, diffusion_time_s: Array, headroom: Array,
                      duration_s: Array = PULSE_S, start: Array = PULSE_SOC) -> np.ndarray:
    """The pulse current density (A/m²) at which an electrode's particle surfaces reach the end of their window
    (plus the headroom) at the end of a constant-current pulse of ``duration_s`` begun at the state of charge ``start``.

    The surface moves by the share Δ = i t_s S(t/t_s) / (3 Q_A) of the window (:func:`pulse_surface_share`) and has
    ``start`` + h of the window left to go (h as in :func:`sphere_usable_fraction`): the limit is
    i = 3 Q_A (start + h) / (t_s S(t/t_s)).

    Parameters
    ----------
    areal_capacity_C_m2 : array_like
        The electrode's window capacity per electrode area Q_A (C/m²).
    diffusion_time_s : array_like
        t_s = r²/D_s of its particles (s).
    headroom : array_like
        h, how far past the window's end the surface may go, as a share of the window (>= 0).
    duration_s : array_like
        The pulse's duration t (s; BatPaC's 10 s).
    start : array_like
        The share of the window left ahead of the pulse (BatPaC's 50 % SOC: 0.5).
    """
    ts = np.asarray(diffusion_time_s, dtype=float)
    with np.errstate(divide="ignore"):
        return 3.0 * np.asarray(areal_capacity_C_m2, dtype=float) * (start + np.asarray(headroom, dtype=float)) / (
            ts * sphere_surface_change(np.asarray(duration_s, dtype=float) / ts))


def _pulse_solid(d: CellDesign, c: Mapping[str, Array], rate: Mapping[str, Array]) -> Array:
    """The pulse current density (A/m²) at which the first electrode's particle surfaces reach the end of their window
    in BatPaC's 10 s pulse (:func:`pulse_solid_limit`): ``c`` the chain's dictionary, ``rate`` :func:`_rate_limits`'."""
    return np.minimum(
        pulse_solid_limit(c["pos_areal_capacity_C_m2"], rate["t_s_p"], surface_headroom(d.pos, "pos")),
        pulse_solid_limit(c["neg_areal_capacity_C_m2"], rate["t_s_n"], surface_headroom(d.neg, "neg")))


def _pulse_solid_resistance(d: CellDesign, c: Mapping[str, Array], rate: Mapping[str, Array]) -> Array:
    """Both electrodes' solid-diffusion polarisation of BatPaC's 10 s pulse per unit current density (Ω·m²;
    :func:`pulse_solid_resistance`): ``c`` the chain's dictionary, ``rate`` :func:`_rate_limits`'."""
    return (pulse_solid_resistance(c["pos_areal_capacity_C_m2"], rate["t_s_p"], d.pos.ocv_slope_V)
            + pulse_solid_resistance(c["neg_areal_capacity_C_m2"], rate["t_s_n"], d.neg.ocv_slope_V))


def _pulse_ocv_curves(d: CellDesign, c: Mapping[str, Array], rate: Mapping[str, Array]) -> list[tuple[Array, ...]]:
    """:func:`pulse_current`'s ``ocv_curves``: each electrode that carries an OCV curve in any design (a nonzero
    ``ocv_loss_soc0_V``; :func:`pulse_ocv_loss`), with its surface's move per current density in BatPaC's 10 s pulse
    (:func:`pulse_surface_share`); none: the tangents alone, as before the curves."""
    out = []
    for e, part in ((d.pos, "pos"), (d.neg, "neg")):
        if np.any(np.asarray(e.ocv_loss_soc0_V) > 0.0):
            share = pulse_surface_share(c[f"{part}_areal_capacity_C_m2"], rate[f"t_s_{part[0]}"])
            out.append((share, e.ocv_slope_V, *(getattr(e, k) for k in OCV_NODE_KEYS)))
    return out


def _pulse_salt(dis: Mapping[str, Array], transference: Array, duration_s: Array = PULSE_S) -> dict[str, Array]:
    """The salt change per unit current density in each electrode after a pulse of ``duration_s`` (m³·s/(mol)...).

    With the reaction spread through each electrode the salt in the positive falls at first by k/(ε_p L_p) per
    second (k = (1 - t+) i / F) and in the negative rises by k/(ε_n L_n); each mean approaches its steady value
    (the full-cell balance of :func:`_salt_balance`, Δ_p = k ((C - 2A)/M + 2A/(ε_p L_p)),
    Δ_n = k (L_s/D_s + L_n/(3 D_n) - (C - 2A)/M)) exponentially with the time constant that matches that first slope,
    τ = Δ ε L / k. Returned: q_p, q_n with c_p = c0 - q_p i, c_n = c0 + q_n i after the pulse (m³/(mol)... per
    A/m²), ``c0`` and ``tc`` = 1 - t+, the factor of the concentration overpotential 2RT/F (1 - t+) ln(c_n/c_p).
    """
    t = dis
    per_k = (t["cs0"] + t["cs1"] + t["cs2"] - 2.0 * t["a"]) / (t["m0"] + t["m1"])  # (c0 - c_ps)/k
    e_l_p = t["e_u"] * t["L_u"]
    e_l_n = t["e_o"] * t["L_o"]
    dp = per_k + 2.0 * t["a"] / e_l_p
    dn = t["L_s"] / t["D_s"] + t["L_o"] / (3.0 * t["D_o"]) - per_k
    kf = (1.0 - transference) / FARADAY  # k per unit current density
    q_p = kf * dp * -np.expm1(-duration_s / (dp * e_l_p))
    q_n = kf * dn * -np.expm1(-duration_s / (dn * e_l_n))
    return dict(q_p=q_p, q_n=q_n, c0=t["c0"], tc=1.0 - transference)


def _salt_balance(d: CellDesign, k: Array, D: tuple[Array, Array, Array], charge: bool = False) -> dict[str, Array]:
    """Steady salt profile of the full cell at ``c_rate`` with the reaction spread through each electrode.

    ``k`` = (1 - t+) i / F (mol/m²/s) and ``D`` the effective salt diffusivities (positive, negative, separator).
    Salt is consumed in the electrode that takes up lithium from the electrolyte (the positive on discharge, the
    negative on charge) and released in the other. With k = (1 - t+) i / F (mol/m²/s) the steady profile is a
    parabola in each electrode (a drop k L / (2 D_eff) across it) and a line in the separator (k L_s / D_s); the salt
    in all the pores is conserved. The salt at the consuming electrode's collector runs out when the reaction reaches
    only a share φ of it: A φ² + B φ + C = c0 M / k with A = ε L² / (6 D), B = (ε_s L_s + ε_o L_o) L / (2 D),
    C = ε_s L_s² / (2 D_s) + ε_o L_o (L_s / D_s + L_o / (3 D_o)) (o the other electrode) and M the pore volume per
    area; φ = 1 (clipped): the salt reaches the whole electrode. Returned: φ and the terms (``cs0 + cs1 + cs2`` = C
    split by its powers of the electrodes' common thickness scale, ``b0 + b1`` = B likewise).
    """
    p, n, s = d.pos, d.neg, d.sep
    D_p, D_n, D_s = D
    use, other, D_u, D_o = (n, p, D_n, D_p) if charge else (p, n, D_p, D_n)
    L_u, L_o, L_s = use.thickness_m, other.thickness_m, s.thickness_m
    e_u, e_o, e_s = use.porosity, other.porosity, s.porosity
    h_u = L_u / (2.0 * D_u)
    t = dict(k=k, c0=d.electrolyte_concentration_mol_m3, a=e_u * L_u * h_u / 3.0, b0=e_s * L_s * h_u,
             b1=e_o * L_o * h_u, cs0=e_s * L_s**2 / (2.0 * D_s), cs1=e_o * L_o * L_s / D_s, cs2=e_o * L_o**2 / (3.0 * D_o),
             m0=e_s * L_s, m1=e_u * L_u + e_o * L_o, e_u=e_u, L_u=L_u, e_o=e_o, L_o=L_o, L_s=L_s, D_s=D_s, D_o=D_o)
    t["phi"] = _salt_reach(t)
    return t


def _salt_reach(t: Mapping[str, Array]) -> Array:
    """φ, the share of the consuming electrode the salt reaches (0 to 1), from the balance's terms ``t`` of
    :func:`_salt_balance` (or terms changed from them): the positive root of A φ² + B φ + C = c0 M / k, clipped.

    Parameters
    ----------
    t : mapping
        The terms ``a``, ``b0``, ``b1``, ``cs0``, ``cs1``, ``cs2``, ``m0``, ``m1``, ``c0`` and ``k`` (SI).
    """
    B, C, M = t["b0"] + t["b1"], t["cs0"] + t["cs1"] + t["cs2"], t["m0"] + t["m1"]
    with np.errstate(divide="ignore"):
        avail = t["c0"] * M / t["k"]
    disc = B**2 + 4.0 * t["a"] * np.maximum(avail - C, 0.0)
    return np.clip((-B + np.sqrt(disc)) / (2.0 * t["a"]), 0.0, 1.0)


def _salt_limit(t: Mapping[str, Array], f: Array, scale: Array = 1.0) -> Array:
    """Current over the current at which the salt reaches only the share ``f`` of the consuming electrode, with both
    electrodes' thicknesses (and so the current) multiplied by ``scale`` (porosity, composition and N/P held)."""
    s = scale
    poly = (t["a"] * f**2 + t["b1"] * f + t["cs2"]) * s**2 + (t["b0"] * f + t["cs1"]) * s + t["cs0"]
    return t["k"] * s * poly / (t["c0"] * (t["m0"] + t["m1"] * s))


def _depletion_time(x1: Array, x2: Array, tau1: Array, tau2: Array) -> np.ndarray:
    """The time t at which x1 (1 - e^(-t/τ1)) + x2 (1 - e^(-t/τ2)) reaches 1 (s; inf where x1 + x2 <= 1).

    With τ_f <= τ_s the faster and slower of the two, y = e^(-t/τ_s) and r = τ_s/τ_f >= 1 this is
    h(y) = x_f y^r + x_s y - (x1 + x2 - 1) = 0, convex and rising in y, so Newton's method from the right of its root,
    y = min(1, (x1 + x2 - 1)/x_s), falls to it without overshoot. Only the designs that deplete are solved.
    """
    x1, x2, tau1, tau2 = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (x1, x2, tau1, tau2)))
    out = np.full(x1.shape, np.inf)
    reach = x1 + x2 > 1.0
    if not reach.any():
        return out
    x1, x2, tau1, tau2 = x1[reach], x2[reach], tau1[reach], tau2[reach]
    fast = tau1 <= tau2
    t_f, t_s = np.where(fast, tau1, tau2), np.where(fast, tau2, tau1)
    x_f, x_s = np.where(fast, x1, x2), np.where(fast, x2, x1)
    over = x1 + x2 - 1.0
    r = t_s / t_f
    with np.errstate(divide="ignore", invalid="ignore"):
        y = np.where(x_s > 0, np.minimum(1.0, over / np.where(x_s > 0, x_s, 1.0)), 1.0)
        done = np.zeros(y.shape, dtype=bool)  # converged designs stop moving (batch-independent results)
        for _ in range(60):
            yr = y**r
            step = np.where(done, 0.0, (x_f * yr + x_s * y - over) / (x_f * r * yr / y + x_s))
            y = y - step
            done = done | (np.abs(step) <= _NEWTON_RTOL * np.abs(y))
            if done.all():
                break
    out[reach] = -t_s * np.log(y)
    return out


#: the salt left in a coating's pores, as a share of c0, at which they count as empty: the lower end of the Kirchhoff
#: mean of the pulse's salt diffusivity law (:func:`salt_diffusivity_gain`; the depletion level of the DFN reference,
#: scripts/pybamm_dfn_reference.py)
SALT_EMPTY_SHARE = 0.05
_SALT_LAW_FIELDS = ("salt_diffusivity_inverse", "salt_diffusivity_linear", "salt_diffusivity_quadratic",
                    "salt_diffusivity_exponent")


def salt_law(d: CellDesign) -> dict[str, Array]:
    """The design's salt diffusivity law as :func:`xlcell.transport.salt_diffusivity_factor`'s keyword arguments.

    Parameters
    ----------
    d : CellDesign
        Designs (SI).
    """
    return {f.removeprefix("salt_diffusivity_"): getattr(d, f) for f in _SALT_LAW_FIELDS}


def salt_diffusivity_gain(d: CellDesign) -> Array | None:
    """ḡ, the mean of D(c)/D(c0) from :data:`SALT_EMPTY_SHARE` c0 to c0 (:func:`xlcell.transport.kirchhoff_mean`):
    the factor on the salt diffusivity of a coating whose pores a current runs empty, and whose steady flux it carries
    exactly (Kirchhoff's transform). None where every design's law is constant (all coefficients 0): the constant
    diffusivity, today's numbers bit for bit; 1 for the designs of a population whose law is constant.

    Parameters
    ----------
    d : CellDesign
        Designs (SI).
    """
    law = salt_law(d)
    if not _has_salt_law(law):
        return None
    const = np.logical_and.reduce(np.broadcast_arrays(*(np.asarray(v, dtype=float) == 0.0 for v in law.values())))
    return np.where(const, 1.0, kirchhoff_mean(SALT_EMPTY_SHARE, 1.0, **law))


def _has_salt_law(law: Mapping[str, Array]) -> bool:
    return any(np.any(np.asarray(v, dtype=float) != 0.0) for v in law.values())


def _check_salt_law(d: CellDesign) -> None:
    """A salt diffusivity law must give a diffusivity > 0 from 0 to 5 c0
    (:func:`xlcell.transport.check_salt_diffusivity_law`): refused naming its ``salt_diffusivity_*`` key and the
    design. Only designs with a law are checked (a constant diffusivity costs nothing)."""
    _check_law(salt_law(d), check_salt_diffusivity_law, "salt_diffusivity_")


def _check_law(law: Mapping[str, Array], check: Callable[..., Any], prefix: str) -> None:
    """``check`` (a law's check in :mod:`xlcell.transport`) of ``law`` where any coefficient is not 0, its error
    naming the design's key (``prefix`` + the coefficient) and the design instead of the law."""
    if not _has_salt_law(law):
        return
    try:
        check(**law)
    except InputError as e:  # the law's own names, as the design's keys
        where = e.where.replace("law", "design") if e.where else None
        raise InputError(f"{prefix}{e.name}", e.value, e.allowed, where) from None


_CONDUCTIVITY_LAW_FIELDS = ("conductivity_linear", "conductivity_quadratic", "conductivity_cubic")


def conductivity_law(d: CellDesign) -> dict[str, Array]:
    """The design's electrolyte conductivity law as :func:`xlcell.transport.conductivity_factor`'s keyword arguments.

    Parameters
    ----------
    d : CellDesign
        Designs (SI).
    """
    return {f.removeprefix("conductivity_"): getattr(d, f) for f in _CONDUCTIVITY_LAW_FIELDS}


def _check_conductivity_law(d: CellDesign) -> None:
    """A conductivity law must give a conductivity > 0 from 0 to 5 c0 (:func:`xlcell.transport.check_conductivity_law`):
    refused naming its ``conductivity_*`` key and the design. Only designs with a law are checked."""
    _check_law(conductivity_law(d), check_conductivity_law, "conductivity_")


def _max_scale(t: Mapping[str, Array], f: Array) -> Array:
    """The thickness scale at which :func:`_salt_limit` is 1 (Newton on the cubic, from the L² estimate)."""
    s = 1.0 / np.sqrt(np.maximum(_salt_limit(t, f), 1e-300))
    p3 = t["k"] * (t["a"] * f**2 + t["b1"] * f + t["cs2"])
    p2 = t["k"] * (t["b0"] * f + t["cs1"])
    p1 = t["k"] * t["cs0"] - t["c0"] * t["m1"]
    p0 = -t["c0"] * t["m0"]
    done = np.zeros(np.shape(s), dtype=bool)  # converged designs stop moving (batch-independent results)
    for _ in range(30):
        g = ((p3 * s + p2) * s + p1) * s + p0
        dg = (3.0 * p3 * s + 2.0 * p2) * s + p1
        step = np.where(done, 0.0, g / dg)
        s = np.maximum(s - step, 0.5 * s)
        done = done | (np.abs(step) <= _NEWTON_RTOL * np.abs(s))
        if done.all():
            break
    return s


def _rate_limits(d: CellDesign, c: Mapping[str, Array], c_rate: Array, *, limits: bool = True,
                 sizes: bool = True) -> dict[str, Array]:
    """Diffusion numbers, usable fractions, voltage under load and size limits at ``c_rate`` (1/h).

    ``c`` is the chain's dictionary of the designs (:func:`chain`): areal capacities, open-circuit voltage, ASIs.
    ``limits`` False: without the feasibility limits (the charge's salt balance, ``phi_n``, ``lim_*``); ``sizes``
    False (or ``limits`` False): without the size limits (``l_max_*``, ``r_max_*``: a Newton solve each). The values
    returned are the same either way; the usable fraction and the voltage under load need neither.
    """
    p, n = d.pos, d.neg
    b = d.bruggeman_exponent
    T = d.temperature_K
    t_dis = SECONDS_PER_HOUR / c_rate
    q_lim = np.minimum(c["pos_areal_capacity_C_m2"], c["neg_areal_capacity_C_m2"])
    i = q_lim * c_rate / SECONDS_PER_HOUR  # A/m² of positive area (the negative carries the same current)
    D0 = d.electrolyte_diffusivity_m2_s
    Deff_p, Deff_n, Ds = D0 * p.porosity**b, D0 * n.porosity**b, D0 * d.sep.porosity**separator_bruggeman(d)
    k = (1.0 - d.transference_number) * i / FARADAY  # mol/m²/s of salt
    n_e_p = k * p.thickness_m / (d.electrolyte_concentration_mol_m3 * Deff_p)
    n_e_n = k * n.thickness_m / (d.electrolyte_concentration_mol_m3 * Deff_n)
    t_s_p = diffusion_time(p.particle_radius_m, p.solid_diffusivity_m2_s)
    t_s_n = diffusion_time(n.particle_radius_m, n.solid_diffusivity_m2_s)
    n_s_p, n_s_n = t_s_p / t_dis, t_s_n / t_dis
    h_p, h_n = surface_headroom(p, "pos"), surface_headroom(n, "neg")
    # electrolyte: the share of each electrode the salt reaches (discharge: the positive; charge: the negative)
    dis = _salt_balance(d, k, (Deff_p, Deff_n, Ds))
    # the steady balance sets in on two time scales: the positive's own parabola (a drop of N_e,p/2 of c0) in its
    # slab's first mode τ_p = 4 L_p²/(π² D_p), the shift of the whole profile (the rest of the steady depletion X at
    # full reach) in the full cell's salt relaxation time τ_c = (4/π²)(L_p + L_s + L_n) Σ L/D_eff. The salt at the
    # positive's collector runs out at t_dep; the electrode works whole until then and the steady share φ after it
    # (φ is the reach averaged over the discharge; it never rises with the C-rate)
    tau_p = 4.0 / np.pi**2 * p.thickness_m**2 / Deff_p
    tau_c = 4.0 / np.pi**2 * (p.thickness_m + d.sep.thickness_m + n.thickness_m) * (
        p.thickness_m / Deff_p + d.sep.thickness_m / Ds + n.thickness_m / Deff_n)
    X = _salt_limit(dis, 1.0)
    x_p = np.minimum(n_e_p / 2.0, X)
    t_dep = _depletion_time(x_p, X - x_p, tau_p, tau_c)
    whole = np.minimum(1.0, t_dep / t_dis)
    phi = whole + (1.0 - whole) * dis["phi"]
    # solid: the exact sphere; on discharge the positive's reaction is confined to the share φ the salt reaches, so
    # its particles there fill at C/φ (the depletion front of a thick electrode); the negative empties evenly
    u_p = phi * sphere_usable_fraction(n_s_p / np.maximum(phi, 1e-12), h_p)
    u_n = sphere_usable_fraction(n_s_n, h_n)
    # voltage: the polarisation at the C-rate against the cut-off, through the OCV's end-of-discharge tail
    asi_ohm = c["asi_electrolyte_ohm_m2"] + c["asi_electronic_ohm_m2"] + c["asi_hardware_ohm_m2"]
    i0_p, i0_n = _exchange(c["asi_ct_pos_ohm_m2"], T), _exchange(c["asi_ct_neg_ohm_m2"], T)
    eta_p, eta_n = bv_overpotential(i, i0_p, T), bv_overpotential(i, i0_n, T)
    ocv = c["ocv_V"]
    v_load = ocv - i * asi_ohm - eta_p - eta_n
    v_cut = cutoff_voltage(d, ocv)
    r_v = np.clip((ocv - v_load) / (ocv - v_cut), 0.0, 1.0)
    f_v = (1.0 - r_v) ** d.ocv_tail
    fraction = np.minimum(u_p, u_n) * f_v
    out = dict(t_s_p=t_s_p, t_s_n=t_s_n, n_e_p=n_e_p, n_e_n=n_e_n, n_s_p=n_s_p, n_s_n=n_s_n, phi_p=phi, salt_balance=dis,
               u_p=u_p, u_n=u_n, f_v=f_v, fraction=fraction, current_density=i, eta_p=eta_p, eta_n=eta_n, v_load=v_load,
               v_cut=v_cut, i0_p=i0_p, i0_n=i0_n, asi_ohm=asi_ohm)
    if not limits:
        return out
    # feasibility criteria: each limit alone keeps min_usable_fraction; the limit ratios <= 1 are their smooth form
    chg = _salt_balance(d, k, (Deff_p, Deff_n, Ds), charge=True)
    fmin = d.min_usable_fraction
    ns_crit_p, ns_crit_n = sphere_critical_number(fmin, h_p), sphere_critical_number(fmin, h_n)
    out.update(t_e_p=diffusion_time(p.thickness_m, Deff_p), t_e_n=diffusion_time(n.thickness_m, Deff_n),
               phi_n=chg["phi"], lim_e_p=_salt_limit(dis, fmin), lim_e_n=_salt_limit(chg, fmin),
               lim_s_p=n_s_p / ns_crit_p, lim_s_n=n_s_n / ns_crit_n)
    # the pulse's salt: the same balance with the positive's salt diffusivity its Kirchhoff mean over the salt a
    # maximum-power pulse leaves there (from SALT_EMPTY_SHARE c0, its pores run empty, to c0)
    gain = salt_diffusivity_gain(d)
    out["salt_balance_pulse"] = dis if gain is None else _salt_balance(d, k, (Deff_p * gain, Deff_n, Ds))
    if sizes:
        # the positive (negative) thickness at which its electrolyte limit is 1, N/P, porosity and composition held
        out.update(l_max_p=p.thickness_m * _max_scale(dis, fmin), l_max_n=n.thickness_m * _max_scale(chg, fmin),
                   r_max_p=np.sqrt(ns_crit_p * p.solid_diffusivity_m2_s * t_dis),
                   r_max_n=np.sqrt(ns_crit_n * n.solid_diffusivity_m2_s * t_dis))
    return out


def surface_headroom(e: ElectrodeDesign, part: str) -> Array:
    """The electrode's surface headroom h (:func:`sphere_usable_fraction`): its ``surface_headroom``, else from its
    cycled window x_min..x_max where the design carries one ((1 - x_max)/(x_max - x_min) for the positive, which
    lithiates on discharge; x_min/(x_max - x_min) for the negative), else 0 (the surface stops at the window's end).

    Parameters
    ----------
    e : ElectrodeDesign
        The electrode (SI).
    part : {"pos", "neg"}
        Which electrode it is.
    """
    h = np.asarray(e.surface_headroom, dtype=float)
    lo, hi = getattr(e, "x_min", None), getattr(e, "x_max", None)
    if lo is not None and hi is not None:
        lo, hi = np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            win = np.where(part == "pos", (1.0 - hi), lo) / (hi - lo)
        h = np.where(np.isnan(h), win, h)
    return np.where(np.isnan(h), 0.0, h)


def cutoff_voltage(d: CellDesign, ocv: Array) -> Array:
    """The discharge cut-off voltage (V): the design's ``cutoff_voltage_V``, blank: 0.7 × the open-circuit voltage.

    Parameters
    ----------
    d : CellDesign
        Designs (SI).
    ocv : array_like
        Their open-circuit (mean) voltage in V.
    """
    v = np.asarray(d.cutoff_voltage_V, dtype=float)
    return np.where(np.isnan(v), 0.7 * np.asarray(ocv, dtype=float), v)


def _check_cutoff(d: CellDesign, ocv: Array) -> None:
    """A cut-off at or above the open-circuit voltage leaves no discharge: refused, naming ``cutoff_voltage_V``."""
    v, o = np.broadcast_arrays(np.asarray(cutoff_voltage(d, ocv), dtype=float), np.asarray(ocv, dtype=float))
    bad = ~(v < o)
    if bad.any():
        j = int(np.flatnonzero(bad.ravel())[0])
        raise InputError("cutoff_voltage_V", float(v.ravel()[j]),
                         f"below the open-circuit voltage ({float(o.ravel()[j]):.4g} V)",
                         f"design {j + 1}" if bad.size > 1 else None)


def rate_capability(design: CellDesign, c_rates: Array, fmt: CellFormat | None = None, *,
                    calendering: Mapping[str, Any] | None = None) -> np.ndarray:
    """Usable capacity fraction versus C-rate: the rate model of :func:`evaluate_cell` at each C-rate.

    Parameters
    ----------
    design : CellDesign
        Designs of broadcast shape ``S``.
    c_rates : array_like
        C-rates (1/h), shape ``K``, each > 0.
    fmt : CellFormat, optional
        The cell format (its hardware ASI enters the voltage under load; default :class:`~xlcell.pouch.CellFormat`).
    calendering : mapping, optional
        The calendering context (:func:`evaluate_cell`).

    Returns
    -------
    numpy.ndarray
        Shape ``S + K``: the usable fraction of each design at each C-rate.

    Raises
    ------
    InputError
        No C-rate, or one that is not a number > 0 (names ``c_rates``).
    """
    c = _check_c_rates(c_rates)
    d = broadcast_fields_cell(resolve(design))
    shape = np.shape(d.pos.thickness_m)
    ch = chain(d, fmt, calendering)
    _check_cutoff(d, ch["ocv_V"])
    expand = (Ellipsis,) + (None,) * c.ndim

    def ex(x: Array) -> Array:
        return np.asarray(x, dtype=float)[expand]

    d2 = _map_cell(d, ex)
    c2 = {k: ex(v) for k, v in ch.items() if np.ndim(v) == len(shape) or np.ndim(v) == 0}
    out = _rate_limits(d2, c2, c, limits=False)["fraction"]
    return np.broadcast_to(out, shape + c.shape)


def _check_c_rates(c_rates: Array) -> np.ndarray:
    if c_rates is None:
        raise InputError("c_rates", None, "one or more C-rates > 0 (1/h)")
    c = np.asarray(c_rates, dtype=float)
    if c.size == 0:
        raise InputError("c_rates", "[]", "one or more C-rates > 0 (1/h)")
    bad = ~(c > 0) | ~np.isfinite(c)
    if bad.any():
        j = int(np.flatnonzero(bad.ravel())[0])
        raise InputError("c_rates", float(c.ravel()[j]), "a C-rate > 0 (1/h)", f"C-rate {j + 1}" if c.size > 1 else None)
    return c


def _map_cell(d: CellDesign, fn) -> CellDesign:
    def m(obj):
        return dataclasses.replace(obj, **{s.name: fn(getattr(obj, s.name)) for s in specs(obj)})

    return dataclasses.replace(m(d), pos=m(d.pos), neg=m(d.neg), sep=m(d.sep))


def broadcast_fields_cell(d: CellDesign) -> CellDesign:
    """Every numeric field of the cell, its electrodes and separator broadcast to one shape.

    Parameters
    ----------
    d : CellDesign
        Designs (SI).
    """
    objs = [d, d.pos, d.neg, d.sep]
    shape = np.broadcast_shapes(*[np.shape(getattr(o, s.name)) for o in objs for s in specs(o)])
    out = _map_cell(d, lambda x: np.broadcast_to(np.asarray(x, dtype=float), shape))
    return _mark_resolved(out) if is_resolved(d) else out  # read-only views of valid values stay valid


def _feasibility(np_ratio: Array, rate: Mapping[str, Array]) -> tuple[Array, Array, Array, Array]:
    """:func:`evaluate_cell`'s four checks (N/P, electrolyte, solid, voltage) from the N/P ratio and the rate model."""
    return (np_ratio >= 1.0, (rate["lim_e_p"] <= 1.0) & (rate["lim_e_n"] <= 1.0),
            (rate["lim_s_p"] <= 1.0) & (rate["lim_s_n"] <= 1.0), rate["v_load"] > rate["v_cut"])


def feasibility(design: CellDesign, fmt: CellFormat | None = None, *,
                calendering: Mapping[str, Any] | None = None) -> dict[str, np.ndarray]:
    """:func:`evaluate_cell`'s feasibility flags alone (``feasible_np``, ``feasible_electrolyte``, ``feasible_solid``,
    ``feasible_voltage``, ``feasible``): the same chain and rate model, without the pulse power and the other metrics.

    Parameters
    ----------
    design : CellDesign
        Designs (SI; broadcasting).
    fmt : CellFormat, optional
        The cell format (:func:`evaluate_cell`).
    calendering : mapping, optional
        The calendering context (:func:`evaluate_cell`).

    Returns
    -------
    dict
        Boolean arrays of the designs' broadcast shape, keyed as :class:`CellMetrics`' Excel keys.
    """
    d = in_format(resolve(design), fmt)
    c = chain(d, fmt, calendering)
    _check_cutoff(d, c["ocv_V"])
    rate = _rate_limits(d, c, d.c_rate_per_h, sizes=False)
    ok = _feasibility(c["neg_areal_capacity_C_m2"] / c["pos_areal_capacity_C_m2"], rate)
    shape = np.broadcast_shapes(*(np.shape(x) for x in ok), *(np.shape(getattr(o, s.name)) for o in (d, d.pos, d.neg, d.sep)
                                                             for s in specs(o)))
    flags = dict(zip(("feasible_np", "feasible_electrolyte", "feasible_solid", "feasible_voltage"), ok))
    flags["feasible"] = ok[0] & ok[1] & ok[2] & ok[3]
    return {k: np.broadcast_to(np.asarray(v, dtype=bool), shape).copy() for k, v in flags.items()}


__all__ = [
    "CellDesign", "CellMetrics", "ElectrodeDesign", "SeparatorDesign", "default_design", "electrode",
    "evaluate_cell", "chain", "format_geometry", "in_format", "electronic_conductivity", "negative_area", "rate_capability", "areal_capacity", "coating_density", "volumetric_capacity",
    "am_volume_fraction", "specific_area", "charge_transfer_asi", "neg_thickness_for_np", "resolve",
    "binder_coverage", "broadcast_fields_cell", "composite_density", "areal_capacity_of", "specific_area_of",
    "charge_transfer_asi_of", "sphere_usable_fraction", "sphere_critical_number", "bv_overpotential", "pulse_current",
    "pulse_ocv_loss", "ocv_loss_curve", "OCV_NODE_KEYS", "OCV_NODE_SOCS",
    "pulse_solid_limit", "pulse_solid_resistance", "pulse_surface_share", "sphere_surface_change",
    "surface_headroom", "cutoff_voltage", "feasibility", "is_resolved", "metric_names", "metric_group",
]
