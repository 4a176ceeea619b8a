"""Tests of noising.experiments.markdown_tables."""

import numpy as np
import pytest

from noising.experiments.markdown_tables import markdown_table


def test_numbers_are_formatted_per_column_and_labels_kept():
    text = markdown_table(
        [[np.float64(1.23456), 2e-13, "$x$"], [2.0, np.float32(0.5), True]],
        ["value", "gap", "note"],
        index=["first", "second"],
        index_name="row",
        formats={"value": ".2f", "gap": ".1e"},
    )
    lines = text.splitlines()
    assert lines[0] == "| row | value | gap | note |"
    assert lines[1] == "|:--|--:|--:|:--|"  # labels and text left, numbers right
    assert lines[2] == "| first | 1.23 | 2.0e-13 | $x$ |"
    assert lines[3] == "| second | 2.00 | 5.0e-01 | yes |"
    assert "np.float64" not in text


def test_one_format_for_all_columns_and_no_index():
    text = markdown_table([[1.0, 2.0]], ["a", "b"], formats=".1f")
    assert text == "| a | b |\n|--:|--:|\n| 1.0 | 2.0 |\n"


def test_integers_stay_integers_none_is_blank_and_pipes_are_escaped():
    text = markdown_table([[3, None, "a|b"]], ["n", "missing", "text"], formats=".2f")
    assert text.splitlines()[2] == "| 3 |  | a\\|b |"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(rows=[[1, 2, 3]], columns=["a", "b"]), "row 0 has 3 cells"),
        (dict(rows=[[1, 2]], columns=["a", "b"], index=["x", "y"]), "index has 2 labels"),
        (dict(rows=[[1, 2]], columns=["a", "b"], formats={"c": ".2f"}), r"\['c'\]"),
    ],
)
def test_bad_shapes_and_unknown_columns_are_value_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        markdown_table(**kwargs)
