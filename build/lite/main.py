"""xlcell in xlwings Lite: every XLCELL_* function and the Pareto front / optimise jobs.

Written by build/lite/build_lite.py from udfs.udf_functions(); do not edit it, run that script again.
Paste it into xlwings Lite's main.py tab and build/lite/requirements.txt into its requirements.txt tab
(see build/lite/README.md). Each function hands its cells to the udfs function of the same name, the
code that the Windows add-in runs.
"""
import xlwings as xw
from xlwings import arg, func, script

import udfs
from app import macros
from app.book import LiteBook


@func
@arg('target_porosity', doc='porosity wanted after calendering', err_to_str=True)
@arg('solids_fraction', doc='slurry solids volume fraction φ_s, 0 < φ_s < 1', err_to_str=True)
@arg('material', doc='material name, e.g. NMC811, Graphite', err_to_str=True)
@arg('calendering_materials', doc="optional parameter table (the Calendering sheet's), searched before the library", err_to_str=True, ndim=2)
def XLCELL_ADAPTIVE_LINE_LOAD(target_porosity, solids_fraction, material, calendering_materials=None):
    "Line load in N/mm for a target porosity given the slurry batch's solids volume fraction φ_s."
    return udfs.XLCELL_ADAPTIVE_LINE_LOAD(target_porosity, solids_fraction, material, calendering_materials)


@func
@arg('thickness_um', doc='coating thickness (one side) in µm, > 0', err_to_str=True)
@arg('coating_density_g_cm3', doc='porous coating density in g/cm³ (XLCELL_COATING_DENSITY), > 0', err_to_str=True)
@arg('am_frac', doc='active-material mass fraction of the solid, 0 < w <= 1', err_to_str=True)
@arg('specific_capacity_mAh_g', doc='active-material specific capacity in mAh/g, > 0', err_to_str=True)
def XLCELL_AREAL_CAPACITY(thickness_um, coating_density_g_cm3, am_frac, specific_capacity_mAh_g):
    'Areal capacity L·ρ_coat·w_AM·q in mAh/cm².'
    return udfs.XLCELL_AREAL_CAPACITY(thickness_um, coating_density_g_cm3, am_frac, specific_capacity_mAh_g)


@func
@arg('design', doc='two-column (key, value) range, as for XLCELL_CELL', err_to_str=True, ndim=2)
@arg('factory', doc='optional, as for XLCELL_COST', err_to_str=True, ndim=2)
@arg('bom', doc='optional, as for XLCELL_COST', err_to_str=True, ndim=2)
@arg('steps', doc='optional, as for XLCELL_COST', err_to_str=True, ndim=2)
@arg('materials', doc='optional, as for XLCELL_COST', err_to_str=True, ndim=2)
def XLCELL_BOM(design, factory=None, bom=None, steps=None, materials=None):
    'Bill of materials per accepted cell: design quantity, yield, quantity bought, $ per cell.'
    return udfs.XLCELL_BOM(design, factory, bom, steps, materials)


@func
@arg('step_names', doc='row or column of step names', err_to_str=True, ndim=2)
@arg('rates_per_hour', doc="row or column of the steps' rates (units per hour, same unit for all), >= 0 Rows with neither a name nor a rate (spare rows of a table) and named steps without a rate (no machine data) are skipped; a rate without a name, or a rate that is not a number…", err_to_str=True, ndim=2)
def XLCELL_BOTTLENECK(step_names, rates_per_hour):
    'The slowest step of a line: a 1x2 array (step name, its rate per hour); empty rows are skipped.'
    return udfs.XLCELL_BOTTLENECK(step_names, rates_per_hour)


@func
@arg('bounds', doc='rows (setting key, low, high), e.g. line_load_N_mm | 100 | 1500 and line_speed_m_min | 10 | 100', err_to_str=True, ndim=2)
@arg('target_porosity', doc='porosity wanted after calendering, 0 < ε < 1', err_to_str=True)
@arg('material', doc='calendering material of the simulator, e.g. NMC811 (blank = NMC811)', err_to_str=True)
@arg('solids_fraction', doc='slurry solids volume fraction φ_s of the simulated batch (blank = 0.4)', err_to_str=True)
@arg('n_init', doc='number of space-filling (Sobol) trials before BO starts, 3 to 50 (blank = 5)', err_to_str=True)
@arg('n_iter', doc='number of BO trials after them, 0 to 50 (blank = 10)', err_to_str=True)
@arg('seed', doc="whole number from 0 to 2^32 - 1 for the simulator's noise, the initial design and the fits (blank = 0)", err_to_str=True)
@arg('noise_sd', doc='standard deviation of the simulated porosity measurement (blank = 0.003)', err_to_str=True)
@arg('line', doc='optional (key, value) range of the calender: roll_diameter_m, thickness_before_um, relaxation_time_ms, ...', err_to_str=True, ndim=2)
def XLCELL_BO_RUN(bounds, target_porosity, material=None, solids_fraction=None, n_init=None, n_iter=None, seed=None, noise_sd=None, line=None):
    'Closed-loop Bayesian optimisation on the calendering SIMULATOR (not a plant): one row per trial.'
    return udfs.XLCELL_BO_RUN(bounds, target_porosity, material, solids_fraction, n_init, n_iter, seed, noise_sd, line)


@func
@arg('data', doc='trial table, header row line_load_N_mm, line_speed_m_min, [solids_fraction], [roll_temperature_C], porosity; at least 3 rows', err_to_str=True, ndim=2)
@arg('bounds', doc='rows (setting key, low, high), e.g. line_load_N_mm | 100 | 1500 and line_speed_m_min | 10 | 100', err_to_str=True, ndim=2)
@arg('target_porosity', doc='porosity wanted after calendering, 0 < ε < 1', err_to_str=True)
@arg('material', doc='calendering material, e.g. NMC811 (blank = NMC811)', err_to_str=True)
@arg('seed', doc='whole number from 0 to 2^32 - 1 for the candidate set and the fit (blank = 0); same seed -> same suggestion', err_to_str=True)
@arg('solids_fraction', doc='slurry solids volume fraction φ_s of your trials when the data has no solids_fraction column; sets the fracture limit (blank = 0.4)', err_to_str=True)
@arg('measurement_sd', doc='standard deviation of a porosity measurement; the fitted noise never falls below it (blank = 0.003)', err_to_str=True)
@arg('line', doc='optional (key, value) range of the calender: roll_diameter_m, thickness_before_um, relaxation_time_ms, ...', err_to_str=True, ndim=2)
@arg('acquisition', doc='EI (expected improvement, default) or LCB (lower confidence bound |μ - target| - 2σ)', err_to_str=True)
def XLCELL_BO_SUGGEST(data, bounds, target_porosity, material=None, seed=None, solids_fraction=None, measurement_sd=None, line=None, acquisition=None):
    'Next process setting to try (Bayesian optimisation of |porosity - target| on your trials), as (key, value) rows.'
    return udfs.XLCELL_BO_SUGGEST(data, bounds, target_porosity, material, seed, solids_fraction, measurement_sd, line, acquisition)


@func
@arg('kappa0_S_m', doc='bulk conductivity in S/m, > 0', err_to_str=True)
@arg('porosity', doc='volume fraction of the conducting phase, 0 < ε <= 1', err_to_str=True)
@arg('bruggeman_exponent', doc='b, default 1.5', err_to_str=True)
def XLCELL_BRUGGEMAN(kappa0_S_m, porosity, bruggeman_exponent=None):
    'Effective conductivity κ0·ε^b in S/m (Bruggeman; equals κ0·ε/τ with τ = ε^(1-b)).'
    return udfs.XLCELL_BRUGGEMAN(kappa0_S_m, porosity, bruggeman_exponent)


@func
@arg('porosities', doc='row/column of coating porosities', err_to_str=True, ndim=2)
@arg('resistances_ohm_cm2', doc='row/column of area-specific ionic resistances in Ω·cm² (e.g. blocking-electrode EIS)', err_to_str=True, ndim=2)
@arg('thicknesses_um', doc='one thickness in µm for all, or one per measurement', err_to_str=True, ndim=2)
@arg('kappa0_S_m', doc='bulk electrolyte conductivity in S/m', err_to_str=True)
@arg('rel_noise', doc='relative measurement error (blank = 0.05)', err_to_str=True)
@arg('prior_mean', doc='normal prior on α (blank = 1.5 and 1.0), truncated to 1..5', err_to_str=True)
@arg('prior_sd', doc='normal prior on α (blank = 1.5 and 1.0), truncated to 1..5', err_to_str=True)
def XLCELL_BRUGGEMAN_POSTERIOR(porosities, resistances_ohm_cm2, thicknesses_um, kappa0_S_m, rel_noise=None, prior_mean=None, prior_sd=None):
    'Bayesian estimate of the Bruggeman exponent α from measured ionic resistances R = L/(κ0·ε^α).'
    return udfs.XLCELL_BRUGGEMAN_POSTERIOR(porosities, resistances_ohm_cm2, thicknesses_um, kappa0_S_m, rel_noise, prior_mean, prior_sd)


@func
@arg('thickness_um', doc='coating thickness before calendering in µm, > 0', err_to_str=True)
@arg('eps_before', doc='porosity before calendering, 0 <= ε < 1', err_to_str=True)
@arg('eps_after', doc='porosity after calendering, 0 <= ε < 1, at most eps_before (calendering only compacts)', err_to_str=True)
def XLCELL_CALENDERED_THICKNESS(thickness_um, eps_before, eps_after):
    'Coating thickness in µm after calendering, from mass conservation L·(1 - ε) = const.'
    return udfs.XLCELL_CALENDERED_THICKNESS(thickness_um, eps_before, eps_after)


