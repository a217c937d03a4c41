"""Units are converted once (issue 11 item 4): no bare unit factor outside :mod:`xlcell.units`.

Every module of the four layers (``xlcell/``, ``udfs/``, ``workbooks/``, ``app/``) is read with :mod:`ast`. A
*bare unit factor* is a numeric literal that is a power of ten >= 1e3 or <= 1e-3, 100 (percent), 3600, 86400 or
3.6e3·10^k (watt-hours), standing as an operand of a multiplication or division (``x * 1e6``, ``E / 3.6e6``,
``x *= 1e3``). Such a conversion belongs in :data:`xlcell.units.UNITS` (through ``to_display``/``from_display``),
a named constant belongs in :mod:`xlcell.constants`; both modules are exempt. What remains is listed in
:data:`ALLOWED`, one entry per site with the reason it is not a unit conversion.
"""
from __future__ import annotations

import ast
import math
from pathlib import Path

import numpy as np
import pytest

from xlcell import units

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ("xlcell", "udfs", "workbooks", "app")
#: the modules where conversion factors and named constants live
EXEMPT = {"xlcell/units.py", "xlcell/constants.py"}

#: (file, source of the flagged expression) -> why it is not a unit conversion
ALLOWED: dict[tuple[str, str], str] = {
    # tolerances and numerical floors
    ("xlcell/degradation.py", "1e-08 * sv[0]"): "root-bracket tolerance relative to the first singular value",
    ("xlcell/optimize.py", "1e-12 * max(1.0, abs(b.scalar))"): "bound tolerance of the optimiser",
    ("xlcell/optimize.py", "1e-12 * np.maximum(mag, 1e-300)"): "finite-difference step floor",
    ("xlcell/optimize.py", "1e-09 * max(1, abs(s.bound))"): "constraint tolerance (two sites)",
    ("xlcell/pareto.py", "1e-12 * np.maximum(np.abs(ideal), 1.0)"): "objective-range floor for normalising",
    ("xlcell/surrogate.py", "1e-12 * np.maximum(1.0, np.abs(X).max(axis=0))"): "feature-scale floor",
    ("xlcell/roll.py", "0.001 * gam[..., 0]"): "residual scale floor of the cross-width solver (0.1 % of γ)",
    ("xlcell/uncertainty.py", "0.001 * thickness_m"): "physical floor of a sampled thickness: 0.1 % of nominal",
    # the model's own published unit, not a display conversion
    ("xlcell/degradation.py", "100.0 * (1.0 - eol)"):
        "Wang et al. 2011 fit capacity loss in percent: its inverse takes the loss in the paper's unit",
    ("xlcell/degradation.py", "wang_loss_percent(c, T, ah, **coefficients) / 100.0"):
        "Wang et al. 2011 fit returns percent (the paper's unit); its SOH is 1 - loss/100 as published",
    ("xlcell/degradation.py", "wang_loss_percent(c, T, ah) / 100.0"): "as above",
}


def is_unit_factor(v: object) -> bool:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or v == 0 or not math.isfinite(v):
        return False
    a = abs(float(v))
    if a in (100.0, 3600.0, 86400.0):
        return True
    exp = math.log10(a)
    if abs(exp - round(exp)) < 1e-9 and (exp >= 3 - 1e-9 or exp <= -3 + 1e-9):
        return True
    m = math.log10(a / 3.6)  # 3.6e3, 3.6e6, 3.6e9, 3.6e12: watt-hours
    return abs(m - round(m)) < 1e-9 and m >= 3 - 1e-9


def _literal(node: ast.AST) -> object:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        node = node.operand
    return node.value if isinstance(node, ast.Constant) else None


def bare_factors(source: str) -> list[tuple[int, str]]:
    """``(line, expression)`` of every multiplication or division by a bare unit factor in ``source``."""
    out = []
    for n in ast.walk(ast.parse(source)):
        if isinstance(n, ast.BinOp) and isinstance(n.op, (ast.Mult, ast.Div)):
            operands = (n.left, n.right)
        elif isinstance(n, ast.AugAssign) and isinstance(n.op, (ast.Mult, ast.Div)):
            operands = (n.value,)
        else:
            continue
        if any(is_unit_factor(_literal(o)) for o in operands):
            out.append((n.lineno, ast.unparse(n)))
    return out


def scan() -> dict[str, list[tuple[str, int, str]]]:
    """Bare factors per layer: ``{layer: [(file, line, expression)]}`` (allowed ones included)."""
    found: dict[str, list[tuple[str, int, str]]] = {layer: [] for layer in LAYERS}
    for layer in LAYERS:
        for p in sorted((ROOT / layer).rglob("*.py")):
            rel = p.relative_to(ROOT).as_posix()
            if rel in EXEMPT:
                continue
            found[layer] += [(rel, line, expr) for line, expr in bare_factors(p.read_text(encoding="utf-8"))]
    return found


def test_the_scanner_finds_factors_and_leaves_other_numbers():
    src = "a = x * 1e6\nb = E / 3.6e6\nc = f * 100\nd = t / 3600.0\ne = -1e-3 * y\ng = 2.0 * x\nh = x + 1e6\nk = 1e-9\nx *= 1e3\n"
    assert sorted(line for line, _ in bare_factors(src)) == [1, 2, 3, 4, 5, 9]
    assert not is_unit_factor(True) and not is_unit_factor(10.0) and not is_unit_factor(0.5)
    assert is_unit_factor(3.6e9) and is_unit_factor(1000) and is_unit_factor(1e-6)


def test_no_bare_unit_factors_outside_the_units_module():
    found = scan()
    bad = [f"{f}:{line}: {expr}" for layer in LAYERS for f, line, expr in found[layer] if (f, expr) not in ALLOWED]
    assert not bad, ("convert with xlcell.units.to_display/from_display (or name the constant in xlcell/constants.py):\n"
                     + "\n".join(bad))


def test_every_allowed_entry_still_exists():
    seen = {(f, expr) for layer in LAYERS for f, _, expr in scan()[layer]}
    gone = set(ALLOWED) - seen
    assert not gone, f"no longer in the code, drop from ALLOWED: {sorted(gone)}"


def test_the_excel_layers_have_no_allowed_factors():
    """udfs/, workbooks/ and app/ convert through xlcell.units only: not even an allow-listed exception."""
    assert not [k for k in ALLOWED if k[0].split("/")[0] in ("udfs", "workbooks", "app")]


@pytest.mark.parametrize("unit", sorted(units.UNITS))
def test_display_and_si_are_inverse(unit):
    if unit in ("bool", "text"):
        return
    x = np.array([0.0, 1.0, 123.456, -7.5])
    np.testing.assert_allclose(units.from_display(units.to_display(x, unit), unit), x, rtol=1e-12, atol=1e-12)


def test_to_display_is_the_arithmetic_the_metadata_always_used():
    # µm: (v - 0) / 1e-6, kWh: v / 3.6e6, °C: v - 273.15; from_si/to_si are the same functions under their old names
    v = 1.2345678901234567e-4
    assert units.to_display(v, "µm") == v / 1e-6
    assert units.to_display(7.2e6, "kWh") == 7.2e6 / 3.6e6
    assert units.to_display(300.0, "°C") == 300.0 - 273.15
    assert units.from_display(120.0, "µm") == 120.0 * 1e-6
    assert units.from_si is units.to_display and units.to_si is units.from_display
