"""The delivery note ("bon de livraison") that travels with the devices. Its QR code opens the
note's page, where the structure scans each device on arrival. Written in French."""
from __future__ import annotations

from flask import current_app

from recond.categories import CATEGORIES
from recond.models import DeliveryKind, DeliveryNote
from recond.public_id import display


def build(note: DeliveryNote) -> bytes:
    from recond.documents import pdf  # reportlab loads with the first PDF, not in every worker

    url = f"{current_app.config['PUBLIC_URL']}/deliveries/{note.id}"
    structure = note.structure
    by_hand = note.kind == DeliveryKind.HAND
    header = pdf.key_values([
        ("Bon de livraison n°", note.number),
        ("Livraison", "remise en main propre" if by_hand else "expédition"),
        ("Remis le" if by_hand else "Expédié le",
         note.shipped_at.strftime("%d/%m/%Y") if note.shipped_at else "en préparation"),
        ("Atelier", note.workshop.name),
        ("Structure destinataire", structure.name),
        ("Adresse", " ".join(p for p in (structure.address, structure.postcode, structure.commune) if p) or "—"),
    ])
    rows = [[display(i.device.public_id), str(CATEGORIES[i.device.category].label),
             f"{i.device.brand} {i.device.model}".strip(), i.device.grade or "—",
             i.device.serial or "—"] for i in note.items]
    story = [
        pdf.Paragraph("Bon de livraison", pdf.TITLE),
        pdf.Table([[header, pdf.qr_image(url)]], colWidths=[135 * pdf.mm, 35 * pdf.mm]),
        pdf.Paragraph(f"Appareils ({len(rows)})", pdf.HEADING),
        pdf.grid(["ID", "Catégorie", "Modèle", "État", "N° de série"], rows or [["—"] * 5],
                 [28, 30, 55, 14, 43]),
        pdf.spacer(3),
        pdf.text("À l'arrivée, scannez le QR code ci-dessus puis chaque appareil : Recond "
                 "enregistre la livraison et signale les appareils manquants ou inattendus."),
        pdf.spacer(6),
        pdf.signature_boxes(["Remis par l'atelier (nom, signature)",
                             "Reçu par la structure (nom, date, signature)"]),
    ]
    return pdf.render(f"Bon de livraison {note.number}", story, subject="bon de livraison")
