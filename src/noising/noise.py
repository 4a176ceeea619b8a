"""Feature-noising schemes: dropout and additive Gaussian noise.

Both schemes are unbiased, :math:`\\mathbb{E}_\\xi[\\tilde x] = x`, which is what
makes the first-order term of the Taylor expansion of the noising regularizer
vanish (Wager et al., 2013, Section 2).

* :class:`Dropout`: :math:`\\tilde x = x \\odot \\xi/(1-\\delta)` with
  :math:`\\xi_j \\sim \\mathrm{Bernoulli}(1-\\delta)` independently, so
  :math:`\\operatorname{Var}_\\xi[\\tilde x\\beta] = \\frac{\\delta}{1-\\delta}\\sum_j x_j^2\\beta_j^2`;
  ``delta`` may also be a vector, one rate :math:`\\delta_j` per feature, and then
  :math:`\\operatorname{Var}_\\xi[\\tilde x\\beta] = \\sum_j \\frac{\\delta_j}{1-\\delta_j} x_j^2\\beta_j^2`.
* :class:`Gaussian`: :math:`\\tilde x = x + \\varepsilon` with
  :math:`\\varepsilon \\sim N(0, \\sigma^2 I)`, so
  :math:`\\operatorname{Var}_\\xi[\\tilde x\\beta] = \\sigma^2\\lVert\\beta\\rVert_2^2`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._linalg import _with_data, is_sparse, scale_columns
from ._linalg import row_scale as _row_scale
from ._validate import (
    check_array,
    check_design,
    check_design_beta,
    check_dropout_rates,
    check_noise,
    check_random_state,
    check_scalar,
)

__all__ = ["Dropout", "Gaussian", "check_noise"]


def _norm(v):
    """Euclidean norm of a 1-D float vector without overflow or underflow."""
    m, s = _row_scale(v[None, :])
    return float(m[0] * np.sqrt(s[0]))


@dataclass(frozen=True, eq=False)
class Dropout:
    """Dropout noise with drop probability ``delta``, rescaled to be unbiased.

    Feature :math:`j` is kept with probability :math:`1-\\delta_j` and then divided by
    :math:`1-\\delta_j`, so :math:`\\mathbb{E}[\\tilde x] = x` and

    .. math::

        \\operatorname{Var}_\\xi[\\tilde x_i\\beta] = \\sum_j \\frac{\\delta_j}{1-\\delta_j}\\,x_{ij}^2\\beta_j^2

    (Wager et al., 2013, Table 1's dropout row, with one rate per feature; the
    features are dropped independently, so the derivation is the same term by term).

    Parameters
    ----------
    delta : float or array_like of shape (d,)
        Probability that a feature is dropped, ``0 <= delta < 1``: one rate for every
        feature, or one per feature (``delta[j] = 0`` for a column never dropped, such
        as an intercept). A vector must have one entry per column of the design it is
        used with.

    Raises
    ------
    TypeError
        If ``delta`` is not a real number or a vector of them (a bool, a string, ``None``...).
    ValueError
        If a rate is not a finite number in ``[0, 1)``.

    Examples
    --------
    >>> Dropout(0.5).scale
    2.0
    >>> Dropout([0.0, 0.5]).scale.tolist()
    [1.0, 2.0]
    """

    delta: float

    def __post_init__(self):
        d = check_dropout_rates(
            self.delta, "delta",
            hint="delta = 1 would drop every feature and the rescaling 1/(1 - delta) is undefined",
        )
        object.__setattr__(self, "delta", d)

    @property
    def per_feature(self) -> bool:
        """Whether the rates are a vector (one per feature) rather than one number."""
        return isinstance(self.delta, np.ndarray)

    @property
    def scale(self):
        """The rescaling factor :math:`1/(1-\\delta_j)` applied to kept features (float, or one per feature)."""
        return 1.0 / (1.0 - self.delta)

    @property
    def odds(self):
        """:math:`\\delta_j/(1-\\delta_j)`, the variance factor of each feature (float, or one per feature)."""
        return self.delta / (1.0 - self.delta)

    def __eq__(self, other):
        if not isinstance(other, Dropout):
            return NotImplemented
        return self.per_feature == other.per_feature and bool(np.array_equal(self.delta, other.delta))

    def __hash__(self):
        return hash(("Dropout", tuple(self.delta.tolist()) if self.per_feature else self.delta))

    def __repr__(self):
        if self.per_feature:
            return f"Dropout(delta={np.array2string(self.delta, separator=', ', threshold=8)})"
        return f"Dropout(delta={self.delta!r})"

    def variance(self, X, beta):
        """Per-example :math:`\\operatorname{Var}_\\xi[\\tilde x_i\\beta] = \\sum_j \\frac{\\delta_j}{1-\\delta_j} x_{ij}^2\\beta_j^2`.

        ``X`` may be a ``scipy.sparse`` matrix (only its stored values are used).

        Returns
        -------
        ndarray, shape (n,)
        """
        X, beta = check_design_beta(X, beta, accept_sparse="csr")
        check_noise(self, d=X.shape[1])
        f, m = self._variance_parts(X, beta)
        with np.errstate(over="ignore"):
            return f * m * m

    def _variance_parts(self, X, beta):
        """``(f, m)`` with variance ``f * m**2`` per example, for checked arrays (no overflow in ``f``, ``m``)."""
        if self.per_feature:  # sum_j (sqrt(odds_j) x_ij beta_j)^2
            m, s = _row_scale(scale_columns(X, np.sqrt(self.odds) * beta))
            return s, m
        m, s = _row_scale(scale_columns(X, beta))
        return self.odds * s, m

    def sample(self, X, rng):
        """Draw one noised copy :math:`\\tilde X` of ``X`` (same shape, same kind).

        Parameters
        ----------
        X : array_like or scipy.sparse matrix, shape (n, d)
            A sparse design gives a sparse copy: only its stored values are dropped
            (the random stream then differs from the dense one's).
        rng : numpy.random.Generator or int
            Source of randomness (a seed is turned into a Generator).
        """
        if is_sparse(X):
            X = check_design(X, "X", accept_sparse="csr", allow_no_rows=True)
            check_noise(self, d=X.shape[1])
            rng = check_random_state(rng, "rng")
            delta = self.delta[X.indices] if self.per_feature else self.delta
            scale = self.scale[X.indices] if self.per_feature else self.scale
            keep = rng.random(X.nnz) >= delta
            return _with_data(X, X.data * keep * scale)
        X = check_array(X, "X", allow_empty=True)
        if self.per_feature:
            check_noise(self, d=X.shape[-1] if X.ndim else 0)
        rng = check_random_state(rng, "rng")
        keep = rng.random(X.shape) >= self.delta
        return X * keep * self.scale


@dataclass(frozen=True)
class Gaussian:
    """Additive Gaussian noise :math:`\\tilde x = x + \\varepsilon`, :math:`\\varepsilon\\sim N(0,\\sigma^2 I)`.

    Parameters
    ----------
    sigma : float
        Standard deviation, ``sigma >= 0``.

    Raises
    ------
    TypeError
        If ``sigma`` is not a real number.
    ValueError
        If ``sigma`` is negative, NaN or infinite.
    """

    sigma: float

    def __post_init__(self):
        s = check_scalar(
            self.sigma, "sigma", min=0,
            hint="pass the standard deviation, not the variance, and use sigma = 0 for no noise",
        )
        object.__setattr__(self, "sigma", s)

    def variance(self, X, beta):
        """Per-example :math:`\\operatorname{Var}_\\xi[\\tilde x_i\\beta] = \\sigma^2\\lVert\\beta\\rVert_2^2`.

        ``X`` may be a ``scipy.sparse`` matrix (only its shape is used).

        Returns
        -------
        ndarray, shape (n,)
        """
        f, m = self._variance_parts(*check_design_beta(X, beta, accept_sparse="csr"))
        with np.errstate(over="ignore"):
            return f * m * m

    def _variance_parts(self, X, beta):
        """``(f, m)`` with variance ``f * m**2`` per example: ``f = 1``, ``m = sigma * ||beta||``."""
        with np.errstate(over="ignore"):
            m = self.sigma * _norm(beta)
        return np.ones(X.shape[0]), np.full(X.shape[0], m)

    def sample(self, X, rng):
        """Draw one noised copy :math:`\\tilde X = X + \\varepsilon` of ``X``."""
        X = check_array(X, "X", allow_empty=True)
        rng = check_random_state(rng, "rng")
        return X + self.sigma * rng.standard_normal(X.shape)
