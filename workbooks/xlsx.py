"""Saving openpyxl workbooks as Excel 365 expects them: dynamic arrays and reproducible bytes.

openpyxl writes an array formula as a legacy CSE array (``<f t="array">``). Excel 365 shows a
*dynamic* (spilling) array only when the cell also points at the dynamic-array cell metadata
(``cm="1"`` and ``xl/metadata.xml``), which openpyxl does not write. :func:`spill` records such
cells and :func:`save` adds the metadata after openpyxl has written the file. :func:`save` also
fixes the document timestamps and zip dates so that the same workbook always gives the same bytes
(the committed template is checked against its generator).

openpyxl writes no cached results either (every formula cell has an empty ``<v/>``), so a workbook opened
where the UDFs do not exist shows blanks or ``#NAME?``. ``save(..., evaluate=...)`` computes the
workbook's own formulas with the evaluator it is given (the formula engine, :mod:`app.formula_engine`, our UDFs
bound) and writes each result into its cell as Excel would have cached it: a number plain, text ``t="str"``, a boolean ``t="b"``,
an error ``t="e"``; a spilled array keeps its formula in the anchor with the top-left value and its other cells
get plain values, as Excel stores a spill. Nothing here computes a value itself.
"""
from __future__ import annotations

import io
import math
import re
import tempfile
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_from_string, column_index_from_string, range_boundaries
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.worksheet import Worksheet

from .files import write_atomic

FIXED_TIME = "2026-01-01T00:00:00Z"
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_METADATA_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<metadata xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:xda="http://schemas.microsoft.com/office/spreadsheetml/2017/dynamicarray">'
    '<metadataTypes count="1"><metadataType name="XLDAPR" minSupportedVersion="120000" copy="1" pasteAll="1" '
    'pasteValues="1" merge="1" splitFirst="1" rowColShift="1" clearFormats="1" clearComments="1" assign="1" '
    'coerce="1" cellMeta="1"/></metadataTypes><futureMetadata name="XLDAPR" count="1"><bk><extLst>'
    '<ext uri="{bdbb8cdc-fa1e-496e-a857-3c3f30c029c3}"><xda:dynamicArrayProperties fDynamic="1" fCollapsed="0"/>'
    "</ext></extLst></bk></futureMetadata><cellMetadata count=\"1\"><bk><rc t=\"1\" v=\"0\"/></bk></cellMetadata></metadata>"
)
_CT = '<Override PartName="/xl/metadata.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheetMetadata+xml"/>'
_REL_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sheetMetadata"
# A workbook with cached values is not recalculated on open: calcId of Excel 2019/365's calculation engine
# (an older calcId makes Excel recalculate everything on load) and no fullCalcOnLoad. See README, "Using xlcell
# in Excel": without the add-in, a forced recalculation would turn every XLCELL_* cell into #NAME?.
_CALC_PR_CACHED = '<calcPr calcId="191029" />'
_ERRORS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!",
           "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"}


def spill(ws: Worksheet, cell: str, formula: str, nrows: int, ncols: int) -> str:
    """Write ``formula`` at ``cell`` as a dynamic-array (spilling) formula of nrows x ncols.

    Returns the spill range (e.g. ``"H5:I54"``).
    """
    col, row = coordinate_from_string(cell)
    c0 = column_index_from_string(col)
    ref = f"{cell}:{get_column_letter(c0 + ncols - 1)}{row + nrows - 1}"
    ws[cell] = ArrayFormula(ref, formula if formula.startswith("=") else "=" + formula)
    spills = ws.parent.__dict__.setdefault("_xlcell_spills", {})
    spills.setdefault(ws.title, set()).add(cell)
    return ref


def save(wb: Workbook, path: str | Path, evaluate: Callable[[str], Mapping[str, Any]] | None = None) -> Path:
    """Save ``wb`` with dynamic-array metadata and reproducible bytes, written whole (temporary file, then
    ``os.replace``: :func:`workbooks.files.write_atomic`). With ``evaluate`` (a file's path ->
    ``{"SHEET!A1": value}``, e.g. the formula engine with our UDFs bound, :func:`app.formula_engine.evaluate`),
    every formula cell also holds its computed result, and Excel does not recalculate on open."""
    cache_values = evaluate is not None
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not cache_values:  # no cached values: Excel must compute the formulas when it opens the file
        wb.calculation.fullCalcOnLoad = True
    buf = io.BytesIO()
    wb.save(buf)
    spills: dict[str, set[str]] = wb.__dict__.get("_xlcell_spills", {})
    sheet_files = {ws.title: f"xl/worksheets/sheet{i + 1}.xml" for i, ws in enumerate(wb.worksheets)}
    patch = {sheet_files[t]: cells for t, cells in spills.items() if t in sheet_files}
    data = _package(buf.getvalue(), patch)
    if evaluate is not None:  # the evaluator reads a file: a scratch copy outside the user's folder
        with tempfile.TemporaryDirectory() as scratch:
            tmp = Path(scratch) / path.name
            tmp.write_bytes(data)
            computed = evaluate(tmp)
        by_sheet = {sheet_files[t]: _sheet_values(computed, t) for t in sheet_files}
        data = with_cached_values(data, by_sheet)
    write_atomic(path, data)
    return path


