"""The contract of every Excel function, as properties (issue 12 item 7).

Every registered ``XLCELL_*`` function is called with what Excel hands over through xlwings: ``None`` for a blank,
text, booleans, Excel's error values as text (``err_to_str``), NaN/±inf, huge (1e308) and subnormal (5e-324) numbers,
dates (``datetime``), an empty list, a one-cell ``[[x]]``, ranges padded with ``None`` after xlwings' blank trimming,
large ranges (2000×3) and very long strings (100,000 characters). Most cases start from the function's documented
valid example (:data:`EXAMPLES`) and change one or two arguments, or one cell inside a range argument, so that the
properties are exercised near the valid region and not only on garbage.

The properties, checked on every call:

* no exception escapes, and no ``#XLCELL! internal error`` (an exception the models did not anticipate);
* the result is a finite number, a text label, a bool, a blank, or a table (a non-empty list of equal-length rows)
  whose cells are those; never NaN or ±inf, and never NaN/inf spelled as a label (``#N/A``, ``inf``, ``nan``);
* an error is one ``#XLCELL!`` text of at most 255 characters that names what the user typed: one of the function's
  argument names, a key or header the user supplied in a range, or the user's own text quoted; a long bad value is
  echoed cut short (no 41-character run of it and no number of 25 digits in the text);
* the wall time of a call is at most ``base_s + per_cell_s * size`` (:data:`TIME_BOUNDS`), ``size`` being the number
  of cells in the arguments plus their text length / 1000. The bounds are a contract against blow-ups (work that
  grows faster than the input), not a benchmark: they are 10-100 times what a 2-core CI machine takes.

The run is deterministic (``derandomize=True``). ``XLCELL_PROPERTY_SCALE=10`` runs ten times as many examples per
function (tests marked ``slow`` then run too). The counts of inputs tried and properties checked are written to
``udf_properties.json`` in pytest's base temporary folder and printed at the end of the module.
"""
from __future__ import annotations

import datetime
import inspect
import json
import math
import os
import re
import time
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import udfs

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")  # numpy's overflow warnings on extreme inputs

ROOT = Path(__file__).resolve().parents[1]
ALL = udfs.udf_functions()
SCALE = max(1, int(os.environ.get("XLCELL_PROPERTY_SCALE", "1")))

# ------------------------------------------------------------------------------------------ valid examples
DESIGN = [["pos_material", "NMC811"], ["pos_thickness_um", 120.0], ["pos_porosity", 0.25], [None, None],
          ["neg_material", "Graphite"], ["np_ratio", 1.1]]
DESIGNS = [["pos_thickness_um", "pos_porosity"], [80.0, 0.3], [120.0, 0.25]]
BOUNDS = [["setting", "low", "high"], ["line_load_N_mm", 100.0, 1500.0], ["line_speed_m_min", 10.0, 100.0]]
TRIALS = [["line_load_N_mm", "line_speed_m_min", "porosity"], [450.0, 54.0, 0.3372], [570.0, 63.0, 0.3219],
          [790.0, 13.0, 0.2625], [230.0, 90.0, 0.4017], [360.0, 24.0, 0.3434], [830.0, 79.0, 0.2875]]
DUTY = [["c_rate", 1.0], ["dod", 0.8], ["temperature_C", None], ["cycles_per_year", 365.0], ["eol_soh", 0.8]]
LIFE_PARAMS = [["sei_activation_energy_kJ_mol", 38.0], ["neg_paris_m", 2.2], ["crack_modulus_GPa", 1.0]]
DUTY = [["c_rate", 2.0], ["dod", 0.9], ["temperature_C", None], ["cycles_per_year", 365.0], ["eol_soh", 0.8]]
LCOS = [["power_MW", 100.0], ["energy_MWh", 400.0], ["lifetime_years", 3.0], ["discount_rate", 0.08]]
WANG = [["c_rate", "temperature_C", "ah_throughput", "loss_pct"], [0.5, 25.0, 500.0, 2.9044], [0.5, 25.0, 2000.0, 6.2258],
        [0.5, 45.0, 500.0, 6.4589], [0.5, 45.0, 2000.0, 13.845], [2.0, 25.0, 1000.0, 3.6469], [2.0, 60.0, 3000.0, 24.785]]

