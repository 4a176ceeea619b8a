"""Tests of noising.experiments.adagrad: the vectorised runs reproduce noising.optim, and the tuning helpers."""

from __future__ import annotations

import numpy as np
import pytest

from noising import optim
from noising.experiments import adagrad as ex
from noising.families import get_family


def _data(n=60, d=4, seed=0):
    rng = np.random.default_rng(seed)
    X = np.hstack([np.ones((n, 1)), (rng.random((n, d - 1)) < [0.5, 0.3, 0.1]).astype(float)])
    beta = np.array([-0.3, 1.0, -0.8, 2.0])
    y = (rng.random(n) < 1 / (1 + np.exp(-X @ beta))).astype(float)
    return X, y


@pytest.mark.parametrize("decay", [0.0, 0.5])
def test_sgd_batch_matches_optim_sgd_for_each_step_size(decay):
    X, y = _data()
    grid = [0.1, 1.0, 3.0]
    res = ex.run_batch(X, y, "sgd", grid, decay=decay, steps=150, seed=4, record_every=7)
    for k, h in enumerate(grid):
        ref = optim.sgd(X, y, eta=h, decay=decay, steps=150, seed=4, record_every=7)
        np.testing.assert_array_equal(res.marks, ref.steps)
        np.testing.assert_allclose(res.paths[k], ref.path, rtol=1e-12, atol=1e-14)


