"""A pool of threads for :func:`xlcell.batch.map_chunks` (its own module: Pyodide, where a batch runs on one thread,
has no ``concurrent.futures``, and never imports this one)."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor


def thread_pool(threads: int) -> ThreadPoolExecutor:
    """A pool of ``threads`` threads named ``xlcell-chunk-*``.

    Parameters
    ----------
    threads : int
        The number of threads (>= 1).
    """
    return ThreadPoolExecutor(max_workers=threads, thread_name_prefix="xlcell-chunk")
