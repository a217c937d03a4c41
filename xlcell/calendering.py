"""Calendering: composition and line load -> microstructure -> cell performance (SI, vectorised).

The hierarchy of the seed (``shared/seeds/002``): composition (w_AM, f_b) -> manufacturing (the
calender line load q) -> microstructure (porosity ε, thickness L, tortuosity τ, percolation,
anisotropy) -> performance (:func:`xlcell.cell.evaluate_cell`).

Relations
---------
* Compaction law (Meyer et al. 2017, J. Mater. Process. Technol. 249, 172-178, the exponential
  line-load model): ε(q) = ε_min + (ε_0 - ε_min) exp(-q / γ_c); q in N/m of roll face, γ_c the
  compaction resistance. Meyer et al. found NCM cathodes converge to a higher minimum porosity than
  graphite anodes (harder, spherical particles, closed pores); the table below keeps that order.
* Porosity of the dried, uncalendered coating from the slurry solids volume fraction φ_s (a
  drying mass balance): per unit solid volume the wet film holds (1 - φ_s)/φ_s of solvent; a share
  s of that volume is removed by film shrinkage, the rest leaves pores, so
  ε_0 = (1 - s)(1 - φ_s) / ((1 - s)(1 - φ_s) + φ_s).
* Inverse (adaptive pressure): q = γ_c ln((ε_0 - ε_min) / (ε_t - ε_min)); a target at or below
  ε_min, or above ε_0, is :class:`~xlcell.errors.InfeasibleError`.
* Mass conservation: L (1 - ε) = const at fixed composition, so the areal capacity is unchanged.
* Line load <-> mean nip pressure: p = q / l_c with the nip (contact) length
  l_c = sqrt(R Δh + a²): R Δh is the squared projected arc of contact of rolling theory (two equal
  rolls of radius R, total thickness reduction Δh, the plastic part) and a the Hertz-like elastic
  half-width of a rigid cylinder of reduced radius R' = R/2 pressed into a thin elastic layer of
  thickness h and modulus E (Winkler foundation k = E/h: q = (2/3) k a³/R', so
  a = (3 q R' h / (2 E))^(1/3)). The sum in quadrature is a documented interpolation between the
  elastic (Δh -> 0) and the plastic limits; the half-space Hertz width sqrt(4 q R'/(π E*)) is not
  used because the coating (~100 µm) is far thinner than the contact.
* Transport: Bruggeman τ = ε^(1 - α), κ_eff = κ0 ε / τ (:mod:`xlcell.transport`).
* Percolation of the conductive-carbon network: σ = σ0 (φ - φ_c)^t for φ > φ_c, else 0, φ the
  carbon volume fraction of the coating; compaction lowers the threshold,
  φ_c = φ_c0 (1 - k_c s_c), with the compaction strain s_c = 1 - L/L_0 = 1 - (1 - ε_0)/(1 - ε).
* Anisotropy: the ratio A of through-plane to in-plane tortuosity grows with compaction,
  A = 1 + a s_c. The isotropic Bruggeman value is taken as the geometric mean:
  τ_through = τ sqrt(A), τ_in = max(1, τ / sqrt(A)); electronic conductivity likewise,
  σ_in / σ_through = A.
* Fracture: particles crack below a material's fracture-onset porosity ε_f (brittle NMC);
  ductile graphite has none (ε_f = 0). Targets below ε_f are refused (or flagged); a cracked
  design is not ``feasible`` in :func:`calendering_performance` and :func:`hierarchy`.
* Electronic conduction has one law for this model and the cell model (issue 17,
  :func:`xlcell.conduction.solid_conductivity`): the active matrix (the electrode's ``conductivity_S_m``,
  σ_m (1 - ε)^b) in parallel with the carbon network above, through-plane σ_m (1 - ε)^b + σ_net/sqrt(A).
* Coupling: the calendered electrode's porosity and thickness go into the cell design, whose electronic
  conductivity and through-plane ionic transport κ0 ε/τ_through the cell model evaluates from the same
  microstructure (given the material and ε_0), so a typed porosity and a calendered one give one cell.

Parameter values: the compaction law's form and the NMC-above-graphite ordering of ε_min are from
Meyer et al. (2017); the numbers in :data:`CALENDERING_MATERIALS` (``xlcell/data/calendering_materials.toml``) are illustrative defaults of the
right order (cathodes calendered to 0.20-0.35, anodes to 0.25-0.35 porosity at up to ~2000 N/mm),
not fits to a published data set: override them with your own compaction curve. The percolation
exponent t = 2 is the universal 3-D conductivity exponent (Stauffer & Aharony, *Introduction to
Percolation Theory*, 1994).
"""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import paramsets
from .cell import (
    CellDesign,
    CellMetrics,
    ElectrodeDesign,
    _map_cell,
    areal_capacity,
    broadcast_fields_cell,
    chain,
    coating_density,
    composite_density,
    electrode,
    evaluate_cell,
    in_format,
    resolve,
)
from . import conduction as _conduction
from .conduction import (DEFAULT_MATERIALS, CalenderingMaterial, _check, coating_porosity,
                         get_calendering_material, solid_conductivity)
from .errors import InfeasibleError, InputError, UnknownMaterialError
from .materials import Material, get_material
from .params import ParamSpec, param, specs
from .transport import (anisotropy_ratio, compaction_strain, percolation_conductivity, percolation_threshold,
                        tortuosity)

Array = Any

# ---------------------------------------------------------------------------------------------
# Compaction law and its inverse
# ---------------------------------------------------------------------------------------------

def _f(x: Array) -> np.ndarray:
    return np.asarray(x, dtype=float)


def _check_porosities(eps0: np.ndarray, eps_min: np.ndarray, eps0_name: str = "eps0") -> None:
    _check(eps0_name, eps0, (eps0 > 0) & (eps0 < 1), "a number between 0 and 1 (exclusive)")
    _check("eps_min", eps_min, (eps_min >= 0) & (eps_min < 1), "a number between 0 and 1")
    e0, em = np.broadcast_arrays(eps0, eps_min)
    _check(eps0_name, e0, em < e0, "above the material's minimum porosity eps_min (calendering only lowers porosity)")


