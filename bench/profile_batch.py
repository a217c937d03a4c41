"""Where the batch commands' time goes, stage by stage: ns per design (sample) and "array passes" per design.

Runs ``xlcell sweep``'s full chain (``cell_cost_usd_per_kWh``, ``cycle_life``, ``lcos_cell_usd_per_kWh``) and
``xlcell montecarlo``'s Monte Carlo of ``cell_cost_usd_per_kWh`` on one thread (``threads=1``), with xlcell's stage
functions wrapped by a CPU clock (``time.process_time``, inclusive: a stage's time contains its sub-stages', which are
indented below it). A stage's time is also given in **array passes per design**: its ns per design over the ns per
element of one pass of a plain binary ufunc over a chunk-sized array (``np.multiply(a, b, out=c)`` on 65,536 floats,
in cache: the cost of reading two and writing one array), i.e. how many such passes over the designs' arrays the stage
is worth. Transcendental ufuncs (log, exp, sqrt, power) cost several passes each (their own cost is printed too).

Run: python bench/profile_batch.py [--n 262144] [--samples 262144]
"""
from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from xlcell import batch as B  # noqa: E402
from xlcell import bom, cell, cost, degradation, lcos, registry, uncertainty, wiring  # noqa: E402
from xlcell.cell import default_design  # noqa: E402

#: the cost model's stages (label, owner, attribute, depth): inclusive CPU time; depth: indentation under its parent
COST_STAGES = (
    ("cost model (cost_values)", cost, "cost_values", 0),
    ("cell chain for the cost (geometry)", cost, "_geometry", 1),
    ("bill of materials", cost, "_bom", 1),
    ("plant sizing, 25 steps (size_plant)", cost, "size_plant", 1),
    ("plant share, sums over the steps", cost, "plant_share", 1),
    ("rollup", cost, "rollup", 1),
)
SWEEP_STAGES = (
    ("points and inputs (uniform draws, scaling, designs applied)", B, "uniform_points", 0),
    *COST_STAGES,
    ("rate model at the duty (lcos.duty_point)", lcos, "duty_point", 0),
    ("life model (cycle_life)", degradation, "cycle_life", 0),
    ("set-up: stresses, cycle-independent terms", degradation._LifeModel, "__init__", 1),
    ("root search (_LifeModel.life)", degradation._LifeModel, "life", 1),
    ("loss evaluations (root_loss)", degradation._LifeModel, "root_loss", 2),
    ("LCOS (lcos.delivered_lcos)", lcos, "delivered_lcos", 0),
)
MC_STAGES = (
    ("draws (block_draws)", B, "block_draws", 0),
    ("sampled prices", uncertainty, "sample_prices", 0),
    ("sampled designs", uncertainty, "sample_design", 0),
    *COST_STAGES,
    ("feasibility flag (the rate model)", wiring, "feasibility", 0),
    ("cell chain (cell.chain)", cell, "chain", 1),
)


class Clock:
    """Wraps ``owner.attr`` with an inclusive CPU clock (re-entrant calls counted once)."""

    def __init__(self, stages):
        self.stages, self.t, self.calls, self.depth, self.saved = stages, {}, {}, {}, []

    def __enter__(self):
        for label, owner, attr, _ in self.stages:
            fn = owner.__dict__[attr] if isinstance(owner, type) else getattr(owner, attr)
            raw = fn.__func__ if isinstance(fn, staticmethod) else fn
            self.saved.append((owner, attr, fn))
            self.t[label], self.calls[label], self.depth[label] = 0.0, 0, 0

            def wrapped(*a, _raw=raw, _label=label, **k):
                self.depth[_label] += 1
                t0 = time.process_time()
                try:
                    return _raw(*a, **k)
                finally:
                    self.depth[_label] -= 1
                    if not self.depth[_label]:
                        self.t[_label] += time.process_time() - t0
                        self.calls[_label] += 1

            setattr(owner, attr, staticmethod(wrapped) if isinstance(fn, staticmethod) else wrapped)
        return self

    def __exit__(self, *exc):
        for owner, attr, fn in reversed(self.saved):
            setattr(owner, attr, fn)


def pass_ns(m: int = 65536, repeat: int = 400) -> dict[str, float]:
    """ns per element of one pass of a few ufuncs over ``m`` floats (in cache; least of 5 runs)."""
    rng = np.random.default_rng(0)
    a, b, c = rng.random(m) + 0.5, rng.random(m) + 0.5, np.empty(m)
    ops = {"multiply": lambda: np.multiply(a, b, out=c), "sqrt": lambda: np.sqrt(a, out=c),
           "log": lambda: np.log(a, out=c), "exp": lambda: np.exp(a, out=c), "power": lambda: np.power(a, b, out=c),
           "a * b (new array)": lambda: a * b}
    out = {}
    for name, op in ops.items():
        best = float("inf")
        for _ in range(5):
            t = time.process_time()
            for _ in range(repeat):
                op()
            best = min(best, time.process_time() - t)
        out[name] = best / (repeat * m) * 1e9
    return out


def report(title: str, n: int, total: float, clock: Clock, unit: float, stages) -> list[dict]:
    rows = []
    print(f"\n{title}: {total / n * 1e9:,.0f} ns per design ({n / total:,.0f} per CPU-s), "
          f"= {total / n * 1e9 / unit:,.0f} multiply passes per design")
    print(f"{'stage':60s} {'ns/design':>10s} {'share':>6s} {'passes':>7s} {'calls':>6s}")
    for label, _, _, depth in stages:
        t = clock.t[label]
        ns = t / n * 1e9
        rows.append(dict(stage=label, depth=depth, ns_per_design=ns, share=t / total, passes=ns / unit,
                         calls=clock.calls[label]))
        print(f"{'  ' * depth + label:60s} {ns:10.0f} {t / total:6.1%} {ns / unit:7.0f} {clock.calls[label]:6d}")
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=2**18, help="designs of the sweep")
    ap.add_argument("--samples", type=int, default=2**18, help="samples of the Monte Carlo")
    a = ap.parse_args(argv)
    unit_all = pass_ns()
    unit = unit_all["multiply"]
    print("one pass over 65,536 floats, ns per element: " + ", ".join(f"{k} {v:.2f}" for k, v in unit_all.items()))

    plan = B.check_sweep(B.SweepPlan(B.make_bounds(), a.n, seed=1,
                                     outputs=("cell_cost_usd_per_kWh", "cycle_life", "lcos_cell_usd_per_kWh")))
    B.sweep(dataclasses.replace(plan, n=100), threads=1)
    t = time.process_time()
    B.sweep(plan, threads=1)
    bare = time.process_time() - t
    with Clock(SWEEP_STAGES) as clk:
        t = time.process_time()
        B.sweep(plan, threads=1)
        total = time.process_time() - t
    print(f"(sweep without the clocks: {bare / a.n * 1e9:,.0f} ns per design)")
    report(f"full chain, {a.n:,} designs", a.n, total, clk, unit, SWEEP_STAGES)

    mplan = B.check_monte_carlo(B.MonteCarloPlan(default_design(), a.samples, seed=1))
    B.monte_carlo(dataclasses.replace(mplan, n=100), threads=1)
    with Clock(MC_STAGES) as clk:
        t = time.process_time()
        B.monte_carlo(mplan, threads=1)
        total = time.process_time() - t
    report(f"Monte Carlo of $/kWh, {a.samples:,} samples", a.samples, total, clk, unit, MC_STAGES)
    _ = (bom, registry)  # imported so that the wiring's modules are loaded before wrapping
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
