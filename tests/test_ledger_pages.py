"""book/_ext/ledger_pages.py: the pages generated from the claims ledger, and stable anchors."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Parser
from docutils.utils import new_document

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book" / "_ext"))
import ledger_pages  # noqa: E402
from noising.verdicts import parse_ledger  # noqa: E402

_LEDGER = """# Claims ledger

% claims-summary (replaced)

(claim-w1)=
### W1 · A claim | with a pipe

- **Source:** Wager et al. (2013), eq. (1)
- **Claim:** printed one
- **Verdict:** holds
- **Checked in:** {numref}`Section %s <check-w1>`

(claim-w2)=
### W2 · A review slip

- **Source:** review, footnote 4
- **Claim:** as the review prints it
- **Verdict:** fails
- **Correction:** the right statement
- **Evidence:** a number {glue:text}`../notebooks/01_x.md::key:.2f`
- **Checked in:** {numref}`Section %s <check-w2>`

(claim-s2)=
### S2 · Another claim

- **Source:** Schluter (2019), Theorem 2
- **Claim:** radius $2\\pi$
- **Verdict:** holds with a correction
- **Correction:** radius $\\sqrt{z_0^2+\\pi^2}$
- **Checked in:** {numref}`Section %s <check-s2>`
"""
CLAIMS = parse_ledger(_LEDGER)
META = dict(title="The book", author="The authors", year="2026", version="0.1.0")


def test_summary_counts_and_rows_come_from_the_entries():
    table = ledger_pages.summary_markdown(CLAIMS)
    assert "3 claims: 1 holds; 1 holds with a correction; 1 fails." in table
    assert (
        "| {ref}`W1 <claim-w1>` | A claim \\| with a pipe | holds | {numref}`Section %s <check-w1>` |"
        in table
    )
    assert table.count("\n| {ref}") == 3


def test_errata_list_the_claims_that_do_not_hold_by_source_with_anchors():
    text = ledger_pages.errata_markdown(CLAIMS)
    assert "(claim-w1)" not in text and "(erratum-w1)=" not in text  # W1 holds: no erratum
    review, schluter = text.index("## The PaperWhy review"), text.index("## Schluter (2019)")
    assert review < text.index("(erratum-w2)=") < schluter < text.index("(erratum-s2)=")
    assert "- **As printed:** radius $2\\pi$" in text
    assert "- **Correction:** radius $\\sqrt{z_0^2+\\pi^2}$" in text
    assert "{glue:text}`../notebooks/01_x.md::key:.2f`" in text  # evidence pasted from the chapter
    assert "{ref}`S2 <claim-s2>`" in text and "{numref}`Section %s <check-s2>`" in text


def test_errata_refuse_an_unknown_source():
    bad = parse_ledger(_LEDGER.replace("Schluter (2019), Theorem 2", "a blog"))
    with pytest.raises(ValueError, match="names no known paper"):
        ledger_pages.errata_markdown(bad)


@pytest.mark.parametrize("baseurl", ["", "https://example.org/book/"])
def test_cite_list_has_every_claim_and_no_placeholder(baseurl):
    text = ledger_pages.cite_markdown(CLAIMS, baseurl=baseurl, **META)
    for cid in CLAIMS:
        assert f"@misc{{dropoutcompanion2026claim{cid}," in text
        assert f"{{ref}}`{cid} <claim-{cid.lower()}>`" in text
    assert "BOOK_URL" not in text
    assert "title        = {Claim {W1}: A claim | with a pipe. In: The book}," in text
    if baseurl:
        assert "url          = {https://example.org/book/book/claims.html#claim-s2}," in text
    else:
        assert "url " not in text and "Claims ledger, entry S2 (book/claims.html\\#claim-s2)" in text


def test_markers_are_replaced_only_where_they_stand(tmp_path):
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "claims.md").write_text(_LEDGER, encoding="utf-8")
    config = SimpleNamespace(
        project="The book", author="A", copyright="2026", release="", version="", html_baseurl=""
    )
    deps = []
    app = SimpleNamespace(
        srcdir=str(tmp_path), config=config, env=SimpleNamespace(note_dependency=deps.append)
    )
    errata = ["# Errata\n\n% errata-list (replaced)\n"]
    ledger_pages.generate(app, "book/errata", errata)
    assert "% errata-list" not in errata[0] and "(erratum-s2)=" in errata[0]
    assert deps == [str(tmp_path / "book" / "claims.md")]  # a ledger edit re-reads the errata
    ledger = [_LEDGER]
    ledger_pages.generate(app, "book/claims", ledger)
    assert "**At a glance.** 3 claims" in ledger[0]
    other = ["# Intro\n"]
    ledger_pages.generate(app, "book/intro", other)
    assert other == ["# Intro\n"]


def test_the_book_pages_carry_their_markers():
    for page, marker in [
        ("claims", "claims-summary"),
        ("errata", "errata-list"),
        ("cite", "cite-list"),
        ("cite", "cite-book"),
    ]:
        text = (ROOT / "book" / f"{page}.md").read_text(encoding="utf-8")
        assert any(line.startswith(f"% {marker}") for line in text.splitlines()), (page, marker)


def test_stable_label_becomes_the_first_id_of_its_section():
    doc = new_document("test", get_default_settings(Parser))
    section = nodes.section(ids=["s4-theorem-2-the-radius", "claim-s4"])
    plain = nodes.section(ids=["intro"])
    doc += [section, plain]
    transform = ledger_pages.StableAnchorsFirst(doc)
    transform.apply()
    assert section["ids"] == ["claim-s4", "s4-theorem-2-the-radius"]
    assert plain["ids"] == ["intro"]
