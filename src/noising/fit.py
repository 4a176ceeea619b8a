"""Fitting GLMs: L-BFGS on the penalised likelihood, dropout training by SGD, predictions.

The objective minimised by :func:`fit_glm` is the penalised negative
log-likelihood of a GLM (Wager et al., 2013, eq. 1 and Section 2)

.. math::

    F(\\beta) = \\sum_{i=1}^n \\bigl[A(x_i\\beta) - y_i\\,x_i\\beta\\bigr] + P(\\beta),

where :math:`P` is a *penalty object* of :mod:`noising.penalties` (anything with a
method ``value_and_grad(beta) -> (float, ndarray)``).

:func:`dropout_sgd` trains on sampled dropout masks instead, i.e. it minimises
the expected loss on noised features by minibatch stochastic gradient descent
with fresh masks at every step (the procedure whose regularizer the paper
approximates by :math:`R^q`).

All functions validate their input (:class:`TypeError` for a wrong type,
:class:`ValueError` for a wrong value) with a message that names the argument.
:func:`nll`, :func:`fit_glm`, :func:`predict_mean` and :func:`accuracy` accept a
``scipy.sparse`` design (any format, converted once to CSR, never densified): they
only need :math:`X\\beta` and :math:`X^\\top r`.
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import minimize

from ._linalg import _with_data, batch_rows, is_sparse
from ._validate import (
    MAX_WORK,
    check_beta,
    check_bool,
    check_count,
    check_design,
    check_design_beta,
    check_dropout_rates,
    check_indices,
    check_labels,
    check_linear_predictor,
    check_random_state,
    check_scalar,
)
from .families import get_family
from .penalties import _fast

__all__ = ["FitResult", "nll", "fit_glm", "dropout_sgd", "predict_mean", "accuracy"]

#: Names that moved to :mod:`noising.penalties` and :mod:`noising.fisher`; still reachable
#: here (with a :class:`DeprecationWarning`) until every branch imports them from there.
_MOVED = {
    "Penalty": "penalties",
    "L2": "penalties",
    "DropoutPenalty": "penalties",
    "NoisingPenalty": "penalties",
    "fisher_information": "fisher",
    "score_covariance": "fisher",
}


def __getattr__(name):
    if name in _MOVED:
        import importlib

        where = _MOVED[name]
        warnings.warn(
            f"noising.fit.{name} moved to noising.{where}.{name}; import it from there.",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(importlib.import_module(f"noising.{where}"), name)
    raise AttributeError(f"module 'noising.fit' has no attribute {name!r}")



# ----------------------------------------------------------------------------- likelihood
def nll(X, y, beta, family="logistic"):
    """Negative log-likelihood of a GLM and its gradient (Wager et al., 2013, eq. 1).

    .. math::

        \\ell(\\beta) = \\sum_i A(x_i\\beta) - y_i x_i\\beta, \\qquad
        \\nabla\\ell(\\beta) = X^\\top\\bigl(A'(X\\beta) - y\\bigr),

    dropping the :math:`\\log h(y)` term, which does not depend on :math:`\\beta`.

    Parameters
    ----------
    X : array_like or scipy.sparse matrix, shape (n, d)
        Design; sparse input is accepted.
    y : array_like, shape (n,)
        Responses (labels in {0, 1} for logistic, counts for Poisson).
    beta : array_like, shape (d,)
    family : {"logistic", "linear", "poisson"}

    Returns
    -------
    value : float
    grad : ndarray, shape (d,)
    """
    X, beta = check_design_beta(X, beta, accept_sparse="csr")
    fam = get_family(family)
    y = check_labels(y, X.shape[0], fam)
    z = check_linear_predictor(X @ beta)
    return _loss(fam, z, y), X.T @ (fam.A1(z) - y)


def _loss(fam, z, y):
    """:math:`\\sum_i A(z_i) - y_i z_i`, with the logistic form that cannot give ``inf - inf``."""
    with np.errstate(over="ignore"):
        if fam.name == "logistic":  # softplus(z) - y z = softplus(-z) for y = 1, softplus(z) for y = 0
            return float(np.sum(fam.A(np.where(y == 1, -z, z))))
        return float(np.sum(fam.A(z) - y * z))


_CONTROLLER = None
#: Fresh L-BFGS-B runs fit_glm starts from where the previous one stopped short of ``tol``.
_RESTARTS = 2


def _single_threaded_blas():
    """Context limiting BLAS to one thread during L-BFGS (no-op without threadpoolctl).

    L-BFGS-B makes many BLAS calls on tiny arrays; with a multi-threaded
    OpenBLAS on a busy machine each call pays thread synchronisation, which
    was measured to slow a 31-feature fit down about forty-fold.
    """
    global _CONTROLLER
    if _CONTROLLER is None:
        try:
            from threadpoolctl import ThreadpoolController
        except ImportError:  # pragma: no cover - threadpoolctl ships with scikit-learn
            _CONTROLLER = False
        else:
            _CONTROLLER = ThreadpoolController()  # library discovery, done once
    if _CONTROLLER is False:  # pragma: no cover
        from contextlib import nullcontext

        return nullcontext()
    return _CONTROLLER.limit(limits=1, user_api="blas")


@dataclass
class FitResult:
    """Result of :func:`fit_glm` or :func:`dropout_sgd`.

    Attributes
    ----------
    beta : ndarray, shape (d,)
        Fitted weights.
    fun : float
        Objective at ``beta`` (penalised negative log-likelihood for
        :func:`fit_glm`; the clean, un-noised negative log-likelihood for
        :func:`dropout_sgd`).
    success : bool
        Whether the stated criterion holds at ``beta``: for :func:`fit_glm`, a finite
        objective with :math:`\\max_j|\\partial_j F(\\beta)| \\le` ``tol`` :math:`\\cdot\\max(1, n)`
        (measured, not taken from the optimiser's own report); ``message`` says which
        criterion held or failed and why.
    n_iter : int
        Iterations (L-BFGS) or SGD steps.
    message : str
    grad_norm : float
        Max-norm of the objective's gradient at ``beta`` (``nan`` for SGD).
    """

    beta: np.ndarray
    fun: float
    success: bool
    n_iter: int
    message: str = ""
    grad_norm: float = float("nan")
    history: list = field(default_factory=list, repr=False)


def fit_glm(X, y, penalty=None, family="logistic", beta0=None, *, tol=1e-8, max_iter=2000):
    """Minimise the penalised GLM negative log-likelihood with L-BFGS.

    Minimises :math:`\\sum_i [A(x_i\\beta) - y_i x_i\\beta] + P(\\beta)` with
    ``scipy.optimize.minimize(method="L-BFGS-B")`` and analytic gradients.

    Parameters
    ----------
    X : array_like or scipy.sparse matrix, shape (n, d)
        Design; a sparse one (any format) is converted once to CSR and never densified.
    y : array_like, shape (n,)
    penalty : object with ``value_and_grad(beta)``, optional
        E.g. :class:`~noising.penalties.L2`, :class:`~noising.penalties.DropoutPenalty`, or a sum of penalties.
        ``None`` fits the unpenalised maximum-likelihood estimate.
    family : {"logistic", "linear", "poisson"}
    beta0 : array_like, shape (d,), optional
        Starting point (zeros by default); use random starts to probe for
        several local optima of a non-convex objective.
    tol : float
        Stopping criterion: the max-norm of the gradient of the objective,
        :math:`\\max_j |\\partial_j F(\\beta)|`, at most ``tol * max(1, n)`` (the loss is a
        sum over ``n`` examples). L-BFGS-B also stops when :math:`F` no longer decreases
        in floating point; the fit is then restarted from there (at most twice), and if
        the criterion still fails the result says so (``success=False``).
    max_iter : int
        Limit on the L-BFGS iterations, over all restarts.

    Returns
    -------
    FitResult
        ``success`` is True exactly when the criterion above holds at ``beta``;
        ``grad_norm`` is the measured max-norm of the gradient.

    Raises
    ------
    TypeError
        For arguments of the wrong type, or a penalty without ``value_and_grad``.
    ValueError
        For bad shapes, NaN/inf, labels outside the family's support,
        non-positive ``tol``/``max_iter``, or a loss that is not finite at the
        fitted weights (a design scaled beyond the float range).

    Examples
    --------
    >>> from noising.penalties import L2
    >>> res = fit_glm([[1.0], [2.0]], [1.0, 2.0], L2(1.0), family="linear")
    >>> round(float(res.beta[0]), 6)  # (x^T y) / (x^T x + lam) = 5 / 6
    0.833333
    """
    fam = get_family(family)
    X = check_design(X, accept_sparse="csr")
    n, d = X.shape
    y = check_labels(y, n, fam)
    beta0 = np.zeros(d) if beta0 is None else check_beta(beta0, d, "beta0")
    if penalty is not None and not callable(getattr(penalty, "value_and_grad", None)):
        raise TypeError(
            f"penalty must have a value_and_grad(beta) method (e.g. noising.penalties.L2(lam)), got {penalty!r}."
        )
    tol = check_scalar(tol, "tol", min=0, include_min=False)
    max_iter = check_count(max_iter, "max_iter", max=10**7, hint="L-BFGS converges in far fewer iterations")

    penalty_vg = None if penalty is None else _fast(penalty)
    if penalty is not None:
        penalty.value_and_grad(beta0)  # one checked call: shapes and indices agree

    def objective(beta):
        z = X @ beta
        v = _loss(fam, z, y)
        g = X.T @ (fam.A1(z) - y)
        if penalty is not None:
            pv, pg = penalty_vg(beta)
            v += pv
            g = g + pg
        return v, g

    gtol = tol * max(1.0, float(n))
    beta, n_iter, rounds = beta0, 0, 0
    with _single_threaded_blas(), np.errstate(over="ignore", invalid="ignore"):
        while True:
            res = minimize(
                objective,
                beta,
                jac=True,
                method="L-BFGS-B",
                options={"maxiter": max_iter - n_iter, "gtol": gtol, "ftol": 1e-15, "maxcor": 20},
            )
            n_iter += int(res.nit)
            rounds += 1
            fun, g = objective(res.x)
            finite = np.isfinite(fun) and np.all(np.isfinite(g)) and np.all(np.isfinite(res.x))
            grad_norm = float(np.max(np.abs(g))) if finite else math.nan
            # L-BFGS-B also stops when F no longer decreases in floating point (its ftol test) or
            # a line search fails; a fresh start from there (new curvature memory) often goes on.
            if not finite or grad_norm <= gtol or n_iter >= max_iter or res.nit == 0 or rounds > _RESTARTS:
                break
            beta = res.x
    if not finite:
        raise ValueError(
            "the penalised loss or its gradient is not finite at the fitted weights; "
            "standardise the columns of X (or lower the penalty's scale)."
        )
    success = grad_norm <= gtol
    criterion = f"max |gradient| = {grad_norm:.3g} {'<=' if success else '>'} tol * max(1, n) = {gtol:.3g}"
    if success:
        message = f"converged: {criterion} (L-BFGS-B: {res.message})"
    else:
        why = (
            f"the iteration limit max_iter = {max_iter} was reached" if n_iter >= max_iter
            else "the objective no longer decreases in floating point; this gradient is about the "
            "smallest L-BFGS can reach here, so a larger tol is the attainable one"
        )
        message = f"not converged: {criterion}; {why} (L-BFGS-B: {res.message}; {rounds} run(s))"
    return FitResult(
        beta=np.asarray(res.x, dtype=float),
        fun=float(fun),
        success=bool(success),
        n_iter=n_iter,
        message=message,
        grad_norm=grad_norm,
    )


def dropout_sgd(
    X,
    y,
    delta,
    family="logistic",
    *,
    lr=0.1,
    epochs=50,
    batch_size=32,
    l2=0.0,
    keep=None,
    beta0=None,
    average=True,
    seed=0,
):
    """Dropout training: minibatch SGD on freshly sampled dropout masks.

    Minimises the expected noised loss (Wager et al., 2013, eq. 1)

    .. math::

        \\frac1n\\sum_i \\mathbb{E}_\\xi\\bigl[A(\\tilde x_i\\beta) - y_i\\tilde x_i\\beta\\bigr]
        + \\frac{\\text{l2}}{2n}\\lVert\\beta\\rVert^2,
        \\qquad \\tilde x_i = x_i\\odot\\xi_i/(1-\\delta),

    by drawing a new mask :math:`\\xi_i` for every example at every step. The
    step size decays as :math:`\\eta_t = \\text{lr}/\\sqrt{1 + t/T_{\\text{epoch}}}`
    and, with ``average=True``, the returned weights are the average of the
    iterates over the second half of training (Polyak-Ruppert averaging), which
    removes most of the noise of the last iterate.

    Parameters
    ----------
    X : array_like or scipy.sparse matrix, shape (n, d)
        Design. A sparse one (any format, converted once to CSR) is noised through its
        stored values only (one mask entry per stored value per epoch, so the random
        stream differs from that of its dense copy), and a step updates only the
        columns its batch touches (all of them when ``l2 > 0``).
    y : array_like, shape (n,)
    delta : float or array_like of shape (d,)
        Dropout probability, ``0 <= delta < 1`` (0 gives plain SGD), or one per feature.
    family : {"logistic", "linear", "poisson"}
    lr : float
        Initial step size (> 0), applied to the per-example mean gradient.
    epochs : int
        Passes over the data (>= 1).
    batch_size : int
        Examples per step (>= 1; capped at ``n``).
    l2 : float
        Optional extra ridge strength on the summed loss scale (>= 0).
    keep : sequence of int, optional
        Columns that are never dropped (an intercept column, say).
    beta0 : array_like, shape (d,), optional
    average : bool
        Return the averaged iterate (default) or the last one.
    seed : int or numpy.random.Generator
        Seed of the shuffles and masks; the same seed gives the same fit.

    Returns
    -------
    FitResult
        ``fun`` is the clean (un-noised) negative log-likelihood at ``beta``.

    Raises
    ------
    TypeError
        For arguments of the wrong type.
    ValueError
        For bad shapes or values, ``epochs * n * d`` above ``MAX_WORK`` (:math:`10^9`),
        or a run that diverges or ends with a non-finite loss.
    """
    fam = get_family(family)
    X = check_design(X, accept_sparse="csr")
    n, d = X.shape
    sparse = is_sparse(X)
    y = check_labels(y, n, fam)
    delta = check_dropout_rates(delta, "delta", d=d, hint="delta = 1 would drop every feature")
    lr = check_scalar(lr, "lr", min=0, include_min=False)
    batch_size = min(check_count(batch_size, "batch_size"), n)
    if sparse:
        per_epoch, what = X.nnz + -(-n // batch_size) * d, "(nnz + d * steps per epoch)"
    else:
        per_epoch, what = n * d, "(n * d)"
    epochs = check_count(
        epochs, "epochs", max=max(1, MAX_WORK // per_epoch),
        hint=f"the limit is MAX_WORK / {what} for this {n} x {d} design; use fewer epochs",
    )
    l2 = check_scalar(l2, "l2", min=0, hint="use 0 for no extra ridge")
    droppable = check_indices(keep, d, "keep")
    beta = np.zeros(d) if beta0 is None else check_beta(beta0, d, "beta0").copy()
    average = check_bool(average, "average")
    rng = check_random_state(seed)

    steps_per_epoch = -(-n // batch_size)
    total = epochs * steps_per_epoch
    start_avg = total // 2
    avg = np.zeros(d)
    n_avg = 0
    scale = 1.0 / (1.0 - delta)
    t = 0
    diverged = False
    factor = np.where(droppable, scale, 1.0)
    for _ in range(epochs):
        if diverged:
            break
        perm = rng.permutation(n)
        if sparse:  # one mask per stored value per epoch: the zeros have nothing to drop
            stored_rate = delta[X.indices] if np.ndim(delta) else delta
            kept = (rng.random(X.nnz) >= stored_rate) | ~droppable[X.indices]
            Xn = _with_data(X, X.data * kept * factor[X.indices])
        else:
            # one mask matrix per epoch, drawn at once (vectorised)
            keep_mask = (rng.random((n, d)) >= delta) | ~droppable
        for s in range(0, n, batch_size):
            idx = perm[s : s + batch_size]
            with np.errstate(over="ignore", invalid="ignore"):
                step = lr / math.sqrt(1.0 + t / steps_per_epoch)
                if sparse:  # only the columns the batch touches move (plus every one under l2)
                    Xb, cols = batch_rows(Xn, idx)
                    b = beta[cols]
                    gb = Xb.T @ (fam.A1(Xb @ b) - y[idx]) / idx.size
                    if l2 > 0:
                        g = (l2 / n) * beta
                        g[cols] += gb
                        beta = beta - step * g
                    else:
                        beta[cols] = b - step * gb
                else:
                    Xb = X[idx] * keep_mask[idx] * factor
                    g = Xb.T @ (fam.A1(Xb @ beta) - y[idx]) / idx.size + (l2 / n) * beta
                    beta = beta - lr / math.sqrt(1.0 + t / steps_per_epoch) * g
            t += 1
            if not np.all(np.isfinite(beta)):
                diverged = True
                break
            if t > start_avg:
                avg += beta
                n_avg += 1
    if not np.all(np.isfinite(beta)):
        raise ValueError("dropout SGD diverged (non-finite weights); lower lr or standardise the features.")
    out = avg / n_avg if (average and n_avg) else beta
    with np.errstate(over="ignore", invalid="ignore"):
        z = X @ out
        fun = _loss(fam, z, y) if np.all(np.isfinite(z)) else math.nan
    if not np.isfinite(fun):
        raise ValueError(
            "dropout SGD ended with a loss that is not finite (X @ beta overflows); "
            "standardise the columns of X or lower lr."
        )
    return FitResult(
        beta=out,
        fun=fun,
        success=True,
        n_iter=t,
        message=f"{epochs} epochs of dropout SGD (delta={delta if np.ndim(delta) == 0 else 'per-feature'}, "
        f"batch={batch_size})",
    )


def predict_mean(X, beta, family="logistic"):
    """Predicted mean :math:`A'(x_i\\beta)` (probabilities for logistic regression).

    ``X`` may be a ``scipy.sparse`` matrix (any format).

    Examples
    --------
    >>> predict_mean([[0.0, 1.0]], [3.0, 0.0]).tolist()
    [0.5]
    """
    X, beta = check_design_beta(X, beta, accept_sparse="csr")
    return get_family(family).A1(check_linear_predictor(X @ beta))


def accuracy(X, y, beta):
    """Classification accuracy of the logistic rule :math:`\\hat y = 1\\{x\\beta > 0\\}`.

    Parameters
    ----------
    X : array_like or scipy.sparse matrix, shape (n, d)
    y : array_like, shape (n,), labels in {0, 1}
    beta : array_like, shape (d,)

    Returns
    -------
    float
        Fraction of correct predictions.
    """
    X, beta = check_design_beta(X, beta, accept_sparse="csr")
    y = check_labels(y, X.shape[0], get_family("logistic"))
    return float(np.mean((check_linear_predictor(X @ beta) > 0) == (y == 1)))
