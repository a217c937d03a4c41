"""Build ``xlcell.xlam``: one Excel add-in with the xlcell ribbon and every ``XLCELL_*`` function, headless.

The add-in is xlwings' own ribbon add-in template (``quickstart_addin_ribbon.xlam``, BSD-licensed, shipped in
the installed xlwings wheel) with its VBA project edited (:mod:`addin.project`):

* the module ``xlwings`` (xlwings' standalone VBA, so no VBA reference to the xlwings add-in is needed) keeps
  its code; only ``PROJECT_NAME`` becomes ``"xlwings"``, so the add-in reads the same settings as the xlwings
  ribbon tab: the ``xlwings.conf`` sheet of the active workbook, an ``xlwings.conf`` beside it, then
  ``%USERPROFILE%\\.xlwings\\xlwings.conf`` (Interpreter_Win, PYTHONPATH, Conda Path/Env, ...);
* ``xlwings_udfs``: the UDF wrappers, written by xlwings' own ``import_udfs`` (what *Import Functions* runs, its
  wrappers from ``generate_vba_wrapper``), with Excel replaced by a recorder, from the metadata that
  :func:`udfs._excel.register` puts on each function with xlwings' real decorators bound;
* ``XlcellRibbon``: one callback per ribbon button (:mod:`addin.ribbon`), and ``XlcellSetup``, which files
  every function under the category "xlcell" with its argument help, replaying the ``Application.MacroOptions``
  calls xlwings' ``import_udfs`` makes, called from ``ThisWorkbook.Workbook_Open``;
* xlwings' example module ``RibbonMyAddin`` is removed; ``customUI/customUI.xml`` is the xlcell tab.

The xlwings version of the VBA is the installed xlwings' (its ``XLWINGS_VERSION`` constant is checked against
``xlwings.__version__``): the VBA loads ``xlwings64-<version>.dll`` from the Python installation, so the add-in
and the Python package must match. A missing template or a mismatch stops the build with one sentence.
"""
from __future__ import annotations

import contextlib
import io
import re
import sys
import types
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from xlcell.errors import XlcellError

from workbooks.files import write_atomic

from . import ribbon
from .project import VbaProject

ADDIN_FILE = "xlcell.xlam"
TEMPLATE = "quickstart_addin_ribbon.xlam"  #: xlwings' standalone ribbon add-in, the starting point
UDF_MODULE = "xlwings_udfs"  #: the name xlwings' import_udfs gives the wrapper module
SETUP_MODULE = "XlcellSetup"
PROJECT_NAME = "xlcell"  #: the VBA project's name (Tools > References shows it)
CONFIG_NAME = "xlwings"  #: the VBA constant PROJECT_NAME: which <name>.conf sheet and file are read


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


@dataclass(frozen=True)
class ImportedUdfs:
    """What xlwings' ``import_udfs`` does to a workbook: the VBA module it imports and its MacroOptions calls."""

    module: str  #: the module text (``Attribute VB_Name = "xlwings_udfs"``, ``#Const App``, the wrappers)
    macro_options: tuple[tuple[tuple, dict], ...]  #: (args, kwargs) of each Application.MacroOptions call


class _Workbook:
    """Stands in for the Excel workbook that ``xlwings.udfs.import_udfs`` drives through COM, and records it."""

    def __init__(self, com_error: type[Exception]):
        self.Name = ADDIN_FILE
        self.module: str | None = None
        self.calls: list[tuple[tuple, dict]] = []
        book = self

        class Components:
            def __call__(self, name: str) -> Any:  # no module of that name yet
                raise com_error(name)

            def Remove(self, component: Any) -> None:  # noqa: N802 - COM method name (never reached: no module yet)
                raise AssertionError("import_udfs removed a module that does not exist")

            def Import(self, path: str) -> None:  # noqa: N802 - COM method name
                book.module = Path(path).read_text()

        class Application:
            Version = "16.0"

            def MacroOptions(self, *args: Any, **kwargs: Any) -> None:  # noqa: N802 - COM method name
                book.calls.append((args, kwargs))

        self.VBProject = types.SimpleNamespace(VBComponents=Components())
        self.Application = Application()


