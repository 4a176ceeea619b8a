"""Moments of the noise in :math:`\\tilde x_i\\beta - x_i\\beta`, and the one enumeration of dropout masks.

Under dropout a kept feature moves :math:`\\tilde x_i\\beta` by
:math:`x_{ij}\\beta_j\\,\\delta/(1-\\delta)` and a dropped one by :math:`-x_{ij}\\beta_j`
(Wager et al., 2013, Section 2). :func:`dropout_deviations` lists the deviation
:math:`\\Delta = \\tilde x_i\\beta - x_i\\beta` of every mask with its probability; it is
the only place the :math:`2^k` masks are enumerated, shared by the exact
regularizer (:func:`noising.regularizer.exact`) and the moments here.

* :func:`central_moments`: :math:`\\mathbb{E}_\\xi[\\Delta^m]` (Schluter, 2019, eq. 11) for
  dropout and Gaussian noise;
* :func:`max_deviation`: :math:`\\max_\\xi |\\Delta|` under dropout, in :math:`O(d)`.
"""
from __future__ import annotations

import math

import numpy as np

from ._validate import check_bool, check_count, check_design_beta, check_noise
from .noise import Gaussian

__all__ = ["MAX_EXACT_FEATURES", "MAX_MOMENT_ORDER", "dropout_deviations", "central_moments", "max_deviation"]

#: Largest number of features with non-zero :math:`x_{ij}\beta_j` in one example
#: for which the :math:`2^k` dropout masks are enumerated
#: (:math:`2^{22}` masks take about a quarter of a second).
MAX_EXACT_FEATURES = 22
#: Highest moment order :func:`central_moments` computes.
MAX_MOMENT_ORDER = 1000

_BLOCK = 1 << 21  # (example, mask) pairs per chunk

_DENSE_REASON = (
    "the exact moments enumerate the dropout masks of each dense row (at most "
    f"{MAX_EXACT_FEATURES} non-zero terms per example)"
)


def dropout_deviations(W, delta):
    """Every dropout mask's deviation :math:`\\Delta = \\tilde x\\beta - x\\beta` and probability.

    Feature ``j`` contributes :math:`+W_j\\,\\delta_j/(1-\\delta_j)` when kept (probability
    :math:`1-\\delta_j`) and :math:`-W_j` when dropped (probability :math:`\\delta_j`).
    The deviations are summed directly, never as a difference of :math:`\\tilde x\\beta`
    and :math:`x\\beta` that could cancel, by doubling a table of partial sums:
    :math:`O(n\\,2^k)` for ``k`` columns, no mask matrix.

    Parameters
    ----------
    W : ndarray, shape (n, k)
        Contributions :math:`x_{ij}\\beta_j` (already checked).
    delta : float or ndarray of shape (n, k)
        Dropout probability in ``[0, 1)``: one for every entry, or one per entry of
        ``W`` (per-feature rates, arranged like ``W``).

    Returns
    -------
    dev : ndarray, shape (n, 2**k)
    probs : ndarray, shape (2**k,), or (n, 2**k) for per-entry rates

    Examples
    --------
    >>> dev, probs = dropout_deviations(np.array([[1.0]]), 0.5)
    >>> dev.tolist(), probs.tolist()
    ([[-1.0, 1.0]], [0.5, 0.5])
    """
    per_entry = np.ndim(delta) == 2
    kept = W * (delta / (1.0 - delta))
    sums = np.zeros((W.shape[0], 1))
    probs = np.ones((W.shape[0], 1)) if per_entry else np.ones(1)
    for j in range(W.shape[1]):
        sums = np.concatenate([sums - W[:, j : j + 1], sums + kept[:, j : j + 1]], axis=1)
        if per_entry:
            dj = delta[:, j : j + 1]
            probs = np.concatenate([probs * dj, probs * (1.0 - dj)], axis=1)
        else:
            probs = np.concatenate([probs * delta, probs * (1.0 - delta)])
    return sums, probs