def check_compaction_law(eps0: Array, eps_min: Array, gamma_N_m: Array, *, eps0_name: str = "eps0") -> None:
    """Validate a compaction law's parameters: 0 < ε_0 < 1, 0 <= ε_min < ε_0, γ_c > 0, all finite.

    Raises :class:`~xlcell.errors.InputError` naming the first bad argument (``eps0_name`` for ε_0).

    Parameters
    ----------
    eps0 : array_like
        Porosity before calendering ε_0 (dimensionless).
    eps_min : array_like
        Minimum porosity of the compaction law ε_min (dimensionless).
    gamma_N_m : array_like
        Compaction line-load scale γ_c in N/m.
    eps0_name : str
        Name of ε_0 in the error message (e.g. ``"eps_before"``).
    """
    e0, em, g = _f(eps0), _f(eps_min), _f(gamma_N_m)
    _check("gamma_N_mm", g, np.isfinite(g) & (g > 0), "a number > 0 N/mm", 1e3)
    _check_porosities(e0, em, eps0_name)


def porosity_after(line_load_N_m: Array, eps0: Array, eps_min: Array, gamma_N_m: Array) -> np.ndarray:
    """Porosity after calendering at line load q: ε = ε_min + (ε_0 - ε_min) exp(-q/γ_c) (-).

    Parameters
    ----------
    line_load_N_m : array_like
        Line load q, force per unit roll-face width (N/m), >= 0.
    eps0 : array_like
        Porosity of the coating before calendering (-).
    eps_min : array_like
        Minimum porosity at infinite line load (-), below ``eps0``.
    gamma_N_m : array_like
        Compaction resistance γ_c (N/m), > 0.
    """
    q, e0, em, g = _f(line_load_N_m), _f(eps0), _f(eps_min), _f(gamma_N_m)
    _check("line_load_N_mm", q, np.isfinite(q) & (q >= 0), "a number >= 0 N/mm", 1e3)
    _check("gamma_N_mm", g, np.isfinite(g) & (g > 0), "a number > 0 N/mm", 1e3)
    _check_porosities(e0, em)
    return em + (e0 - em) * np.exp(-q / g)


def line_load_for_porosity(target_porosity: Array, eps0: Array, eps_min: Array, gamma_N_m: Array) -> np.ndarray:
    """Line load q (N/m) that calenders a coating of porosity ε_0 to ``target_porosity``.

    q = γ_c ln((ε_0 - ε_min) / (ε_t - ε_min)); zero when ε_t = ε_0.

    Raises
    ------
    InfeasibleError
        A target at or below ε_min (the material cannot reach it at any line load), or above ε_0
        (calendering only lowers porosity).

    Parameters
    ----------
    target_porosity : array_like
        Target porosity ε_t (dimensionless).
    eps0 : array_like
        Porosity before calendering ε_0 (dimensionless).
    eps_min : array_like
        Minimum porosity of the compaction law ε_min (dimensionless).
    gamma_N_m : array_like
        Compaction line-load scale γ_c in N/m.
    """
    et, e0, em, g = _f(target_porosity), _f(eps0), _f(eps_min), _f(gamma_N_m)
    _check("target_porosity", et, (et > 0) & (et < 1), "a number between 0 and 1 (exclusive)")
    _check("gamma_N_mm", g, np.isfinite(g) & (g > 0), "a number > 0 N/mm", 1e3)
    _check_porosities(e0, em)
    et, e0, em, g = np.broadcast_arrays(et, e0, em, g)
    low = et <= em
    if low.any():
        i = int(np.flatnonzero(low.ravel())[0])
        raise InfeasibleError(
            f"target_porosity = {et.ravel()[i]:.4g} is at or below the minimum porosity {em.ravel()[i]:.4g} "
            f"this material reaches at any line load" + (f" (design {i + 1})" if low.size > 1 else ""))
    high = et > e0 + 1e-12
    if high.any():
        i = int(np.flatnonzero(high.ravel())[0])
        raise InfeasibleError(
            f"target_porosity = {et.ravel()[i]:.4g} is above the coating porosity before calendering "
            f"{e0.ravel()[i]:.4g}; calendering only lowers porosity" + (f" (design {i + 1})" if high.size > 1 else ""))
    return g * np.log(np.maximum(e0 - em, 0.0) / (et - em)).clip(min=0.0)


def max_solids_fraction(eps_min: Array, drying_shrinkage: Array) -> np.ndarray:
    """Largest slurry solids volume fraction whose dried coating is still above ε_min (-).

    Inverse of :func:`coating_porosity` at ε_0 = ε_min: φ_max = (1-s)(1-ε_min) / ((1-s)(1-ε_min) + ε_min).

    Parameters
    ----------
    eps_min : array_like
        Minimum porosity of the compaction law ε_min (dimensionless).
    drying_shrinkage : array_like
        Share s of the solvent volume removed by film shrinkage (dimensionless).
    """
    em, s = _f(eps_min), _f(drying_shrinkage)
    pores = (1.0 - s) * (1.0 - em)
    return pores / (pores + em)


def eps0_from_solids(solids_fraction: Array, material: CalenderingMaterial) -> np.ndarray:
    """Porosity before calendering from the slurry solids fraction, refusing slurries with nothing left to calender.

    Raises :class:`InputError` naming ``solids_fraction`` when φ_s >= :func:`max_solids_fraction` (its
    dried coating is at or below the material's minimum porosity).

    Parameters
    ----------
    solids_fraction : array_like
        Slurry solids volume fraction φ_s (dimensionless).
    material : CalenderingMaterial
        Calendering parameters (its ε_min and drying shrinkage are used).
    """
    phi = _f(solids_fraction)
    eps0 = coating_porosity(phi, material.drying_shrinkage)
    phi_max = float(max_solids_fraction(material.eps_min, material.drying_shrinkage))
    _check("solids_fraction", phi, eps0 < 1.0, "large enough to leave solids in the dried coating (its porosity "
           "rounds to 1)")
    _check("solids_fraction", phi, eps0 > material.eps_min,
           f"below {phi_max:.3g} for {material.name} (a denser slurry dries to a porosity at or below its minimum "
           f"porosity {material.eps_min:.3g}: nothing left to calender)")
    return eps0


