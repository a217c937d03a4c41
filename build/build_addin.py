"""Package the xlcell Excel add-in for distribution (classic xlwings add-in).

Writes ``build/dist/xlcell-addin-<version>/`` and a zip of it, holding:

* the xlcell wheel (``pip install`` it into the Python that Excel's xlwings add-in uses);
* ``xlcell_template.xlsx``, the template workbook (its ``xlwings.conf`` sheet names the UDF module);
* ``xlwings.conf``, a user-level xlwings configuration (copy to ``~/.xlwings/xlwings.conf``) so that
  every workbook finds the UDFs, not only the template;
* ``install.cmd`` / ``install.sh`` and ``INSTALL.txt``.

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

#: user-level xlwings settings (xlwings reads "KEY","value" lines from ~/.xlwings/xlwings.conf)
USER_CONF = {"UDF_MODULES": "udfs", "SHOW_CONSOLE": "False"}

INSTALL = """xlcell {version} - Excel add-in (classic xlwings)

1. Install Python 3.11 or later, then in a terminal:
       python -m pip install {wheel}
       xlwings addin install
   (install.cmd / install.sh do exactly this.)
2. Windows: File > Options > Trust Center > Trust Center Settings > Macro Settings >
   tick "Trust access to the VBA project object model".
3. Optional: copy xlwings.conf to %USERPROFILE%\\.xlwings\\xlwings.conf (Windows) or
   ~/.xlwings/xlwings.conf (macOS) so that every workbook loads the xlcell functions.
4. Open xlcell_template.xlsx, go to the xlwings ribbon tab and click "Import Functions".
   Type =XLCELL_VERSION() in any cell to check.
"""


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
    (dest / "xlwings.conf").write_text("".join(f'"{k}","{v}"\n' for k, v in USER_CONF.items()), encoding="utf-8")
    (dest / "INSTALL.txt").write_text(INSTALL.format(version=xlcell.__version__, wheel=wheel_name), encoding="utf-8")
    (dest / "install.cmd").write_text(f"python -m pip install \"%~dp0{wheel_name}\"\r\nxlwings addin install\r\n", encoding="utf-8")
    (dest / "install.sh").write_text(f'#!/bin/sh\nset -e\npython3 -m pip install "$(dirname "$0")/{wheel_name}"\n'
                                     "xlwings addin install\n", encoding="utf-8")
    for extra in EXTRAS:
        extra(dest)
    archive = shutil.make_archive(str(dest), "zip", root_dir=dest.parent, base_dir=dest.name)
    return Path(archive)


#: further packaging steps (e.g. the ribbon), each ``fn(dest_folder)``
EXTRAS: list = []


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "build" / "dist")
    ap.add_argument("--no-wheel", action="store_true", help="skip building the wheel")
    a = ap.parse_args(argv)
    print(build(a.out, wheel=not a.no_wheel))
    return 0


if __name__ == "__main__":
    sys.exit(main())
