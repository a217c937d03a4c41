"""One design, one truth (issue 17, item 1): every route gives one energy, mass, volume, capacity, voltage, ASI and
electronic conductivity for one design.

The routes: the cell model (:func:`xlcell.cell.evaluate_cell`), the cost model (:func:`xlcell.cost.evaluate_cost`, its
geometry and bill of materials), the registry (:func:`xlcell.registry.evaluate_outputs`, which the optimiser, the
Pareto front, the Monte Carlo and the reports read), the Excel functions (``XLCELL_CELL*``, ``XLCELL_COST*``), the
template's Design and Cost sheets computed by the formula engine, and the calendering model
(:func:`xlcell.calendering.calender`). The chain they share is :func:`xlcell.cell.chain`; its default rates the
cell's nameplate energy with the cell model's ASI of the design, and BatPaC 5.0's fixed couple ASI is a mode of the
same chain (:func:`xlcell.pouch.batpac_format`), in which BatPaC's default cell is reproduced exactly.

Published numbers: BatPaC 5.0 (Argonne, 2022-07-22) default case, reference digest ``shared/reference/batpac5.md``
(sections quoted as §).
"""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import udfs
import xlcell.registry as reg
from xlcell import calendering as cal
from xlcell.bom import CellFormat, batpac_format, cell_geometry
from xlcell.cell import chain, default_design, electrode, electronic_conductivity, evaluate_cell, resolve
from xlcell.cost import Factory, cost_details, evaluate_cost
from xlcell.design import design_from_mapping
from xlcell.formats import cell_format
from xlcell.params import specs

FUNCS = udfs.udf_functions()
H = 3600.0

#: designs that differ in what each definition reads: BatPaC's default cell, thin and thick positives, another
#: porosity and particle radius, an LFP cathode (its own calendering material), no carbon in the positive
VARIANTS = {
    "batpac default": {},
    "thin 60 um": {"pos_thickness_um": 60.0},
    "thick 200 um, porous": {"pos_thickness_um": 200.0, "pos_porosity": 0.35},
    "small particles": {"pos_particle_radius_um": 0.5, "neg_particle_radius_um": 3.0},
    "LFP": {"pos_material": "LFP", "pos_thickness_um": 150.0},
    "foils and separator": {"pos_foil_um": 20.0, "neg_foil_um": 6.0, "sep_thickness_um": 25.0, "np_ratio": 1.2},
}
#: a cell format other than BatPaC's 20 mm pouch, as the BOM sheet's rows give it
THIN_POUCH = [["cell_thickness_mm", 12.0], ["aspect_ratio", 2.0]]


def _design_range(values):
    return [[k, v] for k, v in values.items()] or [["np_ratio", 1.1]]


def _calendering(values):
    return {f"{p}_material": values.get(f"{p}_material", {"pos": "NMC811", "neg": "Graphite"}[p]) for p in ("pos", "neg")}


def _fmt(rows):
    r = dict(rows)
    return cell_format(r.pop("cell_format", "pouch"), **{s.name: s.to_si(r[s.key]) for s in specs(CellFormat) if s.key in r})


# ---------------------------------------------------------------------------------------------------------------
# energy, mass, volume, capacity, voltage and ASI: equal on every route

@pytest.mark.parametrize("bom", [None, THIN_POUCH, [["asi_electrochemical_ohm_cm2", 15.532091]],
                                 [["cell_format", "cylindrical_4680"]], [["cell_format", "prismatic"]],
                                 [["cell_format", "cylindrical"], ["asi_electrochemical_ohm_cm2", 15.532091]]],
                         ids=["default format", "12 mm pouch", "BatPaC mode", "4680 can", "PHEV2 prismatic can",
                              "21700 can in BatPaC mode"])