@func
@arg('material', doc='electrode material, e.g. NMC811 or Graphite', err_to_str=True)
@arg('am_frac', doc='active-material mass fraction w_a', err_to_str=True)
@arg('binder_frac', doc='binder mass fraction f_b (carbon = 1 - w_a - f_b)', err_to_str=True)
@arg('line_loads_N_mm', doc='row or column of line loads in N/mm', err_to_str=True, ndim=2)
@arg('solids_fraction', doc='slurry solids volume fraction φ_s (blank = 0.4)', err_to_str=True)
@arg('metrics', doc='optional row/column of output keys (default: all microstructure and cell metrics)', err_to_str=True, ndim=2)
@arg('design', doc='optional (key, value) design range for the rest of the cell (blank = BatPaC default cell)', err_to_str=True, ndim=2)
@arg('materials', doc='optional active-material table', err_to_str=True, ndim=2)
@arg('calendering_materials', doc='optional calendering table', err_to_str=True, ndim=2)
def XLCELL_CALENDERING(material, am_frac, binder_frac, line_loads_N_mm, solids_fraction=None, metrics=None, design=None, materials=None, calendering_materials=None):
    'Composition and line load -> microstructure -> cell performance, one row per line load.'
    return udfs.XLCELL_CALENDERING(material, am_frac, binder_frac, line_loads_N_mm, solids_fraction, metrics, design, materials, calendering_materials)


@func
@arg('material', doc='material name, e.g. NMC811, Graphite', err_to_str=True)
@arg('prop', doc='parameter key (a column of XLCELL_CALENDERING_MATERIALS)', err_to_str=True)
@arg('calendering_materials', doc='optional parameter table, searched before the library', err_to_str=True, ndim=2)
def XLCELL_CALENDERING_MATERIAL(material, prop, calendering_materials=None):
    'A calendering parameter of a material in display units, e.g. eps_min, gamma_N_mm, fracture_porosity.'
    return udfs.XLCELL_CALENDERING_MATERIAL(material, prop, calendering_materials)


@func
def XLCELL_CALENDERING_MATERIALS():
    'The calendering parameter library (header row of keys, one row per material, display units).'
    return udfs.XLCELL_CALENDERING_MATERIALS()


@func
@arg('design', doc='two-column range of (key, value) rows, e.g. pos_thickness_um | 120 (see the Design sheet)', err_to_str=True, ndim=2)
@arg('materials', doc='optional table of user-defined materials (header: name, role, specific_capacity_mAh_g, ...)', err_to_str=True, ndim=2)
@arg('bom', doc="optional (key, value) range with cell-format rows, e.g. the BOM sheet's (its price and yield rows are ignored)", err_to_str=True, ndim=2)
def XLCELL_CELL(design, materials=None, bom=None):
    'Evaluate a cell design: capacity, rated energy, mass, resistance, power and diffusion limits.'
    return udfs.XLCELL_CELL(design, materials, bom)


@func
@arg('design', doc='(key, value) design range', err_to_str=True, ndim=2)
@arg('duty', doc="optional (key, value) rows c_rate, dod, temperature_C, cycles_per_year, eol_soh (blank = design's C-rate, T; 1; 365; 0.8)", err_to_str=True, ndim=2)
@arg('c_om', doc='lifetime O&M cost per cell, $ (blank = 0)', err_to_str=True)
@arg('residual_value', doc='residual value per cell, $ (blank = 0)', err_to_str=True)
@arg('life_params', doc='optional (key, value) life-model parameters (sei_..., neg_..., pos_..., dod_stress_..., crack_...), as XLCELL_CYCLE_LIFE', err_to_str=True, ndim=2)
@arg('materials', doc='optional user materials', err_to_str=True, ndim=2)
def XLCELL_CELL_LCOS(design, duty=None, c_om=None, residual_value=None, life_params=None, materials=None):
    'Cell-level LCOS of a design at a duty in $/kWh delivered, every term from a model (cost, cell, lifetime).'
    return udfs.XLCELL_CELL_LCOS(design, duty, c_om, residual_value, life_params, materials)


@func
@arg('designs', doc='table with a header row of design keys and one design per row (missing keys and blank cells take the defaults; a blank row gives a blank row)', err_to_str=True, ndim=2)
@arg('metrics', doc='optional row or column of metric names to return (default: all)', err_to_str=True, ndim=2)
@arg('materials', doc='optional table of user-defined materials', err_to_str=True, ndim=2)
@arg('bom', doc='optional (key, value) range with cell-format rows, as for XLCELL_CELL', err_to_str=True, ndim=2)
def XLCELL_CELL_TABLE(designs, metrics=None, materials=None, bom=None):
    'Evaluate a table of designs in one call (a sweep of thousands of designs is one call).'
    return udfs.XLCELL_CELL_TABLE(designs, metrics, materials, bom)


@func
@arg('design', doc='two-column (key, value) range, as for XLCELL_CELL', err_to_str=True, ndim=2)
@arg('n_cells', doc='cells in the run, a whole number from 1 to 100,000 (at least series × parallel)', err_to_str=True)
@arg('seed', doc='random seed, a whole number >= 0 (blank = 0)', err_to_str=True)
@arg('cv_thickness_pct', doc="coefficient of variation of each electrode's coating thickness, 0-20 %", err_to_str=True)
@arg('cv_porosity_pct', doc="coefficient of variation of each electrode's porosity, 0-20 %", err_to_str=True)
@arg('series', doc='cells (parallel groups) in series per pack, >= 1 (blank = 1)', err_to_str=True)
@arg('parallel', doc='cells in parallel per group, >= 1 (blank = 1)', err_to_str=True)
@arg('capacity_window_pct', doc='spec window |C/C_nominal - 1| in % (blank = 2 %)', err_to_str=True)
@arg('resistance_window_pct', doc='spec window |R/R_nominal - 1| in % (blank = 5 %)', err_to_str=True)
@arg('cv_contact_pct', doc='optional spread of particle contacts (exchange current and solid conductivity, lognormal), 0-20 % (blank = 0)', err_to_str=True)
@arg('materials', doc='optional table of user-defined materials', err_to_str=True, ndim=2)
@arg('factory', doc='optional, as for XLCELL_COST', err_to_str=True, ndim=2)
@arg('bom', doc='optional, as for XLCELL_COST', err_to_str=True, ndim=2)
@arg('steps', doc='optional, as for XLCELL_COST', err_to_str=True, ndim=2)
@arg('window', doc='optional (key, value) grading limits, spec_..._pct, ... (replace the ± windows)', err_to_str=True, ndim=2)
def XLCELL_CELL_TO_CELL(design, n_cells, seed, cv_thickness_pct, cv_porosity_pct, series=None, parallel=None, capacity_window_pct=None, resistance_window_pct=None, cv_contact_pct=None, materials=None, factory=None, bom=None, steps=None, window=None):
    'Cell-to-cell variation of one production run: spread, spec window, yield and cost, packs.'
    return udfs.XLCELL_CELL_TO_CELL(design, n_cells, seed, cv_thickness_pct, cv_porosity_pct, series, parallel, capacity_window_pct, resistance_window_pct, cv_contact_pct, materials, factory, bom, steps, window)


@func
@arg('design', doc='two-column (key, value) range, as for XLCELL_CELL', err_to_str=True, ndim=2)
@arg('n_cells', doc='cells in the run, a whole number from 1 to 100,000', err_to_str=True)
@arg('seed', doc="random seed, a whole number >= 0 (blank = 0); with the same arguments the cells equal XLCELL_CELL_TO_CELL's", err_to_str=True)
@arg('cv_thickness_pct', doc="coefficient of variation of each electrode's coating thickness, 0-20 %", err_to_str=True)
@arg('cv_porosity_pct', doc="coefficient of variation of each electrode's porosity, 0-20 %", err_to_str=True)
@arg('cv_contact_pct', doc='optional spread of particle contacts, 0-20 % (blank = 0)', err_to_str=True)
@arg('materials', doc='optional table of user-defined materials', err_to_str=True, ndim=2)
def XLCELL_CELL_TO_CELL_SAMPLES(design, n_cells, seed, cv_thickness_pct, cv_porosity_pct, cv_contact_pct=None, materials=None):
    'The cells of a production run, one row per cell: capacity, resistance and energy (spills n_cells rows).'
    return udfs.XLCELL_CELL_TO_CELL_SAMPLES(design, n_cells, seed, cv_thickness_pct, cv_porosity_pct, cv_contact_pct, materials)


@func
@arg('design', doc='two-column range of (key, value) rows', err_to_str=True, ndim=2)
@arg('metric', doc='metric name, e.g. capacity_Ah, specific_energy_Wh_kg, max_power_W', err_to_str=True)
@arg('materials', doc='optional table of user-defined materials', err_to_str=True, ndim=2)
@arg('bom', doc='optional (key, value) range with cell-format rows, as for XLCELL_CELL', err_to_str=True, ndim=2)
def XLCELL_CELL_VALUE(design, metric, materials=None, bom=None):
    'One metric of a cell design, e.g. =XLCELL_CELL_VALUE(Design!B5:C60, "energy_Wh").'
    return udfs.XLCELL_CELL_VALUE(design, metric, materials, bom)


@func
@arg('porosity', doc='void fraction, 0 < porosity < 1', err_to_str=True)
@arg('mass_fractions', doc='row/column of solid mass fractions (active, carbon, binder, ...), summing to 1', err_to_str=True, ndim=2)
@arg('densities_g_cm3', doc="row/column of the components' densities in g/cm³, same length", err_to_str=True, ndim=2)
def XLCELL_COATING_DENSITY(porosity, mass_fractions, densities_g_cm3):
    'Porous coating density (1 - porosity) / Σ(w_i/ρ_i) in g/cm³.'
    return udfs.XLCELL_COATING_DENSITY(porosity, mass_fractions, densities_g_cm3)


