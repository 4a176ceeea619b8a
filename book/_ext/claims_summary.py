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
them. The ledger is parsed by :func:`noising.verdicts.parse_ledger`, its one parser.
"""
from __future__ import annotations

import re

from noising.verdicts import VERDICTS, parse_ledger  # the one parser of the ledger

MARKER = "% claims-summary"
LEDGER_DOCNAME = "book/claims"

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
        doc = f"{{numref}}`§%s <{c['check']}>`" if c["check"] else "—"
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
