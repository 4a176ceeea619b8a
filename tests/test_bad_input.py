"""Bad and extreme input across the public API: one parametrised test per class of input.

Each class found by a hostile fuzz pass (complex, string, ``None`` and object arrays;
bools and floats where integers belong; NaN and infinity; empty and wrong shapes; sizes
that could not finish; magnitudes near the ends of the float range) is checked on every
public function that takes such an argument: the error type is the one NumPy and
SciPy use (:class:`TypeError` for a wrong type, :class:`ValueError` for a wrong value)
and the message names the argument. The regressions quoted in issue 11 are pinned at
the end, with their true values.
"""
from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

import noising
from noising import (
    data,
    derivatives,
    fisher,
    fit,
    moments,
    optim,
    penalties,
    regularizer,
    semisup,
    softmax,
    summary,
    taylor,
)
from noising import Dropout as D
from noising import Gaussian as G

X = np.array([[1.0, -0.5, 0.2], [0.3, 0.8, -1.0]])
B = np.array([0.5, -0.2, 0.1])
Y = np.array([1.0, 0.0])

# name -> (function, positional args, keyword args); the arguments are valid
CALLS = {
    "regularizer.exact": (regularizer.exact, (X, B, D(0.3)), {}),
    "regularizer.exact[gauss]": (regularizer.exact, (X, B, G(0.5)), {}),
    "regularizer.quadratic": (regularizer.quadratic, (X, B, D(0.3)), {}),
    "regularizer.monte_carlo": (regularizer.monte_carlo, (X, B, D(0.3)), {"samples": 100}),
    "regularizer.quadratic_gradient": (regularizer.quadratic_gradient, (X, B, G(0.3)), {}),
    "regularizer.dropout_small_delta_slope": (regularizer.dropout_small_delta_slope, (X, B), {}),
    "moments.central_moments": (moments.central_moments, (X, B, D(0.3), 3), {}),
    "moments.max_deviation": (moments.max_deviation, (X, B, D(0.3)), {}),
    "taylor.partial_sum": (taylor.partial_sum, (X, B, D(0.3), 3), {}),
    "taylor.partial_sums": (taylor.partial_sums, (X, B, D(0.3), 3), {}),
    "fit.nll": (fit.nll, (X, Y, B), {}),
    "fit.fit_glm": (fit.fit_glm, (X, Y), {"beta0": B}),
    "fit.dropout_sgd": (fit.dropout_sgd, (X, Y, 0.3), {"epochs": 2}),
    "fit.predict_mean": (fit.predict_mean, (X, B), {}),
    "fit.accuracy": (fit.accuracy, (X, Y, B), {}),
    "fisher.diag_fisher": (fisher.diag_fisher, (X, B), {}),
    "fisher.fisher_information": (fisher.fisher_information, (X, B), {}),
    "fisher.score_covariance": (fisher.score_covariance, (X, Y, B), {}),
    "penalties.DropoutPenalty": (penalties.DropoutPenalty, (X, 0.3), {}),
    "penalties.NoisingPenalty": (penalties.NoisingPenalty, (X, D(0.3)), {}),
    "optim.per_example_gradients": (optim.per_example_gradients, (X, Y, B), {}),
    "optim.adagrad_statistic": (optim.adagrad_statistic, (X, Y, B), {}),
    "optim.dropout_statistic": (optim.dropout_statistic, (X, B), {}),
    "optim.dropout_preconditioner": (optim.dropout_preconditioner, (X, B, 0.3), {}),
    "optim.centred_dropout_penalty": (optim.centred_dropout_penalty, (X, B, 0.5 * B, 0.3), {}),
    "optim.sgd": (optim.sgd, (X, Y), {"steps": 5}),
    "optim.adagrad": (optim.adagrad, (X, Y), {"steps": 5}),
    "optim.dropout_sgd_preconditioned": (optim.dropout_sgd_preconditioned, (X, Y, 0.3), {"steps": 5}),
    "semisup.SemiSupervisedDropoutPenalty": (semisup.SemiSupervisedDropoutPenalty, (X, X, 0.3, 0.5), {}),
    "data.normalize_columns": (data.normalize_columns, (X,), {}),
    "data.simulate_glm": (data.simulate_glm, (4, B), {}),
    "summary.t_interval": (summary.t_interval, ([0.1, 0.2, 0.3],), {}),
    "derivatives.softplus_derivatives": (derivatives.softplus_derivatives, (3, 0.5), {}),
    "derivatives.radius": (derivatives.radius, (0.5,), {}),
    "softmax.lse_line_coefficients": (softmax.lse_line_coefficients, ([0.0, 1.0], [0.0, 1.0], 3), {}),
    "softmax.lse_line_radius": (softmax.lse_line_radius, ([0.0, 1.0], [0, 1]), {}),
    "Dropout.variance": (D(0.3).variance, (X, B), {}),
}

