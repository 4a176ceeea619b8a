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

:func:`quadratic`, :func:`quadratic_gradient`, :func:`monte_carlo` and
:func:`dropout_small_delta_slope` accept a ``scipy.sparse`` design (any format,
converted once to CSR; only the stored values are touched, memory O(nnz)) and give
the dense path's numbers; :func:`exact` enumerates dropout masks of dense rows and
refuses a sparse design with a :class:`TypeError` saying so.

Since :math:`\\mathbb{E}_\\xi[\\tilde x_i\\beta] = x_i\\beta`, each summand of :math:`R` is the
expectation of the first-order Taylor remainder
:math:`A(x_i\\beta+\\Delta) - A(x_i\\beta) - A'(x_i\\beta)\\Delta \\ge 0`
(:meth:`noising.families.Family.remainder`), which is how :func:`exact` evaluates it:
the result is never negative and keeps its relative accuracy when the noise is tiny
or :math:`|x_i\\beta|` huge, where the difference of the two expectations would cancel.
"""
from __future__ import annotations

import math

import numpy as np
from scipy.integrate import quad_vec

from ._validate import (
    MAX_WORK,
    check_bool,
    check_count,
    check_design_beta,
    check_linear_predictor,
    check_noise,
    check_random_state,
)
from .families import _em1mx, get_family
from ._linalg import is_sparse, scale_columns
from .fisher import _diag_xvx
from .moments import MAX_EXACT_FEATURES, _dropout_blocks, _expectation
from .noise import Dropout

__all__ = ["exact", "quadratic", "quadratic_gradient", "monte_carlo", "dropout_small_delta_slope", "MAX_EXACT_FEATURES"]

_BLOCK = 1 << 21  # number of (example, sample) pairs per chunk


def _reduce(values, per_example):
    per_example = check_bool(per_example, "per_example")
    return values if per_example else float(values.sum())


def _prepare(X, beta, noise, family, accept_sparse=False, sparse_reason=""):
    X, beta = check_design_beta(X, beta, accept_sparse=accept_sparse, sparse_reason=sparse_reason)
    noise = check_noise(noise, d=X.shape[1])
    fam = get_family(family)
    z = check_linear_predictor(X @ beta)
    return X, beta, noise, fam, z


def _quadratic_terms(X, beta, noise, fam, z):
    """Per-example :math:`\\tfrac12 A''(z_i) v_i` with the variance as ``f m^2``, free of ``0 * inf``."""
    f, m = noise._variance_parts(X, beta)
    with np.errstate(over="ignore", divide="ignore", under="ignore"):
        if fam.name == "poisson":  # A'' = exp(z): add logarithms instead of multiplying inf by 0
            vals = np.exp(z + np.log(0.5 * f) + 2.0 * np.log(m))
        else:
            vals = ((0.5 * fam.A2(z) * f) * m) * m
    return np.where(f * m == 0.0, 0.0, vals)


def quadratic(X, beta, noise, family="logistic", *, per_example=False):
    """Quadratic noising regularizer :math:`R^q(\\beta)` (Wager et al., 2013, eq. 2).

    .. math::

        R^q(\\beta) = \\sum_i \\tfrac12 A''(x_i\\beta)\\operatorname{Var}_\\xi[\\tilde x_i\\beta],

    with :math:`\\operatorname{Var}_\\xi[\\tilde x_i\\beta] = \\frac{\\delta}{1-\\delta}\\sum_j x_{ij}^2\\beta_j^2`
    for dropout and :math:`\\sigma^2\\lVert\\beta\\rVert^2` for Gaussian noise.

    Parameters
    ----------
    X : array_like or scipy.sparse matrix, shape (n, d) or (d,)
        Design matrix (or one example); sparse input is accepted and never densified.
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

    Examples
    --------
    >>> from noising import Dropout
    >>> quadratic([[1.0, 2.0]], [1.0, 1.0], Dropout(0.5), "linear")  # (1 + 4) / 2
    2.5
    """
    X, beta, noise, fam, z = _prepare(X, beta, noise, family, accept_sparse="csr")
    return _reduce(_quadratic_terms(X, beta, noise, fam, z), per_example)


def _log_expm1(x):
    """:math:`\\log(e^x - 1)` for ``x >= 0`` without overflow (``-inf`` at 0)."""
    x = np.asarray(x, dtype=float)
    with np.errstate(divide="ignore"):
        return np.where(x > 1.0, x + np.log1p(-np.exp(-np.maximum(x, 1.0))), np.log(np.expm1(np.minimum(x, 1.0))))


def _exp_times_expm1(z, S):
    """:math:`e^z (e^S - 1)` for ``S >= 0``: the plain product where both factors are floats
    (a few ulps), else :math:`\\exp(z + \\log(e^S - 1))` (no ``0 * inf``, no early overflow)."""
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        ez, em = np.exp(z), np.expm1(S)
        direct = ez * em
        ok = (ez >= np.finfo(float).tiny) & np.isfinite(ez) & np.isfinite(em) & np.isfinite(direct) & ((direct > 0) | (em == 0))
        if np.all(ok):
            return direct
        return np.where(ok, direct, np.exp(z + _log_expm1(S)))


def _dropout_exact(X, beta, noise, fam, z):
    if fam.name == "linear":  # the quadratic approximation is exact: R = Var / 2
        return _quadratic_terms(X, beta, noise, fam, z)
    W = X * beta
    if fam.name == "poisson":
        # E[exp(x~ beta)] = exp(z) prod_j E[exp(Delta_j)], independent features: no enumeration.
        # log E[exp(Delta_j)] = log1p(delta em1mx(-w) + (1 - delta) em1mx(a w)), a = delta / (1 - delta),
        # since the first-order terms -delta w + (1 - delta) a w cancel exactly.
        delta = noise.delta  # one rate, or one per column (broadcast along the rows)
        if np.all(delta == 0.0):
            return np.zeros_like(z)
        a = delta / (1.0 - delta)
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            inner = delta * _em1mx(-W) + (1.0 - delta) * _em1mx(a * W)  # both terms >= 0
            small = np.isfinite(inner)
            big = np.logaddexp(np.log(delta) - W, np.log1p(-delta) + a * W)  # where e^(.) overflows
            L = np.where(small, np.log1p(np.where(small, inner, 0.0)), big)
            return _exp_times_expm1(z, L.sum(axis=1))
    out = np.empty(X.shape[0])
    if np.all(noise.delta == 0.0) or not np.any(W):
        out[:] = 0.0
        return out
    for sl, dev, probs in _dropout_blocks(W, noise.delta, "exact"):
        out[sl] = _expectation(fam.remainder(z[sl, None], dev), probs)
    return out


def _gaussian_exact(X, beta, noise, fam, z):
    _, m = noise._variance_parts(X, beta)
    s = float(m[0])  # sigma * ||beta||
    if s == 0.0:
        return np.zeros_like(z)
    with np.errstate(over="ignore"):
        if fam.name == "linear":  # E[(mu + s t)^2 / 2] - mu^2 / 2 = s^2 / 2
            return np.full_like(z, 0.5 * s * s)
        if fam.name == "poisson":  # E[exp(mu + s t)] - exp(mu) = exp(mu) (exp(s^2/2) - 1)
            return _exp_times_expm1(z, np.full_like(z, 0.5 * s * s))
    # one-dimensional quadrature over t ~ N(0, 1) of the non-negative remainder, each example
    # divided by its quadratic approximation A''(z) s^2 / 2 so that one absolute tolerance
    # means the same relative accuracy for every example
    with np.errstate(over="ignore", under="ignore"):
        q = 0.5 * fam.A2(z) * s * s
    q = np.where((q > 0) & np.isfinite(q), q, 1.0)

    def integrand(t):
        phi = math.exp(-0.5 * t * t) / math.sqrt(2.0 * math.pi)
        if phi == 0.0:
            return np.zeros_like(z)
        with np.errstate(over="ignore"):
            return fam.remainder(z, s * t) / q * phi

    val, _ = quad_vec(integrand, -40.0, 40.0, epsabs=1e-13, epsrel=1e-11, norm="max")
    return np.asarray(val) * q


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
    TypeError
        For input of the wrong type (complex or string arrays, noise that is not a
        noise model, a family that is not a name).
    ValueError
        For bad shapes or values, or when an example has more than
        :data:`~noising.moments.MAX_EXACT_FEATURES` non-zero terms under dropout with the logistic
        family (use :func:`monte_carlo` instead).

    Notes
    -----
    Each term is the expectation of :meth:`~noising.families.Family.remainder`, so the
    result is :math:`\\ge 0` exactly (Jensen's inequality holds in floating point too).
    For the linear family :math:`R = R^q` (closed form); for the Poisson family under
    dropout :math:`\\mathbb{E}[e^{\\tilde x_i\\beta}]` factorises over the features, so no
    mask is enumerated and there is no limit on the number of features.

    Examples
    --------
    >>> from noising import Dropout
    >>> r = exact([[1e-9, 1e-9]], [1.0, 1.0], Dropout(0.5))  # A''(0)/2 * Var = 1/8 * 2e-18
    >>> print(f"{r:.14g}")
    2.5e-19
    """
    X, beta, noise, fam, z = _prepare(
        X, beta, noise, family,
        sparse_reason="the exact regularizer works on a dense design with few non-zero terms per example "
        "(2^k dropout masks); use quadratic() or monte_carlo() for a large sparse design",
    )
    if isinstance(noise, Dropout):
        values = _dropout_exact(X, beta, noise, fam, z)
    else:
        values = _gaussian_exact(X, beta, noise, fam, z)
    return _reduce(values, per_example)


