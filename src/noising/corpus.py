"""A seeded bag-of-words corpus at the scale of the IMDB reviews, made offline.

Wager et al. (2013, Section 6) test dropout and its semi-supervised variant on
document classification, most prominently on the IMDB movie reviews of Maas et
al. (2011): 25,000 labelled training reviews, 25,000 labelled test reviews and
50,000 unlabelled ones, a vocabulary of the order of :math:`10^5` word types and
about 230 tokens per review. The book builds without a network, so it does not
download that data; this module draws a corpus of the same shape from an
explicit model instead, in a few seconds, from a seed.

The model (:class:`CorpusModel`), written out:

* **Words.** A vocabulary of :math:`V` words (``vocab``) with Zipf--Mandelbrot
  base frequencies :math:`q_w \\propto (w + b)^{-s}`, :math:`w = 1, \\dots, V`
  (``zipf`` :math:`= s`, ``offset`` :math:`= b`): word 1 is the most frequent,
  most of the vocabulary is rare.
* **Sentiment words.** ``n_sentiment`` words, drawn uniformly at random among
  the ranks above ``neutral_top`` (the most frequent words, function words in a
  real corpus, carry no sentiment), get a polarity
  :math:`\\theta_w \\sim N(0, \\sigma^2)` (``polarity_sd`` :math:`= \\sigma`);
  all other words have :math:`\\theta_w = 0`. Because most ranks are rare, so
  are most sentiment words: the signal sits in a minority of mostly rare words.
* **Documents.** Each document has a label :math:`y_i \\in \\{0, 1\\}`
  (probability 1/2 each), a length :math:`L_i` drawn from a log-normal
  distribution with median ``median_length`` and log-scale standard deviation
  ``length_sd`` (rounded, clipped to ``[min_length, max_length]``), and a sentiment density
  :math:`\\pi_i \\sim \\mathrm{Beta}` with mean ``sentiment_share`` and
  concentration ``share_concentration`` (some reviews are opinionated, some are
  mostly plot summary). Each of its :math:`L_i` tokens is, independently,
  a *sentiment token* with probability :math:`\\pi_i`, drawn from

  .. math::

      r_{c}(w) \\propto q_w\\,e^{c\\,\\theta_w}\\quad\\text{over the sentiment words},
      \\qquad c = 2y_i - 1,

  and otherwise a *background token* drawn from :math:`q`. So a document's word
  distribution is :math:`(1-\\pi_i)\\,q + \\pi_i\\,r_{2y_i-1}`: positive reviews
  use positive words more often, but both classes use words of both polarities.
* **Burstiness.** Finally each token after the first of its document is, with
  probability ``repeat``, replaced by a copy of a uniformly chosen earlier token
  of the same document (a word used once in a text tends to recur; Church and
  Gale, 1995), which lowers the number of distinct words per document.

The labelled training, test and unlabelled parts are independent draws from the
same model (the unlabelled part's labels are drawn and discarded). Counts are
returned as ``scipy.sparse.csr_matrix`` of shape ``(documents, V)``;
:func:`describe` computes the statistics that compare a corpus with IMDB's.

The defaults aim at IMDB's published shape: a vocabulary of :math:`10^5` words
and a mean length near 230 tokens with a long right tail (the statistics of a
drawn corpus are computed in the chapter "Document classification", not
assumed). What the model lacks, and a referee should know: no word order or
bigrams, no topics (the base distribution is shared by every document), no
negation or other interactions between words, and labels balanced in
expectation with no neutral reviews.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from ._validate import check_count, check_random_state, check_scalar, check_size

__all__ = ["CorpusModel", "Corpus", "make_corpus", "describe", "binary"]

#: Largest number of tokens a single draw makes (about 1.6 GB of working memory).
MAX_TOKENS = 10**8


@dataclass(frozen=True)
class CorpusModel:
    """Parameters of the corpus model (see the module's description).

    Parameters
    ----------
    vocab : int
        Vocabulary size :math:`V` (>= 2 and > ``neutral_top``).
    zipf : float
        Zipf exponent :math:`s > 0` of the base frequencies.
    offset : float
        Mandelbrot offset :math:`b \\ge 0` (flattens the head of the law).
    n_sentiment : int
        Number of sentiment words (>= 1, at most ``vocab - neutral_top``).
    neutral_top : int
        The most frequent ``neutral_top`` words never carry sentiment (>= 0).
    polarity_sd : float
        Standard deviation :math:`\\sigma > 0` of the polarities :math:`\\theta_w`.
    sentiment_share : float
        Mean share of sentiment tokens in a document, in (0, 1).
    share_concentration : float
        Concentration :math:`a + b > 0` of the Beta law of :math:`\\pi_i`
        (small: documents differ much in how opinionated they are).
    median_length : float
        Median document length in tokens (>= 1).
    length_sd : float
        Standard deviation of the log length (>= 0).
    min_length, max_length : int
        Shortest and longest document (lengths are clipped to this range).
    repeat : float
        Probability in [0, 1) that a token (after the first of its document)
        repeats an earlier token of the same document, chosen uniformly
        (burstiness: a word used once in a review tends to be used again).
    """

    vocab: int = 100_000
    zipf: float = 1.1
    offset: float = 1.0
    n_sentiment: int = 3_000
    neutral_top: int = 100
    polarity_sd: float = 1.5
    sentiment_share: float = 0.08
    share_concentration: float = 8.0
    median_length: float = 175.0
    length_sd: float = 0.75
    min_length: int = 10
    max_length: int = 2_500
    repeat: float = 0.1

    def __post_init__(self):
        check_count(self.vocab, "vocab", min=2)
        check_scalar(self.zipf, "zipf", min=0, include_min=False, max=100)
        check_scalar(self.offset, "offset", min=0, max=1e9)
        check_count(self.neutral_top, "neutral_top", min=0)
        check_count(self.n_sentiment, "n_sentiment", min=1)
        if self.neutral_top + self.n_sentiment > self.vocab:
            raise ValueError(
                f"n_sentiment ({self.n_sentiment}) + neutral_top ({self.neutral_top}) exceeds vocab "
                f"({self.vocab}); the sentiment words are drawn among the ranks above neutral_top."
            )
        check_scalar(self.polarity_sd, "polarity_sd", min=0, include_min=False, max=50)
        check_scalar(
            self.sentiment_share, "sentiment_share", min=0, max=1, include_min=False, include_max=False
        )
        check_scalar(self.share_concentration, "share_concentration", min=0, include_min=False, max=1e6)
        check_scalar(self.median_length, "median_length", min=1, max=1e6)
        check_scalar(self.length_sd, "length_sd", min=0, max=5)
        check_count(self.min_length, "min_length", min=1)
        check_count(self.max_length, "max_length", min=self.min_length, hint="it must be >= min_length")
        check_scalar(self.repeat, "repeat", min=0, max=1, include_max=False)

    def base_frequencies(self):
        """The Zipf--Mandelbrot base frequencies :math:`q_w`, shape ``(vocab,)``, summing to 1."""
        q = (np.arange(1, self.vocab + 1) + self.offset) ** (-self.zipf)
        return q / q.sum()

    def mean_length(self):
        """Expected document length before rounding and clipping, :math:`\\text{median}\\,e^{\\sigma^2/2}`."""
        return self.median_length * float(np.exp(0.5 * self.length_sd**2))


@dataclass(frozen=True)
class Corpus:
    """A generated corpus: labelled training, labelled test and unlabelled documents.

    Attributes
    ----------
    X_train, X_test, X_unlabelled : scipy.sparse.csr_matrix
        Word counts, shapes ``(n_train, V)``, ``(n_test, V)``, ``(n_unlabelled, V)``.
    y_train, y_test : ndarray
        Labels in {0, 1} (1: positive).
    polarity : ndarray, shape (V,)
        :math:`\\theta_w` (0 for the neutral words).
    sentiment : ndarray of int
        Indices of the sentiment words.
    model : CorpusModel
        The parameters the corpus was drawn with.
    seed : int or None
        The seed (``None`` if a Generator was passed).
    """

    X_train: sp.csr_matrix
    y_train: np.ndarray
    X_test: sp.csr_matrix
    y_test: np.ndarray
    X_unlabelled: sp.csr_matrix
    polarity: np.ndarray = field(repr=False)
    sentiment: np.ndarray = field(repr=False)
    model: CorpusModel = field(default_factory=CorpusModel)
    seed: int | None = None


def _draw_polarity(model, rng):
    sentiment = np.sort(
        rng.choice(np.arange(model.neutral_top, model.vocab), size=model.n_sentiment, replace=False)
    )
    polarity = np.zeros(model.vocab)
    polarity[sentiment] = rng.normal(0.0, model.polarity_sd, size=model.n_sentiment)
    return polarity, sentiment


class _Alias:
    """Walker's alias table for O(1) draws from a discrete distribution (Vose's construction)."""

    def __init__(self, p):
        p = np.asarray(p, dtype=float)
        k = p.size
        scaled = p * (k / p.sum())
        self.prob = np.ones(k)
        self.alias = np.arange(k, dtype=np.int64)
        small = [i for i in range(k) if scaled[i] < 1.0]
        large = [i for i in range(k) if scaled[i] >= 1.0]
        while small and large:
            s, g = small.pop(), large[-1]
            self.prob[s], self.alias[s] = scaled[s], g
            scaled[g] -= 1.0 - scaled[s]
            if scaled[g] < 1.0:
                small.append(large.pop())
        # what is left has probability 1 up to rounding
        self.k = k

    def draw(self, size, rng):
        i = rng.integers(0, self.k, size=size)
        keep = rng.random(size) < self.prob[i]
        return np.where(keep, i, self.alias[i])


def _counts_csr(doc, words, n, V):
    """CSR matrix of the counts of the (document, word) pairs, duplicates summed (one sort of the keys)."""
    key = doc.astype(np.int64) * V + words
    key.sort()
    if key.size == 0:
        return sp.csr_matrix((n, V))
    start = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    counts = np.diff(np.r_[start, key.size]).astype(float)
    first = key[start]
    rows, cols = first // V, (first % V).astype(np.int32)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    if indptr[-1] < np.iinfo(np.int32).max:
        indptr = indptr.astype(np.int32)
    return sp.csr_matrix((counts, cols, indptr), shape=(n, V))


def _draw_documents(n, model, background, sentiment_tables, sentiment, rng):
    """``n`` documents as a CSR count matrix and their labels (all tokens drawn at once)."""
    y = (rng.random(n) < 0.5).astype(float)
    mu = np.log(model.median_length)
    lengths = np.rint(np.exp(mu + model.length_sd * rng.standard_normal(n)))
    lengths = np.clip(lengths, model.min_length, model.max_length).astype(np.int64)
    total = int(lengths.sum())
    check_size(total, MAX_TOKENS, "the number of tokens", "draw the corpus in parts or shorten the documents")
    m, k = model.sentiment_share, model.share_concentration
    share = rng.beta(m * k, (1 - m) * k, size=n)
    doc = np.repeat(np.arange(n, dtype=np.int64), lengths)
    is_sent = rng.random(total) < share[doc]
    words = background.draw(total, rng)
    # sentiment tokens, from r_- in negative and r_+ in positive documents
    for c, table in enumerate(sentiment_tables):
        where = np.flatnonzero(is_sent & (y[doc] == c))
        words[where] = sentiment[table.draw(where.size, rng)]
    # burstiness: a token repeats an earlier token of its document with probability `repeat`
    if model.repeat > 0:
        starts = np.repeat(np.cumsum(lengths) - lengths, lengths)
        pos = np.arange(total) - starts
        copy = np.flatnonzero((rng.random(total) < model.repeat) & (pos > 0))
        src = starts[copy] + np.floor(rng.random(copy.size) * pos[copy]).astype(np.int64)
        words[copy] = words[src]
    return _counts_csr(doc, words, n, model.vocab), y


def make_corpus(n_train=25_000, n_test=25_000, n_unlabelled=50_000, *, model=None, seed=0):
    """Draw a labelled/unlabelled bag-of-words corpus from :class:`CorpusModel`.

    The defaults are IMDB's sizes (Maas et al., 2011): 25,000 labelled training
    reviews, 25,000 labelled test reviews and 50,000 unlabelled ones. The three
    parts are independent draws from the same model; everything is vectorised
    (all tokens are drawn at once and the counts assembled as a sparse matrix),
    so IMDB's size takes seconds.

    Parameters
    ----------
    n_train, n_test : int
        Numbers of labelled training and test documents (>= 1).
    n_unlabelled : int
        Number of unlabelled documents (>= 0).
    model : CorpusModel, optional
        The corpus model (defaults to ``CorpusModel()``).
    seed : int or numpy.random.Generator
        Seed of everything random: the polarities, then the three parts.

    Returns
    -------
    Corpus

    Raises
    ------
    TypeError
        For a ``model`` that is not a :class:`CorpusModel` or non-integer sizes.
    ValueError
        For sizes out of range or a draw of more than ``MAX_TOKENS`` tokens.

    Examples
    --------
    >>> c = make_corpus(20, 10, 5, model=CorpusModel(vocab=1000, n_sentiment=50), seed=1)
    >>> c.X_train.shape, c.X_unlabelled.shape, c.y_test.shape
    ((20, 1000), (5, 1000), (10,))
    """
    model = CorpusModel() if model is None else model
    if not isinstance(model, CorpusModel):
        raise TypeError(f"model must be a CorpusModel, got {type(model).__name__}")
    n_train = check_count(n_train, "n_train")
    n_test = check_count(n_test, "n_test")
    n_unlabelled = check_count(n_unlabelled, "n_unlabelled", min=0)
    check_size(
        (n_train + n_test + n_unlabelled) * model.mean_length(),
        MAX_TOKENS,
        "the expected number of tokens",
        "draw fewer documents or shorter ones",
    )
    seed_value = seed if isinstance(seed, int) and not isinstance(seed, bool) else None
    rng = check_random_state(seed)
    polarity, sentiment = _draw_polarity(model, rng)
    q = model.base_frequencies()
    background = _Alias(q)
    tables = [_Alias(q[sentiment] * np.exp(c * polarity[sentiment])) for c in (-1.0, 1.0)]
    parts = [
        _draw_documents(n, model, background, tables, sentiment, rng) for n in (n_train, n_test, n_unlabelled)
    ]
    return Corpus(
        X_train=parts[0][0],
        y_train=parts[0][1],
        X_test=parts[1][0],
        y_test=parts[1][1],
        X_unlabelled=parts[2][0],
        polarity=polarity,
        sentiment=sentiment,
        model=model,
        seed=seed_value,
    )


def binary(X):
    """Word-presence features: a copy of the sparse count matrix ``X`` with every stored count set to 1."""
    if not sp.issparse(X):
        raise TypeError(f"X must be a scipy.sparse matrix, got {type(X).__name__}")
    B = sp.csr_matrix(X, dtype=float, copy=True)
    B.eliminate_zeros()
    B.data[:] = 1.0
    return B


def describe(X):
    """Statistics of a sparse document-term count matrix, for comparison with a real corpus.

    Parameters
    ----------
    X : scipy.sparse matrix, shape (documents, vocabulary)
        Non-negative word counts.

    Returns
    -------
    dict
        ``documents``; ``vocabulary`` (columns); ``types`` (columns that occur);
        ``tokens``; ``tokens_per_doc_mean``, ``_median``, ``_min``, ``_max``;
        ``distinct_per_doc_mean`` (non-zeros per row); ``nnz``; ``density``;
        ``top100_token_share`` (share of tokens from the 100 most frequent
        types); ``hapax_share`` (share of occurring types seen exactly once);
        ``zipf_slope`` (least-squares slope of log frequency on log rank over
        ranks 10 to 1,000, whose negative estimates the Zipf exponent).

    Raises
    ------
    TypeError
        If ``X`` is not a scipy.sparse matrix.
    ValueError
        If ``X`` has negative entries or no tokens.
    """
    if not sp.issparse(X):
        raise TypeError(f"X must be a scipy.sparse matrix, got {type(X).__name__}")
    X = sp.csr_matrix(X)
    if X.nnz and X.data.min() < 0:
        raise ValueError("X must hold non-negative counts; found a negative entry.")
    lengths = np.asarray(X.sum(axis=1)).ravel()
    freq = np.asarray(X.sum(axis=0)).ravel()
    tokens = float(freq.sum())
    if tokens <= 0:
        raise ValueError("X holds no tokens; describe needs at least one non-zero count.")
    ranked = np.sort(freq[freq > 0])[::-1]
    hi = min(1000, ranked.size)
    if hi > 10:
        r = np.arange(10, hi + 1)
        slope = float(np.polyfit(np.log(r), np.log(ranked[r - 1]), 1)[0])
    else:
        slope = float("nan")
    X.sum_duplicates()
    stored = np.diff(X.indptr) if X.nnz else np.zeros(X.shape[0])
    nonzero = int(np.count_nonzero(X.data))
    return {
        "documents": int(X.shape[0]),
        "vocabulary": int(X.shape[1]),
        "types": int(ranked.size),
        "tokens": int(round(tokens)),
        "tokens_per_doc_mean": float(lengths.mean()),
        "tokens_per_doc_median": float(np.median(lengths)),
        "tokens_per_doc_min": float(lengths.min()),
        "tokens_per_doc_max": float(lengths.max()),
        "distinct_per_doc_mean": float(stored.mean()),
        "nnz": nonzero,
        "density": nonzero / (X.shape[0] * X.shape[1]),
        "top100_token_share": float(ranked[:100].sum() / tokens),
        "hapax_share": float(np.mean(ranked == 1)),
        "zipf_slope": slope,
    }
