"""The benchmark's reference loop, its report, and the committed results (bench/)."""
from __future__ import annotations

import copy
import json
import math
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import loops  # noqa: E402
import report  # noqa: E402

import noising  # noqa: E402
from noising import regularizer  # noqa: E402

RESULTS = ROOT / "bench" / "results.json"


@given(st.floats(-800, 800))
def test_softplus_is_stable_and_matches_numpy(z):
    assert math.isfinite(loops.softplus(z))
    assert math.isclose(loops.softplus(z), float(np.logaddexp(0.0, z)), rel_tol=1e-12, abs_tol=1e-300)


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 5), st.integers(1, 6), st.floats(0.05, 0.95), st.integers(0, 2**32 - 1))
def test_loop_agrees_with_the_package(n, d, delta, seed):
    rng = np.random.default_rng(seed)
    X, beta = rng.normal(size=(n, d)), rng.normal(size=d)
    ref = loops.dropout_regularizer_loop(X.tolist(), beta.tolist(), delta)
    assert ref == pytest.approx(regularizer.exact(X, beta, noising.Dropout(delta)), rel=1e-10, abs=1e-13)


def _fake_results():
    return {
        "generated": "2026-01-01 00:00 UTC", "git": {"commit": "abc", "uncommitted_changes": False},
        "machine": {"cpu": "x", "cores": 2, "usable_cores": 2, "memory_gib": 1.0, "os": "y",
                    "kernel": "z", "python": "3", "implementation": "CPython"},
        "budgets": dict(report.BUDGETS), "notes": [], "bench_total_s": 1.0,
        "build": {"clean_build_s": 100.0, "clean_build_ok": True, "cached_rebuild_s": 30.0,
                  "cached_rebuild_ok": True},
        "tests": {"test_suite_s": 301.0, "test_suite_ok": True, "summary": "3 passed in 301s"},
        "notebooks": [{"notebook": "a.md", "seconds": 12.0, "ok": True, "error": None}],
        "determinism": [{"notebook": "a.md", "compared": True, "code_cells": 3, "identical_text": True,
                         "differing_cells": [], "clock_cells": [], "images": 1, "identical_images": 1}],
        "exact_vs_loop": {"problem": "p", "loop_s": 1.0, "package_s": 0.01, "speedup": 100.0,
                          "relative_difference": 1e-16, "agree": True},
        "taylor_vs_sympy": {"skipped": "not yet"},
        "packages": [{"name": "numpy", "version": "2"}],
    }


def test_verdicts_compare_measurements_with_budgets():
    v = {row["what"]: row for row in report.verdicts(_fake_results())}
    assert v["clean book build"]["met"] is True
    assert v["rebuild, nothing changed"]["met"] is True
    assert v["rebuild / clean build"]["met"] is False  # 0.3 > 0.2
    assert v["whole test suite (make test)"]["met"] is False  # 301 > 300
    assert v["slowest notebook"]["met"] is True


def test_failures_flag_disagreement_and_nondeterminism():
    good = _fake_results()
    assert report.failures(good) == []
    bad = copy.deepcopy(good)
    bad["determinism"][0].update(identical_text=False, differing_cells=[2])
    bad["exact_vs_loop"]["agree"] = False
    bad["tests"]["test_suite_ok"] = False
    found = " ".join(report.failures(bad))
    assert "differ" in found and "disagrees" in found and "test suite failed" in found


def test_markdown_report_has_every_section():
    results = _fake_results()
    results["verdicts"] = report.verdicts(results)
    text = report.markdown(results)
    for heading in ("## The run", "## Budgets", "## Each notebook", "## Determinism",
                    "## Vectorised code against plain loops", "## Package versions"):
        assert heading in text
    assert "**no**" in text  # the missed budget is shown, not hidden


def test_committed_results_are_complete_and_consistent():
    """bench/results.md is exactly the report of bench/results.json, from a full run."""
    results = json.loads(RESULTS.read_text(encoding="utf-8"))
    assert (ROOT / "bench" / "results.md").read_text(encoding="utf-8") == report.markdown(results)
    assert results["verdicts"] == report.verdicts(results)
    assert report.failures(results) == []
    assert results["exact_vs_loop"]["agree"]
    assert {p["name"].lower() for p in results["packages"]} >= {"numpy", "jupyter-book", "noising"}
    for key in ("cpu", "cores", "memory_gib", "os", "python"):
        assert results["machine"][key]


def test_markdown_report_shows_the_imdb_sized_fit_when_measured():
    results = _fake_results()
    results["verdicts"] = report.verdicts(results)
    assert "IMDB's size" not in report.markdown(results)  # older results have no such section
    results["imdb_fit"] = {"problem": "p", "generate_s": 2.0, "fit_s": 10.0, "iterations": 30, "success": False,
                           "design_mib": 40.0, "fit_peak_mib": 80.0, "fit_peak_over_design": 2.0}
    text = report.markdown(results)
    assert "## A dropout fit at IMDB's size" in text and "| 10.0 s |" in text and "**no**" in text
