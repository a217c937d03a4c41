"""Degradation: mechanism-based SEI growth, electrode cracking and the Wang et al. (2011) empirical model.

Four models, all vectorised over designs (SI units inside):

* **SEI growth** (mechanism-based, after Ploehn et al. 2004, J. Electrochem. Soc. 151, A456, and
  Pinson & Bazant 2013, J. Electrochem. Soc. 160, A243). Solvent diffuses through the film to the
  graphite surface, where it is reduced; the growth rate is limited by that diffusion, so
  dδ/dt = D c V̄ / δ and the film thickness follows the closed form
  δ(t) = sqrt(δ0² + 2 k t), k = D(T) c_solvent V̄_SEI, with an Arrhenius diffusivity
  D(T) = D_ref exp(-E_a/R (1/T - 1/T_ref)). An optional linear term g(T) N per equivalent full
  cycle (film renewed on strained surface; 0 by default, as in O'Kane et al. 2022, whose cycling SEI
  grows on crack surfaces: :func:`cycle_life`) can be added. Every mole of SEI
  formula units binds z moles of cyclable lithium, so the charge lost is
  Q_loss = (z F / V̄) (δ - δ0) · a L A, proportional to the active surface a L A of the negative
  electrode with a = 3 ε_AM / r from :mod:`xlcell.cell`. This is what makes the model answer design
  questions an empirical fit cannot: halving the particle radius doubles a and, unless the
  temperature falls by about 25 K, the cell degrades faster (the seed's example; E_a = 38 kJ/mol).
* **Cracking**: an electrode bonded to its foil cannot expand in plane, so a swelling strain ε_sw of
  the active material (volume fraction ε_AM, constrained share f) sets a biaxial stress
  σ = E/(1-ν) f ε_sw ε_AM. A channel crack through a film of thickness L releases
  G = Z σ² L / Ē (Hutchinson & Suo 1992, Adv. Appl. Mech. 29, 63; Z = 1.976, Ē = E/(1-ν²)); the
  electrode cracks when G >= Γ, i.e. when σ exceeds the thickness-dependent critical stress
  σ_c = sqrt(Γ Ē / (Z L)). The damage (share of transport paths cut) scales with G/Γ ∝ L, and the
  transport resistance of the electrode with L, so ΔR ∝ L² (the seed's result; doubling L gives 4x).
* **Empirical**: Wang et al. 2011, J. Power Sources 196, 3942 (graphite/LiFePO4 A123 26650 cells):
  Q_loss(%) = B(C-rate) exp(-(E_a - k·C-rate)/(R T)) Ah^z with E_a = 31700 J/mol, k = 370.3 J/mol per
  C-rate, z = 0.55 and B = 31630, 21681, 12934, 15512 at C/2, 2C, 6C, 10C. B is interpolated
  piecewise-linearly in C-rate between the published points and held at the C/2 value below C/2;
  above 10C the published model is not defined and the functions refuse the C-rate
  (:data:`WANG_MAX_C_RATE`). The loss is clipped at 100 % (a cell cannot lose more than its
  capacity). Inputs outside the tested C/2..10C and -30..60 °C are extrapolation, flagged by
  :func:`wang_in_range`. The model has no design input: it describes the cell
  that was tested and cannot predict a changed design (:func:`fit_wang` refits it to user data and
  reports the domain of that data). Provenance: the coefficients are those of the paper's Eq. (5) and
  Table 2 as quoted in the xlcell issue; the paper's text itself was not available to check them, and
  no capacity loss printed in the paper for a named test condition was found to test against. What
  public re-implementations corroborate: E_a = 31700 J/mol and 370.3 J/mol per C-rate; B at 2C, 6C
  and 10C (one encodes them as a cubic through 21681, 12934, 15512); and, at C/2, a fit of the C/2
  data alone (B = 30330, E_a = 31500 J/mol, z = 0.552) that agrees with B = 31630, z = 0.55 within
  3 % (tested). Those are third-party transcriptions, not the paper. The published fit used
  R = 8.314 J/(mol K), which :data:`WANG_R` keeps so the published numbers are reproduced.

* **The duty-aware life model** (:func:`cycle_life`, issue 17): xlcell's one cycle life, used by the UDFs, the
  registry's ``lifetime`` provider (hence the LCOS, the optimiser and the Pareto front), the sheets and the reports.
  It reduces O'Kane et al. 2022's coupled degradation model (Phys. Chem. Chem. Phys. 24, 7909; PyBaMM parameter set
  ``OKane2022``) to closed forms per equivalent full cycle: SEI on the particle surface (above), particle cracks
  growing by Paris' law at the diffusion-induced stress of the electrode's reaction zone (which sees the C-rate, the
  particle radius, the temperature through the solid diffusivity, and the thickness through Newman & Tobias's
  reaction-zone factor ν/tanh ν), SEI on the crack surface, and particles isolated by stress (loss of active
  material, both electrodes), with Schmalstieg et al. 2014's depth-of-discharge stress. It reproduces PyBaMM's
  single-particle model with those submodels, and its pseudo-2D model's thickness effect
  (tests/data/pybamm_life_reference.json). Lithium plating is not modelled.

Parameters: the SEI and particle-mechanics defaults are O'Kane et al. 2022's fitted set (LG M50, NMC811 / graphite-
SiOx), cited per field; they are a fit to one cell, not measurements of the design at hand. The coating-crack
parameters (:class:`CrackParams`) are illustrative: they give the seed's ΔR ∝ L², which :func:`cycle_life` adds to
the resistance at end of life.
"""
from __future__ import annotations

import dataclasses
import warnings
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np

from .cell import (CellDesign, in_format, am_volume_fraction, areal_capacity, broadcast_fields_cell, charge_transfer_asi, evaluate_cell,
                   negative_area, resolve, specific_area)
from .constants import FARADAY, GAS_CONSTANT, SECONDS_PER_HOUR, SECONDS_PER_YEAR
from .duty import Duty, resolve_duty
from .errors import InfeasibleError, InputError, ShapeError
from .params import param, per_item, specs, validate, whole_number
from .transport import effective_conductivity

Array = Any
MAX_YEARS = 100  #: longest state-of-health series (years), the LCOS lifetime's upper bound

_SEI = "SEI growth"
_CR = "Cracking"


#: O'Kane et al. 2022 (Phys. Chem. Chem. Phys. 24, 7909), parameter set ``OKane2022`` of PyBaMM (LG M50,
#: NMC811 / graphite-SiOx): the source of the SEI, particle-cracking and loss-of-active-material defaults
OKANE2022 = "O'Kane et al. 2022, Phys. Chem. Chem. Phys. 24, 7909 (PyBaMM parameter set OKane2022)"


@dataclass(frozen=True, kw_only=True)
class SEIParams:
    """Parameters of the solvent-diffusion-limited SEI model (SI).

    The defaults are the SEI parameters of O'Kane et al. 2022 (PyBaMM's ``OKane2022``), fitted as one set, with its
    particle-cracking and loss-of-active-material parameters (:class:`MechanicsParams`), to LG M50 (NMC811 /
    graphite-SiOx) ageing data: solvent diffusivity, bulk solvent concentration, SEI molar volume, lithium per SEI
    formula unit (1, the value the fit used), initial film and activation energy. That set has no per-cycle film term,
    so ``growth_per_cycle_m`` is 0: cycling grows SEI through the fresh surface of particle cracks
    (:func:`cycle_life`).
    """

    diffusivity_m2_s: Array = field(default=2.5e-22, metadata=param(
        "Solvent diffusivity in the SEI at the reference temperature", "m²/s", key="sei_diffusivity_m2_s", gt=0, group=_SEI,
        doc=f"{OKANE2022}: outer SEI solvent diffusivity"))
    activation_energy_J_mol: Array = field(default=38e3, metadata=param(
        "SEI growth activation energy", "kJ/mol", key="sei_activation_energy_kJ_mol", ge=0, le=300, group=_SEI,
        doc=f"{OKANE2022}: SEI growth activation energy"))
    reference_temperature_K: Array = field(default=298.15, metadata=param(
        "Reference temperature", "°C", key="sei_reference_temperature_C", ge=-60, le=150, group=_SEI,
        doc=f"{OKANE2022}: reference temperature of the fitted rates"))
    solvent_concentration_mol_m3: Array = field(default=2636.0, metadata=param(
        "Solvent concentration", "mol/L", key="sei_solvent_concentration_mol_L", gt=0, le=30, group=_SEI,
        doc=f"{OKANE2022}: bulk solvent concentration of the solvent-diffusion-limited model"))
    molar_volume_m3_mol: Array = field(default=9.585e-5, metadata=param(
        "SEI molar volume", "cm³/mol", key="sei_molar_volume_cm3_mol", gt=0, le=1000, group=_SEI,
        doc=f"{OKANE2022} (after Safari et al. 2009, J. Electrochem. Soc. 156, A145: (CH2OCO2Li)2, "
            "M = 0.162 kg/mol, ρ = 1690 kg/m³)"))
    li_per_formula: Array = field(default=1.0, metadata=param(
        "Lithium bound per SEI formula unit", "-", key="sei_li_per_formula", gt=0, le=10, group=_SEI,
        doc=f"{OKANE2022}: the value its fit used (LEDC's stoichiometry is 2; PyBaMM PR 2222)"))
    initial_thickness_m: Array = field(default=5e-9, metadata=param(
        "SEI thickness after formation", "nm", key="sei_initial_thickness_nm", gt=0, le=1000, group=_SEI,
        doc=f"{OKANE2022}: initial outer SEI thickness"))
    growth_per_cycle_m: Array = field(default=0.0, metadata=param(
        "SEI growth per equivalent full cycle at the reference temperature", "nm", key="sei_growth_per_cycle_nm", ge=0, le=100,
        group=_SEI, doc="Optional per-cycle film renewal (Arrhenius like the film); 0 in O'Kane et al. 2022, whose "
                        "cycling SEI grows on the fresh surface of particle cracks"))
    resistivity_ohm_m: Array = field(default=2.0e5, metadata=param(
        "SEI ionic resistivity", "Ω·m", key="sei_resistivity_ohm_m", ge=0, group=_SEI,
        doc=f"{OKANE2022}: SEI resistivity (film resistance ρ δ per particle surface)"))


@dataclass(frozen=True, kw_only=True)
class CrackParams:
    """Parameters of the constrained-swelling cracking model (SI)."""

    youngs_modulus_Pa: Array = field(default=1.0e9, metadata=param(
        "Composite electrode Young's modulus", "GPa", key="crack_modulus_GPa", gt=0, le=500, group=_CR))
    poisson_ratio: Array = field(default=0.3, metadata=param("Poisson ratio", "-", key="crack_poisson_ratio", ge=0, lt=0.5, group=_CR))
    swelling_strain: Array = field(default=0.033, metadata=param(
        "Linear swelling strain of the active material", "-", key="crack_swelling_strain", ge=0, le=1, group=_CR,
        doc="Graphite: ~10 % volume change on lithiation, ~3.3 % linear"))
    constrained_fraction: Array = field(default=0.2, metadata=param(
        "Share of the swelling not taken up by the pores", "-", key="crack_constrained_fraction", ge=0, le=1, group=_CR))
    fracture_energy_J_m2: Array = field(default=10.0, metadata=param(
        "Fracture energy of the coating", "J/m²", key="crack_fracture_energy_J_m2", gt=0, group=_CR))
    geometry_factor: Array = field(default=1.976, metadata=param(
        "Channel-crack factor Z", "-", key="crack_geometry_factor", gt=0, le=10, group=_CR,
        doc="Hutchinson & Suo 1992: film on a substrate of equal stiffness"))
    isolation_coefficient: Array = field(default=0.1, metadata=param(
        "Resistance rise per unit G/Γ", "-", key="crack_isolation_coefficient", ge=0, le=10, group=_CR,
        doc="Share of the electrode's transport resistance added per unit of normalised energy release rate"))


def _check(obj: Any) -> None:
    validate(obj)


def arrhenius(value_ref: Array, activation_energy_J_mol: Array, temperature_K: Array, reference_K: Array) -> np.ndarray:
    """value_ref · exp(-E_a/R (1/T - 1/T_ref)).

    Parameters
    ----------
    value_ref : array_like
        Value at the reference temperature (any unit; the result has it).
    activation_energy_J_mol : array_like
        Activation energy E_a in J/mol.
    temperature_K : array_like
        Temperature T in K.
    reference_K : array_like
        Reference temperature T_ref in K.
    """
    T = np.asarray(temperature_K, dtype=float)
    return np.asarray(value_ref, dtype=float) * np.exp(-np.asarray(activation_energy_J_mol, dtype=float) / GAS_CONSTANT
                                                      * (1.0 / T - 1.0 / np.asarray(reference_K, dtype=float)))


def sei_growth_constant(temperature_K: Array, params: SEIParams = SEIParams()) -> np.ndarray:
    """k = D(T) c_solvent V̄_SEI (m²/s), so that δ² = δ0² + 2 k t.

    Parameters
    ----------
    temperature_K : array_like
        Temperature T in K.
    params : SEIParams
        SEI growth parameters (SI: solvent diffusivity in m²/s, concentration in mol/m³, molar volume in m³/mol).
    """
    D = arrhenius(params.diffusivity_m2_s, params.activation_energy_J_mol, temperature_K, params.reference_temperature_K)
    return D * params.solvent_concentration_mol_m3 * params.molar_volume_m3_mol


def sei_thickness(time_s: Array, n_cycles: Array, temperature_K: Array, params: SEIParams = SEIParams()) -> np.ndarray:
    """SEI thickness δ = sqrt(δ0² + 2 k(T) t) + g(T) N (m); all arguments broadcast.

    Parameters
    ----------
    time_s : array_like
        Elapsed time t in s, >= 0.
    n_cycles : array_like
        Equivalent full cycles N, >= 0.
    temperature_K : array_like
        Temperature T in K.
    params : SEIParams
        SEI growth parameters (SI: initial thickness δ0 in m, growth per cycle g in m).
    """
    t = np.asarray(time_s, dtype=float)
    N = np.asarray(n_cycles, dtype=float)
    for name, x in (("time", t), ("cycles", N)):
        if np.any(~np.isfinite(x) | (x < 0)):
            raise InputError(name, float(np.ravel(x)[np.flatnonzero(np.ravel(~np.isfinite(x) | (x < 0)))[0]]), "a number >= 0")
    k = sei_growth_constant(temperature_K, params)
    g = arrhenius(params.growth_per_cycle_m, params.activation_energy_J_mol, temperature_K, params.reference_temperature_K)
    d0 = np.asarray(params.initial_thickness_m, dtype=float)
    return np.sqrt(d0 * d0 + 2.0 * k * t) + g * N