@func
@arg('solids_fraction', doc='slurry solids volume fraction φ_s, 0 < φ_s < 1', err_to_str=True)
@arg('drying_shrinkage', doc='share s of the solvent volume removed by shrinkage, 0 <= s < 1', err_to_str=True)
def XLCELL_COATING_POROSITY(solids_fraction, drying_shrinkage):
    'Porosity of the dried, uncalendered coating from the slurry solids volume fraction φ_s.'
    return udfs.XLCELL_COATING_POROSITY(solids_fraction, drying_shrinkage)


@func
@arg('design', doc='two-column (key, value) range, as for XLCELL_CELL (the Design sheet)', err_to_str=True, ndim=2)
@arg('factory', doc='optional (key, value) range of plant and economics inputs (the Factory sheet)', err_to_str=True, ndim=2)
@arg('bom', doc='optional (key, value) range of prices, yields and cell-format inputs (the BOM sheet)', err_to_str=True, ndim=2)
@arg('steps', doc='optional process-step table (header row of column keys; the Factory sheet)', err_to_str=True, ndim=2)
@arg('materials', doc='optional table of user-defined materials', err_to_str=True, ndim=2)
def XLCELL_COST(design, factory=None, bom=None, steps=None, materials=None):
    'Manufacturing cost of a cell design (BatPaC 5.0 roll-up, bottleneck, yields, cost of capital).'
    return udfs.XLCELL_COST(design, factory, bom, steps, materials)


@func
@arg('design', doc='two-column (key, value) range, as for XLCELL_CELL', err_to_str=True, ndim=2)
@arg('fraction', doc='relative change of each input, 0 < x < 1, default 0.1 (±10 %); potentials move by ±0.05 V instead', err_to_str=True)
@arg('top', doc='optional number of rows to return (largest swings), default all', err_to_str=True)
@arg('item', doc='cost item, default cell_cost_usd_per_kWh', err_to_str=True)
@arg('factory', doc='optional, as for XLCELL_COST', err_to_str=True, ndim=2)
@arg('bom', doc='optional, as for XLCELL_COST', err_to_str=True, ndim=2)
@arg('steps', doc='optional, as for XLCELL_COST', err_to_str=True, ndim=2)
@arg('materials', doc='optional, as for XLCELL_COST', err_to_str=True, ndim=2)
def XLCELL_COST_SENSITIVITY(design, fraction=None, top=None, item=None, factory=None, bom=None, steps=None, materials=None):
    'Tornado table: the cost item at -x % and +x % of every input, largest swing first (one call).'
    return udfs.XLCELL_COST_SENSITIVITY(design, fraction, top, item, factory, bom, steps, materials)


@func
@arg('designs', doc='table with a header row of design keys and one design per row (blank cells take the defaults; a blank row gives a blank row)', err_to_str=True, ndim=2)
@arg('items', doc='optional row or column of cost items to return (default: all)', err_to_str=True, ndim=2)
@arg('factory', doc='optional, as for XLCELL_COST', err_to_str=True, ndim=2)
@arg('bom', doc='optional, as for XLCELL_COST', err_to_str=True, ndim=2)
@arg('steps', doc='optional, as for XLCELL_COST', err_to_str=True, ndim=2)
@arg('materials', doc='optional, as for XLCELL_COST', err_to_str=True, ndim=2)
def XLCELL_COST_TABLE(designs, items=None, factory=None, bom=None, steps=None, materials=None):
    'Cost of a table of designs in one call (header row of design keys, one design per row).'
    return udfs.XLCELL_COST_TABLE(designs, items, factory, bom, steps, materials)


@func
@arg('design', doc='two-column (key, value) range', err_to_str=True, ndim=2)
@arg('item', doc="a key of XLCELL_COST's result, e.g. cell_cost_usd, materials_share, bottleneck_step", err_to_str=True)
@arg('factory', doc='optional, as for XLCELL_COST', err_to_str=True, ndim=2)
@arg('bom', doc='optional, as for XLCELL_COST', err_to_str=True, ndim=2)
@arg('steps', doc='optional, as for XLCELL_COST', err_to_str=True, ndim=2)
@arg('materials', doc='optional, as for XLCELL_COST', err_to_str=True, ndim=2)
def XLCELL_COST_VALUE(design, item, factory=None, bom=None, steps=None, materials=None):
    'One cost item of a design, e.g. =XLCELL_COST_VALUE(tbl_design, "cell_cost_usd_per_kWh").'
    return udfs.XLCELL_COST_VALUE(design, item, factory, bom, steps, materials)


@func
@arg('design', doc='two-column (key, value) design range', err_to_str=True, ndim=2)
@arg('electrode', doc='"neg" or "pos" (blank = neg)', err_to_str=True)
@arg('crack_params', doc='optional (key, value) range (crack_modulus_GPa, crack_swelling_strain, crack_fracture_energy_J_m2, ...)', err_to_str=True, ndim=2)
@arg('materials', doc='optional table of user-defined materials', err_to_str=True, ndim=2)
def XLCELL_CRACK(design, electrode=None, crack_params=None, materials=None):
    'Cracking of a constrained electrode from swelling: stress, critical stress and thickness, ΔR (∝ L²).'
    return udfs.XLCELL_CRACK(design, electrode, crack_params, materials)


@func
@arg('rate', doc='interest rate per year as a fraction (0.08 = 8 %), -1 < rate <= 1', err_to_str=True)
@arg('years', doc='life in years, > 0', err_to_str=True)
def XLCELL_CRF(rate, years):
    'Capital recovery factor r(1+r)^n/((1+r)^n-1): the annual payment per $ of capital (1/n at r = 0).'
    return udfs.XLCELL_CRF(rate, years)


@func
@arg('temperature_C', doc='temperature in °C (-60 to 150)', err_to_str=True)
@arg('exchange_current_mA_cm2', doc='exchange current density in mA/cm², > 0', err_to_str=True)
@arg('specific_area_cm2_cm3', doc='active surface per volume in cm²/cm³, > 0 (XLCELL_SPECIFIC_AREA)', err_to_str=True)
@arg('thickness_um', doc='coating thickness in µm, > 0', err_to_str=True)
def XLCELL_CT_ASI(temperature_C, exchange_current_mA_cm2, specific_area_cm2_cm3, thickness_um):
    'Charge-transfer area-specific impedance R·T/(F·i0·a·L) in Ω·cm².'
    return udfs.XLCELL_CT_ASI(temperature_C, exchange_current_mA_cm2, specific_area_cm2_cm3, thickness_um)


@func
@arg('design', doc='two-column (key, value) design range (Design sheet)', err_to_str=True, ndim=2)
@arg('duty', doc="optional (key, value) range: c_rate, dod, temperature_C, cycles_per_year, eol_soh (blank c_rate and temperature_C = the design's; defaults 1, 365, 0.8)", err_to_str=True, ndim=2)
@arg('life_params', doc='optional (key, value) range of life-model parameters (sei_..., neg_..., pos_..., dod_stress_..., crack_...)', err_to_str=True, ndim=2)
@arg('materials', doc='optional table of user-defined materials', err_to_str=True, ndim=2)
def XLCELL_CYCLE_LIFE(design, duty=None, life_params=None, materials=None):
    'Equivalent full cycles to end of life from the design and the duty: SEI, particle cracks and isolated particles.'
    return udfs.XLCELL_CYCLE_LIFE(design, duty, life_params, materials)


@func
@arg('length_um', doc='diffusion length in µm (electrode thickness or particle radius), > 0', err_to_str=True)
@arg('diffusivity_m2_s', doc='(effective) diffusivity in m²/s, > 0', err_to_str=True)
def XLCELL_DIFFUSION_TIME(length_um, diffusivity_m2_s):
    'Characteristic diffusion time L²/D in s (seed: t ~ L²/D).'
    return udfs.XLCELL_DIFFUSION_TIME(length_um, diffusivity_m2_s)


@func
@arg('design', doc='two-column (key, value) range, as for XLCELL_CELL', err_to_str=True, ndim=2)
@arg('factory', doc='optional, as for XLCELL_COST', err_to_str=True, ndim=2)
@arg('bom', doc='optional, as for XLCELL_COST', err_to_str=True, ndim=2)
@arg('steps', doc='optional, as for XLCELL_COST', err_to_str=True, ndim=2)
@arg('materials', doc='optional, as for XLCELL_COST', err_to_str=True, ndim=2)
def XLCELL_FACTORY(design, factory=None, bom=None, steps=None, materials=None):
    'The plant, step by step: driver, machines, utilisation, capacity, labour, capital, area, energy, WIP.'
    return udfs.XLCELL_FACTORY(design, factory, bom, steps, materials)


@func
@arg('line_load_N_mm', doc='line load in N/mm, >= 0', err_to_str=True)
@arg('eps_before', doc='porosity before calendering', err_to_str=True)
@arg('material', doc='material name', err_to_str=True)
@arg('calendering_materials', doc='optional parameter table', err_to_str=True, ndim=2)
def XLCELL_FRACTURE_CHECK(line_load_N_mm, eps_before, material, calendering_materials=None):
    "A sentence for the sheet: does this line load crack the material's particles?"
    return udfs.XLCELL_FRACTURE_CHECK(line_load_N_mm, eps_before, material, calendering_materials)


@func
@arg('eps_before', doc='porosity before calendering', err_to_str=True)
@arg('material', doc='material name, e.g. NMC811', err_to_str=True)
@arg('calendering_materials', doc='optional parameter table, searched before the library', err_to_str=True, ndim=2)
def XLCELL_FRACTURE_LINE_LOAD(eps_before, material, calendering_materials=None):
    "Largest line load in N/mm before the material's particles crack (its porosity reaches ε_f)."
    return udfs.XLCELL_FRACTURE_LINE_LOAD(eps_before, material, calendering_materials)