#: One valid call of every function, as Excel hands the arguments over (the README's "Excel functions" table and the
#: template's formulas; Monte Carlo and Bayesian-optimisation sizes cut down to keep the test fast).
EXAMPLES = {
    "XLCELL_ADAPTIVE_LINE_LOAD": (0.25, 0.4, "NMC811", None),
    "XLCELL_AREAL_CAPACITY": (120.0, 2.5, 0.96, 200.0),
    "XLCELL_BOM": (DESIGN, None, None, None, None),
    "XLCELL_BOTTLENECK": ([["mixing"], ["coating"], ["formation"]], [[3000.0], [2500.0], [1800.0]]),
    "XLCELL_BO_RUN": (BOUNDS, 0.3, "NMC811", 0.4, 3.0, 2.0, 0.0, 0.003, None),
    "XLCELL_BO_SUGGEST": (TRIALS, BOUNDS, 0.3, "NMC811", 0.0, 0.4, None, None, None),
    "XLCELL_BRUGGEMAN": (1.0, 0.25, None),
    "XLCELL_BRUGGEMAN_POSTERIOR": ([[0.45], [0.4], [0.35], [0.3], [0.25]], [[3.435], [4.038], [5.347], [7.196], [9.507]],
                                   80.0, 1.0, 0.03, None, None),
    "XLCELL_CALENDERED_THICKNESS": (170.0, 0.47, 0.26),
    "XLCELL_CALENDERING": ("NMC811", 0.96, 0.02, [[0.0], [400.0], [800.0]], 0.4, None, None, None, None),
    "XLCELL_CALENDERING_MATERIAL": ("NMC811", "eps_min", None),
    "XLCELL_CALENDERING_MATERIALS": (),
    "XLCELL_CELL": (DESIGN, None, None),
    "XLCELL_CELL_LCOS": (DESIGN, DUTY, 0.0, 5.0, None, None),
    "XLCELL_CELL_TABLE": (DESIGNS, [["capacity_Ah", "energy_Wh"]], None, None),
    "XLCELL_CELL_TO_CELL": (DESIGN, 200.0, 1.0, 2.0, 3.0, 96.0, 2.0, None, None, None, None, None, None, None, None),
    "XLCELL_CELL_TO_CELL_SAMPLES": (DESIGN, 50.0, 1.0, 2.0, 3.0, None, None),
    "XLCELL_CELL_VALUE": (DESIGN, "energy_Wh", None, None),
    "XLCELL_COATING_DENSITY": (0.25, [[0.96, 0.02, 0.02]], [[4.65, 1.825, 1.77]]),
    "XLCELL_COATING_POROSITY": (0.4, 0.4),
    "XLCELL_COST": (DESIGN, None, None, None, None),
    "XLCELL_COST_SENSITIVITY": (DESIGN, 0.1, 5.0, None, None, None, None, None),
    "XLCELL_COST_TABLE": (DESIGNS, [["cell_cost_usd_per_kWh", "bottleneck_step"]], None, None, None, None),
    "XLCELL_COST_VALUE": (DESIGN, "cell_cost_usd_per_kWh", None, None, None, None),
    "XLCELL_CRACK": (DESIGN, "neg", None, None),
    "XLCELL_CRF": (0.08, 10.0),
    "XLCELL_CT_ASI": (25.0, 0.5, 10000.0, 100.0),
    "XLCELL_DIFFUSION_TIME": (5.0, 1e-14),
    "XLCELL_FACTORY": (DESIGN, None, None, None, None),
    "XLCELL_FRACTURE_CHECK": (800.0, 0.47, "NMC811", None),
    "XLCELL_FRACTURE_LINE_LOAD": (0.47, "NMC811", None),
    "XLCELL_GP_PREDICT": (TRIALS, [["line_load_N_mm", "line_speed_m_min"], [500.0, 40.0], [700.0, 80.0]], None, None,
                          None, None),
    "XLCELL_HISTOGRAM": ([[67.8], [68.4], [68.1], [68.3], [67.8], [68.6]], 3.0),
    "XLCELL_HYPERVOLUME": ([[300.0, 80.0], [310.0, 95.0]], [["max", "min"]], [[250.0, 120.0]]),
    "XLCELL_KAPPA_EFF": (1.0, 0.26, 1.5),
    "XLCELL_LCOS": (LCOS, [[1.0], [0.95], [0.92]]),
    "XLCELL_LCOS_CASHFLOW": (LCOS, None),
    "XLCELL_LCOS_SIMPLE": (50.0, 20.0, 0.0, 5.0, 0.95, 0.25, 2500.0),
    "XLCELL_LINE_LOAD_FOR_POROSITY": (0.25, 0.47, 0.18, 600.0),
    "XLCELL_LINE_LOAD_FOR_PRESSURE": (100.0, 0.6, 170.0, 0.47, "NMC811", None),
    "XLCELL_MATERIAL": ("NMC811", "specific_capacity_mAh_g", None),
    "XLCELL_MATERIALS": ("positive",),
    "XLCELL_MAX_THICKNESS": (1.0, 1e-14, None),
    "XLCELL_MC_CORRELATION": (DESIGN, 50.0, 1.0, None, None, None, None, None, None, None),
    "XLCELL_MC_RISK": (DESIGN, 50.0, 1.0, None, None, None, None, None, None, None),
    "XLCELL_MC_SAMPLES": (DESIGN, 50.0, 1.0, None, None, None, None, None, None, None),
    "XLCELL_MONTE_CARLO": (DESIGN, 50.0, 1.0, None, None, None, None, None, None, None),
    "XLCELL_NEG_THICKNESS": (4.0, 1.1, 500.0),
    "XLCELL_NIP_1D": (600.0, "NMC811", 0.6, 170.0, 0.4, 0.3, None),
    "XLCELL_NIP_PRESSURE": (800.0, 0.6, 170.0, 0.47, "NMC811", None),
    "XLCELL_NP_RATIO": (4.4, 4.0),
    "XLCELL_PACK": (DESIGN, [["solve_thickness", True], ["pack_power_kW", 800.0]], None, None, None, None),
    "XLCELL_PACK_TABLE": ([["pos_material", "pack_power_kW"], ["NMC811", 300.0], ["LFP", 500.0]],
                          [["pack_cost_usd_per_kWh", "active_limit"]], DESIGN, None, None, None, None, None),
    "XLCELL_PACK_VALUE": (DESIGN, "pack_cost_usd_per_kWh", None, None, None, None, None),
    "XLCELL_PARETO_FILTER": ([[300.0, 80.0], [310.0, 95.0], [290.0, 99.0]], [["max", "min"]]),
    "XLCELL_POROSITY": (800.0, 0.47, 0.18, 600.0),
    "XLCELL_POROSITY_PROFILE": (800.0, "NMC811", 170.0, 0.47, 0.8, 1.2, 0.6, None, 800.0, 21.0, None),
    "XLCELL_PRESSURE_PROFILE": (0.47, 0.25, 0.18, 135.0, 3.0, 1.0, 3.0, 1e-4, 21.0, 10.0, "NMC811", None),
    "XLCELL_PRESSURE_PROFILE_SUMMARY": (0.47, 0.25, 0.18, 135.0, 3.0, 1.0, 3.0, 1e-4, 10.0, "NMC811", None),
    "XLCELL_PRESSURE_SCALE": (800.0, 0.6, 170.0, 0.47, "NMC811", None),
    "XLCELL_RATE_CAPABILITY": (DESIGN, [[0.5], [1.0], [2.0]], None, None),
    "XLCELL_ROLL_CROWN": (800.0, 0.8, 1.2, 0.6, None, 210.0),
    "XLCELL_ROLL_DEFLECTION": (800.0, 0.8, 1.2, 0.6, None, 210.0),
    "XLCELL_SEI_CYCLE_LIFE": (DESIGN, 365.0, 0.8, None, None),
    "XLCELL_CYCLE_LIFE": (DESIGN, DUTY, LIFE_PARAMS, None),
    "XLCELL_LIFE": (DESIGN, DUTY, LIFE_PARAMS, None),
    "XLCELL_LIFE_FADE": (DESIGN, [[0.0], [500.0], [1000.0]], DUTY, None, None),
    "XLCELL_LIFE_SOH_BY_YEAR": (DESIGN, 5.0, 300.0, DUTY, None, None),
    "XLCELL_SEI_FADE": (DESIGN, [[0.0], [500.0], [1000.0]], 250.0, None, None),
    "XLCELL_SEI_LOSS": (DESIGN, 5.0, 1000.0, None, None),
    "XLCELL_SEI_SOH_BY_YEAR": (DESIGN, 5.0, 365.0, None, None),
    "XLCELL_SOBOL": (DESIGN, 8.0, 1.0, [["pos_thickness_um", 80.0, 160.0], ["pos_am_usd_kg", 20.0, 30.0]], None, None, None,
                     None, None, None),
    "XLCELL_SPECIFIC_AREA": (0.6, 5.0),
    "XLCELL_THICKNESS_STUDY": (DESIGN, [[60.0], [120.0], [200.0]], DUTY, 0.0, 5.0, None, None),
    "XLCELL_VERSION": (),
    "XLCELL_WANG_CYCLE_LIFE": (0.5, 25.0, 0.8, 1.0),
    "XLCELL_WANG_FADE": (0.5, 25.0, [[0.0], [1000.0], [2000.0]], 1.0),
    "XLCELL_WANG_FIT": (WANG,),
    "XLCELL_WANG_IN_RANGE": (0.5, 25.0),
    "XLCELL_WANG_LOSS": (0.5, 25.0, 2000.0),
    "XLCELL_WANG_SOH_BY_YEAR": (0.5, 25.0, 5.0, 365.0, None),
}

