"""Excel functions of the cell design model (thin wrappers over :mod:`xlcell.cell`).

Arguments and results are in the engineering units named in each argument (µm, mAh/g, ...); the
conversion to SI happens through :mod:`xlcell.units` only.
"""
from __future__ import annotations

import contextlib
import functools
import gc
import marshal
from itertools import compress, repeat
from operator import is_not, itemgetter
from types import MappingProxyType
from typing import Any, Callable, Iterator, Mapping, Sequence

import numpy as np

import xlcell
from xlcell import units
from xlcell.bom import CellFormat, MaterialPrices, MaterialYields, Slurry
from xlcell.cell import (CellDesign, CellMetrics, areal_capacity_of, charge_transfer_asi_of, composite_density,
                         evaluate_cell, metric_group, rate_capability, resolve, specific_area_of)
from xlcell.constants import SECONDS_PER_HOUR
from xlcell.design import (DEFAULT_MATERIALS, canonical_key, design_from_mapping, design_keys, design_reader,
                           text_keys)
from xlcell.errors import InputError, ShapeError, UnknownKeyError
from xlcell.formats import CanFormat, cell_format
from xlcell.materials import CARRIERS, Material, complete_window, get_material
from xlcell.params import specs, spec_by_key
from xlcell.tables import MATERIAL_COLUMNS
from xlcell.transport import diffusion_time, effective_conductivity, max_length_for_time

from . import _cache
from ._excel import (FiniteTable, as_2d, as_float, as_kv, as_records, as_rows, as_table, as_text, as_vector, asked_key,
                     excel_value, is_blank, is_blank_range, is_blank_row, kv_out, spec_values, udf)

_METRIC_SPECS = {s.key: s for s in specs(CellMetrics)}
_METRIC_CANON = {k.lower(): k for k in _METRIC_SPECS}
_ALL_METRICS = tuple(_METRIC_SPECS)


# ------------------------------------------------------------------ design ranges -> CellDesign
def design_values(kv: dict[str, Any], name: str = "design") -> dict[str, Any]:
    """Coerce a (key, value) dict from a range: text for material keys, numbers for the rest."""
    tk = _TEXT_KEYS
    out: dict[str, Any] = {}
    for k, v in kv.items():
        key = canonical_key(k)
        out[key] = as_text(v, key) if key in tk else as_float(v, key)
    return out


_TEXT_KEYS = frozenset(text_keys())


_PRICE = "price_usd_per_kg"


#: the Materials table's columns of the pulse's OCV shape, whose blank is the library's value (else 0)
_OCV_SHAPE = ("ocv_slope_V", "ocv_loss_soc10_V", "ocv_loss_soc5_V", "ocv_loss_soc0_V")


def materials_from_range(v: Any, name: str = "materials") -> dict[str, Material]:
    """User-defined materials from a table with a header row (columns of :data:`MATERIAL_COLUMNS`).

    A column whose value may be blank (the price, the theoretical capacity, the cycled window x_min/x_max, the voltage
    window) may be missing (a table made before it was added) or blank. A blank price: a material named like a library
    material keeps the library's price, another has none (the cost model asks for a typed price). A blank practical
    capacity is theoretical × (x_max - x_min) (:func:`xlcell.materials.complete_window`). A blank OCV slope or OCV
    curve node (``ocv_slope_V``, ``ocv_loss_soc10_V``, ``ocv_loss_soc0_V``): the library's for a material named like a
    library material of its role, else 0. An optional ``carrier`` column says Li (the default) or Na."""
    out: dict[str, Material] = {}
    header = [] if v is None or is_blank(v) else [str(c).strip().lower() for c in as_2d(v, name)[0]]
    optional = {s.key for s in specs(Material) if s.allow_nan} | {"carrier"}
    cols = [c for c in MATERIAL_COLUMNS if c.lower() in header or c not in optional]
    has_carrier = "carrier" in header
    for i, r in enumerate(as_records(v, name, cols)):
        mname = as_text(r["name"], f"{name} row {i + 1} name")
        role = as_text(r["role"], f"{name} row {i + 1} role", choices=["positive", "negative"])
        carrier = "Li" if not has_carrier or is_blank(r["carrier"]) else \
            as_text(r["carrier"], f"{name} row {i + 1} carrier", choices=list(CARRIERS))
        r = {k: r.get(k) for k in MATERIAL_COLUMNS if k != "carrier"}
        if is_blank(r.get(_PRICE)):
            from xlcell.materials import LIBRARY  # read from its data file on first use

            lib = LIBRARY.get(mname.upper())
            r[_PRICE] = lib.am_price_usd_kg if lib is not None and lib.role == role else None
        si = complete_window(spec_values(r, Material, mname), f"{mname} ")
        for k in _OCV_SHAPE:  # blank or a table made before the column: the library's, else no slope or curve
            if np.isnan(si[k]):
                from xlcell.materials import LIBRARY

                lib = LIBRARY.get(mname.upper())
                si[k] = getattr(lib, k) if lib is not None and lib.role == role else 0.0
        out[mname.upper()] = Material(name=mname, role=role, source="user-defined", carrier=carrier, **si)
    return out


def design_from_range(design: Any, materials: Any = None, name: str = "design"):
    """A :class:`~xlcell.cell.CellDesign` from a two-column (key, value) range."""
    return design_and_context(design, materials, name)[0]


def design_and_context(design: Any, materials: Any = None, name: str = "design") -> tuple[CellDesign, dict[str, Any]]:
    """The design of a two-column (key, value) range and its calendering context (:func:`calendering_context`).

    Memoised on every value of both ranges (:mod:`udfs._cache`): the same ranges give the same design object, whose
    arrays are read-only."""
    return _design_cached(design, materials, name, _cache.freeze(design), _cache.freeze(materials))


def design_cached(design: Any, materials: Any, kd: Any, km: Any) -> tuple[CellDesign, dict[str, Any]]:
    """:func:`design_and_context` of the ``design`` argument with the ranges' keys (:func:`udfs._cache.freeze`) made
    once by the caller (a UDF that memoises its own results on the same keys)."""
    return _design_cached(design, materials, "design", kd, km)


def _design_cached(design: Any, materials: Any, name: str, kd: Any, km: Any) -> tuple[CellDesign, dict[str, Any]]:
    key = None if kd is None or km is None else _cache.Key((name, kd, km))
    return _DESIGNS.get_or_make(key, lambda: _design_and_context(design, materials, name, kd, km))


_DESIGNS = _cache.cache("design ranges", 64)
_MATERIALS: dict[Any, Mapping[str, Material]] = _cache.memo("materials ranges")
_RESOLVED = _cache.cache("resolved designs", 64)


def resolved(d: CellDesign) -> CellDesign:
    """:func:`xlcell.cell.resolve` of a design the memo holds, kept with it: the cell and cost functions of a sheet
    that read the same new design validate it once."""
    hit = _RESOLVED.get(id(d))
    if hit is not None and hit[0] is d:
        return hit[1]
    r = resolve(d)
    _RESOLVED.put(id(d), (d, r))  # (d kept with it: its id is not reused meanwhile)
    return r


