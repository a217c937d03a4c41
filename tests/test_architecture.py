"""Imports point down only (STYLE.md, issue 11): app -> addin -> workbooks -> udfs -> xlcell.

Every ``import`` in the five packages is read with :mod:`ast`: top-level ones and those inside functions (lazy
imports count: they run too), relative ones resolved against the importing module. A module may import its own
layer and the layers below it, never one above:

* ``xlcell/`` (kernels): itself, the standard library and the numeric stack; never xlwings or openpyxl;
* ``udfs/`` (Excel functions): xlcell; never workbooks, addin or app;
* ``workbooks/`` (sheet and report writers): xlcell (and, for now, udfs where listed below); never addin or app;
* ``addin/`` (building and installing the add-in, a use case): workbooks, udfs, xlcell; never app;
* ``app/`` (ribbon jobs, CLI, template writing, formula engine): anything below.
"""
from __future__ import annotations

import ast
import sys
from pathlib import Path


ROOT = Path(__file__).resolve().parents[1]

#: rank of each layer: a module may import a layer of its own rank or lower
LAYERS = {"xlcell": 0, "udfs": 1, "workbooks": 2, "addin": 3, "app": 4}

#: third-party packages the kernels may import besides the standard library: the numeric stack (scikit-learn is the
#: surrogate model's Gaussian process, threadpoolctl limits its BLAS threads; scikit-fem, pure Python on numpy and
#: scipy, is the nip simulation's finite-element library, imported lazily: the extra "simulate")
KERNEL_THIRD_PARTY = {"numpy", "scipy", "pandas", "sklearn", "threadpoolctl", "skfem",
                      "SALib"}  # SALib: Sobol sampling and estimators (xlcell.sensitivity; optional extra, imported lazily)

#: KNOWN VIOLATIONS to remove (importer -> imported): workbooks should not import udfs at all.
#: The How-to sheet lists every XLCELL_* function with its arguments and first doc line, read from the functions
#: themselves (udfs.udf_functions); passing that list in from app would change every template caller.
WORKBOOKS_UDFS_EXCEPTIONS = {("workbooks.sheets.howto", "udfs")}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def package_of(module: str, path: Path) -> str:
    """The package a relative import in ``module`` starts from."""
    return module if path.name == "__init__.py" else module.rpartition(".")[0]


def imports(source: str, module: str, path: Path, top_level_only: bool = False) -> list[tuple[str, int]]:
    """``(imported module, line)`` for every import in ``source``; ``from pkg import name`` gives ``pkg.name`` when
    that is a module of ours, else ``pkg``. With ``top_level_only``, only imports run when the module loads
    (at module level, or in a module-level function that the module calls while it loads, such as a registration
    hook; not under ``if TYPE_CHECKING``)."""
    tree = ast.parse(source)
    if top_level_only:
        nodes = run_at_import(tree)
    else:
        nodes = [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]
    out = []
    for n in nodes:
        if isinstance(n, ast.Import):
            out += [(a.name, n.lineno) for a in n.names]
            continue
        if n.level:
            base = package_of(module, path).split(".")
            base = base[:len(base) - (n.level - 1)]
            target = ".".join(base + ([n.module] if n.module else []))
        else:
            target = n.module
        for a in n.names:
            sub = f"{target}.{a.name}"
            out.append((sub if sub in MODULES else target, n.lineno))
    return out


