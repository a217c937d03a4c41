"""Parameter metadata: one source of truth for names, labels, units and allowed ranges.

Model inputs and outputs are frozen dataclasses whose field names carry SI units
(``thickness_m``). Each field's metadata, made by :func:`param`, carries the Excel key
(``thickness_um``), a label, the display unit (a key of :data:`xlcell.units.UNITS`) and the
allowed range *in display units*. The Design sheet, the UDF key lists, the validation messages
and the README tables are generated from this metadata, so they cannot drift apart.
"""
from __future__ import annotations

import dataclasses
import functools
import math
from dataclasses import dataclass, fields
from typing import Any, Iterator, Mapping

import numpy as np

from .errors import InputError
from .units import UNITS, from_si, to_si


@dataclass(frozen=True)
class ParamSpec:
    """Metadata of one parameter (input or output)."""

    name: str  #: dataclass field name, SI unit in the name
    key: str  #: Excel key, display unit in the name (without prefix)
    label: str
    unit: str  #: display unit, a key of UNITS
    doc: str = ""
    gt: float | None = None
    ge: float | None = None
    lt: float | None = None
    le: float | None = None
    allow_nan: bool = False  #: NaN means "derive it" (e.g. negative thickness from N/P)
    group: str = ""
    from_material: bool = False  #: blank takes the active material's library value
    advanced: bool = False
    display: bool = False  #: the field holds display-unit values already (a table the kernel reports in them)

    def allowed(self) -> str:
        """The allowed range in words, in display units."""
        u = "" if self.unit in ("-", "bool", "text") else f" {self.unit}"
        lo = (">", self.gt) if self.gt is not None else (">=", self.ge) if self.ge is not None else None
        hi = ("<", self.lt) if self.lt is not None else ("<=", self.le) if self.le is not None else None
        if lo and hi:
            incl = {(">", "<"): "exclusive", (">=", "<="): "inclusive"}.get((lo[0], hi[0]))
            tail = f" ({incl})" if incl else f" ({lo[0]} {_n(lo[1])}, {hi[0]} {_n(hi[1])})"
            return f"a number between {_n(lo[1])} and {_n(hi[1])}{u}{tail}"
        if lo:
            return f"a number {lo[0]} {_n(lo[1])}{u}"
        if hi:
            return f"a number {hi[0]} {_n(hi[1])}{u}"
        return "a finite number"

    def to_si(self, display: Any) -> Any:
        """The value in SI, from the parameter's display unit.

        Parameters
        ----------
        display : array_like
            Value(s) in :attr:`unit`.
        """
        return to_si(display, self.unit)

    def from_si(self, si: Any) -> Any:
        """The value in the parameter's display unit, from SI.

        Parameters
        ----------
        si : array_like
            Value(s) in SI units.
        """
        return from_si(si, self.unit)

    def check(self, si_value: Any, name: str | None = None) -> None:
        """Raise :class:`InputError` if any element of ``si_value`` is not allowed.

        The message names the Excel key (``name``, default ``self.key``), the value in display
        units and, for arrays, the index of the first bad design (1-based, as in a sheet).

        Parameters
        ----------
        si_value : array_like
            Value(s) in SI units.
        name : str, optional
            The key named in the message (default: :attr:`key`).
        """
        if type(si_value) is float or isinstance(si_value, (float, int)) and not isinstance(si_value, bool):
            if self._scalar_ok(float(si_value)):  # one number: Python arithmetic, the same IEEE operations
                return
        a = np.asarray(si_value, dtype=float)
        d = np.asarray(self.from_si(a), dtype=float)
        bad = ~np.isfinite(d)
        if self.allow_nan:
            bad &= ~np.isnan(d)
        with np.errstate(invalid="ignore"):
            if self.gt is not None:
                bad |= d <= self.gt
            if self.ge is not None:
                bad |= d < self.ge
            if self.lt is not None:
                bad |= d >= self.lt
            if self.le is not None:
                bad |= d > self.le
        if bad.any():
            idx = int(np.flatnonzero(bad.ravel())[0])
            where = f"design {idx + 1}" if bad.size > 1 else None
            raise InputError(name or self.key, float(d.ravel()[idx]), self.allowed(), where)

    @functools.cached_property
    def _bounds(self) -> tuple[float, float, float, float, float, float, bool]:
        """(scale, offset, lower, upper, strict lower, strict upper, allow NaN) of :meth:`check`'s scalar path."""
        _, scale, offset = UNITS[self.unit]
        lo = self.gt if self.gt is not None else self.ge if self.ge is not None else -math.inf
        hi = self.lt if self.lt is not None else self.le if self.le is not None else math.inf
        return scale, offset, lo, hi, self.gt is not None, self.lt is not None, self.allow_nan

    def _scalar_ok(self, x: float) -> bool:
        """Whether one SI number is allowed (False: let the array path name the error)."""
        scale, offset, lo, hi, slo, shi, nan_ok = self._bounds
        d = x if scale == 1.0 and offset == 0.0 else (x - offset) / scale
        if d != d:
            return nan_ok
        if d == math.inf or d == -math.inf:
            return False
        if (d <= lo) if slo else (d < lo):
            return False
        if (d >= hi) if shi else (d > hi):
            return False
        if self.gt is not None and self.ge is not None and d < self.ge:  # both bounds given: both apply
            return False
        if self.lt is not None and self.le is not None and d > self.le:
            return False
        return True


