"""Build ``xlcell.xlam``: one Excel add-in with the xlcell ribbon and every ``XLCELL_*`` function, headless.

The add-in is xlwings' own ribbon add-in template (``quickstart_addin_ribbon.xlam``, BSD-licensed, shipped in
the installed xlwings wheel) with its VBA project edited (:mod:`addin.project`):

* the module ``xlwings`` (xlwings' standalone VBA, so no VBA reference to the xlwings add-in is needed) keeps
  its code; only ``PROJECT_NAME`` becomes ``"xlwings"``, so the add-in reads the same settings as the xlwings
  ribbon tab: the ``xlwings.conf`` sheet of the active workbook, an ``xlwings.conf`` beside it, then
  ``%USERPROFILE%\\.xlwings\\xlwings.conf`` (Interpreter_Win, PYTHONPATH, Conda Path/Env, ...);
* ``xlcell_udfs``: the UDF wrappers, written by xlwings' own ``generate_vba_wrapper`` (xlwings' ``import_udfs``
  writes the same module into a workbook through Excel's COM interface) from the metadata that
  :func:`udfs._excel.register` puts on each function, with xlwings' real decorators bound;
* ``XlcellRibbon``: one callback per ribbon button (:mod:`addin.ribbon`), and ``XlcellSetup``, which files
  every function under the category "xlcell" with its argument help (``Application.MacroOptions``, as
  xlwings' ``import_udfs`` does), called from ``ThisWorkbook.Workbook_Open``;
* xlwings' example module ``RibbonMyAddin`` is removed; ``customUI/customUI.xml`` is the xlcell tab.

The xlwings version of the VBA is the installed xlwings' (its ``XLWINGS_VERSION`` constant is checked against
``xlwings.__version__``): the VBA loads ``xlwings64-<version>.dll`` from the Python installation, so the add-in
and the Python package must match. A missing template or a mismatch stops the build with one sentence.
"""
from __future__ import annotations

import contextlib
import io
import os
import re
import sys
import tempfile
import types
import uuid
import zipfile
from pathlib import Path
from typing import Any, Callable, Iterator

from xlcell.errors import XlcellError

from . import ribbon
from .project import VbaProject

ADDIN_FILE = "xlcell.xlam"
TEMPLATE = "quickstart_addin_ribbon.xlam"  #: xlwings' standalone ribbon add-in, the starting point
UDF_MODULE = "xlcell_udfs"
SETUP_MODULE = "XlcellSetup"
PROJECT_NAME = "xlcell"  #: the VBA project's name (Tools > References shows it)
CONFIG_NAME = "xlwings"  #: the VBA constant PROJECT_NAME: which <name>.conf sheet and file are read
PROJECT_ID = "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, "https://xlcell/addin")).upper() + "}"


class AddinBuildError(XlcellError):
    """The add-in cannot be built here (xlwings or its add-in files missing, version mismatch)."""

    def cell_text(self) -> str:  # pragma: no cover - a build error, never shown in a cell
        return f"#XLCELL! {self}"


# ------------------------------------------------------------------------------ xlwings' files
def xlwings_dir() -> Path:
    """The installed xlwings package folder (refuses if xlwings or its add-in template is missing)."""
    try:
        import xlwings
    except ImportError:
        raise AddinBuildError("xlwings is not installed: pip install xlwings (the add-in is built from its files)") \
            from None
    folder = Path(xlwings.__file__).parent
    if not (folder / TEMPLATE).is_file():
        raise AddinBuildError(f"the installed xlwings {xlwings.__version__} has no {TEMPLATE} in {folder}: "
                              "reinstall xlwings from its wheel (pip install --force-reinstall xlwings)")
    return folder


def xlwings_version() -> str:
    import xlwings

    return xlwings.__version__


@contextlib.contextmanager
def xlwings_udfs_module() -> Iterator[Any]:
    """xlwings' own ``xlwings.udfs`` module, importable off Windows for the duration of the block.

    ``xlwings.udfs`` imports pywin32 (pythoncom, pywintypes, win32com.client) at import time but needs none of
    it to generate VBA. Stand-ins are put in ``sys.modules`` and taken out again afterwards, with the module.
    On Windows with pywin32 the real modules are used.
    """
    names = ("pythoncom", "pywintypes", "win32com", "win32com.client", "xlwings.udfs")
    saved = {n: sys.modules.get(n) for n in names}
    if sys.platform.startswith("win") and saved["pythoncom"] is not None:  # pragma: no cover - Windows
        import xlwings.udfs

        yield xlwings.udfs
        return
    try:
        for n in names[:4]:
            sys.modules[n] = types.ModuleType(n)
        sys.modules["pythoncom"].CoInitialize = lambda: None  # type: ignore[attr-defined]
        sys.modules["pywintypes"].com_error = type("com_error", (Exception,), {})  # type: ignore[attr-defined]
        sys.modules["win32com.client"].Dispatch = lambda *a, **k: None  # type: ignore[attr-defined]
        sys.modules["win32com"].client = sys.modules["win32com.client"]  # type: ignore[attr-defined]
        sys.modules.pop("xlwings.udfs", None)
        import xlwings.udfs

        yield xlwings.udfs
    finally:
        for n, mod in saved.items():
            if mod is None:
                sys.modules.pop(n, None)
            else:
                sys.modules[n] = mod


