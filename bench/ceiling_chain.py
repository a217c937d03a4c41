"""The hardware ceiling of the full chain's formulas on this machine: how fast could they run at all?

A measurement, not product code (issue 15, item 1: is 2 M designs/s, or 1 s per million Monte Carlo samples,
reachable on 2 cores?). In the same run:

1. **xlcell**, ``xlcell sweep``'s full chain (``cell_cost_usd_per_kWh``, ``cycle_life``, ``lcos_cell_usd_per_kWh``)
   on 1 and 2 threads (:func:`xlcell.batch.sweep`), wall and CPU time;
2. **the hand-fused numpy kernel** of the same formulas (``bench/fused_chain.py`` ``fused``) in the same blocks, on 1
   and 2 threads (a thread pool over the blocks);
3. **a compiled life root search** (the chain's costliest stage): ``_LifeModel.root_loss`` and the safeguarded secant
   search of :func:`xlcell.degradation._life_root` written as one scalar loop per design and compiled with numba,
   on the cycle-independent terms xlcell computes for the same designs, on 1 and 2 threads (``prange``), against
   xlcell's vectorised search (agreement asserted to 1e-12 relative);
4. **the cost of one transcendental call** (log, exp, pow, sqrt, log1p, expm1) in numpy (a pass over 65,536 floats)
   and compiled (a scalar loop), and the number of them the chain needs per design (counted from the formulas):
   the floor of any implementation of today's formulas that calls the C library's functions.

numba is not a dependency of xlcell: parts 3 and 4's compiled figures are skipped without it. To run them, in a
throwaway venv: ``python -m venv --system-site-packages /tmp/nb && /tmp/nb/bin/pip install numba`` then
``PYTHONPATH=. /tmp/nb/bin/python bench/ceiling_chain.py``. Results: ``bench/data/ceiling_chain.json`` (``--out``).

Run: python bench/ceiling_chain.py [--n 524288] [--out FILE]
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import platform
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_batch import best as _best  # noqa: E402
from bench.fused_chain import constants, fused  # noqa: E402
from xlcell import batch as B  # noqa: E402
from xlcell import degradation as D  # noqa: E402

OUTPUTS = ("cell_cost_usd_per_kWh", "cycle_life", "lcos_cell_usd_per_kWh")

#: transcendental calls per design in the chain's formulas for the three outputs (counted in the code: xlcell/cell.py
#: chain and rate model, xlcell/factory.py size_plant, xlcell/degradation.py stresses and root_loss, as of this commit)
#: life's root search: per evaluation of the loss 10**x (once for all rows at the first two guesses), 2 sqrt, log1p,
#: expm1, log (of the loss); about 9 evaluations per design (2 guesses, a range end for some rows, about 6 steps)
TRANSCENDENTALS = {
    "plant sizing (11 distinct driver logs, 28 powers as exp(e log r), 5 extra-factor powers)":
        {"log": 11, "exp": 28, "pow": 5},
    "life root search (about 9 loss evaluations)": {"pow": 7, "sqrt": 18, "log1p": 9, "expm1": 9, "log": 9},
}


def best(fn, repeat=3):
    """(least wall, least CPU) of ``repeat`` calls and the last result (:func:`bench.bench_batch.best` reordered)."""
    cpu, wall, out = _best(fn, repeat)
    return wall, cpu, out


def life_models(plan: B.SweepPlan):
    """xlcell's life models (``_LifeModel``) of every chunk of the sweep, captured as the chain builds them."""
    got = []
    orig = D._LifeModel.life

    def grab(self):
        got.append(self)
        return orig(self)

    D._LifeModel.life = grab
    try:
        table = B.sweep(plan, threads=1)
    finally:
        D._LifeModel.life = orig
    return [m for m in got if int(np.prod(m.shape)) > 1], table


TERM_KEYS = ("sei_t", "d0", "d0_sq", "g", "sei_c", "rate", "x_r", "l0_rate", "l0_sq", "has_rate", "c_zone", "e_zone",
             "r_sq", "n_r", "m0", "m0_sq", "cr_t", "sei_cr_c", "lam_n", "lam_p", "li_n", "li_p", "pos_over_cell",
             "neg_over_cell")


