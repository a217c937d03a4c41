"""``xlcell cost``: the cost of a design from the command line, with a workbook's Factory/BOM inputs."""
import pytest
from openpyxl import load_workbook

from workbooks import TEMPLATE_PATH
from app.cli import main

pytestmark = pytest.mark.slow  # runs the xlcell cost command end to end, with workbooks


def _table(out: str) -> dict[str, str]:
    return {line.split()[0]: line.split(None, 1)[1] for line in out.splitlines() if line.strip() and not line.startswith("±")}


def test_cost_command_default_is_batpac(capsys):
    # BatPaC 5.0 §6.3: $19.754802 per cell in BatPaC mode: its rating convention (its couple ASI 15.532091 Ω·cm²,
    # §2.3) and no utility line (electricity 0); the default adds the electricity at 8.06 ¢/kWh (EIA 2023)
    assert main(["cost", "--factory", "electricity_usd_kWh=0", "--bom", "asi_electrochemical_ohm_cm2=15.532091"]) == 0
    got = _table(capsys.readouterr().out)
    assert float(got["cell_cost_usd"]) == pytest.approx(19.754802, abs=1e-6)  # BatPaC 5.0 §6.3
    assert got["bottleneck_step"] == "Formation, aging & testing"
    # by default the energy is rated with the cell model's ASI of the design (issue 17): the same chain as XLCELL_COST
    from xlcell.cost import evaluate_cost
    from xlcell.design import design_from_mapping

    assert main(["cost"]) == 0
    got = _table(capsys.readouterr().out)
    assert float(got["cell_cost_usd"]) == pytest.approx(float(evaluate_cost(design_from_mapping({})).cell_cost_usd),
                                                        rel=1e-7)
    assert float(got["utilities_usd"]) > 0.5


def test_cost_command_sets_and_tornado(capsys):
    assert main(["cost", "--set", "pos_thickness_um=100", "--factory", "plant_energy_GWh_yr=100", "--tornado", "3"]) == 0
    out = capsys.readouterr().out
    assert "±10 % sensitivity" in out and len(out.split("±10 %", 1)[1].strip().splitlines()) == 4
    from xlcell.cost import Factory, evaluate_cost
    from xlcell.design import design_from_mapping
    from xlcell.factory import Plant

    want = evaluate_cost(design_from_mapping({"pos_thickness_um": 100.0}), Factory(plant=Plant(plant_energy_J_yr=3.6e14)))
    assert float(_table(out.split("±10 %")[0])["cell_cost_usd"]) == pytest.approx(float(want.cell_cost_usd), rel=1e-7)


def test_cost_command_reads_the_workbook_factory_and_bom(tmp_path, capsys):
    assert main(["cost", "--from-workbook", str(TEMPLATE_PATH)]) == 0
    base = float(_table(capsys.readouterr().out)["cell_cost_usd"])
    wb = load_workbook(TEMPLATE_PATH)
    ws = wb["BOM"]
    row = next(r for r in range(5, 200) if ws.cell(r, 2).value == "pos_am_usd_kg")
    ws.cell(row, 3).value = 20.0
    book = tmp_path / "book.xlsx"
    wb.save(book)
    assert main(["cost", "--from-workbook", str(book)]) == 0
    got = _table(capsys.readouterr().out)
    # BatPaC 5.0 §3.3: 364.41441 g of cathode per accepted cell; $6/kg less than NMC811's $26 saves 2.1864865 $/cell
    assert float(got["cell_cost_usd"]) == pytest.approx(base - 6 * 0.36441441, abs=2e-6)


def test_cost_command_bad_key_is_a_short_message(capsys):
    assert main(["cost", "--factory", "bad=1"]) == 2
    assert "unknown factory key 'bad'" in capsys.readouterr().err


def test_cost_command_text_for_a_number_is_a_short_message(capsys):
    # was exit code 1, "internal error (ValueError: could not convert string to float: 'abc')"
    assert main(["cost", "--set", "pos_thickness_um=abc"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == "xlcell: pos_thickness_um = 'abc': must be a number"


@pytest.mark.parametrize("flag", ["--set", "--factory", "--bom"])
def test_cost_command_item_without_equals_is_a_bad_input(flag, capsys):
    # was SystemExit: exit code 1 (an internal error's) and always "--set", whichever option it came with
    assert main(["cost", flag, "pos_thickness_um"]) == 2
    assert capsys.readouterr().err.strip() == f"xlcell: {flag} takes key=value, not 'pos_thickness_um'"


def test_cost_command_negative_tornado_is_refused(capsys):
    # `xlcell cost --tornado -1` printed the cost without a tornado, and no word why, exit code 0
    assert main(["cost", "--tornado", "-1"]) == 2
    assert capsys.readouterr().err.strip() == "xlcell: --tornado = -1: must be a whole number >= 0"


def test_cost_page_quotes_both_ratings(capsys):
    # docs/models/cost.md quoted "the default cell then costs $20.3473 ($81.389/kWh)": the cost at BatPaC's rating ASI,
    # while `xlcell cost` (the cell model's rating, issue 17) prints $20.3534 ($81.123/kWh)
    import re
    from pathlib import Path

    text = " ".join((Path(__file__).resolve().parents[1] / "docs" / "models" / "cost.md").read_text(encoding="utf-8").split())
    batpac = re.search(r"--bom asi_electrochemical_ohm_cm2=15.532091`\) then costs \$([0-9.]+) \(\$([0-9.]+)/kWh\)", text)
    model = re.search(r"`xlcell cost`\) it costs \$([0-9.]+) \(\$([0-9.]+)/kWh", text)
    assert batpac and model
    for argv, quoted in ((["cost", "--bom", "asi_electrochemical_ohm_cm2=15.532091"], batpac), (["cost"], model)):
        assert main(argv) == 0
        got = _table(capsys.readouterr().out)
        assert float(quoted.group(1)) == pytest.approx(float(got["cell_cost_usd"]), abs=6e-5)
        assert float(quoted.group(2)) == pytest.approx(float(got["cell_cost_usd_per_kWh"]), abs=6e-4)


def test_a_reader_that_leaves_early_is_no_failure(tmp_path):
    # `xlcell cost | head -2` printed "xlcell: broken pipe (a file xlcell writes): check the disk (free space, ...)"
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    p = subprocess.Popen([sys.executable, "-m", "app.cli", "cost"], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    p.stdout.close()  # the reader is gone before the command prints (it takes ~1 s to import and compute)
    err = p.stderr.read().decode()
    assert p.wait(timeout=120) == 141 and err == "", err


@pytest.mark.parametrize("flag, item", [("--set", "pos_thickness_um=nan"), ("--factory", "operating_days=NaN")])
def test_cost_command_nan_is_refused_not_taken_for_the_default(flag, item, capsys):
    # `xlcell cost --set pos_thickness_um=nan` costed the default 120 µm cell, exit code 0: NaN is the models' blank
    assert main(["cost", flag, item]) == 2
    key, value = item.split("=")
    assert capsys.readouterr().err.strip() == (f"xlcell: {key} = '{value}': must be a number (leave the key out for its "
                                               "default)")
