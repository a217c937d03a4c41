"""``xlcell addin install | uninstall | status`` on fake homes: Windows, macOS and Linux layouts in temporary folders."""
from datetime import datetime
from pathlib import Path

import pytest

from addin import install as inst

NOW = datetime(2025, 3, 1, 12, 0, 0)
LATER = datetime(2025, 3, 1, 12, 5, 0)


def win_env(tmp_path, venv=True, dll=True, xlwings="0.37.8", **kw):
    """A Windows user: %USERPROFILE%, %APPDATA%\\Microsoft\\Excel, and a Python (a venv: Scripts\\ + DLL in its root)."""
    home = tmp_path / "Users" / "ana"
    appdata = home / "AppData" / "Roaming"
    (appdata / "Microsoft" / "Excel").mkdir(parents=True)
    root = tmp_path / "venv"
    scripts = root / "Scripts" if venv else root
    scripts.mkdir(parents=True)
    for exe in ("python.exe", "pythonw.exe"):
        (scripts / exe).write_bytes(b"MZ")
    if dll and xlwings:
        (root / f"xlwings64-{xlwings}.dll").write_bytes(b"MZ")
    return inst.Env(platform="win32", home=home, appdata=appdata, python=scripts / "python.exe",
                    xlwings_version=xlwings, encoding="cp1252", **kw)


@pytest.fixture(autouse=True)
def _fake_addins_pass_the_version_check(request, monkeypatch):
    """The copy/backup tests use small fake files; the version check has its own tests on a real build."""
    if "real_xlam" not in request.fixturenames:
        monkeypatch.setattr(inst, "_check_built_for", lambda xlam, version: None)
        monkeypatch.setattr(inst, "_built_for", lambda xlam, version: "")


@pytest.fixture(scope="module")
def real_xlam(tmp_path_factory):
    from addin.xlam import build_xlam

    return build_xlam(tmp_path_factory.mktemp("real"))


def test_install_checks_the_addin_was_built_for_this_xlwings(tmp_path, real_xlam):
    import xlwings

    env = win_env(tmp_path, xlwings=xlwings.__version__)
    msgs = inst.install(env, xlam=real_xlam, now=NOW)
    assert (inst.xlstart_dir(env) / "xlcell.xlam").read_bytes() == real_xlam.read_bytes()
    assert any("Restart Excel" in m for m in msgs)
    assert any(f"for xlwings {xlwings.__version__}" in line and "MISMATCH" not in line for line in inst.status(env))
    other = win_env(tmp_path / "other", xlwings="0.0.9")
    with pytest.raises(inst.InstallError, match=f"built for xlwings {xlwings.__version__} but this Python has "
                                                "xlwings 0.0.9"):
        inst.install(other, xlam=real_xlam, now=NOW)
    assert not (inst.xlstart_dir(other) / "xlcell.xlam").exists()
    installed = inst.xlstart_dir(env) / "xlcell.xlam"  # an add-in left from an older xlwings
    mismatch = inst.Env(platform="win32", home=env.home, appdata=env.appdata, python=env.python,
                        xlwings_version="0.0.9", encoding="cp1252")
    assert installed.exists()
    assert any("MISMATCH with the installed xlwings 0.0.9" in line for line in inst.status(mismatch))
    fake = tmp_path / "fake.xlam"
    fake.write_bytes(b"PK\x03\x04 not an add-in")
    with pytest.raises(inst.InstallError, match="is not an xlcell add-in"):
        inst.install(env, xlam=fake, now=NOW)


@pytest.fixture
def xlam(tmp_path):
    p = tmp_path / "dist" / "xlcell.xlam"
    p.parent.mkdir()
    p.write_bytes(b"PK\x03\x04 fake add-in v1")
    return p


def conf_of(env):
    return inst.user_conf_path(env)


def test_install_on_windows_copies_the_addin_and_sets_this_pythonw(tmp_path, xlam):
    env = win_env(tmp_path)
    msgs = inst.install(env, xlam, now=NOW)
    target = env.appdata / "Microsoft" / "Excel" / "XLSTART" / "xlcell.xlam"
    assert target.read_bytes() == xlam.read_bytes()
    conf = env.home / ".xlwings" / "xlwings.conf"  # %USERPROFILE%\.xlwings\xlwings.conf
    assert conf.read_bytes() == f'"INTERPRETER_WIN","{env.python.with_name("pythonw.exe")}"\r\n'.encode()
    assert any(f"installed {target}" in m for m in msgs) and any("(new file)" in m for m in msgs)
    assert not list(conf.parent.glob("*.bak-*"))  # nothing existed, nothing backed up
    assert not list(target.parent.glob(".*tmp"))  # no temporary files left behind


