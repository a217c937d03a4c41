"""The rate and power model of issue 13 against the physics it reduces: limits that any input must respect, the exact
sphere against an independent numerical solution, Butler–Volmer against its linear limit, bad inputs.

The comparison with PyBaMM's DFN on published parameter sets is tests/test_rate_dfn.py.
"""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import udfs
from xlcell.cell import (bv_overpotential, default_design, electrode, evaluate_cell, pulse_solid_limit,
                         pulse_solid_resistance, pulse_surface_share, rate_capability,
                         sphere_critical_number, sphere_surface_change, sphere_usable_fraction)
from xlcell.constants import FARADAY, GAS_CONSTANT
from xlcell.design import design_from_mapping
from xlcell.errors import InputError

FUNCS = udfs.udf_functions()


def _sphere_by_finite_volumes(N: float, headroom: float = 0.0, shells: int = 400) -> float:
    """The delivered share when the surface of a sphere under constant flux reaches 1 + h: an independent solution.

    Dimensionless: c in units of the window, ρ = r/R, τ = D t / R²; the surface flux N/3 moves the mean by the window
    in τ = 1/N (t = t_dis). Finite volumes in ρ³ (equal volumes), integrated with scipy's BDF; the surface value is
    extrapolated from the last two cells with the flux.
    """
    from scipy.integrate import solve_ivp

    edges = np.linspace(0.0, 1.0, shells + 1) ** (1.0 / 3.0)  # equal-volume shells
    vol = (edges[1:] ** 3 - edges[:-1] ** 3) / 3.0
    mid = ((edges[1:] ** 3 + edges[:-1] ** 3) / 2.0) ** (1.0 / 3.0)
    area = edges[1:-1] ** 2
    dist = np.diff(mid)
    g = N / 3.0

    def rhs(_, c):
        flux = area * np.diff(c) / dist  # inward diffusion between cells
        out = np.zeros_like(c)
        out[:-1] += flux
        out[1:] -= flux
        out[-1] += g  # surface flux into the last cell (area 1)
        return out / vol

    def surface(_, c):
        return c[-1] + g * (1.0 - mid[-1]) - (1.0 + headroom)

    surface.terminal, surface.direction = True, 1
    sol = solve_ivp(rhs, (0.0, 2.0 / N), np.zeros(shells), method="BDF", events=surface, rtol=1e-8, atol=1e-10)
    return min(1.0, float(sol.t_events[0][0]) * N) if sol.t_events[0].size else 1.0


def test_the_sphere_surface_change_has_its_limits():
    # Carslaw & Jaeger §9.3: S -> 2 sqrt(τ/π) (semi-infinite) for τ -> 0, 3τ + 1/5 once the transient has died out;
    # continuous where the short-time expansion hands over to the series
    tau = np.array([1e-8, 1e-6])
    assert sphere_surface_change(tau) == pytest.approx(2 * np.sqrt(tau / np.pi), rel=2e-3)
    assert float(sphere_surface_change(20.0)) == pytest.approx(3 * 20.0 + 0.2, rel=1e-5)  # the log-log table
    assert float(sphere_surface_change(2e3)) == pytest.approx(3 * 2e3 + 0.2, rel=1e-12)
    assert float(sphere_surface_change(1e-3 * (1 - 1e-9))) == pytest.approx(float(sphere_surface_change(1e-3)), rel=2e-5)
    s = sphere_surface_change(np.logspace(-9, 4, 300))
    assert np.all(np.diff(s) > 0)


@pytest.mark.parametrize("t_s", [3.0, 100.0, 1000.0, 8333.0])
def test_at_the_pulse_solid_limit_the_surface_reaches_its_bound(t_s):
    # an independent finite-volume sphere under the limit's flux for 10 s: its surface has moved by the share of the
    # window left at 50 % SOC plus the headroom (h = 0.02), i.e. the event time is the pulse's end
    q_a, h = 1.5e5, 0.02
    i = float(pulse_solid_limit(q_a, t_s, h))
    N = i * t_s / q_a  # the finite-volume helper's surface flux N/3 (mean moves by i/Q_A of the window per second)
    share = _sphere_by_finite_volumes(N, headroom=0.5 + h - 1.0, shells=1200)
    assert share / N * t_s == pytest.approx(10.0, rel=2e-2)


