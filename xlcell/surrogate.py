"""The digital thread: a physics-informed Gaussian-process surrogate of calendering and Bayesian optimisation.

Surrogate
---------
A Gaussian process (scikit-learn's :class:`~sklearn.gaussian_process.GaussianProcessRegressor`) maps process
settings to final porosity. With ``features="physics"`` its inputs are the dimensionless groups of the
process rather than the raw settings:

* exp(-q/γ_c(T)): the share of ε_0 - ε_min the quasi-static compaction law of :mod:`xlcell.calendering`
  leaves at line load q (γ_c softened at roll temperature T); porosity is linear in it at fixed De;
* ln De: the Deborah number τ(T) / t_dwell, relaxation time over nip dwell time (nip length / line speed,
  :func:`xlcell.process_sim.deborah_number`);
* ε_0: the porosity before calendering from the slurry solids fraction.

``features="raw"`` uses the settings themselves (line load, line speed, solids fraction, temperature) for
comparison. With physics features the GP also has a physics prior mean (``prior=True``): it learns the
residual of the quasi-static compaction law ε_eq(q, ε_0, T), i.e. the rate effect and the law's error. Either way each input column is standardised on the training data (columns constant in the
training data are dropped), the kernel is C · Matern(ν = 5/2, one length-scale per input: ARD) + white
noise, the targets are standardised and the hyperparameters maximise the log marginal likelihood from
``n_restarts`` + 1 starts drawn with a fixed ``random_state`` (deterministic). The white-noise variance is
bounded below by the measurement noise (``measurement_sd``, default :data:`MEASUREMENT_SD`): without that
floor a handful of trials is fitted as noise-free data and the predictive std collapses to ~0 at the trials
(measured: 1.5e-6 on six trials with noise sd 0.003). :meth:`Surrogate.predict` returns the std of a new
*measurement* (latent variance + noise variance, the prediction band); :meth:`Surrogate.predict_latent`
the std of the noise-free porosity, which the acquisition uses.

Bayesian optimisation
---------------------
The objective is the distance to a target porosity, |ε - ε_t|, to be minimised. With the GP's normal
posterior of the noise-free porosity ε ~ N(μ, σ²) (latent σ, without the measurement noise, as the
incumbent is a posterior mean too) the expected improvement over the incumbent b has a closed form
(:func:`expected_improvement_target`): EI = E[max(0, b - |ε - ε_t|)], the integral of the tent
b - |y - ε_t| over (ε_t - b, ε_t + b) under the normal density. The lower confidence bound
|μ - ε_t| - κσ is the alternative (:func:`lower_confidence_bound_target`). The acquisition is maximised over
a scrambled Sobol candidate set inside the bounds and polished by L-BFGS-B from the best candidates. Line
loads above the material's fracture-limited line load (:func:`xlcell.calendering.fracture_line_load` at
the quasi-static law, conservative: the rate effect only raises porosity) are excluded when
``fracture_limit`` is set. The incumbent is the best posterior mean at the settings tried so far (robust
to measurement noise). :func:`bayes_opt` runs the closed loop on a simulator, :func:`suggest_next` gives
the next setting from an engineer's trial data.
"""
from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .calendering import LINE_LOAD, CalenderingMaterial, eps0_from_solids
from .errors import InputError, ShapeError
from .params import ParamSpec, param, per_item
from .process_sim import (
    SOLIDS_FRACTION,
    CalenderLine,
    ProcessSimulator,
    ProcessState,
    material_of,
    process_state,
    softening_factor,
)
from .units import from_si

Array = Any
Settings = Mapping[str, Array]

#: the process settings a surrogate and the BO loop know: SI name, Excel key, label and display unit (the line load's
#: is the one spec every calender entry route converts with)
SETTING_SPECS: tuple[ParamSpec, ...] = (
    LINE_LOAD,
    ParamSpec(name="line_speed_m_s", key="line_speed_m_min", label="Line speed", unit="m/min"),
    ParamSpec(name="solids_fraction", key="solids_fraction", label="Slurry solids volume fraction φ_s", unit="-"),
    ParamSpec(name="roll_temperature_K", key="roll_temperature_C", label="Roll temperature", unit="°C"),
)
#: the process settings (SI keys) a surrogate and the BO loop know
KEYS = tuple(sp.name for sp in SETTING_SPECS)
#: SI setting -> display unit
SETTING_UNITS: dict[str, str] = {sp.name: sp.unit for sp in SETTING_SPECS}
FEATURES = ("physics", "raw")
ACQUISITIONS = ("ei", "lcb")
MIN_POINTS = 3  #: fewest trials a surrogate is fitted to
#: default measurement noise (sd of a porosity measurement): the floor of the GP's white-noise term; the
#: simulator's default noise (:class:`xlcell.process_sim.ProcessSimulator`)
MEASUREMENT_SD = 0.003


def _f(x: Array) -> np.ndarray:
    return np.asarray(x, dtype=float)


# ---------------------------------------------------------------------------------------------
# Settings and features
# ---------------------------------------------------------------------------------------------

def complete_settings(settings: Settings, line: CalenderLine, solids_fraction: float = SOLIDS_FRACTION) -> dict[str, np.ndarray]:
    """All four settings as 1-D float arrays of one length: missing ones take the defaults.

    Line load and line speed are required; solids fraction defaults to ``solids_fraction``, roll
    temperature to the line's reference temperature.

    Parameters
    ----------
    settings : mapping of str to array_like
        Process settings in SI: ``line_load_N_m`` (N/m) and ``line_speed_m_s`` (m/s), required;
        ``solids_fraction`` (-) and ``roll_temperature_K`` (K), optional; one value per setting, or scalars
        (broadcast).
    line : CalenderLine
        The calender line (SI): its reference temperature is the default roll temperature.
    solids_fraction : float
        Slurry solids volume fraction φ_s (-) of settings that do not give one (default
        :data:`~xlcell.process_sim.SOLIDS_FRACTION`).
    """
    unknown = set(settings) - set(KEYS)
    if unknown:
        raise InputError("settings", sorted(unknown)[0], "one of " + ", ".join(KEYS))
    for k in KEYS[:2]:
        if k not in settings:
            raise InputError("settings", k, "given: line load and line speed are required")
    defaults = {"solids_fraction": solids_fraction, "roll_temperature_K": line.reference_temperature_K}
    arrays = [np.atleast_1d(_f(settings.get(k, defaults.get(k)))) for k in KEYS]
    arrays = np.broadcast_arrays(*arrays)
    out = {k: a.ravel().astype(float) for k, a in zip(KEYS, arrays)}
    for k, a in out.items():
        if not np.isfinite(a).all():
            i = int(np.flatnonzero(~np.isfinite(a))[0])
            raise InputError(k, float(a[i]), "a finite number", f"setting {i + 1}" if a.size > 1 else None)
    return out


