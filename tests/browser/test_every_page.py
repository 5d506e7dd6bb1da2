"""Every page of every demo role in a real Chromium, at 390 px (a phone), 320 px and 1280 px:
none scrolls sideways (WCAG 1.4.10, reflow) and axe-core finds no violation; each role's home
page is kept as a screenshot at 390 and 1280 px (test-artifacts/home/<backend>/).

The pages are found, not listed: each role's navigation (recond/blueprints/navigation.py, as the
header shows it) and its home, then every link those pages lead to, one page per kind (a Flask
endpoint: one device page, one deposit page, one request …) — a new menu entry or a new link is
checked without touching this test."""
from __future__ import annotations

from collections import deque
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import select
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from recond import demo
from recond.extensions import db
from recond.models import Device
from tests.browser import axe
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_structure_journey import _sign_in
from tests.conftest import PASSWORD

NARROWEST, PHONE, DESKTOP = 320, 390, 1280  # WCAG 1.4.10: reflow from 320 CSS px
# What a page links to that is a file, not a page (labels, receipts, certificates, exports).
FILES = (".pdf", ".png", ".svg", ".zpl", ".csv", ".xlsx", ".json", ".ico")


def _endpoint(adapter, path: str) -> str | None:
    try:
        return adapter.match(path, method="GET")[0]
    except RequestRedirect as redirect:
        return _endpoint(adapter, urlsplit(redirect.new_url).path)
    except HTTPException:
        return None


def _links(page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all(
        "a[href]:not([download])", "links => links.map(a => a.href)")
    found = []
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != base or parts.path.startswith(("/api/", "/static/")) \
                or parts.path.endswith(FILES):
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def _too_wide(page) -> str | None:
    width, window = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]")
    return f"{width} px wide in a {window} px window" if width > window else None


def _axe(page) -> list[str]:
    return [f"{v['id']}: {', '.join(v['nodes'])}" for v in axe.violations(page)]


def _visit(page, url: str):
    try:
        return page.goto(url)
    except Exception as error:  # a link that downloads a file (a label) is no page
        if "Download is starting" in str(error):
            return None
        raise


def _crawl(app, page, base: str, role: str, start: list[str], shots: Path,
           problems: list[str]) -> int:
    """Visit one page per endpoint reachable from `start`; return how many pages."""
    adapter = app.url_map.bind("127.0.0.1")
    queue, seen, pages = deque(start), set(), 0
    while queue:
        path = queue.popleft()
        endpoint = _endpoint(adapter, urlsplit(path).path)
        if endpoint is None or endpoint in seen:
            continue
        seen.add(endpoint)
        page.set_viewport_size({"width": PHONE, "height": 800})
        response = _visit(page, f"{base}{path}")
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        pages += 1
        if response.status >= 400:
            problems.append(f"{role} {path}: HTTP {response.status}")
        for width in (PHONE, NARROWEST, DESKTOP):
            page.set_viewport_size({"width": width, "height": 800})
            if wide := _too_wide(page):
                problems.append(f"{role} {path} at {width} px: {wide}")
            # axe-core on every page as a phone shows it (menu folded, tables in their scrolling
            # boxes); on a wide screen the home page, where the whole menu shows. About half a
            # second a run: every page at every width would triple the test's time.
            if (width == PHONE or path == "/") and (violations := _axe(page)):
                problems.append(f"{role} {path} at {width} px, axe-core: {violations}")
            if path == "/" and width != NARROWEST:
                page.screenshot(path=str(shots / f"{role}-{width}.png"), full_page=True)
        queue.extend(link for link in _links(page, base)
                     if _endpoint(adapter, urlsplit(link).path) not in seen)
    return pages


def _check_role(app, page, base: str, email: str, role: str, shots: Path) -> tuple[list, int]:
    """Crawl what this user reaches; return the problems found and the number of pages."""
    problems: list[str] = []
    _sign_in(page, base, email)
    page.set_viewport_size({"width": PHONE, "height": 800})
    page.goto(f"{base}/")
    # The folded menu opens, fits, and lists the navigation.
    page.get_by_role("button", name="Menu").click()
    menu = page.eval_on_selector_all("#site-menu nav a", "links => links.map(a => a.href)")
    if not menu or not page.is_visible("#site-menu nav a"):
        problems.append(f"{role} /: the menu opened on a phone shows no link")
    if (wide := _too_wide(page)) or (found := _axe(page)):
        problems.append(f"{role} / with the menu open at {PHONE} px: {wide or found}")
    start = ["/"] + [urlsplit(href).path for href in menu]
    return problems, _crawl(app, page, base, role, start, shots, problems)


def test_no_page_of_any_role_scrolls_sideways_or_fails_axe(app, live_server, page):
    demo.load(PASSWORD)  # one user per role, with this password
    db.session.commit()
    shots = ARTIFACTS / "home" / app.config["RECOND_BACKEND"]
    shots.mkdir(parents=True, exist_ok=True)
    problems, pages = [], {}
    # Signed out: the sign-in page and what it links to (password reset, certificate check),
    # and the public page behind a label.
    page.context.clear_cookies()
    label = db.session.scalar(select(Device.public_id).order_by(Device.id).limit(1))
    pages["anonymous"] = _crawl(app, page, live_server, "anonymous",
                                ["/login", "/verify", f"/d/{label}"], shots, problems)
    roles_done = set()
    for email, role, _org, _name in demo.USERS:
        # One user per role, plus a second structure (its request is for its own use).
        key = str(role) if str(role) not in roles_done else f"{role}-2"
        roles_done.add(str(role))
        found, pages[key] = _check_role(app, page, live_server, email, key, shots)
        problems.extend(found)
    assert not problems, "\n".join(problems)
    # The crawl reached the detail pages, not only the menus.
    assert pages["coordinator"] >= 20 and pages["technician"] >= 12 and pages["structure"] >= 12, pages
