"""MS-OVBA: the compression of VBA source streams and the records of a VBA project's ``dir`` stream.

A VBA project (``xl/vbaProject.bin`` in an ``.xlam``) stores every module's source, and its ``dir`` stream,
with the run-length compression of [MS-OVBA] 2.4.1: 4096-byte chunks of flag bytes, literal bytes and copy
tokens (offset, length) whose split depends on the position in the chunk. No maintained Python package
writes it (``ms-ovba-compression`` 1.0.1 caps the copy length wrongly and corrupts modules over a few hundred
bytes), so the algorithm is written here from the specification and checked against oletools' independent
decompressor in ``tests/test_addin_ovba.py``.

Reference: [MS-OVBA] Office VBA File Format Structure, sections 2.3.4.2 (dir stream) and 2.4.1 (compression).
"""
from __future__ import annotations

import struct
from dataclasses import dataclass

from xlcell.errors import XlcellError

CHUNK = 4096  #: decompressed bytes per chunk
_SIGNATURE = 0x01  #: first byte of every compressed container
_CANDIDATES = 64  #: earlier positions tried per match (a bound on time; any match is valid)


class VbaFormatError(XlcellError):
    """A VBA project stream that does not follow MS-OVBA (damaged or not a VBA project)."""

    def cell_text(self) -> str:  # pragma: no cover - build-time error, never shown in a cell
        return f"#XLCELL! {self}"


def _bit_count(position: int) -> int:
    """Bits of a copy token's offset at ``position`` bytes into the chunk (MS-OVBA 2.4.1.3.19.1), 4..12."""
    n = 4
    while (1 << n) < position:
        n += 1
    return n


def _compress_chunk(chunk: bytes) -> bytes:
    """One compressed chunk (header and data) of at most 4096 decompressed bytes."""
    out = bytearray()
    heads: dict[bytes, list[int]] = {}  # 3-byte prefix -> positions seen, newest last
    i, n = 0, len(chunk)
    while i < n:
        flag_at = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if i >= n:
                break
            bits = _bit_count(i)
            max_len = (0xFFFF >> bits) + 3
            best_len, best_pos = 0, 0
            if i + 3 <= n:
                for j in reversed(heads.get(chunk[i:i + 3], ())[-_CANDIDATES:]):
                    if i - j > (1 << bits):  # offsets are limited to the token's offset field
                        break
                    length = 3
                    limit = min(max_len, n - i)
                    while length < limit and chunk[j + length] == chunk[i + length]:
                        length += 1
                    if length > best_len:
                        best_len, best_pos = length, j
                        if length == limit:
                            break
            step = best_len if best_len >= 3 else 1
            if best_len >= 3:
                token = ((i - best_pos - 1) << (16 - bits)) | (best_len - 3)
                out += struct.pack("<H", token)
                flags |= 1 << bit
            else:
                out.append(chunk[i])
            for k in range(i, i + step):  # index every position passed over
                if k + 3 <= n:
                    heads.setdefault(chunk[k:k + 3], []).append(k)
            i += step
        out[flag_at] = flags
    if len(out) > CHUNK:  # incompressible: store the chunk raw (only allowed for a full chunk)
        if n != CHUNK:
            raise VbaFormatError("a VBA chunk shorter than 4096 bytes does not compress; cannot store it raw")
        return struct.pack("<H", 0x3000 | (CHUNK - 1)) + chunk
    return struct.pack("<H", 0xB000 | (len(out) + 2 - 3)) + bytes(out)


def compress(data: bytes) -> bytes:
    """Compress ``data`` as an MS-OVBA CompressedContainer (2.4.1.3.6)."""
    out = bytearray([_SIGNATURE])
    for start in range(0, len(data), CHUNK):
        out += _compress_chunk(bytes(data[start:start + CHUNK]))
    return bytes(out)


def decompress(data: bytes) -> bytes:
    """Decompress an MS-OVBA CompressedContainer (2.4.1.3.1)."""
    if not data or data[0] != _SIGNATURE:
        raise VbaFormatError("not an MS-OVBA compressed container (first byte is not 0x01)")
    out = bytearray()
    pos = 1
    while pos < len(data):
        if pos + 2 > len(data):
            raise VbaFormatError("truncated compressed chunk header")
        header = struct.unpack_from("<H", data, pos)[0]
        size = (header & 0x0FFF) + 3
        if (header >> 12) & 0x7 != 0b011:
            raise VbaFormatError(f"bad compressed chunk signature at byte {pos}")
        end = min(pos + size, len(data))
        start_out = len(out)
        pos += 2
        if not header & 0x8000:  # raw chunk
            out += data[pos:pos + CHUNK]
            pos += CHUNK
            continue
        while pos < end:
            flags = data[pos]
            pos += 1
            for bit in range(8):
                if pos >= end:
                    break
                if flags & (1 << bit):
                    token = struct.unpack_from("<H", data, pos)[0]
                    bits = _bit_count(len(out) - start_out)
                    offset = (token >> (16 - bits)) + 1
                    length = (token & (0xFFFF >> bits)) + 3
                    src = len(out) - offset
                    if src < start_out:
                        raise VbaFormatError("copy token points before the start of its chunk")
                    for k in range(length):  # may overlap itself
                        out.append(out[src + k])
                    pos += 2
                else:
                    out.append(data[pos])
                    pos += 1
    return bytes(out)


# ------------------------------------------------------------------------------ dir stream records
#: record ids of [MS-OVBA] 2.3.4.2 used here
PROJECTNAME, PROJECTMODULES, PROJECTCOOKIE, PROJECTVERSION = 0x0004, 0x000F, 0x0013, 0x0009
MODULENAME, MODULENAMEUNICODE, MODULESTREAMNAME, MODULESTREAMNAMEUNICODE = 0x0019, 0x0047, 0x001A, 0x0032
MODULEDOCSTRING, MODULEDOCSTRINGUNICODE, MODULEOFFSET, MODULEHELPCONTEXT = 0x001C, 0x0048, 0x0031, 0x001E
MODULECOOKIE, MODULETYPE_PROCEDURAL, MODULETYPE_DOCUMENT, MODULE_TERMINATOR = 0x002C, 0x0021, 0x0022, 0x002B
DIR_TERMINATOR = 0x0010


@dataclass(frozen=True)
class Record:
    """One record of the ``dir`` stream: id and payload (PROJECTVERSION keeps its odd layout in ``data``)."""

    rid: int
    data: bytes

    def pack(self) -> bytes:
        if self.rid == PROJECTVERSION:  # Reserved (always 4) then 6 bytes, not a size-prefixed payload
            return struct.pack("<HI", self.rid, 4) + self.data
        return struct.pack("<HI", self.rid, len(self.data)) + self.data


def parse_dir(data: bytes) -> list[Record]:
    """The records of a decompressed ``dir`` stream, in order."""
    out, i = [], 0
    while i < len(data):
        if i + 6 > len(data):
            raise VbaFormatError("truncated dir record")
        rid, size = struct.unpack_from("<HI", data, i)
        if rid == PROJECTVERSION:
            size = 6
        out.append(Record(rid, bytes(data[i + 6:i + 6 + size])))
        i += 6 + size
        if rid == DIR_TERMINATOR:
            break
    return out


def pack_dir(records: list[Record]) -> bytes:
    """The decompressed ``dir`` stream of ``records``."""
    return b"".join(r.pack() for r in records)