def test_a_pulse_that_runs_a_surface_empty_is_capped_there():
    # a 5 µm graphite with D_s = 1e-16 m²/s: in the 10 s pulse the negative's surface leaves its window before the
    # voltage reaches 0.8 x OCV; the power is f V A i_lim with i_lim = 3 Q_A,n (0.5 + h) / (t_s S(10/t_s)), S by the
    # short-time expansion (10/t_s = 4e-5)
    # (graphite's OCV along its tangent alone: its library curve rises toward the window's end and stops the pulse
    # before the cap, below)
    tangent = {"ocv_loss_soc10_V": 0.0, "ocv_loss_soc5_V": 0.0, "ocv_loss_soc0_V": 0.0}
    slow = _with(neg={"particle_radius_m": 5e-6, "solid_diffusivity_m2_s": 1e-16, **tangent})
    m = evaluate_cell(slow)
    t_s = (5e-6) ** 2 / 1e-16
    tau = 10.0 / t_s
    S = 2 * np.sqrt(tau / np.pi) + tau + 4 / 3 * tau**1.5 / np.sqrt(np.pi)
    i_lim = 3 * float(m.neg_areal_capacity_C_m2) * 0.5 / (t_s * S)  # the default design has no headroom
    area = float(slow.electrode_area_m2)
    assert float(m.pulse_current_A) == pytest.approx(i_lim * area, rel=1e-3)
    assert float(m.max_power_W) == pytest.approx(0.8 * float(m.avg_voltage_V) * i_lim * area, rel=1e-3)
    # with fast particles the same cell's pulse is the Newton's, twice as high without the OCV slopes (NMC811's slope,
    # the library's, costs the uncapped pulse 7.9 %: 1.88 times); headroom lifts the cap
    fast = _with(neg={"particle_radius_m": 5e-6, "solid_diffusivity_m2_s": 3e-13})
    assert float(evaluate_cell(fast).max_power_W) > 1.8 * float(m.max_power_W)
    flat = _with(pos={"ocv_slope_V": 0.0}, neg={"particle_radius_m": 5e-6, "solid_diffusivity_m2_s": 3e-13,
                                                 "ocv_slope_V": 0.0})
    assert float(evaluate_cell(flat).max_power_W) > 2 * float(m.max_power_W)
    roomy = evaluate_cell(_with(neg={"particle_radius_m": 5e-6, "solid_diffusivity_m2_s": 1e-16, "surface_headroom": 0.3,
                                     **tangent}))
    assert float(roomy.max_power_W) == pytest.approx(1.6 * float(m.max_power_W), rel=1e-9)
    # along graphite's library OCV curve (Ecker et al. 2015: 0.98 V lost at the window's end) the potential rises
    # before the surface gets there: the pulse stops below the cap, where the surface has moved into the curve's
    # steep end (past 5 % SOC: 0.45 of the window)
    curved = evaluate_cell(_with(neg={"particle_radius_m": 5e-6, "solid_diffusivity_m2_s": 1e-16}))
    assert 0.9 * float(m.max_power_W) < float(curved.max_power_W) < float(m.max_power_W)
    moved = float(curved.pulse_current_A) / area * float(pulse_surface_share(curved.neg_areal_capacity_C_m2, t_s))
    assert 0.45 < moved < 0.5


@pytest.mark.parametrize("N", [0.05, 0.5, 2.0, 5.0, 15.0, 60.0])
def test_the_sphere_table_is_the_sphere(N):
    # the model's closed form (Carslaw & Jaeger's series, tabulated once) against finite volumes
    assert float(sphere_usable_fraction(N)) == pytest.approx(_sphere_by_finite_volumes(N), abs=3e-3)


def test_the_sphere_loses_capacity_from_the_onset_and_keeps_some_past_n_15():
    N = np.array([1e-3, 0.1, 1.0, 15.0, 1e3, 1e5])
    u = sphere_usable_fraction(N)
    # small N: the polynomial profile's 1 - N/15 (Subramanian et al. 2005): the loss starts at once, linearly
    np.testing.assert_allclose(u[:3], 1 - N[:3] / 15, rtol=2e-4)
    # N = 15 is where the polynomial says "all gone"; the exact sphere still delivers a third
    assert 0.3 < u[3] < 0.4
    # large N: semi-infinite diffusion, the surface excess 2 (j/D) sqrt(D t/π) reaches the window at u = 9π/(4N)
    # (to the next order of the short-time expansion: 0.5 % at N = 1000)
    np.testing.assert_allclose(u[4:], 9 * np.pi / (4 * N[4:]), rtol=5e-3)
    assert np.all(np.diff(sphere_usable_fraction(np.logspace(-4, 5, 400))) < 0)


@pytest.mark.parametrize("h", [0.0, 0.14, 0.5])
def test_headroom_and_the_inverse(h):
    assert float(sphere_usable_fraction(3.0, h)) == pytest.approx(_sphere_by_finite_volumes(3.0, h), abs=3e-3)
    for f in (0.5, 0.8, 0.95):
        assert float(sphere_usable_fraction(sphere_critical_number(f, h), h)) == pytest.approx(f, rel=1e-6)


