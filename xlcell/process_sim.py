"""A seeded calendering *simulator* standing in for the plant (not a plant model fitted to data).

The digital thread (:mod:`xlcell.surrogate`) learns porosity from process data and proposes the next
setting; to test and demonstrate it without a calender, this module plays the plant: it returns a
"measured" final porosity for arrays of settings (line load, line speed, slurry solids fraction, roll
temperature), with measurement noise from a seeded generator.

Model (illustrative, built from the relations of :mod:`xlcell.calendering`):

* Porosity before calendering ε_0 from the solids fraction (:func:`~xlcell.calendering.eps0_from_solids`).
* Quasi-static compaction law ε_eq(q) = ε_min + (ε_0 - ε_min) exp(-q/γ_c(T)), the binder softening with
  roll temperature as in :func:`xlcell.roll.softening_temperature_profile`: γ_c(T) = γ_c exp(-(T - T_ref)/T_s).
* Rate effect (viscoelastic): the nip dwell time is t_dwell = l_c / v, with the nip length l_c of
  :func:`~xlcell.calendering.nip_length` (plastic arc plus elastic half-width, evaluated at ε_eq) and the
  line speed v. A share χ of the compaction is rate-dependent and relaxes towards ε_eq with the relaxation
  time τ(T) = τ exp(-(T - T_ref)/T_s) during the dwell, the first-order relaxation of
  :mod:`xlcell.pressure_profile` at constant pressure; the rest is instantaneous (plastic). The Deborah
  number De = τ / t_dwell measures the rate effect, and the share of ε_0 - ε_eq that is achieved is
  f(De) = (1 - χ) + χ (1 - exp(-1/De)). So ε = ε_0 - f(De) (ε_0 - ε_eq): less compaction at high speed
  (high De), the quasi-static law at low speed (De -> 0).
* Measurement: ε_meas = ε + N(0, σ_noise²).

τ = 3 ms, χ = 0.5 and T_s = 30 K are illustrative defaults of the right order (the relaxation times of the
Calendering sheet's pressure-profile example), not fits: with them the porosity at 100 m/min is about
0.04 above the quasi-static value for NMC811 at 800 N/mm.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

from .calendering import (
    CalenderingMaterial,
    calendered_thickness,
    eps0_from_solids,
    get_calendering_material,
    nip_length,
    porosity_after,
)
from .errors import InputError
from .params import param, validate
from .units import from_si

Array = Any
_L = "Calender line"


@dataclass(frozen=True, kw_only=True)
class CalenderLine:
    """The fixed calender and the coating's rheology: what turns (q, v) into a dwell time and a Deborah number (SI)."""

    roll_diameter_m: float = field(default=0.6, metadata=param("Roll diameter", "m", key="roll_diameter_m", gt=0, group=_L))
    thickness_before_m: float = field(default=170e-6, metadata=param(
        "Coating thickness before calendering", "µm", key="thickness_before_um", gt=0, group=_L))
    relaxation_time_s: float = field(default=3e-3, metadata=param(
        "Relaxation time τ at T_ref", "ms", key="relaxation_time_ms", gt=0, group=_L,
        doc="Viscoelastic relaxation time of the coating (e.g. from a stress-relaxation test)"))
    viscous_share: float = field(default=0.5, metadata=param(
        "Rate-dependent share of compaction χ", "-", key="viscous_share", ge=0, le=1, group=_L,
        doc="Share of ε_0 - ε_eq that relaxes with τ during the dwell (simulator only)"))
    reference_temperature_K: float = field(default=298.15, metadata=param(
        "Reference roll temperature T_ref", "°C", key="reference_temperature_C", gt=-50, lt=300, group=_L))
    softening_K: float = field(default=30.0, metadata=param(
        "Softening temperature scale T_s", "K", key="softening_K", gt=0, group=_L,
        doc="γ_c and τ fall as exp(-(T - T_ref)/T_s)"))


