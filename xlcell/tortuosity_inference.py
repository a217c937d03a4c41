"""Bayesian inference of the Bruggeman (tortuosity) exponent α from measured ionic resistances.

The seed's "detective" step: the tortuosity is not measured directly, but the ionic resistance of
an electrode is (e.g. by impedance of a symmetric cell with a non-intercalating electrolyte, the
blocking-electrode method of Landesfeind et al. 2016, J. Electrochem. Soc. 163, A1373). For a
coating of thickness L and porosity ε in an electrolyte of conductivity κ0, the area-specific ionic
resistance is

    R_ion = L τ / (κ0 ε) = L / (κ0 ε^α),   τ = ε^(1 - α)  (Bruggeman).

Measurements R_i at porosities ε_i (e.g. the same coating calendered to several line loads) carry a
relative error: ln R_i ~ Normal(ln(L_i / (κ0 ε_i^α)), s²), s the relative noise. With a normal
prior on α truncated to [α_lo, α_hi], the posterior is evaluated exactly on a grid (one dimension:
no sampling, deterministic). Without truncation and with a flat prior it is the conjugate Gaussian
of the linear regression ln(L_i/(κ0 R_i)) = α ln ε_i, which the tests check.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

from .errors import InputError, ShapeError
from .params import param


@dataclass(frozen=True)
class BruggemanPosterior:
    """Posterior of the Bruggeman exponent α on a grid."""

    alpha: np.ndarray = field(metadata=param("Grid of the Bruggeman exponent α", "-", key="alpha"))
    density: np.ndarray = field(metadata=param("Posterior density of α on the grid (integrates to 1)", "-",
                                               key="density"))
    mean: float = field(metadata=param("Posterior mean of α", "-", key="alpha_mean"))
    sd: float = field(metadata=param("Posterior standard deviation of α", "-", key="alpha_sd"))
    map: float = field(metadata=param("Most probable α on the grid (MAP)", "-", key="alpha_map"))
    ci_low: float = field(metadata=param("α, 2.5 % quantile", "-", key="alpha_ci_low"))
    ci_high: float = field(metadata=param("α, 97.5 % quantile", "-", key="alpha_ci_high"))
    n: int = field(metadata=param("Number of measurements", "-", key="n"))

    def quantile(self, p: float) -> float:
        """The ``p`` quantile of α (0 < p < 1), by linear interpolation of the grid CDF.

        Parameters
        ----------
        p : float
            Probability, 0 < p < 1 (dimensionless).
        """
        return _quantile(self.alpha, self.density, p)


def _quantile(a: np.ndarray, dens: np.ndarray, p: float) -> float:
    cdf = np.concatenate([[0.0], np.cumsum(0.5 * (dens[1:] + dens[:-1]) * np.diff(a))])
    return float(np.interp(p, cdf / cdf[-1], a))


def _positive(name: str, x: np.ndarray) -> None:
    bad = ~(np.isfinite(x) & (x > 0))
    if bad.any():
        i = int(np.flatnonzero(bad.ravel())[0])
        raise InputError(name, float(x.ravel()[i]), "a number > 0", f"measurement {i + 1}" if x.size > 1 else None)


def infer_bruggeman_exponent(porosity: ArrayLike, resistance_ohm_m2: ArrayLike, thickness_m: ArrayLike,
                             kappa0_S_m: ArrayLike, *, rel_noise: float = 0.05, prior_mean: float = 1.5,
                             prior_sd: float = 1.0, bounds: tuple[float, float] = (1.0, 5.0),
                             grid: int = 4001) -> BruggemanPosterior:
    """Posterior of α from area-specific ionic resistances R_i (Ω·m²) at porosities ε_i.

    Parameters
    ----------
    porosity : array_like
        Porosities ε_i, 0 < ε < 1 (at least one below 1 so that α is identifiable).
    resistance_ohm_m2 : array_like
        Measured area-specific ionic resistances (Ω·m²), > 0, same length.
    thickness_m, kappa0_S_m : array_like
        Coating thicknesses (m) and bulk electrolyte conductivity (S/m); broadcast with ``porosity``.
    rel_noise : float
        Relative measurement error s (standard deviation of ln R), > 0.
    prior_mean, prior_sd : float
        Normal prior on α (truncated to ``bounds``); a large ``prior_sd`` is a flat prior.
    bounds : (float, float)
        Support of α.
    grid : int
        Number of grid points.
    """
    eps = np.atleast_1d(np.asarray(porosity, dtype=float)).ravel()
    R = np.atleast_1d(np.asarray(resistance_ohm_m2, dtype=float)).ravel()
    if eps.shape != R.shape:
        raise ShapeError("resistance_ohm_m2", f"{R.size} values", f"{eps.size} values, one per porosity")
    bad = ~((eps > 0) & (eps < 1))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError("porosity", float(eps[i]), "a number between 0 and 1 (exclusive)", f"measurement {i + 1}")
    _positive("resistance_ohm_m2", R)
    L = np.broadcast_to(np.asarray(thickness_m, dtype=float), eps.shape)
    k0 = np.broadcast_to(np.asarray(kappa0_S_m, dtype=float), eps.shape)
    _positive("thickness_m", L)
    _positive("kappa0_S_m", k0)
    rel_noise, prior_sd, prior_mean = np.float64(rel_noise), np.float64(prior_sd), np.float64(prior_mean)
    for name, v in (("rel_noise", rel_noise), ("prior_sd", prior_sd)):
        if not (np.isfinite(v) and v > 0):
            raise InputError(name, float(v), "a number > 0")
    lo, hi = float(bounds[0]), float(bounds[1])
    if not lo < hi:
        raise InputError("bounds", f"{lo:g}..{hi:g}", "a lower bound below the upper bound")
    if int(grid) < 11:
        raise InputError("grid", grid, "an integer >= 11")

    x = np.log(eps)  # ln R = ln(L/κ0) - α ln ε  ->  y = ln(L/(κ0 R)) = α x
    y = np.log(L / (k0 * R))
    a = np.linspace(lo, hi, int(grid))
    resid = y[None, :] - a[:, None] * x[None, :]
    log_post = -0.5 * np.sum(resid**2, axis=1) / rel_noise**2 - 0.5 * ((a - prior_mean) / prior_sd) ** 2
    dens = np.exp(log_post - log_post.max())
    dens /= np.trapezoid(dens, a)
    mean = float(np.trapezoid(a * dens, a))
    sd = float(np.sqrt(max(np.trapezoid((a - mean) ** 2 * dens, a), 0.0)))
    return BruggemanPosterior(alpha=a, density=dens, mean=mean, sd=sd, map=float(a[np.argmax(dens)]),
                              ci_low=_quantile(a, dens, 0.025), ci_high=_quantile(a, dens, 0.975), n=int(eps.size))


def ionic_resistance(porosity: ArrayLike, thickness_m: ArrayLike, kappa0_S_m: ArrayLike,
                     exponent: ArrayLike = 1.5) -> np.ndarray:
    """Area-specific ionic resistance of a porous coating R = L / (κ0 ε^α) = L τ / (κ0 ε) (Ω·m²).

    Parameters
    ----------
    porosity : array_like
        Coating porosity ε (dimensionless, 0 < ε < 1).
    thickness_m : array_like
        Coating thickness L in m.
    kappa0_S_m : array_like
        Bulk electrolyte conductivity κ0 in S/m.
    exponent : array_like
        Bruggeman exponent α (dimensionless, default 1.5).
    """
    from .transport import effective_conductivity

    return np.asarray(thickness_m, dtype=float) / effective_conductivity(kappa0_S_m, porosity, exponent)


__all__ = ["BruggemanPosterior", "infer_bruggeman_exponent", "ionic_resistance"]
