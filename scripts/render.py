"""Render xlcell workbooks to PDF and PNG pages with LibreOffice headless, to look at them as a person would.

LibreOffice has no xlwings, so the XLCELL_* cells would show #NAME?. This script first computes the
workbook's formulas with the formula engine (our UDFs bound, as in the tests) and writes a copy in
which those cells hold the values Excel would show; LibreOffice then lays out that copy, charts
included. Usage::

    bash scripts/install_libreoffice.sh        # once, as root (LibreOffice 25.2 from backports, pdftoppm)
    python scripts/render.py                    # the template, a demo report and a Pareto report -> render/
    python scripts/render.py book.xlsx --out render/
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def values_copy(src: Path, dst: Path) -> Path:
    """A copy of ``src`` whose XLCELL_* formula cells (and their spills) hold computed values."""
    from openpyxl import load_workbook
    from openpyxl.utils.cell import range_boundaries
    from openpyxl.worksheet.formula import ArrayFormula

    from app.formula_engine import evaluate

    computed = evaluate(src)
    wb = load_workbook(src)
    for ws in wb.worksheets:
        key = ws.title.upper()
        for row in ws.iter_rows():
            for c in row:
                v = c.value
                text = v.text if isinstance(v, ArrayFormula) else v
                if not (isinstance(text, str) and "XLCELL_" in text):
                    continue
                if isinstance(v, ArrayFormula):
                    c0, r0, c1, r1 = range_boundaries(v.ref)
                    for r in range(r0, r1 + 1):
                        for cc in range(c0, c1 + 1):
                            ws.cell(row=r, column=cc).value = computed.get(f"{key}!{ws.cell(row=r, column=cc).coordinate}")
                else:
                    c.value = computed.get(f"{key}!{c.coordinate}")
    wb.save(dst)
    return dst


def render(book: Path, out: Path, dpi: int = 70) -> list[Path]:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise SystemExit("render: LibreOffice not found; run `bash scripts/install_libreoffice.sh` first")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        copy = values_copy(book, Path(tmp) / book.name)
        subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(out), str(copy)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
    pdf = out / (book.stem + ".pdf")
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(out / book.stem)], check=True, timeout=300)
    return sorted(out.glob(book.stem + "*.png"))


def pareto_report(out: Path, book: Path | None = None) -> Path:
    """The optimisation report of ``book``'s Pareto sheet (default: the template's problem as shipped)."""
    from app.macros import run_file
    from workbooks import TEMPLATE_PATH

    return run_file("report", book or TEMPLATE_PATH, out, quiet=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("books", nargs="*", type=Path,
                    help="workbooks (default: the template, a demo design report and the template's Pareto report)")
    ap.add_argument("--out", type=Path, default=ROOT / "render")
    ap.add_argument("--dpi", type=int, default=70)
    args = ap.parse_args(argv)
    books = args.books
    if not books:
        from workbooks import TEMPLATE_PATH
        from app.report import write_report

        args.out.mkdir(parents=True, exist_ok=True)
        books = [TEMPLATE_PATH, write_report(args.out / "xlcell_report.xlsx"), pareto_report(args.out / "xlcell_pareto_report.xlsx")]
    for b in books:
        for png in render(Path(b), args.out, args.dpi):
            print(png)
    return 0


if __name__ == "__main__":
    sys.exit(main())
