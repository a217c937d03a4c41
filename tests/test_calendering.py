"""Tests of the calendering hierarchy: compaction law, inversion, mass conservation, transport, coupling."""
import dataclasses
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xlcell import calendering as cal
from xlcell.cell import areal_capacity, default_design, resolve
from xlcell.errors import InfeasibleError, InputError, UnknownMaterialError
from xlcell.materials import LIBRARY
from xlcell.params import specs
from xlcell.transport import effective_conductivity

NMC = cal.get_calendering_material("NMC811")
GRAPHITE = cal.get_calendering_material("graphite")


# --- compaction law (Meyer et al. 2017, J. Mater. Process. Technol. 249, 172) --------------------

def test_compaction_law_closed_form():
    # ε(q) = ε_min + (ε_0 - ε_min) exp(-q/γ): at q = γ, 1/e of the way is left
    eps = cal.porosity_after([0.0, 600e3, 1e12], 0.47, 0.18, 600e3)
    np.testing.assert_allclose(eps, [0.47, 0.18 + 0.29 / np.e, 0.18], rtol=1e-12)


@settings(max_examples=200, deadline=None)
@given(q=st.floats(0.0, 5e6), e0=st.floats(0.3, 0.7), em=st.floats(0.05, 0.25), g=st.floats(1e4, 3e6))
def test_inversion_round_trip(q, e0, em, g):
    eps = cal.porosity_after(q, e0, em, g)
    if eps - em < 1e-9 * (e0 - em):  # saturated: the law is flat there, nothing to invert
        return
    q2 = cal.line_load_for_porosity(eps, e0, em, g)
    assert q2 == pytest.approx(q, rel=1e-6, abs=1e-3)


@settings(max_examples=100, deadline=None)
@given(e0=st.floats(0.3, 0.7), em=st.floats(0.05, 0.25))
def test_porosity_falls_monotonically_towards_eps_min(e0, em):
    q = np.linspace(0.0, 5e6, 60)
    eps = cal.porosity_after(q, e0, em, 500e3)
    assert np.all(np.diff(eps) < 0)
    assert np.all(eps > em) and eps[0] == pytest.approx(e0)


def test_nmc_converges_to_higher_minimum_porosity_than_graphite():
    # Meyer et al. 2017: the NCM cathodes converge to a higher minimum porosity than graphite anodes
    assert NMC.eps_min > GRAPHITE.eps_min


def test_target_at_or_below_eps_min_is_infeasible_and_says_so():
    with pytest.raises(InfeasibleError, match="minimum porosity"):
        cal.line_load_for_porosity(0.18, 0.47, 0.18, 600e3)
    with pytest.raises(InfeasibleError, match="minimum porosity"):
        cal.line_load_for_porosity([0.3, 0.1], 0.47, 0.18, 600e3)
    with pytest.raises(InfeasibleError, match="only lowers"):
        cal.line_load_for_porosity(0.5, 0.47, 0.18, 600e3)
    assert cal.line_load_for_porosity(0.47, 0.47, 0.18, 600e3) == 0.0


def test_bad_inputs_raise_input_error_naming_the_key():
    with pytest.raises(InputError, match="line_load_N_mm = -1"):
        cal.porosity_after(-1e3, 0.47, 0.18, 600e3)
    with pytest.raises(InputError, match="eps_min"):
        cal.porosity_after(1e3, 0.2, 0.3, 600e3)
    with pytest.raises(InputError, match="gamma_N_mm"):
        cal.line_load_for_porosity(0.3, 0.47, 0.18, 0.0)


# --- adaptive pressure: ε_0 from the slurry solids fraction -------------------------------------

def test_coating_porosity_mass_balance():
    # no shrinkage: all solvent volume becomes pore, ε_0 = 1 - φ_s
    assert cal.coating_porosity(0.4, 0.0) == pytest.approx(0.6)
    # shrinkage share s: pores (1-s)(1-φ)/φ per unit solid volume
    assert cal.coating_porosity(0.4, 0.5) == pytest.approx(0.3 / 0.7)
    phi = np.linspace(0.2, 0.7, 20)
    assert np.all(np.diff(cal.coating_porosity(phi, 0.4)) < 0)


