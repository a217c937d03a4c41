"""Calender roll deflection, crowning and the cross-width porosity profile (SI, vectorised).

The roll is a simply supported beam between its bearings (span l), loaded by the line load q
spread uniformly over the face width w (total force F = q w), centred between the bearings.
Euler-Bernoulli bending with I = π (D⁴ - d⁴) / 64 (d = bore, 0 for a solid roll). With x from a
bearing and a = (l - w)/2 (Macaulay brackets, w(x) the deflection in the load direction):

    E I w(ξ) = R l² ξ/8 - R ξ³/6 - q (w/2)³ ξ/6 + q <ξ - a>⁴/24   (ξ from a bearing, R = F/2),
    mid-span:  δ = F (8 l³ - 4 l w² + w³) / (384 E I)

which reduces to 5 F l³/(384 E I) for a load over the whole span (w = l) and to F l³/(48 E I) for a
point load (w -> 0) (Roark's Formulas for Stress and Strain, table 8.1). Shear (Timoshenko) adds
w_s(ξ) = M(ξ)/(κ G A), at mid-span δ_s = F (2 l - w) / (8 κ G A), with G = E/(2(1 + ν)) (ν = 0.3
for steel) and Cowper's κ for a solid or hollow circle (0.886 solid, 0.531 thin-walled tube).
Calender rolls are short and stout: for a 0.6 m roll over a 0.8 m face on a 1.2 m span, shear adds
45 % to the bending crown. :func:`roll_deflection` is bending-only unless ``shear=True`` (the mid-face
deflection of the issue's formula); :func:`crown_height` and :func:`cross_width_profile` include
shear by default.

Crown: each roll is ground (or heated) to a barrel shape that fills the deflection gap at the design
load. The face-edge-to-centre gap opening of one roll is h_c = w(l/2) - w(a); a circular crown of
the same height over the face has radius of curvature R_c = (w/2)² / (2 h_c) (hundreds to thousands
of metres). A thermal crown makes the same height by heating the roll centre: a parabolic
temperature excess ΔT(x) expands the radius by α_th r ΔT, so ΔT_centre = h_c / (α_th D/2).

The seed's other thermal alternative, softening the coating at the centre so that its lower local
load still compacts it to the nominal porosity, is :func:`softening_temperature_profile`.

Cross-width porosity (:func:`cross_width_profile`): the gap follows the roll deflection less the
crown; each strip of coating obeys the compaction law, so where the gap is wider (the face centre of
an uncrowned roll) the local line load and the compaction are lower, at equal mean line load. The
deflection is that of the actual (non-uniform) load distribution, found by a damped fixed point.
Limits: no coating spring-back, rigid-plastic strips, no roll flattening; strips squeezed to ε_min
carry a capped load (γ_c ln 1e12) that the compaction law does not resolve (``capped``); where the
model cannot carry the load (a strongly under-crowned or thin roll) the mean local load falls short of
the nominal, and :func:`cross_width_profile` raises (or flags) below 99 % carried or without convergence.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .errors import InfeasibleError, InputError
from .units import to_display

Array = Any

STEEL_MODULUS_PA = 210e9  #: Young's modulus of roll steel (Pa)
STEEL_POISSON = 0.3
STEEL_EXPANSION_1_K = 12e-6  #: linear thermal expansion of roll steel (1/K)
MIN_CARRIED_FRACTION = 0.99  #: least share of the nominal load the cross-width model must carry to be trusted
_CAP = float(np.log(1e12))  #: local load cap of the cross-width model, in units of γ_c (ε within 1e-12 of ε_min)


def _f(x: Array) -> np.ndarray:
    return np.asarray(x, dtype=float)


def _require(name: str, x: np.ndarray, ok: np.ndarray, allowed: str, scale: float = 1.0) -> None:
    bad = ~np.broadcast_to(ok, np.broadcast(x, ok).shape)
    if bad.any():
        i = int(np.flatnonzero(bad.ravel())[0])
        raise InputError(name, float(np.broadcast_to(x, bad.shape).ravel()[i]) / scale, allowed,
                         f"design {i + 1}" if bad.size > 1 else None)


def second_moment(roll_diameter_m: Array, bore_diameter_m: Array = 0.0) -> np.ndarray:
    """Area moment of inertia of a (hollow) round roll I = π (D⁴ - d⁴) / 64 (m⁴).

    Parameters
    ----------
    roll_diameter_m : array_like
        Outer diameter D in m.
    bore_diameter_m : array_like
        Bore diameter d in m (0 for a solid roll), d < D.
    """
    D, d = _f(roll_diameter_m), _f(bore_diameter_m)
    _require("roll_diameter_m", D, np.isfinite(D) & (D > 0), "a number > 0 m")
    _require("bore_diameter_m", d, (d >= 0) & (d < D), "a number >= 0 m and below the roll diameter")
    return np.pi * (D**4 - d**4) / 64.0


def _check_geometry(face_width_m: Array, bearing_span_m: Array) -> tuple[np.ndarray, np.ndarray]:
    w, l = _f(face_width_m), _f(bearing_span_m)
    _require("face_width_m", w, np.isfinite(w) & (w > 0), "a number > 0 m")
    _require("bearing_span_m", l, np.isfinite(l) & (l > 0), "a number > 0 m")
    _require("face_width_m", w, w <= l, "no wider than the bearing span")
    return w, l


def roll_deflection(line_load_N_m: Array, face_width_m: Array, bearing_span_m: Array, roll_diameter_m: Array,
                    bore_diameter_m: Array = 0.0, youngs_modulus_Pa: Array = STEEL_MODULUS_PA, *,
                    shear: bool = False, poisson: Array = STEEL_POISSON) -> np.ndarray:
    """Mid-face bending deflection of a calender roll (m); with ``shear=True`` plus the Timoshenko shear term.

    δ = F (8 l³ - 4 l w² + w³) / (384 E I), F = q w: a simply supported beam of span l under a
    uniform load over the centred face of width w. Linear in q; ∝ 1/D⁴ for a solid roll.
    ``shear=True`` adds :func:`shear_deflection` (ν = ``poisson``): calender rolls are short and
    stout, shear adds tens of per cent.

    Parameters
    ----------
    line_load_N_m : array_like
        Line load q (N/m of face), >= 0.
    face_width_m, bearing_span_m : array_like
        Loaded face width w and bearing span l (m), w <= l.
    roll_diameter_m, bore_diameter_m : array_like
        Outer diameter D and bore d (m); d = 0 for a solid roll.
    youngs_modulus_Pa : array_like
        Young's modulus E (Pa), steel 210 GPa.
    shear : bool
        Add the Timoshenko shear deflection (default False: bending only).
    poisson : array_like
        Poisson's ratio ν of the roll (dimensionless, steel 0.3), for the shear term.
    """
    q = _f(line_load_N_m)
    _require("line_load_N_mm", q, np.isfinite(q) & (q >= 0), "a number >= 0 N/mm", 1e3)
    w, l = _check_geometry(face_width_m, bearing_span_m)
    E = _f(youngs_modulus_Pa)
    _require("youngs_modulus_GPa", E, np.isfinite(E) & (E > 0), "a number > 0 GPa", 1e9)
    EI = E * second_moment(roll_diameter_m, bore_diameter_m)
    bending = q * w * (8.0 * l**3 - 4.0 * l * w**2 + w**3) / (384.0 * EI)
    if not shear:
        return bending
    return bending + shear_deflection(q, w, l, roll_diameter_m, bore_diameter_m, E, poisson)


def shear_coefficient(roll_diameter_m: Array, bore_diameter_m: Array = 0.0, poisson: Array = STEEL_POISSON) -> np.ndarray:
    """Timoshenko shear coefficient κ of a solid or hollow circular section (Cowper 1966) (-).

    κ = 6(1+ν)(1+m²)² / ((7+6ν)(1+m²)² + (20+12ν) m²), m = d/D: 6(1+ν)/(7+6ν) = 0.886 for a solid
    steel roll (ν = 0.3), 2(1+ν)/(4+3ν) = 0.531 for a thin-walled tube.

    Parameters
    ----------
    roll_diameter_m : array_like
        Outer diameter D in m.
    bore_diameter_m : array_like
        Bore diameter d in m (0 for a solid roll).
    poisson : array_like
        Poisson's ratio ν (dimensionless, steel 0.3).
    """
    D, d, nu = _f(roll_diameter_m), _f(bore_diameter_m), _f(poisson)
    _require("poisson", nu, np.isfinite(nu) & (nu > -1) & (nu < 0.5), "a number between -1 and 0.5")
    m2 = (d / D) ** 2
    return 6 * (1 + nu) * (1 + m2) ** 2 / ((7 + 6 * nu) * (1 + m2) ** 2 + (20 + 12 * nu) * m2)


def shear_stiffness(roll_diameter_m: Array, bore_diameter_m: Array = 0.0, youngs_modulus_Pa: Array = STEEL_MODULUS_PA,
                    poisson: Array = STEEL_POISSON) -> np.ndarray:
    """Shear stiffness κ G A of the roll section (N), G = E / (2 (1 + ν)), A = π (D² - d²)/4.

    Parameters
    ----------
    roll_diameter_m : array_like
        Outer diameter D in m.
    bore_diameter_m : array_like
        Bore diameter d in m (0 for a solid roll).
    youngs_modulus_Pa : array_like
        Young's modulus E in Pa (steel 210 GPa).
    poisson : array_like
        Poisson's ratio ν (dimensionless, steel 0.3).
    """
    D, d = _f(roll_diameter_m), _f(bore_diameter_m)
    second_moment(D, d)  # validates D and d
    G = _f(youngs_modulus_Pa) / (2.0 * (1.0 + _f(poisson)))
    return shear_coefficient(D, d, poisson) * G * np.pi * (D**2 - d**2) / 4.0


def shear_deflection(line_load_N_m: Array, face_width_m: Array, bearing_span_m: Array, roll_diameter_m: Array,
                     bore_diameter_m: Array = 0.0, youngs_modulus_Pa: Array = STEEL_MODULUS_PA,
                     poisson: Array = STEEL_POISSON) -> np.ndarray:
    """Mid-face shear deflection δ_s = F (2 l - w) / (8 κ G A) (m) (Timoshenko beam).

    The shear part of the deflection is w_s(ξ) = M(ξ)/(κ G A) (dw_s/dξ = V/(κGA), M the bending
    moment); at mid-span M = F (2 l - w)/8. κ from :func:`shear_coefficient`.

    Parameters
    ----------
    line_load_N_m : array_like
        Line load q in N/m of face.
    face_width_m, bearing_span_m : array_like
        Loaded face width w and bearing span l in m, w <= l.
    roll_diameter_m, bore_diameter_m : array_like
        Outer diameter D and bore d in m; d = 0 for a solid roll.
    youngs_modulus_Pa : array_like
        Young's modulus E of the roll in Pa (steel 210 GPa).
    poisson : array_like
        Poisson's ratio ν (dimensionless, steel 0.3).
    """
    q = _f(line_load_N_m)
    w, l = _check_geometry(face_width_m, bearing_span_m)
    return q * w * (2 * l - w) / (8.0 * shear_stiffness(roll_diameter_m, bore_diameter_m, youngs_modulus_Pa, poisson))


def deflection_profile(x_m: Array, line_load_N_m: Array, face_width_m: Array, bearing_span_m: Array,
                       roll_diameter_m: Array, bore_diameter_m: Array = 0.0,
                       youngs_modulus_Pa: Array = STEEL_MODULUS_PA, *, shear: bool = False,
                       poisson: Array = STEEL_POISSON) -> np.ndarray:
    """Bending (and with ``shear=True`` Timoshenko shear) deflection w(x) at x from the roll centre (m); |x| <= l/2.

    With ξ = l/2 - |x| from the bearing, a = (l - w)/2, R = q w/2 (Macaulay):
    E I w = R l² ξ/8 - R ξ³/6 - q (w/2)³ ξ/6 + q <ξ - a>⁴/24; the shear part is
    w_s = M(ξ)/(κ G A) with M(ξ) = R ξ - q <ξ - a>²/2.

    Parameters
    ----------
    x_m : array_like
        Position from the roll centre in m, |x| <= l/2.
    line_load_N_m : array_like
        Line load q in N/m of face.
    face_width_m, bearing_span_m : array_like
        Loaded face width w and bearing span l in m, w <= l.
    roll_diameter_m, bore_diameter_m : array_like
        Outer diameter D and bore d in m; d = 0 for a solid roll.
    youngs_modulus_Pa : array_like
        Young's modulus E of the roll in Pa (steel 210 GPa).
    shear : bool
        Add the Timoshenko shear deflection (default False: bending only).
    poisson : array_like
        Poisson's ratio ν of the roll (dimensionless, steel 0.3).
    """
    q = _f(line_load_N_m)
    w, l = _check_geometry(face_width_m, bearing_span_m)
    EI = _f(youngs_modulus_Pa) * second_moment(roll_diameter_m, bore_diameter_m)
    xi = 0.5 * l - np.abs(_f(x_m))
    a = 0.5 * (l - w)
    R = 0.5 * q * w
    c1 = R * l**2 / 8.0 - q * (0.5 * w) ** 3 / 6.0
    mac = np.maximum(xi - a, 0.0)
    bending = (c1 * xi - R * xi**3 / 6.0 + q * mac**4 / 24.0) / EI
    if not shear:
        return bending
    return bending + (R * xi - 0.5 * q * mac**2) / shear_stiffness(roll_diameter_m, bore_diameter_m, youngs_modulus_Pa, poisson)


def crown_height(line_load_N_m: Array, face_width_m: Array, bearing_span_m: Array, roll_diameter_m: Array,
                 bore_diameter_m: Array = 0.0, youngs_modulus_Pa: Array = STEEL_MODULUS_PA, *,
                 shear: bool = True, poisson: Array = STEEL_POISSON) -> np.ndarray:
    """Crown (radius excess at the face centre over the face edge) that fills one roll's deflection gap (m).

    By default bending plus Timoshenko shear (the shear part is q w²/(8 κ G A), ~45 % of the bending
    part for a 0.6 m solid roll over a 0.8 m face on a 1.2 m span); ``shear=False`` gives bending only.

    Parameters
    ----------
    line_load_N_m : array_like
        Line load q in N/m of face.
    face_width_m, bearing_span_m : array_like
        Loaded face width w and bearing span l in m, w <= l.
    roll_diameter_m, bore_diameter_m : array_like
        Outer diameter D and bore d in m; d = 0 for a solid roll.
    youngs_modulus_Pa : array_like
        Young's modulus E of the roll in Pa (steel 210 GPa).
    shear : bool
        Include the Timoshenko shear deflection (default True).
    poisson : array_like
        Poisson's ratio ν of the roll (dimensionless, steel 0.3).
    """
    args = (line_load_N_m, face_width_m, bearing_span_m, roll_diameter_m, bore_diameter_m, youngs_modulus_Pa)
    kw = {"shear": shear, "poisson": poisson}
    return deflection_profile(0.0, *args, **kw) - deflection_profile(0.5 * _f(face_width_m), *args, **kw)


def crown_radius(crown_height_m: Array, face_width_m: Array) -> np.ndarray:
    """Radius of curvature of a circular crown of height h_c over the face: R_c = (w/2)² / (2 h_c) (m).

    Parameters
    ----------
    crown_height_m : array_like
        Crown height h_c in m (0 gives an infinite radius).
    face_width_m : array_like
        Face width w in m.
    """
    h, w = _f(crown_height_m), _f(face_width_m)
    with np.errstate(divide="ignore"):
        return np.where(h > 0, (0.5 * w) ** 2 / (2.0 * np.where(h > 0, h, 1.0)), np.inf)


def thermal_crown_temperature(crown_height_m: Array, roll_diameter_m: Array,
                              expansion_1_K: Array = STEEL_EXPANSION_1_K) -> np.ndarray:
    """Centre-to-edge temperature excess that makes a crown of height h_c by thermal expansion (K).

    ΔT = h_c / (α_th D/2): the roll radius expands by α_th r ΔT.

    Parameters
    ----------
    crown_height_m : array_like
        Crown height h_c in m.
    roll_diameter_m : array_like
        Roll diameter D in m.
    expansion_1_K : array_like
        Linear thermal expansion coefficient α_th of the roll in 1/K (steel about 1.2e-5).
    """
    return _f(crown_height_m) / (_f(expansion_1_K) * 0.5 * _f(roll_diameter_m))


def _green(x_m: np.ndarray, xi_m: np.ndarray, span_m: np.ndarray) -> np.ndarray:
    """Deflection at x of a simply supported beam (EI = 1) under a unit load at ξ; x, ξ from the span centre.

    With a = l/2 + ξ, b = l - a and s = l/2 + x: s <= a gives b s (l² - b² - s²) / (6 l), else
    a (l - s)(l² - a² - (l - s)²) / (6 l) (Roark, table 8.1, case 1e).
    """
    a = 0.5 * span_m + xi_m
    b = span_m - a
    s = 0.5 * span_m + x_m
    left = b * s * (span_m**2 - b**2 - s**2)
    right = a * (span_m - s) * (span_m**2 - a**2 - (span_m - s) ** 2)
    return np.where(s <= a, left, right) / (6.0 * span_m)


def _green_shear(x_m: np.ndarray, xi_m: np.ndarray, span_m: np.ndarray) -> np.ndarray:
    """Shear deflection at x (κGA = 1) under a unit load at ξ: the bending moment of that load at x, M = b s / l
    (s <= a) or a (l - s) / l, with a = l/2 + ξ, b = l - a, s = l/2 + x."""
    a = 0.5 * span_m + xi_m
    b = span_m - a
    s = 0.5 * span_m + x_m
    return np.where(s <= a, b * s, a * (span_m - s)) / span_m


def cross_width_profile(x_m: Array, line_load_N_m: Array, eps0: Array, thickness_before_m: Array, eps_min: Array,
             gamma_N_m: Array, face_width_m: Array, bearing_span_m: Array, roll_diameter_m: Array,
             bore_diameter_m: Array = 0.0, youngs_modulus_Pa: Array = STEEL_MODULUS_PA,
             crown_m: Array = 0.0, *, iterations: int = 40, nodes: int = 48, shear: bool = True,
             poisson: Array = STEEL_POISSON, diagnostics: bool = False,
             on_failure: str = "raise", min_carried: float = MIN_CARRIED_FRACTION) -> tuple[np.ndarray, ...]:
    """Porosity and local line load across the face at positions ``x_m`` (from the face centre).

    Model: the gap, hence the calendered thickness (no spring-back), is L(x) = G + 2 g(x) with
    g(x) = w(x) - c(x), the roll's bending deflection under the *actual* load distribution q(x) less
    the crown c(x) = h_c (1 - (2x/w)²) (a circular crown with R_c >> w, or the parabolic thermal
    crown). Each strip of coating obeys the compaction law, so the local line load that squeezes it
    to L(x) is q(x) = γ_c ln((ε_0 - ε_min)/(ε(x) - ε_min)), ε(x) = 1 - (1 - ε_0) L_0 / L(x) (zero
    where L(x) >= L_0: no contact; capped at γ_c ln 1e12 = 27.6 γ_c where a strip is squeezed to
    ε_min, as at the face edges of an uncrowned roll). For a given deflection the gap offset G is found by vectorised
    bisection so that the face mean of q(x) is the nominal line load; the deflection is then
    recomputed from q(x) with the beam's Green's function on Gauss-Legendre nodes, and the two steps
    are repeated (damped fixed point, ``iterations`` times). Load concentrating where the gap is
    narrow (the face edges of an uncrowned roll) bends the roll less than a uniform load would.

    Parameters
    ----------
    x_m : array_like
        Positions across the face from its centre (m), |x| <= w/2; the last axis of the result.
    line_load_N_m, eps0, thickness_before_m, eps_min, gamma_N_m : array_like
        Nominal line load (N/m), coating porosity (dimensionless) and thickness (m) before calendering, and the
        compaction law's minimum porosity (dimensionless) and line-load scale γ_c (N/m).
    face_width_m, bearing_span_m : array_like
        Loaded face width w and bearing span l (m), w <= l.
    roll_diameter_m, bore_diameter_m : array_like
        Outer diameter D and bore d (m); d = 0 for a solid roll.
    youngs_modulus_Pa : array_like
        Young's modulus E of the roll (Pa), steel 210 GPa.
    crown_m : array_like
        Crown height per roll (m); 0 = no crown. :func:`crown_height` gives the design-load crown.
    iterations : int
        Number of damped fixed-point iterations between load distribution and deflection.
    nodes : int
        Number of Gauss-Legendre nodes over the face for the beam's Green's function.
    shear, poisson : bool, array_like
        Include the Timoshenko shear deflection (default, as :func:`crown_height` does) with Poisson's ratio ν
        (dimensionless).
    diagnostics : bool
        Also return ``capped``, ``carried_fraction`` and ``converged`` (below).
    on_failure : {"raise", "flag"}
        What to do where the model fails: the face mean of the local load falls short of the nominal by
        more than ``1 - min_carried`` (the strips that would carry the rest are squeezed to ε_min, beyond
        the compaction law), or the fixed point has not converged (a roll whose deflection under load is
        comparable to the coating's compressibility, e.g. a thin roll on a wide face). "raise" raises
        :class:`~xlcell.errors.InfeasibleError` saying so; "flag" returns the result with the flags
        (``diagnostics`` is then implied).
    min_carried : float
        Least share of the nominal line load the strips must carry for the result to be trusted
        (dimensionless, default :data:`MIN_CARRIED_FRACTION`).

    Returns
    -------
    (porosity, local_line_load_N_m) : tuple of numpy.ndarray
        Each of shape ``broadcast(inputs) + x.shape`` (x flattened to the last axis then reshaped).
        Local loads of strips at the model cap (``capped``) are the cap γ_c ln 1e12, a model limit, not a
        resolved load: show them as not available.
    (porosity, local_line_load_N_m, capped, carried_fraction, converged) : with ``diagnostics``
        ``capped`` (bool, like the porosity): the strip is squeezed to ε_min, its load is unresolved;
        ``carried_fraction`` (shape ``broadcast(inputs)``): face mean of the local load / nominal load;
        ``converged`` (bool, same shape): the load distribution is a fixed point to 1e-3 of the nominal
        load and the carried fraction is at least ``min_carried``.
    """
    if on_failure not in ("raise", "flag"):
        raise InputError("on_failure", on_failure, "'raise' or 'flag'")
    from .calendering import check_compaction_law  # the compaction law's own validation (no import cycle at load)

    x = _f(x_m)
    w = _f(face_width_m)
    _check_geometry(face_width_m, bearing_span_m)
    _require("x_m", x, np.isfinite(x) & (np.abs(x) <= 0.5 * np.min(w) + 1e-12), "within the face (|x| <= face width / 2)")
    xs = x.reshape(-1)
    q0, L0_, hc0, E0 = _f(line_load_N_m), _f(thickness_before_m), _f(crown_m), _f(youngs_modulus_Pa)
    _require("line_load_N_mm", q0, np.isfinite(q0) & (q0 >= 0), "a number >= 0 N/mm", 1e3)
    _require("thickness_before_um", L0_, np.isfinite(L0_) & (L0_ > 0), "a number > 0 µm", 1e-6)
    _require("crown_um", hc0, np.isfinite(hc0), "a finite number of µm", 1e-6)
    _require("youngs_modulus_GPa", E0, np.isfinite(E0) & (E0 > 0), "a number > 0 GPa", 1e9)
    check_compaction_law(eps0, eps_min, gamma_N_m, eps0_name="eps_before")
    args = np.broadcast_arrays(*(_f(v) for v in (line_load_N_m, face_width_m, bearing_span_m, roll_diameter_m,
                                                 bore_diameter_m, youngs_modulus_Pa, eps0, thickness_before_m,
                                                 eps_min, gamma_N_m, crown_m)))
    q, w_e, l_e, D, d, E, e0, L0, em, gam, hc = (a[..., None] for a in args)
    EI = E * second_moment(D, d)
    t, wt = np.polynomial.legendre.leggauss(nodes)
    xn = 0.5 * w_e * t  # load nodes across the face
    pts = np.concatenate([xn, np.broadcast_to(xs, xn.shape[:-1] + xs.shape), 0.5 * w_e], axis=-1)  # nodes, outputs, edge
    kernel = _green(pts[..., :, None], xn[..., None, :], l_e[..., None]) / EI[..., None]
    if shear:
        kGA = shear_stiffness(D, d, E, _f(poisson)[..., None] if np.ndim(poisson) else poisson)
        kernel = kernel + _green_shear(pts[..., :, None], xn[..., None, :], l_e[..., None]) / kGA[..., None]
    G_mat = kernel * (0.5 * w_e[..., None] * wt)
    crown = hc * (1.0 - (2.0 * pts / w_e) ** 2)
    Lmin = L0 * (1.0 - e0) / (1.0 - em)

    def local_load(L):
        contact = L < L0
        eps = 1.0 - (1.0 - e0) * L0 / np.where(contact, L, L0)
        arg = (e0 - em) / np.maximum(eps - em, np.exp(-_CAP) * (e0 - em))  # capped at 27.6 γ where ε reaches ε_min
        return np.where(contact, gam * np.log(np.maximum(arg, 1.0)), 0.0)

    def solve_gap(g):
        """Offset G (bisection) so that the face mean of q(G + 2 g) at the nodes is the nominal load."""
        gn = g[..., :nodes]
        g_low = gn.min(axis=-1, keepdims=True)  # output points nearer the edge may reach ε_min (clamped below)
        lo, hi = np.broadcast_arrays(Lmin - 2.0 * g_low, L0 - 2.0 * g_low)
        lo, hi = lo.copy(), hi.copy()
        for _ in range(60):
            mid = 0.5 * (lo + hi)
            over = 0.5 * np.sum(wt * local_load(mid + 2.0 * gn), axis=-1, keepdims=True) > q
            lo, hi = np.where(over, mid, lo), np.where(over, hi, mid)
        return 0.5 * (lo + hi)

    qn = np.broadcast_to(q, xn.shape).copy()
    for _ in range(iterations):
        g = np.einsum("...ij,...j->...i", G_mat, qn) - crown
        L = solve_gap(g) + 2.0 * g
        qn = 0.5 * qn + 0.5 * local_load(L[..., :nodes])
        qn = 0.5 * (qn + qn[..., ::-1])  # the problem is symmetric about the face centre: keep rounding from breaking it
    g = np.einsum("...ij,...j->...i", G_mat, qn) - crown
    L_all = solve_gap(g) + 2.0 * g
    q_nodes = local_load(L_all[..., :nodes])
    carried = 0.5 * np.sum(wt * q_nodes, axis=-1) / np.where(q[..., 0] > 0, q[..., 0], 1.0)
    carried = np.where(q[..., 0] > 0, carried, 1.0)
    residual = np.max(np.abs(q_nodes - qn), axis=-1) / np.maximum(q[..., 0], 1e-3 * gam[..., 0])
    converged = (residual < 1e-3) & (carried >= min_carried)
    L = np.minimum(L_all, L0)[..., nodes:nodes + xs.size]
    L = np.maximum(L, Lmin)
    eps = 1.0 - (1.0 - e0) * L0 / L
    qx = local_load(L)
    capped = qx >= (1.0 - 1e-9) * gam * _CAP
    shape = eps.shape[:-1] + x.shape
    if on_failure == "raise" and not converged.all():
        i = int(np.flatnonzero(~converged.ravel())[0])
        which = f"profile {i + 1}" if converged.size > 1 else ""
        raise InfeasibleError(profile_failure_message(float(carried.ravel()[i]), which, min_carried))
    out = (eps.reshape(shape), qx.reshape(shape))
    if diagnostics or on_failure == "flag":
        out += (capped.reshape(shape), carried, converged)
    return out


def profile_failure_message(carried_fraction: float, which: str = "", min_carried: float = MIN_CARRIED_FRACTION) -> str:
    """The sentence that says why a :func:`cross_width_profile` result is not trusted (``which`` names it).

    Parameters
    ----------
    carried_fraction : float
        Face mean of the local line load over the nominal load (dimensionless).
    which : str
        Name of the profile in the message (e.g. ``"without crown"``); empty for none.
    min_carried : float
        Least carried fraction that counts as carried (dimensionless).
    """
    w = f" ({which})" if which else ""
    if carried_fraction < min_carried:
        return (f"the cross-width model carries only {to_display(carried_fraction, '%'):.1f} % of the line load{w}: the roll "
                "bends as much as the coating compacts, so strips are squeezed to eps_min; use a stiffer roll (larger "
                "roll_diameter_m), a narrower face_width_m or a crown")
    return (f"the cross-width load distribution did not converge{w}: the roll's deflection is comparable to the "
            "coating's compaction range; use a stiffer roll (larger roll_diameter_m) or a narrower face_width_m")


def porosity_profile(x_m: Array, line_load_N_m: Array, eps0: Array, thickness_before_m: Array, eps_min: Array,
                     gamma_N_m: Array, face_width_m: Array, bearing_span_m: Array, roll_diameter_m: Array,
                     bore_diameter_m: Array = 0.0, youngs_modulus_Pa: Array = STEEL_MODULUS_PA,
                     crown_m: Array = 0.0, *, iterations: int = 40, shear: bool = True) -> np.ndarray:
    """Porosity across the face (see :func:`cross_width_profile` for the model and the arguments).

    Parameters
    ----------
    x_m : array_like
        Positions across the face from its centre in m, |x| <= w/2.
    line_load_N_m, eps0, thickness_before_m, eps_min, gamma_N_m : array_like
        Nominal line load (N/m), coating porosity (dimensionless) and thickness (m) before calendering, and the
        compaction law's minimum porosity (dimensionless) and line-load scale γ_c (N/m).
    face_width_m, bearing_span_m : array_like
        Loaded face width w and bearing span l in m, w <= l.
    roll_diameter_m, bore_diameter_m : array_like
        Outer diameter D and bore d in m; d = 0 for a solid roll.
    youngs_modulus_Pa : array_like
        Young's modulus E of the roll in Pa (steel 210 GPa).
    crown_m : array_like
        Crown height per roll in m; 0 = no crown.
    iterations : int
        Number of damped fixed-point iterations.
    shear : bool
        Include the Timoshenko shear deflection (default True).
    """
    return cross_width_profile(x_m, line_load_N_m, eps0, thickness_before_m, eps_min, gamma_N_m, face_width_m, bearing_span_m,
                    roll_diameter_m, bore_diameter_m, youngs_modulus_Pa, crown_m, iterations=iterations, shear=shear)[0]


#: softening temperature scale T_s of γ(T) = γ_ref exp(-ΔT / T_s) (K; illustrative, the seed's)
SOFTENING_K = 30.0


def softening_temperature_profile(local_line_load_N_m: Array, nominal_line_load_N_m: Array,
                                  softening_K: Array = SOFTENING_K) -> np.ndarray:
    """Thermal-crown alternative by softening: coating temperature excess ΔT(x) (K) that makes each strip reach
    the nominal porosity under its local line load.

    The seed's variant: the coating's compaction resistance falls with temperature (binder softening),
    γ(T) = γ_ref exp(-ΔT / T_s), so a strip carrying q(x) < q_nominal (the roll centre, without crown)
    reaches the nominal porosity when q(x)/γ(x) = q_nominal/γ_ref, i.e. ΔT(x) = T_s ln(q_nominal / q(x)).
    This is a load-controlled view of the strip; where a strip carries no load (q = 0) no temperature
    helps and ΔT is inf. T_s = 30 K is an illustrative default (γ halves every ~21 K).

    Parameters
    ----------
    local_line_load_N_m : array_like
        Local line load q(x) of each strip in N/m.
    nominal_line_load_N_m : array_like
        Nominal line load q_nominal in N/m.
    softening_K : array_like
        Softening temperature scale T_s in K (γ falls by e per T_s).
    """
    q, qn, ts = _f(local_line_load_N_m), _f(nominal_line_load_N_m), _f(softening_K)
    _require("softening_K", ts, np.isfinite(ts) & (ts > 0), "a number > 0 K")
    with np.errstate(divide="ignore"):
        return np.where(q > 0, ts * np.log(qn / np.where(q > 0, q, 1.0)), np.inf)


__all__ = [
    "MIN_CARRIED_FRACTION",
    "STEEL_EXPANSION_1_K",
    "STEEL_MODULUS_PA",
    "cross_width_profile",
    "crown_height",
    "crown_radius",
    "deflection_profile",
    "porosity_profile",
    "profile_failure_message",
    "roll_deflection",
    "second_moment",
    "shear_coefficient",
    "shear_deflection",
    "shear_stiffness",
    "softening_temperature_profile",
    "thermal_crown_temperature",
]