def _package(data: bytes, patch: dict[str, set[str]]) -> bytes:
    """openpyxl's zip with the dynamic-array marks and metadata, fixed timestamps and zip dates."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            name = info.filename
            if name in patch:
                data = _mark_dynamic(data.decode("utf-8"), patch[name]).encode("utf-8")
            elif name == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)",
                              rb"\g<1>" + FIXED_TIME.encode() + rb"\g<3>", data)
            elif name == "[Content_Types].xml" and patch:
                data = data.replace(b"</Types>", _CT.encode() + b"</Types>")
            elif name == "xl/_rels/workbook.xml.rels" and patch:
                data = data.replace(b"</Relationships>",
                                    f'<Relationship Id="rIdXlcellMeta" Type="{_REL_TYPE}" Target="metadata.xml"/>'.encode()
                                    + b"</Relationships>")
            dst.writestr(_zinfo(name), data)
        if patch:
            dst.writestr(_zinfo("xl/metadata.xml"), _METADATA_XML.encode("utf-8"))
    return out.getvalue()


def _sheet_values(computed: Mapping[str, Any], title: str) -> dict[str, Any]:
    """``{"A1": value}`` of one sheet from the engine's ``{"SHEET!A1": value}``."""
    prefix = title.upper() + "!"
    return {k[len(prefix):]: v for k, v in computed.items() if k.startswith(prefix)}


def with_cached_values(data: bytes, values: Mapping[str, Mapping[str, Any]]) -> bytes:
    """The xlsx ``data`` with cached results: ``values`` is ``{sheet part: {"A1": value}}`` (``None``: none).

    Every formula cell gets its value; every cell of a spilled array other than its anchor gets a plain
    value. The calculation properties are set so that Excel shows these values on open (no forced
    recalculation). Other parts are copied byte for byte."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            part = src.read(info.filename)
            if info.filename in values:
                part = _cache_sheet(part.decode("utf-8"), values[info.filename]).encode("utf-8")
            elif info.filename == "xl/workbook.xml":
                part = re.sub(rb"<calcPr\b[^>]*/>", _CALC_PR_CACHED.encode(), part)
            dst.writestr(_zinfo(info.filename), part)
    return out.getvalue()


_ROW = re.compile(r'<row r="(\d+)"([^>]*?)(?:/>|>(.*?)</row>)', re.S)
_CELL = re.compile(r'<c r="([A-Z]+)(\d+)"([^>]*?)(?:/>|>(.*?)</c>)', re.S)
_FORMULA = re.compile(r'<f\b([^>]*)(?:/>|>[^<]*</f>)')


def _cache_sheet(xml: str, values: Mapping[str, Any]) -> str:
    """One worksheet's XML with the cached values of its formula cells and spilled arrays."""
    start, end = xml.find("<sheetData>"), xml.find("</sheetData>")
    if start < 0 or end < 0:
        return xml
    start += len("<sheetData>")
    rows: dict[int, tuple[str, dict[int, str]]] = {}
    matched = []
    for m in _ROW.finditer(xml, start, end):
        found = list(_CELL.finditer(m.group(3) or ""))
        if "".join(c.group(0) for c in found) != (m.group(3) or ""):
            raise RuntimeError(f"row {m.group(1)}: cells not understood, cannot cache values")
        rows[int(m.group(1))] = (m.group(2), {column_index_from_string(c.group(1)): c.group(0) for c in found})
        matched.append(m.group(0))
    if "".join(matched) != xml[start:end]:
        raise RuntimeError("sheetData not understood, cannot cache values")
    spilled: dict[tuple[int, int], Any] = {}
    bounds = []
    for r, (_, cells) in rows.items():
        for c, cell in cells.items():
            f = _FORMULA.search(cell)
            if not f:
                continue
            ref = re.search(r'\bref="([^"]+)"', f.group(1)) if 't="array"' in f.group(1) else None
            if ref:
                c0, r0, c1, r1 = range_boundaries(ref.group(1))
                bounds.append((c0, r0, c1, r1))
                for rr in range(r0, r1 + 1):
                    for cc in range(c0, c1 + 1):
                        if (rr, cc) != (r, c):
                            spilled[(rr, cc)] = values.get(f"{get_column_letter(cc)}{rr}")
            cells[c] = _with_value(cell, values.get(f"{get_column_letter(c)}{r}"), formula=True)
    for (r, c), v in spilled.items():
        if v is None or v == "":  # an empty text in a spill shows as a blank cell: nothing to cache
            continue
        attrs, cells = rows.setdefault(r, ("", {}))
        cells[c] = _with_value(cells.get(c, f'<c r="{get_column_letter(c)}{r}" />'), v, formula=False)
    body = "".join(f'<row r="{r}"{attrs}>' + "".join(cells[c] for c in sorted(cells)) + "</row>"
                   if cells else f'<row r="{r}"{attrs}/>' for r, (attrs, cells) in sorted(rows.items()))
    xml = xml[:start] + body + xml[end:]
    return _grow_dimension(xml, bounds)


