"""Reference numbers for xlcell's life model from PyBaMM (run by hand; CI reads the JSON it writes, not PyBaMM).

xlcell.degradation.cycle_life reduces four mechanisms of O'Kane et al. 2022's coupled degradation model (PyBaMM's
parameter set ``OKane2022``, LG M50) to closed forms per cycle: solvent-diffusion-limited SEI, particle cracking by
Paris' law at the diffusion-induced stress, SEI on the crack surface and stress-driven loss of active material. This
script runs PyBaMM's single-particle model with those submodels (and without lithium plating, which xlcell leaves
out) through constant-current cycles at three C-rates and one storage period, and writes what each mechanism did,
for tests/test_degradation.py to compare with the closed forms. A second set runs PyBaMM's DFN (pseudo-2D) for the
LG M50 and for the same cell with both electrodes twice as thick, to check the thickness factor of the reaction zone
(the reaction concentrated near the separator), which a single-particle model cannot show.

Usage (in a separate environment, so that xlcell does not depend on PyBaMM)::

    python3 -m venv /tmp/pyb && /tmp/pyb/bin/pip install pybamm
    /tmp/pyb/bin/python scripts/pybamm_life_reference.py tests/data/pybamm_life_reference.json
"""
from __future__ import annotations

import json
import sys

import pybamm

OPTIONS = {
    "SEI": "solvent-diffusion limited",
    "SEI on cracks": "true",
    "particle mechanics": ("swelling and cracking", "swelling only"),
    "loss of active material": "stress-driven",
}
C_RATES = (0.5, 1.0, 2.0)
CYCLES = 40
STORAGE_DAYS = 90
DFN_C_RATES = (0.5, 1.0)
DFN_CYCLES = 5
DFN_SCALES = (1.0, 2.0)  #: electrode thickness (and nominal capacity) multiplied by


def _values(sol) -> dict[str, float]:
    def last(name: str) -> float:
        return float(sol[name].entries.reshape(-1)[-1]) if sol[name].entries.ndim == 1 else float(sol[name].entries[0, -1])

    return {
        "time_s": float(sol["Time [s]"].entries[-1]),
        "throughput_Ah": float(sol["Throughput capacity [A.h]"].entries[-1]),
        "loss_sei_Ah": last("Loss of capacity to negative SEI [A.h]"),
        "loss_sei_cracks_Ah": last("Loss of capacity to negative SEI on cracks [A.h]"),
        "neg_crack_length_m": last("X-averaged negative particle crack length [m]"),
        "neg_am_fraction": last("X-averaged negative electrode active material volume fraction"),
        "pos_am_fraction": last("X-averaged positive electrode active material volume fraction"),
    }


def main(path: str) -> None:
    params = pybamm.ParameterValues("OKane2022")
    keys = ["Nominal cell capacity [A.h]", "Electrode height [m]", "Electrode width [m]", "Negative electrode thickness [m]",
            "Positive electrode thickness [m]", "Negative particle radius [m]", "Positive particle radius [m]",
            "Negative electrode active material volume fraction", "Positive electrode active material volume fraction",
            "Maximum concentration in negative electrode [mol.m-3]", "Maximum concentration in positive electrode [mol.m-3]",
            "Initial concentration in negative electrode [mol.m-3]", "Initial concentration in positive electrode [mol.m-3]",
            "Negative electrode porosity", "Positive electrode porosity"]
    out: dict = {"pybamm_version": pybamm.__version__, "parameter_set": "OKane2022", "model": "SPM",
                 "options": {k: list(v) if isinstance(v, tuple) else v for k, v in OPTIONS.items()},
                 "cell": {k: float(params[k]) for k in keys}, "cycling": {}, "storage": {}}
    model = pybamm.lithium_ion.SPM(OPTIONS)
    for c in C_RATES:
        steps = [f"Discharge at {c}C until 2.5 V", f"Charge at {c}C until 4.2 V"]
        exp = pybamm.Experiment(steps * CYCLES)
        sol = pybamm.Simulation(model, parameter_values=params, experiment=exp).solve()
        out["cycling"][f"{c:g}"] = {"c_rate": c, "cycles": CYCLES, **_values(sol)}
    out["dfn"] = {}
    dfn = pybamm.lithium_ion.DFN(OPTIONS)
    for scale in DFN_SCALES:
        for c in DFN_C_RATES:
            p = pybamm.ParameterValues("OKane2022")
            for k in ("Negative electrode thickness [m]", "Positive electrode thickness [m]", "Nominal cell capacity [A.h]"):
                p[k] *= scale
            steps = [f"Discharge at {c}C until 2.5 V", f"Charge at {c}C until 4.2 V"]
            sol = pybamm.Simulation(dfn, parameter_values=p, experiment=pybamm.Experiment(steps * DFN_CYCLES)).solve()
            crack = sol["Negative particle crack length [m]"].entries[:, -1]
            eps_n = sol["Negative electrode active material volume fraction"].entries[:, -1]
            out["dfn"][f"{scale:g}x_{c:g}C"] = {
                "thickness_scale": scale, "c_rate": c, "cycles": DFN_CYCLES,
                "nominal_Ah": float(p["Nominal cell capacity [A.h]"]),
                "throughput_Ah": float(sol["Throughput capacity [A.h]"].entries[-1]),
                "neg_crack_growth_mean_m": float(crack.mean() - params["Negative electrode initial crack length [m]"]),
                "neg_crack_growth_separator_m": float(crack[-1] - params["Negative electrode initial crack length [m]"]),
                "neg_lam_mean": float(1 - eps_n.mean() / params["Negative electrode active material volume fraction"])}
    exp = pybamm.Experiment([f"Rest for {STORAGE_DAYS * 24} hours"])
    sol = pybamm.Simulation(model, parameter_values=params, experiment=exp).solve()
    out["storage"] = {"days": STORAGE_DAYS, **_values(sol)}
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/data/pybamm_life_reference.json")