@func
@arg('data', doc='trial table, header row line_load_N_mm, line_speed_m_min, [solids_fraction], [roll_temperature_C], porosity; at least 3 rows', err_to_str=True, ndim=2)
@arg('query', doc='settings to predict: header row of setting keys (line_load_N_mm, line_speed_m_min, ...), one row each; absent roll_temperature_C = 25', err_to_str=True, ndim=2)
@arg('material', doc='calendering material, e.g. NMC811 (blank = NMC811)', err_to_str=True)
@arg('solids_fraction', doc='slurry solids volume fraction φ_s of data and query rows without a solids_fraction column (blank = 0.4)', err_to_str=True)
@arg('measurement_sd', doc='standard deviation of a porosity measurement; the fitted noise never falls below it (blank = 0.003)', err_to_str=True)
@arg('line', doc='optional (key, value) range of the calender: roll_diameter_m, thickness_before_um, relaxation_time_ms, ...', err_to_str=True, ndim=2)
def XLCELL_GP_PREDICT(data, query, material=None, solids_fraction=None, measurement_sd=None, line=None):
    'Gaussian-process surrogate of final porosity fitted to trial data: mean and std of a new measurement per query row.'
    return udfs.XLCELL_GP_PREDICT(data, query, material, solids_fraction, measurement_sd, line)


@func
@arg('values', doc='range of numbers (blank cells are skipped; a header text in the first cell is skipped too)', err_to_str=True, ndim=2)
@arg('bins', doc="number of equal-width bins between the smallest and largest value, 1 to 1000 The last bin includes its upper edge (numpy's rule), so the counts add up to the number of values.", err_to_str=True)
def XLCELL_HISTOGRAM(values, bins):
    'Histogram of a range of numbers: one row per bin (label, low and high edge, count, share), for a bar chart.'
    return udfs.XLCELL_HISTOGRAM(values, bins)


@func
@arg('points', doc='numbers, one row per design and one column per objective (no header)', err_to_str=True, ndim=2)
@arg('senses', doc='one "min" or "max" per column of points', err_to_str=True, ndim=2)
@arg('reference', doc='the reference point, one value per column (worse than every point of interest)', err_to_str=True, ndim=2)
def XLCELL_HYPERVOLUME(points, senses, reference):
    "Hypervolume the points dominate up to a reference point (exact; in the objectives' own units)."
    return udfs.XLCELL_HYPERVOLUME(points, senses, reference)


@func
@arg('kappa0_S_m', doc='bulk electrolyte conductivity in S/m, > 0', err_to_str=True)
@arg('porosity', doc='porosity ε, 0 < ε <= 1', err_to_str=True)
@arg('bruggeman_exponent', doc='α, default 1.5', err_to_str=True)
def XLCELL_KAPPA_EFF(kappa0_S_m, porosity, bruggeman_exponent=None):
    'Effective ionic conductivity κ_eff = κ0·ε/τ in S/m with Bruggeman tortuosity τ = ε^(1-α).'
    return udfs.XLCELL_KAPPA_EFF(kappa0_S_m, porosity, bruggeman_exponent)


@func
@arg('params', doc='two-column (key, value) range: power_MW, energy_MWh, capex_power_usd_kW, capex_energy_usd_kWh, fixed_om_usd_kW_yr, var_om_usd_MWh, charging_price_usd_MWh, round_trip_efficiency, depth_of_discharge, cycles_per_year, lifetime_years, discount_rate…', err_to_str=True, ndim=2)
@arg('soh', doc='optional column of SOH per year (e.g. XLCELL_SEI_SOH_BY_YEAR), replaces annual_degradation; blanks only at the end', err_to_str=True, ndim=2)
def XLCELL_LCOS(params, soh=None):
    'Project LCOS (Schmidt et al. 2019) in $/MWh discharged, with its capex, O&M, charging and end-of-life parts.'
    return udfs.XLCELL_LCOS(params, soh)


@func
@arg('params', doc='two-column (key, value) range as for XLCELL_LCOS', err_to_str=True, ndim=2)
@arg('soh', doc='optional column of SOH per year, as XLCELL_LCOS', err_to_str=True, ndim=2)
def XLCELL_LCOS_CASHFLOW(params, soh=None):
    'The yearly cash-flow table of the project LCOS: year 0 (capex) to N+1 (end of life).'
    return udfs.XLCELL_LCOS_CASHFLOW(params, soh)


@func
@arg('c_bom', doc='bill-of-materials cost, $', err_to_str=True)
@arg('c_mfg', doc='manufacturing cost, $', err_to_str=True)
@arg('c_om', doc='lifetime operation and maintenance cost, $', err_to_str=True)
@arg('residual_value', doc='residual (salvage) value at end of life, $', err_to_str=True)
@arg('efficiency', doc='round-trip efficiency η, 0-1', err_to_str=True)
@arg('energy_kWh', doc='usable energy per cycle E_u, kWh', err_to_str=True)
@arg('cycles', doc='cycle life N_cyc A negative result is legitimate: the residual value exceeds the costs.', err_to_str=True)
def XLCELL_LCOS_SIMPLE(c_bom, c_mfg, c_om, residual_value, efficiency, energy_kWh, cycles):
    'Cell-level LCOS in $/kWh from typed terms (a what-if): (C_BOM + C_mfg + C_O&M - RV) / (η · E_u · N_cyc).'
    return udfs.XLCELL_LCOS_SIMPLE(c_bom, c_mfg, c_om, residual_value, efficiency, energy_kWh, cycles)


@func
@arg('design', doc='two-column (key, value) design range (Design sheet)', err_to_str=True, ndim=2)
@arg('duty', doc="optional (key, value) range: c_rate, dod, temperature_C, cycles_per_year, eol_soh (blank c_rate and temperature_C = the design's)", err_to_str=True, ndim=2)
@arg('life_params', doc='optional (key, value) range of life-model parameters (sei_..., neg_..., pos_..., dod_stress_..., crack_...)', err_to_str=True, ndim=2)
@arg('materials', doc='optional table of user-defined materials', err_to_str=True, ndim=2)
def XLCELL_LIFE(design, duty=None, life_params=None, materials=None):
    "The life model's results: cycle life, years, capacity lost to each mechanism and resistance at end of life."
    return udfs.XLCELL_LIFE(design, duty, life_params, materials)


@func
@arg('design', doc='two-column (key, value) design range', err_to_str=True, ndim=2)
@arg('cycles', doc='row or column of equivalent full cycle counts, >= 0', err_to_str=True, ndim=2)
@arg('duty', doc="optional (key, value) range: c_rate, dod, temperature_C, cycles_per_year, eol_soh (blank c_rate and temperature_C = the design's)", err_to_str=True, ndim=2)
@arg('life_params', doc='optional (key, value) range of life-model parameters', err_to_str=True, ndim=2)
@arg('materials', doc='optional table of user-defined materials', err_to_str=True, ndim=2)
def XLCELL_LIFE_FADE(design, cycles, duty=None, life_params=None, materials=None):
    'Capacity fade of the life model versus equivalent full cycles: efc, years, soh and the loss to each mechanism.'
    return udfs.XLCELL_LIFE_FADE(design, cycles, duty, life_params, materials)


@func
@arg('design', doc='two-column (key, value) design range', err_to_str=True, ndim=2)
@arg('years', doc='number of years N, whole number from 1 to 100', err_to_str=True)
@arg('cycles_per_year', doc="cycles per year, > 0 (blank = the duty's); e.g. the plant's on the LCOS sheet", err_to_str=True)
@arg('duty', doc="optional (key, value) range: c_rate, dod, temperature_C, cycles_per_year, eol_soh (blank c_rate and temperature_C = the design's)", err_to_str=True, ndim=2)
@arg('life_params', doc='optional (key, value) range of life-model parameters', err_to_str=True, ndim=2)
@arg('materials', doc='optional table of user-defined materials', err_to_str=True, ndim=2)
def XLCELL_LIFE_SOH_BY_YEAR(design, years, cycles_per_year=None, duty=None, life_params=None, materials=None):
    "State of health at the start of each year 1..N from the life model (a column, for XLCELL_LCOS's soh)."
    return udfs.XLCELL_LIFE_SOH_BY_YEAR(design, years, cycles_per_year, duty, life_params, materials)


@func
@arg('target_porosity', doc='porosity wanted after calendering, above eps_min and at most eps0', err_to_str=True)
@arg('eps0', doc='porosity of the coating before calendering, 0 < ε0 < 1', err_to_str=True)
@arg('eps_min', doc='minimum porosity the material reaches', err_to_str=True)
@arg('gamma_N_mm', doc='compaction resistance γ in N/mm, > 0', err_to_str=True)
def XLCELL_LINE_LOAD_FOR_POROSITY(target_porosity, eps0, eps_min, gamma_N_mm):
    'Line load in N/mm that calenders a coating from ε0 to a target porosity: γ·ln((ε0-ε_min)/(ε_t-ε_min)).'
    return udfs.XLCELL_LINE_LOAD_FOR_POROSITY(target_porosity, eps0, eps_min, gamma_N_mm)


@func
@arg('pressure_MPa', doc='mean nip pressure in MPa, > 0', err_to_str=True)
@arg('roll_diameter_m', doc='roll diameter in m (two equal rolls)', err_to_str=True)
@arg('thickness_before_um', doc='coating thickness before calendering in µm', err_to_str=True)
@arg('eps_before', doc='porosity before calendering', err_to_str=True)
@arg('material', doc='material name (compaction law and coating modulus from the calendering table)', err_to_str=True)
@arg('calendering_materials', doc='optional parameter table, searched before the library', err_to_str=True, ndim=2)
def XLCELL_LINE_LOAD_FOR_PRESSURE(pressure_MPa, roll_diameter_m, thickness_before_um, eps_before, material, calendering_materials=None):
    'Line load in N/mm whose mean nip pressure is pressure_MPa (the inverse of XLCELL_NIP_PRESSURE).'
    return udfs.XLCELL_LINE_LOAD_FOR_PRESSURE(pressure_MPa, roll_diameter_m, thickness_before_um, eps_before, material, calendering_materials)


