"""Load an xlcell workbook with openpyxl, change values, save it as Excel 365 expects.

openpyxl keeps cells, styles, names, validations and (re-read) charts, but forgets which array formulas are
dynamic arrays: saved as is, every spilled ``=XLCELL_...`` formula would turn into a legacy CSE array. :func:`load`
remembers the dynamic-array cells of the file and :func:`save` writes them back through
:func:`workbooks.xlsx.save` (which also keeps the bytes reproducible).
"""
from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path

from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.formula import ArrayFormula

from .books import open_book
from .xlsx import save as _save

_DRAWING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing"


def load(path: str | Path) -> Workbook:
    """Open ``path`` with formulas (not cached values) and remember its dynamic-array cells.

    The file is checked and parsed by :func:`workbooks.books.open_book` (size limits, damaged or foreign files refused
    with one sentence)."""
    wb = open_book(path)
    with zipfile.ZipFile(path) as z:
        spills: dict[str, set[str]] = {}
        for title, part in _sheet_parts(z).items():
            cells = re.findall(r'<c r="([A-Z]+\d+)"[^>]*\bcm="1"', z.read(part).decode("utf-8"))
            if cells:
                spills[title] = set(cells)
    wb.__dict__["_xlcell_spills"] = spills
    for title, cells in spills.items():  # a spill's cached values are results, not cells: leave them blank
        ws = wb[title]
        for cell in cells:
            v = ws[cell].value
            if isinstance(v, ArrayFormula):
                for row in ws[v.ref]:
                    for c in row:
                        if c.coordinate != cell:
                            c.value = None
    return wb


def save(wb: Workbook, path: str | Path) -> Path:
    """Save ``wb`` (from :func:`load`) with its dynamic arrays (of the sheets it still has)."""
    titles = {ws.title for ws in wb.worksheets}
    wb.__dict__["_xlcell_spills"] = {t: c for t, c in wb.__dict__.get("_xlcell_spills", {}).items() if t in titles}
    return _save(wb, path)


def _sheet_parts(z: zipfile.ZipFile) -> dict[str, str]:
    """``{sheet title: part name}`` from workbook.xml and its relationships."""
    wbxml = z.read("xl/workbook.xml").decode("utf-8")
    rels = _rels(z, "xl/workbook.xml")
    out = {}
    for m in re.finditer(r"<(?:\w+:)?sheet\b([^>]*)/?>", wbxml):
        name = re.search(r'\bname="([^"]*)"', m.group(1))
        rid = re.search(r'\b\w+:id="([^"]*)"', m.group(1))
        if name and rid and rid.group(1) in rels:
            out[name.group(1).replace("&amp;", "&")] = rels[rid.group(1)][1]
    return out


def _rels(z: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """``{Id: (Type, part name)}`` of ``part``'s internal relationships."""
    d, f = posixpath.split(part)
    name = posixpath.join(d, "_rels", f + ".rels")
    if name not in z.namelist():
        return {}
    out = {}
    for m in re.finditer(r"<Relationship\b([^>]*)/?>", z.read(name).decode("utf-8")):
        a = dict(re.findall(r'(\w+)="([^"]*)"', m.group(1)))
        if a.get("TargetMode") == "External":
            continue
        t = a["Target"]
        out[a["Id"]] = (a["Type"], t.lstrip("/") if t.startswith("/") else posixpath.normpath(posixpath.join(d, t)))
    return out


def charts_of(path: str | Path) -> dict[str, int]:
    """``{sheet title: number of charts}`` in a saved workbook (for tests)."""
    with zipfile.ZipFile(path) as z:
        out: dict[str, int] = {}
        for title, part in _sheet_parts(z).items():
            n = sum(sum(1 for typ, _ in _rels(z, t).values() if typ.endswith("/chart"))
                    for typ, t in _rels(z, part).values() if typ == _DRAWING)
            if n:
                out[title] = n
        return out


__all__ = ["load", "save", "charts_of"]