def monte_carlo(X, beta, noise, family="logistic", samples=100_000, seed=0, *, per_example=False):
    """Monte Carlo estimate of :math:`R(\\beta)` (Wager et al., 2013, eq. 1).

    Draws ``samples`` noise vectors, shared by all examples (common random
    numbers), and averages :math:`A(\\tilde x_i\\beta) - A(x_i\\beta)`.

    Parameters
    ----------
    X : array_like or scipy.sparse matrix, shape (n, d) or (d,)
        Design; a sparse one is used through its stored values only (the same random
        draws as for its dense copy, so the same estimate up to rounding).
    beta : array_like, shape (d,)
    noise : Dropout or Gaussian
    family : {"logistic", "linear", "poisson"}
    samples : int
        Number of noise draws, ``1 <= samples <= MAX_WORK / (n * d)`` (about a
        minute of work at most; ``MAX_WORK / (nnz + n + d)`` for a sparse design).
    seed : int or numpy.random.Generator
        Seed of the random draws; the same seed gives the same estimate.
    per_example : bool
        Return the ``n`` per-example estimates instead of their sum.

    Returns
    -------
    float or ndarray of shape (n,)
    """
    X, beta, noise, fam, z = _prepare(X, beta, noise, family, accept_sparse="csr")
    n, d = X.shape
    sparse = is_sparse(X)
    per_sample, what = (X.nnz + n + d, "(nnz + n + d)") if sparse else (n * d, "(n * d)")
    samples = check_count(
        samples, "samples", max=max(1, MAX_WORK // per_sample),
        hint=f"the limit is MAX_WORK / {what} for this {n} x {d} design; use fewer samples or exact()",
    )
    rng = check_random_state(seed)
    total = np.zeros(n)
    block = max(1, _BLOCK // max(n, d))
    done = 0
    W = scale_columns(X, beta)  # x_ij beta_j (sparse: stored values only)
    with np.errstate(over="ignore"):
        s = float(noise._variance_parts(X, beta)[1][0]) if not isinstance(noise, Dropout) else 0.0
        while done < samples:
            b = min(block, samples - done)
            if isinstance(noise, Dropout):
                keep = rng.random((b, d)) >= noise.delta  # the same draws for a dense and a sparse X
                if sparse:
                    dev = (W @ (keep * noise.scale - 1.0).T).T  # CSR times dense: O(nnz) per draw
                else:
                    dev = (keep * noise.scale - 1.0) @ W.T  # x~ beta - x beta, summed directly
            else:
                dev = s * rng.standard_normal((b, n))
            total += fam.remainder(z, dev).sum(axis=0)
            done += b
    return _reduce(total / samples, per_example)


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
    X : array_like or scipy.sparse matrix, shape (n, d) or (d,)
        Design; for a sparse one the sum runs over the stored values only.
    beta : array_like, shape (d,)
    family : {"logistic", "linear", "poisson"}
    per_example : bool

    Returns
    -------
    float or ndarray of shape (n,)
    """
    X, beta = check_design_beta(X, beta, accept_sparse="csr")
    fam = get_family(family)
    z = check_linear_predictor(X @ beta)
    if is_sparse(X):  # a pair with x_ij beta_j = 0 contributes exactly 0: sum over stored values
        rows = np.repeat(np.arange(X.shape[0]), np.diff(X.indptr))
        terms = fam.remainder(z[rows], -(X.data * beta[X.indices]))
        return _reduce(np.bincount(rows, weights=terms, minlength=X.shape[0]), per_example)
    terms = fam.remainder(z[:, None], -(X * beta))  # A(z - w) - A(z) + A'(z) w >= 0
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
    X : array_like or scipy.sparse matrix, shape (n, d) or (d,)
        Design; sparse input is accepted and never densified.
    beta : array_like, shape (d,)
    noise : Dropout or Gaussian
    family : {"logistic", "linear", "poisson"}

    Returns
    -------
    ndarray, shape (d,)

    Raises
    ------
    ValueError
        For bad input, or where the gradient overflows the float range (rescale ``X``
        or ``beta``).
    """
    X, beta, noise, fam, z = _prepare(X, beta, noise, family, accept_sparse="csr")
    return _quadratic_gradient(X, beta, noise, fam, z)


def _quadratic_gradient(X, beta, noise, fam, z):
    """:func:`quadratic_gradient` on checked input (``z = X @ beta``)."""
    with np.errstate(over="ignore", invalid="ignore"):
        a2 = fam.A2(z)
        f, m = noise._variance_parts(X, beta)
        a3v = np.where(f * m == 0.0, 0.0, ((fam.A3(z) * f) * m) * m)
        grad = 0.5 * (X.T @ a3v)
        if isinstance(noise, Dropout) and noise.per_feature:  # a column never dropped adds nothing
            grad += np.where(noise.odds > 0, noise.odds * beta * _diag_xvx(X, a2), 0.0)
        elif isinstance(noise, Dropout):
            grad += noise.delta / (1.0 - noise.delta) * beta * _diag_xvx(X, a2)
        else:
            grad += noise.sigma**2 * beta * float(a2.sum())
    if not np.all(np.isfinite(grad)):
        raise ValueError("the gradient of R^q overflows the float range at this beta; rescale X or beta.")
    return grad
