"""Rewrite the README's generated reference tables from the metadata (functions, design keys, metrics)."""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.docs import render_readme  # noqa: E402

readme = ROOT / "README.md"
readme.write_text(render_readme(readme.read_text(encoding="utf-8")), encoding="utf-8")
print(readme)
