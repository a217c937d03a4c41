"""Ribbon macros end to end, headless on the template file (and through a stand-in for xlwings' Book)."""
from __future__ import annotations

import shutil

import numpy as np
import pytest
from openpyxl import load_workbook

from app.book import FileBook, XlwingsBook
from app.macros import pareto_macro, read_settings, run_file, run_optimize, run_pareto
from workbooks import TEMPLATE_PATH
from app.cli import main
from workbooks.roundtrip import charts_of, load as roundtrip_load
from workbooks.sheets import pareto as sheet
from workbooks.xlsx import dynamic_cells, value_of
from xlcell.errors import InputError, UnknownKeyError
from xlcell.pareto import pareto_front

pytestmark = pytest.mark.slow  # ribbon jobs run end to end on template copies (write, reopen, save whole workbooks)


def _small(path):
    """A copy of the template with a short front (5 points, 2 starts) to keep the suite fast."""
    shutil.copy(TEMPLATE_PATH, path)
    _set(path, sheet.SETTINGS, 2, 1, 5)  # n_points (row 1 of the block is the section heading)
    _set(path, sheet.SETTINGS, 4, 1, 2)  # n_starts
    return path


@pytest.fixture()
def book(tmp_path):
    return _small(tmp_path / "book.xlsx")


def _block(path, name):
    return FileBook(path, quiet=True).read(name)


def _set(path, name, row, col, value):
    """Edit one cell of a named block as a user would (keeping the file's dynamic arrays)."""
    fb = FileBook(path, quiet=True)
    rows = fb.read(name)
    rows[row][col] = value
    fb.write(name, rows)
    fb.save()


def test_template_pareto_sheet_has_the_named_blocks_and_a_chart():
    wb = load_workbook(TEMPLATE_PATH)
    for name in (sheet.SETTINGS, sheet.VARIABLES, sheet.OBJECTIVES, sheet.CONSTRAINTS, sheet.STATUS, sheet.OPTIMUM,
                 sheet.CHOSEN, sheet.FRONT):
        assert wb.defined_names[name].attr_text.startswith("'Pareto'!"), name
    assert charts_of(TEMPLATE_PATH)["Pareto"] == 1
    variables = _block(TEMPLATE_PATH, sheet.VARIABLES)
    assert [tuple(r) for r in variables[1:3]] == [tuple(v) for v in sheet.DEFAULT_VARIABLES]
    assert _block(TEMPLATE_PATH, sheet.STATUS) == [["Not run yet."]]


def test_pareto_macro_end_to_end_leaves_a_valid_workbook(book):
    before_design = _block(book, "tbl_design")
    front = run_file("pareto", book, quiet=True)
    # the written table is the front of the settings, computed directly
    s = read_settings(FileBook(_small(book.with_name("fresh.xlsx")), quiet=True))
    assert (s.n_points, s.n_starts) == (5, 2)
    direct = pareto_front(s.problem(), s.n_points, s.method, seed=s.seed, n_starts=s.n_starts, report_keys=s.extra_outputs)
    np.testing.assert_array_equal(front.F, direct.F)
    rows = _block(book, sheet.FRONT)
    assert rows[0][:4] == ["point", "cell_cost_usd_per_kWh", "specific_power_W_kg", "chosen"]
    data = [r for r in rows[1:] if r[0] is not None]
    assert len(data) == len(front) == s.n_points
    np.testing.assert_allclose([[r[1], r[2]] for r in data], front.F, rtol=1e-12)
    assert [r[3] for r in data].count(True) == 1 and data[front.knee][3] is True
    chosen = _block(book, sheet.CHOSEN)
    assert chosen[0] == ["point", front.knee + 1]
    assert chosen[1][1] == pytest.approx(front.F[front.knee, 0]) and chosen[2][1] == pytest.approx(front.F[front.knee, 1])
    assert _block(book, sheet.STATUS)[0][0].startswith(f"Pareto front: {len(front)} points by epsilon")
    # the rest of the book is as it was: inputs, spilled formulas, charts
    assert _block(book, "tbl_design") == before_design
    assert _block(book, sheet.VARIABLES) == _block(TEMPLATE_PATH, sheet.VARIABLES)
    assert dynamic_cells(book) == dynamic_cells(TEMPLATE_PATH)
    assert charts_of(book) == charts_of(TEMPLATE_PATH)
    a, b = roundtrip_load(TEMPLATE_PATH), load_workbook(book)  # the template without its spills' cached values
    assert a.sheetnames == b.sheetnames and list(a.defined_names) == list(b.defined_names)
    for ws in a.worksheets:  # every other sheet cell for cell, its Excel tables too
        if ws.title != "Pareto":
            other = b[ws.title]
            assert _cells(ws) == _cells(other)
            assert list(ws.tables) == list(other.tables)


