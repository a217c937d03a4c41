"""The template's Uncertainty sheet: inputs from metadata, and its formulas, computed by a formula engine with
our UDFs bound, equal the Python model (Monte Carlo and cell-to-cell) for the sheet's inputs."""
import numpy as np
import pytest
from batpac_mode import default_cost
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter as L
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet.formula import ArrayFormula

from udfs.uncertainty import HISTOGRAM_HEADER, MC_HEADER
from workbooks import TEMPLATE_PATH, roundtrip
from workbooks.sheets import uncertainty as sheet
from xlcell.design import design_from_mapping
from xlcell.params import specs
from xlcell.uncertainty import (DEFAULT_OUTPUTS, STAT_COLUMNS, SpecWindow, UncertaintySpec, cell_to_cell, histogram,
                                monte_carlo, price_override_specs, spec_from_mapping)

pytestmark = pytest.mark.slow  # computes the template's Uncertainty sheet with the formula engine


@pytest.fixture(scope="module")
def wb():
    return roundtrip.load(TEMPLATE_PATH)  # the cells as written, without the spills' cached values


def _inputs(ws):
    """{key: value} of the sheet's input block (key in B, value in C)."""
    return {ws.cell(r, 2).value: ws.cell(r, 3).value for r in range(sheet.HEADER_ROW, ws.max_row + 1)
            if isinstance(ws.cell(r, 2).value, str) and ws.cell(r, 3).value is not None}


def test_sheet_sits_after_lcos_and_before_pareto(wb):
    names = wb.sheetnames
    assert names.index("Uncertainty") == names.index("LCOS") + 1 == names.index("Pareto") - 1


def test_inputs_are_named_and_come_from_metadata(wb):
    ws = wb["Uncertainty"]
    got = _inputs(ws)
    keys = {ws.cell(r, 2).value for r in range(sheet.HEADER_ROW, ws.max_row + 1)}
    window = {s.key for s in specs(SpecWindow)}
    for s in specs(UncertaintySpec):
        assert s.key in (keys if s.key in window else got), s.key
        assert wb.defined_names[s.key].attr_text.startswith("'Uncertainty'!$C$")
    # the spec window's limits are blank (no default claim): the Monte Carlo's cost keeps BatPaC's 95 % cell yield
    assert not window & set(got) and len(window) == 6
    assert got["ea_neg_solid_diffusivity_kJ_mol"] == 42.77  # Dualfoil graphite (PyBaMM Marquis2019), kJ/mol
    for key in ("mc_samples", "mc_seed", "mc_bins", "c2c_cells", "c2c_cv_thickness_pct", "c2c_series"):
        assert wb.defined_names[key].attr_text.startswith("'Uncertainty'!$C$")
    over = {s.key for s in price_override_specs()}
    assert {"pos_am_usd_kg_loading", "pos_am_usd_kg_volatility_pct"} <= set(got) & over
    first, last = range_boundaries(wb.defined_names[sheet.SPEC_NAME].attr_text.split("!")[1].replace("$", ""))[1::2]
    assert wb.defined_names[sheet.SPEC_NAME].attr_text.startswith("'Uncertainty'!$B$")
    # the spec range holds exactly the model keys (no run inputs, no units column)
    keys = [ws.cell(r, 2).value for r in range(first, last + 1) if ws.cell(r, 2).value]
    assert set(keys) <= {s.key for s in specs(UncertaintySpec)} | over and "mc_samples" not in keys
    row = next(r for r in range(5, 40) if ws.cell(r, 2).value == "price_loading")
    assert ws.cell(row, 3).fill.fgColor.rgb.endswith("FFF2CC") and ws.cell(row, 4).value == "-"  # input, unit beside


def test_no_clashes_and_two_histogram_charts(wb):
    ws = wb["Uncertainty"]
    spills = {c.coordinate: range_boundaries(c.value.ref) for row in ws.iter_rows() for c in row
              if isinstance(c.value, ArrayFormula)}
    for a, (c0, r0, c1, r1) in spills.items():
        for row in ws.iter_rows(min_row=r0, max_row=r1, min_col=c0, max_col=c1):
            assert all(c.value is None or c.coordinate == a for c in row), a
        for b, (d0, s0, d1, s1) in spills.items():
            assert a == b or not (c0 <= d1 and d0 <= c1 and r0 <= s1 and s0 <= r1), (a, b)
    charts = ws._charts  # two histograms (columns) and the Sobol indices (bars)
    assert len(charts) == 3 and [ch.type for ch in charts] == ["col", "col", "bar"]
    formulas = [c.value.text for row in ws.iter_rows() for c in row if isinstance(c.value, ArrayFormula)]
    mc = [f for f in formulas if f.startswith(("=XLCELL_MONTE_CARLO(", "=XLCELL_MC_"))]
    assert len(mc) == 4 and len({f.split("(", 1)[1] for f in mc}) == 1  # one argument list: one shared run
    assert "tbl_factory,tbl_bom,tbl_steps,tbl_materials" in mc[0]


