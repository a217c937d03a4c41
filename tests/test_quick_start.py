"""The README quick start works on a fresh Debian/Ubuntu (no `python`, externally managed system pip) and CI
runs exactly its commands."""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def quick_start_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("## Quick start", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    return [line.strip() for line in block.strip().splitlines() if line.strip()]


def test_quick_start_uses_a_venv_and_python3():
    install, test = quick_start_commands()
    assert install.startswith("python3 -m venv .venv && . .venv/bin/activate && ")
    assert "python -m pip install" in install and install.endswith("xlcell demo")
    assert test == ".venv/bin/python -m pytest"  # works without activating the venv in a new shell


def test_ci_runs_exactly_the_readme_commands():
    script = (ROOT / ".ci" / "run").read_text().splitlines()
    body = script[script.index('cd "$(dirname "$0")/.."') + 1:]
    assert [line for line in body if line.strip()] == quick_start_commands()
    assert "set -euo pipefail" in script  # the first failing command fails CI
