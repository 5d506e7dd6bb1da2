"""Where every request's input is read, once for all views: ids in URLs and JSON bodies.

Hostile input stops here, before a view or the database sees it. An id in a URL that no id
column can hold is no page (404): PostgreSQL would refuse it in the query (a 500). A JSON body
holding a lone surrogate (`"\\ud800"`, which no database encodes), a number no column of
Recond keeps, nesting deeper than any field needs, or `NaN` is refused with one clear message;
`3.0` is the integer 3, as JSON Schema (and so the OpenAPI document) reads it.
(A NUL character anywhere is refused in `errors`, before any view runs.)
"""
from __future__ import annotations

import json
import math
import re
from decimal import Decimal
from typing import Any

from flask import Flask, Request
from flask_babel import lazy_gettext as _l
from werkzeug.routing import IntegerConverter

from recond.errors import InvalidInput
from recond.whole_numbers import MAX_ID

# No field of Recond nests deeper than a batch's payload (object → object → value).
MAX_DEPTH = 16
_SURROGATE = re.compile("[\ud800-\udfff]")


def digits_up_to(limit: int) -> str:
    """A regular expression of the whole numbers from 0 to `limit` in ASCII digits (leading
    zeros allowed): 0*(?:[0-9]{1,9}|[0-1][0-9]{9}|20[0-9]{8}|…|2147483647) for 2**31 - 1."""
    text = str(limit)
    shorter = [f"[0-9]{{1,{len(text) - 1}}}"] if len(text) > 1 else []
    lower = [f"{text[:i]}[0-{int(d) - 1}]" + (f"[0-9]{{{len(text) - i - 1}}}" if i < len(text) - 1 else "")
             for i, d in enumerate(text) if d != "0"]
    return "0*(?:" + "|".join([*shorter, *lower, text]) + ")"


class IdConverter(IntegerConverter):
    """`<int:…>` in every route: ASCII digits, at most what an id column holds; anything
    else is no page (404), like an id that does not exist. The bound is in the regular
    expression itself: a number beyond it matches no route, whatever the method (checked
    after the match, it made werkzeug answer 405 where the same path takes another method)."""
    regex = r"[0-9]+"

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None,  # noqa: A002
                 max: int | None = MAX_ID, signed: bool = False) -> None:  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)
        if max is not None and not signed:
            self.regex = digits_up_to(max)


def _number(text: str) -> int | float:
    """A number written with a fraction or an exponent that is whole (`3.0`, `1e3`) is the
    integer it equals, as JSON Schema reads it; others stay floats. Beyond 19 digits it stays
    a float too (10**400 is not worth building), and the walk refuses what no column holds."""
    exact = Decimal(text)
    if exact.adjusted() < 19 and exact == exact.to_integral_value():
        return int(exact)
    return float(text)


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")  # NaN, Infinity: the body is malformed (400)


# What is wrong, said of a field ("items.0.quantity …") or, for a whole body, in a sentence.
_WRONG = {
    "invalid_unicode": (_l("is text that is not valid Unicode"),
                        _l("What you sent contains text that is not valid Unicode.")),
    "number_out_of_range": (_l("is a number beyond what Recond keeps (at most %(n)s)", n=MAX_ID),
                            _l("A number in what you sent is beyond what Recond keeps "
                               "(at most %(n)s).", n=MAX_ID)),
    "too_deep": (None, _l("What you sent is nested deeper than %(n)s levels.", n=MAX_DEPTH)),
}


def _refuse(code: str, where: str = "") -> None:
    """One message naming the field (`items.0.quantity`), as the views' own refusals do."""
    of_field, sentence = _WRONG[code]
    if where and of_field is not None:
        raise InvalidInput(_l("Some details are wrong: %(errors)s.", errors=f"{where} {of_field}"),
                           code=code, details={"fields": {where: str(of_field)}})
    raise InvalidInput(sentence, code=code)


def _check(document: Any) -> None:
    """Walks the parsed body once, without recursion (a deep body must not exhaust the stack)."""
    pending = [(document, 1, "")]
    while pending:
        value, depth, where = pending.pop()
        if isinstance(value, (dict, list)):
            if depth > MAX_DEPTH:
                _refuse("too_deep")
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(key, str) and _SURROGATE.search(key):
                    _refuse("invalid_unicode")  # a key that is not text names nothing
                pending.append((item, depth + 1, f"{where}.{key}" if where else str(key)))
        elif isinstance(value, str):
            if _SURROGATE.search(value):
                _refuse("invalid_unicode", where)
        elif isinstance(value, bool):
            continue
        elif isinstance(value, int) and not -MAX_ID <= value <= MAX_ID \
                or isinstance(value, float) and not math.isfinite(value):
            _refuse("number_out_of_range", where)


class _RequestJSON:
    """The `json` module request bodies are parsed with (`request.get_json()`): the standard
    one, then the walk above. A malformed body still raises ValueError (400 where asked)."""

    @staticmethod
    def loads(data: str | bytes, **kwargs: Any) -> Any:
        try:
            document = json.loads(data, parse_float=_number, parse_constant=_no_constant,
                                  **kwargs)
        except RecursionError:
            _refuse("too_deep")
        _check(document)
        return document

    @staticmethod
    def dumps(obj: Any, **kwargs: Any) -> str:
        return json.dumps(obj, **kwargs)


class RecondRequest(Request):
    @property
    def json_module(self):
        return _RequestJSON

    @json_module.setter
    def json_module(self, _provider) -> None:
        pass  # Flask hands each request the app's provider: request bodies keep the walk above


def init_app(app: Flask) -> None:
    """Before any blueprint: a rule takes its converter when it is added."""
    app.request_class = RecondRequest
    app.url_map.converters["int"] = IdConverter