@func
@arg('name', doc='material name, e.g. NMC811, Graphite, LFP', err_to_str=True)
@arg('prop', doc='property key: specific_capacity_mAh_g (practical), theoretical_capacity_mAh_g, x_min, x_max, cycled_fraction, v_min_V, v_max_V, am_density_g_cm3, potential_V, particle_radius_um, exchange_current_mA_cm2, solid_diffusivity_m2_s, conductivity_S_m…', err_to_str=True)
@arg('materials', doc='optional table of user-defined materials (searched before the library)', err_to_str=True, ndim=2)
def XLCELL_MATERIAL(name, prop, materials=None):
    'A property of a material in display units.'
    return udfs.XLCELL_MATERIAL(name, prop, materials)


@func
@arg('role', doc='optional "positive" or "negative"', err_to_str=True)
def XLCELL_MATERIALS(role=None):
    'The material library as a table (header row + one row per material); a blank cell: not defined (e.g. no stoichiometry window, or no theoretical capacity for hard carbon).'
    return udfs.XLCELL_MATERIALS(role)


@func
@arg('c_rate', doc='C-rate in 1/h, > 0', err_to_str=True)
@arg('diffusivity_m2_s', doc='effective diffusivity in m²/s, > 0', err_to_str=True)
@arg('time_fraction', doc='share of the discharge time the diffusion may take, 0 < f <= 1, default 1', err_to_str=True)
def XLCELL_MAX_THICKNESS(c_rate, diffusivity_m2_s, time_fraction=None):
    'Largest diffusion length (µm) whose time L²/D fits in a fraction of the discharge time 3600/C.'
    return udfs.XLCELL_MAX_THICKNESS(c_rate, diffusivity_m2_s, time_fraction)


@func
@arg('design', doc='two-column (key, value) range, as for XLCELL_CELL (the Design sheet)', err_to_str=True, ndim=2)
@arg('n', doc='number of samples, a whole number from 1 to 100,000 (all evaluated in one model call)', err_to_str=True)
@arg('seed', doc='random seed, a whole number >= 0 (blank = 0); the same seed gives the same samples', err_to_str=True)
@arg('spec', doc='optional two-column (key, value) range of the uncertainty model: price_loading, price_volatility_pct, temperature_sigma_K, ea_..._kJ_mol, param_noise_pct, cv_thickness_pct, cv_porosity_pct, cost_limit_usd_per_kWh (blank = no limit), spec_..._pct…', err_to_str=True, ndim=2)
@arg('factory', doc='optional (key, value) range of plant and economics inputs, as for XLCELL_COST', err_to_str=True, ndim=2)
@arg('bom', doc='optional (key, value) range of base prices, yields and cell format, as for XLCELL_COST', err_to_str=True, ndim=2)
@arg('steps', doc='optional process-step table, as for XLCELL_COST', err_to_str=True, ndim=2)
@arg('materials', doc='optional table of user-defined materials', err_to_str=True, ndim=2)
@arg('outputs', doc='optional row or column of output keys (default: cell_cost_usd_per_kWh, cell_cost_usd, specific_energy_Wh_kg, max_power_W, capacity_Ah, cycle_life, lcos_cell_usd_per_kWh)', err_to_str=True, ndim=2)
@arg('duty', doc='optional (key, value) rows: c_rate, dod, temperature_C, ...', err_to_str=True, ndim=2)
def XLCELL_MC_CORRELATION(design, n, seed, spec=None, factory=None, bom=None, steps=None, materials=None, outputs=None, duty=None):
    'Sample correlation of the log prices of a Monte Carlo run (the macro factor at work: about l_i·l_j).'
    return udfs.XLCELL_MC_CORRELATION(design, n, seed, spec, factory, bom, steps, materials, outputs, duty)


@func
@arg('design', doc='two-column (key, value) range, as for XLCELL_CELL (the Design sheet)', err_to_str=True, ndim=2)
@arg('n', doc='number of samples, a whole number from 1 to 100,000 (all evaluated in one model call)', err_to_str=True)
@arg('seed', doc='random seed, a whole number >= 0 (blank = 0); the same seed gives the same samples', err_to_str=True)
@arg('spec', doc='optional two-column (key, value) range of the uncertainty model: price_loading, price_volatility_pct, temperature_sigma_K, ea_..._kJ_mol, param_noise_pct, cv_thickness_pct, cv_porosity_pct, cost_limit_usd_per_kWh (blank = no limit), spec_..._pct…', err_to_str=True, ndim=2)
@arg('factory', doc='optional (key, value) range of plant and economics inputs, as for XLCELL_COST', err_to_str=True, ndim=2)
@arg('bom', doc='optional (key, value) range of base prices, yields and cell format, as for XLCELL_COST', err_to_str=True, ndim=2)
@arg('steps', doc='optional process-step table, as for XLCELL_COST', err_to_str=True, ndim=2)
@arg('materials', doc='optional table of user-defined materials', err_to_str=True, ndim=2)
@arg('outputs', doc='optional row or column of output keys (default: cell_cost_usd_per_kWh, cell_cost_usd, specific_energy_Wh_kg, max_power_W, capacity_Ah, cycle_life, lcos_cell_usd_per_kWh)', err_to_str=True, ndim=2)
@arg('duty', doc='optional (key, value) rows: c_rate, dod, temperature_C, ...', err_to_str=True, ndim=2)
def XLCELL_MC_RISK(design, n, seed, spec=None, factory=None, bom=None, steps=None, materials=None, outputs=None, duty=None):
    'Risk profile of a Monte Carlo run: (statistic, value) rows for the cell cost per kWh and feasibility.'
    return udfs.XLCELL_MC_RISK(design, n, seed, spec, factory, bom, steps, materials, outputs, duty)


@func
@arg('design', doc='two-column (key, value) range, as for XLCELL_CELL (the Design sheet)', err_to_str=True, ndim=2)
@arg('n', doc='number of samples, a whole number from 1 to 100,000 (all evaluated in one model call)', err_to_str=True)
@arg('seed', doc='random seed, a whole number >= 0 (blank = 0); the same seed gives the same samples', err_to_str=True)
@arg('spec', doc='optional two-column (key, value) range of the uncertainty model: price_loading, price_volatility_pct, temperature_sigma_K, ea_..._kJ_mol, param_noise_pct, cv_thickness_pct, cv_porosity_pct, cost_limit_usd_per_kWh (blank = no limit), spec_..._pct…', err_to_str=True, ndim=2)
@arg('factory', doc='optional (key, value) range of plant and economics inputs, as for XLCELL_COST', err_to_str=True, ndim=2)
@arg('bom', doc='optional (key, value) range of base prices, yields and cell format, as for XLCELL_COST', err_to_str=True, ndim=2)
@arg('steps', doc='optional process-step table, as for XLCELL_COST', err_to_str=True, ndim=2)
@arg('materials', doc='optional table of user-defined materials', err_to_str=True, ndim=2)
@arg('outputs', doc='optional row or column of output keys (default: cell_cost_usd_per_kWh, cell_cost_usd, specific_energy_Wh_kg, max_power_W, capacity_Ah, cycle_life, lcos_cell_usd_per_kWh)', err_to_str=True, ndim=2)
@arg('duty', doc='optional (key, value) rows: c_rate, dod, temperature_C, ...', err_to_str=True, ndim=2)
def XLCELL_MC_SAMPLES(design, n, seed, spec=None, factory=None, bom=None, steps=None, materials=None, outputs=None, duty=None):
    'The samples of a Monte Carlo run: one row per sample (spills n rows, at most 100,000).'
    return udfs.XLCELL_MC_SAMPLES(design, n, seed, spec, factory, bom, steps, materials, outputs, duty)


@func
@arg('design', doc='two-column (key, value) range, as for XLCELL_CELL (the Design sheet)', err_to_str=True, ndim=2)
@arg('n', doc='number of samples, a whole number from 1 to 100,000 (all evaluated in one model call)', err_to_str=True)
@arg('seed', doc='random seed, a whole number >= 0 (blank = 0); the same seed gives the same samples', err_to_str=True)
@arg('spec', doc='optional two-column (key, value) range of the uncertainty model: price_loading, price_volatility_pct, temperature_sigma_K, ea_..._kJ_mol, param_noise_pct, cv_thickness_pct, cv_porosity_pct, cost_limit_usd_per_kWh (blank = no limit), spec_..._pct…', err_to_str=True, ndim=2)
@arg('factory', doc='optional (key, value) range of plant and economics inputs, as for XLCELL_COST', err_to_str=True, ndim=2)
@arg('bom', doc='optional (key, value) range of base prices, yields and cell format, as for XLCELL_COST', err_to_str=True, ndim=2)
@arg('steps', doc='optional process-step table, as for XLCELL_COST', err_to_str=True, ndim=2)
@arg('materials', doc='optional table of user-defined materials', err_to_str=True, ndim=2)
@arg('outputs', doc='optional row or column of output keys (default: cell_cost_usd_per_kWh, cell_cost_usd, specific_energy_Wh_kg, max_power_W, capacity_Ah, cycle_life, lcos_cell_usd_per_kWh)', err_to_str=True, ndim=2)
@arg('duty', doc='optional (key, value) rows: c_rate, dod, temperature_C, ...', err_to_str=True, ndim=2)
def XLCELL_MONTE_CARLO(design, n, seed, spec=None, factory=None, bom=None, steps=None, materials=None, outputs=None, duty=None):
    'Monte Carlo of a design under correlated price, electrochemical and manufacturing uncertainty: a stats table.'
    return udfs.XLCELL_MONTE_CARLO(design, n, seed, spec, factory, bom, steps, materials, outputs, duty)


