"""The cell format: BatPaC 5.0's pouch cell of stacked bicells, its geometry and hardware (SI, vectorised).

One format serves every route (issue 17, "one design, one truth"): the cell model (:func:`xlcell.cell.evaluate_cell`)
takes its areas, masses, volume and hardware resistance from :func:`pouch_geometry`, and the cost model's bill of
materials (:mod:`xlcell.bom`) reads the same evaluation. The rules are those of the reference digest
``shared/reference/batpac5.md``, sections 2.3, 2.5 and 2.6, written in SI (the digest's mm/µm formulas are the same
ratios). With t the cell thickness and t_pouch the laminate thickness:

* bicell count n_bi = (t - 2 t_pouch - t_Cu) / (t_Al + t_Cu + 2 (t_sep + L_p + L_n)) × packing;
* positive width W = sqrt(A_p / (2 n_bi a)), length L = a W (aspect a = 3);
* negative oversize o_n in width and length: x_neg = (W + o_n)(L + o_n) / (W L) - 1, A_n = A_p (1 + x_neg);
* tab length l_tab = 1.2 t; Al foil n_bi W (L + l_tab); Cu foil (n_bi + 1)(W + o_n)(L + l_tab - 1 mm + o_n);
  separator 2 n_bi (W + o_sw)(L + o_sl);
* terminals [(a + b) e + c d] × thickness × density, c = l_tab - end gap, d = W - 4 mm, end gap = 0.1 t + 2 mm;
* pouch [(w_cell + 2t + s)(l_cell - 2a) + (w_cell + s)(l_cell - 2a)] × laminate thickness × density;
* hardware ASI (referred to A_p): foils (A_p/n_bi)(L/3 + l_tab)/(W t σ), terminals A_p · 1.2 · terminal length/(e t σ),
  plus a fixed share for the module and pack conductors (1.7158996 Ω·cm² for BatPaC's default cell).

The rating rule (§2.3) that turns the format's hardware ASI into the nameplate energy lives with the rest of the
chain in :func:`xlcell.cell.evaluate_cell`: V_nom = OCV - c_nom Q_A ASI_rating, ASI_rating = the electrochemical ASI
(the cell model's, by default; BatPaC's fixed couple value in BatPaC mode, :func:`batpac_format`) + the hardware ASI.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from . import paramsets
from .formats import CanFormat
from .params import param, specs

Array = Any

_F = "Cell format"


@dataclass(frozen=True, kw_only=True)
@paramsets.defaults("batpac5_default", "cell_format")
class CellFormat:
    """BatPaC's pouch cell of stacked bicells (SI). Defaults: ``[cell_format]`` of ``xlcell/data/batpac5_default.toml``,
    BatPaC 5.0's EV default cell, except that the electrochemical part of the rating ASI is blank (the cell model's
    ASI of the design: xlcell's coupled default). :func:`batpac_format` is BatPaC 5.0's own convention."""

    cell_thickness_m: Array = field(metadata=param(
        "Cell thickness", "mm", key="cell_thickness_mm", gt=1, le=100, group=_F,
        doc="BatPaC: 20 mm target plus the converged whole-bicell adjustment (20.110918 mm)"))
    whole_bicells: Array = field(metadata=param(
        "Whole bicells (1 = round the count, adjust the thickness)", "-", key="whole_bicells", ge=0, le=1, group=_F,
        doc="0 = BatPaC: the cell thickness is given (its converged 20.110918 mm gives 31.99 bicells); "
            "1 = the nearest whole number of bicells at that thickness, the thickness follows"))
    packing_factor: Array = field(metadata=param("Stack packing factor", "-", key="packing_factor", gt=0, le=1, group=_F, advanced=True))
    aspect_ratio: Array = field(metadata=param("Electrode length / width", "-", key="aspect_ratio", gt=0, le=20, group=_F))
    pouch_thickness_m: Array = field(metadata=param("Pouch laminate thickness", "µm", key="pouch_thickness_um", gt=0, le=2000, group=_F, advanced=True,
                                                    doc="30 µm PET + 100 µm Al + 20 µm PP"))
    pouch_density_kg_m3: Array = field(metadata=param(
        "Pouch laminate density", "g/cm³", key="pouch_density_g_cm3", gt=0, le=20, group=_F, advanced=True))
    neg_oversize_m: Array = field(metadata=param(
        "Negative oversize (width and length)", "mm", key="neg_oversize_mm", ge=0, le=50, group=_F, advanced=True,
        doc="Sets the negative's area excess over the positive: (W + o)(L + o)/(W L) - 1 (BatPaC: 2 mm, 4.05 %)"))
    sep_oversize_width_m: Array = field(metadata=param("Separator oversize in width", "mm", key="sep_oversize_width_mm", ge=0, le=50, group=_F, advanced=True))
    sep_oversize_length_m: Array = field(metadata=param("Separator oversize in length", "mm", key="sep_oversize_length_mm", ge=0, le=50, group=_F, advanced=True))
    tab_length_factor: Array = field(metadata=param("Positive tab length / cell thickness", "-", key="tab_length_factor", gt=0, le=10, group=_F, advanced=True))
    neg_tab_shortening_m: Array = field(metadata=param("Negative tab shorter by", "mm", key="neg_tab_shortening_mm", ge=0, le=50, group=_F, advanced=True))
    edge_to_fold_m: Array = field(metadata=param("Electrode edge to pouch fold", "mm", key="edge_to_fold_mm", ge=0, le=50, group=_F, advanced=True))
    weld_tab_m: Array = field(metadata=param("Terminal external weld tab a", "mm", key="weld_tab_mm", ge=0, le=100, group=_F, advanced=True))
    feedthrough_m: Array = field(metadata=param("Terminal feedthrough b", "mm", key="feedthrough_mm", ge=0, le=100, group=_F, advanced=True))
    feedthrough_width_m: Array = field(metadata=param("Terminal feedthrough width e", "mm", key="feedthrough_width_mm", gt=0, le=500, group=_F, advanced=True))
    wide_feedthrough_width_m: Array = field(metadata=param("Feedthrough width for wide electrodes", "mm", key="wide_feedthrough_width_mm", gt=0, le=500, group=_F, advanced=True))
    wide_electrode_m: Array = field(metadata=param("Electrode width above which the wide feedthrough is used", "mm", key="wide_electrode_mm", gt=0, le=1000, group=_F, advanced=True))
    tab_inset_m: Array = field(metadata=param("Internal tab inset from each electrode edge", "mm", key="tab_inset_mm", ge=0, le=50, group=_F, advanced=True))
    pos_terminal_thickness_m: Array = field(metadata=param("Positive terminal thickness (Al)", "mm", key="pos_terminal_thickness_mm", gt=0, le=20, group=_F, advanced=True))
    neg_terminal_thickness_m: Array = field(metadata=param("Negative terminal thickness (Cu)", "mm", key="neg_terminal_thickness_mm", gt=0, le=20, group=_F, advanced=True))
    pos_terminal_density_kg_m3: Array = field(metadata=param("Positive terminal density", "g/cm³", key="pos_terminal_density_g_cm3", gt=0, le=25, group=_F, advanced=True))
    neg_terminal_density_kg_m3: Array = field(metadata=param("Negative terminal density", "g/cm³", key="neg_terminal_density_g_cm3", gt=0, le=25, group=_F, advanced=True))
    seal_buffer_m: Array = field(metadata=param("Pouch sealing buffer", "mm", key="seal_buffer_mm", ge=0, le=50, group=_F, advanced=True))
    envelope_fill: Array = field(metadata=param("Extra electrolyte, share of the stack envelope", "-", key="envelope_fill", ge=0, le=1, group=_F, advanced=True))
    asi_energy_ohm_m2: Array = field(metadata=param(
        "Rating ASI (C/3, incl. hardware; blank = computed)", "Ω·cm²", key="asi_energy_ohm_cm2", ge=0, le=1000, allow_nan=True,
        group=_F, doc="Blank: electrochemical ASI + cell hardware (foils, terminals) + module/pack share; a number "
                      "overrides the whole rating ASI (BatPaC 5.0 default cell: 17.247990)"))
    asi_electrochemical_ohm_m2: Array = field(metadata=param(
        "Electrochemical rating ASI (blank = the cell model's)", "Ω·cm²", key="asi_electrochemical_ohm_cm2", ge=0, le=1000,
        allow_nan=True, group=_F,
        doc="Blank (xlcell): the cell model's ASI of the design (electrolyte + electronic + charge transfer), so the "
            "design's resistance moves its rated energy and $/kWh. A number: a fixed couple ASI, as BatPaC 5.0 does "
            "(NMC811-G: ASI_10s(50 % SOC) × 1.3 × f_T(30 °C) = 14.591695 × 1.3 × 0.8188056 = 15.532091)"))
    asi_pack_share_ohm_m2: Array = field(metadata=param(
        "Module and pack conductors' ASI share", "Ω·cm²", key="asi_pack_share_ohm_cm2", ge=0, le=100, group=_F, advanced=True,
        doc="BatPaC 5.0 default: interconnects, tabs, module and pack terminals, bus bar (0.1129689 Ω·cm²)"))
    pos_foil_conductivity_S_m: Array = field(metadata=param("Positive foil conductivity (Al)", "S/m", key="pos_foil_conductivity_S_m", gt=0, group=_F, advanced=True))
    neg_foil_conductivity_S_m: Array = field(metadata=param("Negative foil conductivity (Cu)", "S/m", key="neg_foil_conductivity_S_m", gt=0, group=_F, advanced=True))
    terminal_path_factor: Array = field(metadata=param("Terminal current path / terminal length", "-", key="terminal_path_factor", gt=0, le=10, group=_F, advanced=True))
    nominal_c_rate_per_h: Array = field(metadata=param("C-rate of the nominal voltage", "C-rate", key="nominal_c_rate", gt=0, le=100, group=_F, advanced=True))
    #: a can format (:class:`xlcell.formats.CanFormat`: cylindrical or prismatic jelly rolls) in place of the pouch;
    #: None = BatPaC's pouch. With a can, the pouch fields above do not apply; the rating fields (electrochemical and
    #: pack-share ASI, foil conductivities, nominal C-rate) do. :func:`xlcell.formats.cell_format` builds one by name.
    can: CanFormat | None = None


#: the table of ``xlcell/data/batpac5_default.toml`` that holds BatPaC 5.0's own conventions where xlcell's default
#: chain differs from them (the electrochemical rating ASI: BatPaC's fixed NMC811-G couple value)
BATPAC_MODE_TABLE = "batpac_mode.cell_format"


def batpac_format(**fields_si: Array) -> CellFormat:
    """BatPaC 5.0's cell format and rating convention: the default format with BatPaC's fixed couple ASI.

    BatPaC 5.0 rates the cell's nominal voltage with the NMC811-G couple's tabulated ASI (15.532091 Ω·cm² at 30 °C,
    digest §2.3), whatever the electrode design; with it, the chain reproduces BatPaC's default cell exactly (250.0 Wh,
    $19.7548 per cell, $79.02/kWh). The values are ``[batpac_mode.cell_format]`` of
    ``xlcell/data/batpac5_default.toml``.

    Parameters
    ----------
    **fields_si : array_like
        Further overrides of :class:`CellFormat` fields by their SI names (e.g. ``cell_thickness_m=0.015``).
    """
    where = f"xlcell/data/batpac5_default.toml [{BATPAC_MODE_TABLE}]"
    values = paramsets.si_values(CellFormat, paramsets.table("batpac5_default", BATPAC_MODE_TABLE), where)
    return replace(CellFormat(), **{**values, **fields_si})


def check_format(fmt: CellFormat) -> None:
    """Refuse a format field outside its allowed range (the message names the Excel key).

    Parameters
    ----------
    fmt : CellFormat
        The cell format (SI).
    """
    for s in specs(fmt):
        s.check(getattr(fmt, s.name))


def pouch_geometry(pos_area_m2: Array, pos_thickness_m: Array, neg_thickness_m: Array, sep_thickness_m: Array,
                   pos_foil_m: Array, neg_foil_m: Array, fmt: CellFormat) -> dict[str, Array]:
    """The pouch of stacked bicells that holds a positive electrode area ``pos_area_m2`` (SI arrays, broadcasting).

    Parameters
    ----------
    pos_area_m2 : array_like
        Positive electrode area A_p, every coated face (m²).
    pos_thickness_m, neg_thickness_m : array_like
        Coating thicknesses L_p, L_n, one side (m).
    sep_thickness_m : array_like
        Separator thickness (m).
    pos_foil_m, neg_foil_m : array_like
        Current-collector foil thicknesses t_Al, t_Cu (m).
    fmt : CellFormat
        The cell format.

    Returns
    -------
    dict
        ``n_bicells``, ``cell_thickness_m``, ``electrode_width_m``, ``electrode_length_m``, ``neg_area_excess``,
        ``neg_area_m2``, ``cell_width_m``, ``cell_length_m``, ``cell_volume_m3``, ``envelope_m3`` (t W L),
        ``pos_foil_area_m2``, ``neg_foil_area_m2``, ``separator_area_m2``, ``pos_terminal_kg``,
        ``neg_terminal_kg``, ``pouch_kg`` and ``asi_hardware_ohm_m2`` (foils, terminals and the module/pack share,
        referred to A_p); ``pos_area_m2`` (= A_p), ``fill_m3`` (the electrolyte beyond the pores: the envelope fill
        × t W L) and ``assembly_cost_factor`` (1: BatPaC's line) as a can format gives them
        (:func:`xlcell.formats.can_geometry`).
    """
    f = fmt
    A_p = pos_area_m2
    t = f.cell_thickness_m
    pitch = pos_foil_m + neg_foil_m + 2.0 * (sep_thickness_m + pos_thickness_m + neg_thickness_m)
    shell = 2.0 * f.pouch_thickness_m + neg_foil_m
    n_bi = (t - shell) / pitch * f.packing_factor
    whole = np.asarray(f.whole_bicells) > 0.5
    if np.any(whole):
        n_round = np.maximum(1.0, np.round(n_bi))
        t = np.where(whole, n_round / f.packing_factor * pitch + shell, t)
        n_bi = np.where(whole, n_round, n_bi)
    W = np.sqrt(A_p / (2.0 * n_bi * f.aspect_ratio))
    L = f.aspect_ratio * W
    o = f.neg_oversize_m
    x_neg = (W + o) * (L + o) / (W * L) - 1.0
    l_tab = f.tab_length_factor * t
    end_gap = 0.1 * t + 2e-3
    c = l_tab - end_gap
    dd = W - 2.0 * f.tab_inset_m
    e = np.where(W > f.wide_electrode_m, f.wide_feedthrough_width_m, f.feedthrough_width_m)
    term_area = (f.weld_tab_m + f.feedthrough_m) * e + c * dd
    term_len = f.weld_tab_m + f.feedthrough_m + c
    cell_w = W + 2.0 * f.edge_to_fold_m + f.sep_oversize_width_m
    cell_l = L + 2.0 * (term_len + end_gap)
    sb = f.seal_buffer_m
    pouch_area = ((cell_w + 2.0 * t + sb) + (cell_w + sb)) * (cell_l - 2.0 * f.weld_tab_m)
    # hardware ASI of the cell (§2.3), referred to the electrode area A_p: foils carry the current over L/3 + l_tab of
    # a W-wide sheet, n_bi sheets in parallel; terminals over 1.2 × their length
    path = L / 3.0 + l_tab
    asi_pos_foil = (A_p / n_bi) * path / (W * pos_foil_m * f.pos_foil_conductivity_S_m)
    asi_neg_foil = (A_p / n_bi) * path / (W * neg_foil_m * f.neg_foil_conductivity_S_m)
    asi_pos_term = A_p * f.terminal_path_factor * term_len / (e * f.pos_terminal_thickness_m * f.pos_foil_conductivity_S_m)
    asi_neg_term = A_p * f.terminal_path_factor * term_len / (e * f.neg_terminal_thickness_m * f.neg_foil_conductivity_S_m)
    volume = t * cell_w * cell_l
    return dict(
        pos_area_m2=A_p, fill_m3=f.envelope_fill * (t * W * L), assembly_cost_factor=1.0,
        n_bicells=n_bi, cell_thickness_m=np.broadcast_to(t, np.shape(volume)), electrode_width_m=W, electrode_length_m=L,
        neg_area_excess=x_neg, neg_area_m2=A_p * (1.0 + x_neg), cell_width_m=cell_w, cell_length_m=cell_l,
        cell_volume_m3=volume, envelope_m3=t * W * L,
        pos_foil_area_m2=n_bi * W * (L + l_tab),
        neg_foil_area_m2=(n_bi + 1.0) * (W + o) * (L + l_tab - f.neg_tab_shortening_m + o),
        separator_area_m2=2.0 * n_bi * (W + f.sep_oversize_width_m) * (L + f.sep_oversize_length_m),
        pos_terminal_kg=term_area * f.pos_terminal_thickness_m * f.pos_terminal_density_kg_m3,
        neg_terminal_kg=term_area * f.neg_terminal_thickness_m * f.neg_terminal_density_kg_m3,
        pouch_kg=pouch_area * f.pouch_thickness_m * f.pouch_density_kg_m3,
        asi_hardware_ohm_m2=asi_pos_foil + asi_neg_foil + asi_pos_term + asi_neg_term + f.asi_pack_share_ohm_m2,
    )


__all__ = ["CellFormat", "BATPAC_MODE_TABLE", "batpac_format", "check_format", "pouch_geometry"]
