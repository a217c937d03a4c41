"""The calender nip simulated: a plane-strain finite-element model of the coating and its 1D thin-layer limit (SI).

Both models see the same coating, roll and compaction law, read from the calendering material library
(``xlcell/data/calendering_materials.toml`` through :func:`xlcell.conduction.get_calendering_material`):

* **Compaction law** (the one of :mod:`xlcell.calendering`, in its pressure form): a coating of porosity ε_0
  compacted under uniaxial strain to a peak pressure p keeps the plastic porosity
  ε_p(p) = ε_min + (ε_0 - ε_min) exp(-p / p_c), evaluated by :func:`xlcell.calendering.porosity_after` with the
  pressure scale p_c = γ_c / l_c of :func:`xlcell.calendering.pressure_scale` at the run's line load. By mass
  conservation the plastic thickness strain is c(p) = 1 - (1 - ε_0) / (1 - ε_p(p)).
* **Elasticity**: the coating's Young's modulus E (the library's ``coating_modulus_GPa``) and a Poisson ratio ν
  (0.3 unless given); under uniaxial strain the oedometric modulus M = E (1 - ν) / ((1 + ν)(1 - 2ν)) carries the
  elastic part, so the total compressive strain at pressure p on first loading is e(p) = c(p) + p / M and unloading
  from p_max is p = M (e - c(p_max)) (the spring-back is p_max / M of the original thickness).

The **1D roll pass** (:func:`roll_pass_1d`, the thin-layer limit, vectorised over designs) slides the coating
(thickness L_0, bonded to a rigid foil) under one rigid roll of radius R whose surface is
h(x) = g + R - sqrt(R² - x²) above the foil (g the gap): each slice is compacted in uniaxial strain to
e = 1 - h/L_0 on the entry side (x < 0, loading: p = p(e) above), then unloads elastically on the exit side until
the contact opens where h = L_0 (1 - c(p_max)). The line load is q = ∫ p dx, the exit porosity ε_p(p_max), the
spring-back the exit thickness minus g, the contact length from entry to exit. The gap that carries a given line
load is found by bisection (on the logarithm of the roll's indentation L_0 - g).

The **FE model** (:func:`simulate_nip`, one design) solves the same problem in 2D plane strain with scikit-fem:
bilinear quadrilaterals (2x2 Gauss points) on a Lagrangian strip of coating, bonded to the foil (u = 0 at y = 0),
ends held horizontally; the roll is a rigid circle marched across the strip in steps of one element (quasi-static,
frictionless penalty contact at the top nodes), after a few steps that lower it to the gap g of the 1D model at the
line load asked for. Each step is solved by Newton's method on assembled forms. The material law at a Gauss point
is the 2D form of the law above: with the volumetric compaction θ = -tr ε and its largest value so far θ_max,
loading (θ > θ_max) adds plastic strain Δc N along the most compressive principal direction n (N = -n⊗n) with
c = c(p(θ)) from the uniaxial relation θ = c + p/M; the stress is linear elastic in ε - ε^p. Under uniaxial strain
(n = e_y, θ = e) this is exactly the law above: :func:`compaction_column` checks it against
:func:`~xlcell.calendering.porosity_after`. The porosity field is 1 - (1 - ε_0)/(1 + tr ε) (mass conservation).

Assumptions (documented in ``docs/models/simulation.md``): small-strain kinematics (exact for the uniaxial-strain
limit, approximate for the shear in the nip); a rigid roll and foil; frictionless contact; rate-independent law
(no viscous relaxation, cf. :mod:`xlcell.process_sim`); the plastic strain follows the compressive principal
direction; p_c is fixed at the run's line load.
"""
from __future__ import annotations

import functools
import math
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import numpy as np

from . import units
from .calendering import (CalenderingMaterial, check_compaction_law, eps0_from_solids, fracture_line_load,
                          get_calendering_material, nip_length, porosity_after, pressure_scale)
from .errors import InfeasibleError, InputError, XlcellError
from .params import param, specs, to_display
from .process_sim import CalenderLine

Array = Any
_I = "Nip simulation"
_R = "Nip simulation results"
_F = "Nip simulation fields"

#: Poisson ratio of the coating unless given (not in the material library; compacted powders 0.2-0.35)
DEFAULT_POISSON = 0.3
#: fewest elements through the coating thickness / along the 1D contact length that resolve the nip
MIN_ELEMENTS_THICKNESS = 3
MIN_ELEMENTS_NIP = 10
#: relative and absolute (N/m) tolerance on the line load the 1D roll pass carries: beyond it the gap closed
LINE_LOAD_RTOL = 1e-6
LINE_LOAD_ATOL_N_M = 1e-6
#: contact penalty of the FE nip: stiffness per unit area = CONTACT_PENALTY * M / (element height), so that the
#: roll's penetration is ~1/CONTACT_PENALTY of an element's strain
CONTACT_PENALTY = 1e3
#: Newton tolerances of the FE nip: residual force relative to p_c times the element length, displacement
#: increment relative to the coating thickness
NIP_FORCE_RTOL = 1e-7
NIP_DISP_RTOL = 1e-8
#: Newton tolerance of the FE compression test: residual force relative to p_c times the sample height
COMPRESSION_FORCE_RTOL = 1e-9
_LINE = CalenderLine()


class MissingDependencyError(XlcellError):
    """An optional package a model needs is not installed."""

    def __init__(self, package: str, extra: str):
        self.package, self.extra = package, extra
        super().__init__(package, extra)

    def __str__(self) -> str:
        return f"the {self.package} package is not installed: pip install \"xlcell[{self.extra}]\""


@dataclass(frozen=True, kw_only=True)
class NipInputs:
    """What the nip simulation needs (SI): the material, the line load, the roll, the coating and the FE mesh."""

    material: str = field(default="NMC811", metadata=param(
        "Calendering material", "text", key="material", group=_I, doc="A material of the calendering library"))
    line_load_N_m: float = field(default=600e3, metadata=param(
        "Line load", "N/mm", key="line_load_N_mm", gt=0, group=_I,
        doc="Force per unit roll-face width; at most the material's fracture-limited line load"))
    roll_diameter_m: float = field(default=_LINE.roll_diameter_m, metadata=param(
        "Roll diameter", "m", key="roll_diameter_m", gt=0, group=_I))
    thickness_before_m: float = field(default=_LINE.thickness_before_m, metadata=param(
        "Coating thickness before calendering", "µm", key="thickness_before_um", gt=0, group=_I))
    solids_fraction: float = field(default=0.4, metadata=param(
        "Slurry solids volume fraction φ_s", "-", key="solids_fraction", gt=0, lt=1, group=_I,
        doc="Gives the porosity before calendering ε_0 (drying mass balance)"))
    poisson: float = field(default=DEFAULT_POISSON, metadata=param(
        "Coating Poisson ratio ν", "-", key="poisson", ge=0, lt=0.5, group=_I))
    elements_thickness: int = field(default=6, metadata=param(
        "FE elements through the thickness", "-", key="fe_elements_thickness", ge=MIN_ELEMENTS_THICKNESS, le=64,
        group=_I))
    elements_nip: int = field(default=30, metadata=param(
        "FE elements along the contact length", "-", key="fe_elements_nip", ge=MIN_ELEMENTS_NIP, le=400, group=_I))