def calendered_thickness(thickness_m: Array, eps_before: Array, eps_after: Array) -> np.ndarray:
    """Coating thickness after calendering from mass conservation L (1 - ε) = const (m).

    Calendering only compacts: ``eps_after`` above ``eps_before`` (a thicker coating) is an
    :class:`InputError`.

    Parameters
    ----------
    thickness_m : array_like
        Coating thickness before calendering L_0 in m.
    eps_before : array_like
        Porosity before calendering ε_0 (dimensionless).
    eps_after : array_like
        Porosity after calendering ε (dimensionless), at most ``eps_before``.
    """
    L, e0, e1 = _f(thickness_m), _f(eps_before), _f(eps_after)
    _check("thickness_um", L, np.isfinite(L) & (L > 0), "a number > 0 µm", 1e-6)
    _check("eps_before", e0, (e0 >= 0) & (e0 < 1), "a number between 0 and 1")
    _check("eps_after", e1, (e1 >= 0) & (e1 < 1), "a number between 0 and 1")
    e0b, e1b = np.broadcast_arrays(e0, e1)
    _check("eps_after", e1b, e1b <= e0b + 1e-12, "at most eps_before (calendering only lowers porosity; "
           "a higher porosity would mean a thicker coating)")
    return L * (1.0 - e0) / (1.0 - e1)


# ---------------------------------------------------------------------------------------------
# Nip mechanics: line load <-> mean nip pressure
# ---------------------------------------------------------------------------------------------

def elastic_half_width(line_load_N_m: Array, roll_radius_m: Array, layer_thickness_m: Array,
                       coating_modulus_Pa: Array) -> np.ndarray:
    """Hertz-like elastic contact half-width of a roll on a thin coating a = (3 q R' h / (2 E))^(1/3) (m).

    Rigid cylinder of reduced radius R' = R/2 (two equal rolls) on a Winkler layer of stiffness
    E/h per unit area: q = (2/3)(E/h) a³/R'.

    Parameters
    ----------
    line_load_N_m : array_like
        Line load q in N/m.
    roll_radius_m : array_like
        Roll radius R in m (R' = R/2 for two equal rolls).
    layer_thickness_m : array_like
        Coating layer thickness h in m.
    coating_modulus_Pa : array_like
        Coating compression modulus E in Pa.
    """
    r_red = 0.5 * _f(roll_radius_m)
    return np.cbrt(3.0 * _f(line_load_N_m) * r_red * _f(layer_thickness_m) / (2.0 * _f(coating_modulus_Pa)))


def nip_length(line_load_N_m: Array, roll_radius_m: Array, thickness_reduction_m: Array,
               layer_thickness_m: Array, coating_modulus_Pa: Array) -> np.ndarray:
    """Nip contact length l_c = sqrt(R Δh + a²) (m): plastic arc of contact and elastic half-width.

    Parameters
    ----------
    line_load_N_m : array_like
        Line load q in N/m.
    roll_radius_m : array_like
        Roll radius R in m.
    thickness_reduction_m : array_like
        Thickness reduction Δh = L_0 - L in m (negative values count as 0).
    layer_thickness_m : array_like
        Coating thickness in the nip h in m.
    coating_modulus_Pa : array_like
        Coating compression modulus E in Pa.
    """
    a = elastic_half_width(line_load_N_m, roll_radius_m, layer_thickness_m, coating_modulus_Pa)
    return np.sqrt(_f(roll_radius_m) * np.maximum(_f(thickness_reduction_m), 0.0) + a * a)


def nip_pressure(line_load_N_m: Array, roll_radius_m: Array, thickness_before_m: Array, eps0: Array,
                 material: CalenderingMaterial) -> np.ndarray:
    """Mean nip pressure p = q / l_c (Pa) when a coating of thickness L_0, porosity ε_0 is calendered at q.

    Parameters
    ----------
    line_load_N_m : array_like
        Line load q in N/m.
    roll_radius_m : array_like
        Roll radius R in m.
    thickness_before_m : array_like
        Coating thickness before calendering L_0 in m.
    eps0 : array_like
        Porosity before calendering ε_0 (dimensionless).
    material : CalenderingMaterial
        Calendering parameters (SI).
    """
    q = _f(line_load_N_m)
    eps = porosity_after(q, eps0, material.eps_min, material.gamma_N_m)
    L1 = calendered_thickness(thickness_before_m, eps0, eps)
    lc = nip_length(q, roll_radius_m, _f(thickness_before_m) - L1, L1, material.coating_modulus_Pa)
    return np.where(q > 0, q / np.where(lc > 0, lc, 1.0), 0.0)


def pressure_scale(line_load_N_m: Array, roll_radius_m: Array, thickness_before_m: Array, eps0: Array,
                   material: CalenderingMaterial) -> np.ndarray:
    """Compaction resistance in pressure units p_c = γ_c / l_c (Pa), l_c the nip length at line load q > 0.

    The pressure scale of :func:`xlcell.pressure_profile.optimal_pressure_profile`: in the nip the
    compaction law ε = ε_min + (ε_0 - ε_min) exp(-p/p_c) with p = q / l_c is the line-load law.
    Equal to γ_c p_nip / q with p_nip from :func:`nip_pressure`.

    Parameters
    ----------
    line_load_N_m : array_like
        Line load q in N/m, > 0.
    roll_radius_m : array_like
        Roll radius R in m.
    thickness_before_m : array_like
        Coating thickness before calendering L_0 in m.
    eps0 : array_like
        Porosity before calendering ε_0 (dimensionless).
    material : CalenderingMaterial
        Calendering parameters (SI: γ_c in N/m).
    """
    q = _f(line_load_N_m)
    _check("line_load_N_mm", q, np.isfinite(q) & (q > 0), "a number > 0 N/mm (the nip length is set by the load)", 1e3)
    return material.gamma_N_m * nip_pressure(q, roll_radius_m, thickness_before_m, eps0, material) / q


