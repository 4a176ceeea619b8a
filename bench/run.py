"""``make bench``: measure the book and its package in one run, and write the results.

What is measured (wall-clock seconds on this machine, one run each unless stated):

1. a clean strict book build (``jupyter-book build . -W -n --keep-going``) into a fresh
   output folder, executing every notebook (empty execution cache);
2. a rebuild of the same tree with nothing changed (cached execution);
3. each notebook executed on its own in a fresh kernel (``nbclient``);
4. the whole test suite as ``make test`` runs it (``pytest -n 2 --dist loadfile``);
5. ``noising.regularizer.exact`` against the plain Python loop over dropout masks in
   :mod:`bench.loops` (same numbers, speed-up ratio);
6. ``noising.derivatives.softplus_derivative`` against SymPy differentiation evaluated in
   (40 + 2k)-digit arithmetic (same numbers, speed-up ratio);
7. the timings that tests and chapters must not assert on (no test reads the clock):
   all softplus derivatives up to order 400 at one point (``derivatives.softplus_derivatives``),
   and ``regularizer.exact`` on one example with d = 20 features (2**20 masks), each
   against the limit the test suite once asserted;
8. determinism: every notebook's text outputs from the build (1) and from the fresh
   executions (3) are compared; they must be identical, except in cells that read
   the clock (``time.perf_counter``, ``timeit``, ...), whose printed timings vary.

It writes ``bench/results.json`` (everything, plus the machine and the version of
every installed package) and ``bench/results.md`` (the tables the book's
"Reproducibility" page includes). Exit status 1 if a build or the test suite failed,
if an implementation disagrees with its reference, or if the outputs differ.

8. sparse designs (issue 13): ``DropoutPenalty`` value and gradient at IMDB's size
   (25,000 documents of :mod:`noising.corpus`, a 100,000-word vocabulary, about 3.6e6
   non-zeros) against the four sparse products it needs,
   the same call on a sparse design and on its dense copy, and a full ``fit_glm`` with
   the dropout penalty at IMDB's size (time and peak memory).

Usage: ``python bench/run.py [--skip-build] [--skip-tests]`` (the flags are for
trying the script; a recorded run uses neither). ``python bench/run.py --only sparse``
runs part 8 alone and prints it, writing nothing unless ``--out DIR`` is given.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import functools
import importlib.metadata
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import loops  # noqa: E402  (bench/loops.py)
import report  # noqa: E402  (bench/report.py)

BIN = Path(sys.executable).parent
JB_FLAGS = ["-W", "-n", "--keep-going"]


#: where builds, executions and tests run: a snapshot copy of the working tree (see main)
TREE = ROOT
ENV = dict(os.environ)
_SKIP = shutil.ignore_patterns(
    ".git",
    ".venv",
    "venv",
    ".lockenv",
    "_build",
    ".hypothesis",
    ".ruff_cache",
    ".pytest_cache",
    "__pycache__",
    "*.egg-info",
    ".ipynb_checkpoints",
)


def snapshot_tree(dest: Path) -> Path:
    """Copy the working tree (sources, not environments or builds) to ``dest``.

    Measuring on a copy keeps the run consistent when files change meanwhile (other
    people editing chapters), and ``PYTHONPATH`` points the kernels at the copy's
    ``src/`` so the package and the chapters come from the same moment.
    """
    shutil.copytree(ROOT, dest, ignore=_SKIP, symlinks=True)
    return dest


def run_timed(cmd, *, cwd=None, env=None):
    """Run ``cmd``; return (seconds, exit code, combined output)."""
    start = time.perf_counter()
    proc = subprocess.run(
        cmd, cwd=cwd or TREE, env=env or ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    return time.perf_counter() - start, proc.returncode, proc.stdout


# --------------------------------------------------------------------------- machine
def machine():
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gib = None
    try:
        kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        mem_gib = round(kib / 2**20, 1)
    except (OSError, AttributeError):
        pass
    os_name = platform.platform()
    try:
        os_name = re.search(r'PRETTY_NAME="([^"]+)"', Path("/etc/os-release").read_text()).group(1)
    except (OSError, AttributeError):
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "memory_gib": mem_gib,
        "os": os_name,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
    }


def packages():
    seen = {}
    for dist in importlib.metadata.distributions():
        name = dist.metadata["Name"]
        if name:
            seen[name.lower()] = (name, dist.version)
    return [{"name": n, "version": v} for n, v in sorted(seen.values(), key=lambda t: t[0].lower())]


def git_state():
    def git(*args):
        out = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return out.stdout.strip() if out.returncode == 0 else None

    commit = git("rev-parse", "--short=12", "HEAD")
    dirty = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "uncommitted_changes": bool(dirty) if dirty is not None else None}


# --------------------------------------------------------------------------- builds
def book_builds(out_dir: Path):
    cmd = [str(BIN / "jupyter-book"), "build", ".", *JB_FLAGS, "--path-output", str(out_dir)]
    clean_s, clean_rc, clean_log = run_timed(cmd)
    # keep the clean build's executed notebooks for the determinism check: a rebuild
    # that re-reads a chapter from the cache rewrites them without outputs (myst-nb 1.4)
    executed = out_dir / "_build" / "jupyter_execute"
    if executed.is_dir():
        shutil.copytree(executed, out_dir / "clean_jupyter_execute")
    cached_s, cached_rc, cached_log = run_timed(cmd)
    if clean_rc or cached_rc:
        sys.stderr.write((clean_log if clean_rc else cached_log)[-5000:])
    return {
        "clean_build_s": round(clean_s, 2),
        "clean_build_ok": clean_rc == 0,
        "cached_rebuild_s": round(cached_s, 2),
        "cached_rebuild_ok": cached_rc == 0,
        "command": "jupyter-book build . " + " ".join(JB_FLAGS),
    }


# --------------------------------------------------------------------------- notebooks
def chapter_sources():
    out = []
    for path in sorted((TREE / "notebooks").glob("*.md")):
        head = path.read_text(encoding="utf-8")[:2000]
        if head.startswith("---") and "\njupytext:" in head:
            out.append(path)
    return out


@functools.cache
def _kernel_manager_class():
    """The kernel manager of the book build (book/_ext/ipc_kernels.py), made once."""
    from jupyter_client import AsyncKernelManager

    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    from ipc_kernels import ipc_manager

    return ipc_manager(AsyncKernelManager)


def execute_notebook(path: Path):
    """Execute one Jupytext notebook in a fresh kernel; return (seconds, executed notebook)."""
    import jupytext
    from nbclient import NotebookClient

    nb = jupytext.read(path)
    client = NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        kernel_manager_class=_kernel_manager_class(),
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start, nb


_ADDRESS = re.compile(r"0x[0-9a-fA-F]{6,}")
#: a cell that reads the clock prints timings, which differ from run to run by nature
_CLOCK = re.compile(r"\b(perf_counter|process_time|monotonic|timeit|time\.time|datetime\.now)\b")


def clock_cells(nb):
    """Indices (among code cells) of the cells that read the clock."""
    code = [c for c in (nb["cells"] if isinstance(nb, dict) else nb.cells) if c["cell_type"] == "code"]
    return [
        i
        for i, c in enumerate(code)
        if _CLOCK.search(c["source"] if isinstance(c["source"], str) else "".join(c["source"]))
    ]


TEXT_MIMES = ("text/plain", "text/latex", "text/markdown", "text/html", "application/json")


def text_outputs(nb):
    """The text of every code cell's outputs (images, timings and counters left out)."""
    cells = []
    for cell in nb["cells"] if isinstance(nb, dict) else nb.cells:
        if cell["cell_type"] != "code":
            continue
        texts = []
        for out in cell.get("outputs", []):
            kind = out.get("output_type")
            if kind == "stream":
                text = "".join(out.get("text", ""))
                head = f"{out.get('name')}: "
                if texts and texts[-1].startswith(head):  # how a stream is cut into chunks
                    texts[-1] += text  # depends on timing: join them
                else:
                    texts.append(head + text)
            elif kind == "error":
                texts.append(f"error: {out.get('ename')}: {out.get('evalue')}")
            else:
                data = out.get("data", {})
                for mime in TEXT_MIMES:
                    if mime in data:
                        value = data[mime]
                        value = (
                            value
                            if isinstance(value, str)
                            else json.dumps(value, sort_keys=True)
                            if not isinstance(value, list)
                            else "".join(value)
                        )
                        texts.append(f"{mime}: {value}")
        cells.append(_ADDRESS.sub("0x…", "\n".join(texts)))
    return cells


