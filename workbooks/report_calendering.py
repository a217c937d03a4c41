"""The report's Calendering section: the report design's positive electrode calendered over a line-load
sweep (porosity, thickness, tortuosity, κ_eff, energy density, power), the line load that reaches the
design's porosity, the fracture limit, and a reference roll's deflection and crown. A line load at which the cell
has no rated voltage (an LFP coating below percolation at 0 N/mm) keeps its microstructure, its cell values are
empty and a last "Note" column says why (:func:`xlcell.calendering.refusal_reasons`).

Values are the report context's ``calendering`` (:func:`xlcell.studies.calendering_study` under the scenario
:class:`xlcell.studies.CalenderingStudy`), evaluated by the report scenario; this module only lays them out.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from openpyxl import Workbook
from openpyxl.chart import Reference

from xlcell.calendering import Microstructure

#: a refused row's note starts as XLCELL_CALENDERING's does (udfs._excel.REFUSED; writers import no udfs)
REFUSED = "refused: "
from xlcell.cell import CellMetrics
from xlcell.params import spec_by_key, to_display
from xlcell.studies import CalenderingResult
from xlcell.units import unit_mark, with_unit

from . import style

#: the header of the column that says why a line load has no rated cell (written only when one has none)
NOTE = "Note"

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
        note = getattr(ctx, "calendering_note", "") or (f"No calendering parameters for {material}: add it to the "
                                                        "Calendering sheet's table to see this section.")
        ws.cell(row=4, column=1, value=note).font = style.DERIVED_FONT
        return
    m, c = res.micro.as_display(), res.cell.as_display()
    specs_by_key = {**spec_by_key(Microstructure), **spec_by_key(CellMetrics)}
    f = {k: np.asarray(v).reshape(-1)[0] for k, v in to_display(res).items()}
    q_design = ((float(f["design_line_load_N_mm"]), "N/mm") if not res.design_line_load_note
                else (res.design_line_load_note, "text"))
    q_frac = float(f["fracture_line_load_N_mm"])
    facts = [
        ("Porosity before calendering ε0", float(f["eps0"]), "-"),
        ("Design porosity", float(f["design_porosity"]), "-"),
        ("Line load for the design porosity", *q_design),
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
        style.style_result(ws.cell(row=i, column=2, value=value), unit if isinstance(value, float) else "text")
        ws.cell(row=i, column=3, value=unit_mark(unit))
    roll = to_display(study)
    ws.cell(row=5 + len(facts), column=1, value=f"Reference roll: {float(roll['roll_line_load_N_mm']):g} N/mm over a "
            f"{study.face_width_m:g} m face, {study.bearing_span_m:g} m bearing span, solid {study.roll_diameter_m:g} m "
            "steel roll").font = style.DERIVED_FONT

    n = np.asarray(study.line_loads_N_m).size
    top = 7 + len(facts)
    labels = []
    for k, _ in COLUMNS:
        s = specs_by_key[k]
        labels.append(with_unit(s.label, s.unit))
    refused = list(getattr(ctx, "calendering_refused", ()) or [""] * n)  # a line load without a rated cell: its row
    # says why (computed by app/report.py, xlcell.calendering.refusal_reasons), its cell values blank
    if any(refused):
        labels.append(NOTE)
    style.header_row(ws, top, 1, labels)
    for i in range(n):
        for j, (k, src) in enumerate(COLUMNS):
            if src and refused[i]:
                continue  # empty: no number, and a gap in the charts
            v = np.asarray((c if src else m)[k]).reshape(-1)[i]
            unit = specs_by_key[k].unit
            style.style_result(ws.cell(row=top + 1 + i, column=1 + j, value=bool(v) if unit == "bool" else float(v)), unit)
        if refused[i]:
            ws.cell(row=top + 1 + i, column=1 + len(COLUMNS), value=f"{REFUSED}{refused[i]}").font = style.DERIVED_FONT
    last = top + n
    xs = Reference(ws, min_col=1, min_row=top + 1, max_row=last)
    for anchor, title, y_title, col in (("L4", "Porosity versus line load", "Porosity (-)", 2),
                                        ("L20", "Energy density versus line load", "Energy density (Wh/L)", 8),
                                        ("L36", "Maximum power versus line load", "Power (W)", 10)):
        ws.add_chart(style.scatter_chart(title, "Line load (N/mm)", y_title,
                                         [(Reference(ws, min_col=col, min_row=top, max_row=last), xs, None)],
                                         height=7.5, width=15), anchor)
    style.widths(ws, {"A": 36, "B": 18, "C": 14, **{style.col_letter(j): 16 for j in range(4, len(COLUMNS) + 1)}})


def simulation_section(wb: Workbook, ctx: Any) -> None:
    """Add the "Nip simulation" sheet: the FE model of the nip that calenders the report design's positive coating to
    its porosity (the lumped law's line load), beside its 1D roll pass, with the FE fields as a picture.

    Values are the report context's ``simulation`` (:func:`app.simulation.report_simulation`); this only lays them out.
    """
    import io

    from xlcell.nip import SUMMARY_KEYS, FeNip

    ws = wb.create_sheet("Nip simulation")
    style.title(ws, "Nip simulation of the positive coating: FE model and 1D roll pass",
                "The nip that calenders the coating to the design's porosity by the compaction law (its line load); "
                "plane-strain FE (scikit-fem) against its thin-layer limit. Models and assumptions: "
                "docs/models/simulation.md")
    sim = ctx.simulation
    if sim is None:
        ws.cell(row=4, column=1, value=ctx.simulation_note or "No nip simulation.").font = style.DERIVED_FONT
        return
    s = sim.summary()
    shown = to_display(sim.inputs)
    facts = [("Material", s["material"], "text"), ("Line load (reaches the design porosity by the lumped law)",
                                                    float(shown["line_load_N_mm"]), "N/mm"),
             ("Coating thickness before calendering", float(shown["thickness_before_um"]), "µm"),
             ("Porosity before calendering ε0", s["eps0"], "-"), ("Roll diameter", float(shown["roll_diameter_m"]), "m"),
             ("Roll gap (1D roll pass)", s["gap_um"], "µm"), ("Porosity by the lumped law ε(q)", s["lumped_porosity"], "-"),
             ("Compaction pressure scale p_c", s["pressure_scale_MPa"], "MPa"),
             ("FE mesh", f"{s['fe_elements']:.0f} elements, {s['fe_dofs']:.0f} DOFs, {s['fe_steps']:.0f} roll positions",
              "text")]
    style.header_row(ws, 4, 1, ["Input or fact", "Value", "Unit"])
    for i, (label, value, unit) in enumerate(facts, start=5):
        ws.cell(row=i, column=1, value=label)
        style.style_result(ws.cell(row=i, column=2, value=value), unit)
        ws.cell(row=i, column=3, value=unit_mark(unit))
    top = 6 + len(facts)
    spec = spec_by_key(FeNip)
    style.header_row(ws, top, 1, ["Quantity", "FE", "1D roll pass", "Unit", "FE - 1D"])
    for i, k in enumerate(SUMMARY_KEYS, start=top + 1):
        fe, od = s[f"fe_{k}"], s[f"oned_{k}"]
        ws.cell(row=i, column=1, value=spec[k].label)
        style.style_result(ws.cell(row=i, column=2, value=fe), spec[k].unit)
        style.style_result(ws.cell(row=i, column=3, value=od), spec[k].unit)
        ws.cell(row=i, column=4, value=unit_mark(spec[k].unit))
        c = ws.cell(row=i, column=5, value=(fe - od) / od if od else None)
        c.number_format = "0.00%"
    anchor_row = top + len(SUMMARY_KEYS) + 3
    if ctx.simulation_picture:
        from openpyxl.drawing.image import Image

        ws.add_image(Image(io.BytesIO(ctx.simulation_picture)), f"A{anchor_row}")
    style.widths(ws, {"A": 52, "B": 22, "C": 16, "D": 10, "E": 12})
