"""Reference numbers for xlcell's rate and power model from PyBaMM's DFN (run by hand; CI reads the JSON, not PyBaMM).

Issue 13's validation suite: published parameter sets, each mapped onto xlcell's flat design keys, run through
PyBaMM's Doyle-Fuller-Newman model (``pybamm.lithium_ion.DFN()``, default options: isothermal at the set's ambient
temperature, Butler-Volmer kinetics, Fickian particles) for

* the capacity at C/20 from full charge to the set's lower cut-off voltage;
* the retention Q(C)/Q(C/20) at C/5 ... 5C (and the C-rate at 80 % retention, by bisection in log C);
* a positive-thickness sweep at 1C and 2C (the negative scaled by the same factor, so the N/P ratio and both
  cycled stoichiometry windows stay the set's own), with the thickness at which the retention falls to 80 %;
* the 10 s pulse power at BatPaC's definition (the constant discharge current from rest at 50 % SOC whose voltage
  after 10 s is 0.8 x the open-circuit voltage), and the 10 s pulse resistances at 2C and at C/10.

The sets are PyBaMM's ``Chen2020`` (LG M50, electrolyte-limited when thick), ``Marquis2019`` (Kokam LCO pouch,
solid diffusion in the graphite at 3C), ``Ecker2015`` (Kokam NCO pouch, thin high-power electrodes), ``NCA_Kim2011`` and
an LFP|graphite 18650 parameterised by About:Energy (December 2022) and published as the Faraday Institution's
BPX example ``examples/lfp_18650_cell_BPX.json`` (https://github.com/FaradayInstitution/BPX, read with
``pybamm.ParameterValues.create_from_bpx``). PyBaMM's only LFP set, ``Prada2013``, and ``Mohtat2020`` are not in the reference:
issue 13 keeps them for an independent check (:data:`HELD_OUT`), run into their own file once the model was final.

Definitions (written into the JSON under ``"definitions"``):

* SOC is PyBaMM's: linear in each electrode's stoichiometry between the windows that
  ``pybamm.lithium_ion.get_min_max_stoichiometries`` solves from the set's cyclable lithium and its voltage
  limits; "full charge" is rest at SOC = 1 (the upper cut-off voltage at equilibrium).
* The C-rate basis is the cell's own C/20 capacity Q20 (the set's nominal capacity is only used for a first C/20
  run that sets Q20); 1C = Q20 per hour. Each thickness-sweep cell has its own Q20.
* Per-area quantities are per m^2 of positive electrode (one side, facing a negative): PyBaMM's electrode
  height x width x number of electrodes connected in parallel.

Usage (in a separate environment, so that xlcell does not depend on PyBaMM; about 30 min on a shared core)::

    python3 -m venv /tmp/pyb && /tmp/pyb/bin/pip install "pybamm>=24" bpx
    # the LFP set: the BPX example file, from https://github.com/FaradayInstitution/BPX (examples/)
    /tmp/pyb/bin/python scripts/pybamm_dfn_reference.py tests/data/pybamm_dfn_reference.json \\
        --bpx-lfp path/to/lfp_18650_cell_BPX.json [--sets Chen2020,Marquis2019]
    /tmp/pyb/bin/python scripts/pybamm_dfn_reference.py tests/data/pybamm_dfn_reference.json --sets ORegan2022
    # the independent check, into its own file
    /tmp/pyb/bin/python scripts/pybamm_dfn_reference.py tests/data/pybamm_dfn_heldout.json --sets Mohtat2020,Prada2013
    # the constant-electrolyte ablation of stored sets
    /tmp/pyb/bin/python scripts/pybamm_dfn_reference.py tests/data/pybamm_dfn_reference.json \\
        --bpx-lfp path/to/lfp_18650_cell_BPX.json --constant-electrolyte \\
        Chen2020,Ecker2015,Marquis2019,NCA_Kim2011,LFP_AboutEnergy2022,ORegan2022

``--sets`` regenerates only those sets and keeps the others of an existing output file.

``--diffusivity-only SETS`` does the same on a DFN whose salt diffusivity alone depends on the concentration as the
set publishes it (:func:`diffusivity_only`), under ``sets.*.diffusivity_only``: what the concentration-dependent
diffusivity alone is worth.

``--electrolyte-properties SETS`` writes, without a DFN run, each set's salt diffusivity D(c), conductivity and
thermodynamic factor as PyBaMM evaluates them (:func:`electrolyte_properties`) into its own file::

    /tmp/pyb/bin/python scripts/pybamm_dfn_reference.py tests/data/pybamm_electrolyte_properties.json \\
        --bpx-lfp path/to/lfp_18650_cell_BPX.json --electrolyte-properties \\
        Chen2020,Ecker2015,Marquis2019,NCA_Kim2011,LFP_AboutEnergy2022,ORegan2022,Mohtat2020,Prada2013

``--pulse SETS`` reruns only the 10 s pulse of those sets of an existing output file on the pulse's particle mesh
(:data:`PULSE_R_PTS` radial points clustered at the surface; the pulse stored before is kept under
``sets.*.pulse_uniform_mesh``)::

    /tmp/pyb/bin/python scripts/pybamm_dfn_reference.py tests/data/pybamm_dfn_reference.json \\
        --bpx-lfp path/to/lfp_18650_cell_BPX.json \\
        --pulse Chen2020,Ecker2015,LFP_AboutEnergy2022,Marquis2019,NCA_Kim2011,ORegan2022
    /tmp/pyb/bin/python scripts/pybamm_dfn_reference.py tests/data/pybamm_dfn_heldout.json --pulse Mohtat2020,Prada2013

``--constant-electrolyte SETS`` adds, for those sets of an existing output file, the same discharges on a DFN whose
electrolyte is what xlcell's design keys can describe (:func:`constant_electrolyte`: diffusivity, conductivity and
thermodynamic factor fixed at their values at the initial salt concentration, one Bruggeman exponent): the retention at
each C-rate and the thickness cliffs, under ``sets.*.constant_electrolyte``. It separates what the closed form's
structure gets wrong from what its constant properties cannot carry.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import tempfile
import time
from typing import Any, Callable

import numpy as np
import pybamm

pybamm.set_logging_level("ERROR")
F = 96485.33212  # C/mol (CODATA 2018, as pybamm.constants.F)
SOC_PULSE = 0.5
MAX_POROSITY = 0.9999  #: the largest porosity written as a design key (xlcell's keys allow 0 < porosity < 1)
PULSE_S = 10.0
PULSE_FRACTION = 0.8  #: BatPaC 5.0's power rating: the voltage after 10 s is 0.8 x OCV
C_RATES = (0.2, 0.5, 1.0, 2.0, 3.0, 5.0)
EXTRA_C_RATES = (10.0, 20.0)  #: tried only when the retention at 5C is still above 80 %
THICKNESS_SCALES = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0)
SWEEP_C_RATES = (1.0, 2.0)
VAR_PTS = {"x_n": 30, "x_s": 20, "x_p": 30, "r_n": 30, "r_p": 30}
#: sets that need a finer particle mesh: O'Regan et al.'s diffusivities vary by orders of magnitude with the
#: stoichiometry, and 30 radial points put the 80 %-retention discharge 8 points low (0.799 against 0.881 with 60 and
#: 0.883 with 120 radial points at 1.515C; 60 points along x with 30 radial gave 0.799 again, so x is converged). 60
#: uniform radial points, first stored, were not converged either past 2C: the discharge at 3C gave 0.596 on 60 and 0.687
#: on 120 (PyBaMM's SPM: 0.633 on 60, 0.739 on 120, 0.740 on 240): the graphite's D(sto) has dips 0.03 wide in sto
#: (O'Regan et al.'s Gaussian terms) that the moving surface must cross. 120 radial points clustered at the surface
#: (SET_STRETCH) give the SPM's 240-point numbers within 0.1 point at 1-3C and 0.7 at 5C
SET_VAR_PTS = {"ORegan2022": {**VAR_PTS, "r_n": 120, "r_p": 120}}
#: radial points clustered at the particles' surfaces (pybamm.Exponential1DSubMesh, side "right") for these sets
SET_STRETCH = {"ORegan2022": 2.0}
#: the mesh check's finer mesh: everything doubled, or for these sets the particle mesh only (x converged, above)
SET_FINE_VAR_PTS = {"ORegan2022": {**VAR_PTS, "r_n": 240, "r_p": 240}}
#: the 10 s pulse's particle mesh: a 10 s pulse reaches sqrt(D t) into a particle, 1 to 5 % of its radius, which a
#: uniform radial mesh of 30 (60) points does not resolve (the voltage after 10 s was 0.02 to 0.7 V off). Radial
#: points clustered at the surface (pybamm.Exponential1DSubMesh, side "right", stretch 4: the surface cell ~1/800 of the
#: radius at 60 points) converge: 60 against 120 such points differ by at most 2.4 mV (Prada2013) in V(10 s)
PULSE_R_PTS, PULSE_STRETCH = 60, 4.0
RTOL, ATOL = 1e-6, 1e-8
CURRENT = "Current function [A]"
BPX_LFP = "LFP_AboutEnergy2022"

SOURCES = {
    "Chen2020": "Chen, C.-H., Brosa Planella, F., O'Regan, K., Gastol, D., Widanage, W. D., Kendrick, E. (2020). "
                "Development of experimental techniques for parameterization of multi-scale lithium-ion battery "
                "models. J. Electrochem. Soc. 167, 080534 (PyBaMM parameter set Chen2020: LG M50 21700, "
                "NMC811 | graphite-SiOx)",
    "Marquis2019": "Marquis, S. G., Sulzer, V., Timms, R., Please, C. P., Chapman, S. J. (2019). An asymptotic "
                   "derivation of a single particle model with electrolyte. J. Electrochem. Soc. 166, A3693 (PyBaMM "
                   "parameter set Marquis2019: Kokam SLPB 75106100 pouch, LiCoO2 | graphite, DUALFOIL data)",
    "Ecker2015": "Ecker, M., Tran, T. K. D., Dechent, P., Kabitz, S., Warnecke, A., Sauer, D. U. (2015). "
                 "Parameterization of a physico-chemical model of a lithium-ion battery I/II. J. Electrochem. Soc. "
                 "162, A1836 and A1849 (PyBaMM parameter set Ecker2015: Kokam SLPB 75106100 pouch, NCO | graphite, "
                 "with Zhao et al. 2018 and Richardson et al. 2020)",
    "ORegan2022": "O'Regan, K., Brosa Planella, F., Widanage, W. D., Kendrick, E. (2022). Thermal-electrochemical "
                  "parameters of a high energy lithium-ion cylindrical battery. Electrochim. Acta 425, 140700 (PyBaMM "
                  "parameter set ORegan2022: LG M50T 21700, NMC811 | graphite-SiOx, concentration-dependent "
                  "diffusivities measured by GITT)",
    "NCA_Kim2011": "Kim, G.-H., Smith, K., Lee, K.-J., Santhanagopalan, S., Pesaran, A. (2011). Multi-domain "
                   "modeling of lithium-ion batteries encompassing multi-physics in varied length scales. "
                   "J. Electrochem. Soc. 158, A955 (PyBaMM parameter set NCA_Kim2011: NCA | graphite pouch)",
    BPX_LFP: "About:Energy Limited (December 2022), LFP | graphite 2 Ah cylindrical 18650 parameterisation, "
             "published as the Faraday Institution BPX example examples/lfp_18650_cell_BPX.json "
             "(https://github.com/FaradayInstitution/BPX); electrolyte from Nyman et al. 2008, Electrochim. Acta 53, "
             "6356 (read with pybamm.ParameterValues.create_from_bpx)",
    # the two sets issue 13 keeps for an independent check (HELD_OUT): never part of the reference the model is
    # compared with while it is developed
    "Mohtat2020": "Mohtat, P., Lee, S., Sulzer, V., Siegel, J. B., Stefanopoulou, A. G. (2020). Differential expansion "
                  "and voltage model for Li-ion batteries at practical charging rates. J. Electrochem. Soc. 167, 110561 "
                  "(PyBaMM parameter set Mohtat2020: NMC532 | graphite pouch)",
    "Prada2013": "Prada, E., Di Domenico, D., Creff, Y., Bernard, J., Sauvant-Moynot, V., Huet, F. (2013). A simplified "
                 "electrochemical and thermal aging model of LiFePO4-graphite Li-ion batteries: power and capacity "
                 "fade simulations. J. Electrochem. Soc. 160, A616 (PyBaMM parameter set Prada2013: LFP | graphite "
                 "A123 26650)",
}
#: issue 13's independent check: run only into their own file (``--sets Mohtat2020,Prada2013`` with another output,
#: e.g. tests/data/pybamm_dfn_heldout.json), after the model is final; never used to fit it
HELD_OUT = ("Mohtat2020", "Prada2013")
#: the xlcell library materials named for each set (positive, negative): only their densities (below) and prices
#: are used, every electrochemical property is the set's
MATERIALS = {"Chen2020": ("NMC811", "Graphite"), "ORegan2022": ("NMC811", "Graphite"),
             "Marquis2019": ("NMC333", "Graphite"), "Ecker2015": ("NMC333", "Graphite"),
             "NCA_Kim2011": ("NCA", "Graphite"), BPX_LFP: ("LFP", "Graphite"),
             "Mohtat2020": ("NMC532", "Graphite"), "Prada2013": ("LFP", "Graphite")}
#: active-material densities of those library materials (xlcell.materials, BatPaC 5.0's Chem sheet), kg/m^3
DENSITY = {"NMC811": 4650.0, "NMC532": 4650.0, "NMC333": 4700.0, "NCA": 4450.0, "LFP": 3600.0, "Graphite": 2240.0}
#: ORegan2022 is not among them: its particles need 60+ radial points (SET_VAR_PTS), which makes it ~10x slower than
#: the others (hours on a shared core); ``--sets ORegan2022`` adds it
DEFAULT_SETS = ("Chen2020", "Marquis2019", "Ecker2015", BPX_LFP, "NCA_Kim2011")
MECHANISM_HINT = {  # why the set is here; the JSON's "limiting_mechanism" adds the DFN's evidence
    "Chen2020": "LG M50: thin electrodes, electrolyte depletion in the positive past about 2C",
    "ORegan2022": "LG M50T with O'Regan et al.'s concentration-dependent (GITT) particle diffusivities",
    "Marquis2019": "large (10 um) particles in both electrodes",
    "Ecker2015": "thin high-power electrodes with concentration-dependent particle diffusivities",
    "NCA_Kim2011": "NCA | graphite with a Bruggeman exponent of 2",
    BPX_LFP: "LFP | graphite: small, slowly diffusing LFP particles and the flat LFP OCP",
    "Mohtat2020": "held out (independent check): NMC532 | graphite pouch",
    "Prada2013": "held out (independent check): LFP | graphite with 50 nm LFP particles",
}


# ------------------------------------------------------------------------------------------------ parameter sets
def load_set(name: str, bpx_lfp: str | None) -> pybamm.ParameterValues:
    """The set's parameter values (a BPX file for the LFP set)."""
    if name == BPX_LFP:
        if not bpx_lfp:
            raise SystemExit(f"{BPX_LFP} needs --bpx-lfp PATH (the BPX repository's examples/lfp_18650_cell_BPX.json)")
        return pybamm.ParameterValues.create_from_bpx(bpx_lfp)
    return pybamm.ParameterValues(name)