def image_outputs(nb):
    imgs = []
    for cell in nb["cells"] if isinstance(nb, dict) else nb.cells:
        for out in cell.get("outputs", []) if cell["cell_type"] == "code" else []:
            data = out.get("data", {})
            if "image/png" in data:
                value = data["image/png"]
                imgs.append(value if isinstance(value, str) else "".join(value))
    return imgs


def notebooks_and_determinism(build_dir: Path | None):
    rows, determinism = [], []
    for path in chapter_sources():
        rel = path.relative_to(TREE).as_posix()
        try:
            seconds, nb = execute_notebook(path)
            ok, error = True, None
        except Exception as exc:  # a failing chapter is reported, not fatal to the bench
            seconds, nb, ok, error = float("nan"), None, False, f"{type(exc).__name__}: {exc}"[:300]
        rows.append({"notebook": rel, "seconds": round(seconds, 2) if ok else None, "ok": ok, "error": error})
        if build_dir is None or nb is None:
            continue
        built = build_dir / "clean_jupyter_execute" / path.relative_to(TREE).with_suffix(".ipynb")
        if not built.is_file():
            determinism.append(
                {
                    "notebook": rel,
                    "compared": False,
                    "identical_text": None,
                    "note": "not in the build (not in _toc.yml?)",
                }
            )
            continue
        first = json.loads(built.read_text(encoding="utf-8"))
        a, b = text_outputs(first), text_outputs(nb)
        clock = clock_cells(nb)
        diff = [i for i, (x, y) in enumerate(zip(a, b)) if x != y and i not in clock]
        same_len = len(a) == len(b)
        ia, ib = image_outputs(first), image_outputs(nb)
        determinism.append(
            {
                "notebook": rel,
                "compared": True,
                "code_cells": len(a),
                "clock_cells": clock,
                "identical_text": same_len and not diff,
                "differing_cells": diff[:10],
                "first_difference": None
                if not diff
                else {"build": a[diff[0]][:300], "fresh": b[diff[0]][:300]},
                "images": len(ia),
                "identical_images": sum(x == y for x, y in zip(ia, ib)) if len(ia) == len(ib) else None,
            }
        )
    return rows, determinism


