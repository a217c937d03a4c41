"""The nip simulation as the Simulation sheet, the ribbon job *FE twin* and the report show it (issue 16).

:func:`simulation_view` runs :func:`xlcell.nip.simulate_nip` and turns the run into what the sheet lays out
(:class:`workbooks.sheets.simulation.SimulationView`): the FE values beside the 1D roll pass, the FE run, the inputs it
ran at, a status line and the field picture. The template's view (:func:`template_view`) is that of the sheet's
default inputs, without the run time or a date, so that the template stays byte-reproducible.
"""
from __future__ import annotations

import datetime as _dt
import functools
import importlib.util
from typing import Any, Callable

import numpy as np

from workbooks.sheets import simulation as sheet
from xlcell import units
from xlcell.calendering import CalenderingMaterial
from xlcell.nip import SUMMARY_KEYS, NipInputs, NipSimulation, roll_pass_profile, simulate_nip
from xlcell.params import specs, to_display


def _sig(v: Any, digits: int = 6) -> float:
    """``v`` to ``digits`` significant digits (what the sheet shows; keeps written values reproducible)."""
    return float(f"{float(v):.{digits}g}")


def can_simulate() -> bool:
    """scikit-fem and matplotlib are installed (``pip install "xlcell[simulate]"``)."""
    return all(importlib.util.find_spec(m) is not None for m in ("skfem", "matplotlib"))


def inputs_shown(inputs: NipInputs) -> list[tuple[str, Any]]:
    """``(sim_key, display value)`` of the inputs, in the sheet's order."""
    shown = to_display(inputs)
    return [(sheet.PREFIX + s.key, shown[s.key] if s.unit == "text" else _sig(shown[s.key], 12))
            for s in specs(NipInputs)]


def caption(sim: NipSimulation) -> str:
    """The picture's title: the run's inputs in words."""
    i, s = sim.inputs, sim.summary()
    q, t = float(units.to_display(i.line_load_N_m, "N/mm")), float(units.to_display(i.thickness_before_m, "µm"))
    return (f"{sim.material.name} at {q:g} N/mm: roll diameter {i.roll_diameter_m:g} m, coating "
            f"{t:g} µm at ε0 = {sim.eps0:.3f}\ngap {s['gap_um']:.1f} µm (the 1D roll pass's "
            f"for the line load); FE mesh {i.elements_nip} elements along the contact x {i.elements_thickness} "
            "through the coating")


def field_picture(sim: NipSimulation) -> bytes | None:
    """The FE fields as a PNG (None without matplotlib or an FE run)."""
    if sim.fe is None or importlib.util.find_spec("matplotlib") is None:
        return None
    o = sim.oned
    x = np.linspace(-1.2 * float(o.entry_length_m), 1.3 * float(o.contact_length_m - o.entry_length_m), 400)
    p = roll_pass_profile(float(o.gap_m), 0.5 * sim.inputs.roll_diameter_m, sim.inputs.thickness_before_m, sim.eps0,
                          sim.material.eps_min, sim.pressure_scale_Pa, sim.oedometric_modulus_Pa, x)
    return sheet.field_picture(sim.fe, units.to_display(x, "mm"), units.to_display(p, "MPa"), caption(sim))


def view_of(sim: NipSimulation, status: str, *, with_time: bool = True) -> sheet.SimulationView:
    """What the Simulation sheet shows of the run ``sim``.

    Parameters
    ----------
    sim : NipSimulation
        A run with its FE part.
    status : str
        The status line.
    with_time : bool
        Show the run time (False in the template, which must be reproducible).
    """
    s = sim.summary()
    run = {k: (_sig(s[k]) if k in s else None) for k, _, _ in sheet.RUN_ROWS}
    if not with_time:
        run["fe_seconds"] = None
    return sheet.SimulationView(fe={k: _sig(s[f"fe_{k}"]) for k in SUMMARY_KEYS}, run=run,
                                inputs=inputs_shown(sim.inputs), status=status, picture=field_picture(sim))


def simulation_view(inputs: NipInputs, material: CalenderingMaterial | None = None, *,
                    progress: Callable[[int, int], None] | None = None) -> tuple[NipSimulation, sheet.SimulationView]:
    """Run the FE and the 1D roll pass at ``inputs`` and the sheet's view of it, with the run time and the date."""
    sim = simulate_nip(inputs, material, progress=progress)
    s = sim.summary()
    when = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    status = (f"FE run {when}: {sim.material.name} at {s['line_load_N_mm']:g} N/mm, {s['fe_elements']:.0f} elements, "
              f"{s['fe_steps']:.0f} roll positions, {s['fe_seconds']:.1f} s; line load FE {s['fe_line_load_N_mm']:.1f} "
              f"/ 1D {s['oned_line_load_N_mm']:.1f} N/mm, exit porosity FE {s['fe_exit_porosity']:.4f} / 1D "
              f"{s['oned_exit_porosity']:.4f}")
    return sim, view_of(sim, status)


@functools.lru_cache(maxsize=1)
def dem_view() -> tuple:
    """The Simulation sheet's DEM calibration (:func:`xlcell.dem.calibration`, as ``xlcell simulate dem`` prints it) and
    the fitted compaction law at the DEM's pressures (:func:`xlcell.calendering.porosity_after`), for the sheet to
    show as values."""
    import numpy as np

    from xlcell.calendering import porosity_after
    from xlcell.dem import calibration

    cal = calibration()
    return cal, porosity_after(np.asarray(cal.pressure_Pa), cal.eps0, cal.eps_min, cal.pressure_scale_Pa)


def template_view() -> sheet.SimulationView | None:
    """The template's view: the FE at the sheet's default inputs (None without scikit-fem and matplotlib)."""
    if not can_simulate():
        return None
    sim = simulate_nip(NipInputs())
    return view_of(sim, "FE results of the template's default inputs, computed when the template was written "
                        "(xlcell template); click FE twin to run the FE for your inputs", with_time=False)


@functools.lru_cache(maxsize=8)
def _cached(inputs: NipInputs, material: CalenderingMaterial) -> NipSimulation:
    return simulate_nip(inputs, material)


def report_simulation(design: Any, material: CalenderingMaterial | None,
                      solids_fraction: float = 0.4) -> tuple[NipSimulation | None, str, bytes | None]:
    """The report's nip simulation: the FE and the 1D roll pass of the nip that calenders the design's positive
    coating to its thickness and porosity (:func:`xlcell.nip.nip_for_design`), its field picture, or why there is
    none (no calendering parameters, no scikit-fem, a porosity no line load reaches or one that cracks the particles).

    Runs with the same inputs are computed once per process (a report is often written more than once).

    Returns ``(simulation or None, note, picture or None)``.
    """
    from xlcell.errors import XlcellError
    from xlcell.nip import nip_for_design

    if material is None:
        return None, "no calendering parameters for the positive material: no nip simulation", None
    if not can_simulate():
        return None, "scikit-fem and matplotlib are not installed (pip install \"xlcell[simulate]\"): no nip simulation", None
    pos = design.pos
    try:
        inputs = nip_for_design(float(np.asarray(pos.thickness_m).reshape(-1)[0]),
                                float(np.asarray(pos.porosity).reshape(-1)[0]), material, solids_fraction=solids_fraction)
        sim = _cached(inputs, material)
    except XlcellError as exc:
        return None, f"no nip simulation: {exc}", None
    return sim, "", field_picture(sim)


__all__ = ["can_simulate", "caption", "field_picture", "inputs_shown", "report_simulation", "simulation_view", "template_view", "view_of"]
