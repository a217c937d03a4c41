"""``xlcell addin install | uninstall | status``: put xlcell.xlam where Excel loads it and point it at this Python.

The classic xlwings route (Windows): Excel opens every file in its start-up folder ``XLSTART``; the add-in's VBA
(xlwings' standalone module, ``PROJECT_NAME = "xlwings"``) reads ``INTERPRETER_WIN`` from the user file
``%USERPROFILE%\\.xlwings\\xlwings.conf`` (lines ``"KEY","value"``, keys compared case-insensitively, the first
match wins), starts that interpreter and loads ``xlwings64-<version>.dll`` from the interpreter's folder or its
parent (``XLPyLoadDLL``). So installing means: copy the add-in into XLSTART and set that one key to this Python's
``pythonw.exe``, the Python that has xlcell installed.

Every function takes an explicit :class:`Env` (platform, home, APPDATA, interpreter, xlwings version) so the tests
run on any OS with temporary folders. Nothing the user owns is overwritten without a backup and a message: an
existing ``xlwings.conf`` is copied to ``xlwings.conf.bak-<timestamp>`` before the first change, and only the keys we
set change (other lines are kept byte for byte); a different ``xlcell.xlam`` already in XLSTART is moved to a
backup beside XLSTART (not inside it: Excel would try to open the backup at start-up). Every file is written to a
temporary file in its folder and moved into place with :func:`os.replace`.
"""
from __future__ import annotations

import locale
import os
import re
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable

from xlcell.errors import XlcellError

#: the add-in's file name in Excel's start-up folder
ADDIN_NAME = "xlcell.xlam"
#: where the xlwings Lite route (macOS, Excel on the web) is described, relative to the package folder / checkout
LITE_README = "build/lite/README.md"


class InstallError(XlcellError):
    """An install step that cannot be done; the message is one sentence that says what, where and what to do."""


@dataclass(frozen=True)
class Env:
    """What the install functions look at, made explicit so tests can fake it."""

    platform: str  # a ``sys.platform`` value: "win32", "darwin", "linux"
    home: Path
    python: Path  # the interpreter running xlcell (``sys.executable``)
    xlwings_version: str | None  # None: xlwings is not installed in ``python``
    appdata: Path | None = None  # %APPDATA% (Windows)
    excel_startup: Path | None = None  # Excel's own Application.StartupPath, if a running Excel told us
    encoding: str = field(default_factory=lambda: locale.getpreferredencoding(False))  # what VBA's Input # reads

    @classmethod
    def current(cls) -> "Env":
        try:
            from importlib.metadata import PackageNotFoundError, version

            xw_version: str | None = version("xlwings")
        except PackageNotFoundError:
            xw_version = None
        appdata = os.environ.get("APPDATA")
        return cls(platform=sys.platform, home=Path.home(), python=Path(sys.executable), xlwings_version=xw_version,
                   appdata=Path(appdata) if appdata else None,
                   excel_startup=_running_excel_startup_path() if sys.platform == "win32" else None)

    @property
    def windows(self) -> bool:
        return self.platform.startswith("win")


def _running_excel_startup_path() -> Path | None:  # pragma: no cover - needs Excel on Windows
    """Excel's ``Application.StartupPath`` if Excel is already running (xlwings asks Excel the same way; unlike
    ``xlwings addin install`` we do not start a hidden Excel just to ask)."""
    try:
        import xlwings as xw

        return Path(xw.apps.active.startup_path) if xw.apps else None
    except Exception:  # no Excel, no pywin32, COM refused: fall back to the documented folder
        return None


# --- where things are --------------------------------------------------------------------------------------------

def user_conf_path(env: Env) -> Path:
    """The user-level xlwings configuration file, as ``xlwings.USER_CONFIG_FILE`` and the VBA's GetConfigFilePath
    spell it (macOS: the sandboxed Excel's container)."""
    if env.platform == "darwin":
        return env.home / "Library" / "Containers" / "com.microsoft.Excel" / "Data" / "xlwings.conf"
    return env.home / ".xlwings" / "xlwings.conf"


