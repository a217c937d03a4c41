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

import functools
from dataclasses import dataclass, field, fields
from typing import Any, Iterable, Mapping

import numpy as np

from . import paramsets, units
from .errors import InputError, UnknownMaterialError
from .params import param, validate


@dataclass(frozen=True, kw_only=True)
class Material:
    """An active material and its default properties (SI)."""

    name: str
    role: str  #: "positive" or "negative"
    specific_capacity_C_kg: float = field(metadata=param(
        "Specific capacity, practical (cycled)", "mAh/g", key="specific_capacity_mAh_g", gt=0, allow_nan=True,
        doc="The charge per g that a full cell cycles between its cut-offs after formation (the cell model's q; a "
            "negative's: its reversible capacity); blank: theoretical × (x_max - x_min)"))
    am_density_kg_m3: float = field(metadata=param("Active-material density", "g/cm³", key="am_density_g_cm3", gt=0))
    potential_V: float = field(metadata=param("Average potential vs Li/Li+", "V", key="potential_V", ge=0, le=6))
    particle_radius_m: float = field(metadata=param("Particle radius", "µm", key="particle_radius_um", gt=0))
    exchange_current_A_m2: float = field(metadata=param("Exchange current density", "mA/cm²", key="exchange_current_mA_cm2", gt=0))
    solid_diffusivity_m2_s: float = field(metadata=param("Solid diffusivity", "m²/s", key="solid_diffusivity_m2_s", gt=0))
    conductivity_S_m: float = field(metadata=param("Solid-phase conductivity", "S/m", key="conductivity_S_m", gt=0))
    am_price_usd_kg: float = field(default=float("nan"), metadata=param(
        "Active-material price", "$/kg", key="price_usd_per_kg", ge=0, allow_nan=True,
        doc="What the cost model pays per kg of this active material (blank: no price known, type one on the BOM sheet)"))
    theoretical_capacity_C_kg: float = field(default=float("nan"), metadata=param(
        "Theoretical specific capacity", "mAh/g", key="theoretical_capacity_mAh_g", gt=0, allow_nan=True,
        doc="The charge of the whole range x = 0..1 of the window's coordinate (n F / M of the formula unit); blank: "
            "not defined (e.g. hard carbon)"))
    x_min: float = field(default=float("nan"), metadata=param(
        "Cycled window: lowest lithiated (sodiated) fraction", "-", key="x_min", ge=0, le=1, allow_nan=True,
        doc="With x_max and the theoretical capacity: the practical capacity is theoretical × (x_max - x_min)"))
    x_max: float = field(default=float("nan"), metadata=param(
        "Cycled window: highest lithiated (sodiated) fraction", "-", key="x_max", ge=0, le=1, allow_nan=True))
    v_min_V: float = field(default=float("nan"), metadata=param(
        "Voltage window of the practical capacity: lower cut-off", "V", key="v_min_V", ge=0, le=6, allow_nan=True,
        doc="The cut-off of the source's test (window_basis says against what)"))
    v_max_V: float = field(default=float("nan"), metadata=param(
        "Voltage window of the practical capacity: upper cut-off", "V", key="v_max_V", ge=0, le=6, allow_nan=True))
    ocv_slope_V: float = field(default=0.0, metadata=param(
        "Open-circuit potential slope at 50 % SOC, per cycled window", "V", key="ocv_slope_V", ge=0, le=20,
        allow_nan=True,
        doc="|dU/dx| × (x_max - x_min) of the material's open-circuit potential at the middle of its cycled window "
            "(the power pulse's solid-diffusion polarisation, ElectrodeDesign.ocv_slope_V); 0: no published curve "
            "(the pulse sees no slope); blank in a Materials table: the library material's of that name, else 0"))
    ocv_loss_soc10_V: float = field(default=0.0, metadata=param(
        "Open-circuit potential loss from 50 % to 10 % SOC", "V", key="ocv_loss_soc10_V", ge=0, le=5,
        allow_nan=True,
        doc="|U(50 % SOC) - U(10 % SOC)| of the material's open-circuit potential over its cycled window (a node of "
            "the power pulse's OCV curve, ElectrodeDesign.ocv_loss_soc10_V); 0: no published curve; blank in a "
            "Materials table: the library material's of that name, else 0"))
    ocv_loss_soc5_V: float = field(default=0.0, metadata=param(
        "Open-circuit potential loss from 50 % to 5 % SOC", "V", key="ocv_loss_soc5_V", ge=0, le=5,
        allow_nan=True,
        doc="|U(50 % SOC) - U(5 % SOC)| of the material's open-circuit potential over its cycled window (a node of the "
            "power pulse's OCV curve, ElectrodeDesign.ocv_loss_soc5_V); 0: no published curve; blank in a Materials "
            "table: the library material's of that name, else 0"))
    ocv_loss_soc0_V: float = field(default=0.0, metadata=param(
        "Open-circuit potential loss from 50 % to 0 % SOC", "V", key="ocv_loss_soc0_V", ge=0, le=5,
        allow_nan=True,
        doc="|U(50 % SOC) - U(0 % SOC)| of the material's open-circuit potential, 0 % SOC the discharge end of its "
            "cycled window (the end node of the power pulse's OCV curve, ElectrodeDesign.ocv_loss_soc0_V); 0: no "
            "published curve (the pulse follows the tangent ocv_slope_V); blank in a Materials table: the library "
            "material's of that name, else 0"))
    source: str = ""
    price_source: str = ""  #: the reference of the price (a key of ``[sources]`` in ``data/materials.toml``)
    carrier: str = "Li"  #: the charge carrier, "Li" or "Na" (a cell's two electrodes must share it)
    window_basis: str = ""  #: what the voltage window is measured against (e.g. "full cell vs graphite")
    life_model: str = ""  #: the life model's parameter set fitted for this material ("": not assessed)

    def __post_init__(self) -> None:
        if self.role not in ("positive", "negative"):
            raise ValueError(f"role must be 'positive' or 'negative', not {self.role!r}")
        if self.carrier not in CARRIERS:
            raise ValueError(f"carrier must be one of {', '.join(CARRIERS)}, not {self.carrier!r}")

    def __eq__(self, other: object) -> bool:
        """Field by field, a blank (NaN) equal to a blank: a material read back from a sheet equals the one written."""
        if not isinstance(other, Material):
            return NotImplemented
        return all(_same(getattr(self, f.name), getattr(other, f.name)) for f in fields(self))

    __hash__ = None  # type: ignore[assignment]  # compared by value, NaN-aware; not a dict key

    @property
    def cycled_fraction(self) -> float:
        """Practical / theoretical capacity: the share of the theoretical capacity the cell cycles (NaN: none)."""
        return self.specific_capacity_C_kg / self.theoretical_capacity_C_kg