def _n(x: float) -> str:
    return f"{x:g}"


def param(
    label: str,
    unit: str,
    *,
    key: str,
    doc: str = "",
    gt: float | None = None,
    ge: float | None = None,
    lt: float | None = None,
    le: float | None = None,
    allow_nan: bool = False,
    group: str = "",
    from_material: bool = False,
    advanced: bool = False,
    display: bool = False,
) -> dict[str, Any]:
    """Field metadata for a parameter. Bounds are in the display ``unit``.

    Parameters
    ----------
    label : str
        Label shown in sheets and docs.
    unit : str
        Display unit, a key of :data:`xlcell.units.UNITS`.
    key : str
        Excel key (the name a user types in a range).
    doc : str
        Longer help text.
    gt, ge, lt, le : float, optional
        Bounds in the display unit (exclusive, inclusive).
    allow_nan : bool
        NaN (a blank) is allowed, meaning 'computed' or 'not given'.
    group : str
        Sheet group the parameter is listed under.
    from_material : bool
        The default comes from the material library.
    advanced : bool
        Listed among the advanced inputs.
    display : bool
        The field's values are already in ``unit`` (a result the kernel reports in display units, e.g. the
        statistics of registry outputs): :func:`to_display` shows them as they are.
    """
    if unit not in UNITS:
        raise KeyError(f"unit {unit!r} is not in xlcell.units.UNITS")
    return {
        "xlcell": dict(
            key=key, label=label, unit=unit, doc=doc, gt=gt, ge=ge, lt=lt, le=le,
            allow_nan=allow_nan, group=group, from_material=from_material, advanced=advanced, display=display,
        )
    }


def per_item(label: str, *, key: str, units: str | Mapping[str, str], doc: str = "",
             display: bool = False, items: str | None = None) -> dict[str, Any]:
    """Field metadata for a result whose items have units of their own (a bill of materials, a tornado table).

    The field holds a dict keyed by item, or an array whose last axis runs over rows; ``units`` gives each item's
    display unit, either as a mapping (item -> unit) or as the name of a field of the same dataclass that holds one
    unit per row (a tuple), one unit for all (a str, set at run time, e.g. the metric a tornado ranks) or a mapping
    item -> unit set at run time (e.g. read from :func:`xlcell.registry.key_unit` for results keyed by registry key).
    An array field whose units are a mapping names, in ``items``, the field listing its rows' item keys.
    :func:`item_units` reads it, :func:`items_to_display` converts with it.

    Parameters
    ----------
    label : str
        Label shown in sheets and docs.
    key : str
        Excel key of the field.
    units : str or mapping
        Item -> display unit (keys of :data:`xlcell.units.UNITS`), or the name of the field holding one display unit
        per row, one for all or one per item key.
    doc : str
        Longer help text.
    display : bool
        The values are already in their display units (the kernel ranks or reports them so).
    items : str, optional
        For an array field: the name of the field holding the item key of each row (last axis, a tuple or list), or
        of the whole field (a str, e.g. the objective an optimum is of), looked up in the mapping of units.
    """
    if not isinstance(units, str):
        bad = sorted(set(units.values()) - set(UNITS))
        if bad:
            raise KeyError(f"units {bad} are not in xlcell.units.UNITS")
        units = dict(units)
    return {"xlcell_items": dict(label=label, key=key, units=units, doc=doc, display=display, items=items)}