def test_adaptive_line_load_compensates_batch_variation():
    phi = np.array([0.36, 0.40, 0.44])  # three slurry batches
    q, cracked = cal.target_line_load(0.28, phi, NMC)
    assert np.all(np.diff(q) < 0)  # denser slurries need less load
    eps = cal.porosity_after(q, cal.coating_porosity(phi, NMC.drying_shrinkage), NMC.eps_min, NMC.gamma_N_m)
    np.testing.assert_allclose(eps, 0.28, rtol=1e-12)
    assert not cracked.any()
    # a fixed line load (tuned on the middle batch) misses the target on the others
    fixed = cal.porosity_after(q[1], cal.coating_porosity(phi, NMC.drying_shrinkage), NMC.eps_min, NMC.gamma_N_m)
    assert abs(fixed[0] - 0.28) > 5e-3 and abs(fixed[2] - 0.28) > 5e-3


# --- fracture limit -------------------------------------------------------------------------------

def test_fracture_limit_refuses_nmc_targets_that_graphite_reaches():
    target = 0.22
    q_g, cracked_g = cal.target_line_load(target, 0.4, GRAPHITE)
    assert np.isfinite(q_g) and not cracked_g
    with pytest.raises(InfeasibleError, match="fracture"):
        cal.target_line_load(target, 0.4, NMC)
    q_n, cracked_n = cal.target_line_load(target, 0.4, NMC, on_fracture="flag")
    assert cracked_n and q_n > cal.fracture_line_load(cal.coating_porosity(0.4, NMC.drying_shrinkage), NMC)


def test_fracture_line_load_is_where_porosity_reaches_the_fracture_porosity():
    e0 = cal.coating_porosity(0.4, NMC.drying_shrinkage)
    qf = cal.fracture_line_load(e0, NMC)
    assert cal.porosity_after(qf, e0, NMC.eps_min, NMC.gamma_N_m) == pytest.approx(NMC.fracture_porosity)
    assert np.isinf(cal.fracture_line_load(e0, GRAPHITE))  # ductile


def test_calender_flags_cracked_particles_beyond_the_limit():
    _, micro = cal.calender(default_design(), np.array([200e3, 3000e3]))
    assert list(micro.fractured) == [False, True]


# --- mass conservation ----------------------------------------------------------------------------

@settings(max_examples=100, deadline=None)
@given(L=st.floats(20e-6, 500e-6), e0=st.floats(0.3, 0.7), e1=st.floats(0.05, 0.29))
def test_mass_conservation_thickness(L, e0, e1):
    L1 = cal.calendered_thickness(L, e0, e1)
    assert L1 * (1 - e1) == pytest.approx(L * (1 - e0), rel=1e-12)
    assert L1 < L


def test_calendering_keeps_areal_capacity_and_solid_volume():
    # BatPaC 5.0 default positive: 8.0692 mAh/cm² (120 µm, ε = 0.25)
    q = np.linspace(0.0, 3e6, 7)
    cald, micro = cal.calender(default_design(), q)
    np.testing.assert_allclose(micro.areal_capacity_C_m2 / 36e3, 8.0692, rtol=1e-4)
    np.testing.assert_allclose(areal_capacity(cald.pos) / 36e3, 8.0692, rtol=1e-4)
    np.testing.assert_allclose(micro.thickness_m * (1 - micro.porosity),
                               micro.thickness_before_m * (1 - micro.eps_before), rtol=1e-12)
    # calendering to the design's own porosity gives back the design's thickness
    e0 = micro.eps_before[0]
    q25 = cal.line_load_for_porosity(0.25, e0, NMC.eps_min, NMC.gamma_N_m)
    _, m25 = cal.calender(default_design(), q25)
    assert m25.thickness_m == pytest.approx(120e-6, rel=1e-9)


# --- nip pressure ---------------------------------------------------------------------------------

