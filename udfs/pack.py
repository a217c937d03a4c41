"""Excel functions of the pack model (thin wrappers over :mod:`xlcell.pack`).

Ranges (all optional after ``design``; blank = BatPaC 5.0 defaults):

* ``design`` — the Design sheet's (key, value) range, as for ``XLCELL_CELL``;
* ``pack`` — (key, value) rows of :class:`xlcell.pack.PackDesign` (the Pack sheet), e.g. ``pack_power_kW | 300``;
  ``solve_thickness`` takes TRUE/FALSE or 1/0; exactly two columns;
* ``factory``, ``bom``, ``steps``, ``materials`` — as for ``XLCELL_COST``.
"""
from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import numpy as np

from xlcell.design import design_from_mapping, design_keys, text_keys
from xlcell.errors import UnknownKeyError, XlcellError, short_text
from xlcell.params import specs

if TYPE_CHECKING:  # the models are imported where a function uses them (issue 15: import udfs stays fast)
    from xlcell.pack import PackDesign

from ._excel import REFUSED, as_2d, as_kv, as_table, as_text, excel_value, is_blank, is_blank_range, kv_out, udf
from .cell import calendering_context, design_values, materials_from_range
from .cost import BOM_CLASSES, factory_classes, cost_inputs, cost_settings, objects_from_kv


@functools.cache
def _metrics() -> dict[str, Any]:
    """The pack's result specs by lower-case key (built on first use, with the pack model)."""
    from xlcell.pack import PackMetrics

    return {s.key.lower(): s for s in specs(PackMetrics)}


@functools.cache
def _pack_keys() -> dict[str, Any]:
    """The pack's input specs by lower-case key (built on first use, with the pack model)."""
    from xlcell.pack import PackDesign

    return {s.key.lower(): s for s in specs(PackDesign)}


def _bools_as_numbers(v: Any, name: str) -> Any:
    """A (key, value) range with TRUE/FALSE values as 1/0 (``solve_thickness``)."""
    if v is None or is_blank(v):
        return v
    return [[float(c) if isinstance(c, bool) else c for c in r] for r in as_2d(v, name)]


def pack_from_range(pack: Any, name: str = "pack") -> PackDesign:
    """The pack of a (key, value) range in display units (blank keys take BatPaC 5.0's defaults).

    Parameters
    ----------
    pack : range
        Two columns: a key of :class:`xlcell.pack.PackDesign` and its value.
    name : str
        The argument's name in error texts.
    """
    from xlcell.pack import PackDesign

    return objects_from_kv(_bools_as_numbers(pack, name), (PackDesign,), name)[PackDesign]


def _item(name: str) -> str:
    try:
        return _metrics()[name.strip().lower()].key
    except KeyError:
        raise UnknownKeyError(name, [s.key for s in _metrics().values()], what="pack item") from None


@udf(table=True, ranges=("design", "pack", "factory", "bom", "steps", "materials"), wizard=False)
def XLCELL_PACK(design: Any, pack: Any = None, factory: Any = None, bom: Any = None, steps: Any = None,
                materials: Any = None) -> list[list[Any]]:
    """Module, pack and battery-system cost of a cell design in a pack (BatPaC 5.0's pack level), design to requirements.

    design: two-column (key, value) range, as for XLCELL_CELL (the Design sheet)
    pack: optional (key, value) range of pack inputs (the Pack sheet): cells_per_module, pack_energy_kWh, pack_power_kW, solve_thickness, ...
    factory: optional (key, value) range of plant and economics inputs (the Factory sheet)
    bom: optional (key, value) range of prices, yields and cell-format inputs (the BOM sheet)
    steps: optional process-step table (the Factory sheet)
    materials: optional table of user-defined materials
    Returns a two-column (item, value) array: pack_cost_usd, pack_cost_usd_per_kWh, module_cost_usd, pack_power_kW, pos_thickness_um, active_limit, the line items ...
    """
    from xlcell.pack import evaluate_pack

    d, kw = cost_inputs(design, factory, bom, steps, materials)
    return kv_out(evaluate_pack(d, pack_from_range(pack), **kw).as_display())


