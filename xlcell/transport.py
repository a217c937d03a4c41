"""Porous-electrode transport relations shared by the cell and calendering models (SI).

Electronic conduction of a composite coating has one law (issue 17, "one electronic-conductivity route"), used by
the cell model (:func:`xlcell.cell.evaluate_cell`) and the calendering model (:func:`xlcell.calendering.calender`)
alike, through :func:`xlcell.conduction.solid_conductivity`: the active matrix and the conductive-carbon network
conduct in parallel,

    σ_through = σ_m (1 - ε)^b + σ_net / sqrt(A),    σ_in-plane = σ_m (1 - ε)^b + σ_net sqrt(A),

with σ_net = σ0 (φ - φ_c)^t above the percolation threshold (0 below; percolation theory, exponent t = 2 in three
dimensions: D. Stauffer, A. Aharony, *Introduction to Percolation Theory*, 1994), φ the carbon volume fraction,
φ_c = φ_c0 (1 - k_c s_c) lowered by the compaction strain s_c = 1 - (1 - ε_0)/(1 - ε), and A = 1 + a s_c the
through-plane / in-plane anisotropy that calendering builds.

The salt's diffusivity may depend on its concentration (:func:`salt_diffusivity_factor`, the published laws of
PyBaMM's parameter sets); :func:`kirchhoff_mean` is the exact constant diffusivity of a layer at steady state
(Kirchhoff's transform). The cell model's rate capability keeps a constant one (docs/models/rate-power.md: the
experiment with each set's D(c), scripts/electrolyte_law_experiment.py). The electrolyte's conductivity may depend on
the concentration too (:func:`conductivity_factor`, a cubic in c/c0; the discharge keeps κ(c0), the experiment of
scripts/salt_discharge_rebuild.py uses it).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Mapping

import numpy as np
from numpy.typing import ArrayLike

from .errors import InputError


def bruggeman(porosity: ArrayLike, exponent: ArrayLike = 1.5) -> np.ndarray:
    """MacMullin factor inverse ε^b: effective / bulk transport for a phase of volume fraction ε.

    Parameters
    ----------
    porosity : array_like
        Volume fraction of the conducting phase, 0 < ε <= 1.
    exponent : array_like
        Bruggeman exponent b (1.5 for spheres).
    """
    return np.power(np.asarray(porosity, dtype=float), exponent)


def effective_conductivity(bulk: ArrayLike, porosity: ArrayLike, exponent: ArrayLike = 1.5) -> np.ndarray:
    """κ_eff = κ0 ε^b (S/m), equivalently κ0 ε / τ with tortuosity τ = ε^(1 - b).

    Parameters
    ----------
    bulk : array_like
        Bulk conductivity κ0 in S/m (or any bulk transport property; the result has its unit).
    porosity : array_like
        Volume fraction ε of the conducting phase (dimensionless, 0 < ε <= 1).
    exponent : array_like
        Bruggeman exponent b (dimensionless; 1.5 for spheres).
    """
    return np.asarray(bulk, dtype=float) * bruggeman(porosity, exponent)


def tortuosity(porosity: ArrayLike, exponent: ArrayLike = 1.5) -> np.ndarray:
    """Bruggeman tortuosity τ = ε^(1 - b) (dimensionless, >= 1 for b >= 1).

    Parameters
    ----------
    porosity : array_like
        Volume fraction ε of the conducting phase (dimensionless, 0 < ε <= 1).
    exponent : array_like
        Bruggeman exponent b (dimensionless; 1.5 for spheres).
    """
    return np.power(np.asarray(porosity, dtype=float), 1.0 - np.asarray(exponent, dtype=float))


def compaction_strain(eps_before: ArrayLike, eps_after: ArrayLike) -> np.ndarray:
    """Through-thickness compaction strain s_c = 1 - L/L_0 = 1 - (1 - ε_0)/(1 - ε) (-).

    Parameters
    ----------
    eps_before : array_like
        Porosity before calendering ε_0 (dimensionless).
    eps_after : array_like
        Porosity after calendering ε (dimensionless).
    """
    return 1.0 - (1.0 - np.asarray(eps_before, dtype=float)) / (1.0 - np.asarray(eps_after, dtype=float))


def percolation_threshold(eps_before: ArrayLike, eps_after: ArrayLike, threshold0: ArrayLike, shift: ArrayLike) -> np.ndarray:
    """Percolation threshold lowered by compaction φ_c = φ_c0 (1 - k_c s_c) (-), s_c clipped to [0, 1].

    Parameters
    ----------
    eps_before : array_like
        Porosity before calendering ε_0 (dimensionless).
    eps_after : array_like
        Porosity after calendering ε (dimensionless).
    threshold0 : array_like
        Threshold of the uncalendered coating φ_c0 (dimensionless).
    shift : array_like
        k_c, the relative lowering per unit compaction strain (dimensionless).
    """
    s = np.clip(compaction_strain(eps_before, eps_after), 0.0, 1.0)
    return np.asarray(threshold0, dtype=float) * (1.0 - np.asarray(shift, dtype=float) * s)


def percolation_conductivity(phi: ArrayLike, phi_c: ArrayLike, sigma0_S_m: ArrayLike, exponent: ArrayLike = 2.0) -> np.ndarray:
    """Conductivity of the carbon network σ = σ0 (φ - φ_c)^t above threshold, 0 below (S/m).

    Parameters
    ----------
    phi : array_like
        Carbon volume fraction φ (dimensionless).
    phi_c : array_like
        Percolation threshold φ_c (dimensionless).
    sigma0_S_m : array_like
        Conductivity prefactor σ0 in S/m.
    exponent : array_like
        Percolation exponent t (dimensionless, 2 in three dimensions).
    """
    x = np.maximum(np.asarray(phi, dtype=float) - np.asarray(phi_c, dtype=float), 0.0)
    return np.asarray(sigma0_S_m, dtype=float) * np.power(x, np.asarray(exponent, dtype=float))


def anisotropy_ratio(eps_before: ArrayLike, eps_after: ArrayLike, coefficient: ArrayLike) -> np.ndarray:
    """Through-plane / in-plane tortuosity ratio A = 1 + a s_c, growing with compaction (-), s_c clipped to [0, 1].

    Parameters
    ----------
    eps_before : array_like
        Porosity before calendering ε_0 (dimensionless).
    eps_after : array_like
        Porosity after calendering ε (dimensionless).
    coefficient : array_like
        a, the growth of the ratio per unit compaction strain (dimensionless).
    """
    s = np.clip(compaction_strain(eps_before, eps_after), 0.0, 1.0)
    return 1.0 + np.asarray(coefficient, dtype=float) * s


def composite_conductivity(matrix_S_m: ArrayLike, porosity: ArrayLike, bruggeman_exponent: ArrayLike,
                           network_S_m: ArrayLike, anisotropy: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Through-plane and in-plane solid conductivity of a composite coating (S/m): the one law (module docstring).

    σ_through = σ_m (1 - ε)^b + σ_net / sqrt(A) and σ_in = σ_m (1 - ε)^b + σ_net sqrt(A).

    Parameters
    ----------
    matrix_S_m : array_like
        Conductivity σ_m of the active matrix without the carbon network, in S/m.
    porosity : array_like
        Coating porosity ε (dimensionless); the solid fraction 1 - ε carries the matrix current.
    bruggeman_exponent : array_like
        Bruggeman exponent b of the solid phase (dimensionless).
    network_S_m : array_like
        Conductivity of the carbon network σ_net in S/m (:func:`percolation_conductivity`; 0 without one).
    anisotropy : array_like
        Through-plane / in-plane ratio A (dimensionless, >= 1; :func:`anisotropy_ratio`).
    """
    matrix = effective_conductivity(matrix_S_m, 1.0 - np.asarray(porosity, dtype=float), bruggeman_exponent)
    root = np.sqrt(np.asarray(anisotropy, dtype=float))
    net = np.asarray(network_S_m, dtype=float)
    return matrix + net / root, matrix + net * root


