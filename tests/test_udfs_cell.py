"""Cell UDFs called exactly as Excel delivers values on Linux (decorators are no-ops there):
a scalar, a list of lists for a range, None for a blank cell, float for numbers, str for text."""
import numpy as np
import pytest

import udfs
from udfs.cell import (XLCELL_AREAL_CAPACITY, XLCELL_BRUGGEMAN, XLCELL_CELL, XLCELL_CELL_TABLE, XLCELL_CELL_VALUE,
                       XLCELL_COATING_DENSITY, XLCELL_CT_ASI, XLCELL_DIFFUSION_TIME, XLCELL_MATERIAL, XLCELL_MATERIALS,
                       XLCELL_MAX_THICKNESS, XLCELL_NEG_THICKNESS, XLCELL_NP_RATIO, XLCELL_RATE_CAPABILITY,
                       XLCELL_SPECIFIC_AREA, XLCELL_VERSION)
from xlcell.cell import evaluate_cell
from xlcell.design import design_from_mapping

DESIGN = [["Positive electrode", None], ["pos_material", "NMC811"], ["pos_thickness_um", 120.0],
          ["pos_porosity", 0.25], [None, None], ["pos_specific_capacity_mAh_g", None], ["np_ratio", 1.1]]

ISSUE_METRICS = """pos_areal_capacity_mAh_cm2 neg_areal_capacity_mAh_cm2 np_ratio neg_thickness_um capacity_Ah energy_Wh
specific_energy_Wh_kg energy_density_Wh_L asi_electrolyte_ohm_cm2 asi_electronic_ohm_cm2 asi_ct_pos_ohm_cm2
asi_ct_neg_ohm_cm2 asi_total_ohm_cm2 resistance_mohm max_power_W t_diff_solid_pos_s t_diff_solid_neg_s
t_diff_electrolyte_pos_s t_diff_electrolyte_neg_s max_pos_thickness_um feasible""".split()


def test_cell_returns_two_column_metrics_matching_the_model():
    out = XLCELL_CELL(DESIGN)
    assert all(len(r) == 2 for r in out)
    got = dict(out)
    assert set(ISSUE_METRICS) <= set(got)
    ref = evaluate_cell(design_from_mapping({"pos_thickness_um": 120.0, "pos_porosity": 0.25})).as_display()
    for k in ISSUE_METRICS:
        assert got[k] == pytest.approx(np.asarray(ref[k]).item(), rel=1e-12)
    assert got["pos_areal_capacity_mAh_cm2"] == pytest.approx(8.0691897, rel=1e-7)  # BatPaC 5.0 §2.2
    assert isinstance(got["feasible"], bool) and isinstance(got["capacity_Ah"], float)


@pytest.mark.parametrize("design,expected", [
    ([["pos_porosity", 1.2]], "#XLCELL! pos_porosity = 1.2: must be a number between 0 and 1 (exclusive)"),
    ([["pos_thickness_um", -5.0]], "#XLCELL! pos_thickness_um = -5: must be a number between 0 and 2000 µm"),
    ([["pos_thickness_um", "thick"]], "#XLCELL! pos_thickness_um = 'thick': must be a number"),
    ([["pos_porositi", 0.3]], "#XLCELL! unknown design key 'pos_porositi'; did you mean"),
    ([["pos_material", "Graphite"]], "#XLCELL! pos_material = 'Graphite': must be a positive-electrode material"),
    ([["pos_material", "Unobtainium"]], "#XLCELL! unknown material 'Unobtainium'"),
    ([["neg_thickness_um", 150.0], ["np_ratio", 1.1]], "#XLCELL! give neg_thickness_um or np_ratio, not both"),
    ([["pos_porosity", 0.2], ["pos_porosity", 0.3]], "#XLCELL! design = 'pos_porosity': must be each key once"),
    ([[1.0]], "#XLCELL! design is 1x1: expected two columns"),
    ([["pos_am_frac", 0.9]], "#XLCELL! pos_am_frac + pos_carbon_frac + pos_binder_frac = 0.94: must be 1"),
])
def test_bad_input_gives_a_short_error_text(design, expected):
    out = XLCELL_CELL(design)
    assert out == [[out[0][0]]] and out[0][0].startswith(expected)
    assert "Traceback" not in out[0][0] and len(out[0][0]) < 220