def test_nip_pressure_monotone_and_invertible():
    q = np.geomspace(1e3, 5e6, 40)
    p = cal.nip_pressure(q, 0.3, 170e-6, 0.47, NMC)
    assert np.all(np.diff(p) > 0)
    np.testing.assert_allclose(cal.line_load_for_pressure(p, 0.3, 170e-6, 0.47, NMC), q, rtol=1e-9)


def test_nip_length_limits():
    # plastic limit: arc of contact sqrt(R Δh) of rolling theory (elastic part vanishes for a stiff coating)
    assert cal.nip_length(1e6, 0.3, 50e-6, 100e-6, 1e20) == pytest.approx(np.sqrt(0.3 * 50e-6), rel=1e-6)
    # elastic limit: Winkler contact q = (2/3)(E/h) a³/R' with R' = R/2
    a = cal.elastic_half_width(1e6, 0.3, 100e-6, 2e9)
    assert (2 / 3) * (2e9 / 100e-6) * a**3 / 0.15 == pytest.approx(1e6, rel=1e-12)
    assert cal.nip_length(1e6, 0.3, 0.0, 100e-6, 2e9) == pytest.approx(a)


# --- transport, percolation, anisotropy -----------------------------------------------------------

def test_bruggeman_values():
    # τ = ε^(1-α): ε = 0.25, α = 1.5 -> τ = 2, κ_eff = κ0 ε/τ = κ0/8
    d = default_design()
    e0 = 0.47
    q = cal.line_load_for_porosity(0.25, e0, NMC.eps_min, NMC.gamma_N_m)
    _, m = cal.calender(d, q, eps_before=e0, electrolyte_conductivity_S_m=1.0)
    assert m.tortuosity == pytest.approx(2.0)
    assert m.kappa_eff_S_m == pytest.approx(0.125)
    assert m.kappa_eff_S_m == pytest.approx(effective_conductivity(1.0, 0.25, 1.5))


def test_percolation_threshold_and_exponent():
    assert cal.percolation_conductivity(0.02, 0.03, 1e4) == 0.0
    assert cal.percolation_conductivity(0.04, 0.03, 1e4, 2.0) == pytest.approx(1e4 * 0.01**2)
    phi_c = cal.percolation_threshold(0.47, np.array([0.47, 0.35, 0.25]), 0.03, 0.5)
    assert phi_c[0] == 0.03 and np.all(np.diff(phi_c) < 0)  # compaction lowers the threshold


def test_calendering_switches_the_carbon_network_on_and_builds_anisotropy():
    q = np.array([0.0, 300e3, 800e3, 1500e3])
    _, m = cal.calender(default_design(), q)
    assert m.sigma_network_S_m[0] == 0.0 and np.all(np.diff(m.sigma_network_S_m) > 0)
    assert np.all(np.diff(m.anisotropy) > 0) and m.anisotropy[0] == 1.0
    assert np.all(m.tortuosity_through >= m.tortuosity_in_plane)
    assert np.all(m.sigma_in_plane_S_m >= m.sigma_through_S_m)
    _, mg = cal.calender(default_design(), q, which="neg")
    assert mg.anisotropy[-1] > m.anisotropy[-1]  # graphite flakes align more than NMC spheres


# --- coupling to the cell model --------------------------------------------------------------------

def test_coupling_lower_porosity_raises_energy_density_and_lowers_kappa_eff():
    q = np.linspace(0.0, 1500e3, 16)
    micro, cell = cal.calendering_performance(default_design(), q)
    assert cell.energy_density_J_m3.shape == q.shape  # one vectorised evaluate_cell call
    assert np.all(np.diff(micro.porosity) < 0)
    assert np.all(np.diff(cell.energy_density_J_m3) > 0)
    assert np.all(np.diff(micro.kappa_eff_S_m) < 0)
    assert np.all(np.diff(cell.asi_electrolyte_ohm_m2) > 0)
    # power has an interior optimum: percolation first, then ionic congestion
    i = int(np.argmax(cell.max_power_W))
    assert 0 < i < q.size - 1


def test_coupling_negative_electrode_keeps_np_ratio():
    q = np.array([0.0, 500e3, 1000e3])
    _, cell = cal.calendering_performance(default_design(), q, which="neg")
    np.testing.assert_allclose(cell.np_ratio, 1.1, rtol=1e-9)
    assert np.all(np.diff(cell.neg_thickness_m) < 0)


