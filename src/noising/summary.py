"""Summaries of repeated experiments: means with Student-t confidence intervals.

The experiments of the book (rare features, semi-supervised dropout) repeat a
fit over seeds or data draws and report the mean of a score, or of a paired
difference between two methods, with a 95 % interval

.. math::

    \\bar x \\pm t_{r-1,\\,(1+\\gamma)/2}\\,\\frac{s}{\\sqrt r},

where :math:`r` is the number of repetitions, :math:`s` the sample standard
deviation and :math:`\\gamma` the level. For a paired comparison pass the
per-repetition differences.
"""
from __future__ import annotations

import numpy as np
from scipy import stats

from ._validate import finite

__all__ = ["t_interval"]


def t_interval(x, level=0.95, axis=0):
    """Mean and Student-t confidence interval over repetitions.

    Implements :math:`\\bar x \\pm t_{r-1,(1+\\gamma)/2}\\, s/\\sqrt r` (the
    module's equation) along ``axis``.

    Parameters
    ----------
    x : array_like
        Results of :math:`r \\ge 2` repetitions along ``axis`` (e.g. accuracies
        over seeds, or paired differences of two methods).
    level : float, optional
        Confidence level :math:`\\gamma` in (0, 1); default 0.95.
    axis : int, optional
        The axis of the repetitions; default 0.

    Returns
    -------
    mean, lo, hi : float or ndarray
        The mean and the interval's bounds (floats for 1-D input, arrays of the
        remaining shape otherwise).

    Raises
    ------
    ValueError
        For NaN or inf, fewer than two repetitions, or a level outside (0, 1).

    Examples
    --------
    >>> mean, lo, hi = t_interval([0.70, 0.72, 0.74])
    >>> round(lo, 4), round(hi, 4)
    (0.6703, 0.7697)
    """
    x = finite(np.asarray(x, dtype=float), "x")
    if x.ndim == 0:
        raise ValueError("x must hold at least two repetitions; got a scalar.")
    if not isinstance(level, (int, float, np.floating)) or not 0 < level < 1:
        raise ValueError(f"level must be a number in (0, 1), e.g. 0.95; got {level!r}.")
    r = x.shape[axis]
    if r < 2:
        raise ValueError(
            f"an interval needs at least two repetitions along axis {axis}, got {r}; "
            "run more seeds or report the single value without an interval."
        )
    mean = x.mean(axis=axis)
    half = stats.t.ppf((1 + level) / 2, r - 1) * x.std(axis=axis, ddof=1) / np.sqrt(r)
    if np.ndim(mean) == 0:
        return float(mean), float(mean - half), float(mean + half)
    return mean, mean - half, mean + half
