"""``xlcell run MACRO BOOK``: the ribbon macros, headless on a workbook file (the same code as in Excel)."""
from __future__ import annotations

import argparse

from .cli import arguments, command

MACROS = ("pareto", "optimize", "report", "rebuild", "fe-twin")


def _args(p: argparse.ArgumentParser) -> None:
    p.add_argument("macro", choices=MACROS, help="pareto: trace the front; optimize: optimise the first objective; "
                   "report: write the optimisation report; rebuild: restore a sheet of the template; fe-twin: run the "
                   "FE model of the nip for the Simulation sheet's inputs")
    p.add_argument("book", help="an xlcell workbook (.xlsx) with a Pareto sheet (fe-twin: a Simulation sheet)")
    p.add_argument("--out", help="report path (report) or another file to save the book to (default: in place)")
    p.add_argument("--sheet", default="Pareto", help="the sheet to rebuild (rebuild; default Pareto)")
    p.add_argument("--quiet", action="store_true", help="no progress lines")
    p.add_argument("--wait", type=float, metavar="SECONDS", help="how long to wait while another xlcell job writes "
                   "the same book (default: 5, or XLCELL_LOCK_WAIT_S)")
    p.epilog = ("pareto, optimize, rebuild and fe-twin write the book (in place, or to --out) under a lock file ~$BOOK.xlcell-lock "
                "beside it: a second job on the same book waits, then is refused with the holder's pid and host. report "
                "writes --out (default: BOOK_pareto_report.xlsx beside it) and never the book. An --out that is the book "
                "(also through a link or another spelling) is refused: omit --out to write in place.")


@command("run", "run a ribbon macro on a workbook file: pareto, optimize, report, rebuild or fe-twin")
@arguments(_args)
def _run(args: argparse.Namespace) -> int:
    from workbooks.files import refuse_non_xlsx

    from .macros import hypervolume_text, run_file

    refuse_non_xlsx(args.out)
    if args.wait is not None and not 0.0 <= args.wait < float("inf"):  # (a NaN fails both)
        from xlcell.errors import InputError

        raise InputError("wait", args.wait, "a finite number of seconds >= 0")
    result = run_file(args.macro, args.book, args.out, args.sheet if args.macro == "rebuild" else None, quiet=args.quiet,
                      wait_s=args.wait)
    if args.macro == "report":
        print(result)
    elif args.macro == "optimize":
        print(result.message)
        return 0 if result.feasible else 3
    elif args.macro == "fe-twin":
        s = result.summary()
        print(f"FE twin: line load FE {s['fe_line_load_N_mm']:.1f} / 1D {s['oned_line_load_N_mm']:.1f} N/mm, exit porosity "
              f"FE {s['fe_exit_porosity']:.4f} / 1D {s['oned_exit_porosity']:.4f}; written to the Simulation sheet")
    elif args.macro == "pareto":
        print(f"{len(result)} points, normalised hypervolume {hypervolume_text(result)}, knee point {result.knee + 1}")
    else:
        print(f"rebuilt sheet {result}")
    return 0
