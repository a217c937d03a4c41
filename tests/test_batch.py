"""Batch runs (xlcell.batch): seeds per block, numbers independent of the chunking and of where the chunks run
(a Dask LocalCluster), and a sweep's outputs equal to the chain's own route."""
import dataclasses
import time

import numpy as np
import pytest

from xlcell import batch as B
from xlcell.cell import default_design
from xlcell.errors import InputError, UnknownKeyError


def _same(a, b):
    assert a.keys() == b.keys()
    for k in a:
        assert np.array_equal(np.asarray(a[k]), np.asarray(b[k]), equal_nan=True), k


def test_block_seed_is_the_spawned_child():
    # numpy's SeedSequence.spawn gives child i the spawn key (i,): block b's seed is child b however many are spawned
    for seed, b in ((0, 0), (7, 3), (2**40, 11)):
        child = np.random.SeedSequence(seed).spawn(b + 5)[b]
        assert np.array_equal(B.block_seed(seed, b).generate_state(8), child.generate_state(8))


def test_chunk_layout_whole_blocks():
    assert B.chunk_layout(10, 3) == [(0, 10)]
    assert B.chunk_layout(3 * B.BLOCK + 5, B.BLOCK) == [(0, B.BLOCK), (B.BLOCK, 2 * B.BLOCK), (2 * B.BLOCK, 3 * B.BLOCK),
                                                        (3 * B.BLOCK, 3 * B.BLOCK + 5)]
    assert B.chunk_layout(2 * B.BLOCK + 1, B.BLOCK + 1) == [(0, 2 * B.BLOCK), (2 * B.BLOCK, 2 * B.BLOCK + 1)]
    with pytest.raises(InputError, match="n = 0"):
        B.chunk_layout(0)


@pytest.mark.parametrize("sobol", [False, True])
def test_sweep_does_not_depend_on_the_chunking(sobol):
    n = 2 * B.BLOCK + 300
    plan = B.SweepPlan(B.make_bounds(), n, seed=5, sobol=sobol, chunk=B.BLOCK)
    small = B.sweep(plan)
    whole = B.sweep(dataclasses.replace(plan, chunk=10 * n))
    _same(small, whole)
    assert small["pos_thickness_um"].shape == (n,)
    assert np.all((small["pos_porosity"] >= 0.18) & (small["pos_porosity"] <= 0.45))
    # another seed, other designs
    other = B.sweep(dataclasses.replace(plan, seed=6, n=50))
    assert not np.array_equal(other["pos_thickness_um"], small["pos_thickness_um"][:50])


def test_sweep_points_are_the_documented_sequences():
    from scipy.stats import qmc

    b = B.make_bounds({"pos_thickness_um": (50, 150), "sep_thickness_um": (10, 20)})
    u = np.random.default_rng(np.random.SeedSequence(3).spawn(1)[0]).random((B.BLOCK, 2))[:10]
    got = B.sweep(B.SweepPlan(b, 10, seed=3, outputs=("cell_cost_usd",)))
    assert np.array_equal(got["pos_thickness_um"], 50 + u[:, 0] * 100)
    s = qmc.Sobol(2, scramble=True, rng=np.random.default_rng(3)).random(16)
    got = B.sweep(B.SweepPlan(b, 16, seed=3, sobol=True, outputs=("cell_cost_usd",)))
    assert np.array_equal(got["sep_thickness_um"], 10 + s[:, 1] * 10)


