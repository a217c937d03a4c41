"""The digital thread: the calendering simulator (Deborah-number rate effect), the GP surrogate, the
acquisition functions and the closed Bayesian-optimisation loop (xlcell/process_sim.py, xlcell/surrogate.py)."""
from __future__ import annotations

import numpy as np
import pytest

from xlcell.calendering import (
    eps0_from_solids,
    fracture_line_load,
    get_calendering_material,
    porosity_after,
)
from xlcell.errors import InputError, ShapeError
from xlcell.process_sim import CalenderLine, ProcessSimulator, compaction_share, deborah_number, dwell_time, porosity_model
from xlcell.surrogate import (
    bayes_opt,
    expected_improvement,
    expected_improvement_target,
    fit_surrogate,
    lower_confidence_bound_target,
    random_search,
    sobol_settings,
    suggest_from_data,
)

NMC = get_calendering_material("NMC811")
BOUNDS = {"line_load_N_m": (100e3, 1500e3), "line_speed_m_s": (10 / 60, 100 / 60)}
TARGET = 0.30
NOISE = 0.003


# ------------------------------------------------------------------ the simulator
def test_higher_speed_gives_higher_porosity_at_equal_load_deborah_effect():
    q = np.linspace(200e3, 950e3, 7)[:, None]
    v = np.linspace(5 / 60, 150 / 60, 9)[None, :]
    eps = porosity_model(q, v)
    assert eps.shape == (7, 9)
    assert (np.diff(eps, axis=1) > 0).all()  # less compaction at higher speed
    assert (np.diff(eps, axis=0) < 0).all()  # more compaction at higher load
    eps0 = eps0_from_solids(0.4, NMC)
    De = deborah_number(q, v, eps0, NMC, CalenderLine())
    assert np.allclose(De[:, 1:] / De[:, :1], v[:, 1:] / v[:, :1])  # De = τ v / l_c ∝ v at fixed load
    # between the quasi-static law (De -> 0) and the coating before calendering
    static = porosity_after(q, eps0, NMC.eps_min, NMC.gamma_N_m)
    assert (eps > static).all() and (eps < eps0).all()


def test_slow_line_recovers_the_quasi_static_compaction_law_and_chi_zero_removes_the_rate_effect():
    q = np.array([300e3, 600e3, 900e3])
    eps0 = eps0_from_solids(0.4, NMC)
    static = porosity_after(q, eps0, NMC.eps_min, NMC.gamma_N_m)
    assert porosity_model(q, 1e-5) == pytest.approx(static, abs=1e-12)
    assert porosity_model(q, 3.0, line=CalenderLine(viscous_share=0.0)) == pytest.approx(static, abs=1e-15)
    assert compaction_share(0.0, 0.5) == 1.0 and compaction_share(np.inf, 0.5) == pytest.approx(0.5)


def test_dwell_time_is_nip_length_over_speed_and_hotter_rolls_compact_more():
    eps0 = eps0_from_solids(0.4, NMC)
    t = dwell_time(800e3, np.array([0.5, 1.0]), eps0, NMC, CalenderLine())
    assert t[0] == pytest.approx(2 * t[1]) and 1e-3 < t[1] < 2e-2  # a few mm of nip at 1 m/s: ms
    assert porosity_model(800e3, 1.0, roll_temperature_K=333.15) < porosity_model(800e3, 1.0)


def test_simulator_noise_is_seeded_and_has_the_stated_spread():
    a, b = ProcessSimulator(seed=7), ProcessSimulator(seed=7)
    q, v = np.full(4000, 700e3), np.full(4000, 1.0)
    ya, yb = a(q, v), b(q, v)
    assert np.array_equal(ya, yb)
    assert np.std(ya - a(q, v, noise=False)) == pytest.approx(NOISE, rel=0.05)
    assert not np.array_equal(ya, a(q, v))  # fresh noise on every call


def test_simulator_refuses_bad_settings():
    with pytest.raises(InputError, match="line_speed_m_min"):
        porosity_model(800e3, 0.0)
    with pytest.raises(InputError, match="line_load_N_mm"):
        porosity_model(-1.0, 1.0)
    with pytest.raises(InputError, match="solids_fraction"):
        ProcessSimulator(solids_fraction=0.9)


