"""The one-call check of an all-float dataclass (``params._all_floats_ok``, behind :func:`xlcell.params.validate`)
against the field-by-field :meth:`ParamSpec.check` it stands in for: the same verdict and the same message, on random
values in and out of range (at and next to every bound, NaN, infinities, zeros, unit-converted values) of every field
of every parameter class of xlcell (issue 15, item 1)."""
from __future__ import annotations

import dataclasses
import importlib
import math
import pkgutil

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import xlcell
from xlcell.cell import CellDesign, ElectrodeDesign, SeparatorDesign
from xlcell.errors import InputError
from xlcell.params import ParamSpec, _all_floats_ok, _specs, validate


def _param_classes() -> list[type]:
    """Every dataclass of xlcell whose fields carry :func:`xlcell.params.param` metadata (the design classes first)."""
    out = [ElectrodeDesign, SeparatorDesign, CellDesign]
    for m in pkgutil.iter_modules(xlcell.__path__):
        try:
            mod = importlib.import_module(f"xlcell.{m.name}")
        except ImportError:  # a module of an optional extra that is not installed
            continue
        for obj in vars(mod).values():
            if isinstance(obj, type) and dataclasses.is_dataclass(obj) and obj.__module__.startswith("xlcell") \
                    and obj not in out and _specs(obj):
                out.append(obj)
    return out


CLASSES = _param_classes()


def _display_values(s: ParamSpec) -> st.SearchStrategy[float]:
    """Display-unit values of ``s``: mostly allowed ones, and every kind of edge (each bound and its neighbours,
    NaN, infinities, signed zeros, far outside)."""
    _, _, lo, hi, _, _, _ = s._bounds
    bounds = [b for b in (s.gt, s.ge, s.lt, s.le) if b is not None]
    edges = [math.nan, math.inf, -math.inf, 0.0, -0.0, 1.0, -1.0, 1e308, -1e308, 5e-324]
    for b in bounds:
        edges += [b, math.nextafter(b, math.inf), math.nextafter(b, -math.inf), b * (1 + 1e-12), b - 1.0, b + 1.0]
    inside = st.floats(min_value=max(lo, -1e300), max_value=min(hi, 1e300), allow_nan=False, allow_infinity=False)
    return st.one_of(inside, inside, inside, st.sampled_from(edges))


def _field_by_field(obj, prefix: str = "", skip: tuple[str, ...] = ()) -> str | None:
    """The message of the first field that :meth:`ParamSpec.check` refuses, in field order (None: every field
    allowed): what :func:`validate` did for every instance before the one-call check."""
    for s in _specs(type(obj)):
        if s.name in skip:
            continue
        try:
            s.check(getattr(obj, s.name), prefix + s.key)
        except InputError as exc:
            return str(exc)
    return None


def _instance(cls: type, values: dict[str, float]):
    obj = object.__new__(cls)  # the parameter fields alone (validate reads nothing else)
    obj.__dict__.update(values)
    return obj


def _validate_message(obj, prefix: str = "", skip: tuple[str, ...] = ()) -> str | None:
    try:
        validate(obj, prefix, skip)
    except InputError as exc:
        return str(exc)
    return None


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__qualname__)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_fast_check_agrees_with_the_field_by_field_check(cls, data):
    found = _specs(cls)
    values = {}
    for s in found:
        d = data.draw(_display_values(s), label=s.name)
        values[s.name] = float(s.to_si(d))  # as a model holds it: SI (the check converts back)
    skip = data.draw(st.sampled_from([(), (found[0].name,)]), label="skip")
    obj = _instance(cls, values)
    expected = _field_by_field(obj, "x_", skip)
    assert _all_floats_ok(cls, skip)(values) is (expected is None)
    assert _validate_message(obj, "x_", skip) == expected


@pytest.mark.parametrize("cls", [ElectrodeDesign, SeparatorDesign, CellDesign], ids=lambda c: c.__name__)
@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_design_classes_one_field_out_of_range(cls, data):
    # a valid design with one field (any) set to an edge value: verdict and message as the field-by-field check
    from xlcell.cell import default_design

    base = default_design()
    template = {ElectrodeDesign: base.pos, SeparatorDesign: base.sep, CellDesign: base}[cls]
    values = {s.name: float(getattr(template, s.name)) for s in _specs(cls)}
    s = data.draw(st.sampled_from(_specs(cls)), label="field")
    values[s.name] = float(s.to_si(data.draw(_display_values(s), label=s.name)))
    obj = _instance(cls, values)
    expected = _field_by_field(obj, "pos_")
    assert _all_floats_ok(cls)(values) is (expected is None)
    assert _validate_message(obj, "pos_") == expected


def test_other_types_take_the_field_by_field_path():
    # an array, an int, a numpy scalar, a bool: not the one-call check's; validate answers as the field-by-field check
    from xlcell.cell import default_design

    pos = default_design().pos
    base = {s.name: float(getattr(pos, s.name)) for s in _specs(ElectrodeDesign)}
    cases = [("porosity", np.array([0.3, 1.2])), ("porosity", np.array([0.3, 0.4])), ("porosity", np.float64(1.5)),
             ("porosity", np.float64(0.5)), ("am_frac", 1), ("am_frac", 2), ("porosity", True), ("potential_V", 0)]
    for name, v in cases:
        values = dict(base, **{name: v})
        obj = _instance(ElectrodeDesign, values)
        assert _all_floats_ok(ElectrodeDesign)(values) is False
        assert _validate_message(obj, "neg_") == _field_by_field(obj, "neg_"), (name, v)
    assert _validate_message(_instance(ElectrodeDesign, dict(base, porosity=np.array([0.3, 1.2]))), "neg_") == \
        "neg_porosity = 1.2 (design 2): must be a number between 0 and 1 (exclusive)"


def test_a_refused_design_names_the_same_field_and_value():
    # a design sheet's typical mistake, through resolve: the message a user sees is the field-by-field one
    from xlcell.cell import default_design, resolve

    d = default_design()
    bad = dataclasses.replace(d, pos=dataclasses.replace(d.pos, porosity=1.0))
    with pytest.raises(InputError) as exc:
        resolve(bad)
    assert str(exc.value) == _field_by_field(bad.pos, "pos_")
    assert str(exc.value).startswith("pos_porosity = 1: must be a number between 0 and 1")