def evaluate(p: pybamm.ParameterValues, name: str, *args: float) -> float:
    """A parameter of the set at scalar arguments (a number, or a function of e.g. (c_e, T) or (sto, T))."""
    v = p[name]
    if isinstance(v, (int, float)):
        return float(v)
    expr = v(*[pybamm.Scalar(a) for a in args])
    return float(p.process_symbol(expr).evaluate())


def ocp(p: pybamm.ParameterValues, side: str, sto: float, T: float) -> float:
    """Open-circuit potential of an electrode (PyBaMM's OCP functions take the stoichiometry, some also T)."""
    f = p[f"{side} electrode OCP [V]"]
    if isinstance(f, (int, float)):
        return float(f)
    import inspect

    n = len(inspect.signature(f).parameters)
    args = [pybamm.Scalar(sto)] + ([pybamm.Scalar(T)] if n > 1 else [])
    return float(p.process_symbol(f(*args)).evaluate())


def windows(p: pybamm.ParameterValues) -> dict[str, float]:
    """Cycled stoichiometry windows between the set's voltage limits (PyBaMM's electrode SOH solver)."""
    x0, x100, y100, y0 = (float(v) for v in pybamm.lithium_ion.get_min_max_stoichiometries(p))
    assert x100 > x0 and y0 > y100, (x0, x100, y100, y0)
    return {"neg_sto_0pct": x0, "neg_sto_100pct": x100, "pos_sto_100pct": y100, "pos_sto_0pct": y0}


def area_m2(p: pybamm.ParameterValues) -> float:
    """Positive electrode area of the cell (all layers), m^2."""
    n = p.get("Number of electrodes connected in parallel to make a cell", 1.0)
    return float(p["Electrode height [m]"] * p["Electrode width [m]"] * n)