# ------------------------------------------------------------------------------------------ time bounds
#: (base_s, per_cell_s): a call may take base_s + per_cell_s * size seconds, size = cells + characters / 1000.
#: "fast" is every function the function wizard may call (``wizard=True``, under ~50 ms on the template's inputs,
#: tests/data/udf_timings.json); "slow" the ones declared ``wizard=False`` (Monte Carlo, Bayesian optimisation, the
#: pressure-profile optimiser, the cross-width porosity profile: 0.1-2 s on the template's inputs).
TIME_BOUNDS = {"fast": (2.0, 2e-4), "slow": (30.0, 2e-3)}
#: examples per function (times XLCELL_PROPERTY_SCALE)
EXAMPLES_PER_FUNCTION = {"fast": 80, "slow": 8}


def speed(name: str) -> str:
    return "fast" if ALL[name].__xlcell_wizard__ else "slow"


# ------------------------------------------------------------------------------------------ what Excel delivers
EXCEL_ERRORS = ["#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!"]
LONG_TEXT = "x" * 100_000
BIG_RANGE = [[float(i), float(i % 7) / 10, None if i % 5 == 0 else float(i) * 1.5] for i in range(2000)]
SPECIAL = [None, "", "  ", "abc", "NMC811", True, False, *EXCEL_ERRORS, math.nan, math.inf, -math.inf, 1e308, -1e308,
           5e-324, -5e-324, 0.0, -0.0, -1.0, 1.0, 1e6, 1e15, "1e308", "NaN", "inf", "1,5", "=1+1",
           datetime.datetime(2024, 1, 15), datetime.datetime(1900, 1, 1, 12, 30), LONG_TEXT, [], [[]], [[None]],
           [[1.0]], [["x"]], [[1.0, None], [None, None]], [[None, "a"], [2.0, None]], BIG_RANGE, [[LONG_TEXT, 1.0]]]

