"""The docs site's reference tables are generated from the metadata and must stay in sync; the README keeps the
two quick-start commands."""
from pathlib import Path

from app.docs import BLOCKS, PAGES, render_page

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"


def test_docs_tables_in_sync():
    for rel, names in PAGES.items():
        text = (ROOT / rel).read_text(encoding="utf-8")
        assert render_page(text, names) == text, f"{rel}: run `python scripts/gen_docs.py`"


def test_every_generated_block_lives_on_one_page():
    placed = [name for names in PAGES.values() for name in names]
    assert sorted(placed) == sorted(BLOCKS)


def test_readme_quick_start_has_two_commands():
    text = README.read_text(encoding="utf-8")
    block = text.split("## Quick start", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    cmds = [line for line in block.strip().splitlines() if line.strip()]
    assert len(cmds) == 2 and "xlcell demo" in cmds[0] and "pytest" in cmds[1]


def test_docs_home_quick_start_equals_the_readme():
    def block(text):
        return text.split("## Quick start", 1)[1].split("```bash", 1)[1].split("```", 1)[0]

    home = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    assert block(home) == block(README.read_text(encoding="utf-8"))


def test_cli_page_quotes_the_templates_unpacked_size():
    # docs/cli.md said "the template unpacks to 1.7 MB" while the shipped template unpacks to 2.2 MB (measured here)
    import re
    import zipfile

    from workbooks import TEMPLATE_PATH

    text = " ".join((ROOT / "docs" / "cli.md").read_text(encoding="utf-8").split())
    quoted = re.search(r"the template unpacks to ([0-9.]+) MB", text)
    assert quoted, "docs/cli.md no longer quotes the template's unpacked size"
    with zipfile.ZipFile(TEMPLATE_PATH) as z:
        size_mb = sum(i.file_size for i in z.infolist()) / 1e6
    assert abs(float(quoted.group(1)) - size_mb) <= 0.1, f"the template unpacks to {size_mb:.2f} MB"