def _cells(ws):
    """``{coordinate: value}`` of the non-blank cells (formulas as text)."""
    return {c.coordinate: value_of(c.value) for r in ws.iter_rows() for c in r if c.value is not None}


def test_pareto_macro_is_deterministic(tmp_path, book):
    other = _small(tmp_path / "other.xlsx")
    run_file("pareto", book, quiet=True)
    run_file("pareto", other, quiet=True)
    assert _block(book, sheet.FRONT) == _block(other, sheet.FRONT)


def test_a_failing_macro_leaves_the_file_untouched_and_says_why(book):
    _set(book, sheet.VARIABLES, 2, 2, 1.5)  # pos_porosity upper bound 1.5
    before = book.read_bytes()
    with pytest.raises(InputError, match="pos_porosity bound = 1.5"):
        run_file("pareto", book, quiet=True)
    assert book.read_bytes() == before
    fb = FileBook(book, quiet=True)  # the ribbon wrapper: a message, the status cell, no exception
    assert pareto_macro(fb) is None
    assert "pos_porosity bound = 1.5" in fb.messages[0]
    assert book.read_bytes() == before  # nothing saved


def test_unknown_keys_are_named_with_suggestions(book):
    _set(book, sheet.OBJECTIVES, 1, 0, "specific_energy_wh")
    with pytest.raises(UnknownKeyError, match="specific_energy_Wh_kg"):
        run_file("pareto", book, quiet=True)


def test_optimize_macro_and_its_infeasible_report(book):
    r = run_file("optimize", book, quiet=True)
    assert r.feasible
    opt = dict((k, v) for k, v in _block(book, sheet.OPTIMUM) if k is not None)
    assert opt["feasible"] is True
    assert opt["cell_cost_usd_per_kWh (objective)"] == pytest.approx(r.objective)
    assert opt["cell_cost_usd_per_kWh (objective)"] < 79.0192  # below BatPaC 5.0's default cell, 79.02 $/kWh
    free = len(sheet.DEFAULT_CONSTRAINTS) + 1  # the first blank row below the default constraints
    _set(book, sheet.CONSTRAINTS, free, 0, "max_power_W")
    _set(book, sheet.CONSTRAINTS, free, 1, 1e5)
    assert main(["run", "optimize", str(book), "--quiet"]) == 3  # infeasible: exit code 3, message in the book
    status = _block(book, sheet.STATUS)[0][0]
    assert "max_power_W >= 100000 W" in status and "best reachable alone" in status


def test_report_macro_never_modifies_the_book(book, tmp_path):
    before = book.read_bytes()
    out = tmp_path / "rep.xlsx"
    assert run_file("report", book, out, quiet=True) == out
    assert book.read_bytes() == before
    wb = load_workbook(out)
    assert wb.sheetnames[:4] == ["Optimisation", "Settings", "Front", "Chosen design"]
    head = wb["Optimisation"]["A2"].value
    assert "xlcell 0.1.0" in head and "inputs hash" in head and "UTC" in head
    assert charts_of(out)["Front"] == 1
    items = {r[0]: r[1] for r in wb["Optimisation"].iter_rows(min_row=5, values_only=True) if r[0]}
    assert items["Points on the front"] == 5
    # the chosen design's inputs carry the optimised variables
    inputs = {r[1]: r[2] for r in wb["Inputs"].iter_rows(min_row=5, values_only=True)}
    front = {r[0]: r for r in wb["Front"].iter_rows(min_row=5, values_only=True) if isinstance(r[0], int)}
    knee = next(r for r in front.values() if r[3] is True)
    assert inputs["pos_thickness_um"] == pytest.approx(knee[5])
    # one inputs hash throughout the report
    digest = items["Inputs hash"]
    assert digest == read_settings(FileBook(book, quiet=True)).inputs_hash()
    chosen = {r[0]: r[1] for r in wb["Chosen design"].iter_rows(min_row=5, values_only=True) if r[0]}
    assert chosen["Inputs hash"] == digest and digest in wb["Chosen design"]["A2"].value


