"""Cost UDFs called exactly as Excel delivers values on Linux (decorators are no-ops there):
a scalar, a list of lists for a range, None for a blank cell, float for numbers, str for text."""
import numpy as np
import pytest

import udfs
from udfs.cost import (BOM_HEADER, FACTORY_HEADER, SENSITIVITY_HEADER, XLCELL_BOM, XLCELL_BOTTLENECK, XLCELL_COST,
                       XLCELL_COST_SENSITIVITY, XLCELL_COST_TABLE, XLCELL_COST_VALUE, XLCELL_CRF, XLCELL_FACTORY)
from xlcell.cost import Economics, Factory, evaluate_cost
from xlcell.design import design_from_mapping
from xlcell.factory import DEFAULT_STEPS, Plant, ProcessStep, step_rows
from xlcell.params import specs
from xlcell.pouch import batpac_format

#: BatPaC's conventions on the Factory sheet: no utility line (electricity 0)
BATPAC = [["electricity_usd_kWh", 0.0]]
DESIGN = [["Positive electrode", None], ["pos_material", "NMC811"], ["pos_thickness_um", 120.0], ["np_ratio", 1.1]]
#: BatPaC 5.0's rating convention as a BOM row (its fixed NMC811-G couple ASI, §2.3): the mode in which the chain
#: reproduces BatPaC's numbers; a blank BOM range rates the energy with the cell model's ASI (issue 17)
BATPAC_BOM = [["asi_electrochemical_ohm_cm2", 15.532091]]
ISSUE_ITEMS = ["cell_cost_usd", "cell_cost_usd_per_kWh", "materials_usd", "labor_usd", "depreciation_usd",
               "overhead_usd", "materials_share", "bottleneck_step", "cells_per_year"]


def test_crf_udf():
    # seed: CRF(8 %, 10 yr) = 0.1490295; rate 0 gives 1/years
    assert XLCELL_CRF(0.08, 10.0) == pytest.approx(0.1490295, rel=1e-6)
    assert XLCELL_CRF(0.0, 10.0) == 0.1
    assert XLCELL_CRF([[0.0]], [[4.0]]) == 0.25
    assert XLCELL_CRF(0.08, 0.0) == "#XLCELL! years = 0: must be a number > 0"
    assert XLCELL_CRF(None, 10.0) == "#XLCELL! rate = blank: must be a number"
    # a rate typed in percent gets a hint instead of a silent 8.0; -100 % and below are refused too
    hint = "must be a fraction between -1 (exclusive) and 1; enter the rate as a fraction, e.g. 0.08 for 8 %"
    assert XLCELL_CRF(8.0, 10.0) == f"#XLCELL! rate = 8: {hint}"
    assert XLCELL_CRF(-1.0, 10.0) == f"#XLCELL! rate = -1: {hint}"
    assert XLCELL_CRF(1.0, 1.0) == 2.0


def test_bottleneck_udf():
    names = [["Mixing"], ["Coating"], ["Stacking"], ["Formation"]]
    assert XLCELL_BOTTLENECK(names, [[3000.0], [2500.0], [None], [1800.0]]) == [["Formation", 1800.0]]
    assert XLCELL_BOTTLENECK([["a", "b"]], [[2.0, 1.0]]) == [["b", 1.0]]  # a row works too
    assert XLCELL_BOTTLENECK(names, [[1.0], [2.0]])[0][0].startswith("#XLCELL! rates_per_hour is 2 values")
    assert XLCELL_BOTTLENECK(names, [[1.0], [-2.0], [1.0], [1.0]])[0][0].startswith("#XLCELL! rates_per_hour = -2")


