"""The Simulation sheet: the calender nip as an FE model beside its 1D roll pass (issue 16), with the FE's fields.

Layout:

* A:F — the inputs (Parameter | Key | Value | Unit | Library / derived | Allowed), each value named by its key
  (``sim_...``), the block named ``tbl_sim_inputs``; below them the status of the FE run (``sim_status``) and a
  formula that says whether the FE results are still those of the inputs.
* H:L — the comparison: quantity, key, the 1D roll pass (``XLCELL_NIP_1D``, recalculated live), the FE result
  (values written by the ribbon job *FE twin*, named ``sim_fe_results``), unit; below it the FE run (mesh, roll
  positions, Newton iterations, run time: ``sim_fe_run``) and the inputs the FE ran at (``sim_fe_inputs``).
* A:L below — the FE fields (porosity and through-thickness stress along the nip, contact pressure FE against 1D),
  a picture written by matplotlib (:func:`field_picture`): Excel cannot chart a 2D field.
* Below the picture — the DEM calibration of the compaction law (:func:`calibration_section`; issue 16 item 2): the
  engine, the anchor, the fitted parameters and r² (``tbl_sim_dem_calibration``), the DEM points against the fitted
  law and a native chart of them (:func:`xlcell.dem.calibration`, the values ``xlcell simulate dem`` prints).

The FE values and the picture are given (:class:`SimulationView`, computed by the use case in :mod:`app.simulation`);
without them (a sheet rebuilt from the template generator alone, or matplotlib missing) the sheet says how to get them.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from openpyxl.workbook.workbook import Workbook

from xlcell import units
from xlcell.calendering import CALENDERING_MATERIALS
from xlcell.nip import SUMMARY_KEYS, FeNip, NipInputs, NipSimulation, RollPass
from xlcell.params import spec_by_key, specs
from xlcell.units import unit_mark

from .. import style
from ..xlsx import spill

TITLE = "Simulation"
HEADER_ROW = 4
RESULTS_COL = 8  # H
FE_INPUTS_COL = 14  # N
PREFIX = "sim_"
INPUTS_NAME = "tbl_sim_inputs"
FE_RESULTS_NAME = "sim_fe_results"
FE_RUN_NAME = "sim_fe_run"
FE_INPUTS_NAME = "sim_fe_inputs"
STATUS_NAME = "sim_status"
PICTURE_ANCHOR = "A24"
PICTURE_NAME = "xlcell_fe_fields"
#: the rows of XLCELL_NIP_1D after the quantities both models report (udfs.calendering.NIP_1D_EXTRA)
ONED_EXTRA = ("gap_um", "lumped_porosity", "pressure_scale_MPa", "eps0", "fracture_line_load_N_mm")
#: the FE run block: (key, label, unit)
RUN_ROWS = (("fe_elements", "Elements (bilinear quadrilaterals)", "-"), ("fe_dofs", "Degrees of freedom", "-"),
            ("fe_steps", "Roll positions (quasi-static march)", "-"),
            ("fe_newton_iterations", "Newton iterations (all steps)", "-"),
            ("fe_porosity_spread", "Exit porosity, top minus bottom", "-"), ("fe_seconds", "Run time", "s"))
CALIBRATION_ROW = 60  #: first row of the DEM calibration table (issue 16 item 2)
NOT_RUN = "FE not run: click FE twin on the xlcell tab (the 1D roll pass beside it is live)"


@dataclass
class SimulationView:
    """What the sheet shows of an FE run (display units), from :func:`app.simulation.simulation_view`."""

    fe: dict[str, float]  #: ``SUMMARY_KEYS`` -> FE value
    run: dict[str, float | None]  #: ``RUN_ROWS`` keys -> value (the run time None in the template: not reproducible)
    inputs: list[tuple[str, Any]]  #: the inputs the FE ran at, ``(sim_key, display value)``
    status: str
    picture: bytes | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def input_rows() -> list[style.ParamRow]:
    """The inputs block: :class:`xlcell.nip.NipInputs`'s fields, keys prefixed ``sim_``, defaults as values."""
    P = style.ParamRow
    names = ",".join(m.name for m in CALENDERING_MATERIALS.values())
    s = {x.key: x for x in specs(NipInputs)}
    d = NipInputs()
    shown = {x.key: (getattr(d, x.name) if x.unit == "text" else x.from_si(getattr(d, x.name))) for x in specs(NipInputs)}
    mesh = {"fe_elements_thickness", "fe_elements_nip"}
    rows = [P("Coating, roll and line load")]
    for k, spec in s.items():
        if k in mesh:
            continue
        if k == "material":
            rows.append(P(spec.label, PREFIX + k, shown[k], "text", note="a material of the Calendering sheet's table",
                          choices_ref=f'"{names}"'))
        else:
            rows.append(P(spec.label, PREFIX + k, float(shown[k]), spec.unit, spec=spec))
    rows.append(P("FE mesh"))
    for k in ("fe_elements_thickness", "fe_elements_nip"):
        rows.append(P(s[k].label, PREFIX + k, int(shown[k]), "-", spec=s[k],
                      note=f"a whole number {s[k].ge:g} to {s[k].le:g}; fewer cannot resolve the coating"))
    return rows


