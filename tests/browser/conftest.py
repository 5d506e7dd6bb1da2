"""A real Chromium (Debian's /usr/bin/chromium, driven by Playwright) against Recond served
on a free local port (`live_server`, tests/conftest.py), with screenshots of each step kept
under test-artifacts/."""
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"


@pytest.fixture
def page(request):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        context = browser.new_context(locale="fr-FR", viewport={"width": 1024, "height": 900})
        tab = context.new_page()
        tab.set_default_timeout(60_000)  # every wait is on a signal: this bounds a busy machine
        yield tab
        ARTIFACTS.mkdir(exist_ok=True)
        tab.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
        browser.close()
