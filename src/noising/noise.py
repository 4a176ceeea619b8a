"""Feature-noising schemes: dropout and additive Gaussian noise.

Both schemes are unbiased, :math:`\\mathbb{E}_\\xi[\\tilde x] = x`, which is what
makes the first-order term of the Taylor expansion of the noising regularizer
vanish (Wager et al., 2013, Section 2).

* :class:`Dropout`: :math:`\\tilde x = x \\odot \\xi/(1-\\delta)` with
  :math:`\\xi_j \\sim \\mathrm{Bernoulli}(1-\\delta)` independently, so
  :math:`\\operatorname{Var}_\\xi[\\tilde x\\beta] = \\frac{\\delta}{1-\\delta}\\sum_j x_j^2\\beta_j^2`.
* :class:`Gaussian`: :math:`\\tilde x = x + \\varepsilon` with
  :math:`\\varepsilon \\sim N(0, \\sigma^2 I)`, so
  :math:`\\operatorname{Var}_\\xi[\\tilde x\\beta] = \\sigma^2\\lVert\\beta\\rVert_2^2`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._linalg import row_scale as _row_scale
from ._linalg import scale_columns
from ._validate import check_array, check_design_beta, check_noise, check_probability, check_random_state, check_scalar

__all__ = ["Dropout", "Gaussian", "check_noise"]


def _norm(v):
    """Euclidean norm of a 1-D float vector without overflow or underflow."""
    m, s = _row_scale(v[None, :])
    return float(m[0] * np.sqrt(s[0]))


@dataclass(frozen=True)
class Dropout:
    """Dropout noise with drop probability ``delta``, rescaled to be unbiased.

    Parameters
    ----------
    delta : float
        Probability that a feature is dropped, ``0 <= delta < 1``.

    Raises
    ------
    TypeError
        If ``delta`` is not a real number (a bool, a string, ``None``...).
    ValueError
        If ``delta`` is not a finite number in ``[0, 1)``.

    Examples
    --------
    >>> Dropout(0.5).scale
    2.0
    """

    delta: float

    def __post_init__(self):
        d = check_probability(
            self.delta, "delta",
            hint="delta = 1 would drop every feature and the rescaling 1/(1 - delta) is undefined",
        )
        object.__setattr__(self, "delta", d)

    @property
    def scale(self) -> float:
        """The rescaling factor :math:`1/(1-\\delta)` applied to kept features."""
        return 1.0 / (1.0 - self.delta)

    def variance(self, X, beta):
        """Per-example :math:`\\operatorname{Var}_\\xi[\\tilde x_i\\beta] = \\frac{\\delta}{1-\\delta}\\sum_j x_{ij}^2\\beta_j^2`.

        ``X`` may be a ``scipy.sparse`` matrix (only its stored values are used).

        Returns
        -------
        ndarray, shape (n,)
        """
        f, m = self._variance_parts(*check_design_beta(X, beta, accept_sparse="csr"))
        with np.errstate(over="ignore"):
            return f * m * m

    def _variance_parts(self, X, beta):
        """``(f, m)`` with variance ``f * m**2`` per example, for checked arrays (no overflow in ``f``, ``m``)."""
        m, s = _row_scale(scale_columns(X, beta))
        return self.delta / (1.0 - self.delta) * s, m

    def sample(self, X, rng):
        """Draw one noised copy :math:`\\tilde X` of ``X`` (same shape).

        Parameters
        ----------
        X : array_like, shape (n, d)
        rng : numpy.random.Generator or int
            Source of randomness (a seed is turned into a Generator).
        """
        X = check_array(X, "X", allow_empty=True)
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
