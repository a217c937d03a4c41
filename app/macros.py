"""Ribbon macros: run the optimisation, run the Pareto front, write the report, rebuild a sheet.

Each macro reads its settings from the open workbook's named ranges (the Pareto sheet and the Design sheet),
computes everything first, then writes each result table back in one block, so a failure leaves the sheet as
it was and is reported in a message (and in the status cell). Progress shows in Excel's status bar.

The same functions serve Excel and the command line: from the ribbon, xlwings' ``RunPython`` calls e.g.
``import app.macros; app.macros.pareto_macro()`` and the workbook is ``xw.Book.caller()``; headless,
``xlcell run pareto book.xlsx`` passes a :class:`~app.book.FileBook`. Only the adapter differs.
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from udfs._excel import (as_2d, as_float, as_int, as_kv, as_optional_float, as_table, as_text,
                         excel_value, is_blank, params_from_kv)
from udfs.cell import design_values, materials_from_range
from udfs.cost import cost_settings
from udfs.lifetime import read_life_params
from udfs.uncertainty import spec_from_range
from workbooks.files import refuse_overwrite, same_file
from workbooks.sheets import pareto as sheet
from xlcell.degradation import SEIParams
from xlcell.duty import Duty
from xlcell.errors import BookError, InputError, MissingRangeError, XlcellError
from xlcell.optimize import Constraint, DesignProblem, Objective, OptimizationResult, Variable, minimize
from xlcell.pareto import ParetoFront, pareto_front
from xlcell.registry import output_key, variable

from .book import Book, FileBook, XlwingsBook

DESIGN = "tbl_design"
MATERIALS = "tbl_materials"


# ------------------------------------------------------------------------------ settings from the book
@dataclass
class Settings:
    """Everything the Pareto sheet and the Design sheet say about the problem (display units)."""

    variables: list[Variable]
    objectives: list[Objective]
    constraints: list[Constraint]
    method: str = "epsilon"
    n_points: int = 11
    seed: int = 0
    n_starts: int = 4
    chosen: str | int = "knee"
    extra_outputs: list[str] = field(default_factory=list)
    base_values: dict[str, Any] = field(default_factory=dict)
    materials: dict = field(default_factory=dict)
    context: dict[str, Any] = field(default_factory=dict)  #: model inputs per provider (cost, lifetime)

    def problem(self) -> DesignProblem:
        from xlcell.design import design_from_mapping

        base = design_from_mapping(self.base_values, self.materials)
        return DesignProblem(self.variables, self.objectives, self.constraints, base=base, context=self.context)

    def as_dict(self) -> dict[str, Any]:
        """A flat description for the report and the inputs hash: the Pareto sheet's settings, the given design
        values, the user-defined materials and the model context (factory, BOM, process steps, SEI parameters,
        calendering materials, duty), each of the last two as one canonical text per entry."""
        return {
            "method": self.method, "n_points": self.n_points, "seed": self.seed, "n_starts": self.n_starts,
            "chosen": self.chosen, "extra_outputs": ",".join(self.extra_outputs),
            **{f"variable:{v.key}": f"{v.lower:g}..{v.upper:g}" for v in self.variables},
            **{f"objective:{o.key}": o.sense for o in self.objectives},
            **{f"constraint:{c.key}": f"{'' if c.lower is None else f'{c.lower:g}'}..{'' if c.upper is None else f'{c.upper:g}'}"
               for c in self.constraints},
            **{f"design:{k}": v for k, v in self.base_values.items()},
            **{f"material:{k}": _canonical(m) for k, m in self.materials.items()},
            **{f"model:{k}": _canonical(v) for k, v in self.context.items()},
        }

    def inputs_hash(self) -> str:
        """The one hash of every input the front depends on (shown throughout the report)."""
        from workbooks.report import inputs_hash

        return inputs_hash(self.as_dict())


def _canonical(obj: Any) -> str:
    """A stable text of a model input (dataclasses by field, arrays in full, floats by repr, keys sorted)."""
    import dataclasses
    import json

    import numpy as np

    def plain(o: Any) -> Any:
        if dataclasses.is_dataclass(o) and not isinstance(o, type):
            return {"__class__": type(o).__name__, **{f.name: plain(getattr(o, f.name)) for f in dataclasses.fields(o)}}
        if isinstance(o, dict):
            return {str(k): plain(v) for k, v in o.items()}
        if isinstance(o, (list, tuple)):
            return [plain(v) for v in o]
        if isinstance(o, np.ndarray) or isinstance(o, np.generic):
            return plain(o.tolist())
        if isinstance(o, float):
            return repr(o)
        return o if isinstance(o, (str, int, bool)) or o is None else str(o)

    return json.dumps(plain(obj), sort_keys=True)


def _rows(book: Book, name: str) -> list[list[Any]]:
    """The data rows of a named table (header dropped); [] when every data row is blank."""
    rows = as_2d(book.read(name), name)
    data = [r for r in rows[1:] if not all(is_blank(c) for c in r)]
    if data:
        as_table(rows, name)  # checks the header
    return data


def read_settings(book: Book) -> Settings:
    """The optimisation problem as written on the Pareto sheet, on the Design sheet's design."""
    kv = as_kv(book.read(sheet.SETTINGS), sheet.SETTINGS)
    variables = []
    for i, r in enumerate(_rows(book, sheet.VARIABLES)):
        where = f"variables row {i + 1}"
        key = variable(as_text(r[0], f"{where} key")).key
        variables.append(Variable(key, as_float(r[1], f"{key} lower"), as_float(r[2], f"{key} upper")))
    if not variables:
        raise InputError(sheet.VARIABLES, "empty", "at least one design key with lower and upper bounds")
    if len(variables) > sheet.MAX_VARIABLES:
        raise InputError(sheet.VARIABLES, len(variables), f"at most {sheet.MAX_VARIABLES} variables")
    objectives = []
    for i, r in enumerate(_rows(book, sheet.OBJECTIVES)):
        key = output_key(as_text(r[0], f"objectives row {i + 1} key"))
        objectives.append(Objective(key, as_text(r[1], f"{key} sense", default="min", choices=["min", "max"])))
    if not objectives:
        raise InputError(sheet.OBJECTIVES, "empty", "at least one model output with min or max")
    constraints = []
    for i, r in enumerate(_rows(book, sheet.CONSTRAINTS)):
        key = output_key(as_text(r[0], f"constraints row {i + 1} key"))
        constraints.append(Constraint(key, as_optional_float(r[1], f"{key} lower"), as_optional_float(r[2], f"{key} upper")))
    method = as_text(kv.get("method"), "method", default="epsilon", choices=["epsilon", "weighted"])
    n_points = as_int(kv.get("n_points"), "n_points", default=11, minimum=2)
    if n_points > sheet.MAX_POINTS:
        raise InputError("n_points", n_points, f"a whole number 2 .. {sheet.MAX_POINTS} (the front table's rows)")
    n_starts = as_int(kv.get("n_starts"), "n_starts", default=4, minimum=1)
    if n_starts > 20:
        raise InputError("n_starts", n_starts, "a whole number 1 .. 20")
    chosen_raw = kv.get("chosen", "knee")
    chosen: str | int = "knee" if isinstance(chosen_raw, str) and chosen_raw.strip().lower() == "knee" else \
        as_int(chosen_raw, "chosen", minimum=1)
    extra = [output_key(k.strip()) for k in str(kv.get("extra_outputs", "") or "").split(",") if k.strip()]
    base = design_values(as_kv(book.read(DESIGN), DESIGN), DESIGN)
    mats = materials_from_range(_optional(book, MATERIALS), MATERIALS)
    context = {
        "cost": cost_settings(_optional(book, "tbl_factory"), _optional(book, "tbl_bom"), _optional(book, "tbl_steps")),
        # the life model (issue 17): the Lifetime sheet's parameters and duty; a book from before it has SEI parameters only
        "lifetime": _life_context(book),
        "duty": params_from_kv(Duty, _optional(book, "tbl_duty"), "duty"),
        # the fracture ratio uses the calendering parameters of the design's own active materials
        "calendering": {k: str(base[k]) for k in ("pos_material", "neg_material") if not is_blank(base.get(k))},
        # Monte Carlo risk outputs (mc_cost_cvar95_usd_per_kWh, ...) use the Uncertainty sheet's model
        "uncertainty": {"spec": spec_from_range(_optional(book, "tbl_mc_spec"))},
    }
    return Settings(variables, objectives, constraints, method, n_points, as_int(kv.get("seed"), "seed", default=0),
                    n_starts, chosen, extra, base, mats, context)