scalars = st.one_of(
    st.sampled_from([v for v in SPECIAL if not isinstance(v, list)]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-1e4, max_value=1e4),
    st.text(max_size=12),
    st.booleans(),
    st.datetimes(min_value=datetime.datetime(1900, 1, 1), max_value=datetime.datetime(2100, 1, 1)),
)


@st.composite
def ranges(draw):
    """A rectangular range as xlwings hands it over: rows of equal length, blanks as None (after blank trimming the
    trailing rows/columns of a used range still hold None where cells are blank)."""
    n_rows = draw(st.integers(1, 6))
    n_cols = draw(st.integers(1, 4))
    return [[draw(st.one_of(st.none(), scalars)) for _ in range(n_cols)] for _ in range(n_rows)]


excel_values = st.one_of(scalars, st.sampled_from(SPECIAL), ranges())


@st.composite
def calls(draw, name):
    """Arguments of ``name``: its valid example with one or two arguments, or cells of range arguments, changed; or
    (one draw in eight) every argument drawn afresh."""
    args = [_copy(a) for a in EXAMPLES[name]]
    if not args:
        return args
    if draw(st.integers(0, 7)) == 0:
        return [draw(excel_values) for _ in args]
    for _ in range(draw(st.integers(1, 2))):
        i = draw(st.integers(0, len(args) - 1))
        a = args[i]
        if isinstance(a, list) and a and isinstance(a[0], list) and draw(st.booleans()):
            r = draw(st.integers(0, len(a) - 1))
            c = draw(st.integers(0, len(a[r]) - 1))
            a[r][c] = draw(scalars)
        else:
            args[i] = draw(excel_values)
    return args


