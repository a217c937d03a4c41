"""xlcell.uncertainty: Monte Carlo with latent factors, and cell-to-cell variation.

No published Monte Carlo result of this cell exists to test against, so the tests check what the model states:
seeded determinism, the deterministic limit, the factor structure (corr = l_i l_j), the lognormal moments, the
Arrhenius factor, capacity linear in thickness, the weakest-cell rule of a series string, and one model call
for all samples. Monte Carlo tolerances are 4-5 standard errors.
"""
import dataclasses

import numpy as np
import pytest

from xlcell import uncertainty as unc
from xlcell.cell import default_design, evaluate_cell, resolve
from xlcell.constants import GAS_CONSTANT
from xlcell.cost import evaluate_cost
from xlcell.degradation import sei_cycle_life
from xlcell.errors import InputError, ShapeError, UnknownKeyError
from xlcell.pouch import batpac_format
from xlcell.registry import Evaluation
from xlcell.uncertainty import (ACTIVATION_ENERGIES, ECHEM_PARAMS, PRICE_KEYS, UncertaintySpec, arrhenius_factor,
                                cell_to_cell, draw, histogram, monte_carlo, population_risk, sample_design,
                                spec_from_mapping, summarise, tail_means)

D = default_design()
QUIET = dict(price_volatility=0.0, price_volatilities={}, temperature_sigma_K=0.0, param_noise=0.0, cv_thickness=0.0,
             cv_porosity=0.0)


def test_same_seed_same_results_different_seed_different():
    a, b = monte_carlo(D, 500, 11), monte_carlo(D, 500, 11)
    c = monte_carlo(D, 500, 12)
    for k in a.keys:
        np.testing.assert_array_equal(a.samples[k], b.samples[k])
        assert not np.array_equal(a.samples[k], c.samples[k])
    assert a.stats == b.stats and a.risk == b.risk
    x, y = cell_to_cell(D, 300, 5), cell_to_cell(D, 300, 5)
    np.testing.assert_array_equal(x.capacity_C, y.capacity_C)
    assert not np.array_equal(x.capacity_C, cell_to_cell(D, 300, 6).capacity_C)


def test_no_uncertainty_gives_the_deterministic_model_in_every_sample():
    r = monte_carlo(D, 64, 3, UncertaintySpec(**QUIET),
                    outputs=("cell_cost_usd_per_kWh", "cell_cost_usd", "specific_energy_Wh_kg", "max_power_W",
                             "capacity_Ah", "cycle_life", "lcos_cell_usd_per_kWh"))
    cell = evaluate_cell(D).as_display()
    cost = evaluate_cost(D).as_display()
    want = dict(cell_cost_usd_per_kWh=cost["cell_cost_usd_per_kWh"], cell_cost_usd=cost["cell_cost_usd"],
                specific_energy_Wh_kg=cell["specific_energy_Wh_kg"], max_power_W=cell["max_power_W"],
                capacity_Ah=cell["capacity_Ah"], cycle_life=sei_cycle_life(D),
                lcos_cell_usd_per_kWh=Evaluation(D)["lcos_cell_usd_per_kWh"])
    for k, v in want.items():
        np.testing.assert_allclose(r.samples[k], float(v), rtol=1e-12, err_msg=k)
        assert r.deterministic[k] == pytest.approx(float(v), rel=1e-12)
        assert r.stats[k]["std"] == pytest.approx(0.0, abs=1e-9 * abs(float(v)))
    # BatPaC 5.0 default cell, shared/reference/batpac5.md §6.3: $79.0192/kWh in BatPaC's rating (its couple ASI);
    # the default chain rates the energy with the cell model's ASI (issue 17)
    assert r.risk["deterministic_usd_per_kWh"] == pytest.approx(float(cost["cell_cost_usd_per_kWh"]), rel=1e-12)
    b = monte_carlo(D, 8, 3, UncertaintySpec(**QUIET), outputs=("cell_cost_usd_per_kWh",), fmt=batpac_format())
    assert b.risk["deterministic_usd_per_kWh"] == pytest.approx(79.019206, rel=1e-7)
    assert r.risk["p_cost_within_limit"] == 1.0 and r.risk["p_feasible"] == 1.0
    c = cell_to_cell(D, 50, 1, 0.0, 0.0)
    np.testing.assert_allclose(c.capacity_C, c.nominal_capacity_C, rtol=1e-13)
    assert c.summary["share_within_window"] == 1.0 and c.summary["pack_capacity_loss_vs_nominal"] == pytest.approx(0, abs=1e-12)