def _materials_cached(materials: Any, km: Any) -> Mapping[str, Material]:
    """:func:`materials_from_range` of a materials range, memoised on its values (``km``, its
    :func:`udfs._cache.freeze`; None: read, not kept): a new design beside the same materials table does not read
    the table again. The mapping is read-only (its materials are frozen dataclasses)."""
    if materials is None:
        return _NO_MATERIALS
    if km is None:
        return MappingProxyType(materials_from_range(materials))
    hit = _MATERIALS.get(km)  # (a plain memo: a kept key is found by identity)
    if hit is None:
        hit = _cache.bounded_put(_MATERIALS, km, MappingProxyType(materials_from_range(materials)), 16)
    return hit


_NO_MATERIALS: Mapping[str, Material] = MappingProxyType({})


class _Layout:
    """How to read a (key, value) design range whose key column is known: the rows of numeric keys, of material
    names, and of other labels (headings, which must have no value), with each key's canonical spelling."""

    __slots__ = ("nums", "num_keys", "text_rows", "text_keys", "labels", "n_labels", "reader")

    def __init__(self, keys: tuple[Any, ...]) -> None:
        num_rows: list[int] = []
        self.num_keys: list[str] = []
        self.text_rows: list[int] = []
        self.text_keys: list[str] = []
        label_rows: list[int] = []
        seen = set()
        canon = _canonical_keys()
        for i, k in enumerate(keys):
            if k is None:
                continue
            if type(k) is not str:
                raise _NoLayout
            low = k.strip().lower()
            if not low:
                continue
            if low[0] == "#" or low in seen:  # an error value as a key, a repeated key: the general reader says so
                raise _NoLayout
            seen.add(low)
            c = canon.get(low)
            if c is None:
                label_rows.append(i)
            elif c in _TEXT_KEYS:
                self.text_rows.append(i)
                self.text_keys.append(c)
            else:
                num_rows.append(i)
                self.num_keys.append(c)
        self.nums = _getter(num_rows)
        self.labels = _getter(label_rows)
        self.n_labels = len(label_rows)
        self.reader = design_reader(self.num_keys)  # (the design of these values, built and checked in one pass)


def _getter(rows: list[int]) -> Callable[[Sequence[Any]], tuple[Any, ...]]:
    """``f(seq) -> tuple of seq[i] for i in rows`` (C speed)."""
    if len(rows) > 1:
        return itemgetter(*rows)
    return (lambda seq: (seq[rows[0]],)) if rows else (lambda seq: ())


class _NoLayout(Exception):
    """A key column the fast reader does not take (the general reader reads it, and reports what is wrong)."""


_NO_LAYOUT = object()


def _layout_values(design: Any, name: str, kd: Any = None) -> dict[str, Any] | None:
    """:func:`design_values` of ``as_kv(design)`` for a design range whose every value is a finite number or a
    material name (as the Design sheet hands it over), read by the plan of its key column (made once per key
    column); None for anything else (a blank or text value of a numeric key, a value beside a heading, a repeated or
    unknown key, a range of one or two rows, ...), which the general reader reads and reports on. The result is
    the general reader's, key for key and value for value. ``kd``: the range's :func:`udfs._cache.freeze`, if made
    (its rows are known to be lists)."""
    read = _layout_read(design, kd)
    if read is None:
        return None
    layout, nums, texts = read
    kinds = set(map(type, nums))
    if kinds <= _FLOAT:
        values = dict(zip(layout.num_keys, nums))
    elif kinds == _FLOAT_OR_BLANK:  # a blank value: the key's default (left out, as the general reader does)
        values = dict(compress(zip(layout.num_keys, nums), map(is_not, nums, repeat(None))))
    else:
        return None
    total = sum(values.values())
    if total - total != 0.0:  # a value that is not finite (or a sum that overflows): the general reader
        return None
    values.update(texts)
    return values


def _finite_or_blank(nums: tuple[Any, ...]) -> bool:
    """Whether every value is a finite float or a blank (passes in C: the sum leaves out blanks and zeros)."""
    kinds = set(map(type, nums))
    if kinds <= _FLOAT:
        total = sum(nums)
    elif kinds <= _FLOAT_OR_BLANK:
        total = sum(compress(nums, nums))
    else:
        return False
    return total - total == 0.0


def _layout_read(design: Any, kd: Any = None) -> tuple[_Layout, tuple[Any, ...], dict[str, str]] | None:
    """(the plan of the range's key column, its numeric keys' values in the plan's order, ``{material key: name}``
    of the material names given) of a design range the plans take: a list of at least three rows of at least two
    cells, whose key column is text and blanks without repeats or error values, whose labels (headings) have no
    value and whose material names are text (:func:`as_text`'s); None for anything else. The numbers are not
    checked here."""
    if type(kd) is _cache.Rows:
        cols = kd.cols  # (the range's columns, made for its key)
    elif type(design) is not list or set(map(type, design)) != _LIST:
        return None
    else:
        cols = tuple(zip(*design))
    if len(design) < 3:
        return None
    if len(cols) < 2:  # a row of one cell
        return None
    keys, vals = cols[0], cols[1]
    layout = _LAYOUTS.get(keys)  # (a plan is made from text and blank keys only: a hit is such a column)
    if layout is None:
        try:
            layout = _Layout(keys)
        except _NoLayout:
            layout = _NO_LAYOUT
        if len(_LAYOUTS) >= 32:
            _LAYOUTS.clear()
        _LAYOUTS[keys] = layout
    if layout is _NO_LAYOUT or layout.labels(vals).count(None) != layout.n_labels:  # (a heading's value: None)
        return None
    texts = {}
    for i, k in zip(layout.text_rows, layout.text_keys):
        v = vals[i]
        if v is None:
            continue
        t = _NAMES.get(v) if type(v) is str else None  # (a name read before: what as_text made of it)
        if t is None:
            if type(v) is not str or not v.strip():
                return None
            t = as_text(v.strip(), k)
            if len(_NAMES) < 1024:
                _NAMES[v] = t
        texts[k] = t
    return layout, layout.nums(vals), texts


#: material names as given -> :func:`as_text` of them stripped (the same for either key: no choices to match)
_NAMES: dict[str, str] = _cache.plans("material names")


#: the reading plans of design ranges' key columns (:func:`_layout_values`), by the column's cells
_LAYOUTS: dict[tuple[Any, ...], Any] = _cache.plans("design layouts")
_LIST = {list}
_FLOAT = {float}
_FLOAT_OR_BLANK = {float, type(None)}


@functools.cache
def _canonical_keys() -> dict[str, str]:
    """``{key in lower case: the key as design_keys spells it}`` (built on first use)."""
    return {k.key.lower(): k.key for k in design_keys()}


