"""The float fast paths of a new design (issue 15, item 1): ``design_from_mapping`` of an all-float mapping builds the
dataclasses directly, and ``resolve`` derives one negative thickness from N/P in plain float arithmetic. Both must
give exactly what the general (numpy) paths give: the same floats bit for bit, the same instances, the same errors."""
from __future__ import annotations

import math
import pickle
import struct

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import xlcell.cell as cell
import xlcell.design as design
from xlcell.cell import neg_thickness_for_np, resolve
from xlcell.design import design_from_mapping, design_keys
from xlcell.errors import XlcellError
from xlcell.materials import LIBRARY


def _bits(x) -> bytes:
    return struct.pack("<d", float(x))


def _general(values, materials=None):
    """design_from_mapping without its float fast path."""
    saved = design._from_floats
    design._from_floats = lambda v, m: None
    try:
        return design_from_mapping(values, materials)
    finally:
        design._from_floats = saved


def _outcome(f, *args):
    try:
        return "ok", pickle.dumps(f(*args))  # the same fields, the same floats, the same __dict__ order
    except XlcellError as exc:
        return type(exc).__name__, str(exc)


NUMERIC = [k for k in design_keys() if k.spec is not None]
POSITIVES = [m.name for m in LIBRARY.values() if m.role == "positive"]
NEGATIVES = [m.name for m in LIBRARY.values() if m.role == "negative"]


def _random_mapping(rng: np.random.Generator) -> dict:
    """A Design range as the UDFs hand it over: a random subset of the keys, display values as floats (in range, out
    of range, blank NaN), library materials (any pairing: a wrong carrier too)."""
    values = {}
    for k in NUMERIC:
        if rng.random() < 0.5:
            continue
        s = k.spec
        lo = s.gt if s.gt is not None else s.ge if s.ge is not None else 0.0
        hi = s.lt if s.lt is not None else s.le if s.le is not None else (lo + 1.0) * 10.0
        v = float(lo + (hi - lo) * rng.random()) if math.isfinite(hi - lo) else float(rng.random())
        r = rng.random()
        values[k.key] = math.nan if r < 0.05 else float(lo) if r < 0.07 else v
    if rng.random() < 0.8:
        values["pos_material"] = str(rng.choice(POSITIVES))
    if rng.random() < 0.8:
        values["neg_material"] = str(rng.choice(NEGATIVES))
    return values


def test_from_floats_is_the_general_path_on_random_mappings():
    rng = np.random.default_rng(20261203)
    fast = 0
    for _ in range(600):
        values = _random_mapping(rng)
        if "neg_thickness_um" in values and "np_ratio" in values and rng.random() < 0.7:
            del values["np_ratio"]  # mostly a design the general path accepts
        fast += design._from_floats(values, None) is not None
        assert _outcome(design_from_mapping, values) == _outcome(_general, values), values
    assert fast > 300  # the fast path did the work (the rest: both thicknesses, a sodium/lithium pairing)


@pytest.mark.parametrize("values", [
    {"pos_thickness_um": 100.0, "POS_POROSITY": 0.3},  # another spelling
    {"pos_thikness_um": 100.0},  # an unknown key
    {"neg_thickness_um": 90.0, "np_ratio": 1.2},  # both
    {"neg_thickness_um": math.nan, "np_ratio": 1.2},  # a blank thickness beside the ratio
    {"pos_material": "Graphite"},  # a negative as the positive
    {"neg_material": "Unobtainium"},
    {"pos_material": "NFM", "neg_material": "Graphite"},  # sodium against lithium
    {"pos_material": "nmc622", "pos_porosity": 0.31},  # a name in another case
    {"pos_porosity": 1.5},  # out of range: built, refused by resolve
    {"pos_thickness_um": 100},  # an int: the general path
    {"pos_thickness_um": np.array([100.0, 120.0])},
    {"pos_thikness_um": 100.0, "neg_material": "Unobtainium"},  # which error comes first
    {"pos_material": "Graphite", "neg_material": "Unobtainium"},
])
def test_from_floats_edge_cases(values):
    assert _outcome(design_from_mapping, values) == _outcome(_general, values)
    assert _outcome(lambda v: resolve(design_from_mapping(v)), values) == \
        _outcome(lambda v: resolve(_general(v)), values)


def test_user_materials_table():
    lib = LIBRARY["NMC811"]
    import dataclasses

    mine = {"MYNMC": dataclasses.replace(lib, name="MyNMC", specific_capacity_C_kg=700e3)}
    values = {"pos_material": "MyNMC", "pos_thickness_um": 80.0}
    assert design._from_floats(values, mine) is not None
    assert _outcome(design_from_mapping, values, mine) == _outcome(_general, values, mine)