def test_adagrad_batch_matches_optim_adagrad():
    X, y = _data(seed=1)
    grid = [0.05, 0.5]
    res = ex.run_batch(X, y, "adagrad", grid, steps=130, seed=2, record_every=10)
    for k, h in enumerate(grid):
        ref = optim.adagrad(X, y, eta=h, steps=130, seed=2, record_every=10)
        np.testing.assert_allclose(res.paths[k], ref.path, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("refresh", [1, 5])
def test_dropout_batch_matches_optim_with_delta_from_the_odds(refresh):
    X, y = _data(seed=2)
    grid = [0.5, 2.0]
    res = ex.run_batch(X, y, "dropout", grid, steps=120, seed=3, record_every=10, refresh=refresh)
    for k, h in enumerate(grid):
        delta = ex.delta_from_step(h)
        ref = optim.dropout_sgd_preconditioned(
            X, y, delta, refresh=refresh, steps=120, seed=3, record_every=10
        )
        np.testing.assert_allclose(res.paths[k], ref.path, rtol=1e-9, atol=1e-12)


def test_dropout_decay_scales_each_step_by_t_to_the_minus_decay():
    """A plain loop of the decayed dropout update, written from its definition."""
    X, y = _data(seed=5)
    fam = get_family("logistic")
    h, decay, steps = 3.0, 0.5, 40
    res = ex.run_batch(X, y, "dropout", [h], decay=decay, steps=steps, seed=6, record_every=1)
    order = np.random.default_rng(6).permutation(len(y))[:steps]
    beta = np.zeros(X.shape[1])
    for t, i in enumerate(order, start=1):
        A = (fam.A2(X @ beta) @ X**2) / h + 1e-8
        beta = beta - t**-decay * (fam.A1(X[i] @ beta) - y[i]) * X[i] / A
        np.testing.assert_allclose(res.paths[0, t], beta, rtol=1e-12, atol=1e-14)


def test_a_diverging_step_size_is_flagged_not_raised():
    X, y = _data(seed=3)
    res = ex.run_batch(X, y, "sgd", [1.0, 1e308], steps=200, seed=0, record_every=50)
    assert res.diverged.tolist() == [False, True]
    assert np.all(np.isfinite(res.paths[0]))
    err = ex.weight_errors(res.paths, np.zeros(4), [1, 2])
    assert np.isinf(err[1, -1]) and np.isfinite(err[0, -1])


def test_delta_from_step_inverts_the_odds():
    h = np.array([0.25, 1.0, 9.0])
    delta = ex.delta_from_step(h)
    np.testing.assert_allclose((1 - delta) / delta, h)
    assert ex.delta_from_step(1.0) == 0.5


def test_weight_errors_and_excess_loss():
    X, y = _data(seed=4)
    beta_hat = np.array([0.1, 0.2, 0.3, 0.4])
    paths = np.array([[[0.1, 0.2, 0.3, 0.4], [0.1, 1.2, 0.3, -0.6]]])
    np.testing.assert_allclose(ex.weight_errors(paths, beta_hat, [1, 3]), [[0.0, 1.0]])
    excess = ex.excess_loss(X, y, paths, beta_hat)
    assert excess.shape == (1, 2) and excess[0, 0] == pytest.approx(0.0, abs=1e-15)
    fam = get_family("logistic")
    z = X @ paths[0, 1]
    z0 = X @ beta_hat
    expected = np.mean(fam.A(z) - y * z) - np.mean(fam.A(z0) - y * z0)
    assert excess[0, 1] == pytest.approx(expected, rel=1e-12)


def test_run_study_shapes_and_worse_of_two():
    X, y = _data(seed=6)
    sets = [(1, X, y, np.zeros(4)), (2, X, y, np.ones(4))]
    out = ex.run_study(sets, {"S": ("sgd", [0.1, 1.0, 2.0], 0.5)}, [3], [1, 2], steps=60, record_every=20)
    r = out["S"]
    assert r.rare.shape == r.common.shape == r.excess.shape == (2, 3, 4)
    np.testing.assert_array_equal(r.worse, np.maximum(r.rare, r.common))
    assert r.marks.tolist() == [0, 20, 40, 60]


def test_log_grid_choose_and_interior():
    grid = ex.log_grid(0.01, 100, per_decade=8)
    assert grid.size == 33 and grid[0] == pytest.approx(0.01) and grid[-1] == pytest.approx(100)
    np.testing.assert_allclose(np.diff(np.log10(grid)), 1 / 8)
    # the last column has the lowest entry but diverged on one set: ineligible
    scores = np.array([[3.0, 1.0, 2.0, 0.1], [3.0, 1.5, 1.0, np.inf]])
    assert ex.choose(scores) == 1
    assert ex.choose(np.array([[3.0, 1.0, 0.9], [3.0, 1.0, 0.5]])) == 2
    assert ex.is_interior(1, 3) and not ex.is_interior(0, 3) and not ex.is_interior(2, 3)
    with pytest.raises(ValueError, match="diverged"):
        ex.choose(np.array([[np.inf, 1.0], [1.0, np.nan]]))


def test_paired_interval_sign_convention():
    mean, lo, hi = ex.paired_interval([1.0, 1.1, 0.9], [2.0, 2.2, 2.1])
    assert mean == pytest.approx(1.1) and lo < mean < hi and lo > 0


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"method": "adam"}, ValueError),
        ({"step_sizes": [0.0]}, ValueError),
        ({"step_sizes": []}, ValueError),
        ({"decay": -1.0}, ValueError),
        ({"steps": 0}, ValueError),
        ({"steps": 2.5}, TypeError),
        ({"refresh": True}, TypeError),
    ],
)
def test_run_batch_rejects_bad_arguments(kwargs, error):
    X, y = _data()
    args = {"method": "sgd", "step_sizes": [1.0], "steps": 5}
    args.update(kwargs)
    method, step_sizes = args.pop("method"), args.pop("step_sizes")
    with pytest.raises(error):
        ex.run_batch(X, y, method, step_sizes, **args)


