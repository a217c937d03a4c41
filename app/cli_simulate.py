"""``xlcell simulate WHAT``: the simulations of the calender (issue 16), one sub-command each.

``simulate`` is a group: each simulation registers itself in :data:`SIMULATIONS` with :func:`simulation`
(name -> (help, add_arguments, run)), as ``nip`` does here; the DEM calibration (``simulate dem``) is meant to be
added beside it the same way.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, Callable


from .cli import arguments, command, parse_sets

#: simulation name -> (help, add_arguments, run(args) -> exit code)
SIMULATIONS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]] = {}


def simulation(name: str, help: str, add: Callable[[argparse.ArgumentParser], None]):
    """Register ``run(args) -> exit code`` as ``xlcell simulate NAME`` with its arguments ``add(parser)``."""

    def deco(fn):
        SIMULATIONS[name] = (help, add, fn)
        return fn

    return deco


def _group_args(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="simulation", required=True, metavar="WHAT")
    for name, (help_, add, _) in SIMULATIONS.items():
        add(sub.add_parser(name, help=help_, description=help_))


@command("simulate", "simulate the calender: nip (the FE model of the coating in the nip beside its 1D roll pass), dem "
         "(the stored DEM calibration of the compaction law)")
@arguments(_group_args)
def _simulate(args: argparse.Namespace) -> int:
    return SIMULATIONS[args.simulation][2](args)


# ------------------------------------------------------------------------------------------ nip
def read_inputs_file(path: str | Path) -> dict[str, Any]:
    """The nip inputs of a JSON or TOML file: ``{key: value}`` in display units, and optionally a ``material`` table
    with every calendering parameter of a material of one's own (its ``name`` is then the material used)."""
    from xlcell.errors import InputError

    p = Path(path)
    text = p.read_text(encoding="utf-8")  # a missing file: one sentence from app.failure
    try:
        if p.suffix.lower() == ".toml":
            import tomllib

            data = tomllib.loads(text)
        else:
            data = json.loads(text)
    except (ValueError, TypeError) as exc:
        raise InputError("--inputs", str(p), f"a JSON or TOML file of nip inputs ({str(exc).splitlines()[0]})") from None
    if not isinstance(data, dict):
        raise InputError("--inputs", str(p), "a JSON object or TOML table of nip inputs")
    return data


def nip_case(args: argparse.Namespace) -> tuple[Any, Any]:
    """The :class:`xlcell.nip.NipInputs` and material of the command line: the inputs file, then ``--set`` and
    ``--line-load`` over it."""
    from xlcell.nip import material_from_values, nip_inputs

    values = read_inputs_file(args.inputs) if args.inputs else {}
    own = values.pop("material", None) if isinstance(values.get("material"), dict) else None
    materials = {}
    if own is not None:
        mat = material_from_values(own, "material")
        materials[mat.name.upper()] = mat
        values.setdefault("material", mat.name)
    values.update(parse_sets(args.set))
    if args.line_load is not None:
        values["line_load_N_mm"] = args.line_load
    return nip_inputs(values, materials)


def _nip_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--line-load", type=float, metavar="N_PER_MM", help="line load in N/mm (default 600)")
    p.add_argument("--set", action="append", metavar="KEY=VALUE",
                   help="an input (repeatable): material, line_load_N_mm, roll_diameter_m, thickness_before_um, "
                        "solids_fraction, poisson, fe_elements_thickness, fe_elements_nip")
    p.add_argument("--inputs", metavar="FILE", help="a JSON or TOML file of those inputs, optionally with a material "
                   "table of one's own (name and every calendering parameter)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument("--fields", action="store_true", help="with --json or --out: include the FE fields (porosity and "
                   "stress at the element centres, contact pressure at the top nodes)")
    p.add_argument("--no-fe", action="store_true", help="the 1D roll pass only (no scikit-fem needed)")
    p.add_argument("--flow", choices=["thickness", "principal"], default="thickness",
                   help="the FE law's plastic flow direction (default: through the thickness)")
    p.add_argument("--out", metavar="PATH", help="write the JSON result to PATH (whole or not at all) instead of "
                   "printing it")
    p.epilog = ("Prints fe_line_load_N_mm, oned_line_load_N_mm, fe_exit_porosity, oned_exit_porosity, spring-back and "
                "contact length of both models, the gap and the lumped law's porosity. The 1D roll pass finds the gap "
                "that carries the line load; the FE model runs at that gap. A line load beyond the material's "
                "fracture limit, a mesh too coarse or a missing material parameter is refused in one sentence.")


def nip_result(sim: Any, fields: bool = False) -> dict[str, Any]:
    """The JSON-ready result of a :class:`xlcell.nip.NipSimulation` (display units), with the FE fields if asked."""
    import numpy as np

    from xlcell.params import to_display

    out = dict(sim.summary())
    if fields and sim.fe is not None:
        shown = to_display(sim.fe)
        out["fields"] = {k: np.asarray(v).tolist() for k, v in shown.items() if np.ndim(v) > 0}
    return out


def _table(out: dict[str, Any]) -> str:
    from xlcell.nip import SUMMARY_KEYS, FeNip
    from xlcell.params import spec_by_key

    spec = spec_by_key(FeNip)
    lines = [f"{'':36s} {'FE':>12s} {'1D':>12s}  unit"]
    for k in SUMMARY_KEYS:
        fe = out.get(f"fe_{k}")
        lines.append(f"{spec[k].label:36s} {('%12.5g' % fe) if fe is not None else '%12s' % '-'} "
                     f"{out[f'oned_{k}']:12.5g}  {spec[k].unit}")
    rest = [k for k in out if not k.startswith(("fe_", "oned_")) and k != "fields"]
    lines += [""] + [f"{k:36s} {out[k]}" if isinstance(out[k], str) else f"{k:36s} {out[k]:.6g}" for k in rest]
    if "fe_elements" in out:
        lines.append(f"FE mesh: {out['fe_elements']:.0f} elements, {out['fe_dofs']:.0f} DOFs, {out['fe_steps']:.0f} roll "
                     f"positions, {out['fe_newton_iterations']:.0f} Newton iterations, {out['fe_seconds']:.2f} s")
    return "\n".join(lines)


def _nip(args: argparse.Namespace) -> int:
    from workbooks.files import write_atomic
    from xlcell.nip import simulate_nip

    inputs, material = nip_case(args)
    sim = simulate_nip(inputs, material, fe=not args.no_fe, flow=args.flow)
    out = nip_result(sim, args.fields)
    if args.out:
        path = write_atomic(args.out, (json.dumps(out, indent=1) + "\n").encode("utf-8"))
        print(path)
    elif args.json:
        print(json.dumps(out, indent=1))
    else:
        print(_table(out))
    return 0


simulation("nip", "the calender nip: FE model of the coating (scikit-fem) and the 1D roll pass at one line load",
           _nip_args)(_nip)
