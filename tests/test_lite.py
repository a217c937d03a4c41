"""The xlwings Lite route (build/lite): main.py exposes every XLCELL_* function through xlwings' own server-side
decorators, and calls through xlwings' own custom-function call path give the udfs' values.

xlwings Lite runs main.py in Pyodide with the decorators of ``xlwings.server`` (``xlwings.func`` is
``xlwings.pro.udfs_officejs.xlfunc`` when ``XLWINGS_ON_SERVER=true``). Here main.py is loaded in a CPython
subprocess with that variable set, and xlwings' own ``custom_functions_meta`` (what registers the functions with
Excel), ``custom_scripts_meta`` and ``custom_functions_call`` (what runs a formula: argument conversion with
``ndim``/``err_to_str``, return conversion to a spilled matrix) are run on it. ``xlwings.server`` sits in xlwings'
PRO folder, which checks for a license key on import: the subprocess uses xlwings' noncommercial key (PolyForm
Noncommercial), as this is a test of metadata, not a use of xlwings Server. What only real xlwings Lite in Excel can
confirm (Pyodide itself, installing from requirements.txt, Office.js) is listed in build/lite/README.md.
"""
from __future__ import annotations

import ast
import inspect
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import udfs

ROOT = Path(__file__).resolve().parents[1]
LITE = ROOT / "build" / "lite"
PYODIDE = json.loads((ROOT / "tests" / "data" / "pyodide_packages.json").read_text(encoding="utf-8"))

sys.path.insert(0, str(LITE))
import build_lite  # noqa: E402

DESIGN = [["Positive electrode", None], ["pos_material", "NMC811"], ["pos_thickness_um", 120.0],
          ["pos_porosity", 0.25], [None, None], ["np_ratio", 1.1]]
DIV0 = {"type": "Error", "errorType": "Div0", "basicValue": "#DIV/0!"}  # an error cell as Office.js hands it over

#: (label, function, arguments as Office.js hands them to xlwings (every parameter is a matrix), the same
#: arguments as desktop Excel hands them to the udfs function through the classic add-in)
CALLS = [
    ("version", "XLCELL_VERSION", [], []),
    ("cell", "XLCELL_CELL", [DESIGN], [DESIGN]),
    ("cell_bad_porosity", "XLCELL_CELL", [[["pos_porosity", 1.2]]], [[["pos_porosity", 1.2]]]),
    ("areal_capacity", "XLCELL_AREAL_CAPACITY", [[[120.0]], [[2.5]], [[0.96]], [[200.0]]], [120.0, 2.5, 0.96, 200.0]),
    ("areal_capacity_div0", "XLCELL_AREAL_CAPACITY", [[[DIV0]], [[2.5]], [[0.96]], [[200.0]]],
     ["#DIV/0!", 2.5, 0.96, 200.0]),
    ("soh_blank_dod", "XLCELL_WANG_SOH_BY_YEAR", [[[1.0]], [[25.0]], [[3.0]], [[300.0]], None],
     [1.0, 25.0, 3.0, 300.0, None]),
]

PROBE = r"""
import asyncio, importlib.util, inspect, json, sys
import xlwings as xw
from xlwings import server
import udfs

spec = importlib.util.spec_from_file_location("main", sys.argv[1])
main = importlib.util.module_from_spec(spec)
spec.loader.exec_module(main)

def lite_call(name, args):
    data = {"func_name": name, "args": args, "version": xw.__version__, "client": "Office.js", "runtime": "1.4",
            "culture_info_name": "en-US"}
    return asyncio.run(server.custom_functions_call(data, main))

calls = json.loads(sys.argv[2])
print(json.dumps({
    "decorator_module": xw.func.__module__,
    "meta": server.custom_functions_meta(main),
    "scripts": server.custom_scripts_meta(main),
    "calls": {label: {"lite": lite_call(name, lite_args), "udfs": udfs.udf_functions()[name](*py_args)}
              for label, name, lite_args, py_args in calls},
    "modules": sorted({getattr(m, "__file__", None) or "" for m in list(sys.modules.values())}),
}))
"""


