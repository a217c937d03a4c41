"""Benchmark: the design UDFs' cost per call and the array UDF over 10,000 designs, against the baseline commit's
UDFs in the same run (issue 15, item 1: lean evaluation).

The baseline (``--baseline-ref``, default the commit before issue 15's lean evaluation) is extracted with
``git archive`` into a temporary folder; it and this checkout are each measured in a child process of the same
making, on the same inputs; its results must equal this checkout's (exactly: the same floats), or the benchmark fails. Measured, as Excel calls them (ranges as lists of
rows, numbers as floats):

* ``XLCELL_CELL_VALUE(design, "energy_Wh")`` and ``XLCELL_COST_VALUE(design, "cell_cost_usd_per_kWh")`` with the
  template's Design sheet (B5:C120) as the design range: the first call on a new design (a design range never seen
  before, one value changed, as when a user edits the Design sheet) and its Python-side overhead (the call less the
  time spent inside the model's evaluation during it: ``evaluate_cell``, ``evaluate_cost``; the baseline's model
  validates its design itself, this checkout's gets it validated), the same with the template's other ranges beside
  it (``tbl_materials`` and ``tbl_bom`` for the cell; ``tbl_factory``, ``tbl_bom``, ``tbl_steps``, ``tbl_materials``
  for the cost, as the template's formulas pass them), a cold first call (every memo emptied before each call: the
  first recalculation after Excel starts), a memoised call, and a sheet of 30 cells asking 30 metrics of the same
  design; the model alone on the validated design is timed too, for reference; a new design whose ranges are
  handed over as new objects made right before each call (as xlwings makes them); and the floor of this timing,
  the least a new design's call does (every cell of the design range read, a dict lookup of its key column and of
  its numbers, the model called, one float converted: :func:`floor`), beside the cell and the cost model;
* ``XLCELL_CELL_TABLE`` over 10,000 designs, 3 metrics and every metric, with a table of every Design key
  (38 columns) and a sweep table of 3 columns;
* the ``udf`` wrapper's own cost per call (``XLCELL_VERSION`` through the wrapper less the bare function), and a
  scalar helper UDF (``XLCELL_CRF``) as a plain baseline.

Times are the process's CPU time (``time.process_time``: other jobs on shared cores do not count); ``--rounds``
rounds of (baseline, this checkout) alternate, and each figure is its best round's (the median of its calls).

    python bench/bench_udf.py [--quick] [--repeat 7] [--baseline-ref REF]
"""
from __future__ import annotations

import argparse
import json
import os
import pickle
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE_REF = "9084bd2"  #: main before issue 15's lean evaluation
#: the process's CPU time: on cores shared with other jobs, the time the process waits for a core is not counted
#: (wall-clock medians moved 2-3x between runs at load 3-5 here; CPU time measures the code)
clock = time.process_time
METRICS3 = ["energy_Wh", "capacity_Ah", "specific_energy_Wh_kg"]
#: 30 metrics of one design for the sheet of 30 cells (the chain's: one evaluation of the model)
SHEET = ["energy_Wh", "capacity_Ah", "mass_g", "volume_cm3", "specific_energy_Wh_kg", "energy_density_Wh_L",
         "nominal_voltage_V", "avg_voltage_V", "resistance_mohm", "asi_total_ohm_cm2", "asi_electrolyte_ohm_cm2",
         "asi_electronic_ohm_cm2", "asi_ct_pos_ohm_cm2", "asi_ct_neg_ohm_cm2", "asi_hardware_ohm_cm2",
         "asi_rating_ohm_cm2", "pos_areal_capacity_mAh_cm2", "neg_areal_capacity_mAh_cm2", "np_ratio",
         "pos_thickness_um", "neg_thickness_um", "mass_pos_coating_g", "mass_neg_coating_g", "mass_pos_foil_g",
         "mass_neg_foil_g", "mass_separator_g", "mass_electrolyte_g", "mass_packaging_g", "electrolyte_volume_cm3",
         "current_A"]


