"""Pareto benchmark: xlcell's batched epsilon-constraint front vs pymoo's NSGA-II, hypervolume fraction vs CPU time.

For each problem, both methods get the same model, the same bounds and the same normalisation: the ideal and nadir
of a dense reference front map to 0 and 1, and the hypervolume (pymoo's ``HV`` indicator) is measured up to the
reference point 1.1 on every axis. The result is the fraction of the reference front's hypervolume reached
against CPU time (``time.process_time``: the machine is shared, so wall time would measure the neighbours):

* xlcell, batched (default ``pareto_front``): ``--repeats`` runs (3) per number of sub-problems (11 ... 321), each
  timed whole, the median counting (the repeats must give the same front); every point of every front is checked
  to be feasible (the model re-evaluated at it) and non-dominated; its time to 99.5 % is that of the smallest size
  reaching it;
* pymoo NSGA-II (population 100 and 200, ``--seeds`` seeds each, 5): the feasible non-dominated set after every
  generation, timed by a callback (the snapshots are scored after the run, so scoring costs the run nothing); a
  seed's time to 99.5 % is its first generation reaching it (the better population), and the median over the
  seeds counts (every seed's time is reported: the curve hovers at 99.5 % on the real model);
* ``--against CHECKOUT``: the batched fronts of another checkout (e.g. main) are timed too, in alternation with
  this checkout's, one subprocess per run each (same load for both), for before/after ratios from one run;
* ``--sequential``: xlcell's sequential SLSQP (the method before issue 15) at 15 and 41 sub-problems.

Problems: the real model (cell specific energy vs specific power over 2 and 4 variables, cell cost per kWh vs
specific power; the registry's design limits, fracture and percolation, are imposed as in the app) against the
dense reference fronts in ``bench/data`` (``bench/pareto_reference.py`` made them: a dense grid, a long NSGA-II run
and a 401-point front, merged), and ZDT1-3 (30 variables) against their analytical fronts. The goal (issue 15):
>= 99.5 % of the reference hypervolume in <= 1/5 of NSGA-II's median time to the same fraction (no ratio when
most seeds never get there). The curves go to ``xlcell-out/bench/pareto_curves.csv`` (and ``.png`` with matplotlib).

    python bench/bench_pareto.py [--quick] [--only NAME,...] [--seeds N] [--repeats R] [--sizes N,...]
                                 [--against CHECKOUT] [--markdown FILE] [--out DIR]   # pip install xlcell[bench]

BLAS: the bench limits BLAS to one thread (threadpoolctl) while it runs: the batched QPs are tiny.
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, os.environ.get("XLCELL_BENCH_ROOT") or str(Path(__file__).resolve().parents[1]))  # --against
sys.path.insert(0, str(Path(__file__).resolve().parent))

from xlcell.optimize import Constraint, DesignProblem, Objective, Variable  # noqa: E402
from xlcell.pareto import pareto_front, zdt  # noqa: E402

GOAL = 0.995


def problems() -> dict[str, DesignProblem]:
    """The real-model benchmark problems."""
    return {
        "energy-power": DesignProblem(
            [Variable("pos_thickness_um", 40, 250), Variable("pos_porosity", 0.18, 0.45)],
            [Objective("specific_energy_Wh_kg", "max"), Objective("specific_power_W_kg", "max")],
            [Constraint("diffusion_limit", upper=1.0)]),
        "energy-power-4var": DesignProblem(
            [Variable("pos_thickness_um", 40, 250), Variable("pos_porosity", 0.18, 0.45),
             Variable("pos_particle_radius_um", 0.5, 6.0), Variable("np_ratio", 1.02, 1.3)],
            [Objective("specific_energy_Wh_kg", "max"), Objective("specific_power_W_kg", "max")],
            [Constraint("diffusion_limit", upper=1.0)]),
        "cost-power": DesignProblem(
            [Variable("pos_thickness_um", 40, 250), Variable("pos_porosity", 0.18, 0.45)],
            [Objective("cell_cost_usd_per_kWh", "min"), Objective("specific_power_W_kg", "max")],
            [Constraint("diffusion_limit", upper=1.0)]),
    }


def zdt_front(which: int) -> np.ndarray:
    """The analytical front of ZDT1-3 as pymoo computes it (``get_problem("zdt1").pareto_front()``)."""
    from pymoo.problems import get_problem

    kw = {"n_points": 2_000} if which == 3 else {"n_pareto_points": 10_000}  # ZDT3: per piece, 5 pieces
    return np.asarray(get_problem(f"zdt{which}").pareto_front(**kw), dtype=float)


def run_nsga2(p, pop: int, gens: int, seed: int):
    """NSGA-II on ``p``: (final F, CPU seconds, model calls, designs, [(CPU s, feasible F) per generation])."""
    from pymoo.algorithms.moo.nsga2 import NSGA2
    from pymoo.core.callback import Callback
    from pymoo.core.problem import Problem
    from pymoo.optimize import minimize

    count = {"calls": 0, "designs": 0}
    g_scale = getattr(p, "g_scale", np.ones(p.n_con))

    class PymooProblem(Problem):
        def __init__(self):
            super().__init__(n_var=p.n_var, n_obj=p.n_obj, n_ieq_constr=p.n_con, xl=p.xl, xu=p.xu)

        def _evaluate(self, X, out, *args, **kwargs):
            count["calls"] += 1
            count["designs"] += len(X)
            F, G = p.evaluate(X)
            out["F"] = F
            if p.n_con:
                out["G"] = G / g_scale

    snaps = []

    class Snap(Callback):
        def notify(self, algorithm):
            opt = algorithm.opt
            F = opt.get("F")
            feas = opt.get("feasible")
            F = F[feas.ravel()] if feas is not None else F
            snaps.append((time.process_time() - t0, np.array(F, copy=True)))

    t0 = time.process_time()
    res = minimize(PymooProblem(), NSGA2(pop_size=pop), ("n_gen", gens), seed=seed, verbose=False, callback=Snap())
    dt = time.process_time() - t0
    F = np.atleast_2d(res.F) if res.F is not None else np.zeros((0, p.n_obj))
    return F, dt, count["calls"], count["designs"], snaps


class Scorer:
    """Hypervolume fraction of a point set (minimisation form) against a reference front, pymoo's HV indicator."""

    def __init__(self, R: np.ndarray):
        from pymoo.indicators.hv import HV

        self.ideal, self.nadir = R.min(axis=0), R.max(axis=0)
        self.span = np.where(self.nadir > self.ideal, self.nadir - self.ideal, 1.0)
        self.hv = HV(ref_point=np.full(R.shape[1], 1.1))
        self.ref = self.hv(self.norm(R))

    def norm(self, F):
        return (np.atleast_2d(F) - self.ideal) / self.span

    def __call__(self, F) -> float:
        F = np.atleast_2d(F)
        if F.size == 0:
            return 0.0
        return float(self.hv(self.norm(F))) / self.ref


