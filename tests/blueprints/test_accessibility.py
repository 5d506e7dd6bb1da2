"""Pages a screen-reader user and a keyboard-only user can use; every asset served by us."""
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

import recond


class Page(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.label_for: set[str] = set()
        self.open_label = 0
        self.wrapped: list[dict] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "label":
            self.open_label += 1
            if "for" in attrs:
                self.label_for.add(attrs["for"])
        elif self.open_label and tag in ("input", "select", "textarea"):
            self.wrapped.append(attrs)

    def handle_endtag(self, tag):
        if tag == "label":
            self.open_label -= 1

    def all(self, name):
        return [a for t, a in self.tags if t == name]


def _labelled_by(page: Page, field: dict) -> bool:
    """aria-labelledby naming elements of the page (a grid cell: its row and column headers)."""
    ids = (field.get("aria-labelledby") or "").split()
    present = {a.get("id") for _t, a in page.tags}
    return bool(ids) and all(i in present for i in ids)


def assert_accessible(html: str) -> None:
    page = Page(html)
    assert page.all("html")[0].get("lang") in ("fr", "en")
    assert len(page.all("main")) == 1 and page.all("header") and page.all("footer")
    assert all(nav.get("aria-label") for nav in page.all("nav"))
    assert page.all("a")[0].get("href") == "#main"  # the skip link comes first
    for tag in ("input", "select", "textarea"):
        for field in page.all(tag):
            if field.get("type") in ("hidden", "submit"):
                continue
            labelled = field.get("id") in page.label_for or field in page.wrapped \
                or field.get("aria-label") or _labelled_by(page, field)
            assert labelled, f"{tag} {field} has no label"
    for th in page.all("th"):
        assert th.get("scope") in ("col", "row")
    # Unique ids (a label, a heading, a hint points at one element); WTForms' hidden CSRF inputs
    # (`id="csrf_token"` in each form of a page) point at nothing and are left aside.
    ids = [a["id"] for _t, a in page.tags if a.get("id") and a.get("type") != "hidden"]
    assert len(ids) == len(set(ids)), f"ids used twice: {sorted({i for i in ids if ids.count(i) > 1})}"
    for img in page.all("img"):
        assert "alt" in img
    for attrs in page.all("script") + page.all("link") + page.all("img"):
        url = attrs.get("src") or attrs.get("href") or ""
        assert url.startswith("/"), f"asset not served by Recond: {url}"


def test_login_page(client):
    assert_accessible(client.get("/login").text)


@pytest.mark.parametrize("user", ["admin", "coordinator", "collector_a", "tech_a", "structure_s", "donor_x"])
def test_every_role_page_and_device_page(world, browser, user):
    device = world.device("os_installed")
    browser.login(f"{user}@example.org")
    for path in ("/", "/devices"):
        assert_accessible(browser.client.get(path).text)
    if user in ("admin", "coordinator", "collector_a", "tech_a", "donor_x"):
        assert_accessible(browser.client.get(f"/d/{device.public_id}").text)


def test_the_grade_form_labels_every_check(world, browser):
    device = world.device("os_installed")
    browser.login("tech_a@example.org")
    html = browser.client.get(f"/d/{device.public_id}").text
    assert_accessible(html)
    assert "<fieldset><legend>Tests fonctionnels</legend>" in html


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_colours_meet_wcag_aa_contrast():
    css = (Path(recond.__file__).parent / "static" / "recond.css").read_text()
    colours = dict(re.findall(r"--([a-z]+): (#[0-9a-f]{6})", css))
    for fg in ("ink", "muted", "accent", "ok", "bad"):
        assert _contrast(colours[fg], colours["paper"]) >= 4.5, fg
    assert _contrast("#ffffff", colours["accent"]) >= 4.5  # button text


def test_no_template_loads_anything_from_elsewhere():
    for template in (Path(recond.__file__).parent / "templates").rglob("*.html"):
        assert not re.search(r'(src|href)="(https?:)?//', template.read_text()), template


def test_collection_pages(world, browser):
    from pathlib import Path as P

    from recond.extensions import db
    from recond.collection.manifests import importer

    number = world.deposits["a"].number
    world.register()
    device_import = importer.upload(world["collector_a"], world.deposits["a"], "lot.csv",
                                    (P(__file__).parents[1] / "fixtures/manifests/fr-errors.xlsx").read_bytes())
    db.session.commit()
    browser.login("collector_a@example.org")
    for path in ("/donors/", f"/donors/{world.orgs['donor_x'].id}", "/deposits/", "/deposits/new",
                 f"/deposits/{number}", f"/deposits/{number}/register", f"/imports/{device_import.id}"):
        response = browser.client.get(path)
        assert response.status_code == 200, path
        assert_accessible(response.text)
    browser.post_form("/", "/logout", {})
    browser.login("tech_a@example.org")
    assert_accessible(browser.client.get(f"/deposits/{number}/reception").text)
    assert_accessible(browser.client.get(f"/deposits/{number}").text)  # its reception listed


def test_wipe_log_pages(world, browser):
    from pathlib import Path as P

    from recond.workshop import wipe_evidence
    from recond.extensions import db

    world.advance(world.register(), "received")
    evidence = wipe_evidence.upload(world["tech_a"], "a.log", (
        P(__file__).parents[1] / "fixtures/nwipe/prng-three-drives-one-failed.log").read_bytes())
    db.session.commit()
    browser.login("tech_a@example.org")
    for path in ("/wipe-logs/", f"/wipe-logs/{evidence.id}"):
        response = browser.client.get(path)
        assert response.status_code == 200, path
        assert_accessible(response.text)


def test_label_page(world, browser):
    browser.login("tech_a@example.org")
    response = browser.client.get(f"/labels?deposit={world.deposits['a'].number}")
    assert response.status_code == 200
    assert_accessible(response.text)


def test_public_certificate_check(client):
    assert_accessible(client.get("/verify?code=ABCD-EFGH-JKLM").text)


def test_recycling_page(world, browser):
    from recond import lifecycle
    from recond.extensions import db

    lifecycle.perform(world["tech_a"], world.register(), "recycle", {"reason": "HS"})
    db.session.commit()
    browser.login("tech_a@example.org")
    response = browser.client.get("/recycling/")
    assert response.status_code == 200 and "DEEE-" in response.text
    assert_accessible(response.text)
    number = re.search(r"DEEE-\d+", response.text).group(0)
    assert_accessible(browser.client.get(f"/recycling/{number}").text)


def test_structure_pages(world, browser):
    device = world.device("delivered")
    world.beneficiary()
    browser.login("structure_s@example.org")
    for path in ("/requests/", "/requests/new", "/beneficiaries", "/training", "/training/new",
                 "/deliveries/", f"/handover/{device.public_id}",
                 f"/structures/{world.orgs['structure_s'].id}"):
        response = browser.client.get(path)
        assert response.status_code == 200, path
        assert_accessible(response.text)


def test_coordination_pages(world, browser):
    world.device("ready")
    request = world.approved_line().request
    browser.login("coordinator@example.org")
    for path in ("/allocation", "/allocation/fairness", "/pricing", "/structures/",
                 f"/structures/{world.orgs['structure_t'].id}", f"/requests/{request.id}",
                 "/training/topics"):
        response = browser.client.get(path)
        assert response.status_code == 200, path
        assert_accessible(response.text)
