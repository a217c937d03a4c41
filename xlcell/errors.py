"""The one error hierarchy of xlcell.

Every error raised on purpose by xlcell derives from :class:`XlcellError`. Errors about
bad input also derive from :class:`ValueError` (after python-control), so callers may catch
either. Each error keeps structured fields and builds its message late (after pint); the
Excel layer shows :meth:`XlcellError.cell_text` in the cell.
"""
from __future__ import annotations

from typing import Any, Iterable


CELL_TEXT_LIMIT = 255  #: Excel's limit for a formula's text result that a user can read in a cell
_ECHO_LIMIT = 40  #: characters of a bad value echoed back in a message


class XlcellError(Exception):
    """Root of every deliberate xlcell error."""

    def cell_text(self) -> str:
        """Short text for an Excel cell (no traceback), at most :data:`CELL_TEXT_LIMIT` characters."""
        return short_text(f"#XLCELL! {self}")


def short_text(text: str, limit: int = CELL_TEXT_LIMIT) -> str:
    """``text`` cut to ``limit`` characters, the cut marked with an ellipsis.

    Parameters
    ----------
    text : str
        The message.
    limit : int
        Largest number of characters, ellipsis included (default: the cell text limit).
    """
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _fmt(value: Any) -> str:
    """A bad value as a message shows it: numbers to 6 significant digits, long texts and huge numbers cut."""
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**_ECHO_LIMIT:
        return f"{float(value):.6g}"
    if isinstance(value, str):
        return repr(short_text(value, _ECHO_LIMIT))
    if value is None:
        return "blank"
    return short_text(str(value), _ECHO_LIMIT)


class BookError(XlcellError):
    """A workbook file (or another file a command reads or writes) cannot be used as it is.

    The message is one sentence in three parts, ``<what> (<where>): <what to do>``, which the command line prints
    as ``xlcell: ...`` and a ribbon job shows in a message box (:func:`app.failure.failure_text`).

    Parameters
    ----------
    what : str
        What is wrong, e.g. ``"not an .xlsx workbook"``.
    where : str
        The file (and, where known, the sheet or the named range), e.g. ``"plant.xlsx, sheet Design"``.
    todo : str
        What the user can do about it, e.g. ``"save it from Excel as an Excel Workbook (.xlsx)"``.
    """

    def __init__(self, what: str, where: Any, todo: str):
        self.what = what
        self.where = str(where)
        self.todo = todo
        super().__init__(what, self.where, todo)

    def __str__(self) -> str:
        return f"{self.what} ({self.where}): {self.todo}"


class BookLimitError(BookError):
    """A workbook exceeds a documented size limit (checked before it is parsed)."""


class MissingRangeError(BookError):
    """A workbook lacks a named range (or the sheet it points at) that xlcell reads or writes.

    ``range_name`` is the name asked for (e.g. ``tbl_design``); ``absent`` says the workbook does not define it at
    all (a caller with a default for an optional block takes the default then), rather than defining it on a sheet
    that is gone.
    """

    def __init__(self, range_name: str, what: str, where: Any, todo: str, absent: bool = True):
        self.range_name = range_name
        self.absent = absent
        super().__init__(what, where, todo)


class BookLockedError(BookError):
    """Another xlcell job holds the lock on the workbook to be written."""


class InputError(XlcellError, ValueError):
    """A named input has a value outside what is allowed.

    Parameters
    ----------
    name : str
        The input's key as the user typed it (e.g. ``pos_porosity``).
    value : object
        The offending value, in the user's units.
    allowed : str
        What is allowed, in words (e.g. ``"a number between 0 and 1 (exclusive)"``).
    where : str, optional
        Where in an array of designs (e.g. ``"design 3"``).
    """

    def __init__(self, name: str, value: Any, allowed: str, where: str | None = None):
        self.name = name
        self.value = value
        self.allowed = allowed
        self.where = where
        super().__init__(name, value, allowed, where)

    def __str__(self) -> str:
        at = f" ({self.where})" if self.where else ""
        return f"{self.name} = {_fmt(self.value)}{at}: must be {self.allowed}"


class ExcelErrorValue(InputError):
    """An input cell holds an Excel error value (``#DIV/0!``, ``#N/A``, ...) instead of a value."""

    def __init__(self, name: str, value: str, where: str | None = None):
        super().__init__(name, value, "a value, not an Excel error", where)

    def __str__(self) -> str:
        at = f" ({self.where})" if self.where else ""
        return (f"{self.name} = {self.value}{at}: the cell holds an Excel error; fix the formula or the cell it "
                "refers to")


class UnknownKeyError(XlcellError, KeyError):
    """A key is not one of the known keys."""

    def __init__(self, key: str, known: Iterable[str], what: str = "key"):
        self.key = key
        self.known = sorted(known)
        self.what = what
        super().__init__(key)

    def __str__(self) -> str:
        import difflib

        key = str(self.key)
        close = difflib.get_close_matches(key.lower(), self.known, n=3, cutoff=0.6) if len(key) <= 200 else []
        hint = f"; did you mean {', '.join(close)}?" if close else f"; see the list of {_plural(self.what)}"
        return f"unknown {self.what} {_fmt(key)}{hint}"


def _plural(noun: str) -> str:
    """English plural of the last word: property -> properties, key -> keys."""
    if noun.endswith("y") and noun[-2:-1] not in tuple("aeiou"):
        return noun[:-1] + "ies"
    return noun + ("es" if noun.endswith(("s", "x", "ch", "sh")) else "s")


class UnknownMaterialError(UnknownKeyError):
    """A material name is not in the library."""

    def __init__(self, key: str, known: Iterable[str]):
        super().__init__(key, known, what="material")

    def __str__(self) -> str:
        return f"unknown material {_fmt(str(self.key))}; known: {', '.join(self.known)}"


class ShapeError(XlcellError, ValueError):
    """An input range or array has the wrong shape."""

    def __init__(self, name: str, got: str, expected: str):
        self.name = name
        self.got = got
        self.expected = expected
        super().__init__(name, got, expected)

    def __str__(self) -> str:
        return f"{self.name} is {self.got}: expected {self.expected}"


class ConflictError(XlcellError, ValueError):
    """Two inputs contradict each other."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)

    def __str__(self) -> str:
        return self.message


class InfeasibleError(XlcellError):
    """A requested target cannot be reached (e.g. porosity below what a material reaches)."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)

    def __str__(self) -> str:
        return self.message


class MissingPackageError(XlcellError, ImportError):
    """An optional package that a feature needs is not installed.

    Parameters
    ----------
    package : str
        The package's import name (e.g. ``"distributed"``).
    feature : str
        What needs it (e.g. ``"--dask"``).
    extra : str
        The xlcell extra that installs it (``pip install xlcell[extra]``), or a pip requirement.
    """

    def __init__(self, package: str, feature: str, extra: str):
        self.package = package
        self.feature = feature
        self.extra = extra
        super().__init__(package, feature, extra)

    def __str__(self) -> str:
        return (f"{self.feature} needs the package {self.package!r}, which is not installed: "
                f"pip install \"xlcell[{self.extra}]\"")