def _copy(a):
    return [list(r) if isinstance(r, list) else r for r in a] if isinstance(a, list) else a


# ------------------------------------------------------------------------------------------ the properties
COUNTS: Counter = Counter()
FAILURES: list = []


def _texts(args) -> list[str]:
    out = []
    for a in args:
        if isinstance(a, (list, tuple)):
            out.extend(_texts(a))
        elif isinstance(a, str):
            out.append(a)
    return out


def _scalars(args) -> list:
    out = []
    for a in args:
        if isinstance(a, (list, tuple)):
            out.extend(_scalars(a))
        else:
            out.append(a)
    return out


def _size(args) -> float:
    cells = _scalars(args)
    return len(cells) + sum(len(t) for t in _texts(args)) / 1000


def _quoted_forms(v) -> list[str]:
    """How a message may quote a value the user typed (the user's own text, cut to 40 characters)."""
    if isinstance(v, str):  # as typed, or as Python quotes it (control characters escaped)
        return [v.strip()[:30].lower(), repr(v.strip())[1:30].lower()] if v.strip() else []
    if isinstance(v, bool):
        return [str(v).lower()]
    if isinstance(v, float):
        return [f"{v:g}", repr(v), f"{v:.6g}"]
    if isinstance(v, datetime.datetime):
        return [str(v)[:30]]
    return []


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_JUNK_LABELS = {"#n/a", "inf", "-inf", "nan", "+inf"}


def check_result(name: str, args: list, out) -> None:
    """Assert the contract of one call's result (see the module docstring)."""
    fn = ALL[name]
    params = set(inspect.signature(fn).parameters)
    user_keys = {t.strip().lower() for t in _texts(args) if t.strip()}

    def check_error(text: str) -> None:
        COUNTS["error texts"] += 1
        assert len(text) <= 255, (name, len(text))
        assert "internal error" not in text, (name, text)
        words = {w.lower() for w in _WORD.findall(text)}
        low = text.lower()
        named = bool(words & {p.lower() for p in params}) or bool(words & user_keys) or any(
            f"'{q}" in low for v in _scalars(args) for q in _quoted_forms(v))
        assert named, f"{name}: {text!r} names no argument the user typed ({sorted(params)})"
        for t in _texts(args):
            if len(t) > 40:
                assert t[:41] not in text, (name, "echoes a long value whole")
        assert not re.search(r"\d{25}", text), (name, text)
        COUNTS["properties checked"] += 4

    def check_cell(c, where: str) -> None:
        if isinstance(c, bool) or c is None:
            pass
        elif isinstance(c, (int, float)):
            assert math.isfinite(c), (name, where, c)
        elif isinstance(c, str):
            if c.startswith("#XLCELL!"):
                check_error(c)
            elif c.strip().lower() not in user_keys:  # a label the user typed (a step named "inf") comes back as is
                assert c.strip().lower() not in _JUNK_LABELS, (name, where, c)
        else:
            raise AssertionError((name, where, type(c)))
        COUNTS["properties checked"] += 1

    if isinstance(out, list):
        assert out and all(isinstance(r, list) for r in out), (name, "a table is a non-empty list of rows")
        width = len(out[0])
        assert width > 0 and all(len(r) == width for r in out), (name, "rows of one length")
        COUNTS["properties checked"] += 2
        for i, row in enumerate(out):
            for j, c in enumerate(row):
                check_cell(c, f"[{i}][{j}]")
    else:
        check_cell(out, "result")


