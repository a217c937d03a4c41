"""Cell formats beside BatPaC's pouch (issue 14, item 3): cylindrical 21700 and 4680, prismatic VDA PHEV2 and BEV2.

Published numbers: the LG M50 21700 teardown of Chen et al. (2020), J. Electrochem. Soc. 167, 080534 (positive area
0.1027 m², negative 0.10465 m² for 75.6 / 85.2 µm coatings per side, 16 / 12 µm foils, 12 µm separator); the 21700
designation (21 mm × 70 mm) and the 21700 EV cell of the issue (Quinn et al. 2018, J. Electrochem. Soc. 165, A3284:
about 68-70 g, 4.8-5 Ah); the Tesla 4680 teardowns (Ank et al. 2023, J. Electrochem. Soc.: 355 g; the
UC San Diego teardown of The Limiting Factor, 2022: 26.1 Ah estimated); Tesla Battery Day (2020-09-22): the 4680 form
factor and tabless design lower the cell's $/kWh by 14 % against the 2170. The pouch default must not move: BatPaC
5.0's default cell (reference digest ``shared/reference/batpac5.md``).
"""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import udfs
from tests.test_cell import lg_m50_like
from xlcell.bom import bill_of_materials, cell_geometry
from xlcell.cell import chain, default_design, evaluate_cell, resolve
from xlcell.cost import Factory, cost_details, evaluate_cost
from xlcell.errors import InputError
from xlcell.factory import StepTable
from xlcell.formats import (CanFormat, can_preset, cell_format, format_names, format_steps, housing_cost,
                            preset_names)
from xlcell.pouch import CellFormat, batpac_format

FUNCS = udfs.udf_functions()
H = 3600.0
CANS = ("cylindrical_21700", "cylindrical_4680", "prismatic_phev2", "prismatic_bev2")


def _chain(design, name):
    return chain(resolve(design), cell_format(name))


# ------------------------------------------------------------------------------------------ geometry vs teardowns
def test_21700_holds_the_lg_m50_electrode_area():
    # Chen et al. (2020): the LG M50's positive is 0.1027 m² (both faces), its negative 0.10465 m², for 75.6 / 85.2 µm
    # coatings per side on 16 / 12 µm foils with a 12 µm separator. The 21700 can (21 mm, 0.165 mm wall, 2.5 mm
    # mandrel, 6 mm headspace) winds that stack to within 5 % of both areas; nothing is fitted to them.
    c = _chain(lg_m50_like(75.6e-6), "cylindrical")
    assert float(c["pos_area_m2"]) == pytest.approx(0.1027, rel=0.05)
    assert float(c["neg_area_m2"]) == pytest.approx(0.10465, rel=0.05)
    # the winding: one repeat unit (two double-coated electrodes and two separators) per turn
    pitch = 16e-6 + 12e-6 + 2 * (75.6e-6 + 12e-6) + 2 * float(resolve(lg_m50_like(75.6e-6)).neg.thickness_m)
    assert float(c["winding_pitch_m"]) == pytest.approx(pitch, rel=1e-12)


def test_21700_size_mass_and_capacity_are_those_of_an_ev_21700():
    # the 21700 designation: 21 mm × 70 mm; Quinn et al. (2018): an EV 21700 is about 68-70 g and 4.8-5 Ah. xlcell's
    # BatPaC default NMC811 | graphite stack in that can: 4.95 Ah and 63.3 g (7 % lighter: no silicon, and BatPaC's
    # electrode densities); the LG M50-like stack 63.5 g. Within 10 % of the published mass.
    m = evaluate_cell(default_design(), cell_format("cylindrical")).as_display()
    assert m["volume_cm3"] == pytest.approx(np.pi / 4 * 2.1**2 * 7.0, rel=1e-12)
    assert 4.8 * 0.95 < m["capacity_Ah"] < 5.0 * 1.05
    assert m["mass_g"] == pytest.approx(69.0, rel=0.10)
    assert float(evaluate_cell(lg_m50_like(75.6e-6), cell_format("cylindrical")).mass_kg) * 1e3 == pytest.approx(69.0, rel=0.10)


