"""Build the xlcell Excel add-in ``xlcell.xlam`` and the folder a Windows user installs it from.

Writes into ``--out DIR`` (default ``build/dist``):

* ``xlcell.xlam``: the add-in (ribbon tab + every ``XLCELL_*`` function), built headless by
  :func:`addin.xlam.build_xlam` from the installed xlwings' own add-in template (see ``build/README.md``);
* ``xlcell-addin-<version>/`` and its zip, holding the add-in, the xlcell wheel, ``xlcell_template.xlsx``,
  ``install.cmd`` / ``install.sh`` (pip-install the wheel with the xlwings the add-in was built for, then
  ``xlcell addin install``) and ``INSTALL.txt`` (the steps and the manual test checklist of docs/excel.md).

No user-level ``xlwings.conf`` is shipped: the one user setting xlcell needs, ``INTERPRETER_WIN`` (this Python's
``pythonw.exe``), is only known on the user's machine, so ``xlcell addin install`` sets it there (backing up the
user's file and keeping their other lines).

A machine without xlwings' add-in files, or whose xlwings differs from the VBA in them, stops the build with one
line naming what is missing (exit code 2).

Run: ``python build/build_addin.py [--out DIR] [--no-wheel]``.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

INSTALL = """xlcell {version} - Excel add-in for Windows desktop Excel (Microsoft 365 / Excel 2016 or later)

Install (once)
--------------
1. Install Python 3.11 or later (python.org; tick "Add python.exe to PATH").
2. Run install.cmd in this folder (double-click, or in a terminal: install.cmd). It runs
       python -m pip install {wheel} xlwings=={xlwings}
       python -m app.cli addin install --xlam xlcell.xlam
   The second line copies xlcell.xlam to Excel's start-up folder (%APPDATA%\\Microsoft\\Excel\\XLSTART) and
   sets "INTERPRETER_WIN" in %USERPROFILE%\\.xlwings\\xlwings.conf to this Python's pythonw.exe; a file it
   changes is first copied to a .bak-<timestamp> file, and your other settings stay as they are.
   The add-in was built for xlwings {xlwings} and refuses to install beside another version (its VBA loads
   xlwings64-{xlwings}.dll from the Python installation).
3. If this folder came from a downloaded zip: right-click xlcell.xlam > Properties > tick "Unblock" > OK
   before step 2, or Excel blocks its macros.
4. Check: `xlcell addin status` names this Python, the xlwings DLL beside it, the installed add-in and
   "INTERPRETER_WIN is this Python: yes". A workbook's own xlwings.conf sheet overrides the user file.
5. Start Excel. The ribbon has a tab "xlcell". In any workbook type =XLCELL_VERSION() in a cell.
   No "Import Functions", no VBA reference and no "Trust access to the VBA project object model" are needed.
6. xlcell tab > New workbook opens a copy of the template (also here: xlcell_template.xlsx).

`xlcell addin uninstall` removes the add-in. On macOS or Excel on the web the classic add-in cannot run the
functions: use the xlwings Lite route (build/lite/README.md in the xlcell source).

{checklist}
"""

CHECKLIST_START = "<!-- checklist:start -->"
CHECKLIST_END = "<!-- checklist:end -->"
CHECKLIST_PAGE = ROOT / "docs" / "excel.md"  # "Using xlcell in Excel" on the docs site


def checklist() -> str:
    """The manual test checklist for a Windows tester, from the docs page (one text for both)."""
    text = CHECKLIST_PAGE.read_text(encoding="utf-8")
    if CHECKLIST_START not in text or CHECKLIST_END not in text:
        raise SystemExit(f"build_addin: {CHECKLIST_PAGE.relative_to(ROOT)} has no manual checklist between the "
                         "checklist markers")
    body = text.split(CHECKLIST_START, 1)[1].split(CHECKLIST_END, 1)[0].strip()
    return ("Manual test in Excel (what the Linux build and its tests cannot confirm)\n"
            "-------------------------------------------------------------------------\n"
            + body.replace("**", "").replace("`", "").replace("- [ ]", "[ ]").replace("›", ">"))


def build(out: Path, wheel: bool = True) -> Path:
    """Write ``out/xlcell.xlam`` and the install folder with its zip; returns the zip's path."""
    import xlcell
    from addin.xlam import build_xlam, xlwings_version
    from app.template import write_template

    xlam = build_xlam(out)
    dest = out / f"xlcell-addin-{xlcell.__version__}"
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    shutil.copy2(xlam, dest / xlam.name)
    wheel_name = "xlcell"
    if wheel:
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dest),
                        str(ROOT)], check=True)
        wheel_name = next(dest.glob("xlcell-*.whl")).name
        for tmp in (ROOT / "build" / "lib", *ROOT.glob("build/bdist.*")):  # setuptools' scratch space
            shutil.rmtree(tmp, ignore_errors=True)
    write_template(dest / "xlcell_template.xlsx")
    xw = xlwings_version()
    (dest / "INSTALL.txt").write_text(
        INSTALL.format(version=xlcell.__version__, wheel=wheel_name, xlwings=xw, checklist=checklist()),
        encoding="utf-8")
    (dest / "install.cmd").write_text(
        f"python -m pip install \"%~dp0{wheel_name}\" \"xlwings=={xw}\" || exit /b 1\r\n"
        "rem xlcell addin install, run by the Python just installed into (its Scripts folder may not be on PATH)\r\n"
        "python -m app.cli addin install --xlam \"%~dp0xlcell.xlam\" || exit /b 1\r\n", encoding="utf-8")
    (dest / "install.sh").write_text(
        f'#!/bin/sh\nset -e\npython3 -m pip install "$(dirname "$0")/{wheel_name}" "xlwings=={xw}"\n'
        '# xlcell addin install: on macOS it installs nothing and says what to do instead (exit code 2)\n'
        'python3 -m app.cli addin install --xlam "$(dirname "$0")/xlcell.xlam"\n',
        encoding="utf-8")
    archive = shutil.make_archive(str(dest), "zip", root_dir=dest.parent, base_dir=dest.name)
    return Path(archive)


def main(argv: list[str] | None = None) -> int:
    from xlcell.errors import XlcellError

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "build" / "dist")
    ap.add_argument("--no-wheel", action="store_true", help="skip building the wheel")
    a = ap.parse_args(argv)
    try:
        archive = build(a.out, wheel=not a.no_wheel)
    except XlcellError as exc:
        print(f"build_addin: {exc}", file=sys.stderr)
        return 2
    print(a.out / "xlcell.xlam")
    print(archive)
    return 0


if __name__ == "__main__":
    sys.exit(main())
