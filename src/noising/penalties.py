"""Penalties for :func:`noising.fit.fit_glm`: ridge, the quadratic noising regularizers, and their combinations.

A *penalty* is anything with a method ``value_and_grad(beta) -> (float, ndarray)``.
This module provides

* :class:`L2`: :math:`P(\\beta) = \\tfrac{\\lambda}{2}\\lVert\\beta\\rVert_2^2` (Table 1 of
  Wager et al., 2013, first row), optionally weighted;
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

Input is checked once, at construction and in ``value_and_grad``;
:func:`noising.fit.fit_glm` calls an unchecked fast path inside the optimiser.

The design of :class:`DropoutPenalty` and :class:`NoisingPenalty` may be a
``scipy.sparse`` matrix or array (any format; converted once to CSR and never
densified). :class:`DropoutPenalty` computes :math:`X^{\\circ 2}` once at construction,
so a value and gradient cost four sparse products, :math:`X\\beta`,
:math:`X^\\top r`, :math:`X^{\\circ 2}\\beta^{\\circ 2}` and :math:`(X^{\\circ 2})^\\top a`,
in O(nnz) memory.
"""

from __future__ import annotations

import numpy as np

from ._linalg import same_design, square
from ._validate import (
    check_array,
    check_beta,
    check_design,
    check_dropout_rates,
    check_indices,
    check_linear_predictor,
    check_noise,
    check_product_range,
    check_scalar,
    column_max_abs,
)
from .families import get_family
from .fisher import _diag_xvx
from .regularizer import _quadratic_gradient, _quadratic_terms

__all__ = ["Penalty", "L2", "DropoutPenalty", "NoisingPenalty"]


def _refuse_nonfinite(value, grad, what):
    if not (np.isfinite(value) and np.all(np.isfinite(grad))):
        raise ValueError(
            f"{what} overflows the float range at this beta; rescale the design X (or Z) or beta."
        )
    return value, grad


def _dropout_value_grad(X, X2, f, beta, fam, z):
    """:math:`R^q(\\beta)` and its gradient for dropout with variance factors ``f`` (checked input).

    ``X2`` is :math:`X^{\\circ 2}`, :math:`f_j = \\delta_j/(1-\\delta_j)` (0 for a column never
    dropped) and ``z = X @ beta``; ``X`` may be dense or sparse. With :math:`a = A''(z)` and
    :math:`s = X^{\\circ 2}(f\\odot\\beta^{\\circ 2})`, the value is :math:`\\tfrac12 a^\\top s` and the
    gradient :math:`\\tfrac12 X^\\top(A^{(3)}(z)\\odot s) + f\\odot\\beta\\odot (X^{\\circ 2})^\\top a`
    (Wager et al., 2013, eq. 2): the one kernel of :class:`DropoutPenalty` and of the
    dropout objective of :mod:`noising.optim`.
    """
    a2 = fam.A2(z)
    s = X2 @ (f * beta * beta)  # Var of x~_i beta: sum_j f_j x_ij^2 beta_j^2
    value = 0.5 * float(a2 @ s)
    fbd = np.where(f > 0, f * beta * _diag_xvx(X, a2, X2), 0.0)
    grad = 0.5 * (X.T @ (fam.A3(z) * s)) + fbd
    return value, grad