# the negative thickness of one design from N/P: plain floats against numpy

_FIELDS = ("porosity", "am_frac", "carbon_frac", "binder_frac", "am_density_kg_m3", "carbon_density_kg_m3",
           "binder_density_kg_m3", "specific_capacity_C_kg")


def _design(pos: dict, neg: dict, np_ratio: float, l_pos: float):
    import dataclasses

    base = cell.default_design()
    return dataclasses.replace(base, np_ratio=np_ratio, pos=dataclasses.replace(base.pos, thickness_m=l_pos, **pos),
                               neg=dataclasses.replace(base.neg, thickness_m=math.nan, **neg))


def test_neg_thickness_plain_floats_bit_identical_on_random_designs():
    rng = np.random.default_rng(15)
    n = 20000
    for i in range(n):
        def electrode():
            w = rng.dirichlet([20.0, 1.0, 1.0]) if i % 3 else rng.random(3)  # fractions summing to 1, or anything
            return dict(porosity=float(rng.uniform(0.0, 0.9)), am_frac=float(w[0]), carbon_frac=float(w[1]),
                        binder_frac=float(w[2]), am_density_kg_m3=float(10 ** rng.uniform(2.5, 4)),
                        carbon_density_kg_m3=float(10 ** rng.uniform(2.5, 4)),
                        binder_density_kg_m3=float(10 ** rng.uniform(2.5, 4)),
                        specific_capacity_C_kg=float(10 ** rng.uniform(4.5, 6.5)))
        d = _design(electrode(), electrode(), float(rng.uniform(0.5, 2.0)), float(10 ** rng.uniform(-6, -3)))
        fast = cell._neg_thickness_for_np_one(d)
        assert type(fast) is float
        assert _bits(fast) == _bits(neg_thickness_for_np(d.pos, d.neg, d.np_ratio)), d


@settings(max_examples=500, deadline=None)
@given(st.lists(st.floats(min_value=1e-300, max_value=1e300), min_size=18, max_size=18))
def test_neg_thickness_plain_floats_bit_identical_at_any_magnitude(x):
    # any positive floats (overflow to inf, underflow to 0, inf/inf = NaN): the same bits, or the numpy path
    pos = dict(zip(_FIELDS, x[:8]))
    neg = dict(zip(_FIELDS, x[8:16]))
    pos["porosity"], neg["porosity"] = pos["porosity"] % 1.0, neg["porosity"] % 1.0
    d = _design(pos, neg, x[16], x[17])
    with np.errstate(all="ignore"):
        ref = neg_thickness_for_np(d.pos, d.neg, d.np_ratio)
    fast = cell._neg_thickness_for_np_one(d)
    assert fast is None or _bits(fast) == _bits(ref)


def test_resolve_scalar_design_same_as_numpy_path():
    # the resolved design (thickness included, a 0-d array as before) through the plain-float derivation or numpy
    rng = np.random.default_rng(3)
    saved = cell._neg_thickness_for_np_one
    for _ in range(200):
        values = {"pos_thickness_um": float(rng.uniform(40, 200)), "np_ratio": float(rng.uniform(1.0, 1.3)),
                  "neg_porosity": float(rng.uniform(0.2, 0.4)), "pos_porosity": float(rng.uniform(0.2, 0.4))}
        fast = resolve(design_from_mapping(values))
        cell._neg_thickness_for_np_one = lambda d: None
        try:
            slow = resolve(design_from_mapping(values))
        finally:
            cell._neg_thickness_for_np_one = saved
        assert type(fast.neg.thickness_m) is np.ndarray and fast.neg.thickness_m.ndim == 0
        assert pickle.dumps(fast) == pickle.dumps(slow)


# a Design range's values built and checked in one pass (design_reader) against design_from_mapping + resolve

def _built(values, materials=None):
    """(design_from_mapping, resolve of it) of ``values`` (None: a blank, left out), by the general path."""
    d = _general({k: v for k, v in values.items() if v is not None}, materials)
    return d, resolve(d)


