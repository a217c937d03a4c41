"""Parameter sets as data (issue 11 item 5): the records in xlcell/data/*.toml, their units and sources."""
from __future__ import annotations

import dataclasses
import fnmatch
import math
import re
import tomllib
from pathlib import Path

import pytest

from xlcell import paramsets
from xlcell.bom import CellFormat, MaterialPrices, MaterialYields, Slurry
from xlcell.calendering import CALENDERING_MATERIALS, CalenderingMaterial
from xlcell.cell import CellDesign, ElectrodeDesign, SeparatorDesign, default_design
from xlcell.cost import Economics
from xlcell.errors import UnknownKeyError
from xlcell.factory import DEFAULT_STEPS, Plant, step_rows
from xlcell.materials import LIBRARY, Material
from xlcell.formats import CanFormat
from xlcell.pack import PackDesign
from xlcell.params import param, specs
from xlcell.paramsets import DataFileError, parameter_set, parameter_sets
from xlcell.units import UNITS

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "xlcell" / "data"


def test_the_three_sets_are_listed_with_their_records():
    sets = parameter_sets()
    assert list(sets) == ["materials", "calendering_materials", "batpac5_default", "xlcell_default"]
    assert [r.name for r in sets["xlcell_default"].records] == ["economics"]
    assert [r.name for r in sets["materials"].records] == [m.name for m in LIBRARY.values()]
    assert [r.name for r in sets["calendering_materials"].records] == [m.name for m in CALENDERING_MATERIALS.values()]
    groups = [r.name for r in sets["batpac5_default"].records]
    assert groups[:11] == ["design.positive", "design.negative", "design.separator", "design.cell", "cell_format",
                           "prices", "yields", "slurry", "plant", "economics", "pack"]
    assert groups[11:] == [f"process_step: {s.name}" for s in DEFAULT_STEPS] and len(DEFAULT_STEPS) == 25
    assert parameter_set("BatPaC5_Default")["Prices"].name == "prices"  # case-insensitive
    with pytest.raises(UnknownKeyError, match="parameter set"):
        parameter_set("batpac6")
    with pytest.raises(UnknownKeyError, match="unknown materials record 'NMC81'"):
        sets["materials"]["NMC81"]


def test_every_record_has_a_source_with_a_reference():
    for name, ps in parameter_sets().items():
        assert ps.title and ps.source, name
        for r in ps.records:
            assert r.source.strip(), (name, r.name)
            assert r.reference == paramsets.sources(name)[r.source] and len(r.reference) > 40, (name, r.name)
    # the short source is what the sheets show beside each library row
    assert LIBRARY["NMC811"].source == "BatPaC 5.0 default case"
    assert all(m.source for m in CALENDERING_MATERIALS.values())
    assert all(s.source == "BatPaC 5.0 §5.2; xlcell machine data" for s in DEFAULT_STEPS)


def test_every_numeric_field_has_a_unit():
    for name, ps in parameter_sets().items():
        for r in ps.records:
            assert r.fields, (name, r.name)
            for key, label, value, unit in r.fields:
                assert label and unit, (name, r.name, key)
                if not isinstance(value, str) and key not in ("baseline", "machine_baseline", "energy_kWh_per_unit"):
                    assert unit in UNITS and unit != "text", (name, r.name, key, unit)
    # every numeric field of every record class carries its display unit in the metadata
    for cls in (Material, CalenderingMaterial, ElectrodeDesign, SeparatorDesign, CellDesign, CellFormat, CanFormat,
                MaterialPrices, MaterialYields, Slurry, Plant, Economics, PackDesign):
        numeric = [f.name for f in dataclasses.fields(cls)
                   if f.name not in ("name", "role", "source", "price_source", "pos", "neg", "sep", "can",
                                "carrier", "window_basis", "life_model", "active_material")]
        assert sorted(numeric) == sorted(s.name for s in specs(cls)), cls.__name__
        assert all(s.unit in UNITS for s in specs(cls)), cls.__name__


