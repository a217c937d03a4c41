"""scripts/render.py: the optimisation report renders with LibreOffice headless (skipped without LibreOffice)."""
from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = [pytest.mark.slow,  # LibreOffice renders whole workbooks
              pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")) or not shutil.which("pdftoppm"),
                                 reason="LibreOffice (soffice) and pdftoppm not installed: bash scripts/install_libreoffice.sh")]


def _render_module():
    spec = importlib.util.spec_from_file_location("xlcell_render", ROOT / "scripts" / "render.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_the_pareto_report_renders_to_pdf_and_png(tmp_path):
    from test_macros import _small

    render = _render_module()
    book = _small(tmp_path / "book.xlsx")  # 5 points, 2 starts
    report = render.pareto_report(tmp_path / "pareto_report.xlsx", book)
    pngs = render.render(report, tmp_path / "out", dpi=30)
    pdf = tmp_path / "out" / "pareto_report.pdf"
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 10_000
    # one page per sheet at least: Optimisation, Settings, Front, then the chosen design's sections
    assert len(pngs) >= 10 and all(p.read_bytes().startswith(b"\x89PNG") for p in pngs)
