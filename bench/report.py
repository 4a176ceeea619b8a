"""Budgets, verdicts and the Markdown tables of ``make bench`` (bench/results.md).

``markdown(results)`` is a pure function of ``results.json``: the test suite checks
that the committed ``results.md`` is exactly what it gives, so the page of the book
always shows the numbers of the recorded run.
"""

from __future__ import annotations

import math

#: Budgets of issue 6 on a 2-core machine, in seconds.
BUDGETS = {
    "clean_build_s": 180.0,
    "cached_rebuild_s": 36.0,  # a fifth of the clean-build budget
    "test_suite_s": 300.0,
    "notebook_s": 30.0,
}

#: Speeds that tests once asserted on (they no longer read the clock): measured and shown
#: by ``make bench``, in seconds. Missing one is reported, never a failure of the run.
SPEED_LIMITS = {
    "softplus_derivatives_400_s": 2.0,
    "exact_d20_s": 1.0,
}


def _fmt_s(x):
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.1f} s"


def _fmt_ratio(x):
    return f"{x:,.0f}×" if x >= 10 else f"{x:.1f}×"


def verdicts(results):
    """Each budget: measured value, limit and whether it is met (None when not measured)."""
    out = []
    build = results.get("build", {})
    clean = build.get("clean_build_s")
    cached = build.get("cached_rebuild_s")
    out.append({"what": "clean book build", "measured_s": clean, "budget_s": BUDGETS["clean_build_s"]})
    out.append(
        {"what": "rebuild, nothing changed", "measured_s": cached, "budget_s": BUDGETS["cached_rebuild_s"]}
    )
    if clean and cached:
        out.append({"what": "rebuild / clean build", "measured_ratio": cached / clean, "budget_ratio": 0.2})
    out.append(
        {
            "what": "whole test suite (make test)",
            "measured_s": results.get("tests", {}).get("test_suite_s"),
            "budget_s": BUDGETS["test_suite_s"],
        }
    )
    times = [r["seconds"] for r in results.get("notebooks", []) if r.get("ok")]
    out.append(
        {
            "what": "slowest notebook",
            "measured_s": max(times) if times else None,
            "budget_s": BUDGETS["notebook_s"],
        }
    )
    sparse = results.get("sparse")
    if sparse:  # issue 13, section 5 (only in runs that measured it)
        out.append(
            {
                "what": "sparse dropout penalty (value + gradient) / its four sparse products",
                "measured_ratio": sparse["penalty_vs_products"]["ratio"],
                "budget_ratio": 3.0,
            }
        )
        out.append(
            {
                "what": "the same call, sparse / densified design",
                "measured_ratio": 1.0 / sparse["sparse_vs_dense"]["speedup"],
                "budget_ratio": 0.1,
            }
        )
        if "imdb_fit" in sparse:
            out.append(
                {
                    "what": "fit_glm with the dropout penalty at IMDB's size",
                    "measured_s": sparse["imdb_fit"]["seconds"],
                    "budget_s": 60.0,
                }
            )
    for row in out:
        if "measured_ratio" in row:
            row["met"] = row["measured_ratio"] <= row["budget_ratio"]
        else:
            row["met"] = None if row["measured_s"] is None else row["measured_s"] <= row["budget_s"]
    return out


def failures(results):
    """What makes ``make bench`` exit non-zero (correctness, not speed)."""
    bad = []
    build = results.get("build")
    if build and not (build["clean_build_ok"] and build["cached_rebuild_ok"]):
        bad.append("the strict book build failed")
    if "tests" in results and not results["tests"]["test_suite_ok"]:
        bad.append(f"the test suite failed: {results['tests']['summary']}")
    bad += [f"{r['notebook']} failed: {r['error']}" for r in results.get("notebooks", []) if not r["ok"]]
    bad += [
        f"{r['notebook']}: text outputs differ between two executions (cells {r['differing_cells']})"
        for r in results.get("determinism", [])
        if r.get("compared") and not r["identical_text"]
    ]
    if not results["exact_vs_loop"]["agree"]:
        bad.append("regularizer.exact disagrees with the Python loop")
    if results["taylor_vs_sympy"].get("agree") is False:
        bad.append("taylor.softplus_derivative disagrees with SymPy")
    if "sparse" in results and not results["sparse"]["agree"]:
        bad.append(
            "the sparse dropout penalty disagrees with its reference (or the IMDB-sized fit is not finite)"
        )
    return bad


