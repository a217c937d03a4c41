"""Bayesian inference of the Bruggeman exponent from measured ionic resistances."""
import numpy as np
import pytest

from xlcell.errors import InputError, ShapeError
from xlcell.tortuosity_inference import infer_bruggeman_exponent, ionic_resistance

EPS = np.array([0.45, 0.40, 0.35, 0.30, 0.27, 0.25])
L = 80e-6
K0 = 1.0


def _data(alpha, noise, seed):
    rng = np.random.default_rng(seed)
    return ionic_resistance(EPS, L, K0, alpha) * np.exp(noise * rng.standard_normal(EPS.size))


def test_flat_prior_matches_the_conjugate_gaussian():
    R = _data(1.8, 0.03, seed=1)
    post = infer_bruggeman_exponent(EPS, R, L, K0, rel_noise=0.03, prior_sd=1e6, bounds=(0.0, 4.0))
    x = np.log(EPS)
    y = np.log(L / (K0 * R))
    a_hat = np.sum(x * y) / np.sum(x * x)  # least squares through the origin
    sd = 0.03 / np.sqrt(np.sum(x * x))
    assert post.mean == pytest.approx(a_hat, abs=1e-5)
    assert post.sd == pytest.approx(sd, rel=1e-3)
    assert post.ci_low == pytest.approx(a_hat - 1.959964 * sd, abs=2e-3)
    assert post.ci_high == pytest.approx(a_hat + 1.959964 * sd, abs=2e-3)


def test_recovers_the_true_exponent_and_narrows_with_precision():
    for seed in range(5):
        post = infer_bruggeman_exponent(EPS, _data(1.8, 0.03, seed), L, K0, rel_noise=0.03)
        assert abs(post.mean - 1.8) < 3 * post.sd
    loose = infer_bruggeman_exponent(EPS, _data(1.8, 0.10, 0), L, K0, rel_noise=0.10)
    tight = infer_bruggeman_exponent(EPS, _data(1.8, 0.01, 0), L, K0, rel_noise=0.01)
    assert tight.sd < loose.sd / 5


def test_exact_data_give_the_exponent_and_the_density_integrates_to_one():
    post = infer_bruggeman_exponent(EPS, ionic_resistance(EPS, L, K0, 2.2), L, K0, rel_noise=0.001, prior_sd=1e6)
    assert post.map == pytest.approx(2.2, abs=1e-3)
    assert np.trapezoid(post.density, post.alpha) == pytest.approx(1.0)
    # Bruggeman: τ = ε^(1-α), R = L τ / (κ0 ε)
    tau = EPS ** (1 - 2.2)
    np.testing.assert_allclose(ionic_resistance(EPS, L, K0, 2.2), L * tau / (K0 * EPS), rtol=1e-12)


def test_prior_dominates_without_information():
    # a single measurement at ε close to 1 says little about α: the posterior stays near the prior
    post = infer_bruggeman_exponent([0.99], [L / K0], L, K0, rel_noise=0.05, prior_mean=1.5, prior_sd=0.2)
    assert post.mean == pytest.approx(1.5, abs=0.05)


def test_bad_input():
    with pytest.raises(ShapeError):
        infer_bruggeman_exponent(EPS, [1.0, 2.0], L, K0)
    with pytest.raises(InputError, match="resistance_ohm_m2"):
        infer_bruggeman_exponent(EPS, -np.ones(EPS.size), L, K0)
    with pytest.raises(InputError, match="porosity"):
        infer_bruggeman_exponent([1.2], [1.0], L, K0)
