"""Tests of noising.experiments.rare_features (the drivers of chapter 3)."""

import numpy as np
import pytest

from noising import fit, penalties
from noising.experiments import rare_features as rf
from noising.verdicts import FAILS, HOLDS, NOT_ESTABLISHED

SMALL = dict(n_rare=3, n_common=4, rare_rate=0.2, rare_strength=2.0, common_strength=0.5, common_signal=2)


def test_l2_path_matches_cold_fits():
    tr, _, _ = rf.draw_splits(0, SMALL, n_train=80, n_val=10, n_test=10)
    lams = (0.1, 10.0, 1.0)
    path = rf.l2_path(tr.X, tr.y, lams, tol=1e-9)
    for lam, b in zip(lams, path):
        cold = fit.fit_glm(tr.X, tr.y, penalties.L2(lam), tol=1e-9).beta
        np.testing.assert_allclose(b, cold, atol=1e-5)
    # stronger ridge, smaller weights
    assert np.linalg.norm(path[1]) < np.linalg.norm(path[2]) < np.linalg.norm(path[0])


def test_draw_splits_share_true_weights_and_differ():
    tr, va, te = rf.draw_splits(3, SMALL, n_train=30, n_val=20, n_test=40)
    assert np.array_equal(tr.beta, va.beta) and np.array_equal(tr.beta, te.beta)
    assert (tr.X.shape, va.X.shape, te.X.shape) == ((30, 7), (20, 7), (40, 7))
    assert not np.allclose(tr.X[:20], va.X)


def test_run_seed_tunes_on_validation_and_reports_accuracies():
    out = rf.run_seed(
        1,
        SMALL,
        sgd=False,
        n_train=60,
        n_val=40,
        n_test=200,
        l2_grid=(0.1, 1.0, 10.0),
        delta_grid=(0.1, 0.5, 0.9),
    )
    assert set(out) == {"L2", "dropout (quadratic)", "true beta"}
    for name, r in out.items():
        assert 0 <= r.acc_all <= 1 and 0 <= r.acc_active <= 1
        if name != "true beta":
            assert r.index == int(np.argmin(r.curve)) and r.curve.shape == (3,)
    assert out["true beta"].index == -1
    with pytest.raises(ValueError, match="at least three"):
        rf.run_seed(1, SMALL, sgd=False, l2_grid=(1.0, 2.0))


def test_paired_differences():
    a = rf.SeedResult(0.8, 0.7, 1, np.zeros(2), np.zeros(3))
    b = rf.SeedResult(0.6, 0.4, 1, np.zeros(2), np.zeros(3))
    res = [{"m": a, "L2": b}, {"m": b, "L2": a}]
    np.testing.assert_allclose(rf.paired_differences(res, "m"), [0.3, -0.3])
    np.testing.assert_allclose(rf.paired_differences(res, "m", part="all"), [0.2, -0.2])
    with pytest.raises(ValueError):
        rf.paired_differences(res, "m", part="some")


def test_settled():
    curve = [0.70, 0.65, 0.68, 0.69]
    assert rf.settled(curve, 1)
    assert not rf.settled(curve, 0)  # edge, still falling: grid too narrow
    assert rf.settled([0.6500, 0.6505, 0.7], 0)  # edge on a plateau
    assert not rf.settled([0.7, 0.68, 0.6], 2)
    with pytest.raises(ValueError):
        rf.settled([0.1, 0.2], 0)
    with pytest.raises(ValueError):
        rf.settled(curve, 4)


def test_restart_spread_counts_restarts_at_best():
    def res(fun, beta, g=0.0):
        return fit.FitResult(beta=np.array(beta, float), fun=fun, success=True, n_iter=1, grad_norm=g)

    base = res(1.0, [0.0, 1.0])
    fits = [res(1.0, [0.0, 1.0]), res(1.0 + 1e-9, [0.0, 1.0 + 1e-4]), res(3.0, [5.0, 5.0])]
    out = rf.restart_spread(base, fits)
    assert out["n_at_best"] == 2 and out["n_restarts"] == 3
    assert out["worst_gap"] == pytest.approx(2.0)
    assert out["coef_spread"] < 1e-4 and out["all_stationary"]
    assert not rf.restart_spread(base, fits + [res(1.0, [0, 1], g=1.0)])["all_stationary"]


def test_separating_features():
    X = np.array([[1, 0, 1], [1, 1, 0], [0, 1, 0], [0, 0, 0]], float)
    y = np.array([1, 1, 0, 0], float)
    assert rf.separating_features(X, y, range(3)) == [0, 2]


