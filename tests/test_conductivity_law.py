"""The electrolyte conductivity law (xlcell.transport.conductivity_factor; design keys conductivity_*).

Checked against PyBaMM's own conductivities of the DFN sets (tests/data/pybamm_electrolyte_properties.json, stored by
scripts/pybamm_dfn_reference.py, which we did not write the laws of): the sets whose published κ(c) is a cubic in c
(Capiglia et al. 1999 for Marquis2019, Ecker et al. 2015, Kim et al. 2011 for NCA_Kim2011) are carried exactly, the
others (Nyman et al. 2008's c^1.5 term, Landesfeind & Gasteiger 2019) within 0.035 κ(c0) on 0-2 c0; the stored
coefficients are the fit of scripts/conductivity_law_fit.py; a blank law changes nothing; a law that is not positive
on 0-5 c0 is refused naming its key, by resolve and by the workbook's one-pass reader alike.
"""
from __future__ import annotations

import dataclasses
import importlib.util
from pathlib import Path

import numpy as np
import pytest

from xlcell.cell import default_design, evaluate_cell, resolve
from xlcell.errors import InputError
from xlcell.transport import check_conductivity_law, conductivity_factor

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("conductivity_law_fit", ROOT / "scripts" / "conductivity_law_fit.py")
fit = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fit)
PROPS = fit.load()["sets"]


def _nyman(c):  # Nyman et al. 2008, S/m, c in mol/L (PyBaMM's electrolyte_conductivity_Nyman2008)
    return 0.1297 * c**3 - 2.51 * c**1.5 + 3.329 * c


def _capiglia(c):  # Capiglia et al. 1999 as Dualfoil fits it (PyBaMM's Marquis2019 set)
    return 0.0911 + 1.9101 * c - 1.052 * c**2 + 0.1554 * c**3


def test_the_published_laws_are_the_stored_values():
    # the stored values are PyBaMM's evaluation of the published formulas (so the fit is of those)
    x = np.asarray(PROPS["Chen2020"]["c_over_c0"])
    np.testing.assert_allclose(PROPS["Chen2020"]["conductivity_S_m"], _nyman(x), rtol=2e-6, atol=1e-7)
    np.testing.assert_allclose(PROPS["Marquis2019"]["conductivity_S_m"], _capiglia(x), rtol=2e-6, atol=1e-7)


