"""The add-in package: wheel, template, xlwings configuration and install notes."""
import sys
import zipfile
from pathlib import Path

from _xlwings_source import conf_file_keys, file_key_is_read

ROOT = Path(__file__).resolve().parents[1]


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
    assert 'python -m workbooks.cli addin install --xlam "%~dp0xlcell.xlam"' in cmd
    assert "workbooks.cli addin install" in (tmp_path / folder / "install.sh").read_text()
    assert "xlcell addin install --xlam xlcell.xlam" in (tmp_path / folder / "INSTALL.txt").read_text(encoding="utf-8")


def test_install_notes_name_every_ribbon_file_and_how_to_install_and_test_it(tmp_path):
    sys.path.insert(0, str(ROOT / "build"))
    import build_addin

    archive = build_addin.build(tmp_path, wheel=False)
    folder = tmp_path / zipfile.ZipFile(archive).namelist()[0].split("/")[0]
    text = (folder / "INSTALL.txt").read_text(encoding="utf-8")
    produced = sorted(p.relative_to(folder).as_posix() for p in (folder / "ribbon").rglob("*")
                      if p.is_file() and p.name != "README.txt")
    assert any(p.endswith(".xlam") for p in produced)
    for rel in produced:  # every add-in file the build wrote, by its path in the package
        assert rel in text, rel
    assert "File > Options > Add-ins > Manage: \"Excel Add-ins\" > Go... > Browse..." in text and "XLSTART" in text
    assert "Manual test in Excel (not run here" in text and text.count("[ ]") >= 5
    assert "/ribbon" in (folder / "install.cmd").read_text() and "--ribbon" in (folder / "install.sh").read_text()
