"""Tests of noising.experiments.semisup (the drivers of the semi-supervised chapter)."""

from __future__ import annotations

import numpy as np
import pytest

from noising import data, fit, verdicts
from noising.experiments import semisup as ex


# ------------------------------------------------------------------ grids
def test_odds_grid_is_geometric_in_the_odds():
    d = ex.odds_grid(0.25, 4.0, 5)
    np.testing.assert_allclose(d / (1 - d), [0.25, 0.5, 1, 2, 4])
    assert np.all(np.diff(d) > 0) and np.all((d > 0) & (d < 1))


@pytest.mark.parametrize("args", [(0, 1, 3), (2, 1, 3), (0.5, 2, 1), (0.5, 2, 2.5)])
def test_odds_grid_rejects_bad_arguments(args):
    with pytest.raises(ValueError):
        ex.odds_grid(*args)


def test_alpha_grid_gives_the_requested_share_of_the_penalty():
    n, m = 40, 800
    shares = [0.01, 0.5, 0.99]
    alphas = ex.alpha_grid(shares, n, m)
    np.testing.assert_allclose(alphas * m / (n + alphas * m), shares)
    # share 1/2: the unlabelled rows weigh as much as the labelled ones
    assert np.isclose(alphas[1] * m, n)


@pytest.mark.parametrize("shares", [[0.0, 0.5], [0.5, 1.0], [], [[0.5]]])
def test_alpha_grid_rejects_shares_outside_the_open_interval(shares):
    with pytest.raises(ValueError):
        ex.alpha_grid(shares, 10, 10)


def test_interior():
    assert [ex.interior(i, 4) for i in range(4)] == [False, True, True, False]


# ------------------------------------------------------------------ selection
def test_select_prefers_accuracy_then_log_likelihood():
    X = np.array([[1.0, -1.0], [1.0, 1.0], [1.0, 2.0]])
    y = np.array([0.0, 1.0, 1.0])
    wrong = np.array([0.0, -1.0])  # misclassifies every row
    right = np.array([0.0, 1.0])
    sharper = np.array([0.0, 3.0])  # same predictions, higher likelihood
    best, acc = ex.select([wrong, right, sharper], X, y)
    assert best == 2
    np.testing.assert_allclose(acc, [0, 1, 1])
    best, _ = ex.select([wrong, right], X, y)
    assert best == 1


def test_mean_log_likelihood_matches_the_package_nll():
    rng = np.random.default_rng(0)
    X, beta = rng.normal(size=(20, 3)), rng.normal(size=3)
    y = (rng.random(20) < 0.5).astype(float)
    assert np.isclose(ex.mean_log_likelihood(X, y, beta), -fit.nll(X, y, beta)[0] / 20)


# ------------------------------------------------------------------ one draw
def _tiny():
    X, y = data.load_breast_cancer()
    X = np.hstack([np.ones((len(y), 1)), X[:, :4]])
    parts = data.train_val_test_split(len(y), [20, 60, 80, 100], seed=3)
    return X, y, parts


def test_run_draw_matches_a_direct_computation():
    X, y, parts = _tiny()
    lab, val, pool, test = parts
    deltas, alphas = ex.odds_grid(0.5, 2, 2), np.array([0.1, 1.0])
    draw = ex.run_draw(X, y, parts, deltas, alphas)
    # the supervised method gets as many candidates as the semi-supervised one
    assert draw.sup_val.shape == (4,) and draw.semi_val.shape == (2, 2)
    i, j = draw.semi_index
    from noising.semisup import fit_semisupervised

    beta = fit_semisupervised(X[lab], y[lab], X[pool], deltas[i], alphas[j], unpenalized=[0], tol=1e-6).beta
    assert draw.semi == fit.accuracy(X[test], y[test], beta)
    assert draw.semi_val[i, j] == draw.semi_val.max()
    assert draw.sup_val[draw.sup_index] == draw.sup_val.max()
    assert draw.gain == draw.semi - draw.dropout


def test_run_draw_with_a_negligible_unlabelled_weight_is_supervised_dropout():
    # the control of the experiment: with alpha -> 0 and the same delta grid
    # the two methods choose the same fit, so the paired gain is zero
    X, y, parts = _tiny()
    deltas = ex.odds_grid(0.5, 2, 3)
    draw = ex.run_draw(X, y, parts, deltas, [1e-12], sup_deltas=deltas)
    assert draw.gain == 0.0 and draw.sup_index == draw.semi_index[0]


