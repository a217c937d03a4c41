"""Can cell formats beside BatPaC's pouch: cylindrical and prismatic jelly rolls (SI, vectorised; issue 14, item 3).

The bom key ``cell_format`` names the format: ``pouch`` (BatPaC 5.0's stacked pouch, :mod:`xlcell.pouch`, the
default), ``cylindrical`` (= ``cylindrical_21700``), ``cylindrical_4680``, ``prismatic`` (= ``prismatic_phev2``) or
``prismatic_bev2``. A can format is a :class:`CanFormat` (its presets: ``xlcell/data/cell_formats.toml``, each value
with its source) carried by :class:`xlcell.pouch.CellFormat` as ``can``; the pouch fields of the CellFormat then
do not apply, its rating fields (the electrochemical rating ASI, the module/pack share, the foil conductivities, the
nominal C-rate) do. :func:`can_geometry` returns the same quantities as :func:`xlcell.pouch.pouch_geometry`, so the one
chain (:func:`xlcell.cell.chain`) and the cost model read a can exactly as they read the pouch.

Geometry. The repeat unit of the winding is the double-coated positive, a separator, the double-coated negative and a
second separator, of thickness δ = t_Al + 2 L_p + t_Cu + 2 L_n + 2 t_sep. The jelly roll fills the can's inner
cross-section less a radial clearance c (outer separator wraps, tape) and the mandrel (core) hole d:

* cylindrical (winding axis along the can): inner diameter D_i = D - 2 t_wall, roll diameter D_r = D_i - 2 c,
  cross-section S = π (D_r² - d²) / 4;
* prismatic (n flat-wound rolls side by side through the thickness, winding axis along the width): each roll is a
  stadium of thickness T_r = (T - 2 t_wall) / n - 2 c and height H_r = H - t_bottom - lid zone - 2 c,
  S = T_r (H_r - T_r) + π T_r² / 4 - d (H_r - T_r) (a flat mandrel of thickness d);
* positive electrode length ℓ = S / δ per roll (the spiral's area over the repeat thickness); the separator's width
  along the winding axis is the axial span less the headspace (cylindrical: H - t_bottom - headspace; prismatic:
  W - 2 t_wall - headspace, the collector zones at both ends), the negative's coated width is 2 × the separator
  overhang narrower and the positive's 2 × the negative overhang narrower than that;
* positive area (both faces, all rolls) A_p = 2 n ℓ h_p; the negative is longer and wider by 2 × its overhang:
  A_n = 2 n (ℓ + 2 o_n)(h_p + 2 o_n); foils carry an uncoated margin (tabs or the tabless edge); the separator
  (two sheets) is one roll circumference longer than the negative (the outer wrap).

The design's ``electrode_area_cm2`` does not apply to a can: the can sets A_p (the chain's ``pos_area_m2``).

Mass and volume. Can = walls + bottom of the can material (nickel-plated steel for the cylinders, aluminium for the
prismatic cans); cap or lid assembly (cap, vent/CID, gasket, insulators; lid, terminals, vent, fill port) and the
current collectors (tabs, tabless collector plates, prismatic collectors) at their teardown masses; electrolyte = the
pores (in the chain) + ``free_volume_fill`` × the free volume inside the can (mandrel hole, headspace, clearances).
Cell volume: the can's envelope (π D² H / 4; W T H).

Hardware resistance (referred to A_p, added to the rating ASI as the pouch's foils and terminals are): the foils
carry the current along the electrode to the tabs, ρ ℓ / (12 N² h t) for N tabs each in the middle of its share of
the electrode, or across the coated width to the welded foil edge, ρ h / (3 ℓ t) (tabless, prismatic); plus the
fixed resistance of the can, the cap or lid and the welds (``hardware_resistance_mohm``, a teardown-order value), and
BatPaC's module/pack share of the CellFormat.

Housing cost (:func:`housing_cost`, the bill of materials' ``pos_terminal``, ``neg_terminal`` and ``pouch`` rows, the
last being the container: can + cap/lid): can mass × $/kg + can forming + cap/lid assembly, collectors by mass at the
terminal prices + a plus cost each; the plus costs scale with the plant's cell volume as BatPaC's hardware does.
Process steps (:func:`format_steps`): winding replaces stacking, can insertion, welding, crimping or lid welding
replace the pouch's container and sealing steps, in BatPaC's scheme (``[[format_step]]`` of the data file).

Vectorised: every field broadcasts with the designs, so an array of designs in one can format evaluates in one call.
Formats mixed within one array (a pouch and a can in one call) are not supported: one call, one format.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from . import paramsets
from .errors import InputError
from .params import param, specs

Array = Any

_G = "Can format"

#: the names ``cell_format`` takes: the pouch and the can presets (aliases first)
ALIASES: dict[str, str] = {"cylindrical": "cylindrical_21700", "prismatic": "prismatic_phev2"}
FILE = "cell_formats"


@dataclass(frozen=True, kw_only=True)
@paramsets.defaults(FILE, "can.cylindrical_21700")
class CanFormat:
    """A cylindrical or prismatic can holding wound jelly rolls (SI). Defaults: the 21700 preset of
    ``xlcell/data/cell_formats.toml``; :func:`can_preset` gives the others."""

    shape: str = field(metadata=param(
        "Can shape", "text", key="can_shape", group=_G, doc="cylindrical or prismatic (set by cell_format)"))
    can_diameter_m: Array = field(metadata=param("Can outer diameter (cylindrical)", "mm", key="can_diameter_mm", gt=1, le=200, allow_nan=True, group=_G))
    can_width_m: Array = field(metadata=param("Can outer width (prismatic)", "mm", key="can_width_mm", gt=1, le=2000, allow_nan=True, group=_G))
    can_depth_m: Array = field(metadata=param("Can outer thickness (prismatic)", "mm", key="can_depth_mm", gt=1, le=200, allow_nan=True, group=_G))
    can_height_m: Array = field(metadata=param("Can outer height", "mm", key="can_height_mm", gt=1, le=1000, group=_G))
    can_wall_m: Array = field(metadata=param("Can wall thickness", "mm", key="can_wall_mm", gt=0, le=5, group=_G))
    can_bottom_m: Array = field(metadata=param("Can bottom thickness", "mm", key="can_bottom_mm", gt=0, le=10, group=_G))
    can_density_kg_m3: Array = field(metadata=param("Can material density", "g/cm³", key="can_density_g_cm3", gt=0, le=25, group=_G,
                                                    doc="Nickel-plated steel 7.9; aluminium 3003 2.73"))
    headspace_m: Array = field(metadata=param(
        "Headspace along the winding axis", "mm", key="headspace_mm", ge=0, le=500, group=_G,
        doc="Length along the winding axis not taken by the separator: cap, collector plates, insulators "
            "(prismatic: the collector zones at both ends of the width)"))
    lid_space_m: Array = field(metadata=param("Lid zone (prismatic)", "mm", key="lid_space_mm", ge=0, le=100, group=_G,
                                              doc="Height under the lid taken by the lid, terminals and insulator"))
    mandrel_m: Array = field(metadata=param("Mandrel (core) hole", "mm", key="mandrel_mm", ge=0, le=50, group=_G))
    radial_clearance_m: Array = field(metadata=param(
        "Clearance between roll and can", "mm", key="radial_clearance_mm", ge=0, le=20, group=_G,
        doc="Outer separator wraps, tape and the insertion gap, on each side"))
    jelly_rolls: Array = field(metadata=param("Jelly rolls", "-", key="jelly_rolls", ge=1, le=10, group=_G))
    sep_overhang_m: Array = field(metadata=param("Separator beyond the negative, each edge", "mm", key="sep_overhang_mm", ge=0, le=20, group=_G, advanced=True))
    neg_overhang_m: Array = field(metadata=param("Negative beyond the positive, each edge", "mm", key="neg_overhang_mm", ge=0, le=20, group=_G, advanced=True))
    foil_margin_m: Array = field(metadata=param("Uncoated foil margin (tabs or tabless edge)", "mm", key="foil_margin_mm", ge=0, le=50, group=_G, advanced=True))
    tabless: Array = field(metadata=param("Tabless: current collected along the foil edge (1) or by tabs (0)", "-", key="tabless", ge=0, le=1, group=_G))
    tabs_pos: Array = field(metadata=param("Positive tabs (tabbed design)", "-", key="tabs_pos", ge=1, le=100, group=_G))
    tabs_neg: Array = field(metadata=param("Negative tabs (tabbed design)", "-", key="tabs_neg", ge=1, le=100, group=_G))
    cap_mass_kg: Array = field(metadata=param("Cap or lid assembly mass", "g", key="cap_mass_g", ge=0, le=2000, group=_G))
    pos_collector_mass_kg: Array = field(metadata=param("Positive tabs / collector mass", "g", key="pos_collector_mass_g", ge=0, le=1000, group=_G))
    neg_collector_mass_kg: Array = field(metadata=param("Negative tabs / collector mass", "g", key="neg_collector_mass_g", ge=0, le=1000, group=_G))
    free_volume_fill: Array = field(metadata=param("Electrolyte share of the free can volume", "-", key="free_volume_fill", ge=0, le=1, group=_G, advanced=True))
    hardware_resistance_ohm: Array = field(metadata=param(
        "Can, cap/lid and weld resistance", "mΩ", key="hardware_resistance_mohm", ge=0, le=1000, group=_G))
    assembly_cost_factor: Array = field(metadata=param(
        "Per-cell assembly cost / BatPaC's pouch line", "-", key="assembly_cost_factor", gt=0, le=10, group=_G,
        doc="A fast cylindrical line handles 1/factor cells in the time BatPaC's pouch line handles one"))
    can_usd_kg: Array = field(metadata=param("Can material price", "$/kg", key="can_usd_kg", ge=0, group=_G))
    can_plus_usd: Array = field(metadata=param("Can forming plus cost", "$", key="can_plus_usd", ge=0, group=_G))
    cap_usd: Array = field(metadata=param("Cap or lid assembly price", "$", key="cap_usd", ge=0, group=_G))
    collector_plus_usd: Array = field(metadata=param("Tab / collector plus cost, each electrode", "$", key="collector_plus_usd", ge=0, group=_G))


SHAPES = ("cylindrical", "prismatic")


@lru_cache(maxsize=None)
def preset_names() -> tuple[str, ...]:
    """The can presets of ``xlcell/data/cell_formats.toml`` (``cylindrical_21700``, ...)."""
    return tuple(paramsets.load(FILE)["can"])


def format_names() -> tuple[str, ...]:
    """Every value the bom key ``cell_format`` takes: ``pouch``, the aliases and the presets."""
    return ("pouch", *ALIASES, *preset_names())



def __getattr__(name: str) -> Any:
    """:data:`FORMAT_NAMES`, every value of the bom key ``cell_format`` (:func:`format_names`), read from the data
    file on first use (PEP 562), so that the import parses no data file (issue 15)."""
    if name == "FORMAT_NAMES":
        return format_names()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def can_preset(name: str, **fields_si: Array) -> CanFormat | None:
    """The can format named ``name`` (a value of the bom key ``cell_format``; ``pouch`` gives None).

    Parameters
    ----------
    name : str
        ``pouch``, ``cylindrical``, ``cylindrical_21700``, ``cylindrical_4680``, ``prismatic``, ``prismatic_phev2``,
        ``prismatic_bev2`` (any case).
    **fields_si : array_like
        Overrides of :class:`CanFormat` fields by SI name (not for ``pouch``).

    Raises
    ------
    InputError
        An unknown name (the message names ``cell_format`` and lists the allowed values).
    """
    key = str(name).strip().lower()
    key = ALIASES.get(key, key)
    if key == "pouch":
        if fields_si:
            keys = {s.name: s.key for s in specs(CanFormat)}
            raise InputError(keys.get(next(iter(fields_si)), next(iter(fields_si))), None,
                             "given with a can format only (cell_format = cylindrical or prismatic); the pouch's "
                             "geometry is set by the pouch keys")
        return None
    if key not in preset_names():
        raise InputError("cell_format", name, "one of " + ", ".join(format_names()))
    t = paramsets.table(FILE, f"can.{key}")
    values = paramsets.si_values(CanFormat, t, f"xlcell/data/{FILE}.toml [can.{key}]")
    return dataclasses.replace(CanFormat(), **{**values, **fields_si})


def cell_format(name: str = "pouch", *, can_fields_si: dict[str, Array] | None = None, **fields_si: Array) -> Any:
    """The :class:`xlcell.pouch.CellFormat` named ``name`` (the bom key ``cell_format``), with SI overrides.

    Parameters
    ----------
    name : str
        ``pouch`` (BatPaC's, the default), ``cylindrical`` (= ``cylindrical_21700``), ``cylindrical_4680``,
        ``prismatic`` (= ``prismatic_phev2``) or ``prismatic_bev2`` (any case).
    can_fields_si : dict, optional
        Overrides of the can's :class:`CanFormat` fields by SI name (a can format only).
    **fields_si : array_like
        Overrides of :class:`xlcell.pouch.CellFormat` fields by SI name (e.g. the rating ASI).

    Raises
    ------
    InputError
        An unknown name, or can fields given with the pouch.
    """
    from .pouch import CellFormat

    return CellFormat(**fields_si, can=can_preset(name, **(can_fields_si or {})))


def format_name(fmt: Any) -> str:
    """The ``cell_format`` of a :class:`xlcell.pouch.CellFormat`: ``pouch`` or its can's shape.

    Parameters
    ----------
    fmt : CellFormat or None
        The cell format.
    """
    can = getattr(fmt, "can", None)
    return "pouch" if can is None else can.shape


def check_can(can: CanFormat) -> None:
    """Refuse a can field outside its allowed range, or a shape that is neither cylindrical nor prismatic.

    Parameters
    ----------
    can : CanFormat
        The can format (SI).
    """
    if can.shape not in SHAPES:
        raise InputError("can_shape", can.shape, "one of " + ", ".join(SHAPES))
    for s in specs(can):
        if s.unit != "text":
            s.check(getattr(can, s.name))
    need = ("can_diameter_m",) if can.shape == "cylindrical" else ("can_width_m", "can_depth_m")
    for n in need:
        if np.isnan(np.asarray(getattr(can, n), dtype=float)).any():
            s = next(s for s in specs(can) if s.name == n)
            raise InputError(s.key, None, f"a number for a {can.shape} can")


def _positive(x: Array, key: str, allowed: str) -> None:
    bad = ~(np.asarray(x, dtype=float) > 0)
    if bad.any():
        i = int(np.flatnonzero(bad.ravel())[0])
        raise InputError(key, float(np.asarray(x, dtype=float).ravel()[i]), allowed,
                         f"design {i + 1}" if bad.size > 1 else None)


def can_geometry(pos_thickness_m: Array, neg_thickness_m: Array, sep_thickness_m: Array, pos_foil_m: Array,
                 neg_foil_m: Array, can: CanFormat, pos_foil_conductivity_S_m: Array, neg_foil_conductivity_S_m: Array,
                 asi_pack_share_ohm_m2: Array) -> dict[str, Array]:
    """The jelly roll(s) a can holds, their foils, separator, hardware and resistance (SI arrays, broadcasting).

    Parameters
    ----------
    pos_thickness_m, neg_thickness_m : array_like
        Coating thicknesses L_p, L_n, one side (m).
    sep_thickness_m : array_like
        Separator thickness (m).
    pos_foil_m, neg_foil_m : array_like
        Foil thicknesses t_Al, t_Cu (m).
    can : CanFormat
        The can format.
    pos_foil_conductivity_S_m, neg_foil_conductivity_S_m : array_like
        Foil conductivities (S/m; the CellFormat's).
    asi_pack_share_ohm_m2 : array_like
        The module and pack conductors' ASI share (Ω·m²; the CellFormat's).

    Returns
    -------
    dict
        The keys of :func:`xlcell.pouch.pouch_geometry` (``cell_thickness_m``, ``cell_width_m``,
        ``cell_length_m`` = D, D, H of a cylinder or T, W, H of a prismatic can; ``n_bicells`` = winding turns of one roll,
        ``electrode_width_m`` = the positive's coated width, ``electrode_length_m`` = its wound length per roll,
        ``pouch_kg`` = the can and its cap or lid, ``pos_terminal_kg`` / ``neg_terminal_kg`` = the tabs or collectors,
        ``fill_m3`` = the electrolyte beyond the pores), plus ``pos_area_m2`` (set by the can), ``can_kg``,
        ``cap_kg``, ``jelly_rolls``, ``winding_pitch_m``, ``free_volume_m3`` and ``assembly_cost_factor``.
    """
    check_can(can)
    c = can
    pitch = pos_foil_m + neg_foil_m + 2.0 * (pos_thickness_m + neg_thickness_m + sep_thickness_m)
    n = np.asarray(c.jelly_rolls, dtype=float)
    H = c.can_height_m
    if c.shape == "cylindrical":
        D = c.can_diameter_m
        D_i = D - 2.0 * c.can_wall_m
        D_r = D_i - 2.0 * c.radial_clearance_m
        _positive(D_r - c.mandrel_m, "radial_clearance_mm", "small enough to leave a jelly roll around the mandrel")
        section = np.pi / 4.0 * (D_r**2 - c.mandrel_m**2)
        turns = (D_r - c.mandrel_m) / (2.0 * pitch)
        wrap = np.pi * D_r
        span = H - c.can_bottom_m - c.headspace_m
        volume = np.pi / 4.0 * D**2 * H
        inner = np.pi / 4.0 * D_i**2 * (H - c.can_bottom_m)
        walls = np.pi / 4.0 * (D**2 - D_i**2) * (H - c.can_bottom_m) + np.pi / 4.0 * D**2 * c.can_bottom_m
        outer = (D, D, H)
    else:
        W, T = c.can_width_m, c.can_depth_m
        W_i, T_i = W - 2.0 * c.can_wall_m, T - 2.0 * c.can_wall_m
        T_r = T_i / n - 2.0 * c.radial_clearance_m
        H_r = H - c.can_bottom_m - c.lid_space_m - 2.0 * c.radial_clearance_m
        _positive(T_r, "radial_clearance_mm", "small enough to leave a jelly roll in the can's thickness")
        _positive(H_r - T_r, "can_height_mm", "above the can's thickness (a flat-wound roll)")
        section = T_r * (H_r - T_r) + np.pi / 4.0 * T_r**2 - c.mandrel_m * (H_r - T_r)
        turns = (T_r - c.mandrel_m) / (2.0 * pitch)
        wrap = 2.0 * (H_r - T_r) + np.pi * T_r
        span = W_i - c.headspace_m
        volume = W * T * H
        inner = W_i * T_i * (H - c.can_bottom_m)
        walls = (W * T - W_i * T_i) * (H - c.can_bottom_m) + W * T * c.can_bottom_m
        outer = (T, W, H)
    _positive(section, "mandrel_mm", "smaller than the jelly roll")
    o_s, o_n = c.sep_overhang_m, c.neg_overhang_m
    h_n = span - 2.0 * o_s
    h_p = h_n - 2.0 * o_n
    _positive(h_p, "headspace_mm", "short enough to leave a coated electrode width along the winding axis")
    length = section / pitch  # positive electrode length per roll
    A_p = 2.0 * n * length * h_p
    neg_len = length + 2.0 * o_n
    A_n = 2.0 * n * neg_len * h_n
    sep_area = 2.0 * n * (neg_len + wrap) * span
    pos_foil = n * length * (h_p + c.foil_margin_m)
    neg_foil = n * neg_len * (h_n + c.foil_margin_m)
    roll_volume = n * section * span
    free = inner - roll_volume
    # foil resistance: along the electrode to N tabs (each in the middle of its share) or across it to the welded edge
    tabless = np.asarray(c.tabless, dtype=float) > 0.5
    rho_p, rho_n = 1.0 / pos_foil_conductivity_S_m, 1.0 / neg_foil_conductivity_S_m
    r_tab_p = rho_p * length / (12.0 * c.tabs_pos**2 * h_p * pos_foil_m) / n
    r_tab_n = rho_n * neg_len / (12.0 * c.tabs_neg**2 * h_n * neg_foil_m) / n
    r_edge_p = rho_p * h_p / (3.0 * length * pos_foil_m) / n
    r_edge_n = rho_n * h_n / (3.0 * neg_len * neg_foil_m) / n
    r_foils = np.where(tabless, r_edge_p + r_edge_n, r_tab_p + r_tab_n)
    asi_hw = (r_foils + c.hardware_resistance_ohm) * A_p + asi_pack_share_ohm_m2
    can_kg = walls * c.can_density_kg_m3
    shape = np.shape(A_p)

    def bc(x: Array) -> np.ndarray:
        return np.broadcast_to(np.asarray(x, dtype=float), shape)

    return dict(
        pos_area_m2=A_p, n_bicells=turns, cell_thickness_m=bc(outer[0]), electrode_width_m=bc(h_p),
        electrode_length_m=length, neg_area_excess=A_n / A_p - 1.0, neg_area_m2=A_n, cell_width_m=bc(outer[1]),
        cell_length_m=bc(outer[2]), cell_volume_m3=bc(volume), envelope_m3=bc(roll_volume), fill_m3=c.free_volume_fill * free,
        pos_foil_area_m2=pos_foil, neg_foil_area_m2=neg_foil, separator_area_m2=sep_area,
        pos_terminal_kg=bc(c.pos_collector_mass_kg), neg_terminal_kg=bc(c.neg_collector_mass_kg),
        pouch_kg=can_kg + c.cap_mass_kg, can_kg=bc(can_kg), cap_kg=bc(c.cap_mass_kg), jelly_rolls=bc(n),
        winding_pitch_m=pitch, free_volume_m3=free, asi_hardware_ohm_m2=asi_hw,
        assembly_cost_factor=bc(c.assembly_cost_factor),
    )


def housing_cost(can_kg: Array, pos_collector_kg: Array, neg_collector_kg: Array, can: CanFormat, pos_terminal_usd_kg: Array, neg_terminal_usd_kg: Array,
                 scale: Array) -> dict[str, Array]:
    """$ per built cell of a can's container (can + cap/lid) and its two collectors.

    Container: can mass × ``can_usd_kg`` + (``can_plus_usd`` + ``cap_usd``) × scale; each collector: its mass × the
    terminal metal's $/kg (BatPaC's Al and Cu terminal prices) + ``collector_plus_usd`` × scale. ``scale`` is BatPaC's
    hardware volume factor (baseline cells / cells built)^(1 - exponent).

    Parameters
    ----------
    can_kg, pos_collector_kg, neg_collector_kg : array_like
        Masses of the can (walls and bottom) and of the positive and negative tabs or collectors (kg).
    can : CanFormat
        The can format (prices).
    pos_terminal_usd_kg, neg_terminal_usd_kg : array_like
        Terminal metal prices ($/kg).
    scale : array_like
        Hardware plus-cost volume factor (-).

    Returns
    -------
    dict
        ``pouch`` (the container), ``pos_terminal``, ``neg_terminal`` ($ per built cell).
    """
    return dict(
        pouch=can_kg * can.can_usd_kg + (can.can_plus_usd + can.cap_usd) * scale,
        pos_terminal=pos_collector_kg * pos_terminal_usd_kg + can.collector_plus_usd * scale,
        neg_terminal=neg_collector_kg * neg_terminal_usd_kg + can.collector_plus_usd * scale,
    )


@lru_cache(maxsize=None)
def _step_rows(shape: str) -> tuple[dict[str, Any], ...]:
    return tuple(dict(r) for r in paramsets.records(FILE, "format_step") if r["shape"] == shape)


def format_steps(steps: Any, fmt: Any) -> Any:
    """The process-step table for the cell format: the pouch steps a can format replaces, replaced.

    Each ``[[format_step]]`` row of ``xlcell/data/cell_formats.toml`` names the pouch step (BatPaC 5.0 §5.2) it
    replaces; the new step keeps that step's driver, baseline, exponents and extra factor, with its baseline labour,
    capital and floor area times the row's factors and the row's own driver or machine data where it gives them.
    A step table without the named pouch step (a user's own table) keeps its rows. The pouch returns ``steps``.

    Parameters
    ----------
    steps : StepTable
        The process-step table (:class:`xlcell.factory.StepTable`).
    fmt : CellFormat
        The cell format.
    """
    if getattr(fmt, "can", None) is None:
        return steps
    rows = {r["replaces"]: r for r in _step_rows(fmt.can.shape)}
    hits = [(j, rows[name]) for j, name in enumerate(steps.names) if name in rows]
    if not hits:
        return steps
    cols = {k: (list(v) if isinstance(v, tuple) else np.array(v, dtype=float, copy=True))
            for k, v in steps.columns.items()}
    for j, r in hits:
        cols["name"][j] = r["step"]
        for col, factor in (("labor0_s", "labor_factor"), ("capex0_usd", "capex_factor"), ("area0_m2", "area_factor")):
            cols[col][..., j] = cols[col][..., j] * float(r[factor])
        if "driver" in r:
            cols["driver"][j] = r["driver"]
        if "machine_driver" in r:
            cols["machine_driver"][j] = r["machine_driver"]
            cols["machine_baseline"][..., j] = np.nan
        for k in ("units_per_cycle", "cycle_time_s"):
            if k in r:
                cols[k][..., j] = float(r[k])
    out = steps.replace(**{k: tuple(v) if isinstance(v, list) else v for k, v in cols.items()})
    out.validate()
    return out


@dataclass(frozen=True)
class FormatComparison:
    """Results of :func:`compare_formats`: one entry per format (SI), in the order asked."""

    names: tuple[str, ...] = field(metadata=param("Cell format", "text", key="cell_format"))
    energy_J: np.ndarray = field(metadata=param("Cell energy (nominal)", "Wh", key="cell_energy_Wh"))
    capacity_C: np.ndarray = field(metadata=param("Capacity", "Ah", key="capacity_Ah"))
    mass_kg: np.ndarray = field(metadata=param("Cell mass", "g", key="cell_mass_g"))
    volume_m3: np.ndarray = field(metadata=param("Cell volume", "cm³", key="cell_volume_cm3"))
    specific_energy_J_kg: np.ndarray = field(metadata=param("Specific energy", "Wh/kg", key="specific_energy_Wh_kg"))
    energy_density_J_m3: np.ndarray = field(metadata=param("Energy density", "Wh/L", key="energy_density_Wh_L"))
    housing_mass_share: np.ndarray = field(metadata=param("Container and collectors, share of the mass", "-", key="housing_mass_share"))
    housing_usd: np.ndarray = field(metadata=param("Container and collectors per accepted cell", "$", key="housing_usd"))
    cell_cost_usd: np.ndarray = field(metadata=param("Cell cost", "$", key="cell_cost_usd"))
    cell_cost_usd_per_J: np.ndarray = field(metadata=param("Cell cost per kWh", "$/kWh", key="cell_cost_usd_per_kWh"))


def compare_formats(design: Any = None, names: tuple[str, ...] = ("pouch", "cylindrical_21700", "cylindrical_4680",
                                                                    "prismatic_phev2", "prismatic_bev2"),
                    **cost_kw: Any) -> FormatComparison:
    """One design in each cell format: energy, mass, volume, densities, housing and cost (one cost call per format).

    The comparison the docs and the report show (``docs/models/formats.md``); each format is one vectorised call of
    the cell and cost models (formats are not mixed within one call).

    Parameters
    ----------
    design : CellDesign, optional
        One design (default: BatPaC 5.0's default NMC811 | graphite cell).
    names : tuple of str
        The formats (values of the bom key ``cell_format``).
    **cost_kw
        Further keyword arguments of :func:`xlcell.cost.cost_details` (factory, prices, yields, slurry, calendering).
    """
    from .cell import default_design
    from .cost import cost_details

    d = design if design is not None else default_design()
    rows = []
    for name in names:
        det = cost_details(d, fmt=cell_format(name), **cost_kw)
        g, b = det.geometry, det.bom
        housing_kg = b.design["pouch"] + b.design["pos_terminal"] + b.design["neg_terminal"]
        rows.append((g.energy_J, g.capacity_C, g.mass_kg, g.cell_volume_m3, housing_kg / g.mass_kg,
                     b.cost["pouch"] + b.cost["pos_terminal"] + b.cost["neg_terminal"], det.metrics.cell_cost_usd,
                     det.metrics.cost_per_energy_usd_J))
    col = [np.array([float(np.asarray(r[i]).reshape(-1)[0]) for r in rows]) for i in range(8)]
    return FormatComparison(names=tuple(names), energy_J=col[0], capacity_C=col[1], mass_kg=col[2], volume_m3=col[3],
                            specific_energy_J_kg=col[0] / col[2], energy_density_J_m3=col[0] / col[3],
                            housing_mass_share=col[4], housing_usd=col[5], cell_cost_usd=col[6],
                            cell_cost_usd_per_J=col[7])


__all__ = ["FormatComparison", "compare_formats", "CanFormat", "FORMAT_NAMES", "ALIASES", "SHAPES", "can_preset", "cell_format", "preset_names", "format_names", "format_name", "check_can",
           "can_geometry", "housing_cost", "format_steps"]