def _life_context(book: Book) -> dict[str, Any]:
    """The registry's ``"lifetime"`` context from the Lifetime sheet's ``tbl_life_params`` (SEI, particle mechanics and
    coating cracks), or from ``tbl_sei_params`` in a workbook that has no life-model parameters."""
    rows = _optional(book, "tbl_life_params")
    if rows is None:
        return {"sei": params_from_kv(SEIParams, _optional(book, "tbl_sei_params"), "sei_params")}
    kw = read_life_params(rows, "tbl_life_params")
    return {"sei": kw["sei"], "mechanics": kw["mech"], "crack": kw["crack"]}


def _optional(book: Book, name: str) -> list[list[Any]] | None:
    """A named range's values, or None when the workbook has no such name (the model's defaults apply)."""
    try:
        return book.read(name)
    except MissingRangeError as exc:
        if exc.absent:  # not defined: the defaults; a name whose sheet was deleted is an error
            return None
        raise


# ------------------------------------------------------------------------------ result blocks
def _pad(rows: list[list[Any]], n_rows: int, n_cols: int) -> list[list[Any]]:
    out = [[excel_value(v) for v in r[:n_cols]] + [None] * (n_cols - len(r[:n_cols])) for r in rows[:n_rows]]
    return out + [[None] * n_cols for _ in range(n_rows - len(out))]