# (call, position or keyword, argument name) for every array argument
ARRAYS = [
    (c, pos, name)
    for c, slots in {
        "regularizer.exact": [(0, "X"), (1, "beta")],
        "regularizer.exact[gauss]": [(0, "X"), (1, "beta")],
        "regularizer.quadratic": [(0, "X"), (1, "beta")],
        "regularizer.monte_carlo": [(0, "X"), (1, "beta")],
        "regularizer.quadratic_gradient": [(0, "X"), (1, "beta")],
        "regularizer.dropout_small_delta_slope": [(0, "X"), (1, "beta")],
        "moments.central_moments": [(0, "X"), (1, "beta")],
        "moments.max_deviation": [(0, "X"), (1, "beta")],
        "taylor.partial_sum": [(0, "X"), (1, "beta")],
        "fit.nll": [(0, "X"), (1, "y"), (2, "beta")],
        "fit.fit_glm": [(0, "X"), (1, "y"), ("beta0", "beta0")],
        "fit.dropout_sgd": [(0, "X"), (1, "y")],
        "fit.predict_mean": [(0, "X"), (1, "beta")],
        "fit.accuracy": [(0, "X"), (1, "y"), (2, "beta")],
        "fisher.diag_fisher": [(0, "X"), (1, "beta")],
        "fisher.fisher_information": [(0, "X"), (1, "beta")],
        "fisher.score_covariance": [(0, "X"), (1, "y"), (2, "beta")],
        "penalties.DropoutPenalty": [(0, "X")],
        "penalties.NoisingPenalty": [(0, "X")],
        "optim.per_example_gradients": [(0, "X"), (1, "y"), (2, "beta")],
        "optim.adagrad_statistic": [(0, "X"), (1, "y"), (2, "beta")],
        "optim.dropout_statistic": [(0, "X"), (1, "beta")],
        "optim.dropout_preconditioner": [(0, "X"), (1, "beta")],
        "optim.centred_dropout_penalty": [(0, "X"), (1, "beta"), (2, "beta_t")],
        "optim.sgd": [(0, "X"), (1, "y")],
        "optim.adagrad": [(0, "X"), (1, "y")],
        "optim.dropout_sgd_preconditioned": [(0, "X"), (1, "y")],
        "semisup.SemiSupervisedDropoutPenalty": [(0, "X"), (1, "Z")],
        "data.normalize_columns": [(0, "X")],
        "data.simulate_glm": [(1, "beta")],
        "summary.t_interval": [(0, "x")],
        "softmax.lse_line_coefficients": [(0, "eta"), (1, "v")],
        "softmax.lse_line_radius": [(0, "eta"), (1, "v")],
        "Dropout.variance": [(0, "X"), (1, "beta")],
    }.items()
    for pos, name in slots
]


# calls where X alone fixes the number of columns (an extra column is not an error)
FREE_COLUMNS = {"penalties.DropoutPenalty", "penalties.NoisingPenalty", "optim.sgd", "optim.adagrad",
                "optim.dropout_sgd_preconditioned", "fit.dropout_sgd", "data.normalize_columns",
                "summary.t_interval", "fit.fit_glm"}


def _call(call, pos, value):
    f, args, kwargs = CALLS[call]
    args, kwargs = list(args), dict(kwargs)
    if isinstance(pos, int):
        args[pos] = value
    else:
        kwargs[pos] = value
    return f(*args, **kwargs)


def _like(call, pos, fill):
    f, args, kwargs = CALLS[call]
    template = np.asarray(args[pos] if isinstance(pos, int) else kwargs[pos], dtype=float)
    return np.full(template.shape, fill)


def _names(name):
    return re.compile(rf"\b{re.escape(name)}\b")


@pytest.mark.parametrize("call, pos, name", ARRAYS, ids=[f"{c}-{n}" for c, _, n in ARRAYS])
def test_complex_arrays_are_refused_not_truncated(call, pos, name):
    value = _like(call, pos, 1.0).astype(complex) + 1j
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ComplexWarning: a TypeError instead
        with pytest.raises(TypeError, match=_names(name)):
            _call(call, pos, value)


