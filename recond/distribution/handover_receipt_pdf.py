"""The handover receipt ("attestation de remise") the beneficiary keeps: the device, its grade
and system, what was paid, and whom to call for help. Written in French.
It names the beneficiary by the structure's reference only."""
from __future__ import annotations

from flask_babel import force_locale

from recond.distribution.allocations import ram_gb, storage_gb
from recond import money
from recond.categories import CATEGORIES
from recond.models import Allocation, Device
from recond.distribution.payments import METHOD_LABELS
from recond.public_id import display, url_of

def build(device: Device, allocation: Allocation, released_on: str) -> bytes:
    from recond.documents import pdf  # reportlab loads with the first PDF, not in every worker

    url = url_of(device.public_id)
    structure = allocation.structure
    specs = []
    if device.specs.get("cpu"):
        specs.append(str(device.specs["cpu"]))
    if ram_gb(device):
        specs.append(f"{ram_gb(device)} Go de mémoire")
    if storage_gb(device):
        specs.append(f"{storage_gb(device)} Go de stockage")
    with force_locale("fr"):  # paperwork is French whatever the reader's language
        paid = "; ".join(f"{money.format_money(p.amount_cents, 'fr')} ({METHOD_LABELS.get(p.method, p.method)}, "
                         f"{p.recorded_at.strftime('%d/%m/%Y')})" for p in allocation.payments)
    contact = " — ".join(p for p in (structure.phone, structure.email) if p) or \
        "adressez-vous à l'accueil de la structure"
    header = pdf.key_values([
        ("Appareil", display(device.public_id)),
        ("Remis le", released_on),
        ("Remis à", f"bénéficiaire {allocation.beneficiary.reference}" if allocation.beneficiary
         else "la structure, pour son propre usage"),
    ])
    story = [
        pdf.Paragraph("Attestation de remise d'un équipement reconditionné", pdf.TITLE),
        pdf.Table([[header, pdf.qr_image(url)]], colWidths=[135 * pdf.mm, 35 * pdf.mm]),
        pdf.Paragraph("L'appareil", pdf.HEADING),
        pdf.key_values([
            ("Type", str(CATEGORIES[device.category].label)),
            ("Modèle", f"{device.brand} {device.model}".strip() or "—"),
            ("Caractéristiques", ", ".join(specs) or "—"),
            ("État (grade)", device.grade or "—"),
            ("Système", device.operating_system or "—"),
            ("Données", "supports effacés selon NIST SP 800-88 avant reconditionnement"),
        ]),
        pdf.Paragraph("Reste à charge", pdf.HEADING),
        pdf.key_values([("Tarif solidaire", money.format_money(allocation.price_cents, "fr")),
                        ("Réglé", paid or "—")]),
        pdf.Paragraph("Besoin d'aide ?", pdf.HEADING),
        pdf.key_values([("Structure", structure.name),
                        ("Adresse", " ".join(p for p in (structure.address, structure.postcode,
                                                           structure.commune) if p) or "—"),
                        ("Contact", contact)]),
        pdf.spacer(6),
        pdf.signature_boxes(["Pour la structure (nom, signature)", "Le bénéficiaire (signature)"]),
    ]
    return pdf.render(f"Attestation de remise {device.public_id}", story, subject="attestation de remise")
