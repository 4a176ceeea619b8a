"""Fitting GLMs with a penalty: L-BFGS on the penalised likelihood, and dropout training by SGD.

The objective minimised by :func:`fit_glm` is the penalised negative
log-likelihood of a GLM (Wager et al., 2013, eq. 1 and Section 2)

.. math::

    F(\\beta) = \\sum_{i=1}^n \\bigl[A(x_i\\beta) - y_i\\,x_i\\beta\\bigr] + P(\\beta),

where :math:`P` is a *penalty object*: anything with a method
``value_and_grad(beta) -> (float, ndarray)``. This module provides

* :class:`L2`: :math:`P(\\beta) = \\tfrac{\\lambda}{2}\\lVert\\beta\\rVert_2^2`;
* :class:`DropoutPenalty`: :math:`\\lambda R^q(\\beta)`, the quadratic dropout
  regularizer (Wager et al., 2013, eq. 2 with Table 1's dropout row)

  .. math::

      R^q(\\beta) = \\frac{\\delta}{2(1-\\delta)}\\sum_i A''(x_i\\beta)\\sum_j x_{ij}^2\\beta_j^2
      = \\frac{\\delta}{2(1-\\delta)}\\,\\beta^\\top\\diag(X^\\top V(\\beta) X)\\beta,

  computed on a design ``X`` given at construction, which need not be the
  labelled training design (for example unlabelled data, Section 4 of the paper);
* :class:`NoisingPenalty`: :math:`\\lambda R^q(\\beta)` for any noise of
  :mod:`noising.noise` (dropout or additive Gaussian);
* sums and non-negative multiples of penalties (``p1 + p2``, ``0.5 * p``).

:func:`dropout_sgd` trains on sampled dropout masks instead, i.e. it minimises
the expected loss on noised features by minibatch stochastic gradient descent
with fresh masks at every step (the procedure whose regularizer the paper
approximates by :math:`R^q`).

All functions validate their input and raise :class:`ValueError` with a
message that says what to do instead.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import minimize

from ._validate import as_design, finite, labels, positive_int
from .families import get_family
from .noise import Dropout, Gaussian, check_noise

__all__ = [
    "Penalty",
    "L2",
    "DropoutPenalty",
    "NoisingPenalty",
    "FitResult",
    "nll",
    "fit_glm",
    "dropout_sgd",
    "fisher_information",
    "score_covariance",
    "predict_mean",
    "accuracy",
]


# ----------------------------------------------------------------------------- checks
def _nonneg(value, name):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be a non-negative number, got {value!r}.")
    if not (math.isfinite(value) and value >= 0):
        raise ValueError(f"{name} must be finite and >= 0, got {value}; use 0 for no penalty.")
    return float(value)


def _positive(value, name):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be a positive number, got {value!r}.")
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be finite and > 0, got {value}.")
    return float(value)


def _delta(delta):
    return Dropout(delta).delta  # reuses the core's check and message


def _unpenalized_mask(unpenalized, d):
    """Boolean mask of length ``d``: True for the columns that are penalised."""
    mask = np.ones(d, dtype=bool)
    if unpenalized is None:
        return mask
    idx = np.atleast_1d(np.asarray(unpenalized))
    if idx.size == 0:
        return mask
    if not np.issubdtype(idx.dtype, np.integer):
        raise ValueError(
            f"unpenalized must be a sequence of integer column indices, got {unpenalized!r}; "
            "for an intercept in column 0 pass unpenalized=[0]."
        )
    if idx.ndim != 1 or np.any(idx < -d) or np.any(idx >= d):
        raise ValueError(f"unpenalized indices must lie in [-{d}, {d}) for {d} features, got {unpenalized!r}.")
    mask[idx] = False
    return mask


def _check_beta(beta, d, name="beta"):
    beta = np.asarray(beta, dtype=float)
    if beta.shape != (d,):
        raise ValueError(f"{name} must have shape ({d},) to match the design's {d} columns, got shape {beta.shape}.")
    finite(beta, name)
    return beta


# ----------------------------------------------------------------------------- penalties
class Penalty:
    """Base class of penalties: ``value_and_grad(beta) -> (float, ndarray)``.

    Penalties can be added (``p + q``) and multiplied by a non-negative number
    (``c * p``); the result is again a penalty. Any object with a
    ``value_and_grad`` method can be passed to :func:`fit_glm`; deriving from
    this class only adds the arithmetic.
    """

    def value_and_grad(self, beta):  # pragma: no cover - abstract
        raise NotImplementedError

    def value(self, beta):
        """The penalty's value at ``beta``."""
        return self.value_and_grad(beta)[0]

    def grad(self, beta):
        """The penalty's gradient at ``beta``."""
        return self.value_and_grad(beta)[1]

    def __add__(self, other):
        if not hasattr(other, "value_and_grad"):
            return NotImplemented
        return _Sum((self, other))

    def __radd__(self, other):
        if other == 0:  # so that sum([p, q]) works
            return self
        return NotImplemented

    def __mul__(self, c):
        return _Scaled(self, _nonneg(c, "penalty multiplier"))

    __rmul__ = __mul__


