"""Saving openpyxl workbooks as Excel 365 expects them: dynamic arrays and reproducible bytes.

openpyxl writes an array formula as a legacy CSE array (``<f t="array">``). Excel 365 shows a
*dynamic* (spilling) array only when the cell also points at the dynamic-array cell metadata
(``cm="1"`` and ``xl/metadata.xml``), which openpyxl does not write. :func:`spill` records such
cells and :func:`save` adds the metadata after openpyxl has written the file. :func:`save` also
fixes the document timestamps and zip dates so that the same workbook always gives the same bytes
(the committed template is checked against its generator).
"""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_from_string, column_index_from_string
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.worksheet import Worksheet

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


def save(wb: Workbook, path: str | Path) -> Path:
    """Save ``wb`` with dynamic-array metadata and reproducible bytes."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    wb.save(buf)
    spills: dict[str, set[str]] = wb.__dict__.get("_xlcell_spills", {})
    sheet_files = {ws.title: f"xl/worksheets/sheet{i + 1}.xml" for i, ws in enumerate(wb.worksheets)}
    patch = {sheet_files[t]: cells for t, cells in spills.items() if t in sheet_files}
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
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
    path.write_bytes(out.getvalue())
    return path


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


def value_of(x: Any) -> Any:
    """The text of a formula cell, array or not (for tests and readers)."""
    return x.text if isinstance(x, ArrayFormula) else x
