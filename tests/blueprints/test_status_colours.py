"""Each status has its own colour, and its text reads on it at 4.5:1 or more (WCAG AA); the
status is written in every badge, so colour is never the only sign."""
import re
from pathlib import Path

import recond
from recond.lifecycle import Status
from tests.blueprints.test_accessibility import _contrast

CSS = (Path(recond.__file__).parent / "static" / "recond.css").read_text()


def _rule(selector: str) -> str:
    match = re.search(rf"(^|\n){re.escape(selector)} \{{([^}}]*)\}}", CSS)
    assert match, f"no rule for {selector}"
    return match.group(2)


def _colour(rule: str, prop: str) -> str | None:
    match = re.search(rf"(^|[;\s]){prop}: (#[0-9a-f]{{6}})", rule)
    return match.group(2) if match else None


def test_every_status_has_its_own_readable_colour():
    base = _rule(".status")
    backgrounds = {}
    for status in Status:
        rule = _rule(f".status-{status.value}")
        background = _colour(rule, "background") or _colour(base, "background")
        text = _colour(rule, "color") or _colour(base, "color")
        assert background and text, status
        assert _contrast(text, background) >= 4.5, (status, text, background)
        backgrounds[status] = background
    assert len(set(backgrounds.values())) == len(Status), backgrounds


def test_the_check_catches_a_colour_too_pale_for_its_text():
    assert _contrast("#1a1a1a", "#dcfce7") >= 4.5
    assert _contrast("#9a9a9a", "#dcfce7") < 4.5
