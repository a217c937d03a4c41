"""The add-in package: wheel, template, xlwings configuration and install notes."""
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_build_addin_package(tmp_path):
    sys.path.insert(0, str(ROOT / "build"))
    import build_addin

    archive = build_addin.build(tmp_path, wheel=False)
    names = zipfile.ZipFile(archive).namelist()
    folder = names[0].split("/")[0]
    for f in ("xlcell_template.xlsx", "xlwings.conf", "INSTALL.txt", "install.cmd", "install.sh"):
        assert f"{folder}/{f}" in names
    conf = (tmp_path / folder / "xlwings.conf").read_text()
    assert '"UDF_MODULES","udfs"' in conf
