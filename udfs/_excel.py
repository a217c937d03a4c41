"""The Excel boundary: coercion of what Excel hands over, and errors turned into cell text.

Excel (through xlwings) passes a number as ``float``, text as ``str``, a blank cell as ``None``,
TRUE/FALSE as ``bool``, and a range as a list of lists (a single cell as a scalar unless the
argument is declared ``ndim=2``). On Linux xlwings' decorators are no-ops, so every UDF coerces its
own inputs here, in one place, and the tests call UDFs with exactly those raw values.
"""
from __future__ import annotations

import contextlib
import functools
import inspect
import math
import re
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from xlcell.errors import ExcelErrorValue, InputError, ShapeError, XlcellError, short_text

try:  # xlwings' decorators register UDFs with Excel on Windows/macOS and do nothing on Linux
    import xlwings as xw
except ImportError:  # pragma: no cover - xlwings is a base dependency
    xw = None

ERROR_PREFIX = "#XLCELL!"
#: the start of a table row the model refuses (its reason follows): a result of the table (this case, this line load,
#: makes no cell or pack), not an error of the formula, which stays one #XLCELL! text (XLCELL_PACK_TABLE,
#: XLCELL_CALENDERING)
REFUSED = "refused: "


def cell_error_text(exc: BaseException) -> str:
    """The short text a cell shows for ``exc`` (never a traceback, at most 255 characters)."""
    if isinstance(exc, XlcellError):
        return exc.cell_text()
    return f"{ERROR_PREFIX} internal error ({type(exc).__name__}: {str(exc)[:120]}); please report it"


def finite_result(value: Any, args: Mapping[str, Any] | None = None) -> Any:
    """A scalar result as a cell gets it: a float that is not finite becomes a ``#XLCELL!`` text (Excel would show
    65535 or #NUM!, a silent wrong number) naming the arguments to check (:func:`suspect_arguments` of ``args``,
    ``{argument name: value as Excel handed it over}``); anything else passes unchanged."""
    if isinstance(value, float) and not math.isfinite(value):
        what = "not a number" if math.isnan(value) else "infinite"
        return short_text(f"{ERROR_PREFIX} the result is {what} for these inputs: "
                          f"{suspect_arguments(args or {})}")
    return value


_NOT_FINITE_LABELS = frozenset({"inf", "-inf", "nan", "#n/a"})  #: what :func:`excel_value` makes of NaN and ±inf


class FiniteTable(list):
    """A table result whose every number the UDF has checked to be finite (e.g. ``np.isfinite(...).all()`` of the
    array it was built from): the :func:`udf` wrapper hands it to Excel as a plain list without scanning its cells
    (:func:`finite_table`)."""


def finite_table(table: Any, args: Mapping[str, Any]) -> Any:
    """A table result as cells get it: when an argument holds a huge or practically-zero number and a cell of the
    table is not finite (a float, or ``excel_value``'s ``inf``/``#N/A`` text that the user did not type), the whole
    table is one ``#XLCELL!`` text naming that argument; otherwise the table passes unchanged."""
    if not isinstance(table, list):
        return table
    extreme = None
    typed = None
    for row in table:
        for c in (row if isinstance(row, list) else [row]):
            bad = (isinstance(c, float) and not math.isfinite(c)) or (
                isinstance(c, str) and c.strip().lower() in _NOT_FINITE_LABELS)
            if not bad:
                continue
            if isinstance(c, str):
                if typed is None:
                    typed = {t.strip().lower() for v in args.values() for t in _cells(v) if isinstance(t, str)}
                if c.strip().lower() in typed:
                    continue
            if extreme is None:
                extreme = _extreme(_magnitudes(args))
            if extreme:
                return [[short_text(f"{ERROR_PREFIX} the result holds values that are not finite for these inputs: "
                                    f"{extreme}")]]
            if isinstance(c, float):  # never a raw NaN/inf in a cell (Excel shows 65535 or #NUM!)
                return [[short_text(f"{ERROR_PREFIX} the result holds values that are not finite for these inputs: "
                                    f"{suspect_arguments(args)}")]]
    return table


