"""The design UDFs' fast paths (issue 15, item 1) give the general readers' results, value for value, and the same
`#XLCELL!` texts: a design range read by the plan of its key column, the materials table and the cost settings
memoised on their own values, a range's memo key that tells TRUE from 1, a table's float columns read in one pass,
and cost items converted when first asked. Each fast path is compared with the same call with that path switched
off (the code before it), on the template's own ranges as Excel hands them over."""
from pathlib import Path

import numpy as np
import openpyxl
import pytest

import udfs.cell as ucell
import udfs.cost as ucost
from app.cli import named_rows
from udfs import _cache
from udfs.cell import XLCELL_CELL, XLCELL_CELL_TABLE, XLCELL_CELL_VALUE, as_kv, design_values
from udfs.cost import XLCELL_COST, XLCELL_COST_TABLE, XLCELL_COST_VALUE
from xlcell.cost import evaluate_cost

TEMPLATE = Path(__file__).resolve().parents[1] / "workbooks" / "xlcell_template.xlsx"
METRICS = ["energy_Wh", "capacity_Ah", "mass_g", "resistance_mohm", "max_pos_thickness_um", "feasible",
           "max_power_W", "neg_thickness_um"]
ITEMS = ["cell_cost_usd", "cell_cost_usd_per_kWh", "materials_usd", "bottleneck_step", "investment_musd",
         "pos_am_price_usd_per_kg"]


@pytest.fixture(scope="module")
def tmpl():
    """The template's ranges of the design UDFs as xlwings hands them over (cached values, numbers as floats)."""
    wb = openpyxl.load_workbook(TEMPLATE, data_only=True)
    out = {}
    for n in ("design", "materials", "factory", "steps", "bom"):
        out[n] = [[float(c) if type(c) is int else c for c in r] for r in named_rows(wb, f"tbl_{n}")]
    return out


pytestmark = pytest.mark.usefixtures("empty_udf_memo")


@pytest.fixture
def general(monkeypatch):
    """Switch the fast paths off: the design range, the table's float columns through the general readers."""
    def off():
        monkeypatch.setattr(ucell, "_layout_values", lambda design, name, kd=None: None)
        monkeypatch.setattr(ucell, "_layout_read", lambda design, kd=None: None)
        monkeypatch.setattr(ucell, "_float_column", lambda cells: None)
        _cache.clear()
    return off


def edited(rows, key, value):
    return [[r[0], value] if r[0] == key else list(r) for r in rows]


def cell_results(t, design):
    return [XLCELL_CELL_VALUE(design, m, t["materials"], t["bom"]) for m in METRICS] + [XLCELL_CELL(design)]


def cost_results(t, design):
    args = (t["factory"], t["bom"], t["steps"], t["materials"])
    return [XLCELL_COST_VALUE(design, i, *args) for i in ITEMS] + [XLCELL_COST(design, *args)]


def test_the_template_design_range_is_read_by_its_plan_as_by_the_general_reader(tmpl):
    for rows in (tmpl["design"], [r for r in tmpl["design"] if r[1] is not None],
                 edited(tmpl["design"], "pos_thickness_um", 95.5),
                 edited(tmpl["design"], "neg_material", " graphite "), edited(tmpl["design"], "np_ratio", None)):
        fast = ucell._layout_values(rows, "design")
        assert fast is not None and fast == design_values(as_kv(rows, "design"))
    # the Design sheet's range has headings and blank values: the plan of its key column is kept
    assert any(r[0] is not None and r[1] is None for r in tmpl["design"])


