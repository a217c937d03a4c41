"""Degradation: mechanism-based SEI growth, electrode cracking and the Wang et al. (2011) empirical model.

Three models, all vectorised over designs (SI units inside):

* **SEI growth** (mechanism-based, after Ploehn et al. 2004, J. Electrochem. Soc. 151, A456, and
  Pinson & Bazant 2013, J. Electrochem. Soc. 160, A243). Solvent diffuses through the film to the
  graphite surface, where it is reduced; the growth rate is limited by that diffusion, so
  dδ/dt = D c V̄ / δ and the film thickness follows the closed form
  δ(t) = sqrt(δ0² + 2 k t), k = D(T) c_solvent V̄_SEI, with an Arrhenius diffusivity
  D(T) = D_ref exp(-E_a/R (1/T - 1/T_ref)). Cycling strains the film and exposes fresh surface: a
  linear term g(T) N per equivalent full cycle is added (calendar loss ~ sqrt(t), cycle loss ~ linear
  in throughput, as observed by Wang et al. 2014, J. Power Sources 269, 937). Every mole of SEI
  formula units binds z moles of cyclable lithium, so the charge lost is
  Q_loss = (z F / V̄) (δ - δ0) · a L A, proportional to the active surface a L A of the negative
  electrode with a = 3 ε_AM / r from :mod:`xlcell.cell`. This is what makes the model answer design
  questions an empirical fit cannot: halving the particle radius doubles a and, unless the
  temperature falls by about 20 K, the cell degrades faster (the seed's example).
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

The default SEI and cracking parameters are illustrative calibrations (documented per field), not
measurements of a particular cell: the SEI defaults give the BatPaC 5.0 default cell about 3 %
calendar loss after one year at 25 °C and about 0.005 % per equivalent full cycle.
"""
from __future__ import annotations

import dataclasses
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import OptimizeWarning, curve_fit

from .cell import (CellDesign, am_volume_fraction, areal_capacity, broadcast_fields_cell, negative_area, resolve,
                   specific_area)
from .constants import FARADAY, GAS_CONSTANT, SECONDS_PER_YEAR
from .errors import InfeasibleError, InputError, ShapeError
from .params import param, per_item, specs, validate, whole_number
from .transport import effective_conductivity

Array = Any
MAX_YEARS = 100  #: longest state-of-health series (years), the LCOS lifetime's upper bound

_SEI = "SEI growth"
_CR = "Cracking"


@dataclass(frozen=True, kw_only=True)
class SEIParams:
    """Parameters of the solvent-diffusion-limited SEI model (SI)."""

    diffusivity_m2_s: Array = field(default=2.5e-22, metadata=param(
        "Solvent diffusivity in the SEI at the reference temperature", "m²/s", key="sei_diffusivity_m2_s", gt=0, group=_SEI,
        doc="Calibrated: ~3 % calendar loss after 1 year at 25 °C for the BatPaC default cell"))
    activation_energy_J_mol: Array = field(default=50e3, metadata=param(
        "SEI growth activation energy", "kJ/mol", key="sei_activation_energy_kJ_mol", ge=0, le=300, group=_SEI,
        doc="Arrhenius energy of the solvent diffusivity (typical calendar-ageing values 30-60 kJ/mol)"))
    reference_temperature_K: Array = field(default=298.15, metadata=param(
        "Reference temperature", "°C", key="sei_reference_temperature_C", ge=-60, le=150, group=_SEI))
    solvent_concentration_mol_m3: Array = field(default=4541.0, metadata=param(
        "Solvent (EC) concentration", "mol/L", key="sei_solvent_concentration_mol_L", gt=0, le=30, group=_SEI,
        doc="Safari et al. 2009, J. Electrochem. Soc. 156, A145"))
    molar_volume_m3_mol: Array = field(default=9.585e-5, metadata=param(
        "SEI molar volume", "cm³/mol", key="sei_molar_volume_cm3_mol", gt=0, le=1000, group=_SEI,
        doc="(CH2OCO2Li)2: M = 0.162 kg/mol, ρ = 1690 kg/m³ (Safari et al. 2009)"))
    li_per_formula: Array = field(default=2.0, metadata=param(
        "Lithium bound per SEI formula unit", "-", key="sei_li_per_formula", gt=0, le=10, group=_SEI))
    initial_thickness_m: Array = field(default=5e-9, metadata=param(
        "SEI thickness after formation", "nm", key="sei_initial_thickness_nm", gt=0, le=1000, group=_SEI))
    growth_per_cycle_m: Array = field(default=0.12e-9, metadata=param(
        "SEI growth per equivalent full cycle at the reference temperature", "nm", key="sei_growth_per_cycle_nm", ge=0, le=100,
        group=_SEI, doc="Film renewed on strained surface; calibrated: ~0.005 % capacity per cycle for the BatPaC default cell"))


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
    "CrackParams",
    "CrackResult",
    "SEIParams",
    "SEIResult",
    "WangFade",
    "WangFit",
    "arrhenius",
    "cracking",
    "equivalent_temperature_drop",
    "fit_wang",
    "lithium_per_sei_volume",
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
