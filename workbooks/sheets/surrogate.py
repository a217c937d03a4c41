"""The Digital thread sheet: trial data -> GP surrogate of porosity -> the next setting to try (Bayesian
optimisation), the surrogate's prediction band, and a closed loop on the calendering simulator.

Layout:

* A:F — inputs (Parameter | Key | Value | Unit | Library / derived | Allowed), each value named by its key
  (``dt_...``); below them the bounds table ``dt_bounds`` (setting, low, high) and the trial table
  ``dt_trials`` (header row of setting keys + porosity; example rows from the simulator, blank rows for
  more trials).
* H:I — the suggested next setting (``XLCELL_BO_SUGGEST``).
* K:Q — the prediction band over line load at one line speed: query line loads (formulas over the bounds),
  ``XLCELL_GP_PREDICT`` spilling mean and std, mean ± 2 std and the target, with its chart.
* S:Y — the closed loop on the simulator (``XLCELL_BO_RUN``) with the chart of the best |porosity - target|
  so far versus trial.
"""
from __future__ import annotations

from openpyxl.chart import Reference
from openpyxl.workbook.workbook import Workbook

from xlcell.calendering import CALENDERING_MATERIALS
from xlcell.units import unit_mark

from .. import style
from ..xlsx import spill

TITLE = "Digital thread"
HEADER_ROW = 4
RESULTS_COL = 8  # H
BAND_COL = 11  # K
RUN_COL = 19  # S
BAND_POINTS = 21
TRIAL_ROWS = 20  #: rows of the trial table (example rows first, the rest blank for your own)
SUGGEST_ROWS = 9
RUN_KEYS = ["iteration", "phase", "line_load_N_mm", "line_speed_m_min", "porosity", "abs_error", "best_abs_error"]
TRIAL_KEYS = ["line_load_N_mm", "line_speed_m_min", "porosity"]
#: example trials: the simulator (ProcessSimulator(seed=11), NMC811, φ_s = 0.4) at 6 scrambled-Sobol settings
#: (seed 11) in 200-900 N/mm x 10-100 m/min, line load rounded to 10 N/mm, speed to 1 m/min, porosity to 4 decimals
EXAMPLE_TRIALS = [(450.0, 54.0, 0.3372), (570.0, 63.0, 0.3219), (790.0, 13.0, 0.2625), (230.0, 90.0, 0.4017),
                  (360.0, 24.0, 0.3434), (830.0, 79.0, 0.2875)]
EXAMPLE_SEED = 11
BOUNDS = [("line_load_N_mm", 100.0, 1500.0, "N/mm"), ("line_speed_m_min", 10.0, 100.0, "m/min")]


def _inputs() -> list[style.ParamRow]:
    P = style.ParamRow
    names = ",".join(m.name for m in CALENDERING_MATERIALS.values())
    return [
        P("Target and material"),
        P("Target porosity after calendering", "dt_target_porosity", 0.30, "-", note="a number between 0 and 1"),
        P("Calendering material", "dt_material", "NMC811", "text", note="a material of the Calendering table",
          choices_ref=f'"{names}"'),
        P("Seed (candidates, fits, simulator)", "dt_seed", 0, "-", note="a whole number, 0 to 2^32 - 1; same seed, same result"),
        P("Slurry solids volume fraction φ_s", "dt_solids_fraction", 0.40, "-",
          note="of trials without a solids_fraction column, and of the simulator; sets the fracture limit"),
        P("Measurement noise (std of porosity)", "dt_noise_sd", 0.003, "-",
          note="a number >= 0; the GP's noise floor and the simulator's noise"),
        P("Prediction band"),
        P("Line speed of the prediction band", "dt_band_speed_m_min", 40.0, "m/min", note="a number > 0 m/min"),
        P("Closed loop on the simulator (not the plant)"),
        P("Space-filling trials before BO", "dt_n_init", 5, "-", note="a whole number, 3 to 50"),
        P("BO trials", "dt_n_iter", 10, "-", note="a whole number, 0 to 50"),
    ]


def _series(ws, xcol: int, ycol: int, top: int, n: int) -> tuple[Reference, Reference, None]:
    """(y reference with its header, x reference, None) for :func:`workbooks.style.scatter_chart`."""
    return (Reference(ws, min_col=ycol, min_row=top, max_row=top + n),
            Reference(ws, min_col=xcol, min_row=top + 1, max_row=top + n), None)