def design_of(p: pybamm.ParameterValues, win: dict[str, float], materials: tuple[str, str]
              ) -> tuple[dict[str, Any], dict[str, Any]]:
    """The set as xlcell flat design keys (display units, xlcell.design.design_keys) and what has no key (SI).

    Each coating is all active material and inert filler of one density (the library density of the xlcell material
    named for it: only the capacity per volume matters for the electrochemistry): am_frac = eps_AM/(1 - eps) puts PyBaMM's active
    volume fraction into xlcell's eps_AM = (1 - eps) w_AM/rho_AM / sum(w_i/rho_i); the filler is counted as
    binder with no blinding (PyBaMM's surface area is 3 eps_AM/r) and no carbon. The specific capacity is the
    cycled window's: (sto_max - sto_min) c_max F / rho, so the capacity is that of the voltage window and the N/P
    ratio of the two cycled windows is 1 (the theoretical N/P is under "extra").
    """
    T = float(p["Ambient temperature [K]"])
    ce0 = float(p["Initial concentration in electrolyte [mol.m-3]"])
    d: dict[str, Any] = {"pos_material": materials[0], "neg_material": materials[1]}
    extra: dict[str, Any] = {"temperature_K": T, "electrolyte_concentration_mol_m3": ce0,
                             "area_m2": area_m2(p), "sto_window": win}
    for side, key, lo, hi in (("Positive", "pos", win["pos_sto_100pct"], win["pos_sto_0pct"]),
                              ("Negative", "neg", win["neg_sto_0pct"], win["neg_sto_100pct"])):
        low = side.lower()
        rho = DENSITY[d[f"{key}_material"]]
        eps = float(p[f"{side} electrode porosity"])
        eam = float(p[f"{side} electrode active material volume fraction"])
        cmax = float(p[f"Maximum concentration in {low} electrode [mol.m-3]"])
        r = float(p[f"{side} particle radius [m]"])
        sto50 = lo + (hi - lo) * (1 - SOC_PULSE if key == "pos" else SOC_PULSE)
        stos = np.linspace(lo, hi, 21)
        u = [ocp(p, side, s, T) for s in stos]
        dif = [evaluate(p, f"{side} particle diffusivity [m2.s-1]", s, T) for s in stos]
        i0 = [evaluate(p, f"{side} electrode exchange-current density [A.m-2]", ce0, s * cmax, cmax, T) for s in stos]
        d50 = evaluate(p, f"{side} particle diffusivity [m2.s-1]", sto50, T)
        i050 = evaluate(p, f"{side} electrode exchange-current density [A.m-2]", ce0, sto50 * cmax, cmax, T)
        sigma = float(p[f"{side} electrode conductivity [S.m-1]"]) if isinstance(p[f"{side} electrode conductivity [S.m-1]"], (int, float)) \
            else evaluate(p, f"{side} electrode conductivity [S.m-1]", sto50, T)  # (sto, T) in ORegan2022
        d.update({
            f"{key}_thickness_um": float(p[f"{side} electrode thickness [m]"]) * 1e6,
            f"{key}_porosity": eps,
            f"{key}_am_frac": eam / (1 - eps),
            f"{key}_carbon_frac": 0.0,
            f"{key}_binder_frac": 1 - eam / (1 - eps),
            f"{key}_am_density_g_cm3": rho / 1000, f"{key}_carbon_density_g_cm3": rho / 1000,
            f"{key}_binder_density_g_cm3": rho / 1000,
            f"{key}_specific_capacity_mAh_g": (hi - lo) * cmax * F / rho / 3600.0,
            f"{key}_potential_V": float(np.trapezoid(u, stos) / (hi - lo)),
            f"{key}_particle_radius_um": r * 1e6,
            f"{key}_exchange_current_mA_cm2": i050 * 0.1,
            f"{key}_solid_diffusivity_m2_s": d50,
            f"{key}_conductivity_S_m": sigma,
            f"{key}_foil_um": float(p.get(f"{side} current collector thickness [m]", 1e-5)) * 1e6 or 10.0,
            f"{key}_binder_blinding": 0.0,
        })
        extra[key] = {
            "thickness_m": float(p[f"{side} electrode thickness [m]"]), "porosity": eps, "am_volume_fraction": eam,
            "max_concentration_mol_m3": cmax, "particle_radius_m": r, "am_density_kg_m3": rho,
            "theoretical_capacity_C_m2": float(p[f"{side} electrode thickness [m]"]) * eam * cmax * F,
            "cycled_capacity_C_m2": float(p[f"{side} electrode thickness [m]"]) * eam * cmax * F * (hi - lo),
            "sto_at_soc50": sto50, "sto_profile": [float(s) for s in stos],
            "ocp_V": u, "solid_diffusivity_m2_s": dif, "exchange_current_A_m2": i0,
            "exchange_current_at_soc50_A_m2": i050, "solid_diffusivity_at_soc50_m2_s": d50,
            "solid_diffusivity_log_mean_m2_s": float(np.exp(np.mean(np.log(dif)))),
            "bruggeman_electrolyte": float(p[f"{side} electrode Bruggeman coefficient (electrolyte)"]),
            "bruggeman_electrode": float(p[f"{side} electrode Bruggeman coefficient (electrode)"]),
            "conductivity_S_m": sigma,
        }
        if max(dif) > min(dif):  # D(sto) over the whole range: the surface runs past the window at a discharge's end
            extra[key]["solid_diffusivity_sto"] = [float(s) for s in STO_FULL]
            extra[key]["solid_diffusivity_full_m2_s"] = [evaluate(p, f"{side} particle diffusivity [m2.s-1]", s, T)
                                                         for s in STO_FULL]
    d.update({
        "sep_thickness_um": float(p["Separator thickness [m]"]) * 1e6,
        # xlcell's porosities lie strictly below 1; Marquis2019's separator is all electrolyte (porosity 1)
        "sep_porosity": min(float(p["Separator porosity"]), MAX_POROSITY),
        "electrode_area_cm2": area_m2(p) * 1e4,
        "electrolyte_conductivity_S_m": evaluate(p, "Electrolyte conductivity [S.m-1]", ce0, T),
        "electrolyte_diffusivity_m2_s": evaluate(p, "Electrolyte diffusivity [m2.s-1]", ce0, T),
        "electrolyte_concentration_mol_L": ce0 / 1000,
        "transference_number": evaluate(p, "Cation transference number", ce0, T),
        "bruggeman_exponent": extra["pos"]["bruggeman_electrolyte"],
        "temperature_C": T - 273.15,
    })
    extra["separator_bruggeman_electrolyte"] = float(p["Separator Bruggeman coefficient (electrolyte)"])
    extra["separator_porosity"] = float(p["Separator porosity"])
    extra["theoretical_np_ratio"] = extra["neg"]["theoretical_capacity_C_m2"] / extra["pos"]["theoretical_capacity_C_m2"]
    extra["lower_cutoff_V"] = float(p["Lower voltage cut-off [V]"])
    extra["upper_cutoff_V"] = float(p["Upper voltage cut-off [V]"])
    soc = np.linspace(0.0, 1.0, 21)
    extra["ocv"] = {"soc": [float(s) for s in soc], "V": [
        ocp(p, "Positive", win["pos_sto_0pct"] - s * (win["pos_sto_0pct"] - win["pos_sto_100pct"]), T)
        - ocp(p, "Negative", win["neg_sto_0pct"] + s * (win["neg_sto_100pct"] - win["neg_sto_0pct"]), T) for s in soc]}
    return {k: _round(v) for k, v in d.items()}, _round(extra)