@func
@arg('pos_areal_capacity_mAh_cm2', doc='positive areal capacity in mAh/cm², > 0', err_to_str=True)
@arg('np_ratio', doc='N/P capacity ratio, > 0 (typically 1.05-1.2)', err_to_str=True)
@arg('neg_volumetric_capacity_mAh_cm3', doc='negative coating capacity per volume (ρ_coat·w_AM·q) in mAh/cm³, > 0', err_to_str=True)
def XLCELL_NEG_THICKNESS(pos_areal_capacity_mAh_cm2, np_ratio, neg_volumetric_capacity_mAh_cm3):
    'Negative coating thickness for an N/P ratio: N/P·Q_A,p / Q_v,n in µm.'
    return udfs.XLCELL_NEG_THICKNESS(pos_areal_capacity_mAh_cm2, np_ratio, neg_volumetric_capacity_mAh_cm3)


@func
@arg('line_load_N_mm', doc="line load in N/mm, > 0 and at most the material's fracture limit", err_to_str=True)
@arg('material', doc='material name (compaction law and coating modulus from the calendering table)', err_to_str=True)
@arg('roll_diameter_m', doc='roll diameter in m (blank: 0.6)', err_to_str=True)
@arg('thickness_before_um', doc='coating thickness before calendering in µm (blank: 170)', err_to_str=True)
@arg('solids_fraction', doc='slurry solids volume fraction, gives ε0 (blank: 0.4)', err_to_str=True)
@arg('poisson', doc='coating Poisson ratio, 0 <= ν < 0.5 (blank: 0.3)', err_to_str=True)
@arg('calendering_materials', doc='optional parameter table, searched before the library', err_to_str=True, ndim=2)
def XLCELL_NIP_1D(line_load_N_mm, material, roll_diameter_m=None, thickness_before_um=None, solids_fraction=None, poisson=None, calendering_materials=None):
    "The calender nip's 1D roll pass: the thin-layer limit of the FE model of the Simulation sheet."
    return udfs.XLCELL_NIP_1D(line_load_N_mm, material, roll_diameter_m, thickness_before_um, solids_fraction, poisson, calendering_materials)


@func
@arg('line_load_N_mm', doc='line load in N/mm, >= 0', err_to_str=True)
@arg('roll_diameter_m', doc='roll diameter in m (two equal rolls)', err_to_str=True)
@arg('thickness_before_um', doc='coating thickness before calendering in µm', err_to_str=True)
@arg('eps_before', doc='porosity before calendering', err_to_str=True)
@arg('material', doc='material name (compaction law and coating modulus from the calendering table)', err_to_str=True)
@arg('calendering_materials', doc='optional parameter table, searched before the library', err_to_str=True, ndim=2)
def XLCELL_NIP_PRESSURE(line_load_N_mm, roll_diameter_m, thickness_before_um, eps_before, material, calendering_materials=None):
    'Mean nip pressure in MPa: line load / nip length, nip length = sqrt(R·Δh + a²).'
    return udfs.XLCELL_NIP_PRESSURE(line_load_N_mm, roll_diameter_m, thickness_before_um, eps_before, material, calendering_materials)


@func
@arg('neg_areal_capacity_mAh_cm2', doc='negative areal capacity in mAh/cm², > 0', err_to_str=True)
@arg('pos_areal_capacity_mAh_cm2', doc='positive areal capacity in mAh/cm², > 0', err_to_str=True)
def XLCELL_NP_RATIO(neg_areal_capacity_mAh_cm2, pos_areal_capacity_mAh_cm2):
    'N/P ratio Q_A,n / Q_A,p (dimensionless).'
    return udfs.XLCELL_NP_RATIO(neg_areal_capacity_mAh_cm2, pos_areal_capacity_mAh_cm2)


@func
@arg('design', doc='two-column (key, value) range, as for XLCELL_CELL (the Design sheet)', err_to_str=True, ndim=2)
@arg('pack', doc='optional (key, value) range of pack inputs (the Pack sheet): cells_per_module, pack_energy_kWh, pack_power_kW, solve_thickness, ...', err_to_str=True, ndim=2)
@arg('factory', doc='optional (key, value) range of plant and economics inputs (the Factory sheet)', err_to_str=True, ndim=2)
@arg('bom', doc='optional (key, value) range of prices, yields and cell-format inputs (the BOM sheet)', err_to_str=True, ndim=2)
@arg('steps', doc='optional process-step table (the Factory sheet)', err_to_str=True, ndim=2)
@arg('materials', doc='optional table of user-defined materials', err_to_str=True, ndim=2)
def XLCELL_PACK(design, pack=None, factory=None, bom=None, steps=None, materials=None):
    "Module, pack and battery-system cost of a cell design in a pack (BatPaC 5.0's pack level), design to requirements."
    return udfs.XLCELL_PACK(design, pack, factory, bom, steps, materials)


@func
@arg('cases', doc='table with a header row of keys and one case per row: design keys (pos_material, neg_material, pos_thickness_um, ...), pack keys (pack_power_kW, ...) or bom and factory keys; a blank cell takes the base value', err_to_str=True, ndim=2)
@arg('items', doc='optional row or column of pack items to return (default: all)', err_to_str=True, ndim=2)
@arg('design', doc='the base of every case, as for XLCELL_PACK', err_to_str=True, ndim=2)
@arg('pack', doc='the base of every case, as for XLCELL_PACK', err_to_str=True, ndim=2)
@arg('factory', doc='the base of every case, as for XLCELL_PACK', err_to_str=True, ndim=2)
@arg('bom', doc='the base of every case, as for XLCELL_PACK', err_to_str=True, ndim=2)
@arg('steps', doc='the base of every case, as for XLCELL_PACK', err_to_str=True, ndim=2)
@arg('materials', doc='the base of every case, as for XLCELL_PACK', err_to_str=True, ndim=2)
def XLCELL_PACK_TABLE(cases, items=None, design=None, pack=None, factory=None, bom=None, steps=None, materials=None):
    'Packs of a table of cases in one call: one row per case (a format, a chemistry, a requirement set ...).'
    return udfs.XLCELL_PACK_TABLE(cases, items, design, pack, factory, bom, steps, materials)


@func
@arg('design', doc='two-column (key, value) range', err_to_str=True, ndim=2)
@arg('item', doc="a key of XLCELL_PACK's result, e.g. pack_cost_usd_per_kWh, battery_system_cost_usd_per_kWh, active_limit", err_to_str=True)
@arg('pack', doc='optional, as for XLCELL_PACK', err_to_str=True, ndim=2)
@arg('factory', doc='optional, as for XLCELL_PACK', err_to_str=True, ndim=2)
@arg('bom', doc='optional, as for XLCELL_PACK', err_to_str=True, ndim=2)
@arg('steps', doc='optional, as for XLCELL_PACK', err_to_str=True, ndim=2)
@arg('materials', doc='optional, as for XLCELL_PACK', err_to_str=True, ndim=2)
def XLCELL_PACK_VALUE(design, item, pack=None, factory=None, bom=None, steps=None, materials=None):
    'One pack item of a design, e.g. =XLCELL_PACK_VALUE(tbl_design, "pack_cost_usd_per_kWh", tbl_pack).'
    return udfs.XLCELL_PACK_VALUE(design, item, pack, factory, bom, steps, materials)


@func
@arg('points', doc='numbers, one row per design and one column per objective (no header)', err_to_str=True, ndim=2)
@arg('senses', doc='one "min" or "max" per column of points', err_to_str=True, ndim=2)
def XLCELL_PARETO_FILTER(points, senses):
    'TRUE for each row of points that no other row dominates (the Pareto front), as a spilled column.'
    return udfs.XLCELL_PARETO_FILTER(points, senses)


@func
@arg('line_load_N_mm', doc='calender line load q in N/mm of roll face, >= 0', err_to_str=True)
@arg('eps0', doc='porosity of the coating before calendering, 0 < ε0 < 1', err_to_str=True)
@arg('eps_min', doc='minimum porosity the material reaches, below eps0', err_to_str=True)
@arg('gamma_N_mm', doc='compaction resistance γ in N/mm, > 0', err_to_str=True)
def XLCELL_POROSITY(line_load_N_mm, eps0, eps_min, gamma_N_mm):
    'Porosity after calendering, ε = ε_min + (ε0 - ε_min)·exp(-q/γ) (Meyer et al. 2017).'
    return udfs.XLCELL_POROSITY(line_load_N_mm, eps0, eps_min, gamma_N_mm)


@func
@arg('line_load_N_mm', doc='nominal line load in N/mm', err_to_str=True)
@arg('material', doc='material name (compaction law from the calendering table)', err_to_str=True)
@arg('thickness_before_um', doc='coating thickness before calendering in µm', err_to_str=True)
@arg('eps_before', doc='porosity before calendering', err_to_str=True)
@arg('face_width_m', doc='roll geometry in m (bore blank = solid)', err_to_str=True)
@arg('bearing_span_m', doc='roll geometry in m (bore blank = solid)', err_to_str=True)
@arg('roll_diameter_m', doc='roll geometry in m (bore blank = solid)', err_to_str=True)
@arg('bore_diameter_m', doc='roll geometry in m (bore blank = solid)', err_to_str=True)
@arg('crown_line_load_N_mm', doc='line load the crown was ground for (blank = the nominal line load)', err_to_str=True)
@arg('points', doc='number of positions across the face (blank = 21)', err_to_str=True)
@arg('calendering_materials', doc='optional parameter table', err_to_str=True, ndim=2)
def XLCELL_POROSITY_PROFILE(line_load_N_mm, material, thickness_before_um, eps_before, face_width_m, bearing_span_m, roll_diameter_m, bore_diameter_m=None, crown_line_load_N_mm=None, points=None, calendering_materials=None):
    'Porosity across the roll face without and with a crown, and the softening alternative.'
    return udfs.XLCELL_POROSITY_PROFILE(line_load_N_mm, material, thickness_before_um, eps_before, face_width_m, bearing_span_m, roll_diameter_m, bore_diameter_m, crown_line_load_N_mm, points, calendering_materials)