@pytest.mark.parametrize("call, pos, name", ARRAYS, ids=[f"{c}-{n}" for c, _, n in ARRAYS])
@pytest.mark.parametrize("bad", [None, "abc", object(), {"a": 1}], ids=["None", "str", "object", "dict"])
def test_non_numeric_arrays_are_type_errors(call, pos, name, bad):
    if name == "beta0" and bad is None:
        pytest.skip("beta0=None means the default start (zeros)")
    if isinstance(bad, str):
        bad = _like(call, pos, 0.0).astype(str)
    with pytest.raises(TypeError, match=_names(name)):
        _call(call, pos, bad)


@pytest.mark.parametrize("call, pos, name", ARRAYS, ids=[f"{c}-{n}" for c, _, n in ARRAYS])
@pytest.mark.parametrize("fill", [np.nan, np.inf, -np.inf], ids=["nan", "inf", "-inf"])
def test_nan_and_inf_entries_are_value_errors(call, pos, name, fill):
    value = _like(call, pos, 0.5)
    value.flat[0] = fill
    with pytest.raises(ValueError, match=_names(name)):
        _call(call, pos, value)


@pytest.mark.parametrize("call, pos, name", ARRAYS, ids=[f"{c}-{n}" for c, _, n in ARRAYS])
@pytest.mark.parametrize("shape", ["empty", "3-d", "extra column"])
def test_empty_and_wrongly_shaped_arrays_are_value_errors(call, pos, name, shape):
    if call == "summary.t_interval" and shape == "3-d":
        pytest.skip("any number of dimensions is fine: the repetitions lie along axis")
    if shape == "extra column" and name in ("X", "x") and call in FREE_COLUMNS:
        pytest.skip("no other argument fixes the number of columns")
    template = _like(call, pos, 0.5)
    if shape == "empty":
        value = np.zeros((0,) + template.shape[1:])
        if name == "Z":  # an empty unlabelled set is allowed: drop the columns instead
            value = np.zeros((2, 0))
    elif shape == "3-d":
        value = np.ones((2,) + template.shape)
    elif call == "data.simulate_glm":  # beta fixes d itself: give scales of another length
        _, args, _ = CALLS[call]
        with pytest.raises(ValueError, match=r"\bscales\b"):
            data.simulate_glm(*args, scales=np.ones(len(args[1]) + 1))
        return
    else:
        value = np.ones(template.shape[:-1] + (template.shape[-1] + 1,))
    with pytest.raises(ValueError, match=_names(name)):
        _call(call, pos, value)


@pytest.mark.parametrize("call, pos, name", ARRAYS, ids=[f"{c}-{n}" for c, _, n in ARRAYS])
def test_ragged_sequences_are_value_errors(call, pos, name):
    with pytest.raises(ValueError, match=_names(name)):
        _call(call, pos, [[1.0, 2.0], [3.0]])


# scalar arguments: (call, position or keyword, name, kind, out-of-range value)
SCALARS = [
    ("regularizer.monte_carlo", "samples", "samples", "int", 0),
    ("regularizer.monte_carlo", "seed", "seed", "int", -1),
    ("moments.central_moments", 3, "order", "int", -1),
    ("taylor.partial_sum", 3, "order", "int", 1),
    ("taylor.partial_sums", 3, "max_order", "int", 1),
    ("fit.fit_glm", "tol", "tol", "real", 0.0),
    ("fit.fit_glm", "max_iter", "max_iter", "int", 0),
    ("fit.dropout_sgd", 2, "delta", "real", 1.0),
    ("fit.dropout_sgd", "lr", "lr", "real", -0.1),
    ("fit.dropout_sgd", "epochs", "epochs", "int", 0),
    ("fit.dropout_sgd", "batch_size", "batch_size", "int", 0),
    ("fit.dropout_sgd", "l2", "l2", "real", -1.0),
    ("penalties.DropoutPenalty", 1, "delta", "real", -0.1),
    ("penalties.DropoutPenalty", "lam", "lam", "real", -1.0),
    ("optim.dropout_preconditioner", 2, "delta", "real", 0.0),
    ("optim.centred_dropout_penalty", 3, "delta", "real", 1.0),
    ("optim.sgd", "eta", "eta", "real", 0.0),
    ("optim.sgd", "decay", "decay", "real", -0.5),
    ("optim.sgd", "steps", "steps", "int", 0),
    ("optim.sgd", "record_every", "record_every", "int", 0),
    ("optim.adagrad", "eps", "eps", "real", 0.0),
    ("optim.dropout_sgd_preconditioned", "refresh", "refresh", "int", 0),
    ("semisup.SemiSupervisedDropoutPenalty", 3, "alpha", "real", -1.0),
    ("data.simulate_glm", 0, "n", "int", 0),
    ("summary.t_interval", "level", "level", "real", 1.0),
    ("summary.t_interval", "axis", "axis", "int", 5),
    ("derivatives.softplus_derivatives", 0, "k", "int", -1),
    ("softmax.lse_line_coefficients", 2, "order", "int", -1),
]
SCALAR_IDS = [f"{c}-{n}" for c, _, n, _, _ in SCALARS]
# calls whose delta may also be one dropout rate per feature (a vector)
PER_FEATURE_DELTA = {"penalties.DropoutPenalty", "optim.dropout_preconditioner", "optim.centred_dropout_penalty",
                     "optim.dropout_sgd_preconditioned", "fit.dropout_sgd"}