def test_coadapted_modes_share_draws_and_order_confidence():
    draws = {m: rf.coadapted(300, m, seed=4) for m in ("with", "independent", "against")}
    w, i, a = draws["with"], draws["independent"], draws["against"]
    assert np.array_equal(w.active, a.active) and np.array_equal(w.X[:, :10], a.X[:, :10])
    g = 10  # the partner column
    assert np.all(w.X[w.active, g] >= 0) and np.all(a.X[a.active, g] <= 0)
    np.testing.assert_allclose(np.abs(w.X[:, g]), np.abs(i.X[:, g]))
    np.testing.assert_allclose(w.X[~w.active], i.X[~i.active])
    # at the true weights the predictions on active rows are most confident "with"
    conf = {m: np.abs(d.X[d.active] @ d.beta).mean() for m, d in draws.items()}
    assert conf["with"] > conf["independent"] > conf["against"]
    with pytest.raises(ValueError):
        rf.coadapted(10, "sideways")


def test_mc_dropout_fit_converges_to_expected_loss_minimiser():
    # with delta = 0 there is no noise: the plain (ridge) fit
    tr, _, _ = rf.draw_splits(2, SMALL, n_train=60, n_val=5, n_test=5)
    ridge = fit.fit_glm(tr.X, tr.y, penalties.L2(1.0), tol=1e-10).beta
    mc0 = rf.mc_dropout_fit(tr.X, tr.y, 0.0, masks=3, l2=1.0, tol=1e-10).beta
    np.testing.assert_allclose(mc0, ridge, atol=1e-5)

    # with dropout, two mask seeds agree better with more masks, and the
    # fit is shrunk relative to the ridge fit
    def gap(k):
        b1 = rf.mc_dropout_fit(tr.X, tr.y, 0.5, masks=k, l2=1.0, seed=1).beta
        b2 = rf.mc_dropout_fit(tr.X, tr.y, 0.5, masks=k, l2=1.0, seed=2).beta
        return np.linalg.norm(b1 - b2), b1

    small, _ = gap(2)
    large, b = gap(200)
    assert large < small
    assert np.linalg.norm(b) < np.linalg.norm(ridge)
    with pytest.raises(ValueError):
        rf.mc_dropout_fit(tr.X, tr.y, 1.0)
    with pytest.raises(ValueError):
        rf.mc_dropout_fit(tr.X, tr.y, 0.5, masks=0)


def test_quadratic_versus_mc_keys():
    out = rf.quadratic_versus_mc(0, 0.5, design=SMALL, masks=5, n_train=50, n_test=100)
    assert {"acc_q", "acc_mc", "coef_dist", "prob_dist"} <= set(out)
    assert out["coef_dist"] >= 0 and 0 <= out["prob_dist"] <= 1


def test_equivalence():
    assert rf.equivalence(-0.004, 0.006, 0.01) == HOLDS
    assert rf.equivalence(0.002, 0.03, 0.01) == NOT_ESTABLISHED
    assert rf.equivalence(-0.03, -0.02, 0.01) == FAILS
    assert rf.equivalence(-0.02, 0.02, 0.01) == NOT_ESTABLISHED
    with pytest.raises(ValueError):
        rf.equivalence(0.1, 0.0, 0.01)
    with pytest.raises(ValueError):
        rf.equivalence(0.0, 0.1, 0.0)


def test_markdown_table():
    md = rf.markdown_table(["a", "b"], [["1", "2"], ["3", "4"]])
    assert md.splitlines() == ["| a | b |", "|:--|:--|", "| 1 | 2 |", "| 3 | 4 |"]
    with pytest.raises(ValueError):
        rf.markdown_table(["a"], [["1", "2"]])


def test_coadaptation_fit_equal_average_strength():
    out = rf.coadaptation_fit(0, "with", n=150)
    tr = rf.coadapted(150, "with", seed=0)
    pen = penalties.DropoutPenalty(tr.X, 0.5)
    w = pen.diag_fisher(out["beta_dropout"])
    # the L2 fit is stationary for the ridge of the same average weight
    lam = w.mean() + rf.EPS
    grad = fit.nll(tr.X, tr.y, out["beta_l2"])[1] + lam * out["beta_l2"]
    assert np.max(np.abs(grad)) < 1e-3
    r = tr.n_rare
    assert out["log_ratio"] == pytest.approx(
        np.log(out["beta_dropout"][:r].mean() / out["beta_l2"][:r].mean())
    )
    assert out["rel_penalty"] == pytest.approx(w[:r].mean() / w.mean())


