"""The claims ledger (book/claims.md) and the notebooks' checks agree.

A notebook backs a claim with a code cell that carries the marker ``# claim: ID``
and contains an ``assert``. The ledger marks each claim with a verdict and names
the chapter that checks it.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import jupytext
import pytest

ROOT = Path(__file__).resolve().parents[1]
LEDGER = ROOT / "book" / "claims.md"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.md"))
sys.path.insert(0, str(ROOT / "book" / "_ext"))
from claims_summary import VERDICTS, parse_ledger  # noqa: E402  (the one ledger parser)

_MARKER = re.compile(r"^#\s*claim:\s*([WS]\d+(?:\s*,\s*[WS]\d+)*)\s*$", re.M)


def notebook_checks(path):
    """Return {claim_id} for the claim markers in code cells of ``path`` that hold an assert."""
    nb = jupytext.read(path, fmt="md:myst")
    found, unbacked = set(), set()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for match in _MARKER.finditer(cell.source):
            ids = {c.strip() for c in match.group(1).split(",")}
            (found if re.search(r"^\s*assert\b", cell.source, re.M) else unbacked).update(ids)
    return found, unbacked


LEDGER_CLAIMS = parse_ledger(LEDGER.read_text(encoding="utf-8"))
CHECKS = {p.relative_to(ROOT).with_suffix("").as_posix(): notebook_checks(p) for p in NOTEBOOKS}


def test_ledger_is_well_formed():
    ids = list(LEDGER_CLAIMS)
    assert any(i.startswith("W") for i in ids) and any(i.startswith("S") for i in ids)
    for cid, row in LEDGER_CLAIMS.items():
        assert row["verdict"] in VERDICTS, f"{cid}: unknown verdict {row['verdict']!r}"
        if row["verdict"] != "not checked yet":
            assert row["doc"], f"{cid} is marked {row['verdict']!r} but names no chapter"


@pytest.mark.parametrize("cid", sorted(LEDGER_CLAIMS))
def test_checked_claim_is_backed_by_an_assert_in_its_chapter(cid):
    row = LEDGER_CLAIMS[cid]
    if row["verdict"] == "not checked yet":
        pytest.skip(f"{cid} is not checked yet")
    found, _ = CHECKS.get(row["doc"], (set(), set()))
    assert cid in found, f"{cid} is marked {row['verdict']!r} but {row['doc']} has no '# claim: {cid}' cell with an assert"


def test_every_notebook_check_names_a_ledger_claim():
    for doc, (found, unbacked) in CHECKS.items():
        assert not unbacked, f"{doc}: claim markers {sorted(unbacked)} in cells without an assert"
        for cid in found:
            assert cid in LEDGER_CLAIMS, f"{doc} checks {cid}, which the ledger lacks"
            assert LEDGER_CLAIMS[cid]["verdict"] != "not checked yet", (
                f"{doc} checks {cid} but the ledger still says 'not checked yet'"
            )


def test_parser_rejects_a_claim_without_backing(tmp_path):
    """The ledger check itself can fail: a notebook with a marker but no assert is caught."""
    nb = tmp_path / "nb.md"
    nb.write_text(
        "---\njupytext:\n  text_representation:\n    format_name: myst\n---\n\n"
        "```{code-cell} ipython3\n# claim: W1\nx = 1\n```\n",
        encoding="utf-8",
    )
    found, unbacked = notebook_checks(nb)
    assert found == set() and unbacked == {"W1"}