@pytest.fixture(scope="module")
def lite():
    """main.py as xlwings Lite's Python sees it (one subprocess for the module's tests)."""
    env = {**os.environ, "XLWINGS_ON_SERVER": "true", "PYTHONPATH": str(ROOT)}
    env.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
    run = subprocess.run([sys.executable, "-c", PROBE, str(LITE / "main.py"), json.dumps(CALLS)], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout)


# ------------------------------------------------------------------------------------------ the committed files
def test_committed_main_py_and_requirements_are_what_the_generator_writes():
    for name, text in build_lite.outputs().items():
        assert (LITE / name).read_text(encoding="utf-8") == text, f"run python build/lite/build_lite.py ({name})"


def test_generator_writes_a_requested_wheel_url_to_another_folder(tmp_path):
    url = "https://example.org/wheels/xlcell-0.1.0-py3-none-any.whl"
    assert build_lite.main(["--out", str(tmp_path), "--wheel-url", url]) == 0
    assert (tmp_path / "requirements.txt").read_text().splitlines()[-1] == url
    assert (tmp_path / "main.py").read_text() == (LITE / "main.py").read_text()
    assert build_lite.main(["--out", str(tmp_path), "--check"]) == 1  # the URL differs from the committed placeholder


# ------------------------------------------------------------------------------------------ what Excel registers
def test_main_uses_xlwings_server_decorators(lite):
    assert lite["decorator_module"] == "xlwings.pro.udfs_officejs"


def test_every_udf_is_registered_with_its_arguments_and_optional_pattern(lite):
    meta = {f["id"]: f for f in lite["meta"]["functions"]}
    assert sorted(meta) == sorted(udfs.udf_functions())  # all of them, and nothing else
    for name, fn in udfs.udf_functions().items():
        params = list(inspect.signature(fn).parameters.values())
        got = meta[name]
        assert got["name"] == name
        assert [p["name"] for p in got["parameters"]] == [p.name for p in params], name
        assert [p.get("optional", False) for p in got["parameters"]] == [p.default is not p.empty for p in params], name
        assert [p["description"] for p in got["parameters"]] == [fn.__xlcell_arg_docs__[p.name] for p in params], name
        assert got["description"] == fn.__xlcell_description__, name
        assert got["result"] == {"dimensionality": "matrix", "type": "any"}  # tables spill as dynamic arrays


def test_range_arguments_are_read_as_2d_and_errors_as_text():
    import importlib.util

    spec = importlib.util.spec_from_file_location("lite_main_source", LITE / "main.py")
    tree = ast.parse(spec.loader.get_source("lite_main_source"))
    options = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith("XLCELL_"):
            for d in node.decorator_list:
                if isinstance(d, ast.Call) and getattr(d.func, "id", "") == "arg":
                    options[(node.name, d.args[0].value)] = {k.arg: ast.literal_eval(k.value) for k in d.keywords}
    for name, fn in udfs.udf_functions().items():
        for arg, opts in fn.__xlcell_arg_options__.items():
            assert options[(name, arg)] == opts, (name, arg)
            assert opts["err_to_str"] is True


def test_ribbon_jobs_that_work_in_lite_are_scripts(lite):
    scripts = {s["function_name"] for s in lite["scripts"]}
    assert scripts == {"xlcell_pareto_front", "xlcell_optimise"}


SCRIPT_PROBE = r"""
import asyncio, contextlib, importlib.util, io, json, sys
import xlwings as xw
from xlwings import server

spec = importlib.util.spec_from_file_location("main", sys.argv[1])
main = importlib.util.module_from_spec(spec)
spec.loader.exec_module(main)
payload = json.loads(open(sys.argv[2], encoding="utf-8").read())
book = xw.Book(json=payload)  # xlwings' remote (Office.js) engine, as xlwings Lite builds the book
printed = io.StringIO()
with contextlib.redirect_stdout(printed):
    asyncio.run(server.custom_scripts_call(main, "xlcell_pareto_front", typehint_to_value={xw.Book: book}))
print(json.dumps({"actions": book.json()["actions"], "printed": printed.getvalue()}))
"""


