"""Benchmark of the lifetime kernels: SEI cycle life and project LCOS over populations of designs.

Each is compared, in one run, with a per-design Python loop and with its core written out in plain numpy;
only ratios are reported (no timing is asserted anywhere). Usage: python bench/bench_lifetime.py [--n 200000]
"""
from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from bench._report import record  # noqa: E402
from bench_cell import timed  # noqa: E402

from xlcell.cell import areal_capacity, default_design, resolve
from xlcell.degradation import SEIParams, sei_cycle_life, sei_surface_area
from xlcell.lcos import LcosInputs, lcos


def plain_numpy_cycle_life(area, cap, T, p=SEIParams(), cpy=365.0, eol=0.8):
    """The closed-form SEI cycle life written out by hand (no validation, surface area precomputed)."""
    R, F, yr = 8.314462618, 96485.33212, 365.25 * 86400
    arr = np.exp(-p.activation_energy_J_mol / R * (1 / T - 1 / p.reference_temperature_K))
    k = p.diffusivity_m2_s * arr * p.solvent_concentration_mol_m3 * p.molar_volume_m3_mol
    g = p.growth_per_cycle_m * arr
    beta = 2 * k * yr / cpy
    dlt = (1 - eol) * cap / (p.li_per_formula * F / p.molar_volume_m3_mol * area)
    q = g / beta
    d0 = p.initial_thickness_m
    c = d0 + dlt + q * d0 * d0
    s = 2 * c / (1 + np.sqrt(1 + 4 * q * c))
    return (s * s - d0 * d0) / beta


def plain_numpy_lcos(capex, annual_e, r, n):
    """CAPEX x CRF / annual energy: the LCOS with no O&M, charging or degradation."""
    return capex * r / (1 - (1 + r) ** -n) / annual_e


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200_000)
    ap.add_argument("--loop-n", type=int, default=200)
    a = ap.parse_args(argv)
    rng = np.random.default_rng(0)
    base = default_design()
    r_n = rng.uniform(2e-6, 12e-6, a.n)
    T = rng.uniform(283.15, 318.15, a.n)

    def designs(i=slice(None)):
        return dataclasses.replace(base, neg=dataclasses.replace(base.neg, particle_radius_m=r_n[i]), temperature_K=T[i])

    t_vec, life = timed(lambda: sei_cycle_life(designs()))
    d = designs()
    rd = resolve(d)
    area = sei_surface_area(d)
    cap = np.minimum(areal_capacity(rd.pos), areal_capacity(rd.neg)) * rd.electrode_area_m2
    t_np, life_np = timed(lambda: plain_numpy_cycle_life(area, cap, T))
    np.testing.assert_allclose(life, life_np, rtol=1e-9)
    t_loop, _ = timed(lambda: [sei_cycle_life(designs(i)) for i in range(a.loop_n)], repeat=1)
    per_vec, per_loop = t_vec / a.n, t_loop / a.loop_n
    print(f"SEI cycle life, {a.n:,} designs (validated, resolves the cell): {t_vec:.3f} s = {per_vec * 1e9:.0f} ns/design")
    print(f"  plain numpy closed form (surface precomputed): {t_np:.4f} s (ratio model / baseline = {t_vec / t_np:.1f})")
    print(f"  python loop: {per_loop * 1e6:.0f} µs/design -> vectorised speed-up x{per_loop / per_vec:,.0f}")
    record(f"SEI cycle life, {a.n:,} designs: time / plain numpy", t_vec / t_np,
           "plain-numpy closed form, surface precomputed", value=per_vec * 1e9, unit="ns/design", note="agree to 1e-9")

    rate = rng.uniform(0.0, 0.12, a.n)
    years = rng.integers(5, 31, a.n)
    zero = dict(fixed_om_usd_W_yr=0.0, var_om_usd_J=0.0, charging_price_usd_J=0.0, annual_degradation=0.0, eol_cost_usd=0.0)
    inp = LcosInputs(discount_rate=rate, lifetime_years=years, **zero)
    t_lv, res = timed(lambda: lcos(inp))
    i0 = LcosInputs()
    annual = i0.cycles_per_year * i0.depth_of_discharge * i0.energy_J * i0.round_trip_efficiency
    capex = i0.power_W * i0.capex_power_usd_W + i0.energy_J * i0.capex_energy_usd_J
    with np.errstate(divide="ignore", invalid="ignore"):
        t_lnp, base_l = timed(lambda: plain_numpy_lcos(capex, annual, rate, years))
    ok = rate > 1e-9
    np.testing.assert_allclose(res.lcos_usd_J[ok], base_l[ok], rtol=1e-9)
    t_ll, _ = timed(lambda: [lcos(LcosInputs(discount_rate=float(rate[i]), lifetime_years=int(years[i]), **zero))
                             for i in range(a.loop_n)], repeat=1)
    per_lv, per_ll = t_lv / a.n, t_ll / a.loop_n
    print(f"Project LCOS with yearly cash flow, {a.n:,} parameter sets: {t_lv:.3f} s = {per_lv * 1e9:.0f} ns/set")
    print(f"  plain numpy CAPEX x CRF / energy: {t_lnp:.4f} s (ratio full cash flow / closed form = {t_lv / t_lnp:.1f})")
    print(f"  python loop: {per_ll * 1e6:.0f} µs/set -> vectorised speed-up x{per_ll / per_lv:,.0f}")
    record(f"project LCOS with cash flow, {a.n:,} sets: time / plain numpy", t_lv / t_lnp,
           "plain-numpy CAPEX x CRF / energy", value=per_lv * 1e9, unit="ns/set", note="agree to 1e-9")


if __name__ == "__main__":
    main()