@pytest.fixture(scope="module")
def model(wb):
    got = _inputs(wb["Uncertainty"])
    keys = {s.key for s in specs(UncertaintySpec)} | {s.key for s in price_override_specs()}
    spec = spec_from_mapping({k: v for k, v in got.items() if k in keys})
    return got, monte_carlo(design_from_mapping({}), int(got["mc_samples"]), int(got["mc_seed"]), spec)


def test_monte_carlo_block_equals_the_model(template_values, model):
    got, want = model
    assert int(got["mc_samples"]) == 2000  # "thousands of Monte Carlo runs"
    h = sheet.HEADER_ROW
    c0 = sheet.RESULTS_COL
    assert [template_values[f"UNCERTAINTY!{L(c0 + j)}{h}"] for j in range(len(MC_HEADER))] == MC_HEADER
    for i, k in enumerate(DEFAULT_OUTPUTS):
        r = h + 1 + i
        assert template_values[f"UNCERTAINTY!{L(c0)}{r}"] == k
        assert template_values[f"UNCERTAINTY!{L(c0 + 2)}{r}"] == pytest.approx(want.deterministic[k], rel=1e-9)
        for j, c in enumerate(STAT_COLUMNS):
            assert template_values[f"UNCERTAINTY!{L(c0 + 3 + j)}{r}"] == pytest.approx(want.stats[k][c], rel=1e-9), (k, c)
    # BatPaC 5.0 default cell, shared/reference/batpac5.md §6.3: $79.0192/kWh deterministic
    assert template_values[f"UNCERTAINTY!{L(c0 + 2)}{h + 1}"] == pytest.approx(default_cost()[1], rel=1e-7)  # + electricity
    top = h + len(DEFAULT_OUTPUTS) + 3
    risk = {template_values[f"UNCERTAINTY!{L(c0)}{top + i}"]: template_values[f"UNCERTAINTY!{L(c0 + 1)}{top + i}"]
            for i in range(sheet.RISK_ITEMS)}
    assert set(risk) == set(want.risk)
    for k, v in want.risk.items():
        assert (risk[k] == "") if v != v else (risk[k] == pytest.approx(v, rel=1e-9)), k  # NaN: a blank cell
    assert risk["cell_yield"] == 0.95 and risk["spec_window_yield"] == ""  # no window: BatPaC 5.0's cell yield
    # the thermal factor reaches the life model (issue 17); at 25 °C, below its peak near 30 °C, colder lives shorter
    assert risk["thermal_rank_correlation_cycle_life"] > 0.9


def test_histogram_block_counts_the_samples(template_values, model):
    got, want = model
    top = sheet.HEADER_ROW + len(DEFAULT_OUTPUTS) + 3 + sheet.RISK_ITEMS + 2
    c0 = sheet.RESULTS_COL
    assert [template_values[f"UNCERTAINTY!{L(c0 + j)}{top}"] for j in range(len(HISTOGRAM_HEADER))] == HISTOGRAM_HEADER
    bins = int(got["mc_bins"])
    counts = [template_values[f"UNCERTAINTY!{L(c0 + 3)}{top + 1 + i}"] for i in range(bins)]
    edges, want_counts = histogram(want.samples["cell_cost_usd_per_kWh"], bins)
    assert counts == want_counts.tolist() and sum(counts) == 2000
    assert template_values[f"UNCERTAINTY!{L(c0 + 1)}{top + 1}"] == pytest.approx(edges[0], rel=1e-12)


def test_correlation_block_shows_the_macro_factor(template_values, model):
    got, want = model
    top = sheet.HEADER_ROW + len(DEFAULT_OUTPUTS) + 3 + sheet.RISK_ITEMS + 2 + sheet.MAX_SHEET_BINS + 3
    c0 = sheet.RESULTS_COL
    keys = [template_values[f"UNCERTAINTY!{L(c0 + 1 + j)}{top}"] for j in range(len(want.correlated_keys))]
    assert keys == list(want.correlated_keys) == sheet.moving_prices()
    m = np.array([[template_values[f"UNCERTAINTY!{L(c0 + 1 + j)}{top + 1 + i}"] for j in range(len(keys))] for i in range(len(keys))])
    np.testing.assert_allclose(m, want.price_correlation, rtol=1e-9, atol=1e-12)
    i, j = keys.index("pos_am_usd_kg"), keys.index("electrolyte_usd_L")
    se = (1 - 0.48**2) / np.sqrt(2000)
    assert m[i, j] == pytest.approx(0.8 * 0.6, abs=5 * se)  # loading_i × loading_j