def _office_js_book(path: Path) -> dict:
    """The workbook payload xlwings Lite hands to a script (sheet values, workbook names), from an .xlsx file."""
    import xlwings as xw
    from openpyxl import load_workbook
    from openpyxl.utils import range_boundaries

    wb = load_workbook(path)
    sheets = [{"name": ws.title, "values": [["" if c is None else c for c in row] for row in
                                             ws.iter_rows(values_only=True)] or [[]],
               "pictures": [], "tables": []} for ws in wb.worksheets]
    titles = [ws.title for ws in wb.worksheets]
    names = []
    for name, dn in wb.defined_names.items():
        (title, ref), = list(dn.destinations)
        ref = ref.replace("$", "")
        range_boundaries(ref)  # a plain A1 range
        names.append({"name": name, "sheet_index": titles.index(title), "address": ref, "book_scope": True,
                      "scope_sheet_name": None})
    return {"client": "Office.js", "version": xw.__version__, "book": {"name": path.name, "active_sheet_index": 0,
            "selection": "A1"}, "sheets": sheets, "names": names}


@pytest.mark.slow  # a ribbon job end to end on a workbook
def test_pareto_script_runs_the_ribbon_macro_through_xlwings_remote_book(tmp_path):
    """The Pareto job as an xlwings Lite script on the template (5 points, as test_macros' small book): the
    same app.macros code reads the named blocks through xlwings' Office.js book and queues one write per table."""
    from openpyxl.utils import range_boundaries
    from test_macros import _small

    from workbooks.sheets import pareto as sheet

    payload = tmp_path / "book.json"
    payload.write_text(json.dumps(_office_js_book(_small(tmp_path / "book.xlsx")), default=str), encoding="utf-8")
    env = {**os.environ, "XLWINGS_ON_SERVER": "true", "PYTHONPATH": str(ROOT)}
    env.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
    run = subprocess.run([sys.executable, "-c", SCRIPT_PROBE, str(LITE / "main.py"), str(payload)], cwd=ROOT,
                         env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    out = json.loads(run.stdout.splitlines()[-1])
    writes = [a for a in out["actions"] if a["func"] == "setValues"]
    assert not [a for a in out["actions"] if a["func"] == "alert"], out["actions"]  # no failure message
    addresses = {n["name"]: n["address"] for n in _office_js_book(tmp_path / "book.xlsx")["names"]}
    blocks = {}
    for name in (sheet.FRONT, sheet.CHOSEN, sheet.STATUS):
        col, row, _, _ = range_boundaries(addresses[name])
        hits = [a["values"] for a in writes if (a["start_row"], a["start_column"]) == (row - 1, col - 1)]
        assert len(hits) == 1, name  # one block per table, at the named range's top-left cell
        blocks[name] = hits[0]
    assert str(blocks[sheet.STATUS][0][0]).startswith("Pareto front: 5 points")
    assert blocks[sheet.FRONT][0][0] == "point" and isinstance(blocks[sheet.FRONT][1][1], float)
    assert "xlcell: Pareto front" in out["printed"]  # progress in xlwings Lite's Output pane


# ------------------------------------------------------------------------------------------ what a formula returns
def _as_matrix(value):
    """The udfs value as xlwings' Office.js return conversion spills it (a scalar is a 1x1 matrix)."""
    rows = value if isinstance(value, list) else [[value]]
    return [["" if v is None else v for v in r] for r in rows]


@pytest.mark.parametrize("label", [c[0] for c in CALLS])
def test_lite_call_gives_the_udfs_value(lite, label):
    got = lite["calls"][label]
    assert got["lite"] == _as_matrix(got["udfs"])


def test_lite_call_values(lite):
    calls = lite["calls"]
    import xlcell

    assert calls["version"]["lite"] == [[xlcell.__version__]]
    cell = dict(calls["cell"]["lite"])
    assert cell["pos_areal_capacity_mAh_cm2"] == pytest.approx(8.0691897, rel=1e-7)  # BatPaC 5.0 §2.2, as test_udfs_cell
    assert calls["cell_bad_porosity"]["lite"][0][0].startswith("#XLCELL! pos_porosity = 1.2: must be")
    assert calls["areal_capacity_div0"]["lite"][0][0].startswith("#XLCELL! thickness_um")
    assert "#DIV/0!" in calls["areal_capacity_div0"]["lite"][0][0]
    assert len(calls["soh_blank_dod"]["lite"]) == 3


# ------------------------------------------------------------------------------------------ what Pyodide can install
def _requirement_name(line: str) -> str:
    return build_lite._name(line)


def test_requirements_list_only_packages_pyodide_can_install():
    built, pure = PYODIDE["packages"], PYODIDE["pure_python_wheels"]
    lines = [ln for ln in (LITE / "requirements.txt").read_text().splitlines() if ln.strip()]
    *packages, wheel = lines
    assert wheel.startswith("https://") and wheel.endswith("-py3-none-any.whl")  # micropip takes a pure wheel's URL
    for line in packages:
        name = _requirement_name(line)
        assert name in built or name in pure, f"{name}: neither built for Pyodide nor a pure-Python wheel"
        if name in built:
            assert line == name, f"{line}: Pyodide's build fixes the version, do not pin it"


def test_every_dependency_of_the_xlcell_wheel_is_installable_in_pyodide():
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    built, pure = PYODIDE["packages"], PYODIDE["pure_python_wheels"]
    for dep in deps:
        name = _requirement_name(dep)
        assert name in built or name in pure, name
    assert {"joblib", "threadpoolctl"} <= set(built)  # scikit-learn's own dependencies


#: import name -> distribution, for the third-party modules xlcell's code may import
DISTRIBUTIONS = {"numpy": "numpy", "scipy": "scipy", "pandas": "pandas", "sklearn": "scikit-learn",
                 "threadpoolctl": "threadpoolctl", "openpyxl": "openpyxl", "defusedxml": "defusedxml",
                 "xlwings": "xlwings", "matplotlib": "matplotlib", "skfem": "scikit-fem"}
#: standard-library modules that Pyodide leaves out or cannot run (no processes, no sockets, no GUI)
NOT_IN_PYODIDE = {"multiprocessing", "subprocess", "concurrent", "socket", "tkinter", "curses", "dbm", "venv",
                  "ensurepip", "idlelib", "turtle", "ssl", "sqlite3", "lzma"}


def test_code_that_main_py_loads_is_pure_python_and_imports_only_what_pyodide_has(lite):
    packages = [ROOT / "xlcell", ROOT / "udfs", ROOT / "workbooks", ROOT / "app", LITE]  # not a virtualenv inside the checkout
    ours = [Path(f) for f in lite["modules"] if f and any(Path(f).resolve().is_relative_to(p) for p in packages)]
    assert any(p.parts[-2:] == ("app", "macros.py") for p in ours) and any(p.parent.name == "xlcell" for p in ours)
    for package in ("xlcell", "udfs", "app"):
        compiled = [p for p in (ROOT / package).rglob("*") if p.suffix in (".so", ".pyd", ".c", ".pyx", ".dll")]
        assert not compiled, compiled
    own = {"xlcell", "udfs", "workbooks", "app"}
    for path in ours:
        if path.suffix != ".py" or path.parent == LITE:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):  # nested (lazy) imports too
            if isinstance(node, ast.Import):
                roots = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                roots = [node.module.split(".")[0]]
            else:
                continue
            for root in roots:
                where = f"{path.relative_to(ROOT)}: import {root}"
                assert root not in NOT_IN_PYODIDE, where
                if root in own or root in sys.stdlib_module_names:
                    continue
                dist = DISTRIBUTIONS.get(root)
                assert dist is not None, f"{where}: add it to DISTRIBUTIONS once checked against Pyodide"
                assert dist in PYODIDE["packages"] or dist in PYODIDE["pure_python_wheels"], where