def test_4680_mass_and_capacity_are_those_of_the_tesla_teardowns():
    # Ank et al. (2023): 355 g; The Limiting Factor / UCSD (2022): about 26.1 Ah, 96-99 Wh; the issue: 22-26 Ah.
    m = evaluate_cell(default_design(), cell_format("cylindrical_4680")).as_display()
    assert m["mass_g"] == pytest.approx(355.0, rel=0.05)
    assert 22.0 < m["capacity_Ah"] < 26.1 * 1.05
    assert 90.0 < m["energy_Wh"] < 99.0 * 1.05
    assert m["volume_cm3"] == pytest.approx(np.pi / 4 * 4.6**2 * 8.0, rel=1e-12)
    # the can and its cap are a fifth of the 4680's mass against a sixth of the 21700's (thick 0.55 mm wall)
    c46, c21 = _chain(default_design(), "cylindrical_4680"), _chain(default_design(), "cylindrical")
    share46 = float(c46["pouch_kg"] / c46["mass_kg"])
    share21 = float(c21["pouch_kg"] / c21["mass_kg"])
    assert 0.15 < share46 < 0.25 and 0.12 < share21 < 0.22


def test_the_can_masses_are_their_shells():
    # the can is its wall and bottom of the can material, whatever the stack (independent arithmetic)
    for name, shell in (("cylindrical_21700", lambda c: np.pi / 4 * ((c.can_diameter_m**2 - (c.can_diameter_m - 2 * c.can_wall_m)**2)
                                                                     * (c.can_height_m - c.can_bottom_m) + c.can_diameter_m**2 * c.can_bottom_m)),
                        ("prismatic_phev2", lambda c: (c.can_width_m * c.can_depth_m - (c.can_width_m - 2 * c.can_wall_m)
                                                       * (c.can_depth_m - 2 * c.can_wall_m)) * (c.can_height_m - c.can_bottom_m)
                         + c.can_width_m * c.can_depth_m * c.can_bottom_m)):
        can = can_preset(name)
        g = _chain(default_design(), name)
        assert float(g["can_kg"]) == pytest.approx(shell(can) * can.can_density_kg_m3, rel=1e-12)
        assert float(g["pouch_kg"]) == pytest.approx(float(g["can_kg"]) + can.cap_mass_kg, rel=1e-12)
    # PHEV2: 148 × 91 × 26.5 mm (VDA), an aluminium can of about 70 g
    assert 0.05 < float(_chain(default_design(), "prismatic")["can_kg"]) < 0.09
    assert float(_chain(default_design(), "prismatic")["cell_volume_m3"]) == pytest.approx(0.148 * 0.091 * 0.0265, rel=1e-12)


# ---------------------------------------------------------------------------------------------------- conservation
@pytest.mark.parametrize("name", CANS)
def test_conservation_of_mass_area_and_winding(name):
    d = resolve(dataclasses.replace(default_design(), pos=dataclasses.replace(default_design().pos,
                                                                               thickness_m=np.array([60e-6, 120e-6, 180e-6]))))
    f = cell_format(name)
    c = chain(d, f)
    parts = (c["mass_pos_coating_kg"] + c["mass_neg_coating_kg"] + c["mass_pos_foil_kg"] + c["mass_neg_foil_kg"]
             + c["mass_separator_kg"] + c["mass_electrolyte_kg"] + c["mass_packaging_kg"])
    np.testing.assert_allclose(parts, c["mass_kg"], rtol=1e-14)
    np.testing.assert_allclose(c["mass_packaging_kg"], c["pouch_kg"] + c["pos_terminal_kg"] + c["neg_terminal_kg"], rtol=1e-14)
    # the electrode area is the wound length times the coated width, both faces, every roll; the wound length fills
    # the roll's cross-section at one repeat thickness per turn
    n = f.can.jelly_rolls
    np.testing.assert_allclose(c["pos_area_m2"], 2 * n * c["electrode_length_m"] * c["electrode_width_m"], rtol=1e-14)
    pitch = (d.pos.foil_thickness_m + d.neg.foil_thickness_m
             + 2 * (d.pos.thickness_m + d.neg.thickness_m + d.sep.thickness_m))
    np.testing.assert_allclose(c["winding_pitch_m"], pitch, rtol=1e-14)
    if f.can.shape == "cylindrical":  # the roll's annulus: can bore less the clearance, less the mandrel hole
        D_r = f.can.can_diameter_m - 2 * f.can.can_wall_m - 2 * f.can.radial_clearance_m
        np.testing.assert_allclose(c["electrode_length_m"] * pitch, np.pi / 4 * (D_r**2 - f.can.mandrel_m**2), rtol=1e-14)
    # the capacity is the can's area times the limiting areal capacity; thicker coatings fewer turns, fewer m²
    np.testing.assert_allclose(c["capacity_C"], np.minimum(c["pos_areal_capacity_C_m2"], c["neg_areal_capacity_C_m2"])
                               * c["pos_area_m2"], rtol=1e-14)
    assert np.all(np.diff(c["pos_area_m2"]) < 0) and np.all(np.diff(c["capacity_C"]) > 0)
    # the jelly roll, the free volume and the can add up to no more than the envelope
    assert np.all(c["envelope_m3"] + c["free_volume_m3"] < c["cell_volume_m3"])
    # electrolyte: the pores plus the filled share of the free volume
    pores = (c["mass_pos_coating_kg"] / c["pos_coating_density_kg_m3"] * d.pos.porosity
             + c["mass_neg_coating_kg"] / c["neg_coating_density_kg_m3"] * d.neg.porosity
             + c["separator_area_m2"] * d.sep.thickness_m * d.sep.porosity)
    np.testing.assert_allclose(c["electrolyte_volume_m3"], pores + f.can.free_volume_fill * c["free_volume_m3"], rtol=1e-13)


