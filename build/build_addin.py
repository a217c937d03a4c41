"""Package the xlcell Excel add-in for distribution (classic xlwings add-in).

Writes ``build/dist/xlcell-addin-<version>/`` and a zip of it, holding:

* the xlcell wheel (``pip install`` it into the Python that Excel's xlwings add-in uses);
* ``xlcell_template.xlsx``, the template workbook (its ``xlwings.conf`` sheet names the UDF module);
* ``install.cmd`` / ``install.sh`` (pip-install the wheel, then ``xlcell addin install``; ``/ribbon`` / ``--ribbon``
  also copy the ribbon add-ins to Excel's start-up folder) and ``INSTALL.txt`` (the add-in, the ribbon and a manual
  test checklist for Excel).

No user-level ``xlwings.conf`` is shipped: the one user setting xlcell needs, ``INTERPRETER_WIN`` (this Python's
``pythonw.exe``), is only known on the user's machine, so ``xlcell addin install`` sets it there (backing up the
user's file and keeping their other lines). A shipped ``"UDF MODULES","udfs"`` would also have redirected xlwings'
*Import Functions* of every other workbook of the user to xlcell's module.

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

INSTALL = """xlcell {version} - Excel add-in (classic xlwings)

1. Install Python 3.11 or later, then in a terminal:
       python -m pip install {wheel}
       xlcell addin install --xlam xlcell.xlam
   (in this folder; install.cmd / install.sh do exactly this). On Windows this copies xlcell.xlam to Excel's
   start-up folder (%APPDATA%\\Microsoft\\Excel\\XLSTART) and sets "INTERPRETER_WIN" in
   %USERPROFILE%\\.xlwings\\xlwings.conf to this Python's pythonw.exe; a file it changes is first copied to a
   .bak-<timestamp> file, and your other settings stay as they are. `xlcell addin uninstall` removes the
   add-in. On macOS the classic add-in cannot run the functions: use the xlwings Lite route instead
   (build/lite/README.md in the xlcell source).
2. Windows: File > Options > Trust Center > Trust Center Settings > Macro Settings >
   tick "Trust access to the VBA project object model".
3. Check: `xlcell addin status` names this Python, the xlwings DLL beside it, the installed add-in and
   "INTERPRETER_WIN is this Python: yes". A workbook's own xlwings.conf sheet overrides the user file.
4. Open xlcell_template.xlsx, go to the xlwings ribbon tab and click "Import Functions".
   Type =XLCELL_VERSION() in any cell to check.

The xlcell ribbon tab (optional; needs steps 1-2)
-------------------------------------------------
The folder ribbon/ holds one small add-in per button, each with the Python module of the same name:
{ribbon_files}
Each .xlam must stay beside its .py file (xlwings puts the add-in's folder on the Python path, and the
button runs "import xlcell_<button>; xlcell_<button>.main()").

5. If the files came from a downloaded zip (Windows): right-click each .xlam > Properties > tick
   "Unblock" > OK, or Excel disables its macros.
6. Excel: File > Options > Add-ins > Manage: "Excel Add-ins" > Go... > Browse..., pick
   ribbon\\xlcell_pareto.xlam, OK; repeat for the other three. Keep them ticked in the Add-ins list.
   Or instead copy the four .xlam files and their four .py files into Excel's XLSTART folder
   (Windows: %APPDATA%\\Microsoft\\Excel\\XLSTART; install.cmd /ribbon does this), or on macOS
   ~/Library/Group Containers/UBF8T346G9.Office/User Content/Startup/Excel (install.sh --ribbon).
7. Restart Excel: a tab "xlcell" shows the groups Pareto front, Optimise, Write report, Rebuild Pareto sheet.
   Advanced, one add-in instead of four: ribbon/single-addin/xlcell_ribbon_needs_vba.xlam has the whole
   ribbon but not its VBA callbacks: open it, Developer > Visual Basic > File > Import
   ribbon/single-addin/XlcellRibbon.bas, save, then load it as in step 6 (see ribbon/README.txt).

Manual test in Excel (not run here: the add-ins were built and checked without Excel)
-------------------------------------------------------------------------------------
Open a saved copy of xlcell_template.xlsx and go to its Pareto sheet.
[ ] Click "Pareto front". Expect: the status bar counts "xlcell: Pareto front (epsilon), point k/n";
    after some seconds the front table (below the inputs) has 11 rows with exactly one TRUE in "chosen";
    the "Chosen front point" block is filled; the chart shows the points and a red diamond, with the
    axis titles "Cell cost per energy ($/kWh)" and "Specific power (W/kg)"; the Status cell starts
    "Pareto front: 11 points by epsilon".
[ ] Set "Number of points" to 5 and click "Pareto front" again. Expect rows 6-11 of the table blank and
    one TRUE.
