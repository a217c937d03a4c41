"""A hand-fused numpy kernel of the full chain's sweep outputs: the baseline of ``bench/bench_batch.py``.

``fused(L_p, eps_p, np_ratio, L_s, k)`` gives the cell cost per kWh, the cycle life and the cell-level LCOS of
BatPaC 5.0's default cell (``xlcell.cell.default_design()``) with its positive thickness and porosity, N/P ratio and
separator thickness varied, in xlcell's default context (``xlcell.lcos.model_context()``: the pouch format rated
with the cell model's ASI, the default factory with its electricity price, the default duty: the design's C-rate
and temperature, full depth, a cycle a day, 80 % end of life). It writes out, for arrays of those four inputs, the
formulas xlcell uses for these three outputs (one after the other, no validation, no dataclasses, no metadata, no
outputs beyond the three):

* the cell chain (:func:`xlcell.cell.chain`): coating densities and areal capacities, the negative thickness from
  N/P, BatPaC's pouch (:func:`xlcell.pouch.pouch_geometry`), masses and electrolyte, the electrolyte, electronic and
  charge-transfer ASIs, the hardware ASI, the rated voltage and energy;
* the cost (:func:`xlcell.cost.evaluate_cost`): bill of materials per accepted cell, the annual drivers, the 25
  power-law steps with their extra factors and energy, the cell plant's share and BatPaC's roll-up with utilities;
* the rate model at the duty (:func:`xlcell.lcos.duty_point`): the salt balance of the discharge, its depletion, the
  sphere's usable fractions, the Butler–Volmer voltage under load and the cut-off, hence the energy delivered;
* the life model (:func:`xlcell.degradation.cycle_life`): diffusion-induced stress in the reaction zone of both
  electrodes, Paris' law cracks with their SEI, SEI growth, isolated particles, and the root of the state of health
  at end of life in log N by xlcell's search (:func:`xlcell.degradation._life_root`: a safeguarded secant method,
  called like the leaf functions below, on the loss written out here);
* the LCOS (:func:`xlcell.lcos.delivered_lcos`).

Every constant (the default design's, format's, factory's, prices', yields', life parameters') is read once from
xlcell's default objects by :func:`constants` (data, not formulas), so scalar sub-expressions fold. Three leaf
functions of xlcell on plain arrays are called rather than copied, being long and not where a chain's time goes:
the conduction law of a coating (:func:`xlcell.conduction.solid_conductivity`: percolating carbon and compaction
anisotropy), the exact sphere's usable fraction (:func:`xlcell.cell.sphere_usable_fraction`, a table lookup) and the
salt's depletion time (``xlcell.cell._depletion_time``, a Newton solve over the designs that deplete); and a fourth,
the life's root search (``xlcell.degradation._life_root``), is the algorithm both share: the kernel gives it its own
written-out loss, so the two do the same number of evaluations of the same formulas. ``bench/bench_batch.py`` asserts that the kernel agrees with xlcell to 1e-9 (which also guards the kernel).
"""
from __future__ import annotations

import math

import numpy as np

from xlcell import conduction
from xlcell.bom import MaterialPrices, MaterialYields, Slurry, resolve_prices
from xlcell.cell import _depletion_time, default_design, sphere_usable_fraction
from xlcell.constants import FARADAY, GAS_CONSTANT, SECONDS_PER_HOUR, SECONDS_PER_YEAR
from xlcell.cost import Factory
from xlcell.degradation import DIFFUSIVITY_REFERENCE_K, MechanicsParams, SEIParams, _life_root
from xlcell.duty import Duty
from xlcell.pouch import CellFormat
from xlcell.params import specs


def _vals(obj) -> dict:
    return {s.name: np.asarray(getattr(obj, s.name), dtype=float) if s.unit != "text" else getattr(obj, s.name)
            for s in specs(obj)}