def test_hierarchy_composition_and_line_load():
    q = np.array([[200e3], [800e3]])
    w_a = np.array([0.94, 0.96])
    micro, cell = cal.hierarchy("NMC811", w_a, 0.02, q)
    assert cell.energy_J.shape == (2, 2)
    # more carbon (lower w_AM at fixed binder) -> better-percolated network
    assert np.all(micro.sigma_network_S_m[:, 0] > micro.sigma_network_S_m[:, 1])
    # areal capacity held at the base design's value
    np.testing.assert_allclose(micro.areal_capacity_C_m2 / 36e3, 8.0692, rtol=1e-4)
    with pytest.raises(InputError, match="binder_frac = 0.02: must be at most 1 - am_frac"):
        cal.hierarchy("NMC811", 0.99, 0.02, 1e5)
    with pytest.raises(UnknownMaterialError):
        cal.hierarchy("unobtainium", 0.96, 0.02, 1e5)


def test_material_table_covers_the_library_with_valid_metadata():
    # one record per active material, plus calibrated variants linked to one (NMC811_dem, issue 16)
    assert {m.active_material.upper() or k for k, m in cal.CALENDERING_MATERIALS.items()} == set(LIBRARY)
    assert {k for k, m in cal.CALENDERING_MATERIALS.items() if not m.active_material} == set(LIBRARY)
    for m in cal.CALENDERING_MATERIALS.values():
        for s in specs(m):
            s.check(getattr(m, s.name))
        assert m.source
        assert m.fracture_porosity == 0 or m.fracture_porosity > m.eps_min


def test_calender_resolves_nan_negative_and_broadcasts_design_arrays():
    d = default_design()
    d2 = dataclasses.replace(d, pos=dataclasses.replace(d.pos, thickness_m=np.array([100e-6, 140e-6])))
    cald, micro = cal.calender(d2, 500e3)
    assert micro.thickness_m.shape == (2,)
    r = resolve(d2)
    np.testing.assert_allclose(areal_capacity(cald.pos), areal_capacity(r.pos))


def test_material_bruggeman_exponent_drives_the_microstructure_outputs():
    stiff = dataclasses.replace(NMC, bruggeman_exponent=2.0)
    _, m = cal.calender(default_design(), 500e3, material=stiff)
    assert m.tortuosity == pytest.approx(m.porosity ** -1.0)
    _, m15 = cal.calender(default_design(), 500e3, material=stiff, bruggeman_exponent=1.5)
    assert m15.tortuosity == pytest.approx(m15.porosity ** -0.5)


def test_fractured_designs_are_not_feasible():
    # audit: NMC811 at 1000 N/mm reported fractured = TRUE and feasible = TRUE
    e0 = cal.coating_porosity(0.4, NMC.drying_shrinkage)
    qf = cal.fracture_line_load(e0, NMC)
    q = np.array([0.5 * qf, 0.99 * qf, 1.01 * qf, 1e6, 2e6])
    micro, cell = cal.hierarchy("NMC811", 0.96, 0.02, q)
    assert list(micro.fractured) == [False, False, True, True, True]
    assert not cell.feasible[micro.fractured].any()
    assert cell.feasible[~micro.fractured].all()  # the base design is feasible when uncracked
    # graphite (ductile) does not crack
    mg, cg = cal.hierarchy("Graphite", 0.96, 0.02, q[:1])  # (at higher loads its own diffusion limit bites)
    assert not mg.fractured.any() and cg.feasible.all()


