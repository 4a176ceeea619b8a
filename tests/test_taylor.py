"""Tests of noising.taylor against values computed independently of its code.

Independent references: the OEIS rows of A019538; the closed form
A^(2n)(0) = (2^(2n) - 1) B_(2n) / (2n) from the tanh series (Bernoulli numbers from
SymPy); SymPy's repeated differentiation at rational points; a high-precision
Taylor-coefficient recurrence for the sigmoid (sigma' = sigma - sigma^2) in mpmath;
and a brute-force mpmath enumeration of dropout masks for the moments.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import noising
from noising import derivatives, moments, regularizer, softmax, taylor

# --------------------------------------------------------------------------- triangle

OEIS_ROWS = {
    1: [1],
    2: [1, 2],
    3: [1, 6, 6],
    4: [1, 14, 36, 24],
    5: [1, 30, 150, 240, 120],
    6: [1, 62, 540, 1560, 1800, 720],
}


@pytest.mark.parametrize("k", sorted(OEIS_ROWS))
def test_triangle_known_rows(k):
    assert derivatives.triangle(k) == OEIS_ROWS[k]


@pytest.mark.parametrize("k", [1, 7, 30, 101])
def test_triangle_is_j_factorial_stirling2(k):
    from sympy.functions.combinatorial.numbers import stirling

    assert derivatives.triangle(k) == [
        math.factorial(j) * int(stirling(k, j, kind=2)) for j in range(1, k + 1)
    ]


@pytest.mark.parametrize("k", range(1, 40))
def test_triangle_alternating_sum(k):
    # sum_j (-1)^j T(k, j) = (-1)^k; sum_j T(k, j) are the ordered Bell (Fubini) numbers
    row = derivatives.triangle(k)
    assert sum((-1) ** j * t for j, t in enumerate(row, start=1)) == (-1) ** k


def test_triangle_returns_a_copy():
    row = derivatives.triangle(3)
    row[0] = 99
    assert derivatives.triangle(3) == [1, 6, 6]


@pytest.mark.parametrize("bad", [0, -3, derivatives.MAX_ORDER + 1])
def test_triangle_bad_input(bad):
    with pytest.raises(ValueError, match="k must be in"):
        derivatives.triangle(bad)


@pytest.mark.parametrize("bad", [1.5, True, "3", None, 3.0])
def test_triangle_rejects_a_k_that_is_not_an_integer(bad):
    with pytest.raises(TypeError, match="k must be an integer"):
        derivatives.triangle(bad)


# ------------------------------------------------------------------ derivatives of A


def _even_derivative_at_zero(m):
    """A^(m)(0) exactly: (2^m - 1) B_m / m for even m >= 2 (tanh series), 0 for odd m >= 3."""
    if m % 2:
        return sp.Integer(0)
    return (2**m - 1) * sp.bernoulli(m) / m


def test_derivatives_at_zero_match_bernoulli_formula_to_order_400():
    got = derivatives.softplus_derivatives(400, 0.0)
    assert got[0] == pytest.approx(math.log(2), rel=1e-16)
    assert got[1] == 0.5
    for m in range(2, 401):
        exact = _even_derivative_at_zero(m)
        f = float(exact)
        if math.isinf(f) or f == 0.0:
            assert got[m] == f
        else:
            assert abs(got[m] - f) <= 2 * np.spacing(abs(f)), m


def test_taylor_coefficients_at_zero_are_exact_to_30_digits():
    coef = derivatives.taylor_coefficients(400, 0.0)
    with mpmath.workdps(60):
        for m in (2, 4, 50, 200, 398, 400):
            exact = _even_derivative_at_zero(m) / sp.factorial(m)
            ref = mpmath.mpf(exact.p) / mpmath.mpf(exact.q)
            assert abs(coef[m] - ref) <= abs(ref) * mpmath.mpf(10) ** -30, m
    assert all(coef[m] == 0 for m in range(3, 401, 2))


@pytest.mark.parametrize("z0", [sp.Rational(3, 10), sp.Rational(-5, 2), sp.Integer(7), sp.Integer(-40)])
def test_derivatives_match_sympy_differentiation(z0):
    z = sp.symbols("z")
    f = sp.log(1 + sp.exp(z))
    got = derivatives.softplus_derivatives(14, float(z0))
    for m in range(15):
        ref = float(sp.N(f.subs(z, z0), 40))
        assert got[m] == pytest.approx(ref, rel=4e-16, abs=1e-300), m
        f = sp.diff(f, z)


def _sigma_coefficients_reference(k, z0, dps=400):
    """Taylor coefficients of sigma at z0 from (n+1) c_(n+1) = c_n - sum_i c_i c_(n-i)."""
    with mpmath.workdps(dps):
        c = [1 / (1 + mpmath.exp(-mpmath.mpf(z0)))]
        for n in range(k):
            conv = mpmath.fsum(c[i] * c[n - i] for i in range(n + 1))
            c.append((c[n] - conv) / (n + 1))
        return c


@pytest.mark.parametrize("z0", [0.3, -2.0, 5.5, -30.0, 100.0])
def test_high_order_derivatives_match_independent_recurrence(z0):
    k = 300
    ref = _sigma_coefficients_reference(k - 1, z0)
    got = derivatives.softplus_derivatives(k, z0)
    with mpmath.workdps(400):
        for m in range(2, k + 1):
            exact = ref[m - 1] * mpmath.factorial(m - 1)  # A^(m) = sigma^(m-1)
            f = float(exact)
            if math.isinf(f):
                assert got[m] == f
            elif abs(f) > 1e-290:
                assert abs(got[m] - f) <= 2 * np.spacing(abs(f)), (z0, m)


def test_softplus_derivative_matches_the_vector_version():
    # its speed is measured by `make bench` (bench/run.py), never asserted here
    all_orders = derivatives.softplus_derivatives(400, 0.7)
    for k in (0, 1, 2, 3, 57, 400):
        assert derivatives.softplus_derivative(k, 0.7) == all_orders[k]
    assert isinstance(derivatives.softplus_derivative(5, 0.7), float)


def test_softplus_derivative_low_orders_are_the_family_functions():
    z = np.linspace(-50, 50, 101)
    fam = noising.get_family("logistic")
    assert np.array_equal(derivatives.softplus_derivative(0, z), fam.A(z))
    assert np.array_equal(derivatives.softplus_derivative(1, z), fam.A1(z))
    np.testing.assert_allclose(derivatives.softplus_derivative(2, z), fam.A2(z), rtol=1e-15)
    np.testing.assert_allclose(derivatives.softplus_derivative(3, z), fam.A3(z), rtol=1e-13, atol=1e-300)


def test_relative_accuracy_near_the_zero_at_the_origin():
    # A3(z) = -z/8 + O(z^3) and A5(z) = z/4 + O(z^3): relative accuracy even for tiny z
    for z in (1e-300, -3e-20, 1.2e-51, 1e-8):
        d = derivatives.softplus_derivatives(5, z)
        assert d[3] == pytest.approx(-z / 8, rel=1e-14)
        assert d[5] == pytest.approx(z / 4, rel=1e-14)
    assert derivatives.softplus_derivative(3, 0.0) == 0.0


def test_extreme_arguments_give_no_warnings(recwarn):
    vals = derivatives.softplus_derivatives(50, [1e6, -1e6, 800.0, -800.0, 1e300])
    assert vals.shape == (5, 51)
    assert vals[0, 0] == 1e6 and vals[0, 1] == 1.0 and np.all(vals[0, 2:] == 0.0)
    assert vals[1, 0] == 0.0 and np.all(vals[1, 1:] == 0.0)
    assert np.all(np.isfinite(vals))
    assert derivatives.softplus_derivatives(400, 0.0)[400] == -np.inf  # ~ -1e670 exceeds the float range
    assert len(recwarn) == 0


def test_derivatives_shapes():
    assert derivatives.softplus_derivatives(3, 0.5).shape == (4,)
    assert derivatives.softplus_derivatives(3, [[0.5, 1.0]]).shape == (1, 2, 4)
    assert derivatives.softplus_derivative(3, [[0.5, 1.0]]).shape == (1, 2)


@pytest.mark.parametrize(
    "k, z, exc, name",
    [
        (-1, 0.0, ValueError, "k"),
        (2.0, 0.0, TypeError, "k"),
        (True, 0.0, TypeError, "k"),
        (10**6, 0.0, ValueError, "k"),
        (3, np.nan, ValueError, "z"),
        (3, np.inf, ValueError, "z"),
        (3, [0.0, np.nan], ValueError, "z"),
        (3, 1j, TypeError, "z"),
    ],
)
def test_derivative_bad_input(k, z, exc, name):
    with pytest.raises(exc, match=f"^{name} "):
        derivatives.softplus_derivative(k, z)
    with pytest.raises(exc, match=f"^{name} "):
        derivatives.softplus_derivatives(k, z)


def test_taylor_coefficients_bad_input():
    with pytest.raises(ValueError, match="single number"):
        derivatives.taylor_coefficients(3, [0.0, 1.0])
    with pytest.raises(ValueError, match="NaN"):
        derivatives.taylor_coefficients(3, np.nan)
    with pytest.raises(ValueError, match="k must be in"):
        derivatives.taylor_coefficients(-2, 0.0)


zs = st.floats(min_value=-60, max_value=60, allow_nan=False)


@settings(max_examples=40, deadline=None)
@given(z=zs, k=st.integers(min_value=2, max_value=40))
def test_property_parity(z, k):
    # A^(k)(-z) = (-1)^k A^(k)(z) for k >= 2, since A(z) - A(-z) = z
    a, b = derivatives.softplus_derivative(k, z), derivatives.softplus_derivative(k, -z)
    assert b == pytest.approx((-1) ** k * a, rel=1e-14, abs=1e-300)


@settings(max_examples=60, deadline=None)
@given(z=zs)
def test_property_low_orders(z):
    d, e = derivatives.softplus_derivatives(2, z), derivatives.softplus_derivatives(2, -z)
    assert d[1] + e[1] == pytest.approx(1.0, rel=1e-15)
    assert d[0] - e[0] == pytest.approx(z, rel=1e-12, abs=1e-12)
    assert d[2] == pytest.approx(d[1] * e[1], rel=1e-14, abs=1e-300)  # A'' = p (1 - p)


@settings(max_examples=25, deadline=None)
@given(z=st.floats(min_value=-20, max_value=20, allow_nan=False), k=st.integers(2, 30))
def test_property_theorem1_corrected(z, k):
    # A^(k+1) = sigma' sum_j (-1)^(j-1) T(k, j) sigma^(j-1), evaluated in high precision
    # (enough digits to resolve p = 1/2 - z/4 + ... even for tiny z, where A^(k+1) is near a zero)
    extra = 0 if z == 0 else max(0, int(-math.log10(abs(z))))
    with mpmath.workdps(80 + 2 * extra):
        p = 1 / (1 + mpmath.exp(-mpmath.mpf(z)))
        val = (
            p
            * (1 - p)
            * mpmath.fsum(
                (-1) ** (j - 1) * t * p ** (j - 1) for j, t in enumerate(derivatives.triangle(k), start=1)
            )
        )
    assert derivatives.softplus_derivative(k + 1, z) == pytest.approx(float(val), rel=1e-14, abs=1e-300)


# ----------------------------------------------------------------------------- radius


def test_radius_values():
    assert derivatives.radius(0.0) == math.pi
    assert derivatives.radius(3.0) == pytest.approx(math.sqrt(9 + math.pi**2), rel=1e-15)
    r = derivatives.radius(np.array([-4.0, 0.0, 4.0]))
    assert r.shape == (3,) and r[0] == r[2] and r[1] == math.pi
    assert isinstance(derivatives.radius(1.0), float)
    assert derivatives.radius(1e308) == 1e308  # no overflow


def test_radius_is_distance_to_the_nearest_zero_of_one_plus_exp():
    for z0 in (-3.0, 0.0, 2.5):
        zero = complex(0.0, math.pi)
        assert abs(1 + complex(mpmath.exp(zero))) < 1e-15
        assert derivatives.radius(z0) == pytest.approx(abs(zero - z0), rel=1e-15)


def test_radius_root_test():
    # |n a_n|^(-1/n) (coefficients of sigma = A') approaches the radius from both sides
    for z0 in (0.5, 4.0, -3.0):
        coef = derivatives.taylor_coefficients(300, z0)
        est = [float(abs(n * c) ** (-mpmath.mpf(1) / n)) for n, c in enumerate(coef) if n > 250 and c != 0]
        assert min(est) == pytest.approx(derivatives.radius(z0), rel=0.01)
        assert not min(est) == pytest.approx(2 * math.pi, rel=0.1)


def test_root_test_radius_matches_the_inline_root_test_and_known_series():
    coef = derivatives.taylor_coefficients(300, 0.5)
    est = [float(abs(n * c) ** (-mpmath.mpf(1) / n)) for n, c in enumerate(coef) if n > 250 and c != 0]
    assert derivatives.root_test_radius(coef, 251) == pytest.approx(min(est), rel=1e-12)
    # sum (t/r)^n has radius r; the estimate 1/max n^(1/n)/r approaches it from below
    r = 2.5
    geometric = [r**-n for n in range(400)]
    assert derivatives.root_test_radius(geometric, 399) == pytest.approx(r / 399 ** (1 / 399), rel=1e-12)
    assert derivatives.root_test_radius(geometric, 10) < derivatives.root_test_radius(geometric, 300) < r
    # zero coefficients (odd orders of sigma at 0) are skipped
    assert derivatives.root_test_radius([0.0, 0.0, 1.0, 0.0], 1) == pytest.approx(0.5**0.5)


@pytest.mark.parametrize(
    "coef, n_min, match",
    [
        ([1.0, 0.0, 0.0], 1, "no non-zero coefficient"),
        ([1.0, 2.0], 5, "no non-zero coefficient"),
        ([1.0, float("nan")], 1, "must be finite"),
        ([1.0, 2.0], 0, "n_min must be >= 1"),
    ],
)
def test_root_test_radius_bad_input(coef, n_min, match):
    with pytest.raises(ValueError, match=match):
        derivatives.root_test_radius(coef, n_min)


@pytest.mark.parametrize("bad", [np.nan, [0.0, np.inf]])
def test_radius_bad_input(bad):
    with pytest.raises(ValueError, match="NaN"):
        derivatives.radius(bad)


# -------------------------------------------------------------- moments and R_k


def _moments_reference(x, beta, delta, order, absolute=False):
    """Brute-force mpmath enumeration of the dropout masks for one example."""
    d = len(x)
    out = [mpmath.mpf(0)] * (order + 1)
    with mpmath.workdps(60):
        z = mpmath.fsum(mpmath.mpf(a) * mpmath.mpf(b) for a, b in zip(x, beta))
        for mask in range(2**d):
            keep = [(mask >> j) & 1 for j in range(d)]
            prob = mpmath.fprod(1 - mpmath.mpf(delta) if k else mpmath.mpf(delta) for k in keep)
            zt = mpmath.fsum(
                mpmath.mpf(a) * mpmath.mpf(b) / (1 - mpmath.mpf(delta)) for a, b, k in zip(x, beta, keep) if k
            )
            dev = abs(zt - z) if absolute else zt - z
            for m in range(order + 1):
                out[m] += prob * dev**m
    return out


def test_dropout_moments_match_enumeration():
    rng = np.random.default_rng(5)
    x, beta = rng.normal(size=6), rng.normal(size=6)
    got = moments.central_moments(x, beta, noising.Dropout(0.3), 12)[0]
    ref = _moments_reference(x, beta, 0.3, 12)
    scale = _moments_reference(x, beta, 0.3, 12, absolute=True)  # E|Delta|^m
    for m in range(13):
        assert abs(got[m] - float(ref[m])) <= 1e-14 * float(scale[m]), m
    # the second moment is delta/(1-delta) sum_j x_j^2 beta_j^2, not (x beta)^2 delta^2/(1-delta)
    assert got[2] == pytest.approx(0.3 / 0.7 * np.sum((x * beta) ** 2), rel=1e-13)


def test_gaussian_moments():
    beta = np.array([1.0, -2.0, 0.5])
    s2 = 0.7**2 * beta @ beta
    got = moments.central_moments([[1.0, 2.0, 3.0]], beta, noising.Gaussian(0.7), 6)[0]
    np.testing.assert_allclose(got, [1, 0, s2, 0, 3 * s2**2, 0, 15 * s2**3], rtol=1e-14)


def test_partial_sum_order_two_is_the_quadratic_approximation():
    rng = np.random.default_rng(0)
    X, beta = rng.normal(size=(20, 5)), rng.normal(size=5)
    for noise in (noising.Dropout(0.4), noising.Gaussian(0.3)):
        assert taylor.partial_sum(X, beta, noise, 2) == pytest.approx(
            regularizer.quadratic(X, beta, noise), rel=1e-13
        )
        np.testing.assert_allclose(
            taylor.partial_sum(X, beta, noise, 2, per_example=True),
            regularizer.quadratic(X, beta, noise, per_example=True),
            rtol=1e-13,
        )


def test_partial_sum_converges_to_exact_inside_the_radius():
    X = np.array([[0.5, 0.3, -0.4], [1.0, -0.2, 0.1]])
    beta = np.array([1.0, 1.5, 0.5])
    noise = noising.Dropout(0.3)
    exact = regularizer.exact(X, beta, noise)
    errs = [abs(taylor.partial_sum(X, beta, noise, k) - exact) for k in (2, 6, 12, 40)]
    assert errs[0] > errs[1] > errs[2] and errs[3] < 1e-12 * exact


def test_partial_sum_ten_digits_against_high_precision_reference():
    rng = np.random.default_rng(11)
    x, beta, delta = rng.normal(size=5), rng.normal(size=5), 0.45
    z = float(x @ beta)
    mom = _moments_reference(x, beta, delta, 64)
    coef = derivatives.taylor_coefficients(64, z)
    for order in (3, 17, 64):
        with mpmath.workdps(60):
            ref = mpmath.fsum(coef[m] * mom[m] for m in range(2, order + 1))
        got = taylor.partial_sum(x, beta, noising.Dropout(delta), order)
        assert abs(got - float(ref)) <= 1e-10 * abs(float(ref)), order


def test_partial_sum_diverges_outside_the_radius():
    # x beta = 0, radius pi, the mask keeping only the first feature moves x beta by 4 > pi
    x, beta, noise = np.array([1.0, 1.0]), np.array([2.0, -2.0]), noising.Dropout(0.5)
    vals = [abs(taylor.partial_sum(x, beta, noise, k)) for k in (10, 30, 60)]
    assert vals[2] > 100 * vals[1] > 100 * vals[0] > 0


def test_partial_sum_bad_input():
    X, beta = np.ones((2, 3)), np.ones(3)
    with pytest.raises(ValueError, match="logistic"):
        taylor.partial_sum(X, beta, noising.Dropout(0.5), 4, family="linear")
    with pytest.raises(ValueError, match="unknown family"):
        taylor.partial_sum(X, beta, noising.Dropout(0.5), 4, family="gamma")
    with pytest.raises(ValueError, match="order"):
        taylor.partial_sum(X, beta, noising.Dropout(0.5), 1)
    with pytest.raises(TypeError, match="order"):
        taylor.partial_sum(X, beta, noising.Dropout(0.5), 3.0)
    with pytest.raises(ValueError, match="columns"):
        taylor.partial_sum(X, np.ones(4), noising.Dropout(0.5), 4)
    with pytest.raises(ValueError, match="NaN"):
        taylor.partial_sum([[1.0, np.nan, 0.0]], beta, noising.Dropout(0.5), 4)
    with pytest.raises(TypeError, match="noise must be"):
        taylor.partial_sum(X, beta, 0.5, 4)
    too_many = regularizer.MAX_EXACT_FEATURES + 1
    with pytest.raises(ValueError, match="masks"):
        taylor.partial_sum(np.ones(too_many), np.ones(too_many), noising.Dropout(0.5), 4)
    with pytest.raises(ValueError, match="order"):
        moments.central_moments(X, beta, noising.Dropout(0.5), -1)


def test_zero_dropout_or_zero_weights_give_zero():
    X, beta = np.ones((2, 3)), np.array([1.0, 0.0, -1.0])
    assert taylor.partial_sum(X, beta, noising.Dropout(0.0), 10) == 0.0
    assert taylor.partial_sum(X, np.zeros(3), noising.Dropout(0.5), 10) == 0.0


# ------------------------------------------------- absolute moments, max deviation


def test_absolute_moments_dropout_and_gaussian():
    rng = np.random.default_rng(3)
    x, beta = rng.normal(size=5), rng.normal(size=5)
    got = moments.central_moments(x, beta, noising.Dropout(0.35), 5, absolute=True)[0]
    ref = _moments_reference(x, beta, 0.35, 5, absolute=True)
    np.testing.assert_allclose(got, [float(r) for r in ref], rtol=1e-13)
    s = 0.4 * np.sqrt(beta @ beta)
    gauss = moments.central_moments(x, beta, noising.Gaussian(0.4), 4, absolute=True)[0]
    expected = [s**m * 2 ** (m / 2) * math.gamma((m + 1) / 2) / math.sqrt(math.pi) for m in range(5)]
    np.testing.assert_allclose(gauss, expected, rtol=1e-14)


def test_max_deviation_matches_enumeration():
    rng = np.random.default_rng(8)
    X, beta = rng.normal(size=(7, 6)), rng.normal(size=6)
    for delta in (0.1, 0.5, 0.8):
        dev, _ = moments.dropout_deviations(X * beta, delta)
        np.testing.assert_allclose(
            moments.max_deviation(X, beta, noising.Dropout(delta)), np.abs(dev).max(axis=1), rtol=1e-13
        )
    assert np.all(moments.max_deviation(X, beta, noising.Dropout(0.0)) == 0.0)
    assert moments.max_deviation([1.0, 1.0], [2.0, -2.0], noising.Dropout(0.5))[0] == 4.0


def test_max_deviation_bad_input():
    with pytest.raises(TypeError, match="Dropout"):
        moments.max_deviation([1.0], [1.0], noising.Gaussian(0.1))
    with pytest.raises(ValueError, match="columns"):
        moments.max_deviation([1.0, 2.0], [1.0], noising.Dropout(0.1))


# ----------------------------------------------------------------- softmax / LSE


def test_lse_two_classes_is_softplus():
    for z0 in (-3.0, 0.0, 2.0):
        assert softmax.lse_line_radius([0.0, z0], [0, 1]) == pytest.approx(derivatives.radius(z0), rel=1e-14)
        g = softmax.lse_line_coefficients([0.0, z0], [0.0, 1.0], 30)
        a = derivatives.taylor_coefficients(30, z0)
        scale = [abs(x) + abs(y) for x, y in zip(a[1:], a[:-1])]  # odd ones vanish at 0
        assert all(abs(gi - ai) <= 1e-28 * sc for gi, ai, sc in zip(g, a, scale))


def test_lse_three_equal_classes_has_radius_two_pi_over_three():
    # 1 + w + w^2 = 0 at w = exp(+-2 pi i / 3)
    assert softmax.lse_line_radius([0.0, 0.0, 0.0], [0, 1, 2]) == pytest.approx(2 * math.pi / 3, rel=1e-14)
    g = softmax.lse_line_coefficients([0.0, 0.0, 0.0], [0, 1, 2], 200)
    est = min(float(abs(n * c) ** (-mpmath.mpf(1) / n)) for n, c in enumerate(g) if n > 150 and c != 0)
    assert est == pytest.approx(2 * math.pi / 3, rel=0.01)


def test_lse_matches_mpmath_numerical_taylor():
    eta, v = [0.5, -1.0, 0.25], [1, -2, 3]
    with mpmath.workdps(50):

        def f(t):
            return mpmath.log(mpmath.fsum(mpmath.exp(mpmath.mpf(e) + vk * t) for e, vk in zip(eta, v)))

        ref = mpmath.taylor(f, 0, 8)
    g = softmax.lse_line_coefficients(eta, v, 8)
    for n in range(9):
        assert float(g[n]) == pytest.approx(float(ref[n]), rel=1e-13, abs=1e-15)


def test_lse_bad_input():
    with pytest.raises(ValueError, match="same length"):
        softmax.lse_line_radius([0.0, 1.0], [0, 1, 2])
    with pytest.raises(ValueError, match="same length"):
        softmax.lse_line_coefficients([0.0], [1.0], 3)
    with pytest.raises(ValueError, match="integer"):
        softmax.lse_line_radius([0.0, 1.0], [0, 0.5])
    with pytest.raises(ValueError, match="NaN"):
        softmax.lse_line_coefficients([0.0, np.nan], [0, 1], 3)
    assert softmax.lse_line_radius([0.0, 1.0], [2, 2]) == math.inf


def test_partial_sums_agree_with_partial_sum():
    rng = np.random.default_rng(21)
    X, beta = rng.normal(size=(4, 3)), rng.normal(size=3)
    for noise in (noising.Dropout(0.3), noising.Gaussian(0.4)):
        allk = taylor.partial_sums(X, beta, noise, 12)
        assert allk.shape == (11,)
        for k in (2, 5, 12):
            assert allk[k - 2] == pytest.approx(taylor.partial_sum(X, beta, noise, k), rel=1e-13)
        assert taylor.partial_sums(X, beta, noise, 5, per_example=True).shape == (4, 4)
    with pytest.raises(ValueError, match="max_order"):
        taylor.partial_sums(X, beta, noising.Dropout(0.3), 1)
    with pytest.raises(ValueError, match="logistic"):
        taylor.partial_sums(X, beta, noising.Dropout(0.3), 4, family="poisson")
