"""Dense reference fronts of the Pareto benchmark's xlcell problems, written to ``bench/data/pareto_reference_*.csv``.

The reference of each problem is the non-dominated union of three independent point sets (minimisation form,
feasible designs only):

* a dense grid over the decision variables (1001 x 1001 for 2 variables, 41^4 for 4), evaluated in chunks;
* a long pymoo NSGA-II run (population 200, 300 generations, seed 1);
* xlcell's batched epsilon-constraint front with 401 sub-problems.

It prints the share of the union's hypervolume each part reaches alone (at the last build: the 2-variable grids
99.996 %, so those references are converged to ~4e-5; with 4 variables the 401-point front 99.98 % and the 41^4
grid 98.3 %). It takes minutes, so it runs once and its output is stored; ``bench/bench_pareto.py`` reads it (and rebuilds it
when it is missing).

    python bench/pareto_reference.py [--only NAME]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from xlcell.pareto import non_dominated, normalised_hypervolume, pareto_front  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"


def path(name: str) -> Path:
    return DATA / f"pareto_reference_{name}.csv"


def grid_front(p, per_axis: int, chunk: int = 200_000) -> np.ndarray:
    axes = [np.linspace(lo, hi, per_axis) for lo, hi in zip(p.xl, p.xu)]
    mesh = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, p.n_var)
    keep = []
    for s in range(0, len(mesh), chunk):
        F, G = p.evaluate(mesh[s:s + chunk])
        ok = np.all(G <= 0, axis=1) & np.all(np.isfinite(F), axis=1)
        F = F[ok]
        keep.append(F[non_dominated(F)])
    F = np.vstack(keep)
    return F[non_dominated(F)]


def nsga2_front(p, pop: int, gens: int, seed: int) -> np.ndarray:
    from bench_pareto import run_nsga2

    F, _, _, _, _ = run_nsga2(p, pop, gens, seed)
    return F


def build(name: str, p) -> np.ndarray:
    parts = [grid_front(p, 1001 if p.n_var == 2 else 41)]
    try:
        parts.append(nsga2_front(p, 200, 300, 1))
    except ImportError:
        print("pymoo is not installed: the reference is the grid and the epsilon-constraint front only")
    parts.append(pareto_front(p, 401, "epsilon", seed=0).F_min)
    F = np.vstack(parts)
    F = F[non_dominated(F)]
    F = F[np.argsort(F[:, 0])]
    # density check: the share of the union's hypervolume each part reaches alone (in the union's normalisation);
    # a part close to 1 means the others add little, so the union is converged to about the gap between them
    ideal, nadir = F.min(axis=0), F.max(axis=0)
    whole = normalised_hypervolume(F, ideal, nadir)
    shares = [normalised_hypervolume(P, ideal, nadir) / whole for P in parts]
    print(f"{name}: each part's share of the reference hypervolume (grid, NSGA-II, epsilon 401): "
          + ", ".join(f"{x:.6f}" for x in shares))
    DATA.mkdir(exist_ok=True)
    tmp = path(name).with_suffix(".tmp")
    header = ",".join(f"{k} ({'min' if s > 0 else 'max'}, minimisation form)" for k, s in zip(p.objective_names, p.senses))
    np.savetxt(tmp, F, delimiter=",", header=header, comments="# ", fmt="%.12g")
    tmp.replace(path(name))
    return F


def main() -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_pareto import problems

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", help="one problem name")
    a = ap.parse_args()
    for name, p in problems().items():
        if a.only and name != a.only:
            continue
        F = build(name, p)
        print(f"{name}: {len(F)} reference points -> {path(name)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