def test_rebuild_restores_the_sheet(book):
    _set(book, sheet.VARIABLES, 1, 1, 99.0)
    run_file("pareto", book, quiet=True)
    assert main(["run", "rebuild", str(book), "--quiet"]) == 0
    assert _block(book, sheet.VARIABLES) == _block(TEMPLATE_PATH, sheet.VARIABLES)
    assert _block(book, sheet.SETTINGS) == _block(TEMPLATE_PATH, sheet.SETTINGS)
    assert _block(book, sheet.FRONT) == _block(TEMPLATE_PATH, sheet.FRONT)
    wb = load_workbook(book)
    assert wb.sheetnames == load_workbook(TEMPLATE_PATH).sheetnames
    assert charts_of(book) == charts_of(TEMPLATE_PATH)


# ------------------------------------------------------------------ the xlwings adapter, with a stand-in Book
class _Range:
    def __init__(self, book, name, rows):
        self.book, self.name, self.rows = book, name, rows

    def options(self, ndim=None):
        return self

    @property
    def value(self):
        return [list(r) for r in self.rows]

    def __getitem__(self, ij):
        return _Cell(self.book, self.name)


class _Cell:
    def __init__(self, book, name):
        self.book, self.name = book, name

    @property
    def value(self):
        raise AssertionError("not read")

    @value.setter
    def value(self, rows):
        self.book.writes.append((self.name, rows))


class _Name:
    def __init__(self, rng):
        self.refers_to_range = rng


class _App:
    def __init__(self):
        self.status = []
        self.alerts = []

    @property
    def status_bar(self):
        return self.status[-1] if self.status else False

    @status_bar.setter
    def status_bar(self, text):
        self.status.append(text)

    def alert(self, text, title=""):
        self.alerts.append(text)


class _FakeXwBook:
    """What XlwingsBook uses of xlwings.Book, backed by the template's values."""

    def __init__(self, path):
        self.fullname = str(path)
        self.app = _App()
        self.writes = []
        wb = load_workbook(path)
        self.names = {}
        for name, dn in wb.defined_names.items():
            (title, ref), = list(dn.destinations)
            cells = wb[title][ref.replace("$", "")]
            cells = cells if isinstance(cells, tuple) else ((cells,),)
            self.names[name] = _Name(_Range(self, name, [[c.value for c in row] for row in cells]))


def test_the_same_macro_through_the_xlwings_adapter_writes_one_block_per_table(tmp_path):
    fake = _FakeXwBook(_small(tmp_path / "b.xlsx"))
    front = run_pareto(XlwingsBook(fake))
    names = [n for n, _ in fake.writes]
    assert sorted(names) == sorted([sheet.FRONT, sheet.CHOSEN, sheet.STATUS])  # each table once
    front_rows = dict(fake.writes)[sheet.FRONT]
    assert len(front_rows) == sheet.MAX_POINTS + 1 and all(len(r) == sheet.FRONT_COLS for r in front_rows)
    assert front_rows[1][1] == pytest.approx(front.F[0, 0])
    assert any(str(s).startswith("xlcell: Pareto front") for s in fake.app.status)  # progress in the status bar
    bad = _FakeXwBook(TEMPLATE_PATH)
    bad.names[sheet.SETTINGS].refers_to_range.rows[2][1] = 500  # n_points
    assert pareto_macro(XlwingsBook(bad)) is None
    assert "n_points = 500" in bad.app.alerts[0]
    assert [n for n, _ in bad.writes] == [sheet.STATUS]  # only the status cell: no half-written tables
    assert bad.app.status[-1] is False  # the status bar is given back to Excel


