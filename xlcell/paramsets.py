"""Parameter sets as data (after PyBaMM's named parameter sets): records read from ``xlcell/data/*.toml``.

The material library and the BatPaC 5.0 default case are data files, not rows of numbers in the code:

* ``materials.toml``: the active materials (:class:`xlcell.materials.Material`), one ``[[material]]`` table each;
* ``calendering_materials.toml``: compaction, fracture and microstructure parameters
  (:class:`xlcell.calendering.CalenderingMaterial`), one ``[[material]]`` table each;
* ``batpac5_default.toml``: BatPaC 5.0's default case (reference digest ``shared/reference/batpac5.md``): the
  default electrodes, separator and cell, the pouch format, prices, yields, slurry, plant, economics (one table each,
  the defaults of :class:`~xlcell.cell.CellDesign`, :class:`~xlcell.bom.CellFormat`, ...) and the 25 process steps
  (``[[process_step]]``, the columns of the Factory sheet).

A value is written under the key the sheets and UDFs use, in that key's display unit
(``specific_capacity_mAh_g = 213.6``), or under the field's own SI name (``thickness_m = 120e-6``) where a value
must be the exact SI float the models have always used. Either way the unit is in the name, and the conversion to
SI goes through the field's metadata (:mod:`xlcell.params`, :mod:`xlcell.units`), so a record cannot carry a value
without a unit. Every record and every group has a ``source``: a key of the file's ``[sources]`` table, whose text
is the full reference (paper, BatPaC digest section, URL).

The files are read once (they are package data) and checked when the models are imported: an unknown key, a missing
value or a source without a reference is an error that names the file and the table. A cost engineer edits a number
or adds a ``[[material]]`` table; no Python changes.
"""
from __future__ import annotations

import dataclasses
import math
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Any, Callable, Iterable, Mapping

from .units import to_si

#: the data files, by parameter-set name (``xlcell/data/<name>.toml``)
FILES = ("materials", "calendering_materials", "batpac5_default", "xlcell_default", "cell_formats")

#: keys of a record or group that are not parameter values
META_KEYS = ("source", "notes")


class DataFileError(ValueError):
    """A parameter data file does not match the records it fills (a packaging or editing error)."""


@lru_cache(maxsize=None)
def load(name: str) -> Mapping[str, Any]:
    """The parsed data file ``xlcell/data/<name>.toml`` (read once; treat it as read-only).

    Parameters
    ----------
    name : str
        Data file name without extension (a key of :data:`FILES`).
    """
    if name not in FILES:
        raise DataFileError(f"no parameter data file {name!r}; known: {', '.join(FILES)}")
    text = resources.files("xlcell").joinpath("data", f"{name}.toml").read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise DataFileError(f"xlcell/data/{name}.toml: {e}") from None
    return MappingProxyType(data)


def sources(name: str) -> dict[str, str]:
    """The ``[sources]`` table of a data file: short source -> full reference.

    Parameters
    ----------
    name : str
        Data file name without extension.
    """
    return dict(load(name).get("sources", {}))


def reference(name: str, source: str) -> str:
    """The full reference of ``source`` (a key of the file's ``[sources]`` table).

    Parameters
    ----------
    name : str
        Data file name without extension.
    source : str
        Short source, a key of the file's ``[sources]`` table.
    """
    try:
        return sources(name)[source]
    except KeyError:
        raise DataFileError(f"xlcell/data/{name}.toml: source {source!r} is not in [sources]") from None


def _field_meta(cls: type) -> list[tuple[str, dict[str, Any], dataclasses.Field]]:
    """(field name, xlcell metadata, Field) of the parameter fields of ``cls``, before or after @dataclass."""
    done = cls.__dict__.get("__dataclass_fields__")
    items = done.items() if done else ((k, v) for k, v in vars(cls).items() if isinstance(v, dataclasses.Field))
    return [(n, f.metadata["xlcell"], f) for n, f in items if "xlcell" in f.metadata]


