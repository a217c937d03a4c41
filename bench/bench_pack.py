"""Benchmark: design to requirements over many packs in one call against a Python loop of one pack at a time.

``evaluate_pack`` with ``solve_thickness`` = 1 solves the positive thickness for each pack's power requirement (an
Illinois regula falsi in log thickness, a secant area solve inside) over the whole population at once. The loop
calls it once per requirement. Both run in the same process on the same requirements; the thicknesses and costs must
agree. Nothing here asserts a time.

Run: python bench/bench_pack.py [--n 2000] [--loop-n 40]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._report import record  # noqa: E402
from bench.bench_cell import timed  # noqa: E402  (shared benchmark helpers)
from xlcell.cell import default_design  # noqa: E402
from xlcell.cost import Factory  # noqa: E402
from xlcell.pack import PackDesign, evaluate_pack  # noqa: E402
from xlcell.pouch import batpac_format  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000, help="packs in the vectorised call")
    ap.add_argument("--loop-n", type=int, default=40, help="packs in the Python loop (scaled to n)")
    a = ap.parse_args(argv)
    rng = np.random.default_rng(1)
    power = rng.uniform(300e3, 2500e3, a.n)  # a mix of max-thickness- and power-limited packs
    d, fac, fmt = default_design(), Factory.batpac5(), batpac_format()
    t_vec, m = timed(lambda: evaluate_pack(d, PackDesign(power_W=power, solve_thickness=1.0), fac, fmt=fmt), repeat=2)
    k = min(a.loop_n, a.n)
    t_loop, ms = timed(lambda: [evaluate_pack(d, PackDesign(power_W=float(p), solve_thickness=1.0), fac, fmt=fmt)
                                for p in power[:k]], repeat=1)
    t_loop_n = t_loop / k * a.n
    dt = max(abs(float(x.pos_thickness_m) - float(y)) for x, y in zip(ms, m.pos_thickness_m[:k]))
    dc = max(abs(float(x.pack_cost_usd) / float(y) - 1.0) for x, y in zip(ms, m.pack_cost_usd[:k]))
    share = float(np.mean(m.active_limit == "power"))
    print(f"packs: {a.n} ({share:.0%} power-limited)")
    print(f"vectorised: {t_vec:.3f} s ({t_vec / a.n * 1e3:.3f} ms per pack)")
    print(f"Python loop: {t_loop / k * 1e3:.1f} ms per pack (timed on {k}, scaled: {t_loop_n:.1f} s)")
    print(f"ratio loop / vectorised: {t_loop_n / t_vec:.0f}x")
    print(f"agreement: thickness {dt * 1e6:.2e} µm, pack cost {dc:.1e} relative")
    record(f"pack model with thickness solved, {a.n:,} packs: per-pack Python loop / one vectorised call",
           t_loop_n / t_vec, "a Python loop over packs", better="higher",
           note=f"thickness agrees to {dt * 1e6:.1e} µm, pack cost to {dc:.1e} relative")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
