"""``xlcell params``: list the built-in parameter sets (the data in ``xlcell/data/*.toml``) with their sources."""
from __future__ import annotations

import argparse
import textwrap

from .cli import arguments, command


def _args(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", nargs="?", help="a parameter set (materials, calendering_materials, batpac5_default); "
                                           "without it, the list of sets")
    p.add_argument("record", nargs="?", help="one record of the set (a material, a group such as prices, or "
                                             "'process_step: Dry room'); without it, every record")
    p.add_argument("--references", action="store_true", help="print each record's full reference, not just its source")
    p.epilog = ("The values are shown in the units the sheets use. They live in xlcell/data/<set>.toml: edit a value "
                "there or add a [[material]] table (see the README, 'Parameter sets').")


def _value(v, unit: str) -> str:
    if v is None:
        return "(blank)"
    if isinstance(v, str):
        return v
    return f"{v:.12g}" + ("" if unit in ("-", "text") else f" {unit}")


def lines(name: str | None = None, record: str | None = None, references: bool = False) -> list[str]:
    """The text ``xlcell params`` prints."""
    from xlcell.paramsets import parameter_set, parameter_sets

    if not name:
        out = ["Parameter sets (xlcell/data/<name>.toml):"]
        for n, ps in parameter_sets().items():
            out.append(f"  {n:<22} {len(ps.records):>3} records  {ps.title}")
        out.append("Show one with: xlcell params NAME [RECORD] [--references]")
        return out
    ps = parameter_set(name)
    recs = [ps[record]] if record else list(ps.records)
    out = [f"{ps.name}: {ps.title}", f"source: {ps.source}"]
    for r in recs:
        out += ["", f"[{r.name}]  source: {r.source}"]
        if references:
            out += textwrap.wrap(r.reference, 110, initial_indent="  | ", subsequent_indent="  | ")
        width = max(len(k) for k, *_ in r.fields)
        for key, label, value, unit in r.fields:
            out.append(f"  {key:<{width}} = {_value(value, unit)}    # {label}")
    return out


@command("params", "list the built-in parameter sets (material library, BatPaC 5.0 default case) with units and sources")
@arguments(_args)
def _params(args: argparse.Namespace) -> int:
    print("\n".join(lines(args.name, args.record, args.references)))
    return 0