def si_values(cls: type, values: Mapping[str, Any], where: str, *, skip: Iterable[str] = (),
              complete: bool = False) -> dict[str, Any]:
    """``{field name: SI value}`` of ``cls`` from a table keyed by display key or SI field name.

    Text fields (display unit ``text``) are taken as given; numbers are converted with the field's display unit
    (a key) or taken as SI (a field name). :data:`META_KEYS` and the keys in ``skip`` (identity fields such as
    ``name``) are left out. ``complete``: every parameter field must be given. ``where`` names the table in
    messages.

    Parameters
    ----------
    values : mapping
        Table keyed by display key (display units) or SI field name (SI).
    where : str
        The table's name in error messages.
    skip : iterable of str
        Keys left out (identity fields such as ``name``).
    complete : bool
        Every parameter field must be given.
    """
    by_key = {meta["key"]: (n, meta["unit"]) for n, meta, _ in _field_meta(cls)}
    by_name = {n: (n, meta["unit"]) for n, meta, _ in _field_meta(cls)}
    out: dict[str, Any] = {}
    for k, v in values.items():
        if k in META_KEYS or k in skip:
            continue
        if k in by_key:
            name, unit = by_key[k]
            si = unit == "text" or k == name
        elif k in by_name:
            (name, unit), si = by_name[k], True
        else:
            raise DataFileError(f"{where}: {k!r} is not a key of {cls.__name__} "
                                f"(keys: {', '.join(by_key)}; or the SI field names)")
        if name in out:
            raise DataFileError(f"{where}: {cls.__name__}.{name} is given twice")
        if unit == "text":
            out[name] = str(v)
        elif isinstance(v, bool) or not isinstance(v, (int, float)):
            raise DataFileError(f"{where}: {k} = {v!r} is not a number")
        else:
            out[name] = float(v) if si else float(to_si(float(v), unit))
    missing = [meta["key"] for n, meta, _ in _field_meta(cls) if n not in out]
    if complete and missing:
        raise DataFileError(f"{where}: no value for {', '.join(missing)}")
    return out


def table(name: str, path: str) -> Mapping[str, Any]:
    """A table of a data file by dotted path (``"design.positive"``); it must have a ``source`` in ``[sources]``.

    Parameters
    ----------
    name : str
        Data file name without extension.
    path : str
        Dotted table path, e.g. ``"design.positive"``.
    """
    t: Any = load(name)
    for part in path.split("."):
        if not isinstance(t, Mapping) or part not in t:
            raise DataFileError(f"xlcell/data/{name}.toml has no table [{path}]")
        t = t[part]
    _check_source(name, t, f"[{path}]")
    return t


def records(name: str, array: str) -> list[Mapping[str, Any]]:
    """The ``[[array]]`` tables of a data file, each checked for a ``source`` in ``[sources]``.

    Parameters
    ----------
    name : str
        Data file name without extension.
    array : str
        Name of the array of tables, e.g. ``"material"``.
    """
    rows = load(name).get(array)
    if not isinstance(rows, list) or not rows:
        raise DataFileError(f"xlcell/data/{name}.toml has no [[{array}]] tables")
    for i, r in enumerate(rows):
        _check_source(name, r, f"[[{array}]] {i + 1} ({r.get('name', r.get('step', '?'))})")
    return rows


def _check_source(name: str, t: Mapping[str, Any], where: str) -> None:
    src = t.get("source")
    if not isinstance(src, str) or not src.strip():
        raise DataFileError(f"xlcell/data/{name}.toml {where}: no source")
    if not reference(name, src).strip():
        raise DataFileError(f"xlcell/data/{name}.toml {where}: source {src!r} has an empty reference")