@pytest.mark.parametrize("name", list(VARIANTS))
def test_every_quantity_is_equal_on_every_route(name, bom):
    values = VARIANTS[name]
    d = design_from_mapping(values)
    fmt = _fmt(bom or [])
    ctx = _calendering(values)
    cell = evaluate_cell(d, fmt, calendering=ctx).as_display()
    det = cost_details(d, fmt=fmt, calendering=ctx)
    geo, cost = det.geometry, det.metrics.as_display()
    # the cell model and the cost model: one energy, one capacity, one voltage, one mass, one volume, one ASI
    assert float(geo.energy_J) == float(det.metrics.cell_energy_J) == pytest.approx(cell["energy_Wh"] * H, rel=1e-14)
    assert float(cost["cell_energy_Wh"]) == pytest.approx(cell["energy_Wh"], rel=1e-14)
    assert float(cost["capacity_Ah"]) == pytest.approx(cell["capacity_Ah"], rel=1e-14)
    assert float(cost["nominal_voltage_V"]) == pytest.approx(cell["nominal_voltage_V"], rel=1e-14)
    assert float(geo.mass_kg) * 1e3 == pytest.approx(cell["mass_g"], rel=1e-14)
    assert float(geo.cell_volume_m3) * 1e6 == pytest.approx(cell["volume_cm3"], rel=1e-14)
    assert float(geo.specific_energy_J_kg) / H == pytest.approx(cell["specific_energy_Wh_kg"], rel=1e-14)
    assert float(geo.asi_energy_ohm_m2) * 1e4 == pytest.approx(cell["asi_rating_ohm_cm2"], rel=1e-14)
    assert float(geo.asi_hardware_ohm_m2) * 1e4 == pytest.approx(cell["asi_hardware_ohm_cm2"], rel=1e-14)
    # the bill of materials is the cell's mass: coatings, foils, separator, electrolyte, terminals and pouch (a can
    # format: its collectors and its can with the cap or lid)
    q = det.bom.design
    parts = ("pos_am", "pos_carbon", "pos_binder", "neg_am", "neg_carbon", "neg_binder", "pos_terminal", "neg_terminal",
             "pouch")
    foils = float(q["pos_foil"]) * d.pos.foil_thickness_m * d.pos.foil_density_kg_m3 + \
        float(q["neg_foil"]) * d.neg.foil_thickness_m * d.neg.foil_density_kg_m3
    sep = float(q["separator"]) * d.sep.thickness_m * d.sep.density_kg_m3
    elyte = float(q["electrolyte"]) * d.electrolyte_density_kg_m3
    assert (sum(float(q[k]) for k in parts) + foils + sep + elyte) * 1e3 == pytest.approx(cell["mass_g"], rel=1e-12)
    # the registry (optimiser, Pareto, Monte Carlo, reports): the same numbers, cell and cost providers alike
    context = {"cost": {"fmt": fmt}, "calendering": ctx}
    keys = ["energy_Wh", "cell_energy_Wh", "mass_g", "volume_cm3", "specific_energy_Wh_kg", "capacity_Ah",
            "nominal_voltage_V", "asi_total_ohm_cm2", "asi_rating_ohm_cm2", "resistance_mohm", "cell_cost_usd_per_kWh"]
    out = reg.evaluate_outputs(d, {}, keys, context)  # the design's materials are the context's, not variables
    for k in keys:
        want = cost[k] if k in cost else cell[k]
        assert float(out[k]) == pytest.approx(float(want), rel=1e-14), k
    assert float(out["cell_energy_Wh"]) == pytest.approx(float(out["energy_Wh"]), rel=1e-14)
    # the Excel functions: the cell and the cost functions of one design and one BOM range agree
    rng = _design_range(values)
    got_cell = dict(FUNCS["XLCELL_CELL"](rng, None, bom))
    got_cost = dict(FUNCS["XLCELL_COST"](rng, None, bom))
    for k in ("energy_Wh", "mass_g", "volume_cm3", "capacity_Ah", "nominal_voltage_V", "asi_total_ohm_cm2",
              "resistance_mohm", "specific_energy_Wh_kg"):
        assert got_cell[k] == pytest.approx(cell[k], rel=1e-14), k
    assert got_cost["cell_energy_Wh"] == pytest.approx(got_cell["energy_Wh"], rel=1e-14)
    assert got_cost["cell_cost_usd_per_kWh"] == pytest.approx(float(cost["cell_cost_usd_per_kWh"]), rel=1e-14)
    assert FUNCS["XLCELL_CELL_VALUE"](rng, "energy_Wh", None, bom) == got_cell["energy_Wh"]
    assert FUNCS["XLCELL_COST_VALUE"](rng, "cell_energy_Wh", None, bom) == got_cost["cell_energy_Wh"]
    table = [list(values) or ["np_ratio"], list(values.values()) or [1.1]]
    t_cell = FUNCS["XLCELL_CELL_TABLE"](table, [["energy_Wh", "mass_g"]], None, bom)
    t_cost = FUNCS["XLCELL_COST_TABLE"](table, [["cell_energy_Wh"]], None, bom)
    assert t_cell[1] == [got_cell["energy_Wh"], got_cell["mass_g"]] and t_cost[1] == [got_cost["cell_energy_Wh"]]


