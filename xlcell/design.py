"""Cell designs from flat (key, value) mappings in display units: the keys of the Design sheet.

The flat keys are generated from the parameter metadata of :mod:`xlcell.cell`: ``pos_`` and
``neg_`` + an :class:`~xlcell.cell.ElectrodeDesign` key, ``sep_`` + a
:class:`~xlcell.cell.SeparatorDesign` key, the :class:`~xlcell.cell.CellDesign` keys, and the two
material names ``pos_material`` and ``neg_material``. Values may be scalars or arrays (one element
per design); they broadcast together.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress, repeat
from math import copysign
from operator import eq, ne
from types import MappingProxyType
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from .cell import CellDesign, ElectrodeDesign, SeparatorDesign, default_design, default_material
from .errors import ConflictError, InputError, UnknownKeyError, XlcellError
from .materials import MATERIAL_PROPERTIES, Material, get_material, lookup_order, material_arrays
from .params import ParamSpec, float_ok_expr, specs, to_display
from .units import UNITS

MATERIAL_KEYS = {"pos_material": "positive", "neg_material": "negative"}
#: the active materials of BatPaC's default cell (``[design.*]`` of ``xlcell/data/batpac5_default.toml``)
DEFAULT_MATERIALS = {"pos_material": default_material("positive"), "neg_material": default_material("negative")}


@dataclass(frozen=True)
class DesignKey:
    """One key of the Design sheet."""

    key: str
    spec: ParamSpec | None  #: None for the material-name keys
    part: str  #: "pos", "neg", "sep" or "cell"
    default: Any  #: display units; None = the material's value (or derived, for neg_thickness_um)

    @property
    def label(self) -> str:
        if self.spec is None:
            return ("Positive" if self.part == "pos" else "Negative") + " active material"
        side = {"pos": "Positive: ", "neg": "Negative: ", "sep": "", "cell": ""}[self.part]
        return side + self.spec.label

    @property
    def unit(self) -> str:
        return "text" if self.spec is None else self.spec.unit


def design_keys() -> list[DesignKey]:
    """Every key of a cell design, in Design-sheet order, with its default (display units)."""
    return list(_design_keys())


@lru_cache(maxsize=1)
def _design_keys() -> tuple[DesignKey, ...]:
    """:func:`design_keys`, built once (the defaults and the metadata are fixed at import)."""
    base = default_design()
    out = [DesignKey("pos_material", None, "pos", DEFAULT_MATERIALS["pos_material"]),
           DesignKey("neg_material", None, "neg", DEFAULT_MATERIALS["neg_material"])]
    for part, obj in (("pos", base.pos), ("neg", base.neg)):
        shown = to_display(obj)
        for s in specs(ElectrodeDesign):
            default = None if s.from_material else shown[s.key]
            if part == "neg" and s.key == "thickness_um":
                default = None  # derived from np_ratio when blank
            out.append(DesignKey(f"{part}_{s.key}", s, part, _py(default)))
    shown = to_display(base.sep)
    out += [DesignKey(f"sep_{s.key}", s, "sep", _py(shown[s.key])) for s in specs(SeparatorDesign)]
    shown = to_display(base)
    out += [DesignKey(s.key, s, "cell", _py(shown[s.key])) for s in specs(CellDesign)]
    return tuple(out)


def _py(v: Any) -> Any:
    if v is None:
        return None
    x = float(np.asarray(v))
    return None if np.isnan(x) else float(f"{x:.12g}")


def design_from_mapping(values: Mapping[str, Any], materials: Mapping[str, Material] | None = None) -> CellDesign:
    """Build a :class:`CellDesign` from ``{key: display value}`` (keys case-insensitive).

    Missing keys take the defaults of :func:`design_keys` (BatPaC 5.0's default cell); material
    properties left out take the named material's library values; a missing
    ``neg_thickness_um`` is derived from ``np_ratio``. A NaN value (a blank cell in a table of
    designs) counts as missing for that design; ``neg_thickness_um`` and ``np_ratio`` may both be
    columns as long as no design gives both.

    Parameters
    ----------
    values : mapping
        Display-unit values, scalars or arrays (one element per design); material names as text.
    materials : mapping, optional
        Extra user-defined materials by upper-case name, searched before the library.

    Raises
    ------
    UnknownKeyError
        A key that is not a design key.
    ConflictError
        Both ``neg_thickness_um`` and ``np_ratio`` given for one design.
    InputError
        A material of the wrong role, or a value out of range.
    """
    design = _from_floats(values, materials)  # the common case (a Design range of numbers): built directly
    if design is not None:
        return design
    canon = _canonical()
    vals = {}
    for k, v in values.items():
        c = canon.get(k) if type(k) is str else None  # the common case: the key as design_keys spells it, lower
        vals[c if c is not None and c == k else canonical_key(k)] = v
    if "neg_thickness_um" in vals and "np_ratio" in vals:
        both = _given(vals["neg_thickness_um"]) & _given(vals["np_ratio"])
        if both.any():
            i = int(np.flatnonzero(both.ravel())[0])
            at = f" (design {i + 1})" if both.size > 1 else ""
            raise ConflictError(f"give neg_thickness_um or np_ratio, not both{at} (the other follows from it)")

    plan = _plan()
    parts: dict[str, dict[str, Any]] = {"pos": {}, "neg": {}, "sep": {}, "cell": {}}
    for part in ("pos", "neg"):
        mkey = f"{part}_material"
        names = vals.get(mkey, DEFAULT_MATERIALS[mkey])
        if isinstance(names, str):  # one material: its properties as numbers (one lookup)
            m = get_material(names, materials)
            mats: Mapping[str, Any] = {p: float(getattr(m, p)) for p in MATERIAL_PROPERTIES}
            if m.role != MATERIAL_KEYS[mkey]:
                _check_role(names, MATERIAL_KEYS[mkey], mkey, materials)
        else:
            mats = material_arrays(names, materials)
            _check_role(names, MATERIAL_KEYS[mkey], mkey, materials)
        out = parts[part]
        for k, s, default in plan[part]:
            out[s.name] = _with_default(vals, k, s, mats[s.name] if default is _FROM_MATERIAL else default)
    _check_carrier(vals.get("pos_material", DEFAULT_MATERIALS["pos_material"]),
                   vals.get("neg_material", DEFAULT_MATERIALS["neg_material"]), materials)
    for part in ("sep", "cell"):
        out = parts[part]
        for k, s, default in plan[part]:
            out[s.name] = _with_default(vals, k, s, default)
    return CellDesign(pos=ElectrodeDesign(**parts["pos"]), neg=ElectrodeDesign(**parts["neg"]),
                      sep=SeparatorDesign(**parts["sep"]), **parts["cell"])


_FROM_MATERIAL = object()  #: a plan's default that is the active material's value


@lru_cache(maxsize=1)
def _plan() -> dict[str, tuple[tuple[str, ParamSpec, Any], ...]]:
    """(key, spec, SI default) of every numeric design key by part, built once (:func:`design_from_mapping`)."""
    keys = {k.key: k for k in _design_keys()}
    out: dict[str, tuple[tuple[str, ParamSpec, Any], ...]] = {}
    for part in ("pos", "neg"):
        rows = []
        for s in specs(ElectrodeDesign):
            k = f"{part}_{s.key}"
            if s.from_material:
                default = _FROM_MATERIAL
            elif k == "neg_thickness_um":
                default = np.nan
            else:
                default = _si(s, keys[k].default)
            rows.append((k, s, default))
        out[part] = tuple(rows)
    out["sep"] = tuple((f"sep_{s.key}", s, _si(s, keys[f"sep_{s.key}"].default)) for s in specs(SeparatorDesign))
    out["cell"] = tuple((s.key, s, _si(s, keys[s.key].default)) for s in specs(CellDesign))
    return out


def _from_floats(values: Mapping[str, Any], materials: Mapping[str, Material] | None) -> CellDesign | None:
    """:func:`design_from_mapping` of a mapping whose keys are spelled as :func:`design_keys` spells them, whose
    numbers are floats and whose materials are names: the same design (the same floats: the same arithmetic as
    :func:`_with_default`'s), built from the defaults by one pass over the given keys; None for anything else
    (arrays, other spellings, both ``neg_thickness_um`` and ``np_ratio``, a material of the wrong role or carrier),
    which the general path builds or refuses with its message."""
    targets, defaults, from_material, direct = _float_plan()
    given: dict[str, dict[str, float]] = {"pos": {}, "neg": {}, "sep": {}, "cell": {}}
    for k, v in values.items():
        t = targets.get(k)
        if t is None:
            if k in MATERIAL_KEYS:
                continue
            return None
        if type(v) is not float:
            return None
        part, name, scale, offset = t
        x = v if scale is None else v * scale + offset
        if x == x:  # NaN: a blank, the default
            given[part][name] = x
    if "thickness_m" in given["neg"] and "np_ratio" in given["cell"]:
        return None  # both given: the general path says so
    parts = {}
    carriers = []
    for part in ("pos", "neg"):
        name = values.get(part + "_material", DEFAULT_MATERIALS[part + "_material"])
        if type(name) is not str:
            return None
        m = get_material(name, materials)
        if m.role != MATERIAL_KEYS[part + "_material"]:
            return None
        carriers.append(m.carrier)
        kw = parts[part] = dict(defaults[part])  # (in field order: the order __init__ would store them in)
        for f in from_material:
            kw[f] = float(getattr(m, f))
        kw.update(given[part])
    if carriers[0] != carriers[1]:
        return None
    for part in ("sep", "cell"):
        parts[part] = {**defaults[part], **given[part]}
    if not direct:
        for k in ("pos", "neg", "sep"):
            parts["cell"].pop(k, None)
        return CellDesign(pos=ElectrodeDesign(**parts["pos"]), neg=ElectrodeDesign(**parts["neg"]),
                          sep=SeparatorDesign(**parts["sep"]), **parts["cell"])
    out = []
    for cls, kw in ((ElectrodeDesign, parts["pos"]), (ElectrodeDesign, parts["neg"]), (SeparatorDesign, parts["sep"])):
        obj = object.__new__(cls)  # every field given (checked once, in _float_plan): what __init__ would store
        obj.__dict__.update(kw)
        out.append(obj)
    cell = object.__new__(CellDesign)
    cell.__dict__.update(parts["cell"])
    cell.__dict__.update(pos=out[0], neg=out[1], sep=out[2])
    return cell


@lru_cache(maxsize=1)
def _float_plan() -> tuple[dict[str, tuple[str, str, float | None, float]], dict[str, dict[str, Any]],
                           tuple[str, ...], bool]:
    """:func:`_from_floats`' plan, from :func:`_plan`: key -> (part, field name, scale or None for an SI unit,
    offset); each part's SI defaults by field name, in field order (None for the material's properties, and for the
    cell's three parts); the fields taken from the material; whether every dataclass is filled by these fields
    alone, in this order (no other field, no ``__post_init__``), so that the instances may be made without
    ``__init__``'s per-field ``object.__setattr__`` (the same ``__dict__``)."""
    targets, defaults = {}, {}
    from_material: tuple[str, ...] = ()
    for part, rows in _plan().items():
        defaults[part] = {}
        for k, s, default in rows:
            _, scale, offset = UNITS[s.unit]
            targets[k] = (part, s.name, None if scale == 1.0 and offset == 0.0 else scale, offset)
            defaults[part][s.name] = None if default is _FROM_MATERIAL else default
            if default is _FROM_MATERIAL and s.name not in from_material:
                from_material += (s.name,)
    order = {c: [f.name for f in dataclasses.fields(c)] for c in (CellDesign, ElectrodeDesign, SeparatorDesign)}
    if set(order[CellDesign]) == set(defaults["cell"]) | {"pos", "neg", "sep"}:
        defaults["cell"] = {f: defaults["cell"].get(f) for f in order[CellDesign]}
    direct = not any(hasattr(c, "__post_init__") for c in order) and list(defaults["cell"]) == order[CellDesign] and \
        list(defaults["pos"]) == list(defaults["neg"]) == order[ElectrodeDesign] and \
        list(defaults["sep"]) == order[SeparatorDesign]
    return targets, defaults, from_material, direct


def design_reader(keys: Sequence[str]) -> Callable[..., tuple[CellDesign, CellDesign] | None]:
    """A reader of one design given as display values in a fixed order of keys (a Design range's value column): made
    once per order, it builds the design and checks it as :func:`resolve` does in one straight pass of plain float
    arithmetic.

    ``read(values, pos_material, neg_material, materials=None)`` takes one float or None (a blank: the default, or
    the active material's value) per key of ``keys``, in that order, and the two material names (None: the default
    material); it returns ``(design, resolved)``: ``design_from_mapping`` of those values and
    :func:`~xlcell.cell.resolve` of it, the same instances (the same floats, bit for bit, in the same ``__dict__``
    order; the resolved design marked as :func:`resolve` marks it), or None for anything it does not take (another
    type, a value that is not finite, both ``neg_thickness_um`` and ``np_ratio``, a material not found or of the
    wrong role or ion, any value or relation that :func:`resolve` refuses, a salt diffusivity law to check):
    :func:`design_from_mapping` and :func:`resolve` then build it or say what is wrong. ``tests/test_design_fast.py`` compares the two on random
    designs.

    Parameters
    ----------
    keys : sequence of str
        Numeric design keys as :func:`design_keys` spells them, each at most once (not the material names).
    """
    return _reader(tuple(keys))


def _no_reader(values: Sequence[Any], pos: str | None, neg: str | None,
               materials: Mapping[str, Material] | None = None) -> None:
    return None


@lru_cache(maxsize=32)
def _reader(keys: tuple[str, ...]) -> Callable[..., tuple[CellDesign, CellDesign] | None]:
    from .cell import _CONDUCTIVITY_LAW_FIELDS, _RESOLVED, _SALT_LAW_FIELDS, _THICKNESS, _neg_thickness_for_np_floats

    targets, defaults, from_material, direct = _float_plan()
    if not direct or len(set(keys)) != len(keys) or not all(k in targets for k in keys):
        return _no_reader
    spec_of = {(part, s.name): s for part, rows in _plan().items() for _, s, _ in rows}
    index = {targets[k][:2]: j for j, k in enumerate(keys)}  # (part, field) -> position in the values
    consts: dict[str, Any] = {"new": object.__new__, "setdict": object.__setattr__, "array": np.array,
                              "np_floats": _neg_thickness_for_np_floats, "ED": ElectrodeDesign,
                              "SD": SeparatorDesign, "CD": CellDesign, "nan": np.nan}
    given_np = ("cell", "np_ratio") in index
    given_ln = ("neg", "thickness_m") in index
    lines = ["def read(n, pm, nm):"]
    if given_np:
        lines.append("    gr = False")
    if given_ln:
        lines.append("    gl = False")
    var: dict[tuple[str, str], str] = {}
    #: per position of ``keys``: the source of ``c<j>(x, pm, nm)``, that value's SI value or BAD (a one-value edit)
    convs: list[str] = []

    def const(x: Any) -> str:
        name = f"k{len(consts)}"
        consts[name] = x
        return name

    for part in ("pos", "neg", "sep", "cell"):
        for name, default in defaults[part].items():
            if part == "cell" and name in ("pos", "neg", "sep"):
                continue
            s = spec_of[(part, name)]
            v = var[(part, name)] = f"f_{part}_{name}"
            check = f"        if not ({float_ok_expr(s, v, 'w', consts)}): return None"
            ln = (part, name) == ("neg", "thickness_m")  # blank: derived from N/P below
            if default is None:  # the active material's value (allowed or not: found once per material)
                dflt_expr = f"{'pm' if part == 'pos' else 'nm'}[{from_material.index(name)}]"
                dflt_ok = True
            else:
                dflt_expr = const(default)
                dflt_ok = ln or s._scalar_ok(default)
            dflt = [f"        {v} = {dflt_expr}"] + ([] if dflt_ok else ["        return None"])
            j = index.get((part, name))
            if j is None:  # not in the range: the default (at the function's level)
                lines += [ln_[4:] for ln_ in dflt]
                continue
            _, scale, offset = UNITS[s.unit]
            # a value that is not finite fails the check, but a NaN where NaN is allowed (design_from_mapping takes
            # it for a blank: the general path)
            given = [*(["        if x != x: return None"] if s.allow_nan else []),
                     f"        {v} = x" if scale == 1.0 and offset == 0.0 else
                     f"        {v} = x * {const(scale)} + {const(offset)}", check]
            lines += [f"    x = n[{j}]", "    if x is None:", *dflt, "    else:", *given]
            if (part, name) == ("cell", "np_ratio"):
                lines.append("        gr = True")
            if ln:
                lines.append("        gl = True")
            convs.append("\n".join([f"def c{j}(x, pm, nm):", "    if x is None:",
                                    f"        return {dflt_expr if dflt_ok else 'BAD'}",
                                    *(ln_[4:].replace("return None", "return BAD") for ln_ in given),
                                    f"    return {v}"]))
    f = var.__getitem__
    p = lambda name: f(("pos", name))  # noqa: E731
    q = lambda name: f(("neg", name))  # noqa: E731
    order = list(var.values())  # every field's variable, in the order of F (finish's argument)
    lines.append(f"    F = ({', '.join(order)},)")
    lines.append(f"    return F, finish(F, {'gr' if given_np else 'False'}, {'gl' if given_ln else 'False'})")
    unpack = f"    ({', '.join(order)},) = F"
    checks = []
    if given_np and given_ln:
        checks.append("    if gr and gl: return None")  # both given: design_from_mapping says so
    for e in (p, q):  # the composition (_check_composition), then the voltage (_check_voltage)
        checks.append(f"    if not abs({e('am_frac')} + {e('carbon_frac')} + {e('binder_frac')} - 1.0) <= 1e-6: "
                      "return None")
    checks.append(f"    if not ({f(('cell', 'avg_voltage_V'))} == {f(('cell', 'avg_voltage_V'))} or "
                  f"{p('potential_V')} - {q('potential_V')} > 0): return None")
    for e in (p, q):  # the pulse's OCV curve never turns back (_check_ocv_curve)
        checks.append(f"    if not ({e('ocv_loss_soc10_V')} <= {e('ocv_loss_soc5_V')} <= {e('ocv_loss_soc0_V')}): "
                      "return None")
    # a salt diffusivity law (any coefficient not 0) is checked over 0..5 c0 (_check_salt_law): the general path
    # and so is a conductivity law (_check_conductivity_law)
    law = [f(("cell", n)) for n in _SALT_LAW_FIELDS + _CONDUCTIVITY_LAW_FIELDS]
    checks.append(f"    if {' or '.join(f'{v} != 0.0' for v in law)}: return None")
    dict_of = {part: "{" + ", ".join(f"{n!r}: {f((part, n))}" for n in defaults[part]) + "}"
               for part in ("pos", "neg", "sep")}
    cell_dict = "{" + ", ".join(f"{n!r}: {n.upper()}" if n in ("pos", "neg", "sep") else f"{n!r}: {f(('cell', n))}"
                                for n in defaults["cell"]) + "}"
    np_args = ", ".join([f(("cell", "np_ratio"))] + [p(x) for x in _NP_FIELDS] + [q(x) for x in _NP_FIELDS[1:]])
    derive = ["        try:", f"            lt = np_floats({np_args})", "        except ZeroDivisionError:",
              "            return None",
              f"        if not ({float_ok_expr(_THICKNESS, 'lt', 'w', consts)}): return None"]
    building = [f"    pd = {dict_of['pos']}", f"    nd = {dict_of['neg']}", f"    sd = {dict_of['sep']}",
                "    POS = new(ED)", "    setdict(POS, '__dict__', pd)", "    NEG = new(ED)",
                "    setdict(NEG, '__dict__', nd)", "    SEP = new(SD)", "    setdict(SEP, '__dict__', sd)",
                f"    dd = {cell_dict}", "    D = new(CD)", "    setdict(D, '__dict__', dd)"]
    # an edit of the design D0: the parts whose fields changed (P, N, S, C: {field: SI value}, or None) made anew,
    # the others D0's own (frozen instances, shared)
    patching = ["    if P is None:", "        POS = D0.pos", "    else:", "        POS = new(ED)",
                "        setdict(POS, '__dict__', {**D0.pos.__dict__, **P})",
                "    if N is None:", "        NEG = D0.neg", "    else:", "        NEG = new(ED)",
                "        setdict(NEG, '__dict__', {**D0.neg.__dict__, **N})",
                "    if S is None:", "        SEP = D0.sep", "    else:", "        SEP = new(SD)",
                "        setdict(SEP, '__dict__', {**D0.sep.__dict__, **S})",
                "    nd = NEG.__dict__",
                "    dd = {**D0.__dict__, 'pos': POS, 'neg': NEG, 'sep': SEP}", "    if C is not None:",
                "        dd.update(C)", "    D = new(CD)", "    setdict(D, '__dict__', dd)"]
    resolved_given = ["        R = new(CD)", f"        setdict(R, '__dict__', {{**dd, {_RESOLVED!r}: True}})"]
    resolved_derived = derive + ["        N2 = new(ED)",
                                 # (the derived thickness as resolve keeps it: a 0-d float array)
                                 "        setdict(N2, '__dict__', {**nd, 'thickness_m': array(lt)})",
                                 "        R = new(CD)",
                                 f"        setdict(R, '__dict__', {{**dd, 'neg': N2, {_RESOLVED!r}: True}})"]
    if given_ln:
        resolving = ["    if gl:", *resolved_given, "    else:", *resolved_derived]
    else:
        resolving = [ln_[4:] for ln_ in resolved_derived]
    # the relations between fields and the instances, from every field's SI value (F) and whether np_ratio (gr) and
    # neg_thickness_um (gl) are given: the end of a full read (finish), and of a one-value edit (patch)
    tail = ["def finish(F, gr, gl):", unpack, *checks, *building, *resolving, "    return D, R", "",
            "def patch(F, gr, gl, D0, P, N, S, C):", unpack, *checks, *patching, *resolving, "    return D, R"]
    src = "\n\n".join(["\n".join(lines), "\n".join(tail), *convs]) + "\n"
    ns: dict[str, Any] = {}
    consts["BAD"] = _BAD
    exec(compile(src, "<xlcell.design.design_reader>", "exec"), consts, ns)  # noqa: S102
    fn = ns["read"]
    consts["finish"] = ns["finish"]
    patch = ns["patch"]
    part_of = tuple(targets[k][:2] for k in keys)  # (part, field) of each key
    conv = tuple(ns[f"c{j}"] for j in range(len(keys)))
    slot = tuple(order.index(var[targets[k][:2]]) for k in keys)  # position in F of each key's field
    j_np = index.get(("cell", "np_ratio"))
    j_ln = index.get(("neg", "thickness_m"))
    n_keys = len(keys)
    positions = range(n_keys)
    default_pos, default_neg = DEFAULT_MATERIALS["pos_material"], DEFAULT_MATERIALS["neg_material"]
    #: the last design read: (its values, the two materials' values, every field's SI value (F), the positions of
    #: its zeros, the design, the two names and the materials mapping given); an edit of a few values (a user's edit
    #: of the Design sheet) converts and checks those values alone, checks the relations again and makes anew the
    #: parts (pos, neg, sep) whose fields changed
    last: list[Any] = [None]
    edits = [0]  #: how many designs were read as an edit of the one before (tests, benchmarks)

    def build(values: Sequence[Any], pos: str | None, neg: str | None,
              materials: Mapping[str, Material] | None = None) -> tuple[CellDesign, CellDesign] | None:
        """``read`` of values already known to be floats or None, as many as the keys."""
        prev = last[0]
        if prev is not None and prev[6] is pos and prev[7] is neg and prev[8] is materials and \
                (materials is None or type(materials) is MappingProxyType):
            mp, mn = prev[1], prev[2]  # the same names in the same read-only materials: the same materials
        else:
            mp = _material_values(default_pos if pos is None else pos, "positive", materials)
            mn = _material_values(default_neg if neg is None else neg, "negative", materials)
            # not found, the wrong role, another ion, a value a design may not take: the general path says which
            if mp is None or mn is None or mp[0] != mn[0] or not (mp[2] and mn[2]):
                return None
        values = tuple(values)
        if prev is not None and prev[1] is mp and prev[2] is mn:
            old = prev[0]
            changed = list(compress(positions, map(ne, values, old)))  # (in C; None == None, 0.0 == -0.0)
            zeros = prev[4]
            for j in zeros:  # a zero of the other sign is another value (its bits, and 1/x, differ)
                x = values[j]
                if x is not old[j] and x == 0.0 and copysign(1.0, x) != copysign(1.0, old[j]):
                    changed.append(j)
            if len(changed) <= _EDIT_MAX:
                edits[0] += 1
                F = list(prev[3])
                pm, nm = mp[1], mn[1]
                parts: dict[str, dict[str, float]] = {}
                for j in changed:
                    x = conv[j](values[j], pm, nm)
                    if x is _BAD:
                        return None
                    F[slot[j]] = x
                    part, name = part_of[j]
                    fields = parts.get(part)
                    if fields is None:
                        fields = parts[part] = {}
                    fields[name] = x
                out = patch(F, j_np is not None and values[j_np] is not None,
                            j_ln is not None and values[j_ln] is not None, prev[5], parts.get("pos"),
                            parts.get("neg"), parts.get("sep"), parts.get("cell"))
                if out is not None:
                    for j in changed:
                        if j in zeros or values[j] == 0.0:  # (rare: a zero given or changed)
                            zeros = tuple(i for i in zeros if i not in changed) + tuple(
                                i for i in changed if values[i] == 0.0)
                            break
                    last[0] = (values, mp, mn, F, zeros, out[0], pos, neg, materials)  # (F: never changed again)
                return out
        res = fn(values, mp[1], mn[1])
        if res is None or res[1] is None:
            return None
        last[0] = (values, mp, mn, res[0], tuple(compress(positions, map(eq, values, repeat(0.0)))), res[1][0],
                   pos, neg, materials)
        return res[1]

    def read(values: Sequence[Any], pos: str | None, neg: str | None,
             materials: Mapping[str, Material] | None = None) -> tuple[CellDesign, CellDesign] | None:
        if len(values) != n_keys or not set(map(type, values)) <= _FLOAT_OR_NONE:
            return None
        return build(values, pos, neg, materials)

    read.__doc__ = src
    read.build = build  # type: ignore[attr-defined]
    read.edits = edits  # type: ignore[attr-defined]
    return read


_BAD = object()  #: a value the reader does not take (a one-value edit's conversion)
#: the most values of the last design read that a new one may change and be read as an edit of it (else read whole)
_EDIT_MAX = 4
#: the fields :func:`xlcell.cell._neg_thickness_for_np_floats` reads of each electrode (the thickness: the
#: positive's only)
_NP_FIELDS = ("thickness_m", "porosity", "am_frac", "carbon_frac", "binder_frac", "am_density_kg_m3",
              "carbon_density_kg_m3", "binder_density_kg_m3", "specific_capacity_C_kg")
_FLOAT_OR_NONE = frozenset({float, type(None)})


def _material_values(name: Any, role: str,
                     materials: Mapping[str, Material] | None) -> tuple[str, tuple[float, ...], bool] | None:
    """(carrier, the material's values of the fields a blank takes from it, as floats in :func:`_float_plan`'s
    order, whether a design may take every one of them) of the material ``name`` if it is found and has ``role``,
    else None. Kept per material object (materials are frozen)."""
    if type(name) is not str:
        return None
    try:
        m = get_material(name, materials)
    except XlcellError:
        return None
    if m.role != role:
        return None
    hit = _MATERIAL_VALUES.get(id(m))
    if hit is not None and hit[0] is m:
        return hit[1]
    values = tuple(float(getattr(m, f)) for f in _float_plan()[2])
    spec = {s.name: s for s in specs(ElectrodeDesign)}
    out = (m.carrier, values, all(spec[f]._scalar_ok(v) for f, v in zip(_float_plan()[2], values)))
    if len(_MATERIAL_VALUES) >= 256:
        _MATERIAL_VALUES.clear()
    _MATERIAL_VALUES[id(m)] = (m, out)  # (m kept with it: its id is not reused meanwhile)
    return out


_MATERIAL_VALUES: dict[int, tuple[Material, tuple[str, tuple[float, ...], bool]]] = {}


def _si(spec: ParamSpec, display: float | None) -> float:
    """A default in SI as a number (a blank default: NaN, 'not given')."""
    return np.nan if display is None else float(spec.to_si(display))


def _given(v: Any) -> np.ndarray:
    return ~np.isnan(np.asarray(v, dtype=float))


def _with_default(vals: Mapping[str, Any], key: str, spec: ParamSpec, default_si: Any) -> Any:
    """The SI value of ``key``: the given one, the default where it is missing or NaN (a blank cell)."""
    if key not in vals:
        return default_si
    v = vals[key]
    if type(v) is float:  # one number: the same IEEE operations as the array path, without numpy's overhead
        _, scale, offset = UNITS[spec.unit]
        x = v if scale == 1.0 and offset == 0.0 else v * scale + offset
        return default_si if x != x else x
    try:
        given = np.asarray(v, dtype=float)
    except (TypeError, ValueError):  # a text where a number belongs: named, not numpy's message
        raise _not_a_number(key, v) from None
    x = spec.to_si(given)
    blank = np.isnan(x)
    if blank.any():
        x = np.where(blank, default_si, x)
    return x


def _not_a_number(key: str, v: Any) -> InputError:
    """The error for a value of ``key`` that is not a number (the first such element of an array, with its design)."""
    arr = np.asarray(v, dtype=object)
    if arr.ndim == 0:
        return InputError(key, arr.item(), "a number")
    for i, e in enumerate(arr.ravel()):
        try:
            float(e)
        except (TypeError, ValueError):
            return InputError(key, e, "a number", f"design {i + 1}")
    return InputError(key, v, "a number")


def _check_role(names: Any, role: str, key: str, materials: Mapping[str, Material] | None) -> None:
    arr = np.atleast_1d(np.asarray(names, dtype=object)).astype(str)
    for u in np.unique(arr):  # one lookup per distinct name, not per design
        m = get_material(u, materials)
        if m.role != role:
            i = int(np.flatnonzero(arr == u)[0])
            choices = [x.name for x in lookup_order(materials) if x.role == role]
            raise InputError(key, str(u), f"a {role}-electrode material ({', '.join(choices)})",
                             f"design {i + 1}" if arr.size > 1 else None)


def _check_carrier(pos: Any, neg: Any, materials: Mapping[str, Material] | None) -> None:
    """A cell's two electrodes must exchange the same ion: a sodium-ion positive against a lithium-ion negative (or
    the reverse) is refused, naming ``neg_material`` and the negatives that carry the positive's ion."""
    if isinstance(pos, str) and isinstance(neg, str) and \
            get_material(pos, materials).carrier == get_material(neg, materials).carrier:
        return  # one pairing, the same ion (the common case, without numpy)
    p, n = np.broadcast_arrays(np.atleast_1d(np.asarray(pos, dtype=object)).astype(str),
                               np.atleast_1d(np.asarray(neg, dtype=object)).astype(str))
    pairs = sorted(set(zip(p.ravel().tolist(), n.ravel().tolist())))  # one lookup per distinct pairing
    for pu, nu in pairs:
        cp, cn = get_material(pu, materials).carrier, get_material(nu, materials).carrier
        if cp != cn:
            i = int(np.flatnonzero((p.ravel() == pu) & (n.ravel() == nu))[0])
            choices = [x.name for x in lookup_order(materials) if x.role == "negative" and x.carrier == cp]
            raise InputError("neg_material", nu, f"a negative that exchanges {cp} ions like the positive {pu} "
                             f"({', '.join(choices)})", f"design {i + 1}" if p.size > 1 else None)


def canonical_key(name: Any) -> str:
    """The design key spelled as in :func:`design_keys` for a case-insensitive ``name``.

    Raises
    ------
    UnknownKeyError
        ``name`` is not a design key (the message suggests close keys).

    Parameters
    ----------
    name : object
        A design key in any case, with or without surrounding blanks (e.g. ``"POS_Porosity "``).
    """
    canon = _canonical()
    try:
        return canon[str(name).strip().lower()]
    except KeyError:
        raise UnknownKeyError(str(name), list(canon.values()), what="design key") from None


@lru_cache(maxsize=1)
def _canonical() -> dict[str, str]:
    return {k.key.lower(): k.key for k in _design_keys()}


def text_keys() -> set[str]:
    """Keys whose values are text (material names)."""
    return set(MATERIAL_KEYS)
