"""Fisher information of a GLM and the diagonal :math:`\\diag(X^\\top V(\\beta) X)` that dropout uses.

With :math:`V(\\beta) = \\diag(A''(x_i\\beta))` the Hessian of the GLM loss is
:math:`X^\\top V(\\beta) X` (Wager et al., 2013, Section 3). Its diagonal,

.. math::

    \\diag(X^\\top V(\\beta) X)_j = \\sum_i A''(x_i\\beta)\\,x_{ij}^2,

is the weight vector of the quadratic dropout penalty (eq. 2 with Table 1's dropout
row) and of the dropout-preconditioned step; :func:`diag_fisher` is the one place it
is computed (the penalties, the regularizer's gradient and :mod:`noising.optim` call
its kernel).

Every function accepts a ``scipy.sparse`` design (any format, converted once to CSR):
the diagonal is :math:`(X^{\\circ 2})^\\top a` with :math:`a_i = A''(x_i\\beta)`, one
sparse product in O(nnz) memory; the full :math:`d\\times d` matrices are dense by
nature and are refused above :data:`~noising._validate.MAX_ELEMENTS` entries.
"""
from __future__ import annotations

import numpy as np

from ._linalg import is_sparse, scale_rows, square, weighted_col_sq_sums
from ._validate import MAX_ELEMENTS, check_design_beta, check_labels, check_linear_predictor, check_size, check_weights
from .families import get_family

__all__ = ["diag_fisher", "fisher_information", "score_covariance"]


def _diag_xvx(X, v, X2=None):
    """:math:`\\sum_i v_i x_{ij}^2 = ((X^{\\circ 2})^\\top v)_j` for checked designs (dense or sparse).

    ``X2`` is a cached :math:`X^{\\circ 2}` if available (a penalty computes it once).
    Uses one matrix-vector product when the result is finite, and the ordering
    :math:`(v_i |x_{ij}|)|x_{ij}|` otherwise, so a curvature :math:`v_i = 0` times a
    square beyond the float range gives 0, not NaN.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        if X2 is None:
            X2 = square(X)
        out = X2.T @ v
    if np.all(np.isfinite(out)) or not np.all(np.isfinite(v)):
        return out
    return weighted_col_sq_sums(X, v)


def diag_fisher(X, beta, family="logistic", *, weights=None):
    """Diagonal :math:`\\diag(X^\\top V(\\beta) X)_j = \\sum_i w_i A''(x_i\\beta)\\,x_{ij}^2` (Wager et al., 2013, Section 3).

    Parameters
    ----------
    X : array_like or scipy.sparse matrix, shape (n, d) or (d,)
        Design; a sparse one is used as :math:`(X\\circ X)^\\top a`, never densified.
    beta : array_like, shape (d,)
    family : {"logistic", "linear", "poisson"}
    weights : array_like, shape (n,), optional
        Non-negative example weights :math:`w_i`, normalised to sum to one; without
        them every :math:`w_i = 1` (the plain sum, :math:`n` times the average).

    Returns
    -------
    ndarray, shape (d,)

    Examples
    --------
    >>> diag_fisher([[1.0, 2.0]], [0.0, 0.0]).tolist()  # A''(0) = 1/4
    [0.25, 1.0]
    """
    X, beta = check_design_beta(X, beta, accept_sparse="csr")
    fam = get_family(family)
    v = fam.A2(check_linear_predictor(X @ beta))
    if weights is not None:
        v = v * check_weights(weights, X.shape[0])
    return _diag_xvx(X, v)


def fisher_information(X, beta, family="logistic"):
    """Empirical Fisher information :math:`\\frac1n X^\\top V(\\beta) X` (Wager et al., 2013, Section 3).

    With :math:`V(\\beta)=\\diag(A''(x_i\\beta))` this is the average Hessian of
    the GLM loss, :math:`\\frac1n\\sum_i\\nabla^2\\ell(\\beta;x_i,y_i)`, which does
    not depend on the labels; at the true :math:`\\beta^*` it estimates the
    Fisher information :math:`\\mathcal I=\\EE[A''(x\\beta^*)\\,x^\\top x]`. Its
    diagonal times :math:`n` is :func:`diag_fisher`, the weight vector of the
    dropout penalty.

    Parameters
    ----------
    X : array_like or scipy.sparse matrix, shape (n, d)
        A sparse design is multiplied sparsely; the :math:`d\\times d` result is dense.
    beta : array_like, shape (d,)
    family : {"logistic", "linear", "poisson"}

    Returns
    -------
    ndarray, shape (d, d)
        Symmetric positive semi-definite matrix.

    Raises
    ------
    ValueError
        For bad input, or :math:`d^2` above ``MAX_ELEMENTS`` (use :func:`diag_fisher`).
    """
    X, beta = check_design_beta(X, beta, accept_sparse="csr")
    _check_square_size(X.shape[1])
    a2 = get_family(family).A2(check_linear_predictor(X @ beta))
    out = _weighted_gram(X, a2) / X.shape[0]
    _refuse_nan(out)
    return out


def score_covariance(X, y, beta, family="logistic"):
    """Outer-product form of the Fisher information, :math:`\\frac1n\\sum_i (y_i-A'(x_i\\beta))^2 x_i^\\top x_i`.

    For a correctly specified GLM, at :math:`\\beta^*` its expectation equals
    the Fisher information (the information identity), so it and
    :func:`fisher_information` estimate the same matrix; unlike the latter it
    uses the labels.

    Parameters
    ----------
    X : array_like or scipy.sparse matrix, shape (n, d)
        A sparse design is multiplied sparsely; the :math:`d\\times d` result is dense.
    y : array_like, shape (n,)
    beta : array_like, shape (d,)
    family : {"logistic", "linear", "poisson"}

    Returns
    -------
    ndarray, shape (d, d)

    Raises
    ------
    ValueError
        For bad input, or :math:`d^2` above ``MAX_ELEMENTS``.
    """
    X, beta = check_design_beta(X, beta, accept_sparse="csr")
    _check_square_size(X.shape[1])
    fam = get_family(family)
    y = check_labels(y, X.shape[0], fam)
    r = y - fam.A1(check_linear_predictor(X @ beta))
    out = _weighted_gram(X, r * r) / X.shape[0]
    _refuse_nan(out)
    return out


def _check_square_size(d):
    check_size(d * d, MAX_ELEMENTS, "a d x d matrix for d = {d}: d^2".format(d=d),
               "use diag_fisher for the diagonal only")


def _weighted_gram(X, w):
    """:math:`X^\\top\\diag(w)X`, dense output (sparse products for a sparse ``X``)."""
    with np.errstate(over="ignore", invalid="ignore"):
        if is_sparse(X):
            return np.asarray((X.T @ scale_rows(X, w)).toarray())
        return X.T @ (w[:, None] * X)


def _refuse_nan(out):
    if np.isnan(out).any():
        raise ValueError("the matrix overflows the float range (inf - inf); rescale X or beta.")
