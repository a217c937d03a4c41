"""The 10 s pulse along each electrode's open-circuit potential curve (issue 13): the particles' surfaces move far in a
strong pulse, and the potential there is the OCP curve's, not its tangent at 50 % SOC (``ocv_loss_soc10_V``,
``ocv_loss_soc5_V``, ``ocv_loss_soc0_V``: the loss from 50 % SOC at 10, 5 and 0 % SOC, with ``ocv_slope_V`` the nodes
of :func:`xlcell.cell.pulse_ocv_loss`).

Checked against an independent numerical solution on published OCP functions (a finite-volume sphere under a 10 s
constant-current pulse, scipy's BDF, the surface's stoichiometry mapped through Chen et al. 2020's graphite-SiOx and
NMC811 OCPs), against the pulse's own balance solved by bisection, in its limits (no curve: the numbers before it, bit
for bit; nodes on the tangent: the tangent; small moves: the tangent to second order) and for monotonicity; bad nodes
are refused naming their key. The DFN comparison (Prada2013's pulse power) is tests/test_rate_dfn.py.
"""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import udfs
from tests.test_pulse_ocv_slope import _surface_after_pulse
from xlcell.cell import (OCV_NODE_KEYS, default_design, evaluate_cell, pulse_ocv_loss, pulse_solid_resistance,
                         pulse_surface_share)
from xlcell.design import design_from_mapping
from xlcell.errors import InputError
from xlcell.materials import LIBRARY


def _graphite_chen2020(x):
    """Chen et al. 2020 (J. Electrochem. Soc. 167, 080534), the LG M50's graphite-SiOx OCP fit (V vs Li), typed from
    the paper (PyBaMM's graphite_LGM50_ocp_Chen2020)."""
    return (1.9793 * np.exp(-39.3631 * x) + 0.2482 - 0.0909 * np.tanh(29.8538 * (x - 0.1234))
            - 0.04478 * np.tanh(14.9159 * (x - 0.2769)) - 0.0205 * np.tanh(30.4444 * (x - 0.6103)))


def _nmc811_chen2020(x):
    """The same paper's NMC811 OCP fit (PyBaMM's nmc_LGM50_ocp_Chen2020)."""
    return (-0.8090 * x + 4.4875 - 0.0428 * np.tanh(18.5138 * (x - 0.5542))
            - 17.7326 * np.tanh(15.7890 * (x - 0.3117)) + 17.5842 * np.tanh(15.9308 * (x - 0.3120)))


#: (OCP, cycled window lo-hi of the LG M50 (PyBaMM's electrode SOH solver, 2.5-4.2 V), direction of discharge: the
#: negative empties toward lo, the positive fills toward hi)
CURVES = {"graphite-SiOx": (_graphite_chen2020, 0.02634579, 0.910618, -1),
          "NMC811": (_nmc811_chen2020, 0.2638452, 0.8539747, +1)}


def _nodes(name):
    """ocv_slope_V (the tangent at 50 % SOC per window) and the losses at 10, 5 and 0 % SOC of a published OCP."""
    u, lo, hi, sign = CURVES[name]
    w, mid = hi - lo, (lo + hi) / 2
    slope = abs(u(mid + 1e-7) - u(mid - 1e-7)) / 2e-7 * w
    return slope, [abs(u(mid + sign * (0.5 - soc) * w) - u(mid)) for soc in (0.10, 0.05, 0.0)]


def test_the_library_s_nodes_are_the_published_curves():
    # the library's graphite-SiOx and NMC811 nodes (scripts/material_ocv_slopes.py, from the OCP stored with the DFN
    # reference) are the published functions' at 10, 5 and 0 % SOC of the LG M50's window (4 digits stored)
    for lib, name in (("GRAPHITE-SIOX", "graphite-SiOx"), ("NMC811", "NMC811")):
        _, losses = _nodes(name)
        stored = [getattr(LIBRARY[lib], k) for k in OCV_NODE_KEYS]
        np.testing.assert_allclose(stored, losses, rtol=5e-4)


