"""The life model's root finder (issue 15): :meth:`xlcell.degradation._LifeModel.life` (a safeguarded secant method in
log N) against the bisection it replaced (:meth:`~xlcell.degradation._LifeModel.life_bisection`, kept as the reference):
every cycle life within 1e-12 relative, the same infinite lives, the edge cases as before."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from xlcell import degradation as D
from xlcell.cell import default_design
from xlcell.degradation import MechanicsParams, SEIParams, _LifeModel, _secant_root, cycle_life
from xlcell.duty import Duty

RTOL = 1e-12  # the issue's bound: identical or within 1e-12 relative


def _population(n: int, seed: int):
    """Designs and duties spread over (and beyond) the sweep's bounds: thickness, porosity, particle radii,
    temperature, C-rate, depth of discharge, cycles per year and the end-of-life SOH."""
    rng = np.random.default_rng(seed)
    d = default_design()
    u = lambda lo, hi: rng.uniform(lo, hi, n)  # noqa: E731
    pos = dataclasses.replace(d.pos, thickness_m=u(20e-6, 200e-6), porosity=u(0.15, 0.5), particle_radius_m=u(1e-6, 12e-6))
    neg = dataclasses.replace(d.neg, particle_radius_m=u(2e-6, 15e-6))
    design = dataclasses.replace(d, pos=pos, neg=neg, np_ratio=u(1.02, 1.4))
    duty = Duty(c_rate_per_h=np.exp(u(np.log(0.02), np.log(6.0))), temperature_K=u(263.15, 333.15), dod=u(0.1, 1.0),
                cycles_per_year=u(20.0, 2000.0), eol_soh=u(0.5, 0.97))
    return design, duty


def _compare(model: _LifeModel) -> float:
    fast, ref = model.life(), model.life_bisection()
    assert fast.shape == ref.shape == model.shape
    np.testing.assert_array_equal(np.isfinite(fast), np.isfinite(ref))
    np.testing.assert_array_equal(fast[~np.isfinite(ref)], ref[~np.isfinite(ref)])
    ok = np.isfinite(ref)
    err = float(np.max(np.abs(fast[ok] / ref[ok] - 1.0), initial=0.0))
    assert err <= RTOL
    return err


def test_cycle_life_matches_the_bisection_over_a_spread_population():
    design, duty = _population(4000, seed=7)
    model = _LifeModel(design, duty, SEIParams(), MechanicsParams())
    err = _compare(model)
    assert err < 1e-13  # measured 2.3e-14: the bisection's and the secant's brackets are both ~1e-14 in log N
    life = model.life()
    assert np.all(np.isfinite(life)) and life.min() > 1.0 and life.max() < 1e9  # a real spread, not edge cases
    # the root: the state of health at the life is the end-of-life SOH (to the function's own rounding)
    soh = model.fade(life, 0)["soh"]
    np.testing.assert_allclose(soh, duty.eol_soh, rtol=1e-9)


def test_cycle_life_is_the_bisections_in_the_chain():
    # through cycle_life (the registry's route): the same numbers as the reference bisection's model
    design, duty = _population(300, seed=3)
    got = cycle_life(design, duty, resistance=False).cycle_life
    ref = _LifeModel(design, duty, SEIParams(), MechanicsParams()).life_bisection()
    np.testing.assert_allclose(got, ref, rtol=RTOL, atol=0)


def test_never_reaching_end_of_life_is_infinite_as_before():
    # no SEI diffusion, no cracking, no particle isolation: the cell never fades to 80 %; mixed with rows that do
    d = default_design()
    slow = np.array([1e-40, 2.5e-22, 1e-40, 2.5e-22])
    sei = SEIParams(diffusivity_m2_s=slow)
    mech = MechanicsParams(neg_cracking_rate=0.0, pos_cracking_rate=0.0, neg_lam_rate_1_s=np.array([0.0, 2.7778e-7, 0.0, 0.0]),
                           pos_lam_rate_1_s=np.array([0.0, 2.7778e-7, 0.0, 0.0]))
    model = _LifeModel(d, Duty(), sei, mech)
    life = model.life()
    assert np.isinf(life[0]) and np.isinf(life[2]) and np.isfinite(life[1]) and np.isfinite(life[3])
    _compare(model)


def test_already_below_end_of_life_gives_the_bracket_start_as_before():
    # an end-of-life SOH a hair below 1: reached at the first 1e-6 cycles; the bisection ends at 1e-6 too
    d = default_design()
    duty = Duty(eol_soh=np.array([1.0 - 1e-13, 0.8, 1.0 - 1e-15]))
    model = _LifeModel(d, duty, SEIParams(), MechanicsParams())
    life = model.life()
    assert life[0] == life[2] == 1e-6 and life[1] > 100.0
    _compare(model)


def test_nan_rows_stay_infinite_and_leave_the_others_alone():
    # a NaN in a row's terms (not an input the checks let through: injected) makes that row's SOH NaN, which never
    # passes the end-of-life test: infinite, as the bisection gives; the other rows are unchanged
    design, duty = _population(50, seed=11)
    model = _LifeModel(design, duty, SEIParams(), MechanicsParams())
    clean = model.life()
    cap = np.array(np.broadcast_to(model.capacity_C, model.shape), dtype=float)
    cap[[3, 17]] = np.nan
    model.capacity_C = cap
    life = model.life()
    assert np.isinf(life[3]) and np.isinf(life[17])
    keep = np.ones(50, bool)
    keep[[3, 17]] = False
    np.testing.assert_array_equal(life[keep], clean[keep])
    _compare(model)


def test_broadcast_shapes_and_a_single_design():
    d = default_design()
    duty = Duty(c_rate_per_h=np.array([[0.2], [1.0], [3.0]]), temperature_K=np.array([273.15, 298.15, 318.15, 333.15]))
    model = _LifeModel(d, duty, SEIParams(), MechanicsParams())
    assert model.life().shape == (3, 4)
    _compare(model)
    one = _LifeModel(d, Duty(), SEIParams(), MechanicsParams())
    assert one.life().shape == ()
    _compare(one)


def test_the_solver_takes_a_handful_of_evaluations(monkeypatch):
    # the point of the root finder: about a dozen evaluations of the state of health where the bisection took ~55
    calls = []

    def counting(fn):
        def counted(N, t):
            calls.append(np.size(N))
            return fn(N, t)
        return staticmethod(counted)

    design, duty = _population(2000, seed=5)
    model = _LifeModel(design, duty, SEIParams(), MechanicsParams())
    monkeypatch.setattr(_LifeModel, "root_loss", counting(_LifeModel.root_loss))
    monkeypatch.setattr(_LifeModel, "loss", counting(_LifeModel.loss))
    model.life()
    assert len(calls) <= 16
    n_fast = sum(calls)
    calls.clear()
    model.life_bisection()
    assert len(calls) >= 40 and sum(calls) > 3 * n_fast


def test_the_root_search_loss_is_the_state_of_healths():
    # root_loss folds the cycle-independent products of loss: the same function to rounding, wherever it is evaluated
    design, duty = _population(500, seed=9)
    model = _LifeModel(design, duty, SEIParams(), MechanicsParams())
    N = np.logspace(-6, 12, 37)[:, None]
    a = model.loss(N, model._soh_terms())
    b = model.root_loss(N, model._root_terms())
    np.testing.assert_allclose(b, a, rtol=1e-13, atol=1e-300)


@pytest.mark.parametrize("kind", ["linear", "kinked", "step", "nan"])
def test_secant_root_keeps_its_bracket_whatever_the_interpolated_values(kind):
    # the bracket is moved by the test alone: even values that say nothing (a step, NaN) give the switch point
    roots = np.array([-5.9, -1.234567, 0.0, 3.3, 11.9])
    tol = 1e-13

    def f(x, idx):
        r = roots[idx]
        h = {"linear": x - r, "kinked": np.where(x < r, 100.0 * (x - r), 1e-3 * (x - r)),
             "step": np.where(x >= r, 1.0, -1.0), "nan": np.full(x.shape, np.nan)}[kind]
        return x >= r, h

    lo, hi = np.full(5, -6.0), np.full(5, 12.0)
    rows = np.arange(5)
    _, h_lo = f(lo, rows)
    _, h_hi = f(hi, rows)
    got = _secant_root(f, rows, lo, hi, h_lo, h_hi, tol)
    np.testing.assert_allclose(got, roots, rtol=0, atol=tol)


def test_tolerance_is_tight_enough_for_the_issue():
    # the bracket's half-width in log10 N is the solver's part of the error: ln(10) · tol / 2 relative in N
    assert np.log(10.0) * D.LIFE_TOLERANCE_LOG10 / 2 < 1e-13


def test_cycle_life_without_the_state_at_end_of_life():
    # losses=False (the registry's when only cycle_life / years_to_eol are asked): the same lives, the rest NaN
    design, duty = _population(200, seed=13)
    full = cycle_life(design, duty, resistance=False)
    lean = cycle_life(design, duty, resistance=False, losses=False)
    np.testing.assert_array_equal(lean.cycle_life, full.cycle_life)
    np.testing.assert_array_equal(lean.years, full.years)
    np.testing.assert_array_equal(lean.duty_cycles, full.duty_cycles)
    assert np.isnan(lean.loss_sei).all() and np.isnan(lean.neg_lam).all() and lean.loss_sei.shape == full.loss_sei.shape
    assert np.isfinite(full.loss_sei).all()
    # asking the resistance evaluates the losses whatever losses says
    both = cycle_life(design, duty, losses=False)
    np.testing.assert_array_equal(both.loss_sei, cycle_life(design, duty).loss_sei)