def _cells(v: Any) -> list[Any]:
    """The cells of an argument as Excel hands it over: a scalar, or a (list of) list(s) of cells."""
    if not isinstance(v, (list, tuple)):
        return [v]
    return [c for r in v for c in (r if isinstance(r, (list, tuple)) else [r])]


#: a number whose decimal exponent is beyond this is far outside any physical range in display units
_EXTREME_EXPONENT = 100


def suspect_arguments(args: Mapping[str, Any]) -> str:
    """Which arguments to check when a result overflows: those holding a number far outside any physical range
    (|x| > 1e100) or practically zero (0 < |x| < 1e-100, a divisor), the most extreme first; else every numeric
    argument."""
    found = _magnitudes(args)
    extreme = _extreme(found)
    if extreme:
        return extreme
    names = ", ".join(name for _, name, _ in found) or ", ".join(args) or "the arguments"
    return f"check that {names} are in a physical range (a zero or huge value divides or overflows)"


def _magnitudes(args: Mapping[str, Any]) -> list[tuple[float, str, float]]:
    """(|decimal exponent|, argument, value) of the most extreme non-zero number of each argument."""
    found = []
    for name, v in args.items():
        nums = [x for x in map(_number, _cells(v)) if x is not None and math.isfinite(x) and x != 0.0]
        if nums:
            x = max(nums, key=lambda x: abs(math.log10(abs(x))))
            found.append((abs(math.log10(abs(x))), name, x))
    return found


def _number(c: Any) -> float | None:
    """A cell's number (a number typed as text too), or None."""
    if isinstance(c, bool):
        return None
    if isinstance(c, (int, float)):
        return float(c)
    if isinstance(c, str) and len(c) < 40:
        try:
            return float(c.strip().replace(",", ""))
        except ValueError:
            return None
    return None


def _extreme(found: list[tuple[float, str, float]], tail: str = ": use values in a physical range") -> str:
    extreme = sorted((f for f in found if f[0] > _EXTREME_EXPONENT), reverse=True)
    if not extreme:
        return ""
    listed = "; ".join(f"{name} = {x:.6g} ({'huge' if abs(x) > 1 else 'practically zero'})"
                       for _, name, x in extreme[:3])
    return listed + tail


def overflow_text(exc: BaseException, args: Mapping[str, Any]) -> str | None:
    """The cell text for a model's :class:`InputError` about a quantity the user did not type (``time`` from
    years x seconds, ``cycles`` from years x cycles per year) when an argument holds a huge or practically-zero
    number: the quantity overflowed or underflowed from that argument, which the text names. None otherwise."""
    if not isinstance(exc, InputError) or isinstance(exc, ExcelErrorValue):
        return None
    typed = {n.lower() for n in args} | {c.strip().lower() for v in args.values() for c in _cells(v)
                                         if isinstance(c, str)}
    if re.split(r"[\s\[]", str(exc.name).strip().lower(), maxsplit=1)[0] in typed:
        return None
    extreme = _extreme(_magnitudes(args), tail="")
    if not extreme:
        return None
    return short_text(f"{ERROR_PREFIX} {extreme} gives {exc}; use values in a physical range")


@contextlib.contextmanager
def user_names(**names: str | tuple[str, str]) -> Iterator[None]:
    """Errors raised inside about a model quantity name the argument the user typed instead.

    ``names`` maps a model's name (e.g. ``resistance_ohm_m2``) to the UDF argument or key (``resistances_ohm_cm2``),
    or to ``(argument, display unit)`` when the model checks SI values: the echoed value is then converted back to
    what the user typed. Used where a UDF hands its arguments to a model under other names.
    """
    try:
        yield
    except (InputError, ShapeError) as exc:
        new = names.get(exc.name)
        if new is None:
            raise
        if isinstance(new, tuple):
            new, unit = new
            if isinstance(exc, InputError) and isinstance(exc.value, float):
                from xlcell import units

                exc.value = float(units.from_si(exc.value, unit))
        exc.name = new
        raise


CATEGORY = "xlcell"  #: the function wizard's category of every xlcell function