def _read_and_compare(keys, values, materials=None, complete=True) -> bool:
    """``design_reader(keys)`` of ``values`` (numbers by key, None for a blank; the two material names) against the
    general path: the same two instances, pickled (same floats, bit for bit, same ``__dict__`` order, the resolved
    mark and the derived thickness's 0-d array), wherever the reader takes the design; and it takes every design the
    general path accepts that has no NaN, not both ``neg_thickness_um`` and ``np_ratio``, no salt diffusivity law
    and no conductivity law (any coefficient not 0). True if it took it."""
    nums = tuple(values.get(k) for k in keys)
    out = design.design_reader(keys)(nums, values.get("pos_material"), values.get("neg_material"), materials)
    ref = _outcome(_built, values, materials)
    if out is not None:
        assert ref == ("ok", pickle.dumps(out)), values
        return True
    nan = any(v != v for v in nums if v is not None)
    both = values.get("neg_thickness_um") is not None and values.get("np_ratio") is not None
    law = any(values.get(k) not in (None, 0.0)  # checked by the general path
              for k in cell._SALT_LAW_FIELDS + cell._CONDUCTIVITY_LAW_FIELDS)
    assert ref[0] != "ok" or nan or both or law or not complete, (values, ref)
    return False


def test_the_reader_is_the_general_path_on_random_designs():
    rng = np.random.default_rng(20261203)
    keys_all = [k.key for k in NUMERIC]
    taken = 0
    for i in range(1700):
        values = _random_mapping(rng)
        if "neg_thickness_um" in values and "np_ratio" in values and rng.random() < 0.7:
            del values["np_ratio"]
        if rng.random() < 0.7:  # mostly no salt diffusivity or conductivity law (checked by the general path)
            values.update(dict.fromkeys(cell._SALT_LAW_FIELDS + cell._CONDUCTIVITY_LAW_FIELDS, 0.0))
        for e in ("pos_", "neg_"):  # mostly the material's OCV curve (random nodes mostly turn back: both refuse)
            if rng.random() < 0.7:
                for k in cell.OCV_NODE_KEYS:
                    values.pop(e + k, None)
        keys = list(rng.permutation(keys_all)[: int(rng.integers(1, len(keys_all) + 1))])  # a range's rows
        for k in keys:
            if k not in values and rng.random() < 0.5:
                values[k] = None  # a blank cell
        values = {k: v for k, v in values.items() if k in keys or k.endswith("_material")}
        taken += _read_and_compare(keys, values)
    assert taken > 150  # the reader did the work (the rest, refused by both: mostly mass fractions that do not sum
    # to 1; NaN; both thicknesses)


def test_the_reader_on_the_template_and_user_materials():
    lib = LIBRARY["NMC811"]
    import dataclasses

    mine = {"MYNMC": dataclasses.replace(lib, name="MyNMC", specific_capacity_C_kg=700e3),
            "MYGR": dataclasses.replace(LIBRARY["GRAPHITE"], name="MyGr", role="positive")}
    keys = [k.key for k in NUMERIC]
    base = {k.key: (None if k.default is None else float(k.default)) for k in NUMERIC}
    assert _read_and_compare(keys, base)
    assert _read_and_compare(keys, {**base, "pos_material": "MyNMC"}, mine)
    assert _read_and_compare(keys, {**base, "pos_material": " mynmc "}, mine)
    for bad in ({"neg_material": "MyGr"}, {"pos_material": "Graphite"}, {"neg_material": "Unobtainium"},
                {"pos_material": "NFM"}, {"pos_porosity": 1.5}, {"pos_am_frac": 0.5}, {"np_ratio": -1.0},
                {"neg_thickness_um": 90.0, "np_ratio": 1.2}, {"pos_potential_V": 0.05}, {"avg_voltage_V": math.nan}):
        assert not _read_and_compare(keys, {**base, **bad}, mine), bad
    odd = dataclasses.replace(lib, name="MyOdd")
    object.__setattr__(odd, "particle_radius_m", -1.0)  # a value a design may not take: refused where it is used
    mine["MYODD"] = odd
    assert not _read_and_compare(keys, {**base, "pos_material": "MyOdd"}, mine)
    # (given, the design may take the material: the general path builds it; the reader leaves such a material to it)
    assert not _read_and_compare(keys, {**base, "pos_material": "MyOdd", "pos_particle_radius_um": 5.0}, mine,
                                 complete=False)
    assert _outcome(_built, {**base, "pos_material": "MyOdd", "pos_particle_radius_um": 5.0}, mine)[0] == "ok"
    assert _read_and_compare(keys, {**base, "neg_thickness_um": 90.0, "np_ratio": None})
    assert _read_and_compare(keys, {**base, "pos_potential_V": 0.05, "avg_voltage_V": 3.0})
    # another type, another length: not taken
    read = design.design_reader(keys)
    nums = tuple(base[k] for k in keys)
    assert read(nums, None, None) is not None
    assert read(nums[:-1], None, None) is None
    assert read((100,) + nums[1:], None, None) is None
    assert read((np.float64(100.0),) + nums[1:], None, None) is None
    assert design.design_reader(keys + keys[:1])(nums + nums[:1], None, None) is None  # a repeated key