def diffusion_time(length_m: ArrayLike, diffusivity_m2_s: ArrayLike) -> np.ndarray:
    """Characteristic diffusion time t = L² / D (s).

    Parameters
    ----------
    length_m : array_like
        Diffusion length L in m.
    diffusivity_m2_s : array_like
        Diffusivity D in m²/s.
    """
    L = np.asarray(length_m, dtype=float)
    return L * L / np.asarray(diffusivity_m2_s, dtype=float)


def max_length_for_time(time_s: ArrayLike, diffusivity_m2_s: ArrayLike) -> np.ndarray:
    """Largest length whose diffusion time L²/D fits in ``time_s``: L = sqrt(D t) (m).

    Parameters
    ----------
    time_s : array_like
        Available time t in s.
    diffusivity_m2_s : array_like
        Diffusivity D in m²/s.
    """
    return np.sqrt(np.asarray(diffusivity_m2_s, dtype=float) * np.asarray(time_s, dtype=float))


def cliff(ratio: ArrayLike, sharpness: ArrayLike = 8.0, tail: ArrayLike = 2.0) -> np.ndarray:
    """Smooth capacity cliff: 1 well below ``ratio = 1``, falling as ratio^-tail above it.

    f(x) = (1 + x^n)^(-m/n), x = ratio >= 0, n = sharpness, m = tail exponent.

    Parameters
    ----------
    ratio : array_like
        x, a depletion number over its critical value (dimensionless, >= 0).
    sharpness : array_like
        n, how sharply the cliff turns at x = 1 (dimensionless).
    tail : array_like
        m, the exponent of the fall above the cliff (dimensionless).
    """
    x = np.maximum(np.asarray(ratio, dtype=float), 0.0)
    n = np.asarray(sharpness, dtype=float)
    return np.power(1.0 + np.power(x, n), -np.asarray(tail, dtype=float) / n)


