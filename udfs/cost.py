"""Excel functions of the manufacturing cost model (thin wrappers over :mod:`xlcell.cost`).

Ranges the cost functions take (all optional after ``design``; blank = BatPaC 5.0 defaults):

* ``design`` — the Design sheet's two-column (key, value) range, as for ``XLCELL_CELL``;
* ``factory`` — (key, value) rows of plant and economics inputs (:class:`xlcell.factory.Plant`,
  :class:`xlcell.cost.Economics`), e.g. ``plant_energy_GWh_yr | 50``; exactly two columns;
* ``bom`` — (key, value) rows of prices, material yields, slurry and cell-format inputs
  (:class:`xlcell.bom.MaterialPrices`, ``MaterialYields``, ``Slurry``, ``CellFormat``; ``cell_format`` = pouch,
  cylindrical, prismatic or a preset with the can's keys, :mod:`xlcell.formats`); exactly two columns;
* ``steps`` — the process-step table (header row of column keys, one step per row; a row naming a
  default step takes that step's values for blank cells);
* ``materials`` — user-defined active materials, as for ``XLCELL_CELL``.
"""
from __future__ import annotations

import functools
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Mapping

import numpy as np

from xlcell.bom import BOM_ITEMS, BOM_UNITS, CellFormat, MaterialPrices, MaterialYields, Slurry
from xlcell.errors import InputError, ShapeError, UnknownKeyError
from xlcell.formats import CanFormat
from xlcell.params import specs, to_display
from xlcell.tables import BOM_HEADER, FACTORY_HEADER, SENSITIVITY_HEADER

if TYPE_CHECKING:  # the models are imported where a function uses them (issue 15: import udfs stays fast)
    from xlcell.factory import StepTable

from ._excel import (as_2d, as_float, as_int, as_kv, as_table, as_text, asked_key, excel_value, is_blank, is_blank_range,
                     kv_out, udf, user_names)
from . import _cache
from .cell import (FORMAT_KEY, design_entry, design_cached, designs_and_context_from_table_rows, format_from_range,
                   resolved, shown_value, table_rows)


def factory_classes() -> tuple[type, ...]:
    """The classes of the Factory sheet's (key, value) rows (the plant and the economics)."""
    from xlcell.cost import Economics
    from xlcell.factory import Plant

    return (Plant, Economics)


#: the bom keys of the cell format (read by :func:`udfs.cell.format_from_range`)
FORMAT_KEYS = frozenset([FORMAT_KEY] + [s.key.lower() for s in specs(CellFormat)]
                        + [s.key.lower() for s in specs(CanFormat) if s.unit != "text"])
BOM_CLASSES = (MaterialPrices, MaterialYields, Slurry)


@functools.cache
def _metrics() -> dict[str, Any]:
    """The cost model's result specs by lower-case key (built on first use, with the cost model)."""
    from xlcell.cost import CostMetrics

    return {s.key.lower(): s for s in specs(CostMetrics)}


def objects_from_kv(v: Any, classes: tuple[type, ...], name: str, skip: frozenset[str] = frozenset()) -> dict[type, Any]:
    """Instances of ``classes`` from a (key, value) range in display units; blank keys take defaults.

    The range must be exactly two columns wide: a third column (say the units beside the values) is
    refused rather than silently ignored. Keys in ``skip`` (lower case) are left to another reader (the cell format's).
    """
    if v is not None and not is_blank(v):
        rows = as_2d(v, name)
        if len(rows[0]) != 2:
            raise ShapeError(name, f"{len(rows)}x{len(rows[0])}", "two columns: key, value")
    kv = as_kv(v, name) if v is not None and not is_blank(v) else {}
    by_key = {s.key.lower(): (cls, s) for cls in classes for s in specs(cls)}
    kw: dict[type, dict[str, Any]] = {cls: {} for cls in classes}
    for key, val in kv.items():
        if key in skip:
            continue
        if key not in by_key:
            raise UnknownKeyError(key, [s.key for _, s in by_key.values()] + sorted(skip), f"{name} key")
        cls, s = by_key[key]
        x = as_float(val, s.key)
        si = s.to_si(x)
        s.check(si, s.key)
        kw[cls][s.name] = si
    return {cls: cls(**kw[cls]) for cls in classes}


