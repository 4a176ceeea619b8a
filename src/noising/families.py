"""Generalised linear model families: the log-partition function and its derivatives.

A GLM with natural parameter :math:`z = x\\beta` has density
:math:`p(y \\mid x, \\beta) = h(y)\\exp\\{y\\,x\\beta - A(x\\beta)\\}` (Wager et al.,
2013, eq. 1). Everything the book needs about a family is its log-partition
function :math:`A` and the first three derivatives:

=============  =======================  ==================  ===============================
family         :math:`A(z)`             :math:`A'(z)`       :math:`A''(z)`
=============  =======================  ==================  ===============================
``linear``     :math:`z^2/2`            :math:`z`           :math:`1`
``logistic``   :math:`\\log(1+e^z)`      :math:`\\sigma(z)`   :math:`\\sigma(z)\\sigma(-z)`
``poisson``    :math:`e^z`              :math:`e^z`         :math:`e^z`
=============  =======================  ==================  ===============================

All functions accept any real array and never emit overflow warnings: the
logistic ones are evaluated in forms that cannot overflow, and the Poisson ones
return ``inf`` (the correctly rounded value) where :math:`e^z` exceeds the
float range.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy.special import expit

__all__ = ["Family", "FAMILIES", "get_family", "softplus", "sigmoid"]


def softplus(z):
    """Logistic log-partition :math:`A(z) = \\log(1 + e^z)`, overflow-free.

    Uses ``logaddexp(0, z)``, which equals ``max(z, 0) + log1p(exp(-|z|))``
    and is exact to rounding for every real ``z``.

    Parameters
    ----------
    z : array_like
        Natural parameter(s) :math:`x\\beta`.

    Returns
    -------
    ndarray or float
        :math:`A(z)`.
    """
    return np.logaddexp(0.0, np.asarray(z, dtype=float))


def sigmoid(z):
    """Logistic mean function :math:`A'(z) = \\sigma(z) = 1/(1+e^{-z})`, overflow-free."""
    return expit(np.asarray(z, dtype=float))


def _logistic_a2(z):
    z = np.asarray(z, dtype=float)
    return expit(z) * expit(-z)


def _logistic_a3(z):
    z = np.asarray(z, dtype=float)
    # sigma(z) sigma(-z) (1 - 2 sigma(z)) with 1 - 2 sigma(z) = sigma(-z) - sigma(z)
    return expit(z) * expit(-z) * (expit(-z) - expit(z))


def _exp(z):
    with np.errstate(over="ignore"):
        return np.exp(np.asarray(z, dtype=float))


def _square_half(z):
    z = np.asarray(z, dtype=float)
    with np.errstate(over="ignore"):
        return 0.5 * z * z


def _identity(z):
    return np.asarray(z, dtype=float) * 1.0


def _ones(z):
    return np.ones_like(np.asarray(z, dtype=float))


def _zeros(z):
    return np.zeros_like(np.asarray(z, dtype=float))


@dataclass(frozen=True)
class Family:
    """A GLM family given by its log-partition function.

    Attributes
    ----------
    name : str
        ``"linear"``, ``"logistic"`` or ``"poisson"``.
    A, A1, A2, A3 : callable
        :math:`A` and its first three derivatives, vectorised over arrays.
    """

    name: str
    A: Callable
    A1: Callable
    A2: Callable
    A3: Callable

    def __repr__(self) -> str:  # pragma: no cover - cosmetic
        return f"Family({self.name!r})"


FAMILIES = {
    "linear": Family("linear", _square_half, _identity, _ones, _zeros),
    "logistic": Family("logistic", softplus, sigmoid, _logistic_a2, _logistic_a3),
    "poisson": Family("poisson", _exp, _exp, _exp, _exp),
}


def get_family(family):
    """Return the :class:`Family` named ``family`` (or ``family`` itself if already one).

    Raises
    ------
    ValueError
        If the name is not one of ``"linear"``, ``"logistic"``, ``"poisson"``.
    """
    if isinstance(family, Family):
        return family
    try:
        return FAMILIES[family]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown family {family!r}; choose one of {sorted(FAMILIES)}."
        ) from None