@pytest.mark.parametrize("edit", [
    lambda d: d,
    lambda d: edited(d, "pos_thickness_um", 80.25),
    lambda d: edited(d, "pos_material", "LFP"),
    lambda d: edited(edited(d, "neg_thickness_um", 140.0), "np_ratio", None),  # given: the N/P ratio follows
    lambda d: edited(d, "pos_porosity", None),  # a blank value: the default
    lambda d: [r for r in edited(d, "pos_porosity", 0.3) if r[1] is not None],  # no blank value
], ids=["template", "thickness", "material", "neg thickness", "blank", "no blank"])
def test_design_udfs_give_the_general_readers_results(tmpl, general, edit):
    design = edit([list(r) for r in tmpl["design"]])
    fast = cell_results(tmpl, design), cost_results(tmpl, design)
    general()
    slow = cell_results(tmpl, design), cost_results(tmpl, design)
    assert fast == slow
    assert all(isinstance(v, (float, bool, str)) for v in fast[0][:-1] + fast[1][:-1])
    assert not any(isinstance(v, str) and v.startswith("#XLCELL!") for v in fast[0][:-1] + fast[1][:-1])


@pytest.mark.parametrize("edit, text", [
    (lambda d: edited(d, "pos_porosity", 1.2), "#XLCELL! pos_porosity = 1.2"),
    (lambda d: edited(d, "pos_porosity", True), "#XLCELL! pos_porosity"),
    (lambda d: edited(d, "pos_porosity", "0.3"), None),  # a number typed as text: read as the number
    (lambda d: edited(d, "pos_porosity", "0,3"), "#XLCELL! pos_porosity"),
    (lambda d: edited(d, "pos_porosity", "#N/A"), "#XLCELL! pos_porosity"),
    (lambda d: edited(d, "pos_porosity", float("inf")), "#XLCELL! pos_porosity"),
    (lambda d: edited(d, "pos_porosity", "  "), None),  # a blank text: the default
    (lambda d: edited(d, "pos_material", "Unobtainium"), "#XLCELL! unknown material 'Unobtainium'"),
    (lambda d: edited(d, "pos_material", 811.0), "#XLCELL! unknown material '811'"),
    (lambda d: edited(d, "pos_material", "#REF!"), "#XLCELL! pos_material"),
    (lambda d: d + [["pos_porosity", 0.3]], "#XLCELL! design"),  # a repeated key
    (lambda d: d + [["pos_porositty", 0.3]], "#XLCELL! "),  # an unknown key with a value
    (lambda d: [["Positive electrode", None]] + d, None),  # a heading
    (lambda d: [["Positive electrode", 5.0]] + d, "#XLCELL! "),  # a value beside a heading
    (lambda d: [[None, None], ["pos_porosity", 0.3], ["#DIV/0!", 1.0]], "#XLCELL! design"),
], ids=["range", "bool", "text number", "comma", "excel error", "inf", "blank text", "unknown material",
        "number as material", "material error", "repeated key", "unknown key", "heading", "heading value",
        "error key"])
def test_a_design_the_plan_does_not_take_gives_the_general_readers_answer(tmpl, general, edit, text):
    design = edit([list(r) for r in tmpl["design"]])
    fast = [XLCELL_CELL_VALUE(design, "energy_Wh", tmpl["materials"]) for _ in range(2)]
    fast_cost = XLCELL_COST_VALUE(design, "cell_cost_usd", tmpl["factory"], tmpl["bom"], tmpl["steps"],
                                  tmpl["materials"])
    general()
    slow = XLCELL_CELL_VALUE(design, "energy_Wh", tmpl["materials"])
    assert fast == [slow, slow]  # (an error twice: never kept)
    assert fast_cost == XLCELL_COST_VALUE(design, "cell_cost_usd", tmpl["factory"], tmpl["bom"], tmpl["steps"],
                                          tmpl["materials"])
    if text is None:
        assert isinstance(slow, float)
    else:
        assert isinstance(slow, str) and slow.startswith(text), slow