# --------------------------------------------------------------------------- tests
def test_suite():
    # the test of the committed results/report is left out: it checks this script's output
    cmd = [
        str(BIN / "python"),
        "-m",
        "pytest",
        "-n",
        "2",
        "--dist",
        "loadfile",
        "-q",
        "--deselect",
        "tests/test_bench.py::test_committed_results_are_complete_and_consistent",
    ]
    seconds, rc, out = run_timed(cmd)
    summary = next(
        (
            line
            for line in reversed(out.strip().splitlines())
            if " in " in line and re.search(r"\d+ (passed|failed)", line)
        ),
        "",
    )
    counts = {k: int(v) for v, k in re.findall(r"(\d+) (passed|failed|skipped|errors?|xfailed)", summary)}
    if rc:
        sys.stderr.write(out[-5000:])
    return {
        "test_suite_s": round(seconds, 2),
        "test_suite_ok": rc == 0,
        "summary": summary.strip("= "),
        "counts": counts,
        "command": "pytest -n 2 --dist loadfile (make test), less the test of the committed bench results",
    }


# --------------------------------------------------------------------------- speed-ups
def best_of(fn, repeat):
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - start)
    return best, value


def exact_vs_loop():
    import numpy as np

    import noising
    from noising import regularizer

    rng = np.random.default_rng(20240601)
    n, d, delta = 40, 12, 0.5
    X = rng.normal(size=(n, d))
    beta = rng.normal(size=d)
    t_loop, ref = best_of(lambda: loops.dropout_regularizer_loop(X.tolist(), beta.tolist(), delta), 1)
    t_vec, val = best_of(lambda: regularizer.exact(X, beta, noising.Dropout(delta)), 5)
    rel = abs(val - ref) / abs(ref)
    return {
        "problem": f"logistic, dropout delta={delta}, n={n} examples, d={d} features ({2**d} masks each)",
        "loop_s": t_loop,
        "package_s": t_vec,
        "speedup": t_loop / t_vec,
        "relative_difference": rel,
        "agree": rel < 1e-12,
    }


