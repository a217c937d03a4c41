"""The README quick start works on a fresh Debian/Ubuntu (no `python`, externally managed system pip) and CI
runs exactly its commands."""
import subprocess
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
    # the same extraction .ci/run uses, run by bash itself
    script = (ROOT / ".ci" / "run").read_text()
    extract = next(line for line in script.splitlines() if line.startswith("mapfile"))
    out = subprocess.run(["bash", "-c", extract + '; printf "%s\\n" "${cmds[@]}"'], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    assert out.splitlines() == quick_start_commands()
    assert 'bash -euo pipefail -c "$cmd"' in script
