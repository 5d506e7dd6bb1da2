"""Each role's home page is its to-do list: every item links to where the work is done, every
list says when there is nothing to do, and no list is one the role could only see empty."""
import pytest

from recond import lifecycle

EMPTY = {
    "structure_s": ["Aucun appareil n’attend sa remise.", "Aucune livraison n’est en route.",
                    "Aucune demande n’attend la décision de la coordination."],
    "tech_a": ["Aucun appareil n’attend à l’atelier.", "Aucun effacement échoué n’attend."],
    "coordinator": ["Aucune demande n’attend de décision.",
                    "Chaque ligne accordée a ses appareils.", "Aucun appareil n’est prêt."],
    # (The world's two deposits, collected, are open receptions of donors X and Y.)
    "collector_b": ["Aucune réception close n’a trouvé d’écart."],
    "donor_y": ["Aucun certificat pour l’instant"],
}


@pytest.mark.parametrize("user", sorted(EMPTY))
def test_every_list_says_when_there_is_nothing_to_do(world, browser, user):
    browser.login(f"{user}@example.org")
    page = browser.client.get("/").text
    for sentence in EMPTY[user]:
        assert sentence in page, sentence
    assert "Appareils par statut" not in page  # six counters a structure could only see at zero


def test_a_structure_sees_what_each_device_needs_and_where_to_record_it(world, browser):
    device = world.device("delivered")
    allocation = lifecycle.active_allocation(device)
    browser.login("structure_s@example.org")
    page = browser.client.get("/").text
    assert f'href="/handover/{device.public_id}"' in page
    assert "formation à enregistrer" in page and "40,00\u00a0€ à payer" in page
    world.train(present=[allocation.beneficiary])
    world.pay(device)
    page = browser.client.get("/").text
    assert "formation suivie" in page and "reste à charge payé" in page and "prêt à remettre" in page


def test_a_failed_wipe_links_to_the_media_page(world, browser):
    device = world.device("received")
    world.sanitise(device, passed=False)
    browser.login("tech_a@example.org")
    page = browser.client.get("/").text
    assert f'href="/d/{device.public_id}/media"' in page and "a échoué à l’effacement" in page


def test_the_donors_deposit_numbers_are_links(world, browser):
    world.device("ready")
    browser.login("donor_x@example.org")
    number = world.deposits["a"].number
    assert f'<a href="/deposits/{number}">{number}</a>' in browser.client.get("/").text


def test_the_coordination_goes_from_a_request_to_its_page(world, browser):
    from recond.distribution import equipment_requests
    from recond.extensions import db

    request = equipment_requests.submit(world["structure_s"], purpose="beneficiaries",
                                        lines=[("laptop", 2)], justification="Atelier")
    line = world.approved_line(quantity=3)
    db.session.commit()
    browser.login("coordinator@example.org")
    page = browser.client.get("/").text
    assert f'href="/requests/{request.id}"' in page
    assert f'href="/allocation#line-{line.id}"' in page and "3 appareils restent à attribuer" in page


def test_the_site_icon_is_served_and_linked(world, client):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype in ("image/vnd.microsoft.icon", "image/x-icon")
    assert icon.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert 'rel="icon" href="/static/favicon.ico"' in client.get("/login").text
