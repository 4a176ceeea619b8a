"""Drivers of the document-classification chapter (noising.experiments.documents)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from noising import corpus
from noising.experiments import documents as ex
from noising.experiments.semisup import odds_grid

SMALL = corpus.CorpusModel(vocab=3_000, n_sentiment=200, neutral_top=30, median_length=50.0)


@pytest.fixture(scope="module")
def split():
    return ex.make_split(0, 120, 80, 200, 150, model=SMALL, min_df=2)


def test_split_is_sparse_with_an_intercept_and_no_test_vocabulary(split):
    for A in (split.X, split.X_val, split.X_test, split.Z):
        assert sp.issparse(A) and A.shape[1] == split.d
        assert np.all(A[:, 0].toarray() == 1.0)
    assert split.X.shape[0] == 120 and split.X_val.shape[0] == 80 and split.Z.shape[0] == 150
    # every kept word occurs in at least min_df training-material documents
    df = np.asarray((sp.vstack([split.X, split.X_val, split.Z])[:, 1:] > 0).sum(axis=0)).ravel()
    assert df.min() >= 2


def test_refine_lies_between_the_neighbours():
    grid = np.geomspace(1.0, 1e3, 4)
    r = ex.refine(grid, 1, 4)
    assert r.shape == (4,) and np.all(np.diff(r) > 0)
    assert grid[0] < r.min() and r.max() < grid[2] and not np.any(np.isclose(r, grid[1]))
    assert np.allclose(np.log(r[2:]) - np.log(grid[1]), -(np.log(r[:2]) - np.log(grid[1]))[::-1])
    with pytest.raises(ValueError):
        ex.refine(grid, 1, 3)
    with pytest.raises(ValueError):
        ex.refine([2.0, 1.0], 0, 2)


def test_select_breaks_accuracy_ties_by_log_likelihood():
    X = sp.csr_matrix(np.array([[1.0, 1.0], [1.0, -1.0]]))
    y = np.array([1.0, 0.0])
    weak, strong, wrong = np.array([0.0, 0.1]), np.array([0.0, 3.0]), np.array([0.0, -1.0])
    best, acc = ex.select([weak, strong, wrong], X, y)
    assert best == 1 and np.array_equal(acc, [1.0, 1.0, 0.0])


def test_run_seed_equal_budgets_and_paired_summary(split):
    lams, deltas, alphas = np.geomspace(0.1, 100, 4), odds_grid(0.1, 10, 4), [0.1, 1.0]
    res = [ex.run_seed(split, lams, deltas, alphas, [50, 150], n_refine=2, tol=1e-3) for _ in range(2)]
    r = res[0]
    assert 0.0 <= r.l2 <= 1.0 and set(r.semi) == {50, 150}
    assert r.l2_val.shape == (4,) and r.dropout_val.shape == (4,)
    assert r.semi_alpha[50] in (0.0, 0.1, 1.0) and r.alpha_test[150].shape == (2,)
    # the shared candidate (no penalty, same stopping rule) and its control
    assert 0.0 <= r.none_test <= 1.0 and isinstance(r.dropout_none, bool)
    assert r.l2_none == (r.l2_choice == 0.0) and r.dropout_none == (r.dropout_choice == 0.0)
    if r.dropout_none:
        assert r.dropout == r.none_test
    # deterministic: the same split gives the same fits
    assert res[0].l2 == res[1].l2 and res[0].semi == res[1].semi
    s = ex.summarise(res, [50, 150])
    assert set(s) == {
        "dropout - L2",
        "no penalty - L2",
        "no penalty - dropout",
        "semi(m=50) - dropout",
        "semi(m=150) - dropout",
    }
    assert s["no penalty - L2"]["mean"] == pytest.approx(r.none_test - r.l2)
    assert s["dropout - L2"]["mean"] == pytest.approx(r.dropout - r.l2)
    tight = ex.run_seed(split, lams, deltas, alphas, [50], n_refine=2, tol=1e-3, tight_tols=(1e-5,))
    assert set(tight.dropout_tight) == {1e-5} and 0.0 <= tight.dropout_tight[1e-5] <= 1.0
    with pytest.raises(ValueError, match="budgets"):
        ex.run_seed(split, lams, deltas, [0.1], [50], n_refine=2)
    with pytest.raises(ValueError):
        ex.run_seed(split, lams, deltas, alphas, [10_000], n_refine=2)
    with pytest.raises(ValueError):
        ex.summarise(res[:1], [50])