def reference(name: str, p) -> np.ndarray:
    from pareto_reference import build, path

    f = path(name)
    if not f.exists():
        print(f"building the reference front of {name} (bench/pareto_reference.py) ...")
        return build(name, p)
    return np.loadtxt(f, delimiter=",", ndmin=2)


def first_time(curve, goal=GOAL):
    """First time at which a (time, fraction) curve reaches ``goal`` (None if never)."""
    for t, h in curve:
        if h >= goal:
            return t
    return None


def check_front(p, f) -> None:
    """Every point of the front is a feasible design of the model (re-evaluated) and none dominates another."""
    from xlcell.pareto import non_dominated

    F, G = p.evaluate(f.X)
    if p.n_con and not np.all(G <= 1e-6 * np.maximum(p.g_scale, 1e-300)):
        raise AssertionError(f"infeasible front point: max G/scale = {np.max(G / p.g_scale):.3g}")
    if not np.allclose(F, f.F_min, rtol=1e-9, atol=0):
        raise AssertionError("the front's objectives differ from the model's at its designs")
    if not non_dominated(F).all():
        raise AssertionError("a front point dominates another")


def write_curves(rows: list[tuple], out: Path) -> list[Path]:
    """The hypervolume-fraction-vs-CPU-time curves as CSV (and PNG when matplotlib is installed), written whole."""
    out.mkdir(parents=True, exist_ok=True)
    csv = out / "pareto_curves.csv"
    tmp = csv.with_suffix(".tmp")
    lines = ["problem,method,run,cpu_s,hv_fraction,model_calls_or_generation"]
    lines += [f"{a},{b},{c},{t:.6g},{h:.8f},{k}" for a, b, c, t, h, k in rows]
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(csv)
    written = [csv]
    if importlib.util.find_spec("matplotlib") is None:
        return written
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(dict.fromkeys(r[0] for r in rows))
    cols = min(3, len(names))
    nrows = (len(names) + cols - 1) // cols
    fig, axes = plt.subplots(nrows, cols, figsize=(4.2 * cols, 3.4 * nrows),
                             squeeze=False)
    for ax, name in zip(axes.ravel(), names):
        series = dict.fromkeys((r[1], r[2].split(" generation")[0] if " generation" in r[2] else "")
                               for r in rows if r[0] == name)
        for method, run in series:  # one line per NSGA-II seed
            pts = sorted((t, h) for a, b, c, t, h, _ in rows if a == name and b == method
                         and (not run or c.startswith(run + " ")))
            t, h = np.array(pts).T
            ax.loglog(t, np.maximum(1 - h, 1e-5), "o-" if method.startswith("xlcell") else "-", ms=3, lw=0.8,
                      label=f"{method} {run}".strip())
        ax.axhline(1 - GOAL, color="k", lw=0.8, ls="--")
        ax.set_title(name)
        ax.set_xlabel("CPU time (s)")
        ax.set_ylabel("1 - hypervolume fraction")
        ax.legend(fontsize=5)
    for ax in axes.ravel()[len(names):]:
        ax.set_visible(False)
    fig.tight_layout()
    png = out / "pareto_curves.png"
    tmp = out / "pareto_curves.tmp.png"
    fig.savefig(tmp, dpi=110)
    plt.close(fig)
    tmp.replace(png)
    return written + [png]


