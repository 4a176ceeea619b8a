"""Plain-Python references for the benchmarks: no NumPy, one mask at a time.

These are the obvious, slow implementations that the package's vectorised code is
measured against (``make bench``); they also serve as an independent check of its
numbers.
"""

from __future__ import annotations

import itertools
import math


def softplus(z: float) -> float:
    """log(1 + e^z) without overflow."""
    return z + math.log1p(math.exp(-z)) if z > 0 else math.log1p(math.exp(z))


def dropout_regularizer_loop(X, beta, delta):
    r"""Exact dropout regularizer of logistic regression by enumerating every mask.

    :math:`R(\beta)=\sum_i \sum_{m\in\{0,1\}^d} P(m)\,A(\sum_j m_j x_{ij}\beta_j/(1-\delta)) - A(x_i\beta)`,
    with :math:`P(m)=\prod_j (1-\delta)^{m_j}\delta^{1-m_j}` (Wager et al., 2013, eq. 1).
    ``X`` is a list of rows (lists of floats), ``beta`` a list of floats.
    """
    d = len(beta)
    total = 0.0
    for row in X:
        clean = sum(x * b for x, b in zip(row, beta))
        expected = 0.0
        for mask in itertools.product((0, 1), repeat=d):
            prob, z = 1.0, 0.0
            for j in range(d):
                if mask[j]:
                    prob *= 1.0 - delta
                    z += row[j] * beta[j] / (1.0 - delta)
                else:
                    prob *= delta
            expected += prob * softplus(z)
        total += expected - softplus(clean)
    return total
