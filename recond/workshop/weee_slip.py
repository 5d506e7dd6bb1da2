"""The WEEE hand-over slip ("bordereau de remise DEEE"): what the workshop hands to the
take-back organisation, signed by both. Paperwork in France: written in French whatever the
interface language, dates in the programme's time zone, weights as "7,4 kg"."""
from __future__ import annotations

from flask import current_app
from flask_babel import force_locale, format_datetime
from flask_babel import lazy_gettext as _l

from recond.categories import CATEGORIES
from recond.errors import Refused
from recond.models import RecyclingLot, User
from recond.weights import format_kg
from recond.workshop import recycling

SIGNATURES = ["Pour l'atelier qui remet le lot (nom, qualité, signature)",
              "Pour l'organisme de reprise (nom, qualité, signature, cachet)"]


def slip_pdf(actor: User, number: str) -> tuple[RecyclingLot, bytes]:
    """The slip of a lot handed over (its weight and taker known), for whoever may read it."""
    lot = recycling.get_lot(actor, number)
    if lot.is_open:
        raise Refused(_l("Lot %(number)s is still open: hand it over (its weight and the "
                         "organisation taking it back) and the slip is ready.", number=lot.number),
                      code="lot_open")
    return lot, build(recycling.contents(lot))


def _kg(grams: int | None) -> str:
    return format_kg(grams, locale="fr")


def figures(contents: recycling.LotContents) -> list[tuple[str, str]]:
    """The slip's summary lines: count by category, weighed total, known device weights."""
    lot, labels = contents.lot, _french_category_labels()
    categories = ", ".join(f"{n} × {labels.get(c, c)}" for c, n in contents.by_category.items())
    known = (f"{_kg(contents.weighed_grams)} — appareils pesés : {contents.weighed} sur "
             f"{contents.count}" if contents.weighed else "aucun appareil pesé seul")
    return [("Nombre d'appareils", f"{contents.count} ({categories})"),
            ("Poids total remis (pesée du lot)", _kg(lot.weight_grams)),
            ("Poids connus par appareil", known)]


def build(contents: recycling.LotContents) -> bytes:
    from recond.documents import pdf  # reportlab loads with the first PDF, not in every worker

    lot = contents.lot
    workshop = lot.workshop
    url = f"{current_app.config['PUBLIC_URL']}/recycling/{lot.number}"
    address = " ".join(p for p in (workshop.address, workshop.postcode, workshop.commune) if p)
    labels = _french_category_labels()
    header = pdf.key_values([
        ("Lot n°", lot.number),
        ("Date de remise", format_datetime(lot.handed_over_at, "dd/MM/yyyy 'à' HH:mm")),
        ("Remis par", lot.handed_over_by.name if lot.handed_over_by else "—"),
    ])
    story = [
        pdf.Paragraph("Bordereau de remise de DEEE", pdf.TITLE),
        pdf.Paragraph("Déchets d'équipements électriques et électroniques remis à un organisme "
                      "de reprise", pdf.SMALL),
        pdf.spacer(2),
        pdf.Table([[header, pdf.qr_image(url)]], colWidths=[135 * pdf.mm, 35 * pdf.mm]),
        pdf.Paragraph("Parties", pdf.HEADING),
        pdf.key_values([("Atelier (détenteur)", workshop.name),
                        ("SIRET", workshop.siret or "—"), ("Adresse", address or "—"),
                        ("Organisme de reprise", lot.take_back_organisation or "—")]),
        pdf.Paragraph("Appareils remis", pdf.HEADING),
        pdf.grid(["N°", "Identifiant", "Catégorie", "Marque, modèle", "N° de série", "Poids"],
                 [[i, d.public_id, labels.get(d.category, d.category),
                   f"{d.brand} {d.model}".strip() or "—", d.serial or "—", _kg(d.weight_grams)]
                  for i, d in enumerate(contents.devices, start=1)],
                 [10, 24, 30, 46, 38, 22]),
        pdf.Paragraph("Récapitulatif", pdf.HEADING),
        pdf.key_values(figures(contents)),
        pdf.spacer(6),
        pdf.signature_boxes(SIGNATURES),
    ]
    return pdf.render(f"Bordereau DEEE {lot.number}", story, subject="bordereau de remise DEEE")


def _french_category_labels() -> dict[str, str]:
    with force_locale("fr"):
        return {code: str(c.label) for code, c in CATEGORIES.items()}