def test_tune_and_best_of_read_the_tuning_scores():
    X, y = _data(seed=7)
    sets = [(1, X, y, np.zeros(4)), (2, X, y, np.zeros(4))]
    configs = {"a": ("sgd", [0.01, 0.1, 1.0, 10.0, 100.0], 0.0), "b": ("adagrad", [0.01, 0.1, 1.0], 0.0)}
    study = ex.run_study(sets, configs, [3], [1, 2], steps=40, record_every=20)
    chosen = ex.tune(study)
    for name, r in study.items():
        means = np.where(np.all(np.isfinite(r.worse[:, :, -1]), 0), r.worse[:, :, -1].mean(0), np.inf)
        assert chosen[name] == int(np.argmin(means))
    coarse = ex.tune(study, thin=2)
    assert coarse["a"] % 2 == 0 and coarse["a"] in (0, 2, 4)
    best = ex.best_of(study, chosen, ["a", "b"])
    other = "b" if best == "a" else "a"
    assert study[best].worse[:, chosen[best], -1].mean() <= study[other].worse[:, chosen[other], -1].mean()


def test_markdown_table_formats_and_blanks():
    text = ex.markdown_table(
        {"SGD": {"h": 5.623, "d": None, "m": 0.1234}, "x": {"h": "n/a", "m": -0.5}},
        ["h", "d", "m"],
        formats={"m": "+.2f"},
        index="method",
    )
    assert text.splitlines() == [
        "| method | h | d | m |",
        "|:--|:--|:--|--:|",  # a column with text or only blanks aligns left
        "| SGD | 5.62 |  | +0.12 |",
        "| x | n/a |  | -0.50 |",
    ]


def test_loss_weighted_errors_is_the_curvature_weighted_mean_over_the_group():
    X, y = _data(seed=8)
    fam = get_family("logistic")
    beta_hat = np.array([0.2, -0.4, 0.7, 1.1])
    paths = np.array([[beta_hat, beta_hat + [0.0, 0.0, 0.0, 3.0], beta_hat + [0.5, -0.2, 0.1, 0.0]]])
    group = X[:, 3] != 0
    out = ex.loss_weighted_errors(X, paths, beta_hat, group)
    for k, b in enumerate(paths[0]):
        z_err = X[group] @ (b - beta_hat)
        expected = np.mean(fam.A2(X[group] @ beta_hat) * z_err**2)
        assert out[0, k] == pytest.approx(expected, rel=1e-12)
    assert out[0, 0] == 0.0
    # an error in the weight of a feature absent from the group does not count there
    others = ex.loss_weighted_errors(X, paths, beta_hat, ~group)
    assert others[0, 1] == pytest.approx(0.0, abs=1e-15) and out[0, 1] > 0
    # twice the local KL divergence between the predictions, to second order
    small = beta_hat + 1e-3 * np.array([1.0, -2.0, 0.5, 1.0])
    p0, p1 = fam.A1(X[group] @ beta_hat), fam.A1(X[group] @ small)
    kl = np.mean(p0 * np.log(p0 / p1) + (1 - p0) * np.log((1 - p0) / (1 - p1)))
    assert ex.loss_weighted_errors(X, small, beta_hat, group) == pytest.approx(2 * kl, rel=1e-2)
    assert np.isinf(ex.loss_weighted_errors(X, [np.nan] * 4, beta_hat, group))
    with pytest.raises(ValueError, match="rows"):
        ex.loss_weighted_errors(X, paths, beta_hat, np.zeros(len(y), dtype=bool))


def test_run_study_loss_groups_and_scores():
    X, y = _data(seed=9)
    sets = [(1, X, y, np.zeros(4))]
    r = ex.run_study(sets, {"S": ("sgd", [0.1, 1.0], 0.0)}, [3], [1, 2], steps=40, record_every=20)["S"]
    res = ex.run_batch(X, y, "sgd", [0.1, 1.0], steps=40, seed=1, record_every=20)
    with_rare = X[:, 3] != 0
    np.testing.assert_allclose(r.loss_rare[0], ex.loss_weighted_errors(X, res.paths, np.zeros(4), with_rare))
    np.testing.assert_allclose(
        r.loss_common[0], ex.loss_weighted_errors(X, res.paths, np.zeros(4), ~with_rare)
    )
    np.testing.assert_array_equal(r.score("loss"), np.maximum(r.loss_rare, r.loss_common))
    np.testing.assert_array_equal(r.score("weights"), r.worse)
    with pytest.raises(ValueError, match="measure"):
        r.score("accuracy")