def taylor_vs_sympy(orders=(2, 4, 8, 16, 24, 32), points=25):
    try:
        from noising import derivatives

        derivatives.softplus_derivative  # noqa: B018
    except (ImportError, AttributeError) as exc:
        return {"skipped": f"noising.derivatives.softplus_derivative not importable ({exc})"}
    import mpmath
    import numpy as np
    import sympy as sp

    z = sp.Symbol("z")
    softplus = sp.log(1 + sp.exp(z))
    zs = np.linspace(-6.0, 6.0, points)
    rows = []
    for k in orders:

        def by_sympy(k=k):
            f = sp.lambdify(z, sp.diff(softplus, z, k), "mpmath")
            with mpmath.workdps(40 + 2 * k):  # the expression cancels: 40 digits lose ~10 at k=32
                return np.array([float(f(mpmath.mpf(float(v)))) for v in zs])

        t_sym, ref = best_of(by_sympy, 1)
        t_pkg, val = best_of(lambda k=k: derivatives.softplus_derivative(k, zs), 3)
        scale = np.maximum(np.abs(ref), np.finfo(float).tiny)
        rel = float(np.max(np.abs(val - ref) / scale))
        rows.append(
            {
                "k": k,
                "sympy_s": t_sym,
                "package_s": t_pkg,
                "speedup": t_sym / t_pkg,
                "max_relative_difference": rel,
                "agree": rel < 1e-12,
            }
        )
    return {
        "points": f"{points} points z in [-6, 6]",
        "reference": "sympy.diff, evaluated with 40 + 2k digits (mpmath)",
        "rows": rows,
        "agree": all(r["agree"] for r in rows),
    }


def package_timings():
    """Best of 3 (after a warm-up) of the calls whose speed tests used to assert on."""
    import numpy as np

    import noising
    from noising import derivatives, regularizer

    rng = np.random.default_rng(1)
    x, beta = rng.normal(size=20), rng.normal(size=20)
    calls = [
        (
            "derivatives.softplus_derivatives(400, z)",
            "all orders 0 to 400 at z = 0.7",
            lambda: derivatives.softplus_derivatives(400, 0.7),
            report.SPEED_LIMITS["softplus_derivatives_400_s"],
        ),
        (
            "regularizer.exact",
            "logistic, dropout delta=0.5, one example, d=20 (1,048,576 masks)",
            lambda: regularizer.exact(x, beta, noising.Dropout(0.5)),
            report.SPEED_LIMITS["exact_d20_s"],
        ),
    ]
    rows = []
    for call_name, problem, call, limit in calls:
        call()  # warm-up (caches, first-call imports)
        seconds, _ = best_of(call, 3)
        rows.append(
            {
                "call": call_name,
                "problem": problem,
                "seconds": seconds,
                "limit_s": limit,
                "within": seconds <= limit,
            }
        )
    return rows


# --------------------------------------------------------------------------- sparse designs
#: the size of the paper's IMDB experiment: 25,000 labelled reviews
IMDB_DOCUMENTS = 25_000


def _interleaved_best(fns, repeat):
    """Best wall-clock and best CPU time of each callable over ``repeat`` interleaved rounds.

    Returns ``{name: (wall_s, cpu_s)}``. The CPU time (``time.process_time``) leaves out
    the time this process waits while other processes use the cores, which on a shared
    2-core machine otherwise lands at random inside a 100 ms computation.
    """
    best = {k: [float("inf"), float("inf")] for k in fns}
    for _ in range(repeat):
        for k, fn in fns.items():
            wall, cpu = time.perf_counter(), time.process_time()
            fn()
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            best[k] = [min(best[k][0], wall), min(best[k][1], cpu)]
    return {k: tuple(v) for k, v in best.items()}


