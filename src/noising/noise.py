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

import math
from dataclasses import dataclass

import numpy as np

from ._validate import as_design

__all__ = ["Dropout", "Gaussian", "check_noise"]


@dataclass(frozen=True)
class Dropout:
    """Dropout noise with drop probability ``delta``, rescaled to be unbiased.

    Parameters
    ----------
    delta : float
        Probability that a feature is dropped, ``0 <= delta < 1``.

    Raises
    ------
    ValueError
        If ``delta`` is not a finite number in ``[0, 1)``.
    """

    delta: float

    def __post_init__(self):
        d = self.delta
        if isinstance(d, bool) or not isinstance(d, (int, float, np.integer, np.floating)):
            raise ValueError(f"delta must be a number in [0, 1), got {d!r}.")
        if not (math.isfinite(d) and 0.0 <= d < 1.0):
            raise ValueError(
                f"dropout probability delta must satisfy 0 <= delta < 1, got {d}; "
                "delta = 1 would drop every feature and the rescaling 1/(1 - delta) is undefined."
            )
        object.__setattr__(self, "delta", float(d))

    @property
    def scale(self) -> float:
        """The rescaling factor :math:`1/(1-\\delta)` applied to kept features."""
        return 1.0 / (1.0 - self.delta)

    def variance(self, X, beta):
        """Per-example :math:`\\operatorname{Var}_\\xi[\\tilde x_i\\beta] = \\frac{\\delta}{1-\\delta}\\sum_j x_{ij}^2\\beta_j^2`.

        Returns
        -------
        ndarray, shape (n,)
        """
        X, beta = as_design(X, beta)
        return self.delta / (1.0 - self.delta) * ((X * beta) ** 2).sum(axis=1)

    def sample(self, X, rng):
        """Draw one noised copy :math:`\\tilde X` of ``X`` (same shape).

        Parameters
        ----------
        X : array_like, shape (n, d)
        rng : numpy.random.Generator or int
            Source of randomness (a seed is turned into a Generator).
        """
        X = np.asarray(X, dtype=float)
        rng = np.random.default_rng(rng)
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
    ValueError
        If ``sigma`` is negative, NaN or infinite.
    """

    sigma: float

    def __post_init__(self):
        s = self.sigma
        if isinstance(s, bool) or not isinstance(s, (int, float, np.integer, np.floating)):
            raise ValueError(f"sigma must be a non-negative number, got {s!r}.")
        if not (math.isfinite(s) and s >= 0.0):
            raise ValueError(
                f"noise standard deviation sigma must be finite and >= 0, got {s}; "
                "pass the standard deviation, not the variance, and use sigma = 0 for no noise."
            )
        object.__setattr__(self, "sigma", float(s))

    def variance(self, X, beta):
        """Per-example :math:`\\operatorname{Var}_\\xi[\\tilde x_i\\beta] = \\sigma^2\\lVert\\beta\\rVert_2^2`.

        Returns
        -------
        ndarray, shape (n,)
        """
        X, beta = as_design(X, beta)
        return np.full(X.shape[0], self.sigma**2 * float(beta @ beta))

    def sample(self, X, rng):
        """Draw one noised copy :math:`\\tilde X = X + \\varepsilon` of ``X``."""
        X = np.asarray(X, dtype=float)
        rng = np.random.default_rng(rng)
        return X + self.sigma * rng.standard_normal(X.shape)


def check_noise(noise):
    """Return ``noise`` if it is a :class:`Dropout` or :class:`Gaussian`, else raise ``ValueError``."""
    if not isinstance(noise, (Dropout, Gaussian)):
        raise ValueError(
            f"noise must be noising.Dropout(delta) or noising.Gaussian(sigma), got {noise!r}."
        )
    return noise
