"""The configuration keys xlwings reads, taken from the installed xlwings' own source at test time.

VBA (what the add-in reads): every literal ``GetConfig("KEY"`` in the installed ``.bas`` modules (``xlwings.bas``,
``xlwings_custom_addin.bas`` -- the standalone module xlcell.xlam embeds -- and the ribbon add-in's ``addin/*.bas``).
Calls that build the key at run time (``GetConfig("AZUREAD_ACCESS_TOKEN_" & clientId)``) are left out.
Python (what xlwings' Python reads): ``config.get("KEY")`` / ``config["KEY"]`` on ``read_config_sheet`` or
``read_user_config`` results.

Case rules, as the same source applies them (a test checks the source still says so): ``GetConfigFromSheet`` stores a
sheet's keys ``UCase``'d and looks them up with the literal (all upper case), so a sheet key counts if its upper-case
form is a VBA key; ``GetConfigFromFile`` compares ``LCase`` of both, and ``read_user_config`` lower-cases, so a file
key counts if its lower-case form is any key's lower-case form.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import xlwings

XLWINGS_DIR = Path(xlwings.__file__).resolve().parent

_VBA_CALL = re.compile(r'GetConfig\(\s*"([^"]+)"\s*[,)]')
_PY_READ = re.compile(r"""(?:config|read_user_config\(\))(?:\.get\(|\[)\s*["']([A-Za-z0-9_ ]+)["']""")


def bas_files() -> list[Path]:
    return sorted(XLWINGS_DIR.rglob("*.bas"))


@lru_cache(None)
def vba_keys() -> frozenset[str]:
    return frozenset(k for f in bas_files() for k in _VBA_CALL.findall(f.read_text(encoding="utf-8", errors="replace")))


@lru_cache(None)
def python_keys() -> frozenset[str]:
    return frozenset(k for f in XLWINGS_DIR.rglob("*.py") for k in _PY_READ.findall(f.read_text(encoding="utf-8")))


def sheet_key_is_read(key: str) -> bool:
    """A key in column A of an ``xlwings.conf`` sheet that xlwings looks up."""
    return key.upper() in vba_keys() or key in python_keys()


def file_key_is_read(key: str) -> bool:
    """A key in an ``xlwings.conf`` file that xlwings looks up."""
    return key.lower() in {k.lower() for k in vba_keys() | python_keys()}


def conf_file_keys(path: Path) -> list[str]:
    """The keys of an ``xlwings.conf`` file (``"KEY","value"`` lines)."""
    return [m.group(1) for line in path.read_text(encoding="latin-1").splitlines()
            if (m := re.match(r'\s*"?([^",]+)"?\s*,', line))]