def _labels() -> dict[str, tuple[str, str]]:
    """key -> (label, unit) of every row of the comparison table."""
    out = {k: (s.label, s.unit) for k, s in spec_by_key(FeNip).items()}
    out.update({k: (s.label, s.unit) for k, s in spec_by_key(RollPass).items() if k == "gap_um"})
    out.update({k: (s.label, s.unit) for k, s in spec_by_key(NipSimulation).items()})
    return out


def build(wb: Workbook, ctx: Any) -> None:
    view: SimulationView | None = getattr(ctx, "simulation", None)
    ws = wb.create_sheet(TITLE)
    style.title(ws, "Nip simulation: FE model of the coating in the nip, beside its 1D roll pass",
                "Plane-strain FE (scikit-fem) of the coating under the roll, on the calendering compaction law; the 1D "
                "roll pass is its thin-layer limit and recalculates live. Inputs yellow, results green.")
    style.legend(ws, 2, RESULTS_COL)
    first, last = style.param_rows(wb, ws, HEADER_ROW, input_rows())
    for r in range(first, last + 1):
        if str(ws.cell(row=r, column=2).value or "").startswith(f"{PREFIX}fe_elements"):
            ws.cell(row=r, column=3).number_format = "0"
    style.name(wb, INPUTS_NAME, ws, f"B{first}:C{last}")
    keys = [k for _, k in _input_keys(ws, first, last)]

    # the FE run's status and whether it is still that of the inputs
    srow = last + 2
    ws.cell(row=srow, column=1, value="FE run").font = style.SECTION_FONT
    sc = ws.cell(row=srow + 1, column=1, value=view.status if view else NOT_RUN)
    sc.font = style.DERIVED_FONT
    style.name(wb, STATUS_NAME, ws, f"A{srow + 1}")
    fe_in = [f"{style.col_letter(FE_INPUTS_COL + 1)}{HEADER_ROW + 1 + i}" for i in range(len(keys))]
    same = ",".join(f"{k}={ref}" for k, ref in zip(keys, fe_in))
    ws.cell(row=srow + 2, column=1, value=f'=IF(COUNTA({fe_in[0]}:{fe_in[-1]})=0,"{NOT_RUN}",IF(AND({same}),'
            '"The FE results are those of these inputs","Inputs changed since the FE ran: click FE twin on the xlcell '
            'tab"))').font = style.SECTION_FONT

    # the comparison table
    H = RESULTS_COL
    labels = _labels()
    style.header_row(ws, HEADER_ROW, H, ["Quantity", "Key", "1D roll pass (live)", "FE (FE twin)", "Unit"])
    rows = list(SUMMARY_KEYS) + list(ONED_EXTRA)
    args = ",".join(f"{PREFIX}{k}" for k in ("line_load_N_mm", "material", "roll_diameter_m", "thickness_before_um",
                                             "solids_fraction", "poisson"))
    spill(ws, f"{style.col_letter(H + 1)}{HEADER_ROW + 1}", f"=XLCELL_NIP_1D({args},tbl_calendering_materials)",
          len(rows), 2)
    for i, k in enumerate(rows):
        r = HEADER_ROW + 1 + i
        label, unit = labels[k]
        ws.cell(row=r, column=H, value=label)
        ws.cell(row=r, column=H + 1).font = style.Font(color="595959")
        style.style_result(ws.cell(row=r, column=H + 2), unit)
        if k in SUMMARY_KEYS:
            style.style_result(ws.cell(row=r, column=H + 3, value=(view.fe.get(k) if view else None)), unit)
        ws.cell(row=r, column=H + 4, value=unit_mark(unit))
    fe_col = style.col_letter(H + 3)
    style.name(wb, FE_RESULTS_NAME, ws, f"{fe_col}{HEADER_ROW + 1}:{fe_col}{HEADER_ROW + len(SUMMARY_KEYS)}")
    note_row = HEADER_ROW + len(rows) + 1
    ws.cell(row=note_row, column=H, value="The FE runs at the gap the 1D roll pass finds for the line load; the lumped "
            "law ε(q) is the Calendering sheet's.").font = style.DERIVED_FONT

    # the FE run
    top = note_row + 2
    style.header_row(ws, top, H, ["FE run", "Key", "", "Value", "Unit"])
    for i, (k, label, unit) in enumerate(RUN_ROWS):
        r = top + 1 + i
        ws.cell(row=r, column=H, value=label)
        ws.cell(row=r, column=H + 1, value=k).font = style.Font(color="595959")
        v = view.run.get(k) if view else None
        c = ws.cell(row=r, column=H + 3, value=v)
        style.style_result(c, unit)
        c.number_format = "0" if unit == "-" and k != "fe_porosity_spread" else "0.0000" if unit == "-" else "0.00"
        ws.cell(row=r, column=H + 4, value=unit_mark(unit))
    style.name(wb, FE_RUN_NAME, ws, f"{fe_col}{top + 1}:{fe_col}{top + len(RUN_ROWS)}")

    # the inputs the FE ran at (the status formula compares them with the inputs)
    N = FE_INPUTS_COL
    style.header_row(ws, HEADER_ROW, N, ["FE ran at", "Value"])
    used = dict(view.inputs) if view else {}
    for i, k in enumerate(keys):
        r = HEADER_ROW + 1 + i
        ws.cell(row=r, column=N, value=k).font = style.Font(color="595959")
        c = ws.cell(row=r, column=N + 1, value=used.get(k))
        c.font = style.DERIVED_FONT
    style.name(wb, FE_INPUTS_NAME, ws, f"{style.col_letter(N)}{HEADER_ROW + 1}:{style.col_letter(N + 1)}"
               f"{HEADER_ROW + len(keys)}")

    # the field plots
    ws.cell(row=int(PICTURE_ANCHOR[1:]) - 1, column=1, value="FE fields along the nip (picture; FE twin redraws it)"
            ).font = style.SECTION_FONT
    if view is not None and view.picture:
        from openpyxl.drawing.image import Image

        img = Image(io.BytesIO(view.picture))
        ws.add_image(img, PICTURE_ANCHOR)
    else:
        ws[PICTURE_ANCHOR] = ("No field plots: click FE twin on the xlcell tab (needs `pip install \"xlcell[simulate]\"`: "
                              "scikit-fem and matplotlib).")
        ws[PICTURE_ANCHOR].font = style.DERIVED_FONT

    if ctx.dem is not None:
        calibration_section(ws, CALIBRATION_ROW, ctx.dem, wb)
    ctx.notes["simulation"] = {"inputs": (first, last), "status_row": srow + 1, "run_top": top}
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    style.widths(ws, {"A": 38, "B": 26, "C": 12, "D": 8, "E": 10, "F": 30, "G": 2, "H": 36, "I": 24, "J": 16,
                      "K": 16, "L": 8, "M": 2, "N": 26, "O": 12})


