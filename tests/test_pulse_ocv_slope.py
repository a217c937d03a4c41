"""The 10 s pulse's solid-diffusion polarisation (issue 13): the particles' surfaces move in the pulse and the
open-circuit potential at the surface moves with them by |dU/dSOC| Δ (``pos_ocv_slope_V``, ``neg_ocv_slope_V``).

Checked against an independent numerical solution (a finite-volume sphere with a non-linear OCV curve under a 10 s
constant-current pulse, scipy's BDF), in its limits (no slope: the numbers before the term, bit for bit) and for
monotonicity; a bad slope is refused naming its key. The DFN comparison is tests/test_rate_dfn.py.
"""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import udfs
from xlcell.cell import (default_design, evaluate_cell, pulse_solid_limit, pulse_solid_resistance,
                         pulse_surface_share)
from xlcell.design import design_from_mapping
from xlcell.errors import InputError


def _ocv(theta):
    """A positive's open-circuit potential (V) against its lithiated fraction: NMC-like, falling and curved."""
    return 4.3 - 0.9 * theta - 0.12 * np.tanh(6.0 * (theta - 0.55))


def _docv(theta):
    return -0.9 - 0.72 / np.cosh(6.0 * (theta - 0.55)) ** 2


def _surface_after_pulse(g: float, tau_end: float, shells: int = 1500) -> float:
    """The surface concentration (in units of the window) of a sphere from a uniform start after the dimensionless time
    ``tau_end`` = D t / R² under the constant surface flux g (per R, D and the window): finite volumes in ρ³ (equal
    volumes, fine at the surface), scipy's BDF, the surface value extrapolated from the last cell with the flux."""
    from scipy.integrate import solve_ivp
    from scipy.sparse import diags

    edges = np.linspace(0.0, 1.0, shells + 1) ** (1.0 / 3.0)
    vol = (edges[1:] ** 3 - edges[:-1] ** 3) / 3.0
    mid = ((edges[1:] ** 3 + edges[:-1] ** 3) / 2.0) ** (1.0 / 3.0)
    k = edges[1:-1] ** 2 / np.diff(mid)  # conductance between neighbouring cells
    lap = diags([np.r_[-k, 0.0] + np.r_[0.0, -k], k, k], [0, 1, -1]).tocsc()
    lap = diags(1.0 / vol) @ lap
    src = np.zeros(shells)
    src[-1] = g / vol[-1]

    sol = solve_ivp(lambda _, c: lap @ c + src, (0.0, tau_end), np.zeros(shells), method="BDF", jac=lap,
                    rtol=1e-9, atol=1e-12, t_eval=[tau_end])
    c = sol.y[:, -1]
    return float(c[-1] + g * (1.0 - mid[-1]))


@pytest.mark.parametrize("t_s", [3.0, 100.0, 1000.0, 8333.0])
def test_the_polarisation_is_the_sphere_with_an_ocv_curve(t_s):
    # a positive (window 0.7 of its stoichiometry, Q_A = 1.5e5 C/m²) at θ0 = 0.6 takes i = 20 A/m² for 10 s: the
    # surface's θ after the pulse from finite volumes, its potential loss U(θ0) - U(θ_s) from the OCV curve, against
    # i × pulse_solid_resistance with the curve's slope at θ0 per window. Small current: the surface moves by less than
    # 1 % of the stoichiometry, where the curve is its tangent
    q_a, w, theta0, i, t = 1.5e5, 0.7, 0.6, 20.0, 10.0
    g = i * t_s / (3.0 * q_a)  # the surface flux per R, D and the window: the mean moves by i/Q_A per second
    share = _surface_after_pulse(g, t / t_s)
    assert float(i * pulse_surface_share(q_a, t_s, t)) == pytest.approx(share, rel=5e-3)
    loss = _ocv(theta0) - _ocv(theta0 + w * share)
    slope = abs(_docv(theta0)) * w
    assert float(i * pulse_solid_resistance(q_a, t_s, slope, t)) == pytest.approx(loss, rel=1e-2)


