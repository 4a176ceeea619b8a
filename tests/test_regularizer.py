"""The noising regularizer: exact vs quadratic vs Monte Carlo, and bad input."""

import warnings

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import noising
from noising import regularizer as R

NOISES = [noising.Dropout(0.3), noising.Dropout(0.7), noising.Gaussian(0.5)]
FAMILIES = ["linear", "logistic", "poisson"]


def _data(n=6, d=4, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)), 0.5 * rng.normal(size=d)


@pytest.mark.parametrize("noise", NOISES, ids=repr)
@pytest.mark.parametrize("family", FAMILIES)
def test_exact_agrees_with_monte_carlo(noise, family):
    X, beta = _data()
    runs = np.array([R.monte_carlo(X, beta, noise, family, samples=40_000, seed=s) for s in range(4)])
    se = runs.std(ddof=1) / 2
    assert abs(runs.mean() - R.exact(X, beta, noise, family)) < 5 * se + 1e-6


def test_dropout_exact_matches_plain_enumeration():
    X, beta = _data(n=3, d=5)
    noise = noising.Dropout(0.4)
    fam = noising.get_family("logistic")
    total = 0.0
    for x in X:
        for mask in range(2**5):
            keep = np.array([(mask >> j) & 1 for j in range(5)])
            prob = np.prod(np.where(keep, 0.6, 0.4))
            total += prob * fam.A((x * keep * beta).sum() / 0.6)
        total -= fam.A(x @ beta)
    assert R.exact(X, beta, noise) == pytest.approx(total, rel=1e-12)


def test_gaussian_logistic_quadrature_matches_simpson():
    X, beta = _data(n=3, d=3)
    noise = noising.Gaussian(0.8)
    s = 0.8 * np.linalg.norm(beta)
    t = np.linspace(-12, 12, 200_001)
    phi = np.exp(-t * t / 2) / np.sqrt(2 * np.pi)
    ref = sum(np.trapezoid(noising.softplus(m + s * t) * phi, t) - noising.softplus(m) for m in X @ beta)
    assert R.exact(X, beta, noise) == pytest.approx(ref, rel=1e-8)


@pytest.mark.parametrize("noise", NOISES, ids=repr)
def test_linear_family_quadratic_is_exact(noise):
    X, beta = _data()
    assert R.exact(X, beta, noise, "linear") == pytest.approx(
        R.quadratic(X, beta, noise, "linear"), rel=1e-12
    )


def test_per_example_sums_to_total_and_zero_noise_gives_zero():
    X, beta = _data()
    for f in (R.exact, R.quadratic):
        per = f(X, beta, noising.Dropout(0.5), per_example=True)
        assert per.shape == (6,) and per.sum() == pytest.approx(f(X, beta, noising.Dropout(0.5)))
    assert R.exact(X, beta, noising.Dropout(0.0)) == pytest.approx(0.0, abs=1e-15)
    assert R.exact(X, beta, noising.Gaussian(0.0)) == 0.0


def test_single_example_vector_is_accepted():
    X, beta = _data(n=1)
    assert R.exact(X[0], beta, noising.Dropout(0.5)) == R.exact(X, beta, noising.Dropout(0.5))


def test_small_delta_slope():
    X, beta = _data(n=2, d=3)
    delta = 1e-7
    assert R.exact(X, beta, noising.Dropout(delta)) / delta == pytest.approx(
        R.dropout_small_delta_slope(X, beta), rel=1e-5
    )


def test_exact_d20_enumerates_every_mask():
    # 2**20 masks; the speed is measured by `make bench` (bench/run.py), never asserted here
    rng = np.random.default_rng(1)
    x, beta = rng.normal(size=20), rng.normal(size=20)
    linear = R.exact(x, beta, noising.Dropout(0.5), "linear")
    assert linear == pytest.approx(R.quadratic(x, beta, noising.Dropout(0.5), "linear"), rel=1e-10)
    logistic = R.exact(x, beta, noising.Dropout(0.5))
    assert np.isfinite(logistic) and logistic > 0


def test_exact_only_enumerates_nonzero_terms():
    x = np.zeros(200)
    x[:5] = 1.0
    beta = np.ones(200)
    assert R.exact(x, beta, noising.Dropout(0.5)) == pytest.approx(
        R.exact(x[:5], beta[:5], noising.Dropout(0.5))
    )


# ---- bad input -------------------------------------------------------------------------


def test_too_many_features_points_to_monte_carlo():
    x = np.ones(R.MAX_EXACT_FEATURES + 1)
    with pytest.raises(ValueError, match="monte_carlo"):
        R.exact(x, x, noising.Dropout(0.5))