def test_blank_values_take_defaults():
    a = dict(XLCELL_CELL([["pos_thickness_um", None], ["pos_porosity", ""]]))
    b = dict(XLCELL_CELL([["pos_thickness_um", 120.0]]))
    assert a["capacity_Ah"] == b["capacity_Ah"]


def test_numbers_typed_as_text_are_accepted():
    assert dict(XLCELL_CELL([["pos_thickness_um", "100"]]))["pos_thickness_um"] == pytest.approx(100.0)


def test_cell_value_and_unknown_metric():
    assert XLCELL_CELL_VALUE(DESIGN, "Capacity_Ah") == pytest.approx(68.179107, rel=1e-7)
    assert XLCELL_CELL_VALUE(DESIGN, "capacity").startswith("#XLCELL! unknown metric 'capacity'")
    assert XLCELL_CELL_VALUE(DESIGN, None).startswith("#XLCELL! metric = blank")


def test_table_form_evaluates_many_designs_in_one_call():
    n = 2000
    th = np.linspace(40.0, 160.0, n)
    table = [["pos_thickness_um", "pos_porosity", "pos_material"]] + [[float(t), 0.3, "NMC811"] for t in th]
    out = XLCELL_CELL_TABLE(table, [["capacity_Ah", "energy_Wh", "feasible"]])
    assert out[0] == ["capacity_Ah", "energy_Wh", "feasible"] and len(out) == n + 1
    ref = evaluate_cell(design_from_mapping({"pos_thickness_um": th, "pos_porosity": 0.3})).as_display()
    np.testing.assert_allclose([r[1] for r in out[1:]], ref["energy_Wh"], rtol=1e-12)
    full = XLCELL_CELL_TABLE(table[:3])
    assert "max_power_W" in full[0] and len(full) == 3


def test_table_errors_name_the_row():
    out = XLCELL_CELL_TABLE([["pos_thickness_um", "pos_porosity"], [80.0, 0.3], [90.0, "x"]])
    assert out[0][0] == "#XLCELL! pos_porosity (row 2) = 'x': must be a number"
    out = XLCELL_CELL_TABLE([["pos_thickness_um"], [80.0], [-1.0]])
    assert "(design 2)" in out[0][0]
    assert XLCELL_CELL_TABLE([["pos_thickness_um"]])[0][0].startswith("#XLCELL! designs is 1 row(s): expected a header row")


def test_user_defined_material_through_the_materials_range():
    header = [m for m in XLCELL_MATERIALS()[0]]
    mats = [header, ["MyNMC", "positive", 250.0, 4.7, 3.8, 3.0, 0.6, 1e-14, 10.0]]
    got = dict(XLCELL_CELL([["pos_material", "MyNMC"]], mats))
    base = dict(XLCELL_CELL([["pos_material", "NMC811"]]))
    # same electrode but 250 instead of 213.6 mAh/g: capacity scales with q·w_AM·ρ_coat
    assert got["pos_areal_capacity_mAh_cm2"] > base["pos_areal_capacity_mAh_cm2"]
    assert XLCELL_MATERIAL("MyNMC", "specific_capacity_mAh_g", mats) == 250.0


def test_scalar_relations_against_batpac():
    # BatPaC 5.0 §2.2 (shared/reference/batpac5.md)
    rho = XLCELL_COATING_DENSITY(0.25, [[0.96, 0.02, 0.02]], [[4.65, 1.825, 1.77]])
    assert rho == pytest.approx(3.2792626, rel=1e-7)
    qa = XLCELL_AREAL_CAPACITY(120.0, rho, 0.96, 213.6)
    assert qa == pytest.approx(8.0691897, rel=1e-7)
    qv_n = 0.58131352 * 1000  # mAh/cm³
    assert XLCELL_NEG_THICKNESS(qa, 1.1, qv_n) == pytest.approx(152.69056, rel=1e-7)
    assert XLCELL_NP_RATIO(8.8761087, 8.0691897) == pytest.approx(1.1, rel=1e-7)
    a = XLCELL_SPECIFIC_AREA(0.72007481, 6.0)
    assert a == pytest.approx(3600.3741, rel=1e-7)
    ct = XLCELL_CT_ASI(25.0, 0.5, a, 152.69056)
    assert ct == pytest.approx(0.9346633 * (8.314462618 / 8.314) * (96485 / 96485.33212), rel=1e-6)


