"""Memoised model evaluations of the design UDFs: a sheet whose 30 cells each ask one metric of the same design range
evaluates the model once; the other 29 calls cost a lookup.

Excel hands a UDF its ranges as lists of lists of plain values (float, str, bool, None); :func:`freeze` makes them a
hashable key, so that the result of a call is keyed on *every* value of *every* range it read (the design, the
materials table, the BOM/format, factory and steps ranges). Plain dicts emptied in bulk when full (:func:`memo`,
:func:`bounded_put`; a Design range read by its plan is kept by what its design is made of, ``udfs.cell.design_entry``)
or small bounded LRUs (:class:`LRU`) hold the results; nothing in them can be changed by a caller: the arrays they
hold are read-only (:func:`readonly`) and the UDFs hand Excel Python numbers built from them. Errors are never cached: a call that raises is evaluated again next time.
"""
from __future__ import annotations

import marshal
import threading
from collections import OrderedDict
from itertools import chain
from typing import Any, Callable, Hashable

import numpy as np

_MISSING = object()


class LRU:
    """A bounded least-recently-used mapping, safe to use from several threads.

    Parameters
    ----------
    maxsize : int
        The number of entries kept; the least recently used one goes first.
    """

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._data: OrderedDict[Hashable, tuple[Hashable, Any]] = OrderedDict()  #: key -> (that key, value)
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, default: Any = None) -> Any:
        """The value of ``key`` (marked as the most recently used), or ``default``."""
        with self._lock:
            item = self._data.get(key, _MISSING)
            if item is _MISSING:
                self.misses += 1
                return default
            self._data.move_to_end(item[0])  # the kept key: found by identity, not compared with the caller's again
            self.hits += 1
            return item[1]

    def put(self, key: Hashable, value: Any) -> Any:
        """Keep ``value`` under ``key`` (dropping the least recently used entry when full); returns ``value``."""
        with self._lock:
            self._data[key] = (key, value)  # (the key kept beside its value: see get)
            self._data.move_to_end(key)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)
        return value

    def get_or_make(self, key: Hashable | None, make: Callable[[], Any]) -> Any:
        """The value of ``key``, made by ``make()`` and kept when missing (``key`` None: made, never kept)."""
        if key is None:
            return make()
        value = self.get(key, _MISSING)
        if value is _MISSING:
            value = self.put(key, make())
        return value

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._data)


class _Unhashable(Exception):
    pass


_LIST = {list}
_PLAIN = frozenset({float, str, type(None)})


class Key:
    """A hashable key that computes its hash once (a tuple of a range's rows is hashed again at every dict
    operation otherwise)."""

    __slots__ = ("value", "_hash")

    def __init__(self, value: Hashable) -> None:
        self.value = value
        self._hash = hash(value)

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return self is other or (isinstance(other, Key) and self._hash == other._hash and self.value == other.value)

    def __repr__(self) -> str:
        return f"Key({self.value!r})"


