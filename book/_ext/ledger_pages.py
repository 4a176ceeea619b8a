"""Pages generated from the claims ledger, and stable anchors for its entries.

The ledger (``book/claims.md``, parsed by :func:`noising.verdicts.parse_ledger`) is
the one source of three generated blocks. Each page carries a marker line (a MyST
comment, invisible if this extension is absent) that Sphinx's ``source-read`` event
replaces:

``% claims-summary`` in the ledger
    the verdict counts and a table with one row per claim;
``% errata-list`` in ``book/errata.md``
    one entry per claim that "holds with a correction" or "fails": the statement as
    printed, the correction, the evidence, each under a stable anchor
    ``(erratum-s4)=``;
``% cite-book`` and ``% cite-list`` in ``book/cite.md``
    the book's BibTeX entry, from the book's configuration; and
    a table of every claim and the BibTeX entry of each, pointing at the claim's
    anchor (an absolute address when ``html_baseurl`` is set).

Generated from the entries, these cannot drift from them. The extension also puts a
stable label first among the ids of its section (labels starting ``claim-``,
``erratum-`` or ``check-``), so that the heading's permalink, the page's contents and
a link such as ``claims.html#claim-s4`` all use ``#claim-s4`` instead of a slug of
the title.
"""

from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes
from sphinx.transforms import SphinxTransform

from noising import __version__ as noising_version
from noising.verdicts import CORRECTED, FAILS, VERDICTS, parse_ledger

LEDGER = "book/claims.md"
STABLE_PREFIXES = ("claim-", "erratum-", "check-")
ERRATA_VERDICTS = (CORRECTED, FAILS)

# Where each claim comes from, by the start of its Source field: (key, heading).
SOURCES = (
    ("review", "The PaperWhy review of Wager, Wang & Liang"),
    ("Wager", "Wager, Wang & Liang (2013)"),
    ("authors", "Wager, Wang & Liang (2013)"),
    ("Schluter", "Schluter (2019)"),
)


def _cell(text):
    return text.replace("|", "\\|")


def _evidence(claim):
    return f"{{numref}}`Section %s <{claim['check']}>`" if claim["check"] else "—"


def summary_markdown(claims):
    """The verdict counts and the summary table of the ledger, as MyST Markdown."""
    counts = {v: sum(c["verdict"] == v for c in claims.values()) for v in VERDICTS}
    parts = [f"{n} {v}" for v, n in counts.items() if n]
    lines = [
        f"**At a glance.** {len(claims)} claims: " + "; ".join(parts) + ".",
        "",
        "| claim | statement | verdict | evidence |",
        "| :--- | :--- | :--- | :--- |",
    ]
    for cid, c in claims.items():
        lines.append(
            f"| {{ref}}`{cid} <claim-{cid.lower()}>` | {_cell(c['title'])} | {c['verdict']} | {_evidence(c)} |"
        )
    return "\n".join(lines) + "\n"


def source_of(claim):
    """The heading of the errata part a claim belongs to, from its Source field.

    A claim that the review only quotes from the paper belongs to the paper; one whose
    source is the review alone (its text starts with "review") to the review.
    """
    source = claim["fields"].get("Source", "")
    for key, heading in SOURCES:
        if source.startswith(key):
            return heading
    raise ValueError(
        f"{claim['title']!r}: its Source {source!r} names no known paper; start it with one of "
        + ", ".join(k for k, _ in SOURCES)
    )


def errata_markdown(claims):
    """One entry per claim that does not hold as printed, grouped by paper, as MyST Markdown."""
    parts = {}
    for cid, c in claims.items():
        if c["verdict"] in ERRATA_VERDICTS:
            parts.setdefault(source_of(c), []).append((cid, c))
    lines = [f"**{sum(map(len, parts.values()))} errors** found in {len(parts)} sources.", ""]
    for heading in dict.fromkeys(h for _, h in SOURCES):
        if heading not in parts:
            continue
        lines += [f"## {heading}", ""]
        for cid, c in parts[heading]:
            f = c["fields"]
            lines += [
                f"(erratum-{cid.lower()})=",
                f"### {cid} · {c['title']}",
                "",
                f"- **Where:** {f.get('Source', '—')}",
                f"- **As printed:** {f.get('Claim', '—')}",
                f"- **Correction:** {f['Correction']}",
            ]
            if f.get("Evidence"):
                lines.append(f"- **Evidence:** {f['Evidence']}")
            lines += [
                f"- **Verdict:** {c['verdict']}; ledger entry {{ref}}`{cid} <claim-{cid.lower()}>`; "
                f"checks in {_evidence(c)}",
                "",
            ]
    return "\n".join(lines)


