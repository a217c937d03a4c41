"""The built add-in xlcell.xlam, inspected with tools we did not write: oletools' olevba (the VBA modules),
xlwings' own VBA generator (the UDF wrappers), Microsoft's list of Excel control ids (the ribbon icons) and
LibreOffice's VBA import (the whole project read by an independent implementation of MS-CFB and MS-OVBA).

What only Excel can confirm (that the modules compile, the functions and callbacks bind, MacroOptions files the
category) is the README's manual checklist."""
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from defusedxml import ElementTree as ET

import udfs
import xlwings
from addin import ribbon, xlam

olevba = pytest.importorskip("oletools.olevba")
ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
NS = {"ui": ribbon.CUSTOM_UI_NS}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return xlam.build_xlam(tmp_path_factory.mktemp("addin"))


@pytest.fixture(scope="module")
def modules(built):
    parser = olevba.VBA_Parser(str(built))
    assert parser.detect_vba_macros()
    return {Path(name).stem: code.replace("\r\n", "\n").replace("\r", "\n")
            for _, _, name, code in parser.extract_macros()}


def _procedures(code: str) -> dict[str, str]:
    """``{name: signature line}`` of the Subs and Functions of a module."""
    return {m.group(2): m.group(0) for m in re.finditer(r"^(?:Public |Private )?(Sub|Function) (\w+)\(.*$", code,
                                                        flags=re.M)}


def test_the_modules_olevba_finds(modules):
    assert set(modules) == {"ThisWorkbook", "Dictionary", "Sheet2", "xlwings", xlam.UDF_MODULE, ribbon.MODULE,
                            *xlam.setup_modules()}
    assert xlam.SETUP_MODULE in modules


def test_every_function_has_its_wrapper_with_the_python_signature(modules):
    import inspect

    procs = _procedures(modules[xlam.UDF_MODULE])
    funcs = udfs.udf_functions()
    assert set(procs) == set(funcs)
    for name, f in funcs.items():
        params = inspect.signature(f).parameters.values()
        expected = ", ".join(("Optional " if p.default is not inspect.Parameter.empty else "") + p.name for p in params)
        assert procs[name] == f"Function {name}({expected})", name
        body = modules[xlam.UDF_MODULE].split(procs[name], 1)[1].split("End Function", 1)[0]
        assert f'XLPy.CallUDF("udfs", "{name}", Array(' in body  # the module xlwings' COM server imports


def test_wrappers_are_exactly_what_xlwings_import_functions_writes(modules):
    """The module is what xlwings' import_udfs (the ribbon's Import Functions) writes, header included: without
    its ``#Const App``, every wrapper would take the ``#Else`` branch and call Python without the workbook and the
    calling cell."""
    assert '#Const App = "Microsoft Excel"' in modules[xlam.UDF_MODULE].split("Function ", 1)[0]
    generated = xlam.udf_wrappers_vba()
    norm = lambda s: [ln.rstrip() for ln in s.replace("\r\n", "\n").strip().split("\n")  # noqa: E731
                      if not ln.startswith("Attribute VB_")]
    assert norm(modules[xlam.UDF_MODULE]) == norm(generated)


def test_xlwings_standalone_code_is_inside_at_the_installed_version(modules):
    code = modules["xlwings"]
    assert f'Public Const XLWINGS_VERSION As String = "{xlwings.__version__}"' in code
    assert 'Public Const PROJECT_NAME As String = "xlwings"' in code  # reads the xlwings tab's settings
    procs = _procedures(code)
    for needed in ("XLPy", "RunPython", "GetConfig"):
        assert needed in procs, needed
    assert f"xlwings64-{xlwings.__version__}.dll" in code
    assert "Class=Dictionary" in zipfile.ZipFile(xlam.build_xlam.__globals__["xlwings_dir"]() / xlam.TEMPLATE) \
        .read("xl/vbaProject.bin").decode("latin-1")  # the class module xlwings' code uses comes with it
    assert "Dictionary" in _procedures(code) or "Dictionary" in code


def test_slow_functions_do_not_run_in_the_function_wizard(modules):
    """Functions measured slower than the limit (scripts/time_udfs.py -> tests/data/udf_timings.json) are declared
    wizard=False, and the wrapper xlwings generates for them returns at once inside the wizard."""
    timing = json.loads((DATA / "udf_timings.json").read_text())
    funcs = udfs.udf_functions()
    code = modules[xlam.UDF_MODULE]
    slow = {n for n, t in timing["slowest_call_s"].items() if t > timing["limit_s"]}
    assert slow, "the timing data names no slow function"
    for name, f in funcs.items():
        body = code.split(f"Function {name}(", 1)[1].split("End Function", 1)[0]
        in_wizard = 'CommandBars("Standard").Controls(1).Enabled' not in body
        assert in_wizard == f.__xlcell_wizard__, name
        if name in slow:
            assert not f.__xlcell_wizard__, f"{name} takes {timing['slowest_call_s'][name]} s: declare wizard=False"


