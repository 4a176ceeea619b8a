"""The noising regularizer R(β) and its quadratic approximation.

For a GLM with log-partition function :math:`A`, training on noised features
:math:`\\tilde x_i` adds to the negative log-likelihood the label-free term
(Wager et al., 2013, eq. 1 / eq. 3 in the book)

.. math::

    R(\\beta) = \\sum_{i=1}^n \\mathbb{E}_\\xi[A(\\tilde x_i\\beta)] - A(x_i\\beta),

whose second-order Taylor approximation is (Wager et al., 2013, eq. 2)

.. math::

    R^q(\\beta) = \\sum_{i=1}^n \\tfrac12 A''(x_i\\beta)\\,
    \\operatorname{Var}_\\xi[\\tilde x_i\\beta].

This module computes :math:`R` exactly (:func:`exact`), by simulation
(:func:`monte_carlo`) and to second order (:func:`quadratic`).
"""
from __future__ import annotations

import numpy as np
from scipy.integrate import quad_vec

from ._validate import as_design, positive_int
from .families import get_family
from .noise import Dropout, Gaussian, check_noise

__all__ = ["exact", "quadratic", "quadratic_gradient", "monte_carlo", "dropout_small_delta_slope", "MAX_EXACT_FEATURES"]

#: Largest number of features with non-zero :math:`x_{ij}\beta_j` in one example
#: for which :func:`exact` enumerates the :math:`2^d` dropout masks
#: (:math:`2^{22}` masks take about a quarter of a second).
MAX_EXACT_FEATURES = 22

_BLOCK = 1 << 21  # number of (example, mask) or (example, sample) pairs per chunk


def _reduce(values, per_example):
    return values if per_example else float(values.sum())


def quadratic(X, beta, noise, family="logistic", *, per_example=False):
    """Quadratic noising regularizer :math:`R^q(\\beta)` (Wager et al., 2013, eq. 2).

    .. math::

        R^q(\\beta) = \\sum_i \\tfrac12 A''(x_i\\beta)\\operatorname{Var}_\\xi[\\tilde x_i\\beta],

    with :math:`\\operatorname{Var}_\\xi[\\tilde x_i\\beta] = \\frac{\\delta}{1-\\delta}\\sum_j x_{ij}^2\\beta_j^2`
    for dropout and :math:`\\sigma^2\\lVert\\beta\\rVert^2` for Gaussian noise.

    Parameters
    ----------
    X : array_like, shape (n, d) or (d,)
        Design matrix (or one example).
    beta : array_like, shape (d,)
        Weights.
    noise : Dropout or Gaussian
        The noising scheme.
    family : {"logistic", "linear", "poisson"}
        GLM family.
    per_example : bool
        Return the ``n`` per-example terms instead of their sum.

    Returns
    -------
    float or ndarray of shape (n,)
    """
    X, beta = as_design(X, beta)
    noise = check_noise(noise)
    fam = get_family(family)
    return _reduce(0.5 * fam.A2(X @ beta) * noise.variance(X, beta), per_example)


def _subset_sums(W, delta):
    """Sums of every subset of the columns of ``W`` and the subsets' probabilities.

    Column ``j`` is kept with probability ``1 - delta``. Built by doubling: after
    step ``j`` the table holds all :math:`2^{j+1}` partial sums, so the cost is
    :math:`O(n 2^k)` with no mask matrix.
    """
    sums = np.zeros((W.shape[0], 1))
    probs = np.ones(1)
    for j in range(W.shape[1]):
        sums = np.concatenate([sums, sums + W[:, j : j + 1]], axis=1)
        probs = np.concatenate([probs * delta, probs * (1.0 - delta)])
    return sums, probs