@settings(max_examples=50, deadline=None)
@given(x=st.floats(1e-6, 1e-2))
def test_butler_volmer_is_linear_at_small_current(x):
    T, i0 = 298.15, 7.0
    lin = GAS_CONSTANT * T / (FARADAY * i0) * (x * i0)
    assert float(bv_overpotential(x * i0, i0, T)) == pytest.approx(lin, rel=x**2 / 20 + 1e-12)


def test_butler_volmer_is_the_asinh_and_sublinear():
    T, i0 = 298.15, 5.0
    i = np.array([0.0, 1.0, 10.0, 45.0, 200.0])
    eta = bv_overpotential(i, i0, T)
    # i = 2 i0 sinh(F η / 2RT): the symmetric Butler–Volmer equation, inverted
    np.testing.assert_allclose(2 * i0 * np.sinh(FARADAY * eta / (2 * GAS_CONSTANT * T)), i, rtol=1e-12, atol=1e-12)
    assert np.all(eta[1:] < GAS_CONSTANT * T / (FARADAY * i0) * i[1:])


def _with(**kw):
    d = default_design(**{k: v for k, v in kw.items() if k not in ("pos", "neg")})
    return dataclasses.replace(d, pos=dataclasses.replace(d.pos, **kw.get("pos", {})),
                               neg=dataclasses.replace(d.neg, **kw.get("neg", {})))


def test_small_current_gives_todays_results():
    # C/100: full capacity, the linear ASI's voltage drop, and BatPaC's linear power where the kinetics are fast
    m = evaluate_cell(_with(c_rate_per_h=0.01))
    assert float(m.usable_capacity_fraction) > 0.998
    R = float(m.resistance_ohm)
    assert float(m.avg_voltage_V - m.voltage_under_load_V) == pytest.approx(float(m.current_A) * R, rel=1e-6)
    # (fast salt diffusion too: the 10 s pulse then leaves the salt as it was)
    # (and each OCV along its tangent: the libraries' OCV curves bend away from it as the pulse's large current moves
    # the surfaces far, tests/test_pulse_ocv_curve.py)
    tangent = {"ocv_loss_soc10_V": 0.0, "ocv_loss_soc5_V": 0.0, "ocv_loss_soc0_V": 0.0}
    fast = evaluate_cell(_with(pos={"exchange_current_A_m2": 1e4, **tangent}, neg={"exchange_current_A_m2": 1e4, **tangent},
                               electrolyte_diffusivity_m2_s=1e-3))
    V = float(fast.avg_voltage_V)
    # the pulse's resistance: the cell's plus each electrode's solid-diffusion polarisation (the materials' OCV slopes,
    # linear in the current: tests/test_pulse_ocv_slope.py)
    d = default_design()
    r_solid = float(pulse_solid_resistance(fast.pos_areal_capacity_C_m2, fast.t_diff_solid_pos_s, d.pos.ocv_slope_V)
                    + pulse_solid_resistance(fast.neg_areal_capacity_C_m2, fast.t_diff_solid_neg_s, d.neg.ocv_slope_V))
    R_pulse = float(fast.resistance_ohm) + r_solid / float(d.electrode_area_m2)
    assert float(fast.max_power_W) == pytest.approx(V**2 * 0.8 * 0.2 / R_pulse, rel=1e-6)


@pytest.mark.parametrize("material", ["NMC811", "LFP", "NCA"])
def test_rate_capability_falls_with_c_rate_and_thickness(material):
    pos = electrode(material, thickness_m=np.linspace(30e-6, 250e-6, 12)[:, None], porosity=0.3, am_frac=0.94,
                    carbon_frac=0.03, binder_frac=0.03, carbon_density_kg_m3=1825.0, binder_density_kg_m3=1770.0,
                    foil_thickness_m=15e-6, foil_density_kg_m3=2700.0)
    d = dataclasses.replace(default_design(), pos=pos)
    f = rate_capability(d, np.logspace(-1.5, 1.3, 30))
    assert np.all(np.diff(f, axis=-1) <= 1e-12)
    assert np.all(np.diff(f, axis=0) <= 1e-12)
    assert np.all((f >= 0) & (f <= 1))


