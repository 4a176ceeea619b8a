"""Derivatives of the logistic log-partition function and the radius of convergence of its Taylor series.

The logistic log-partition function is :math:`A(z) = \\log(1+e^z)` (softplus), with
:math:`A' = \\sigma` (the sigmoid, :math:`p`) and :math:`A'' = \\sigma(1-\\sigma) = p'`.
Schluter (2019, Theorem 1) writes the higher derivatives with the triangle of numbers
:math:`T(k,j) = j!\\,S_2(k,j)` (Stirling numbers of the second kind, OEIS A019538).
With the index made precise (the book, chapter "Higher-order expansions"), for
:math:`k \\ge 1`

.. math::

    A^{(k+1)}(z) = \\sigma^{(k)}(z)
    = \\sigma'(z)\\sum_{j=1}^{k} (-1)^{j-1}\\,T(k,j)\\,\\sigma(z)^{j-1}.

The alternating sum cancels catastrophically in floating point (at :math:`z=0` and
:math:`k=400` the terms are about :math:`10^{180}` times larger than the result), so
:func:`softplus_derivatives` evaluates it with exact integer coefficients and a
fixed-point representation of :math:`\\sigma(z)` whose number of bits is chosen from
:math:`k`; the result is then rounded once to a float.

The radius of convergence of the Taylor series of :math:`A` at a real point is
:func:`radius` (Schluter, 2019, Theorem 2, corrected); :func:`root_test_radius`
estimates a radius from coefficients.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
from scipy.special import expit

from ._validate import check_array, check_count

__all__ = [
    "MAX_ORDER",
    "triangle",
    "softplus_derivative",
    "softplus_derivatives",
    "taylor_coefficients",
    "radius",
    "root_test_radius",
]

#: Highest derivative order computed (the cost grows about as k^3.6: a few seconds at 600,
#: about half a minute at 1000; see :func:`softplus_derivatives`).
MAX_ORDER = 1000

# Rows T(k, .) for k = 1, 2, ... computed so far (row k is _ROWS[k - 1]); a pure memo of
# exact integers, extended on demand by the recurrence T(k+1, j) = j (T(k, j) + T(k, j-1)).
_ROWS: list[list[int]] = [[1]]

_LN2 = math.log(2.0)


_ORDER_HINT = f"orders above {MAX_ORDER} would take minutes to hours (the cost grows about as k^3.6)"


def _rows(k):
    """The rows ``T(1, .)`` .. ``T(k, .)`` of the triangle (exact Python ints)."""
    while len(_ROWS) < k:
        prev = _ROWS[-1]
        n = len(prev)
        row = [1] + [j * (prev[j - 1] + prev[j - 2]) for j in range(2, n + 1)] + [(n + 1) * prev[n - 1]]
        _ROWS.append(row)
    return _ROWS[:k]


def triangle(k):
    """Row ``k`` of the triangle :math:`T(k,j) = j!\\,S_2(k,j)` (OEIS A019538).

    :math:`T(k,j)` counts the ordered partitions of a ``k``-set into ``j`` blocks
    (surjections onto ``j`` labelled blocks). It is the coefficient table of
    Schluter (2019, Theorem 1), built here by the recurrence
    :math:`T(k+1,j) = j\\,\\bigl(T(k,j) + T(k,j-1)\\bigr)`, which follows from
    :math:`S_2(k+1,j) = j\\,S_2(k,j) + S_2(k,j-1)`.

    Parameters
    ----------
    k : int
        Row index, ``k >= 1``.

    Returns
    -------
    list of int
        ``[T(k,1), ..., T(k,k)]`` as exact integers.

    Raises
    ------
    TypeError
        If ``k`` is not an integer.
    ValueError
        If ``k`` is not in ``[1, MAX_ORDER]``.

    Examples
    --------
    >>> triangle(4)
    [1, 14, 36, 24]
    """
    k = check_count(k, "k", min=1, max=MAX_ORDER, hint=_ORDER_HINT)
    return list(_rows(k)[k - 1])


def _fixed_point_powers(w, M, count):
    """``(-1)^j floor(sigma(w)^j 2^M)`` for ``j < count`` and ``sigma'(w)`` as mpf."""
    with mpmath.workprec(M + 64):
        p = 1 / (1 + mpmath.exp(-w))  # sigma(w), tiny but exact in relative terms when w << 0
        dp = p * (1 - p)  # sigma'(w)
        P = int(mpmath.nint(mpmath.ldexp(p, M)))  # fixed point: p ~= P / 2^M
    powers = [1 << M]
    for _ in range(count - 1):
        powers.append((powers[-1] * P) >> M)
    return [q if j % 2 == 0 else -q for j, q in enumerate(powers)], dp