def test_the_rated_voltage_is_the_ir_drop_through_the_cell_resistance():
    # BatPaC 5.0 §2.3: V_nom = OCV - (C/3) Q_A ASI_energy. In the default chain ASI_energy is the cell model's ASI plus
    # the format's hardware ASI, and the cell's resistance is that same ASI over the area: V_nom = OCV - I(C/3) R
    L = np.array([40e-6, 80e-6, 120e-6, 200e-6])
    d = dataclasses.replace(default_design(), pos=dataclasses.replace(default_design().pos, thickness_m=L))
    m = evaluate_cell(d)
    np.testing.assert_allclose(m.asi_rating_ohm_m2, m.asi_total_ohm_m2 + m.asi_hardware_ohm_m2, rtol=1e-14)
    np.testing.assert_allclose(m.resistance_ohm * 0.84493127, m.asi_rating_ohm_m2, rtol=1e-14)
    np.testing.assert_allclose(m.nominal_voltage_V, m.avg_voltage_V - m.capacity_C / 3 / H * m.resistance_ohm, rtol=1e-14)
    np.testing.assert_allclose(m.energy_J, m.capacity_C * m.nominal_voltage_V, rtol=1e-14)
    # at the design's C/3 the voltage under load is the rated voltage, to the Butler–Volmer curvature of the charge
    # transfer (issue 13: the rating keeps BatPaC's linear rule; the voltage under load is the asinh's)
    np.testing.assert_allclose(m.voltage_under_load_V, m.nominal_voltage_V, rtol=1e-6)
    # mass and volume: the parts add up; the format's terminals and pouch are in both
    parts = (m.mass_pos_coating_kg + m.mass_neg_coating_kg + m.mass_pos_foil_kg + m.mass_neg_foil_kg + m.mass_separator_kg
             + m.mass_electrolyte_kg + m.mass_packaging_kg)
    np.testing.assert_allclose(parts, m.mass_kg, rtol=1e-14)
    g = cell_geometry(d)
    np.testing.assert_allclose(m.volume_m3, g.cell_thickness_m * g.cell_width_m * g.cell_length_m, rtol=1e-14)