class Rows:
    """The frozen cells of a rectangular range (a list of rows of one length) as a key: its columns, a tuple of
    column tuples (what a range's reader takes apart anyway: :func:`udfs.cell._layout_read` reads a design's key and
    value columns from it), and its number of rows; hashed once, and TRUE told apart from 1.

    ``TRUE == 1 == 1.0`` (and ``FALSE == 0``) and they hash alike in Python, so two ranges that differ only there
    have equal tuples; the types of the cells that equal 0 or 1 (:meth:`ambiguous`, found once per key and kept)
    tell them apart, unless both ranges hold only floats, texts and blanks (:meth:`plain`). They are compared only
    when two keys' hashes and values match (a memo hit, or a rare collision): a range seen for the first time, a
    new design, pays for the hash alone.
    """

    __slots__ = ("cols", "n", "_hash", "_ambiguous", "_plain")

    def __init__(self, cols: tuple[tuple[Any, ...], ...], n: int) -> None:
        self.cols = cols
        self.n = n
        self._hash = hash((n, cols))
        self._ambiguous: tuple[tuple[int, int], ...] | None = None
        self._plain: bool | None = None

    def __hash__(self) -> int:
        return self._hash

    def plain(self) -> bool:
        """Whether every cell is a float, a text or a blank (found once per key, in one pass in C): two such ranges of
        equal values hold the same kinds in every cell (a float equals only a float there), so no cell's type need be
        compared (a sheet's ranges are such: Excel hands over every number as a float)."""
        p = self._plain
        if p is None:
            p = self._plain = set(map(type, chain.from_iterable(self.cols))) <= _PLAIN
        return p

    def ambiguous(self) -> tuple[tuple[int, int], ...]:
        """(column, row) of every cell equal to 0 or 1 (the only cells a bool can equal)."""
        a = self._ambiguous
        if a is None:
            a = self._ambiguous = tuple((j, i) for j, c in enumerate(self.cols) if 0 in c or 1 in c
                                        for i, x in enumerate(c) if x == 0 or x == 1)
        return a

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if type(other) is not Rows or self._hash != other._hash or self.n != other.n or self.cols != other.cols:
            return False
        if self.plain() and other.plain():  # (a memo compares the key it keeps, ``self``, with the caller's)
            return True
        a, b = self.cols, other.cols  # equal values: the same cells equal 0 or 1; the same kinds there too?
        # (``self``'s 0/1 cells are found once)
        return all(type(a[j][i]) is type(b[j][i]) for j, i in self.ambiguous())

    def __repr__(self) -> str:
        return f"Rows({self.n} rows, columns {self.cols!r})"


def freeze(v: Any) -> Hashable:
    """A hashable key of an argument as Excel hands it over (a scalar, or a list of lists), or None if it cannot be
    one (the call is then not memoised).

    Two arguments get the same key only if they hold the same values of the same kinds: ``TRUE`` and ``1`` compare
    equal in Python but not here (a bool is tagged, or for a range of rows its cells' types compared,
    :class:`Rows`), a list of rows and a flat list differ.
    """
    if v is None:  # an argument left out
        return _NONE
    try:
        if isinstance(v, list) and v and set(map(type, v)) == _LIST:
            if len(set(map(len, v))) == 1:  # rectangular, as Excel hands a range over
                return Rows(tuple(zip(*v)), len(v))
            return ("rows", tuple(tuple(map(freeze_cell, r)) for r in v))  # ragged rows (never from Excel)
        if isinstance(v, (list, tuple)):
            key = tuple(freeze_cell(c) for c in v)
            hash(key)
            return ("list", key)
        return ("cell", freeze_cell(v))
    except (TypeError, _Unhashable):
        return None


#: freeze(None): an argument left out (a text, whose hash Python keeps: every other key is a tuple or a Rows)
NONE = _NONE = "(no range)"


def freeze_table(v: Any) -> Hashable:
    """:func:`freeze` of a range that changes seldom (a settings or materials table beside the design): a list of
    rows of floats, texts and blanks equal to one such range frozen before gets that range's key object itself.

    The range is written by :mod:`marshal` (format 2, in C: a type code and the value of every cell, a float's 8
    bytes, a text's UTF-8, without references to objects met before) and the bytes compared with those of the last
    few ranges of that length: equal bytes are the same cells of the same kinds (TRUE, 1 and 1.0 are written
    ``T``, ``i`` and ``g``; a list of rows, a tuple or a flat list differ). That replaces comparing the rows with a
    kept copy, then the kinds of the cells where a bool could pass for a number, and building and hashing the
    range's columns; the memos then find the kept key by identity. The key is the one :func:`freeze` made of the
    equal range (the same cells give the same result); the bytes are a copy, so a caller that changes its lists later
    changes nothing here. Anything else (a range never seen, or equal only in value, e.g. -0.0 for 0.0) is
    :func:`freeze`'s.
    """
    if type(v) is not list or not v:
        return freeze(v)
    try:
        b = marshal.dumps(v, 2)
    except ValueError:  # an object marshal does not write (a subclass, ...): freeze says what it is
        return freeze(v)
    kept = _TABLES.get(len(b), ())
    for kb, key in kept:
        if b == kb:
            return key
    key = freeze(v)
    if type(key) is Rows and key.plain():
        _TABLES[len(b)] = ((b, key),) + kept[:3]  # (a new tuple: readers see one or the other)
        if len(_TABLES) > 64:
            _TABLES.clear()
    return key