def _design_and_context(design: Any, materials: Any, name: str, kd: Any = None,
                        km: Any = None) -> tuple[CellDesign, dict[str, Any]]:
    read = _layout_read(design, kd)
    if read is not None and _finite_or_blank(read[1]):  # the Design sheet's range, every number finite (so the
        # general reader would find no error before the materials table's): built and checked in one pass
        layout, nums, texts = read
        pos, neg = texts.get("pos_material"), texts.get("neg_material")
        built = layout.reader.build(nums, pos, neg, _materials_cached(materials, km))  # (types checked above)
        if built is not None:
            d, r = built
            _RESOLVED.put(id(d), (d, r))  # resolve(d) is r: the cell and cost functions of this design take it
            return d, {"pos_material": _DEFAULT_POS if pos is None else pos,
                       "neg_material": _DEFAULT_NEG if neg is None else neg}  # (calendering_context's)
    values = _layout_values(design, name, kd)
    if values is None:  # the general reader (and every error, in the order it finds them)
        _check_not_transposed(design, name)
        values = design_values(as_kv(design, name), name)
    d = design_from_mapping(values, _materials_cached(materials, km))
    for o in (d, d.pos, d.neg, d.sep):
        _cache.readonly(o.__dict__)
    return d, calendering_context(values)


_DEFAULT_POS, _DEFAULT_NEG = DEFAULT_MATERIALS["pos_material"], DEFAULT_MATERIALS["neg_material"]
_NONE = _cache.NONE


class _DesignEntry:
    """The design UDFs' one memo entry of a design range read by its plan (:func:`design_entry`): the design, its
    resolved design (:func:`~xlcell.cell.resolve`'s, made by the one-pass reader), its calendering context, and
    what the cell functions (``cells``: by the BOM range's key) and the cost functions (``costs``: by the factory,
    BOM and steps ranges' keys) evaluated of it, each bounded (:func:`udfs._cache.bounded_put`)."""

    __slots__ = ("design", "resolved", "calendering", "cells", "costs")

    def __init__(self, design: CellDesign, resolved: CellDesign, calendering: dict[str, Any]) -> None:
        self.design = design
        self.resolved = resolved
        self.calendering = calendering
        self.cells: dict[Any, dict[str, Any]] = {}
        self.costs: dict[Any, dict[str, Any]] = {}


def design_entry(design: Any, materials: Any, km: Any) -> _DesignEntry | None:
    """The memo's entry of a design range that the plan of its key column reads (:func:`_layout_read`) with every
    number finite and that the one-pass reader builds (beside the materials range of key ``km``,
    :func:`udfs._cache.freeze_table`), made on a miss; None for anything else (the general path reads it and says
    what is wrong).

    The key is what the design is made of: the plan (one per key column), the numeric keys' values in its order
    (floats and blanks only, so TRUE is never among them), the two material names given and the materials range's
    key; the range's other cells are blank keys or headings without a value (checked), which the design does not
    read. One plain dict, emptied in bulk (:func:`udfs._cache.bounded_put`), instead of a result, a design and a
    resolved-design LRU."""
    if km is None:
        return None
    read = _layout_read(design)
    if read is None:
        return None
    layout, nums, texts = read
    if not set(map(type, nums)) <= _FLOAT_OR_BLANK:  # (so the key holds no TRUE, equal to 1.0 in a tuple)
        return None
    pos, neg = texts.get("pos_material"), texts.get("neg_material")
    key = (layout, nums, pos, neg, km)
    entry = _ENTRIES.get(key)
    if entry is None:
        # the reader refuses a number that is not finite (the general path then reports it); before a materials
        # table is read (which may fail), such a number goes to the general path first, which reports it first
        if materials is not None and km not in _MATERIALS and not _finite_or_blank(nums):
            return None
        built = layout.reader.build(nums, pos, neg, _materials_cached(materials, km))  # (types checked above)
        if built is None:  # a value or relation the reader does not take: the general path says which
            return None
        entry = _cache.bounded_put(_ENTRIES, key, _DesignEntry(built[0], built[1], {
            "pos_material": _DEFAULT_POS if pos is None else pos,
            "neg_material": _DEFAULT_NEG if neg is None else neg}), _ENTRIES_MAX)  # (calendering_context's)
    return entry


_ENTRIES: dict[tuple[Any, ...], _DesignEntry] = _cache.memo("design entries")
_ENTRIES_MAX = 128


def calendering_context(values: dict[str, Any]) -> dict[str, Any]:
    """The calendering context of a design's values: its active materials by name (a name, or one per design).

    The coatings' electronic conductivity reads the carbon network of each electrode's calendering material
    (:mod:`xlcell.conduction`), the design's own active material where it has calendering parameters, as the
    optimiser's context does (``app.macros``); so every function of a design evaluates one chain (issue 17).
    """
    return {f"{p}_material": values.get(f"{p}_material", DEFAULT_MATERIALS[f"{p}_material"]) for p in ("pos", "neg")}


#: the classes of the BOM sheet's (key, value) rows: the cell functions read its cell-format rows
_BOM_CLASSES = (MaterialPrices, MaterialYields, Slurry)
#: the bom key naming the cell format (xlcell.formats.format_names(): pouch, cylindrical, prismatic and the presets)
FORMAT_KEY = "cell_format"


def format_from_range(bom: Any, name: str = "bom") -> CellFormat:
    """The cell format of a (key, value) range: ``cell_format`` (pouch, cylindrical, prismatic or a preset name; blank =
    pouch), its :class:`~xlcell.pouch.CellFormat` keys and, for a can, its :class:`~xlcell.formats.CanFormat` keys
    (blank = the preset's); the range may be the BOM sheet's, whose price, yield and slurry rows the cell model does
    not read."""
    if bom is None or is_blank(bom) or is_blank_range(bom):
        return CellFormat()
    rows = as_2d(bom, name)
    if len(rows[0]) != 2:
        raise ShapeError(name, f"{len(rows)}x{len(rows[0])}", "two columns: key, value")
    fmt = {s.key.lower(): s for s in specs(CellFormat)}
    can = {s.key.lower(): s for s in specs(CanFormat) if s.unit != "text"}
    other = {s.key.lower() for cls in _BOM_CLASSES for s in specs(cls)}
    kw: dict[str, Any] = {}
    can_kw: dict[str, Any] = {}
    kind = "pouch"
    for key, val in as_kv(bom, name).items():
        if key in other:
            continue
        if key == FORMAT_KEY:
            kind = "pouch" if is_blank(val) else as_text(val, FORMAT_KEY)
            continue
        if key not in fmt and key not in can:
            raise UnknownKeyError(key, [FORMAT_KEY] + [s.key for s in specs(CellFormat)] + [s.key for s in can.values()],
                                  f"{name} key")
        s = fmt.get(key) or can[key]
        si = s.to_si(as_float(val, s.key))
        s.check(si, s.key)
        (kw if key in fmt else can_kw)[s.name] = si
    return cell_format(kind, can_fields_si=can_kw, **kw)