def line_load_for_pressure(pressure_Pa: Array, roll_radius_m: Array, thickness_before_m: Array, eps0: Array,
                           material: CalenderingMaterial, *, iterations: int = 80) -> np.ndarray:
    """Line load q (N/m) whose mean nip pressure is ``pressure_Pa`` (inverse of :func:`nip_pressure`).

    p(q) rises monotonically with q; solved by vectorised bisection in log q on
    [1e-3, 1e9] N/m (80 halvings: relative error ~1e-14).

    Parameters
    ----------
    pressure_Pa : array_like
        Mean nip pressure p in Pa.
    roll_radius_m : array_like
        Roll radius R in m.
    thickness_before_m : array_like
        Coating thickness before calendering L_0 in m.
    eps0 : array_like
        Porosity before calendering ε_0 (dimensionless).
    material : CalenderingMaterial
        Calendering parameters (SI).
    iterations : int
        Number of bisection halvings in log q.
    """
    p = _f(pressure_Pa)
    _check("pressure_MPa", p, np.isfinite(p) & (p > 0), "a number > 0 MPa", 1e6)
    shape = np.broadcast_shapes(p.shape, np.shape(roll_radius_m), np.shape(thickness_before_m), np.shape(eps0))
    lo, hi = np.full(shape, np.log(1e-3)), np.full(shape, np.log(1e9))
    p_hi = nip_pressure(np.exp(hi), roll_radius_m, thickness_before_m, eps0, material)
    _check("pressure_MPa", np.broadcast_to(p, shape), np.broadcast_to(p, shape) < p_hi, "below the pressure at 1e6 N/mm", 1e6)
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        above = nip_pressure(np.exp(mid), roll_radius_m, thickness_before_m, eps0, material) > p
        hi, lo = np.where(above, mid, hi), np.where(above, lo, mid)
    return np.exp(0.5 * (lo + hi))


# ---------------------------------------------------------------------------------------------
# Microstructure: transport, percolation, anisotropy, fracture
# ---------------------------------------------------------------------------------------------

def carbon_volume_fraction(porosity: Array, am_frac: Array, carbon_frac: Array, binder_frac: Array,
                           am_density_kg_m3: Array, carbon_density_kg_m3: Array, binder_density_kg_m3: Array) -> np.ndarray:
    """Volume fraction of conductive carbon in the coating φ = ρ_coat w_c / ρ_c (-).

    Parameters
    ----------
    porosity : array_like
        Coating porosity ε (dimensionless).
    am_frac : array_like
        Active-material mass fraction (dimensionless).
    carbon_frac : array_like
        Conductive-carbon mass fraction w_c (dimensionless).
    binder_frac : array_like
        Binder mass fraction (dimensionless).
    am_density_kg_m3 : array_like
        Active-material density in kg/m³.
    carbon_density_kg_m3 : array_like
        Carbon density ρ_c in kg/m³.
    binder_density_kg_m3 : array_like
        Binder density in kg/m³.
    """
    w = np.stack(np.broadcast_arrays(_f(am_frac), _f(carbon_frac), _f(binder_frac)), axis=-1)
    rho = np.stack(np.broadcast_arrays(_f(am_density_kg_m3), _f(carbon_density_kg_m3), _f(binder_density_kg_m3)), axis=-1)
    return composite_density(porosity, w, rho) * _f(carbon_frac) / _f(carbon_density_kg_m3)


def percolation_ratio(electrode: ElectrodeDesign, eps0: Array, material: CalenderingMaterial,
                      electrolyte_conductivity_S_m: Array) -> np.ndarray:
    """Percolation threshold over the carbon volume fraction φ_c/φ of a coating (-): <= 1 when the carbon network
    percolates (conducts).

    The condition applies where the active matrix alone conducts less than the electrolyte
    (the electrode's ``conductivity_S_m`` < κ0: the oxides and phosphates, 1e-7 to 1e-2 S/m against ~1 S/m): their
    electrons need the network. Where the matrix conducts on its own (graphite, 215 S/m) the ratio is 0 (no
    condition), as a ductile material's fracture ratio is. No carbon where it is needed: inf. φ_c is lowered by the
    compaction from ``eps0`` to the electrode's porosity (:func:`percolation_threshold`).

    Parameters
    ----------
    electrode : ElectrodeDesign
        The calendered electrode (its porosity, composition and densities; SI).
    eps0 : array_like
        Porosity of the dried coating before calendering ε_0 (dimensionless).
    material : CalenderingMaterial
        Percolation threshold φ_c0 and its shift k_c.
    electrolyte_conductivity_S_m : array_like
        Bulk electrolyte conductivity κ0 in S/m.
    """
    phi = coating_density(electrode) * _f(electrode.carbon_frac) / _f(electrode.carbon_density_kg_m3)
    phi_c = percolation_threshold(eps0, electrode.porosity, material.percolation_threshold, material.threshold_shift)
    phi, phi_c, k0 = np.broadcast_arrays(phi, phi_c, _f(electrolyte_conductivity_S_m))
    needed = np.broadcast_to(_f(electrode.conductivity_S_m), k0.shape) < k0
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(phi > 0, phi_c / np.where(phi > 0, phi, 1.0), np.inf)
    return np.where(needed, ratio, 0.0)


def fracture_line_load(eps0: Array, material: CalenderingMaterial) -> np.ndarray:
    """Largest line load (N/m) before particles crack: where ε(q) reaches ε_f; inf if never.

    Parameters
    ----------
    eps0 : array_like
        Porosity before calendering ε_0 (dimensionless).
    material : CalenderingMaterial
        Calendering parameters (SI: γ_c in N/m; ε_min and ε_f dimensionless).
    """
    e0, em, ef = np.broadcast_arrays(_f(eps0), _f(material.eps_min), _f(material.fracture_porosity))
    reach = (ef > em) & (ef < e0)
    ratio = np.where(reach, (e0 - em) / np.where(reach, ef - em, 1.0), 1.0)
    q = material.gamma_N_m * np.log(ratio)
    return np.where(reach, q, np.where(ef >= e0, 0.0, np.inf))


#: the calender line load at the Excel boundary: every entry route (the UDFs, the optimiser's variable, the studies)
#: converts N/mm <-> N/m with this spec, so the unit is named once
LINE_LOAD = ParamSpec(name="line_load_N_m", key="line_load_N_mm", label="Calender line load", unit="N/mm", ge=0)


@dataclass(frozen=True)
class FractureCheck:
    """Does a line load crack a material's particles? (SI; one value per input of the broadcast shape)"""

    porosity: np.ndarray = field(metadata=param("Porosity after calendering", "-", key="porosity"))
    fracture_line_load_N_m: np.ndarray = field(metadata=param("Fracture line load", "N/mm", key="fracture_line_load_N_mm",
                                                              doc="inf: ductile"))
    ductile: np.ndarray = field(metadata=param("No fracture limit (ductile)", "bool", key="ductile"))
    cracked: np.ndarray = field(metadata=param("Particles crack (porosity below the fracture-onset porosity)", "bool",
                                               key="cracked"))