def test_the_design_area_does_not_apply_to_a_can():
    d1, d2 = default_design(), default_design(electrode_area_m2=0.5)
    for name in ("cylindrical", "prismatic"):
        assert float(evaluate_cell(d1, cell_format(name)).energy_J) == float(evaluate_cell(d2, cell_format(name)).energy_J)
    assert float(evaluate_cell(d2).energy_J) < float(evaluate_cell(d1).energy_J)  # the pouch holds the design's area


def test_an_array_of_designs_in_one_format_is_one_call():
    # vectorised: the designs of an array give what each gives alone (formats are not mixed within one array)
    L = np.array([70e-6, 100e-6, 140e-6])
    d = dataclasses.replace(default_design(), pos=dataclasses.replace(default_design().pos, thickness_m=L))
    for name in ("cylindrical_4680", "prismatic_bev2"):
        f = cell_format(name)
        m = evaluate_cell(d, f)
        c = evaluate_cost(d, fmt=f)
        for i, x in enumerate(L):
            di = dataclasses.replace(d, pos=dataclasses.replace(d.pos, thickness_m=x))
            assert float(m.energy_J[i]) == pytest.approx(float(evaluate_cell(di, f).energy_J), rel=1e-13)
            assert float(c.cell_cost_usd[i]) == pytest.approx(float(evaluate_cost(di, fmt=f).cell_cost_usd), rel=1e-12)


def test_tabless_lowers_the_hardware_resistance():
    # the 4680's tabless foils carry the current across the coated width, not along a metre of electrode
    tabbed = cell_format("cylindrical_4680", can_fields_si=dict(tabless=0.0, tabs_pos=1.0, tabs_neg=1.0))
    a = evaluate_cell(default_design(), cell_format("cylindrical_4680"))
    b = evaluate_cell(default_design(), tabbed)
    assert float(b.asi_hardware_ohm_m2) > 3 * float(a.asi_hardware_ohm_m2)
    assert float(b.energy_J) < float(a.energy_J)  # the rating ASI holds the hardware: more IR drop, less energy
    more_tabs = cell_format("cylindrical", can_fields_si=dict(tabs_pos=3.0))
    assert float(evaluate_cell(default_design(), more_tabs).resistance_ohm) < float(
        evaluate_cell(default_design(), cell_format("cylindrical")).resistance_ohm)


# ------------------------------------------------------------------------------------------- the pouch is unchanged
def test_the_pouch_default_is_unchanged():
    # BatPaC 5.0 digest §2.6, §6.3 and the one chain's default (tests/test_one_truth.py)
    m = evaluate_cell(default_design()).as_display()
    assert m["energy_Wh"] == pytest.approx(250.897, abs=5e-4) and m["mass_g"] == pytest.approx(744.124, abs=5e-4)
    assert cell_format("pouch") == CellFormat() and cell_format("POUCH").can is None
    c = evaluate_cost(default_design(), Factory.batpac5(), fmt=batpac_format()).as_display()
    assert float(c["cell_cost_usd"]) == pytest.approx(19.754802, abs=5e-7)
    assert format_steps(StepTable.from_steps(), CellFormat()).names == StepTable.from_steps().names


# ----------------------------------------------------------------------------------------------------------- costs
def _costs(design=None):
    return {n: evaluate_cost(design or default_design(), fmt=cell_format(n)).as_display() for n in ("pouch",) + CANS}


