"""Build the xlcell ribbon add-ins without Excel, from the ribbon add-in that xlwings ships.

What can and cannot be built without Excel (checked against xlwings 0.37):

* An ``.xlam`` is a zip: its ribbon is the part ``customUI/customUI.xml``, which we can write freely.
* Its VBA lives in ``xl/vbaProject.bin``, a compound file with compressed module source (MS-OVBA). No maintained
  Python tool writes VBA modules into it; openpyxl and xlsxwriter can only carry an existing one. So a ribbon
  callback that is not already in a VBA project cannot be added headless.
* xlwings' ``quickstart_addin_ribbon.xlam`` carries the xlwings VBA module and one callback,
  ``RibbonMyAddin.RunMain``, which runs ``import <add-in file name>; <add-in file name>.main()``.

Hence two outputs:

1. **Headless (built here):** one small add-in per button, each a copy of xlwings' ribbon add-in with its own
   ``customUI.xml`` (the VBA project untouched): ``xlcell_pareto.xlam``, ``xlcell_optimize.xlam``,
   ``xlcell_report.xlam``, ``xlcell_rebuild.xlam``. Their buttons share one ribbon tab "xlcell" (a qualified tab id,
   ``idQ``), and each calls ``RunMain``, which imports the Python module of the same name written beside it
   (``xlcell_pareto.py``: ``main = udfs.macros.pareto_macro``). xlwings puts the add-in's folder on the
   PYTHONPATH, so the modules are found.
2. **With Excel (one manual step):** ``customUI.xml`` + ``XlcellRibbon.bas`` for a single add-in: import the
   ``.bas`` into the VBA project of a copy of the ribbon add-in (Developer > Visual Basic > File > Import), put
   ``customUI.xml`` in it (this script can: ``--single``), save.

Not verified in Excel here (no Excel on the build machine); the tests check the packages' structure.

Run: ``python build/build_ribbon.py [--out DIR]``; :func:`build_ribbon` is also a packaging step of
``build/build_addin.py``.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
RIBBON = HERE / "ribbon"
_NS = "xlcell.ribbon"

#: button -> (label, screentip, icon, macro in udfs.macros)
BUTTONS = {
    "pareto": ("Pareto front", "Trace the Pareto front set on the Pareto sheet", "ChartTypeXYScatterInsertGallery", "pareto_macro"),
    "optimize": ("Optimise", "Optimise the first objective of the Pareto sheet under its constraints", "GoalSeek", "optimize_macro"),
    "report": ("Write report", "Write the optimisation report workbook next to this workbook", "FileSaveAsExcelXlsx", "report_macro"),
    "rebuild": ("Rebuild Pareto sheet", "Restore the Pareto sheet of the template (its inputs reset)", "Refresh", "rebuild_macro"),
}
_SHIM = '''"""Ribbon entry point of {addin}.xlam (RibbonMyAddin.RunMain runs `import {addin}; {addin}.main()`)."""
from udfs.macros import {macro}


def main():
    return {macro}({args})
'''


def xlwings_ribbon_addin() -> Path:
    """The ribbon add-in shipped with the installed xlwings."""
    import xlwings

    p = Path(xlwings.__file__).parent / "quickstart_addin_ribbon.xlam"
    if not p.exists():
        raise FileNotFoundError(f"{p} not found: this xlwings has no ribbon add-in template")
    return p


def custom_ui(button: str) -> str:
    """customUI.xml of one per-button add-in: a group in the shared tab "xlcell", calling RunMain."""
    label, tip, icon, _ = BUTTONS[button]
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<customUI xmlns="http://schemas.microsoft.com/office/2006/01/customui" xmlns:x="{_NS}">\n'
            '  <ribbon>\n    <tabs>\n'
            '      <tab idQ="x:xlcellTab" label="xlcell">\n'
            f'        <group idQ="x:xlcell_{button}" label="{label}">\n'
            f'          <button id="xlcell_{button}_button" label="{label}" size="large" imageMso="{icon}" '
            f'screentip="{tip}" onAction="RibbonMyAddin.RunMain"/>\n'
            '        </group>\n      </tab>\n    </tabs>\n  </ribbon>\n</customUI>\n')


def _with_custom_ui(src: Path, dest: Path, xml: str) -> Path:
    """Copy the add-in ``src`` to ``dest`` with ``customUI/customUI.xml`` replaced (every other part as is)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        names = zin.namelist()
        if "customUI/customUI.xml" not in names:
            raise ValueError(f"{src} has no customUI/customUI.xml part")
        for info in zin.infolist():
            data = xml.encode("utf-8") if info.filename == "customUI/customUI.xml" else zin.read(info.filename)
            zout.writestr(info, data)
    return dest


def build_ribbon(dest: Path, src: Path | None = None) -> list[Path]:
    """Write the per-button add-ins and their Python modules, and the single-add-in parts, into ``dest``."""
    src = src or xlwings_ribbon_addin()
    out = dest / "ribbon"
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for button, (_, _, _, macro) in BUTTONS.items():
        addin = f"xlcell_{button}"
        written.append(_with_custom_ui(src, out / f"{addin}.xlam", custom_ui(button)))
        args = "None, 'Pareto'" if button == "rebuild" else ""
        (out / f"{addin}.py").write_text(_SHIM.format(addin=addin, macro=macro, args=args), encoding="utf-8")
        written.append(out / f"{addin}.py")
    single = out / "single-addin"
    single.mkdir(exist_ok=True)
    for name in ("customUI.xml", "XlcellRibbon.bas"):
        shutil.copy(RIBBON / name, single / name)
        written.append(single / name)
    written.append(_with_custom_ui(src, single / "xlcell_ribbon_needs_vba.xlam", (RIBBON / "customUI.xml").read_text("utf-8")))
    (out / "README.txt").write_text(__doc__, encoding="utf-8")
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=HERE / "dist")
    a = ap.parse_args(argv)
    for p in build_ribbon(a.out):
        print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
