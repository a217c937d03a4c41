"""The memo of the design UDFs (udfs/_cache.py): a sheet whose cells ask metrics of the same ranges evaluates the
model once, a hit returns the identical value, a changed input (any value of any range) misses, errors are never
kept, and nothing cached can be changed."""
import numpy as np
import pytest

import udfs.cell as ucell
import udfs.cost as ucost
from udfs import _cache
from udfs._excel import FiniteTable, udf
from udfs.cell import XLCELL_CELL, XLCELL_CELL_TABLE, XLCELL_CELL_VALUE, cell_display
from udfs.cost import XLCELL_COST, XLCELL_COST_VALUE
from xlcell.cell import evaluate_cell
import xlcell.cost as xcost
from xlcell.cost import evaluate_cost
from xlcell.design import design_from_mapping

DESIGN = [["Positive electrode", None], ["pos_material", "NMC811"], ["pos_thickness_um", 120.0],
          ["pos_porosity", 0.25], [None, None], ["np_ratio", 1.1]]


pytestmark = pytest.mark.usefixtures("empty_udf_memo")


@pytest.fixture
def cell_calls(monkeypatch):
    calls = []

    def counted(*a, **k):
        calls.append(k.get("metrics"))
        return evaluate_cell(*a, **k)

    monkeypatch.setattr(ucell, "evaluate_cell", counted)
    return calls


@pytest.fixture
def cost_calls(monkeypatch):
    calls = []

    def counted(*a, **k):
        calls.append(1)
        return evaluate_cost(*a, **k)

    monkeypatch.setattr(xcost, "evaluate_cost", counted)  # (udfs.cost imports it where it is used)
    return calls


def test_thirty_cells_of_one_design_evaluate_the_model_once(cell_calls):
    first = XLCELL_CELL_VALUE(DESIGN, "energy_Wh")
    for _ in range(29):
        assert XLCELL_CELL_VALUE(DESIGN, "energy_Wh") == first
    assert len(cell_calls) == 1
    # other metrics of the same part of the model (the chain): no further evaluation
    for m in ("capacity_Ah", "mass_g", "resistance_mohm", "specific_energy_Wh_kg", "volume_cm3"):
        XLCELL_CELL_VALUE(DESIGN, m)
    assert len(cell_calls) == 1
    # a metric of another part (the rate model) evaluates that part once
    XLCELL_CELL_VALUE(DESIGN, "max_pos_thickness_um")
    XLCELL_CELL_VALUE(DESIGN, "feasible")
    assert len(cell_calls) == 2
    XLCELL_CELL_VALUE(DESIGN, "max_power_W")  # the pulse: once more
    XLCELL_CELL_VALUE(DESIGN, "pulse_current_A")
    assert len(cell_calls) == 3
    # the cached values are the model's, from a fresh evaluation of the same design
    ref = evaluate_cell(design_from_mapping({"pos_thickness_um": 120.0, "pos_porosity": 0.25, "np_ratio": 1.1}),
                        calendering={"pos_material": "NMC811", "neg_material": "Graphite"}).as_display()
    for m in ("energy_Wh", "capacity_Ah", "max_pos_thickness_um", "max_power_W", "feasible"):
        assert XLCELL_CELL_VALUE(DESIGN, m) == np.asarray(ref[m]).item(), m
    assert dict(XLCELL_CELL(DESIGN))["energy_Wh"] == first
    assert len(cell_calls) == 4  # XLCELL_CELL asked for the rest (the active surface)
    assert XLCELL_CELL(DESIGN) == XLCELL_CELL(DESIGN) and len(cell_calls) == 4


@pytest.mark.parametrize("change", [
    lambda d, m, b: ([r if r[0] != "pos_porosity" else ["pos_porosity", 0.26] for r in d], m, b),
    lambda d, m, b: (d + [["pos_foil_um", 12.0]], m, b),
    lambda d, m, b: (d, [["name", "role", "specific_capacity_mAh_g", "am_density_g_cm3", "potential_V",
                           "particle_radius_um", "exchange_current_mA_cm2", "solid_diffusivity_m2_s",
                           "conductivity_S_m"],
                          ["MyNMC", "positive", 190.0, 4.7, 3.8, 5.0, 1.0, 1e-14, 0.1]], b),
    lambda d, m, b: (d, m, [["cell_format", "pouch"], ["cell_thickness_mm", 12.0]]),
], ids=["value", "key", "materials", "bom"])
def test_a_changed_input_misses(cell_calls, change):
    base = XLCELL_CELL_VALUE(DESIGN, "energy_Wh")
    d, m, b = change([list(r) for r in DESIGN], None, None)
    new = XLCELL_CELL_VALUE(d, "energy_Wh", m, b)
    assert isinstance(new, float) and len(cell_calls) == 2
    if m is None:  # (an unused material leaves the energy as it is)
        assert new != base
    assert XLCELL_CELL_VALUE(DESIGN, "energy_Wh") == base and len(cell_calls) == 2  # the first is still kept