def term_matrix(model) -> tuple[np.ndarray, np.ndarray]:
    """The root search's cycle-independent terms (``_root_terms``, flattened) as a (designs, terms) matrix, and the
    end-of-life SOH per design."""
    size = int(np.prod(model.shape))
    t = D._flat_terms(model._root_terms(), model.shape)
    cols = []
    for k in TERM_KEYS:
        v = t[k]
        v = 0.0 if v is None else v
        cols.append(np.broadcast_to(np.asarray(v, dtype=float), (size,)))
    target = np.broadcast_to(np.asarray(model.duty.eol_soh, dtype=float), model.shape).ravel()
    return np.ascontiguousarray(np.column_stack(cols)), np.ascontiguousarray(target)


def compiled(parallel: bool):
    """The numba-compiled life root search over designs (None without numba)."""
    try:
        import numba
    except ImportError:
        return None
    njit = numba.njit(error_model="numpy", cache=False, parallel=parallel)
    lo_x, hi_x = D._LIFE_LO, D._LIFE_HI
    xa, xb = D._LIFE_GUESS
    tol = D.LIFE_TOLERANCE_LOG10

    @numba.njit(error_model="numpy", inline="always")
    def loss(N, t):
        delta = math.sqrt(t[2] + t[0] * N) + t[3] * N
        lli = (delta - t[1]) * t[4]
        x = t[5] * N
        xc = min(x, t[6])
        i_n = t[10] * math.expm1(t[11] * math.log1p(-xc))
        if xc < 1e-12:
            i_n = xc * t[7] if t[9] != 0.0 else t[8] * N
        if x > t[6]:
            i_n += t[12] * (N - t[13])
        lli += (math.sqrt(t[15] + t[16] * i_n) - t[14]) * t[17]
        lam_n = min(t[18] * N, 1.0)
        lam_p = min(t[19] * N, 1.0)
        lli += lam_n * t[20]
        lli += lam_p * t[21]
        lim = 1.0 - min(t[22] * (1.0 - lam_p), t[23] * (1.0 - lam_n))
        return max(lli, lim)

    @numba.njit(error_model="numpy", inline="always")
    def f(x, t, target, log_eol):
        ls = loss(10.0 ** x, t)
        return 1.0 - min(ls, 1.0) <= target, math.log(ls) - log_eol

    @numba.njit(error_model="numpy")
    def one(t, target):
        log_eol = math.log1p(-target)
        below_a, h_a = f(xa, t, target, log_eol)
        below_b, h_b = f(xb, t, target, log_eol)
        if below_a:
            lo, hi, h_lo, h_hi = lo_x, xa, np.nan, h_a
        elif below_b:
            lo, hi, h_lo, h_hi = xa, xb, h_a, h_b
        else:
            lo, hi, h_lo, h_hi = xb, hi_x, h_b, np.nan
        if not below_b:
            reached, h_hi = f(hi_x, t, target, log_eol)
            if not reached:
                return np.inf
        if below_a:
            at_start, h_lo = f(lo_x, t, target, log_eol)
            if at_start:
                return 10.0 ** lo_x
        x0, h0, x1, h1 = xa, h_a, xb, h_b
        xq = hq = np.nan
        nudge = 0.25 * tol
        for step in range(120):
            if step < 24:
                x = x1 - h1 * (x1 - x0) / (h1 - h0)
                if step > 0:
                    d01, d02, d12 = h0 - h1, hq - h0, hq - h1
                    q = xq * h0 * h1 / (d02 * d12) - x0 * hq * h1 / (d02 * d01) + x1 * hq * h0 / (d12 * d01)
                    if math.isfinite(q):
                        x = q
                if not (x >= lo and x <= hi):
                    rf = hi - h_hi * (hi - lo) / (h_hi - h_lo)
                    x = rf if (rf >= lo and rf <= hi) else 0.5 * (lo + hi)
            else:
                x = 0.5 * (lo + hi)
            x = min(max(x, lo + nudge), hi - nudge)
            beyond, h = f(x, t, target, log_eol)
            if beyond != (h >= 0.0):
                h = 0.0 if beyond else -0.0
            if beyond:
                hi, h_hi = x, h
            else:
                lo, h_lo = x, h
            xq, hq, x0, h0, x1, h1 = x0, h0, x1, h1, x, h
            if hi - lo <= tol:
                break
        return 10.0 ** (0.5 * (lo + hi))

    @njit
    def run(T, target, out):
        for i in numba.prange(T.shape[0]):
            out[i] = one(T[i], target[i])

    return run