@pytest.mark.parametrize("name,tol", [("graphite-SiOx", 0.08), ("NMC811", 0.004)])
def test_the_curve_is_the_sphere_on_a_published_ocp(name, tol):
    # a particle (Q_A = 1.8e5 C/m², t_s = r²/D_s = 1040 s, the M50's graphite) takes for 10 s the current that moves
    # its surface by the share Δ of the window (finite volumes: the moved share, independently of pulse_surface_share);
    # the potential it loses is the published OCP's at the surface's stoichiometry. xlcell's curve through the four
    # numbers of the OCP follows it within 0.08 V for graphite-SiOx, whose potential rises 0.97 V in the last tenth of
    # its window (the tangent at 50 % SOC, 0.011 V per window, misses by up to 0.76 V), and within 4 mV for NMC811
    # (whose tangent overstates the loss by up to 0.2 V: its OCP flattens toward the discharge end)
    u, lo, hi, sign = CURVES[name]
    w, mid = hi - lo, (lo + hi) / 2
    slope, losses = _nodes(name)
    q_a, t_s, t = 1.8e5, 1040.0, 10.0
    for target in (0.02, 0.1, 0.2, 0.3, 0.35, 0.4, 0.42, 0.45, 0.47, 0.49):
        i = target / float(pulse_surface_share(q_a, t_s, t))
        moved = _surface_after_pulse(i * t_s / (3.0 * q_a), t / t_s)  # the surface flux per R, D and the window
        exact = abs(u(mid + sign * moved * w) - u(mid))
        curve = float(pulse_ocv_loss(i * pulse_surface_share(q_a, t_s, t), slope, *losses))
        assert curve == pytest.approx(exact, abs=tol), target
        if target >= 0.4 and name == "graphite-SiOx":  # the steep end within 12 %
            assert curve == pytest.approx(exact, rel=0.12), target
        if target >= 0.2:  # and far closer than the tangent, where the surface has moved far
            assert abs(curve - exact) < 0.6 * abs(slope * target - exact), target


def _tangent(d):
    """The design with each electrode's OCV along its tangent alone (no curve)."""
    none = dict.fromkeys(OCV_NODE_KEYS, 0.0)
    return dataclasses.replace(d, pos=dataclasses.replace(d.pos, **none), neg=dataclasses.replace(d.neg, **none))


#: main at 2a75b03 (the OCV slope, before the curve): the default cell (NMC811 | graphite, the libraries' slopes) at
#: 0.5C, 2C and 6C, max_power_W and pulse_resistance_ohm; with no curve they must stay bit for bit
BEFORE = ([1253.2014647454382] * 3, [0.0017259983024420715, 0.0017285221750036257, 0.0017563415759969466])


def test_no_curve_keeps_the_numbers_before_it_bit_for_bit():
    m = evaluate_cell(_tangent(default_design(c_rate_per_h=np.array([0.5, 2.0, 6.0]))))
    assert np.ravel(m.max_power_W).tolist() == BEFORE[0]
    assert np.ravel(m.pulse_resistance_ohm).tolist() == BEFORE[1]
    # and a batch of designs with and without a curve gives each its own numbers, bit for bit (no design's result
    # depends on its batch)
    flat = {"pos_ocv_loss_soc10_V": 0.0, "pos_ocv_loss_soc5_V": 0.0, "pos_ocv_loss_soc0_V": 0.0, "c_rate": 0.5}
    graphite = {"neg_ocv_loss_soc10_V": 0.1064, "neg_ocv_loss_soc5_V": 0.2298, "neg_ocv_loss_soc0_V": 0.9781}
    both = evaluate_cell(design_from_mapping(flat | {k: [0.0, v] for k, v in graphite.items()}))
    for j, nodes in enumerate((dict.fromkeys(graphite, 0.0), graphite)):
        one = evaluate_cell(design_from_mapping(flat | nodes))
        assert float(both.max_power_W[j]) == float(one.max_power_W)
        assert float(both.pulse_resistance_ohm[j]) == float(one.pulse_resistance_ohm)