@udf(ranges=("design", "pack", "factory", "bom", "steps", "materials"), wizard=False)
def XLCELL_PACK_VALUE(design: Any, item: Any, pack: Any = None, factory: Any = None, bom: Any = None, steps: Any = None,
                      materials: Any = None) -> Any:
    """One pack item of a design, e.g. =XLCELL_PACK_VALUE(tbl_design, "pack_cost_usd_per_kWh", tbl_pack).

    design: two-column (key, value) range
    item: a key of XLCELL_PACK's result, e.g. pack_cost_usd_per_kWh, battery_system_cost_usd_per_kWh, active_limit
    pack, factory, bom, steps, materials: optional, as for XLCELL_PACK
    """
    from xlcell.pack import evaluate_pack

    key = _item(as_text(item, "item"))
    d, kw = cost_inputs(design, factory, bom, steps, materials)
    return excel_value(evaluate_pack(d, pack_from_range(pack), **kw).as_display()[key])


def _other_keys() -> dict[str, str]:
    """``{key: 'factory' or 'bom'}`` of the keys a cases table may set besides design and pack keys."""
    out = {s.key.lower(): "factory" for cls in factory_classes() for s in specs(cls)}
    out.update({s.key.lower(): "bom" for cls in BOM_CLASSES for s in specs(cls)})
    out.update({k: "bom" for k in _extra_bom_keys()})
    return out


def _extra_bom_keys() -> tuple[str, ...]:
    """Text keys of the bom range beside the dataclass fields (the cell format's name, when xlcell has formats)."""
    from xlcell import pack as _pack

    return ("cell_format",) if len(_pack.cell_formats()) > 1 else ()


def _override(base: Any, changes: dict[str, Any], name: str) -> list[list[Any]] | None:
    """A (key, value) range with ``changes`` replacing or adding rows (None when nothing is set)."""
    rows = [] if base is None or is_blank(base) or is_blank_range(base) else [list(r[:2]) for r in as_2d(base, name)]
    keys = {str(r[0]).strip().lower(): i for i, r in enumerate(rows) if not is_blank(r[0])}
    for k, v in changes.items():
        if k in keys:
            rows[keys[k]][1] = v
        else:
            rows.append([k, v])
    return rows or None