@lru_cache(maxsize=1)
def _gauss_legendre() -> tuple[np.ndarray, np.ndarray]:
    """Nodes and weights on [-1, 1] of the Kirchhoff integral's smooth part (12 points: exact for a polynomial of
    degree 23; the laws' smooth parts over a range of a few c0 are integrated to ~1e-13). Made on first use, so that
    importing the module does not load numpy.polynomial."""
    from numpy.polynomial.legendre import leggauss

    return leggauss(12)


#: the concentration range (in c0) over which a salt diffusivity law must stay positive: to 5 c0, beyond the pile-up
#: of a negative at the DFN's highest rates (2 to 3.5 c0)
SALT_LAW_RANGE = 5.0
_SAME_END = 1e-12  #: a range narrower than this share of its upper end is one point: its mean is the law there
_LAW_BOUNDS = {"inverse": (0.0, 10.0), "linear": (-100.0, 100.0), "quadratic": (-100.0, 100.0),
               "exponent": (-10.0, 10.0)}


def _cubic_positive(p0: np.ndarray, p1: np.ndarray, p2: np.ndarray, p3: np.ndarray) -> np.ndarray:
    """Whether P(x) = p0 + p1 x + p2 x² + p3 x³ is > 0 on (0, :data:`SALT_LAW_RANGE`] (per element): at the range's
    end, at the roots of P' = p1 + 2 p2 x + 3 p3 x² inside it, and just above 0 (the first coefficient that is not 0
    must be > 0); O(1) per law, so a population costs what one law does."""
    shape = np.broadcast_shapes(np.shape(p0), np.shape(p1), np.shape(p2), np.shape(p3))
    p0, p1, p2, p3 = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (p0, p1, p2, p3)))

    def poly(x: np.ndarray) -> np.ndarray:
        return p0 + (p1 + (p2 + p3 * x) * x) * x

    ok = poly(np.full(shape, SALT_LAW_RANGE)) > 0.0
    a, b, c = 3.0 * p3, 2.0 * p2, p1
    disc = b * b - 4.0 * a * c
    with np.errstate(divide="ignore", invalid="ignore"):
        sq = np.sqrt(np.maximum(disc, 0.0))
        roots = (np.where(a != 0.0, (-b - sq) / (2.0 * a), np.where(b != 0.0, -c / b, np.nan)),
                 np.where(a != 0.0, (-b + sq) / (2.0 * a), np.nan))
    for r in roots:
        inside = (disc >= 0.0) & (r > 0.0) & (r < SALT_LAW_RANGE)
        ok &= ~inside | (poly(np.where(inside, r, 1.0)) > 0.0)
    ok &= np.where(p0 != 0.0, p0, np.where(p1 != 0.0, p1, np.where(p2 != 0.0, p2, p3))) > 0.0
    return ok