def _fast(penalty):
    """The penalty's value-and-gradient without input checks, if it offers one.

    :func:`fit_glm` checks its inputs once; inside the optimiser the iterates are
    finite arrays of the right shape, so the per-call checks are skipped.
    """
    return getattr(penalty, "_value_and_grad_unchecked", penalty.value_and_grad)


class _Sum(Penalty):
    def __init__(self, parts):
        self.parts = tuple(parts)

    def value_and_grad(self, beta):
        return self._combine(beta, checked=True)

    def _value_and_grad_unchecked(self, beta):
        return self._combine(beta, checked=False)

    def _combine(self, beta, checked):
        total, grad = 0.0, 0.0
        for p in self.parts:
            v, g = p.value_and_grad(beta) if checked else _fast(p)(beta)
            total += v
            grad = grad + g
        return float(total), np.asarray(grad, dtype=float)

    def __repr__(self):
        return " + ".join(map(repr, self.parts))


class _Scaled(Penalty):
    def __init__(self, penalty, c):
        self.penalty, self.c = penalty, c

    def value_and_grad(self, beta):
        v, g = self.penalty.value_and_grad(beta)
        return self.c * v, self.c * np.asarray(g, dtype=float)

    def _value_and_grad_unchecked(self, beta):
        v, g = _fast(self.penalty)(beta)
        return self.c * v, self.c * np.asarray(g, dtype=float)

    def __repr__(self):
        return f"{self.c!r} * {self.penalty!r}"