def imported_udfs() -> ImportedUdfs:
    """Run xlwings' own ``import_udfs`` on the xlcell functions, with Excel replaced by a recorder.

    ``import_udfs`` is what the xlwings ribbon's *Import Functions* runs: it writes the wrapper module (through
    ``generate_vba_wrapper``) with its header, imports it into the workbook, then calls ``MacroOptions`` for
    every function. Here the functions are copies decorated by xlwings' real ``xlfunc``/``xlarg`` from the
    metadata :func:`udfs._excel.register` applies, handed over as xlwings' cached module ``udfs``.
    """
    from udfs._excel import register

    with xlwings_udfs_module() as xu:
        module = types.ModuleType("udfs")
        for name, fn in functions().items():
            setattr(module, name, register(_copy(fn), xu.xlfunc, xu.xlarg))
        saved = xu.udf_modules.get("udfs")
        xu.udf_modules["udfs"] = {"filename": "udfs", "filetime": None, "module": module}
        book = _Workbook(sys.modules["pywintypes"].com_error)
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                xu.import_udfs("udfs", book)
        finally:
            if saved is None:
                xu.udf_modules.pop("udfs", None)
            else:  # pragma: no cover - only if a real xlwings session had imported it
                xu.udf_modules["udfs"] = saved
    if book.module is None:
        raise AddinBuildError("xlwings' import_udfs wrote no VBA module: this xlwings version is not supported")
    return ImportedUdfs(book.module, tuple(book.calls))


def udf_wrappers_vba() -> str:
    """The wrapper module exactly as xlwings' ``import_udfs`` writes it (see :func:`imported_udfs`)."""
    return imported_udfs().module


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
    """A VBA string expression for ``text``: quotes doubled, every character beyond ASCII as ``ChrW(n)``."""
    parts, run = [], ""
    for ch in text:
        # ASCII only as literal text: the VBA editor reads module source in the system's code page, and on an
        # East Asian Windows a cp1252 byte such as 0x85 (an ellipsis) would start a two-byte character
        ok = ch.isascii() and ch not in "\r\n"
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


#: bytes of VBA source per setup module: VBA refuses a module of more than about 64 KB, so the Register subs are
#: spread over XlcellSetup, XlcellSetup2, ... each below this budget
SETUP_BUDGET = 50_000


def _register_sub(name: str, kw: dict) -> list[str]:
    docs = list(kw.get("ArgumentDescriptions") or [])
    lines = [f"Private Sub Register_{name}()", "    On Error Resume Next"]
    if docs:
        lines += ["    Dim help() As Variant", f"    ReDim help(0 To {len(docs) - 1})"]
        lines += [f"    help({k}) = {vba_string(doc)}" for k, doc in enumerate(docs)]
    lines.append(f"    Application.MacroOptions Macro:=\"'\" & ThisWorkbook.Name & \"'!{name}\", _")
    lines.append(f"        Description:={vba_string(kw['Description'])}, _")
    lines.append(f"        Category:={vba_string(str(kw['Category']))}" + (", ArgumentDescriptions:=help" if docs else ""))
    return lines + ["End Sub", ""]


def setup_modules(calls: tuple[tuple[tuple, dict], ...] | None = None) -> dict[str, str]:
    """``{module name: VBA source}``: the ``Application.MacroOptions`` calls xlwings' ``import_udfs`` makes, in VBA.

    *Import Functions* files each function's category, description and argument help through COM once per
    workbook. An add-in must do it itself each time Excel loads it, so the recorded calls
    (:func:`imported_udfs`) are replayed from ``ThisWorkbook.Workbook_Open``: one private Sub per function (VBA
    limits a procedure to 64 KB), the macro named by the add-in's own file name. Errors are ignored: help texts
    are a convenience, never a reason for the add-in not to load. ``XlcellSetup.XlcellRegisterFunctions`` is the
    entry; when the subs outgrow :data:`SETUP_BUDGET` the rest go to ``XlcellSetup2``, ... (VBA limits a module to
    about 64 KB), each with a public ``XlcellRegisterFunctions<n>`` that the entry calls.

    Parameters
    ----------
    calls : tuple, optional
        The recorded ``MacroOptions`` calls (default: :func:`imported_udfs`'s).
    """
    calls = imported_udfs().macro_options if calls is None else calls
    names = [args[0].split("!", 1)[1] for args, _ in calls]
    chunks: list[list[tuple[str, list[str]]]] = [[]]
    size = 0
    for name, (_, kw) in zip(names, calls):
        sub = _register_sub(name, kw)
        n = len("\r\n".join(sub).encode("cp1252", errors="replace")) + 2
        if chunks[-1] and size + n > SETUP_BUDGET:
            chunks.append([])
            size = 0
        chunks[-1].append((name, sub))
        size += n
    modules = {}
    for i, chunk in enumerate(chunks):
        module = SETUP_MODULE if i == 0 else f"{SETUP_MODULE}{i + 1}"
        entry = "XlcellRegisterFunctions" if i == 0 else f"XlcellRegisterFunctions{i + 1}"
        lines = [f'Attribute VB_Name = "{module}"',
                 "' Generated by addin/xlam.py from the Application.MacroOptions calls of xlwings' import_udfs: files",
                 "' every XLCELL_* function under its category in Insert Function, with its description and argument",
                 "' help. Called from ThisWorkbook.Workbook_Open" + ("." if i == 0 else f" through {SETUP_MODULE}."),
                 "Option Explicit", "",
                 f"Public Sub {entry}()",
                 "    On Error Resume Next"]
        lines += [f"    Register_{n}" for n, _ in chunk]
        if i == 0:
            lines += [f"    {SETUP_MODULE}{k + 1}.XlcellRegisterFunctions{k + 1}" for k in range(1, len(chunks))]
        lines += ["End Sub", ""]
        for _, sub in chunk:
            lines += sub
        modules[module] = "\r\n".join(lines)
    return modules


