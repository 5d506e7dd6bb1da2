"""A real donation in a real Chromium, a screenshot per step (test-artifacts/donation-receipt/):
the collection partner pledges and registers three devices and marks them collected; the
workshop receives two (the desktop is missing) and closes the reception; the donor declares
the value; the coordination fills the issuer's profile and the donor's identity, issues the
receipt — which lists the two laptops, not the missing desktop — then a corrective receipt,
and /verify says the first one was cancelled and replaced."""
import io
import re

from pypdf import PdfReader

from recond.extensions import db
from recond.models import DonationReceipt
from tests.browser.conftest import ARTIFACTS
from tests.conftest import PASSWORD

SHOTS = ARTIFACTS / "donation-receipt"
DEVICES = [("laptop", "Lenovo", "ThinkPad T480", "PF1ABC01"),
           ("laptop", "Lenovo", "ThinkPad T480", "PF1ABC02"),
           ("desktop", "HP", "EliteDesk 800 G4", "CZC8123XYZ")]


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


def _pdf_text(page, base: str, href: str) -> str:
    data = page.request.get(f"{base}{href}").body()
    (SHOTS / f"receipt-{href.rsplit('/', 1)[-1]}").write_bytes(data)  # kept beside the screenshots
    return " ".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def test_pledge_to_corrected_receipt(world, live_server, page):
    base = live_server
    collector, donor = world.orgs["collector_a"], world.orgs["donor_x"]

    # 1. The collection partner pledges the gift, registers its devices, marks it collected.
    _sign_in(page, base, "collector_a@example.org")
    page.goto(f"{base}/deposits/new")
    page.select_option("#donor", str(donor.id))
    page.select_option("#workshop", str(world.orgs["workshop_a"].id))
    page.select_option("#category_1", "laptop")
    page.fill("#quantity_1", "2")
    page.select_option("#category_2", "desktop")
    page.fill("#quantity_2", "1")
    page.get_by_role("button", name="Enregistrer la promesse de don").click()
    page.wait_for_selector(".flash-success")
    number = re.search(r"/deposits/(DEP-\d+)$", page.url).group(1)
    _shot(page, "01-pledged")
    page.goto(f"{base}/deposits/{number}/register")
    for count, (category, brand, model, serial) in enumerate(DEVICES, start=1):
        page.select_option("#category", category)
        page.fill("#brand", brand)
        page.fill("#model", model)
        page.fill("#serial", serial)
        page.press("#serial", "Enter")
        page.wait_for_selector(f"text=Appareils dans ce dépôt : {count}.")
    _shot(page, "02-registered")
    page.goto(f"{base}/deposits/{number}")
    page.get_by_role("button", name="Marquer comme collecté").click()
    page.wait_for_selector(".status:text-is('collecté')")
    _shot(page, "03-collected")

    # 2. The workshop receives the two laptops; the desktop never arrives.
    _sign_in(page, base, "tech_a@example.org")
    page.goto(f"{base}/deposits/{number}/reception")
    for serial in ("PF1ABC01", "PF1ABC02"):
        page.fill("#code", serial)
        with page.expect_navigation():
            page.press("#code", "Enter")
        page.wait_for_selector("text=Réceptionné :")
    page.get_by_role("button", name="Clore la réception").click()
    page.wait_for_selector(f"text=Réception de {number} close.")
    _shot(page, "04-reception-closed-one-missing")

    # 3. The donor company declares the value of its gift, and its basis.
    _sign_in(page, base, "donor_x@example.org")
    page.goto(f"{base}/deposits/{number}")
    page.fill("#amount", "1250,50")
    page.select_option("#basis", "cost_price")
    page.fill("#signatory", "Sophie Martin, directrice financière")
    page.get_by_role("button", name="Enregistrer la valeur").click()
    page.wait_for_selector("text=Sophie Martin, directrice financière")
    _shot(page, "05-value-declared")

    # 4. The coordination fills the issuer's profile and the donor's identity once.
    _sign_in(page, base, "coordinator@example.org")
    page.goto(f"{base}/deposits/{number}")
    page.wait_for_selector("text=Le reçu ne peut pas encore être émis")
    _shot(page, "06-receipt-waits-for-profiles")
    page.goto(f"{base}/admin/organisations/{collector.id}/receipt-profile")
    for field, value in (("legal_form", "Association loi 1901"), ("address", "12 rue des Ateliers"),
                         ("postcode", "92000"), ("commune", "Nanterre"),
                         ("purpose", "Collecte et reconditionnement d'ordinateurs pour l'inclusion "
                                     "numérique"),
                         ("signatory_name", "Claire Dubois"), ("signatory_position", "Présidente")):
        page.fill(f"#{field}", value)
    page.select_option("#tax_status", "interet_general")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.wait_for_selector("text=Enregistré.")
    _shot(page, "07-issuer-profile")
    page.goto(f"{base}/donors/{donor.id}")
    page.fill("#identity-legal_form", "SAS")
    page.fill("#identity-address", "5 avenue Gambetta")
    page.fill("#identity-postcode", "92400")
    page.fill("#identity-commune", "Courbevoie")
    page.get_by_role("button", name="Enregistrer l'identité").click()
    page.wait_for_selector("text=Enregistré.")

    # 5. The receipt: issued once, for the two laptops received.
    page.goto(f"{base}/deposits/{number}")
    page.get_by_role("button", name="Émettre le reçu de don").click()
    page.wait_for_selector(".flash-success:has-text('émis')")
    _shot(page, "08-receipt-issued")
    first = page.get_by_role("link", name=re.compile(r"n° \d{4}-\d{4} \(PDF\)")).first
    text = _pdf_text(page, base, first.get_attribute("href"))
    assert "PF1ABC01" in text and "PF1ABC02" in text and "CZC8123XYZ" not in text
    assert "***1 250,50 €***" in text and "mille deux cent cinquante euros" in text

    # 6. A corrective receipt: a new number, the first one cancelled and replaced.
    page.get_by_text("Émettre un reçu rectificatif").click()
    page.fill("#correction-reason", "Valeur rectifiée par le donateur")
    page.fill("#correction-amount", "1300")
    page.select_option("#correction-basis", "cost_price")
    page.fill("#correction-signatory", "Sophie Martin, directrice financière")
    page.get_by_role("button", name="Émettre le reçu rectificatif").click()
    page.wait_for_selector("text=annulé et remplacé par le n°")
    _shot(page, "09-corrected")

    db.session.expire_all()
    old, newer = db.session.query(DonationReceipt).order_by(DonationReceipt.id).all()
    assert newer.replaces_id == old.id and newer.number != old.number
    text = _pdf_text(page, base, f"/donation-receipts/{newer.id}.pdf")
    assert f"annule et remplace le reçu n° {old.number}" in text and "***1 300,00 €***" in text

    # 7. Anyone checks the first receipt's code: cancelled, replaced by the second.
    page.goto(f"{base}/verify?code={old.code}")
    page.wait_for_selector(f"text=remplacé par le reçu n° {newer.number}")
    _shot(page, "10-verify-cancelled")