def test_price_correlation_is_the_product_of_loadings():
    loads = {"pos_am_usd_kg": 0.9, "neg_am_usd_kg": 0.5, "electrolyte_usd_L": -0.6, "separator_usd_m2": 0.0}
    spec = UncertaintySpec(price_loadings=loads, price_volatilities={k: 0.2 for k in loads}, price_volatility=0.0)
    n = 20000
    r = monte_carlo(D, n, 42, spec, outputs=("cell_cost_usd_per_kWh",))
    assert r.correlated_keys == tuple(k for k in PRICE_KEYS if k in loads)  # zero-volatility prices do not move
    idx = {k: i for i, k in enumerate(r.correlated_keys)}
    for a in loads:
        for b in loads:
            if a < b:
                rho = loads[a] * loads[b]
                se = (1 - rho**2) / np.sqrt(n)
                assert r.price_correlation[idx[a], idx[b]] == pytest.approx(rho, abs=5 * se + 1e-3), (a, b)
    # the macro factor is what moves them together: each price's log return correlates with M by its loading
    for k, l_ in loads.items():
        j = PRICE_KEYS.index(k)
        assert np.corrcoef(r.price_returns[:, j], r.macro)[0, 1] == pytest.approx(l_, abs=5 / np.sqrt(n))


def test_lognormal_prices_are_mean_preserving():
    sig = 0.3
    spec = UncertaintySpec(price_volatility=sig, price_volatilities={})
    n = 20000
    r = monte_carlo(D, n, 9, spec, outputs=("cell_cost_usd_per_kWh",))
    base = 26.0  # BatPaC 5.0 NMC811 price, $/kg
    p = r.prices["pos_am_usd_kg"]
    se = base * np.sqrt(np.expm1(sig**2)) / np.sqrt(n)
    assert np.mean(p) == pytest.approx(base, abs=4 * se)  # E[p] = base
    assert np.median(p) == pytest.approx(base * np.exp(-sig**2 / 2), rel=0.01)  # median = base exp(-σ²/2)
    assert np.std(np.log(p)) == pytest.approx(sig, rel=0.02)  # σ of ln p


def test_thermal_factor_moves_every_parameter_by_its_arrhenius_factor():
    spec = UncertaintySpec(**{**QUIET, "temperature_sigma_K": 4.0})
    dr = draw(2000, 1)
    pop = sample_design(D, spec, dr)
    d0 = resolve(D)
    t_eff = float(D.temperature_K) + 4.0 * dr.thermal
    for name, part, fld, ea, _ in ECHEM_PARAMS:
        base = getattr(d0 if part == "cell" else getattr(d0, part), fld)
        got = getattr(pop if part == "cell" else getattr(pop, part), fld) / base
        np.testing.assert_allclose(got, np.exp(-ea / GAS_CONSTANT * (1 / t_eff - 1 / float(D.temperature_K))), rtol=1e-12)
        assert np.all(np.diff(got[np.argsort(dr.thermal)]) > 0)  # a hotter lot: faster kinetics and transport
    # the operating temperature is not moved (the factor is latent)
    np.testing.assert_array_equal(pop.temperature_K, float(D.temperature_K))


def test_common_random_numbers_across_specs():
    a = monte_carlo(D, 300, 4, UncertaintySpec(cv_thickness=0.0), outputs=("capacity_Ah",))
    b = monte_carlo(D, 300, 4, UncertaintySpec(cv_thickness=0.05), outputs=("capacity_Ah",))
    for k in PRICE_KEYS:
        np.testing.assert_array_equal(a.prices[k], b.prices[k])
    assert np.std(b.samples["capacity_Ah"]) > np.std(a.samples["capacity_Ah"])


