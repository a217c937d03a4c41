"""MS-OVBA compression and dir records (addin/ovba.py), checked against oletools' independent decompressor
and the VBA projects that xlwings ships (written by Excel and by xlwings' tooling)."""
from pathlib import Path

import olefile
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from addin import ovba
from addin.project import VbaProject

olevba = pytest.importorskip("oletools.olevba")
XLWINGS = Path(__import__("xlwings").__file__).parent
SHIPPED = [XLWINGS / "quickstart_addin_ribbon.xlam", XLWINGS / "quickstart_addin.xlam",
           XLWINGS / "quickstart_standalone.xlsm", XLWINGS / "quickstart.xlsm"]


def _project_bins():
    import zipfile

    for path in SHIPPED:
        if path.exists():
            yield path.name, zipfile.ZipFile(path).read("xl/vbaProject.bin")


def _oracle(data: bytes) -> bytes:
    return bytes(olevba.decompress_stream(bytearray(data)))


@pytest.mark.parametrize("name,data", list(_project_bins()))
def test_decompress_equals_oletools_on_every_module_xlwings_ships(name, data):
    project = VbaProject(data)
    assert ovba.decompress(project.streams["VBA/dir"]) == _oracle(project.streams["VBA/dir"])
    for m in project.modules():
        raw = project.streams["VBA/" + m.stream][m.offset:]
        assert ovba.decompress(raw) == _oracle(raw), (name, m.name)


@pytest.mark.parametrize("name,data", list(_project_bins()))
def test_compress_round_trips_through_oletools_and_is_about_as_small_as_the_original(name, data):
    project = VbaProject(data)
    for m in project.modules():
        raw = project.streams["VBA/" + m.stream][m.offset:]
        source = ovba.decompress(raw)
        packed = ovba.compress(source)
        assert _oracle(packed) == source, (name, m.name)
        assert len(packed) <= 1.05 * len(raw) + 16, (name, m.name, len(packed), len(raw))


def test_dir_records_pack_back_to_the_same_bytes():
    for _, data in _project_bins():
        plain = ovba.decompress(VbaProject(data).streams["VBA/dir"])
        records = ovba.parse_dir(plain)
        assert ovba.pack_dir(records) == plain
        assert records[-1].rid == ovba.DIR_TERMINATOR
        assert next(r for r in records if r.rid == ovba.PROJECTVERSION).pack()[2:6] == b"\x04\0\0\0"


@pytest.mark.parametrize("data", [b"", b"a", b"abc" * 5000, bytes(4096), bytes(4097), b"x" * 4095,
                                  bytes(range(256)) * 16, bytes(range(256)) * 33])
def test_compress_edge_sizes(data):
    assert _oracle(ovba.compress(data)) == data
    assert ovba.decompress(ovba.compress(data)) == data


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=9000) | st.text(alphabet="ab \r\n=XLCELL_()", max_size=12000).map(str.encode))
def test_compress_round_trip_property(data):
    packed = ovba.compress(data)
    assert _oracle(packed) == data


def test_incompressible_full_chunk_is_stored_raw():
    import random

    rnd = random.Random(0)
    data = bytes(rnd.randrange(256) for _ in range(4096 * 2))
    packed = ovba.compress(data)
    assert packed[1:3] == b"\xff\x3f"  # header: raw chunk of 4096 bytes (flag bit 15 clear)
    assert _oracle(packed) == data


def test_damaged_streams_raise_a_typed_error():
    with pytest.raises(ovba.VbaFormatError):
        ovba.decompress(b"\x02abc")
    with pytest.raises(ovba.VbaFormatError):
        ovba.decompress(b"\x01\x00\x00")  # bad chunk signature
    with pytest.raises(ovba.VbaFormatError):
        ovba.parse_dir(b"\x01\x00\x04")


def test_olefile_reads_the_shipped_projects():  # the test data itself is what it claims to be
    for _, data in _project_bins():
        assert olefile.isOleFile(data)
