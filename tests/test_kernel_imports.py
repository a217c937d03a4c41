"""The kernels' import graph is acyclic and the models are wired into the registry in one place (issue 11).

The graph holds the imports executed when a module is imported: its top-level statements (also inside if/try/with
and class bodies) and the bodies of its own functions that those statements call (``_register()`` at the bottom of
a module runs its imports at import time just as well). Imports inside other functions run later and are left out.
"""
from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
KERNELS = ROOT / "xlcell"
WIRING = "xlcell.wiring"
REGISTER_CALLS = {"register_metrics", "register_variable", "register_max_of"}


def _modules() -> dict[str, ast.Module]:
    return {f"xlcell.{p.stem}" if p.stem != "__init__" else "xlcell": ast.parse(p.read_text(encoding="utf-8"), str(p))
            for p in sorted(KERNELS.glob("*.py"))}


def _walk_executed(nodes: list[ast.stmt]):
    """Every node run when ``nodes`` run, not descending into function bodies (decorators and defaults do run)."""
    stack = list(reversed(nodes))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            args = node.args
            stack.extend([*getattr(node, "decorator_list", []), *args.defaults, *[d for d in args.kw_defaults if d]])
            continue
        stack.extend(reversed(list(ast.iter_child_nodes(node))))


def _import_time_nodes(tree: ast.Module):
    """The nodes of ``tree`` run at import time: the top level and the module's functions it calls, transitively."""
    funcs = {n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    todo, seen = [tree.body], set()
    while todo:
        for node in _walk_executed(todo.pop()):
            yield node
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in funcs \
                    and node.func.id not in seen:
                seen.add(node.func.id)
                todo.append(funcs[node.func.id].body)


def _imported(node: ast.AST, module: str, known: set[str]) -> list[str]:
    """The xlcell modules that an import statement ``node`` in ``module`` loads."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name in known]
    if not isinstance(node, ast.ImportFrom):
        return []
    if node.level:
        package = module if module == "xlcell" else module.rsplit(".", 1)[0]
        base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
        base = f"{base}.{node.module}" if node.module else base
    else:
        base = node.module or ""
    out = [base] if base in known else []
    return out + [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in known]


def import_graph() -> dict[str, set[str]]:
    mods = _modules()
    known = set(mods)
    return {m: {t for n in _import_time_nodes(tree) for t in _imported(n, m, known) if t != m}
            for m, tree in mods.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` as a path that returns to its start, or None."""
    state: dict[str, int] = {}  # 1 on the path, 2 done
    path: list[str] = []

    def visit(v: str) -> list[str] | None:
        state[v] = 1
        path.append(v)
        for w in sorted(graph.get(v, ())):
            if state.get(w) == 1:
                return path[path.index(w):] + [w]
            if w not in state and (c := visit(w)):
                return c
        state[v] = 2
        path.pop()
        return None

    for v in sorted(graph):
        if v not in state and (c := visit(v)):
            return c
    return None


def test_the_cycle_finder_sees_a_call_at_module_level():
    # the shape of the old cost.py: its imports sit in a function that the module calls at its bottom
    tree = ast.parse("from .cell import x\ndef _register():\n    from . import registry\n_register()\n"
                     "def later():\n    from . import lcos\n")
    found = {t for n in _import_time_nodes(tree) for t in _imported(n, "xlcell.cost", {"xlcell.cell", "xlcell.registry",
                                                                                       "xlcell.lcos"})}
    assert found == {"xlcell.cell", "xlcell.registry"}
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_kernel_import_graph_is_acyclic():
    graph = import_graph()
    assert "xlcell.registry" in graph and graph["xlcell.optimize"] >= {"xlcell.registry"}  # the graph sees imports
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle at import time: " + " -> ".join(cycle)


def test_the_registry_imports_no_model_but_the_cell_design():
    # the design vector is CellDesign; every other model comes in through xlcell.wiring, on the first query
    assert import_graph()["xlcell.registry"] <= {"xlcell.cell", "xlcell.errors", "xlcell.params", "xlcell.units"}


def test_only_the_wiring_module_registers():
    at_import, anywhere = set(), set()
    for m, tree in _modules().items():
        def calls(nodes):
            return any(isinstance(n, ast.Call) and (getattr(n.func, "id", None) or getattr(n.func, "attr", None))
                       in REGISTER_CALLS for n in nodes)
        if calls(_import_time_nodes(tree)):
            at_import.add(m)
        if calls(ast.walk(tree)):
            anywhere.add(m)
    assert at_import == set(), "modules that register at import time"
    assert anywhere == {WIRING}, "modules that call register_* (the wiring is in one place)"


_SNAPSHOT = """
import json, sys
{pre}
import xlcell.registry as r
lazy = "xlcell.cost" not in sys.modules and "xlcell.wiring" not in sys.modules
keys = r.variable_keys(), r.output_keys()
r._ensure_wired()  # a second time: nothing changes
assert (r.variable_keys(), r.output_keys()) == keys
print(json.dumps({{
    "lazy": lazy,
    "variables": [[k, r.variable(k).unit, r.variable(k).order] for k in r.variable_keys()],
    "providers": [{{"name": p.name, "requires": list(p.requires), "outputs": [[s.key, s.unit] for s in p.outputs]}}
                  for p in r.providers().values()],
    "max_of": {{k: list(r.max_of(k)) for k in r.output_keys() if r.max_of(k)}},
}}))
"""


@pytest.mark.parametrize("pre", ["", "import xlcell.cost, xlcell.uncertainty", "import xlcell.lcos"])
def test_wiring_is_complete_in_registration_order_whatever_is_imported_first(pre):
    # tests/golden/registry_keys.json: the registry of 82c5723 (before issue 11 step 2) imported first; importing
    # xlcell.cost first then put the provider "cost" last: the order hung on the import order
    golden = json.loads((ROOT / "tests" / "golden" / "registry_keys.json").read_text(encoding="utf-8"))
    run = subprocess.run([sys.executable, "-c", _SNAPSHOT.format(pre=pre)], cwd=ROOT, capture_output=True, text=True,
                         check=True)
    got = json.loads(run.stdout)
    assert got.pop("lazy") or pre  # importing the registry alone loads no model
    assert got == {k: v for k, v in golden.items() if not k.startswith("_")}


def test_output_keys_cover_the_models_metadata():
    import xlcell.registry as reg
    from xlcell.cell import CellMetrics
    from xlcell.cost import CostMetrics
    from xlcell.params import specs
    from xlcell.uncertainty import RISK_SPECS

    keys = set(reg.output_keys())
    for outs in (specs(CellMetrics), [s for s in specs(CostMetrics) if s.unit != "text"], RISK_SPECS):
        assert {s.key for s in outs} <= keys