SOLIDS_FRACTION = 0.4  #: default slurry solids volume fraction φ_s


def _f(x: Array) -> np.ndarray:
    return np.asarray(x, dtype=float)


def _check(name: str, x: np.ndarray, ok: np.ndarray, allowed: str, unit: str = "-") -> None:
    """Raise for the first setting not ``ok``, quoting its value in the display ``unit`` of ``name``."""
    bad = ~ok
    if bad.any():
        i = int(np.flatnonzero(bad.ravel())[0])
        raise InputError(name, float(from_si(float(np.broadcast_to(x, bad.shape).ravel()[i]), unit)), allowed,
                         f"setting {i + 1}" if bad.size > 1 else None)


def material_of(material: CalenderingMaterial | str) -> CalenderingMaterial:
    """``material`` itself, or the library's calendering parameters of that name.

    Parameters
    ----------
    material : CalenderingMaterial or str
        Calendering parameters, or a material name (any case).
    """
    return material if isinstance(material, CalenderingMaterial) else get_calendering_material(material)


def softening_factor(roll_temperature_K: Array, line: CalenderLine) -> np.ndarray:
    """exp(-(T - T_ref)/T_s): the factor on γ_c and τ at roll temperature T (-).

    Parameters
    ----------
    roll_temperature_K : array_like
        Roll temperature T in K (between -50 and 300 °C).
    line : CalenderLine
        The calender line (its reference temperature T_ref in K and softening scale T_s in K).
    """
    T = _f(roll_temperature_K)
    _check("roll_temperature_C", T, np.isfinite(T) & (T > 223.15) & (T < 573.15),
           "a number between -50 and 300 °C", "°C")
    return np.exp(-(T - line.reference_temperature_K) / line.softening_K)


def check_settings(line_load_N_m: Array, line_speed_m_s: Array) -> None:
    """Refuse a line load below 0 or a line speed at or below 0 (or not finite), naming the Excel key.

    Parameters
    ----------
    line_load_N_m : array_like
        Calender line load q in N/m.
    line_speed_m_s : array_like
        Line speed v in m/s.
    """
    q, v = _f(line_load_N_m), _f(line_speed_m_s)
    _check("line_load_N_mm", q, np.isfinite(q) & (q >= 0), "a number >= 0 N/mm", "N/mm")
    _check("line_speed_m_min", v, np.isfinite(v) & (v > 0), "a number > 0 m/min", "m/min")


class ProcessState(NamedTuple):
    """The simulator's state at broadcast settings, each quantity computed once (SI)."""

    eps0: np.ndarray  #: porosity before calendering ε_0 (-)
    softening: np.ndarray  #: exp(-(T - T_ref)/T_s), the factor on γ_c and τ (-)
    eps_eq: np.ndarray  #: quasi-static porosity of the compaction law ε_eq (-)
    dwell_s: np.ndarray  #: nip dwell time t_dwell = l_c / v (s)
    deborah: np.ndarray  #: De = τ(T) / t_dwell (-; inf at q = 0)


def _dwell(q: np.ndarray, v: np.ndarray, eps0: Array, eps_eq: np.ndarray, mat: CalenderingMaterial,
           line: CalenderLine) -> np.ndarray:
    L0 = line.thickness_before_m
    L1 = calendered_thickness(L0, eps0, eps_eq)
    lc = nip_length(q, 0.5 * line.roll_diameter_m, L0 - L1, L1, mat.coating_modulus_Pa)
    return lc / v


def _deborah(dwell_s: np.ndarray, soft: np.ndarray, line: CalenderLine) -> np.ndarray:
    t = dwell_s
    with np.errstate(divide="ignore"):
        return np.where(t > 0, line.relaxation_time_s * soft / np.where(t > 0, t, 1.0), np.inf)


