"""Units table and parameter metadata: one source of names, units and allowed ranges."""
import numpy as np
import pytest

from xlcell import units
from xlcell.cell import CellDesign, CellMetrics, ElectrodeDesign, SeparatorDesign
from xlcell.errors import InputError
from xlcell.materials import LIBRARY, Material
from xlcell.params import specs, whole_number
from xlcell.units import UNITS
from hypothesis import given, settings
from hypothesis import strategies as st


@pytest.mark.parametrize("unit,display,si", [("µm", 120.0, 120e-6), ("mAh/g", 1.0, 3600.0), ("mAh/cm²", 1.0, 36000.0),
                                              ("g/cm³", 1.0, 1000.0), ("°C", 25.0, 298.15), ("Ω·cm²", 1.0, 1e-4),
                                              ("Wh/kg", 1.0, 3600.0), ("Wh/L", 1.0, 3.6e6), ("mA/cm²", 1.0, 10.0)])
def test_unit_round_trip(unit, display, si):
    assert units.to_si(display, unit) == pytest.approx(si)
    assert units.from_si(units.to_si(display, unit), unit) == pytest.approx(display)


@pytest.mark.parametrize("cls", [ElectrodeDesign, SeparatorDesign, CellDesign, CellMetrics, Material])
def test_metadata_is_complete_and_units_known(cls):
    for s in specs(cls):
        assert s.unit in units.UNITS, s
        assert s.label and s.key
        # the SI field name and the display key agree on what is measured
        if s.unit == "µm":
            assert s.name.endswith("_m") and s.key.endswith(("_um", "foil_um"))


def test_allowed_text_and_check():
    s = {x.key: x for x in specs(ElectrodeDesign)}["porosity"]
    assert s.allowed() == "a number between 0 and 1 (exclusive)"
    s.check(np.array([0.1, 0.5]))
    with pytest.raises(InputError, match=r"porosity = 1 \(design 2\): must be a number between 0 and 1"):
        s.check(np.array([0.1, 1.0]))


def test_library_has_the_required_materials():
    for name in ["NMC333", "NMC532", "NMC622", "NMC811", "NCA", "LFP", "LMO", "GRAPHITE", "LTO"]:
        assert name in LIBRARY
    # BatPaC 5.0 defaults (shared/reference/batpac5.md §2.1)
    assert LIBRARY["NMC811"].specific_capacity_C_kg == pytest.approx(213.6 * 3.6e3)
    assert LIBRARY["GRAPHITE"].am_density_kg_m3 == pytest.approx(2240.0)
    # NMC811 - graphite = BatPaC's OCV at 50 % SOC (§2.1)
    assert LIBRARY["NMC811"].potential_V - LIBRARY["GRAPHITE"].potential_V == pytest.approx(3.71320488, rel=1e-7)


def test_whole_number_accepts_whole_values_in_range_and_names_the_range_otherwise():
    assert whole_number(3.0, "n", 1) == 3
    assert whole_number(np.float64(100.0), "years", 1, 100) == 100
    for bad, text in ((0.0, "n = 0: must be a whole number >= 1$"), (2.5, "n = 2.5: must be a whole number >= 1$"),
                      (float("inf"), "n = inf: must be a whole number >= 1$"), ("x", "n = 'x': must be a whole number >= 1$")):
        with pytest.raises(InputError, match=text):
            whole_number(bad, "n", 1)
    with pytest.raises(InputError, match=r"bins = 1001: must be a whole number between 1 and 1000 \(note\)$"):
        whole_number(1001, "bins", 1, 1000, " (note)")


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(sorted(UNITS)), st.floats(allow_nan=True, allow_infinity=True))
def test_float_to_display_is_to_display_bit_for_bit(unit, x):
    # one design's result shown in a cell (udfs.cell.shown_value): plain float arithmetic, numpy's bits
    import struct

    from xlcell.units import float_to_display, to_display

    fast, ref = float_to_display(x, unit), to_display(np.asarray(x), unit)
    assert type(fast) is float
    assert struct.pack("<d", fast) == struct.pack("<d", float(ref)) or (fast != fast and ref != ref)