def test_the_macros_use_the_workbooks_factory(book):
    # a 5 GWh/yr plant instead of BatPaC's 50 GWh/yr: less scale, so every design costs more per kWh
    base = run_file("optimize", book, quiet=True).objective
    rows = _block(book, "tbl_factory")
    i = next(k for k, r in enumerate(rows) if r[0] == "plant_energy_GWh_yr")
    _set(book, "tbl_factory", i, 1, 5)
    small = run_file("optimize", book, quiet=True).objective
    assert small > base * 1.04  # +5.0 % (the electricity, ~$2.4/kWh at 8.06 ¢/kWh, does not scale with the plant)


def test_report_costs_the_chosen_design_with_the_workbooks_factory(book, tmp_path):
    rows = _block(book, "tbl_factory")
    i = next(k for k, r in enumerate(rows) if r[0] == "plant_energy_GWh_yr")
    _set(book, "tbl_factory", i, 1, 5)
    out = run_file("report", book, tmp_path / "r.xlsx", quiet=True)
    wb = load_workbook(out)
    cost = {r[1]: r[2] for r in wb["Cost"].iter_rows(min_row=5, values_only=True) if r[1]}
    front = [r for r in wb["Front"].iter_rows(min_row=5, values_only=True) if isinstance(r[0], int)]
    chosen = next(r for r in front if r[4] is True)
    assert cost["cell_cost_usd_per_kWh"] == pytest.approx(chosen[1], rel=1e-9)  # same factory in both sheets


def test_a_rerun_with_fewer_points_clears_the_old_rows(book):
    # 11 points, then 5 on the same file: rows 6-11 of the first front must go (openpyxl ignores value=None in
    # ws.cell, which once left them, with a second row marked chosen, in the table and the chart)
    _set(book, sheet.SETTINGS, 2, 1, 11)
    first = run_file("pareto", book, quiet=True)
    assert len(first) == 11
    _set(book, sheet.SETTINGS, 2, 1, 5)
    second = run_file("pareto", book, quiet=True)
    assert len(second) == 5
    rows = _block(book, sheet.FRONT)
    assert all(v is None for r in rows[1 + len(second):] for v in r)
    data = rows[1:1 + len(second)]
    assert [r[3] for r in data].count(True) == 1
    assert sum(1 for r in rows[1:] if r[3] is True) == 1
    chosen = _block(book, sheet.CHOSEN)
    n_chosen = len([r for r in chosen if r[0] is not None])
    assert all(r == [None, None] for r in chosen[n_chosen:])
    # and the optimum block: a run with fewer reported outputs clears the surplus rows
    fb = FileBook(book, quiet=True)
    fb.write(sheet.OPTIMUM, [["stale", 1.0]] * sheet.OPTIMUM_ROWS)
    fb.save()
    run_file("optimize", book, quiet=True)
    opt = _block(book, sheet.OPTIMUM)
    assert not any(r[0] == "stale" for r in opt)


def test_the_xlwings_adapter_writes_full_blocks_so_blanks_clear(tmp_path):
    fake = _FakeXwBook(_small(tmp_path / "b.xlsx"))
    front = run_pareto(XlwingsBook(fake))
    writes = dict(fake.writes)
    assert all(r == [None] * sheet.FRONT_COLS for r in writes[sheet.FRONT][1 + len(front):])
    assert len(writes[sheet.CHOSEN]) == sheet.CHOSEN_ROWS and writes[sheet.CHOSEN][-1] == [None, None]


def test_the_fracture_ratio_uses_the_design_sheets_materials(book):
    s = read_settings(FileBook(book, quiet=True))
    assert s.context["calendering"] == {"pos_material": s.base_values["pos_material"],
                                        "neg_material": s.base_values["neg_material"]}