def process_state(line_load_N_m: Array, line_speed_m_s: Array, solids_fraction: Array = SOLIDS_FRACTION,
                  material: CalenderingMaterial | str = "NMC811", roll_temperature_K: Array | None = None,
                  line: CalenderLine | None = None) -> ProcessState:
    """ε_0, softening, ε_eq, dwell time and Deborah number at broadcast settings (SI), each computed once.

    Checks the roll temperature, the solids fraction, then line load and speed (in that order).

    Parameters
    ----------
    line_load_N_m : array_like
        Calender line load q in N/m.
    line_speed_m_s : array_like
        Line speed v in m/s.
    solids_fraction : array_like
        Slurry solids volume fraction φ_s (dimensionless).
    material : CalenderingMaterial or str
        Calendering parameters, or a material name (default NMC811).
    roll_temperature_K : array_like, optional
        Roll temperature T in K (default: the line's reference temperature).
    line : CalenderLine, optional
        The calender line (SI; default :class:`CalenderLine`).
    """
    line = line or CalenderLine()
    mat = material_of(material)
    soft = softening_factor(line.reference_temperature_K if roll_temperature_K is None else roll_temperature_K, line)
    eps0 = eps0_from_solids(solids_fraction, mat)
    check_settings(line_load_N_m, line_speed_m_s)
    q, v = _f(line_load_N_m), _f(line_speed_m_s)
    eps_eq = porosity_after(q, eps0, mat.eps_min, mat.gamma_N_m * soft)
    t = _dwell(q, v, eps0, eps_eq, mat, line)
    return ProcessState(eps0, soft, eps_eq, t, _deborah(t, soft, line))


def dwell_time(line_load_N_m: Array, line_speed_m_s: Array, eps0: Array, material: CalenderingMaterial | str,
               line: CalenderLine, gamma_factor: Array = 1.0) -> np.ndarray:
    """Nip dwell time t_dwell = l_c / v (s), l_c the nip length at the quasi-static porosity.

    Parameters
    ----------
    line_load_N_m : array_like
        Calender line load q in N/m.
    line_speed_m_s : array_like
        Line speed v in m/s.
    eps0 : array_like
        Porosity before calendering ε_0 (dimensionless).
    material : CalenderingMaterial or str
        Calendering parameters, or a material name.
    line : CalenderLine
        The calender line (SI).
    gamma_factor : array_like
        Factor on the compaction scale γ_c (dimensionless; the softening factor at the roll temperature).
    """
    mat = material_of(material)
    check_settings(line_load_N_m, line_speed_m_s)
    q, v = _f(line_load_N_m), _f(line_speed_m_s)
    eps_eq = porosity_after(q, eps0, mat.eps_min, mat.gamma_N_m * _f(gamma_factor))
    return _dwell(q, v, eps0, eps_eq, mat, line)


def deborah_number(line_load_N_m: Array, line_speed_m_s: Array, eps0: Array, material: CalenderingMaterial | str,
                   line: CalenderLine, roll_temperature_K: Array | None = None) -> np.ndarray:
    """Deborah number De = τ(T) / t_dwell: material relaxation time over the nip dwell time (-).

    De << 1: the coating relaxes fully in the nip (quasi-static); De >~ 1: it leaves the nip before it
    has relaxed (less compaction at high speed). At q = 0 the nip length and dwell are 0 (De = inf).

    Parameters
    ----------
    line_load_N_m : array_like
        Calender line load q in N/m.
    line_speed_m_s : array_like
        Line speed v in m/s.
    eps0 : array_like
        Porosity before calendering ε_0 (dimensionless).
    material : CalenderingMaterial or str
        Calendering parameters, or a material name.
    line : CalenderLine
        The calender line (SI: roll radius in m, relaxation time τ in s, softening scale in K).
    roll_temperature_K : array_like, optional
        Roll temperature T in K (default: the line's reference temperature).
    """
    T = line.reference_temperature_K if roll_temperature_K is None else roll_temperature_K
    soft = softening_factor(T, line)
    return _deborah(dwell_time(line_load_N_m, line_speed_m_s, eps0, material, line, soft), soft, line)