def design_range() -> list[list]:
    """The template's Design sheet B5:C120 as xlwings hands it over (numbers as floats)."""
    import openpyxl

    ws = openpyxl.load_workbook(ROOT / "workbooks" / "xlcell_template.xlsx", read_only=True)["Design"]
    rows = [list(r[1:3]) for r in ws.iter_rows(min_row=5, max_row=120, max_col=3, values_only=True)]
    return [[c if not isinstance(c, int) or isinstance(c, bool) else float(c) for c in r] for r in rows]


def template_ranges() -> dict[str, list[list]]:
    """The template's named ranges the design UDFs take (``tbl_design``, ``tbl_materials``, ``tbl_factory``,
    ``tbl_steps``, ``tbl_bom``) as xlwings hands them over: cached values, numbers as floats."""
    import openpyxl

    wb = openpyxl.load_workbook(ROOT / "workbooks" / "xlcell_template.xlsx", data_only=True)
    out = {}
    for n in ("design", "materials", "factory", "steps", "bom"):
        (title, ref), = wb.defined_names["tbl_" + n].destinations
        out[n] = [[float(c.value) if type(c.value) is int else c.value for c in r]
                  for r in wb[title][ref.replace("$", "")]]
    return out


def known_keys(rng: list[list], known: set[str]) -> list[list]:
    """A design range with the rows of keys outside ``known`` blanked (a key the baseline does not know yet; this
    checkout then takes its default, as the template shows it)."""
    return [[None, None] if isinstance(r[0], str) and "_" in r[0] and r[0] not in known else r for r in rng]


def new_designs(rng: list[list], n: int, shift: float = 0.0) -> list[list[list]]:
    """``n`` design ranges never seen before: ``rng`` with ``pos_thickness_um`` moved by ``shift`` and 0.001 µm steps
    (a user's edit of one cell of the Design sheet)."""
    out = []
    for i in range(n):
        rows = [list(r) for r in rng]
        for r in rows:
            if r[0] == "pos_thickness_um":
                r[1] = float(r[1]) + shift + 0.001 * (i + 1)
        out.append(rows)
    return out


def handed(ranges: tuple) -> tuple:
    """``ranges`` as new objects (a new list of new rows of new cells, as xlwings hands a range over at each call)."""
    return pickle.loads(pickle.dumps(ranges))


def each_call(f, args: list) -> float:
    """Median seconds of ``f(a)`` over the arguments ``args`` (one call each)."""
    ts = []
    for a in args:
        t = clock()
        f(a)
        ts.append(clock() - t)
    return statistics.median(ts)


def tables(rng: list[list], n: int) -> dict[str, list[list]]:
    kv = [r for r in rng if isinstance(r[0], str) and r[1] is not None and "_" in r[0]]
    sweep = ["pos_thickness_um", "pos_porosity", "np_ratio"]
    return {"keys": [[r[0] for r in kv]] + [[r[1] for r in kv] for _ in range(n)],
            "sweep": [sweep] + [[60.0 + 140.0 * i / n, 0.2 + 0.2 * (i % 7) / 7, 1.05 + 0.1 * (i % 5) / 5]
                                for i in range(n)]}


def median_call(f, n: int, before=None) -> float:
    """Median seconds of ``n`` single calls of ``f`` (``before()`` untimed before each)."""
    ts = []
    for _ in range(n):
        if before is not None:
            before()
        t = clock()
        f()
        ts.append(clock() - t)
    return statistics.median(ts)