def nip_inputs(values: Mapping[str, Any] | None = None,
               materials: Mapping[str, CalenderingMaterial] | None = None) -> tuple[NipInputs, CalenderingMaterial]:
    """:class:`NipInputs` from display-unit ``values`` keyed as in its metadata (missing keys: defaults), checked,
    and the calendering material they name (``materials`` first, then the library).

    Raises :class:`~xlcell.errors.InputError` naming the first bad input (an unknown key too), and
    :class:`~xlcell.errors.UnknownMaterialError` for a material without calendering parameters.

    Parameters
    ----------
    values : mapping, optional
        ``{key: value}`` in display units (``line_load_N_mm``, ``thickness_before_um``, ...).
    materials : mapping of str to CalenderingMaterial, optional
        Materials looked up before the library, keyed by upper-case name.
    """
    vals = dict(values or {})
    by_key = {s.key.lower(): s for s in specs(NipInputs)}
    kw: dict[str, Any] = {}
    for k, v in vals.items():
        s = by_key.get(str(k).strip().lower())
        if s is None:
            raise InputError(k, v, "one of the nip inputs: " + ", ".join(x.key for x in specs(NipInputs)))
        if s.unit == "text":
            kw[s.name] = str(v).strip()
            continue
        try:
            x = float(v)
        except (TypeError, ValueError):
            raise InputError(s.key, v, s.allowed()) from None
        if s.name.startswith("elements_"):
            if not (math.isfinite(x) and x == int(x)):
                raise InputError(s.key, x, "a whole number")
            x = int(x)
        kw[s.name] = s.to_si(x) if isinstance(x, float) else x
    inputs = NipInputs(**kw)
    check_inputs(inputs)
    return inputs, get_calendering_material(inputs.material, materials)


def check_inputs(inputs: NipInputs) -> None:
    """Check every input against its allowed range (:class:`~xlcell.errors.InputError` naming the first bad one).

    Parameters
    ----------
    inputs : NipInputs
        The inputs (SI).
    """
    check_mesh(inputs.elements_thickness, inputs.elements_nip)
    for s in specs(NipInputs):
        if s.unit != "text":
            s.check(getattr(inputs, s.name))


def material_from_values(values: Mapping[str, Any], where: str = "material") -> CalenderingMaterial:
    """A calendering material from display-unit values keyed as the library's columns: ``name`` and every parameter
    of :class:`~xlcell.conduction.CalenderingMaterial` (``eps_min``, ``gamma_N_mm``, ``coating_modulus_GPa``, ...).

    Raises :class:`~xlcell.errors.InputError` naming the first missing or bad parameter (``material.gamma_N_mm``).

    Parameters
    ----------
    values : mapping
        ``{key: value}`` in display units, with ``name`` (and optionally ``source``).
    where : str
        The table's name in messages.
    """
    keys = [s.key for s in specs(CalenderingMaterial)]
    if not str(values.get("name") or "").strip():
        raise InputError(f"{where}.name", values.get("name"), "the material's name")
    missing = [k for k in keys if values.get(k) is None or (isinstance(values.get(k), str) and not values[k].strip())]
    if missing:
        raise InputError(f"{where}.{missing[0]}", None, "a value: the nip needs every calendering parameter of a "
                         f"material ({', '.join(keys)}); missing: {', '.join(missing)}")
    unknown = sorted(set(values) - set(keys) - {"name", "source"})
    if unknown:
        raise InputError(f"{where}.{unknown[0]}", values[unknown[0]], "one of name, source, " + ", ".join(keys))
    kw = {}
    for s in specs(CalenderingMaterial):
        try:
            x = float(values[s.key])
        except (TypeError, ValueError):
            raise InputError(f"{where}.{s.key}", values[s.key], s.allowed()) from None
        s.check(s.to_si(x), f"{where}.{s.key}")
        kw[s.name] = s.to_si(x)
    return CalenderingMaterial(name=str(values["name"]).strip(), source=str(values.get("source") or where), **kw)


def check_mesh(elements_thickness: int, elements_nip: int) -> None:
    """Refuse a mesh too coarse to resolve the coating (:class:`~xlcell.errors.InputError` naming the count).

    Parameters
    ----------
    elements_thickness : int
        Elements through the coating thickness (at least :data:`MIN_ELEMENTS_THICKNESS`).
    elements_nip : int
        Elements along the contact length of the 1D model (at least :data:`MIN_ELEMENTS_NIP`).
    """
    if elements_thickness < MIN_ELEMENTS_THICKNESS:
        raise InputError("fe_elements_thickness", elements_thickness,
                         f"a whole number >= {MIN_ELEMENTS_THICKNESS}: a coarser mesh cannot resolve the coating's "
                         "through-thickness stress and porosity gradients")
    if elements_nip < MIN_ELEMENTS_NIP:
        raise InputError("fe_elements_nip", elements_nip,
                         f"a whole number >= {MIN_ELEMENTS_NIP}: a coarser mesh cannot resolve the contact "
                         "pressure along the nip")


# ---------------------------------------------------------------------------------------------
# The uniaxial-strain law (the compaction law plus elasticity)
# ---------------------------------------------------------------------------------------------

def oedometric_modulus(youngs_modulus_Pa: Array, poisson: Array) -> np.ndarray:
    """Uniaxial-strain (oedometric) modulus M = E (1 - ν) / ((1 + ν)(1 - 2ν)) (Pa).

    Parameters
    ----------
    youngs_modulus_Pa : array_like
        Young's modulus E in Pa.
    poisson : array_like
        Poisson ratio ν (dimensionless), 0 <= ν < 0.5.
    """
    E, nu = np.asarray(youngs_modulus_Pa, float), np.asarray(poisson, float)
    return E * (1.0 - nu) / ((1.0 + nu) * (1.0 - 2.0 * nu))


def plastic_strain(pressure_Pa: Array, eps0: Array, eps_min: Array, pressure_scale_Pa: Array) -> np.ndarray:
    """Plastic thickness strain c = 1 - (1 - ε_0)/(1 - ε_p(p)) after uniaxial compaction to peak pressure p (-).

    ε_p(p) is the compaction law :func:`xlcell.calendering.porosity_after` in pressure form.

    Parameters
    ----------
    pressure_Pa : array_like
        Peak pressure p in Pa (>= 0).
    eps0 : array_like
        Porosity before calendering ε_0 (dimensionless).
    eps_min : array_like
        Minimum porosity ε_min (dimensionless).
    pressure_scale_Pa : array_like
        Compaction pressure scale p_c in Pa.
    """
    ep = porosity_after(pressure_Pa, eps0, eps_min, pressure_scale_Pa)
    return 1.0 - (1.0 - np.asarray(eps0, float)) / (1.0 - ep)


