"""Issue 15: :func:`xlcell.factory.size_plant` sizes step by step (each distinct driver's ratio, log and power computed
once, each step's column contiguous) and :func:`xlcell.cost.plant_share` sums the steps in their order; held to the
whole-array implementation they replaced (tests/_size_plant_reference.py): every step result bit for bit, the plant
shares within 1e-12 relative (the order of a sum over 25 steps may differ in the last bit), on the default plant and
on every branch (fixed machine counts, stranded capital, the machine route, plant fields and step columns as arrays,
scalar drivers)."""
from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from _size_plant_reference import plant_share_reference, size_plant_reference  # noqa: E402

from xlcell.cell import default_design  # noqa: E402
from xlcell.cost import Factory, cost_details, plant_share  # noqa: E402
from xlcell.factory import StepTable, size_plant  # noqa: E402


def _drivers(n: int, seed: int = 1):
    """The annual drivers and capacities of ``n`` designs (thickness and porosity spread), from the cost model."""
    rng = np.random.default_rng(seed)
    d = default_design()
    d = dataclasses.replace(d, pos=dataclasses.replace(d.pos, thickness_m=rng.uniform(40e-6, 160e-6, n),
                                                       porosity=rng.uniform(0.2, 0.45, n)))
    det = cost_details(d)
    return det.drivers, det.metrics.capacity_C


def _cases():
    drivers, cap = _drivers(300)
    fac = Factory()
    table, plant = fac.steps, fac.plant
    cols = dict(table.columns)
    rate = np.asarray(cols["units_per_cycle"]) / np.asarray(cols["cycle_time_s"])
    machines = np.array(cols["machines"], dtype=float)
    machines[np.flatnonzero(np.isfinite(rate))[:2]] = [3.0, 1.0]  # two steps with a fixed machine count
    fixed = StepTable({**cols, "machines": machines})
    n = 5
    few = {k: v[:n] for k, v in drivers.items()}
    m = np.array([[0.5], [1.0], [2.0]])
    sens = StepTable({**cols, "baseline": np.asarray(cols["baseline"]) * m, "labor_exp": np.asarray(cols["labor_exp"]) + 0.05 * m,
                      "days_factor": np.broadcast_to(np.asarray(cols["days_factor"]), (3, len(table))).copy()})
    return {
        "default": (drivers, cap, table, plant, False),
        "with machines": (drivers, cap, table, plant, True),
        "fixed machines": (drivers, cap, fixed, plant, False),
        "fixed machines, counted": (drivers, cap, fixed, plant, True),
        "stranded capital": (drivers, cap, fixed, dataclasses.replace(plant, stranded_capital=1.0), False),
        "machine route": (drivers, cap, table, dataclasses.replace(plant, machine_sizing=1.0), False),
        "plant fields as arrays": (few, cap[:n], fixed, dataclasses.replace(
            plant, operating_days=np.linspace(200.0, 350.0, n), stranded_capital=np.array([0.0, 1.0, 0.0, 1.0, 0.0])), False),
        "step columns as arrays": ({k: v[:1] for k, v in drivers.items()}, cap[:1], sens, plant, True),
        "scalar drivers": ({k: float(v[0]) for k, v in drivers.items()}, float(cap[0]), table, plant, False),
    }


CASES = _cases()


@pytest.mark.parametrize("name", list(CASES))
def test_size_plant_is_the_whole_array_sizing_bit_for_bit(name):
    drivers, cap, table, plant, machines = CASES[name]
    got, out = size_plant(drivers, cap, table, plant, machines=machines)
    ref, ref_out = size_plant_reference(drivers, cap, table, plant, machines=machines)
    assert np.array_equal(out, ref_out, equal_nan=True)
    for f in dataclasses.fields(ref):
        a, b = getattr(got, f.name), getattr(ref, f.name)
        if isinstance(b, tuple):
            assert a == b, f.name
            continue
        assert np.shape(a) == np.shape(b), f.name
        assert np.array_equal(a, b, equal_nan=True), f.name
    for level in (got.cell_share, np.asarray(table.columns["module_share"]), np.ones(len(table))):
        for x, y in zip(plant_share(got, level), plant_share_reference(ref, level)):
            assert np.shape(x) == np.shape(y)
            np.testing.assert_allclose(x, y, rtol=1e-12, atol=0)