def test_through_plane_tortuosity_reaches_the_cell_electrolyte_asi():
    # audit: the cell used the design's isotropic ε^b; now a coating's term is L τ_through/(3 κ0 ε), for the calendered
    # positive (its microstructure here) and for the negative as designed (graphite calendered from the dried
    # coating's porosity to 0.25: the same law, xlcell.conduction)
    q = np.array([0.0, 300e3, 600e3, 900e3])
    micro, cell = cal.calendering_performance(default_design(), q)
    _, iso = cal.calendering_performance(default_design(), q, anisotropic_transport=False)
    d = resolve(default_design())
    b, k0 = d.bruggeman_exponent, d.electrolyte_conductivity_S_m
    gr = cal.get_calendering_material("Graphite")
    a_n = cal.anisotropy_ratio(cal.coating_porosity(0.4, gr.drying_shrinkage), d.neg.porosity, gr.anisotropy_coefficient)
    neg = d.neg.thickness_m * np.sqrt(a_n) / (3 * k0 * d.neg.porosity**b)
    expected = (micro.thickness_m * micro.tortuosity_through / (3 * k0 * micro.porosity)
                + d.sep.thickness_m / (k0 * d.sep.porosity**b) + neg)
    np.testing.assert_allclose(cell.asi_electrolyte_ohm_m2, expected, rtol=1e-12)
    # no compaction of the positive -> its A = 1 and α = b: its isotropic value; more compaction -> higher τ_through
    # -> electrolyte ASI increasingly above the isotropic one
    pos_iso = micro.thickness_m[0] / (3 * k0 * micro.porosity[0]**b)
    assert cell.asi_electrolyte_ohm_m2[0] - neg == pytest.approx(pos_iso + d.sep.thickness_m / (k0 * d.sep.porosity**b),
                                                                 rel=1e-12)
    assert np.all(np.diff(micro.tortuosity_through) > 0)
    excess = cell.asi_electrolyte_ohm_m2 - iso.asi_electrolyte_ohm_m2
    assert np.all(np.diff(excess) > 0) and np.all(cell.asi_electrolyte_ohm_m2 / iso.asi_electrolyte_ohm_m2 > 1.01)
    assert np.all(cell.max_power_W[1:] < iso.max_power_W[1:])
    # nothing else in the cell changes: capacity, masses and the electronic ASI are those of the isotropic run; the
    # rated energy falls by exactly the extra IR drop at C/3 through the higher electrolyte ASI (one chain, issue 17)
    np.testing.assert_allclose(cell.capacity_C, iso.capacity_C, rtol=1e-12)
    np.testing.assert_allclose(cell.mass_kg, iso.mass_kg, rtol=1e-12)
    np.testing.assert_allclose(cell.asi_electronic_ohm_m2, iso.asi_electronic_ohm_m2, rtol=1e-12)
    drop = (1 / 3) * cell.pos_areal_capacity_C_m2 / 3600 * (cell.asi_electrolyte_ohm_m2 - iso.asi_electrolyte_ohm_m2)
    np.testing.assert_allclose(iso.nominal_voltage_V - cell.nominal_voltage_V, drop, rtol=1e-9, atol=1e-15)
    assert np.all(cell.energy_density_J_m3[1:] < iso.energy_density_J_m3[1:])
    np.testing.assert_allclose(micro.kappa_eff_through_S_m, k0 * micro.porosity / micro.tortuosity_through, rtol=1e-12)
    # the negative electrode (graphite aligns more): same coupling
    mg, cg = cal.calendering_performance(default_design(), q, which="neg")
    _, ig = cal.calendering_performance(default_design(), q, which="neg", anisotropic_transport=False)
    assert np.all(cg.asi_electrolyte_ohm_m2[1:] > ig.asi_electrolyte_ohm_m2[1:])


@pytest.mark.parametrize("kw,message", [
    # audit: "eps_min = 0.18 must be below eps0" without naming the solids fraction
    ({"solids_fraction": 0.8}, r"solids_fraction = 0.8: must be below 0.732 for NMC811"),
    ({"solids_fraction": 0.9}, r"solids_fraction = 0.9: must be below 0.732"),
    # audit: a divide-by-zero warning, then "pos_thickness_um = inf"
    ({"am_frac": 0.0}, r"am_frac = 0: must be a mass fraction > 0 and <= 1"),
    # audit: "pos_thickness_um = -1548.95"
    ({"am_frac": -0.5}, r"am_frac = -0.5: must be a mass fraction > 0"),
    ({"am_frac": float("nan")}, r"am_frac = nan"),
    ({"binder_frac": -0.1}, r"binder_frac = -0.1: must be a mass fraction >= 0"),
    ({"binder_frac": 1.0}, r"binder_frac = 1: must be a mass fraction >= 0 and < 1"),
])
def test_hierarchy_names_the_composition_or_slurry_argument(kw, message):
    args = {"am_frac": 0.96, "binder_frac": 0.02, "solids_fraction": 0.4, **kw}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no numpy divide-by-zero warnings on the way to the error
        with pytest.raises(InputError, match=message):
            cal.hierarchy("NMC811", args["am_frac"], args["binder_frac"], 1e5, solids_fraction=args["solids_fraction"])