@udf(table=True, ranges=("cases", "items", "design", "pack", "factory", "bom", "steps", "materials"), wizard=False)
def XLCELL_PACK_TABLE(cases: Any, items: Any = None, design: Any = None, pack: Any = None, factory: Any = None,
                      bom: Any = None, steps: Any = None, materials: Any = None) -> list[list[Any]]:
    """Packs of a table of cases in one call: one row per case (a format, a chemistry, a requirement set ...).

    cases: table with a header row of keys and one case per row: design keys (pos_material, neg_material, pos_thickness_um, ...), pack keys (pack_power_kW, ...) or bom and factory keys; a blank cell takes the base value
    items: optional row or column of pack items to return (default: all)
    design, pack, factory, bom, steps, materials: the base of every case, as for XLCELL_PACK
    Returns a header row of items and one row per case; a case the model refuses shows "refused: " and the reason in its row (bad arguments of the formula give one #XLCELL! text).
    """
    from xlcell.pack import evaluate_pack

    header, rows = as_table(cases, "cases", keep_blank_rows=True)
    canon = {k.key.lower(): k.key for k in design_keys()}
    keys = [canon.get(h, h) for h in header]
    dkeys = set(canon.values())
    other = _other_keys()
    for k in keys:
        if k not in dkeys and k not in _pack_keys() and k not in other:
            raise UnknownKeyError(k, sorted(dkeys | set(_pack_keys()) | set(other)), "cases key")
    out_keys = list(_metrics()) if is_blank_range(items) else [_item(as_text(c, "items")) for r in as_2d(items, "items")
                                                           for c in r if not is_blank(c)]
    out_keys = [_metrics()[k.lower()].key for k in out_keys]
    kept = [i for i, r in enumerate(rows) if not all(is_blank(c) for c in r)]
    base_design = design_values(as_kv(design, "design")) if design is not None and not is_blank(design) else {}
    pack_from_range(pack)  # the base pack's keys and values checked once (an unknown key names itself)
    base_pack = as_kv(_bools_as_numbers(pack, "pack"), "pack") if pack is not None and not is_blank(pack) else {}

    def cell(i: int, j: int) -> Any:
        c = rows[i][j] if j < len(rows[i]) else None
        return float(c) if isinstance(c, bool) else c

    # cases that differ in a bom or factory key are evaluated group by group (one vectorised call each)
    groups: dict[tuple, list[int]] = {}
    for i in kept:
        sig = tuple((k, cell(i, j)) for j, k in enumerate(keys) if k in other and k not in dkeys and not is_blank(cell(i, j)))
        groups.setdefault(sig, []).append(i)
    table: dict[int, list[Any]] = {}
    mats = materials_from_range(materials)
    for sig, idx in groups.items():
        def evaluate(sel: list[int]) -> dict[str, Any]:
            values = dict(base_design)
            pvals = dict(base_pack)
            for j, k in enumerate(keys):
                col = [cell(i, j) for i in sel]
                if k in dkeys:
                    tk = k in text_keys()
                    base = values.get(k)
                    if tk:
                        values[k] = np.array([as_text(c, f"{k} (row {i + 1})") if not is_blank(c) else
                                              (base if base is not None else _default_text(k))
                                              for c, i in zip(col, sel)], dtype=object)
                    else:
                        values[k] = np.array([float(np.nan if base is None else base) if is_blank(c) else _num(c, k, i)
                                              for c, i in zip(col, sel)])
                elif k in _pack_keys():
                    b = pvals.get(k)
                    pvals[k] = [b if is_blank(c) else c for c in col]
            kw = cost_settings(_override(factory, {k: v for k, v in sig if other[k] == "factory"}, "factory"),
                               _override(bom, {k: v for k, v in sig if other[k] == "bom"}, "bom"), steps)
            d = design_from_mapping(values, mats)
            pk = _pack_arrays(pvals, len(sel))
            return evaluate_pack(d, pk, **kw, calendering=calendering_context(values)).as_display()

        try:
            m = evaluate(idx)
            for n, i in enumerate(idx):
                table[i] = [_value(m[k], n, len(idx)) for k in out_keys]
        except XlcellError:
            for i in idx:  # one case at a time, so that a refused case shows its own text
                try:
                    m = evaluate([i])
                    table[i] = [_value(m[k], 0, 1) for k in out_keys]
                except XlcellError as exc:  # a result of the comparison, not an error of the formula
                    table[i] = [short_text(f"{REFUSED}{exc}")] + [""] * (len(out_keys) - 1)
    return [out_keys] + [table.get(i, [""] * len(out_keys)) for i in range(len(rows))]


def _default_text(key: str) -> str:
    from xlcell.design import DEFAULT_MATERIALS

    return DEFAULT_MATERIALS.get(key, "")


def _num(c: Any, key: str, i: int) -> float:
    from ._excel import as_float

    return as_float(c, f"{key} (row {i + 1})")


def _pack_arrays(pvals: dict[str, Any], n: int) -> PackDesign:
    """A population of packs from ``{pack key: value or list of n values (None = default)}`` in display units."""
    from xlcell.pack import PackDesign

    kw: dict[str, Any] = {}
    default = PackDesign()
    for k, v in pvals.items():
        s = _pack_keys()[k]
        vals = v if isinstance(v, list) else [v] * n
        arr = np.array([float(s.from_si(getattr(default, s.name))) if c is None or is_blank(c) else _num(c, s.key, i)
                        for i, c in enumerate(vals)])
        kw[s.name] = s.to_si(arr)
    return PackDesign(**kw)


def _value(v: Any, n: int, size: int) -> Any:
    a = np.asarray(v)
    x = a.reshape(-1)[n] if a.size == size else a.reshape(-1)[0]
    if isinstance(x, (np.bool_, bool)):
        return bool(x)
    return excel_value(x if isinstance(x, str) else (str(x) if a.dtype == object else float(x)))


__all__ = [n for n in dir() if n.startswith("XLCELL_")] + ["pack_from_range"]
