"""The Uncertainty sheet: Monte Carlo with latent factors, and cell-to-cell variation of a production run.

Layout:

* A:F — inputs: the run (samples, seed, histogram bins), the uncertainty model generated from
  :class:`xlcell.uncertainty.UncertaintySpec` and the per-price loadings and volatilities of
  :data:`xlcell.uncertainty.DEFAULT_PRICE_RISK` (named range ``tbl_mc_spec``: the key and value
  columns), then the cell-to-cell inputs. Every input is a workbook name equal to its key.
* H:Q — ``XLCELL_MONTE_CARLO`` (statistics per output) and ``XLCELL_MC_RISK`` (risk of $/kWh) of the
  Design sheet's cell in the Factory and BOM sheets' plant; the histogram of $/kWh
  (``XLCELL_HISTOGRAM`` over the spilled samples) with a native column chart; the sample correlation of
  the log prices (``XLCELL_MC_CORRELATION``). The Monte Carlo runs at the book's one duty, the Lifetime
  sheet's ``tbl_duty`` (each sample's cycle life and LCOS at that duty).
* Below the inputs — ``XLCELL_CELL_TO_CELL`` (spread, spec window, packs) and the histogram of cell
  capacity with its chart.
* Each histogram reserves :data:`MAX_SHEET_BINS` rows (the ``mc_bins`` input is validated 1 to that many)
  and its chart covers all of them; with fewer bins the dynamic spill is shorter and the chart shows the
  empty trailing rows as blank slots on the right (the default uses every reserved row).
* Below both — global sensitivity: ``XLCELL_SOBOL`` (Sobol first-order and total indices of $/kWh, Wh/kg and the
  cell LCOS over the design and price inputs of ``tbl_sobol_bounds``, around the Design sheet's cell in the book's
  plant, prices and duty) and a bar chart of the total indices.
* AK onwards — the spilled samples (``XLCELL_MC_SAMPLES``) and cells (``XLCELL_CELL_TO_CELL_SAMPLES``)
  that the histograms read. All four Monte Carlo functions take the same arguments, so they share one run.
"""
from __future__ import annotations

from openpyxl.chart import BarChart, Reference
from openpyxl.chart.data_source import NumFmt
from openpyxl.workbook.workbook import Workbook

from xlcell.batch import DESIGN_BOUNDS, PRICE_BOUNDS
from xlcell.bom import MaterialPrices
from xlcell.params import ParamSpec, specs, to_display
from xlcell.tables import C2C_SAMPLE_HEADER, HISTOGRAM_HEADER, MC_HEADER
from xlcell.units import from_si, unit_mark
from xlcell.uncertainty import (DEFAULT_OUTPUTS, DEFAULT_PRICE_RISK, PRICE_KEYS, PRICE_SPECS, SpecWindow, UncertaintySpec,
                                price_override_specs)

from .. import style
from ..xlsx import spill
from .factory import cost_args

TITLE = "Uncertainty"
HEADER_ROW = 4
RESULTS_COL = 8  # H
SAMPLES_COL = 37  # AK: the spilled Monte Carlo samples
CELLS_COL = 48  # AV: the spilled cells of the production run
MAX_SHEET_SAMPLES = 10_000  #: the sheet's samples and cells inputs allow up to this many (the histograms read that many rows)
#: most histogram bins on this sheet: each histogram spill and its chart reserve this many rows (fewer bins leave
#: the trailing rows blank, and the chart shows them as empty slots on the right)
MAX_SHEET_BINS = 40
SPEC_NAME = "tbl_mc_spec"
RISK_ITEMS = 14  #: rows of XLCELL_MC_RISK
#: the workbook name of the spilled (statistic, value) rows of XLCELL_MC_RISK (the Dashboard looks values up in it)
RISK_NAME = "tbl_mc_risk"
C2C_ITEMS = 30  #: rows of XLCELL_CELL_TO_CELL
C2C_HIST_COL = 8  # H