def test_category_and_help_for_every_function(modules):
    """XlcellSetup replays the MacroOptions calls xlwings' import_udfs makes, one per function, from Workbook_Open."""
    calls = xlam.imported_udfs().macro_options
    assert [args[0] for args, _ in calls] == [f"'{xlam.ADDIN_FILE}'!{n}" for n in udfs.udf_functions()]
    assert {kw["Category"] for _, kw in calls} == {"xlcell"}
    assert "XlcellSetup.XlcellRegisterFunctions" in modules["ThisWorkbook"]
    assert "Private Sub Workbook_Open()" in modules["ThisWorkbook"]
    # the Register subs may spread over XlcellSetup, XlcellSetup2, ... (VBA's module size limit): the entry calls the
    # others' public subs, each of which calls its own Register subs
    extra = [m for m in xlam.setup_modules() if m != xlam.SETUP_MODULE]
    for i, m in enumerate(extra, start=2):
        assert f"    {m}.XlcellRegisterFunctions{i}" in modules[xlam.SETUP_MODULE]
        assert f"Public Sub XlcellRegisterFunctions{i}()" in modules[m]
    for name, f in udfs.udf_functions().items():
        setup = next(modules[m] for m in xlam.setup_modules() if f"Sub Register_{name}()" in modules[m])
        procs = _procedures(setup)
        assert f"Register_{name}" in procs and f"    Register_{name}" in setup
        body = setup.split(procs[f"Register_{name}"], 1)[1].split("End Sub", 1)[0]
        assert f"'!{name}\"" in body and 'Category:="xlcell"' in body
        assert len(re.findall(r"^    help\(\d+\) = ", body, flags=re.M)) == len(f.__xlcell_arg_docs__)
    assert max(len(line) for line in setup.splitlines()) < 1023  # VBA's line limit


def test_every_ribbon_action_has_its_callback_and_python_macro(built, modules):
    import app.macros

    ui = ET.fromstring(zipfile.ZipFile(built).read("customUI/customUI.xml"))
    buttons = ui.findall(".//ui:button", NS)
    ids = [e.get("id") for e in ui.iter() if e.get("id")]
    assert len(ids) == len(set(ids))
    callbacks = _procedures(modules[ribbon.MODULE])
    labels = {b.get("label") for b in buttons}
    assert {"Evaluate", "Cost", "Pareto front", "Optimise", "Monte Carlo", "Report", "New workbook", "Help"} <= labels
    for b in buttons:
        module, sub = b.get("onAction").split(".")
        assert module == ribbon.MODULE and callbacks[sub] == f"Public Sub {sub}(control As IRibbonControl)"
    for spec in ribbon.BUTTONS:
        if spec.python:
            assert callable(getattr(app.macros, spec.python.split("(")[0])), spec.python


def test_ribbon_icons_are_excel_control_ids(built):
    """imageMso names from Microsoft's list of Excel 365 control ids (scripts/extract_imagemso.py)."""
    known = {ln.strip() for ln in (DATA / "excel_control_ids.txt").read_text().splitlines()
             if ln.strip() and not ln.startswith("#")}
    ui = ET.fromstring(zipfile.ZipFile(built).read("customUI/customUI.xml"))
    images = [e.get("imageMso") for e in ui.iter() if e.get("imageMso")]
    assert images and set(images) <= known, set(images) - known


def test_package_parts_of_an_addin(built):
    z = zipfile.ZipFile(built)
    assert z.testzip() is None
    types = z.read("[Content_Types].xml").decode()
    assert "application/vnd.ms-excel.addin.macroEnabled.main+xml" in types
    assert "application/vnd.ms-office.vbaProject" in types
    rels = z.read("_rels/.rels").decode()
    assert 'Target="customUI/customUI.xml"' in rels
    assert "vbaProject.bin" in z.read("xl/_rels/workbook.xml.rels").decode()
    assert "felix" not in z.read("xl/workbook.xml").decode()  # the template author's folder is dropped


def test_no_public_name_is_defined_twice_in_the_project(modules):
    seen: dict[str, str] = {}
    for mod, code in modules.items():
        if mod in ("ThisWorkbook", "Sheet2", "Dictionary"):
            continue
        for name, line in _procedures(code).items():
            if not line.startswith("Private"):
                assert name.lower() not in seen, f"{name} in {mod} and {seen[name.lower()]}"
                seen[name.lower()] = mod


