"""Pareto UDFs, called with exactly what Excel hands over (lists of lists of floats and text)."""
import pytest

from udfs.pareto import XLCELL_HYPERVOLUME, XLCELL_PARETO_FILTER


def test_pareto_filter_with_senses():
    # maximise energy, minimise cost: (300, 80) dominates (290, 85); (310, 95) is a trade-off
    pts = [[300.0, 80.0], [290.0, 85.0], [310.0, 95.0], [300.0, 80.0]]
    assert XLCELL_PARETO_FILTER(pts, [["max", "min"]]) == [[True], [False], [True], [False]]  # a duplicate once


def test_hypervolume_in_natural_units():
    # max energy, min cost, reference (250 Wh/kg, 120 $/kWh): boxes 50x40 and 60x25 overlapping in 50x25
    assert XLCELL_HYPERVOLUME([[300.0, 80.0], [310.0, 95.0]], [["max", "min"]], [[250.0, 120.0]]) == pytest.approx(
        50 * 40 + 60 * 25 - 50 * 25)


def test_bad_shapes_are_cell_texts():
    assert XLCELL_PARETO_FILTER([[1.0, 2.0]], [["min"]])[0][0].startswith("#XLCELL! senses is 1 value(s)")
    assert XLCELL_HYPERVOLUME([[1.0, 2.0]], [["min", "best"]], [[3.0, 3.0]]).startswith("#XLCELL! senses")