def chosen_index(front: ParetoFront, chosen: str | int) -> int:
    if chosen == "knee":
        return front.knee
    if not 1 <= int(chosen) <= len(front):
        raise InputError("chosen", chosen, f"knee or a point number 1 .. {len(front)} of the front")
    return int(chosen) - 1


def front_block(front: ParetoFront, chosen: int) -> list[list[Any]]:
    """The front table: header of keys, then one row per point (objectives first, as the chart expects)."""
    table = front.table()
    objs = front.objective_keys
    rest = [k for k in table if k not in ("point", "knee", *objs)]
    header = ["point", *objs, "chosen", *rest]
    if len(header) > sheet.FRONT_COLS:
        raise InputError("front table", f"{len(header)} columns", f"at most {sheet.FRONT_COLS} (point, objectives, chosen, "
                         "variables, constraints and extra outputs): list fewer extra_outputs")
    rows = [header]
    for i in range(len(front)):
        rows.append([i + 1, *[table[k][i] for k in objs], i == chosen, *[table[k][i] for k in rest]])
    if len(objs) < 2:  # keep the chart's columns B and C meaningful
        raise InputError("objectives", len(objs), "at least 2 for a Pareto front")
    return _pad(rows, sheet.MAX_POINTS + 1, sheet.FRONT_COLS)


def chosen_block(front: ParetoFront, i: int) -> list[list[Any]]:
    """Rows 2 and 3 are the first two objectives (the chart's highlighted point)."""
    table = front.table()
    rows = [["point", i + 1]] + [[k, table[k][i]] for k in front.objective_keys]
    rows += [[k, table[k][i]] for k in front.variable_keys]
    rows += [[k, v[i]] for k, v in table.items() if k not in ("point", "knee", *front.objective_keys, *front.variable_keys)]
    rows.append(["knee", i == front.knee])
    return _pad(rows, sheet.CHOSEN_ROWS, 2)


def optimum_block(r: OptimizationResult) -> list[list[Any]]:
    rows = [["feasible", r.feasible], [f"{r.objective_key} (objective)", r.objective]]
    rows += [[k, v] for k, v in r.x.items()]
    rows += [[k, v] for k, v in r.outputs.items() if k != r.objective_key]
    rows += [["starts", r.n_starts], ["model calls", r.n_model_calls]]
    return _pad(rows, sheet.OPTIMUM_ROWS, 2)


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


# ------------------------------------------------------------------------------ the macros
def _progress(book: Book, what: str) -> Callable[[int, int], None]:
    return lambda done, total: book.status(f"xlcell: {what} {done}/{total} ...")


def hypervolume_text(front: ParetoFront) -> str:
    """The normalised hypervolume, or n/a when the front has fewer than 2 points (no ideal-nadir box to normalise)."""
    return f"{front.hypervolume:.4f}" if len(front) >= 2 else "n/a (fewer than 2 points)"