def sparse_speed(*, fit=True, repeat=7):
    """Issue 13, section 5: the sparse dropout penalty against its products, the densified call, a full fit.

    1. ``DropoutPenalty(X, 0.5).value_and_grad`` at n = 25,000, d = 50,000 (about 5e6
       stored values) against the four sparse products it needs (X beta, X^T r,
       X^2 beta^2, (X^2)^T a), each timed in the same run, interleaved, best of ``repeat``
       in CPU time (wall-clock times are recorded too); its value against the formula
       written with SciPy's own ``X.multiply(X)``.
    2. At 5,000 x 2,000 with 2% non-zeros (the dense copy is 80 MB): the same call on the
       sparse design and on its dense copy, and their agreement.
    3. ``fit_glm`` with the dropout penalty on the IMDB-sized design: time, iterations,
       whether ``tol`` was met, and the peak memory traced while fitting.
    """
    import tracemalloc

    import numpy as np

    from noising import fit as nfit
    from noising import penalties
    from noising.families import get_family

    out = {}
    n = IMDB_DOCUMENTS
    from noising import corpus

    c = corpus.make_corpus(n, 1, 0, seed=13)  # the book's corpus generator, IMDB's training size
    X, y = c.X_train, c.y_train
    d = X.shape[1]
    rng = np.random.default_rng(1)
    beta = 0.05 * rng.standard_normal(d)
    delta = 0.5
    pen = penalties.DropoutPenalty(X, delta)
    X2 = pen._X2
    r, a, b2 = rng.standard_normal(n), rng.random(n), beta * beta
    best = _interleaved_best(
        {
            "X beta": lambda: X @ beta,
            "X^T r": lambda: X.T @ r,
            "X^2 beta^2": lambda: X2 @ b2,
            "(X^2)^T a": lambda: X2.T @ a,
            "penalty": lambda: pen.value_and_grad(beta),
        },
        repeat,
    )
    names = ("X beta", "X^T r", "X^2 beta^2", "(X^2)^T a")
    products = {k: best[k][1] for k in names}  # CPU seconds
    products_wall = {k: best[k][0] for k in names}
    value, _ = pen.value_and_grad(beta)
    fam = get_family("logistic")
    reference = 0.5 * delta / (1 - delta) * float(fam.A2(X @ beta) @ (X.multiply(X) @ b2))
    rel_full = abs(value - reference) / abs(reference)
    out["penalty_vs_products"] = {
        "problem": f"n={n:,} x d={d:,}, {X.nnz:,} stored values (counts), delta={delta}, logistic",
        "nnz": int(X.nnz),
        "clock": "CPU time of the process (time.process_time)",
        "products_s": products,
        "products_total_s": sum(products.values()),
        "penalty_s": best["penalty"][1],
        "ratio": best["penalty"][1] / sum(products.values()),
        "wall": {
            "products_s": products_wall,
            "penalty_s": best["penalty"][0],
            "ratio": best["penalty"][0] / sum(products_wall.values()),
        },
        "relative_difference": rel_full,
        "repeat": repeat,
    }

    import scipy.sparse as sp

    small = sp.random_array((5_000, 2_000), density=0.02, format="csr", rng=np.random.default_rng(2))
    dense = small.toarray()
    bs = 0.05 * rng.standard_normal(2_000)
    p_sparse, p_dense = penalties.DropoutPenalty(small, delta), penalties.DropoutPenalty(dense, delta)
    best_small = {
        k: cpu
        for k, (_, cpu) in _interleaved_best(
            {"sparse": lambda: p_sparse.value_and_grad(bs), "dense": lambda: p_dense.value_and_grad(bs)},
            repeat,
        ).items()
    }
    (vs, gs), (vd, gd) = p_sparse.value_and_grad(bs), p_dense.value_and_grad(bs)
    rel_small = max(abs(vs - vd) / abs(vd), float(np.max(np.abs(gs - gd)) / np.max(np.abs(gd))))
    out["sparse_vs_dense"] = {
        "problem": f"n=5,000 x d=2,000, {small.nnz:,} stored values (2%); the dense copy is "
        f"{dense.nbytes / 2**20:.0f} MiB",
        "sparse_s": best_small["sparse"],
        "dense_s": best_small["dense"],
        "speedup": best_small["dense"] / best_small["sparse"],
        "relative_difference": rel_small,
    }
    dense = p_dense = None  # free the dense copy before the IMDB-sized fit

    if fit:
        # chapter 9's stopping rule: the corpus is separable, so R^q alone has no minimiser
        # and a fit is stopped at a gradient of 1e-4 per document, as in the chapter
        tol = 1e-4
        tracemalloc.start()
        start, cpu = time.perf_counter(), time.process_time()
        res = nfit.fit_glm(X, y, penalties.DropoutPenalty(X, delta), tol=tol)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        out["imdb_fit"] = {
            "problem": f"fit_glm(X, y, DropoutPenalty(X, {delta}), tol={tol}) on the design of (1)",
            "seconds": seconds,
            "cpu_s": cpu,
            "n_iter": res.n_iter,
            "success": bool(res.success),
            "grad_norm": res.grad_norm,
            "peak_mib": peak / 2**20,
            "design_mib": (X.data.nbytes + X.indices.nbytes + X.indptr.nbytes) / 2**20,
            "dense_gib": n * d * 8 / 2**30,
            "finite": bool(np.isfinite(res.fun)),
        }
    out["agree"] = rel_full < 1e-10 and rel_small < 1e-10 and out.get("imdb_fit", {}).get("finite", True)
    return out