def _fmt_small_ratio(x):
    return f"{x:.2f}" if x >= 0.01 else f"{x:.1g}"


def sparse_section(sp):
    """The "Sparse designs" section of the report (issue 13, section 5), as a list of lines."""
    pv, sd = sp["penalty_vs_products"], sp["sparse_vs_dense"]
    lines = [
        "## Sparse designs",
        "",
        f"`DropoutPenalty.value_and_grad` on a synthetic bag-of-words design of IMDB's shape "
        f"({pv['problem']}) against the four sparse products it needs, each the best of "
        f"{pv['repeat']} interleaved repetitions in this run. CPU time of the process: on a shared "
        "machine, wall-clock time also counts the moments other processes hold the cores.",
        "",
        "| computation | CPU time | wall-clock time |",
        "| --- | ---: | ---: |",
    ]
    wall = pv["wall"]
    for name, seconds in pv["products_s"].items():
        lines.append(f"| `{name}` | {seconds * 1e3:.1f} ms | {wall['products_s'][name] * 1e3:.1f} ms |")
    lines += [
        f"| the four products | {pv['products_total_s'] * 1e3:.1f} ms "
        f"| {sum(wall['products_s'].values()) * 1e3:.1f} ms |",
        f"| value and gradient of the penalty | {pv['penalty_s'] * 1e3:.1f} ms | {wall['penalty_s'] * 1e3:.1f} ms |",
        f"| ratio (budget ≤ 3) | {pv['ratio']:.2f} | {wall['ratio']:.2f} |",
        "",
        f"Its value against the formula written with SciPy's `X.multiply(X)`: relative difference "
        f"{pv['relative_difference']:.1e}.",
        "",
        f"The same call on a sparse design and on its dense copy ({sd['problem']}): "
        f"{sd['sparse_s'] * 1e3:.2f} ms against {sd['dense_s'] * 1e3:.1f} ms, "
        f"{_fmt_ratio(sd['speedup'])} faster (budget ≥ 10×); relative difference "
        f"{sd['relative_difference']:.1e}.",
        "",
    ]
    fit = sp.get("imdb_fit")
    if fit:
        lines += [
            f"A full fit at IMDB's size, {fit['problem']}: {_fmt_s(fit['seconds'])} "
            f"({_fmt_s(fit['cpu_s'])} of CPU time), "
            f"{fit['n_iter']} L-BFGS iterations, tol {'met' if fit['success'] else '**not met**'} "
            f"(max |gradient| {fit['grad_norm']:.2g}); peak memory traced while fitting "
            f"{fit['peak_mib']:.0f} MiB, for a design of {fit['design_mib']:.0f} MiB stored sparsely "
            f"({fit['dense_gib']:.1f} GiB dense).",
            "",
        ]
    return lines


