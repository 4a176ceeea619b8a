"""Rare features and adaptive step sizes: the experiment of the chapter "Dropout and AdaGrad".

Wager et al. (2013, Section 4; the review's "Relation to AdaGrad") write SGD, AdaGrad
and dropout-penalised SGD as one update,

.. math::

    \\hat\\beta_{t+1} = \\hat\\beta_t - \\eta_t A_t^{-1} g_t ,

with :math:`A_t = I` (SGD), :math:`A_t = \\diag(\\sum_{s\\le t} g_s g_s^\\top)^{1/2}`
(AdaGrad, Duchi et al., 2011) or :math:`A_t = \\frac{\\delta}{1-\\delta}
\\diag(X^\\top V(\\hat\\beta_t) X)` (dropout; ``eq-dropout-step`` in the book), and claim
that the adaptive choices solve the trouble plain SGD has with rare but discriminative
features. This module runs that comparison:

* :func:`run_batch` runs one method for a whole grid of step sizes at once, on the
  same sequence of examples (vectorised over the grid, so fine grids stay cheap); it
  reproduces :func:`noising.optim.sgd`, :func:`noising.optim.adagrad` and
  :func:`noising.optim.dropout_sgd_preconditioned` step for step;
* :func:`weight_errors`, :func:`loss_weighted_errors` and :func:`excess_loss` measure
  a path against a training set's maximum-likelihood estimate, in the weights or in
  the predictions;
* :func:`run_study` does both for several methods and training sets, and
  :func:`thin` reads a coarser grid off the same runs;
* :func:`log_grid`, :func:`choose` and :func:`is_interior` tune a step size on a log
  grid and check that the chosen value is not on the grid's edge;
* :func:`across_measures` combines the verdicts of several pre-declared measures.

The step size of every method is one positive number :math:`h` multiplying a schedule
:math:`t^{-\\text{decay}}`: :math:`\\eta_t = h\\,t^{-\\text{decay}}` for SGD and AdaGrad,
and for the dropout update :math:`\\eta_t = t^{-\\text{decay}}` with
:math:`h = (1-\\delta)/\\delta`, the odds that act as its learning rate
(:func:`delta_from_step` converts back).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._validate import check_count, check_scalar
from ..families import get_family
from ..summary import t_interval
from ..verdicts import CORRECTED, FAILS, HOLDS, NOT_ESTABLISHED
from .markdown_tables import markdown_table as _markdown_table

__all__ = [
    "METHODS",
    "BatchResult",
    "StudyResult",
    "delta_from_step",
    "run_batch",
    "run_batches",
    "weight_errors",
    "loss_weighted_errors",
    "excess_loss",
    "run_study",
    "thin",
    "MEASURES",
    "log_grid",
    "choose",
    "is_interior",
    "tune",
    "best_of",
    "paired_interval",
    "across_measures",
    "markdown_table",
]

#: The three updates compared, by the name :func:`run_batch` takes.
METHODS = ("sgd", "adagrad", "dropout")

#: The measures :attr:`StudyResult.score` reads: ``"weights"``, the worse of the mean
#: absolute errors of the rare and of the common weights; ``"loss"``, the worse of the
#: loss-weighted errors on the examples with a rare feature active and on the others.
MEASURES = ("weights", "loss")


# ----------------------------------------------------------------------------- checks
def _step_sizes(step_sizes):
    h = np.atleast_1d(np.asarray(step_sizes, dtype=float))
    if h.ndim != 1 or h.size == 0 or not np.all(np.isfinite(h)) or np.any(h <= 0):
        raise ValueError("step_sizes must be a non-empty 1-D array of finite positive numbers.")
    return h


def _data(X, y):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if X.ndim != 2 or X.size == 0:
        raise ValueError(f"X must be a non-empty 2-D array (n, d), got shape {X.shape}.")
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape ({X.shape[0]},), one label per row of X, got {y.shape}.")
    if not (np.all(np.isfinite(X)) and np.all(np.isfinite(y))):
        raise ValueError("X and y must be finite.")
    return X, y


def _logistic_a2(z):
    """:math:`\\sigma(z)(1-\\sigma(z)) = 1/(4\\cosh^2(z/2))`; 0 where ``cosh`` overflows."""
    with np.errstate(over="ignore"):
        return 0.25 / np.cosh(0.5 * z) ** 2


def delta_from_step(h):
    """Dropout probability whose odds :math:`(1-\\delta)/\\delta` equal the step size ``h``.

    Parameters
    ----------
    h : float or array_like
        Step size(s) of the dropout update, > 0.

    Returns
    -------
    float or ndarray
        :math:`\\delta = 1/(1+h)`, in (0, 1).

    Examples
    --------
    >>> delta_from_step(1.0)
    0.5
    """
    scalar = np.ndim(h) == 0
    out = 1.0 / (1.0 + _step_sizes(h))
    return float(out[0]) if scalar else out


# ------------------------------------------------------------------------ the runs
@dataclass(frozen=True)
class BatchResult:
    """Output of :func:`run_batch`.

    Attributes
    ----------
    paths : ndarray, shape (k, r, d)
        Iterates of each of the ``k`` step sizes, recorded ``r`` times (the first
        record is the start). A run that diverged holds NaN from then on.
    marks : ndarray, shape (r,)
        Number of updates done at each record.
    step_sizes : ndarray, shape (k,)
    method : str
    decay : float
    """

    paths: np.ndarray
    marks: np.ndarray
    step_sizes: np.ndarray
    method: str
    decay: float

    @property
    def diverged(self):
        """Boolean array (k,): the run ended with non-finite weights."""
        return ~np.all(np.isfinite(self.paths[:, -1]), axis=-1)


def run_batch(
    X,
    y,
    method,
    step_sizes,
    *,
    decay=0.0,
    steps=1000,
    seed=0,
    record_every=10,
    refresh=1,
    eps=1e-8,
    family="logistic",
):
    """Run one update rule for several step sizes at once, on one sequence of examples.

    The update is :math:`\\hat\\beta_{t+1} = \\hat\\beta_t - \\eta_t A_t^{-1} g_t` from
    :math:`\\hat\\beta_0 = 0`, with one example per step, visited in random order and
    reshuffled after each pass exactly as in :mod:`noising.optim` (so for a single step
    size the path equals that of :func:`noising.optim.sgd`, :func:`noising.optim.adagrad`
    or :func:`noising.optim.dropout_sgd_preconditioned` with the same ``seed``):

    ``"sgd"``
        :math:`A_t = I`, :math:`\\eta_t = h\\,t^{-\\text{decay}}`.
    ``"adagrad"``
        :math:`A_t = \\diag(\\sum_{s\\le t} g_s\\odot g_s)^{1/2} + \\epsilon`,
        :math:`\\eta_t = h\\,t^{-\\text{decay}}` (Duchi et al., 2011, with ``decay = 0``).
    ``"dropout"``
        :math:`A_t = \\frac{\\delta}{1-\\delta}\\diag(X^\\top V(\\hat\\beta_t)X) + \\epsilon`
        over the whole design, with :math:`\\delta = 1/(1+h)` (so the odds
        :math:`(1-\\delta)/\\delta = h` are the step size) and
        :math:`\\eta_t = t^{-\\text{decay}}`; ``decay = 0`` is the paper's update.

    Parameters
    ----------
    X : array_like, shape (n, d)
    y : array_like, shape (n,)
    method : {"sgd", "adagrad", "dropout"}
    step_sizes : array_like, shape (k,)
        The step sizes :math:`h > 0`, run side by side.
    decay : float, optional
        Exponent of the schedule :math:`t^{-\\text{decay}}` (>= 0; 0 is constant).
    steps : int, optional
        Number of single-example updates.
    seed : int, optional
        Seed of the order in which examples are visited (shared by all step sizes).
    record_every : int, optional
        Record the iterates every this many updates (and after the last one).
    refresh : int, optional
        The dropout update recomputes :math:`A_t` every ``refresh`` updates (1: every
        update, as in the paper); ignored by the other methods.
    eps : float, optional
        Added to the divisor of AdaGrad and the dropout update (> 0).
    family : {"logistic", "linear", "poisson"}, optional
        The GLM whose loss :math:`-y\\,x\\beta + A(x\\beta)` is minimised.

    Returns
    -------
    BatchResult
        A run whose weights become non-finite is not an error: its path holds NaN
        from then on and :attr:`BatchResult.diverged` flags it.

    Raises
    ------
    ValueError
        For an unknown method or invalid arguments.
    """
    # one training set is the case S = 1 of run_batches: one loop serves both
    return run_batches(
        [(seed, X, y)],
        method,
        step_sizes,
        decay=decay,
        steps=steps,
        record_every=record_every,
        refresh=refresh,
        eps=eps,
        family=family,
    )[0]


def run_batches(
    datasets,
    method,
    step_sizes,
    *,
    decay=0.0,
    steps=1000,
    record_every=10,
    refresh=1,
    eps=1e-8,
    family="logistic",
):
    """:func:`run_batch` on several training sets at once (vectorised over the sets too).

    Gives, up to rounding, ``[run_batch(X, y, method, step_sizes, seed=seed, ...) for
    seed, X, y in datasets]``: every set keeps its own order of examples (drawn from
    its seed exactly as in :func:`run_batch`) and its own preconditioner, but one
    Python loop over the updates advances all sets and step sizes together.

    Parameters
    ----------
    datasets : sequence of (seed, X, y)
        Training sets with the same number of columns, each with the seed of its
        order of examples.
    method, step_sizes, decay, steps, record_every, refresh, eps, family
        As in :func:`run_batch`.

    Returns
    -------
    list of BatchResult
        One per training set, in order.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}.")
    datasets = list(datasets)
    if not datasets:
        raise ValueError("datasets is empty; pass at least one training set.")
    data = [_data(X, y) for _, X, y in datasets]
    d = data[0][0].shape[1]
    if any(X.shape[1] != d for X, _ in data):
        raise ValueError("all training sets must have the same number of columns.")
    h = _step_sizes(step_sizes)
    decay = check_scalar(decay, "decay", min=0)
    steps = check_count(steps, "steps")
    record_every = check_count(record_every, "record_every")
    refresh = check_count(refresh, "refresh")
    eps = check_scalar(eps, "eps", min=0, include_min=False)
    fam = get_family(family)
    # A'' of the logistic family as one ufunc call (equal to the family's A2 to rounding)
    curvature_of = _logistic_a2 if family == "logistic" else fam.A2
    S, k = len(data), h.size
    # the examples of every update, set by set, in each set's own order
    Xo = np.empty((S, steps, d))
    yo = np.empty((S, steps))
    for s, ((seed, _, _), (X, y)) in enumerate(zip(datasets, data)):
        n = X.shape[0]
        rng = np.random.default_rng(seed)
        order = np.concatenate([rng.permutation(n) for _ in range(-(-steps // n))])[:steps]
        Xo[s], yo[s] = X[order], y[order]
    # distinct rows over all sets, with each set's count (0 where a set lacks the row)
    rows, inverse = np.unique(np.vstack([X for X, _ in data]), axis=0, return_inverse=True)
    inverse = inverse.ravel()
    counts = np.zeros((S, rows.shape[0]))
    start = 0
    for s, (X, _) in enumerate(data):
        np.add.at(counts[s], inverse[start : start + X.shape[0]], 1.0)
        start += X.shape[0]
    rows2 = rows * rows
    odds_inv = (1.0 / h)[None, :, None]
    hk = h[None, :, None]
    B = np.zeros((S, k, d))
    acc = np.zeros_like(B)
    divisor = np.ones_like(B)
    paths, marks = [B.copy()], [0]
    with np.errstate(all="ignore"):
        for t in range(1, steps + 1):
            x = Xo[:, t - 1]  # (S, d)
            z = np.matmul(B, x[:, :, None])[:, :, 0]  # (S, k)
            G = (fam.A1(z) - yo[:, t - 1, None])[:, :, None] * x[:, None, :]
            if method == "adagrad":
                acc += G * G
                divisor = np.sqrt(acc) + eps
                rate = hk * t ** (-decay)
            elif method == "dropout":
                if (t - 1) % refresh == 0:
                    curvature = counts[:, None, :] * curvature_of(B @ rows.T)  # (S, k, U)
                    divisor = odds_inv * (curvature @ rows2) + eps
                rate = t ** (-decay)
            else:
                rate = hk * t ** (-decay)
            B = B - rate * G / divisor
            bad = ~np.all(np.isfinite(B), axis=2)
            if bad.any():
                B[bad] = np.nan
            if t % record_every == 0 or t == steps:
                paths.append(B.copy())
                marks.append(t)
    paths = np.stack(paths, axis=2)  # (S, k, r, d)
    marks = np.array(marks)
    return [BatchResult(paths[s], marks.copy(), h.copy(), method, decay) for s in range(S)]


def weight_errors(paths, beta_hat, coordinates):
    """Mean absolute error of a group of weights along paths.

    Parameters
    ----------
    paths : array_like, shape (..., d)
        Iterates (e.g. :attr:`BatchResult.paths`).
    beta_hat : array_like, shape (d,)
        The target, e.g. the training set's maximum-likelihood estimate.
    coordinates : sequence of int
        The weights in the group (e.g. the rare features).

    Returns
    -------
    ndarray, shape (...)
        :math:`\\frac{1}{|J|}\\sum_{j\\in J}|\\beta_j - \\hat\\beta_j|`; NaN for a
        diverged iterate is returned as ``inf``.

    Examples
    --------
    >>> float(weight_errors([[1.0, 3.0, 0.0]], [0.0, 1.0, 0.0], [0, 1])[0])
    1.5
    """
    paths = np.asarray(paths, dtype=float)
    beta_hat = np.asarray(beta_hat, dtype=float)
    idx = np.asarray(coordinates, dtype=int)
    if beta_hat.shape != (paths.shape[-1],):
        raise ValueError(f"beta_hat must have shape ({paths.shape[-1]},), got {beta_hat.shape}.")
    if idx.ndim != 1 or idx.size == 0:
        raise ValueError("coordinates must name at least one weight.")
    with np.errstate(all="ignore"):
        err = np.abs(paths[..., idx] - beta_hat[idx]).mean(axis=-1)
    return np.where(np.isnan(err), np.inf, err)


def loss_weighted_errors(X, paths, beta_hat, rows, family="logistic"):
    """Loss-weighted squared error of paths on a group of examples.

    For a group :math:`S` of training examples,

    .. math::

        E_S(\\beta) = (\\beta-\\hat\\beta)^\\top H_S (\\beta-\\hat\\beta),\\qquad
        H_S = \\frac{1}{|S|}\\sum_{i\\in S} A''(x_i\\hat\\beta)\\,x_i^\\top x_i ,

    the mean over the group of :math:`A''(x_i\\hat\\beta)\\,(x_i(\\beta-\\hat\\beta))^2`:
    the error of the linear predictor weighted by the loss's curvature, which is twice
    the local approximation of the mean Kullback-Leibler divergence between the
    predictions at :math:`\\hat\\beta` and at :math:`\\beta`. Unlike
    :func:`weight_errors`, it counts an error in a weight by how much it moves the
    predictions on the examples.

    Parameters
    ----------
    X : array_like, shape (n, d)
    paths : array_like, shape (..., d)
    beta_hat : array_like, shape (d,)
    rows : array_like of bool, shape (n,)
        The examples of the group (at least one).
    family : {"logistic", "linear", "poisson"}, optional

    Returns
    -------
    ndarray, shape (...)
        ``inf`` for diverged iterates.

    Examples
    --------
    >>> X = np.array([[1.0, 0.0], [1.0, 1.0]])
    >>> float(loss_weighted_errors(X, [[0.0, 2.0]], [0.0, 0.0], [False, True])[0])
    1.0
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.size == 0 or not np.all(np.isfinite(X)):
        raise ValueError("X must be a non-empty finite 2-D array (n, d).")
    rows = np.asarray(rows)
    if rows.dtype != bool or rows.shape != (X.shape[0],) or not rows.any():
        raise ValueError(
            f"rows must be a boolean array of shape ({X.shape[0]},) selecting at least one example."
        )
    beta_hat = np.asarray(beta_hat, dtype=float)
    if beta_hat.shape != (X.shape[1],):
        raise ValueError(f"beta_hat must have shape ({X.shape[1]},), got {beta_hat.shape}.")
    fam = get_family(family)
    Xs = X[rows]
    H = (Xs * fam.A2(Xs @ beta_hat)[:, None]).T @ Xs / Xs.shape[0]
    with np.errstate(all="ignore"):
        delta = np.asarray(paths, dtype=float) - beta_hat
        out = np.einsum("...i,ij,...j->...", delta, H, delta)
    return np.where(np.isfinite(out), out, np.inf)


def excess_loss(X, y, paths, beta_hat, family="logistic"):
    """Mean training loss along paths minus its value at ``beta_hat``.

    Parameters
    ----------
    X : array_like, shape (n, d)
    y : array_like, shape (n,)
    paths : array_like, shape (..., d)
    beta_hat : array_like, shape (d,)
        Usually the maximum-likelihood estimate, so the result is >= 0.
    family : {"logistic", "linear", "poisson"}, optional

    Returns
    -------
    ndarray, shape (...)
        :math:`\\frac1n\\sum_i[A(x_i\\beta)-y_ix_i\\beta] - (\\text{same at }\\hat\\beta)`;
        ``inf`` for diverged iterates.
    """
    X, y = _data(X, y)
    fam = get_family(family)
    paths = np.asarray(paths, dtype=float)
    # the loss is a sum over examples: identical (x, y) pairs are summed once
    pairs, counts = np.unique(np.column_stack([X, y]), axis=0, return_counts=True)
    Xu, yu, weights = pairs[:, :-1], pairs[:, -1], counts / counts.sum()

    def loss(b):
        with np.errstate(all="ignore"):
            Z = np.asarray(b, dtype=float) @ Xu.T
            return (fam.A(Z) - yu * Z) @ weights

    out = loss(paths) - loss(np.asarray(beta_hat, dtype=float))
    return np.where(np.isfinite(out), out, np.inf)


@dataclass(frozen=True)
class StudyResult:
    """Errors of one configuration (method, schedule, grid) over training sets.

    Attributes
    ----------
    method : str
    decay : float
    grid : ndarray, shape (k,)
        Step sizes.
    marks : ndarray, shape (r,)
        Updates done at each record.
    rare, common, excess : ndarray, shape (s, k, r)
        Mean absolute error of the rare and of the common weights, and excess
        training loss, for each training set, step size and record.
    loss_rare, loss_common : ndarray, shape (s, k, r)
        :func:`loss_weighted_errors` on the examples with a rare feature active and
        on the other examples.
    """

    method: str
    decay: float
    grid: np.ndarray
    marks: np.ndarray
    rare: np.ndarray
    common: np.ndarray
    excess: np.ndarray
    loss_rare: np.ndarray
    loss_common: np.ndarray

    @property
    def worse(self):
        """The worse of the rare-weight and common-weight errors, shape (s, k, r)."""
        return np.maximum(self.rare, self.common)

    @property
    def worse_loss(self):
        """The worse of the two groups' loss-weighted errors, shape (s, k, r)."""
        return np.maximum(self.loss_rare, self.loss_common)

    def score(self, measure="weights"):
        """The worse-of-two score of a measure in :data:`MEASURES`, shape (s, k, r)."""
        if measure not in MEASURES:
            raise ValueError(f"measure must be one of {', '.join(MEASURES)}, got {measure!r}.")
        return self.worse if measure == "weights" else self.worse_loss


def run_study(datasets, configs, rare, common, *, steps, record_every, refresh=1, family="logistic"):
    """Run several configurations on several training sets and measure them.

    Parameters
    ----------
    datasets : sequence of (seed, X, y, beta_hat)
        Training sets, each with the seed of its example order and its
        maximum-likelihood estimate.
    configs : dict
        ``{name: (method, grid, decay)}``, e.g. ``{"SGD": ("sgd", grid, 0.5)}``.
    rare, common : sequence of int
        Coordinates of the rare and of the common features. The examples with a
        rare feature active (nonzero) form the first group of
        :attr:`StudyResult.loss_rare`, the others the second.
    steps, record_every, refresh : int
        As in :func:`run_batch`.
    family : str, optional

    Returns
    -------
    dict
        ``{name: StudyResult}``.
    """
    if not datasets:
        raise ValueError("datasets is empty; pass at least one training set.")
    out = {}
    for name, (method, grid, decay) in configs.items():
        fields = ("rare", "common", "excess", "loss_rare", "loss_common")
        rows = {k: [] for k in fields}
        marks = None
        # all training sets in one vectorised run (run_batches = run_batch per set)
        runs = run_batches(
            [(seed, X, y) for seed, X, y, _ in datasets],
            method,
            grid,
            decay=decay,
            steps=steps,
            record_every=record_every,
            refresh=refresh,
            family=family,
        )
        for (_, X, y, beta_hat), res in zip(datasets, runs):
            marks = res.marks
            rows["rare"].append(weight_errors(res.paths, beta_hat, rare))
            rows["common"].append(weight_errors(res.paths, beta_hat, common))
            rows["excess"].append(excess_loss(X, y, res.paths, beta_hat, family))
            with_rare = np.any(np.asarray(X)[:, np.asarray(rare, dtype=int)] != 0, axis=1)
            for key, group in (("loss_rare", with_rare), ("loss_common", ~with_rare)):
                rows[key].append(loss_weighted_errors(X, res.paths, beta_hat, group, family))
        out[name] = StudyResult(
            method, float(decay), _step_sizes(grid), marks, *(np.array(rows[k]) for k in fields)
        )
    return out


def thin(study, step):
    """The same study on a coarser grid: every ``step``-th step size, from the first.

    The runs of different step sizes do not interact, so this equals running the
    coarser grid (e.g. a grid of 32 points a decade thinned by 4 is the grid of 8 a
    decade, when both are anchored on the same lattice, as :func:`log_grid` is).

    Parameters
    ----------
    study : dict
        ``{name: StudyResult}``.
    step : int

    Returns
    -------
    dict
        ``{name: StudyResult}`` with grids ``grid[::step]``.
    """
    step = check_count(step, "step")
    return {
        name: StudyResult(
            r.method,
            r.decay,
            r.grid[::step],
            r.marks,
            *(getattr(r, k)[:, ::step] for k in ("rare", "common", "excess", "loss_rare", "loss_common")),
        )
        for name, r in study.items()
    }


# ------------------------------------------------------------------------- tuning
def log_grid(low, high, per_decade=8):
    """Step sizes evenly spaced on a log scale, ``per_decade`` to a factor of ten.

    Parameters
    ----------
    low, high : float
        Ends of the grid (both included when they are on the lattice
        :math:`10^{m/\\text{per\\_decade}}`), ``0 < low < high``.
    per_decade : int, optional

    Returns
    -------
    ndarray
        :math:`10^{m/\\text{per\\_decade}}` for every integer :math:`m` with the value in
        ``[low, high]`` (up to rounding).

    Examples
    --------
    >>> log_grid(0.1, 10, per_decade=2).round(3).tolist()
    [0.1, 0.316, 1.0, 3.162, 10.0]
    """
    low, high = (
        check_scalar(low, "low", min=0, include_min=False),
        check_scalar(high, "high", min=0, include_min=False),
    )
    per_decade = check_count(per_decade, "per_decade")
    if not low < high:
        raise ValueError(f"low ({low}) must be below high ({high}).")
    m = np.arange(
        math.ceil(per_decade * math.log10(low) - 1e-9), math.floor(per_decade * math.log10(high) + 1e-9) + 1
    )
    return 10.0 ** (m / per_decade)


def choose(scores):
    """Index of the step size with the lowest mean score over training sets.

    Parameters
    ----------
    scores : array_like, shape (s, k)
        A score to minimise (e.g. the worse-of-two error at the last update) for
        ``s`` tuning sets and ``k`` step sizes; ``inf`` or NaN (a diverged run) makes
        that step size ineligible.

    Returns
    -------
    int

    Raises
    ------
    ValueError
        If every step size diverged on some set.
    """
    scores = np.asarray(scores, dtype=float)
    if scores.ndim != 2:
        raise ValueError(f"scores must have shape (sets, step sizes), got {scores.shape}.")
    mean = np.where(np.all(np.isfinite(scores), axis=0), scores.mean(axis=0), np.inf)
    if not np.isfinite(mean).any():
        raise ValueError("every step size diverged on some tuning set; lower the grid.")
    return int(np.argmin(mean))


def is_interior(index, size):
    """True if ``index`` is neither the first nor the last of ``size`` grid points.

    Examples
    --------
    >>> is_interior(0, 5), is_interior(2, 5), is_interior(4, 5)
    (False, True, False)
    """
    return 0 < int(index) < int(size) - 1


def tune(study, record=-1, thin=1, measure="weights"):
    """Chosen step size of every configuration of a study, by :func:`choose`.

    Parameters
    ----------
    study : dict
        ``{name: StudyResult}`` from :func:`run_study`, run on tuning sets.
    record : int, optional
        Which record (budget) the worse-of-two error is read at; default the last.
    thin : int, optional
        Use only every ``thin``-th step size of each grid (a coarser grid from the
        same runs); the index returned is into the full grid.
    measure : {"weights", "loss"}, optional
        The worse-of-two score tuned for (:meth:`StudyResult.score`).

    Returns
    -------
    dict
        ``{name: index into the grid}``.
    """
    step = check_count(thin, "thin")
    return {name: step * choose(r.score(measure)[:, ::step, record]) for name, r in study.items()}


def best_of(study, chosen, names, record=-1, measure="weights"):
    """The configuration, among ``names``, with the lowest mean tuning score at its chosen step.

    Parameters
    ----------
    study : dict
        ``{name: StudyResult}`` on the tuning sets.
    chosen : dict
        ``{name: index}`` from :func:`tune`.
    names : sequence of str
        The configurations to choose from (e.g. one method's schedules).
    record : int, optional
    measure : {"weights", "loss"}, optional

    Returns
    -------
    str
    """
    names = list(names)
    if not names:
        raise ValueError("names is empty; pass at least one configuration.")
    return min(names, key=lambda n: study[n].score(measure)[:, chosen[n], record].mean())


def paired_interval(better, worse, level=0.95):
    """Mean and Student-t interval of the paired differences ``worse - better``.

    Parameters
    ----------
    better, worse : array_like, shape (s,)
        A score (lower is better) of two methods on the same ``s`` training sets; the
        difference is positive where the first method is ahead.
    level : float, optional

    Returns
    -------
    mean, low, high : float
        As :func:`noising.summary.t_interval`.
    """
    better = np.asarray(better, dtype=float)
    worse = np.asarray(worse, dtype=float)
    if better.shape != worse.shape or better.ndim != 1:
        raise ValueError("better and worse must be 1-D arrays of the same length (one per training set).")
    return t_interval(worse - better, level=level)


def across_measures(verdicts):
    """One verdict from the verdicts of several pre-declared measures of one claim.

    A claim is only as supported as its least supported measure: it "holds" only if
    it holds on every measure, "holds with a correction" if every measure supports
    it but some only in a narrower scope, "fails" only if every measure contradicts
    it; anything else (the measures disagree, or some interval covers zero) is "not
    established".

    Parameters
    ----------
    verdicts : sequence of str
        Verdicts of :func:`noising.verdicts.from_interval`, one per measure.

    Returns
    -------
    str

    Examples
    --------
    >>> across_measures(["holds", "holds with a correction"])
    'holds with a correction'
    >>> across_measures(["fails", "holds"])
    'not established'
    """
    verdicts = list(verdicts)
    allowed = (HOLDS, CORRECTED, FAILS, NOT_ESTABLISHED)
    if not verdicts or any(v not in allowed for v in verdicts):
        raise ValueError(f"verdicts must be a non-empty sequence of {', '.join(map(repr, allowed))}.")
    if all(v == HOLDS for v in verdicts):
        return HOLDS
    if all(v in (HOLDS, CORRECTED) for v in verdicts):
        return CORRECTED
    if all(v == FAILS for v in verdicts):
        return FAILS
    return NOT_ESTABLISHED


def markdown_table(rows, columns, formats=None, index="", digits=3):
    """A Markdown table of labelled rows, for display with ``IPython.display.Markdown``.

    Parameters
    ----------
    rows : dict
        ``{row label: {column: value}}``; a missing or None value is left blank.
    columns : sequence of str
        The columns, in order.
    formats : dict, optional
        ``{column: format spec}`` (e.g. ``"+.3f"``); other numbers use ``.{digits}g``
        and strings are written as they are.
    index : str, optional
        Header of the label column.
    digits : int, optional

    Returns
    -------
    str

    Examples
    --------
    >>> print(markdown_table({"a": {"x": 0.5}}, ["x"], index="row"))
    | row | x |
    |:--|--:|
    | a | 0.5 |
    """
    formats = dict(formats or {})
    columns = list(columns)
    return _markdown_table(
        [[values.get(c) for c in columns] for values in rows.values()],
        columns,
        index=list(rows),
        index_name=index,
        formats={c: formats.get(c, f".{digits}g") for c in columns},
    )
