"""Excel functions of the calendering model (thin wrappers over :mod:`xlcell.calendering`,
:mod:`xlcell.roll` and :mod:`xlcell.pressure_profile`).

Arguments and results are in the engineering units named in each argument (N/mm, µm, m, GPa, ms,
MPa); the conversion to SI happens through :mod:`xlcell.units` only.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from xlcell import units
from xlcell.calendering import (
    LINE_LOAD,
    CalenderingMaterial,
    Microstructure,
    calendered_thickness,
    check_compaction_law,
    coating_porosity,
    fracture_check,
    fracture_line_load,
    get_calendering_material,
    hierarchy,
    line_load_for_porosity,
    nip_pressure,
    check_fracture,
    line_load_for_pressure,
    porosity_after,
    pressure_scale,
    refusal_reasons,
    target_line_load,
)
from xlcell.cell import CellMetrics, default_design
from xlcell.errors import InfeasibleError, InputError, ShapeError, UnknownKeyError
from xlcell.params import spec_by_key, specs, to_display
from xlcell.tables import CALENDERING_COLUMNS

from . import cell as _cell_udfs
from ._excel import (
    REFUSED,
    as_2d,
    as_float,
    as_int,
    as_records,
    as_text,
    as_vector,
    excel_value,
    is_blank,
    is_blank_range,
    kv_out,
    short_text,
    spec_values,
    suspect_arguments,
    udf,
    user_names,
)
from .cell import design_from_range, materials_from_range

_OUT_SPECS = {s.key: s for s in specs(Microstructure) + specs(CellMetrics)}
_MICRO_KEYS = frozenset(s.key for s in specs(Microstructure))
_OUT_CANON = {k.lower(): k for k in _OUT_SPECS}


# ------------------------------------------------------------------ coercion helpers
def _num(v: Any, name: str, unit: str, *, default: float | None = None, lo: float | None = None,
         lo_open: bool = True, hi: float | None = None, hi_open: bool = True) -> float:
    """A number in display ``unit`` checked against (lo, hi), returned in SI."""
    x = as_float(v, name, default=default)
    bad = (lo is not None and (x <= lo if lo_open else x < lo)) or (hi is not None and (x >= hi if hi_open else x > hi))
    if bad:
        u = "" if unit == "-" else f" {unit}"
        if lo is not None and hi is not None:
            allowed = f"a number between {lo:g} and {hi:g}{u}"
        elif lo is not None:
            allowed = f"a number {'>' if lo_open else '>='} {lo:g}{u}"
        else:
            allowed = f"a number {'<' if hi_open else '<='} {hi:g}{u}"
        raise InputError(name, x, allowed)
    return float(units.to_si(x, unit))


def _line_load(v: Any, name: str = "line_load_N_mm", *, positive: bool = False) -> float:
    """A line load given in N/mm, >= 0 (> 0 with ``positive``), in N/m: every UDF's line load converts here."""
    return _num(v, name, LINE_LOAD.unit, lo=0.0, lo_open=positive)


def _porosity(v: Any, name: str) -> float:
    return _num(v, name, "-", lo=0.0, hi=1.0)


def calendering_materials_from_range(v: Any, name: str = "calendering_materials") -> dict[str, CalenderingMaterial]:
    """Calendering parameters from a table with a header row (columns of :data:`CALENDERING_COLUMNS`)."""
    out: dict[str, CalenderingMaterial] = {}
    for i, r in enumerate(as_records(v, name, CALENDERING_COLUMNS)):
        mname = as_text(r["name"], f"{name} row {i + 1} name")
        out[mname.upper()] = CalenderingMaterial(name=mname, source="workbook table",
                                                 **spec_values(r, CalenderingMaterial, mname))
    return out


def _material(name: Any, table: Any) -> CalenderingMaterial:
    return get_calendering_material(as_text(name, "material"), calendering_materials_from_range(table))


# ------------------------------------------------------------------ scalar relations
@udf()
def XLCELL_POROSITY(line_load_N_mm: Any, eps0: Any, eps_min: Any, gamma_N_mm: Any) -> float:
    """Porosity after calendering, ε = ε_min + (ε0 - ε_min)·exp(-q/γ) (Meyer et al. 2017).

    line_load_N_mm: calender line load q in N/mm of roll face, >= 0
    eps0: porosity of the coating before calendering, 0 < ε0 < 1
    eps_min: minimum porosity the material reaches, below eps0
    gamma_N_mm: compaction resistance γ in N/mm, > 0
    """
    q = _line_load(line_load_N_mm)
    return float(porosity_after(q, _porosity(eps0, "eps0"), as_float(eps_min, "eps_min"),
                                _num(gamma_N_mm, "gamma_N_mm", "N/mm", lo=0.0)))


