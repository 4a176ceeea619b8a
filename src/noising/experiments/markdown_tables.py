"""Labelled Markdown tables for chapter outputs.

The chapters show results as tables with named rows and columns rather than raw
reprs (``np.float64(...)``, ``array([...])``). The book's environment has no
pandas, so :func:`markdown_table` formats a small table as Markdown, which a
chapter displays with ``IPython.display.Markdown`` (MyST renders the maths in
its cells).
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["markdown_table"]


def _cell(value, spec):
    """One cell as text: ``None`` blank, bools yes/no, integers as they are, other
    numbers with ``spec``, anything else with ``str`` (``|`` escaped)."""
    if value is None:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return format(float(value), spec)
    return str(value).replace("|", "\\|")


def _is_number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def markdown_table(rows, columns, *, index=None, index_name="", formats=None, default=".4g"):
    """Format a small table as Markdown.

    Parameters
    ----------
    rows : sequence of sequences
        The table's body, one sequence of cells per row. A cell is a real
        number (formatted with its column's format), a bool (shown as
        ``yes``/``no``) or anything else (shown with ``str``, so a string may
        hold Markdown or ``$...$`` maths).
    columns : sequence of str
        Column headers, one per cell of a row.
    index : sequence of str, optional
        Row labels, shown in a first column headed ``index_name``.
    index_name : str, optional
        Header of the row-label column.
    formats : dict or str, optional
        Format spec for numbers (``".3f"``, ``".1e"``, ...): one spec for every
        column, or a dict from column header to spec; columns not named use
        ``default``.
    default : str, optional
        Format spec for numbers in columns that ``formats`` does not name.

    Returns
    -------
    str
        The table in Markdown (pipe) syntax, ending with a newline.

    Raises
    ------
    ValueError
        If a row, or ``index``, does not have as many entries as expected, or
        ``formats`` names a column that does not exist.

    Examples
    --------
    >>> print(markdown_table([[1.0, 2.5]], ["a", "b"], index=["x"], formats=".2f"), end="")
    |  | a | b |
    |:--|--:|--:|
    | x | 1.00 | 2.50 |
    """
    columns = [str(c) for c in columns]
    rows = [list(r) for r in rows]
    for k, row in enumerate(rows):
        if len(row) != len(columns):
            raise ValueError(f"row {k} has {len(row)} cells but there are {len(columns)} columns")
    if index is not None:
        index = [str(i) for i in index]
        if len(index) != len(rows):
            raise ValueError(f"index has {len(index)} labels but there are {len(rows)} rows")
    if formats is None or isinstance(formats, str):
        specs = {c: formats or default for c in columns}
    else:
        unknown = sorted(set(formats) - set(columns))
        if unknown:
            raise ValueError(f"formats names columns {unknown} that the table does not have")
        specs = {c: formats.get(c, default) for c in columns}
    header = ([index_name] if index is not None else []) + columns
    # numeric columns align right, text columns (and the row labels) left
    rule = [":--"] * (index is not None) + [
        "--:"
        if any(r[k] is not None for r in rows) and all(r[k] is None or _is_number(r[k]) for r in rows)
        else ":--"
        for k in range(len(columns))
    ]
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join(rule) + "|",
    ]
    for k, row in enumerate(rows):
        cells = [_cell(v, specs[c]) for c, v in zip(columns, row)]
        if index is not None:
            cells.insert(0, index[k])
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
