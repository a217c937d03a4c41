"""Benchmark: the vectorised cost model against a plain-numpy evaluation of the same formulas.

The baseline writes BatPaC 5.0's cell-cost chain (shared/reference/batpac5.md §7: electrodes, nominal voltage,
pouch geometry, materials per accepted cell, annual drivers, the 25 power-law steps, the cell-plant share and the
roll-up) by hand for arrays of positive thickness and porosity, with no validation, no bottleneck, no metadata.
xlcell's ``evaluate_cost`` also validates every input, sizes machines, finds the bottleneck, WIP and energy and
returns 33 metrics. Both run in the same process on the same data; the results must agree. Nothing here asserts
a time.

Run: python bench/bench_cost.py [--n 1000000]
"""
from __future__ import annotations

import dataclasses
import sys
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from xlcell.bom import MaterialPrices  # noqa: E402
from xlcell.cost import Economics, Factory, cost_values, evaluate_cost  # noqa: E402
from xlcell.pouch import batpac_format  # noqa: E402
from bench._report import record  # noqa: E402
from bench.bench_cell import population_args, timed  # noqa: E402  (shared benchmark helpers)


# BatPaC 5.0 §5.2: (driver, baseline, L0 h, pL, C0 M$, pC, A0 m², pA, D factor, extra, share)
STEPS = [
    ("am_p", 72.5e6, 200e3, .9, 200, .9, 8000, .95, 1, "", 1), ("am_n", 49.1e6, 270e3, .9, 280, .9, 8800, .95, 1, "", 1),
    ("a_p", 303e6, 59e3, .7, 90, .9, 16000, .95, 1, "sp", 1), ("a_n", 315e6, 59e3, .7, 78, .9, 16000, .95, 1, "sn", 1),
    ("a_p", 303e6, 61e3, .7, 25, .9, 2100, .95, 1, "", 1), ("a_n", 315e6, 69e3, .7, 25, .9, 2100, .95, 1, "", 1),
    ("a_p", 303e6, 250e3, .7, 29, .9, 3200, .95, 1, "", 1), ("a_n", 315e6, 250e3, .7, 29, .9, 3200, .95, 1, "", 1),
    ("a_p", 303e6, 41e3, .7, 14, .9, 2000, .95, 1, "", 1), ("a_n", 315e6, 35e3, .7, 11, .9, 1600, .95, 1, "", 1),
    ("a_pn", 618e6, 260e3, .7, 30, .9, 0, .95, 1, "", 1), ("cells", 211e6, 700e3, .9, 170, .9, 0, .95, 1, "cap", 1),
    ("cells", 211e6, 190e3, .9, 190, .9, 0, .95, 1, "", 1), ("cells", 211e6, 190e3, .9, 14, .9, 0, .95, 1, "", 1),
    ("cells", 211e6, 49e3, .9, 11, .9, 0, .95, 1, "", 1), ("cells", 211e6, 132e3, .9, 25, .9, 0, .95, 1, "", 1),
    ("dry", 1.0, 8e3, 0, 7.3, .9, 61000, .95, 0, "", 1), ("cells", 211e6, 560e3, .7, 830, .95, 110000, .95, 0, "form", 1),
    ("mod", 10e6, 170e3, .7, 94, .95, 27000, .95, 1, "", 0), ("pack", 500e3, 150e3, .7, 94, .95, 27000, .95, 1, "", 0),
    ("kwh", 50e6, 31e3, .5, 200, .95, 10000, .95, 1, "", 1 / 3), ("kwh", 50e6, 0, .7, 1700, .95, 0, .95, 0, "bld", 0),
    ("nmp", 24.2e6, 17e3, .5, 36, .95, 1100, .95, 1, "", 1), ("cells", 211e6, 38e3, .7, 9.3, .9, 3300, .95, 0, "", 1),
    ("kwh", 50e6, 46e3, .7, 16, .95, 1300, .95, 0, "", 1),
]