def _expectation(values, probs):
    """:math:`\\sum_\\xi p(\\xi)\\,v_i(\\xi)` per example, for shared (1-D) or per-example (2-D) probabilities."""
    if probs.ndim == 1:
        return values @ probs
    return np.einsum("ij,ij->i", values, probs)


def _compact_nonzero(W, what):
    """Move each row's non-zero terms to the left; refuse rows with too many to enumerate.

    Returns the compacted ``(n, k)`` terms and the column each came from.
    """
    k = int((W != 0).sum(axis=1).max())
    if k > MAX_EXACT_FEATURES:
        raise ValueError(
            f"{what} needs 2^{k} dropout masks for an example with {k} non-zero terms x_ij*beta_j; "
            f"the limit is {MAX_EXACT_FEATURES} (2^{MAX_EXACT_FEATURES} masks). Use "
            "noising.regularizer.monte_carlo for larger problems, or fewer features per example."
        )
    order = np.argsort(W == 0, axis=1, kind="stable")[:, :k]
    return np.take_along_axis(W, order, axis=1), order


def _dropout_blocks(W, delta, what):
    """Yield ``(rows, dev, probs)`` over blocks of examples (the enumeration, chunked).

    ``delta`` is one rate or one per column of ``W``; per-column rates follow each
    row's compaction, so the probabilities are then per example.
    """
    Wc, order = _compact_nonzero(W, what)
    k = Wc.shape[1]
    if np.ndim(delta) == 1:
        delta = np.take_along_axis(np.broadcast_to(delta, W.shape), order, axis=1)
    rows = max(1, _BLOCK >> k)
    for start in range(0, W.shape[0], rows):
        sl = slice(start, start + rows)
        dev, probs = dropout_deviations(Wc[sl], delta[sl] if np.ndim(delta) == 2 else delta)
        yield sl, dev, probs


def central_moments(X, beta, noise, order, *, absolute=False):
    """Moments :math:`\\mathbb{E}_\\xi[(\\tilde x_i\\beta - x_i\\beta)^m]`, :math:`m = 0,\\dots,` ``order``.

    These are the expectations in Schluter (2019, eq. 11), computed exactly:

    * dropout: by enumerating the :math:`2^k` keep-masks of the :math:`k` features
      with :math:`x_{ij}\\beta_j\\ne0` (:func:`dropout_deviations`). In particular
      :math:`\\mathbb{E}[(\\tilde x_i\\beta - x_i\\beta)^2] = \\frac{\\delta}{1-\\delta}\\sum_j x_{ij}^2\\beta_j^2`,
      which corrects the paper's eq. (8) and the display after it;
    * Gaussian noise: :math:`\\tilde x_i\\beta - x_i\\beta \\sim N(0, s^2)` with
      :math:`s = \\sigma\\lVert\\beta\\rVert_2`, so the moments are :math:`s^m (m-1)!!` for
      even :math:`m` and 0 for odd :math:`m`.

    Parameters
    ----------
    X : array_like, shape (n, d) or (d,)
    beta : array_like, shape (d,)
    noise : Dropout or Gaussian
    order : int
        Highest moment, ``0 <= order <= MAX_MOMENT_ORDER`` (1000).
    absolute : bool
        Return the absolute moments :math:`\\mathbb{E}_\\xi|\\tilde x_i\\beta - x_i\\beta|^m`
        instead (Gaussian: :math:`s^m 2^{m/2}\\Gamma(\\tfrac{m+1}{2})/\\sqrt\\pi`).

    Returns
    -------
    ndarray, shape (n, order + 1)
        Column ``m`` holds the ``m``-th central (or absolute central) moment of each
        example; moments beyond the float range are ``inf``.

    Raises
    ------
    TypeError
        For arguments of the wrong type (a non-integer ``order``, noise that is not a noise model).
    ValueError
        For bad shapes or values, ``order`` outside ``[0, MAX_MOMENT_ORDER]``, an odd
        moment whose positive and negative parts both overflow, or (dropout) an
        example with more than ``MAX_EXACT_FEATURES`` (22) non-zero :math:`x_{ij}\\beta_j`.

    Examples
    --------
    >>> from noising import Dropout
    >>> central_moments([[1.0, 2.0]], [1.0, 1.0], Dropout(0.5), 2).tolist()
    [[1.0, 0.0, 5.0]]
    """
    X, beta = check_design_beta(X, beta, sparse_reason=_DENSE_REASON)
    noise = check_noise(noise, d=X.shape[1])
    order = check_count(order, "order", min=0, max=MAX_MOMENT_ORDER)
    absolute = check_bool(absolute, "absolute")
    n = X.shape[0]
    out = np.zeros((n, order + 1))
    out[:, 0] = 1.0
    with np.errstate(over="ignore"):
        if isinstance(noise, Gaussian):
            f, m = noise._variance_parts(X, beta)
            s = float(m[0])  # sigma * ||beta||, the same for every example
            for k in range(2, order + 1, 2):
                out[:, k] = out[:, k - 2] * (k - 1) * s * s
            if absolute and order >= 1:
                out[:, 1] = math.sqrt(2.0 / math.pi) * s
                for k in range(3, order + 1, 2):
                    out[:, k] = out[:, k - 2] * (k - 1) * s * s
            return out
        W = X * beta
        if np.all(noise.delta == 0.0) or not np.any(W):
            return out
        for sl, dev, probs in _dropout_blocks(W, noise.delta, "central_moments"):
            if absolute:
                dev = np.abs(dev)
            power = np.ones_like(dev)
            for k in range(1, order + 1):
                power *= dev
                with np.errstate(invalid="ignore"):
                    out[sl, k] = _expectation(power, probs)
    if not absolute and order >= 1:
        out[:, 1] = 0.0  # the noise is unbiased: E[Delta] = 0 exactly
    if np.isnan(out).any():
        bad = int(np.argwhere(np.isnan(out))[0, 1])
        raise ValueError(
            f"the dropout moment of order {bad} overflows the float range with both signs (inf - inf); "
            "rescale X or beta, or lower order."
        )
    return out


