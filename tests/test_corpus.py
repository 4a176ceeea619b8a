"""The IMDB-shaped corpus generator (noising.corpus)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from noising import corpus

SMALL = corpus.CorpusModel(vocab=5_000, n_sentiment=300, neutral_top=50, median_length=60.0)


def test_shapes_types_and_sparsity():
    c = corpus.make_corpus(200, 100, 50, model=SMALL, seed=3)
    assert isinstance(c.X_train, sp.csr_matrix) and c.X_train.shape == (200, 5_000)
    assert c.X_test.shape == (100, 5_000) and c.X_unlabelled.shape == (50, 5_000)
    assert c.y_train.shape == (200,) and set(np.unique(c.y_train)) <= {0.0, 1.0}
    for X in (c.X_train, c.X_test, c.X_unlabelled):
        assert X.has_canonical_format and np.all(X.data >= 1) and np.all(X.data == np.round(X.data))
    # row sums are the document lengths, clipped to the model's range
    lengths = np.asarray(c.X_train.sum(axis=1)).ravel()
    assert lengths.min() >= SMALL.min_length and lengths.max() <= SMALL.max_length


def test_seeded_and_reproducible():
    a = corpus.make_corpus(50, 20, 10, model=SMALL, seed=7)
    b = corpus.make_corpus(50, 20, 10, model=SMALL, seed=7)
    c = corpus.make_corpus(50, 20, 10, model=SMALL, seed=8)
    assert (a.X_train != b.X_train).nnz == 0 and np.array_equal(a.y_test, b.y_test)
    assert (a.X_train != c.X_train).nnz > 0
    assert a.seed == 7


def test_counts_match_a_direct_tally():
    # the sort-based CSR assembly equals a dense tally of the same (doc, word) pairs
    doc = np.array([0, 0, 2, 2, 2, 1])
    words = np.array([3, 3, 1, 4, 1, 0])
    X = corpus._counts_csr(doc, words, 3, 5)
    dense = np.zeros((3, 5))
    np.add.at(dense, (doc, words), 1.0)
    assert np.array_equal(X.toarray(), dense) and X.has_canonical_format


def test_alias_sampler_matches_its_distribution():
    p = np.array([0.5, 0.25, 0.125, 0.0625, 0.0625])
    draws = corpus._Alias(p).draw(200_000, np.random.default_rng(0))
    freq = np.bincount(draws, minlength=5) / draws.size
    assert np.allclose(freq, p, atol=4e-3)
    # a control: the check rejects a wrong distribution
    assert not np.allclose(freq, p[::-1], atol=4e-3)


def test_zipf_and_lengths_follow_the_model():
    model = corpus.CorpusModel(vocab=20_000, n_sentiment=600, repeat=0.0)
    c = corpus.make_corpus(4_000, 1, 0, model=model, seed=1)
    s = corpus.describe(c.X_train)
    assert abs(s["tokens_per_doc_mean"] - model.mean_length()) < 0.05 * model.mean_length()
    assert abs(s["tokens_per_doc_median"] - model.median_length) < 0.05 * model.median_length
    # the fitted rank-frequency slope is close to -zipf (sentiment words perturb it a little)
    assert abs(s["zipf_slope"] + model.zipf) < 0.15


def test_sentiment_words_are_mostly_rare_and_carry_the_label():
    c = corpus.make_corpus(3_000, 1, 0, model=SMALL, seed=2)
    assert np.all(c.sentiment >= SMALL.neutral_top)
    assert np.mean(c.sentiment >= 500) > 0.8  # most of them beyond the 500 most frequent words
    assert np.all(c.polarity[np.setdiff1d(np.arange(SMALL.vocab), c.sentiment)] == 0)
    # documents of class 1 use positive-polarity words more than class-0 documents do
    X = corpus.binary(c.X_train)
    score = X @ np.sign(c.polarity)
    y = c.y_train.astype(bool)
    assert score[y].mean() > score[~y].mean() + 1.0
    # and the label is not carried by the neutral words: same mean use of the neutral vocabulary
    neutral = np.zeros(SMALL.vocab)
    neutral[: SMALL.neutral_top] = 1.0
    n_pos, n_neg = (X @ neutral)[y].mean(), (X @ neutral)[~y].mean()
    assert abs(n_pos - n_neg) < 0.05 * n_neg


def test_burstiness_lowers_distinct_words():
    kw = dict(vocab=20_000, n_sentiment=600)
    plain = corpus.make_corpus(500, 1, 0, model=corpus.CorpusModel(repeat=0.0, **kw), seed=4)
    bursty = corpus.make_corpus(500, 1, 0, model=corpus.CorpusModel(repeat=0.3, **kw), seed=4)
    assert (
        corpus.describe(bursty.X_train)["distinct_per_doc_mean"]
        < 0.9 * corpus.describe(plain.X_train)["distinct_per_doc_mean"]
    )


def test_describe_on_a_known_matrix():
    X = sp.csr_matrix(np.array([[2.0, 1.0, 0.0], [0.0, 1.0, 0.0]]))
    s = corpus.describe(X)
    assert s["documents"] == 2 and s["vocabulary"] == 3 and s["types"] == 2 and s["tokens"] == 4
    assert s["tokens_per_doc_mean"] == 2.0 and s["nnz"] == 3 and s["distinct_per_doc_mean"] == 1.5
    assert s["hapax_share"] == 0.0 and s["top100_token_share"] == 1.0


def test_binary_sets_counts_to_one_without_touching_the_input():
    X = sp.csr_matrix(np.array([[3.0, 0.0], [1.0, 2.0]]))
    B = corpus.binary(X)
    assert np.array_equal(B.toarray(), [[1.0, 0.0], [1.0, 1.0]]) and X[0, 0] == 3.0


@pytest.mark.parametrize(
    "kwargs, exc",
    [
        (dict(vocab=1), ValueError),
        (dict(vocab=100, n_sentiment=90, neutral_top=20), ValueError),
        (dict(sentiment_share=1.0), ValueError),
        (dict(zipf=0.0), ValueError),
        (dict(min_length=20, max_length=10), ValueError),
        (dict(repeat=1.0), ValueError),
        (dict(vocab="many"), TypeError),
    ],
)
def test_bad_model_parameters(kwargs, exc):
    with pytest.raises(exc):
        corpus.CorpusModel(**kwargs)


def test_bad_arguments():
    with pytest.raises(TypeError, match="model"):
        corpus.make_corpus(10, 10, 0, model="imdb")
    with pytest.raises(ValueError, match="n_train"):
        corpus.make_corpus(0, 10, 0, model=SMALL)
    with pytest.raises(ValueError, match="tokens"):
        corpus.make_corpus(10**6, 10**6, 0)
    with pytest.raises(TypeError):
        corpus.describe(np.ones((2, 2)))
    with pytest.raises(ValueError, match="no tokens"):
        corpus.describe(sp.csr_matrix((2, 3)))
    with pytest.raises(TypeError):
        corpus.binary([[1, 2]])
