"""Engineering units at the Excel boundary, SI inside: the one conversion table.

Every display unit the workbooks show is a key of :data:`UNITS`; a value ``v`` in that unit is
``v * scale + offset`` in SI. Nothing else in xlcell or udfs multiplies by a unit factor.
"""
from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

#: display unit -> (SI unit, scale, offset): SI = display * scale + offset
UNITS: dict[str, tuple[str, float, float]] = {
    "-": ("-", 1.0, 0.0),
    "%": ("-", 0.01, 0.0),
    "m": ("m", 1.0, 0.0),
    "mm": ("m", 1e-3, 0.0),
    "µm": ("m", 1e-6, 0.0),
    "nm": ("m", 1e-9, 0.0),
    "m²": ("m²", 1.0, 0.0),
    "cm²/cm³": ("1/m", 100.0, 0.0),
    "1/m": ("1/m", 1.0, 0.0),
    "cm²": ("m²", 1e-4, 0.0),
    "cm³": ("m³", 1e-6, 0.0),
    "L": ("m³", 1e-3, 0.0),
    "g": ("kg", 1e-3, 0.0),
    "kg": ("kg", 1.0, 0.0),
    "g/cm³": ("kg/m³", 1e3, 0.0),
    "mAh/g": ("C/kg", 3.6e3, 0.0),
    "mAh/cm²": ("C/m²", 36.0e3, 0.0),
    "Ah/L": ("C/m³", 3.6e6, 0.0),
    "mAh/cm³": ("C/m³", 3.6e6, 0.0),
    "Ah": ("C", 3600.0, 0.0),
    "mAh": ("C", 3.6, 0.0),
    "Wh": ("J", 3600.0, 0.0),
    "kWh": ("J", 3.6e6, 0.0),
    "MWh": ("J", 3.6e9, 0.0),
    "Wh/kg": ("J/kg", 3600.0, 0.0),
    "Wh/L": ("J/m³", 3.6e6, 0.0),
    "V": ("V", 1.0, 0.0),
    "mV": ("V", 1e-3, 0.0),
    "W": ("W", 1.0, 0.0),
    "kW": ("W", 1e3, 0.0),
    "MW": ("W", 1e6, 0.0),
    "W/kg": ("W/kg", 1.0, 0.0),
    "A": ("A", 1.0, 0.0),
    "mA/cm²": ("A/m²", 10.0, 0.0),
    "A/m²": ("A/m²", 1.0, 0.0),
    "Ω·cm²": ("Ω·m²", 1e-4, 0.0),
    "Ω": ("Ω", 1.0, 0.0),
    "Ω·m": ("Ω·m", 1.0, 0.0),
    "mΩ": ("Ω", 1e-3, 0.0),
    "S/m": ("S/m", 1.0, 0.0),
    "m²/s": ("m²/s", 1.0, 0.0),
    "mol/m³": ("mol/m³", 1.0, 0.0),
    "mol/L": ("mol/m³", 1e3, 0.0),
    "kJ/mol": ("J/mol", 1e3, 0.0),
    "J/mol": ("J/mol", 1.0, 0.0),
    "°C": ("K", 1.0, 273.15),
    "K": ("K", 1.0, 0.0),
    "1/K": ("1/K", 1.0, 0.0),
    "s": ("s", 1.0, 0.0),
    "ms": ("s", 1e-3, 0.0),
    "min": ("s", 60.0, 0.0),
    "h": ("s", 3600.0, 0.0),
    "1/h": ("1/s", 1 / 3600.0, 0.0),
    "C-rate": ("1/h", 1.0, 0.0),  # C-rates stay in 1/h: the unit engineers think in
    "Ah (Wang)": ("Ah", 1.0, 0.0),  # Wang et al. 2011's throughput stays in the paper's Ah, as its inputs do
    "% (Wang)": ("%", 1.0, 0.0),  # and its loss in the paper's percent (a fit's RMSE in percentage points)
    "yr": ("yr", 1.0, 0.0),
    "$": ("$", 1.0, 0.0),
    "$/kg": ("$/kg", 1.0, 0.0),
    "$/kWh": ("$/J", 1 / 3.6e6, 0.0),
    "$/m²": ("$/m²", 1.0, 0.0),
    "$/L": ("$/m³", 1e3, 0.0),
    "$/h": ("$/s", 1 / 3600.0, 0.0),
    "M$": ("$", 1e6, 0.0),
    "GWh": ("J", 3.6e12, 0.0),
    "d": ("s", 86400.0, 0.0),
    "N/mm": ("N/m", 1e3, 0.0),
    "m/min": ("m/s", 1 / 60.0, 0.0),
    "MPa": ("Pa", 1e6, 0.0),
    "GPa": ("Pa", 1e9, 0.0),
    "$/kW": ("$/W", 1e-3, 0.0),
    "$/kW/yr": ("$/W/yr", 1e-3, 0.0),
    "$/MWh": ("$/J", 1 / 3.6e9, 0.0),
    "1/yr": ("1/yr", 1.0, 0.0),
    "cm³/mol": ("m³/mol", 1e-6, 0.0),
    "J/m²": ("J/m²", 1.0, 0.0),
    "1/µm²": ("1/m²", 1e12, 0.0),
    "bool": ("bool", 1.0, 0.0),
    "text": ("text", 1.0, 0.0),
}


