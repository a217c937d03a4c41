"""Every public function of the kernels documents its parameters (issue 11 item 6).

Public means: a module-level function of ``xlcell/`` whose name does not start with ``_`` (imported names do not
count, they are documented where they are defined), and a public method of a public class there. Its docstring must
have a NumPy-style ``Parameters`` section naming each parameter of the signature (``self``/``cls`` aside; ``*args``
and ``**kwargs`` by their bare names), and nothing that is not a parameter. The docstrings are read with griffe's
NumPy parser, the same one mkdocstrings uses for the API pages, so what passes here renders there.

The test fails on any public function that does not document its parameters.
"""
from __future__ import annotations

from pathlib import Path

import pytest

griffe = pytest.importorskip("griffe")

ROOT = Path(__file__).resolve().parents[1]


def parameter_names(func) -> list[str]:
    return [p.name for p in func.parameters if p.name not in ("self", "cls")]


def documented_names(func) -> list[str] | None:
    """Names in the docstring's Parameters section(s), or None when there is no docstring."""
    if func.docstring is None:
        return None
    names = []
    for section in func.docstring.parse("numpy", warn_missing_types=False):
        if section.kind is griffe.DocstringSectionKind.parameters:
            names += [p.name.lstrip("*") for p in section.value]
    return names


def public_functions():
    """``{"module.name": griffe function}`` for every public function and method defined in xlcell/."""
    pkg = griffe.load("xlcell", search_paths=[str(ROOT)], docstring_parser="numpy")
    out = {}
    for mod_name, mod in pkg.modules.items():
        if mod_name.startswith("_"):
            continue
        for name, obj in mod.members.items():
            if name.startswith("_") or obj.is_alias:
                continue
            if obj.is_function:
                out[f"{mod_name}.{name}"] = obj
            elif obj.is_class:
                for meth_name, meth in obj.members.items():
                    if meth_name.startswith("_") or meth.is_alias or not meth.is_function:
                        continue
                    out[f"{mod_name}.{name}.{meth_name}"] = meth
    return out


def problems(func) -> str | None:
    """What is wrong with ``func``'s documented parameters, or None."""
    params = parameter_names(func)
    documented = documented_names(func)
    if not params:
        return None
    if documented is None:
        return "no docstring"
    missing = [p for p in params if p not in documented]
    extra = [d for d in documented if d not in params]
    if missing or extra:
        return ", ".join(filter(None, [missing and f"not documented: {missing}", extra and f"not a parameter: {extra}"]))
    return None


FUNCTIONS = public_functions()


def test_the_walk_finds_the_kernels():
    assert len(FUNCTIONS) > 150
    assert "cell.evaluate_cell" in FUNCTIONS and "optimize.DesignProblem.evaluate" in FUNCTIONS
    assert not any(".np." in k or k.endswith(".dataclass") for k in FUNCTIONS)  # imports are not ours


def test_the_check_sees_a_missing_parameter():
    doc = griffe.Docstring("Sum.\n\nParameters\n----------\na : float\n    First, in m.\n", parser="numpy")
    func = griffe.Function("f", parameters=griffe.Parameters(griffe.Parameter("a"), griffe.Parameter("b_m")),
                           docstring=doc)
    assert problems(func) == "not documented: ['b_m']"


def test_public_functions_document_their_parameters():
    bad = {name: why for name, func in FUNCTIONS.items() if (why := problems(func))}
    assert not bad, "document the parameters (NumPy style, with units):\n" + "\n".join(f"  xlcell.{k}: {v}"
                                                                                       for k, v in sorted(bad.items()))