def test_run_setting_uses_the_seeds_and_sizes():
    setting = ex.bag_of_words_setting(n=20, n_val=30, m=40, n_test=50, vocab=12, n_discriminative=4)
    assert (setting.n, setting.m) == (20, 40)
    draws = ex.run_setting(setting, [0, 1], ex.odds_grid(0.5, 2, 2), [0.2, 0.8])
    assert len(draws) == 2 and all(0 <= d.semi <= 1 for d in draws)
    again = ex.run_setting(setting, [1], ex.odds_grid(0.5, 2, 2), [0.2, 0.8])
    assert again[0].gain == draws[1].gain


def test_breast_cancer_setting_rejects_parts_that_do_not_fit():
    with pytest.raises(ValueError):
        ex.breast_cancer_setting(n=300, n_val=300)


# ------------------------------------------------------------------ summaries
def test_seeds_needed_satisfies_the_power_rule_minimally():
    from scipy import stats

    r = ex.seeds_needed(0.03, 0.01)

    def q(k):
        return stats.t.ppf(0.975, k - 1) + stats.t.ppf(0.8, k - 1)

    assert q(r) * 0.03 / np.sqrt(r) <= 0.01 < q(r - 1) * 0.03 / np.sqrt(r - 1)
    # normal approximation: about 7.85 (sd/effect)^2
    assert abs(r - 7.85 * 9) < 4
    assert ex.seeds_needed(0.01, 0.01) < r
    with pytest.raises(ValueError):
        ex.seeds_needed(0.0, 0.01)


def test_gain_table_and_markdown():
    draws = [
        ex.Draw(0.7, 0.72, 0, (0, 0), np.zeros(1), np.zeros((1, 1))),
        ex.Draw(0.6, 0.61, 0, (0, 0), np.zeros(1), np.zeros((1, 1))),
        ex.Draw(0.8, 0.83, 0, (0, 0), np.zeros(1), np.zeros((1, 1))),
    ]
    row = ex.gain_table({"toy": draws})["toy"]
    assert row["seeds"] == 3 and np.isclose(row["gain"], 0.02)
    assert row["low"] < 0.02 < row["high"] and np.isclose(row["sd"], 0.01)
    md = ex.markdown_table(ex.gain_table({"toy": draws}))
    assert "| toy | 3 | 70.0 | 72.0 | 2.0 | 1.0 |" in md


@pytest.mark.parametrize(
    "lows, highs, expected",
    [
        ([0.01, 0.02], [0.03, 0.04], verdicts.HOLDS),
        ([0.01, -0.02], [0.03, 0.04], verdicts.CORRECTED),
        ([-0.01, -0.02], [0.03, 0.04], verdicts.NOT_ESTABLISHED),
        ([-0.05, -0.04], [-0.01, -0.02], verdicts.FAILS),
        # a significant loss at one setting outweighs a gain at another
        ([0.01, -0.05], [0.03, -0.01], verdicts.FAILS),
        ([-0.01, -0.05], [0.03, -0.01], verdicts.FAILS),
        # one interval below zero, one containing it: a significant loss
        ([-0.03, -0.05], [-0.01, 0.02], verdicts.FAILS),
        # no interval excludes zero: cannot tell
        ([-0.03, -0.05], [0.01, 0.02], verdicts.NOT_ESTABLISHED),
    ],
)
def test_verdict_follows_the_intervals(lows, highs, expected):
    assert ex.verdict(lows, highs) == expected


def test_verdict_rejects_mismatched_intervals():
    with pytest.raises(ValueError):
        ex.verdict([0.1], [0.2, 0.3])


# ------------------------------------------------------------------ controls
def test_permuted_pool_keeps_each_column_and_breaks_the_rows():
    rng = np.random.default_rng(0)
    Z = np.hstack([np.ones((50, 1)), rng.normal(size=(50, 3))])
    P = ex.permuted_pool(Z, np.random.default_rng(1))
    assert P is not Z and np.array_equal(Z[:, 0], P[:, 0])
    for j in range(1, 4):
        assert np.array_equal(np.sort(Z[:, j]), np.sort(P[:, j]))
    # the columns were shuffled independently: rows no longer match
    assert not np.array_equal(Z[:, 1:], P[:, 1:])
    # and not by one common permutation of the rows
    rows = [[np.flatnonzero(Z[:, j] == v)[0] for v in P[:, j]] for j in (1, 2)]
    assert rows[0] != rows[1]