def test_rate_capability_equals_the_cell_model_one_by_one():
    d = _with(pos={"thickness_m": np.array([60e-6, 120e-6, 200e-6])})
    c = np.array([0.2, 1.0, 3.0])
    f = rate_capability(d, c)
    for k, rate in enumerate(c):
        np.testing.assert_allclose(f[:, k], evaluate_cell(dataclasses.replace(d, c_rate_per_h=rate)).usable_capacity_fraction,
                                   rtol=1e-12)
    for j in range(3):
        one = _with(pos={"thickness_m": float(d.pos.thickness_m[j])})
        np.testing.assert_allclose(rate_capability(one, c), f[j], rtol=1e-12)


def test_the_more_limiting_mechanism_governs():
    # big slow particles, thin coating: the solid sets the fraction; thick coating, fast particles: the salt does
    solid = evaluate_cell(_with(c_rate_per_h=2.0, pos={"thickness_m": 40e-6, "particle_radius_m": 8e-6}))
    assert float(solid.usable_fraction_solid_pos) < 0.8 and float(solid.electrolyte_reach_pos) == 1.0
    assert float(solid.usable_capacity_fraction) <= float(solid.usable_fraction_solid_pos)
    salt = evaluate_cell(_with(c_rate_per_h=2.0, pos={"thickness_m": 220e-6, "particle_radius_m": 0.5e-6}))
    assert float(salt.electrolyte_reach_pos) < 0.8
    assert float(salt.usable_capacity_fraction) <= float(salt.electrolyte_reach_pos)
    assert not salt.feasible_electrolyte and salt.feasible_solid and not solid.feasible_solid and solid.feasible_electrolyte


def test_the_cut_off_ends_the_discharge():
    f = [float(evaluate_cell(_with(c_rate_per_h=2.0, cutoff_voltage_V=v)).usable_fraction_voltage) for v in (2.5, 3.0, 3.5)]
    assert f[0] > f[1] > f[2] > 0
    m = evaluate_cell(_with(c_rate_per_h=2.0, cutoff_voltage_V=3.5))
    r = float((m.avg_voltage_V - m.voltage_under_load_V) / (m.avg_voltage_V - 3.5))
    assert float(m.usable_fraction_voltage) == pytest.approx((1 - r) ** 0.2, rel=1e-12)
    # a cut-off the voltage under load cannot stay above: nothing delivered, flagged
    low = evaluate_cell(_with(c_rate_per_h=2.0, cutoff_voltage_V=3.7, electrolyte_conductivity_S_m=0.05))
    assert float(low.usable_capacity_fraction) == 0.0 and not low.feasible_voltage


# ---------------------------------------------------------------- bad inputs
@pytest.mark.parametrize("c_rates", [None, [], [1.0, 0.0], [float("nan")]])
def test_no_or_bad_c_rate_names_c_rates(c_rates):
    with pytest.raises(InputError) as e:
        rate_capability(default_design(), c_rates)
    assert e.value.name == "c_rates"


def test_a_cut_off_above_the_ocv_names_the_cut_off():
    with pytest.raises(InputError, match=r"cutoff_voltage_V = 4\.2.*below the open-circuit voltage \(3\.713 V\)") as e:
        evaluate_cell(default_design(cutoff_voltage_V=4.2))
    assert e.value.name == "cutoff_voltage_V" and isinstance(e.value, ValueError)
    with pytest.raises(InputError, match="design 2"):
        rate_capability(default_design(cutoff_voltage_V=np.array([3.0, 3.9])), [1.0])


@pytest.mark.parametrize("key,value", [("pos_surface_headroom", -0.1), ("neg_surface_headroom", 11.0),
                                       ("min_usable_fraction", 1.2), ("ocv_tail", 0.0)])
def test_a_window_or_criterion_out_of_range_names_its_key(key, value):
    with pytest.raises(InputError) as e:
        evaluate_cell(design_from_mapping({key: value}))
    assert e.value.name == key


def _text(out):
    """A UDF's error text: a table function returns it as a 1 x 1 table."""
    return out[0][0] if isinstance(out, list) and len(out) == 1 and len(out[0]) == 1 else out


def test_bad_inputs_become_cell_text_through_the_udfs():
    out = _text(FUNCS["XLCELL_CELL"]([["cutoff_voltage_V", 5.0]]))
    assert out == "#XLCELL! cutoff_voltage_V = 5: must be below the open-circuit voltage (3.713 V)"
    blank = _text(FUNCS["XLCELL_RATE_CAPABILITY"]([["np_ratio", 1.1]], [[None]]))
    assert isinstance(blank, str) and blank.startswith("#XLCELL! c_rates")
    window = _text(FUNCS["XLCELL_CELL_VALUE"]([["pos_surface_headroom", -1.0]], "usable_capacity_fraction"))
    assert isinstance(window, str) and window.startswith("#XLCELL! pos_surface_headroom = -1")