#: the run's inputs: (label, key, value, unit, spec bounds, note)
RUN = [
    ("Monte Carlo samples", "mc_samples", 2000, "-", dict(ge=1, le=MAX_SHEET_SAMPLES),
     f"a whole number, 1 to {MAX_SHEET_SAMPLES:,} on this sheet (XLCELL_MONTE_CARLO takes up to 100,000)"),
    ("Random seed", "mc_seed", 1, "-", dict(ge=0, le=2**32 - 1), "a whole number >= 0; the same seed, the same samples"),
    ("Histogram bins", "mc_bins", MAX_SHEET_BINS, "-", dict(ge=1, le=MAX_SHEET_BINS),
     f"a whole number, 1 to {MAX_SHEET_BINS} on this sheet (the rows and charts reserved; XLCELL_HISTOGRAM takes up to 1000)"),
]
CELL_TO_CELL = [
    ("Cells in the production run", "c2c_cells", 2000, "-", dict(ge=1, le=MAX_SHEET_SAMPLES), f"a whole number, 1 to {MAX_SHEET_SAMPLES:,}"),
    ("Random seed", "c2c_seed", 7, "-", dict(ge=0, le=2**32 - 1), "a whole number >= 0"),
    ("Coating thickness CV", "c2c_cv_thickness_pct", 1.0, "%", dict(ge=0, le=20), "0-20 %, each electrode, normal"),
    ("Porosity CV", "c2c_cv_porosity_pct", 2.0, "%", dict(ge=0, le=20), "0-20 %, each electrode, normal"),
    ("Particle-contact spread (exchange current, conductivity)", "c2c_cv_contact_pct", 5.0, "%", dict(ge=0, le=20), "0-20 %, lognormal"),
    ("Cells in series per pack (s)", "c2c_series", 12, "-", dict(ge=1, le=10000), "a whole number >= 1"),
    ("Cells in parallel per group (p)", "c2c_parallel", 2, "-", dict(ge=1, le=10000), "a whole number >= 1"),
    ("Capacity window ±", "c2c_capacity_window_pct", 2.0, "%", dict(gt=0, le=100),
     "|C/C_nominal - 1| <= window; illustrative, no default claim (a product's grading specification)"),
    ("Resistance window ±", "c2c_resistance_window_pct", 5.0, "%", dict(gt=0, le=100),
     "|R/R_nominal - 1| <= window; the share inside both is the grading yield of the cost shown"),
]


SOBOL = [
    ("Base samples N (N (d + 2) model runs)", "sobol_n", 256, "-", dict(ge=2, le=4096),
     "a whole number, 2 to 4,096; a power of 2 (larger studies: xlcell sensitivity)"),
    ("Random seed", "sobol_seed", 1, "-", dict(ge=0, le=2**32 - 1), "a whole number >= 0; the same seed, the same indices"),
]
#: the Sobol study's inputs and ranges (display units): the sweep's design bounds and six prices ± 50 %
SOBOL_BOUNDS = {**DESIGN_BOUNDS, **PRICE_BOUNDS}
SOBOL_BOUNDS_NAME = "tbl_sobol_bounds"
SOBOL_OUTPUTS = ("cell_cost_usd_per_kWh", "specific_energy_Wh_kg", "lcos_cell_usd_per_kWh")

#: inputs that are whole numbers (shown without decimals)
WHOLE = {"mc_samples", "mc_seed", "mc_bins", "c2c_cells", "c2c_seed", "c2c_series", "c2c_parallel", "sobol_n", "sobol_seed"}


def _rows(items) -> list[style.ParamRow]:
    out = []
    for label, key, value, unit, bounds, note in items:
        sp = ParamSpec(name=key, key=key, label=label, unit=unit, **bounds)
        out.append(style.ParamRow(label, key, value, unit, sp, note))
    return out