def settings_state(settings: Settings, material: CalenderingMaterial | str, line: CalenderLine,
                   solids_fraction: float = SOLIDS_FRACTION) -> tuple[dict[str, np.ndarray], ProcessState]:
    """The completed settings (:func:`complete_settings`) and their process state (ε_0, softening, ε_eq, De), once.

    Parameters
    ----------
    settings : mapping of str to array_like
        Process settings in SI: ``line_load_N_m`` (N/m) and ``line_speed_m_s`` (m/s), required;
        ``solids_fraction`` (-) and ``roll_temperature_K`` (K), optional; one value per setting, or scalars
        (broadcast).
    material : CalenderingMaterial or str
        Calendering parameters, or a material name (any case).
    line : CalenderLine
        The calender line (SI): its reference temperature is the default roll temperature.
    solids_fraction : float
        Slurry solids volume fraction φ_s (-) of settings that do not give one (default
        :data:`~xlcell.process_sim.SOLIDS_FRACTION`).
    """
    s = complete_settings(settings, line, solids_fraction)
    return s, process_state(s["line_load_N_m"], s["line_speed_m_s"], s["solids_fraction"], material,
                            s["roll_temperature_K"], line)


def _physics_columns(line_load_N_m: np.ndarray, st: ProcessState, mat: CalenderingMaterial) -> np.ndarray:
    # beyond De ~ 1e3 the coating does not relax at all in the nip (and q = 0 gives De = inf): clipping keeps
    # the GP's inputs finite and one uncalendered trial from stretching the standardised ln De axis
    lnDe = np.log(np.clip(st.deborah, 1e-6, 1e3))
    return np.column_stack([np.exp(-line_load_N_m / (mat.gamma_N_m * st.softening)), lnDe, st.eps0])


def physics_features(settings: Settings, material: CalenderingMaterial | str, line: CalenderLine,
                     solids_fraction: float = SOLIDS_FRACTION) -> np.ndarray:
    """Dimensionless groups (n, 3): exp(-q/γ_c(T)), ln De, ε_0 (settings completed by :func:`complete_settings`).

    Parameters
    ----------
    settings : mapping of str to array_like
        Process settings in SI: ``line_load_N_m`` (N/m) and ``line_speed_m_s`` (m/s), required;
        ``solids_fraction`` (-) and ``roll_temperature_K`` (K), optional; one value per setting, or scalars
        (broadcast).
    material : CalenderingMaterial or str
        Calendering parameters, or a material name (any case): its γ_c and ε_min enter the groups.
    line : CalenderLine
        The calender line (SI): nip geometry, relaxation time τ and softening.
    solids_fraction : float
        Slurry solids volume fraction φ_s (-) of settings that do not give one (default
        :data:`~xlcell.process_sim.SOLIDS_FRACTION`).
    """
    mat = material_of(material)
    s, st = settings_state(settings, mat, line, solids_fraction)
    return _physics_columns(s["line_load_N_m"], st, mat)


def static_porosity(settings: Settings, material: CalenderingMaterial | str, line: CalenderLine,
                    solids_fraction: float = SOLIDS_FRACTION) -> np.ndarray:
    """Quasi-static porosity of the compaction law at the settings (no rate effect): the physics prior mean.

    Parameters
    ----------
    settings : mapping of str to array_like
        Process settings in SI: ``line_load_N_m`` (N/m) and ``line_speed_m_s`` (m/s), required;
        ``solids_fraction`` (-) and ``roll_temperature_K`` (K), optional; one value per setting, or scalars
        (broadcast).
    material : CalenderingMaterial or str
        Calendering parameters, or a material name (any case).
    line : CalenderLine
        The calender line (SI): its reference temperature is the default roll temperature.
    solids_fraction : float
        Slurry solids volume fraction φ_s (-) of settings that do not give one (default
        :data:`~xlcell.process_sim.SOLIDS_FRACTION`).
    """
    return settings_state(settings, material, line, solids_fraction)[1].eps_eq


def raw_features(settings: Settings, line: CalenderLine, solids_fraction: float = SOLIDS_FRACTION) -> np.ndarray:
    """The settings themselves (n, 4): line load, line speed, solids fraction, roll temperature (SI).

    Parameters
    ----------
    settings : mapping of str to array_like
        Process settings in SI: ``line_load_N_m`` (N/m) and ``line_speed_m_s`` (m/s), required;
        ``solids_fraction`` (-) and ``roll_temperature_K`` (K), optional; one value per setting, or scalars
        (broadcast).
    line : CalenderLine
        The calender line (SI): its reference temperature is the default roll temperature.
    solids_fraction : float
        Slurry solids volume fraction φ_s (-) of settings that do not give one (default
        :data:`~xlcell.process_sim.SOLIDS_FRACTION`).
    """
    s = complete_settings(settings, line, solids_fraction)
    return np.column_stack([s[k] for k in KEYS])


# ---------------------------------------------------------------------------------------------
# The Gaussian-process surrogate
# ---------------------------------------------------------------------------------------------

