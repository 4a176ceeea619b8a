"""noising: the helper package of the companion book on dropout as adaptive regularization.

Modules
-------
families
    GLM log-partition functions :math:`A` and their derivatives.
noise
    :class:`Dropout` and :class:`Gaussian` feature noise.
regularizer
    The noising regularizer :math:`R(\\beta)`: exact, Monte Carlo, quadratic.
style
    The book's figure style (imports matplotlib only when used).
"""
from . import families, noise, regularizer, style
from .families import get_family, sigmoid, softplus
from .noise import Dropout, Gaussian

__all__ = [
    "Dropout",
    "Gaussian",
    "families",
    "get_family",
    "noise",
    "regularizer",
    "sigmoid",
    "softplus",
    "style",
]
__version__ = "0.1.0"
