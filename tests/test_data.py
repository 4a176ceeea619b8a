"""Tests of noising.data (simulators, splits, the offline real-data loader)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from noising import data


def test_normalize_columns():
    X = np.array([[3.0, 0.0], [4.0, 2.0]])
    Xn, norms = data.normalize_columns(X)
    np.testing.assert_allclose(norms, [5.0, 2.0])
    np.testing.assert_allclose((Xn**2).sum(axis=0), 1.0)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 30), d=st.integers(1, 6))
def test_normalize_columns_property(seed, n, d):
    X = np.random.default_rng(seed).standard_normal((n, d)) * 10.0 ** np.arange(d)
    Xn, norms = data.normalize_columns(X)
    np.testing.assert_allclose((Xn**2).sum(axis=0), 1.0, rtol=1e-12)
    np.testing.assert_allclose(Xn * norms, X, rtol=1e-12)


def test_normalize_columns_bad_input():
    with pytest.raises(ValueError, match="all zero"):
        data.normalize_columns(np.array([[1.0, 0.0], [2.0, 0.0]]))
    with pytest.raises(ValueError, match="shape"):
        data.normalize_columns(np.ones(3))
    with pytest.raises(ValueError, match="NaN"):
        data.normalize_columns(np.array([[np.nan, 1.0]]))


@pytest.mark.parametrize("family", ["logistic", "linear", "poisson"])
def test_simulate_glm_shapes_seed_and_scales(family):
    beta = np.array([0.5, -0.2, 0.1])
    X, y = data.simulate_glm(4000, beta, family, scales=[1.0, 2.0, 0.5], seed=1)
    X2, y2 = data.simulate_glm(4000, beta, family, scales=[1.0, 2.0, 0.5], seed=1)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    assert X.shape == (4000, 3) and y.shape == (4000,)
    np.testing.assert_allclose(X.std(axis=0), [1.0, 2.0, 0.5], rtol=0.05)
    if family == "logistic":
        assert set(np.unique(y)) <= {0.0, 1.0}
    if family == "poisson":
        assert np.all(y >= 0) and np.all(y == np.round(y))


def test_simulate_glm_mean_matches_model():
    beta = np.array([1.0, -1.0])
    X, y = data.simulate_glm(20000, beta, seed=3)
    p = 1 / (1 + np.exp(-X @ beta))
    assert abs(np.mean(y - p)) < 4 * np.sqrt(np.mean(p * (1 - p)) / len(y))


def test_simulate_glm_bad_input():
    with pytest.raises(ValueError, match="n must be"):
        data.simulate_glm(0, [1.0])
    with pytest.raises(ValueError, match="1-D"):
        data.simulate_glm(5, np.ones((2, 2)))
    with pytest.raises(ValueError, match="NaN"):
        data.simulate_glm(5, [np.nan])
    with pytest.raises(ValueError, match="shape"):
        data.simulate_glm(5, [1.0, 2.0], scales=[1.0])
    with pytest.raises(ValueError, match="> 0"):
        data.simulate_glm(5, [1.0, 2.0], scales=[1.0, 0.0])
    with pytest.raises(ValueError, match="unknown family"):
        data.simulate_glm(5, [1.0], family="gamma")


def test_rare_features_design():
    draw = data.rare_features(20000, n_rare=4, n_common=6, rare_rate=0.05, common_signal=2, seed=0)
    assert draw.X.shape == (20000, 10)
    rare = draw.X[:, :4]
    assert set(np.unique(rare)) <= {0.0, 1.0}
    np.testing.assert_allclose(rare.mean(axis=0), 0.05, atol=0.01)
    np.testing.assert_array_equal(draw.active, rare.any(axis=1))
    assert draw.active.mean() == pytest.approx(1 - 0.95**4, abs=0.02)
    np.testing.assert_allclose(draw.beta[:4], [2.5, -2.5, 2.5, -2.5])
    np.testing.assert_allclose(draw.beta[4:6], [0.25, -0.25])
    np.testing.assert_array_equal(draw.beta[6:], 0.0)
    # same model, other seed, given beta
    other = data.rare_features(100, n_rare=4, n_common=6, beta=draw.beta, seed=1)
    np.testing.assert_array_equal(other.beta, draw.beta)
    again = data.rare_features(20000, n_rare=4, n_common=6, rare_rate=0.05, common_signal=2, seed=0)
    np.testing.assert_array_equal(again.y, draw.y)


def test_rare_features_bad_input():
    with pytest.raises(ValueError, match="rare_rate"):
        data.rare_features(10, rare_rate=1.0)
    with pytest.raises(ValueError, match="rare_rate"):
        data.rare_features(10, rare_rate=float("nan"))
    with pytest.raises(ValueError, match="n_rare"):
        data.rare_features(10, n_rare=-1)
    with pytest.raises(ValueError, match="at least one feature"):
        data.rare_features(10, n_rare=0, n_common=0, common_signal=0)
    with pytest.raises(ValueError, match="cannot exceed"):
        data.rare_features(10, n_common=2, common_signal=3)
    with pytest.raises(ValueError, match="rare_strength"):
        data.rare_features(10, rare_strength=-1.0)
    with pytest.raises(ValueError, match="shape"):
        data.rare_features(10, beta=np.ones(3))


def test_train_val_test_split():
    a, b, c = data.train_val_test_split(10, [3, 3, 4], seed=0)
    assert sorted(np.concatenate([a, b, c]).tolist()) == list(range(10))
    a2, _, _ = data.train_val_test_split(10, [3, 3, 4], seed=0)
    np.testing.assert_array_equal(a, a2)
    with pytest.raises(ValueError, match="do not fit"):
        data.train_val_test_split(5, [3, 3])
    with pytest.raises(ValueError, match=r"sizes\[0\] must be >= 1"):
        data.train_val_test_split(5, [0, 3])


def test_load_breast_cancer_offline():
    X, y = data.load_breast_cancer()
    assert X.shape == (569, 30) and y.shape == (569,)
    np.testing.assert_allclose(X.mean(axis=0), 0.0, atol=1e-10)
    np.testing.assert_allclose(X.std(axis=0), 1.0, rtol=1e-10)
    assert set(np.unique(y)) == {0.0, 1.0}
    Xr, _ = data.load_breast_cancer(standardize=False)
    assert Xr.min() >= 0.0