#: Relative accuracy asked of each S_n (bits); rows that cancel below it are redone.
_TARGET_BITS = 72
#: Give up refining once S_n is known to be below 2^-_FLOOR_BITS (far below any float).
_FLOOR_BITS = 1200


def _sigma_derivatives_mp(nmax, z):
    """``[sigma^(1)(z), ..., sigma^(nmax)(z)]`` as mpf, by Theorem 1 (corrected index).

    Evaluated at ``w = -|z|`` (where ``p = sigma(w) <= 1/2``) and mapped back with
    ``sigma^(n)(-w) = (-1)^(n+1) sigma^(n)(w)``. The polynomial
    ``S_n(p) = sum_j (-1)^(j-1) T(n,j) p^(j-1)`` is evaluated exactly with integer
    coefficients and a fixed-point ``p`` of ``M_n`` bits, where ``M_n`` exceeds the bit
    length of the row sum of ``T(n, .)`` by ``128 + log2(n)``: the absolute error of
    ``S_n`` is then below ``2^-128`` whatever the cancellation (a right shift of a
    negative integer floors, so each power is off by less than one unit). Near a
    real zero of ``sigma^(n)`` (e.g. ``z`` close to 0 for even ``n``), where
    ``|S_n|`` is tiny, the row is recomputed with as many extra bits as were lost, so
    the relative accuracy stays about ``2^-72``.
    """
    rows = _rows(nmax)
    big = sum(rows[-1])  # the row sums (ordered Bell numbers) increase with n
    M = big.bit_length() + nmax.bit_length() + 128
    w = -abs(float(z))
    signed, dp = _fixed_point_powers(w, M, nmax)
    out = []
    flip = float(z) > 0
    with mpmath.workprec(M + 64):
        for n, row in enumerate(rows, start=1):
            # row n needs only its own number of bits: drop the others before multiplying
            Mn = sum(row).bit_length() + n.bit_length() + 128
            cut = M - Mn
            s = sum(t * (q >> cut) for t, q in zip(row, signed))
            base = Mn
            while s.bit_length() < Mn - 128 + _TARGET_BITS and Mn - base < _FLOOR_BITS:
                # cancellation below the target: redo this row with the bits that were lost
                Mn += max(64, Mn - 128 + _TARGET_BITS - s.bit_length())
                row_signed, _ = _fixed_point_powers(w, Mn, n)
                s = sum(t * q for t, q in zip(row, row_signed))
            with mpmath.workprec(Mn + 64):
                val = dp * mpmath.ldexp(mpmath.mpf(s), -Mn)
            if flip and n % 2 == 0:  # (-1)^(n+1) = -1 for even n
                val = -val
            out.append(val)
    return out


def _derivatives_mp(k, z):
    """``[A(z), A'(z), ..., A^(k)(z)]`` as mpf (enough precision for any use here)."""
    z = float(z)
    with mpmath.workprec(128):
        zm = mpmath.mpf(z)
        a0 = zm + mpmath.log1p(mpmath.exp(-zm)) if z > 0 else mpmath.log1p(mpmath.exp(zm))
        a1 = 1 / (1 + mpmath.exp(-zm))
    out = [a0, a1]
    if k >= 2:
        out += _sigma_derivatives_mp(k - 1, z)
    return out[: k + 1]


def _derivatives_float(k, z, scaled=False):
    """Float ``A^(0..k)(z)`` (or ``A^(m)(z)/m!`` if ``scaled``) for a finite float ``z``."""
    out = np.empty(k + 1)
    out[0] = np.logaddexp(0.0, z)
    if k >= 1:
        out[1] = expit(z)
    if k >= 2:
        # |A^(m)(z)| <= sigma'(z) * (row sum of T) < 2^(bits - |z|/ln 2): skip what underflows
        bits = sum(_rows(k - 1)[-1]).bit_length()
        if abs(z) / _LN2 - bits > 1200:
            out[2:] = 0.0
        else:
            vals = _sigma_derivatives_mp(k - 1, z)
            if scaled:
                with mpmath.workprec(128):
                    fact = mpmath.mpf(1)
                    for m, v in enumerate(vals, start=2):
                        fact *= m
                        out[m] = float(v / fact)
            else:
                out[2:] = [float(v) for v in vals]
    return out


