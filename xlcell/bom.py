"""BatPaC-compatible bill of materials, driven by any :class:`~xlcell.cell.CellDesign` in its cell format.

The cell format is BatPaC 5.0's pouch cell of stacked bicells (:mod:`xlcell.pouch`, reference digest
``shared/reference/batpac5.md``, sections 2.3, 2.5, 2.6 and 3). The geometry, the capacity, the rated voltage and
energy, the cell mass and volume are not computed here: :func:`cell_geometry` reads them from the one chain of the
cell model (:func:`xlcell.cell.chain`, issue 17), so the cost model and the cell model cannot give two answers for
one design. The rated (nameplate) energy is capacity × V_nom, V_nom = OCV(50 %) - c_nom Q_A,p ASI_rating with
c_nom = 1/3 per hour (BatPaC's C/3 rule) and ASI_rating = the electrochemical ASI + the cell's hardware ASI (foils,
terminals) + a fixed share for the module and pack conductors. The electrochemical ASI is the cell model's ASI of
the design by default; BatPaC 5.0's fixed NMC811-G couple value (15.532091 Ω·cm², which gives 17.247990 Ω·cm² and
250.0 Wh for BatPaC's default cell) in BatPaC mode (:func:`xlcell.pouch.batpac_format`). A number in
``CellFormat.asi_energy_ohm_m2`` overrides the whole rating ASI.

Bill of materials (section 3.3): quantity per accepted cell = design quantity / (Y_cell Y_material),
Y_material the product of the material step yields, rounded to 0.1 % as BatPaC does (a switch).
Purchased hardware is bought per built cell: (mass × $/kg + plus cost × (N_0/N_built)^(1 - e)) / Y_cell.
NMP is charged as BatPaC does, price × NMP per accepted cell × Y_cell, i.e. without credit for
recovery; ``Slurry.credit_nmp_recovery = 1`` charges only the unrecovered make-up instead (section 3.4).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np

from . import paramsets
from .cell import CellDesign, chain, default_format, resolve
from .errors import InputError
from .params import param, per_item, specs
from .formats import housing_cost
from .pouch import CellFormat, batpac_format

Array = Any

_P = "Prices"


@dataclass(frozen=True, kw_only=True)
@paramsets.defaults("batpac5_default", "prices")
class MaterialPrices:
    """Material prices (BatPaC 5.0 defaults, section 3.1: ``[prices]`` of ``xlcell/data/batpac5_default.toml``) and
    purchased-hardware rules.

    The active materials' prices are blank (NaN) by default: the cost model then pays the price of the design's own
    active materials (``ElectrodeDesign.am_price_usd_kg``, the material library's price: NMC811 $26/kg and graphite
    $10/kg as in BatPaC 5.0, LFP $10/kg, ...), see :func:`resolve_prices`. A typed price overrides it."""

    pos_am_usd_kg: Array = field(metadata=param(
        "Positive active material (blank = the material's price)", "$/kg", key="pos_am_usd_kg", ge=0, allow_nan=True,
        group=_P, doc="Blank: the design's positive active material at its library price (NMC811: $26/kg, BatPaC 5.0 "
                      "§3.1; LFP: $10/kg, BatPaC 5.0 Chem sheet)"))
    pos_carbon_usd_kg: Array = field(metadata=param("Positive carbon additive", "$/kg", key="pos_carbon_usd_kg", ge=0, group=_P))
    pos_binder_usd_kg: Array = field(metadata=param("Positive binder (PVDF)", "$/kg", key="pos_binder_usd_kg", ge=0, group=_P))
    pos_solvent_usd_kg: Array = field(metadata=param("Positive solvent (NMP)", "$/kg", key="pos_solvent_usd_kg", ge=0, group=_P))
    neg_am_usd_kg: Array = field(metadata=param(
        "Negative active material (blank = the material's price)", "$/kg", key="neg_am_usd_kg", ge=0, allow_nan=True,
        group=_P, doc="Blank: the design's negative active material at its library price (graphite: $10/kg, BatPaC 5.0 "
                      "§3.1)"))
    neg_carbon_usd_kg: Array = field(metadata=param("Negative carbon additive", "$/kg", key="neg_carbon_usd_kg", ge=0, group=_P))
    neg_binder_usd_kg: Array = field(metadata=param("Negative binder", "$/kg", key="neg_binder_usd_kg", ge=0, group=_P))
    neg_solvent_usd_kg: Array = field(metadata=param("Negative solvent (water)", "$/kg", key="neg_solvent_usd_kg", ge=0, group=_P))
    pos_foil_usd_m2: Array = field(metadata=param("Positive foil (Al)", "$/m²", key="pos_foil_usd_m2", ge=0, group=_P))
    neg_foil_usd_m2: Array = field(metadata=param("Negative foil (Cu)", "$/m²", key="neg_foil_usd_m2", ge=0, group=_P))
    separator_usd_m2: Array = field(metadata=param("Separator", "$/m²", key="separator_usd_m2", ge=0, group=_P))
    electrolyte_usd_m3: Array = field(metadata=param("Electrolyte", "$/L", key="electrolyte_usd_L", ge=0, group=_P))
    pos_terminal_usd_kg: Array = field(metadata=param("Positive terminal (Al)", "$/kg", key="pos_terminal_usd_kg", ge=0, group=_P))
    neg_terminal_usd_kg: Array = field(metadata=param("Negative terminal (Cu)", "$/kg", key="neg_terminal_usd_kg", ge=0, group=_P))
    pouch_usd_kg: Array = field(metadata=param("Pouch laminate", "$/kg", key="pouch_usd_kg", ge=0, group=_P))
    pos_terminal_plus_usd: Array = field(metadata=param("Positive terminal plus cost", "$", key="pos_terminal_plus_usd", ge=0, group=_P))
    neg_terminal_plus_usd: Array = field(metadata=param("Negative terminal plus cost", "$", key="neg_terminal_plus_usd", ge=0, group=_P))
    pouch_plus_usd: Array = field(metadata=param("Pouch plus cost", "$", key="pouch_plus_usd", ge=0, group=_P))
    hardware_volume_exponent: Array = field(metadata=param(
        "Hardware plus-cost volume exponent", "-", key="hardware_volume_exponent", ge=0, le=1, group=_P, advanced=True,
        doc="Plus cost × (baseline / cells built)^(1 - exponent)"))
    hardware_baseline_cells: Array = field(metadata=param("Hardware baseline, cells built per year", "-", key="hardware_baseline_cells", gt=0, group=_P, advanced=True))


_Y = "Material yields"


@dataclass(frozen=True, kw_only=True)
@paramsets.defaults("batpac5_default", "yields")
class MaterialYields:
    """Material yields of the steps each material passes (BatPaC 5.0 defaults, section 3.2: ``[yields]`` of
    ``xlcell/data/batpac5_default.toml``).

    Electrode materials pass mixing, coating, slitting and stacking; foils pass coating, slitting
    (foil yield) and stacking; the separator passes stacking (separator yield); the electrolyte
    passes filling. Cell yield (built -> accepted) comes from the factory's step table.
    """

    mixing: Array = field(metadata=param("Mixing (electrode materials)", "-", key="mixing_yield", gt=0, le=1, group=_Y))
    coating: Array = field(metadata=param("Coating (electrode materials and foils)", "-", key="coating_yield", gt=0, le=1, group=_Y))
    slitting_electrode: Array = field(metadata=param("Slitting (electrode materials)", "-", key="slitting_electrode_yield", gt=0, le=1, group=_Y))
    slitting_foil: Array = field(metadata=param("Slitting (foils)", "-", key="slitting_foil_yield", gt=0, le=1, group=_Y))
    stacking_electrode: Array = field(metadata=param("Stacking (electrode materials and foils)", "-", key="stacking_electrode_yield", gt=0, le=1, group=_Y))
    stacking_separator: Array = field(metadata=param("Stacking (separator)", "-", key="stacking_separator_yield", gt=0, le=1, group=_Y))
    filling: Array = field(metadata=param("Filling (electrolyte)", "-", key="filling_yield", gt=0, le=1, group=_Y))
    rounding: Array = field(metadata=param(
        "Round effective yields to", "-", key="yield_rounding", ge=0, le=0.1, group=_Y, advanced=True,
        doc="BatPaC rounds each effective yield to 0.1 % (0.001); 0 = no rounding"))

    def effective(self) -> dict[str, Array]:
        """Effective yields: electrode materials, foils, separator, electrolyte (rounded as set)."""
        raw = dict(
            electrode=self.mixing * self.coating * self.slitting_electrode * self.stacking_electrode,
            foil=self.coating * self.slitting_foil * self.stacking_electrode,
            separator=np.asarray(self.stacking_separator, dtype=float),
            electrolyte=np.asarray(self.filling, dtype=float),
        )
        r = np.asarray(self.rounding, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            return {k: np.where(r > 0, np.round(v / np.where(r > 0, r, 1.0)) * r, v) for k, v in raw.items()}


_S = "Slurry"


@dataclass(frozen=True, kw_only=True)
@paramsets.defaults("batpac5_default", "slurry")
class Slurry:
    """Slurry solvents and their recovery (BatPaC 5.0 defaults, sections 2.1 and 3.4: ``[slurry]`` of
    ``xlcell/data/batpac5_default.toml``)."""

    pos_solvent_to_binder: Array = field(metadata=param("Positive solvent / binder mass ratio", "-", key="pos_solvent_to_binder", ge=0, le=1000, group=_S))
    neg_solvent_to_binder: Array = field(metadata=param("Negative solvent / binder mass ratio", "-", key="neg_solvent_to_binder", ge=0, le=1000, group=_S))
    nmp_recovery: Array = field(metadata=param("NMP recovery rate", "-", key="nmp_recovery", ge=0, le=1, group=_S))
    credit_nmp_recovery: Array = field(metadata=param(
        "Credit NMP recovery in the cell cost (1 = yes)", "-", key="credit_nmp_recovery", ge=0, le=1, group=_S,
        doc="BatPaC charges all NMP (0); 1 charges only the unrecovered make-up"))


@dataclass(frozen=True, kw_only=True)
class CellGeometry:
    """Results of :func:`cell_geometry` (SI)."""

    capacity_C: Array = field(metadata=param("Capacity", "Ah", key="capacity_Ah"))
    nominal_voltage_V: Array = field(metadata=param("Nominal voltage (C/3)", "V", key="nominal_voltage_V"))
    energy_J: Array = field(metadata=param("Cell energy (nominal)", "Wh", key="cell_energy_Wh"))
    n_bicells: Array = field(metadata=param("Bicells", "-", key="n_bicells"))
    electrode_width_m: Array = field(metadata=param("Positive electrode width", "mm", key="electrode_width_mm"))
    electrode_length_m: Array = field(metadata=param("Positive electrode length", "mm", key="electrode_length_mm"))
    neg_area_excess: Array = field(metadata=param("Negative area excess", "-", key="neg_area_excess"))
    pos_area_m2: Array = field(metadata=param("Positive electrode area", "cm²", key="pos_area_cm2"))
    neg_area_m2: Array = field(metadata=param("Negative electrode area", "cm²", key="neg_area_cm2"))
    cell_thickness_m: Array = field(metadata=param("Cell thickness", "mm", key="cell_thickness_mm"))
    cell_width_m: Array = field(metadata=param("Cell width", "mm", key="cell_width_mm"))
    cell_length_m: Array = field(metadata=param("Cell length", "mm", key="cell_length_mm"))
    cell_volume_m3: Array = field(metadata=param("Cell volume", "cm³", key="cell_volume_cm3"))
    stacked_sheets: Array = field(metadata=param("Electrode sheets stacked", "-", key="stacked_sheets"))
    asi_hardware_ohm_m2: Array = field(metadata=param("Hardware ASI (foils, terminals, module/pack share)", "Ω·cm²", key="asi_hardware_ohm_cm2"))
    asi_energy_ohm_m2: Array = field(metadata=param("Rating ASI used for the nominal voltage", "Ω·cm²", key="asi_energy_ohm_cm2"))
    mass_kg: Array = field(metadata=param("Cell mass (with the format's hardware)", "g", key="cell_mass_g"))
    specific_energy_J_kg: Array = field(metadata=param("Specific energy (nominal)", "Wh/kg", key="specific_energy_nominal_Wh_kg"))
    energy_density_J_m3: Array = field(metadata=param("Energy density (nominal)", "Wh/L", key="energy_density_nominal_Wh_L"))


#: Bill-of-materials items: (key, label, kind) with kind "mass" (kg), "area" (m²), "volume" (m³),
#: "hardware" (kg, bought per built cell) or "solvent" (kg).
BOM_ITEMS: tuple[tuple[str, str, str], ...] = (
    ("pos_am", "Positive active material", "mass"),
    ("pos_carbon", "Positive carbon additive", "mass"),
    ("pos_binder", "Positive binder", "mass"),
    ("pos_solvent", "Positive solvent (NMP)", "solvent"),
    ("neg_am", "Negative active material", "mass"),
    ("neg_carbon", "Negative carbon additive", "mass"),
    ("neg_binder", "Negative binder", "mass"),
    ("neg_solvent", "Negative solvent (water)", "solvent"),
    ("pos_foil", "Positive foil (Al)", "area"),
    ("neg_foil", "Negative foil (Cu)", "area"),
    ("separator", "Separator", "area"),
    ("electrolyte", "Electrolyte", "volume"),
    ("pos_terminal", "Positive terminal (Al)", "hardware"),
    ("neg_terminal", "Negative terminal (Cu)", "hardware"),
    ("pouch", "Container (pouch; can with cap or lid)", "hardware"),
)
#: display unit of a bill-of-materials quantity by item kind (SI: kg, m², m³)
BOM_KIND_UNITS: dict[str, str] = {"mass": "g", "solvent": "g", "hardware": "g", "area": "m²", "volume": "L"}
#: display unit of each item's quantity: item key -> unit (the metadata of :class:`BillOfMaterials`)
BOM_UNITS: dict[str, str] = {key: BOM_KIND_UNITS[kind] for key, _, kind in BOM_ITEMS}


@dataclass(frozen=True)
class BillOfMaterials:
    """Bill of materials: one array per item (SI: kg, m² or m³), plus yields and costs ($).

    ``design`` is the quantity in one finished cell, ``per_accepted`` the quantity bought per
    accepted cell, ``yield_`` the material yield that applies (cell yield excluded), ``cost`` the
    $ per accepted cell. Dict keys are the item keys of :data:`BOM_ITEMS`.
    """

    design: dict[str, np.ndarray] = field(metadata=per_item("Design quantity (one finished cell)", key="design_qty",
                                                            units=BOM_UNITS))
    yield_: dict[str, np.ndarray] = field(metadata=per_item("Material yield", key="material_yield",
                                                            units=dict.fromkeys(BOM_UNITS, "-")))
    per_accepted: dict[str, np.ndarray] = field(metadata=per_item("Quantity bought per accepted cell",
                                                                  key="per_accepted_cell", units=BOM_UNITS))
    cost: dict[str, np.ndarray] = field(metadata=per_item("Cost per accepted cell", key="cost_usd",
                                                          units=dict.fromkeys(BOM_UNITS, "$")))
    cell_yield: np.ndarray = field(metadata=param("Cell yield", "-", key="cell_yield"))

    @property
    def total_usd(self) -> np.ndarray:
        return sum(self.cost.values())  # type: ignore[return-value]


def cell_geometry(design: CellDesign, fmt: CellFormat | None = None, *,
                  calendering: Mapping[str, Any] | None = None) -> CellGeometry:
    """BatPaC's pouch geometry, rated voltage, capacity and energy for a population of designs.

    Parameters
    ----------
    design : CellDesign
        Designs (SI, broadcasting). ``electrode_area_m2`` is the positive area A_p (all faces).
    fmt : CellFormat, optional
        The cell format (default: BatPaC's 20 mm EV pouch with the cell model's ASI in the rating;
        :func:`xlcell.pouch.batpac_format` for BatPaC's fixed couple ASI).
    calendering : mapping, optional
        The calendering context of the coatings' electronic conductivity (:func:`xlcell.cell.evaluate_cell`).

    Returns
    -------
    CellGeometry
    """
    g, _ = _geometry(resolve(design), fmt or default_format(), calendering)
    return g


def _geometry(d: CellDesign, f: CellFormat, calendering: Mapping[str, Any] | None = None,
              ) -> tuple[CellGeometry, dict[str, Array]]:
    """The geometry of resolved designs and the design quantities of the format's items, from :func:`xlcell.cell.chain`."""
    c = chain(d, f, calendering)
    q = dict(
        pos_coating=c["mass_pos_coating_kg"], neg_coating=c["mass_neg_coating_kg"],
        pos_foil=c["pos_foil_area_m2"], neg_foil=c["neg_foil_area_m2"], separator=c["separator_area_m2"],
        electrolyte=c["electrolyte_volume_m3"], pos_terminal=c["pos_terminal_kg"], neg_terminal=c["neg_terminal_kg"],
        pouch=c["pouch_kg"], assembly_cost_factor=c["assembly_cost_factor"], can_kg=c.get("can_kg"),
        can=f.can,
    )
    energy, mass, volume = c["energy_J"], c["mass_kg"], c["cell_volume_m3"]
    geo = CellGeometry(
        capacity_C=c["capacity_C"], nominal_voltage_V=c["nominal_voltage_V"], energy_J=energy, n_bicells=c["n_bicells"],
        electrode_width_m=c["electrode_width_m"], electrode_length_m=c["electrode_length_m"],
        neg_area_excess=c["neg_area_excess"], pos_area_m2=c["pos_area_m2"], neg_area_m2=c["neg_area_m2"],
        cell_thickness_m=c["cell_thickness_m"], cell_width_m=c["cell_width_m"], cell_length_m=c["cell_length_m"],
        cell_volume_m3=volume, stacked_sheets=2.0 * c["n_bicells"] + 1.0, asi_hardware_ohm_m2=c["asi_hardware_ohm_m2"],
        asi_energy_ohm_m2=c["asi_rating_ohm_m2"], mass_kg=mass, specific_energy_J_kg=energy / mass,
        energy_density_J_m3=energy / volume,
    )
    return geo, q


def _check(obj: Any) -> None:
    for s in specs(obj):
        s.check(getattr(obj, s.name))


def bill_of_materials(
    design: CellDesign,
    cells_built_per_yr: Array,
    cell_yield: Array,
    fmt: CellFormat | None = None,
    prices: MaterialPrices | None = None,
    yields: MaterialYields | None = None,
    slurry: Slurry | None = None,
) -> tuple[BillOfMaterials, CellGeometry]:
    """Bill of materials per accepted cell for a population of designs.

    Parameters
    ----------
    design : CellDesign
        Designs (SI, broadcasting).
    cells_built_per_yr : array_like
        Cells built per year (sets the hardware plus-cost scale).
    cell_yield : array_like
        Accepted / built cells.
    fmt, prices, yields, slurry : optional
        Cell format, prices, material yields and slurry settings (BatPaC 5.0 defaults).

    Returns
    -------
    (BillOfMaterials, CellGeometry)
    """
    d = resolve(design)
    return _bom(d, _geometry(d, fmt or default_format()), cells_built_per_yr, cell_yield, prices, yields, slurry)


def resolve_prices(design: CellDesign, prices: MaterialPrices | None = None) -> MaterialPrices:
    """``prices`` with a blank (NaN) active-material price replaced by the design's active material's price.

    The design carries its materials' prices (``pos.am_price_usd_kg``, ``neg.am_price_usd_kg``: the material library's
    price unless the design overrides it), so an LFP cathode is priced at LFP's $10/kg, not NMC811's $26/kg.

    Parameters
    ----------
    design : CellDesign
        Designs (SI; broadcasting); their electrodes' ``am_price_usd_kg``.
    prices : MaterialPrices, optional
        Prices; a NaN ``pos_am_usd_kg`` / ``neg_am_usd_kg`` takes the design's price (default: all blank).

    Raises
    ------
    InputError
        A blank price whose material has no price either (a user-defined material without ``price_usd_per_kg``).
    """
    pr = prices or MaterialPrices()
    out = {}
    for part, key in (("pos", "pos_am_usd_kg"), ("neg", "neg_am_usd_kg")):
        typed = np.asarray(getattr(pr, key), dtype=float)
        own = np.asarray(getattr(design, part).am_price_usd_kg, dtype=float)
        v = np.where(np.isnan(typed), own, typed)
        if np.isnan(v).any():
            side = "positive" if part == "pos" else "negative"
            raise InputError(key, None, f"a price in $/kg: the design's {side} active material has no library price "
                             f"(price_usd_per_kg); type {key} on the BOM sheet or {part}_price_usd_per_kg on the design")
        out[key] = v if v.ndim else float(v)
    return dataclasses.replace(pr, **out)


def _bom(d: CellDesign, geometry: tuple[CellGeometry, dict[str, Array]], cells_built_per_yr: Array, cell_yield: Array,
         prices: MaterialPrices | None, yields: MaterialYields | None, slurry: Slurry | None,
         ) -> tuple[BillOfMaterials, CellGeometry]:
    """:func:`bill_of_materials` of a resolved design whose geometry is already computed."""
    pr, y, sl = prices or MaterialPrices(), yields or MaterialYields(), slurry or Slurry()
    for o in (pr, y, sl):
        _check(o)
    pr = resolve_prices(d, pr)
    geo, q = geometry
    p, n = d.pos, d.neg
    Yc = np.asarray(cell_yield, dtype=float)
    eff = y.effective()
    pc, nc = q["pos_coating"], q["neg_coating"]
    design_q = dict(
        pos_am=pc * p.am_frac, pos_carbon=pc * p.carbon_frac, pos_binder=pc * p.binder_frac,
        pos_solvent=sl.pos_solvent_to_binder * pc * p.binder_frac,
        neg_am=nc * n.am_frac, neg_carbon=nc * n.carbon_frac, neg_binder=nc * n.binder_frac,
        neg_solvent=sl.neg_solvent_to_binder * nc * n.binder_frac,
        pos_foil=q["pos_foil"], neg_foil=q["neg_foil"], separator=q["separator"], electrolyte=q["electrolyte"],
        pos_terminal=q["pos_terminal"], neg_terminal=q["neg_terminal"], pouch=q["pouch"],
    )
    one = np.ones_like(Yc)
    ykind = dict(mass=eff["electrode"], solvent=eff["electrode"], area=None, volume=eff["electrolyte"], hardware=one)
    yield_ = {}
    for key, _, kind in BOM_ITEMS:
        if kind == "area":
            yield_[key] = eff["separator"] if key == "separator" else eff["foil"]
        else:
            yield_[key] = ykind[kind]
    per_acc = {k: design_q[k] / (Yc * yield_[k]) for k in design_q}
    scale = (pr.hardware_baseline_cells / np.asarray(cells_built_per_yr, dtype=float)) ** (1.0 - pr.hardware_volume_exponent)
    nmp_charge = np.where(np.asarray(sl.credit_nmp_recovery) > 0.5, 1.0 - sl.nmp_recovery, Yc)
    cost = dict(
        pos_am=per_acc["pos_am"] * pr.pos_am_usd_kg, pos_carbon=per_acc["pos_carbon"] * pr.pos_carbon_usd_kg,
        pos_binder=per_acc["pos_binder"] * pr.pos_binder_usd_kg,
        pos_solvent=per_acc["pos_solvent"] * nmp_charge * pr.pos_solvent_usd_kg,
        neg_am=per_acc["neg_am"] * pr.neg_am_usd_kg, neg_carbon=per_acc["neg_carbon"] * pr.neg_carbon_usd_kg,
        neg_binder=per_acc["neg_binder"] * pr.neg_binder_usd_kg,
        neg_solvent=per_acc["neg_solvent"] * pr.neg_solvent_usd_kg,
        pos_foil=per_acc["pos_foil"] * pr.pos_foil_usd_m2, neg_foil=per_acc["neg_foil"] * pr.neg_foil_usd_m2,
        separator=per_acc["separator"] * pr.separator_usd_m2, electrolyte=per_acc["electrolyte"] * pr.electrolyte_usd_m3,
        pos_terminal=(design_q["pos_terminal"] * pr.pos_terminal_usd_kg + pr.pos_terminal_plus_usd * scale) / Yc,
        neg_terminal=(design_q["neg_terminal"] * pr.neg_terminal_usd_kg + pr.neg_terminal_plus_usd * scale) / Yc,
        pouch=(design_q["pouch"] * pr.pouch_usd_kg + pr.pouch_plus_usd * scale) / Yc,
    )
    if q["can"] is not None:  # a can format: its can, cap or lid and collectors at the format's prices
        housing = housing_cost(q["can_kg"], q["pos_terminal"], q["neg_terminal"], q["can"], pr.pos_terminal_usd_kg, pr.neg_terminal_usd_kg, scale)
        cost.update({k: v / Yc for k, v in housing.items()})
    shape = np.broadcast_shapes(*[np.shape(v) for v in list(cost.values()) + list(per_acc.values())])

    def bc(dct: dict[str, Array]) -> dict[str, np.ndarray]:  # (an array already of the shape kept as it is)
        return {k: a if a.shape == shape else np.broadcast_to(a, shape)
                for k, a in ((k, np.asarray(v, dtype=float)) for k, v in dct.items())}

    bom = BillOfMaterials(design=bc(design_q), yield_=bc(yield_), per_accepted=bc(per_acc), cost=bc(cost),
                          cell_yield=np.broadcast_to(Yc, shape))
    return bom, geo


__all__ = ["BOM_KIND_UNITS", "BOM_UNITS", "CellFormat", "batpac_format", "MaterialPrices", "MaterialYields", "Slurry", "CellGeometry",
           "BillOfMaterials", "BOM_ITEMS", "cell_geometry", "bill_of_materials", "resolve_prices"]
