"""Elementwise operations on a design that is a dense ``ndarray`` or a ``scipy.sparse`` array.

The products :math:`X\\beta` and :math:`X^\\top r` are written ``X @ beta`` and
``X.T @ r`` for both kinds of design. The few elementwise operations the package
needs beyond them are here, once, with a dense branch and a sparse branch that
touches only the stored values (memory O(nnz), nothing densified):

* :func:`square`: :math:`X^{\\circ 2}`, the entries squared;
* :func:`scale_columns`, :func:`scale_rows`: :math:`X\\diag(w)` and :math:`\\diag(v)X`;
* :func:`row_scale`: per-row maximum and scaled sum of squares, the overflow-free
  form of :math:`\\sum_j W_{ij}^2`;
* :func:`weighted_col_sq_sums`: :math:`\\sum_i v_i x_{ij}^2` ordered as
  :math:`(v_i|x_{ij}|)|x_{ij}|`, the fallback of :func:`noising.fisher._diag_xvx`;
* :func:`batch_rows`: a minibatch of rows on only the columns it touches.

Inputs are already checked (:mod:`noising._validate` converts every sparse design to a
canonical float64 CSR or CSC array); nothing here validates.
"""
from __future__ import annotations

import numpy as np

from ._validate import is_sparse

__all__ = ["is_sparse", "square", "scale_columns", "scale_rows", "row_scale", "weighted_col_sq_sums", "batch_rows",
           "RowBatch"]


def _major_minor(X):
    """For a CSR (CSC) array: the row (column) of each stored value, and its column (row)."""
    major = np.repeat(np.arange(X.indptr.size - 1), np.diff(X.indptr))
    return major, X.indices


def _rows_cols(X):
    if isinstance(X, RowBatch):
        return X.rows, X.cols
    major, minor = _major_minor(X)
    return (major, minor) if X.format == "csr" else (minor, major)


def _with_data(X, data):
    """A sparse array with ``X``'s structure and new stored values (index arrays shared, not copied)."""
    if isinstance(X, RowBatch):
        return X._with_data(data)
    out = type(X)((data, X.indices, X.indptr), shape=X.shape)
    out.has_canonical_format = X.has_canonical_format  # same structure
    return out


def square(X):
    """:math:`X^{\\circ 2}` (entries squared); sparse in, sparse out with the same structure."""
    if is_sparse(X) or isinstance(X, RowBatch):
        return _with_data(X, X.data * X.data)
    return X * X


def scale_columns(X, w):
    """:math:`X\\diag(w)`: column ``j`` times ``w[j]``."""
    if is_sparse(X):
        cols = X.indices if X.format == "csr" else _major_minor(X)[0]
        return _with_data(X, X.data * w[cols])
    return X * w


def scale_rows(X, v):
    """:math:`\\diag(v)X`: row ``i`` times ``v[i]``."""
    if is_sparse(X):
        rows = _major_minor(X)[0] if X.format == "csr" else X.indices
        return _with_data(X, X.data * v[rows])
    return v[:, None] * X


def row_scale(W):
    """``(m, s)`` with ``m_i = max_j |W_ij|`` and ``s_i = sum_j (W_ij/m_i)^2``, so ``sum_j W_ij^2 = m_i^2 s_i``.

    The scaled form neither overflows nor underflows where the sum of squares
    itself is a float (and ``m_i = s_i = 0`` for an all-zero row).
    """
    if is_sparse(W):
        rows, _ = _rows_cols(W)
        n = W.shape[0]
        a = np.abs(W.data)
        m = np.zeros(n)
        if W.format == "csr":  # rows are contiguous runs of the stored values
            full = np.flatnonzero(np.diff(W.indptr))
            if full.size:
                m[full] = np.maximum.reduceat(a, W.indptr[full])
        else:
            np.maximum.at(m, rows, a)
        safe = np.where(m > 0, m, 1.0)
        q = a / safe[rows]
        return m, np.bincount(rows, weights=q * q, minlength=n)
    m = np.abs(W).max(axis=1)
    safe = np.where(m > 0, m, 1.0)
    s = ((W / safe[:, None]) ** 2).sum(axis=1)
    return m, s


def weighted_col_sq_sums(X, v):
    """:math:`\\sum_i (v_i|x_{ij}|)|x_{ij}|`, ordered so that :math:`v_i = 0` times a huge square is 0."""
    if is_sparse(X) or isinstance(X, RowBatch):
        rows, cols = _rows_cols(X)
        a = np.abs(X.data)
        with np.errstate(over="ignore"):
            return np.bincount(cols, weights=(v[rows] * a) * a, minlength=X.shape[1])
    absX = np.abs(X)
    with np.errstate(over="ignore"):
        return ((v[:, None] * absX) * absX).sum(axis=0)


class RowBatch:
    """Rows of a CSR design as coordinates on the columns they touch: a minibatch without SciPy overhead.

    ``B @ v`` and ``B.T @ v`` are ``np.bincount`` sums over the stored values in row-major
    order, the order of SciPy's CSR products, so the results are the same floats; building
    one costs O(stored values) and no SciPy object, which matters for small batches.
    """

    __slots__ = ("data", "rows", "cols", "shape")
    format = "coo"

    def __init__(self, data, rows, cols, shape):
        self.data, self.rows, self.cols, self.shape = data, rows, cols, shape

    def __matmul__(self, v):
        return np.bincount(self.rows, weights=self.data * v[self.cols], minlength=self.shape[0])

    @property
    def T(self):
        return RowBatch(self.data, self.cols, self.rows, (self.shape[1], self.shape[0]))

    def _with_data(self, data):
        return RowBatch(data, self.rows, self.cols, self.shape)


def batch_rows(X, idx):
    """Rows ``idx`` of ``X`` restricted to the columns they touch: ``(Xb, cols)``.

    Dense: ``(X[idx], slice(None))``. CSR: ``Xb`` is a :class:`RowBatch` of shape
    ``(len(idx), len(cols))`` holding the selected rows on the sorted columns ``cols``
    that have a stored value in them, built in O(stored values of the rows) without
    touching the other columns, so a minibatch step on a wide sparse design costs
    nothing per unused feature.
    """
    if not is_sparse(X):
        return X[idx], slice(None)
    starts, ends = X.indptr[idx], X.indptr[idx + 1]
    lengths = ends - starts
    total = int(lengths.sum())
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    pos = np.repeat(starts - offsets, lengths) + np.arange(total)
    cols, inv = np.unique(X.indices[pos], return_inverse=True)
    rows = np.repeat(np.arange(len(idx)), lengths)
    return RowBatch(X.data[pos], rows, inv, (len(idx), cols.size)), cols