def steps_from_range(v: Any, name: str = "steps") -> StepTable:
    """The process-step table from a range with a header row of column keys (blank = the defaults)."""
    from xlcell.factory import StepTable, steps_from_rows

    if v is None or is_blank(v):
        return StepTable.from_steps()
    header, rows = as_table(v, name)
    return StepTable.from_steps(steps_from_rows([dict(zip(header, r)) for r in rows]))


def cost_settings(factory: Any = None, bom: Any = None, steps: Any = None) -> dict[str, Any]:
    """Keyword arguments of :func:`xlcell.cost.evaluate_cost` from the factory, bom and steps ranges.

    Memoised on every value of the three ranges (:mod:`udfs._cache`; the step table's arrays are read-only)."""
    return dict(_settings_cached(factory, bom, steps, _cache.freeze(factory), _cache.freeze(bom), _cache.freeze(steps)))


def _settings_cached(factory: Any, bom: Any, steps: Any, kf: Any, kb: Any, ks: Any) -> dict[str, Any]:
    """:func:`cost_settings` with the ranges' keys (:func:`udfs._cache.freeze`) made once by the caller (the memo's
    own dict: not to be changed)."""
    if kf is None or kb is None or ks is None:
        return _cost_settings(factory, bom, steps)
    key = (kf, kb, ks)
    hit = _SETTINGS.get(key)
    if hit is None:
        hit = _cache.bounded_put(_SETTINGS, key, _cost_settings(factory, bom, steps), 16)
    return hit


_SETTINGS: dict[tuple[Any, Any, Any], dict[str, Any]] = _cache.memo("cost settings")
_NONE = _cache.NONE  #: freeze(None)
_COST_RESULTS = _cache.cache("cost results", 128)


def cost_display(design: Any, factory: Any, bom: Any, steps: Any, materials: Any,
                 items: Any = None) -> Mapping[str, Any]:
    """``{Excel key: display value}`` of one design range's cost items (read-only), holding at least ``items``
    (Excel keys; None: every item, in the model's order).

    Memoised on every value of the five ranges, each range's key made once per call: the cells of a sheet that ask
    items of the same ranges evaluate the model once, and each item is converted to its display unit once, when
    first asked for. A new design beside the same factory, BOM, steps and materials ranges reads only the design
    (the settings and the materials table are memoised on their own values)."""
    return MappingProxyType(_cost_shown(_cost_entry(design, factory, bom, steps, materials), items))  # read-only


def _cost_entry(design: Any, factory: Any, bom: Any, steps: Any, materials: Any) -> dict[str, Any]:
    """The memo's entry of the cost model for the five ranges: ``{"metrics": the model's result, "shown": the display
    values made}``. A design range the plans read is found in the design functions' one memo of designs
    (:func:`udfs.cell.design_entry`, shared with the cell functions), its results by the settings ranges' keys;
    anything else in the memo of results keyed on every value of the five ranges."""
    kf = _NONE if factory is None else _cache.freeze_table(factory)  # (freeze(None), at once)
    kb = _NONE if bom is None else _cache.freeze_table(bom)
    ks = _NONE if steps is None else _cache.freeze_table(steps)
    km = _NONE if materials is None else _cache.freeze_table(materials)
    e = None if kf is None or kb is None or ks is None else design_entry(design, materials, km)
    if e is not None:
        sk = (kf, kb, ks)
        entry = e.costs.get(sk)
        if entry is None:
            from xlcell.cost import evaluate_cost

            m = evaluate_cost(e.resolved, **_settings_cached(factory, bom, steps, kf, kb, ks),
                              calendering=e.calendering)
            entry = _cache.bounded_put(e.costs, sk, {"metrics": m, "shown": {}}, 8)
        return entry
    kd = _cache.freeze(design)
    key = None if None in (kd, kf, kb, ks, km) else _cache.Key((kd, kf, kb, ks, km))
    entry = None if key is None else _COST_RESULTS.get(key)
    if entry is None:
        from xlcell.cost import evaluate_cost

        d, cal = design_cached(design, materials, kd, km)
        m = evaluate_cost(resolved(d), **_settings_cached(factory, bom, steps, kf, kb, ks), calendering=cal)
        entry = {"metrics": m, "shown": {}}
        if key is not None:
            _COST_RESULTS.put(key, entry)
    return entry