def test_bottleneck_skips_empty_rows():
    # a table's spare rows (no name, no rate) are skipped, wherever they are; so are named steps without a rate
    names = [["Mixing"], [None], ["Coating"], [""], ["Dry room"], ["Formation"], [None]]
    rates = [[3000.0], [None], [2500.0], [""], [None], [1800.0], [None]]
    assert XLCELL_BOTTLENECK(names, rates) == [["Formation", 1800.0]]
    assert XLCELL_BOTTLENECK([["a", None, "b", None]], [[2.0, None, 1.0, None]]) == [["b", 1.0]]
    # a rate without a name, or a name with a rate that is not a number, is an error
    assert XLCELL_BOTTLENECK([["a"], [None]], [[2.0], [1.0]]) == [
        ["#XLCELL! step_names[2] = blank: must be a step name (rates_per_hour[2] has a rate)"]]
    assert XLCELL_BOTTLENECK([["a"], ["b"]], [[2.0], ["fast"]]) == [["#XLCELL! rates_per_hour[2] = 'fast': must be a number"]]
    # nothing to compare: a short message, not a traceback
    assert XLCELL_BOTTLENECK([[None], [None]], [[None], [None]])[0][0] == (
        "#XLCELL! step_names = blank: must be at least one named step with a rate")
    assert XLCELL_BOTTLENECK([["a"], ["b"]], [[None], [None]])[0][0].startswith("#XLCELL! rates_per_hour = 'all blank'")


def test_cost_returns_the_issue_items_and_reproduces_batpac():
    out = XLCELL_COST(DESIGN, None, BATPAC_BOM)
    assert all(len(r) == 2 for r in out)
    got = dict(out)
    assert set(ISSUE_ITEMS) <= set(got)
    # BatPaC 5.0 §6.3 (shared/reference/batpac5.md): $19.754802 per cell, $79.0192/kWh in BatPaC's conventions (no
    # utility line: electricity 0); the default adds the electricity (8.06 ¢/kWh, EIA 2023)
    bp = dict(XLCELL_COST(DESIGN, BATPAC, BATPAC_BOM))  # BatPaC mode: no utility line, its rating ASI
    assert bp["cell_cost_usd"] == pytest.approx(19.754802, abs=1e-6)
    assert bp["cell_cost_usd_per_kWh"] == pytest.approx(79.019206, rel=1e-7)
    assert got["cell_cost_usd"] == pytest.approx(19.754802 + got["utilities_usd"], abs=1e-6)
    assert got["cells_per_year"] == pytest.approx(200e6, rel=1e-7)
    assert isinstance(got["bottleneck_step"], str) and got["bottleneck_step"] in [s.name for s in DEFAULT_STEPS]
    ref = evaluate_cost(design_from_mapping({"pos_thickness_um": 120.0}), fmt=batpac_format()).as_display()
    for k, v in got.items():
        if k != "bottleneck_step":
            assert v == pytest.approx(np.asarray(ref[k]).item(), rel=1e-12), k


def test_factory_and_bom_ranges_override_defaults():
    f = [["Plant", None], ["plant_energy_GWh_yr", 100.0], ["Cost_of_capital", 0.08], ["labor_rate_usd_h", None]]
    b = [["pos_am_usd_kg", 20.0], ["coating_yield", 0.97]]
    got = dict(XLCELL_COST(DESIGN, f, b))
    from xlcell.bom import MaterialPrices, MaterialYields

    ref = evaluate_cost(design_from_mapping({}), Factory(plant=Plant(plant_energy_J_yr=100 * 3.6e12),
                                                         economics=Economics(cost_of_capital=0.08)),
                        MaterialPrices(pos_am_usd_kg=20.0), yields=MaterialYields(coating=0.97))
    assert got["cell_cost_usd"] == pytest.approx(float(ref.cell_cost_usd), rel=1e-12)
    assert got["capital_interest_usd"] > 0


