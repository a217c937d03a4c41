"""evaluate_cell(metrics=...): only the asked metrics, each identical (bitwise) to the full evaluation's; a design is
validated once per call (resolve marks what it returns) and whatever metrics are asked."""
import dataclasses

import numpy as np
import pytest

from xlcell.cell import (CellMetrics, _METRIC_GROUP, default_design, evaluate_cell, is_resolved, metric_group,
                         metric_names, resolve)
from xlcell.errors import InputError, UnknownKeyError
from xlcell.formats import cell_format
from xlcell.params import specs

ALL = [f.name for f in dataclasses.fields(CellMetrics)]


def population(n=64, seed=3):
    """Designs that spread over the rate model's regimes (thin and thick coatings, slow and fast rates)."""
    rng = np.random.default_rng(seed)
    d = default_design()
    return dataclasses.replace(
        d, pos=dataclasses.replace(d.pos, thickness_m=rng.uniform(40e-6, 220e-6, n), porosity=rng.uniform(0.18, 0.45, n)),
        neg=dataclasses.replace(d.neg, particle_radius_m=rng.uniform(2e-6, 12e-6, n)), c_rate_per_h=rng.uniform(0.2, 5, n))


def same(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a, b, equal_nan=True)


def test_every_metric_has_one_part_of_the_model():
    assert list(_METRIC_GROUP) == ALL or set(_METRIC_GROUP) == set(ALL)
    assert set(_METRIC_GROUP.values()) == {"chain", "surface", "rate", "pulse"}


@pytest.mark.parametrize("fmt", [None, cell_format("cylindrical")], ids=["pouch", "21700"])
def test_each_metric_alone_is_identical_to_the_full_evaluation(fmt):
    d = population()
    full = evaluate_cell(d, fmt)
    for name in ALL:
        sub = evaluate_cell(d, fmt, metrics=(name,))
        assert sub.computed == (name,)
        assert same(getattr(sub, name), getattr(full, name)), name


def test_groups_and_keys_are_identical_and_hold_only_what_was_asked():
    d = population(32, seed=8)
    full = evaluate_cell(d)
    asked = ["energy_Wh", "max_power_W", "capacity_C", "feasible", "pos_specific_area_cm2_cm3"]
    sub = evaluate_cell(d, metrics=asked)
    names = metric_names(asked)
    assert names == ("energy_J", "max_power_W", "capacity_C", "feasible", "pos_specific_area_1_m")
    assert set(sub.computed) == set(names)
    for n in names:
        assert same(getattr(sub, n), getattr(full, n))
    disp = sub.as_display()
    assert set(disp) == {"energy_Wh", "max_power_W", "capacity_Ah", "feasible", "pos_specific_area_cm2_cm3"}
    for k, v in disp.items():
        assert same(v, full.as_display()[k])
    # a metric not asked for is never a number
    with pytest.raises(AttributeError, match="usable_capacity_fraction was not computed"):
        sub.usable_capacity_fraction
    assert "usable_capacity_fraction" not in repr(sub) and "energy_J" in repr(sub)
    # a whole part of the model: every metric it computes, identical
    group = metric_group("energy_Wh")
    assert "mass_kg" in group and "max_power_W" not in group
    sub = evaluate_cell(d, metrics=group)
    for n in group:
        assert same(getattr(sub, n), getattr(full, n))


def test_one_design_and_the_full_result_is_a_plain_cellmetrics():
    d = default_design()
    full = evaluate_cell(d)
    assert full.computed == tuple(ALL) and len(full.as_display()) == len(specs(CellMetrics))
    assert dataclasses.replace(full, energy_J=full.energy_J).energy_J is full.energy_J  # a complete dataclass
    one = evaluate_cell(d, metrics="energy_Wh")
    assert same(one.energy_J, full.energy_J) and np.shape(one.energy_J) == ()
    # BatPaC 5.0's default cell: 68.18 Ah (the digest's §2.2 capacity), asked alone or with everything
    assert float(evaluate_cell(d, metrics="capacity_Ah").capacity_C) / 3600 == pytest.approx(68.18, rel=1e-3)


def test_unknown_metric_names_the_keys():
    with pytest.raises(UnknownKeyError, match="energy_Wh"):
        evaluate_cell(default_design(), metrics=["energy_kWh"])


def test_inputs_are_validated_whatever_is_asked():
    d = default_design(cutoff_voltage_V=5.0)  # above the open-circuit voltage: no discharge
    for asked in (None, "energy_Wh", "max_power_W"):
        with pytest.raises(InputError, match="cutoff_voltage_V"):
            evaluate_cell(d, metrics=asked)
    bad = dataclasses.replace(default_design(), pos=dataclasses.replace(default_design().pos, porosity=1.2))
    with pytest.raises(InputError, match="pos_porosity"):
        evaluate_cell(bad, metrics="capacity_Ah")


def test_resolve_marks_its_result_and_a_changed_design_is_validated_again():
    d = default_design()
    r = resolve(d)
    assert is_resolved(r) and not is_resolved(d)  # the caller's design is not marked
    assert resolve(r) is r  # validated once: a resolved design passes at once
    assert not np.isnan(r.neg.thickness_m)  # the negative thickness derived from N/P
    changed = dataclasses.replace(r, pos=dataclasses.replace(r.pos, porosity=1.5))
    assert not is_resolved(changed)
    with pytest.raises(InputError, match="pos_porosity"):
        resolve(changed)
    with pytest.raises(InputError, match="pos_porosity"):
        evaluate_cell(changed, metrics="energy_Wh")
    # the same numbers from a resolved and an unresolved design
    assert same(evaluate_cell(r).energy_J, evaluate_cell(d).energy_J)


def test_scalar_check_agrees_with_the_array_check():
    """ParamSpec.check's scalar path (no numpy) refuses exactly what the array path refuses."""
    for s in specs(type(default_design().pos)) + specs(type(default_design())):
        for x in (-1.0, 0.0, 1e-300, 1e-6, 0.5, 1.0, 1.5, 100.0, 1e4, float("nan"), float("inf"), -float("inf")):
            si = float(s.to_si(x))
            scalar_ok = True
            try:
                s.check(si)
            except InputError:
                scalar_ok = False
            try:
                s.check(np.array([si, si]))
                array_ok = True
            except InputError:
                array_ok = False
            assert scalar_ok == array_ok, (s.key, x)


def test_whole_object_check_names_the_same_field_as_the_field_by_field_check():
    """validate()'s vectorised check of an object of numbers agrees with ParamSpec.check of each field in order."""
    from xlcell.params import validate

    base = resolve(default_design())
    for obj, prefix in ((base.pos, "pos_"), (base.sep, "sep_"), (base, "")):
        fields_ = specs(obj)
        plain = dataclasses.replace(obj, **{s.name: float(np.asarray(getattr(obj, s.name))) for s in fields_})
        validate(plain, prefix)  # the default design is allowed
        for s in fields_:
            for x in (-1.0, 0.0, 1.0, 1e9, float("nan"), float("inf")):
                bad = dataclasses.replace(plain, **{s.name: float(s.to_si(x))})
                expected = None
                for t in fields_:
                    try:
                        t.check(np.asarray(getattr(bad, t.name)), prefix + t.key)
                    except InputError as exc:
                        expected = str(exc)
                        break
                try:
                    validate(bad, prefix)
                    got = None
                except InputError as exc:
                    got = str(exc)
                assert got == expected, (s.key, x)