def test_plant_share_does_not_depend_on_the_memory_layout():
    # the same step results as C-ordered copies: the same sums bit for bit (a block of designs is the population's)
    drivers, cap, table, plant, _ = CASES["default"]
    steps, _ = size_plant(drivers, cap, table, plant, machines=False)
    c_order = dataclasses.replace(steps, **{f: np.ascontiguousarray(getattr(steps, f))
                                            for f in ("labor_s", "capex_usd", "area_m2", "energy_J")})
    for x, y in zip(plant_share(steps, steps.cell_share), plant_share(c_order, c_order.cell_share)):
        assert np.array_equal(x, y)
    half = {k: v[:150] for k, v in drivers.items()}
    part, _ = size_plant(half, cap[:150], table, plant, machines=False)
    for x, y in zip(plant_share(steps, steps.cell_share), plant_share(part, part.cell_share)):
        assert np.array_equal(x[:150], y)


def _plant_share_accumulate(steps, share):
    """plant_share as it was before issue 15's third pass (np.add.accumulate along the steps, every factor
    multiplied): the same additions in the same order, which the new code must give bit for bit."""
    share, bld = np.asarray(share, dtype=float), np.asarray(steps.building, dtype=float)

    def total(*xs):
        prod = np.asarray(xs[0], dtype=float)
        for x in xs[1:]:
            prod = prod * np.asarray(x, dtype=float)
        return np.array(np.add.accumulate(prod, axis=-1)[..., -1])

    labor, area, total_area = total(share, steps.labor_s), total(share, steps.area_m2), total(steps.area_m2)
    with np.errstate(invalid="ignore", divide="ignore"):
        area_share = np.where(total_area > 0, area / total_area, 0.0)
    capex = total(share, steps.capex_usd, 1.0 - bld) + total(bld, steps.capex_usd) * area_share
    return labor, capex, area, total(share, steps.energy_J)


@pytest.mark.parametrize("name", list(CASES))
def test_plant_share_is_the_accumulated_sum_bit_for_bit(name):
    # the factors of 1 left out (x * 1 is x) and the broadcast step rows read as rows: the same numbers, to the bit,
    # for every case and level, and with the share given as a full designs x steps array too
    drivers, cap, table, plant, machines = CASES[name]
    got, _ = size_plant(drivers, cap, table, plant, machines=machines)
    for level in (got.cell_share, np.asarray(table.columns["module_share"]), np.ones(len(table)),
                  np.ascontiguousarray(got.cell_share)):
        for x, y in zip(plant_share(got, level), _plant_share_accumulate(got, level)):
            assert np.shape(x) == np.shape(y)
            assert np.array_equal(x, y, equal_nan=True)


def test_size_plant_without_details_leaves_only_the_drivers_and_ratios_out():
    drivers, cap, table, plant, _ = CASES["fixed machines"]
    full, out = size_plant(drivers, cap, table, plant, machines=False)
    lean, out2 = size_plant(drivers, cap, table, plant, machines=False, details=False)
    assert np.array_equal(out, out2)
    for f in dataclasses.fields(full):
        a, b = getattr(lean, f.name), getattr(full, f.name)
        if f.name in ("driver", "ratio"):
            assert np.shape(a) == np.shape(b) and np.isnan(a).all() and np.isfinite(b).all()
        elif not isinstance(b, tuple):
            assert np.array_equal(a, b, equal_nan=True), f.name


def test_all_steps_at_once_is_the_step_loop_bit_for_bit():
    # BatPaC's table (one number per step in every column the sizing reads) is sized for all steps at once (issue 15:
    # a model call's fixed cost); the same columns as (1, K) rows take the step-by-step loop: the same numbers
    drivers, cap = _drivers(200, seed=4)
    fac = Factory()
    table, plant = fac.steps, fac.plant
    rows = StepTable({k: (np.asarray(v)[None, :] if k in ("baseline", "labor_exp", "capex0_usd", "energy_J_per_unit")
                          else v) for k, v in table.columns.items()})
    for machines in (False, True):
        fast, out = size_plant(drivers, cap, table, plant, machines=machines)
        loop, out2 = size_plant(drivers, cap, rows, plant, machines=machines)
        assert np.array_equal(out, out2)
        for f in ("driver", "ratio", "labor_s", "capex_usd", "area_m2", "energy_J", "machines", "utilisation"):
            a, b = np.asarray(getattr(fast, f)), np.asarray(getattr(loop, f))
            assert np.array_equal(np.broadcast_to(a, b.shape), b, equal_nan=True), f