#: the calibration table's name (label | key | value | unit rows of :class:`xlcell.dem.DemCalibration`)
CALIBRATION_NAME = "tbl_sim_dem_calibration"


def calibration_section(ws: Any, row: int, dem: tuple, wb: Workbook | None = None) -> int:
    """The DEM calibration of the compaction law (issue 16 item 2, :func:`xlcell.dem.calibration`, as
    ``xlcell simulate dem`` prints it): the engine and the run, the anchor, the fitted parameters with their units and
    r², and a native chart of the DEM points against the fitted law. ``dem`` is ``(DemCalibration, the fitted law at
    its pressures)`` (:func:`app.simulation.dem_view`). Returns the last row written."""
    from openpyxl.chart import Reference, ScatterChart, Series

    cal, law = dem
    scalars = [s_ for s_ in specs(type(cal)) if not isinstance(getattr(cal, s_.name), tuple)]  # the curve: below
    style.section_row(ws, row, 1, "DEM calibration of the compaction law (issue 16 item 2; `xlcell simulate dem`)", 6)
    text = [("Engine", f"{cal.engine} {cal.engine_version}"), ("Contact model", cal.contact_model),
            ("Particle-size distribution", cal.psd),
            ("Calibrated material", f"{cal.material} in the Calendering table (active material {cal.base_material})"),
            ("Anchor (one point sets the pressure scale)", cal.anchor)]
    r = row + 1
    for label, value in text:
        ws.cell(row=r, column=1, value=label)
        ws.cell(row=r, column=3, value=value).font = style.DERIVED_FONT
        r += 1
    style.header_row(ws, r, 1, ["Quantity", "Key", "Value", "Unit"])
    first = r + 1
    for s_ in scalars:
        r += 1
        ws.cell(row=r, column=1, value=s_.label)
        ws.cell(row=r, column=2, value=s_.key).font = style.Font(color="595959")
        c = ws.cell(row=r, column=3, value=float(f"{float(s_.from_si(getattr(cal, s_.name))):.6g}"))
        style.style_result(c, s_.unit)
        ws.cell(row=r, column=4, value=unit_mark(s_.unit))
    if wb is not None:
        style.name(wb, CALIBRATION_NAME, ws, f"A{first}:D{r}")
    # the fitted DEM points and the law at the same pressures (values: the sheet computes nothing)
    r += 2
    style.header_row(ws, r, 1, ["DEM pressure (MPa)", "DEM porosity (-)", "Fitted law (-)"])
    top = r
    for p, e, f in zip(cal.pressure_Pa, cal.porosity, law):
        r += 1
        ws.cell(row=r, column=1, value=round(float(units.to_display(p, "MPa")), 4))
        ws.cell(row=r, column=2, value=round(e, 5)).number_format = "0.0000"
        ws.cell(row=r, column=3, value=round(float(f), 5)).number_format = "0.0000"
    chart = ScatterChart()
    chart.title = "DEM compaction curve and the fitted law"
    chart.style = 13
    chart.x_axis.title = "Pressure (MPa)"
    chart.y_axis.title = "Electrode porosity (-)"
    xs = Reference(ws, min_col=1, min_row=top + 1, max_row=r)
    for col, marker in ((2, "circle"), (3, "none")):
        series = Series(Reference(ws, min_col=col, min_row=top, max_row=r), xs, title_from_data=True)
        series.marker.symbol = marker
        if marker == "circle":
            series.graphicalProperties.line.noFill = True
        chart.series.append(series)
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.height, chart.width = 8, 16
    ws.add_chart(chart, f"F{top}")
    return r


