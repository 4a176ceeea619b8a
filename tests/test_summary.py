"""Tests of noising.summary.t_interval."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import stats

from noising.summary import t_interval


def test_matches_scipy_t_interval():
    x = np.random.default_rng(0).normal(0.7, 0.05, size=20)
    mean, lo, hi = t_interval(x)
    ref = stats.t.interval(0.95, 19, loc=x.mean(), scale=stats.sem(x))
    assert mean == pytest.approx(x.mean()) and (lo, hi) == pytest.approx(ref, rel=1e-12)
    _, lo90, hi90 = t_interval(x, level=0.9)
    assert lo < lo90 < mean < hi90 < hi


def test_known_value_three_repetitions():
    # with 2 degrees of freedom the t quantile has a closed form,
    # t = (2p - 1) sqrt(2 / (4 p (1 - p))) = 4.30265272974946 at p = 0.975
    t = 0.95 * np.sqrt(2 / (4 * 0.975 * 0.025))
    mean, lo, hi = t_interval([0.70, 0.72, 0.74])
    half = t * 0.02 / np.sqrt(3)
    assert (mean, lo, hi) == pytest.approx((0.72, 0.72 - half, 0.72 + half), rel=1e-12)


def test_axis_gives_one_interval_per_column():
    x = np.random.default_rng(1).normal(size=(10, 3))
    mean, lo, hi = t_interval(x)
    assert mean.shape == lo.shape == hi.shape == (3,)
    for j in range(3):
        assert t_interval(x[:, j]) == pytest.approx((mean[j], lo[j], hi[j]))
    mean_rows, _, _ = t_interval(x, axis=1)
    assert mean_rows.shape == (10,)


@settings(max_examples=60, deadline=None)
@given(arrays(float, st.integers(2, 30), elements=st.floats(-1e3, 1e3)), st.floats(0.5, 0.99))
def test_interval_is_centred_on_the_mean_and_shift_equivariant(x, level):
    mean, lo, hi = t_interval(x, level)
    assert lo <= mean <= hi
    assert mean - lo == pytest.approx(hi - mean, rel=1e-9, abs=1e-9)
    m2, lo2, hi2 = t_interval(x + 5.0, level)
    assert (m2 - 5.0, lo2 - 5.0, hi2 - 5.0) == pytest.approx((mean, lo, hi), rel=1e-9, abs=1e-6)


def test_constant_results_have_zero_width():
    assert t_interval([0.5] * 4) == (0.5, 0.5, 0.5)


@pytest.mark.parametrize(
    "x, kwargs, match",
    [
        ([0.5], {}, "at least two repetitions"),
        (0.5, {}, "at least two repetitions"),
        ([0.5, np.nan], {}, "NaN"),
        ([0.5, 0.6], {"level": 1.0}, r"level must be in \(0, 1\)"),
        ([0.5, 0.6], {"axis": 5}, "axis = 5 is out of range"),
    ],
)
def test_bad_input_raises_a_helpful_value_error(x, kwargs, match):
    with pytest.raises(ValueError, match=match):
        t_interval(x, **kwargs)


@pytest.mark.parametrize("kwargs", [{"level": "95%"}, {"level": True}, {"axis": 0.0}])
def test_arguments_of_the_wrong_type_raise_type_error(kwargs):
    with pytest.raises(TypeError, match=next(iter(kwargs))):
        t_interval([0.5, 0.6], **kwargs)


def test_huge_values_give_a_finite_interval():
    mean, lo, hi = t_interval([1e307, 1.5e307, 1.7e307])
    assert np.isfinite([mean, lo, hi]).all() and lo < mean < hi
    assert mean == pytest.approx(1.4e307, rel=1e-15)
