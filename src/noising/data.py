"""Simulated designs and offline real data for the book's experiments.

Everything here is seeded: pass an integer seed or a
``numpy.random.Generator``, and the same seed gives the same data.

* :func:`normalize_columns`: scale a design so that :math:`\\sum_i x_{ij}^2 = 1`
  for every column :math:`j`, the normalisation under which Table 1 of
  Wager et al. (2013) holds.
* :func:`simulate_glm`: a GLM with known :math:`\\beta^*` and a Gaussian design
  with chosen feature scales (for the Fisher-information checks).
* :func:`rare_features`: the "rare but discriminative features" design.
* :func:`train_val_test_split`: a seeded three-way split.
* :func:`load_breast_cancer`: the Wisconsin breast-cancer data shipped inside
  scikit-learn (no download).
* :func:`bag_of_words`: a two-class corpus whose discriminative words are rare.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._linalg import _with_data, is_sparse
from ._validate import (
    MAX_ELEMENTS,
    check_array,
    check_bool,
    check_count,
    check_design,
    check_probability,
    check_random_state,
    check_scalar,
    check_size,
    check_vector,
    column_max_abs,
)
from .families import get_family

__all__ = [
    "normalize_columns",
    "simulate_glm",
    "RareFeatures",
    "rare_features",
    "train_val_test_split",
    "load_breast_cancer",
    "BagOfWords",
    "bag_of_words",
]


def _elements(total, what):
    """Refuse arrays of more than :data:`~noising._validate.MAX_ELEMENTS` entries."""
    check_size(total, MAX_ELEMENTS, what, "draw fewer examples or features (or several smaller batches)")


def normalize_columns(X):
    """Scale each column so that :math:`\\sum_i x_{ij}^2 = 1` (Wager et al., 2013, Table 1).

    Parameters
    ----------
    X : array_like or scipy.sparse matrix, shape (n, d)
        A sparse design (any format) is scaled through its stored values and
        returned as a CSR array (never densified).

    Returns
    -------
    Xn : ndarray or scipy.sparse.csr_array, shape (n, d)
        ``X / sqrt(sum_i x_ij^2)`` column by column.
    norms : ndarray, shape (d,)
        The column norms that were divided out.

    Raises
    ------
    ValueError
        If ``X`` is not a non-empty 2-D array, holds NaN/inf, or has an
        all-zero column (which cannot be normalised; drop it first).
    """
    X = check_design(X, accept_sparse="csr")
    # column norms scaled by the largest entry, so that the squares neither overflow nor underflow
    top = column_max_abs(X)
    safe = np.where(top > 0, top, 1.0)
    if is_sparse(X):
        q = X.data / safe[X.indices]
        norms = top * np.sqrt(np.bincount(X.indices, weights=q * q, minlength=X.shape[1]))
    else:
        norms = top * np.sqrt(((X / safe) ** 2).sum(axis=0))
    if np.any(norms == 0):
        bad = np.flatnonzero(norms == 0).tolist()
        shown = f"{bad[:10]} and {len(bad) - 10} more" if len(bad) > 10 else f"{bad}"
        raise ValueError(f"columns {shown} are all zero and cannot be normalised; remove them first.")
    if is_sparse(X):
        return _with_data(X, X.data / norms[X.indices]), norms
    return X / norms, norms


def simulate_glm(n, beta, family="logistic", *, scales=None, seed=0):
    """Draw a design :math:`x_i\\sim N(0, \\diag(s)^2)` and responses from a GLM with known :math:`\\beta^*`.

    The response has density :math:`h(y)\\exp\\{y\\,x\\beta^* - A(x\\beta^*)\\}`
    (Wager et al., 2013, eq. 1): Bernoulli with mean :math:`\\sigma(x\\beta^*)`
    for ``"logistic"``, Poisson with mean :math:`e^{x\\beta^*}` for ``"poisson"``,
    :math:`N(x\\beta^*, 1)` for ``"linear"``.

    Parameters
    ----------
    n : int
        Number of examples (>= 1).
    beta : array_like, shape (d,)
        True weights :math:`\\beta^*`.
    family : {"logistic", "linear", "poisson"}
    scales : array_like, shape (d,), optional
        Standard deviations :math:`s_j > 0` of the features (ones by default);
        unequal scales make the Fisher information far from spherical.
    seed : int or numpy.random.Generator

    Returns
    -------
    X : ndarray, shape (n, d)
    y : ndarray, shape (n,)
    """
    n = check_count(n, "n")
    beta = check_vector(beta, "beta")
    fam = get_family(family)
    d = beta.size
    _elements(n * d, "n * d (entries of X)")
    if scales is None:
        scales = np.ones(d)
    scales = check_array(scales, "scales")
    if scales.shape != (d,):
        raise ValueError(f"scales must have shape ({d},) like beta, got {scales.shape}.")
    if np.any(scales <= 0):
        raise ValueError("scales are standard deviations and must be > 0.")
    rng = check_random_state(seed)
    X = rng.standard_normal((n, d)) * scales
    with np.errstate(over="ignore"):
        z = X @ beta
    if not np.all(np.isfinite(z)):
        raise ValueError("X @ beta overflows the float range; lower beta or scales.")
    if fam.name == "logistic":
        y = (rng.random(n) < fam.A1(z)).astype(float)
    elif fam.name == "poisson":
        y = rng.poisson(fam.A1(z)).astype(float)
    else:
        y = z + rng.standard_normal(n)
    return X, y


@dataclass
class RareFeatures:
    """A draw of the rare-features design (see :func:`rare_features`).

    Attributes
    ----------
    X : ndarray, shape (n, n_rare + n_common)
        Columns ``0 .. n_rare-1`` are the rare binary features, the rest the
        common Gaussian ones.
    y : ndarray, shape (n,)
    beta : ndarray
        The true weights.
    active : ndarray of bool, shape (n,)
        Whether an example has at least one rare feature switched on.
    n_rare : int
    """

    X: np.ndarray
    y: np.ndarray
    beta: np.ndarray
    active: np.ndarray
    n_rare: int


def rare_features(
    n,
    *,
    n_rare=10,
    n_common=40,
    rare_rate=0.04,
    rare_strength=2.5,
    common_strength=0.25,
    common_signal=5,
    beta=None,
    seed=0,
):
    """Simulate the "rare but discriminative features" design (Wager et al., 2013, Section 3).

    Design, written out:

    * ``n_rare`` binary features, each independently equal to 1 with probability
      ``rare_rate`` and 0 otherwise; their true weights are
      :math:`\\pm` ``rare_strength`` (alternating signs), so an active rare
      feature is strongly predictive.
    * ``n_common`` common features, independent :math:`N(0, 1)`; the first
      ``common_signal`` of them have weight :math:`\\pm` ``common_strength``
      (weak signal), the rest weight 0 (pure noise that a regularizer must
      suppress).
    * labels :math:`y_i\\sim\\mathrm{Bernoulli}(\\sigma(x_i\\beta))`, no intercept.

    Parameters
    ----------
    n : int
        Number of examples.
    n_rare, n_common, common_signal : int
        Feature counts (``common_signal <= n_common``; ``n_rare + n_common >= 1``).
    rare_rate : float
        Probability that a rare feature is active, in (0, 1).
    rare_strength, common_strength : float
        Absolute true weights of the rare and the signal-carrying common features (>= 0).
    beta : array_like, optional
        True weights to use instead of the ones built from the strengths (to
        draw train and test sets from the same model, pass ``draw.beta``).
    seed : int or numpy.random.Generator

    Returns
    -------
    RareFeatures
    """
    n = check_count(n, "n")
    n_rare = check_count(n_rare, "n_rare", min=0)
    n_common = check_count(n_common, "n_common", min=0)
    common_signal = check_count(common_signal, "common_signal", min=0)
    if n_rare + n_common < 1:
        raise ValueError("n_rare + n_common: the design needs at least one feature: set n_rare or n_common >= 1.")
    if common_signal > n_common:
        raise ValueError(f"common_signal ({common_signal}) cannot exceed n_common ({n_common}).")
    rare_rate = check_probability(rare_rate, "rare_rate", include_0=False)
    rare_strength = check_scalar(rare_strength, "rare_strength", min=0)
    common_strength = check_scalar(common_strength, "common_strength", min=0)
    d = n_rare + n_common
    _elements(n * d, "n * (n_rare + n_common) (entries of X)")
    if beta is None:
        signs_r = np.where(np.arange(n_rare) % 2 == 0, 1.0, -1.0)
        signs_c = np.where(np.arange(common_signal) % 2 == 0, 1.0, -1.0)
        beta = np.concatenate([rare_strength * signs_r, common_strength * signs_c, np.zeros(n_common - common_signal)])
    else:
        beta = check_array(beta, "beta")
        if beta.shape != (d,):
            raise ValueError(f"beta must have shape ({d},) = (n_rare + n_common,), got {beta.shape}.")
    rng = check_random_state(seed)
    rare = (rng.random((n, n_rare)) < rare_rate).astype(float)
    common = rng.standard_normal((n, n_common))
    X = np.hstack([rare, common])
    p = get_family("logistic").A1(X @ beta)
    y = (rng.random(n) < p).astype(float)
    return RareFeatures(X=X, y=y, beta=beta, active=rare.any(axis=1), n_rare=n_rare)


def train_val_test_split(n, sizes, seed=0):
    """Seeded random split of ``range(n)`` into consecutive index sets of the given sizes.

    Parameters
    ----------
    n : int
    sizes : sequence of int
        Sizes of the parts; they must sum to at most ``n``.
    seed : int or numpy.random.Generator

    Returns
    -------
    list of ndarray
        One index array per part.
    """
    n = check_count(n, "n")
    _elements(n, "n (indices to permute)")
    if isinstance(sizes, (str, bytes, dict)) or not hasattr(sizes, "__iter__"):
        raise TypeError(f"sizes must be a sequence of integers, got {sizes!r} ({type(sizes).__name__}).")
    sizes = [check_count(s, f"sizes[{i}]") for i, s in enumerate(sizes)]
    if sum(sizes) > n:
        raise ValueError(f"sizes: the parts ({sum(sizes)} examples) do not fit into n = {n}; make them smaller.")
    perm = check_random_state(seed).permutation(n)
    out, start = [], 0
    for s in sizes:
        out.append(perm[start : start + s])
        start += s
    return out


def load_breast_cancer(standardize=True):
    """The Wisconsin diagnostic breast-cancer data (569 examples, 30 features), offline.

    The data ship inside scikit-learn (``sklearn.datasets.load_breast_cancer``),
    so nothing is downloaded.

    Parameters
    ----------
    standardize : bool
        Centre each feature and scale it to unit standard deviation.

    Returns
    -------
    X : ndarray, shape (569, 30)
    y : ndarray, shape (569,)
        1 for benign, 0 for malignant (scikit-learn's coding).
    """
    from sklearn.datasets import load_breast_cancer as _load

    standardize = check_bool(standardize, "standardize")
    bunch = _load()
    X = np.asarray(bunch.data, dtype=float)
    y = np.asarray(bunch.target, dtype=float)
    if standardize:
        X = (X - X.mean(axis=0)) / X.std(axis=0)
    return X, y


@dataclass
class BagOfWords:
    """A draw of the synthetic bag-of-words corpus (see :func:`bag_of_words`).

    Attributes
    ----------
    X : ndarray, shape (n, vocab)
        Word counts per document.
    y : ndarray, shape (n,)
        Class labels in {0, 1}.
    word_prob : ndarray, shape (2, vocab)
        Word distribution of each class (rows sum to one).
    discriminative : ndarray of bool, shape (vocab,)
        Which words have class-dependent frequencies.
    """

    X: np.ndarray
    y: np.ndarray
    word_prob: np.ndarray
    discriminative: np.ndarray


def bag_of_words(n, *, vocab=100, n_discriminative=20, doc_length=30, strength=2.0, zipf=1.1, seed=0):
    """Simulate a two-class corpus whose discriminative words are rare (for Wager et al., 2013, Section 5).

    Written out:

    * the base frequency of word :math:`w = 0, \\dots,` ``vocab - 1`` follows
      Zipf's law, :math:`q_w \\propto (w+1)^{-\\text{zipf}}`, so high indices are rare;
    * the ``n_discriminative`` *rarest* words are tilted towards one class each
      (alternating): their frequency is multiplied by :math:`e^{\\pm\\text{strength}/2}`
      in class 1 and by :math:`e^{\\mp\\text{strength}/2}` in class 0; all other
      words have the same frequency in both classes;
    * each document has a class :math:`y\\sim\\mathrm{Bernoulli}(1/2)` and
      :math:`1+\\mathrm{Poisson}(\\text{doc\\_length}-1)` words drawn
      independently from its class's distribution; ``X`` holds the counts.

    Parameters
    ----------
    n : int
        Number of documents.
    vocab : int
        Vocabulary size (>= 2).
    n_discriminative : int
        Number of class-dependent words, ``1 <= n_discriminative <= vocab``.
    doc_length : float
        Mean document length (>= 1).
    strength : float
        Log odds ratio between the classes of a discriminative word (>= 0).
    zipf : float
        Zipf exponent of the base frequencies (>= 0; 0 is uniform).
    seed : int or numpy.random.Generator

    Returns
    -------
    BagOfWords
    """
    n = check_count(n, "n")
    vocab = check_count(vocab, "vocab", min=2)
    _elements(n * vocab, "n * vocab (entries of X)")
    n_discriminative = check_count(n_discriminative, "n_discriminative", min=1)
    if n_discriminative > vocab:
        raise ValueError(f"n_discriminative ({n_discriminative}) cannot exceed vocab ({vocab}).")
    doc_length = check_scalar(
        doc_length, "doc_length", min=1, max=1e9, hint="it is the mean number of words per document"
    )
    strength = check_scalar(strength, "strength", min=0, max=700, hint="it is a log odds ratio")
    zipf = check_scalar(zipf, "zipf", min=0, max=100)
    base = (np.arange(vocab) + 1.0) ** (-zipf)
    discriminative = np.zeros(vocab, dtype=bool)
    discriminative[vocab - n_discriminative :] = True
    sign = np.zeros(vocab)
    sign[discriminative] = np.where(np.arange(n_discriminative) % 2 == 0, 1.0, -1.0)
    word_prob = np.vstack([base * np.exp(-0.5 * strength * sign), base * np.exp(0.5 * strength * sign)])
    word_prob /= word_prob.sum(axis=1, keepdims=True)
    rng = check_random_state(seed)
    y = (rng.random(n) < 0.5).astype(float)
    lengths = 1 + rng.poisson(doc_length - 1, size=n)
    X = rng.multinomial(lengths, word_prob[y.astype(int)]).astype(float)
    return BagOfWords(X=X, y=y, word_prob=word_prob, discriminative=discriminative)