def in_call(f, args: list, models: list[tuple[object, str]], before=None) -> tuple[float, float]:
    """(median seconds of ``f(a)``, median seconds of ``f(a)`` less the time spent inside the model functions
    ``models`` (module, name) during that call) over the arguments ``args``: a call's Python-side overhead, measured
    within the call itself (a comparison with the model timed on its own in another loop moves with the load and the
    caches more than the overhead does). ``before()`` runs untimed before each call."""
    inside = [0.0]
    saved = []
    for mod, name in models:
        fn = getattr(mod, name, None)
        if fn is None or any(fn is s for _, _, s in saved):
            continue

        def timed(*a, _fn=fn, **k):
            t0 = clock()
            try:
                return _fn(*a, **k)
            finally:
                inside[0] += clock() - t0

        saved.append((mod, name, fn))
        setattr(mod, name, timed)
    total, over = [], []
    try:
        for a in args:
            if before is not None:
                before()
            inside[0] = 0.0
            t = clock()
            f(a)
            dt = clock() - t
            if inside[0] == 0.0:
                raise SystemExit("in_call: the model was not called (a memo hit?)")
            total.append(dt)
            over.append(dt - inside[0])
    finally:
        for mod, name, fn in saved:
            setattr(mod, name, fn)
    return statistics.median(total), statistics.median(over)


def loop_call(f, n: int, repeat: int) -> float:
    """Seconds per call of ``f`` over a loop of ``n`` calls (the median of ``repeat`` loops)."""
    out = []
    for _ in range(repeat):
        t = clock()
        for _ in range(n):
            f()
        out.append((clock() - t) / n)
    return statistics.median(out)