def _same(a: object, b: object) -> bool:
    if isinstance(a, (float, np.floating)) and isinstance(b, (float, np.floating)) and np.isnan(a) and np.isnan(b):
        return True
    return bool(a == b)


#: the charge carriers a material may name: lithium and sodium
CARRIERS = ("Li", "Na")
#: the relative tolerance of practical = theoretical × (x_max - x_min) when a record gives all three (sources round)
WINDOW_RTOL = 0.01


def complete_window(values: dict[str, float], label: str = "") -> dict[str, float]:
    """Fill or check a material's practical capacity from its theoretical capacity and cycled window (SI values).

    The one rule that ties the three (issue 13): practical q = q_theoretical × (x_max - x_min). A blank (NaN)
    practical capacity is derived from the other three; when all are given they must agree within
    :data:`WINDOW_RTOL` (a source's rounding). A window without the theoretical capacity, x_min >= x_max, or no
    practical capacity and no way to derive one is refused.

    Parameters
    ----------
    values : dict
        ``{Material field name: SI value}`` (missing optional fields count as NaN).
    label : str
        The material named in messages (e.g. ``"LFP "``).

    Raises
    ------
    InputError
        Names the key (``x_max``, ``specific_capacity_mAh_g``, ...) and what is allowed.
    """
    out = dict(values)
    nan = float("nan")
    q, qt = float(out.get("specific_capacity_C_kg", nan)), float(out.get("theoretical_capacity_C_kg", nan))
    lo, hi = float(out.get("x_min", nan)), float(out.get("x_max", nan))
    has_window = not (np.isnan(lo) and np.isnan(hi))
    if has_window:
        if np.isnan(lo) or np.isnan(hi):
            raise InputError(f"{label}{'x_min' if np.isnan(lo) else 'x_max'}", nan,
                             "a fraction 0-1 (give both x_min and x_max, or neither)")
        if not lo < hi:
            raise InputError(f"{label}x_max", hi, f"> x_min = {lo:g} (the cycled window's upper lithiated fraction)")
        if np.isnan(qt):
            raise InputError(f"{label}theoretical_capacity_mAh_g", nan,
                             "a capacity > 0 mAh/g when a cycled window (x_min, x_max) is given")
    if np.isnan(q):
        if not has_window:
            raise InputError(f"{label}specific_capacity_mAh_g", nan, "a practical capacity > 0 mAh/g, or "
                             "theoretical_capacity_mAh_g with the cycled window x_min and x_max")
        out["specific_capacity_C_kg"] = qt * (hi - lo)
    elif has_window and abs(q - qt * (hi - lo)) > WINDOW_RTOL * q:
        shown = units.from_si(qt * (hi - lo), "mAh/g")
        raise InputError(f"{label}specific_capacity_mAh_g", float(units.from_si(q, "mAh/g")),
                         f"theoretical_capacity_mAh_g × (x_max - x_min) = {shown:.4g} mAh/g within "
                         f"{WINDOW_RTOL:.0%} (or leave it blank to derive it)")
    return out