def setup_vba(calls: tuple[tuple[tuple, dict], ...] | None = None) -> str:
    """The entry module ``XlcellSetup`` of :func:`setup_modules` (the only one while the subs fit in one).

    Parameters
    ----------
    calls : tuple, optional
        The recorded ``MacroOptions`` calls (default: :func:`imported_udfs`'s).
    """
    return setup_modules(calls)[SETUP_MODULE]


WORKBOOK_OPEN = ("\r\nPrivate Sub Workbook_Open()\r\n"
                 f"    {SETUP_MODULE}.XlcellRegisterFunctions  ' function wizard: category xlcell, help texts\r\n"
                 "    ThisWorkbook.Saved = True  ' registering is no change the user should be asked to save\r\n"
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
    imported = imported_udfs()
    project.add_module(UDF_MODULE, imported.module)
    project.add_module(ribbon.MODULE, ribbon.callbacks_vba(_xlcell_version(), version))
    for module, source in setup_modules(imported.macro_options).items():
        project.add_module(module, source)
    project.rename(PROJECT_NAME)  # the ID stays: the template's CMG/DPB/GC are encrypted with it
    return project


def _xlcell_version() -> str:
    from xlcell import __version__

    return __version__


def _workbook_xml(xml: str) -> str:
    """The template's workbook part with the author's folder dropped and the config sheet named for xlwings."""
    xml = re.sub(r"<mc:AlternateContent.*?</mc:AlternateContent>", "", xml, flags=re.S)
    return xml.replace('name="_myaddin.conf"', f'name="_{CONFIG_NAME}.conf"')


def _core_xml(xml: str, xlwings_version: str) -> str:
    """Document properties: xlcell's title and description (Excel shows them in the Add-ins dialog)."""
    from xml.sax.saxutils import escape

    title = "xlcell"
    desc = escape(f"xlcell {_xlcell_version()}: battery cell cost, physics, life and LCOS functions and ribbon "
                  f"(xlwings {xlwings_version} VBA inside)")
    xml = re.sub(r"<dc:title\s*/>|<dc:title>.*?</dc:title>", f"<dc:title>{title}</dc:title>", xml)
    xml = re.sub(r"<dc:description\s*/>|<dc:description>.*?</dc:description>", f"<dc:description>{desc}</dc:description>",
                 xml)
    xml = re.sub(r"<dc:creator>.*?</dc:creator>", "<dc:creator>xlcell</dc:creator>", xml)
    return re.sub(r"<cp:lastModifiedBy>.*?</cp:lastModifiedBy>", "<cp:lastModifiedBy>xlcell</cp:lastModifiedBy>", xml)


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
    if "docProps/core.xml" in parts:
        parts["docProps/core.xml"] = _core_xml(parts["docProps/core.xml"].decode("utf-8"), version).encode("utf-8")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in infos:
            zi = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zout.writestr(zi, parts[info.filename])
    write_atomic(out, buf.getvalue())
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