@pytest.mark.parametrize("f", [R.exact, R.quadratic, R.monte_carlo, R.dropout_small_delta_slope])
def test_bad_shapes_and_values(f):
    noise_args = () if f is R.dropout_small_delta_slope else (noising.Dropout(0.5),)
    with pytest.raises(ValueError, match="columns"):
        f(np.ones((3, 2)), np.ones(3), *noise_args)
    with pytest.raises(ValueError, match="1-D"):
        f(np.ones((3, 2)), np.ones((2, 1)), *noise_args)
    with pytest.raises(ValueError, match="shape"):
        f(np.ones((2, 2, 2)), np.ones(2), *noise_args)
    with pytest.raises(ValueError, match="NaN"):
        f(np.array([[1.0, np.nan]]), np.ones(2), *noise_args)
    with pytest.raises(ValueError, match="NaN or infinite"):
        f(np.ones((1, 2)), np.array([np.inf, 1.0]), *noise_args)
    with pytest.raises(ValueError, match="empty"):
        f(np.ones((0, 2)), np.ones(2), *noise_args)
    with pytest.raises(ValueError, match="unknown family"):
        f(np.ones((1, 2)), np.ones(2), *noise_args, family="probit")


@pytest.mark.parametrize("f", [R.exact, R.quadratic, R.monte_carlo])
def test_noise_must_be_a_noise_model(f):
    with pytest.raises(TypeError, match="noise must be"):
        f(np.ones((1, 2)), np.ones(2), 0.5)


@pytest.mark.parametrize(
    "samples, exc",
    [(0, ValueError), (-5, ValueError), (10**10, ValueError), (2.5, TypeError), (True, TypeError)],
)
def test_monte_carlo_rejects_bad_sample_counts(samples, exc):
    with pytest.raises(exc, match="samples"):
        R.monte_carlo(np.ones((1, 2)), np.ones(2), noising.Dropout(0.5), samples=samples)


# ---- properties ------------------------------------------------------------------------

small = st.floats(min_value=-3, max_value=3, allow_nan=False)
designs = arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 5)), elements=small)


@settings(max_examples=60, deadline=None)
@given(designs, st.floats(0.0, 0.95), st.data())
def test_exact_dropout_properties(X, delta, data):
    beta = data.draw(arrays(np.float64, X.shape[1], elements=small))
    noise = noising.Dropout(delta)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = R.exact(X, beta, noise)
        q = R.quadratic(X, beta, noise)
    # Jensen: A convex and E[x~ beta] = x beta, so R >= 0; R^q >= 0 since A'' >= 0 (exactly)
    assert r >= 0 and q >= 0
    # linear family: exact equals quadratic
    assert R.exact(X, beta, noise, "linear") == pytest.approx(
        R.quadratic(X, beta, noise, "linear"), rel=1e-9, abs=1e-12
    )
    # Taylor with Lagrange remainder: |R - R^q| <= max|A'''|/6 * sum_i E|Delta_i|^3
    # (bounded here by the crude max |Delta| over masks times the variance)
    W = X * beta
    max_dev = np.abs(W).sum(axis=1) * max(1.0, 1 / (1 - delta))
    bound = (1 / (6 * np.sqrt(3))) / 6 * (max_dev * noise.variance(X, beta)).sum()
    assert abs(r - q) <= bound + 1e-10


@settings(max_examples=40, deadline=None)
@given(designs, st.floats(0.0, 2.0), st.data())
def test_gaussian_exact_properties(X, sigma, data):
    beta = data.draw(arrays(np.float64, X.shape[1], elements=small))
    noise = noising.Gaussian(sigma)
    r = R.exact(X, beta, noise)
    assert r >= 0
    # R is at most R^q computed with the largest curvature A'' = 1/4 of the logistic family
    assert r <= 0.125 * X.shape[0] * sigma**2 * float(beta @ beta) + 1e-9


# ---- wide ranges, honest tolerances -----------------------------------------------------
# |values| from 1e-9 to 1e6 (and exact zeros), either sign: |x beta| up to about 1e13

EPS = 2.0**-52
TINY = 5e-324  # spacing of the subnormal floats
wide = st.one_of(
    st.just(0.0),
    st.builds(lambda e, s: s * 10.0**e, st.floats(-9, 6), st.sampled_from([-1.0, 1.0])),
)
wide_designs = arrays(np.float64, st.tuples(st.integers(1, 3), st.integers(1, 4)), elements=wide)


def _logistic_remainder_mp(z, d):
    """A(z+d) - A(z) - sigma(z) d in mpmath, via A(z+d) - A(z) = log1p(sigma(z) expm1(d)) at z <= 0."""
    if z > 0:
        z, d = -z, -d
    p = 1 / (1 + mpmath.exp(-z))
    return mpmath.log1p(p * mpmath.expm1(d)) - p * d


