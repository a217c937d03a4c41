"""Electronic conduction of a porous coating: one law for the cell model and the calendering model (issue 17).

Before issue 17 a design had two electronic conductivities: the cell model's σ (1 - ε)^b with the active material's
tabulated σ (10 S/m for NMC811, a LiCoO2 electrode value from Marquis et al. 2019), and the calendering model's
composite of the active matrix and the percolating carbon network (0.065 against 0.39 Ω·cm² of electronic ASI for
BatPaC's default cell at the same porosity). The percolation route is kept, because it is the physically founded
one: the electrons of an oxide cathode travel through the carbon network (NMC's own conductivity is 1e-7 to
1e-2 S/cm depending on its lithium content, Amin & Chiang, J. Electrochem. Soc. 163 (2016) A1512), the network's
conductivity follows the percolation law of the carbon volume fraction (Stauffer & Aharony 1994), and compaction and
carbon content then move the conductivity as they do in calendering studies. Its scale also matches a measurement:
for an LG M50-like NMC811 positive (porosity 0.335, 2 wt% carbon) it gives 0.25 S/m against the 0.18 S/m that
Chen et al. (J. Electrochem. Soc. 167 (2020) 080534) measured for that electrode; the tabulated route gave 5.4 S/m.

:func:`solid_conductivity` is that law (:func:`xlcell.transport.composite_conductivity`) for one coating: the
active-matrix conductivity is the electrode's ``conductivity_S_m`` (the material library's intrinsic value), the
carbon network and its compaction effects come from the coating's calendering material (this module's library,
``xlcell/data/calendering_materials.toml``), and the porosity before calendering ε_0 from the slurry solids
fraction (0.4 by default) and the material's drying shrinkage, exactly as the calendering limits of the registry
treat a design (a design at porosity ε is a coating calendered from ε_0 to ε). A material without calendering
parameters has no carbon network term: its ``conductivity_S_m`` is then the whole solid's.

The same microstructure sets the ionic path: the through-plane tortuosity of a coating is its Bruggeman value times
sqrt(A), A = 1 + a s_c the anisotropy that compaction builds (the calendering model's geometric-mean split of the
isotropic tortuosity), so the cell model's electrolyte ASI of a coating is L sqrt(A) / (3 κ0 ε^b) whether its
porosity was typed or reached by calendering (before issue 17 only a calendered electrode had it, through an
equivalent electrolyte conductivity). The salt-depletion numbers of the rate model keep the isotropic ε^b.

The calendering context (``calendering=`` of :func:`xlcell.cell.evaluate_cell`, the registry's context
``"calendering"``) names the materials: ``pos_material`` / ``neg_material`` (a name or a
:class:`CalenderingMaterial`; default NMC811 and Graphite, BatPaC's couple), ``solids_fraction`` (0.4), and
optionally ``pos_eps_before`` / ``neg_eps_before`` (the porosity before calendering, instead of the solids fraction)
and ``anisotropic_transport`` (default True; False keeps the isotropic ε^b for the electrolyte).
"""
from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import paramsets
from .errors import InputError, UnknownMaterialError
from .params import param, validate
from .transport import anisotropy_ratio, composite_conductivity, percolation_conductivity, percolation_threshold

Array = Any

#: slurry solids volume fraction of a coating unless the calendering context gives one (illustrative default of the
#: calendering model, :func:`xlcell.calendering.calender`)
DEFAULT_SOLIDS_FRACTION = 0.4

#: the calendering material of each electrode unless the context names one: BatPaC 5.0's default couple
DEFAULT_MATERIALS = {"pos": "NMC811", "neg": "Graphite"}

_M = "Calendering material"