def test_a_new_design_beside_the_same_tables_reads_only_the_design(tmpl, monkeypatch):
    reads = {"materials": 0, "settings": 0}
    materials_from_range, cost_settings = ucell.materials_from_range, ucost._cost_settings

    def count(name, f):
        def counted(*a, **k):
            reads[name] += 1
            return f(*a, **k)
        return counted

    monkeypatch.setattr(ucell, "materials_from_range", count("materials", materials_from_range))
    monkeypatch.setattr(ucost, "_cost_settings", count("settings", cost_settings))
    args = (tmpl["factory"], tmpl["bom"], tmpl["steps"], tmpl["materials"])
    values = [XLCELL_COST_VALUE(edited(tmpl["design"], "pos_thickness_um", 100.0 + i), "cell_cost_usd", *args)
              for i in range(5)]
    cells = [XLCELL_CELL_VALUE(edited(tmpl["design"], "pos_thickness_um", 100.0 + i), "energy_Wh",
                               tmpl["materials"]) for i in range(5)]
    assert reads == {"materials": 1, "settings": 1}
    assert len(set(values)) == len(set(cells)) == 5 and all(np.diff(cells) > 0)
    # a changed table is read again (keyed on its values)
    steps = [list(r) for r in tmpl["steps"]]
    steps[1][3] = steps[1][3] * 2
    assert XLCELL_COST_VALUE(tmpl["design"], "cell_cost_usd", tmpl["factory"], tmpl["bom"], steps,
                             tmpl["materials"]) != values[0]
    assert reads["settings"] == 2


def test_cost_items_converted_when_asked_are_the_models_display_values(tmpl):
    args = (tmpl["factory"], tmpl["bom"], tmpl["steps"], tmpl["materials"])
    one = [XLCELL_COST_VALUE(tmpl["design"], i, *args) for i in ITEMS]  # a few items first, then every item
    every = XLCELL_COST(tmpl["design"], *args)
    d, kw = ucost.cost_inputs(tmpl["design"], *args)
    ref = evaluate_cost(d, **kw).as_display()
    assert [r[0] for r in every] == list(ref)  # the model's order
    assert every == [[k, np.asarray(v).item() if not isinstance(v, str) else v] for k, v in ref.items()]
    assert one == [dict(every)[i] for i in ITEMS]
    shown = ucost.cost_display(tmpl["design"], *args)
    assert list(shown) == list(ref)


def test_range_keys_tell_true_from_one_and_false_from_zero():
    a = _cache.freeze([["np_ratio", 1.0], ["x", 0.0], ["y", "text"]])
    assert a == _cache.freeze([["np_ratio", 1.0], ["x", 0.0], ["y", "text"]])
    for other in ([["np_ratio", True], ["x", 0.0], ["y", "text"]], [["np_ratio", 1.0], ["x", False], ["y", "text"]]):
        b = _cache.freeze(other)
        assert hash(a) == hash(b) and a != b and b != a  # equal in Python, not here (either way round)
    # ragged rows (never from Excel): a key all the same, TRUE still not 1, not the key of the rectangle
    ragged = _cache.freeze([["np_ratio", 1.0], ["x"]])
    assert ragged == _cache.freeze([["np_ratio", 1.0], ["x"]]) != _cache.freeze([["np_ratio", True], ["x"]])
    assert _cache.freeze([["a", "b"], ["c", None]]) != _cache.freeze([["a", "b"], ["c"]])
    assert _cache.freeze([[1.0, 2.0]]) != _cache.freeze([[1.0], [2.0]])  # the same cells, another shape
    assert _cache.freeze([[], []]) != _cache.freeze([[]])
    lru = _cache.LRU(4)
    lru.put(_cache.Key((a,)), "numbers")
    assert lru.get(_cache.Key((_cache.freeze([["np_ratio", True], ["x", 0.0], ["y", "text"]]),))) is None
    assert lru.get(_cache.Key((_cache.freeze([["np_ratio", 1.0], ["x", 0.0], ["y", "text"]]),))) == "numbers"