def max_deviation(X, beta, noise):
    """Largest :math:`|\\tilde x_i\\beta - x_i\\beta|` over all dropout masks, per example.

    A kept feature moves :math:`\\tilde x_i\\beta` by :math:`a_j = x_{ij}\\beta_j\\,\\delta/(1-\\delta)`,
    a dropped one by :math:`b_j = -x_{ij}\\beta_j`; the features are independent, so

    .. math::

        \\max_\\xi |\\tilde x_i\\beta - x_i\\beta|
        = \\max\\Bigl(\\sum_j \\max(a_j, b_j),\\; -\\sum_j \\min(a_j, b_j)\\Bigr),

    in :math:`O(d)` without enumerating masks. The term-by-term series of
    :func:`noising.taylor.partial_sum` converges for example :math:`i` when this is
    below :func:`noising.derivatives.radius` of :math:`x_i\\beta` and diverges when it
    is above (book, chapter "The radius of convergence"). This replaces the condition
    :math:`|\\tilde x_i\\beta - x_i\\beta| < 2\\pi` of Schluter (2019, Theorem 2).

    Parameters
    ----------
    X : array_like, shape (n, d) or (d,)
    beta : array_like, shape (d,)
    noise : Dropout

    Returns
    -------
    ndarray, shape (n,)

    Raises
    ------
    TypeError
        For noise that is not :class:`~noising.noise.Dropout` (Gaussian noise has
        unbounded deviations) or input of the wrong type.
    ValueError
        For bad shapes or values.

    Examples
    --------
    >>> from noising import Dropout
    >>> max_deviation([1.0, 1.0], [2.0, -2.0], Dropout(0.5)).tolist()
    [4.0]
    """
    X, beta = check_design_beta(X, beta, sparse_reason=_DENSE_REASON)
    noise = check_noise(noise, dropout_only=True, d=X.shape[1])
    W = X * beta
    a = W * (noise.delta / (1.0 - noise.delta))
    b = np.where(noise.delta > 0, -W, 0.0)  # a feature never dropped never moves x~ beta
    with np.errstate(over="ignore"):
        return np.maximum(np.maximum(a, b).sum(axis=1), -np.minimum(a, b).sum(axis=1))
