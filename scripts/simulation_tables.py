"""Rewrite the generated tables of docs/models/simulation.md: FE against the 1D roll pass on a few cases, and the
FE's mesh-convergence study on the default case (issue 16).

    PYTHONPATH=. python scripts/simulation_tables.py

The tables sit between ``<!-- fe-vs-1d:start -->`` / ``<!-- fe-vs-1d:end -->`` and ``<!-- convergence:start -->`` /
``<!-- convergence:end -->``; tests/test_nip.py checks that the convergence table's default-mesh row is what the code
computes now and that the three meshes converge. Run times are of the machine that ran the script.
"""
from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from xlcell.nip import NipInputs, simulate_nip  # noqa: E402

PAGE = ROOT / "docs" / "models" / "simulation.md"

#: (label, inputs, flow) of the FE-vs-1D table; the first row is the default case
CASES = [
    ("NMC811, 600 N/mm (default)", NipInputs(), "thickness"),
    ("NMC811, 300 N/mm", NipInputs(line_load_N_m=300e3), "thickness"),
    ("NMC811, 900 N/mm", NipInputs(line_load_N_m=900e3), "thickness"),
    ("Graphite, 600 N/mm", NipInputs(material="Graphite"), "thickness"),
    ("NMC811, 600 N/mm, 0.1 m roll, 300 µm coating", NipInputs(roll_diameter_m=0.1, thickness_before_m=300e-6),
     "thickness"),
    ("NMC811, 600 N/mm, principal-direction flow", NipInputs(), "principal"),
]
#: (elements along the 1D contact length, elements through the thickness) of the convergence study
MESHES = [(15, 3), (30, 6), (60, 12)]


def _pct(a: float, b: float) -> str:
    return f"{100 * (a - b) / b:+.2f} %"


def fe_vs_1d() -> str:
    rows = ["| Case | gap (µm) | line load FE / 1D (N/mm) | Δ | exit porosity FE / 1D | Δ | lumped law ε(q) | "
            "spring-back FE / 1D (µm) | contact length FE / 1D (mm) | FE time (s) |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    for label, inputs, flow in CASES:
        s = simulate_nip(inputs, flow=flow).summary()
        rows.append(
            f"| {label} | {s['gap_um']:.2f} | {s['fe_line_load_N_mm']:.1f} / {s['oned_line_load_N_mm']:.1f} | "
            f"{_pct(s['fe_line_load_N_mm'], s['oned_line_load_N_mm'])} | {s['fe_exit_porosity']:.4f} / "
            f"{s['oned_exit_porosity']:.4f} | {_pct(s['fe_exit_porosity'], s['oned_exit_porosity'])} | "
            f"{s['lumped_porosity']:.4f} | {s['fe_springback_um']:.2f} / {s['oned_springback_um']:.2f} | "
            f"{s['fe_contact_length_mm']:.2f} / {s['oned_contact_length_mm']:.2f} | {s['fe_seconds']:.1f} |")
        print(rows[-1], flush=True)
    return "\n".join(rows)


def convergence() -> str:
    rows = ["| elements along the contact | elements through the thickness | elements | DOFs | FE line load (N/mm) | "
            "FE exit porosity | FE contact length (mm) | FE spring-back (µm) | Newton iterations | time (s) |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    for n_nip, n_thk in MESHES:
        s = simulate_nip(dataclasses.replace(NipInputs(), elements_nip=n_nip, elements_thickness=n_thk)).summary()
        rows.append(f"| {n_nip} | {n_thk} | {s['fe_elements']:.0f} | {s['fe_dofs']:.0f} | {s['fe_line_load_N_mm']:.4f} | "
                    f"{s['fe_exit_porosity']:.6f} | {s['fe_contact_length_mm']:.4f} | {s['fe_springback_um']:.4f} | "
                    f"{s['fe_newton_iterations']:.0f} | {s['fe_seconds']:.1f} |")
        print(rows[-1], flush=True)
    return "\n".join(rows)


def replace_block(text: str, name: str, body: str) -> str:
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    head, rest = text.split(start)
    _, tail = rest.split(end)
    return f"{head}{start}\n{body}\n{end}{tail}"


if __name__ == "__main__":
    text = PAGE.read_text(encoding="utf-8")
    text = replace_block(text, "convergence", convergence())
    text = replace_block(text, "fe-vs-1d", fe_vs_1d())
    PAGE.write_text(text, encoding="utf-8")
    print(PAGE)