def _with_value(cell: str, value: Any, formula: bool) -> str:
    """``cell`` (a ``<c>`` element) holding ``value`` as its cached result (formula kept) or as its value."""
    m = _CELL.fullmatch(cell)
    ref = m.group(1) + m.group(2)
    attrs = re.sub(r'\s+t="[^"]*"', "", m.group(3)).rstrip(" /")
    f = _FORMULA.search(m.group(4) or "").group(0) if formula else ""
    if value is None:
        return f'<c r="{ref}"{attrs}>{f}</c>' if f else cell
    t, v = _typed(value)
    if t == "str" and not formula:  # a text constant: an inline string, as openpyxl writes them
        space = ' xml:space="preserve"' if v != v.strip() else ""
        return f'<c r="{ref}"{attrs} t="inlineStr"><is><t{space}>{v}</t></is></c>'
    typ = f' t="{t}"' if t != "n" else ""
    return f'<c r="{ref}"{attrs}{typ}>{f}<v>{v}</v></c>'


def _typed(value: Any) -> tuple[str, str]:
    """The cell type and the ``<v>`` text of a computed value (numbers with Excel's 15 significant digits)."""
    if isinstance(value, bool):
        return "b", "1" if value else "0"
    if isinstance(value, (int, float)):
        x = float(value)
        return ("n", f"{x:.15g}") if math.isfinite(x) else ("e", "#NUM!")
    text = str(value)
    if text in _ERRORS:
        return "e", text
    return "str", text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _grow_dimension(xml: str, bounds: list[tuple[int, int, int, int]]) -> str:
    """Widen ``<dimension ref>`` to include the spilled ranges."""
    m = re.search(r'<dimension ref="([^"]+)"', xml)
    if not m or not bounds:
        return xml
    c0, r0, c1, r1 = range_boundaries(m.group(1) if ":" in m.group(1) else f"{m.group(1)}:{m.group(1)}")
    for b in bounds:
        c0, r0, c1, r1 = min(c0, b[0]), min(r0, b[1]), max(c1, b[2]), max(r1, b[3])
    ref = f"{get_column_letter(c0)}{r0}:{get_column_letter(c1)}{r1}"
    return xml[:m.start(1)] + ref + xml[m.end(1):]


def _zinfo(name: str) -> zipfile.ZipInfo:
    zi = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
    zi.compress_type = zipfile.ZIP_DEFLATED
    zi.external_attr = 0o600 << 16
    return zi


def _mark_dynamic(xml: str, cells: set[str]) -> str:
    for cell in cells:
        pat = re.compile(r'<c r="%s"(?![^>]*\bcm=)' % re.escape(cell))
        xml, n = pat.subn(f'<c r="{cell}" cm="1"', xml, count=1)
        if n != 1:
            raise RuntimeError(f"spilled cell {cell} not found in the written sheet")
    return xml


def dynamic_cells(path: str | Path) -> dict[str, list[tuple[str, str]]]:
    """``{sheet xml part: [(cell, formula)]}`` of the dynamic-array formulas in a saved file."""
    out: dict[str, list[tuple[str, str]]] = {}
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/sheet"):
                xml = z.read(name).decode("utf-8")
                found = re.findall(r'<c r="([A-Z]+\d+)"[^>]*\bcm="1"[^>]*>\s*<f t="array" ref="[^"]+">([^<]*)</f>', xml)
                if found:
                    out[name] = found
    return out


def put_text(cell: Any, value: Any) -> Any:
    """Write ``value`` into the openpyxl ``cell``; a ``str`` stays a string cell whatever it starts with.

    openpyxl stores any text that starts with ``=`` as a formula, so a material or step name such as
    ``=HYPERLINK("http://x","y")`` would become a live formula. Text that came from a user, a result or a message
    goes through here; formulas we write on purpose are assigned directly (``cell.value = "=XLCELL_..."``) or with
    :func:`spill`. Returns the cell (for styling).

    Examples
    --------
    >>> from openpyxl import Workbook
    >>> c = put_text(Workbook().active["A1"], "=1+1")
    >>> (c.value, c.data_type)
    ('=1+1', 's')
    """
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def text_only(wb: Workbook) -> Workbook:
    """Every text cell of ``wb`` as a string cell (:func:`put_text`), for a workbook with no formulas of its own.

    A report shows values only (its sections lay out numbers and labels, never a formula), so one pass when it is
    built keeps every name, label and setting it shows as typed, in every section, present or added later."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f" and isinstance(c.value, str):
                    c.data_type = "s"
    return wb


def value_of(x: Any) -> Any:
    """The text of a formula cell, array or not (for tests and readers)."""
    return x.text if isinstance(x, ArrayFormula) else x