def test_capacity_spread_equals_thickness_cv_when_only_thickness_varies():
    cv, n = 0.02, 20000
    c = cell_to_cell(D, n, 3, cv_thickness=cv, cv_porosity=0.0)
    # capacity is linear in thickness: min(Q_A,p, Q_A,n) A with Q_A ∝ L, N/P = 1.1 (the negative limits a few cells
    # whose positive came out thick and negative thin)
    z = np.random.default_rng(3).standard_normal((n, 2))
    want = np.minimum(1 + cv * z[:, 0], 1.1 * (1 + cv * z[:, 1]))
    np.testing.assert_allclose(c.capacity_C / c.nominal_capacity_C, want, rtol=1e-12)
    assert 0 < np.mean(want < 1 + cv * z[:, 0]) < 1e-3
    assert c.summary["capacity_cv"] == pytest.approx(cv, rel=4 / np.sqrt(2 * n))
    m = monte_carlo(D, n, 3, UncertaintySpec(**{**QUIET, "cv_thickness": cv}), outputs=("capacity_Ah",))
    s = m.stats["capacity_Ah"]
    assert s["std"] / s["mean"] == pytest.approx(cv, rel=4 / np.sqrt(2 * n))


def test_series_pack_is_limited_by_its_weakest_cell():
    c = cell_to_cell(D, 4800, 8, 0.02, 0.02, series=12)
    cells = c.capacity_C.reshape(-1, 12)
    np.testing.assert_array_equal(c.pack_capacity_C, cells.min(axis=1))
    r = c.resistance_ohm.reshape(-1, 12).sum(axis=1)
    np.testing.assert_allclose(c.pack_resistance_ohm, r, rtol=1e-12)
    means = [cell_to_cell(D, 4800, 8, 0.02, 0.02, series=s).summary["pack_capacity_mean_Ah"] for s in (1, 2, 4, 8, 16)]
    assert all(a > b for a, b in zip(means, means[1:]))  # more cells in series: a weaker weakest cell
    assert means[0] == pytest.approx(np.mean(c.capacity_C) / 3600, rel=1e-12)
    # with groups in parallel: the weakest group's summed capacity
    g = cell_to_cell(D, 4800, 8, 0.02, 0.02, series=6, parallel=2)
    grp = g.capacity_C.reshape(-1, 6, 2).sum(axis=2)
    np.testing.assert_array_equal(g.pack_capacity_C, grp.min(axis=1))
    assert g.summary["pack_capacity_loss_vs_nominal"] > 0


def test_spec_window_share():
    c = cell_to_cell(D, 5000, 2, 0.02, 0.02, capacity_window=0.02, resistance_window=0.05)
    ok = (np.abs(c.capacity_C / c.nominal_capacity_C - 1) <= 0.02) & (np.abs(c.resistance_ohm / c.nominal_resistance_ohm - 1) <= 0.05)
    assert c.summary["share_within_window"] == pytest.approx(np.mean(ok))
    assert 0.5 < c.summary["share_within_window"] < 1.0


def test_all_samples_are_one_call_of_each_model(monkeypatch):
    import xlcell.cost as cost_mod
    import xlcell.degradation as deg
    import xlcell.registry as reg

    calls = {"cell": 0, "cost": 0, "life": 0}

    def counting(name, f):
        def g(*a, **k):
            calls[name] += 1
            return f(*a, **k)
        return g

    monkeypatch.setattr(reg, "evaluate_cell", counting("cell", reg.evaluate_cell))
    monkeypatch.setattr(cost_mod, "cost_details", counting("cost", cost_mod.cost_details))
    monkeypatch.setattr(deg, "sei_cycle_life", counting("life", deg.sei_cycle_life))
    r = monte_carlo(D, 40000, 1, outputs=("cell_cost_usd_per_kWh", "max_power_W", "cycle_life", "lcos_cell_usd_per_kWh"))
    assert r.samples["max_power_W"].shape == (40000,)
    assert calls == {"cell": 1, "cost": 1, "life": 1}
    monkeypatch.setattr(unc, "evaluate_cell", counting("cell", unc.evaluate_cell))
    cell_to_cell(D, 10000, 1)
    assert calls["cell"] == 2


def test_risk_summary_is_consistent_with_the_samples():
    r = monte_carlo(D, 4000, 5)
    c = r.cost
    assert r.risk["mean_usd_per_kWh"] == pytest.approx(np.mean(c))
    assert r.risk["var95_usd_per_kWh"] == pytest.approx(np.percentile(c, 95))
    assert r.risk["cvar95_usd_per_kWh"] == pytest.approx(np.mean(np.sort(c)[-200:]))  # 5 % of 4000: exactly 200
    assert r.risk["cvar95_usd_per_kWh"] >= r.risk["var95_usd_per_kWh"] >= r.risk["mean_usd_per_kWh"]
    assert r.risk["p_cost_within_limit"] == pytest.approx(np.mean(c <= 85.0))
    assert r.stats["cell_cost_usd_per_kWh"]["mean_above_p95"] == r.risk["cvar95_usd_per_kWh"]
    # the macro factor drives the cost: higher M, dearer materials
    assert np.corrcoef(r.macro, c)[0, 1] > 0.5


