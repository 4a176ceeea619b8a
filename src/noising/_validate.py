"""Input checks shared by every public function of :mod:`noising` (the only home of them).

In the spirit of scikit-learn's ``check_scalar`` and ``check_array``:

* a value of the wrong *type* (a string, ``None``, a complex number, a bool where a
  number is expected, a float where an integer is expected, an array of strings or
  objects) raises :class:`TypeError`;
* a value of the right type but the wrong *value* (out of range, NaN or infinite,
  wrong shape, empty, too large to compute) raises :class:`ValueError`;
* every message starts with the argument's name, says what was expected and what
  was received, and, where it helps, what to do instead.

Arrays of bools and integers are accepted wherever real arrays are (they are
converted to float, as scikit-learn does); complex arrays are refused rather than
silently losing their imaginary part.

Size limits (:data:`MAX_ELEMENTS`, :data:`MAX_WORK`) turn a request that could not
finish in reasonable time or memory into a :class:`ValueError` that states the limit.

Designs may be ``scipy.sparse`` matrices or arrays where the function says so
(``check_design(..., accept_sparse="csr")``): any format is converted once to a
canonical float64 CSR (or CSC) *array*, duplicates summed, never densified, and the
stored values are checked like a dense array's. Functions that need a dense design
refuse a sparse one with a :class:`TypeError` that says why and what to do instead.
"""
from __future__ import annotations

import math
import numbers
import operator

import numpy as np

__all__ = [
    "MAX_ELEMENTS",
    "MAX_WORK",
    "check_scalar",
    "check_count",
    "check_probability",
    "check_dropout_rates",
    "check_bool",
    "check_choice",
    "check_array",
    "check_vector",
    "check_design",
    "check_design_beta",
    "check_product_range",
    "column_max_abs",
    "is_sparse",
    "check_beta",
    "check_labels",
    "check_weights",
    "check_indices",
    "check_axis",
    "check_noise",
    "check_random_state",
    "check_linear_predictor",
    "check_size",
]

#: Largest number of array elements a data generator builds (8e8 bytes of float64).
MAX_ELEMENTS = 10**8
#: Largest number of elementary steps (draws x examples x features, or SGD steps x
#: features) an iterative routine accepts; about a minute of work on one core.
MAX_WORK = 10**9


def _type_name(value):
    return type(value).__name__


def _is_bool(value):
    return isinstance(value, (bool, np.bool_))


def _suffix(hint):
    return f"; {hint}" if hint else ""


def _range_text(min, max, include_min, include_max):
    if min is not None and max is not None:
        lo = "[" if include_min else "("
        hi = "]" if include_max else ")"
        return f"in {lo}{min}, {max}{hi}"
    if min is not None:
        return f"{'>=' if include_min else '>'} {min}"
    if max is not None:
        return f"{'<=' if include_max else '<'} {max}"
    return "finite"


