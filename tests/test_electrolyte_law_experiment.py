"""The DFN sets' concentration-dependent salt diffusivity in the closed form (scripts/electrolyte_law_experiment.py).

Each set's D(c), as xlcell's law about its initial concentration, is checked against PyBaMM's own values of the set's
parameter function (tests/data/pybamm_electrolyte_properties.json, written by scripts/pybamm_dfn_reference.py
--electrolyte-properties; no PyBaMM needed here). The experiment's table in docs/models/rate-power.md is the script's
output (kept in step here), and its finding is held: D(c) through Kirchhoff's transform moves the two misses of
tests/test_rate_dfn.py towards the DFN but overshoots where the DFN's conductivity falls with the salt.
"""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from xlcell.transport import salt_diffusivity_factor

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("electrolyte_law_experiment",
                                               ROOT / "scripts" / "electrolyte_law_experiment.py")
exp = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(exp)
PROPS = json.loads(exp.PROPERTIES.read_text(encoding="utf-8"))


def test_the_properties_come_from_pybamm():
    assert PROPS["generated_by"] == "scripts/pybamm_dfn_reference.py"
    assert PROPS["pybamm_version"] == exp.table.load()["pybamm_version"]
    # every set of both DFN files, so that every comparison has its electrolyte
    assert set(PROPS["sets"]) == set(exp.table.load()["sets"]) | set(exp.table.load(exp.table.HELDOUT)["sets"])


@pytest.mark.parametrize("name", sorted(exp.ELECTROLYTE_LAWS))
def test_each_sets_law_is_pybamms_diffusivity(name):
    # D(c)/D(c0) of the mapped law against PyBaMM's evaluation of the set's function, 0.02 to 4 c0 (stored to 7 digits)
    p = PROPS["sets"][name]
    x = np.asarray(p["c_over_c0"])
    D = np.asarray(p["diffusivity_m2_s"])
    ratio = D / D[p["c_over_c0"].index(1.0)]
    np.testing.assert_allclose(salt_diffusivity_factor(x, **exp.ELECTROLYTE_LAWS[name]), ratio, rtol=2e-6)
    # and D(c0) is the design's key, as the DFN reference stores it
    ref = exp.table.load(exp.table.HELDOUT if name in ("Mohtat2020", "Prada2013") else exp.table.REFERENCE)
    assert ref["sets"][name]["design"]["electrolyte_diffusivity_m2_s"] == pytest.approx(D[p["c_over_c0"].index(1.0)],
                                                                                       rel=1e-6)


@pytest.fixture(scope="module")
def nums():
    return exp.numbers()


def test_the_docs_show_the_experiment(nums):
    doc = exp.table.DOC.read_text(encoding="utf-8")
    assert exp.table.doc_block(doc, exp.BEGIN, exp.END).strip() == exp.markdown(nums).strip(), \
        "docs/models/rate-power.md: run python scripts/electrolyte_law_experiment.py --write"


def test_what_the_experiment_found(nums):
    # D(c) alone, exactly transformed: Ecker2015's 2C cliff comes within the issue's 10 % of the DFN's (from -18 %),
    # Chen2020's 3C retention moves past the DFN's (0.232 -> above 0.415), and both Ecker2015's and Marquis2019's 80 %
    # C-rates move more than 15 % beyond the DFN's: the closed form's conductivity does not fall with the salt
    ecker, chen, marquis = nums["Ecker2015"], nums["Chen2020"], nums["Marquis2019"]
    k3 = chen["dfn"]["retention"]["c_rates"].index(3.0)
    assert ecker["law"]["thickness_sweep"]["2C"]["cliff_m"] == pytest.approx(
        ecker["dfn"]["thickness_sweep"]["2C"]["cliff_m"], rel=0.10)
    assert ecker["const"]["thickness_sweep"]["2C"]["cliff_m"] < 0.85 * ecker["dfn"]["thickness_sweep"]["2C"]["cliff_m"]
    assert chen["const"]["retention"][k3] < chen["dfn"]["retention"]["fraction"][k3] < chen["law"]["retention"][k3]
    for s in (ecker, marquis):
        assert s["law"]["c_rate_80pct"] > 1.15 * s["dfn"]["c_rate_80pct"]
    # the attribution, from the DFN alone: with only D(c) concentration-dependent it gives Chen2020's full 3C retention
    # (the miss is D(c)) and puts Ecker2015's 2C cliff beyond the full DFN's (its conductivity and separator take it
    # back)
    assert chen["dfn"]["diffusivity_only"]["retention"]["fraction"][k3] == pytest.approx(
        chen["dfn"]["retention"]["fraction"][k3], abs=0.01)
    d2 = ecker["dfn"]["diffusivity_only"]["thickness_sweep"]["2C"]
    assert d2["cliff_m"] is None and min(d2["retention"]) > 0.8
    # the steady balance solved exactly with D(c) falls short of Chen2020's 3C retention by more than 5 points and puts
    # Ecker2015's 2C cliff more than 10 % beyond the DFN's: D(c) alone does not pass the two, however it is closed
    assert chen["exact"]["retention"][k3] < chen["dfn"]["retention"]["fraction"][k3] - 0.05
    assert ecker["exact"]["thickness_sweep"]["2C"]["cliff_m"] > 1.10 * ecker["dfn"]["thickness_sweep"]["2C"]["cliff_m"]
    # the DFN realises less than the law's Kirchhoff gain on every set with a cliff xlcell can move
    for name, v in nums.items():
        if v["factor_2C"] is not None:
            assert v["factor_2C"] < v["kirchhoff_0_1"], name


def test_a_constant_law_leaves_the_model_as_it_is():
    ref = exp.table.load(exp.table.HELDOUT)
    s = ref["sets"]["Prada2013"]
    before = exp.table.xlcell_numbers(s)
    with exp.with_law(exp.ELECTROLYTE_LAWS["Prada2013"]):
        assert exp.table.xlcell_numbers(s) == before


def test_the_steady_reach_with_d_of_c():
    # the numerical steady balance (no closure) is the model's own with a constant law (an independent check of it),
    # and with Nyman's D(c) lifts Chen2020's steady reach at 3C from 0.385 to 0.49, less than the region means' 0.67
    ref = exp.table.load()["sets"]["Chen2020"]
    const = exp.steady_reach(ref, {}, 3.0)
    assert const["exact"] == pytest.approx(const["constant"], rel=2e-3)
    r = exp.steady_reach(ref, exp.ELECTROLYTE_LAWS["Chen2020"], 3.0)
    assert r["constant"] < r["exact"] < r["closure"]
    assert r["exact"] == pytest.approx(0.493, abs=0.005) and r["closure"] == pytest.approx(0.671, abs=0.005)
