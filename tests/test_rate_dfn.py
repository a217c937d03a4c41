"""xlcell's rate and power model against PyBaMM's DFN on published parameter sets (issue 13, items 3 and 4).

The reference numbers are ``tests/data/pybamm_dfn_reference.json``, written by ``scripts/pybamm_dfn_reference.py``
with PyBaMM's Doyle–Fuller–Newman model (no PyBaMM is needed here). ``scripts/rate_dfn_table.py`` maps each set onto
xlcell's design keys (with the cut-off, the stoichiometry windows and the diffusivity where the discharge ends) and
computes xlcell's numbers; this file holds them to the issue's targets, set by set:

* capacity at C/20 within 1.5 %;
* retention within 5 points up to 3C and within 10 points at 5C;
* the C-rate of 80 % retention within 15 %;
* the thickness cliff (80 % retention, both electrodes scaled) within 10 % at 1C and 2C;
* the 10 s pulse power at 0.8 x OCV (BatPaC's definition) within 20 %.

A comparison that misses its target after the model's honest effort is marked ``xfail(strict=True)`` with the measured
numbers, so that it is reported, and fails the day it passes (the mark must then go).
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("rate_dfn_table", ROOT / "scripts" / "rate_dfn_table.py")
table = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(table)

REF = table.load()
SETS = list(REF["sets"])
T = table.TARGETS

#: the comparisons that miss the issue's target, with the numbers measured (DFN against xlcell)
MISSES = {
    ("Chen2020", "retention", 3.0): "DFN 0.415 against xlcell 0.232 at 3C (-18.2 points): just past the M50's "
                                    "electrolyte cliff the DFN's salt diffusivity, which rises as the salt runs low "
                                    "(Chen et al.'s D_e(c)), keeps more of the positive working than the constant "
                                    "D_e of the closed form",
    ("Ecker2015", "cliff", "2C"): "DFN 139.7 um against xlcell 114.5 um at 2C (-18.1 %): the closed form puts the "
                                  "depletion cliff of the thick cell earlier; the DFN's separator Bruggeman exponent "
                                  "(1.98) and D_e(c) are not in the one-exponent, constant-D_e design",
}


@pytest.fixture(scope="module")
def comp():
    return table.comparison(REF)


def _mark(key):
    return pytest.mark.xfail(strict=True, reason=MISSES[key]) if key in MISSES else ()


def test_the_reference_holds_the_sets_the_issue_asks_for():
    # at least four sets of different limiting mechanisms, an LFP cell and a solid-limited negative, and not the two
    # sets kept for an independent check
    assert len(SETS) >= 4 and not {"Mohtat2020", "Prada2013"} & set(SETS)
    assert any("LFP" in s for s in SETS) and all(REF["sets"][s]["limiting_mechanism"] for s in SETS)
    assert REF["pybamm_version"] and REF["generated_by"] == "scripts/pybamm_dfn_reference.py"


@pytest.mark.parametrize("name", SETS)
def test_capacity_at_c20(comp, name):
    r, x = comp[name]["dfn"], comp[name]["xlcell"]
    assert x["capacity_Ah_m2"] == pytest.approx(r["capacity_C20_Ah_m2"], rel=T["capacity"])


@pytest.mark.parametrize("name,rate", [pytest.param(n, c, marks=_mark((n, "retention", c)), id=f"{n}-{c:g}C")
                                       for n in SETS for c in REF["sets"][n]["retention"]["c_rates"] if c <= 5.0])
def test_retention(comp, name, rate):
    r, x = comp[name]["dfn"], comp[name]["xlcell"]
    k = r["retention"]["c_rates"].index(rate)
    tol = T["retention_3C"] if rate <= 3.0 else T["retention_5C"]
    assert x["retention"][k] == pytest.approx(r["retention"]["fraction"][k], abs=tol)


@pytest.mark.parametrize("name", [pytest.param(n, marks=_mark((n, "c80", None))) for n in SETS])
def test_c_rate_of_80pct_retention(comp, name):
    r, x = comp[name]["dfn"], comp[name]["xlcell"]
    assert x["c_rate_80pct"] == pytest.approx(r["c_rate_80pct"], rel=T["c_rate_80pct"])


@pytest.mark.parametrize("name,rate", [pytest.param(n, c, marks=_mark((n, "cliff", c)), id=f"{n}-{c}")
                                       for n in SETS for c in ("1C", "2C")])
def test_thickness_cliff(comp, name, rate):
    r, x = comp[name]["dfn"]["thickness_sweep"][rate], comp[name]["xlcell"]["thickness_sweep"][rate]
    if r["cliff_m"] is None:  # no cliff inside the DFN's sweep: xlcell's must not fall inside it either
        assert x["cliff_m"] is None or x["cliff_m"] > r["pos_thickness_m"][-1]
        assert min(x["retention"]) > 0.8
    else:
        assert x["cliff_m"] == pytest.approx(r["cliff_m"], rel=T["cliff"])


@pytest.mark.parametrize("name", [pytest.param(n, marks=_mark((n, "pulse", None))) for n in SETS])
def test_pulse_power(comp, name):
    r, x = comp[name]["dfn"], comp[name]["xlcell"]
    assert x["pulse_power_W_m2"] == pytest.approx(r["pulse"]["power_W_m2"], rel=T["pulse_power"])


def test_the_pulse_resistances_are_of_the_dfns_order():
    # not one of the issue's targets; reported in the docs. Every set within 35 % at 2C and at C/10, and the 2C pulse
    # never more resistive than the small-current one by more than the DFN's own ratio allows
    for name in SETS:
        r, x = REF["sets"][name]["pulse"], table.xlcell_numbers(REF["sets"][name])
        for k in ("resistance_2C_ohm_m2", "resistance_small_ohm_m2"):
            assert x[k] == pytest.approx(r[k], rel=0.35), (name, k)


def test_the_old_model_was_what_the_issue_says():
    # the issue's numbers for the model before it: 100 % retention of a solid-limited cell, 0.60 at 3C past the
    # M50's cliff, power 1.5-2.6x too low. The new model on the same sets: the DFN's losses, 0.23 at 3C, and the
    # power within 20 % (the targets above); here only the direction of each change
    x = table.xlcell_numbers(REF["sets"]["Chen2020"])
    assert x["retention"][REF["sets"]["Chen2020"]["retention"]["c_rates"].index(3.0)] < 0.6
    lfp = table.xlcell_numbers(REF["sets"]["LFP_AboutEnergy2022"])
    assert lfp["retention"][REF["sets"]["LFP_AboutEnergy2022"]["retention"]["c_rates"].index(3.0)] < 0.9


def test_the_docs_show_these_tables(comp):
    doc = table.DOC.read_text(encoding="utf-8")
    a, b = doc.index(table.BEGIN) + len(table.BEGIN), doc.index(table.END)
    assert doc[a:b].strip() == table.tables(comp, REF["pybamm_version"]).strip(), \
        "docs/models/rate-power.md: run python scripts/rate_dfn_table.py --write"


def test_vectorised_over_the_sets():
    # one call for every set's retention at every rate equals the set-by-set numbers (no Python loop in the model)
    from xlcell.cell import rate_capability
    from xlcell.design import design_from_mapping

    vals = [table.design_values(REF["sets"][n]) for n in SETS]
    keys = sorted(set().union(*vals) - {"pos_material", "neg_material"})
    together = {k: np.array([v[k] for v in vals], dtype=float) for k in keys}
    together.update({k: np.array([v[k] for v in vals], dtype=object) for k in ("pos_material", "neg_material")})
    rates = np.array([0.2, 1.0, 3.0])
    f = rate_capability(design_from_mapping(together), rates, fmt=table.BARE, calendering=table.CALENDERING)
    for j, v in enumerate(vals):
        one = rate_capability(design_from_mapping(v), rates, fmt=table.BARE, calendering=table.CALENDERING)
        np.testing.assert_allclose(f[j], one.reshape(-1), rtol=1e-12)
