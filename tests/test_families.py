"""GLM families: values, derivatives, and overflow-free evaluation."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import noising
from noising.families import FAMILIES, get_family

reals = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_derivatives_match_finite_differences(name):
    fam = get_family(name)
    z = np.linspace(-4, 4, 17)
    h = 1e-5
    for f, df in [(fam.A, fam.A1), (fam.A1, fam.A2), (fam.A2, fam.A3)]:
        numeric = (f(z + h) - f(z - h)) / (2 * h)
        assert np.allclose(df(z), numeric, rtol=1e-6, atol=1e-8)


def test_known_values():
    lg = get_family("logistic")
    assert lg.A(0.0) == pytest.approx(np.log(2))
    assert lg.A1(0.0) == 0.5 and lg.A2(0.0) == 0.25 and lg.A3(0.0) == 0.0
    assert get_family("linear").A(3.0) == 4.5
    assert get_family("poisson").A2(1.0) == pytest.approx(np.e)


def test_logistic_is_overflow_free_at_extremes():
    z = np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fam = get_family("logistic")
        values = [fam.A(z), fam.A1(z), fam.A2(z), fam.A3(z), noising.softplus(z), noising.sigmoid(z)]
    assert np.all(np.isfinite(np.concatenate(values)))
    assert fam.A(1000.0) == 1000.0 and fam.A(-1000.0) == 0.0
    assert fam.A1(1000.0) == 1.0 and fam.A1(-1000.0) == 0.0


def test_poisson_returns_inf_without_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert get_family("poisson").A(1000.0) == np.inf
        assert get_family("linear").A(1e200) == np.inf


def test_unknown_family_is_rejected_with_the_choices():
    with pytest.raises(ValueError, match="choose one of"):
        get_family("gamma")
    with pytest.raises(TypeError, match="family"):
        get_family(None)
    fam = get_family("logistic")
    assert get_family(fam) is fam


@given(reals)
def test_softplus_identity(z):
    # log(1 + e^z) - log(1 + e^-z) = z, and sigma(z) + sigma(-z) = 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert noising.softplus(z) - noising.softplus(-z) == pytest.approx(z, abs=1e-9 * max(1, abs(z)))
        assert noising.sigmoid(z) + noising.sigmoid(-z) == pytest.approx(1.0)


@settings(max_examples=50)
@given(reals)
def test_logistic_second_derivative_bounds(z):
    fam = get_family("logistic")
    assert 0.0 <= fam.A2(z) <= 0.25 + 1e-15  # 1/4 at z = 0, up to rounding
    assert abs(fam.A3(z)) <= 1 / (6 * np.sqrt(3)) + 1e-15
