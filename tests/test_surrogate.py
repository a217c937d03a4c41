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
    check_bounds,
    fit_surrogate,
    incumbent,
    lower_confidence_bound_target,
    random_search,
    sobol_settings,
    suggest_from_data,
    suggest_next,
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
    sur = fit_surrogate(X, y, features=features, seed=0, measurement_sd=0.0)  # noise-free data: no noise floor
    mean, std = sur.predict(X)
    assert mean == pytest.approx(y, abs=1e-3)
    assert std.max() < 2e-3


def test_std_grows_away_from_the_data():
    sim = ProcessSimulator(seed=0)
    X = sobol_settings({"line_load_N_m": (400e3, 600e3), "line_speed_m_s": (0.5, 1.0)}, 10, 1)
    sur = fit_surrogate(X, sim(**X), seed=0)
    _, std_train = sur.predict_latent(X)
    far = {"line_load_N_m": np.full(4, 500e3), "line_speed_m_s": np.array([1.0, 1.5, 2.5, 4.0])}
    _, std_far = sur.predict_latent(far)
    assert (np.diff(std_far) > 0).all()
    assert std_far[-1] > 2 * std_train.max()  # measured 0.0054 against 0.0023 (it saturates at the prior sd)
    assert sur.predict(far)[1][-1] > sur.predict(X)[1].max()  # so does the std of a new measurement


def test_prediction_band_covers_new_noisy_measurements_about_95_percent():
    # the Excel use case: few noisy trials. Before the noise floor the fitted noise fell to ~1e-9 and
    # mean ± 2 std covered a new measurement 59 % (n = 6) / 75 % (n = 10) of the time (median over 20 seeds;
    # /tmp/review7/noise_collapse.py); with it 94 % / 94 % (mean 87 % / 91 %)
    B = {"line_load_N_m": (200e3, 900e3), "line_speed_m_s": (10 / 60, 100 / 60)}
    test = sobol_settings(B, 256, 999)
    hits, total = 0, 0
    for seed in range(8):
        sim = ProcessSimulator(seed=seed, noise_sd=NOISE)
        rng = np.random.default_rng(seed)
        X = {k: rng.uniform(*B[k], size=10) for k in B}
        sur = fit_surrogate(X, sim(**X), seed=0, n_restarts=2, measurement_sd=NOISE)
        m, s = sur.predict(test)
        assert s.min() >= NOISE * (1 - 1e-9)  # a new measurement is never predicted better than the noise
        hits += int(np.sum(np.abs(sim(**test) - m) <= 2 * s))
        total += m.size
    assert hits / total >= 0.85


def test_measurement_std_is_latent_and_noise_in_quadrature_and_the_noise_has_a_floor():
    sim = ProcessSimulator(seed=11, noise_sd=NOISE)
    X = sobol_settings(BOUNDS, 6, 11)
    X = {k: v[X["line_load_N_m"] < 900e3] for k, v in X.items()}
    for msd in (0.001, NOISE, 0.01):
        sur = fit_surrogate(X, sim(**X), seed=0, measurement_sd=msd)
        assert sur.noise_sd >= msd * (1 - 1e-9)
        m, s = sur.predict(X)
        m_lat, s_lat = sur.predict_latent(X)
        np.testing.assert_array_equal(m, m_lat)
        np.testing.assert_allclose(s, np.sqrt(s_lat**2 + sur.noise_sd**2), rtol=1e-12)
        assert (s_lat < s).all()
    with pytest.raises(InputError, match="measurement_sd = -0.1"):
        fit_surrogate(X, sim(**X), measurement_sd=-0.1)


