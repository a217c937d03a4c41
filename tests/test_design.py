"""Flat (key, value) designs in display units -> CellDesign, with defaults and clear errors."""
import numpy as np
import pytest

from xlcell.cell import evaluate_cell
from xlcell.design import canonical_key, design_from_mapping, design_keys
from xlcell.errors import ConflictError, InputError, UnknownKeyError, UnknownMaterialError

REQUIRED_KEYS = """pos_material neg_material pos_thickness_um neg_thickness_um np_ratio pos_porosity neg_porosity
pos_am_frac pos_carbon_frac pos_binder_frac neg_am_frac neg_carbon_frac neg_binder_frac pos_am_density_g_cm3
pos_carbon_density_g_cm3 pos_binder_density_g_cm3 neg_am_density_g_cm3 neg_carbon_density_g_cm3
neg_binder_density_g_cm3 pos_specific_capacity_mAh_g neg_specific_capacity_mAh_g pos_particle_radius_um
neg_particle_radius_um pos_exchange_current_mA_cm2 neg_exchange_current_mA_cm2 pos_solid_diffusivity_m2_s
neg_solid_diffusivity_m2_s pos_conductivity_S_m neg_conductivity_S_m sep_thickness_um sep_porosity pos_foil_um
neg_foil_um electrode_area_cm2 avg_voltage_V electrolyte_conductivity_S_m electrolyte_diffusivity_m2_s
bruggeman_exponent temperature_C c_rate""".split()


def test_every_key_named_in_issue_2_exists():
    keys = {k.key for k in design_keys()}
    assert set(REQUIRED_KEYS) <= keys


def test_empty_mapping_is_the_batpac_default_cell():
    m = evaluate_cell(design_from_mapping({})).as_display()
    assert m["capacity_Ah"] == pytest.approx(68.179107, rel=1e-7)  # BatPaC 5.0 §2.3


def test_keys_are_case_insensitive_and_units_converted():
    d = design_from_mapping({"POS_Thickness_UM": 100.0, "temperature_c": 35.0, "pos_specific_capacity_mah_g": 200.0})
    assert d.pos.thickness_m == pytest.approx(100e-6)
    assert d.temperature_K == pytest.approx(308.15)
    assert d.pos.specific_capacity_C_kg == pytest.approx(200 * 3.6e3)
    assert canonical_key("AVG_VOLTAGE_v") == "avg_voltage_V"


def test_material_defaults_and_overrides():
    d = design_from_mapping({"pos_material": "lfp"})  # LFP's practical capacity: 169.9 mAh/g × (0.95038 - 0.0875)
    assert d.pos.specific_capacity_C_kg == pytest.approx(146.603312 * 3.6e3)
    d2 = design_from_mapping({"pos_material": "LFP", "pos_particle_radius_um": 0.5})
    assert d2.pos.particle_radius_m == pytest.approx(0.5e-6)


def test_arrays_of_materials_resolve_per_design():
    d = design_from_mapping({"pos_material": np.array(["NMC811", "LFP", "NMC811"], dtype=object),
                             "pos_thickness_um": np.array([80.0, 90.0, 100.0])})
    q = np.asarray(d.pos.specific_capacity_C_kg) / 3.6e3
    np.testing.assert_allclose(q, [213.6, 146.603312, 213.6])
    assert evaluate_cell(d).energy_J.shape == (3,)


def test_errors():
    with pytest.raises(UnknownKeyError, match="pos_porosity"):
        design_from_mapping({"pos_porostiy": 0.3})
    with pytest.raises(ConflictError):
        design_from_mapping({"neg_thickness_um": 100.0, "np_ratio": 1.1})
    with pytest.raises(InputError, match="positive-electrode material"):
        design_from_mapping({"pos_material": "Graphite"})
    with pytest.raises(UnknownMaterialError, match="known: "):
        design_from_mapping({"neg_material": "unobtainium"})


def test_explicit_negative_thickness_sets_np():
    m = evaluate_cell(design_from_mapping({"neg_thickness_um": 152.69056})).as_display()
    assert m["np_ratio"] == pytest.approx(1.1, rel=1e-6)


def test_a_table_repeating_the_library_lists_each_material_once():
    # the template's materials table holds the library's materials: an error lists each once ("Graphite", not
    # "Graphite, Graphite"), and a material of the table shadows the library's of the same name
    import dataclasses

    from xlcell.conduction import CALENDERING_MATERIALS, get_calendering_material
    from xlcell.materials import LIBRARY, get_material

    table = {k: dataclasses.replace(m) for k, m in LIBRARY.items()}
    table["GRAPHITE"] = dataclasses.replace(LIBRARY["GRAPHITE"], name="GRAPHITE")  # another spelling, one material
    negatives = [m.name for m in LIBRARY.values() if m.role == "negative"]
    with pytest.raises(UnknownMaterialError) as exc:
        get_material("Unobtainium", table)
    assert len(exc.value.known) == len(LIBRARY) == len(set(exc.value.known))
    assert "GRAPHITE" in exc.value.known and "Graphite" not in exc.value.known
    with pytest.raises(InputError) as exc:
        design_from_mapping({"neg_material": "NMC811"}, table)
    assert str(exc.value).endswith(f"({', '.join(['GRAPHITE'] + negatives[1:])})")
    with pytest.raises(InputError) as exc:
        design_from_mapping({"pos_material": "NFM", "neg_material": "Graphite"}, table)
    assert str(exc.value).count("HardCarbon") == 1
    cal = dict(CALENDERING_MATERIALS)
    with pytest.raises(UnknownMaterialError) as exc:
        get_calendering_material("Unobtainium", cal)
    assert sorted(exc.value.known) == sorted(m.name for m in CALENDERING_MATERIALS.values())


def test_a_text_where_a_number_belongs_names_the_key():
    # `xlcell cost --set pos_thickness_um=abc` reached numpy's "could not convert string to float" (an internal error)
    with pytest.raises(InputError, match=r"pos_thickness_um = 'abc': must be a number"):
        design_from_mapping({"pos_thickness_um": "abc"})
    with pytest.raises(InputError, match=r"sep_porosity = 'x' \(design 2\): must be a number"):
        design_from_mapping({"sep_porosity": np.array([0.5, "x", 0.4], dtype=object)})
    # a blank (None) in an array is still the default, not an error
    d = design_from_mapping({"pos_thickness_um": np.array([100.0, None], dtype=object)})
    np.testing.assert_allclose(np.asarray(d.pos.thickness_m), [100e-6, 120e-6])
