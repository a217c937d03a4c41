"""Every result type carries unit metadata like the inputs do (issue 11 item 4).

The results are the dataclasses that a public function of ``xlcell/`` returns (read from the return annotations,
tuples and unions opened), and every dataclass of ``xlcell/`` named like a result (``...Result``, ``...Metrics``,
``...Fade``, ``...Lcos``, ``...Check``, ``...Study``, ``Tornado``, ``BillOfMaterials``). In each of them a field that
holds numbers carries :func:`xlcell.params.param` metadata (label, display unit, key) or, when its items have units of
their own, :func:`xlcell.params.per_item` metadata; a field holding another dataclass is walked in turn. What is not
there yet is listed in :data:`OWED`, with the reason, and leaves the list when it is done.
"""
from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
import typing
from typing import Any

import numpy as np
import pytest

import xlcell
from xlcell import units
from xlcell.bom import BOM_UNITS
from xlcell.cell import default_design
from xlcell.cost import cost_details, cost_sensitivity
from xlcell.degradation import cracking, sei_fade_vs_cycles, wang_fade_vs_cycles
from xlcell.lcos import CASHFLOW_COLUMNS, CASHFLOW_SPECS, LcosInputs, cashflow
from xlcell.params import ParamSpec, item_units, specs, to_display
from xlcell.studies import project_lcos_study

#: result types without (complete) unit metadata yet -> why; the list only shrinks
OWED: dict[str, str] = {
    "xlcell.porous.PorousCell": "the porous model's input record (SI, units in its field names and docstring), built "
                                "from a design by xlcell.porous.design_cell, whose keys carry the metadata; it holds "
                                "callables (OCPs, laws) and no computed numbers",
    "xlcell.optimize.SubResult": "the solver's internal record of one local SLSQP solve (variables scaled to [0, 1], "
                                 "objectives signed for minimisation, G as the solver sees it), not a result: "
                                 "minimize and pareto_front turn it into OptimizationResult / ParetoFront, which carry "
                                 "the units; it knows no keys to name units by",
    "xlcell.optimize.BatchResult": "the batched solver's internal record of K local solves at once (SubResult's rows: "
                                   "variables scaled to [0, 1], objectives signed for minimisation), not a result: "
                                   "pareto_front turns it into a ParetoFront, which carries the units",
    "xlcell.surrogate.Surrogate": "a fitted model, not a result: a scikit-learn GP with its standardisation (centre, scale) "
                                  "and training data; what a user sees of it are predict()'s porosities and the "
                                  "Suggestion and History it makes, which carry their metadata",
    "xlcell.registry.DesignVariable": "registry wiring, not a result: a design key, its ParamSpec (the metadata itself, "
                                      "unit included) and the setter/getter functions; it holds no computed numbers",
    "xlcell.registry.MetricProvider": "registry wiring, not a result: a provider's name, its outputs' ParamSpecs (the "
                                      "metadata the registry-keyed results read their units from) and its function",
    "xlcell.paramsets.ParameterSet": "named parameter records, not a result: each Record holds SI values by field name "
                                     "and the same values as shown with their display units (Record.fields), read from "
                                     "its class's param metadata",
    "xlcell.params.ParamSpec": "the metadata itself",
    "xlcell.design.DesignKey": "a row of the design key list, not a result: its ParamSpec (label, unit) and default as "
                               "data",
}
RESULT_SUFFIXES = ("Result", "Metrics", "Fade", "Lcos", "Check", "Study", "Tornado", "BillOfMaterials")


def _name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _dataclasses_in(t: Any, acc: set[type]) -> None:
    if isinstance(t, type) and dataclasses.is_dataclass(t):
        acc.add(t)
        return
    for a in typing.get_args(t):
        _dataclasses_in(a, acc)


def _modules() -> list[Any]:
    return [importlib.import_module(f"xlcell.{m.name}") for m in pkgutil.iter_modules(xlcell.__path__)]


def result_types() -> set[type]:
    """Dataclasses returned by a public function or method of ``xlcell/``, and those named like results."""
    found: set[type] = set()
    for mod in _modules():
        for name, obj in vars(mod).items():
            if name.startswith("_") or getattr(obj, "__module__", None) != mod.__name__:
                continue
            if inspect.isclass(obj) and dataclasses.is_dataclass(obj) and name.endswith(RESULT_SUFFIXES):
                found.add(obj)
            funcs = [obj] if inspect.isfunction(obj) else [
                f for n, f in vars(obj).items() if inspect.isfunction(f) and not n.startswith("_")] if inspect.isclass(obj) else []
            for f in funcs:
                _dataclasses_in(typing.get_type_hints(f).get("return"), found)
    return found