def cell_inputs(design: Any, materials: Any = None, bom: Any = None) -> tuple[CellDesign, dict[str, Any]]:
    """(CellDesign, keyword arguments of :func:`xlcell.cell.evaluate_cell`): the format and the calendering context."""
    return _cell_inputs(design, materials, bom, _cache.freeze(design), _cache.freeze(materials), _cache.freeze(bom))


def _cell_inputs(design: Any, materials: Any, bom: Any, kd: Any, km: Any, kb: Any) -> tuple[CellDesign, dict[str, Any]]:
    """:func:`cell_inputs` with the ranges' keys (:func:`udfs._cache.freeze`) made once by the caller."""
    d, cal = _design_cached(design, materials, "design", kd, km)
    return d, {"fmt": _format_of(bom, kb), "calendering": cal}


def _format_of(bom: Any, kb: Any) -> CellFormat:
    """:func:`format_from_range` of the ``bom`` range of key ``kb`` (:func:`udfs._cache.freeze`), memoised."""
    if kb is _cache.NONE:
        return _default_format()
    if kb is None:
        return format_from_range(bom)
    hit = _FORMATS.get(kb)  # (a plain memo: a kept key is found by identity)
    if hit is None:
        hit = _cache.bounded_put(_FORMATS, kb, format_from_range(bom), 16)
    return hit


@functools.cache
def _default_format() -> CellFormat:
    """:func:`format_from_range` of no range (the default pouch), made once."""
    return format_from_range(None)


_FORMATS: dict[Any, CellFormat] = _cache.memo("format ranges")
_CELL_RESULTS = _cache.cache("cell results", 128)


def cell_display(design: Any, materials: Any, bom: Any, metrics: Any) -> Mapping[str, Any]:
    """``{Excel key: display value}`` of the cell model for one design range, holding at least ``metrics`` (Excel keys).

    Memoised on every value of the three ranges (:mod:`udfs._cache`): the design is read and validated once, and
    each part of the model (:func:`xlcell.cell.metric_group`) is evaluated once, on the first call that asks for one
    of its metrics; later calls for the same ranges are a lookup. The values are read-only (arrays, or numpy scalars
    for one design).
    """
    return MappingProxyType(_shown(_cell_entry(design, materials, bom), metrics))  # the memo's own mapping: read-only


def _cell_entry(design: Any, materials: Any, bom: Any) -> dict[str, Any]:
    """The memo's entry of the cell model for the three ranges: ``{"design": the resolved design, "kw":
    evaluate_cell's keywords, "si": the metrics evaluated (SI), "shown": the display values made}``. A design range
    the plans read is found in the one memo of designs (:func:`design_entry`), its results by the BOM range's key;
    anything else in the memo of results keyed on every value of the three ranges."""
    km = _NONE if materials is None else _cache.freeze_table(materials)  # (freeze(None), at once)
    kb = _NONE if bom is None else _cache.freeze_table(bom)
    e = None if kb is None else design_entry(design, materials, km)
    if e is not None:
        entry = e.cells.get(kb)
        if entry is None:
            kw = {"fmt": _default_format() if kb is _NONE else _format_of(bom, kb), "calendering": e.calendering}
            entry = _cache.bounded_put(e.cells, kb, {"design": e.resolved, "kw": kw, "si": {}, "shown": {}}, 8)
        return entry
    kd = _cache.freeze(design)
    key = None if kd is None or km is None or kb is None else _cache.Key((kd, km, kb))
    entry = None if key is None else _CELL_RESULTS.get(key)
    if entry is None:
        d, kw = _cell_inputs(design, materials, bom, kd, km, kb)
        entry = {"design": resolved(d), "kw": kw, "si": {}, "shown": {}}
        if key is not None:
            _CELL_RESULTS.put(key, entry)
    return entry


def _shown(entry: dict[str, Any], metrics: Any) -> dict[str, Any]:
    """The display values of a memo entry (:func:`_cell_entry`) holding at least ``metrics`` (Excel keys): each part
    of the model evaluated once, each metric converted once, when first asked for. The entry's own dict (replaced,
    never changed, when a metric is added: a mapping handed out stays as it was)."""
    shown = entry["shown"]
    missing = [k for k in ([metrics] if isinstance(metrics, str) else metrics) if k not in shown]
    if missing:
        si = entry["si"]
        todo = tuple(k for k in missing if _METRIC_SPECS[k].name not in si)
        if todo:  # the parts of the model these need, once: every metric they give is kept (SI)
            group = _GROUPS.get(todo)
            if group is None:
                group = _cache.bounded_put(_GROUPS, todo, metric_group(todo), 256)
            m = evaluate_cell(entry["design"], **entry["kw"], metrics=group)
            # (the metrics it computed; kept here, shown only as copies: the result's own dict when it is the first)
            si = entry["si"] = {**si, **vars(m)} if si else vars(m)
        new = {}
        for k in missing:  # display units for the asked metrics only
            s = _METRIC_SPECS[k]
            new[k] = si[s.name] if s.unit == "bool" else shown_value(s, si[s.name])
        shown = entry["shown"] = {**shown, **_cache.readonly(new)}  # (one design: immutable floats or numpy scalars)
    return shown


#: :func:`xlcell.cell.metric_group` of the metrics a call asks for (the same few on every new design)
_GROUPS: dict[tuple[str, ...], tuple[str, ...]] = {}


def shown_value(spec: Any, si: Any) -> Any:
    """``spec.from_si(si)``, a display value; one design's float (a 0-d array or a numpy float) as a Python float
    of the same bits (:func:`xlcell.units.float_to_display`: the same IEEE operations, without numpy's per-call
    overhead)."""
    if (type(si) is np.ndarray and si.shape == () or type(si) is np.float64) and si.dtype is _F8:
        return units.float_to_display(float(si), spec.unit)
    return spec.from_si(si)


_F8 = np.dtype(np.float64)  #: (numpy's one float64 dtype: another byte order takes from_si)


def _check_not_transposed(design: Any, name: str) -> None:
    """A (key, value) range laid out across (keys in the first row) gets a hint instead of a puzzling error."""
    if not isinstance(design, (list, tuple)):
        return
    rows = as_rows(design, name)
    if len(rows[0]) < 2 or len(rows) > 2:
        return
    keys = [c for c in rows[0][1:] if isinstance(c, str) and c.strip().lower() in _design_keys()]
    if keys:
        raise ShapeError(name, f"laid out across a row (key {keys[0]!r} in the first row)",
                         "keys and values in two columns: lay keys down the first column (or use TRANSPOSE)")


@functools.cache
def _design_keys() -> frozenset[str]:
    """The design keys, lower case (built on first use: the default design is not evaluated at import)."""
    return frozenset(k.key.lower() for k in design_keys())


def aligned_rows(cols: list[list[Any]], kept: list[int], n_rows: int) -> list[list[Any]]:
    """One output row per input row: row ``kept[k]`` gets the ``k``-th design's values, a blank input row a blank row."""
    out: list[list[Any]] = [[""] * len(cols) for _ in range(n_rows)]
    for pos, i in enumerate(kept):
        out[i] = [excel_value(c[pos]) for c in cols]
    return out


