"""The ribbon add-ins built without Excel (build/build_ribbon.py): structure, callbacks, Python entry points."""
import importlib.util
import re
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "build"))
import build_ribbon  # noqa: E402

NS = "{http://schemas.microsoft.com/office/2006/01/customui}"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    try:
        src = build_ribbon.xlwings_ribbon_addin()
    except FileNotFoundError:
        pytest.skip("this xlwings ships no ribbon add-in")
    out = tmp_path_factory.mktemp("ribbon")
    build_ribbon.build_ribbon(out, src)
    return out / "ribbon", src


def test_each_button_addin_is_xlwings_ribbon_addin_with_our_ribbon(built):
    folder, src = built
    with zipfile.ZipFile(src) as z0:
        original = {n: z0.read(n) for n in z0.namelist()}
    for button in build_ribbon.BUTTONS:
        with zipfile.ZipFile(folder / f"xlcell_{button}.xlam") as z:
            assert z.testzip() is None
            parts = {n: z.read(n) for n in z.namelist()}
        assert set(parts) == set(original)
        for name in parts:  # the VBA project and every other part untouched
            if name != "customUI/customUI.xml":
                assert parts[name] == original[name], name
        ui = ET.fromstring(parts["customUI/customUI.xml"])
        tab = ui.find(f"{NS}ribbon/{NS}tabs/{NS}tab")
        assert tab.get("idQ") == "x:xlcellTab" and tab.get("label") == "xlcell"  # one shared tab
        buttons = ui.findall(f".//{NS}button")
        assert len(buttons) == 1 and buttons[0].get("onAction") == "RibbonMyAddin.RunMain"


def test_entry_modules_call_the_macros(built, monkeypatch):
    folder, _ = built
    import udfs.macros

    calls = []
    for button, (_, _, _, macro) in build_ribbon.BUTTONS.items():
        path = folder / f"xlcell_{button}.py"
        spec = importlib.util.spec_from_file_location(f"xlcell_{button}", path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        assert getattr(mod, macro) is getattr(udfs.macros, macro)
        monkeypatch.setattr(mod, macro, lambda *a, m=macro: calls.append((m, a)))
        mod.main()
    assert calls == [("pareto_macro", ()), ("optimize_macro", ()), ("report_macro", ()), ("rebuild_macro", (None, "Pareto"))]


def test_single_addin_callbacks_match_the_vba_module_and_the_macros(built):
    folder, _ = built
    import udfs.macros

    ui = ET.parse(folder / "single-addin" / "customUI.xml").getroot()
    ids = [b.get("id") for b in ui.iter(f"{NS}button")]
    assert {b.get("onAction") for b in ui.iter(f"{NS}button")} == {"XlcellRibbon.OnAction"}
    bas = (folder / "single-addin" / "XlcellRibbon.bas").read_text()
    cases = dict(re.findall(r'Case "(\w+)": RunPython "import udfs.macros; udfs.macros.(\w+)\(', bas))
    assert sorted(cases) == sorted(ids)
    assert all(callable(getattr(udfs.macros, m)) for m in cases.values())
