"""Wipe logs and reports, read into drives: one parser per tool, tried in turn.

Each parser has `name`, `recognises(content) -> bool` and `parse(content) -> WipeReport`.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from recond.errors import InvalidInput
from recond.workshop.wipelogs.model import Drive, WipeReport
from recond.workshop.wipelogs.nwipe import NwipeLog

PARSERS = (NwipeLog(),)


def parse(content: bytes) -> tuple[str, WipeReport]:
    for parser in PARSERS:
        if parser.recognises(content):
            return parser.name, parser.parse(content)
    raise InvalidInput(_l("This file is not a wipe log Recond can read (nwipe or ShredOS)."),
                       code="unknown_log")


__all__ = ["Drive", "PARSERS", "WipeReport", "parse"]
