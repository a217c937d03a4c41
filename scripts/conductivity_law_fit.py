"""Each DFN set's published electrolyte conductivity κ(c) as xlcell's conductivity law (issue 13).

xlcell's law is a cubic in x = c/c0 (:func:`xlcell.transport.conductivity_factor`): κ(c)/κ(c0) = k_0 + k_1 x + k_2 x²
+ k_3 x³, k_0 = 1 - k_1 - k_2 - k_3. The sets' published laws, as PyBaMM evaluates them at its grid of concentrations
(``tests/data/pybamm_electrolyte_properties.json``, stored by ``scripts/pybamm_dfn_reference.py
--electrolyte-properties``; no DFN run), are fitted by linear least squares on the grid's points from 0 to 2 c0 (the
range a discharge's salt spans in the positive and most of the separator), with h(1) = 1 held exactly (the design's
``electrolyte_conductivity_S_m`` is κ(c0)):

* Nyman et al. 2008 (LiPF6 in EC:EMC 3:7; κ = 0.1297 c³ - 2.51 c^1.5 + 3.329 c S/m, c in mol/L): Chen2020 and the
  LFP BPX set (the c^1.5 term is not a cubic: within 0.03 κ(c0) of it on 0-2 c0);
* Capiglia et al. 1999 as Dualfoil fits it (κ = 0.0911 + 1.9101 c - 1.052 c² + 0.1554 c³): Marquis2019 (exact);
* Ecker et al. 2015's cubic: Ecker2015 (exact); Kim et al. 2011's cubic at c0 = 1.2 mol/L: NCA_Kim2011 (exact);
* Landesfeind & Gasteiger 2019 (EC:EMC 3:7, at 25 °C): ORegan2022 (within 0.03 κ(c0));
* Prada2013's (held out; PyBaMM's LFP set: a polynomial that turns negative at 4 c0, fitted on 0-2 c0 it stays > 0);
  Mohtat2020's is constant (every coefficient 0).

The fitted coefficients are :data:`CONDUCTIVITY_LAWS` (to the last digit: NCA_Kim2011's κ(0) is 2e-8 κ(c0)); ``tests/test_conductivity_law.py``
re-fits them from the stored values and holds the stored ones to the fit and the law to PyBaMM's values.

Usage::

    python scripts/conductivity_law_fit.py     # the fit of every set, its largest error and κ(0.05 c0)/κ(c0)
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from xlcell.transport import conductivity_factor  # noqa: E402

PROPERTIES = ROOT / "tests" / "data" / "pybamm_electrolyte_properties.json"
FIT_RANGE = 2.0  #: the fit's range, 0 to this many c0

#: each set's κ(c)/κ(c0) as xlcell's law (:func:`fit`, as it prints them; the module docstring gives the sources)
CONDUCTIVITY_LAWS: dict[str, dict[str, float]] = {
    "Chen2020": {"linear": 2.4040250498965747, "quadratic": -1.8291478254046805, "cubic": 0.38856731331017524},
    "Ecker2015": {"linear": 1.9207846805255897, "quadratic": -1.391681877152922, "cubic": 0.2858827287796708},
    "LFP_AboutEnergy2022": {"linear": 2.4040250498965747, "quadratic": -1.8291478254046805, "cubic": 0.38856731331017524},
    "Marquis2019": {"linear": 1.7292230013813006, "quadratic": -0.9523806019930674, "cubic": 0.1406842976105106},
    "Mohtat2020": {"linear": 0.0, "quadratic": 0.0, "cubic": 0.0},
    "NCA_Kim2011": {"linear": 2.648872063186677, "quadratic": -2.113397789562208, "cubic": 0.46452570870177756},
    "ORegan2022": {"linear": 2.305777182524295, "quadratic": -1.7204228477904366, "cubic": 0.35942884517329254},
    "Prada2013": {"linear": 2.8172706301251034, "quadratic": -2.7559671010706883, "cubic": 0.6966721384829508},
}


def load(path: Path = PROPERTIES) -> dict:
    """The stored electrolyte properties (:data:`PROPERTIES`)."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def fit(props: dict) -> dict[str, float]:
    """The least-squares cubic h(x) = 1 + k_1 (x - 1) + k_2 (x² - 1) + k_3 (x³ - 1) (h(1) = 1 exactly) through one
    set's κ(c)/κ(c0) on its grid's points from 0 to :data:`FIT_RANGE` c0; all 0 for a constant conductivity.

    Parameters
    ----------
    props : dict
        One set's entry of :data:`PROPERTIES` (``c_over_c0``, ``conductivity_S_m``).
    """
    x = np.asarray(props["c_over_c0"], dtype=float)
    kappa = np.asarray(props["conductivity_S_m"], dtype=float)
    k0 = kappa[np.flatnonzero(x == 1.0)[0]]
    m = x <= FIT_RANGE
    h, xs = kappa[m] / k0, x[m]
    if np.ptp(h) == 0.0:
        return {"linear": 0.0, "quadratic": 0.0, "cubic": 0.0}
    a = np.column_stack([xs - 1.0, xs**2 - 1.0, xs**3 - 1.0])
    coef = np.linalg.lstsq(a, h - 1.0, rcond=None)[0]
    return dict(zip(("linear", "quadratic", "cubic"), (float(c) for c in coef)))


def errors(props: dict, law: dict[str, float]) -> dict[str, float]:
    """The law against the set's values: the largest |h_law - h| on 0-2 c0 (a share of κ(c0)), both at 0.05 c0, and
    the law's κ(0)/κ(c0) (k_0)."""
    x = np.asarray(props["c_over_c0"], dtype=float)
    kappa = np.asarray(props["conductivity_S_m"], dtype=float)
    h = kappa / kappa[np.flatnonzero(x == 1.0)[0]]
    m = x <= FIT_RANGE
    got = conductivity_factor(x, **law)
    j = int(np.flatnonzero(x == 0.05)[0])
    return dict(largest=float(np.abs(got - h)[m].max()), at_005=float(h[j]), law_005=float(got[j]),
                k0=1.0 - law["linear"] - law["quadratic"] - law["cubic"])


def main() -> None:
    props = load()["sets"]
    print("| set | k_1 | k_2 | k_3 | κ(0)/κ(c0) | largest error on 0-2 c0 | κ(0.05 c0)/κ(c0): PyBaMM | law |")
    print("|---|---|---|---|---|---|---|---|")
    for name, p in props.items():
        law = fit(p)
        e = errors(p, law)
        print(f"| {name} | {law['linear']:.6f} | {law['quadratic']:.6f} | {law['cubic']:.6f} | {e['k0']:.4f} | "
              f"{e['largest']:.4f} | {e['at_005']:.3f} | {e['law_005']:.3f} |")


if __name__ == "__main__":
    main()
