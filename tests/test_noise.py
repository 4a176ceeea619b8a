"""Noise models: validation, variance formulas, sampling."""

import numpy as np
import pytest

import noising
from noising.noise import check_noise


@pytest.mark.parametrize("bad", [-0.1, 1.0, 1.5, float("nan"), float("inf")])
def test_dropout_rejects_delta_outside_unit_interval(bad):
    with pytest.raises(ValueError, match="delta"):
        noising.Dropout(bad)


@pytest.mark.parametrize("bad", ["0.5", None, True, 0.5j])
def test_dropout_rejects_a_delta_that_is_not_a_number(bad):
    with pytest.raises(TypeError, match="delta must be a real number"):
        noising.Dropout(bad)


@pytest.mark.parametrize("bad", [-1.0, -1e-12, float("nan"), float("inf")])
def test_gaussian_rejects_bad_sigma(bad):
    with pytest.raises(ValueError, match="sigma"):
        noising.Gaussian(bad)


@pytest.mark.parametrize("bad", ["1", None, False])
def test_gaussian_rejects_a_sigma_that_is_not_a_number(bad):
    with pytest.raises(TypeError, match="sigma must be a real number"):
        noising.Gaussian(bad)


def test_boundary_values_are_accepted():
    assert noising.Dropout(0).delta == 0.0
    assert noising.Gaussian(0).sigma == 0.0
    assert noising.Dropout(0.5).scale == 2.0


def test_check_noise():
    with pytest.raises(TypeError, match="noising.Dropout"):
        check_noise(0.5)


def test_variances_match_simulation():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(3, 4))
    beta = rng.normal(size=4)
    for noise in (noising.Dropout(0.3), noising.Gaussian(0.4)):
        draws = np.stack([noise.sample(X, seed) @ beta for seed in range(20000)])
        assert np.allclose(draws.mean(axis=0), X @ beta, atol=0.05)
        assert np.allclose(draws.var(axis=0), noise.variance(X, beta), rtol=0.05)


def test_dropout_sample_is_mask_times_scale():
    X = np.ones((100, 50))
    sample = noising.Dropout(0.25).sample(X, 1)
    assert set(np.unique(sample)) <= {0.0, 1 / 0.75}
    assert abs((sample == 0).mean() - 0.25) < 0.02
    assert np.array_equal(sample, noising.Dropout(0.25).sample(X, 1))  # seeded
