"""Higher-order Taylor expansions of the logistic noising regularizer (Schluter, 2019, eq. 11).

The order-:math:`k` approximation of the noising regularizer, with the expectation
taken term by term,

.. math::

    R_k(\\beta) = \\sum_{i=1}^n \\sum_{m=2}^{k}
    \\frac{A^{(m)}(x_i\\beta)}{m!}\\,\\mathbb{E}_\\xi\\bigl[(\\tilde x_i\\beta - x_i\\beta)^m\\bigr],

is :func:`partial_sum` (all orders at once: :func:`partial_sums`). Its ingredients
live in :mod:`noising.derivatives` (the :math:`A^{(m)}`) and :mod:`noising.moments`
(the moments); the softmax case is :mod:`noising.softmax`.
"""
from __future__ import annotations

import warnings

import numpy as np

from ._validate import check_bool, check_count, check_design_beta, check_linear_predictor
from .derivatives import MAX_ORDER, _derivatives_float
from .families import get_family
from .moments import central_moments

__all__ = ["partial_sum", "partial_sums"]

# Distinct points whose derivatives to order 200 take about ten minutes (0.1 s each).
_MAX_POINTS_AT_200 = 6000

#: Names that moved out of this module, still reachable here (with a
#: :class:`DeprecationWarning`) until every branch imports them from their new home.
_MOVED = {
    "triangle": "derivatives",
    "softplus_derivative": "derivatives",
    "softplus_derivatives": "derivatives",
    "taylor_coefficients": "derivatives",
    "radius": "derivatives",
    "root_test_radius": "derivatives",
    "central_moments": "moments",
    "max_deviation": "moments",
    "lse_line_coefficients": "softmax",
    "lse_line_radius": "softmax",
}


def __getattr__(name):
    if name in _MOVED:
        import importlib

        where = _MOVED[name]
        warnings.warn(
            f"noising.taylor.{name} moved to noising.{where}.{name}; import it from there.",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(importlib.import_module(f"noising.{where}"), name)
    raise AttributeError(f"module 'noising.taylor' has no attribute {name!r}")


def partial_sums(X, beta, noise, max_order, family="logistic", *, per_example=False):
    """All partial sums :math:`R_2(\\beta), R_3(\\beta), \\dots, R_K(\\beta)` of eq. (11), in one pass.

    The same quantity as :func:`partial_sum` for every order ``k = 2..max_order``,
    sharing the derivatives and moments (cost of one call at ``max_order``).

    Parameters
    ----------
    X : array_like, shape (n, d) or (d,)
    beta : array_like, shape (d,)
    noise : Dropout or Gaussian
    max_order : int
        Highest order ``K >= 2``.
    family : {"logistic"}
    per_example : bool
        Return shape ``(n, K - 1)`` instead of summing over examples.

    Returns
    -------
    ndarray, shape (K - 1,) or (n, K - 1)
        Entry ``k - 2`` is :math:`R_k`.

    Raises
    ------
    TypeError, ValueError
        As :func:`partial_sum` (with ``max_order`` in place of ``order``).
    """
    return _partial_sums(X, beta, noise, max_order, family, per_example, "max_order")


def _partial_sums(X, beta, noise, max_order, family, per_example, order_name):
    fam = get_family(family)
    if fam.name != "logistic":
        raise ValueError(
            f"family: partial sums support family='logistic' only, got {fam.name!r}; for 'linear' the "
            "quadratic approximation noising.regularizer.quadratic is already exact."
        )
    max_order = check_count(max_order, order_name, min=2, max=MAX_ORDER)
    per_example = check_bool(per_example, "per_example")
    X, beta = check_design_beta(
        X, beta,
        sparse_reason="the Taylor partial sums use exact moments, which enumerate the dropout masks "
        "of each dense row (few non-zero terms per example)",
    )
    z = check_linear_predictor(X @ beta)
    points = np.unique(z).size
    work = points * (max_order / 200.0) ** 3.6
    if work > _MAX_POINTS_AT_200:
        raise ValueError(
            f"{order_name} = {max_order} at {points} distinct values of x_i beta would take about "
            f"{work / _MAX_POINTS_AT_200 * 10:.0f} minutes or more (the limit is about 10 minutes); "
            f"lower {order_name} or use fewer examples."
        )
    moments = central_moments(X, beta, noise, max_order)
    # Taylor coefficients A^(m)(z_i)/m!, formed in high precision (no overflow of m! or A^(m))
    coef = np.array([_derivatives_float(max_order, float(v), scaled=True) for v in z])
    with np.errstate(over="ignore", invalid="ignore"):
        terms = np.where(coef[:, 2:] == 0.0, 0.0, coef[:, 2:] * moments[:, 2:])
        cumulative = np.cumsum(terms, axis=1)
        out = cumulative if per_example else cumulative.sum(axis=0)
    if np.isnan(out).any():
        raise ValueError(
            "the partial sums overflow the float range with both signs (inf - inf); "
            f"rescale X or beta, or lower {order_name}."
        )
    return out


def partial_sum(X, beta, noise, order, family="logistic", *, per_example=False):
    """Order-``k`` approximation :math:`R_k(\\beta)` of the noising regularizer (Schluter, 2019, eq. 11).

    .. math::

        R_k(\\beta) = \\sum_{i=1}^n \\sum_{m=2}^{k}
        \\frac{A^{(m)}(x_i\\beta)}{m!}\\,\\mathbb{E}_\\xi\\bigl[(\\tilde x_i\\beta - x_i\\beta)^m\\bigr],

    the Taylor expansion of :math:`\\mathbb{E}_\\xi[A(\\tilde x_i\\beta)] - A(x_i\\beta)` around
    :math:`x_i\\beta` with the expectation taken term by term (the :math:`m=1` term
    vanishes because the noise is unbiased). Uses the paper's eq. (11) with the
    derivatives :math:`A^{(m)}` themselves (Theorem 1 with the corrected index, see
    :func:`noising.derivatives.softplus_derivatives`) and the exact moments of
    :func:`noising.moments.central_moments`.
    ``order = 2`` gives :func:`noising.regularizer.quadratic`.

    Parameters
    ----------
    X : array_like, shape (n, d) or (d,)
    beta : array_like, shape (d,)
    noise : Dropout or Gaussian
    order : int
        The order ``k >= 2`` of the truncation.
    family : {"logistic"}
        Only the logistic family is supported (its higher derivatives are the subject
        of the paper; for ``"linear"`` the quadratic approximation is already exact).
    per_example : bool
        Return the ``n`` per-example sums instead of their total.

    Returns
    -------
    float or ndarray of shape (n,)

    Raises
    ------
    TypeError
        For arguments of the wrong type (a float ``order``, noise that is not a noise model...).
    ValueError
        For an unsupported family, ``order`` outside ``[2, MAX_ORDER]``, bad shapes,
        NaN, a dropout example with too many non-zero terms to enumerate, or a
        request that would take more than about ten minutes.

    Examples
    --------
    >>> from noising import Dropout
    >>> from noising.regularizer import quadratic
    >>> x, b = [[0.3, -0.2]], [1.0, 2.0]
    >>> bool(abs(partial_sum(x, b, Dropout(0.5), 2) - quadratic(x, b, Dropout(0.5))) < 1e-15)
    True
    """
    values = _partial_sums(X, beta, noise, order, family, True, "order")[:, -1]
    per_example = check_bool(per_example, "per_example")
    return values if per_example else float(values.sum())


