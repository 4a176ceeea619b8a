"""Tests of noising.fit (penalties, L-BFGS fits, dropout SGD) and regularizer.quadratic_gradient."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import approx_fprime

from noising import Dropout, Gaussian, fisher, fit, penalties, regularizer
from noising.families import sigmoid


def _data(n=40, d=4, seed=0, family="logistic"):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    beta = rng.standard_normal(d)
    z = X @ beta
    if family == "logistic":
        y = (rng.random(n) < sigmoid(z)).astype(float)
    elif family == "poisson":
        y = rng.poisson(np.exp(0.3 * z)).astype(float)
    else:
        y = z + rng.standard_normal(n)
    return X, y, beta


def _fd(f, x, eps=1e-6):
    return approx_fprime(x, f, eps)


# ----------------------------------------------------------------- gradients vs finite differences
@pytest.mark.parametrize("family", ["logistic", "linear", "poisson"])
@pytest.mark.parametrize("noise", [Dropout(0.3), Gaussian(0.7)])
def test_quadratic_gradient_matches_finite_differences(family, noise):
    X, _, beta = _data(family=family)
    beta = 0.5 * beta
    g = regularizer.quadratic_gradient(X, beta, noise, family)
    g_fd = _fd(lambda b: regularizer.quadratic(X, b, noise, family), beta)
    np.testing.assert_allclose(g, g_fd, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("family", ["logistic", "linear", "poisson"])
def test_dropout_penalty_value_and_gradient(family):
    X, _, beta = _data(family=family)
    beta = 0.5 * beta
    pen = penalties.DropoutPenalty(X, 0.4, lam=2.0, family=family)
    v, g = pen.value_and_grad(beta)
    # value equals 2 * regularizer.quadratic (the core implementation)
    assert v == pytest.approx(2.0 * regularizer.quadratic(X, beta, Dropout(0.4), family), rel=1e-12)
    np.testing.assert_allclose(g, 2.0 * regularizer.quadratic_gradient(X, beta, Dropout(0.4), family), rtol=1e-10)
    np.testing.assert_allclose(g, _fd(pen.value, beta), rtol=1e-5, atol=1e-6)


def test_dropout_penalty_unpenalized_column_and_diag_fisher():
    X, _, beta = _data()
    X[:, 0] = 1.0
    pen = penalties.DropoutPenalty(X, 0.5, unpenalized=[0])
    v, g = pen.value_and_grad(beta)
    np.testing.assert_allclose(g, _fd(pen.value, beta), rtol=1e-5, atol=1e-6)
    # by hand: delta/(2(1-delta)) * sum_i A''(z_i) sum_{j>=1} x_ij^2 beta_j^2
    p = sigmoid(X @ beta)
    by_hand = 0.5 * np.sum(p * (1 - p) * ((X[:, 1:] * beta[1:]) ** 2).sum(axis=1))
    assert v == pytest.approx(by_hand, rel=1e-12)
    D = pen.diag_fisher(beta)
    assert D[0] == 0.0
    np.testing.assert_allclose(D[1:], np.diag(X[:, 1:].T @ np.diag(p * (1 - p)) @ X[:, 1:]), rtol=1e-12)


def test_noising_penalty_matches_dropout_penalty_and_fd():
    X, _, beta = _data()
    a = penalties.NoisingPenalty(X, Dropout(0.2), lam=3.0)
    b = penalties.DropoutPenalty(X, 0.2, lam=3.0)
    assert a.value(beta) == pytest.approx(b.value(beta), rel=1e-12)
    np.testing.assert_allclose(a.grad(beta), b.grad(beta), rtol=1e-10)
    c = penalties.NoisingPenalty(X, Gaussian(0.5), family="poisson", lam=0.5)
    np.testing.assert_allclose(c.grad(0.3 * beta), _fd(c.value, 0.3 * beta), rtol=1e-5, atol=1e-6)


def test_l2_value_gradient_and_unpenalized():
    beta = np.array([1.0, -2.0, 3.0])
    v, g = penalties.L2(0.5).value_and_grad(beta)
    assert v == pytest.approx(0.25 * 14.0)
    np.testing.assert_allclose(g, 0.5 * beta)
    v, g = penalties.L2(2.0, unpenalized=[0]).value_and_grad(beta)
    assert v == pytest.approx(13.0)
    np.testing.assert_allclose(g, [0.0, -4.0, 6.0])


def test_penalty_arithmetic():
    X, _, beta = _data()
    p, q = penalties.L2(1.0), penalties.DropoutPenalty(X, 0.5)
    s = p + 0.5 * q
    assert s.value(beta) == pytest.approx(p.value(beta) + 0.5 * q.value(beta))
    np.testing.assert_allclose(s.grad(beta), p.grad(beta) + 0.5 * q.grad(beta))
    assert sum([p, q]).value(beta) == pytest.approx(p.value(beta) + q.value(beta))
    with pytest.raises(ValueError, match="multiplier"):
        -1.0 * p


@pytest.mark.parametrize("family", ["logistic", "linear", "poisson"])
def test_nll_gradient(family):
    X, y, beta = _data(family=family)
    beta = 0.3 * beta
    v, g = fit.nll(X, y, beta, family)
    np.testing.assert_allclose(g, _fd(lambda b: fit.nll(X, y, b, family)[0], beta), rtol=1e-5, atol=1e-5)


# ----------------------------------------------------------------- fits
def test_fit_glm_linear_ridge_closed_form():
    X, y, _ = _data(family="linear")
    lam = 3.0
    res = fit.fit_glm(X, y, penalties.L2(lam), family="linear")
    closed = np.linalg.solve(X.T @ X + lam * np.eye(X.shape[1]), X.T @ y)
    np.testing.assert_allclose(res.beta, closed, rtol=1e-6, atol=1e-8)
    assert res.success and res.grad_norm < 1e-5


def test_fit_glm_linear_dropout_is_scaled_ridge():
    X, y, _ = _data(family="linear")
    delta = 0.3
    res = fit.fit_glm(X, y, penalties.DropoutPenalty(X, delta, family="linear"), family="linear")
    D = np.diag(np.diag(X.T @ X))
    closed = np.linalg.solve(X.T @ X + delta / (1 - delta) * D, X.T @ y)
    np.testing.assert_allclose(res.beta, closed, rtol=1e-6, atol=1e-8)


def test_fit_glm_logistic_stationary_point():
    X, y, _ = _data(n=200)
    pen = penalties.DropoutPenalty(X, 0.5)
    res = fit.fit_glm(X, y, pen)
    _, g = fit.nll(X, y, res.beta)
    assert np.max(np.abs(g + pen.grad(res.beta))) < 1e-4
    # the penalty shrinks the weights relative to the MLE
    mle = fit.fit_glm(X, y)
    assert np.linalg.norm(res.beta) < np.linalg.norm(mle.beta)


def test_fit_glm_accepts_duck_typed_penalty_and_beta0():
    X, y, _ = _data()

    class Ridge:
        def value_and_grad(self, b):
            return float(b @ b), 2 * b

    a = fit.fit_glm(X, y, Ridge(), beta0=np.ones(X.shape[1]))
    b = fit.fit_glm(X, y, penalties.L2(2.0))
    np.testing.assert_allclose(a.beta, b.beta, atol=1e-6)


def test_dropout_sgd_reproducible_and_close_to_marginalised_linear_solution():
    X, y, _ = _data(n=300, family="linear", seed=2)
    delta = 0.2
    a = fit.dropout_sgd(X, y, delta, family="linear", lr=0.05, epochs=60, batch_size=20, seed=5)
    b = fit.dropout_sgd(X, y, delta, family="linear", lr=0.05, epochs=60, batch_size=20, seed=5)
    np.testing.assert_array_equal(a.beta, b.beta)
    # for linear regression the expected dropout loss is exactly loss + R^q: scaled ridge
    D = np.diag(np.diag(X.T @ X))
    closed = np.linalg.solve(X.T @ X + delta / (1 - delta) * D, X.T @ y)
    assert np.max(np.abs(a.beta - closed)) < 0.05


def test_dropout_sgd_delta_zero_matches_mle_and_keep_column():
    X, y, _ = _data(n=300, seed=3)
    X[:, 0] = 1.0
    res = fit.dropout_sgd(X, y, 0.0, lr=0.5, epochs=80, batch_size=30, seed=0)
    mle = fit.fit_glm(X, y)
    assert np.max(np.abs(res.beta - mle.beta)) < 0.05
    res2 = fit.dropout_sgd(X, y, 0.5, lr=0.5, epochs=5, keep=[0], seed=0, average=False)
    assert res2.beta.shape == (X.shape[1],) and res2.n_iter == 5 * 10


def test_predict_and_accuracy():
    X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    beta = np.array([2.0, -3.0])
    np.testing.assert_allclose(fit.predict_mean(X, beta), sigmoid(X @ beta))
    assert fit.accuracy(X, [1, 0, 0], beta) == 1.0
    assert fit.accuracy(X, [0, 0, 0], beta) == pytest.approx(2 / 3)


# ----------------------------------------------------------------- property tests
@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    delta=st.floats(0.0, 0.9),
    scale=st.floats(0.0, 3.0),
)
def test_dropout_penalty_nonnegative_and_fd(seed, delta, scale):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((15, 3))
    beta = scale * rng.standard_normal(3)
    pen = penalties.DropoutPenalty(X, delta)
    v, g = pen.value_and_grad(beta)
    assert v >= 0.0
    # R^q is (delta/(1-delta)) * diag-weighted ridge: <= c/2 * 0.25 * sum x^2 beta^2 for logistic
    assert v <= delta / (2 * (1 - delta)) * 0.25 * float(((X * beta) ** 2).sum()) + 1e-12
    np.testing.assert_allclose(g, _fd(pen.value, beta, 1e-7), rtol=1e-4, atol=1e-5)


@settings(max_examples=20, deadline=None)
@given(lam=st.floats(0.0, 50.0), seed=st.integers(0, 1000))
def test_l2_fit_norm_decreases_with_lambda(lam, seed):
    X, y, _ = _data(n=60, d=3, seed=seed)
    b1 = fit.fit_glm(X, y, penalties.L2(lam + 1.0)).beta
    b0 = fit.fit_glm(X, y, penalties.L2(lam + 0.1)).beta
    assert np.linalg.norm(b1) <= np.linalg.norm(b0) + 1e-6


# ----------------------------------------------------------------- bad input
@pytest.mark.parametrize("lam, exc", [(-1.0, ValueError), (float("nan"), ValueError), (float("inf"), ValueError),
                                      ("1", TypeError), (True, TypeError)])
def test_l2_bad_lambda(lam, exc):
    with pytest.raises(exc, match="lam"):
        penalties.L2(lam)


def test_l2_bad_beta_and_indices():
    with pytest.raises(ValueError, match="1-D"):
        penalties.L2(1.0).value_and_grad(np.ones((2, 2)))
    with pytest.raises(ValueError, match="NaN"):
        penalties.L2(1.0).value_and_grad(np.array([1.0, np.nan]))
    with pytest.raises(TypeError, match="integer"):
        penalties.L2(1.0, unpenalized=[0.5])
    with pytest.raises(ValueError, match="lie in"):
        penalties.L2(1.0, unpenalized=[5]).value_and_grad(np.ones(2))


def test_dropout_penalty_bad_input():
    X = np.ones((3, 2))
    with pytest.raises(ValueError, match="delta"):
        penalties.DropoutPenalty(X, 1.0)
    with pytest.raises(ValueError, match="delta"):
        penalties.DropoutPenalty(X, -0.1)
    with pytest.raises(ValueError, match="lam"):
        penalties.DropoutPenalty(X, 0.5, lam=-1)
    with pytest.raises(ValueError, match="shape"):
        penalties.DropoutPenalty(np.ones(3), 0.5)
    with pytest.raises(ValueError, match="NaN"):
        penalties.DropoutPenalty(np.array([[1.0, np.nan]]), 0.5)
    with pytest.raises(ValueError, match="unknown family"):
        penalties.DropoutPenalty(X, 0.5, family="gamma")
    with pytest.raises(ValueError, match="shape"):
        penalties.DropoutPenalty(X, 0.5).value_and_grad(np.ones(3))
    with pytest.raises(TypeError, match="integer"):
        penalties.DropoutPenalty(X, 0.5, unpenalized=["a"])


def test_noising_penalty_bad_input():
    with pytest.raises(TypeError, match="noise"):
        penalties.NoisingPenalty(np.ones((3, 2)), 0.5)
    with pytest.raises(ValueError, match="shape"):
        penalties.NoisingPenalty(np.ones(3), Dropout(0.5))
    with pytest.raises(ValueError, match="NaN"):
        penalties.NoisingPenalty(np.array([[np.inf]]), Dropout(0.5))


def test_quadratic_gradient_bad_input():
    with pytest.raises(ValueError, match="columns"):
        regularizer.quadratic_gradient(np.ones((3, 2)), np.ones(3), Dropout(0.5))
    with pytest.raises(TypeError, match="noise"):
        regularizer.quadratic_gradient(np.ones((3, 2)), np.ones(2), 0.5)
    with pytest.raises(ValueError, match="NaN"):
        regularizer.quadratic_gradient(np.array([[np.nan, 1.0]]), np.ones(2), Dropout(0.5))


def test_fit_glm_bad_input():
    X, y, _ = _data()
    with pytest.raises(ValueError, match="one response per row"):
        fit.fit_glm(X, y[:-1])
    with pytest.raises(ValueError, match=r"\{0, 1\}"):
        fit.fit_glm(X, 2 * y - 1)
    with pytest.raises(ValueError, match="counts"):
        fit.fit_glm(X, -np.ones(len(y)), family="poisson")
    with pytest.raises(ValueError, match="NaN"):
        fit.fit_glm(np.where(X > 1, np.nan, X), y)
    with pytest.raises(ValueError, match="shape"):
        fit.fit_glm(X[0], y[:1])
    with pytest.raises(TypeError, match="value_and_grad"):
        fit.fit_glm(X, y, penalty=1.0)
    with pytest.raises(ValueError, match="beta0"):
        fit.fit_glm(X, y, beta0=np.ones(2))
    with pytest.raises(ValueError, match="tol"):
        fit.fit_glm(X, y, tol=0.0)
    with pytest.raises(ValueError, match="max_iter"):
        fit.fit_glm(X, y, max_iter=0)
    with pytest.raises(ValueError, match="unknown family"):
        fit.fit_glm(X, y, family="probit")


def test_dropout_sgd_bad_input():
    X, y, _ = _data()
    with pytest.raises(ValueError, match="delta"):
        fit.dropout_sgd(X, y, 1.5)
    with pytest.raises(ValueError, match="lr"):
        fit.dropout_sgd(X, y, 0.5, lr=0.0)
    with pytest.raises(ValueError, match="epochs"):
        fit.dropout_sgd(X, y, 0.5, epochs=0)
    with pytest.raises(TypeError, match="batch_size"):
        fit.dropout_sgd(X, y, 0.5, batch_size=2.5)
    with pytest.raises(ValueError, match="l2"):
        fit.dropout_sgd(X, y, 0.5, l2=-1.0)
    with pytest.raises(ValueError, match="one response per row"):
        fit.dropout_sgd(X, y[:3], 0.5)
    with pytest.raises(ValueError, match="diverged"):
        fit.dropout_sgd(1e150 * X, y, 0.0, family="linear", lr=1e3, epochs=3)


def test_nll_and_accuracy_bad_input():
    X, y, beta = _data()
    with pytest.raises(ValueError, match="columns"):
        fit.nll(X, y, beta[:2])
    with pytest.raises(ValueError, match=r"\{0, 1\}"):
        fit.accuracy(X, y + 0.5, beta)


def test_l2_weights():
    beta = np.array([1.0, -2.0, 3.0])
    w = np.array([0.5, 2.0, 0.0])
    pen = penalties.L2(2.0, weights=w)
    v, g = pen.value_and_grad(beta)
    assert v == pytest.approx(0.5 + 8.0)
    np.testing.assert_allclose(g, _fd(pen.value, beta), rtol=1e-6, atol=1e-6)
    with pytest.raises(ValueError, match=">= 0"):
        penalties.L2(1.0, weights=[-1.0, 1.0])
    with pytest.raises(ValueError, match="1-D"):
        penalties.L2(1.0, weights=np.ones((2, 2)))
    with pytest.raises(ValueError, match="NaN"):
        penalties.L2(1.0, weights=[np.nan, 1.0])
    with pytest.raises(ValueError, match="must agree"):
        penalties.L2(1.0, weights=[1.0, 1.0]).value_and_grad(beta)


def test_fit_glm_sum_with_duck_typed_part_matches_checked_path():
    X, y, _ = _data()

    class Ridge:
        def value_and_grad(self, b):
            return float(b @ b), 2 * b

    pen = penalties.DropoutPenalty(X, 0.3) + Ridge()
    res = fit.fit_glm(X, y, pen)
    # at the optimum the checked gradient of the objective vanishes
    g = fit.nll(X, y, res.beta)[1] + pen.value_and_grad(res.beta)[1]
    assert np.max(np.abs(g)) < 1e-4
    assert pen._value_and_grad_unchecked(res.beta)[0] == pytest.approx(pen.value(res.beta))
    with pytest.raises(ValueError, match="shape"):
        fit.fit_glm(X, y, penalties.DropoutPenalty(X[:, :2], 0.3))


def test_predict_mean_bad_input():
    with pytest.raises(ValueError, match="columns"):
        fit.predict_mean(np.ones((2, 3)), np.ones(2))
    with pytest.raises(ValueError, match="unknown family"):
        fit.predict_mean(np.ones((2, 2)), np.ones(2), family="gamma")


@pytest.mark.parametrize("family", ["logistic", "linear", "poisson"])
def test_fisher_information_is_the_average_hessian(family):
    X, y, beta = _data(n=50, family=family)
    beta = 0.3 * beta
    F = fisher.fisher_information(X, beta, family)
    H = np.column_stack([
        _fd(lambda b, k=k: fit.nll(X, y, b, family)[1][k], beta) for k in range(X.shape[1])
    ])
    np.testing.assert_allclose(F, H / len(y), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(F, F.T)
    assert np.linalg.eigvalsh(F).min() >= -1e-12
    # its diagonal times n is the dropout penalty's weight vector
    np.testing.assert_allclose(
        len(y) * np.diag(F), penalties.DropoutPenalty(X, 0.5, family=family).diag_fisher(beta), rtol=1e-12
    )


def test_score_covariance_estimates_the_same_matrix():
    rng = np.random.default_rng(4)
    beta = np.array([1.0, -0.5])
    X = rng.standard_normal((40_000, 2))
    y = (rng.random(40_000) < sigmoid(X @ beta)).astype(float)
    F, S = fisher.fisher_information(X, beta), fisher.score_covariance(X, y, beta)
    assert np.linalg.norm(S - F) / np.linalg.norm(F) < 0.05
    with pytest.raises(ValueError, match="one response per row"):
        fisher.score_covariance(X, y[:-1], beta)
    with pytest.raises(ValueError, match="columns"):
        fisher.fisher_information(X, np.ones(3))


# ----------------------------------------------------------------- fit_glm's tol is the stated criterion
@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10**6), st.sampled_from([1e-4, 1e-8, 1e-11, 1e-14]), st.sampled_from(["l2", "dropout", "none"]))
def test_fit_glm_success_is_exactly_the_gradient_criterion(seed, tol, which):
    """success <=> max|grad F| <= tol * max(1, n), measured at the returned beta (issue 13, section 2)."""
    rng = np.random.default_rng(seed)
    n, d = int(rng.integers(20, 80)), int(rng.integers(1, 6))
    X = rng.standard_normal((n, d)) * rng.uniform(0.1, 10.0, d)
    y = (rng.random(n) < 0.5).astype(float)
    pen = {"l2": penalties.L2(0.1), "dropout": penalties.DropoutPenalty(X, 0.5) + penalties.L2(0.01),
           "none": penalties.L2(1e-3)}[which]
    res = fit.fit_glm(X, y, pen, tol=tol)
    v, g = fit.nll(X, y, res.beta)
    pv, pg = pen.value_and_grad(res.beta)
    measured = float(np.max(np.abs(g + pg)))
    assert res.grad_norm == pytest.approx(measured, rel=1e-6, abs=1e-12)
    assert res.success == (res.grad_norm <= tol * n)
    assert res.message.startswith("converged" if res.success else "not converged")
    assert np.isfinite(res.fun) and res.fun == pytest.approx(v + pv, rel=1e-12)


def test_fit_glm_does_not_claim_a_tolerance_it_cannot_reach():
    X, y, _ = _data(n=57, d=4, seed=1)
    res = fit.fit_glm(X, y, penalties.L2(0.1), tol=1e-14)
    assert not res.success and res.grad_norm > 1e-14 * 57
    assert "larger tol" in res.message
    short = fit.fit_glm(X, y, penalties.L2(0.1), max_iter=2)
    assert not short.success and "max_iter = 2" in short.message and short.n_iter <= 2


class _NanPenalty(penalties.Penalty):
    def __init__(self, after):
        self.after = after

    def value_and_grad(self, beta):
        if np.max(np.abs(beta)) > self.after:
            return float("nan"), np.full_like(beta, np.nan)
        return 0.0, np.zeros_like(beta)


def test_a_nan_objective_is_never_a_success():
    X, y, _ = _data(n=40, d=3, seed=2)
    with pytest.raises(ValueError, match="not finite"):
        fit.fit_glm(X, y, _NanPenalty(after=-1.0))  # NaN everywhere, even at the start
    res = fit.fit_glm(X, y, _NanPenalty(after=0.05))  # NaN beyond a box: the fit stops inside it
    assert np.isfinite(res.fun)
    assert res.success == (res.grad_norm <= 1e-8 * 40)
