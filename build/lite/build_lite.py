"""Write the two files a user pastes into xlwings Lite (macOS, Excel on the web): main.py and requirements.txt.

    python build/lite/build_lite.py                      # rewrite build/lite/main.py and build/lite/requirements.txt
    python build/lite/build_lite.py --check              # exit 1 if the committed files are not what this writes
    python build/lite/build_lite.py --out DIR --wheel-url https://HOST/xlcell-0.1.0-py3-none-any.whl

main.py holds one thin ``@func`` wrapper per ``udfs.udf_functions()`` entry, written from the UDF's own metadata
(argument names and defaults, ``__xlcell_arg_options__`` with the help texts, ``ndim=2`` for ranges and
``err_to_str``, ``__xlcell_description__``); each wrapper only passes its cells to the same ``udfs`` function that
the Windows add-in calls, so there is no second implementation. The wrappers are written out rather than made at
import time because xlwings Lite documents functions defined in the workbook's own .py files, and a pasted file
that shows every function is what a user can read and check. requirements.txt lists xlcell's dependencies from
pyproject.toml (unpinned where Pyodide builds the package, as xlwings Lite's docs ask) and the URL of the xlcell
wheel, which the user hosts (xlcell is not on PyPI). tests/test_lite.py keeps the committed files in step.
"""
from __future__ import annotations

import argparse
import ast
import inspect
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

#: built for Pyodide (in its distribution), so their version is Pyodide's: xlwings Lite's docs say not to pin them
PYODIDE_BUILT = ("numpy", "scipy", "pandas", "scikit-learn", "threadpoolctl")
#: xlwings Lite installs and pins xlwings itself (the line it writes into requirements.txt stays)
PROVIDED_BY_LITE = ("xlwings",)
PLACEHOLDER_URL = "https://YOUR-HOST/xlcell-{version}-py3-none-any.whl"

#: the ribbon jobs that work in xlwings Lite: (script name, app.macros entry point, docstring)
SCRIPTS = (
    ("xlcell_pareto_front", "pareto_macro",
     "Trace the Pareto front from the Pareto sheet's settings and write the front and the chosen point."),
    ("xlcell_optimise", "optimize_macro",
     "Optimise the Pareto sheet's first objective subject to its constraints and write the optimum."),
)

HEADER = '''"""xlcell in xlwings Lite: every XLCELL_* function and the Pareto front / optimise jobs.

Written by build/lite/build_lite.py from udfs.udf_functions(); do not edit it, run that script again.
Paste it into xlwings Lite's main.py tab and build/lite/requirements.txt into its requirements.txt tab
(see build/lite/README.md). Each function hands its cells to the udfs function of the same name, the
code that the Windows add-in runs.
"""
import xlwings as xw
from xlwings import arg, func, script

import udfs
from app import macros
from app.book import LiteBook
'''


def _literal(value: object, what: str) -> str:
    text = repr(value)
    if ast.literal_eval(text) != value:
        raise ValueError(f"{what}: {text} is not a Python literal")
    return text


def function_source(name: str, fn) -> str:
    """One ``@func`` wrapper for the UDF ``fn`` (its signature, argument options and description)."""
    params = list(inspect.signature(fn).parameters.values())
    if any(p.kind is not p.POSITIONAL_OR_KEYWORD for p in params):
        raise ValueError(f"{name}: xlwings takes positional arguments only")
    options = fn.__xlcell_arg_options__
    if list(options) != [p.name for p in params]:
        raise ValueError(f"{name}: argument options {list(options)} do not match the signature")
    sig = ", ".join(p.name if p.default is p.empty else f"{p.name}={_literal(p.default, f'{name}.{p.name}')}"
                    for p in params)
    lines = ["", "", "@func"]  # two blank lines before each definition (the previous part ends with one newline)
    for p in params:
        opts = "".join(f", {k}={_literal(v, f'{name}.{p.name}.{k}')}" for k, v in options[p.name].items())
        lines.append(f"@arg({p.name!r}{opts})")
    lines += [f"def {name}({sig}):",
              f"    {_literal(fn.__xlcell_description__, name + ' description')}",
              f"    return udfs.{name}({', '.join(p.name for p in params)})"]
    return "\n".join(lines) + "\n"


def script_source(name: str, entry: str, doc: str) -> str:
    return "\n".join(["", "", "@script", f"def {name}(book: xw.Book):", f"    {doc!r}",
                      f"    macros.{entry}(LiteBook(book))"]) + "\n"


def main_py() -> str:
    import udfs
    from app import macros

    parts = [HEADER]
    parts += [function_source(name, fn) for name, fn in udfs.udf_functions().items()]
    for name, entry, doc in SCRIPTS:
        getattr(macros, entry)  # fails here, not in the user's Excel, if the entry point is renamed
        parts.append(script_source(name, entry, doc))
    return "".join(parts)


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _name(requirement: str) -> str:
    return re.match(r"[A-Za-z0-9._-]+", requirement).group(0).lower().replace("_", "-")


def requirements_txt(wheel_url: str | None = None) -> str:
    """xlcell's dependencies (pyproject.toml) as xlwings Lite wants them, then the xlcell wheel's URL."""
    project = _project()
    lines = []
    for req in project["dependencies"]:
        name = _name(req)
        if name in PROVIDED_BY_LITE:
            continue
        lines.append(name if name in PYODIDE_BUILT else req.replace(" ", ""))
    lines.append(wheel_url or PLACEHOLDER_URL.format(version=project["version"]))
    return "\n".join(lines) + "\n"


def outputs(wheel_url: str | None = None) -> dict[str, str]:
    return {"main.py": main_py(), "requirements.txt": requirements_txt(wheel_url)}


def _write(path: Path, text: str) -> None:
    """Whole or not at all (:func:`workbooks.files.write_atomic`), with LF line ends."""
    from workbooks.files import write_atomic

    write_atomic(path, text.encode("utf-8"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=HERE, help="folder to write main.py and requirements.txt to")
    ap.add_argument("--wheel-url", help="where the xlcell wheel is served (default: a placeholder to replace)")
    ap.add_argument("--check", action="store_true", help="only compare with the files in --out; exit 1 if they differ")
    args = ap.parse_args(argv)
    files = outputs(args.wheel_url)
    if args.check:
        stale = [n for n, text in files.items()
                 if not (args.out / n).exists() or (args.out / n).read_text(encoding="utf-8") != text]
        for n in stale:
            print(f"{args.out / n} is stale: run python build/lite/build_lite.py", file=sys.stderr)
        return 1 if stale else 0
    args.out.mkdir(parents=True, exist_ok=True)
    for n, text in files.items():
        _write(args.out / n, text)
        print(f"wrote {args.out / n}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
