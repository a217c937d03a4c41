"""The damaged-book corpus of issue 12 item 4: each way a workbook a user hands xlcell can be unusable.

:func:`build` writes every book into a folder and returns ``{name: path}``. The books start from the shipped
template (a real xlcell workbook) and are damaged the way they are in practice: an empty or random file, an old
``.xls`` renamed to ``.xlsx`` (a real compound file, written by the add-in builder's CFB writer and recognised by
olefile), a download cut short, a sheet deleted in openpyxl (its names left dangling) or in Excel (its names set to
``#REF!``), the named ranges gone, an XML "billion laughs" inside a sheet, a zip bomb (a sheet that inflates about
1000 times, as the issue's did), a zip that is not a workbook, a folder, and a missing file. ``permission`` is the
template made unreadable with ``chmod 000``; root reads it anyway, so the tests simulate the refusal for root.
"""
from __future__ import annotations

import io
import os
import random
import shutil
import zipfile
from pathlib import Path

from openpyxl import load_workbook

from workbooks import TEMPLATE_PATH

#: inflated size of the zip bomb's sheet: 3 times the limit, at a ratio of about 1000 (the issue's bomb, 1.5 MB of zip,
#: took 3.9 GB; a 1.5 GB sheet takes 12 s to build here and is refused as fast as this one)
BOMB_BYTES = 300 * 2**20

BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n' for i in range(1, 10))
    + ']>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
    '<c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'
)


def _replace_part(src: Path, dst: Path, part: str, data: bytes | None = None, stream: int = 0) -> Path:
    """A copy of the zip ``src`` with ``part`` replaced by ``data`` (or by ``stream`` bytes of padding inside its
    sheetData, written in chunks: a zip bomb)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename != part:
                zout.writestr(info, zin.read(info.filename))
            elif data is not None:
                zout.writestr(part, data)
            else:
                xml = zin.read(part)
                head, tail = xml.split(b"<sheetData>", 1)
                info = zipfile.ZipInfo(part)
                info.compress_type = zipfile.ZIP_DEFLATED
                with zout.open(info, "w", force_zip64=True) as f:
                    f.write(head + b"<sheetData>")
                    chunk = b" " * 2**20
                    for _ in range(stream // len(chunk)):
                        f.write(chunk)
                    f.write(tail)
    return dst


def first_sheet_part(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return sorted(n for n in z.namelist() if n.startswith("xl/worksheets/sheet"))[0]


def build(folder: Path, bomb: bool = True) -> dict[str, Path]:
    """Write the corpus into ``folder``; ``{name: path}`` (``missing`` is not created)."""
    folder.mkdir(parents=True, exist_ok=True)
    out: dict[str, Path] = {}
    out["missing"] = folder / "missing.xlsx"

    out["zero_byte"] = folder / "zero_byte.xlsx"
    out["zero_byte"].write_bytes(b"")

    out["random_bytes"] = folder / "random_bytes.xlsx"
    out["random_bytes"].write_bytes(random.Random(12).randbytes(20_000))

    from addin.cfb import write_cfb  # a genuine compound file, as an .xls workbook is

    out["renamed_xls"] = folder / "renamed_xls.xlsx"
    out["renamed_xls"].write_bytes(write_cfb({"Workbook": b"\x09\x08\x10\x00" + bytes(4092)}))

    data = TEMPLATE_PATH.read_bytes()
    out["truncated_zip"] = folder / "truncated_zip.xlsx"
    out["truncated_zip"].write_bytes(data[: len(data) // 2])

    wb = load_workbook(TEMPLATE_PATH)
    del wb["Design"]  # openpyxl keeps the names that pointed at it
    out["design_deleted"] = folder / "design_deleted.xlsx"
    wb.save(out["design_deleted"])

    wb = load_workbook(TEMPLATE_PATH)
    del wb["Pareto"]  # as Excel does it: the sheet's names now refer to #REF!
    for dn in wb.defined_names.values():
        if dn.attr_text.startswith("'Pareto'!") or dn.attr_text.startswith("Pareto!"):
            dn.attr_text = "#REF!" + dn.attr_text.split("!", 1)[1]
    out["pareto_deleted"] = folder / "pareto_deleted.xlsx"
    wb.save(out["pareto_deleted"])

    wb = load_workbook(TEMPLATE_PATH)  # the right sheets, but not laid out by xlcell: no named ranges
    for name in list(wb.defined_names):
        del wb.defined_names[name]
    out["no_named_ranges"] = folder / "no_named_ranges.xlsx"
    wb.save(out["no_named_ranges"])

    out["permission"] = folder / "permission.xlsx"
    shutil.copy(TEMPLATE_PATH, out["permission"])
    os.chmod(out["permission"], 0)

    out["xml_bomb"] = _replace_part(TEMPLATE_PATH, folder / "xml_bomb.xlsx", first_sheet_part(TEMPLATE_PATH),
                                    BILLION_LAUGHS.encode())
    if bomb:
        out["zip_bomb"] = _replace_part(TEMPLATE_PATH, folder / "zip_bomb.xlsx", first_sheet_part(TEMPLATE_PATH),
                                        stream=BOMB_BYTES)

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("notes.txt", "not a workbook")
    out["zip_not_workbook"] = folder / "zip_not_workbook.xlsx"
    out["zip_not_workbook"].write_bytes(buf.getvalue())

    out["folder"] = folder / "folder.xlsx"
    out["folder"].mkdir(exist_ok=True)
    return out


#: every command that reads a book, as argv with ``{book}`` and ``{out}`` placeholders
COMMANDS = {
    "cost --from-workbook": ["cost", "--from-workbook", "{book}"],
    "report --from-workbook": ["report", "--from-workbook", "{book}", "--out", "{out}"],
    "report --pareto": ["report", "--pareto", "{book}", "--out", "{out}"],
    "run pareto": ["run", "pareto", "{book}", "--quiet"],
    "run optimize": ["run", "optimize", "{book}", "--quiet"],
    "run report": ["run", "report", "{book}", "--out", "{out}", "--quiet"],
    "run rebuild": ["run", "rebuild", "{book}", "--quiet"],
}

#: (command, book) pairs that succeed: the command does not need what is damaged (a deleted Pareto sheet does not
#: matter to a design report; rebuild restores the Pareto sheet and its names)
SUCCEEDS = {
    ("cost --from-workbook", "pareto_deleted"),
    ("report --from-workbook", "pareto_deleted"),
    ("run rebuild", "design_deleted"),
    ("run rebuild", "pareto_deleted"),
    ("run rebuild", "no_named_ranges"),
}


def argv(command: str, book: Path, out: Path) -> list[str]:
    return [a.format(book=book, out=out) for a in COMMANDS[command]]