def test_max_solids_fraction_is_where_the_dried_coating_reaches_eps_min():
    phi = cal.max_solids_fraction(NMC.eps_min, NMC.drying_shrinkage)
    assert cal.coating_porosity(phi, NMC.drying_shrinkage) == pytest.approx(NMC.eps_min, rel=1e-12)
    with pytest.raises(InputError, match="solids_fraction"):
        cal.target_line_load(0.3, 0.9, NMC)
    with pytest.raises(InputError, match="eps_before = 0.1"):
        cal.calender(default_design(), 1e5, eps_before=0.1)


def test_calendered_thickness_refuses_a_porosity_rise():
    # audit: eps_after > eps_before silently returned a thicker coating
    with pytest.raises(InputError, match=r"eps_after = 0.5: must be at most eps_before"):
        cal.calendered_thickness(170e-6, 0.47, 0.5)
    with pytest.raises(InputError, match="eps_after = 0.5"):
        cal.calendered_thickness(170e-6, np.array([0.47, 0.47]), np.array([0.3, 0.5]))
    assert cal.calendered_thickness(170e-6, 0.47, 0.47) == pytest.approx(170e-6)  # no compaction: unchanged


# --- a line load at which the cell has no rated voltage is flagged in its row ---------------------------------------
# The review's case: an LFP positive of 93.9/4/2.1 wt% swept from 0 N/mm. Uncalendered (ε0 = 0.474) its carbon volume
# fraction 0.0198 is below the percolation threshold φ_c0 = 0.02 (σ is the phosphate's own ~1e-8 S/m); compaction
# lowers φ_c and raises φ, so from 50 N/mm on the network conducts. The whole sweep raised "nominal_voltage_V =
# -80092.6 (design 1): must be > 0 V" because of the 0 N/mm row alone.
LFP_SWEEP = np.array([0.0, 50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0]) * 1e3


def _lfp(q, am_frac=0.939):
    return cal.hierarchy("LFP", am_frac, 0.04, q)


def _cell_columns(cell):
    return {s.name: np.asarray(getattr(cell, s.name)) for s in specs(cell)}


def test_a_sweep_flags_the_line_load_whose_coating_does_not_conduct():
    micro, cell = _lfp(LFP_SWEEP)
    assert micro.rated.tolist() == [False] + [True] * 6
    # the microstructure of that row is physical and says why: no carbon network below the percolation threshold
    assert micro.carbon_volume_fraction[0] < micro.percolation_threshold[0] and micro.sigma_network_S_m[0] == 0.0
    assert np.all(micro.carbon_volume_fraction[1:] > micro.percolation_threshold[1:])
    assert np.isfinite(micro.porosity).all() and np.isfinite(micro.sigma_through_S_m).all()
    # its cell metrics are NaN (numbers) and False (flags); the other rows are bit-identical to the sweep without it
    _, rest = _lfp(LFP_SWEEP[1:])
    for name, v in _cell_columns(cell).items():
        if v.dtype == bool:
            assert not v[0], name
            assert v[1:].tolist() == np.asarray(getattr(rest, name)).tolist(), name
        else:
            assert np.isnan(v[0]), name
            assert np.array_equal(v[1:], np.asarray(getattr(rest, name))), name
    assert not cell.feasible[0] and cell.feasible[1:].all()