def check_scalar(value, name, kind="real", *, min=None, max=None, include_min=True, include_max=True, hint=""):
    """Check a scalar argument and return it as ``float`` (``kind="real"``) or ``int``.

    Parameters
    ----------
    value : object
        The argument to check.
    name : str
        Its name, used in the messages.
    kind : {"real", "int"}
        ``"real"`` accepts Python and NumPy integers and floats; ``"int"`` accepts
        Python and NumPy integers only. Bools are refused in both cases.
    min, max : float, optional
        Bounds of the allowed range.
    include_min, include_max : bool
        Whether the bounds themselves are allowed.
    hint : str
        Advice appended to the message of a :class:`ValueError`.

    Returns
    -------
    float or int

    Raises
    ------
    TypeError
        If ``value`` is not a number of the requested kind (bools included).
    ValueError
        If ``value`` is NaN, infinite or outside the range.

    Examples
    --------
    >>> check_scalar(0.5, "delta", min=0, max=1, include_max=False)
    0.5
    >>> check_scalar(True, "delta")
    Traceback (most recent call last):
    ...
    TypeError: delta must be a real number, got True (bool).
    """
    if kind not in ("real", "int"):  # pragma: no cover - programming error
        raise ValueError(f"kind must be 'real' or 'int', got {kind!r}.")
    want = "an integer" if kind == "int" else "a real number"
    abstract = numbers.Integral if kind == "int" else numbers.Real
    if _is_bool(value) or not isinstance(value, abstract):
        extra = ""
        if kind == "int" and isinstance(value, numbers.Real) and not _is_bool(value):
            extra = f"; pass int({value!r}) if a whole number is meant"
        raise TypeError(f"{name} must be {want}, got {value!r} ({_type_name(value)}){extra}.")
    out = operator.index(value) if kind == "int" else float(value)
    if kind == "real" and not math.isfinite(out):
        raise ValueError(f"{name} must be finite, got {out}{_suffix(hint)}.")
    too_low = min is not None and (out < min if include_min else out <= min)
    too_high = max is not None and (out > max if include_max else out >= max)
    if too_low or too_high:
        raise ValueError(
            f"{name} must be {_range_text(min, max, include_min, include_max)}, got {out}{_suffix(hint)}."
        )
    return out


def check_count(value, name, *, min=1, max=None, hint=""):
    """An integer count ``min <= value <= max`` (see :func:`check_scalar`), as ``int``.

    ``max`` is where a size guard goes: the message states the limit and ``hint``
    says what to do instead.
    """
    return check_scalar(value, name, "int", min=min, max=max, hint=hint)


def check_probability(value, name, *, include_0=True, include_1=False, hint=""):
    """A probability in ``[0, 1)`` by default (bounds chosen with ``include_0``/``include_1``), as ``float``."""
    return check_scalar(value, name, "real", min=0, max=1, include_min=include_0, include_max=include_1, hint=hint)


def check_dropout_rates(delta, name="delta", *, d=None, include_0=True, hint=""):
    """One dropout probability, or one per feature: a float in ``[0, 1)`` or a read-only 1-D float array.

    Parameters
    ----------
    delta : float or array_like of shape (d,)
        A scalar is one rate for every feature (returned as ``float``); a vector gives
        feature ``j`` the rate ``delta[j]`` (``0`` for a column that is never dropped,
        such as an intercept).
    name : str
    d : int, optional
        Number of columns a vector must match.
    include_0 : bool
        Whether a rate of 0 is allowed (not for methods that divide by the rate).
    hint : str
        Advice appended to the message of a :class:`ValueError`.

    Raises
    ------
    TypeError
        For a bool, string, complex or ``None`` rate.
    ValueError
        For a rate outside the range, NaN or infinity, a vector that is not 1-D or is
        empty, or one whose length differs from ``d``.
    """
    if not (isinstance(delta, (list, tuple, np.ndarray)) and np.ndim(delta) >= 1):
        if isinstance(delta, np.ndarray):  # a 0-d array
            delta = delta[()]
        return check_probability(delta, name, include_0=include_0, hint=hint)
    rates = _to_float_array(delta, name)
    if (isinstance(delta, np.ndarray) and delta.dtype.kind == "b") or (
        isinstance(delta, (list, tuple)) and any(_is_bool(v) for v in delta)
    ):
        raise TypeError(f"{name} must hold real numbers (dropout probabilities), got booleans.")
    if rates.ndim != 1:
        raise ValueError(f"{name} must be a number or a 1-D vector with one rate per feature, got shape {rates.shape}.")
    rates = check_array(rates, name)
    if d is not None and rates.shape[0] != d:
        raise ValueError(f"{name} has {rates.shape[0]} per-feature rates but X has {d} columns; they must agree.")
    low = (rates < 0) if include_0 else (rates <= 0)
    if np.any(low) or np.any(rates >= 1):
        bad = rates[low | (rates >= 1)][0]
        rng_text = "in [0, 1)" if include_0 else "in (0, 1)"
        raise ValueError(f"{name} must be {rng_text} for every feature, got {bad}{_suffix(hint)}.")
    rates = rates.copy()
    rates.flags.writeable = False
    return rates