class L2(Penalty):
    """Ridge penalty :math:`P(\\beta) = \\tfrac{\\lambda}{2}\\sum_{j\\notin U} w_j\\beta_j^2` (Table 1, first row).

    With the default weights :math:`w_j = 1` this is the spherical :math:`L_2`
    penalty :math:`\\tfrac{\\lambda}{2}\\lVert\\beta\\rVert_2^2`; with
    :math:`w = \\diag(X^\\top V(\\beta^*) X)` it is the fixed-curvature form of
    the dropout penalty, an :math:`L_2` penalty after scaling by the diagonal
    Fisher information (Wager et al., 2013, Section 3).

    Parameters
    ----------
    lam : float
        Strength :math:`\\lambda \\ge 0`.
    unpenalized : sequence of int, optional
        Columns :math:`U` left out of the penalty (an intercept column, say).
    weights : array_like, shape (d,), optional
        Non-negative per-coordinate weights :math:`w_j` (all ones by default).

    Raises
    ------
    ValueError
        If ``lam`` is negative, NaN or infinite, an index is not an integer,
        or a weight is negative, NaN or of the wrong shape.
    """

    def __init__(self, lam, unpenalized=None, weights=None):
        self.lam = _nonneg(lam, "lam")
        self.unpenalized = unpenalized
        if weights is not None:
            weights = np.asarray(weights, dtype=float)
            if weights.ndim != 1:
                raise ValueError(f"weights must be a 1-D array of shape (d,), got shape {weights.shape}.")
            finite(weights, "weights")
            if np.any(weights < 0):
                raise ValueError("weights must be >= 0; a negative weight would reward large coefficients.")
        self.weights = weights
        if unpenalized is not None:
            idx = np.atleast_1d(np.asarray(unpenalized))
            if idx.size and not np.issubdtype(idx.dtype, np.integer):
                raise ValueError(
                    f"unpenalized must be integer column indices, got {unpenalized!r}; "
                    "for an intercept in column 0 pass unpenalized=[0]."
                )

    def value_and_grad(self, beta):
        beta = np.asarray(beta, dtype=float)
        if beta.ndim != 1:
            raise ValueError(f"beta must be a 1-D vector, got shape {beta.shape}.")
        finite(beta, "beta")
        if self.weights is not None and self.weights.shape != beta.shape:
            raise ValueError(
                f"weights have shape {self.weights.shape} but beta has shape {beta.shape}; they must agree."
            )
        _unpenalized_mask(self.unpenalized, beta.shape[0])  # validates the indices
        return self._value_and_grad_unchecked(beta)

    def _value_and_grad_unchecked(self, beta):
        if self.unpenalized is not None:
            w = beta * _unpenalized_mask(self.unpenalized, beta.shape[0])
        else:
            w = beta
        if self.weights is not None:
            gw = self.weights * w
            return 0.5 * self.lam * float(w @ gw), self.lam * gw
        return 0.5 * self.lam * float(w @ w), self.lam * w

    def __repr__(self):
        return f"L2(lam={self.lam!r})"


class NoisingPenalty(Penalty):
    """:math:`\\lambda R^q(\\beta)` for a noise model on a fixed design (Wager et al., 2013, eq. 2).

    .. math::

        R^q(\\beta) = \\sum_i \\tfrac12 A''(x_i\\beta)\\operatorname{Var}_\\xi[\\tilde x_i\\beta],

    with the gradient of :func:`noising.regularizer.quadratic_gradient`.

    Parameters
    ----------
    X : array_like, shape (n, d)
        Design on which the regularizer is computed (labelled or unlabelled).
    noise : noising.Dropout or noising.Gaussian
    family : {"logistic", "linear", "poisson"}
    lam : float
        Multiplier :math:`\\lambda \\ge 0` (1 gives the paper's :math:`R^q`).
    """

    def __init__(self, X, noise, family="logistic", lam=1.0):
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.size == 0:
            raise ValueError(f"X must be a non-empty 2-D design (n, d), got shape {X.shape}.")
        finite(X, "X")
        self.X = X
        self.noise = check_noise(noise)
        self.family = get_family(family)
        self.lam = _nonneg(lam, "lam")

    def value_and_grad(self, beta):
        from .regularizer import quadratic, quadratic_gradient

        beta = _check_beta(beta, self.X.shape[1])
        v = quadratic(self.X, beta, self.noise, self.family)
        g = quadratic_gradient(self.X, beta, self.noise, self.family)
        return self.lam * v, self.lam * g

    def __repr__(self):
        return f"NoisingPenalty(n={self.X.shape[0]}, noise={self.noise!r}, family={self.family.name!r}, lam={self.lam!r})"


