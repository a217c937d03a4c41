"""The README's reference tables are generated from the metadata and must stay in sync."""
from pathlib import Path

from app.docs import render_readme

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_tables_in_sync():
    text = README.read_text(encoding="utf-8")
    assert render_readme(text) == text, "run `python scripts/gen_readme.py`"


def test_readme_quick_start_has_two_commands():
    text = README.read_text(encoding="utf-8")
    block = text.split("## Quick start", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    cmds = [line for line in block.strip().splitlines() if line.strip()]
    assert len(cmds) == 2 and "xlcell demo" in cmds[0] and "pytest" in cmds[1]
