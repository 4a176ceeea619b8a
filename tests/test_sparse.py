"""Sparse designs (issue 13): every function that takes a sparse design gives the dense path's numbers.

Property tests draw random sparse designs in every SciPy format, as matrices and as
arrays, with explicit zeros, duplicate entries (COO and non-canonical CSR), empty
rows and empty columns, and compare each function on the sparse design with the
same function on ``X.toarray()``. Bad input is checked at the end: NaN and infinity
among the stored values, integer and boolean dtypes, shapes that disagree, complex
values, and the functions that need a dense design.
"""
from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from noising import Dropout, Gaussian, data, fisher, fit, moments, optim, penalties, regularizer, semisup, taylor
from noising._validate import check_design

FORMATS = ["csr", "csc", "coo", "lil", "dok", "bsr", "dia", "raw-csr"]
FAMILIES = ["logistic", "linear", "poisson"]
RTOL = 1e-12


def _sparse(D, fmt, *, kind="array", explicit_zeros=0, duplicates=False, rng=None):
    """``D`` as a sparse design of format ``fmt`` (``raw-csr``: CSR with duplicate, unsorted indices)."""
    rng = np.random.default_rng(0) if rng is None else rng
    rows, cols = np.nonzero(D)
    vals = D[rows, cols]
    if duplicates and vals.size:  # each value stored as two halves (exact: v/2 + v/2 == v)
        rows, cols, vals = np.tile(rows, 2), np.tile(cols, 2), np.tile(vals / 2, 2)
    if explicit_zeros:
        zr, zc = np.nonzero(D == 0)
        pick = rng.permutation(zr.size)[:explicit_zeros]
        rows, cols = np.concatenate([rows, zr[pick]]), np.concatenate([cols, zc[pick]])
        vals = np.concatenate([vals, np.zeros(pick.size)])
    order = rng.permutation(vals.size)
    rows, cols, vals = rows[order], cols[order], vals[order]
    if fmt == "raw-csr":  # row-sorted but column-unsorted, possibly duplicated: not canonical
        by_row = np.argsort(rows, kind="stable")
        indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=D.shape[0]))])
        ctor = sp.csr_array if kind == "array" else sp.csr_matrix
        return ctor((vals[by_row], cols[by_row], indptr), shape=D.shape)
    ctor = sp.coo_array if kind == "array" else sp.coo_matrix
    A = ctor((vals, (rows, cols)), shape=D.shape)
    return A if fmt == "coo" else A.asformat(fmt)


@st.composite
def designs(draw, max_n=12, max_d=7, scale=1.0):
    """A dense design with some zero rows and columns, and a sparse copy of it in a random format."""
    n = draw(st.integers(1, max_n))
    d = draw(st.integers(1, max_d))
    seed = draw(st.integers(0, 2**32 - 1))
    density = draw(st.sampled_from([0.0, 0.1, 0.3, 0.6, 1.0]))
    rng = np.random.default_rng(seed)
    D = np.where(rng.random((n, d)) < density, rng.standard_normal((n, d)) * scale, 0.0)
    if n > 1 and draw(st.booleans()):
        D[rng.integers(n)] = 0.0  # an empty row
    if d > 1 and draw(st.booleans()):
        D[:, rng.integers(d)] = 0.0  # an empty column
    fmt = draw(st.sampled_from(FORMATS))
    kind = draw(st.sampled_from(["array", "matrix"]))
    S = _sparse(D, fmt, kind=kind, explicit_zeros=draw(st.integers(0, 3)),
                duplicates=draw(st.booleans()), rng=rng)
    beta = rng.standard_normal(d)
    y = (rng.random(n) < 0.5).astype(float)
    return D, S, beta, y


def _labels(y, family):
    return y if family != "linear" else 2.0 * y - 0.5