def _bounded_coefficients(coefficients: Mapping[str, tuple[ArrayLike, tuple[float, float]]]) -> list[np.ndarray]:
    """A law's coefficients (name -> (value, (lowest, highest))) as float arrays, in order; the first not finite or
    out of its bounds refused (:class:`~xlcell.errors.InputError` naming it and the law)."""
    out = []
    for name, (v, (lo, hi)) in coefficients.items():
        a = np.asarray(v, dtype=float)
        bad = ~np.isfinite(a) | (a < lo) | (a > hi)
        if bad.any():
            j = int(np.flatnonzero(bad.ravel())[0])
            raise InputError(name, float(a.ravel()[j]), f"a finite number from {lo:g} to {hi:g}",
                             f"law {j + 1}" if a.size > 1 else None)
        out.append(a)
    return out


def _largest_coefficient(j: int, shape: tuple[int, ...], **coefficients: np.ndarray) -> tuple[str, float]:
    """The name and value of the law's coefficient of the largest magnitude at flat index ``j`` (the first of equals):
    what a law that turns non-positive is refused by (the coefficient a user most likely typed)."""
    vals = {n: float(np.broadcast_to(a, shape).ravel()[j]) for n, a in coefficients.items()}
    name = max(vals, key=lambda n: abs(vals[n]))
    return name, vals[name]


def check_salt_diffusivity_law(inverse: ArrayLike = 0.0, linear: ArrayLike = 0.0, quadratic: ArrayLike = 0.0,
                               exponent: ArrayLike = 0.0) -> tuple[np.ndarray, ...]:
    """The law's coefficients as arrays, refused (:class:`~xlcell.errors.InputError` naming the coefficient) when not
    finite, outside their bounds (``inverse`` 0 to 10, ``linear`` and ``quadratic`` -100 to 100, ``exponent`` -10 to
    10) or when the diffusivity they give is not positive for some concentration between 0 and
    :data:`SALT_LAW_RANGE` c0 (then named by its coefficient of the largest magnitude).

    Parameters
    ----------
    inverse, linear, quadratic, exponent : array_like
        q_-1, q_1, q_2 and β of :func:`salt_diffusivity_factor`.
    """
    inv, lin, quad, beta = _bounded_coefficients({"inverse": (inverse, _LAW_BOUNDS["inverse"]),
                                                  "linear": (linear, _LAW_BOUNDS["linear"]),
                                                  "quadratic": (quadratic, _LAW_BOUNDS["quadratic"]),
                                                  "exponent": (exponent, _LAW_BOUNDS["exponent"])})
    # the polynomial part P(x) = q_-1 + q_0 x + q_1 x² + q_2 x³ (g(x) x e^(β (x - 1)): > 0 for x > 0 iff the law is)
    shape = np.broadcast_shapes(inv.shape, lin.shape, quad.shape)
    bad = ~_cubic_positive(inv, 1.0 - inv - lin - quad, lin, quad)
    if bad.any():
        j = int(np.flatnonzero(bad.ravel())[0])
        name, v = _largest_coefficient(j, shape, inverse=inv, linear=lin, quadratic=quad)
        raise InputError(name, v, f"with the other coefficients, a diffusivity > 0 from 0 to {SALT_LAW_RANGE:g} c0",
                         f"law {j + 1}" if bad.size > 1 else None)
    return inv, lin, quad, beta


