"""Objectives behind chapter 7's checks of Schluter (2019), Sections 2 and 5.

* :func:`dropout_loss`: the exact expected logistic loss under dropout (the dropout
  training objective), by enumerating the masks, with its gradient.
* :func:`sign_consistent_features`: the features that make that objective have no
  minimiser (each such feature's non-zero values agree in sign with the labels).
* :func:`profile`: the objective minimised over the other weights, one weight fixed.
* :func:`reduced_loss`: the loss with the negative-example term replaced as
  Schluter's Section 2 proposes ("minimising :math:`-(1-y)\\log(1-p)` is the same as
  minimising :math:`(1-y)\\log p`").
* :func:`dropout_moments_by_convolution`: the exact moments of the dropout
  perturbation of one example in :math:`O(d k^2)` operations (chapter 6's cost of
  eq. (11)), instead of enumerating the :math:`2^d` masks.
"""

from __future__ import annotations

import itertools
from fractions import Fraction
from math import comb

import numpy as np
from scipy.optimize import minimize

from .._validate import check_count, check_design_beta
from ..moments import MAX_MOMENT_ORDER
from ..noise import Dropout

__all__ = [
    "dropout_loss",
    "sign_consistent_features",
    "profile",
    "reduced_loss",
    "dropout_moments_by_convolution",
]

#: Largest number of features for which :func:`dropout_loss` enumerates the masks.
MAX_FEATURES = 12


def _labels01(y, n):
    y = np.asarray(y, dtype=float)
    if y.shape != (n,):
        raise ValueError(f"y must have shape ({n},), got {y.shape}")
    if not np.all((y == 0) | (y == 1)):
        raise ValueError("y must contain labels 0 and 1 only")
    return y


def _delta(delta):
    return Dropout(delta).delta  # one validation of delta, in noising.noise


def dropout_loss(X, y, beta, delta):
    """Exact expected logistic loss under dropout, and its gradient.

    .. math::

        L(\\beta) = \\sum_i \\mathbb{E}_\\xi\\bigl[A(\\tilde x_i\\beta) - y_i\\,\\tilde x_i\\beta\\bigr],
        \\qquad \\tilde x_i = x_i\\odot\\xi_i/(1-\\delta),

    with :math:`A(z)=\\log(1+e^z)`; by the label-free identity (Wager et al., 2013,
    eq. 1) it equals the negative log-likelihood plus the exact regularizer
    :func:`noising.regularizer.exact`. The expectation is a sum over the
    :math:`2^d` masks.

    Parameters
    ----------
    X : array_like, shape (n, d)
        Design matrix, ``d <= MAX_FEATURES``.
    y : array_like, shape (n,)
        Labels in {0, 1}.
    beta : array_like, shape (d,)
    delta : float
        Dropout probability, ``0 <= delta < 1``.

    Returns
    -------
    value : float
    grad : ndarray, shape (d,)
        :math:`\\sum_i \\mathbb{E}_\\xi[(\\sigma(\\tilde x_i\\beta) - y_i)\\,\\tilde x_i]`.

    Raises
    ------
    ValueError
        If ``d > MAX_FEATURES``, the labels are not 0/1, or ``delta`` is out of range.
    """
    X, beta = check_design_beta(X, beta)
    n, d = X.shape
    if d > MAX_FEATURES:
        raise ValueError(f"X has {d} features; dropout_loss enumerates 2^d masks, d <= {MAX_FEATURES}")
    y = _labels01(y, n)
    delta = _delta(delta)
    masks = np.array(list(itertools.product((0.0, 1.0), repeat=d)))
    prob = np.prod(np.where(masks == 1.0, 1.0 - delta, delta), axis=1)
    keep = masks / (1.0 - delta)  # (2^d, d)
    value, grad = 0.0, np.zeros(d)
    for m, w in zip(keep, prob):
        if w == 0.0:
            continue
        Xm = X * m
        z = Xm @ beta
        value += w * float(np.sum(np.logaddexp(0.0, z) - y * z))
        grad += w * (Xm.T @ (1.0 / (1.0 + np.exp(-z)) - y))
    return value, grad