def _dropout_exact(X, beta, noise, fam):
    W = X * beta  # contributions x_ij beta_j
    nnz = (W != 0).sum(axis=1)
    k = int(nnz.max())
    if k > MAX_EXACT_FEATURES:
        raise ValueError(
            f"exact dropout enumeration needs 2^{k} masks for an example with {k} "
            f"non-zero terms x_ij*beta_j; the limit is {MAX_EXACT_FEATURES} "
            f"(2^{MAX_EXACT_FEATURES} masks). Use noising.regularizer.monte_carlo "
            "for larger problems, or noising.taylor.partial_sum for a series approximation."
        )
    # move each row's non-zero terms to the left; padded zeros do not change any sum
    order = np.argsort(W == 0, axis=1, kind="stable")[:, :k]
    Wc = np.take_along_axis(W, order, axis=1) * noise.scale
    z = X @ beta
    out = np.empty(X.shape[0])
    rows = max(1, _BLOCK >> k)
    for start in range(0, X.shape[0], rows):
        sl = slice(start, start + rows)
        sums, probs = _subset_sums(Wc[sl], noise.delta)
        out[sl] = fam.A(sums) @ probs
    return out - fam.A(z)


def _gaussian_exact(X, beta, noise, fam):
    mu = X @ beta
    s = noise.sigma * float(np.sqrt(beta @ beta))
    if s == 0.0:
        return np.zeros_like(mu)
    if fam.name == "linear":  # E[(mu + s t)^2 / 2] - mu^2 / 2 = s^2 / 2
        return np.full_like(mu, 0.5 * s * s)
    if fam.name == "poisson":  # E[exp(mu + s t)] - exp(mu) = exp(mu) (exp(s^2/2) - 1)
        with np.errstate(over="ignore"):
            return np.exp(mu) * np.expm1(0.5 * s * s)
    # logistic: one-dimensional quadrature over t ~ N(0, 1) of the convex remainder
    a0, a1 = fam.A(mu), fam.A1(mu)

    def integrand(t):
        rem = fam.A(mu + s * t) - a0 - a1 * s * t
        return rem * np.exp(-0.5 * t * t) / np.sqrt(2.0 * np.pi)

    val, _ = quad_vec(integrand, -40.0, 40.0, epsabs=1e-14, epsrel=1e-11, norm="max")
    return np.asarray(val)


def exact(X, beta, noise, family="logistic", *, per_example=False):
    """Exact noising regularizer :math:`R(\\beta)` (Wager et al., 2013, eq. 1).

    .. math::

        R(\\beta) = \\sum_{i=1}^n \\mathbb{E}_\\xi[A(\\tilde x_i\\beta)] - A(x_i\\beta).

    For dropout the expectation is a finite sum over the :math:`2^k` keep-masks
    of the :math:`k` features with :math:`x_{ij}\\beta_j \\neq 0`, enumerated in
    a vectorised doubling of partial sums (no mask matrix). For Gaussian noise :math:`\\tilde x_i\\beta`
    is :math:`N(x_i\\beta, \\sigma^2\\lVert\\beta\\rVert^2)`, so the expectation is a
    one-dimensional integral: closed form for the linear and Poisson families,
    adaptive quadrature for the logistic family.

    Parameters
    ----------
    X : array_like, shape (n, d) or (d,)
    beta : array_like, shape (d,)
    noise : Dropout or Gaussian
    family : {"logistic", "linear", "poisson"}
    per_example : bool
        Return the ``n`` per-example terms instead of their sum.

    Returns
    -------
    float or ndarray of shape (n,)

    Raises
    ------
    ValueError
        For bad input, or when an example has more than
        :data:`MAX_EXACT_FEATURES` non-zero terms under dropout (use
        :func:`monte_carlo` instead).
    """
    X, beta = as_design(X, beta)
    noise = check_noise(noise)
    fam = get_family(family)
    if isinstance(noise, Dropout):
        values = _dropout_exact(X, beta, noise, fam)
    else:
        values = _gaussian_exact(X, beta, noise, fam)
    return _reduce(values, per_example)