def loading_pressure(strain: Array, eps0: Array, eps_min: Array, pressure_scale_Pa: Array,
                     modulus_Pa: Array, *, tol: float = 1e-12, iterations: int = 100) -> tuple[np.ndarray, np.ndarray]:
    """Pressure p and its slope dp/de on first loading in uniaxial strain: the root of e = c(p) + p/M.

    e(p) is increasing and concave, so Newton's method from p = 0 converges monotonically (vectorised).

    Returns ``(p_Pa, dp_de_Pa)``; p = 0 and the elastic slope M where e <= 0.

    Parameters
    ----------
    strain : array_like
        Compressive thickness strain e = 1 - L/L_0 (dimensionless).
    eps0 : array_like
        Porosity before calendering ε_0 (dimensionless).
    eps_min : array_like
        Minimum porosity ε_min (dimensionless).
    pressure_scale_Pa : array_like
        Compaction pressure scale p_c in Pa.
    modulus_Pa : array_like
        Oedometric modulus M in Pa.
    tol : float
        Convergence tolerance on the strain residual.
    iterations : int
        Largest number of Newton iterations.
    """
    e, e0, em, pc, M = np.broadcast_arrays(*(np.asarray(a, float) for a in
                                             (strain, eps0, eps_min, pressure_scale_Pa, modulus_Pa)))
    pos = e > 0
    p = np.zeros(e.shape)
    for _ in range(iterations):
        ep = em + (e0 - em) * np.exp(-p / pc)
        c = 1.0 - (1.0 - e0) / (1.0 - ep)
        dc = (1.0 - e0) * (ep - em) / ((1.0 - ep) ** 2 * pc)
        r = np.where(pos, c + p / M - e, 0.0)
        p = p - r / (dc + 1.0 / M)
        if np.all(np.abs(r) <= tol):
            break
    ep = em + (e0 - em) * np.exp(-p / pc)
    dc = (1.0 - e0) * (ep - em) / ((1.0 - ep) ** 2 * pc)
    p = np.where(pos, np.maximum(p, 0.0), 0.0)
    return p, np.where(pos, 1.0 / (dc + 1.0 / M), M)


# ---------------------------------------------------------------------------------------------
# The 1D roll pass (thin-layer limit), vectorised over designs
# ---------------------------------------------------------------------------------------------

@functools.cache
def _gauss_legendre() -> tuple[np.ndarray, np.ndarray]:
    """The 48-point Gauss-Legendre nodes and weights on (-1, 1), computed on first use (not at import: issue 15)."""
    return np.polynomial.legendre.leggauss(48)


def _chord(depth: np.ndarray, R: np.ndarray) -> np.ndarray:
    """Half-chord of a circle of radius R at ``depth`` below its lowest point: sqrt(R² - (R - d)²)."""
    d = np.clip(depth, 0.0, R)
    return np.sqrt(d * (2.0 * R - d))  # R² - (R - d)², written so that a huge R does not overflow


def roll_surface(x_m: Array, gap_m: Array, roll_radius_m: Array) -> np.ndarray:
    """Height of the roll surface above the foil h(x) = g + R - sqrt(R² - x²) (m); inf where |x| >= R.

    Parameters
    ----------
    x_m : array_like
        Position along the web from the roll's centre line in m.
    gap_m : array_like
        Smallest gap g between roll and foil in m.
    roll_radius_m : array_like
        Roll radius R in m.
    """
    x, g, R = (np.asarray(a, float) for a in (x_m, gap_m, roll_radius_m))
    return np.where(np.abs(x) < R, g + _sag(x, R), np.inf)


@dataclass(frozen=True, kw_only=True)
class RollPass:
    """The 1D roll pass (SI arrays over designs)."""

    gap_m: np.ndarray = field(metadata=param("Roll gap", "µm", key="gap_um", group=_R))
    line_load_N_m: np.ndarray = field(metadata=param("Line load", "N/mm", key="line_load_N_mm", group=_R))
    exit_porosity: np.ndarray = field(metadata=param("Exit porosity", "-", key="exit_porosity", group=_R))
    exit_thickness_m: np.ndarray = field(metadata=param("Exit thickness", "µm", key="exit_thickness_um", group=_R))
    springback_m: np.ndarray = field(metadata=param("Spring-back (exit thickness - gap)", "µm", key="springback_um",
                                                    group=_R))
    contact_length_m: np.ndarray = field(metadata=param("Contact length", "mm", key="contact_length_mm", group=_R))
    entry_length_m: np.ndarray = field(metadata=param("Entry side of the contact", "mm", key="entry_length_mm",
                                                      group=_R))
    peak_pressure_Pa: np.ndarray = field(metadata=param("Peak pressure", "MPa", key="peak_pressure_MPa", group=_R))


def _sag(x: np.ndarray, R: np.ndarray) -> np.ndarray:
    """The roll surface's rise above its lowest point R - sqrt(R² - x²), as x² / (R (1 + sqrt(1 - (x/R)²)))."""
    s = np.clip(x / np.where(R > 0, R, 1.0), -1.0, 1.0)
    return x * x / (R * (1.0 + np.sqrt(1.0 - s * s)))


def _pass_at_depth(d, L0, e0, em, pc, M, R):
    """Line load and the other results of the roll pass with the roll pressed a depth d = L_0 - g into the coating
    (arrays broadcast together; written in d, so that a tiny indentation keeps its digits)."""
    p_max, _ = loading_pressure(d / L0, e0, em, pc, M)
    c_max = plastic_strain(p_max, e0, em, pc)
    x_in = _chord(d, R)
    x_out = _chord(d - L0 * c_max, R)  # the contact opens where the roll has risen by the spring-back
    gl_x, gl_w = _gauss_legendre()
    t = 0.5 * (gl_x + 1.0)  # Gauss-Legendre nodes on (0, 1)
    Rb, Lb, db = R[..., None], L0[..., None], d[..., None]
    e_in = (db - _sag(-x_in[..., None] * t, Rb)) / Lb  # entry side, x < 0: loading
    e_out = (db - _sag(x_out[..., None] * t, Rb)) / Lb  # exit side, x > 0: elastic unloading
    p_in, _ = loading_pressure(e_in, e0[..., None], em[..., None], pc[..., None], M[..., None])
    p_out = np.maximum(M[..., None] * (e_out - c_max[..., None]), 0.0)
    q = 0.5 * (x_in * (p_in @ gl_w) + x_out * (p_out @ gl_w))
    eps_exit = 1.0 - (1.0 - e0) / (1.0 - c_max)  # the plastic porosity ε_p(p_max), by mass conservation
    L_exit = L0 * (1.0 - c_max)
    return q, dict(exit_porosity=eps_exit, exit_thickness_m=L_exit, springback_m=d - L0 * c_max,
                   contact_length_m=x_in + x_out, entry_length_m=x_in, peak_pressure_Pa=p_max)


def roll_pass_1d(line_load_N_m: Array, roll_radius_m: Array, thickness_before_m: Array, eps0: Array,
                 eps_min: Array, pressure_scale_Pa: Array, modulus_Pa: Array, *, iterations: int = 64) -> RollPass:
    """The 1D roll pass at a line load: the gap that carries it (bisection) and the pass at that gap.

    Parameters
    ----------
    line_load_N_m : array_like
        Line load q in N/m, > 0.
    roll_radius_m : array_like
        Roll radius R in m.
    thickness_before_m : array_like
        Coating thickness before the nip L_0 in m.
    eps0 : array_like
        Porosity before calendering ε_0 (dimensionless).
    eps_min : array_like
        Minimum porosity ε_min (dimensionless).
    pressure_scale_Pa : array_like
        Compaction pressure scale p_c in Pa.
    modulus_Pa : array_like
        Oedometric modulus M in Pa.
    iterations : int
        Bisection halvings of log2 of the roll's indentation L_0 - g on [-1000, 0] (64: relative error ~4e-17).
    """
    q, R, L0, e0, em, pc, M = np.broadcast_arrays(*(np.asarray(a, float) for a in (
        line_load_N_m, roll_radius_m, thickness_before_m, eps0, eps_min, pressure_scale_Pa, modulus_Pa)))
    with np.errstate(over="ignore", invalid="ignore"):
        return _roll_pass(q, R, L0, e0, em, pc, M, iterations)


