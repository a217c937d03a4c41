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


def parse_sets(items: list[str] | None, flag: str = "--set") -> dict[str, Any]:
    """``["pos_thickness_um=100", "pos_material=NMC622"]`` -> dict with numbers as floats.

    An item without ``=`` is an :class:`~xlcell.errors.XlcellError` naming ``flag`` (the option it came with): one
    line and exit code 2, like any other bad input. So is ``nan``, which the models read as a blank cell (the
    default): a typed value is never silently replaced by the default."""
    from xlcell.errors import InputError, XlcellError

    out: dict[str, Any] = {}
    for item in items or []:
        if "=" not in item:
            raise XlcellError(f"{flag} takes key=value, not {item!r}")
        k, v = item.split("=", 1)
        try:
            x = float(v)
        except ValueError:
            out[k.strip()] = v.strip()
            continue
        if x != x:
            raise InputError(k.strip(), v.strip(), "a number (leave the key out for its default)")
        out[k.strip()] = x
    return out


def design_from_workbook(path: str | Path, wb: Any = None) -> tuple[dict[str, Any], dict]:
    """The (key, value) inputs of a workbook's Design sheet (named range ``tbl_design``); ``wb`` is the workbook
    already opened from ``path`` (else it is opened with :func:`workbooks.books.open_book`)."""
    from udfs._excel import as_kv
    from udfs.cell import design_values, materials_from_range

    wb = wb if wb is not None else open_user_book(path)
    design = named_rows(wb, "tbl_design", str(path))
    return design_values(as_kv(design, "design")), materials_from_range(named_rows(wb, "tbl_materials", str(path),
                                                                                   optional=True))


def open_user_book(path: str | Path) -> Any:
    """A user's workbook, formulas as written (checked and parsed by :func:`workbooks.books.open_book`)."""
    from workbooks.books import open_book

    return open_book(path, data_only=False)


def named_rows(wb: Any, name: str, where: str = "the workbook", optional: bool = False) -> list[list[Any]] | None:
    """The cell values of a workbook-level named range as rows; None if ``optional`` and the name is not defined.

    A block name ``tbl_x`` also finds ``xlcell_x``, its name in workbooks written before issue 10. A name that
    points at a deleted sheet is an error (:class:`~xlcell.errors.MissingRangeError`), optional or not.
    """
    from xlcell.errors import MissingRangeError

    from .book import named_cells

    try:
        _, cells = named_cells(wb, name, where)
    except MissingRangeError as exc:
        if optional and exc.absent:
            return None
        raise
    if not isinstance(cells, tuple):  # a single cell
        cells = ((cells,),)
    elif cells and not isinstance(cells[0], tuple):  # one row or one column
        cells = tuple((c,) for c in cells) if len({c.column for c in cells}) == 1 else (cells,)
    return [[c.value for c in row] for row in cells]


def _add_out(p: argparse.ArgumentParser, default: str) -> None:
    p.add_argument("--out", default=default, help=f"output path (default: {default})")


@command("template", "write the template workbook (default: the copy shipped in the package)")
@arguments(lambda p: p.add_argument("--out", default=str(TEMPLATE_PATH), help="output .xlsx path"))
def _template(args: argparse.Namespace) -> int:
    from workbooks.files import refuse_non_xlsx

    from .template import write_template

    refuse_non_xlsx(args.out)
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
    from workbooks.files import refuse_non_xlsx

    from .report import write_report

    refuse_non_xlsx(args.out)
    if getattr(args, "pareto", None):
        from .macros import run_file

        print(run_file("report", args.pareto, args.out, quiet=True))
        return 0
    if args.from_workbook:
        from workbooks.files import refuse_overwrite

        refuse_overwrite(args.out, args.from_workbook)
    values, materials = design_from_workbook(args.from_workbook) if args.from_workbook else ({}, {})
    values.update(parse_sets(args.set))
    print(write_report(args.out, values, materials))
    return 0


@command("demo", "build the template, a report of the default cell, and the template's Pareto front with its "
                 "optimisation report, into an output folder")
@arguments(lambda p: p.add_argument("--out", default="xlcell-out", help="output folder (default: xlcell-out)"))
def _demo(args: argparse.Namespace) -> int:
    from workbooks.files import write_atomic

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
    book = write_atomic(out / "xlcell_pareto_demo.xlsx", Path(tpl).read_bytes())  # replaces an old demo whole
    front = run_file("pareto", book, quiet=True)
    print(f"pareto:   {Path(book).resolve()} ({len(front)} points, normalised hypervolume {hypervolume_text(front)}, "
          f"knee point {front.knee + 1})")
    opt = run_file("report", book, out / "xlcell_pareto_report.xlsx", quiet=True, front=front)  # traced once
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
    """Run ``xlcell [--debug] COMMAND ...``; returns the exit code.

    Every failure is one line on stderr, ``xlcell: <what> (<where>): <what to do>`` (:mod:`app.failure`), and a
    non-zero exit code: 2 for a bad input or an unusable file, 1 for an internal error, 130 when interrupted;
    141 and no sentence when the reader of standard output left (a broken pipe).
    ``--debug`` prints the traceback first.
    """
    _load_plugins()
    parser = argparse.ArgumentParser(prog="xlcell", description="xlcell: battery techno-economics in Excel")
    from xlcell import __version__

    parser.add_argument("--version", action="version", version=f"xlcell {__version__}")
    parser.add_argument("--debug", action="store_true", help="on a failure, print the Python traceback too")
    sub = parser.add_subparsers(dest="command", required=True)
    # only the chosen command's options are built: some read their defaults from a model (the Monte Carlo's outputs,
    # the Sobol sample size), which ``xlcell --help`` and the other commands need not import (issue 15)
    words = sys.argv[1:] if argv is None else list(argv)
    chosen = next((w for w in words if not w.startswith("-")), None)
    for name, (help_, add, _) in COMMANDS.items():
        p = sub.add_parser(name, help=help_, description=help_)
        if name == chosen:
            add(p)
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command][2](args)
    except BrokenPipeError:  # the reader left (`xlcell cost | head -3`): not a failure of xlcell, nothing to say
        from .failure import EXIT_BROKEN_PIPE

        _quiet_stdout()
        return EXIT_BROKEN_PIPE
    except (Exception, KeyboardInterrupt) as exc:  # noqa: BLE001 - one sentence, never a traceback (unless --debug)
        from .failure import exit_code, failure_text

        if args.debug:
            import traceback

            traceback.print_exc()
        print(failure_text(exc), file=sys.stderr)
        return exit_code(exc)


def _quiet_stdout() -> None:
    """Point standard output at the null device, so that flushing it at exit after a broken pipe raises nothing."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # no file descriptor (a captured stream): nothing to flush
        pass


def _load_plugins() -> None:
    """Import the modules that register further sub-commands (model areas)."""
    import importlib

    for mod in PLUGINS:
        importlib.import_module(mod)


#: modules that register sub-commands with :func:`command`
PLUGINS: list[str] = ["app.cli_cost", "app.cli_params", "app.run", "app.cli_simulate", "app.simulate_dem", "app.batch"]


if __name__ == "__main__":  # pragma: no cover
    # run the imported module's main, so sub-commands registered by plugins (which import
    # app.cli) land in the same COMMANDS as the one dispatched here
    from app.cli import main as _main

    sys.exit(_main())
