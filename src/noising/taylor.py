"""Higher-order Taylor expansions of the logistic noising regularizer (Schluter, 2019).

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

The order-:math:`k` approximation of the noising regularizer (Schluter, 2019, eq. 11),
with the expectation taken term by term, is :func:`partial_sum`; the radius of
convergence of the Taylor series of :math:`A` at a real point is :func:`radius`.

Functions
---------
triangle
    A row of :math:`T(k,j) = j!\\,S_2(k,j)`.
softplus_derivative, softplus_derivatives
    :math:`A^{(k)}(z)`, and all of :math:`A^{(0)},\\dots,A^{(k)}` at once.
taylor_coefficients
    :math:`a_n = A^{(n)}(z_0)/n!` as high-precision ``mpmath`` numbers.
central_moments, max_deviation
    :math:`\\mathbb{E}_\\xi[(\\tilde x_i\\beta - x_i\\beta)^m]` for dropout and Gaussian noise;
    the largest :math:`|\\tilde x_i\\beta - x_i\\beta|` over dropout masks.
partial_sum, partial_sums
    The order-:math:`k` approximation :math:`R_k(\\beta)` (eq. 11 of the paper).
radius
    :math:`\\sqrt{z_0^2+\\pi^2}`, the radius of convergence of :math:`A`'s series at :math:`z_0`.
lse_line_coefficients, lse_line_radius
    The softmax case: Taylor coefficients and radius of convergence of
    :math:`t\\mapsto\\log\\sum_k e^{\\eta_k + t v_k}`.
"""
from __future__ import annotations

import math

import mpmath
import numpy as np
from scipy.special import expit

from ._validate import as_design, finite
from .families import get_family
from .noise import Dropout, Gaussian, check_noise
from .regularizer import MAX_EXACT_FEATURES

__all__ = [
    "triangle",
    "softplus_derivative",
    "softplus_derivatives",
    "taylor_coefficients",
    "central_moments",
    "max_deviation",
    "partial_sum",
    "partial_sums",
    "radius",
    "root_test_radius",
    "lse_line_coefficients",
    "lse_line_radius",
]

# Rows T(k, .) for k = 1, 2, ... computed so far (row k is _ROWS[k - 1]); a pure memo of
# exact integers, extended on demand by the recurrence T(k+1, j) = j (T(k, j) + T(k, j-1)).
_ROWS: list[list[int]] = [[1]]

_LN2 = math.log(2.0)