def plain_numpy(L_p, eps_p):
    """Cell cost ($) and $/kWh of BatPaC's default cell with positive thickness L_p (m), porosity eps_p."""
    # electrodes (cm, g/cm³, mAh/g)
    Lp = L_p * 100
    sp = 0.96 / 4.65 + 0.02 / 1.825 + 0.02 / 1.77
    rho_p = (1 - eps_p) / sp
    rho_n = 0.75 / (0.98 / 2.24 + 0.02 / 1.10)
    qa_p = Lp * rho_p * 0.96 * 213.6  # mAh/cm²
    Ln = 1.1 * qa_p / (rho_n * 0.98 * 360.4)
    A_p = 8449.3127  # cm²
    C = qa_p * A_p / 1000  # Ah
    # pouch (mm)
    t = 20.110918
    n_bi = (1000 * t - 300 - 10) / (15 + 10 + 2 * (15 + Lp * 1e4 + Ln * 1e4)) * 0.97
    W = np.sqrt(A_p / (2 * n_bi * 3)) * 10
    Le = 3 * W
    xn = (W + 2) * (Le + 2) / (W * Le) - 1
    A_n = A_p * (1 + xn)
    lt = 1.2 * t
    m_pc = Lp * A_p * rho_p
    m_nc = Ln * A_n * rho_n
    al = n_bi * W * (Le + lt) / 1e6
    cu = (n_bi + 1) * (W + 2) * (Le + lt - 1 + 2) / 1e6
    sep = 2 * n_bi * (W + 2) * (Le + 4) / 1e6
    elyte = (m_pc / rho_p * eps_p + m_nc / rho_n * 0.25 + sep * 15 * 0.5 + 0.02 * t * W * Le / 1000) / 1000  # L
    gap = 0.1 * t + 2
    c, d = lt - gap, W - 4
    e = np.where(W > 84, 50, 40)
    # energy ASI (§2.3, Ω·cm², lengths in cm): electrochemical + foils + terminals + module/pack share
    foil = (A_p / n_bi) * (Le / 3 + lt) / 10 / (W / 10)
    term = A_p * 1.2 * (13 + c) / 10 / (e / 10)
    asi = 15.532091 + foil / (15e-4 * 3.77e5) + foil / (10e-4 * 5.96e5) + term / (0.12 * 3.77e5) + term / (0.08 * 5.96e5) \
        + 0.1129689
    V = 3.7132049 - qa_p / 3000 * asi
    E = C * V / 1000  # kWh
    term = (13 * e + c * d) / 1000  # cm² · cm
    cw = W + 4
    cl = Le + 2 * (13 + c + gap)
    pouch = ((cw + 2 * t + 6) + (cw + 6)) * (cl - 16) * 0.150 / 1000 * (30 * 1.38 + 100 * 2.7 + 20 * 0.946) / 150
    # materials per accepted cell
    Yc, Ye, Yf = 0.95, 0.922, 0.865
    N = 50e6 / E
    Nb = N / Yc
    hw = (211e6 / Nb) ** 0.15
    mat = (m_pc * (0.96 * 26 + 0.02 * 7 + 0.02 * 15) / 1000 + m_nc * (0.98 * 10 + 0.02 * 10) / 1000) / (Yc * Ye)
    mat += 2.7 * 16 * m_pc * 0.02 / 1000 / Ye
    mat += (al * 0.2 + cu * 1.2) / (Yc * Yf) + sep * 0.9 / (Yc * 0.98) + elyte * 10 / (Yc * 0.99)
    mat += (term * 1.2 * 2.7 / 10 * 2.405 / 1000 * 10 + 0.08 * hw + term * 0.8 * 8.96 / 10 * 8.64 / 1000 * 10
            + 0.08 * hw + pouch * 3.0 / 1000 + 0.2 * hw) / Yc
    # drivers
    nmp = N * 16 * m_pc * 0.02 / 1000 / (Yc * Ye)
    water = N * 40 * m_nc * 0.02 / 1000 / (Yc * Ye)
    a_p, a_n = Nb * A_p / 1e4, Nb * A_n / 1e4
    drv = dict(am_p=N * m_pc * 0.96 / 1000 / (Yc * Ye), am_n=N * m_nc * 0.98 / 1000 / (Yc * Ye), a_p=a_p, a_n=a_n,
               a_pn=a_p + a_n, cells=Nb, dry=np.maximum(Nb / 211e6, (a_p + a_n) / 618e6), mod=N / 20, pack=N / 400,
               kwh=N * E, nmp=nmp)
    cap = C / 68
    lab = capex = area = tot_area = bld = 0.0
    for dr, base, L0, pL, C0, pC, A0, pA, _, extra, share in STEPS:
        r = drv[dr] / base
        fl = fc = fa = 1.0
        if extra == "sp":
            fc = (nmp / a_p / 0.11950458) ** 0.2
        elif extra == "sn":
            fc = (water / a_n / 0.07930758) ** 0.2
        elif extra == "cap":
            fl = fc = cap ** 0.95
        elif extra == "form":
            fl = fc = fa = cap ** 0.3
            fc = fc * np.where(C > 80, 1.1, 1.0)
        a = A0 * r ** pA * fa
        tot_area = tot_area + a
        if extra == "bld":
            bld = C0 * 1e6 * r ** pC
            continue
        lab = lab + share * L0 * r ** pL * fl
        capex = capex + share * C0 * 1e6 * r ** pC * fc
        area = area + share * a
    capex = capex + bld * area / tot_area
    Lb = 25 * lab / N
    dep = (0.1 * capex + 0.05 * 3000 * area) / N
    voh = 0.4 * Lb + 0.2 * dep
    cost = mat + Lb + voh + dep + 0.25 * (Lb + voh) + 0.25 * dep + 0.4 * dep
    return cost, cost / E


