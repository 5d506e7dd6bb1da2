"""The deposit receipt ("bordereau de dépôt"), signed at pickup by the donor and the
collector. Legal paperwork in France: written in French whatever the interface language."""
from __future__ import annotations

from flask import current_app

from recond.categories import CATEGORIES
from recond.models import Deposit


def build(deposit: Deposit, device_count: int) -> bytes:
    from recond.documents import pdf  # reportlab loads with the first PDF, not in every worker

    url = f"{current_app.config['PUBLIC_URL']}/deposits/{deposit.number}"
    donor, collector = deposit.donor, deposit.collector
    site = deposit.site
    header = pdf.key_values([
        ("Bordereau n°", deposit.number),
        ("Date", (deposit.pickup_on or deposit.created_at.date()).strftime("%d/%m/%Y")),
        ("Créneau d'enlèvement", deposit.pickup_slot or "—"),
    ])
    story = [
        pdf.Paragraph("Bordereau de dépôt de matériel informatique", pdf.TITLE),
        pdf.Table([[header, pdf.qr_image(url)]], colWidths=[135 * pdf.mm, 35 * pdf.mm]),
        pdf.Paragraph("Donateur", pdf.HEADING),
        pdf.key_values([
            ("Entreprise", donor.name), ("SIRET", donor.siret or "—"),
            ("Site d'enlèvement", f"{site.label}, {site.address} {site.postcode}" if site else (donor.address or "—")),
            ("Contact", ", ".join(f"{c.name} {c.phone or c.email}".strip() for c in donor.contacts) or "—"),
        ]),
        pdf.Paragraph("Collecteur", pdf.HEADING),
        pdf.key_values([("Organisation", collector.name), ("SIRET", collector.siret or "—"),
                        ("Atelier destinataire", deposit.workshop.name)]),
        pdf.Paragraph("Matériel déclaré", pdf.HEADING),
        pdf.grid(["Catégorie", "Quantité", "Description"],
                 [[str(CATEGORIES[i.category].label), i.quantity, i.description or ""]
                  for i in deposit.items] or [["—", "—", ""]], [60, 25, 85]),
        pdf.spacer(2),
        pdf.text(f"Appareils enregistrés à ce jour : {device_count}. Le détail par numéro de "
                 "série est consultable en ligne (QR code ci-dessus)."),
        pdf.spacer(2),
        pdf.Paragraph("Les données des supports de stockage seront effacées selon la norme "
                      "NIST SP 800-88 ; un certificat d'effacement sera mis à disposition du "
                      "donateur pour chaque appareil.", pdf.SMALL),
        pdf.spacer(6),
        pdf.signature_boxes(["Pour le donateur (nom, qualité, signature)",
                             "Pour le collecteur (nom, signature)"]),
    ]
    return pdf.render(f"Bordereau {deposit.number}", story, subject="bordereau de dépôt")
