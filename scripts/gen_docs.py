"""Rewrite the docs site's generated reference tables from the metadata (functions, design keys, metrics, cost
items): the blocks between ``<!-- generated:NAME -->`` markers on the pages listed in ``app.docs.PAGES``."""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.docs import PAGES, render_page  # noqa: E402

for rel, names in PAGES.items():
    page = ROOT / rel
    page.write_text(render_page(page.read_text(encoding="utf-8"), names), encoding="utf-8")
    print(page)
