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
per-coordinate divisor applied to the stochastic gradient. The module also
computes the two diagonal statistics compared in the book: the mean squared
gradient (:func:`adagrad_statistic`) and :math:`\\diag(X^\\top V X)/n`
(:func:`dropout_statistic`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validate import (
    check_count,
    check_design,
    check_design_beta,
    check_labels,
    check_linear_predictor,
    check_probability,
    check_random_state,
    check_scalar,
    check_weights,
)
from .families import get_family
from .fisher import _diag_xvx

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
    X : array_like, shape (n, d)
    y : array_like, shape (n,)
    beta : array_like, shape (d,)
    family : {"logistic", "linear", "poisson"}

    Returns
    -------
    ndarray, shape (n, d)
    """
    X, beta = check_design_beta(X, beta)
    fam = get_family(family)
    y = check_labels(y, X.shape[0], fam)
    with np.errstate(over="ignore"):
        return (fam.A1(check_linear_predictor(X @ beta)) - y)[:, None] * X


def adagrad_statistic(X, y, beta, family="logistic", weights=None):
    """AdaGrad's statistic: the mean squared gradient :math:`\\frac1n\\sum_i (\\partial_j\\ell_i)^2`.

    At the true parameter of a correctly specified GLM its expectation is the
    diagonal of the Fisher information, :math:`\\EE[(y-A'(x\\beta^*))^2x_j^2]
    = \\EE[A''(x\\beta^*)x_j^2]` (Wager et al., 2013, relation to AdaGrad).

    Parameters
    ----------
    X : array_like, shape (n, d)
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
    X : array_like, shape (n, d)
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
    X, beta = check_design_beta(X, beta)
    fam = get_family(family)
    w = check_weights(weights, X.shape[0])
    return _diag_xvx(X, w * fam.A2(check_linear_predictor(X @ beta)))


def dropout_preconditioner(X, beta, delta, family="logistic"):
    """The matrix :math:`A_t = \\frac{\\delta}{1-\\delta}\\diag(X^\\top V(\\beta) X)` (its diagonal).

    It is the Hessian of the centred quadratic dropout penalty
    :func:`centred_dropout_penalty`, so the dropout-penalised linearised step is
    :math:`\\beta - A_t^{-1}g` (``eq-dropout-step`` in the book).

    Parameters
    ----------
    X : array_like, shape (n, d)
    beta : array_like, shape (d,)
    delta : float
        Dropout probability, ``0 < delta < 1``.
    family : {"logistic", "linear", "poisson"}

    Returns
    -------
    ndarray, shape (d,)
    """
    delta = check_probability(delta, "delta", include_0=False, hint=_DELTA_HINT)
    X, beta = check_design_beta(X, beta)
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
    X : array_like, shape (n, d)
    beta, beta_t : array_like, shape (d,)
    delta : float
        Dropout probability, ``0 < delta < 1``.
    family : {"logistic", "linear", "poisson"}

    Returns
    -------
    float
    """
    X, beta = check_design_beta(X, beta)
    _, beta_t = check_design_beta(X, beta_t, beta_name="beta_t")
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


def _run(X, y, divisor, *, eta, steps, beta0, family, seed, record_every, method, decay=0.0):
    """Shared loop: ``beta -= eta * t**(-decay) * g_t / divisor(t, beta, g_t)``.

    Examples are visited in random order, reshuffled after each pass (``seed``).
    """
    X = check_design(X)
    n, d = X.shape
    fam = get_family(family)
    y = check_labels(y, n, fam)
    eta = check_scalar(eta, "eta", min=0, include_min=False)
    decay = check_scalar(decay, "decay", min=0)
    steps = check_count(steps, "steps", max=MAX_STEPS, hint="each step is a Python-level update; use fewer steps")
    record_every = check_count(record_every, "record_every")
    beta = np.zeros(d) if beta0 is None else check_design_beta(X, beta0, beta_name="beta0")[1].copy()
    rng = check_random_state(seed)
    order = np.concatenate([rng.permutation(n) for _ in range(-(-steps // n))])[:steps]
    path, marks = [beta.copy()], [0]
    with np.errstate(over="ignore", invalid="ignore"):
        for t, i in enumerate(order, start=1):
            x = X[i]
            g = (float(fam.A1(x @ beta)) - y[i]) * x
            beta = beta - eta * t ** (-decay) * g / divisor(t, beta, g)
            if t % record_every == 0 or t == steps:
                path.append(beta.copy())
                marks.append(t)
    if not np.all(np.isfinite(beta)):
        raise ValueError(f"{method} diverged (non-finite weights); lower eta.")
    return OptimResult(beta, np.array(path), np.array(marks), method)


def sgd(X, y, *, eta=0.1, decay=0.5, steps=1000, beta0=None, family="logistic", seed=0, record_every=10):
    """Plain SGD, :math:`\\hat\\beta_{t+1} = \\hat\\beta_t - \\eta_t g_t` with :math:`\\eta_t = \\eta\\,t^{-\\text{decay}}`.

    The step solves the linearised :math:`L_2`-proximal problem (Wager et al., 2013; ``eq-sgd-prox`` in the book).

    Parameters
    ----------
    X : array_like, shape (n, d)
    y : array_like, shape (n,)
    eta : float
        Base learning rate (> 0).
    decay : float
        Exponent of the step-size decay :math:`t^{-\\text{decay}}` (>= 0; 0 is constant).
    steps : int
        Number of single-example updates (passes over the data are reshuffled).
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
    return _run(X, y, lambda t, b, g: 1.0, eta=eta, steps=steps, beta0=beta0, family=family,
                seed=seed, record_every=record_every, method="sgd", decay=decay)


def adagrad(X, y, *, eta=0.5, eps=1e-8, steps=1000, beta0=None, family="logistic", seed=0, record_every=10):
    """Diagonal AdaGrad (Duchi et al., 2011): :math:`\\hat\\beta_{t+1} = \\hat\\beta_t - \\eta\\, g_t / (\\sqrt{G_t} + \\epsilon)`.

    :math:`G_t = \\sum_{s\\le t} g_s\\odot g_s` accumulates squared gradients, so
    :math:`A_t = \\diag(G_t)^{1/2}` in the notation
    :math:`\\hat\\beta_{t+1} = \\hat\\beta_t - \\eta A_t^{-1} g_t` of Wager et al. (2013).

    Parameters
    ----------
    X, y, eta, steps, beta0, family, seed, record_every
        As in :func:`sgd` (no decay: the accumulation plays that role).
    eps : float
        Added to :math:`\\sqrt{G_t}` so that never-seen features do not divide by zero (> 0).

    Returns
    -------
    OptimResult
    """
    eps = check_scalar(eps, "eps", min=0, include_min=False)
    state = {"G": None}

    def divisor(t, beta, g):
        state["G"] = g * g if state["G"] is None else state["G"] + g * g
        return np.sqrt(state["G"]) + eps

    return _run(X, y, divisor, eta=eta, steps=steps, beta0=beta0, family=family, seed=seed,
                record_every=record_every, method="adagrad")


def dropout_sgd_preconditioned(X, y, delta, *, eta=1.0, eps=1e-8, refresh=1, steps=1000, beta0=None,
                               family="logistic", seed=0, record_every=10):
    """Dropout-preconditioned SGD, :math:`\\hat\\beta_{t+1} = \\hat\\beta_t - \\eta A_t^{-1}g_t` (Wager et al., 2013; ``eq-dropout-step`` in the book).

    :math:`A_t = \\frac{\\delta}{1-\\delta}\\diag(X^\\top V(\\hat\\beta_t)X)` is the
    Hessian of the centred dropout penalty on the whole design ``X``
    (:func:`dropout_preconditioner`); with ``eta = 1`` the step is exactly the
    minimiser of the linearised, dropout-penalised problem.

    Parameters
    ----------
    X, y, steps, beta0, family, seed, record_every
        As in :func:`sgd`.
    delta : float
        Dropout probability, ``0 < delta < 1``; it acts as a learning rate
        :math:`(1-\\delta)/\\delta`.
    eta : float
        Extra multiplier of the step (> 0); 1 is the paper's update.
    eps : float
        Added to :math:`A_t` for features that are zero in every row (> 0).
    refresh : int
        Recompute :math:`A_t` every ``refresh`` updates (1: every step, as in the paper).

    Returns
    -------
    OptimResult
    """
    delta = check_probability(delta, "delta", include_0=False, hint=_DELTA_HINT)
    eps = check_scalar(eps, "eps", min=0, include_min=False)
    refresh = check_count(refresh, "refresh")
    Xa = check_design(X)
    state = {"A": None}

    def divisor(t, beta, g):
        if state["A"] is None or (t - 1) % refresh == 0:
            state["A"] = dropout_preconditioner(Xa, beta, delta, family) + eps
        return state["A"]

    return _run(X, y, divisor, eta=eta, steps=steps, beta0=beta0, family=family, seed=seed,
                record_every=record_every, method="dropout")