def designs_from_table_rows(designs: Any, materials: Any = None, name: str = "designs"):
    """``(design, kept, n_rows)``: the designs of the non-blank rows, their row indices, all rows
    (:func:`designs_and_context_from_table_rows` without the calendering context)."""
    return designs_and_context_from_table_rows(designs, materials, name)[:3]


def designs_and_context_from_table_rows(designs: Any, materials: Any = None, name: str = "designs"):
    """``(design, kept, n_rows, calendering)``: the designs of the non-blank rows, their row indices, all rows and
    the designs' calendering context (:func:`calendering_context`, one material name per design).

    A blank cell takes the key's default as if the key were missing for that design: the Design
    defaults, the material's value for material properties, the default material for a blank
    material name, and for ``neg_thickness_um`` the thickness derived from ``np_ratio``. A fully
    blank row is no design; the caller gives it a blank output row.
    """
    header, rows = as_table(designs, name, keep_blank_rows=True)
    width = len(header)
    columns = zipped = None
    if set(map(len, rows)) == {width}:
        with _gc_paused():  # one pass over the cells, column by column (new tuples: no collection meanwhile)
            zipped = list(zip(*rows))
        firsts = zipped[0]
        kinds = set(map(type, firsts))
        if kinds <= {float, int} or (kinds == {str} and all(map(str.strip, firsts))):
            columns = zipped  # a number or a word in every row's first cell: no blank row (passes in C)
    if columns is not None:
        kept = list(range(len(rows)))
    else:
        kept = [i for i, r in enumerate(rows) if not is_blank_row(r)]
    picked = rows if len(kept) == len(rows) else [rows[i] for i in kept]
    if columns is not None or (zipped is not None and picked is rows):
        columns = zipped
    elif set(map(len, picked)) <= {width}:
        with _gc_paused():
            columns = list(zip(*picked)) if picked else [()] * width
    else:  # ragged rows (never from Excel): a missing cell is blank
        columns = [[r[j] if j < len(r) else None for r in picked] for j in range(width)]
    cols: dict[str, Any] = {}
    for j, h in enumerate(header):
        h = canonical_key(h)
        cells = columns[j]
        if h in _TEXT_KEYS:
            cols[h] = _text_column(cells, h, kept)
        else:
            cols[h] = _numeric_column(cells, h, kept)
    mats = _materials_cached(materials, _cache.freeze(materials))
    return design_from_mapping(cols, mats), kept, len(rows), calendering_context(cols)


def _text_column(cells: Any, key: str, rows: list[int]) -> np.ndarray | str:
    """Material names from a column of cells, the default material for a blank; each distinct cell read once; one name
    for all designs is that name (it broadcasts)."""
    default = DEFAULT_MATERIALS[key]
    if set(map(type, cells)) == _STR:  # text in every cell (the common case): each distinct name read once
        try:
            names = {c: as_text(c, key, default=default) for c in set(cells)}
        except Exception:  # noqa: BLE001 - the message names the first bad row: read them in order below
            pass
        else:
            if len(set(names.values())) == 1:
                return next(iter(names.values()))
            return np.array([names[c] for c in cells], dtype=object)
    seen: dict[tuple[type, Any], str] = {}
    try:
        for t, c in set(zip(map(type, cells), cells)):
            seen[(t, c)] = as_text(c, key, default=default)
    except Exception:  # noqa: BLE001 - the message names the first bad row: read them in order
        return np.array([as_text(c, f"{key} (row {i + 1})", default=default) for i, c in zip(rows, cells)],
                        dtype=object)
    names = set(seen.values())
    if len(names) == 1:  # one material for every design: its name (one lookup, the numbers broadcast)
        return names.pop()
    return np.array([seen[(type(c), c)] for c in cells], dtype=object)


_PLAIN_NUMBERS = frozenset({float, int, type(None)})
_STR = {str}


def _float_column(cells: tuple[Any, ...] | list[Any]) -> np.ndarray | None:
    """The column as a float array if its every cell is a finite ``float`` (exactly that type: what Excel hands over
    for a number), else None.

    One pass in C checks the types and copies the numbers: :mod:`marshal`'s format 2 writes a sequence of ``n``
    floats as a 5-byte header and ``n`` records of the byte ``g`` and the IEEE double (little-endian), and refuses
    float subclasses; any other cell (a bool, an int, a blank, text) writes another record, so the length or a type
    byte differs and the caller reads the column cell by cell. The numbers are the cells' bits.
    """
    n = len(cells)
    try:
        b = marshal.dumps(cells, 2)
    except ValueError:  # an object marshal cannot write (a float subclass, ...)
        return None
    if len(b) != 5 + 9 * n or n == 0:
        return None
    if not (np.frombuffer(b, dtype=np.uint8, count=9 * n, offset=5)[::9] == _FLOAT_RECORD).all():
        return None
    arr = np.ndarray((n,), dtype="<f8", buffer=b, offset=6, strides=(9,)).astype(float)
    return arr if np.isfinite(arr).all() else None


_FLOAT_RECORD = ord("g")  #: marshal's type byte of a binary float (format 2 and later)


def _numeric_column(cells: Any, key: str, rows: list[int]) -> np.ndarray:
    """Floats from a column of cells, NaN for a blank (= the default); fast paths for a column of finite floats
    (:func:`_float_column`) and for numbers and blanks."""
    arr = _float_column(cells)
    if arr is not None:
        return arr
    if set(map(type, cells)) <= _PLAIN_NUMBERS:
        arr = np.array(cells, dtype=float)  # None -> NaN, a blank
        finite = np.isfinite(arr)
        if finite.all() or (not np.isinf(arr).any() and int((~finite).sum()) == list(cells).count(None)):
            return arr
    return np.array([np.nan if is_blank(c) else as_float(c, f"{key} (row {i + 1})") for i, c in zip(rows, cells)])


def metrics_display(m: CellMetrics) -> dict[str, Any]:
    return m.as_display()


# ------------------------------------------------------------------ design-level UDFs
@udf(table=True, ranges=("design", "materials", "bom"))
def XLCELL_CELL(design: Any, materials: Any = None, bom: Any = None) -> list[list[Any]]:
    """Evaluate a cell design: capacity, rated energy, mass, resistance, power and diffusion limits.

    design: two-column range of (key, value) rows, e.g. pos_thickness_um | 120 (see the Design sheet)
    materials: optional table of user-defined materials (header: name, role, specific_capacity_mAh_g, ...)
    bom: optional (key, value) range with cell-format rows, e.g. the BOM sheet's (its price and yield rows are ignored)
    Returns a two-column (metric, value) array; metric names carry their units. Energy, mass and volume are the
    cost model's (XLCELL_COST) for the same design and BOM range: one chain.

    max_pos_thickness_um is the thickness (N/P held) at which the salt, in the steady full-cell
    balance at c_rate, reaches only min_usable_fraction of the positive. As the current density
    grows with L, the depletion grows about as L², and this limit is stricter than
    XLCELL_MAX_THICKNESS's L²/D_eff = 3600/C (default cell at 1C: 142 µm against 367 µm).
    max_power_W is BatPaC's 10 s pulse at 0.8 x OCV through the ohmic and Butler-Volmer drops;
    usable_capacity_fraction counts solid diffusion, salt depletion and the cut-off voltage.
    """
    values = cell_display(design, materials, bom, _ALL_METRICS)
    return kv_out({k: values[k] for k in _ALL_METRICS})


