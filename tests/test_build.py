"""The add-in package: wheel, template, xlwings configuration and install notes."""
import sys
import zipfile
from pathlib import Path

import pytest

from _xlwings_source import conf_file_keys, file_key_is_read

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow  # builds the add-in package (pip wheel, template)
def test_build_addin_package(tmp_path):
    sys.path.insert(0, str(ROOT / "build"))
    import build_addin

    archive = build_addin.build(tmp_path, wheel=False)
    names = zipfile.ZipFile(archive).namelist()
    folder = names[0].split("/")[0]
    for f in ("xlcell_template.xlsx", "INSTALL.txt", "install.cmd", "install.sh"):
        assert f"{folder}/{f}" in names
    # no user-level xlwings.conf is shipped (`xlcell addin install` sets INTERPRETER_WIN on the user's machine);
    # any conf file the package holds may only use keys xlwings reads (taken from the installed xlwings' source)
    assert f"{folder}/xlwings.conf" not in names
    for conf in (tmp_path / folder).rglob("*.conf"):
        assert all(file_key_is_read(k) for k in conf_file_keys(conf)), conf
    for f in ("INSTALL.txt", "install.cmd", "install.sh"):
        text = (tmp_path / folder / f).read_text(encoding="utf-8")
        assert "UDF_MODULES" not in text and "SHOW_CONSOLE" not in text and "xlwings addin install" not in text, f
    cmd = (tmp_path / folder / "install.cmd").read_text()
    assert 'python -m app.cli addin install --xlam "%~dp0xlcell.xlam"' in cmd
    assert "app.cli addin install" in (tmp_path / folder / "install.sh").read_text()
    assert "app.cli addin install --xlam xlcell.xlam" in (tmp_path / folder / "INSTALL.txt").read_text(encoding="utf-8")


@pytest.mark.slow  # builds the add-in package
def test_package_holds_the_addin_and_the_readme_checklist(tmp_path):
    sys.path.insert(0, str(ROOT / "build"))
    import build_addin
    import xlwings

    from addin.xlam import addin_versions

    archive = build_addin.build(tmp_path, wheel=False)
    folder = tmp_path / zipfile.ZipFile(archive).namelist()[0].split("/")[0]
    assert (tmp_path / "xlcell.xlam").read_bytes() == (folder / "xlcell.xlam").read_bytes()
    assert addin_versions(folder / "xlcell.xlam")["xlwings"] == xlwings.__version__
    assert not (folder / "ribbon").exists()  # the four per-button add-ins are gone: one add-in has the whole tab
    text = (folder / "INSTALL.txt").read_text(encoding="utf-8")
    assert f"xlwings=={xlwings.__version__}" in (folder / "install.cmd").read_text()
    page = (ROOT / "docs" / "excel.md").read_text(encoding="utf-8")
    items = page.split(build_addin.CHECKLIST_START)[1].split(build_addin.CHECKLIST_END)[0].count("- [ ]")
    assert items >= 10 and text.count("[ ]") == items  # the docs page's checklist, item for item
    assert "Manual test in Excel" in text and "Import Functions\", no VBA reference" in text


def test_build_script_fails_in_one_line_without_xlwings_files(tmp_path, monkeypatch, capsys):
    sys.path.insert(0, str(ROOT / "build"))
    import build_addin
    import xlwings

    fake = tmp_path / "xlwings"
    fake.mkdir()
    monkeypatch.setattr(xlwings, "__file__", str(fake / "__init__.py"))
    assert build_addin.main(["--out", str(tmp_path / "out"), "--no-wheel"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("build_addin: ") and "quickstart_addin_ribbon.xlam" in err and "\n" not in err
