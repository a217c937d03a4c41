"""The ``xlcell`` steps of a new design, alone: ``design_from_mapping`` and ``resolve`` on 3,000 new designs of the
template's Design sheet (``pos_thickness_um`` moved by 0.001 µm each), CPU time, in a tight loop (best of 5 rounds,
per call) and one call each right after a model evaluation (``evaluate_cell``, the energy only: the caches as a
design UDF's first call finds them; medians). Measures the ``xlcell`` on the path, so a baseline is timed by putting
its ``git archive`` first on ``PYTHONPATH`` (issue 15, item 1; the figures in ``docs/benchmarks.md``)::

    PYTHONPATH=. python bench/design_steps.py
    mkdir /tmp/base && git archive 0842d07 xlcell udfs | tar -x -C /tmp/base
    PYTHONPATH=/tmp/base python bench/design_steps.py
"""
from __future__ import annotations

import gc
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(1, str(Path(__file__).resolve().parent))


def main() -> None:
    import xlcell
    from bench_udf import design_range
    from xlcell.cell import evaluate_cell, resolve
    from xlcell.design import design_from_mapping, design_keys

    keys = {k.key for k in design_keys()}
    m = {r[0]: r[1] for r in design_range() if isinstance(r[0], str) and r[0] in keys and r[1] is not None}
    clock = time.process_time
    ms = [dict(m, pos_thickness_um=m["pos_thickness_um"] + 0.001 * i) for i in range(3000)]
    gc.freeze()

    def tight(f, args) -> float:
        best = []
        for _ in range(5):
            t = clock()
            for a in args:
                f(a)
            best.append((clock() - t) / len(args))
        return min(best) * 1e6

    print(xlcell.__file__)
    print(f"tight loop: design_from_mapping {tight(design_from_mapping, ms):.1f} µs")
    ds = [design_from_mapping(x) for x in ms]
    print(f"tight loop: resolve {tight(resolve, ds[:600]):.1f} µs")  # (resolve marks its result, not its argument)
    a, b = [], []
    for x, d in zip(ms[:300], ds[600:900]):
        evaluate_cell(resolve(d), metrics=["energy_J"])
        t = clock()
        new = design_from_mapping(x)
        t1 = clock()
        resolve(new)
        t2 = clock()
        a.append(t1 - t)
        b.append(t2 - t1)
    print(f"after a model evaluation: design_from_mapping {statistics.median(a) * 1e6:.1f} µs, "
          f"resolve {statistics.median(b) * 1e6:.1f} µs (medians)")


if __name__ == "__main__":
    main()
