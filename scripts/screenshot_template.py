"""Render the template's Dashboard to ``docs/img/template.png``: the README's and the docs home page's screenshot.

The shipped template (``workbooks/xlcell_template.xlsx``) carries every formula's cached value (BatPaC 5.0's default
cell, computed by ``xlcell template`` with the UDFs bound). This script reads those cached values with openpyxl
(``data_only``), hides every other sheet (the charts still read their data there), fits the sheet to one page
width, and lets LibreOffice headless lay it out as a person would see it: ``soffice --headless --convert-to pdf``,
then ``pdftoppm -png -r 80 -f 1 -l 1``, cropped to the printed content (the words' bounding box from
``pdftotext -bbox``, plus a margin). Nothing is recomputed here, so the picture shows the numbers Excel shows when it
opens the template. Usage::

    bash scripts/install_libreoffice.sh              # once, as root (LibreOffice and poppler-utils)
    python scripts/screenshot_template.py [--sheet Dashboard] [--out docs/img/template.png] [--dpi 80]
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def one_sheet_values_copy(book: Path, sheet: str, dst: Path) -> Path:
    """A copy of ``book`` with every formula replaced by its cached value, ``sheet`` first and the only one shown,
    one page wide."""
    from openpyxl import load_workbook

    wb = load_workbook(book, data_only=True)
    if sheet not in wb.sheetnames:
        raise SystemExit(f"screenshot_template: {book.name} has no sheet {sheet!r} (sheets: {', '.join(wb.sheetnames)})")
    ws = wb[sheet]
    wb.move_sheet(ws, -wb.index(ws))
    wb.active = 0
    for other in wb.worksheets[1:]:
        other.sheet_state = "hidden"  # not printed; the charts still read their ranges
    blank = [c.coordinate for row in ws.iter_rows() for c in row if c.value is None and c.data_type == "f"]
    if blank:
        raise SystemExit(f"screenshot_template: {book.name} has no cached values (e.g. {sheet}!{blank[0]}); "
                         "run `xlcell template` with the test extra installed")
    ws.print_area = None
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    wb.save(dst)
    return dst


def content_box(pdf: Path, dpi: int, margin_px: int = 24) -> tuple[int, int, int, int]:
    """Pixel box (x0, y0, x1, y1) at ``dpi`` around the words printed on the first page of ``pdf``, plus a margin."""
    import re

    if not shutil.which("pdftotext"):
        raise SystemExit("screenshot_template: pdftotext (poppler-utils) not found")
    html = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"], check=True,
                          capture_output=True, text=True, timeout=120).stdout
    page = re.search(r'<page width="([\d.]+)" height="([\d.]+)"', html)
    words = [tuple(map(float, m)) for m in
             re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"', html)]
    if not page or not words:
        raise SystemExit(f"screenshot_template: no text on the first page of {pdf.name}")
    scale = dpi / 72.0  # PDF points to pixels
    width, height = (float(v) * scale for v in page.groups())
    x0 = max(0, int(min(w[0] for w in words) * scale) - margin_px)
    y0 = max(0, int(min(w[1] for w in words) * scale) - margin_px)
    x1 = min(int(width), int(max(w[2] for w in words) * scale) + margin_px)
    y1 = min(int(height), int(max(w[3] for w in words) * scale) + margin_px)
    return x0, y0, x1, y1


def screenshot(book: Path, out: Path, sheet: str = "Dashboard", dpi: int = 80) -> Path:
    """Write the first page of ``sheet`` of ``book`` as a PNG to ``out``; returns ``out``."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice or not shutil.which("pdftoppm"):
        raise SystemExit("screenshot_template: LibreOffice or pdftoppm not found; run "
                         "`bash scripts/install_libreoffice.sh` first")
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        copy = one_sheet_values_copy(book, sheet, tmp / "template.xlsx")
        profile = (tmp / "profile").as_uri()  # a fresh LibreOffice profile: no lock on the user's, no first-run state
        subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(tmp), str(copy)],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
        pdf = tmp / "template.pdf"
        x0, y0, x1, y1 = content_box(pdf, dpi)
        subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile",
                        "-x", str(x0), "-y", str(y0), "-W", str(x1 - x0), "-H", str(y1 - y0),
                        str(pdf), str(tmp / "page")], check=True, timeout=120)
        part = out.with_name(out.name + ".part")
        shutil.copyfile(tmp / "page.png", part)
        os.replace(part, out)  # written whole or not at all
    return out


def main(argv: list[str] | None = None) -> int:
    from workbooks import TEMPLATE_PATH

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--book", type=Path, default=TEMPLATE_PATH, help="workbook (default: the shipped template)")
    ap.add_argument("--sheet", default="Dashboard")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "img" / "template.png")
    ap.add_argument("--dpi", type=int, default=80)
    args = ap.parse_args(argv)
    print(screenshot(args.book, args.out, args.sheet, args.dpi))
    return 0


if __name__ == "__main__":
    sys.exit(main())