def _cost_shown(entry: dict[str, Any], items: Any) -> dict[str, Any]:
    """The display values of a memo entry (:func:`_cost_entry`) holding at least ``items`` (None: every item, in the
    model's order): each converted once, when first asked for. The entry's own dict (replaced, never changed, when
    an item is added: a mapping handed out stays as it was)."""
    shown = entry["shown"]
    specs_ = _specs()
    keys = specs_ if items is None else ([items] if isinstance(items, str) else items)
    missing = [k for k in keys if k not in shown]
    if missing:  # display units for the asked items only (the rest when asked)
        m = entry["metrics"]
        new = {}
        for k in missing:
            s = specs_[k]
            v = getattr(m, s.name)
            new[k] = v if s.unit in ("bool", "text") else shown_value(s, v)
        shown = entry["shown"] = {**shown, **_cache.readonly(new)}
    if items is None and len(shown) == len(specs_) and list(shown) != list(specs_):
        shown = entry["shown"] = {k: shown[k] for k in specs_}  # every item: the model's order
    return shown


@functools.cache
def _specs() -> dict[str, Any]:
    """The cost model's result specs by Excel key, in the model's order (built on first use, with the cost model)."""
    from xlcell.cost import CostMetrics

    return {s.key: s for s in specs(CostMetrics)}


def _cost_settings(factory: Any, bom: Any, steps: Any) -> dict[str, Any]:
    from xlcell.cost import Economics, Factory
    from xlcell.factory import Plant

    f = objects_from_kv(factory, factory_classes(), "factory")
    b = objects_from_kv(bom, BOM_CLASSES, "bom", FORMAT_KEYS)
    fac = Factory(steps=steps_from_range(steps), plant=f[Plant], economics=f[Economics])
    _cache.readonly(fac.steps.columns)
    return dict(factory=fac, prices=b[MaterialPrices], yields=b[MaterialYields], slurry=b[Slurry],
                fmt=format_from_range(bom))


def cost_inputs(design: Any, factory: Any = None, bom: Any = None, steps: Any = None, materials: Any = None):
    """(CellDesign, keyword arguments of :func:`xlcell.cost.evaluate_cost`) from the cost ranges; the calendering
    context is the design's, as for XLCELL_CELL (one chain: the same cell energy)."""
    d, cal = design_cached(design, materials, _cache.freeze(design), _cache.freeze(materials))
    return d, {**cost_settings(factory, bom, steps), "calendering": cal}


def _first(x: Any) -> float:
    """The single value of a one-design result array."""
    return float(np.asarray(x).reshape(-1)[0])


@udf()
def XLCELL_CRF(rate: Any, years: Any) -> float:
    """Capital recovery factor r(1+r)^n/((1+r)^n-1): the annual payment per $ of capital (1/n at r = 0).

    rate: interest rate per year as a fraction (0.08 = 8 %), -1 < rate <= 1
    years: life in years, > 0
    """
    from xlcell.cost import crf

    return float(crf(as_float(rate, "rate"), as_float(years, "years")))


