"""The reduced porous-electrode (DFN) model, ``xlcell.porous`` (issue 13).

Checked against what we did not write: the roots of tan λ = λ (Carslaw & Jaeger, *Conduction of Heat in Solids*,
§9.3, Table: λ₁ = 4.4934, λ₂ = 7.7253, λ₃ = 10.9041), the exact sphere's usable share under a constant flux (the
closed form :func:`xlcell.cell.sphere_usable_fraction` tabulates Carslaw & Jaeger's series), the conservation of salt,
and PyBaMM's DFN on published parameter sets (``tests/data/pybamm_dfn_reference.json``, written by
``scripts/pybamm_dfn_reference.py``; no PyBaMM needed here), each set given to the porous model from what that file
stores of it (``scripts/porous_dfn_check.py``): its OCP over the cycled window, its electrolyte's D(c), κ(c) and
thermodynamic factor as PyBaMM evaluated them, its exchange currents and its solid conductivities. Targets are issue
13's (capacity 1.5 %, retention 5 points up to 3C and 10 at 5C, the thickness cliff 10 %).
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from scripts import porous_dfn_check as check
from scripts import rate_dfn_table as table
from xlcell.cell import sphere_usable_fraction
from xlcell.constants import FARADAY, GAS_CONSTANT
from xlcell.errors import InputError
from xlcell.porous import PorousCell, discharge, sphere_modes

REF = table.load()
T = table.TARGETS

HELD = table.load(table.HELDOUT)
#: the comparisons that miss issue 13's targets with each set's own functions (DFN against the porous model, measured)
MISSES = {
    ("ORegan2022", 3.0): "DFN 0.694 against 0.637 at 3C (-5.7 points; 0.635 on a 12-5-12 grid): O'Regan et al.'s "
                         "solid diffusivities vary with the stoichiometry (the DFN's D(sto)); the porous model's "
                         "particles carry one effective D each (fitted to the closed form's uniform reaction), and "
                         "its thermodynamic factor (0.36 to 0.55) is the one set's far from 1",
    ("ORegan2022", "1C"): "DFN 139.8 um against 123.4 um (-11.7 %): as at 3C (above); from the design keys "
                          "(thermodynamic factor 1, its OCV nodes) 135.2 um, within target",
    ("ORegan2022", "2C"): "DFN 90.2 um against 77.8 um (-13.7 %): as at 3C; from the design keys 89.7 um",
}
#: the comparisons that miss issue 13's targets from xlcell's design keys (what a user has)
DESIGN_MISSES = {
    ("Ecker2015", "c80"): "DFN 8.06C against 12.82C (+59 %): Ecker et al.'s graphite diffusivity falls 100-fold into "
                          "its window, and one effective D (the mapping's, fitted over 0.2-5C) is optimistic beyond "
                          "5C (10C: DFN 0.720, porous 0.884); the 80 % point of this set lies at 8C, where the DFN "
                          "ends on solid diffusion in both electrodes (the closed form: 8.36C, by its salt front)",
}


def _mark(key, misses=MISSES):
    return pytest.mark.xfail(strict=True, reason=misses[key]) if key in misses else ()


@pytest.fixture(scope="module")
def porous():
    """Every set's retention at the DFN's C-rates and its 1C and 2C sweeps, by the porous model."""
    out = {}
    for name, s in REF["sets"].items():
        ret, q20 = check.retention(s, s["retention"]["c_rates"])
        out[name] = {"retention": ret, "capacity_Ah_m2": float(q20[0]) / 3600.0,
                     "sweep": {k: check.sweep(s, k) for k in ("1C", "2C")}}
    return out


def test_sphere_modes_are_the_roots_of_tan_lambda_equal_lambda():
    lam = sphere_modes(8)
    np.testing.assert_allclose(np.tan(lam), lam, rtol=1e-10)
    np.testing.assert_allclose(lam[:3], [4.4934, 7.7253, 10.9041], atol=1e-4)  # Carslaw & Jaeger §9.3
    assert np.all(np.diff(lam) > np.pi * 0.95)  # one root per branch
    assert 0.2 - np.sum(2.0 / sphere_modes(2000) ** 2) == pytest.approx(0.0, abs=2e-4)  # Σ 2/λ² = 1/5


def _flat(n_p: Any, h: float, steep: bool) -> PorousCell:
    """A cell limited by solid diffusion in its positive alone: a flat OCP, a highly conducting electrolyte, fast
    kinetics, a large negative; the positive's particles of diffusion time n_p × the discharge's. ``steep``: the
    positive's OCP falls by 1 V per 0.1 % of its window past the window's end (the cut-off 0.1 % past it), else it
    stays flat into the headroom h (the cut-off where the surface reaches its stoichiometry's bound)."""
    if steep:
        pos = lambda x: (4.0 + 1e3 * np.minimum(x, 0.0), np.where(x < 0.0, 1e3, 0.0))  # noqa: E731
    else:
        pos = lambda x: (np.full_like(x, 4.0), np.zeros_like(x))  # noqa: E731
    neg = lambda x: (np.full_like(x, 0.1), np.zeros_like(x))  # noqa: E731
    r = 5e-6
    return PorousCell(thickness_m=(50e-6, 10e-6, 50e-6), porosity=(0.3, 0.5, 0.3), bruggeman=(1.5, 1.5, 1.5),
                      concentration_mol_m3=1000.0, diffusivity_m2_s=1e-6, conductivity_S_m=1e3, transference=0.3,
                      capacity_C_m2=(4e5, 1e5), radius_m=(1e-7, r),
                      solid_diffusivity_m2_s=(1e-12, r**2 / (np.asarray(n_p) * 3600.0)), exchange_A_m2=(1e4, 1e4),
                      headroom=(0.5, h), ocp=(neg, pos), temperature_K=298.15, cutoff_V=3.0)


def test_a_solid_limited_cell_delivers_the_exact_spheres_share():
    # 1C on the positive's window, N = t_s/t_dis from 0.1 to 5: the modal particles against Carslaw & Jaeger's series
    n_p = np.array([0.1, 0.5, 1.0, 2.0, 5.0])
    out = discharge(_flat(n_p, 0.1, steep=True), 1e5 / 3600.0, nodes=(2, 1, 2), n_steps=800, n_modes=10)
    assert out["ended"].all()
    got = out["capacity_C_m2"] / 1e5
    np.testing.assert_allclose(got, sphere_usable_fraction(n_p, 0.001), atol=0.002)  # measured: within 2e-4
    assert np.all(np.diff(got) < 0)  # slower particles deliver less


@pytest.mark.parametrize("h", [0.05, 0.2])
def test_the_surface_may_run_into_its_headroom(h):
    # a flat OCP into the headroom: the discharge ends where the surface reaches the stoichiometry's bound (SOC -h),
    # the exact sphere's (1 + h) U(N/(1 + h))
    n_p = np.array([5.0, 10.0, 20.0])  # where (1 + h) U(N/(1 + h)) < 1 (the closed form caps it at the window)
    out = discharge(_flat(n_p, h, steep=False), 1e5 / 3600.0, nodes=(2, 1, 2), n_steps=800, n_modes=10)
    np.testing.assert_allclose(out["capacity_C_m2"] / 1e5, sphere_usable_fraction(n_p, h), atol=0.01)


def test_salt_is_conserved_and_each_design_is_its_own():
    s = REF["sets"]["Chen2020"]
    cell = check.porous_cell(s)
    rates = np.array([0.5, 2.0, 3.0])
    q = 50.0 * 3600.0
    out = discharge(cell, q * rates / 3600.0)
    np.testing.assert_allclose(out["salt_mol_m2"], out["salt_initial_mol_m2"], rtol=1e-8)
    assert out["salt_min"][2] < 0.05 < out["salt_min"][0]  # 3C runs the positive's pores empty, C/2 does not
    alone = discharge(cell, q * 3.0 / 3600.0)
    assert alone["capacity_C_m2"][0] == pytest.approx(out["capacity_C_m2"][2], rel=1e-6)


def test_bad_inputs_name_the_argument():
    cell = _flat(1.0, 0.1, steep=True)
    with pytest.raises(InputError, match="current_A_m2"):
        discharge(cell, [10.0, -1.0])
    with pytest.raises(InputError, match="n_steps"):
        discharge(cell, 10.0, n_steps=0)


@pytest.mark.parametrize("name", list(REF["sets"]))
def test_capacity_at_c20_against_the_dfn(porous, name):
    assert porous[name]["capacity_Ah_m2"] == pytest.approx(REF["sets"][name]["capacity_C20_Ah_m2"], rel=T["capacity"])


@pytest.mark.parametrize("name,rate", [pytest.param(n, c, marks=_mark((n, c)), id=f"{n}-{c}C")
                                       for n, s in REF["sets"].items() for c in s["retention"]["c_rates"] if c <= 5.0])
def test_retention_against_the_dfn(porous, name, rate):
    # includes the three past the electrolyte cliff that the closed form misses (Chen2020 3C, ORegan2022 5C)
    r = REF["sets"][name]["retention"]
    k = r["c_rates"].index(rate)
    tol = T["retention_3C"] if rate <= 3.0 else T["retention_5C"]
    assert porous[name]["retention"][k] == pytest.approx(r["fraction"][k], abs=tol)


@pytest.mark.parametrize("name,sweep", [pytest.param(n, w, marks=_mark((n, w)), id=f"{n}-{w}")
                                        for n in REF["sets"] for w in ("1C", "2C")])
def test_thickness_cliff_against_the_dfn(porous, name, sweep):
    # includes Ecker2015's 2C cliff, which the closed form misses by 18 %
    r = REF["sets"][name]["thickness_sweep"][sweep]
    x = porous[name]["sweep"][sweep]
    if r["cliff_m"] is None:
        assert x["cliff_m"] is None or x["cliff_m"] > r["pos_thickness_m"][-1]
    else:
        assert x["cliff_m"] == pytest.approx(r["cliff_m"], rel=T["cliff"])


# ---------------------------------------------------------------- from xlcell's design keys, as a user has them
DESIGN_CASES = [(w, n) for w, r in (("reference", REF), ("heldout", HELD)) for n in r["sets"]]


@pytest.fixture(scope="module")
def by_design():
    """Every set's numbers by :func:`xlcell.porous.rate_capability` on its xlcell design keys
    (``scripts/porous_dfn_check.py``'s ``design_numbers``): its OCV nodes, laws, windows; thermodynamic factor 1."""
    return {(w, n): check.design_numbers(r["sets"][n]) for w, r in (("reference", REF), ("heldout", HELD))
            for n in r["sets"]}


def _ref(which):
    return REF if which == "reference" else HELD


@pytest.mark.parametrize("which,name", DESIGN_CASES)
def test_design_capacity_against_the_dfn(by_design, which, name):
    s = _ref(which)["sets"][name]
    assert by_design[which, name]["capacity_Ah_m2"] == pytest.approx(s["capacity_C20_Ah_m2"], rel=T["capacity"])


@pytest.mark.parametrize("which,name,rate", [pytest.param(w, n, c, id=f"{w}-{n}-{c}C") for w, n in DESIGN_CASES
                                             for c in _ref(w)["sets"][n]["retention"]["c_rates"] if c <= 5.0])
def test_design_retention_against_the_dfn(by_design, which, name, rate):
    # the closed form's three strict xfails among them (Chen2020 3C, ORegan2022 5C; Ecker2015's 2C cliff below), and
    # the held-out sets, run once the model was written and never used to fit it
    r = _ref(which)["sets"][name]["retention"]
    k = r["c_rates"].index(rate)
    tol = T["retention_3C"] if rate <= 3.0 else T["retention_5C"]
    assert by_design[which, name]["retention"][k] == pytest.approx(r["fraction"][k], abs=tol)


@pytest.mark.parametrize("which,name", [pytest.param(w, n, marks=_mark((n, "c80"), DESIGN_MISSES), id=f"{w}-{n}")
                                        for w, n in DESIGN_CASES])
def test_design_c_rate_of_80pct_retention(by_design, which, name):
    s = _ref(which)["sets"][name]
    assert by_design[which, name]["c_rate_80pct"] == pytest.approx(s["c_rate_80pct"], rel=T["c_rate_80pct"])


@pytest.mark.parametrize("which,name,sweep", [pytest.param(w, n, k, id=f"{w}-{n}-{k}") for w, n in DESIGN_CASES
                                              for k in ("1C", "2C")])
def test_design_thickness_cliff(by_design, which, name, sweep):
    r = _ref(which)["sets"][name]["thickness_sweep"][sweep]
    x = by_design[which, name]["thickness_sweep"][sweep]
    if r["cliff_m"] is None:
        assert x["cliff_m"] is None or x["cliff_m"] > r["pos_thickness_m"][-1]
    else:
        assert x["cliff_m"] == pytest.approx(r["cliff_m"], rel=T["cliff"])


def test_the_docs_tables_are_the_models(by_design):
    # docs/models/rate-power.md shows these numbers (scripts/porous_dfn_check.py --write)
    text = check.DOC.read_text(encoding="utf-8")
    i, j = text.index(check.BEGIN) + len(check.BEGIN), text.index(check.END)
    assert text[i:j].strip() == check.doc_tables(by_design).strip()


@pytest.mark.parametrize("pos", ["NMC622", "LMO"])
def test_a_positive_without_an_ocv_curve_takes_the_tail_beside_graphite(pos):
    # the library's NMC622 and LMO carry no OCV nodes, its graphite does: the positive without a curve must take the
    # closed form's end-of-discharge tail (the cell's OCV), not a flat OCP that ends the discharge at its window's
    # stoichiometry bound (no headroom) -- that gave NMC622-graphite 0.76 at 1C against the closed form's 0.963 (and
    # 0.896 for the same cell with NMC811's curve). Below the cliff (C/2, 1C) the closed form is trusted (issue 13)
    from xlcell import porous as pm
    from xlcell.cell import rate_capability as closed
    from xlcell.design import design_from_mapping

    d = design_from_mapping({"pos_material": pos})
    rates = [0.5, 1.0]
    np.testing.assert_allclose(pm.rate_capability(d, rates), closed(d, rates), atol=0.04)


def test_the_docs_constant_electrolyte_sentences_are_the_models():
    # docs/models/rate-power.md quotes the porous model against the constant-electrolyte DFN (porous_dfn_check.py
    # --constant) and Chen2020 at 3C with its own functions on the default grid (the script without options); those
    # sentences must be what the script prints (they were stale: 0.836, 0.272, 0.674, 110.1 / 75.6 and 0.393)
    text = check.DOC.read_text(encoding="utf-8")
    chen, lfp = REF["sets"]["Chen2020"], REF["sets"]["LFP_AboutEnergy2022"]
    r, _ = check.retention(chen, [2.0, 3.0], constant=True)
    d = chen["constant_electrolyte"]["retention"]
    dk = [d["fraction"][d["c_rates"].index(c)] for c in (2.0, 3.0)]
    assert f"Chen2020 2C {r[0]:.3f} ({dk[0]:.3f}), 3C {r[1]:.3f} ({dk[1]:.3f})" in text
    r, _ = check.retention(lfp, [3.0], constant=True)
    d = lfp["constant_electrolyte"]
    cl = [check.sweep(lfp, w, True)["cliff_m"] * 1e6 for w in ("1C", "2C")]
    ref = [d["thickness_sweep"][w]["cliff_m"] * 1e6 for w in ("1C", "2C")]
    k = d["retention"]["c_rates"].index(3.0)
    assert (f"LFP 3C {r[0]:.3f} ({d['retention']['fraction'][k]:.3f}), cliffs {cl[0]:.1f} and {cl[1]:.1f} µm "
            f"({ref[0]:.1f} and {ref[1]:.1f})") in text
    r, _ = check.retention(chen, [3.0])
    fine, _ = check.retention(chen, [3.0], nodes=(12, 5, 12), n_steps=200)
    assert (f"Chen2020 3C with the set's own functions gives {r[0]:.3f} on it and\n{fine[0]:.3f} on a 12, 5, 12 grid "
            "with 200 steps") in text


@pytest.mark.parametrize("calendering", [None, {"anisotropic_transport": False}])
def test_design_cell_carries_the_chains_resistances(calendering):
    # the porous cell of a design has the cell chain's small-current resistances, term by term: the electrolyte's at a
    # uniform reaction L/(3 κ ε^b) + L_s/(κ ε^b_s) + L/(3 κ ε^b) (the through-plane anisotropy A as the exponent
    # b + ln √A / ln(1/ε)), the charge transfer's RT/(F I0), the coatings' L/(3σ) and the hardware's
    from xlcell import cell as cm
    from xlcell.constants import FARADAY, GAS_CONSTANT
    from xlcell.design import design_from_mapping
    from xlcell.porous import design_cell

    d = design_from_mapping({"pos_thickness_um": [60.0, 120.0], "pos_porosity": [0.25, 0.35],
                             "sep_bruggeman_exponent": 2.0})
    pc, shape, q = design_cell(d, calendering=calendering)
    ch = cm.chain(cm.broadcast_fields_cell(cm.resolve(d)), None, calendering)
    k, L, e, b = np.asarray(pc.conductivity_S_m), pc.thickness_m, pc.porosity, pc.bruggeman
    asi_el = L[0] / (3 * k * e[0] ** b[0]) + L[1] / (k * e[1] ** b[1]) + L[2] / (3 * k * e[2] ** b[2])
    np.testing.assert_allclose(asi_el, ch["asi_electrolyte_ohm_m2"], rtol=1e-12)
    vt = GAS_CONSTANT * np.asarray(pc.temperature_K) / FARADAY
    np.testing.assert_allclose(vt / pc.exchange_A_m2[0], ch["asi_ct_neg_ohm_m2"], rtol=1e-12)
    np.testing.assert_allclose(vt / pc.exchange_A_m2[1], ch["asi_ct_pos_ohm_m2"], rtol=1e-12)
    np.testing.assert_allclose(L[0] / (3 * pc.solid_conductivity_S_m[0]) + L[2] / (3 * pc.solid_conductivity_S_m[1]),
                               ch["asi_electronic_ohm_m2"], rtol=1e-12)
    np.testing.assert_allclose(pc.series_asi_ohm_m2, ch["asi_hardware_ohm_m2"], rtol=1e-12)
    np.testing.assert_allclose(q, np.minimum(ch["pos_areal_capacity_C_m2"], ch["neg_areal_capacity_C_m2"]))


def _linear_cell(**kw: Any) -> PorousCell:
    """A cell with linear OCPs (positive 2 + 0.5 SOC, negative 0.1 - 0.2 SOC: 2.6 V full) and constant electrolyte."""
    pos = lambda x: (2.0 + 0.5 * x, np.full_like(x, 0.5))  # noqa: E731
    neg = lambda x: (0.1 - 0.2 * x, np.full_like(x, -0.2))  # noqa: E731
    base = dict(thickness_m=(60e-6, 20e-6, 60e-6), porosity=(0.3, 0.4, 0.3), bruggeman=(1.5, 1.5, 1.5),
                concentration_mol_m3=1000.0, diffusivity_m2_s=3e-10, conductivity_S_m=1.0, transference=0.38,
                capacity_C_m2=(1.2 * 3.6e4, 3.6e4), radius_m=(5e-6, 5e-6), solid_diffusivity_m2_s=(1e-9, 1e-9),
                exchange_A_m2=(0.5, 0.5), headroom=(0.05, 0.05), ocp=(neg, pos), temperature_K=298.15, cutoff_V=2.0)
    base.update(kw)
    return PorousCell(**base)


def test_the_first_step_is_the_ocv_less_the_small_current_resistance():
    # kinetics far slower than the electrolyte (ASI_ct = 2 × 0.0514 Ω m² against 1.7e-4): the reaction is uniform, so
    # the drop after 1 ms at 10 mA/m² is I (L/(3 κ ε^b) + L_s/(κ ε^b_s) + L/(3 κ ε^b) + RT/(F I0,n) + RT/(F I0,p))
    out = discharge(_linear_cell(), 0.01, n_steps=2000, t_max_s=2.0)
    vt = GAS_CONSTANT * 298.15 / FARADAY
    kap = [0.3**1.5, 0.4**1.5, 0.3**1.5]
    asi = 60e-6 / (3 * kap[0]) + 20e-6 / kap[1] + 60e-6 / (3 * kap[2]) + 2 * vt / 0.5
    assert 2.6 - out["voltage_V"][0, 1] == pytest.approx(0.01 * asi, rel=1e-5)  # measured: 1e-9


def test_a_fast_cell_at_c20_ends_where_its_ocv_meets_the_cut_off():
    # everything fast: the discharge ends where 2 + 0.5 x_p - 0.1 + 0.2 x_n = 2.0 V, x_p = 1 - f, x_n = 1 - f/1.2:
    # f = 0.6/(0.5 + 0.2/1.2) = 0.9 of the positive's window
    cell = _linear_cell(conductivity_S_m=1e3, diffusivity_m2_s=1e-6, solid_diffusivity_m2_s=(1e-11, 1e-11),
                        exchange_A_m2=(1e4, 1e4))
    out = discharge(cell, 3.6e4 / 20.0 / 3600.0, n_steps=400)
    assert out["capacity_C_m2"][0] / 3.6e4 == pytest.approx(0.9, abs=1e-3)  # measured: 0.89999


def test_an_electrode_symmetric_cell_is_symmetric():
    # a fast electrolyte; one cell limited by slow particles and a sloping OCP in its positive, its mirror in its
    # negative (the other electrode flat, twice the capacity, fast): the same capacity (the signs of the two
    # electrodes' OCP, wall, particles and overpotentials mirror each other)
    slow, fast = 5e-15, 1e-11
    fp = lambda x: (3.5 + 0.3 * np.minimum(x, 0.5), np.where(x < 0.5, 0.3, 0.0))  # noqa: E731
    fn = lambda x: (0.1 - 0.3 * np.minimum(x, 0.5), np.where(x < 0.5, -0.3, 0.0))  # noqa: E731
    flat_p = lambda x: (np.full_like(x, 3.65), np.zeros_like(x))  # noqa: E731
    flat_n = lambda x: (np.full_like(x, -0.05), np.zeros_like(x))  # noqa: E731
    common = dict(conductivity_S_m=100.0, diffusivity_m2_s=1e-7, cutoff_V=3.3, exchange_A_m2=(20.0, 20.0))
    a = _linear_cell(ocp=(flat_n, fp), capacity_C_m2=(6e4, 3e4), solid_diffusivity_m2_s=(fast, slow),
                     headroom=(0.3, 0.1), **common)
    b = _linear_cell(ocp=(fn, flat_p), capacity_C_m2=(3e4, 6e4), solid_diffusivity_m2_s=(slow, fast),
                     headroom=(0.1, 0.3), **common)
    for rate in (0.5, 2.0):
        qa = discharge(a, 3e4 * rate / 3600.0, n_steps=300)["capacity_C_m2"][0]
        qb = discharge(b, 3e4 * rate / 3600.0, n_steps=300)["capacity_C_m2"][0]
        assert qa == pytest.approx(qb, rel=1e-6) and qa < 3.3e4  # measured: 1.054 and 0.917 of the window, equal
