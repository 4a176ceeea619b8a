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
from ..fit import _single_threaded_blas, accuracy
from ..summary import t_interval
from .markdown_tables import markdown_table as _markdown_table

__all__ = [
    "CONTROLS",
    "Draw",
    "DropoutObjectives",
    "Setting",
    "accuracies",
    "alpha_grid",
    "bag_of_words_setting",
    "breast_cancer_setting",
    "fit_batch",
    "gain_table",
    "interior",
    "lbfgs_batch",
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


def _scores(X, betas):
    """Linear predictors ``(K, N)``: row ``k`` is ``X @ betas[k]``."""
    B = np.column_stack([np.asarray(b, dtype=float) for b in betas])
    return np.ascontiguousarray((np.asarray(X, dtype=float) @ B).T)


def accuracies(X, y, betas):
    """:func:`noising.fit.accuracy` of several weight vectors at once.

    Parameters
    ----------
    X : array_like, shape (N, d)
    y : array_like, shape (N,)
        Labels in {0, 1}.
    betas : sequence of ndarray, shape (d,)

    Returns
    -------
    ndarray, shape (len(betas),)
        Fraction of correct predictions of each weight vector.
    """
    if len(betas) == 0:
        return np.zeros(0)
    yv = np.asarray(y, dtype=float)
    return np.mean((_scores(X, betas) > 0) == (yv == 1), axis=1)


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
    # all candidates at once; row-wise means as in accuracy / mean_log_likelihood
    z = _scores(X_val, betas)
    yv = np.asarray(y_val, dtype=float)
    acc = np.mean((z > 0) == (yv == 1), axis=1)
    ll = np.mean(yv * z - np.logaddexp(0.0, z), axis=1)
    # lexicographic: accuracy first, log-likelihood second
    best = int(np.lexsort((ll, acc))[-1])
    return best, acc


# ------------------------------------------------------------------ batched fits
class DropoutObjectives:
    """``K`` penalised logistic objectives on one labelled design, evaluated together.

    Candidate ``k`` has the objective

    .. math::

        F_k(\\beta) = \\sum_{i=1}^n \\bigl[A(x_i\\beta) - y_i x_i\\beta\\bigr]
            + \\sum_{r} w_{rk}\\,A''(p_r\\beta)\\sum_{j\\notin U} p_{rj}^2\\beta_j^2
            + \\frac{\\lambda_k}{2}\\lVert\\beta_{-U}\\rVert^2 ,

    where the rows :math:`p_r` of the penalty are the labelled rows followed by
    the rows of each pool, and the row weight :math:`w_{rk}` is constant on
    each block. Supervised dropout at :math:`\\delta` is one block (the labelled
    rows) with weight :math:`c(\\delta)=\\delta/(2(1-\\delta))`
    (:class:`noising.penalties.DropoutPenalty`); :math:`R_*` adds the pool with
    weights :math:`n/(n+\\alpha m)\\cdot(c, \\alpha c)`
    (:class:`noising.semisup.SemiSupervisedDropoutPenalty`). Evaluating all
    candidates at once turns ``K`` matrix-vector products into one
    matrix-matrix product; the products :math:`p_{rj}^2` are computed once.

    Parameters
    ----------
    X : ndarray, shape (n, d)
        Labelled design.
    y : ndarray, shape (n,)
        Labels in {0, 1}.
    weights : array_like, shape (1 + len(pools), K)
        Row weight of each block (labelled rows first) for each candidate.
    pools : sequence of ndarray, shape (m_b, d)
        Further penalty rows (unlabelled pools); none for supervised dropout.
    lams : array_like, shape (K,), optional
        :math:`L_2` strengths (zero by default).
    unpenalized : sequence of int
        Columns never dropped nor shrunk (the intercept).
    """

    def __init__(self, X, y, weights, pools=(), lams=None, unpenalized=(0,)):
        X = np.asarray(X, dtype=float)
        self.n, d = X.shape
        self.y = np.asarray(y, dtype=float)
        weights = np.atleast_2d(np.asarray(weights, dtype=float))
        if weights.shape[0] != 1 + len(pools):
            raise ValueError(f"weights need {1 + len(pools)} rows (one per block), got {weights.shape[0]}.")
        if np.any(weights < 0) or not np.all(np.isfinite(weights)):
            raise ValueError("weights must be finite and >= 0.")
        self.K = weights.shape[1]
        self.P = np.vstack([X, *[np.asarray(Z, dtype=float) for Z in pools]])
        sizes = [self.n] + [len(Z) for Z in pools]
        self.R = np.repeat(weights, sizes, axis=0)  # (N, K) row weights
        self.mask = np.ones(d)
        self.mask[list(unpenalized)] = 0.0
        Pm = self.P * self.mask
        self.P2 = Pm * Pm
        self.lams = np.zeros(self.K) if lams is None else np.asarray(lams, dtype=float)
        if self.lams.shape != (self.K,) or np.any(self.lams < 0):
            raise ValueError(f"lams must be {self.K} values >= 0.")

    @property
    def d(self):
        return self.P.shape[1]

    def __call__(self, B, cols):
        """Values ``(k,)`` and gradients ``(d, k)`` of the candidates ``cols`` at ``B`` ``(d, k)``."""
        n, y = self.n, self.y
        cols = np.asarray(cols)
        R = self.R if cols.size == self.K and np.array_equal(cols, np.arange(self.K)) else self.R[:, cols]
        Zp = self.P @ B
        # A''(z) = sigma(z) sigma(-z) and sigma(-z) - sigma(z) from one
        # exponential e = exp(-|z|) <= 1 (no overflow)
        e = np.exp(-np.abs(Zp))
        r = 1.0 / (1.0 + e)
        Ra2 = R * (e * r * r)  # R A''(z)
        S = self.P2 @ (B * B)
        Ra2S = Ra2 * S
        M = np.copysign((1.0 - e) * r, -Zp)  # sigma(-z) - sigma(z)
        M *= Ra2S  # R A'''(z) S
        zl = Zp[:n]
        pl = np.where(zl >= 0, r[:n], e[:n] * r[:n])  # sigma(z) on the labelled rows
        M[:n] += pl - y[:, None]
        loss = np.logaddexp(0.0, np.where(y[:, None] == 1, -zl, zl)).sum(axis=0)
        Bm = B * self.mask[:, None]
        lam = self.lams[cols]
        f = loss + Ra2S.sum(axis=0) + 0.5 * lam * (Bm * Bm).sum(axis=0)
        G = self.P.T @ M + 2.0 * B * (self.P2.T @ Ra2) + lam * Bm
        return f, G


def lbfgs_batch(fun, d, K, *, gtol, ftol=1e-15, max_iter=2000, memory=20, maxls=20, maxfun=15000):
    """Minimise ``K`` smooth objectives from zero by L-BFGS-B in lockstep.

    Each column is its own run of SciPy's L-BFGS-B (the routine behind
    ``scipy.optimize.minimize(method="L-BFGS-B")``, no bounds) with the options
    of :func:`noising.fit.fit_glm`: ``maxcor=memory``, ``gtol``, ``ftol`` and
    ``maxiter=max_iter``. The runs advance together, and whenever several of
    them ask for the objective at a new point, ``fun`` evaluates all of those
    points in one call: the iterates are those of ``K`` separate ``minimize``
    calls (up to the rounding of the function values), at a fraction of the
    cost. The lockstep loop drives SciPy's private ``setulb`` exactly as
    ``minimize`` does; if that interface is missing (another SciPy version) it
    falls back to ``K`` calls of ``minimize``.

    Parameters
    ----------
    fun : callable
        ``fun(B, cols) -> (f, G)`` with ``B`` of shape ``(d, len(cols))``: the
        values ``(len(cols),)`` and gradients ``(d, len(cols))`` of the
        objectives ``cols`` (e.g. a :class:`DropoutObjectives`).
    d, K : int
        Dimension and number of objectives.
    gtol : float
        Gradient tolerance (max-norm of the gradient).
    ftol : float
        Relative-decrease tolerance of L-BFGS-B.
    max_iter, memory, maxls, maxfun : int
        L-BFGS-B's ``maxiter``, ``maxcor``, ``maxls`` and ``maxfun``.

    Returns
    -------
    B : ndarray, shape (d, K)
        The minimisers, one per column.
    info : dict
        ``fun``, ``grad_norm``, ``n_iter``, ``nfev`` and ``converged``
        (ndarrays, one entry per column; ``converged`` is L-BFGS-B's success flag).
    """
    try:
        from scipy.optimize._lbfgsb import setulb

        lockstep = "ln_task" in (setulb.__doc__ or "")
    except ImportError:  # pragma: no cover - depends on the SciPy version
        lockstep = False
    if not lockstep:  # pragma: no cover - depends on the SciPy version
        return _minimize_each(
            fun, d, K, gtol=gtol, ftol=ftol, max_iter=max_iter, memory=memory, maxls=maxls, maxfun=maxfun
        )
    m = int(memory)
    factr = ftol / np.finfo(float).eps
    nbd = np.zeros(d, np.int32)
    low, up = np.zeros(d), np.zeros(d)
    x = [np.zeros(d) for _ in range(K)]
    f = [0.0] * K
    g = [np.zeros(d) for _ in range(K)]
    wa = [np.zeros(2 * m * d + 5 * d + 11 * m * m + 8 * m) for _ in range(K)]
    iwa = [np.zeros(3 * d, np.int32) for _ in range(K)]
    task = [np.zeros(2, np.int32) for _ in range(K)]
    ln_task = [np.zeros(2, np.int32) for _ in range(K)]
    lsave = [np.zeros(4, np.int32) for _ in range(K)]
    isave = [np.zeros(44, np.int32) for _ in range(K)]
    dsave = [np.zeros(29) for _ in range(K)]
    n_iter = np.zeros(K, dtype=int)
    nfev = np.zeros(K, dtype=int)
    running = list(range(K))
    while running:
        want = []
        for k in running:
            while True:
                setulb(
                    m,
                    x[k],
                    low,
                    up,
                    nbd,
                    f[k],
                    g[k],
                    factr,
                    gtol,
                    wa[k],
                    iwa[k],
                    task[k],
                    lsave[k],
                    isave[k],
                    dsave[k],
                    maxls,
                    ln_task[k],
                )
                t = task[k]
                if t[0] == 3:  # wants f and g at x[k]
                    want.append(k)
                    break
                if t[0] == 1:  # a new iteration
                    n_iter[k] += 1
                    if n_iter[k] >= max_iter:
                        t[0], t[1] = 5, 504
                    elif nfev[k] > maxfun:
                        t[0], t[1] = 5, 502
                    continue
                break  # converged, or stopped
        if want:
            cols = np.asarray(want)
            fk, Gk = fun(np.column_stack([x[k] for k in want]), cols)
            for i, k in enumerate(want):
                f[k] = float(fk[i])
                g[k] = np.array(Gk[:, i], dtype=float)
                nfev[k] += 1
        running = want
    B = np.column_stack(x) if K else np.zeros((d, 0))
    G = np.column_stack(g) if K else np.zeros((d, 0))
    info = {
        "fun": np.array(f, dtype=float),
        "grad_norm": np.max(np.abs(G), axis=0) if d else np.zeros(K),
        "n_iter": n_iter,
        "nfev": nfev,
        "converged": np.array([t[0] == 4 for t in task], dtype=bool),
    }
    return B, info


def _minimize_each(fun, d, K, *, gtol, ftol, max_iter, memory, maxls, maxfun):
    """:func:`lbfgs_batch` by ``K`` calls of ``scipy.optimize.minimize`` (the reference path)."""
    from scipy.optimize import minimize

    B = np.zeros((d, K))
    info = {key: np.zeros(K) for key in ("fun", "grad_norm")}
    info.update(n_iter=np.zeros(K, dtype=int), nfev=np.zeros(K, dtype=int), converged=np.zeros(K, dtype=bool))

    def one(beta, col):
        fk, Gk = fun(beta[:, None], col)
        return float(fk[0]), Gk[:, 0]

    for k in range(K):
        res = minimize(
            one,
            np.zeros(d),
            args=(np.array([k]),),
            jac=True,
            method="L-BFGS-B",
            options={
                "maxiter": max_iter,
                "gtol": gtol,
                "ftol": ftol,
                "maxcor": memory,
                "maxls": maxls,
                "maxfun": maxfun,
            },
        )
        B[:, k] = res.x
        info["fun"][k] = res.fun
        info["grad_norm"][k] = np.max(np.abs(res.jac)) if d else 0.0
        info["n_iter"][k], info["nfev"][k], info["converged"][k] = res.nit, res.nfev, res.success
    return B, info


def fit_batch(X, y, deltas, *, pool=None, alphas=None, lams=None, unpenalized=(0,), tol=1e-6, max_iter=2000):
    """Fit a grid of dropout-penalised logistic regressions together (:func:`lbfgs_batch`).

    The candidates, in this order, are

    * ``pool`` and ``alphas`` given: semi-supervised dropout :math:`R_*` for every
      ``(delta, alpha)``, ``alpha`` varying fastest (as
      :func:`noising.semisup.fit_semisupervised`);
    * ``lams`` given: supervised dropout plus ``L2(lam)`` for every
      ``(delta, lam)``, ``lam`` varying fastest;
    * neither: supervised dropout for every ``delta`` (as
      :class:`noising.penalties.DropoutPenalty` in :func:`noising.fit.fit_glm`).

    Each fit starts from zero and stops by :func:`noising.fit.fit_glm`'s
    criterion: gradient max-norm at most ``tol * max(1, n)``.

    Parameters
    ----------
    X : ndarray, shape (n, d)
        Labelled design.
    y : ndarray, shape (n,)
        Labels in {0, 1}.
    deltas : sequence of float
        Dropout probabilities in [0, 1).
    pool : ndarray, shape (m, d), optional
        Unlabelled rows of :math:`R_*`.
    alphas, lams : sequence of float, optional
        Discounts of the pool (with ``pool``), or :math:`L_2` strengths.
    unpenalized : sequence of int
        Columns never dropped (the intercept).
    tol : float
    max_iter : int

    Returns
    -------
    B : ndarray, shape (d, K)
        The fitted weights, one candidate per column.
    info : dict
        As returned by :func:`lbfgs_batch`.
    """
    X = np.asarray(X, dtype=float)
    n = X.shape[0]
    deltas = np.asarray(deltas, dtype=float)
    if np.any((deltas < 0) | (deltas >= 1)):
        raise ValueError(f"deltas must lie in [0, 1), got {deltas!r}.")
    c = deltas / (2.0 * (1.0 - deltas))
    if (pool is None) != (alphas is None):
        raise ValueError("pool and alphas go together.")
    if pool is not None and lams is not None:
        raise ValueError("give a pool with alphas, or lams, not both.")
    if pool is not None:
        pool = np.asarray(pool, dtype=float)
        a = np.asarray(alphas, dtype=float)
        if np.any(a < 0):
            raise ValueError("alphas must be >= 0.")
        cc, aa = np.meshgrid(c, a, indexing="ij")
        cc, aa = cc.ravel(), aa.ravel()
        w = n / (n + aa * pool.shape[0])
        obj = DropoutObjectives(X, y, [w * cc, w * aa * cc], pools=[pool], unpenalized=unpenalized)
    elif lams is not None:
        cc, ll = np.meshgrid(c, np.asarray(lams, dtype=float), indexing="ij")
        obj = DropoutObjectives(X, y, [cc.ravel()], lams=ll.ravel(), unpenalized=unpenalized)
    else:
        obj = DropoutObjectives(X, y, [c], unpenalized=unpenalized)
    with _single_threaded_blas(), np.errstate(over="ignore", invalid="ignore"):
        return lbfgs_batch(obj, obj.d, obj.K, gtol=tol * max(1.0, float(n)), max_iter=max_iter)


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

    # all candidates of a method in one lockstep L-BFGS-B run (fit_batch): the
    # same fits as fit_glm / fit_semisupervised one by one, from zero
    sup = list(fit_batch(Xl, yl, sup_deltas, tol=tol)[0].T)
    i_sup, sup_val = select(sup, Xv, yv)

    semi = list(fit_batch(Xl, yl, deltas, pool=Z, alphas=alphas, tol=tol)[0].T)
    i_semi, semi_val = select(semi, Xv, yv)
    sup_test, semi_test = accuracies(Xt, yt, sup), accuracies(Xt, yt, semi)
    return Draw(
        dropout=float(sup_test[i_sup]),
        semi=float(semi_test[i_semi]),
        sup_index=i_sup,
        semi_index=tuple(int(i) for i in np.unravel_index(i_semi, (len(deltas), len(alphas)))),
        sup_val=sup_val,
        semi_val=semi_val.reshape(len(deltas), len(alphas)),
        sup_test=sup_test,
        semi_test=semi_test.reshape(len(deltas), len(alphas)),
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
        # each method's grid in one lockstep L-BFGS-B run (fit_batch): the same
        # fits as fit_semisupervised / fit_glm one by one
        fits = {
            name: (
                list(fit_batch(Xl, yl, deltas, pool=P, alphas=alphas, tol=tol)[0].T),
                (len(deltas), len(alphas)),
            )
            for name, P in pools.items()
        }
        fits["dropout + L2"] = (
            list(fit_batch(Xl, yl, deltas, lams=lams, tol=tol)[0].T),
            (len(deltas), len(lams)),
        )
        middle = alphas[len(alphas) // 2]
        fits["labelled copy"] = (
            list(fit_batch(Xl, yl, deltas, pool=Xl.copy(), alphas=[middle], tol=tol)[0].T),
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

    columns = [
        "seeds",
        "dropout acc. (%)",
        "semi-supervised acc. (%)",
        "mean gain (points)",
        "sd of gain",
        "95 % interval",
    ]
    body = [
        [
            r["seeds"],
            100 * r["dropout"],
            100 * r["semi"],
            100 * r["gain"],
            100 * r["sd"],
            f"[{pts(r['low'])}, {pts(r['high'])}]",
        ]
        for r in rows.values()
    ]
    # rounded first so that a zero never prints as -0.0
    body = [[row[0], *(round(v, 1) + 0.0 for v in row[1:5]), row[5]] for row in body]
    return _markdown_table(body, columns, index=list(rows), index_name="setting", formats=".1f")


def verdict(lows, highs):
    """Verdict on "unlabelled data improve accuracy" from one interval per setting.

    Uses :func:`noising.verdicts.from_interval` with threshold 0:

    * some interval below zero (a significant loss at any setting): "fails",
      since a method that loses somewhere does not "consistently" help;
    * every interval above zero: the verdict of the weakest one ("holds");
    * some but not all above zero: the claim holds only in those settings, so
      ``from_interval(..., scope_ok=False)`` ("holds with a correction");
    * otherwise (none above zero, none below): "not established" (the
      verdict of an interval that contains zero).

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
    if np.any(highs < 0):
        k = int(np.argmin(highs))
        return verdicts.from_interval(lows[k], highs[k])
    if above.all():
        k = int(np.argmin(lows))
        return verdicts.from_interval(lows[k], highs[k])
    if above.any():
        k = int(np.argmax(lows))
        return verdicts.from_interval(lows[k], highs[k], scope_ok=False)
    k = int(np.argmax(highs))
    return verdicts.from_interval(lows[k], highs[k])