def softplus_derivatives(k, z):
    """All derivatives :math:`A^{(0)}(z), \\dots, A^{(k)}(z)` of :math:`A(z)=\\log(1+e^z)`.

    Implements Theorem 1 of Schluter (2019) with the index corrected:
    :math:`A^{(m+1)}(z) = \\sigma'(z)\\sum_{j=1}^{m}(-1)^{j-1}T(m,j)\\sigma(z)^{j-1}`
    for :math:`m \\ge 1`, with :math:`A^{(0)} = A` and :math:`A^{(1)} = \\sigma`. The
    triangle :math:`T` is exact (Python integers) and the alternating sum is evaluated
    in fixed point with a number of bits chosen from ``k``, so each value is the
    correctly rounded float of a result accurate to far more than 53 bits. Cost:
    :math:`O(k^2)` big-integer operations (about 0.1 s for ``k = 400``).

    Parameters
    ----------
    k : int
        Highest order, ``k >= 0``.
    z : float or array_like
        Point(s) of evaluation, finite.

    Returns
    -------
    ndarray
        Shape ``(k + 1,)`` for a scalar ``z``, else ``z.shape + (k + 1,)``; entry ``m`` is
        :math:`A^{(m)}(z)`. Values below the float range are 0.0 and values above it
        (e.g. :math:`A^{(400)}(0)\\approx 10^{670}`) are ``inf``, without warnings; use
        :func:`taylor_coefficients` for those.

    Raises
    ------
    TypeError
        If ``k`` is not an integer or ``z`` is not real.
    ValueError
        If ``k`` is not in ``[0, MAX_ORDER]`` or ``z`` holds NaN or infinity.
    """
    k = check_count(k, "k", min=0, max=MAX_ORDER, hint=_ORDER_HINT)
    z = check_array(z, "z", allow_empty=True)
    flat = [_derivatives_float(k, float(v)) for v in z.ravel()]
    return np.asarray(flat).reshape(z.shape + (k + 1,))


def softplus_derivative(k, z):
    """The ``k``-th derivative :math:`A^{(k)}(z)` of :math:`A(z)=\\log(1+e^z)`.

    :math:`A^{(0)}` is softplus, :math:`A^{(1)}=\\sigma`, and for :math:`k\\ge2`
    Theorem 1 of Schluter (2019) with the corrected index (see
    :func:`softplus_derivatives`), accurate to near machine precision for every
    real ``z`` and ``k`` up to several hundred.

    Parameters
    ----------
    k : int
        Order of the derivative, ``k >= 0``.
    z : float or array_like
        Point(s) of evaluation, finite.

    Returns
    -------
    float or ndarray
        A float for a scalar ``z``, else an array of the shape of ``z``.

    Raises
    ------
    TypeError
        If ``k`` is not an integer or ``z`` is not real.
    ValueError
        If ``k`` is not in ``[0, MAX_ORDER]`` or ``z`` holds NaN or infinity.
    """
    k = check_count(k, "k", min=0, max=MAX_ORDER, hint=_ORDER_HINT)
    z = check_array(z, "z", allow_empty=True)
    vals = np.array([_derivatives_float(k, float(v))[k] for v in z.ravel()]).reshape(z.shape)
    return float(vals) if vals.ndim == 0 else vals


def taylor_coefficients(k, z0):
    """Taylor coefficients :math:`a_n = A^{(n)}(z_0)/n!`, :math:`n = 0,\\dots,k`, as ``mpmath.mpf``.

    High-precision numbers with an unbounded exponent, for the root test
    :math:`\\limsup_n |a_n|^{-1/n} = ` radius of convergence (the coefficients
    fall below the float range when :math:`|z_0|` is large and :math:`n` in the hundreds).

    Parameters
    ----------
    k : int
        Highest order, ``k >= 0``.
    z0 : float
        Expansion point, finite.

    Returns
    -------
    list of mpmath.mpf
        ``[a_0, ..., a_k]``, each accurate to at least 30 significant digits.

    Raises
    ------
    TypeError
        If ``k`` is not an integer or ``z0`` is not real.
    ValueError
        If ``k`` is not in ``[0, MAX_ORDER]`` or ``z0`` is not a single finite number.
    """
    k = check_count(k, "k", min=0, max=MAX_ORDER, hint=_ORDER_HINT)
    z0 = check_array(z0, "z0", allow_empty=True)
    if z0.ndim != 0:
        raise ValueError(f"z0 must be a single number, got shape {z0.shape}; loop over the points.")
    vals = _derivatives_mp(k, float(z0))
    with mpmath.workprec(256):
        return [+(v / mpmath.factorial(n)) for n, v in enumerate(vals)]