def _kind(t: Any) -> str:
    """'nested' (a dataclass), 'text', 'items' (a dict of numbers) or 'number' (arrays, floats, Any)."""
    if isinstance(t, type) and dataclasses.is_dataclass(t):
        return "nested"
    origin, args = typing.get_origin(t), typing.get_args(t)
    if origin in (list, tuple) and args and all(isinstance(a, type) and dataclasses.is_dataclass(a)
                                                for a in args if a is not Ellipsis):
        return "nested"  # a list of result rows (e.g. the constraints of an optimum): each row walked in turn
    if t is str or (origin in (tuple, list) and all(a is str or a is Ellipsis for a in args)):
        return "text"
    if origin in (dict, typing.Mapping) or t is dict:
        return "text" if args and args[1] is str else "items"
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        kinds = {_kind(a) for a in args if a is not type(None)}
        return "number" if "number" in kinds else kinds.pop()
    return "number"


def problems(cls: type, seen: set[type] | None = None) -> list[str]:
    """What is missing in ``cls`` (and the dataclasses its fields hold)."""
    seen = set() if seen is None else seen
    if cls in seen:
        return []
    seen.add(cls)
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    out = []
    for f in dataclasses.fields(cls):
        kind, meta = _kind(hints[f.name]), f.metadata
        where = f"{_name(cls)}.{f.name}"
        if kind == "nested":
            held: set[type] = set()
            _dataclasses_in(hints[f.name], held)
            for c in held:
                out += problems(c, seen)
        elif "xlcell" in meta:
            if meta["xlcell"]["unit"] not in units.UNITS:
                out.append(f"{where}: unit {meta['xlcell']['unit']!r} is not in xlcell.units.UNITS")
            if kind == "items" and meta["xlcell"]["unit"] not in ("-", "$", "text", "bool"):
                out.append(f"{where}: a dict of numbers needs per_item metadata (one unit per item)")
        elif "xlcell_items" in meta:
            u = meta["xlcell_items"]["units"]
            if isinstance(u, str) and (u not in names or _kind(hints[u]) != "text"):
                out.append(f"{where}: its units field {u!r} is not a text field of {cls.__name__}")
            if not isinstance(u, str) and not set(u.values()) <= set(units.UNITS):
                out.append(f"{where}: units {sorted(set(u.values()) - set(units.UNITS))} are not in xlcell.units.UNITS")
            rows = meta["xlcell_items"].get("items")
            if rows is not None and (rows not in names or _kind(hints[rows]) != "text"):
                out.append(f"{where}: its items field {rows!r} is not a text field of {cls.__name__}")
        elif kind in ("number", "items"):
            out.append(f"{where}: no unit metadata (param or per_item)")
    return out


def test_the_walk_finds_the_result_types():
    names = {_name(c) for c in result_types()}
    for expected in ("xlcell.cell.CellMetrics", "xlcell.cost.CostMetrics", "xlcell.cost.Tornado", "xlcell.bom.BillOfMaterials",
                     "xlcell.factory.StepResults", "xlcell.degradation.SEIResult", "xlcell.degradation.CrackResult",
                     "xlcell.degradation.WangFade", "xlcell.lcos.LcosResult", "xlcell.lcos.CellLcos",
                     "xlcell.calendering.FractureCheck", "xlcell.studies.LifetimeStudy", "xlcell.studies.ProjectLcosStudy",
                     "xlcell.studies.CalenderingResult", "xlcell.cost.CostDetails"):
        assert expected in names, expected


def test_every_numeric_field_of_every_result_type_has_unit_metadata():
    bad = [p for cls in sorted(result_types(), key=_name) if _name(cls) not in OWED for p in problems(cls)]
    assert not bad, "give these fields param(label, unit, key=...) or per_item(...) metadata:\n" + "\n".join(bad)


def test_every_owed_entry_is_still_a_result_type_and_still_owed():
    types = {_name(c): c for c in result_types()}
    assert not set(OWED) - set(types), f"no longer a result type, drop from OWED: {sorted(set(OWED) - set(types))}"
    done = [n for n, c in types.items() if n in OWED and not problems(c) and any(
        "xlcell" in f.metadata or "xlcell_items" in f.metadata for f in dataclasses.fields(c))]
    assert not done, f"these carry their metadata now, drop them from OWED: {done}"


def test_the_cash_flow_columns_have_metadata():
    assert tuple(CASHFLOW_SPECS) == CASHFLOW_COLUMNS
    for name, s in CASHFLOW_SPECS.items():
        assert isinstance(s, ParamSpec) and s.name == name and s.label and s.key and s.unit in units.UNITS, s
    assert tuple(cashflow(LcosInputs())) == tuple(CASHFLOW_SPECS)


# ---------------------------------------------------------------- the metadata describes what the kernels return
@pytest.fixture(scope="module")
def design():
    return default_design()


