"""Every documented design key works as a column of XLCELL_CELL_TABLE and XLCELL_COST_TABLE (issue 12, item 8):
one row per design and no error, including keys that move only mass and volume (foils, densities), which once
broke the broadcasting of the cell model's outputs."""
import numpy as np
import pytest

import udfs
from xlcell.cell import default_design
from xlcell.design import design_keys
from xlcell.params import to_display

FUNCS = udfs.udf_functions()
BASE = default_design()
SHOWN = {"pos": to_display(BASE.pos), "neg": to_display(BASE.neg), "sep": to_display(BASE.sep), "cell": to_display(BASE)}
NUMERIC = [k for k in design_keys() if k.spec is not None]
#: keys whose default is derived (blank = from the N/P ratio or the materials' potentials): a value a user would type
TYPED = {"neg_thickness_um": 100.0, "avg_voltage_V": 3.7, "cutoff_voltage_V": 2.6, "pos_surface_headroom": 0.1,
         "neg_surface_headroom": 0.05, "sep_bruggeman_exponent": 1.98}


def _value(k) -> float:
    if k.key in TYPED:
        return TYPED[k.key]
    if k.default is not None:
        return float(k.default)
    name = k.key.split("_", 1)[1] if k.part in ("pos", "neg", "sep") else k.key
    return float(np.asarray(SHOWN[k.part][name]).ravel()[0])


def _second(k, v: float) -> float:
    """Another allowed value: 2 % up or down (whichever the key's range admits), a whole number stays whole; a
    mass fraction keeps its value (the fractions of an electrode must still add up to 1)."""
    if k.key.endswith("_frac"):
        return v
    for cand in (v * 1.02, v * 0.98, v + 1, v - 1):
        if float(v).is_integer() and not float(cand).is_integer():
            continue
        try:
            k.spec.check(k.spec.to_si(cand))
        except Exception:  # noqa: BLE001 - try the next candidate
            continue
        return cand
    return v


def test_every_numeric_design_key_is_listed():
    assert len(NUMERIC) >= 50
    assert {"pos_foil_um", "sep_density_g_cm3"} <= {k.key for k in NUMERIC}


@pytest.mark.parametrize("key", NUMERIC, ids=lambda k: k.key)
def test_key_as_a_table_column(key):
    v = _value(key)
    table = [[key.key], [v], [_second(key, v)]]
    cells = FUNCS["XLCELL_CELL_TABLE"](table, [["capacity_Ah", "mass_g", "energy_Wh"]])
    cost = FUNCS["XLCELL_COST_TABLE"](table, [["cell_cost_usd", "cell_cost_usd_per_kWh"]])
    for out in (cells, cost):
        assert len(out) == 3, out
        flat = [c for row in out for c in row]
        assert not any(isinstance(c, str) and c.startswith("#XLCELL!") for c in flat), (key.key, out)
        assert all(np.isfinite(c) for row in out[1:] for c in row), (key.key, out)
    assert cells[1] == FUNCS["XLCELL_CELL_TABLE"]([[key.key], [v]], [["capacity_Ah", "mass_g", "energy_Wh"]])[1]


def test_mass_only_keys_move_mass_not_capacity():
    table = [["pos_foil_density_g_cm3", "sep_density_g_cm3"], [2.7, 0.4], [2.8, 0.5]]
    out = FUNCS["XLCELL_CELL_TABLE"](table, [["capacity_Ah", "mass_g"]])
    assert out[1][0] == out[2][0] and out[2][1] > out[1][1]