@dataclass(frozen=True, kw_only=True)
class CalenderingMaterial:
    """Compaction, fracture and microstructure parameters of one electrode material (SI)."""

    name: str
    eps_min: float = field(metadata=param("Minimum porosity ε_min", "-", key="eps_min", gt=0, lt=1, group=_M,
                                          doc="Porosity the coating converges to at infinite line load"))
    gamma_N_m: float = field(metadata=param("Compaction resistance γ_c", "N/mm", key="gamma_N_mm", gt=0, group=_M,
                                            doc="Line load that closes 63 % of the way from ε_0 to ε_min"))
    fracture_porosity: float = field(metadata=param("Fracture-onset porosity ε_f", "-", key="fracture_porosity", ge=0, lt=1, group=_M,
                                                    doc="Particles crack below this porosity (0 = ductile, none)"))
    bruggeman_exponent: float = field(metadata=param("Bruggeman exponent α", "-", key="bruggeman_exponent", ge=1, le=5, group=_M))
    anisotropy_coefficient: float = field(metadata=param("Anisotropy coefficient a", "-", key="anisotropy_coefficient", ge=0, group=_M,
                                                         doc="Through/in-plane tortuosity ratio = 1 + a x compaction strain"))
    percolation_threshold: float = field(metadata=param("Carbon percolation threshold φ_c0", "-", key="percolation_threshold", ge=0, lt=1, group=_M))
    percolation_exponent: float = field(metadata=param("Percolation exponent t", "-", key="percolation_exponent", gt=0, le=5, group=_M))
    threshold_shift: float = field(metadata=param("Threshold shift by compaction k_c", "-", key="threshold_shift", ge=0, le=1, group=_M,
                                                  doc="φ_c = φ_c0 (1 - k_c x compaction strain)"))
    carbon_network_conductivity_S_m: float = field(metadata=param("Carbon network prefactor σ0", "S/m", key="carbon_network_conductivity_S_m", ge=0, group=_M))
    drying_shrinkage: float = field(metadata=param("Drying shrinkage share s", "-", key="drying_shrinkage", ge=0, lt=1, group=_M,
                                                   doc="Share of the solvent volume removed by film shrinkage rather than left as pores"))
    coating_modulus_Pa: float = field(metadata=param("Coating Young's modulus", "GPa", key="coating_modulus_GPa", gt=0, group=_M))
    source: str = ""
    #: the active material of the material library the coating is made of, when its name is not one (a calibrated
    #: variant such as ``NMC811_dem``); blank: the same name
    active_material: str = ""


@functools.cache
def _library() -> dict[str, CalenderingMaterial]:
    """The records of ``data/calendering_materials.toml``, by upper-case name (names unique, case-insensitive); read
    on first use, once."""
    out: dict[str, CalenderingMaterial] = {}
    for i, r in enumerate(paramsets.records("calendering_materials", "material")):
        where = f"xlcell/data/calendering_materials.toml [[material]] {i + 1}"
        m = CalenderingMaterial(name=str(r["name"]), source=r["source"], active_material=str(r.get("active_material", "")),
                                **paramsets.si_values(CalenderingMaterial, r, where, skip=("name", "active_material"),
                                                      complete=True))
        validate(m, f"{m.name} ")
        if m.name.upper() in out:
            raise paramsets.DataFileError(f"{where}: material {m.name!r} is defined twice")
        out[m.name.upper()] = m
    return out



def __getattr__(name: str) -> Any:
    """:data:`CALENDERING_MATERIALS`: calendering parameters by upper-case material name (names as in
    :mod:`xlcell.materials`), from ``data/calendering_materials.toml``, read on first use (PEP 562), so that the import
    parses no data file (issue 15). All compaction, fracture and microstructure numbers are illustrative defaults."""
    if name == "CALENDERING_MATERIALS":
        return _library()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def get_calendering_material(name: str, extra: Mapping[str, CalenderingMaterial] | None = None) -> CalenderingMaterial:
    """Calendering parameters of a material by name (case-insensitive; ``extra`` first).

    Parameters
    ----------
    name : str
        Material name, any case (e.g. ``"nmc811"``).
    extra : mapping of str to CalenderingMaterial, optional
        Materials looked up first, keyed by upper-case name (e.g. a workbook's calendering table).
    """
    key = str(name).strip().upper()
    if extra and key in extra:
        return extra[key]
    try:
        return _library()[key]
    except KeyError:
        from .materials import lookup_order

        raise UnknownMaterialError(str(name), [m.name for m in lookup_order(extra, _library())]) from None