def test_cell_to_cell_block_equals_the_model(template_values, wb):
    got = _inputs(wb["Uncertainty"])
    want = cell_to_cell(design_from_mapping({}), int(got["c2c_cells"]), int(got["c2c_seed"]),
                        got["c2c_cv_thickness_pct"] / 100, got["c2c_cv_porosity_pct"] / 100,
                        cv_contact=got["c2c_cv_contact_pct"] / 100, series=int(got["c2c_series"]),
                        parallel=int(got["c2c_parallel"]), capacity_window=got["c2c_capacity_window_pct"] / 100,
                        resistance_window=got["c2c_resistance_window_pct"] / 100)
    ws = wb["Uncertainty"]
    top = next(c.row for row in ws.iter_rows(min_col=1, max_col=1) for c in row
               if isinstance(c.value, ArrayFormula) and c.value.text.startswith("=XLCELL_CELL_TO_CELL("))
    rows = {template_values[f"UNCERTAINTY!A{top + i}"]: template_values[f"UNCERTAINTY!B{top + i}"] for i in range(sheet.C2C_ITEMS)}
    assert len(rows) == sheet.C2C_ITEMS == len(want.summary)
    for k, v in want.summary.items():
        assert rows[k] == pytest.approx(v, rel=1e-9), k
    assert rows["pack_capacity_mean_Ah"] < rows["pack_nominal_capacity_Ah"]  # the weakest group limits the string
    # the share inside the window is the grading yield: below BatPaC's 95 % here, so the cell costs more per kWh
    assert rows["cell_yield_spec_window"] == rows["share_within_window"] < rows["cell_yield_factory"] == 0.95
    assert rows["cell_cost_spec_window_yield_usd_per_kWh"] > rows["cell_cost_factory_yield_usd_per_kWh"]
    # the default chain's cell (BatPaC 5.0's $79.019206/kWh in BatPaC mode, tests/batpac_mode.py), with the factory's yield
    from xlcell.cost import evaluate_cost
    c = evaluate_cost(design_from_mapping({}))
    assert rows["cell_cost_factory_yield_usd_per_kWh"] == pytest.approx(default_cost()[1], rel=1e-9)
    assert rows["cell_cost_factory_yield_usd_per_kWh"] == pytest.approx(float(c.cost_per_energy_usd_J) * 3.6e6, rel=1e-9)


def test_the_ribbon_macros_pass_the_sheets_model_to_the_risk_outputs(tmp_path):
    import shutil

    from app.book import FileBook
    from app.macros import read_settings

    book = shutil.copy(TEMPLATE_PATH, tmp_path / "book.xlsx")
    s = read_settings(FileBook(book, quiet=True))
    got = _inputs(load_workbook(TEMPLATE_PATH)["Uncertainty"])
    keys = {sp.key for sp in specs(UncertaintySpec)} | {sp.key for sp in price_override_specs()}
    assert s.context["uncertainty"]["spec"] == spec_from_mapping({k: v for k, v in got.items() if k in keys})
    # a changed volatility on the sheet changes the model the optimiser sees, and the inputs hash
    fb = FileBook(book, quiet=True)
    rows = fb.read(sheet.SPEC_NAME)
    i = next(i for i, r in enumerate(rows) if r[0] == "pos_am_usd_kg_volatility_pct")
    rows[i][1] = 40.0
    fb.write(sheet.SPEC_NAME, rows)
    fb.save()
    s2 = read_settings(FileBook(book, quiet=True))
    assert s2.context["uncertainty"]["spec"].price_volatilities["pos_am_usd_kg"] == pytest.approx(0.4)
    assert s2.inputs_hash() != s.inputs_hash()