def test_batpac_mode_is_exact_and_the_default_couples_the_asi():
    # BatPaC 5.0 §2.3, §2.6, §6.3: the default cell in BatPaC's rating is 3.6668124 V, 68.179107 Ah, 250.0 Wh,
    # 744.124 g (336.0 Wh/kg, 646.6 Wh/L), $19.754802 per cell, $79.0192/kWh; every line item: tests/test_cost.py
    b = evaluate_cell(default_design(), batpac_format()).as_display()
    c = evaluate_cost(default_design(), Factory.batpac5(), fmt=batpac_format()).as_display()  # BatPaC mode
    assert b["nominal_voltage_V"] == pytest.approx(3.6668124, rel=1e-7)
    assert b["capacity_Ah"] == pytest.approx(68.179107, rel=1e-7)
    assert b["energy_Wh"] == pytest.approx(250.0, rel=1e-7) and float(c["cell_energy_Wh"]) == b["energy_Wh"]
    assert b["asi_rating_ohm_cm2"] == pytest.approx(17.247990, rel=1e-7)
    assert b["mass_g"] == pytest.approx(744.124, abs=6e-4)
    assert b["specific_energy_Wh_kg"] == pytest.approx(336.0, abs=0.05)
    assert b["energy_density_Wh_L"] == pytest.approx(646.6, abs=0.05)
    assert float(c["cell_cost_usd"]) == pytest.approx(19.754802, abs=1e-6)
    assert float(c["cell_cost_usd_per_kWh"]) == pytest.approx(79.019206, rel=1e-7)
    # the default chain rates the same cell with the cell model's ASI (10.64 Ω·cm², BatPaC's couple 15.53): the same
    # capacity, mass and volume, a higher rated voltage, so more Wh and fewer $/kWh
    d = evaluate_cell(default_design()).as_display()
    k = evaluate_cost(default_design(), Factory.batpac5()).as_display()  # BatPaC economics: the rating effect alone
    assert d["asi_rating_ohm_cm2"] == pytest.approx(d["asi_total_ohm_cm2"] + 1.7158996, rel=1e-7)
    assert d["capacity_Ah"] == b["capacity_Ah"] and d["mass_g"] == b["mass_g"] and d["volume_cm3"] == b["volume_cm3"]
    assert 250.0 < d["energy_Wh"] < 252.0 and float(k["cell_cost_usd_per_kWh"]) < 79.019206
    # the mode is data: [batpac_mode.cell_format] of the BatPaC 5.0 parameter set
    from xlcell import paramsets

    assert paramsets.table("batpac5_default", "batpac_mode.cell_format")["asi_electrochemical_ohm_cm2"] == 15.532091
    assert np.isnan(CellFormat().asi_electrochemical_ohm_m2)


# ---------------------------------------------------------------------------------------------------------------
# one electronic-conductivity route

@pytest.mark.parametrize("which, material", [("pos", "NMC811"), ("neg", "Graphite"), ("pos", "LFP")])
def test_calendered_and_plain_designs_have_one_electronic_conductivity(which, material):
    # before issue 17 BatPaC's default cell had 0.065 Ω·cm² of electronic ASI as designed and 0.386 when calendered
    # to the same porosity 0.25: two conductivity models. Now both evaluate xlcell.conduction.solid_conductivity.
    base = resolve(default_design())
    if material == "LFP":
        base = dataclasses.replace(base, pos=electrode("LFP", thickness_m=150e-6, porosity=0.3, am_frac=0.9,
                                                       carbon_frac=0.05, binder_frac=0.05,
                                                       carbon_density_kg_m3=1825.0, binder_density_kg_m3=1770.0,
                                                       foil_thickness_m=15e-6, foil_density_kg_m3=2700.0))
        base = dataclasses.replace(base, neg=dataclasses.replace(base.neg, thickness_m=np.nan))
    q = np.array([150e3, 400e3, 800e3, 1500e3])
    micro, calendered = cal.calendering_performance(base, q, which=which, material=material)
    # the same design, typed with the calendered porosity and thickness (no calendering step)
    d = resolve(base)
    e = dataclasses.replace(getattr(d, which), porosity=micro.porosity, thickness_m=micro.thickness_m)
    plain = evaluate_cell(dataclasses.replace(d, **{which: e}), calendering={f"{which}_material": material})
    np.testing.assert_allclose(plain.asi_electronic_ohm_m2, calendered.asi_electronic_ohm_m2, rtol=1e-12)
    sigma = electronic_conductivity(dataclasses.replace(d, **{which: e}), which, {f"{which}_material": material})
    np.testing.assert_allclose(sigma["through"], micro.sigma_through_S_m, rtol=1e-12)
    np.testing.assert_allclose(sigma["network"], micro.sigma_network_S_m, rtol=1e-12)