@pytest.mark.parametrize("call, pos, name, kind, low", SCALARS, ids=SCALAR_IDS)
@pytest.mark.parametrize("bad", [True, "1", None, 1 + 2j, [1]], ids=["bool", "str", "None", "complex", "list"])
def test_scalars_of_the_wrong_type_are_type_errors(call, pos, name, kind, low, bad):
    if name == "seed" and (bad is None or isinstance(bad, list)):
        pytest.skip("seed=None (fresh entropy) and [1] (a sequence of ints) are valid numpy seeds")
    if name == "delta" and isinstance(bad, list) and call in PER_FEATURE_DELTA:
        pytest.skip("a list is a vector of per-feature rates (bad vectors: tests/test_per_feature.py)")
    with pytest.raises(TypeError, match=_names(name)):
        _call(call, pos, bad)


@pytest.mark.parametrize("call, pos, name, kind, low", [s for s in SCALARS if s[3] == "int"],
                         ids=[i for i, s in zip(SCALAR_IDS, SCALARS) if s[3] == "int"])
def test_floats_where_integers_belong_are_type_errors(call, pos, name, kind, low):
    with pytest.raises(TypeError, match=rf"{name} must be an integer"):
        _call(call, pos, 2.0)


@pytest.mark.parametrize("call, pos, name, kind, low", SCALARS, ids=SCALAR_IDS)
def test_out_of_range_scalars_are_value_errors_naming_the_range(call, pos, name, kind, low):
    with pytest.raises(ValueError, match=_names(name)):
        _call(call, pos, low)


@pytest.mark.parametrize("call, pos, name, kind, low", [s for s in SCALARS if s[3] == "real"],
                         ids=[i for i, s in zip(SCALAR_IDS, SCALARS) if s[3] == "real"])
@pytest.mark.parametrize("bad", [np.nan, np.inf], ids=["nan", "inf"])
def test_nan_and_inf_scalars_are_value_errors(call, pos, name, kind, low, bad):
    with pytest.raises(ValueError, match=_names(name)):
        _call(call, pos, bad)


@pytest.mark.parametrize("call", ["regularizer.exact", "regularizer.quadratic", "moments.central_moments",
                                  "taylor.partial_sum", "penalties.NoisingPenalty"])
@pytest.mark.parametrize("bad", [0.3, None, "dropout", noising.get_family("logistic")])
def test_noise_that_is_not_a_noise_model_is_a_type_error(call, bad):
    pos = 1 if call == "penalties.NoisingPenalty" else 2
    with pytest.raises(TypeError, match=r"\bnoise\b"):
        _call(call, pos, bad)


@pytest.mark.parametrize("call", ["regularizer.exact", "fit.nll", "fisher.diag_fisher", "optim.sgd",
                                  "penalties.DropoutPenalty"])
@pytest.mark.parametrize("bad, exc", [("probit", ValueError), (None, TypeError), (1, TypeError)])
def test_family_is_checked(call, bad, exc):
    with pytest.raises(exc, match=r"\bfamily\b"):
        _call(call, "family", bad)


@pytest.mark.parametrize("call, pos, name", [
    ("fit.dropout_sgd", "keep", "keep"),
    ("penalties.DropoutPenalty", "unpenalized", "unpenalized"),
])
@pytest.mark.parametrize("bad, exc", [([0.5], TypeError), (["a"], TypeError), ([7], ValueError), ("0", TypeError)])
def test_column_indices_name_their_argument(call, pos, name, bad, exc):
    with pytest.raises(exc, match=_names(name)):
        _call(call, pos, bad)