def _bibtex_text(text):
    """Ledger text made safe for a BibTeX field: MyST roles dropped, braces balanced."""
    text = re.sub(r"\{[a-z:]+\}`([^`<]*?)(?:\s*<[^>]*>)?`", r"\1", text)
    return text.replace("&", r"\&").replace("#", r"\#").replace("%", r"\%")


def book_bibtex(*, title, author, year, version, baseurl=""):
    """The book's own BibTeX entry, from the book's configuration."""
    where = f"  url       = {{{baseurl}}},\n" if baseurl else ""
    return "\n".join(
        [
            "```bibtex",
            f"@book{{dropoutcompanion{year},",
            f"  author    = {{{{{author}}}}},",
            f"  title     = {{{title}}},",
            f"  year      = {{{year}}},",
            f"  edition   = {{Version {version}}},",
            where + "  note      = {Companion book with executable checks of the claims of",
            "               Wager, Wang \\& Liang (2013) and Schluter (2019)}",
            "}",
            "```",
            "",
        ]
    )


def cite_markdown(claims, *, title, author, year, version, baseurl=""):
    """The list of claims with a BibTeX entry for each, as MyST Markdown."""
    lines = [
        "| claim | statement | verdict |",
        "| :--- | :--- | :--- |",
    ]
    for cid, c in claims.items():
        lines.append(f"| {{ref}}`{cid} <claim-{cid.lower()}>` | {_cell(c['title'])} | {c['verdict']} |")
    entries = []
    for cid, c in claims.items():
        anchor = f"claims.html#claim-{cid.lower()}"
        where = (
            f"  url          = {{{baseurl.rstrip('/')}/book/{anchor}}},"
            if baseurl
            else f"  howpublished = {{Claims ledger, entry {cid} (book/{anchor.replace('#', chr(92) + '#')})}},"
        )
        entries.append(
            "\n".join(
                [
                    f"@misc{{dropoutcompanion{year}claim{cid},",
                    f"  author       = {{{{{author}}}}},",
                    f"  title        = {{Claim {{{cid}}}: {_bibtex_text(c['title'])}. In: {title}}},",
                    f"  year         = {{{year}}},",
                    where,
                    f"  note         = {{Version {version}; verdict: {c['verdict']}}}",
                    "}",
                ]
            )
        )
    lines += [
        "",
        ":::{dropdown} BibTeX for every claim",
        "```bibtex",
        "\n\n".join(entries),
        "```",
        ":::",
        "",
    ]
    return "\n".join(lines)


def _replace_marker(source, marker, text):
    return re.sub(rf"^% {re.escape(marker)}.*$", lambda _: text, source, count=1, flags=re.M)


def generate(app, docname, source):
    """``source-read`` handler: replace each page's marker line by its generated block."""
    markers = [
        m for m in ("claims-summary", "errata-list", "cite-book", "cite-list") if f"% {m}" in source[0]
    ]
    if not markers:
        return
    path = Path(app.srcdir) / LEDGER
    if docname != LEDGER[: -len(".md")]:
        app.env.note_dependency(str(path))
    claims = parse_ledger(path.read_text(encoding="utf-8") if docname != "book/claims" else source[0])
    cfg = app.config
    meta = dict(
        title=cfg.project,
        author=cfg.author,
        year=cfg.copyright.split()[0],
        version=cfg.release or cfg.version or noising_version,
        baseurl=cfg.html_baseurl,
    )
    blocks = {
        "claims-summary": lambda: summary_markdown(claims),
        "errata-list": lambda: errata_markdown(claims),
        "cite-book": lambda: book_bibtex(**meta),
        "cite-list": lambda: cite_markdown(claims, **meta),
    }
    for marker in markers:
        source[0] = _replace_marker(source[0], marker, blocks[marker]())


class StableAnchorsFirst(SphinxTransform):
    """Put a section's stable label (``claim-s4``) before the slug of its title."""

    default_priority = 400  # after docutils' PropagateTargets (260) has moved labels onto sections

    def apply(self, **kwargs):
        for section in self.document.findall(nodes.section):
            stable = [i for i in section["ids"] if i.startswith(STABLE_PREFIXES)]
            if stable:
                section["ids"] = stable + [i for i in section["ids"] if i not in stable]


def setup(app):
    app.connect("source-read", generate)
    app.add_transform(StableAnchorsFirst)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