def sign_consistent_features(X, y):
    """Features whose non-zero values all agree in sign with the labels (or all disagree).

    Feature ``j`` is *sign-consistent* when it is non-zero somewhere and
    :math:`(2y_i-1)\\,x_{ij}` has one sign (``>= 0`` throughout, or ``<= 0``
    throughout) over the examples. For such a feature, moving :math:`\\beta_j`
    in that direction lowers :math:`A(\\tilde x_i\\beta) - y_i\\tilde x_i\\beta` for
    every example and every dropout mask, so the exact dropout objective
    (:func:`dropout_loss`, any ``0 <= delta < 1``) has no minimiser; when no
    feature is sign-consistent and ``0 < delta < 1``, the objective grows without
    bound in every direction and has one (chapter 7 proves both).

    Parameters
    ----------
    X : array_like, shape (n, d)
    y : array_like, shape (n,)
        Labels in {0, 1}.

    Returns
    -------
    ndarray of int
        The indices of the sign-consistent features (empty if none).
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-d array, got shape {X.shape}")
    s = (2.0 * _labels01(y, X.shape[0]) - 1.0)[:, None] * X
    nonzero = np.any(s != 0, axis=0)
    one_sign = np.all(s >= 0, axis=0) | np.all(s <= 0, axis=0)
    return np.flatnonzero(nonzero & one_sign)


def profile(X, y, index, values, delta):
    """The dropout objective minimised over the other weights, one weight held fixed.

    Parameters
    ----------
    X, y, delta
        As in :func:`dropout_loss`.
    index : int
        The weight held fixed.
    values : array_like of float
        The values at which it is held.

    Returns
    -------
    minima : ndarray, shape (len(values),)
        :math:`\\min_{\\beta_{-j}} L(\\beta)` with :math:`\\beta_j` fixed at each value.
    others : ndarray, shape (len(values), d - 1)
        The minimising other weights.
    """
    X = np.asarray(X, dtype=float)
    d = X.shape[1]
    if not (isinstance(index, (int, np.integer)) and 0 <= index < d):
        raise ValueError(f"index must be an integer in [0, {d}), got {index!r}")
    rest = [j for j in range(d) if j != index]
    minima, others, start = [], [], np.zeros(d - 1)
    for v in np.asarray(values, dtype=float):

        def f(b_rest, v=v):
            beta = np.empty(d)
            beta[index], beta[rest] = v, b_rest
            value, grad = dropout_loss(X, y, beta, delta)
            return value, grad[rest]

        res = minimize(f, start, jac=True, method="L-BFGS-B", options=dict(gtol=1e-12, ftol=1e-15))
        if not res.success:
            raise RuntimeError(f"the inner minimisation failed at {v}: {res.message}")
        minima.append(float(res.fun))
        others.append(res.x)
        start = res.x
    return np.array(minima), np.array(others)


def reduced_loss(X, y, beta):
    """The logistic loss with Schluter's replacement of the negative-example term.

    Schluter (2019, Section 2) keeps the positive-example term :math:`-y\\log p` and
    argues that minimising :math:`-(1-y)\\log(1-p)` "is the same as minimising"
    :math:`(1-y)\\log p`. This is the objective that replacement gives:

    .. math::

        \\sum_i -y_i\\log p_i + (1-y_i)\\log p_i, \\qquad p_i = \\sigma(x_i\\beta).

    Parameters
    ----------
    X : array_like, shape (n, d)
    y : array_like, shape (n,)
        Labels in {0, 1}.
    beta : array_like, shape (d,)

    Returns
    -------
    float
    """
    X, beta = check_design_beta(X, beta)
    y = _labels01(y, X.shape[0])
    log_p = -np.logaddexp(0.0, -(X @ beta))
    return float(np.sum(-y * log_p + (1.0 - y) * log_p))


def dropout_moments_by_convolution(x, beta, delta, order):
    """Moments :math:`\\mathbb{E}_\\xi[\\Delta^m]`, :math:`m=0..k`, of one example, in O(d k^2).

    Under dropout :math:`\\Delta = \\tilde x\\beta - x\\beta = \\sum_j D_j` with independent
    :math:`D_j` equal to :math:`c_j\\delta/(1-\\delta)` with probability :math:`1-\\delta`
    and to :math:`-c_j` with probability :math:`\\delta`, :math:`c_j = x_j\\beta_j`. The
    moments of a sum of independent terms follow feature by feature from the binomial
    convolution :math:`\\mathbb{E}[(S+D)^m] = \\sum_{l\\le m}\\binom ml\\mathbb{E}[S^l]\\,
    \\mathbb{E}[D^{m-l}]`: :math:`(k+1)(k+2)/2` products per feature, :math:`O(d k^2)` in
    all, against the :math:`2^d` masks that :func:`noising.moments.central_moments`
    enumerates. These are the moments that Schluter's (2019) eq. (11) needs; the paper's
    closed form (the display after eq. (8)) is not them. The arithmetic is exact
    (rationals; the floats given are exact rationals), rounded once at the end, because
    the odd moments cancel.

    Parameters
    ----------
    x, beta : array_like, shape (d,)
        One example and the weights.
    delta : float
        Dropout probability, ``0 <= delta < 1``.
    order : int
        Highest moment ``k >= 0``.

    Returns
    -------
    ndarray, shape (order + 1,)
        ``moments[m]`` is :math:`\\mathbb{E}_\\xi[\\Delta^m]`.

    Examples
    --------
    >>> dropout_moments_by_convolution([1.0, 2.0], [1.0, 0.5], 0.5, 2).tolist()
    [1.0, 0.0, 2.0]
    """
    x, beta = check_design_beta(x, beta)
    if x.shape[0] != 1:
        raise ValueError(f"x must be one example (shape (d,)), got shape {x.shape}")
    k = check_count(order, "order", min=0, max=MAX_MOMENT_ORDER)
    delta = Fraction(_delta(delta))
    binom = [[comb(m, i) for i in range(m + 1)] for m in range(k + 1)]
    moments = [Fraction(1)] + [Fraction(0)] * k  # the empty sum: Delta = 0
    for c in (Fraction(float(v)) for v in (x[0] * beta)):
        if c == 0:
            continue
        up, down = c * delta / (1 - delta), -c
        d_mom = [(1 - delta) * up**m + delta * down**m for m in range(k + 1)]
        moments = [sum(binom[m][i] * moments[i] * d_mom[m - i] for i in range(m + 1)) for m in range(k + 1)]
    return np.array([float(m) for m in moments])