def test_existing_conf_is_backed_up_and_only_our_key_changes(tmp_path, xlam):
    env = win_env(tmp_path)
    conf = conf_of(env)
    conf.parent.mkdir(parents=True)
    # a user's file as the xlwings ribbon writes it (VBA Write #: CRLF), with an old interpreter and a duplicate
    before = (b'"CONDA PATH",""\r\n"interpreter_win","C:\\Python39\\pythonw.exe"\r\n"UDF MODULES","mybook"\r\n'
              b'"SHOW CONSOLE","True"\r\n"INTERPRETER_WIN","C:\\old\\pythonw.exe"\r\n"Caf\xe9","x"\r\n')
    conf.write_bytes(before)
    msgs = inst.install(env, xlam, now=NOW)
    bak = conf.with_name("xlwings.conf.bak-20250301-120000")
    assert bak.read_bytes() == before
    after = conf.read_bytes().split(b"\r\n")
    pythonw = str(env.python.with_name("pythonw.exe")).encode()
    assert after == [b'"CONDA PATH",""', b'"INTERPRETER_WIN","' + pythonw + b'"', b'"UDF MODULES","mybook"',
                     b'"SHOW CONSOLE","True"', b'"Caf\xe9","x"', b""]  # foreign lines verbatim, in place
    assert any(str(bak) in m for m in msgs)
    assert inst.read_conf(conf, env.encoding)["INTERPRETER_WIN"] == pythonw.decode()


def test_install_twice_is_the_same_and_backs_up_once_per_change(tmp_path, xlam):
    env = win_env(tmp_path)
    conf = conf_of(env)
    conf.parent.mkdir(parents=True)
    conf.write_bytes(b'"INTERPRETER_WIN","C:\\old\\pythonw.exe"\r\n')
    inst.install(env, xlam, now=NOW)
    target = inst.xlstart_dir(env) / "xlcell.xlam"
    state = (conf.read_bytes(), target.read_bytes())
    msgs = inst.install(env, xlam, now=LATER)
    assert (conf.read_bytes(), target.read_bytes()) == state
    assert len(list(conf.parent.glob("xlwings.conf.bak-*"))) == 1
    assert not list(target.parent.parent.glob("xlcell.xlam.bak-*"))
    assert any("unchanged" in m for m in msgs)


def test_a_different_installed_addin_is_backed_up_outside_xlstart(tmp_path, xlam):
    env = win_env(tmp_path)
    inst.install(env, xlam, now=NOW)
    xlam.write_bytes(b"PK\x03\x04 fake add-in v2")
    msgs = inst.install(env, xlam, now=LATER)
    xlstart = inst.xlstart_dir(env)
    bak = xlstart.parent / "xlcell.xlam.bak-20250301-120500"
    assert bak.read_bytes() == b"PK\x03\x04 fake add-in v1" and (xlstart / "xlcell.xlam").read_bytes().endswith(b"v2")
    assert sorted(p.name for p in xlstart.iterdir()) == ["xlcell.xlam"]  # Excel opens every file in XLSTART
    assert any(str(bak) in m for m in msgs)


def test_backup_names_never_collide(tmp_path):
    f = tmp_path / "xlwings.conf"
    f.write_text("x")
    first = inst.backup_path(f, NOW)
    first.write_text("old")
    assert inst.backup_path(f, NOW).name == "xlwings.conf.bak-20250301-120000-2"


