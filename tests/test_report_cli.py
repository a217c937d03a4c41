"""Report workbook and the xlcell command line."""
import datetime as dt

import pytest
from openpyxl import load_workbook

import xlcell
from app.cli import main
from app.report import write_report

pytestmark = pytest.mark.slow  # runs the xlcell command end to end (template, reports)


def test_report_has_inputs_metrics_and_native_charts(tmp_path):
    when = dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.timezone.utc)
    p = write_report(tmp_path / "r.xlsx", {"pos_thickness_um": 100.0}, when=when)
    wb = load_workbook(p)
    assert wb.sheetnames[:5] == ["Summary", "Inputs", "Metrics", "Mass", "Rate capability"]
    s = wb["Summary"]
    assert xlcell.__version__ in s["A2"].value and "2026-11-21 12:00:00 UTC" in s["A2"].value
    inputs = {r[1]: (r[2], r[4]) for r in wb["Inputs"].iter_rows(min_row=5, values_only=True)}
    assert inputs["pos_thickness_um"] == (100.0, "input")
    assert inputs["pos_specific_capacity_mAh_g"] == (pytest.approx(213.6), "library")
    assert inputs["neg_thickness_um"][1] == "derived" and inputs["neg_thickness_um"][0] == pytest.approx(127.242, rel=1e-4)
    metrics = {r[1]: r[2] for r in wb["Metrics"].iter_rows(min_row=5, values_only=True)}
    assert metrics["pos_areal_capacity_mAh_cm2"] == pytest.approx(8.0691897 * 100 / 120, rel=1e-7)
    assert len(wb["Mass"]._charts) == 1 and len(wb["Rate capability"]._charts) == 1
    mass = [r for r in wb["Mass"].iter_rows(min_row=5, values_only=True) if r[0]]
    parts = [r[1] for r in mass if r[0] != "Total"]
    total = [r[1] for r in mass if r[0] == "Total"][0]
    assert sum(parts) == pytest.approx(total, rel=1e-12)


def test_report_rejects_bad_input(tmp_path):
    from xlcell.errors import InputError

    with pytest.raises(InputError):
        write_report(tmp_path / "r.xlsx", {"pos_porosity": 1.5})


def test_cli_demo_writes_template_and_report(tmp_path, capsys, monkeypatch):
    import app.macros as macros

    traced = []
    real = macros.pareto_front
    monkeypatch.setattr(macros, "pareto_front", lambda *a, **k: traced.append(1) or real(*a, **k))
    assert main(["demo", "--out", str(tmp_path)]) == 0
    assert len(traced) == 1  # issue 15: the Pareto sheet and the optimisation report share one traced front
    out = capsys.readouterr().out
    assert "template:" in out and "report:" in out and "pareto:" in out and "optimisation report:" in out
    assert (tmp_path / "xlcell_template.xlsx").exists() and (tmp_path / "xlcell_report.xlsx").exists()
    # the template stays pristine (equal to the shipped one); the demo's front is in its own copy, with a report
    from workbooks import TEMPLATE_PATH

    assert (tmp_path / "xlcell_template.xlsx").read_bytes() == TEMPLATE_PATH.read_bytes()
    from app.book import FileBook
    from workbooks.sheets.pareto import FRONT, STATUS

    book = FileBook(tmp_path / "xlcell_pareto_demo.xlsx", None, quiet=True)
    points = [r for r in book.read(FRONT)[1:] if r and r[0] is not None]
    assert len(points) >= 2  # the default problem (cost per kWh vs specific power) has a real trade-off
    assert sum(1 for r in points if r[3] is True) == 1  # exactly one chosen point
    assert any("points" in str(v) for row in book.read(STATUS) for v in row if v is not None)
    rep = load_workbook(tmp_path / "xlcell_pareto_report.xlsx")
    assert "Front" in rep.sheetnames


def test_cli_report_from_workbook_and_sets(tmp_path, capsys):
    from openpyxl import load_workbook as lw

    from workbooks import TEMPLATE_PATH

    wb = lw(TEMPLATE_PATH)
    ws = wb["Design"]
    row = next(r for r in range(5, 90) if ws.cell(r, 2).value == "pos_thickness_um")
    ws.cell(row, 3).value = 90.0
    book = tmp_path / "book.xlsx"
    wb.save(book)
    out = tmp_path / "rep.xlsx"
    assert main(["report", "--from-workbook", str(book), "--set", "pos_porosity=0.3", "--out", str(out)]) == 0
    inputs = {r[1]: r[2] for r in load_workbook(out)["Inputs"].iter_rows(min_row=5, values_only=True)}
    assert inputs["pos_thickness_um"] == 90.0 and inputs["pos_porosity"] == 0.3