def libm_costs(m: int = 65536) -> dict[str, dict[str, float]]:
    """CPU ns per call of each transcendental: numpy (one pass over ``m`` floats in cache) and compiled (numba scalar
    loop, if there)."""
    rng = np.random.default_rng(0)
    a, b = rng.random(m) * 0.5 + 0.25, rng.random(m) * 0.5 + 0.25
    c = np.empty(m)
    ops = {"log": (np.log, 1), "exp": (np.exp, 1), "sqrt": (np.sqrt, 1), "log1p": (np.log1p, 1),
           "expm1": (np.expm1, 1), "pow": (np.power, 2), "multiply": (np.multiply, 2)}
    res: dict[str, dict[str, float]] = {}
    for name, (uf, nargs) in ops.items():
        args = (a, b)[:nargs]
        _, w, _ = best(lambda: [uf(*args, out=c) for _ in range(100)], 5)  # CPU time: the machine is shared
        res[name] = {"numpy_ns": w / (100 * m) * 1e9}
    try:
        import numba
    except ImportError:
        return res
    def make(expr):
        src = (f"def k(a, b, c):\n    for i in range(a.size):\n        c[i] = {expr}\n")
        ns = {"math": math}
        exec(src, ns)  # noqa: S102 (a fixed expression, for numba to compile)
        return numba.njit(error_model="numpy")(ns["k"])

    exprs = {"log": "math.log(a[i])", "exp": "math.exp(a[i])", "sqrt": "math.sqrt(a[i])", "log1p": "math.log1p(a[i])",
             "expm1": "math.expm1(a[i])", "pow": "a[i] ** b[i]", "multiply": "a[i] * b[i]"}
    for name, expr in exprs.items():
        k = make(expr)
        k(a, b, c)
        _, w, _ = best(lambda: [k(a, b, c) for _ in range(100)], 5)
        res[name]["compiled_ns"] = w / (100 * m) * 1e9
    return res


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=2**19, help="designs")
    ap.add_argument("--out", default=None, help="write the results as JSON here")
    a = ap.parse_args(argv)
    n = a.n
    res: dict = {"n": n, "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores",
                 "load_average_start": os.getloadavg()[0], "numpy": np.__version__,
                 "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    plan = B.check_sweep(B.SweepPlan(B.make_bounds(), n, seed=1, outputs=OUTPUTS))
    B.sweep(dataclasses.replace(plan, n=100), threads=1)
    # 1. xlcell on 1 and 2 threads
    for th in (1, 2):
        w, c, table = best(lambda: B.sweep(plan, threads=th), 2)
        res[f"xlcell_{th}_threads"] = {"wall_s": w, "cpu_s": c, "designs_per_s_wall": n / w}
        print(f"xlcell, {th} thread(s): {w:.2f} s wall ({n / w:,.0f} designs/s), {c:.2f} CPU-s ({n / c:,.0f} per CPU-s)")
    # 2. the fused kernel in the same blocks, 1 and 2 threads
    k = constants()
    cols = [table["pos_thickness_um"] * 1e-6, table["pos_porosity"], table["np_ratio"], table["sep_thickness_um"] * 1e-6]
    lay = plan.layout()

    def kernel(threads):
        job = lambda lh: fused(*(c[lh[0]:lh[1]] for c in cols), k)  # noqa: E731
        if threads == 1:
            return [job(lh) for lh in lay]
        with ThreadPoolExecutor(threads) as ex:
            return list(ex.map(job, lay))

    for th in (1, 2):
        w, c, parts = best(lambda: kernel(th), 2)
        got = np.concatenate([p["cycle_life"] for p in parts])
        assert np.array_equal(np.isinf(got), np.isinf(table["cycle_life"]))
        res[f"kernel_{th}_threads"] = {"wall_s": w, "cpu_s": c, "designs_per_s_wall": n / w}
        print(f"hand-fused numpy kernel, {th} thread(s): {w:.2f} s wall ({n / w:,.0f} designs/s), {c:.2f} CPU-s")
    # 2b. the Monte Carlo of $/kWh: xlcell and its written-out kernel, 1 and 2 threads
    from bench.fused_chain import monte_carlo_cost
    from xlcell.cell import default_design
    from xlcell.uncertainty import UncertaintySpec

    mplan = B.check_monte_carlo(B.MonteCarloPlan(default_design(), n, seed=1))
    B.monte_carlo(dataclasses.replace(mplan, n=100), threads=1)
    spec = UncertaintySpec()
    for th in (1, 2):
        w, c, (mc, _) = best(lambda: B.monte_carlo(mplan, threads=th), 2)
        res[f"mc_xlcell_{th}_threads"] = {"wall_s": w, "cpu_s": c, "s_per_million_wall": w / n * 1e6}
        print(f"Monte Carlo, xlcell, {th} thread(s): {w / n * 1e6:.2f} s per million wall, {c / n * 1e6:.2f} CPU-s")

    def mc_kernel(threads):
        job = lambda lh: monte_carlo_cost(1, lh[0], lh[1], k, spec)  # noqa: E731
        if threads == 1:
            return [job(lh) for lh in mplan.layout()]
        with ThreadPoolExecutor(threads) as ex:
            return list(ex.map(job, mplan.layout()))

    for th in (1, 2):
        w, c, parts = best(lambda: mc_kernel(th), 2)
        got = np.concatenate(parts)
        assert np.max(np.abs(got / mc["cell_cost_usd_per_kWh"] - 1.0)) < 1e-9
        res[f"mc_kernel_{th}_threads"] = {"wall_s": w, "cpu_s": c, "s_per_million_wall": w / n * 1e6}
        print(f"Monte Carlo, written-out kernel, {th} thread(s): {w / n * 1e6:.2f} s per million wall, "
              f"{c / n * 1e6:.2f} CPU-s")
    # 3. the life root search: xlcell's vectorised, and compiled
    models, _ = life_models(plan)
    mats = [term_matrix(m) for m in models]
    w, c, ref = best(lambda: [m.life().ravel() for m in models], 2)
    res["life_root_xlcell"] = {"ns_per_design": c / n * 1e9}
    print(f"life root search, xlcell (vectorised numpy): {c / n * 1e9:,.0f} ns per design (CPU)")
    for par in (False, True):
        run = compiled(par)
        if run is None:
            print("  compiled: numba not installed (see the module's docstring)")
            break
        outs = [np.empty(T.shape[0]) for T, _ in mats]
        for (T, tg), o in zip(mats, outs):
            run(T, tg, o)  # compile and warm up
        import numba

        threads = numba.get_num_threads() if par else 1
        w, c, _ = best(lambda: [run(T, tg, o) for (T, tg), o in zip(mats, outs)], 3)
        got, want = np.concatenate(outs), np.concatenate(ref)
        assert np.array_equal(np.isinf(got), np.isinf(want))
        ok = np.isfinite(want)
        err = float(np.max(np.abs(got[ok] / want[ok] - 1.0)))
        assert err < 1e-12, err
        key = f"life_root_compiled_{threads}_threads"
        res[key] = {"ns_per_design_wall": w / n * 1e9, "ns_per_design_cpu": c / n * 1e9, "agree": err}
        print(f"  compiled (numba), {threads} thread(s): {w / n * 1e9:,.0f} ns per design wall, "
              f"{c / n * 1e9:,.0f} CPU; agrees to {err:.1e}")
    # 4. transcendentals
    lib = libm_costs()
    res["transcendental_ns"] = lib
    print("ns per call: " + "; ".join(f"{k} numpy {v['numpy_ns']:.1f}" + (f", compiled {v['compiled_ns']:.1f}"
                                                                           if "compiled_ns" in v else "")
                                      for k, v in lib.items()))
    floors = {}
    for stage, counts in TRANSCENDENTALS.items():
        floors[stage] = {src: sum(c * lib[f].get(src, float("nan")) for f, c in counts.items())
                         for src in ("numpy_ns", "compiled_ns")}
        print(f"  {stage}: {floors[stage]['numpy_ns']:.0f} ns per design in numpy's functions, "
              f"{floors[stage]['compiled_ns']:.0f} compiled")
    res["transcendental_floor_ns_per_design"] = floors
    res["transcendental_counts"] = TRANSCENDENTALS
    if a.out:
        Path(a.out).parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(a.out).with_suffix(".tmp")
        tmp.write_text(json.dumps(res, indent=1))
        os.replace(tmp, a.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
