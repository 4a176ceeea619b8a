"""The claims ledger (book/claims.md) and the chapters' computed verdicts agree.

A chapter computes a claim's verdict from its checks and hands it to
``noising.verdicts.record("W1", verdict)``, which raises (failing the chapter under
nbval and the book build) when the ledger says otherwise. These tests check the
other direction, statically: every claim the ledger marks as checked has such a
``record`` call in the chapter that holds its evidence section (``(check-w1)=``),
every ``record`` call names a ledger claim, and a changed verdict is caught.
"""

from __future__ import annotations

import re
from pathlib import Path

import jupytext
import pytest

from noising import verdicts

ROOT = Path(__file__).resolve().parents[1]
LEDGER = ROOT / "book" / "claims.md"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.md"))

_RECORD = re.compile(r"\brecord\(\s*[\"']([WS]\d+)[\"']")
_LABEL = re.compile(r"^\((check-[ws]\d+[a-z0-9-]*)\)=\s*$", re.M)


def chapter_index(paths):
    """Return ``({claim: chapter}, {check label: chapter})`` for the record calls and labels."""
    records, labels = {}, {}
    for path in paths:
        nb = jupytext.read(path, fmt="md:myst")
        name = path.stem
        for cell in nb.cells:
            if cell.cell_type == "code":
                for cid in _RECORD.findall(cell.source):
                    assert cid not in records or records[cid] == name, (
                        f"{cid} is recorded in both {records[cid]} and {name}; one chapter decides a claim"
                    )
                    records[cid] = name
            else:
                for label in _LABEL.findall(cell.source):
                    labels[label] = name
    return records, labels


LEDGER_CLAIMS = verdicts.parse_ledger(LEDGER.read_text(encoding="utf-8"))
RECORDS, LABELS = chapter_index(NOTEBOOKS)


def test_ledger_has_both_papers_and_at_least_forty_claims():
    ids = list(LEDGER_CLAIMS)
    assert any(i.startswith("W") for i in ids) and any(i.startswith("S") for i in ids)
    assert len(ids) >= 40, f"the ledger lists {len(ids)} claims; the book promises at least 40"


@pytest.mark.parametrize("cid", sorted(LEDGER_CLAIMS))
def test_checked_claim_is_decided_in_the_chapter_of_its_evidence(cid):
    row = LEDGER_CLAIMS[cid]
    if row["verdict"] == verdicts.NOT_CHECKED:
        assert cid not in RECORDS, (
            f"{cid}: {RECORDS.get(cid)} records a verdict but the ledger says 'not checked yet'"
        )
        return
    assert row["check"], f"{cid} is marked {row['verdict']!r} but its 'Checked in' names no check-… section"
    assert row["check"] in LABELS, f"{cid}: no chapter has the section label ({row['check']})="
    assert RECORDS.get(cid) == LABELS[row["check"]], (
        f"{cid}: its evidence section is in {LABELS[row['check']]}, but the verdict is recorded in "
        f"{RECORDS.get(cid, 'no chapter')}; call noising.verdicts.record({cid!r}, ...) there"
    )


def test_every_recorded_claim_is_in_the_ledger():
    unknown = sorted(set(RECORDS) - set(LEDGER_CLAIMS))
    assert not unknown, f"chapters record verdicts on {unknown}, which the ledger lacks"


def test_a_changed_verdict_is_caught_and_named(tmp_path):
    """Editing a verdict in the ledger makes ``record`` fail, naming the claim."""
    cid, row = next((c, r) for c, r in LEDGER_CLAIMS.items() if r["verdict"] == verdicts.HOLDS)
    edited = tmp_path / "claims.md"
    text = LEDGER.read_text(encoding="utf-8")
    start = text.index(f"### {cid} ·")
    verdict_line = text.index("- **Verdict:** holds", start)
    edited.write_text(
        text[:verdict_line]
        + "- **Verdict:** fails\n- **Correction:** (edited)"
        + text[verdict_line + len("- **Verdict:** holds") :],
        encoding="utf-8",
    )
    verdicts.record(cid, verdicts.HOLDS, ledger=LEDGER, glue=False)
    with pytest.raises(verdicts.LedgerMismatch, match=rf"^{cid}: .*'holds'.*'fails'"):
        verdicts.record(cid, verdicts.HOLDS, ledger=edited, glue=False)


def test_the_index_sees_records_and_labels(tmp_path):
    """The static check itself can fail: a chapter without the record call is caught."""
    nb = tmp_path / "nb.md"
    nb.write_text(
        "---\njupytext:\n  text_representation:\n    format_name: myst\n---\n\n"
        "(check-w1)=\n## A section\n\n"
        '```{code-cell} ipython3\nv = record("W2", decide(ok))\n```\n',
        encoding="utf-8",
    )
    records, labels = chapter_index([nb])
    assert records == {"W2": "nb"} and labels == {"check-w1": "nb"}