def test_expected_improvement_of_a_suggestion_uses_the_latent_std():
    sim = ProcessSimulator(seed=0)
    X = sobol_settings({**BOUNDS, "line_load_N_m": (100e3, 950e3)}, 12, 3)
    sur = fit_surrogate(X, sim(**X), seed=0)
    sg = suggest_next(sur, BOUNDS, TARGET, seed=0)
    x = {k: np.array([v]) for k, v in sg.settings.items()}
    m, s_lat = sur.predict_latent(x)
    best = incumbent(sur, TARGET)
    assert sg.acquisition == pytest.approx(float(expected_improvement_target(m, s_lat, TARGET, best)[0]), rel=1e-9)
    assert sg.latent_std == pytest.approx(float(s_lat[0])) and sg.std > sg.latent_std
    # at the incumbent trial (|mean - target| = best) EI grows with the std: the measurement std would credit
    # the trial already made with an improvement that is only noise
    m_tr, s_tr = sur.predict_latent(sur.train_settings)
    i = int(np.argmin(np.abs(m_tr - TARGET)))
    _, s_meas = sur.predict(sur.train_settings)
    assert expected_improvement_target(m_tr[i], s_tr[i], TARGET, best) < expected_improvement_target(m_tr[i], s_meas[i], TARGET, best)


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


def test_lcb_is_distance_minus_kappa_std_and_prefers_uncertain_settings():
    mean = np.array([0.305, 0.33, 0.27, 0.31])
    std = np.array([0.001, 0.02, 0.0, 0.004])
    for kappa in (0.0, 1.0, 2.0, 3.5):
        np.testing.assert_allclose(lower_confidence_bound_target(mean, std, TARGET, kappa),
                                   np.abs(mean - TARGET) - kappa * std, rtol=0, atol=1e-15)
    # the mean alone picks the first setting (0.005 from the target); with κ = 2 the uncertain second one
    # (0.03 - 0.04 = -0.01) is more promising
    assert np.argmin(np.abs(mean - TARGET)) == 0
    assert np.argmin(lower_confidence_bound_target(mean, std, TARGET, 2.0)) == 1


# ------------------------------------------------------------------ the closed loop
def _true_error(sim, h):
    return abs(float(sim(**h.best_settings(), noise=False)) - TARGET)


@pytest.mark.slow  # closed-loop BO over 5 seeds, about 8 s
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


def test_bounds_of_solids_fraction_and_roll_temperature_are_checked_up_front_and_quoted():
    with pytest.raises(InputError, match=r"bounds solids_fraction high = 0.9: must be between 0 and 0.73"):
        check_bounds({**BOUNDS, "solids_fraction": (0.3, 0.9)}, NMC)
    with pytest.raises(InputError, match=r"bounds solids_fraction low = -0.1"):
        check_bounds({**BOUNDS, "solids_fraction": (-0.1, 0.5)})
    with pytest.raises(InputError, match=r"bounds roll_temperature_C high = 400: must be a number between -50 and 300"):
        check_bounds({**BOUNDS, "roll_temperature_K": (293.15, 673.15)})
    with pytest.raises(InputError, match=r"bounds solids_fraction high = 0.9"):
        bayes_opt(ProcessSimulator(seed=0), {**BOUNDS, "solids_fraction": (0.3, 0.9)}, TARGET, n_init=3, n_iter=1)


def test_fracture_limit_follows_the_solids_fraction():
    # a denser slurry starts less porous, so it cracks at a lower line load (NMC811: 953 N/mm at φ_s = 0.4,
    # 839 N/mm at 0.45); the suggestion reports the limit at its own φ_s and stays below it
    q40 = float(fracture_line_load(eps0_from_solids(0.40, NMC), NMC))
    q45 = float(fracture_line_load(eps0_from_solids(0.45, NMC), NMC))
    assert q45 < q40
    sim = ProcessSimulator(seed=1, solids_fraction=0.45)
    X = sobol_settings({**BOUNDS, "line_load_N_m": (100e3, 800e3)}, 6, 1)
    sur = fit_surrogate(X, sim(**X), solids_fraction=0.45, seed=0)
    sg = suggest_next(sur, BOUNDS, 0.20, seed=0)  # 0.20 is below the fracture-onset porosity: pushes to the limit
    assert sg.fracture_line_load_N_m == pytest.approx(q45)
    assert q45 * 0.9 < sg.settings["line_load_N_m"] < q45


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