def test_steps_range_edits_the_process_chain():
    rows = step_rows(DEFAULT_STEPS)
    keys = [s.key for s in specs(ProcessStep)]
    table = [keys] + [[r[k] if r[k] != "" else None for k in keys] for r in rows]
    base = dict(XLCELL_COST(DESIGN, BATPAC, BATPAC_BOM, table))
    assert base["cell_cost_usd"] == pytest.approx(19.754802, abs=1e-6)  # the sheet's table reproduces BatPaC
    # a partial table: only the columns given change; formation racks fixed below demand
    part = [["step", "machines"], ["Formation, aging & testing", 8000.0]] + [[s.name, None] for s in DEFAULT_STEPS if not s.name.startswith("Formation")]
    got = dict(XLCELL_COST(DESIGN, None, None, part))
    assert got["bottleneck_step"] == "Formation, aging & testing" and got["bottleneck_utilisation"] == pytest.approx(1.0)
    assert got["cells_per_year"] < 200e6
    bad = [["step", "driver"], ["Positive mixing", "bananas"]]
    assert XLCELL_COST(DESIGN, None, None, bad)[0][0].startswith("#XLCELL! unknown driver 'bananas'")


def test_factory_and_bom_ranges_must_be_two_columns():
    # a third column (units selected with the values) used to be ignored silently; it is refused
    three = [["plant_energy_GWh_yr", 100.0, "GWh"], ["cost_of_capital", 0.08, "-"]]
    assert XLCELL_COST(DESIGN, three) == [["#XLCELL! factory is 2x3: expected two columns: key, value"]]
    assert XLCELL_COST(DESIGN, None, [["pos_am_usd_kg", 20.0, None]]) == [["#XLCELL! bom is 1x3: expected two columns: key, value"]]
    assert XLCELL_COST_SENSITIVITY(DESIGN, 0.1, 3.0, None, three)[0][0].startswith("#XLCELL! factory is 2x3")
    assert XLCELL_COST(DESIGN, [["plant_energy_GWh_yr"]])[0][0].startswith("#XLCELL! factory is 1x1")
    # two columns, and a single (key, value) row, are fine
    assert dict(XLCELL_COST(DESIGN, [r[:2] for r in three]))["capital_interest_usd"] > 0
    got = dict(XLCELL_COST(DESIGN, BATPAC, [["pos_am_usd_kg", 26.0]] + BATPAC_BOM))
    assert got["cell_cost_usd"] == pytest.approx(19.754802, abs=1e-6)


@pytest.mark.parametrize("factory,bom,expected", [
    ([["plant_energy_GWh_yr", -5.0]], None, "#XLCELL! plant_energy_GWh_yr = -5: must be a number between 0 and 10000"),
    ([["plant_enrgy_GWh_yr", 5.0]], None, "#XLCELL! unknown factory key 'plant_enrgy_gwh_yr'; did you mean"),
    (None, [["coating_yield", 1.5]], "#XLCELL! coating_yield = 1.5: must be a number between 0 and 1"),
    (None, [["pos_am_usd_kg", "cheap"]], "#XLCELL! pos_am_usd_kg = 'cheap': must be a number"),
])
def test_bad_cost_inputs_give_short_error_text(factory, bom, expected):
    out = XLCELL_COST(DESIGN, factory, bom)
    assert out == [[out[0][0]]] and out[0][0].startswith(expected), out
    assert "Traceback" not in out[0][0]


def test_cost_value_and_table():
    assert XLCELL_COST_VALUE(DESIGN, "Cell_Cost_USD", BATPAC, BATPAC_BOM) == pytest.approx(19.754802, abs=1e-6)
    assert XLCELL_COST_VALUE(DESIGN, "bottleneck_step") == dict(XLCELL_COST(DESIGN))["bottleneck_step"]
    assert XLCELL_COST_VALUE(DESIGN, "cost").startswith("#XLCELL! unknown cost item 'cost'")
    th = np.linspace(60.0, 140.0, 50)
    out = XLCELL_COST_TABLE([["pos_thickness_um"]] + [[float(t)] for t in th], [["cell_cost_usd_per_kWh", "bottleneck_step"]])
    assert out[0] == ["cell_cost_usd_per_kWh", "bottleneck_step"] and len(out) == 51
    ref = evaluate_cost(design_from_mapping({"pos_thickness_um": th})).as_display()
    np.testing.assert_allclose([r[0] for r in out[1:]], ref["cell_cost_usd_per_kWh"], rtol=1e-12)
    assert all(isinstance(r[1], str) for r in out[1:])


