"""Dropout on a softmax (cross-entropy) layer: the exact regularizer, its series, its radius.

Schluter (2019, Section 2, eq. (6)) extends the logistic setting to a softmax
prediction layer with ``q`` classes by giving every example ``q`` independent dropout
masks, one per class: class ``j`` sees the noised copy :math:`\\tilde x^j = x\\odot\\xi_j`
and its logit is :math:`\\tilde\\eta_j = \\tilde x^j\\beta_j` (column ``j`` of the weight
matrix :math:`B\\in\\mathbb R^{d\\times q}`). Ordinary dropout on the inputs of the layer
instead shares one mask between the classes. With :math:`A(\\eta)=\\log\\sum_j e^{\\eta_j}`
and :math:`v = \\tilde\\eta - \\eta` the label term of the loss is linear in the noise, so
either way dropout adds the label-free regularizer

.. math:: R(B) = \\mathbb E_\\xi[A(\\eta + v)] - A(\\eta),

the analogue of the paper's eq. (7). This module enumerates the distribution of
:math:`v` under both noise models (:func:`perturbations`), evaluates :math:`R` exactly
(:func:`regularizer`), its Taylor series grouped by total degree as in eq. (11)
(:func:`series_terms`), the closed-form quadratic term (:func:`quadratic_term`), and
the radius of convergence of that series (:func:`series_radius`) with its lower bound
uniform in the logits (:func:`uniform_radius_bound`).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
from scipy.special import logsumexp, softmax

import noising.softmax

from .markdown_tables import markdown_table as _markdown_table

MASKS = ("per-class", "shared")

#: Largest number of dropout masks enumerated for one class (2**d).
_MAX_MASKS = 2**12
#: Largest number of distinct joint perturbations returned.
_MAX_JOINT = 20_000


def _layer_args(x, B, delta):
    x = np.asarray(x, dtype=float)
    B = np.asarray(B, dtype=float)
    if x.ndim != 1 or B.ndim != 2 or B.shape[0] != x.size or B.shape[1] < 2:
        raise ValueError(
            "x must be 1-D of length d and B of shape (d, q) with q >= 2 classes; "
            f"got shapes {x.shape} and {B.shape}."
        )
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(B))):
        raise ValueError("x and B must be finite (no NaN or infinity).")
    if isinstance(delta, (bool, np.bool_)) or not isinstance(delta, (int, float, np.integer, np.floating)):
        raise TypeError(f"delta must be a real number in (0, 1), got {type(delta).__name__}")
    delta = float(delta)
    if not 0.0 < delta < 1.0:
        raise ValueError(f"delta (the dropout probability) must lie in (0, 1), got {delta}")
    if 2**x.size > _MAX_MASKS:
        raise ValueError(f"d = {x.size} features give 2**d masks per class; enumerate at most d = 12.")
    return x, B, delta


def _mask_table(d, delta):
    """All ``2**d`` multiplicative masks ``xi - 1`` and their probabilities."""
    keep = np.array(list(itertools.product((0.0, 1.0), repeat=d)))
    prob = np.prod(np.where(keep == 1.0, 1.0 - delta, delta), axis=1)
    return keep / (1.0 - delta) - 1.0, prob


def _merge(values, prob):
    """Merge equal rows of ``values`` (exact equality), adding their probabilities."""
    rows, inverse = np.unique(values, axis=0, return_inverse=True)
    merged = np.zeros(len(rows))
    np.add.at(merged, inverse.ravel(), prob)
    return rows, merged


def class_perturbations(x, B, delta):
    """Distribution of each class's logit perturbation under its own dropout mask.

    For class ``j``, :math:`v_j = (x\\odot\\xi_j)\\beta_j - x\\beta_j
    = \\sum_k x_k B_{kj}(\\xi_{jk} - 1)`, with :math:`\\xi_{jk}` equal to 0 with
    probability ``delta`` and to :math:`1/(1-\\delta)` otherwise (Schluter 2019, Section
    2). Masks that give the same value are merged.

    Parameters
    ----------
    x : array_like, shape (d,)
        The example.
    B : array_like, shape (d, q)
        The weights, one column per class (``q >= 2``).
    delta : float
        The dropout probability, in (0, 1).

    Returns
    -------
    list of (ndarray, ndarray)
        For each class, its distinct values of :math:`v_j` and their probabilities.

    Raises
    ------
    ValueError
        For bad shapes, non-finite entries, ``delta`` outside (0, 1), or ``d > 12``.
    TypeError
        If ``delta`` is not a real number.
    """
    x, B, delta = _layer_args(x, B, delta)
    dev, prob = _mask_table(x.size, delta)
    out = []
    for j in range(B.shape[1]):
        vals, p = _merge((dev * x) @ B[:, j : j + 1], prob)
        out.append((vals.ravel(), p))
    return out


def perturbations(x, B, delta, masks="per-class"):
    """Joint distribution of the logit perturbation :math:`v = \\tilde\\eta - \\eta`.

    Parameters
    ----------
    x, B, delta
        As in :func:`class_perturbations`.
    masks : {"per-class", "shared"}
        ``"per-class"``: Schluter's model (Section 2, eq. (6)), one independent mask per
        class, so the coordinates of :math:`v` are independent. ``"shared"``: ordinary
        dropout on the layer's inputs, one mask for all classes,
        :math:`v = (x\\odot(\\xi-1))B`.

    Returns
    -------
    V : ndarray, shape (n, q)
        The distinct perturbation vectors.
    P : ndarray, shape (n,)
        Their probabilities (summing to one).

    Raises
    ------
    ValueError
        For an unknown ``masks``, bad arguments (see :func:`class_perturbations`), or
        more than 20 000 distinct joint perturbations.
    """
    if masks not in MASKS:
        raise ValueError(f"masks must be one of {MASKS}, got {masks!r}")
    x, B, delta = _layer_args(x, B, delta)
    if masks == "shared":
        dev, prob = _mask_table(x.size, delta)
        return _merge((dev * x) @ B, prob)
    per_class = class_perturbations(x, B, delta)
    count = math.prod(len(vals) for vals, _ in per_class)
    if count > _MAX_JOINT:
        raise ValueError(
            f"the per-class masks give {count} distinct joint perturbations; "
            f"at most {_MAX_JOINT} are enumerated (use fewer features or classes)."
        )
    grids = np.meshgrid(*[vals for vals, _ in per_class], indexing="ij")
    pgrids = np.meshgrid(*[p for _, p in per_class], indexing="ij")
    V = np.stack([g.ravel() for g in grids], axis=1)
    P = np.prod(np.stack([g.ravel() for g in pgrids], axis=1), axis=1)
    return V, P


def _dist_args(eta, V, P):
    eta = np.asarray(eta, dtype=float)
    V = np.asarray(V, dtype=float)
    P = np.asarray(P, dtype=float)
    if eta.ndim != 1 or V.ndim != 2 or V.shape[1] != eta.size or P.shape != (V.shape[0],):
        raise ValueError(
            "eta must have shape (q,), V shape (n, q) and P shape (n,); "
            f"got {eta.shape}, {V.shape} and {P.shape}."
        )
    if not (np.all(np.isfinite(eta)) and np.all(np.isfinite(V)) and np.all(np.isfinite(P))):
        raise ValueError("eta, V and P must be finite.")
    if np.any(P < 0) or abs(P.sum() - 1.0) > 1e-12:
        raise ValueError(f"P must be probabilities summing to one; they sum to {P.sum()}")
    return eta, V, P


def regularizer(eta, V, P):
    """The exact dropout regularizer :math:`R = \\mathbb E[A(\\eta+v)] - A(\\eta)`.

    Parameters
    ----------
    eta : array_like, shape (q,)
        The clean logits :math:`\\eta = xB`.
    V, P : array_like
        The perturbations and their probabilities (:func:`perturbations`).

    Returns
    -------
    float
    """
    eta, V, P = _dist_args(eta, V, P)
    return float(P @ logsumexp(eta + V, axis=1) - logsumexp(eta))


def series_terms(eta, V, P, order):
    """Terms of the Taylor series of :math:`R`, grouped by total degree (cf. eq. (11)).

    The degree-``m`` term is :math:`\\mathbb E[g_m(v)]`, where :math:`g_m(v)` is the
    ``t**m`` coefficient of :math:`t\\mapsto A(\\eta + t v)`, i.e.
    :math:`\\frac1{m!}D^mA(\\eta)[v,\\dots,v]`; the expectation is the finite sum over
    the perturbations (:func:`noising.softmax.lse_line_coefficients`, exact to 30
    digits, for each). Its partial sums ``np.cumsum(terms)`` are the order-``k``
    approximations :math:`R_k`; the sum of the series at :math:`t` is
    :math:`\\mathbb E[A(\\eta+tv)] - A(\\eta)`.

    Parameters
    ----------
    eta, V, P
        As in :func:`regularizer`.
    order : int
        Highest degree, ``>= 1``.

    Returns
    -------
    ndarray, shape (order + 1,)
        ``terms[m]`` for ``m = 0..order``; ``terms[0] = 0`` and ``terms[1] = 0`` up to
        rounding (the noise is unbiased).
    """
    eta, V, P = _dist_args(eta, V, P)
    if isinstance(order, (bool, np.bool_)) or not isinstance(order, (int, np.integer)) or order < 1:
        raise ValueError(f"order must be an integer >= 1, got {order!r}")
    terms = np.zeros(int(order) + 1)
    for v, p in zip(V, P):
        if np.ptp(v) == 0:  # a common shift: A moves by v_1 exactly, no higher terms
            terms[1] += p * v[0]
            continue
        g = noising.softmax.lse_line_coefficients(eta, v, int(order))
        terms[1:] += p * np.array([float(c) for c in g[1:]])
    return terms


def quadratic_term(x, B, delta, masks="per-class"):
    """Closed form of the degree-2 term :math:`R_2 = \\tfrac12\\mathbb E[v^\\top H v]`.

    :math:`H = \\operatorname{diag}(p) - pp^\\top` is the Hessian of :math:`A` at
    :math:`\\eta=xB`, :math:`p` the softmax of :math:`\\eta`. With one mask per class the
    :math:`v_j` are independent with :math:`\\operatorname{Var} v_j = \\frac{\\delta}{1-\\delta}
    \\sum_k x_k^2B_{kj}^2`, so only the diagonal of :math:`H` enters:

    .. math:: R_2 = \\frac{\\delta}{2(1-\\delta)}\\sum_j p_j(1-p_j)\\sum_k x_k^2 B_{kj}^2 .

    With a shared mask, :math:`\\operatorname{Cov} v = \\frac{\\delta}{1-\\delta}
    B^\\top\\operatorname{diag}(x^2)B` and :math:`R_2 = \\frac{\\delta}{2(1-\\delta)}
    \\sum_k x_k^2\\,B_{k\\cdot}HB_{k\\cdot}^\\top`.

    Parameters
    ----------
    x, B, delta, masks
        As in :func:`perturbations`.

    Returns
    -------
    float
    """
    if masks not in MASKS:
        raise ValueError(f"masks must be one of {MASKS}, got {masks!r}")
    x, B, delta = _layer_args(x, B, delta)
    p = softmax(x @ B)
    scale = delta / (2.0 * (1.0 - delta))
    if masks == "per-class":
        return float(scale * np.sum(p * (1.0 - p) * ((x**2) @ (B**2))))
    H = np.diag(p) - np.outer(p, p)
    return float(scale * np.sum((x**2) * np.einsum("kj,jl,kl->k", B, H, B)))


def series_radius(eta, V, P=None):
    """Radius of convergence, in :math:`t`, of :math:`\\sum_m t^m\\,\\mathbb E[g_m(v)]`.

    :math:`F(t) = \\mathbb E[A(\\eta+tv)] - A(\\eta)` is a finite positive combination of
    the functions :math:`\\log\\sum_k e^{\\eta_k+tv_k}`, each with logarithmic branch
    points at the zeros of its sum; at a common zero their logarithmic coefficients
    add with positive weights, so no singularity cancels and the radius of :math:`F` is
    the smallest line radius (:func:`noising.softmax.lse_line_radius`) over the
    perturbations of positive probability. The series of :math:`R` (at :math:`t=1`)
    converges if this exceeds 1 and diverges if it is below 1.

    Parameters
    ----------
    eta : array_like, shape (q,)
    V : array_like of integers, shape (n, q)
        Perturbations (integer-valued, as ``lse_line_radius`` requires).
    P : array_like, shape (n,), optional
        Their probabilities; rows with ``P == 0`` are ignored.

    Returns
    -------
    float
        ``inf`` if every perturbation is a common shift of the logits.
    """
    eta = np.asarray(eta, dtype=float)
    V = np.asarray(V, dtype=float)
    if V.ndim != 2 or V.shape[1] != eta.size:
        raise ValueError(f"V must have shape (n, {eta.size}), got {V.shape}")
    if P is not None:
        P = np.asarray(P, dtype=float)
        if P.shape != (V.shape[0],):
            raise ValueError(f"P must have shape ({V.shape[0]},), got {P.shape}")
        V = V[P > 0]
    # a perturbation and its shifts by a constant have the same radius
    V = np.unique(V - V[:, :1], axis=0)
    return min((noising.softmax.lse_line_radius(eta, v) for v in V), default=math.inf)


def uniform_radius_bound(v):
    """The radius along ``v`` guaranteed whatever the logits: :math:`\\pi/(\\max v - \\min v)`.

    For :math:`t = a + ib` the terms :math:`e^{\\eta_k + tv_k}` have arguments
    :math:`bv_k`, all within an arc of length :math:`|b|(\\max v-\\min v)`; below
    :math:`\\pi` their positive combination cannot vanish. So every zero of
    :math:`\\sum_k e^{\\eta_k+tv_k}` has :math:`|t| \\ge |b| \\ge \\pi/(\\max v-\\min v)`.
    The bound is attained by two classes with equal logits (:math:`\\sqrt{z_0^2+\\pi^2}`
    at :math:`z_0 = 0`) and approached for more classes when the two extreme classes of
    ``v`` dominate the others.

    Parameters
    ----------
    v : array_like, shape (q,)

    Returns
    -------
    float
        ``inf`` if all entries of ``v`` are equal.
    """
    v = np.asarray(v, dtype=float)
    if v.ndim != 1 or v.size < 2 or not np.all(np.isfinite(v)):
        raise ValueError(f"v must be a finite 1-D array with at least 2 entries, got shape {v.shape}")
    spread = float(np.ptp(v))
    return math.inf if spread == 0 else math.pi / spread


def quadratic_term_symbolic(d, q, masks="per-class"):
    """The degree-2 term :math:`\\tfrac12\\mathbb E[v^\\top Hv]` in SymPy, summed over every mask.

    An independent check of :func:`quadratic_term`: no moment formula is used, only
    the enumeration of the ``2**(d q)`` (per-class) or ``2**d`` (shared) masks with
    symbolic features, weights, dropout probability and class probabilities.

    Parameters
    ----------
    d, q : int
        Features (``1..4``) and classes (``2..4``).
    masks : {"per-class", "shared"}

    Returns
    -------
    expr : sympy.Expr
        The simplified expectation.
    symbols : dict
        ``{"x": (x1, ...), "B": Matrix(d, q), "delta": delta, "p": (p1, ...)}``;
        :math:`H = \\operatorname{diag}(p) - pp^\\top` with the ``p`` free symbols.
    """
    import sympy as sp

    if masks not in MASKS:
        raise ValueError(f"masks must be one of {MASKS}, got {masks!r}")
    for name, value, low, high in (("d", d, 1, 4), ("q", q, 2, 4)):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
        if not low <= value <= high:
            raise ValueError(f"{name} must lie in [{low}, {high}], got {value}")
    x = sp.symbols(f"x1:{d + 1}", real=True)
    B = sp.Matrix(d, q, lambda k, j: sp.Symbol(f"b{k + 1}{j + 1}", real=True))
    delta = sp.Symbol("delta", positive=True)
    p = sp.symbols(f"p1:{q + 1}", positive=True)
    H = sp.diag(*p) - sp.Matrix(p) * sp.Matrix(p).T
    per_class = masks == "per-class"
    n_bits = d * q if per_class else d
    # With r = delta / (1 - delta): a kept entry has xi - 1 = r, a dropped one -1, and
    # P(mask) = r**dropped / (1 + r)**n_bits, so the sum is a polynomial over (1 + r)**n_bits.
    r = sp.Symbol("r", positive=True)
    gens = (*x, *B, *p, r)
    total = sp.Poly(0, *gens)
    for keep in itertools.product((0, 1), repeat=n_bits):
        dev = [r if k else -1 for k in keep]
        v = [
            sp.Poly(sum(x[k] * B[k, j] * dev[j * d + k if per_class else k] for k in range(d)), *gens)
            for j in range(q)
        ]
        quad = sum(
            (v[j] * v[m] * sp.Poly(H[j, m], *gens) for j in range(q) for m in range(q)), sp.Poly(0, *gens)
        )
        total += quad * sp.Poly(r ** (n_bits - sum(keep)), *gens)
    quotient, remainder = sp.div(total, sp.Poly((1 + r) ** n_bits, *gens))
    if not remainder.is_zero:  # pragma: no cover - the expectation is polynomial in r
        raise ArithmeticError("the enumeration did not reduce to a polynomial in r")
    expr = sp.factor(quotient.as_expr() / 2).subs(r, delta / (1 - delta))
    return sp.factor(expr), {"x": x, "B": B, "delta": delta, "p": p}


def markdown_table(records, fmt="{:.3g}"):
    """A Markdown table of ``records`` (dicts with the same keys, in order) for display.

    Strings and integers are shown as they are, other numbers with ``fmt``; column
    names are the keys (``|`` is escaped).

    Examples
    --------
    >>> print(markdown_table([{"c": 1, "radius": 0.80429}]))
    | c | radius |
    |--:|--:|
    | 1 | 0.804 |
    """
    records = list(records)
    if not records:
        raise ValueError("records is empty; a table needs at least one row")
    keys = list(records[0])
    if any(list(r) != keys for r in records):
        raise ValueError("every record must have the same keys, in the same order")
    spec = fmt.removeprefix("{:").removesuffix("}")
    return _markdown_table([[r[k] for k in keys] for r in records], keys, formats=spec)
