"""Write environment.yml (conda) from the lock, requirements.txt.

The lock is the one list of exact versions (``make lock`` resolves it from
pyproject.toml with uv). A conda user gets the same versions: conda-forge provides
Python and pip, and pip installs every package of the lock at its locked version,
with the lock's environment markers, then the helper package itself.

Usage: ``python tools/environment_yml.py [requirements.txt] > environment.yml``
(``make lock`` runs it; ``tests/test_lock.py`` checks that the file is in sync).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

HEADER = """\
# Generated from requirements.txt by `make lock` (tools/environment_yml.py): do not edit.
# conda-forge provides Python and pip; pip installs every package of the lock at its
# locked version, so this environment has the versions `make test` and `make book` use
# (plus the browser and lab groups).
name: dropout-companion
channels:
  - conda-forge
dependencies:
  - python={python}
  - pip
  - pip:
"""


def locked_requirements(lock_text: str) -> list[str]:
    """The requirement lines of a uv/pip-compile lock (``name==version[ ; marker]``)."""
    lines = []
    for line in lock_text.splitlines():
        if not line.strip() or line[0] in "# \t":  # comments and the indented "# via" notes
            continue
        if line.startswith("-"):
            raise ValueError(f"unexpected option line in the lock: {line!r}")
        if "==" not in line:
            raise ValueError(f"not an exact pin: {line!r}")
        lines.append(line.strip())
    return lines


def render(lock_text: str, python: str = "3.11") -> str:
    items = [*locked_requirements(lock_text), "-e ."]
    # quoted: a marker holds ';' and quotes, which YAML would otherwise have to interpret
    body = "".join(f"      - {_yaml_quote(item)}\n" for item in items)
    return HEADER.format(python=python) + body


def _yaml_quote(item: str) -> str:
    return f'"{item}"' if ";" in item or "'" in item else item


def main(argv: list[str]) -> int:
    lock = Path(argv[1]) if len(argv) > 1 else ROOT / "requirements.txt"
    sys.stdout.write(render(lock.read_text(encoding="utf-8")))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
