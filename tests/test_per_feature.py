"""Per-feature dropout rates (issue 13, section 2): a vector delta, one rate per column.

Features are dropped independently, so every formula of the scalar case holds term by
term with :math:`\\delta/(1-\\delta)` replaced by :math:`\\delta_j/(1-\\delta_j)`. The tests
check (i) a vector of equal rates gives the scalar results, (ii) a rate of 0 is a column
never dropped, the same as ``unpenalized``, (iii) the exact regularizer and the moments
agree with a brute-force sum over all masks with per-feature probabilities, (iv) sparse
and dense designs agree, and (v) bad vectors are refused naming ``delta``.
"""
from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from noising import Dropout, moments, penalties, regularizer, semisup
from noising.families import get_family

FAMILIES = ["logistic", "linear", "poisson"]


def _problem(seed=0, n=6, d=4):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    X[rng.random((n, d)) < 0.3] = 0.0
    return X, rng.standard_normal(d), rng.uniform(0.0, 0.8, d)


def _brute_force(X, beta, delta, f):
    """:math:`\\sum_\\xi p(\\xi) f(\\tilde x_i\\beta)` per example over all :math:`2^d` keep-masks."""
    out = np.zeros(X.shape[0])
    for keep in itertools.product([0, 1], repeat=X.shape[1]):
        keep = np.array(keep, dtype=float)
        p = np.prod(np.where(keep == 1, 1 - delta, delta))
        out += p * f((X * keep / (1 - delta)) @ beta)
    return out