def test_tail_means_and_summary():
    x = np.arange(1.0, 101.0)
    assert tail_means(x) == (3.0, 98.0)  # the 5 lowest and 5 highest of 1..100
    s = summarise(x)
    assert s["p50"] == 50.5 and s["mean"] == 50.5 and s["p5"] == pytest.approx(5.95)


def test_cvar_weights_the_boundary_sample_fractionally():
    # Rockafellar & Uryasev 2002 / Acerbi & Tasche 2002: the 5 % tail of n samples holds 0.05 n samples' worth
    x = np.arange(1.0, 31.0)[::-1].copy()  # n = 30: 1.5 samples, order of the input irrelevant
    lo, hi = tail_means(x)
    assert hi == pytest.approx((30 + 0.5 * 29) / 1.5, rel=1e-15)  # 29.666...
    assert lo == pytest.approx((1 + 0.5 * 2) / 1.5, rel=1e-15)  # 1.333...
    # n = 256 (the provider's default): 12.8 samples: 245..256 fully and 0.8 of 244 -> 3201.2 / 12.8 = 250.09375
    # (the top ceil(12.8) = 13 samples would give 250.0, a 5.08 % tail)
    assert tail_means(np.arange(1.0, 257.0))[1] == pytest.approx(250.09375, rel=1e-15)
    assert tail_means(np.array([3.0, 1.0, 2.0]))[1] == 3.0  # 0.15 of a sample: the tail is the largest value
    assert tail_means(np.arange(1.0, 21.0)) == (1.0, 20.0)  # exactly one sample, no fraction of the next


def test_provider_cvar_is_the_same_fractional_tail_mean():
    r = monte_carlo(D, 256, 2)
    got = population_risk(D, 256, 2)
    want = tail_means(r.cost)[1]
    assert got["mc_cost_cvar95_usd_per_kWh"] == pytest.approx(want, rel=1e-12) == r.risk["cvar95_usd_per_kWh"]
    srt = np.sort(r.cost)
    assert want == pytest.approx((srt[-12:].sum() + 0.8 * srt[-13]) / 12.8, rel=1e-12)


def test_default_activation_energies_are_the_published_values():
    # PyBaMM parameter set Marquis2019 (Dualfoil: LiCoO2, graphite MCMB 2528; electrolyte after Capiglia et al.
    # 1999, J. Power Sources 81, 859), J/mol
    assert ACTIVATION_ENERGIES == {"pos_solid_diffusivity": 18550.0, "neg_solid_diffusivity": 42770.0,
                                   "pos_exchange_current": 39570.0, "neg_exchange_current": 37480.0,
                                   "electrolyte_conductivity": 34700.0, "electrolyte_diffusivity": 37040.0}
    spec = UncertaintySpec()
    assert spec.ea_neg_solid_diffusivity_J_mol == 42770.0 and spec.ea_pos_solid_diffusivity_J_mol == 18550.0
    # +3 K from 298.15 K at 42.77 kJ/mol: exp(42770 / 8.314462618 × 3 / (298.15 × 301.15)) = exp(0.171873) = 1.187527
    assert arrhenius_factor(42770.0, 301.15, 298.15) == pytest.approx(1.187527, rel=1e-6)
    # the same shift through the sampler: a lot whose thermal draw is +1 σ with σ_T = 3 K, at a 298.15 K design
    d = dataclasses.replace(D, temperature_K=298.15)
    dr = draw(1, 0)
    one = dataclasses.replace(dr, thermal=np.array([1.0]))
    pop = sample_design(d, UncertaintySpec(**{**QUIET, "temperature_sigma_K": 3.0}), one)
    ratio = float(pop.neg.solid_diffusivity_m2_s[0] / resolve(d).neg.solid_diffusivity_m2_s)
    assert ratio == pytest.approx(1.187527, rel=1e-6)


