"""The compound-file writer (addin/cfb.py), read back by olefile (strict) and oletools."""
import zipfile
from pathlib import Path

import olefile
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from addin.cfb import MINI_CUTOFF, write_cfb

XLWINGS = Path(__import__("xlwings").__file__).parent
RED, BLACK = 0, 1  #: [MS-CFB] 2.6.1 colour flag (olefile keeps the byte as read)


def _read(data: bytes) -> olefile.OleFileIO:
    return olefile.OleFileIO(data, raise_defects=olefile.DEFECT_INCORRECT)


def _check_tree(ole: olefile.OleFileIO) -> None:
    """Every storage's children form a binary search tree in CFB order with red-black colouring."""
    def key(e):
        return len(e.name), e.name.upper()

    def walk(sid, lo, hi):
        if sid == olefile.NOSTREAM:
            return 1
        e = ole.direntries[sid]
        assert (lo is None or key(lo) < key(e)) and (hi is None or key(e) < key(hi))
        left = walk(e.sid_left, lo, e)
        right = walk(e.sid_right, e, hi)
        assert left == right, "black heights differ"
        if e.color == RED:
            for c in (e.sid_left, e.sid_right):
                assert c == olefile.NOSTREAM or ole.direntries[c].color == BLACK, "red node with red child"
        return left + (e.color == BLACK)

    for e in ole.direntries:
        if e is not None and e.entry_type in (olefile.STGTY_ROOT, olefile.STGTY_STORAGE):
            walk(e.sid_child, None, None)


@pytest.mark.parametrize("size", [0, 1, 63, 64, 65, MINI_CUTOFF - 1, MINI_CUTOFF, MINI_CUTOFF + 1, 511, 512, 513,
                                  100_000])
def test_stream_sizes_around_every_boundary(size):
    data = bytes((i * 7) % 251 for i in range(size))
    ole = _read(write_cfb({"A/s": data, "t": b"tail"}))
    assert ole.openstream("A/s").read() == data and ole.openstream("t").read() == b"tail"
    _check_tree(ole)


def test_xlwings_vba_project_round_trips_stream_for_stream():
    src = zipfile.ZipFile(XLWINGS / "quickstart_addin_ribbon.xlam").read("xl/vbaProject.bin")
    ole = olefile.OleFileIO(src)
    streams = {"/".join(p): ole.openstream(p).read() for p in ole.listdir()}
    out = _read(write_cfb(streams))
    assert sorted(out.listdir()) == sorted(ole.listdir())
    for p in ole.listdir():
        assert out.openstream(p).read() == ole.openstream(p).read(), p
    _check_tree(out)


@settings(max_examples=40, deadline=None)
@given(st.dictionaries(st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,30}", fullmatch=True), st.binary(max_size=6000),
                       min_size=1, max_size=40))
def test_many_streams_property(streams):
    names = {}
    for k, v in streams.items():  # CFB names are case-insensitive within a storage
        names.setdefault(k.upper(), (k, v))
    streams = {"VBA/" + k: v for k, v in names.values()}
    ole = _read(write_cfb(streams))
    for k, v in streams.items():
        assert ole.openstream(k).read() == v
    _check_tree(ole)


def test_clsid_and_bad_names():
    clsid = bytes(range(16))
    ole = _read(write_cfb({"S/x": b"1"}, clsids={"S": clsid}))
    assert ole.getclsid("S").replace("-", "").lower() == olefile.olefile._clsid(clsid).replace("-", "").lower()
    with pytest.raises(ValueError):
        write_cfb({"a" * 32: b""})
    with pytest.raises(ValueError):
        write_cfb({"s": b"1", "s/t": b"2"})


def test_oletools_reads_a_written_project():
    olevba = pytest.importorskip("oletools.olevba")
    src = zipfile.ZipFile(XLWINGS / "quickstart_addin_ribbon.xlam").read("xl/vbaProject.bin")
    ole = olefile.OleFileIO(src)
    data = write_cfb({"/".join(p): ole.openstream(p).read() for p in ole.listdir()})
    parser = olevba.VBA_Parser("project.bin", data=data)
    names = {Path(vba_filename).stem for _, _, vba_filename, _ in parser.extract_macros()}
    assert {"xlwings", "Dictionary", "ThisWorkbook", "RibbonMyAddin"} <= names
