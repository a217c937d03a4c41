"""DEM calibration of the compaction law (issue 16 item 2): particles -> continuum, one anchor.

A discrete-element simulation (LAMMPS, GRANULAR package; ``scripts/dem_compaction.py``, run offline) compacts a
packing of polydisperse Hertz-Mindlin spheres drawn from NMC811's particle-size distribution in a die (periodic
lateral boundaries, a moving top wall) and records the porosity of the particle skeleton against the reduced wall
pressure p/E. This module turns that curve into the parameters of xlcell's compaction law
(:func:`xlcell.calendering.porosity_after`) and keeps the result (``xlcell/data/dem_calibration.json``); the
library's material ``NMC811_dem`` (``xlcell/data/calendering_materials.toml``) carries the fitted ε_min and γ_c.

Steps (:func:`calibrate`)
-------------------------
1. **Electrode porosity.** The DEM resolves only the active particles; the carbon-binder domain (CBD) is taken as
   solid filling the skeleton's pores without carrying load, so the electrode porosity is
   ε = ε_s - c (1 - ε_s), with c = V_CBD / V_AM the CBD-to-active solid volume ratio of the electrode's composition
   (BatPaC 5.0's default positive electrode: 96/2/2 wt%, :func:`cbd_volume_ratio`).
2. **One anchor.** For Hertz contacts the quasi-static curve depends on the pressure only through p/E, so one
   effective modulus E turns it into pascals. E is set so that the curve passes through one point
   (anchor porosity, anchor pressure) (:func:`anchor_modulus`). The stored anchor is the library's NMC811 law at
   the reference calender (see :data:`REFERENCE`): the porosity it gives at 600 N/mm and the mean nip pressure
   there (:func:`xlcell.calendering.nip_pressure`). That law's numbers are illustrative defaults, not a measurement:
   replace the anchor by one measured point of your own coating (``calibrate(curve, anchor_porosity=...,
   anchor_pressure_Pa=...)``) -- the DEM need not be rerun.
3. **Fit.** The law in its pressure form ε(p) = ε_min + (ε_0 - ε_min) exp(-p/p_c) is fitted to the loading curve
   down to the material's fracture-onset porosity (where the calendering model uses it; the DEM goes on compacting
   unbroken spheres far beyond) by :func:`scipy.optimize.least_squares` (ε_0, ε_min, p_c free); r² on the porosity.
4. **Line load.** The library's law is in line load, ε(q) with γ_c: γ_c is the value whose pressure scale
   :func:`xlcell.calendering.pressure_scale` at the reference calender equals the fitted p_c (solved with
   :func:`scipy.optimize.brentq`). ε_min and γ_c go into ``NMC811_dem``; every other parameter is NMC811's.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field, fields, replace
from importlib import resources
from typing import Any, Mapping

import numpy as np

from . import units
from . import conduction
from .conduction import CalenderingMaterial, coating_porosity
from .errors import InputError, XlcellError
from .params import param

_G = "DEM calibration"

#: the calender the line-load law is referred to: the Calendering sheet's and the nip simulation's defaults
REFERENCE: dict[str, float] = {"line_load_N_m": 600e3, "roll_diameter_m": 0.6, "thickness_before_m": 170e-6,
                               "solids_fraction": 0.4}
#: the library material whose law gives the stored anchor and whose other parameters the calibrated one keeps
BASE_MATERIAL = "NMC811"
#: name of the calibrated material in the calendering library
CALIBRATED_MATERIAL = "NMC811_dem"
#: smallest reduced pressure p/E counted as loaded (below it the wall has not yet touched the bed)
MIN_REDUCED_PRESSURE = 1e-5
#: most fit points kept from the loading curve (every k-th recorded row)
MAX_FIT_POINTS = 60


class CalibrationDataError(XlcellError):
    """The stored DEM calibration (or a DEM curve given to :func:`calibrate`) is missing or malformed."""


@dataclass(frozen=True, kw_only=True)
class DemCalibration:
    """The DEM calibration of the compaction law: the engine, the run, the anchor, the fit and the curve (SI)."""

    engine: str
    engine_version: str
    contact_model: str
    psd: str
    material: str
    base_material: str
    anchor: str
    particles: int = field(metadata=param("Particles", "-", key="particles", gt=0, group=_G))
    seed: int = field(metadata=param("Seed", "-", key="seed", ge=0, group=_G))
    run_s: float = field(metadata=param("DEM run time (1 core)", "s", key="run_s", ge=0, group=_G))
    cbd_volume_ratio: float = field(metadata=param("CBD/active solid volume ratio c", "-", key="cbd_volume_ratio",
                                                   ge=0, group=_G))
    anchor_porosity: float = field(metadata=param("Anchor porosity", "-", key="anchor_porosity", gt=0, lt=1, group=_G))
    anchor_pressure_Pa: float = field(metadata=param("Anchor pressure", "MPa", key="anchor_pressure_MPa", gt=0, group=_G))
    effective_modulus_Pa: float = field(metadata=param("Effective contact modulus E (anchored)", "GPa",
                                                       key="effective_modulus_GPa", gt=0, group=_G))
    eps0: float = field(metadata=param("Fitted ε_0 (DEM packing)", "-", key="eps0", gt=0, lt=1, group=_G))
    eps_min: float = field(metadata=param("Fitted minimum porosity ε_min", "-", key="eps_min", ge=0, lt=1, group=_G))
    pressure_scale_Pa: float = field(metadata=param("Fitted pressure scale p_c", "MPa", key="pressure_scale_MPa",
                                                    gt=0, group=_G))
    gamma_N_m: float = field(metadata=param("Compaction resistance γ_c (reference calender)", "N/mm",
                                            key="gamma_N_mm", gt=0, group=_G))
    r2: float = field(metadata=param("r² of the fit", "-", key="r2", le=1, group=_G))
    rmse: float = field(metadata=param("RMS porosity residual", "-", key="rmse", ge=0, group=_G))
    fit_min_porosity: float = field(metadata=param("Lowest porosity fitted (fracture onset)", "-",
                                                   key="fit_min_porosity", ge=0, lt=1, group=_G))
    spring_back: float = field(metadata=param("Spring-back on unloading (thickness)", "-", key="spring_back", group=_G))
    pressure_Pa: tuple[float, ...] = field(default=(), metadata=param(
        "DEM curve: applied pressure (anchored)", "MPa", key="curve_pressure_MPa", ge=0, group=_G))
    porosity: tuple[float, ...] = field(default=(), metadata=param(
        "DEM curve: electrode porosity", "-", key="curve_porosity", ge=0, lt=1, group=_G))

    def summary(self) -> dict[str, Any]:
        """JSON-ready summary in display units (what ``xlcell simulate dem --json`` prints)."""
        from .params import to_display

        out: dict[str, Any] = {k: getattr(self, k) for k in ("engine", "engine_version", "contact_model", "psd",
                                                            "material", "base_material", "anchor")}
        shown = {sp.key for sp in calibration_specs()}  # the scalars; the curve has its own option (--curve)
        out.update({k: float(v) if not isinstance(v, int) else v for k, v in to_display(self).items() if k in shown})
        return out


def calibration_specs() -> list:
    """The scalar fields of :class:`DemCalibration` (their ParamSpecs, in order): what a table of the calibration shows;
    the stored curve (``pressure_Pa``, ``porosity``) is shown as points beside it."""
    from .params import specs

    return [s for s in specs(DemCalibration) if s.name not in ("pressure_Pa", "porosity")]

def cbd_volume_ratio(am_frac: float, carbon_frac: float, binder_frac: float, am_density_kg_m3: float,
                     carbon_density_kg_m3: float, binder_density_kg_m3: float) -> float:
    """Solid volume of carbon and binder per solid volume of active material c = (w_c/ρ_c + w_b/ρ_b)/(w_a/ρ_a) (-).

    Parameters
    ----------
    am_frac, carbon_frac, binder_frac : float
        Mass fractions of active material, carbon and binder (dimensionless).
    am_density_kg_m3, carbon_density_kg_m3, binder_density_kg_m3 : float
        Their densities in kg/m³.
    """
    return (carbon_frac / carbon_density_kg_m3 + binder_frac / binder_density_kg_m3) / (am_frac / am_density_kg_m3)


def electrode_porosity(skeleton_porosity: Any, cbd_ratio: float) -> np.ndarray:
    """Electrode porosity ε = ε_s - c (1 - ε_s) of a skeleton of porosity ε_s whose pores hold the CBD (-).

    Parameters
    ----------
    skeleton_porosity : array_like
        Porosity of the active-particle packing ε_s (dimensionless).
    cbd_ratio : float
        CBD-to-active solid volume ratio c (:func:`cbd_volume_ratio`).
    """
    es = np.asarray(skeleton_porosity, dtype=float)
    return es - cbd_ratio * (1.0 - es)


def compaction_residuals(x: np.ndarray, pressure_Pa: np.ndarray, porosity: np.ndarray) -> np.ndarray:
    """Residuals of the pressure-form law at x = (ε_0, ε_min, ln p_c) against a curve (model - data).

    Parameters
    ----------
    x : ndarray
        (ε_0, ε_min, ln p_c), p_c in Pa.
    pressure_Pa : ndarray
        Pressures of the curve in Pa.
    porosity : ndarray
        Porosities of the curve (dimensionless).
    """
    from .calendering import porosity_after

    return porosity_after(pressure_Pa, x[0], x[1], np.exp(x[2])) - porosity


def fit_compaction_law(pressure_Pa: Any, porosity: Any) -> tuple[float, float, float, float, float]:
    """Least-squares fit of ε(p) = ε_min + (ε_0 - ε_min) exp(-p/p_c) to a compaction curve.

    Returns (ε_0, ε_min, p_c in Pa, r², RMS residual). Starts from ε_0 = the first porosity, ε_min = the last
    minus 0.05, p_c = the median pressure; ε_min >= 0 and ε_min < ε_0 are kept by bounds and a parameterisation.

    Parameters
    ----------
    pressure_Pa : array_like
        Pressures in Pa (> 0), increasing.
    porosity : array_like
        Porosities at those pressures (dimensionless).
    """
    from scipy.optimize import least_squares

    p, e = np.asarray(pressure_Pa, dtype=float), np.asarray(porosity, dtype=float)
    if p.ndim != 1 or p.shape != e.shape or p.size < 4 or not (np.all(np.isfinite(p)) and np.all(p > 0)):
        raise InputError("pressure_Pa", "given", "at least 4 finite pressures > 0, one per porosity")
    if not (np.all(np.isfinite(e)) and np.all((e > 0) & (e < 1))):
        raise InputError("porosity", "given", "porosities between 0 and 1 (exclusive)")
    e0, em = float(e[0]), max(0.0, float(e.min()) - 0.05)
    x0 = np.array([e0, min(em, e0 - 1e-3), np.log(np.median(p))])
    lo = np.array([0.0, 0.0, np.log(p.min()) - 10.0])
    hi = np.array([1.0, 1.0, np.log(p.max()) + 10.0])

    def res(x: np.ndarray) -> np.ndarray:
        # ε_min < ε_0 through a penalty-free clip: the law refuses ε_min >= ε_0
        x = np.array([x[0], min(x[1], x[0] - 1e-9), x[2]])
        return compaction_residuals(x, p, e)

    sol = least_squares(res, x0, bounds=(lo, hi), x_scale=np.array([0.1, 0.1, 1.0]), xtol=1e-14, ftol=1e-14,
                        gtol=1e-14, max_nfev=10000)
    r = res(sol.x)
    ss_tot = float(np.sum((e - e.mean()) ** 2))
    r2 = 1.0 - float(np.sum(r ** 2)) / ss_tot
    return float(sol.x[0]), float(min(sol.x[1], sol.x[0])), float(np.exp(sol.x[2])), r2, float(np.sqrt(np.mean(r ** 2)))


def _mpa(pressure_Pa: float) -> float:
    """A pressure in MPa, for messages."""
    return float(units.to_display(pressure_Pa, "MPa"))


def anchor_modulus(reduced_pressure: Any, porosity: Any, anchor_porosity: float, anchor_pressure_Pa: float) -> float:
    """Effective modulus E (Pa) that puts the loading curve (p/E, ε) through the anchor (ε_a, p_a).

    ln(p/E) is interpolated linearly in ε on the curve (porosity falling with pressure); E = p_a / (p/E)(ε_a).

    Parameters
    ----------
    reduced_pressure : array_like
        Pressures over the DEM's Young's modulus p/E (dimensionless), > 0, increasing.
    porosity : array_like
        Electrode porosities at those pressures, decreasing.
    anchor_porosity : float
        Porosity of the anchor point (dimensionless), within the curve's range.
    anchor_pressure_Pa : float
        Pressure of the anchor point in Pa.
    """
    pr, e = np.asarray(reduced_pressure, dtype=float), np.asarray(porosity, dtype=float)
    if not (e.min() <= anchor_porosity <= e.max()):
        raise InputError("anchor_porosity", anchor_porosity,
                         f"within the DEM curve's porosity range {e.min():.3f} to {e.max():.3f}")
    if not (np.isfinite(anchor_pressure_Pa) and anchor_pressure_Pa > 0):
        raise InputError("anchor_pressure_MPa", _mpa(anchor_pressure_Pa), "a number > 0 MPa")
    order = np.argsort(e)
    ln_pr = float(np.interp(anchor_porosity, e[order], np.log(pr[order])))
    return float(anchor_pressure_Pa / np.exp(ln_pr))


def gamma_for_pressure_scale(pressure_scale_Pa: float, eps_min: float, material: CalenderingMaterial,
                             reference: Mapping[str, float] = REFERENCE) -> float:
    """Compaction resistance γ_c (N/m) whose pressure scale at the reference calender is ``pressure_scale_Pa``.

    Solves :func:`xlcell.calendering.pressure_scale` (q_ref, R, L_0, ε_0 from the solids fraction) = p_c for γ_c
    with ``material``'s other parameters and ε_min = ``eps_min``.

    Parameters
    ----------
    pressure_scale_Pa : float
        Fitted pressure scale p_c in Pa.
    eps_min : float
        Fitted minimum porosity (dimensionless).
    material : CalenderingMaterial
        The material whose other parameters (coating modulus, drying shrinkage) are kept.
    reference : mapping
        ``line_load_N_m``, ``roll_diameter_m``, ``thickness_before_m``, ``solids_fraction`` of the calender.
    """
    from scipy.optimize import brentq

    from .calendering import pressure_scale

    eps0 = float(coating_porosity(reference["solids_fraction"], material.drying_shrinkage))

    def f(log_g: float) -> float:
        m = replace(material, eps_min=eps_min, gamma_N_m=float(np.exp(log_g)))
        pc = pressure_scale(reference["line_load_N_m"], 0.5 * reference["roll_diameter_m"],
                            reference["thickness_before_m"], eps0, m)
        return float(np.log(pc) - np.log(pressure_scale_Pa))

    return float(np.exp(brentq(f, np.log(1e2), np.log(1e10), xtol=1e-14)))


def reference_anchor(material: CalenderingMaterial, reference: Mapping[str, float] = REFERENCE) -> tuple[float, float]:
    """(porosity, mean nip pressure in Pa) of ``material``'s line-load law at the reference calender: the stored anchor.

    Parameters
    ----------
    material : CalenderingMaterial
        Library material whose law gives the anchor (NMC811).
    reference : mapping
        The reference calender (:data:`REFERENCE`).
    """
    from .calendering import nip_pressure, porosity_after

    eps0 = coating_porosity(reference["solids_fraction"], material.drying_shrinkage)
    q = reference["line_load_N_m"]
    eps = porosity_after(q, eps0, material.eps_min, material.gamma_N_m)
    p = nip_pressure(q, 0.5 * reference["roll_diameter_m"], reference["thickness_before_m"], eps0, material)
    return float(eps), float(p)


def fit_points(curve: Mapping[str, Any], cbd_ratio: float, min_porosity: float) -> tuple[np.ndarray, np.ndarray]:
    """(p/E, electrode porosity) of the loading rows of a DEM curve used in the fit: loaded (p/E >= 1e-5) and not
    below ``min_porosity``, every k-th row so that at most :data:`MAX_FIT_POINTS` remain, ending at the densest.

    Parameters
    ----------
    curve : mapping
        The JSON of ``scripts/dem_compaction.py`` (``columns``, ``loading``).
    cbd_ratio : float
        CBD-to-active solid volume ratio c (:func:`electrode_porosity`).
    min_porosity : float
        Lowest electrode porosity fitted (the material's fracture-onset porosity: the law is not used below it).
    """
    try:
        cols = list(curve["columns"])
        rows = np.asarray(curve["loading"], dtype=float)
        ip, ie = cols.index("pressure_over_E"), cols.index("porosity")
    except (KeyError, ValueError, TypeError) as exc:
        raise CalibrationDataError(f"the DEM curve has no loading columns pressure_over_E and porosity ({exc})") from None
    eps = electrode_porosity(rows[:, ie], cbd_ratio)
    keep = (rows[:, ip] >= MIN_REDUCED_PRESSURE) & (eps >= min_porosity)
    rows, eps = rows[keep], eps[keep]
    if len(rows) < 4:
        raise CalibrationDataError(f"the DEM curve has fewer than 4 loaded points at porosities >= {min_porosity:g}")
    k = int(np.ceil(len(rows) / MAX_FIT_POINTS))
    idx = np.arange(len(rows) - 1, -1, -k)[::-1]
    return rows[idx, ip], eps[idx]


def calibrate(curve: Mapping[str, Any], *, anchor_porosity: float | None = None,
              anchor_pressure_Pa: float | None = None, base: CalenderingMaterial | None = None,
              cbd_ratio: float | None = None, fit_min_porosity: float | None = None,
              reference: Mapping[str, float] = REFERENCE) -> DemCalibration:
    """The calibration of the compaction law from a DEM curve (steps 1-4 of the module docstring).

    Parameters
    ----------
    curve : mapping
        The JSON written by ``scripts/dem_compaction.py``.
    anchor_porosity, anchor_pressure_Pa : float, optional
        The one measured point (electrode porosity, pressure in Pa); default: the base material's law at the
        reference calender (:func:`reference_anchor`).
    base : CalenderingMaterial, optional
        Library material whose other parameters the calibrated one keeps (default NMC811).
    cbd_ratio : float, optional
        CBD-to-active solid volume ratio (default: BatPaC 5.0's default positive electrode).
    fit_min_porosity : float, optional
        Lowest electrode porosity fitted (default: the base material's fracture-onset porosity, below which the
        calendering model refuses a design, so the law is fitted where it is used).
    reference : mapping
        The reference calender (:data:`REFERENCE`).
    """
    base = base or conduction.CALENDERING_MATERIALS[BASE_MATERIAL.upper()]
    if cbd_ratio is None:
        from .cell import default_design, resolve

        e = resolve(default_design()).pos
        cbd_ratio = cbd_volume_ratio(float(e.am_frac), float(e.carbon_frac), float(e.binder_frac),
                                     float(e.am_density_kg_m3), float(e.carbon_density_kg_m3),
                                     float(e.binder_density_kg_m3))
    if (anchor_porosity is None) != (anchor_pressure_Pa is None):
        raise InputError("anchor_porosity" if anchor_porosity is None else "anchor_pressure_MPa", "blank",
                         "given together with the other anchor value (a porosity at a pressure)")
    if anchor_porosity is None:
        anchor_porosity, anchor_pressure_Pa = reference_anchor(base, reference)
        q = float(units.to_display(reference["line_load_N_m"], "N/mm"))
        t = float(units.to_display(reference["thickness_before_m"], "µm"))
        anchor = (f"{base.name} law of the library (illustrative default, not a measurement) at "
                  f"{q:g} N/mm, roll {reference['roll_diameter_m']:g} m, coating {t:g} µm, "
                  f"solids fraction {reference['solids_fraction']:g}: porosity {anchor_porosity:.4f} at the mean nip "
                  f"pressure {_mpa(anchor_pressure_Pa):.2f} MPa")
    else:
        anchor = f"given: porosity {anchor_porosity:.4f} at {_mpa(anchor_pressure_Pa):.2f} MPa"
    fit_min = base.fracture_porosity if fit_min_porosity is None else float(fit_min_porosity)
    pr, eps = fit_points(curve, cbd_ratio, fit_min)
    cols = list(curve["columns"])
    ih = cols.index("wall_gap_d50")
    unload = np.asarray(curve.get("unloading") or [[np.nan] * len(cols)], dtype=float)
    h_max = float(np.min(np.asarray(curve["loading"], dtype=float)[:, ih]))
    psd = curve.get("psd", {})
    run = DemCalibration(
        engine=f"{curve.get('engine', '?')} ({curve.get('package', '')})", engine_version=str(curve.get("engine_version", "")),
        contact_model=str(curve.get("contact_model", "")),
        psd=(f"{psd.get('kind', '?')}, d50 {psd.get('d50_um', float('nan')):g} µm, span {psd.get('span', float('nan')):g}"),
        material=CALIBRATED_MATERIAL, base_material=base.name, anchor="",
        particles=int(curve.get("particles", 0)), seed=int(curve.get("seed", 0)),
        run_s=float(curve.get("run_seconds", float("nan"))), cbd_volume_ratio=float(cbd_ratio),
        anchor_porosity=float("nan"), anchor_pressure_Pa=float("nan"), effective_modulus_Pa=1.0,
        eps0=float("nan"), eps_min=float("nan"), pressure_scale_Pa=float("nan"), gamma_N_m=float("nan"),
        r2=float("nan"), rmse=float("nan"), spring_back=float(unload[-1, ih] / h_max - 1.0),
        fit_min_porosity=fit_min,
        pressure_Pa=tuple(float(x) for x in pr), porosity=tuple(float(x) for x in eps))
    return _anchored(run, float(anchor_porosity), float(anchor_pressure_Pa), anchor, base, reference)


def _anchored(cal: DemCalibration, anchor_porosity: float, anchor_pressure_Pa: float, anchor: str,
              base: CalenderingMaterial, reference: Mapping[str, float]) -> DemCalibration:
    """``cal`` with its curve rescaled to the anchor and the law refitted (steps 2-4)."""
    pr = np.asarray(cal.pressure_Pa) / cal.effective_modulus_Pa
    eps = np.asarray(cal.porosity)
    E = anchor_modulus(pr, eps, anchor_porosity, anchor_pressure_Pa)
    p = pr * E
    eps0, eps_min, pc, r2, rmse = fit_compaction_law(p, eps)
    gamma = gamma_for_pressure_scale(pc, eps_min, base, reference)
    return replace(cal, anchor=anchor, anchor_porosity=anchor_porosity, anchor_pressure_Pa=anchor_pressure_Pa,
                   effective_modulus_Pa=E, eps0=eps0, eps_min=eps_min, pressure_scale_Pa=pc, gamma_N_m=gamma, r2=r2,
                   rmse=rmse, pressure_Pa=tuple(float(x) for x in p))


def recalibrate(cal: DemCalibration, anchor_porosity: float, anchor_pressure_Pa: float) -> DemCalibration:
    """The calibration ``cal`` anchored to a point of one's own (a measured porosity at a pressure): the DEM curve in
    p/E is the same, the effective modulus, the fit and γ_c follow (no DEM rerun).

    Parameters
    ----------
    cal : DemCalibration
        A calibration (e.g. :func:`calibration`).
    anchor_porosity : float
        Measured electrode porosity (dimensionless), within the curve's porosity range.
    anchor_pressure_Pa : float
        Pressure at which it was measured, in Pa (> 0).
    """
    base = conduction.CALENDERING_MATERIALS[cal.base_material.upper()]
    return _anchored(cal, float(anchor_porosity), float(anchor_pressure_Pa),
                     f"given: porosity {anchor_porosity:.4f} at {_mpa(anchor_pressure_Pa):.2f} MPa", base, REFERENCE)


def to_json(cal: DemCalibration) -> dict[str, Any]:
    """The stored form of a calibration (SI field names; the curve as lists).

    Parameters
    ----------
    cal : DemCalibration
        The calibration to store.
    """
    return {f.name: (list(getattr(cal, f.name)) if isinstance(getattr(cal, f.name), tuple) else getattr(cal, f.name))
            for f in fields(cal)}


def from_json(data: Mapping[str, Any]) -> DemCalibration:
    """A calibration from its stored form; a missing or unknown field is a :class:`CalibrationDataError`.

    Parameters
    ----------
    data : mapping
        The stored form (:func:`to_json`), SI field names.
    """
    names = {f.name for f in fields(DemCalibration)}
    missing, extra = names - set(data), set(data) - names
    if missing or extra:
        raise CalibrationDataError(f"xlcell/data/dem_calibration.json: missing {sorted(missing)}, unknown {sorted(extra)}")
    return DemCalibration(**{k: (tuple(v) if isinstance(v, list) else v) for k, v in data.items()})


def calibration() -> DemCalibration:
    """The stored DEM calibration of the compaction law (``xlcell/data/dem_calibration.json``)."""
    try:
        text = resources.files("xlcell").joinpath("data", "dem_calibration.json").read_text(encoding="utf-8")
        data = json.loads(text)
    except (OSError, ValueError) as exc:
        raise CalibrationDataError(f"xlcell/data/dem_calibration.json cannot be read ({exc})") from None
    return from_json(data)


__all__ = ["BASE_MATERIAL", "CALIBRATED_MATERIAL", "REFERENCE", "CalibrationDataError", "DemCalibration",
           "calibration_specs",
           "anchor_modulus", "calibrate", "calibration", "cbd_volume_ratio", "electrode_porosity",
           "fit_compaction_law", "fit_points", "from_json", "gamma_for_pressure_scale", "recalibrate", "reference_anchor",
           "to_json"]
