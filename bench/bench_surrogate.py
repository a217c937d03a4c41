"""Benchmark of the digital thread on the calendering simulator (xlcell/process_sim.py).

1. Evaluations to reach a tolerance: Bayesian optimisation (EI, physics-informed GP) against seeded random
   search and a full-factorial grid, on |porosity - target|. An evaluation "reaches" the tolerance when the
   simulator's noise-free porosity at that setting is within ``tol`` of the target (the measured value
   carries noise; judging by it would reward lucky noise). Medians and worst case over seeds.
2. Surrogate accuracy: RMSE of the GP mean against the noise-free simulator on 512 Sobol test settings, for
   physics-informed inputs (exp(-q/γ), ln De, ε0, with the compaction law as prior mean), the same inputs
   without the prior mean, and the raw settings, versus the number of noisy training trials; medians over seeds.
3. Prediction band: how often mean ± 2 std (the std of a new measurement) covers a fresh noisy measurement of
   the simulator at 256 Sobol settings, for few trials (the Excel use case); mean and median over seeds.

Note: the physics prior mean is the simulator's own quasi-static compaction law, which flatters both the
RMSE of the physics-informed GP and BO's evaluations to tolerance against a real line.

Nothing here asserts a number. Run: python bench/bench_surrogate.py [--seeds 10] [--quick]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._report import record  # noqa: E402
from xlcell.process_sim import ProcessSimulator  # noqa: E402
from xlcell.surrogate import bayes_opt, fit_surrogate, grid_search, random_search, sobol_settings  # noqa: E402

TARGET = 0.30
B2 = {"line_load_N_m": (100e3, 1500e3), "line_speed_m_s": (10 / 60, 100 / 60)}
B3 = {**B2, "roll_temperature_K": (298.15, 343.15)}


def first_within(sim: ProcessSimulator, h, tol: float) -> float:
    """1-based index of the first evaluation whose noise-free porosity is within tol of the target (inf if none)."""
    true = sim(**h.settings, noise=False)
    hit = np.flatnonzero(np.abs(true - TARGET) < tol)
    return float(hit[0] + 1) if hit.size else np.inf


def grid_evaluations(bounds, tol: float, max_levels: int = 16) -> tuple[float, float]:
    """Full-factorial grids of 2..max_levels levels per bound (feasible points only): the size of the smallest
    grid that holds a setting within tol (first lucky hit), and of the smallest from which on every finer grid
    holds one (reliable)."""
    sim = ProcessSimulator(seed=0)
    sizes, hits = [], []
    for k in range(2, max_levels + 1):
        h = grid_search(sim, bounds, TARGET, k)
        sizes.append(float(len(h)))
        hits.append(bool((np.abs(sim(**h.settings, noise=False) - TARGET) < tol).any()))
    first = next((n for n, ok in zip(sizes, hits) if ok), np.inf)
    reliable = next((sizes[i] for i in range(len(hits)) if all(hits[i:])), np.inf)
    return first, reliable


def evaluations_to_tolerance(bounds, seeds: int, tol: float, budget: int, n_init: int) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {"bo": [], "random": []}
    for seed in range(seeds):
        sim = ProcessSimulator(seed=seed)
        h = bayes_opt(sim, bounds, TARGET, n_init=n_init, n_iter=budget - n_init, seed=seed)
        out["bo"].append(first_within(sim, h, tol))
        r = random_search(ProcessSimulator(seed=seed), bounds, TARGET, budget, seed=seed)
        out["random"].append(first_within(sim, r, tol))
    out["grid first"], out["grid reliable"] = ([x] for x in grid_evaluations(bounds, tol))
    return out


def rmse_table(bounds, ns, seeds: int) -> dict[str, list[float]]:
    test = sobol_settings(bounds, 512, 999)
    truth = ProcessSimulator(seed=0)(**test, noise=False)
    variants = {"physics + prior": ("physics", True), "physics": ("physics", False), "raw": ("raw", False)}
    out = {k: [] for k in variants}
    for n in ns:
        for name, (f, prior) in variants.items():
            r = []
            for seed in range(seeds):
                rng = np.random.default_rng(seed)
                tr = {k: rng.uniform(*bounds[k], size=n) for k in bounds}
                y = ProcessSimulator(seed=seed)(**tr)
                m, _ = fit_surrogate(tr, y, features=f, prior=prior, n_restarts=2, seed=seed).predict(test)
                r.append(np.sqrt(np.mean((m - truth) ** 2)))
            out[name].append(float(np.median(r)))
    return out


def band_coverage(ns, seeds: int) -> dict[int, list[float]]:
    bounds = {"line_load_N_m": (200e3, 900e3), "line_speed_m_s": (10 / 60, 100 / 60)}
    test = sobol_settings(bounds, 256, 999)
    out = {}
    for n in ns:
        cov = []
        for seed in range(seeds):
            sim = ProcessSimulator(seed=seed)
            rng = np.random.default_rng(seed)
            tr = {k: rng.uniform(*bounds[k], size=n) for k in bounds}
            m, s = fit_surrogate(tr, sim(**tr), seed=0).predict(test)
            cov.append(float(np.mean(np.abs(sim(**test) - m) <= 2 * s)))
        out[n] = cov
    return out


def _fmt(xs) -> str:
    xs = np.asarray(xs, dtype=float)
    worst = "never" if np.isinf(xs.max()) else f"{xs.max():.0f}"
    med = np.median(xs)
    never = int(np.isinf(xs).sum())
    return f"median {'never' if np.isinf(med) else f'{med:g}'}, worst {worst} ({never} of {xs.size} never)"


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--tol", type=float, default=0.003)
    ap.add_argument("--budget", type=int, default=30)
    ap.add_argument("--quick", action="store_true", help="3 seeds, smaller budget")
    a = ap.parse_args(argv)
    seeds, budget = (3, 20) if a.quick else (a.seeds, a.budget)
    t0 = time.perf_counter()
    print(f"Evaluations until a setting within {a.tol} of porosity {TARGET} (NMC811, phi_s = 0.4; budget {budget}, "
          f"{seeds} seeds; grid: full-factorial grids of 2-16 levels)")
    for label, b in (("line load x speed", B2), ("line load x speed x roll temperature", B3)):
        res = evaluations_to_tolerance(b, seeds, a.tol, budget, n_init=5)
        print(f"  {label}: BO {_fmt(res['bo'])}; random {_fmt(res['random'])}; grid {res['grid first'][0]:.0f} (first hit), {res['grid reliable'][0]:.0f} (every finer grid hits)")
        bo, rnd = float(np.median(res["bo"])), float(np.median(res["random"]))
        record(f"BO evaluations to within {a.tol} of the target porosity, {label}: median BO / median random search",
               bo / rnd if np.isfinite(rnd) else float("nan"), f"seeded random search, same budget ({budget}), {seeds} seeds",
               value=bo, unit="evaluations", note="NaN: random search never reached it")
    print("\nGP mean RMSE against the noise-free simulator (median over seeds), noise sd 0.003")
    ns = (5, 10, 20, 40)
    B4 = {**B2, "solids_fraction": (0.35, 0.5), "roll_temperature_K": (298.15, 343.15)}
    for label, b in (("2 inputs (q, v)", B2), ("4 inputs (q, v, phi_s, T)", B4)):
        tab = rmse_table(b, ns, max(seeds, 3))
        print(f"  {label}:  n = " + "  ".join(f"{n:>7d}" for n in ns))
        for name, vals in tab.items():
            print(f"    {name:<16s}" + "  ".join(f"{v:7.4f}" for v in vals))
    print("\nCoverage of a new noisy measurement by mean ± 2 std (measurement sd 0.003, line load 200-900 N/mm x speed)")
    for n, cov in band_coverage((6, 10, 20), max(seeds, 3) * 2).items():
        print(f"  n = {n:2d}: mean {np.mean(cov):.1%}, median {np.median(cov):.1%}, lowest seed {np.min(cov):.1%}")
    print(f"\n({time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main()