def defaults(name: str, path: str, over: tuple[str, str] | None = None) -> Callable[[type], type]:
    """Class decorator, applied beneath ``@dataclass``: the parameter fields' defaults come from a data table.

    Every parameter field must get its default from the table, and must not have one in the code (one source of
    truth); every key of the table must be a field. ``over`` names a second table (file, path) whose values replace
    the first's: xlcell's defaults where they depart from BatPaC's (``xlcell_default.toml``), the first table staying
    BatPaC's own (:func:`table_values` reads it alone).

    Parameters
    ----------
    name : str
        Data file name without extension.
    path : str
        Dotted path of the table holding the defaults.
    over : (str, str), optional
        (data file, dotted path) of a table overriding some of the defaults.
    """

    def deco(cls: type) -> type:
        where = f"xlcell/data/{name}.toml [{path}]"
        vals = si_values(cls, table(name, path), where)
        if over is not None:
            vals.update(si_values(cls, table(*over), f"xlcell/data/{over[0]}.toml [{over[1]}]"))
        for n, _, f in _field_meta(cls):
            if f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING:
                raise DataFileError(f"{cls.__name__}.{n} has a default in the code; it belongs in {where}")
            if n not in vals:
                raise DataFileError(f"{where}: no value for {cls.__name__}.{n}")
            f.default = vals[n]
        return cls

    return deco


def table_values(record: type, name: str, path: str) -> dict[str, Any]:
    """``{field name: SI value}`` of ``record`` from one data table alone (e.g. BatPaC's ``[economics]``, without
    xlcell's overrides).

    Parameters
    ----------
    record : type
        The parameter dataclass the table fills.
    name : str
        Data file name without extension.
    path : str
        Dotted path of the table.
    """
    return si_values(record, table(name, path), f"xlcell/data/{name}.toml [{path}]")


# ------------------------------------------------------------------------------------------------ listing
@dataclass(frozen=True)
class Record:
    """One named record or group of a parameter set: its values, class and source.

    ``values`` are SI by field name (what the models use); ``fields`` are the same values as the sheets show them:
    (key, label, value in display units, display unit), in field order.
    """

    name: str
    cls: type
    values: Mapping[str, Any]
    fields: tuple[tuple[str, str, Any, str], ...]
    source: str  #: short source (a key of the file's [sources])
    reference: str  #: the full reference


def _display(cls: type, values: Mapping[str, Any]) -> tuple[tuple[str, str, Any, str], ...]:
    from .params import specs

    return tuple((s.key, s.label, v if s.unit == "text" else _py(s.from_si(v)), s.unit)
                 for s in specs(cls) if (v := values.get(s.name, _MISSING)) is not _MISSING)


_MISSING = object()


@dataclass(frozen=True)
class ParameterSet:
    """A named parameter set: its title, overall source and records (materials, or the groups of a case)."""

    name: str
    title: str
    source: str
    records: tuple[Record, ...]

    def __getitem__(self, name: str) -> Record:
        for r in self.records:
            if r.name.lower() == str(name).lower():
                return r
        from .errors import UnknownKeyError

        raise UnknownKeyError(str(name), [r.name for r in self.records], what=f"{self.name} record")


def _py(v: Any) -> Any:
    x = float(v)
    return None if math.isnan(x) else float(f"{x:.12g}")


def _set(name: str, recs: Iterable[Record]) -> ParameterSet:
    head = load(name).get("parameter_set", {})
    return ParameterSet(name=name, title=str(head.get("title", name)), source=str(head.get("source", "")),
                        records=tuple(recs))


def _record(file: str, name: str, obj: Any) -> Record:
    vals = {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj) if "xlcell" in f.metadata}
    return Record(name, type(obj), MappingProxyType(vals), _display(type(obj), vals), obj.source,
                  reference(file, obj.source))


def _group(file: str, path: str, cls: type) -> Record:
    t = table(file, path)
    vals = si_values(cls, t, f"xlcell/data/{file}.toml [{path}]", skip=("material",))
    shown = _display(cls, vals)
    if "material" in t:  # an electrode names its active material (a record of the material library)
        shown = (("material", "Active material", str(t["material"]), "text"),) + shown
    return Record(path, cls, MappingProxyType(dict(vals)), shown, t["source"], reference(file, t["source"]))


def materials_set() -> ParameterSet:
    """The active-material library as a parameter set (one record per material)."""
    from .materials import LIBRARY

    return _set("materials", (_record("materials", m.name, m) for m in LIBRARY.values()))