def _check(name: str, x: np.ndarray, ok: np.ndarray, allowed: str, scale: float = 1.0) -> None:
    bad = ~ok
    if bad.any():
        i = int(np.flatnonzero(bad.ravel())[0])
        where = f"design {i + 1}" if bad.size > 1 else None
        raise InputError(name, float(np.broadcast_to(x, bad.shape).ravel()[i]) / scale, allowed, where)


def coating_porosity(solids_fraction: Array, drying_shrinkage: Array) -> np.ndarray:
    """Porosity ε_0 of the dried, uncalendered coating from the slurry solids volume fraction φ_s.

    ε_0 = (1 - s)(1 - φ_s) / ((1 - s)(1 - φ_s) + φ_s): the solvent volume not removed by film
    shrinkage (share s) is left as pores. Falls monotonically as φ_s rises.

    Parameters
    ----------
    solids_fraction : array_like
        Slurry solids volume fraction φ_s (dimensionless, 0 < φ_s < 1).
    drying_shrinkage : array_like
        Share s of the solvent volume removed by film shrinkage while drying (dimensionless, 0 <= s < 1).
    """
    phi, s = np.asarray(solids_fraction, dtype=float), np.asarray(drying_shrinkage, dtype=float)
    _check("solids_fraction", phi, (phi > 0) & (phi < 1), "a number between 0 and 1 (exclusive)")
    _check("drying_shrinkage", s, (s >= 0) & (s < 1), "a number between 0 and 1 (0 inclusive)")
    pores = (1.0 - s) * (1.0 - phi)
    return pores / (pores + phi)


def conduction_material(part: str, calendering: Mapping[str, Any] | None = None) -> CalenderingMaterial | None:
    """The calendering material of electrode ``part`` in a calendering context, or None if it has no parameters.

    Parameters
    ----------
    part : {"pos", "neg"}
        The electrode.
    calendering : mapping, optional
        The calendering context: ``pos_material`` / ``neg_material`` (a name, an array of names, one per design, or a
        :class:`CalenderingMaterial`; default NMC811 / Graphite).
    """
    m = dict(calendering or {}).get(f"{part}_material", DEFAULT_MATERIALS[part])
    if isinstance(m, CalenderingMaterial):
        return m
    if np.ndim(m) > 0:
        return material_arrays(m)
    try:
        return get_calendering_material(str(m))
    except UnknownMaterialError:
        return None


#: the parameters of a coating without calendering parameters: no carbon network, no anisotropy (the law then gives
#: the active matrix's conductivity alone)
_NO_NETWORK = dict(eps_min=np.nan, gamma_N_m=np.nan, fracture_porosity=0.0, bruggeman_exponent=np.nan,
                   anisotropy_coefficient=0.0, percolation_threshold=0.0, percolation_exponent=2.0, threshold_shift=0.0,
                   carbon_network_conductivity_S_m=0.0, drying_shrinkage=0.0, coating_modulus_Pa=np.nan)


def material_arrays(names: Any) -> CalenderingMaterial | None:
    """One :class:`CalenderingMaterial` whose fields are arrays shaped like ``names`` (one material per design).

    A name without calendering parameters gets no carbon network and no anisotropy (:func:`solid_conductivity` then
    gives its active matrix's conductivity alone); None when no name has parameters.

    Parameters
    ----------
    names : array_like of str
        Material names, any case, one per design.
    """
    arr = np.asarray(names, dtype=object)
    uniq, inv = np.unique(arr.astype(str), return_inverse=True)
    mats = []
    for u in uniq:
        try:
            mats.append(get_calendering_material(u))
        except UnknownMaterialError:
            mats.append(None)
    if all(m is None for m in mats):
        return None
    fields = list(_NO_NETWORK)
    table = np.array([[_NO_NETWORK[f] if m is None else getattr(m, f) for f in fields] for m in mats], dtype=float)
    cols = {f: table[inv.reshape(-1), j].reshape(arr.shape) for j, f in enumerate(fields)}
    return CalenderingMaterial(name="(one per design)", source="xlcell/data/calendering_materials.toml", **cols)