@udf(table=True, ranges=("step_names", "rates_per_hour"))
def XLCELL_BOTTLENECK(step_names: Any, rates_per_hour: Any) -> list[list[Any]]:
    """The slowest step of a line: a 1x2 array (step name, its rate per hour); empty rows are skipped.

    step_names: row or column of step names
    rates_per_hour: row or column of the steps' rates (units per hour, same unit for all), >= 0
    Rows with neither a name nor a rate (spare rows of a table) and named steps without a rate (no machine
    data) are skipped; a rate without a name, or a rate that is not a number, is an error.
    """
    from xlcell.factory import bottleneck

    names = _vector_cells(step_names, "step_names")
    cells = _vector_cells(rates_per_hour, "rates_per_hour")
    if len(cells) != len(names):
        raise ShapeError("rates_per_hour", f"{len(cells)} values", f"{len(names)} values, one per step name")
    kept_names, rates = [], []
    for i, (n, c) in enumerate(zip(names, cells)):
        if is_blank(n):
            if is_blank(c):
                continue  # an empty row
            raise InputError(f"step_names[{i + 1}]", None, f"a step name (rates_per_hour[{i + 1}] has a rate)")
        kept_names.append(as_text(n, f"step_names[{i + 1}]"))
        rates.append(np.nan if is_blank(c) else as_float(c, f"rates_per_hour[{i + 1}]"))
    if not kept_names:
        raise InputError("step_names", None, "at least one named step with a rate")
    with user_names(rates="rates_per_hour"):
        name, rate = bottleneck(kept_names, np.array(rates))
    return [[str(name), float(rate)]]


def _vector_cells(v: Any, name: str) -> list[Any]:
    """The cells of a one-row or one-column range, in order (blanks kept)."""
    rows = as_2d(v, name)
    if len(rows) > 1 and len(rows[0]) > 1:
        raise ShapeError(name, f"{len(rows)}x{len(rows[0])}", "a single row or column")
    return [c for r in rows for c in r]


@udf(table=True, ranges=("design", "factory", "bom", "steps", "materials"))
def XLCELL_COST(design: Any, factory: Any = None, bom: Any = None, steps: Any = None, materials: Any = None) -> list[list[Any]]:
    """Manufacturing cost of a cell design (BatPaC 5.0 roll-up, bottleneck, yields, cost of capital).

    design: two-column (key, value) range, as for XLCELL_CELL (the Design sheet)
    factory: optional (key, value) range of plant and economics inputs (the Factory sheet)
    bom: optional (key, value) range of prices, yields and cell-format inputs (the BOM sheet)
    steps: optional process-step table (header row of column keys; the Factory sheet)
    materials: optional table of user-defined materials
    Returns a two-column (item, value) array: cell_cost_usd, cell_cost_usd_per_kWh, materials_usd, ...
    """
    return kv_out(cost_display(design, factory, bom, steps, materials))


@udf(ranges=("design", "factory", "bom", "steps", "materials"))
def XLCELL_COST_VALUE(design: Any, item: Any, factory: Any = None, bom: Any = None, steps: Any = None,
                      materials: Any = None) -> Any:
    """One cost item of a design, e.g. =XLCELL_COST_VALUE(tbl_design, "cell_cost_usd_per_kWh").

    design: two-column (key, value) range
    item: a key of XLCELL_COST's result, e.g. cell_cost_usd, materials_share, bottleneck_step
    factory, bom, steps, materials: optional, as for XLCELL_COST
    """
    key = asked_key(item, "item", _ITEM_BY_TEXT, _metric)
    entry = _cost_entry(design, factory, bom, steps, materials)
    v = entry["shown"].get(key, _MISSING)
    return excel_value(_cost_one(entry, key) if v is _MISSING else v)


_MISSING = object()


def _cost_one(entry: dict[str, Any], key: str) -> Any:
    """``_cost_shown(entry, key)[key]``, one item not shown before: a float of one design converted in plain float
    arithmetic with its unit's scale and offset found once per item (:func:`xlcell.units.float_to_display`'s
    operations), anything else by :func:`_cost_shown`."""
    one = _ONE.get(key)
    if one is None:
        from xlcell.units import UNITS

        s = _specs()[key]
        _, scale, offset = UNITS.get(s.unit, (None, 1.0, 0.0))
        one = _ONE[key] = (s.name, s.unit in ("bool", "text") or s.unit not in UNITS, scale == 1.0 and offset == 0.0,
                           scale, offset)
    name, raw, plain, scale, offset = one
    x = getattr(entry["metrics"], name)
    if raw or not (type(x) is np.ndarray and x.shape == () or type(x) is np.float64) or x.dtype is not _F8:
        return _cost_shown(entry, key)[key]
    v = float(x) if plain else (float(x) - offset) / scale
    entry["shown"] = {**entry["shown"], key: v}  # (replaced: a mapping handed out stays as it was)
    return v


