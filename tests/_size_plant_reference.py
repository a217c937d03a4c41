"""The plant sizing and plant share as they were before issue 15's step-by-step rewrite (whole ``S + (K,)`` arrays:
a stack of the drivers, three index gathers, one log and three powers per step), kept verbatim as the reference that
tests/test_factory_sizing.py holds :func:`xlcell.factory.size_plant` and :func:`xlcell.cost.plant_share` to."""
from __future__ import annotations

from typing import Any

import numpy as np

from xlcell.factory import DRIVERS, Plant, StepResults, StepTable, littles_law_wip
from xlcell.params import specs
from xlcell.units import from_display

Array = Any


def plant_share_reference(steps: StepResults, share: Array) -> tuple[Array, Array, Array, Array]:
    share = np.asarray(share, dtype=float)
    bld = steps.building
    labor_s = np.sum(share * steps.labor_s, axis=-1)
    area = np.sum(share * steps.area_m2, axis=-1)
    total_area = np.sum(steps.area_m2, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        area_share = np.where(total_area > 0, area / total_area, 0.0)
    capex = np.sum(share * steps.capex_usd * (1.0 - bld), axis=-1) + np.sum(bld * steps.capex_usd, axis=-1) * area_share
    energy_use = np.sum(share * steps.energy_J, axis=-1)
    return labor_s, capex, area, energy_use


def size_plant_reference(
    drivers: dict[str, Array],
    capacity_C: Array,
    table: StepTable,
    plant: Plant,
    *,
    machines: bool = True,
) -> tuple[StepResults, np.ndarray]:
    t = table.columns
    k = len(table)
    dkeys = list(DRIVERS)
    shape = np.broadcast_shapes(*[np.shape(v) for v in drivers.values()], np.shape(capacity_C),
                                *[np.shape(getattr(plant, s.name)) for s in specs(plant)])
    D = np.stack([np.broadcast_to(np.asarray(drivers[key], dtype=float), shape) for key in dkeys], axis=-1)
    idx = np.array([dkeys.index(d) for d in t["driver"]])
    midx = np.array([dkeys.index(m or d) for m, d in zip(t["machine_driver"], t["driver"])])
    eidx = np.array([dkeys.index(e or d) for e, d in zip(t["energy_driver"], t["driver"])])
    drv = D[..., idx]  # S + (K,)
    mdrv = D[..., midx]
    edrv = D[..., eidx]

    def ex(x: Array) -> np.ndarray:  # plant-level (S) -> S + (1,)
        return np.asarray(x, dtype=float)[..., None]

    hours_s = ex(from_display(plant.operating_days * plant.hours_per_day, "h"))
    rate = t["units_per_cycle"] / t["cycle_time_s"]  # units/s per machine
    has_m = np.isfinite(rate)
    cap_per_machine = np.where(has_m, rate * t["oee"], np.nan) * hours_s  # units/yr per machine
    demand = mdrv
    fixed = np.isfinite(t["machines"]) & has_m
    drv_nominal, mdrv_nominal = drv, mdrv  # the rate the plant is built for
    if np.any(fixed):
        with np.errstate(invalid="ignore", divide="ignore"):
            worst = np.max(np.where(fixed, demand / (t["machines"] * cap_per_machine), 0.0), axis=-1)
        out = 1.0 / np.maximum(worst, 1.0)
        drv = drv * out[..., None]
        mdrv = mdrv * out[..., None]
        edrv = edrv * out[..., None]
        demand = mdrv
    else:
        out = np.ones(shape)
    # stranded capital: equipment and floor area installed for the nominal rate, whatever the bottleneck lets through
    stranded = ex(plant.stranded_capital) > 0.5
    count = machines or np.any(stranded) or np.any(plant.machine_sizing > 0.5)
    with np.errstate(invalid="ignore", divide="ignore"):
        if count:
            needed = np.where(has_m, np.where(fixed, t["machines"], np.maximum(np.ceil(demand / cap_per_machine - 1e-9), 1.0)),
                              np.nan)  # machines the actual output needs (their operators)
            built = np.where(has_m, np.where(fixed, t["machines"],
                                             np.maximum(np.ceil(mdrv_nominal / cap_per_machine - 1e-9), 1.0)), np.nan)
            installed = np.where(stranded, built, needed)
            utilisation = np.where(has_m, demand / (installed * cap_per_machine), np.nan)
        else:  # not asked for, and nothing else reads them
            installed = utilisation = np.full((), np.nan)

    r = drv / t["baseline"]
    # capital and area: a fixed-count step has what its machines can make, the others what the nominal rate needs
    strand = np.any(stranded & ~fixed)
    r_installed = np.where(stranded & ~fixed, drv_nominal, drv) / t["baseline"] if strand else r
    days = ex(plant.baseline_days / plant.operating_days)
    dfac = np.where(t["days_factor"] > 0.5, days, 1.0)
    # extra factors
    cap_ratio = ex(np.asarray(capacity_C, dtype=float) / plant.baseline_capacity_C)
    with np.errstate(invalid="ignore", divide="ignore"):
        s_pos = ex(drivers["nmp_kg"] / drivers["pos_area_m2"] / plant.baseline_pos_solvent_kg_m2)
        s_neg = ex(drivers["water_kg"] / drivers["neg_area_m2"] / plant.baseline_neg_solvent_kg_m2)
    mpp = ex(plant.modules_per_pack / plant.baseline_modules_per_pack)
    base = {"": None, "pos_solvent_per_area": s_pos, "neg_solvent_per_area": s_neg, "capacity": cap_ratio,
            "formation_capacity": cap_ratio, "modules_per_pack": mpp}
    with np.errstate(divide="ignore", invalid="ignore"):
        lr = np.log(r)
        lr_installed = np.log(r_installed) if strand else lr
        labor = t["labor0_s"] * np.exp(t["labor_exp"] * lr)
        capex = t["capex0_usd"] * dfac * np.exp(t["capex_exp"] * lr_installed)
        area = t["area0_m2"] * dfac * np.exp(t["area_exp"] * lr_installed)
        if np.any(plant.machine_sizing > 0.5):
            # machine route: per-machine values calibrated at BatPaC's baseline (fractional machine count)
            mbase = np.where(np.isfinite(t["machine_baseline"]), t["machine_baseline"], t["baseline"])
            n_base = mbase / (t["oee"] * rate * ex(from_display(plant.baseline_days * 24.0, "h")))
            use_m = has_m & (ex(plant.machine_sizing) > 0.5)
            labor = np.where(use_m, needed * t["labor0_s"] / n_base, labor)
            capex = np.where(use_m, installed * t["capex0_usd"] / n_base * dfac, capex)
            area = np.where(use_m, installed * t["area0_m2"] / n_base * dfac, area)
    full = np.broadcast_shapes(shape + (k,), np.shape(labor), np.shape(capex), np.shape(area))
    res_arr = {"L": np.broadcast_to(labor, full).copy(), "C": np.broadcast_to(capex, full).copy(),
               "A": np.broadcast_to(area, full).copy()}
    for j, (kind, on) in enumerate(zip(t["extra"], t["extra_on"])):  # a few steps carry extra factors
        if not kind:
            continue
        f = np.broadcast_to(base[kind], shape + (1,))[..., 0] ** np.asarray(t["extra_exp"])[..., j]
        if has_m[..., j].any():  # the machine route sizes this step from its cycle time instead
            f = np.where(plant.machine_sizing > 0.5, 1.0, f)
        for key in on.upper():
            res_arr[key][..., j] *= f
        if kind == "formation_capacity":
            big = np.asarray(capacity_C, dtype=float) > plant.large_cell_C
            res_arr["C"][..., j] *= np.where(big & (plant.machine_sizing <= 0.5), plant.large_cell_capex_factor, 1.0)
    labor, capex, area = res_arr["L"], res_arr["C"], res_arr["A"]

    # Little's law in cell equivalents: cells built per second × time in the step (the flow entering the
    # cell steps, rejects included: see the module docstring)
    if count:
        cells_rate = ex(np.broadcast_to(drivers["cells_built"], shape)) * ex(out) / hours_s
        wip = np.where(has_m, littles_law_wip(cells_rate, t["cycle_time_s"]), np.nan)
    else:
        wip = np.full((), np.nan)
    energy = t["energy_J_per_unit"] * edrv  # per unit of the energy driver (the solvent evaporated for drying)

    def bc(x: Array) -> np.ndarray:
        return np.broadcast_to(np.asarray(x, dtype=float), np.broadcast_shapes(full, np.shape(x)))

    res = StepResults(
        names=tuple(t["name"]), driver=bc(drv), ratio=bc(r), labor_s=bc(labor), capex_usd=bc(capex), area_m2=bc(area),
        machines=bc(installed), utilisation=bc(utilisation), wip_cells=bc(wip), energy_J=bc(energy),
        cell_share=bc(t["cell_share"]), building=bc(t["building"]), driver_units=tuple(DRIVERS[d][1] for d in t["driver"]),
    )
    return res, out