@func
@arg('eps0', doc='porosity before calendering', err_to_str=True)
@arg('target_porosity', doc='mean porosity at the nip exit', err_to_str=True)
@arg('eps_min', doc='minimum porosity of the compaction law', err_to_str=True)
@arg('pressure_scale_MPa', doc='compaction resistance in pressure units (γ / nip length), MPa: XLCELL_PRESSURE_SCALE', err_to_str=True)
@arg('nip_time_ms', doc='dwell time in the nip (nip length / web speed), ms', err_to_str=True)
@arg('tau_surface_ms', doc='relaxation times of the surface and foil-side layers, ms', err_to_str=True)
@arg('tau_foil_ms', doc='relaxation times of the surface and foil-side layers, ms', err_to_str=True)
@arg('effort_weight', doc='penalty on (p/p_c)² relative to the squared porosity gradient (blank = 1e-4)', err_to_str=True)
@arg('points', doc='number of time points (blank = 41)', err_to_str=True)
@arg('terminal_weight', doc='weight of the exit gradient Δ(T)² (blank = 1)', err_to_str=True)
@arg('material', doc='optional material name: refuses a target below its fracture-onset porosity', err_to_str=True)
@arg('calendering_materials', doc='optional parameter table, searched before the library', err_to_str=True, ndim=2)
def XLCELL_PRESSURE_PROFILE(eps0, target_porosity, eps_min, pressure_scale_MPa, nip_time_ms, tau_surface_ms, tau_foil_ms, effort_weight=None, points=None, terminal_weight=None, material=None, calendering_materials=None):
    'Optimal nip pressure p*(t) (Pontryagin) and the constant-pressure baseline, one row per time.'
    return udfs.XLCELL_PRESSURE_PROFILE(eps0, target_porosity, eps_min, pressure_scale_MPa, nip_time_ms, tau_surface_ms, tau_foil_ms, effort_weight, points, terminal_weight, material, calendering_materials)


@func
@arg('eps0', doc='porosity before calendering', err_to_str=True)
@arg('target_porosity', doc='mean porosity at the nip exit', err_to_str=True)
@arg('eps_min', doc='minimum porosity of the compaction law', err_to_str=True)
@arg('pressure_scale_MPa', doc='compaction resistance in pressure units (γ / nip length), MPa: XLCELL_PRESSURE_SCALE', err_to_str=True)
@arg('nip_time_ms', doc='dwell time in the nip (nip length / web speed), ms', err_to_str=True)
@arg('tau_surface_ms', doc='relaxation times of the surface and foil-side layers, ms', err_to_str=True)
@arg('tau_foil_ms', doc='relaxation times of the surface and foil-side layers, ms', err_to_str=True)
@arg('effort_weight', doc='penalty on (p/p_c)² relative to the squared porosity gradient (blank = 1e-4)', err_to_str=True)
@arg('terminal_weight', doc='weight of the exit gradient Δ(T)² (blank = 1)', err_to_str=True)
@arg('material', doc='optional material name: refuses a target below its fracture-onset porosity', err_to_str=True)
@arg('calendering_materials', doc='optional parameter table, searched before the library', err_to_str=True, ndim=2)
def XLCELL_PRESSURE_PROFILE_SUMMARY(eps0, target_porosity, eps_min, pressure_scale_MPa, nip_time_ms, tau_surface_ms, tau_foil_ms, effort_weight=None, terminal_weight=None, material=None, calendering_materials=None):
    'Objective J = w·Δ(T)² + mean[Δ² + r·(p/p_c)²] of the optimal and the constant-pressure profile.'
    return udfs.XLCELL_PRESSURE_PROFILE_SUMMARY(eps0, target_porosity, eps_min, pressure_scale_MPa, nip_time_ms, tau_surface_ms, tau_foil_ms, effort_weight, terminal_weight, material, calendering_materials)


@func
@arg('line_load_N_mm', doc='line load in N/mm, > 0', err_to_str=True)
@arg('roll_diameter_m', doc='roll diameter in m (two equal rolls)', err_to_str=True)
@arg('thickness_before_um', doc='coating thickness before calendering in µm', err_to_str=True)
@arg('eps_before', doc='porosity before calendering', err_to_str=True)
@arg('material', doc='material name (γ, compaction law and coating modulus from the calendering table)', err_to_str=True)
@arg('calendering_materials', doc='optional parameter table, searched before the library', err_to_str=True, ndim=2)
def XLCELL_PRESSURE_SCALE(line_load_N_mm, roll_diameter_m, thickness_before_um, eps_before, material, calendering_materials=None):
    'Compaction resistance in pressure units p_c = γ / nip length in MPa, for XLCELL_PRESSURE_PROFILE.'
    return udfs.XLCELL_PRESSURE_SCALE(line_load_N_mm, roll_diameter_m, thickness_before_um, eps_before, material, calendering_materials)


@func
@arg('design', doc='two-column range of (key, value) rows', err_to_str=True, ndim=2)
@arg('c_rates', doc='row or column of C-rates (1/h), each > 0', err_to_str=True, ndim=2)
@arg('materials', doc='optional table of user-defined materials', err_to_str=True, ndim=2)
@arg('model', doc='"closed form" (default: the cell model\'s closed forms, instant) or "porous" (a reduced DFN that resolves the reaction through the coatings, as PyBaMM\'s DFN does past the electrolyte cliff; about 1 s per C-rate)', err_to_str=True)
def XLCELL_RATE_CAPABILITY(design, c_rates, materials=None, model=None):
    'Usable capacity versus C-rate for one design (diffusion-limited rate capability).'
    return udfs.XLCELL_RATE_CAPABILITY(design, c_rates, materials, model)


@func
@arg('line_load_N_mm', doc='line load in N/mm, >= 0', err_to_str=True)
@arg('face_width_m', doc='loaded face width w in m, <= bearing span', err_to_str=True)
@arg('bearing_span_m', doc='distance between bearings l in m', err_to_str=True)
@arg('roll_diameter_m', doc='outer diameter D in m', err_to_str=True)
@arg('bore_diameter_m', doc='bore d in m for a hollow roll (blank = solid)', err_to_str=True)
@arg('youngs_modulus_GPa', doc="Young's modulus in GPa (blank = 210, steel)", err_to_str=True)
def XLCELL_ROLL_CROWN(line_load_N_mm, face_width_m, bearing_span_m, roll_diameter_m, bore_diameter_m=None, youngs_modulus_GPa=None):
    'Roll crown calculator: deflections, the compensating crown, its radius and the thermal-crown ΔT.'
    return udfs.XLCELL_ROLL_CROWN(line_load_N_mm, face_width_m, bearing_span_m, roll_diameter_m, bore_diameter_m, youngs_modulus_GPa)


@func
@arg('line_load_N_mm', doc='line load in N/mm, >= 0', err_to_str=True)
@arg('face_width_m', doc='loaded face width w in m, <= bearing span', err_to_str=True)
@arg('bearing_span_m', doc='distance between bearings l in m', err_to_str=True)
@arg('roll_diameter_m', doc='outer diameter D in m', err_to_str=True)
@arg('bore_diameter_m', doc='bore d in m for a hollow roll (blank = solid)', err_to_str=True)
@arg('youngs_modulus_GPa', doc="Young's modulus in GPa (blank = 210, steel)", err_to_str=True)
def XLCELL_ROLL_DEFLECTION(line_load_N_mm, face_width_m, bearing_span_m, roll_diameter_m, bore_diameter_m=None, youngs_modulus_GPa=None):
    'Mid-face bending deflection of a calender roll in µm: F(8l³ - 4lw² + w³)/(384·E·I), F = q·w.'
    return udfs.XLCELL_ROLL_DEFLECTION(line_load_N_mm, face_width_m, bearing_span_m, roll_diameter_m, bore_diameter_m, youngs_modulus_GPa)


@func
@arg('design', doc='two-column (key, value) design range; its temperature_C is the ageing temperature', err_to_str=True, ndim=2)
@arg('cycles_per_year', doc='full cycles per year, > 0 (blank = 365); sets how much calendar time passes per cycle', err_to_str=True)
@arg('eol_soh', doc='end-of-life state of health, 0-1 (blank = 0.8)', err_to_str=True)
@arg('sei_params', doc='optional (key, value) range of SEI parameters', err_to_str=True, ndim=2)
@arg('materials', doc='optional table of user-defined materials', err_to_str=True, ndim=2)
def XLCELL_SEI_CYCLE_LIFE(design, cycles_per_year=None, eol_soh=None, sei_params=None, materials=None):
    'Equivalent full cycles until SEI growth brings the state of health to the end-of-life value.'
    return udfs.XLCELL_SEI_CYCLE_LIFE(design, cycles_per_year, eol_soh, sei_params, materials)


@func
@arg('design', doc='two-column (key, value) design range', err_to_str=True, ndim=2)
@arg('cycles', doc='row or column of equivalent full cycle counts, >= 0', err_to_str=True, ndim=2)
@arg('cycles_per_year', doc='full cycles per year, > 0 (blank = 365)', err_to_str=True)
@arg('sei_params', doc='optional (key, value) range of SEI parameters', err_to_str=True, ndim=2)
@arg('materials', doc='optional table of user-defined materials', err_to_str=True, ndim=2)
def XLCELL_SEI_FADE(design, cycles, cycles_per_year=None, sei_params=None, materials=None):
    'SEI capacity fade versus cycles for one design: columns cycles, years, soh, sei_thickness_nm.'
    return udfs.XLCELL_SEI_FADE(design, cycles, cycles_per_year, sei_params, materials)


