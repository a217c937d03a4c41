"""The pack UDFs (udfs/pack.py): XLCELL_PACK, XLCELL_PACK_VALUE, XLCELL_PACK_TABLE, as Excel hands the ranges over."""
import pytest

from udfs.pack import XLCELL_PACK, XLCELL_PACK_TABLE, XLCELL_PACK_VALUE
from xlcell.cell import default_design
from xlcell.pack import PackDesign, comparison_cases, evaluate_pack
from xlcell.params import specs

DESIGN = [["pos_thickness_um", 120.0], ["pos_porosity", 0.25]]
# BatPaC mode through the ranges: its rating ASI (bom) and no utility line (factory)
BATPAC_BOM = [["asi_electrochemical_ohm_cm2", 15.532091]]
BATPAC_FACTORY = [["electricity_usd_kWh", 0.0]]


def _kv(rows):
    return {k: v for k, v in rows}


def test_pack_in_batpac_mode_gives_batpacs_pack():
    # BatPaC 5.0 digest §6.5: $11,009.0575 per pack, $110.09/kWh, $129.52/kWh usable, battery system $11,169.06
    out = _kv(XLCELL_PACK(DESIGN, None, BATPAC_FACTORY, BATPAC_BOM))
    assert out["pack_cost_usd"] == pytest.approx(11009.0575, abs=6e-4)
    assert out["pack_cost_usd_per_kWh_usable"] == pytest.approx(129.52, abs=5e-3)
    assert out["battery_system_cost_usd"] == pytest.approx(11169.06, abs=5e-3)
    assert out["module_cost_usd"] == pytest.approx(440.1908, abs=6e-5)
    assert out["active_limit"] == "design" and out["power_met"] is True


def test_every_key_is_a_row_in_display_units():
    out = XLCELL_PACK(DESIGN)
    assert [r[0] for r in out] == [s.key for s in specs(evaluate_pack(default_design()))]
    got = _kv(out)
    assert got["pos_thickness_um"] == pytest.approx(120.0)
    assert got["pack_energy_kWh"] == pytest.approx(100.0)


def test_solve_thickness_true_and_the_active_limit():
    out = _kv(XLCELL_PACK(DESIGN, [["solve_thickness", True], ["pack_power_kW", 1000.0]]))
    assert out["active_limit"] == "power" and out["pack_power_kW"] == pytest.approx(1000.0, rel=1e-9)
    assert out["pos_thickness_um"] < 120.0
    assert _kv(XLCELL_PACK(DESIGN, [["solve_thickness", True]]))["active_limit"] == "max thickness"
    assert XLCELL_PACK_VALUE(DESIGN, "active_limit", [["solve_thickness", 1.0], ["pack_power_kW", 1000.0]]) == "power"


@pytest.mark.parametrize("pack,needle", [
    ([["cells_per_module", 0.0]], "cells_per_module = 0"),
    ([["solve_thickness", True], ["pack_power_kW", 1e5]], "pack_power_kW = 100000"),
    ([["bogus_key", 1.0]], "bogus_key"),
    ([["cells_in_parallel", 3.0]], "cells_in_parallel = 3"),
])
def test_bad_input_is_a_cell_text_naming_the_input(pack, needle):
    out = XLCELL_PACK(DESIGN, pack)
    assert len(out) == 1 and out[0][0].startswith("#XLCELL!") and needle in out[0][0]


def test_value_of_an_unknown_item_names_it():
    assert "pack_cost_usd_per_MWh" in XLCELL_PACK_VALUE(DESIGN, "pack_cost_usd_per_MWh")


def test_table_one_row_per_case_equals_one_pack_each():
    cases = [["pos_material", "neg_material", "pack_power_kW", "solve_thickness"],
             ["NMC811", "Graphite", 300.0, True], ["LFP", "Graphite", 800.0, True], [None, None, None, None],
             ["NMC622", None, 1200.0, 1.0]]
    items = [["pack_cost_usd_per_kWh", "pos_thickness_um", "active_limit"]]
    out = XLCELL_PACK_TABLE(cases, items)
    assert out[0] == items[0] and len(out) == 5 and out[3] == ["", "", ""]
    for row, (mat, p) in zip((out[1], out[2], out[4]), (("NMC811", 300.0), ("LFP", 800.0), ("NMC622", 1200.0))):
        one = _kv(XLCELL_PACK([["pos_material", mat]], [["pack_power_kW", p], ["solve_thickness", True]]))
        assert row[0] == pytest.approx(one["pack_cost_usd_per_kWh"], rel=1e-9)
        assert row[1] == pytest.approx(one["pos_thickness_um"], rel=1e-9)
        assert row[2] == one["active_limit"]


def test_table_shows_a_refused_case_in_its_own_row():
    cases = [["pack_power_kW", "solve_thickness"], [300.0, 1.0], [1e5, 1.0]]
    out = XLCELL_PACK_TABLE(cases, [["pack_cost_usd"]])
    assert isinstance(out[1][0], float) and out[2][0].startswith("refused: pack_power_kW = 100000")
    # a bad argument of the formula itself is one #XLCELL! text naming it
    bad = XLCELL_PACK_TABLE([["bogus_key"], [1.0]], [["pack_cost_usd"]])
    assert len(bad) == 1 and bad[0][0].startswith("#XLCELL!") and "bogus_key" in bad[0][0]


def test_comparison_cases_cover_every_library_chemistry():
    from xlcell.materials import names

    cases = comparison_cases()
    assert len(cases) == len(names("positive")) * len(names("negative"))
    assert {c["pos_material"] for c in cases} == set(names("positive"))


def test_pack_range_defaults_are_batpacs():
    assert _kv(XLCELL_PACK(DESIGN, [["pack_energy_kWh", None]]))["pack_cost_usd"] == \
        pytest.approx(_kv(XLCELL_PACK(DESIGN))["pack_cost_usd"], rel=1e-12)
    assert PackDesign().energy_J == pytest.approx(100 * 3.6e6)


def test_table_refuses_an_unknown_key_of_the_base_pack():
    out = XLCELL_PACK_TABLE([["pack_power_kW"], [300.0]], [["pack_cost_usd"]], None, [["pack_pwr_kW", 1.0]])
    assert len(out) == 1 and out[0][0].startswith("#XLCELL! unknown pack key") and "pack_pwr_kw" in out[0][0]