def run_pareto(book: Book) -> ParetoFront:
    """Read the Pareto sheet, trace the front, write status, front, chosen point (one block each)."""
    s = read_settings(book)
    book.status("xlcell: Pareto front: reading the problem ...")
    problem = s.problem()
    front = pareto_front(problem, s.n_points, s.method, seed=s.seed, n_starts=s.n_starts, report_keys=s.extra_outputs,
                         progress=_progress(book, f"Pareto front ({s.method}), point"))
    i = chosen_index(front, s.chosen)
    blocks = {sheet.FRONT: front_block(front, i), sheet.CHOSEN: chosen_block(front, i)}
    status = (f"Pareto front: {len(front)} points by {s.method} ({front.n_subproblems} sub-problems, "
              f"{front.n_infeasible} infeasible, {front.n_dominated} dominated dropped); normalised hypervolume "
              f"{hypervolume_text(front)}; chosen point {i + 1}{' (knee)' if i == front.knee else ''}; {front.seconds:.1f} s; "
              f"{_now()}")
    if len(front) == 1:
        status = "The objectives do not conflict within the bounds: one design is best for all of them. " + status
    for name, rows in blocks.items():
        book.write(name, rows)
    book.write(sheet.STATUS, [[status]])
    book.axis_titles(sheet.TITLE, sheet.axis_title(front.objective_keys[0]), sheet.axis_title(front.objective_keys[1]))
    return front


def run_optimize(book: Book) -> OptimizationResult:
    """Optimise the first objective of the Pareto sheet subject to its constraints; write the optimum block."""
    s = read_settings(book)
    problem = s.problem()
    what = f"optimising {problem.objective_names[0]}: start"
    book.status(f"xlcell: {what} 1/{s.n_starts} ...")
    r = minimize(problem, 0, n_starts=s.n_starts, seed=s.seed, report_keys=s.extra_outputs,
                 progress=lambda done, total: book.status(f"xlcell: {what} {min(done + 1, total)}/{total} ..."
                                                          if done < total else f"xlcell: {what}s done, writing ..."))
    rows = optimum_block(r)
    book.write(sheet.OPTIMUM, rows)
    book.write(sheet.STATUS, [[f"{r.message} ({_now()})"]])
    if not r.feasible:
        book.alert(r.message, "xlcell: no feasible design")
    return r


def run_report(book: Book, out: str | Path | None = None, front: ParetoFront | None = None) -> Path:
    """Trace the front from the book's settings and write an optimisation report next to it (the book is not touched).

    ``front``: a front just traced from the same settings (``xlcell demo`` runs the Pareto macro, then this one), used
    instead of tracing it again when its variables and objectives are the settings' ones.
    """
    from .report import write_pareto_report

    out = out if out is not None else _beside(book, "_pareto_report.xlsx")
    refuse_overwrite(out, book.path)  # before any work: a report never replaces the book it reports on
    s = read_settings(book)
    problem = s.problem()
    if front is None or (front.variable_keys, front.objective_keys, front.method) != (
            problem.variable_names, problem.objective_names, s.method):
        front = pareto_front(problem, s.n_points, s.method, seed=s.seed, n_starts=s.n_starts,
                             report_keys=s.extra_outputs, progress=_progress(book, "report: Pareto point"))
    path = write_pareto_report(out, s, problem, front, chosen_index(front, s.chosen))
    book.status(None)
    book.alert(f"Report written to {path}", "xlcell")
    return path


def _beside(book: Book, suffix: str) -> Path:
    """``<book stem><suffix>`` in the book's folder (``xlcell<suffix>`` in the current folder for an unsaved book)."""
    stem = book.path.stem if book.path else "xlcell"
    folder = book.path.parent if book.path else Path.cwd()
    return folder / f"{stem}{suffix}"


def run_design_report(book: Book, out: str | Path | None = None) -> Path:
    """Write the report workbook of the Design sheet's cell next to the book (the book itself is not written)."""
    from .report import write_report

    out = out if out is not None else _beside(book, "_report.xlsx")
    refuse_overwrite(out, book.path)
    values = design_values(as_kv(book.read(DESIGN), "design"))
    materials = materials_from_range(_optional(book, MATERIALS), MATERIALS)
    book.status("xlcell: report: evaluating the design ...")
    path = write_report(out, values, materials)
    book.status(None)
    book.alert(f"Report written to {path}", "xlcell")
    return path


