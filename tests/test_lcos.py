"""Tests of xlcell.lcos: the seed's cell LCOS and the Schmidt et al. (2019) project LCOS."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xlcell.cell import default_design
from xlcell.degradation import sei_soh_by_year
from xlcell.errors import InputError, ShapeError
from xlcell.lcos import CASHFLOW_COLUMNS, LcosInputs, cashflow, crf, lcos, lcos_simple

MWH = 3.6e9
KWH = 3.6e6


def test_lcos_simple_worked_example():
    # (BOM 5000 + mfg 2000 + O&M 500 - RV 300) $ / (0.95 x 10 kWh x 3000 cycles) = 7200 / 28500 = 0.25263 $/kWh
    v = lcos_simple(5000, 2000, 500, 300, 0.95, 10 * KWH, 3000) * KWH
    assert v == pytest.approx(7200 / 28500, rel=1e-12)


def test_lcos_simple_vectorised_and_errors():
    v = lcos_simple(np.array([100.0, 200.0]), 0, 0, 0, 1.0, KWH, np.array([[1000.0], [2000.0]]))
    assert v.shape == (2, 2) and v[1, 0] * KWH == pytest.approx(0.05)
    with pytest.raises(InputError):
        lcos_simple(1, 1, 1, 0, 1.2, KWH, 100)
    with pytest.raises(InputError):
        lcos_simple(1, 1, 1, 0, 0.9, KWH, 0)


def test_crf_identity_and_limit():
    # CRF = r (1+r)^N / ((1+r)^N - 1); for r = 8 %, N = 15 it is 0.116830 (annuity tables)
    assert crf(0.08, 15) == pytest.approx(0.08 * 1.08**15 / (1.08**15 - 1), rel=1e-12)
    assert crf(0.08, 15) == pytest.approx(0.116830, abs=1e-6)
    # CRF equals 1 / Σ (1+r)^-n
    for r, n in [(0.03, 10), (0.1, 25), (0.0, 7)]:
        assert crf(r, n) == pytest.approx(1.0 / sum((1 + r) ** -k for k in range(1, n + 1)), rel=1e-12)
    assert crf(1e-9, 20) == pytest.approx(1 / 20, rel=1e-7)


def _worked(i: LcosInputs, soh=None):
    """An independent year-by-year computation of Schmidt et al. (2019) Eq. (1) with plain Python floats."""
    N = int(i.lifetime_years)
    r = i.discount_rate
    capex = i.power_W / 1e3 * (i.capex_power_usd_W * 1e3) + i.energy_J / KWH * (i.capex_energy_usd_J * KWH)
    cost = capex
    energy = 0.0
    for n in range(1, N + 1):
        s = (1 - i.annual_degradation) ** (n - 1) if soh is None else soh[n - 1]
        e_in_mwh = i.cycles_per_year * i.depth_of_discharge * i.energy_J / MWH * s
        e_out_mwh = e_in_mwh * i.round_trip_efficiency
        om = i.fixed_om_usd_W_yr * 1e3 * i.power_W / 1e3 + i.var_om_usd_J * MWH * e_out_mwh
        charge = i.charging_price_usd_J * MWH * e_in_mwh
        cost += (om + charge) / (1 + r) ** n
        energy += e_out_mwh / (1 + r) ** n
    cost += i.eol_cost_usd / (1 + r) ** (N + 1)
    return cost / energy  # $/MWh


def test_lcos_matches_worked_cash_flow():
    i = LcosInputs(power_W=50e6, energy_J=200 * MWH, capex_power_usd_W=0.2, capex_energy_usd_J=300 / KWH,
                   fixed_om_usd_W_yr=0.01, var_om_usd_J=2 / MWH, charging_price_usd_J=40 / MWH, round_trip_efficiency=0.85,
                   depth_of_discharge=0.9, cycles_per_year=300, lifetime_years=12, discount_rate=0.07,
                   annual_degradation=0.025, eol_cost_usd=5e6)
    r = lcos(i)
    assert float(r.lcos_usd_J) * MWH == pytest.approx(_worked(i), rel=1e-12)
    total = r.capex_usd_J + r.om_usd_J + r.charging_usd_J + r.eol_usd_J
    assert float(total) == pytest.approx(float(r.lcos_usd_J), rel=1e-12)
    # charging component is the price over the round-trip efficiency
    assert float(r.charging_usd_J) * MWH == pytest.approx(40 / 0.85, rel=1e-12)


def test_lcos_equals_capex_crf_over_annual_energy_without_opex():
    i = LcosInputs(fixed_om_usd_W_yr=0.0, var_om_usd_J=0.0, charging_price_usd_J=0.0, annual_degradation=0.0, eol_cost_usd=0.0,
                   discount_rate=np.array([0.0, 0.04, 0.08, 0.15]), lifetime_years=np.array([5, 10, 15, 20]))
    r = lcos(i)
    annual = i.cycles_per_year * i.depth_of_discharge * i.energy_J * i.round_trip_efficiency
    expected = r.capex_usd * crf(i.discount_rate, i.lifetime_years) / annual
    np.testing.assert_allclose(r.lcos_usd_J, expected, rtol=1e-12)
    np.testing.assert_allclose(r.crf, crf(i.discount_rate, i.lifetime_years))


def test_lcos_undiscounted_limit():
    # r -> 0: LCOS = total cost / total energy, and continuous in r
    i = LcosInputs(discount_rate=0.0, eol_cost_usd=-1e6)
    cf = cashflow(i)
    r0 = float(lcos(i).lcos_usd_J)
    assert r0 == pytest.approx(cf["total_cost_usd"].sum() / cf["energy_discharged_J"].sum(), rel=1e-12)
    assert float(lcos(dataclasses.replace(i, discount_rate=1e-9)).lcos_usd_J) == pytest.approx(r0, rel=1e-7)


def test_cashflow_table_layout():
    i = LcosInputs(lifetime_years=3, eol_cost_usd=1e6)
    cf = cashflow(i)
    assert tuple(cf) == CASHFLOW_COLUMNS
    np.testing.assert_array_equal(cf["year"], [0, 1, 2, 3, 4])
    assert cf["capex_usd"][0] > 0 and np.all(cf["capex_usd"][1:] == 0)
    np.testing.assert_array_equal(cf["eol_usd"], [0, 0, 0, 0, 1e6])
    assert cf["energy_discharged_J"][0] == 0 and cf["energy_discharged_J"][4] == 0
    np.testing.assert_allclose(cf["soh"][1:4], [1.0, 0.98, 0.98**2])
    np.testing.assert_allclose(cf["discount_factor"], 1.08 ** -np.arange(5))


def test_lcos_vectorised_with_mixed_lifetimes():
    N = np.array([5, 10, 20])
    r = lcos(LcosInputs(lifetime_years=N, eol_cost_usd=2e6))
    for k, n in enumerate(N):
        single = lcos(LcosInputs(lifetime_years=int(n), eol_cost_usd=2e6))
        assert r.lcos_usd_J[k] == pytest.approx(float(single.lcos_usd_J), rel=1e-12)


def test_lcos_with_degradation_model_soh():
    soh = sei_soh_by_year(default_design(), 15, 365.0)
    i = LcosInputs()
    r = lcos(i, soh=soh)
    assert float(r.lcos_usd_J) * MWH == pytest.approx(_worked(i, soh), rel=1e-12)
    # hotter cell degrades faster -> higher LCOS
    hot = sei_soh_by_year(default_design(temperature_K=318.15), 15, 365.0)
    assert float(lcos(i, soh=hot).lcos_usd_J) > float(r.lcos_usd_J)
    with pytest.raises(ShapeError):
        lcos(i, soh=soh[:10])


def test_lcos_input_errors():
    with pytest.raises(InputError, match="lifetime_years"):
        lcos(LcosInputs(lifetime_years=10.5))
    with pytest.raises(InputError, match="round_trip_efficiency"):
        lcos(LcosInputs(round_trip_efficiency=1.5))


@settings(max_examples=40, deadline=None)
@given(st.floats(0, 0.2), st.integers(1, 40), st.floats(0, 0.1), st.floats(0.5, 1.0))
def test_lcos_properties(r, n, d, eta):
    base = LcosInputs(discount_rate=r, lifetime_years=n, annual_degradation=d, round_trip_efficiency=eta)
    v = float(lcos(base).lcos_usd_J)
    assert v > 0
    # more degradation, a higher capex or a dearer charge never lowers the LCOS
    assert float(lcos(dataclasses.replace(base, annual_degradation=min(d + 0.05, 0.99))).lcos_usd_J) >= v * (1 - 1e-12)
    assert float(lcos(dataclasses.replace(base, capex_energy_usd_J=base.capex_energy_usd_J * 1.1)).lcos_usd_J) > v
    assert float(lcos(dataclasses.replace(base, charging_price_usd_J=base.charging_price_usd_J * 2)).lcos_usd_J) > v


def test_cell_lcos_takes_every_term_from_the_models():
    from xlcell.cell import evaluate_cell
    from xlcell.cost import evaluate_cost
    from xlcell.duty import Duty
    from xlcell.lcos import cell_lcos, model_context
    from xlcell.registry import Evaluation

    d = default_design(temperature_K=np.array([298.15, 318.15]))
    duty = Duty(cycles_per_year=300.0, eol_soh=0.8)
    r = cell_lcos(d, duty, 1.0, 0.5)
    cm = evaluate_cost(d)
    # BatPaC 5.0 default cell costs $19.7548 (cost model's validation) plus the electricity xlcell charges by
    # default (8.06 ¢/kWh, EIA 2023; BatPaC has no utility line); C_BOM + C_mfg must add up to the cell cost
    np.testing.assert_allclose(r.c_bom_usd + r.c_mfg_usd, cm.cell_cost_usd, rtol=1e-12)
    assert float(r.c_bom_usd[0] + r.c_mfg_usd[0] - cm.utilities_usd[0]) == pytest.approx(19.7548, rel=1e-3)  # rated with the cell's ASI
    # E_u: the cell model at the duty's C-rate (blank: the design's C/3): Q f (V - IR), DoD 1
    c = evaluate_cell(d)
    np.testing.assert_allclose(r.energy_J, c.capacity_C * c.usable_capacity_fraction * c.voltage_under_load_V, rtol=1e-12)
    np.testing.assert_allclose(r.nameplate_energy_J, c.energy_J, rtol=1e-12)
    # N_cyc: the registry's lifetime provider at the same duty (its cycles per year and end-of-life SOH)
    ev = Evaluation(d, model_context(duty))
    np.testing.assert_allclose(r.cycles, ev["cycle_life"], rtol=1e-12)
    expected = (cm.cell_cost_usd + 1.0 - 0.5) / (r.energy_J * r.cycles)
    np.testing.assert_allclose(r.lcos_usd_J, expected, rtol=1e-12)
    np.testing.assert_allclose(r.lifetime_energy_J, r.energy_J * r.cycles, rtol=1e-12)
    np.testing.assert_allclose(r.cost_usd_J_usable, cm.cell_cost_usd / r.energy_J, rtol=1e-12)
    assert r.lcos_usd_J[1] > r.lcos_usd_J[0]  # hotter: same cost, shorter life
    single = cell_lcos(default_design(temperature_K=318.15), duty, 1.0, 0.5)
    assert float(single.lcos_usd_J) == pytest.approx(float(r.lcos_usd_J[1]), rel=1e-12)


def test_depth_of_discharge_scales_the_energy_per_cycle_not_the_energy_over_the_life():
    # N_cyc counts equivalent full cycles: a duty of depth DoD runs N_cyc / DoD cycles of E_u = Q f DoD (V - IR) each
    from xlcell.duty import Duty
    from xlcell.lcos import cell_lcos

    full, half = cell_lcos(default_design(), Duty()), cell_lcos(default_design(), Duty(dod=0.5))
    assert float(half.energy_J) == pytest.approx(0.5 * float(full.energy_J), rel=1e-12)
    assert float(half.lifetime_energy_J) == pytest.approx(float(half.energy_J * half.cycles / 0.5), rel=1e-12)
    assert float(half.lcos_usd_J) == pytest.approx(float((half.c_bom_usd + half.c_mfg_usd) / half.lifetime_energy_J),
                                                   rel=1e-12)


def test_delivered_energy_and_lcos_formulas():
    from xlcell.lcos import delivered_energy, delivered_lcos

    # 5 Ah (18000 C) x f 0.5 x DoD 0.8 x 3.6 V = 25920 J; a voltage under load <= 0 delivers nothing
    assert delivered_energy(18000.0, 0.5, 0.8, 3.6) == pytest.approx(25920.0, rel=1e-15)
    assert delivered_energy(18000.0, 0.5, 0.8, -0.1) == 0.0
    # $20 over 1 kWh x 2000 cycles / DoD 0.5 = 4000 kWh -> 0.005 $/kWh; nothing delivered -> inf
    v = delivered_lcos(np.array([20.0, 20.0]), np.array([KWH, 0.0]), 2000.0, 0.5)
    assert v[0] * KWH == pytest.approx(0.005, rel=1e-12) and np.isinf(v[1])


def test_negative_lcos_is_returned_when_the_residual_value_exceeds_the_cost():
    # legitimate, not an error: RV 100 $ against 70 $ of cost -> (70 - 100) / (0.95 x 1 kWh x 1000) < 0
    v = lcos_simple(50.0, 20.0, 0.0, 100.0, 0.95, 3.6e6, 1000.0)
    assert v == pytest.approx(-30.0 / (0.95 * 3.6e6 * 1000.0), rel=1e-12) and v < 0
    capex = 100e6 * 0.15 + 400 * 3.6e9 * 250.0 / 3.6e6
    r = lcos(LcosInputs(eol_cost_usd=-capex * 10, discount_rate=0.0, charging_price_usd_J=0.0, fixed_om_usd_W_yr=0.0,
                        var_om_usd_J=0.0))
    assert float(r.lcos_usd_J) < 0 and float(r.eol_usd_J) < 0
    assert float(r.lcos_usd_J) == pytest.approx(float(r.capex_usd_J + r.om_usd_J + r.charging_usd_J + r.eol_usd_J), rel=1e-12)


def test_duty_point_and_feasibility_are_the_full_rate_models_numbers():
    # issue 15: the duty point reads the rate model without its feasibility and size limits, the feasibility flag
    # without the size limits; their values are evaluate_cell's, bit for bit (thick, thin, porous, dense, high C-rate)
    from xlcell.cell import evaluate_cell, feasibility
    from xlcell.lcos import duty_point

    rng = np.random.default_rng(3)
    d = default_design()
    n = 400
    d = dataclasses.replace(d, c_rate_per_h=rng.uniform(0.2, 4.0, n),
                            pos=dataclasses.replace(d.pos, thickness_m=rng.uniform(30e-6, 300e-6, n),
                                                    porosity=rng.uniform(0.15, 0.5, n)))
    full = evaluate_cell(d)
    at = duty_point(d)
    assert np.array_equal(at["usable_capacity_fraction"], full.usable_capacity_fraction)
    assert np.array_equal(at["voltage_under_load_V"], full.voltage_under_load_V)
    flags = feasibility(d)
    assert 0 < flags["feasible"].sum() < n  # both kinds present
    for key in ("feasible", "feasible_electrolyte", "feasible_solid", "feasible_voltage"):
        assert np.array_equal(flags[key], getattr(full, key)), key
