"""Whole numbers from forms and JSON: ASCII digits only, within what a BIGINT holds."""
import pytest

from recond.whole_numbers import MAX_ID, whole_number


@pytest.mark.parametrize("value, number", [("1", 1), (" 42 ", 42), (7, 7), (MAX_ID, MAX_ID),
                                           (str(MAX_ID), MAX_ID), ("007", 7)])
def test_a_whole_number(value, number):
    assert whole_number(value) == number


@pytest.mark.parametrize("value", ["²", "٣", "１２", "9" * 5000, "9" * 30, str(MAX_ID + 1),
                                   MAX_ID + 1, 10**30, "0", 0, -1, "-1", "+1", "1.0", 1.0, "1e3",
                                   True, False, None, "", " ", ["1"], {"1": 1}, "1 2", "0x10"])
def test_anything_else_is_none(value):
    assert whole_number(value) is None


def test_bounds_are_the_callers():
    assert whole_number("0", minimum=0) == 0
    assert whole_number("101", minimum=0, maximum=100) is None
