"""Tests of the optimal nip pressure profile (Pontryagin's minimum principle)."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize

from xlcell.errors import InfeasibleError, InputError
from xlcell.pressure_profile import (
    objective,
    optimal_pressure_profile,
    two_layer_response,
)

CASE = {"eps0": 0.47, "target_porosity": 0.30, "eps_min": 0.18, "pressure_scale_Pa": 200e6, "nip_time_s": 3e-3,
        "tau_surface_s": 1e-3, "tau_foil_s": 3e-3, "effort_weight": 1e-4}


@pytest.fixture(scope="module")
def prof():
    return optimal_pressure_profile(**CASE)


def test_optimal_profile_beats_constant_pressure(prof):
    assert prof.converged
    assert prof.objective < prof.baseline_objective
    assert prof.porosity[-1] == pytest.approx(0.30, abs=1e-6)  # both meet the exit target
    assert prof.baseline_porosity[-1] == pytest.approx(0.30, abs=1e-12)
    assert abs(prof.gradient[-1]) < abs(prof.baseline_gradient[-1])
    assert np.all(prof.pressure_Pa >= 0)


def test_baseline_objective_matches_closed_form(prof):
    # Δ(s) = (ε0 - ε_eq)(e^{-k_s s} - e^{-k_f s}); integrate exactly
    ks, kf, e0, em = 3.0, 1.0, 0.47, 0.18
    m = 0.5 * (np.exp(-ks) + np.exp(-kf))
    q = (0.30 - e0 * m) / (1 - m)
    z = np.log((e0 - em) / (q - em))
    A = e0 - q
    integral = A**2 * ((1 - np.exp(-2 * ks)) / (2 * ks) + (1 - np.exp(-2 * kf)) / (2 * kf)
                       - 2 * (1 - np.exp(-(ks + kf))) / (ks + kf))
    exact = (A * (np.exp(-ks) - np.exp(-kf))) ** 2 + integral + 1e-4 * z**2
    assert prof.baseline_objective == pytest.approx(exact, rel=1e-9)
    assert prof.baseline_pressure_Pa[0] == pytest.approx(z * 200e6)


def _piecewise(zs, ks=3.0, kf=1.0, e0=0.47, em=0.18, n=40):
    """Exact two-layer response to piecewise-constant z on equal intervals, sampled n per interval."""
    es, ef = e0, e0
    S, Z, ES, EF = [], [], [], []
    h = 1.0 / len(zs)
    for j, z in enumerate(zs):
        s = np.linspace(0, h, n + 1)[:-1] if j < len(zs) - 1 else np.linspace(0, h, n + 1)
        q = em + (e0 - em) * np.exp(-z)
        S.append(j * h + s)
        Z.append(np.full_like(s, z))
        ES.append(q + (es - q) * np.exp(-ks * s))
        EF.append(q + (ef - q) * np.exp(-kf * s))
        es, ef = q + (es - q) * np.exp(-ks * h), q + (ef - q) * np.exp(-kf * h)
    return np.concatenate(S), np.concatenate(Z), np.concatenate(ES), np.concatenate(EF), es, ef


def test_pmp_solution_is_not_beaten_by_a_direct_transcription(prof):
    # Direct method: piecewise-constant pressure on 12 intervals, exact dynamics, SLSQP with the exit constraint.
    n = 12

    def J(zs):
        s, z, es, ef, *_ = _piecewise(zs)
        return objective(s, z, es, ef, 1e-4, 1.0)

    def exit_mean(zs):
        *_, es, ef = _piecewise(zs)
        return 0.5 * (es + ef) - 0.30

    z0 = np.full(n, prof.baseline_pressure_Pa[0] / 200e6)
    res = minimize(J, z0, method="SLSQP", bounds=[(0, 20)] * n, constraints=[{"type": "eq", "fun": exit_mean}],
                   options={"maxiter": 300, "ftol": 1e-12})
    assert res.success
    assert res.fun < prof.baseline_objective  # the direct method also improves on constant pressure
    assert prof.objective <= res.fun + 1e-7  # ... but not beyond the PMP optimum


def test_two_layer_response_constant_pressure_closed_form():
    s = np.linspace(0, 1, 5)
    es, ef = two_layer_response(s, 0.0, 0.47, 0.18, 3.0, 1.0)
    np.testing.assert_allclose(es, 0.47)  # z = 0 keeps ε_eq = ε0
    np.testing.assert_allclose(ef, 0.47)


def test_infeasible_targets():
    with pytest.raises(InfeasibleError, match="between"):
        optimal_pressure_profile(**{**CASE, "target_porosity": 0.18})
    with pytest.raises(InfeasibleError, match="out of reach"):
        optimal_pressure_profile(**{**CASE, "target_porosity": 0.20, "tau_foil_s": 30e-3, "tau_surface_s": 30e-3})
    with pytest.raises(InputError, match="nip_time_ms"):
        optimal_pressure_profile(**{**CASE, "nip_time_s": 0.0})


def test_columns_in_display_units(prof):
    cols = prof.columns()
    assert list(cols)[:3] == ["time_ms", "pressure_MPa", "porosity"]
    assert cols["time_ms"][-1] == pytest.approx(3.0)
    assert cols["pressure_MPa"][0] == pytest.approx(prof.pressure_Pa[0] / 1e6)


def test_exit_gradient_weight_by_continuation():
    # a heavier weight on the exit gradient (reached by continuation in the weights) trades effort for a
    # flatter exit, and still beats constant pressure on its own objective
    light = optimal_pressure_profile(**CASE)
    heavy = optimal_pressure_profile(**CASE, terminal_weight=10.0)
    assert heavy.objective < heavy.baseline_objective
    assert abs(heavy.gradient[-1]) < abs(light.gradient[-1])
    assert 1 - heavy.objective / heavy.baseline_objective > 1 - light.objective / light.baseline_objective


@settings(max_examples=12, deadline=None)
@given(tau_s=st.floats(0.5e-3, 2e-3), ratio=st.floats(1.5, 4.0), frac=st.floats(0.3, 0.8))
def test_optimal_never_worse_than_constant(tau_s, ratio, frac):
    # any reachable exit porosity: between ε0 and what constant pressure can reach in the nip
    ks, kf = 3e-3 / tau_s, 3e-3 / (tau_s * ratio)
    m = 0.5 * (np.exp(-ks) + np.exp(-kf))
    reach = 0.47 * m + 0.18 * (1 - m)  # the exit mean at infinite constant pressure
    target = 0.47 - frac * (0.47 - reach)
    p = optimal_pressure_profile(**{**CASE, "target_porosity": target, "tau_surface_s": tau_s,
                                    "tau_foil_s": tau_s * ratio})
    assert p.objective <= p.baseline_objective * (1 + 1e-9)
    assert p.porosity[-1] == pytest.approx(target, abs=1e-6)