def item_fields(cls_or_obj: Any) -> list[dataclasses.Field]:
    """The fields of a dataclass that carry :func:`per_item` metadata (in field order).

    Parameters
    ----------
    cls_or_obj : type or dataclass instance
        The dataclass or an instance of it.
    """
    return [f for f in fields(cls_or_obj) if "xlcell_items" in f.metadata]


def item_units(obj: Any, name: str) -> Mapping[str, str] | tuple[str, ...] | str:
    """The display unit of every item of the :func:`per_item` field ``name`` of ``obj``.

    Parameters
    ----------
    obj : dataclass instance
        The result.
    name : str
        Field name.

    Returns
    -------
    mapping, tuple of str or str
        Item -> unit for a dict field, one unit per row (last axis) or one for all for an array field.
    """
    meta = {f.name: f for f in fields(obj)}[name].metadata["xlcell_items"]
    units = meta["units"]
    if isinstance(units, str):
        units = getattr(obj, units)
        if isinstance(units, str):
            return units
    if isinstance(units, Mapping):
        if meta.get("items"):
            rows = getattr(obj, meta["items"])
            return units[rows] if isinstance(rows, str) else tuple(units[k] for k in rows)
        return units
    return tuple(units)


def items_to_display(obj: Any, name: str) -> Any:
    """The :func:`per_item` field ``name`` of ``obj`` in display units, each item in its own unit.

    Parameters
    ----------
    obj : dataclass instance
        The result (SI, unless the field's metadata says ``display``).
    name : str
        Field name.

    Returns
    -------
    dict or ndarray
        Item -> value for a dict field, an array of the field's shape for an array field.
    """
    meta = {f.name: f for f in fields(obj)}[name].metadata["xlcell_items"]
    value, units = getattr(obj, name), item_units(obj, name)
    if isinstance(value, Mapping):
        if meta["display"]:
            return dict(value)
        return {k: from_si(v, units if isinstance(units, str) else units[k]) for k, v in value.items()}
    a = np.asarray(value)
    if meta["display"]:
        return a
    if isinstance(units, str):
        return from_si(a, units)
    if a.shape[-1:] != (len(units),):
        raise ValueError(f"{name}: {len(units)} units for a last axis of {a.shape[-1:] or 'no'} rows")
    out = np.array(a, dtype=float)
    for j, unit in enumerate(units):
        out[..., j] = from_si(a[..., j], unit)
    return out


def specs(cls_or_obj: Any) -> list[ParamSpec]:
    """The :class:`ParamSpec` of every parameter field of a dataclass (in field order).

    Parameters
    ----------
    cls_or_obj : type or dataclass instance
        The dataclass or an instance of it.
    """
    return list(_specs(cls_or_obj if isinstance(cls_or_obj, type) else type(cls_or_obj)))


@functools.lru_cache(maxsize=None)
def _specs(cls: type) -> tuple[ParamSpec, ...]:
    """The specs of a dataclass, built once per class (the metadata is fixed when the class is defined)."""
    return tuple(ParamSpec(name=f.name, **f.metadata["xlcell"]) for f in fields(cls) if "xlcell" in f.metadata)


def spec_by_key(cls_or_obj: Any) -> dict[str, ParamSpec]:
    """The :class:`ParamSpec` of every parameter field, by Excel key.

    Parameters
    ----------
    cls_or_obj : type or dataclass instance
        The dataclass or an instance of it.
    """
    return dict(_spec_by_key(cls_or_obj if isinstance(cls_or_obj, type) else type(cls_or_obj)))


@functools.lru_cache(maxsize=None)
def _spec_by_key(cls: type) -> dict[str, ParamSpec]:
    return {s.key: s for s in _specs(cls)}


