"""The Calendering sheet: composition and line load -> microstructure -> cell performance, the roll
crown calculator and the optimal nip pressure profile.

Layout:

* A:F — inputs (Parameter | Key | Value | Unit | Library / derived | Allowed), each value named by its
  key (``cal_...``); below them the calendering parameter table, the named range
  ``tbl_calendering_materials`` (library values, editable) that every calendering UDF call takes.
* H:I — key results (porosity before calendering, adaptive line load, porosity at the line load,
  roll deflection), the crown calculator (``XLCELL_ROLL_CROWN``), the optimal-profile summary and the
  Bayesian estimate of the Bruggeman exponent from measured resistances (example data, editable).
* L:U — the line-load sweep: line loads (inputs) and ``XLCELL_CALENDERING`` spilling microstructure
  and cell metrics, with porosity-versus-line-load and energy/power charts.
* W:AA — the cross-width porosity profile with and without crown (and the local load and softening
  temperature of the uncrowned roll), with its chart.
* AC:AK — the optimal pressure profile p*(t) against constant pressure, with its chart.
"""
from __future__ import annotations

from openpyxl.chart import Reference
from openpyxl.formatting.rule import FormulaRule
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from xlcell.calendering import (
    CALENDERING_MATERIALS,
    CalenderingMaterial,
    Microstructure,
)
from xlcell.cell import CellMetrics
from xlcell.params import specs
from xlcell.tables import CALENDERING_COLUMNS
from xlcell.units import unit_mark, with_unit

from .. import style
from ..xlsx import spill

TITLE = "Calendering"
HEADER_ROW = 4
RESULTS_COL = 8  # H
SWEEP_COL = 12  # L
PROFILE_COL = 23  # W
PRESSURE_COL = 29  # AC
LINE_LOADS_N_MM = [float(x) for x in range(0, 2001, 100)]
SWEEP_METRICS = ["porosity", "thickness_um", "tortuosity", "kappa_eff_S_m", "sigma_through_S_m",
                 "energy_density_Wh_L", "specific_energy_Wh_kg", "max_power_W", "fractured"]
PROFILE_POINTS = 21
CROWN_ROWS = 6  #: rows of XLCELL_ROLL_CROWN
#: example measurements: synthetic, R = L/(κ0 ε^1.8) x (1.02, 0.97, 1.01, 1.03, 0.98), L = 80 µm, κ0 = 1 S/m
MEASUREMENTS = [(0.45, 3.435), (0.40, 4.038), (0.35, 5.347), (0.30, 7.196), (0.25, 9.507)]
PRESSURE_POINTS = 41
TABLE_NAME = "tbl_calendering_materials"

_OUT_UNITS = {s.key: s.unit for s in specs(Microstructure) + specs(CellMetrics)}


def _inputs() -> list[style.ParamRow]:
    P = style.ParamRow
    names = ",".join(m.name for m in CALENDERING_MATERIALS.values())
    frac = {"note": "a number between 0 and 1"}
    return [
        P("Electrode and slurry"),
        P("Electrode material", "cal_material", "NMC811", "text", note="a material of the table below",
          choices_ref=f'"{names}"'),
        P("Active material mass fraction w_a", "cal_am_frac", 0.96, "-", **frac),
        P("Binder mass fraction f_b", "cal_binder_frac", 0.02, "-", note="carbon = 1 - w_a - f_b"),
        P("Slurry solids volume fraction φ_s", "cal_solids_fraction", 0.40, "-", **frac),
        P("Target porosity after calendering", "cal_target_porosity", 0.25, "-", **frac),
        P("Calender"),
        P("Line load", "cal_line_load_N_mm", 800.0, "N/mm", note="below the fracture-limited line load (results)"),
        P("Coating thickness before calendering", "cal_thickness_before_um", 170.0, "µm", note="a number > 0 µm"),
        P("Roll face width (loaded)", "cal_face_width_m", 0.8, "m", note="no wider than the bearing span"),
        P("Bearing span", "cal_bearing_span_m", 1.2, "m", note="a number > 0 m"),
        P("Roll diameter", "cal_roll_diameter_m", 0.6, "m", note="a number > 0 m"),
        P("Roll bore (blank = solid)", "cal_bore_diameter_m", None, "m", note="below the roll diameter"),
        P("Roll Young's modulus", "cal_youngs_modulus_GPa", 210.0, "GPa", note="steel 210 GPa"),
        P("Line load the crown is ground for", "cal_crown_line_load_N_mm", 800.0, "N/mm", note="blank = the line load"),
        P("Nip dynamics (optimal pressure profile)"),
        P("Pressure scale p_c (γ / nip length)", "cal_pressure_scale_MPa", PRESSURE_SCALE_FORMULA, "MPa",
          note="derived from the material and the nip (formula); a number > 0 MPa to override"),
        P("Nip dwell time (nip length / web speed)", "cal_nip_time_ms", 3.0, "ms", note="a number > 0 ms"),
        P("Relaxation time, surface layer", "cal_tau_surface_ms", 1.0, "ms", note="a number > 0 ms"),
        P("Relaxation time, foil-side layer", "cal_tau_foil_ms", 3.0, "ms", note="a number > 0 ms"),
        P("Effort weight r", "cal_effort_weight", 1e-4, "-", note="penalty on (p/p_c)²"),
        P("Exit-gradient weight w_T", "cal_terminal_weight", 10.0, "-", note="weight of the exit gradient Δ(T)²"),
        P("Tortuosity measurements (Bayesian α)"),
        P("Coating thickness of the measured samples", "cal_meas_thickness_um", 80.0, "µm", note="a number > 0 µm"),
        P("Electrolyte conductivity κ0", "cal_kappa0_S_m", 1.0, "S/m", note="a number > 0 S/m"),
        P("Relative measurement error", "cal_rel_noise", 0.03, "-", note="standard deviation of ln R"),
    ]