@udf(ranges=("design", "materials", "bom"))
def XLCELL_CELL_VALUE(design: Any, metric: Any, materials: Any = None, bom: Any = None) -> Any:
    """One metric of a cell design, e.g. =XLCELL_CELL_VALUE(Design!B5:C60, "energy_Wh").

    design: two-column range of (key, value) rows
    metric: metric name, e.g. capacity_Ah, specific_energy_Wh_kg, max_power_W
    materials: optional table of user-defined materials
    bom: optional (key, value) range with cell-format rows, as for XLCELL_CELL
    """
    key = asked_key(metric, "metric", _METRIC_BY_TEXT, _metric_key)
    entry = _cell_entry(design, materials, bom)
    v = entry["shown"].get(key, _MISSING)
    return excel_value(_shown_one(entry, key) if v is _MISSING else v)


_MISSING = object()


def _shown_one(entry: dict[str, Any], key: str) -> Any:
    """``_shown(entry, key)[key]``, one metric not shown before: a float of one design converted in plain float
    arithmetic with its unit's scale and offset found once per metric (:func:`xlcell.units.float_to_display`'s
    operations), anything else by :func:`_shown`."""
    one = _ONE.get(key)
    if one is None:
        s = _METRIC_SPECS[key]
        _, scale, offset = units.UNITS.get(s.unit, (None, 1.0, 0.0))
        one = _ONE[key] = (s.name, s.unit == "bool" or s.unit not in units.UNITS, scale == 1.0 and offset == 0.0,
                           scale, offset, metric_group((key,)))
    name, flag, plain, scale, offset, group = one
    si = entry["si"]
    x = si.get(name, _MISSING)
    if x is _MISSING:  # its part of the model, once: every metric it gives is kept (SI)
        m = evaluate_cell(entry["design"], **entry["kw"], metrics=group)
        si = entry["si"] = {**si, **vars(m)} if si else vars(m)
        x = si[name]
    if flag or type(x) is not np.ndarray or x.shape != () or x.dtype is not _F8:
        return _shown(entry, key)[key]
    v = float(x) if plain else (float(x) - offset) / scale
    entry["shown"] = {**entry["shown"], key: v}  # (replaced: a mapping handed out stays as it was)
    return v


#: metric -> (its field, a flag?, an SI display unit?, scale, offset, the metrics computed with it)
_ONE: dict[str, tuple[str, bool, bool, float, float, tuple[str, ...]]] = {}


#: metric texts as given (any case, blanks around) -> the metric's key: what as_text and _metric_key made of them
_METRIC_BY_TEXT: dict[str, str] = {}