# --------------------------------------------------------------------------- main
def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skip-build", action="store_true", help="no book builds (no determinism check)")
    parser.add_argument("--skip-tests", action="store_true", help="do not time the test suite")
    parser.add_argument(
        "--out",
        default=None,
        help="folder for results.json and results.md (default bench/; with --only, nothing "
        "is written unless --out is given)",
    )
    parser.add_argument(
        "--only",
        choices=["sparse"],
        help="run one part only and print it (sparse: issue 13's sparse timings, ~3 minutes); "
        "the committed bench/results.* come from full runs",
    )
    args = parser.parse_args(argv)
    if args.only:
        return only(args.only, args.out)

    global TREE
    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    TREE = snapshot_tree(work / "tree")
    ENV["PYTHONPATH"] = os.pathsep.join(filter(None, [str(TREE / "src"), ENV.get("PYTHONPATH")]))
    os.environ["PYTHONPATH"] = ENV["PYTHONPATH"]  # kernels started by nbclient from this process
    sys.path.insert(0, str(TREE / "src"))  # and this process's own measurements
    results = {
        "generated": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "git": git_state(),
        "machine": machine(),
        "budgets": dict(report.BUDGETS),
        "notes": [],
        "tree": "a copy of the working tree at the start of the run (builds, executions and tests "
        "all use it, with PYTHONPATH on its src/)",
    }
    build_dir = None
    if not args.skip_build:
        build_dir = work / "build"
        print(f"[bench] clean build and cached rebuild into {build_dir} ...", flush=True)
        results["build"] = book_builds(build_dir)
        print(f"[bench]   {results['build']}", flush=True)
    else:
        results["notes"].append("run with --skip-build: no build timings, no determinism check")
    print("[bench] executing each notebook in a fresh kernel ...", flush=True)
    results["notebooks"], results["determinism"] = notebooks_and_determinism(build_dir)

    if not args.skip_tests:
        print("[bench] the test suite (make test) ...", flush=True)
        results["tests"] = test_suite()
        print(f"[bench]   {results['tests']['summary']}", flush=True)
    else:
        results["notes"].append("run with --skip-tests: the test suite was not timed")
    print("[bench] regularizer.exact against a Python loop; taylor against SymPy ...", flush=True)
    results["exact_vs_loop"] = exact_vs_loop()
    results["taylor_vs_sympy"] = taylor_vs_sympy()
    results["package_timings"] = package_timings()
    print("[bench] sparse designs: the dropout penalty at IMDB's size, densified, a full fit ...", flush=True)
    results["sparse"] = sparse_speed()
    if "skipped" in results["taylor_vs_sympy"]:
        results["notes"].append(results["taylor_vs_sympy"]["skipped"])
    results["packages"] = packages()
    shutil.rmtree(work, ignore_errors=True)
    results["bench_total_s"] = round(time.perf_counter() - started, 1)
    results["verdicts"] = report.verdicts(results)

    out = Path(args.out or HERE)
    (out / "results.json").write_text(json.dumps(results, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    (out / "results.md").write_text(report.markdown(results), encoding="utf-8")
    print(
        f"[bench] wrote {out / 'results.json'} and {out / 'results.md'} in {results['bench_total_s']} s",
        flush=True,
    )
    failures = report.failures(results)
    for line in failures:
        print(f"[bench] FAILED: {line}", file=sys.stderr)
    return 1 if failures else 0


def only(part, out_dir):
    """Run one part of the benchmark (``--only``) and print its report section."""
    sys.path.insert(0, str(ROOT / "src"))
    print(
        f"[bench] only {part}: sparse designs, the dropout penalty at IMDB's size, densified, a full fit ...",
        flush=True,
    )
    results = {
        "generated": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "git": git_state(),
        "machine": machine(),
        "sparse": sparse_speed(),
    }
    print("\n".join(report.sparse_section(results["sparse"])))
    if out_dir:
        path = Path(out_dir) / f"results-{part}.json"
        path.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
        print(f"[bench] wrote {path}")
    return 0 if results["sparse"]["agree"] else 1


if __name__ == "__main__":
    sys.exit(main())