# ------------------------------------------------------------------------------ generated VBA
def functions() -> dict[str, Callable]:
    """``{name: function}`` of every xlcell UDF."""
    import udfs

    return udfs.udf_functions()


def udf_wrappers_vba() -> str:
    """The ``xlcell_udfs`` module: xlwings' ``generate_vba_wrapper`` output for every xlcell function."""
    from udfs._excel import register

    with xlwings_udfs_module() as xu:
        module = types.SimpleNamespace()
        for name, fn in functions().items():
            copy = _copy(fn)
            setattr(module, name, register(copy, xu.xlfunc, xu.xlarg))
        buf = io.StringIO()
        xu.generate_vba_wrapper("udfs", module, buf, types.SimpleNamespace(Name=ADDIN_FILE))
    return f'Attribute VB_Name = "{UDF_MODULE}"\n' + buf.getvalue()


def _copy(fn: Callable) -> Callable:
    """A new function object that calls ``fn`` and carries its name, docstring, signature and xlcell metadata
    (xlwings' decorators write ``__xlfunc__`` on the object they get; the package's own functions stay as they are)."""
    import functools

    def call(*args: Any) -> Any:
        return fn(*args)

    functools.update_wrapper(call, fn)
    call.__dict__.pop("__xlfunc__", None)
    return call


def vba_string(text: str) -> str:
    """A VBA string expression for ``text``: quotes doubled, characters outside code page 1252 as ``ChrW(n)``."""
    parts, run = [], ""
    for ch in text:
        try:
            ch.encode("cp1252")
            ok = ch not in "\r\n"
        except UnicodeEncodeError:
            ok = False
        if ok:
            run += '""' if ch == '"' else ch
        else:
            if run:
                parts.append(f'"{run}"')
                run = ""
            parts.append(f"ChrW({ord(ch)})")
    if run or not parts:
        parts.append(f'"{run}"')
    return " & ".join(parts)


def setup_vba() -> str:
    """The ``XlcellSetup`` module: function-wizard category, description and argument help of every function.

    One private Sub per function (VBA limits a procedure to 64 KB), each an ``Application.MacroOptions`` call
    with the texts xlwings' ``import_udfs`` passes (both cut to Excel's 255 characters by :mod:`udfs._excel`).
    Errors are ignored: help texts are a convenience, never a reason for the add-in not to load.
    """
    from udfs._excel import CATEGORY

    lines = [f'Attribute VB_Name = "{SETUP_MODULE}"',
             "' Generated by addin/xlam.py: files every XLCELL_* function under the category \"xlcell\" in Insert",
             "' Function, with its description and argument help. Called from ThisWorkbook.Workbook_Open.",
             "Option Explicit", "",
             "Public Sub XlcellRegisterFunctions()",
             "    On Error Resume Next"]
    names = list(functions())
    lines += [f"    Register_{n}" for n in names]
    lines += ["End Sub", ""]
    for name, fn in functions().items():
        args = list(fn.__xlcell_arg_docs__.items())
        lines += [f"Private Sub Register_{name}()", "    On Error Resume Next"]
        if args:
            lines += ["    Dim help() As Variant", f"    ReDim help(0 To {len(args) - 1})"]
            lines += [f"    help({k}) = {vba_string(doc[:255])}" for k, (_, doc) in enumerate(args)]
        lines.append(f"    Application.MacroOptions Macro:=\"'\" & ThisWorkbook.Name & \"'!{name}\", _")
        lines.append(f"        Description:={vba_string(fn.__xlcell_description__[:255])}, _")
        lines.append(f"        Category:={vba_string(CATEGORY)}" + (", ArgumentDescriptions:=help" if args else ""))
        lines += ["End Sub", ""]
    return "\r\n".join(lines)


WORKBOOK_OPEN = ("\r\nPrivate Sub Workbook_Open()\r\n"
                 f"    {SETUP_MODULE}.XlcellRegisterFunctions  ' function wizard: category xlcell, help texts\r\n"
                 "End Sub\r\n")


