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

from ._validate import check_array, check_axis, check_probability

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
    TypeError
        For non-real ``x``, a non-number ``level`` or a non-integer ``axis``.
    ValueError
        For NaN or inf, fewer than two repetitions, a level outside (0, 1), or an
        ``axis`` out of range.

    Examples
    --------
    >>> mean, lo, hi = t_interval([0.70, 0.72, 0.74])
    >>> round(lo, 4), round(hi, 4)
    (0.6703, 0.7697)
    """
    x = check_array(x, "x", allow_empty=True)
    if x.ndim == 0:
        raise ValueError("x must hold at least two repetitions; got a scalar.")
    level = check_probability(level, "level", include_0=False, hint="e.g. 0.95")
    axis = check_axis(axis, x.ndim)
    r = x.shape[axis]
    if r < 2:
        raise ValueError(
            f"x must hold at least two repetitions along axis {axis} for an interval, got {r}; "
            "run more seeds or report the single value without an interval."
        )
    # scale by the largest |x| so that neither the mean nor the squares overflow
    scale = np.abs(x).max(axis=axis, keepdims=True)
    scale = np.where(scale > 0, scale, 1.0)
    xs = x / scale
    scale = np.squeeze(scale, axis=axis)
    mean = xs.mean(axis=axis) * scale
    half = stats.t.ppf((1 + level) / 2, r - 1) * (xs.std(axis=axis, ddof=1) * scale) / np.sqrt(r)
    if np.ndim(mean) == 0:
        return float(mean), float(mean - half), float(mean + half)
    return mean, mean - half, mean + half