@udf()
def XLCELL_LINE_LOAD_FOR_POROSITY(target_porosity: Any, eps0: Any, eps_min: Any, gamma_N_mm: Any) -> float:
    """Line load in N/mm that calenders a coating from ε0 to a target porosity: γ·ln((ε0-ε_min)/(ε_t-ε_min)).

    target_porosity: porosity wanted after calendering, above eps_min and at most eps0
    eps0: porosity of the coating before calendering, 0 < ε0 < 1
    eps_min: minimum porosity the material reaches
    gamma_N_mm: compaction resistance γ in N/mm, > 0
    """
    q = line_load_for_porosity(_porosity(target_porosity, "target_porosity"), _porosity(eps0, "eps0"),
                               as_float(eps_min, "eps_min"), _num(gamma_N_mm, "gamma_N_mm", "N/mm", lo=0.0))
    return float(LINE_LOAD.from_si(q))


@udf(ranges=("calendering_materials",))
def XLCELL_ADAPTIVE_LINE_LOAD(target_porosity: Any, solids_fraction: Any, material: Any,
                              calendering_materials: Any = None) -> float:
    """Line load in N/mm for a target porosity given the slurry batch's solids volume fraction φ_s.

    Compensates batch-to-batch variation; refuses targets below the material's fracture-onset porosity
    or at/below its minimum porosity.
    target_porosity: porosity wanted after calendering
    solids_fraction: slurry solids volume fraction φ_s, 0 < φ_s < 1
    material: material name, e.g. NMC811, Graphite
    calendering_materials: optional parameter table (the Calendering sheet's), searched before the library
    """
    mat = _material(material, calendering_materials)
    q, _ = target_line_load(_porosity(target_porosity, "target_porosity"), _porosity(solids_fraction, "solids_fraction"), mat)
    return float(LINE_LOAD.from_si(q))


@udf()
def XLCELL_COATING_POROSITY(solids_fraction: Any, drying_shrinkage: Any) -> float:
    """Porosity of the dried, uncalendered coating from the slurry solids volume fraction φ_s.

    ε0 = (1-s)(1-φ_s) / ((1-s)(1-φ_s) + φ_s): solvent not removed by film shrinkage leaves pores.
    solids_fraction: slurry solids volume fraction φ_s, 0 < φ_s < 1
    drying_shrinkage: share s of the solvent volume removed by shrinkage, 0 <= s < 1
    """
    return float(coating_porosity(_porosity(solids_fraction, "solids_fraction"), as_float(drying_shrinkage, "drying_shrinkage")))


@udf()
def XLCELL_CALENDERED_THICKNESS(thickness_um: Any, eps_before: Any, eps_after: Any) -> float:
    """Coating thickness in µm after calendering, from mass conservation L·(1 - ε) = const.

    thickness_um: coating thickness before calendering in µm, > 0
    eps_before: porosity before calendering, 0 <= ε < 1
    eps_after: porosity after calendering, 0 <= ε < 1, at most eps_before (calendering only compacts)
    """
    L = _num(thickness_um, "thickness_um", "µm", lo=0.0)
    return float(units.from_si(calendered_thickness(L, as_float(eps_before, "eps_before"), as_float(eps_after, "eps_after")), "µm"))


@udf()
def XLCELL_KAPPA_EFF(kappa0_S_m: Any, porosity: Any, bruggeman_exponent: Any = None) -> Any:
    """Effective ionic conductivity κ_eff = κ0·ε/τ in S/m with Bruggeman tortuosity τ = ε^(1-α).

    The same relation as XLCELL_BRUGGEMAN (κ0·ε^α), under the calendering name.
    kappa0_S_m: bulk electrolyte conductivity in S/m, > 0
    porosity: porosity ε, 0 < ε <= 1
    bruggeman_exponent: α, default 1.5
    """
    return _cell_udfs.XLCELL_BRUGGEMAN(kappa0_S_m, porosity, bruggeman_exponent)


def _nip(roll_diameter_m: Any, thickness_before_um: Any, eps_before: Any, material: Any, calendering_materials: Any):
    """The nip's (roll radius, coating thickness before calendering, porosity before, material) in SI, checked once."""
    R = 0.5 * _num(roll_diameter_m, "roll_diameter_m", "m", lo=0.0)
    L0 = _num(thickness_before_um, "thickness_before_um", "µm", lo=0.0)
    if not L0 > 0:  # a subnormal number of µm is 0 m
        raise InputError("thickness_before_um", as_float(thickness_before_um, "thickness_before_um"), "a number > 0 µm")
    mat = _material(material, calendering_materials)
    e0 = _porosity(eps_before, "eps_before")
    check_compaction_law(e0, mat.eps_min, mat.gamma_N_m, eps0_name="eps_before")
    return R, L0, e0, mat