_F8 = np.dtype(np.float64)
#: item -> (its field, shown as it is (a flag, a text)?, an SI display unit?, scale, offset)
_ONE: dict[str, tuple[str, bool, bool, float, float]] = {}


#: item texts as given -> the item's key: what as_text and _metric made of them
_ITEM_BY_TEXT: dict[str, str] = {}


@udf(table=True, ranges=("designs", "items", "factory", "bom", "steps", "materials"))
def XLCELL_COST_TABLE(designs: Any, items: Any = None, factory: Any = None, bom: Any = None, steps: Any = None,
                      materials: Any = None) -> list[list[Any]]:
    """Cost of a table of designs in one call (header row of design keys, one design per row).

    designs: table with a header row of design keys and one design per row (blank cells take the defaults; a blank row gives a blank row)
    items: optional row or column of cost items to return (default: all)
    factory, bom, steps, materials: optional, as for XLCELL_COST
    Returns a header row of items and one row per design row, aligned with the input.
    """
    from xlcell.cost import evaluate_cost

    d, kept, n_rows, cal = designs_and_context_from_table_rows(designs, materials)
    kw = {**cost_settings(factory, bom, steps), "calendering": cal}
    m = evaluate_cost(d, **kw).as_display()
    keys = list(m) if is_blank_range(items) else [_metric(as_text(c, "items")) for r in as_2d(items, "items")
                                                            for c in r if not is_blank(c)]
    return table_rows(keys, [m[k] for k in keys], [_metrics()[k.lower()].unit for k in keys], kept, n_rows)


@udf(table=True, ranges=("design", "factory", "bom", "steps", "materials"))
def XLCELL_BOM(design: Any, factory: Any = None, bom: Any = None, steps: Any = None, materials: Any = None) -> list[list[Any]]:
    """Bill of materials per accepted cell: design quantity, yield, quantity bought, $ per cell.

    design: two-column (key, value) range, as for XLCELL_CELL
    factory, bom, steps, materials: optional, as for XLCELL_COST
    Returns a header row (item, material, unit, design_qty, material_yield, per_accepted_cell, cost_usd,
    cost_share) and one row per item; quantity per accepted cell = design / (cell yield × material yield).
    """
    from xlcell.cost import cost_details

    d, kw = cost_inputs(design, factory, bom, steps, materials)
    det = cost_details(d, kw.pop("factory"), kw.pop("prices"), **kw)
    b = det.bom
    total = _first(b.total_usd)
    shown = to_display(b)
    rows = [BOM_HEADER]
    for key, label, _ in BOM_ITEMS:
        cost = _first(shown["cost_usd"][key])
        rows.append([key, label, BOM_UNITS[key], _first(shown["design_qty"][key]), _first(shown["material_yield"][key]),
                     _first(shown["per_accepted_cell"][key]), cost, cost / total])
    rows.append(["total", "Materials and purchased items (cell yield in column E)", "", None, _first(b.cell_yield),
                 None, total, 1.0])
    return [[_blank_nan(c) for c in r] for r in rows]




