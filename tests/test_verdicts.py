"""The verdict rules of noising.verdicts (the book's page "How verdicts are decided")."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from noising import verdicts as V

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


def test_exact_rule():
    assert V.decide(True) == V.HOLDS
    assert V.decide(True, corrected=False) == V.HOLDS
    assert V.decide(False, corrected=True) == V.CORRECTED
    assert V.decide(False) == V.FAILS
    assert V.decide(np.bool_(False), corrected=np.bool_(True)) == V.CORRECTED


@given(finite, finite, finite)
def test_interval_rule_follows_the_interval(a, b, threshold):
    low, high = min(a, b), max(a, b)
    verdict = V.from_interval(low, high, threshold=threshold)
    if low > threshold:
        assert verdict == V.HOLDS
        assert V.from_interval(low, high, threshold=threshold, scope_ok=False) == V.CORRECTED
    elif high < threshold:
        assert verdict == V.FAILS
    else:
        assert verdict == V.NOT_ESTABLISHED


def test_an_interval_touching_the_threshold_establishes_nothing():
    assert V.from_interval(0.0, 0.3) == V.NOT_ESTABLISHED
    assert V.from_interval(-0.3, 0.0) == V.NOT_ESTABLISHED


@pytest.mark.parametrize(
    "call, error, names",
    [
        (lambda: V.decide(1), TypeError, "as_printed"),
        (lambda: V.decide(False, corrected="yes"), TypeError, "corrected"),
        (lambda: V.from_interval("0", 1), TypeError, "low"),
        (lambda: V.from_interval(0, True), TypeError, "high"),
        (lambda: V.from_interval(0, float("nan")), ValueError, "high"),
        (lambda: V.from_interval(1, 0), ValueError, "low"),
        (lambda: V.from_interval(0, 1, scope_ok=None), TypeError, "scope_ok"),
        (lambda: V.record("w1", V.HOLDS, glue=False), ValueError, "claim"),
        (lambda: V.record("W1", "true", glue=False), ValueError, "verdict"),
        (lambda: V.record("W1", V.NOT_CHECKED, glue=False), ValueError, "verdict"),
    ],
)
def test_bad_input_is_refused_by_name(call, error, names):
    with pytest.raises(error, match=names):
        call()


_ENTRY = "(claim-w1)=\n### W1 · x\n\n- **Claim:** c\n- **Verdict:** {v}\n{extra}- **Checked in:** {{numref}}`Section %s <check-w1>`\n"


def test_parser_reads_fields_and_the_evidence_label():
    text = _ENTRY.format(v="fails", extra="- **Correction:** the right one,\n  on two lines\n")
    row = V.parse_ledger(text)["W1"]
    assert row["verdict"] == V.FAILS and row["check"] == "check-w1"
    assert row["fields"]["Correction"] == "the right one, on two lines"


@pytest.mark.parametrize(
    "text, message",
    [
        ("(claim-w2)=\n### W1 · x\n\n- **Verdict:** holds\n", "does not match heading"),
        ("(claim-w1)=\n### W1 · x\n\n- no verdict\n", r"no '- \*\*Verdict"),
        (_ENTRY.format(v="true", extra=""), "unknown verdict"),
        (_ENTRY.format(v="holds with a correction", extra=""), "no '- \\*\\*Correction"),
        (_ENTRY.format(v="not established", extra=""), "no '- \\*\\*Correction"),
        (_ENTRY.format(v="holds", extra="") * 2, "twice"),
    ],
)
def test_parser_rejects_malformed_entries(text, message):
    with pytest.raises(ValueError, match=message):
        V.parse_ledger(text)


def test_record_compares_with_the_ledger_and_names_the_claim(tmp_path):
    ledger = tmp_path / "claims.md"
    ledger.write_text(_ENTRY.format(v="holds", extra=""), encoding="utf-8")
    assert str(V.record("W1", V.HOLDS, ledger=ledger, glue=False)) == "holds"
    with pytest.raises(V.LedgerMismatch, match="^W1: .*'fails'.*'holds'"):
        V.record("W1", V.FAILS, ledger=ledger, glue=False)
    with pytest.raises(V.LedgerMismatch, match="^W2: .*no entry"):
        V.record("W2", V.HOLDS, ledger=ledger, glue=False)


def test_find_ledger_from_a_chapter_folder(tmp_path):
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "claims.md").write_text("", encoding="utf-8")
    (tmp_path / "notebooks").mkdir()
    assert V.find_ledger(tmp_path / "notebooks") == tmp_path / "book" / "claims.md"
    assert V.find_ledger(tmp_path.parent / "elsewhere-that-does-not-exist") in (
        None,
        V.find_ledger(tmp_path.parent),
    )
