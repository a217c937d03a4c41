"""Porous-electrode transport relations shared by the cell and calendering models (SI)."""
from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


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
