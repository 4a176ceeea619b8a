"""CITATION.cff is valid CFF 1.2.0 in its essentials and agrees with the book."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CFF = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
BIB = (ROOT / "book" / "references.bib").read_text(encoding="utf-8")
CITE_PAGE = (ROOT / "book" / "cite.md").read_text(encoding="utf-8")
LEDGER = (ROOT / "book" / "claims.md").read_text(encoding="utf-8")
REFERENCE_TYPES = {
    "article",
    "conference-paper",
    "book",
    "generic",
    "report",
    "software",
    "thesis",
    "proceedings",
    "unpublished",
    "website",
}


def test_required_keys_and_authors():
    assert CFF["cff-version"] == "1.2.0"
    assert CFF["message"].strip() and CFF["title"].strip()
    assert CFF["authors"] == [{"name": "The dropout companion authors"}]
    assert CFF["type"] in {"software", "dataset"}
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(CFF["date-released"]))


def test_agrees_with_the_book_configuration():
    assert CFF["title"] == CONFIG["title"]
    assert CFF["authors"][0]["name"] == CONFIG["author"]


def test_references_are_the_two_papers_of_the_bibliography():
    refs = CFF["references"]
    assert len(refs) == 2
    for ref in refs:
        assert ref["type"] in REFERENCE_TYPES
        assert ref["title"] and ref["authors"] and ref["year"]
        for person in ref["authors"]:
            assert person.get("family-names") and person.get("given-names")
    eprints = {
        i["value"].rsplit("arXiv.", 1)[-1] for r in refs for i in r["identifiers"] if i["type"] == "doi"
    }
    assert eprints == {"1307.1493", "1905.11320"}
    for eprint in eprints:
        assert f"eprint    = {{{eprint}}}" in BIB


def test_cite_page_points_at_ledger_anchors_that_exist():
    anchors = set(re.findall(r"^\(claim-([ws]\d+)\)=$", LEDGER, re.M))
    cited = set(re.findall(r"claim-([ws]\d+)", CITE_PAGE))
    assert cited and cited <= anchors
    assert "BOOK_URL" not in CITE_PAGE  # no placeholder for the reader to edit


def test_repository_code_comes_from_the_one_setting():
    # repository.url of _config.yml; CITATION.cff's repository-code is written from it (make citation)
    import sys

    sys.path.insert(0, str(ROOT / "tools"))
    import repository_url

    url = repository_url.repository_url()
    assert CFF.get("repository-code", "") == url
    assert repository_url.main(["--check"]) == 0
    # with an address, the key appears once, after license; emptied again, it goes
    text = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    filled = repository_url.with_repository(text, "https://example.org/dropout-companion")
    assert yaml.safe_load(filled)["repository-code"] == "https://example.org/dropout-companion"
    assert filled.count("repository-code:") == 1
    assert "repository-code" not in yaml.safe_load(repository_url.with_repository(filled, ""))
