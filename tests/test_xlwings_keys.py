"""Every xlwings setting xlcell writes is one xlwings actually reads (keys taken from the installed xlwings' source).

The keys once shipped as ``UDF_MODULES`` / ``SHOW_CONSOLE`` were read by nothing: xlwings spells them with a space.
"""
from datetime import datetime

import pytest
from openpyxl import load_workbook

from _xlwings_source import (XLWINGS_DIR, bas_files, conf_file_keys, file_key_is_read, python_keys,
                             sheet_key_is_read, vba_keys)


def test_keys_come_from_the_installed_xlwings_source():
    keys = vba_keys()
    assert {"INTERPRETER_WIN", "INTERPRETER_MAC", "SHOW CONSOLE", "UDF MODULES", "PYTHONPATH"} <= keys, sorted(keys)
    assert XLWINGS_DIR / "xlwings_custom_addin.bas" in bas_files()  # the standalone module xlcell.xlam embeds
    assert all(k == k.upper() for k in keys)  # so a UCase'd sheet key can match them
    assert "UDF_MODULES" not in keys and "SHOW_CONSOLE" not in keys
    assert "RELEASE_EMBED_CODE_MAP" in python_keys()
    assert not file_key_is_read("UDF_MODULES") and not sheet_key_is_read("Show_Console")


def test_the_case_rules_are_still_the_ones_xlwings_applies():
    for name in ("xlwings.bas", "xlwings_custom_addin.bas"):
        src = (XLWINGS_DIR / name).read_text(encoding="utf-8", errors="replace")
        assert "d.Add UCase(cell.Value)" in src  # GetConfigFromSheet upper-cases the sheet's keys
        assert "If LCase(sVarName) = LCase(sName) Then" in src  # GetConfigFromFile ignores case
    assert "config[values[0].strip('\"').lower()]" in (XLWINGS_DIR / "utils.py").read_text(encoding="utf-8")


@pytest.mark.slow  # builds the template
def test_template_conf_sheet_writes_only_keys_xlwings_reads(fresh_template):
    ws = load_workbook(fresh_template)["xlwings.conf"]
    keys = [row[0] for row in ws.iter_rows(values_only=True) if row[0] is not None]
    assert keys and all(sheet_key_is_read(k) for k in keys), keys


def test_addin_install_writes_only_keys_xlwings_reads(tmp_path, monkeypatch):
    from addin import install as inst
    from test_addin_install import win_env

    env = win_env(tmp_path)
    xlam = tmp_path / "xlcell.xlam"
    xlam.write_bytes(b"PK")
    monkeypatch.setattr(inst, "_check_built_for", lambda xlam, version: None)  # a fake add-in file
    inst.install(env, xlam, now=datetime(2025, 1, 1))
    keys = conf_file_keys(inst.user_conf_path(env))
    assert keys == ["INTERPRETER_WIN"] and all(file_key_is_read(k) for k in keys)
    assert all(file_key_is_read(k) for k in inst.conf_settings(env))