def test_the_polarisation_is_linear_in_the_slope_and_the_share_falls_with_diffusivity():
    q_a = 1.5e5
    t_s = np.logspace(0, 6, 50)
    share = pulse_surface_share(q_a, t_s)
    assert np.all(np.diff(share) > 0)  # slower particles: the surface moves farther
    # at a fast particle the surface follows the mean: i t / Q_A of the window (plus the steady parabola's 1/5)
    assert float(pulse_surface_share(q_a, 1e-3)) == pytest.approx(10.0 / q_a, rel=1e-4)
    r = pulse_solid_resistance(q_a, t_s, np.array([[0.0], [0.3], [0.6]]))
    assert np.all(r[0] == 0.0)
    np.testing.assert_allclose(r[2], 2 * r[1], rtol=1e-15)
    # the pulse's cap is where that share reaches the window left at 50 % SOC plus the headroom
    np.testing.assert_allclose(pulse_solid_limit(q_a, t_s, 0.1) * share, 0.6, rtol=1e-12)


#: the default cell at three C-rates and a slow negative (5 µm, D_s = 1e-16 m²/s, its pulse capped by the surface):
#: max_power_W and pulse_resistance_ohm before the slope term (main at 070aea0), which zero slope must keep bit for bit
BEFORE = {
    "default": ([1360.9170499960665] * 3, [0.0015706491992909122, 0.0015731730718524664, 0.0016009924728457873]),
    "slow": ([670.5214224430177], [0.001551188327375946]),
}


#: no OCV curve (tests/test_pulse_ocv_curve.py): the pulse's OCV follows the tangent alone
NO_CURVE = dict(ocv_loss_soc10_V=0.0, ocv_loss_soc5_V=0.0, ocv_loss_soc0_V=0.0)


def _flat(d):
    """The design without either electrode's OCV slope or curve (the library gives NMC811 and graphite theirs)."""
    return dataclasses.replace(d, pos=dataclasses.replace(d.pos, ocv_slope_V=0.0, **NO_CURVE),
                               neg=dataclasses.replace(d.neg, ocv_slope_V=0.0, **NO_CURVE))


def _slow(**neg):
    d = _flat(default_design())
    return dataclasses.replace(d, neg=dataclasses.replace(d.neg, particle_radius_m=5e-6, solid_diffusivity_m2_s=1e-16,
                                                          **neg))


def test_no_slope_keeps_the_numbers_before_it_bit_for_bit():
    for name, design in (("default", _flat(default_design(c_rate_per_h=np.array([0.5, 2.0, 6.0])))),
                         ("slow", _slow())):
        assert float(design.pos.ocv_slope_V) == 0.0 and float(design.neg.ocv_slope_V) == 0.0
        m = evaluate_cell(design)
        power, resistance = BEFORE[name]
        assert np.ravel(m.max_power_W).tolist() == power
        assert np.ravel(m.pulse_resistance_ohm).tolist() == resistance


@pytest.mark.parametrize("part", ["pos", "neg"])
def test_a_steeper_ocv_costs_power_and_adds_its_resistance(part):
    slopes = np.array([0.0, 0.05, 0.2, 0.5, 1.0, 2.0])
    m = evaluate_cell(design_from_mapping({f"{part}_ocv_slope_V": slopes, "c_rate": 2.0,
                                           **{f"{e}_{k}": v for e in ("pos", "neg") for k, v in NO_CURVE.items()}}))
    assert np.all(np.diff(m.max_power_W) < 0) and np.all(np.diff(m.pulse_resistance_ohm) > 0)
    # the pulse resistance at the C-rate rises by exactly slope × the surface's share per current / the area
    d = default_design()
    e = getattr(d, part)
    q_a = getattr(m, f"{part}_areal_capacity_C_m2")
    t_s = e.particle_radius_m ** 2 / e.solid_diffusivity_m2_s
    added = pulse_solid_resistance(q_a, t_s, slopes) / d.electrode_area_m2
    np.testing.assert_allclose(m.pulse_resistance_ohm - m.pulse_resistance_ohm[0], added, rtol=1e-9, atol=1e-15)
    # nothing else moves: the rate model's numbers are the slope-free ones
    np.testing.assert_array_equal(m.usable_capacity_fraction, m.usable_capacity_fraction[0])


