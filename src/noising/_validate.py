"""Input checks shared by every public function of :mod:`noising`.

Each check raises :class:`ValueError` with a message that says what is wrong
and what to do instead, so that a reader who passes bad input learns how to fix
it without reading the source.
"""
from __future__ import annotations

import numpy as np


def as_design(X, beta):
    """Return ``(X, beta)`` as float arrays of shape ``(n, d)`` and ``(d,)``.

    Parameters
    ----------
    X : array_like, shape (n, d) or (d,)
        Design matrix, or a single example.
    beta : array_like, shape (d,)
        Weight vector.

    Raises
    ------
    ValueError
        If the shapes do not match, an array is empty, or an entry is NaN or
        infinite.
    """
    X = np.asarray(X, dtype=float)
    beta = np.asarray(beta, dtype=float)
    if beta.ndim != 1:
        raise ValueError(
            f"beta must be a 1-D vector of shape (d,), got shape {beta.shape}; "
            "pass a flat array such as beta.ravel()."
        )
    if X.ndim == 1:
        X = X[None, :]
    if X.ndim != 2:
        raise ValueError(
            f"X must have shape (n, d) or (d,), got shape {X.shape}; "
            "stack the examples as the rows of a 2-D array."
        )
    if X.shape[1] != beta.shape[0]:
        raise ValueError(
            f"X has {X.shape[1]} columns but beta has {beta.shape[0]} entries; "
            "they must agree (X is (n, d), beta is (d,))."
        )
    if X.size == 0:
        raise ValueError("X is empty; pass at least one example with at least one feature.")
    finite(X, "X")
    finite(beta, "beta")
    return X, beta


def finite(a, name):
    """Raise ``ValueError`` if array ``a`` holds NaN or infinity."""
    a = np.asarray(a)
    if not np.all(np.isfinite(a)):
        raise ValueError(
            f"{name} contains NaN or infinite values; remove or impute them before calling."
        )
    return a


def positive_int(value, name):
    """Return ``value`` as an int, raising ``ValueError`` unless it is >= 1."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be a positive integer, got {value!r}.")
    if value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value}.")
    return int(value)


def labels(y, n, family=None):
    """Validate responses ``y`` for the ``n`` rows of a design.

    Parameters
    ----------
    y : array_like, shape (n,)
    n : int
        Number of rows of X.
    family : Family, optional
        When given, the responses must lie in the family's support: labels in
        {0, 1} for ``"logistic"``, counts >= 0 for ``"poisson"``.

    Returns
    -------
    ndarray, shape (n,), float

    Raises
    ------
    ValueError
        On a wrong shape, NaN or inf, or a response outside the family's support.
    """
    y = np.asarray(y, dtype=float)
    if y.ndim != 1 or y.shape[0] != n:
        raise ValueError(
            f"y must be a 1-D array with one response per row of X ({n}), got shape {y.shape}; "
            "pass y.ravel() if it is a column vector."
        )
    finite(y, "y")
    name = getattr(family, "name", None)
    if name == "logistic" and not np.all((y == 0) | (y == 1)):
        raise ValueError("logistic regression needs labels y in {0, 1}; recode e.g. y = (y > 0).astype(float).")
    if name == "poisson" and np.any(y < 0):
        raise ValueError("Poisson regression needs counts y >= 0.")
    return y