def fracture_check(line_load_N_m: Array, eps0: Array, material: CalenderingMaterial) -> FractureCheck:
    """The fracture decision at a line load: the porosity reached, the fracture line load and whether the particles
    crack (porosity below ``material.fracture_porosity``; never for a ductile material).

    Parameters
    ----------
    line_load_N_m : array_like
        Line load q (N/m), >= 0.
    eps0 : array_like
        Porosity before calendering (-).
    material : CalenderingMaterial
        Compaction law and fracture-onset porosity.
    """
    eps = porosity_after(line_load_N_m, eps0, material.eps_min, material.gamma_N_m)
    qf = fracture_line_load(eps0, material)
    ductile = np.isinf(qf)
    return FractureCheck(porosity=eps, fracture_line_load_N_m=qf, ductile=ductile,
                         cracked=~ductile & (eps < material.fracture_porosity))


def check_fracture(porosity: Array, material: CalenderingMaterial, name: str = "target_porosity") -> None:
    """Raise :class:`InfeasibleError` if any porosity is below the material's fracture-onset porosity.

    Parameters
    ----------
    porosity : array_like
        Porosities to check (dimensionless).
    material : CalenderingMaterial
        Calendering parameters; its fracture-onset porosity ε_f is used.
    name : str
        Name of the porosity in the error message.
    """
    e = _f(porosity)
    bad = e < material.fracture_porosity
    if bad.any():
        i = int(np.flatnonzero(bad.ravel())[0])
        raise InfeasibleError(
            f"{name} {e.ravel()[i]:.4g} is below {material.name}'s fracture-onset porosity "
            f"{material.fracture_porosity:.4g}: its particles would crack" + (f" (design {i + 1})" if bad.size > 1 else ""))


def target_line_load(target_porosity: Array, solids_fraction: Array, material: CalenderingMaterial,
                     *, on_fracture: str = "raise") -> tuple[np.ndarray, np.ndarray]:
    """Adaptive pressure: line load (N/m) for a target porosity given the slurry solids fraction φ_s.

    Compensates batch-to-batch variation: each batch's φ_s gives its own ε_0 and hence its own q.

    Parameters
    ----------
    target_porosity : array_like
        Target porosity after calendering ε_t (dimensionless).
    solids_fraction : array_like
        Slurry solids volume fraction φ_s of each batch (dimensionless, 0 < φ_s < 1); gives ε_0.
    material : CalenderingMaterial
        Calendering parameters (SI: γ_c in N/m).
    on_fracture : {"raise", "flag"}
        Refuse (``InfeasibleError``) targets below the fracture-onset porosity, or flag them.

    Returns
    -------
    (line_load_N_m, fractured) : tuple of numpy.ndarray
    """
    if on_fracture not in ("raise", "flag"):
        raise InputError("on_fracture", on_fracture, "'raise' or 'flag'")
    et = _f(target_porosity)
    if on_fracture == "raise":
        check_fracture(et, material)
    eps0 = eps0_from_solids(solids_fraction, material)
    q = line_load_for_porosity(et, eps0, material.eps_min, material.gamma_N_m)
    return q, np.broadcast_to(et < material.fracture_porosity, q.shape).copy()


# ---------------------------------------------------------------------------------------------
# The hierarchy: composition + line load -> microstructure -> cell performance
# ---------------------------------------------------------------------------------------------

_R = "Microstructure"


@dataclass(frozen=True, kw_only=True)
class Microstructure:
    """Results of :func:`calender` (SI arrays; metadata gives the Excel key and display unit)."""

    line_load_N_m: Array = field(metadata=param("Line load", "N/mm", key="line_load_N_mm", group=_R))
    eps_before: Array = field(metadata=param("Porosity before calendering", "-", key="eps_before", group=_R))
    porosity: Array = field(metadata=param("Porosity after calendering", "-", key="porosity", group=_R))
    thickness_before_m: Array = field(metadata=param("Coating thickness before", "µm", key="thickness_before_um", group=_R))
    thickness_m: Array = field(metadata=param("Coating thickness after", "µm", key="thickness_um", group=_R))
    compaction_strain: Array = field(metadata=param("Compaction strain", "-", key="compaction_strain", group=_R))
    coating_density_kg_m3: Array = field(metadata=param("Coating density", "g/cm³", key="coating_density_g_cm3", group=_R))
    areal_capacity_C_m2: Array = field(metadata=param("Areal capacity", "mAh/cm²", key="areal_capacity_mAh_cm2", group=_R))
    tortuosity: Array = field(metadata=param("Tortuosity (Bruggeman)", "-", key="tortuosity", group=_R))
    tortuosity_through: Array = field(metadata=param("Tortuosity through-plane", "-", key="tortuosity_through", group=_R))
    tortuosity_in_plane: Array = field(metadata=param("Tortuosity in-plane", "-", key="tortuosity_in_plane", group=_R))
    anisotropy: Array = field(metadata=param("Anisotropy τ_through/τ_in", "-", key="anisotropy", group=_R))
    kappa_eff_S_m: Array = field(metadata=param("Effective ionic conductivity κ_eff", "S/m", key="kappa_eff_S_m", group=_R))
    kappa_eff_through_S_m: Array = field(metadata=param("Through-plane ionic conductivity κ0 ε/τ_through", "S/m",
                                                        key="kappa_eff_through_S_m", group=_R,
                                                        doc="What the cell model's electrolyte ASI uses (anisotropic_transport)"))
    carbon_volume_fraction: Array = field(metadata=param("Carbon volume fraction φ", "-", key="carbon_volume_fraction", group=_R))
    percolation_threshold: Array = field(metadata=param("Percolation threshold φ_c", "-", key="percolation_threshold", group=_R))
    sigma_network_S_m: Array = field(metadata=param("Carbon network conductivity", "S/m", key="sigma_network_S_m", group=_R))
    sigma_through_S_m: Array = field(metadata=param("Solid conductivity through-plane", "S/m", key="sigma_through_S_m", group=_R))
    sigma_in_plane_S_m: Array = field(metadata=param("Solid conductivity in-plane", "S/m", key="sigma_in_plane_S_m", group=_R))
    fracture_line_load_N_m: Array = field(metadata=param("Fracture-limited line load", "N/mm", key="fracture_line_load_N_mm", group=_R))
    fractured: Array = field(metadata=param("Particles cracked", "bool", key="fractured", group=_R))
    rated: Array = field(default=None, metadata=param(
        "Cell rated (its C/3 IR drop below the OCV)", "bool", key="rated", group=_R,
        doc="FALSE: the cell has no rated voltage at this line load (e.g. a coating below percolation), its cell "
            "metrics are NaN and refusal_reasons says why; set by calendering_performance (None from calender alone, "
            "which evaluates no cell)"))

    def as_display(self) -> dict[str, Any]:
        """``{Excel key: value in display units}`` in field order."""
        return {s.key: (getattr(self, s.name) if s.unit == "bool" else s.from_si(getattr(self, s.name))) for s in specs(self)}


