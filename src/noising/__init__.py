"""noising: the helper package of the companion book on dropout as adaptive regularization.

Modules
-------
families
    GLM log-partition functions :math:`A` and their derivatives.
noise
    :class:`Dropout` and :class:`Gaussian` feature noise.
optim
    SGD, diagonal AdaGrad and dropout-preconditioned SGD; their diagonal statistics.
regularizer
    The noising regularizer :math:`R(\\beta)`: exact, Monte Carlo, quadratic.
data
    Simulated designs and offline real data for the experiments.
fit
    Penalised GLM fits (L-BFGS) and dropout training by SGD.
summary
    Means and Student-t intervals over repeated experiments.
semisup
    The semi-supervised dropout penalty :math:`R_*` and its fit.
taylor
    Higher-order Taylor expansions of the logistic regularizer (Schluter, 2019).
style
    The book's figure style (imports matplotlib only when used).
"""
from . import data, families, fit, noise, optim, regularizer, semisup, style, summary, taylor
from .families import get_family, sigmoid, softplus
from .noise import Dropout, Gaussian

__all__ = [
    "Dropout",
    "Gaussian",
    "data",
    "families",
    "fit",
    "get_family",
    "noise",
    "optim",
    "regularizer",
    "semisup",
    "sigmoid",
    "softplus",
    "style",
    "summary",
    "taylor",
]
__version__ = "0.1.0"