def test_transport_relations():
    assert XLCELL_BRUGGEMAN(1.0, 0.25, None) == pytest.approx(0.125)
    assert XLCELL_BRUGGEMAN(1.0, 0.25, 2.0) == pytest.approx(0.0625)
    assert XLCELL_DIFFUSION_TIME(10.0, 1e-14) == pytest.approx(1e-10 / 1e-14)
    # largest length whose L²/D equals the discharge time at 1C, D = 1e-10 m²/s: sqrt(1e-10·3600) = 600 µm
    assert XLCELL_MAX_THICKNESS(1.0, 1e-10, None) == pytest.approx(600.0)
    assert XLCELL_MAX_THICKNESS(4.0, 1e-10, None) == pytest.approx(300.0)
    assert XLCELL_BRUGGEMAN(1.0, 1.5, None).startswith("#XLCELL! porosity = 1.5")
    assert XLCELL_DIFFUSION_TIME(None, 1e-14) == "#XLCELL! length_um = blank: must be a number"


def test_single_cell_ranges_and_1x1_lists():
    assert XLCELL_BRUGGEMAN([[1.0]], [[0.25]], None) == pytest.approx(0.125)
    assert XLCELL_BRUGGEMAN([[1.0, 2.0]], 0.25, None).startswith("#XLCELL! kappa0_S_m is a range of 2 cells")


def test_rate_capability_table():
    out = XLCELL_RATE_CAPABILITY(DESIGN, [[0.5], [1.0], [2.0]])
    assert out[0] == ["c_rate", "usable_fraction", "usable_capacity_Ah"]
    fr = [r[1] for r in out[1:]]
    assert fr == sorted(fr, reverse=True) and 0 < fr[-1] < fr[0] <= 1
    assert XLCELL_RATE_CAPABILITY(DESIGN, [[0.0]])[0][0].startswith("#XLCELL! c_rates = 0")


def test_materials_and_version():
    rows = XLCELL_MATERIALS("positive")
    assert rows[0][0] == "name" and all(r[1] == "positive" for r in rows[1:])
    assert XLCELL_MATERIAL("nmc811", "Specific_Capacity_mAh_g") == 213.6
    assert XLCELL_MATERIAL("LFP", "role") == "positive"
    assert XLCELL_VERSION() == __import__("xlcell").__version__


def test_an_unexpected_exception_still_gives_a_cell_text(monkeypatch):
    import udfs.cell as uc

    monkeypatch.setattr(uc, "evaluate_cell", lambda d, *a, **kw: 1 / 0)
    out = uc.XLCELL_CELL([["pos_thickness_um", 100.0]])
    assert out[0][0].startswith("#XLCELL! internal error (ZeroDivisionError")


def test_every_udf_is_registered_and_documented():
    funcs = udfs.udf_functions()
    assert len(funcs) >= 15
    for name, f in funcs.items():
        assert f.__doc__ and len(f.__doc__.strip()) > 20, name
        import inspect

        for p in inspect.signature(f).parameters.values():
            assert p.kind is p.POSITIONAL_OR_KEYWORD, (name, p)  # xlwings rejects keyword-only args


def test_table_keeps_blank_rows_aligned_with_the_input():
    table = [["pos_thickness_um", "pos_porosity"], [80.0, 0.3], [None, None], ["", None], [100.0, 0.3], [None, None]]
    out = XLCELL_CELL_TABLE(table, [["pos_thickness_um", "capacity_Ah"]])
    assert len(out) == len(table)
    assert out[1][0] == pytest.approx(80.0) and out[4][0] == pytest.approx(100.0)
    assert out[2] == ["", ""] and out[3] == ["", ""] and out[5] == ["", ""]
    ref = evaluate_cell(design_from_mapping({"pos_thickness_um": np.array([80.0, 100.0]), "pos_porosity": 0.3}))
    np.testing.assert_allclose([out[1][1], out[4][1]], ref.as_display()["capacity_Ah"], rtol=1e-12)
    assert XLCELL_CELL_TABLE([["pos_thickness_um"], [None], [None]])[0][0].startswith(
        "#XLCELL! designs is header only: expected at least one row of values")