# ----------------------------------------------------------------------------- penalties
class Penalty:
    """Base class of penalties: ``value_and_grad(beta) -> (float, ndarray)``.

    Penalties can be added (``p + q``) and multiplied by a non-negative number
    (``c * p``); the result is again a penalty. Any object with a
    ``value_and_grad`` method can be passed to :func:`~noising.fit.fit_glm`; deriving from
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
        return _Scaled(self, check_scalar(c, "penalty multiplier", min=0, hint="use 0 for no penalty"))

    __rmul__ = __mul__


def _fused(penalty, X):
    """The penalty as ``(beta, z) -> (value, rest, r)`` with gradient ``rest + X.T @ r`` (``r`` may be None).

    :func:`noising.fit.fit_glm` on a sparse design adds ``r`` to the loss's residual
    :math:`A'(z) - y` and so shares :math:`z = X\\beta` and the product with :math:`X^\\top`
    with every penalty computed on the same design (a dropout penalty on the training
    rows): four sparse products per evaluation instead of six. Penalties that do not
    know how (or are on another design) fall back to their value-and-gradient.
    """
    fuse = getattr(penalty, "_fuse", None)
    fn = fuse(X) if fuse is not None else None
    if fn is not None:
        return fn
    vg = _fast(penalty)

    def plain(beta, z):
        v, g = vg(beta)
        return v, g, None

    return plain


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

    def _fuse(self, X):
        parts = [_fused(p, X) for p in self.parts]

        def fn(beta, z):
            total, rest, r = 0.0, 0.0, None
            for part in parts:
                v, g, rp = part(beta, z)
                total += v
                rest = rest + g
                if rp is not None:
                    r = rp if r is None else r + rp
            return float(total), np.asarray(rest, dtype=float), r

        return fn

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

    def _fuse(self, X):
        inner = _fused(self.penalty, X)

        def fn(beta, z):
            v, g, r = inner(beta, z)
            return self.c * v, self.c * np.asarray(g, dtype=float), None if r is None else self.c * r

        return fn

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
    TypeError
        If ``lam`` is not a real number or an index is not an integer.
    ValueError
        If ``lam`` is negative, NaN or infinite, or a weight is negative, NaN or
        of the wrong shape.

    Examples
    --------
    >>> L2(2.0).value_and_grad([1.0, -1.0])
    (2.0, array([ 2., -2.]))
    """

    def __init__(self, lam, unpenalized=None, weights=None):
        self.lam = check_scalar(lam, "lam", min=0, hint="use 0 for no penalty")
        self.unpenalized = unpenalized
        check_indices(unpenalized, None, "unpenalized")  # types now, range once d is known
        if weights is not None:
            weights = check_array(weights, "weights", ndim=1)
            if np.any(weights < 0):
                raise ValueError("weights must be >= 0; a negative weight would reward large coefficients.")
        self.weights = weights
        self._masks = {}

    def _mask(self, d):
        if d not in self._masks:
            self._masks[d] = check_indices(self.unpenalized, d, "unpenalized")
        return self._masks[d]

    def value_and_grad(self, beta):
        beta = check_array(beta, "beta", ndim=1)
        if self.weights is not None and self.weights.shape != beta.shape:
            raise ValueError(
                f"weights have shape {self.weights.shape} but beta has shape {beta.shape}; they must agree."
            )
        self._mask(beta.shape[0])  # validates the indices
        with np.errstate(over="ignore", invalid="ignore"):
            return _refuse_nonfinite(*self._value_and_grad_unchecked(beta), "the L2 penalty")

    def _value_and_grad_unchecked(self, beta):
        w = beta * self._mask(beta.shape[0]) if self.unpenalized is not None else beta
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

    the value of :func:`noising.regularizer.quadratic` with the gradient of
    :func:`noising.regularizer.quadratic_gradient`.

    Parameters
    ----------
    X : array_like or scipy.sparse matrix, shape (n, d)
        Design on which the regularizer is computed (labelled or unlabelled);
        sparse input is accepted (converted once to CSR, never densified).
    noise : noising.Dropout or noising.Gaussian
        Dropout may have one rate per feature (``Dropout(delta_vector)``).
    family : {"logistic", "linear", "poisson"}
    lam : float
        Multiplier :math:`\\lambda \\ge 0` (1 gives the paper's :math:`R^q`).
    """

    def __init__(self, X, noise, family="logistic", lam=1.0):
        self.X = check_design(X, accept_sparse="csr")
        self.noise = check_noise(noise, d=self.X.shape[1])
        self.family = get_family(family)
        self.lam = check_scalar(lam, "lam", min=0, hint="use 0 for no penalty")
        self._col_max = column_max_abs(self.X)

    def value_and_grad(self, beta):
        beta = check_product_range(self._col_max, check_beta(beta, self.X.shape[1]))
        return self._value_and_grad_unchecked(beta)

    def _value_and_grad_unchecked(self, beta):
        with np.errstate(over="ignore"):
            z = check_linear_predictor(self.X @ beta)
        v = float(_quadratic_terms(self.X, beta, self.noise, self.family, z).sum())
        g = _quadratic_gradient(self.X, beta, self.noise, self.family, z)
        return self.lam * v, self.lam * g

    def __repr__(self):
        return f"NoisingPenalty(n={self.X.shape[0]}, noise={self.noise!r}, family={self.family.name!r}, lam={self.lam!r})"


class DropoutPenalty(Penalty):
    """Quadratic dropout penalty :math:`\\lambda R^q(\\beta)` (Wager et al., 2013, eq. 2, Table 1 dropout row).

    .. math::

        \\lambda R^q(\\beta) &= \\lambda\\frac{\\delta}{2(1-\\delta)}\\sum_{i=1}^n A''(x_i\\beta)
        \\sum_{j\\notin U} x_{ij}^2\\beta_j^2 \\\\
        &= \\lambda\\frac{\\delta}{2(1-\\delta)}\\,\\beta_{-U}^\\top\\diag(X^\\top V(\\beta)X)\\beta_{-U},

    where :math:`V(\\beta)=\\diag(A''(x_i\\beta))`. Columns in :math:`U`
    (``unpenalized``, e.g. an intercept) are not dropped, so they contribute to
    :math:`x_i\\beta` but not to the variance. With one rate per feature the factor
    :math:`\\delta/(1-\\delta)` moves inside the sum as :math:`\\delta_j/(1-\\delta_j)`
    (the features are dropped independently, so the variance is a sum over them); a
    rate :math:`\\delta_j = 0` is a column never dropped, like one in :math:`U`.
    With :math:`f_j = \\delta_j/(1-\\delta_j)`
    for :math:`j\\notin U`, :math:`f_j = 0` for :math:`j \\in U`, :math:`a = A''(X\\beta)`
    and the per-example variances :math:`s = X^{\\circ 2}(f\\odot\\beta^{\\circ 2})`, the
    value is :math:`\\tfrac{\\lambda}{2} a^\\top s` and the gradient is

    .. math::

        \\nabla \\lambda R^q = \\tfrac{\\lambda}{2}X^\\top\\bigl(A'''(X\\beta)\\odot s\\bigr)
        + \\lambda\\, f\\odot\\beta\\odot\\bigl((X^{\\circ 2})^\\top a\\bigr):

    four matrix-vector products with :math:`X` or :math:`X^{\\circ 2}`; the squares
    :math:`X^{\\circ 2}` are computed once, at construction.

    Parameters
    ----------
    X : array_like or scipy.sparse matrix, shape (n, d)
        Design on which the penalty is computed; it need not be the labelled
        training design (unlabelled rows give the semi-supervised penalty). A sparse
        design (any format) is converted once to CSR and never densified: memory O(nnz).
    delta : float or array_like of shape (d,)
        Dropout probability, ``0 <= delta < 1``, or one per column (per-feature rates).
    lam : float
        Extra multiplier :math:`\\lambda \\ge 0`; ``lam=1`` is the paper's :math:`R^q`.
    family : {"logistic", "linear", "poisson"}
    unpenalized : sequence of int, optional
        Columns never dropped (for example an intercept column).

    Raises
    ------
    TypeError
        For arguments of the wrong type (a string ``delta``, non-integer indices...).
    ValueError
        For a design that is not 2-D, NaN/inf entries, ``delta`` outside
        ``[0, 1)``, negative ``lam`` or column indices out of range.

    Examples
    --------
    >>> p = DropoutPenalty([[1.0, 2.0]], delta=0.5, family="linear")
    >>> p.value([1.0, 1.0])  # 1/2 * (1 + 4)
    2.5
    """

    def __init__(self, X, delta, lam=1.0, family="logistic", unpenalized=None):
        X = check_design(X, accept_sparse="csr")
        self.X = X
        self.delta = check_dropout_rates(
            delta, "delta", d=X.shape[1], hint="delta = 1 would drop every feature"
        )
        self.lam = check_scalar(lam, "lam", min=0, hint="use 0 for no penalty")
        self.family = get_family(family)
        self.unpenalized = unpenalized
        self._mask = check_indices(unpenalized, X.shape[1], "unpenalized")
        # f_j = delta / (1 - delta) on the dropped columns, 0 on the columns never dropped
        self._f = np.where(self._mask, self.delta / (1.0 - self.delta), 0.0)
        with np.errstate(over="ignore"):
            self._X2 = square(X)  # x_ij^2, once (a sparse X2 has X's structure)

    def diag_fisher(self, beta):
        """:math:`\\diag(X^\\top V(\\beta) X)` on the dropped columns, 0 on the others (see :func:`noising.fisher.diag_fisher`)."""
        beta = check_beta(beta, self.X.shape[1])
        with np.errstate(over="ignore"):
            z = self.X @ beta
        return np.where(self._mask, _diag_xvx(self.X, self.family.A2(z), self._X2), 0.0)

    def value_and_grad(self, beta):
        beta = check_beta(beta, self.X.shape[1])
        with np.errstate(over="ignore", invalid="ignore"):
            return _refuse_nonfinite(*self._value_and_grad_unchecked(beta), "the dropout penalty")

    def _value_and_grad_unchecked(self, beta):
        if self.lam == 0.0 or not np.any(self._f):
            return 0.0, np.zeros_like(beta)
        value, grad = _dropout_value_grad(self.X, self._X2, self._f, beta, self.family, self.X @ beta)
        return self.lam * value, self.lam * grad

    def _fuse(self, X):
        """On the design ``X`` itself: value, the :math:`X^{\\circ 2}` part of the gradient, and the residual term."""
        if not same_design(self.X, X):
            return None

        def fn(beta, z):
            if self.lam == 0.0 or not np.any(self._f):
                return 0.0, np.zeros_like(beta), None
            a2 = self.family.A2(z)
            s = self._X2 @ (self._f * beta * beta)
            value = self.lam * (0.5 * float(a2 @ s))
            rest = self.lam * np.where(self._f > 0, self._f * beta * _diag_xvx(self.X, a2, self._X2), 0.0)
            return value, rest, (0.5 * self.lam) * (self.family.A3(z) * s)

        return fn

    def __repr__(self):
        delta = (
            np.array2string(self.delta, separator=", ", threshold=8)
            if np.ndim(self.delta)
            else repr(self.delta)
        )
        return f"DropoutPenalty(n={self.X.shape[0]}, delta={delta}, lam={self.lam!r}, family={self.family.name!r})"
