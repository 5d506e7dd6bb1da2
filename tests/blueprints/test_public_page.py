"""The page behind every label: anyone holding the device reads what it is, who reconditioned
it with which free system, and where to find help — never its history, serial, donor,
beneficiary or price. Staff who may see the device keep the full page at the same address;
anyone else signed in gets the public page; an unknown ID is a 404 that says so."""
import pytest

from recond import lifecycle
from recond.extensions import db
from recond.distribution import public_help
from tests.blueprints.test_accessibility import assert_accessible

HELP = {"support_phone": "01 23 45 67 89", "support_hours": "du lundi au vendredi, 9 h – 17 h",
        "support_url": "https://aide.example.org/", "places_url": "https://carto.example.org/92",
        "guide_url": "https://guides.example.org/", "guide:Linux Mint": "https://mint.example.org/debuter"}


def _secrets(device) -> list[str]:
    allocation = lifecycle.active_allocation(device)
    return [device.serial, device.media[0].serial, device.deposit.number, "Donateur X",
            allocation.beneficiary.reference, "40,00", "Historique", "Collecte A",
            "minima", "Minima sociaux"]


@pytest.fixture
def handed_over(world):
    public_help.update(world["coordinator"], HELP)
    db.session.commit()
    return world.device("released")


def test_anyone_reads_what_the_device_is_and_where_to_find_help(world, client, handed_over):
    page = client.get(f"/d/{handed_over.public_id}")
    assert page.status_code == 200
    html = page.text
    assert_accessible(html)
    assert "<h1>Ordinateur portable Dell Latitude 5490</h1>" in html
    assert "Reconditionné par Atelier A, avec Linux Mint 22" in html
    assert 'href="https://mint.example.org/debuter"' in html
    assert 'href="tel:0123456789"' in html and "du lundi au vendredi" in html
    assert 'href="https://carto.example.org/92"' in html
    assert "Structure S" in html  # the place that handed it over, from the directory
    for secret in _secrets(handed_over):
        assert secret not in html, secret
    assert page.headers["Cache-Control"] == "private, no-store" and "Cookie" in page.headers["Vary"]
    assert '<meta name="robots" content="noindex">' in html


@pytest.mark.parametrize("reader", ["tech_b", "donor_y", "structure_t", "collector_b"])
def test_a_reader_of_another_organisation_gets_the_public_page(world, browser, handed_over, reader):
    browser.login(f"{reader}@example.org")
    page = browser.client.get(f"/d/{handed_over.public_id}")
    assert page.status_code == 200 and "Aide pour vos premiers pas" in page.text
    for secret in _secrets(handed_over):
        assert secret not in page.text, secret


@pytest.mark.parametrize("reader", ["tech_a", "donor_x", "structure_s", "coordinator"])
def test_staff_who_may_see_it_keep_the_full_page(world, browser, handed_over, reader):
    browser.login(f"{reader}@example.org")
    page = browser.client.get(f"/d/{handed_over.public_id.lower()}")
    assert page.status_code == 200
    assert handed_over.serial in page.text and "Historique" in page.text


@pytest.mark.parametrize("typed", ["BCDFGHJK", "BCDFGHJ", "nothing", "x" * 300, "B%C3%89DFGHJK"])
def test_an_unknown_or_malformed_id_is_a_404_that_says_so(world, client, typed):
    page = client.get(f"/d/{typed}")
    assert page.status_code == 404
    assert "Aucun appareil n’a l’identifiant" in page.text


def test_a_device_still_at_the_workshop_says_so_without_help_links(world, client):
    device = world.device("received")
    html = client.get(f"/d/{device.public_id}").text
    assert "en cours de reconditionnement par Atelier A" in html
    assert "Aide pour vos premiers pas" not in html and device.serial not in html


def test_the_coordination_sets_the_help_links(world, browser):
    browser.login("coordinator@example.org")
    url = "/settings/public-help"
    page = browser.client.get(url)
    assert page.status_code == 200
    assert_accessible(page.text)
    assert "Guide de Linux Mint" in page.text and "Guide de /e/OS" in page.text
    saved = browser.post_form(url, url, {**HELP, "guide:/e/OS": "https://e.example.org/"})
    assert saved.status_code == 302
    assert public_help.current().guides == {"Linux Mint": "https://mint.example.org/debuter",
                                            "/e/OS": "https://e.example.org/"}
    refused = browser.post_form(url, url, {**HELP, "support_url": "javascript:alert(1)",
                                           "support_phone": "call me"})
    assert refused.status_code == 422
    assert 'aria-invalid="true"' in refused.text and "javascript:alert(1)" in refused.text
    db.session.expire_all()
    assert public_help.current().support_url == "https://aide.example.org/"  # nothing half-written


@pytest.mark.parametrize("user", ["tech_a", "structure_s", "donor_x", "collector_a"])
def test_only_the_coordination_sets_them(world, browser, user):
    browser.login(f"{user}@example.org")
    assert browser.client.get("/settings/public-help").status_code == 403


def test_the_guide_follows_the_installed_system():
    from recond.models import PublicHelp

    links = PublicHelp(guides={"Linux Mint": "m", "Linux Mint Debian": "lmde"}, guide_url="any")
    assert public_help.guide_for(links, "Linux Mint 22") == "m"
    assert public_help.guide_for(links, "Linux Mint Debian 6") == "lmde"
    assert public_help.guide_for(links, "Linux Mintier 1") == "any"
    assert public_help.guide_for(links, None) == "any"
