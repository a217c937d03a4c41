"""The one way xlcell opens a workbook file a user gave it: checked first, parsed second.

Every command and macro that reads a user's book (``xlcell run``, ``report --from-workbook``/``--pareto``,
``cost --from-workbook``) goes through :func:`open_book`. Before openpyxl parses anything, :func:`check_book` reads
only the file's first bytes and the zip's central directory, and refuses with a :class:`~xlcell.errors.BookError`
(one sentence: what, where, what to do):

* a missing file, a folder, a file that cannot be read (permission), an empty file;
* a file that is not an .xlsx package: an Excel 97-2003 ``.xls`` or a password-protected workbook (both are OLE
  compound files), or anything else that is not a zip;
* a damaged zip (truncated, corrupted central directory), or a zip without ``xl/workbook.xml``;
* a package whose parts would inflate beyond the limits below (a zip bomb): the declared sizes in the central
  directory are checked, and Python's :mod:`zipfile` never inflates a part past its declared size (it stops there
  and reports a CRC error), so the check bounds the real work.

openpyxl then parses with defusedxml (a base dependency), which refuses DTDs and entity declarations (the
"billion laughs" XML bomb, external entities); that refusal, and any other failure to parse a damaged part, becomes
a :class:`~xlcell.errors.BookError` too.

The limits, for real xlcell workbooks: the template is 0.4 MB on disk and inflates to 1.7 MB in 72 parts, the
largest (the Monte Carlo samples) 1.1 MB at a compression ratio of 3.7, none above 9. Apache POI's ``ZipSecureFile``
(the reference OOXML reader) refuses a part that inflates more than 100 times its compressed size once past
100 KiB; we keep its ratio with a larger grace size, so a small, very regular sheet is never refused.
"""
from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from xlcell.errors import BookError, BookLimitError

#: the most bytes all parts of a workbook may inflate to together: 60 times the template's 1.7 MB
MAX_INFLATED_BYTES = 104_857_600  # 100 MiB
#: the most times a part may inflate its compressed size (Apache POI's ZipSecureFile: 100) ...
MAX_PART_RATIO = 100
#: ... once the part inflates past this size (POI: 100 KiB)
RATIO_GRACE_BYTES = 2**20
#: the most parts (zip members) a workbook may have (the template has 72)
MAX_PARTS = 10_000

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound file binary: .xls, and any password-protected workbook

_TEMPLATE_HINT = "use an xlcell workbook (.xlsx), e.g. a copy of `xlcell template`"


def check_book(path: str | Path) -> Path:
    """Refuse ``path`` (:class:`~xlcell.errors.BookError`) unless it looks like an .xlsx package within the limits.

    Reads the first bytes and the zip's central directory only; nothing is inflated. Returns the path.
    """
    path = Path(path)
    where = str(path)
    if not path.exists():
        raise BookError("file not found", where, "check the folder and the file name")
    if path.is_dir():
        raise BookError("a folder, not a workbook file", where, "give the path of an .xlsx file")
    try:
        with open(path, "rb") as f:
            head = f.read(8)
    except PermissionError as exc:
        raise BookError("permission denied: the file cannot be read", where,
                        "ask its owner for read access, or work on a copy in a folder of yours") from exc
    except OSError as exc:
        raise BookError(f"the file cannot be read ({exc.strerror or exc})", where,
                        "check that the file is available (not offline, not locked by another program)") from exc
    if not head:
        raise BookError("empty file (0 bytes), not a workbook", where,
                        "the file was not saved completely: use a backup or an earlier copy")
    if head.startswith(_OLE_MAGIC):
        raise BookError("not an .xlsx workbook: an Excel 97-2003 (.xls) or password-protected file", where,
                        "in Excel remove the password (File > Info > Protect Workbook) and save it as "
                        "Excel Workbook (.xlsx)")
    if not head.startswith(_ZIP_MAGIC):
        raise BookError("not an .xlsx workbook (not a zip package)", where, _TEMPLATE_HINT)
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError) as exc:
        raise BookError("damaged workbook: its zip package is broken (truncated or corrupted)", where,
                        "use a backup, or let Excel repair it (File > Open > Open and Repair) and save a copy") from exc
    except OSError as exc:
        raise BookError(f"the file cannot be read ({exc.strerror or exc})", where,
                        "check that the file is available (not offline, not locked by another program)") from exc
    check_parts(infos, where)
    if not any(i.filename == "xl/workbook.xml" for i in infos):
        raise BookError("not an Excel workbook: the zip package has no xl/workbook.xml", where, _TEMPLATE_HINT)
    return path