def test_every_key_of_the_files_is_a_field_with_a_unit():
    """A value in a data file is named by a sheet key (display unit) or an SI field name, never a bare number."""
    for path, cls in (("materials", Material), ("calendering_materials", CalenderingMaterial)):
        extra = ({"price_source", "carrier", "window_basis", "cites", "life_model"} if cls is Material
                 else {"active_material"})  # a calibrated variant names the library material it calibrates
        keys = {s.key for s in specs(cls)} | {"name", "role", "source"} | extra
        for rec in paramsets.records(path, "material"):
            assert set(rec) <= keys and set(rec) >= keys - {"role"} - extra, rec["name"]
    data = paramsets.load("batpac5_default")
    assert set(data) == {"parameter_set", "sources", "design", "cell_format", "batpac_mode", "prices", "yields",
                         "slurry", "plant", "economics", "process_step", "pack"}


def test_names_are_unique():
    for names in ([m.name.upper() for m in LIBRARY.values()], [m.name.upper() for m in CALENDERING_MATERIALS.values()],
                  [s.name.lower() for s in DEFAULT_STEPS]):
        assert len(names) == len(set(names))
    for rec in paramsets.records("calendering_materials", "material"):  # calendering names are library names, or
        # a calibrated variant of one (NMC811_dem: the DEM-fitted compaction law of NMC811) names it
        assert str(rec.get("active_material", rec["name"])).upper() in LIBRARY, rec["name"]


def test_materials_round_trip_to_the_published_values():
    # BatPaC 5.0 (Argonne, 2022-07-22) digest §2.1: NMC811 213.6 mAh/g, 4.65 g/cm³, r = 2 µm, i0 = 0.6 mA/cm²;
    # graphite 360.4 mAh/g, 2.24 g/cm³, r = 6 µm, i0 = 0.5 mA/cm²
    nmc, gr = parameter_set("materials")["NMC811"], parameter_set("materials")["Graphite"]
    shown = {k: v for k, _, v, _ in nmc.fields}
    assert shown == {"specific_capacity_mAh_g": 213.6, "am_density_g_cm3": 4.65, "potential_V": 3.8132049,
                     "particle_radius_um": 2.0, "exchange_current_mA_cm2": 0.6, "solid_diffusivity_m2_s": 4e-15,
                     "conductivity_S_m": 0.01, "price_usd_per_kg": 26.0,  # the active matrix's (issue 17)
                     # issue 13: BatPaC's capacity is the practical one (no window applied on top); LiNi0.8Mn0.1Co0.1O2
                     # is 275.5 mAh/g in theory, and BatPaC's couple cycles 3.0-4.25 V (its OCV at 0 and 100 % SOC)
                     "theoretical_capacity_mAh_g": 275.5, "x_min": None, "x_max": None, "v_min_V": 3.0, "v_max_V": 4.25,
                     # issue 13: the OCP slope at 50 % SOC per window, Chen et al. 2020's NMC811 OCP
                     "ocv_slope_V": 0.9183,
                     # and its losses from 50 % SOC at 10, 5 and 0 % SOC (the pulse's OCV curve), the same OCP
                     "ocv_loss_soc10_V": 0.231, "ocv_loss_soc5_V": 0.2549, "ocv_loss_soc0_V": 0.2787}
    assert {k: v for k, _, v, _ in gr.fields}["specific_capacity_mAh_g"] == 360.4
    # the SI records the models use: the same numbers as the library's old rows (mAh/g × 3.6e3 = C/kg, ...)
    m = LIBRARY["NMC811"]
    assert (m.specific_capacity_C_kg, m.am_density_kg_m3, m.particle_radius_m, m.exchange_current_A_m2) == \
        (213.6 * 3.6e3, 4.65 * 1e3, 2.0 * 1e-6, 0.6 * 10.0)
    g = LIBRARY["GRAPHITE"]
    assert (g.specific_capacity_C_kg, g.am_density_kg_m3, g.particle_radius_m, g.exchange_current_A_m2) == \
        (360.4 * 3.6e3, 2.24 * 1e3, 6.0 * 1e-6, 0.5 * 10.0)
    # NMC811 - graphite = BatPaC's OCV at 50 % SOC, 3.71320488 V (§2.1)
    assert m.potential_V - g.potential_V == pytest.approx(3.71320488, abs=1e-7)
    # issue 13: LFP cycles the About:Energy 2 Ah 18650's window, x = 0.0875-0.95038 (BPX set, 2022), of LiFePO4's
    # 169.9 mAh/g -> 146.6 mAh/g; its mean potential is BatPaC's LFP-G OCV at 50 % SOC, 3.3246573 V, + graphite's 0.10 V
    lfp = LIBRARY["LFP"]
    assert lfp.specific_capacity_C_kg == pytest.approx(169.9 * (0.95038 - 0.0875) * 3.6e3, rel=1e-12)
    assert (lfp.x_min, lfp.x_max, lfp.potential_V) == (0.0875, 0.95038, 3.4246573)



