"""A reduced Doyle–Fuller–Newman (pseudo-two-dimensional) porous-electrode model, vectorised over designs.

Issue 13: the closed-form rate model (:mod:`xlcell.cell`) spreads each electrode's reaction evenly through the part of
it that the salt reaches. Past the electrolyte cliff the DFN does not: the reaction moves towards the separator as the
salt runs out near the collector, and back into the depth as the particles near the separator fill. This module
resolves that distribution on a coarse finite-volume grid, for every design of a population at once (no Python loop
over designs; the loops here run over time steps, grid nodes and Newton iterations):

* **electrolyte** — salt conservation ε ∂c/∂t = ∂/∂x(ε^b D(c) ∂c/∂x) ± (1 − t+) j/F in each region (negative,
  separator, positive), finite volumes, backward Euler with the diffusivity lagged one step (solved with the
  reaction in one Newton system, below);
  the electrolyte potential from Ohm's law with the diffusion potential, i_e = −κ_eff ∂φ_e/∂x +
  κ_eff (2RT/F)(1 − t+) χ ∂ln c/∂x (χ the thermodynamic factor);
* **reaction** — Butler–Volmer (symmetric, α = 1/2) at each node, the exchange current ∝ √(c/c0);
* **particles** — each node's sphere in the modal form of Carslaw & Jaeger's constant-flux solution (§9.3): the mean
  state plus ``n_modes`` decaying modes (tan λ = λ) and the remaining modes quasi-steady, so that a constant flux gives
  the surface's exact S(τ) = 3τ + 1/5 − 2 Σ e^(−λ²τ)/λ² up to the truncated modes' transients; backward Euler;
* **open-circuit potential** — each electrode's OCP as a function of its state of charge within the cycled window
  (callables of the caller), continued past the window's end into the surface headroom h, where it collapses
  logarithmically at the stoichiometry's bound (SOC = −h);
* **cell** — infinite solid-phase conductivity in each coating (the design's electronic ASI is added as a lumped
  resistance); a constant current until the cell voltage reaches the cut-off.

At each time step the reaction distribution of each electrode solves W = F_k(I_k) − Σ_i ρ_min(k,i) I_i, Σ I_k = I by
Newton's method (I_k the current of node k, F_k its open-circuit potential at the surface the step leaves, the
diffusion potential and the Butler–Volmer overpotential, ρ the electrolyte's resistance from the separator's side,
W the electrode's potential against the electrolyte at its first node); a monotone system with one solution.

All quantities are SI: m, m²/s, S/m, mol/m³, A/m² (per m² of electrode facing its counter electrode), C/m², K, V.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from numpy.typing import ArrayLike

from xlcell.constants import FARADAY, GAS_CONSTANT, SECONDS_PER_HOUR
from xlcell.errors import InputError

__all__ = ["PorousCell", "design_cell", "discharge", "rate_capability", "sphere_modes"]

#: the salt (share of c0) the conductivity law sees added to a node's: the electrolyte's conductivity at a starved node
#: stays finite where a law goes to 0 with the salt (1e-6: far below where a DFN's cell still delivers anything)
SALT_FLOOR = 1e-6
#: the step in ln c of the conductivity law's slope (forward difference)
LN_STEP = 1e-6
#: the lowest salt (share of c0) a node's Newton iterate takes: its exchange current is then 1e-15 of c0's
SALT_MIN = 1e-30
#: an OCP: SOC within the cycled window (M, N) -> (potential V, dU/dSOC V) of that electrode
Ocp = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]
#: an electrolyte property: concentration c/c0 (M, N) -> its value over the value at c0
Law = Callable[[np.ndarray], np.ndarray]


def sphere_modes(n: int) -> np.ndarray:
    """The first ``n`` positive roots λ_k of tan λ = λ (the sphere's surface-flux eigenvalues), by Newton's method.

    Parameters
    ----------
    n : int
        How many roots.
    """
    k = np.arange(1, n + 1, dtype=float)
    lam = (k + 0.5) * np.pi - 1.0 / ((k + 0.5) * np.pi)  # asymptotic start, within the branch
    for _ in range(50):
        f = np.tan(lam) - lam
        lam = lam - f / (1.0 / np.cos(lam) ** 2 - 1.0)
    return lam


@dataclass(frozen=True)
class PorousCell:
    """A population of cells as the porous-electrode model reads them (SI; every array broadcast to shape ``(M,)``).

    Attributes
    ----------
    thickness_m : tuple of array_like
        Negative, separator and positive thickness (m).
    porosity : tuple of array_like
        Their porosities (-).
    bruggeman : tuple of array_like
        Their Bruggeman exponents b (effective transport ε^b, -).
    concentration_mol_m3, diffusivity_m2_s, conductivity_S_m, transference : array_like
        The electrolyte's initial salt concentration, its salt diffusivity and conductivity at it, t+ (-).
    capacity_C_m2 : tuple of array_like
        Negative and positive window capacity per m² (the charge between SOC 0 and 1).
    radius_m, solid_diffusivity_m2_s : tuple of array_like
        Negative and positive particle radius (m) and solid diffusivity (m²/s).
    exchange_A_m2 : tuple of array_like
        Negative and positive exchange current per m² of electrode at c0 (A/m²): the whole coating's i0 a L.
    headroom : tuple of array_like
        How far past SOC 0 each electrode's surface may go before its stoichiometry's bound, as a share of its window.
    ocp : tuple of callables
        Negative and positive OCP against SOC (:data:`Ocp`).
    temperature_K, cutoff_V, series_asi_ohm_m2 : array_like
        Temperature, discharge cut-off voltage, and a lumped resistance in series (Ω m²).
    diffusivity_law, conductivity_law, thermodynamic_factor : callables or None
        D(c)/D(c0), κ(c)/κ(c0) and the thermodynamic factor χ(c) against c/c0 (None: 1).
    exchange_solid : tuple of callables or None
        The exchange current's dependence on the surface's SOC, over its value at the reference (None: constant).
    solid_conductivity_S_m : tuple of array_like or None
        Negative and positive coating's effective electronic conductivity (S/m; None: infinite). The solid's current
        runs from each node to the collector: with the electrolyte's, it sets the reaction's distribution.
    """

    thickness_m: tuple
    porosity: tuple
    bruggeman: tuple
    concentration_mol_m3: ArrayLike
    diffusivity_m2_s: ArrayLike
    conductivity_S_m: ArrayLike
    transference: ArrayLike
    capacity_C_m2: tuple
    radius_m: tuple
    solid_diffusivity_m2_s: tuple
    exchange_A_m2: tuple
    headroom: tuple
    ocp: tuple
    temperature_K: ArrayLike
    cutoff_V: ArrayLike
    series_asi_ohm_m2: ArrayLike = 0.0
    diffusivity_law: Law | None = None
    conductivity_law: Law | None = None
    thermodynamic_factor: Law | None = None
    exchange_solid: tuple | None = None
    solid_conductivity_S_m: tuple | None = None


def _ocp_wall(ocp: Ocp, soc: np.ndarray, h: np.ndarray, vt: np.ndarray, sign: float) -> tuple[np.ndarray, np.ndarray]:
    """The OCP continued below SOC 0 (the window's end) into the headroom h, collapsing at SOC = −h.

    ``sign`` +1 for the positive (its potential falls as it fills), −1 for the negative (its potential rises as it
    empties): below SOC 0 the OCP is the caller's (continued as it chooses) plus sign · V_T ln(1 + SOC/h)."""
    u, du = ocp(soc)
    below = soc < 0.0
    if below.any():
        x = np.maximum(1.0 + np.minimum(soc, 0.0) / h, 1e-300)
        u = u + np.where(below, sign * vt * np.log(x), 0.0)
        du = du + np.where(below, sign * vt / (x * h), 0.0)
    return u, du


def discharge(cell: PorousCell, current_A_m2: ArrayLike, *, nodes: tuple[int, int, int] = (8, 3, 8), n_modes: int = 6,
              n_steps: int = 120, t_max_s: ArrayLike | None = None, newton: int = 30) -> dict[str, np.ndarray]:
    """A constant-current discharge from full charge (every SOC 1, the salt at c0) to the cut-off voltage.

    Parameters
    ----------
    cell : PorousCell
        The cells (shape ``(M,)`` after broadcasting).
    current_A_m2 : array_like
        The discharge current per m² of electrode (A/m²), shape ``(M,)`` or broadcastable.
    nodes : tuple of int
        Finite volumes in the negative, the separator and the positive.
    n_modes : int
        Decaying modes of each particle's surface kept as states (the rest quasi-steady).
    n_steps : int
        Backward-Euler steps over ``t_max_s``.
    t_max_s : array_like, optional
        The time span simulated (s); default 1.25 × the time the smaller window capacity lasts at the current.
    newton : int
        Most Newton iterations of the reaction distribution per step.

    Returns
    -------
    dict
        ``capacity_C_m2`` (the charge delivered to the cut-off, C/m²; at ``t_max_s`` if the cut-off was not reached),
        ``time_s``, ``ended`` (bool: the cut-off was reached), ``voltage_V`` (M, steps + 1) and ``t_s`` (M, steps + 1),
        ``salt_min`` (the lowest c/c0 reached), ``salt_mol_m2`` and ``salt_initial_mol_m2`` (the salt in the cell's
        pores at the end and at the start, mol per m²: conserved). With ``solid_conductivity_S_m`` the voltage is between the collectors;
        without, between the coatings' solids (the same when the solid conducts without loss).
    """
    nn, ns, npp = nodes
    th = [np.asarray(x, dtype=float) for x in cell.thickness_m]
    arrays = [current_A_m2] + [v for f in cell.__dataclass_fields__ for v in
                                (getattr(cell, f) if isinstance(getattr(cell, f), tuple) else (getattr(cell, f),))
                                if v is not None and not callable(v)]
    M = np.broadcast_shapes(*(np.shape(x) for x in arrays))
    M = int(np.prod(M)) if M else 1

    def col(x: ArrayLike) -> np.ndarray:
        return np.broadcast_to(np.asarray(x, dtype=float), (M,)).reshape(M, 1).copy()

    I = col(current_A_m2)[:, 0]
    bad = ~(I > 0.0) | ~np.isfinite(I)
    if bad.any():
        j = int(np.flatnonzero(bad)[0])
        raise InputError("current_A_m2", float(I[j]), "a discharge current > 0 (A/m²)", f"cell {j + 1}" if M > 1 else None)
    for name, n in (("nodes", min(nodes)), ("n_steps", n_steps), ("n_modes", n_modes + 1), ("newton", newton)):
        if n < 1:
            raise InputError(name, n, "at least 1")
    T = col(cell.temperature_K)
    vt = GAS_CONSTANT * T / FARADAY  # RT/F
    c0 = col(cell.concentration_mol_m3)
    tp = col(cell.transference)
    # grid: negative collector -> separator -> positive collector
    counts = (nn, ns, npp)
    dx = np.concatenate([np.repeat(col(L) / k, k, axis=1) for L, k in zip(cell.thickness_m, counts)], axis=1)
    eps = np.concatenate([np.repeat(col(e), k, axis=1) for e, k in zip(cell.porosity, counts)], axis=1)
    brug = np.concatenate([np.repeat(col(b), k, axis=1) for b, k in zip(cell.bruggeman, counts)], axis=1)
    tort = eps**brug
    D0 = col(cell.diffusivity_m2_s) * tort
    K0 = col(cell.conductivity_S_m) * tort
    neg = slice(0, nn)
    pos = slice(nn + ns, nn + ns + npp)
    one = lambda x: np.ones_like(x)  # noqa: E731
    dlaw = cell.diffusivity_law or one
    klaw = cell.conductivity_law or one
    tdf = cell.thermodynamic_factor or one

    # electrodes: index 0 negative, 1 positive; nodes ordered from the separator's side
    idx = [np.arange(nn)[::-1], np.arange(nn + ns, nn + ns + npp)]
    nk = [nn, npp]
    sign = [-1.0, 1.0]
    q = [col(cell.capacity_C_m2[e]) * (dx[:, idx[e]] / col(cell.thickness_m[2 * e])) for e in (0, 1)]  # per node
    ts = [col(cell.radius_m[e]) ** 2 / col(cell.solid_diffusivity_m2_s[e]) for e in (0, 1)]
    i0 = [col(cell.exchange_A_m2[e]) * (dx[:, idx[e]] / col(cell.thickness_m[2 * e])) for e in (0, 1)]
    hr = [np.maximum(col(cell.headroom[e]), 1e-3) for e in (0, 1)]
    lam = sphere_modes(n_modes)
    rest = 0.2 - np.sum(2.0 / lam**2)  # the truncated modes' quasi-steady share (Σ 2/λ² over all roots = 1/5)

    q_min = np.minimum(col(cell.capacity_C_m2[0]), col(cell.capacity_C_m2[1]))[:, 0]
    t_end = 1.25 * q_min / I if t_max_s is None else np.broadcast_to(np.asarray(t_max_s, dtype=float), (M,))
    dt = (t_end / n_steps)[:, None]

    c = np.repeat(c0, nn + ns + npp, axis=1)
    avg = [np.ones((M, k)) for k in nk]
    modes = [np.zeros((M, k, n_modes)) for k in nk]
    cur = [np.repeat(I[:, None] / k, k, axis=1) for k in nk]
    beta = [dt[:, :, None] * lam**2 / ts[e][:, :, None] for e in (0, 1)]
    # the surface SOC after the step is a - b I_k (backward Euler on the mean and the modes)
    # written out: surface = avg - dt u - Σ_j (w_j + dt (2/3) u)/(1 + β_j) - (t_s/3) u rest, u = I_k/q_k
    b_coef = [(dt + np.sum(dt[:, :, None] * (2.0 / 3.0) / (1.0 + beta[e]), axis=2) + ts[e] / 3.0 * rest) / q[e]
              for e in (0, 1)]

    # the solid's resistance: node k's potential against the collector's is Σ_i I_i P_max(k,i), P_m the resistance
    # from node m to the collector (the solid current past face j is the reaction of the nodes up to j)
    solid = []
    for e in (0, 1):
        n = nk[e]
        if cell.solid_conductivity_S_m is None:
            solid.append(np.zeros((M, n, n)))
            continue
        d_e = dx[:, idx[e]] / np.maximum(col(cell.solid_conductivity_S_m[e]), 1e-30)
        seg = np.concatenate([0.5 * (d_e[:, :-1] + d_e[:, 1:]), 0.5 * d_e[:, -1:]], axis=1)  # node m -> m+1, last -> collector
        P = np.cumsum(seg[:, ::-1], axis=1)[:, ::-1]
        solid.append(P[:, np.maximum.outer(np.arange(n), np.arange(n))])

    nx = nn + ns + npp
    a_n, a_p = idx[0][0], idx[1][0]
    rows = np.arange(M)
    asi = col(cell.series_asi_ohm_m2)[:, 0]
    cut = col(cell.cutoff_V)[:, 0]
    # the unknowns of a step: the salt (nx), each electrode's node currents and its potential W
    o_n, o_p = nx, nx + nn + 1
    nz = nx + nn + npp + 2

    def electrodes(cc: np.ndarray, cur_: list[np.ndarray], Ws: list[np.ndarray], a_c: list[np.ndarray]):
        """Each electrode's residuals W_k - W (V) and their derivatives in its node currents, at salt cc."""
        # the conductivity sees the salt plus SALT_FLOOR c0 (a starved node keeps a trace of it, so that the resistance
        # past it stays finite), ``w`` = d ln(x + floor) / d ln x; the exchange current (∝ √c, which stops a starved
        # node's reaction) and the diffusion potential see the salt itself
        x = np.maximum(cc / c0, 1e-300)
        xk = x + SALT_FLOOR
        w = x / xk
        kap = K0 * klaw(xk)
        chi = tdf(xk)
        half_r = 0.5 * dx / np.maximum(kap, 1e-30)
        r_face = half_r[:, :-1] + half_r[:, 1:]
        kslope = w * (np.log(np.maximum(klaw(xk * np.exp(LN_STEP)), 1e-300)) - np.log(np.maximum(klaw(xk), 1e-300))) / LN_STEP
        out = []
        for e in (0, 1):
            k_idx, n = idx[e], nk[e]
            faces = k_idx[:-1] if e == 1 else k_idx[1:]
            rho = np.concatenate([np.zeros((M, 1)), np.cumsum(r_face[:, faces], axis=1)], axis=1)
            Rm = rho[:, np.minimum.outer(np.arange(n), np.arange(n))] + solid[e]
            ce = x[:, k_idx]
            dpot = 2.0 * vt * (1.0 - tp) * chi[:, k_idx] * np.log(ce / ce[:, :1])
            i0e = i0[e] * np.sqrt(ce)
            if cell.exchange_solid is not None:
                i0e = i0e * cell.exchange_solid[e](np.clip(a_c[e], -hr[e] + 1e-6, 1.0))
            Ik = cur_[e]
            soc_s = a_c[e] - b_coef[e] * Ik
            u, du = _ocp_wall(cell.ocp[e], soc_s, hr[e], vt, sign[e])
            eta = 2.0 * vt * np.arcsinh(Ik / (2.0 * i0e))
            Fk = sign[e] * u - eta + sign[e] * dpot
            dF = -sign[e] * du * b_coef[e] - 2.0 * vt / np.sqrt(4.0 * i0e**2 + Ik**2)
            res = Fk - np.einsum("mki,mi->mk", Rm, Ik) - Ws[e]
            # the residuals' derivatives in ln(c/c0) of the electrode's nodes (M, n, n): the exchange current's √c,
            # the diffusion potential and the electrolyte's resistance through κ(c) (the thermodynamic factor's own
            # dependence is left out of the Jacobian: it only slows the convergence)
            dln = np.zeros((M, n, n))
            ar = np.arange(n)
            dln[:, ar, ar] += vt * Ik / np.sqrt(4.0 * i0e**2 + Ik**2)
            g = 2.0 * vt * (1.0 - tp) * chi[:, k_idx] * sign[e]
            dln[:, ar, ar] += g
            dln[:, 1:, 0] -= g[:, 1:]
            dln[:, 0, 0] -= g[:, 0]
            hs = half_r[:, k_idx] * kslope[:, k_idx]  # -d r_half / d ln c
            i_f = np.cumsum(Ik[:, ::-1], axis=1)[:, ::-1][:, 1:]  # the electrolyte current past face f (f = 0..n-2)
            low = np.tril(np.ones((n, n - 1)), -1)  # [k, f]: f < k
            # d ohm_k / d ln c_p = -hs_p (i_(p-1) [p-1 < k] + i_p [p < k])
            fk = low[None, :, :] * i_f[:, None, :]  # (M, k, f): i_f where f < k
            d_ohm = np.zeros((M, n, n))
            d_ohm[:, :, 1:] += fk  # p = f + 1 (the face on its separator side)
            d_ohm[:, :, :-1] += fk  # p = f (the face on its collector side)
            dln += d_ohm * hs[:, None, :]
            out.append((res, dF, Rm, dln))
        r_np = np.sum(r_face[:, a_n:a_p], axis=1)
        v_e = -I * r_np + 2.0 * vt[:, 0] * (1.0 - tp[:, 0]) * chi[:, a_n] * np.log(x[:, a_p] / x[:, a_n])
        return out, v_e

    # the salt's source per unit of a node current (mol/m³/s per A/m²), in grid order
    src_of = np.zeros((M, nx, nn + npp))
    src_of[:, idx[0], np.arange(nn)] = ((1.0 - tp) / (FARADAY * dx[:, idx[0]]))
    src_of[:, idx[1], nn + np.arange(npp)] = -((1.0 - tp) / (FARADAY * dx[:, idx[1]]))

    V = np.full((M, n_steps + 1), np.nan)
    tt = dt * np.arange(n_steps + 1)[None, :]
    done = np.zeros(M, dtype=bool)
    t_cut = np.full(M, np.nan)
    salt_min = np.ones(M)
    Ws = [np.zeros((M, 1)), np.zeros((M, 1))]
    first = True
    for step in range(1, n_steps + 1):
        x_old = np.maximum(c / c0, 1e-9)
        dif = D0 * dlaw(x_old)
        g_face = 1.0 / (0.5 * dx[:, :-1] / dif[:, :-1] + 0.5 * dx[:, 1:] / dif[:, 1:])
        # the salt's linear operator (lagged diffusivity): A c - src(I) dt/(ε) = c_old
        A = np.zeros((M, nx, nx))
        k = np.arange(nx - 1)
        w = dt / (eps * dx)  # (M, nx)
        A[:, k, k + 1] = -w[:, :-1] * g_face
        A[:, k + 1, k] = -w[:, 1:] * g_face
        A[:, np.arange(nx), np.arange(nx)] = 1.0 - A.sum(axis=2)
        S = -(dt / eps)[:, :, None] * src_of  # (M, nx, nn + npp)
        a_c = [avg[e] - np.sum(modes[e] / (1.0 + beta[e]), axis=2) for e in (0, 1)]
        bound = [(a_c[e] + hr[e]) / b_coef[e] for e in (0, 1)]
        cur = [np.minimum(cur[e], 0.9 * bound[e]) for e in (0, 1)]
        cc = c.copy()
        if first:  # the electrodes' potentials at the first guess
            (ep, _) = electrodes(cc, cur, [np.zeros((M, 1))] * 2, a_c)
            Ws = [np.mean(ep[e][0], axis=1, keepdims=True) for e in (0, 1)]
            first = False
        def residual(cc_, cur_, Ws_):
            (el_, _) = electrodes(cc_, cur_, Ws_, a_c)
            Iall = np.concatenate(cur_, axis=1)
            r_salt = (np.einsum("mij,mj->mi", A, cc_) + np.einsum("mik,mk->mi", S, Iall) - c) / c0
            r_sum = [(np.sum(cur_[e], axis=1) - I)[:, None] / I[:, None] for e in (0, 1)]
            return np.concatenate([r_salt, el_[0][0], r_sum[0], el_[1][0], r_sum[1]], axis=1), el_

        def trial(alpha, z, du):
            a_ = alpha[:, None]
            cc_ = np.maximum(cc * np.exp(a_ * du), SALT_MIN * c0)
            # each node's current stays short of the one that takes its surface to its bound (projected alone)
            cur_ = [np.minimum(cur[e] + a_ * z[:, o:o + n], cur[e] + 0.9 * (bound[e] - cur[e]))
                    for e, o, n in ((0, o_n, nn), (1, o_p, npp))]
            Ws_ = [Ws[0] + a_ * z[:, o_n + nn:o_n + nn + 1], Ws[1] + a_ * z[:, o_p + npp:o_p + npp + 1]]
            return cc_, cur_, Ws_

        res, el = residual(cc, cur, Ws)
        for it in range(newton):
            norm = np.where(done, 0.0, np.max(np.abs(res), axis=1))
            if np.max(norm, initial=0.0) < 1e-8:
                break
            J = np.zeros((M, nz, nz))
            # the salt's unknowns are ln(c/c0): d/d ln c = c d/dc (the salt stays positive, however low)
            J[:, :nx, :nx] = A * (cc / c0)[:, None, :]
            J[:, :nx, o_n:o_n + nn] = S[:, :, :nn] / c0[:, :, None]
            J[:, :nx, o_p:o_p + npp] = S[:, :, nn:] / c0[:, :, None]
            for e, o, n in ((0, o_n, nn), (1, o_p, npp)):
                _, dF, Rm, dln = el[e]
                J[:, o:o + n, o:o + n] = -Rm
                J[:, o + np.arange(n), o + np.arange(n)] += dF
                J[:, o:o + n, o + n] = -1.0
                J[:, o + n, o:o + n] = 1.0 / I[:, None]
                J[:, o:o + n, idx[e]] = dln
            J[:, np.arange(nx), np.arange(nx)] += 1e-12  # a starved node's salt column stays regular
            # a cell past its cut-off, or one whose step broke down, is held where it is
            hold = done | ~np.isfinite(res).all(axis=1) | ~np.isfinite(J).all(axis=(1, 2))
            if hold.any():
                J[hold] = np.eye(nz)
                res = np.where(hold[:, None], 0.0, res)
            z = np.linalg.solve(J, -res[..., None])[..., 0]
            # each ln c moves by at most 5 per iteration (clipped alone: a starved node's salt must not hold back the
            # rest); then a backtracking line search on the largest residual, design by design (halving the step
            # while it does not fall, at most 5 times)
            du = np.clip(z[:, :nx], -5.0, 5.0)
            alpha = np.ones(M)
            for _ in range(6):
                st = trial(alpha, z, du)
                r2, el2 = residual(*st)
                worse = ~(np.max(np.abs(r2), axis=1) < norm) & ~done & (norm > 1e-8)
                if not worse.any() or _ == 5:
                    break
                alpha = np.where(worse, 0.5 * alpha, alpha)
            cc, cur, Ws = st
            res, el = r2, el2
        # a cell whose reaction cannot carry the current (every surface at its bound) has reached its end: its
        # voltage collapses within the step; the step's start is its cut-off time
        (el, _) = electrodes(cc, cur, Ws, a_c)
        Iall = np.concatenate(cur, axis=1)
        r_salt = (np.einsum("mij,mj->mi", A, cc) + np.einsum("mik,mk->mi", S, Iall) - c) / c0
        r_sum = [(np.sum(cur[e], axis=1) - I)[:, None] / I[:, None] for e in (0, 1)]
        res = np.concatenate([r_salt, el[0][0], r_sum[0], el[1][0], r_sum[1]], axis=1)
        failed = ~done & ~(np.max(np.abs(res), axis=1) < 1e-4)  # 0.1 mV, 1e-4 of c0 or of the current
        c = np.where(failed[:, None], c, cc)  # a failed step is not taken
        salt_min = np.minimum(salt_min, np.min(c / c0, axis=1))
        for e in (0, 1):
            uu = cur[e] / q[e]
            modes[e] = (modes[e] + dt[:, :, None] * (2.0 / 3.0) * uu[:, :, None]) / (1.0 + beta[e])
            avg[e] = avg[e] - dt * uu
        (_, v_e) = electrodes(c, cur, Ws, a_c)
        v = Ws[1][:, 0] + Ws[0][:, 0] + v_e - I * asi
        V[:, step] = v
        crossed = ~done & ((v <= cut) | failed)
        if crossed.any():
            v0 = V[:, step - 1]
            frac = np.where(np.isfinite(v0) & (v0 > v), (v0 - cut) / np.where(v0 > v, v0 - v, 1.0), 1.0)
            # a failed step: the voltage collapses within it; its cut-off by the last two steps' slope (at most the step)
            v1 = V[:, step - 2] if step >= 2 else np.full(M, np.nan)
            slope = np.where(np.isfinite(v1) & np.isfinite(v0), v1 - v0, np.nan)
            ext = np.where(slope > 0, (v0 - cut) / np.where(slope > 0, slope, 1.0), 0.0)
            frac = np.where(failed, np.clip(np.nan_to_num(ext), 0.0, 1.0), frac)
            t_cut = np.where(crossed, tt[:, step - 1] + np.clip(frac, 0.0, 1.0) * dt[:, 0], t_cut)
            done |= crossed
        if done.all():
            break
    t_fin = np.where(done, t_cut, t_end)
    return {"capacity_C_m2": I * t_fin, "time_s": t_fin, "ended": done, "voltage_V": V, "t_s": tt,
            "salt_min": salt_min, "salt_mol_m2": np.sum(eps * dx * c, axis=1),
            "salt_initial_mol_m2": np.sum(eps * dx * c0, axis=1)}


# ------------------------------------------------------------------ a design's cell
def _design_ocp(slope: np.ndarray, losses: tuple[np.ndarray, ...], u50: np.ndarray, sign: float) -> Ocp:
    """An electrode's OCP against SOC from its design keys: below 50 % SOC the curve through its OCP's nodes
    (:func:`xlcell.cell.ocv_loss_curve`; past the window's end a line), above it the tangent at 50 % SOC. ``sign`` +1
    for the positive (its potential falls as the SOC does), −1 for the negative."""
    from xlcell.cell import ocv_loss_curve

    def ocp(soc: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        move = np.maximum(0.5 - soc, 0.0)
        loss, dloss = ocv_loss_curve(move, slope, *losses)
        up = soc > 0.5
        u = u50 + sign * np.where(up, slope * (soc - 0.5), -loss)
        return u, sign * np.where(up, slope, dloss) + 0.0 * soc
    return ocp


def _tail_ocp(ocv: np.ndarray, v_cut: np.ndarray, tail: np.ndarray) -> Ocp:
    """The cell's open-circuit voltage against SOC from the closed form's tail, (OCV − V_cut)(1 − q^(1/s)) + V_cut
    over the delivered share q = 1 − SOC (:func:`xlcell.cell.rate_capability`'s ``ocv_tail`` s; continued past
    q = 1 as the same power), given to the positive where it carries no OCP curve (the negative then flat)."""
    def ocp(soc: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        q = np.maximum(1.0 - soc, 1e-12)
        e = 1.0 / tail
        return v_cut + (ocv - v_cut) * (1.0 - q**e), (ocv - v_cut) * e * q ** (e - 1.0)
    return ocp


def _pick(a: Ocp, b: Ocp, use_a: np.ndarray) -> Ocp:
    def ocp(soc: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        ua, da = a(soc)
        ub, db = b(soc)
        return np.where(use_a, ua, ub), np.where(use_a, da, db)
    return ocp


def design_cell(design, fmt=None, *, calendering=None, repeat: int = 1) -> tuple[PorousCell, tuple[int, ...], np.ndarray]:
    """The porous model's cells of xlcell designs, from their design keys and the cell model's chain.

    Each electrode's OCP is the curve through its OCP's nodes (``ocv_slope_V``, ``ocv_loss_soc10_V``, ``_soc5_V``,
    ``_soc0_V``; the library material's where blank) about the cell's open-circuit voltage at 50 % SOC; where the
    positive carries no curve (every node 0) it takes the closed form's end-of-discharge tail (``ocv_tail``) between
    the open-circuit and the cut-off voltage, the cell's, and the negative is flat. The exchange currents are the charge-transfer
    ASIs' (RT/(F ASI_ct)), the electronic conductivities and the electrolyte's transport the chain's (calendering and
    its anisotropy included), the electrolyte's laws the design's (``salt_diffusivity_*``, ``conductivity_*``; the
    thermodynamic factor 1), the separator's Bruggeman exponent ``sep_bruggeman_exponent``; the hardware's ASI is in
    series.

    Parameters
    ----------
    design : CellDesign
        Designs (SI; broadcasting).
    fmt : CellFormat, optional
        The cell format (its hardware ASI; default :class:`~xlcell.pouch.CellFormat`).
    calendering : mapping, optional
        The calendering context (:func:`xlcell.cell.evaluate_cell`).
    repeat : int
        Each design this many times in a row (a population of designs × C-rates).

    Returns
    -------
    (PorousCell, shape, window capacity)
        The cells flattened to ``(M,)`` (M = designs × ``repeat``), the designs' broadcast shape, and each cell's
        capacity per m² of its smaller window (C/m², the C-rate's basis).
    """
    from xlcell import cell as cm
    from xlcell.transport import conductivity_factor, salt_diffusivity_factor

    d = cm.broadcast_fields_cell(cm.resolve(design))
    shape = np.shape(d.pos.thickness_m)
    c = cm.chain(d, fmt, calendering)
    cm._check_cutoff(d, c["ocv_V"])

    def flat(x):
        return np.repeat(np.broadcast_to(np.asarray(x, dtype=float), shape).reshape(-1), repeat).reshape(-1, 1)

    p, n, s = d.pos, d.neg, d.sep
    T = d.temperature_K
    ocv, v_cut = flat(c["ocv_V"]), flat(cm.cutoff_voltage(d, c["ocv_V"]))
    iso = not dict(calendering or {}).get("anisotropic_transport", True)
    ion = [1.0, 1.0] if iso else [np.sqrt(cm.electronic_conductivity(d, e, calendering)["anisotropy"])
                                                for e in ("neg", "pos")]
    b = flat(d.bruggeman_exponent)
    b_s = flat(cm.separator_bruggeman(d))
    # an electrode whose ions pass a tortuosity factor A more: the effective transport ε^b / A = ε^(b + ln A / ln(1/ε))
    b_e = [b + np.log(flat(a)) / np.log(1.0 / flat(e.porosity)) for a, e in zip(ion, (n, p))]
    nodes = [tuple(flat(getattr(e, k)) for k in cm.OCV_NODE_KEYS) for e in (n, p)]
    slopes = [flat(e.ocv_slope_V) for e in (n, p)]
    curve = [_design_ocp(slopes[0], nodes[0], np.zeros_like(ocv), -1.0), _design_ocp(slopes[1], nodes[1], ocv, 1.0)]
    # a positive without a curve (every node 0) takes the tail, the cell's OCV, and the negative is then flat (its own
    # curve would count the end of discharge twice): the library's graphite carries a curve and most positives none,
    # and a flat positive's discharge would end at its window's stoichiometry bound whatever the cut-off
    none = nodes[1][-1] <= 0.0
    flat_n = lambda x: (np.zeros_like(x), np.zeros_like(x))  # noqa: E731
    ocp_n = _pick(flat_n, curve[0], none)
    ocp_p = _pick(_tail_ocp(ocv, v_cut, flat(d.ocv_tail)), curve[1], none)
    law = {k: flat(v) for k, v in cm.salt_law(d).items()}
    klaw = {k: flat(v) for k, v in cm.conductivity_law(d).items()}
    cap = (flat(c["neg_areal_capacity_C_m2"])[:, 0], flat(c["pos_areal_capacity_C_m2"])[:, 0])
    cell = PorousCell(
        thickness_m=tuple(flat(x)[:, 0] for x in (n.thickness_m, s.thickness_m, p.thickness_m)),
        porosity=tuple(flat(x)[:, 0] for x in (n.porosity, s.porosity, p.porosity)),
        bruggeman=(b_e[0][:, 0], b_s[:, 0], b_e[1][:, 0]),
        concentration_mol_m3=flat(d.electrolyte_concentration_mol_m3)[:, 0],
        diffusivity_m2_s=flat(d.electrolyte_diffusivity_m2_s)[:, 0],
        conductivity_S_m=flat(d.electrolyte_conductivity_S_m)[:, 0], transference=flat(d.transference_number)[:, 0],
        capacity_C_m2=cap, radius_m=(flat(n.particle_radius_m)[:, 0], flat(p.particle_radius_m)[:, 0]),
        solid_diffusivity_m2_s=(flat(n.solid_diffusivity_m2_s)[:, 0], flat(p.solid_diffusivity_m2_s)[:, 0]),
        exchange_A_m2=(flat(cm._exchange(c["asi_ct_neg_ohm_m2"], T))[:, 0], flat(cm._exchange(c["asi_ct_pos_ohm_m2"], T))[:, 0]),
        headroom=(flat(cm.surface_headroom(n, "neg"))[:, 0], flat(cm.surface_headroom(p, "pos"))[:, 0]),
        ocp=(ocp_n, ocp_p), temperature_K=flat(T)[:, 0], cutoff_V=v_cut[:, 0],
        series_asi_ohm_m2=flat(c["asi_hardware_ohm_m2"])[:, 0],
        diffusivity_law=lambda x: salt_diffusivity_factor(x, **law),
        conductivity_law=lambda x: conductivity_factor(x, **klaw),
        solid_conductivity_S_m=(flat(c["neg_sigma_through_S_m"])[:, 0], flat(c["pos_sigma_through_S_m"])[:, 0]))
    return cell, shape, np.minimum(*cap)


def rate_capability(design, c_rates: ArrayLike, fmt=None, *, calendering=None, **kw) -> np.ndarray:
    """Usable capacity fraction versus C-rate by the porous-electrode model: :func:`xlcell.cell.rate_capability`'s
    numbers with the reaction's distribution resolved (every design and C-rate one cell of one population).

    Parameters
    ----------
    design : CellDesign
        Designs of broadcast shape ``S``.
    c_rates : array_like
        C-rates (1/h) on the smaller window's capacity, shape ``K``, each > 0.
    fmt : CellFormat, optional
        The cell format.
    calendering : mapping, optional
        The calendering context.
    **kw
        Passed to :func:`discharge` (``nodes``, ``n_steps``, ``n_modes``).

    Returns
    -------
    numpy.ndarray
        Shape ``S + K``: the charge delivered to the cut-off over the smaller window's capacity.

    Raises
    ------
    InputError
        No C-rate, or one that is not a number > 0 (names ``c_rates``); the design's own checks.
    """
    from xlcell.cell import _check_c_rates

    c = _check_c_rates(c_rates)
    cell, shape, q = design_cell(design, fmt, calendering=calendering, repeat=c.size)
    i = q * np.tile(c.reshape(-1), q.size // c.size) / SECONDS_PER_HOUR  # design-major, then C-rate
    out = discharge(cell, i, **kw)["capacity_C_m2"] / q
    return out.reshape(shape + c.shape)
