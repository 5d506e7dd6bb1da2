"""The donation receipt for an in-kind corporate gift, with the fields of Cerfa n° 16216
("Reçu au titre des dons à certains organismes d'intérêt général", art. 238 bis CGI).

The valuation is the one the donor company declared; Recond never computes one, and refuses
to print the receipt without it.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from recond import money
from recond.categories import CATEGORIES
from recond.clock import utcnow
from recond.documents import pdf
from recond.errors import Refused
from recond.models import Deposit


def build(deposit: Deposit, devices_by_category: dict[str, int]) -> bytes:
    if deposit.valuation_cents is None or not deposit.valuation_signatory:
        raise Refused(_l("The donor company has not declared the value of its gift yet: the "
                         "receipt needs it."), code="no_valuation")
    receiver, donor = deposit.collector, deposit.donor
    received = (deposit.reception_closed_at or deposit.collected_at or deposit.created_at)
    lines = [[str(CATEGORIES[c].label), n] for c, n in sorted(devices_by_category.items())]
    story = [
        pdf.Paragraph("Reçu au titre des dons à certains organismes d'intérêt général", pdf.TITLE),
        pdf.text("Articles 200, 238 bis et 978 du code général des impôts — modèle Cerfa n° 16216. "
                 f"Reçu n° {deposit.number}"),
        pdf.Paragraph("Organisme bénéficiaire des dons", pdf.HEADING),
        pdf.key_values([("Nom ou dénomination", receiver.name),
                        ("SIRET", receiver.siret or "—"),
                        ("Adresse", receiver.address or "—"),
                        ("Objet", "Collecte et reconditionnement de matériel informatique au "
                                  "profit de l'inclusion numérique")]),
        pdf.Paragraph("Donateur", pdf.HEADING),
        pdf.key_values([("Dénomination", donor.name), ("SIREN / SIRET", donor.siret or "—"),
                        ("Adresse", donor.address or (deposit.site.address if deposit.site else "—"))]),
        pdf.Paragraph("Don", pdf.HEADING),
        pdf.key_values([("Date du don", received.strftime("%d/%m/%Y")),
                        ("Forme du don", "Déclaration de don manuel"),
                        ("Nature du don", "Don en nature (matériel informatique)"),
                        ("Valeur déclarée par le donateur", money.format_money(deposit.valuation_cents, "fr")),
                        ("Déclarée par", deposit.valuation_signatory)]),
        pdf.Paragraph("Description exhaustive des biens donnés", pdf.HEADING),
        pdf.grid(["Catégorie", "Quantité"], lines or [["—", "0"]], [120, 50]),
        pdf.spacer(3),
        pdf.Paragraph("La valeur indiquée est celle déclarée par l'entreprise donatrice, sous sa "
                      "responsabilité ; l'organisme bénéficiaire ne l'a pas estimée.", pdf.SMALL),
        pdf.spacer(6),
        pdf.key_values([("Fait le", utcnow().strftime("%d/%m/%Y"))]),
        pdf.signature_boxes(["Signataire de l'organisme bénéficiaire (nom, qualité, signature)"]),
    ]
    return pdf.render(f"Reçu de don {deposit.number}", story, subject="reçu Cerfa 16216")