def test_thin_equals_running_the_coarser_grid():
    X, y = _data(seed=10)
    sets = [(3, X, y, np.zeros(4)), (4, X, y, np.ones(4))]
    fine, coarse = ex.log_grid(0.1, 10, per_decade=4), ex.log_grid(0.1, 10, per_decade=2)
    kw = dict(steps=50, record_every=25, refresh=3)
    a = ex.thin(ex.run_study(sets, {"d": ("dropout", fine, 0.5)}, [3], [1, 2], **kw), 2)["d"]
    b = ex.run_study(sets, {"d": ("dropout", coarse, 0.5)}, [3], [1, 2], **kw)["d"]
    np.testing.assert_array_equal(a.grid, b.grid)
    for k in ("rare", "common", "excess", "loss_rare", "loss_common"):
        np.testing.assert_allclose(getattr(a, k), getattr(b, k), rtol=1e-12, atol=1e-15)


def test_tune_reads_the_measure_asked_for():
    X, y = _data(seed=11)
    sets = [(1, X, y, np.zeros(4)), (2, X, y, np.zeros(4))]
    study = ex.run_study(
        sets, {"a": ("sgd", [0.01, 0.1, 1.0, 10.0], 0.0)}, [3], [1, 2], steps=40, record_every=20
    )
    for measure in ex.MEASURES:
        assert ex.tune(study, measure=measure)["a"] == ex.choose(study["a"].score(measure)[:, :, -1])


@pytest.mark.parametrize(
    "verdicts, expected",
    [
        (["holds", "holds"], "holds"),
        (["holds", "holds with a correction"], "holds with a correction"),
        (["fails", "fails"], "fails"),
        (["fails", "holds"], "not established"),
        (["not established", "holds"], "not established"),
        (["fails", "not established"], "not established"),
        (["holds with a correction", "fails"], "not established"),
    ],
)
def test_across_measures_is_as_strong_as_the_weakest_measure(verdicts, expected):
    assert ex.across_measures(verdicts) == expected


def test_across_measures_rejects_unknown_verdicts():
    with pytest.raises(ValueError):
        ex.across_measures([])
    with pytest.raises(ValueError):
        ex.across_measures(["holds", "maybe"])


@pytest.mark.parametrize(
    "method, decay", [("sgd", 0.0), ("sgd", 0.5), ("adagrad", 0.0), ("dropout", 0.0), ("dropout", 0.5)]
)
def test_run_batches_is_run_batch_on_each_training_set(method, decay):
    # sets of different sizes, seeds and rows (one lacks a row pattern the others have)
    sets = [(3, *_data(n=60, seed=0)), (8, *_data(n=45, seed=1)), (5, *_data(n=70, seed=2))]
    grid = [0.05, 0.5, 40.0]  # the last one diverges for SGD
    runs = ex.run_batches(sets, method, grid, decay=decay, steps=160, record_every=9, refresh=3)
    assert len(runs) == 3
    for (seed, X, y), res in zip(sets, runs):
        ref = ex.run_batch(X, y, method, grid, decay=decay, steps=160, seed=seed, record_every=9, refresh=3)
        np.testing.assert_array_equal(res.marks, ref.marks)
        np.testing.assert_array_equal(np.isnan(res.paths), np.isnan(ref.paths))
        np.testing.assert_allclose(res.paths, ref.paths, rtol=1e-12, atol=1e-14)
        np.testing.assert_array_equal(res.diverged, ref.diverged)
        assert res.method == method and res.decay == decay


def test_run_batches_rejects_bad_arguments():
    X, y = _data()
    with pytest.raises(ValueError):
        ex.run_batches([], "sgd", [0.1])
    with pytest.raises(ValueError):
        ex.run_batches([(0, X, y), (1, X[:, :3], y)], "sgd", [0.1])
    with pytest.raises(ValueError):
        ex.run_batches([(0, X, y)], "newton", [0.1])