def test_a_failed_write_leaves_the_old_file_whole(tmp_path, monkeypatch):
    f = tmp_path / "xlwings.conf"
    f.write_bytes(b'"INTERPRETER_WIN","C:\\old\\pythonw.exe"\r\n')

    def boom(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(inst.os, "replace", boom)
    with pytest.raises(PermissionError):
        inst.write_atomic(f, b"new")
    assert f.read_bytes() == b'"INTERPRETER_WIN","C:\\old\\pythonw.exe"\r\n'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["xlwings.conf"]  # the temporary file is gone too


def test_permission_denied_is_one_sentence(tmp_path, xlam, monkeypatch):
    env = win_env(tmp_path)

    def boom(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(inst.os, "replace", boom)
    with pytest.raises(inst.InstallError, match=r"could not write .*xlcell.xlam: Permission denied; if Excel is "
                                                r"running, quit it and try again"):
        inst.install(env, xlam, now=NOW)


def test_install_refuses_without_xlstart_or_xlwings_or_addin(tmp_path, xlam):
    env = win_env(tmp_path)
    with pytest.raises(inst.InstallError, match="XLSTART not found: %APPDATA% is not set"):
        inst.install(inst.Env(**{**env.__dict__, "appdata": None}), xlam)
    with pytest.raises(inst.InstallError, match="XLSTART not found: .* does not exist"):
        inst.install(inst.Env(**{**env.__dict__, "appdata": tmp_path / "nowhere"}), xlam)
    with pytest.raises(inst.InstallError, match="xlwings is not installed in .*python.exe"):
        inst.install(inst.Env(**{**env.__dict__, "xlwings_version": None}), xlam)
    with pytest.raises(inst.InstallError, match="does not exist; pass the path of xlcell.xlam"):
        inst.install(env, tmp_path / "missing.xlam")
    assert not conf_of(env).exists()  # a refused install changes nothing


def test_install_builds_the_addin_when_no_file_is_given(tmp_path):
    env = win_env(tmp_path)

    def fake_build_xlam(dest: Path) -> Path:  # stands in for addin.xlam.build_xlam until it is merged
        p = dest / "xlcell.xlam"
        p.write_bytes(b"PK built")
        return p

    inst.install(env, None, now=NOW, build=fake_build_xlam)
    assert (inst.xlstart_dir(env) / "xlcell.xlam").read_bytes() == b"PK built"


def test_excel_reported_startup_folder_wins(tmp_path, xlam):
    startup = tmp_path / "ExcelSaid" / "XLSTART"
    startup.parent.mkdir()
    env = win_env(tmp_path, excel_startup=startup)
    inst.install(env, xlam, now=NOW)
    assert (startup / "xlcell.xlam").is_file()


def test_uninstall_removes_our_addin_and_leaves_the_conf(tmp_path, xlam):
    env = win_env(tmp_path)
    inst.install(env, xlam, now=NOW)
    conf = conf_of(env).read_bytes()
    msgs = inst.uninstall(env)
    assert not (inst.xlstart_dir(env) / "xlcell.xlam").exists() and conf_of(env).read_bytes() == conf
    assert msgs[0].startswith("removed ") and "left " in msgs[1] and "unchanged" in msgs[1]
    assert "was not installed" in inst.uninstall(env)[0]


def test_status_on_windows_venv(tmp_path, xlam):
    env = win_env(tmp_path)
    text = "\n".join(inst.status(env))
    assert f"Python: {env.python}" in text and f"pythonw.exe beside it: {env.python.with_name('pythonw.exe')}" in text
    assert "xlwings: 0.37.8" in text
    assert f"xlwings DLL: {tmp_path / 'venv' / 'xlwings64-0.37.8.dll'}" in text  # the venv root: the parent folder
    assert "xlcell.xlam (not installed" in text and "does not exist" in text
    inst.install(env, xlam, now=NOW)
    text = "\n".join(inst.status(env))
    assert "xlcell.xlam (installed)" in text and "INTERPRETER_WIN is this Python: yes" in text
    assert "INTERPRETER_MAC: (not set)" in text


def test_status_says_when_the_dll_or_the_interpreter_is_wrong(tmp_path):
    env = win_env(tmp_path, venv=False, dll=False)
    conf = conf_of(env)
    conf.parent.mkdir(parents=True)
    conf.write_bytes(b'"INTERPRETER_WIN","C:\\other\\pythonw.exe"\r\n')
    text = "\n".join(inst.status(env))
    assert "xlwings64-0.37.8.dll or xlwings32-0.37.8.dll not found" in text
    assert "INTERPRETER_WIN: C:\\other\\pythonw.exe" in text and "this Python: no" in text


def test_find_dll_standard_install_beside_the_interpreter(tmp_path):
    (tmp_path / "pythonw.exe").write_bytes(b"MZ")
    (tmp_path / "xlwings32-0.37.8.dll").write_bytes(b"MZ")
    assert inst.find_dll(tmp_path / "pythonw.exe", "0.37.8") == tmp_path / "xlwings32-0.37.8.dll"


@pytest.mark.parametrize("platform", ["darwin", "linux"])
def test_install_elsewhere_says_what_to_do_and_touches_nothing(tmp_path, xlam, platform):
    home = tmp_path / "home"
    home.mkdir()
    env = inst.Env(platform=platform, home=home, python=Path("/usr/bin/python3"), xlwings_version="0.37.8")
    expected = "build/lite/README.md" if platform == "darwin" else "on Windows install xlcell"
    with pytest.raises(inst.InstallError, match=f"nothing was installed.*{expected}"):
        inst.install(env, xlam)
    assert list(home.rglob("*")) == []
    text = "\n".join(inst.status(env))
    assert "xlwings DLL: not applicable" in text and "does not exist" in text
    assert "nothing to uninstall" in inst.uninstall(env)[0]


def test_status_on_macos_reads_the_sandboxed_conf(tmp_path):
    env = inst.Env(platform="darwin", home=tmp_path, python=Path("/opt/py/bin/python3"), xlwings_version="0.37.8")
    conf = tmp_path / "Library/Containers/com.microsoft.Excel/Data/xlwings.conf"  # xlwings.USER_CONFIG_FILE on macOS
    conf.parent.mkdir(parents=True)
    conf.write_text('"INTERPRETER_MAC","/opt/py/bin/python3"\n')
    text = "\n".join(inst.status(env))
    assert "INTERPRETER_MAC: /opt/py/bin/python3" in text and "INTERPRETER_MAC is this Python: yes" in text


def test_cli_addin_status_and_linux_install(capsys):
    from app.cli import main

    assert main(["addin", "status"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Python: ") and "xlwings" in out
    if inst.Env.current().platform == "linux":
        assert main(["addin", "install"]) == 2
        assert "Excel is not available on linux" in capsys.readouterr().err