[ ] Click "Optimise". Expect the status bar to count "start k/4", then the "Optimum" block filled and the
    Status "Minimised cell_cost_usd_per_kWh: ... from 4 starts".
[ ] Add a constraint row max_power_W with lower bound 100000 and click "Optimise". Expect a message box
    "xlcell: no feasible design" naming max_power_W and the best value it can reach. Delete the row.
[ ] Set "Number of points" to 500 and click "Pareto front". Expect a message naming n_points = 500,
    the Status "Failed: ...", and the tables as they were. Set it back to 11.
[ ] Click "Write report". Expect a message "Report written to ..._pareto_report.xlsx" beside your
    workbook; the report opens in Excel with the sheets Optimisation, Settings, Front, Chosen design, ...;
    your workbook's cells are unchanged.
[ ] Click "Rebuild Pareto sheet". Expect the Pareto sheet back as in the template (inputs reset, tables
    empty, chart in place) and every other sheet unchanged.
If a button shows "ModuleNotFoundError: No module named 'xlcell_pareto'", its .py file is not beside the
.xlam; if it shows "No module named 'udfs'", the wheel is not installed in the Python set as Interpreter
on the xlwings tab.
"""


def ribbon_files() -> list[str]:
    """The ribbon add-in files that INSTALL.txt names (paths relative to the package folder)."""
    from build_ribbon import BUTTONS

    files = [f"ribbon/xlcell_{b}.{ext}" for b in BUTTONS for ext in ("xlam", "py")]
    return files + ["ribbon/single-addin/xlcell_ribbon_needs_vba.xlam", "ribbon/single-addin/XlcellRibbon.bas",
                    "ribbon/single-addin/customUI.xml"]


def build(out: Path, wheel: bool = True) -> Path:
    import xlcell
    from workbooks.template import write_template

    dest = out / f"xlcell-addin-{xlcell.__version__}"
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    wheel_name = "xlcell"
    if wheel:
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dest),
                        str(ROOT)], check=True)
        wheel_name = next(dest.glob("xlcell-*.whl")).name
        for tmp in (ROOT / "build" / "lib", *ROOT.glob("build/bdist.*")):  # setuptools' scratch space
            shutil.rmtree(tmp, ignore_errors=True)
    write_template(dest / "xlcell_template.xlsx")
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    listing = "\n".join(f"    {f}" for f in ribbon_files())
    (dest / "INSTALL.txt").write_text(INSTALL.format(version=xlcell.__version__, wheel=wheel_name, ribbon_files=listing),
                                      encoding="utf-8")
    (dest / "install.cmd").write_text(
        f"python -m pip install \"%~dp0{wheel_name}\"\r\n"
        "rem xlcell addin install, run by the Python just installed into (its Scripts folder may not be on PATH)\r\n"
        "python -m workbooks.cli addin install --xlam \"%~dp0xlcell.xlam\" || exit /b 1\r\n"
        "if /I \"%~1\"==\"/ribbon\" (\r\n"
        "  copy /Y \"%~dp0ribbon\\xlcell_*.xlam\" \"%APPDATA%\\Microsoft\\Excel\\XLSTART\\\"\r\n"
        "  copy /Y \"%~dp0ribbon\\xlcell_*.py\" \"%APPDATA%\\Microsoft\\Excel\\XLSTART\\\"\r\n)\r\n", encoding="utf-8")
    (dest / "install.sh").write_text(
        f'#!/bin/sh\nset -e\npython3 -m pip install "$(dirname "$0")/{wheel_name}"\n'
        'if [ "${1:-}" = "--ribbon" ]; then\n'
        '  start="$HOME/Library/Group Containers/UBF8T346G9.Office/User Content/Startup/Excel"\n'
        '  mkdir -p "$start"\n  cp "$(dirname "$0")"/ribbon/xlcell_*.xlam "$(dirname "$0")"/ribbon/xlcell_*.py "$start"/\nfi\n'
        '# xlcell addin install: on macOS it installs nothing and says what to do instead (exit code 2)\n'
        'python3 -m workbooks.cli addin install --xlam "$(dirname "$0")/xlcell.xlam"\n',
        encoding="utf-8")
    for extra in EXTRAS:
        extra(dest)
    archive = shutil.make_archive(str(dest), "zip", root_dir=dest.parent, base_dir=dest.name)
    return Path(archive)


def _ribbon(dest: Path) -> None:
    """The ribbon add-ins (build/build_ribbon.py)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from build_ribbon import build_ribbon

    build_ribbon(dest)


#: further packaging steps (e.g. the ribbon), each ``fn(dest_folder)``
EXTRAS: list = [_ribbon]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "build" / "dist")
    ap.add_argument("--no-wheel", action="store_true", help="skip building the wheel")
    a = ap.parse_args(argv)
    print(build(a.out, wheel=not a.no_wheel))
    return 0


if __name__ == "__main__":
    sys.exit(main())