def test_bins_input_is_capped_at_the_reserved_rows_and_the_charts_cover_them(wb):
    ws = wb["Uncertainty"]
    row = next(r for r in range(sheet.HEADER_ROW, 40) if ws.cell(r, 2).value == "mc_bins")
    dv = [d for d in ws.data_validations.dataValidation if f"C{row}" in str(d.sqref)]
    assert len(dv) == 1 and (dv[0].operator, float(dv[0].formula1), float(dv[0].formula2)) == ("between", 1, sheet.MAX_SHEET_BINS)
    hist = sheet.HEADER_ROW + len(DEFAULT_OUTPUTS) + 3 + sheet.RISK_ITEMS + 2  # the $/kWh histogram's header row
    firsts = []
    for ch in [c for c in ws._charts if c.type == "col"]:  # counts and labels span all MAX_SHEET_BINS reserved rows
        s = ch.series[0]
        cat = s.cat.strRef or s.cat.numRef
        (vc, v0, _, v1), (cc, c0, _, c1) = (range_boundaries(f.split("!")[1].replace("$", "")) for f in (s.val.numRef.f, cat.f))
        assert (v1 - v0 + 1, c1 - c0 + 1, v0, c0) == (sheet.MAX_SHEET_BINS, sheet.MAX_SHEET_BINS, c0, v0)
        assert vc == cc + HISTOGRAM_HEADER.index("count")
        firsts.append(v0)
    assert firsts[0] == hist + 1 and firsts[1] > hist + sheet.MAX_SHEET_BINS


def test_a_non_default_bin_count_fills_its_rows_and_overlaps_nothing(tmp_path, wb):
    """30 bins: the sheet's formulas (formula engine) give every bin of both histograms, the reserved rows
    below them stay blank, and the correlation table keeps its place."""
    pytest.importorskip("formulas")
    from workbooks import roundtrip
    from app.formula_engine import evaluate

    bins = 30
    book = roundtrip.load(TEMPLATE_PATH)
    ws = book["Uncertainty"]
    row = next(r for r in range(sheet.HEADER_ROW, 40) if ws.cell(r, 2).value == "mc_bins")
    ws.cell(row, 3, bins)
    got = evaluate(roundtrip.save(book, tmp_path / "bins30.xlsx"))

    inputs = _inputs(wb["Uncertainty"])
    keys = {s.key for s in specs(UncertaintySpec)} | {s.key for s in price_override_specs()}
    mc = monte_carlo(design_from_mapping({}), int(inputs["mc_samples"]), int(inputs["mc_seed"]),
                     spec_from_mapping({k: v for k, v in inputs.items() if k in keys}))
    c2c = cell_to_cell(design_from_mapping({}), int(inputs["c2c_cells"]), int(inputs["c2c_seed"]),
                       inputs["c2c_cv_thickness_pct"] / 100, inputs["c2c_cv_porosity_pct"] / 100,
                       cv_contact=inputs["c2c_cv_contact_pct"] / 100)
    top = sheet.HEADER_ROW + len(DEFAULT_OUTPUTS) + 3 + sheet.RISK_ITEMS + 2
    c2c_top = next(c.row for r in ws.iter_rows(min_col=sheet.C2C_HIST_COL, max_col=sheet.C2C_HIST_COL) for c in r
                   if isinstance(c.value, ArrayFormula) and c.value.text.startswith("=XLCELL_HISTOGRAM(") and c.row > top)
    for t, c0, values, n in ((top, sheet.RESULTS_COL, mc.samples["cell_cost_usd_per_kWh"], int(inputs["mc_samples"])),
                             (c2c_top, sheet.C2C_HIST_COL, c2c.capacity_C / 3600, int(inputs["c2c_cells"]))):
        assert [got[f"UNCERTAINTY!{L(c0 + j)}{t}"] for j in range(len(HISTOGRAM_HEADER))] == HISTOGRAM_HEADER
        counts = [got[f"UNCERTAINTY!{L(c0 + 3)}{t + 1 + i}"] for i in range(bins)]
        edges, want = histogram(values, bins)
        assert counts == want.tolist() and sum(counts) == n  # every bin, every sample
        assert got[f"UNCERTAINTY!{L(c0 + 2)}{t + bins}"] == pytest.approx(edges[-1], rel=1e-12)
        # the unused reserved rows hold nothing of the result: Excel 365 shrinks the dynamic spill to bins + 1 rows
        # and leaves them empty; the engine evaluates the stored spill range as a fixed array and pads it with #N/A
        for r in range(t + 1 + bins, t + 1 + sheet.MAX_SHEET_BINS):
            assert all(str(got.get(f"UNCERTAINTY!{L(c0 + j)}{r}")) in ("", "None", "#N/A")
                       for j in range(len(HISTOGRAM_HEADER))), r
        assert all(got.get(f"UNCERTAINTY!{L(c0 + j)}{t + 1 + sheet.MAX_SHEET_BINS}") in ("", None)
                   for j in range(len(HISTOGRAM_HEADER)))  # the row after the reserved ones is free
    corr = top + sheet.MAX_SHEET_BINS + 3
    assert got[f"UNCERTAINTY!{L(sheet.RESULTS_COL)}{corr}"] == "price"
    assert got[f"UNCERTAINTY!{L(sheet.RESULTS_COL + 1)}{corr}"] == mc.correlated_keys[0]


