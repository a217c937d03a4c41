"""The report's Calendering section: the report design's positive electrode calendered over a line-load
sweep (porosity, thickness, tortuosity, κ_eff, energy density, power), the line load that reaches the
design's porosity, the fracture limit, and a reference roll's deflection and crown.

Values are the report context's ``calendering`` (:func:`xlcell.studies.calendering_study` under the scenario
:class:`xlcell.studies.CalenderingStudy`), evaluated by the report scenario; this module only lays them out.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from openpyxl import Workbook
from openpyxl.chart import Reference

from xlcell.calendering import Microstructure
from xlcell.cell import CellMetrics
from xlcell.params import spec_by_key, to_display
from xlcell.studies import CalenderingResult

from . import style

COLUMNS = [("line_load_N_mm", None), ("porosity", None), ("thickness_um", None), ("tortuosity", None),
           ("kappa_eff_S_m", None), ("sigma_through_S_m", None), ("fractured", None),
           ("energy_density_Wh_L", "cell"), ("specific_energy_Wh_kg", "cell"), ("max_power_W", "cell")]


def calendering_section(wb: Workbook, ctx: Any) -> None:
    """Add the "Calendering" sheet for the report design ``ctx`` (a :class:`workbooks.report.ReportContext`)."""
    ws = wb.create_sheet("Calendering")
    material = ctx.calendering_material
    study = ctx.calendering_study
    style.title(ws, f"Calendering of the positive electrode ({material})",
                f"Areal capacity held at the design's; slurry solids volume fraction {study.solids_fraction:g}; "
                "compaction law after Meyer et al. 2017 with xlcell's illustrative parameters")
    res: CalenderingResult | None = ctx.calendering
    if res is None:
        ws.cell(row=4, column=1, value=f"No calendering parameters for {material}: add it to the Calendering sheet's "
                "table to see this section.").font = style.DERIVED_FONT
        return
    m, c = res.micro.as_display(), res.cell.as_display()
    specs_by_key = {**spec_by_key(Microstructure), **spec_by_key(CellMetrics)}
    f = {k: np.asarray(v).reshape(-1)[0] for k, v in to_display(res).items()}
    q_design = (f"{float(f['design_line_load_N_mm']):.4g} N/mm" if not res.design_line_load_note
                else res.design_line_load_note)
    q_frac = float(f["fracture_line_load_N_mm"])
    facts = [
        ("Porosity before calendering ε0", float(f["eps0"]), "-"),
        ("Design porosity", float(f["design_porosity"]), "-"),
        ("Line load for the design porosity", q_design, ""),
        ("Fracture-limited line load", q_frac if np.isfinite(q_frac) else "none (ductile)", "N/mm"),
        ("Fracture-onset porosity", float(f["fracture_porosity"]), "-"),
        ("Reference roll mid-face deflection", float(f["roll_deflection_um"]), "µm"),
        ("Crown height per roll (bending + shear)", float(f["crown_height_um"]), "µm"),
        ("Crown radius of curvature", float(f["crown_radius_m"]), "m"),
        ("Thermal crown: centre-to-edge ΔT", float(f["thermal_crown_K"]), "K"),
    ]
    style.header_row(ws, 4, 1, ["Quantity", "Value", "Unit"])
    for i, (label, value, unit) in enumerate(facts, start=5):
        ws.cell(row=i, column=1, value=label)
        style.style_result(ws.cell(row=i, column=2, value=value), unit or "text")
        ws.cell(row=i, column=3, value=unit)
    roll = to_display(study)
    ws.cell(row=5 + len(facts), column=1, value=f"Reference roll: {float(roll['roll_line_load_N_mm']):g} N/mm over a "
            f"{study.face_width_m:g} m face, {study.bearing_span_m:g} m bearing span, solid {study.roll_diameter_m:g} m "
            "steel roll").font = style.DERIVED_FONT

    n = np.asarray(study.line_loads_N_m).size
    top = 7 + len(facts)
    labels = []
    for k, _ in COLUMNS:
        s = specs_by_key[k]
        labels.append(s.label + ("" if s.unit in ("-", "bool") else f" ({s.unit})"))
    style.header_row(ws, top, 1, labels)
    for i in range(n):
        for j, (k, src) in enumerate(COLUMNS):
            v = np.asarray((c if src else m)[k]).reshape(-1)[i]
            unit = specs_by_key[k].unit
            style.style_result(ws.cell(row=top + 1 + i, column=1 + j, value=bool(v) if unit == "bool" else float(v)), unit)
    last = top + n
    xs = Reference(ws, min_col=1, min_row=top + 1, max_row=last)
    for anchor, title, y_title, col in (("L4", "Porosity versus line load", "Porosity (-)", 2),
                                        ("L20", "Energy density versus line load", "Energy density (Wh/L)", 8),
                                        ("L36", "Maximum power versus line load", "Power (W)", 10)):
        ws.add_chart(style.scatter_chart(title, "Line load (N/mm)", y_title,
                                         [(Reference(ws, min_col=col, min_row=top, max_row=last), xs, None)],
                                         height=7.5, width=15), anchor)
    style.widths(ws, {"A": 36, "B": 18, "C": 14, **{style.col_letter(j): 16 for j in range(4, len(COLUMNS) + 1)}})
