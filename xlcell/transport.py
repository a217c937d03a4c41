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
"""
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