def run_at_import(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """The import statements that run when the module loads: those of the module body (``if``/``try`` blocks
    included, ``if TYPE_CHECKING`` not) and those of the module's functions called from the body, transitively."""
    defs = {n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    found: list[ast.Import | ast.ImportFrom] = []
    seen: set[str] = set()

    def scan(stmts: list[ast.stmt]) -> None:
        for n in stmts:
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                # a class body runs at import; a function body only when called
                if isinstance(n, ast.ClassDef):
                    scan(n.body)
                continue
            if isinstance(n, ast.If) and "TYPE_CHECKING" in ast.unparse(n.test):
                continue
            for sub in ast.walk(n):
                if isinstance(sub, (ast.Import, ast.ImportFrom)):
                    found.append(sub)
                elif (isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name) and sub.func.id in defs
                      and sub.func.id not in seen):
                    seen.add(sub.func.id)
                    scan(defs[sub.func.id].body)

    scan(tree.body)
    return found


MODULES = {module_name(p): p for layer in LAYERS for p in sorted((ROOT / layer).rglob("*.py"))}


def edges() -> list[tuple[str, str, int]]:
    return [(m, target, line) for m, p in MODULES.items()
            for target, line in imports(p.read_text(encoding="utf-8"), m, p)]


def test_the_walker_sees_the_imports():
    """Relative, nested and lazy imports are resolved (so the tests below cannot pass by seeing nothing)."""
    found = {(a, b) for a, b, _ in edges()}
    assert ("workbooks.sheets.cost", "workbooks.xlsx") in found  # from ..xlsx import spill
    assert ("workbooks.sheets.dashboard", "workbooks.sheets.cost") in found  # from . import ..., cost, ...
    assert ("app.cli", "addin.xlam") in found  # inside a function
    assert ("app.macros", "workbooks.sheets.pareto") in found
    assert {m.split(".")[0] for m in MODULES} == set(LAYERS)


def test_imports_point_down_only():
    upward = [f"{a}:{line} imports {b}" for a, b, line in edges()
              if b.split(".")[0] in LAYERS and LAYERS[b.split(".")[0]] > LAYERS[a.split(".")[0]]]
    assert not upward, "imports that point up the layers:\n" + "\n".join(upward)


def test_workbooks_do_not_import_udfs():
    """The sheets take what they show from xlcell (e.g. the table headers of xlcell.tables), not from the UDFs."""
    found = {(a, b.split(".")[0]): line for a, b, line in edges()
             if a.split(".")[0] == "workbooks" and b.split(".")[0] == "udfs"}
    new = [f"{a}:{line} imports {b}" for (a, b), line in found.items() if (a, b) not in WORKBOOKS_UDFS_EXCEPTIONS]
    assert not new, "workbooks importing udfs:\n" + "\n".join(new)
    gone = WORKBOOKS_UDFS_EXCEPTIONS - set(found)
    assert not gone, f"no longer imported, drop from WORKBOOKS_UDFS_EXCEPTIONS: {sorted(gone)}"


def test_kernels_import_only_the_numeric_stack():
    bad = [f"{a}:{line} imports {b}" for a, b, line in edges() if a.split(".")[0] == "xlcell"
           and (top := b.split(".")[0]) != "xlcell" and top not in sys.stdlib_module_names
           and top not in KERNEL_THIRD_PARTY]
    assert not bad, "xlcell must not import these (Excel, files, other layers):\n" + "\n".join(bad)


def kernel_cycles() -> list[list[str]]:
    """Strongly connected components (more than one module) of xlcell's import-time graph (Tarjan)."""
    graph: dict[str, set[str]] = {m: set() for m in MODULES if m.split(".")[0] == "xlcell"}
    for m in graph:
        p = MODULES[m]
        for target, _ in imports(p.read_text(encoding="utf-8"), m, p, top_level_only=True):
            # ``from xlcell import units`` gives xlcell.units; a name of xlcell/__init__ gives xlcell itself
            if target in graph and target != m:
                graph[m].add(target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_import_time_walker_skips_lazy_imports():
    """A cycle is an import-time one: an import in a function counts only when the module calls that function as it
    loads (xlcell's providers register themselves that way)."""
    src = "import os\nfrom . import units\ndef f():\n    from . import cost\ndef g():\n    from . import lcos\ng()\n"
    got = imports(src, "xlcell.a", ROOT / "xlcell" / "a.py", top_level_only=True)
    assert sorted(t for t, _ in got) == ["os", "xlcell.lcos", "xlcell.units"]


def test_no_import_cycles_in_the_kernels():
    cycles = kernel_cycles()
    assert not cycles, "module-level import cycles in xlcell/:\n" + "\n".join(" <-> ".join(c) for c in cycles)