class DropoutPenalty(Penalty):
    """Quadratic dropout penalty :math:`\\lambda R^q(\\beta)` (Wager et al., 2013, eq. 2, Table 1 dropout row).

    .. math::

        \\lambda R^q(\\beta) = \\lambda\\frac{\\delta}{2(1-\\delta)}\\sum_{i=1}^n A''(x_i\\beta)
        \\sum_{j\\notin U} x_{ij}^2\\beta_j^2
        = \\lambda\\frac{\\delta}{2(1-\\delta)}\\,\\beta_{-U}^\\top\\diag(X^\\top V(\\beta)X)\\beta_{-U},

    where :math:`V(\\beta)=\\diag(A''(x_i\\beta))`. Columns in :math:`U`
    (``unpenalized``, e.g. an intercept) are not dropped, so they contribute to
    :math:`x_i\\beta` but not to the variance. The gradient is

    .. math::

        \\nabla R^q = \\frac{\\delta}{2(1-\\delta)}\\Bigl[X^\\top\\bigl(A'''(X\\beta)\\odot (X^{\\circ 2}_{-U}\\beta^{\\circ 2})\\bigr)
        + 2\\,\\beta_{-U}\\odot\\bigl((X^{\\circ 2})^\\top A''(X\\beta)\\bigr)\\Bigr].

    Parameters
    ----------
    X : array_like, shape (n, d)
        Design on which the penalty is computed; it need not be the labelled
        training design (unlabelled rows give the semi-supervised penalty).
    delta : float
        Dropout probability, ``0 <= delta < 1``.
    lam : float
        Extra multiplier :math:`\\lambda \\ge 0`; ``lam=1`` is the paper's :math:`R^q`.
    family : {"logistic", "linear", "poisson"}
    unpenalized : sequence of int, optional
        Columns never dropped (for example an intercept column).

    Raises
    ------
    ValueError
        For a design that is not 2-D, NaN/inf entries, ``delta`` outside
        ``[0, 1)``, negative ``lam`` or bad column indices.
    """

    def __init__(self, X, delta, lam=1.0, family="logistic", unpenalized=None):
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.size == 0:
            raise ValueError(f"X must be a non-empty 2-D design (n, d), got shape {X.shape}.")
        finite(X, "X")
        self.X = X
        self.delta = _delta(delta)
        self.lam = _nonneg(lam, "lam")
        self.family = get_family(family)
        self.unpenalized = unpenalized
        self._mask = _unpenalized_mask(unpenalized, X.shape[1])
        self._X2 = (X * X) * self._mask  # x_ij^2, zero on unpenalised columns
        self._c = self.lam * self.delta / (2.0 * (1.0 - self.delta))

    def diag_fisher(self, beta):
        """:math:`\\diag(X^\\top V(\\beta) X)`, the per-feature curvature weights (penalised columns)."""
        beta = _check_beta(beta, self.X.shape[1])
        return self._X2.T @ self.family.A2(self.X @ beta)

    def value_and_grad(self, beta):
        return self._value_and_grad_unchecked(_check_beta(beta, self.X.shape[1]))

    def _value_and_grad_unchecked(self, beta):
        if self._c == 0.0:
            return 0.0, np.zeros_like(beta)
        z = self.X @ beta
        a2 = self.family.A2(z)
        s = self._X2 @ (beta * beta)  # sum_j x_ij^2 beta_j^2 per example
        value = self._c * float(a2 @ s)
        grad = self._c * (self.X.T @ (self.family.A3(z) * s) + 2.0 * beta * (self._X2.T @ a2))
        return value, grad

    def __repr__(self):
        return f"DropoutPenalty(n={self.X.shape[0]}, delta={self.delta!r}, lam={self.lam!r}, family={self.family.name!r})"


# ----------------------------------------------------------------------------- likelihood
def nll(X, y, beta, family="logistic"):
    """Negative log-likelihood of a GLM and its gradient (Wager et al., 2013, eq. 1).

    .. math::

        \\ell(\\beta) = \\sum_i A(x_i\\beta) - y_i x_i\\beta, \\qquad
        \\nabla\\ell(\\beta) = X^\\top\\bigl(A'(X\\beta) - y\\bigr),

    dropping the :math:`\\log h(y)` term, which does not depend on :math:`\\beta`.

    Parameters
    ----------
    X : array_like, shape (n, d)
    y : array_like, shape (n,)
        Responses (labels in {0, 1} for logistic, counts for Poisson).
    beta : array_like, shape (d,)
    family : {"logistic", "linear", "poisson"}

    Returns
    -------
    value : float
    grad : ndarray, shape (d,)
    """
    X, beta = as_design(X, beta)
    fam = get_family(family)
    y = labels(y, X.shape[0], fam)
    z = X @ beta
    return float(np.sum(fam.A(z) - y * z)), X.T @ (fam.A1(z) - y)


