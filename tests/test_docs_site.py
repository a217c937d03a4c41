"""The docs site builds with ``mkdocs build --strict`` (issue 11 item 6): a broken link, a page missing from the
navigation, or a docstring mkdocstrings cannot render is an error, so CI fails on it."""
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_mkdocs_build_strict(tmp_path):
    pytest.importorskip("mkdocs")
    pytest.importorskip("mkdocstrings_handlers.python")
    site = tmp_path / "site"
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
                         cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-4000:]
    assert (site / "index.html").exists() and (site / "functions" / "index.html").exists()
    api = (site / "api" / "cell" / "index.html").read_text(encoding="utf-8")
    assert "evaluate_cell" in api  # the API reference is rendered from the docstrings
    assert "XLCELL_CELL_TABLE" in (site / "functions" / "index.html").read_text(encoding="utf-8")


def test_every_page_is_in_the_navigation():
    yaml = pytest.importorskip("yaml")
    nav = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["nav"]

    def pages(items):
        for item in items:
            value = next(iter(item.values())) if isinstance(item, dict) else item
            if isinstance(value, list):
                yield from pages(value)
            else:
                yield value

    listed = set(pages(nav))
    on_disk = {p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs").rglob("*.md")}
    assert listed == on_disk
    modules = {p.stem for p in (ROOT / "xlcell").glob("*.py") if p.stem != "__init__"}
    assert {f"api/{m}.md" for m in modules} <= listed, "every xlcell module has an API page"
