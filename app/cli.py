"""The ``xlcell`` command: build the template, write reports, run the demo (and, later, macros).

Sub-commands live in :data:`COMMANDS` (name -> (help, add_arguments, run)); a model area adds its
own with :func:`command`.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Callable

from workbooks import TEMPLATE_PATH
from xlcell.errors import InputError, XlcellError

COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]] = {}


def command(name: str, help: str):
    """Register ``run(args) -> exit code`` as sub-command ``name``; decorate ``add_arguments`` first."""

    def deco(fn):
        add = getattr(fn, "_add_arguments", lambda p: None)
        COMMANDS[name] = (help, add, fn)
        return fn

    return deco


def arguments(add: Callable[[argparse.ArgumentParser], None]):
    def deco(fn):
        fn._add_arguments = add
        return fn

    return deco


def parse_sets(items: list[str] | None) -> dict[str, Any]:
    """``["pos_thickness_um=100", "pos_material=NMC622"]`` -> dict with numbers as floats."""
    out: dict[str, Any] = {}
    for item in items or []:
        if "=" not in item:
            raise SystemExit(f"xlcell: --set takes key=value, not {item!r}")
        k, v = item.split("=", 1)
        try:
            out[k.strip()] = float(v)
        except ValueError:
            out[k.strip()] = v.strip()
    return out


def design_from_workbook(path: str | Path) -> tuple[dict[str, Any], dict]:
    """The (key, value) inputs of a workbook's Design sheet (named range ``tbl_design``)."""
    from openpyxl import load_workbook

    from udfs._excel import as_kv
    from udfs.cell import design_values, materials_from_range

    wb = load_workbook(path, data_only=False)
    design = named_rows(wb, "tbl_design")
    if design is None:
        raise InputError("--from-workbook", str(path), "a workbook with the named range tbl_design (an xlcell template)")
    return design_values(as_kv(design, "design")), materials_from_range(named_rows(wb, "tbl_materials"))


def named_rows(wb: Any, name: str) -> list[list[Any]] | None:
    """The cell values of a workbook-level named range as rows (None if the name is not defined).

    A block name ``tbl_x`` also finds ``xlcell_x``, its name in workbooks written before issue 10.
    """
    from .book import name_candidates

    dn = next((wb.defined_names[n] for n in name_candidates(name) if n in wb.defined_names), None)
    if dn is None:
        return None
    (sheet, ref), = list(dn.destinations)
    return [[c.value for c in row] for row in wb[sheet][ref.replace("$", "")]]


def _add_out(p: argparse.ArgumentParser, default: str) -> None:
    p.add_argument("--out", default=default, help=f"output path (default: {default})")


@command("template", "write the template workbook (default: the copy shipped in the package)")
@arguments(lambda p: p.add_argument("--out", default=str(TEMPLATE_PATH), help="output .xlsx path"))
def _template(args: argparse.Namespace) -> int:
    from .template import write_template

    print(write_template(args.out))
    return 0


def _report_args(p: argparse.ArgumentParser) -> None:
    _add_out(p, "xlcell-out/xlcell_report.xlsx")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="a design input (repeatable), e.g. pos_thickness_um=100")
    p.add_argument("--from-workbook", metavar="BOOK", help="take the design from a workbook's Design sheet")
    p.add_argument("--pareto", metavar="BOOK", help="write the optimisation report of a workbook's Pareto sheet instead "
                   "(traces the front first; the same as `xlcell run report BOOK`)")
    p.epilog = ("Two kinds of report, both written to --out; BOOK itself is never written. Without --pareto: a design report "
                "of one cell (the default cell, --set changes, or BOOK's Design sheet with --from-workbook BOOK). With "
                "--pareto BOOK: the optimisation report (settings, front, chosen design) of BOOK's Pareto sheet. A bare "
                "`xlcell report BOOK` is refused: say which report you want.")