_CONTROLLER = None


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
        Whether the optimiser reported convergence.
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
    X : array_like, shape (n, d)
    y : array_like, shape (n,)
    penalty : object with ``value_and_grad(beta)``, optional
        E.g. :class:`L2`, :class:`DropoutPenalty`, or a sum of penalties.
        ``None`` fits the unpenalised maximum-likelihood estimate.
    family : {"logistic", "linear", "poisson"}
    beta0 : array_like, shape (d,), optional
        Starting point (zeros by default); use random starts to probe for
        several local optima of a non-convex objective.
    tol : float
        Gradient tolerance (max-norm), relative to ``max(1, n)``.
    max_iter : int

    Returns
    -------
    FitResult

    Raises
    ------
    ValueError
        For bad shapes, NaN/inf, labels outside the family's support, a
        penalty without ``value_and_grad``, or non-positive ``tol``/``max_iter``.
    """
    fam = get_family(family)
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.size == 0:
        raise ValueError(f"X must be a non-empty 2-D design (n, d), got shape {X.shape}.")
    finite(X, "X")
    n, d = X.shape
    y = labels(y, n, fam)
    beta0 = np.zeros(d) if beta0 is None else _check_beta(beta0, d, "beta0")
    if penalty is not None and not callable(getattr(penalty, "value_and_grad", None)):
        raise ValueError(
            f"penalty must have a value_and_grad(beta) method (e.g. noising.fit.L2(lam)), got {penalty!r}."
        )
    tol = _positive(tol, "tol")
    max_iter = positive_int(max_iter, "max_iter")

    penalty_vg = None if penalty is None else _fast(penalty)
    if penalty is not None:
        penalty.value_and_grad(beta0)  # one checked call: shapes and indices agree

    def objective(beta):
        z = X @ beta
        v = float(np.sum(fam.A(z) - y * z))
        g = X.T @ (fam.A1(z) - y)
        if penalty is not None:
            pv, pg = penalty_vg(beta)
            v += pv
            g = g + pg
        return v, g

    scale = max(1.0, float(n))
    with _single_threaded_blas():
        res = minimize(
            objective,
            beta0,
            jac=True,
            method="L-BFGS-B",
            options={"maxiter": max_iter, "gtol": tol * scale, "ftol": 1e-15, "maxcor": 20},
        )
    _, g = objective(res.x)
    return FitResult(
        beta=np.asarray(res.x, dtype=float),
        fun=float(res.fun),
        success=bool(res.success),
        n_iter=int(res.nit),
        message=str(res.message),
        grad_norm=float(np.max(np.abs(g))),
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
    X : array_like, shape (n, d)
    y : array_like, shape (n,)
    delta : float
        Dropout probability, ``0 <= delta < 1`` (0 gives plain SGD).
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
    """
    fam = get_family(family)
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.size == 0:
        raise ValueError(f"X must be a non-empty 2-D design (n, d), got shape {X.shape}.")
    finite(X, "X")
    n, d = X.shape
    y = labels(y, n, fam)
    delta = _delta(delta)
    lr = _positive(lr, "lr")
    epochs = positive_int(epochs, "epochs")
    batch_size = min(positive_int(batch_size, "batch_size"), n)
    l2 = _nonneg(l2, "l2")
    droppable = _unpenalized_mask(keep, d)
    beta = np.zeros(d) if beta0 is None else _check_beta(beta0, d, "beta0").copy()
    rng = np.random.default_rng(seed)

    steps_per_epoch = -(-n // batch_size)
    total = epochs * steps_per_epoch
    start_avg = total // 2
    avg = np.zeros(d)
    n_avg = 0
    scale = 1.0 / (1.0 - delta)
    t = 0
    diverged = False
    for _ in range(epochs):
        if diverged:
            break
        perm = rng.permutation(n)
        # one mask matrix per epoch, drawn at once (vectorised)
        keep_mask = (rng.random((n, d)) >= delta) | ~droppable
        factor = np.where(droppable, scale, 1.0)
        for s in range(0, n, batch_size):
            idx = perm[s : s + batch_size]
            Xb = X[idx] * keep_mask[idx] * factor
            with np.errstate(over="ignore", invalid="ignore"):
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
    z = X @ out
    return FitResult(
        beta=out,
        fun=float(np.sum(fam.A(z) - y * z)),
        success=True,
        n_iter=t,
        message=f"{epochs} epochs of dropout SGD (delta={delta}, batch={batch_size})",
    )


def fisher_information(X, beta, family="logistic"):
    """Empirical Fisher information :math:`\\frac1n X^\\top V(\\beta) X` (Wager et al., 2013, Section 3).

    With :math:`V(\\beta)=\\diag(A''(x_i\\beta))` this is the average Hessian of
    the GLM loss, :math:`\\frac1n\\sum_i\\nabla^2\\ell(\\beta;x_i,y_i)`, which does
    not depend on the labels; at the true :math:`\\beta^*` it estimates the
    Fisher information :math:`\\mathcal I=\\EE[A''(x\\beta^*)\\,x^\\top x]`. Its
    diagonal times :math:`n` is the weight vector of the dropout penalty,
    :math:`\\diag(X^\\top V X)`.

    Parameters
    ----------
    X : array_like, shape (n, d)
    beta : array_like, shape (d,)
    family : {"logistic", "linear", "poisson"}

    Returns
    -------
    ndarray, shape (d, d)
        Symmetric positive semi-definite matrix.
    """
    X, beta = as_design(X, beta)
    a2 = get_family(family).A2(X @ beta)
    return X.T @ (a2[:, None] * X) / X.shape[0]


def score_covariance(X, y, beta, family="logistic"):
    """Outer-product form of the Fisher information, :math:`\\frac1n\\sum_i (y_i-A'(x_i\\beta))^2 x_i^\\top x_i`.

    For a correctly specified GLM, at :math:`\\beta^*` its expectation equals
    the Fisher information (the information identity), so it and
    :func:`fisher_information` estimate the same matrix; unlike the latter it
    uses the labels.

    Parameters
    ----------
    X : array_like, shape (n, d)
    y : array_like, shape (n,)
    beta : array_like, shape (d,)
    family : {"logistic", "linear", "poisson"}

    Returns
    -------
    ndarray, shape (d, d)
    """
    X, beta = as_design(X, beta)
    fam = get_family(family)
    y = labels(y, X.shape[0], fam)
    r = y - fam.A1(X @ beta)
    return X.T @ ((r * r)[:, None] * X) / X.shape[0]


def predict_mean(X, beta, family="logistic"):
    """Predicted mean :math:`A'(x_i\\beta)` (probabilities for logistic regression)."""
    X, beta = as_design(X, beta)
    return get_family(family).A1(X @ beta)


def accuracy(X, y, beta):
    """Classification accuracy of the logistic rule :math:`\\hat y = 1\\{x\\beta > 0\\}`.

    Parameters
    ----------
    X : array_like, shape (n, d)
    y : array_like, shape (n,), labels in {0, 1}
    beta : array_like, shape (d,)

    Returns
    -------
    float
        Fraction of correct predictions.
    """
    X, beta = as_design(X, beta)
    y = labels(y, X.shape[0], get_family("logistic"))
    return float(np.mean((X @ beta > 0) == (y == 1)))