def radius(z0):
    """Radius of convergence of the Taylor series of :math:`A(z)=\\log(1+e^z)` at real :math:`z_0`.

    :math:`A` is analytic except where :math:`1+e^z=0`, i.e. at
    :math:`z = i\\pi(2m+1)`, :math:`m\\in\\mathbb{Z}` (branch points of :math:`A`, poles of
    :math:`\\sigma=A'` and of every higher derivative). The nearest ones to a real
    :math:`z_0` are :math:`\\pm i\\pi`, so the radius is :math:`\\sqrt{z_0^2+\\pi^2}`. This
    corrects Theorem 2 of Schluter (2019), which states the constant :math:`2\\pi`.

    Parameters
    ----------
    z0 : float or array_like
        Real expansion point(s), finite.

    Returns
    -------
    float or ndarray
        :math:`\\sqrt{z_0^2+\\pi^2}`, with the shape of ``z0``.

    Raises
    ------
    ValueError
        If ``z0`` holds NaN or infinity.
    """
    z0 = check_array(z0, "z0", allow_empty=True)
    r = np.hypot(z0, np.pi)
    return float(r) if r.ndim == 0 else r


def root_test_radius(coef, n_min=1):
    """Root-test (Cauchy-Hadamard) estimate of a radius of convergence from coefficients.

    The radius of :math:`\\sum_n a_n t^n` is :math:`1/\\limsup_n |a_n|^{1/n}`, and also
    :math:`1/\\limsup_n |n\\,a_n|^{1/n}` (the derivative series has the same radius,
    and :math:`n^{1/n}\\to1`). With finitely many coefficients the estimate is
    :math:`1/\\max_{n\\ge n_{\\min}} |n\\,a_n|^{1/n}` over the non-zero ones; it
    tends to the radius as :math:`n_{\\min}` and the number of coefficients grow.

    Parameters
    ----------
    coef : sequence of float or mpmath.mpf
        Coefficients :math:`a_0, a_1, \\dots` (e.g. from :func:`taylor_coefficients` or
        :func:`~noising.softmax.lse_line_coefficients`); mpmath numbers avoid underflow at high order.
    n_min : int, optional
        Smallest order used, ``n_min >= 1``; default 1.

    Returns
    -------
    float
        The estimate :math:`1/\\max_{n\\ge n_{\\min},\\,a_n\\ne0} |n\\,a_n|^{1/n}`.

    Raises
    ------
    TypeError
        If ``n_min`` is not an integer or a coefficient is not a real number.
    ValueError
        If ``n_min < 1``, a coefficient is NaN or infinite, or
        no coefficient of order ``>= n_min`` is non-zero (compute more coefficients or
        lower ``n_min``).
    """
    n_min = check_count(n_min, "n_min", min=1)
    if isinstance(coef, (str, bytes, dict)) or not hasattr(coef, "__iter__"):
        raise TypeError(f"coef must be a sequence of real numbers, got {coef!r} ({type(coef).__name__}).")
    terms = []
    for n, c in enumerate(coef):
        if isinstance(c, (bool, np.bool_)) or not isinstance(
            c, (int, float, np.integer, np.floating, mpmath.mpf)
        ):
            raise TypeError(
                f"coef[{n}] must be a real number (float or mpmath.mpf), got {c!r} ({type(c).__name__})."
            )
        c = mpmath.mpf(c)
        if not mpmath.isfinite(c):
            raise ValueError(f"coef[{n}] (the coefficient a_{n}) is {c}; coefficients must be finite.")
        if n >= n_min and c != 0:
            terms.append(abs(n * c) ** (mpmath.mpf(1) / n))
    if not terms:
        raise ValueError(
            f"coef has no non-zero coefficient of order >= n_min = {n_min}; "
            "compute more coefficients or lower n_min."
        )
    return float(1 / max(terms))
