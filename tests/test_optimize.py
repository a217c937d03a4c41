"""Constrained single-objective optimisation (xlcell.optimize)."""
from __future__ import annotations

import numpy as np
import pytest

from xlcell.errors import ConflictError, InfeasibleError, InputError, UnknownKeyError
from xlcell.optimize import Constraint, DesignProblem, FunctionProblem, Objective, Variable, lhs, minimize

VARS = [Variable("pos_thickness_um", 40, 250), Variable("pos_porosity", 0.18, 0.45)]


def energy_problem(power_W: float = 1400.0) -> DesignProblem:
    # 1400 W: within the 1453 W the bounds reach with the library's OCV slopes (1500 W was, before them, issue 13)
    return DesignProblem(VARS, [Objective("specific_energy_Wh_kg", "max")],
                         [Constraint("diffusion_limit", upper=1.0), Constraint("max_power_W", lower=power_W)])


def test_analytic_constrained_minimum():
    # min (x-3)² + (y-2)² s.t. x + y <= 2: the projection of (3, 2) on the line, (1.5, 0.5)
    def fun(X):
        return ((X[:, 0] - 3) ** 2 + (X[:, 1] - 2) ** 2)[:, None], (X[:, 0] + X[:, 1] - 2)[:, None]

    r = minimize(FunctionProblem(fun, [-5, -5], [5, 5], 1, 1))
    assert r.feasible
    np.testing.assert_allclose([r.x["x1"], r.x["x2"]], [1.5, 0.5], atol=1e-5)
    assert r.objective == pytest.approx(4.5, abs=1e-6)


def test_max_specific_energy_beats_every_sampled_feasible_design():
    p = energy_problem()
    r = minimize(p, n_starts=4, seed=0)
    assert r.feasible, r.message
    assert r.outputs["max_power_W"] == pytest.approx(1400.0, rel=1e-6)  # the power constraint is active
    X = p.xl + lhs(4000, 2, seed=1) * (p.xu - p.xl)
    out = p.outputs(X, ["specific_energy_Wh_kg", "max_power_W", "diffusion_limit", "pos_fracture_ratio",
                        "pos_percolation_ratio"])
    # feasible as the optimiser sees it: its constraints and the registry's calendering limits (the optimum sits on
    # the positive's fracture line load since the Butler–Volmer pulse power of issue 13)
    ok = ((out["max_power_W"] >= 1400) & (out["diffusion_limit"] <= 1) & (out["pos_fracture_ratio"] <= 1)
          & (out["pos_percolation_ratio"] <= 1))
    assert ok.sum() > 100
    assert out["specific_energy_Wh_kg"][ok].max() <= r.objective + 1e-6
    # and the sample's best is close: the optimum is not a fluke of the tolerance
    assert out["specific_energy_Wh_kg"][ok].max() > r.objective - 1.0


def test_infeasible_reports_each_constraint_and_its_best_reachable_value():
    p = energy_problem(power_W=1e5)
    # the power peaks on a sharp ridge at the carbon network's percolation threshold (porosity 0.375 at 40 µm); since
    # the 10 s pulse of issue 13 sharpened it, eight starts find its top where four found a flank
    r = minimize(p, n_starts=8)
    assert not r.feasible
    assert "max_power_W >= 100000 W" in r.message and "best reachable alone" in r.message
    bad = [c for c in r.constraints if not c.satisfied]
    # the least-violating design is the most porous one, where the positive's carbon network stops percolating
    # (the calendering limits are imposed by default, issue 17 item 4): that limit is named too, after the user's
    assert bad[0].key == "max_power_W" and {c.key for c in bad[1:]} <= {"pos_percolation_ratio"}
    X = p.xl + lhs(4000, 2, seed=3) * (p.xu - p.xl)
    sampled_best = p.outputs(X, ["max_power_W"])["max_power_W"].max()
    assert bad[0].best_reachable >= sampled_best - 1e-6 * sampled_best
    with pytest.raises(InfeasibleError, match="max_power_W"):
        r.raise_if_infeasible()