def test_the_default_cell_has_one_electronic_asi():
    # BatPaC's default cell at porosity 0.25: calendered from the dried coating (solids 0.4) to 0.25 it has the same
    # electronic ASI as designed at 0.25: 0.3865 Ω·cm² (the percolating network; the tabulated route gave 0.0652)
    mat = cal.get_calendering_material("NMC811")
    e0 = cal.coating_porosity(0.4, mat.drying_shrinkage)
    q = cal.line_load_for_porosity(0.25, e0, mat.eps_min, mat.gamma_N_m)
    micro, calendered = cal.calendering_performance(default_design(), q)
    plain = evaluate_cell(default_design())
    assert float(micro.porosity) == pytest.approx(0.25, rel=1e-12)
    assert float(calendered.asi_electronic_ohm_m2) == pytest.approx(float(plain.asi_electronic_ohm_m2), rel=1e-9)
    assert float(plain.asi_electronic_ohm_m2) * 1e4 == pytest.approx(0.38646, abs=1e-5)
    # the registry's line-load variable and its porosity variable give the same cell
    out = reg.evaluate_outputs(None, {"pos_line_load_N_mm": [q / 1e3]}, ["asi_electronic_ohm_cm2", "energy_Wh"])
    ref = reg.evaluate_outputs(None, {}, ["asi_electronic_ohm_cm2", "energy_Wh"])
    np.testing.assert_allclose(out["asi_electronic_ohm_cm2"], ref["asi_electronic_ohm_cm2"], rtol=1e-9)
    np.testing.assert_allclose(out["energy_Wh"], ref["energy_Wh"], rtol=1e-9)


def test_the_percolation_route_matches_a_measured_nmc811_electrode():
    # Chen et al., J. Electrochem. Soc. 167 (2020) 080534, measured 0.18 S/m for the LG M50's NMC811 positive (porosity
    # 0.335; PyBaMM's Chen2020 set applies it with a Bruggeman exponent of 0 for the electrode). The kept route gives
    # the same order for an NMC811 coating at that porosity with BatPaC's 2 wt% carbon; the dropped route (NMC811 at
    # 10 S/m with (1 - ε)^1.5, Marquis et al. 2019) gave 5.4 S/m, 30 times the measurement.
    d = resolve(default_design())
    d = dataclasses.replace(d, pos=dataclasses.replace(d.pos, porosity=0.335))
    sigma = float(electronic_conductivity(d, "pos")["through"])
    assert 0.18 / 2 < sigma < 0.18 * 2  # 0.247 S/m
    assert 10.0 * 0.665**1.5 > 25 * 0.18  # the dropped route, for the record


# ---------------------------------------------------------------------------------------------------------------
# physics: resistance now reaches the cost per kWh