@udf(ranges=("calendering_materials",))
def XLCELL_NIP_PRESSURE(line_load_N_mm: Any, roll_diameter_m: Any, thickness_before_um: Any, eps_before: Any,
                        material: Any, calendering_materials: Any = None) -> float:
    """Mean nip pressure in MPa: line load / nip length, nip length = sqrt(R·Δh + a²).

    R·Δh is the plastic arc of contact (R roll radius, Δh thickness reduction from the compaction law),
    a the Hertz-like elastic half-width of the roll on the thin coating, (3·q·R'·h/(2·E))^(1/3), R' = R/2.
    line_load_N_mm: line load in N/mm, >= 0
    roll_diameter_m: roll diameter in m (two equal rolls)
    thickness_before_um: coating thickness before calendering in µm
    eps_before: porosity before calendering
    material: material name (compaction law and coating modulus from the calendering table)
    calendering_materials: optional parameter table, searched before the library
    """
    q = _line_load(line_load_N_mm)
    R, L0, e0, mat = _nip(roll_diameter_m, thickness_before_um, eps_before, material, calendering_materials)
    return float(units.from_si(nip_pressure(q, R, L0, e0, mat), "MPa"))


DUCTILE = "none (ductile)"  #: what a cell shows for the fracture line load of a material that does not crack


def _fracture_value(q_N_m: float) -> Any:
    return DUCTILE if np.isinf(q_N_m) else float(LINE_LOAD.from_si(q_N_m))


@udf(ranges=("calendering_materials",))
def XLCELL_FRACTURE_LINE_LOAD(eps_before: Any, material: Any, calendering_materials: Any = None) -> Any:
    """Largest line load in N/mm before the material's particles crack (its porosity reaches ε_f).

    Returns "none (ductile)" for a material without a fracture-onset porosity (graphite), 0 when the
    coating is already at or below ε_f before calendering.
    eps_before: porosity before calendering
    material: material name, e.g. NMC811
    calendering_materials: optional parameter table, searched before the library
    """
    mat = _material(material, calendering_materials)
    e0 = _porosity(eps_before, "eps_before")
    check_compaction_law(e0, mat.eps_min, mat.gamma_N_m, eps0_name="eps_before")
    return _fracture_value(float(fracture_line_load(e0, mat)))


@udf(ranges=("calendering_materials",))
def XLCELL_FRACTURE_CHECK(line_load_N_mm: Any, eps_before: Any, material: Any, calendering_materials: Any = None) -> str:
    """A sentence for the sheet: does this line load crack the material's particles?

    "OK: ..." below the fracture line load, "WARNING: ..." at or above it (ductile materials: always OK).
    line_load_N_mm: line load in N/mm, >= 0
    eps_before: porosity before calendering
    material: material name; calendering_materials: optional parameter table
    """
    q = _line_load(line_load_N_mm)
    mat = _material(material, calendering_materials)
    r = fracture_check(q, _porosity(eps_before, "eps_before"), mat)
    if r.ductile:
        return f"OK: {mat.name} is ductile (no fracture limit)"
    eps = float(r.porosity)
    qf_mm = float(LINE_LOAD.from_si(r.fracture_line_load_N_m))
    if r.cracked:
        return (f"WARNING: {mat.name} particles crack: porosity {eps:.3f} is below the fracture-onset porosity "
                f"{mat.fracture_porosity:.3g} (line load above {qf_mm:.0f} N/mm)")
    return f"OK: below {mat.name}'s fracture line load {qf_mm:.0f} N/mm"


@udf(ranges=("calendering_materials",))
def XLCELL_PRESSURE_SCALE(line_load_N_mm: Any, roll_diameter_m: Any, thickness_before_um: Any, eps_before: Any,
                          material: Any, calendering_materials: Any = None) -> float:
    """Compaction resistance in pressure units p_c = γ / nip length in MPa, for XLCELL_PRESSURE_PROFILE.

    The nip length is that of XLCELL_NIP_PRESSURE at this line load (p_c = γ · nip pressure / line load).
    line_load_N_mm: line load in N/mm, > 0
    roll_diameter_m: roll diameter in m (two equal rolls)
    thickness_before_um: coating thickness before calendering in µm
    eps_before: porosity before calendering
    material: material name (γ, compaction law and coating modulus from the calendering table)
    calendering_materials: optional parameter table, searched before the library
    """
    q = _line_load(line_load_N_mm, positive=True)
    R, L0, e0, mat = _nip(roll_diameter_m, thickness_before_um, eps_before, material, calendering_materials)
    return float(units.from_si(pressure_scale(q, R, L0, e0, mat), "MPa"))


