"""Tests of noising.optim: SGD, AdaGrad, dropout-preconditioned SGD and their statistics."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.optimize import minimize

from noising import optim, regularizer
from noising.families import get_family
from noising.noise import Dropout


def _data(n=200, d=4, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    beta = rng.normal(size=d) * 0.5
    y = (rng.random(n) < 1 / (1 + np.exp(-X @ beta))).astype(float)
    return X, y, beta


# ----------------------------------------------------------------- statistics
def test_per_example_gradients_match_finite_differences():
    X, y, beta = _data(n=5, d=3)
    G = optim.per_example_gradients(X, y, beta)
    fam = get_family("logistic")
    h = 1e-6
    for j in range(3):
        e = np.zeros(3)
        e[j] = h
        loss = lambda b: -y * (X @ b) + fam.A(X @ b)  # noqa: E731
        np.testing.assert_allclose(G[:, j], (loss(beta + e) - loss(beta - e)) / (2 * h), rtol=1e-6, atol=1e-9)


def test_statistics_coincide_at_zero_for_any_binary_labels():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(30, 5))
    y = rng.integers(0, 2, size=30).astype(float)
    zero = np.zeros(5)
    np.testing.assert_allclose(
        optim.adagrad_statistic(X, y, zero), optim.dropout_statistic(X, zero), rtol=1e-14
    )
    np.testing.assert_allclose(optim.dropout_statistic(X, zero), (X**2).mean(axis=0) / 4, rtol=1e-14)


def test_statistics_differ_away_from_zero_and_linear_family():
    X, y, beta = _data()
    assert not np.allclose(optim.adagrad_statistic(X, y, beta), optim.dropout_statistic(X, beta))
    # linear family: V = I, so the dropout statistic is the mean of x_j^2 whatever beta is
    np.testing.assert_allclose(optim.dropout_statistic(X, beta, "linear"), (X**2).mean(axis=0))


def test_weights_give_a_weighted_mean():
    X, y, beta = _data(n=4)
    w = np.array([1.0, 0.0, 0.0, 0.0])
    np.testing.assert_allclose(
        optim.dropout_statistic(X, beta, weights=w), optim.dropout_statistic(X[:1], beta)
    )
    np.testing.assert_allclose(
        optim.adagrad_statistic(X, y, beta, weights=3 * w), optim.adagrad_statistic(X[:1], y[:1], beta)
    )


def test_preconditioner_is_the_hessian_of_the_centred_penalty():
    X, _, beta_t = _data(n=50, d=3)
    A = optim.dropout_preconditioner(X, beta_t, 0.3)
    # centred penalty equals regularizer.quadratic with curvature frozen at beta_t
    diff = np.array([0.2, -0.1, 0.4])
    frozen = 0.5 * get_family("logistic").A2(X @ beta_t) @ Dropout(0.3).variance(X, diff)
    assert np.isclose(optim.centred_dropout_penalty(X, beta_t + diff, beta_t, 0.3), frozen, rtol=1e-12)
    assert np.isclose(
        optim.centred_dropout_penalty(X, beta_t + diff, beta_t, 0.3), 0.5 * A @ diff**2, rtol=1e-12
    )
    # at zero increment the centred penalty equals R^q of a zero vector
    assert optim.centred_dropout_penalty(X, beta_t, beta_t, 0.3) == 0.0
    assert regularizer.quadratic(X, 0 * beta_t, Dropout(0.3)) == 0.0


def test_dropout_step_minimises_the_linearised_penalised_problem():
    X, y, beta_t = _data(n=40, d=3, seed=5)
    g = optim.per_example_gradients(X[:1], y[:1], beta_t)[0]
    obj = lambda b: g @ (b - beta_t) + optim.centred_dropout_penalty(X, b, beta_t, 0.4)  # noqa: E731
    best = minimize(obj, beta_t, method="BFGS", options={"gtol": 1e-12}).x
    step = beta_t - g / optim.dropout_preconditioner(X, beta_t, 0.4)
    np.testing.assert_allclose(best, step, atol=1e-6)


# -------------------------------------------------------------------- methods
def test_sgd_first_step_is_minus_eta_gradient():
    X, y, _ = _data(n=10, d=2)
    res = optim.sgd(X, y, eta=0.3, steps=1, record_every=1, seed=1)
    i = np.random.default_rng(1).permutation(10)[0]
    g = optim.per_example_gradients(X[i : i + 1], y[i : i + 1], np.zeros(2))[0]
    np.testing.assert_allclose(res.beta, -0.3 * g)
    assert res.path.shape == (2, 2) and list(res.steps) == [0, 1] and res.method == "sgd"


def test_adagrad_first_step_is_minus_eta_sign():
    X, y, _ = _data(n=10, d=2)
    res = optim.adagrad(X, y, eta=0.2, eps=1e-12, steps=1, record_every=1, seed=1)
    i = np.random.default_rng(1).permutation(10)[0]
    g = optim.per_example_gradients(X[i : i + 1], y[i : i + 1], np.zeros(2))[0]
    np.testing.assert_allclose(res.beta, -0.2 * np.sign(g), rtol=1e-9)


def test_dropout_first_step_uses_the_preconditioner():
    X, y, _ = _data(n=10, d=2)
    res = optim.dropout_sgd_preconditioned(X, y, 0.5, eps=1e-15, steps=1, record_every=1, seed=1)
    i = np.random.default_rng(1).permutation(10)[0]
    g = optim.per_example_gradients(X[i : i + 1], y[i : i + 1], np.zeros(2))[0]
    np.testing.assert_allclose(res.beta, -g / optim.dropout_preconditioner(X, np.zeros(2), 0.5), rtol=1e-9)


@pytest.mark.parametrize("method", ["sgd", "adagrad", "dropout"])
def test_methods_approach_the_maximum_likelihood_estimate(method):
    X, y, _ = _data(n=400, d=3, seed=2)
    from scipy.optimize import minimize as mini

    fam = get_family("logistic")
    mle = mini(lambda b: np.sum(fam.A(X @ b) - y * (X @ b)), np.zeros(3), method="BFGS").x
    runs = {
        "sgd": lambda: optim.sgd(X, y, eta=0.5, steps=8000, seed=0),
        "adagrad": lambda: optim.adagrad(X, y, eta=0.2, steps=8000, seed=0),
        "dropout": lambda: optim.dropout_sgd_preconditioned(X, y, 0.5, refresh=50, steps=8000, seed=0),
    }
    res = runs[method]()
    assert np.linalg.norm(res.beta - mle) < 0.25 * np.linalg.norm(mle)
    # seeded: the same seed gives the same path
    np.testing.assert_array_equal(res.path, runs[method]().path)


def test_record_every_and_beta0():
    X, y, _ = _data(n=10, d=2)
    res = optim.sgd(X, y, steps=25, record_every=10, beta0=[1.0, -1.0])
    assert list(res.steps) == [0, 10, 20, 25]
    np.testing.assert_array_equal(res.path[0], [1.0, -1.0])


@settings(max_examples=30, deadline=None)
@given(arrays(float, (6, 3), elements=st.floats(-3, 3)), arrays(float, 3, elements=st.floats(-3, 3)))
def test_statistics_are_nonnegative_and_bounded(X, beta):
    y = (X[:, 0] > 0).astype(float)
    a = optim.adagrad_statistic(X, y, beta)
    d = optim.dropout_statistic(X, beta)
    m2 = (X**2).mean(axis=0)
    assert np.all(a >= 0) and np.all(d >= 0)
    # logistic: (y - p)^2 <= 1 and p(1 - p) <= 1/4
    assert np.all(a <= m2 + 1e-12) and np.all(d <= m2 / 4 + 1e-12)


@settings(max_examples=30, deadline=None)
@given(arrays(float, (5, 2), elements=st.floats(-2, 2)), st.floats(0.05, 0.95))
def test_preconditioner_scales_with_delta_odds(X, delta):
    beta = np.array([0.3, -0.7])
    a, b = optim.dropout_preconditioner(X, beta, delta), optim.dropout_preconditioner(X, beta, 0.5)
    assert np.allclose(a, delta / (1 - delta) * b)


# ---------------------------------------------------------------- bad inputs
@pytest.mark.parametrize(
    "call, match",
    [
        (lambda X, y, b: optim.per_example_gradients(X, y[:-1], b), "one response per row of X"),
        (lambda X, y, b: optim.per_example_gradients(X, np.where(y > 0, np.nan, y), b), "NaN"),
        (lambda X, y, b: optim.per_example_gradients(X, y, b[:-1]), "columns"),
        (lambda X, y, b: optim.adagrad_statistic(X, y, b, weights=np.ones(3)), "weights must have shape"),
        (lambda X, y, b: optim.dropout_statistic(X, b, weights=-np.ones(len(y))), "non-negative"),
        (lambda X, y, b: optim.dropout_statistic(X, b, family="gamma"), "unknown family"),
        (lambda X, y, b: optim.dropout_preconditioner(X, b, 1.0), r"delta must be in \(0, 1\)"),
        (lambda X, y, b: optim.dropout_preconditioner(X, b, 0.0), r"delta must be in \(0, 1\)"),
        (lambda X, y, b: optim.centred_dropout_penalty(X, b, b[:-1], 0.5), "beta_t must have shape"),
        (lambda X, y, b: optim.centred_dropout_penalty(X, b, b[:-1], 0.5), "columns"),
        (lambda X, y, b: optim.sgd(X, y, eta=-1.0), "eta must be > 0"),
        (lambda X, y, b: optim.sgd(X, y, decay=-0.5), "decay must be >= 0"),
        (lambda X, y, b: optim.sgd(X, y, steps=0), "steps must be in"),
        (lambda X, y, b: optim.sgd(X, y, steps=10**8), "steps must be in .*use fewer steps"),
        (lambda X, y, b: optim.sgd(X[0], y), r"X must have shape \(n, d\)"),
        (lambda X, y, b: optim.sgd(np.where(X > 1, np.inf, X), y), "NaN or infinite"),
        (lambda X, y, b: optim.sgd(X, y, record_every=0), "record_every must be >= 1"),
        (lambda X, y, b: optim.sgd(X, y, beta0=b[:-1]), "columns"),
        (lambda X, y, b: optim.adagrad(X, y[:-2]), "one response per row of X"),
        (lambda X, y, b: optim.adagrad(X, 2 * y - 1), "labels y in {0, 1}"),
        (lambda X, y, b: optim.sgd(X, -y - 1, family="poisson"), "counts y >= 0"),
        (lambda X, y, b: optim.adagrad(X, y, eps=0.0), "eps must be > 0"),
        (lambda X, y, b: optim.dropout_sgd_preconditioned(X, y, 1.5), r"delta must be in \(0, 1\)"),
        (lambda X, y, b: optim.dropout_sgd_preconditioned(X, y, 0.5, refresh=0), "refresh must be"),
        (lambda X, y, b: optim.sgd(X, y, eta=1e6, decay=0.0, family="poisson"), "diverged"),
    ],
)
def test_bad_input_raises_a_helpful_value_error(call, match):
    X, y, b = _data(n=20, d=3)
    with np.errstate(all="ignore"), pytest.raises(ValueError, match=match):
        call(X, y, b)