def _dropout_reference(X, beta, delta):
    """Per-example R by enumerating masks in 80-digit arithmetic, and a first-order error bound.

    The inputs of the float computation are W = fl(x * beta); rounding the sums z = x beta and
    Delta (at most d + 1 terms each) moves them by at most (d+1) eps S, S = sum |W_j| max(1, a).
    With dB/dDelta = sigma(z+Delta) - sigma(z) and dB/dz = that - sigma'(z) Delta, the bound is
    (d+1) eps S E[|dB/dDelta| + |dB/dz|] plus a relative error of the remainder itself that grows
    like eps (1 + |z| + |Delta|) (its logarithms and exponentials at arguments of that size).
    """
    out, tol = [], []
    with mpmath.workdps(80):
        dl = mpmath.mpf(delta)
        a = dl / (1 - dl)
        for x in X:
            W = [mpmath.mpf(float(w)) for w in x * beta]
            d = len(W)
            z = mpmath.fsum(W)
            S = mpmath.fsum(abs(w) for w in W) * max(1, a)
            sz = 1 / (1 + mpmath.exp(-z))
            dsz = sz * (1 - sz)
            r = err = mpmath.mpf(0)
            for mask in range(2**d):
                keep = [(mask >> j) & 1 for j in range(d)]
                prob = mpmath.fprod((1 - dl) if k else dl for k in keep)
                dev = mpmath.fsum(w * a if k else -w for w, k in zip(W, keep))
                b = _logistic_remainder_mp(z, dev)
                dsig = 1 / (1 + mpmath.exp(-(z + dev))) - sz
                r += prob * b
                err += prob * (
                    (d + 1) * S * (2 * abs(dsig) + dsz * abs(dev)) + 32 * b * (1 + abs(z) + abs(dev))
                )
            out.append(float(r))
            tol.append(float(4 * EPS * err))
    return np.array(out), np.array(tol)


@settings(max_examples=80, deadline=None)
@given(wide_designs, st.floats(0.0, 0.95), st.data())
def test_exact_dropout_is_nonnegative_and_accurate_over_wide_ranges(X, delta, data):
    beta = data.draw(arrays(np.float64, X.shape[1], elements=wide))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = R.exact(X, beta, noising.Dropout(delta), per_example=True)
    assert np.all(r >= 0)  # no tolerance: R >= 0 by Jensen's inequality
    ref, tol = _dropout_reference(X, beta, delta)
    assert np.all(np.abs(r - ref) <= tol + 4 * TINY), (r, ref, tol)  # TINY: subnormal results


@settings(max_examples=80, deadline=None)
@given(wide_designs, st.floats(0.0, 0.95), st.data())
def test_linear_and_poisson_dropout_over_wide_ranges(X, delta, data):
    beta = data.draw(arrays(np.float64, X.shape[1], elements=wide))
    noise = noising.Dropout(delta)
    W = X * beta
    # linear: R = R^q = delta / (2 (1 - delta)) sum_j W_j^2, to a few ulps
    lin = R.exact(X, beta, noise, "linear", per_example=True)
    ref = delta / (2 * (1 - delta)) * (W**2).sum(axis=1)
    np.testing.assert_allclose(lin, ref, rtol=8 * EPS, atol=0)
    # Poisson: R = exp(z) (prod_j E[exp(Delta_j)] - 1) >= 0, never NaN
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        poi = R.exact(X, beta, noise, "poisson", per_example=True)
    assert np.all(poi >= 0) and not np.any(np.isnan(poi))
    small = np.abs(W).sum(axis=1) < 30  # where the product is a float, compare with mpmath
    with mpmath.workdps(60):
        for i in np.flatnonzero(small):
            dl = mpmath.mpf(delta)
            a = dl / (1 - dl)
            # log E[exp(Delta_j)] = log1p(delta (e^-w - 1 + w) + (1 - delta) (e^(a w) - 1 - a w))
            lg = mpmath.fsum(
                mpmath.log1p(dl * (mpmath.expm1(-w) + w) + (1 - dl) * (mpmath.expm1(a * w) - a * w))
                for w in map(mpmath.mpf, W[i])
            )
            exact = mpmath.exp(mpmath.fsum(mpmath.mpf(float(w)) for w in W[i])) * mpmath.expm1(lg)
            zi = float(np.sum(np.abs(W[i])))
            assert abs(poi[i] - float(exact)) <= 64 * EPS * (1 + zi) * float(exact) + 4 * TINY


@settings(max_examples=200, deadline=None)
@given(st.floats(-1e3, 1e3), wide, st.sampled_from(["logistic", "poisson", "linear"]))
def test_family_remainder_is_nonnegative_and_relatively_accurate(z, d, family):
    fam = noising.get_family(family)
    got = float(fam.remainder(z, d))
    assert got >= 0
    with mpmath.workdps(60):
        if family == "logistic":
            ref = _logistic_remainder_mp(mpmath.mpf(z), mpmath.mpf(d))
        elif family == "poisson":
            ref = mpmath.exp(mpmath.mpf(z)) * (mpmath.expm1(mpmath.mpf(d)) - mpmath.mpf(d))
        else:
            ref = mpmath.mpf(d) ** 2 / 2
    ref = float(ref)
    if np.isinf(ref) or ref < 1e-290:
        assert got == ref or (ref < 1e-290 and got < 1e-280)
    else:
        assert abs(got - ref) <= 16 * EPS * (1 + abs(z) + abs(d)) * ref