def test_sweep_is_the_chains_route():
    # the sweep's LCOS, cycle life and cost are the registry's (xlcell.lcos.cell_lcos_in_context: the route of
    # XLCELL_CELL_LCOS, the optimiser and the reports), price columns included
    from xlcell import registry
    from xlcell.bom import MaterialPrices
    from xlcell.lcos import cell_lcos_in_context, model_context
    from xlcell.units import to_display

    b = B.make_bounds({"pos_thickness_um": (60, 200), "pos_porosity": (0.2, 0.4), "pos_am_usd_kg": (13, 39)})
    t = B.sweep(B.SweepPlan(b, 40, seed=1))
    ctx = model_context()
    ctx["cost"] = {"prices": MaterialPrices(pos_am_usd_kg=t["pos_am_usd_kg"])}
    d = registry.apply_values(default_design(), {k: t[k] for k in ("pos_thickness_um", "pos_porosity")})
    ref = cell_lcos_in_context(d, ctx)
    assert np.allclose(t["lcos_cell_usd_per_kWh"], to_display(ref.lcos_usd_J, "$/kWh"), rtol=1e-12, atol=0)
    assert np.allclose(t["cycle_life"], ref.cycles, rtol=1e-12, atol=0)
    # a higher cathode price costs more, all else equal
    lo = B.evaluate_inputs(b, np.array([[120, 0.3, 13.0]]), ["cell_cost_usd_per_kWh"])
    hi = B.evaluate_inputs(b, np.array([[120, 0.3, 39.0]]), ["cell_cost_usd_per_kWh"])
    assert hi["cell_cost_usd_per_kWh"][0] > lo["cell_cost_usd_per_kWh"][0]


def test_bounds_are_checked_like_the_optimisers():
    with pytest.raises(UnknownKeyError, match="pos_thicknes_um"):
        B.make_bounds({"pos_thicknes_um": (40, 250)})
    with pytest.raises(InputError, match="lower < upper"):
        B.make_bounds({"pos_porosity": (0.4, 0.2)})
    with pytest.raises(InputError, match="pos_porosity bound"):
        B.make_bounds({"pos_porosity": (0.2, 1.4)})
    with pytest.raises(InputError, match="pos_am_usd_kg bound"):
        B.make_bounds({"pos_am_usd_kg": (-1, 10)})
    with pytest.raises(InputError, match="two numbers"):
        B.make_bounds({"np_ratio": 1.1})
    b = B.make_bounds({"POS_AM_USD_KG": (10, 20), "np_ratio": (1.05, 1.2)})
    assert b.keys == ("np_ratio", "pos_am_usd_kg") and b.n_design == 1


def test_monte_carlo_does_not_depend_on_the_chunking():
    from xlcell.uncertainty import concat_draws, draw, monte_carlo

    d = default_design()
    n = B.BLOCK + 700
    plan = B.MonteCarloPlan(d, n, seed=9, outputs=("cell_cost_usd_per_kWh", "specific_energy_Wh_kg"), chunk=B.BLOCK)
    (small, det), (whole, det2) = B.monte_carlo(plan), B.monte_carlo(dataclasses.replace(plan, chunk=n))
    _same(small, whole)
    assert det == det2
    # = one call of the Monte Carlo on the run's draws (block b from SeedSequence(seed).spawn(...)[b])
    kids = np.random.SeedSequence(9).spawn(2)
    dr = draw(B.BLOCK, kids[0]), draw(B.BLOCK, kids[1])
    tail = type(dr[1])(**{f.name: getattr(dr[1], f.name)[:700] for f in dataclasses.fields(dr[1])})
    ref = monte_carlo(d, n, 9, outputs=plan.outputs, draws=concat_draws([dr[0], tail]))
    for k in plan.outputs:
        assert np.array_equal(small[k], ref.samples[k])
        assert det[k] == ref.deterministic[k]
    s = B.summary(small, ["cell_cost_usd_per_kWh"])["cell_cost_usd_per_kWh"]
    assert s["p5"] < s["p50"] < s["p95"] and s["finite"] == 1.0
    # a spec window's yield is the whole run's: refused in chunks
    from xlcell.uncertainty import UncertaintySpec

    with pytest.raises(InputError, match="spec window"):
        B.monte_carlo(dataclasses.replace(plan, spec=UncertaintySpec(min_capacity_share=0.95)))


def test_monte_carlo_draws_are_checked():
    from xlcell.errors import ShapeError
    from xlcell.uncertainty import draw, monte_carlo

    with pytest.raises(ShapeError, match="draws.macro"):
        monte_carlo(default_design(), 10, 0, draws=draw(9, 0))