@udf(ranges=("calendering_materials",))
def XLCELL_LINE_LOAD_FOR_PRESSURE(pressure_MPa: Any, roll_diameter_m: Any, thickness_before_um: Any, eps_before: Any,
                                  material: Any, calendering_materials: Any = None) -> float:
    """Line load in N/mm whose mean nip pressure is pressure_MPa (the inverse of XLCELL_NIP_PRESSURE).

    pressure_MPa: mean nip pressure in MPa, > 0
    roll_diameter_m: roll diameter in m (two equal rolls)
    thickness_before_um: coating thickness before calendering in µm
    eps_before: porosity before calendering
    material: material name (compaction law and coating modulus from the calendering table)
    calendering_materials: optional parameter table, searched before the library
    """
    p = _num(pressure_MPa, "pressure_MPa", "MPa", lo=0.0)
    R, L0, e0, mat = _nip(roll_diameter_m, thickness_before_um, eps_before, material, calendering_materials)
    return float(LINE_LOAD.from_si(line_load_for_pressure(p, R, L0, e0, mat)))


# ------------------------------------------------------------------ roll
def _roll_args(line_load_N_mm, face_width_m, bearing_span_m, roll_diameter_m, bore_diameter_m, youngs_modulus_GPa):
    q = _line_load(line_load_N_mm)
    w = _num(face_width_m, "face_width_m", "m", lo=0.0)
    l = _num(bearing_span_m, "bearing_span_m", "m", lo=0.0)
    D = _num(roll_diameter_m, "roll_diameter_m", "m", lo=0.0)
    d = _num(bore_diameter_m, "bore_diameter_m", "m", default=0.0, lo=0.0, lo_open=False)
    E = _num(youngs_modulus_GPa, "youngs_modulus_GPa", "GPa", default=210.0, lo=0.0)
    return q, w, l, D, d, E


@udf()
def XLCELL_ROLL_DEFLECTION(line_load_N_mm: Any, face_width_m: Any, bearing_span_m: Any, roll_diameter_m: Any,
                           bore_diameter_m: Any = None, youngs_modulus_GPa: Any = None) -> float:
    """Mid-face bending deflection of a calender roll in µm: F(8l³ - 4lw² + w³)/(384·E·I), F = q·w.

    The line load is spread uniformly over the face, centred between the bearings (simply supported).
    Bending only (Euler-Bernoulli); XLCELL_ROLL_CROWN adds the Timoshenko shear term separately.
    line_load_N_mm: line load in N/mm, >= 0
    face_width_m: loaded face width w in m, <= bearing span
    bearing_span_m: distance between bearings l in m
    roll_diameter_m: outer diameter D in m
    bore_diameter_m: bore d in m for a hollow roll (blank = solid)
    youngs_modulus_GPa: Young's modulus in GPa (blank = 210, steel)
    """
    from xlcell.roll import roll_deflection

    return float(units.from_si(roll_deflection(*_roll_args(line_load_N_mm, face_width_m, bearing_span_m, roll_diameter_m,
                                                            bore_diameter_m, youngs_modulus_GPa)), "µm"))


@udf(table=True)
def XLCELL_ROLL_CROWN(line_load_N_mm: Any, face_width_m: Any, bearing_span_m: Any, roll_diameter_m: Any,
                      bore_diameter_m: Any = None, youngs_modulus_GPa: Any = None) -> list[list[Any]]:
    """Roll crown calculator: deflections, the compensating crown, its radius and the thermal-crown ΔT.

    Same arguments as XLCELL_ROLL_DEFLECTION. Returns (key, value) rows: mid-face bending deflection (µm,
    = XLCELL_ROLL_DEFLECTION), mid-face Timoshenko shear deflection (µm; G = E/2.6, steel ν = 0.3, Cowper's
    shear coefficient for a solid or hollow circle), the shear part of the crown (µm), the crown height per
    roll that fills bending plus shear (µm), its radius of curvature (m; "none (flat: no load)" at zero
    load), and the centre-to-edge roll temperature excess for a thermal crown (K, steel α = 12e-6 1/K).
    """
    from xlcell.roll import crown_height, crown_radius, roll_deflection, shear_deflection, thermal_crown_temperature

    q, w, l, D, d, E = _roll_args(line_load_N_mm, face_width_m, bearing_span_m, roll_diameter_m, bore_diameter_m,
                                  youngs_modulus_GPa)
    h = crown_height(q, w, l, D, d, E)
    return kv_out({
        "bending_deflection_um": float(units.from_si(roll_deflection(q, w, l, D, d, E), "µm")),
        "shear_deflection_um": float(units.from_si(shear_deflection(q, w, l, D, d, E), "µm")),
        "shear_crown_um": float(units.from_si(h - crown_height(q, w, l, D, d, E, shear=False), "µm")),
        "crown_height_um": float(units.from_si(h, "µm")),
        "crown_radius_m": float(crown_radius(h, w)) if h > 0 else "none (flat: no load)",
        "thermal_crown_K": float(thermal_crown_temperature(h, D)),
    })


