"""Stochastic-gradient methods of Wager et al. (2013), "relation to AdaGrad": SGD, AdaGrad, dropout.

Plain SGD is the solution of a linearised problem with an :math:`L_2` proximity
term (Wager et al., 2013, relation to AdaGrad; ``eq-sgd-prox`` in the book),

.. math::

    \\hat\\beta_{t+1} = \\operatorname{argmin}_\\beta\\;
    \\ell(\\hat\\beta_t; x_t, y_t) + g_t^\\top(\\beta-\\hat\\beta_t)
    + \\frac{1}{2\\eta_t}\\lVert\\beta-\\hat\\beta_t\\rVert_2^2
    = \\hat\\beta_t - \\eta_t g_t .

Replacing the proximity term by the *centred* quadratic dropout penalty
(:func:`centred_dropout_penalty`; ``eq-centred-penalty`` in the book)

.. math::

    R^q(\\beta-\\hat\\beta_t;\\hat\\beta_t) = \\frac12\\,\\frac{\\delta}{1-\\delta}
    (\\beta-\\hat\\beta_t)^\\top \\diag\\bigl(X^\\top V(\\hat\\beta_t) X\\bigr)(\\beta-\\hat\\beta_t)

gives the preconditioned step :math:`\\hat\\beta_{t+1} = \\hat\\beta_t - A_t^{-1} g_t`
with :math:`A_t = \\frac{\\delta}{1-\\delta}\\diag(X^\\top V(\\hat\\beta_t) X)`
(:func:`dropout_preconditioner`). AdaGrad (Duchi et al., 2011) instead divides by
the square root of the accumulated squared gradients.

All three methods share one loop (``_run``): they differ only in the
per-coordinate divisor applied to the stochastic gradient. The loop takes minibatches
(``batch_size``; 1 is the single-example update above), the dropout objective instead of
the clean loss (``delta``: each example's loss plus its term of :math:`R^q`, eq. 2, with
one rate or one per feature), and ``scipy.sparse`` designs, for which a step touches only
the columns that have a stored value in its batch. The module also
computes the two diagonal statistics compared in the book: the mean squared
gradient (:func:`adagrad_statistic`) and :math:`\\diag(X^\\top V X)/n`
(:func:`dropout_statistic`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._linalg import batch_rows, is_sparse, scale_rows, square
from ._validate import (
    MAX_WORK,
    check_count,
    check_design,
    check_design_beta,
    check_dropout_rates,
    check_indices,
    check_labels,
    check_linear_predictor,
    check_random_state,
    check_scalar,
    check_size,
    check_weights,
)
from .families import get_family
from .fisher import _diag_xvx
from .penalties import _dropout_value_grad

#: Largest number of single-example updates of :func:`sgd`, :func:`adagrad` and
#: :func:`dropout_sgd_preconditioned` (each is a Python-level step, about 10 microseconds).
MAX_STEPS = 10**7

# delta = 0 would make the preconditioner vanish: these methods need 0 < delta < 1
_DELTA_HINT = "delta = 0 gives no penalty (an infinite step) and delta = 1 drops every feature"

__all__ = [
    "OptimResult",
    "per_example_gradients",
    "adagrad_statistic",
    "dropout_statistic",
    "dropout_preconditioner",
    "centred_dropout_penalty",
    "sgd",
    "adagrad",
    "dropout_sgd_preconditioned",
    "MAX_STEPS",
]


# ----------------------------------------------------------------------- statistics
def per_example_gradients(X, y, beta, family="logistic"):
    """Gradients :math:`\\nabla\\ell(\\beta; x_i, y_i) = (A'(x_i\\beta) - y_i)\\,x_i` of the GLM loss.

    The loss is :math:`\\ell = -y\\,x\\beta + A(x\\beta)` (Wager et al., 2013, the GLM of eq. 1).

    Parameters
    ----------
    X : array_like or scipy.sparse matrix, shape (n, d)
    y : array_like, shape (n,)
    beta : array_like, shape (d,)
    family : {"logistic", "linear", "poisson"}

    Returns
    -------
    ndarray or scipy.sparse.csr_array, shape (n, d)
        Sparse (with the design's structure) when ``X`` is sparse.
    """
    X, beta = check_design_beta(X, beta, accept_sparse="csr")
    fam = get_family(family)
    y = check_labels(y, X.shape[0], fam)
    with np.errstate(over="ignore"):
        return scale_rows(X, fam.A1(check_linear_predictor(X @ beta)) - y)


def adagrad_statistic(X, y, beta, family="logistic", weights=None):
    """AdaGrad's statistic: the mean squared gradient :math:`\\frac1n\\sum_i (\\partial_j\\ell_i)^2`.

    At the true parameter of a correctly specified GLM its expectation is the
    diagonal of the Fisher information, :math:`\\EE[(y-A'(x\\beta^*))^2x_j^2]
    = \\EE[A''(x\\beta^*)x_j^2]` (Wager et al., 2013, relation to AdaGrad).

    Parameters
    ----------
    X : array_like or scipy.sparse matrix, shape (n, d)
    y : array_like, shape (n,)
    beta : array_like, shape (d,)
    family : {"logistic", "linear", "poisson"}
    weights : array_like, shape (n,), optional
        Non-negative example weights (normalised to sum to one); default uniform.

    Returns
    -------
    ndarray, shape (d,)
    """
    G = per_example_gradients(X, y, beta, family)
    w = check_weights(weights, G.shape[0])
    return _diag_xvx(G, w)  # sum_i w_i g_ij^2


def dropout_statistic(X, beta, family="logistic", weights=None):
    """Dropout's statistic :math:`\\frac1n\\diag(X^\\top V(\\beta) X)`, with :math:`V_{ii}=A''(x_i\\beta)`.

    This is the diagonal of the observed Fisher information
    (Wager et al., 2013, the Fisher-information reading of Table 1); it does not use the labels.

    Parameters
    ----------
    X : array_like or scipy.sparse matrix, shape (n, d)
    beta : array_like, shape (d,)
    family : {"logistic", "linear", "poisson"}
    weights : array_like, shape (n,), optional
        Non-negative example weights (normalised to sum to one); with the
        probabilities of a finite population of designs this is the exact
        diagonal Fisher information.

    Returns
    -------
    ndarray, shape (d,)
    """
    X, beta = check_design_beta(X, beta, accept_sparse="csr")
    fam = get_family(family)
    w = check_weights(weights, X.shape[0])
    return _diag_xvx(X, w * fam.A2(check_linear_predictor(X @ beta)))


def dropout_preconditioner(X, beta, delta, family="logistic"):
    """The matrix :math:`A_t = \\frac{\\delta}{1-\\delta}\\diag(X^\\top V(\\beta) X)` (its diagonal; :math:`\\delta_j/(1-\\delta_j)` per feature).

    It is the Hessian of the centred quadratic dropout penalty
    :func:`centred_dropout_penalty`, so the dropout-penalised linearised step is
    :math:`\\beta - A_t^{-1}g` (``eq-dropout-step`` in the book).

    Parameters
    ----------
    X : array_like or scipy.sparse matrix, shape (n, d)
    beta : array_like, shape (d,)
    delta : float or array_like of shape (d,)
        Dropout probability, ``0 < delta < 1``, or one per feature.
    family : {"logistic", "linear", "poisson"}

    Returns
    -------
    ndarray, shape (d,)
    """
    delta = check_dropout_rates(delta, "delta", include_0=False, hint=_DELTA_HINT)
    X, beta = check_design_beta(X, beta, accept_sparse="csr")
    delta = check_dropout_rates(delta, "delta", d=X.shape[1], include_0=False)
    fam = get_family(family)
    with np.errstate(over="ignore"):
        return delta / (1.0 - delta) * _diag_xvx(X, fam.A2(check_linear_predictor(X @ beta)))


def centred_dropout_penalty(X, beta, beta_t, delta, family="logistic"):
    """Centred quadratic dropout penalty :math:`R^q(\\beta-\\beta_t;\\beta_t)` (Wager et al., 2013, relation to AdaGrad; ``eq-centred-penalty`` in the book).

    .. math::

        R^q(\\beta-\\beta_t;\\beta_t) = \\sum_i \\tfrac12 A''(x_i\\beta_t)\\,
        \\frac{\\delta}{1-\\delta}\\sum_j x_{ij}^2(\\beta_j-\\beta_{t,j})^2 ,

    the quadratic noising regularizer of the increment :math:`\\beta-\\beta_t`
    with the curvature frozen at :math:`\\beta_t`.

    Parameters
    ----------
    X : array_like or scipy.sparse matrix, shape (n, d)
    beta, beta_t : array_like, shape (d,)
    delta : float or array_like of shape (d,)
        Dropout probability, ``0 < delta < 1``, or one per feature.
    family : {"logistic", "linear", "poisson"}

    Returns
    -------
    float
    """
    X, beta = check_design_beta(X, beta, accept_sparse="csr")
    _, beta_t = check_design_beta(X, beta_t, beta_name="beta_t", accept_sparse="csr")
    diff = beta - beta_t
    a = dropout_preconditioner(X, beta_t, delta, family)
    with np.errstate(over="ignore", invalid="ignore"):
        value = 0.5 * float(((a * np.abs(diff)) * np.abs(diff)).sum())
    if not np.isfinite(value):
        raise ValueError("the centred dropout penalty overflows the float range; rescale X, beta or beta_t.")
    return value


# --------------------------------------------------------------------- the methods
@dataclass(frozen=True)
class OptimResult:
    """Output of :func:`sgd`, :func:`adagrad` and :func:`dropout_sgd_preconditioned`.

    Attributes
    ----------
    beta : ndarray, shape (d,)
        Final iterate.
    path : ndarray, shape (k, d)
        Iterates recorded at ``steps`` (the first row is the start).
    steps : ndarray, shape (k,)
        Number of updates done when each row of ``path`` was recorded.
    method : str
    """

    beta: np.ndarray
    path: np.ndarray
    steps: np.ndarray
    method: str


def _objective_rates(delta, unpenalized, d):
    """The variance factors :math:`f_j = \\delta_j/(1-\\delta_j)` of the dropout objective (None: clean loss)."""
    if delta is None:
        if unpenalized is not None:
            raise ValueError("unpenalized only applies to the dropout objective; pass delta as well.")
        return None
    delta = check_dropout_rates(delta, "delta", d=d, hint="delta = 1 would drop every feature")
    mask = check_indices(unpenalized, d, "unpenalized")
    return np.where(mask, delta / (1.0 - delta), 0.0)


def _run(
    X,
    y,
    divisor,
    *,
    eta,
    steps,
    beta0,
    family,
    seed,
    record_every,
    method,
    decay=0.0,
    batch_size=1,
    delta=None,
    unpenalized=None,
):
    """Shared loop: ``beta[cols] -= eta * t**(-decay) * g_t / divisor(t, beta, g_t, cols)``.

    ``g_t`` is the mean gradient over a minibatch of ``batch_size`` examples, of the
    clean loss or (``delta`` given) of the per-example dropout objective; ``cols`` are
    the coordinates it can touch (all of them for a dense design; the columns with a
    stored value in the batch for a sparse one, where every other coordinate of
    ``g_t`` is exactly 0). Examples are visited in random order, reshuffled after each
    pass (``seed``); consecutive runs of ``batch_size`` of that order form the batches.
    """
    X = check_design(X, accept_sparse="csr")
    n, d = X.shape
    fam = get_family(family)
    y = check_labels(y, n, fam)
    eta = check_scalar(eta, "eta", min=0, include_min=False)
    decay = check_scalar(decay, "decay", min=0)
    steps = check_count(
        steps, "steps", max=MAX_STEPS, hint="each step is a Python-level update; use fewer steps"
    )
    record_every = check_count(record_every, "record_every")
    batch_size = min(check_count(batch_size, "batch_size"), n)
    per_example = max(1.0, X.nnz / n) if is_sparse(X) else float(d)
    check_size(
        steps * batch_size * per_example,
        MAX_WORK,
        "steps * batch_size * (features per example)",
        "use fewer steps or a smaller batch",
    )
    f = _objective_rates(delta, unpenalized, d)
    beta = (
        np.zeros(d)
        if beta0 is None
        else check_design_beta(X, beta0, beta_name="beta0", accept_sparse="csr")[1].copy()
    )
    rng = check_random_state(seed)
    visits = steps * batch_size
    order = np.concatenate([rng.permutation(n) for _ in range(-(-visits // n))])[:visits]
    path, marks = [beta.copy()], [0]
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(1, steps + 1):
            idx = order[(t - 1) * batch_size : t * batch_size]
            Xb, cols = batch_rows(X, idx)
            b = beta[cols]
            if batch_size == 1 and not is_sparse(X):
                z = np.array([Xb[0] @ b])  # one example: a dot product, as in the single-example update
            else:
                z = Xb @ b
            g = Xb.T @ (fam.A1(z) - y[idx])
            if f is not None:
                g = g + _dropout_value_grad(Xb, square(Xb), f[cols], b, fam, z)[1]
            if batch_size > 1:
                g = g / batch_size
            beta[cols] = b - eta * t ** (-decay) * g / divisor(t, beta, g, cols)
            if t % record_every == 0 or t == steps:
                path.append(beta.copy())
                marks.append(t)
    if not np.all(np.isfinite(beta)):
        raise ValueError(f"{method} diverged (non-finite weights); lower eta.")
    return OptimResult(beta, np.array(path), np.array(marks), method)


_COMMON_DOC = """X : array_like or scipy.sparse matrix, shape (n, d)
        Design; a sparse one (any format) is converted once to CSR, and a step touches
        only the columns with a stored value in its minibatch.
    y : array_like, shape (n,)
    batch_size : int
        Examples per update (>= 1, capped at ``n``); the step uses their mean gradient.
        ``batch_size = 1`` is the single-example update of the paper.
    delta : float or array_like of shape (d,), optional
        Minimise the dropout objective instead of the clean loss: each example's loss
        plus its term of the quadratic dropout regularizer,
        :math:`\\ell_i(\\beta) + \\tfrac12 A''(x_i\\beta)\\sum_j \\frac{\\delta_j}{1-\\delta_j}x_{ij}^2\\beta_j^2`
        (Wager et al., 2013, eq. 2; one rate or one per feature). ``None`` (default):
        the clean loss.
    unpenalized : sequence of int, optional
        With ``delta``: columns never dropped (an intercept, say)."""


def sgd(
    X,
    y,
    *,
    eta=0.1,
    decay=0.5,
    steps=1000,
    beta0=None,
    family="logistic",
    seed=0,
    record_every=10,
    batch_size=1,
    delta=None,
    unpenalized=None,
):
    """Plain SGD, :math:`\\hat\\beta_{t+1} = \\hat\\beta_t - \\eta_t g_t` with :math:`\\eta_t = \\eta\\,t^{-\\text{decay}}`.

    The step solves the linearised :math:`L_2`-proximal problem (Wager et al., 2013; ``eq-sgd-prox`` in the book).

    Parameters
    ----------
    {common}
    eta : float
        Base learning rate (> 0).
    decay : float
        Exponent of the step-size decay :math:`t^{-\\text{decay}}` (>= 0; 0 is constant).
    steps : int
        Number of updates (passes over the data are reshuffled).
    beta0 : array_like, shape (d,), optional
        Start (default zeros).
    family : {"logistic", "linear", "poisson"}
    seed : int or numpy.random.Generator
        Order in which examples are visited.
    record_every : int
        Record the iterate every this many updates.

    Returns
    -------
    OptimResult
    """
    return _run(
        X,
        y,
        lambda t, b, g, cols: 1.0,
        eta=eta,
        steps=steps,
        beta0=beta0,
        family=family,
        seed=seed,
        record_every=record_every,
        method="sgd",
        decay=decay,
        batch_size=batch_size,
        delta=delta,
        unpenalized=unpenalized,
    )


def adagrad(
    X,
    y,
    *,
    eta=0.5,
    eps=1e-8,
    steps=1000,
    beta0=None,
    family="logistic",
    seed=0,
    record_every=10,
    batch_size=1,
    delta=None,
    unpenalized=None,
):
    """Diagonal AdaGrad (Duchi et al., 2011): :math:`\\hat\\beta_{t+1} = \\hat\\beta_t - \\eta\\, g_t / (\\sqrt{G_t} + \\epsilon)`.

    :math:`G_t = \\sum_{s\\le t} g_s\\odot g_s` accumulates squared (minibatch) gradients, so
    :math:`A_t = \\diag(G_t)^{1/2}` in the notation
    :math:`\\hat\\beta_{t+1} = \\hat\\beta_t - \\eta A_t^{-1} g_t` of Wager et al. (2013).

    Parameters
    ----------
    {common}
    eta, steps, beta0, family, seed, record_every
        As in :func:`sgd` (no decay: the accumulation plays that role).
    eps : float
        Added to :math:`\\sqrt{G_t}` so that never-seen features do not divide by zero (> 0).

    Returns
    -------
    OptimResult
    """
    eps = check_scalar(eps, "eps", min=0, include_min=False)
    state = {"G": None}

    def divisor(t, beta, g, cols):
        if state["G"] is None:
            state["G"] = np.zeros_like(beta)
        state["G"][cols] += g * g
        return np.sqrt(state["G"][cols]) + eps

    return _run(
        X,
        y,
        divisor,
        eta=eta,
        steps=steps,
        beta0=beta0,
        family=family,
        seed=seed,
        record_every=record_every,
        method="adagrad",
        batch_size=batch_size,
        delta=delta,
        unpenalized=unpenalized,
    )


def dropout_sgd_preconditioned(
    X,
    y,
    delta,
    *,
    eta=1.0,
    eps=1e-8,
    refresh=1,
    steps=1000,
    beta0=None,
    family="logistic",
    seed=0,
    record_every=10,
    batch_size=1,
):
    """Dropout-preconditioned SGD, :math:`\\hat\\beta_{t+1} = \\hat\\beta_t - \\eta A_t^{-1}g_t` (Wager et al., 2013; ``eq-dropout-step`` in the book).

    :math:`A_t = \\diag\\bigl(\\frac{\\delta_j}{1-\\delta_j}\\bigr)\\diag(X^\\top V(\\hat\\beta_t)X)` is the
    Hessian of the centred dropout penalty on the whole design ``X``
    (:func:`dropout_preconditioner`); with ``eta = 1`` the step is exactly the
    minimiser of the linearised, dropout-penalised problem.

    Parameters
    ----------
    X, y, batch_size
        As in :func:`sgd` (sparse designs accepted; :math:`A_t` costs two products with
        the whole design each time it is refreshed).
    delta : float or array_like of shape (d,)
        Dropout probability, ``0 < delta < 1``, or one per feature (each in ``(0, 1)``);
        it acts as a learning rate :math:`(1-\\delta)/\\delta`.
    eta : float
        Extra multiplier of the step (> 0); 1 is the paper's update.
    eps : float
        Added to :math:`A_t` for features that are zero in every row (> 0).
    refresh : int
        Recompute :math:`A_t` every ``refresh`` updates (1: every step, as in the paper).
    steps, beta0, family, seed, record_every
        As in :func:`sgd`.

    Returns
    -------
    OptimResult
    """
    Xa = check_design(X, accept_sparse="csr")
    delta = check_dropout_rates(delta, "delta", d=Xa.shape[1], include_0=False, hint=_DELTA_HINT)
    eps = check_scalar(eps, "eps", min=0, include_min=False)
    refresh = check_count(refresh, "refresh")
    fam = get_family(family)
    X2 = square(Xa)
    odds = delta / (1.0 - delta)
    state = {"A": None}

    def divisor(t, beta, g, cols):
        if state["A"] is None or (t - 1) % refresh == 0:
            a2 = fam.A2(check_linear_predictor(Xa @ beta))
            state["A"] = odds * _diag_xvx(Xa, a2, X2) + eps
        return state["A"][cols]

    return _run(
        Xa,
        y,
        divisor,
        eta=eta,
        steps=steps,
        beta0=beta0,
        family=family,
        seed=seed,
        record_every=record_every,
        method="dropout",
        batch_size=batch_size,
    )


sgd.__doc__ = sgd.__doc__.replace("{common}", _COMMON_DOC)
adagrad.__doc__ = adagrad.__doc__.replace("{common}", _COMMON_DOC)