def time_fronts(name: str, p, sizes, repeats: int, score) -> list[tuple]:
    """xlcell's batched front of each size, ``repeats`` runs each (CPU s each), checked and scored:
    [(n, [CPU s of each run], HV fraction, model calls, points)]. The fronts of the repeats must be identical."""
    pareto_front(p, 5, "epsilon", seed=0)  # warm the imports and caches for the timed runs
    out = []
    for n in sizes:
        times, F0 = [], None
        for _ in range(repeats):
            t = time.process_time()
            f = pareto_front(p, n, "epsilon", seed=0)
            times.append(time.process_time() - t)
            if F0 is None:
                F0 = f.F
                check_front(p, f)
                h, calls, pts = score(f.F_min), f.n_model_calls, len(f)
            elif not np.array_equal(f.F, F0):
                raise AssertionError(f"{name}: the front of {n} sub-problems changed between repeats")
        out.append((n, times, h, calls, pts))
    return out


def _fronts_elsewhere(root: Path, name: str, sizes, repeats: int) -> list[tuple]:
    """:func:`time_fronts` run by this script in a subprocess on the xlcell of another checkout ``root``."""
    import json
    import os
    import subprocess

    env = dict(os.environ, XLCELL_BENCH_ROOT=str(root), PYTHONPATH=str(root))
    cmd = [sys.executable, __file__, "--fronts-json", "--only", name, "--sizes", ",".join(map(str, sizes)),
           "--repeats", str(repeats)]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    return [tuple(r) for r in json.loads(done.stdout.strip().splitlines()[-1])]


def _merge_runs(runs: list[list[tuple]]) -> list[tuple]:
    """Single-run results of :func:`time_fronts` (one list per run) as one result with every run's time."""
    return [(r[0][0], [x[1][0] for x in r], *r[0][2:]) for r in zip(*runs)]