def check_bool(value, name):
    """A flag: ``True`` or ``False`` (Python or NumPy bool), else :class:`TypeError`."""
    if not _is_bool(value):
        raise TypeError(f"{name} must be True or False, got {value!r} ({_type_name(value)}).")
    return bool(value)


def check_choice(value, name, choices):
    """A string among ``choices``: :class:`TypeError` for a non-string, :class:`ValueError` for another string."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be one of {sorted(choices)} (a string), got {value!r} ({_type_name(value)}).")
    if value not in choices:
        raise ValueError(f"unknown {name} {value!r}; choose one of {sorted(choices)}.")
    return value


def is_sparse(a):
    """Whether ``a`` is a ``scipy.sparse`` matrix or array (without importing SciPy for dense input)."""
    if isinstance(a, np.ndarray) or not hasattr(a, "toarray"):
        return False
    import scipy.sparse as sp

    return sp.issparse(a)


def _refuse_sparse(a, name, why=""):
    import scipy.sparse as sp

    reason = why or "this function works on dense arrays only"
    kind = "array" if isinstance(a, sp.sparray) else "matrix"
    raise TypeError(
        f"{name} is a scipy.sparse {a.format} {kind} of shape {a.shape}, but {reason}; "
        f"pass {name}.toarray() if it is small enough to hold densely."
    )


def _to_float_array(a, name):
    if a is None or isinstance(a, (str, bytes, dict, set)) or callable(a):
        raise TypeError(f"{name} must be an array of real numbers, got {a!r} ({_type_name(a)}).")
    if is_sparse(a):
        _refuse_sparse(a, name, f"{name} must be a dense array")
    try:
        arr = np.asarray(a)
    except ValueError:
        raise ValueError(
            f"{name} must be a rectangular array of numbers, got a ragged sequence "
            "(rows of different lengths); pad or trim the rows to one length."
        ) from None
    kind = arr.dtype.kind
    if kind == "c":
        raise TypeError(
            f"{name} must be real, got complex values (dtype {arr.dtype}); "
            f"pass {name}.real if the imaginary part is meant to be dropped."
        )
    if kind == "O":
        try:
            arr = arr.astype(float)
        except (TypeError, ValueError):
            raise TypeError(f"{name} must be an array of real numbers, got an array of Python objects.") from None
    elif kind not in "biuf":
        raise TypeError(f"{name} must be an array of real numbers, got dtype {arr.dtype} (e.g. strings).")
    return arr.astype(float, copy=False)


def check_array(a, name, *, ndim=None, shape=None, allow_empty=False, finite=True):
    """Return ``a`` as a float array after checking type, dimension, shape, emptiness and finiteness.

    Parameters
    ----------
    a : array_like
        Bool, integer or float entries (converted to float).
    name : str
    ndim : int, optional
        Required number of dimensions.
    shape : tuple, optional
        Required shape.
    allow_empty : bool
        Whether an array with no elements is acceptable.
    finite : bool
        Whether to refuse NaN and infinity.

    Raises
    ------
    TypeError
        For complex, string, object or ``None`` input.
    ValueError
        For a ragged sequence, a wrong dimension or shape, an empty array, NaN or infinity.
    """
    arr = _to_float_array(a, name)
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be a {ndim}-D array, got shape {arr.shape}.")
    if shape is not None and arr.shape != tuple(shape):
        raise ValueError(f"{name} must have shape {tuple(shape)}, got shape {arr.shape}.")
    if not allow_empty and arr.size == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape}); pass at least one value.")
    if finite and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values; remove or impute them before calling.")
    return arr


def check_vector(v, name, *, size=None, allow_empty=False):
    """A finite 1-D float array (of length ``size`` if given)."""
    v = _to_float_array(v, name)
    if v.ndim != 1:
        raise ValueError(f"{name} must be a 1-D vector, got shape {v.shape}; pass a flat array such as {name}.ravel().")
    if size is not None and v.shape[0] != size:
        raise ValueError(f"{name} must have length {size} (one entry per column of X), got {v.shape[0]}.")
    return check_array(v, name, allow_empty=allow_empty)


def _sparse_design(X, name, fmt):
    """A canonical float64 sparse array in format ``fmt`` ("csr" or "csc"); checks dtype and stored values.

    The input is never modified: duplicates are summed on a copy. Explicit zeros are kept
    (they contribute nothing). Memory is O(nnz).
    """
    import scipy.sparse as sp

    kind = X.dtype.kind
    if kind == "c":
        raise TypeError(
            f"{name} must be real, got complex values (dtype {X.dtype}); "
            f"pass {name}.real if the imaginary part is meant to be dropped."
        )
    if kind not in "biuf":
        raise TypeError(f"{name} must be a sparse matrix of real numbers, got dtype {X.dtype}.")
    if X.ndim == 1:  # a 1-D sparse array (one example); the caller decides whether that is allowed
        X = sp.coo_array(X).reshape((1, X.shape[0]))
    convert = sp.csr_array if fmt == "csr" else sp.csc_array
    out = convert(X)
    if out.dtype != np.float64:
        out = out.astype(np.float64)  # a copy
    if not out.has_canonical_format:  # duplicate or unsorted indices: sum them on a copy
        out = out.copy()
        out.sum_duplicates()
    if not np.all(np.isfinite(out.data)):
        raise ValueError(
            f"{name} contains NaN or infinite values among its stored entries; remove or impute them before calling."
        )
    return out


def check_design(X, name="X", *, allow_vector=False, allow_no_rows=False, accept_sparse=False, sparse_reason=""):
    """A finite float design of shape ``(n, d)``, ``d >= 1`` (a 1-D ``x`` becomes one row if allowed).

    Parameters
    ----------
    X : array_like or scipy.sparse matrix/array
    name : str
    allow_vector : bool
        Accept a 1-D ``x`` as one example (returned with shape ``(1, d)``).
    allow_no_rows : bool
        Accept ``n = 0``.
    accept_sparse : {False, "csr", "csc"}
        ``False`` refuses a ``scipy.sparse`` design with a :class:`TypeError` (saying
        ``sparse_reason``); a format name converts any sparse format to a canonical
        float64 sparse *array* of that format (duplicates summed, never densified).

    Returns
    -------
    ndarray or scipy.sparse.csr_array / csc_array
        Float64, shape ``(n, d)``.

    Raises
    ------
    TypeError
        For complex, string or object entries, or a sparse design where only dense ones work.
    ValueError
        For a wrong dimension, an empty design, or NaN/inf among the (stored) entries.
    """
    if is_sparse(X):
        if not accept_sparse:
            _refuse_sparse(X, name, sparse_reason)
        if X.ndim == 1 and not allow_vector:
            raise ValueError(f"{name} must have shape (n, d), got a 1-D sparse array of shape {X.shape}.")
        X = _sparse_design(X, name, accept_sparse)
        if X.shape[1] == 0 or (X.shape[0] == 0 and not allow_no_rows):
            raise ValueError(
                f"{name} is empty (shape {X.shape}); pass at least one example with at least one feature."
            )
        return X
    X = _to_float_array(X, name)
    if allow_vector and X.ndim == 1:
        X = X[None, :]
    if X.ndim != 2:
        shapes = "(n, d) or (d,)" if allow_vector else "(n, d)"
        raise ValueError(
            f"{name} must have shape {shapes}, got shape {X.shape}; stack the examples as the rows of a 2-D array."
        )
    if X.shape[1] == 0 or (X.shape[0] == 0 and not allow_no_rows):
        raise ValueError(f"{name} is empty (shape {X.shape}); pass at least one example with at least one feature.")
    return check_array(X, name, allow_empty=allow_no_rows)


def check_beta(beta, d, name="beta"):
    """A finite weight vector of shape ``(d,)`` matching a design with ``d`` columns."""
    beta = _to_float_array(beta, name)
    if beta.ndim != 1:
        raise ValueError(
            f"{name} must be a 1-D vector of shape (d,), got shape {beta.shape}; pass a flat array such as {name}.ravel()."
        )
    if beta.shape[0] != d:
        raise ValueError(
            f"{name} must have shape ({d},) to match the {d} columns of X, got shape {beta.shape} "
            f"(X is (n, d), {name} is (d,))."
        )
    return check_array(beta, name)


def check_design_beta(X, beta, *, beta_name="beta", accept_sparse=False, sparse_reason=""):
    """Return ``(X, beta)`` as float arrays of shape ``(n, d)`` and ``(d,)`` (a 1-D ``X`` is one example).

    ``accept_sparse`` and ``sparse_reason`` are as in :func:`check_design`; a sparse
    ``X`` is returned as a canonical float64 sparse array.

    Raises
    ------
    TypeError
        For complex, string or object input.
    ValueError
        If the shapes do not match, an array is empty, an entry is NaN or infinite, or
        a product :math:`x_{ij}\\beta_j` overflows the float range.
    """
    X = check_design(X, "X", allow_vector=True, accept_sparse=accept_sparse, sparse_reason=sparse_reason)
    beta = check_beta(beta, X.shape[1], beta_name)
    check_product_range(column_max_abs(X), beta, beta_name)
    return X, beta


def column_max_abs(X):
    """:math:`\\max_i |x_{ij}|` per column of a checked design (dense or sparse), shape ``(d,)``."""
    if is_sparse(X):
        return abs(X).max(axis=0).toarray().ravel()
    return np.abs(X).max(axis=0) if X.shape[0] else np.zeros(X.shape[1])


def check_product_range(col_max, beta, beta_name="beta"):
    """Refuse weights for which some :math:`x_{ij}\\beta_j` overflows (``col_max`` from :func:`column_max_abs`)."""
    with np.errstate(over="ignore", invalid="ignore"):
        big = col_max * np.abs(beta)
    if not np.all(np.isfinite(big)):
        raise ValueError(
            f"X * {beta_name} overflows the float range (|x_ij {beta_name}_j| > 1.8e308); "
            f"rescale the features or {beta_name}."
        )
    return beta


def check_linear_predictor(z, what="X @ beta"):
    """Refuse a linear predictor :math:`x_i\\beta` that overflowed to infinity (sums of large terms)."""
    if not np.all(np.isfinite(z)):
        raise ValueError(f"{what} overflows the float range for some example; rescale the features or the weights.")
    return z


def check_labels(y, n, family=None, name="y"):
    """Validate responses ``y`` for the ``n`` rows of a design.

    Parameters
    ----------
    y : array_like, shape (n,)
    n : int
        Number of rows of X.
    family : Family, optional
        When given, the responses must lie in the family's support: labels in
        {0, 1} for ``"logistic"``, counts >= 0 for ``"poisson"``.
    name : str

    Returns
    -------
    ndarray, shape (n,), float
    """
    y = _to_float_array(y, name)
    if y.ndim != 1 or y.shape[0] != n:
        raise ValueError(
            f"{name} must be a 1-D array with one response per row of X ({n}), got shape {y.shape}; "
            f"pass {name}.ravel() if it is a column vector."
        )
    y = check_array(y, name, allow_empty=(n == 0))
    fam = getattr(family, "name", None)
    if fam == "logistic" and not np.all((y == 0) | (y == 1)):
        raise ValueError(
            f"{name}: logistic regression needs labels {name} in {{0, 1}}; recode e.g. {name} = ({name} > 0).astype(float)."
        )
    if fam == "poisson" and np.any(y < 0):
        raise ValueError(f"{name}: Poisson regression needs counts {name} >= 0.")
    return y


def check_weights(weights, n, name="weights"):
    """Non-negative example weights with a positive sum, normalised to sum to one (uniform if ``None``)."""
    if weights is None:
        return np.full(n, 1.0 / n)
    w = check_array(weights, name, shape=(n,))
    if np.any(w < 0) or w.sum() <= 0:
        raise ValueError(f"{name} must be non-negative with a positive sum (they are normalised to 1).")
    return w / w.sum()


def check_indices(indices, d, name):
    """Integer column indices in ``[-d, d)``; returns a boolean mask, True for the columns *not* listed.

    ``None`` or an empty sequence lists no column. With ``d = None`` only the types
    are checked (before the number of columns is known) and ``None`` is returned.
    """
    mask = np.ones(d if d is not None else 0, dtype=bool)
    if indices is None:
        return mask if d is not None else None
    if isinstance(indices, (str, bytes, dict, set)) or _is_bool(indices):
        raise TypeError(f"{name} must be a sequence of integer column indices, got {indices!r}.")
    try:
        idx = np.atleast_1d(np.asarray(indices))
    except ValueError:
        raise ValueError(f"{name} must be a flat sequence of integer column indices, got {indices!r}.") from None
    if idx.size == 0:
        return mask if d is not None else None
    if idx.dtype.kind not in "iu":
        raise TypeError(
            f"{name} must be a sequence of integer column indices, got {indices!r}; "
            f"for an intercept in column 0 pass {name}=[0]."
        )
    if d is None:
        return None
    if idx.ndim != 1 or np.any(idx < -d) or np.any(idx >= d):
        raise ValueError(f"{name} indices must lie in [-{d}, {d}) for {d} features, got {indices!r}.")
    mask[idx] = False
    return mask


def check_axis(axis, ndim, name="axis"):
    """An integer axis of an array with ``ndim`` dimensions (negative counts from the end)."""
    axis = check_scalar(axis, name, "int")
    if not -ndim <= axis < ndim:
        raise ValueError(f"{name} = {axis} is out of range for an array with {ndim} dimension(s); use 0..{ndim - 1}.")
    return axis


def check_noise(noise, name="noise", *, dropout_only=False, d=None):
    """A :class:`~noising.noise.Dropout` or :class:`~noising.noise.Gaussian` instance, else :class:`TypeError`.

    With ``d``, per-feature dropout rates must number ``d`` (:class:`ValueError` otherwise).
    """
    from .noise import Dropout, Gaussian

    allowed = (Dropout,) if dropout_only else (Dropout, Gaussian)
    if not isinstance(noise, allowed):
        want = "noising.Dropout(delta)" if dropout_only else "noising.Dropout(delta) or noising.Gaussian(sigma)"
        raise TypeError(f"{name} must be {want}, got {noise!r} ({_type_name(noise)}).")
    if d is not None and isinstance(noise, Dropout) and np.ndim(noise.delta) == 1 and noise.delta.shape[0] != d:
        raise ValueError(
            f"{name}: delta has {noise.delta.shape[0]} per-feature rates but X has {d} columns; they must agree."
        )
    return noise


def check_random_state(seed, name="seed"):
    """A :class:`numpy.random.Generator` from a non-negative integer seed (or a list of them), a Generator, or ``None``.

    ``None`` draws fresh entropy from the operating system (not reproducible).
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None:
        return np.random.default_rng()
    if isinstance(seed, np.random.SeedSequence):
        return np.random.default_rng(seed)
    if isinstance(seed, (list, tuple)):  # a sequence of integers, as numpy accepts (e.g. [rep, seed])
        for i, part in enumerate(seed):
            check_scalar(part, f"{name}[{i}]", "int", min=0)
        return np.random.default_rng([int(part) for part in seed])
    seed = check_scalar(seed, name, "int", min=0, hint="pass a non-negative integer or a numpy.random.Generator")
    return np.random.default_rng(seed)


def check_size(total, limit, what, hint):
    """Refuse work or memory of ``total`` units above ``limit`` (a :class:`ValueError` stating both)."""
    if total > limit:
        raise ValueError(f"{what} = {total:.3g} exceeds the limit {limit:.3g}; {hint}.")
    return total
