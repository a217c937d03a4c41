"""Shared look and layout of xlcell workbooks (after BatPaC: inputs coloured, units beside values).

Every sheet builder uses these helpers so the workbooks look alike: :func:`title`,
:func:`header_row`, :func:`param_rows` (a block of inputs generated from parameter metadata),
:func:`name` (workbook-level named ranges) and the styles below.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from xlcell.params import ParamSpec
from xlcell.units import unit_mark

NAVY = "1F4E79"
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")  # inputs: pale yellow, blue text
INPUT_FONT = Font(color="0000CC")
RESULT_FILL = PatternFill("solid", fgColor="E2EFDA")  # results: pale green
RESULT_FONT = Font(color="000000")
DERIVED_FONT = Font(color="7F7F7F", italic=True)  # library values and notes
HEADER_FILL = PatternFill("solid", fgColor=NAVY)
HEADER_FONT = Font(color="FFFFFF", bold=True)
SECTION_FILL = PatternFill("solid", fgColor="D9E1F2")
SECTION_FONT = Font(bold=True, color=NAVY)
TITLE_FONT = Font(bold=True, size=16, color=NAVY)
SUBTITLE_FONT = Font(italic=True, color="595959")
THIN = Side(style="thin", color="BFBFBF")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")

NUMBER_FORMAT = {"-": "0.000", "µm": "0.0", "%": "0.0%", "bool": "General", "text": "@", "m²/s": "0.00E+00",
                 "count": "#,##0", "h": "#,##0", "m²": "#,##0", "MWh": "#,##0", "M$": "#,##0.0"}
LARGE = "#,##0"  #: a written number of 10,000 or more (counts, hours, areas) shows with thousands separators


def number_format(unit: str, value: Any = None) -> str:
    """The cell format for ``unit``; a written value of 10,000 or more shows as a whole number with separators."""
    if unit in ("-", "$", "Ah", "W", "Wh") or unit not in NUMBER_FORMAT:
        if isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) >= 1e4:
            return LARGE
    return NUMBER_FORMAT.get(unit, "0.000##")


def title(ws: Worksheet, text: str, subtitle: str = "", row: int = 1) -> None:
    ws.cell(row=row, column=1, value=text).font = TITLE_FONT
    if subtitle:
        ws.cell(row=row + 1, column=1, value=subtitle).font = SUBTITLE_FONT


def legend(ws: Worksheet, row: int, col: int) -> None:
    """The colour key: input / result / library value."""
    for i, (label, fill, font) in enumerate([("Input", INPUT_FILL, INPUT_FONT), ("Result", RESULT_FILL, RESULT_FONT),
                                             ("Library / derived", None, DERIVED_FONT)]):
        c = ws.cell(row=row, column=col + i, value=label)
        if fill:
            c.fill = fill
        c.font = font
        c.border = BOX


def header_row(ws: Worksheet, row: int, col: int, labels: Sequence[str]) -> None:
    for j, text in enumerate(labels):
        c = ws.cell(row=row, column=col + j, value=text)
        c.fill, c.font, c.border = HEADER_FILL, HEADER_FONT, BOX
        c.alignment = Alignment(wrap_text=True, vertical="center")


def section_row(ws: Worksheet, row: int, col: int, text: str, width: int) -> None:
    for j in range(width):
        c = ws.cell(row=row, column=col + j)
        c.fill = SECTION_FILL
    ws.cell(row=row, column=col, value=text).font = SECTION_FONT


def style_input(c: Any, unit: str = "-") -> None:
    c.fill, c.font, c.border = INPUT_FILL, INPUT_FONT, BOX
    c.number_format = number_format(unit, c.value)


def style_result(c: Any, unit: str = "-") -> None:
    c.fill, c.font, c.border = RESULT_FILL, RESULT_FONT, BOX
    c.number_format = number_format(unit, c.value)


def widths(ws: Worksheet, cols: dict[str, float]) -> None:
    for letter, w in cols.items():
        ws.column_dimensions[letter].width = w


def name(wb: Workbook, nm: str, ws: Worksheet, ref: str) -> None:
    """A workbook-level named range ``nm`` -> ``'Sheet'!$A$1`` (absolute)."""
    absref = _absolute(ref)
    wb.defined_names[nm] = DefinedName(nm, attr_text=f"{quote_sheetname(ws.title)}!{absref}")


def _absolute(ref: str) -> str:
    from openpyxl.utils.cell import coordinate_from_string

    parts = []
    for p in ref.split(":"):
        col, row = coordinate_from_string(p)
        parts.append(f"${col}${row}")
    return ":".join(parts)


@dataclass(frozen=True)
class ParamRow:
    """One row of a parameter block: an input (value) or a section heading (key None)."""

    label: str
    key: str | None = None
    value: Any = None
    unit: str = ""
    spec: ParamSpec | None = None
    note: str = ""
    choices_ref: str | None = None  #: list validation source, e.g. "=Materials!$A$5:$A$11"
    side_formula: str | None = None  #: formula for the column after the unit (e.g. a library value)


def param_rows(wb: Workbook, ws: Worksheet, first_row: int, rows: Iterable[ParamRow], *, col: int = 1,
               names: bool = True) -> tuple[int, int]:
    """Write a block of labelled inputs: Parameter | Key | Value | Unit | Library/derived | Allowed.

    Every input cell is styled as an input, gets data validation from its allowed range (or list),
    and (``names=True``) a workbook name equal to its key. Returns (first data row, last row).
    """
    header_row(ws, first_row, col, ["Parameter", "Key", "Value", "Unit", "Library / derived", "Allowed"])
    r = first_row
    for pr in rows:
        r += 1
        if pr.key is None:
            section_row(ws, r, col, pr.label, 6)
            continue
        ws.cell(row=r, column=col, value=pr.label)
        ws.cell(row=r, column=col + 1, value=pr.key).font = Font(color="595959")
        vc = ws.cell(row=r, column=col + 2, value=pr.value)
        style_input(vc, pr.unit)
        ws.cell(row=r, column=col + 3, value=unit_mark(pr.unit))
        if pr.side_formula:
            sc = ws.cell(row=r, column=col + 4, value=pr.side_formula)
            sc.font = DERIVED_FONT
            sc.number_format = number_format(pr.unit)
        allowed = pr.note or (pr.spec.allowed() if pr.spec else "")
        ws.cell(row=r, column=col + 5, value=allowed).font = DERIVED_FONT
        coord = vc.coordinate
        if pr.choices_ref:
            dv = DataValidation(type="list", formula1=pr.choices_ref, allow_blank=True, showErrorMessage=True,
                                errorTitle=pr.key, error=f"{pr.key}: choose from the list")
            _input_prompt(dv, pr.label, allowed or "choose from the list")
            ws.add_data_validation(dv)
            dv.add(coord)
        elif pr.spec is not None:
            _decimal_validation(pr.spec, ws, coord, pr.label)
        if names and pr.key:
            name(wb, pr.key, ws, coord)
    return first_row + 1, r


def _decimal_validation(s: ParamSpec, ws: Worksheet, coord: str, title: str) -> DataValidation | None:
    """Validate the input cell ``coord`` against the allowed range of ``s``, with an input prompt.

    Excel's decimal "between" includes both bounds, so a two-sided range with an exclusive bound
    (porosity: 0 < ε < 1) becomes a custom rule ``AND(ISNUMBER(C9),C9>0,C9<1)``; one-sided bounds
    use Excel's own (exclusive or inclusive) operators. The input prompt (shown when the cell is
    selected) is ``title`` (the row's label) over the allowed range in words. Returns None (no rule) for
    booleans, text and unbounded numbers.
    """
    lo = s.gt if s.gt is not None else s.ge
    hi = s.lt if s.lt is not None else s.le
    if s.unit in ("bool", "text"):
        return None
    if lo is not None and hi is not None:
        if s.gt is None and s.lt is None:
            dv = DataValidation(type="decimal", operator="between", formula1=_num(lo), formula2=_num(hi))
        else:
            tests = (f"ISNUMBER({coord})", f"{coord}{'>' if s.gt is not None else '>='}{_num(lo)}",
                     f"{coord}{'<' if s.lt is not None else '<='}{_num(hi)}")
            dv = DataValidation(type="custom", formula1=f"AND({','.join(tests)})")
    elif lo is not None:
        dv = DataValidation(type="decimal", operator="greaterThanOrEqual" if s.ge is not None else "greaterThan", formula1=_num(lo))
    elif hi is not None:
        dv = DataValidation(type="decimal", operator="lessThanOrEqual" if s.le is not None else "lessThan", formula1=_num(hi))
    else:
        return None
    dv.allow_blank = True
    dv.showErrorMessage = True
    dv.errorTitle = "Out of range"
    dv.error = f"Must be {s.allowed()}"
    _input_prompt(dv, title, dv.error)
    ws.add_data_validation(dv)
    dv.add(coord)
    return dv


def _input_prompt(dv: DataValidation, title: str, text: str) -> None:
    """Show ``title`` and ``text`` when the validated cell is selected (cut to Excel's 32/255 limits)."""
    dv.promptTitle = title[:32]
    dv.prompt = text[:255]
    dv.showInputMessage = True


def _num(x: float) -> str:
    return f"{x:g}"


def scatter_chart(title: str, x_title: str, y_title: str, series: Sequence[tuple[Any, Any, str | None]], *,
                  y_min: float | None = None, y_max: float | None = None, height: float = 8, width: float = 16,
                  markers: bool = True, lines: bool = False, dashes: Sequence[str | None] | None = None,
                  log_y: bool = False, x_format: str | None = None) -> Any:
    """A native XY chart in the xlcell look: markers on every series, both axes shown.

    ``series`` holds (y reference, x reference, title). With a ``None`` title the y reference starts at its
    header cell, which becomes the series name by reference (Excel's ``=SERIES('Sheet'!B4, x, y, 1)``) and the
    values are the cells below it; with a text title both references hold only the data rows. Either way x and y
    must cover the same number of cells, or Excel pairs each x with a neighbour's y (a ``ValueError``).
    Options: ``markers=False`` draws no markers; ``lines`` joins the points with straight (unsmoothed) segments
    (Excel's line-and-marker scatter style); ``dashes`` gives each series a line dash style (e.g. "dash", "sysDot";
    ``None`` keeps it solid); ``log_y`` a base-10 log y axis; ``x_format`` the x axis' number format.
    Add the chart with ``ws.add_chart(chart, anchor)``.
    """
    from openpyxl.chart import ScatterChart, Series

    chart = ScatterChart(scatterStyle="lineMarker") if lines else ScatterChart()
    chart.title = title
    chart.style = 13
    chart.x_axis.title = x_title
    chart.y_axis.title = y_title
    if y_min is not None:
        chart.y_axis.scaling.min = y_min
    if y_max is not None:
        chart.y_axis.scaling.max = y_max
    for i, (ys, xs, label) in enumerate(series):
        s = Series(ys, xs, title=label) if label is not None else Series(ys, xs, title_from_data=True)
        _same_length(s.yVal.numRef.f, s.xVal.numRef.f)
        s.marker.symbol = "circle" if markers else "none"
        if lines:
            s.smooth = False
        if dashes is not None and dashes[i]:
            s.graphicalProperties.line.dashStyle = dashes[i]
        chart.series.append(s)
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    if log_y:
        chart.y_axis.scaling.logBase = 10
        chart.y_axis.crossesAt = None
    if x_format:
        chart.x_axis.number_format = x_format
        chart.x_axis.numFmt.sourceLinked = False
    chart.height, chart.width = height, width
    return chart


def ref_cells(ref: str) -> int:
    """The number of cells of a chart reference such as ``'Sheet'!$B$5:$B$15``."""
    from openpyxl.utils.cell import range_boundaries

    min_col, min_row, max_col, max_row = range_boundaries(ref.rsplit("!", 1)[-1])
    return (max_col - min_col + 1) * (max_row - min_row + 1)


def _same_length(ys: str, xs: str) -> None:
    if ref_cells(ys) != ref_cells(xs):
        raise ValueError(f"a chart series pairs y {ys} with x {xs}: their lengths differ (is a header row in one?)")


def bar_chart(title: str, data: Any, categories: Any, *, y_title: str | None = None, legend: bool = False,
              overlap: int | None = None, largest_on_top: bool = False, height: float = 8, width: float = 16,
              direction: str = "bar", x_title: str | None = None) -> Any:
    """A native bar chart in the xlcell look (both axes shown): horizontal bars, or ``direction="col"`` columns.

    ``data`` is a reference whose first row holds the series names; ``categories`` the category labels.
    ``y_title`` names the value axis, ``x_title`` the category axis.
    ``overlap=100`` with two series draws a tornado; ``largest_on_top`` lists the categories top-down.
    Add the chart with ``ws.add_chart(chart, anchor)``.
    """
    from openpyxl.chart import BarChart

    if direction not in ("bar", "col"):
        raise ValueError(f"direction must be 'bar' or 'col', not {direction!r}")
    chart = BarChart()
    chart.type = direction
    chart.title = title
    if y_title:
        chart.y_axis.title = y_title
    if x_title:
        chart.x_axis.title = x_title
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(categories)
    for series in chart.series:  # an absent flag makes LibreOffice draw negative bars as positive
        series.invertIfNegative = False
    if overlap is not None:
        chart.overlap = overlap
    if largest_on_top:
        chart.x_axis.scaling.orientation = "maxMin"
    chart.x_axis.crosses = "autoZero"  # bars grow from 0 (negative bars to the left)
    chart.x_axis.tickLblPos = "low"  # category labels beside the plot, not on the zero line
    if not legend:
        chart.legend = None
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.height, chart.width = height, width
    return chart


LINE_HEIGHT_PT = 15.0  #: one line of 11 pt Calibri, in points (Excel's default row height)


def text_lines(text: str, width: float) -> int:
    """Lines that ``text`` takes when wrapped in a width of ``width`` Excel character units (an upper estimate:
    one unit per character, words never split)."""
    lines, used = 1, 0
    for word in text.split():
        if used and used + 1 + len(word) > width:
            lines, used = lines + 1, len(word)
        else:
            used += (1 if used else 0) + len(word)
    return lines


def footnote(ws: Worksheet, row: int, first_col: int, last_col: int, text: str, font: Font = DERIVED_FONT) -> None:
    """A note below a table, wrapped in the merged range ``first_col:last_col`` of ``row`` and the row made tall
    enough for it, so the whole text prints inside the columns (an unwrapped cell would run past the print area's
    right edge and be cut there). The column widths must be set before (:func:`widths`)."""
    width = sum(ws.column_dimensions[col_letter(k)].width or 8.43 for k in range(first_col, last_col + 1))
    c = ws.cell(row=row, column=first_col, value=text)
    c.font, c.alignment = font, WRAP
    if last_col > first_col:
        ws.merge_cells(start_row=row, start_column=first_col, end_row=row, end_column=last_col)
    ws.row_dimensions[row].height = LINE_HEIGHT_PT * text_lines(text, width)


def note(ws: Worksheet, cell: str, text: str) -> None:
    ws[cell].comment = Comment(text, "xlcell")


def col_letter(i: int) -> str:
    return get_column_letter(i)


def print_setup(ws: Worksheet) -> None:
    """Landscape, one page wide: how the sheet prints and renders to PDF."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