def test_cost_limit_validation_matches_the_model(wb):
    # the model takes a limit > 0 or blank (no limit); the cell's validation allows exactly that
    ws = wb["Uncertainty"]
    row = next(r for r in range(sheet.HEADER_ROW, 60) if ws.cell(r, 2).value == "cost_limit_usd_per_kWh")
    dv = [d for d in ws.data_validations.dataValidation if f"C{row}" in str(d.sqref)]
    assert len(dv) == 1 and (dv[0].type, dv[0].operator, float(dv[0].formula1)) == ("decimal", "greaterThan", 0.0)
    assert dv[0].allow_blank and "blank" in str(ws.cell(row, 6).value) and "no limit" in str(ws.cell(row, 6).value)




def test_the_monte_carlo_runs_at_the_books_one_duty(wb):
    """Issue 17: the Monte Carlo formulas pass the Lifetime sheet's duty (tbl_duty), so each sample's cycle life and
    LCOS are at the duty the Lifetime and LCOS sheets use; the outputs are spelled out (an empty argument would be 0
    in some formula engines), and a duty reaches the numbers (2C: shorter lives than the default duty)."""
    import udfs.uncertainty as u

    texts = [c.value.text for row in wb["Uncertainty"].iter_rows() for c in row
             if isinstance(c.value, ArrayFormula) and c.value.text.startswith(("=XLCELL_MONTE_CARLO(", "=XLCELL_MC_RISK(",
                                                                                "=XLCELL_MC_SAMPLES("))]
    assert len(texts) == 3 and all(t.endswith(",tbl_duty)") and '{"' in t for t in texts)
    design = [["pos_thickness_um", 120.0]]
    slow = {r[0]: r for r in u.XLCELL_MONTE_CARLO(design, 64.0, 1.0)}
    fast = {r[0]: r for r in u.XLCELL_MONTE_CARLO(design, 64.0, 1.0, None, None, None, None, None, None, [["c_rate", 2.0]])}
    col = MC_HEADER.index("deterministic")
    assert fast["cycle_life"][col] < 0.5 * slow["cycle_life"][col]


def test_sobol_block_equals_the_model(template_values, wb):
    # the global-sensitivity block: XLCELL_SOBOL over tbl_sobol_bounds at the sheet's N and seed equals
    # xlcell.sensitivity.model_sobol for the Design sheet's (default) cell in the default plant, prices and duty
    pytest.importorskip("SALib")
    from udfs.cost import cost_inputs
    from xlcell.lcos import model_context
    from xlcell.sensitivity import model_sobol

    ws = wb["Uncertainty"]
    got = _inputs(ws)
    top = next(c.row for row in ws.iter_rows(min_col=sheet.RESULTS_COL, max_col=sheet.RESULTS_COL) for c in row
               if isinstance(c.value, ArrayFormula) and c.value.text.startswith("=XLCELL_SOBOL("))
    assert "tbl_sobol_bounds" in ws.cell(top, sheet.RESULTS_COL).value.text
    d, kw = cost_inputs([["pos_material", "NMC811"], ["neg_material", "Graphite"]])
    ctx = model_context(cost_inputs={k: v for k, v in kw.items() if k != "calendering"})
    ctx["calendering"] = kw["calendering"]
    want = model_sobol(sheet.SOBOL_BOUNDS, int(got["sobol_n"]), int(got["sobol_seed"]), sheet.SOBOL_OUTPUTS,
                       context=ctx, base=d)
    c0 = sheet.RESULTS_COL
    for j, name in enumerate(want.inputs):
        assert template_values[f"UNCERTAINTY!{L(c0)}{top + 1 + j}"] == name
        for i in range(len(want.outputs)):
            st = template_values[f"UNCERTAINTY!{L(c0 + 1 + 4 * i + 2)}{top + 1 + j}"]
            s1 = template_values[f"UNCERTAINTY!{L(c0 + 1 + 4 * i)}{top + 1 + j}"]
            assert st == pytest.approx(want.ST[i, j], rel=1e-9, abs=1e-12) and s1 == pytest.approx(want.S1[i, j], rel=1e-9, abs=1e-12)
    # the chart draws the total index of each output, one series per output, over every input
    bar = next(ch for ch in ws._charts if ch.type == "bar")
    assert len(bar.series) == len(sheet.SOBOL_OUTPUTS)
    assert want.ranking("cell_cost_usd_per_kWh")[0] == "pos_am_usd_kg"