def call_and_check(name: str, args: list) -> None:
    base, per_cell = TIME_BOUNDS[speed(name)]
    t0 = time.perf_counter()
    try:
        out = ALL[name](*args)
    except BaseException as exc:  # noqa: BLE001 - the property: nothing escapes
        raise AssertionError(f"{name} raised {exc!r}") from exc
    elapsed = time.perf_counter() - t0
    COUNTS["inputs tried"] += 1
    COUNTS[f"inputs tried ({speed(name)})"] += 1
    limit = base + per_cell * _size(args)
    assert elapsed <= limit, f"{name} took {elapsed:.2f} s > {limit:.2f} s for {_size(args):.0f} cells"
    COUNTS["properties checked"] += 2  # no exception, time bound
    check_result(name, args, out)


@pytest.fixture(scope="module", autouse=True)
def summary(tmp_path_factory):
    yield
    path = Path(tmp_path_factory.getbasetemp()) / "udf_properties.json"
    data = {"functions": len(ALL), **dict(sorted(COUNTS.items())), "scale": SCALE}
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"\nudf properties: {json.dumps(data)} -> {path}")


# ------------------------------------------------------------------------------------------ tests
def test_every_registered_function_is_covered():
    """The functions come from the registry (a new one is covered by the property test at once) and their number is
    what the ``@udf`` decorators in udfs/ say; each has a valid example here."""
    declared = sum(len(re.findall(r"^@udf\(", p.read_text(encoding="utf-8"), re.M)) for p in (ROOT / "udfs").glob("*.py"))
    assert len(ALL) == declared
    missing = sorted(set(ALL) - set(EXAMPLES))
    assert not missing, f"add a valid example call to EXAMPLES for {missing}"
    assert not set(EXAMPLES) - set(ALL), "EXAMPLES names a function that is not registered"
    for name, args in EXAMPLES.items():
        assert len(args) == len(inspect.signature(ALL[name]).parameters), name


@pytest.mark.parametrize("name", sorted(ALL))
def test_valid_example_gives_a_value(name):
    """The examples are valid (so the mutations below start inside the valid region), and meet the contract."""
    out = ALL[name](*[_copy(a) for a in EXAMPLES[name]])
    text = out[0][0] if isinstance(out, list) and out and out[0] else out
    assert not (isinstance(text, str) and text.startswith("#XLCELL!")), (name, text)
    call_and_check(name, [_copy(a) for a in EXAMPLES[name]])


@pytest.mark.parametrize("name", sorted(ALL))
def test_contract_holds_for_excel_inputs(name):
    @settings(max_examples=EXAMPLES_PER_FUNCTION[speed(name)] * SCALE, deadline=None, derandomize=True,
              database=None, suppress_health_check=list(HealthCheck))
    @given(args=calls(name))
    def prop(args):
        call_and_check(name, args)

    if not EXAMPLES[name]:  # no arguments: one call is every call
        call_and_check(name, [])
        return
    prop()


@pytest.mark.parametrize("value", SPECIAL, ids=lambda v: repr(v)[:20])
def test_every_argument_of_every_function_takes_each_special_value(value):
    """Each special value in every argument position of every fast function (the others at their example), so the
    extreme values are tried everywhere, not only where the random draw puts them."""
    for name in sorted(ALL):
        if speed(name) == "slow" and SCALE == 1:
            continue
        for i in range(len(EXAMPLES[name])):
            args = [_copy(a) for a in EXAMPLES[name]]
            args[i] = _copy(value)
            call_and_check(name, args)


