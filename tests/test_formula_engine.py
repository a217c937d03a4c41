"""The formula engine (app.formula_engine): quiet on the terminal."""
import pytest
from openpyxl import Workbook

pytest.importorskip("formulas")

from app.formula_engine import evaluate  # noqa: E402


def test_evaluate_draws_no_progress_bar(tmp_path, capfd):
    # `xlcell demo` and `xlcell template` printed the formulas package's bare tqdm bar ("162/162 [00:00,
    # 1234.68it/s]", no label) while the template's values were cached; xlcell's own bars (batch runs) stay
    import formulas.excel as fx
    import tqdm

    wb = Workbook()
    wb.active["A1"] = 2
    wb.active["A2"] = "=A1*3"
    wb.save(tmp_path / "b.xlsx")
    assert evaluate(tmp_path / "b.xlsx")["SHEET!A2"] == pytest.approx(6.0)
    err = capfd.readouterr().err
    assert "it/s" not in err and "%|" not in err, err
    assert fx.tqdm is tqdm  # the engine's module is left as it was