def measure(rng: list[list], tabs: dict[str, list[list]], tmpl: dict[str, list[list]], repeat: int,
            calls: int, shift: float = 0.0) -> tuple[dict, dict]:
    """(seconds by case, results by case) of the ``udfs`` on the path: this checkout's or the baseline's."""
    import udfs  # noqa: F401
    from udfs.cell import XLCELL_CELL_TABLE, XLCELL_CELL_VALUE, XLCELL_VERSION, cell_inputs
    from udfs.cost import XLCELL_COST_VALUE, XLCELL_CRF, cost_inputs
    from xlcell.cell import evaluate_cell, resolve
    from xlcell.cost import evaluate_cost

    import gc

    gc.collect()
    gc.freeze()  # the inputs (tables of 10,000 rows) are not walked by every collection the calls trigger
    try:  # this checkout: the memo, and the model asked for the energy's part only
        from udfs._cache import clear
        from xlcell.cell import metric_group

        cell_kw = {"metrics": metric_group("energy_Wh")}
    except ImportError:  # the baseline: no memo, every metric
        clear, cell_kw = None, {}
    t: dict[str, float] = {}
    res: dict[str, object] = {}
    res["cell"] = XLCELL_CELL_VALUE(rng, "energy_Wh")
    res["cost"] = XLCELL_COST_VALUE(rng, "cell_cost_usd_per_kWh")
    import udfs.cell
    import udfs.cost
    import xlcell.cost

    cell_models = [(udfs.cell, "evaluate_cell")]  # the model functions the UDFs call (where they look them up)
    cost_models = [(udfs.cost, "evaluate_cost"), (xlcell.cost, "evaluate_cost")]
    t["cell first"], t["cell first overhead"] = in_call(lambda _: XLCELL_CELL_VALUE(rng, "energy_Wh"),
                                                        [None] * calls, cell_models, clear)
    t["cost first"], t["cost first overhead"] = in_call(lambda _: XLCELL_COST_VALUE(rng, "cell_cost_usd_per_kWh"),
                                                        [None] * max(3, calls // 3), cost_models, clear)
    d, kw = cell_inputs(rng)
    d = resolve(d)  # the already-validated design (the baseline's evaluate_cell validates it again: its model time)
    t["cell model"] = median_call(lambda: evaluate_cell(d, **kw, **cell_kw), calls)
    dc, kwc = cost_inputs(rng)
    dc = resolve(dc)
    t["cost model"] = median_call(lambda: evaluate_cost(dc, **kwc), max(3, calls // 3))
    # a new design (never seen) beside ranges already read: the design UDFs' first call after a user's edit
    for label, design, cell_args, cost_args in (
            ("", rng, (), ()),
            (" tmpl", tmpl["design"], (tmpl["materials"], tmpl["bom"]),
             (tmpl["factory"], tmpl["bom"], tmpl["steps"], tmpl["materials"]))):
        XLCELL_CELL_VALUE(design, "energy_Wh", *cell_args)  # the other ranges read once
        XLCELL_COST_VALUE(design, "cell_cost_usd_per_kWh", *cost_args)
        fresh = new_designs(design, 2 * calls, shift)
        cells, costs = fresh[:calls], fresh[calls:]
        t[f"cell new{label}"], t[f"cell new{label} overhead"] = in_call(
            lambda r: XLCELL_CELL_VALUE(r, "energy_Wh", *cell_args), cells, cell_models)
        t[f"cost new{label}"], t[f"cost new{label} overhead"] = in_call(
            lambda r: XLCELL_COST_VALUE(r, "cell_cost_usd_per_kWh", *cost_args), costs, cost_models)
        res[f"cell new{label}"] = [XLCELL_CELL_VALUE(r, "energy_Wh", *cell_args) for r in cells[:3]]
        res[f"cost new{label}"] = [XLCELL_COST_VALUE(r, "cell_cost_usd_per_kWh", *cost_args) for r in costs[:3]]
        ins = [cell_inputs(r, *cell_args) for r in cells]
        ins = [(resolve(d), kw) for d, kw in ins]
        t[f"cell new{label} model"] = each_call(lambda x: evaluate_cell(x[0], **x[1], **cell_kw), ins)
        ins = [cost_inputs(r, *cost_args) for r in costs]
        ins = [(resolve(d), kw) for d, kw in ins]
        t[f"cost new{label} model"] = each_call(lambda x: evaluate_cost(x[0], **x[1]), ins)
    # the same, every range handed over as new objects at each call, as xlwings hands Excel's ranges over (a new list
    # of new rows of new cells: nothing is the object a memo kept); the copies are made before the timed calls
    cell_args = (tmpl["materials"], tmpl["bom"])
    cost_args = (tmpl["factory"], tmpl["bom"], tmpl["steps"], tmpl["materials"])
    fresh = new_designs(tmpl["design"], 2 * calls, shift + 0.25)
    cells = [(r, handed(cell_args)) for r in fresh[:calls]]
    costs = [(r, handed(cost_args)) for r in fresh[calls:]]
    t["cell new tmpl fresh"], t["cell new tmpl fresh overhead"] = in_call(
        lambda a: XLCELL_CELL_VALUE(a[0], "energy_Wh", *a[1]), cells, cell_models)
    t["cost new tmpl fresh"], t["cost new tmpl fresh overhead"] = in_call(
        lambda a: XLCELL_COST_VALUE(a[0], "cell_cost_usd_per_kWh", *a[1]), costs, cost_models)
    res["cell new tmpl fresh"] = [XLCELL_CELL_VALUE(r, "energy_Wh", *a) for r, a in cells[:3]]
    res["cost new tmpl fresh"] = [XLCELL_COST_VALUE(r, "cell_cost_usd_per_kWh", *a) for r, a in costs[:3]]
    # the same, each call's ranges made right before it (untimed: a new list of new rows of new cells, as xlwings
    # makes them from Excel's values at each call), so that they are as fresh in the CPU's caches as Excel's are
    # (the cases above make every range before the timed calls: a model evaluation has since pushed them out)
    box = [None]
    fresh = iter(new_designs(tmpl["design"], 2 * calls, shift + 0.375))
    t["cell new made"], t["cell new made overhead"] = in_call(
        lambda _: XLCELL_CELL_VALUE(box[0][0], "energy_Wh", *box[0][1:]), [None] * calls, cell_models,
        before=lambda: box.__setitem__(0, handed((next(fresh),) + cell_args)))
    res["cell new made"] = XLCELL_CELL_VALUE(box[0][0], "energy_Wh", *box[0][1:])
    t["cost new made"], t["cost new made overhead"] = in_call(
        lambda _: XLCELL_COST_VALUE(box[0][0], "cell_cost_usd_per_kWh", *box[0][1:]), [None] * calls, cost_models,
        before=lambda: box.__setitem__(0, handed((next(fresh),) + cost_args)))
    res["cost new made"] = XLCELL_COST_VALUE(box[0][0], "cell_cost_usd_per_kWh", *box[0][1:])
    # the floor of a new design's call in this timing: what no reader can skip, the same code in both processes:
    # every cell of the design range read (its rows checked, its columns made), its key column's plan found, its
    # numbers picked, hashed, looked up and kept in a dict, the model called on a design read before, and one float
    # converted; with the range made before the calls (as in "cell new") and right before each (as in "made")
    t["floor"], t["floor made"], t["floor cost"] = floor(rng, calls, shift, cell_kw, cell_inputs, cost_inputs,
                                                         resolve, cell_models, cost_models)
    XLCELL_CELL_VALUE(rng, "energy_Wh")
    XLCELL_COST_VALUE(rng, "cell_cost_usd_per_kWh")
    t["cell memo"] = median_call(lambda: XLCELL_CELL_VALUE(rng, "energy_Wh"), 20 * calls)
    t["cost memo"] = median_call(lambda: XLCELL_COST_VALUE(rng, "cell_cost_usd_per_kWh"), 20 * calls)
    # memoised with the template's five ranges: the same objects at every call, and new objects at every call
    d = tmpl["design"]
    res["cell memo tmpl"] = XLCELL_CELL_VALUE(d, "energy_Wh", *cell_args)
    res["cost memo tmpl"] = XLCELL_COST_VALUE(d, "cell_cost_usd_per_kWh", *cost_args)
    t["cell memo tmpl"] = median_call(lambda: XLCELL_CELL_VALUE(d, "energy_Wh", *cell_args), 20 * calls)
    t["cost memo tmpl"] = median_call(lambda: XLCELL_COST_VALUE(d, "cell_cost_usd_per_kWh", *cost_args), 20 * calls)
    box = [None]  # the current call's ranges, set untimed before it
    copies = iter([handed((d,) + cell_args) for _ in range(4 * calls)])
    t["cell memo tmpl fresh"] = median_call(lambda: XLCELL_CELL_VALUE(box[0][0], "energy_Wh", *box[0][1:]),
                                            4 * calls, before=lambda: box.__setitem__(0, next(copies)))
    copies = iter([handed((d,) + cost_args) for _ in range(4 * calls)])
    t["cost memo tmpl fresh"] = median_call(
        lambda: XLCELL_COST_VALUE(box[0][0], "cell_cost_usd_per_kWh", *box[0][1:]), 4 * calls,
        before=lambda: box.__setitem__(0, next(copies)))

    def sheet():
        if clear is not None:
            clear()  # a changed input: the sheet's 30 cells recalculate
        return [XLCELL_CELL_VALUE(rng, m) for m in SHEET]

    res["sheet"] = sheet()
    t["sheet of 30"] = min(median_call(sheet, max(3, calls // 10)) for _ in range(1)) / len(SHEET)
    n = 20000
    t["crf"] = loop_call(lambda: XLCELL_CRF(0.08, 10.0), n, repeat)
    # the wrapper's own cost: the trivial XLCELL_VERSION through it and bare, alternating, the fastest loop of each
    raw = XLCELL_VERSION.__wrapped__
    wrapped, bare = [], []
    for _ in range(3 * repeat):
        wrapped.append(loop_call(XLCELL_VERSION, n, 1))
        bare.append(loop_call(raw, n, 1))
    t["version"], t["version bare"] = min(wrapped), min(bare)
    for name, rows in tabs.items():
        for label, metrics in (("3", [METRICS3]), ("all", None)):
            key = f"table {name} {label}"
            res[key] = XLCELL_CELL_TABLE(rows, metrics)
            t[key] = median_call(lambda: XLCELL_CELL_TABLE(rows, metrics), repeat)
    return t, res


def floor(rng: list[list], calls: int, shift: float, cell_kw: dict, cell_inputs, cost_inputs, resolve,
          cell_models: list, cost_models: list) -> tuple[float, float, float]:
    """In-call overhead (as :func:`in_call` measures it) of the least a new design's ``XLCELL_CELL_VALUE`` does: the
    range's rows checked and its columns made, the key column's plan found in a dict, the numbers picked and kept in
    a dict under a hashed key, the model evaluated (energy only) on a design read before, one float converted; for
    new designs made before the calls, and made right before each call (untimed); and the same with the cost model
    (``XLCELL_COST_VALUE``'s least)."""
    from operator import itemgetter

    import udfs.cell
    import xlcell.cost

    d, kw = cell_inputs(rng)
    d = resolve(d)
    dc, kwc = cost_inputs(rng)
    dc = resolve(dc)
    keys = tuple(r[0] for r in rng)
    rows = itemgetter(*[i for i, r in enumerate(rng) if type(r[1]) is float])
    plans, memo = {keys: rows}, {}

    def least(r, cost=False):
        cols = tuple(zip(*r)) if type(r) is list and set(map(type, r)) == {list} else None
        nums = plans.get(cols[0])(cols[1])
        if memo.get(nums) is None:
            if len(memo) >= 128:
                memo.clear()
            memo[nums] = True
        if cost:
            return (float(xlcell.cost.evaluate_cost(dc, **kwc).cost_per_energy_usd_J) - 0.0) / 2.7777777777777776e-07
        m = udfs.cell.evaluate_cell(d, **kw, **cell_kw)
        return (float(m.energy_J) - 0.0) / 3600.0

    before = in_call(least, new_designs(rng, calls, shift + 0.625), cell_models)[1]
    box = [None]
    fresh = iter(new_designs(rng, calls, shift + 0.75))
    made = in_call(lambda _: least(box[0]), [None] * calls, cell_models,
                   before=lambda: box.__setitem__(0, handed((next(fresh),))[0]))[1]
    cost = in_call(lambda r: least(r, True), new_designs(rng, max(3, calls // 3), shift + 0.875), cost_models)[1]
    return before, made, cost


def child(inputs: str, out: str, repeat: int, calls: int, shift: float) -> None:
    with open(inputs, "rb") as f:
        rng, tabs, tmpl = pickle.load(f)
    with open(out, "wb") as f:
        pickle.dump(measure(rng, tabs, tmpl, repeat, calls, shift), f)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer calls and repeats")
    ap.add_argument("--repeat", type=int, default=5, help="repeats of each table call and loop")
    ap.add_argument("--calls", type=int, default=60, help="single calls timed per design-UDF case")
    ap.add_argument("--n", type=int, default=10000, help="designs of the array UDF")
    ap.add_argument("--baseline-ref", default=BASELINE_REF)
    ap.add_argument("--rounds", type=int, default=3,
                    help="rounds of (baseline, this checkout), alternated; each figure is its best round's")
    ap.add_argument("--child", nargs=2, metavar=("INPUTS", "OUT"), help=argparse.SUPPRESS)
    ap.add_argument("--shift", type=float, default=0.0, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.quick:
        a.repeat, a.calls, a.rounds = 3, 30, 1
    if a.child:
        child(a.child[0], a.child[1], a.repeat, a.calls, a.shift)
        return 0
    sys.path.insert(0, str(ROOT))
    from bench._report import record

    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "baseline"
        base.mkdir()
        blob = subprocess.run(["git", "archive", a.baseline_ref, "udfs", "xlcell"], cwd=ROOT, check=True,
                              capture_output=True).stdout
        tarfile.open(fileobj=BytesIO(blob)).extractall(base, filter="data")
        env = dict(os.environ, PYTHONPATH=str(base))
        # the Design sheet's keys the baseline knows (a key added since would be an error there): only those are read
        known = set(subprocess.run([sys.executable, "-c", "from xlcell.design import design_keys; "
                                    "print(' '.join(k.key for k in design_keys()))"], env=env, cwd=tmp, check=True,
                                   capture_output=True, text=True).stdout.split())
        rng = known_keys(design_range(), known)
        tabs = tables(rng, a.n)
        tmpl = template_ranges()
        tmpl["design"] = known_keys(tmpl["design"], known)
        inputs, out = Path(tmp) / "inputs.pkl", Path(tmp) / "out.pkl"
        inputs.write_bytes(pickle.dumps((rng, tabs, tmpl)))
        rounds_b, rounds_n = [], []
        for r in range(a.rounds):  # alternated, so that a change of load hits both; new designs differ per round
            # both in a child process of the same making (this one's heap holds the template read by openpyxl)
            timed = []
            for e in (env, dict(os.environ, PYTHONPATH=str(ROOT))):
                subprocess.run([sys.executable, __file__, "--child", str(inputs), str(out), "--repeat",
                                str(a.repeat), "--calls", str(a.calls), "--shift", str(0.5 * r)], env=e, cwd=tmp,
                               check=True)
                timed.append(pickle.loads(out.read_bytes()))
            (tb, rb), (tn, rn) = timed
            # correctness first: the same numbers as the baseline's, exactly
            for k in rb:
                if rn[k] != rb[k]:
                    raise SystemExit(f"{k}: this checkout's result differs from the baseline's")
            rounds_b.append(tb)
            rounds_n.append(tn)
    tb = {k: min(t[k] for t in rounds_b) for k in rounds_b[0]}
    tn = {k: min(t[k] for t in rounds_n) for k in rounds_n[0]}
    agree = f"results equal to {a.baseline_ref}'s (exactly)"
    us, ms = 1e6, 1e3
    for k in sorted(tn):
        print(f"{k:<26} this checkout {tn[k] * us:12.1f} µs   baseline {tb[k] * us:12.1f} µs   ratio {tn[k] / tb[k]:.3f}")
    base = f"the UDF at {a.baseline_ref} (before issue 15's lean evaluation), same run"
    for udf, item in (("cell", "XLCELL_CELL_VALUE(design, \"energy_Wh\")"),
                      ("cost", "XLCELL_COST_VALUE(design, \"cell_cost_usd_per_kWh\")"),
                      ("cell", "XLCELL_CELL_VALUE(tbl_design, \"energy_Wh\", tbl_materials, tbl_bom)"),
                      ("cost", "XLCELL_COST_VALUE(tbl_design, \"cell_cost_usd_per_kWh\", tbl_factory, tbl_bom, "
                               "tbl_steps, tbl_materials)")):
        case = f"{udf} new" + (" tmpl" if "tbl_" in item else "")
        over_n, over_b = tn[f"{case} overhead"], tb[f"{case} overhead"]
        record(f"{item}, first call on a new design: Python-side overhead / the baseline's", over_n / over_b, base,
               value=over_n * us, unit="µs",
               note=f"the call ({tn[case] * us:.0f} µs; baseline {tb[case] * us:.0f} µs) less the time inside the "
                    f"model's evaluation during it, median over calls (baseline {over_b * us:.0f} µs); the model alone "
                    f"on the validated design {tn[f'{case} model'] * us:.0f} µs; a design range never seen, the other "
                    f"ranges read before; target 50 µs; {agree}")
        if "tbl_" in item:
            continue
        over_n, over_b = tn[f"{udf} first overhead"], tb[f"{udf} first overhead"]
        record(f"{item}, cold first call (every memo emptied): Python-side overhead / the baseline's",
               over_n / over_b, base,
               value=over_n * us, unit="µs",
               note=f"the call ({tn[f'{udf} first'] * us:.0f} µs; baseline {tb[f'{udf} first'] * us:.0f} µs) less the "
                    f"time inside the model's evaluation during it (baseline {over_b * us:.0f} µs); every memo emptied "
                    f"before each call; target 50 µs; {agree}")
        record(f"{item}, cold first call (every memo emptied): time / the baseline's", tn[f"{udf} first"] / tb[f"{udf} first"], base,
               value=tn[f"{udf} first"] * us, unit="µs", note=agree)
        record(f"{item}, memoised call: time / the baseline's call", tn[f"{udf} memo"] / tb[f"{udf} memo"], base,
               value=tn[f"{udf} memo"] * us, unit="µs", note=f"target 50 µs; scalar helper XLCELL_CRF "
                                                             f"{tn['crf'] * us:.1f} µs")
    for udf, item in (("cell", "XLCELL_CELL_VALUE(tbl_design, \"energy_Wh\", tbl_materials, tbl_bom)"),
                      ("cost", "XLCELL_COST_VALUE(tbl_design, \"cell_cost_usd_per_kWh\", tbl_factory, tbl_bom, "
                               "tbl_steps, tbl_materials)")):
        k = f"{udf} memo tmpl"
        record(f"{item}, memoised call: time / the baseline's", tn[k] / tb[k], base, value=tn[k] * us, unit="µs",
               note=f"the same range objects at every call; new objects at every call (as xlwings hands them "
                    f"over): {tn[k + ' fresh'] * us:.0f} µs (baseline {tb[k + ' fresh'] * us:.0f} µs); target 50 µs")
        k = f"{udf} new tmpl fresh"
        record(f"{item}, first call on a new design, every range as new objects: Python-side overhead / the "
               f"baseline's", tn[k + " overhead"] / tb[k + " overhead"], base, value=tn[k + " overhead"] * us,
               unit="µs", note=f"as xlwings hands ranges over (new lists, rows and cells at every call); the call "
                               f"{tn[k] * us:.0f} µs (baseline {tb[k] * us:.0f} µs); target 50 µs; {agree}")
    for udf, item in (("cell", "XLCELL_CELL_VALUE(tbl_design, \"energy_Wh\", tbl_materials, tbl_bom)"),
                      ("cost", "XLCELL_COST_VALUE(tbl_design, \"cell_cost_usd_per_kWh\", tbl_factory, tbl_bom, "
                               "tbl_steps, tbl_materials)")):
        k = f"{udf} new made"
        record(f"{item}, first call on a new design, every range made right before the call: Python-side overhead / "
               f"the baseline's", tn[k + " overhead"] / tb[k + " overhead"], base, value=tn[k + " overhead"] * us,
               unit="µs", note=f"as xlwings makes the ranges at each call (new objects, fresh in the CPU's caches); "
                               f"the call {tn[k] * us:.0f} µs (baseline {tb[k] * us:.0f} µs); the floor of this timing "
                               f"(the least a new design's call does) {tn['floor made'] * us:.0f} µs, "
                               f"{tn['floor'] * us:.0f} µs with the range made before the calls, "
                               f"{tn['floor cost'] * us:.0f} µs beside the cost model; target 50 µs; {agree}")
    record("sheet of 30 XLCELL_CELL_VALUE cells of one design range (30 metrics): time per cell / the baseline's",
           tn["sheet of 30"] / tb["sheet of 30"], base, value=tn["sheet of 30"] * us, unit="µs", note=agree)
    for name, what in (("keys", "every Design key (38 columns)"), ("sweep", "3 columns")):
        for label, m in (("3", "3 metrics"), ("all", "all 71 metrics")):
            k = f"table {name} {label}"
            record(f"XLCELL_CELL_TABLE, {a.n} designs x {m}, a table of {what}: time / the baseline's",
                   tn[k] / tb[k], base, value=tn[k] * ms, unit="ms",
                   note=("target 20 ms; " if label == "3" else "") + agree)
    wrap_n, wrap_b = tn["version"] - tn["version bare"], tb["version"] - tb["version bare"]
    record("udf wrapper's own cost per call (XLCELL_VERSION through it less the bare function) / the baseline's",
           wrap_n / wrap_b, f"the wrapper at {a.baseline_ref}, same run", value=wrap_n * us, unit="µs",
           note=f"baseline {wrap_b * us:.2f} µs; the scalar helper XLCELL_CRF {tn['crf'] * us:.2f} µs per call")
    print(json.dumps({"this checkout": tn, "baseline": tb}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