def test_cost_table_keeps_blank_rows_aligned_with_the_input():
    # a sweep range with gaps: each result row stays beside its input row, a blank row gives a blank row
    table = [["pos_thickness_um"], [80.0], [None], [120.0]]
    out = XLCELL_COST_TABLE(table, [["cell_cost_usd", "bottleneck_step"]], BATPAC, BATPAC_BOM)
    assert len(out) == len(table) and out[2] == ["", ""]
    assert out[3][0] == pytest.approx(19.754802, abs=1e-6)  # BatPaC 5.0 default cell at 120 µm
    assert out[1][0] < out[3][0]


def test_bom_table():
    out = XLCELL_BOM(DESIGN, None, BATPAC_BOM)
    assert out[0] == BOM_HEADER and len(out) == 17
    rows = {r[0]: r for r in out[1:]}
    # BatPaC 5.0 §3.3: positive AM 319.19058 g design, 364.41441 g per accepted cell, $9.4747746
    assert rows["pos_am"][3] == pytest.approx(319.19058, rel=1e-7)
    assert rows["pos_am"][5] == pytest.approx(364.41441, rel=1e-7)
    assert rows["pos_am"][6] == pytest.approx(9.4747746, abs=1e-7)
    assert rows["electrolyte"][2] == "L" and rows["electrolyte"][5] == pytest.approx(0.075362137, rel=1e-7)
    assert rows["total"][6] == pytest.approx(15.502277, abs=1e-6)
    assert sum(r[6] for r in out[1:-1]) == pytest.approx(rows["total"][6], rel=1e-12)
    assert sum(r[7] for r in out[1:-1]) == pytest.approx(1.0, rel=1e-12)


def test_factory_table():
    out = XLCELL_FACTORY(DESIGN, None, BATPAC_BOM)
    assert out[0] == FACTORY_HEADER and len(out) == len(DEFAULT_STEPS) + 1
    rows = {r[0]: dict(zip(FACTORY_HEADER, r)) for r in out[1:]}
    f = rows["Formation, aging & testing"]
    # BatPaC 5.0 §5.3: formation labour 559,561.08 h/yr, capital 828.8836 M$, area 109,852.04 m²
    assert f["labor_h_yr"] == pytest.approx(559_561.08, abs=0.01)
    assert f["capex_musd"] == pytest.approx(828.8836, abs=1e-4)
    assert f["area_m2"] == pytest.approx(109_852.04, abs=0.01)
    assert f["driver_per_yr"] == pytest.approx(210_526_315.8, rel=1e-7)
    assert rows["Dry room"]["machines"] == "" and rows["Dry room"]["utilisation"] == ""
    caps = [(r[0], r[FACTORY_HEADER.index("capacity_cells_per_h")]) for r in out[1:] if r[6] != ""]
    name, rate = XLCELL_BOTTLENECK([[c[0]] for c in caps], [[c[1]] for c in caps])[0]
    assert name == dict(XLCELL_COST(DESIGN, None, BATPAC_BOM))["bottleneck_step"]
    # a steps range with empty rows (the Factory sheet's table): one result row per table row, the empty
    # ones blank at the end, and the bottleneck over the whole columns skips them
    keys = [s.key for s in specs(ProcessStep)]
    table = [keys] + [[r[k] for k in keys] for r in step_rows(DEFAULT_STEPS)] + [[None] * len(keys)] * 5
    padded = XLCELL_FACTORY(DESIGN, None, BATPAC_BOM, table)
    assert len(padded) == len(table) and padded[:-5] == out
    assert all(r == [""] * len(FACTORY_HEADER) for r in padded[-5:])
    cap = FACTORY_HEADER.index("capacity_cells_per_h")
    assert XLCELL_BOTTLENECK([[r[0]] for r in padded[1:]], [[r[cap]] for r in padded[1:]])[0][0] == name