def spec_rows() -> list[style.ParamRow]:
    """The uncertainty model's rows: the spec's fields, then each default per-price loading and volatility."""
    base = UncertaintySpec()
    shown = to_display(base)
    rows = [style.ParamRow("Uncertainty model (illustrative defaults)")]
    window = {w.key for w in specs(SpecWindow)}
    for s in specs(UncertaintySpec):
        if s.key == specs(SpecWindow)[0].key:
            rows.append(style.ParamRow("Spec window: end-of-line grading limits (blank: the factory's cell yield, "
                                       "BatPaC 95 %; any limit: the share of the run inside sets the grading yield)"))
        v = float(shown[s.key])
        value = None if s.key in window and v != v else float(f"{v:.12g}")  # a blank limit: no limit
        rows.append(style.ParamRow(s.label, s.key, value, s.unit, s, s.doc or ""))
    rows.append(style.ParamRow("Per price (others take price_loading / price_volatility_pct)"))
    over = {s.key: s for s in price_override_specs()}
    for k in PRICE_KEYS:
        if k in DEFAULT_PRICE_RISK:
            load, vol = base.price_loadings[k], base.price_volatilities[k]
            ls, vs = over[f"{k}_loading"], over[f"{k}_volatility_pct"]
            rows.append(style.ParamRow(ls.label, ls.key, load, ls.unit, ls, ls.allowed()))
            rows.append(style.ParamRow(vs.label, vs.key, float(f"{from_si(vol, vs.unit):.12g}"), vs.unit, vs, vs.allowed()))
    return rows


def moving_prices() -> list[str]:
    """The prices the default model moves (volatility > 0 and a base price > 0; a blank active-material price is the
    design's material's, which is > 0): the correlation table's rows."""
    base, spec = MaterialPrices(), UncertaintySpec()
    return [s.key for s in PRICE_SPECS if not float(getattr(base, s.name)) <= 0
            and spec.price_volatilities.get(s.key, spec.price_volatility) > 0]


def _sobol_block(wb: Workbook, ws, ctx, top: int) -> int:
    """Inputs (base samples, seed, the bounds table ``tbl_sobol_bounds``), ``XLCELL_SOBOL`` and a bar chart of the
    total indices; returns the block's last row."""
    ws.cell(row=top - 1, column=1, value="Global sensitivity: Sobol indices of $/kWh, Wh/kg and the cell LCOS over the "
            "design and price inputs below (uniform within their bounds, the other inputs the Design sheet's)"
            ).font = style.SECTION_FONT
    _, last = style.param_rows(wb, ws, top, [style.ParamRow("Sobol study (SALib: pip install \"xlcell[sensitivity]\")")]
                               + _rows(SOBOL))
    b_top = last + 2
    style.header_row(ws, b_top, 1, ["Input varied", "Key", "Lower", "Upper", "Unit", "Allowed"])
    from xlcell.registry import key_unit
    from xlcell.uncertainty import PRICE_SPECS

    price_units = {p.key: p.unit for p in PRICE_SPECS}
    for i, (key, (lo, hi)) in enumerate(SOBOL_BOUNDS.items()):
        r = b_top + 1 + i
        unit = price_units.get(key) or key_unit(key)
        ws.cell(row=r, column=1, value="price" if key in price_units else "design")
        ws.cell(row=r, column=2, value=key)
        for j, v in enumerate((lo, hi)):
            style.style_input(ws.cell(row=r, column=3 + j, value=v), unit)
        ws.cell(row=r, column=5, value=unit_mark(unit))
        ws.cell(row=r, column=6, value="a design key or a material price; lower < upper").font = style.DERIVED_FONT
    b_last = b_top + len(SOBOL_BOUNDS)
    style.name(wb, SOBOL_BOUNDS_NAME, ws, f"B{b_top + 1}:D{b_last}")
    for r in range(top, last + 1):
        if ws.cell(row=r, column=2).value in WHOLE:
            ws.cell(row=r, column=3).number_format = "#,##0"

    outputs = "{" + ",".join(f'"{k}"' for k in SOBOL_OUTPUTS) + "}"
    n_in, n_cols = len(SOBOL_BOUNDS), 1 + 4 * len(SOBOL_OUTPUTS)
    col = style.col_letter(RESULTS_COL)
    ws.cell(row=top - 1, column=RESULTS_COL, value="XLCELL_SOBOL: first-order (S1) and total (ST) indices with 95 % "
            "bootstrap half-widths; ST - S1 is the share through interactions").font = style.SECTION_FONT
    spill(ws, f"{col}{top}", f"=XLCELL_SOBOL({ctx.design_name},sobol_n,sobol_seed,{SOBOL_BOUNDS_NAME},{outputs},"
          f"{cost_args(ctx)},{ctx.duty_name})", n_in + 1, n_cols)
    for i in range(n_in + 1):
        for j in range(n_cols):
            c = ws.cell(row=top + i, column=RESULTS_COL + j)
            style.style_result(c)
            c.number_format = "0.000"
    st_cols = [RESULTS_COL + 1 + 4 * k + 2 for k in range(len(SOBOL_OUTPUTS))]
    chart = style.bar_chart("Total Sobol index ST by input", Reference(ws, min_col=st_cols[0], min_row=top, max_row=top + n_in),
                            Reference(ws, min_col=RESULTS_COL, min_row=top + 1, max_row=top + n_in), legend=True,
                            largest_on_top=True, y_title="share of the output's variance", width=18, height=9)
    for c in st_cols[1:]:
        chart.add_data(Reference(ws, min_col=c, min_row=top, max_row=top + n_in), titles_from_data=True)
    for series in chart.series:
        series.invertIfNegative = False
    chart.y_axis.numFmt = NumFmt(formatCode="0.0", sourceLinked=False)
    chart_row = top + n_in + 2
    ws.add_chart(chart, f"{col}{chart_row}")
    return max(b_last, chart_row + 18)