#: the rows of XLCELL_NIP_1D after the quantities both nip models report (xlcell.nip.SUMMARY_KEYS)
NIP_1D_EXTRA = ("gap_um", "lumped_porosity", "pressure_scale_MPa", "eps0", "fracture_line_load_N_mm")


@udf(table=True, ranges=("calendering_materials",), wizard=False)
def XLCELL_NIP_1D(line_load_N_mm: Any, material: Any, roll_diameter_m: Any = None, thickness_before_um: Any = None,
                  solids_fraction: Any = None, poisson: Any = None, calendering_materials: Any = None) -> list[list[Any]]:
    """The calender nip's 1D roll pass: the thin-layer limit of the FE model of the Simulation sheet.

    A coating bonded to the foil slides under one rigid roll; each slice is compacted in uniaxial strain by the
    compaction law (pressure form, p_c = γ/nip length) plus elasticity (the coating modulus, Poisson ratio), then
    springs back. Returns (key, value) rows: line_load_N_mm, exit_porosity, springback_um, contact_length_mm,
    peak_pressure_MPa, exit_thickness_um, then the gap (µm) that carries the line load, the lumped law's porosity
    ε(q), p_c (MPa), ε0 and the fracture-limited line load (N/mm).
    line_load_N_mm: line load in N/mm, > 0 and at most the material's fracture limit
    material: material name (compaction law and coating modulus from the calendering table)
    roll_diameter_m: roll diameter in m (blank: 0.6)
    thickness_before_um: coating thickness before calendering in µm (blank: 170)
    solids_fraction: slurry solids volume fraction, gives ε0 (blank: 0.4)
    poisson: coating Poisson ratio, 0 <= ν < 0.5 (blank: 0.3)
    calendering_materials: optional parameter table, searched before the library
    """
    from xlcell.nip import SUMMARY_KEYS, nip_inputs, simulate_nip

    given = {"line_load_N_mm": line_load_N_mm, "material": as_text(material, "material"),
             "roll_diameter_m": roll_diameter_m, "thickness_before_um": thickness_before_um,
             "solids_fraction": solids_fraction, "poisson": poisson}
    values = {k: (v if isinstance(v, str) else as_float(v, k)) for k, v in given.items() if not is_blank(v)}
    table = calendering_materials_from_range(calendering_materials) if not is_blank_range(calendering_materials) else {}
    inputs, mat = nip_inputs(values, table)
    s = simulate_nip(inputs, mat, fe=False).summary()
    return kv_out({**{k: s[f"oned_{k}"] for k in SUMMARY_KEYS}, **{k: s[k] for k in NIP_1D_EXTRA}})


@udf(table=True, ranges=("calendering_materials",), wizard=False)
def XLCELL_POROSITY_PROFILE(line_load_N_mm: Any, material: Any, thickness_before_um: Any, eps_before: Any,
                            face_width_m: Any, bearing_span_m: Any, roll_diameter_m: Any, bore_diameter_m: Any = None,
                            crown_line_load_N_mm: Any = None, points: Any = None,
                            calendering_materials: Any = None) -> list[list[Any]]:
    """Porosity across the roll face without and with a crown, and the softening alternative.

    Spills x_mm, porosity_no_crown, porosity_crowned, line_load_no_crown_N_mm (local load of the
    uncrowned roll) and softening_dT_K (coating temperature excess that would let each strip of the
    uncrowned roll reach the nominal porosity under its local load; T_s = 30 K, illustrative).

    line_load_N_mm: nominal line load in N/mm
    material: material name (compaction law from the calendering table)
    thickness_before_um: coating thickness before calendering in µm
    eps_before: porosity before calendering
    face_width_m, bearing_span_m, roll_diameter_m, bore_diameter_m: roll geometry in m (bore blank = solid)
    crown_line_load_N_mm: line load the crown was ground for (blank = the nominal line load)
    points: number of positions across the face (blank = 21)
    calendering_materials: optional parameter table
    """
    from xlcell.roll import cross_width_profile, crown_height, profile_failure_message, softening_temperature_profile

    q, w, l, D, d, E = _roll_args(line_load_N_mm, face_width_m, bearing_span_m, roll_diameter_m, bore_diameter_m, None)
    mat = _material(material, calendering_materials)
    L0 = _num(thickness_before_um, "thickness_before_um", "µm", lo=0.0)
    e0 = _porosity(eps_before, "eps_before")
    qc = q if is_blank(crown_line_load_N_mm) else _line_load(crown_line_load_N_mm, "crown_line_load_N_mm")
    n = as_int(points, "points", default=21, minimum=2)
    if n > 1001:
        raise InputError("points", n, "a whole number between 2 and 1001")
    x = np.linspace(-0.5 * w, 0.5 * w, n)
    h = crown_height(qc, w, l, D, d, E)
    if not np.isfinite(h):
        raise InfeasibleError("the crown for this roll is not a finite number: " + suspect_arguments(
            {"crown_line_load_N_mm": crown_line_load_N_mm, "face_width_m": face_width_m, "bearing_span_m": bearing_span_m,
             "roll_diameter_m": roll_diameter_m, "bore_diameter_m": bore_diameter_m}))
    eps, qloc, capped, carried, ok = cross_width_profile(x, q, e0, L0, mat.eps_min, mat.gamma_N_m, w, l, D, d, E,
                                                         crown_m=np.array([0.0, h]), on_failure="flag")
    for i, label in enumerate(("without crown", "with crown")):
        if not ok[i]:
            raise InfeasibleError(profile_failure_message(float(carried[i]), label))
    dT = softening_temperature_profile(qloc[0], q)
    xmm = units.from_si(x, "mm")

    def shown(v: float, at_cap: bool) -> Any:  # a strip squeezed to ε_min: its load is a model limit, not a number
        return None if at_cap or not np.isfinite(v) else float(v)

    return [["x_mm", "porosity_no_crown", "porosity_crowned", "line_load_no_crown_N_mm", "softening_dT_K"]] + [
        [float(a), float(b), float(c), shown(float(LINE_LOAD.from_si(e)), k), shown(float(f), k)]
        for a, b, c, e, f, k in zip(xmm, eps[0], eps[1], qloc[0], dT, capped[0])]