def test_a_line_load_sweep_that_raises_the_asi_raises_the_cost_per_kwh():
    # issue 17: across a positive line-load sweep the cell ASI moves 9 -> 129 Ω·cm² while $/kWh moved < 2 % (BatPaC's
    # fixed couple ASI). With the cell model's ASI in the rating, an under-calendered positive (100 N/mm: porosity 0.44,
    # a barely percolating carbon network, 130.4 Ω·cm²) costs 10.2 % more per kWh than one at 500 N/mm (10.5 Ω·cm²):
    # its C/3 IR drop is 0.36 V instead of 0.03 V. In BatPaC mode the same sweep moves $/kWh by 1.3 % (cell cost only).
    q = np.array([100.0, 200.0, 300.0, 500.0])
    keys = ["asi_total_ohm_cm2", "asi_rating_ohm_cm2", "nominal_voltage_V", "energy_Wh", "cell_cost_usd_per_kWh"]
    out = reg.evaluate_outputs(None, {"pos_line_load_N_mm": q}, keys)
    batpac = reg.evaluate_outputs(None, {"pos_line_load_N_mm": q}, keys, {"cost": {"fmt": batpac_format()}})
    asi, usd = out["asi_total_ohm_cm2"], out["cell_cost_usd_per_kWh"]
    assert asi[0] == pytest.approx(130.4, abs=0.1) and asi[-1] == pytest.approx(10.51, abs=0.01)
    assert np.all(np.diff(asi) < 0) and np.all(np.diff(usd) < 0)  # higher ASI, dearer kWh, in order
    assert usd[0] / usd[-1] - 1 == pytest.approx(0.102, abs=0.002)
    assert batpac["cell_cost_usd_per_kWh"][0] / batpac["cell_cost_usd_per_kWh"][-1] - 1 == pytest.approx(0.013, abs=0.002)
    # the rise is the rated energy's: the rated voltage falls by (C/3) Q_A ΔASI_rating (the thinner calendered coating
    # also moves the foils' hardware ASI a little)
    drop = (1 / 3) * 8.0691897e-3 * (out["asi_rating_ohm_cm2"][0] - out["asi_rating_ohm_cm2"][-1])  # A/cm² × Ω·cm²
    assert out["nominal_voltage_V"][-1] - out["nominal_voltage_V"][0] == pytest.approx(drop, rel=1e-6)
    # BatPaC's rating ignores the electrochemical ASI: only the foils' hardware ASI moves its energy, by < 0.01 %
    np.testing.assert_allclose(batpac["energy_Wh"], 250.0, rtol=1e-4)


def test_smaller_particles_lower_the_charge_transfer_asi_and_the_cost_per_kwh():
    # issue 17: positive particle radius 0.5 / 2 / 8 µm gave one $79.019/kWh. The charge-transfer ASI R T/(F i0 a L),
    # a = 3 ε_AM / r, is proportional to r, and now the rating reads it: smaller particles, a lower $/kWh.
    r = np.array([0.5, 2.0, 8.0])
    out = reg.evaluate_outputs(None, {"pos_particle_radius_um": r}, ["asi_ct_pos_ohm_cm2", "energy_Wh",
                                                                      "cell_cost_usd_per_kWh"])
    np.testing.assert_allclose(out["asi_ct_pos_ohm_cm2"] / r, out["asi_ct_pos_ohm_cm2"][1] / 2.0, rtol=1e-12)
    assert np.all(np.diff(out["energy_Wh"]) < 0) and np.all(np.diff(out["cell_cost_usd_per_kWh"]) > 0)
    # 78.746 / 78.761 / 78.820 $/kWh: 1.39 Ω·cm² more ASI from 0.5 to 8 µm, 0.093 % more per kWh
    assert out["cell_cost_usd_per_kWh"][-1] / out["cell_cost_usd_per_kWh"][0] - 1 == pytest.approx(9.3e-4, abs=1e-4)
    batpac = reg.evaluate_outputs(None, {"pos_particle_radius_um": r}, ["cell_cost_usd_per_kWh"],
                                  {"cost": {"fmt": batpac_format()}})
    assert np.ptp(batpac["cell_cost_usd_per_kWh"]) == 0.0  # BatPaC's rating: blind to the particles, as before


# ---------------------------------------------------------------------------------------------------------------
# the template: the Design and the Cost sheets, computed by the formula engine

