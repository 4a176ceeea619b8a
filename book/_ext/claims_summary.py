"""The verdicts at a glance: a summary table at the top of the claims ledger.

The ledger (``book/claims.md``) holds one entry per claim::

    (claim-w1)=
    ### W1 · Feature noising adds a label-free regularizer

    - **Claim:** ...
    - **Verdict:** holds
    - **Checked in:** {doc}`../notebooks/01_noising_regularizer`

A line ``% claims-summary`` in the ledger (a MyST comment, invisible if this
extension is absent) is replaced, when Sphinx reads the page, by a count of the
verdicts and a table with one row per claim (identifier linked to its entry, title,
verdict, chapter). The table is generated from the entries, so it cannot drift from
them. ``parse_ledger`` is the one parser of the ledger; the ledger tests use it too.
"""
from __future__ import annotations

import re

MARKER = "% claims-summary"
LEDGER_DOCNAME = "book/claims"
VERDICTS = ("holds", "holds with a correction", "fails", "not checked yet")

_HEADING = re.compile(r"^\(claim-([ws]\d+)\)=\n### ([WS]\d+) · (.+)$", re.M)
_VERDICT = re.compile(r"^- \*\*Verdict:\*\* (.+)$", re.M)
_DOC = re.compile(r"^- \*\*Checked in:\*\*.*\{doc\}`\.\./(notebooks/[^`]+)`", re.M)


def parse_ledger(text):
    """Parse the claims ledger.

    Parameters
    ----------
    text : str
        The MyST source of ``book/claims.md``.

    Returns
    -------
    dict
        ``{claim_id: {"title": str, "verdict": str, "doc": str or None}}`` in the
        order of the ledger; ``doc`` is the checking chapter's docname
        (``notebooks/01_noising_regularizer``) or None.

    Raises
    ------
    ValueError
        If an anchor does not match its heading, or an entry has no verdict line.
    """
    claims = {}
    blocks = _HEADING.split(text)
    # split yields: [preamble, label, id, title, body, label, id, title, body, ...]
    for i in range(1, len(blocks), 4):
        label, cid, title, body = blocks[i : i + 4]
        if label != cid.lower():
            raise ValueError(f"anchor (claim-{label}) does not match heading {cid}; make them agree")
        verdict = _VERDICT.search(body)
        if not verdict:
            raise ValueError(f"{cid} has no '- **Verdict:** ...' line; add one")
        doc = _DOC.search(body)
        claims[cid] = {
            "title": title.strip(),
            "verdict": verdict.group(1).strip(),
            "doc": doc.group(1) if doc else None,
        }
    return claims


def _cell(text):
    return text.replace("|", "\\|")


def summary_markdown(claims):
    """The verdict counts and the summary table, as MyST Markdown.

    Parameters
    ----------
    claims : dict
        As returned by :func:`parse_ledger`.

    Returns
    -------
    str
        A sentence counting the verdicts, then a table: claim (linked to its entry),
        title, verdict, chapter (linked).
    """
    counts = {v: sum(c["verdict"] == v for c in claims.values()) for v in VERDICTS}
    parts = [f"{n} {v}" for v, n in counts.items() if n]
    lines = [
        f"**At a glance.** {len(claims)} claims: " + "; ".join(parts) + ".",
        "",
        "| claim | statement | verdict | checked in |",
        "| :--- | :--- | :--- | :--- |",
    ]
    for cid, c in claims.items():
        doc = f"{{doc}}`../{c['doc']}`" if c["doc"] else "—"
        lines.append(
            f"| {{ref}}`{cid} <claim-{cid.lower()}>` | {_cell(c['title'])} | {c['verdict']} | {doc} |"
        )
    return "\n".join(lines) + "\n"


def insert_summary(app, docname, source):
    """``source-read`` handler: replace the marker line in the ledger by the summary."""
    if docname != LEDGER_DOCNAME or MARKER not in source[0]:
        return
    table = summary_markdown(parse_ledger(source[0]))
    source[0] = re.sub(rf"^{re.escape(MARKER)}.*$", lambda _: table, source[0], count=1, flags=re.M)


def setup(app):
    app.connect("source-read", insert_summary)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
