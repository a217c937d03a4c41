"""Active-material library: capacity, density, potential and kinetic/transport defaults.

The library is data: ``xlcell/data/materials.toml``, one ``[[material]]`` table per material, with its values in
the display units the Materials sheet shows (``specific_capacity_mAh_g = 213.6``) and a ``source`` that the file's
``[sources]`` table spells out (:mod:`xlcell.paramsets`). It is read once, into :class:`Material` records in SI.

Sources, in short:

* NMC811 and graphite: BatPaC 5.0 (Argonne, 2022-07-22) default case ("NMC811-G (Energy)"), digest section 2.1:
  213.6 / 360.4 mAh/g, 4.65 / 2.24 g/cm³, particle radius 2 / 6 µm, exchange current density
  0.6 / 0.5 mA/cm². Graphite's mean potential is taken as 0.10 V vs Li and NMC811's is set so that
  NMC811 - graphite equals BatPaC's open-circuit voltage at 50 % SOC, 3.7132049 V.
* Practical capacities and potentials of NMC333, NCA, LMO, LFP and LTO: Nitta et al. (2015),
  Materials Today 18, 252, table 1. NMC532 and NMC622: typical vendor values at 4.3 V.
* Solid diffusivities of NMC811 and graphite: Chen et al. (2020), J. Electrochem. Soc. 167,
  080534 (LG M50). Composite electronic conductivities: Marquis et al. (2019) / Chen et al. (2020).
  Other kinetic and transport values are order-of-magnitude literature values; override them.
* Prices ($/kg of active material): BatPaC 5.0's "Chem" sheet, the price of each couple's active materials (NMC811
  $26/kg and graphite $10/kg are the default case's, digest section 3.1; LFP $10/kg, LMO $9/kg, LTO $15/kg, ...). A
  design made of a material is priced at the material's price by the cost model (:mod:`xlcell.bom`) unless a price is
  typed (``MaterialPrices.pos_am_usd_kg``); each record names the reference of its price in ``price_source``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping

import numpy as np

from . import paramsets
from .errors import UnknownMaterialError
from .params import param, validate


@dataclass(frozen=True, kw_only=True)
class Material:
    """An active material and its default properties (SI)."""

    name: str
    role: str  #: "positive" or "negative"
    specific_capacity_C_kg: float = field(metadata=param("Specific capacity", "mAh/g", key="specific_capacity_mAh_g", gt=0))
    am_density_kg_m3: float = field(metadata=param("Active-material density", "g/cm³", key="am_density_g_cm3", gt=0))
    potential_V: float = field(metadata=param("Average potential vs Li/Li+", "V", key="potential_V", ge=0, le=6))
    particle_radius_m: float = field(metadata=param("Particle radius", "µm", key="particle_radius_um", gt=0))
    exchange_current_A_m2: float = field(metadata=param("Exchange current density", "mA/cm²", key="exchange_current_mA_cm2", gt=0))
    solid_diffusivity_m2_s: float = field(metadata=param("Solid diffusivity", "m²/s", key="solid_diffusivity_m2_s", gt=0))
    conductivity_S_m: float = field(metadata=param("Solid-phase conductivity", "S/m", key="conductivity_S_m", gt=0))
    am_price_usd_kg: float = field(default=float("nan"), metadata=param(
        "Active-material price", "$/kg", key="price_usd_per_kg", ge=0, allow_nan=True,
        doc="What the cost model pays per kg of this active material (blank: no price known, type one on the BOM sheet)"))
    source: str = ""
    price_source: str = ""  #: the reference of the price (a key of ``[sources]`` in ``data/materials.toml``)

    def __post_init__(self) -> None:
        if self.role not in ("positive", "negative"):
            raise ValueError(f"role must be 'positive' or 'negative', not {self.role!r}")


def _library() -> dict[str, Material]:
    """The records of ``data/materials.toml``, by upper-case name (names unique, case-insensitive)."""
    out: dict[str, Material] = {}
    for i, r in enumerate(paramsets.records("materials", "material")):
        where = f"xlcell/data/materials.toml [[material]] {i + 1}"
        price_source = str(r.get("price_source", ""))
        if price_source:
            paramsets.reference("materials", price_source)  # a price names a reference in [sources]
        m = Material(name=str(r["name"]), role=str(r["role"]), source=r["source"], price_source=price_source,
                     **paramsets.si_values(Material, r, where, skip=("name", "role", "price_source"), complete=True))
        validate(m, f"{m.name} ")
        if m.name.upper() in out:
            raise paramsets.DataFileError(f"{where}: material {m.name!r} is defined twice")
        out[m.name.upper()] = m
    return out


#: The built-in library, by upper-case name (from ``data/materials.toml``).
LIBRARY: dict[str, Material] = _library()

#: The material fields that a design key may override (the rest are identity).
MATERIAL_PROPERTIES = ("specific_capacity_C_kg", "am_density_kg_m3", "potential_V", "particle_radius_m",
                       "exchange_current_A_m2", "solid_diffusivity_m2_s", "conductivity_S_m", "am_price_usd_kg")


def get_material(name: str, extra: Mapping[str, Material] | None = None) -> Material:
    """Look a material up by name (case-insensitive), in ``extra`` first, then the library.

    Parameters
    ----------
    name : str
        Material name, any case (e.g. ``"nmc811"``).
    extra : mapping of str to Material, optional
        Materials looked up first, keyed by upper-case name (e.g. a workbook's Materials sheet).
    """
    key = str(name).strip().upper()
    if extra and key in extra:
        return extra[key]
    try:
        return LIBRARY[key]
    except KeyError:
        known = [m.name for m in (list((extra or {}).values()) + list(LIBRARY.values()))]
        raise UnknownMaterialError(str(name), known) from None


def names(role: str | None = None) -> list[str]:
    """Names of the library materials, optionally of one role.

    Parameters
    ----------
    role : str, optional
        ``"positive"`` or ``"negative"``; None lists every material.
    """
    return [m.name for m in LIBRARY.values() if role is None or m.role == role]


def material_arrays(names_: Iterable[str] | str, extra: Mapping[str, Material] | None = None) -> dict[str, np.ndarray]:
    """Properties of an array of material names, as arrays (one lookup per distinct name).

    Returns ``{field name: array}`` for :data:`MATERIAL_PROPERTIES`, shaped like ``names_``.

    Parameters
    ----------
    names_ : str or iterable of str
        Material names, any shape (an array of names per design).
    extra : mapping of str to Material, optional
        Materials looked up before the library, keyed by upper-case name.
    """
    arr = np.asarray(names_, dtype=object)
    uniq, inv = np.unique(arr.astype(str), return_inverse=True)
    mats = [get_material(u, extra) for u in uniq]
    return {p: np.array([getattr(m, p) for m in mats], dtype=float)[inv].reshape(arr.shape) for p in MATERIAL_PROPERTIES}
