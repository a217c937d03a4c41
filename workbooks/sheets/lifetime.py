"""The Lifetime sheet: SEI growth (mechanism) against Wang et al. 2011 (empirical), and cracking.

Layout:

* A:F — inputs: operating conditions (cycles per year, end-of-life SOH, C-rate and DOD for the
  empirical model), the SEI parameters (named range ``tbl_sei_params``) and the cracking
  parameters (``tbl_crack_params``), generated from :class:`xlcell.degradation.SEIParams` and
  :class:`xlcell.degradation.CrackParams`. The cell is the Design sheet's (``tbl_design``), at
  its ``temperature_C``.
* H:I — key results (SEI loss after one year, cycle lives from both models) and the cracking table.
* K:U — capacity fade versus cycles: cycle counts (inputs), ``XLCELL_SEI_FADE`` and
  ``XLCELL_WANG_FADE`` spilled beside them; a native chart of both SOH curves at W.
* Below the fade table — a table for your own ageing data (M:P) with ``XLCELL_WANG_FIT`` (R:S); it
  is pre-filled with points of the published model (formulas) as an example to overwrite.
"""
from __future__ import annotations

from openpyxl.chart import Reference
from openpyxl.workbook.workbook import Workbook

from xlcell.degradation import CrackParams, SEIParams
from xlcell.params import specs, to_display

from .. import style
from ..xlsx import spill

TITLE = "Lifetime"
HEADER_ROW = 4
RESULTS_COL = 8  # H
FADE_COL = 11  # K
CHART_COL = 23  # W, right of the fade tables
CYCLES = [0, 250, 500, 750, 1000, 1500, 2000, 2500, 3000, 4000, 5000, 6000]
FIT_ITEMS = 20  #: rows of XLCELL_WANG_FIT's (item, value) table
FIT_EXAMPLE = [(0.5, 25.0, 500.0), (0.5, 25.0, 2000.0), (0.5, 45.0, 500.0), (0.5, 45.0, 2000.0),
               (2.0, 25.0, 1000.0), (2.0, 45.0, 1000.0), (2.0, 60.0, 3000.0), (0.5, 60.0, 3000.0)]

#: operating inputs of this sheet: (label, key, value, unit, allowed)
OPERATION = [
    ("Full cycles per year", "life_cycles_per_year", 365.0, "1/yr", "a number > 0"),
    ("End-of-life state of health", "life_eol_soh", 0.8, "-", "a number between 0 and 1 (exclusive)"),
    ("C-rate (empirical model)", "life_c_rate", 0.5, "C-rate", "a number > 0 and <= 10 (published at C/2, 2C, 6C, 10C)"),
    ("Depth of discharge (empirical model)", "life_dod", 1.0, "-", "a number between 0 (exclusive) and 1"),
]


def _param_rows(cls, section: str) -> list[style.ParamRow]:
    shown = to_display(cls())
    rows = [style.ParamRow(section)]
    for s in specs(cls):
        rows.append(style.ParamRow(s.label, s.key, float(f"{float(shown[s.key]):.12g}"), s.unit, s, s.doc or ""))
    return rows