def constants() -> dict:
    """Every input of the chain but the four varied ones, from xlcell's defaults (scalars and the step columns)."""
    d = default_design()
    fac = Factory()
    c = dict(cell=_vals(d), pos=_vals(d.pos), neg=_vals(d.neg), sep=_vals(d.sep), fmt=_vals(CellFormat()),
             plant=_vals(fac.plant), econ=_vals(fac.economics), prices=_vals(resolve_prices(d, MaterialPrices())),
             yields={k: np.asarray(v, dtype=float) for k, v in MaterialYields().effective().items()},
             slurry=_vals(Slurry()), sei=_vals(SEIParams()), mech=_vals(MechanicsParams()), duty=_vals(Duty()),
             steps={k: (v if isinstance(v, tuple) else np.asarray(v, dtype=float)) for k, v in fac.steps.columns.items()})
    for part in ("pos", "neg"):
        e = c[part]
        w = np.stack([e["am_frac"], e["carbon_frac"], e["binder_frac"]], axis=-1)
        r = np.stack([e["am_density_kg_m3"], e["carbon_density_kg_m3"], e["binder_density_kg_m3"]], axis=-1)
        e["inv_density"] = np.sum(w / r, axis=-1)  # Σ w_i / ρ_i of the coating's solids
        mat = conduction.conduction_material(part, None)
        e["material"] = mat
        e["eps_before"] = conduction.porosity_before(part, mat, None)
    assert float(c["fmt"]["whole_bicells"]) == 0.0 and float(c["plant"]["machine_sizing"]) == 0.0
    assert float(c["plant"]["stranded_capital"]) == 0.0 and float(c["econ"]["cost_of_capital"]) == 0.0
    assert np.all(np.isnan(c["steps"]["machines"])) and float(c["slurry"]["credit_nmp_recovery"]) == 0.0
    return c


def neg_thickness(L_p: np.ndarray, eps_p: np.ndarray, np_ratio: np.ndarray, k: dict) -> np.ndarray:
    """The negative coating's thickness (m) that gives the N/P ratio (:func:`xlcell.cell.neg_thickness_for_np`)."""
    p, n = k["pos"], k["neg"]
    qa_p = L_p * ((1.0 - eps_p) / p["inv_density"]) * p["am_frac"] * p["specific_capacity_C_kg"]
    return np_ratio * qa_p / (1.0 * ((1.0 - n["porosity"]) / n["inv_density"]) * n["am_frac"] * n["specific_capacity_C_kg"])