# ------------------------------------------------------------------ equal rates = one rate
@pytest.mark.parametrize("family", FAMILIES)
def test_a_vector_of_equal_rates_gives_the_scalar_results(family):
    X, beta, _ = _problem(1)
    one, many = Dropout(0.3), Dropout(np.full(4, 0.3))
    for f in (regularizer.quadratic, regularizer.quadratic_gradient, regularizer.exact):
        np.testing.assert_allclose(f(X, beta, many, family), f(X, beta, one, family), rtol=1e-12)
    np.testing.assert_allclose(regularizer.monte_carlo(X, beta, many, family, samples=2000),
                               regularizer.monte_carlo(X, beta, one, family, samples=2000), rtol=1e-12)
    pv, pg = penalties.DropoutPenalty(X, np.full(4, 0.3), family=family).value_and_grad(beta)
    sv, sg = penalties.DropoutPenalty(X, 0.3, family=family).value_and_grad(beta)
    np.testing.assert_allclose([pv, *pg], [sv, *sg], rtol=1e-12)
    np.testing.assert_allclose(moments.central_moments(X, beta, many, 4), moments.central_moments(X, beta, one, 4),
                               rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(moments.max_deviation(X, beta, many), moments.max_deviation(X, beta, one), rtol=1e-12)


def test_a_rate_of_zero_is_a_column_never_dropped():
    X, beta, _ = _problem(2)
    delta = np.array([0.0, 0.4, 0.4, 0.4])
    for family in FAMILIES:
        a = penalties.DropoutPenalty(X, delta, family=family).value_and_grad(beta)
        b = penalties.DropoutPenalty(X, 0.4, family=family, unpenalized=[0]).value_and_grad(beta)
        np.testing.assert_allclose(a[0], b[0], rtol=1e-12)
        np.testing.assert_allclose(a[1], b[1], rtol=1e-12, atol=1e-15)
    # an intercept column of ones: dropping nothing, R^q ignores its weight entirely
    Xi = np.hstack([np.ones((6, 1)), X[:, 1:]])
    pen = penalties.DropoutPenalty(Xi, delta)
    assert pen.value(np.array([7.0, 0.0, 0.0, 0.0])) == 0.0
    assert np.all(Dropout(delta).sample(Xi, 0)[:, 0] == 1.0)


# ------------------------------------------------------------------ against brute force
@pytest.mark.parametrize("family", FAMILIES)
def test_exact_regularizer_equals_the_sum_over_all_masks(family):
    X, beta, delta = _problem(3)
    delta[1] = 0.0
    fam = get_family(family)
    z = X @ beta
    brute = _brute_force(X, beta, delta, fam.A) - fam.A(z)
    got = regularizer.exact(X, beta, Dropout(delta), family, per_example=True)
    np.testing.assert_allclose(got, brute, rtol=1e-10, atol=1e-14)


def test_moments_equal_the_sum_over_all_masks():
    X, beta, delta = _problem(4)
    z = X @ beta
    got = moments.central_moments(X, beta, Dropout(delta), 4)
    for m in range(5):
        brute = _brute_force(X, beta, delta, lambda t, m=m: (t - z) ** m)
        np.testing.assert_allclose(got[:, m], brute, rtol=1e-10, atol=1e-13)
    # the variance is sum_j delta_j / (1 - delta_j) x_ij^2 beta_j^2
    np.testing.assert_allclose(got[:, 2], ((X * beta) ** 2 * (delta / (1 - delta))).sum(axis=1), rtol=1e-12)
    np.testing.assert_allclose(Dropout(delta).variance(X, beta), got[:, 2], rtol=1e-12)
    brute_max = np.max([np.abs((X * np.array(k) / (1 - delta)) @ beta - z)
                        for k in itertools.product([0, 1], repeat=4)], axis=0)
    np.testing.assert_allclose(moments.max_deviation(X, beta, Dropout(delta)), brute_max, rtol=1e-12)


def test_monte_carlo_estimates_the_exact_value():
    X, beta, delta = _problem(5)
    exact = regularizer.exact(X, beta, Dropout(delta))
    mc = regularizer.monte_carlo(X, beta, Dropout(delta), samples=200_000, seed=1)
    assert mc == pytest.approx(exact, rel=0.02)


def test_samples_are_unbiased_feature_by_feature():
    X, _, delta = _problem(6)
    draws = np.mean([Dropout(delta).sample(X, seed) for seed in range(4000)], axis=0)
    np.testing.assert_allclose(draws, X, atol=0.12)
    S = Dropout(delta).sample(sp.csr_array(X), 0)
    assert sp.issparse(S) and S.shape == X.shape


@pytest.mark.parametrize("family", FAMILIES)
def test_penalty_gradient_matches_finite_differences(family):
    X, beta, delta = _problem(7)
    delta[2] = 0.0
    pen = penalties.DropoutPenalty(X, delta, lam=2.0, family=family)
    h = 1e-6
    fd = np.array([(pen.value(beta + h * e) - pen.value(beta - h * e)) / (2 * h) for e in np.eye(4)])
    np.testing.assert_allclose(pen.grad(beta), fd, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(pen.value(beta), 2.0 * regularizer.quadratic(X, beta, Dropout(delta), family),
                               rtol=1e-12)
    np.testing.assert_allclose(pen.grad(beta), 2.0 * regularizer.quadratic_gradient(X, beta, Dropout(delta), family),
                               rtol=1e-12, atol=1e-15)


# ------------------------------------------------------------------ sparse = dense
@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 10), st.integers(1, 6), st.sampled_from(FAMILIES))
def test_per_feature_rates_on_sparse_and_dense_designs_agree(seed, n, d, family):
    rng = np.random.default_rng(seed)
    X = np.where(rng.random((n, d)) < 0.4, rng.standard_normal((n, d)), 0.0)
    beta, delta = rng.standard_normal(d), np.where(rng.random(d) < 0.3, 0.0, rng.uniform(0, 0.9, d))
    S = sp.coo_matrix(X)
    a = penalties.DropoutPenalty(S, delta, family=family).value_and_grad(beta)
    b = penalties.DropoutPenalty(X, delta, family=family).value_and_grad(beta)
    np.testing.assert_allclose(a[0], b[0], rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(a[1], b[1], rtol=1e-12, atol=1e-12 * max(1.0, np.abs(b[1]).max()))
    np.testing.assert_allclose(regularizer.quadratic_gradient(S, beta, Dropout(delta), family),
                               regularizer.quadratic_gradient(X, beta, Dropout(delta), family),
                               rtol=1e-12, atol=1e-12 * max(1.0, np.abs(b[1]).max()))
    pen = semisup.SemiSupervisedDropoutPenalty(S, S, delta, 0.5, family=family)
    np.testing.assert_allclose(pen.value(beta), b[0], rtol=1e-12, atol=1e-300)


# ------------------------------------------------------------------ bad vectors
@pytest.mark.parametrize("bad, exc, pattern", [
    ([0.1, 0.2], ValueError, r"delta has 2 per-feature rates but X has 4 columns"),
    ([0.1, 0.2, 1.0, 0.3], ValueError, r"delta must be in \[0, 1\) for every feature, got 1.0"),
    ([0.1, -0.2, 0.1, 0.3], ValueError, r"delta must be in \[0, 1\) for every feature, got -0.2"),
    ([0.1, np.nan, 0.1, 0.3], ValueError, r"delta contains NaN"),
    ([[0.1, 0.2, 0.1, 0.3]], ValueError, r"delta must be a number or a 1-D vector"),
    ([True, False, True, False], TypeError, r"delta must hold real numbers"),
    (["a", "b", "c", "d"], TypeError, r"delta must be an array of real numbers"),
    ([0.1, 0.2j, 0.1, 0.3], TypeError, r"delta must be real"),
], ids=["length", "one", "negative", "nan", "2-d", "bools", "strings", "complex"])
def test_bad_rate_vectors_are_refused_naming_delta(bad, exc, pattern):
    X, _, _ = _problem(8)
    with pytest.raises(exc, match=pattern):
        penalties.DropoutPenalty(X, bad)
    if "per-feature rates" in pattern:  # the noise itself does not know d; its users check
        with pytest.raises(exc, match=pattern):
            regularizer.quadratic(X, np.ones(4), Dropout(bad))
        with pytest.raises(exc, match=pattern):
            Dropout(bad).variance(X, np.ones(4))
    else:
        with pytest.raises(exc, match=pattern):
            Dropout(bad)


def test_per_feature_dropout_is_hashable_and_compares_by_value():
    a, b = Dropout([0.1, 0.2]), Dropout(np.array([0.1, 0.2]))
    assert a == b and hash(a) == hash(b) and a != Dropout(0.1) and Dropout(0.1) == Dropout(0.1)
    assert a.per_feature and not Dropout(0.1).per_feature
    assert "0.1, 0.2" in repr(a)
    with pytest.raises(ValueError):
        a.delta[0] = 0.5  # read-only: the noise cannot change after validation
