"""Make the checkout importable first (so a worktree tests its own code, not an installed copy)."""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for p in (str(ROOT), str(ROOT / "tests")):
    if p not in sys.path:
        sys.path.insert(0, p)

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def fresh_template(tmp_path_factory):
    """The template as the generator writes it now (the sync test keeps the shipped copy equal to it)."""
    from app.template import write_template

    return write_template(tmp_path_factory.mktemp("tpl") / "t.xlsx")


@pytest.fixture(scope="session")
def template_values(fresh_template):
    """Every formula of the template computed once per run, with the UDFs bound (the ``formulas`` engine)."""
    pytest.importorskip("formulas")
    from app.formula_engine import evaluate

    return evaluate(fresh_template)


@pytest.fixture
def empty_udf_memo():
    """The design UDFs' memos and reading plans emptied before and after the test (udfs/_cache.py)."""
    from udfs import _cache

    _cache.clear()
    yield
    _cache.clear()