#: the mark a unit key shows as where it is no physical unit: a dimensionless number (a porosity, a fraction, a ratio
#: such as N/P) is "-", as in the docs' key tables; a share shown in percent keeps "%" (a unit of its own); a flag
#: is what Excel shows for it
MARKS: dict[str, str] = {"-": "-", "bool": "TRUE/FALSE"}


def unit_mark(unit: str) -> str:
    """The text a workbook shows for the display ``unit`` in a Unit column or a header: the one place where a
    dimensionless quantity gets its mark, so it is "-" in every label, header and Unit column (never blank).

    Parameters
    ----------
    unit : str
        A key of :data:`UNITS` (``"-"``, ``"%"``, ``"µm"``, ``"bool"``, ``"text"``, ...) or a sheet's own count
        unit (``"cycles"``, ``"$/cell"``), which shows as it is.

    Returns
    -------
    str
        ``"-"`` for a dimensionless number, ``"TRUE/FALSE"`` for a flag, the unit itself otherwise.
    """
    return MARKS.get(unit, unit)


def with_unit(label: str, unit: str) -> str:
    """A header or row label with its unit mark, e.g. ``"Porosity (-)"``, ``"Coating thickness (µm)"``.

    A text value (a material, a step name) is no quantity: its label stays bare.

    Parameters
    ----------
    label : str
        The quantity's label.
    unit : str
        Its display unit, a key of :data:`UNITS`.
    """
    return label if unit == "text" else f"{label} ({unit_mark(unit)})"


def _lookup(unit: str) -> tuple[str, float, float]:
    try:
        return UNITS[unit]
    except KeyError:  # pragma: no cover - a programming error, caught by the metadata tests
        raise KeyError(f"unit {unit!r} is not in xlcell.units.UNITS") from None


def from_display(value: ArrayLike, unit: str) -> np.ndarray | float:
    """Convert ``value`` from the display ``unit`` to SI: ``value * scale + offset``.

    Parameters
    ----------
    value : array_like
        Value(s) in ``unit``, e.g. 120 (µm).
    unit : str
        A key of :data:`UNITS`.

    Returns
    -------
    ndarray or float
        The SI value(s) (``value`` itself when the unit is already SI).
    """
    _, scale, offset = _lookup(unit)
    if scale == 1.0 and offset == 0.0:
        return value  # type: ignore[return-value]
    return np.asarray(value, dtype=float) * scale + offset


def to_display(value: ArrayLike, unit: str) -> np.ndarray | float:
    """Convert ``value`` from SI to the display ``unit``: the one SI -> display conversion of xlcell.

    ``(value - offset) / scale``: kWh ``x / 3.6e6``, µm ``x / 1e-6``, °C ``x - 273.15``. Every parameter, result and
    table shown in Excel goes through here, so a number has one display value wherever it appears.

    Parameters
    ----------
    value : array_like
        SI value(s), e.g. 1.2e-4 (m).
    unit : str
        The display unit, a key of :data:`UNITS`.

    Returns
    -------
    ndarray or float
        The value(s) in ``unit`` (``value`` itself when the unit is already SI).
    """
    _, scale, offset = _lookup(unit)
    if scale == 1.0 and offset == 0.0:
        return value  # type: ignore[return-value]
    return (np.asarray(value, dtype=float) - offset) / scale


def float_to_display(value: float, unit: str) -> float:
    """:func:`to_display` of one Python float, in plain float arithmetic: the same IEEE operations, ``(value - offset)
    / scale``, so the same bits, as a Python float (without numpy's per-call overhead: one design's result shown in
    a cell).

    Parameters
    ----------
    value : float
        One SI value.
    unit : str
        The display unit, a key of :data:`UNITS`.
    """
    _, scale, offset = _lookup(unit)
    if scale == 1.0 and offset == 0.0:
        return value
    return (value - offset) / scale


#: the names the parameter metadata has always used
to_si = from_display
from_si = to_display
