"""The page behind a label, as the person who received the computer sees it: a phone camera
opens the QR code's address, nobody signs in. In Debian's Chromium, axe-core finds nothing,
and the page fits a phone's width."""
from recond.distribution import public_help
from recond.extensions import db
from tests.browser import axe
from tests.browser.conftest import ARTIFACTS

HELP = {"support_phone": "01 23 45 67 89", "support_hours": "du lundi au vendredi, 9 h – 17 h",
        "support_url": "https://aide.example.org/", "places_url": "https://carto.example.org/92",
        "guide:Linux Mint": "https://mint.example.org/debuter"}


def test_an_anonymous_visitor_reads_the_public_label_page(world, live_server, page):
    public_help.update(world["coordinator"], HELP)
    db.session.commit()
    device = world.device("released")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}/d/{device.public_id}")
    assert page.get_by_role("heading", level=1).inner_text() == \
        "Ordinateur portable Dell Latitude 5490"
    assert page.get_by_role("link", name="Guide de Linux Mint 22 pour débuter").get_attribute(
        "href") == "https://mint.example.org/debuter"
    assert page.get_by_role("link", name="01 23 45 67 89").is_visible()
    text = page.inner_text("main")
    assert device.serial not in text and "Historique" not in text
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert axe.violations(page) == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "public-label-390.png"), full_page=True)

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server}/d/BCDFGHJK")
    assert "Aucun appareil n’a l’identifiant" in page.inner_text("main")
    assert axe.violations(page) == []


def test_axe_finds_what_it_should(page):
    """The check itself can fail: an image without a text alternative is a violation."""
    page.set_content('<html lang="fr"><body><main><img src="data:,"></main></body></html>')
    assert "image-alt" in {v["id"] for v in axe.violations(page)}
