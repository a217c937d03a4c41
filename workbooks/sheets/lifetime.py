"""The Lifetime sheet: the life model at the duty, against Wang et al. 2011 (empirical), and cracking.

Layout:

* A:F — inputs: the duty (named range ``tbl_duty``: c_rate, dod, temperature_C, cycles_per_year, eol_soh; blank
  C-rate and temperature take the Design sheet's; its cycles per year and end-of-life SOH are also named
  ``life_cycles_per_year`` and ``life_eol_soh``), the empirical model's C-rate and DOD, then the life model's
  parameters: SEI (``tbl_sei_params``), particle mechanics (``tbl_mech_params``) and coating cracks
  (``tbl_crack_params``), generated from :class:`xlcell.degradation.SEIParams`,
  :class:`xlcell.degradation.MechanicsParams` and :class:`xlcell.degradation.CrackParams`; the three blocks together
  are ``tbl_life_params``. The cell is the Design sheet's (``tbl_design``).
* H:I — key results (SEI loss after one year, the cycle life of the life model, named ``cycle_life``, and of Wang
  et al.), ``XLCELL_LIFE``'s end-of-life table and the coating-cracking table.
* K:... — capacity fade versus cycles: cycle counts (inputs), ``XLCELL_LIFE_FADE`` (SOH and the loss to each
  mechanism) and ``XLCELL_WANG_FADE`` spilled beside them; a native chart of both SOH curves.
* Below the fade table — a table for your own ageing data with ``XLCELL_WANG_FIT``; it is pre-filled with points of
  the published model (formulas) as an example to overwrite.
"""
from __future__ import annotations

from openpyxl.chart import Reference
from openpyxl.workbook.workbook import Workbook

from xlcell.degradation import CrackParams, LifeResult, MechanicsParams, SEIParams
from xlcell.duty import Duty
from xlcell.params import specs, to_display
from xlcell.units import unit_mark

from .. import style
from ..xlsx import spill

TITLE = "Lifetime"
HEADER_ROW = 4
RESULTS_COL = 8  # H
FADE_COL = 11  # K
LIFE_FADE_COLS = 7  #: columns of XLCELL_LIFE_FADE
WANG_COL = FADE_COL + 2 + LIFE_FADE_COLS + 1  # the Wang fade table, right of the life model's
CHART_COL = WANG_COL + 5  # right of the fade tables
CYCLES = [0, 250, 500, 750, 1000, 1500, 2000, 2500, 3000, 4000, 5000, 6000]
FIT_ITEMS = 20  #: rows of XLCELL_WANG_FIT's (item, value) table
LIFE_ITEMS = len(specs(LifeResult))  #: rows of XLCELL_LIFE's (item, value) table
CRACK_ITEMS = 8  #: rows of XLCELL_CRACK's (item, value) table
FIT_EXAMPLE = [(0.5, 25.0, 500.0), (0.5, 25.0, 2000.0), (0.5, 45.0, 500.0), (0.5, 45.0, 2000.0),
               (2.0, 25.0, 1000.0), (2.0, 45.0, 1000.0), (2.0, 60.0, 3000.0), (0.5, 60.0, 3000.0)]

#: the empirical model's operating inputs: (label, key, value, unit, allowed)
EMPIRICAL = [
    ("C-rate (empirical model)", "life_c_rate", 0.5, "C-rate", "a number > 0 and <= 10 (published at C/2, 2C, 6C, 10C)"),
    ("Depth of discharge (empirical model)", "life_dod", 1.0, "-", "a number between 0 (exclusive) and 1"),
]
#: the duty's cells that carry a workbook name of their own (the LCOS sheet reads them)
DUTY_NAMES = {"cycles_per_year": "life_cycles_per_year", "eol_soh": "life_eol_soh"}
#: results rows: (label, unit, workbook name)
RESULT_NAMES = ["sei_loss_1yr_pct", "sei_calendar_loss_1yr_pct", "cycle_life", "wang_cycle_life", "wang_in_range"]


def _param_rows(cls, section: str) -> list[style.ParamRow]:
    shown = to_display(cls())
    rows = [style.ParamRow(section)]
    for s in specs(cls):
        v = float(shown[s.key])
        rows.append(style.ParamRow(s.label, s.key, None if v != v else float(f"{v:.12g}"), s.unit, s, s.doc or ""))
    return rows