def check_parts(infos: list[zipfile.ZipInfo], where: str) -> None:
    """Refuse a package whose parts would inflate beyond the module's limits (:class:`~xlcell.errors.BookLimitError`)."""
    todo = (f"xlcell opens workbooks of at most {MAX_PARTS} parts, {MAX_INFLATED_BYTES // 2**20} MB unpacked, no part "
            f"compressed more than {MAX_PART_RATIO}:1; a workbook this size is not an xlcell workbook (or it is a zip "
            "bomb): remove data sheets it does not need")
    if len(infos) > MAX_PARTS:
        raise BookLimitError(f"workbook too large: {len(infos)} parts", where, todo)
    total = sum(i.file_size for i in infos)
    if total > MAX_INFLATED_BYTES:
        raise BookLimitError(f"workbook too large: it unpacks to {total / 2**20:.0f} MB", where, todo)
    for i in infos:
        if i.file_size > RATIO_GRACE_BYTES and i.file_size > MAX_PART_RATIO * max(i.compress_size, 1):
            ratio = i.file_size / max(i.compress_size, 1)
            raise BookLimitError(f"workbook refused: part {i.filename} inflates {ratio:.0f} times "
                                 f"({i.compress_size} bytes to {i.file_size / 2**20:.0f} MB)", where, todo)


def open_book(path: str | Path, **load: Any):
    """``openpyxl.load_workbook(path, **load)`` after :func:`check_book`; a parse failure is a
    :class:`~xlcell.errors.BookError` (the original error is chained, shown by ``xlcell --debug``)."""
    from openpyxl import load_workbook

    path = check_book(path)
    try:
        return load_workbook(path, **load)
    except BookError:
        raise
    except ValueError as exc:
        if _is_defused(exc):
            raise BookError("blocked XML: the workbook declares XML entities or a DTD (a possible XML attack)",
                            str(path), "xlcell does not read such files; open it in Excel only if you trust where it "
                            "came from, and save a new copy") from exc
        raise _damaged(path, exc) from exc
    except PermissionError as exc:
        raise BookError("permission denied: the file cannot be read", str(path),
                        "ask its owner for read access, or work on a copy in a folder of yours") from exc
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on a damaged part; each is the file's fault
        raise _damaged(path, exc) from exc


def _chain(exc: BaseException) -> list[BaseException]:
    """``exc`` and the errors it was raised from (openpyxl wraps a part's error in "Unable to read workbook")."""
    out: list[BaseException] = []
    while exc is not None and exc not in out:
        out.append(exc)
        exc = exc.__cause__ or exc.__context__
    return out


def _is_defused(exc: BaseException) -> bool:
    try:
        from defusedxml import DefusedXmlException
    except ImportError:  # pragma: no cover - defusedxml is a base dependency
        return False
    return any(isinstance(e, DefusedXmlException) for e in _chain(exc))


def _damaged(path: Path, exc: BaseException) -> BookError:
    exc = _chain(exc)[-1]  # the part's own error, not openpyxl's wrapper
    detail = str(exc).splitlines()[0][:80] if str(exc) else ""
    return BookError(f"damaged workbook: a part cannot be read ({type(exc).__name__}{': ' + detail if detail else ''})",
                     str(path), "use a backup, or let Excel repair it (File > Open > Open and Repair) and save a copy")


__all__ = ["open_book", "check_book", "check_parts", "MAX_INFLATED_BYTES", "MAX_PART_RATIO", "RATIO_GRACE_BYTES",
           "MAX_PARTS"]