def sei_surface_area(design: CellDesign) -> np.ndarray:
    """Active surface of the negative electrode a L A_n (m²), a = 3 ε_AM / r less the binder-blinded share.

    Parameters
    ----------
    design : CellDesign
        Designs (SI; every field broadcasts).
    """
    d = resolve(design)
    return specific_area(d.neg) * d.neg.thickness_m * negative_area(d)


def lithium_per_sei_volume(params: SEIParams = SEIParams()) -> np.ndarray:
    """Cyclable charge bound per SEI volume, z F / V̄ (C/m³).

    Parameters
    ----------
    params : SEIParams
        SEI parameters (lithium per formula unit z, molar volume V̄ in m³/mol).
    """
    return np.asarray(params.li_per_formula, dtype=float) * FARADAY / np.asarray(params.molar_volume_m3_mol, dtype=float)


@dataclass(frozen=True)
class SEIResult:
    """SEI fade of designs (shape ``S``) at times/cycles (shape ``K``): arrays of shape ``S + K``."""

    thickness_m: np.ndarray = field(metadata=param("SEI thickness", "nm", key="sei_thickness_nm"))
    capacity_loss_C: np.ndarray = field(metadata=param("Capacity lost to SEI", "Ah", key="capacity_loss_Ah"))
    capacity_loss_fraction: np.ndarray = field(metadata=param("Capacity lost to SEI, share of capacity", "%",
                                                              key="capacity_loss_pct"))
    soh: np.ndarray = field(metadata=param("State of health", "-", key="soh"))
    surface_area_m2: np.ndarray = field(metadata=param("SEI surface of the negative (a·L·A)", "m²",
                                                       key="sei_surface_area_m2", doc="shape S"))
    capacity_C: np.ndarray = field(metadata=param("Cell capacity", "Ah", key="capacity_Ah", doc="shape S"))


def _design_arrays(design: CellDesign) -> tuple[CellDesign, tuple[int, ...]]:
    d = broadcast_fields_cell(resolve(design))
    return d, np.shape(d.pos.thickness_m)


def sei_capacity_loss(design: CellDesign, time_s: Array, n_cycles: Array = 0.0, params: SEIParams = SEIParams()) -> SEIResult:
    """Capacity lost to SEI growth after ``time_s`` seconds and ``n_cycles`` equivalent full cycles.

    Parameters
    ----------
    design : CellDesign
        Designs of broadcast shape ``S``; the negative electrode's surface and the cell temperature
        ``temperature_K`` are used.
    time_s, n_cycles : array_like
        Elapsed time (s) and equivalent full cycles, broadcast together to shape ``K``.
    params : SEIParams
        SEI parameters (scalars or arrays broadcasting with ``S``).

    Returns
    -------
    SEIResult
        Arrays of shape ``S + K``; lithium loss reduces capacity one for one, SOH = 1 - loss / Q0. The
        loss is capped at the capacity Q0 (loss fraction <= 1, SOH >= 0): once the film has bound all
        the cyclable lithium it stops growing, so the thickness is capped consistently.
    """
    t, N = np.broadcast_arrays(np.asarray(time_s, dtype=float), np.asarray(n_cycles, dtype=float))
    return _sei(design, t, N, t.ndim, params)


def _sei(design: CellDesign, t: np.ndarray, N: np.ndarray, k_ndim: int, params: SEIParams) -> SEIResult:
    """SEI fade; ``t`` and ``N`` broadcast with ``S + K`` where K has ``k_ndim`` trailing axes."""
    _check(params)
    d, S = _design_arrays(design)
    ex = (Ellipsis,) + (None,) * k_ndim
    area = np.broadcast_to(sei_surface_area(d), S)
    cap = np.broadcast_to(np.minimum(areal_capacity(d.pos), areal_capacity(d.neg)) * d.electrode_area_m2, S)
    pex = dataclasses.replace(params, **{s.name: np.asarray(getattr(params, s.name), dtype=float)[ex] for s in specs(params)})
    lps = lithium_per_sei_volume(pex)
    # once the film has bound all the cyclable lithium it stops growing: loss <= capacity, SOH >= 0
    delta = sei_thickness(t, N, np.asarray(d.temperature_K, dtype=float)[ex], pex)
    loss = lps * (delta - pex.initial_thickness_m) * area[ex]
    full = loss >= cap[ex]
    delta = np.where(full, pex.initial_thickness_m + cap[ex] / (lps * area[ex]), delta)
    loss = np.where(full, cap[ex], loss)
    frac = np.where(full, 1.0, loss / cap[ex])
    shape = np.broadcast_shapes(S + np.shape(t)[np.ndim(t) - k_ndim:], np.shape(loss))

    def bc(x: Array) -> np.ndarray:
        return np.broadcast_to(x, shape).copy()

    return SEIResult(thickness_m=bc(delta), capacity_loss_C=bc(loss), capacity_loss_fraction=bc(frac),
                     soh=bc(1.0 - frac), surface_area_m2=np.asarray(area, dtype=float).copy(),
                     capacity_C=np.asarray(cap, dtype=float).copy())


def _cycles_per_year(cycles_per_year: Array, S: tuple[int, ...]) -> np.ndarray:
    cpy = np.asarray(cycles_per_year, dtype=float)
    bad = ~np.isfinite(cpy) | (cpy <= 0)
    if np.any(bad):
        raise InputError("cycles_per_year", _first_bad(cpy, bad), "a number > 0")
    return np.broadcast_to(cpy, np.broadcast_shapes(S, cpy.shape))


def _years(years: Any) -> int:
    """A whole number of years 1..:data:`MAX_YEARS` for the state-of-health series."""
    return whole_number(years, "years", 1, MAX_YEARS, " (the longest LCOS lifetime)")


def sei_fade_vs_cycles(design: CellDesign, n_cycles: Array, cycles_per_year: Array = 365.0,
                       params: SEIParams = SEIParams()) -> SEIResult:
    """SEI fade after ``n_cycles`` (shape ``K``) equivalent full cycles run at ``cycles_per_year``.

    The elapsed time is N / cycles_per_year years; ``cycles_per_year`` broadcasts with the designs
    (shape ``S``). Returns arrays of shape ``S + K``.

    Parameters
    ----------
    design : CellDesign
        Designs (SI; every field broadcasts, shape ``S``).
    n_cycles : array_like
        Equivalent full cycles (shape ``K``), >= 0.
    cycles_per_year : array_like
        Equivalent full cycles per year (1/yr), > 0.
    params : SEIParams
        SEI growth parameters (SI).
    """
    N = np.asarray(n_cycles, dtype=float)
    _, S = _design_arrays(design)
    cpy = _cycles_per_year(cycles_per_year, S)
    t = N / cpy[(Ellipsis,) + (None,) * N.ndim] * SECONDS_PER_YEAR
    return _sei(design, t, N, N.ndim, params)


def sei_cycle_life(design: CellDesign, cycles_per_year: Array = 365.0, eol_soh: Array = 0.8,
                   params: SEIParams = SEIParams()) -> np.ndarray:
    """Equivalent full cycles until SEI growth brings the state of health to ``eol_soh`` (shape ``S``).

    Solves sqrt(δ0² + β N) + g N = δ0 + Δ in closed form, where β = 2 k · (one year / cycles per
    year) and Δ = (1 - SOH_eol) Q0 / (z F / V̄ · a L A): with s = sqrt(δ0² + β N),
    (g/β) s² + s - (δ0 + Δ + g δ0²/β) = 0.

    Parameters
    ----------
    design : CellDesign
        Designs (SI; every field broadcasts, shape ``S``); the temperature is the design's.
    cycles_per_year : array_like
        Equivalent full cycles per year (1/yr), > 0.
    eol_soh : array_like
        State of health at end of life (dimensionless, between 0 and 1 exclusive).
    params : SEIParams
        SEI growth parameters (SI).
    """
    _check(params)
    eol = np.asarray(eol_soh, dtype=float)
    if np.any((eol <= 0) | (eol >= 1)):
        raise InputError("eol_soh", float(eol.ravel()[np.flatnonzero((eol.ravel() <= 0) | (eol.ravel() >= 1))[0]]),
                         "a number between 0 and 1 (exclusive)")
    d, S = _design_arrays(design)
    cpy = _cycles_per_year(cycles_per_year, S)
    T = d.temperature_K
    area = sei_surface_area(d)
    cap = np.minimum(areal_capacity(d.pos), areal_capacity(d.neg)) * d.electrode_area_m2
    delta_eol = (1.0 - eol) * cap / (lithium_per_sei_volume(params) * area)
    d0 = np.asarray(params.initial_thickness_m, dtype=float)
    beta = 2.0 * sei_growth_constant(T, params) * SECONDS_PER_YEAR / cpy
    g = arrhenius(params.growth_per_cycle_m, params.activation_energy_J_mol, T, params.reference_temperature_K)
    q = g / beta
    c = d0 + delta_eol + q * d0 * d0
    s = 2.0 * c / (1.0 + np.sqrt(1.0 + 4.0 * q * c))  # stable root of q s² + s - c = 0
    return np.broadcast_to((s * s - d0 * d0) / beta, np.broadcast_shapes(S, np.shape(beta), np.shape(c))).copy()


def sei_soh_by_year(design: CellDesign, years: int, cycles_per_year: Array = 365.0,
                    params: SEIParams = SEIParams()) -> np.ndarray:
    """State of health at the start of each year 1..``years`` (shape ``S + (years,)``, at most :data:`MAX_YEARS`), for LCOS.

    Parameters
    ----------
    design : CellDesign
        Designs (SI; every field broadcasts, shape ``S``).
    years : int
        Number of years N (1 to :data:`MAX_YEARS`).
    cycles_per_year : array_like
        Equivalent full cycles per year (1/yr), > 0.
    params : SEIParams
        SEI growth parameters (SI).
    """
    n = np.arange(_years(years), dtype=float)  # whole years elapsed at the start of year n + 1
    _, S = _design_arrays(design)
    cpy = _cycles_per_year(cycles_per_year, S)
    return _sei(design, n * SECONDS_PER_YEAR, cpy[..., None] * n, 1, params).soh


def equivalent_temperature_drop(radius_ratio: Array, temperature_K: Array = 298.15, params: SEIParams = SEIParams()) -> np.ndarray:
    """Temperature fall (K) that cancels a change of particle radius by ``radius_ratio`` (new/old).

    In the parabolic (δ >> δ0, calendar) limit the loss scales as a · sqrt(D(T)) ∝ exp(-E_a/(2RT)) / r,
    so the new temperature T' satisfies 1/T' = 1/T - (2R/E_a) ln(radius_ratio). Returns T - T'.

    Parameters
    ----------
    radius_ratio : array_like
        New over old particle radius (dimensionless, > 0).
    temperature_K : array_like
        Temperature T before the change, in K.
    params : SEIParams
        SEI growth parameters (its activation energy in J/mol is used).
    """
    T = np.asarray(temperature_K, dtype=float)
    inv = 1.0 / T - 2.0 * GAS_CONSTANT / np.asarray(params.activation_energy_J_mol, dtype=float) * np.log(np.asarray(radius_ratio, dtype=float))
    return T - 1.0 / inv


# ---------------------------------------------------------------------------------------------
# Cracking


@dataclass(frozen=True)
class CrackResult:
    """Cracking of one electrode of each design (SI, arrays of the design shape)."""

    stress_Pa: np.ndarray = field(metadata=param("Swelling stress", "MPa", key="stress_MPa",
                                                 doc="biaxial tensile stress from constrained swelling"))
    critical_stress_Pa: np.ndarray = field(metadata=param("Critical stress", "MPa", key="critical_stress_MPa",
                                                          doc="σ_c(L) = sqrt(Γ Ē / (Z L))"))
    critical_thickness_m: np.ndarray = field(metadata=param("Critical thickness for cracking", "µm",
                                                            key="critical_thickness_um", doc="L_c = Γ Ē / (Z σ²)"))
    energy_release_J_m2: np.ndarray = field(metadata=param("Energy release rate", "J/m²", key="energy_release_J_m2",
                                                           doc="G = Z σ² L / Ē"))
    cracked: np.ndarray = field(metadata=param("Cracked", "bool", key="cracked", doc="G >= Γ"))
    transport_asi_ohm_m2: np.ndarray = field(metadata=param(
        "Transport ASI of the uncracked electrode", "Ω·cm²", key="transport_asi_ohm_cm2",
        doc="L/(3σ_eff) + L/(3κ_eff)"))
    delta_asi_ohm_m2: np.ndarray = field(metadata=param("ASI rise from cracking", "Ω·cm²", key="delta_asi_ohm_cm2",
                                                        doc="resistance rise per electrode area"))
    delta_resistance_ohm: np.ndarray = field(metadata=param("Resistance rise from cracking (∝ L²)", "mΩ",
                                                            key="delta_resistance_mohm"))


def cracking(design: CellDesign, params: CrackParams = CrackParams(), electrode: str = "neg") -> CrackResult:
    """Constrained-swelling cracking of the ``electrode`` ("neg" or "pos") of each design.

    ΔASI = c_iso · (G/Γ) · (L/(3σ_eff) + L/(3κ_eff)) when G >= Γ, else 0; since G ∝ L this is ∝ L².

    Parameters
    ----------
    design : CellDesign
        Designs (SI; every field broadcasts).
    params : CrackParams
        Swelling and fracture parameters (SI: Young's modulus in Pa, fracture energy in J/m²).
    electrode : str
        ``"neg"`` or ``"pos"``.
    """
    if electrode not in ("neg", "pos"):
        raise InputError("electrode", electrode, "'neg' or 'pos'")
    _check(params)
    d = resolve(design)
    e = getattr(d, electrode)
    L = np.asarray(e.thickness_m, dtype=float)
    E = np.asarray(params.youngs_modulus_Pa, dtype=float)
    nu = np.asarray(params.poisson_ratio, dtype=float)
    E_bar = E / (1.0 - nu * nu)
    sigma = E / (1.0 - nu) * params.constrained_fraction * params.swelling_strain * am_volume_fraction(e)
    Z, gamma = params.geometry_factor, params.fracture_energy_J_m2
    G = Z * sigma * sigma * L / E_bar
    with np.errstate(divide="ignore"):
        L_c = np.where(sigma > 0, gamma * E_bar / (Z * np.maximum(sigma, 1e-300) ** 2), np.inf)
    sigma_c = np.sqrt(gamma * E_bar / (Z * L))
    b = d.bruggeman_exponent
    asi = L / (3.0 * effective_conductivity(e.conductivity_S_m, 1.0 - e.porosity, b)) \
        + L / (3.0 * effective_conductivity(d.electrolyte_conductivity_S_m, e.porosity, b))
    cracked = G >= gamma
    dasi = np.where(cracked, params.isolation_coefficient * G / gamma * asi, 0.0)
    shape = np.broadcast_shapes(np.shape(G), np.shape(dasi), np.shape(d.electrode_area_m2))

    def bc(x: Array) -> np.ndarray:
        return np.broadcast_to(np.asarray(x), shape).copy()

    return CrackResult(stress_Pa=bc(sigma), critical_stress_Pa=bc(sigma_c), critical_thickness_m=bc(L_c),
                       energy_release_J_m2=bc(G), cracked=bc(cracked), transport_asi_ohm_m2=bc(asi),
                       delta_asi_ohm_m2=bc(dasi), delta_resistance_ohm=bc(dasi / d.electrode_area_m2))