def test_a_blank_table_cell_takes_the_keys_default():
    keys = ["pos_material", "pos_thickness_um", "pos_porosity", "pos_specific_capacity_mAh_g", "neg_thickness_um",
            "np_ratio"]
    table = [keys,
             ["NMC811", 100.0, 0.3, 200.0, 130.0, None],   # neg thickness given
             [None, None, None, None, None, 1.2],           # all defaults, N/P 1.2 sets the negative
             ["LFP", 90.0, "", None, None, None]]           # LFP's own capacity, default N/P
    out = XLCELL_CELL_TABLE(table, [["pos_thickness_um", "pos_coating_density_g_cm3", "np_ratio", "neg_thickness_um",
                                     "capacity_Ah"]])
    assert len(out) == 4 and all(isinstance(x, float) for r in out[1:] for x in r), out
    rows = [{"pos_thickness_um": 100.0, "pos_porosity": 0.3, "pos_specific_capacity_mAh_g": 200.0, "neg_thickness_um": 130.0},
            {"np_ratio": 1.2}, {"pos_material": "LFP", "pos_thickness_um": 90.0}]
    for got, d in zip(out[1:], rows):
        ref = evaluate_cell(design_from_mapping(d)).as_display()
        assert got == pytest.approx([float(ref[k]) for k in out[0]], rel=1e-12)
    assert out[2][2] == pytest.approx(1.2) and out[3][2] == pytest.approx(1.1)  # the documented default N/P
    assert out[2][0] == pytest.approx(120.0)  # BatPaC default positive thickness


def test_a_row_giving_both_negative_thickness_and_np_ratio_is_named():
    out = XLCELL_CELL_TABLE([["neg_thickness_um", "np_ratio"], [130.0, None], [140.0, 1.1]])
    assert out[0][0] == "#XLCELL! give neg_thickness_um or np_ratio, not both (design 2) (the other follows from it)"


def test_max_thickness_udf_and_cell_metric_are_documented_as_different_criteria():
    # XLCELL_MAX_THICKNESS: L²/D_eff = 3600/C; XLCELL_CELL: depletion number = critical (stricter, ∝ L²)
    d_eff = 3.0e-10 * 0.25**1.5
    simple = XLCELL_MAX_THICKNESS(1.0, d_eff)
    assert simple == pytest.approx((d_eff * 3600) ** 0.5 * 1e6)
    cell = dict(XLCELL_CELL([["c_rate", 1.0]]))["max_pos_thickness_um"]
    assert cell < simple
    assert f"{cell:.0f} µm against {simple:.0f} µm" in XLCELL_CELL.__doc__
    assert f"{cell:.0f} µm there against {simple:.0f} µm here" in XLCELL_MAX_THICKNESS.__doc__


def test_coating_density_names_the_negative_fraction_not_the_sum():
    assert XLCELL_COATING_DENSITY(0.25, [[1.1, -0.1]], [[4.65, 1.8]]) == \
        "#XLCELL! mass_fractions[2] = -0.1: must be a fraction >= 0"
    assert XLCELL_COATING_DENSITY(0.25, [[0.5, 0.4]], [[4.65, 1.8]]).startswith(
        "#XLCELL! sum of mass_fractions = 0.9: must be 1")


def test_a_design_laid_out_across_a_row_gets_a_hint():
    out = XLCELL_CELL([["pos_thickness_um", "pos_porosity", "np_ratio"], [120.0, 0.3, 1.1]])
    assert out[0][0].startswith("#XLCELL! design is laid out across a row")
    assert "lay keys down the first column" in out[0][0] and len(out[0][0]) < 220
    assert "lay keys" in XLCELL_CELL_VALUE([["pos_thickness_um", "pos_porosity"], [120.0, 0.3]], "energy_Wh")