def _electrode_of(design: CellDesign, which: str):
    if which not in ("pos", "neg"):
        raise InputError("electrode", which, "'pos' or 'neg'")
    return getattr(design, which)


def calender(design: CellDesign, line_load_N_m: Array, *, which: str = "pos",
             material: CalenderingMaterial | str | None = None, solids_fraction: Array | None = None,
             eps_before: Array | None = None, electrolyte_conductivity_S_m: Array | None = None,
             bruggeman_exponent: Array | None = None) -> tuple[CellDesign, Microstructure]:
    """Calender one electrode of ``design`` at ``line_load_N_m``: the calendered design and its microstructure.

    The electrode's mass loading (hence areal capacity) is that of ``design`` (resolved: a NaN
    negative thickness is first derived from N/P); calendering changes only its porosity and
    thickness (L (1 - ε) = const). The electronic conductivity is not handed over as a number: the
    microstructure's ``sigma_through_S_m`` is the one law of :func:`xlcell.conduction.solid_conductivity`
    (the active matrix σ_m (1 - ε)^b, b the design's Bruggeman exponent, plus the carbon network
    σ_net / sqrt(A)), which the cell model evaluates itself from the returned design's porosity and the
    same material and ε_0 (pass ``calendering={"pos_material": material, "pos_eps_before": eps_0}`` to
    :func:`xlcell.cell.evaluate_cell`, as :func:`calendering_performance` and the registry do). The ionic
    path likewise: the cell model charges the coating's electrolyte ASI through its through-plane
    tortuosity τ sqrt(A) (:mod:`xlcell.conduction`), for a typed porosity as for a calendered one.

    Parameters
    ----------
    design : CellDesign
        Base design(s); fields broadcast with ``line_load_N_m``.
    line_load_N_m : array_like
        Calender line load (N/m).
    which : {"pos", "neg"}
        The electrode calendered.
    material : CalenderingMaterial or str, optional
        Calendering parameters; default: by the electrode's role, NMC811 for "pos", Graphite for "neg".
    solids_fraction : array_like, optional
        Slurry solids volume fraction φ_s; gives ε_0 by :func:`coating_porosity`.
    eps_before : array_like, optional
        Porosity before calendering, instead of ``solids_fraction`` (default: φ_s = 0.4).
    electrolyte_conductivity_S_m, bruggeman_exponent : array_like, optional
        κ0 and α for the ionic microstructure outputs (default: the design's κ0 and the material's α).

    Returns
    -------
    (CellDesign, Microstructure)
    """
    if material is None:
        material = "NMC811" if which == "pos" else "Graphite"
    mat = material if isinstance(material, CalenderingMaterial) else get_calendering_material(material)
    d = resolve(design)
    e = _electrode_of(d, which)
    q = _f(line_load_N_m)
    if eps_before is None:
        eps0 = eps0_from_solids(0.4 if solids_fraction is None else solids_fraction, mat)
    else:
        if solids_fraction is not None:
            raise InputError("eps_before", "given", "blank when the solids fraction is given")
        eps0 = _f(eps_before)
        check_compaction_law(eps0, mat.eps_min, mat.gamma_N_m, eps0_name="eps_before")
    eps = porosity_after(q, eps0, mat.eps_min, mat.gamma_N_m)
    qa = areal_capacity(e)  # held: mass conservation
    probe = dataclasses.replace(e, porosity=eps)
    L1 = qa / (probe.specific_capacity_C_kg * probe.am_frac * coating_density(probe))
    L0 = L1 * (1.0 - eps) / (1.0 - eps0)  # thickness before calendering (mass conservation, backwards)
    strain = compaction_strain(eps0, eps)
    b = _f(mat.bruggeman_exponent if bruggeman_exponent is None else bruggeman_exponent)
    k0 = _f(d.electrolyte_conductivity_S_m if electrolyte_conductivity_S_m is None else electrolyte_conductivity_S_m)
    tau = tortuosity(eps, b)
    A = anisotropy_ratio(eps0, eps, mat.anisotropy_coefficient)
    phi = coating_density(probe) * e.carbon_frac / e.carbon_density_kg_m3
    cond = solid_conductivity(e.conductivity_S_m, eps, d.bruggeman_exponent, phi, mat, eps0)  # the cell's law
    phi_c, sig_net, sig_through, sig_in = cond["threshold"], cond["network"], cond["through"], cond["in_plane"]
    q_frac = fracture_line_load(eps0, mat)
    fractured = eps < mat.fracture_porosity
    new_e = dataclasses.replace(e, porosity=eps, thickness_m=L1)
    out = dataclasses.replace(d, **{which: new_e})
    tau_through = tau * np.sqrt(A)
    shape = np.broadcast(q, eps, L1, sig_through, tau, np.asarray(out.np_ratio)).shape

    def bc(x: Array) -> np.ndarray:
        return np.broadcast_to(np.asarray(x, dtype=float), shape).copy()

    micro = Microstructure(
        line_load_N_m=bc(q), eps_before=bc(eps0), porosity=bc(eps), thickness_before_m=bc(L0), thickness_m=bc(L1),
        compaction_strain=bc(strain), coating_density_kg_m3=bc(coating_density(probe)), areal_capacity_C_m2=bc(qa),
        tortuosity=bc(tau), tortuosity_through=bc(tau_through), tortuosity_in_plane=bc(np.maximum(1.0, tau / np.sqrt(A))),
        anisotropy=bc(A), kappa_eff_S_m=bc(k0 * eps / tau),
        kappa_eff_through_S_m=bc(k0 * eps / tau_through), carbon_volume_fraction=bc(phi), percolation_threshold=bc(phi_c),
        sigma_network_S_m=bc(sig_net), sigma_through_S_m=bc(sig_through), sigma_in_plane_S_m=bc(sig_in),
        fracture_line_load_N_m=bc(q_frac), fractured=np.broadcast_to(fractured, shape).copy(),
    )
    return out, micro