#: the last few plain ranges frozen by :func:`freeze_table`, by the length of their marshal bytes: (the bytes,
#: their key)
_TABLES: dict[int, tuple[tuple[bytes, Rows], ...]] = {}


def freeze_cell(c: Any) -> Hashable:
    if isinstance(c, (list, tuple)):
        f = freeze(c)
        if f is None:
            raise _Unhashable
        return f
    hash(c)
    return _tag(c)


def _tag(c: Any) -> Any:
    return ("bool", c) if type(c) is bool else c


_ARRAY = np.ndarray


def readonly(x: Any) -> Any:
    """``x`` with every array in it (a dict's values, too) made read-only, so a cached result cannot be changed; in a
    dict a 0-d array (one design's value) becomes its numpy scalar, which is immutable and cheaper to make so."""
    if isinstance(x, np.ndarray):
        x.flags.writeable = False
    elif isinstance(x, dict):
        if _ARRAY not in set(map(type, x.values())):  # (one design's fields: Python numbers, nothing to do)
            return x
        for k, v in x.items():
            if type(v) is np.ndarray:
                if v.ndim == 0:
                    x[k] = v[()]
                else:
                    v.flags.writeable = False
    return x


def key_of(*args: Any) -> Key | None:
    """The key of a call's arguments (:func:`freeze` of each), or None if one cannot be frozen."""
    out = []
    for a in args:
        f = freeze(a)
        if f is None:
            return None
        out.append(f)
    return Key(tuple(out))


#: every memo of the UDFs, so that :func:`clear` empties them all (tests, benchmarks)
CACHES: dict[str, LRU] = {}


def cache(name: str, maxsize: int) -> LRU:
    """The named LRU of a UDF module (made on first use)."""
    return CACHES.setdefault(name, LRU(maxsize))


#: plain dicts of things made once per distinct input (reading plans), emptied by :func:`clear` with the memos
PLANS: dict[str, dict] = {}


def plans(name: str) -> dict:
    """A named dict of a UDF module's reading plans (made on first use); a plain dict (a plan is made from its key
    alone, so two threads making one at once make the same plan), which its user keeps bounded."""
    return PLANS.setdefault(name, {})


#: plain dicts of memo entries (the design UDFs' one memo of new designs), emptied by :func:`clear` with the others
MEMOS: dict[str, dict] = {}


def memo(name: str) -> dict:
    """A named plain dict of memo entries (made on first use), kept bounded by :func:`bounded_put`: a lookup and a
    put are one C-level dict operation each (no lock, no recency order: a dict's get and set are atomic under the
    GIL, and an entry is a pure function of its key, so two threads that make one at once make equal entries)."""
    return MEMOS.setdefault(name, {})


def bounded_put(d: dict, key: Hashable, value: Any, maxsize: int) -> Any:
    """``d[key] = value`` after emptying ``d`` in bulk if it holds ``maxsize`` entries; returns ``value``.

    A bounded memo without an eviction per put: an LRU's put on a new key moves the order and frees its oldest
    entry (objects a model evaluation has pushed out of the CPU caches) at every call; here the entries are freed
    together, once every ``maxsize`` new keys (the same work, out of the calls in between). What is lost is the
    recency order: a design used again after ``maxsize`` new ones is evaluated again, once."""
    if len(d) >= maxsize:
        d.clear()
    d[key] = value
    return value


def clear() -> None:
    """Empty every UDF memo (and every reading plan)."""
    for c in CACHES.values():
        c.clear()
    for p in PLANS.values():
        p.clear()
    for m in MEMOS.values():
        m.clear()
    _TABLES.clear()