@pytest.mark.slow
@pytest.mark.skipif(SCALE == 1, reason="extended profile: set XLCELL_PROPERTY_SCALE")
def test_every_cell_of_every_range_example_takes_each_special_scalar():
    for name in sorted(ALL):
        for i, a in enumerate(EXAMPLES[name]):
            if not (isinstance(a, list) and a and isinstance(a[0], list)):
                continue
            for r in range(len(a)):
                for c in range(len(a[r])):
                    for v in SPECIAL:
                        if isinstance(v, list):
                            continue
                        args = [_copy(x) for x in EXAMPLES[name]]
                        args[i][r][c] = v
                        call_and_check(name, args)


# ------------------------------------------------------------------------------------------ impossible designs
def _design_values():
    """(key, value) pairs for a design: any documented numeric key, at a value drawn across and beyond its range."""
    from xlcell.design import design_keys

    numeric = [k for k in design_keys() if k.spec is not None]

    @st.composite
    def draw(draw_):
        out = []
        for k in draw_(st.lists(st.sampled_from(numeric), min_size=1, max_size=4, unique_by=lambda k: k.key)):
            sp = k.spec
            lo = next((v for v in (sp.gt, sp.ge) if v is not None), 0.0)
            base = k.default if isinstance(k.default, (int, float)) and not isinstance(k.default, bool) else 1.0
            hi = next((v for v in (sp.lt, sp.le) if v is not None), max(10 * abs(base), lo + 10.0))
            inside = st.floats(lo, hi)  # most draws inside the key's documented range, so designs are accepted too
            edges = st.sampled_from([0.0, 5e-324, 1e-300, 1e300, -1.0] + [v for v in (sp.gt, sp.ge, sp.lt, sp.le)
                                                                          if v is not None])
            x = draw_(st.one_of(inside, inside, inside, st.floats(-1e4, 1e4), edges))
            out.append([k.key, x])
        return out

    return draw()


PHYSICAL = ("capacity_Ah", "energy_Wh", "mass_g", "volume_cm3", "avg_voltage_V", "resistance_mohm",
            "pos_areal_capacity_mAh_cm2", "neg_areal_capacity_mAh_cm2")


@settings(max_examples=150 * SCALE, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(rows=_design_values())
def test_a_design_that_cannot_be_a_cell_is_refused_never_returned_as_numbers(rows):
    """Whatever values a design's keys take, XLCELL_CELL either refuses it with a #XLCELL! text or returns a cell with
    positive capacity, energy, mass, volume, voltage and resistance (no positive cell voltage, a negative or zero
    capacity: refused)."""
    out = ALL["XLCELL_CELL"](rows)
    check_result("XLCELL_CELL", [rows], out)
    COUNTS["inputs tried"] += 1
    if isinstance(out[0][0], str) and out[0][0].startswith("#XLCELL!"):
        return
    got = dict(out)
    COUNTS["designs accepted"] += 1
    for k in PHYSICAL:
        assert got[k] > 0, (rows, k, got[k])
    COUNTS["properties checked"] += len(PHYSICAL)


def test_import_udfs_loads_no_optimiser_statistics_or_machine_learning():
    """Issue 15: Excel imports ``udfs`` at every Python start; scikit-learn, scipy.optimize, scipy.stats and
    scipy.integrate are imported by the functions that use them, not at import (the time is in bench/bench_import.py).
    Every UDF is still there, decorated."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    code = ("import json, sys, udfs; print(json.dumps({'loaded': [m for m in ('sklearn', 'scipy.optimize', "
            "'scipy.stats', 'scipy.integrate') if m in sys.modules], 'udfs': len(udfs.udf_functions())}))")
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(root)})
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["loaded"] == []
    import udfs

    assert got["udfs"] == len(udfs.udf_functions()) > 20