@udf(table=True, ranges=("designs", "metrics", "materials", "bom"))
def XLCELL_CELL_TABLE(designs: Any, metrics: Any = None, materials: Any = None, bom: Any = None) -> list[list[Any]]:
    """Evaluate a table of designs in one call (a sweep of thousands of designs is one call).

    designs: table with a header row of design keys and one design per row (missing keys and blank cells take the defaults; a blank row gives a blank row)
    metrics: optional row or column of metric names to return (default: all)
    materials: optional table of user-defined materials
    bom: optional (key, value) range with cell-format rows, as for XLCELL_CELL
    Returns a header row of metric names and one row of metrics per design.
    """
    d, kept, n_rows, cal = designs_and_context_from_table_rows(designs, materials)
    keys = list(_ALL_METRICS) if is_blank_range(metrics) else _metric_list(metrics)
    m = evaluate_cell(d, format_from_range(bom), calendering=cal, metrics=keys).as_display()  # the asked ones only
    return table_rows(keys, [m[k] for k in keys], [_METRIC_SPECS[k].unit for k in keys], kept, n_rows)


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector (rows of numbers hold no cycles; the collector would otherwise walk
    the whole heap, the input table's thousands of rows included, several times while they are made)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def table_rows(keys: list[str], columns: list[Any], units: list[str], kept: list[int], n_rows: int) -> list[list[Any]]:
    """A table of results for Excel: the header ``keys`` and one row per input row, built from whole columns.

    ``columns`` are the display values of the ``len(kept)`` designs (arrays, or one value for all), ``units`` their
    display units (``bool``: TRUE/FALSE flags, ``text``: text); the numbers go through one
    ``np.column_stack(...).tolist()``, a value that is not finite becomes :func:`excel_value`'s text, a blank input
    row (not in ``kept``) a blank row. A table whose numbers are all finite is a :class:`~udfs._excel.FiniteTable`
    (the UDF wrapper need not scan it).
    """
    n = len(kept)
    num = [j for j, u in enumerate(units) if u not in ("bool", "text")]
    mat = np.column_stack([np.broadcast_to(np.asarray(columns[j], dtype=float), (n,)) for j in num]) if num \
        else np.empty((n, 0))
    finite = np.isfinite(mat)
    all_finite = bool(finite.all())
    with _gc_paused():  # thousands of new row lists: no garbage collection of the whole heap while they are made
        if len(num) == len(keys):
            rows = mat.tolist()
        else:  # flags among the numbers: one object array (Python floats and bools), one tolist
            obj = np.empty((n, len(keys)), dtype=object)
            obj[:, num] = mat
            for j, u in enumerate(units):
                if u == "bool":
                    obj[:, j] = np.broadcast_to(np.asarray(columns[j], dtype=bool), (n,))
                elif u == "text":
                    obj[:, j] = [str(x) for x in np.broadcast_to(np.asarray(columns[j], dtype=object), (n,))]
            rows = obj.tolist()
    if not all_finite:
        for i, jj in zip(*np.nonzero(~finite)):
            rows[i][num[jj]] = excel_value(mat[i, jj])
    if n != n_rows:  # a blank input row stays a blank row
        out: list[list[Any]] = [[""] * len(keys) for _ in range(n_rows)]
        for pos, i in enumerate(kept):
            out[i] = rows[pos]
        rows = out
    table = [list(keys)] + rows
    return FiniteTable(table) if all_finite else table


def _metric_list(metrics: Any) -> list[str]:
    rows = as_2d(metrics, "metrics")
    return [_metric_key(as_text(c, "metrics")) for r in rows for c in r if not is_blank(c)]


def _metric_key(name: str) -> str:
    try:
        return _METRIC_CANON[name.strip().lower()]
    except KeyError:
        raise UnknownKeyError(name, _METRIC_SPECS, what="metric") from None


#: the rate models XLCELL_RATE_CAPABILITY's ``model`` names (lower case, as typed) -> its use
RATE_MODELS = {"closed form": "closed", "closed": "closed", "porous": "porous", "reduced dfn": "porous"}


@udf(table=True, ranges=("design", "c_rates", "materials"))
def XLCELL_RATE_CAPABILITY(design: Any, c_rates: Any, materials: Any = None, model: Any = None) -> list[list[Any]]:
    """Usable capacity versus C-rate for one design (diffusion-limited rate capability).

    design: two-column range of (key, value) rows
    c_rates: row or column of C-rates (1/h), each > 0
    materials: optional table of user-defined materials
    model: "closed form" (default: the cell model's closed forms, instant) or "porous" (a reduced DFN that resolves
    the reaction through the coatings, as PyBaMM's DFN does past the electrolyte cliff; about 1 s per C-rate)
    Returns columns c_rate, usable_fraction, usable_capacity_Ah.
    """
    c = np.array(as_vector(c_rates, "c_rates"))
    if (c <= 0).any():
        raise InputError("c_rates", float(c[c <= 0][0]), "a C-rate > 0")
    key = "closed form" if model is None or (isinstance(model, str) and not model.strip()) else model
    which = RATE_MODELS.get(str(key).strip().lower()) if isinstance(key, str) else None
    if which is None:
        raise InputError("model", key, '"closed form" or "porous"')
    d = design_from_range(design, materials)
    if which == "porous":
        from xlcell import porous
        frac = np.asarray(porous.rate_capability(d, c)).reshape(-1)
    else:
        frac = np.asarray(rate_capability(d, c)).reshape(-1)
    cap = float(np.asarray(evaluate_cell(d).capacity_C).reshape(-1)[0])  # the capacity reads neither format nor network
    ah = units.from_si(frac * cap, "Ah")
    return [["c_rate", "usable_fraction", "usable_capacity_Ah"]] + [[float(a), float(b), float(x)] for a, b, x in zip(c, frac, ah)]


# ------------------------------------------------------------------ materials
@udf(ranges=("materials",))
def XLCELL_MATERIAL(name: Any, prop: Any, materials: Any = None) -> Any:
    """A property of a material in display units.

    name: material name, e.g. NMC811, Graphite, LFP
    prop: property key: specific_capacity_mAh_g (practical), theoretical_capacity_mAh_g, x_min, x_max,
    cycled_fraction, v_min_V, v_max_V, am_density_g_cm3, potential_V, particle_radius_um, exchange_current_mA_cm2,
    solid_diffusivity_m2_s, conductivity_S_m, ocv_slope_V, price_usd_per_kg, role, carrier, life_model (the life model's
    parameter set fitted for the material, or "not assessed")
    materials: optional table of user-defined materials (searched before the library)
    """
    m = get_material(as_text(name, "name"), materials_from_range(materials))
    key = as_text(prop, "prop").lower()
    if key in ("role", "carrier"):
        return getattr(m, key)
    if key == "life_model":
        return m.life_model or "not assessed"
    if key == "cycled_fraction":
        return excel_value(m.cycled_fraction)
    by_key = {k.lower(): s for k, s in spec_by_key(Material).items()}
    if key not in by_key:
        raise UnknownKeyError(key, list(by_key) + ["cycled_fraction", "role", "carrier", "life_model"],
                              what="material property")
    s = by_key[key]
    return excel_value(float(s.from_si(getattr(m, s.name))))


@udf(table=True)
def XLCELL_MATERIALS(role: Any = None) -> list[list[Any]]:
    """The material library as a table (header row + one row per material); a blank cell: not defined (e.g. no
    stoichiometry window, or no theoretical capacity for hard carbon).

    role: optional "positive" or "negative"
    """
    from xlcell.materials import LIBRARY  # read from its data file on first use

    r = None if is_blank(role) else as_text(role, "role", choices=["positive", "negative"])
    rows = [MATERIAL_COLUMNS]
    for m in LIBRARY.values():
        if r is None or m.role == r:
            values = [float(s.from_si(getattr(m, s.name))) for s in specs(Material)]
            rows.append([m.name, m.role] + ["" if np.isnan(v) else v for v in values] + [m.carrier])  # blank: none
    return rows


@udf()
def XLCELL_VERSION() -> str:
    """The version of the xlcell add-in and models (e.g. for a report footer)."""
    return xlcell.__version__


# ------------------------------------------------------------------ scalar relations
@udf(ranges=("mass_fractions", "densities_g_cm3"))
def XLCELL_COATING_DENSITY(porosity: Any, mass_fractions: Any, densities_g_cm3: Any) -> float:
    """Porous coating density (1 - porosity) / Σ(w_i/ρ_i) in g/cm³.

    porosity: void fraction, 0 < porosity < 1
    mass_fractions: row/column of solid mass fractions (active, carbon, binder, ...), summing to 1
    densities_g_cm3: row/column of the components' densities in g/cm³, same length
    """
    eps = _fraction(porosity, "porosity")
    w = np.array(as_vector(mass_fractions, "mass_fractions"))
    rho = np.array(as_vector(densities_g_cm3, "densities_g_cm3"))
    if w.shape != rho.shape:
        raise ShapeError("densities_g_cm3", f"{rho.size} values", f"{w.size} values, one per mass fraction")
    if (w < 0).any():
        i = int(np.flatnonzero(w < 0)[0])
        raise InputError(f"mass_fractions[{i + 1}]", float(w[i]), "a fraction >= 0")
    if abs(w.sum() - 1.0) > 1e-6:
        raise InputError("sum of mass_fractions", float(w.sum()), "1 (fractions of the solid)")
    if (rho <= 0).any():
        raise InputError("densities_g_cm3", float(rho.min()), "densities > 0")
    return float(units.from_si(composite_density(eps, w, units.to_si(rho, "g/cm³")), "g/cm³"))


@udf()
def XLCELL_AREAL_CAPACITY(thickness_um: Any, coating_density_g_cm3: Any, am_frac: Any, specific_capacity_mAh_g: Any) -> float:
    """Areal capacity L·ρ_coat·w_AM·q in mAh/cm².

    thickness_um: coating thickness (one side) in µm, > 0
    coating_density_g_cm3: porous coating density in g/cm³ (XLCELL_COATING_DENSITY), > 0
    am_frac: active-material mass fraction of the solid, 0 < w <= 1
    specific_capacity_mAh_g: active-material specific capacity in mAh/g, > 0
    """
    L = _positive(thickness_um, "thickness_um", "µm")
    rho = _positive(coating_density_g_cm3, "coating_density_g_cm3", "g/cm³")
    w = as_float(am_frac, "am_frac")
    if not 0 < w <= 1:
        raise InputError("am_frac", w, "a number between 0 (exclusive) and 1")
    q = _positive(specific_capacity_mAh_g, "specific_capacity_mAh_g", "mAh/g")
    return float(units.from_si(areal_capacity_of(L, rho, w, q), "mAh/cm²"))


@udf()
def XLCELL_NEG_THICKNESS(pos_areal_capacity_mAh_cm2: Any, np_ratio: Any, neg_volumetric_capacity_mAh_cm3: Any) -> float:
    """Negative coating thickness for an N/P ratio: N/P·Q_A,p / Q_v,n in µm.

    pos_areal_capacity_mAh_cm2: positive areal capacity in mAh/cm², > 0
    np_ratio: N/P capacity ratio, > 0 (typically 1.05-1.2)
    neg_volumetric_capacity_mAh_cm3: negative coating capacity per volume (ρ_coat·w_AM·q) in mAh/cm³, > 0
    """
    qa = _positive(pos_areal_capacity_mAh_cm2, "pos_areal_capacity_mAh_cm2", "mAh/cm²")
    r = _positive(np_ratio, "np_ratio", "-")
    qv = _positive(neg_volumetric_capacity_mAh_cm3, "neg_volumetric_capacity_mAh_cm3", "mAh/cm³")
    return float(units.from_si(r * qa / qv, "µm"))


@udf()
def XLCELL_NP_RATIO(neg_areal_capacity_mAh_cm2: Any, pos_areal_capacity_mAh_cm2: Any) -> float:
    """N/P ratio Q_A,n / Q_A,p (dimensionless).

    neg_areal_capacity_mAh_cm2: negative areal capacity in mAh/cm², > 0
    pos_areal_capacity_mAh_cm2: positive areal capacity in mAh/cm², > 0
    """
    n = _positive(neg_areal_capacity_mAh_cm2, "neg_areal_capacity_mAh_cm2", "mAh/cm²")
    p = _positive(pos_areal_capacity_mAh_cm2, "pos_areal_capacity_mAh_cm2", "mAh/cm²")
    return float(n / p)


@udf()
def XLCELL_BRUGGEMAN(kappa0_S_m: Any, porosity: Any, bruggeman_exponent: Any = None) -> float:
    """Effective conductivity κ0·ε^b in S/m (Bruggeman; equals κ0·ε/τ with τ = ε^(1-b)).

    kappa0_S_m: bulk conductivity in S/m, > 0
    porosity: volume fraction of the conducting phase, 0 < ε <= 1
    bruggeman_exponent: b, default 1.5
    """
    k = _positive(kappa0_S_m, "kappa0_S_m", "S/m")
    eps = as_float(porosity, "porosity")
    if not 0 < eps <= 1:
        raise InputError("porosity", eps, "a number between 0 (exclusive) and 1")
    b = as_float(bruggeman_exponent, "bruggeman_exponent", default=1.5)
    if not 1 <= b <= 5:
        raise InputError("bruggeman_exponent", b, "a number between 1 and 5 (inclusive)")
    return float(effective_conductivity(k, eps, b))


@udf()
def XLCELL_DIFFUSION_TIME(length_um: Any, diffusivity_m2_s: Any) -> float:
    """Characteristic diffusion time L²/D in s (seed: t ~ L²/D).

    length_um: diffusion length in µm (electrode thickness or particle radius), > 0
    diffusivity_m2_s: (effective) diffusivity in m²/s, > 0
    """
    L = _positive(length_um, "length_um", "µm")
    D = _positive(diffusivity_m2_s, "diffusivity_m2_s", "m²/s")
    return float(diffusion_time(L, D))


@udf()
def XLCELL_MAX_THICKNESS(c_rate: Any, diffusivity_m2_s: Any, time_fraction: Any = None) -> float:
    """Largest diffusion length (µm) whose time L²/D fits in a fraction of the discharge time 3600/C.

    c_rate: C-rate in 1/h, > 0
    diffusivity_m2_s: effective diffusivity in m²/s, > 0
    time_fraction: share of the discharge time the diffusion may take, 0 < f <= 1, default 1

    This is the seed's time-scale criterion L²/D <= f·3600/C alone. XLCELL_CELL's max_pos_thickness_um
    is a different, stricter criterion: the full cell's salt balance, which also counts that a
    thicker electrode carries more current (default cell at 1C: 142 µm there against 367 µm here
    with D_eff = 3e-10·0.25^1.5 m²/s).
    """
    c = _positive(c_rate, "c_rate", "C-rate")
    D = _positive(diffusivity_m2_s, "diffusivity_m2_s", "m²/s")
    f = as_float(time_fraction, "time_fraction", default=1.0)
    if not 0 < f <= 1:
        raise InputError("time_fraction", f, "a number between 0 (exclusive) and 1")
    return float(units.from_si(max_length_for_time(f * SECONDS_PER_HOUR / c, D), "µm"))


@udf()
def XLCELL_SPECIFIC_AREA(am_volume_fraction: Any, particle_radius_um: Any) -> float:
    """Active surface per electrode volume 3·ε_AM/r in cm²/cm³.

    am_volume_fraction: active-material volume fraction, 0 < ε_AM < 1
    particle_radius_um: particle radius in µm, > 0
    """
    e = _fraction(am_volume_fraction, "am_volume_fraction")
    r = _positive(particle_radius_um, "particle_radius_um", "µm")
    return float(units.from_si(specific_area_of(e, r), "cm²/cm³"))


@udf()
def XLCELL_CT_ASI(temperature_C: Any, exchange_current_mA_cm2: Any, specific_area_cm2_cm3: Any, thickness_um: Any) -> float:
    """Charge-transfer area-specific impedance R·T/(F·i0·a·L) in Ω·cm².

    temperature_C: temperature in °C (-60 to 150)
    exchange_current_mA_cm2: exchange current density in mA/cm², > 0
    specific_area_cm2_cm3: active surface per volume in cm²/cm³, > 0 (XLCELL_SPECIFIC_AREA)
    thickness_um: coating thickness in µm, > 0
    """
    t = as_float(temperature_C, "temperature_C")
    if not -60 <= t <= 150:
        raise InputError("temperature_C", t, "a number between -60 and 150 °C (inclusive)")
    i0 = _positive(exchange_current_mA_cm2, "exchange_current_mA_cm2", "mA/cm²")
    a = _positive(specific_area_cm2_cm3, "specific_area_cm2_cm3", "cm²/cm³")
    L = _positive(thickness_um, "thickness_um", "µm")
    return float(units.from_si(charge_transfer_asi_of(units.to_si(t, "°C"), i0, a, L), "Ω·cm²"))


def _positive(v: Any, name: str, unit: str) -> float:
    x = as_float(v, name)
    if x <= 0:
        raise InputError(name, x, "a number > 0" + ("" if unit in ("-", "C-rate") else f" {unit}"))
    return float(units.to_si(x, unit))


def _fraction(v: Any, name: str) -> float:
    x = as_float(v, name)
    if not 0 < x < 1:
        raise InputError(name, x, "a number between 0 and 1 (exclusive)")
    return x


__all__ = [n for n in dir() if n.startswith("XLCELL_")] + [
    "design_from_range", "design_and_context", "calendering_context", "format_from_range", "cell_inputs",
    "designs_and_context_from_table_rows", "aligned_rows", "designs_from_table_rows", "design_values",
    "materials_from_range", "cell_display", "table_rows"]