def _close(a, b, rtol=RTOL):
    """Equal to ``rtol`` relative to the largest entry (so tiny entries of a big vector may differ in ulps)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    scale = max(1.0, float(np.max(np.abs(b), initial=0.0)))
    np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol * scale)


# ------------------------------------------------------------------ conversion
@settings(max_examples=80, deadline=None)
@given(designs())
def test_check_design_converts_every_format_once_to_canonical_float_csr(case):
    D, S, _, _ = case
    before = S.copy()
    out = check_design(S, accept_sparse="csr")
    assert isinstance(out, sp.csr_array) and out.dtype == np.float64 and out.has_canonical_format
    np.testing.assert_array_equal(out.toarray(), D)
    # the caller's matrix is untouched (duplicates summed on a copy)
    assert type(S) is type(before)
    np.testing.assert_array_equal(S.toarray(), before.toarray())
    if hasattr(S, "data") and not isinstance(S.data, list):
        np.testing.assert_array_equal(np.asarray(S.data), np.asarray(before.data))
    assert isinstance(check_design(S, accept_sparse="csc"), sp.csc_array)


@pytest.mark.parametrize("dtype", [bool, np.int8, np.int64, np.uint16, np.float32])
def test_integer_and_boolean_sparse_designs_become_float(dtype):
    D = np.array([[1, 0, 2], [0, 0, 1]]).astype(dtype)
    out = check_design(sp.csr_matrix(D), accept_sparse="csr")
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out.toarray(), D.astype(float))
    beta = np.array([0.3, -0.2, 0.5])
    pen_s = penalties.DropoutPenalty(sp.csr_matrix(D), 0.4).value_and_grad(beta)
    pen_d = penalties.DropoutPenalty(D.astype(float), 0.4).value_and_grad(beta)
    _close(pen_s[0], pen_d[0])
    _close(pen_s[1], pen_d[1])


# ------------------------------------------------------------------ penalties
@settings(max_examples=80, deadline=None)
@given(designs(), st.sampled_from(FAMILIES), st.floats(0.0, 0.9), st.floats(0.0, 3.0),
       st.sampled_from([None, [0], [-1]]))
def test_dropout_penalty_sparse_equals_dense(case, family, delta, lam, unpenalized):
    D, S, beta, _ = case
    vs, gs = penalties.DropoutPenalty(S, delta, lam, family, unpenalized).value_and_grad(beta)
    vd, gd = penalties.DropoutPenalty(D, delta, lam, family, unpenalized).value_and_grad(beta)
    _close(vs, vd)
    _close(gs, gd)
    ds = penalties.DropoutPenalty(S, delta, lam, family, unpenalized).diag_fisher(beta)
    _close(ds, penalties.DropoutPenalty(D, delta, lam, family, unpenalized).diag_fisher(beta))


@settings(max_examples=60, deadline=None)
@given(designs(), st.sampled_from(FAMILIES), st.sampled_from([Dropout(0.3), Dropout(0.0), Gaussian(0.7)]))
def test_noising_penalty_and_quadratic_sparse_equal_dense(case, family, noise):
    D, S, beta, _ = case
    vs, gs = penalties.NoisingPenalty(S, noise, family, lam=2.0).value_and_grad(beta)
    vd, gd = penalties.NoisingPenalty(D, noise, family, lam=2.0).value_and_grad(beta)
    _close(vs, vd)
    _close(gs, gd)
    _close(regularizer.quadratic(S, beta, noise, family, per_example=True),
           regularizer.quadratic(D, beta, noise, family, per_example=True))
    _close(regularizer.quadratic(S, beta, noise, family), regularizer.quadratic(D, beta, noise, family))
    _close(regularizer.quadratic_gradient(S, beta, noise, family),
           regularizer.quadratic_gradient(D, beta, noise, family))
    _close(noise.variance(S, beta), noise.variance(D, beta))


def test_a_one_dimensional_sparse_array_is_one_example():
    x = np.array([0.0, 1.5, 0.0, -2.0])
    beta = np.array([1.0, 0.5, 2.0, -0.3])
    got = regularizer.quadratic(sp.coo_array(x), beta, Dropout(0.5))
    assert got == pytest.approx(regularizer.quadratic(x, beta, Dropout(0.5)), rel=RTOL)


# ------------------------------------------------------------------ likelihood, fisher, predictions
@settings(max_examples=60, deadline=None)
@given(designs(), st.sampled_from(FAMILIES))
def test_likelihood_fisher_and_predictions_sparse_equal_dense(case, family):
    D, S, beta, y = case
    y = _labels(y, family)
    (vs, gs), (vd, gd) = fit.nll(S, y, beta, family), fit.nll(D, y, beta, family)
    _close(vs, vd)
    _close(gs, gd)
    _close(fit.predict_mean(S, beta, family), fit.predict_mean(D, beta, family))
    _close(fisher.diag_fisher(S, beta, family), fisher.diag_fisher(D, beta, family))
    w = np.arange(1.0, D.shape[0] + 1)
    _close(fisher.diag_fisher(S, beta, family, weights=w), fisher.diag_fisher(D, beta, family, weights=w))
    _close(fisher.fisher_information(S, beta, family), fisher.fisher_information(D, beta, family))
    _close(fisher.score_covariance(S, y, beta, family), fisher.score_covariance(D, y, beta, family))
    z = D @ beta
    clear = np.abs(z) > 1e-9  # away from the decision boundary the predicted labels agree exactly
    if family == "logistic" and clear.all():
        assert fit.accuracy(S, y, beta) == fit.accuracy(D, y, beta)


# ------------------------------------------------------------------ fits
@settings(max_examples=30, deadline=None)
@given(designs(max_n=30, max_d=6), st.sampled_from(FAMILIES), st.floats(0.1, 0.8))
def test_fit_glm_sparse_equals_dense(case, family, delta):
    D, S, _, y = case
    y = _labels(y, family)
    for make in (lambda X: penalties.DropoutPenalty(X, delta, family=family) + penalties.L2(1.0),
                 lambda X: penalties.L2(0.5),
                 lambda X: penalties.NoisingPenalty(X, Dropout(delta), family) + penalties.L2(1.0)):
        rs = fit.fit_glm(S, y, make(S), family, tol=1e-10)
        rd = fit.fit_glm(D, y, make(D), family, tol=1e-10)
        # (whether L-BFGS-B's line search reaches tol * n exactly may differ in the last ulp: compare numbers)
        np.testing.assert_allclose(rs.beta, rd.beta, rtol=1e-6, atol=1e-7)
        assert rs.fun == pytest.approx(rd.fun, rel=1e-9, abs=1e-12)


@settings(max_examples=25, deadline=None)
@given(designs(max_n=20, max_d=5), designs(max_n=20, max_d=5), st.floats(0.1, 0.8), st.floats(0.0, 3.0))
def test_semisupervised_penalty_and_fit_sparse_equal_dense(case_x, case_z, delta, alpha):
    D, S, beta, y = case_x
    d = D.shape[1]
    Dz = np.resize(case_z[0], (case_z[0].shape[0], d))  # same columns as X
    Sz = _sparse(Dz, "csc", kind="matrix", explicit_zeros=1)
    ps = semisup.SemiSupervisedDropoutPenalty(S, Sz, delta, alpha, unpenalized=[0])
    pd = semisup.SemiSupervisedDropoutPenalty(D, Dz, delta, alpha, unpenalized=[0])
    vs, gs = ps.value_and_grad(beta)
    vd, gd = pd.value_and_grad(beta)
    _close(vs, vd)
    _close(gs, gd)
    l2 = penalties.L2(1.0)
    rs = fit.fit_glm(S, y, ps + l2, tol=1e-10)
    rd = fit.fit_glm(D, y, pd + l2, tol=1e-10)
    np.testing.assert_allclose(rs.beta, rd.beta, rtol=1e-6, atol=1e-7)
    # mixed: a sparse labelled design with a dense unlabelled one, and an empty unlabelled set
    pm = semisup.SemiSupervisedDropoutPenalty(S, Dz, delta, alpha, unpenalized=[0])
    _close(pm.value(beta), vd)
    empty = sp.csr_array((0, d))
    _close(semisup.SemiSupervisedDropoutPenalty(S, empty, delta, alpha).value(beta),
           penalties.DropoutPenalty(D, delta).value(beta))


def test_fit_semisupervised_takes_sparse_designs():
    rng = np.random.default_rng(3)
    X = sp.random_array((300, 20), density=0.2, format="csr", rng=rng)
    Z = sp.random_array((500, 20), density=0.2, format="coo", rng=rng)
    y = (rng.random(300) < fit.predict_mean(X, rng.standard_normal(20))).astype(float)
    rs = semisup.fit_semisupervised(X, y, Z, 0.5, 0.7)
    rd = semisup.fit_semisupervised(X.toarray(), y, Z.toarray(), 0.5, 0.7)
    assert rs.success and rd.success
    np.testing.assert_allclose(rs.beta, rd.beta, rtol=1e-6, atol=1e-7)


# ------------------------------------------------------------------ memory O(nnz)
def _peak_bytes(f):
    tracemalloc.start()
    try:
        f()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_wide_sparse_design_is_never_densified():
    """n x d = 50 x 400,000 would take 160 MB densely; a vector of length d takes 3.2 MB."""
    rng = np.random.default_rng(0)
    n, d = 50, 400_000
    X = sp.random_array((n, d), density=1e-4, format="coo", rng=rng)  # 2,000 stored values
    y = (rng.random(n) < 0.5).astype(float)
    beta = 0.01 * rng.standard_normal(d)
    pen = penalties.DropoutPenalty(X, 0.5)
    calls = {
        "DropoutPenalty": lambda: penalties.DropoutPenalty(X, 0.5).value_and_grad(beta),
        "NoisingPenalty": lambda: penalties.NoisingPenalty(X, Dropout(0.5)).value_and_grad(beta),
        "quadratic": lambda: regularizer.quadratic(X, beta, Dropout(0.5)),
        "quadratic_gradient": lambda: regularizer.quadratic_gradient(X, beta, Gaussian(0.5)),
        "nll": lambda: fit.nll(X, y, beta),
        "diag_fisher": lambda: fisher.diag_fisher(X, beta),
        "predict_mean": lambda: fit.predict_mean(X, beta),
        "accuracy": lambda: fit.accuracy(X, y, beta),
        "semisup": lambda: semisup.SemiSupervisedDropoutPenalty(X, X, 0.5, 1.0).value_and_grad(beta),
        "penalty call": lambda: pen.value_and_grad(beta),
    }
    for name, call in calls.items():
        peak = _peak_bytes(call)
        assert peak < 30e6, f"{name}: peak {peak / 1e6:.0f} MB, a dense copy is 160 MB"


def test_a_sparse_fit_is_never_densified():
    """20,000 x 2,000 would take 320 MB densely (L-BFGS's own memory is O(d): ~1 MB here)."""
    rng = np.random.default_rng(1)
    n, d = 20_000, 2_000
    X = sp.random_array((n, d), density=1e-3, format="csr", rng=rng)  # 40,000 stored values
    y = (rng.random(n) < 0.5).astype(float)
    peak = _peak_bytes(lambda: fit.fit_glm(X, y, penalties.DropoutPenalty(X, 0.5) + penalties.L2(1.0), max_iter=20))
    assert peak < 30e6, f"peak {peak / 1e6:.0f} MB, a dense copy is 320 MB"


# ------------------------------------------------------------------ bad input
SPARSE_CALLS = {
    "penalties.DropoutPenalty": lambda X: penalties.DropoutPenalty(X, 0.3),
    "penalties.NoisingPenalty": lambda X: penalties.NoisingPenalty(X, Dropout(0.3)),
    "regularizer.quadratic": lambda X: regularizer.quadratic(X, np.ones(3), Dropout(0.3)),
    "regularizer.quadratic_gradient": lambda X: regularizer.quadratic_gradient(X, np.ones(3), Dropout(0.3)),
    "fit.nll": lambda X: fit.nll(X, np.array([1.0, 0.0]), np.ones(3)),
    "fit.fit_glm": lambda X: fit.fit_glm(X, np.array([1.0, 0.0]), penalties.L2(1.0)),
    "fit.predict_mean": lambda X: fit.predict_mean(X, np.ones(3)),
    "fit.accuracy": lambda X: fit.accuracy(X, np.array([1.0, 0.0]), np.ones(3)),
    "fisher.diag_fisher": lambda X: fisher.diag_fisher(X, np.ones(3)),
    "fisher.fisher_information": lambda X: fisher.fisher_information(X, np.ones(3)),
    "fisher.score_covariance": lambda X: fisher.score_covariance(X, np.array([1.0, 0.0]), np.ones(3)),
    "semisup.X": lambda X: semisup.SemiSupervisedDropoutPenalty(X, np.ones((1, 3)), 0.3, 1.0),
    "semisup.Z": lambda Z: semisup.SemiSupervisedDropoutPenalty(np.ones((1, 3)), Z, 0.3, 1.0),
    "Dropout.variance": lambda X: Dropout(0.3).variance(X, np.ones(3)),
    "regularizer.monte_carlo": lambda X: regularizer.monte_carlo(X, np.ones(3), Dropout(0.3), samples=10),
    "regularizer.dropout_small_delta_slope": lambda X: regularizer.dropout_small_delta_slope(X, np.ones(3)),
    "fit.dropout_sgd": lambda X: fit.dropout_sgd(X, np.array([1.0, 0.0]), 0.3, epochs=1),
    "optim.sgd": lambda X: optim.sgd(X, np.array([1.0, 0.0]), steps=3),
    "optim.adagrad": lambda X: optim.adagrad(X, np.array([1.0, 0.0]), steps=3, delta=0.3),
    "optim.dropout_sgd_preconditioned": lambda X: optim.dropout_sgd_preconditioned(X, np.array([1.0, 0.0]), 0.3,
                                                                                  steps=3),
    "optim.dropout_statistic": lambda X: optim.dropout_statistic(X, np.ones(3)),
    "optim.per_example_gradients": lambda X: optim.per_example_gradients(X, np.array([1.0, 0.0]), np.ones(3)),
}
GOOD = np.array([[1.0, 0.0, -0.5], [0.0, 0.0, 2.0]])


def _arg_name(call):
    return "Z" if call == "semisup.Z" else "X"


@pytest.mark.parametrize("call", SPARSE_CALLS)
@pytest.mark.parametrize("fmt", ["csr", "csc", "coo"])
def test_every_sparse_call_accepts_a_good_design(call, fmt):
    SPARSE_CALLS[call](_sparse(GOOD, fmt))


@pytest.mark.parametrize("call", SPARSE_CALLS)
@pytest.mark.parametrize("fill", [np.nan, np.inf, -np.inf], ids=["nan", "inf", "-inf"])
@pytest.mark.parametrize("fmt", ["csr", "coo", "lil"])
def test_nan_and_inf_among_stored_values_are_value_errors_naming_the_design(call, fill, fmt):
    bad = GOOD.copy()
    bad[0, 2] = fill
    with pytest.raises(ValueError, match=rf"^{_arg_name(call)}\b.*NaN or infinite"):
        SPARSE_CALLS[call](_sparse(bad, fmt))


def test_duplicates_that_overflow_when_summed_are_refused():
    S = sp.coo_array(([1e308, 1e308], ([0, 0], [1, 1])), shape=(2, 3))
    with pytest.raises(ValueError, match=r"^X\b.*NaN or infinite"):
        penalties.DropoutPenalty(S, 0.3)


@pytest.mark.parametrize("call", SPARSE_CALLS)
def test_complex_sparse_designs_are_type_errors(call):
    with pytest.raises(TypeError, match=rf"^{_arg_name(call)}\b.*complex"):
        SPARSE_CALLS[call](sp.csr_array(GOOD.astype(complex) + 1j))


@pytest.mark.parametrize("call", [c for c in SPARSE_CALLS if c not in {
    "penalties.DropoutPenalty", "penalties.NoisingPenalty", "fit.fit_glm", "semisup.X", "semisup.Z",
    "fit.dropout_sgd", "optim.sgd", "optim.adagrad", "optim.dropout_sgd_preconditioned"}])
def test_beta_that_disagrees_with_a_sparse_design_is_a_value_error(call):
    wide = _sparse(np.hstack([GOOD, GOOD]), "csr")  # 6 columns, beta has 3
    with pytest.raises(ValueError, match=r"\bbeta\b.*\(6,\)"):
        SPARSE_CALLS[call](wide)


def test_penalty_and_fit_shapes_that_disagree_are_value_errors():
    S = _sparse(GOOD, "csr")
    with pytest.raises(ValueError, match=r"\bbeta\b"):
        penalties.DropoutPenalty(S, 0.3).value_and_grad(np.ones(4))
    with pytest.raises(ValueError, match=r"\bbeta0\b"):
        fit.fit_glm(S, np.array([1.0, 0.0]), beta0=np.ones(4))
    with pytest.raises(ValueError, match=r"\by\b"):
        fit.fit_glm(S, np.array([1.0, 0.0, 1.0]))
    with pytest.raises(ValueError, match=r"^Z has 2 columns but X has 3"):
        semisup.SemiSupervisedDropoutPenalty(S, sp.csr_array(np.ones((2, 2))), 0.3, 1.0)


@pytest.mark.parametrize("shape", [(0, 3), (2, 0)])
def test_empty_sparse_designs_are_value_errors(shape):
    with pytest.raises(ValueError, match=r"^X is empty"):
        penalties.DropoutPenalty(sp.csr_array(shape), 0.3)


def test_a_sparse_beta_is_a_type_error():
    with pytest.raises(TypeError, match=r"^beta\b.*dense"):
        fit.nll(_sparse(GOOD, "csr"), np.array([1.0, 0.0]), sp.csr_array(np.ones((1, 3))))


@pytest.mark.parametrize("call", [
    lambda X: regularizer.exact(X, np.ones(3), Dropout(0.3)),
    lambda X: moments.central_moments(X, np.ones(3), Dropout(0.3), 2),
    lambda X: moments.max_deviation(X, np.ones(3), Dropout(0.3)),
    lambda X: taylor.partial_sum(X, np.ones(3), Dropout(0.3), 3),
], ids=["exact", "central_moments", "max_deviation", "partial_sum"])
def test_methods_dense_by_nature_refuse_a_sparse_design_clearly(call):
    with pytest.raises(TypeError, match=r"^X is a scipy.sparse csr (array|matrix).*(enumerate|masks).*toarray\(\)"):
        call(_sparse(GOOD, "csr"))


def test_fisher_information_refuses_a_matrix_too_large_to_hold():
    X = sp.random_array((3, 20_000), density=1e-3, format="csr", rng=0)
    with pytest.raises(ValueError, match=r"d\^2 = 4e\+08 exceeds the limit.*diag_fisher"):
        fisher.fisher_information(X, np.zeros(20_000))


# ------------------------------------------------------------------ the rest of section 1
@settings(max_examples=40, deadline=None)
@given(designs(), st.sampled_from(FAMILIES),
       st.sampled_from([Dropout(0.3), Dropout([0.0, 0.2, 0.5, 0.7, 0.1, 0.3, 0.4]), Gaussian(0.6)]))
def test_monte_carlo_and_small_delta_slope_sparse_equal_dense(case, family, noise):
    D, S, beta, _ = case
    if noise == Dropout([0.0, 0.2, 0.5, 0.7, 0.1, 0.3, 0.4]):
        noise = Dropout(noise.delta[: D.shape[1]])
    a = regularizer.monte_carlo(S, beta, noise, family, samples=500, seed=3, per_example=True)
    b = regularizer.monte_carlo(D, beta, noise, family, samples=500, seed=3, per_example=True)
    _close(a, b, rtol=1e-10)  # the same draws; the deviations are summed in another order
    _close(regularizer.dropout_small_delta_slope(S, beta, family, per_example=True),
           regularizer.dropout_small_delta_slope(D, beta, family, per_example=True))


@settings(max_examples=40, deadline=None)
@given(designs())
def test_normalize_columns_sparse_equals_dense(case):
    D, S, _, _ = case
    if np.any(np.all(D == 0, axis=0)):
        for X in (D, S):
            with pytest.raises(ValueError, match="all zero"):
                data.normalize_columns(X)
        return
    Xs, ns = data.normalize_columns(S)
    Xd, nd = data.normalize_columns(D)
    assert isinstance(Xs, sp.csr_array)
    np.testing.assert_array_equal(Xs.toarray(), Xd)
    np.testing.assert_array_equal(ns, nd)


def test_dropout_sgd_on_a_sparse_design():
    rng = np.random.default_rng(4)
    D = np.where(rng.random((300, 25)) < 0.2, rng.standard_normal((300, 25)), 0.0)
    y = (rng.random(300) < 1 / (1 + np.exp(-D @ rng.standard_normal(25)))).astype(float)
    S = sp.csr_matrix(D)
    # one epoch without dropout visits the same batches in the same order: the same fit
    for l2 in (0.0, 3.0):
        a = fit.dropout_sgd(S, y, 0.0, epochs=1, l2=l2, seed=2, average=False)
        b = fit.dropout_sgd(D, y, 0.0, epochs=1, l2=l2, seed=2, average=False)
        np.testing.assert_allclose(a.beta, b.beta, rtol=1e-10, atol=1e-13)
    # with dropout the masks are drawn per stored value; the noised full-batch gradient is
    # unbiased for the clean one on either kind of design (one step from zero, many seeds)
    delta = np.linspace(0.0, 0.6, 25)
    clean = -fit.nll(D, y, np.zeros(25))[1] / 300
    for X in (S, D):
        mean = np.mean([fit.dropout_sgd(X, y, delta, epochs=1, batch_size=300, lr=1.0, seed=k,
                                        average=False).beta for k in range(300)], axis=0)
        np.testing.assert_allclose(mean, clean, atol=0.01)