def test_the_inputs_hash_covers_the_model_context(book, tmp_path):
    # identical inputs, identical hash (a second copy of the same book)
    twin = _small(tmp_path / "twin.xlsx")
    h0 = read_settings(FileBook(book, quiet=True)).inputs_hash()
    assert read_settings(FileBook(twin, quiet=True)).inputs_hash() == h0
    seen = {h0}
    # each of these moves the front, so each must move the hash: (named range, row, column, new value)
    edits = [("tbl_factory", 1, 1, 5),  # plant_energy_GWh_yr 50 -> 5 (the audit's case)
             ("tbl_bom", "pos_am_usd_kg", 1, 13),  # 26 -> 13 (the row found by its key: the BOM's rows grow)
             ("tbl_sei_params", 0, 1, 5e-22),  # sei_diffusivity_m2_s
             ("tbl_materials", 1, 12, 0.9),  # LFP's cycled window: x_max 0.95038 -> 0.9 (its practical capacity)
             ("tbl_steps", 1, 19, 6000)]  # Positive mixing cycle_time_s
    for name, i, j, v in edits:
        copy = _small(tmp_path / f"{name}.xlsx")
        if isinstance(i, str):
            i = [str(r[0]) for r in _block(copy, name)].index(i)
        assert _block(copy, name)[i][j] != v
        _set(copy, name, i, j, v)
        h = read_settings(FileBook(copy, quiet=True)).inputs_hash()
        assert h not in seen, name
        seen.add(h)


def test_the_report_shows_one_cell_lcos_for_the_chosen_design(book, tmp_path):
    out = run_file("report", book, tmp_path / "r.xlsx", quiet=True)
    wb = load_workbook(out)
    header = [c.value for c in wb["Front"][4]]
    col = header.index("lcos_cell_usd_per_kWh")
    front = [r for r in wb["Front"].iter_rows(min_row=5, values_only=True) if isinstance(r[0], int)]
    chosen = next(r for r in front if r[header.index("chosen")] is True)
    lcos = {r[0]: r[1] for r in wb["LCOS"].iter_rows(min_row=12, max_row=20, values_only=True) if r[0]}
    label = next(k for k in lcos if k.startswith("Cell LCOS at the duty"))
    assert lcos[label] == pytest.approx(chosen[col], rel=1e-9)
    assert lcos["Round-trip efficiency at the duty"] < 1
    assert any(k.startswith("As in the front table") and "its duty" in k for k in lcos)


def _axis_titles(path):
    from workbooks.roundtrip import load

    chart = load(path)[sheet.TITLE]._charts[0]
    return tuple("".join(r.t for p in ax.title.tx.rich.p for r in (p.r or [])) for ax in (chart.x_axis, chart.y_axis))


def test_the_chart_axes_name_the_objectives_with_units(book):
    assert _axis_titles(TEMPLATE_PATH) == ("Cell cost per energy ($/kWh)", "Specific power (W/kg)")
    _set(book, sheet.OBJECTIVES, 2, 0, "specific_energy_Wh_kg")  # cost per kWh against specific energy
    _set(book, sheet.OBJECTIVES, 1, 0, "max_power_W")
    _set(book, sheet.OBJECTIVES, 1, 1, "max")
    front = run_file("pareto", book, quiet=True)
    assert front.objective_keys == ["max_power_W", "specific_energy_Wh_kg"]
    assert _axis_titles(book) == (sheet.axis_title("max_power_W"), sheet.axis_title("specific_energy_Wh_kg"))
    assert _axis_titles(book)[0].endswith("(W)")
    assert charts_of(book) == charts_of(TEMPLATE_PATH)


def test_a_front_wider_than_the_table_is_refused_with_a_message(book):
    from xlcell.registry import output_keys

    many = ", ".join(output_keys()[:sheet.FRONT_COLS])
    _set(book, sheet.SETTINGS, 6, 1, many)  # extra_outputs
    before = book.read_bytes()
    fb = FileBook(book, quiet=True)
    assert pareto_macro(fb) is None
    assert "front table" in fb.messages[0] and f"at most {sheet.FRONT_COLS}" in fb.messages[0]
    assert book.read_bytes() == before  # nothing saved
    assert fb.read(sheet.STATUS)[0][0].startswith("Failed: front table")
    assert all(v is None for r in fb.read(sheet.FRONT)[1:] for v in r)  # no truncated table


def test_the_optimise_macro_shows_progress_per_start(tmp_path):
    fake = _FakeXwBook(_small(tmp_path / "b.xlsx"))
    run_optimize(XlwingsBook(fake))
    shown = [s for s in fake.app.status if isinstance(s, str)]
    assert any("start 1/2" in s for s in shown) and any("start 2/2" in s for s in shown)
    assert any("starts done" in s for s in shown)