def test_noise_pool_kinds():
    rng = np.random.default_rng(0)
    B = ex.noise_pool(2000, 5, "bernoulli", rng)
    assert B.shape == (2000, 5) and np.all(B[:, 0] == 1)
    assert set(np.unique(B[:, 1:])) == {0.0, 1.0} and abs(B[:, 1:].mean() - 0.5) < 0.02
    N = ex.noise_pool(2000, 5, "normal", rng)
    assert abs(N[:, 1:].mean()) < 0.05 and abs(N[:, 1:].std() - 1) < 0.05
    with pytest.raises(ValueError):
        ex.noise_pool(10, 3, "uniform", rng)


def test_run_controls_labelled_copy_is_supervised_dropout_on_the_delta_grid():
    setting = ex.bag_of_words_setting(n=20, n_val=30, m=40, n_test=50, vocab=12, n_discriminative=4)
    assert setting.noise == "bernoulli" and ex.breast_cancer_setting().noise == "normal"
    deltas, shares = ex.odds_grid(0.5, 2, 3), [0.2, 0.8]
    c = ex.run_controls(setting, [0, 1], deltas, shares, [0.1, 1.0], tol=1e-6)
    assert set(c) == set(ex.CONTROLS)
    assert all(len(v["acc"]) == 2 and len(v["index"]) == 2 for v in c.values())
    assert all(len(i) == 2 for i in c["permuted pool"]["index"])
    # the labelled copy: same choice and accuracy as supervised dropout
    # given the same (3-point) delta grid
    draws = ex.run_setting(setting, [0, 1], deltas, shares, sup_deltas=deltas, tol=1e-6)
    np.testing.assert_allclose(c["labelled copy"]["acc"], [d.dropout for d in draws])
    assert [i[0] for i in c["labelled copy"]["index"]] == [d.sup_index for d in draws]


def test_paired_table_pairs_the_first_draws():
    draws = [
        ex.Draw(0.7, 0.72, 0, (0, 0), np.zeros(1), np.zeros((1, 1))),
        ex.Draw(0.6, 0.63, 0, (0, 0), np.zeros(1), np.zeros((1, 1))),
        ex.Draw(0.9, 0.99, 0, (0, 0), np.zeros(1), np.zeros((1, 1))),
    ]
    controls = {"noise pool": {"acc": np.array([0.69, 0.61]), "index": [(0, 0)] * 2}}
    rows = ex.paired_table(draws, controls)
    # only the first two draws enter, paired with the controls
    assert np.isclose(rows["semi-supervised vs supervised"][0], 0.025)
    assert np.isclose(rows["noise pool vs supervised"][0], 0.0)
    assert np.isclose(rows["semi-supervised vs noise pool"][0], 0.025)
    with pytest.raises(ValueError):
        ex.paired_table(draws[:1], controls)


# ------------------------------------------------------------------ batched fits
def _small_problem():
    X, y, (lab, val, pool, test) = _tiny()
    return X[lab], y[lab], X[pool]


def test_dropout_objectives_match_the_package_penalties():
    from noising.penalties import L2, DropoutPenalty
    from noising.semisup import SemiSupervisedDropoutPenalty

    Xl, yl, Z = _small_problem()
    rng = np.random.default_rng(0)
    B = rng.normal(size=(Xl.shape[1], 3))
    delta, alpha, lam = 0.3, 0.2, 0.5
    c = delta / (2 * (1 - delta))
    w = len(yl) / (len(yl) + alpha * len(Z))
    semi = ex.DropoutObjectives(Xl, yl, [[w * c] * 3, [w * alpha * c] * 3], pools=[Z])
    ridge = ex.DropoutObjectives(Xl, yl, [[c] * 3], lams=[lam] * 3)
    f_semi, G_semi = semi(B, np.arange(3))
    f_ridge, G_ridge = ridge(B, np.arange(3))
    for k in range(3):
        v, g = fit.nll(Xl, yl, B[:, k])
        pv, pg = SemiSupervisedDropoutPenalty(Xl, Z, delta, alpha, unpenalized=[0]).value_and_grad(B[:, k])
        np.testing.assert_allclose([f_semi[k]], [v + pv], rtol=1e-12)
        np.testing.assert_allclose(G_semi[:, k], g + pg, rtol=1e-10, atol=1e-10)
        pen = DropoutPenalty(Xl, delta, unpenalized=[0]) + L2(lam, unpenalized=[0])
        pv, pg = pen.value_and_grad(B[:, k])
        np.testing.assert_allclose([f_ridge[k]], [v + pv], rtol=1e-12)
        np.testing.assert_allclose(G_ridge[:, k], g + pg, rtol=1e-10, atol=1e-10)
    # a subset of the candidates is evaluated with its own weights
    f1, _ = semi(B[:, [1]], np.array([1]))
    assert np.isclose(f1[0], f_semi[1])
    with pytest.raises(ValueError):
        ex.DropoutObjectives(Xl, yl, [[c]], pools=[Z])  # one weight row for two blocks