def test_nodes_on_the_tangent_are_the_tangent():
    # a straight OCP (losses s × 0.4, 0.45, 0.5): the curve is its tangent, and so are the pulse's numbers
    s = np.array([0.05, 0.3, 0.9183])
    delta = np.linspace(0.0, 0.7, 71)[:, None]
    np.testing.assert_allclose(pulse_ocv_loss(delta, s, 0.4 * s, 0.45 * s, 0.5 * s), s * delta, rtol=1e-12,
                               atol=1e-15)
    d = _tangent(default_design(c_rate_per_h=np.array([0.5, 2.0])))
    line = dataclasses.replace(d, pos=dataclasses.replace(
        d.pos, **{k: x * d.pos.ocv_slope_V for k, x in zip(OCV_NODE_KEYS, (0.4, 0.45, 0.5))}))
    a, b = evaluate_cell(line), evaluate_cell(_tangent(d))
    np.testing.assert_allclose(a.max_power_W, b.max_power_W, rtol=1e-12)
    np.testing.assert_allclose(a.pulse_resistance_ohm, b.pulse_resistance_ohm, rtol=1e-12)


def test_the_curve_rises_follows_its_tangent_at_small_moves_and_continues_as_a_line():
    rng = np.random.default_rng(13)
    n = 400
    s = rng.uniform(0.0, 2.0, n)
    d10 = rng.uniform(0.0, 1.0, n)
    d5 = d10 + rng.uniform(0.0, 1.0, n) * rng.integers(0, 2, n)  # some flat segments
    d0 = d5 + rng.uniform(0.0, 2.0, n)
    delta = np.linspace(0.0, 0.8, 801)[:, None]
    loss = pulse_ocv_loss(delta, s, d10, d5, d0)
    assert np.all(np.diff(loss, axis=0) >= -1e-12)  # never falls (Fritsch–Carlson), whatever the nodes
    np.testing.assert_allclose(loss[[0, 400, 450, 500]], np.stack([0 * s, d10, d5, d0]), atol=1e-12)
    # past the window's end: a line with the last segment's slope (into the surface headroom)
    np.testing.assert_allclose(loss[700] - loss[600], (d0 - d5) / 0.05 * 0.1, rtol=1e-9, atol=1e-12)
    # small moves: the tangent s Δ to second order (where the tangent is no steeper than 3x the chord to 10 % SOC)
    fine = s <= 3.0 * d10 / 0.4
    small = pulse_ocv_loss(1e-4, s, d10, d5, d0)
    np.testing.assert_allclose(small[fine], 1e-4 * s[fine], rtol=0, atol=1e-4 * 1e-4 * 1e3)


def test_the_pulse_balances_its_drop_along_the_curve():
    # Prada2013's design (LFP | graphite, tests/data/pybamm_dfn_heldout.json, mapped by scripts/rate_dfn_table.py) and
    # the default cell: run at the C-rate whose current is the pulse's, the 10 s pulse's resistance (ohmic, kinetic,
    # salt and each OCV's loss along its curve at the surfaces' moves) times the current is the pulse's drop,
    # 0.2 × OCV: the Newton's current solves its balance
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location("rate_dfn_table", Path(__file__).resolve().parents[1] / "scripts"
                                                  / "rate_dfn_table.py")
    table = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(table)
    vals = table.design_values(table.load(table.HELDOUT)["sets"]["Prada2013"])
    kw = dict(fmt=table.BARE, calendering=table.CALENDERING)
    for design, opts in ((design_from_mapping(vals), kw), (default_design(), {})):
        m = evaluate_cell(design, **opts)
        i = float(m.pulse_current_A) / float(design.electrode_area_m2)
        q = min(float(m.pos_areal_capacity_C_m2), float(m.neg_areal_capacity_C_m2))
        at = evaluate_cell(dataclasses.replace(design, c_rate_per_h=i * 3600.0 / q), **opts)
        assert float(at.current_A) == pytest.approx(float(m.pulse_current_A), rel=1e-12)
        drop = float(at.pulse_resistance_ohm * at.current_A)
        assert drop == pytest.approx(0.2 * float(m.avg_voltage_V), rel=1e-9)
    # Prada2013: at that current (177 A/m², the DFN's 175 A/m²) the graphite's surface has moved 0.43 of its window
    # from 50 % SOC, where its OCP (the stored one: 0.28 V up at 10 % SOC, 0.47 V at 5 %) has risen 0.37 V, 0.35 V more
    # than its tangent at 50 % SOC says
    m = evaluate_cell(design_from_mapping(vals), **kw)
    share = pulse_surface_share(m.neg_areal_capacity_C_m2, m.t_diff_solid_neg_s)
    moved = float(m.pulse_current_A) / float(design_from_mapping(vals).electrode_area_m2) * float(share)
    loss = float(pulse_ocv_loss(moved, vals["neg_ocv_slope_V"], *(vals[f"neg_{k}"] for k in OCV_NODE_KEYS)))
    assert moved == pytest.approx(0.43, abs=0.01) and loss == pytest.approx(0.37, abs=0.01)
    assert loss - vals["neg_ocv_slope_V"] * moved == pytest.approx(0.35, abs=0.01)