def porosity_before(part: str, material: CalenderingMaterial, calendering: Mapping[str, Any] | None = None) -> np.ndarray:
    """Porosity ε_0 of electrode ``part``'s coating before calendering in a calendering context (-).

    ``{part}_eps_before`` when the context gives it, else :func:`coating_porosity` of the context's
    ``solids_fraction`` (default :data:`DEFAULT_SOLIDS_FRACTION`) and the material's drying shrinkage.

    Parameters
    ----------
    part : {"pos", "neg"}
        The electrode.
    material : CalenderingMaterial
        Its calendering material (the drying shrinkage is used).
    calendering : mapping, optional
        The calendering context.
    """
    cal = dict(calendering or {})
    if cal.get(f"{part}_eps_before") is not None:
        return np.asarray(cal[f"{part}_eps_before"], dtype=float)
    solids = cal.get("solids_fraction")
    return coating_porosity(DEFAULT_SOLIDS_FRACTION if solids is None else solids, material.drying_shrinkage)


def solid_conductivity(matrix_S_m: Array, porosity: Array, bruggeman_exponent: Array, carbon_volume_fraction: Array,
                       material: CalenderingMaterial | None, eps_before: Array | None) -> dict[str, np.ndarray]:
    """The one electronic-conduction law of a coating (module docstring): through- and in-plane conductivity (S/m).

    Parameters
    ----------
    matrix_S_m : array_like
        Active-matrix conductivity σ_m in S/m (the electrode's ``conductivity_S_m``).
    porosity : array_like
        Coating porosity ε (dimensionless).
    bruggeman_exponent : array_like
        Bruggeman exponent b of the solid phase (dimensionless; the cell design's).
    carbon_volume_fraction : array_like
        Carbon volume fraction φ of the coating (dimensionless).
    material : CalenderingMaterial or None
        The coating's calendering material (percolation threshold φ_c0, its shift k_c, exponent t, network prefactor
        σ0, anisotropy coefficient a); None: no carbon network term.
    eps_before : array_like or None
        Porosity before calendering ε_0 (dimensionless); unused without a material.

    Returns
    -------
    dict
        ``through`` and ``in_plane`` (S/m), ``network`` (σ_net, S/m), ``threshold`` (φ_c) and ``anisotropy`` (A).
    """
    eps = np.asarray(porosity, dtype=float)
    if material is None:
        zero = np.zeros_like(eps)
        through, in_plane = composite_conductivity(matrix_S_m, eps, bruggeman_exponent, zero, 1.0)
        return dict(through=through, in_plane=in_plane, network=zero, threshold=np.full_like(eps, np.nan),
                    anisotropy=np.ones_like(eps))
    phi_c = percolation_threshold(eps_before, eps, material.percolation_threshold, material.threshold_shift)
    net = percolation_conductivity(carbon_volume_fraction, phi_c, material.carbon_network_conductivity_S_m,
                                   material.percolation_exponent)
    A = anisotropy_ratio(eps_before, eps, material.anisotropy_coefficient)
    through, in_plane = composite_conductivity(matrix_S_m, eps, bruggeman_exponent, net, A)
    return dict(through=through, in_plane=in_plane, network=net, threshold=phi_c, anisotropy=A)


__all__ = ["CALENDERING_MATERIALS", "CalenderingMaterial", "DEFAULT_MATERIALS", "DEFAULT_SOLIDS_FRACTION",
           "coating_porosity", "conduction_material", "get_calendering_material", "material_arrays", "porosity_before",
           "solid_conductivity"]