# ------------------------------------------------------------------ the surrogate
@pytest.mark.parametrize("features", ["physics", "raw"])
def test_gp_interpolates_noiseless_data(features):
    sim = ProcessSimulator(seed=0)
    X = sobol_settings({**BOUNDS, "line_load_N_m": (100e3, 950e3)}, 12, 3)
    y = sim(**X, noise=False)
    sur = fit_surrogate(X, y, features=features, seed=0)
    mean, std = sur.predict(X)
    assert mean == pytest.approx(y, abs=1e-3)
    assert std.max() < 2e-3


def test_std_grows_away_from_the_data():
    sim = ProcessSimulator(seed=0)
    X = sobol_settings({"line_load_N_m": (400e3, 600e3), "line_speed_m_s": (0.5, 1.0)}, 10, 1)
    sur = fit_surrogate(X, sim(**X), seed=0)
    _, std_train = sur.predict(X)
    far = {"line_load_N_m": np.full(4, 500e3), "line_speed_m_s": np.array([1.0, 1.5, 2.5, 4.0])}
    _, std_far = sur.predict(far)
    assert (np.diff(std_far) > 0).all()
    assert std_far[-1] > 3 * std_train.max()


def test_same_seed_same_fit_and_bad_data_refused():
    sim = ProcessSimulator(seed=2)
    X = sobol_settings(BOUNDS, 8, 0)
    y = sim(**X)
    a = fit_surrogate(X, y, seed=5, n_restarts=2).predict(X)
    b = fit_surrogate(X, y, seed=5, n_restarts=2).predict(X)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    with pytest.raises(ShapeError, match="at least 3 trials"):
        fit_surrogate({k: v[:2] for k, v in X.items()}, y[:2])
    with pytest.raises(InputError, match="porosity = nan"):
        fit_surrogate(X, np.where(np.arange(8) == 3, np.nan, y))
    with pytest.raises(InputError, match="porosity = 1.2"):
        fit_surrogate(X, np.where(np.arange(8) == 3, 1.2, y))


# ------------------------------------------------------------------ acquisition
def test_expected_improvement_is_non_negative_and_zero_without_uncertainty_when_worse():
    rng = np.random.default_rng(0)
    m, s, b = rng.normal(0.3, 0.05, 1000), rng.uniform(0, 0.03, 1000), rng.uniform(0, 0.02, 1000)
    s[::10] = 0.0
    ei = expected_improvement_target(m, s, TARGET, b)
    assert (ei >= 0).all()
    worse = (s == 0) & (np.abs(m - TARGET) >= b)
    assert worse.any() and (ei[worse] == 0).all()
    better = (s == 0) & (np.abs(m - TARGET) < b)
    assert ei[better] == pytest.approx(b[better] - np.abs(m[better] - TARGET))
    assert (expected_improvement(m, s, b) >= 0).all()
    assert (expected_improvement(np.array([0.5]), np.array([0.0]), np.array([0.2])) == 0).all()


@pytest.mark.parametrize("mean,std,best", [(0.31, 0.01, 0.02), (0.25, 0.02, 0.01), (0.30, 0.005, 0.001), (0.4, 0.05, 0.05)])
def test_expected_improvement_closed_forms_equal_monte_carlo(mean, std, best):
    y = np.random.default_rng(1).normal(mean, std, 2_000_000)
    mc_target = np.maximum(best - np.abs(y - TARGET), 0).mean()
    assert expected_improvement_target(mean, std, TARGET, best) == pytest.approx(mc_target, rel=0.02, abs=1e-7)
    mc = np.maximum(best - y, 0).mean()
    assert expected_improvement(mean, std, best) == pytest.approx(mc, rel=0.02, abs=1e-7)


def test_lcb_is_optimistic():
    assert lower_confidence_bound_target(0.32, 0.01, TARGET) == pytest.approx(0.0)
    assert lower_confidence_bound_target(0.32, 0.0, TARGET) == pytest.approx(0.02)


# ------------------------------------------------------------------ the closed loop
def _true_error(sim, h):
    return abs(float(sim(**h.best_settings(), noise=False)) - TARGET)


