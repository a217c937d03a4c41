"""``xlcell cost``: the manufacturing cost of one design, optionally with a workbook's Factory and BOM inputs."""
from __future__ import annotations

import argparse


from .cli import arguments, command, design_from_workbook, named_rows, open_user_book, parse_sets


def _args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="a design input (repeatable), e.g. pos_thickness_um=100")
    p.add_argument("--factory", action="append", metavar="KEY=VALUE", help="a plant or economics input, e.g. plant_energy_GWh_yr=20")
    p.add_argument("--bom", action="append", metavar="KEY=VALUE", help="a price, yield or cell-format input, e.g. pos_am_usd_kg=20")
    p.add_argument("--from-workbook", metavar="BOOK", help="take the design, Factory, BOM and step table from a workbook")
    p.add_argument("--tornado", type=int, default=0, metavar="N", help="also print the N largest ±10 %% sensitivities (yields: of their loss; potentials: ±50 mV)")


@command("cost", "print the manufacturing cost of a design (BatPaC 5.0's default cell and 50 GWh/yr plant by default; "
                 "--bom asi_electrochemical_ohm_cm2=15.532091 rates its energy as BatPaC 5.0 does)")
@arguments(_args)
def _cost(args: argparse.Namespace) -> int:
    import numpy as np

    from udfs.cell import calendering_context
    from udfs.cost import cost_settings
    from xlcell.cost import cost_sensitivity, evaluate_cost
    from xlcell.design import design_from_mapping
    from xlcell.params import to_display, whole_number

    whole_number(args.tornado, "--tornado", 0)  # (a negative N printed no table and no word, exit code 0)
    values, materials, ranges = {}, {}, {}
    if args.from_workbook:
        wb = open_user_book(args.from_workbook)
        values, materials = design_from_workbook(args.from_workbook, wb)
        ranges = {k: named_rows(wb, f"tbl_{k}", args.from_workbook, optional=True) for k in ("factory", "bom", "steps")}
    values.update(parse_sets(args.set))
    factory = (ranges.get("factory") or []) + [[k, v] for k, v in parse_sets(args.factory, "--factory").items()]
    bom = (ranges.get("bom") or []) + [[k, v] for k, v in parse_sets(args.bom, "--bom").items()]
    kw = cost_settings(_last_wins(factory), _last_wins(bom), ranges.get("steps"))
    kw["calendering"] = calendering_context(values)  # the design's materials, as for XLCELL_COST (one chain)
    design = design_from_mapping(values, materials)
    for key, v in evaluate_cost(design, **kw).as_display().items():
        v = np.asarray(v).item()
        print(f"{key:32s} {v:.8g}" if isinstance(v, float) else f"{key:32s} {v}")
    if args.tornado > 0:
        t = cost_sensitivity(design, 0.1, kw.pop("factory"), kw.pop("prices"), **kw)
        shown = to_display(t)
        step, volts = f"±{float(shown['fraction_pct']):g} %", f"±{float(shown['voltage_step_mV']):g} mV"
        print(f"\n{step} sensitivity of {t.unit} (base {t.base:.4f}; yields {step} of their loss, potentials {volts})")
        for i in range(min(args.tornado, len(t.keys))):
            print(f"{t.keys[i]:48s} {t.low[i] - t.base:+9.4f} {t.high[i] - t.base:+9.4f}")
    return 0


def _last_wins(rows: list[list]) -> list[list] | None:
    """(key, value) rows with a later key replacing an earlier one (command-line values over the workbook's)."""
    out: dict[str, list] = {}
    for r in rows:
        if r and r[0] is not None and str(r[0]).strip():
            out[str(r[0]).strip().lower()] = [r[0], r[1] if len(r) > 1 else None]
    return list(out.values()) or None