def calendering_set() -> ParameterSet:
    """The calendering materials as a parameter set (one record per material)."""
    from .calendering import CALENDERING_MATERIALS

    return _set("calendering_materials", (_record("calendering_materials", m.name, m)
                                          for m in CALENDERING_MATERIALS.values()))


def batpac5_default() -> ParameterSet:
    """BatPaC 5.0's default case (digest ``shared/reference/batpac5.md``) as a named parameter set.

    One record per group, each with its source: the default electrodes, separator and cell (the defaults of
    :func:`xlcell.cell.default_design`), the cell format, prices, yields, slurry, plant and economics (the defaults
    of their dataclasses, filled from the same file) and one record per process step. Values in SI by field name;
    :meth:`Record.rows` shows them in display units.
    """
    from .bom import CellFormat, MaterialPrices, MaterialYields, Slurry
    from .cell import CellDesign, ElectrodeDesign, SeparatorDesign
    from .cost import Economics
    from .factory import DEFAULT_STEPS, Plant, ProcessStep, driver_unit, step_rows
    from .pack import PackDesign
    from .params import specs

    f = "batpac5_default"
    groups = (("design.positive", ElectrodeDesign), ("design.negative", ElectrodeDesign),
              ("design.separator", SeparatorDesign), ("design.cell", CellDesign), ("cell_format", CellFormat),
              ("prices", MaterialPrices), ("yields", MaterialYields), ("slurry", Slurry), ("plant", Plant),
              ("economics", Economics), ("pack", PackDesign))
    recs = [_group(f, path, cls) for path, cls in groups]
    units = {s.key: s.unit for s in specs(ProcessStep)}
    for st, row in zip(DEFAULT_STEPS, step_rows(DEFAULT_STEPS)):
        # the Factory sheet's row: driver quantities in the driver's display unit (kg, m², counts, kWh per year)
        shown = tuple((s.key, s.label, row[s.key], driver_unit(st, s.name) or units[s.key]) for s in specs(ProcessStep))
        vals = {s.name: getattr(st, s.name) for s in specs(ProcessStep)}
        recs.append(Record(f"process_step: {st.name}", ProcessStep, MappingProxyType(vals), shown, st.source,
                           reference(f, st.source)))
    return _set(f, recs)


def xlcell_default() -> ParameterSet:
    """xlcell's defaults where they depart from BatPaC 5.0's conventions (``xlcell_default.toml``): the electricity
    price (BatPaC has no utility line). BatPaC's own values stay in :func:`batpac5_default` (BatPaC mode)."""
    from .cost import Economics

    return _set("xlcell_default", [_group("xlcell_default", "economics", Economics)])


#: the parameter sets, by name: a function returning each
PARAMETER_SETS: dict[str, Callable[[], ParameterSet]] = {
    "materials": materials_set,
    "calendering_materials": calendering_set,
    "batpac5_default": batpac5_default,
    "xlcell_default": xlcell_default,
}


def parameter_sets() -> dict[str, ParameterSet]:
    """Every built-in parameter set, by name (``materials``, ``calendering_materials``, ``batpac5_default``,
    ``xlcell_default``)."""
    return {n: fn() for n, fn in PARAMETER_SETS.items()}


def parameter_set(name: str) -> ParameterSet:
    """One built-in parameter set by name (case-insensitive).

    Parameters
    ----------
    name : str
        ``materials``, ``calendering_materials`` or ``batpac5_default`` (any case).
    """
    key = str(name).strip().lower()
    if key not in PARAMETER_SETS:
        from .errors import UnknownKeyError

        raise UnknownKeyError(str(name), PARAMETER_SETS, what="parameter set")
    return PARAMETER_SETS[key]()


__all__ = ["FILES", "DataFileError", "load", "sources", "reference", "si_values", "table", "records", "defaults",
           "Record", "ParameterSet", "materials_set", "calendering_set", "batpac5_default", "xlcell_default", "parameter_sets",
           "parameter_set", "PARAMETER_SETS"]