def validate(obj: Any, prefix: str = "", skip: tuple[str, ...] = ()) -> None:
    """Check every parameter field of a dataclass instance against its allowed range.

    Parameters
    ----------
    obj : dataclass instance
        Values in SI units.
    prefix : str
        Prefix of the keys named in messages (e.g. ``pos_``).
    skip : tuple of str
        Field names not checked (e.g. a value still to be derived).
    """
    cls = type(obj)
    try:
        if _all_floats_ok(cls, skip)(obj.__dict__):  # every field a float in range: one call, plain comparisons
            return
    except KeyError:  # a field that is not in the instance's __dict__ (slots, a property): field by field below
        pass
    found = _specs(cls)
    if skip:
        found = tuple(s for s in found if s.name not in skip)
    for s in found:  # the first field not allowed, in field order, names itself
        s.check(getattr(obj, s.name), prefix + s.key)


def float_ok_expr(spec: ParamSpec, x: str, w: str, consts: dict[str, Any]) -> str:
    """A Python expression that is True when the float named ``x`` (SI) is allowed by ``spec``: the same IEEE
    operations as :meth:`ParamSpec._scalar_ok` (the value in display units, ``(x - offset) / scale``, named ``w``,
    against the bounds; a NaN fails every comparison, so it is allowed only where the spec says ``allow_nan``; an
    infinity fails the finite bound that replaces a missing one). Finite constants are written as literals (their
    repr, the same float); an infinite one is added to ``consts`` (the generated code's globals) as ``c0``, ``c1``, ...

    Parameters
    ----------
    spec : ParamSpec
        The parameter's metadata.
    x, w : str
        The name of the variable holding the SI value, and a name free for its display value.
    consts : dict
        The generated code's constants (added to).
    """
    def const(v: float) -> str:
        v = float(v)
        if math.isfinite(v):  # a literal (repr gives the same float back): the compiler keeps it as a constant
            return f"({v!r})"
        name = f"c{len(consts)}"
        consts[name] = v
        return name

    scale, offset, lo, hi, slo, shi, nan_ok = spec._bounds
    # (x - 0.0 is x for every float, -0.0 and NaN included: that subtraction is left out)
    dv = x if scale == 1.0 and offset == 0.0 else f"{x} / {const(scale)}" if offset == 0.0 and \
        math.copysign(1.0, offset) > 0 else f"({x} - {const(offset)}) / {const(scale)}"
    both = (spec.gt is not None and spec.ge is not None) or (spec.lt is not None and spec.le is not None)
    named = f"({w} := {dv})" if both or nan_ok else f"({dv})"  # (the display value named where it is read again)
    # a missing bound is an infinite one, strict (an infinity is never allowed)
    ok = (f"{const(lo)} {'<' if slo or lo == -math.inf else '<='} {named} "
          f"{'<' if shi or hi == math.inf else '<='} {const(hi)}")
    if spec.gt is not None and spec.ge is not None:  # both bounds given: both apply
        ok += f" and {w} >= {const(spec.ge)}"
    if spec.lt is not None and spec.le is not None:
        ok += f" and {w} <= {const(spec.le)}"
    if nan_ok:
        ok = f"({w} := {dv}) != {w} or {ok}"
    return ok


@functools.lru_cache(maxsize=None)
def _all_floats_ok(cls: type, skip: tuple[str, ...] = ()) -> Any:
    """A function of an instance's ``__dict__`` that is True when every parameter field of ``cls`` (but ``skip``) is a
    float that :meth:`ParamSpec.check` allows, False otherwise (an array, an int, a value out of range: then
    :func:`validate` checks field by field and the first field not allowed names itself).

    Built once per class from the specs' bounds as one expression of plain-float comparisons, the same IEEE
    operations as :meth:`ParamSpec._scalar_ok` (the value in display units, ``(x - offset) / scale``, against the
    bounds; a NaN fails every comparison, so it is allowed only where the spec says ``allow_nan``; an infinity
    fails the finite bound that replaces a missing one). ``tests/test_params_fast.py`` compares its verdicts with
    the field-by-field check's on random values of every field of every design class.
    """
    terms = []
    consts: dict[str, Any] = {}
    for i, s in enumerate(x for x in _specs(cls) if x.name not in skip):
        x = f"v{i}"
        terms.append(f"type({x} := d[{s.name!r}]) is float and ({float_ok_expr(s, x, f'w{i}', consts)})")
    src = "def ok(d):\n    return " + (" and \\\n        ".join(f"({t})" for t in terms) or "True") + "\n"
    ns: dict[str, Any] = {}
    exec(compile(src, f"<xlcell.params._all_floats_ok {cls.__qualname__}>", "exec"), consts, ns)  # noqa: S102
    ok = ns["ok"]
    ok.__doc__ = src
    return ok