def test_cli_bad_input_is_a_short_message(tmp_path, capsys):
    assert main(["report", "--set", "pos_porosity=2", "--out", str(tmp_path / "x.xlsx")]) == 2
    assert "pos_porosity = 2: must be a number between 0 and 1" in capsys.readouterr().err


def test_report_help_says_which_report_a_book_gives(capsys):
    with pytest.raises(SystemExit):
        main(["report", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--pareto BOOK: the optimisation report" in text and "--from-workbook BOOK" in text
    assert "A bare `xlcell report BOOK` is refused" in text
    with pytest.raises(SystemExit) as exc:  # and it is: argparse names the stray argument
        main(["report", "book.xlsx"])
    assert exc.value.code == 2 and "unrecognized arguments: book.xlsx" in capsys.readouterr().err


def test_report_of_a_design_above_the_empirical_models_range(tmp_path):
    # Wang et al. 2011 publish B only up to 10C: a 20C design still gets its report, with the empirical
    # column left blank and the cycle life marked n/a, while the life model (which sees the design) is there: 192
    # cycles at 20C, its state of health held at 0 once the cell has nothing left
    wb = load_workbook(write_report(tmp_path / "r.xlsx", {"c_rate": 20.0}))
    ws = wb["Lifetime"]
    rows = {r[0]: r[1] for r in ws.iter_rows(values_only=True) if r[0]}
    assert str(rows["Cycle life to 80 % SOH, Wang et al. 2011"]).startswith("n/a")
    assert rows["Cycle life to 80 % SOH, life model"] > 0
    fade = [r for r in ws.iter_rows(min_row=5, max_row=14, values_only=True)]
    assert all(r[2] is None for r in fade) and all(0 <= r[1] <= 1 for r in fade) and fade[1][1] < 1


@pytest.mark.parametrize("argv", [["template", "--out", "{tmp}/t.csv"], ["report", "--out", "{tmp}/r.txt"],
                                  ["report", "--pareto", "{book}", "--out", "{tmp}/r.xls"],
                                  ["run", "pareto", "{book}", "--out", "{tmp}/front.ods", "--quiet"]])
def test_a_workbook_output_that_is_not_xlsx_is_refused(argv, tmp_path, capsys):
    # `xlcell template --out t.csv` was an internal error (openpyxl's InvalidFileException) and `xlcell report --out
    # r.txt` wrote an .xlsx under that name; each is now one sentence and exit code 2, before anything is computed
    from workbooks import TEMPLATE_PATH

    args = [a.format(tmp=tmp_path, book=TEMPLATE_PATH) for a in argv]
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("xlcell: --out = '") and err.endswith("': must be a workbook path ending in .xlsx"), err
    assert len(err.splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_report_tornado_names_the_unit_of_each_base_value(tmp_path):
    # the Cost sheet's tornado listed base values of different units (213.6 mAh/g, 26 $/kg, 120 µm) under one
    # "Base" header with no unit anywhere
    wb = load_workbook(write_report(tmp_path / "r.xlsx"), read_only=True)
    rows = [r for r in wb["Cost"].iter_rows(values_only=True) if r[0]]
    head = next(i for i, r in enumerate(rows) if r[0] == "Input (unit of its base)")
    assert rows[head][4:6] == ("change at -10 % ($/kWh)", "change at +10 % ($/kWh)")
    labels = {r[0]: r[1] for r in rows[head + 1:]}
    assert labels["Positive: Specific capacity, practical (cycled) (mAh/g)"] == pytest.approx(213.6)
    assert labels["Positive: Coating thickness (one side) (µm)"] == pytest.approx(120.0)
    assert "N/P capacity ratio (-)" in labels  # dimensionless: "-", as in every Unit column (xlcell.units.unit_mark)


def test_rate_chart_draws_straight_segments_and_leaves_its_note_readable(tmp_path):
    # LibreOffice drew the rate curve smoothed (no scatterStyle, no smooth element), with a bump between 0.75C and 1C
    # that the model does not have, and the note of the limits at the design C-rate ran under the chart
    import re
    import zipfile

    p = write_report(tmp_path / "r.xlsx")
    with zipfile.ZipFile(p) as z:
        xml = next(x for x in (z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart"))
                   if "Usable capacity vs C-rate" in x)
    assert re.findall(r'scatterStyle val="(\w+)"', xml) == ["lineMarker"]
    assert re.findall(r'smooth val="(\w+)"', xml) == ["0"]
    ws = load_workbook(p)["Rate capability"]
    chart_bottom = ws._charts[0].anchor._from.row + 1 + ws._charts[0].height / 0.529  # (1-based rows of 15 pt)
    note = [c.row for c in ws["A"] if isinstance(c.value, str) and c.value.startswith("Limits at the design C-rate")]
    assert len(note) == 1 and note[0] > chart_bottom