@pytest.mark.parametrize("name", sorted(PROPS))
def test_the_stored_coefficients_are_the_fit(name):
    got, ref = fit.CONDUCTIVITY_LAWS[name], fit.fit(PROPS[name])
    for k in ("linear", "quadratic", "cubic"):
        assert got[k] == pytest.approx(ref[k], rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("name, largest", [("Marquis2019", 1e-5), ("Ecker2015", 1e-5), ("NCA_Kim2011", 1e-5),
                                           ("Chen2020", 0.035), ("ORegan2022", 0.035), ("Prada2013", 0.045)])
def test_the_law_follows_pybamm_on_0_to_2_c0(name, largest):
    e = fit.errors(PROPS[name], fit.CONDUCTIVITY_LAWS[name])
    assert e["largest"] <= largest
    assert e["k0"] >= 0.0  # κ(0) no lower than 0
    # and the law is exactly h(1) = 1 and the cubic it spells
    law = fit.CONDUCTIVITY_LAWS[name]
    assert conductivity_factor(1.0, **law) == pytest.approx(1.0, abs=1e-15)
    x = np.linspace(0.0, 5.0, 11)
    k1, k2, k3 = law["linear"], law["quadratic"], law["cubic"]
    np.testing.assert_allclose(conductivity_factor(x, **law), (1 - k1 - k2 - k3) + k1 * x + k2 * x**2 + k3 * x**3,
                               rtol=1e-13, atol=1e-13)


def test_every_stored_law_is_accepted_and_positive_to_5_c0():
    x = np.linspace(1e-6, 5.0, 20001)
    for name, law in fit.CONDUCTIVITY_LAWS.items():
        check_conductivity_law(**law)
        assert (conductivity_factor(x, **law) > 0.0).all(), name


def test_a_constant_law_is_one():
    assert np.array_equal(conductivity_factor(np.array([0.0, 0.3, 1.0, 4.0])), np.ones(4))


@pytest.mark.parametrize("kw, name", [
    ({"linear": 2.0, "quadratic": 0.0, "cubic": 0.0}, "linear"),        # κ(0) = -1: negative at low salt
    ({"linear": 0.0, "quadratic": -0.1, "cubic": 0.0}, "quadratic"),    # κ(5 c0) = -1.4: the coefficient typed
    ({"linear": 2.4, "quadratic": -1.9, "cubic": 0.2}, "linear"),       # a dip below 0 inside 0-5 c0 (κ(5) < 0)
    ({"linear": 101.0, "quadratic": 0.0, "cubic": 0.0}, "linear"),      # out of bounds
    ({"linear": 0.0, "quadratic": 0.0, "cubic": np.nan}, "cubic"),      # not finite
])
def test_a_bad_law_is_refused_naming_its_coefficient(kw, name):
    with pytest.raises(InputError) as e:
        check_conductivity_law(**kw)
    assert e.value.name == name


def test_an_interior_minimum_below_zero_is_refused():
    # a cubic positive at 0 and at 5 c0 with a negative minimum between them
    lin, quad, cub = -1.2, -0.6, 0.16  # k_0 = 2.64; h(3) = 2.64 - 3.6 - 5.4 + 4.32 = -2.04 < 0, h(5) = 0.64 > 0
    assert conductivity_factor(5.0) == 1.0
    x = np.array([0.0, 3.0, 5.0])
    h = (1 - lin - quad - cub) + lin * x + quad * x**2 + cub * x**3
    assert h[0] > 0 and h[1] < 0 and h[2] > 0
    with pytest.raises(InputError) as e:
        check_conductivity_law(lin, quad, cub)
    assert e.value.name == "linear"  # the largest in magnitude


def test_a_bad_law_in_a_design_is_refused_naming_its_key_and_the_design():
    bad = dataclasses.replace(default_design(), conductivity_linear=np.array([0.0, 2.0]))
    with pytest.raises(InputError) as e:
        evaluate_cell(bad, metrics=("energy_Wh",))  # refused whatever is asked
    assert e.value.name == "conductivity_linear" and e.value.where == "design 2"


def test_the_one_pass_reader_leaves_a_law_to_the_general_path():
    from xlcell import design

    keys = ("conductivity_linear", "conductivity_quadratic", "conductivity_cubic")
    read = design.design_reader(keys)
    assert read((0.0, 0.0, 0.0), None, None) is not None  # no law: the reader takes it
    law = fit.CONDUCTIVITY_LAWS["Chen2020"]
    assert read(tuple(law[k.removeprefix("conductivity_")] for k in keys), None, None) is None  # the general path
    d = resolve(design.design_from_mapping({k: law[k.removeprefix("conductivity_")] for k in keys}))
    assert float(d.conductivity_linear) == law["linear"]
    with pytest.raises(InputError) as e:
        resolve(design.design_from_mapping({"conductivity_linear": 2.0}))
    assert e.value.name == "conductivity_linear"


def test_a_law_changes_no_result_of_the_model():
    # the rate model keeps κ(c0) (docs/models/rate-power.md): every metric with Nyman's law is the constant one's,
    # bit for bit, as it is with the keys blank
    d0 = default_design()
    law = fit.CONDUCTIVITY_LAWS["Chen2020"]
    d1 = dataclasses.replace(d0, conductivity_linear=law["linear"], conductivity_quadratic=law["quadratic"],
                             conductivity_cubic=law["cubic"])
    a, b = evaluate_cell(d0), evaluate_cell(d1)
    fields = [f.name for f in dataclasses.fields(a)]
    assert len(fields) > 50
    for k in fields:
        assert np.array_equal(np.asarray(getattr(a, k)), np.asarray(getattr(b, k)), equal_nan=True), k