def test_each_constraint_alone_but_not_together_is_said():
    p = DesignProblem(VARS, [Objective("max_power_W", "max")],
                      # each alone is met within VARS (at most 359 Wh/kg and 4726 W/kg with the format's hardware in the
                      # mass and the resistance, issue 17, and the library's OCV slopes, issue 13), together not
                      [Constraint("specific_energy_Wh_kg", lower=345), Constraint("specific_power_W_kg", lower=4000)])
    r = minimize(p, n_starts=3)
    assert not r.feasible
    assert "not all together" in r.message


def test_same_seed_same_result_and_population_matches_rowwise():
    a = minimize(energy_problem(), n_starts=4, seed=5)
    b = minimize(energy_problem(), n_starts=4, seed=5)
    assert a.x == b.x and a.objective == b.objective
    p = energy_problem()
    X = p.xl + lhs(5, 2, seed=0) * (p.xu - p.xl)
    F, G = p.evaluate(X)
    for i in range(5):
        Fi, Gi = p.evaluate(X[i:i + 1])
        np.testing.assert_allclose(F[i], Fi[0], rtol=1e-13)
        np.testing.assert_allclose(G[i], Gi[0], rtol=1e-13, atol=1e-12)


def test_problem_statement_errors_name_the_key():
    with pytest.raises(InputError, match="pos_porosity bound"):
        DesignProblem([Variable("pos_porosity", 0.2, 1.2)], [Objective("energy_Wh")])
    with pytest.raises(InputError, match="lower < upper"):
        DesignProblem([Variable("pos_thickness_um", 100, 50)], [Objective("energy_Wh")])
    with pytest.raises(UnknownKeyError, match="did you mean"):
        DesignProblem(VARS, [Objective("specific_energy")])
    with pytest.raises(InputError, match="'min' or 'max'"):
        DesignProblem(VARS, [Objective("energy_Wh", "biggest")])
    with pytest.raises(InputError, match="numeric"):
        DesignProblem(VARS, [Objective("feasible")])
    with pytest.raises(InputError, match="lower limit, an upper limit"):
        DesignProblem(VARS, [Objective("energy_Wh")], [Constraint("max_power_W")])
    with pytest.raises(ConflictError):
        DesignProblem([Variable("pos_porosity", 0.2, 0.4), Variable("POS_POROSITY", 0.2, 0.4)], [Objective("energy_Wh")])


def test_upper_bound_on_a_maximum_becomes_one_row_per_part():
    p = DesignProblem(VARS, [Objective("energy_Wh", "max")], [Constraint("diffusion_limit", upper=1.0)], limits=False)
    assert [r.key for r in p.rows] == ["electrolyte_limit_pos", "electrolyte_limit_neg", "solid_limit_pos", "solid_limit_neg"]


# ------------------------------------------------------------------------------------------ issue 17 item 4
def test_calendering_limits_are_imposed_by_default_and_a_row_replaces_one():
    p = DesignProblem(VARS, [Objective("energy_Wh", "max")])
    assert p.constraint_names == ["pos_fracture_ratio <= 1", "neg_fracture_ratio <= 1", "pos_percolation_ratio <= 1",
                                  "neg_percolation_ratio <= 1"]
    relaxed = DesignProblem(VARS, [Objective("energy_Wh", "max")], [Constraint("POS_FRACTURE_RATIO", upper=1.5)])
    assert relaxed.constraint_names[0] == "pos_fracture_ratio <= 1.5" and len(relaxed.constraint_names) == 4
    assert DesignProblem(VARS, [Objective("energy_Wh", "max")], limits=False).n_con == 0


def test_a_design_beyond_fracture_is_infeasible_and_the_constraint_is_named():
    # NMC811 cracks below porosity 0.24 (illustrative calendering defaults); a porosity window below it cannot be met
    p = DesignProblem([Variable("pos_porosity", 0.19, 0.22)], [Objective("energy_Wh", "max")])
    r = minimize(p, n_starts=2)
    assert not r.feasible
    assert [c.key for c in r.constraints if not c.satisfied] == ["pos_fracture_ratio"]
    assert "pos_fracture_ratio <= 1" in r.message and "best reachable alone" in r.message
    assert r.outputs["pos_fracture_ratio"] > 1
    assert not p.outputs([[0.21]], ["feasible"])["feasible"][0]  # the registry's feasible flag says so too
