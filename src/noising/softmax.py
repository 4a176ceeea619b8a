"""The softmax case: the log-sum-exp function along a line of logits (Schluter, 2019, Section 5).

:math:`f(t) = \\log\\sum_{k=1}^K e^{\\eta_k + t v_k}` is the log-partition function of
multinomial logistic regression restricted to the line :math:`\\eta + t v`; with
:math:`v = (\\tilde x - x)B` it is the direction of one dropout mask.
:func:`lse_line_coefficients` gives its Taylor coefficients at :math:`t = 0` and
:func:`lse_line_radius` the radius of convergence of that series.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np

from ._validate import check_array, check_count
from .derivatives import MAX_ORDER

__all__ = ["lse_line_coefficients", "lse_line_radius", "MAX_PRECISION_BITS"]

#: Largest mpmath working precision (bits) :func:`lse_line_coefficients` uses.
MAX_PRECISION_BITS = 100_000


def _lse_args(eta, v):
    eta = check_array(eta, "eta", finite=False, allow_empty=True)
    v = check_array(v, "v", finite=False, allow_empty=True)
    if eta.ndim != 1 or v.shape != eta.shape or eta.size < 2:
        raise ValueError(
            f"eta and v must be 1-D arrays of the same length K >= 2 (one entry per class), "
            f"got shapes {eta.shape} and {v.shape}."
        )
    return check_array(eta, "eta"), check_array(v, "v")


def lse_line_coefficients(eta, v, order):
    """Taylor coefficients of :math:`f(t) = \\log\\sum_{k=1}^K e^{\\eta_k + t v_k}` at :math:`t = 0`.

    :math:`f` is the log-partition function of multinomial logistic regression
    (softmax with cross-entropy) restricted to the line of logits :math:`\\eta + t v`;
    with :math:`v = (\\tilde x - x)B` it is the direction of one dropout mask. With
    :math:`S(t)=\\sum_k e^{\\eta_k} e^{t v_k} = \\sum_n s_n t^n`, :math:`s_n=\\sum_k e^{\\eta_k}v_k^n/n!`,
    the coefficients :math:`g_n` of :math:`f=\\log S` follow from :math:`S f' = S'`:
    :math:`n g_n s_0 = n s_n - \\sum_{j=1}^{n-1} j g_j s_{n-j}` (evaluated in mpmath at a
    working precision chosen from ``order``, as the sum cancels).

    Parameters
    ----------
    eta : array_like, shape (K,)
        Logits at the expansion point, ``K >= 2``.
    v : array_like, shape (K,)
        Direction of the line.
    order : int
        Highest coefficient, ``order >= 0``.

    Returns
    -------
    list of mpmath.mpf
        ``[g_0, ..., g_order]``, accurate to at least 30 significant digits.

    Raises
    ------
    TypeError
        If an array is not real or ``order`` is not an integer.
    ValueError
        If the shapes differ, ``K < 2``, an entry is NaN or infinite, ``order`` is
        outside ``[0, MAX_ORDER]``, or ``|v|`` is so large that the working precision
        would exceed ``MAX_PRECISION_BITS`` (100 000 bits; rescale the line).

    Examples
    --------
    >>> [float(g) for g in lse_line_coefficients([0.0, 0.0], [0.0, 1.0], 2)]  # log 2, 1/2, 1/8
    [0.6931471805599453, 0.5, 0.125]
    """
    eta, v = _lse_args(eta, v)
    order = check_count(order, "order", min=0, max=MAX_ORDER)
    prec = 64 + 8 * order + int(4 * np.log2(1.0 + np.abs(v).max())) * order
    if prec > MAX_PRECISION_BITS:
        raise ValueError(
            f"v: entries up to {np.abs(v).max():.3g} at order {order} need {prec} bits of working "
            f"precision, above the limit {MAX_PRECISION_BITS}; rescale the line (t -> t * c, v -> v / c)."
        )
    with mpmath.workprec(prec):
        w = [mpmath.exp(mpmath.mpf(e) - mpmath.mpf(float(eta.max()))) for e in eta]
        vs = [mpmath.mpf(x) for x in v]
        s = []
        for n in range(order + 1):
            s.append(mpmath.fsum(wk * vk**n for wk, vk in zip(w, vs)) / mpmath.factorial(n))
        g = [mpmath.log(s[0]) + mpmath.mpf(float(eta.max()))]
        for n in range(1, order + 1):
            acc = n * s[n] - mpmath.fsum(j * g[j] * s[n - j] for j in range(1, n))
            g.append(acc / (n * s[0]))
    with mpmath.workprec(256):
        return [+x for x in g]


def lse_line_radius(eta, v):
    """Radius of convergence at :math:`t=0` of :math:`\\log\\sum_k e^{\\eta_k + t v_k}`, integer ``v``.

    The function is analytic wherever :math:`S(t) = \\sum_k e^{\\eta_k + t v_k} \\ne 0`, and has
    a logarithmic branch point at every zero of :math:`S`. For integer :math:`v`,
    :math:`S(t) = e^{t\\,\\min v}\\,P(e^t)` with the polynomial
    :math:`P(w)=\\sum_k e^{\\eta_k} w^{v_k-\\min v}`; a root :math:`w` of :math:`P` gives the zeros
    :math:`t = \\log|w| + i(\\arg w + 2\\pi m)`, the nearest at distance
    :math:`\\sqrt{\\log^2|w| + \\arg^2 w}` (principal argument). The radius is the minimum
    over the roots (infinite if all :math:`v_k` are equal). For :math:`K=2`,
    :math:`\\eta=(0,z_0)`, :math:`v=(0,1)` this is :func:`noising.derivatives.radius` of :math:`z_0`.

    Parameters
    ----------
    eta : array_like, shape (K,)
    v : array_like of integers, shape (K,)

    Returns
    -------
    float

    Raises
    ------
    TypeError
        If an array is not real.
    ValueError
        If the shapes differ, an entry is NaN or infinite, or ``v`` is not integer-valued
        with ``|v_k| <= 64`` (rescale the line, or use the root test on
        :func:`lse_line_coefficients`).

    Examples
    --------
    >>> round(lse_line_radius([0.0, 0.0], [0, 1]), 12)  # the radius of softplus at 0: pi
    3.14159265359
    """
    eta, v = _lse_args(eta, v)
    if not np.all(v == np.round(v)) or np.abs(v).max() > 64:
        raise ValueError(
            "v: lse_line_radius needs integer directions v with |v_k| <= 64 (so that the zeros come "
            "from a polynomial); rescale t, or estimate the radius with a root test on "
            "lse_line_coefficients."
        )
    shift = v - v.min()
    deg = int(shift.max())
    if deg == 0:
        return math.inf
    coeffs = [mpmath.mpf(0)] * (deg + 1)  # highest degree first, as mpmath.polyroots expects
    top = float(eta.max())
    for e, sh in zip(eta, shift):
        coeffs[deg - int(sh)] += mpmath.exp(mpmath.mpf(e) - top)
    with mpmath.workdps(40):
        # w = rho u with rho the geometric mean of the roots' moduli, so that the roots u are of
        # order one (polyroots' tolerance is absolute: a root near e^-200 would come back as 0)
        log_rho = (mpmath.log(coeffs[-1]) - mpmath.log(coeffs[0])) / deg
        scaled = [c * mpmath.exp((deg - i) * log_rho) for i, c in enumerate(coeffs)]
        top_c = max(abs(c) for c in scaled)
        scaled = [c / top_c for c in scaled]
        roots = mpmath.polyroots(scaled, maxsteps=400, extraprec=400)
        dist = min(abs(log_rho + mpmath.log(u)) for u in roots)
    return float(dist)