@functools.cache
def _library() -> dict[str, Material]:
    """The records of ``data/materials.toml``, by upper-case name (names unique, case-insensitive); read on first
    use, once."""
    out: dict[str, Material] = {}
    for i, r in enumerate(paramsets.records("materials", "material")):
        where = f"xlcell/data/materials.toml [[material]] {i + 1}"
        price_source = str(r.get("price_source", ""))
        if price_source:
            paramsets.reference("materials", price_source)  # a price names a reference in [sources]
        si = paramsets.si_values(Material, r, where, complete=True,
                                 skip=("name", "role", "price_source", "carrier", "window_basis", "cites",
                                       "life_model"))
        try:
            si = complete_window(si, f"{r['name']} ")
        except InputError as e:
            raise paramsets.DataFileError(f"{where}: {e}") from None
        for key, src in dict(r.get("cites", {})).items():  # the source of each number (issue 14)
            if key not in r:
                raise paramsets.DataFileError(f"{where}: cites {key!r}, which is not a key of the record")
            paramsets.reference("materials", src)
        m = Material(name=str(r["name"]), role=str(r["role"]), source=r["source"], price_source=price_source,
                     carrier=str(r.get("carrier", "Li")), window_basis=str(r.get("window_basis", "")),
                     life_model=str(r.get("life_model", "")), **si)
        validate(m, f"{m.name} ")
        if m.name.upper() in out:
            raise paramsets.DataFileError(f"{where}: material {m.name!r} is defined twice")
        out[m.name.upper()] = m
    return out



def __getattr__(name: str) -> Any:
    """:data:`LIBRARY`, the built-in library by upper-case name (from ``data/materials.toml``), read on first use
    (PEP 562): ``import xlcell.materials`` parses no data file, which keeps ``import udfs`` fast (issue 15)."""
    if name == "LIBRARY":
        return _library()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: The material fields that a design key may override (the rest are identity).
MATERIAL_PROPERTIES = ("specific_capacity_C_kg", "am_density_kg_m3", "potential_V", "particle_radius_m",
                       "exchange_current_A_m2", "solid_diffusivity_m2_s", "conductivity_S_m", "am_price_usd_kg",
                       "ocv_slope_V", "ocv_loss_soc10_V", "ocv_loss_soc5_V", "ocv_loss_soc0_V")


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
        return _library()[key]
    except KeyError:
        raise UnknownMaterialError(str(name), [m.name for m in lookup_order(extra)]) from None


def lookup_order(extra: Mapping[str, Any] | None = None, library: Mapping[str, Any] | None = None) -> list[Any]:
    """The materials a name can find, in the order a look-up searches them: ``extra``'s, then the library's that no
    material of ``extra`` shadows (one per upper-case name: a workbook's table that repeats the library's materials
    lists each once in a message).

    Parameters
    ----------
    extra : mapping of str to material, optional
        Materials looked up first, keyed by upper-case name.
    library : mapping of str to material, optional
        The library searched next, keyed by upper-case name (default: :data:`LIBRARY`).
    """
    out = dict(extra or {})
    for key, m in (_library() if library is None else library).items():
        out.setdefault(key, m)
    return list(out.values())


def names(role: str | None = None) -> list[str]:
    """Names of the library materials, optionally of one role.

    Parameters
    ----------
    role : str, optional
        ``"positive"`` or ``"negative"``; None lists every material.
    """
    return [m.name for m in _library().values() if role is None or m.role == role]


def life_assessed(pos: Iterable[str] | str, neg: Iterable[str] | str,
                  extra: Mapping[str, Material] | None = None) -> np.ndarray:
    """Whether the life model's parameters were fitted for both electrodes' materials (one per design).

    The life model (:mod:`xlcell.degradation`) runs for any design (its inputs are the design's numbers), but its
    SEI, cracking and loss-of-active-material parameters are O'Kane et al. 2022's for the LG M50 (NMC811 /
    graphite-SiOx). For another material (LFP, LMO, sodium-ion, ...) its numbers are not assessed: this says so,
    so that a sheet or report can flag them rather than show them as a prediction.

    Parameters
    ----------
    pos, neg : str or array_like of str
        Positive and negative material names, broadcasting (one per design).
    extra : mapping of str to Material, optional
        Materials looked up before the library (a user-defined material is not assessed).
    """
    p, n = np.broadcast_arrays(np.asarray(pos, dtype=object), np.asarray(neg, dtype=object))
    known: dict[str, bool] = {}
    for u in set(p.ravel().tolist()) | set(n.ravel().tolist()):
        known[u] = bool(get_material(str(u), extra).life_model)
    ok = np.vectorize(lambda a, b: known[a] and known[b], otypes=[bool])
    return ok(p, n) if p.size else np.zeros(p.shape, dtype=bool)


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
