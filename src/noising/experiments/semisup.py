"""Drivers of the semi-supervised dropout experiment (Wager et al., 2013, Section 5).

The chapter "Semi-supervised dropout" asks whether computing the dropout
regularizer on unlabelled examples as well, through

.. math::

    R_*(\\beta) = \\frac{n}{n+\\alpha m}\\Bigl(R^q_X(\\beta) + \\alpha\\,R^q_Z(\\beta)\\Bigr)

(:class:`noising.semisup.SemiSupervisedDropoutPenalty`), improves test accuracy
over supervised dropout when labels are scarce. The estimand, per draw of the
data, is the paired difference

.. math::

    g = \\mathrm{acc}\\bigl(\\hat\\beta_{R_*}(\\hat\\delta_*, \\hat\\alpha)\\bigr)
        - \\mathrm{acc}\\bigl(\\hat\\beta_{R^q}(\\hat\\delta)\\bigr),

where each method's hyperparameters are chosen on the same validation set from
grids with the *same number* of candidates (equal tuning budget), and both are
scored on the same test set. :func:`run_draw` computes one such difference,
:func:`run_setting` repeats it over seeds, :func:`gain_table` summarises the
paired differences with 95 % Student-t intervals (:func:`markdown_table`
formats them), :func:`seeds_needed` is the
power calculation that fixes the number of seeds, and :func:`verdict` turns
the intervals of several settings into a verdict with
:func:`noising.verdicts.from_interval`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from .. import data, verdicts
from ..fit import accuracy, fit_glm
from ..penalties import L2, DropoutPenalty
from ..semisup import fit_semisupervised
from ..summary import t_interval

__all__ = [
    "CONTROLS",
    "Draw",
    "Setting",
    "alpha_grid",
    "bag_of_words_setting",
    "breast_cancer_setting",
    "gain_table",
    "interior",
    "markdown_table",
    "mean_log_likelihood",
    "noise_pool",
    "odds_grid",
    "paired_table",
    "permuted_pool",
    "run_controls",
    "run_draw",
    "run_setting",
    "seeds_needed",
    "select",
    "verdict",
]


# ------------------------------------------------------------------ grids
def odds_grid(low, high, k):
    """Dropout probabilities whose odds :math:`\\delta/(1-\\delta)` form a geometric grid.

    The dropout penalty scales with :math:`\\delta/(1-\\delta)`, so a grid even
    on that scale is even in the penalty's strength.

    Parameters
    ----------
    low, high : float
        Smallest and largest odds, ``0 < low < high``.
    k : int
        Number of grid points (>= 2).

    Returns
    -------
    ndarray, shape (k,)
        Increasing dropout probabilities in (0, 1).
    """
    if not (0 < low < high and math.isfinite(high)):
        raise ValueError(f"need 0 < low < high < inf, got low={low}, high={high}.")
    if int(k) != k or k < 2:
        raise ValueError(f"k must be an integer >= 2, got {k!r}.")
    odds = np.geomspace(low, high, int(k))
    return odds / (1.0 + odds)


def alpha_grid(shares, n, m):
    """Discounts :math:`\\alpha` that give the unlabelled rows the given shares of :math:`R_*`.

    In :math:`R_*` the unlabelled rows carry the fraction
    :math:`s = \\alpha m/(n+\\alpha m)` of the total weight, so
    :math:`\\alpha = s\\,n/\\bigl((1-s)\\,m\\bigr)`. A grid in :math:`s` covers the
    whole range of :math:`\\alpha` (``s -> 0``: supervised dropout; ``s -> 1``:
    the penalty computed on the unlabelled rows alone, scaled to ``n`` rows).

    Parameters
    ----------
    shares : sequence of float
        Shares in (0, 1).
    n, m : int
        Numbers of labelled and unlabelled rows (>= 1).

    Returns
    -------
    ndarray
        The discounts, one per share.
    """
    s = np.asarray(shares, dtype=float)
    if s.ndim != 1 or s.size == 0 or np.any((s <= 0) | (s >= 1)):
        raise ValueError(f"shares must be a non-empty 1-D sequence in (0, 1), got {shares!r}.")
    if n < 1 or m < 1:
        raise ValueError(f"n and m must be >= 1, got n={n}, m={m}.")
    return s * n / ((1.0 - s) * m)


def interior(index, size):
    """Whether ``index`` is an interior point of a grid of ``size`` values."""
    return 0 < int(index) < int(size) - 1


# ------------------------------------------------------------------ selection
def mean_log_likelihood(X, y, beta):
    """Mean logistic log-likelihood :math:`\\frac1n\\sum_i [y_i x_i\\beta - \\log(1+e^{x_i\\beta})]`."""
    z = np.asarray(X, dtype=float) @ np.asarray(beta, dtype=float)
    return float(np.mean(np.asarray(y) * z - np.logaddexp(0.0, z)))


def select(betas, X_val, y_val):
    """Index of the candidate with the best validation accuracy.

    Ties in accuracy (frequent on a few hundred examples) are broken by the
    validation log-likelihood, so a tie does not default to the first grid point.

    Parameters
    ----------
    betas : sequence of ndarray
        Fitted weights of the candidates.
    X_val, y_val : array_like
        Validation design and labels.

    Returns
    -------
    best : int
        Index of the chosen candidate.
    acc : ndarray
        Validation accuracy of every candidate.
    """
    if len(betas) == 0:
        raise ValueError("select needs at least one candidate.")
    acc = np.array([accuracy(X_val, y_val, b) for b in betas])
    ll = np.array([mean_log_likelihood(X_val, y_val, b) for b in betas])
    # lexicographic: accuracy first, log-likelihood second
    best = int(np.lexsort((ll, acc))[-1])
    return best, acc


# ------------------------------------------------------------------ one draw
@dataclass
class Draw:
    """Result of one draw of the data (see :func:`run_draw`).

    Attributes
    ----------
    dropout, semi : float
        Test accuracies of tuned supervised and semi-supervised dropout.
    sup_index : int
        Chosen index in the supervised ``delta`` grid.
    semi_index : tuple of int
        Chosen ``(delta, alpha)`` indices in the semi-supervised grid.
    sup_val : ndarray, shape (K*J,)
        Validation accuracies of the supervised candidates.
    semi_val : ndarray, shape (K, J)
        Validation accuracies of the semi-supervised candidates.
    sup_test, semi_test : ndarray or None
        Test accuracies of every candidate (same shapes as ``sup_val`` and
        ``semi_val``); used only to score a *fixed* hyperparameter choice.
    """

    dropout: float
    semi: float
    sup_index: int
    semi_index: tuple
    sup_val: np.ndarray = field(repr=False)
    semi_val: np.ndarray = field(repr=False)
    sup_test: np.ndarray = field(default=None, repr=False)
    semi_test: np.ndarray = field(default=None, repr=False)

    @property
    def gain(self):
        """Paired difference: semi-supervised minus supervised test accuracy."""
        return self.semi - self.dropout


def run_draw(X, y, parts, deltas, alphas, *, sup_deltas=None, tol=1e-6):
    """Tune and test supervised and semi-supervised dropout on one split of the data.

    Parameters
    ----------
    X : ndarray, shape (N, d)
        All examples; column 0 is an intercept (never dropped).
    y : ndarray, shape (N,)
        Labels in {0, 1} (those of the pool are never used).
    parts : (lab, val, pool, test)
        Disjoint index arrays: labelled training rows, validation rows, the
        unlabelled pool (all of it is used) and test rows.
    deltas : sequence of float
        Dropout grid of the semi-supervised method (``K`` values).
    alphas : sequence of float
        Discount grid of the semi-supervised method (``J`` values, > 0).
    sup_deltas : sequence of float, optional
        Dropout grid of the supervised method. By default ``K*J`` values whose
        odds are geometric over the same range as ``deltas``: the same number of
        candidates as the semi-supervised method (equal tuning budget).
    tol : float
        Gradient tolerance of :func:`noising.fit.fit_glm`.

    Returns
    -------
    Draw
    """
    lab, val, pool, test = parts
    deltas = np.asarray(deltas, dtype=float)
    alphas = np.asarray(alphas, dtype=float)
    if sup_deltas is None:
        odds = deltas / (1 - deltas)
        sup_deltas = odds_grid(odds[0], odds[-1], len(deltas) * len(alphas))
    Xl, yl, Z = X[lab], y[lab], X[pool]
    Xv, yv, Xt, yt = X[val], y[val], X[test], y[test]

    sup = [fit_glm(Xl, yl, DropoutPenalty(Xl, d, unpenalized=[0]), tol=tol).beta for d in sup_deltas]
    i_sup, sup_val = select(sup, Xv, yv)

    semi = [
        fit_semisupervised(Xl, yl, Z, d, a, unpenalized=[0], tol=tol).beta
        for d in deltas
        for a in alphas
    ]
    i_semi, semi_val = select(semi, Xv, yv)
    return Draw(
        dropout=accuracy(Xt, yt, sup[i_sup]),
        semi=accuracy(Xt, yt, semi[i_semi]),
        sup_index=i_sup,
        semi_index=tuple(int(i) for i in np.unravel_index(i_semi, (len(deltas), len(alphas)))),
        sup_val=sup_val,
        semi_val=semi_val.reshape(len(deltas), len(alphas)),
        sup_test=np.array([accuracy(Xt, yt, b) for b in sup]),
        semi_test=np.array([accuracy(Xt, yt, b) for b in semi]).reshape(len(deltas), len(alphas)),
    )


# ------------------------------------------------------------------ settings
@dataclass(frozen=True)
class Setting:
    """A data set and split sizes for :func:`run_setting`.

    Attributes
    ----------
    name : str
        Label used in tables.
    sizes : tuple of int
        ``(n, n_val, m, n_test)``: labelled, validation, unlabelled, test rows.
    make : callable
        ``make(seed) -> (X, y)``: the examples of one draw (intercept in column 0).
    noise : {"normal", "bernoulli"}
        Distribution of the features of the *noise pool* control
        (:func:`noise_pool`): standard normal for standardised dense
        features, Bernoulli(1/2) for word-presence features.
    """

    name: str
    sizes: tuple
    make: object = field(repr=False, compare=False)
    noise: str = "normal"

    @property
    def n(self):
        return self.sizes[0]

    @property
    def m(self):
        return self.sizes[2]


def bag_of_words_setting(n=40, n_val=200, m=1600, n_test=2000, **corpus):
    """Synthetic documents with rare discriminative words (:func:`noising.data.bag_of_words`).

    Each seed draws a fresh corpus; features are word presence (0/1) plus an
    intercept. ``corpus`` is passed to :func:`~noising.data.bag_of_words`.
    """
    sizes = (n, n_val, m, n_test)

    def make(seed):
        c = data.bag_of_words(sum(sizes), seed=seed, **corpus)
        X = np.hstack([np.ones((c.X.shape[0], 1)), (c.X > 0).astype(float)])
        return X, c.y

    return Setting("synthetic documents", sizes, make, noise="bernoulli")


def breast_cancer_setting(n=20, n_val=100, m=300, n_test=149):
    """The Wisconsin breast-cancer data (standardised, intercept added); each seed re-splits it."""
    X, y = data.load_breast_cancer()
    X = np.hstack([np.ones((X.shape[0], 1)), X])
    sizes = (n, n_val, m, n_test)
    if sum(sizes) > len(y):
        raise ValueError(f"the parts ({sum(sizes)} rows) do not fit into the {len(y)} examples.")
    return Setting("breast cancer", sizes, lambda seed: (X, y))


def run_setting(setting, seeds, deltas, shares, **kwargs):
    """:func:`run_draw` on every seed of a setting.

    Parameters
    ----------
    setting : Setting
    seeds : iterable of int
        Seeds of the draws (data and split).
    deltas : sequence of float
        Dropout grid of the semi-supervised method.
    shares : sequence of float
        Shares of the unlabelled rows in :math:`R_*`; turned into discounts by
        :func:`alpha_grid`.
    **kwargs
        Passed to :func:`run_draw`.

    Returns
    -------
    list of Draw
    """
    alphas = alpha_grid(shares, setting.n, setting.m)
    out = []
    for seed in seeds:
        X, y = setting.make(seed)
        parts = data.train_val_test_split(len(y), list(setting.sizes), seed=seed)
        out.append(run_draw(X, y, parts, deltas, alphas, **kwargs))
    return out


# ------------------------------------------------------------------ controls
#: The control methods of :func:`run_controls`, in table order.
CONTROLS = ("permuted pool", "noise pool", "dropout + L2", "labelled copy")


def permuted_pool(Z, rng):
    """The unlabelled pool with each feature column shuffled independently.

    Every column keeps its values (so its marginal distribution: a word keeps
    its frequency), but which values occur together in one row is destroyed.
    Column 0, the intercept, is left alone.

    Parameters
    ----------
    Z : ndarray, shape (m, d)
        The pool.
    rng : numpy.random.Generator

    Returns
    -------
    ndarray, shape (m, d)
        A new array; ``Z`` is not modified.
    """
    out = np.array(Z, dtype=float, copy=True)
    for j in range(1, out.shape[1]):
        out[:, j] = rng.permutation(out[:, j])
    return out


def noise_pool(m, d, kind, rng):
    """A pool of ``m`` rows that carries no information about the data.

    Parameters
    ----------
    m, d : int
        Rows and columns (column 0 is an intercept of ones).
    kind : {"normal", "bernoulli"}
        Standard normal features, or 0/1 features that are 1 with probability 1/2.
    rng : numpy.random.Generator

    Returns
    -------
    ndarray, shape (m, d)
    """
    if kind == "normal":
        feats = rng.standard_normal((m, d - 1))
    elif kind == "bernoulli":
        feats = (rng.random((m, d - 1)) < 0.5).astype(float)
    else:
        raise ValueError(f"kind must be 'normal' or 'bernoulli', got {kind!r}.")
    return np.hstack([np.ones((m, 1)), feats])


def run_controls(setting, seeds, deltas, shares, lams, *, tol=1e-6, rng_offset=10_000):
    """Control fits that ask whether a gain of :math:`R_*` comes from the unlabelled data.

    On each draw (the same data, split and validation rule as :func:`run_setting`)
    four methods are fitted on the labelled rows and tuned on the validation
    rows with :func:`select`:

    ``"permuted pool"``
        :math:`R_*` with the pool of :func:`permuted_pool` (feature frequencies
        kept, joint structure destroyed), on the same ``deltas`` x ``shares`` grid.
    ``"noise pool"``
        :math:`R_*` with :func:`noise_pool` rows of the setting's ``noise`` kind,
        same grid.
    ``"dropout + L2"``
        Supervised dropout plus a spherical :math:`L_2` penalty (intercept not
        penalised), ``deltas`` x ``lams``: a second hyperparameter without any
        unlabelled data, as many candidates as :math:`R_*`.
    ``"labelled copy"``
        :math:`R_*` with a copy of the labelled rows as the pool. Then
        :math:`R_* = R^q_X` for every :math:`\\alpha`, so the grid collapses to the
        ``len(deltas)`` values of :math:`\\delta` (one fit per :math:`\\delta`, at the
        middle share).

    Parameters
    ----------
    setting : Setting
    seeds : iterable of int
        Seeds of the draws; the same seeds as :func:`run_setting` give the same draws.
    deltas, shares : sequence of float
        The semi-supervised grid of :func:`run_setting`.
    lams : sequence of float
        :math:`L_2` strengths (as many as ``shares`` for an equal budget).
    tol : float
        Gradient tolerance of :func:`noising.fit.fit_glm`.
    rng_offset : int
        The permutation and noise of draw ``seed`` use
        ``numpy.random.default_rng(rng_offset + seed)``.

    Returns
    -------
    dict
        ``{control name: {"acc": ndarray (r,), "index": list of tuple}}``: the
        test accuracy of the tuned fit on every draw, and the chosen grid indices.
    """
    deltas = np.asarray(deltas, dtype=float)
    alphas = alpha_grid(shares, setting.n, setting.m)
    lams = np.asarray(lams, dtype=float)
    out = {name: {"acc": [], "index": []} for name in CONTROLS}
    for seed in seeds:
        X, y = setting.make(seed)
        lab, val, pool, test = data.train_val_test_split(len(y), list(setting.sizes), seed=seed)
        Xl, yl, Z = X[lab], y[lab], X[pool]
        Xv, yv, Xt, yt = X[val], y[val], X[test], y[test]
        rng = np.random.default_rng(rng_offset + seed)
        pools = {
            "permuted pool": permuted_pool(Z, rng),
            "noise pool": noise_pool(Z.shape[0], Z.shape[1], setting.noise, rng),
        }
        fits = {
            name: (
                [fit_semisupervised(Xl, yl, P, d, a, unpenalized=[0], tol=tol).beta
                 for d in deltas for a in alphas],
                (len(deltas), len(alphas)),
            )
            for name, P in pools.items()
        }
        fits["dropout + L2"] = (
            [
                fit_glm(Xl, yl, DropoutPenalty(Xl, d, unpenalized=[0]) + L2(lam, unpenalized=[0]),
                        tol=tol).beta
                for d in deltas
                for lam in lams
            ],
            (len(deltas), len(lams)),
        )
        middle = alphas[len(alphas) // 2]
        fits["labelled copy"] = (
            [fit_semisupervised(Xl, yl, Xl.copy(), d, middle, unpenalized=[0], tol=tol).beta
             for d in deltas],
            (len(deltas),),
        )
        for name, (betas, shape) in fits.items():
            i, _ = select(betas, Xv, yv)
            out[name]["acc"].append(accuracy(Xt, yt, betas[i]))
            out[name]["index"].append(tuple(int(k) for k in np.unravel_index(i, shape)))
    for name in CONTROLS:
        out[name]["acc"] = np.array(out[name]["acc"])
    return out


def paired_table(draws, controls):
    """Paired test-accuracy differences of the controls, with 95 % t-intervals.

    Parameters
    ----------
    draws : list of Draw
        The main run (:func:`run_setting`) of one setting.
    controls : dict
        :func:`run_controls` on the same setting and seeds, or on the first
        ``r`` of them (the main run is then cut to those ``r`` draws).

    Returns
    -------
    dict
        ``{label: (mean, low, high)}`` as fractions, with labels
        ``"semi-supervised vs supervised"``, ``"<control> vs supervised"`` and
        ``"semi-supervised vs <control>"`` for every control.
    """
    r = len(next(iter(controls.values()))["acc"])
    if r > len(draws):
        raise ValueError(f"{r} control draws but only {len(draws)} main draws.")
    sup = np.array([d.dropout for d in draws[:r]])
    semi = np.array([d.semi for d in draws[:r]])
    rows = {"semi-supervised vs supervised": t_interval(semi - sup)}
    for name, c in controls.items():
        rows[f"{name} vs supervised"] = t_interval(c["acc"] - sup)
    for name, c in controls.items():
        rows[f"semi-supervised vs {name}"] = t_interval(semi - c["acc"])
    return rows


# ------------------------------------------------------------------ summaries
def seeds_needed(sd, effect, *, level=0.95, power=0.8):
    """Seeds needed for a paired t-interval to exclude zero when the true gain is ``effect``.

    The smallest :math:`r\\ge 2` with
    :math:`(t_{r-1,(1+\\gamma)/2} + t_{r-1,\\pi})\\,\\sigma/\\sqrt r \\le \\Delta`,
    the usual normal-approximation power rule with Student quantiles
    (:math:`\\gamma` the level, :math:`\\pi` the power, :math:`\\sigma` the
    standard deviation of the paired differences, :math:`\\Delta` the effect).

    Parameters
    ----------
    sd : float
        Planning standard deviation of the per-seed differences (> 0).
    effect : float
        Smallest effect the experiment should detect (> 0).
    level, power : float
        In (0, 1).

    Returns
    -------
    int
    """
    if not (sd > 0 and effect > 0):
        raise ValueError(f"sd and effect must be positive, got sd={sd}, effect={effect}.")
    if not (0 < level < 1 and 0 < power < 1):
        raise ValueError(f"level and power must lie in (0, 1), got {level}, {power}.")
    r = 2
    while True:
        q = stats.t.ppf((1 + level) / 2, r - 1) + stats.t.ppf(power, r - 1)
        if q * sd / math.sqrt(r) <= effect:
            return r
        r += 1


def gain_table(results):
    """Mean accuracies and the paired gain with its 95 % t-interval, one row per setting.

    Parameters
    ----------
    results : dict
        ``{setting name: list of Draw}``.

    Returns
    -------
    dict
        ``{setting name: row}``, each row a dict with ``seeds``, ``dropout`` and
        ``semi`` (mean test accuracies), ``gain`` (mean paired difference),
        ``sd`` (its standard deviation over seeds), ``low`` and ``high`` (the
        95 % Student-t interval of the mean gain); accuracies as fractions.
    """
    rows = {}
    for name, draws in results.items():
        g = np.array([d.gain for d in draws])
        mean, lo, hi = t_interval(g)
        rows[name] = {
            "seeds": len(draws),
            "dropout": float(np.mean([d.dropout for d in draws])),
            "semi": float(np.mean([d.semi for d in draws])),
            "gain": mean,
            "sd": float(g.std(ddof=1)),
            "low": lo,
            "high": hi,
        }
    return rows


def markdown_table(rows):
    """A Markdown table of :func:`gain_table`'s rows, accuracies in percentage points.

    Parameters
    ----------
    rows : dict
        As returned by :func:`gain_table`.

    Returns
    -------
    str
        A Markdown table with a header row; pass it to ``IPython.display.Markdown``.
    """

    def pts(x):
        # rounded first so that a zero never prints as -0.0
        return f"{round(100 * x, 1) + 0.0:.1f}"

    lines = [
        "| setting | seeds | dropout acc. (%) | semi-supervised acc. (%) "
        "| mean gain (points) | sd of gain | 95 % interval |",
        "|:--|--:|--:|--:|--:|--:|:-:|",
    ]
    for name, r in rows.items():
        lines.append(
            f"| {name} | {r['seeds']} | {pts(r['dropout'])} | {pts(r['semi'])} "
            f"| {pts(r['gain'])} | {pts(r['sd'])} | [{pts(r['low'])}, {pts(r['high'])}] |"
        )
    return "\n".join(lines)


def verdict(lows, highs):
    """Verdict on "unlabelled data improve accuracy" from one interval per setting.

    Uses :func:`noising.verdicts.from_interval` with threshold 0:

    * every interval above zero: the verdict of the weakest one ("holds");
    * some but not all above zero: the claim holds only in those settings, so
      ``from_interval(..., scope_ok=False)`` ("holds with a correction");
    * none above zero: "fails" if every interval lies below zero, otherwise
      "not established" (the verdict of an interval that contains zero).

    Parameters
    ----------
    lows, highs : sequence of float
        Interval ends, one pair per setting.

    Returns
    -------
    str
    """
    lows, highs = np.asarray(lows, dtype=float), np.asarray(highs, dtype=float)
    if lows.shape != highs.shape or lows.ndim != 1 or lows.size == 0:
        raise ValueError("lows and highs must be 1-D of the same non-zero length.")
    above = lows > 0
    if above.all():
        k = int(np.argmin(lows))
        return verdicts.from_interval(lows[k], highs[k])
    if above.any():
        k = int(np.argmax(lows))
        return verdicts.from_interval(lows[k], highs[k], scope_ok=False)
    k = int(np.argmax(highs))
    return verdicts.from_interval(lows[k], highs[k])
