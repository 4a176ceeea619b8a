"""Tests of noising.semisup (the semi-supervised dropout penalty) and data.bag_of_words."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from noising import data, fit, penalties, regularizer, semisup
from noising.noise import Dropout


def _designs(seed=0, n=12, m=30, d=4):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)), rng.normal(size=(m, d)), rng.normal(size=d)


# ------------------------------------------------------------------ the penalty
def test_value_matches_the_formula_through_regularizer_quadratic():
    X, Z, beta = _designs()
    pen = semisup.SemiSupervisedDropoutPenalty(X, Z, 0.3, 0.5)
    expected = (
        12
        / (12 + 0.5 * 30)
        * (regularizer.quadratic(X, beta, Dropout(0.3)) + 0.5 * regularizer.quadratic(Z, beta, Dropout(0.3)))
    )
    assert np.isclose(pen.value(beta), expected, rtol=1e-12)
    assert pen.n == 12 and pen.m == 30 and np.isclose(pen.weight, 12 / 27)
    assert "m=30" in repr(pen)


def test_gradient_matches_finite_differences():
    X, Z, beta = _designs(seed=1)
    pen = semisup.SemiSupervisedDropoutPenalty(X, Z, 0.6, 2.0, unpenalized=[0])
    h = 1e-6
    fd = np.array([(pen.value(beta + h * e) - pen.value(beta - h * e)) / (2 * h) for e in np.eye(4)])
    np.testing.assert_allclose(pen.grad(beta), fd, rtol=1e-6, atol=1e-9)


def test_limits_reduce_to_the_dropout_penalty():
    X, Z, beta = _designs(seed=2)
    plain = penalties.DropoutPenalty(X, 0.4).value(beta)
    assert np.isclose(semisup.SemiSupervisedDropoutPenalty(X, Z, 0.4, 0.0).value(beta), plain)
    assert np.isclose(semisup.SemiSupervisedDropoutPenalty(X, Z[:0], 0.4, 3.0).value(beta), plain)
    assert semisup.SemiSupervisedDropoutPenalty(X, Z, 0.0, 1.0).value(beta) == 0.0


def test_unpenalized_intercept_is_not_penalised():
    X, Z, _ = _designs(seed=3)
    pen = semisup.SemiSupervisedDropoutPenalty(X, Z, 0.5, 1.0, unpenalized=[0])
    beta = np.array([5.0, 0.0, 0.0, 0.0])
    assert pen.value(beta) == 0.0


@settings(max_examples=40, deadline=None)
@given(
    arrays(float, (5, 3), elements=st.floats(-2, 2)),
    arrays(float, 3, elements=st.floats(-2, 2)),
    st.floats(0, 5),
    st.floats(0.05, 0.95),
)
def test_duplicating_the_labelled_rows_leaves_the_penalty_unchanged(X, beta, alpha, delta):
    """R_* is an average: unlabelled rows identical to the labelled ones change nothing."""
    plain = penalties.DropoutPenalty(X, delta).value(beta)
    for copies in (1, 3):
        pen = semisup.SemiSupervisedDropoutPenalty(X, np.tile(X, (copies, 1)), delta, alpha)
        assert np.isclose(pen.value(beta), plain, rtol=1e-10, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(
    arrays(float, (4, 2), elements=st.floats(-2, 2)),
    arrays(float, (6, 2), elements=st.floats(-2, 2)),
    arrays(float, 2, elements=st.floats(-2, 2)),
    st.floats(0, 10),
)
def test_penalty_is_between_its_two_parts(X, Z, beta, alpha):
    """R_* lies between the per-example averages of the labelled and unlabelled penalties (times n)."""
    lab = penalties.DropoutPenalty(X, 0.5).value(beta) / 4
    unl = penalties.DropoutPenalty(Z, 0.5).value(beta) / 6
    value = semisup.SemiSupervisedDropoutPenalty(X, Z, 0.5, alpha).value(beta) / 4
    assert min(lab, unl) - 1e-12 <= value <= max(lab, unl) + 1e-12


# -------------------------------------------------------------------- fitting
def test_fit_semisupervised_minimises_the_penalised_objective():
    corpus = data.bag_of_words(300, vocab=20, n_discriminative=5, seed=4)
    X = np.hstack([np.ones((300, 1)), (corpus.X > 0).astype(float)])
    Xl, yl, Z = X[:60], corpus.y[:60], X[60:]
    res = semisup.fit_semisupervised(Xl, yl, Z, 0.5, 0.3, unpenalized=[0])
    assert res.success and res.grad_norm < 1e-4
    # alpha = 0 gives exactly the supervised dropout fit
    res0 = semisup.fit_semisupervised(Xl, yl, Z, 0.5, 0.0, unpenalized=[0])
    ref = fit.fit_glm(Xl, yl, penalties.DropoutPenalty(Xl, 0.5, unpenalized=[0]))
    np.testing.assert_allclose(res0.beta, ref.beta, atol=1e-6)
    # and unlabelled data change the fit
    assert not np.allclose(res.beta, ref.beta, atol=1e-3)


# ---------------------------------------------------------------- bad inputs
@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(X=np.ones(3)), "X must have shape"),
        (dict(Z=np.ones((4, 5))), "Z has 5 columns"),
        (dict(X=np.ones((0, 4))), "X is empty"),
        (dict(Z=np.full((3, 4), np.nan)), "NaN or infinite"),
        (dict(alpha=-1.0), "alpha must be >= 0"),
        (dict(alpha=float("inf")), "alpha must be finite"),
        (dict(delta=1.0), "delta"),
        (dict(unpenalized=[9]), "unpenalized indices"),
    ],
)
def test_bad_input_raises_a_helpful_value_error(kwargs, match):
    X, Z, _ = _designs()
    args = dict(X=X, Z=Z, delta=0.5, alpha=1.0)
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        semisup.SemiSupervisedDropoutPenalty(**args)


@pytest.mark.parametrize("alpha", ["one", True, None])
def test_alpha_of_the_wrong_type_is_a_type_error(alpha):
    X, Z, _ = _designs()
    with pytest.raises(TypeError, match="alpha must be a real number"):
        semisup.SemiSupervisedDropoutPenalty(X, Z, 0.5, alpha)


def test_fit_semisupervised_rejects_bad_labels():
    X, Z, _ = _designs()
    with pytest.raises(ValueError, match="labels y in"):
        semisup.fit_semisupervised(X, np.full(12, 2.0), Z, 0.5, 1.0)


def test_penalty_rejects_a_beta_of_the_wrong_shape():
    X, Z, _ = _designs()
    with pytest.raises(ValueError, match="beta must have shape"):
        semisup.SemiSupervisedDropoutPenalty(X, Z, 0.5, 1.0).value_and_grad(np.zeros(3))


# -------------------------------------------------------- data.bag_of_words
def test_bag_of_words_shapes_probabilities_and_seed():
    a = data.bag_of_words(50, vocab=30, n_discriminative=6, doc_length=10, seed=7)
    b = data.bag_of_words(50, vocab=30, n_discriminative=6, doc_length=10, seed=7)
    np.testing.assert_array_equal(a.X, b.X)
    assert a.X.shape == (50, 30) and set(np.unique(a.y)) <= {0.0, 1.0}
    assert np.all(a.X.sum(axis=1) >= 1) and np.all(a.X == np.round(a.X))
    np.testing.assert_allclose(a.word_prob.sum(axis=1), 1.0)
    assert a.discriminative.sum() == 6 and a.discriminative[-6:].all()
    # only the discriminative words differ between the classes, and they are the rarest
    ratio = a.word_prob[1] / a.word_prob[0]
    assert np.allclose(ratio[~a.discriminative], ratio[0]) and not np.allclose(
        ratio[a.discriminative], ratio[0]
    )
    # the geometric mean over the classes is proportional to the Zipf base frequency: decreasing
    assert np.all(np.diff(np.sqrt(a.word_prob[0] * a.word_prob[1])) < 0)


def test_bag_of_words_class_frequencies_follow_word_prob():
    corpus = data.bag_of_words(4000, vocab=10, n_discriminative=2, doc_length=50, strength=2.0, seed=1)
    for c in (0, 1):
        counts = corpus.X[corpus.y == c].sum(axis=0)
        np.testing.assert_allclose(counts / counts.sum(), corpus.word_prob[c], atol=0.01)


def test_bag_of_words_without_strength_has_no_signal():
    corpus = data.bag_of_words(10, vocab=8, n_discriminative=3, strength=0.0, seed=0)
    np.testing.assert_allclose(corpus.word_prob[0], corpus.word_prob[1])


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(n=0), "n must be >= 1"),
        (dict(vocab=1), "vocab must be >= 2"),
        (dict(n_discriminative=0), "n_discriminative must be >= 1"),
        (dict(vocab=5, n_discriminative=6), "cannot exceed vocab"),
        (dict(doc_length=0.5), r"doc_length must be in \[1, 1000000000.0\]"),
        (dict(doc_length=float("nan")), "doc_length must be finite"),
        (dict(strength=-1.0), r"strength must be in \[0, 700\]"),
        (dict(zipf=-0.1), r"zipf must be in \[0, 100\]"),
        (dict(n=10**5, vocab=10**4), "exceeds the limit"),
    ],
)
def test_bag_of_words_bad_input(kwargs, match):
    args = dict(n=10)
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        data.bag_of_words(**args)