@udf(table=True, ranges=("design", "factory", "bom", "steps", "materials"))
def XLCELL_FACTORY(design: Any, factory: Any = None, bom: Any = None, steps: Any = None, materials: Any = None) -> list[list[Any]]:
    """The plant, step by step: driver, machines, utilisation, capacity, labour, capital, area, energy, WIP.

    design: two-column (key, value) range, as for XLCELL_CELL
    factory, bom, steps, materials: optional, as for XLCELL_COST
    Returns a header row and one row per process step; capacity_cells_per_h is the step's capacity in
    accepted cells per hour (the slowest step is the bottleneck, see XLCELL_BOTTLENECK). With a steps
    range, the result has one row per row of that range: the empty rows of the table give blank rows at
    the end, so the spill keeps the table's size as steps are added in its empty rows.
    """
    from xlcell.cost import cost_details
    from xlcell.factory import step_capacity_cells_per_h

    d, kw = cost_inputs(design, factory, bom, steps, materials)
    fac = kw["factory"]
    det = cost_details(d, kw.pop("factory"), kw.pop("prices"), **kw)
    s = det.steps
    v = to_display(s)
    capacity = step_capacity_cells_per_h(_first(det.metrics.cells_per_year), s.utilisation, fac.plant)
    rows = [FACTORY_HEADER]
    for j, name in enumerate(s.names):
        unit = s.driver_units[j]
        rows.append([name, fac.steps.group[j], _first(v["driver"][..., j]), unit if unit != "-" else "units",
                     _first(v["machines"][..., j]), _first(v["utilisation"][..., j]), _first(capacity[..., j]),
                     _first(v["labor_h"][..., j]), _first(v["capex_musd"][..., j]), _first(v["area_m2"][..., j]),
                     _first(v["energy_MWh"][..., j]), _first(v["wip_cells"][..., j])])
    if steps is not None and not is_blank(steps):  # blank rows for the table's empty rows
        rows += [[None] * len(FACTORY_HEADER)] * max(0, len(as_2d(steps, "steps")) - 1 - len(s.names))
    return [[_blank_nan(c) for c in r] for r in rows]


def _blank_nan(c: Any) -> Any:
    """A cell value with NaN (no machine data) and None shown as a blank."""
    if c is None or (isinstance(c, float) and c != c):
        return ""
    return excel_value(c)




@udf(table=True, ranges=("design", "factory", "bom", "steps", "materials"), wizard=False)
def XLCELL_COST_SENSITIVITY(design: Any, fraction: Any = None, top: Any = None, item: Any = None, factory: Any = None,
                            bom: Any = None, steps: Any = None, materials: Any = None) -> list[list[Any]]:
    """Tornado table: the cost item at -x % and +x % of every input, largest swing first (one call).

    design: two-column (key, value) range, as for XLCELL_CELL
    fraction: relative change of each input, 0 < x < 1, default 0.1 (±10 %); potentials move by ±0.05 V instead
    top: optional number of rows to return (largest swings), default all
    item: cost item, default cell_cost_usd_per_kWh
    factory, bom, steps, materials: optional, as for XLCELL_COST
    Returns header (input, label, base_input, low_input, high_input, low, high, low_change, high_change).
    """
    from xlcell.cost import cost_sensitivity

    x = as_float(fraction, "fraction", default=0.1)
    n_top = None if is_blank(top) else as_int(top, "top", minimum=1)
    metric = _metric(as_text(item, "item", default="cell_cost_usd_per_kWh"))
    d, kw = cost_inputs(design, factory, bom, steps, materials)
    t = cost_sensitivity(d, x, kw.pop("factory"), kw.pop("prices"), metric=metric, **kw)
    n = len(t.keys) if n_top is None else min(n_top, len(t.keys))
    rows: list[list[Any]] = [SENSITIVITY_HEADER]
    for i in range(n):
        rows.append([t.keys[i], t.labels[i], float(t.base_input[i]), float(t.low_input[i]), float(t.high_input[i]),
                     float(t.low[i]), float(t.high[i]), float(t.low[i] - t.base), float(t.high[i] - t.base)])
    return [[excel_value(c) for c in r] for r in rows]


def _metric(name: str) -> str:
    try:
        return _metrics()[name.strip().lower()].key
    except KeyError:
        raise UnknownKeyError(name, [s.key for s in _metrics().values()], what="cost item") from None


__all__ = [n for n in dir() if n.startswith("XLCELL_")] + ["cost_inputs", "cost_settings", "cost_display", "objects_from_kv",
                                                           "steps_from_range"]