def _histogram_cells(ws, top: int, col: int, n_bins: int) -> None:
    for i in range(n_bins + 1):
        for j, h in enumerate(HISTOGRAM_HEADER):
            c = ws.cell(row=top + i, column=col + j)
            style.style_result(c)
            c.number_format = {"count": "#,##0", "share": "0.0%"}.get(h, "#,##0.00##")


def _histogram_chart(ws, top: int, col: int, n_bins: int, title: str, x_title: str) -> BarChart:
    count_col = col + HISTOGRAM_HEADER.index("count")
    chart = style.bar_chart(title, Reference(ws, min_col=count_col, min_row=top, max_row=top + n_bins),
                            Reference(ws, min_col=col, min_row=top + 1, max_row=top + n_bins), direction="col",
                            x_title=x_title, y_title="samples", width=18)
    chart.gapWidth = 10  # touching columns: a histogram
    chart.y_axis.numFmt = NumFmt(formatCode="#,##0", sourceLinked=False)
    return chart


def _histogram_block(ws, top: int, col: int, values_col: str, title: str, chart_title: str, unit: str,
                     chart_row: int) -> None:
    """A titled XLCELL_HISTOGRAM spill of a samples column (reserving MAX_SHEET_BINS rows) and its column chart."""
    ws.cell(row=top - 1, column=col, value=title).font = style.SECTION_FONT
    spill(ws, f"{style.col_letter(col)}{top}",
          f"=XLCELL_HISTOGRAM({values_col}{HEADER_ROW}:{values_col}{HEADER_ROW + MAX_SHEET_SAMPLES},mc_bins)",
          RUN[2][2] + 1, len(HISTOGRAM_HEADER))
    _histogram_cells(ws, top, col, MAX_SHEET_BINS)
    chart = _histogram_chart(ws, top, col, MAX_SHEET_BINS, chart_title, unit)
    ws.add_chart(chart, f"{style.col_letter(col + len(HISTOGRAM_HEADER) + 1)}{chart_row}")