def monte_carlo(X, beta, noise, family="logistic", samples=100_000, seed=0, *, per_example=False):
    """Monte Carlo estimate of :math:`R(\\beta)` (Wager et al., 2013, eq. 1).

    Draws ``samples`` noise vectors, shared by all examples (common random
    numbers), and averages :math:`A(\\tilde x_i\\beta) - A(x_i\\beta)`.

    Parameters
    ----------
    X : array_like, shape (n, d) or (d,)
    beta : array_like, shape (d,)
    noise : Dropout or Gaussian
    family : {"logistic", "linear", "poisson"}
    samples : int
        Number of noise draws (>= 1).
    seed : int or numpy.random.Generator
        Seed of the random draws; the same seed gives the same estimate.
    per_example : bool
        Return the ``n`` per-example estimates instead of their sum.

    Returns
    -------
    float or ndarray of shape (n,)
    """
    X, beta = as_design(X, beta)
    noise = check_noise(noise)
    fam = get_family(family)
    samples = positive_int(samples, "samples")
    rng = np.random.default_rng(seed)
    n, d = X.shape
    z = X @ beta
    total = np.zeros(n)
    block = max(1, _BLOCK // max(n, d))
    done = 0
    while done < samples:
        b = min(block, samples - done)
        if isinstance(noise, Dropout):
            keep = rng.random((b, d)) >= noise.delta
            zt = (keep @ (X * beta).T) * noise.scale
        else:
            s = noise.sigma * float(np.sqrt(beta @ beta))
            zt = z + s * rng.standard_normal((b, n))
        total += fam.A(zt).sum(axis=0)
        done += b
    return _reduce(total / samples - fam.A(z), per_example)


def dropout_small_delta_slope(X, beta, family="logistic", *, per_example=False):
    """Slope :math:`\\lim_{\\delta\\to0} R(\\beta)/\\delta` of the exact dropout regularizer.

    For small :math:`\\delta` at most one feature is dropped, so (book, chapter 1)

    .. math::

        \\lim_{\\delta\\to 0}\\frac{R(\\beta)}{\\delta}
        = \\sum_i\\sum_j A(x_i\\beta - x_{ij}\\beta_j) - A(x_i\\beta) + A'(x_i\\beta)\\,x_{ij}\\beta_j,

    while :math:`R^q(\\beta)/\\delta \\to \\sum_i \\tfrac12 A''(x_i\\beta)\\sum_j x_{ij}^2\\beta_j^2`.
    The two differ unless every :math:`x_{ij}\\beta_j` is small: lowering
    :math:`\\delta` alone does not make the quadratic approximation accurate.

    Parameters
    ----------
    X : array_like, shape (n, d) or (d,)
    beta : array_like, shape (d,)
    family : {"logistic", "linear", "poisson"}
    per_example : bool

    Returns
    -------
    float or ndarray of shape (n,)
    """
    X, beta = as_design(X, beta)
    fam = get_family(family)
    W = X * beta
    z = (X @ beta)[:, None]
    terms = fam.A(z - W) - fam.A(z) + fam.A1(z) * W
    return _reduce(terms.sum(axis=1), per_example)


def quadratic_gradient(X, beta, noise, family="logistic"):
    """Gradient of the quadratic noising regularizer :math:`\\nabla_\\beta R^q(\\beta)` (Wager et al., 2013, eq. 2).

    Differentiating :math:`R^q(\\beta) = \\sum_i \\tfrac12 A''(x_i\\beta)\\,v_i(\\beta)`,
    :math:`v_i = \\operatorname{Var}_\\xi[\\tilde x_i\\beta]`, gives

    .. math::

        \\nabla R^q(\\beta) = \\tfrac12 X^\\top\\bigl(A'''(X\\beta)\\odot v\\bigr)
        + \\tfrac12\\sum_i A''(x_i\\beta)\\,\\nabla v_i,

    with :math:`\\nabla v_i = \\frac{2\\delta}{1-\\delta}\\,x_i^{\\circ 2}\\odot\\beta` for dropout
    and :math:`\\nabla v_i = 2\\sigma^2\\beta` for Gaussian noise.

    Parameters
    ----------
    X : array_like, shape (n, d) or (d,)
    beta : array_like, shape (d,)
    noise : Dropout or Gaussian
    family : {"logistic", "linear", "poisson"}

    Returns
    -------
    ndarray, shape (d,)
    """
    X, beta = as_design(X, beta)
    noise = check_noise(noise)
    fam = get_family(family)
    z = X @ beta
    a2 = fam.A2(z)
    grad = 0.5 * X.T @ (fam.A3(z) * noise.variance(X, beta))
    if isinstance(noise, Dropout):
        grad += noise.delta / (1.0 - noise.delta) * beta * ((X * X).T @ a2)
    else:
        grad += noise.sigma**2 * beta * float(a2.sum())
    return grad
