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

:meth:`Family.remainder` is the first-order Taylor remainder
:math:`A(z+\\Delta) - A(z) - A'(z)\\Delta \\ge 0`, the summand of the noising
regularizer (Wager et al., 2013, eq. 1 written with :math:`\\mathbb{E}[\\Delta] = 0`),
evaluated without the cancellation of the subtraction: it keeps its relative
accuracy for tiny :math:`\\Delta` and huge :math:`|z|`, and is never negative.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.special import expit, log_expit

from ._validate import check_choice

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


def _em1mx(d):
    """:math:`e^d - 1 - d \\ge 0`, accurate to a few ulps for every real ``d``."""
    d = np.asarray(d, dtype=float)
    out = np.empty_like(d)
    small = np.abs(d) <= 1.0
    ds = d[small]
    # d^2/2 (1 + d/3 (1 + d/4 (1 + ...))): the series to d^20/20! (< 1e-18 relative)
    acc = np.ones_like(ds)
    for m in range(20, 2, -1):
        acc = 1.0 + ds / m * acc
    out[small] = 0.5 * ds * ds * acc
    with np.errstate(over="ignore"):
        out[~small] = np.expm1(d[~small]) - d[~small]
    return out


def _log_em1mx(d):
    """:math:`\\log(e^d - 1 - d)` without overflow (``-inf`` at ``d = 0``)."""
    d = np.asarray(d, dtype=float)
    out = np.empty_like(d)
    big = d > 1.0
    with np.errstate(divide="ignore"):
        out[~big] = np.log(_em1mx(d[~big]))
    db = d[big]
    out[big] = db + np.log1p(-(1.0 + db) * np.exp(-db))
    return out


def _log1pmx(u):
    """:math:`\\log(1+u) - u` for ``|u| <= 0.9``, by the series in ``s = u/(2+u)``.

    :math:`\\log(1+u) = 2\\operatorname{atanh} s` and :math:`u = 2s/(1-s)` give
    :math:`\\log(1+u) - u = -2\\sum_{k\\ge2} c_k s^k` with :math:`c_k = 1` for even and
    :math:`1 - 1/k` for odd :math:`k`; :math:`|s| \\le 0.32`, so 40 terms reach 1e-20.
    """
    s = u / (2.0 + u)
    acc = np.zeros_like(s)
    for k in range(41, 1, -1):
        acc = acc * s + (1.0 if k % 2 == 0 else 1.0 - 1.0 / k)
    return -2.0 * s * s * acc


def _logistic_remainder(z, d):
    """:math:`A(z+d) - A(z) - \\sigma(z) d` for :math:`A` = softplus, relatively accurate and >= 0.

    With :math:`A(z) = z + A(-z)` the remainder at ``(z, d)`` equals the one at
    ``(-z, -d)``, so ``z <= 0`` and :math:`p = \\sigma(z) \\le 1/2`. Then
    :math:`A(z+d) - A(z) = \\log(1 + p(e^d - 1))` and, for :math:`|d| \\le 1`,
    the remainder is :math:`p(e^d-1-d) + [\\log(1+u) - u]` with :math:`u = p(e^d-1)`:
    two accurately computed terms whose ratio is at most about :math:`p \\le 1/2`.
    For :math:`d > 1` the logarithm is formed in log space (no overflow of
    :math:`e^d`); for :math:`d < -1` directly, with a cancellation factor below 3.
    """
    z, d = np.broadcast_arrays(np.asarray(z, dtype=float), np.asarray(d, dtype=float))
    flip = z > 0
    zz = np.where(flip, -z, z)
    dd = np.where(flip, -d, d)
    p = expit(zz)
    out = np.empty(zz.shape)
    small = np.abs(dd) <= 1.0
    ps, ds = p[small], dd[small]
    out[small] = ps * _em1mx(ds) + _log1pmx(ps * np.expm1(ds))
    big = dd > 1.0
    pb, db = p[big], dd[big]
    with np.errstate(invalid="ignore", over="ignore"):
        log_u = log_expit(zz[big]) + db + np.log1p(-np.exp(-db))
        out[big] = np.where(np.isinf(db), np.inf, np.logaddexp(0.0, log_u) - pb * db)
    neg = dd < -1.0
    pn, dn = p[neg], dd[neg]
    out[neg] = np.log1p(pn * np.expm1(dn)) - pn * dn
    return out


def _poisson_remainder(z, d):
    """:math:`e^z(e^d - 1 - d)`, evaluated as :math:`\\exp(z + \\log(e^d-1-d))` (no ``0 * inf``)."""
    z, d = np.broadcast_arrays(np.asarray(z, dtype=float), np.asarray(d, dtype=float))
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        ez, e = np.exp(z), _em1mx(d)
        direct = ez * e  # a few ulps, where neither factor left the float range
        ok = (
            (ez >= np.finfo(float).tiny)
            & np.isfinite(ez)
            & np.isfinite(e)
            & np.isfinite(direct)
            & ((direct > 0) | (e == 0))
        )
        if np.all(ok):
            return direct
        return np.where(ok, direct, np.exp(z + _log_em1mx(d)))


def _linear_remainder(z, d):
    """:math:`d^2/2` (exact; ``inf`` beyond the float range)."""
    z, d = np.broadcast_arrays(np.asarray(z, dtype=float), np.asarray(d, dtype=float))
    with np.errstate(over="ignore"):
        return 0.5 * d * d


_REMAINDERS = {"linear": _linear_remainder, "logistic": _logistic_remainder, "poisson": _poisson_remainder}


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

    def remainder(self, z, dz):
        """First-order Taylor remainder :math:`A(z+\\Delta) - A(z) - A'(z)\\Delta` (Wager et al., 2013, eq. 1).

        Summed over the noise with weights that make :math:`\\mathbb{E}[\\Delta]=0`,
        it is the noising regularizer :math:`R`. Evaluated in a form without the
        subtraction of nearly equal numbers for the three built-in families, so it
        is non-negative (:math:`A` is convex) and relatively accurate for tiny
        :math:`\\Delta` and huge :math:`|z|`.

        Parameters
        ----------
        z, dz : array_like
            Expansion point(s) and step(s), broadcast together.

        Returns
        -------
        ndarray

        Examples
        --------
        >>> float(get_family("logistic").remainder(0.0, 1e-9))  # A''(0)/2 * 1e-18
        1.25e-19
        """
        rem = _REMAINDERS.get(self.name)
        if rem is not None:
            return rem(z, dz)
        z, dz = np.asarray(z, dtype=float), np.asarray(dz, dtype=float)
        return self.A(z + dz) - self.A(z) - self.A1(z) * dz


FAMILIES = {
    "linear": Family("linear", _square_half, _identity, _ones, _zeros),
    "logistic": Family("logistic", softplus, sigmoid, _logistic_a2, _logistic_a3),
    "poisson": Family("poisson", _exp, _exp, _exp, _exp),
}


def get_family(family):
    """Return the :class:`Family` named ``family`` (or ``family`` itself if already one).

    Raises
    ------
    TypeError
        If ``family`` is neither a string nor a :class:`Family`.
    ValueError
        If the name is not one of ``"linear"``, ``"logistic"``, ``"poisson"``.

    Examples
    --------
    >>> get_family("poisson").name
    'poisson'
    """
    if isinstance(family, Family):
        return family
    return FAMILIES[check_choice(family, "family", FAMILIES)]
