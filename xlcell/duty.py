"""The duty a cell serves: how fast, how deep, how hot and how often it is cycled (issue 17).

A design says what the cell *is*; a :class:`Duty` says how it is *used*. The lifetime, the energy delivered at the
duty's rate, the cost per delivered kWh and the LCOS all read the same duty, so a design evaluated under one duty
gives one consistent set of numbers. Blank (NaN) C-rate and temperature take the design's own ``c_rate`` and
``temperature_C``, so a duty only needs to name what differs from the design's operating point.

Excel passes a duty as (key, value) rows: ``c_rate``, ``dod``, ``temperature_C``, ``cycles_per_year``, ``eol_soh``
(read with :func:`xlcell.params.from_display`).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .params import param

Array = Any

_D = "Duty"


@dataclass(frozen=True, kw_only=True)
class Duty:
    """How a cell is cycled in service (SI; fields broadcast against the designs).

    Defaults: the design's C-rate and temperature, full depth of discharge, one cycle a day, end of life at 80 %
    state of health.
    """

    c_rate_per_h: Array = field(default=np.nan, metadata=param(
        "Duty C-rate (charge and discharge)", "C-rate", key="c_rate", gt=0, le=100, allow_nan=True, group=_D,
        doc="Current in multiples of the nameplate capacity per hour; blank = the design's c_rate"))
    dod: Array = field(default=1.0, metadata=param(
        "Depth of discharge", "-", key="dod", gt=0, le=1, group=_D,
        doc="Fraction of the capacity cycled in each cycle (0-1)"))
    temperature_K: Array = field(default=np.nan, metadata=param(
        "Cell temperature in service", "°C", key="temperature_C", ge=-40, le=80, allow_nan=True, group=_D,
        doc="Blank = the design's temperature_C"))
    cycles_per_year: Array = field(default=365.0, metadata=param(
        "Cycles per year", "1/yr", key="cycles_per_year", gt=0, le=1e5, group=_D,
        doc="Sets how much calendar time passes per cycle"))
    eol_soh: Array = field(default=0.8, metadata=param(
        "End-of-life state of health", "-", key="eol_soh", gt=0, lt=1, group=_D,
        doc="Capacity retention (fraction of the beginning-of-life capacity) that ends the cell's service"))


def resolve_duty(duty: Duty, c_rate_per_h: Array, temperature_K: Array) -> Duty:
    """``duty`` with its blank (NaN) C-rate and temperature taken from the design's operating point.

    Parameters
    ----------
    duty : Duty
        The duty (SI).
    c_rate_per_h : array_like
        The design's C-rate (1/h), used where the duty's is NaN.
    temperature_K : array_like
        The design's temperature (K), used where the duty's is NaN.

    Returns
    -------
    Duty
        The duty with every field numeric (arrays broadcast per field).
    """
    c = np.asarray(duty.c_rate_per_h, dtype=float)
    t = np.asarray(duty.temperature_K, dtype=float)
    return dataclasses.replace(duty, c_rate_per_h=np.where(np.isnan(c), c_rate_per_h, c),
                               temperature_K=np.where(np.isnan(t), temperature_K, t))


#: a slow duty (stationary storage: C/3, full depth, one cycle a day)
SLOW = Duty(c_rate_per_h=1.0 / 3.0)
#: a fast duty (2C charge and discharge, one cycle a day)
FAST = Duty(c_rate_per_h=2.0)

__all__ = ["Duty", "resolve_duty", "SLOW", "FAST"]
