"""The concentration-dependent salt diffusivity law and its Kirchhoff transform (xlcell.transport, issue 13).

The Kirchhoff mean ḡ of D(c)/D(c0) over a layer's concentration range gives that layer's steady salt flux exactly,
whatever D(c): checked here against independent numerical solutions of the steady 1-D diffusion equation with D(c)
(scipy's solve_bvp, a collocation solver, on the nonlinear equation itself), against adaptive quadrature of the law, in
its limits (the constant law gives 1, bit for bit; b -> a gives g(a)) and for monotonicity. The laws are PyBaMM's
sets' published ones: Nyman et al. 2008 (Electrochim. Acta 53, 6356), Ecker et al. 2015 (J. Electrochem. Soc. 162,
A1836), Capiglia et al. 1999 as Dualfoil fits it.
"""
from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import quad, solve_bvp

from xlcell.errors import InputError
from xlcell.transport import check_salt_diffusivity_law, kirchhoff_mean, salt_diffusivity_factor

# Nyman et al. 2008 about c0 = 1 mol/L: D = 8.794e-11 c² - 3.972e-10 c + 4.862e-10 m²/s (D(c0) = 1.7694e-10)
NYMAN = dict(linear=-3.972e-10 / 1.7694e-10, quadratic=8.794e-11 / 1.7694e-10)
# Ecker et al. 2015: D ∝ σ(c)/c, σ = 0.2667 c³ - 1.2983 c² + 1.7919 c + 0.1726 (σ(c0) = 0.9329 S/m at 1 mol/L)
ECKER = dict(inverse=0.1726 / 0.9329, linear=-1.2983 / 0.9329, quadratic=0.2667 / 0.9329)
CAPIGLIA = dict(exponent=0.65)  # 5.34e-10 exp(-0.65 c/(mol/L)) about 1 mol/L
MIXED = dict(inverse=0.1, linear=-0.3, quadratic=0.05, exponent=-0.4)  # every term at once (the pole with β != 0)
LAWS = {"Nyman2008": NYMAN, "Ecker2015": ECKER, "Capiglia1999": CAPIGLIA, "mixed": MIXED}


def test_the_laws_are_the_published_ones():
    # g(c) = D(c)/D(c0) against the published formulas, evaluated here on their own
    c = np.array([0.05, 0.3, 1.0, 1.7, 3.2])
    nyman = (8.794e-11 * c**2 - 3.972e-10 * c + 4.862e-10) / 1.7694e-10
    sigma = 0.2667 * c**3 - 1.2983 * c**2 + 1.7919 * c + 0.1726
    np.testing.assert_allclose(salt_diffusivity_factor(c, **NYMAN), nyman, rtol=1e-12)
    np.testing.assert_allclose(salt_diffusivity_factor(c, **ECKER), (sigma / c) / (0.9329 / 1.0), rtol=1e-12)
    np.testing.assert_allclose(salt_diffusivity_factor(c, **CAPIGLIA), np.exp(-0.65 * (c - 1.0)), rtol=1e-12)
    # Nyman: 2.75 times D(c0) as c -> 0 (the electrolyte the Chen2020 miss is about); Ecker: 11 times at 0.02 c0
    assert salt_diffusivity_factor(1e-9, **NYMAN) == pytest.approx(4.862 / 1.7694, rel=1e-6)
    assert salt_diffusivity_factor(0.02, **ECKER) == pytest.approx(11.1, rel=0.01)


@pytest.mark.parametrize("name", list(LAWS))
@pytest.mark.parametrize("a,b", [(0.02, 1.0), (0.3, 0.9), (1.0, 3.5), (0.05, 0.051), (2.0, 0.5)])
def test_kirchhoff_mean_is_the_integral_of_the_law(name, a, b):
    law = LAWS[name]
    lo, hi = min(a, b), max(a, b)
    exact = quad(lambda x: float(salt_diffusivity_factor(x, **law)), lo, hi, epsabs=0, epsrel=1e-13, limit=200)[0]
    assert kirchhoff_mean(a, b, **law) == pytest.approx(exact / (hi - lo), rel=1e-11)


@pytest.mark.parametrize("name", list(LAWS))
@pytest.mark.parametrize("K,u_b", [(0.4, 0.7), (1.1, 0.8), (1.5, 2.5)])
def test_a_reacting_electrode_drops_as_its_kirchhoff_mean_says(name, K, u_b):
    # a coating of thickness L that consumes salt evenly (k mol/m²/s in all, no flux at its collector x = 0) with the
    # salt at c_b at its separator face x = L, in u = c/c0, ξ = x/L and the flux n = N L/(f D0 c0):
    # du/dξ = -n/g(u), dn/dξ = -K (K = k L/(f D0 c0)), n(0) = 0, u(1) = u_b, solved by collocation (solve_bvp).
    # Kirchhoff: Φ(c_b) - Φ(c(0)) = k L/(2 f), i.e. ḡ(u_0, u_b) (u_b - u_0) = K/2 exactly
    law = LAWS[name]
    xi = np.linspace(0.0, 1.0, 41)

    def fun(x, y):
        return np.vstack([-y[1] / salt_diffusivity_factor(np.maximum(y[0], 1e-9), **law), -K * np.ones_like(x)])

    guess = np.vstack([u_b - 0.5 * K * (1.0 - xi**2) * 0.5, -K * xi])
    sol = solve_bvp(fun, lambda ya, yb: np.array([ya[1], yb[0] - u_b]), xi, guess, tol=1e-10, max_nodes=200000)
    assert sol.success, sol.message
    u0 = float(sol.sol(0.0)[0])
    assert 0.0 < u0 < u_b - 0.1  # a real drop (to 0.1 c0 at the strongest), where the law's low-c part matters
    assert kirchhoff_mean(u0, u_b, **law) * (u_b - u0) == pytest.approx(K / 2.0, rel=1e-7)


