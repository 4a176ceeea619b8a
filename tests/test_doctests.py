"""The examples in the package's docstrings run as doctests (``make test`` collects this file).

A separate test file rather than ``--doctest-modules``: the pytest configuration keeps
``src`` out of collection (the package is imported from the installed copy, and the
chapters are collected by nbval), so each module's doctests are run here instead.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import numpy as np
import pytest

import noising

MODULES = sorted(["noising"] + [f"noising.{m.name}" for m in pkgutil.iter_modules(noising.__path__)])


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    globs = {"np": np, **vars(module)}
    for test in finder.find(module, name, globs=globs):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} docstring example(s) of {name} failed (see the output above)"


def test_the_public_functions_have_examples():
    # at least the entry points a reader meets first show how they are called
    for name in (
        "noising.regularizer.exact",
        "noising.regularizer.quadratic",
        "noising.fit.fit_glm",
        "noising.penalties.DropoutPenalty",
        "noising.derivatives.triangle",
        "noising.summary.t_interval",
    ):
        mod, attr = name.rsplit(".", 1)
        assert ">>>" in getattr(importlib.import_module(mod), attr).__doc__, name