def salt_diffusivity_factor(x: ArrayLike, inverse: ArrayLike = 0.0, linear: ArrayLike = 0.0, quadratic: ArrayLike = 0.0,
                            exponent: ArrayLike = 0.0) -> np.ndarray:
    """g(x) = D(c)/D(c0) of a salt diffusivity law at x = c/c0 (dimensionless).

    g(x) = (q_-1/x + q_0 + q_1 x + q_2 x²) exp(-β (x - 1)), q_0 = 1 - q_-1 - q_1 - q_2 (so g(1) = 1); every coefficient
    0 is a constant diffusivity. The form holds the published laws of PyBaMM's parameter sets exactly: a quadratic in c
    (Nyman et al. 2008, LiPF6 in EC:EMC 3:7; Kim et al. 2011), an exponential (Capiglia et al. 1999 as Dualfoil fits
    it; Landesfeind & Gasteiger 2019 at one temperature) and Ecker et al.'s (2015) D = (k_B T/(F q)) σ(c)/c with a
    cubic conductivity σ(c) (the 1/x term).

    Parameters
    ----------
    x : array_like
        Salt concentration over its initial value, > 0.
    inverse, linear, quadratic : array_like
        q_-1, q_1, q_2 (dimensionless; checked by :func:`check_salt_diffusivity_law`).
    exponent : array_like
        β (dimensionless, per unit of c/c0).

    Raises
    ------
    InputError
        A coefficient that is not finite, out of its bounds, or a law that is not positive from 0 to 5 c0.
    """
    inv, lin, quad, beta = check_salt_diffusivity_law(inverse, linear, quadratic, exponent)
    x = np.asarray(x, dtype=float)
    return (inv / x + (1.0 - inv - lin - quad) + (lin + quad * x) * x) * np.exp(-beta * (x - 1.0))


_CONDUCTIVITY_BOUNDS = (-100.0, 100.0)


def check_conductivity_law(linear: ArrayLike = 0.0, quadratic: ArrayLike = 0.0,
                           cubic: ArrayLike = 0.0) -> tuple[np.ndarray, ...]:
    """The conductivity law's coefficients as arrays, refused (:class:`~xlcell.errors.InputError` naming the
    coefficient) when not finite, outside -100 to 100, or when the conductivity they give is not positive for some
    concentration between 0 and :data:`SALT_LAW_RANGE` c0 (then named by its coefficient of the largest magnitude). κ(0) = 0 is allowed (the salt's own conductivity vanishes with it); κ(0) < 0 is not.

    Parameters
    ----------
    linear, quadratic, cubic : array_like
        k_1, k_2, k_3 of :func:`conductivity_factor` (dimensionless).
    """
    b = _CONDUCTIVITY_BOUNDS
    lin, quad, cub = _bounded_coefficients({"linear": (linear, b), "quadratic": (quadratic, b), "cubic": (cubic, b)})
    shape = np.broadcast_shapes(lin.shape, quad.shape, cub.shape)
    bad = ~_cubic_positive(1.0 - lin - quad - cub, lin, quad, cub)
    if bad.any():
        j = int(np.flatnonzero(bad.ravel())[0])
        name, v = _largest_coefficient(j, shape, linear=lin, quadratic=quad, cubic=cub)
        raise InputError(name, v, f"with the other coefficients, a conductivity > 0 from 0 to {SALT_LAW_RANGE:g} c0",
                         f"law {j + 1}" if bad.size > 1 else None)
    return lin, quad, cub