def udf(*, table: bool = False, ranges: Sequence[str] = (), volatile: bool = False, wizard: bool = True) -> Callable:
    """Register a function as an Excel UDF and make it safe to call from a cell.

    The function wizard's help comes from the docstring (:func:`parse_udf_doc`): its first paragraph
    is the description and each ``name: text`` line documents an argument. Every argument is read
    with ``err_to_str=True`` so that an Excel error (``#DIV/0!``, ``#N/A``, ...) in an input reaches
    the coercion helpers as text and is reported, instead of arriving as a blank.

    Parameters
    ----------
    table : bool
        The UDF returns a 2-D list (spilled as a dynamic array); an error becomes ``[[text]]``.
    ranges : sequence of str
        Argument names that take ranges: xlwings delivers them as lists of lists (``ndim=2``).
    volatile : bool
        Excel recalculates the function on every recalculation (xlwings' ``volatile``).
    wizard : bool
        False for a function too slow (over ~50 ms, ``scripts/time_udfs.py``) to run on every keystroke in
        Excel's function wizard: the generated VBA returns at once there (xlwings' ``call_in_wizard``).
    """

    def deco(fn: Callable) -> Callable:
        params = list(inspect.signature(fn).parameters)

        # the wrapper runs on every call: it builds the {argument: value} mapping only when a message needs it
        if table:
            @functools.wraps(fn)
            def wrapper(*args: Any) -> Any:
                try:
                    out = fn(*args)
                    if type(out) is FiniteTable:  # the UDF checked its numbers: no scan of every cell
                        return list(out)
                    return finite_table(out, dict(zip(params, args)))
                except Exception as exc:  # noqa: BLE001 - a cell must never show a traceback
                    return [[overflow_text(exc, dict(zip(params, args))) or cell_error_text(exc)]]
        else:
            @functools.wraps(fn)
            def wrapper(*args: Any) -> Any:
                try:
                    out = fn(*args)
                    if isinstance(out, float) and out - out != 0.0:  # NaN or ±inf (x - x is 0 for a finite x)
                        return finite_result(out, dict(zip(params, args)))
                    return out
                except Exception as exc:  # noqa: BLE001 - a cell must never show a traceback
                    return overflow_text(exc, dict(zip(params, args))) or cell_error_text(exc)

        description, arg_docs = parse_udf_doc(fn)
        options = {name: {"doc": arg_docs[name], "err_to_str": True, **({"ndim": 2} if name in ranges else {})}
                   for name in arg_docs}
        unknown = set(ranges) - set(arg_docs)
        if unknown:
            raise TypeError(f"{fn.__name__}: ranges names no argument: {sorted(unknown)}")
        wrapper.__xlcell_udf__ = True  # type: ignore[attr-defined]
        wrapper.__xlcell_table__ = table  # type: ignore[attr-defined]
        wrapper.__xlcell_description__ = description  # type: ignore[attr-defined]
        wrapper.__xlcell_arg_docs__ = arg_docs  # type: ignore[attr-defined]
        wrapper.__xlcell_arg_options__ = options  # type: ignore[attr-defined]
        wrapper.__xlcell_volatile__ = volatile  # type: ignore[attr-defined]
        wrapper.__xlcell_wizard__ = wizard  # type: ignore[attr-defined]
        if xw is not None:
            return register(wrapper, xw.func, xw.arg)
        return wrapper

    return deco


def register(wrapper: Callable, func: Callable, arg: Callable) -> Callable:
    """Apply xlwings' decorators ``func``/``arg`` to a UDF made by :func:`udf`, from its ``__xlcell_*__`` metadata.

    At import, ``func``/``arg`` are ``xw.func``/``xw.arg``: real on Windows (the COM server reads the metadata
    when Excel calls), no-ops elsewhere. The add-in build (``addin/xlam.py``) calls this again with xlwings' own
    ``xlwings.udfs.xlfunc``/``xlarg`` on a copy of each function, so the VBA that xlwings generates from the
    metadata is the same on every platform. Category, wizard flag and argument help are set in this one place.
    """
    out = wrapper
    for name, opts in wrapper.__xlcell_arg_options__.items():
        out = arg(name, **opts)(out)
    out = func(category=CATEGORY, volatile=wrapper.__xlcell_volatile__,
               call_in_wizard=wrapper.__xlcell_wizard__)(out)
    meta = getattr(out, "__xlfunc__", None)
    if isinstance(meta, dict) and isinstance(meta.get("ret"), dict):
        meta["ret"]["doc"] = wrapper.__xlcell_description__  # xlwings would take the whole docstring, cut at 255
    return out