def _roll_pass(q, R, L0, e0, em, pc, M, iterations):
    ok = np.isfinite(q) & (q > 0)
    if not ok.all():
        i = int(np.flatnonzero(~ok.ravel())[0])
        raise InputError("line_load_N_mm", float(units.to_display(q.ravel()[i], "N/mm")), "a number > 0 N/mm",
                         f"design {i + 1}" if q.size > 1 else None)
    check_compaction_law(e0, em, pc)
    # bisection on the roll's indentation d = L_0 - g in log2(d / L_0) from -1000 (q ~ 0) to 0 (the gap closed):
    # a huge roll or a tiny line load needs a tiny d, which a bisection on g could not resolve
    lo, hi = np.full(q.shape, -1000.0), np.zeros(q.shape)
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        qm, _ = _pass_at_depth(L0 * np.exp2(mid), L0, e0, em, pc, M, R)
        above = qm > q
        lo, hi = np.where(above, lo, mid), np.where(above, mid, hi)
    d = L0 * np.exp2(0.5 * (lo + hi))
    g = L0 - d
    qg, rest = _pass_at_depth(d, L0, e0, em, pc, M, R)
    # the roll cannot carry it: the gap closed on the foil
    short = ~(np.abs(qg - q) <= LINE_LOAD_RTOL * q + LINE_LOAD_ATOL_N_M)
    if short.any():
        i = int(np.flatnonzero(short.ravel())[0])
        q_max, _ = _pass_at_depth(L0, L0, e0, em, pc, M, R)
        most = float(units.to_display(q_max.ravel()[i], "N/mm"))
        raise InputError("line_load_N_mm", float(units.to_display(q.ravel()[i], "N/mm")),
                         f"at most {most:.4g} N/mm for this roll and coating (a larger line "
                         "load would close the gap on the foil)", f"design {i + 1}" if q.size > 1 else None)
    return RollPass(gap_m=g, line_load_N_m=qg, **rest)


def roll_pass_profile(gap_m: float, roll_radius_m: float, thickness_before_m: float, eps0: float, eps_min: float,
                      pressure_scale_Pa: float, modulus_Pa: float, x_m: Array) -> np.ndarray:
    """Contact pressure p(x) of the 1D roll pass at gap g on positions ``x_m`` (Pa; 0 outside the contact).

    Parameters
    ----------
    gap_m : float
        Gap g in m.
    roll_radius_m : float
        Roll radius R in m.
    thickness_before_m : float
        Coating thickness before the nip L_0 in m.
    eps0 : float
        Porosity before calendering ε_0 (dimensionless).
    eps_min : float
        Minimum porosity ε_min (dimensionless).
    pressure_scale_Pa : float
        Compaction pressure scale p_c in Pa.
    modulus_Pa : float
        Oedometric modulus M in Pa.
    x_m : array_like
        Positions along the web from the roll's centre line in m.
    """
    x = np.asarray(x_m, float)
    h = roll_surface(x, gap_m, roll_radius_m)
    e = np.where(np.isfinite(h), 1.0 - h / thickness_before_m, -1.0)
    p_in, _ = loading_pressure(e, eps0, eps_min, pressure_scale_Pa, modulus_Pa)
    p_max, _ = loading_pressure(1.0 - gap_m / thickness_before_m, eps0, eps_min, pressure_scale_Pa, modulus_Pa)
    c_max = plastic_strain(p_max, eps0, eps_min, pressure_scale_Pa)
    p_out = np.maximum(modulus_Pa * (e - c_max), 0.0)
    return np.where(x <= 0, p_in, p_out)


# ---------------------------------------------------------------------------------------------
# The FE model (scikit-fem)
# ---------------------------------------------------------------------------------------------

def _skfem():
    try:
        import skfem  # noqa: F401
    except ImportError:  # pragma: no cover - the simulate and test extras install it
        raise MissingDependencyError("scikit-fem", "simulate") from None
    return skfem


@dataclass
class _Law:
    """The 2D compaction law at the Gauss points, with its history (plane strain, compression positive in θ)."""

    eps0: float
    eps_min: float
    pc: float
    lam: float
    mu: float
    M: float
    shape: tuple[int, ...]
    flow: str = "thickness"
    theta_max: np.ndarray = None  # type: ignore[assignment]
    c: np.ndarray = None  # type: ignore[assignment]
    ep: np.ndarray = None  # type: ignore[assignment]
    N: np.ndarray = None  # type: ignore[assignment]

    def __post_init__(self) -> None:
        self.theta_max = np.zeros(self.shape)
        self.c = np.zeros(self.shape)
        self.ep = np.zeros((2, 2) + self.shape)

    def update(self, strain: np.ndarray) -> dict[str, np.ndarray]:
        """Stress, tangent data and the trial history for a total strain (2, 2, ...) from the committed history."""
        theta = -(strain[0, 0] + strain[1, 1])
        loading = theta > self.theta_max
        p, dpde = loading_pressure(np.where(loading, theta, 0.0), self.eps0, self.eps_min, self.pc, self.M)
        c_new = np.where(loading, theta - p / self.M, self.c)
        dc = c_new - self.c
        cprime = np.where(loading, 1.0 - dpde / self.M, 0.0)  # dc/dθ on first loading
        N = self.N
        ep = self.ep + dc * N
        ee = strain - ep
        tr = ee[0, 0] + ee[1, 1]
        eye = np.eye(2).reshape((2, 2) + (1,) * len(self.shape))
        sig = self.lam * tr * eye + 2.0 * self.mu * ee
        CN = self.lam * (N[0, 0] + N[1, 1]) * eye + 2.0 * self.mu * N
        return dict(sig=sig, sig_zz=self.lam * tr, CN=CN, cprime=cprime, theta=theta, loading=loading, c=c_new,
                    ep=ep)

    def begin_step(self, strain: np.ndarray) -> None:
        """Fix the plastic flow direction N = -n⊗n of the step, so that the Newton tangent is exact: n the thickness
        direction e_y (``flow="thickness"``), or the most compressive principal direction of the committed strain
        (``flow="principal"``; e_y where the strain is zero)."""
        a, b, d = strain[0, 0], strain[0, 1], strain[1, 1]
        phi = 0.5 * np.arctan2(2.0 * b, a - d)  # direction of the larger principal strain (0 for zero strain)
        if self.flow == "thickness":
            phi = np.zeros_like(phi)
        n = np.stack([-np.sin(phi), np.cos(phi)])  # the most compressive principal direction
        self.N = -n[:, None] * n[None, :]

    def commit(self, state: Mapping[str, np.ndarray]) -> None:
        self.theta_max = np.maximum(self.theta_max, state["theta"])
        self.c = state["c"]
        self.ep = state["ep"]


