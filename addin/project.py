"""Edit a VBA project (``vbaProject.bin``) without Excel: read its modules, add, replace and remove modules.

The project is read with olefile, its ``dir`` stream and module sources decompressed (:mod:`addin.ovba`),
edited as records and text, and written back as a new compound file (:mod:`addin.cfb`). Every stream that
is not edited is copied byte for byte, so a project that xlwings ships keeps its references, its class
modules and their compiled caches. An edited or added module is stored as source only (offset 0): the
project's ``_VBA_PROJECT`` stream must then mark its compiled cache as absent (version 0xFFFF), which tells
Excel to compile from source, as it does for xlwings' own standalone add-ins ([MS-OVBA] 2.3.4.1).
"""
from __future__ import annotations

import struct
from dataclasses import dataclass

import olefile

from . import ovba
from .cfb import write_cfb
from .ovba import Record, VbaFormatError

CODEPAGE = "cp1252"  #: PROJECTCODEPAGE 1252 of the xlwings templates


@dataclass(frozen=True)
class Module:
    """A module as the ``dir`` stream lists it."""

    name: str
    stream: str
    offset: int
    document: bool  #: document or class module (MODULETYPE 0x22); else a standard module (0x21)


class VbaProject:
    """A VBA project held in memory: its streams, ``dir`` records, ``PROJECT`` text and ``PROJECTwm`` map."""

    def __init__(self, data: bytes):
        if not olefile.isOleFile(data):
            raise VbaFormatError("not a compound file (vbaProject.bin)")
        with olefile.OleFileIO(data) as ole:
            self.streams = {"/".join(p): ole.openstream(p).read() for p in ole.listdir()}
            self.clsids = {"": bytes.fromhex(ole.root.clsid.replace("-", "")) if ole.root.clsid else bytes(16)}
        for required in ("PROJECT", "VBA/dir", "VBA/_VBA_PROJECT"):
            if required not in self.streams:
                raise VbaFormatError(f"the VBA project has no {required} stream")
        self.records = ovba.parse_dir(ovba.decompress(self.streams["VBA/dir"]))
        self.project_text = self.streams["PROJECT"].decode(CODEPAGE)

    # -------------------------------------------------------------------------- reading
    def modules(self) -> list[Module]:
        """The modules in ``dir`` order."""
        out, name, stream, offset = [], None, None, 0
        for r in self.records:
            if r.rid == ovba.MODULENAME:
                name = r.data.decode(CODEPAGE)
            elif r.rid == ovba.MODULESTREAMNAME:
                stream = r.data.decode(CODEPAGE)
            elif r.rid == ovba.MODULEOFFSET:
                offset = struct.unpack("<I", r.data)[0]
            elif r.rid in (ovba.MODULETYPE_PROCEDURAL, ovba.MODULETYPE_DOCUMENT):
                out.append(Module(name, stream, offset, r.rid == ovba.MODULETYPE_DOCUMENT))
        return out

    def module(self, name: str) -> Module:
        for m in self.modules():
            if m.name.lower() == name.lower():
                return m
        raise KeyError(f"the VBA project has no module {name!r}")

    def source(self, name: str) -> str:
        """A module's source text (its ``Attribute`` lines included), as stored."""
        m = self.module(name)
        return ovba.decompress(self.streams["VBA/" + m.stream][m.offset:]).decode(CODEPAGE)

    @property
    def name(self) -> str:
        return next(r.data.decode(CODEPAGE) for r in self.records if r.rid == ovba.PROJECTNAME)

    # -------------------------------------------------------------------------- editing
    def _editable(self) -> None:
        """Refuse to edit a project that carries compiled code: Excel would run the stale cache."""
        version = struct.unpack_from("<H", self.streams["VBA/_VBA_PROJECT"], 2)[0]
        if version != 0xFFFF:
            raise VbaFormatError("the VBA project carries compiled code (_VBA_PROJECT version "
                                 f"0x{version:04X}); start from a source-only template such as xlwings' add-ins")

    def set_source(self, name: str, text: str) -> None:
        """Replace a module's source (stored source-only, its compiled cache dropped)."""
        self._editable()
        m = self.module(name)
        self.streams["VBA/" + m.stream] = ovba.compress(_vba_text(text))
        i = self._module_span(m.name)
        self.records = [Record(ovba.MODULEOFFSET, struct.pack("<I", 0)) if (k in i and r.rid == ovba.MODULEOFFSET)
                        else r for k, r in enumerate(self.records)]

    def add_module(self, name: str, text: str) -> None:
        """Add a standard module ``name`` with ``text`` (its first line must be ``Attribute VB_Name = "name"``)."""
        self._editable()
        if any(m.name.lower() == name.lower() for m in self.modules()):
            raise VbaFormatError(f"the VBA project already has a module {name!r}")
        if not text.startswith(f'Attribute VB_Name = "{name}"'):
            raise VbaFormatError(f"module {name!r} must start with Attribute VB_Name = \"{name}\"")
        enc, uni = name.encode(CODEPAGE), name.encode("utf-16-le")
        new = [Record(ovba.MODULENAME, enc), Record(ovba.MODULENAMEUNICODE, uni),
               Record(ovba.MODULESTREAMNAME, enc), Record(ovba.MODULESTREAMNAMEUNICODE, uni),
               Record(ovba.MODULEDOCSTRING, b""), Record(ovba.MODULEDOCSTRINGUNICODE, b""),
               Record(ovba.MODULEOFFSET, struct.pack("<I", 0)), Record(ovba.MODULEHELPCONTEXT, struct.pack("<I", 0)),
               Record(ovba.MODULECOOKIE, struct.pack("<H", 0xFFFF)), Record(ovba.MODULETYPE_PROCEDURAL, b""),
               Record(ovba.MODULE_TERMINATOR, b"")]
        end = max(k for k, r in enumerate(self.records) if r.rid == ovba.DIR_TERMINATOR)
        self.records[end:end] = new
        self._set_count(len(self.modules()))
        self.streams["VBA/" + name] = ovba.compress(_vba_text(text))
        self._project_lines(add=f"Module={name}")
        self.streams["PROJECTwm"] = self.streams.get("PROJECTwm", b"\0\0")[:-2] + enc + b"\0" + uni + b"\0\0\0\0"

    def remove_module(self, name: str) -> None:
        """Remove a standard module (its records, stream, PROJECT line and PROJECTwm entry)."""
        self._editable()
        m = self.module(name)
        if m.document:
            raise VbaFormatError(f"{name!r} is a document or class module; only standard modules are removed")
        span = self._module_span(m.name)
        self.records = [r for k, r in enumerate(self.records) if k not in span]
        self._set_count(len(self.modules()))
        del self.streams["VBA/" + m.stream]
        self._project_lines(remove=f"Module={m.name}")
        enc, uni = m.name.encode(CODEPAGE), m.name.encode("utf-16-le")
        self.streams["PROJECTwm"] = self.streams["PROJECTwm"].replace(enc + b"\0" + uni + b"\0\0", b"", 1)

    def rename(self, name: str) -> None:
        """Set the project's name (a VBA identifier). Its ``ID`` stays: CMG/DPB/GC are encrypted with it."""
        self._editable()
        if not name.isidentifier() or not name.isascii():
            raise VbaFormatError(f"project name {name!r} is not a VBA identifier")
        self.records = [Record(ovba.PROJECTNAME, name.encode(CODEPAGE)) if r.rid == ovba.PROJECTNAME else r
                        for r in self.records]
        lines = self.project_text.split("\r\n")
        self.project_text = "\r\n".join(f'Name="{name}"' if ln.startswith("Name=") else ln for ln in lines)

    def to_bytes(self) -> bytes:
        """The edited project as a ``vbaProject.bin`` compound file."""
        streams = dict(self.streams)
        streams["VBA/dir"] = ovba.compress(ovba.pack_dir(self.records))
        streams["PROJECT"] = self.project_text.encode(CODEPAGE)
        return write_cfb(streams, self.clsids)

    # -------------------------------------------------------------------------- helpers
    def _module_span(self, name: str) -> set[int]:
        """Indices of the records of module ``name`` (from MODULENAME to its terminator)."""
        start = None
        for k, r in enumerate(self.records):
            if r.rid == ovba.MODULENAME and r.data.decode(CODEPAGE).lower() == name.lower():
                start = k
            elif start is not None and r.rid == ovba.MODULE_TERMINATOR:
                return set(range(start, k + 1))
        raise KeyError(name)

    def _set_count(self, n: int) -> None:
        self.records = [Record(ovba.PROJECTMODULES, struct.pack("<H", n)) if r.rid == ovba.PROJECTMODULES else r
                        for r in self.records]

    def _project_lines(self, add: str | None = None, remove: str | None = None) -> None:
        """Add or remove a module line of the PROJECT stream (module lines precede ``Name=``)."""
        lines = self.project_text.split("\r\n")
        if remove is not None:
            lines = [ln for ln in lines if ln != remove]
            key = remove.split("=", 1)[1] + "="
            lines = [ln for ln in lines if not ln.startswith(key)]  # its [Workspace] line
        if add is not None:
            at = next(k for k, ln in enumerate(lines) if ln.startswith("Name="))
            lines.insert(at, add)
        self.project_text = "\r\n".join(lines)


def _vba_text(text: str) -> bytes:
    """Module source as VBA stores it: CRLF line ends, code page 1252 (refuses characters outside it)."""
    text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    try:
        return text.encode(CODEPAGE)
    except UnicodeEncodeError as exc:
        raise VbaFormatError(f"VBA source holds a character outside code page 1252: {text[exc.start:exc.end]!r}") \
            from None
