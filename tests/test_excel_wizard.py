"""Function-wizard help and xlwings argument options of every UDF (udfs/_excel.py:udf).

On Linux xlwings' decorators do nothing, so the parsed help is checked on the attributes ``udf()``
records, and the registration itself through a stand-in for xlwings that keeps what xlwings keeps
(``__xlfunc__`` with the argument docs and options, xlwings 0.37 ``udfs.xlfunc``/``xlarg``).
"""
from __future__ import annotations

import inspect
import types

import pytest

import udfs
from udfs import _excel
from udfs._excel import WIZARD_LIMIT, parse_udf_doc, udf

ALL = udfs.udf_functions()


def test_there_are_udfs_in_every_module():
    mods = {f.__module__ for f in ALL.values()}
    assert {"udfs.cell", "udfs.cost", "udfs.calendering", "udfs.lifetime", "udfs.lcos", "udfs.pareto"} <= mods


@pytest.mark.parametrize("name", sorted(ALL))
def test_every_argument_has_wizard_help_of_at_most_255_characters(name):
    f = ALL[name]
    params = list(inspect.signature(f).parameters)
    docs = f.__xlcell_arg_docs__
    assert list(docs) == params
    for p in params:
        assert docs[p].strip(), f"{name}: argument {p} has no help in its docstring"
        assert len(docs[p]) <= WIZARD_LIMIT
        assert not docs[p].startswith("Positional argument")
    desc = f.__xlcell_description__
    assert 0 < len(desc) <= WIZARD_LIMIT
    assert desc.split()[0] == inspect.getdoc(f).split()[0]  # the docstring's opening, not a placeholder


@pytest.mark.parametrize("name", sorted(ALL))
def test_every_argument_reads_excel_errors_as_text(name):
    opts = ALL[name].__xlcell_arg_options__
    assert all(o["err_to_str"] is True for o in opts.values())


def test_parser_conventions():
    def f(design, a, b, c, d, e, g=None):
        """First line of the description
        continues here.

        design: two-column range; its temperature_C is used
        a, b: shared help
        c: help of c; d: help of d
        continued on the next line
        e : float
            NumPy-style help of e
        Returns a table.
        g: optional thing
        """

    desc, docs = parse_udf_doc(f)
    assert desc == "First line of the description continues here."
    assert docs == {"design": "two-column range; its temperature_C is used", "a": "shared help", "b": "shared help",
                    "c": "help of c", "d": "help of d continued on the next line",
                    "e": "float NumPy-style help of e", "g": "optional thing"}


def test_parser_cuts_long_help_at_a_word_and_fills_same_arguments_as():
    def XLCELL_A(x, y):
        pass

    XLCELL_A.__doc__ = "A.\n\nx: " + "word " * 80 + "\ny: short\n"
    desc, docs = parse_udf_doc(XLCELL_A)
    assert len(docs["x"]) <= WIZARD_LIMIT and docs["x"].endswith("word…")
    XLCELL_A.__xlcell_arg_docs__ = docs

    def XLCELL_B(x, y, z):
        """B.

        z: own help. Same arguments as XLCELL_A otherwise.
        """

    XLCELL_B.__globals__["XLCELL_A"] = XLCELL_A
    try:
        _, docs_b = parse_udf_doc(XLCELL_B)
    finally:
        del XLCELL_B.__globals__["XLCELL_A"]
    assert docs_b["y"] == "short" and docs_b["z"].startswith("own help")


def _fake_xlwings():
    """xlwings 0.37's xlfunc/xlarg bookkeeping (udfs.py), without pywin32."""

    def _meta(f):
        if not hasattr(f, "__xlfunc__"):
            args = list(inspect.signature(f).parameters)
            f.__xlfunc__ = {"name": f.__name__, "args": [], "argmap": {}, "ret": {"doc": f.__doc__, "options": {}}}
            for i, a in enumerate(args):
                info = {"name": a, "pos": i, "doc": f"Positional argument {i + 1}", "options": {}}
                f.__xlfunc__["args"].append(info)
                f.__xlfunc__["argmap"][a] = info
        return f.__xlfunc__

    def arg(name, **kw):
        def inner(f):
            info = _meta(f)["argmap"][name]
            if "doc" in kw:
                info["doc"] = kw.pop("doc")
            info["options"].update(kw)
            return f
        return inner

    def func(f=None, **kw):
        def inner(f):
            _meta(f)["volatile"] = kw.get("volatile", False)
            return f
        return inner(f) if f is not None else inner

    return types.SimpleNamespace(arg=arg, func=func)


def test_registration_gives_xlwings_the_help_err_to_str_and_ndim(monkeypatch):
    monkeypatch.setattr(_excel, "xw", _fake_xlwings())

    def XLCELL_DEMO(design, c_rate=None):
        return [[1]]

    XLCELL_DEMO.__doc__ = ("Evaluate something short.\n\nA longer paragraph that must not reach the wizard's "
                           "description. " + "x " * 200 + "\n\ndesign: two-column (key, value) range\n"
                           "c_rate: C-rate in 1/h, > 0\n")
    XLCELL_DEMO = udf(table=True, ranges=("design",))(XLCELL_DEMO)

    meta = XLCELL_DEMO.__xlfunc__
    assert meta["ret"]["doc"] == "Evaluate something short."
    design, c_rate = meta["args"]
    assert design["doc"] == "two-column (key, value) range"
    assert design["options"] == {"err_to_str": True, "ndim": 2}
    assert c_rate["doc"] == "C-rate in 1/h, > 0"
    assert c_rate["options"] == {"err_to_str": True}


def test_a_ranges_name_that_is_no_argument_is_caught_at_import():
    with pytest.raises(TypeError, match="ranges"):
        @udf(ranges=("desgin",))
        def XLCELL_TYPO(design):
            """T.

            design: a range
            """