def test_the_refusal_of_a_row_says_why_in_display_units():
    micro, _ = _lfp(LFP_SWEEP)
    why = cal.refusal_reasons(micro)
    assert why[1:] == [""] * 6
    assert why[0].startswith("no rated cell at 0 N/mm: the coating does not conduct (carbon volume fraction 0.0198 "
                             "below its percolation threshold 0.02")
    # 94/4/2 wt%: at 50 N/mm the network percolates, but barely: it conducts too little for a rated cell
    m2, c2 = _lfp(np.array([50e3, 100e3]), am_frac=0.94)
    assert m2.rated.tolist() == [False, True] and np.isnan(c2.energy_J[0])
    assert m2.sigma_network_S_m[0] > 0
    assert cal.refusal_reasons(m2)[0].startswith("no rated cell at 50 N/mm: the coating conducts too little")
    # a sweep whose every row is rated: nothing to say, every flag True (NMC811's default sweep)
    m3, _ = cal.calendering_performance(default_design(), LFP_SWEEP)
    assert m3.rated.all() and cal.refusal_reasons(m3) == [""] * LFP_SWEEP.size


@settings(max_examples=25, deadline=None)
@given(am=st.floats(0.930, 0.945), q=st.lists(st.floats(0.0, 2e6), min_size=2, max_size=6))
def test_a_sweeps_rows_equal_each_row_evaluated_alone(am, q):
    # per-row flagging must not couple the rows: every row of a sweep (rated or not) is that line load alone
    q = np.asarray(q)
    micro, cell = _lfp(q, am)
    cols = _cell_columns(cell)
    for i, qi in enumerate(q):
        m1, c1 = _lfp(np.array([qi]), am)
        assert bool(m1.rated[0]) == bool(micro.rated[i])
        for name, v in _cell_columns(c1).items():
            a, b = cols[name][i], v[0]
            assert a == b or (np.isnan(a) and np.isnan(b)), (name, a, b)


@pytest.mark.parametrize("args,error,message", [
    # inputs wrong for every row still raise the typed error naming the argument, as before, even in a sweep whose
    # first row is not rated
    (("LFP", 0.939, 0.04, np.array([0.0, -1e3])), InputError,
     r"line_load_N_mm = -1 \(design 2\): must be a number >= 0 N/mm"),
    (("LFP", 1.2, 0.04, LFP_SWEEP), InputError, r"am_frac = 1.2"),
    (("LFP", 0.939, 1.5, LFP_SWEEP), InputError, r"binder_frac = 1.5"),
    (("unobtainium", 0.939, 0.04, LFP_SWEEP), UnknownMaterialError, "unobtainium"),
])
def test_inputs_wrong_for_every_row_still_raise(args, error, message):
    with pytest.raises(error, match=message):
        cal.hierarchy(*args)


def test_a_flagged_row_broadcasts_with_design_arrays_the_microstructure_does_not_see():
    # a separator array (2, 1) moves the cell, not the calendered positive: the flags take the cell's shape (2, 3)
    from xlcell.design import design_from_mapping

    d = design_from_mapping({"pos_material": "LFP"})
    d = dataclasses.replace(d, sep=dataclasses.replace(d.sep, thickness_m=np.array([[15e-6], [25e-6]])))
    q = np.array([0.0, 100e3, 500e3])
    micro, cell = cal.calendering_performance(d, q, material="LFP")
    assert micro.porosity.shape == (3,) and micro.rated.shape == cell.energy_J.shape == (2, 3)
    assert micro.rated.tolist() == [[False, True, True]] * 2
    assert np.isnan(cell.energy_J[:, 0]).all() and np.isfinite(cell.energy_J[:, 1:]).all()
    _, thin = cal.calendering_performance(dataclasses.replace(d, sep=dataclasses.replace(d.sep, thickness_m=15e-6)),
                                          q[1:], material="LFP")
    assert np.array_equal(cell.energy_J[0, 1:], thin.energy_J)
    why = cal.refusal_reasons(micro)
    assert [bool(w) for w in why] == [True, False, False] * 2 and why[0] == why[3]
    # calender alone evaluates no cell: nothing to say, and refusal_reasons says so
    _, alone = cal.calender(d, q, material="LFP")
    assert alone.rated is None
    with pytest.raises(InputError, match="micro.rated = blank: must be set"):
        cal.refusal_reasons(alone)