def calendering_performance(design: CellDesign, line_load_N_m: Array, **kw: Any) -> tuple[Microstructure, CellMetrics]:
    """Microstructure and cell metrics versus line load in one vectorised call.

    ``kw`` as in :func:`calender`. Energy density and power of every line load come from a single
    :func:`xlcell.cell.evaluate_cell` call on the broadcast population, given the calendered electrode's material
    and porosity before calendering, so its electronic conductivity is the microstructure's. A design whose particles
    crack (``micro.fractured``) is not feasible: ``feasible`` is the cell model's verdict and not
    fractured.

    A line load at which the cell has no rated voltage (its C/3 IR drop reaches the open-circuit voltage, e.g. an
    LFP coating below percolation before calendering) is flagged in its row, not refused for the whole sweep:
    ``micro.rated`` is False there, its cell metrics are NaN (flags False, so not ``feasible``) and
    :func:`refusal_reasons` says why; the other rows are evaluated in one :func:`~xlcell.cell.evaluate_cell` call on
    the rated rows alone, each bit-identical to that line load evaluated alone. Every other refusal of the cell model
    (an input wrong for every row) still raises.

    Parameters
    ----------
    design : CellDesign
        Base design(s) (SI); fields broadcast with ``line_load_N_m``.
    line_load_N_m : array_like
        Calender line load q in N/m (1 N/mm = 1000 N/m).
    **kw
        Keyword arguments of :func:`calender` (``which``, ``material``, ``solids_fraction``, ``eps_before``, ...),
        and ``anisotropic_transport`` (default True): False keeps the cell model's electrolyte ASI isotropic (ε^b)
        in every coating (the calendering context of :mod:`xlcell.conduction`).
    """
    anisotropic = bool(kw.pop("anisotropic_transport", True))
    cal, micro = calender(design, line_load_N_m, **kw)
    which = kw.get("which", "pos")
    material = kw.get("material")
    context = {f"{which}_material": material if material is not None else DEFAULT_MATERIALS[which],
               f"{which}_eps_before": micro.eps_before, "anisotropic_transport": anisotropic}
    try:
        cell = evaluate_cell(cal, calendering=context)
        rated = np.ones((), dtype=bool)
    except InputError as exc:  # no rated voltage at some line load: flag those rows, evaluate the others
        if exc.name != "nominal_voltage_V":
            raise
        cell, rated = _rated_rows(cal, context)
    shape = np.broadcast_shapes(cell.feasible.shape, micro.fractured.shape, rated.shape)
    feasible = np.broadcast_to(cell.feasible, shape) & ~np.broadcast_to(micro.fractured, shape)
    micro = dataclasses.replace(micro, rated=np.broadcast_to(rated, shape).copy())
    return micro, dataclasses.replace(cell, feasible=feasible.copy())


def _rated_rows(cal: CellDesign, context: Mapping[str, Any]) -> tuple[CellMetrics, np.ndarray]:
    """The cell metrics of calendered designs ``cal`` some of which have no rated voltage: those NaN (flags False),
    the others from one :func:`~xlcell.cell.evaluate_cell` call on them alone; and the rated mask."""
    d = broadcast_fields_cell(resolve(cal))
    v_nom = chain(in_format(d, None), None, context, check_rated=False)["nominal_voltage_V"]
    shape = np.broadcast_shapes(np.shape(d.np_ratio), np.shape(v_nom),
                                *(np.shape(v) for v in context.values() if isinstance(v, np.ndarray)))
    rated = np.broadcast_to(v_nom > 0, shape)

    def rows(x: Any) -> Any:
        return np.broadcast_to(np.asarray(x), shape)[rated]

    out = {s.name: (np.zeros(shape, dtype=bool) if s.unit == "bool" else np.full(shape, np.nan))
           for s in specs(CellMetrics)}
    if rated.any():
        sub = evaluate_cell(_map_cell(d, rows), calendering={k: rows(v) if isinstance(v, np.ndarray) else v
                                                               for k, v in context.items()})
        for name, a in out.items():
            a[rated] = getattr(sub, name)
    return CellMetrics(**out), rated.copy()


def refusal_reasons(micro: Microstructure) -> list[str]:
    """Why the cell has no rated voltage at each line load of ``micro`` (flat, C order): "" where it is rated.

    The calendered coating's share of the C/3 IR drop names the cause: its electronic path L/(3σ_through) or its
    electrolyte path L/(3κ_eff,through), whichever is larger; electronic with no carbon network (φ <= φ_c) reads
    "does not conduct". Display units (N/mm, S/m).

    Parameters
    ----------
    micro : Microstructure
        The microstructure of :func:`calendering_performance` (its ``rated`` set).
    """
    if micro.rated is None:
        raise InputError("micro.rated", None, "set: a microstructure of calendering_performance (calender alone "
                         "evaluates no cell)")
    shape = np.broadcast_shapes(np.shape(micro.rated), np.shape(micro.porosity))
    rated = np.broadcast_to(np.asarray(micro.rated, dtype=bool), shape).reshape(-1)
    out = [""] * rated.size
    if rated.all():
        return out

    def flat(x: Array) -> np.ndarray:
        return np.broadcast_to(np.asarray(x, dtype=float), shape).reshape(-1)

    q = flat(LINE_LOAD.from_si(micro.line_load_N_m))
    phi, phi_c = flat(micro.carbon_volume_fraction), flat(micro.percolation_threshold)
    net = flat(micro.sigma_network_S_m)
    sigma, kappa, eps = flat(micro.sigma_through_S_m), flat(micro.kappa_eff_through_S_m), flat(micro.porosity)
    ionic = kappa < sigma  # the coating's electrolyte path resists more than its electronic path
    for i in np.flatnonzero(~rated):
        if ionic[i]:
            why = (f"the electrolyte in the coating conducts too little (κ_eff through-plane {kappa[i]:.3g} S/m at "
                   f"porosity {eps[i]:.3g})")
        elif net[i] > 0:
            why = (f"the coating conducts too little (σ through-plane {sigma[i]:.3g} S/m: carbon volume fraction "
                   f"{phi[i]:.3g}, percolation threshold {phi_c[i]:.3g})")
        else:
            why = (f"the coating does not conduct (carbon volume fraction {phi[i]:.3g} below its percolation threshold "
                   f"{phi_c[i]:.3g}: σ through-plane {sigma[i]:.3g} S/m)")
        out[i] = f"no rated cell at {q[i]:g} N/mm: {why}, so the C/3 IR drop reaches the open-circuit voltage"
    return out