def markdown(results):
    m = results["machine"]
    lines = [
        "<!-- generated by `make bench` (bench/run.py) from bench/results.json: do not edit -->",
        "",
        "## The run",
        "",
        f"Measured on {results['generated']} at commit `{results['git']['commit']}`"
        + (" (with uncommitted changes)" if results["git"]["uncommitted_changes"] else "")
        + f"; the whole benchmark took {_fmt_s(results['bench_total_s'])}.",
        "",
        "| machine | |",
        "| --- | --- |",
        f"| CPU | {m['cpu']} |",
        f"| cores | {m['cores']} ({m['usable_cores']} usable) |",
        f"| memory | {m['memory_gib']} GiB |",
        f"| operating system | {m['os']} (kernel {m['kernel']}) |",
        f"| Python | {m['python']} ({m['implementation']}) |",
        "",
    ]
    for note in results.get("notes", []):
        lines += [f"Note: {note}", ""]

    lines += ["## Budgets", "", "| what | measured | budget | met |", "| --- | ---: | ---: | :---: |"]
    for v in results["verdicts"]:
        if "measured_ratio" in v:
            measured, budget = _fmt_small_ratio(v["measured_ratio"]), f"≤ {v['budget_ratio']:.2f}"
        else:
            measured, budget = _fmt_s(v["measured_s"]), f"≤ {v['budget_s']:.0f} s"
        met = {True: "yes", False: "**no**", None: "not measured"}[v["met"]]
        lines.append(f"| {v['what']} | {measured} | {budget} | {met} |")
    if "tests" in results:
        lines += ["", f"Test suite: {results['tests']['summary']}."]
    lines.append("")

    lines += [
        "## Each notebook",
        "",
        "Executed top to bottom in a fresh kernel (`nbclient`), kernel start included.",
        "",
        "| notebook | seconds | runs |",
        "| --- | ---: | :---: |",
    ]
    for r in results["notebooks"]:
        lines.append(f"| `{r['notebook']}` | {_fmt_s(r['seconds'])} | {'yes' if r['ok'] else '**no**'} |")
    lines.append("")

    lines += ["## Determinism", ""]
    det = results.get("determinism", [])
    if not det:
        lines += ["Not checked in this run (no build).", ""]
    else:
        lines += [
            "Each notebook's text outputs (streams, `text/plain`, `text/latex`, `text/markdown`, "
            "`text/html`, errors; memory addresses masked) in the clean build are compared cell by "
            "cell with a second, independent execution. Cells that read the clock (they print "
            "timings) are left out of the comparison and counted. Figures are compared byte for "
            "byte but reported only.",
            "",
            "| notebook | code cells | timing cells left out | text outputs identical | figures identical |",
            "| --- | ---: | ---: | :---: | ---: |",
        ]
        for r in det:
            if not r["compared"]:
                lines.append(f"| `{r['notebook']}` | | | not compared: {r['note']} | |")
                continue
            same = "yes" if r["identical_text"] else f"**no** (cells {r['differing_cells']})"
            imgs = "n/a" if r["identical_images"] is None else f"{r['identical_images']} of {r['images']}"
            lines.append(
                f"| `{r['notebook']}` | {r['code_cells']} | {len(r.get('clock_cells', []))} "
                f"| {same} | {imgs} |"
            )
        lines.append("")

    # Few, short columns: the table fits the page's column at 1280 px (and the PDF's text
    # width); what each row computes and against what is said once, above the table.
    e = results["exact_vs_loop"]
    t = results["taylor_vs_sympy"]
    lines += [
        "## Vectorised code against plain loops",
        "",
        f"- `regularizer.exact`: {e['problem']}, against a Python loop over the masks (`bench/loops.py`).",
        f"- `taylor.softplus_derivative(k, z)` at {t.get('points', 'the same points')}, against "
        "`sympy.diff` evaluated with 40 + 2k digits.",
        "",
        "| computation | reference | package | speed-up | max. relative difference |",
        "| --- | ---: | ---: | ---: | ---: |",
        f"| `regularizer.exact` | {e['loop_s']:.3f} s | {e['package_s'] * 1e3:.2f} ms "
        f"| {_fmt_ratio(e['speedup'])} | {e['relative_difference']:.1e} |",
    ]
    if "skipped" in t:
        lines += ["", f"`taylor.softplus_derivative` against SymPy: skipped ({t['skipped']})."]
    else:
        for r in t["rows"]:
            lines.append(
                f"| `softplus_derivative`, k = {r['k']} | {r['sympy_s']:.3f} s "
                f"| {r['package_s'] * 1e3:.2f} ms | {_fmt_ratio(r['speedup'])} "
                f"| {r['max_relative_difference']:.1e} |"
            )
    lines.append("")
    if "sparse" in results:
        lines += sparse_section(results["sparse"])

    timings = results.get("package_timings")
    if timings:  # runs before this section existed lack it
        lines += [
            "## Package timings",
            "",
            "Calls whose speed the tests used to assert on; no test reads the clock any more, "
            "the speed is measured here (best of 3 after a warm-up).",
            "",
            "| call | problem | seconds | limit | within |",
            "| --- | --- | ---: | ---: | :---: |",
        ]
        for r in timings:
            lines.append(
                f"| `{r['call']}` | {r['problem']} | {r['seconds']:.3f} s | ≤ {r['limit_s']:.1f} s "
                f"| {'yes' if r['within'] else '**no**'} |"
            )
        lines.append("")

    lines += [
        "## Package versions",
        "",
        f"Every package installed in the environment of the run ({len(results['packages'])}).",
        "",
        "| package | package |",
        "| --- | --- |",
    ]
    pk = results["packages"]
    half = math.ceil(len(pk) / 2)  # two columns of "name version": fits 1280 px and the PDF
    cols = [pk[:half], pk[half:]]
    for i in range(half):
        cells = [f"`{col[i]['name']}` {col[i]['version']}" if i < len(col) else "" for col in cols]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    return "\n".join(lines)