@func
@arg('design', doc='two-column (key, value) design range (Design sheet); its temperature_C is the ageing temperature', err_to_str=True, ndim=2)
@arg('years', doc='elapsed time in years, >= 0', err_to_str=True)
@arg('cycles', doc='equivalent full cycles in that time, >= 0 (blank = 0, calendar ageing only)', err_to_str=True)
@arg('sei_params', doc='optional (key, value) range of SEI parameters (sei_diffusivity_m2_s, sei_activation_energy_kJ_mol, ...)', err_to_str=True, ndim=2)
@arg('materials', doc='optional table of user-defined materials', err_to_str=True, ndim=2)
def XLCELL_SEI_LOSS(design, years, cycles=None, sei_params=None, materials=None):
    'Capacity lost to SEI growth (%) after a time and a number of cycles, from the cell design.'
    return udfs.XLCELL_SEI_LOSS(design, years, cycles, sei_params, materials)


@func
@arg('design', doc='two-column (key, value) design range', err_to_str=True, ndim=2)
@arg('years', doc='number of years N, whole number from 1 to 100', err_to_str=True)
@arg('cycles_per_year', doc='full cycles per year, > 0 (blank = 365)', err_to_str=True)
@arg('sei_params', doc='optional (key, value) range of SEI parameters', err_to_str=True, ndim=2)
@arg('materials', doc='optional table of user-defined materials', err_to_str=True, ndim=2)
def XLCELL_SEI_SOH_BY_YEAR(design, years, cycles_per_year=None, sei_params=None, materials=None):
    "State of health at the start of each year 1..N from SEI growth (a column, for XLCELL_LCOS's soh)."
    return udfs.XLCELL_SEI_SOH_BY_YEAR(design, years, cycles_per_year, sei_params, materials)


@func
@arg('design', doc='two-column (key, value) range, as for XLCELL_CELL (the Design sheet): the values of the inputs not varied', err_to_str=True, ndim=2)
@arg('n', doc='base samples N, a whole number from 2 to 4,096 (a power of 2, e.g. 256); larger studies: xlcell sensitivity', err_to_str=True)
@arg('seed', doc='random seed of the sample and the bootstrap, a whole number >= 0 (blank = 0)', err_to_str=True)
@arg('bounds', doc='optional three-column range (key, lower, upper): design keys and material prices in display units (blank = pos_thickness_um 40-250, pos_porosity 0.18-0.45, np_ratio 1.05-1.25, sep_thickness_um 10-25 and six prices ± 50 %)', err_to_str=True, ndim=2)
@arg('outputs', doc='optional row or column of output keys (default: cell_cost_usd_per_kWh, specific_energy_Wh_kg, lcos_cell_usd_per_kWh)', err_to_str=True, ndim=2)
@arg('factory', doc='optional (key, value) range of plant and economics inputs, as for XLCELL_COST', err_to_str=True, ndim=2)
@arg('bom', doc='optional (key, value) range of base prices, yields and cell format, as for XLCELL_COST', err_to_str=True, ndim=2)
@arg('steps', doc='optional process-step table, as for XLCELL_COST', err_to_str=True, ndim=2)
@arg('materials', doc='optional table of user-defined materials', err_to_str=True, ndim=2)
@arg('duty', doc='optional (key, value) rows: c_rate, dod, temperature_C, ... of the life and LCOS models', err_to_str=True, ndim=2)
def XLCELL_SOBOL(design, n, seed, bounds=None, outputs=None, factory=None, bom=None, steps=None, materials=None, duty=None):
    'Sobol first-order (S1) and total (ST) sensitivity indices of model outputs over design and price inputs (SALib).'
    return udfs.XLCELL_SOBOL(design, n, seed, bounds, outputs, factory, bom, steps, materials, duty)


@func
@arg('am_volume_fraction', doc='active-material volume fraction, 0 < ε_AM < 1', err_to_str=True)
@arg('particle_radius_um', doc='particle radius in µm, > 0', err_to_str=True)
def XLCELL_SPECIFIC_AREA(am_volume_fraction, particle_radius_um):
    'Active surface per electrode volume 3·ε_AM/r in cm²/cm³.'
    return udfs.XLCELL_SPECIFIC_AREA(am_volume_fraction, particle_radius_um)


@func
@arg('design', doc='(key, value) design range', err_to_str=True, ndim=2)
@arg('thicknesses_um', doc='positive thicknesses, µm (blank = 40 to 250 by 10)', err_to_str=True, ndim=2)
@arg('duty', doc='optional (key, value) duty rows, as XLCELL_CELL_LCOS', err_to_str=True, ndim=2)
@arg('c_om', doc='per cell, $ (blank = 0)', err_to_str=True)
@arg('residual_value', doc='per cell, $ (blank = 0)', err_to_str=True)
@arg('life_params', doc='optional (key, value) life-model parameters, as XLCELL_CYCLE_LIFE', err_to_str=True, ndim=2)
@arg('materials', doc='optional user materials', err_to_str=True, ndim=2)
def XLCELL_THICKNESS_STUDY(design, thicknesses_um=None, duty=None, c_om=None, residual_value=None, life_params=None, materials=None):
    'Positive-thickness sweep at a duty: energy, power, life, $/kWh and LCOS, one row per thickness.'
    return udfs.XLCELL_THICKNESS_STUDY(design, thicknesses_um, duty, c_om, residual_value, life_params, materials)


@func
def XLCELL_VERSION():
    'The version of the xlcell add-in and models (e.g. for a report footer).'
    return udfs.XLCELL_VERSION()


@func
@arg('c_rate', doc='C-rate, > 0 and <= 10', err_to_str=True)
@arg('temperature_C', doc='cell temperature in °C (XLCELL_WANG_IN_RANGE flags extrapolation)', err_to_str=True)
@arg('eol_soh', doc='end-of-life state of health, 0-1 (blank = 0.8)', err_to_str=True)
@arg('dod', doc='depth of discharge, 0 (exclusive) to 1 (blank = 1)', err_to_str=True)
def XLCELL_WANG_CYCLE_LIFE(c_rate, temperature_C, eol_soh=None, dod=None):
    'Cycles to end of life from Wang et al. 2011 (the tested cell; no design input).'
    return udfs.XLCELL_WANG_CYCLE_LIFE(c_rate, temperature_C, eol_soh, dod)


@func
@arg('c_rate', doc='C-rate, > 0 and <= 10', err_to_str=True)
@arg('temperature_C', doc='cell temperature in °C', err_to_str=True)
@arg('cycles', doc='row or column of equivalent full cycle counts, >= 0', err_to_str=True, ndim=2)
@arg('dod', doc="depth of discharge, 0 (exclusive) to 1 (blank = 1) in_tested_range is FALSE where the C-rate or temperature lie outside Wang et al.'s tests (extrapolation).", err_to_str=True)
def XLCELL_WANG_FADE(c_rate, temperature_C, cycles, dod=None):
    'Wang et al. 2011 fade versus cycles: columns cycles, ah_throughput, soh, in_tested_range.'
    return udfs.XLCELL_WANG_FADE(c_rate, temperature_C, cycles, dod)


@func
@arg('data', doc='table with header c_rate | temperature_C | ah_throughput | loss_pct and one measurement per row', err_to_str=True, ndim=2)
def XLCELL_WANG_FIT(data):
    'Fit the Wang et al. form to your ageing data (scipy least squares on ln loss).'
    return udfs.XLCELL_WANG_FIT(data)


@func
@arg('c_rate', doc='C-rate, > 0', err_to_str=True)
@arg('temperature_C', doc='cell temperature in °C Use beside XLCELL_WANG_LOSS and XLCELL_WANG_CYCLE_LIFE, which return a number either way.', err_to_str=True)
def XLCELL_WANG_IN_RANGE(c_rate, temperature_C):
    "TRUE if the C-rate and temperature lie inside Wang et al.'s tests (C/2 to 10C, -30 to 60 °C); FALSE = extrapolation."
    return udfs.XLCELL_WANG_IN_RANGE(c_rate, temperature_C)


@func
@arg('c_rate', doc='C-rate, > 0 and <= 10 (published B at C/2, 2C, 6C, 10C; interpolated between, held at C/2 below it)', err_to_str=True)
@arg('temperature_C', doc='cell temperature in °C (tested -30 to 60 °C; XLCELL_WANG_IN_RANGE flags extrapolation)', err_to_str=True)
@arg('ah_throughput', doc='cumulative discharge throughput in Ah of the tested 2.2 Ah cell (cycles x DOD x 2.2), >= 0', err_to_str=True)
def XLCELL_WANG_LOSS(c_rate, temperature_C, ah_throughput):
    'Capacity loss (%) of Wang et al. 2011 (graphite/LFP): B(C) exp(-(31700 - 370.3 C)/(R T)) Ah^0.55, at most 100.'
    return udfs.XLCELL_WANG_LOSS(c_rate, temperature_C, ah_throughput)


@func
@arg('c_rate', doc='C-rate, > 0 and <= 10', err_to_str=True)
@arg('temperature_C', doc='cell temperature in °C (XLCELL_WANG_IN_RANGE flags extrapolation)', err_to_str=True)
@arg('years', doc='number of years N, whole number from 1 to 100', err_to_str=True)
@arg('cycles_per_year', doc='full cycles per year, > 0', err_to_str=True)
@arg('dod', doc='depth of discharge, 0 (exclusive) to 1 (blank = 1)', err_to_str=True)
def XLCELL_WANG_SOH_BY_YEAR(c_rate, temperature_C, years, cycles_per_year, dod=None):
    "State of health at the start of each year 1..N from Wang et al. 2011 (a column, for XLCELL_LCOS's soh)."
    return udfs.XLCELL_WANG_SOH_BY_YEAR(c_rate, temperature_C, years, cycles_per_year, dod)


@script
def xlcell_pareto_front(book: xw.Book):
    "Trace the Pareto front from the Pareto sheet's settings and write the front and the chosen point."
    macros.pareto_macro(LiteBook(book))


@script
def xlcell_optimise(book: xw.Book):
    "Optimise the Pareto sheet's first objective subject to its constraints and write the optimum."
    macros.optimize_macro(LiteBook(book))