def test_choose_logloss_and_accuracy_with_tie_break():
    X = np.array([[1.0], [2.0], [-1.0], [-2.0]])
    y = np.array([1.0, 1.0, 0.0, 0.0])
    betas = [np.array([0.1]), np.array([5.0]), np.array([1.0]), np.array([-1.0])]
    k, curve = rf.choose(betas, X, y, "logloss")
    assert k == 1 and curve.shape == (4,) and curve[1] == curve.min()
    # accuracy ties (0, 1, 2 all classify perfectly): the smaller log-loss wins
    k, curve = rf.choose(betas, X, y, "accuracy")
    assert k == 1 and np.allclose(curve, [-1, -1, -1, 0])
    with pytest.raises(ValueError):
        rf.choose(betas, X, y, "auc")


def test_criterion_study_reuses_paths_and_signs():
    grids = dict(l2_grid=(0.1, 1.0, 10.0), delta_grid=(0.1, 0.5, 0.9))
    sizes = dict(n_train=60, n_val=40, n_test=200)
    seeds = (0, 1)
    runs = [rf.run_seed(s, SMALL, sgd=False, **grids, **sizes) for s in seeds]
    out = rf.criterion_study(runs, seeds, design=SMALL, **sizes)
    assert set(out) == set(rf.CRITERIA)
    ll = out["validation log-loss"]
    # the log-loss criterion reproduces run_seed's own choice
    assert ll["index"]["L2"] == [r["L2"].index for r in runs]
    np.testing.assert_allclose(ll["gain"], rf.paired_differences(runs, "dropout (quadratic)"))
    assert ll["gain"].shape == (2,) and out["oracle"]["logloss_gain"].shape == (2,)
    bare = [{m: rf.SeedResult(0.5, 0.5, 0, np.zeros(7), np.zeros(3)) for m in r} for r in runs]
    with pytest.raises(ValueError, match="no path"):
        rf.criterion_study(bare, seeds, design=SMALL, **sizes)


def test_widened_lower_edge_matches_a_direct_fit():
    tr, va, _ = rf.draw_splits(2, SMALL, 60, 40, 1)
    direct = fit.fit_glm(tr.X, tr.y, penalties.L2(0.01), tol=rf.TOL).beta
    got = rf.widened_lower_edge(2, "L2", design=SMALL, n_train=60, n_val=40, l2_grid=(0.1, 1.0, 10.0))
    assert np.isclose(got, rf.mean_logloss(va.X, va.y, direct), rtol=1e-6)
    with pytest.raises(ValueError):
        rf.widened_lower_edge(2, "SGD", design=SMALL)
    with pytest.raises(ValueError):
        rf.widened_lower_edge(2, "L2", design=SMALL, factor=1.0)


def test_noised_copies_scale_and_keep_rate():
    X = np.ones((50, 4))
    Z = rf.noised_copies(X, 0.25, masks=40, seed=3)
    assert Z.shape == (2000, 4)
    assert set(np.unique(Z)) <= {0.0, 1 / 0.75}
    assert abs(np.mean(Z != 0) - 0.75) < 0.03
    np.testing.assert_array_equal(Z, rf.noised_copies(X, 0.25, masks=40, seed=3))
    with pytest.raises(ValueError):
        rf.noised_copies(X, 1.0)


def test_ray_profile_of_a_quadratic():
    def obj(b):
        return float(np.sum((b - 3.0) ** 2)), 2 * (b - 3.0)

    values, slopes = rf.ray_profile(obj, np.zeros(2), 1, 1, [0.0, 1.0, 3.0, 5.0])
    np.testing.assert_allclose(values, [18, 13, 9, 13])
    np.testing.assert_allclose(slopes, [-6, -4, 0, 4])
    _, down = rf.ray_profile(obj, np.zeros(2), 1, -1, [0.0, 1.0])
    np.testing.assert_allclose(down, [6, 8])
    with pytest.raises(ValueError):
        rf.ray_profile(obj, np.zeros(2), 1, 2, [0.0])


def test_coadaptation_fit_confidence_blind_control():
    r = rf.coadaptation_fit(0, "with", n=150)
    # the three log-ratios are consistent: drop/l2 = drop/blind * blind/l2
    assert np.isclose(r["log_ratio"], r["log_ratio_blind"] + r["log_ratio_blind_l2"])
    assert r["beta_blind"].shape == r["beta_l2"].shape
    assert 0 <= r["n_separating"] <= 10