# ------------------------------------------------------------------ the hierarchy
@udf(table=True, ranges=("line_loads_N_mm", "metrics", "design", "materials", "calendering_materials"))
def XLCELL_CALENDERING(material: Any, am_frac: Any, binder_frac: Any, line_loads_N_mm: Any, solids_fraction: Any = None,
                       metrics: Any = None, design: Any = None, materials: Any = None,
                       calendering_materials: Any = None) -> list[list[Any]]:
    """Composition and line load -> microstructure -> cell performance, one row per line load.

    The electrode of the material's role takes the composition and is calendered; its areal capacity
    (the base design's) is kept. Energy density and power of all line loads are one model call.
    feasible is FALSE where the particles crack (fractured); fracture_line_load_N_mm of a ductile
    material reads "none (ductile)". A line load at which the cell has no rated voltage (e.g. an LFP
    coating below percolation at 0 N/mm) keeps its microstructure numbers, rated and feasible FALSE,
    and shows "refused: " and why in its first cell-metric column (its other cell numbers blank).
    material: electrode material, e.g. NMC811 or Graphite
    am_frac: active-material mass fraction w_a
    binder_frac: binder mass fraction f_b (carbon = 1 - w_a - f_b)
    line_loads_N_mm: row or column of line loads in N/mm
    solids_fraction: slurry solids volume fraction φ_s (blank = 0.4)
    metrics: optional row/column of output keys (default: all microstructure and cell metrics)
    design: optional (key, value) design range for the rest of the cell (blank = BatPaC default cell)
    materials: optional active-material table; calendering_materials: optional calendering table
    """
    from xlcell.studies import CalenderingStudy

    q = np.array([_line_load(x, "line_loads_N_mm") for x in as_vector(line_loads_N_mm, "line_loads_N_mm")])
    base = default_design() if is_blank(design) else design_from_range(design, materials)
    name = as_text(material, "material")
    cal_table = calendering_materials_from_range(calendering_materials)
    micro, cell = hierarchy(name, as_float(am_frac, "am_frac"), as_float(binder_frac, "binder_frac"), q,
                            solids_fraction=_porosity(solids_fraction if not is_blank(solids_fraction) else CalenderingStudy().solids_fraction, "solids_fraction"),
                            base=base, materials=cal_table, active_materials=materials_from_range(materials))
    values = {**micro.as_display(), **cell.as_display()}
    keys = list(values) if is_blank_range(metrics) else _out_list(metrics)
    cols = []
    for k in keys:
        v = np.broadcast_to(np.asarray(values[k]), q.shape)
        if _OUT_SPECS[k].unit == "bool":
            cols.append(v.astype(bool).tolist())
        elif k == "fracture_line_load_N_mm":
            cols.append([DUCTILE if np.isinf(x) else float(x) for x in v.astype(float)])
        else:
            cols.append(v.astype(float).tolist())
    rows = [[excel_value(c[i]) for c in cols] for i in range(q.size)]
    cell_cols = [j for j, k in enumerate(keys) if k not in _MICRO_KEYS]
    if cell_cols:  # a line load without a rated cell: the reason in its first cell column, the other numbers blank
        for i, why in enumerate(refusal_reasons(micro)):
            if why:
                for j in cell_cols:
                    if not isinstance(rows[i][j], bool):
                        rows[i][j] = ""
                rows[i][cell_cols[0]] = short_text(f"{REFUSED}{why}")
    return [keys] + rows