@command("report", "write a report workbook of one cell design (default: BatPaC 5.0's default cell)")
@arguments(_report_args)
def _report(args: argparse.Namespace) -> int:
    from .report import write_report

    if getattr(args, "pareto", None):
        from .macros import run_file

        print(run_file("report", args.pareto, args.out, quiet=True))
        return 0
    values, materials = design_from_workbook(args.from_workbook) if args.from_workbook else ({}, {})
    values.update(parse_sets(args.set))
    print(write_report(args.out, values, materials))
    return 0


@command("demo", "build the template, a report of the default cell, and the template's Pareto front with its "
                 "optimisation report, into an output folder")
@arguments(lambda p: p.add_argument("--out", default="xlcell-out", help="output folder (default: xlcell-out)"))
def _demo(args: argparse.Namespace) -> int:
    import shutil

    from .macros import hypervolume_text, run_file

    from .report import write_report
    from .template import write_template

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    tpl = write_template(out / "xlcell_template.xlsx")
    rep = write_report(out / "xlcell_report.xlsx")
    print(f"template: {tpl.resolve()}")
    print(f"report:   {rep.resolve()}")
    # The add-in's main job, headless: the Pareto front macro on a copy of the template (the template itself stays
    # pristine), then the optimisation report of that front (the same code the ribbon buttons run in Excel).
    book = shutil.copyfile(tpl, out / "xlcell_pareto_demo.xlsx")
    front = run_file("pareto", book, quiet=True)
    print(f"pareto:   {Path(book).resolve()} ({len(front)} points, normalised hypervolume {hypervolume_text(front)}, "
          f"knee point {front.knee + 1})")
    opt = run_file("report", book, out / "xlcell_pareto_report.xlsx", quiet=True)
    print(f"optimisation report: {Path(opt).resolve()}")
    from addin.xlam import build_xlam

    print(f"Excel add-in: {build_xlam(out).resolve()} (on Windows: xlcell addin install)")
    return 0


def _addin_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=["install", "uninstall", "status"])
    p.add_argument("--xlam", type=Path, metavar="PATH", help="the add-in file to install (default: build xlcell.xlam now)")
    p.epilog = ("install (Windows): copies xlcell.xlam to Excel's XLSTART folder and sets INTERPRETER_WIN in "
                "~/.xlwings/xlwings.conf to this Python's pythonw.exe, backing up what it replaces. uninstall removes "
                "the add-in and leaves xlwings.conf alone. status shows what is where.")


@command("addin", "install, uninstall or check the Excel add-in (xlcell.xlam) and the Python it starts")
@arguments(_addin_args)
def _addin(args: argparse.Namespace) -> int:
    from addin import install as inst

    env = inst.Env.current()
    if args.action == "status":
        lines = inst.status(env)
    elif args.action == "install":
        lines = inst.install(env, args.xlam)
    else:
        lines = inst.uninstall(env)
    print("\n".join(lines))
    return 0


def main(argv: list[str] | None = None) -> int:
    _load_plugins()
    parser = argparse.ArgumentParser(prog="xlcell", description="xlcell: battery techno-economics in Excel")
    from xlcell import __version__

    parser.add_argument("--version", action="version", version=f"xlcell {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (help_, add, _) in COMMANDS.items():
        add(sub.add_parser(name, help=help_, description=help_))
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command][2](args)
    except XlcellError as exc:
        print(f"xlcell: {exc}", file=sys.stderr)
        return 2


def _load_plugins() -> None:
    """Import the modules that register further sub-commands (model areas)."""
    import importlib

    for mod in PLUGINS:
        importlib.import_module(mod)


#: modules that register sub-commands with :func:`command`
PLUGINS: list[str] = ["app.cli_cost", "app.run"]


if __name__ == "__main__":  # pragma: no cover
    # run the imported module's main, so sub-commands registered by plugins (which import
    # app.cli) land in the same COMMANDS as the one dispatched here
    from app.cli import main as _main

    sys.exit(_main())