def test_generated_modules_are_ascii_and_well_below_the_module_size_limit(built):
    """Our modules are ASCII (the VBA editor reads source in the system code page, which differs on East Asian
    Windows), and each stays well below VBA's ~64 KB per module."""
    from addin.project import VbaProject

    project = VbaProject(zipfile.ZipFile(built).read("xl/vbaProject.bin"))
    for name in (xlam.UDF_MODULE, ribbon.MODULE, *xlam.setup_modules(), "ThisWorkbook"):
        source = project.source(name)
        assert source.isascii(), name
        assert len(source.encode("cp1252")) < 60_000, (name, len(source))


def test_project_keeps_the_template_id_and_is_named_xlcell(built):
    """CMG/DPB/GC in the PROJECT stream are encrypted with the project ID, so the ID must not change."""
    from addin.project import VbaProject

    ours = VbaProject(zipfile.ZipFile(built).read("xl/vbaProject.bin"))
    template = VbaProject(zipfile.ZipFile(xlam.xlwings_dir() / xlam.TEMPLATE).read("xl/vbaProject.bin"))
    line = lambda p, key: next(ln for ln in p.project_text.split("\r\n") if ln.startswith(key))  # noqa: E731
    for key in ("ID=", "CMG=", "DPB=", "GC="):
        assert line(ours, key) == line(template, key)
    assert ours.name == "xlcell" and line(ours, "Name=") == 'Name="xlcell"'


def test_sheet_buttons_force_a_full_recalculation_of_their_sheet(modules):
    """Worksheet.Calculate alone recomputes only cells marked dirty (no xlcell function is volatile)."""
    code = modules[ribbon.MODULE]
    for sub, sheet in (("xlcellCost", "Cost"), ("xlcellMonteCarlo", "Uncertainty")):
        body = code.split(f"Public Sub {sub}(", 1)[1].split("End Sub", 1)[0]
        assert f'With ActiveWorkbook.Worksheets("{sheet}")' in body
        assert body.index(".EnableCalculation = False") < body.index(".EnableCalculation = True") < \
            body.index(".Calculate")
        assert "On Error GoTo failed" in body and "MsgBox" in body
    assert "KillPy" in code.split("Public Sub xlcellRestart(", 1)[1].split("End Sub", 1)[0]
    assert "Sub KillPy()" in modules["xlwings"]


def test_build_is_deterministic(built, tmp_path):
    again = xlam.build_xlam(tmp_path)
    assert again.read_bytes() == built.read_bytes()


def test_version_mismatch_and_missing_template_stop_the_build(monkeypatch, tmp_path):
    monkeypatch.setattr(xlam, "xlwings_version", lambda: "0.0.1")
    with pytest.raises(xlam.AddinBuildError, match="installed xlwings is 0.0.1"):
        xlam.build_xlam(tmp_path)
    monkeypatch.undo()
    fake = tmp_path / "xlwings"
    fake.mkdir()
    monkeypatch.setattr(xlwings, "__file__", str(fake / "__init__.py"))
    with pytest.raises(xlam.AddinBuildError, match="has no quickstart_addin_ribbon.xlam") as e:
        xlam.build_xlam(tmp_path / "out")
    assert "\n" not in str(e.value)
    assert not (tmp_path / "out" / xlam.ADDIN_FILE).exists()


def test_vba_strings_keep_unicode_through_chrw():
    assert xlam.vba_string('a "b"') == '"a ""b"""'
    assert xlam.vba_string("κ0·ε µm") == 'ChrW(954) & "0" & ChrW(183) & ChrW(949) & " " & ChrW(181) & "m"'
    assert xlam.vba_string("") == '""'


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed (scripts/install_libreoffice.sh)")
@pytest.mark.slow  # runs LibreOffice
def test_libreoffice_imports_the_vba_project(built, tmp_path):
    """LibreOffice's own MS-CFB/MS-OVBA reader loads the add-in and imports every module's source."""
    run = subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/profile",
                          "--infilter=Calc MS Excel 2007 VBA XML", "--convert-to", "ods", "--outdir", str(tmp_path),
                          str(built)], capture_output=True, text=True, timeout=180)
    out = tmp_path / "xlcell.ods"
    assert out.exists(), run.stdout + run.stderr
    z = zipfile.ZipFile(out)
    basic = {Path(n).stem: z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("Basic/xlcell/")
             and not n.endswith("script-lb.xml")}
    assert {xlam.UDF_MODULE, ribbon.MODULE, xlam.SETUP_MODULE, "xlwings", "ThisWorkbook"} <= set(basic)
    for name in udfs.udf_functions():
        assert f"Function {name}(" in basic[xlam.UDF_MODULE], name
    for b in ribbon.BUTTONS:
        assert f"Sub {b.id}(control As IRibbonControl)" in basic[ribbon.MODULE]