def test_errors_are_not_kept_and_a_bool_is_not_a_number(cell_calls):
    bad = [["pos_porosity", 1.2]]
    assert XLCELL_CELL_VALUE(bad, "energy_Wh").startswith("#XLCELL! pos_porosity = 1.2")
    assert XLCELL_CELL_VALUE(bad, "energy_Wh").startswith("#XLCELL! pos_porosity = 1.2")
    one = [["np_ratio", 1.0]]
    assert isinstance(XLCELL_CELL_VALUE(one, "energy_Wh"), float)
    # TRUE == 1 in Python, but TRUE is no number here: the cached result of 1.0 must not answer for it
    assert XLCELL_CELL_VALUE([["np_ratio", True]], "energy_Wh").startswith("#XLCELL! np_ratio")
    assert _cache.freeze([["a", True]]) != _cache.freeze([["a", 1.0]])
    assert _cache.freeze([["a", "b"]]) != _cache.freeze(["a", "b"]) != _cache.freeze("a")


def test_cached_values_cannot_be_changed():
    values = cell_display(DESIGN, None, None, ("energy_Wh", "np_ratio", "feasible"))
    for k in ("energy_Wh", "np_ratio", "feasible"):  # one design: Python floats or numpy scalars, immutable
        assert type(values[k]) is float or isinstance(values[k], np.generic), k
    with pytest.raises(TypeError):
        values["energy_Wh"] = 1.0  # the memo's mapping is read-only
    with pytest.raises(TypeError):
        ucost.cost_display(DESIGN, None, None, None, None)["cell_cost_usd"] = 0.0
    d, _ = ucell.design_and_context(DESIGN)
    for v in vars(d.pos).values():
        assert not isinstance(v, np.ndarray) or not v.flags.writeable
    arr = _cache.readonly(np.arange(3.0))
    with pytest.raises(ValueError):
        arr[0] = 1.0


def test_cost_items_of_one_design_evaluate_the_cost_model_once(cost_calls):
    total = XLCELL_COST_VALUE(DESIGN, "cell_cost_usd_per_kWh")
    for item in ("cell_cost_usd", "materials_usd", "bottleneck_step", "cell_cost_usd_per_kWh"):
        XLCELL_COST_VALUE(DESIGN, item)
    assert len(cost_calls) == 1 and dict(XLCELL_COST(DESIGN))["cell_cost_usd_per_kWh"] == total
    factory = [["plant_energy_GWh_yr", 10.0]]
    smaller = XLCELL_COST_VALUE(DESIGN, "cell_cost_usd_per_kWh", factory)
    assert len(cost_calls) == 2 and smaller > total  # a smaller plant: dearer cells
    steps = ucost.cost_settings()["factory"].steps
    assert not steps.columns["capex0_usd"].flags.writeable  # the cached step table is read-only
    d, kw = ucost.cost_inputs(DESIGN)
    ref = evaluate_cost(d, **kw).as_display()
    assert total == np.asarray(ref["cell_cost_usd_per_kWh"]).item()


def test_the_lru_is_bounded_and_keeps_the_recently_used():
    lru = _cache.LRU(2)
    lru.put("a", 1)
    lru.put("b", 2)
    assert lru.get("a") == 1  # a: recently used
    lru.put("c", 3)
    assert lru.get("b") is None and lru.get("a") == 1 and lru.get("c") == 3 and len(lru) == 2


def test_table_rows_from_whole_columns_match_the_model():
    header = ["pos_thickness_um", "pos_porosity", "pos_material"]
    rows = [header, [80.0, 0.3, "NMC811"], [None, None, None], [150.0, 0.25, None], [60.0, None, "LFP"]]
    out = XLCELL_CELL_TABLE(rows, [["energy_Wh", "feasible", "max_power_W"]])
    assert type(out) is list and out[0] == ["energy_Wh", "feasible", "max_power_W"]
    assert out[2] == ["", "", ""]  # a blank input row stays blank
    assert all(isinstance(r[1], bool) and isinstance(r[0], float) for r in (out[1], out[3], out[4]))
    full = XLCELL_CELL_TABLE(rows)
    keys = full[0]
    for i in (1, 3, 4):
        row = dict(zip(keys, full[i]))
        assert [row[k] for k in out[0]] == out[i]
    # the same numbers as the model's own evaluation of each design
    d = design_from_mapping({"pos_thickness_um": 150.0, "pos_porosity": 0.25})
    ref = evaluate_cell(d, calendering={"pos_material": "NMC811", "neg_material": "Graphite"}).as_display()
    assert out[3][0] == np.asarray(ref["energy_Wh"]).item() and out[3][2] == np.asarray(ref["max_power_W"]).item()


def test_the_wrapper_hands_a_checked_table_over_as_a_plain_list_and_still_scans_others():
    @udf(table=True)
    def T(x):
        """A test table.

        x: which table
        """
        return FiniteTable([["a"], [1.0]]) if x == 1 else [["a"], [float("nan")]]

    assert T(1) == [["a"], [1.0]] and type(T(1)) is list
    assert T(2)[0][0].startswith("#XLCELL! the result holds values that are not finite")