# ---------------------------------------------------------------------------------------------
# The duty-aware life model: SEI, particle cracking, SEI on cracks, isolated particles (issue 17)

_MECH = "Particle mechanics"
_CHEN2020_WINDOWS = ("Chen et al. 2020, J. Electrochem. Soc. 167, 080534: stoichiometry windows 0.0279-0.9014 (negative) "
                     "and 0.2661-0.9084 (positive), midpoint x c_max of " + OKANE2022)
_DOD_SOURCE = ("Schmalstieg et al. 2014, J. Power Sources 257, 325, Eq. (21): throughput ageing coefficient "
               "β = 7.348e-3 (V - 3.667)² + 7.60e-4 + 4.081e-3 ΔDOD (the voltage term vanishes at 3.667 V)")


def _mech(part: str, name: str, default: float, label: str, unit: str, key: str, doc: str, **bounds: float) -> Any:
    side = "Negative" if part == "neg" else "Positive"
    return field(default=default, metadata=param(f"{side}: {label}", unit, key=f"{part}_{key}", group=_MECH, doc=doc,
                                                 **bounds))


@dataclass(frozen=True, kw_only=True)
class MechanicsParams:
    """Particle mechanics of each electrode, and the duty's cycling stress (SI).

    Defaults: O'Kane et al. 2022 (PyBaMM's ``OKane2022``, after Ai et al. 2020, J. Electrochem. Soc. 167, 013512,
    and Deshpande et al. 2012, J. Electrochem. Soc. 159, A1730), the set fitted together with :class:`SEIParams`;
    its coupled-degradation configuration cracks the negative's particles ("swelling and cracking") and only swells
    the positive's ("swelling only"). The mean lithium concentrations are the midpoints of Chen et al. 2020's
    stoichiometry windows; the depth-of-discharge stress is Schmalstieg et al. 2014's.
    """

    neg_youngs_modulus_Pa: Array = _mech("neg", "E", 15e9, "particle Young's modulus", "GPa", "youngs_modulus_GPa",
                                         OKANE2022, gt=0, le=1000)
    neg_poisson_ratio: Array = _mech("neg", "nu", 0.3, "particle Poisson ratio", "-", "poisson_ratio", OKANE2022, ge=0, lt=0.5)
    neg_partial_molar_volume_m3_mol: Array = _mech("neg", "Omega", 3.1e-6, "partial molar volume of lithium", "cm³/mol",
                                                   "partial_molar_volume_cm3_mol", OKANE2022, ge=0, le=100)
    neg_mean_concentration_mol_m3: Array = _mech("neg", "c", 15395.0, "mean lithium concentration over a cycle", "mol/L",
                                                 "mean_concentration_mol_L", _CHEN2020_WINDOWS, ge=0, le=200)
    neg_diffusivity_activation_energy_J_mol: Array = _mech(
        "neg", "EaD", 30.3e3, "activation energy of the solid diffusivity", "kJ/mol", "diffusivity_activation_energy_kJ_mol",
        OKANE2022 + " (from Ecker et al. 2015)", ge=0, le=300)
    neg_critical_stress_Pa: Array = _mech("neg", "sc", 60e6, "critical stress of isolation", "MPa", "critical_stress_MPa",
                                          OKANE2022, gt=0)
    neg_lam_rate_1_s: Array = _mech("neg", "beta", 2.7778e-7, "LAM constant (volume fraction per hour at the critical stress)",
                                    "1/h", "lam_rate_1_h", OKANE2022 + " (stress-driven LAM of Reniers et al. 2019)", ge=0)
    neg_lam_exponent: Array = _mech("neg", "mL", 2.0, "LAM stress exponent", "-", "lam_exponent", OKANE2022, gt=0, le=20)
    neg_cracks: Array = _mech("neg", "cr", 1.0, "particles crack (1) or only swell (0)", "-", "cracks",
                              OKANE2022 + ": negative 'swelling and cracking'", ge=0, le=1)
    neg_cracking_rate: Array = _mech("neg", "k", 3.9e-20, "Paris' law constant k_cr, m per hour in tension per (Pa·m^0.5)^m",
                                     "-", "cracking_rate", OKANE2022 + " (Ai et al. 2020; Deshpande et al. 2012)", ge=0)
    neg_paris_m: Array = _mech("neg", "m", 2.2, "Paris' law exponent m", "-", "paris_m", OKANE2022, gt=2, le=20)
    neg_paris_b: Array = _mech("neg", "b", 1.12, "Paris' law geometry factor b", "-", "paris_b", OKANE2022, gt=0, le=10)
    neg_initial_crack_length_m: Array = _mech("neg", "l0", 2e-8, "initial crack length", "nm", "initial_crack_length_nm",
                                              OKANE2022, gt=0, le=1e5)
    neg_crack_width_m: Array = _mech("neg", "w", 1.5e-8, "crack width", "nm", "crack_width_nm", OKANE2022, ge=0, le=1e5)
    neg_crack_density_1_m2: Array = _mech("neg", "rho", 3.18e15, "cracks per particle surface", "1/µm²", "crack_density_1_um2",
                                          OKANE2022, ge=0)
    neg_crack_sei_initial_thickness_m: Array = _mech(
        "neg", "dcr", 5e-13, "SEI on fresh crack surface", "nm", "crack_sei_initial_thickness_nm",
        OKANE2022 + ": initial outer SEI on cracks", gt=0, le=1000)
    pos_youngs_modulus_Pa: Array = _mech("pos", "E", 375e9, "particle Young's modulus", "GPa", "youngs_modulus_GPa",
                                         OKANE2022, gt=0, le=1000)
    pos_poisson_ratio: Array = _mech("pos", "nu", 0.2, "particle Poisson ratio", "-", "poisson_ratio", OKANE2022, ge=0, lt=0.5)
    pos_partial_molar_volume_m3_mol: Array = _mech("pos", "Omega", 1.25e-5, "partial molar volume of lithium", "cm³/mol",
                                                   "partial_molar_volume_cm3_mol", OKANE2022, ge=0, le=100)
    pos_mean_concentration_mol_m3: Array = _mech("pos", "c", 37059.0, "mean lithium concentration over a cycle", "mol/L",
                                                 "mean_concentration_mol_L", _CHEN2020_WINDOWS, ge=0, le=200)
    pos_diffusivity_activation_energy_J_mol: Array = _mech(
        "pos", "EaD", 25e3, "activation energy of the solid diffusivity", "kJ/mol", "diffusivity_activation_energy_kJ_mol",
        OKANE2022 + " (after Cabanero et al. 2018)", ge=0, le=300)
    pos_critical_stress_Pa: Array = _mech("pos", "sc", 375e6, "critical stress of isolation", "MPa", "critical_stress_MPa",
                                          OKANE2022, gt=0)
    pos_lam_rate_1_s: Array = _mech("pos", "beta", 2.7778e-7, "LAM constant (volume fraction per hour at the critical stress)",
                                    "1/h", "lam_rate_1_h", OKANE2022 + " (stress-driven LAM of Reniers et al. 2019)", ge=0)
    pos_lam_exponent: Array = _mech("pos", "mL", 2.0, "LAM stress exponent", "-", "lam_exponent", OKANE2022, gt=0, le=20)
    pos_cracks: Array = _mech("pos", "cr", 0.0, "particles crack (1) or only swell (0)", "-", "cracks",
                              OKANE2022 + ": positive 'swelling only'", ge=0, le=1)
    pos_cracking_rate: Array = _mech("pos", "k", 3.9e-20, "Paris' law constant k_cr, m per hour in tension per (Pa·m^0.5)^m",
                                     "-", "cracking_rate", OKANE2022 + " (Ai et al. 2020; Deshpande et al. 2012)", ge=0)
    pos_paris_m: Array = _mech("pos", "m", 2.2, "Paris' law exponent m", "-", "paris_m", OKANE2022, gt=2, le=20)
    pos_paris_b: Array = _mech("pos", "b", 1.12, "Paris' law geometry factor b", "-", "paris_b", OKANE2022, gt=0, le=10)
    pos_initial_crack_length_m: Array = _mech("pos", "l0", 2e-8, "initial crack length", "nm", "initial_crack_length_nm",
                                              OKANE2022, gt=0, le=1e5)
    pos_crack_width_m: Array = _mech("pos", "w", 1.5e-8, "crack width", "nm", "crack_width_nm", OKANE2022, ge=0, le=1e5)
    pos_crack_density_1_m2: Array = _mech("pos", "rho", 3.18e15, "cracks per particle surface", "1/µm²", "crack_density_1_um2",
                                          OKANE2022, ge=0)
    dod_stress_base: Array = field(default=7.60e-4, metadata=param(
        "Cycling stress at zero depth of discharge (Schmalstieg β offset)", "-", key="dod_stress_base", ge=0, group=_MECH,
        doc=_DOD_SOURCE))
    dod_stress_slope: Array = field(default=4.081e-3, metadata=param(
        "Cycling stress per unit depth of discharge (Schmalstieg β slope)", "-", key="dod_stress_slope", ge=0, group=_MECH,
        doc=_DOD_SOURCE))
    reaction_zone: Array = field(default=1.0, metadata=param(
        "Reaction concentrated near the separator (1) or uniform (0)", "-", key="reaction_zone", ge=0, le=1, group=_MECH,
        doc="1: the current of a thick electrode runs through a reaction zone of relative width tanh(ν)/ν (Newman & "
            "Tobias 1962, J. Electrochem. Soc. 109, 1183); 0: uniform, as in a single-particle model"))


#: the reference temperature of the design's solid diffusivities (Chen et al. 2020 measured them at 25 °C)
DIFFUSIVITY_REFERENCE_K = 298.15


def _part(mech: MechanicsParams, part: str) -> dict[str, np.ndarray]:
    pre = f"{part}_"
    return {s.name[len(pre):]: np.asarray(getattr(mech, s.name), dtype=float) for s in specs(mech) if s.name.startswith(pre)}


def reaction_zone_factor(design: CellDesign, electrode: str = "neg", temperature_K: Array | None = None) -> np.ndarray:
    """ν / tanh ν: how much faster than average the reaction zone of a porous electrode works (>= 1).

    With linear kinetics the reaction distribution through an electrode of thickness L follows cosh(ν x / L), with
    ν² = L (1/κ_eff + 1/σ_eff) / R_ct, the ratio of the electrode's ionic plus electronic resistance to its
    charge-transfer resistance R_ct = R T / (F i0 a L) (Newman & Tobias 1962, J. Electrochem. Soc. 109, 1183). The
    front's local current over the mean current is ν / tanh ν (1 for a thin electrode, ν for a thick one): every
    particle delivers its capacity in a zone 1/(ν / tanh ν) as wide as the electrode, at that multiple of the mean
    current. ν ∝ L, so thicker electrodes concentrate the current (and the particle stress) in the zone.

    Parameters
    ----------
    design : CellDesign
        Designs (SI; every field broadcasts).
    electrode : {"neg", "pos"}
        The electrode.
    temperature_K : array_like, optional
        Temperature of the charge transfer (K); default the design's.
    """
    if electrode not in ("neg", "pos"):
        raise InputError("electrode", electrode, "'neg' or 'pos'")
    d = resolve(design)
    e = getattr(d, electrode)
    T = d.temperature_K if temperature_K is None else temperature_K
    b = d.bruggeman_exponent
    L = np.asarray(e.thickness_m, dtype=float)
    r_ion = L / effective_conductivity(d.electrolyte_conductivity_S_m, e.porosity, b)
    r_el = L / effective_conductivity(e.conductivity_S_m, 1.0 - e.porosity, b)
    nu = np.sqrt((r_ion + r_el) / charge_transfer_asi(e, T))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(nu > 1e-6, nu / np.tanh(np.maximum(nu, 1e-6)), 1.0 + nu * nu / 3.0)


@dataclass(frozen=True)
class ParticleStress:
    """Diffusion-induced stress of the particles of one electrode at a duty (SI, arrays of the broadcast shape)."""

    current_factor: np.ndarray = field(metadata=param(
        "Reaction-zone current over the mean current (ν/tanh ν)", "-", key="reaction_zone_factor"))
    concentration_difference_mol_m3: np.ndarray = field(metadata=param(
        "Mean minus surface lithium concentration", "mol/L", key="concentration_difference_mol_L",
        doc="quasi-steady sphere: j r / (5 D_eff), D_eff = D (1 + θ c) with stress-enhanced diffusion"))
    tangential_stress_Pa: np.ndarray = field(metadata=param(
        "Surface tangential stress on delithiation", "MPa", key="tangential_stress_MPa",
        doc="σ_t = Ω E Δc / (3 (1 - ν)) (Ai et al. 2020; PyBaMM's particle mechanics)"))
    tension_time_s: np.ndarray = field(metadata=param(
        "Time in tension per equivalent full cycle", "h", key="tension_time_h", doc="3600 / (C-rate · ν/tanh ν)"))
    crack_growth_constant: np.ndarray = field(metadata=param(
        "Paris' law growth per equivalent full cycle, dl/dN = K l^(m/2)", "-", key="crack_growth_constant"))
    lam_per_cycle: np.ndarray = field(metadata=param(
        "Active-material volume fraction isolated per equivalent full cycle", "-", key="lam_per_cycle",
        doc="β (σ_h/σ_c)^m_LAM · time in tension, σ_h = 2 σ_t / 3 (Reniers et al. 2019; PyBaMM)"))


