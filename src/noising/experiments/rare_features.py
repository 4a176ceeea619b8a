"""The experiments of chapter 3 (dropout as adaptive L2), as functions a reader can call.

Four studies of Wager, Wang & Liang (2013) use these drivers:

* **rare but discriminative features** (claim W9): :func:`run_seed` draws a
  training, a validation and a test set of the design of
  :func:`noising.data.rare_features`, tunes :math:`L_2`, the quadratic dropout
  penalty :math:`R^q` and dropout training by SGD on the same validation set,
  and reports test accuracies on all examples and on those with an active rare
  feature;
* **restarts of a non-convex objective** (W10): :func:`restart_spread`
  summarises fits of one objective from several starts, and
  :func:`separating_features` finds the rare features along which the logistic
  objective has no minimiser;
* **co-adaptation** (W22): :func:`coadapted` draws a design in which a dense
  partner feature pushes the prediction the same way as the active rare
  feature, the opposite way, or independently of it;
* **the quadratic penalty against dropout training** (W23):
  :func:`mc_dropout_fit` minimises a Monte Carlo estimate of the expected
  noised loss (the objective of dropout training, eq. 1 of the paper) with
  L-BFGS, and :func:`equivalence` turns an interval into a verdict on "the same
  within a margin".

The designs and grids are the book's own (the paper does not print its
simulation's design); the defaults below are the chapter's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .. import data, fit, penalties
from ..verdicts import FAILS, HOLDS, NOT_ESTABLISHED
from .markdown_tables import markdown_table as _markdown_table

__all__ = [
    "DESIGN",
    "L2_GRID",
    "DELTA_GRID",
    "EPS",
    "TOL",
    "SGD_OPTS",
    "SeedResult",
    "mean_logloss",
    "l2_path",
    "draw_splits",
    "run_seed",
    "paired_differences",
    "settled",
    "CRITERIA",
    "choose",
    "criterion_study",
    "widened_lower_edge",
    "quadratic_versus_mc",
    "restart_spread",
    "separating_features",
    "coadapted",
    "coadaptation_fit",
    "mc_dropout_fit",
    "noised_copies",
    "ray_profile",
    "equivalence",
    "markdown_table",
]

#: The baseline rare-features design (keyword arguments of
#: :func:`noising.data.rare_features`): 10 rare binary features active with
#: probability 0.04 and weights +-2.5, 40 common N(0, 1) features of which 5
#: carry weights +-0.25 and 35 are noise.
DESIGN = dict(
    n_rare=10,
    n_common=40,
    rare_rate=0.04,
    rare_strength=2.5,
    common_strength=0.25,
    common_signal=5,
)
#: Ridge strengths tried for the L2 method: 21 values, half a decade apart,
#: from nearly unpenalised to nearly the zero vector.
L2_GRID = tuple(float(v) for v in np.geomspace(1e-4, 1e6, 21))
#: Dropout probabilities tried for both dropout methods, from nearly no
#: dropout to nearly all features dropped.
DELTA_GRID = (0.0001, 0.001, 0.01, 0.05, 0.15, 0.3, 0.45, 0.6, 0.75, 0.9, 0.99)
#: The small fixed ridge added to both dropout methods (see :func:`separating_features`).
EPS = 1e-2
#: L-BFGS gradient tolerance per example.
TOL = 1e-6
#: Dropout SGD settings: batches of 20, 30 epochs, step 1.0 decaying as 1/sqrt(epoch).
SGD_OPTS = dict(lr=1.0, epochs=30, batch_size=20)


def _seq(values, name):
    values = tuple(float(v) for v in values)
    if len(values) < 3:
        raise ValueError(
            f"{name} needs at least three values so that a choice can be interior; got {values}."
        )
    return values


def mean_logloss(X, y, beta):
    """Negative log-likelihood per example, the validation criterion of :func:`run_seed`."""
    return fit.nll(X, y, beta)[0] / len(y)


def l2_path(X, y, lams=L2_GRID, tol=TOL):
    """Ridge-penalised logistic fits over ``lams``, warm-started from the strongest.

    The :math:`L_2` objective is convex, so the warm start changes only the run
    time, not the fits.

    Parameters
    ----------
    X : array_like, shape (n, d)
    y : array_like, shape (n,)
    lams : sequence of float
        Strengths :math:`\\lambda` of ``penalties.L2(lam)`` (:math:`\\tfrac\\lambda2\\lVert\\beta\\rVert^2`).
    tol : float
        Gradient tolerance of :func:`noising.fit.fit_glm`.

    Returns
    -------
    list of ndarray
        The fitted weights, in the order of ``lams``.
    """
    lams = [float(v) for v in lams]
    order = np.argsort(lams)[::-1]
    out, b = [None] * len(lams), None
    for k in order:
        b = fit.fit_glm(X, y, penalties.L2(lams[k]), beta0=b, tol=tol).beta
        out[k] = b
    return out


def draw_splits(seed, design=None, n_train=200, n_val=200, n_test=2000):
    """Training, validation and test draws of one seed, from the same true weights.

    Parameters
    ----------
    seed : int
        The seed of the repetition; the three sets use seeds ``[seed, 0]``,
        ``[seed, 1]`` and ``[seed, 2]``.
    design : dict, optional
        Keyword arguments of :func:`noising.data.rare_features` (default :data:`DESIGN`).
    n_train, n_val, n_test : int

    Returns
    -------
    tuple of noising.data.RareFeatures
    """
    design = dict(DESIGN if design is None else design)
    tr = data.rare_features(n_train, seed=[seed, 0], **design)
    shared = {k: v for k, v in design.items() if k not in ("rare_strength", "common_strength")}
    va = data.rare_features(n_val, beta=tr.beta, seed=[seed, 1], **shared)
    te = data.rare_features(n_test, beta=tr.beta, seed=[seed, 2], **shared)
    return tr, va, te


@dataclass(frozen=True)
class SeedResult:
    """One method's result on one seed of :func:`run_seed`.

    Attributes
    ----------
    acc_all : float
        Test accuracy on all test examples.
    acc_active : float
        Test accuracy on the test examples with at least one active rare feature.
    index : int
        Index of the chosen value in the method's grid (-1: nothing tuned).
    beta : ndarray
        The chosen fit.
    curve : ndarray
        The validation criterion over the grid (:func:`mean_logloss`).
    path : tuple of ndarray
        Every fit of the grid, in grid order (so that another tuning criterion
        can be applied without refitting, :func:`criterion_study`).
    """

    acc_all: float
    acc_active: float
    index: int
    beta: np.ndarray
    curve: np.ndarray
    path: tuple = field(default=(), repr=False)


def run_seed(
    seed,
    design=None,
    *,
    sgd=True,
    n_train=200,
    n_val=200,
    n_test=2000,
    l2_grid=L2_GRID,
    delta_grid=DELTA_GRID,
    eps=EPS,
    tol=TOL,
    sgd_opts=None,
):
    """One repetition of the rare-features comparison (claim W9).

    Every method is fitted on the same training set for each value of its grid
    and the value with the smallest validation log-loss (:func:`mean_logloss`)
    is kept:

    * ``"L2"``: ``penalties.L2(lam)`` for ``lam`` in ``l2_grid`` (:func:`l2_path`);
    * ``"dropout (quadratic)"``: ``penalties.DropoutPenalty(X, delta) + penalties.L2(eps)``
      by L-BFGS from zero, ``delta`` in ``delta_grid``;
    * ``"dropout (SGD)"`` (if ``sgd``): ``fit.dropout_sgd`` with ridge ``eps``
      and the same ``delta_grid``;
    * ``"true beta"``: the true weights, for reference (not tuned).

    Parameters
    ----------
    seed : int
    design : dict, optional
        Keyword arguments of :func:`noising.data.rare_features` (default :data:`DESIGN`).
    sgd : bool
        Include dropout training by SGD (the slowest arm).
    n_train, n_val, n_test : int
    l2_grid, delta_grid : sequence of float
        The tuning grids (at least three values each).
    eps : float
        Fixed ridge of both dropout methods.
    tol : float
        L-BFGS gradient tolerance.
    sgd_opts : dict, optional
        ``lr``, ``epochs``, ``batch_size`` of :func:`noising.fit.dropout_sgd`
        (default :data:`SGD_OPTS`).

    Returns
    -------
    dict of str to SeedResult
    """
    l2_grid = _seq(l2_grid, "l2_grid")
    delta_grid = _seq(delta_grid, "delta_grid")
    sgd_opts = dict(SGD_OPTS if sgd_opts is None else sgd_opts)
    tr, va, te = draw_splits(seed, design, n_train, n_val, n_test)
    candidates = {
        "L2": l2_path(tr.X, tr.y, l2_grid, tol),
        "dropout (quadratic)": [
            fit.fit_glm(tr.X, tr.y, penalties.DropoutPenalty(tr.X, d) + penalties.L2(eps), tol=tol).beta
            for d in delta_grid
        ],
    }
    if sgd:
        candidates["dropout (SGD)"] = [
            fit.dropout_sgd(tr.X, tr.y, d, l2=eps, seed=seed, **sgd_opts).beta for d in delta_grid
        ]
    candidates["true beta"] = [tr.beta]
    out = {}
    for name, betas in candidates.items():
        curve = np.array([mean_logloss(va.X, va.y, b) for b in betas])
        k = int(np.argmin(curve)) if len(betas) > 1 else -1
        b = betas[max(k, 0)]
        out[name] = SeedResult(
            acc_all=fit.accuracy(te.X, te.y, b),
            acc_active=fit.accuracy(te.X[te.active], te.y[te.active], b),
            index=k,
            beta=b,
            curve=curve,
            path=tuple(betas),
        )
    return out


def paired_differences(results, method, baseline="L2", part="active"):
    """Per-seed differences of test accuracy, ``method`` minus ``baseline``.

    Parameters
    ----------
    results : list of dict
        Outputs of :func:`run_seed`, one per seed.
    method, baseline : str
        Method names (keys of each result).
    part : {"active", "all"}
        Test examples with an active rare feature, or all of them.

    Returns
    -------
    ndarray, shape (len(results),)
    """
    if part not in ("active", "all"):
        raise ValueError(f"part must be 'active' or 'all', got {part!r}.")
    attr = "acc_active" if part == "active" else "acc_all"
    return np.array([getattr(r[method], attr) - getattr(r[baseline], attr) for r in results])


def settled(curve, index, atol=1e-3):
    """Whether a grid choice is interior, or on an edge where the criterion has levelled off.

    Each grid of :func:`run_seed` runs from nearly no regularisation to nearly
    the zero vector, and both ends have a limit (the least-penalised fit, and
    the constant prediction 1/2). A choice on an edge is accepted only when the
    criterion at the edge and at its neighbour differ by at most ``atol``: the
    curve has flattened towards that limit, so widening the grid cannot lower
    it by more than about ``atol``. Any other edge choice means the grid is too
    narrow.

    Parameters
    ----------
    curve : array_like, shape (m,)
        Validation criterion over the grid (``SeedResult.curve``), ``m >= 3``.
    index : int
        The chosen index (``SeedResult.index``).
    atol : float
        Tolerance for "levelled off", in units of the criterion.

    Returns
    -------
    bool
    """
    curve = np.asarray(curve, dtype=float)
    m = curve.size
    if m < 3:
        raise ValueError(f"curve needs at least three grid values, got {m}.")
    if not 0 <= index < m:
        raise ValueError(f"index {index} is outside a grid of {m} values.")
    if 0 < index < m - 1:
        return True
    neighbour = 1 if index == 0 else m - 2
    return bool(abs(curve[index] - curve[neighbour]) <= atol)


#: The tuning criteria of :func:`criterion_study`: the validation log-loss of
#: the chapter's plan, the validation accuracy, and an oracle that picks the
#: grid value with the best accuracy on the test examples with an active rare
#: feature (the quantity measured; no method can do better).
CRITERIA = ("validation log-loss", "validation accuracy", "oracle")


def choose(betas, X, y, criterion):
    """Index of the fit in ``betas`` that a tuning criterion picks on ``(X, y)``.

    Parameters
    ----------
    betas : sequence of ndarray
        Fits over a grid.
    X : array_like, shape (n, d)
    y : array_like, shape (n,)
    criterion : {"logloss", "accuracy"}
        ``"logloss"``: the smallest :func:`mean_logloss`. ``"accuracy"``: the
        largest accuracy, ties (accuracy is a step function) broken by the
        smaller log-loss.

    Returns
    -------
    index : int
    curve : ndarray
        The criterion over the grid, signed so that smaller is better (minus
        the accuracy for ``"accuracy"``).
    """
    if criterion not in ("logloss", "accuracy"):
        raise ValueError(f"criterion must be 'logloss' or 'accuracy', got {criterion!r}.")
    ll = np.array([mean_logloss(X, y, b) for b in betas])
    if criterion == "logloss":
        return int(np.argmin(ll)), ll
    acc = np.array([fit.accuracy(X, y, b) for b in betas])
    return int(np.lexsort((ll, -acc))[0]), -acc


def criterion_study(
    results,
    seeds,
    *,
    design=None,
    n_train=200,
    n_val=200,
    n_test=2000,
    method="dropout (quadratic)",
    baseline="L2",
):
    """Re-tune two methods of :func:`run_seed` under each of :data:`CRITERIA` (claim W9).

    The fits are those of ``results`` (no refitting); only the rule that picks
    one fit from each grid changes.

    Parameters
    ----------
    results : list of dict
        Outputs of :func:`run_seed` for ``seeds`` (with the same ``design``
        and sizes).
    seeds : sequence of int
    design : dict, optional
    n_train, n_val, n_test : int
    method, baseline : str

    Returns
    -------
    dict
        For each criterion: ``gain`` (test accuracy on active-rare examples,
        ``method`` minus ``baseline``, per seed), ``gain_all`` (the same on all
        test examples), ``logloss_gain`` (test log-loss on active-rare
        examples, ``baseline`` minus ``method``: positive when ``method`` is
        better), and per method ``index`` and ``curve`` (the criterion over the
        grid, smaller is better).
    """
    out = {
        c: dict(
            gain=[],
            gain_all=[],
            logloss_gain=[],
            index={method: [], baseline: []},
            curve={method: [], baseline: []},
        )
        for c in CRITERIA
    }
    for seed, res in zip(seeds, results):
        _, va, te = draw_splits(seed, design, n_train, n_val, n_test)
        act = te.active
        for c in CRITERIA:
            chosen = {}
            for m in (method, baseline):
                path = res[m].path
                if not path:
                    raise ValueError(f"seed {seed}: {m!r} has no path of fits; run it with run_seed.")
                if c == "validation log-loss":
                    k, curve = choose(path, va.X, va.y, "logloss")
                elif c == "validation accuracy":
                    k, curve = choose(path, va.X, va.y, "accuracy")
                else:
                    k, curve = choose(path, te.X[act], te.y[act], "accuracy")
                chosen[m] = path[k]
                out[c]["index"][m].append(k)
                out[c]["curve"][m].append(curve)
            bm, bb = chosen[method], chosen[baseline]
            out[c]["gain"].append(
                fit.accuracy(te.X[act], te.y[act], bm) - fit.accuracy(te.X[act], te.y[act], bb)
            )
            out[c]["gain_all"].append(fit.accuracy(te.X, te.y, bm) - fit.accuracy(te.X, te.y, bb))
            out[c]["logloss_gain"].append(
                mean_logloss(te.X[act], te.y[act], bb) - mean_logloss(te.X[act], te.y[act], bm)
            )
    for c in CRITERIA:
        for k in ("gain", "gain_all", "logloss_gain"):
            out[c][k] = np.array(out[c][k])
    return out


def widened_lower_edge(
    seed,
    method,
    *,
    design=None,
    n_train=200,
    n_val=200,
    factor=10.0,
    l2_grid=L2_GRID,
    delta_grid=DELTA_GRID,
    eps=EPS,
    tol=TOL,
):
    """Validation log-loss one step below the lower edge of a method's grid.

    Used to check a choice on the lower edge of a grid (the least
    regularisation tried): the grid is widened once, to the edge value divided
    by ``factor``, and the method refitted there.

    Parameters
    ----------
    seed : int
    method : {"L2", "dropout (quadratic)"}
    design : dict, optional
    n_train, n_val : int
    factor : float
        How far below the edge (> 1).
    l2_grid, delta_grid : sequence of float
    eps, tol : float
        As in :func:`run_seed`.

    Returns
    -------
    float
        :func:`mean_logloss` on the validation set at the widened value.
    """
    if not factor > 1:
        raise ValueError(f"factor must be > 1, got {factor!r}.")
    tr, va, _ = draw_splits(seed, design, n_train, n_val, 1)
    if method == "L2":
        pen = penalties.L2(min(l2_grid) / factor)
    elif method == "dropout (quadratic)":
        pen = penalties.DropoutPenalty(tr.X, min(delta_grid) / factor) + penalties.L2(eps)
    else:
        raise ValueError(f"method must be 'L2' or 'dropout (quadratic)', got {method!r}.")
    return mean_logloss(va.X, va.y, fit.fit_glm(tr.X, tr.y, pen, tol=tol).beta)


def restart_spread(base_fit, fits, rtol=1e-6, grad_tol=1e-3):
    """Summarise fits of one objective from several starts (claim W10).

    Parameters
    ----------
    base_fit : noising.fit.FitResult
        The fit from the default start (zero).
    fits : list of noising.fit.FitResult
        Fits from random starts.
    rtol : float
        Objective values within ``rtol * max(1, |best|)`` of the best count as the best.
    grad_tol : float
        Max-norm of the gradient below which a fit counts as stationary.

    Returns
    -------
    dict
        ``n_at_best`` and ``n_restarts`` (restarts, not counting ``base_fit``,
        that reach the best objective), ``coef_spread`` (largest deviation of a
        coefficient among the fits at the best objective from their mean),
        ``worst_gap`` (worst objective minus best) and ``all_stationary``.
    """
    funs = np.array([f.fun for f in fits] + [base_fit.fun])
    betas = np.array([f.beta for f in fits] + [base_fit.beta])
    best = funs.min()
    at_best = np.abs(funs - best) <= rtol * max(1.0, abs(best))
    spread = np.max(np.abs(betas[at_best] - betas[at_best].mean(axis=0)))
    return dict(
        n_at_best=int(at_best[:-1].sum()),
        n_restarts=len(fits),
        coef_spread=float(spread),
        worst_gap=float(funs.max() - best),
        all_stationary=bool(max(f.grad_norm for f in fits) < grad_tol),
    )


def separating_features(X, y, columns):
    """Columns among ``columns`` whose active examples (nonzero entries) share one label.

    Along such a column the logistic loss of those examples, and their
    quadratic dropout penalty, tend to zero as the weight grows towards their
    label, so the plain objective has no minimiser.

    Parameters
    ----------
    X : array_like, shape (n, d)
    y : array_like, shape (n,)
    columns : iterable of int

    Returns
    -------
    list of int
    """
    X = np.asarray(X)
    y = np.asarray(y)
    out = []
    for j in columns:
        on = X[:, j] != 0
        if on.any() and np.unique(y[on]).size == 1:
            out.append(int(j))
    return out


def coadapted(
    n, mode, *, n_rare=10, rare_rate=0.04, rare_strength=1.5, partner_strength=1.0, n_noise=20, seed=0
):
    """A rare-features design with a dense partner feature (claim W22).

    Columns ``0 .. n_rare-1`` are rare binary features (probability
    ``rare_rate``) with true weight ``+rare_strength``; column ``n_rare`` is a
    partner feature with weight ``+partner_strength``; the last ``n_noise``
    columns are :math:`N(0,1)` noise with weight 0. The partner is
    :math:`g_i = |u_i|` times a sign that depends on ``mode`` on the examples
    with an active rare feature, and :math:`u_i` elsewhere
    (:math:`u_i\\sim N(0,1)`):

    * ``"with"``: :math:`+|u_i|`, pushing the prediction the rare feature's way
      (confident predictions whenever a rare feature is active);
    * ``"against"``: :math:`-|u_i|`, pushing the other way;
    * ``"independent"``: :math:`\\pm|u_i|` with a random sign, i.e. :math:`u_i`.

    The same seed gives the same rare pattern and :math:`|u_i|` in every mode,
    so the modes can be compared seed by seed. Labels are
    :math:`y_i\\sim\\mathrm{Bernoulli}(\\sigma(x_i\\beta))`, drawn with common
    random numbers across modes.

    Returns
    -------
    noising.data.RareFeatures
    """
    if mode not in ("with", "against", "independent"):
        raise ValueError(f"mode must be 'with', 'against' or 'independent', got {mode!r}.")
    if not 0 < rare_rate < 1:
        raise ValueError(f"rare_rate must be in (0, 1), got {rare_rate!r}.")
    rng = np.random.default_rng(seed)
    rare = (rng.random((n, n_rare)) < rare_rate).astype(float)
    u = rng.standard_normal(n)
    noise = rng.standard_normal((n, n_noise))
    uniform = rng.random(n)
    active = rare.any(axis=1)
    sign = {"with": 1.0, "against": -1.0, "independent": np.sign(u)}[mode]
    g = np.where(active, sign * np.abs(u), u)
    X = np.column_stack([rare, g, noise])
    beta = np.concatenate(
        [np.full(n_rare, float(rare_strength)), [float(partner_strength)], np.zeros(n_noise)]
    )
    y = (uniform < fit.predict_mean(X, beta)).astype(float)
    return data.RareFeatures(X=X, y=y, beta=beta, active=active, n_rare=n_rare)


def coadaptation_fit(seed, mode, *, delta=0.5, n=200, eps=EPS, tol=TOL, **design):
    r"""Dropout and :math:`L_2` fits of equal average strength on a :func:`coadapted` draw (claim W22).

    The dropout fit minimises the logistic loss plus
    ``penalties.DropoutPenalty(X, delta) + penalties.L2(eps)``. Its penalty is
    :math:`\tfrac{c}{2}\sum_j w_j\beta_j^2` with :math:`c=\delta/(1-\delta)` and
    :math:`w=\diag(X^\top V(\hat\beta)X)` at the fit; the :math:`L_2` fit uses
    the spherical ridge of the same average weight,
    ``penalties.L2(c * mean(w) + eps)``. Only how the weight is spread over the
    features differs.

    A third fit is a control that knows rarity but not confidence: a weighted
    ridge with weights :math:`b_j=\tfrac14\sum_i x_{ij}^2` (the dropout
    weights with :math:`p_i(1-p_i)` replaced by its maximum 1/4), of the same
    average strength, ``penalties.L2(c * mean(w) / mean(b), weights=b) +
    penalties.L2(eps)``.

    Returns
    -------
    dict
        ``log_ratio``: :math:`\log` of the mean rare weight of the dropout fit
        over that of the :math:`L_2` fit; ``log_ratio_blind``: the same over
        the confidence-blind fit; ``log_ratio_blind_l2``: confidence-blind
        over :math:`L_2`; ``rel_penalty``: the dropout penalty's mean weight on
        the rare features over its mean weight on all features, at the dropout
        fit; ``n_separating``: rare features whose active training examples
        share one label (:func:`separating_features`); ``beta_dropout``,
        ``beta_l2``, ``beta_blind``.
    """
    tr = coadapted(n, mode, seed=seed, **design)
    pen = penalties.DropoutPenalty(tr.X, delta)
    b_drop = fit.fit_glm(tr.X, tr.y, pen + penalties.L2(eps), tol=tol).beta
    w = pen.diag_fisher(b_drop)
    c = delta / (1.0 - delta)
    b_l2 = fit.fit_glm(tr.X, tr.y, penalties.L2(c * w.mean() + eps), tol=tol).beta
    blind = (tr.X**2).sum(axis=0) / 4.0
    pen_blind = penalties.L2(c * w.mean() / blind.mean(), weights=blind) + penalties.L2(eps)
    b_blind = fit.fit_glm(tr.X, tr.y, pen_blind, tol=tol).beta
    r = tr.n_rare
    drop, l2, bl = b_drop[:r].mean(), b_l2[:r].mean(), b_blind[:r].mean()
    if drop <= 0 or l2 <= 0 or bl <= 0:
        raise ValueError(
            f"seed {seed}, mode {mode!r}: a mean rare weight is not positive ({drop:.3g}, {l2:.3g}, {bl:.3g})."
        )
    return dict(
        log_ratio=float(np.log(drop / l2)),
        log_ratio_blind=float(np.log(drop / bl)),
        log_ratio_blind_l2=float(np.log(bl / l2)),
        rel_penalty=float(w[:r].mean() / w.mean()),
        n_separating=len(separating_features(tr.X, tr.y, range(r))),
        beta_dropout=b_drop,
        beta_l2=b_l2,
        beta_blind=b_blind,
    )


def mc_dropout_fit(X, y, delta, *, masks=100, l2=0.0, seed=0, beta0=None, tol=1e-8):
    """Minimise a Monte Carlo estimate of the dropout training objective with L-BFGS.

    Dropout training minimises the expected loss on noised features (Wager et
    al., 2013, eq. 1), :math:`\\sum_i \\mathbb E_\\xi[A(\\tilde x_i\\beta) -
    y_i\\tilde x_i\\beta]` with :math:`\\tilde x_i = x_i\\odot\\xi_i/(1-\\delta)`.
    This function draws ``masks`` masks per example once and minimises the
    sample average

    .. math::

        \\frac1K\\sum_{k=1}^K\\sum_i\\bigl[A(\\tilde x_{ik}\\beta) - y_i\\tilde x_{ik}\\beta\\bigr]
        + \\frac{\\text{l2}}{2}\\lVert\\beta\\rVert^2,

    which is convex, so L-BFGS finds its minimiser; as ``masks`` grows it tends
    to the minimiser of the exact expected loss. Unlike :func:`noising.fit.dropout_sgd`
    it has no step size or averaging to tune.

    Parameters
    ----------
    X : array_like, shape (n, d)
    y : array_like, shape (n,), labels in {0, 1}
    delta : float
        Dropout probability in [0, 1).
    masks : int
        Masks per example, :math:`K \\ge 1`.
    l2 : float
        Ridge strength (on the summed loss's scale, as ``penalties.L2(l2)``).
    seed : int or numpy.random.Generator
    beta0 : array_like, optional
    tol : float
        Gradient tolerance of :func:`noising.fit.fit_glm`.

    Returns
    -------
    noising.fit.FitResult
        ``fun`` is the Monte Carlo objective on the scale of one copy of the data.
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if not 0 <= delta < 1:
        raise ValueError(f"delta must be in [0, 1), got {delta!r}.")
    if int(masks) != masks or masks < 1:
        raise ValueError(f"masks must be a positive integer, got {masks!r}.")
    if l2 < 0:
        raise ValueError(f"l2 must be >= 0, got {l2!r}.")
    masks = int(masks)
    X_noised = noised_copies(X, delta, masks=masks, seed=seed)
    y_rep = np.tile(y, masks)
    penalty = penalties.L2(l2 * masks) if l2 > 0 else None
    res = fit.fit_glm(X_noised, y_rep, penalty, beta0=beta0, tol=tol)
    res.fun = res.fun / masks
    return res


def noised_copies(X, delta, *, masks=100, seed=0):
    r"""``masks`` dropout-noised copies of ``X`` stacked, as :func:`mc_dropout_fit` draws them.

    Row ``k * n + i`` is :math:`x_i\odot\xi_{ik}/(1-\delta)` with
    :math:`\xi_{ik}` i.i.d. Bernoulli(:math:`1-\delta`). With labels
    ``np.tile(y, masks)``, ``noising.fit.nll`` on these rows divided by
    ``masks`` is the Monte Carlo dropout objective (without ridge) of
    :func:`mc_dropout_fit` for the same ``seed``.

    Parameters
    ----------
    X : array_like, shape (n, d)
    delta : float
        Dropout probability in [0, 1).
    masks : int
    seed : int or numpy.random.Generator

    Returns
    -------
    ndarray, shape (masks * n, d)
    """
    X = np.asarray(X, dtype=float)
    if not 0 <= delta < 1:
        raise ValueError(f"delta must be in [0, 1), got {delta!r}.")
    if int(masks) != masks or masks < 1:
        raise ValueError(f"masks must be a positive integer, got {masks!r}.")
    rng = np.random.default_rng(seed)
    keep = rng.random((int(masks),) + X.shape) >= delta
    return (keep * X / (1.0 - delta)).reshape(-1, X.shape[1])


def ray_profile(objective, beta, j, direction, ts):
    r"""An objective along the ray :math:`\beta + t\,s\,e_j`, :math:`t` in ``ts``.

    Parameters
    ----------
    objective : callable
        ``objective(b)`` returns ``(value, gradient)`` at ``b``.
    beta : array_like, shape (d,)
        Start of the ray.
    j : int
        The coordinate moved.
    direction : {+1, -1}
        The sign :math:`s`.
    ts : array_like
        Distances along the ray.

    Returns
    -------
    values : ndarray
        :math:`F(\beta+t s e_j)` for each ``t``.
    slopes : ndarray
        :math:`s\,\partial_j F(\beta+t s e_j)`: negative where the objective
        still decreases along the ray.
    """
    if direction not in (1, -1, 1.0, -1.0):
        raise ValueError(f"direction must be +1 or -1, got {direction!r}.")
    beta = np.asarray(beta, dtype=float)
    values, slopes = [], []
    for t in np.asarray(ts, dtype=float):
        b = beta.copy()
        b[j] += direction * t
        value, grad = objective(b)
        values.append(float(value))
        slopes.append(direction * float(np.asarray(grad)[j]))
    return np.array(values), np.array(slopes)


def quadratic_versus_mc(
    seed, delta, *, design=None, masks=50, mask_seed=1, eps=EPS, tol=TOL, n_train=200, n_test=2000
):
    """Fit :math:`R^q` and Monte Carlo dropout training at one ``delta`` on one seed (claim W23).

    Both fits use the training set of :func:`draw_splits` for ``seed`` and the
    ridge ``eps``: ``penalties.DropoutPenalty(X, delta) + penalties.L2(eps)`` by L-BFGS
    from zero, and :func:`mc_dropout_fit` with ``masks`` masks per example
    drawn from ``[seed, mask_seed]``.

    Returns
    -------
    dict
        ``acc_q``, ``acc_mc`` (all test examples), ``acc_q_active``,
        ``acc_mc_active`` (test examples with an active rare feature),
        ``coef_dist`` (:math:`\\lVert\\hat\\beta_q-\\hat\\beta_{mc}\\rVert/\\lVert\\hat\\beta_{mc}\\rVert`),
        ``prob_dist`` (mean absolute difference of the predicted test
        probabilities), and the two weight vectors ``beta_q``, ``beta_mc``.
    """
    tr, _, te = draw_splits(seed, design, n_train, 1, n_test)
    b_q = fit.fit_glm(tr.X, tr.y, penalties.DropoutPenalty(tr.X, delta) + penalties.L2(eps), tol=tol).beta
    b_mc = mc_dropout_fit(tr.X, tr.y, delta, masks=masks, l2=eps, seed=[seed, mask_seed], tol=tol).beta
    act = te.active
    return dict(
        acc_q=fit.accuracy(te.X, te.y, b_q),
        acc_mc=fit.accuracy(te.X, te.y, b_mc),
        acc_q_active=fit.accuracy(te.X[act], te.y[act], b_q),
        acc_mc_active=fit.accuracy(te.X[act], te.y[act], b_mc),
        coef_dist=float(np.linalg.norm(b_q - b_mc) / np.linalg.norm(b_mc)),
        prob_dist=float(np.mean(np.abs(fit.predict_mean(te.X, b_q) - fit.predict_mean(te.X, b_mc)))),
        beta_q=b_q,
        beta_mc=b_mc,
    )


def equivalence(low, high, margin):
    """Verdict on "the effect is zero within ``margin``" from an interval (an equivalence test).

    Parameters
    ----------
    low, high : float
        Ends of the interval of the effect (e.g. a 95 % Student-t interval of a
        mean paired difference).
    margin : float
        The tolerance fixed before the run (> 0).

    Returns
    -------
    str
        ``"holds"`` if the whole interval lies inside ``(-margin, margin)``;
        ``"fails"`` if it lies wholly outside (above ``margin`` or below
        ``-margin``); ``"not established"`` otherwise.

    Examples
    --------
    >>> equivalence(-0.004, 0.006, 0.01)
    'holds'
    >>> equivalence(0.002, 0.03, 0.01)
    'not established'
    >>> equivalence(0.02, 0.03, 0.01)
    'fails'
    """
    low, high, margin = float(low), float(high), float(margin)
    if not margin > 0:
        raise ValueError(f"margin must be positive, got {margin!r}.")
    if np.isnan(low) or np.isnan(high) or low > high:
        raise ValueError(f"need an interval low <= high of finite numbers, got ({low}, {high}).")
    if -margin < low and high < margin:
        return HOLDS
    if low > margin or high < -margin:
        return FAILS
    return NOT_ESTABLISHED


def markdown_table(columns, rows):
    """A Markdown table from column names and rows of already formatted cells.

    Parameters
    ----------
    columns : sequence of str
    rows : sequence of sequence of str
        Each row has one cell per column.

    Returns
    -------
    str
        Display with ``IPython.display.Markdown``.
    """
    columns = [str(c) for c in columns]
    rows = [[str(c) for c in row] for row in rows]
    for row in rows:
        if len(row) != len(columns):
            raise ValueError(f"each row needs {len(columns)} cells, got {len(row)}: {row}.")
    return _markdown_table(rows, columns)