WIZARD_LIMIT = 255  # Excel's function wizard: description and argument help of at most 255 characters
_ARG_LINE = re.compile(r"^\s*([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s*:\s*(.*)$")
_SAME_AS = re.compile(r"Same arguments as (XLCELL_\w+)")
_SECTION_END = ("returns", "spills", "same arguments")


def _shorten(text: str, limit: int = WIZARD_LIMIT) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def parse_udf_doc(fn: Callable) -> tuple[str, dict[str, str]]:
    """The function wizard's description and ``{argument: help}`` from a UDF's docstring.

    The description is the first paragraph. Arguments are documented by lines ``name: text`` (the
    convention of ``udfs/``), by ``a, b: text`` for several at once, by ``a: text; b: text`` on one
    line, or NumPy-style (``name : type`` followed by indented lines); lines that follow an argument
    line and start no new one continue its text; a blank line or a line starting ``Returns``/``Spills``
    ends it. ``Same arguments as XLCELL_X`` takes XLCELL_X's help for the arguments not documented
    here. Both texts are cut to Excel's 255 characters at a word boundary. An argument without help
    gets ``""`` (the test of every UDF fails on it).
    """
    params = [p for p in inspect.signature(fn).parameters]
    doc = inspect.getdoc(fn) or ""
    lines = doc.splitlines()
    first = []
    for line in lines:
        if not line.strip():
            break
        first.append(line.strip())
    description = _shorten(" ".join(first) or fn.__name__)
    if len(" ".join(first)) > WIZARD_LIMIT and first:
        description = _shorten(first[0])

    found: dict[str, list[str]] = {}
    current: list[str] = []
    for line in lines[len(first):]:
        stripped = line.strip()
        if not stripped or stripped.lower().startswith(_SECTION_END) or set(stripped) <= set("-"):
            current = []
            continue
        parts = [p.strip() for p in stripped.split("; ")]
        matches = [_ARG_LINE.match(p) for p in parts]
        if matches[0] and all(n.strip() in params for n in matches[0].group(1).split(",")):
            current = []
            for p, m in zip(parts, matches):
                names = [n.strip() for n in m.group(1).split(",")] if m else []
                if m and all(n in params for n in names):
                    current = [n for n in names if n not in found]
                    for n in current:
                        found[n] = [m.group(2)]
                else:  # "a: text; more text" - the rest belongs to the last argument
                    for n in current:
                        found[n][-1] += "; " + p
        else:
            for n in current:
                found[n].append(stripped)
    same = _SAME_AS.search(doc)
    if same:
        other = getattr(fn, "__globals__", {}).get(same.group(1))
        for n, text in (getattr(other, "__xlcell_arg_docs__", None) or {}).items():
            if n in params and n not in found and text:
                found[n] = [text]
    return description, {n: _shorten(" ".join(found.get(n, []))) for n in params}


# ----------------------------------------------------------------------------------- scalars
# Excel's error values as xlwings hands them over with err_to_str=True (and as formula engines spell them)
EXCEL_ERRORS = frozenset({"#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
                          "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"})


def is_excel_error(v: Any) -> bool:
    return isinstance(v, str) and v.strip().upper() in EXCEL_ERRORS


def check_not_error(v: Any, name: str) -> Any:
    """``v`` unchanged, or :class:`~xlcell.errors.ExcelErrorValue` if it is an Excel error value."""
    if is_excel_error(v):
        raise ExcelErrorValue(name, v.strip().upper())
    return v


def is_blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and v.strip() == "")


