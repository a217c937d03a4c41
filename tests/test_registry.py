"""Design variables and metric providers (xlcell.registry)."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import xlcell.registry as reg
from xlcell.cell import default_design, evaluate_cell
from xlcell.errors import ConflictError, UnknownKeyError
from xlcell.params import ParamSpec


def test_apply_values_matches_direct_construction():
    base = default_design()
    d = reg.apply_values(base, {"pos_thickness_um": [80.0, 120.0], "pos_porosity": 0.3, "sep_thickness_um": 20.0})
    direct = dataclasses.replace(base, pos=dataclasses.replace(base.pos, thickness_m=np.array([80e-6, 120e-6]), porosity=0.3),
                                 sep=dataclasses.replace(base.sep, thickness_m=20e-6))
    a, b = evaluate_cell(d).as_display(), evaluate_cell(direct).as_display()
    for k in ("energy_Wh", "max_power_W", "mass_g"):
        np.testing.assert_allclose(a[k], b[k], rtol=1e-14)


def test_keys_are_case_insensitive_and_unknown_keys_suggest():
    assert reg.variable("POS_Thickness_UM").key == "pos_thickness_um"
    assert reg.output_key("specific_energy_wh_kg") == "specific_energy_Wh_kg"
    with pytest.raises(UnknownKeyError, match="pos_thickness_um"):
        reg.variable("pos_thicknes_um")
    with pytest.raises(UnknownKeyError, match="model output"):
        reg.output_spec("energy_density")


def test_composition_variables_keep_fractions_summing_to_one():
    base = default_design()  # positive 96/2/2 wt%
    d = reg.apply_values(base, {"pos_binder_frac": np.array([0.01, 0.04])})
    np.testing.assert_allclose(d.pos.am_frac, [0.97, 0.94])
    np.testing.assert_allclose(d.pos.am_frac + d.pos.carbon_frac + d.pos.binder_frac, 1.0)
    d = reg.apply_values(base, {"pos_am_frac": 0.90})  # carbon and binder scaled in proportion
    np.testing.assert_allclose([d.pos.carbon_frac, d.pos.binder_frac], [0.05, 0.05])
    evaluate_cell(d)  # passes the composition check
    with pytest.raises(ConflictError):
        reg.check_variable_set(["pos_am_frac", "pos_binder_frac"])


def test_np_ratio_variable_derives_negative_thickness():
    base = dataclasses.replace(default_design(), neg=dataclasses.replace(default_design().neg, thickness_m=150e-6))
    d = reg.apply_values(base, {"np_ratio": [1.05, 1.2]})
    np.testing.assert_allclose(evaluate_cell(d).np_ratio, [1.05, 1.2])


def test_limits_agree_with_the_cell_feasibility_flag():
    # diffusion_limit <= 1 exactly when the diffusion part of the cell's `feasible` flag holds (N/P >= 1 here)
    L = np.linspace(40, 320, 57)
    out = reg.evaluate_outputs(None, {"pos_thickness_um": L, "c_rate": 1.0}, ["diffusion_limit", "electrolyte_limit_pos", "feasible", "np_ratio"])
    assert np.all(out["np_ratio"] >= 1)
    assert np.array_equal(out["diffusion_limit"] <= 1.0, out["feasible"])
    assert out["feasible"].any() and not out["feasible"].all()
    assert np.all(np.diff(out["diffusion_limit"]) >= 0)  # solid limit flat, then N_e grows as L²
    assert np.all(np.diff(out["electrolyte_limit_pos"]) > 0)


def test_a_provider_is_one_registration_and_populations_are_one_call(monkeypatch):
    calls = []
    real = reg.evaluate_cell

    def counting(design):
        calls.append(1)
        return real(design)

    monkeypatch.setattr(reg, "evaluate_cell", counting)
    spec = ParamSpec(name="wh_per_g", key="wh_per_g", label="Energy per gram", unit="-")
    reg.register_metrics("test_ratio", [spec], lambda ev: {"wh_per_g": ev["energy_Wh"] / ev["mass_g"]}, requires=("cell",))
    try:
        X = np.linspace(50, 150, 200)
        out = reg.evaluate_outputs(None, {"pos_thickness_um": X}, ["wh_per_g", "specific_energy_Wh_kg", "diffusion_limit"])
        np.testing.assert_allclose(out["wh_per_g"] * 1000, out["specific_energy_Wh_kg"], rtol=1e-12)
        assert len(calls) == 1  # 200 designs, three providers, one cell-model call
        with pytest.raises(ConflictError):
            reg.register_metrics("other", [spec], lambda ev: {})
    finally:
        reg.unregister_metrics("test_ratio")
    assert "wh_per_g" not in reg.output_keys()
