"""What ``import udfs`` and ``xlcell --help`` load (issue 15 item 3), checked by module lists, never by time.

Excel's xlwings UDF server imports xlwings, then ``udfs``, at every Python start: what ``udfs`` adds beyond xlwings
is what xlcell controls. It must not reach for the heavy libraries (scipy, scikit-learn, scikit-fem, SALib, pymoo,
Dask, matplotlib) nor for the models that only some functions need, and it must parse no data file that no class
default needs. The time itself is measured in ``bench/bench_import.py`` (ratios against a baseline commit).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: third-party libraries that only some functions need (a function imports them when it runs)
HEAVY_LIBRARIES = ("scipy", "sklearn", "skfem", "SALib", "pymoo", "dask", "distributed", "matplotlib", "pandas",
                   "pyarrow", "tqdm", "openpyxl")
#: models only some UDFs call: the UDF modules import them inside those functions
LAZY_MODELS = ("batch", "cost", "degradation", "dem", "factory", "lcos", "nip", "optimize", "pack", "pareto",
               "pressure_profile", "process_sim", "registry", "roll", "sensitivity", "studies", "surrogate",
               "tortuosity_inference", "uncertainty", "wiring")
#: the data files whose values are class defaults (read when the classes are made); the others are read on first use
DEFAULTS_FILES = {"batpac5_default", "xlcell_default", "cell_formats"}


def _run(code: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _roots(modules: list[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


def test_import_udfs_adds_no_heavy_library_and_no_model_that_only_some_functions_need():
    got = _run(
        "import json, sys\n"
        "import xlwings\n"
        "before = set(sys.modules)\n"
        "import xlcell.paramsets as ps\n"
        "read = []\n"
        "load = ps.load\n"
        "def counted(name):\n"
        "    read.append(name)\n"
        "    return load(name)\n"
        "ps.load = counted\n"  # this test's own probe: which data files the import reads
        "import udfs\n"
        "ps.load = load\n"
        "added = sorted(set(sys.modules) - before)\n"
        "print(json.dumps({'added': added, 'read': sorted(set(read)),\n"
        "                  'udfs': len(udfs.udf_functions())}))")
    added = got["added"]
    assert not [m for m in added if m.split(".")[0] in HEAVY_LIBRARIES], added
    assert "numpy.polynomial" not in added  # no quadrature rule computed at import (xlcell.nip's is cached)
    models = [m for m in added if m.startswith("xlcell.") and m.split(".")[1] in LAZY_MODELS]
    assert models == [], f"import udfs imports models only some functions need: {models}"
    assert set(got["read"]) <= DEFAULTS_FILES, got["read"]  # the material libraries are read on first use
    import udfs

    assert got["udfs"] == len(udfs.udf_functions()) > 60


def test_the_libraries_read_on_first_use_are_the_same_objects_every_time():
    from xlcell import calendering, conduction, formats, materials, tables

    assert materials.LIBRARY is materials.LIBRARY and "NMC811" in materials.LIBRARY
    assert calendering.CALENDERING_MATERIALS is conduction.CALENDERING_MATERIALS
    assert formats.FORMAT_NAMES == formats.format_names() and "pouch" in formats.FORMAT_NAMES
    assert tables.MATERIAL_COLUMNS is tables.MATERIAL_COLUMNS and tables.MATERIAL_COLUMNS[-1] == "carrier"
    assert tables.MC_HEADER[:3] == ["output", "unit", "deterministic"]


def test_xlcell_help_imports_neither_numpy_nor_a_model():
    got = _run(
        "import contextlib, io, json, sys\n"
        "from app.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out, contextlib.suppress(SystemExit):\n"
        "    main(['--help'])\n"
        "print(json.dumps({'modules': sorted(sys.modules), 'help': out.getvalue()}))")
    assert "montecarlo" in got["help"] and "sweep" in got["help"]
    loaded = got["modules"]
    assert not _roots(loaded) & {"numpy", *HEAVY_LIBRARIES}, sorted(_roots(loaded) & {"numpy", *HEAVY_LIBRARIES})
    assert [m for m in loaded if m.startswith("xlcell.")] in ([], ["xlcell.errors"])


def test_a_command_still_gets_its_options_read_from_a_model():
    from app.cli import main

    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()) as out, contextlib.suppress(SystemExit):
        main(["montecarlo", "--help"])
    from xlcell.uncertainty import DEFAULT_OUTPUTS

    assert "--samples" in out.getvalue() and DEFAULT_OUTPUTS[0] in out.getvalue().replace("\n", " ")