def build(wb: Workbook, ctx) -> None:
    ws = wb.create_sheet(TITLE)
    style.title(ws, "Digital thread: GP surrogate and Bayesian optimisation",
                "Paste your calendering trials (yellow); a physics-informed Gaussian process (Deborah number, compaction "
                "law) suggests the next line load and speed. Inputs yellow, results green.")
    style.legend(ws, 2, RESULTS_COL)
    first, last = style.param_rows(wb, ws, HEADER_ROW, _inputs())
    for r in range(first, last + 1):  # whole numbers read as whole numbers
        if ws.cell(row=r, column=2).value in ("dt_seed", "dt_n_init", "dt_n_iter"):
            ws.cell(row=r, column=3).number_format = "0"

    # bounds
    r = last + 3
    ws.cell(row=r - 1, column=1, value="Search bounds (named dt_bounds)").font = style.SECTION_FONT
    style.header_row(ws, r, 1, ["setting", "low", "high", "Unit"])
    for i, (k, lo, hi, unit) in enumerate(BOUNDS):
        ws.cell(row=r + 1 + i, column=1, value=k).font = style.Font(color="595959")
        style.style_input(ws.cell(row=r + 1 + i, column=2, value=lo), unit)
        style.style_input(ws.cell(row=r + 1 + i, column=3, value=hi), unit)
        ws.cell(row=r + 1 + i, column=4, value=unit_mark(unit))
    bounds_first = r + 1
    style.name(wb, "dt_bounds", ws, f"A{r}:C{r + len(BOUNDS)}")
    ws.cell(row=r + len(BOUNDS) + 1, column=1, value="Add rows solids_fraction or roll_temperature_C to search them too "
            "(and extend dt_bounds); line loads that crack the material are never suggested.").font = style.DERIVED_FONT

    # trial data
    t = r + len(BOUNDS) + 4
    ws.cell(row=t - 1, column=1, value="Trial data (named dt_trials): one row per trial; add rows below").font = style.SECTION_FONT
    style.header_row(ws, t, 1, TRIAL_KEYS)
    for i in range(TRIAL_ROWS):
        row = EXAMPLE_TRIALS[i] if i < len(EXAMPLE_TRIALS) else (None, None, None)
        for j, (v, unit) in enumerate(zip(row, ("N/mm", "m/min", "-"))):
            c = ws.cell(row=t + 1 + i, column=1 + j, value=v)
            style.style_input(c, unit)
            c.number_format = "0.0000" if j == 2 else "0"
    style.name(wb, "dt_trials", ws, f"A{t}:C{t + TRIAL_ROWS}")
    ws.cell(row=t + TRIAL_ROWS + 1, column=1, value="Example rows: synthetic, from the calendering simulator "
            f"(seed {EXAMPLE_SEED}, NMC811, φ_s = 0.4); replace them with your measurements. Optional columns "
            "solids_fraction and roll_temperature_C (extend dt_trials).").font = style.DERIVED_FONT

    # the suggestion
    H = RESULTS_COL
    style.header_row(ws, HEADER_ROW, H, ["Next setting to try (BO)", "Value"])
    suggest_anchor = f"{style.col_letter(H)}{HEADER_ROW + 1}"
    spill(ws, suggest_anchor, "=XLCELL_BO_SUGGEST(dt_trials,dt_bounds,dt_target_porosity,dt_material,dt_seed,"
          "dt_solids_fraction,dt_noise_sd)",
          SUGGEST_ROWS, 2)
    for i in range(SUGGEST_ROWS):
        for j in range(2):
            style.style_result(ws.cell(row=HEADER_ROW + 1 + i, column=H + j), "")
    ws.cell(row=HEADER_ROW + SUGGEST_ROWS + 1, column=H,
            value="Expected improvement of |porosity - target| over the best trial (GP mean); predicted std is that "
            "of a new measurement. Run the setting, add the row to the trial table, repeat.").font = style.DERIVED_FONT

    # the prediction band over line load
    K = BAND_COL
    lo, hi = f"$B${bounds_first}", f"$C${bounds_first}"
    ws.cell(row=HEADER_ROW - 1, column=K, value="GP prediction over line load at the band's line speed").font = style.SECTION_FONT
    style.header_row(ws, HEADER_ROW, K, ["line_load_N_mm", "line_speed_m_min"])
    for i in range(BAND_POINTS):
        rr = HEADER_ROW + 1 + i
        style.style_result(ws.cell(row=rr, column=K, value=f"={lo}+({hi}-{lo})*{i}/{BAND_POINTS - 1}"), "N/mm")
        ws.cell(row=rr, column=K).number_format = "0"
        style.style_result(ws.cell(row=rr, column=K + 1, value="=dt_band_speed_m_min"), "m/min")
    kl, kl1 = style.col_letter(K), style.col_letter(K + 1)
    query = f"{kl}{HEADER_ROW}:{kl1}{HEADER_ROW + BAND_POINTS}"
    band_anchor = f"{style.col_letter(K + 2)}{HEADER_ROW}"
    spill(ws, band_anchor, f"=XLCELL_GP_PREDICT(dt_trials,{query},dt_material,dt_solids_fraction,dt_noise_sd)", BAND_POINTS + 1, 2)
    style.header_row(ws, HEADER_ROW, K + 4, ["mean - 2 std", "mean + 2 std", "target"])
    m, s = style.col_letter(K + 2), style.col_letter(K + 3)
    for i in range(BAND_POINTS + 1):
        rr = HEADER_ROW + i
        for j in range(2):
            style.style_result(ws.cell(row=rr, column=K + 2 + j), "-")
        if i:
            style.style_result(ws.cell(row=rr, column=K + 4, value=f"={m}{rr}-2*{s}{rr}"), "-")
            style.style_result(ws.cell(row=rr, column=K + 5, value=f"={m}{rr}+2*{s}{rr}"), "-")
            style.style_result(ws.cell(row=rr, column=K + 6, value="=dt_target_porosity"), "-")
    n = BAND_POINTS
    ws.add_chart(style.scatter_chart("GP porosity over line load (mean ± 2 std)", "Line load (N/mm)", "Porosity (-)",
                                     [_series(ws, K, K + c, HEADER_ROW, n) for c in (2, 4, 5, 6)],
                                     markers=False, lines=True, dashes=[None, "dash", "dash", "sysDot"],
                                     height=9, width=15),
                 f"{kl}{HEADER_ROW + n + 3}")

    # the closed loop on the simulator
    R = RUN_COL
    ws.cell(row=HEADER_ROW - 1, column=R, value="Closed loop on the calendering SIMULATOR (a stand-in for the plant)").font = style.SECTION_FONT
    run_rows = 5 + 10 + 1
    run_anchor = f"{style.col_letter(R)}{HEADER_ROW}"
    spill(ws, run_anchor, "=XLCELL_BO_RUN(dt_bounds,dt_target_porosity,dt_material,dt_solids_fraction,dt_n_init,"
          "dt_n_iter,dt_seed,dt_noise_sd)", run_rows, len(RUN_KEYS))
    run_formats = {"iteration": "0", "phase": "General", "line_load_N_mm": "0", "line_speed_m_min": "0.0"}
    for i in range(run_rows):
        for j, k in enumerate(RUN_KEYS):
            c = ws.cell(row=HEADER_ROW + i, column=R + j)
            style.style_result(c, "-")
            c.number_format = run_formats.get(k, "0.0000")
    best = R + RUN_KEYS.index("best_abs_error")
    ws.add_chart(style.scatter_chart("Best |porosity - target| so far (log scale)", "Trial", "|porosity - target| (-)",
                                     [_series(ws, R, c, HEADER_ROW, run_rows - 1)
                                      for c in (best, R + RUN_KEYS.index("abs_error"))],
                                     lines=True, log_y=True, x_format="0", height=9, width=15),
                 f"{style.col_letter(R)}{HEADER_ROW + run_rows + 2}")
    ws.cell(row=HEADER_ROW - 2, column=R, value="Simulator: compaction law + Deborah-number rate effect + noise "
            "(xlcell/process_sim.py), illustrative parameters.").font = style.DERIVED_FONT

    ctx.notes["surrogate"] = {"suggest": suggest_anchor, "band": band_anchor, "run": run_anchor, "query": query,
                              "bounds_first": bounds_first, "trials_header": t, "inputs": (first, last)}
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    style.widths(ws, {"A": 38, "B": 24, "C": 12, "D": 8, "E": 10, "F": 28, "G": 2, "H": 26, "I": 14, "J": 2,
                      **{style.col_letter(c): 13 for c in range(K, K + 7)},
                      **{style.col_letter(c): 13 for c in range(R, R + len(RUN_KEYS))}})
