"""The discharge salt balance experiment of scripts/salt_discharge_rebuild.py (issue 13's diagnostic) against what is
exact: the baseline variant is the model, the relaxing front's integral is the quadrature's, and the method of lines'
steady reach is the closed form's steady balance with the pores counted empty where its reaction stops.
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.integrate import quad

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("salt_discharge_rebuild", ROOT / "scripts" / "salt_discharge_rebuild.py")
exp = importlib.util.module_from_spec(_spec)
sys.modules["salt_discharge_rebuild"] = exp  # the dataclass looks its module up
_spec.loader.exec_module(exp)

import xlcell.cell as cell  # noqa: E402
from xlcell.design import design_from_mapping  # noqa: E402

REF = exp.table.load()


def _retention(vals, rates, scales, variant=None):
    v = dict(vals, pos_thickness_um=vals["pos_thickness_um"] * scales, neg_thickness_um=vals["neg_thickness_um"] * scales)
    cell._rate_limits = exp.ORIGINAL if variant is None else exp.patched(variant)
    try:
        return cell.rate_capability(design_from_mapping(v), rates, fmt=exp.table.BARE, calendering=exp.table.CALENDERING)
    finally:
        cell._rate_limits = exp.ORIGINAL


@pytest.mark.parametrize("name", ["Chen2020", "NCA_Kim2011", "LFP_AboutEnergy2022"])
def test_the_baseline_variant_is_the_model(name):
    # today's timing, jump and mean fill recomputed outside the model: the model's retention, to rounding
    vals = exp.table.design_values(REF["sets"][name])
    scales = np.array([[0.5], [1.0], [1.5], [2.0], [2.5]])
    rates = np.array([0.5, 1.0, 2.0, 3.0, 5.0, 10.0])
    base = _retention(vals, rates, scales)
    np.testing.assert_allclose(_retention(vals, rates, scales, exp.Variant()), base, rtol=1e-9, atol=1e-12)
    # and a variant that moves the salt moves the numbers (the patch reaches the model)
    assert np.abs(_retention(vals, rates, scales, exp.Variant("exact")) - base).max() > 1e-3


@pytest.mark.parametrize("a", [0.0, 1e-12, 0.05, 0.4, 0.95])
def test_the_relaxing_reach_integral_is_the_quadratures(a):
    tau = 37.0
    for s in (0.0, 5.0, 60.0, 400.0):
        want = quad(lambda x: 1.0 / (a + (1.0 - a) * np.exp(-x / tau)), 0.0, s, limit=200)[0]
        got = float(exp._relax_integral(np.asarray(s), np.asarray(a), np.asarray(tau)))
        assert got == pytest.approx(want, rel=1e-6, abs=1e-9)


def test_the_numerical_reach_settles_on_the_steady_balance():
    # Chen2020 at 3C (constant electrolyte): the reach is whole until the collector empties and then settles (the
    # cell's half-wave mode is 3 % of the discharge) between the closed form's steady reach with the pores counted
    # empty at 0.05 c0 and at 0.10 c0, the two ends of the numerical reaction's smooth stop
    vals = exp.table.design_values(dict(REF["sets"]["Chen2020"], name="constant electrolyte"))
    o = exp.numerical_reach(vals, 3.0, n_per=40, n_t=200)
    assert o["phi"][0] == pytest.approx(1.0) and o["tau_c"] < 0.05 * o["t_dis"]
    lo, hi = (exp.steady_reach(o["design"], o["rate"], e) for e in (0.10, 0.05))
    assert lo < o["phi"][-1] < hi
    assert hi < o["phi_ss"]  # counted empty at 0: the model's φ_ss, larger


def test_the_deficit_moments_are_the_reactions():
    # r ∝ 1 - ξ² (ξ from the collector): 2 (1 - <ξ>) = 5/4 and 3 <(1 - ξ)²> = 27/20, so θ_B = 1/4 and θ_A = 7/40
    w = quad(lambda x: 1.0 - x**2, 0.0, 1.0)[0]
    mean = quad(lambda x: x * (1.0 - x**2), 0.0, 1.0)[0] / w
    second = quad(lambda x: (1.0 - x) ** 2 * (1.0 - x**2), 0.0, 1.0)[0] / w
    assert 2.0 * (1.0 - mean) - 1.0 == pytest.approx(exp.DEFICIT_B, rel=1e-12)
    assert (3.0 * second - 1.0) / 2.0 == pytest.approx(exp.DEFICIT_A, rel=1e-12)


def _balance(name="Chen2020", c_rate=3.0):
    check = exp._salt_check()
    d, r = check.closed_form(exp.table.design_values(dict(REF["sets"][name], name="constant electrolyte")), c_rate)
    b = d.bruggeman_exponent
    D0 = d.electrolyte_diffusivity_m2_s
    D = (D0 * d.pos.porosity**b, D0 * d.neg.porosity**b, D0 * d.sep.porosity**cell.separator_bruggeman(d))
    k = (1.0 - d.transference_number) * r["current_density"] / exp.FARADAY
    return d, k, D


def test_the_depth_balance_is_the_models_without_depth():
    d, k, D = _balance()
    t = cell._salt_balance(d, k, D)
    assert float(np.ravel(exp.depth_balance(t, k, np.asarray(0.0))["phi"])[0]) == pytest.approx(float(np.ravel(t["phi"])[0]), rel=1e-12)


@pytest.mark.parametrize("name,c_rate", [("Chen2020", 2.0), ("NCA_Kim2011", 5.0), ("LFP_AboutEnergy2022", 5.0)])
def test_the_whole_reaction_at_the_front_holds_the_cells_salt(name, c_rate):
    # θ = 1: the reaction at a front φ L_p from the separator, the salt there 0. Integrate that profile (flat behind
    # the front, a line to the separator's face, a line across the separator, the negative's parabola): it holds
    # exactly the cell's salt c0 M
    d, k, D = _balance(name, c_rate)
    t = exp.depth_balance(cell._salt_balance(d, k, D), k, np.asarray(1.0))
    phi = float(np.ravel(t["phi"])[0])
    assert 0.0 < phi < 1.0
    f = lambda x: float(np.ravel(x)[0])  # noqa: E731
    k, (Dp, Dn, Ds) = f(k), (f(x) for x in D)
    Lp, Ls, Ln = f(d.pos.thickness_m), f(d.sep.thickness_m), f(d.neg.thickness_m)
    ep, es, en = f(d.pos.porosity), f(d.sep.porosity), f(d.neg.porosity)
    c0 = f(d.electrolyte_concentration_mol_m3)
    y = np.linspace(0.0, 1.0, 20001)
    pos = np.trapezoid(np.where(y < 1.0 - phi, 0.0, k * (y - (1.0 - phi)) * Lp / Dp), y) * Lp  # from the collector
    face = k * phi * Lp / Dp
    sep = np.trapezoid(face + k * y * Ls / Ds, y) * Ls
    neg0 = face + k * Ls / Ds
    neg = np.trapezoid(neg0 + k * Ln / Dn * (y - y**2 / 2.0), y) * Ln  # flux k (1 - y) towards the separator
    salt = ep * pos + es * sep + en * neg
    M = ep * Lp + es * Ls + en * Ln
    assert salt == pytest.approx(c0 * M, rel=1e-6)


@pytest.mark.parametrize("name", ["Chen2020", "Marquis2019", "NCA_Kim2011", "Ecker2015"])
def test_the_harmonic_conductivity_is_the_quadratures(name):
    # h̄ over [a, b]: 1/h̄ = ∫ dx/h / (b - a), against scipy's adaptive quadrature, with the set's fitted κ(c)
    law = exp.table.CONDUCTIVITY_LAWS[name]
    for a, b in ((0.05, 1.0), (0.3, 0.9), (1.0, 2.5), (0.05, 0.06)):
        ref = (b - a) / quad(lambda x: 1.0 / float(exp.conductivity_factor(x, **law)), a, b, epsabs=0, epsrel=1e-12)[0]
        assert float(exp.harmonic_conductivity(a, b, law)) == pytest.approx(ref, rel=1e-9)
    # a layer at one concentration has that concentration's conductivity; the conductivity falls as the salt does
    assert float(exp.harmonic_conductivity(0.4, 0.4, law)) == pytest.approx(float(exp.conductivity_factor(0.4, **law)))
    assert float(exp.harmonic_conductivity(0.05, 1.0, law)) < float(exp.harmonic_conductivity(0.5, 1.0, law)) < 1.0


def test_without_a_conductivity_law_its_variants_are_the_ones_without_it():
    # the constant-electrolyte design (every conductivity_* 0): the κ(c) variants give the same numbers bit for bit
    vals = exp.table.design_values(dict(REF["sets"]["Chen2020"], name="constant electrolyte"))
    assert all(vals[f"conductivity_{k}"] == 0.0 for k in ("linear", "quadratic", "cubic"))
    rates, scales = np.array([1.0, 2.0, 3.0, 5.0]), np.array([[1.0], [2.0]])
    best = exp.Variant("exact", "relax", "front", False, True, "cap")
    ref = _retention(vals, rates, scales, best)
    for kp in ("nq", "ohm", "both"):
        got = _retention(vals, rates, scales, exp.Variant("exact", "relax", "front", False, True, "cap", kappa=kp))
        assert np.array_equal(got, ref), kp
    assert np.array_equal(_retention(vals, rates, scales, exp.Variant(kappa="ohm")), _retention(vals, rates, scales))
    # with the set's law the depleted pores' lower conductivity costs retention (the variants reach the model)
    full = exp.table.design_values(REF["sets"]["Chen2020"])
    with_law = _retention(full, rates, scales, exp.Variant("exact", "relax", "front", False, True, "cap", kappa="both"))
    without = _retention(full, rates, scales, best)
    assert (with_law <= without + 1e-12).all() and (without - with_law).max() > 0.01