def conductivity_factor(x: ArrayLike, linear: ArrayLike = 0.0, quadratic: ArrayLike = 0.0,
                        cubic: ArrayLike = 0.0) -> np.ndarray:
    """h(x) = κ(c)/κ(c0) of an electrolyte conductivity law at x = c/c0 (dimensionless).

    h(x) = k_0 + k_1 x + k_2 x² + k_3 x³, k_0 = 1 - k_1 - k_2 - k_3 (so h(1) = 1; k_0 = κ(0)/κ(c0)); every coefficient
    0 is a constant conductivity. The published laws of PyBaMM's parameter sets are cubics in c (Capiglia et al. 1999
    as Dualfoil fits it, Marquis2019; Ecker et al. 2015; Kim et al. 2011, NCA_Kim2011) or close to one on 0–2 c0
    (Nyman et al. 2008's c³, c^1.5 and c terms, Chen2020 and the LFP BPX set; Landesfeind & Gasteiger 2019,
    ORegan2022): scripts/conductivity_law_fit.py fits each by least squares on PyBaMM's values from 0 to 2 c0.

    Parameters
    ----------
    x : array_like
        Salt concentration over its initial value, >= 0.
    linear, quadratic, cubic : array_like
        k_1, k_2, k_3 (dimensionless; checked by :func:`check_conductivity_law`).

    Raises
    ------
    InputError
        A coefficient that is not finite, out of its bounds, or a law that is not positive from 0 to 5 c0.
    """
    lin, quad, cub = check_conductivity_law(linear, quadratic, cubic)
    x = np.asarray(x, dtype=float)
    return (1.0 - lin - quad - cub) + (lin + (quad + cub * x) * x) * x


def kirchhoff_mean(a: ArrayLike, b: ArrayLike, inverse: ArrayLike = 0.0, linear: ArrayLike = 0.0,
                   quadratic: ArrayLike = 0.0, exponent: ArrayLike = 0.0) -> np.ndarray:
    """ḡ, the mean of g = D(c)/D(c0) over the concentrations from a to b (in units of c0, > 0): Kirchhoff's transform.

    With Φ(c) = ∫ D(c) dc the steady salt flux through a layer of constant effective cross-section f (f = ε^b) is
    N = -f dΦ/dx: Φ's profile is the constant-diffusivity profile, whatever D(c). A layer whose concentration runs from
    a to b therefore carries exactly the flux of the constant diffusivity D(c0) ḡ, ḡ = (Φ(b) - Φ(a))/(D(c0) c0 (b - a)),
    and a layer with a uniform sink (a reacting electrode) has the concentration drop of that constant diffusivity. The
    smooth part of g is integrated by 12-point Gauss–Legendre quadrature, the pole of the 1/x term as
    q_-1 e^β ln(b/a); b = a gives g(a). Vectorised over every argument.

    Parameters
    ----------
    a, b : array_like
        The range's ends, c/c0 (either order; > 0).
    inverse, linear, quadratic, exponent : array_like
        The law's coefficients (:func:`salt_diffusivity_factor`).

    Raises
    ------
    InputError
        A bad law (:func:`check_salt_diffusivity_law`), or an end that is not a finite number > 0 (names ``a``/``b``).
    """
    inv, lin, quad, beta = check_salt_diffusivity_law(inverse, linear, quadratic, exponent)
    ends = []
    for name, v in (("a", a), ("b", b)):
        e = np.asarray(v, dtype=float)
        bad = ~np.isfinite(e) | ~(e > 0)
        if bad.any():
            j = int(np.flatnonzero(bad.ravel())[0])
            raise InputError(name, float(e.ravel()[j]), "a concentration over c0 > 0", f"value {j + 1}" if e.size > 1 else None)
        ends.append(e)
    lo, hi = np.minimum(*ends), np.maximum(*ends)
    half, mid = 0.5 * (hi - lo), 0.5 * (hi + lo)
    nodes, weights = _gauss_legendre()
    x = mid[..., None] + half[..., None] * nodes
    iq, bq = inv[..., None], beta[..., None]
    # the smooth part: the polynomial terms, and the 1/x term less its pole, q_-1 e^β (e^(-βx) - 1)/x
    smooth = ((1.0 - inv - lin - quad)[..., None] + (lin[..., None] + quad[..., None] * x) * x) * np.exp(-bq * (x - 1.0)) \
        + iq * np.exp(bq) * np.expm1(-bq * x) / x
    width = hi - lo
    with np.errstate(divide="ignore", invalid="ignore"):
        pole = np.where(width > _SAME_END * hi, np.log1p(width / lo) / np.where(width > 0, width, 1.0), 1.0 / lo)
    return 0.5 * np.sum(weights * smooth, axis=-1) + inv * np.exp(beta) * pole
