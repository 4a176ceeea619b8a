"""Tests for noising.experiments.softmax (dropout on a softmax layer, Schluter's eq. (6))."""

import itertools
import math

import numpy as np
import pytest
from scipy.special import logsumexp

import noising.softmax
from noising.experiments import softmax as sm

X = np.array([1.0, 2.0, -1.0])
B = np.array([[1.0, 0.0, -1.0], [0.5, 1.0, 0.0], [0.0, -1.0, 2.0]])
DELTA = 0.3


def _brute_force(x, B, delta):
    """Every joint per-class mask (2**(d q) of them), unmerged."""
    d, q = B.shape
    V, P = [], []
    for bits in itertools.product((0, 1), repeat=d * q):
        keep = np.array(bits, dtype=float).reshape(q, d)
        prob = np.prod(np.where(keep == 1, 1 - delta, delta))
        xi = keep / (1 - delta)
        V.append([(x * xi[j]) @ B[:, j] - x @ B[:, j] for j in range(q)])
        P.append(prob)
    return np.array(V), np.array(P)


def test_per_class_distribution_matches_brute_force():
    V, P = sm.perturbations(X, B, DELTA)
    Vb, Pb = _brute_force(X, B, DELTA)
    assert P.sum() == pytest.approx(1.0, abs=1e-14)
    np.testing.assert_allclose(P @ V, 0.0, atol=1e-14)  # unbiased
    # same expectation of a nonlinear function
    eta = X @ B
    exact = sm.regularizer(eta, V, P)
    brute = Pb @ logsumexp(eta + Vb, axis=1) - logsumexp(eta)
    assert exact == pytest.approx(brute, rel=1e-12)
    # coordinates independent: E[v1^2 v2^2] = E[v1^2] E[v2^2]
    m12 = P @ (V[:, 0] ** 2 * V[:, 1] ** 2)
    assert m12 == pytest.approx((P @ V[:, 0] ** 2) * (P @ V[:, 1] ** 2), rel=1e-12)


def test_shared_masks_are_correlated_and_differ():
    V, P = sm.perturbations(X, B, DELTA, masks="shared")
    assert len(V) == 8 and P.sum() == pytest.approx(1.0)
    cov = (V * P[:, None]).T @ V
    np.testing.assert_allclose(cov, DELTA / (1 - DELTA) * B.T @ np.diag(X**2) @ B, rtol=1e-12)
    eta = X @ B
    Vp, Pp = sm.perturbations(X, B, DELTA)
    assert abs(sm.regularizer(eta, V, P) - sm.regularizer(eta, Vp, Pp)) > 1e-3


@pytest.mark.parametrize("masks", sm.MASKS)
def test_quadratic_term_is_the_degree_two_series_term(masks):
    V, P = sm.perturbations(X, B, DELTA, masks=masks)
    terms = sm.series_terms(X @ B, V, P, 3)
    assert terms[0] == 0 and abs(terms[1]) < 1e-13
    assert terms[2] == pytest.approx(sm.quadratic_term(X, B, DELTA, masks=masks), rel=1e-12)


def test_series_converges_to_the_regularizer_inside_the_radius():
    x = np.ones(3)
    Bi = np.array([[1, 0, 1], [1, 2, 0], [0, 0, 1]], dtype=float) / 4
    V, P = sm.perturbations(x, Bi, 0.5)
    eta = x @ Bi
    # equal logits, so the radius along V is 4 times that along the integer 4 V
    assert sm.series_radius(eta, 4 * V, P) * 4 > 1.5
    partial = np.cumsum(sm.series_terms(eta, V, P, 40))
    assert partial[-1] == pytest.approx(sm.regularizer(eta, V, P), rel=1e-10)


def test_series_radius_two_classes_and_uniform_bound():
    # two classes: radius sqrt(z0^2 + pi^2) / |v2 - v1|, the smallest over the masks
    eta = np.array([0.0, 1.5])
    V = np.array([[0.0, 2.0], [1.0, -1.0], [0.0, 0.0]])
    expected = math.sqrt(1.5**2 + math.pi**2) / 2.0
    assert sm.series_radius(eta, V) == pytest.approx(expected, rel=1e-12)
    # a zero-probability row is ignored; a common shift has no finite radius
    assert sm.series_radius(eta, V, np.array([0.0, 0.5, 0.5])) == pytest.approx(expected, rel=1e-12)
    assert sm.series_radius(eta, np.array([[3.0, 3.0]])) == math.inf
    # the uniform bound holds and is attained at equal logits
    assert sm.uniform_radius_bound([0, 2]) == pytest.approx(
        noising.softmax.lse_line_radius([0.0, 0.0], [0, 2])
    )
    rng = np.random.default_rng(0)
    for _ in range(10):
        v = rng.integers(-3, 4, size=4)
        if np.ptp(v) == 0:
            continue
        eta = rng.normal(scale=3, size=4)
        assert noising.softmax.lse_line_radius(eta, v) >= sm.uniform_radius_bound(v) * (1 - 1e-12)
    assert sm.uniform_radius_bound([1, 1]) == math.inf


def test_bad_arguments():
    with pytest.raises(ValueError, match="delta"):
        sm.perturbations(X, B, 1.0)
    with pytest.raises(TypeError, match="delta"):
        sm.perturbations(X, B, "0.5")
    with pytest.raises(ValueError, match="shape"):
        sm.perturbations(X[:2], B, 0.5)
    with pytest.raises(ValueError, match="masks"):
        sm.perturbations(X, B, 0.5, masks="dropconnect")
    with pytest.raises(ValueError, match="sum"):
        sm.regularizer(X @ B, np.zeros((2, 3)), np.array([0.5, 0.6]))
    with pytest.raises(ValueError, match="order"):
        sm.series_terms(X @ B, np.zeros((1, 3)), np.ones(1), 0)
    with pytest.raises(ValueError):
        sm.uniform_radius_bound([1.0])


def test_symbolic_quadratic_term_matches_the_numeric_closed_form():
    import sympy as sp

    for masks in sm.MASKS:
        expr, s = sm.quadratic_term_symbolic(2, 2, masks=masks)
        x, Bm = np.array([0.7, -1.3]), np.array([[0.4, -0.9], [1.1, 0.2]])
        p = np.exp(x @ Bm) / np.exp(x @ Bm).sum()
        subs = {s["delta"]: sp.Rational(3, 10)}
        subs |= {sym: val for sym, val in zip(s["x"], x)}
        subs |= {s["B"][k, j]: Bm[k, j] for k in range(2) for j in range(2)}
        subs |= {sym: val for sym, val in zip(s["p"], p)}
        assert float(expr.subs(subs)) == pytest.approx(sm.quadratic_term(x, Bm, 0.3, masks=masks), rel=1e-12)
    with pytest.raises(ValueError, match="q"):
        sm.quadratic_term_symbolic(1, 5)


def test_markdown_table():
    text = sm.markdown_table([{"c": 1, "name": "a|b", "r": 0.80429}])
    assert text.splitlines() == ["| c | name | r |", "|--:|:--|--:|", "| 1 | a\\|b | 0.804 |"]
    with pytest.raises(ValueError):
        sm.markdown_table([])