def test_every_material_has_a_cited_price():
    # BatPaC 5.0 (Argonne, 2022-07-22), worksheet "Chem", cost of active material per couple ($/kg): NMC333-G 25.5,
    # NMC532-G 24, NMC622-G 25, NMC811-G 26, NCA-G 26, LFP-G 10, LMO-G 9; graphite 10 (every -G couple), LTO 15 (LMO-LTO)
    published = {"NMC333": 25.5, "NMC532": 24.0, "NMC622": 25.0, "NMC811": 26.0, "NCA": 26.0, "LFP": 10.0, "LMO": 9.0,
                 "GRAPHITE": 10.0, "LTO": 15.0}
    assert {k: m.am_price_usd_kg for k, m in LIBRARY.items() if k in published} == published
    for k, m in LIBRARY.items():
        if k in published:
            assert "BatPaC 5.0" in paramsets.reference("materials", m.price_source), m.name
        else:  # issue 14's chemistries that BatPaC does not price: a price, said plainly to be assumed
            assert m.am_price_usd_kg > 0 and m.price_source == "assumed", m.name
    # the default case's two prices are the digest's (§3.1): NMC811 $26/kg, graphite $10/kg
    assert (LIBRARY["NMC811"].am_price_usd_kg, LIBRARY["GRAPHITE"].am_price_usd_kg) == (26.0, 10.0)


def test_the_materials_table_shows_the_records():
    from udfs.cell import XLCELL_MATERIAL, XLCELL_MATERIALS

    rows = XLCELL_MATERIALS()
    nmc = dict(zip(rows[0], next(r for r in rows if r[0] == "NMC811")))
    assert (nmc["specific_capacity_mAh_g"], nmc["am_density_g_cm3"], nmc["particle_radius_um"]) == \
        pytest.approx((213.6, 4.65, 2.0), rel=1e-12)
    assert XLCELL_MATERIAL("graphite", "specific_capacity_mAh_g") == pytest.approx(360.4, rel=1e-12)