def test_from_a_ribbon_add_in_the_macro_works_on_the_active_book(tmp_path, monkeypatch):
    import xlwings as xw

    user = _FakeXwBook(_small(tmp_path / "b.xlsx"))
    user.name = "b.xlsx"

    class _Books:
        active = user

    class _AddinApp:
        books = _Books()

    class _Addin:  # what xw.Book.caller() returns when RunPython runs from xlcell_pareto.xlam
        name = "xlcell_pareto.xlam"
        app = _AddinApp()

    monkeypatch.setattr(xw.Book, "caller", staticmethod(lambda: _Addin()))
    assert XlwingsBook().book is user
    monkeypatch.setattr(xw.Book, "caller", staticmethod(lambda: user))
    assert XlwingsBook().book is user  # a macro run from the workbook itself (e.g. a button on a sheet)


def test_a_workbook_with_the_old_block_names_is_still_read(tmp_path):
    # before issue 10 the blocks were named xlcell_design, xlcell_factory, ...; Excel binds =XLCELL_FACTORY(...) to such
    # a name, so they are tbl_* now, but the macros and `--from-workbook` still read a book written with the old names
    from app.cli import design_from_workbook

    wb = load_workbook(TEMPLATE_PATH)
    for name in [n for n in wb.defined_names if n.startswith("tbl_")]:
        dn = wb.defined_names.pop(name)
        dn.name = "xlcell_" + name[len("tbl_"):]
        wb.defined_names[dn.name] = dn
    old = tmp_path / "old.xlsx"
    wb.save(old)
    assert "tbl_factory" not in load_workbook(old).defined_names
    assert _block(old, "tbl_factory") == _block(TEMPLATE_PATH, "tbl_factory")
    assert design_from_workbook(old) == design_from_workbook(TEMPLATE_PATH)


def test_design_report_macro_writes_beside_the_book_and_leaves_it_alone(tmp_path):
    """The ribbon's Report button: the Design sheet's cell reported next to the workbook, the workbook unchanged."""
    import shutil

    from openpyxl import load_workbook

    from app.book import FileBook
    from app.macros import run_design_report
    from workbooks import TEMPLATE_PATH

    book = tmp_path / "plant.xlsx"
    shutil.copy(TEMPLATE_PATH, book)
    before = book.read_bytes()
    fb = FileBook(book, quiet=True)
    path = run_design_report(fb)
    assert path == tmp_path / "plant_report.xlsx" and book.read_bytes() == before
    assert fb.messages == [f"Report written to {path}"]
    assert load_workbook(path, read_only=True).sheetnames[:3] == ["Summary", "Inputs", "Metrics"]


def test_new_workbook_macro_never_overwrites_and_opens_the_copy(tmp_path):
    from app.macros import documents_folder, run_new_workbook

    opened = []

    class Book:  # what the macro asks of Excel: open the new file
        def open_book(self, path):
            opened.append(path)

    a = run_new_workbook(Book(), tmp_path / "new")
    b = run_new_workbook(Book(), tmp_path / "new")
    assert a != b and a.exists() and b.exists() and opened == [a, b]
    assert a.name.startswith("xlcell_") and a.suffix == ".xlsx"
    assert documents_folder(tmp_path) == tmp_path / "xlcell"
    (tmp_path / "Documents").mkdir()
    assert documents_folder(tmp_path) == tmp_path / "Documents" / "xlcell"


def test_report_settings_give_the_unit_of_every_design_input(book, tmp_path):
    # the Settings sheet's "Design input given" block listed 42 values (120, 0.25, 8449.3127, 3e-10 ...) with no unit,
    # where the variables, objectives and constraints above each had one
    out = run_file("report", book, tmp_path / "rep.xlsx", quiet=True)
    rows = [r for r in load_workbook(out, read_only=True)["Settings"].iter_rows(values_only=True)]
    head = next(i for i, r in enumerate(rows) if r[0] == "Design input given")
    assert rows[head][3] == "Unit"
    units = {r[0]: r[3] for r in rows[head + 1:] if r[0]}
    assert units["pos_thickness_um"] == "µm" and units["electrode_area_cm2"] == "cm²" and units["pos_porosity"] == "-"
    assert units["pos_material"] == "text" and all(units.values())
