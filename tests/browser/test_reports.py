"""The dashboard and the programme's indicators in a real Chromium, on the hand-built story of
tests/reports/scenario.py: axe-core finds no violation, nothing scrolls sideways at 320 px, and
screenshots are kept (test-artifacts/reports/<backend>/)."""
from __future__ import annotations

from tests.browser import axe
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_structure_journey import _sign_in
from tests.reports import scenario


def test_the_dashboards_pass_axe_and_are_kept_as_screenshots(app, world, live_server, page,
                                                               monkeypatch):
    scenario.build(world, scenario.install_clock(monkeypatch))
    shots = ARTIFACTS / "reports" / app.config["RECOND_BACKEND"]
    shots.mkdir(parents=True, exist_ok=True)
    problems = []
    for email, paths in (("coordinator@example.org", ("/reports", "/reports/indicators")),
                         ("tech_a@example.org", ("/reports",))):
        _sign_in(page, live_server, email)
        for path in paths:
            page.goto(f"{live_server}{path}")
            assert page.locator("svg.chart").count() >= 5
            for width in (1280, 320):
                page.set_viewport_size({"width": width, "height": 900})
                found = axe.violations(page)
                if found:
                    problems.append(f"{email} {path} at {width} px: {found}")
                wide = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
                if wide:
                    problems.append(f"{email} {path} at {width} px scrolls sideways")
                name = f"{email.split('@')[0]}{path.replace('/', '-')}-{width}.png"
                page.screenshot(path=str(shots / name), full_page=True)
    assert not problems, "\n".join(problems)