@pytest.mark.parametrize("name", list(LAWS))
@pytest.mark.parametrize("u_a,u_b", [(2.6, 0.15), (1.0, 0.3), (3.5, 1.2)])
def test_a_separator_carries_the_flux_its_kirchhoff_mean_says(name, u_a, u_b):
    # no reaction: one flux n (an unknown parameter) from u(0) = u_a to u(1) = u_b; Kirchhoff: n = ḡ(u_a, u_b)(u_a - u_b)
    law = LAWS[name]
    xi = np.linspace(0.0, 1.0, 41)

    def fun(x, y, p):
        return np.vstack([-p[0] / salt_diffusivity_factor(np.maximum(y[0], 1e-9), **law)])

    sol = solve_bvp(fun, lambda ya, yb, p: np.array([ya[0] - u_a, yb[0] - u_b]), xi,
                    np.vstack([np.linspace(u_a, u_b, xi.size)]), p=[u_a - u_b], tol=1e-10, max_nodes=200000)
    assert sol.success, sol.message
    assert kirchhoff_mean(u_a, u_b, **law) * (u_a - u_b) == pytest.approx(float(sol.p[0]), rel=1e-7)


def test_the_constant_law_is_one_bit_for_bit():
    a, b = np.array([0.01, 0.5, 1.0, 2.0]), np.array([1.0, 0.7, 1.0, 4.0])
    assert np.array_equal(kirchhoff_mean(a, b), np.ones(4))
    assert np.array_equal(salt_diffusivity_factor(np.array([0.01, 1.0, 3.0])), np.ones(3))


def test_limits_and_monotonicity():
    # b -> a: g(a); a law that falls with c has a Kirchhoff mean that falls as the range moves up, and lies between
    # the law's values at the range's ends
    for law in (NYMAN, ECKER, CAPIGLIA):
        for a in (0.05, 0.5, 1.3):
            assert kirchhoff_mean(a, a, **law) == pytest.approx(float(salt_diffusivity_factor(a, **law)), rel=1e-13)
            g = float(salt_diffusivity_factor(a, **law))
            assert kirchhoff_mean(a, a * (1 + 1e-9), **law) == pytest.approx(g, rel=1e-7)
    lo = np.linspace(0.01, 1.5, 60)
    for law in (NYMAN, ECKER, CAPIGLIA):  # each falls with c over 0..2 c0
        m = kirchhoff_mean(lo, lo + 0.5, **law)
        assert np.all(np.diff(m) < 0)
        ga, gb = salt_diffusivity_factor(lo, **law), salt_diffusivity_factor(lo + 0.5, **law)
        assert np.all((m <= ga) & (m >= gb))
    # the Ecker law's pole: the mean over [a, 1] grows without bound as a -> 0 (the salt never quite runs out)
    means = kirchhoff_mean(np.array([1e-2, 1e-4, 1e-8]), 1.0, **ECKER)
    assert np.all(np.diff(means) > 0) and means[-1] > 3.0


def test_vectorised():
    a = np.linspace(0.05, 0.9, 12).reshape(3, 4)
    lin = np.array([NYMAN["linear"], 0.0, -0.5, 0.2])
    out = kirchhoff_mean(a, 1.0, linear=lin, quadratic=NYMAN["quadratic"])
    for i in range(3):
        for j in range(4):
            one = float(kirchhoff_mean(a[i, j], 1.0, linear=lin[j], quadratic=NYMAN["quadratic"]))
            assert out[i, j] == pytest.approx(one, rel=1e-14)


@pytest.mark.parametrize("kw,name", [
    (dict(inverse=-0.1), "inverse"), (dict(inverse=np.nan), "inverse"), (dict(exponent=np.inf), "exponent"),
    (dict(exponent=11.0), "exponent"), (dict(linear=-101.0), "linear"), (dict(quadratic=np.nan), "quadratic"),
    (dict(linear=-3.0), "linear"),  # 1 + (-3) (x - 1)... not positive beyond 2/3 c0: refused, naming the polynomial
    (dict(quadratic=-0.2), "quadratic"),  # (0.8 - 0.2 x²) negative beyond 2 c0: named by the coefficient typed
])
def test_bad_laws_are_refused_naming_the_coefficient(kw, name):
    with pytest.raises(InputError) as e:
        check_salt_diffusivity_law(**kw)
    assert e.value.name == name
    with pytest.raises(InputError):
        kirchhoff_mean(0.2, 1.0, **kw)


@pytest.mark.parametrize("a,b,name", [(0.0, 1.0, "a"), (-0.1, 1.0, "a"), (0.5, np.nan, "b"), (0.5, np.inf, "b")])
def test_bad_ranges_are_refused(a, b, name):
    with pytest.raises(InputError) as e:
        kirchhoff_mean(a, b, **NYMAN)
    assert e.value.name == name