def xlstart_dir(env: Env) -> Path:
    """Excel's per-user start-up folder on Windows: what Excel reports, else ``%APPDATA%\\Microsoft\\Excel\\XLSTART``
    (the folder ``xlwings addin install`` gets from Excel's ``Application.StartupPath``)."""
    if not env.windows:
        raise InstallError(f"Excel's XLSTART folder only exists on Windows, not on {env.platform}")
    if env.excel_startup is not None:
        return env.excel_startup
    if env.appdata is None:
        raise InstallError("XLSTART not found: %APPDATA% is not set; open Excel once, or set APPDATA, and try again")
    return env.appdata / "Microsoft" / "Excel" / "XLSTART"


def addin_interpreter(env: Env) -> Path:
    """The interpreter the add-in should start: ``pythonw.exe`` beside this Python on Windows (no console window),
    else this Python itself."""
    if env.windows:
        pythonw = env.python.with_name("pythonw.exe")
        if pythonw.exists():
            return pythonw
    return env.python


def dll_names(xlwings_version: str) -> tuple[str, str]:
    """The xlwings DLL names the VBA declares (64-bit Office, then 32-bit)."""
    return f"xlwings64-{xlwings_version}.dll", f"xlwings32-{xlwings_version}.dll"


def find_dll(interpreter: Path, xlwings_version: str) -> Path | None:
    """The xlwings DLL where ``XLPyLoadDLL`` looks: the interpreter's folder (a standard install), then its parent
    (a virtual environment: ``Scripts\\pythonw.exe`` with the DLL in the environment's root)."""
    for folder in (interpreter.parent, interpreter.parent.parent):
        for name in dll_names(xlwings_version):
            if (folder / name).is_file():
                return folder / name
    return None


# --- the xlwings.conf file ----------------------------------------------------------------------------------------

_QUOTED = re.compile(r'^\s*"([^"]*)"\s*,\s*"([^"]*)"')
_PLAIN = re.compile(r"^\s*([^,\"]*?)\s*,\s*(.*?)\s*$")


def _parse_line(text: str) -> tuple[str, str] | None:
    """``"KEY","value"`` (or unquoted ``KEY,value``, which VBA's ``Input #`` also reads) -> (key, value)."""
    m = _QUOTED.match(text) or _PLAIN.match(text)
    return (m.group(1), m.group(2)) if m and m.group(1) else None


def read_conf(path: Path, encoding: str = "utf-8") -> dict[str, str]:
    """The settings of an xlwings.conf file, keys upper-cased; the first line with a key wins, as in the VBA's
    ``GetConfigFromFile`` (it compares ``LCase`` of both keys and stops at the first match)."""
    out: dict[str, str] = {}
    if path.is_file():
        for line in path.read_bytes().decode(encoding, errors="replace").splitlines():
            kv = _parse_line(line)
            if kv and kv[0].upper() not in out:
                out[kv[0].upper()] = kv[1]
    return out


def conf_settings(env: Env) -> dict[str, str]:
    """The keys ``xlcell addin install`` sets in the user's xlwings.conf (only keys xlwings' VBA reads)."""
    return {"INTERPRETER_WIN": str(addin_interpreter(env))}