def _round(v: Any) -> Any:
    """Floats to 7 significant digits (the JSON stays small and diff-able)."""
    if isinstance(v, float):
        return float(f"{v:.7g}")
    if isinstance(v, dict):
        return {k: _round(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_round(x) for x in v]
    return v


# ------------------------------------------------------------------------------------------------ simulations
class Cell:
    """One parameter set at one thickness scale: a DFN built once, the current an input."""

    def __init__(self, base: pybamm.ParameterValues, scale: float = 1.0, var_pts: dict[str, int] | None = None,
                 stretch: float | None = None, q20: float | None = None):
        """``stretch``: radial points clustered at the particles' surfaces (pybamm.Exponential1DSubMesh, side
        "right"; None: uniform); ``q20``: the cell's C/20 capacity when it is known (None: two C/20 discharges)."""
        p = base.copy()
        for k in ("Positive electrode thickness [m]", "Negative electrode thickness [m]"):
            p[k] = base[k] * scale
        p[CURRENT] = "[input]"
        self.params = p
        self.scale = scale
        self.var_pts = var_pts or VAR_PTS
        self.area = area_m2(p)
        self.T = float(p["Ambient temperature [K]"])
        self.v_min = float(p["Lower voltage cut-off [V]"])
        self.win = windows(p)
        self.stretch = stretch
        self._sims: dict[float, pybamm.Simulation] = {}
        self.q20 = self._capacity_c20() if q20 is None else q20

    def sim(self, soc: float) -> pybamm.Simulation:
        """A DFN at rest at ``soc`` (the pulse simulation's lower cut-off is lowered so that it cannot stop it)."""
        if soc not in self._sims:
            p = self.params.copy()
            p.set_initial_state(soc)
            if soc != 1.0:
                p["Lower voltage cut-off [V]"] = 0.5 * self.ocv(soc)
            solver = pybamm.IDAKLUSolver(rtol=RTOL, atol=ATOL)
            model = pybamm.lithium_ion.DFN()
            submesh = dict(model.default_submesh_types)
            if self.stretch:
                for domain in ("negative particle", "positive particle"):
                    submesh[domain] = pybamm.MeshGenerator(pybamm.Exponential1DSubMesh,
                                                           submesh_params={"side": "right", "stretch": self.stretch})
            self._sims[soc] = pybamm.Simulation(model, parameter_values=p, var_pts=self.var_pts, solver=solver,
                                                submesh_types=submesh)
        return self._sims[soc]

    def ocv(self, soc: float) -> float:
        w = self.win
        y = w["pos_sto_0pct"] - soc * (w["pos_sto_0pct"] - w["pos_sto_100pct"])
        x = w["neg_sto_0pct"] + soc * (w["neg_sto_100pct"] - w["neg_sto_0pct"])
        return ocp(self.params, "Positive", y, self.T) - ocp(self.params, "Negative", x, self.T)

    def discharge(self, current_A: float, t_max_s: float) -> float:
        """Charge (Ah) delivered at a constant current from full charge to the lower cut-off voltage."""
        return self._discharge(current_A, t_max_s)[0]

    def _discharge(self, current_A: float, t_max_s: float) -> tuple[float, pybamm.Solution]:
        sol = self.sim(1.0).solve([0.0, t_max_s], inputs={CURRENT: current_A})
        t_end = float(sol.t[-1])
        if t_end >= t_max_s * (1 - 1e-9):
            raise RuntimeError(f"discharge at {current_A} A did not reach the cut-off within {t_max_s} s")
        return current_A * t_end / 3600.0, sol

    def end_state(self, c_rate: float) -> dict[str, Any]:
        """What ran out at the end of a discharge at ``c_rate``: the DFN's state at the cut-off.

        ``ce_min_frac``: the lowest salt concentration / the initial one; ``neg_surface_lag`` and
        ``pos_surface_lag``: how far the particle surfaces lead the electrode's mean stoichiometry, as a share of
        the cycled window (the negative's emptiest surface, the positive's fullest); ``neg_utilisation`` and
        ``pos_utilisation``: the share of the cycled window the electrode's mean passed through.
        """
        q, sol = self._discharge(c_rate * self.q20, 1.5 * 3600.0 / c_rate)
        w = self.win
        dx, dy = w["neg_sto_100pct"] - w["neg_sto_0pct"], w["pos_sto_0pct"] - w["pos_sto_100pct"]
        ce = sol["Electrolyte concentration [mol.m-3]"].entries[:, -1]
        xs = sol["Negative particle surface stoichiometry"].entries[:, -1]
        ys = sol["Positive particle surface stoichiometry"].entries[:, -1]
        xa = float(sol["Average negative particle stoichiometry"].entries[-1])
        ya = float(sol["Average positive particle stoichiometry"].entries[-1])
        c0 = float(self.params["Initial concentration in electrolyte [mol.m-3]"])
        return {"c_rate": c_rate, "retention": q / self.q20, "voltage_V": float(sol["Voltage [V]"].entries[-1]),
                "ce_min_frac": max(0.0, float(ce.min()) / c0),
                "neg_surface_sto_min": float(xs.min()), "neg_mean_sto": xa,
                "neg_surface_lag": (xa - float(xs.min())) / dx, "neg_utilisation": (w["neg_sto_100pct"] - xa) / dx,
                "pos_surface_sto_max": float(ys.max()), "pos_mean_sto": ya,
                "pos_surface_lag": (float(ys.max()) - ya) / dy, "pos_utilisation": (ya - w["pos_sto_100pct"]) / dy}

    def _capacity_c20(self) -> float:
        q = float(self.params["Nominal cell capacity [A.h]"]) * self.scale
        for _ in range(2):  # C/20 of the nominal capacity, then C/20 of the capacity it gave
            q = self.discharge(q / 20.0, 3 * 20 * 3600.0)
        return q

    def retention(self, c_rate: float) -> float:
        """Q(C)/Q(C/20) from full charge, 1C = Q20 per hour."""
        return self.discharge(c_rate * self.q20, 1.5 * 3600.0 / c_rate) / self.q20

    def pulse_voltage(self, current_A: float, soc: float = SOC_PULSE) -> float:
        """Voltage after a constant discharge current for 10 s from rest at ``soc`` (NaN if the DFN stops first)."""
        try:
            sol = self.sim(soc).solve([0.0, PULSE_S], inputs={CURRENT: current_A}, t_interp=np.array([0.0, PULSE_S]))
        except pybamm.SolverError:
            return float("nan")
        if float(sol.t[-1]) < PULSE_S * (1 - 1e-9):
            return float("nan")
        return float(sol["Voltage [V]"].entries[-1])


def constant_electrolyte(base: pybamm.ParameterValues) -> pybamm.ParameterValues:
    """The set with the electrolyte xlcell's design keys describe: the salt diffusivity, conductivity and thermodynamic
    factor at the initial concentration (no concentration dependence) and the positive's Bruggeman exponent in the
    separator and the negative too (xlcell has one exponent)."""
    p = base.copy()
    T = float(p["Ambient temperature [K]"])
    c0 = float(p["Initial concentration in electrolyte [mol.m-3]"])
    D0 = evaluate(p, "Electrolyte diffusivity [m2.s-1]", c0, T)
    k0 = evaluate(p, "Electrolyte conductivity [S.m-1]", c0, T)
    tdf = evaluate(p, "Thermodynamic factor", c0, T) if "Thermodynamic factor" in p.keys() else 1.0
    b = float(p["Positive electrode Bruggeman coefficient (electrolyte)"])
    p.update({"Electrolyte diffusivity [m2.s-1]": D0, "Electrolyte conductivity [S.m-1]": k0,
              "Thermodynamic factor": tdf, "Separator Bruggeman coefficient (electrolyte)": b,
              "Negative electrode Bruggeman coefficient (electrolyte)": b}, check_already_exists=False)
    return p


#: the concentrations (over the set's initial one) at which --electrolyte-properties evaluates each set's electrolyte
ELECTROLYTE_GRID = (0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0)


def electrolyte_properties(p: pybamm.ParameterValues) -> dict[str, Any]:
    """The set's salt diffusivity, conductivity and thermodynamic factor at :data:`ELECTROLYTE_GRID` x c0 and the set's
    temperature, as PyBaMM evaluates its parameter functions (no DFN run)."""
    T = float(p["Ambient temperature [K]"])
    c0 = float(p["Initial concentration in electrolyte [mol.m-3]"])
    c = [g * c0 for g in ELECTROLYTE_GRID]
    tdf = [evaluate(p, "Thermodynamic factor", x, T) if "Thermodynamic factor" in p.keys() else 1.0 for x in c]
    return _round({"temperature_K": T, "c0_mol_m3": c0, "c_over_c0": list(ELECTROLYTE_GRID),
                   "diffusivity_m2_s": [evaluate(p, "Electrolyte diffusivity [m2.s-1]", x, T) for x in c],
                   "conductivity_S_m": [evaluate(p, "Electrolyte conductivity [S.m-1]", x, T) for x in c],
                   "thermodynamic_factor": tdf})


def diffusivity_only(base: pybamm.ParameterValues) -> pybamm.ParameterValues:
    """:func:`constant_electrolyte`'s set with the salt diffusivity D(c) as the set publishes it: the conductivity and
    thermodynamic factor at the initial concentration, one Bruggeman exponent, only D depending on the concentration."""
    p = constant_electrolyte(base)
    p.update({"Electrolyte diffusivity [m2.s-1]": base["Electrolyte diffusivity [m2.s-1]"]})
    return p


def run_constant_electrolyte(name: str, base: pybamm.ParameterValues, stored: dict[str, Any],
                             log: Callable[[str], None], variant: Callable[..., Any] | None = None) -> dict[str, Any]:
    """Retention at the stored set's C-rates and its thickness cliffs on :func:`constant_electrolyte`'s DFN (or on
    ``variant``'s, e.g. :func:`diffusivity_only`).

    The cliff: the retention at the sweep's scales from the first one up until it falls through 0.8, then bisection on
    the scale to 1 % (null where the sweep stays above 0.8)."""
    t0 = time.time()
    variant = variant or constant_electrolyte
    p = variant(base)
    pts, st = SET_VAR_PTS.get(name, VAR_PTS), SET_STRETCH.get(name)
    cell = Cell(p, 1.0, pts, stretch=st)
    rates = stored["retention"]["c_rates"]
    ret = [cell.retention(c) for c in rates]
    log(f"{name} ({variant.__name__}): retention {dict(zip(rates, [round(r, 4) for r in ret]))} ({time.time() - t0:.0f} s)")
    lp0 = float(base["Positive electrode thickness [m]"])
    cliffs: dict[str, Any] = {}
    for c in SWEEP_C_RATES:
        seen: list[float] = []
        for s in THICKNESS_SCALES:
            seen.append(cell.retention(c) if s == 1.0 else Cell(p, s, pts, stretch=st).retention(c))
            if seen[-1] < 0.8:
                break
        cliff = None
        if seen[-1] < 0.8 and len(seen) > 1:
            i = len(seen) - 2
            cliff = lp0 * bisect(lambda s, c=c: Cell(p, s, pts, stretch=st).retention(c) - 0.8, THICKNESS_SCALES[i],
                                 THICKNESS_SCALES[i + 1], log=False, rel_tol=0.01)
        cliffs[f"{c:g}C"] = {"c_rate": c, "thickness_scale": list(THICKNESS_SCALES[:len(seen)]), "retention": seen,
                             "cliff_m": cliff}
        log(f"{name} ({variant.__name__}): {c:g}C cliff {cliff} ({time.time() - t0:.0f} s)")
    return _round({"definition": " ".join(variant.__doc__.split()),
                   "retention": {"c_rates": rates, "fraction": ret}, "thickness_sweep": cliffs,
                   **({"var_pts": pts} if pts != VAR_PTS else {}), **({"particle_stretch": st} if st else {}),
                   "run_time_s": round(time.time() - t0, 1)})


def mesh_check(base: pybamm.ParameterValues, c_rate: float, retention: float, fine_pts: dict[str, int],
               stretch: float | None = None) -> dict[str, Any]:
    """The retention at ``c_rate`` again on a finer mesh (the discretisation error of the stored numbers)."""
    fine = Cell(base, 1.0, fine_pts, stretch=stretch).retention(c_rate)
    return {"c_rate": c_rate, "var_pts_fine": fine_pts, "retention": retention, "retention_fine": fine}


def first_crossing(x: list[float], y: list[float], level: float, log_x: bool = False) -> float | None:
    """The first x at which y (falling) crosses ``level``, by linear interpolation (in log x if asked)."""
    for i in range(len(x) - 1):
        if y[i] is None or y[i + 1] is None:
            continue
        if y[i] >= level > y[i + 1]:
            a, b = (math.log(x[i]), math.log(x[i + 1])) if log_x else (x[i], x[i + 1])
            t = (y[i] - level) / (y[i] - y[i + 1])
            v = a + t * (b - a)
            return math.exp(v) if log_x else v
    return None


def bisect(f: Callable[[float], float], lo: float, hi: float, *, log: bool, rel_tol: float) -> float:
    """A root of a falling f between lo (f > 0) and hi (f < 0)."""
    while hi / lo - 1 > rel_tol:
        mid = math.sqrt(lo * hi) if log else 0.5 * (lo + hi)
        if f(mid) > 0:
            lo = mid
        else:
            hi = mid
    return math.sqrt(lo * hi) if log else 0.5 * (lo + hi)


def run_set(name: str, base: pybamm.ParameterValues, log: Callable[[str], None],
            pulse: dict[str, Any] | None = None) -> dict[str, Any]:
    """Everything stored for one set (``pulse``: a stored pulse to keep instead of running it again; the pulse has
    its own particle mesh)."""
    t0 = time.time()
    pts, st = SET_VAR_PTS.get(name, VAR_PTS), SET_STRETCH.get(name)
    cell = Cell(base, 1.0, pts, stretch=st)
    design, extra = design_of(cell.params, cell.win, MATERIALS[name])
    A, q20 = cell.area, cell.q20
    log(f"{name}: Q20 = {q20:.4f} Ah ({time.time() - t0:.0f} s)")

    rates = list(C_RATES)
    ret = [cell.retention(c) for c in rates]
    for c in EXTRA_C_RATES:
        if ret[-1] < 0.8:
            break
        rates.append(c)
        ret.append(cell.retention(c))
    log(f"{name}: retention {dict(zip(rates, [round(r, 4) for r in ret]))} ({time.time() - t0:.0f} s)")

    c80 = None
    for i in range(len(rates) - 1):
        if ret[i] >= 0.8 > ret[i + 1]:
            c80 = bisect(lambda c: cell.retention(c) - 0.8, rates[i], rates[i + 1], log=True, rel_tol=0.005)
            break
    if c80 is None and ret[0] < 0.8:
        c80 = bisect(lambda c: cell.retention(c) - 0.8, 0.05, rates[0], log=True, rel_tol=0.005)
    log(f"{name}: C-rate at 80 % = {c80} ({time.time() - t0:.0f} s)")

    # pulse at 50 % SOC, on its own particle mesh (PULSE_R_PTS points clustered at the surface)
    ocv50 = cell.ocv(SOC_PULSE)
    pulse = pulse or run_pulse(name, base, q20, pts, log)
    log(f"{name}: ({time.time() - t0:.0f} s)")

    sweep: dict[str, Any] = {}
    q20s: list[float] = []
    rets: dict[float, list[float | None]] = {c: [] for c in SWEEP_C_RATES}
    lp0 = float(base["Positive electrode thickness [m]"])
    for s in THICKNESS_SCALES:
        c_s = cell if s == 1.0 else Cell(base, s, pts, stretch=st)
        q20s.append(c_s.q20)
        for c in SWEEP_C_RATES:
            try:
                rets[c].append(c_s.retention(c))
            except Exception as e:  # noqa: BLE001 - recorded, not hidden
                log(f"{name}: x{s} at {c}C failed: {e}")
                rets[c].append(None)
        log(f"{name}: x{s}: Q20 {c_s.q20:.4f} Ah, " + ", ".join(f"{c:g}C {rets[c][-1]}" for c in SWEEP_C_RATES)
            + f" ({time.time() - t0:.0f} s)")
    thick = [lp0 * s for s in THICKNESS_SCALES]
    for c in SWEEP_C_RATES:
        cliff, refine = None, {"pos_thickness_m": [], "retention": []}
        bracket = first_crossing(THICKNESS_SCALES, rets[c], 0.8)
        if bracket is not None:  # bisection on the scale between the sweep points around the crossing
            i = max(k for k, s in enumerate(THICKNESS_SCALES) if s <= bracket)

            def f(s: float, c: float = c) -> float:
                r = Cell(base, s, pts, stretch=st).retention(c)
                refine["pos_thickness_m"].append(lp0 * s)
                refine["retention"].append(r)
                return r - 0.8

            cliff = lp0 * bisect(f, THICKNESS_SCALES[i], THICKNESS_SCALES[i + 1], log=False, rel_tol=0.003)
            log(f"{name}: {c:g}C cliff {cliff * 1e6:.1f} um (linear between sweep points "
                f"{lp0 * bracket * 1e6:.1f} um) ({time.time() - t0:.0f} s)")
        status = "inside" if cliff is not None else (
            "below" if rets[c][0] is not None and rets[c][0] < 0.8 else "above")
        sweep[f"{c:g}C"] = {"c_rate": c, "pos_thickness_m": thick, "neg_thickness_m": [
            float(base["Negative electrode thickness [m]"]) * s for s in THICKNESS_SCALES],
            "thickness_scale": list(THICKNESS_SCALES), "capacity_C20_Ah": q20s, "retention": rets[c],
            "cliff_m": cliff, "cliff_status": status, "cliff_bisection": refine}

    diag_rates = sorted({1.0, 3.0, 5.0} | ({round(c80, 4)} if c80 else set()))
    states = [_round(cell.end_state(c)) for c in diag_rates]
    for st in states:
        st["limit"] = classify(st)
    mech = limiting_mechanism(name, states, sweep, extra)
    log(f"{name}: {mech} ({time.time() - t0:.0f} s)")
    mesh = mesh_check(base, c80 or 1.0, cell.retention(c80 or 1.0),
                      SET_FINE_VAR_PTS.get(name, {k: 2 * v for k, v in pts.items()}), st)
    log(f"{name}: mesh check {mesh} ({time.time() - t0:.0f} s)")
    out = {
        "source": SOURCES[name],
        "design_units": "xlcell flat design keys in their display units (xlcell.design.design_keys)",
        "design": design,
        "extra": extra,
        "capacity_C20_Ah": q20,
        "capacity_C20_Ah_m2": q20 / A,
        "area_m2": A,
        "ocv_soc50_V": ocv50,
        "retention": {"c_rates": rates, "fraction": ret, "current_A": [c * q20 for c in rates],
                      "current_A_m2": [c * q20 / A for c in rates]},
        "c_rate_80pct": c80,
        "thickness_sweep": sweep,
        "pulse": pulse,
        "limiting_mechanism": mech,
        "end_of_discharge": states,
        **({"var_pts": pts} if pts != VAR_PTS else {}),  # only a set on its own mesh (definitions.mesh)
        **({"particle_stretch": st} if st else {}),
        "mesh_check": mesh,
        "run_time_s": round(time.time() - t0, 1),
    }
    return _round(out)


def run_pulse(name: str, base: pybamm.ParameterValues, q20: float, pts: dict[str, int],
              log: Callable[[str], None]) -> dict[str, Any]:
    """BatPaC's 10 s pulse at 50 % SOC (power at 0.8 x OCV, the 2C and C/10 pulse resistances) on the pulse's particle
    mesh (:data:`PULSE_R_PTS` radial points clustered at the surface, ``pts`` along x), with a check of the voltage
    after 10 s at the pulse's current on twice as many radial points."""
    pulse_pts = {**pts, "r_n": PULSE_R_PTS, "r_p": PULSE_R_PTS}
    cell = Cell(base, 1.0, pulse_pts, stretch=PULSE_STRETCH, q20=q20)
    A = cell.area
    ocv50 = cell.ocv(SOC_PULSE)
    target = PULSE_FRACTION * ocv50
    i2c, ismall = 2.0 * q20, 0.1 * q20
    v2c, vsmall = cell.pulse_voltage(i2c), cell.pulse_voltage(ismall)
    r2c, rsmall = (ocv50 - v2c) / i2c, (ocv50 - vsmall) / ismall

    def excess(i: float) -> float:  # V(10 s) - 0.8 OCV; a DFN that stops within 10 s had too much current
        v = cell.pulse_voltage(i)
        return -1.0 if math.isnan(v) else v - target

    lo, hi = i2c, (ocv50 - target) / r2c  # the 2C resistance underestimates the current (Butler-Volmer)
    if excess(lo) <= 0:
        lo = ismall
    while excess(hi) > 0:
        lo, hi = hi, 2 * hi
    i_p = bisect(excess, lo, hi, log=False, rel_tol=1e-3)
    v_p = cell.pulse_voltage(i_p)
    if not abs(v_p - target) < 0.01:  # the root is a real crossing, not the edge of the DFN's reach
        raise RuntimeError(f"{name}: pulse bisection ended at {i_p} A with V(10 s) = {v_p} V, target {target} V")
    p_w = i_p * target
    fine_pts = {**pts, "r_n": 2 * PULSE_R_PTS, "r_p": 2 * PULSE_R_PTS}
    v_fine = Cell(base, 1.0, fine_pts, stretch=PULSE_STRETCH, q20=q20).pulse_voltage(i_p)
    log(f"{name}: pulse {i_p:.2f} A, {p_w:.1f} W ({p_w / A:.0f} W/m2); R2C {r2c * 1e3:.2f} mOhm; V(10 s) {v_p:.4f} V, "
        f"on {2 * PULSE_R_PTS} radial points {v_fine:.4f} V")
    return _round({"soc": SOC_PULSE, "duration_s": PULSE_S, "voltage_fraction": PULSE_FRACTION, "ocv_V": ocv50,
                   "current_A": i_p, "current_A_m2": i_p / A, "power_W": p_w, "power_W_m2": p_w / A,
                   "c_rate": i_p / q20,
                   "resistance_2C_ohm": r2c, "resistance_2C_ohm_m2": r2c * A, "voltage_2C_V": v2c,
                   "resistance_small_ohm": rsmall, "resistance_small_ohm_m2": rsmall * A, "small_c_rate": 0.1,
                   "voltage_small_V": vsmall,
                   "var_pts": pulse_pts, "submesh": f"particles: pybamm.Exponential1DSubMesh(side='right', "
                                                    f"stretch={PULSE_STRETCH})",
                   "mesh_check": {"var_pts_fine": fine_pts, "voltage_V": v_p, "voltage_fine_V": v_fine}})


def classify(state: dict[str, Any]) -> str:
    """The limit that ended a discharge, from the DFN's end state (:meth:`Cell.end_state`)."""
    if state["ce_min_frac"] < 0.05:
        return "electrolyte depletion"
    lag = {"negative": state["neg_surface_lag"], "positive": state["pos_surface_lag"]}
    sides = sorted((k for k in lag if lag[k] > 0.1), key=lambda k: -lag[k])  # the surface leads its mean by >10 %
    if sides:
        return "solid diffusion in the " + " and the ".join(sides)
    return "overpotential (ohmic and kinetic) at the cut-off"


def limiting_mechanism(name: str, states: list[dict[str, Any]], sweep: dict[str, Any], extra: dict[str, Any]) -> str:
    at = "; ".join(f"{s['c_rate']:.3g}C: {classify(s)} (surface lead: negative {s['neg_surface_lag']:.2f}, positive "
                   f"{s['pos_surface_lag']:.2f}; lowest salt {s['ce_min_frac']:.2f} c0)" for s in states)
    tau = ", ".join(f"{k} {extra[k]['particle_radius_m'] ** 2 / extra[k]['solid_diffusivity_log_mean_m2_s']:.0f} s"
                    for k in ("neg", "pos"))
    return (f"{MECHANISM_HINT[name]}; r^2/D (log-mean D over the cycled window): {tau}. End of discharge in the DFN: {at}. Thickness sweep (0.5x-3x): 1C cliff "
            f"{sweep['1C']['cliff_status']}, 2C cliff {sweep['2C']['cliff_status']} (electrolyte depletion when thick)")


DEFINITIONS = {
    "model": "pybamm.lithium_ion.DFN() with default options (isothermal at the set's ambient temperature)",
    "solver": f"pybamm.IDAKLUSolver(rtol={RTOL}, atol={ATOL})",
    "mesh": {"var_pts": VAR_PTS, "submesh": "PyBaMM defaults (uniform in x, uniform in r)",
             "per_set": "a set run on another mesh (finer particles for ORegan2022: 120 radial points clustered at "
                        "the surface, pybamm.Exponential1DSubMesh side 'right', sets.*.particle_stretch) has it under "
                        "sets.*.var_pts; sets.*.mesh_check repeats the 80 % discharge on a finer mesh; "
                        "sets.*.coarse_particle_mesh (and constant_electrolyte_coarse_particle_mesh) keeps the numbers "
                        "first stored on a coarser particle mesh"},
    "full_charge": "rest at SOC = 1: both electrodes at the stoichiometries of "
                   "pybamm.lithium_ion.get_min_max_stoichiometries (the set's upper cut-off voltage)",
    "soc": "PyBaMM's: linear in each electrode's stoichiometry across its cycled window",
    "capacity_C20": "constant current Q20/20 from full charge to the lower cut-off (Q20 from a first run at the set's "
                    "nominal capacity / 20, repeated once at the capacity it gave)",
    "retention": "charge to the lower cut-off at constant current C x Q20 from full charge, divided by Q20",
    "c_rate_80pct": "bisection in log(C) between the bracketing rates to 0.5 %",
    "thickness_sweep": "positive AND negative thickness x the same factor (N/P ratio and cycled windows kept; "
                       "separator, porosities, particles unchanged); each scaled cell's own Q20 sets its C-rate and "
                       "its retention; cliff_m = thickness where the retention falls through 0.8, by bisection on "
                       "the factor between the sweep points that bracket it, to 0.3 % (its runs under "
                       "cliff_bisection; null with cliff_status 'above'/'below' when the sweep does not cross 0.8)",
    "pulse": "constant discharge current for 10 s from rest at SOC 0.5 (lower cut-off lowered to 0.5 x OCV so "
             "that it cannot end the pulse); power_W = I x 0.8 x OCV where V(10 s) = 0.8 x OCV(0.5), bisection on "
             "I to 0.1 %; resistance = (OCV - V(10 s)) / I at 2 x Q20 and at 0.1 x Q20. On its own particle mesh "
             "(sets.*.pulse.var_pts: 60 radial points clustered at the surface, pybamm.Exponential1DSubMesh side "
             "'right' stretch 4; pulse.mesh_check: V(10 s) at the pulse current on 120 such points): a uniform "
             "radial mesh does not resolve the 10 s diffusion layer (sets.*.pulse_uniform_mesh: the pulse first "
             "stored, on the set's uniform mesh)",
    "end_of_discharge": "the DFN's state at the cut-off of the discharges at 1C, 3C, 5C and the 80 % C-rate: lowest "
                        "salt concentration / initial (ce_min_frac), how far the emptiest negative / fullest positive "
                        "particle surface leads the electrode's mean stoichiometry as a share of the cycled window "
                        "(*_surface_lag) and the share of the window the mean passed (*_utilisation); limit = "
                        "'electrolyte depletion' if ce_min_frac < 0.05, else 'solid diffusion in the ...' for each "
                        "electrode whose surface lead exceeds 0.1, else 'overpotential'",
    "per_area": "per m^2 of positive electrode: PyBaMM's electrode height x width x electrodes in parallel",
    "design": "xlcell flat design keys in display units (um, mA/cm2, mAh/g, g/cm3, cm2, mol/L, degC); coatings of "
              "active material + inert filler (as binder, no blinding) at one density (the named library "
              "material's, extra.*.am_density_kg_m3) so that pos/neg_am_frac carry PyBaMM's active volume fractions; specific capacity = cycled window x c_max x F "
              "/ rho; concentration-dependent diffusivities and exchange currents at SOC 0.5 (profiles over the "
              "window under extra.pos / extra.neg); electrolyte properties at the initial salt concentration and "
              "the set's temperature; bruggeman_exponent = the positive's (others under extra); potential_V = mean "
              "OCP over the cycled window; foil_um = the set's current-collector thickness, 10 um where it has none "
              "(the 1D DFN has no foil resistance)",
}


#: the stoichiometries at which extra.*.solid_diffusivity_full_m2_s holds D (0.0025 apart: O'Regan et al.'s graphite
#: D(sto) has Gaussian dips of width 0.017)
STO_FULL = np.linspace(0.0, 1.0, 401)
#: the C-rates ``--particle-mesh`` reruns (at 1C and below the particle mesh does not move ORegan2022's numbers: PyBaMM's
#: SPM gives 0.9391 at 1C on 60 uniform radial points, 0.9392 on 120 clustered and on 240 uniform) and the 2C sweep's
#: scales (up to the first below 80 %; past the electrolyte cliff the salt, not the particles, sets the retention)
MESH_RATES = (2.0, 3.0, 5.0)
#: (from scale 1: the thinner cells' 2C retention is the thinnest discharges', which move as the 2C one does), and the
#: bisection's tolerance on the scale
MESH_SWEEP_RATE, MESH_SWEEP_SCALES, MESH_SWEEP_TOL = 2.0, (1.0, 1.25, 1.5), 0.01


def run_particle_mesh(name: str, base: pybamm.ParameterValues, stored: dict[str, Any], full: dict[str, Any],
                      log: Callable[[str], None], variant: Callable[..., Any] | None = None,
                      what: tuple[str, ...] = ("retention", "c80", "sweep"),
                      c_rates: tuple[float, ...] = MESH_RATES,
                      scales: tuple[float, ...] = MESH_SWEEP_SCALES) -> dict[str, Any]:
    """The discharges of a stored set that its particle mesh moves, rerun on it (:data:`SET_VAR_PTS`,
    :data:`SET_STRETCH`): the retention at :data:`MESH_RATES`, the 80 % C-rate (bisection in log C between the
    bracketing rates to 0.5 %) and the 2C sweep at :data:`MESH_SWEEP_SCALES` up to the first scale below 80 %, with
    its cliff (bisection on the scale to :data:`MESH_SWEEP_TOL`); ``what`` of these three (separate runs can share the work, and
    :func:`merge_particle_mesh` joins them). ``stored``: the stored numbers of that DFN (the set, or its
    ``constant_electrolyte``); ``full``: the set. On ``variant``'s DFN (e.g. :func:`constant_electrolyte`) when given.

    Q20 is not rerun: a C/20 discharge sees neither the particle mesh nor the electrolyte's properties (the stored
    constant-electrolyte DFN's retention at C/5 is the full DFN's to three digits). The full DFN's stored Q20 serves
    both DFNs, at each sweep scale the stored one, between them proportional to the scale (the stored sweep's Q20 is,
    to 1e-4)."""
    t0 = time.time()
    p = variant(base) if variant else base
    pts, st = SET_VAR_PTS[name], SET_STRETCH.get(name)
    sw = full["thickness_sweep"][f"{MESH_SWEEP_RATE:g}C"]
    q20_1 = full["capacity_C20_Ah"]

    def q20(scale: float) -> float:
        if scale in sw["thickness_scale"]:
            return sw["capacity_C20_Ah"][sw["thickness_scale"].index(scale)]
        return q20_1 * scale

    cell = Cell(p, 1.0, pts, stretch=st, q20=q20_1)
    rates = list(stored["retention"]["c_rates"])
    ret = {c: cell.retention(c) for c in c_rates} if "retention" in what else {}
    log(f"{name}{' (' + variant.__name__ + ')' if variant else ''}: retention on the particle mesh {ret} "
        f"({time.time() - t0:.0f} s)")
    c80 = None
    if variant is None and "c80" in what:
        both = dict(zip(rates, stored["retention"]["fraction"]))
        both.update(ret)
        rr = sorted(both)
        for lo, hi in zip(rr, rr[1:]):
            if both[lo] >= 0.8 > both[hi]:
                c80 = bisect(lambda c: cell.retention(c) - 0.8, lo, hi, log=True, rel_tol=0.005)
                break
        log(f"{name}: C-rate at 80 % on the particle mesh {c80} ({time.time() - t0:.0f} s)")
    lp0 = float(base["Positive electrode thickness [m]"])
    seen: list[float] = []
    for sc in scales if "sweep" in what else ():
        seen.append(cell.retention(MESH_SWEEP_RATE) if sc == 1.0 else
                    Cell(p, sc, pts, stretch=st, q20=q20(sc)).retention(MESH_SWEEP_RATE))
        if seen[-1] < 0.8:
            break
    refine: dict[str, list[float]] = {"pos_thickness_m": [], "retention": []}
    cliff = None
    if seen and seen[-1] < 0.8 and len(seen) > 1:

        def f(sc: float) -> float:
            r = Cell(p, sc, pts, stretch=st, q20=q20(sc)).retention(MESH_SWEEP_RATE)
            refine["pos_thickness_m"].append(lp0 * sc)
            refine["retention"].append(r)
            return r - 0.8

        cliff = lp0 * bisect(f, scales[len(seen) - 2], scales[len(seen) - 1], log=False, rel_tol=MESH_SWEEP_TOL)
    log(f"{name}: {MESH_SWEEP_RATE:g}C sweep on the particle mesh {seen}, cliff {cliff} ({time.time() - t0:.0f} s)")
    return _round({"var_pts": pts, "particle_stretch": st, "what": list(what), "retention": ret, "c_rate_80pct": c80,
                   **({"sweep": {"thickness_scale": list(scales[:len(seen)]), "retention": seen, "cliff_m": cliff,
                                 "cliff_bisection": refine, "pos_thickness_m": lp0}} if "sweep" in what else {}),
                   "run_time_s": round(time.time() - t0, 1)})


def merge_particle_mesh(parts: list[dict[str, Any]], stored: dict[str, Any]) -> dict[str, Any]:
    """One :func:`run_particle_mesh` result from runs that each did part of it (their run times added). Runs at single
    C-rates or scales, without a bisection, give the 80 % C-rate and the cliff by linear interpolation between the
    points that bracket 80 % (in log C; the rerun's points and, for the C-rate, the stored rates the rerun leaves
    alone), marked ``*_method``."""
    out: dict[str, Any] = {"retention": {}, "c_rate_80pct": None, "run_time_s": 0.0}
    sweep: dict[float, float] = {}
    for p in parts:
        out.update({k: p[k] for k in ("var_pts", "particle_stretch")})
        out["retention"].update({float(c): r for c, r in p["retention"].items()})
        out["c_rate_80pct"] = p["c_rate_80pct"] if p["c_rate_80pct"] is not None else out["c_rate_80pct"]
        if "sweep" in p:
            sweep.update(zip(p["sweep"]["thickness_scale"], p["sweep"]["retention"]))
            out["sweep"] = p["sweep"] if p["sweep"]["cliff_m"] is not None else out.get("sweep", p["sweep"])
        out["run_time_s"] += p["run_time_s"]
    if out["c_rate_80pct"] is None and set(out["retention"]) - set(stored["retention"]["c_rates"]):
        both = dict(zip(stored["retention"]["c_rates"], stored["retention"]["fraction"]))
        both.update(out["retention"])
        rr = sorted(both)
        out["c_rate_80pct"] = first_crossing(rr, [both[c] for c in rr], 0.8, log_x=True)
        out["c_rate_80pct_method"] = "linear in log C between the rerun's C-rates that bracket 80 %"
    if sweep and (out.get("sweep", {}).get("cliff_m") is None):
        if 1.0 not in sweep and MESH_SWEEP_RATE in out["retention"]:  # the 2C discharge at scale 1 is the sweep's
            sweep[1.0] = out["retention"][MESH_SWEEP_RATE]
            sc = sorted(sweep)
        x = first_crossing(sc, [sweep[k] for k in sc], 0.8)
        lp0 = next(p["sweep"]["pos_thickness_m"] for p in parts if "sweep" in p)
        out["sweep"] = {"thickness_scale": sc, "retention": [sweep[k] for k in sc],
                        "cliff_m": None if x is None else lp0 * x, "cliff_bisection": {},
                        "cliff_method": "linear between the rerun's scales that bracket 80 %"}
    return out


def apply_particle_mesh(stored: dict[str, Any], new: dict[str, Any]) -> None:
    """Put :func:`run_particle_mesh`'s numbers in place of the stored ones (which move to ``coarse_particle_mesh``,
    with their mesh and the end-of-discharge states of the rates rerun); the rerun's mesh and what it covers under
    ``particle_mesh``. What was not rerun (the 80 % C-rate or the sweep when a run left them out) stays as stored."""
    key = f"{MESH_SWEEP_RATE:g}C"
    sw = stored["thickness_sweep"][key]
    coarse: dict[str, Any] = {"var_pts": stored.get("var_pts", VAR_PTS), "retention": dict(stored["retention"])}
    rates = stored["retention"]["c_rates"]
    frac = list(stored["retention"]["fraction"])
    for c, r in new["retention"].items():  # rates outside the table served the 80 % C-rate only
        if float(c) in rates:
            frac[rates.index(float(c))] = r
    stored["retention"] = dict(stored["retention"], fraction=frac)
    if new.get("c_rate_80pct") is not None:
        coarse["c_rate_80pct"] = stored["c_rate_80pct"]
        stored["c_rate_80pct"] = new["c_rate_80pct"]
        if "c_rate_80pct_method" in new:
            stored["c_rate_80pct_method"] = new["c_rate_80pct_method"]
    if "sweep" in new:
        coarse["thickness_sweep"] = {key: dict(sw)}
        ret, scales = list(sw["retention"]), list(sw["thickness_scale"])
        extra: dict[str, float] = {}
        for sc, r in zip(new["sweep"]["thickness_scale"], new["sweep"]["retention"]):
            if sc in scales:
                ret[scales.index(sc)] = r
            elif "capacity_C20_Ah" not in sw and sc > scales[-1]:  # an ablation sweep, stopped at its first scale
                scales.append(sc)  # below 80 %, goes on as far as the rerun
                ret.append(r)
            else:  # a point between the sweep's scales (for the cliff): kept beside it
                extra[f"{sc:g}"] = r
        if extra:
            stored.setdefault("particle_mesh_sweep_points", {})[key] = extra
        stored["thickness_sweep"][key] = dict(sw, retention=ret, thickness_scale=scales,
                                              cliff_m=new["sweep"]["cliff_m"],
                                              **({"cliff_bisection": new["sweep"]["cliff_bisection"]}
                                                 if "cliff_bisection" in sw else {}),
                                              **({"cliff_method": new["sweep"]["cliff_method"]}
                                                 if "cliff_method" in new["sweep"] else {}))
    if "end_of_discharge" in stored:  # the states of the discharges rerun stay with their mesh (the 80 % discharge's
        lo = min(float(c) for c in new["retention"])  # stays with the 80 % C-rate where that was not rerun)

        def moved(x: dict[str, Any]) -> bool:
            return x["c_rate"] >= lo and not (new.get("c_rate_80pct") is None and
                                              abs(x["c_rate"] / stored["c_rate_80pct"] - 1) < 1e-3)

        coarse["end_of_discharge"] = [x for x in stored["end_of_discharge"] if moved(x)]
        stored["end_of_discharge"] = [x for x in stored["end_of_discharge"] if not moved(x)]
    stored["coarse_particle_mesh"] = _round(coarse)
    stored["var_pts"] = new["var_pts"]
    off = {f"{float(c):g}": r for c, r in new["retention"].items() if float(c) not in rates}
    stored["particle_mesh"] = {"var_pts": new["var_pts"], "particle_stretch": new["particle_stretch"],
                               **({"retention_between_rates": off} if off else {}),
                               "run_time_s": new["run_time_s"], "rates": sorted(float(c) for c in new["retention"]),
                               "c_rate_80pct": new.get("c_rate_80pct") is not None,
                               "sweep_scales": new["sweep"]["thickness_scale"] if "sweep" in new else []}


def write_json(path: str, data: dict[str, Any]) -> None:
    """Write whole or not at all (temp file in the same folder, then os.replace)."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=1)
            f.write("\n")
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", nargs="?", default="tests/data/pybamm_dfn_reference.json")
    ap.add_argument("--bpx-lfp", default=None, help="path of the BPX example lfp_18650_cell_BPX.json")
    ap.add_argument("--sets", default=",".join(DEFAULT_SETS), help="comma-separated set names")
    ap.add_argument("--metadata", action="store_true",
                    help="only redo what needs no DFN run (designs, limit labels, mechanism texts, definitions) "
                         "for the stored sets")
    ap.add_argument("--constant-electrolyte", default="", metavar="SETS",
                    help="comma-separated stored sets to rerun with constant electrolyte properties (the ablation)")
    ap.add_argument("--diffusivity-only", default="", metavar="SETS",
                    help="comma-separated stored sets to rerun with only the salt diffusivity concentration-dependent "
                         "(conductivity and thermodynamic factor constant, one Bruggeman exponent)")
    ap.add_argument("--electrolyte-properties", default="", metavar="SETS",
                    help="comma-separated sets whose electrolyte D(c), conductivity and thermodynamic factor to write "
                         "into OUT (no DFN run; e.g. tests/data/pybamm_electrolyte_properties.json)")
    ap.add_argument("--pulse", default="", metavar="SETS",
                    help="comma-separated stored sets whose pulse to rerun on the pulse's particle mesh (the pulse "
                         "stored before moves to pulse_uniform_mesh)")
    ap.add_argument("--particle-mesh", default="", metavar="SETS",
                    help="comma-separated stored sets whose discharges that the particle mesh moves to rerun on their "
                         "particle mesh (run_particle_mesh); the numbers stored before move to coarse_particle_mesh")
    ap.add_argument("--particle-mesh-parts", default="full,constant_electrolyte",
                    help="which DFNs --particle-mesh reruns: full and/or constant_electrolyte")
    ap.add_argument("--particle-mesh-what", default="retention,c80,sweep",
                    help="what --particle-mesh reruns: retention, c80 and/or sweep (run_particle_mesh)")
    ap.add_argument("--particle-mesh-rates", default=",".join(f"{c:g}" for c in MESH_RATES),
                    help="the C-rates whose retention --particle-mesh reruns")
    ap.add_argument("--particle-mesh-scales", default=",".join(f"{c:g}" for c in MESH_SWEEP_SCALES),
                    help="the 2C sweep's scales --particle-mesh reruns (one scale: no bisection)")
    ap.add_argument("--particle-mesh-raw", default="", metavar="FILE",
                    help="write --particle-mesh's numbers to FILE instead of into OUT (runs that share the work)")
    ap.add_argument("--particle-mesh-join", default="", metavar="FILES",
                    help="put the numbers of --particle-mesh-raw runs (comma-separated files) into OUT")
    a = ap.parse_args(argv)
    if a.particle_mesh:
        with open(a.out, encoding="utf-8") as f:
            data = json.load(f)
        for name in [s.strip() for s in a.particle_mesh.split(",") if s.strip()]:
            st = data["sets"][name]
            base = load_set(name, a.bpx_lfp)
            for part in a.particle_mesh_parts.split(","):
                target = st if part == "full" else st[part]
                if a.particle_mesh_join:  # the runs of --particle-mesh-raw, joined and put in place
                    raws = [json.load(open(f, encoding="utf-8")) for f in a.particle_mesh_join.split(",")]
                    new = merge_particle_mesh([r[name][part] for r in raws if part in r.get(name, {})], target)
                else:
                    new = run_particle_mesh(name, base, target, st, lambda m: print(m, flush=True),
                                            None if part == "full" else constant_electrolyte,
                                            tuple(a.particle_mesh_what.split(",")),
                                            tuple(float(c) for c in a.particle_mesh_rates.split(",")),
                                            tuple(float(c) for c in a.particle_mesh_scales.split(",")))
                    if a.particle_mesh_raw:
                        write_json(a.particle_mesh_raw, {name: {part: new}})
                        continue
                apply_particle_mesh(target, new)
                if part == "full":
                    st["limiting_mechanism"] = limiting_mechanism(name, st["end_of_discharge"],
                                                                  st["thickness_sweep"], st["extra"])
                data["definitions"] = DEFINITIONS
                write_json(a.out, data)
        return
    if a.pulse:
        with open(a.out, encoding="utf-8") as f:
            data = json.load(f)
        for name in [s.strip() for s in a.pulse.split(",") if s.strip()]:
            s = data["sets"][name]
            if "var_pts" not in s["pulse"]:  # the pulse first stored, on the set's uniform mesh
                s["pulse_uniform_mesh"] = s["pulse"]
            s["pulse"] = run_pulse(name, load_set(name, a.bpx_lfp), s["capacity_C20_Ah"], s.get("var_pts", VAR_PTS),
                                   lambda m: print(m, flush=True))
            data["definitions"] = DEFINITIONS
            write_json(a.out, data)
        return
    if a.electrolyte_properties:
        out = {"pybamm_version": pybamm.__version__, "python_version": platform.python_version(),
               "generated_by": "scripts/pybamm_dfn_reference.py",
               "definition": " ".join(electrolyte_properties.__doc__.split()),
               "sets": {n: electrolyte_properties(load_set(n, a.bpx_lfp))
                        for n in sorted(s.strip() for s in a.electrolyte_properties.split(",") if s.strip())}}
        write_json(a.out, out)
        return
    for key, names, variant in (("constant_electrolyte", a.constant_electrolyte, constant_electrolyte),
                                ("diffusivity_only", a.diffusivity_only, diffusivity_only)):
        if not names:
            continue
        with open(a.out, encoding="utf-8") as f:
            data = json.load(f)
        for name in [s.strip() for s in names.split(",") if s.strip()]:
            before = data["sets"][name].get(key)
            if before and before.get("var_pts", VAR_PTS) != SET_VAR_PTS.get(name, VAR_PTS):
                data["sets"][name][f"{key}_coarse_particle_mesh"] = before
            data["sets"][name][key] = run_constant_electrolyte(
                name, load_set(name, a.bpx_lfp), data["sets"][name], lambda m: print(m, flush=True), variant)
            write_json(a.out, data)
    if a.constant_electrolyte or a.diffusivity_only:
        return
    if a.metadata:
        with open(a.out, encoding="utf-8") as f:
            data = json.load(f)
        for name, s in data["sets"].items():
            p = load_set(name, a.bpx_lfp)
            s["design"], s["extra"] = design_of(p, windows(p), MATERIALS[name])
            for st in s["end_of_discharge"]:
                st["limit"] = classify(st)
            s["limiting_mechanism"] = limiting_mechanism(name, s["end_of_discharge"], s["thickness_sweep"], s["extra"])
        data["definitions"] = DEFINITIONS
        write_json(a.out, data)
        return
    names = [s.strip() for s in a.sets.split(",") if s.strip()]
    unknown = [n for n in names if n not in SOURCES]
    if unknown:
        raise SystemExit(f"unknown set(s) {unknown}; choose from {list(SOURCES)}")
    if set(names) & set(HELD_OUT) and os.path.basename(a.out) == "pybamm_dfn_reference.json":
        raise SystemExit(f"{sorted(set(names) & set(HELD_OUT))} are held out for an independent check: write them to "
                         "their own file (tests/data/pybamm_dfn_heldout.json), not into the reference")
    data: dict[str, Any] = {}
    if os.path.exists(a.out):
        with open(a.out, encoding="utf-8") as f:
            data = json.load(f)
    sets = data.get("sets", {})

    def log(msg: str) -> None:
        print(msg, flush=True)

    for name in names:
        sets[name] = run_set(name, load_set(name, a.bpx_lfp), log)
        out = {"pybamm_version": pybamm.__version__, "python_version": platform.python_version(),
               "generated_by": "scripts/pybamm_dfn_reference.py", "definitions": DEFINITIONS,
               "sets": {k: sets[k] for k in sorted(sets)}}
        write_json(a.out, out)  # after every set, so that a long run can be used as it goes
        log(f"wrote {a.out} ({name})")


if __name__ == "__main__":
    main(sys.argv[1:])