def _input_keys(ws: Any, first: int, last: int) -> list[tuple[int, str]]:
    return [(r, str(ws.cell(row=r, column=2).value)) for r in range(first, last + 1)
            if ws.cell(row=r, column=2).value]


# ------------------------------------------------------------------------------------------ the picture
def field_picture(fe: FeNip, oned_x_mm: Any, oned_pressure_MPa: Any, caption: str, *, dpi: int = 96) -> bytes:
    """The FE fields as one PNG (matplotlib, Agg): porosity and σ_yy over the coating along the nip, and the contact
    pressure of the FE against the 1D roll pass. Deterministic: no metadata, values rounded to 5 significant digits.

    Parameters
    ----------
    fe : xlcell.nip.FeNip
        The FE run (SI).
    oned_x_mm, oned_pressure_MPa : array_like
        The 1D roll pass's contact pressure (MPa) at positions (mm from the roll's centre line).
    caption : str
        The figure's title (the inputs it shows).
    dpi : int
        Resolution of the PNG.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    def r5(a: Any) -> np.ndarray:
        a = np.asarray(a, dtype=float)
        return np.array([float(f"{v:.5g}") for v in a.ravel()]).reshape(a.shape)

    x, y = r5(units.to_display(fe.x_m, "mm")), r5(units.to_display(fe.y_m, "µm"))
    sig = r5(units.to_display(-fe.stress_yy_Pa, "MPa"))
    xt, pt = r5(units.to_display(fe.contact_x_m, "mm")), r5(units.to_display(fe.contact_pressure_Pa, "MPa"))
    inside = pt > 0
    lo = float(xt[inside].min()) if inside.any() else -5.0
    hi = float(xt[inside].max()) if inside.any() else 5.0
    span = hi - lo
    xlim = (lo - 0.25 * span, hi + 0.35 * span)
    cols = (x[0] >= xlim[0]) & (x[0] <= xlim[1])
    fig = Figure(figsize=(10.0, 7.2), dpi=dpi)
    FigureCanvasAgg(fig)
    axes = fig.subplots(3, 1, sharex=True, gridspec_kw={"height_ratios": [1, 1, 1.1]})
    for ax, data, label, cmap in ((axes[0], r5(fe.porosity), "Porosity (-)", "viridis"),
                                  (axes[1], sig, "Through-thickness\ncompression -σ_yy (MPa)",
                                   "magma")):
        m = ax.pcolormesh(x[:, cols], y[:, cols], data[:, cols], shading="nearest", cmap=cmap)
        fig.colorbar(m, cax=ax.inset_axes((1.01, 0.0, 0.015, 1.0)))  # outside the panel: the three stay aligned
        ax.set_ylabel("Height above\nthe foil (µm)")
        ax.set_title(label, fontsize=10, loc="left")
    ax = axes[2]
    ax.plot(xt, pt, "o-", ms=3, lw=1.2, label="FE (top nodes)")
    ax.plot(r5(oned_x_mm), r5(oned_pressure_MPa), "-", lw=1.5, label="1D roll pass")
    ax.set_ylabel("Contact pressure (MPa)")
    ax.set_xlabel("Position along the web from the roll's centre line (mm); the web moves to the right")
    ax.legend(loc="upper right", fontsize=9)
    ax.grid(True, lw=0.3)
    ax.set_xlim(*xlim)
    fig.suptitle(caption, fontsize=11)
    fig.subplots_adjust(left=0.09, right=0.9, top=0.89, bottom=0.08, hspace=0.3)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()