def dod_stress_factor(dod: Array, mech: MechanicsParams = MechanicsParams()) -> np.ndarray:
    """Cycling damage per equivalent full cycle at depth ``dod`` over that at full depth: (β0 + β1 DOD) / (β0 + β1).

    Schmalstieg et al. 2014 (J. Power Sources 257, 325) fitted the throughput ageing of NMC/graphite 18650 cells as
    β(ΔDOD) sqrt(Q) with β = 7.348e-3 (V - 3.667)² + 7.60e-4 + 4.081e-3 ΔDOD: per ampere-hour, deeper cycles age a cell
    faster. The ratio at equal throughput scales the mechanical (cycle-driven) terms of :func:`cycle_life`.

    Parameters
    ----------
    dod : array_like
        Depth of discharge (0-1).
    mech : MechanicsParams
        Its ``dod_stress_base`` β0 and ``dod_stress_slope`` β1 (dimensionless).
    """
    b0, b1 = np.asarray(mech.dod_stress_base, dtype=float), np.asarray(mech.dod_stress_slope, dtype=float)
    return (b0 + b1 * np.asarray(dod, dtype=float)) / (b0 + b1)


def particle_stress(design: CellDesign, duty: Duty = Duty(), mech: MechanicsParams = MechanicsParams(),
                    electrode: str = "neg", *, fmt: Any = None) -> ParticleStress:
    """Diffusion-induced stress of an electrode's particles at the duty's C-rate and temperature, and the cracking
    and isolation it drives per equivalent full cycle.

    The particles of the reaction zone carry the local current density j = f i / (F a L) (f = ν/tanh ν,
    :func:`reaction_zone_factor`; i the current per electrode area at the duty C-rate; a L the active surface per
    electrode area). A sphere under a constant surface flux settles to a parabolic profile whose mean exceeds its
    surface concentration by Δc = j r / (5 D_eff), with D_eff = D (1 + θ c), θ = 2 Ω² E / (9 R T (1 - ν)), the
    stress-enhanced diffusion of PyBaMM's particle mechanics; the surface then carries the tangential stress
    σ_t = Ω E Δc / (3 (1 - ν)) (Ai et al. 2020) while it delithiates, for 3600 / (C f) s per equivalent full cycle.
    Per cycle the cracks grow by Paris' law, dl/dN = k_cr (σ_t b sqrt(π l))^m t / 1 h (Deshpande et al. 2012), and a
    share β (σ_h / σ_c)^m_L t of the electrode volume is isolated (σ_h = 2 σ_t / 3; Reniers et al. 2019), both times
    :func:`dod_stress_factor`. This reproduces PyBaMM's single-particle mechanics for O'Kane et al. 2022's LG M50
    (tests/data/pybamm_life_reference.json).

    Parameters
    ----------
    design : CellDesign
        Designs (SI; every field broadcasts).
    duty : Duty
        The duty; a blank C-rate or temperature takes the design's.
    mech : MechanicsParams
        Particle mechanics (SI).
    electrode : {"neg", "pos"}
        The electrode.
    fmt : CellFormat, optional
        The cell format, which sets the negative's area (:func:`xlcell.cell.negative_area`; default the pouch's).
    """
    if electrode not in ("neg", "pos"):
        raise InputError("electrode", electrode, "'neg' or 'pos'")
    _check(mech)
    d = in_format(resolve(design), fmt)  # a can's jelly roll sets the electrode area
    du = _resolved_duty(duty, d)
    return _stress(d, du, _part(mech, electrode), electrode, mech, negative_area(d, fmt))


def _resolved_duty(duty: Duty, d: CellDesign) -> Duty:
    _check(duty)
    return resolve_duty(duty, d.c_rate_per_h, d.temperature_K)


def _stress(d: CellDesign, du: Duty, m: dict[str, np.ndarray], electrode: str, mech: MechanicsParams,
            area_n: np.ndarray) -> ParticleStress:
    e = getattr(d, electrode)
    T = np.asarray(du.temperature_K, dtype=float)
    C = np.asarray(du.c_rate_per_h, dtype=float)
    f = reaction_zone_factor(d, electrode, T)
    f = np.where(np.asarray(mech.reaction_zone, dtype=float) > 0.5, f, 1.0)
    q_cell = np.minimum(areal_capacity(d.pos), areal_capacity(d.neg))  # C per positive area
    i = q_cell * C / SECONDS_PER_HOUR / (area_n / d.electrode_area_m2 if electrode == "neg" else 1.0)
    j = f * i / (FARADAY * specific_area(e) * e.thickness_m)  # mol/m²/s in the reaction zone
    E, nu, om = m["youngs_modulus_Pa"], m["poisson_ratio"], m["partial_molar_volume_m3_mol"]
    D = arrhenius(e.solid_diffusivity_m2_s, m["diffusivity_activation_energy_J_mol"], T, DIFFUSIVITY_REFERENCE_K)
    theta = 2.0 * om * om * E / (9.0 * GAS_CONSTANT * T * (1.0 - nu))
    dc = j * e.particle_radius_m / (5.0 * D * (1.0 + theta * m["mean_concentration_mol_m3"]))
    sigma = om * E * dc / (3.0 * (1.0 - nu))
    t = SECONDS_PER_HOUR / (C * f)
    fd = dod_stress_factor(du.dod, mech)
    K = m["cracks"] * m["cracking_rate"] * (sigma * m["paris_b"] * np.sqrt(np.pi)) ** m["paris_m"] * t / SECONDS_PER_HOUR * fd
    lam = m["lam_rate_1_s"] * (2.0 * sigma / (3.0 * m["critical_stress_Pa"])) ** m["lam_exponent"] * t * fd
    shape = np.broadcast_shapes(*(np.shape(x) for x in (f, dc, sigma, t, K, lam)))

    def bc(x: Array) -> np.ndarray:
        return np.broadcast_to(np.asarray(x, dtype=float), shape).copy()

    return ParticleStress(current_factor=bc(f), concentration_difference_mol_m3=bc(dc), tangential_stress_Pa=bc(sigma),
                          tension_time_s=bc(t), crack_growth_constant=bc(K), lam_per_cycle=bc(lam))


