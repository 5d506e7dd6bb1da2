"""The whole structure journey in a real Chromium, a screenshot per step (test-artifacts/journey/):
a structure requests a laptop; the coordination approves and allocates it; the workshop scans it
onto a delivery note and ships; the structure scans it on arrival, records the training session
and the payment, and hands it over."""
from datetime import date

from recond.extensions import db
from recond.lifecycle import active_allocation
from recond.models import Device
from tests.browser.conftest import ARTIFACTS
from tests.conftest import PASSWORD

SHOTS = ARTIFACTS / "journey"


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _sign_in(page, base: str, email: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_url(f"{base}/")


def test_request_to_handover(world, live_server, page):
    device = world.device("ready")
    base = live_server

    # 1. The structure records its beneficiary (a reference, no name) and requests a laptop.
    _sign_in(page, base, "structure_s@example.org")
    page.goto(f"{base}/beneficiaries")
    page.fill("#reference", "FJ-2026-099")
    page.select_option("#tier", "minima_sociaux")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.wait_for_selector("text=Bénéficiaire FJ-2026-099 enregistré.")
    page.goto(f"{base}/requests/new")
    page.select_option("#purpose", "beneficiaries")
    page.select_option("#category_1", "laptop")
    page.fill("#quantity_1", "1")
    page.fill("#justification", "Atelier d'autonomie numérique du mardi")
    page.get_by_role("button", name="Envoyer la demande").click()
    page.wait_for_selector("text=envoyée à la coordination")
    _shot(page, "01-request-sent")

    # 2. The coordination approves it and allocates the proposed laptop to the beneficiary.
    _sign_in(page, base, "coordinator@example.org")
    page.get_by_role("link", name="Demandes", exact=True).click()
    page.get_by_role("link", name="DEM-").first.click()
    page.get_by_role("button", name="Enregistrer la décision").click()
    page.wait_for_selector("text=Décision enregistrée")
    _shot(page, "02-request-approved")
    page.get_by_role("link", name="Attribution", exact=True).click()
    page.get_by_role("button", name="Attribuer").first.click()
    page.wait_for_selector(".flash-success")
    _shot(page, "03-allocated")

    # 3. The workshop scans the laptop onto a delivery note and ships it.
    _sign_in(page, base, "tech_a@example.org")
    page.goto(f"{base}/deliveries/")
    page.get_by_role("button", name="Préparer un bon de livraison").click()
    page.fill("#code", device.public_id)
    page.press("#code", "Enter")
    page.wait_for_selector("text=ajouté au bon")
    page.get_by_role("button", name="Expédier").click()
    page.wait_for_selector("text=expédié")
    _shot(page, "04-shipped")

    # 4. The structure scans it on arrival.
    _sign_in(page, base, "structure_s@example.org")
    page.goto(f"{base}/deliveries/")
    page.get_by_role("link", name="BL-").first.click()
    page.fill("#code", device.public_id)
    page.press("#code", "Enter")
    page.wait_for_selector(f"text={device.public_id} reçu.")
    _shot(page, "05-received")

    # 5. The handover page says what is missing; the refusal links to the training form.
    page.get_by_role("link", name="Remettre").first.click()
    page.get_by_role("button", name="Remettre l'appareil").click()
    page.wait_for_selector("text=L'appareil ne peut pas encore être remis.")
    _shot(page, "06-release-refused")
    page.get_by_role("link", name="Enregistrer la séance de formation").click()
    page.fill("#held_on", date.today().isoformat())
    page.fill("#trainer", "Julien Médiation")
    page.fill("#place", "Salle informatique")
    page.locator("input[name=topic]").first.check()
    page.get_by_role("button", name="Enregistrer la séance").click()
    page.wait_for_selector("text=Séance de formation suivie")
    _shot(page, "07-training-recorded")

    # 6. The payment, then the handover.
    page.select_option("#method", "cash")
    page.get_by_role("button", name="Enregistrer l'écriture").click()
    page.wait_for_selector("text=Écriture enregistrée : paiement")
    page.get_by_role("button", name="Remettre l'appareil").click()
    page.wait_for_selector("text=Attestation de remise (PDF)")
    _shot(page, "08-handed-over")

    db.session.expire_all()
    released = db.session.get(Device, device.id)
    allocation = active_allocation(released)
    assert released.status == "released"
    assert allocation.paid_cents == allocation.price_cents and allocation.released_at
