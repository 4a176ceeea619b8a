"""Drivers of the document-classification experiment (Wager et al., 2013, Section 6).

The chapter "Document classification" compares, on corpora drawn by
:mod:`noising.corpus` (bag-of-words, word-presence features, an intercept),

* logistic regression with an :math:`L_2` penalty :math:`\\tfrac\\lambda2\\lVert\\beta\\rVert^2`
  (:class:`noising.penalties.L2`),
* logistic regression with the quadratic dropout penalty :math:`R^q`
  (:class:`noising.penalties.DropoutPenalty`), and
* semi-supervised dropout, :math:`R_*` computed on the labelled rows and
  :math:`m` unlabelled ones with discount :math:`\\alpha`
  (:class:`noising.semisup.SemiSupervisedDropoutPenalty`),

all fitted by :func:`noising.fit.fit_glm` on sparse designs.

**Tuning, on equal footing.** Every method chooses among the same number of
candidates, :math:`K + R`, by validation accuracy (ties broken by the validation
log-likelihood, :func:`select`):

* :math:`L_2`: :math:`K` values of :math:`\\lambda` on a geometric grid, then
  :math:`R` values refining the grid around the best one (:func:`refine`);
* dropout: :math:`K` values of :math:`\\delta` on a grid geometric in the odds
  :math:`\\delta/(1-\\delta)`, then :math:`R` refining values of the odds;
* semi-supervised dropout: the same :math:`K` dropout fits (:math:`\\alpha=0`),
  then :math:`R` values of :math:`\\alpha` at the best :math:`\\delta` of the
  :math:`K`.

All three also get one shared candidate, the unpenalised fit stopped by the
same rule (the :math:`\\lambda\\to0` and :math:`\\delta\\to0` end of both
grids), so neither penalty can win merely because "no penalty, stopped early"
is among its candidates and not among the other's; its test accuracy is also
reported as a control. So the semi-supervised method can only differ from dropout through its use of
unlabelled rows, with the same number of chances to fit the validation set.
:func:`run_seed` does this for one seed (one corpus) and every unlabelled-set
size; :func:`summarise` gives paired differences with 95 % Student-t intervals.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from .. import corpus as _corpus
from ..fit import accuracy, fit_glm
from ..penalties import L2, DropoutPenalty
from ..semisup import SemiSupervisedDropoutPenalty
from ..summary import t_interval

__all__ = [
    "Split",
    "SeedResult",
    "make_split",
    "refine",
    "mean_log_likelihood",
    "select",
    "run_seed",
    "summarise",
]


# ------------------------------------------------------------------ data
@dataclass(frozen=True)
class Split:
    """One corpus, as designs ready to fit (column 0 is an intercept, never penalised).

    Attributes
    ----------
    X, y : csr_matrix, ndarray
        Labelled training documents.
    X_val, y_val : csr_matrix, ndarray
        Labelled validation documents (for tuning).
    X_test, y_test : csr_matrix, ndarray
        Labelled test documents (scoring only).
    Z : csr_matrix
        The unlabelled pool; an unlabelled set of size ``m`` is ``Z[:m]``.
    words : ndarray of int
        The corpus-model word of each feature column after the intercept.
    """

    X: sp.csr_matrix
    y: np.ndarray
    X_val: sp.csr_matrix
    y_val: np.ndarray
    X_test: sp.csr_matrix
    y_test: np.ndarray
    Z: sp.csr_matrix
    words: np.ndarray = field(repr=False)

    @property
    def d(self):
        """Number of columns (features plus the intercept)."""
        return self.X.shape[1]


def make_split(seed, n, n_val, n_test, m, *, model=None, min_df=3):
    """Draw a corpus and turn it into intercept + word-presence designs.

    The vocabulary is the words that occur in at least ``min_df`` documents of
    the training material (labelled, validation and the whole unlabelled pool;
    never the test documents), the usual pruning of words too rare to learn from.
    The same columns serve every method and every unlabelled-set size.

    Parameters
    ----------
    seed : int
        Seed of :func:`noising.corpus.make_corpus` (a new corpus, polarities
        included, for every seed).
    n, n_val, n_test, m : int
        Labelled training, validation, test and unlabelled-pool sizes.
    model : noising.corpus.CorpusModel, optional
    min_df : int
        Smallest document frequency of a kept word (>= 1).

    Returns
    -------
    Split
    """
    if int(min_df) != min_df or min_df < 1:
        raise ValueError(f"min_df must be an integer >= 1, got {min_df!r}.")
    c = _corpus.make_corpus(n + n_val, n_test, m, model=model, seed=seed)
    lab, test, pool = (_corpus.binary(A) for A in (c.X_train, c.X_test, c.X_unlabelled))
    df = np.bincount(sp.vstack([lab, pool]).tocsr().indices, minlength=lab.shape[1])
    words = np.flatnonzero(df >= min_df)

    def design(B):
        return sp.hstack([np.ones((B.shape[0], 1)), B[:, words]], format="csr")

    L = design(lab)
    return Split(
        X=L[:n],
        y=c.y_train[:n],
        X_val=L[n:],
        y_val=c.y_train[n:],
        X_test=design(test),
        y_test=c.y_test,
        Z=design(pool),
        words=words,
    )


# ------------------------------------------------------------------ grids and selection
def refine(grid, best, r):
    """``r`` values refining a geometric ``grid`` around ``grid[best]``.

    The points are :math:`g_b\\,\\rho^{\\pm k/(h+1)}`, :math:`k = 1..h`,
    :math:`h = r/2`, where :math:`\\rho` is the grid's ratio: evenly spaced (on
    the log scale) between the best point and its neighbours.

    Parameters
    ----------
    grid : array_like
        Positive, increasing, geometric grid (at least two points).
    best : int
        Index of the best grid point.
    r : int
        Even number of refining values.

    Returns
    -------
    ndarray, shape (r,)
        Increasing refining values.
    """
    g = np.asarray(grid, dtype=float)
    if g.ndim != 1 or g.size < 2 or np.any(g <= 0) or np.any(np.diff(g) <= 0):
        raise ValueError("grid must be a positive increasing sequence of at least two values.")
    if int(r) != r or r < 2 or r % 2:
        raise ValueError(f"r must be an even integer >= 2, got {r!r}.")
    h = int(r) // 2
    rho = g[1] / g[0]
    k = np.r_[-np.arange(h, 0, -1), np.arange(1, h + 1)] / (h + 1)
    return g[int(best)] * rho**k


def _odds(delta):
    delta = np.asarray(delta, dtype=float)
    return delta / (1.0 - delta)


def _from_odds(o):
    return o / (1.0 + o)


def mean_log_likelihood(X, y, beta):
    """Mean logistic log-likelihood :math:`\\frac1n\\sum_i [y_i x_i\\beta - \\log(1+e^{x_i\\beta})]` (sparse or dense ``X``)."""
    z = X @ np.asarray(beta, dtype=float)
    return float(np.mean(np.asarray(y) * z - np.logaddexp(0.0, z)))


def select(betas, X_val, y_val):
    """Index of the candidate with the best validation accuracy (ties: best log-likelihood).

    Returns
    -------
    best : int
    acc : ndarray
        Validation accuracy of every candidate.
    """
    if len(betas) == 0:
        raise ValueError("select needs at least one candidate.")
    acc = np.array([accuracy(X_val, y_val, b) for b in betas])
    ll = np.array([mean_log_likelihood(X_val, y_val, b) for b in betas])
    return int(np.lexsort((ll, acc))[-1]), acc


# ------------------------------------------------------------------ one seed
@dataclass
class SeedResult:
    """Results of one seed (see :func:`run_seed`).

    Attributes
    ----------
    l2, dropout : float
        Test accuracies of tuned :math:`L_2` and tuned dropout.
    semi : dict
        ``{m: test accuracy of tuned semi-supervised dropout}``.
    l2_val, dropout_val : ndarray, shape (K,)
        Validation accuracies on the coarse grids (for the interiority checks).
    l2_choice, dropout_choice : float
        The chosen :math:`\\lambda` and :math:`\\delta` (among all :math:`K+R`).
    delta_coarse : int
        Index of the best :math:`\\delta` of the coarse grid.
    semi_alpha : dict
        ``{m: chosen alpha}`` (0 when a supervised candidate won).
    alpha_val, alpha_test : dict
        ``{m: ndarray, shape (R,)}``: validation and test accuracy of
        semi-supervised dropout at each :math:`\\alpha` (at the coarse best
        :math:`\\delta`), the sweep over :math:`\\alpha`.
    dropout_coarse_test : float
        Test accuracy of dropout at the coarse best :math:`\\delta` (the
        :math:`\\alpha=0` end of the sweep).
    iterations : int
        L-BFGS iterations over all fits of the seed.
    none_test : float
        Test accuracy of the shared candidate, the unpenalised fit stopped by
        the same rule (the control).
    l2_none, dropout_none : bool
        Whether validation chose the unpenalised candidate for :math:`L_2`
        (resp. dropout).
    dropout_tight : dict
        ``{tol: test accuracy}`` of the chosen dropout candidate refitted with
        each tighter tolerance of ``tight_tols`` (:func:`run_seed`).
    """

    l2: float
    dropout: float
    semi: dict
    l2_val: np.ndarray = field(repr=False)
    dropout_val: np.ndarray = field(repr=False)
    l2_choice: float = 0.0
    dropout_choice: float = 0.0
    delta_coarse: int = 0
    semi_alpha: dict = field(default_factory=dict)
    alpha_val: dict = field(default_factory=dict, repr=False)
    alpha_test: dict = field(default_factory=dict, repr=False)
    dropout_coarse_test: float = 0.0
    iterations: int = 0
    none_test: float = 0.0
    l2_none: bool = False
    dropout_none: bool = False
    dropout_tight: dict = field(default_factory=dict)


def run_seed(split, lams, deltas, alphas, ms, *, n_refine=4, tol=1e-4, tight_tols=()):
    """Tune and test :math:`L_2`, dropout and semi-supervised dropout on one corpus.

    Parameters
    ----------
    split : Split
    lams : array_like, shape (K,)
        Geometric grid of :math:`\\lambda`.
    deltas : array_like, shape (K,)
        Grid of :math:`\\delta`, geometric in the odds.
    alphas : array_like, shape (R,)
        Discounts of the unlabelled rows (the sweep over :math:`\\alpha`);
        ``R`` must equal ``n_refine`` (equal tuning budgets).
    ms : sequence of int
        Unlabelled-set sizes (prefixes of the pool, each <= its size).
    n_refine : int
        Refining candidates for :math:`L_2` and dropout (even).
    tol : float
        Gradient tolerance of :func:`noising.fit.fit_glm` (per labelled row).
    tight_tols : sequence of float
        Tighter tolerances at which the chosen dropout candidate (only it) is
        refitted and tested: the sensitivity of the result to the stopping rule.

    Returns
    -------
    SeedResult
    """
    lams, deltas, alphas = (np.asarray(a, dtype=float) for a in (lams, deltas, alphas))
    if alphas.size != n_refine:
        raise ValueError(f"{alphas.size} values of alpha but n_refine={n_refine}; the budgets must be equal.")
    if any(int(m) != m or m < 1 or m > split.Z.shape[0] for m in ms):
        raise ValueError(f"each m must be an integer in [1, {split.Z.shape[0]}], got {list(ms)!r}.")
    X, y = split.X, split.y
    its = 0

    def path(penalties):
        # every fit starts from zero: on separable data the dropout objective has no
        # minimiser, so a warm start would make a fit depend on the order of the grid
        nonlocal its
        out = []
        for pen in penalties:
            res = fit_glm(X, y, pen, tol=tol)
            its += res.n_iter
            out.append(res.beta)
        return out

    def test_acc(beta):
        return accuracy(split.X_test, split.y_test, beta)

    # the shared candidate: no penalty, the same stopping rule
    none = path([None])

    # L2: coarse grid, then refine around the best; the shared candidate last
    l2_betas = path([L2(lam, unpenalized=[0]) for lam in lams])
    i_l2, l2_val = select(l2_betas, split.X_val, split.y_val)
    l2_ref = refine(lams, i_l2, n_refine)
    l2_all = l2_betas + path([L2(lam, unpenalized=[0]) for lam in l2_ref]) + none
    j, _ = select(l2_all, split.X_val, split.y_val)
    l2_values = np.r_[lams, l2_ref, 0.0]

    # dropout: coarse grid in the odds, then refine
    drop_betas = path([DropoutPenalty(X, dl, unpenalized=[0]) for dl in deltas])
    i_d, drop_val = select(drop_betas, split.X_val, split.y_val)
    d_ref = _from_odds(refine(_odds(deltas), i_d, n_refine))
    drop_all = drop_betas + path([DropoutPenalty(X, dl, unpenalized=[0]) for dl in d_ref]) + none
    k, _ = select(drop_all, split.X_val, split.y_val)
    delta_values = np.r_[deltas, d_ref, 0.0]
    tight = {}
    for t in tight_tols:
        pen = None if delta_values[k] == 0 else DropoutPenalty(X, delta_values[k], unpenalized=[0])
        tight[float(t)] = test_acc(fit_glm(X, y, pen, tol=t).beta)

    # semi-supervised dropout: the coarse dropout fits (alpha = 0) and R values of alpha at the coarse best delta
    semi, semi_alpha, alpha_val, alpha_test = {}, {}, {}, {}
    for m in ms:
        Z = split.Z[: int(m)]
        betas = path([SemiSupervisedDropoutPenalty(X, Z, deltas[i_d], a, unpenalized=[0]) for a in alphas])
        cand = drop_betas + none + betas
        s, _ = select(cand, split.X_val, split.y_val)
        semi[int(m)] = test_acc(cand[s])
        n0 = len(drop_betas) + 1
        semi_alpha[int(m)] = 0.0 if s < n0 else float(alphas[s - n0])
        alpha_val[int(m)] = np.array([accuracy(split.X_val, split.y_val, b) for b in betas])
        alpha_test[int(m)] = np.array([test_acc(b) for b in betas])

    return SeedResult(
        l2=test_acc(l2_all[j]),
        dropout=test_acc(drop_all[k]),
        semi=semi,
        l2_val=l2_val,
        dropout_val=drop_val,
        l2_choice=float(l2_values[j]),
        dropout_choice=float(delta_values[k]),
        delta_coarse=i_d,
        semi_alpha=semi_alpha,
        alpha_val=alpha_val,
        alpha_test=alpha_test,
        dropout_coarse_test=test_acc(drop_betas[i_d]),
        iterations=its,
        none_test=test_acc(none[0]),
        l2_none=bool(j == len(l2_all) - 1),
        dropout_none=bool(k == len(drop_all) - 1),
        dropout_tight=tight,
    )


# ------------------------------------------------------------------ summaries
def summarise(results, ms):
    """Paired differences over seeds with 95 % Student-t intervals.

    Parameters
    ----------
    results : sequence of SeedResult
        One per seed (at least two).
    ms : sequence of int
        The unlabelled-set sizes of the run.

    Returns
    -------
    dict
        ``"dropout - L2"``, the controls ``"no penalty - L2"`` and
        ``"no penalty - dropout"`` (the shared unpenalised, early-stopped fit),
        and ``"semi(m) - dropout"`` for each ``m``, each a dict
        with the ``mean``, ``low`` and ``high`` of the difference (accuracy, as a
        fraction), the mean accuracies of the two methods (``a``, ``b``) and
        the number of ``seeds``.
    """
    if len(results) < 2:
        raise ValueError("summarise needs at least two seeds.")
    rows = {}

    def row(a, b):
        a, b = np.asarray(a), np.asarray(b)
        mean, lo, hi = t_interval(a - b)
        return {
            "mean": float(mean),
            "low": float(lo),
            "high": float(hi),
            "a": float(a.mean()),
            "b": float(b.mean()),
            "seeds": len(a),
        }

    rows["dropout - L2"] = row([r.dropout for r in results], [r.l2 for r in results])
    rows["no penalty - L2"] = row([r.none_test for r in results], [r.l2 for r in results])
    rows["no penalty - dropout"] = row([r.none_test for r in results], [r.dropout for r in results])
    for m in ms:
        rows[f"semi(m={int(m)}) - dropout"] = row(
            [r.semi[int(m)] for r in results], [r.dropout for r in results]
        )
    return rows
