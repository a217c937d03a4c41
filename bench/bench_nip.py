"""Benchmark: the nip simulation (issue 16). The FE model of the default case against its 1D roll pass, and the 1D
roll pass over a population of designs in one call against a Python loop over them.

Ratios are measured in the same run on the same machine; nothing here asserts a time.
Run: python bench/bench_nip.py [--n 1000] [--loop-n 50] [--repeat 3]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_cell import timed

from bench._report import record

from xlcell.nip import NipInputs, roll_pass_1d, simulate_nip


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000, help="designs of the vectorised 1D roll pass")
    ap.add_argument("--loop-n", type=int, default=50, help="designs of the Python loop (timed, then scaled)")
    ap.add_argument("--repeat", type=int, default=3, help="FE runs (the fastest is reported)")
    a = ap.parse_args(argv)

    simulate_nip(fe=False)  # imports and caches warm
    import skfem  # noqa: F401  (its import is not the FE's time)

    t_fe, sim = timed(lambda: simulate_nip(), repeat=a.repeat)
    t_1d, one = timed(lambda: simulate_nip(fe=False), repeat=max(3, a.repeat))
    s, fe = sim.summary(), sim.fe
    print(f"default FE case ({NipInputs().elements_nip} elements along the contact x {NipInputs().elements_thickness} "
          f"through the thickness: {fe.elements} elements, {fe.dofs} DOFs, {fe.steps} roll positions, "
          f"{fe.newton_iterations} Newton iterations): {t_fe:.2f} s")
    print(f"  1D roll pass of the same case: {t_1d * 1e3:.1f} ms -> FE / 1D time ratio {t_fe / t_1d:.0f}")
    print(f"  line load FE {s['fe_line_load_N_mm']:.1f} / 1D {s['oned_line_load_N_mm']:.1f} N/mm; exit porosity "
          f"FE {s['fe_exit_porosity']:.4f} / 1D {s['oned_exit_porosity']:.4f}")
    record("nip, default case: FE time / 1D roll pass time", t_fe / t_1d, "the 1D roll pass of the same case",
           value=t_fe, unit="s", note=f"{fe.elements} elements, {fe.dofs} DOFs; line load FE/1D "
                                      f"{s['fe_line_load_N_mm'] / s['oned_line_load_N_mm']:.4f}")

    rng = np.random.default_rng(0)
    q = rng.uniform(200e3, 900e3, a.n)
    L0 = rng.uniform(100e-6, 200e-6, a.n)
    args = (0.3, L0, 0.4737, 0.18, 143.6e6, 2.69e9)
    t_vec, many = timed(lambda: roll_pass_1d(q, args[0], L0, *args[2:]), repeat=1)
    m = min(a.loop_n, a.n)
    t_loop, loop = timed(lambda: [roll_pass_1d(q[i], args[0], L0[i], *args[2:]) for i in range(m)], repeat=1)
    np.testing.assert_allclose([float(r.exit_porosity) for r in loop], many.exit_porosity[:m], rtol=1e-12)
    per_vec, per_loop = t_vec / a.n, t_loop / m
    print(f"1D roll pass, {a.n} designs in one call: {t_vec * 1e3:.0f} ms ({per_vec * 1e6:.0f} µs/design); "
          f"Python loop {per_loop * 1e3:.1f} ms/design -> vectorised {per_loop / per_vec:.0f}x faster")
    record(f"1D roll pass, {a.n:,} designs: per-design Python loop / one vectorised call", per_loop / per_vec,
           "a Python loop over designs", better="higher", note="identical results (rtol 1e-12)")


if __name__ == "__main__":
    main()
