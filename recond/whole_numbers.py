"""Whole numbers people type in a form or send as JSON: ids, versions, counts, sizes.

`str.isdigit()` is no test for them: it is true for "²" or "٣", which `int()` refuses (a 500),
and a 5,000-digit number passes it and overflows the database (another 500). `whole_number`
takes ASCII digits only (or a JSON integer, never a boolean) within what an id column holds.
"""
from __future__ import annotations

import re
from typing import Any

# Every id (and version, count, size) column is an INTEGER: on PostgreSQL a larger number in a
# query is an error ("integer out of range"), not an empty answer.
MAX_ID = 2**31 - 1
_DIGITS = re.compile(r"[0-9]{1,10}")


def whole_number(value: Any, *, minimum: int = 1, maximum: int = MAX_ID) -> int | None:
    """The number `value` stands for, within minimum..maximum, or None when it is anything else
    (text with other signs, Unicode digits, a float, a boolean, too many digits, out of range).
    Surrounding spaces are forgiven."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        number = int(value.strip())
    else:
        return None
    return number if minimum <= number <= maximum else None