def test_dask_local_cluster_gives_the_in_process_numbers():
    distributed = pytest.importorskip("distributed")  # in the test extra (xlcell[dask]); CI has it
    n = 2 * B.BLOCK + 100
    sweep = B.SweepPlan(B.make_bounds({**B.DESIGN_BOUNDS, "pos_am_usd_kg": (13, 39)}), n, seed=4, chunk=B.BLOCK)
    mc = B.MonteCarloPlan(default_design(), n, seed=4, chunk=B.BLOCK)
    here_sweep, here_mc = B.sweep(sweep), B.monte_carlo(mc)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        ex = client.get_executor()
        done = []
        _same(B.sweep(sweep, ex, done.append), here_sweep)
        assert sorted(done) == [100, B.BLOCK, B.BLOCK]  # one progress call per chunk, however they finish
        there_mc = B.monte_carlo(mc, ex)
    _same(there_mc[0], here_mc[0])
    assert there_mc[1] == here_mc[1]


def test_threads_give_the_single_threaded_numbers_bit_for_bit():
    # issue 15: the chunks run on a pool of threads; a chunk's numbers do not depend on the thread or its neighbours,
    # so 1, 2 and 4 threads give the same arrays (a sweep through the full chain with prices, and a Monte Carlo)
    n = 5 * B.BLOCK + 123
    sweep = B.SweepPlan(B.make_bounds({**B.DESIGN_BOUNDS, "pos_am_usd_kg": (13, 39)}), n, seed=8, chunk=B.BLOCK,
                        outputs=("cell_cost_usd_per_kWh", "cycle_life", "lcos_cell_usd_per_kWh", "feasible"))
    mc = B.MonteCarloPlan(default_design(), n, seed=8, chunk=B.BLOCK,
                          outputs=("cell_cost_usd_per_kWh", "specific_energy_Wh_kg"))
    one_sweep, one_mc = B.sweep(sweep, threads=1), B.monte_carlo(mc, threads=1)
    assert np.isfinite(one_sweep["cycle_life"]).any() and np.ptp(one_mc[0]["cell_cost_usd_per_kWh"]) > 0
    for threads in (2, 4):
        done = []
        _same(B.sweep(sweep, progress=done.append, threads=threads), one_sweep)
        assert done == [B.BLOCK] * 5 + [123]  # collected in order
        many_mc = B.monte_carlo(mc, threads=threads)
        _same(many_mc[0], one_mc[0])
        assert many_mc[1] == one_mc[1]
    # Sobol points too (their warning filter is swapped under a lock)
    sob = dataclasses.replace(sweep, sobol=True, n=3 * B.BLOCK, outputs=("cell_cost_usd_per_kWh",))
    _same(B.sweep(sob, threads=3), B.sweep(sob, threads=1))


def test_threads_default_to_the_cores_available_or_the_environment(monkeypatch):
    import os

    monkeypatch.delenv(B.THREADS_ENV, raising=False)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert B.default_threads() == cores
    monkeypatch.setenv(B.THREADS_ENV, "3")
    assert B.default_threads() == 3
    for bad in ("0", "two", "-1"):
        monkeypatch.setenv(B.THREADS_ENV, bad)
        with pytest.raises(InputError, match=B.THREADS_ENV):
            B.default_threads()
    with pytest.raises(InputError, match="threads"):
        B.map_chunks(abs, [(1,), (2,)], threads=0)
    # results in task order whatever finishes first
    monkeypatch.setenv(B.THREADS_ENV, "4")
    assert B.map_chunks(abs, [(-k,) for k in range(9)]) == list(range(9))


def test_a_failing_chunk_on_threads_raises_and_drops_the_chunks_not_started():
    started = []

    def chunk(k):
        started.append(k)
        if k == 1:
            raise InputError("k", k, "not 1")
        time.sleep(0.01)  # the others take a while: 200 of them would take a second on 2 threads
        return k

    with pytest.raises(InputError, match="k = 1"):
        B.map_chunks(chunk, [(k,) for k in range(200)], threads=2)
    assert len(started) < 200  # the queue was dropped, not run to its end