# sizes that could not finish are refused, with the limit in the message
@pytest.mark.parametrize("call, args, name", [
    (derivatives.triangle, (10**6,), "k"),
    (derivatives.softplus_derivatives, (10**6, 0.5), "k"),
    (derivatives.taylor_coefficients, (10**6, 0.5), "k"),
    (taylor.partial_sum, (X, B, D(0.3), 10**6), "order"),
    (softmax.lse_line_coefficients, ([0.0, 1.0], [0.0, 1.0], 10**9), "order"),
    (softmax.lse_line_coefficients, ([0.0, 1.0], [0.0, 1e300], 500), "v"),
    (moments.central_moments, (X, B, D(0.3), 10**9), "order"),
    (lambda *a: regularizer.monte_carlo(*a, samples=10**10), (X, B, D(0.3)), "samples"),
    (lambda *a: fit.dropout_sgd(*a, epochs=10**9), (X, Y, 0.3), "epochs"),
    (lambda *a: optim.sgd(*a, steps=10**9), (X, Y), "steps"),
    (data.simulate_glm, (10**12, B), "n"),
    (data.train_val_test_split, (10**12, [1]), "n"),
    (lambda n: data.bag_of_words(n, vocab=10**6), (10**6,), "vocab"),
    (regularizer.exact, (np.ones(30), np.ones(30), D(0.5)), "exact"),
])
def test_requests_that_cannot_finish_are_refused_with_the_limit(call, args, name):
    with pytest.raises(ValueError, match=rf"\b{name}\b.*(limit|\d)"):
        call(*args)


# ----------------------------------------------------------- regressions from issue 11

def test_exact_linear_near_the_top_of_the_float_range():
    # the true value 0.3/0.7 * (1e308 + 1e308) / 2 is a float
    got = regularizer.exact([[1e154, 1e154]], [1.0, 1.0], D(0.3), "linear")
    assert got == pytest.approx(0.3 / 0.7 * 1e308, rel=1e-14)


def test_exact_poisson_beyond_the_float_range_is_inf_not_nan():
    assert regularizer.exact([[400.0, 400.0]], [1.0, 1.0], D(0.3), "poisson") == np.inf


def test_quadratic_with_zero_curvature_and_huge_variance_is_zero_not_nan():
    assert regularizer.quadratic([[1e200]], [1.0], D(0.5)) == 0.0


def test_exact_is_positive_for_tiny_noise():
    # A''(0)/2 * Var = 1/8 * (1e-18 + 1e-18); subtracting A(0) from E[A] gave -1.1e-16
    assert regularizer.exact([[1e-9, 1e-9]], [1.0, 1.0], D(0.5)) == pytest.approx(2.5e-19, rel=1e-12)


def test_central_moments_of_order_zero():
    np.testing.assert_array_equal(moments.central_moments([[1.0, 2.0]], [1.0, 1.0], D(0.5), 0), [[1.0]])


def test_lse_line_radius_with_a_tiny_polynomial_root():
    # P(w) = w + exp(-200): the root -exp(-200) lies at distance sqrt(200^2 + pi^2)
    assert softmax.lse_line_radius([0.0, 200.0], [0.0, 1.0]) == pytest.approx(np.hypot(200.0, np.pi), rel=1e-14)


def test_dropout_sgd_on_a_design_beyond_the_float_range_does_not_report_success():
    Xb = 1e200 * np.array([[1.0, -0.5], [0.3, 0.8], [-1.0, 0.2]])
    with np.errstate(all="ignore"), pytest.raises(ValueError, match="standardise"):
        fit.dropout_sgd(Xb, np.array([1.0, 0.0, 1.0]), 0.3, epochs=3)


def test_fit_glm_reports_a_finite_loss_or_refuses():
    Xb = 1e200 * X
    res = fit.fit_glm(Xb, Y, penalties.L2(1.0))
    assert np.isfinite(res.fun) and np.all(np.isfinite(res.beta))


@pytest.mark.parametrize("call, args, name", [
    (fit.dropout_sgd, (X, Y, 0.3), "keep"),
    (optim.centred_dropout_penalty, (X, B, B[:2], 0.3), "beta_t"),
    (summary.t_interval, ([0.1, 0.2, 0.3],), "axis"),
])
def test_messages_name_the_argument_that_is_wrong(call, args, name):
    kwargs = {"keep": [9]} if name == "keep" else {"axis": 5} if name == "axis" else {}
    with pytest.raises(ValueError, match=rf"^{name}\b"):
        call(*args, **kwargs)


def test_extreme_magnitudes_give_finite_answers_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for scale in (1e-200, 1e-9, 1e6, 1e154):
            for noise in (D(0.3), G(0.5)):
                for family in ("linear", "logistic", "poisson"):
                    r = regularizer.exact(scale * X, B, noise, family)
                    q = regularizer.quadratic(scale * X, B, noise, family)
                    assert r >= 0 and q >= 0 and not np.isnan(r) and not np.isnan(q), (scale, noise, family)
        assert np.all(np.isfinite(data.normalize_columns(1e200 * X)[0]))