def cell_cost(L_p: np.ndarray, eps_p: np.ndarray, L_n: np.ndarray, eps_n: np.ndarray, L_s: np.ndarray, k: dict) -> dict:
    """The cell chain and the cell cost ($ per accepted cell) of the designs; any entry of ``k`` may be an array
    (one value per design: a Monte Carlo's sampled parameters and prices).

    Parameters
    ----------
    L_p, eps_p, L_n, eps_n, L_s : ndarray
        Coating thicknesses (m) and porosities of the positive and negative, separator thickness (m).
    k : dict
        :func:`constants`, entries possibly replaced by arrays.

    Returns
    -------
    dict
        ``cost`` ($), ``energy`` (J) and the chain's values the rate and life models read.
    """
    cl, p, n, s, f = k["cell"], k["pos"], k["neg"], k["sep"], k["fmt"]
    T, b, A = cl["temperature_K"], cl["bruggeman_exponent"], cl["electrode_area_m2"]
    # ---- electrodes: coating density, areal capacity
    rho_p = (1.0 - eps_p) / p["inv_density"]
    rho_n = (1.0 - eps_n) / n["inv_density"]
    qa_p = L_p * rho_p * p["am_frac"] * p["specific_capacity_C_kg"]
    qa_n = L_n * rho_n * n["am_frac"] * n["specific_capacity_C_kg"]
    q_lim = np.minimum(qa_p, qa_n)
    capacity = q_lim * A
    ocv = p["potential_V"] - n["potential_V"]
    # ---- BatPaC's pouch of stacked bicells
    t = f["cell_thickness_m"]
    pitch = p["foil_thickness_m"] + n["foil_thickness_m"] + 2.0 * (L_s + L_p + L_n)
    n_bi = (t - (2.0 * f["pouch_thickness_m"] + n["foil_thickness_m"])) / pitch * f["packing_factor"]
    W = np.sqrt(A / (2.0 * n_bi * f["aspect_ratio"]))
    Le = f["aspect_ratio"] * W
    o = f["neg_oversize_m"]
    x_neg = (W + o) * (Le + o) / (W * Le) - 1.0
    l_tab = f["tab_length_factor"] * t
    c_t = l_tab - (0.1 * t + 2e-3)
    e_ft = np.where(W > f["wide_electrode_m"], f["wide_feedthrough_width_m"], f["feedthrough_width_m"])
    term_area = (f["weld_tab_m"] + f["feedthrough_m"]) * e_ft + c_t * (W - 2.0 * f["tab_inset_m"])
    term_len = f["weld_tab_m"] + f["feedthrough_m"] + c_t
    cell_w = W + 2.0 * f["edge_to_fold_m"] + f["sep_oversize_width_m"]
    cell_l = Le + 2.0 * (term_len + (0.1 * t + 2e-3))
    pouch_area = ((cell_w + 2.0 * t + f["seal_buffer_m"]) + (cell_w + f["seal_buffer_m"])) * (cell_l - 2.0 * f["weld_tab_m"])
    path = Le / 3.0 + l_tab
    asi_hw = ((A / n_bi) * path / (W * p["foil_thickness_m"] * f["pos_foil_conductivity_S_m"])
              + (A / n_bi) * path / (W * n["foil_thickness_m"] * f["neg_foil_conductivity_S_m"])
              + A * f["terminal_path_factor"] * term_len / (e_ft * f["pos_terminal_thickness_m"] * f["pos_foil_conductivity_S_m"])
              + A * f["terminal_path_factor"] * term_len / (e_ft * f["neg_terminal_thickness_m"] * f["neg_foil_conductivity_S_m"])
              + f["asi_pack_share_ohm_m2"])
    A_n = A * (1.0 + x_neg)
    pos_foil_area = n_bi * W * (Le + l_tab)
    neg_foil_area = (n_bi + 1.0) * (W + o) * (Le + l_tab - f["neg_tab_shortening_m"] + o)
    sep_area = 2.0 * n_bi * (W + f["sep_oversize_width_m"]) * (Le + f["sep_oversize_length_m"])
    m_pos = L_p * A * rho_p
    m_neg = L_n * A_n * rho_n
    v_pores = m_pos / rho_p * eps_p + m_neg / rho_n * eps_n + sep_area * L_s * s["porosity"]
    v_elyte = v_pores * (1.0 + cl["electrolyte_excess"]) + f["envelope_fill"] * (t * W * Le)
    # ---- ASIs: electrolyte (through-plane, anisotropic), electronic, charge transfer; rated voltage and energy
    k0 = cl["electrolyte_conductivity_S_m"]
    cond = {}
    for part, e, L, eps, rho in (("pos", p, L_p, eps_p, rho_p), ("neg", n, L_n, eps_n, rho_n)):
        cond[part] = conduction.solid_conductivity(e["conductivity_S_m"], eps, b, rho * e["carbon_frac"] / e["carbon_density_kg_m3"],
                                                   e["material"], e["eps_before"])
    asi_el = (L_p * np.sqrt(cond["pos"]["anisotropy"]) / (3.0 * (k0 * eps_p ** b)) + L_s / (k0 * s["porosity"] ** b)
              + L_n * np.sqrt(cond["neg"]["anisotropy"]) / (3.0 * (k0 * eps_n ** b)))
    asi_e = L_p / (3.0 * cond["pos"]["through"]) + L_n / (3.0 * cond["neg"]["through"])

    def asi_ct(e, L, rho):
        a = 3.0 * (rho * e["am_frac"] / e["am_density_kg_m3"]) / e["particle_radius_m"]
        cover = np.minimum(0.99, e["binder_blinding"] * ((e["binder_frac"] / e["binder_density_kg_m3"]) / (e["am_frac"] / e["am_density_kg_m3"])))
        return GAS_CONSTANT * T / (FARADAY * e["exchange_current_A_m2"] * (a * (1.0 - cover)) * L), a * (1.0 - cover)

    ct_p, a_p = asi_ct(p, L_p, rho_p)
    ct_n, a_n = asi_ct(n, L_n, rho_n)
    asi_ec = asi_el + asi_e + ct_p + ct_n
    v_nom = ocv - f["nominal_c_rate_per_h"] * q_lim / SECONDS_PER_HOUR * (asi_ec + asi_hw)
    energy = capacity * v_nom
    # ---- cost: materials per accepted cell at the plant's output, drivers, 25 steps, cell plant, roll-up
    pr, y, sl, pl, ec, st = k["prices"], k["yields"], k["slurry"], k["plant"], k["econ"], k["steps"]
    Yc = np.prod(st["cell_yield"], axis=-1)
    ye, yf, ys, yl = y["electrode"], y["foil"], y["separator"], y["electrolyte"]
    pa_pos_am = m_pos * p["am_frac"] / (Yc * ye)
    pa_neg_am = m_neg * n["am_frac"] / (Yc * ye)
    pa_pos_solvent = sl["pos_solvent_to_binder"] * m_pos * p["binder_frac"] / (Yc * ye)
    pa_neg_solvent = sl["neg_solvent_to_binder"] * m_neg * n["binder_frac"] / (Yc * ye)
    n_acc = pl["plant_energy_J_yr"] / energy
    n_built = n_acc / Yc
    hw_scale = (pr["hardware_baseline_cells"] / n_built) ** (1.0 - pr["hardware_volume_exponent"])
    term_p, term_n = term_area * f["pos_terminal_thickness_m"] * f["pos_terminal_density_kg_m3"], \
        term_area * f["neg_terminal_thickness_m"] * f["neg_terminal_density_kg_m3"]
    materials = (pa_pos_am * pr["pos_am_usd_kg"] + m_pos * p["carbon_frac"] / (Yc * ye) * pr["pos_carbon_usd_kg"]
                 + m_pos * p["binder_frac"] / (Yc * ye) * pr["pos_binder_usd_kg"] + pa_pos_solvent * Yc * pr["pos_solvent_usd_kg"]
                 + pa_neg_am * pr["neg_am_usd_kg"] + m_neg * n["carbon_frac"] / (Yc * ye) * pr["neg_carbon_usd_kg"]
                 + m_neg * n["binder_frac"] / (Yc * ye) * pr["neg_binder_usd_kg"] + pa_neg_solvent * pr["neg_solvent_usd_kg"]
                 + pos_foil_area / (Yc * yf) * pr["pos_foil_usd_m2"] + neg_foil_area / (Yc * yf) * pr["neg_foil_usd_m2"]
                 + sep_area / (Yc * ys) * pr["separator_usd_m2"] + v_elyte / (Yc * yl) * pr["electrolyte_usd_m3"]
                 + (term_p * pr["pos_terminal_usd_kg"] + pr["pos_terminal_plus_usd"] * hw_scale) / Yc
                 + (term_n * pr["neg_terminal_usd_kg"] + pr["neg_terminal_plus_usd"] * hw_scale) / Yc
                 + (pouch_area * f["pouch_thickness_m"] * f["pouch_density_kg_m3"] * pr["pouch_usd_kg"] + pr["pouch_plus_usd"] * hw_scale) / Yc)
    ea = n_built * (A + A_n)
    drv = dict(pos_am_kg=n_acc * pa_pos_am, neg_am_kg=n_acc * pa_neg_am, pos_area_m2=n_built * A, neg_area_m2=n_built * A_n,
               electrode_area_m2=ea, cells_built=n_built, sheets=n_built * (2.0 * n_bi + 1.0), assembly_cells=n_built,
               dry_room=np.maximum(n_built / pl["baseline_cells_built"], ea / pl["baseline_electrode_area_m2"]),
               modules=n_acc / pl["cells_per_module"], packs=n_acc / pl["cells_per_module"] / pl["modules_per_pack"],
               energy_J=n_acc * energy, nmp_kg=n_acc * pa_pos_solvent, water_kg=n_acc * pa_neg_solvent)
    base = {"": None, "pos_solvent_per_area": drv["nmp_kg"] / drv["pos_area_m2"] / pl["baseline_pos_solvent_kg_m2"],
            "neg_solvent_per_area": drv["water_kg"] / drv["neg_area_m2"] / pl["baseline_neg_solvent_kg_m2"],
            "capacity": capacity / pl["baseline_capacity_C"], "formation_capacity": capacity / pl["baseline_capacity_C"],
            "modules_per_pack": pl["modules_per_pack"] / pl["baseline_modules_per_pack"]}
    days = pl["baseline_days"] / pl["operating_days"]
    labor = capex = area = energy_use = total_area = building = 0.0
    for j, name in enumerate(st["name"]):
        r = drv[st["driver"][j]] / st["baseline"][j]
        lr = np.log(r)
        dfac = days if st["days_factor"][j] > 0.5 else 1.0
        fl = st["labor0_s"][j] * np.exp(st["labor_exp"][j] * lr)
        fc = st["capex0_usd"][j] * dfac * np.exp(st["capex_exp"][j] * lr)
        fa = st["area0_m2"][j] * dfac * np.exp(st["area_exp"][j] * lr)
        kind = st["extra"][j]
        if kind:
            x = base[kind] ** st["extra_exp"][j]
            on = st["extra_on"][j].upper()
            fl, fc, fa = (fl * x if "L" in on else fl), (fc * x if "C" in on else fc), (fa * x if "A" in on else fa)
            if kind == "formation_capacity":
                fc = fc * np.where(capacity > pl["large_cell_C"], pl["large_cell_capex_factor"], 1.0)
        share = st["cell_share"][j]
        total_area = total_area + fa
        if st["building"][j] > 0.5:
            building = building + fc
        else:
            capex = capex + share * fc
        labor = labor + share * fl
        area = area + share * fa
        edrv = drv[st["energy_driver"][j] or st["driver"][j]]
        energy_use = energy_use + share * (st["energy_J_per_unit"][j] * edrv)
    capex = capex + building * np.where(total_area > 0, area / total_area, 0.0)
    bld_usd = ec["building_cost_usd_m2"] * area
    Lb = ec["labor_rate_usd_s"] * labor / n_acc
    dep = (capex / ec["equipment_life_yr"] + bld_usd / ec["building_life_yr"]) / n_acc
    voh = ec["voh_labor"] * Lb + ec["voh_depreciation"] * dep
    util = ec["electricity_usd_J"] * energy_use / n_acc
    cost = (materials + Lb + voh + util) + (dep + ec["maintenance_rate"] * capex / n_acc
                                           + (ec["gsa_labor"] * (Lb + voh) + ec["gsa_depreciation"] * dep) + ec["rnd_depreciation"] * dep)
    return dict(cost=cost, energy=energy, capacity=capacity, q_lim=q_lim, qa_p=qa_p, qa_n=qa_n, ocv=ocv, A_n=A_n,
                rho_p=rho_p, rho_n=rho_n, asi_el=asi_el, asi_e=asi_e, asi_hw=asi_hw, ct_p=ct_p, ct_n=ct_n, a_p=a_p,
                a_n=a_n)