def test_the_batpac_default_case_round_trips_to_the_digest():
    case = parameter_set("batpac5_default")

    def shown(group):
        return {k: v for k, _, v, _ in case[group].fields}

    # §2.1: positive 120 µm, ε = 0.25, 96/2/2 wt%, carbon 1.825 and PVDF 1.77 g/cm³, Al foil 15 µm at 2.7 g/cm³
    pos = shown("design.positive")
    assert (pos["material"], pos["thickness_um"], pos["porosity"], pos["am_frac"], pos["carbon_frac"], pos["binder_frac"],
            pos["carbon_density_g_cm3"], pos["binder_density_g_cm3"], pos["foil_um"], pos["foil_density_g_cm3"]) == \
        ("NMC811", 120.0, 0.25, 0.96, 0.02, 0.02, 1.825, 1.77, 15.0, 2.7)
    assert shown("design.negative")["thickness_um"] is None  # §2.1: from N/P (152.69 µm), blank = derived
    assert shown("design.separator") == {"thickness_um": 15.0, "porosity": 0.5, "density_g_cm3": 0.473,
                                           "bruggeman_exponent": None}  # blank: the cell's exponent
    assert shown("design.cell")["np_ratio"] == 1.1 and shown("design.cell")["electrode_area_cm2"] == 8449.3127  # §2.3
    assert shown("cell_format")["cell_thickness_mm"] == 20.110918  # §2.5
    assert shown("cell_format")["pouch_density_g_cm3"] == pytest.approx(2.2021333, abs=1e-7)  # §2.5
    # §3.1 prices, §3.2 yields, §3.4 solvent
    prices = shown("prices")
    assert (prices["pos_am_usd_kg"], prices["neg_am_usd_kg"], prices["pos_solvent_usd_kg"], prices["pos_foil_usd_m2"],
            prices["neg_foil_usd_m2"], prices["separator_usd_m2"], prices["electrolyte_usd_L"]) == (None, None, 2.7, 0.2, 1.2, 0.9, 10)
    # the active materials are blank: the design's materials at their library prices, §3.1's $26 and $10 /kg
    assert (LIBRARY["NMC811"].am_price_usd_kg, LIBRARY["GRAPHITE"].am_price_usd_kg) == (26.0, 10.0)
    assert (prices["pouch_plus_usd"], prices["hardware_volume_exponent"], prices["hardware_baseline_cells"]) == (0.2, 0.85, 211e6)
    assert shown("yields") == {"mixing_yield": 0.99, "coating_yield": 0.95, "slitting_electrode_yield": 0.99,
                               "slitting_foil_yield": 0.92, "stacking_electrode_yield": 0.99,
                               "stacking_separator_yield": 0.98, "filling_yield": 0.99, "yield_rounding": 0.001}
    assert shown("slurry")["pos_solvent_to_binder"] == 16 and shown("slurry")["nmp_recovery"] == 0.995
    # §4: 50 GWh/yr, 320 days; §6.1: $25/h, $3,000/m², 10-year equipment life
    assert (shown("plant")["plant_energy_GWh_yr"], shown("plant")["operating_days"]) == (50, 320)
    eco = shown("economics")
    assert (eco["labor_rate_usd_h"], eco["building_cost_usd_m2"], eco["equipment_life_yr"]) == (25, 3000, 10)
    # §5.2 step 18: formation, 211e6 cells, 560,000 h ^0.7, 830 M$ ^0.95, 110,000 m² ^0.95, no D factor
    form = shown("process_step: Formation, aging & testing")
    assert (form["baseline"], form["labor0_h"], form["labor_exp"], form["capex0_musd"], form["capex_exp"],
            form["area0_m2"], form["area_exp"], form["days_factor"], form["cell_yield"]) == \
        (211e6, 560_000, 0.7, 830, 0.95, 110_000, 0.95, 0, 0.95)
    assert shown("process_step: Warehouse")["baseline"] == 50e6 and case["process_step: Warehouse"].fields[3][3] == "kWh"


def test_the_dataclass_defaults_are_the_file_values():
    """The records -> the objects the rest of the code used before: same numbers, one source of truth."""
    case = parameter_set("batpac5_default")
    for group, obj in (("cell_format", CellFormat()), ("prices", MaterialPrices()), ("yields", MaterialYields()),
                       ("slurry", Slurry()), ("plant", Plant()), ("economics", Economics.batpac5()),
                       ("design.separator", SeparatorDesign()), ("design.cell", default_design())):
        for s in specs(obj):
            a, b = getattr(obj, s.name), case[group].values[s.name]
            assert a == b or (math.isnan(a) and math.isnan(b)), (group, s.name)
    # xlcell's default economics = BatPaC's, but for xlcell_default.toml's overrides (the electricity price)
    over = parameter_set("xlcell_default")["economics"].values
    assert set(over) == {"electricity_usd_J"}
    for s in specs(Economics):
        want = over.get(s.name, case["economics"].values[s.name])
        assert getattr(Economics(), s.name) == want, s.name
    d = default_design()
    for side in ("positive", "negative"):
        for name, v in case[f"design.{side}"].values.items():
            a = getattr(d.pos if side == "positive" else d.neg, name)
            assert a == v or (math.isnan(a) and math.isnan(v)), (side, name)
    assert d.pos.thickness_m == 120e-6 and d.sep.thickness_m == 15e-6 and CellDesign.__dataclass_fields__[
        "electrode_area_m2"].default == 0.84493127  # the SI spellings keep the exact floats
    # the Factory sheet rows are the file's rows
    rows = paramsets.records("batpac5_default", "process_step")
    for row, sheet in zip(rows, step_rows(DEFAULT_STEPS)):
        for k, v in row.items():
            if k != "source":
                assert sheet[k] == (pytest.approx(v, rel=1e-12) if isinstance(v, float) else v), (row["step"], k)