def test_every_format_is_priced_and_the_order_is_plausible():
    c = _costs()
    per_kwh = {n: float(v["cell_cost_usd_per_kWh"]) for n, v in c.items()}
    assert all(50 < v < 200 for v in per_kwh.values()), per_kwh
    # Tesla Battery Day (2020): the 4680 form factor lowers $/kWh by 14 % against the 2170; xlcell: 15 %
    cut = 1 - per_kwh["cylindrical_4680"] / per_kwh["cylindrical_21700"]
    assert 0.05 < cut < 0.25
    # the small cylinder is the dearest per kWh (most cells, most hardware per kWh); the large prismatic cell is
    # cheaper per kWh than the small one (fewer cells and lids per kWh)
    assert max(per_kwh, key=per_kwh.get) == "cylindrical_21700"
    assert per_kwh["prismatic_bev2"] < per_kwh["prismatic_phev2"]
    # the housing (container and collectors) is dearer per kWh in every can than in BatPaC's laminate pouch, and
    # heavier: a can's wall against a 150 µm film (compare_formats is the docs' table)
    from xlcell.formats import compare_formats

    cmp = compare_formats(names=("pouch",) + CANS)
    per_j = cmp.housing_usd / cmp.energy_J
    assert np.all(per_j[1:] > per_j[0]) and np.all(cmp.housing_mass_share[1:] > cmp.housing_mass_share[0])
    np.testing.assert_allclose(cmp.cell_cost_usd_per_J * 3.6e6, [per_kwh[n] for n in ("pouch",) + CANS], rtol=1e-12)


def test_the_bom_prices_the_can_cap_and_collectors():
    for name in CANS:
        f = cell_format(name)
        det = cost_details(default_design(), fmt=f)
        b, q = det.bom, det.bom.design
        y = float(b.cell_yield)
        n_built = float(det.metrics.cells_per_year) / y
        from xlcell.bom import MaterialPrices
        pr = MaterialPrices()
        scale = (pr.hardware_baseline_cells / n_built) ** (1 - pr.hardware_volume_exponent)
        g = _chain(default_design(), name)
        want = housing_cost(g["can_kg"], g["pos_terminal_kg"], g["neg_terminal_kg"], f.can, pr.pos_terminal_usd_kg,
                            pr.neg_terminal_usd_kg, scale)
        for k in ("pouch", "pos_terminal", "neg_terminal"):
            assert float(b.cost[k]) == pytest.approx(float(want[k]) / y, rel=1e-9), (name, k)
        assert float(q["pouch"]) == pytest.approx(float(g["pouch_kg"]), rel=1e-14)


def test_the_format_steps_replace_stacking_and_sealing():
    for name, winding, sealing in (("cylindrical", "Jelly-roll winding", "Electrolyte filling, cap welding & crimp sealing"),
                                   ("prismatic", "Flat jelly-roll winding & pressing", "Electrolyte filling & fill-port welding")):
        det = cost_details(default_design(), fmt=cell_format(name))
        names = det.steps.names
        assert winding in names and sealing in names and "Cell stacking" not in names
        assert len(names) == 25
    # winding is cheaper than stacking per Ah in BatPaC's scheme: the same 68 Ah cell wound costs less labour and
    # capital in that step than stacked (the pouch's other steps alike)
    base = StepTable.from_steps()
    wound = format_steps(base, cell_format("prismatic"))
    j = base.names.index("Cell stacking")
    assert wound.labor0_s[j] == pytest.approx(0.6 * base.labor0_s[j]) and wound.capex0_usd[j] == pytest.approx(0.8 * base.capex0_usd[j])
    # a fast cylindrical line: the per-cell steps are driven by cells × the assembly factor
    cyl = cost_details(default_design(), fmt=cell_format("cylindrical"))
    k = cyl.steps.names.index("Can insertion, bottom weld & beading")
    assert cyl.drivers["assembly_cells"] == pytest.approx(0.12 * cyl.drivers["cells_built"], rel=1e-12)
    assert k >= 0