def _param(ctx_table: str, prop: str) -> str:
    return f'XLCELL_CALENDERING_MATERIAL(cal_material,"{prop}",{ctx_table})'


ROLL_ARGS = "cal_line_load_N_mm,cal_face_width_m,cal_bearing_span_m,cal_roll_diameter_m,cal_bore_diameter_m,cal_youngs_modulus_GPa"


def _results() -> list[tuple[str, str, str]]:
    """(label, formula, unit) of the key results; ``{eps0}``/``{eps1}`` stand for the cells of the first and third."""
    T = TABLE_NAME
    return [
        ("Porosity before calendering ε0", f"=XLCELL_COATING_POROSITY(cal_solids_fraction,{_param(T, 'drying_shrinkage')})", "-"),
        ("Line load for the target porosity", f"=XLCELL_ADAPTIVE_LINE_LOAD(cal_target_porosity,cal_solids_fraction,cal_material,{T})", "N/mm"),
        ("Porosity at the line load", f"=XLCELL_POROSITY(cal_line_load_N_mm,{{eps0}},{_param(T, 'eps_min')},{_param(T, 'gamma_N_mm')})", "-"),
        ("Calendered thickness at the line load", "=XLCELL_CALENDERED_THICKNESS(cal_thickness_before_um,{eps0},{eps1})", "µm"),
        ("κ_eff / κ0 at the line load", f"=XLCELL_KAPPA_EFF(1,{{eps1}},{_param(T, 'bruggeman_exponent')})", "-"),
        ("Roll mid-face deflection", f"=XLCELL_ROLL_DEFLECTION({ROLL_ARGS})", "µm"),
        ("Mean nip pressure at the line load", ("=XLCELL_NIP_PRESSURE(cal_line_load_N_mm,cal_roll_diameter_m,"
                                                f"cal_thickness_before_um,{{eps0}},cal_material,{T})"), "MPa"),
        ("Fracture-limited line load", f"=XLCELL_FRACTURE_LINE_LOAD({{eps0}},cal_material,{T})", "N/mm"),
        ("Fracture check at the line load", f"=XLCELL_FRACTURE_CHECK(cal_line_load_N_mm,{{eps0}},cal_material,{T})", "text"),
    ]


#: labels of the key results, in row order (row = HEADER_ROW + 1 + index)
RESULT_LABELS = [r[0] for r in _results()]
#: the cell of the first result, ε0 (column I)
EPS0_CELL = f"{style.col_letter(RESULTS_COL + 1)}{HEADER_ROW + 1}"
#: default of the pressure scale input: γ_c / nip length of the calender at its line load
PRESSURE_SCALE_FORMULA = (f"=XLCELL_PRESSURE_SCALE(cal_line_load_N_mm,cal_roll_diameter_m,cal_thickness_before_um,"
                          f"{EPS0_CELL},cal_material,{TABLE_NAME})")