@dataclass
class Surrogate:
    """A fitted GP of porosity over process settings; :meth:`predict` takes arrays of settings in one call."""

    gp: Any
    features: str
    material: CalenderingMaterial
    line: CalenderLine
    solids_fraction: float
    columns: np.ndarray  #: indices of the feature columns used (those not constant in the training data)
    center: np.ndarray
    scale: np.ndarray
    prior: bool = True  #: physics features only: the GP learns the residual from the quasi-static compaction law
    train_settings: dict[str, np.ndarray] = field(default_factory=dict)
    train_porosity: np.ndarray = field(default_factory=lambda: np.zeros(0))
    y_center: float = 0.0  #: the GP is fitted to (residual - y_center) / y_scale
    y_scale: float = 1.0
    measurement_sd: float = MEASUREMENT_SD  #: the floor of the fitted noise sd

    def features_and_prior(self, settings: Settings) -> tuple[np.ndarray, np.ndarray]:
        """The raw feature matrix (before standardisation) and the prior mean of arrays of settings, from one
        evaluation of the process state (the prior is the quasi-static compaction law with physics features
        and ``prior``, else 0).

        Parameters
        ----------
        settings : mapping of str to array_like
            Process settings in SI: ``line_load_N_m`` (N/m) and ``line_speed_m_s`` (m/s), required;
            ``solids_fraction`` (-) and ``roll_temperature_K`` (K), optional (default: the surrogate's
            ``solids_fraction`` and the line's reference temperature); one value per setting, or scalars.
        """
        if self.features == "physics":
            s, st = settings_state(settings, self.material, self.line, self.solids_fraction)
            X = _physics_columns(s["line_load_N_m"], st, self.material)
            return X, (st.eps_eq if self.prior else np.zeros(X.shape[0]))
        X = raw_features(settings, self.line, self.solids_fraction)
        return X, np.zeros(X.shape[0])

    def feature_matrix(self, settings: Settings) -> np.ndarray:
        """The raw feature matrix (before standardisation) of arrays of settings.

        Parameters
        ----------
        settings : mapping of str to array_like
            Process settings in SI: ``line_load_N_m`` (N/m) and ``line_speed_m_s`` (m/s), required;
            ``solids_fraction`` (-) and ``roll_temperature_K`` (K), optional (default: the surrogate's
            ``solids_fraction`` and the line's reference temperature); one value per setting, or scalars.
        """
        return self.features_and_prior(settings)[0]

    def transform(self, settings: Settings) -> np.ndarray:
        """The GP's inputs at arrays of settings: the feature columns used, standardised on the training data.

        Parameters
        ----------
        settings : mapping of str to array_like
            Process settings in SI: ``line_load_N_m`` (N/m) and ``line_speed_m_s`` (m/s), required;
            ``solids_fraction`` (-) and ``roll_temperature_K`` (K), optional (default: the surrogate's
            ``solids_fraction`` and the line's reference temperature); one value per setting, or scalars.
        """
        return self._standardise(self.feature_matrix(settings))

    def _standardise(self, X: np.ndarray) -> np.ndarray:
        return (X[:, self.columns] - self.center) / self.scale

    def prior_mean(self, settings: Settings) -> np.ndarray:
        """The physics prior the GP corrects: the quasi-static compaction law (``features="physics"``), else 0.

        Parameters
        ----------
        settings : mapping of str to array_like
            Process settings in SI: ``line_load_N_m`` (N/m) and ``line_speed_m_s`` (m/s), required;
            ``solids_fraction`` (-) and ``roll_temperature_K`` (K), optional (default: the surrogate's
            ``solids_fraction`` and the line's reference temperature); one value per setting, or scalars.
        """
        return self.features_and_prior(settings)[1]

    @property
    def noise_sd(self) -> float:
        """The fitted measurement-noise sd (porosity units), never below ``measurement_sd``."""
        return float(np.sqrt(self.gp.kernel_.k2.noise_level) * self.y_scale)

    def predict_latent(self, settings: Settings) -> tuple[np.ndarray, np.ndarray]:
        """Posterior mean and std of the noise-free porosity at arrays of settings (n,), (n,).

        Parameters
        ----------
        settings : mapping of str to array_like
            Process settings in SI: ``line_load_N_m`` (N/m) and ``line_speed_m_s`` (m/s), required;
            ``solids_fraction`` (-) and ``roll_temperature_K`` (K), optional (default: the surrogate's
            ``solids_fraction`` and the line's reference temperature); one value per setting, or scalars.
        """
        X, prior = self.features_and_prior(settings)
        mean, std = self.gp.predict(self._standardise(X), return_std=True)
        mean = np.asarray(mean, dtype=float).ravel() * self.y_scale + self.y_center + prior
        # sklearn's variance is k(x, x) + noise - k*ᵀ K⁻¹ k*: the white term adds its level on the diagonal
        var = np.asarray(std, dtype=float).ravel() ** 2 - self.gp.kernel_.k2.noise_level
        return mean, np.sqrt(np.maximum(var, 0.0)) * self.y_scale

    def predict(self, settings: Settings) -> tuple[np.ndarray, np.ndarray]:
        """Posterior mean and the std of a new *measurement* of porosity at arrays of settings (n,), (n,).

        std² = latent variance + fitted noise variance, so mean ± 2 std is a ~95 % prediction interval for
        a new measurement, and std >= the fitted noise sd >= ``measurement_sd``.

        Parameters
        ----------
        settings : mapping of str to array_like
            Process settings in SI: ``line_load_N_m`` (N/m) and ``line_speed_m_s`` (m/s), required;
            ``solids_fraction`` (-) and ``roll_temperature_K`` (K), optional (default: the surrogate's
            ``solids_fraction`` and the line's reference temperature); one value per setting, or scalars.
        """
        mean, latent = self.predict_latent(settings)
        return mean, np.sqrt(latent ** 2 + self.noise_sd ** 2)

    @property
    def kernel(self) -> Any:
        """The fitted kernel (length-scales in standardised feature units)."""
        return self.gp.kernel_


