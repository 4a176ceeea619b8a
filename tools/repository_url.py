"""One setting for the book's public repository address: ``repository.url`` in ``_config.yml``.

Jupyter Book reads it for the site (with an address, the header gets a repository
button; empty, there is none and the strict build is unaffected). This tool writes the
same address into ``CITATION.cff`` as ``repository-code`` (removing that key while the
address is empty, since CFF wants a URL there), so the two never disagree:

    make citation              # after editing repository.url in _config.yml
    python tools/repository_url.py --check   # exit 1 when CITATION.cff disagrees

``tests/test_citation.py`` runs the check.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
KEY = "repository-code"


def repository_url(config_path: Path = ROOT / "_config.yml") -> str:
    config = yaml.safe_load(config_path.read_text(encoding="utf-8")) or {}
    return ((config.get("repository") or {}).get("url") or "").strip()


def with_repository(cff_text: str, url: str) -> str:
    """``cff_text`` whose top-level ``repository-code`` is ``url`` (no such key when empty)."""
    text = re.sub(rf"^{KEY}:.*\n", "", cff_text, flags=re.M)
    if not url:
        return text
    line = f'{KEY}: "{url}"\n'
    # after the top-level license line (CFF keys are unordered; this keeps the file tidy)
    text, n = re.subn(r"^(license:.*\n)", lambda m: m.group(1) + line, text, count=1, flags=re.M)
    return text if n else text + line


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check; exit 1 if CITATION.cff disagrees")
    args = parser.parse_args(argv)
    cff = ROOT / "CITATION.cff"
    text = cff.read_text(encoding="utf-8")
    expected = with_repository(text, repository_url())
    if args.check:
        if expected != text:
            print(f"CITATION.cff's {KEY} disagrees with repository.url of _config.yml: run `make citation`")
            return 1
        return 0
    if expected != text:
        cff.write_text(expected, encoding="utf-8")
        print(f"CITATION.cff: {KEY} = {repository_url() or '(none)'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
