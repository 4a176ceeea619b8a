"""noising.optim with minibatches, the dropout objective and sparse designs (issue 13, sections 1-2)."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from noising import fit, optim, penalties

METHODS = {
    "sgd": lambda X, y, **kw: optim.sgd(X, y, eta=0.3, **kw),
    "adagrad": lambda X, y, **kw: optim.adagrad(X, y, eta=0.2, **kw),
    "dropout": lambda X, y, **kw: optim.dropout_sgd_preconditioned(
        X, y, kw.pop("delta", 0.4) if "delta" in kw else 0.4, refresh=3, **{k: v for k, v in kw.items()
                                                                          if k != "unpenalized"}),
}


def _sparse_data(n=60, d=12, density=0.25, seed=0):
    rng = np.random.default_rng(seed)
    D = np.where(rng.random((n, d)) < density, rng.standard_normal((n, d)), 0.0)
    D[:, 0] = 1.0  # an intercept
    D[3] = 0.0  # an empty row
    D[:, -1] = 0.0  # a column never seen
    y = (rng.random(n) < 1 / (1 + np.exp(-D @ rng.standard_normal(d)))).astype(float)
    return D, y


def _first_order(n, seed, b):
    return np.random.default_rng(seed).permutation(n)[:b]


# ------------------------------------------------------------------ sparse = dense
@settings(max_examples=20, deadline=None)
@given(st.sampled_from(list(METHODS)), st.sampled_from([1, 4, 60]), st.sampled_from([None, 0.3, "vector"]),
       st.integers(0, 1000), st.sampled_from(["csr", "csc", "coo"]))
def test_every_method_gives_the_same_path_on_a_sparse_design(method, batch_size, delta, seed, fmt):
    D, y = _sparse_data(seed=seed)
    if delta == "vector":
        delta = np.linspace(0.1, 0.6, D.shape[1])
    kwargs = dict(steps=80, batch_size=batch_size, seed=seed, record_every=20)
    if delta is not None:
        kwargs.update(delta=delta)
        if method != "dropout":
            kwargs.update(unpenalized=[0])
    dense = METHODS[method](D, y, **dict(kwargs))
    sparse = METHODS[method](sp.coo_array(D).asformat(fmt), y, **dict(kwargs))
    np.testing.assert_array_equal(dense.steps, sparse.steps)
    np.testing.assert_allclose(sparse.path, dense.path, rtol=1e-10, atol=1e-12)
    # a column no example touches keeps its start value exactly
    assert np.all(sparse.path[:, -1] == 0.0)


# ------------------------------------------------------------------ one step from its definition
@pytest.mark.parametrize("batch_size", [1, 5, 1000])
@pytest.mark.parametrize("delta", [None, 0.4, "vector"])
def test_first_sgd_step_is_minus_eta_times_the_mean_gradient_of_the_batch(batch_size, delta):
    D, y = _sparse_data(seed=3)
    n, d = D.shape
    rates = np.linspace(0.0, 0.6, d) if delta == "vector" else delta
    res = optim.sgd(sp.csr_array(D), y, eta=0.7, steps=1, record_every=1, seed=5, batch_size=batch_size, delta=rates)
    idx = _first_order(n, 5, min(batch_size, n))
    beta0 = np.zeros(d)
    g = fit.nll(D[idx], y[idx], beta0)[1]
    if rates is not None:
        g = g + penalties.DropoutPenalty(D[idx], rates).grad(beta0)
    np.testing.assert_allclose(res.beta, -0.7 * g / idx.size, rtol=1e-12, atol=1e-15)


def test_dropout_objective_step_uses_the_penalty_gradient_away_from_zero():
    D, y = _sparse_data(seed=4)
    beta0 = np.random.default_rng(0).standard_normal(D.shape[1])
    res = optim.sgd(D, y, eta=0.1, decay=0.0, steps=1, record_every=1, seed=2, batch_size=7, delta=0.5,
                    unpenalized=[0], beta0=beta0)
    idx = _first_order(D.shape[0], 2, 7)
    g = fit.nll(D[idx], y[idx], beta0)[1] + penalties.DropoutPenalty(D[idx], 0.5, unpenalized=[0]).grad(beta0)
    np.testing.assert_allclose(res.beta, beta0 - 0.1 * g / 7, rtol=1e-12)


def test_first_adagrad_step_with_a_batch_is_minus_eta_sign():
    D, y = _sparse_data(seed=5)
    res = optim.adagrad(sp.csr_array(D), y, eta=0.2, eps=1e-15, steps=1, record_every=1, seed=1, batch_size=9)
    idx = _first_order(D.shape[0], 1, 9)
    g = fit.nll(D[idx], y[idx], np.zeros(D.shape[1]))[1] / 9
    np.testing.assert_allclose(res.beta, -0.2 * np.sign(g), rtol=1e-6)


def test_batch_size_one_is_the_single_example_update():
    D, y = _sparse_data(seed=6)
    a = optim.sgd(D, y, steps=50, seed=3)
    b = optim.sgd(D, y, steps=50, seed=3, batch_size=1)
    np.testing.assert_array_equal(a.path, b.path)


# ------------------------------------------------------------------ convergence to the batch optimum
def test_minibatch_sgd_on_the_dropout_objective_approaches_the_dropout_fit():
    rng = np.random.default_rng(7)
    n, d = 400, 5
    X = rng.standard_normal((n, d))
    y = (rng.random(n) < 1 / (1 + np.exp(-X @ rng.standard_normal(d)))).astype(float)
    target = fit.fit_glm(X, y, penalties.DropoutPenalty(X, 0.5)).beta
    res = optim.adagrad(sp.csr_array(X), y, eta=0.1, steps=6000, batch_size=20, delta=0.5, seed=0)
    clean = fit.fit_glm(X, y).beta
    # closer to the dropout optimum than the clean one is
    assert np.linalg.norm(res.beta - target) < 0.1 * np.linalg.norm(target)
    assert np.linalg.norm(res.beta - target) < 0.5 * np.linalg.norm(clean - target)


# ------------------------------------------------------------------ statistics on sparse designs
def test_statistics_take_sparse_designs():
    D, y = _sparse_data(seed=8)
    S = sp.csc_matrix(D)
    beta = np.random.default_rng(1).standard_normal(D.shape[1]) * 0.3
    G = optim.per_example_gradients(S, y, beta)
    assert sp.issparse(G)
    np.testing.assert_allclose(G.toarray(), optim.per_example_gradients(D, y, beta), rtol=1e-14)
    for f in (lambda X: optim.adagrad_statistic(X, y, beta), lambda X: optim.dropout_statistic(X, beta),
              lambda X: optim.dropout_preconditioner(X, beta, np.full(D.shape[1], 0.3)),
              lambda X: optim.centred_dropout_penalty(X, beta, 0.5 * beta, 0.3)):
        np.testing.assert_allclose(f(S), f(D), rtol=1e-12, atol=1e-15)


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize("call, exc, match", [
    (lambda X, y: optim.sgd(X, y, batch_size=0), ValueError, r"batch_size must be >= 1"),
    (lambda X, y: optim.sgd(X, y, batch_size=2.0), TypeError, r"batch_size must be an integer"),
    (lambda X, y: optim.sgd(X, y, unpenalized=[0]), ValueError, r"unpenalized only applies to the dropout"),
    (lambda X, y: optim.adagrad(X, y, delta=1.0), ValueError, r"delta must be in \[0, 1\)"),
    (lambda X, y: optim.adagrad(X, y, delta=[0.1, 0.2]), ValueError, r"delta has 2 per-feature rates"),
    (lambda X, y: optim.sgd(X, y, delta=0.3, unpenalized=[99]), ValueError, r"unpenalized indices"),
    (lambda X, y: optim.dropout_sgd_preconditioned(X, y, np.zeros(12)), ValueError, r"delta must be in \(0, 1\)"),
    (lambda X, y: optim.sgd(X, y, steps=10**7, batch_size=10**4), ValueError, r"steps \* batch_size .* exceeds"),
])
def test_bad_minibatch_and_objective_arguments(call, exc, match):
    D, y = _sparse_data()
    for X in (D, sp.csr_array(D)):
        with pytest.raises(exc, match=match):
            call(X, y)
