"""A small fix to the HTML that Jupyter Book 1 produces, found by the browser check.

**Duplicated script.** sphinx-thebe registers its inline configuration script
(``const THEBE_JS_URL = ...``) on every ``env-before-read-docs`` event, so a page
can carry it twice and the browser raises ``SyntaxError: Identifier
'THEBE_JS_URL' has already been declared``. Identical script entries are dropped
from each page's context, keeping the first. (No option turns sphinx-thebe off:
Jupyter Book 1 always loads it.)

The theme's default light/dark mode, once set here too, is an option now:
``html_context: {default_mode: auto}`` in ``_config.yml``.
"""

from __future__ import annotations


def _script_key(script):
    # an inline script is registered once with filename None and once with ""
    filename = getattr(script, "filename", script) or ""
    attributes = getattr(script, "attributes", {}) or {}
    return str(filename), tuple(sorted((k, str(v)) for k, v in attributes.items()))


def drop_duplicate_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        key = _script_key(script)
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique


def setup(app):
    app.connect("html-page-context", drop_duplicate_scripts, priority=100)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