def _out_list(metrics: Any) -> list[str]:
    out = []
    for r in as_2d(metrics, "metrics"):
        for c in r:
            if is_blank(c):
                continue
            k = as_text(c, "metrics").strip().lower()
            if k not in _OUT_CANON:
                raise UnknownKeyError(k, _OUT_SPECS, what="metric")
            out.append(_OUT_CANON[k])
    return out


# ------------------------------------------------------------------ optimal pressure profile
def _profile(eps0, target_porosity, eps_min, pressure_scale_MPa, nip_time_ms, tau_surface_ms, tau_foil_ms,
             effort_weight, points, terminal_weight, material=None, calendering_materials=None):
    from xlcell.pressure_profile import optimal_pressure_profile

    n = as_int(points, "points", default=41, minimum=3)
    if n > 2001:
        raise InputError("points", n, "a whole number between 3 and 2001")
    target = _porosity(target_porosity, "target_porosity")
    if not is_blank(material):  # refuse targets that crack the material's particles
        check_fracture(target, _material(material, calendering_materials))
    return optimal_pressure_profile(
        _porosity(eps0, "eps0"), target, as_float(eps_min, "eps_min"),
        _num(pressure_scale_MPa, "pressure_scale_MPa", "MPa", lo=0.0), _num(nip_time_ms, "nip_time_ms", "ms", lo=0.0),
        _num(tau_surface_ms, "tau_surface_ms", "ms", lo=0.0), _num(tau_foil_ms, "tau_foil_ms", "ms", lo=0.0),
        _num(effort_weight, "effort_weight", "-", default=1e-4, lo=0.0), points=n,
        terminal_weight=_num(terminal_weight, "terminal_weight", "-", default=1.0, lo=0.0, lo_open=False))


@udf(table=True, ranges=("calendering_materials",), wizard=False)
def XLCELL_PRESSURE_PROFILE(eps0: Any, target_porosity: Any, eps_min: Any, pressure_scale_MPa: Any, nip_time_ms: Any,
                            tau_surface_ms: Any, tau_foil_ms: Any, effort_weight: Any = None,
                            points: Any = None, terminal_weight: Any = None, material: Any = None,
                            calendering_materials: Any = None) -> list[list[Any]]:
    """Optimal nip pressure p*(t) (Pontryagin) and the constant-pressure baseline, one row per time.

    Spills time_ms, pressure_MPa, porosity, porosity_surface, porosity_foil, baseline_pressure_MPa,
    baseline_porosity, baseline_gradient, gradient.
    eps0: porosity before calendering; target_porosity: mean porosity at the nip exit
    eps_min: minimum porosity of the compaction law
    pressure_scale_MPa: compaction resistance in pressure units (γ / nip length), MPa: XLCELL_PRESSURE_SCALE
    nip_time_ms: dwell time in the nip (nip length / web speed), ms
    tau_surface_ms, tau_foil_ms: relaxation times of the surface and foil-side layers, ms
    effort_weight: penalty on (p/p_c)² relative to the squared porosity gradient (blank = 1e-4)
    points: number of time points (blank = 41)
    terminal_weight: weight of the exit gradient Δ(T)² (blank = 1)
    material: optional material name: refuses a target below its fracture-onset porosity
    calendering_materials: optional parameter table, searched before the library
    """
    prof = _profile(eps0, target_porosity, eps_min, pressure_scale_MPa, nip_time_ms, tau_surface_ms, tau_foil_ms,
                    effort_weight, points, terminal_weight, material, calendering_materials)
    cols = prof.columns()
    keys = list(cols)
    return [keys] + [[float(cols[k][i]) for k in keys] for i in range(len(cols[keys[0]]))]


@udf(table=True, ranges=("calendering_materials",), wizard=False)
def XLCELL_PRESSURE_PROFILE_SUMMARY(eps0: Any, target_porosity: Any, eps_min: Any, pressure_scale_MPa: Any,
                                    nip_time_ms: Any, tau_surface_ms: Any, tau_foil_ms: Any, effort_weight: Any = None,
                                    terminal_weight: Any = None, material: Any = None,
                                    calendering_materials: Any = None) -> list[list[Any]]:
    """Objective J = w·Δ(T)² + mean[Δ² + r·(p/p_c)²] of the optimal and the constant-pressure profile.

    Same arguments as XLCELL_PRESSURE_PROFILE (without points). Returns (key, value) rows: objective_optimal,
    objective_constant, improvement (fraction), exit_gradient_optimal, exit_gradient_constant.
    """
    prof = _profile(eps0, target_porosity, eps_min, pressure_scale_MPa, nip_time_ms, tau_surface_ms, tau_foil_ms,
                    effort_weight, None, terminal_weight, material, calendering_materials)
    shown = to_display(prof)
    return kv_out({
        "objective_optimal": shown["objective_optimal"], "objective_constant": shown["objective_constant"],
        "improvement": 1.0 - prof.objective / prof.baseline_objective,
        "exit_gradient_optimal": float(shown["gradient"][-1]), "exit_gradient_constant": float(shown["baseline_gradient"][-1]),
    })