def test_mean_cost_equals_the_deterministic_cost_when_only_prices_move():
    # cost is linear in the prices and the lognormal keeps each price's mean (E[p] = base), so
    # E[cost] = cost(E[p]) = the deterministic cost; the sample mean differs only by Monte Carlo error
    n = 20000
    spec = UncertaintySpec(temperature_sigma_K=0.0, param_noise=0.0, cv_thickness=0.0, cv_porosity=0.0)
    r = monte_carlo(D, n, 9, spec, outputs=("cell_cost_usd_per_kWh",))
    c = r.cost
    assert np.std(c) > 5.0  # the prices do move the cost
    det = r.risk["deterministic_usd_per_kWh"]
    assert det == pytest.approx(float(evaluate_cost(D).cost_per_energy_usd_J) * 3.6e6, rel=1e-12)  # the deterministic model
    assert abs(np.mean(c) - det) < 4 * np.std(c, ddof=1) / np.sqrt(n)
    # linearity itself (no sampling error): the mean cost is the cost at the samples' mean prices
    from xlcell.bom import MaterialPrices
    from xlcell.uncertainty import PRICE_SPECS

    mean_prices = dataclasses.replace(MaterialPrices(), **{
        s.name: float(s.to_si(np.mean(r.prices[s.key]))) for s in PRICE_SPECS})
    at_mean = float(evaluate_cost(D, prices=mean_prices).as_display()["cell_cost_usd_per_kWh"])
    assert np.mean(c) == pytest.approx(at_mean, rel=1e-9)


def test_pack_resistance_with_groups_in_parallel_by_hand():
    # 3S2P from six cells in production order: groups (1, 2), (3, 4), (5, 6); a group is R_a R_b / (R_a + R_b)
    c = cell_to_cell(D, 7, 4, 0.03, 0.03, cv_contact=0.1, series=3, parallel=2)
    r = c.resistance_ohm
    want = r[0] * r[1] / (r[0] + r[1]) + r[2] * r[3] / (r[2] + r[3]) + r[4] * r[5] / (r[4] + r[5])
    assert c.pack_resistance_ohm.shape == (1,) and c.pack_resistance_ohm[0] == pytest.approx(want, rel=1e-14)
    caps = c.capacity_C
    assert c.pack_capacity_C[0] == pytest.approx(min(caps[0] + caps[1], caps[2] + caps[3], caps[4] + caps[5]), rel=1e-14)
    assert len(set(r[:6])) == 6  # the cells differ, so the pairing matters
    # identical cells: s R / p
    q = cell_to_cell(D, 12, 0, 0.0, 0.0, series=3, parallel=4)
    assert q.pack_resistance_ohm[0] == pytest.approx(3 * q.nominal_resistance_ohm / 4, rel=1e-13)
    assert q.summary["pack_resistance_mean_mohm"] == pytest.approx(q.summary["pack_nominal_resistance_mohm"], rel=1e-13)


def test_histogram_of_extreme_values():
    # a range wider than the largest double (1.7e308 - (-1.7e308) overflows): still binned, edges exact
    edges, counts = histogram(np.array([-1.7e308, 0.0, 1e308, 1.7e308]), 2)
    np.testing.assert_array_equal(edges, [-1.7e308, 0.0, 1.7e308])
    assert counts.tolist() == [1, 3]
    e, k = histogram(np.array([1e300, 1e300]), 3)  # equal huge values: a range around them, not an error
    assert k.sum() == 2 and e[0] < 1e300 < e[-1]
    with pytest.raises(InputError, match="bins"):  # bins below the floating-point spacing of the values
        histogram(np.array([1e17, 1e17 + 32]), 1000)


def test_histogram_counts_every_value():
    x = np.random.default_rng(0).normal(size=1001)
    edges, counts = histogram(x, 17)
    assert counts.sum() == 1001 and edges[0] == x.min() and edges[-1] == x.max() and len(edges) == 18
    e1, c1 = histogram(np.array([2.0, 2.0]), 3)
    assert c1.sum() == 2
    with pytest.raises(InputError):
        histogram(np.array([1.0, np.nan]), 3)


def test_spec_from_display_mapping():
    s = spec_from_mapping({"price_volatility_pct": 12, "POS_AM_USD_KG_LOADING": -0.3, "separator_usd_m2_volatility_pct": 0,
                           "ea_neg_solid_diffusivity_kJ_mol": 42.77, "cv_thickness_pct": 1.5})
    assert s.price_volatility == pytest.approx(0.12) and s.cv_thickness == pytest.approx(0.015)
    assert s.price_loadings["pos_am_usd_kg"] == -0.3 and s.price_volatilities["separator_usd_m2"] == 0.0
    assert s.price_volatilities["neg_am_usd_kg"] == 0.15  # defaults kept for the keys not given
    assert s.ea_neg_solid_diffusivity_J_mol == pytest.approx(42770.0)
    with pytest.raises(UnknownKeyError):
        spec_from_mapping({"price_volatility": 0.1})
    with pytest.raises(InputError, match="price_loading"):
        spec_from_mapping({"price_loading": 1.2})