def is_blank_range(v: Any) -> bool:
    """A blank cell, or a range whose every cell is blank (xlwings hands a blank one-cell range over as ``[[None]]``)."""
    if isinstance(v, (list, tuple)):
        return all(is_blank_range(c) for c in v)
    return is_blank(v)


def as_float(v: Any, name: str, *, default: float | None = None, allowed: str = "a number") -> float:
    """A number from a cell value. Blank -> ``default`` (or an error if there is none).

    Text is read as a number with a point as the decimal separator; commas are accepted only as
    thousands separators ("1,234.5"), so "120,5" is an error rather than 1205. An Excel error value
    (``#DIV/0!``, ...) is reported as such.
    """
    if type(v) is float and v - v == 0.0:  # a finite number, as Excel hands most cells over
        return v
    v = check_not_error(_unwrap(v, name), name)
    if is_blank(v):
        if default is not None:
            return default
        raise InputError(name, None, allowed)
    if isinstance(v, bool):
        raise InputError(name, v, allowed)
    if isinstance(v, (int, float)):
        x = float(v)
    elif isinstance(v, str):
        x = _text_number(v, name, allowed)
    else:
        raise InputError(name, str(v), allowed)
    if not math.isfinite(x):
        raise InputError(name, x, allowed)
    return x


_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?([eE][+-]?\d+)?$")


def _text_number(v: str, name: str, allowed: str) -> float:
    t = v.strip()
    if "," in t:
        if not _THOUSANDS.match(t):
            raise InputError(name, v, f"{allowed}; use a point as the decimal separator (commas only between "
                                      "thousands, e.g. 1,234.5)")
        t = t.replace(",", "")
    try:
        return float(t)
    except ValueError:
        raise InputError(name, v, allowed) from None


def as_optional_float(v: Any, name: str) -> float | None:
    v = _unwrap(v, name)
    return None if is_blank(v) else as_float(v, name)


def as_int(v: Any, name: str, *, default: int | None = None, minimum: int | None = None,
           maximum: int | None = None) -> int:
    """A whole number from a cell, at least ``minimum`` and at most ``maximum`` (either may be None)."""
    if minimum is not None and maximum is not None:
        allowed = f"a whole number between {minimum} and {maximum:,}"
    else:
        allowed = "a whole number" + (f" >= {minimum}" if minimum is not None else "") + (
            f" <= {maximum:,}" if maximum is not None else "")
    x = as_float(v, name, default=None if default is None else float(default), allowed=allowed)
    if x != int(x) or (minimum is not None and x < minimum) or (maximum is not None and x > maximum):
        raise InputError(name, x, allowed)
    return int(x)


def as_text(v: Any, name: str, *, default: str | None = None, choices: Iterable[str] | None = None) -> str:
    v = check_not_error(_unwrap(v, name), name)
    if is_blank(v):
        if default is not None:
            return default
        raise InputError(name, None, "a text value")
    if isinstance(v, float) and not math.isfinite(v):
        raise InputError(name, v, "a text value")
    s = str(v).strip() if not isinstance(v, float) else f"{v:g}"
    if choices is not None:
        ch = list(choices)
        low = {c.lower(): c for c in ch}
        if s.lower() not in low:
            raise InputError(name, s, "one of " + ", ".join(ch))
        return low[s.lower()]
    return s


def as_bool(v: Any, name: str, *, default: bool | None = None) -> bool:
    v = check_not_error(_unwrap(v, name), name)
    if is_blank(v) and default is not None:
        return default
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)) and v in (0, 1):
        return bool(v)
    if isinstance(v, str) and v.strip().lower() in ("true", "false", "yes", "no"):
        return v.strip().lower() in ("true", "yes")
    raise InputError(name, v, "TRUE or FALSE")


def _unwrap(v: Any, name: str) -> Any:
    """A single cell passed as a 1x1 range -> its value."""
    if isinstance(v, (list, tuple)):
        flat = [x for row in v for x in (row if isinstance(row, (list, tuple)) else [row])]
        if len(flat) == 1:
            return flat[0]
        raise ShapeError(name, f"a range of {len(flat)} cells", "a single cell or value")
    return v