def _xy(ws: Worksheet, xcol: int, ycol: int, top: int, n: int) -> tuple:
    """(y reference with its header, x reference, None) for :func:`workbooks.style.scatter_chart`."""
    return (Reference(ws, min_col=ycol, min_row=top, max_row=top + n), Reference(ws, min_col=xcol, min_row=top + 1, max_row=top + n),
            None)


def _chart(ws: Worksheet, anchor: str, title: str, x_title: str, y_title: str, series: list) -> None:
    ws.add_chart(style.scatter_chart(title, x_title, y_title, series, height=7.5, width=14), anchor)


def _material_table(wb: Workbook, ws: Worksheet, top: int, col: int) -> int:
    """The calendering parameter table (library values as editable inputs) at ``col``; returns its last row."""
    units = {s.key: s.unit for s in specs(CalenderingMaterial)}
    ws.cell(row=top - 2, column=col, value="Calendering parameters per material").font = style.SECTION_FONT
    labels = [with_unit(c, units[c]) if c in units else c for c in CALENDERING_COLUMNS] + ["source"]
    style.header_row(ws, top - 1, col, labels)
    ws.row_dimensions[top - 1].height = 48
    for j, c in enumerate(CALENDERING_COLUMNS):  # the machine-readable header the UDFs read
        ws.cell(row=top, column=col + j, value=c).font = style.Font(color="595959", italic=True)
    r = top
    for m in CALENDERING_MATERIALS.values():
        r += 1
        ws.cell(row=r, column=col, value=m.name)
        for j, s in enumerate(specs(CalenderingMaterial)):
            c = ws.cell(row=r, column=col + 1 + j, value=float(f"{float(s.from_si(getattr(m, s.name))):.12g}"))
            style.style_input(c, s.unit)
            c.number_format = "General"
        ws.cell(row=r, column=col + 1 + len(specs(CalenderingMaterial)), value=m.source).font = style.DERIVED_FONT
    style.name(wb, TABLE_NAME, ws, f"{style.col_letter(col)}{top}:{style.col_letter(col + len(CALENDERING_COLUMNS) - 1)}{r}")
    ws.cell(row=r + 1, column=col, value="Compaction law ε(q) = ε_min + (ε0 - ε_min)·exp(-q/γ) after Meyer et al. 2017, "
            "J. Mater. Process. Technol. 249, 172; the values are illustrative defaults: replace them by a fit "
            "to your own compaction curve.").font = style.DERIVED_FONT
    return r