def test_sensitivity_udf():
    out = XLCELL_COST_SENSITIVITY(DESIGN, 0.1, 10.0)
    assert out[0] == SENSITIVITY_HEADER and len(out) == 11
    swings = [abs(r[6] - r[5]) for r in out[1:]]
    assert swings == sorted(swings, reverse=True)
    d = {r[0]: r for r in XLCELL_COST_SENSITIVITY(DESIGN, None, None, None, None, BATPAC_BOM)[1:]}
    # ±10 % of the cathode price: ±0.1 × $9.4747746 / 0.25 kWh (BatPaC 5.0 §3.3)
    assert d["pos_am_usd_kg"][8] == pytest.approx(3.78991, rel=1e-5)
    assert XLCELL_COST_SENSITIVITY(DESIGN, 0.1, 5.0, "cell_cost_usd")[1][5] > 0
    assert XLCELL_COST_SENSITIVITY(DESIGN, 2.0)[0][0].startswith("#XLCELL! fraction = 2")
    assert XLCELL_COST_SENSITIVITY(DESIGN, 0.1, 0.0)[0][0].startswith("#XLCELL! top = 0")


def test_cost_udfs_are_registered_with_positional_args():
    import inspect

    funcs = udfs.udf_functions()
    for name in ("XLCELL_CRF", "XLCELL_BOTTLENECK", "XLCELL_COST", "XLCELL_COST_SENSITIVITY", "XLCELL_BOM", "XLCELL_FACTORY"):
        assert name in funcs
        for p in inspect.signature(funcs[name]).parameters.values():
            assert p.kind is p.POSITIONAL_OR_KEYWORD


def test_cost_returns_the_active_material_prices_it_used():
    # BatPaC 5.0 Chem sheet (2022-07-22): NMC811 $26/kg, LFP $10/kg, graphite $10/kg; a typed price wins
    got = dict(XLCELL_COST(DESIGN))
    assert (got["pos_am_price_usd_per_kg"], got["neg_am_price_usd_per_kg"]) == (26.0, 10.0)
    lfp = [r if r[0] != "pos_material" else ["pos_material", "LFP"] for r in DESIGN]
    got = dict(XLCELL_COST(lfp))
    assert (got["pos_am_price_usd_per_kg"], got["neg_am_price_usd_per_kg"]) == (10.0, 10.0)
    got = dict(XLCELL_COST(lfp, None, [["pos_am_usd_kg", 12.5]]))
    assert got["pos_am_price_usd_per_kg"] == 12.5


def test_a_materials_table_without_prices_keeps_the_library_prices():
    from udfs.cell import XLCELL_MATERIALS

    table = XLCELL_MATERIALS()
    j = table[0].index("price_usd_per_kg")
    old = [r[:j] + r[j + 1:] for r in table]  # a Materials table made before prices were added
    lfp = [r if r[0] != "pos_material" else ["pos_material", "LFP"] for r in DESIGN]
    assert dict(XLCELL_COST(lfp, None, None, None, old))["pos_am_price_usd_per_kg"] == 10.0
    mine = [table[0], ["MyCathode"] + table[1][1:j] + [None] + table[1][j + 1:]]  # a new material, price blank
    bad = [r if r[0] != "pos_material" else ["pos_material", "MyCathode"] for r in DESIGN]
    assert "pos_am_usd_kg" in str(XLCELL_COST(bad, None, None, None, mine))
    assert dict(XLCELL_COST(bad, None, [["pos_am_usd_kg", 18.0]], None, mine))["pos_am_price_usd_per_kg"] == 18.0
