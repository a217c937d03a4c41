"""The report's Calendering section: values from the calendering model, native charts."""
import numpy as np
import pytest
from openpyxl import load_workbook

from app.report import write_report
from xlcell.calendering import calendering_performance, get_calendering_material
from xlcell.design import design_from_mapping
from xlcell.studies import CalenderingStudy
from xlcell.units import to_display

# the report's scenario, in the display units the old module constants had
LINE_LOADS_N_MM = to_display(CalenderingStudy().line_loads_N_m, "N/mm")
SOLIDS_FRACTION = CalenderingStudy().solids_fraction

pytestmark = pytest.mark.slow  # writes and reads back report workbooks


def _table(ws):
    rows = list(ws.iter_rows(values_only=True))
    top = next(i for i, r in enumerate(rows) if r[0] == "Line load (N/mm)")
    return rows[top], rows[top + 1: top + 1 + LINE_LOADS_N_MM.size]


def test_calendering_section_matches_the_model(tmp_path):
    p = write_report(tmp_path / "r.xlsx", {"pos_thickness_um": 100.0})
    ws = load_workbook(p)["Calendering"]
    assert len(ws._charts) == 3
    header, rows = _table(ws)
    d = design_from_mapping({"pos_thickness_um": 100.0})
    micro, cell = calendering_performance(d, LINE_LOADS_N_MM * 1e3, solids_fraction=SOLIDS_FRACTION,
                                          material=get_calendering_material("NMC811"))
    np.testing.assert_allclose([r[1] for r in rows], micro.porosity, rtol=1e-12)
    np.testing.assert_allclose([r[7] for r in rows], cell.energy_density_J_m3 / 3.6e6, rtol=1e-12)
    assert header[7] == "Energy density (Wh/L)"
    facts = {r[0]: r[1] for r in ws.iter_rows(min_row=5, max_row=13, values_only=True)}
    assert facts["Design porosity"] == pytest.approx(0.25)
    assert facts["Fracture-limited line load"] == pytest.approx(952.896, rel=1e-5)


def test_calendering_section_for_a_material_without_parameters(tmp_path):
    from xlcell.materials import Material

    extra = {"MYOXIDE": Material(name="MyOxide", role="positive", specific_capacity_C_kg=7e5, am_density_kg_m3=4.7e3,
                                 potential_V=3.8, particle_radius_m=5e-6, exchange_current_A_m2=6.0,
                                 solid_diffusivity_m2_s=1e-14, conductivity_S_m=10.0,
                                 am_price_usd_kg=20.0)}  # a new material needs a price for the report's cost section
    p = write_report(tmp_path / "r.xlsx", {"pos_material": "MyOxide"}, materials=extra)
    ws = load_workbook(p)["Calendering"]
    assert "No calendering parameters for MyOxide" in ws["A4"].value


def test_a_report_of_an_lfp_cell_says_why_in_the_row_of_the_line_load_without_a_rated_cell(tmp_path):
    # `xlcell report --set pos_material=LFP` (and LMFP, LMO, LNMO) failed whole, then showed one note instead of the
    # sweep: at 0 N/mm those coatings do not conduct and the chain refuses that cell (no rated voltage). Now that row
    # keeps its microstructure and says why; every other line load shows its numbers, those of the model.
    wb = load_workbook(write_report(tmp_path / "lfp.xlsx", {"pos_material": "LFP"}))
    summary = {r[0]: r[1] for r in wb["Summary"].iter_rows(min_row=5, values_only=True) if r[0]}
    assert summary["Energy"] > 100  # the cell itself is fine
    ws = wb["Calendering"]
    assert len(ws._charts) == 3
    header, rows = _table(ws)
    assert header[10] == "Note"
    micro, cell = calendering_performance(design_from_mapping({"pos_material": "LFP"}), LINE_LOADS_N_MM * 1e3,
                                          solids_fraction=SOLIDS_FRACTION, material=get_calendering_material("LFP"))
    assert micro.rated.tolist() == [False] + [True] * (LINE_LOADS_N_MM.size - 1)
    first = rows[0]
    assert first[0] == 0.0 and first[1] == pytest.approx(micro.porosity[0], rel=1e-12)
    assert first[7:10] == (None, None, None)  # empty: no number, a gap in the charts
    assert first[10].startswith("refused: no rated cell at 0 N/mm: the coating does not conduct (carbon volume "
                                "fraction 0.0192 below its percolation threshold 0.02")
    assert micro.carbon_volume_fraction[0] < micro.percolation_threshold[0] == 0.02  # the note's numbers: the model's
    np.testing.assert_allclose([r[7] for r in rows[1:]], cell.energy_density_J_m3[1:] / 3.6e6, rtol=1e-12)
    np.testing.assert_allclose([r[9] for r in rows[1:]], cell.max_power_W[1:], rtol=1e-12)
    assert all(r[10] is None for r in rows[1:])


def test_a_report_whose_every_line_load_is_rated_has_no_note_column(tmp_path):
    header, _ = _table(load_workbook(write_report(tmp_path / "r.xlsx", {}))["Calendering"])
    assert len([h for h in header if h]) == 10 and "Note" not in header