# --------------------------------------------------------------------------------------------------- bad input
def test_unknown_format_is_a_typed_error_naming_the_key_and_the_values():
    with pytest.raises(InputError, match="cell_format = 'hexagonal'.*pouch, cylindrical, prismatic"):
        cell_format("hexagonal")
    assert set(preset_names()) == set(CANS) and format_names()[:3] == ("pouch", "cylindrical", "prismatic")
    with pytest.raises(InputError, match="can_wall_mm"):
        cell_format("pouch", can_fields_si=dict(can_wall_m=1e-3))
    with pytest.raises(InputError, match="radial_clearance_mm"):
        evaluate_cell(default_design(), cell_format("cylindrical", can_fields_si=dict(radial_clearance_m=0.0105)))
    with pytest.raises(InputError, match="can_shape"):
        evaluate_cell(default_design(), CellFormat(can=dataclasses.replace(CanFormat(), shape="hexagonal")))


# ------------------------------------------------------------------------------------------------- Excel functions
def test_the_cell_and_cost_functions_take_cell_format():
    design = [["np_ratio", 1.1]]
    for name in ("pouch", "cylindrical", "cylindrical_4680", "Prismatic", "prismatic_bev2"):
        bom = [["cell_format", name], ["pos_am_usd_kg", 26.0]]
        f = cell_format(name)
        cell = dict(FUNCS["XLCELL_CELL"](design, None, bom))
        cost = dict(FUNCS["XLCELL_COST"](design, None, bom))
        want = evaluate_cell(default_design(), f).as_display()
        assert cell["energy_Wh"] == pytest.approx(want["energy_Wh"], rel=1e-14) and cell["mass_g"] == pytest.approx(want["mass_g"], rel=1e-14)
        assert cost["cell_energy_Wh"] == pytest.approx(cell["energy_Wh"], rel=1e-14)
        assert cost["cell_cost_usd_per_kWh"] == pytest.approx(float(evaluate_cost(default_design(), fmt=f).as_display()["cell_cost_usd_per_kWh"]), rel=1e-12)
    # a can key overrides the preset; it is refused with the pouch
    thick = dict(FUNCS["XLCELL_CELL"](design, None, [["cell_format", "cylindrical"], ["can_wall_mm", 0.3]]))
    thin = dict(FUNCS["XLCELL_CELL"](design, None, [["cell_format", "cylindrical"]]))
    assert thick["capacity_Ah"] < thin["capacity_Ah"] and thick["mass_g"] != thin["mass_g"]
    out = FUNCS["XLCELL_COST"](design, None, [["cell_format", "hexagonal"]])
    assert out[0][0].startswith("#XLCELL! cell_format = 'hexagonal': must be one of pouch, cylindrical, prismatic")
    out = FUNCS["XLCELL_CELL"](design, None, [["cell_format", "pouch"], ["can_wall_mm", 0.3]])
    assert out[0][0].startswith("#XLCELL! can_wall_mm") and "can format" in out[0][0]
    # the bill of materials and the factory table show the can and the winding
    bom = FUNCS["XLCELL_BOM"](design, None, [["cell_format", "cylindrical_4680"]])
    row = next(r for r in bom if r[0] == "pouch")
    assert row[3] == pytest.approx(float(_chain(default_design(), "cylindrical_4680")["pouch_kg"]) * 1e3, rel=1e-12)
    fac = FUNCS["XLCELL_FACTORY"](design, None, [["cell_format", "cylindrical"]])
    assert any(r[0] == "Jelly-roll winding" for r in fac)


def test_geometry_and_bom_agree_with_the_chain():
    f = cell_format("prismatic")
    g = cell_geometry(default_design(), f)
    c = _chain(default_design(), "prismatic")
    assert float(g.pos_area_m2) == float(c["pos_area_m2"]) and float(g.mass_kg) == float(c["mass_kg"])
    b, _ = bill_of_materials(default_design(), 1e8, 0.95, f)
    assert float(b.design["separator"]) == float(c["separator_area_m2"])


def test_the_lifetime_model_sees_the_cans_electrode_area():
    # one chain: the life model's beginning-of-life capacity is the cell model's in the same can (the can, not the
    # design's electrode_area_cm2, sets the area), and its resistance at beginning of life too
    from xlcell.degradation import MechanicsParams, SEIParams, _LifeModel, life_fade
    from xlcell.duty import Duty

    for name in ("cylindrical_4680", "prismatic"):
        f = cell_format(name)
        model = _LifeModel(default_design(), Duty(), SEIParams(), MechanicsParams(), f)
        assert float(model.capacity_C) == pytest.approx(float(evaluate_cell(default_design(), f).capacity_C), rel=1e-14)
        fade = life_fade(default_design(), [0.0, 500.0], fmt=f)
        assert float(fade.soh[..., 0]) == pytest.approx(1.0) and 0.5 < float(fade.soh[..., 1]) < 1.0