def build(wb: Workbook, ctx) -> None:
    ws = wb.create_sheet(TITLE)
    style.title(ws, "Lifetime: the life model at the duty, the empirical model, and cracking",
                "The cell is the Design sheet's, cycled at the duty below (blank C-rate and temperature: the design's). "
                "The life model sees the design (particle size, thickness, porosity) and the duty (C-rate, depth, "
                "temperature); the Wang et al. (2011) fit knows only C-rate, temperature and throughput.")
    style.legend(ws, 2, RESULTS_COL)

    # inputs: the duty, the empirical model's conditions, then SEI, particle-mechanics and cracking parameters
    shown = to_display(Duty(cycles_per_year=365.0, eol_soh=0.8))
    duty = [style.ParamRow("Duty (how the cell is used in service)")] + [
        style.ParamRow(s.label, s.key, None if float(shown[s.key]) != float(shown[s.key]) else float(shown[s.key]), s.unit,
                       s, s.doc or "") for s in specs(Duty)]
    f, last = style.param_rows(wb, ws, HEADER_ROW, duty, names=False)
    style.name(wb, ctx.duty_name, ws, f"B{f + 1}:C{last}")
    for i, s in enumerate(specs(Duty)):
        if s.key in DUTY_NAMES:
            style.name(wb, DUTY_NAMES[s.key], ws, f"C{f + 1 + i}")
    emp = [style.ParamRow("Empirical model (Wang et al. 2011)")] + [
        style.ParamRow(lbl, key, v, unit, note=note) for lbl, key, v, unit, note in EMPIRICAL]
    _, last = style.param_rows(wb, ws, last + 2, emp)
    # one block, so that tbl_life_params holds keys only (its section headings have none); each part named too
    blocks = [(ctx.sei_params_name, _param_rows(SEIParams, "SEI growth (solvent-diffusion limited)")),
              (ctx.mech_params_name, _param_rows(MechanicsParams, "Particle mechanics (cracks, isolated particles)")),
              (ctx.crack_params_name, _param_rows(CrackParams, "Coating cracks (constrained swelling)"))]
    f, last = style.param_rows(wb, ws, last + 2, [row for _, rows in blocks for row in rows], names=False)
    r = f
    for nm, rows in blocks:
        style.name(wb, nm, ws, f"B{r + 1}:C{r + len(rows) - 1}")  # without the section heading
        r += len(rows)
    style.name(wb, ctx.life_params_name, ws, f"B{f}:C{last}")
    inputs_last = last

    # key results
    d, m, sp, cp = ctx.design_name, ctx.materials_name, ctx.sei_params_name, ctx.crack_params_name
    du, lp = ctx.duty_name, ctx.life_params_name
    results = [
        ("SEI capacity loss after 1 year (cycling, particle surface only)", "%",
         f"=XLCELL_SEI_LOSS({d},1,life_cycles_per_year,{sp},{m})"),
        ("SEI capacity loss after 1 year (calendar only, particle surface only)", "%", f"=XLCELL_SEI_LOSS({d},1,0,{sp},{m})"),
        ("Cycle life to end of life, life model at the duty", "cycles", f"=XLCELL_CYCLE_LIFE({d},{du},{lp},{m})"),
        ("Cycle life to end of life, Wang et al. 2011", "cycles", "=XLCELL_WANG_CYCLE_LIFE(life_c_rate,temperature_C,life_eol_soh,life_dod)"),
        ("Wang et al. inside its tested C-rate and temperature (FALSE = extrapolation)", "TRUE/FALSE",
         "=XLCELL_WANG_IN_RANGE(life_c_rate,temperature_C)"),
    ]
    style.header_row(ws, HEADER_ROW, RESULTS_COL, ["Result", "Value", "Unit"])
    for i, (label, unit, formula) in enumerate(results):
        r = HEADER_ROW + 1 + i
        ws.cell(row=r, column=RESULTS_COL, value=label)
        style.style_result(ws.cell(row=r, column=RESULTS_COL + 1, value=formula), "-")
        ws.cell(row=r, column=RESULTS_COL + 2, value=unit_mark(unit))
    for i, nm in enumerate(RESULT_NAMES):
        style.name(wb, nm, ws, f"{style.col_letter(RESULTS_COL + 1)}{HEADER_ROW + 1 + i}")
    life_row = HEADER_ROW + len(results) + 3
    ws.cell(row=life_row - 1, column=RESULTS_COL, value="Life model at the duty: end of life").font = style.SECTION_FONT
    spill(ws, f"{style.col_letter(RESULTS_COL)}{life_row}", f"=XLCELL_LIFE({d},{du},{lp},{m})", LIFE_ITEMS, 2)
    for i in range(LIFE_ITEMS):
        for j in range(2):
            style.style_result(ws.cell(row=life_row + i, column=RESULTS_COL + j))
    crack_row = life_row + LIFE_ITEMS + 2
    ws.cell(row=crack_row - 1, column=RESULTS_COL, value="Cracking of the negative coating").font = style.SECTION_FONT
    spill(ws, f"{style.col_letter(RESULTS_COL)}{crack_row}", f'=XLCELL_CRACK({d},"neg",{cp},{m})', CRACK_ITEMS, 2)
    for i in range(CRACK_ITEMS):
        for j in range(2):
            style.style_result(ws.cell(row=crack_row + i, column=RESULTS_COL + j))
    ws.cell(row=crack_row + CRACK_ITEMS + 1, column=RESULTS_COL,
            value="ΔR ∝ L²: doubling the electrode thickness quadruples the rise once cracked.").font = style.DERIVED_FONT
    ctx.notes["lifetime_life_row"] = life_row
    ctx.notes["lifetime_crack_row"] = crack_row

    # fade table: cycles in, both models spilled, chart
    kc = style.col_letter(FADE_COL)
    style.header_row(ws, HEADER_ROW, FADE_COL, ["Cycles"])
    for i, n in enumerate(CYCLES):
        c = ws.cell(row=HEADER_ROW + 1 + i, column=FADE_COL, value=n)
        style.style_input(c, "-")
        c.number_format = "0"
    crange = f"{kc}{HEADER_ROW + 1}:{kc}{HEADER_ROW + len(CYCLES)}"
    life_col = FADE_COL + 2
    top = HEADER_ROW
    ws.cell(row=top - 1, column=life_col, value="Life model at the duty (mechanisms)").font = style.SECTION_FONT
    ws.cell(row=top - 1, column=WANG_COL, value="Wang et al. 2011 (empirical)").font = style.SECTION_FONT
    spill(ws, f"{style.col_letter(life_col)}{top}", f"=XLCELL_LIFE_FADE({d},{crange},{du},{lp},{m})", len(CYCLES) + 1,
          LIFE_FADE_COLS)
    spill(ws, f"{style.col_letter(WANG_COL)}{top}", f"=XLCELL_WANG_FADE(life_c_rate,temperature_C,{crange},life_dod)",
          len(CYCLES) + 1, 4)
    for i in range(len(CYCLES) + 1):
        for j in range(LIFE_FADE_COLS):
            style.style_result(ws.cell(row=top + i, column=life_col + j))
        for j in range(4):
            style.style_result(ws.cell(row=top + i, column=WANG_COL + j))

    xs = Reference(ws, min_col=FADE_COL, min_row=top + 1, max_row=top + len(CYCLES))
    chart = style.scatter_chart(
        "Capacity fade: mechanism vs empirical", "Equivalent full cycles", "State of health (-)",
        [(Reference(ws, min_col=col, min_row=top + 1, max_row=top + len(CYCLES)), xs, label)
         for col, label in ((life_col + 2, "Life model"), (WANG_COL + 2, "Wang et al. 2011"))], y_min=0.5, y_max=1.0)
    ws.add_chart(chart, f"{style.col_letter(CHART_COL)}{top}")

    # fit your own data
    fit_top = top + len(CYCLES) + 4
    fk = FADE_COL + 2  # M
    ws.cell(row=fit_top - 1, column=fk,
            value="Your ageing data (example rows are the published model: overwrite them with measurements)").font = style.SECTION_FONT
    style.header_row(ws, fit_top, fk, ["c_rate", "temperature_C", "ah_throughput", "loss_pct"])
    for i, (c, t, ah) in enumerate(FIT_EXAMPLE):
        r = fit_top + 1 + i
        for j, v in enumerate((c, t, ah)):
            style.style_input(ws.cell(row=r, column=fk + j, value=v), "-")
        a, b, e = (style.col_letter(fk + j) for j in range(3))
        style.style_input(ws.cell(row=r, column=fk + 3, value=f"=XLCELL_WANG_LOSS({a}{r},{b}{r},{e}{r})"), "-")
    data = f"{style.col_letter(fk)}{fit_top}:{style.col_letter(fk + 3)}{fit_top + len(FIT_EXAMPLE)}"
    fc = FADE_COL + 7  # R
    ws.cell(row=fit_top - 1, column=fc, value="Fit (valid only inside the data's ranges, for the tested design)").font = style.SECTION_FONT
    spill(ws, f"{style.col_letter(fc)}{fit_top}", f"=XLCELL_WANG_FIT({data})", FIT_ITEMS, 2)
    for i in range(FIT_ITEMS):
        for j in range(2):
            style.style_result(ws.cell(row=fit_top + i, column=fc + j))

    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    style.widths(ws, {"A": 54, "B": 32, "C": 12, "D": 9, "E": 14, "F": 50, "G": 2, "H": 50, "I": 14, "J": 8,
                      "K": 10, "L": 2, "M": 12, "N": 14, "O": 14, "P": 16, "Q": 16, "R": 24, "S": 16, "T": 2, "U": 10,
                      "V": 14, "W": 10, "X": 16, "Y": 2})
    ctx.notes["lifetime_inputs_last"] = inputs_last
