"""Write a Compound File Binary (MS-CFB version 3) container: the file format of ``vbaProject.bin``.

olefile and oletools read compound files but cannot add a stream or grow one; the maintained Python writers
are read-only (``cfb``), copyleft (``cfbwrite``, AGPL) or write scratch files and mis-place a stream of exactly
4096 bytes (``ms-cfb`` 0.0.6). A version-3 file is small enough to write directly: 512-byte sectors, a FAT, a
mini stream (64-byte sectors) for streams under 4096 bytes, and a directory whose siblings form a red-black
tree. The output is checked by olefile's strict parser and by oletools in ``tests/test_addin_cfb.py``.

Reference: [MS-CFB] Compound File Binary File Format, sections 2.2 (header), 2.3-2.5 (FAT, mini FAT), 2.6
(directory entries and the red-black tree).
"""
from __future__ import annotations

import struct
from dataclasses import dataclass, field

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
FREESECT, ENDOFCHAIN, FATSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF
_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_DIFAT_IN_HEADER = 109


@dataclass
class _Node:
    name: str
    kind: int  # 1 storage, 2 stream, 5 root
    data: bytes = b""
    clsid: bytes = bytes(16)
    children: dict[str, "_Node"] = field(default_factory=dict)
    sid: int = 0
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    black: bool = True
    start: int = ENDOFCHAIN
    size: int = 0


def _key(name: str) -> tuple[int, str]:
    """CFB sibling order: shorter names first, then by upper-cased name (2.6.4)."""
    return len(name), name.upper()


def _tree(nodes: list[_Node], depth: int, full_levels: int) -> int:
    """Link ``nodes`` (sorted) as a balanced search tree; nodes below the full levels are red. Returns its root."""
    if not nodes:
        return NOSTREAM
    mid = len(nodes) // 2
    root = nodes[mid]
    root.black = depth < full_levels
    root.left = _tree(nodes[:mid], depth + 1, full_levels)
    root.right = _tree(nodes[mid + 1:], depth + 1, full_levels)
    return root.sid


def _chain(fat: list[int], first: int, count: int) -> None:
    for k in range(count):
        fat[first + k] = first + k + 1 if k + 1 < count else ENDOFCHAIN


def write_cfb(streams: dict[str, bytes], clsids: dict[str, bytes] | None = None) -> bytes:
    """A compound file holding ``streams`` (``{"VBA/dir": bytes, "PROJECT": bytes, ...}``).

    Storages are implied by the ``/`` in the paths. ``clsids`` optionally gives a storage's (or the root's,
    key ``""``) 16-byte class id. Names are at most 31 characters, as the format allows.
    """
    clsids = clsids or {}
    root = _Node("Root Entry", 5, clsid=clsids.get("", bytes(16)))
    for path, data in streams.items():
        parts = path.split("/")
        node = root
        for depth, part in enumerate(parts):
            if not part or len(part) > 31 or any(c in part for c in "/\\:!"):
                raise ValueError(f"invalid compound-file name {part!r} in {path!r}")
            last = depth == len(parts) - 1
            sub = node.children.get(part)
            if sub is None:
                sub = _Node(part, 2 if last else 1, data=bytes(data) if last else b"",
                            clsid=clsids.get("/".join(parts[:depth + 1]), bytes(16)))
                node.children[part] = sub
            elif last or sub.kind != 1:
                raise ValueError(f"{path!r} is given twice or under a stream")
            node = sub

    order: list[_Node] = []

    def number(node: _Node) -> None:  # directory ids, depth first (the order is free; the tree links matter)
        node.sid = len(order)
        order.append(node)
        for sub in node.children.values():
            number(sub)

    number(root)
    for node in order:
        if node.children:
            kids = sorted(node.children.values(), key=lambda n: _key(n.name))
            node.child = _tree(kids, 0, (len(kids) + 1).bit_length() - 1)

    # mini stream: every stream shorter than the cutoff, in 64-byte sectors
    mini = bytearray()
    minifat: list[int] = []
    for node in order:
        if node.kind == 2:
            node.size = len(node.data)
            if 0 < node.size < MINI_CUTOFF:
                count = -(-node.size // MINI_SECTOR)
                node.start = len(minifat)
                minifat += [0] * count
                _chain(minifat, node.start, count)
                mini += node.data + bytes(count * MINI_SECTOR - node.size)
    root.size = len(mini)

    # regular sectors: mini stream, large streams, directory, mini FAT, then the FAT itself
    body: list[bytes] = []  # whole sectors' content, in order
    fat: list[int] = []

    def place(data: bytes) -> int:
        if not data:
            return ENDOFCHAIN
        count = -(-len(data) // SECTOR)
        first = len(fat)
        fat.extend([0] * count)
        _chain(fat, first, count)
        body.append(bytes(data) + bytes(count * SECTOR - len(data)))
        return first

    root.start = place(bytes(mini))
    for node in order:
        if node.kind == 2 and node.size >= MINI_CUTOFF:
            node.start = place(node.data)
    entries = b"".join(_entry(n) for n in order)
    per_sector = SECTOR // 128
    pad = (-len(order)) % per_sector
    entries += _empty_entry() * pad
    dir_start = place(entries)
    if minifat:  # unused entries of the last mini FAT sector are free, not chained to sector 0
        minifat += [FREESECT] * ((-len(minifat)) % (SECTOR // 4))
    minifat_bytes = struct.pack(f"<{len(minifat)}I", *minifat) if minifat else b""
    minifat_start = place(minifat_bytes)
    minifat_count = -(-len(minifat_bytes) // SECTOR)

    n_fat = 0
    while n_fat * (SECTOR // 4) < len(fat) + n_fat:
        n_fat += 1
    if n_fat > _DIFAT_IN_HEADER:
        raise ValueError("compound file too large for a header-only DIFAT (over ~7 MB)")
    fat_start = len(fat)
    fat += [FATSECT] * n_fat
    fat += [FREESECT] * (n_fat * (SECTOR // 4) - len(fat))
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat)

    difat = list(range(fat_start, fat_start + n_fat)) + [FREESECT] * (_DIFAT_IN_HEADER - n_fat)
    header = (_MAGIC + bytes(16) + struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6) + bytes(6)
              + struct.pack("<IIIIIIIII", 0, n_fat, dir_start, 0, MINI_CUTOFF,
                            minifat_start if minifat_count else ENDOFCHAIN, minifat_count, ENDOFCHAIN, 0)
              + struct.pack(f"<{_DIFAT_IN_HEADER}I", *difat))
    assert len(header) == SECTOR
    return header + b"".join(body) + fat_bytes


def _entry(node: _Node) -> bytes:
    name = node.name.encode("utf-16-le") + b"\0\0"
    start = node.start if node.kind != 1 else 0
    size = node.size if node.kind != 1 else 0
    if node.kind == 2 and size == 0:
        start = ENDOFCHAIN
    return (name.ljust(64, b"\0") + struct.pack("<HBB", len(name), node.kind, 1 if node.black else 0)
            + struct.pack("<III", node.left, node.right, node.child) + node.clsid
            + struct.pack("<I", 0) + bytes(16) + struct.pack("<IQ", start, size))


def _empty_entry() -> bytes:
    return bytes(64) + struct.pack("<HBB", 0, 0, 0) + struct.pack("<III", NOSTREAM, NOSTREAM, NOSTREAM) + bytes(16 + 4 + 16 + 4 + 8)