def merge_conf(data: bytes, settings: dict[str, str], encoding: str, newline: bytes = b"\r\n") -> bytes:
    """``data`` with ``settings`` set: a key's first line is replaced in place, its later duplicates (which the VBA
    ignores but xlwings' Python ``read_user_config`` would take) are dropped, missing keys are appended, and every
    other line is kept byte for byte."""
    lines = data.splitlines(keepends=True)
    if b"\r\n" in data:
        newline = b"\r\n"
    elif b"\n" in data:
        newline = b"\n"
    wanted = {k.lower(): (k, v) for k, v in settings.items()}
    done: set[str] = set()
    out: list[bytes] = []
    for line in lines:
        kv = _parse_line(line.decode("latin-1"))  # keys are ASCII; the value is not looked at
        key = kv[0].lower() if kv else None
        if key in wanted:
            if key not in done:
                k, v = wanted[key]
                out.append(_conf_line(k, v, encoding) + (line[len(line.rstrip(b"\r\n")):] or newline))
                done.add(key)
            continue
        out.append(line)
    if out and not out[-1].endswith((b"\n", b"\r")):
        out[-1] += newline
    for key, (k, v) in wanted.items():
        if key not in done:
            out.append(_conf_line(k, v, encoding) + newline)
    return b"".join(out)


def _conf_line(key: str, value: str, encoding: str) -> bytes:
    if '"' in value:
        raise InstallError(f"cannot write {key} = {value}: xlwings.conf values cannot contain a double quote")
    try:
        return f'"{key}","{value}"'.encode(encoding)
    except UnicodeEncodeError:
        raise InstallError(f"cannot write {key} = {value}: Excel's VBA reads xlwings.conf in the {encoding} code "
                           "page, which cannot spell this path; install Python in a folder with a plain-ASCII path")


# --- files written whole or not at all ----------------------------------------------------------------------------

def _timestamp(now: datetime) -> str:
    return now.strftime("%Y%m%d-%H%M%S")