def _order(k, name="k", minimum=0):
    """Return ``k`` as an int, raising ``ValueError`` unless it is an integer >= ``minimum``."""
    if isinstance(k, (bool, np.bool_)) or not isinstance(k, (int, np.integer)):
        raise ValueError(f"{name} must be an integer >= {minimum}, got {k!r}.")
    if k < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {k}.")
    return int(k)


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
    ValueError
        If ``k`` is not an integer ``>= 1``.

    Examples
    --------
    >>> triangle(4)
    [1, 14, 36, 24]
    """
    k = _order(k, "k", 1)
    return list(_rows(k)[k - 1])


def _check_z(z):
    z = np.asarray(z, dtype=float)
    finite(z, "z")
    return z


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
    ValueError
        If ``k`` is not an integer ``>= 0`` or ``z`` holds NaN or infinity.
    """
    k = _order(k, "k", 0)
    z = _check_z(z)
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
    ValueError
        If ``k`` is not an integer ``>= 0`` or ``z`` holds NaN or infinity.
    """
    k = _order(k, "k", 0)
    z = _check_z(z)
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
    ValueError
        If ``k`` is not an integer ``>= 0`` or ``z0`` is not a finite number.
    """
    k = _order(k, "k", 0)
    z0 = _check_z(z0)
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
    z0 = _check_z(z0)
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
        :func:`lse_line_coefficients`); mpmath numbers avoid underflow at high order.
    n_min : int, optional
        Smallest order used, ``n_min >= 1``; default 1.

    Returns
    -------
    float
        The estimate :math:`1/\\max_{n\\ge n_{\\min},\\,a_n\\ne0} |n\\,a_n|^{1/n}`.

    Raises
    ------
    ValueError
        If ``n_min`` is not an integer ``>= 1``, a coefficient is NaN or infinite, or
        no coefficient of order ``>= n_min`` is non-zero (compute more coefficients or
        lower ``n_min``).
    """
    n_min = _order(n_min, "n_min", 1)
    terms = []
    for n, c in enumerate(coef):
        c = mpmath.mpf(c)
        if not mpmath.isfinite(c):
            raise ValueError(f"coefficient a_{n} is {c}; coefficients must be finite.")
        if n >= n_min and c != 0:
            terms.append(abs(n * c) ** (mpmath.mpf(1) / n))
    if not terms:
        raise ValueError(
            f"no non-zero coefficient of order >= n_min = {n_min}; "
            "compute more coefficients or lower n_min."
        )
    return float(1 / max(terms))


def _dropout_deviation_sums(W, delta):
    """Every mask's deviation ``x~beta - x beta`` and probability, by doubling.

    Feature ``j`` contributes ``+W_j delta/(1-delta)`` when kept (probability
    ``1 - delta``) and ``-W_j`` when dropped, so the deviations are summed directly
    (no subtraction of ``x beta`` that could cancel). Same doubling as
    :func:`noising.regularizer._subset_sums`: ``O(n 2^k)``, no mask matrix.
    """
    kept = W * (delta / (1.0 - delta))
    sums = np.zeros((W.shape[0], 1))
    probs = np.ones(1)
    for j in range(W.shape[1]):
        sums = np.concatenate([sums - W[:, j : j + 1], sums + kept[:, j : j + 1]], axis=1)
        probs = np.concatenate([probs * delta, probs * (1.0 - delta)])
    return sums, probs


def central_moments(X, beta, noise, order, *, absolute=False):
    """Moments :math:`\\mathbb{E}_\\xi[(\\tilde x_i\\beta - x_i\\beta)^m]`, :math:`m = 0,\\dots,` ``order``.

    These are the expectations in Schluter (2019, eq. 11), computed exactly:

    * dropout: by enumerating the :math:`2^k` keep-masks of the :math:`k` features
      with :math:`x_{ij}\\beta_j\\ne0` (a dropped feature moves :math:`\\tilde x_i\\beta` by
      :math:`-x_{ij}\\beta_j`, a kept one by :math:`x_{ij}\\beta_j\\,\\delta/(1-\\delta)`). In
      particular :math:`\\mathbb{E}[(\\tilde x_i\\beta - x_i\\beta)^2] = \\frac{\\delta}{1-\\delta}\\sum_j x_{ij}^2\\beta_j^2`,
      which corrects the paper's eq. (8) and the display after it;
    * Gaussian noise: :math:`\\tilde x_i\\beta - x_i\\beta \\sim N(0, s^2)` with
      :math:`s = \\sigma\\lVert\\beta\\rVert_2`, so the moments are :math:`s^m (m-1)!!` for
      even :math:`m` and 0 for odd :math:`m`.

    Parameters
    ----------
    X : array_like, shape (n, d) or (d,)
    beta : array_like, shape (d,)
    noise : Dropout or Gaussian
    order : int
        Highest moment, ``order >= 0``.
    absolute : bool
        Return the absolute moments :math:`\\mathbb{E}_\\xi|\\tilde x_i\\beta - x_i\\beta|^m`
        instead (Gaussian: :math:`s^m 2^{m/2}\\Gamma(\\tfrac{m+1}{2})/\\sqrt\\pi`).

    Returns
    -------
    ndarray, shape (n, order + 1)
        Column ``m`` holds the ``m``-th central (or absolute central) moment of each example.

    Raises
    ------
    ValueError
        For bad shapes or values (see :func:`noising._validate.as_design`), a bad
        ``order``, or (dropout) an example with more than
        :data:`noising.regularizer.MAX_EXACT_FEATURES` non-zero :math:`x_{ij}\\beta_j`.
    """
    X, beta = as_design(X, beta)
    noise = check_noise(noise)
    order = _order(order, "order", 0)
    n = X.shape[0]
    out = np.zeros((n, order + 1))
    out[:, 0] = 1.0
    if isinstance(noise, Gaussian):
        s2 = noise.sigma**2 * float(beta @ beta)
        for m in range(2, order + 1, 2):
            out[:, m] = out[:, m - 2] * (m - 1) * s2
        if absolute and order >= 1:
            out[:, 1] = math.sqrt(2.0 * s2 / math.pi)
            for m in range(3, order + 1, 2):
                out[:, m] = out[:, m - 2] * (m - 1) * s2
        return out
    W = X * beta
    nnz = (W != 0).sum(axis=1)
    k = int(nnz.max())
    if k > MAX_EXACT_FEATURES:
        raise ValueError(
            f"exact dropout moments need 2^{k} masks for an example with {k} non-zero terms "
            f"x_ij*beta_j; the limit is {MAX_EXACT_FEATURES}. Use fewer features per example, "
            "or estimate the regularizer with noising.regularizer.monte_carlo."
        )
    if noise.delta == 0.0 or k == 0:
        return out
    order_idx = np.argsort(W == 0, axis=1, kind="stable")[:, :k]
    Wc = np.take_along_axis(W, order_idx, axis=1)
    rows = max(1, (1 << 21) >> k)
    for start in range(0, n, rows):
        sl = slice(start, start + rows)
        dev, probs = _dropout_deviation_sums(Wc[sl], noise.delta)
        if absolute:
            dev = np.abs(dev)
        power = np.ones_like(dev)
        for m in range(1, order + 1):
            power *= dev
            out[sl, m] = power @ probs
    if not absolute:
        out[:, 1] = 0.0  # the noise is unbiased: E[Delta] = 0 exactly
    return out


def max_deviation(X, beta, noise):
    """Largest :math:`|\\tilde x_i\\beta - x_i\\beta|` over all dropout masks, per example.

    A kept feature moves :math:`\\tilde x_i\\beta` by :math:`a_j = x_{ij}\\beta_j\\,\\delta/(1-\\delta)`,
    a dropped one by :math:`b_j = -x_{ij}\\beta_j`; the features are independent, so

    .. math::

        \\max_\\xi |\\tilde x_i\\beta - x_i\\beta|
        = \\max\\Bigl(\\sum_j \\max(a_j, b_j),\\; -\\sum_j \\min(a_j, b_j)\\Bigr),

    in :math:`O(d)` without enumerating masks. The term-by-term series of
    :func:`partial_sum` converges for example :math:`i` when this is below
    :func:`radius` of :math:`x_i\\beta` and diverges when it is above (book, chapter
    "The radius of convergence"). This replaces the condition
    :math:`|\\tilde x_i\\beta - x_i\\beta| < 2\\pi` of Schluter (2019, Theorem 2).

    Parameters
    ----------
    X : array_like, shape (n, d) or (d,)
    beta : array_like, shape (d,)
    noise : Dropout

    Returns
    -------
    ndarray, shape (n,)

    Raises
    ------
    ValueError
        For bad shapes or values, or noise that is not :class:`~noising.noise.Dropout`
        (Gaussian noise has unbounded deviations).
    """
    X, beta = as_design(X, beta)
    noise = check_noise(noise)
    if not isinstance(noise, Dropout):
        raise ValueError(
            "max_deviation needs Dropout noise; a Gaussian perturbation is unbounded, so its "
            "largest deviation is infinite (its term-by-term series diverges for every sigma > 0)."
        )
    W = X * beta
    a = W * (noise.delta / (1.0 - noise.delta))
    b = -W if noise.delta > 0 else np.zeros_like(W)
    return np.maximum(np.maximum(a, b).sum(axis=1), -np.minimum(a, b).sum(axis=1))


def partial_sums(X, beta, noise, max_order, family="logistic", *, per_example=False):
    """All partial sums :math:`R_2(\\beta), R_3(\\beta), \\dots, R_K(\\beta)` of eq. (11), in one pass.

    The same quantity as :func:`partial_sum` for every order ``k = 2..max_order``,
    sharing the derivatives and moments (cost of one call at ``max_order``).

    Parameters
    ----------
    X : array_like, shape (n, d) or (d,)
    beta : array_like, shape (d,)
    noise : Dropout or Gaussian
    max_order : int
        Highest order ``K >= 2``.
    family : {"logistic"}
    per_example : bool
        Return shape ``(n, K - 1)`` instead of summing over examples.

    Returns
    -------
    ndarray, shape (K - 1,) or (n, K - 1)
        Entry ``k - 2`` is :math:`R_k`.

    Raises
    ------
    ValueError
        As :func:`partial_sum`.
    """
    fam = get_family(family)
    if fam.name != "logistic":
        raise ValueError(
            f"partial_sum supports family='logistic' only, got {fam.name!r}; for 'linear' the "
            "quadratic approximation noising.regularizer.quadratic is already exact."
        )
    max_order = _order(max_order, "order", 2)
    X, beta = as_design(X, beta)
    moments = central_moments(X, beta, noise, max_order)
    z = X @ beta
    # Taylor coefficients A^(m)(z_i)/m!, formed in high precision (no overflow of m! or A^(m))
    coef = np.array([_derivatives_float(max_order, float(v), scaled=True) for v in z])
    cumulative = np.cumsum(coef[:, 2:] * moments[:, 2:], axis=1)
    return cumulative if per_example else cumulative.sum(axis=0)


def partial_sum(X, beta, noise, order, family="logistic", *, per_example=False):
    """Order-``k`` approximation :math:`R_k(\\beta)` of the noising regularizer (Schluter, 2019, eq. 11).

    .. math::

        R_k(\\beta) = \\sum_{i=1}^n \\sum_{m=2}^{k}
        \\frac{A^{(m)}(x_i\\beta)}{m!}\\,\\mathbb{E}_\\xi\\bigl[(\\tilde x_i\\beta - x_i\\beta)^m\\bigr],

    the Taylor expansion of :math:`\\mathbb{E}_\\xi[A(\\tilde x_i\\beta)] - A(x_i\\beta)` around
    :math:`x_i\\beta` with the expectation taken term by term (the :math:`m=1` term
    vanishes because the noise is unbiased). Uses the paper's eq. (11) with the
    derivatives :math:`A^{(m)}` themselves (Theorem 1 with the corrected index, see
    :func:`softplus_derivatives`) and the exact moments of :func:`central_moments`.
    ``order = 2`` gives :func:`noising.regularizer.quadratic`.

    Parameters
    ----------
    X : array_like, shape (n, d) or (d,)
    beta : array_like, shape (d,)
    noise : Dropout or Gaussian
    order : int
        The order ``k >= 2`` of the truncation.
    family : {"logistic"}
        Only the logistic family is supported (its higher derivatives are the subject
        of the paper; for ``"linear"`` the quadratic approximation is already exact).
    per_example : bool
        Return the ``n`` per-example sums instead of their total.

    Returns
    -------
    float or ndarray of shape (n,)

    Raises
    ------
    ValueError
        For an unsupported family, ``order < 2``, bad shapes, NaN, or a dropout
        example with too many non-zero terms to enumerate.
    """
    order = _order(order, "order", 2)
    values = partial_sums(X, beta, noise, order, family, per_example=True)[:, -1]
    return values if per_example else float(values.sum())


def _lse_args(eta, v):
    eta = np.asarray(eta, dtype=float)
    v = np.asarray(v, dtype=float)
    if eta.ndim != 1 or v.shape != eta.shape or eta.size < 2:
        raise ValueError(
            f"eta and v must be 1-D arrays of the same length K >= 2 (one entry per class), "
            f"got shapes {eta.shape} and {v.shape}."
        )
    finite(eta, "eta")
    finite(v, "v")
    return eta, v


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
    ValueError
        If the shapes differ, ``K < 2``, an entry is NaN or infinite, or ``order`` is bad.
    """
    eta, v = _lse_args(eta, v)
    order = _order(order, "order", 0)
    prec = 64 + 8 * order + int(4 * np.log2(1.0 + np.abs(v).max())) * order
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
    :math:`\\eta=(0,z_0)`, :math:`v=(0,1)` this is :func:`radius` of :math:`z_0`.

    Parameters
    ----------
    eta : array_like, shape (K,)
    v : array_like of integers, shape (K,)

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If the shapes differ, an entry is NaN or infinite, or ``v`` is not integer-valued
        (rescale the line, or use the root test on :func:`lse_line_coefficients`).
    """
    eta, v = _lse_args(eta, v)
    if not np.all(v == np.round(v)) or np.abs(v).max() > 64:
        raise ValueError(
            "lse_line_radius needs integer directions v with |v_k| <= 64 (so that the zeros come "
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
    while coeffs[0] == 0:
        coeffs.pop(0)
    with mpmath.workdps(40):
        roots = mpmath.polyroots(coeffs, maxsteps=200, extraprec=200)
        dist = min(abs(mpmath.log(w)) for w in roots if w != 0)
    return float(dist)