def fused(L_p: np.ndarray, eps_p: np.ndarray, np_ratio: np.ndarray, L_s: np.ndarray, k: dict) -> dict[str, np.ndarray]:
    """Cell cost per kWh ($/kWh), cycle life (equivalent full cycles) and cell LCOS ($/kWh) of the designs.

    Parameters
    ----------
    L_p, eps_p, np_ratio, L_s : ndarray
        Positive coating thickness (m), positive porosity, N/P ratio, separator thickness (m).
    k : dict
        :func:`constants`.
    """
    cl, p, n, s = k["cell"], k["pos"], k["neg"], k["sep"]
    T, b, A, k0 = cl["temperature_K"], cl["bruggeman_exponent"], cl["electrode_area_m2"], cl["electrolyte_conductivity_S_m"]
    L_n = neg_thickness(L_p, eps_p, np_ratio, k)
    c = cell_cost(L_p, eps_p, L_n, n["porosity"], L_s, k)
    cost, energy, capacity, q_lim, qa_p, qa_n, ocv, A_n = (c[x] for x in ("cost", "energy", "capacity", "q_lim", "qa_p",
                                                                           "qa_n", "ocv", "A_n"))
    rho_p, rho_n, asi_el, asi_e, asi_hw, ct_p, ct_n, a_p, a_n = (c[x] for x in ("rho_p", "rho_n", "asi_el", "asi_e", "asi_hw",
                                                                                 "ct_p", "ct_n", "a_p", "a_n"))
    # ---- rate model at the duty (the design's C-rate and temperature): usable fraction and voltage under load
    du = k["duty"]
    c_rate = cl["c_rate_per_h"]
    t_dis = SECONDS_PER_HOUR / c_rate
    i = q_lim * c_rate / SECONDS_PER_HOUR
    D0, c0 = cl["electrolyte_diffusivity_m2_s"], cl["electrolyte_concentration_mol_m3"]
    D_p, D_n, D_s = D0 * eps_p ** b, D0 * n["porosity"] ** b, D0 * s["porosity"] ** b
    kk = (1.0 - cl["transference_number"]) * i / FARADAY
    n_e_p = kk * L_p / (c0 * D_p)
    h_u = L_p / (2.0 * D_p)
    a_ = eps_p * L_p * h_u / 3.0
    b0, b1 = s["porosity"] * L_s * h_u, n["porosity"] * L_n * h_u
    cs0, cs1, cs2 = s["porosity"] * L_s ** 2 / (2.0 * D_s), n["porosity"] * L_n * L_s / D_s, n["porosity"] * L_n ** 2 / (3.0 * D_n)
    m0, m1 = s["porosity"] * L_s, eps_p * L_p + n["porosity"] * L_n
    disc = (b0 + b1) ** 2 + 4.0 * a_ * np.maximum(c0 * (m0 + m1) / kk - (cs0 + cs1 + cs2), 0.0)
    phi_steady = np.clip((-(b0 + b1) + np.sqrt(disc)) / (2.0 * a_), 0.0, 1.0)
    tau_p = 4.0 / np.pi ** 2 * L_p ** 2 / D_p
    tau_c = 4.0 / np.pi ** 2 * (L_p + L_s + L_n) * (L_p / D_p + L_s / D_s + L_n / D_n)
    X = kk * ((a_ + b1 + cs2) + (b0 + cs1) + cs0) / (c0 * (m0 + m1))
    x_p = np.minimum(n_e_p / 2.0, X)
    whole = np.minimum(1.0, _depletion_time(x_p, X - x_p, tau_p, tau_c) / t_dis)
    phi = whole + (1.0 - whole) * phi_steady
    n_s_p = p["particle_radius_m"] ** 2 / p["solid_diffusivity_m2_s"] / t_dis
    n_s_n = n["particle_radius_m"] ** 2 / n["solid_diffusivity_m2_s"] / t_dis
    u_p = phi * sphere_usable_fraction(n_s_p / np.maximum(phi, 1e-12), 0.0)
    u_n = sphere_usable_fraction(n_s_n, 0.0)
    two_rt_f = 2.0 * GAS_CONSTANT * T / FARADAY
    v_load = (ocv - i * (asi_el + asi_e + asi_hw) - two_rt_f * np.arcsinh(i / (2.0 * (GAS_CONSTANT * T / (FARADAY * ct_p))))
              - two_rt_f * np.arcsinh(i / (2.0 * (GAS_CONSTANT * T / (FARADAY * ct_n)))))
    v_cut = 0.7 * ocv
    f_v = (1.0 - np.clip((ocv - v_load) / (ocv - v_cut), 0.0, 1.0)) ** cl["ocv_tail"]
    e_u = capacity * (np.minimum(u_p, u_n) * f_v) * du["dod"] * np.maximum(v_load, 0.0)
    # ---- life: stress in the reaction zone of each electrode, then the root of the state of health at end of life
    me, sei = k["mech"], k["sei"]
    dod_f = (me["dod_stress_base"] + me["dod_stress_slope"] * du["dod"]) / (me["dod_stress_base"] + me["dod_stress_slope"])
    stress = {}
    for part, e, L, eps, ct, a_e in (("neg", n, L_n, n["porosity"], ct_n, a_n), ("pos", p, L_p, eps_p, ct_p, a_p)):
        m = {key[4:]: v for key, v in me.items() if key.startswith(part + "_")}
        nu = np.sqrt((L / (k0 * eps ** b) + L / (e["conductivity_S_m"] * (1.0 - eps) ** b)) / ct)
        fz = np.where(nu > 1e-6, nu / np.tanh(np.maximum(nu, 1e-6)), 1.0 + nu * nu / 3.0) if me["reaction_zone"] > 0.5 else 1.0
        j_z = fz * (q_lim * c_rate / SECONDS_PER_HOUR / (A_n / A if part == "neg" else 1.0)) / (FARADAY * a_e * L)
        D = e["solid_diffusivity_m2_s"] * math.exp(-m["diffusivity_activation_energy_J_mol"] / GAS_CONSTANT * (1.0 / T - 1.0 / DIFFUSIVITY_REFERENCE_K))
        theta = 2.0 * m["partial_molar_volume_m3_mol"] ** 2 * m["youngs_modulus_Pa"] / (9.0 * GAS_CONSTANT * T * (1.0 - m["poisson_ratio"]))
        sigma = m["partial_molar_volume_m3_mol"] * m["youngs_modulus_Pa"] * (
            j_z * e["particle_radius_m"] / (5.0 * D * (1.0 + theta * m["mean_concentration_mol_m3"]))) / (3.0 * (1.0 - m["poisson_ratio"]))
        t_ten = SECONDS_PER_HOUR / (c_rate * fz)
        K = m["cracks"] * m["cracking_rate"] * (sigma * m["paris_b"] * np.sqrt(np.pi)) ** m["paris_m"] * t_ten / SECONDS_PER_HOUR * dod_f
        lam = m["lam_rate_1_s"] * (2.0 * sigma / (3.0 * m["critical_stress_Pa"])) ** m["lam_exponent"] * t_ten * dod_f
        stress[part] = (K, lam, m)
    K_n, lam_n_rate, mn = stress["neg"]
    lam_p_rate = stress["pos"][1]
    eps_am_n, eps_am_p = rho_n * n["am_frac"] / n["am_density_kg_m3"], rho_p * p["am_frac"] / p["am_density_kg_m3"]
    efc = du["cycles_per_year"] * du["dod"]
    Dsei = sei["diffusivity_m2_s"] * math.exp(-sei["activation_energy_J_mol"] / GAS_CONSTANT * (1.0 / T - 1.0 / sei["reference_temperature_K"]))
    ksei = Dsei * sei["solvent_concentration_mol_m3"] * sei["molar_volume_m3_mol"]
    g = sei["growth_per_cycle_m"] * math.exp(-sei["activation_energy_J_mol"] / GAS_CONSTANT * (1.0 / T - 1.0 / sei["reference_temperature_K"])) * dod_f
    lps = sei["li_per_formula"] * FARADAY / sei["molar_volume_m3_mol"]
    d0 = sei["initial_thickness_m"]
    surf = a_n * (L_n * A_n) / capacity  # SEI surface per capacity
    vbar = sei["molar_volume_m3_mol"]
    cap_len = 2.0 * mn["crack_density_1_m2"] * mn["crack_width_m"] * a_n
    mc0 = cap_len * mn["initial_crack_length_m"] * mn["crack_sei_initial_thickness_m"] / vbar
    crk = 2.0 * (ksei / vbar) / vbar * cap_len ** 2
    vol_cap = (L_n * A_n) / capacity
    q = mn["paris_m"] / 2.0 - 1.0
    l0, rr = mn["initial_crack_length_m"], n["particle_radius_m"]
    rate = q * K_n * l0 ** q
    x_r = max(1.0 - (min(l0, rr) / rr) ** q, 0.0)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        n_r = np.where(rate > 0, x_r / np.where(rate > 0, rate, 1.0), np.inf)
        c_zone = l0 ** (2.0 - q) / (np.where(K_n > 0, K_n, 1.0) * (2.0 - q))
    over_p, over_n = qa_p / q_lim, qa_n / q_lim
    target = du["eol_soh"]

    # the per-design terms of the loss (cycle-independent products folded), sliced to the rows the root search
    # still evaluates
    with np.errstate(divide="ignore", invalid="ignore"):
        rows_of = dict(rate=rate, n_r=n_r, c_zone=c_zone, l0_rate=l0 * l0 / np.where(rate > 0, rate, np.nan),
                       sei_c=lps * surf, mc0=mc0, cr_t=crk * SECONDS_PER_YEAR / efc,
                       sei_cr_c=sei["li_per_formula"] * FARADAY * vol_cap, lam_n=lam_n_rate / eps_am_n,
                       lam_p=lam_p_rate / eps_am_p, over_p=over_p, over_n=over_n)
    size = int(np.size(L_p))
    log_eol = math.log1p(-target)
    sei_t, e_zone, w_n, w_p = 2.0 * ksei * SECONDS_PER_YEAR / efc, 1.0 - 2.0 / q, 1.0 - du["dod"] / 2.0, du["dod"] / 2.0

    def loss_test(x, idx):
        """(SOH <= SOH_eol, log loss - log(1 - SOH_eol)) at log10 N = x for the rows idx (None: all)."""
        n = size if idx is None else idx.size
        t = {key: (v if idx is None or np.ndim(v) == 0 else v[idx]) for key, v in rows_of.items()}
        N = np.power(10.0, np.broadcast_to(x, (n,)))
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            delta = np.sqrt(d0 ** 2 + sei_t * N) + g * N if g else np.sqrt(d0 ** 2 + sei_t * N)
            xx = t["rate"] * N
            xc = np.minimum(xx, x_r)
            i_zone = np.where(xc < 1e-12, np.where(t["rate"] > 0, xc * t["l0_rate"], l0 * l0 * N),
                              t["c_zone"] * np.expm1(e_zone * np.log1p(-xc)))
            i_n = i_zone + np.where(xx > x_r, rr * rr * (N - t["n_r"]), 0.0)
            m_cr = np.sqrt(t["mc0"] ** 2 + t["cr_t"] * i_n)
            lam_n = np.minimum(t["lam_n"] * N, 1.0)
            lam_p = np.minimum(t["lam_p"] * N, 1.0)
            lli = (delta - d0) * t["sei_c"] + (m_cr - t["mc0"]) * t["sei_cr_c"] + lam_n * w_n + lam_p * w_p
            loss = np.maximum(lli, 1.0 - np.minimum(t["over_p"] * (1.0 - lam_p), t["over_n"] * (1.0 - lam_n)))
            return 1.0 - np.minimum(loss, 1.0) <= target, np.log(loss) - log_eol

    # the root of SOH(N) = SOH_eol in log10 N: xlcell's search (a safeguarded secant method from 1e3 and 1e4 cycles,
    # the bracket kept by the end-of-life test, the range's ends only where needed), on the loss written out above
    life = _life_root(loss_test, size).reshape(np.shape(L_p))
    # ---- LCOS: the cell cost over the energy delivered in its life
    with np.errstate(divide="ignore", invalid="ignore"):
        delivered = e_u * life / du["dod"]
        lcos = np.where(delivered > 0, cost / np.where(delivered > 0, delivered, 1.0), np.inf)
    return {"cell_cost_usd_per_kWh": cost / energy * 3.6e6, "cycle_life": life, "lcos_cell_usd_per_kWh": lcos * 3.6e6}