def median(v) -> float:
    return float(np.median(np.asarray(v, dtype=float)))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer sizes and generations")
    ap.add_argument("--markdown", type=Path, help="also write the tables as Markdown to this file")
    ap.add_argument("--only", help="comma-separated problem names (e.g. energy-power,ZDT1)")
    ap.add_argument("--sequential", action="store_true", help="also time the sequential SLSQP front (slow)")
    ap.add_argument("--seeds", type=int, default=5, help="NSGA-II runs per population size (seeds 0 .. N-1)")
    ap.add_argument("--repeats", type=int, default=3, help="runs of each batched front (the median time counts)")
    ap.add_argument("--sizes", help="comma-separated numbers of sub-problems of the batched fronts")
    ap.add_argument("--against", type=Path, help="another checkout (e.g. main): its batched fronts are timed too, "
                    "alternating with this checkout's in subprocesses, for before/after ratios from the same run")
    ap.add_argument("--fronts-json", action="store_true", help=argparse.SUPPRESS)  # one subprocess of --against
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "xlcell-out" / "bench",
                    help="folder of pareto_curves.csv / .png")
    a = ap.parse_args()
    if importlib.util.find_spec("pymoo") is None:
        print("pymoo is not installed (pip install xlcell[bench]): the benchmark needs its NSGA-II and HV indicator")
        return 0
    from threadpoolctl import threadpool_limits

    sizes = (21, 41, 81, 121, 161, 241) if a.quick else (11, 21, 41, 61, 81, 101, 121, 141, 161, 201, 241, 321)
    if a.sizes:
        sizes = tuple(int(v) for v in a.sizes.split(","))
    gens = 100 if a.quick else 250
    cases = [(n, p, reference) for n, p in problems().items()] + \
            [(f"ZDT{k}", zdt(k), None) for k in (1, 2, 3)]
    if a.only:
        cases = [c for c in cases if c[0] in a.only.split(",")]
    if a.fronts_json:
        import json

        with threadpool_limits(limits=1, user_api="blas"):
            rows = []
            for name, p, ref_fn in cases:
                R = ref_fn(name, p) if ref_fn else zdt_front(int(name[-1]))
                rows += time_fronts(name, p, sizes, a.repeats, Scorer(R))
        print(json.dumps(rows))
        return 0
    summary, curves, ab = [], [], []
    with threadpool_limits(limits=1, user_api="blas"):
        for name, p, ref_fn in cases:
            R = ref_fn(name, p) if ref_fn else zdt_front(int(name[-1]))
            score = Scorer(R)
            if a.against:  # alternate: other, this, other, this ... one run of each size per turn
                mine, other = [], []
                for _ in range(a.repeats):
                    other.append(_fronts_elsewhere(a.against, name, sizes, 1))
                    mine.append(_fronts_elsewhere(Path(__file__).resolve().parents[1], name, sizes, 1))
                ours, theirs = _merge_runs(mine), _merge_runs(other)
                ab.append((name, ours, theirs))
            else:
                ours = time_fronts(name, p, sizes, a.repeats, score)
            for n, times, h, calls, pts in ours:
                curves.append((name, "xlcell batched", f"{n} sub-problems", median(times), h, calls))
                print(name, f"xlcell batched {n}: CPU s {median(times):.3f} (runs {', '.join(f'{t:.3f}' for t in times)})"
                      f" HV {h:.5f}, {calls} model calls, {pts} points", flush=True)
            for n in ((15, 41) if a.sequential else ()):
                t = time.process_time()
                f = pareto_front(p, n, "epsilon", seed=0, solver="sequential")
                dt = time.process_time() - t
                curves.append((name, "xlcell sequential SLSQP", f"{n} sub-problems", dt, score(f.F_min),
                               f.n_model_calls))
                print(*curves[-1], flush=True)
            per_seed, best_ns = [], 0.0
            for seed in range(a.seeds):
                t_seed = None
                for pop in (100, 200):
                    _, dt, calls, designs, snaps = run_nsga2(p, pop, gens, seed=seed)
                    curve = [(t, score(F)) for t, F in snaps]
                    for g, (t, h) in enumerate(curve):
                        curves.append((name, f"NSGA-II {pop}", f"seed {seed} generation {g + 1}", t, h, g + 1))
                    tt = first_time(curve)
                    best_ns = max(best_ns, max(h for _, h in curve))
                    if tt is not None and (t_seed is None or tt < t_seed):
                        t_seed = tt
                    print(name, f"NSGA-II {pop} seed {seed}: to 99.5 % "
                          f"{'never' if tt is None else f'{tt:.2f} CPU s'}, best {max(h for _, h in curve):.5f}",
                          flush=True)
                per_seed.append(np.inf if t_seed is None else t_seed)
            t_ns = median(per_seed)  # inf when most seeds never reach the goal
            reached = bool(np.isfinite(t_ns))
            t_ours = first_time([(median(times), h) for _, times, h, *_ in ours])
            best_ours = max(h for _, _, h, *_ in ours)
            runs_ours = next((times for _, times, h, *_ in ours if h >= GOAL), None)
            ratio = None if t_ours is None or not reached else t_ns / t_ours
            summary.append((name, best_ours, t_ours, runs_ours, best_ns, t_ns, per_seed, ratio))

    lines = ["| problem | xlcell batched: best HV fraction | xlcell: CPU s to 99.5 % (median; runs) | NSGA-II: best "
             "HV fraction | NSGA-II: CPU s to 99.5 % (median over seeds; each seed) | NSGA-II's time / xlcell's "
             "(median; range over seeds) |", "|---|---|---|---|---|---|"]
    for name, bo, to, runs, bn, tn, seeds, r in summary:
        each = ", ".join("never" if not np.isfinite(t) else f"{t:.2f}" for t in seeds)
        ns = f"{tn:.2f} ({each})" if np.isfinite(tn) else f"not reached ({each})"
        xs = "not reached" if to is None else f"{to:.2f} ({', '.join(f'{t:.2f}' for t in runs)})"
        if r is None:
            rr = "—"
        else:
            fin = [t for t in seeds if np.isfinite(t)]
            rr = f"**{r:.1f}×** ({min(fin) / to:.1f}–{max(fin) / to:.1f}×)"
        lines.append(f"| {name} | {bo:.4f} | {xs} | {bn:.4f} | {ns} | {rr} |")
    if ab:
        lines += ["", f"Before/after, same run: the batched fronts of {a.against} (before) and of this checkout (after), "
                  "alternating, one subprocess per run; NSGA-II's median time from this run.", "",
                  "| problem | before: CPU s to 99.5 % (runs) | after | NSGA-II's time / before | NSGA-II's time / after |",
                  "|---|---|---|---|---|"]
        for (name, ours, theirs), srow in zip(ab, summary):
            tn = srow[5]

            def cross(rows):
                hit = next((r for r in rows if r[2] >= GOAL), None)
                return (None, None) if hit is None else (median(hit[1]), hit)

            (tb, hb), (ta, ha) = cross(theirs), cross(ours)
            fmt = lambda t, h: "not reached" if t is None else \
                f"{t:.3f} ({h[0]} sub-problems; {', '.join(f'{x:.3f}' for x in h[1])})"
            rb = "—" if tb is None or not np.isfinite(tn) else f"{tn / tb:.1f}×"
            ra = "—" if ta is None or not np.isfinite(tn) else f"{tn / ta:.1f}×"
            lines.append(f"| {name} | {fmt(tb, hb)} | {fmt(ta, ha)} | {rb} | {ra} |")
    lines += ["", "| problem | run | CPU s (median) | HV fraction | model calls |", "|---|---|---|---|---|"]
    for name, method, run, t, h, c in curves:
        if not method.startswith("NSGA"):
            lines.append(f"| {name} | {method} ({run}) | {t:.3f} | {h:.4f} | {c} |")
    text = "\n".join(lines)
    print(text)
    if a.markdown:
        tmp = a.markdown.with_suffix(".tmp")
        tmp.write_text(text + "\n", encoding="utf-8")
        tmp.replace(a.markdown)
    for path in write_curves(curves, a.out):
        print(f"curves: {path}")
    from bench._report import record  # the ratio lines bench/run_all.py collects

    for name, bo, to, runs, bn, tn, seeds, r in summary:
        record(f"Pareto {name}: batched front's hypervolume / the reference front's", bo,
               "dense reference front (real model) or analytical front (ZDT), pymoo HV", better="higher",
               note=f"NSGA-II's best {bn:.4f}")
        if r is not None:
            fin = [t for t in seeds if np.isfinite(t)]
            record(f"Pareto {name}: NSGA-II's CPU time to 99.5 % / the batched front's", r,
                   f"pymoo NSGA-II (population 100 and 200, the better of the two per seed; median over {len(seeds)} "
                   "seeds), same model, bounds and reference", better="higher", value=to, unit="s (batched, median)",
                   note=f"goal >= 5; range over seeds {min(fin) / to:.1f}-{max(fin) / to:.1f}; "
                        f"{len(seeds) - len(fin)} seeds never reach 99.5 %")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