def test_per_item_units_cover_every_item_the_kernels_return(design):
    det = cost_details(design)
    for name in ("design", "yield_", "per_accepted", "cost"):
        assert set(item_units(det.bom, name)) == set(getattr(det.bom, name)) == set(BOM_UNITS), name
    assert len(item_units(det.steps, "driver")) == len(det.steps.names) == det.steps.driver.shape[-1]
    assert set(item_units(det, "drivers")) == set(det.drivers)
    t = cost_sensitivity(design)
    assert len(item_units(t, "base_input")) == len(t.keys) and item_units(t, "low") == "$/kWh"
    study = project_lcos_study(design)
    assert set(item_units(study, "cashflow")) == set(study.cashflow) == set(CASHFLOW_SPECS)


def test_to_display_is_the_arithmetic_of_the_metadata(design):
    # per-item fields convert each item in its own unit, (v - offset) / scale as units.to_display does
    det = cost_details(design)
    shown = to_display(det.bom)
    assert shown["design_qty"]["pos_am"] == units.to_display(det.bom.design["pos_am"], "g")
    assert shown["per_accepted_cell"]["electrolyte"] == units.to_display(det.bom.per_accepted["electrolyte"], "L")
    steps = to_display(det.steps)
    j = list(det.steps.driver_units).index("kWh")
    np.testing.assert_array_equal(steps["driver"][..., j], units.to_display(det.steps.driver[..., j], "kWh"))
    np.testing.assert_array_equal(steps["labor_h"], units.to_display(det.steps.labor_s, "h"))
    cf = to_display(project_lcos_study(design))["cashflow"]
    np.testing.assert_array_equal(cf["discounted_energy_J"], units.to_display(cashflow()["discounted_energy_J"], "MWh"))
    # a tornado is handed over in display units: shown as it is
    t = cost_sensitivity(design)
    np.testing.assert_array_equal(to_display(t)["low_input"], t.low_input)


def test_the_degradation_results_show_in_their_units(design):
    crack = to_display(cracking(design))
    assert crack["stress_MPa"] == units.to_display(cracking(design).stress_Pa, "MPa")
    assert [s.key for s in specs(type(cracking(design)))][:2] == ["stress_MPa", "critical_stress_MPa"]
    sei = sei_fade_vs_cycles(design, np.array([0.0, 500.0]), 365.0)
    np.testing.assert_array_equal(to_display(sei)["sei_thickness_nm"], units.to_display(sei.thickness_m, "nm"))
    wang = wang_fade_vs_cycles(1.0, 298.15, np.array([0.0, 100.0]))
    np.testing.assert_array_equal(to_display(wang)["ah_throughput"], wang.ah_throughput)  # the paper's Ah, as computed


def test_the_tornado_names_the_step_it_was_run_with(design):
    # the report's "±x %" label comes from the result, not from a literal
    t = cost_sensitivity(design, 0.2)
    assert to_display(t)["fraction_pct"] == units.to_display(0.2, "%")
    assert to_display(t)["voltage_step_mV"] == units.to_display(t.voltage_step_V, "mV")


def test_results_keyed_by_registry_key_take_their_units_from_the_registry():
    # one source: the units a Monte Carlo run, an optimum and a front carry are the registry's output specs
    from xlcell.optimize import Constraint, DesignProblem, Objective, Variable, minimize
    from xlcell.pareto import pareto_front
    from xlcell.registry import output_spec, variable
    from xlcell.uncertainty import monte_carlo

    mc = monte_carlo(default_design(), 8, 0)
    assert item_units(mc, "stats") == {k: output_spec(k).unit for k in mc.keys}
    assert to_display(mc)["stats"] == mc.stats  # reported in display units: shown as they are
    p = DesignProblem([Variable("pos_thickness_um", 60.0, 120.0)],
                      [Objective("cell_cost_usd_per_kWh"), Objective("specific_energy_Wh_kg", "max")],
                      [Constraint("max_power_W", lower=0.0)])
    r = minimize(p, 0, n_starts=1)
    assert item_units(r, "x") == {**r.units} and r.units["pos_thickness_um"] == variable("pos_thickness_um").unit
    assert item_units(r, "objective") == output_spec("cell_cost_usd_per_kWh").unit
    # the problem's own constraint, then the registered design limits it imposes (issue 17 item 4), all dimensionless
    from xlcell.wiring import CALENDERING_LIMITS
    assert [(c.key, c.unit) for c in r.constraints] == [("max_power_W", output_spec("max_power_W").unit)] + [
        (k, output_spec(k).unit) for k in CALENDERING_LIMITS] and {output_spec(k).unit for k in CALENDERING_LIMITS} == {"-"}
    f = pareto_front(p, 3, "epsilon", n_starts=1)
    assert item_units(f, "F") == tuple(output_spec(k).unit for k in f.objective_keys)
    assert item_units(f, "X") == ("µm",)
    assert {k: item_units(f, "outputs")[k] for k in f.outputs} == {k: output_spec(k).unit for k in f.outputs}