def sampled_constants(k: dict, design, prices) -> dict:
    """:func:`constants` with every numeric field of a (sampled) population of designs and of its prices in place
    (arrays, one value per sample: a Monte Carlo's population, :func:`xlcell.uncertainty.sample_design`).

    Parameters
    ----------
    k : dict
        :func:`constants`.
    design : CellDesign
        The population (SI).
    prices : MaterialPrices
        Its prices (SI, arrays or scalars).
    """
    out = {key: (dict(v) if isinstance(v, dict) else v) for key, v in k.items()}
    for part, obj in (("cell", design), ("pos", design.pos), ("neg", design.neg), ("sep", design.sep)):
        for sp in specs(obj):
            if sp.unit != "text":
                out[part][sp.name] = np.asarray(getattr(obj, sp.name), dtype=float)
    out["prices"] = {**out["prices"], **{sp.name: np.asarray(getattr(prices, sp.name), dtype=float) for sp in specs(prices)
                                         if sp.unit != "text"}}
    return out


def cost_per_kwh(k: dict, start: int, stop: int) -> np.ndarray:
    """The cell cost per kWh ($/kWh) of samples ``start .. stop`` of a population given by :func:`sampled_constants`
    (its arrays sliced; one value broadcasts).

    Parameters
    ----------
    k : dict
        :func:`sampled_constants`.
    start, stop : int
        The samples.
    """
    def cut(v):
        return v[start:stop] if isinstance(v, np.ndarray) and v.size > 1 else v

    P = {key: ({f: cut(x) for f, x in v.items()} if isinstance(v, dict) and key != "steps" else v) for key, v in k.items()}
    p, n, s = P["pos"], P["neg"], P["sep"]
    c = cell_cost(p["thickness_m"], p["porosity"], n["thickness_m"], n["porosity"], s["thickness_m"], P)
    return c["cost"] / c["energy"] * 3.6e6