def main(argv=None):
    a, L, eps, base = population_args(argv, loop_n=200)

    # BatPaC mode (BatPaC 5.0's factory without the utility line, its fixed rating ASI): the formulas the baseline
    # writes out; the default chain adds the electricity and rates the energy with the cell model's ASI (issue 17)
    factory, fmt = Factory.batpac5(), batpac_format()

    def vec():
        return evaluate_cost(dataclasses.replace(base, pos=dataclasses.replace(base.pos, thickness_m=L, porosity=eps)),
                             factory, fmt=fmt)

    t_vec, m = timed(vec)
    t_np, (cost, per_kwh) = timed(lambda: plain_numpy(L, eps))
    err = float(np.max(np.abs(m.cell_cost_usd / cost - 1)))
    assert err < 1e-9, f"xlcell in BatPaC mode and the plain-numpy BatPaC chain disagree by {err:.1e}"
    c0, _ = plain_numpy(np.array([120e-6]), np.array([0.25]))

    def loop():
        for i in range(a.loop_n):
            evaluate_cost(dataclasses.replace(base, pos=dataclasses.replace(base.pos, thickness_m=L[i], porosity=eps[i])),
                          factory, fmt=fmt)

    t_loop, _ = timed(loop, repeat=1)
    per_loop, per_vec = t_loop / a.loop_n, t_vec / a.n
    print(f"designs: {a.n:,}")
    print(f"plain-numpy baseline at BatPaC's default: ${float(c0[0]):.6f} per cell (BatPaC 5.0: $19.754802)")
    print(f"max relative difference xlcell vs baseline over all designs: {err:.1e}")
    print(f"evaluate_cost (validated, 33 metrics, bottleneck, WIP): {t_vec:.2f} s = {per_vec * 1e6:.2f} µs/design")
    print(f"plain numpy, cost only:                                {t_np:.2f} s = {t_np / a.n * 1e6:.2f} µs/design"
          f"  (ratio xlcell / baseline = {t_vec / t_np:.2f})")
    print(f"python loop over designs: {per_loop * 1e3:.2f} ms/design -> vectorised speed-up x{per_loop / per_vec:,.0f}")
    record(f"cost model, {a.n:,} designs in one call: time / plain numpy", t_vec / t_np,
           "hand-written plain-numpy BatPaC 5.0 cost chain, same designs", value=per_vec * 1e6, unit="µs/design",
           note=f"costs agree to {err:.1e}")
    record("cost model: per-design Python loop / one vectorised call", per_loop / per_vec, "a Python loop over designs",
           better="higher")

    # issue 15: array prices and economics (a Monte Carlo's: one per design) no longer switch the blocks off. Peak
    # memory of the numpy arrays (tracemalloc) of the chunked call against one block, and the time of each
    m = min(a.n, 2**18)  # one block of a million designs would hold about 4 GB
    rng = np.random.default_rng(1)
    prices = MaterialPrices(pos_am_usd_kg=rng.uniform(13.0, 39.0, m), separator_usd_m2=rng.uniform(0.45, 1.35, m))
    econ = dataclasses.replace(Economics(), labor_rate_usd_s=rng.uniform(20.0, 40.0, m) / 3600.0)
    dm = dataclasses.replace(base, pos=dataclasses.replace(base.pos, thickness_m=L[:m], porosity=eps[:m]))
    kw = dict(factory=Factory(economics=econ), prices=prices)

    def peak_mb(fn) -> float:
        tracemalloc.start()
        try:
            fn()
            return tracemalloc.get_traced_memory()[1] / 2**20
        finally:
            tracemalloc.stop()

    t_chunked, a_ = timed(lambda: cost_values(dm, **kw, items=["cell_cost_usd_per_kWh"]))
    t_block, b_ = timed(lambda: cost_values(dm, **kw, items=["cell_cost_usd_per_kWh"], chunk=10**9), repeat=1)
    assert np.array_equal(a_["cost_per_energy_usd_J"], b_["cost_per_energy_usd_J"])  # the blocks change no number
    mem_chunked = peak_mb(lambda: cost_values(dm, **kw, items=["cell_cost_usd_per_kWh"]))
    mem_block = peak_mb(lambda: cost_values(dm, **kw, items=["cell_cost_usd_per_kWh"], chunk=10**9))
    print(f"array prices and labour rate, {m:,} designs: chunked {t_chunked:.2f} s, peak {mem_chunked:.0f} MB; one block "
          f"{t_block:.2f} s, peak {mem_block:.0f} MB (identical results)")
    record(f"cost model, {m:,} designs with array prices and labour rate: peak memory chunked / one block",
           mem_chunked / mem_block, "the same call in one block (what evaluate_cost did whenever a price was an array)",
           value=mem_chunked, unit="MB (numpy, tracemalloc)", note=f"one block {mem_block:.0f} MB; time chunked / one "
           f"block {t_chunked / t_block:.2f}; identical results")


if __name__ == "__main__":
    main()