def backup_path(path: Path, now: datetime, folder: Path | None = None) -> Path:
    """``<folder>/<name>.bak-<timestamp>`` (``-2``, ``-3``... if that name is taken)."""
    base = (folder or path.parent) / f"{path.name}.bak-{_timestamp(now)}"
    candidate, n = base, 1
    while candidate.exists():
        n += 1
        candidate = base.with_name(f"{base.name}-{n}")
    return candidate


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` whole or not at all (:func:`workbooks.files.write_atomic`)."""
    from workbooks.files import write_atomic as _write

    _write(path, data)


def _os_error(action: str, path: Path, exc: OSError) -> InstallError:
    hint = ("if Excel is running, quit it and try again" if isinstance(exc, PermissionError)
            else "check that the folder exists and is writable")
    return InstallError(f"could not {action} {path}: {exc.strerror or exc}; {hint}")


def set_user_conf(env: Env, settings: dict[str, str], now: datetime) -> list[str]:
    """Set ``settings`` in the user's xlwings.conf (backed up first if it exists and changes); returns messages."""
    path = user_conf_path(env)
    old = path.read_bytes() if path.is_file() else None
    new = merge_conf(old or b"", settings, env.encoding, b"\r\n" if env.windows else b"\n")
    what = ", ".join(f"{k} = {v}" for k, v in settings.items())
    if new == old:
        return [f"{path}: already has {what} (unchanged)"]
    msgs = []
    try:
        if old is not None:
            bak = backup_path(path, now)
            write_atomic(bak, old)
            msgs.append(f"backed up {path} to {bak}")
        write_atomic(path, new)
    except OSError as exc:
        raise _os_error("write", path, exc) from None
    msgs.append(f"{path}: set {what}" + ("" if old is not None else " (new file)"))
    return msgs


# --- the three commands -------------------------------------------------------------------------------------------

def _same_file(a: Path, b: Path) -> bool:
    return os.path.normcase(os.path.abspath(a)) == os.path.normcase(os.path.abspath(b))


def _expand(value: str) -> str:
    """``%VAR%`` expanded from the process environment, as the VBA's ExpandEnvironmentStrings does."""
    return re.sub(r"%([^%]+)%", lambda m: os.environ.get(m.group(1), m.group(0)), value)


def status(env: Env) -> list[str]:
    """Readable lines: interpreter, xlwings, its DLL, the add-in, the user's xlwings.conf and its interpreter."""
    lines = [f"Python: {env.python}"]
    if env.windows:
        pythonw = env.python.with_name("pythonw.exe")
        found = str(pythonw) if pythonw.exists() else f"not found (the add-in would use {env.python.name})"
        lines.append(f"pythonw.exe beside it: {found}")
    lines.append(f"xlwings: {env.xlwings_version or 'not installed (python -m pip install xlwings)'}")
    if not env.windows:
        lines.append(f"xlwings DLL: not applicable on {env.platform} (the classic add-in loads it on Windows only)")
    elif env.xlwings_version:
        dll = find_dll(addin_interpreter(env), env.xlwings_version)
        interp = addin_interpreter(env)
        lines.append(f"xlwings DLL: {dll}" if dll else
                     f"xlwings DLL: {' or '.join(dll_names(env.xlwings_version))} not found in {interp.parent} "
                     f"or {interp.parent.parent} (reinstall xlwings: python -m pip install --force-reinstall xlwings)")
    if env.windows:
        try:
            target = xlstart_dir(env) / ADDIN_NAME
            state = "installed" + _built_for(target, env.xlwings_version) if target.is_file() else \
                "not installed; `xlcell addin install` copies it"
            lines.append(f"Add-in: {target} ({state})")
            other = target.with_name("xlwings.xlam")
            if other.is_file():
                lines.append(f"Also in XLSTART: {other} (the xlwings ribbon add-in; it reads the same settings)")
        except InstallError as exc:
            lines.append(f"Add-in: {exc}")
    elif env.platform == "darwin":
        lines.append(f"Add-in: not installed on macOS (classic xlwings functions are Windows-only); see {LITE_README}")
    else:
        lines.append(f"Add-in: not applicable on {env.platform} (no desktop Excel); install on Windows")
    conf = user_conf_path(env)
    if not conf.is_file():
        lines.append(f"xlwings.conf: {conf} does not exist")
        return lines
    settings = read_conf(conf, env.encoding)
    key = "INTERPRETER_MAC" if env.platform == "darwin" else "INTERPRETER_WIN"
    lines.append(f"xlwings.conf: {conf}")
    for k in ("INTERPRETER_WIN", "INTERPRETER_MAC"):
        lines.append(f"  {k}: {settings[k] if k in settings else '(not set)'}")
    value = settings.get(key) or settings.get("INTERPRETER", "")
    if not value:
        lines.append(f"  {key} is not set: the add-in starts whatever `pythonw`/`python` is on the PATH")
    else:
        mine = {addin_interpreter(env), env.python}
        same = any(_same_file(Path(_expand(value)), p) for p in mine)
        lines.append(f"  {key} is this Python: {'yes' if same else 'no (`xlcell addin install` sets it)'}")
    return lines


def _built_for(xlam: Path, xlwings_version: str | None) -> str:
    """``", xlcell X for xlwings Y"`` of an installed add-in, with a warning when Y is not the installed xlwings."""
    from addin.xlam import AddinBuildError, addin_versions

    try:
        v = addin_versions(xlam)
    except AddinBuildError:
        return ", not an xlcell add-in built by this version"
    text = f", xlcell {v['xlcell']} for xlwings {v['xlwings']}"
    if xlwings_version and v["xlwings"] != xlwings_version:
        text += f" - MISMATCH with the installed xlwings {xlwings_version}: run `xlcell addin install` again"
    return text


def install(env: Env, xlam: Path | None = None, now: datetime | None = None,
            build: Callable[[Path], Path] | None = None) -> list[str]:
    """Copy the add-in into XLSTART and set INTERPRETER_WIN (Windows); elsewhere say what to do instead."""
    if env.platform == "darwin":
        raise InstallError("the classic xlcell add-in runs its functions on Windows only, so nothing was installed; "
                           f"on macOS use the xlwings Lite route described in {LITE_README}")
    if not env.windows:
        raise InstallError(f"Excel is not available on {env.platform}, so nothing was installed; on Windows install xlcell into "
                           "Python (the wheel of the add-in package, or a checkout) and run `xlcell addin install`")
    if env.xlwings_version is None:
        raise InstallError(f"xlwings is not installed in {env.python}; run `{env.python} -m pip install xlwings` "
                           "and try again")
    now = now or datetime.now()
    target = xlstart_dir(env) / ADDIN_NAME
    if xlam is not None:
        if not xlam.is_file():
            raise InstallError(f"the add-in {xlam} does not exist; pass the path of xlcell.xlam with --xlam")
        _check_built_for(xlam, env.xlwings_version)
        msgs = _copy_addin(xlam, target, now)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            built = (build or _builder())(Path(tmp))
            msgs = _copy_addin(Path(built), target, now)
    msgs += set_user_conf(env, conf_settings(env), now)
    dll = find_dll(addin_interpreter(env), env.xlwings_version)
    if dll is None:
        msgs.append(f"warning: {dll_names(env.xlwings_version)[0]} is not beside {addin_interpreter(env)} or in its "
                    "parent folder; reinstall xlwings (python -m pip install --force-reinstall xlwings)")
    msgs.append("Restart Excel to load the add-in.")
    return msgs


def _check_built_for(xlam: Path, xlwings_version: str) -> None:
    """Refuse an add-in whose xlwings VBA differs from the installed xlwings (it would not find its DLL)."""
    from addin.xlam import AddinBuildError, addin_versions

    try:
        built = addin_versions(xlam)["xlwings"]
    except AddinBuildError as exc:
        raise InstallError(str(exc)) from None
    if built != xlwings_version:
        raise InstallError(f"{xlam.name} was built for xlwings {built} but this Python has xlwings {xlwings_version}; "
                           f"run `xlcell addin install` without --xlam to build a matching add-in, or "
                           f"`python -m pip install xlwings=={built}`")


def _builder() -> Callable[[Path], Path]:
    try:
        from addin.xlam import build_xlam
    except ImportError:
        raise InstallError("this xlcell cannot build xlcell.xlam (addin.xlam is missing); pass an add-in file with "
                           "--xlam PATH") from None
    return build_xlam


def _copy_addin(src: Path, target: Path, now: datetime) -> list[str]:
    data = src.read_bytes()
    if not target.parent.is_dir():
        if not target.parent.parent.is_dir():
            raise InstallError(f"XLSTART not found: {target.parent.parent} does not exist; start Excel once so it "
                               "creates its folders, then try again")
    old = target.read_bytes() if target.is_file() else None
    if old == data:
        return [f"{target}: already installed (same file, unchanged)"]
    msgs = []
    try:
        if old is not None:
            # beside XLSTART, not in it: Excel opens every file it finds in XLSTART
            bak = backup_path(target, now, folder=target.parent.parent)
            write_atomic(bak, old)
            msgs.append(f"backed up the previous {target} to {bak}")
        write_atomic(target, data)
    except OSError as exc:
        raise _os_error("write", target, exc) from None
    msgs.append(f"installed {target}")
    return msgs


def uninstall(env: Env) -> list[str]:
    """Remove xlcell.xlam from XLSTART; report the user's xlwings.conf, which stays as it is."""
    if not env.windows:
        msgs = [f"nothing to uninstall on {env.platform}: the classic add-in is only installed on Windows"]
    else:
        target = xlstart_dir(env) / ADDIN_NAME
        if target.is_file():
            try:
                target.unlink()
            except OSError as exc:
                raise _os_error("remove", target, exc) from None
            msgs = [f"removed {target}"]
        else:
            msgs = [f"{target} was not installed (nothing removed)"]
    conf = user_conf_path(env)
    if conf.is_file():
        value = read_conf(conf, env.encoding).get("INTERPRETER_WIN", "(not set)")
        msgs.append(f"left {conf} unchanged (INTERPRETER_WIN: {value}); edit or delete it yourself if no other "
                    "xlwings add-in needs it")
    return msgs