def test_the_slope_adds_to_the_capped_pulse_only_below_its_cap():
    # a slow negative's pulse is capped where its surface leaves the window; a slope lowers the current below the cap
    capped = evaluate_cell(_slow())
    steep = evaluate_cell(_slow(ocv_slope_V=3.0))
    assert float(steep.max_power_W) < float(capped.max_power_W)
    assert float(evaluate_cell(_slow(ocv_slope_V=1e-6)).max_power_W) == float(capped.max_power_W)


def test_the_default_cell_takes_its_materials_slopes():
    # BatPaC's default cell is NMC811 | graphite: the library's slopes (scripts/material_ocv_slopes.py: Chen et al.
    # 2020's NMC811 OCP, Ecker et al. 2015's graphite OCP) reach the design as its other material properties do, and a
    # typed slope overrides them
    d = default_design()
    assert (float(d.pos.ocv_slope_V), float(d.neg.ocv_slope_V)) == (0.9183, 0.007238)
    mapped = design_from_mapping({})
    assert (float(mapped.pos.ocv_slope_V), float(mapped.neg.ocv_slope_V)) == (0.9183, 0.007238)
    assert float(design_from_mapping({"pos_ocv_slope_V": 0.3}).pos.ocv_slope_V) == 0.3
    lfp = design_from_mapping({"pos_material": ["LFP", "NMC622"]})
    assert lfp.pos.ocv_slope_V.tolist() == [0.01292, 0.0]  # NMC622: no curve stored, no slope
    # the default cell's 10 s pulse power falls 7.9 % with the tangents alone (1360.9 -> 1253.2 W) and its pulse
    # resistance rises 9.9 %; along the library's OCV curves (tests/test_pulse_ocv_curve.py: NMC811's potential
    # flattens past 50 % SOC, below its tangent) the power falls 7.3 % (1261.0 W)
    m, flat = evaluate_cell(d), evaluate_cell(_flat(d))
    tangent = evaluate_cell(dataclasses.replace(d, pos=dataclasses.replace(d.pos, **NO_CURVE),
                                                neg=dataclasses.replace(d.neg, **NO_CURVE)))
    assert float(tangent.max_power_W) / float(flat.max_power_W) == pytest.approx(0.9209, abs=5e-4)
    assert float(tangent.pulse_resistance_ohm) / float(flat.pulse_resistance_ohm) == pytest.approx(1.0989, abs=5e-4)
    assert float(m.max_power_W) / float(flat.max_power_W) == pytest.approx(0.9266, abs=5e-4)
    assert float(m.pulse_resistance_ohm) / float(flat.pulse_resistance_ohm) == pytest.approx(1.0985, abs=5e-4)


@pytest.mark.parametrize("key,value", [("pos_ocv_slope_V", -0.1), ("neg_ocv_slope_V", 25.0)])
def test_a_bad_slope_names_its_key(key, value):
    with pytest.raises(InputError) as e:
        evaluate_cell(design_from_mapping({key: value}))
    assert e.value.name == key and isinstance(e.value, ValueError)
    out = udfs.udf_functions()["XLCELL_CELL_VALUE"]([[key, value]], "max_power_W")
    text = out[0][0] if isinstance(out, list) else out
    assert isinstance(text, str) and text.startswith(f"#XLCELL! {key} = ")
