"""The workbook behind a macro: one small interface, two implementations (Excel via xlwings, a file via openpyxl).

Macros read their settings from named ranges and write results back one block per table, so they need only
five operations. :class:`XlwingsBook` wraps the workbook open in Excel (``xw.Book.caller()`` from the ribbon);
:class:`FileBook` wraps an .xlsx file for the command line and the tests (``xlcell run pareto book.xlsx``). The
macros themselves (:mod:`app.macros`) are the same code for both.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from xlcell.errors import InputError, MissingRangeError

#: the block names' prefix: ``tbl_design``, ``tbl_factory``, ... (an input cell is named by its key). Workbooks
#: written before issue 10 named the blocks ``xlcell_design``, ``xlcell_factory``, ..., which Excel binds in place
#: of the functions ``XLCELL_FACTORY``, ... of the same spelling; the readers still accept those names.
BLOCK_PREFIX = "tbl_"
LEGACY_BLOCK_PREFIX = "xlcell_"


def name_candidates(name: str) -> tuple[str, ...]:
    """``name``, then (for a block name ``tbl_x``) the name ``xlcell_x`` it has in a workbook written before issue 10.

    Examples
    --------
    >>> name_candidates("tbl_design")
    ('tbl_design', 'xlcell_design')
    >>> name_candidates("pos_porosity")
    ('pos_porosity',)
    """
    if name.startswith(BLOCK_PREFIX):
        return name, LEGACY_BLOCK_PREFIX + name[len(BLOCK_PREFIX):]
    return (name,)


#: what makes Excel read a text assigned to ``Range.Value`` as a formula (as if typed): = + - @ (and, as OWASP's
#: CSV-injection list adds, a leading tab or CR); a leading apostrophe would be taken as Excel's text prefix
_EXCEL_PARSES = ("=", "+", "-", "@", "\t", "\r", "'")


def excel_text(value: Any) -> Any:
    """``value`` as it must be handed to Excel's ``Range.Value`` to stay what it is: a text that Excel would read as a
    formula gets the apostrophe prefix (Excel stores the text without it and shows it as typed).

    xlwings passes strings to Excel unchanged, and Excel parses them like typed input (``"=1+1"`` becomes a formula).

    Examples
    --------
    >>> excel_text("=1+1")
    "'=1+1"
    >>> excel_text("NMC811"), excel_text(-1.5)
    ('NMC811', -1.5)
    """
    return "'" + value if isinstance(value, str) and value.startswith(_EXCEL_PARSES) else value


def named_cells(wb: Any, name: str, where: str) -> tuple[Any, Any]:
    """``(worksheet, cells)`` of the workbook-level name ``name`` (or its pre-issue-10 spelling) in the openpyxl
    workbook ``wb``; cells as openpyxl gives them for the range. A missing name, a name that points nowhere (its
    sheet was deleted: Excel writes ``#REF!``) and a name whose sheet is gone are each a
    :class:`~xlcell.errors.MissingRangeError` naming ``where`` (the file)."""
    dn = next((wb.defined_names[n] for n in name_candidates(name) if n in wb.defined_names), None)
    if dn is None:
        raise MissingRangeError(name, f"named range {name} not found", where,
                                "use a workbook made from the xlcell template (`xlcell template`), or restore the "
                                "sheet that held it with `xlcell run rebuild BOOK --sheet SHEET`")
    dests = [(sheet, ref) for sheet, ref in dn.destinations if ref]
    if len(dests) != 1:
        raise MissingRangeError(name, f"named range {name} points nowhere ({dn.attr_text}): its sheet was deleted",
                                where, "restore the sheet with `xlcell run rebuild BOOK --sheet SHEET` (Design, "
                                "Pareto, ...), or use a copy of the workbook made before", absent=False)
    (sheet, ref), = dests
    if sheet not in wb.sheetnames:
        raise MissingRangeError(name, f"sheet {sheet} is missing (named range {name} refers to it)", where,
                                f"restore it with `xlcell run rebuild BOOK --sheet {sheet}`, or use a copy of the "
                                "workbook made before it was deleted", absent=False)
    return wb[sheet], wb[sheet][ref.replace("$", "")]


def _anchor_cell(image: Any) -> str:
    """The top-left cell of an openpyxl picture (``"A24"``), "" when it has no cell anchor."""
    from openpyxl.utils import get_column_letter

    anchor = getattr(image, "anchor", None)
    if isinstance(anchor, str):
        return anchor.upper()
    frm = getattr(anchor, "_from", None)
    return f"{get_column_letter(frm.col + 1)}{frm.row + 1}" if frm is not None else ""


class Book(Protocol):
    """What a macro may do with a workbook."""

    path: Path | None

    def read(self, name: str) -> list[list[Any]]:
        """Values of the named range ``name`` as rows (blank cells None)."""

    def write(self, name: str, rows: list[list[Any]]) -> None:
        """Write ``rows`` into the named range ``name`` from its top-left cell, in one block."""

    def status(self, text: str | None) -> None:
        """Show ``text`` in Excel's status bar (None gives the bar back to Excel)."""

    def axis_titles(self, sheet: str, x: str, y: str) -> None:
        """Set the axis titles of the first chart on ``sheet`` (chart titles are text, not formulas)."""

    def alert(self, text: str, title: str = "xlcell") -> None:
        """Tell the user something that needs their attention (a message box in Excel)."""

    def save(self) -> None:
        """Make the writes permanent (the file is written; in Excel the user saves)."""

    def rebuild_sheet(self, module: Any) -> None:
        """Replace the sheet ``module.TITLE`` by a fresh one from the template generator ``module.build``."""

    def open_book(self, path: Path) -> None:
        """Show the workbook file ``path`` to the user (Excel opens it; headless, nothing to do)."""

    def picture(self, sheet: str, name: str, png: bytes, anchor: str) -> None:
        """Put the PNG ``png`` on ``sheet`` with its top-left corner at cell ``anchor``, replacing the picture there."""


class FileBook:
    """An .xlsx file through openpyxl: formulas and styles kept, values written in memory, saved on :meth:`save`.

    Nothing reaches the disk before :meth:`save`, so a macro that fails half-way leaves the file as it was.
    """

    def __init__(self, path: str | Path, out: str | Path | None = None, quiet: bool = False):
        from workbooks.roundtrip import load

        self.path = Path(path)
        self.out = Path(out) if out else self.path
        self.wb = load(self.path)  # a missing, damaged, foreign or oversized file: one BookError sentence
        self.quiet = quiet
        self.messages: list[str] = []

    def _range(self, name: str):
        ws, rng = named_cells(self.wb, name, str(self.path))
        if not isinstance(rng, tuple):  # a single cell
            rng = ((rng,),)
        elif rng and not isinstance(rng[0], tuple):  # a single row or column of cells
            rng = tuple((c,) for c in rng) if len({c.column for c in rng}) == 1 else (rng,)
        return ws, rng

    def read(self, name: str) -> list[list[Any]]:
        _, rng = self._range(name)
        return [[c.value for c in row] for row in rng]

    def write(self, name: str, rows: list[list[Any]]) -> None:
        from workbooks.xlsx import put_text

        ws, rng = self._range(name)
        top = rng[0][0]
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                # assign explicitly: ``ws.cell(..., value=None)`` leaves the old value, so blanks would not clear;
                # text (names, messages that echo input) stays text, even when it starts with "="
                put_text(ws.cell(row=top.row + i, column=top.column + j), v)

    def status(self, text: str | None) -> None:
        if text and not self.quiet:
            print(text, flush=True)

    def axis_titles(self, sheet: str, x: str, y: str) -> None:
        charts = getattr(self.wb[sheet], "_charts", []) if sheet in self.wb.sheetnames else []
        if charts:  # openpyxl re-reads the charts of a loaded file; its title setter makes the rich text
            charts[0].x_axis.title = x
            charts[0].y_axis.title = y

    def alert(self, text: str, title: str = "xlcell") -> None:
        self.messages.append(text)
        if not self.quiet:
            print(f"{title}: {text}", flush=True)

    def save(self) -> None:
        from workbooks.roundtrip import save

        save(self.wb, self.out)

    def open_book(self, path: Path) -> None:  # headless: the path is reported by the macro's message
        return None

    def picture(self, sheet: str, name: str, png: bytes, anchor: str) -> None:
        import io

        from openpyxl.drawing.image import Image

        ws = self.wb[sheet]
        ws._images = [im for im in ws._images if _anchor_cell(im) != anchor.upper()]  # the old picture there goes
        img = Image(io.BytesIO(png))
        ws.add_image(img, anchor)

    def rebuild_sheet(self, module: Any) -> None:
        from workbooks.sheets import TemplateContext

        titles = [ws.title for ws in self.wb.worksheets]
        index = titles.index(module.TITLE) if module.TITLE in titles else len(titles)
        if module.TITLE in titles:
            del self.wb[module.TITLE]
            self.wb.__dict__.get("_xlcell_spills", {}).pop(module.TITLE, None)
        module.build(self.wb, TemplateContext())  # re-creates the sheet's named ranges too
        ws = self.wb[module.TITLE]
        self.wb.move_sheet(ws, offset=index - self.wb.worksheets.index(ws))


class XlwingsBook:
    """The workbook open in Excel, through xlwings (Windows/macOS with the xlwings add-in)."""

    def __init__(self, book: Any = None):
        import xlwings as xw

        if book is None:
            book = xw.Book.caller()
            if str(getattr(book, "name", "")).lower().endswith((".xlam", ".xla")):
                # RunPython from a ribbon add-in: the caller is the add-in itself; the user's book is the active one
                book = book.app.books.active
        self.book = book
        self.path = Path(self.book.fullname) if getattr(self.book, "fullname", None) else None

    def _range(self, name: str):
        for candidate in name_candidates(name):
            try:
                return self.book.names[candidate].refers_to_range
            except Exception:  # noqa: BLE001 - xlwings raises a platform-specific error for a missing name
                continue
        raise MissingRangeError(name, f"named range {name} not found", getattr(self.book, "name", "the workbook"),
                                "use a workbook made from the xlcell template (New workbook), or restore the sheet "
                                "that held it with Rebuild Pareto sheet")

    def read(self, name: str) -> list[list[Any]]:
        return self._range(name).options(ndim=2).value

    def write(self, name: str, rows: list[list[Any]]) -> None:
        if rows:  # one COM call per table; the macros pad every block to its full size, so None clears old cells
            self._range(name)[0, 0].value = [[excel_text(v) for v in r] for r in rows]

    def status(self, text: str | None) -> None:
        self.book.app.status_bar = text if text else False

    def axis_titles(self, sheet: str, x: str, y: str) -> None:
        """Through Excel's object model (Windows: ``Axes(1)`` is the x (category) axis, ``Axes(2)`` the value axis).
        Not run in Excel here; a failure only leaves the old titles, so it is not an error of the macro."""
        try:
            charts = self.book.sheets[sheet].charts
            if charts.count:
                chart = charts[0].api[1]
                for i, text in ((1, x), (2, y)):
                    axis = chart.Axes(i)
                    axis.HasTitle = True
                    axis.AxisTitle.Text = text
        except Exception:  # noqa: BLE001 - platform differences (macOS AppleScript); titles are cosmetic
            pass

    def alert(self, text: str, title: str = "xlcell") -> None:
        self.book.app.alert(text, title=title)

    def save(self) -> None:  # the user decides when to save their workbook
        return None

    def open_book(self, path: Path) -> None:
        self.book.app.books.open(str(path))

    def picture(self, sheet: str, name: str, png: bytes, anchor: str) -> None:
        """Through xlwings' ``pictures.add`` from a temporary file; a picture whose top-left corner is at ``anchor``
        (the template's, or the last run's) is deleted first. Not run in Excel here (the checklist of docs/excel.md)."""
        import tempfile

        ws = self.book.sheets[sheet]
        cell = ws.range(anchor)
        for pic in list(ws.pictures):
            if pic.name == name or (abs(pic.left - cell.left) < 1 and abs(pic.top - cell.top) < 1):
                pic.delete()
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"{name}.png"
            path.write_bytes(png)
            ws.pictures.add(str(path), name=name, left=cell.left, top=cell.top)

    def rebuild_sheet(self, module: Any) -> None:
        """Copy the sheet from a freshly generated template (Excel's own sheet copy keeps styles and charts),
        put it where the old one was, and point the workbook names of that sheet at the new one."""
        import tempfile

        from openpyxl import load_workbook

        from .template import write_template

        tmp = Path(tempfile.mkdtemp()) / "xlcell_template.xlsx"
        write_template(tmp, cache_values=False)  # Excel computes the copied sheet itself
        names = {dn.name: dn.attr_text for dn in load_workbook(tmp).defined_names.values()
                 if dn.attr_text.startswith(f"'{module.TITLE}'!")}
        app = self.book.app
        src = app.books.open(str(tmp))
        try:
            old = next((sh for sh in self.book.sheets if sh.name == module.TITLE), None)
            new = src.sheets[module.TITLE].copy(before=old if old is not None else None,
                                                after=None if old is not None else self.book.sheets[-1])
            if old is not None:
                app.display_alerts = False
                old.delete()
                app.display_alerts = True
            new.name = module.TITLE
            for nm, ref in names.items():
                for local in [n for n in new.names if n.name.split("!")[-1] == nm]:
                    local.delete()  # the copy brings sheet-local duplicates
                self.book.names.add(nm, "=" + ref)
        finally:
            src.close()


class LiteBook(XlwingsBook):
    """The workbook open in Excel through xlwings Lite (macOS, Excel on the web; Python in the browser).

    xlwings Lite hands a ``@script`` the book (names, ranges and their values, loaded before the script runs) and
    applies the writes when the script returns. Its Office.js engine has no status bar (``App.status_bar`` raises),
    so progress goes to the Output pane (print); it cannot open a second workbook, so a sheet cannot be rebuilt from
    the template, and files written by Python stay in the browser's memory, so no report file either.
    """

    def __init__(self, book: Any):
        super().__init__(book)
        self.path = None  # the add-in sees the book's name, not a folder on disk

    def status(self, text: str | None) -> None:
        if text:
            print(text, flush=True)

    def rebuild_sheet(self, module: Any) -> None:
        raise InputError("sheet to rebuild", module.TITLE, "rebuilt from desktop Excel (xlwings add-in) or with "
                         "`xlcell run rebuild BOOK.xlsx`: xlwings Lite cannot open the template workbook")
