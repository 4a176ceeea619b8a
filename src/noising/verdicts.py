"""Verdicts on the papers' claims, decided by written rules and checked against the ledger.

The book gives every claim it examines one of five verdicts (its page "How verdicts
are decided" states the rules; this module implements them):

``holds``
    the claim, as printed, passes every check.
``holds with a correction``
    the claim as printed fails a check, but a corrected statement (a constant, an
    index, a condition fixed) passes, and it keeps the claim's point.
``fails``
    the claim as printed fails a check and no correction that keeps its point passes.
``not established``
    an empirical claim whose interval neither supports it nor contradicts it.
``not checked yet``
    listed so that the ledger is complete; no chapter checks it yet.

A chapter computes each verdict from its own checks with :func:`decide` (exact
claims) or :func:`from_interval` (empirical claims), and hands it to :func:`record`,
which glues it for the chapter's text and compares it with the claims ledger
(``book/claims.md``): a disagreement raises, naming the claim, so the test suite and
the book build fail. :func:`parse_ledger` is the one parser of the ledger's format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ._validate import check_bool, check_scalar

HOLDS = "holds"
CORRECTED = "holds with a correction"
FAILS = "fails"
NOT_ESTABLISHED = "not established"
NOT_CHECKED = "not checked yet"
VERDICTS = (HOLDS, CORRECTED, FAILS, NOT_ESTABLISHED, NOT_CHECKED)

#: Verdicts whose ledger entry must state the corrected (or supported) statement.
NEEDS_CORRECTION = (CORRECTED, FAILS, NOT_ESTABLISHED)

_ID = re.compile(r"^[WS]\d+$")


def decide(as_printed, *, corrected=False):
    """Verdict on an exact claim (checked symbolically or to rounding error).

    Parameters
    ----------
    as_printed : bool
        Whether the claim, as the paper prints it, passes the chapter's checks.
    corrected : bool, optional
        Whether a corrected statement that keeps the claim's point passes them.
        Ignored when ``as_printed`` is true.

    Returns
    -------
    str
        ``"holds"`` if ``as_printed``; otherwise ``"holds with a correction"`` if
        ``corrected``; otherwise ``"fails"``.

    Examples
    --------
    >>> decide(True)
    'holds'
    >>> decide(False, corrected=True)
    'holds with a correction'
    >>> decide(False)
    'fails'
    """
    if check_bool(as_printed, "as_printed"):
        return HOLDS
    return CORRECTED if check_bool(corrected, "corrected") else FAILS


def from_interval(low, high, *, threshold=0.0, scope_ok=True):
    """Verdict on an empirical claim "the effect exceeds ``threshold``".

    The estimand, the number of seeds and the interval's level are fixed before the
    run; this rule only reads the interval.

    Parameters
    ----------
    low, high : float
        The ends of the interval for the effect (e.g. a 95 % Student-t interval of a
        mean difference over seeds).
    threshold : float, optional
        The effect the claim asserts is exceeded (0 for "improves").
    scope_ok : bool, optional
        False when the interval supports the claim only in a narrower setting than
        the paper states (then a supported claim "holds with a correction").

    Returns
    -------
    str
        ``"holds"`` if ``low > threshold`` (and ``scope_ok``), ``"holds with a
        correction"`` if ``low > threshold`` but not ``scope_ok``, ``"fails"`` if
        ``high < threshold`` (the interval contradicts the claim), otherwise
        ``"not established"``.

    Examples
    --------
    >>> from_interval(0.01, 0.05)
    'holds'
    >>> from_interval(-0.01, 0.05)
    'not established'
    >>> from_interval(-0.05, -0.01)
    'fails'
    """
    hint = "an interval needs at least two finite results"
    low, high = (check_scalar(v, name, hint=hint) for name, v in (("low", low), ("high", high)))
    threshold = check_scalar(threshold, "threshold")
    if low > high:
        raise ValueError(f"low ({low}) exceeds high ({high}); pass the interval's ends in order")
    scope_ok = check_bool(scope_ok, "scope_ok")
    if low > threshold:
        return HOLDS if scope_ok else CORRECTED
    if high < threshold:
        return FAILS
    return NOT_ESTABLISHED


# --------------------------------------------------------------------------- ledger

_HEADING = re.compile(r"^\(claim-([ws]\d+)\)=\n### ([WS]\d+) · (.+)$", re.M)
_FIELD = re.compile(r"^- \*\*([A-Za-z ]+):\*\* ?(.*(?:\n  .*)*)", re.M)
_CHECK_LABEL = re.compile(r"<(check-[ws]\d+[a-z0-9-]*)>|`(check-[ws]\d+[a-z0-9-]*)`")


def parse_ledger(text):
    """Parse the claims ledger (``book/claims.md``).

    Each entry is an anchor, a heading and a list of fields::

        (claim-w1)=
        ### W1 · Feature noising adds a label-free regularizer

        - **Source:** Wager et al. (2013), eq. (1)
        - **Claim:** ...
        - **Verdict:** holds
        - **Correction:** ...   (required unless the verdict is holds / not checked yet)
        - **Evidence:** ...
        - **Checked in:** {numref}`§%s <check-w1>`

    Parameters
    ----------
    text : str
        The MyST source of the ledger.

    Returns
    -------
    dict
        ``{claim_id: {"title", "verdict", "fields", "check"}}`` in ledger order;
        ``fields`` maps each field name (``"Claim"``, ``"Correction"``, ...) to its
        text, and ``check`` is the label of the section holding the evidence
        (``"check-w1"``) or None.

    Raises
    ------
    ValueError
        If an anchor does not match its heading, an identifier repeats, an entry has
        no verdict or an unknown one, or a verdict that needs a correction has none.
    """
    claims = {}
    blocks = _HEADING.split(text)
    # split yields: [preamble, label, id, title, body, label, id, title, body, ...]
    for i in range(1, len(blocks), 4):
        label, cid, title, body = blocks[i : i + 4]
        if label != cid.lower():
            raise ValueError(f"anchor (claim-{label}) does not match heading {cid}; make them agree")
        if cid in claims:
            raise ValueError(f"{cid} appears twice in the ledger; identifiers are never reused")
        fields = {
            m.group(1).strip(): re.sub(r"\s*\n\s*", " ", m.group(2)).strip() for m in _FIELD.finditer(body)
        }
        verdict = fields.get("Verdict")
        if verdict is None:
            raise ValueError(f"{cid} has no '- **Verdict:** ...' line; add one")
        if verdict not in VERDICTS:
            raise ValueError(f"{cid}: unknown verdict {verdict!r}; use one of {', '.join(VERDICTS)}")
        if verdict in NEEDS_CORRECTION and not fields.get("Correction"):
            raise ValueError(f"{cid} is marked {verdict!r} but has no '- **Correction:** ...' line; state it")
        check = _CHECK_LABEL.search(fields.get("Checked in", ""))
        claims[cid] = {
            "title": title.strip(),
            "verdict": verdict,
            "fields": fields,
            "check": (check.group(1) or check.group(2)) if check else None,
        }
    return claims


def find_ledger(start=None):
    """Path of ``book/claims.md`` in ``start`` (default: the working directory) or a parent.

    Returns None outside the book's source tree (e.g. a chapter copied elsewhere).
    """
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "book" / "claims.md"
        if candidate.is_file():
            return candidate
    return None


class LedgerMismatch(AssertionError):
    """A chapter computed a verdict that the claims ledger does not record."""


@dataclass(frozen=True)
class Verdict:
    """A claim's verdict as a chapter computed it.

    Displays as a one-line verdict box in a notebook; ``str()`` and ``repr()`` are
    the verdict alone, so ``{glue:text}`` pastes it into prose.
    """

    claim: str
    verdict: str

    def __repr__(self):
        return self.verdict

    __str__ = __repr__

    def _repr_markdown_(self):
        return f"**{self.claim}**, verdict computed by the checks above: **{self.verdict}**"


def record(claim, verdict, *, ledger=None, glue=True):
    """Record a chapter's verdict on ``claim``, glue it, and check it against the ledger.

    Parameters
    ----------
    claim : str
        The claim's identifier in the ledger (``"W1"``, ``"S4"``, ...).
    verdict : str
        The verdict the chapter's checks computed, from :func:`decide` or
        :func:`from_interval`.
    ledger : path-like, optional
        The claims ledger; by default ``book/claims.md`` found from the working
        directory (:func:`find_ledger`). Outside the book's tree nothing is compared.
    glue : bool, optional
        Glue the verdict under the key ``verdict-<claim>`` (``myst_nb.glue``) so
        that the chapter's text pastes it with ``{glue:text}`verdict-W1```.

    Returns
    -------
    Verdict
        Displayed as a one-line verdict box.

    Raises
    ------
    LedgerMismatch
        If the ledger lists ``claim`` with another verdict, or does not list it.
    """
    if not isinstance(claim, str) or not _ID.match(claim):
        raise ValueError(f"claim must be an identifier such as 'W1' or 'S4', got {claim!r}")
    if verdict not in VERDICTS[:-1]:
        raise ValueError(f"verdict must be one of {', '.join(VERDICTS[:-1])}; got {verdict!r}")
    path = Path(ledger) if ledger is not None else find_ledger()
    if path is not None:
        entries = parse_ledger(path.read_text(encoding="utf-8"))
        if claim not in entries:
            raise LedgerMismatch(f"{claim}: the chapter checks it but {path} has no entry for it; add one")
        typed = entries[claim]["verdict"]
        if typed != verdict:
            raise LedgerMismatch(
                f"{claim}: the chapter's checks give {verdict!r} but {path} says {typed!r}; "
                "the ledger must follow the checks"
            )
    result = Verdict(claim, verdict)
    if glue:
        from myst_nb import glue as _glue

        _glue(f"verdict-{claim}", result, display=False)
    return result