def test_lbfgs_batch_reproduces_separate_lbfgsb_runs():
    Xl, yl, Z = _small_problem()
    obj = ex.DropoutObjectives(Xl, yl, [[0.05, 0.5, 2.0], [0.01, 0.3, 1.0]], pools=[Z])
    B, info = ex.lbfgs_batch(obj, obj.d, obj.K, gtol=1e-6 * len(yl))
    ref, ref_info = ex._minimize_each(
        obj, obj.d, obj.K, gtol=1e-6 * len(yl), ftol=1e-15, max_iter=2000, memory=20, maxls=20, maxfun=15000
    )
    np.testing.assert_allclose(B, ref, rtol=1e-8, atol=1e-8)
    assert np.array_equal(info["n_iter"], ref_info["n_iter"])
    assert info["converged"].all() and np.all(info["grad_norm"] <= 1e-6 * len(yl))
    # an iteration cap stops every run there
    _, capped = ex.lbfgs_batch(obj, obj.d, obj.K, gtol=1e-12, max_iter=3)
    assert np.all(capped["n_iter"] == 3) and not capped["converged"].any()


@pytest.mark.parametrize("mode", ["supervised", "semi", "l2"])
def test_fit_batch_gives_the_fits_of_fit_glm(mode):
    from noising.penalties import L2, DropoutPenalty
    from noising.semisup import fit_semisupervised

    Xl, yl, Z = _small_problem()
    deltas, alphas, lams = ex.odds_grid(0.25, 2, 3), [0.05, 0.5], [0.1, 3.0]
    if mode == "supervised":
        B, info = ex.fit_batch(Xl, yl, deltas, tol=1e-6)
        ref = [fit.fit_glm(Xl, yl, DropoutPenalty(Xl, d, unpenalized=[0]), tol=1e-6) for d in deltas]
    elif mode == "semi":
        B, info = ex.fit_batch(Xl, yl, deltas, pool=Z, alphas=alphas, tol=1e-6)
        ref = [fit_semisupervised(Xl, yl, Z, d, a, unpenalized=[0], tol=1e-6) for d in deltas for a in alphas]
    else:
        B, info = ex.fit_batch(Xl, yl, deltas, lams=lams, tol=1e-6)
        ref = [
            fit.fit_glm(Xl, yl, DropoutPenalty(Xl, d, unpenalized=[0]) + L2(lam, unpenalized=[0]), tol=1e-6)
            for d in deltas
            for lam in lams
        ]
    assert B.shape == (Xl.shape[1], len(ref))
    for k, r in enumerate(ref):
        np.testing.assert_allclose(B[:, k], r.beta, rtol=1e-7, atol=1e-7)
        assert np.isclose(info["fun"][k], r.fun, rtol=1e-12)
        assert info["n_iter"][k] == r.n_iter
    with pytest.raises(ValueError):
        ex.fit_batch(Xl, yl, deltas, pool=Z)  # a pool needs its discounts
    with pytest.raises(ValueError):
        ex.fit_batch(Xl, yl, [1.0])


def test_accuracies_match_fit_accuracy():
    X, y, _ = _tiny()
    rng = np.random.default_rng(1)
    betas = [rng.normal(size=X.shape[1]) for _ in range(4)]
    np.testing.assert_array_equal(ex.accuracies(X, y, betas), [fit.accuracy(X, y, b) for b in betas])
    assert ex.accuracies(X, y, []).shape == (0,)