def to_display(obj: Any, prefix: str = "") -> dict[str, Any]:
    """``{prefix+key: value in display units}`` for every parameter field of ``obj``: the one route from a result to
    the numbers a sheet or report shows. A :func:`per_item` field gives its items in their own units.

    Parameters
    ----------
    obj : dataclass instance
        Values in SI units.
    prefix : str
        Prefix of the keys (e.g. ``pos_``).
    """
    out: dict[str, Any] = {}
    for name, s, key in _display_plan(type(obj)):
        if s is not None:
            out[prefix + s.key] = getattr(obj, name) if s.display else s.from_si(getattr(obj, name))
        else:
            out[prefix + key] = items_to_display(obj, name)
    return out


@functools.lru_cache(maxsize=None)
def _display_plan(cls: type) -> tuple[tuple[str, ParamSpec | None, str], ...]:
    """(field name, spec or None for a :func:`per_item` field, its key) of every shown field of ``cls``, in order."""
    by_name = {s.name: s for s in _specs(cls)}
    return tuple((f.name, by_name.get(f.name), f.metadata.get("xlcell_items", {}).get("key", ""))
                 for f in fields(cls) if "xlcell" in f.metadata or "xlcell_items" in f.metadata)


def from_display(cls: type, values: Mapping[str, Any], prefix: str = "", **si_fields: Any) -> Any:
    """Build ``cls`` from display-unit values keyed ``prefix+key``; extra SI fields by name.

    Parameters
    ----------
    values : mapping
        Display-unit values keyed ``prefix + key``; missing keys take the default.
    prefix : str
        Prefix of the keys (e.g. ``pos_``).
    **si_fields
        Further fields by SI field name, in SI units.
    """
    kw = dict(si_fields)
    for s in specs(cls):
        k = prefix + s.key
        if k in values:
            kw[s.name] = s.to_si(values[k])
    return cls(**kw)


def broadcast_fields(obj: Any) -> Any:
    """Return ``obj`` with every numeric field as a float array, all broadcast to one shape.

    Parameters
    ----------
    obj : dataclass instance
        Fields are scalars or arrays that broadcast together (SI).
    """
    names = [s.name for s in specs(obj)]
    arrays = np.broadcast_arrays(*[np.asarray(getattr(obj, n), dtype=float) for n in names])
    return dataclasses.replace(obj, **dict(zip(names, arrays)))


def iter_keys(cls: type, prefix: str = "") -> Iterator[tuple[str, ParamSpec]]:
    """``(prefix + key, spec)`` for every parameter field of ``cls``.

    Parameters
    ----------
    prefix : str
        Prefix of the keys (e.g. ``pos_``).
    """
    for s in specs(cls):
        yield prefix + s.key, s


def isnan_scalar(x: Any) -> bool:
    """True if ``x`` is a float NaN (a blank that means 'not given'), False for anything else, arrays included.

    Parameters
    ----------
    x : object
        Any value.
    """
    return isinstance(x, float) and math.isnan(x)


def whole_number(value: Any, name: str, minimum: int, maximum: int | None = None, note: str = "") -> int:
    """``value`` as an int from ``minimum`` to ``maximum`` (None: no maximum), else an :class:`InputError`
    naming the range (``note`` appended to it).

    Parameters
    ----------
    value : object
        The value to convert.
    name : str
        The argument named in the message.
    minimum : int
        Smallest allowed value.
    maximum : int, optional
        Largest allowed value (None: no maximum).
    note : str
        Text appended to the allowed range in the message.
    """
    allowed = (f"a whole number >= {minimum}" if maximum is None
               else f"a whole number between {minimum} and {maximum}") + note
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise InputError(name, value, allowed) from None
    if not (math.isfinite(x) and x == int(x) and x >= minimum and (maximum is None or x <= maximum)):
        raise InputError(name, x, allowed)
    return int(x)