@dataclass(frozen=True, kw_only=True)
class FeNip:
    """The FE nip at the end of the march (SI); fields at the element centres, positions from the roll's centre."""

    line_load_N_m: float = field(metadata=param("Line load", "N/mm", key="line_load_N_mm", group=_R))
    exit_porosity: float = field(metadata=param("Exit porosity", "-", key="exit_porosity", group=_R))
    exit_thickness_m: float = field(metadata=param("Exit thickness", "µm", key="exit_thickness_um", group=_R))
    springback_m: float = field(metadata=param("Spring-back (exit thickness - gap)", "µm", key="springback_um",
                                               group=_R))
    contact_length_m: float = field(metadata=param("Contact length", "mm", key="contact_length_mm", group=_R))
    peak_pressure_Pa: float = field(metadata=param("Peak contact pressure", "MPa", key="peak_pressure_MPa", group=_R))
    porosity_spread: float = field(metadata=param("Exit porosity, top minus bottom", "-", key="porosity_spread",
                                                  group=_R, doc="Through-thickness gradient behind the nip"))
    elements: int = field(metadata=param("Elements", "-", key="fe_elements", group=_R))
    dofs: int = field(metadata=param("Degrees of freedom", "-", key="fe_dofs", group=_R))
    steps: int = field(metadata=param("Roll positions", "-", key="fe_steps", group=_R))
    newton_iterations: int = field(metadata=param("Newton iterations (all steps)", "-", key="fe_newton_iterations",
                                                  group=_R))
    seconds: float = field(metadata=param("Run time", "s", key="fe_seconds", group=_R))
    x_m: np.ndarray = field(repr=False, metadata=param("Element centre along the web, from the roll centre line", "mm",
                                                       key="x_mm", group=_F))
    y_m: np.ndarray = field(repr=False, metadata=param("Element centre height above the foil", "µm", key="y_um", group=_F))
    porosity: np.ndarray = field(repr=False, metadata=param("Porosity (element centres; rows from the foil up)", "-",
                                                            key="porosity", group=_F))
    stress_yy_Pa: np.ndarray = field(repr=False, metadata=param("Through-thickness stress σ_yy (tension positive)", "MPa",
                                                                key="stress_yy_MPa", group=_F))
    contact_x_m: np.ndarray = field(repr=False, metadata=param("Top node along the web, from the roll centre line", "mm",
                                                               key="contact_x_mm", group=_F))
    contact_pressure_Pa: np.ndarray = field(repr=False, metadata=param("Contact pressure at the top nodes", "MPa",
                                                                       key="contact_pressure_MPa", group=_F))
    line_load_history_N_m: np.ndarray = field(repr=False, metadata=param("Line load at each roll position", "N/mm",
                                                                         key="line_load_history_N_mm", group=_F))


class CoatingFE:
    """A plane-strain strip of coating on scikit-fem: the mesh, the vector Q1 basis (2x2 Gauss points), the compaction
    law with its history at the Gauss points, the assembled forms, and Newton's method for one load step.

    Parameters
    ----------
    mesh : skfem.MeshQuad
        The coating in the (x, y) plane, y = 0 on the foil (m).
    eps0 : float
        Porosity before calendering ε_0 (dimensionless).
    eps_min : float
        Minimum porosity ε_min (dimensionless).
    pressure_scale_Pa : float
        Compaction pressure scale p_c in Pa (``inf``: a linear elastic coating).
    youngs_modulus_Pa : float
        Coating Young's modulus E in Pa.
    poisson : float
        Coating Poisson ratio ν (dimensionless).
    flow : {"thickness", "principal"}
        Direction of the plastic compaction strain (:func:`fe_nip`).
    """

    def __init__(self, mesh: Any, eps0: float, eps_min: float, pressure_scale_Pa: float, youngs_modulus_Pa: float,
                 poisson: float, flow: str = "thickness"):
        if flow not in ("thickness", "principal"):
            raise InputError("flow", flow, "'thickness' or 'principal'")
        _skfem()
        from skfem import Basis, BilinearForm, ElementQuad1, ElementVector, LinearForm, asm

        E, nu = float(youngs_modulus_Pa), float(poisson)
        lam, mu = E * nu / ((1 + nu) * (1 - 2 * nu)), E / (2 * (1 + nu))
        self.lam, self.mu, self.M = lam, mu, lam + 2 * mu
        self.eps0 = float(eps0)
        self.mesh = mesh
        self.basis = Basis(mesh, ElementVector(ElementQuad1()), intorder=2)
        self.law = _Law(float(eps0), float(eps_min), float(pressure_scale_Pa), lam, mu, self.M,
                        (mesh.t.shape[1], self.basis.X.shape[-1]), flow)
        self._asm = asm

        @LinearForm
        def internal(v, w):
            gv = v.grad
            return w["sxx"] * gv[0, 0] + w["syy"] * gv[1, 1] + w["sxy"] * (gv[0, 1] + gv[1, 0])

        @BilinearForm
        def elastic(u, v, w):
            gu, gv = u.grad, v.grad
            tu, tv = gu[0, 0] + gu[1, 1], gv[0, 0] + gv[1, 1]
            return (lam * tu * tv + 2.0 * mu * (gu[0, 0] * gv[0, 0] + gu[1, 1] * gv[1, 1])
                    + mu * (gu[0, 1] + gu[1, 0]) * (gv[0, 1] + gv[1, 0]))

        @BilinearForm
        def plastic(u, v, w):  # c'(θ) tr ε(u) (C:N):ε(v), nonzero where the coating is being compacted
            gu, gv = u.grad, v.grad
            cn = (lam * (w["nxx"] + w["nyy"]) * (gv[0, 0] + gv[1, 1])
                  + 2.0 * mu * (w["nxx"] * gv[0, 0] + w["nyy"] * gv[1, 1] + w["nxy"] * (gv[0, 1] + gv[1, 0])))
            return w["cp"] * (gu[0, 0] + gu[1, 1]) * cn

        self._internal, self._plastic = internal, plastic
        self.K_el = asm(elastic, self.basis)

    @property
    def N(self) -> int:
        """Number of degrees of freedom."""
        return int(self.basis.N)

    def strain(self, u: np.ndarray) -> np.ndarray:
        """Small strain at the Gauss points, shape (2, 2, elements, points).

        Parameters
        ----------
        u : ndarray
            Nodal displacements (m).
        """
        return sym_grad_of(self.basis, u)

    def state(self, u: np.ndarray) -> dict[str, np.ndarray]:
        """The law's trial state at ``u`` from the committed history (stress ``sig`` in Pa, ``theta``, ...).

        Parameters
        ----------
        u : ndarray
            Nodal displacements (m).
        """
        return self.law.update(self.strain(u))

    def porosity(self, u: np.ndarray) -> np.ndarray:
        """Porosity at the Gauss points 1 - (1 - ε_0)/(1 + tr ε) (mass conservation), shape (elements, points).

        Parameters
        ----------
        u : ndarray
            Nodal displacements (m).
        """
        e = self.strain(u)
        return 1.0 - (1.0 - self.eps0) / (1.0 + e[0, 0] + e[1, 1])

    def solve_step(self, u: np.ndarray, fixed: np.ndarray, *, contact: Callable[[np.ndarray], tuple] | None = None,
                   force_tol_N_m: float = 1e-3, disp_tol_m: float = 1e-15,
                   max_iterations: int = 40) -> tuple[np.ndarray, dict[str, np.ndarray], int]:
        """Newton's method for one load step, then the history is committed.

        ``u`` holds the prescribed values at the ``fixed`` degrees of freedom (and the start of the others);
        ``contact(u)`` returns the contact forces added to the residual and the diagonal of their stiffness.

        Returns ``(u, state, iterations)``. Raises :class:`~xlcell.errors.InfeasibleError` without convergence.

        Parameters
        ----------
        u : ndarray
            Start displacements, prescribed ones included (m).
        fixed : ndarray of int
            Degrees of freedom held at their values in ``u``.
        contact : callable, optional
            ``contact(u) -> (force, stiffness)``, arrays over the degrees of freedom (N/m, N/m²).
        force_tol_N_m : float
            Convergence when the largest free residual force is below this (N per m of roll face).
        disp_tol_m : float
            ... or the largest displacement correction is below this (m).
        max_iterations : int
            Largest number of Newton iterations.
        """
        from scipy.sparse import diags
        from scipy.sparse.linalg import spsolve

        u = np.array(u, dtype=float)
        free = np.setdiff1d(np.arange(self.N), fixed)
        self.law.begin_step(self.strain(u))
        for it in range(1, max_iterations + 1):
            state = self.state(u)
            sig = state["sig"]
            r = self._asm(self._internal, self.basis, sxx=sig[0, 0], syy=sig[1, 1], sxy=sig[0, 1])
            K = self.K_el
            if state["loading"].any():
                n = self.law.N
                K = K + self._asm(self._plastic, self.basis, cp=state["cprime"], nxx=n[0, 0], nyy=n[1, 1],
                                  nxy=n[0, 1])
            if contact is not None:
                fc, kc = contact(u)
                r = r + fc
                K = K + diags(kc)
            du = np.zeros(self.N)
            du[free] = spsolve(K[free][:, free].tocsc(), -r[free])
            u += du
            if np.max(np.abs(r[free]), initial=0.0) < force_tol_N_m or np.max(np.abs(du)) < disp_tol_m:
                break
        else:
            raise InfeasibleError(f"the FE model did not converge in {max_iterations} Newton iterations: refine the "
                                  "mesh (fe_elements_nip, fe_elements_thickness) or lower the line load")
        state = self.state(u)
        self.law.commit(state)
        return u, state, it