def documents_folder(home: Path | None = None) -> Path:
    """Where a new workbook goes: ``~/Documents/xlcell`` (``~/xlcell`` when there is no Documents folder)."""
    home = home if home is not None else Path.home()
    base = home / "Documents" if (home / "Documents").is_dir() else home
    return base / "xlcell"


def run_new_workbook(book: Book | None = None, folder: str | Path | None = None) -> Path:
    """Write a new workbook from the template (BatPaC 5.0's default cell) under a new name, and open it."""
    from .template import write_template

    folder = Path(folder) if folder is not None else documents_folder()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    path, k = folder / f"xlcell_{stamp}.xlsx", 1
    while path.exists():  # never overwrite a workbook of the user's
        k += 1
        path = folder / f"xlcell_{stamp}_{k}.xlsx"
    write_template(path)
    if book is not None:
        book.open_book(path)
    return path


def run_rebuild(book: Book, title: str = sheet.TITLE) -> str:
    """Rebuild one sheet of the template in the book (its layout, inputs reset to the template's)."""
    from workbooks.sheets import ORDER

    mods = {m.TITLE.lower(): m for m in ORDER}
    mod = mods.get(str(title).strip().lower())
    if mod is None:
        raise InputError("sheet", title, "one of " + ", ".join(m.TITLE for m in ORDER))
    book.rebuild_sheet(mod)
    return mod.TITLE


def macro(fn: Callable[..., Any], writes_book: bool = False, status_range: str = sheet.STATUS) -> Callable[..., Any]:
    """Wrap a ``run_*`` function for the ribbon: the calling book, status bar, failures as a message.

    A failure is the same one sentence the command line prints (:func:`app.failure.failure_text`), in a message
    box and in the job's status cell (``status_range``: the Pareto sheet's by default); with the environment variable
    ``XLCELL_DEBUG`` set, the error is
    raised after the message, so xlwings shows its traceback. A job that ``writes_book`` holds the book's lock
    (:func:`app.lock.book_lock`) while it runs, so that ``xlcell run`` on the same file waits for it.
    """

    @functools.wraps(fn)
    def call(book: Book | None = None, *args: Any) -> Any:
        import os

        from .failure import failure_text

        book = book if book is not None else XlwingsBook()
        try:
            with _ribbon_lock(book, fn.__name__) if writes_book else contextlib.nullcontext():
                return fn(book, *args)
        except Exception as exc:  # noqa: BLE001 - the user sees a message, never a traceback
            text = failure_text(exc)
            try:
                book.write(status_range, [[f"Failed: {text.removeprefix('xlcell: ')}"]])
            except XlcellError:
                pass
            book.alert(text, "xlcell: the macro stopped")
            if os.environ.get("XLCELL_DEBUG"):
                raise
            return None
        finally:
            book.status(None)

    return call


def _ribbon_lock(book: Book, job: str) -> contextlib.AbstractContextManager:
    """The lock of the ribbon job's book file, if it has one in a folder on this machine (a book never saved, or
    one on a web address, has none); a folder where no lock file can be made leaves the job unlocked (it writes
    into Excel's copy)."""
    from .lock import book_lock

    path = getattr(book, "path", None)
    if path is None or not Path(path).parent.is_dir():
        return contextlib.nullcontext()
    return book_lock(path, f"xlcell ribbon {job.removeprefix('run_')}", required=False)


def read_simulation_inputs(book: Book) -> tuple[Any, Any]:
    """The Simulation sheet's inputs (``tbl_sim_inputs``) as :class:`xlcell.nip.NipInputs`, and the calendering
    material they name (the Calendering sheet's table first, then the library)."""
    from udfs.calendering import calendering_materials_from_range
    from workbooks.sheets import simulation as sim_sheet
    from xlcell.nip import nip_inputs

    kv = as_kv(book.read(sim_sheet.INPUTS_NAME), sim_sheet.INPUTS_NAME)
    values = {k.removeprefix(sim_sheet.PREFIX): v for k, v in kv.items()}
    for k in ("fe_elements_thickness", "fe_elements_nip"):
        if k in values:
            values[k] = as_int(values[k], sim_sheet.PREFIX + k)
    table = _optional(book, "tbl_calendering_materials")
    return nip_inputs(values, calendering_materials_from_range(table) if table is not None else {})