def test_unknown_property_message_is_plural_english():
    assert XLCELL_MATERIAL("NMC811", "zzzz") == "#XLCELL! unknown material property 'zzzz'; see the list of material properties"


@pytest.mark.parametrize("eps", [0.0, 1.0])
def test_porosity_end_points_are_rejected(eps):
    assert XLCELL_CELL([["pos_porosity", eps]])[0][0].startswith(f"#XLCELL! pos_porosity = {eps:g}: must be")
    assert XLCELL_COATING_DENSITY(eps, [[1.0]], [[4.65]]).startswith(f"#XLCELL! porosity = {eps:g}: must be")


def test_cells_never_get_a_non_finite_number_or_an_endless_message():
    """Issue 12: extreme inputs give a #XLCELL! text, not inf/NaN (Excel shows 65535 or #NUM!); a huge bad input
    is echoed cut short and the whole text stays within Excel's 255 characters."""
    import inspect
    import math

    import udfs

    funcs = udfs.udf_functions()
    tried = 0
    for name, f in funcs.items():
        if f.__xlcell_table__:
            continue
        n = sum(p.default is inspect.Parameter.empty for p in inspect.signature(f).parameters.values())
        for extreme in (1e308, -1e308, 1e-308, 0.0):
            out = f(*[extreme] * n)
            tried += 1
            assert not (isinstance(out, float) and not math.isfinite(out)), (name, extreme, out)
            assert not isinstance(out, str) or len(out) <= 255, (name, extreme)
    assert tried > 100
    assert funcs["XLCELL_CT_ASI"](1e-308, 1e-308, 1e-308, 1e-308).startswith("#XLCELL! the result is infinite")
    long = funcs["XLCELL_CELL"]([["pos_material", "x" * 1_000_000]])[0][0]
    assert long.startswith("#XLCELL! unknown material 'xxxx") and len(long) <= 255
    huge = funcs["XLCELL_CELL"]([["pos_thickness_um", 1e308]])[0][0]
    assert "1e+308" in huge and len(huge) < 120


def test_rate_capability_by_the_porous_model():
    # the reduced DFN (xlcell.porous) on the same design: the same table's layout; at C/2 both models deliver nearly
    # all of the window, and the porous one loses capacity as the C-rate rises
    closed = XLCELL_RATE_CAPABILITY(DESIGN, [[0.5], [2.0], [4.0]])
    porous = XLCELL_RATE_CAPABILITY(DESIGN, [[0.5], [2.0], [4.0]], None, "porous")
    assert porous[0] == closed[0] == ["c_rate", "usable_fraction", "usable_capacity_Ah"]
    f = [row[1] for row in porous[1:]]
    assert f[0] == pytest.approx(closed[1][1], abs=0.03) and f[0] > f[1] > f[2] > 0
    assert XLCELL_RATE_CAPABILITY(DESIGN, [[1.0]], None, "Reduced DFN")[1] == pytest.approx(
        XLCELL_RATE_CAPABILITY(DESIGN, [[1.0]], None, "porous")[1])


def test_rate_capability_names_an_unknown_model():
    out = XLCELL_RATE_CAPABILITY(DESIGN, [[1.0]], None, "dfn")
    text = out if isinstance(out, str) else out[0][0]
    assert text.startswith("#XLCELL!") and "model" in text and "porous" in text


def test_rate_capability_model_help_fits_the_function_wizard():
    # Excel's function wizard shows at most 255 characters of an argument's help; the model argument's was cut
    # ("...about a second per…"), losing how long the porous model takes
    from udfs._excel import WIZARD_LIMIT, parse_udf_doc

    fn = getattr(XLCELL_RATE_CAPABILITY, "__wrapped__", XLCELL_RATE_CAPABILITY)
    help_ = parse_udf_doc(fn)[1]["model"]
    assert not help_.endswith("…") and len(help_) <= WIZARD_LIMIT
    assert '"closed form"' in help_ and '"porous"' in help_ and "C-rate" in help_