def monte_carlo_cost(seed: int, start: int, stop: int, k: dict, spec) -> np.ndarray:
    """Samples ``start .. stop`` of a Monte Carlo of the default cell's cost per kWh ($/kWh), written out: the run's
    standard normal draws (``xlcell.batch.block_draws``: the seed blocks' random numbers), the one-factor lognormal
    prices, the thermal factor's Arrhenius shifts and the parameter noise, the coatings' manufacturing spread, then
    :func:`cell_cost`. The same numbers as ``xlcell montecarlo`` (the batch Monte Carlo), without its feasibility
    flag and cell yield.

    Parameters
    ----------
    seed : int
        The run's seed.
    start, stop : int
        The samples (``start`` a multiple of ``xlcell.batch.BLOCK``).
    k : dict
        :func:`constants`.
    spec : UncertaintySpec
        The uncertainty model (its scalars and per-price loadings and volatilities).
    """
    from xlcell.batch import block_draws
    from xlcell.uncertainty import ECHEM_PARAMS, PRICE_KEYS, PRICE_SPECS

    dr = block_draws(seed, start, stop)
    load = np.array([float(spec.price_loadings.get(key, spec.price_loading)) for key in PRICE_KEYS])
    vol = np.array([float(spec.price_volatilities.get(key, spec.price_volatility)) for key in PRICE_KEYS])
    factor = np.exp(vol * (load * dr.macro[:, None] + np.sqrt(1.0 - load ** 2) * dr.price_noise) - 0.5 * vol ** 2)
    P = {key: (dict(v) if isinstance(v, dict) and key != "steps" else v) for key, v in k.items()}
    P["prices"].update({sp.name: float(k["prices"][sp.name]) * factor[:, i] for i, sp in enumerate(PRICE_SPECS)})
    T0 = float(k["cell"]["temperature_K"])
    t_eff = np.maximum(T0 + float(spec.temperature_sigma_K) * dr.thermal, 1.0)
    sn = float(spec.param_noise)
    P["cell"]["temperature_K"] = t_eff
    for j, (name, part, fld, _, _) in enumerate(ECHEM_PARAMS):
        ea = float(getattr(spec, f"ea_{name}_J_mol"))
        P[part][fld] = k[part][fld] * (1.0 * np.exp(-ea / GAS_CONSTANT * (1.0 / t_eff - 1.0 / T0))) \
            * np.exp(sn * dr.param_noise[:, j] - 0.5 * sn * sn)
    L_n0 = neg_thickness(k["pos"]["thickness_m"], k["pos"]["porosity"], k["cell"]["np_ratio"], k)
    spread = []
    for j, (L0, eps0) in enumerate(((k["pos"]["thickness_m"], k["pos"]["porosity"]), (L_n0, k["neg"]["porosity"]))):
        L = L0 * (1.0 + float(spec.cv_thickness) * dr.thickness[:, j])
        spread += [np.maximum(L, 1e-3 * L0), np.clip(eps0 * (1.0 + float(spec.cv_porosity) * dr.porosity[:, j]), 1e-3, 0.999)]
    c = cell_cost(spread[0], spread[1], spread[2], spread[3], k["sep"]["thickness_m"], P)
    return c["cost"] / c["energy"] * 3.6e6