def build(wb: Workbook, ctx) -> None:
    ws = wb.create_sheet(TITLE)
    style.title(ws, "Uncertainty: Monte Carlo with latent factors, and cell-to-cell variation",
                "Prices co-move through a macro factor M; a thermal factor Θ sets each sample's temperature (Arrhenius "
                "kinetics and SEI life); coatings vary cell to cell, and a spec window turns that spread into the cell "
                "yield; all samples are one model call.")
    style.legend(ws, 2, RESULTS_COL)

    # inputs
    _, last = style.param_rows(wb, ws, HEADER_ROW, [style.ParamRow("Run")] + _rows(RUN))
    spec_first = last + 2
    srows = spec_rows()
    first, last = style.param_rows(wb, ws, spec_first, srows)
    style.name(wb, SPEC_NAME, ws, f"B{first}:C{last}")
    c2c_first = last + 2
    _, c2c_last = style.param_rows(wb, ws, c2c_first, [style.ParamRow("Cell-to-cell variation (one production run)")]
                                   + _rows(CELL_TO_CELL))
    ctx.notes["uncertainty_spec_rows"] = (first, last)
    for r in range(HEADER_ROW, c2c_last + 1):  # "%" inputs hold percent numbers (10 = 10 %), not fractions
        if ws.cell(row=r, column=4).value == "%":
            ws.cell(row=r, column=3).number_format = "0.0##"
        if ws.cell(row=r, column=2).value in WHOLE:
            ws.cell(row=r, column=3).number_format = "#,##0"

    # the outputs spelled out (an empty argument is not a blank everywhere) and the book's one duty, the Lifetime
    # sheet's tbl_duty: each sample's cycle life and LCOS at that duty
    outputs = "{" + ",".join(f'"{k}"' for k in DEFAULT_OUTPUTS) + "}"
    args = f"{ctx.design_name},mc_samples,mc_seed,{SPEC_NAME},{cost_args(ctx)},{outputs},{ctx.duty_name}"
    n_out = len(DEFAULT_OUTPUTS)

    # statistics and risk
    col = style.col_letter(RESULTS_COL)
    ws.cell(row=HEADER_ROW - 1, column=RESULTS_COL, value="Monte Carlo of the Design sheet's cell (Factory and BOM sheets' "
            "plant and base prices); mean_above_p95 of a cost is its CVaR95").font = style.SECTION_FONT
    spill(ws, f"{col}{HEADER_ROW}", f"=XLCELL_MONTE_CARLO({args})", n_out + 1, len(MC_HEADER))
    for i in range(n_out + 1):
        for j in range(len(MC_HEADER)):
            c = ws.cell(row=HEADER_ROW + i, column=RESULTS_COL + j)
            style.style_result(c)
            c.number_format = "#,##0.000"
    risk_top = HEADER_ROW + n_out + 3
    ws.cell(row=risk_top - 1, column=RESULTS_COL, value="Risk of the cell cost per kWh; the cell yield it used; how "
            "strongly the thermal factor drives the cycle life (rank correlation)").font = style.SECTION_FONT
    style.name(wb, RISK_NAME, ws, spill(ws, f"{col}{risk_top}", f"=XLCELL_MC_RISK({args})", RISK_ITEMS, 2))
    for i in range(RISK_ITEMS):
        for j in range(2):
            style.style_result(ws.cell(row=risk_top + i, column=RESULTS_COL + j))
        ws.cell(row=risk_top + i, column=RESULTS_COL + 1).number_format = "#,##0.000##"

    # samples (far right) and their histogram
    s_col = style.col_letter(SAMPLES_COL)
    ws.cell(row=HEADER_ROW - 1, column=SAMPLES_COL, value="Samples (XLCELL_MC_SAMPLES)").font = style.SECTION_FONT
    n_cols = 3 + n_out + 1
    spill(ws, f"{s_col}{HEADER_ROW}", f"=XLCELL_MC_SAMPLES({args})", RUN[0][2] + 1, n_cols)
    cost_col = style.col_letter(SAMPLES_COL + 3 + DEFAULT_OUTPUTS.index("cell_cost_usd_per_kWh"))
    hist_top = risk_top + RISK_ITEMS + 2
    _histogram_block(ws, hist_top, RESULTS_COL, cost_col, "Histogram of the cell cost per kWh ($/kWh)",
                     "Cell cost per kWh: Monte Carlo histogram", "$/kWh", chart_row=hist_top)

    # correlation of the log prices
    corr_top = hist_top + MAX_SHEET_BINS + 3
    n_prices = len(moving_prices())
    ws.cell(row=corr_top - 1, column=RESULTS_COL, value="Sample correlation of the log prices (the macro factor at work: "
            "about loading_i × loading_j)").font = style.SECTION_FONT
    spill(ws, f"{col}{corr_top}", f"=XLCELL_MC_CORRELATION({args})", n_prices + 1, n_prices + 1)
    for i in range(n_prices + 1):
        for j in range(n_prices + 1):
            c = ws.cell(row=corr_top + i, column=RESULTS_COL + j)
            style.style_result(c)
            c.number_format = "0.00"

    # cell to cell: summary below the inputs, cells far right, capacity histogram beside the summary
    c2c_top = c2c_last + 3
    ws.cell(row=c2c_top - 1, column=1, value="Cell-to-cell variation: spread, spec window, the cell yield and cost it "
            "implies, and packs (s in series of p in parallel; a string is limited by its weakest group)").font = style.SECTION_FONT
    c2c_args = (f"{ctx.design_name},c2c_cells,c2c_seed,c2c_cv_thickness_pct,c2c_cv_porosity_pct")
    spill(ws, f"A{c2c_top}", f"=XLCELL_CELL_TO_CELL({c2c_args},c2c_series,c2c_parallel,c2c_capacity_window_pct,"
          f"c2c_resistance_window_pct,c2c_cv_contact_pct,{ctx.materials_name},{ctx.factory_name},{ctx.bom_name},"
          f"{ctx.steps_name})", C2C_ITEMS, 2)
    for i in range(C2C_ITEMS):
        for j in range(2):
            style.style_result(ws.cell(row=c2c_top + i, column=1 + j))
        ws.cell(row=c2c_top + i, column=2).number_format = "#,##0.0000"
    v_col = style.col_letter(CELLS_COL)
    ws.cell(row=HEADER_ROW - 1, column=CELLS_COL, value="Cells (XLCELL_CELL_TO_CELL_SAMPLES)").font = style.SECTION_FONT
    spill(ws, f"{v_col}{HEADER_ROW}", f"=XLCELL_CELL_TO_CELL_SAMPLES({c2c_args},c2c_cv_contact_pct,{ctx.materials_name})",
          CELL_TO_CELL[0][2] + 1, len(C2C_SAMPLE_HEADER))
    cap_col = style.col_letter(CELLS_COL + C2C_SAMPLE_HEADER.index("capacity_Ah"))
    ch_top = max(c2c_top, corr_top + n_prices + 4)
    _histogram_block(ws, ch_top, C2C_HIST_COL, cap_col, "Histogram of cell capacity (Ah)",
                     "Cell capacity across the production run", "Ah", chart_row=ch_top + 2)

    sobol_top = max(c2c_top + C2C_ITEMS, ch_top + MAX_SHEET_BINS + 1) + 3
    sobol_last = _sobol_block(wb, ws, ctx, sobol_top)
    ctx.notes["uncertainty"] = dict(risk_top=risk_top, hist_top=hist_top, corr_top=corr_top, c2c_top=c2c_top,
                                    c2c_hist_top=ch_top, sobol_top=sobol_top)
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    # print (and render) the inputs, results and charts, not the thousands of spilled samples at AK onwards
    style.print_setup(ws)
    ws.print_area = f"A1:{style.col_letter(RESULTS_COL + 1 + 4 * len(SOBOL_OUTPUTS))}{sobol_last}"
    widths = {"A": 44, "B": 34, "C": 12, "D": 8, "E": 10, "F": 40, "G": 2}
    widths.update({style.col_letter(RESULTS_COL + j): 14 for j in range(n_prices + 1)})
    widths[col] = 26
    style.widths(ws, widths)
