"""Semi-supervised dropout: the regularizer computed on labelled and unlabelled data.

The quadratic dropout regularizer :math:`R^q(\\beta)` does not use the labels,
so it can be evaluated on unlabelled examples too. Wager et al. (2013,
semi-supervised section) combine the two with a discount :math:`\\alpha`:

.. math::

    R_*(\\beta) = \\frac{n}{n+\\alpha m}\\Bigl(R^q_X(\\beta) + \\alpha\\,R^q_Z(\\beta)\\Bigr),

where :math:`X` holds the :math:`n` labelled and :math:`Z` the :math:`m`
unlabelled examples. The prefactor keeps the total weight of the penalty that
of :math:`n` examples: :math:`R_*` is a weighted *average* of the per-example
penalties, so adding unlabelled data reshapes the penalty without making it
stronger. With :math:`\\alpha = 0` or :math:`m = 0` it is the ordinary dropout
penalty.

:class:`SemiSupervisedDropoutPenalty` is a penalty object of
:mod:`noising.penalties` (``value_and_grad(beta) -> (float, ndarray)``), so
:func:`noising.fit.fit_glm` minimises
:math:`\\sum_i [A(x_i\\beta) - y_i x_i\\beta] + R_*(\\beta)` with L-BFGS;
:func:`fit_semisupervised` does exactly that.
"""

from __future__ import annotations

import numpy as np

from ._validate import check_design, check_scalar
from .fit import fit_glm
from .penalties import DropoutPenalty, Penalty

__all__ = ["SemiSupervisedDropoutPenalty", "fit_semisupervised"]


class SemiSupervisedDropoutPenalty(Penalty):
    """The semi-supervised dropout penalty :math:`R_*` (Wager et al., 2013, semi-supervised objective).

    .. math::

        R_*(\\beta) &= \\frac{n}{n+\\alpha m}\\Bigl(R^q_X(\\beta) + \\alpha\\,R^q_Z(\\beta)\\Bigr),\\\\
        R^q_X(\\beta) &= \\frac{\\delta}{2(1-\\delta)}\\sum_{i=1}^n A''(x_i\\beta)\\sum_j x_{ij}^2\\beta_j^2 ,

    with :math:`R^q_Z` the same sum over the unlabelled rows :math:`z_k`.

    Parameters
    ----------
    X : array_like or scipy.sparse matrix, shape (n, d)
        Labelled design (``n >= 1``); sparse input is accepted (CSR, never densified).
    Z : array_like or scipy.sparse matrix, shape (m, d)
        Unlabelled design with the same columns; ``m = 0`` is allowed; sparse or dense
        independently of ``X``.
    delta : float or array_like of shape (d,)
        Dropout probability, ``0 <= delta < 1``, or one per column.
    alpha : float
        Discount of the unlabelled examples, ``alpha >= 0``.
    family : {"logistic", "linear", "poisson"}
    unpenalized : sequence of int, optional
        Columns that are never dropped, e.g. ``[0]`` for an intercept.

    Attributes
    ----------
    n, m : int
        Numbers of labelled and unlabelled rows.
    weight : float
        The prefactor :math:`n/(n+\\alpha m)`.

    Raises
    ------
    TypeError
        For arguments of the wrong type (complex or string designs, a string ``alpha``...).
    ValueError
        If a design is not 2-D or holds NaN/inf, ``X`` has no rows, the column
        counts differ, ``delta`` is outside ``[0, 1)`` or ``alpha`` is negative
        or not finite.
    """

    def __init__(self, X, Z, delta, alpha, family="logistic", unpenalized=None):
        X = check_design(X, "X", accept_sparse="csr")
        Z = check_design(Z, "Z", allow_no_rows=True, accept_sparse="csr")
        if Z.shape[1] != X.shape[1]:
            raise ValueError(
                f"Z has {Z.shape[1]} columns but X has {X.shape[1]}; unlabelled and labelled "
                "examples must use the same features in the same order."
            )
        self.alpha = check_scalar(alpha, "alpha", min=0, hint="use alpha = 0 to ignore the unlabelled data")
        self.n, self.m = X.shape[0], Z.shape[0]
        self.weight = self.n / (self.n + self.alpha * self.m)
        self.labelled = DropoutPenalty(X, delta, family=family, unpenalized=unpenalized)
        self.delta = self.labelled.delta
        self.unlabelled = (
            DropoutPenalty(Z, delta, family=family, unpenalized=unpenalized)
            if self.m > 0 and self.alpha > 0
            else None
        )

    def value_and_grad(self, beta):
        """Value and gradient of :math:`R_*` at ``beta`` (shape ``(d,)``)."""
        value, grad = self.labelled.value_and_grad(beta)
        if self.unlabelled is not None:
            vu, gu = self.unlabelled.value_and_grad(beta)
            value, grad = value + self.alpha * vu, grad + self.alpha * gu
        return self.weight * value, self.weight * grad

    def _fuse(self, X):
        """Fused with a fit on the labelled design (see :func:`noising.penalties._fused`)."""
        labelled = self.labelled._fuse(X)
        if labelled is None:
            return None

        def fn(beta, z):
            value, rest, r = labelled(beta, z)
            if self.unlabelled is not None:
                vu, gu = self.unlabelled._value_and_grad_unchecked(beta)
                value, rest = value + self.alpha * vu, rest + self.alpha * gu
            return self.weight * value, self.weight * rest, None if r is None else self.weight * r

        return fn

    def __repr__(self):
        delta = repr(self.delta) if np.ndim(self.delta) == 0 else "per-feature"
        return f"SemiSupervisedDropoutPenalty(n={self.n}, m={self.m}, delta={delta}, alpha={self.alpha!r})"


def fit_semisupervised(X, y, Z, delta, alpha, family="logistic", *, unpenalized=None, beta0=None, **kwargs):
    """Fit a GLM with the semi-supervised dropout penalty :math:`R_*` by L-BFGS.

    Minimises :math:`\\sum_i [A(x_i\\beta) - y_i x_i\\beta] + R_*(\\beta)`
    (Wager et al., 2013, semi-supervised objective) with
    :func:`noising.fit.fit_glm`.

    Parameters
    ----------
    X : array_like or scipy.sparse matrix, shape (n, d)
        Labelled design (sparse accepted).
    y : array_like, shape (n,)
        Labels.
    Z : array_like or scipy.sparse matrix, shape (m, d)
        Unlabelled design (``m = 0`` gives ordinary dropout regularization; sparse accepted).
    delta, alpha, family, unpenalized
        As in :class:`SemiSupervisedDropoutPenalty`.
    beta0 : array_like, shape (d,), optional
        Starting point (zeros by default).
    **kwargs
        Passed to :func:`noising.fit.fit_glm` (``tol``, ``max_iter``).

    Returns
    -------
    noising.fit.FitResult
    """
    penalty = SemiSupervisedDropoutPenalty(X, Z, delta, alpha, family=family, unpenalized=unpenalized)
    # the penalty's checked copy of X: a sparse fit then shares its products with the penalty
    return fit_glm(penalty.labelled.X, y, penalty=penalty, family=family, beta0=beta0, **kwargs)
