"""Pareto benchmark: xlcell's epsilon-constraint and weighted-sum scans vs pymoo's NSGA-II, same problem, one run.

Reports, for each method on the same xlcell problem: wall time, model calls (population evaluations), designs
evaluated, front size, hypervolume and the additive epsilon indicator against a dense reference front (an
81-point epsilon-constraint scan). Every number is measured in one normalisation (ideal and nadir of the
reference front's anchors; hypervolume reference 1.1 on each axis), so they compare directly. The hypervolume
grows with the number of points on the same front; the epsilon indicator (0 = as good as the reference
everywhere) measures how far a point set falls short of the reference front. A seeded Latin hypercube of the
same design budget as the small NSGA-II run is the plain-numpy baseline.

    python bench/bench_pareto.py            # needs the optional extra: pip install xlcell[bench]

Without pymoo, the NSGA-II rows are skipped (the script says so and exits 0).
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from xlcell.optimize import Constraint, DesignProblem, Objective, Variable, lhs  # noqa: E402
from xlcell.pareto import additive_epsilon, non_dominated, normalised_hypervolume, pareto_front  # noqa: E402


def problems() -> dict[str, DesignProblem]:
    """The benchmark problems (cost objectives join when the cost model is registered)."""
    out = {
        "energy-power": DesignProblem(
            [Variable("pos_thickness_um", 40, 250), Variable("pos_porosity", 0.18, 0.45)],
            [Objective("specific_energy_Wh_kg", "max"), Objective("specific_power_W_kg", "max")],
            [Constraint("diffusion_limit", upper=1.0)]),
        "energy-power-4var": DesignProblem(
            [Variable("pos_thickness_um", 40, 250), Variable("pos_porosity", 0.18, 0.45),
             Variable("pos_particle_radius_um", 0.5, 6.0), Variable("np_ratio", 1.02, 1.3)],
            [Objective("specific_energy_Wh_kg", "max"), Objective("specific_power_W_kg", "max")],
            [Constraint("diffusion_limit", upper=1.0)]),
    }
    from xlcell.registry import output_keys
    if "cell_cost_usd_per_kWh" in output_keys():
        out["cost-power"] = DesignProblem(
            [Variable("pos_thickness_um", 40, 250), Variable("pos_porosity", 0.18, 0.45)],
            [Objective("cell_cost_usd_per_kWh", "min"), Objective("specific_power_W_kg", "max")],
            [Constraint("diffusion_limit", upper=1.0)])
    return out


class _Counting:
    """Counts population calls and designs of a problem."""

    def __init__(self, p: DesignProblem):
        self.p, self.calls, self.designs = p, 0, 0

    def evaluate(self, X):
        self.calls += 1
        self.designs += len(X)
        return self.p.evaluate(X)


def run_nsga2(p: DesignProblem, pop: int, gens: int, seed: int):
    from pymoo.algorithms.moo.nsga2 import NSGA2
    from pymoo.core.problem import Problem
    from pymoo.optimize import minimize

    counter = _Counting(p)

    class PymooProblem(Problem):
        def __init__(self):
            super().__init__(n_var=p.n_var, n_obj=p.n_obj, n_ieq_constr=p.n_con, xl=p.xl, xu=p.xu)

        def _evaluate(self, X, out, *args, **kwargs):
            F, G = counter.evaluate(X)
            out["F"], out["G"] = F, G / p.g_scale

    t = time.perf_counter()
    res = minimize(PymooProblem(), NSGA2(pop_size=pop), ("n_gen", gens), seed=seed, verbose=False)
    dt = time.perf_counter() - t
    F = np.atleast_2d(res.F) if res.F is not None else np.zeros((0, p.n_obj))
    return F, dt, counter.calls, counter.designs


def main() -> int:
    try:
        import pymoo  # noqa: F401
        have_pymoo = True
    except ImportError:
        have_pymoo = False
        print("pymoo is not installed (pip install xlcell[bench]): NSGA-II rows skipped")
    rows = []
    for name, p in problems().items():
        ref = pareto_front(p, 81, "epsilon", seed=0)
        ideal, nadir = ref.ideal * ref.senses, ref.nadir * ref.senses  # minimisation form
        span = nadir - ideal
        R = (ref.F_min - ideal) / span

        def row(method, dt, calls, designs, F):
            F = np.atleast_2d(F)
            hv = normalised_hypervolume(F, ideal, nadir) if len(F) else 0.0
            eps_ind = additive_epsilon((F - ideal) / span, R)
            rows.append((name, method, dt, calls, designs, len(F), hv, eps_ind))

        row("reference: epsilon (81)", ref.seconds, ref.n_model_calls, None, ref.F_min)
        for method, n in (("epsilon", 15), ("weighted", 15), ("epsilon", 40)):
            t = time.perf_counter()
            f = pareto_front(p, n, method, seed=0)
            row(f"{'epsilon-constraint' if method == 'epsilon' else 'weighted sum'} ({n})", time.perf_counter() - t,
                f.n_model_calls, None, f.F_min)
        budget = 40 * 60
        counter = _Counting(p)
        t = time.perf_counter()
        X = p.xl + lhs(budget, p.n_var, seed=0) * (p.xu - p.xl)
        F, G = counter.evaluate(X)
        ok = np.all(G <= 0, axis=1)
        Fn = F[ok][non_dominated(F[ok])]
        row(f"LHS sample ({budget})", time.perf_counter() - t, 1, budget, Fn)
        if have_pymoo:
            for pop, gens in ((40, 60), (100, 100)):
                Fp, dt, calls, designs = run_nsga2(p, pop, gens, seed=0)
                row(f"pymoo NSGA-II ({pop}x{gens})", dt, calls, designs, Fp)
    hdr = f"{'problem':<18} {'method':<26} {'time s':>8} {'calls':>6} {'designs':>8} {'points':>6} {'HV':>8} {'eps-ind':>8}"
    print(hdr)
    print("-" * len(hdr))
    for name, m, dt, calls, designs, n, hv, ei in rows:
        print(f"{name:<18} {m:<26} {dt:>8.3f} {calls:>6} {designs if designs else '':>8} {n:>6} {hv:>8.4f} {ei:>8.4f}")
    print("HV: normalised hypervolume (ideal 0, nadir 1 of the reference anchors, reference point 1.1; more is better)")
    print("eps-ind: additive epsilon indicator vs the 81-point reference front (normalised; 0 = matches it, less is better)")
    from bench._report import record  # the ratio lines bench/run_all.py collects

    ref = {name: (hv, dt) for name, m, dt, calls, designs, n, hv, ei in rows if m.startswith("reference")}
    for name, m, dt, calls, designs, n, hv, ei in rows:
        if not m.startswith("reference"):
            record(f"Pareto {name}, {m}: hypervolume / the reference front's", hv / ref[name][0],
                   "81-point epsilon-constraint reference front, same normalisation", better="higher",
                   value=dt / ref[name][1], unit="x the reference's time", note=f"additive epsilon {ei:.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
