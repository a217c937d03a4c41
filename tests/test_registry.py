"""Design variables and metric providers (xlcell.registry)."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import xlcell.registry as reg
from xlcell.cell import default_design, evaluate_cell
from xlcell.errors import ConflictError, UnknownKeyError
from xlcell.params import ParamSpec
from xlcell.pouch import batpac_format


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

    def counting(design, *args, **kw):
        calls.append(1)
        return real(design, *args, **kw)

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


def test_cost_lifetime_and_lcos_providers():
    out = reg.evaluate_outputs(None, {"pos_thickness_um": [120.0, 60.0]},
                               ["cell_cost_usd", "cell_cost_usd_per_kWh", "cycle_life", "usable_energy_Wh",
                                "round_trip_efficiency", "lcos_cell_usd_per_kWh", "materials_usd", "energy_Wh",
                                "utilities_usd"])
    # BatPaC 5.0 (Argonne, 2022) default NMC811-G cell: $19.7548 per cell (shared/reference/batpac5.md, section 6.2) in
    # BatPaC mode (its rating convention, no utility line); the registry's default rates the energy with the cell
    # model's ASI and charges the electricity
    from xlcell.cost import Factory
    batpac = reg.evaluate_outputs(None, {}, ["cell_cost_usd", "energy_Wh"],
                                  {"cost": {"fmt": batpac_format(), "factory": Factory.batpac5()}})
    assert batpac["cell_cost_usd"] == pytest.approx(19.7548, abs=5e-5) and batpac["energy_Wh"] == pytest.approx(250.0)
    assert out["energy_Wh"][0] > 250.0 and out["cell_cost_usd"][0] - out["utilities_usd"][0] == pytest.approx(19.7548, rel=1e-3)
    # LCOS_cell = (C_BOM + C_mfg) / (E_u N): O&M and residual value 0, E_u delivered at the duty (blank: C/3), DoD 1
    want = out["cell_cost_usd"] / (out["usable_energy_Wh"] / 1000 * out["cycle_life"])
    np.testing.assert_allclose(out["lcos_cell_usd_per_kWh"], want, rtol=1e-12)
    assert np.all(out["usable_energy_Wh"] < out["energy_Wh"])
    assert np.all((out["round_trip_efficiency"] > 0.9) & (out["round_trip_efficiency"] < 1))
    assert out["round_trip_efficiency"][1] > out["round_trip_efficiency"][0]  # thinner: less resistive loss at C/3


def test_calender_line_load_variable_and_fracture_limit():
    from xlcell.optimize import Constraint, DesignProblem, Objective, Variable, minimize

    out = reg.evaluate_outputs(None, {"pos_line_load_N_mm": [200.0, 800.0, 1600.0]},
                               ["pos_areal_capacity_mAh_cm2", "pos_thickness_um", "energy_density_Wh_L", "pos_fracture_ratio"])
    np.testing.assert_allclose(out["pos_areal_capacity_mAh_cm2"], 8.0691897, rtol=1e-7)  # mass loading held (BatPaC default)
    assert np.all(np.diff(out["pos_thickness_um"]) < 0) and np.all(np.diff(out["energy_density_Wh_L"]) > 0)
    np.testing.assert_allclose(out["pos_fracture_ratio"] / out["pos_fracture_ratio"][0], [1, 4, 8])  # linear in load
    with pytest.raises(ConflictError, match="line load sets"):
        reg.check_variable_set(["pos_line_load_N_mm", "pos_porosity"])
    # denser is better for Wh/L until the particles crack: the fracture limit is the active constraint
    p = DesignProblem([Variable("pos_line_load_N_mm", 50, 3000)], [Objective("energy_density_Wh_L", "max")],
                      [Constraint("pos_fracture_ratio", upper=1.0)])
    r = minimize(p, n_starts=2)
    assert r.feasible and r.outputs["pos_fracture_ratio"] == pytest.approx(1.0, abs=1e-6)


def test_fracture_ratio_binds_when_porosity_is_the_variable():
    from xlcell.calendering import CALENDERING_MATERIALS, calender
    from xlcell.cell import default_design
    from xlcell.optimize import Constraint, DesignProblem, Objective, Variable, minimize

    nmc = CALENDERING_MATERIALS["NMC811"]  # fracture-onset porosity 0.24, eps_min 0.18 (illustrative defaults)
    eps = [0.30, nmc.fracture_porosity, 0.20, nmc.eps_min, 0.15]
    r = reg.evaluate_outputs(None, {"pos_porosity": eps}, ["pos_fracture_ratio", "neg_fracture_ratio"])
    ratio = r["pos_fracture_ratio"]
    assert ratio[0] < 1 and ratio[1] == pytest.approx(1.0, rel=1e-9) and 1 < ratio[2] < np.inf
    assert np.isinf(ratio[3]) and np.isinf(ratio[4])  # at/below eps_min: no line load reaches it
    assert np.all(np.diff(ratio[:3]) > 0)  # denser needs more load
    np.testing.assert_array_equal(r["neg_fracture_ratio"], 0.0)  # graphite: no fracture porosity in the table
    # the implied load is the one that calenders to that porosity: same ratio as with the load as the variable
    q = 700.0  # N/mm
    eps_q = float(np.ravel(calender(default_design(), q * 1e3, which="pos")[0].pos.porosity)[0])
    by_load = reg.evaluate_outputs(None, {"pos_line_load_N_mm": q}, ["pos_fracture_ratio"])["pos_fracture_ratio"]
    by_eps = reg.evaluate_outputs(None, {"pos_porosity": eps_q}, ["pos_fracture_ratio"])["pos_fracture_ratio"]
    np.testing.assert_allclose(by_eps, by_load, rtol=1e-9)
    # the audit's case: porosity free down to 0.18, denser is better for Wh/L -> the fracture limit binds at 0.24
    p = DesignProblem([Variable("pos_porosity", 0.18, 0.45)], [Objective("energy_density_Wh_L", "max")],
                      [Constraint("pos_fracture_ratio", upper=1.0)])
    opt = minimize(p, n_starts=2)
    assert opt.feasible and opt.outputs["pos_fracture_ratio"] == pytest.approx(1.0, abs=1e-5)
    assert opt.x["pos_porosity"] == pytest.approx(nmc.fracture_porosity, abs=1e-4)


def test_fracture_ratio_uses_the_designs_material():
    lfp = reg.evaluate_outputs(None, {"pos_porosity": 0.3}, ["pos_fracture_ratio"], {"calendering": {"pos_material": "LFP"}})
    np.testing.assert_array_equal(lfp["pos_fracture_ratio"], 0.0)  # LFP has no fracture porosity in the table


# ------------------------------------------------------------------------------------------ issue 17 item 4
def test_feasible_includes_the_calendering_limits():
    # NMC811 (illustrative calendering defaults): fracture-onset porosity 0.24; at φ_s = 0.4 the coating's carbon
    # network (2 wt% carbon) percolates down to about ε = 0.41. Graphite conducts on its own (0, no condition).
    eps = np.array([0.205, 0.25, 0.30, 0.44])
    out = reg.evaluate_outputs(None, {"pos_porosity": eps, "pos_thickness_um": 60.0},
                               ["pos_fracture_ratio", "pos_percolation_ratio", "neg_percolation_ratio", "feasible",
                                "feasible_electrolyte", "diffusion_limit"])
    assert np.all(out["diffusion_limit"] < 1) and np.all(out["feasible_electrolyte"])  # thin: the cell model says yes
    assert out["pos_fracture_ratio"][0] > 1 and np.all(out["pos_fracture_ratio"][1:] < 1)
    assert out["pos_percolation_ratio"][-1] > 1 and np.all(out["pos_percolation_ratio"][:-1] < 1)
    np.testing.assert_array_equal(out["neg_percolation_ratio"], 0.0)
    assert out["feasible"].tolist() == [False, True, True, False]


def test_percolation_ratio_is_the_threshold_over_the_carbon_fraction():
    from xlcell.calendering import CALENDERING_MATERIALS, coating_porosity, percolation_ratio, percolation_threshold
    from xlcell.cell import coating_density, default_design

    d = default_design()
    m = CALENDERING_MATERIALS["NMC811"]
    e0 = coating_porosity(0.4, m.drying_shrinkage)
    phi = coating_density(d.pos) * d.pos.carbon_frac / d.pos.carbon_density_kg_m3
    expected = percolation_threshold(e0, d.pos.porosity, m.percolation_threshold, m.threshold_shift) / phi
    got = reg.evaluate_outputs(None, {}, ["pos_percolation_ratio"])["pos_percolation_ratio"]
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    # more carbon, lower ratio; no carbon where the matrix does not conduct: inf
    more = percolation_ratio(dataclasses.replace(d.pos, carbon_frac=0.04, am_frac=0.94), e0, m, 1.0)
    assert more < expected
    assert np.isinf(percolation_ratio(dataclasses.replace(d.pos, carbon_frac=0.0, am_frac=0.98), e0, m, 1.0))


def test_a_material_without_calendering_parameters_is_not_assessed():
    from xlcell.errors import InputError
    from xlcell.optimize import Constraint, DesignProblem, Objective, Variable

    ctx = {"calendering": {"pos_material": "MyCathode"}}
    out = reg.evaluate_outputs(None, {"pos_porosity": [0.15, 0.3]}, ["pos_fracture_ratio", "neg_fracture_ratio"], ctx)
    assert np.all(np.isnan(out["pos_fracture_ratio"])) and np.all(out["neg_fracture_ratio"] == 0)
    p = DesignProblem([Variable("pos_porosity", 0.2, 0.4)], [Objective("energy_Wh", "max")], context=ctx)
    assert [r.key for r in p.rows] == ["neg_fracture_ratio", "neg_percolation_ratio"]
    # the limit's own row (as the Pareto sheet lists it) is dropped for a material that is not assessed ...
    same = DesignProblem([Variable("pos_porosity", 0.2, 0.4)], [Objective("energy_Wh", "max")],
                         [Constraint("pos_fracture_ratio", upper=1.0)], context=ctx)
    assert [r.key for r in same.rows] == ["neg_fracture_ratio", "neg_percolation_ratio"]
    # ... any other bound on it is refused
    with pytest.raises(InputError, match="no calendering"):
        DesignProblem([Variable("pos_porosity", 0.2, 0.4)], [Objective("energy_Wh", "max")],
                      [Constraint("pos_fracture_ratio", upper=0.8)], context=ctx)


def test_lifetime_provider_is_the_duty_aware_life_model():
    """Issue 17 item 2: the registry's cycle_life is xlcell.degradation.cycle_life at context "duty" (absent: Duty()),
    so the LCOS, the optimiser and the Pareto front see the thickness, the C-rate and the temperature."""
    from xlcell.cell import default_design
    from xlcell.degradation import cycle_life
    from xlcell.duty import Duty
    from xlcell.params import to_display

    L = [60.0, 120.0, 200.0]
    keys = ["cycle_life", "years_to_eol", "eol_loss_sei_pct", "resistance_eol_mohm", "lcos_cell_usd_per_kWh"]
    slow = reg.evaluate_outputs(None, {"pos_thickness_um": L}, keys)
    fast = reg.evaluate_outputs(None, {"pos_thickness_um": L}, keys, {"duty": Duty(c_rate_per_h=2.0)})
    d = reg.apply_values(default_design(), {"pos_thickness_um": L})
    want = to_display(cycle_life(d, Duty(c_rate_per_h=2.0)))
    for k in keys[:-1]:
        np.testing.assert_allclose(fast[k], want[k], rtol=1e-12)
    np.testing.assert_allclose(slow["cycle_life"], cycle_life(d).cycle_life, rtol=1e-12)
    assert np.all(np.diff(slow["cycle_life"]) < 0) and np.all(fast["cycle_life"] < slow["cycle_life"])
    assert np.all(fast["lcos_cell_usd_per_kWh"] > slow["lcos_cell_usd_per_kWh"])
    # the former lifetime context keys still apply: cycles per year and end of life override the duty's
    legacy = reg.evaluate_outputs(None, {}, ["cycle_life"], {"lifetime": {"cycles_per_year": 100.0, "eol_soh": 0.7}})
    assert float(legacy["cycle_life"]) == pytest.approx(float(cycle_life(default_design(), Duty(cycles_per_year=100.0,
                                                                                                  eol_soh=0.7)).cycle_life))


def test_partial_provider_computes_what_is_asked_once():
    """Issue 15: a partial provider is asked only for the outputs a table needs, and a provider's declared ``reads``
    are asked in the same call (one evaluation of each provider)."""
    asked = []
    specs_ = [ParamSpec(name=k, key=k, label=k, unit="-") for k in ("t_a", "t_b", "t_c")]

    def base(ev, keys):
        asked.append(keys)
        return {k: np.full(np.shape(ev.design.pos.thickness_m), i + 1.0) for i, k in enumerate(("t_a", "t_b", "t_c"))
                if k in keys}

    out_spec = ParamSpec(name="t_sum", key="t_sum", label="sum", unit="-")
    reg.register_metrics("t_base", specs_, base, partial=True)
    reg.register_metrics("t_dep", [out_spec], lambda ev: {"t_sum": ev["t_a"] + ev["t_b"]}, requires=("t_base",),
                         reads={"t_sum": ("t_a", "t_b")})
    try:
        out = reg.evaluate_outputs(None, {"pos_thickness_um": [80.0, 120.0]}, ["t_sum", "T_A"])
        assert asked == [("t_a", "t_b")]  # both read keys in one call, in the provider's order; t_c never computed
        np.testing.assert_array_equal(out["t_sum"], [3.0, 3.0])
        np.testing.assert_array_equal(out["T_A"], [1.0, 1.0])
        ev = reg.Evaluation(default_design(), {})
        assert ev["t_b"] == 2.0 and asked[-1] == ("t_b",)
        assert set(ev.outputs("t_base")) == {"t_a", "t_b", "t_c"} and asked[-1] == ("t_a", "t_c")  # the rest, once
    finally:
        reg.unregister_metrics("t_dep")
        reg.unregister_metrics("t_base")


def _population():
    rng = np.random.default_rng(11)
    n = 64
    return {"pos_thickness_um": rng.uniform(40.0, 250.0, n), "pos_porosity": rng.uniform(0.18, 0.45, n),
            "np_ratio": rng.uniform(1.05, 1.25, n), "sep_thickness_um": rng.uniform(10.0, 25.0, n)}


def test_sweep_outputs_run_no_pulse_power_and_equal_the_full_models(monkeypatch):
    """A sweep of $/kWh, cycle life and LCOS reads the cell model's chain and rate capability at the duty, the cost's
    roll-up and the life model's bisection: not the pulse power (its Newton loop), the resistance at end of life or the
    bottleneck. Its numbers are those of the full models (evaluate_cost, cycle_life, evaluate_cell at the duty)."""
    import xlcell.cell as cell_mod
    import xlcell.cost as cost_mod
    import xlcell.degradation as deg
    from xlcell import lcos
    from xlcell.cost import evaluate_cost
    from xlcell.duty import Duty

    values = _population()
    keys = ["cell_cost_usd_per_kWh", "cycle_life", "lcos_cell_usd_per_kWh", "usable_energy_Wh", "round_trip_efficiency"]

    def boom(*a, **k):
        raise AssertionError("not needed by the outputs asked")

    with monkeypatch.context() as m:
        m.setattr(cell_mod, "pulse_current", boom)
        m.setattr(deg, "evaluate_cell", boom)
        m.setattr(cost_mod, "bottleneck", boom)
        got = reg.evaluate_outputs(None, values, keys, lcos.model_context())
    d = reg.apply_values(default_design(), values)
    cost = evaluate_cost(d)
    life = deg.cycle_life(d, Duty())
    at = evaluate_cell(d)  # the default duty: the design's C-rate and temperature
    e_u = lcos.delivered_energy(at.capacity_C, at.usable_capacity_fraction, 1.0, at.voltage_under_load_V)
    np.testing.assert_array_equal(got["cell_cost_usd_per_kWh"], cost.as_display()["cell_cost_usd_per_kWh"])
    np.testing.assert_array_equal(got["cycle_life"], life.cycle_life)
    np.testing.assert_allclose(got["usable_energy_Wh"] * 3600.0, e_u, rtol=1e-15)
    np.testing.assert_array_equal(got["round_trip_efficiency"],
                                  lcos.resistive_round_trip(at.avg_voltage_V, at.voltage_under_load_V))
    want = lcos.delivered_lcos(cost.cell_cost_usd, e_u, life.cycle_life, 1.0) * 3.6e6
    np.testing.assert_allclose(got["lcos_cell_usd_per_kWh"], want, rtol=1e-14)
    # and the resistance at end of life, when asked, is the full life model's
    full = reg.evaluate_outputs(None, values, ["resistance_eol_mohm", "cycle_life"], lcos.model_context())
    from xlcell.params import to_display

    np.testing.assert_array_equal(full["resistance_eol_mohm"], to_display(life)["resistance_eol_mohm"])


def test_feasibility_alone_is_evaluate_cells():
    """The feasible flag asked alone (a Monte Carlo's) runs the chain and rate model only and equals the full cell
    model's flag, infeasible designs included."""
    from xlcell.cell import feasibility

    values = {**_population(), "pos_thickness_um": np.linspace(40.0, 400.0, 64)}  # thick coatings fail at the C-rate
    d = reg.apply_values(default_design(), values)
    full, lean = evaluate_cell(d).as_display(), feasibility(d)
    assert not full["feasible"].all() and full["feasible"].any()
    for k, v in lean.items():
        np.testing.assert_array_equal(v, full[k], err_msg=k)
    got = reg.evaluate_outputs(None, values, ["feasible"])["feasible"]
    with_power = reg.evaluate_outputs(None, values, ["feasible", "max_power_W"])["feasible"]
    np.testing.assert_array_equal(got, with_power)


def test_an_evaluation_resolves_its_designs_once_for_every_provider(monkeypatch):
    """Issue 15 item 2: the cell, calendering and cost providers read one resolved population (validated once per
    model call), and their outputs are those of the models called directly."""
    import xlcell.cell as cell
    from xlcell.cost import cost_values

    calls = []
    orig = cell.resolve
    monkeypatch.setattr(reg, "resolve", lambda d: (calls.append(1), orig(d))[1])
    d = reg.apply_values(default_design(), {"pos_thickness_um": np.array([60.0, 120.0, 240.0])})
    ev = reg.Evaluation(d)
    out = ev.table(["specific_power_W_kg", "cell_cost_usd_per_kWh", "diffusion_limit", "feasible"])
    assert len(calls) == 1 and ev.resolved() is ev.resolved()
    assert np.array_equal(out["specific_power_W_kg"], evaluate_cell(d).as_display()["specific_power_W_kg"])
    usd_kwh = cost_values(d, items=["cost_per_energy_usd_J"])["cost_per_energy_usd_J"] * 3.6e6
    np.testing.assert_allclose(out["cell_cost_usd_per_kWh"], usd_kwh, rtol=1e-12)