def test_the_pulse_balances_its_drop_on_random_designs():
    # 3000 random NMC811/NCA | graphite(-SiOx) designs with the libraries' curves (thick and thin coatings, slow and
    # fast graphite, voltage fractions 0.5-0.95): at the pulse's current the pulse's resistance times the current is
    # the drop (1 - f) OCV to 1e-9, or, where the cap binds, below it. Without the bisection on slow Newton steps the
    # Newton cycled in its bracket where the graphite's curve bends past 5 % SOC (3 designs 18-30 % over the drop)
    rng = np.random.default_rng(1)
    n = 3000
    d = design_from_mapping({
        "pos_material": rng.choice(["NMC811", "NCA"], n).astype(object),
        "neg_material": rng.choice(["Graphite", "Graphite-SiOx"], n).astype(object),
        "pos_thickness_um": rng.uniform(20, 150, n), "pos_porosity": rng.uniform(0.2, 0.5, n),
        "neg_particle_radius_um": rng.uniform(1, 15, n), "neg_solid_diffusivity_m2_s": 10 ** rng.uniform(-16, -13, n),
        "power_voltage_fraction": rng.uniform(0.5, 0.95, n)})
    m = evaluate_cell(d)
    i = m.pulse_current_A / d.electrode_area_m2
    q = np.minimum(m.pos_areal_capacity_C_m2, m.neg_areal_capacity_C_m2)
    at = evaluate_cell(dataclasses.replace(d, c_rate_per_h=i * 3600.0 / q))
    rel = at.pulse_resistance_ohm * at.current_A / ((1.0 - d.power_voltage_fraction) * m.avg_voltage_V) - 1.0
    assert np.all(rel < 1e-9)
    capped = rel < -1e-9
    assert 0.05 < capped.mean() < 0.5  # the slow graphites' pulses stop at their cap


def test_a_curve_that_rises_sooner_costs_power():
    # the negative's losses scaled up: the pulse power falls, the pulse resistance at the C-rate does not fall
    k = np.array([0.0, 0.5, 1.0, 2.0, 4.0])
    base = {"neg_ocv_loss_soc10_V": 0.1064, "neg_ocv_loss_soc5_V": 0.2298, "neg_ocv_loss_soc0_V": 0.9781}
    m = evaluate_cell(design_from_mapping({key: v * k for key, v in base.items()} | {"c_rate": 2.0}))
    assert np.all(np.diff(m.max_power_W) < 0) and np.all(np.diff(m.pulse_resistance_ohm) >= 0)