_ANY_FLOAT = st.one_of(st.none(), st.floats(), st.floats(-1e3, 1e4), st.floats(0.0, 1.0))


@settings(max_examples=300, deadline=None)
@given(st.fixed_dictionaries({k.key: _ANY_FLOAT for k in NUMERIC}), st.sampled_from(POSITIVES + [None]),
       st.sampled_from(NEGATIVES + [None]))
def test_the_reader_is_the_general_path_on_any_floats(values, pos, neg):
    values = {**values, "pos_material": pos, "neg_material": neg}
    _read_and_compare([k.key for k in NUMERIC], values)


# a one-value edit of the last design read (a user's edit of the Design sheet): that value converted and checked alone

def _edits(rng: np.random.Generator, n: int) -> list[dict]:
    """``n`` designs of the template's keys, each the one before with a few values changed: one kept (in range), and
    0-3 for that design only (in range, out of range, blank, NaN, infinite, a zero of either sign); now and then
    another material, both thicknesses, a salt diffusivity or conductivity law, or blank OCV curve nodes."""
    keys = [k.key for k in NUMERIC]
    spec = {k.key: k.spec for k in NUMERIC}
    base = {k.key: (None if k.default is None else float(k.default)) for k in NUMERIC}

    def value(k: str, wild: bool) -> float | None:
        s = spec[k]
        lo = s.gt if s.gt is not None else s.ge if s.ge is not None else 0.0
        hi = s.lt if s.lt is not None else s.le if s.le is not None else (lo + 1.0) * 10.0
        inside = float(lo + (hi - lo) * rng.random()) if math.isfinite(hi - lo) else float(rng.random()) * 10
        r = rng.random() if wild else 1.0
        return (None if r < 0.15 else base[k] if r < 0.25 else 0.0 if r < 0.35 else -0.0 if r < 0.45 else
                math.nan if r < 0.5 else math.inf if r < 0.52 else inside)

    free = [k for k in keys if not k.endswith(("_frac", "thickness_um")) and k != "np_ratio"
            and k not in cell._SALT_LAW_FIELDS + cell._CONDUCTIVITY_LAW_FIELDS
            and not any(k.endswith(o) for o in cell.OCV_NODE_KEYS)]
    out, cur = [], dict(base)
    for _ in range(n):
        if rng.random() < 0.9:
            k = str(rng.choice(free))
            cur[k] = value(k, False) if rng.random() < 0.8 else None
        else:
            k = str(rng.choice(["pos_thickness_um", "np_ratio"]))
            cur[k] = value(k, False)
        this = dict(cur)
        for k in rng.choice(keys, size=int(rng.integers(0, 4)), replace=False):
            this[k] = value(str(k), True)
        if rng.random() < 0.05:
            this["pos_material"] = str(rng.choice(POSITIVES))
        if rng.random() < 0.03:
            this["neg_material"] = str(rng.choice(NEGATIVES))
        out.append(this)
    return out


def test_one_value_edits_read_as_the_general_path():
    keys = [k.key for k in NUMERIC]
    read = design.design_reader(keys)
    before = read.edits[0]
    taken = 0
    for values in _edits(np.random.default_rng(151203), 1500):
        taken += _read_and_compare(keys, values)
    # (338 taken, 348 read as an edit: the rest changed too many values, or a material, or follow a design refused)
    assert taken > 250 and read.edits[0] - before > 250
    # a zero of the other sign is another value: the design keeps the sign it was given, as the general path does
    base = {k.key: (None if k.default is None else float(k.default)) for k in NUMERIC}
    for k in ("pos_binder_blinding", "salt_diffusivity_linear", "neg_binder_blinding", "transference_number"):
        for v in (0.0, -0.0, 0.0, 0.0, -0.0, -0.0):
            _read_and_compare(keys, {**base, k: v})


@settings(max_examples=300, deadline=None)
@given(st.sampled_from([k.key for k in NUMERIC]), _ANY_FLOAT, st.sampled_from([k.key for k in NUMERIC]), _ANY_FLOAT)
def test_an_edit_of_any_float_reads_as_the_general_path(k1, v1, k2, v2):
    keys = [k.key for k in NUMERIC]
    base = {k.key: (None if k.default is None else float(k.default)) for k in NUMERIC}
    assert _read_and_compare(keys, base)  # the design the edits start from
    _read_and_compare(keys, {**base, k1: v1})
    _read_and_compare(keys, {**base, k1: v1, k2: v2})