@pytest.mark.slow
def test_the_design_and_cost_sheets_show_one_energy(template_values):
    from workbooks.sheets import cost as cost_sheet
    from workbooks.sheets import design as design_sheet
    from xlcell.cell import CellMetrics
    from xlcell.cost import CostMetrics

    def col(i):
        from openpyxl.utils import get_column_letter
        return get_column_letter(i)

    design_rows = {s.key: design_sheet.HEADER_ROW + 1 + i for i, s in enumerate(specs(CellMetrics))}
    cost_rows = {s.key: cost_sheet.HEADER_ROW + 1 + i for i, s in enumerate(specs(CostMetrics))}

    def shown(key):
        r = design_rows[key]
        assert template_values[f"DESIGN!{col(design_sheet.RESULTS_COL + 1)}{r}"] == key
        return template_values[f"DESIGN!{col(design_sheet.RESULTS_COL + 2)}{r}"]

    model = evaluate_cell(design_from_mapping({})).as_display()
    for key in ("energy_Wh", "mass_g", "volume_cm3", "capacity_Ah", "nominal_voltage_V", "asi_total_ohm_cm2",
                "asi_electronic_ohm_cm2", "resistance_mohm"):
        assert shown(key) == pytest.approx(float(model[key]), rel=1e-12), key
    assert template_values[f"COST!C{cost_rows['cell_energy_Wh']}"] == pytest.approx(shown("energy_Wh"), rel=1e-12)
    assert template_values[f"COST!C{cost_rows['nominal_voltage_V']}"] == pytest.approx(shown("nominal_voltage_V"), rel=1e-12)
    assert template_values[f"COST!C{cost_rows['capacity_Ah']}"] == pytest.approx(shown("capacity_Ah"), rel=1e-12)


def test_chain_is_the_only_definition():
    # the cost model's geometry is built from the cell model's chain, not computed beside it
    d = resolve(default_design())
    c = chain(d)
    g = cell_geometry(d)
    assert float(g.energy_J) == float(c["energy_J"]) and float(g.mass_kg) == float(c["mass_kg"])
    assert float(g.neg_area_m2) * 1e4 == pytest.approx(8791.4739, rel=1e-7)  # §2.3, the negative area excess of §2.5


def test_the_validation_page_quotes_the_default_chain():
    # docs/models/validation.md quoted $87.15 -> $79.12/kWh, particles 78.746 / 78.761 / 78.820 and "$78.76/kWh in the
    # default chain": the chain before the plant's electricity became the default; today's chain prints these
    import re
    from pathlib import Path

    text = " ".join((Path(__file__).resolve().parents[1] / "docs" / "models" / "validation.md").read_text(encoding="utf-8")
                    .split())
    m = re.search(r"its cost from \$([0-9.]+) to \$([0-9.]+)/kWh \(([0-9.]+) %\), where BatPaC's fixed couple ASI moved it "
                  r"by ([0-9.]+) %; positive particles of 0.5 / 2 / 8 µm cost ([0-9.]+) / ([0-9.]+) / ([0-9.]+) \$/kWh, "
                  r"where BatPaC's rating gives one \$([0-9.]+)", text)
    assert m
    q = [float(g) for g in m.groups()]
    ll = reg.evaluate_outputs(None, {"pos_line_load_N_mm": [100.0, 500.0]}, ["cell_cost_usd_per_kWh"])["cell_cost_usd_per_kWh"]
    bp = reg.evaluate_outputs(None, {"pos_line_load_N_mm": [100.0, 500.0]}, ["cell_cost_usd_per_kWh"],
                              {"cost": {"fmt": batpac_format()}})["cell_cost_usd_per_kWh"]
    r = np.array([0.5, 2.0, 8.0])
    pr = reg.evaluate_outputs(None, {"pos_particle_radius_um": r}, ["cell_cost_usd_per_kWh"])["cell_cost_usd_per_kWh"]
    pb = reg.evaluate_outputs(None, {"pos_particle_radius_um": r}, ["cell_cost_usd_per_kWh"],
                              {"cost": {"fmt": batpac_format()}})["cell_cost_usd_per_kWh"]
    np.testing.assert_allclose(q[:2], ll, atol=0.006)
    np.testing.assert_allclose(q[2:4], [100 * (ll[0] / ll[1] - 1), 100 * (bp[0] / bp[1] - 1)], atol=0.06)
    np.testing.assert_allclose(q[4:7], pr, atol=6e-4)
    assert q[7] == pytest.approx(pb[0], abs=6e-4)
    assert "$81.12/kWh in the default chain" in text