def run_fe_twin(book: Book) -> Any:
    """The ribbon job *FE twin*: run the FE model of the nip (and its 1D roll pass) for the Simulation sheet's inputs,
    roll position by roll position in the status bar, then write the FE column, the FE run, the inputs it ran at, the
    status line and the field picture (each in one block; nothing is written when the run fails)."""
    from workbooks.sheets import simulation as sim_sheet
    from xlcell.nip import SUMMARY_KEYS

    from .simulation import simulation_view

    inputs, material = read_simulation_inputs(book)
    book.status("xlcell: FE twin: 1D roll pass (the gap for the line load) ...")
    sim, view = simulation_view(inputs, material, progress=lambda done, total: book.status(
        f"xlcell: FE twin: roll position {done}/{total} ..."))
    book.status("xlcell: FE twin: writing the results and the field plots ...")
    book.write(sim_sheet.FE_RESULTS_NAME, [[view.fe[k]] for k in SUMMARY_KEYS])
    book.write(sim_sheet.FE_RUN_NAME, [[view.run[k]] for k, _, _ in sim_sheet.RUN_ROWS])
    book.write(sim_sheet.FE_INPUTS_NAME, [[k, v] for k, v in view.inputs])
    book.write(sim_sheet.STATUS_NAME, [[view.status]])
    if view.picture:
        book.picture(sim_sheet.TITLE, sim_sheet.PICTURE_NAME, view.picture, sim_sheet.PICTURE_ANCHOR)
    return sim


#: ribbon entry points (RunPython "import app.macros; app.macros.pareto_macro()")
pareto_macro = macro(run_pareto, writes_book=True)
optimize_macro = macro(run_optimize, writes_book=True)
report_macro = macro(run_report)
rebuild_macro = macro(run_rebuild, writes_book=True)
design_report_macro = macro(run_design_report)
new_workbook_macro = macro(run_new_workbook)
fe_twin_macro = macro(run_fe_twin, writes_book=True, status_range="sim_status")

def run_file(kind: str, path: str | Path, out: str | Path | None = None, sheet_title: str | None = None,
             quiet: bool = False, wait_s: float | None = None, front: ParetoFront | None = None) -> Any:
    """Run a macro headless on a workbook file (``xlcell run KIND book.xlsx``); errors propagate.

    ``pareto``, ``optimize`` and ``rebuild`` save the book (to ``out`` if given, which must be another file, else in
    place) only when the macro succeeded, holding the lock of the book they write (:func:`app.lock.book_lock`; ``wait_s`` seconds for
    another job's lock) from before they read until after they saved; ``report`` writes the report to ``out``
    (default: beside the book), never to the book itself, and never saves the book (``front``: a front just traced
    from the book's settings, which ``report`` then reports instead of tracing it again).
    """
    from workbooks.books import check_book

    from .lock import book_lock

    kinds = {"pareto": run_pareto, "optimize": run_optimize, "optimise": run_optimize, "report": run_report,
             "rebuild": run_rebuild, "fe-twin": run_fe_twin}
    if kind not in kinds:
        raise InputError("macro", kind, "one of pareto, optimize, report, rebuild, fe-twin")
    check_book(path)  # a missing or foreign file is named as such, before a lock file is made beside it
    if kind == "report":
        return run_report(FileBook(path, None, quiet=quiet), out, front)
    if out is not None and same_file(out, path):  # --out is another file; the book itself is written without it
        raise BookError("--out is the workbook itself", str(out), "omit --out to write the results into the book "
                        "in place, or give another path to keep the book as it is")
    target = Path(out) if out else Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with book_lock(target, f"xlcell run {kind}", wait_s):
        book = FileBook(path, out, quiet=quiet)
        result = kinds[kind](book, sheet_title) if kind == "rebuild" and sheet_title else kinds[kind](book)
        book.save()
    return result


__all__ = ["Settings", "read_settings", "run_pareto", "run_optimize", "run_report", "run_rebuild", "run_file",
           "pareto_macro", "optimize_macro", "report_macro", "rebuild_macro", "macro",
           "run_design_report", "run_new_workbook", "design_report_macro", "new_workbook_macro", "documents_folder",
           "run_fe_twin", "fe_twin_macro", "read_simulation_inputs"]
