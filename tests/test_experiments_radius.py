"""Tests of noising.experiments.radius (chapter 7's objectives)."""

import numpy as np
import pytest
from scipy.optimize import minimize_scalar

import noising
from noising import Dropout, fit, regularizer
from noising.experiments import radius as ob

RNG = np.random.default_rng(3)


def test_dropout_loss_is_likelihood_plus_exact_regularizer():
    X, b = RNG.normal(size=(7, 3)), RNG.normal(size=3)
    y = (RNG.random(7) < 0.5).astype(float)
    value, grad = ob.dropout_loss(X, y, b, 0.3)
    expected = fit.nll(X, y, b)[0] + regularizer.exact(X, b, Dropout(0.3))
    assert value == pytest.approx(expected, rel=1e-12)
    # gradient against central differences
    eps = 1e-6
    num = [
        (ob.dropout_loss(X, y, b + eps * e, 0.3)[0] - ob.dropout_loss(X, y, b - eps * e, 0.3)[0]) / (2 * eps)
        for e in np.eye(3)
    ]
    np.testing.assert_allclose(grad, num, rtol=1e-6, atol=1e-8)


def test_delta_zero_is_the_likelihood():
    X, b, y = RNG.normal(size=(4, 2)), RNG.normal(size=2), np.array([1.0, 0, 1, 0])
    assert ob.dropout_loss(X, y, b, 0.0)[0] == pytest.approx(fit.nll(X, y, b)[0], rel=1e-13)


def test_sign_consistent_features():
    X = np.array([[1.0, 1.0, 0.0], [2.0, -1.0, 0.0], [0.0, 1.0, 0.0], [-1.0, -2.0, 0.0]])
    y = np.array([1.0, 1.0, 0.0, 0.0])
    # feature 0: +,+,0,- (with labels 1,1,0,0: (2y-1)x = 1,2,0,1 >= 0): consistent
    # feature 1: mixed; feature 2: all zero, not counted
    assert list(ob.sign_consistent_features(X, y)) == [0]
    assert ob.sign_consistent_features(X[:, 1:], y).size == 0


def test_sign_consistent_feature_has_negative_partial_everywhere():
    X = np.array([[1.0, 1.0], [1.0, -0.5], [0.0, 1.5], [0.0, -1.0], [0.0, 1.0]])
    y = np.array([1.0, 1.0, 1.0, 0.0, 0.0])
    for b in RNG.normal(scale=4, size=(50, 2)):
        assert ob.dropout_loss(X, y, b, 0.5)[1][0] < 0


def test_profile_matches_a_direct_minimisation():
    X = np.array([[1.0, 1.0], [1.0, -0.5], [0.0, 1.5], [0.0, -1.0], [0.0, 1.0], [0.0, -0.5]])
    y = np.array([1.0, 1, 1, 1, 0, 0])
    minima, others = ob.profile(X, y, 0, [2.0], 0.5)
    res = minimize_scalar(
        lambda b2: ob.dropout_loss(X, y, [2.0, b2], 0.5)[0],
        bounds=(-5, 5),
        method="bounded",
        options=dict(xatol=1e-10),
    )
    assert minima[0] == pytest.approx(res.fun, rel=1e-9)
    assert others[0, 0] == pytest.approx(res.x, abs=1e-5)


def test_reduced_loss():
    X, y, b = np.array([[1.0], [2.0]]), np.array([1.0, 0.0]), np.array([0.4])
    log_p = -np.logaddexp(0, -X[:, 0] * 0.4)
    assert ob.reduced_loss(X, y, b) == pytest.approx(-log_p[0] + log_p[1])


@pytest.mark.parametrize(
    "call",
    [
        lambda: ob.dropout_loss(np.ones((2, 13)), [0, 1], np.ones(13), 0.5),
        lambda: ob.dropout_loss(np.ones((2, 2)), [0, 2], np.ones(2), 0.5),
        lambda: ob.dropout_loss(np.ones((2, 2)), [0, 1], np.ones(2), 1.0),
        lambda: ob.profile(np.ones((2, 2)), [0, 1], 2, [1.0], 0.5),
        lambda: ob.sign_consistent_features(np.ones(3), [0, 1, 1]),
        lambda: ob.reduced_loss(np.ones((2, 2)), [0, 1, 1], np.ones(2)),
    ],
)
def test_bad_arguments_raise_value_error(call):
    with pytest.raises(ValueError):
        call()


def test_moments_by_convolution_match_the_enumeration():

    x, b = RNG.normal(size=5), RNG.normal(size=5)
    conv = ob.dropout_moments_by_convolution(x, b, 0.3, 12)
    enum = noising.moments.central_moments(x, b, Dropout(0.3), 12)[0]
    np.testing.assert_allclose(conv, enum, rtol=1e-10, atol=1e-13)
    assert conv[0] == 1.0 and abs(conv[1]) < 1e-15
    # the second moment: delta / (1 - delta) sum_j (x_j b_j)^2
    assert conv[2] == pytest.approx(0.3 / 0.7 * np.sum((x * b) ** 2), rel=1e-14)


def test_moments_by_convolution_one_feature_and_zero_contributions():
    # one feature: Delta = c delta/(1-delta) w.p. 1-delta, -c w.p. delta
    c, dl = 2.0, 0.25
    expected = [(1 - dl) * (c * dl / (1 - dl)) ** m + dl * (-c) ** m for m in range(6)]
    got = ob.dropout_moments_by_convolution([c, 3.0], [1.0, 0.0], dl, 5)
    np.testing.assert_allclose(got, expected, rtol=1e-15)


def test_moments_by_convolution_rejects_bad_arguments():
    with pytest.raises(ValueError):
        ob.dropout_moments_by_convolution([[1.0], [2.0]], [1.0], 0.3, 4)
    with pytest.raises(ValueError):
        ob.dropout_moments_by_convolution([1.0], [1.0], 0.3, -1)
    with pytest.raises(ValueError):
        ob.dropout_moments_by_convolution([1.0], [1.0], 1.5, 4)