@pytest.mark.parametrize("kw, exc, text", [
    (dict(n=0), InputError, "n = 0"), (dict(n=2.5), InputError, "n = 2.5"), (dict(n=float("nan")), InputError, "n = nan"),
    (dict(seed=-1), InputError, "seed"),
    (dict(spec=UncertaintySpec(price_loading=1.5)), InputError, "price_loading"),
    (dict(spec=UncertaintySpec(price_loadings={"pos_am_usd_kg": -1.01})), InputError, "pos_am_usd_kg_loading"),
    (dict(spec=UncertaintySpec(price_loadings={"gold_usd_kg": 0.5})), UnknownKeyError, "gold_usd_kg"),
    (dict(spec=UncertaintySpec(cv_porosity=-0.01)), InputError, "cv_porosity_pct"),
    (dict(design=dataclasses.replace(D, np_ratio=np.array([1.1, 1.2]))), ShapeError, "one design"),
])
def test_bad_input_is_refused(kw, exc, text):
    args = dict(design=D, n=10, seed=0, spec=None)
    args.update(kw)
    with pytest.raises(exc, match=text):
        monte_carlo(args["design"], args["n"], args["seed"], args["spec"])


def test_cell_to_cell_bad_input():
    with pytest.raises(InputError, match="cv_thickness"):
        cell_to_cell(D, 10, 0, -0.01)
    with pytest.raises(InputError, match="n_cells"):
        cell_to_cell(D, 10, 0, series=4, parallel=3)
    with pytest.raises(InputError, match="capacity_window"):
        cell_to_cell(D, 10, 0, capacity_window=0.0)


def test_risk_provider_equals_monte_carlo_per_design_in_one_call(monkeypatch):
    import xlcell.cost as cost_mod
    from xlcell.registry import evaluate_outputs

    calls = []
    real = cost_mod.cost_details
    monkeypatch.setattr(cost_mod, "cost_details", lambda *a, **k: calls.append(1) or real(*a, **k))
    keys = ["mc_cost_mean_usd_per_kWh", "mc_cost_p95_usd_per_kWh", "mc_cost_cvar95_usd_per_kWh", "mc_p_cost_within_limit",
            "mc_p_feasible"]
    thick = np.array([80.0, 120.0, 160.0])
    out = evaluate_outputs(None, {"pos_thickness_um": thick}, keys, {"uncertainty": {"n": 800, "seed": 3}})
    assert len(calls) == 1  # 3 designs x 800 samples: one cost call
    for i, L_um in enumerate(thick):
        d = dataclasses.replace(D, pos=dataclasses.replace(D.pos, thickness_m=L_um * 1e-6))
        r = monte_carlo(d, 800, 3).risk  # the same seed: the same draws for every design
        want = [r["mean_usd_per_kWh"], r["var95_usd_per_kWh"], r["cvar95_usd_per_kWh"], r["p_cost_within_limit"], r["p_feasible"]]
        for k, w in zip(keys, want):
            assert out[k][i] == pytest.approx(w, rel=1e-12), (k, L_um)
    # common random numbers: the robust cost falls smoothly with thickness, as the deterministic cost does
    assert out["mc_cost_cvar95_usd_per_kWh"][0] > out["mc_cost_cvar95_usd_per_kWh"][1] > out["mc_cost_cvar95_usd_per_kWh"][2]


def test_robust_objective_in_a_design_problem():
    from xlcell.optimize import DesignProblem, Objective, Variable

    p = DesignProblem([Variable("pos_thickness_um", 60.0, 160.0)],
                      [Objective("mc_cost_cvar95_usd_per_kWh", "min"), Objective("mc_cost_mean_usd_per_kWh", "min")],
                      context={"uncertainty": {"n": 200}})
    F, _ = p.evaluate(np.array([[60.0], [110.0], [160.0]]))
    assert np.all(np.isfinite(F)) and np.all(F[:, 0] > F[:, 1])  # CVaR95 above the mean for every design