def _cracks(K: np.ndarray, l0: np.ndarray, r: np.ndarray, m: np.ndarray, N: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Crack length l(N) and ∫0^N l² dN of Paris' law dl/dN = K l^(m/2) (m > 2), the length capped at the radius r.

    With q = m/2 - 1 and x = q K l0^q N: l = l0 (1 - x)^(-1/q), which reaches r at x_r = 1 - (l0/r)^q; then
    ∫ l² dN = l0^(2-q) / (K (2 - q)) · ((1 - x)^(1 - 2/q) - 1), and r² per cycle beyond x_r.
    """
    return _cracks_at(_crack_terms(K, l0, r, m), N)


def _crack_terms(K: np.ndarray, l0: np.ndarray, r: np.ndarray, m: np.ndarray) -> dict[str, np.ndarray]:
    """The terms of :func:`_cracks` that do not depend on the cycle count (computed once per life)."""
    q = m / 2.0 - 1.0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        rate = q * K * l0 ** q  # dx/dN
        pos = rate > 0
        x_r = np.maximum(1.0 - (np.minimum(l0, r) / r) ** q, 0.0)
        return dict(q=q, has_rate=pos, rate_or_1=np.where(pos, rate, 1.0), rate_value=rate, x_r=x_r, l0=l0, r=r,
                    l0_sq=l0 * l0, c_zone=l0 ** (2.0 - q) / (np.where(K > 0, K, 1.0) * (2.0 - q)),
                    e_zone=1.0 - 2.0 / q, n_r=np.where(pos, x_r / np.where(pos, rate, 1.0), np.inf), r_sq=r * r)


def _cracks_at(t: Mapping[str, np.ndarray], N: np.ndarray, length: bool = True) -> tuple[np.ndarray | None, np.ndarray]:
    """:func:`_cracks` at ``N`` from its terms (:func:`_crack_terms`); ``length=False`` leaves the length out (None)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        x = t["rate_value"] * N
        x_r = t["x_r"]
        xc = np.minimum(x, x_r)
        out = np.where(x < x_r, t["l0"] * np.exp(-np.log1p(-xc) / t["q"]), t["r"]) if length else None
        small = xc < 1e-12
        i_zone = np.where(small, t["l0_sq"] * np.where(t["has_rate"], xc / t["rate_or_1"], N),
                          t["c_zone"] * np.expm1(t["e_zone"] * np.log1p(-xc)))
        beyond = np.where(x > x_r, t["r_sq"] * (N - t["n_r"]), 0.0)
    return out, i_zone + beyond


@dataclass(frozen=True)
class LifeFade:
    """Capacity fade of designs under a duty at given equivalent full cycles: arrays of shape ``S + K``.

    The losses are shares of the beginning-of-life capacity and sum to 1 - ``soh``.
    """

    efc: np.ndarray = field(metadata=param("Equivalent full cycles", "-", key="efc"))
    years: np.ndarray = field(metadata=param("Years in service", "yr", key="years"))
    soh: np.ndarray = field(metadata=param("State of health", "-", key="soh"))
    loss_sei: np.ndarray = field(metadata=param("Capacity lost to SEI on the particle surface", "%", key="loss_sei_pct"))
    loss_sei_cracks: np.ndarray = field(metadata=param("Capacity lost to SEI on crack surfaces", "%",
                                                       key="loss_sei_cracks_pct"))
    loss_lam_neg: np.ndarray = field(metadata=param(
        "Capacity lost to isolated negative particles", "%", key="loss_lam_neg_pct",
        doc="lithium stranded in them, plus any capacity the shrunken negative no longer holds"))
    loss_lam_pos: np.ndarray = field(metadata=param(
        "Capacity lost to isolated positive particles", "%", key="loss_lam_pos_pct",
        doc="lithium stranded in them, plus any capacity the shrunken positive no longer holds"))
    sei_thickness_m: np.ndarray = field(metadata=param("SEI thickness on the particle surface", "nm", key="sei_thickness_nm"))
    neg_crack_length_m: np.ndarray = field(metadata=param("Negative: crack length", "nm", key="neg_crack_length_nm"))
    pos_crack_length_m: np.ndarray = field(metadata=param("Positive: crack length", "nm", key="pos_crack_length_nm"))
    neg_lam: np.ndarray = field(metadata=param("Negative: share of active material isolated", "%", key="neg_lam_pct"))
    pos_lam: np.ndarray = field(metadata=param("Positive: share of active material isolated", "%", key="pos_lam_pct"))


class _LifeModel:
    """Everything of :func:`cycle_life` that does not depend on the cycle count, for designs and duties broadcast
    to one shape (SI)."""

    def __init__(self, design: CellDesign, duty: Duty, sei: SEIParams, mech: MechanicsParams, fmt: Any = None) -> None:
        _check(sei)
        _check(mech)
        d = in_format(resolve(design), fmt)  # a can's jelly roll sets the electrode area (one chain)
        du = _resolved_duty(duty, d)
        self.design, self.duty = d, du
        n, p = _part(mech, "neg"), _part(mech, "pos")
        self.fmt = fmt
        area_n = negative_area(d, fmt)
        self.neg, self.pos = _stress(d, du, n, "neg", mech, area_n), _stress(d, du, p, "pos", mech, area_n)
        T = np.asarray(du.temperature_K, dtype=float)
        qa_p, qa_n = areal_capacity(d.pos), areal_capacity(d.neg)
        q_min = np.minimum(qa_p, qa_n)
        a_n = specific_area(d.neg)
        self.capacity_C = q_min * d.electrode_area_m2
        self.volume_n = d.neg.thickness_m * area_n
        self.surface_n = a_n * self.volume_n
        self.pos_over_cell = qa_p / q_min
        self.neg_over_cell = qa_n / q_min
        self.eps_n, self.eps_p = am_volume_fraction(d.neg), am_volume_fraction(d.pos)
        self.efc_per_year = np.asarray(du.cycles_per_year, dtype=float) * np.asarray(du.dod, dtype=float)
        self.dod = np.asarray(du.dod, dtype=float)
        self.lps = lithium_per_sei_volume(sei)
        self.d0 = np.asarray(sei.initial_thickness_m, dtype=float)
        self.k = sei_growth_constant(T, sei)  # m²/s: δ² = δ0² + 2 k t
        self.g = arrhenius(sei.growth_per_cycle_m, sei.activation_energy_J_mol, T, sei.reference_temperature_K) \
            * dod_stress_factor(du.dod, mech)
        self.z = np.asarray(sei.li_per_formula, dtype=float)
        self.vbar = np.asarray(sei.molar_volume_m3_mol, dtype=float)
        self.crack_area_per_length = 2.0 * n["crack_density_1_m2"] * n["crack_width_m"] * a_n  # crack surface / volume / l
        self.m0 = self.crack_area_per_length * n["initial_crack_length_m"] * n["crack_sei_initial_thickness_m"] / self.vbar
        self.n_par, self.p_par = n, p
        self.a_n = a_n
        self.shape = np.broadcast_shapes(*(np.shape(x) for x in (
            self.capacity_C, self.surface_n, self.efc_per_year, self.k, self.g, self.neg.lam_per_cycle,
            self.pos.lam_per_cycle, self.neg.crack_growth_constant, self.pos.crack_growth_constant, self.m0,
            self.pos_over_cell, self.neg_over_cell, du.eol_soh)))

    def _soh_terms(self) -> dict[str, Any]:
        """The terms of the state of health that do not depend on the cycle count (:meth:`soh`), as :meth:`fade`
        computes them."""
        n = self.n_par
        f = lambda a: np.asarray(a, dtype=float)  # noqa: E731
        return dict(
            efc=f(self.efc_per_year), d0=f(self.d0), d0_sq=f(self.d0) ** 2, two_k=2.0 * f(self.k), g=f(self.g),
            lps=f(self.lps), surface_n=f(self.surface_n), capacity=f(self.capacity_C),
            cracks=_crack_terms(f(self.neg.crack_growth_constant), f(n["initial_crack_length_m"]),
                                f(self.design.neg.particle_radius_m), f(n["paris_m"])),
            m0=f(self.m0), m0_sq=f(self.m0) ** 2,
            cr=2.0 * (f(self.k) / f(self.vbar)) / f(self.vbar) * f(self.crack_area_per_length) ** 2,
            zf=f(self.z) * FARADAY, volume_n=f(self.volume_n), lam_n=f(self.neg.lam_per_cycle), eps_n=f(self.eps_n),
            lam_p=f(self.pos.lam_per_cycle), eps_p=f(self.eps_p), dod=f(self.dod), pos_over_cell=f(self.pos_over_cell),
            neg_over_cell=f(self.neg_over_cell))

    def soh(self, N: np.ndarray, t: Mapping[str, Any]) -> np.ndarray:
        """:meth:`fade`'s state of health alone at ``N`` (designs' shape), from :meth:`_soh_terms`: the same
        operations in the same order (the same numbers), without the outputs the life's solver does not read."""
        return 1.0 - np.minimum(self.loss(N, t), 1.0)

    def _root_terms(self) -> dict[str, Any]:
        """:meth:`_soh_terms` folded for :meth:`root_loss`: every product of cycle-independent terms computed once."""
        t = self._soh_terms()
        c = t["cracks"]
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            g = t["g"]
            return dict(
                sei_t=t["two_k"] * SECONDS_PER_YEAR / t["efc"], d0=t["d0"], d0_sq=t["d0_sq"],
                g=None if np.ndim(g) == 0 and float(g) == 0.0 else g,  # no per-cycle film: no term
                sei_c=t["lps"] * t["surface_n"] / t["capacity"], rate=c["rate_value"], x_r=c["x_r"],
                l0_rate=np.where(c["has_rate"], c["l0_sq"] / c["rate_or_1"], np.nan), l0_sq=c["l0_sq"],
                has_rate=c["has_rate"], c_zone=c["c_zone"], e_zone=c["e_zone"], r_sq=c["r_sq"], n_r=c["n_r"],
                m0=t["m0"], m0_sq=t["m0_sq"], cr_t=t["cr"] * SECONDS_PER_YEAR / t["efc"],
                sei_cr_c=t["zf"] * t["volume_n"] / t["capacity"], lam_n=t["lam_n"] / t["eps_n"],
                lam_p=t["lam_p"] / t["eps_p"], li_n=1.0 - t["dod"] / 2.0, li_p=t["dod"] / 2.0,
                pos_over_cell=t["pos_over_cell"], neg_over_cell=t["neg_over_cell"])

    @staticmethod
    def root_loss(N: np.ndarray, t: Mapping[str, Any]) -> np.ndarray:
        """:meth:`loss` at ``N`` > 0 from :meth:`_root_terms`: the same formulas with their cycle-independent products
        folded (about 40 array operations instead of 65; equal to :meth:`loss` to rounding), for the life's root
        search."""
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            delta = np.sqrt(t["d0_sq"] + t["sei_t"] * N)
            if t["g"] is not None:
                delta = delta + t["g"] * N
            lli = (delta - t["d0"]) * t["sei_c"]
            x = t["rate"] * N  # the cracks (:func:`_cracks_at`): the integral of l² over the cycles
            xc = np.minimum(x, t["x_r"])
            i_n = t["c_zone"] * np.expm1(t["e_zone"] * np.log1p(-xc))
            small = xc < 1e-12
            if small.any():
                i_n = np.where(small, np.where(t["has_rate"], xc * t["l0_rate"], t["l0_sq"] * N), i_n)
            beyond = x > t["x_r"]
            if beyond.any():
                i_n = i_n + np.where(beyond, t["r_sq"] * (N - t["n_r"]), 0.0)
            lli += (np.sqrt(t["m0_sq"] + t["cr_t"] * i_n) - t["m0"]) * t["sei_cr_c"]
            lam_n = np.minimum(t["lam_n"] * N, 1.0)
            lam_p = np.minimum(t["lam_p"] * N, 1.0)
            lli += lam_n * t["li_n"]
            lli += lam_p * t["li_p"]
            lim = 1.0 - np.minimum(t["pos_over_cell"] * (1.0 - lam_p), t["neg_over_cell"] * (1.0 - lam_n))
            return np.maximum(lli, lim)

    @staticmethod
    def loss(N: np.ndarray, t: Mapping[str, Any]) -> np.ndarray:
        """The capacity loss of :meth:`soh` before its cap at 1 (SOH = 1 - min(loss, 1)): max(lithium lost, the
        electrode limits); it goes on growing past a total loss, which the life's solver interpolates on."""
        time_s = N / t["efc"] * SECONDS_PER_YEAR
        delta = np.sqrt(t["d0_sq"] + t["two_k"] * time_s) + t["g"] * N
        sei = t["lps"] * (delta - t["d0"]) * t["surface_n"] / t["capacity"]
        _, i_n = _cracks_at(t["cracks"], N, length=False)
        m_cr = np.sqrt(t["m0_sq"] + t["cr"] * i_n * SECONDS_PER_YEAR / t["efc"])
        sei_cr = t["zf"] * (m_cr - t["m0"]) * t["volume_n"] / t["capacity"]
        with np.errstate(invalid="ignore", over="ignore"):
            lam_n = np.where(N > 0, np.minimum(t["lam_n"] * N / t["eps_n"], 1.0), 0.0)
            lam_p = np.where(N > 0, np.minimum(t["lam_p"] * N / t["eps_p"], 1.0), 0.0)
        dod = t["dod"]
        lli = sei + sei_cr + lam_n * (1.0 - dod / 2.0) + lam_p * dod / 2.0
        lim_p = 1.0 - t["pos_over_cell"] * (1.0 - lam_p)
        lim_n = 1.0 - t["neg_over_cell"] * (1.0 - lam_n)
        return np.maximum(lli, np.maximum(lim_p, lim_n))

    def fade(self, N: np.ndarray, k_ndim: int) -> dict[str, np.ndarray]:
        """Losses after ``N`` equivalent full cycles (``N`` broadcasts with ``shape + K``, K of ``k_ndim`` axes)."""
        ex = (Ellipsis,) + (None,) * k_ndim

        def x(a: Array) -> np.ndarray:
            return np.asarray(a, dtype=float)[ex]

        t = N / x(self.efc_per_year) * SECONDS_PER_YEAR
        delta = np.sqrt(x(self.d0) ** 2 + 2.0 * x(self.k) * t) + x(self.g) * N
        sei = x(self.lps) * (delta - x(self.d0)) * x(self.surface_n) / x(self.capacity_C)
        n, p = self.n_par, self.p_par
        l_n, i_n = _cracks(x(self.neg.crack_growth_constant), x(n["initial_crack_length_m"]),
                           x(self.design.neg.particle_radius_m), x(n["paris_m"]), N)
        l_p, _ = _cracks(x(self.pos.crack_growth_constant), x(p["initial_crack_length_m"]),
                         x(self.design.pos.particle_radius_m), x(p["paris_m"]), N)
        # SEI moles on cracks per electrode volume: d(M²)/dt = 2 S² D c / V̄ with S = crack area per volume
        dc_sol = x(self.k) / x(self.vbar)
        m_cr = np.sqrt(x(self.m0) ** 2 + 2.0 * dc_sol / x(self.vbar) * x(self.crack_area_per_length) ** 2 * i_n
                       * SECONDS_PER_YEAR / x(self.efc_per_year))
        sei_cr = x(self.z) * FARADAY * (m_cr - x(self.m0)) * x(self.volume_n) / x(self.capacity_C)
        with np.errstate(invalid="ignore", over="ignore"):  # an infinite rate at N = 0 isolates nothing yet
            lam_n = np.where(N > 0, np.minimum(x(self.neg.lam_per_cycle) * N / x(self.eps_n), 1.0), 0.0)
            lam_p = np.where(N > 0, np.minimum(x(self.pos.lam_per_cycle) * N / x(self.eps_p), 1.0), 0.0)
        dod = x(self.dod)
        li_n = lam_n * (1.0 - dod / 2.0)  # lithium stranded in negative particles isolated on discharge (mean state)
        li_p = lam_p * dod / 2.0  # lithium stranded in positive particles isolated on charge (mean state)
        lli = sei + sei_cr + li_n + li_p
        lim_p = 1.0 - x(self.pos_over_cell) * (1.0 - lam_p)
        lim_n = 1.0 - x(self.neg_over_cell) * (1.0 - lam_n)
        loss = np.minimum(np.maximum(lli, np.maximum(lim_p, lim_n)), 1.0)
        scale = np.where(lli > 1.0, 1.0 / np.maximum(lli, 1e-300), 1.0)  # a total loss: the shares keep their ratio
        extra = np.maximum(loss - lli * scale, 0.0)
        pos_limits = lim_p >= lim_n
        return dict(soh=1.0 - loss, loss_sei=sei * scale, loss_sei_cracks=sei_cr * scale,
                    loss_lam_neg=li_n * scale + np.where(pos_limits, 0.0, extra),
                    loss_lam_pos=li_p * scale + np.where(pos_limits, extra, 0.0), sei_thickness_m=delta,
                    neg_crack_length_m=l_n, pos_crack_length_m=l_p, neg_lam=lam_n, pos_lam=lam_p,
                    years=N / x(self.efc_per_year))

    def life(self) -> np.ndarray:
        """Equivalent full cycles to the duty's end-of-life SOH (inf if never reached): the root in log10 N of
        SOH(N) = SOH_eol between 1e-6 and 1e12 cycles, by :func:`_secant_root` on the log of :meth:`loss` (nearly linear
        in log N), each step keeping the bracket by the sign of SOH - SOH_eol (the bisection's test), to a bracket of
        :data:`LIFE_TOLERANCE_LOG10` (within 1e-13 relative of :meth:`life_bisection`'s, tested).

        The state of health falls with N (every loss grows), so the first two points, 1e3 and 1e4 cycles, bracket most
        lives or say on which side the root is: the end of the range (1e12 cycles, where a life that is never reached
        shows) is evaluated only for the rows still above the end of life at 1e4 cycles, and its start (1e-6 cycles:
        below the end of life there already gives 1e-6, where the bisection tends) only for the rows below it at 1e3.
        """
        target = np.broadcast_to(np.asarray(self.duty.eol_soh, dtype=float), self.shape).ravel()
        terms = _flat_terms(self._root_terms(), self.shape)
        size = target.size
        log_eol = np.log1p(-target)

        def f(x: Any, idx: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
            """(SOH <= SOH_eol, log loss - log(1 - SOH_eol)) at log10 N = ``x`` for the rows ``idx`` (None: all)."""
            n = size if idx is None else idx.size
            # one point for all rows (the first guesses, the range's ends): its power once, the same ufunc's number
            N = np.full(n, np.power(10.0, x)) if np.ndim(x) == 0 else np.power(10.0, x)
            loss = self.root_loss(N, _take_terms(terms, idx))
            tgt, le = (target, log_eol) if idx is None else (target[idx], log_eol[idx])
            with np.errstate(divide="ignore", invalid="ignore"):
                return 1.0 - np.minimum(loss, 1.0) <= tgt, np.log(loss) - le

        return _life_root(f, size).reshape(self.shape)

    def life_bisection(self) -> np.ndarray:
        """The reference of :meth:`life`: bisection in log10 N of the same test (SOH <= SOH_eol) between 1e-6 and 1e12
        cycles until a step moves no bracket (about 55 evaluations of the state of health; the solver before issue 15's
        root finder, kept to test it against)."""
        target = np.broadcast_to(np.asarray(self.duty.eol_soh, dtype=float), self.shape)
        lo = np.full(self.shape, _LIFE_LO)
        hi = np.full(self.shape, _LIFE_HI)
        terms = self._soh_terms()
        reached = self.soh(np.power(10.0, hi), terms) <= target
        for _ in range(64):
            mid = 0.5 * (lo + hi)
            below = self.soh(np.power(10.0, mid), terms) <= target
            new_hi, new_lo = np.where(below, mid, hi), np.where(below, lo, mid)
            if np.array_equal(new_hi, hi) and np.array_equal(new_lo, lo):
                break  # a step that moves no bracket repeats itself: the 64 steps' result, reached sooner
            hi, lo = new_hi, new_lo
        return np.where(reached, np.power(10.0, 0.5 * (lo + hi)), np.inf)


#: the life's bracket in log10 of the equivalent full cycles (1e-6 .. 1e12 cycles)
_LIFE_LO, _LIFE_HI = -6.0, 12.0
#: the first two points of the life's root finder in log10 N (1e3 and 1e4 cycles: most lives lie between)
_LIFE_GUESS = (3.0, 4.0)
#: the width of the bracket in log10 N at which :meth:`_LifeModel.life` stops (its midpoint is the life): 2.3e-14
#: relative in N either side
LIFE_TOLERANCE_LOG10 = 2e-14


def _flat_terms(terms: Mapping[str, Any], shape: tuple[int, ...]) -> dict[str, Any]:
    """``terms`` (nested dicts of arrays broadcasting to ``shape``) with every non-scalar array flattened to one row
    per design (a scalar stays a scalar)."""
    return {k: (_flat_terms(v, shape) if isinstance(v, Mapping)
                else (v if v is None or np.ndim(v) == 0 else np.broadcast_to(v, shape).ravel())) for k, v in terms.items()}


def _take_terms(terms: Mapping[str, Any], idx: np.ndarray | None) -> Mapping[str, Any]:
    """The rows ``idx`` of :func:`_flat_terms`'s terms (all of them for None)."""
    if idx is None:
        return terms
    return {k: (_take_terms(v, idx) if isinstance(v, Mapping) else (v if v is None or np.ndim(v) == 0 else v[idx]))
            for k, v in terms.items()}


def _life_root(f: Any, size: int) -> np.ndarray:
    """The life's root in log10 N as cycles (shape ``(size,)``): :meth:`_LifeModel.life`'s search, for a function
    ``f(x, idx)`` giving, at log10 N = ``x`` (a number or one value per row) for the rows ``idx`` (None: all
    ``size``), the end-of-life test (SOH <= SOH_eol) and the value interpolated on (the log of the loss over the
    loss at end of life). Shared with the hand-fused kernel of ``bench/fused_chain.py`` (its own loss written out)."""
    (x_a, x_b), (lo_x, hi_x) = _LIFE_GUESS, (_LIFE_LO, _LIFE_HI)
    below_a, h_a = f(x_a, None)
    below_b, h_b = f(x_b, None)
    lo = np.where(below_a, lo_x, np.where(below_b, x_a, x_b))
    hi = np.where(below_a, x_a, np.where(below_b, x_b, hi_x))
    h_lo = np.where(below_a, np.nan, np.where(below_b, h_a, h_b))
    h_hi = np.where(below_a, h_a, np.where(below_b, h_b, np.nan))
    reached, at_start = np.ones(size, dtype=bool), np.zeros(size, dtype=bool)
    far = np.flatnonzero(~below_b)  # the end of the range: is the end of life reached at all?
    if far.size:
        reached[far], h_hi[far] = f(hi_x, far if far.size < size else None)
    near = np.flatnonzero(below_a)  # the start: below the end of life already?
    if near.size:
        at_start[near], h_lo[near] = f(lo_x, near if near.size < size else None)
    out = np.where(reached, np.where(at_start, np.power(10.0, lo_x), np.nan), np.inf)
    rows = np.flatnonzero(reached & ~at_start)
    if rows.size:
        sub = None if rows.size == size else rows

        def f_rows(x: np.ndarray, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            return f(x, None if idx.size == size else idx)

        root = _secant_root(f_rows, rows, lo[rows], hi[rows], h_lo[rows], h_hi[rows], LIFE_TOLERANCE_LOG10,
                            start=(np.full(rows.size, x_a), h_a if sub is None else h_a[sub],
                                   np.full(rows.size, x_b), h_b if sub is None else h_b[sub]))
        out[rows] = np.power(10.0, root)
    return out


def _secant_root(f: Any, rows: np.ndarray, lo: np.ndarray, hi: np.ndarray, h_lo: np.ndarray, h_hi: np.ndarray,
                 tol: float, fast_steps: int = 24, max_steps: int = 120,
                 start: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Vectorised safeguarded secant method (inverse quadratic interpolation once three points are known) on brackets
    ``lo < hi`` (one per row) of a rising function with a root between; returns the midpoints of the brackets once
    narrowed to ``tol``.

    ``f(x, idx)`` returns, at ``x`` for the rows ``rows[idx]``, the test that decides the bracket (True: ``x`` is at
    or beyond the root; it alone moves the brackets) and the value interpolated on (rising, ideally near-linear in
    ``x``; NaN or infinite values are allowed). Each step interpolates the root through the last three points
    (inverse quadratic; the first step: the secant through two); where that leaves the bracket, the regula falsi
    point of the bracket's ends, or else the midpoint; and it moves at least
    ``tol / 4`` from either end, so that once the secant has converged on one side the next step crosses the root
    and closes the bracket. After ``fast_steps`` steps the open rows are bisected (so a row ends within
    ``fast_steps`` plus a bisection's steps). Only the open rows are evaluated. ``start``: the first secant's two
    points ``(x0, h0, x1, h1)`` (default: the bracket's ends); a NaN value among them or the bracket's falls back as
    above.
    """
    n = lo.size
    out = np.empty(n)
    lo, hi, h_lo, h_hi = lo.copy(), hi.copy(), h_lo.copy(), h_hi.copy()
    x0, h0, x1, h1 = (lo.copy(), h_lo.copy(), hi.copy(), h_hi.copy()) if start is None else start  # the newest last
    idx = np.arange(n)  # the rows still open, as positions in ``rows``
    nudge = 0.25 * tol
    xq = hq = None  # the point before x0 (inverse quadratic interpolation through three)
    for step in range(max_steps):
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            if step < fast_steps:
                x = x1 - h1 * (x1 - x0) / (h1 - h0)
                if xq is not None:
                    d01, d02, d12 = h0 - h1, hq - h0, hq - h1
                    q = xq * h0 * h1 / (d02 * d12) - x0 * hq * h1 / (d02 * d01) + x1 * hq * h0 / (d12 * d01)
                    x = np.where(np.isfinite(q), q, x)
                out_of = ~((x >= lo) & (x <= hi))  # NaN too
                if out_of.any():  # regula falsi on the bracket, else its midpoint
                    b = np.flatnonzero(out_of)
                    a, c, ha, hc = lo[b], hi[b], h_lo[b], h_hi[b]
                    rf = c - hc * (c - a) / (hc - ha)
                    x[b] = np.where((rf >= a) & (rf <= c), rf, 0.5 * (a + c))
            else:
                x = 0.5 * (lo + hi)
            np.maximum(x, lo + nudge, out=x)
            np.minimum(x, hi - nudge, out=x)
            beyond, h = f(x, rows[idx])
            # an interpolated value whose sign disagrees with the test is at the root to rounding: 0 (so the next
            # interpolation stays there and the step after it closes the bracket)
            agree = beyond == (h >= 0.0)
            if not agree.all():
                h = np.where(agree, h, np.where(beyond, 0.0, -0.0))
        below = ~beyond
        np.copyto(lo, x, where=below)
        np.copyto(h_lo, h, where=below)
        np.copyto(hi, x, where=beyond)
        np.copyto(h_hi, h, where=beyond)
        xq, hq, x0, h0, x1, h1 = x0, h0, x1, h1, x, h
        done = hi - lo <= tol
        if done.any():
            out[idx[done]] = 0.5 * (lo[done] + hi[done])
            keep = ~done
            if not keep.any():
                return out
            idx, lo, hi, h_lo, h_hi, xq, hq, x0, h0, x1, h1 = (
                a[keep] for a in (idx, lo, hi, h_lo, h_hi, xq, hq, x0, h0, x1, h1))
    out[idx] = 0.5 * (lo + hi)  # not reached: a bisection from 18 decades to the tolerance takes under 60 steps
    return out


@dataclass(frozen=True)
class LifeResult:
    """Life of designs under a duty (SI; arrays of the broadcast shape of the designs and the duty).

    At end of life the four losses sum to 1 - ``eol_soh``.
    """

    cycle_life: np.ndarray = field(metadata=param(
        "Cycle life to end of life (equivalent full cycles)", "-", key="cycle_life",
        doc="SEI growth, SEI on particle cracks and isolated particles of both electrodes, at the duty"))
    duty_cycles: np.ndarray = field(metadata=param("Duty cycles to end of life", "-", key="duty_cycles",
                                                   doc="cycle life / depth of discharge"))
    years: np.ndarray = field(metadata=param("Years to end of life", "yr", key="years_to_eol"))
    loss_sei: np.ndarray = field(metadata=param("At end of life: capacity lost to SEI on the particle surface", "%",
                                                key="eol_loss_sei_pct"))
    loss_sei_cracks: np.ndarray = field(metadata=param("At end of life: capacity lost to SEI on crack surfaces", "%",
                                                       key="eol_loss_sei_cracks_pct"))
    loss_lam_neg: np.ndarray = field(metadata=param("At end of life: capacity lost to isolated negative particles", "%",
                                                    key="eol_loss_lam_neg_pct"))
    loss_lam_pos: np.ndarray = field(metadata=param("At end of life: capacity lost to isolated positive particles", "%",
                                                    key="eol_loss_lam_pos_pct"))
    sei_thickness_m: np.ndarray = field(metadata=param("At end of life: SEI thickness", "nm", key="eol_sei_thickness_nm"))
    neg_crack_length_m: np.ndarray = field(metadata=param("At end of life: negative crack length", "nm",
                                                          key="eol_neg_crack_length_nm"))
    neg_lam: np.ndarray = field(metadata=param("At end of life: negative active material isolated", "%",
                                               key="eol_neg_lam_pct"))
    pos_lam: np.ndarray = field(metadata=param("At end of life: positive active material isolated", "%",
                                               key="eol_pos_lam_pct"))
    neg_stress_Pa: np.ndarray = field(metadata=param("Negative: particle surface stress at the duty", "MPa",
                                                     key="neg_stress_MPa"))
    pos_stress_Pa: np.ndarray = field(metadata=param("Positive: particle surface stress at the duty", "MPa",
                                                     key="pos_stress_MPa"))
    neg_reaction_factor: np.ndarray = field(metadata=param("Negative: reaction-zone current over mean (ν/tanh ν)", "-",
                                                           key="neg_reaction_zone_factor"))
    pos_reaction_factor: np.ndarray = field(metadata=param("Positive: reaction-zone current over mean (ν/tanh ν)", "-",
                                                           key="pos_reaction_zone_factor"))
    resistance_bol_ohm: np.ndarray = field(metadata=param("Cell resistance, beginning of life", "mΩ",
                                                          key="resistance_bol_mohm"))
    delta_resistance_crack_ohm: np.ndarray = field(metadata=param(
        "Resistance rise from coating cracks (∝ L²)", "mΩ", key="delta_resistance_crack_mohm",
        doc=":func:`cracking` of the negative coating (illustrative parameters)"))
    delta_resistance_sei_ohm: np.ndarray = field(metadata=param(
        "Resistance rise from the SEI film at end of life", "mΩ", key="delta_resistance_sei_mohm",
        doc="ρ_SEI δ / (a L) per negative area"))
    delta_resistance_lam_ohm: np.ndarray = field(metadata=param(
        "Resistance rise from isolated particles at end of life", "mΩ", key="delta_resistance_lam_mohm",
        doc="charge-transfer ASI / (1 - LAM) - charge-transfer ASI, both electrodes"))
    resistance_eol_ohm: np.ndarray = field(metadata=param("Cell resistance, end of life", "mΩ", key="resistance_eol_mohm"))


def cycle_life(design: CellDesign, duty: Duty = Duty(), sei: SEIParams = SEIParams(),
               mech: MechanicsParams = MechanicsParams(), crack: CrackParams = CrackParams(), *,
               fmt: Any = None, resistance: bool = True, losses: bool = True) -> LifeResult:
    """Equivalent full cycles to the duty's end-of-life SOH, from the design and the duty: xlcell's one life model.

    Four mechanisms, each from O'Kane et al. 2022's coupled degradation model (PyBaMM ``OKane2022``; lithium plating
    is not included), reduced to closed forms per equivalent full cycle N at the duty's C-rate, depth of discharge,
    temperature and cycles per year (time t = N / (cycles per year · DOD)):

    * **SEI on the particle surface** (solvent-diffusion limited, Arrhenius): δ = sqrt(δ0² + 2 k(T) t); lithium lost
      z F / V̄ (δ - δ0) a L A of the negative (:func:`sei_capacity_loss`).
    * **Particle cracks** (Paris' law at the diffusion-induced stress of the reaction zone, :func:`particle_stress`):
      the crack length l(N); the crack surface 2 ρ_cr w_cr a l grows its own SEI from a bare start
      (d(M²)/dt = 2 S² D c / V̄ for the SEI moles M per volume on crack area S per volume).
    * **Isolated particles** (stress-driven loss of active material, both electrodes): a share of each electrode's
      active material per cycle; the lithium in it is lost (the mean state of the half cycle in tension), and an
      electrode whose remaining capacity falls below the cell's limits it.
    * Deeper cycles stress more per ampere-hour (:func:`dod_stress_factor`, Schmalstieg et al. 2014).

    The capacity is min(lithium inventory, positive, negative); the four losses (shares of the beginning-of-life
    capacity) sum to 1 - SOH. Faster, thicker (ν/tanh ν), hotter (SEI) and deeper cycling shorten the life; at zero
    current only calendar ageing is left. The resistance at end of life adds the SEI film, the isolated particles'
    charge-transfer loss and the coating cracks' ΔR ∝ L² (:func:`cracking`) to the cell model's.

    Parameters
    ----------
    design : CellDesign
        Designs (SI; every field broadcasts, shape ``S``).
    duty : Duty
        How the cell is cycled (SI; fields broadcast with ``S``); a blank C-rate or temperature takes the design's.
    sei : SEIParams
        SEI growth parameters (SI).
    mech : MechanicsParams
        Particle mechanics of both electrodes and the depth-of-discharge stress (SI).
    crack : CrackParams
        Coating-crack parameters of :func:`cracking` (SI), for the resistance at end of life.
    fmt : CellFormat, optional
        The cell format (:class:`~xlcell.pouch.CellFormat`; default the pouch's): the negative's area and the
        resistance at beginning of life are the cell model's with this format (one chain).
    resistance : bool
        False: the resistances (``resistance_bol_ohm``, the three rises and ``resistance_eol_ohm``) are left NaN and
        the cell model is not evaluated for them (the cycle life, the years and the losses do not read them).
    losses : bool
        False (with ``resistance`` False): the state at end of life (the four losses, the SEI thickness, the crack
        length and the isolated shares) is left NaN and not evaluated (the cycle life and the years do not read it).

    Returns
    -------
    LifeResult
        Cycle life, years, the capacity lost to each mechanism at end of life and the resistance at end of life.
    """
    model = _LifeModel(design, duty, sei, mech, fmt)
    n = model.life()
    fin = np.isfinite(n)
    if losses or resistance:
        at = model.fade(np.where(fin, n, 0.0), 0)
    else:  # not asked for: the state at end of life stays NaN
        at = dict.fromkeys(("loss_sei", "loss_sei_cracks", "loss_lam_neg", "loss_lam_pos", "sei_thickness_m",
                            "neg_crack_length_m", "neg_lam", "pos_lam"), np.nan)
    d = model.design
    dod = np.asarray(model.dod, dtype=float)
    if not resistance:
        _check(crack)
        shape = np.broadcast_shapes(model.shape, *(np.shape(getattr(o, s.name)) for o in (d, d.pos, d.neg, d.sep)
                                                   for s in specs(o)))
        nan = np.full(shape, np.nan)
        return _life_result(n, fin, at, model, shape, dod, *(nan,) * 5)
    cell = evaluate_cell(d, fmt)
    area_n = negative_area(d, fmt)
    r_sei = np.asarray(sei.resistivity_ohm_m, dtype=float) * (at["sei_thickness_m"] - model.d0) \
        / (model.a_n * d.neg.thickness_m) / area_n
    with np.errstate(divide="ignore"):
        r_lam = (cell.asi_ct_neg_ohm_m2 * (1.0 / (1.0 - at["neg_lam"]) - 1.0)
                 + cell.asi_ct_pos_ohm_m2 * (1.0 / (1.0 - at["pos_lam"]) - 1.0)) / d.electrode_area_m2
    r_crack = cracking(d, crack, "neg").delta_resistance_ohm
    shape = np.broadcast_shapes(model.shape, np.shape(cell.resistance_ohm), np.shape(r_crack), np.shape(r_sei))
    return _life_result(n, fin, at, model, shape, dod, cell.resistance_ohm, r_crack, r_sei, r_lam,
                        cell.resistance_ohm + r_crack + r_sei + r_lam)


def _life_result(n: np.ndarray, fin: np.ndarray, at: Mapping[str, np.ndarray], model: "_LifeModel",
                 shape: tuple[int, ...], dod: np.ndarray, r_bol: Array, r_crack: Array, r_sei: Array, r_lam: Array,
                 r_eol: Array) -> LifeResult:
    """The :class:`LifeResult` of :func:`cycle_life` (NaN at end of life where it is never reached)."""

    def bc(x: Array, nan_if_never: bool = True) -> np.ndarray:
        v = np.broadcast_to(np.asarray(x, dtype=float), shape)
        return np.where(np.broadcast_to(fin, shape) | (not nan_if_never), v, np.nan)

    return LifeResult(
        cycle_life=bc(n, False), duty_cycles=bc(n / dod, False), years=bc(n / model.efc_per_year, False),
        loss_sei=bc(at["loss_sei"]), loss_sei_cracks=bc(at["loss_sei_cracks"]), loss_lam_neg=bc(at["loss_lam_neg"]),
        loss_lam_pos=bc(at["loss_lam_pos"]), sei_thickness_m=bc(at["sei_thickness_m"]),
        neg_crack_length_m=bc(at["neg_crack_length_m"]), neg_lam=bc(at["neg_lam"]), pos_lam=bc(at["pos_lam"]),
        neg_stress_Pa=bc(model.neg.tangential_stress_Pa, False), pos_stress_Pa=bc(model.pos.tangential_stress_Pa, False),
        neg_reaction_factor=bc(model.neg.current_factor, False), pos_reaction_factor=bc(model.pos.current_factor, False),
        resistance_bol_ohm=bc(r_bol, False), delta_resistance_crack_ohm=bc(r_crack, False),
        delta_resistance_sei_ohm=bc(r_sei), delta_resistance_lam_ohm=bc(r_lam), resistance_eol_ohm=bc(r_eol))


def life_fade(design: CellDesign, efc: Array, duty: Duty = Duty(), sei: SEIParams = SEIParams(),
              mech: MechanicsParams = MechanicsParams(), *, fmt: Any = None) -> LifeFade:
    """Capacity fade of :func:`cycle_life`'s model after ``efc`` equivalent full cycles (shape ``K``).

    Parameters
    ----------
    design : CellDesign
        Designs (SI; shape ``S``).
    efc : array_like
        Equivalent full cycles (>= 0), shape ``K``.
    duty : Duty
        How the cell is cycled (SI; fields broadcast with ``S``).
    sei : SEIParams
        SEI growth parameters (SI).
    mech : MechanicsParams
        Particle mechanics (SI).
    fmt : CellFormat, optional
        The cell format (default the pouch's), as in :func:`cycle_life`.

    Returns
    -------
    LifeFade
        Arrays of shape ``S + K``.
    """
    N = np.asarray(efc, dtype=float)
    bad = ~np.isfinite(N) | (N < 0)
    if np.any(bad):
        raise InputError("cycles", _first_bad(N, bad), "cycle counts >= 0")
    model = _LifeModel(design, duty, sei, mech, fmt)
    out = model.fade(N, N.ndim)
    shape = model.shape + N.shape
    return LifeFade(efc=np.broadcast_to(N, shape).copy(), **{k: np.broadcast_to(v, shape).copy() for k, v in out.items()})


def life_soh_by_year(design: CellDesign, years: int, duty: Duty = Duty(), sei: SEIParams = SEIParams(),
                     mech: MechanicsParams = MechanicsParams(), *, fmt: Any = None) -> np.ndarray:
    """State of health at the start of each year 1..``years`` (at most :data:`MAX_YEARS`) from :func:`cycle_life`'s
    model, for the project LCOS (shape ``S + (years,)``).

    Parameters
    ----------
    design : CellDesign
        Designs (SI; shape ``S``).
    years : int
        Number of years N (1 to :data:`MAX_YEARS`).
    duty : Duty
        How the cell is cycled (SI); year n has seen (n - 1) · cycles per year · DOD equivalent full cycles.
    sei : SEIParams
        SEI growth parameters (SI).
    mech : MechanicsParams
        Particle mechanics (SI).
    fmt : CellFormat, optional
        The cell format (default the pouch's), as in :func:`cycle_life`.
    """
    n = np.arange(_years(years), dtype=float)
    model = _LifeModel(design, duty, sei, mech, fmt)
    N = np.asarray(model.efc_per_year, dtype=float)[..., None] * n
    return np.broadcast_to(model.fade(N, 1)["soh"], model.shape + n.shape).copy()


# ---------------------------------------------------------------------------------------------
# Wang et al. 2011 empirical cycle-life model

#: Wang et al. 2011, J. Power Sources 196, 3942, Table 2 / Eq. (5): pre-exponential factor per C-rate
WANG_C_RATES = np.array([0.5, 2.0, 6.0, 10.0])
WANG_B = np.array([31630.0, 21681.0, 12934.0, 15512.0])
WANG_EA_J_MOL = 31700.0  #: activation energy at zero C-rate (J/mol)
WANG_K_J_MOL = 370.3  #: fall of the activation energy per unit C-rate (J/mol per C-rate)
WANG_Z = 0.55  #: power-law exponent of Ah throughput
WANG_CELL_CAPACITY_AH = 2.2  #: nominal capacity of the A123 26650 LFP cell (datasheets give 2.2-2.3 Ah)
WANG_TESTED_TEMPERATURE_K = (273.15 - 30.0, 273.15 + 60.0)  #: test matrix -30..60 °C (Wang et al. 2011)
WANG_R = 8.314  #: the gas constant the published coefficients were fitted with (J/mol/K)
WANG_MAX_C_RATE = 10.0  #: highest C-rate with a published B; the published model refuses higher rates


def wang_b(c_rate: Array) -> np.ndarray:
    """B(C-rate): piecewise-linear interpolation of the published B in C-rate, held at the end values outside C/2..10C.

    The loss functions refuse C-rates above :data:`WANG_MAX_C_RATE`, so the hold only acts below C/2.

    Parameters
    ----------
    c_rate : array_like
        Discharge C-rate (1/h).
    """
    return np.interp(np.asarray(c_rate, dtype=float), WANG_C_RATES, WANG_B)


def wang_in_range(c_rate: Array, temperature_K: Array) -> np.ndarray:
    """True where (C-rate, T) lie inside the tested C/2..10C and -30..60 °C (elsewhere the model extrapolates).

    Parameters
    ----------
    c_rate : array_like
        Discharge C-rate (1/h).
    temperature_K : array_like
        Cell temperature in K.
    """
    c = np.asarray(c_rate, dtype=float)
    T = np.asarray(temperature_K, dtype=float)
    return (c >= WANG_C_RATES[0]) & (c <= WANG_C_RATES[-1]) & (T >= WANG_TESTED_TEMPERATURE_K[0]) & (T <= WANG_TESTED_TEMPERATURE_K[1])


def _first_bad(x: np.ndarray, bad: np.ndarray) -> float:
    """The first offending value of ``x`` (for the error message)."""
    x, bad = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(bad, dtype=bool))
    return float(x.ravel()[np.flatnonzero(bad.ravel())[0]])


def _check_wang_inputs(c_rate: Array, temperature_K: Array, ah: Array | None = None, published_b: bool = True) -> None:
    """Validate Wang inputs; with the published B the C-rate may not exceed :data:`WANG_MAX_C_RATE`."""
    c = np.asarray(c_rate, dtype=float)
    bad = ~np.isfinite(c) | (c <= 0)
    if published_b:
        bad |= c > WANG_MAX_C_RATE
    if np.any(bad):
        raise InputError("c_rate", _first_bad(c, bad),
                         f"a number > 0 and <= {WANG_MAX_C_RATE:g} (the published B(C) ends at 10C)" if published_b else "a number > 0")
    T = np.asarray(temperature_K, dtype=float)
    bad = ~np.isfinite(T) | (T <= 0)
    if np.any(bad):
        raise InputError("temperature_C", _first_bad(T, bad) - 273.15, "a number > -273.15 °C")
    if ah is not None:
        a = np.asarray(ah, dtype=float)
        bad = ~np.isfinite(a) | (a < 0)
        if np.any(bad):
            raise InputError("ah_throughput", _first_bad(a, bad), "a number >= 0")


def _check_dod(dod: Array) -> np.ndarray:
    d = np.asarray(dod, dtype=float)
    bad = ~np.isfinite(d) | (d <= 0) | (d > 1)
    if np.any(bad):
        raise InputError("dod", _first_bad(d, bad), "a number between 0 (exclusive) and 1")
    return d


def _wang_unclipped(c_rate: Array, temperature_K: Array, ah_throughput: Array, b: Array | None,
                    activation_energy_J_mol: Array, k_J_mol: Array, z: Array) -> np.ndarray:
    _check_wang_inputs(c_rate, temperature_K, ah_throughput, published_b=b is None)
    c = np.asarray(c_rate, dtype=float)
    B = wang_b(c) if b is None else np.asarray(b, dtype=float)
    T = np.asarray(temperature_K, dtype=float)
    a = np.asarray(ah_throughput, dtype=float)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # fitted coefficients may overflow: clipped below
        q = B * np.exp(-(np.asarray(activation_energy_J_mol, dtype=float) - np.asarray(k_J_mol, dtype=float) * c) / (WANG_R * T)) \
            * np.power(a, z)
    return np.where(a > 0, q, 0.0)


def wang_loss_percent(c_rate: Array, temperature_K: Array, ah_throughput: Array, b: Array | None = None,
                      activation_energy_J_mol: Array = WANG_EA_J_MOL, k_J_mol: Array = WANG_K_J_MOL,
                      z: Array = WANG_Z) -> np.ndarray:
    """Wang et al. 2011 capacity loss (%): B exp(-(E_a - k·C-rate)/(R T)) Ah^z, clipped at 100 %; all arguments broadcast.

    ``b`` defaults to the interpolated published B(C-rate); the C-rate must then lie in (0, 10]
    (:data:`WANG_MAX_C_RATE`): above 10C there is no published B. ``ah_throughput`` is the cumulative
    discharge throughput (Ah) of the tested 2.2 Ah cell: cycles x DOD x capacity. Where the inputs
    leave the tested C/2..10C and -30..60 °C the value is extrapolation (:func:`wang_in_range`).

    Parameters
    ----------
    c_rate : array_like
        Discharge C-rate (1/h), in (0, 10] when ``b`` is the published one.
    temperature_K : array_like
        Cell temperature T in K.
    ah_throughput : array_like
        Cumulative discharge throughput in Ah.
    b : array_like, optional
        Pre-exponential factor B (% per Ah^z); default: the published B interpolated in C-rate.
    activation_energy_J_mol : array_like
        Activation energy E_a in J/mol (published 31700).
    k_J_mol : array_like
        C-rate coefficient k in J/mol per unit C-rate (published 370.3).
    z : array_like
        Power-law exponent of the throughput (dimensionless, published 0.55).
    """
    q = _wang_unclipped(c_rate, temperature_K, ah_throughput, b, activation_energy_J_mol, k_J_mol, z)
    return np.minimum(q, 100.0)


def wang_cycle_life(c_rate: Array, temperature_K: Array, eol_soh: Array = 0.8, dod: Array = 1.0,
                    **coefficients: Array) -> np.ndarray:
    """Cycles until the Wang et al. loss reaches 1 - ``eol_soh``: Ah = (L / (B e^...))^(1/z), N = Ah / (DOD Q).

    Q is the tested cell's 2.2 Ah: the cycle count applies to another cell only in equivalent full
    cycles, and only if that cell ages like the tested one (the model has no design input).

    Parameters
    ----------
    c_rate : array_like
        Discharge C-rate (1/h), in (0, 10].
    temperature_K : array_like
        Cell temperature in K.
    eol_soh : array_like
        State of health at end of life (dimensionless, between 0 and 1 exclusive).
    dod : array_like
        Depth of discharge per cycle (dimensionless, in (0, 1]).
    **coefficients : array_like
        Optional replacements of the published coefficients: ``b`` (%/Ah^z), ``activation_energy_J_mol`` (J/mol),
        ``k_J_mol`` (J/mol per C-rate) and ``z`` (dimensionless), e.g. from :func:`fit_wang`.
    """
    eol = np.asarray(eol_soh, dtype=float)
    bad = ~np.isfinite(eol) | (eol <= 0) | (eol >= 1)
    if np.any(bad):
        raise InputError("eol_soh", _first_bad(eol, bad), "a number between 0 and 1 (exclusive)")
    dod_a = _check_dod(dod)
    z = np.asarray(coefficients.get("z", WANG_Z), dtype=float)
    unit = _wang_unclipped(c_rate, temperature_K, 1.0, coefficients.get("b"),
                           coefficients.get("activation_energy_J_mol", WANG_EA_J_MOL),
                           coefficients.get("k_J_mol", WANG_K_J_MOL), z)  # loss at 1 Ah
    with np.errstate(over="ignore", divide="ignore"):
        ah = np.power(100.0 * (1.0 - eol) / unit, 1.0 / z)
    return ah / (dod_a * WANG_CELL_CAPACITY_AH)


def wang_soh_by_year(c_rate: Array, temperature_K: Array, years: int, cycles_per_year: Array, dod: Array = 1.0,
                     **coefficients: Array) -> np.ndarray:
    """State of health at the start of each year 1..``years`` (at most :data:`MAX_YEARS`) from the Wang et al. model.

    Returns shape ``S + (years,)``.

    Throughput in year n is (n - 1) x cycles per year x DOD x the tested cell's 2.2 Ah; the SOH
    does not fall below 0 (the loss is clipped at 100 %).

    Parameters
    ----------
    c_rate : array_like
        Discharge C-rate (1/h), in (0, 10].
    temperature_K : array_like
        Cell temperature in K.
    years : int
        Number of years N (1 to :data:`MAX_YEARS`).
    cycles_per_year : array_like
        Equivalent full cycles per year (1/yr), > 0.
    dod : array_like
        Depth of discharge per cycle (dimensionless, in (0, 1]).
    **coefficients : array_like
        Optional replacements of the published coefficients (``b``, ``activation_energy_J_mol``, ``k_J_mol``, ``z``),
        as in :func:`wang_loss_percent`.
    """
    dod_a = _check_dod(dod)
    cpy = np.asarray(cycles_per_year, dtype=float)
    bad = ~np.isfinite(cpy) | (cpy <= 0)
    if np.any(bad):
        raise InputError("cycles_per_year", _first_bad(cpy, bad), "a number > 0")
    n = np.arange(_years(years), dtype=float)
    ah = (cpy * dod_a * WANG_CELL_CAPACITY_AH)[..., None] * n
    c = np.asarray(c_rate, dtype=float)[..., None]
    T = np.asarray(temperature_K, dtype=float)[..., None]
    return 1.0 - wang_loss_percent(c, T, ah, **coefficients) / 100.0


@dataclass(frozen=True)
class WangFade:
    """Wang et al. 2011 fade at given cycle counts: arrays of the broadcast shape of the inputs."""

    ah_throughput: np.ndarray = field(metadata=param(
        "Cumulative discharge throughput", "Ah (Wang)", key="ah_throughput",
        doc="cycles x DOD x capacity, in the paper's Ah (the model's own unit)"))
    soh: np.ndarray = field(metadata=param("State of health", "-", key="soh",
                                           doc="1 - loss / 100, in [0, 1] (the loss is clipped at 100 %)"))
    in_range: np.ndarray = field(metadata=param("Inside the tested C-rate/temperature range", "bool",
                                                key="in_tested_range",
                                                doc="True where (C-rate, T) lie inside the tested C/2..10C and -30..60 °C"))


def wang_fade_vs_cycles(c_rate: Array, temperature_K: Array, cycles: Array, dod: Array = 1.0,
                        capacity_Ah: Array = WANG_CELL_CAPACITY_AH) -> WangFade:
    """Wang et al. 2011 fade after ``cycles`` equivalent full cycles; all arguments broadcast.

    The throughput is cycles x ``dod`` x ``capacity_Ah`` (default the tested cell's
    :data:`WANG_CELL_CAPACITY_AH`; the model has no design input, so the cycles count as equivalent
    full cycles of that cell), the SOH is 1 - :func:`wang_loss_percent` / 100 with the published
    coefficients and does not fall below 0, and ``in_range`` flags extrapolation (:func:`wang_in_range`).
    The C-rate must lie in (0, 10], cycles >= 0, ``dod`` in (0, 1] and ``capacity_Ah`` > 0.

    Parameters
    ----------
    c_rate : array_like
        Discharge C-rate (1/h), in (0, 10].
    temperature_K : array_like
        Cell temperature in K.
    cycles : array_like
        Equivalent full cycles, >= 0.
    dod : array_like
        Depth of discharge per cycle (dimensionless, in (0, 1]).
    capacity_Ah : array_like
        Cell capacity in Ah, > 0 (default: the tested cell's 2.2 Ah).
    """
    n = np.asarray(cycles, dtype=float)
    bad = ~np.isfinite(n) | (n < 0)
    if np.any(bad):
        raise InputError("cycles", _first_bad(n, bad), "cycle counts >= 0")
    dod_a = _check_dod(dod)
    cap = np.asarray(capacity_Ah, dtype=float)
    bad = ~np.isfinite(cap) | (cap <= 0)
    if np.any(bad):
        raise InputError("capacity_Ah", _first_bad(cap, bad), "a number > 0")
    c = np.asarray(c_rate, dtype=float)
    T = np.asarray(temperature_K, dtype=float)
    shape = np.broadcast_shapes(c.shape, T.shape, n.shape, dod_a.shape, cap.shape)
    ah = np.broadcast_to(n * dod_a * cap, shape)
    soh = np.broadcast_to(1.0 - wang_loss_percent(c, T, ah) / 100.0, shape)
    return WangFade(ah_throughput=ah, soh=soh, in_range=np.broadcast_to(wang_in_range(c, T), shape))


#: display unit of each Wang coefficient: the fit's coefficients and their standard errors share them
WANG_COEF_UNITS = {"b": "-", "activation_energy_J_mol": "J/mol", "k_J_mol": "J/mol", "z": "-"}


@dataclass(frozen=True)
class WangFit:
    """A Wang-form fit to user data, with the domain of that data (outside it the fit is extrapolation).

    The coefficients stay in the units of Wang et al. 2011's form (B for a loss in % and a throughput in Ah, E_a and
    k in J/mol), the losses in the paper's percent and the throughputs in the paper's Ah, as the data are given.
    """

    b: float = field(metadata=param("Pre-exponential factor B (% loss per Ah^z)", WANG_COEF_UNITS["b"], key="b"))
    activation_energy_J_mol: float = field(metadata=param("Activation energy E_a", WANG_COEF_UNITS["activation_energy_J_mol"],
                                                          key="activation_energy_J_mol"))
    k_J_mol: float = field(metadata=param("C-rate coefficient k (per C-rate)", WANG_COEF_UNITS["k_J_mol"], key="k_J_mol"))
    z: float = field(metadata=param("Throughput exponent z", WANG_COEF_UNITS["z"], key="z"))
    free: tuple[str, ...] = field(metadata=param("Coefficients fitted", "text", key="fitted"))
    held: dict[str, str] = field(metadata=param(
        "Coefficients held at Wang et al.'s values (the data cannot identify them) -> why", "text", key="held_at_published"))
    stderr: dict[str, float] = field(metadata=per_item(
        "Standard errors of the fitted coefficients", key="stderr", units=WANG_COEF_UNITS,
        doc="0 for data the model fits exactly"))
    rmse_percent: float = field(metadata=param("Root-mean-square error of the loss (percentage points)", "% (Wang)",
                                               key="rmse_pct"))
    n_points: int = field(metadata=param("Rows used", "-", key="n_points"))
    n_dropped: int = field(metadata=param(
        "Rows dropped (loss or throughput <= 0: the fit is in ln loss and ln Ah)", "-", key="n_dropped"))
    c_rate_range: tuple[float, float] = field(metadata=param("C-rates of the data (min, max)", "C-rate", key="c_rate"))
    temperature_range_K: tuple[float, float] = field(metadata=param("Temperatures of the data (min, max)", "°C",
                                                                    key="temperature_C"))
    ah_range: tuple[float, float] = field(metadata=param("Throughputs of the data (min, max)", "Ah (Wang)", key="ah"))

    def predict(self, c_rate: Array, temperature_K: Array, ah_throughput: Array) -> np.ndarray:
        """Loss (%) from the fitted coefficients (at most 100 %).

        Parameters
        ----------
        c_rate : array_like
            Discharge C-rate (1/h).
        temperature_K : array_like
            Cell temperature in K.
        ah_throughput : array_like
            Cumulative discharge throughput in Ah.
        """
        return wang_loss_percent(c_rate, temperature_K, ah_throughput, b=self.b,
                                 activation_energy_J_mol=self.activation_energy_J_mol, k_J_mol=self.k_J_mol, z=self.z)

    def in_domain(self, c_rate: Array, temperature_K: Array, ah_throughput: Array) -> np.ndarray:
        """True where the inputs lie inside the ranges of the fitted data (interpolation).

        Parameters
        ----------
        c_rate : array_like
            Discharge C-rate (1/h).
        temperature_K : array_like
            Cell temperature in K.
        ah_throughput : array_like
            Cumulative discharge throughput in Ah.
        """
        c, T, a = (np.asarray(x, dtype=float) for x in (c_rate, temperature_K, ah_throughput))
        eps = 1e-9
        return ((c >= self.c_rate_range[0] - eps) & (c <= self.c_rate_range[1] + eps)
                & (T >= self.temperature_range_K[0] - eps) & (T <= self.temperature_range_K[1] + eps)
                & (a >= self.ah_range[0] - eps) & (a <= self.ah_range[1] + eps))


#: the fit's coefficient names (ln B is fitted, B reported) and the column of ln Q each multiplies
_WANG_COEF = {"ln_b": "b", "z": "z", "ea": "activation_energy_J_mol", "k": "k_J_mol"}


def curve_fit(*args, **kwargs):
    """:func:`scipy.optimize.curve_fit`, imported on first use: ``import xlcell`` (and ``udfs``) stays light (issue 15).

    Parameters
    ----------
    *args
        Passed to :func:`scipy.optimize.curve_fit` (model, x data, y data in the model's units).
    **kwargs
        Passed to :func:`scipy.optimize.curve_fit` (e.g. ``p0``).
    """
    from scipy.optimize import curve_fit as fit

    return fit(*args, **kwargs)


def fit_wang(c_rate: Array, temperature_K: Array, ah_throughput: Array, loss_percent: Array) -> WangFit:
    """Fit Q = B exp(-(E_a - k C)/(R T)) Ah^z to measured losses with scipy (least squares in ln Q).

    ln Q = ln B - E_a/(R T) + k C/(R T) + z ln Ah is linear in the coefficients, and a coefficient is
    identifiable only if its column varies in the data: z needs more than one Ah throughput, E_a more
    than one temperature, k more than one C-rate. A coefficient the data cannot tell is held at Wang
    et al.'s value (z = 0.55, E_a = 31700 J/mol, k = 370.3 J/mol) and reported in ``held`` with the
    reason. A single B is fitted (the data's C-rates are not split). Rows whose loss or throughput is
    <= 0 have no logarithm: they are dropped and counted in ``n_dropped``.

    Raises
    ------
    ShapeError
        The four inputs do not have the same length.
    InputError
        A C-rate, temperature, throughput or loss that is not a finite number in range.
    InfeasibleError
        No usable rows; fewer rows than coefficients + 1; data whose temperature, C-rate and
        throughput vary together so that their effects cannot be separated; or a covariance that is
        not finite.

    Parameters
    ----------
    c_rate : array_like
        Discharge C-rate of each measurement (1/h).
    temperature_K : array_like
        Temperature of each measurement in K.
    ah_throughput : array_like
        Cumulative discharge throughput of each measurement in Ah.
    loss_percent : array_like
        Measured capacity loss in % (rows <= 0 are dropped).
    """
    c, T, a, q = (np.ravel(np.asarray(x, dtype=float)) for x in (c_rate, temperature_K, ah_throughput, loss_percent))
    if not (c.size == T.size == a.size == q.size):
        raise ShapeError("fit data", f"of lengths {c.size}, {T.size}, {a.size}, {q.size}", "four columns of equal length")
    _check_wang_inputs(c, T, a, published_b=False)
    if np.any(~np.isfinite(q)):
        raise InputError("loss_pct", _first_bad(q, ~np.isfinite(q)), "a number")
    ok = (q > 0) & (a > 0)
    n_dropped = int(np.count_nonzero(~ok))
    if not ok.any():
        raise InfeasibleError(f"the data need rows with loss_pct > 0 and ah_throughput > 0; all {c.size} rows have loss_pct or "
                               "ah_throughput <= 0")
    c, T, a, q = c[ok], T[ok], a[ok], q[ok]
    published = {"ln_b": np.log(WANG_B[0]), "z": WANG_Z, "ea": WANG_EA_J_MOL, "k": WANG_K_J_MOL}
    columns = {"ln_b": np.ones_like(c), "z": np.log(a), "ea": -1.0 / (WANG_R * T), "k": c / (WANG_R * T)}
    held: dict[str, str] = {}
    if np.ptp(a) == 0:
        held["z"] = "one Ah throughput in the data"
    if np.ptp(T) == 0:
        held["ea"] = "one temperature in the data"
    if np.ptp(c) == 0:
        held["k"] = "one C-rate in the data"
    free = [f for f in ("ln_b", "z", "ea", "k") if f not in held]
    if c.size < len(free) + 1:
        raise InfeasibleError(f"the data need at least {len(free) + 1} rows with loss_pct > 0 to fit {len(free)} coefficients "
                              f"({', '.join(_WANG_COEF[f] for f in free)}); got {c.size}")
    X = np.column_stack([columns[f] for f in free])
    Xn = X / np.linalg.norm(X, axis=0)
    sv = np.linalg.svd(Xn, compute_uv=False)
    if sv[-1] < 1e-8 * sv[0]:
        raise InfeasibleError("fit_wang: the data's temperature, C-rate and Ah throughput vary together, so their effects "
                              f"on the loss cannot be separated ({', '.join(_WANG_COEF[f] for f in free)}); "
                              "add rows that vary one factor at a time")

    def model(x, *p):
        v = {**published, **dict(zip(free, p))}
        return v["ln_b"] + v["z"] * np.log(x[2]) - (v["ea"] - v["k"] * x[0]) / (WANG_R * x[1])

    from scipy.optimize import OptimizeWarning

    with warnings.catch_warnings():  # a singular covariance is detected below and raised
        warnings.simplefilter("ignore", OptimizeWarning)
        popt, pcov = curve_fit(model, np.vstack([c, T, a]), np.log(q), p0=[published[f] for f in free])
    var = np.diag(np.atleast_2d(pcov))
    if not np.all(np.isfinite(popt)) or not np.all(np.isfinite(var)):
        raise InfeasibleError(f"fit_wang: the covariance of {', '.join(_WANG_COEF[f] for f in free)} is not finite; "
                              "the data cannot determine them")
    v = {**published, **dict(zip(free, popt))}
    se = dict(zip(free, np.sqrt(np.clip(var, 0.0, np.inf))))
    stderr = {_WANG_COEF[f]: float(se[f]) for f in free}
    stderr["b"] = float(np.exp(v["ln_b"]) * se["ln_b"])  # delta method
    fit = WangFit(b=float(np.exp(v["ln_b"])), activation_energy_J_mol=float(v["ea"]), k_J_mol=float(v["k"]), z=float(v["z"]),
                  free=tuple(_WANG_COEF[f] for f in free), held={_WANG_COEF[f]: why for f, why in held.items()},
                  stderr=stderr, rmse_percent=0.0, n_points=int(c.size), n_dropped=n_dropped,
                  c_rate_range=(float(c.min()), float(c.max())), temperature_range_K=(float(T.min()), float(T.max())),
                  ah_range=(float(a.min()), float(a.max())))
    rmse = float(np.sqrt(np.mean((fit.predict(c, T, a) - q) ** 2)))
    return dataclasses.replace(fit, rmse_percent=rmse)


__all__ = [
    "MAX_YEARS",
    "SECONDS_PER_YEAR",
    "WANG_B",
    "WANG_CELL_CAPACITY_AH",
    "WANG_C_RATES",
    "WANG_EA_J_MOL",
    "WANG_K_J_MOL",
    "WANG_MAX_C_RATE",
    "WANG_Z",
    "DIFFUSIVITY_REFERENCE_K",
    "OKANE2022",
    "CrackParams",
    "CrackResult",
    "LifeFade",
    "LifeResult",
    "MechanicsParams",
    "ParticleStress",
    "SEIParams",
    "SEIResult",
    "WangFade",
    "WangFit",
    "arrhenius",
    "cracking",
    "cycle_life",
    "dod_stress_factor",
    "equivalent_temperature_drop",
    "fit_wang",
    "life_fade",
    "life_soh_by_year",
    "lithium_per_sei_volume",
    "particle_stress",
    "reaction_zone_factor",
    "sei_capacity_loss",
    "sei_cycle_life",
    "sei_fade_vs_cycles",
    "sei_growth_constant",
    "sei_soh_by_year",
    "sei_surface_area",
    "sei_thickness",
    "wang_b",
    "wang_cycle_life",
    "wang_fade_vs_cycles",
    "wang_in_range",
    "wang_loss_percent",
    "wang_soh_by_year",
]
