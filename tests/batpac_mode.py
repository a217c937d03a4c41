"""The default cell's cost, checked against BatPaC 5.0 in BatPaC mode: one helper for the template tests."""
import pytest

from xlcell.cell import default_design
from xlcell.cost import Factory, evaluate_cost
from xlcell.pouch import batpac_format


def default_cost() -> tuple[float, float]:
    """xlcell's default cell cost ($ per cell, $/kWh): BatPaC 5.0's cell rated with the cell model's ASI and charged
    the electricity BatPaC does not charge (8.06 ¢/kWh, EIA 2023), issue 17. BatPaC mode (``Factory.batpac5()``,
    ``batpac_format()``) is checked against the digest on the way: $19.754802 per cell, $79.0192/kWh
    (shared/reference/batpac5.md §6.3)."""
    m = evaluate_cost(default_design())  # the default chain: rated with the cell model's ASI, electricity charged
    b = evaluate_cost(default_design(), Factory.batpac5(), fmt=batpac_format())  # BatPaC mode
    assert float(b.cell_cost_usd) == pytest.approx(19.754802, abs=1e-6)
    assert float(b.cost_per_energy_usd_J) * 3.6e6 == pytest.approx(79.019206, rel=1e-7)
    cell, util, kwh = float(m.cell_cost_usd), float(m.utilities_usd), float(m.cell_energy_J) / 3.6e6
    assert util > 0 and cell - util == pytest.approx(19.754802, rel=1e-3)
    return cell, cell / kwh