def build(wb: Workbook, ctx) -> None:
    ws = wb.create_sheet(TITLE)
    style.title(ws, "Lifetime: SEI growth vs the empirical model, and cracking",
                "The cell is the Design sheet's, aged at its temperature_C. The SEI model sees the design (particle size, "
                "thickness, porosity); the Wang et al. (2011) fit knows only C-rate, temperature and throughput.")
    style.legend(ws, 2, RESULTS_COL)

    # inputs: operation (each cell named by its key), SEI and cracking parameter blocks
    op = [style.ParamRow("Operation")] + [style.ParamRow(lbl, key, v, unit, note=note) for lbl, key, v, unit, note in OPERATION]
    _, last = style.param_rows(wb, ws, HEADER_ROW, op)
    sei_first = last + 2
    f, last = style.param_rows(wb, ws, sei_first, _param_rows(SEIParams, "SEI growth (solvent-diffusion limited)"), names=False)
    style.name(wb, ctx.sei_params_name, ws, f"B{f + 1}:C{last}")
    crack_first = last + 2
    f, last = style.param_rows(wb, ws, crack_first, _param_rows(CrackParams, "Cracking (constrained swelling)"), names=False)
    style.name(wb, ctx.crack_params_name, ws, f"B{f + 1}:C{last}")
    inputs_last = last

    # key results
    d, m, sp, cp = ctx.design_name, ctx.materials_name, ctx.sei_params_name, ctx.crack_params_name
    results = [
        ("SEI capacity loss after 1 year (cycling)", "%", f"=XLCELL_SEI_LOSS({d},1,life_cycles_per_year,{sp},{m})"),
        ("SEI capacity loss after 1 year (calendar only)", "%", f"=XLCELL_SEI_LOSS({d},1,0,{sp},{m})"),
        ("Cycle life to end of life, SEI model", "cycles", f"=XLCELL_SEI_CYCLE_LIFE({d},life_cycles_per_year,life_eol_soh,{sp},{m})"),
        ("Cycle life to end of life, Wang et al. 2011", "cycles", "=XLCELL_WANG_CYCLE_LIFE(life_c_rate,temperature_C,life_eol_soh,life_dod)"),
        ("Wang et al. inside its tested C-rate and temperature (FALSE = extrapolation)", "TRUE/FALSE",
         "=XLCELL_WANG_IN_RANGE(life_c_rate,temperature_C)"),
    ]
    style.header_row(ws, HEADER_ROW, RESULTS_COL, ["Result", "Value", "Unit"])
    for i, (label, unit, formula) in enumerate(results):
        r = HEADER_ROW + 1 + i
        ws.cell(row=r, column=RESULTS_COL, value=label)
        style.style_result(ws.cell(row=r, column=RESULTS_COL + 1, value=formula), "-")
        ws.cell(row=r, column=RESULTS_COL + 2, value=unit)
    for i, nm in enumerate(["sei_loss_1yr_pct", "sei_calendar_loss_1yr_pct", "sei_cycle_life", "wang_cycle_life", "wang_in_range"]):
        style.name(wb, nm, ws, f"{style.col_letter(RESULTS_COL + 1)}{HEADER_ROW + 1 + i}")
    crack_row = HEADER_ROW + len(results) + 3
    ws.cell(row=crack_row - 1, column=RESULTS_COL, value="Cracking of the negative electrode").font = style.SECTION_FONT
    spill(ws, f"{style.col_letter(RESULTS_COL)}{crack_row}", f'=XLCELL_CRACK({d},"neg",{cp},{m})', 8, 2)
    for i in range(8):
        for j in range(2):
            style.style_result(ws.cell(row=crack_row + i, column=RESULTS_COL + j))
    ws.cell(row=crack_row + 9, column=RESULTS_COL,
            value="ΔR ∝ L²: doubling the electrode thickness quadruples the rise once cracked.").font = style.DERIVED_FONT

    # fade table: cycles in, both models spilled, chart
    kc = style.col_letter(FADE_COL)
    style.header_row(ws, HEADER_ROW, FADE_COL, ["Cycles"])
    for i, n in enumerate(CYCLES):
        c = ws.cell(row=HEADER_ROW + 1 + i, column=FADE_COL, value=n)
        style.style_input(c, "-")
        c.number_format = "0"
    crange = f"{kc}{HEADER_ROW + 1}:{kc}{HEADER_ROW + len(CYCLES)}"
    sei_col, wang_col = FADE_COL + 2, FADE_COL + 7
    top = HEADER_ROW
    ws.cell(row=top - 1, column=sei_col, value="SEI model (mechanism)").font = style.SECTION_FONT
    ws.cell(row=top - 1, column=wang_col, value="Wang et al. 2011 (empirical)").font = style.SECTION_FONT
    spill(ws, f"{style.col_letter(sei_col)}{top}", f"=XLCELL_SEI_FADE({d},{crange},life_cycles_per_year,{sp},{m})", len(CYCLES) + 1, 4)
    spill(ws, f"{style.col_letter(wang_col)}{top}", f"=XLCELL_WANG_FADE(life_c_rate,temperature_C,{crange},life_dod)", len(CYCLES) + 1, 4)
    for i in range(len(CYCLES) + 1):
        for j in range(4):
            style.style_result(ws.cell(row=top + i, column=sei_col + j))
            style.style_result(ws.cell(row=top + i, column=wang_col + j))

    xs = Reference(ws, min_col=FADE_COL, min_row=top + 1, max_row=top + len(CYCLES))
    chart = style.scatter_chart(
        "Capacity fade: mechanism vs empirical", "Equivalent full cycles", "State of health (-)",
        [(Reference(ws, min_col=col, min_row=top + 1, max_row=top + len(CYCLES)), xs, label)
         for col, label in ((sei_col + 2, "SEI model"), (wang_col + 2, "Wang et al. 2011"))], y_min=0.5, y_max=1.0)
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
    style.widths(ws, {"A": 54, "B": 32, "C": 12, "D": 9, "E": 14, "F": 50, "G": 2, "H": 44, "I": 14, "J": 8,
                      "K": 10, "L": 2, "M": 12, "N": 14, "O": 14, "P": 16, "Q": 2, "R": 24, "S": 16, "T": 12, "U": 16,
                      "V": 2})
    ctx.notes["lifetime_inputs_last"] = inputs_last