def fe_nip(gap_m: float, roll_radius_m: float, thickness_before_m: float, eps0: float, eps_min: float,
           pressure_scale_Pa: float, youngs_modulus_Pa: float, poisson: float, contact_scale_m: float, *,
           elements_thickness: int = 6, elements_nip: int = 30, flow: str = "thickness",
           progress: Callable[[int, int], None] | None = None) -> FeNip:
    """March a rigid roll at gap g across a plane-strain strip of coating (scikit-fem; see the module text).

    The strip (bonded to the foil at y = 0, ends held in x) is as long as 1.3 contact lengths of travel plus the
    contact and margins; the roll is lowered onto it in 6 steps, then moved one element per step. The line load is
    the mean of the contact forces over the last quarter of the march; the exit porosity and thickness are the means
    over the elements behind the contact that went through the whole nip.

    Parameters
    ----------
    gap_m : float
        Gap g between roll and foil in m.
    roll_radius_m : float
        Roll radius R in m.
    thickness_before_m : float
        Coating thickness before the nip L_0 in m.
    eps0 : float
        Porosity before calendering ε_0 (dimensionless).
    eps_min : float
        Minimum porosity ε_min (dimensionless).
    pressure_scale_Pa : float
        Compaction pressure scale p_c in Pa.
    youngs_modulus_Pa : float
        Coating Young's modulus E in Pa.
    poisson : float
        Coating Poisson ratio ν (dimensionless).
    contact_scale_m : float
        Expected contact length in m (the 1D model's); sets the element length (``contact_scale_m / elements_nip``)
        and the strip length.
    elements_thickness : int
        Elements through the coating thickness.
    elements_nip : int
        Elements along ``contact_scale_m``.
    flow : {"thickness", "principal"}
        Direction of the plastic compaction strain: through the thickness (the roll's loading axis; default), or the
        most compressive principal strain direction (a variant; see ``docs/models/simulation.md``).
    progress : callable, optional
        ``progress(done, total)`` after each roll position.
    """
    check_mesh(elements_thickness, elements_nip)
    _skfem()
    from skfem import MeshQuad

    t0 = time.perf_counter()
    R, L0, g = float(roll_radius_m), float(thickness_before_m), float(gap_m)
    a_in = float(_chord(np.asarray(L0 - g), np.asarray(R)))
    dx = contact_scale_m / elements_nip
    dy = L0 / elements_thickness
    margin = max(0.3 * contact_scale_m, 5 * L0)
    n_march = int(math.ceil(1.3 * elements_nip))  # roll positions one element apart over 1.3 contact lengths
    travel = n_march * dx
    x_end = margin + a_in  # the roll's last position (the snapshot)
    x_start = x_end + travel
    nx = int(math.ceil((x_start + contact_scale_m + margin) / dx - 1e-9))
    ny = elements_thickness
    mesh = MeshQuad.init_tensor(np.linspace(0.0, nx * dx, nx + 1), np.linspace(0.0, L0, ny + 1))
    model = CoatingFE(mesh, eps0, eps_min, pressure_scale_Pa, youngs_modulus_Pa, poisson, flow)
    nd = model.basis.nodal_dofs  # (2, nodes)
    px, py = mesh.p
    ix, iy = np.rint(px / dx).astype(int), np.rint(py / dy).astype(int)
    fixed = np.unique(np.concatenate([nd[0, iy == 0], nd[1, iy == 0], nd[0, (ix == 0) | (ix == nx)]]))
    top = np.flatnonzero(iy == ny)
    top = top[np.argsort(px[top])]
    top_y = nd[1, top]
    trib = np.full(top.size, dx)
    trib[0] = trib[-1] = 0.5 * dx
    k_pen = CONTACT_PENALTY * model.M / dy  # contact stiffness per unit area (Pa/m)
    at = np.full((ny + 1, nx + 1), -1)
    at[iy, ix] = np.arange(px.size)
    ahead = at[iy, np.minimum(ix + 1, nx)]  # the node one element further along x

    def contact_at(surf: np.ndarray) -> Callable[[np.ndarray], tuple]:
        def contact(u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            pen = L0 + u[top_y] - surf
            fc, kc = np.zeros(model.N), np.zeros(model.N)
            fc[top_y] = k_pen * trib * np.maximum(pen, 0.0)
            kc[top_y] = k_pen * trib * (pen > 0)
            return fc, kc
        return contact

    n_ramp = 6
    positions = [(x_start, L0 + (g - L0) * (k + 1) / n_ramp) for k in range(n_ramp)]
    positions += [(x_start - dx * (k + 1), g) for k in range(n_march)]
    u = np.zeros(model.N)
    history, iters = [], 0
    state: dict[str, np.ndarray] = {}
    for step, (xr, gr) in enumerate(positions):
        surf = roll_surface(px[top] - xr, gr, R)
        if step >= n_ramp:  # steady rolling translates the field with the roll: u_(k+1)(x) = u_k(x + dx) predicts
            u = u.copy()
            u[nd[0]], u[nd[1]] = u[nd[0, ahead]], u[nd[1, ahead]]
            u[fixed] = 0.0
        u, state, it = model.solve_step(u, fixed, contact=contact_at(surf),
                                        force_tol_N_m=NIP_FORCE_RTOL * pressure_scale_Pa * dx,
                                        disp_tol_m=NIP_DISP_RTOL * L0)
        iters += it
        history.append(float(np.sum(k_pen * trib * np.maximum(L0 + u[top_y] - surf, 0.0))))
        if progress is not None:
            progress(step + 1, len(positions))
    # fields at the element centres (mean of the Gauss points), in the roll's frame
    por = model.porosity(u)
    cx, cy = mesh.p[0, mesh.t].mean(axis=0), mesh.p[1, mesh.t].mean(axis=0)
    order = np.lexsort((cx, cy))  # rows from the foil up, columns along x

    def grid(a: np.ndarray) -> np.ndarray:
        return a[order].reshape(ny, nx)

    por_c = grid(por.mean(axis=1))
    syy = grid(state["sig"][1, 1].mean(axis=1))
    xc, yc = grid(cx) - x_end, grid(cy)
    pen = L0 + u[top_y] - roll_surface(px[top] - x_end, g, R)
    pc_nodes = k_pen * np.maximum(pen, 0.0)
    xt = px[top] - x_end
    inc = np.flatnonzero(pc_nodes > 0)
    contact = 0.0
    if inc.size:  # the contact edges where the penetration crosses zero between a node in and a node out of contact
        i0, i1 = inc[0], inc[-1]
        x0 = xt[i0] - dx * pen[i0] / (pen[i0] - pen[i0 - 1]) if i0 > 0 else xt[i0]
        x1 = xt[i1] + dx * pen[i1] / (pen[i1] - pen[i1 + 1]) if i1 + 1 < xt.size else xt[i1]
        contact = float(x1 - x0)
    # exit: elements behind the contact that went through the whole nip
    x_exit_lo = (xt[inc[-1]] if inc.size else 0.0) + 2 * dx
    x_exit_hi = x_start - x_end - a_in - dx
    cols = (xc[0] > x_exit_lo) & (xc[0] < x_exit_hi)
    if not cols.any():  # pragma: no cover - the strip is sized so that this cannot happen
        cols = xc[0] > x_exit_lo
    top_cols = (xt > x_exit_lo) & (xt < x_exit_hi)
    exit_thk = float(L0 + u[top_y][top_cols].mean()) if top_cols.any() else float("nan")
    tail = max(1, n_march // 4)
    return FeNip(line_load_N_m=float(np.mean(history[-tail:])), exit_porosity=float(por_c[:, cols].mean()),
                 exit_thickness_m=exit_thk, springback_m=exit_thk - g, contact_length_m=contact,
                 peak_pressure_Pa=float(pc_nodes.max()),
                 porosity_spread=float(por_c[-1, cols].mean() - por_c[0, cols].mean()),
                 elements=int(mesh.t.shape[1]), dofs=model.N, steps=len(positions), newton_iterations=iters,
                 seconds=time.perf_counter() - t0, x_m=xc, y_m=yc, porosity=por_c, stress_yy_Pa=syy,
                 contact_x_m=xt, contact_pressure_Pa=pc_nodes, line_load_history_N_m=np.asarray(history))


def compaction_column(strains: Array, eps0: float, eps_min: float, pressure_scale_Pa: float,
                      youngs_modulus_Pa: float, poisson: float, *, elements: tuple[int, int] = (2, 4),
                      height_m: float = 100e-6) -> dict[str, np.ndarray]:
    """The FE model's 1D limit: a column of coating in uniaxial strain (sides held in x, foil below), its top pushed
    down to each compressive strain of ``strains`` in turn, and after each the top released (unloaded).

    Returns ``{"strain", "pressure_Pa", "loaded_porosity", "residual_porosity"}``: the through-thickness stress
    -σ_yy at each strain (mean of the Gauss points), the porosity under that load, and the porosity after release.
    Under uniaxial strain the residual porosity is the compaction law at the peak pressure,
    :func:`xlcell.calendering.porosity_after` (pressure form).

    Parameters
    ----------
    strains : array_like
        Compressive strains 1 - L/L_0 pushed in turn (dimensionless, increasing for new compaction).
    eps0 : float
        Porosity before calendering ε_0 (dimensionless).
    eps_min : float
        Minimum porosity ε_min (dimensionless).
    pressure_scale_Pa : float
        Compaction pressure scale p_c in Pa.
    youngs_modulus_Pa : float
        Coating Young's modulus E in Pa.
    poisson : float
        Coating Poisson ratio ν (dimensionless).
    elements : (int, int)
        Elements across and through the column.
    height_m : float
        Column height L_0 in m.
    """
    _skfem()
    from skfem import MeshQuad

    mesh = MeshQuad.init_tensor(np.linspace(0.0, height_m, elements[0] + 1), np.linspace(0.0, height_m, elements[1] + 1))
    model = CoatingFE(mesh, eps0, eps_min, pressure_scale_Pa, youngs_modulus_Pa, poisson)
    nd = model.basis.nodal_dofs
    px, py = mesh.p
    bottom, top = np.isclose(py, 0.0), np.isclose(py, height_m)
    sides = np.isclose(px, 0.0) | np.isclose(px, height_m)
    hold = np.unique(np.concatenate([nd[0, sides], nd[1, bottom]]))
    pushed = np.unique(np.concatenate([hold, nd[1, top]]))
    u = np.zeros(model.N)
    out: dict[str, list[float]] = {"strain": [], "pressure_Pa": [], "loaded_porosity": [], "residual_porosity": []}
    for e in np.atleast_1d(np.asarray(strains, float)):
        u[nd[1, top]] = -e * height_m
        u, state, _ = model.solve_step(u, pushed, force_tol_N_m=COMPRESSION_FORCE_RTOL * pressure_scale_Pa * height_m)
        out["strain"].append(float(e))
        out["pressure_Pa"].append(float(-state["sig"][1, 1].mean()))
        out["loaded_porosity"].append(float(model.porosity(u).mean()))
        released, _, _ = model.solve_step(u, hold, force_tol_N_m=COMPRESSION_FORCE_RTOL * pressure_scale_Pa * height_m)
        out["residual_porosity"].append(float(model.porosity(released).mean()))
    return {k: np.asarray(v) for k, v in out.items()}


def sym_grad_of(basis: Any, u: np.ndarray) -> np.ndarray:
    """Small strain ε = (∇u + ∇uᵀ)/2 of the displacement ``u`` at the Gauss points, shape (2, 2, elements, points).

    Parameters
    ----------
    basis : skfem.Basis
        The vector basis of ``u``.
    u : ndarray
        Nodal displacements (m).
    """
    G = basis.interpolate(u).grad
    return 0.5 * (G + G.transpose(1, 0, 2, 3))


# ---------------------------------------------------------------------------------------------
# The simulation: the lumped law, the 1D roll pass and the FE nip for one set of inputs
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True, kw_only=True)
class NipSimulation:
    """One nip simulated three ways (SI): xlcell's lumped law ε(q), the 1D roll pass and the FE model."""

    inputs: NipInputs
    material: CalenderingMaterial
    eps0: float = field(metadata=param("Porosity before calendering ε_0", "-", key="eps0", group=_R))
    pressure_scale_Pa: float = field(metadata=param("Compaction pressure scale p_c = γ_c / l_c", "MPa",
                                                    key="pressure_scale_MPa", group=_R))
    oedometric_modulus_Pa: float = field(metadata=param("Oedometric modulus M", "GPa", key="oedometric_modulus_GPa",
                                                        group=_R))
    fracture_line_load_N_m: float = field(metadata=param("Fracture-limited line load", "N/mm",
                                                         key="fracture_line_load_N_mm", group=_R, doc="inf: ductile"))
    lumped_porosity: float = field(metadata=param("Porosity by the lumped law ε(q)", "-", key="lumped_porosity",
                                                  group=_R, doc="xlcell.calendering.porosity_after at the line load"))
    lumped_nip_length_m: float = field(metadata=param("Nip length of the lumped law l_c", "mm",
                                                      key="lumped_nip_length_mm", group=_R))
    oned: RollPass
    fe: FeNip | None = None
    oned_seconds: float = field(default=0.0, metadata=param("1D run time", "s", key="oned_seconds", group=_R))

    def summary(self) -> dict[str, Any]:
        """The flat result in display units: ``fe_*`` and ``oned_*`` keys side by side (FE keys absent without FE)."""
        o = {k: float(np.asarray(v).reshape(-1)[0]) for k, v in to_display(self.oned).items()}
        out: dict[str, Any] = {"material": self.material.name,
                               "line_load_N_mm": float(to_display(self.inputs)["line_load_N_mm"])}
        if self.fe is not None:
            f = {k: v for k, v in to_display(self.fe).items() if np.ndim(v) == 0}
            for k in SUMMARY_KEYS:
                out[f"fe_{k}"] = float(f[k])
        for k in SUMMARY_KEYS:
            out[f"oned_{k}"] = o[k]
        out["gap_um"] = o["gap_um"]
        top = {k: float(v) for k, v in to_display(self).items() if np.ndim(v) == 0}
        out.update(top)
        if self.fe is not None:
            shown = to_display(self.fe)
            out["fe_porosity_spread"] = float(shown["porosity_spread"])
            for k in ("fe_elements", "fe_dofs", "fe_steps", "fe_newton_iterations", "fe_seconds"):
                out[k] = float(shown[k])
        return out


def nip_for_design(thickness_m: float, porosity: float, material: CalenderingMaterial, *,
                   solids_fraction: float = 0.4, roll_diameter_m: float = _LINE.roll_diameter_m) -> NipInputs:
    """The nip that calenders a coating to a design's thickness and porosity by the lumped law (the report's case):
    the line load q = :func:`xlcell.calendering.line_load_for_porosity` from the slurry's ε_0, and the thickness
    before calendering L (1 - ε)/(1 - ε_0) (mass conservation).

    Raises :class:`~xlcell.errors.InfeasibleError` when no line load reaches the porosity, and
    :class:`~xlcell.errors.InputError` when it lies beyond the material's fracture limit.

    Parameters
    ----------
    thickness_m : float
        The calendered coating's thickness L in m.
    porosity : float
        Its porosity ε (dimensionless).
    material : CalenderingMaterial
        The coating's calendering parameters.
    solids_fraction : float
        Slurry solids volume fraction φ_s (dimensionless), which gives ε_0.
    roll_diameter_m : float
        Roll diameter in m.
    """
    from .calendering import line_load_for_porosity

    eps0 = float(eps0_from_solids(solids_fraction, material))
    q = float(line_load_for_porosity(porosity, eps0, material.eps_min, material.gamma_N_m))
    q_frac = float(fracture_line_load(eps0, material))
    if q > q_frac:
        raise InputError("pos_porosity", float(porosity), f"at least {material.fracture_porosity:g} for {material.name}: "
                         f"the line load that reaches it, {float(units.to_display(q, 'N/mm')):.4g} N/mm,"
                         " cracks its particles")
    return NipInputs(material=material.name, line_load_N_m=q, thickness_before_m=float(thickness_m) * (1.0 - porosity)
                     / (1.0 - eps0), roll_diameter_m=roll_diameter_m, solids_fraction=solids_fraction)


#: the quantities both models report, compared side by side (keys of :class:`RollPass` and :class:`FeNip`)
SUMMARY_KEYS = ("line_load_N_mm", "exit_porosity", "springback_um", "contact_length_mm", "peak_pressure_MPa",
                "exit_thickness_um")


def simulate_nip(inputs: NipInputs | None = None, material: CalenderingMaterial | None = None, *, fe: bool = True,
                 flow: str = "thickness", progress: Callable[[int, int], None] | None = None) -> NipSimulation:
    """Simulate the nip at the inputs' line load: the 1D roll pass finds the gap, the FE model runs at that gap.

    Raises :class:`~xlcell.errors.InputError` for a line load beyond the material's fracture-limited line load
    (:func:`xlcell.calendering.fracture_line_load`) or a mesh too coarse (:func:`check_mesh`), and
    :class:`MissingDependencyError` without scikit-fem (``fe=False`` runs the 1D model only).

    Parameters
    ----------
    inputs : NipInputs, optional
        The inputs (SI; default: :class:`NipInputs`).
    material : CalenderingMaterial, optional
        The coating's calendering parameters (default: the library's record of ``inputs.material``).
    fe : bool
        Run the FE model too.
    flow : {"thickness", "principal"}
        The FE law's plastic flow direction (:func:`fe_nip`).
    progress : callable, optional
        ``progress(done, total)`` after each roll position of the FE march.
    """
    inputs = inputs or NipInputs()
    check_inputs(inputs)
    mat = material or get_calendering_material(inputs.material)
    q, R, L0 = float(inputs.line_load_N_m), 0.5 * float(inputs.roll_diameter_m), float(inputs.thickness_before_m)
    eps0 = float(eps0_from_solids(inputs.solids_fraction, mat))
    q_frac = float(fracture_line_load(eps0, mat))
    if q > q_frac:
        raise InputError("line_load_N_mm", float(units.to_display(q, "N/mm")),
                         f"at most {float(units.to_display(q_frac, 'N/mm')):.4g} N/mm, the fracture-limited line load "
                         f"of {mat.name} at ε_0 = {eps0:.3g} (its particles crack below porosity "
                         f"{mat.fracture_porosity:g})")
    pc = float(pressure_scale(q, R, L0, eps0, mat))
    M = float(oedometric_modulus(mat.coating_modulus_Pa, inputs.poisson))
    t0 = time.perf_counter()
    oned = roll_pass_1d(q, R, L0, eps0, mat.eps_min, pc, M)
    t1 = time.perf_counter() - t0
    eps_q = float(porosity_after(q, eps0, mat.eps_min, mat.gamma_N_m))
    L1 = L0 * (1.0 - eps0) / (1.0 - eps_q)
    lc = float(nip_length(q, R, L0 - L1, L1, mat.coating_modulus_Pa))
    fe_result = None
    if fe:
        fe_result = fe_nip(float(oned.gap_m), R, L0, eps0, mat.eps_min, pc, mat.coating_modulus_Pa, inputs.poisson,
                           float(oned.contact_length_m), elements_thickness=inputs.elements_thickness,
                           elements_nip=inputs.elements_nip, flow=flow, progress=progress)
    return NipSimulation(inputs=inputs, material=mat, eps0=eps0, pressure_scale_Pa=pc, oedometric_modulus_Pa=M,
                         fracture_line_load_N_m=q_frac, lumped_porosity=eps_q, lumped_nip_length_m=lc, oned=oned,
                         fe=fe_result, oned_seconds=t1)


__all__ = ["CoatingFE", "DEFAULT_POISSON", "FeNip", "compaction_column", "MissingDependencyError", "NipInputs", "NipSimulation", "RollPass",
           "SUMMARY_KEYS", "check_inputs", "check_mesh", "fe_nip", "material_from_values", "nip_for_design", "loading_pressure", "nip_inputs", "oedometric_modulus",
           "plastic_strain", "roll_pass_1d", "roll_pass_profile", "roll_surface", "simulate_nip", "sym_grad_of"]
