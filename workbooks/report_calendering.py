"""The report's Calendering section: the report design's positive electrode calendered over a line-load
sweep (porosity, thickness, tortuosity, κ_eff, energy density, power), the line load that reaches the
design's porosity, the fracture limit, and a reference roll's deflection and crown.

Values come from :mod:`xlcell.calendering` and :mod:`xlcell.roll`; this module only lays them out.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from openpyxl import Workbook
from openpyxl.chart import Reference

from xlcell.calendering import (
    CALENDERING_MATERIALS,
    Microstructure,
    calendering_performance,
    coating_porosity,
    fracture_line_load,
    line_load_for_porosity,
)
from xlcell.cell import CellMetrics
from xlcell.errors import XlcellError
from xlcell.params import spec_by_key
from xlcell.roll import (
    crown_height,
    crown_radius,
    roll_deflection,
    thermal_crown_temperature,
)

from . import style

LINE_LOADS_N_MM = np.arange(0.0, 2001.0, 100.0)
SOLIDS_FRACTION = 0.40
#: reference calender: 1000 N/mm over a 0.8 m face, 1.2 m bearing span, solid 0.6 m steel rolls
ROLL = {"line_load_N_m": 1e6, "face_width_m": 0.8, "bearing_span_m": 1.2, "roll_diameter_m": 0.6}
COLUMNS = [("line_load_N_mm", None), ("porosity", None), ("thickness_um", None), ("tortuosity", None),
           ("kappa_eff_S_m", None), ("sigma_through_S_m", None), ("fractured", None),
           ("energy_density_Wh_L", "cell"), ("specific_energy_Wh_kg", "cell"), ("max_power_W", "cell")]


def calendering_section(wb: Workbook, ctx: Any) -> None:
    """Add the "Calendering" sheet for the report design ``ctx`` (a :class:`workbooks.report.ReportContext`)."""
    ws = wb.create_sheet("Calendering")
    material = str(ctx.values.get("pos_material", "NMC811"))
    style.title(ws, f"Calendering of the positive electrode ({material})",
                f"Areal capacity held at the design's; slurry solids volume fraction {SOLIDS_FRACTION:g}; "
                "compaction law after Meyer et al. 2017 with xlcell's illustrative parameters")
    mat = CALENDERING_MATERIALS.get(material.upper())
    if mat is None:
        ws.cell(row=4, column=1, value=f"No calendering parameters for {material}: add it to the Calendering sheet's "
                "table to see this section.").font = style.DERIVED_FONT
        return
    q = LINE_LOADS_N_MM * 1e3
    micro, cell = calendering_performance(ctx.design, q, which="pos", material=mat, solids_fraction=SOLIDS_FRACTION)
    m, c = micro.as_display(), cell.as_display()
    specs_by_key = {**spec_by_key(Microstructure), **spec_by_key(CellMetrics)}

    e0 = float(coating_porosity(SOLIDS_FRACTION, mat.drying_shrinkage))
    design_eps = float(np.asarray(ctx.design.pos.porosity).reshape(-1)[0])
    try:
        q_design = f"{float(line_load_for_porosity(design_eps, e0, mat.eps_min, mat.gamma_N_m)) / 1e3:.4g} N/mm"
    except XlcellError as exc:
        q_design = str(exc)
    q_frac = float(fracture_line_load(e0, mat)) / 1e3
    h = float(crown_height(**ROLL))
    facts = [
        ("Porosity before calendering ε0", e0, "-"),
        ("Design porosity", design_eps, "-"),
        ("Line load for the design porosity", q_design, ""),
        ("Fracture-limited line load", q_frac if np.isfinite(q_frac) else "none (ductile)", "N/mm"),
        ("Fracture-onset porosity", mat.fracture_porosity, "-"),
        ("Reference roll mid-face deflection", float(roll_deflection(**ROLL)) * 1e6, "µm"),
        ("Crown height per roll (bending + shear)", h * 1e6, "µm"),
        ("Crown radius of curvature", float(crown_radius(h, ROLL["face_width_m"])), "m"),
        ("Thermal crown: centre-to-edge ΔT", float(thermal_crown_temperature(h, ROLL["roll_diameter_m"])), "K"),
    ]
    style.header_row(ws, 4, 1, ["Quantity", "Value", "Unit"])
    for i, (label, value, unit) in enumerate(facts, start=5):
        ws.cell(row=i, column=1, value=label)
        style.style_result(ws.cell(row=i, column=2, value=value), unit or "text")
        ws.cell(row=i, column=3, value=unit)
    ws.cell(row=5 + len(facts), column=1, value="Reference roll: 1000 N/mm over a 0.8 m face, 1.2 m bearing span, "
            "solid 0.6 m steel roll").font = style.DERIVED_FONT

    top = 7 + len(facts)
    labels = []
    for k, _ in COLUMNS:
        s = specs_by_key[k]
        labels.append(s.label + ("" if s.unit in ("-", "bool") else f" ({s.unit})"))
    style.header_row(ws, top, 1, labels)
    for i in range(q.size):
        for j, (k, src) in enumerate(COLUMNS):
            v = np.asarray((c if src else m)[k]).reshape(-1)[i]
            unit = specs_by_key[k].unit
            style.style_result(ws.cell(row=top + 1 + i, column=1 + j, value=bool(v) if unit == "bool" else float(v)), unit)
    last = top + q.size
    xs = Reference(ws, min_col=1, min_row=top + 1, max_row=last)
    for anchor, title, y_title, col in (("L4", "Porosity versus line load", "Porosity (-)", 2),
                                        ("L20", "Energy density versus line load", "Energy density (Wh/L)", 8),
                                        ("L36", "Maximum power versus line load", "Power (W)", 10)):
        ws.add_chart(style.scatter_chart(title, "Line load (N/mm)", y_title,
                                         [(Reference(ws, min_col=col, min_row=top, max_row=last), xs, None)],
                                         height=7.5, width=15), anchor)
    style.widths(ws, {"A": 36, "B": 18, "C": 14, **{style.col_letter(j): 16 for j in range(4, len(COLUMNS) + 1)}})