def build(wb: Workbook, ctx) -> None:
    ws = wb.create_sheet(TITLE)
    T = TABLE_NAME
    style.title(ws, "Calendering", "Composition and line load -> porosity, thickness, tortuosity -> energy and power; "
                "roll deflection and crown; optimal pressure through the nip. Inputs yellow, results green.")
    style.legend(ws, 2, RESULTS_COL)
    first, last = style.param_rows(wb, ws, HEADER_ROW, _inputs())
    for r in range(first, last + 1):  # a small weight reads as 0.000 in the default format
        if ws.cell(row=r, column=2).value == "cal_effort_weight":
            ws.cell(row=r, column=3).number_format = "0.0E+00"

    # key results
    H = RESULTS_COL
    style.header_row(ws, HEADER_ROW, H, ["Result", "Value", "Unit"])
    roll = ROLL_ARGS
    results = _results()
    cells = {}
    for i, (label, formula, unit) in enumerate(results):
        r = HEADER_ROW + 1 + i
        ws.cell(row=r, column=H, value=label)
        cells[label] = f"{style.col_letter(H + 1)}{r}"
    eps0_cell = cells["Porosity before calendering ε0"]
    eps1_cell = cells["Porosity at the line load"]
    for i, (label, formula, unit) in enumerate(results):
        r = HEADER_ROW + 1 + i
        c = ws.cell(row=r, column=H + 1, value=formula.replace("{eps0}", eps0_cell).replace("{eps1}", eps1_cell))
        style.style_result(c, unit)
        ws.cell(row=r, column=H + 2, value=unit_mark(unit))
    check = cells["Fracture check at the line load"]
    ws.conditional_formatting.add(check, FormulaRule(formula=[f'LEFT({check},7)="WARNING"'],
                                                     font=style.Font(color="C00000", bold=True)))

    r0 = HEADER_ROW + len(results) + 3
    ws.cell(row=r0 - 1, column=H, value="Roll crown calculator").font = style.SECTION_FONT
    crown_anchor = f"{style.col_letter(H)}{r0}"
    spill(ws, crown_anchor, f"=XLCELL_ROLL_CROWN({roll})", CROWN_ROWS, 2)
    for i in range(CROWN_ROWS):
        for j in range(2):
            style.style_result(ws.cell(row=r0 + i, column=H + j), "")

    r1 = r0 + CROWN_ROWS + 2
    ws.cell(row=r1 - 1, column=H, value="Optimal vs constant nip pressure").font = style.SECTION_FONT
    nip = (f"{eps0_cell},cal_target_porosity,{_param(T, 'eps_min')},cal_pressure_scale_MPa,cal_nip_time_ms,"
           "cal_tau_surface_ms,cal_tau_foil_ms,cal_effort_weight")
    nip_w = f"cal_terminal_weight,cal_material,{T}"  # the material refuses targets that crack its particles
    summary_anchor = f"{style.col_letter(H)}{r1}"
    spill(ws, summary_anchor, f"=XLCELL_PRESSURE_PROFILE_SUMMARY({nip},{nip_w})", 5, 2)
    for i in range(5):
        for j in range(2):
            style.style_result(ws.cell(row=r1 + i, column=H + j), "")

    r2 = r1 + 7
    ws.cell(row=r2 - 1, column=H, value="Bruggeman exponent α from measured ionic resistances").font = style.SECTION_FONT
    style.header_row(ws, r2, H, ["Porosity (-)", "R_ion (Ω·cm²)"])
    for i, (e, R) in enumerate(MEASUREMENTS):
        style.style_input(ws.cell(row=r2 + 1 + i, column=H, value=e), "-")
        style.style_input(ws.cell(row=r2 + 1 + i, column=H + 1, value=R), "-")
    m_last = r2 + len(MEASUREMENTS)
    ws.cell(row=m_last + 1, column=H, value="Example data: synthetic (α = 1.8, ±3 %); replace with your own").font = style.DERIVED_FONT
    hc, ic = style.col_letter(H), style.col_letter(H + 1)
    posterior_anchor = f"{hc}{m_last + 2}"
    spill(ws, posterior_anchor, f"=XLCELL_BRUGGEMAN_POSTERIOR({hc}{r2 + 1}:{hc}{m_last},{ic}{r2 + 1}:{ic}{m_last},"
          "cal_meas_thickness_um,cal_kappa0_S_m,cal_rel_noise)", 6, 2)
    for i in range(6):
        for j in range(2):
            style.style_result(ws.cell(row=m_last + 2 + i, column=H + j), "")

    below_charts = HEADER_ROW + len(LINE_LOADS_N_MM) + 20  # the sweep's charts end about here (columns L:AA)
    table_last = _material_table(wb, ws, below_charts + 4, SWEEP_COL)  # under the sweep charts, 13-wide columns

    # line-load sweep
    L = SWEEP_COL
    lc = style.col_letter(L)
    style.header_row(ws, HEADER_ROW - 1, L, ["Line load (N/mm)"])
    ws.cell(row=HEADER_ROW - 1, column=L + 1, value="Metrics (edit the keys to choose):").font = style.DERIVED_FONT
    for j, k in enumerate(["line_load_N_mm"] + SWEEP_METRICS):  # the metric keys the sweep returns
        c = ws.cell(row=HEADER_ROW - 2, column=L + 1 + j, value=k)
        style.style_input(c, "text")
    for i, q in enumerate(LINE_LOADS_N_MM):
        style.style_input(ws.cell(row=HEADER_ROW + 1 + i, column=L, value=q), "-")
    n = len(LINE_LOADS_N_MM)
    loads = f"{lc}{HEADER_ROW + 1}:{lc}{HEADER_ROW + n}"
    keys = f"{style.col_letter(L + 1)}{HEADER_ROW - 2}:{style.col_letter(L + 1 + len(SWEEP_METRICS))}{HEADER_ROW - 2}"
    sweep_anchor = f"{style.col_letter(L + 1)}{HEADER_ROW}"
    spill(ws, sweep_anchor, f"=XLCELL_CALENDERING(cal_material,cal_am_frac,cal_binder_frac,{loads},cal_solids_fraction,"
          f"{keys},{ctx.design_name},{ctx.materials_name},{T})", n + 1, len(SWEEP_METRICS) + 1)
    for i in range(n + 1):
        for j, k in enumerate(["line_load_N_mm"] + SWEEP_METRICS):
            style.style_result(ws.cell(row=HEADER_ROW + i, column=L + 1 + j), _OUT_UNITS.get(k, "-"))
    _chart(ws, f"{lc}{HEADER_ROW + n + 3}", "Porosity versus line load", "Line load (N/mm)", "Porosity (-)",
           [_xy(ws, L + 1, L + 2, HEADER_ROW, n)])
    _chart(ws, f"{style.col_letter(L + 6)}{HEADER_ROW + n + 3}", "Energy density and power versus line load",
           "Line load (N/mm)", "Wh/L, W",
           [_xy(ws, L + 1, L + 2 + SWEEP_METRICS.index(k), HEADER_ROW, n) for k in ("energy_density_Wh_L", "max_power_W")])

    # cross-width porosity profile
    W = PROFILE_COL
    ws.cell(row=HEADER_ROW - 1, column=W, value="Porosity across the roll face").font = style.SECTION_FONT
    profile_anchor = f"{style.col_letter(W)}{HEADER_ROW}"
    spill(ws, profile_anchor, f"=XLCELL_POROSITY_PROFILE(cal_line_load_N_mm,cal_material,cal_thickness_before_um,"
          f"{eps0_cell},cal_face_width_m,cal_bearing_span_m,cal_roll_diameter_m,cal_bore_diameter_m,"
          f"cal_crown_line_load_N_mm,{PROFILE_POINTS},{T})", PROFILE_POINTS + 1, 5)
    for i in range(PROFILE_POINTS + 1):
        for j in range(5):
            style.style_result(ws.cell(row=HEADER_ROW + i, column=W + j))
    _chart(ws, f"{style.col_letter(W)}{HEADER_ROW + PROFILE_POINTS + 3}", "Cross-width porosity, with and without crown",
           "Position from face centre (mm)", "Porosity (-)", [_xy(ws, W, W + j, HEADER_ROW, PROFILE_POINTS) for j in (1, 2)])

    # optimal pressure profile
    P = PRESSURE_COL
    ws.cell(row=HEADER_ROW - 1, column=P, value="Nip pressure: optimal p*(t) (Pontryagin) vs constant").font = style.SECTION_FONT
    pressure_anchor = f"{style.col_letter(P)}{HEADER_ROW}"
    spill(ws, pressure_anchor, f"=XLCELL_PRESSURE_PROFILE({nip},{PRESSURE_POINTS},{nip_w})", PRESSURE_POINTS + 1, 9)
    for i in range(PRESSURE_POINTS + 1):
        for j in range(9):
            style.style_result(ws.cell(row=HEADER_ROW + i, column=P + j))
    _chart(ws, f"{style.col_letter(P)}{HEADER_ROW + PRESSURE_POINTS + 3}", "Optimal and constant nip pressure",
           "Time in the nip (ms)", "Pressure (MPa)", [_xy(ws, P, P + j, HEADER_ROW, PRESSURE_POINTS) for j in (1, 5)])
    _chart(ws, f"{style.col_letter(P + 5)}{HEADER_ROW + PRESSURE_POINTS + 3}", "Porosity gradient through the nip",
           "Time in the nip (ms)", "ε_surface - ε_foil (-)", [_xy(ws, P, P + j, HEADER_ROW, PRESSURE_POINTS) for j in (8, 7)])

    ctx.notes["calendering"] = {"results": cells, "crown": crown_anchor, "summary": summary_anchor,
                                "sweep": sweep_anchor, "profile": profile_anchor, "pressure": pressure_anchor,
                                "posterior": posterior_anchor, "table_last": table_last, "inputs": (first, last)}
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    style.widths(ws, {"A": 40, "B": 26, "C": 12, "D": 8, "E": 12, "F": 30, "G": 2, "H": 36, "I": 14, "J": 8, "K": 2,
                      **{style.col_letter(c): 13 for c in range(L, L + len(SWEEP_METRICS) + 2)},
                      **{style.col_letter(c): 13 for c in range(W, W + 5)},
                      **{style.col_letter(c): 13 for c in range(P, P + 9)}})