def test_bo_reaches_the_target_below_the_noise_level_and_beats_random_search_on_average():
    seeds, n_init, n_iter = range(5), 5, 10
    bo, rnd = [], []
    for seed in seeds:
        sim = ProcessSimulator(seed=seed, noise_sd=NOISE)
        h = bayes_opt(sim, BOUNDS, TARGET, n_init=n_init, n_iter=n_iter, seed=seed)
        assert len(h) == n_init + n_iter and h.phase.count("bo") == n_iter
        bo.append(_true_error(sim, h))
        r = random_search(ProcessSimulator(seed=seed, noise_sd=NOISE), BOUNDS, TARGET, n_init + n_iter, seed=seed)
        rnd.append(_true_error(sim, r))
    # the setting BO picks (best measured) is within the measurement noise of the target, the random
    # search's on average about 3x further (measured 0.0012 vs 0.0036)
    assert np.median(bo) < NOISE and np.mean(bo) < NOISE
    assert np.mean(bo) < np.mean(rnd)


def test_bo_is_deterministic_for_a_fixed_seed():
    a = bayes_opt(ProcessSimulator(seed=3), BOUNDS, TARGET, n_init=4, n_iter=3, seed=3)
    b = bayes_opt(ProcessSimulator(seed=3), BOUNDS, TARGET, n_init=4, n_iter=3, seed=3)
    assert all(np.array_equal(a.settings[k], b.settings[k]) for k in a.settings)
    assert np.array_equal(a.porosity, b.porosity) and np.array_equal(a.acquisition, b.acquisition, equal_nan=True)


def test_bo_never_tries_a_line_load_that_cracks_the_particles():
    # 0.20 is below NMC811's fracture-onset porosity (0.24): the best feasible setting is at the limit
    sim = ProcessSimulator(seed=1)
    h = bayes_opt(sim, BOUNDS, 0.20, n_init=4, n_iter=4, seed=1)
    qf = fracture_line_load(eps0_from_solids(0.4, NMC), NMC)
    assert (h.settings["line_load_N_m"] < qf).all()
    assert h.settings["line_load_N_m"][4:].max() > 0.9 * qf  # BO pushes towards the limit


def test_suggest_from_data_and_bad_bounds():
    sim = ProcessSimulator(seed=4)
    X = sobol_settings(BOUNDS, 6, 4)
    X = {k: v[X["line_load_N_m"] < 900e3] for k, v in X.items()}
    sg = suggest_from_data(X, sim(**X), BOUNDS, TARGET, seed=0)
    assert BOUNDS["line_load_N_m"][0] <= sg.settings["line_load_N_m"] <= BOUNDS["line_load_N_m"][1]
    assert sg.acquisition >= 0 and sg.std >= 0 and sg.incumbent >= 0
    with pytest.raises(InputError, match="above the lower bound"):
        suggest_from_data(X, sim(**X), {**BOUNDS, "line_speed_m_s": (2.0, 1.0)}, TARGET)
    with pytest.raises(InputError, match="target_porosity"):
        suggest_from_data(X, sim(**X), BOUNDS, 1.5)


def test_physics_informed_inputs_beat_raw_inputs_with_few_trials_of_four_settings():
    # bench/bench_surrogate.py: with q, v, φ_s and T varied, 10 noisy trials give a median RMSE of 0.006
    # (physics features + compaction-law prior) against 0.023 (raw settings); asserted here only as "better"
    B = {**BOUNDS, "line_load_N_m": (100e3, 950e3), "solids_fraction": (0.35, 0.5), "roll_temperature_K": (298.15, 343.15)}
    test = sobol_settings(B, 256, 999)
    truth = ProcessSimulator(seed=0)(**test, noise=False)
    rmse = {"physics": [], "raw": []}
    for seed in range(3):
        rng = np.random.default_rng(seed)
        X = {k: rng.uniform(*B[k], size=10) for k in B}
        y = ProcessSimulator(seed=seed)(**X)
        for f in rmse:
            m, _ = fit_surrogate(X, y, features=f, n_restarts=2, seed=seed).predict(test)
            rmse[f].append(np.sqrt(np.mean((m - truth) ** 2)))
    assert np.median(rmse["physics"]) < np.median(rmse["raw"])