# ------------------------------------------------------------------ tortuosity exponent from measurements
@udf(table=True, ranges=("porosities", "resistances_ohm_cm2", "thicknesses_um"))
def XLCELL_BRUGGEMAN_POSTERIOR(porosities: Any, resistances_ohm_cm2: Any, thicknesses_um: Any, kappa0_S_m: Any,
                               rel_noise: Any = None, prior_mean: Any = None, prior_sd: Any = None) -> list[list[Any]]:
    """Bayesian estimate of the Bruggeman exponent α from measured ionic resistances R = L/(κ0·ε^α).

    Returns (key, value) rows: alpha_mean, alpha_sd, alpha_map, alpha_ci_low, alpha_ci_high (95 %), n.
    porosities: row/column of coating porosities
    resistances_ohm_cm2: row/column of area-specific ionic resistances in Ω·cm² (e.g. blocking-electrode EIS)
    thicknesses_um: one thickness in µm for all, or one per measurement
    kappa0_S_m: bulk electrolyte conductivity in S/m
    rel_noise: relative measurement error (blank = 0.05)
    prior_mean, prior_sd: normal prior on α (blank = 1.5 and 1.0), truncated to 1..5
    """
    with user_names(porosity="porosities", resistance_ohm_m2=("resistances_ohm_cm2", "Ω·cm²"),
                    thickness_m=("thicknesses_um", "µm")):
        return _bruggeman_posterior(porosities, resistances_ohm_cm2, thicknesses_um, kappa0_S_m, rel_noise, prior_mean,
                                    prior_sd)


def _bruggeman_posterior(porosities, resistances_ohm_cm2, thicknesses_um, kappa0_S_m, rel_noise, prior_mean, prior_sd):
    from xlcell.tortuosity_inference import infer_bruggeman_exponent

    eps = np.array(as_vector(porosities, "porosities"))
    R = units.to_si(np.array(as_vector(resistances_ohm_cm2, "resistances_ohm_cm2")), "Ω·cm²")
    L = units.to_si(np.array(as_vector(thicknesses_um, "thicknesses_um")), "µm")
    if L.size not in (1, eps.size):
        raise ShapeError("thicknesses_um", f"{L.size} values", f"one value or {eps.size}, one per porosity")
    post = infer_bruggeman_exponent(eps, R, L if L.size > 1 else L[0], _num(kappa0_S_m, "kappa0_S_m", "S/m", lo=0.0),
                                    rel_noise=_num(rel_noise, "rel_noise", "-", default=0.05, lo=0.0),
                                    prior_mean=as_float(prior_mean, "prior_mean", default=1.5),
                                    prior_sd=_num(prior_sd, "prior_sd", "-", default=1.0, lo=0.0))
    shown = to_display(post)
    return kv_out({k: float(shown[k]) for k in ("alpha_mean", "alpha_sd", "alpha_map", "alpha_ci_low", "alpha_ci_high", "n")})


# ------------------------------------------------------------------ the parameter table
@udf(table=True)
def XLCELL_CALENDERING_MATERIALS() -> list[list[Any]]:
    """The calendering parameter library (header row of keys, one row per material, display units)."""
    from xlcell.calendering import CALENDERING_MATERIALS  # read from its data file on first use

    rows = [CALENDERING_COLUMNS]
    for m in CALENDERING_MATERIALS.values():
        rows.append([m.name] + [float(s.from_si(getattr(m, s.name))) for s in specs(CalenderingMaterial)])
    return rows


@udf(ranges=("calendering_materials",))
def XLCELL_CALENDERING_MATERIAL(material: Any, prop: Any, calendering_materials: Any = None) -> float:
    """A calendering parameter of a material in display units, e.g. eps_min, gamma_N_mm, fracture_porosity.

    material: material name, e.g. NMC811, Graphite
    prop: parameter key (a column of XLCELL_CALENDERING_MATERIALS)
    calendering_materials: optional parameter table, searched before the library
    """
    mat = _material(material, calendering_materials)
    key = as_text(prop, "prop").lower()
    by_key = {k.lower(): s for k, s in spec_by_key(CalenderingMaterial).items()}
    if key not in by_key:
        raise UnknownKeyError(key, by_key, what="calendering parameter")
    s = by_key[key]
    return float(s.from_si(getattr(mat, s.name)))


__all__ = [n for n in dir() if n.startswith("XLCELL_")] + ["calendering_materials_from_range", "CALENDERING_COLUMNS"]