# ------------------------------------------------------------------------------ the add-in
def edit_project(project: VbaProject, version: str) -> VbaProject:
    """Turn xlwings' ribbon add-in project into xlcell's (see the module docstring)."""
    xl = project.source("xlwings")
    found = re.search(r'Public Const XLWINGS_VERSION As String = "([^"]+)"', xl)
    if found is None:
        raise AddinBuildError("the xlwings VBA module of the add-in template has no XLWINGS_VERSION constant")
    if found.group(1) != version:
        raise AddinBuildError(f"the add-in template's xlwings VBA is version {found.group(1)} but the installed "
                              f"xlwings is {version}: reinstall xlwings so that both match")
    xl, n = re.subn(r'Public Const PROJECT_NAME As String = "[^"]*"',
                    f'Public Const PROJECT_NAME As String = "{CONFIG_NAME}"', xl)
    if n != 1:
        raise AddinBuildError("the xlwings VBA module of the add-in template has no PROJECT_NAME constant")
    project.set_source("xlwings", xl)
    if any(m.name == "RibbonMyAddin" for m in project.modules()):
        project.remove_module("RibbonMyAddin")
    workbook = project.source("ThisWorkbook")
    if "Workbook_Open" in workbook:
        raise AddinBuildError("the add-in template's ThisWorkbook already has a Workbook_Open")
    project.set_source("ThisWorkbook", workbook.rstrip("\r\n") + "\r\n" + WORKBOOK_OPEN)
    project.add_module(UDF_MODULE, udf_wrappers_vba())
    project.add_module(ribbon.MODULE, ribbon.callbacks_vba(_xlcell_version(), version))
    project.add_module(SETUP_MODULE, setup_vba())
    project.rename(PROJECT_NAME, PROJECT_ID)
    return project


def _xlcell_version() -> str:
    from xlcell import __version__

    return __version__


def _workbook_xml(xml: str) -> str:
    """The template's workbook part with the author's folder dropped and the config sheet named for xlwings."""
    xml = re.sub(r"<mc:AlternateContent.*?</mc:AlternateContent>", "", xml, flags=re.S)
    return xml.replace('name="_myaddin.conf"', f'name="_{CONFIG_NAME}.conf"')


def build_xlam(dest: Path) -> Path:
    """Write ``xlcell.xlam`` into the folder ``dest`` (created if needed); returns its path.

    The file is written to a temporary name and moved into place, so an existing add-in is never left half
    written. Raises :class:`AddinBuildError` (one sentence) when xlwings' files are missing or do not match.
    """
    folder = xlwings_dir()
    version = xlwings_version()
    src = folder / TEMPLATE
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    out = dest / ADDIN_FILE
    with zipfile.ZipFile(src) as zin:
        parts = {i.filename: zin.read(i.filename) for i in zin.infolist()}
        infos = zin.infolist()
    for required in ("xl/vbaProject.bin", "customUI/customUI.xml", "xl/workbook.xml"):
        if required not in parts:
            raise AddinBuildError(f"xlwings' {TEMPLATE} has no {required}: reinstall xlwings")
    project = edit_project(VbaProject(parts["xl/vbaProject.bin"]), version)
    parts["xl/vbaProject.bin"] = project.to_bytes()
    parts["customUI/customUI.xml"] = ribbon.custom_ui().encode("utf-8")
    parts["xl/workbook.xml"] = _workbook_xml(parts["xl/workbook.xml"].decode("utf-8")).encode("utf-8")
    fd, tmp = tempfile.mkstemp(prefix=".xlcell-", suffix=".xlam", dir=dest)
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in infos:
                zi = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
                zi.compress_type = zipfile.ZIP_DEFLATED
                zi.external_attr = 0o644 << 16
                zout.writestr(zi, parts[info.filename])
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out


def addin_versions(path: Path) -> dict[str, str]:
    """``{"xlwings": ..., "xlcell": ...}``: the versions an ``xlcell.xlam`` was built with (read from its VBA).

    Raises :class:`AddinBuildError` when the file is not an xlcell add-in.
    """
    try:
        with zipfile.ZipFile(path) as z:
            project = VbaProject(z.read("xl/vbaProject.bin"))
        xl = re.search(r'XLWINGS_VERSION As String = "([^"]+)"', project.source("xlwings"))
        xc = re.search(r'XLCELL_ADDIN_VERSION As String = "([^"]+)"', project.source(ribbon.MODULE))
    except (OSError, KeyError, zipfile.BadZipFile, XlcellError):
        xl = xc = None
    if xl is None or xc is None:
        raise AddinBuildError(f"{path} is not an xlcell add-in (no xlwings and xlcell versions in its VBA)")
    return {"xlwings": xl.group(1), "xlcell": xc.group(1)}