def _one_blas_thread():
    """Single-threaded BLAS for the GP's small matrices: threads only add overhead there, and on a busy machine
    they slow the marginal-likelihood fits several-fold (measured: 11 s instead of 2.6 s for 5 BO runs)."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="blas")


def _check_porosity(porosity: Array, n: int) -> np.ndarray:
    y = np.atleast_1d(_f(porosity)).ravel()
    if y.size != n:
        raise ShapeError("porosity", f"{y.size} values", f"{n}, one per setting")
    bad = ~(np.isfinite(y) & (y > 0) & (y < 1))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError("porosity", float(y[i]), "a measured porosity between 0 and 1 (exclusive)", f"trial {i + 1}")
    return y


def _check_target(target: float) -> float:
    t = float(target)
    if not (np.isfinite(t) and 0 < t < 1):
        raise InputError("target_porosity", t, "a number between 0 and 1 (exclusive)")
    return t


def fit_surrogate(settings: Settings, porosity: Array, *, material: CalenderingMaterial | str = "NMC811",
                  line: CalenderLine | None = None, solids_fraction: float = SOLIDS_FRACTION, features: str = "physics",
                  prior: bool = True, n_restarts: int = 3, seed: int = 0, nu: float = 2.5,
                  warm_start: Surrogate | None = None, measurement_sd: float = MEASUREMENT_SD) -> Surrogate:
    """Fit the GP surrogate of porosity to trials (arrays of settings, SI) by maximum marginal likelihood.

    Parameters
    ----------
    settings : mapping of str to array_like
        ``line_load_N_m`` and ``line_speed_m_s`` (required), ``solids_fraction`` and ``roll_temperature_K``
        (optional), one value per trial (or scalars, broadcast).
    porosity : array_like
        Measured final porosity per trial, 0 < ε < 1.
    material, line, solids_fraction
        The material (its γ_c and ε_min enter the physics features), the calender (nip length, τ) and the
        solids fraction of trials that do not give one.
    features : {"physics", "raw"}
        Dimensionless groups (exp(-q/γ_c), ln De, ε_0) or the raw settings.
    prior : bool
        With physics features: fit the residual of the quasi-static compaction law (physics prior mean).
    n_restarts, seed
        Restarts of the marginal-likelihood optimiser and its random state (same seed -> same fit).
    warm_start : Surrogate, optional
        A surrogate fitted to fewer of the same trials (the previous round of the BO loop): its fitted
        hyperparameters are the first start of the optimiser (when the inputs used are the same).
    nu : float
        Smoothness of the Matern kernel (0.5, 1.5, 2.5 or inf for the squared exponential, RBF).
    measurement_sd : float
        Standard deviation of a porosity measurement (>= 0): the fitted noise sd does not fall below it.
    """
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import RBF, ConstantKernel, Matern, WhiteKernel

    if features not in FEATURES:
        raise InputError("features", features, "one of " + ", ".join(FEATURES))
    msd = float(measurement_sd)
    if not (np.isfinite(msd) and 0 <= msd < 1):
        raise InputError("measurement_sd", msd, "a number >= 0 and below 1 (sd of a porosity measurement)")
    line = line or CalenderLine()
    mat = material_of(material)
    s = complete_settings(settings, line, solids_fraction)
    n = s["line_load_N_m"].size
    if n < MIN_POINTS:
        raise ShapeError("data", f"{n} trial(s)", f"at least {MIN_POINTS} trials to fit the surrogate")
    y = _check_porosity(porosity, n)
    sur = Surrogate(gp=None, features=features, material=mat, line=line, solids_fraction=solids_fraction,
                    columns=np.zeros(0, int), center=np.zeros(0), scale=np.ones(0), prior=bool(prior),
                    measurement_sd=msd)
    X, prior_mean = sur.features_and_prior(s)
    spread = X.max(axis=0) - X.min(axis=0)
    cols = np.flatnonzero(spread > 1e-12 * np.maximum(1.0, np.abs(X).max(axis=0)))
    if cols.size == 0:
        raise InputError("data", "all trials at one setting", "trials at two or more different settings")
    X = X[:, cols]
    center, scale = X.mean(axis=0), X.std(axis=0)
    d = cols.size
    base = Matern(length_scale=np.ones(d), length_scale_bounds=(1e-2, 1e2), nu=nu) if np.isfinite(nu) else \
        RBF(length_scale=np.ones(d), length_scale_bounds=(1e-2, 1e2))
    # targets standardised by hand (not normalize_y) so the noise floor is known in the GP's units; the scale is
    # at least the measurement sd, so the floor is at most 1 (a residual flatter than the noise is noise)
    r = y - prior_mean
    y_center = float(r.mean())
    y_scale = max(float(r.std()), msd) or 1.0
    floor = max((msd / y_scale) ** 2, 1e-9)
    high = max(1.0, 10.0 * floor)
    kernel = ConstantKernel(1.0, (1e-3, 1e3)) * base + WhiteKernel(min(max(1e-3, floor), high), (floor, high))
    if (warm_start is not None and warm_start.gp is not None and warm_start.features == features
            and np.array_equal(warm_start.columns, cols) and type(warm_start.gp.kernel_) is type(kernel)
            and warm_start.gp.kernel_.theta.size == kernel.theta.size):
        # the previous round's hyperparameters as the first start, inside this round's bounds
        kernel = kernel.clone_with_theta(np.clip(warm_start.gp.kernel_.theta, *kernel.bounds.T))
    gp = GaussianProcessRegressor(kernel=kernel, normalize_y=False, n_restarts_optimizer=int(n_restarts),
                                  random_state=int(seed))
    with warnings.catch_warnings(), _one_blas_thread():  # hyperparameters at a bound are legitimate
        warnings.simplefilter("ignore")
        gp.fit((X - center) / scale, (r - y_center) / y_scale)
    sur.gp, sur.columns, sur.center, sur.scale = gp, cols, center, scale
    sur.y_center, sur.y_scale = y_center, y_scale
    sur.train_settings, sur.train_porosity = s, y
    return sur


# ---------------------------------------------------------------------------------------------
# Acquisition functions
# ---------------------------------------------------------------------------------------------

def expected_improvement(mean: Array, std: Array, best: Array, xi: float = 0.0) -> np.ndarray:
    """Expected improvement of a minimised quantity with normal posterior N(mean, std²) over ``best``.

    EI = (b - μ - ξ) Φ(z) + σ φ(z), z = (b - μ - ξ)/σ; max(0, b - μ - ξ) where σ = 0. Always >= 0.

    Parameters
    ----------
    mean, std : array_like
        Posterior mean μ and standard deviation σ >= 0 of the quantity, in its unit (broadcast).
    best : array_like
        Incumbent b, the best value so far, in the same unit.
    xi : float
        Improvement margin ξ in the same unit (default 0): larger values favour exploration.
    """
    from scipy.stats import norm  # here: import xlcell (and udfs) stays light (issue 15)

    m, s, b = np.broadcast_arrays(_f(mean), _f(std), _f(best))
    imp = b - m - xi
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(s > 0, imp / np.where(s > 0, s, 1.0), 0.0)
        ei = np.where(s > 0, imp * norm.cdf(z) + s * norm.pdf(z), np.maximum(imp, 0.0))
    return np.maximum(ei, 0.0)


def _tent_part(c: np.ndarray, d: float, lo: np.ndarray, hi: np.ndarray, m: np.ndarray, s: np.ndarray) -> np.ndarray:
    """∫_lo^hi (c + d y) N(y; m, s²) dy for s > 0."""
    from scipy.stats import norm

    zl, zh = (lo - m) / s, (hi - m) / s
    return (c + d * m) * (norm.cdf(zh) - norm.cdf(zl)) + d * s * (norm.pdf(zl) - norm.pdf(zh))


def expected_improvement_target(mean: Array, std: Array, target: Array, best: Array) -> np.ndarray:
    """Expected improvement of the distance to a target, E[max(0, b - |Y - t|)] with Y ~ N(mean, std²).

    The improvement is the tent b - |y - t| on (t - b, t + b), zero outside; its expectation is two
    truncated-normal integrals of a linear function (closed form in Φ and φ). Where std = 0 it is
    max(0, b - |mean - t|): zero when the mean is no better than the incumbent. Always >= 0.

    Parameters
    ----------
    mean, std : array_like
        Posterior mean and standard deviation (>= 0) of Y, e.g. porosity (-) (broadcast).
    target : array_like
        Target t, in the unit of ``mean``.
    best : array_like
        Incumbent distance b = best |Y - t| so far, in the same unit (negative values count as 0).
    """
    m, s, t, b = np.broadcast_arrays(_f(mean), _f(std), _f(target), np.maximum(_f(best), 0.0))
    safe = np.where(s > 0, s, 1.0)
    left = _tent_part(b - t, 1.0, t - b, t, m, safe)  # b - (t - y) on (t - b, t)
    right = _tent_part(b + t, -1.0, t, t + b, m, safe)  # b - (y - t) on (t, t + b)
    ei = np.where(s > 0, left + right, np.maximum(b - np.abs(m - t), 0.0))
    return np.maximum(ei, 0.0)


def lower_confidence_bound_target(mean: Array, std: Array, target: Array, kappa: float = 2.0) -> np.ndarray:
    """Optimistic distance to the target |μ - t| - κσ (minimised; may be negative).

    Parameters
    ----------
    mean, std : array_like
        Posterior mean μ and standard deviation σ (>= 0), e.g. of porosity (-) (broadcast).
    target : array_like
        Target t, in the unit of ``mean``.
    kappa : float
        Exploration weight κ (-), default 2: the number of standard deviations subtracted.
    """
    return np.abs(_f(mean) - _f(target)) - kappa * _f(std)


# ---------------------------------------------------------------------------------------------
# Bounds, candidates, the next setting
# ---------------------------------------------------------------------------------------------

def check_bounds(bounds: Mapping[str, tuple[float, float]],
                 material: CalenderingMaterial | str | None = None) -> dict[str, tuple[float, float]]:
    """Bounds {setting key: (low, high)} in SI, low < high, both finite; line load and speed required.

    The whole range is checked up front, so an error quotes the bound rather than a candidate inside it: roll
    temperature between -50 and 300 °C, solids fraction in (0, 1) and, given ``material``, below the
    largest solids fraction that leaves something to calender.

    Parameters
    ----------
    bounds : mapping of str to (float, float)
        ``{setting key: (low, high)}`` in SI: ``line_load_N_m`` (N/m, low >= 0) and ``line_speed_m_s`` (m/s,
        low > 0), required; ``solids_fraction`` (-) and ``roll_temperature_K`` (K), optional.
    material : CalenderingMaterial or str, optional
        Calendering parameters or a material name; given, the solids fraction bounds must stay below its
        largest calenderable solids fraction (from ε_min and the drying shrinkage).
    """
    out = {}
    if not bounds:
        raise InputError("bounds", None, "at least the line load and line speed ranges")
    for k, lh in bounds.items():
        if k not in KEYS:
            raise InputError("bounds", k, "a setting key, one of " + ", ".join(KEYS))
        lo, hi = (float(x) for x in lh)
        if not (np.isfinite(lo) and np.isfinite(hi)):
            raise InputError(f"bounds {k}", lo if not np.isfinite(lo) else hi, "finite numbers")
        if not lo < hi:
            raise InputError(f"bounds {k}", hi, f"above the lower bound {lo:g} (low, high in that order)")
        out[k] = (lo, hi)
    for k in KEYS[:2]:
        if k not in out:
            raise InputError("bounds", k, "given: the line load and line speed ranges are required")
    if out["line_load_N_m"][0] < 0:
        raise InputError("bounds line_load_N_mm low", float(from_si(out["line_load_N_m"][0], "N/mm")), "a number >= 0 N/mm")
    if out["line_speed_m_s"][0] <= 0:
        raise InputError("bounds line_speed_m_min low", float(from_si(out["line_speed_m_s"][0], "m/min")),
                         "a number > 0 m/min")
    if "roll_temperature_K" in out:
        for side, T in zip(("low", "high"), out["roll_temperature_K"]):
            if not 223.15 < T < 573.15:
                raise InputError(f"bounds roll_temperature_C {side}", round(float(from_si(T, "°C")), 10), "a number between -50 and 300 °C")
    if "solids_fraction" in out:
        from .calendering import max_solids_fraction

        top, allowed = 1.0, "a number between 0 and 1 (exclusive)"
        if material is not None:
            mat = material_of(material)
            top = float(max_solids_fraction(mat.eps_min, mat.drying_shrinkage))
            allowed = (f"between 0 and {top:.3g} for {mat.name} (a denser slurry dries to a porosity at or below its "
                       f"minimum porosity {mat.eps_min:.3g}: nothing left to calender)")
        for side, phi in zip(("low", "high"), out["solids_fraction"]):
            if not 0 < phi < top:
                raise InputError(f"bounds solids_fraction {side}", phi, allowed)
    return out


def sobol_settings(bounds: Mapping[str, tuple[float, float]], n: int, seed: int) -> dict[str, np.ndarray]:
    """``n`` scrambled-Sobol settings inside ``bounds`` (seeded; ``n`` need not be a power of 2).

    Parameters
    ----------
    bounds : mapping of str to (float, float)
        ``{setting key: (low, high)}`` in SI (as returned by :func:`check_bounds`); one Sobol dimension each.
    n : int
        Number of settings: the first ``n`` of the next power-of-2 Sobol sequence.
    seed : int
        Seed of the scrambling (same seed -> same settings).
    """
    from scipy.stats import qmc  # here: import xlcell (and udfs) stays light (issue 15)

    keys = list(bounds)
    m = int(np.ceil(np.log2(max(n, 2))))
    u = qmc.Sobol(d=len(keys), scramble=True, seed=seed).random_base2(m)[:n]
    lo = np.array([bounds[k][0] for k in keys])
    hi = np.array([bounds[k][1] for k in keys])
    x = lo + u * (hi - lo)
    return {k: x[:, j] for j, k in enumerate(keys)}


def feasible(settings: Settings, material: CalenderingMaterial | str, line: CalenderLine,
             solids_fraction: float = SOLIDS_FRACTION) -> np.ndarray:
    """True where the line load is below the fracture-limited line load of the quasi-static law (at the
    setting's solids fraction and roll temperature); ductile materials are always feasible.

    Parameters
    ----------
    settings : mapping of str to array_like
        Process settings in SI: ``line_load_N_m`` (N/m) and ``line_speed_m_s`` (m/s), required;
        ``solids_fraction`` (-) and ``roll_temperature_K`` (K), optional; one value per setting, or scalars
        (broadcast).
    material : CalenderingMaterial or str
        Calendering parameters, or a material name (any case).
    line : CalenderLine
        The calender line (SI): its reference temperature and softening scale set the limit at the roll temperature.
    solids_fraction : float
        Slurry solids volume fraction φ_s (-) of settings that do not give one (default
        :data:`~xlcell.process_sim.SOLIDS_FRACTION`).
    """
    s = complete_settings(settings, line, solids_fraction)
    return s["line_load_N_m"] < fracture_limit_N_m(s, material, line, solids_fraction)


def fracture_limit_N_m(settings: Settings, material: CalenderingMaterial | str, line: CalenderLine,
                       solids_fraction: float = SOLIDS_FRACTION) -> np.ndarray:
    """The fracture-limited line load of the quasi-static law at each setting's solids fraction and roll
    temperature (N/m; inf for ductile materials).

    Parameters
    ----------
    settings : mapping of str to array_like
        Process settings in SI: ``line_load_N_m`` (N/m) and ``line_speed_m_s`` (m/s), required (the limit
        depends on neither); ``solids_fraction`` (-) and ``roll_temperature_K`` (K), optional; one value per
        setting, or scalars (broadcast).
    material : CalenderingMaterial or str
        Calendering parameters, or a material name (any case).
    line : CalenderLine
        The calender line (SI): its reference temperature and softening scale soften the limit at the roll temperature.
    solids_fraction : float
        Slurry solids volume fraction φ_s (-) of settings that do not give one (default
        :data:`~xlcell.process_sim.SOLIDS_FRACTION`).
    """
    from .calendering import fracture_line_load

    mat = material_of(material)
    s = complete_settings(settings, line, solids_fraction)
    eps0 = eps0_from_solids(s["solids_fraction"], mat)
    return fracture_line_load(eps0, mat) * softening_factor(s["roll_temperature_K"], line)


def _cracks_everywhere(bounds: Mapping[str, tuple[float, float]], material: CalenderingMaterial, line: CalenderLine,
                       solids_fraction: float) -> InputError:
    """The error for bounds whose line loads (almost) all crack the material, in the user's N/mm."""
    from .calendering import fracture_line_load

    qf = float(fracture_line_load(eps0_from_solids(solids_fraction, material), material))
    return InputError("bounds line_load_N_mm low", float(from_si(bounds["line_load_N_m"][0], "N/mm")),
                      f"well below {material.name}'s fracture-limited line load ({float(from_si(qf, 'N/mm')):.0f} N/mm at φ_s = "
                      f"{solids_fraction:g} and the reference temperature): the bounds leave no room to search")


@dataclass(frozen=True)
class Suggestion:
    """The next setting to try and what the surrogate expects there."""

    settings: dict[str, float] = field(metadata=per_item("Settings to try next", key="settings", units=SETTING_UNITS))
    mean: float = field(metadata=param("Predicted porosity", "-", key="predicted_porosity"))
    std: float = field(metadata=param("Std of a new measurement there (latent and noise)", "-", key="predicted_std"))
    acquisition: float = field(metadata=param("EI (>= 0) or the LCB value at the setting", "-", key="acquisition"))
    incumbent: float = field(metadata=param("Best posterior |mean - target| at the trials so far", "-",
                                            key="incumbent_error"))
    latent_std: float = field(default=float("nan"), metadata=param(
        "Std of the noise-free porosity there (what the acquisition used)", "-", key="latent_std"))
    fracture_line_load_N_m: float = field(default=float("inf"), metadata=param(
        "Fracture-limited line load at the suggestion's φ_s and T", LINE_LOAD.unit, key="fracture_line_load_N_mm"))


def _acq(sur: Surrogate, settings: Settings, target: float, best: float, acquisition: str, kappa: float) -> np.ndarray:
    """Acquisition to *maximise*: EI, or minus the LCB, of the noise-free porosity (latent std, like the
    incumbent, a posterior mean: a measurement's noise is no improvement)."""
    m, s = sur.predict_latent(settings)
    if acquisition == "ei":
        return expected_improvement_target(m, s, target, best)
    return -lower_confidence_bound_target(m, s, target, kappa)


def incumbent(sur: Surrogate, target: float) -> float:
    """Best posterior-mean distance to the target over the trials so far.

    Parameters
    ----------
    sur : Surrogate
        A fitted surrogate (:func:`fit_surrogate`); its training settings are the trials.
    target : float
        Target porosity ε_t (-).
    """
    m, _ = sur.predict(sur.train_settings)
    return float(np.min(np.abs(m - target)))


def suggest_next(sur: Surrogate, bounds: Mapping[str, tuple[float, float]], target: float, *, acquisition: str = "ei",
                 kappa: float = 2.0, fracture_limit: bool = True, n_candidates: int = 1024, n_polish: int = 1,
                 seed: int = 0, fixed: Settings | None = None) -> Suggestion:
    """The setting inside ``bounds`` that maximises the acquisition (EI or -LCB) of a fitted surrogate.

    The acquisition is evaluated on ``n_candidates`` scrambled-Sobol settings in one call, then the best
    ``n_polish`` feasible ones are polished by L-BFGS-B (in the unit box). Settings outside ``bounds``
    come from ``fixed`` (or the surrogate's defaults). With ``fracture_limit``, candidates at or above
    the fracture-limited line load are excluded; if none is left the error says so.

    Parameters
    ----------
    sur : Surrogate
        A fitted surrogate (:func:`fit_surrogate`); its material, line and solids fraction are used.
    bounds : mapping of str to (float, float)
        ``{setting key: (low, high)}`` in SI (keys of :data:`KEYS`; line load in N/m and line speed in m/s
        required, solids fraction and roll temperature in K optional): the settings searched, checked by
        :func:`check_bounds`.
    target : float
        Target porosity ε_t (-), 0 < ε_t < 1.
    acquisition : {"ei", "lcb"}
        Expected improvement of the distance to the target (:func:`expected_improvement_target`), or the lower
        confidence bound (:func:`lower_confidence_bound_target`), both of the noise-free porosity.
    kappa : float
        Exploration weight κ (-) of the lower confidence bound (default 2; unused with ``"ei"``).
    fracture_limit : bool
        Exclude settings at or above the fracture-limited line load (:func:`feasible`).
    n_candidates : int
        Number of scrambled-Sobol candidates (rounded up to a power of 2).
    n_polish : int
        Number of the best feasible candidates polished by L-BFGS-B (30 iterations at most each).
    seed : int
        Seed of the Sobol scrambling (same seed -> same suggestion).
    fixed : mapping of str to array_like, optional
        Values (SI, scalars) of settings not in ``bounds``, e.g. ``{"roll_temperature_K": 333.15}``; the others
        take the surrogate's solids fraction and the line's reference temperature.
    """
    if acquisition not in ACQUISITIONS:
        raise InputError("acquisition", acquisition, "one of " + ", ".join(ACQUISITIONS))
    target = _check_target(target)
    b = check_bounds(bounds, sur.material)
    fixed = dict(fixed or {})
    keys = list(b)
    lo = np.array([b[k][0] for k in keys])
    hi = np.array([b[k][1] for k in keys])
    best = incumbent(sur, target)

    def full(x: np.ndarray) -> dict[str, np.ndarray]:
        x = np.atleast_2d(x)
        return {**fixed, **{k: lo[j] + x[:, j] * (hi[j] - lo[j]) for j, k in enumerate(keys)}}

    from scipy.optimize import minimize
    from scipy.stats import qmc

    u = qmc.Sobol(d=len(keys), scramble=True, seed=seed).random_base2(int(np.ceil(np.log2(max(n_candidates, 2)))))
    ok = feasible(full(u), sur.material, sur.line, sur.solids_fraction) if fracture_limit else np.ones(len(u), bool)
    if not ok.any():
        raise _cracks_everywhere(b, sur.material, sur.line, float(np.atleast_1d(fixed.get("solids_fraction", sur.solids_fraction))[0]))
    u = u[ok]
    a = _acq(sur, full(u), target, best, acquisition, kappa)
    order = np.argsort(-a, kind="stable")
    best_u, best_a = u[order[0]], float(a[order[0]])

    def neg(x: np.ndarray) -> float:
        s = full(x)
        if fracture_limit and not feasible(s, sur.material, sur.line, sur.solids_fraction)[0]:
            return 0.0 if acquisition == "ei" else 1e9
        return -float(_acq(sur, s, target, best, acquisition, kappa)[0])

    for i in order[:n_polish]:
        with _one_blas_thread():
            r = minimize(neg, u[i], method="L-BFGS-B", bounds=[(0.0, 1.0)] * len(keys), options={"maxiter": 30})
        if np.isfinite(r.fun) and -r.fun > best_a:
            best_u, best_a = np.clip(r.x, 0.0, 1.0), float(-r.fun)
    s = full(best_u)
    m, sd = sur.predict(s)
    _, lat = sur.predict_latent(s)
    qf = fracture_limit_N_m(s, sur.material, sur.line, sur.solids_fraction)
    value = best_a if acquisition == "ei" else -best_a
    return Suggestion(settings={k: float(np.atleast_1d(v)[0]) for k, v in s.items()}, mean=float(m[0]),
                      std=float(sd[0]), acquisition=value, incumbent=best, latent_std=float(lat[0]),
                      fracture_line_load_N_m=float(np.atleast_1d(qf)[0]))


def suggest_from_data(settings: Settings, porosity: Array, bounds: Mapping[str, tuple[float, float]], target: float, *,
                      material: CalenderingMaterial | str = "NMC811", line: CalenderLine | None = None,
                      solids_fraction: float = SOLIDS_FRACTION, features: str = "physics", acquisition: str = "ei",
                      fracture_limit: bool = True, n_restarts: int = 3, seed: int = 0,
                      measurement_sd: float = MEASUREMENT_SD) -> Suggestion:
    """The Excel use case: fit the surrogate to an engineer's trials and return the next setting to try.

    :func:`fit_surrogate`, then :func:`suggest_next` with its default candidates and κ.

    Parameters
    ----------
    settings : mapping of str to array_like
        Process settings in SI: ``line_load_N_m`` (N/m) and ``line_speed_m_s`` (m/s), required;
        ``solids_fraction`` (-) and ``roll_temperature_K`` (K), optional; one value per trial, or scalars
        (broadcast).
    porosity : array_like
        Measured final porosity per trial (-), 0 < ε < 1; at least :data:`MIN_POINTS` trials.
    bounds : mapping of str to (float, float)
        ``{setting key: (low, high)}`` in SI (keys of :data:`KEYS`; line load in N/m and line speed in m/s
        required, solids fraction and roll temperature in K optional): the settings searched, checked by
        :func:`check_bounds`.
    target : float
        Target porosity ε_t (-), 0 < ε_t < 1.
    material : CalenderingMaterial or str
        Calendering parameters or a material name (default NMC811).
    line : CalenderLine, optional
        The calender line (SI; default :class:`~xlcell.process_sim.CalenderLine`).
    solids_fraction : float
        Slurry solids volume fraction φ_s (-) of settings that do not give one (default
        :data:`~xlcell.process_sim.SOLIDS_FRACTION`).
    features : {"physics", "raw"}
        The GP's inputs: dimensionless groups (exp(-q/γ_c), ln De, ε_0) or the raw settings.
    acquisition : {"ei", "lcb"}
        Expected improvement or lower confidence bound (κ = 2), as in :func:`suggest_next`.
    fracture_limit : bool
        Exclude settings at or above the fracture-limited line load.
    n_restarts : int
        Restarts of the marginal-likelihood optimiser.
    seed : int
        Random state of the fit and seed of the Sobol candidates (same seed -> same suggestion).
    measurement_sd : float
        Standard deviation of a porosity measurement (-, >= 0): the floor of the fitted noise sd.
    """
    sur = fit_surrogate(settings, porosity, material=material, line=line, solids_fraction=solids_fraction,
                        features=features, n_restarts=n_restarts, seed=seed, measurement_sd=measurement_sd)
    return suggest_next(sur, bounds, target, acquisition=acquisition, fracture_limit=fracture_limit, seed=seed)


# ---------------------------------------------------------------------------------------------
# The closed loop and its baselines
# ---------------------------------------------------------------------------------------------

@dataclass
class History:
    """Settings tried in order, what was measured and the best distance to the target so far."""

    settings: dict[str, np.ndarray] = field(metadata=per_item("Settings tried", key="settings", units=SETTING_UNITS))
    porosity: np.ndarray = field(metadata=param("Measured (noisy) porosity", "-", key="porosity"))
    target: float = field(metadata=param("Target porosity", "-", key="target_porosity"))
    phase: list[str] = field(metadata=param('Phase ("init", "bo", "random" or "grid")', "text", key="phase"))
    predicted_mean: np.ndarray = field(metadata=param(
        "The surrogate's prediction at each BO suggestion (NaN otherwise)", "-", key="predicted_porosity"))
    predicted_std: np.ndarray = field(metadata=param("Its std", "-", key="predicted_std"))
    acquisition: np.ndarray = field(metadata=param("Acquisition at each BO suggestion", "-", key="acquisition"))

    @property
    def objective(self) -> np.ndarray:
        """Measured |porosity - target| per evaluation."""
        return np.abs(self.porosity - self.target)

    @property
    def best_so_far(self) -> np.ndarray:
        return np.minimum.accumulate(self.objective)

    def best_index(self, upto: int | None = None) -> int:
        """Index of the best measured evaluation among the first ``upto``.

        Parameters
        ----------
        upto : int, optional
            Number of evaluations considered, from the first (default: all).
        """
        return int(np.argmin(self.objective[:upto]))

    def best_settings(self, upto: int | None = None) -> dict[str, float]:
        """The settings (SI) of the best measured evaluation among the first ``upto`` (:meth:`best_index`).

        Parameters
        ----------
        upto : int, optional
            Number of evaluations considered, from the first (default: all).
        """
        i = self.best_index(upto)
        return {k: float(v[i]) for k, v in self.settings.items()}

    def __len__(self) -> int:
        return int(self.porosity.size)


def _evaluate(sim: Callable[..., np.ndarray], settings: dict[str, np.ndarray]) -> np.ndarray:
    return np.atleast_1d(_f(sim(**settings))).ravel()


def _history(settings: dict[str, np.ndarray], y: np.ndarray, target: float, phase: list[str]) -> History:
    nan = np.full(y.size, np.nan)
    return History(settings, y, target, phase, nan.copy(), nan.copy(), nan.copy())


def _sim_context(sim: Any, material: Any, line: Any) -> tuple[CalenderingMaterial, CalenderLine, float]:
    mat = material_of(material if material is not None else getattr(sim, "material", "NMC811"))
    ln = line if line is not None else getattr(sim, "line", None) or CalenderLine()
    return mat, ln, float(getattr(sim, "solids_fraction", SOLIDS_FRACTION))


def _feasible_sample(bounds, n, seed, mat, line, phi, fracture_limit) -> dict[str, np.ndarray]:
    pool = sobol_settings(bounds, max(16 * n, 64), seed)
    ok = feasible(pool, mat, line, phi) if fracture_limit else np.ones(pool[next(iter(pool))].size, bool)
    if ok.sum() < n:
        raise _cracks_everywhere(bounds, mat, line, phi)
    return {k: v[ok][:n] for k, v in pool.items()}


def bayes_opt(sim: Callable[..., np.ndarray], bounds: Mapping[str, tuple[float, float]], target: float,
              n_init: int = 5, n_iter: int = 15, seed: int = 0, *, acquisition: str = "ei", features: str = "physics",
              material: CalenderingMaterial | str | None = None, line: CalenderLine | None = None,
              fracture_limit: bool = True, n_restarts: int = 2, n_candidates: int = 512,
              measurement_sd: float | None = None) -> History:
    """Closed-loop Bayesian optimisation of |porosity - target| on ``sim`` (e.g. a :class:`ProcessSimulator`).

    ``n_init`` scrambled-Sobol settings (feasible ones: below the fracture-limited line load when
    ``fracture_limit``), then ``n_iter`` rounds of: fit the surrogate to all trials, evaluate the setting
    of :func:`suggest_next` on ``sim``. ``sim`` is called with the bound keys as keyword arrays; the
    material, line and default solids fraction are ``sim``'s unless given. Same seed (and a simulator with
    the same seed) -> same history. ``measurement_sd`` (the floor of the GP's noise) defaults to the
    simulator's ``noise_sd`` (else :data:`MEASUREMENT_SD`).

    Parameters
    ----------
    sim : callable
        The plant or its stand-in (e.g. a :class:`~xlcell.process_sim.ProcessSimulator`): called with the bound
        keys as keyword arrays (SI), returns one measured porosity (-) per setting. Its ``material``, ``line``
        and ``solids_fraction`` attributes, where it has them, are the defaults below.
    bounds : mapping of str to (float, float)
        ``{setting key: (low, high)}`` in SI (keys of :data:`KEYS`; line load in N/m and line speed in m/s
        required, solids fraction and roll temperature in K optional): the settings searched, checked by
        :func:`check_bounds`.
    target : float
        Target porosity ε_t (-), 0 < ε_t < 1.
    n_init : int
        Number of initial scrambled-Sobol settings, at least :data:`MIN_POINTS`.
    n_iter : int
        Number of BO rounds (>= 0), one evaluation of ``sim`` each.
    seed : int
        Seed of the initial sample, of the GP fits and (as ``seed + 1 + round``) of each round's candidates.
    acquisition : {"ei", "lcb"}
        Expected improvement or lower confidence bound (κ = 2), as in :func:`suggest_next`.
    features : {"physics", "raw"}
        The GP's inputs: dimensionless groups or the raw settings (:func:`fit_surrogate`).
    material : CalenderingMaterial or str, optional
        Calendering parameters or a material name (default: ``sim.material``, else NMC811): it sets the
        fracture-limited line load and the largest solids fraction ``bounds`` may hold (and, in
        :func:`bayes_opt`, the surrogate's physics features).
    line : CalenderLine, optional
        The calender line (SI; default: ``sim.line``, else :class:`~xlcell.process_sim.CalenderLine`).
    fracture_limit : bool
        Only settings below the fracture-limited line load (:func:`feasible`) are evaluated.
    n_restarts : int
        Restarts of the marginal-likelihood optimiser per fit.
    n_candidates : int
        Scrambled-Sobol candidates per round (rounded up to a power of 2).
    measurement_sd : float, optional
        Standard deviation of a porosity measurement (-, >= 0), the floor of the GP's noise (default:
        ``sim.noise_sd``, else :data:`MEASUREMENT_SD`).
    """
    t = _check_target(target)
    mat, ln, phi = _sim_context(sim, material, line)
    b = check_bounds(bounds, mat)
    if int(n_init) < MIN_POINTS:
        raise InputError("n_init", n_init, f"a whole number >= {MIN_POINTS}")
    if int(n_iter) < 0:
        raise InputError("n_iter", n_iter, "a whole number >= 0")
    msd = float(measurement_sd if measurement_sd is not None else getattr(sim, "noise_sd", MEASUREMENT_SD))
    X = _feasible_sample(b, int(n_init), seed, mat, ln, phi, fracture_limit)
    h = _history(X, _evaluate(sim, X), t, ["init"] * int(n_init))
    sur = None
    for it in range(int(n_iter)):
        sur = fit_surrogate(h.settings, h.porosity, material=mat, line=ln, solids_fraction=phi, features=features,
                            n_restarts=n_restarts, seed=seed, warm_start=sur, measurement_sd=msd)
        sg = suggest_next(sur, b, t, acquisition=acquisition, fracture_limit=fracture_limit,
                          n_candidates=n_candidates, seed=seed + 1 + it)
        x = {k: np.array([sg.settings[k]]) for k in b}
        y = _evaluate(sim, x)
        h.settings = {k: np.append(h.settings[k], x[k]) for k in b}
        h.porosity = np.append(h.porosity, y)
        h.phase.append("bo")
        h.predicted_mean = np.append(h.predicted_mean, sg.mean)
        h.predicted_std = np.append(h.predicted_std, sg.std)
        h.acquisition = np.append(h.acquisition, sg.acquisition)
    return h


def random_search(sim: Callable[..., np.ndarray], bounds: Mapping[str, tuple[float, float]], target: float, n: int,
                  seed: int = 0, *, material: CalenderingMaterial | str | None = None, line: CalenderLine | None = None,
                  fracture_limit: bool = True) -> History:
    """Baseline: ``n`` uniformly random feasible settings (seeded), evaluated in one call.

    Parameters
    ----------
    sim : callable
        The plant or its stand-in (e.g. a :class:`~xlcell.process_sim.ProcessSimulator`): called with the bound
        keys as keyword arrays (SI), returns one measured porosity (-) per setting. Its ``material``, ``line``
        and ``solids_fraction`` attributes, where it has them, are the defaults below.
    bounds : mapping of str to (float, float)
        ``{setting key: (low, high)}`` in SI (keys of :data:`KEYS`; line load in N/m and line speed in m/s
        required, solids fraction and roll temperature in K optional): the settings searched, checked by
        :func:`check_bounds`.
    target : float
        Target porosity ε_t (-), 0 < ε_t < 1.
    n : int
        Number of settings evaluated.
    seed : int
        Seed of the random generator (same seed -> same settings).
    material : CalenderingMaterial or str, optional
        Calendering parameters or a material name (default: ``sim.material``, else NMC811): it sets the
        fracture-limited line load and the largest solids fraction ``bounds`` may hold (and, in
        :func:`bayes_opt`, the surrogate's physics features).
    line : CalenderLine, optional
        The calender line (SI; default: ``sim.line``, else :class:`~xlcell.process_sim.CalenderLine`).
    fracture_limit : bool
        Only settings below the fracture-limited line load (:func:`feasible`) are evaluated.
    """
    t = _check_target(target)
    mat, ln, phi = _sim_context(sim, material, line)
    b = check_bounds(bounds, mat)
    rng = np.random.default_rng(seed)
    keys = list(b)
    out = {k: np.zeros(0) for k in keys}
    while out[keys[0]].size < n:  # rejection sampling of the fracture constraint, in batches
        batch = {k: rng.uniform(*b[k], size=4 * n) for k in keys}
        ok = feasible(batch, mat, ln, phi) if fracture_limit else np.ones(4 * n, bool)
        out = {k: np.append(out[k], batch[k][ok]) for k in keys}
    out = {k: v[:n] for k, v in out.items()}
    return _history(out, _evaluate(sim, out), t, ["random"] * n)


def grid_search(sim: Callable[..., np.ndarray], bounds: Mapping[str, tuple[float, float]], target: float,
                n_per_dim: int, *, material: CalenderingMaterial | str | None = None, line: CalenderLine | None = None,
                fracture_limit: bool = True) -> History:
    """Baseline: a full-factorial grid of ``n_per_dim`` levels per bound (feasible points), in one call.

    Parameters
    ----------
    sim : callable
        The plant or its stand-in (e.g. a :class:`~xlcell.process_sim.ProcessSimulator`): called with the bound
        keys as keyword arrays (SI), returns one measured porosity (-) per setting. Its ``material``, ``line``
        and ``solids_fraction`` attributes, where it has them, are the defaults below.
    bounds : mapping of str to (float, float)
        ``{setting key: (low, high)}`` in SI (keys of :data:`KEYS`; line load in N/m and line speed in m/s
        required, solids fraction and roll temperature in K optional): the settings searched, checked by
        :func:`check_bounds`.
    target : float
        Target porosity ε_t (-), 0 < ε_t < 1.
    n_per_dim : int
        Number of evenly spaced levels per bound, low and high included: ``n_per_dim ** len(bounds)`` points
        before the infeasible ones are dropped.
    material : CalenderingMaterial or str, optional
        Calendering parameters or a material name (default: ``sim.material``, else NMC811): it sets the
        fracture-limited line load and the largest solids fraction ``bounds`` may hold (and, in
        :func:`bayes_opt`, the surrogate's physics features).
    line : CalenderLine, optional
        The calender line (SI; default: ``sim.line``, else :class:`~xlcell.process_sim.CalenderLine`).
    fracture_limit : bool
        Only settings below the fracture-limited line load (:func:`feasible`) are evaluated.
    """
    t = _check_target(target)
    mat, ln, phi = _sim_context(sim, material, line)
    b = check_bounds(bounds, mat)
    keys = list(b)
    mesh = np.meshgrid(*[np.linspace(*b[k], n_per_dim) for k in keys], indexing="ij")
    grid = {k: m.ravel() for k, m in zip(keys, mesh)}
    if fracture_limit:
        ok = feasible(grid, mat, ln, phi)
        grid = {k: v[ok] for k, v in grid.items()}
    return _history(grid, _evaluate(sim, grid), t, ["grid"] * grid[keys[0]].size)


__all__ = [
    "ACQUISITIONS",
    "FEATURES",
    "History",
    "KEYS",
    "MEASUREMENT_SD",
    "MIN_POINTS",
    "ProcessSimulator",
    "Suggestion",
    "Surrogate",
    "bayes_opt",
    "check_bounds",
    "complete_settings",
    "expected_improvement",
    "expected_improvement_target",
    "feasible",
    "fracture_limit_N_m",
    "fit_surrogate",
    "grid_search",
    "incumbent",
    "lower_confidence_bound_target",
    "physics_features",
    "random_search",
    "raw_features",
    "sobol_settings",
    "suggest_from_data",
    "suggest_next",
]
