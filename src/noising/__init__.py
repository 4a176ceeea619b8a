"""noising: the helper package of the companion book on dropout as adaptive regularization.

Modules
-------
families
    GLM log-partition functions :math:`A`, their derivatives and Taylor remainder.
noise
    :class:`~noising.noise.Dropout` and :class:`~noising.noise.Gaussian` feature noise.
moments
    Moments of the noise in :math:`\\tilde x\\beta - x\\beta`; the one enumeration of dropout masks.
regularizer
    The noising regularizer :math:`R(\\beta)`: exact, Monte Carlo, quadratic.
fisher
    Fisher information and the diagonal :math:`\\diag(X^\\top V(\\beta) X)`.
penalties
    Penalty objects: ridge, the quadratic noising penalties, sums and multiples.
fit
    Penalised GLM fits (L-BFGS), dropout training by SGD, predictions.
optim
    SGD, diagonal AdaGrad and dropout-preconditioned SGD; their diagonal statistics.
semisup
    The semi-supervised dropout penalty :math:`R_*` and its fit.
derivatives
    Derivatives of softplus to high order, the triangle :math:`T(k,j)`, radii of convergence.
taylor
    Higher-order Taylor approximations :math:`R_k` of the logistic regularizer (Schluter, 2019).
softmax
    The softmax case: log-sum-exp along a line, its coefficients and radius.
data
    Simulated designs and offline real data for the experiments.
summary
    Means and Student-t intervals over repeated experiments.
style
    The book's figure style (imports matplotlib only when used).
"""

from . import (
    data,
    derivatives,
    families,
    fisher,
    fit,
    moments,
    noise,
    optim,
    penalties,
    regularizer,
    semisup,
    softmax,
    style,
    summary,
    taylor,
)
from .families import get_family, sigmoid, softplus
from .noise import Dropout, Gaussian

__all__ = [
    "Dropout",
    "Gaussian",
    "data",
    "derivatives",
    "families",
    "fisher",
    "fit",
    "get_family",
    "moments",
    "noise",
    "optim",
    "penalties",
    "regularizer",
    "semisup",
    "sigmoid",
    "softmax",
    "softplus",
    "style",
    "summary",
    "taylor",
]
__version__ = "0.1.0"