# ----------------------------------------------------------------------------------- ranges
def as_2d(v: Any, name: str) -> list[list[Any]]:
    """Any Excel value as a list of rows (a scalar is a 1x1 range, a flat list one row)."""
    if not isinstance(v, (list, tuple)):
        return [[v]]
    if not v:
        raise ShapeError(name, "empty", "a range with at least one cell")
    if not isinstance(v[0], (list, tuple)):
        return [list(v)]
    return [list(r) if isinstance(r, (list, tuple)) else [r] for r in v]


def as_rows(v: Any, name: str) -> list[list[Any]]:
    """:func:`as_2d` for a reader that does not change the rows: a list of row lists (what Excel hands over) is read
    as it is, without a copy of its rows."""
    return v if type(v) is list and v and set(map(type, v)) == _LIST else as_2d(v, name)


_LIST = {list}


def as_vector(v: Any, name: str, *, allow_blank: bool = False) -> list[float]:
    """A one-row or one-column range of numbers (blanks dropped when ``allow_blank``)."""
    rows = as_2d(v, name)
    if len(rows) > 1 and len(rows[0]) > 1:
        raise ShapeError(name, f"{len(rows)}x{len(rows[0])}", "a single row or column")
    cells = [c for r in rows for c in r]
    out = []
    for i, c in enumerate(cells):
        if allow_blank and is_blank(c):
            continue
        out.append(as_float(c, f"{name}[{i + 1}]"))
    return out


def as_text_vector(v: Any, name: str) -> list[str]:
    rows = as_2d(v, name)
    if len(rows) > 1 and len(rows[0]) > 1:
        raise ShapeError(name, f"{len(rows)}x{len(rows[0])}", "a single row or column")
    return [as_text(c, f"{name}[{i + 1}]") for i, c in enumerate(c for r in rows for c in r)]


def as_kv(v: Any, name: str) -> dict[str, Any]:
    """A two-column (key, value) range -> ``{key.lower(): value}``; blank keys and values dropped.

    A range wider than two columns uses its first two; rows whose key is blank are skipped (so
    headings and spacer rows may sit inside the range). A repeated key is an error.
    """
    if v is None:
        return {}
    rows = as_rows(v, name)
    if len(rows[0]) < 2:
        raise ShapeError(name, f"{len(rows)}x{len(rows[0])}", "two columns: key, value")
    out: dict[str, Any] = {}
    for r in rows:
        if len(r) >= 2:
            k, val = r[0], r[1]
        else:  # a short row (a ragged list, never from Excel) has blank cells
            k, val = (list(r) + [None, None])[:2]
        if k is None:
            continue
        if type(k) is str:
            key = k.strip()
            if not key:
                continue
            if key[0] == "#":
                check_not_error(k, f"{name} key")
            key = key.lower()
        else:
            key = str(k).strip().lower()
        if key in out:
            raise InputError(name, key, "each key once (it appears twice)")
        if val is None:
            continue
        if type(val) is str:
            val = val.strip()
            if not val:
                continue
        out[key] = val
    return out


def as_table(v: Any, name: str, *, keep_blank_rows: bool = False) -> tuple[list[str], list[list[Any]]]:
    """A table with a header row -> (lower-case header keys, data rows).

    Fully blank rows are dropped, or kept when ``keep_blank_rows`` (so that results stay aligned
    with the input rows); either way at least one row must hold a value.
    """
    rows = as_rows(v, name)
    if len(rows) < 2:
        raise ShapeError(name, f"{len(rows)} row(s)", "a header row of keys and at least one row of values")
    header = []
    for j, h in enumerate(rows[0]):
        if is_blank(h):
            raise InputError(f"{name} header", None, f"a key in every header cell (column {j + 1} is blank)")
        check_not_error(h, f"{name} header (column {j + 1})")
        header.append(str(h).strip().lower())
    dup = {h for h in header if header.count(h) > 1}
    if dup:
        raise InputError(f"{name} header", sorted(dup)[0], "each key once")
    body = rows[1:]
    if keep_blank_rows:
        if all(map(is_blank_row, body)):  # stops at the first row with a value
            raise ShapeError(name, "header only", "at least one row of values")
        return header, body
    data = [r for r in body if not is_blank_row(r)]
    if not data:
        raise ShapeError(name, "header only", "at least one row of values")
    return header, data