def test_the_loader_refuses_what_it_cannot_convert():
    where = "test [prices]"
    assert paramsets.si_values(MaterialPrices, {"electrolyte_usd_L": 10, "pos_am_usd_kg": 26.0}, where) == \
        {"electrolyte_usd_m3": 10e3, "pos_am_usd_kg": 26.0}
    assert paramsets.si_values(MaterialPrices, {"electrolyte_usd_m3": 10e3}, where) == {"electrolyte_usd_m3": 10e3}
    with pytest.raises(DataFileError, match="'pos_am_usd' is not a key of MaterialPrices"):
        paramsets.si_values(MaterialPrices, {"pos_am_usd": 26.0}, where)
    with pytest.raises(DataFileError, match="is not a number"):
        paramsets.si_values(MaterialPrices, {"pos_am_usd_kg": "26"}, where)
    with pytest.raises(DataFileError, match="given twice"):
        paramsets.si_values(MaterialPrices, {"electrolyte_usd_L": 10, "electrolyte_usd_m3": 1e4}, where)
    with pytest.raises(DataFileError, match="no value for pos_carbon_usd_kg, "):
        paramsets.si_values(MaterialPrices, {"pos_am_usd_kg": 1.0}, where, complete=True)
    with pytest.raises(DataFileError, match="source 'nowhere' is not in"):
        paramsets.reference("materials", "nowhere")
    with pytest.raises(DataFileError, match="no parameter data file"):
        paramsets.load("batpac4")


def test_a_default_in_the_code_and_in_the_file_is_refused():
    with pytest.raises(DataFileError, match="has a default in the code"):
        @paramsets.defaults("batpac5_default", "slurry")
        class Twice:
            pos_solvent_to_binder: float = dataclasses.field(default=16.0, metadata=param("x", "-", key="pos_solvent_to_binder"))
            neg_solvent_to_binder: float = dataclasses.field(metadata=param("x", "-", key="neg_solvent_to_binder"))
            nmp_recovery: float = dataclasses.field(metadata=param("x", "-", key="nmp_recovery"))
            credit_nmp_recovery: float = dataclasses.field(metadata=param("x", "-", key="credit_nmp_recovery"))

    with pytest.raises(DataFileError, match="no value for Extra.extra_field"):
        @paramsets.defaults("batpac5_default", "slurry")
        class Extra:
            pos_solvent_to_binder: float = dataclasses.field(metadata=param("x", "-", key="pos_solvent_to_binder"))
            neg_solvent_to_binder: float = dataclasses.field(metadata=param("x", "-", key="neg_solvent_to_binder"))
            nmp_recovery: float = dataclasses.field(metadata=param("x", "-", key="nmp_recovery"))
            credit_nmp_recovery: float = dataclasses.field(metadata=param("x", "-", key="credit_nmp_recovery"))
            extra_field: float = dataclasses.field(metadata=param("x", "-", key="extra_field"))


def test_the_data_files_are_package_data():
    pkg = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["package-data"]
    files = sorted(p.relative_to(ROOT / "xlcell").as_posix() for p in DATA.iterdir())
    assert [f for f in files if f.endswith(".toml")] == sorted(f"data/{n}.toml" for n in paramsets.FILES)
    for f in (f for f in files if not f.endswith(".toml")):  # other data (the DEM calibration) is read by a module
        assert any(Path(f).name in m.read_text(encoding="utf-8") for m in (ROOT / "xlcell").glob("*.py")), f
    assert all(any(fnmatch.fnmatch(f, pat) for pat in pkg["xlcell"]) for f in files)


def test_cli_lists_the_sets_and_a_record(capsys):
    from app.cli import main

    assert main(["params"]) == 0
    out = capsys.readouterr().out
    assert "batpac5_default" in out and "materials" in out and "calendering_materials" in out
    assert main(["params", "materials", "NMC811", "--references"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"specific_capacity_mAh_g +=  ?213.6 mAh/g", out) and "source: BatPaC 5.0 default case" in out
    assert "shared/reference/batpac5.md section 2.1" in out
    assert main(["params", "batpac5_default", "prices"]) == 0
    assert "pos_am_usd_kg" in capsys.readouterr().out
    assert main(["params", "batpac5_default", "nope"]) == 2
    assert "unknown batpac5_default record 'nope'" in capsys.readouterr().err