def test_float_columns_read_in_one_pass_are_the_cells_bits():
    rng = np.random.default_rng(15)
    cells = tuple(float(x) for x in np.concatenate([rng.normal(size=50) * 10.0 ** rng.integers(-300, 300, 50),
                                                    [0.0, -0.0, 5e-324, 1.7976931348623157e308, 1.0, 1.0]]))
    arr = ucell._float_column(cells)
    assert arr.dtype == float and arr.flags.writeable
    assert arr.tobytes() == np.array(cells, dtype=float).tobytes()  # bit for bit, -0.0 included
    assert np.array_equal(ucell._float_column(list(cells)), arr)
    for bad in ((1.0, True), (1.0, False), (1.0, None), (1.0, 2), (1.0, "2"), (np.float64(1.0),), (1.0, float("nan")),
                (1.0, float("inf")), ("abcd",), (), (1.0, [1.0])):
        assert ucell._float_column(bad) is None, bad


def test_a_table_of_every_design_key_gives_the_general_readers_table(tmpl, general):
    keys = [r for r in tmpl["design"] if isinstance(r[0], str) and r[1] is not None and "_" in r[0]]
    rng = np.random.default_rng(7)
    header = [k for k, _ in keys]
    moved = {"pos_thickness_um", "pos_porosity", "neg_porosity", "np_ratio", "electrode_area_cm2", "c_rate"}
    rows = [[float(v) * (1 + 0.05 * rng.uniform(-1, 1)) if k in moved else v for k, v in keys] for _ in range(300)]
    rows[5][header.index("pos_porosity")] = None  # a blank cell: the default
    rows[6] = [None] * len(header)  # a blank row: a blank row
    rows[7][header.index("pos_material")] = "LFP"
    table = [header] + rows
    bad = [header] + [list(r) for r in rows]
    bad[12][header.index("np_ratio")] = True
    fast = XLCELL_CELL_TABLE(table, None, tmpl["materials"]), XLCELL_CELL_TABLE(bad, [METRICS[:3]])
    fast_cost = XLCELL_COST_TABLE(table, [ITEMS[:3]], tmpl["factory"], tmpl["bom"], tmpl["steps"], tmpl["materials"])
    general()
    assert fast == (XLCELL_CELL_TABLE(table, None, tmpl["materials"]), XLCELL_CELL_TABLE(bad, [METRICS[:3]]))
    assert fast_cost == XLCELL_COST_TABLE(table, [ITEMS[:3]], tmpl["factory"], tmpl["bom"], tmpl["steps"],
                                          tmpl["materials"])
    assert fast[1][0][0].startswith("#XLCELL! np_ratio") and fast[0][7] == [""] * len(fast[0][0])


@pytest.mark.parametrize("fast", [True, False], ids=["read in one pass", "general reader"])
def test_the_cell_and_cost_functions_of_a_new_design_validate_it_once(tmpl, monkeypatch, general, fast):
    calls = []
    resolve, reader = ucell.resolve, ucell.design_reader
    monkeypatch.setattr(ucell, "resolve", lambda d: calls.append("resolve") or resolve(d))

    def counted(keys):
        read = reader(keys)
        out = lambda *a: calls.append("read") or read(*a)  # noqa: E731
        out.build = lambda *a: calls.append("read") or read.build(*a)
        return out

    monkeypatch.setattr(ucell, "design_reader", counted)
    if not fast:
        general()
    _cache.clear()
    design = edited(tmpl["design"], "pos_thickness_um", 101.5)
    energy = XLCELL_CELL_VALUE(design, "energy_Wh", tmpl["materials"])
    cost = XLCELL_COST_VALUE(design, "cell_cost_usd", tmpl["factory"], tmpl["bom"], tmpl["steps"], tmpl["materials"])
    once = ["read"] if fast else ["resolve"]  # built and checked in one pass (design_reader), or resolved
    assert calls == once and isinstance(energy, float) and isinstance(cost, float)
    # the same design object, resolved once, gives what a fresh evaluation gives
    _cache.clear()
    assert XLCELL_COST_VALUE(design, "cell_cost_usd", tmpl["factory"], tmpl["bom"], tmpl["steps"],
                             tmpl["materials"]) == cost and calls == once * 2