def hierarchy(material: str, am_frac: Array, binder_frac: Array, line_load_N_m: Array, *,
              solids_fraction: Array = 0.4, base: CellDesign | None = None,
              materials: Mapping[str, CalenderingMaterial] | None = None,
              active_materials: Mapping[str, Material] | None = None) -> tuple[Microstructure, CellMetrics]:
    """The seed's hierarchy for one electrode: composition (w_AM, f_b) and line load -> microstructure -> cell.

    The electrode of ``material``'s role in ``base`` (default: BatPaC 5.0's default cell) takes
    ``material`` with active fraction w_AM and binder fraction f_b (carbon = 1 - w_AM - f_b), keeping
    the base electrode's areal capacity; it is then calendered at ``line_load_N_m``. The active
    material's properties are ``material``'s (library, or ``active_materials`` first); the carbon and
    binder densities, foil and binder blinding are the base electrode's.

    Parameters
    ----------
    material : str
        Active material of the calendered electrode (its role picks the positive or negative electrode).
    am_frac : array_like
        Active-material mass fraction w_AM (dimensionless).
    binder_frac : array_like
        Binder mass fraction f_b (dimensionless); carbon is 1 - w_AM - f_b.
    line_load_N_m : array_like
        Calender line load q in N/m.
    solids_fraction : array_like
        Slurry solids volume fraction φ_s (dimensionless, default 0.4).
    base : CellDesign, optional
        Base design (default: BatPaC 5.0's default cell).
    materials : mapping of str to CalenderingMaterial, optional
        Calendering materials looked up before the library.
    active_materials : mapping of str to Material, optional
        Active materials looked up before the library.
    """
    from .cell import default_design

    mat = get_calendering_material(material, materials)
    # a calibrated variant (e.g. NMC811_dem, issue 16) is made of its library entry's active material
    linked = mat.active_material or _conduction.CALENDERING_MATERIALS.get(mat.name.upper(), mat).active_material
    am = get_material(linked or material, active_materials)
    which = "pos" if am.role == "positive" else "neg"
    base = base or default_design()
    d = resolve(base)
    e = getattr(d, which)
    w_a, f_b = _f(am_frac), _f(binder_frac)
    _check("am_frac", w_a, np.isfinite(w_a) & (w_a > 0) & (w_a <= 1), "a mass fraction > 0 and <= 1")
    _check("binder_frac", f_b, np.isfinite(f_b) & (f_b >= 0) & (f_b < 1), "a mass fraction >= 0 and < 1")
    w_c = 1.0 - w_a - f_b
    _check("binder_frac", f_b, w_c >= -1e-12, "at most 1 - am_frac (the carbon fraction 1 - am_frac - binder_frac "
           "cannot be negative)")
    qa = areal_capacity(e)
    new = electrode(am, am_frac=w_a, binder_frac=f_b, carbon_frac=np.maximum(w_c, 0.0),
                    carbon_density_kg_m3=e.carbon_density_kg_m3, binder_density_kg_m3=e.binder_density_kg_m3,
                    foil_thickness_m=e.foil_thickness_m, foil_density_kg_m3=e.foil_density_kg_m3,
                    porosity=e.porosity, thickness_m=1.0, binder_blinding=e.binder_blinding)
    with np.errstate(over="ignore", divide="ignore"):
        thickness = qa / (new.specific_capacity_C_kg * new.am_frac * coating_density(new))
    spec = next(s for s in specs(ElectrodeDesign) if s.name == "thickness_m")
    try:  # the thickness follows from am_frac (same areal capacity): a bad one is am_frac's fault
        spec.check(thickness)
    except InputError as exc:
        i = int(exc.where.split()[-1]) - 1 if exc.where else 0
        raise InputError("am_frac", float(np.broadcast_to(w_a, np.shape(thickness)).ravel()[i]),
                         f"a mass fraction that keeps the design's areal capacity with a coating "
                         f"{spec.allowed().removeprefix('a number ')}; it needs {exc.value:.3g} µm", exc.where) from None
    new = dataclasses.replace(new, thickness_m=thickness)
    d = dataclasses.replace(d, **{which: new})
    return calendering_performance(d, line_load_N_m, which=which, material=mat, solids_fraction=solids_fraction)



def __getattr__(name: str) -> Any:
    """:data:`CALENDERING_MATERIALS` (:mod:`xlcell.conduction`'s), read from its data file on first use (PEP 562)."""
    if name == "CALENDERING_MATERIALS":
        return _conduction.CALENDERING_MATERIALS
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "CALENDERING_MATERIALS",
    "CalenderingMaterial",
    "Microstructure",
    "anisotropy_ratio",
    "calender",
    "calendered_thickness",
    "calendering_performance",
    "carbon_volume_fraction",
    "check_compaction_law",
    "check_fracture",
    "coating_porosity",
    "compaction_strain",
    "elastic_half_width",
    "eps0_from_solids",
    "fracture_line_load",
    "get_calendering_material",
    "hierarchy",
    "line_load_for_porosity",
    "line_load_for_pressure",
    "max_solids_fraction",
    "nip_length",
    "nip_pressure",
    "percolation_conductivity",
    "percolation_ratio",
    "percolation_threshold",
    "porosity_after",
    "pressure_scale",
    "refusal_reasons",
    "target_line_load",
]