def is_blank_row(row: Sequence[Any]) -> bool:
    for c in row:  # (is_blank of each cell, inline: this runs once per row of a table of thousands)
        if c is None or (isinstance(c, str) and not c.strip()):
            continue
        return False
    return True


def as_records(v: Any, name: str, columns: Sequence[str]) -> list[dict[str, Any]]:
    """A table whose header names every one of ``columns`` (any order, any case) -> one dict per row.

    Blank tables give ``[]``; rows are keyed by the spelling in ``columns``; values are raw cells.
    """
    if v is None or is_blank(v):
        return []
    header, rows = as_table(v, name)
    missing = [c for c in columns if c.lower() not in header]
    if missing:
        raise ShapeError(name, f"missing column(s) {', '.join(missing)}", "a header row naming every column")
    col = {c: header.index(c.lower()) for c in columns}
    return [{c: (r[j] if j < len(r) else None) for c, j in col.items()} for r in rows]


def spec_values(record: Mapping[str, Any], cls: type, label: str) -> dict[str, Any]:
    """The SI values of every metadata field of ``cls`` from a record keyed by display keys, checked (a blank cell
    of a field that allows NaN, e.g. a material's price, is NaN: not known)."""
    from xlcell.params import specs

    out = {}
    for s in specs(cls):
        x = as_float(record[s.key], f"{label} {s.key}", default=float("nan") if s.allow_nan else None)
        s.check(s.to_si(x), f"{label} {s.key}")
        out[s.name] = s.to_si(x)
    return out


def params_from_kv(cls: type, v: Any, name: str) -> Any:
    """A parameter dataclass ``cls`` from an optional (key, value) range of display values.

    Keys are ``cls``'s metadata keys (any case); missing keys and a blank range take the defaults;
    each value is checked against its allowed range; an unknown key names the close ones.
    """
    from xlcell.errors import UnknownKeyError
    from xlcell.params import from_display, spec_by_key

    kv = {} if v is None or is_blank(v) else as_kv(v, name)
    known = spec_by_key(cls)
    by_key = {k.lower(): s for k, s in known.items()}
    values = {}
    for k, val in kv.items():
        if k not in by_key:
            raise UnknownKeyError(k, list(known), what=f"{name} key")
        s = by_key[k]
        x = as_float(val, s.key)
        s.check(s.to_si(x), s.key)
        values[s.key] = x
    return from_display(cls, values)


def kv_out(d: Mapping[str, Any]) -> list[list[Any]]:
    """``{key: value}`` -> a two-column list for a spilled (key, value) table."""
    return [[k, excel_value(v)] for k, v in d.items()]


def excel_value(v: Any) -> Any:
    """A Python/numpy value as something a cell can hold (float, bool, str, or blank)."""
    if type(v) is float and v - v == 0.0:  # a finite float (the common case): itself
        return v
    try:
        import numpy as np

        if isinstance(v, np.ndarray):
            v = v.item() if v.size == 1 else v.tolist()
        elif isinstance(v, np.generic):
            v = v.item()
    except ImportError:  # pragma: no cover
        pass
    if isinstance(v, float) and not math.isfinite(v):
        return "#N/A" if math.isnan(v) else ("inf" if v > 0 else "-inf")
    return v


def asked_key(asked: Any, arg: str, by_text: dict[str, str], to_key: Callable[[str], str]) -> str:
    """The key of the metric or item text ``asked`` (argument ``arg``): a text asked before found at once in
    ``by_text`` (texts as given: any case, blanks around; at most 4,096 kept), else ``to_key`` of
    :func:`as_text`'s reading (its errors name ``arg``), kept."""
    key = by_text.get(asked) if type(asked) is str else None
    if key is None:
        key = to_key(as_text(asked, arg))
        if type(asked) is str and len(by_text) < 4096:
            by_text[asked] = key
    return key