@pytest.mark.parametrize("name", ["steps", "materials"])  # many cells equal to 0 or 1, and a few
def test_a_table_frozen_again_gets_the_kept_key_and_only_an_equal_one(tmpl, name):
    steps = [list(r) for r in tmpl[name]]
    a = _cache.freeze_table(steps)
    again = _cache.freeze_table([list(r) for r in tmpl[name]])
    assert again is a and a == _cache.freeze(tmpl[name])  # the kept key object, equal to freeze's
    steps[0][0] = "changed"  # the caller changes its own lists afterwards: the kept copy does not change
    assert _cache.freeze_table(steps) != a and _cache.freeze_table([list(r) for r in tmpl[name]]) is a
    steps = [list(r) for r in tmpl[name]]
    i, j = next((i, j) for i, r in enumerate(steps) for j, c in enumerate(r) if type(c) is float and c in (0.0, 1.0))
    c = steps[i][j]
    for cell in (bool(c), int(c), 2.0, None, "1"):  # TRUE == 1 == 1.0 (FALSE == 0) in Python: another key all the same
        other = [list(r) for r in steps]
        other[i][j] = cell
        k = _cache.freeze_table(other)
        assert k is not a and k != a and k == _cache.freeze(other)
    steps[i][j] = 5.0  # the caller changes its own lists afterwards: the kept copy does not change
    assert _cache.freeze_table(steps) != a and _cache.freeze_table([list(r) for r in tmpl[name]]) == a
    rows_as_tuples = _cache.freeze_table([tuple(r) for r in tmpl[name]])  # (never from Excel): another key
    assert rows_as_tuples is not a and rows_as_tuples != a
    assert _cache.freeze_table(None) == _cache.freeze(None)
    assert _cache.freeze_table([1.0, 2.0]) == _cache.freeze([1.0, 2.0])


def test_each_value_asked_alone_is_the_tables_value(tmpl):
    # a metric or cost item not shown before, converted alone (its unit's scale found once), against the same value
    # converted with every other by the table functions after the memo is emptied: the same bits
    design = edited(tmpl["design"], "pos_thickness_um", 99.25)
    cell_args, cost_args = (tmpl["materials"], tmpl["bom"]), (tmpl["factory"], tmpl["bom"], tmpl["steps"],
                                                               tmpl["materials"])
    alone = {m: XLCELL_CELL_VALUE(design, m, *cell_args) for m in ucell._ALL_METRICS}
    items = {i: XLCELL_COST_VALUE(design, i, *cost_args) for i in ucost._specs()}
    _cache.clear()
    table, cost = dict(XLCELL_CELL(design, *cell_args)), dict(XLCELL_COST(design, *cost_args))
    assert list(alone) == list(table) and list(items) == list(cost)
    for got, ref in ((alone, table), (items, cost)):
        for k, v in got.items():
            assert type(v) is type(ref[k]) and (v == ref[k] or v != v and ref[k] != ref[k]), k
            if type(v) is float:
                assert np.float64(v).tobytes() == np.float64(ref[k]).tobytes(), k


@pytest.mark.parametrize("value", [float("inf"), float("nan"), 1.5])
def test_a_number_the_reader_refuses_beside_a_new_broken_materials_table_is_reported_as_the_general_path_does(
        tmpl, general, value):
    design = edited(tmpl["design"], "pos_porosity", value)
    broken = [list(r) for r in tmpl["materials"]]
    broken[1][broken[0].index("role")] = "sideways"  # a materials table read for the first time, which fails
    fast = [XLCELL_CELL_VALUE(design, "energy_Wh", broken), XLCELL_CELL_VALUE(edited(design, "np_ratio", 1.15),
                                                                              "energy_Wh", broken)]
    general()
    slow = [XLCELL_CELL_VALUE(design, "energy_Wh", broken), XLCELL_CELL_VALUE(edited(design, "np_ratio", 1.15),
                                                                              "energy_Wh", broken)]
    assert fast == slow and all(isinstance(v, str) and v.startswith("#XLCELL!") for v in fast), (fast, slow)