def compaction_share(deborah: Array, viscous_share: Array) -> np.ndarray:
    """Share of ε_0 - ε_eq achieved in the nip, f(De) = (1 - χ) + χ (1 - exp(-1/De)) (-); 1 at De = 0.

    Parameters
    ----------
    deborah : array_like
        Deborah number De (dimensionless, >= 0).
    viscous_share : array_like
        Share χ of the compaction that relaxes with time (dimensionless, 0 to 1).
    """
    De = _f(deborah)
    with np.errstate(divide="ignore"):
        relaxed = -np.expm1(-1.0 / np.where(De > 0, De, 1e-300))
    return 1.0 - _f(viscous_share) + _f(viscous_share) * relaxed


def porosity_model(line_load_N_m: Array, line_speed_m_s: Array, solids_fraction: Array = SOLIDS_FRACTION,
                   material: CalenderingMaterial | str = "NMC811", roll_temperature_K: Array | None = None,
                   line: CalenderLine | None = None) -> np.ndarray:
    """Noise-free final porosity of the simulator (-), vectorised over broadcast settings (SI).

    Parameters
    ----------
    line_load_N_m : array_like
        Calender line load q in N/m.
    line_speed_m_s : array_like
        Line speed v in m/s.
    solids_fraction : array_like
        Slurry solids volume fraction φ_s (dimensionless).
    material : CalenderingMaterial or str
        Calendering parameters, or a material name (default NMC811).
    roll_temperature_K : array_like, optional
        Roll temperature T in K (default: the line's reference temperature).
    line : CalenderLine, optional
        The calender line (SI; default :class:`CalenderLine`).
    """
    line = line or CalenderLine()
    validate(line)
    st = process_state(line_load_N_m, line_speed_m_s, solids_fraction, material, roll_temperature_K, line)
    return st.eps0 - compaction_share(st.deborah, line.viscous_share) * (st.eps0 - st.eps_eq)


class ProcessSimulator:
    """The stand-in plant: ``sim(line_load_N_m=..., line_speed_m_s=..., ...)`` -> measured porosity (SI, arrays).

    Settings not given take the simulator's ``solids_fraction`` and the line's reference temperature.
    Every call draws fresh noise from one generator seeded with ``seed``: the same seed and the same
    sequence of calls give the same measurements. ``noise=False`` returns the true (noise-free) porosity.
    """

    def __init__(self, material: CalenderingMaterial | str = "NMC811", *, solids_fraction: float = SOLIDS_FRACTION,
                 line: CalenderLine | None = None, noise_sd: float = 0.003, seed: int = 0):
        self.material = material_of(material)
        self.line = line or CalenderLine()
        validate(self.line)
        self.solids_fraction = float(solids_fraction)
        eps0_from_solids(self.solids_fraction, self.material)  # refuses a slurry with nothing left to calender
        if not (np.isfinite(noise_sd) and noise_sd >= 0):
            raise InputError("noise_sd", float(noise_sd), "a number >= 0")
        self.noise_sd = float(noise_sd)
        self.seed = seed
        self._rng = np.random.default_rng(seed)

    def __call__(self, line_load_N_m: Array, line_speed_m_s: Array, solids_fraction: Array | None = None,
                 roll_temperature_K: Array | None = None, *, noise: bool = True) -> np.ndarray:
        phi = self.solids_fraction if solids_fraction is None else solids_fraction
        eps = porosity_model(line_load_N_m, line_speed_m_s, phi, self.material, roll_temperature_K, self.line)
        if noise and self.noise_sd > 0:
            eps = eps + self.noise_sd * self._rng.standard_normal(eps.shape)
        return eps


__all__ = [
    "CalenderLine",
    "ProcessSimulator",
    "ProcessState",
    "SOLIDS_FRACTION",
    "check_settings",
    "compaction_share",
    "deborah_number",
    "dwell_time",
    "material_of",
    "porosity_model",
    "process_state",
    "softening_factor",
]