@pytest.mark.parametrize("key,value,other", [
    ("neg_ocv_loss_soc0_V", 0.1, {"neg_ocv_loss_soc5_V": 0.2, "neg_ocv_loss_soc10_V": 0.1}),
    ("pos_ocv_loss_soc5_V", 0.05, {"pos_ocv_loss_soc10_V": 0.2, "pos_ocv_loss_soc0_V": 0.3}),
    ("pos_ocv_loss_soc10_V", -0.1, {}),
    ("neg_ocv_loss_soc0_V", 6.0, {}),
])
def test_bad_nodes_name_their_key(key, value, other):
    # a node below the one before it (the OCP turns back) or outside 0-5 V is refused, naming the key
    with pytest.raises(InputError) as e:
        evaluate_cell(design_from_mapping({key: value, **other}))
    assert e.value.name == key and isinstance(e.value, ValueError)
    out = udfs.udf_functions()["XLCELL_CELL_VALUE"]([[key, value], *([k, v] for k, v in other.items())],
                                                    "max_power_W")
    text = out[0][0] if isinstance(out, list) else out
    assert isinstance(text, str) and text.startswith(f"#XLCELL! {key} = ")


def test_a_materials_table_s_blank_nodes_are_the_library_s_else_zero():
    # the Materials sheet shows the library's nodes; a blank node column (or a table made before the columns) is the
    # library material's, and a user's own material's blank is no curve
    XLCELL_MATERIALS, XLCELL_CELL = (udfs.udf_functions()[k] for k in ("XLCELL_MATERIALS", "XLCELL_CELL"))
    header = XLCELL_MATERIALS()[0]
    rows = XLCELL_MATERIALS("negative")
    graphite = list(rows[[r[0] for r in rows].index("Graphite")])
    cols = [header.index(k) for k in OCV_NODE_KEYS]
    assert [graphite[j] for j in cols] == [0.1064, 0.2298, 0.9781]

    def power(name, nodes):
        row = list(graphite)
        row[0] = name
        for j, v in zip(cols, nodes):
            row[j] = v
        return dict(XLCELL_CELL([["neg_material", name]], [header, row]))["max_power_W"]

    lib = dict(XLCELL_CELL([["neg_material", "Graphite"]]))["max_power_W"]
    assert power("Graphite", ["", "", ""]) == lib
    assert power("MyGraphite", ["", "", ""]) == power("MyGraphite", [0.0, 0.0, 0.0])
    assert power("MyGraphite", [0.1064, 0.2298, 0.9781]) < power("MyGraphite", [0.0, 0.0, 0.0])
    old = [c for c in header if c not in OCV_NODE_KEYS]
    assert dict(XLCELL_CELL([["neg_material", "Graphite"]], [old, [graphite[header.index(c)] for c in old]]))[
        "max_power_W"] == lib


def test_pulse_current_of_a_population_is_each_designs_alone_bit_for_bit():
    # the pulse's Newton iterations run only on the designs not yet converged (issue 15): a population whose designs
    # converge after different numbers of iterations (thin and thick coatings, fine and coarse particles, curves or
    # none) gives each design the numbers it has alone, bit for bit
    rng = np.random.default_rng(5)
    n = 40
    vals = {"pos_thickness_um": rng.uniform(40, 250, n), "pos_porosity": rng.uniform(0.18, 0.45, n),
            "pos_particle_radius_um": rng.uniform(0.5, 6.0, n), "np_ratio": rng.uniform(1.02, 1.3, n),
            "neg_ocv_loss_soc0_V": np.where(np.arange(n) % 3 == 0, 0.0, 0.9781)}
    vals["neg_ocv_loss_soc5_V"] = np.where(vals["neg_ocv_loss_soc0_V"] > 0, 0.2298, 0.0)
    vals["neg_ocv_loss_soc10_V"] = np.where(vals["neg_ocv_loss_soc0_V"] > 0, 0.1064, 0.0)
    many = evaluate_cell(design_from_mapping(vals), metrics=["pulse_current_A", "max_power_W"])
    for j in range(n):
        one = evaluate_cell(design_from_mapping({k: float(v[j]) for k, v in vals.items()}),
                            metrics=["pulse_current_A", "max_power_W"])
        assert float(many.pulse_current_A[j]) == float(one.pulse_current_A)
        assert float(many.max_power_W[j]) == float(one.max_power_W)
