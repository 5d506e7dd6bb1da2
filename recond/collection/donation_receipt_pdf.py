"""The donation receipt's PDF, form n° 16216 box by box, drawn from the content frozen at
issue (`receipt_content.freeze`), with an annex listing each device received.

The value is the one the donor company declared, in figures (framed by asterisks, as the
administration asks of receipts printed by computer) and in words.
"""
from __future__ import annotations

from collections import Counter
from datetime import date

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Table, TableStyle

from recond import money
from recond.documents import cerfa_16216 as cerfa
from recond.documents import pdf

# The form's long title, smaller than other papers' so that the receipt and its signature
# hold on one page (the annex follows).
_TITLE = ParagraphStyle("receipt-title", parent=pdf.TITLE, fontSize=13, leading=16)


def build(content: dict, *, code: str, verify_url: str) -> bytes:
    beneficiary, donor, gift = content["beneficiary"], content["donor"], content["gift"]
    amount = money.format_money(content["amount_cents"], "fr")
    story = [
        pdf.Paragraph(cerfa.TITLE, _TITLE),
        pdf.text(f"{cerfa.FORM} — Numéro d'ordre du reçu : {content['number']}"),
    ]
    if content["replaces"]:
        replaced = content["replaces"]
        story += [pdf.spacer(2), pdf.text(
            f"Ce reçu annule et remplace le reçu n° {replaced['number']} du "
            f"{_day(replaced['issued_on'])}. Motif : {replaced['reason']}")]
    story += [
        pdf.Paragraph("Organisme bénéficiaire des dons et versements", pdf.HEADING),
        pdf.key_values([
            ("Dénomination", beneficiary["name"]),
            ("N° SIREN ou RNA", beneficiary["siren"] or beneficiary["rna"]),
            ("Adresse", _address(beneficiary)),
            ("Objet", beneficiary["purpose"]),
            ("Qualité de l'organisme bénéficiaire", f"[X] {beneficiary['status_line']}"),
        ]),
        pdf.Paragraph("Entreprise donatrice", pdf.HEADING),
        pdf.key_values([
            ("Dénomination", donor["name"]), ("Forme juridique", donor["legal_form"]),
            ("N° SIREN", donor["siren"]), ("Adresse", _address(donor)),
        ]),
        pdf.Paragraph("Dons et versements effectués par l'entreprise", pdf.HEADING),
        pdf.text("L'organisme bénéficiaire reconnaît avoir reçu, au titre des dons et versements "
                 "ouvrant droit à réduction d'impôt, les biens décrits ci-dessous, d'une valeur de :"),
        pdf.key_values([
            ("Montant en chiffres", f"***{amount}***"),
            ("Montant en toutes lettres", content["amount_words"]),
            ("Date du don", _day(gift["date"])),
            ("Forme du don", gift["form"]),
            ("Nature du don", gift["nature"]),
            ("Mode de versement", gift["payment_method"]),
            ("Description des biens donnés", _description(content)),
            ("Valorisation déclarée par l'entreprise donatrice",
             f"{amount} ; base de valorisation : {content['valuation']['basis_label']} ; "
             f"déclarée par {content['valuation']['declared_by']}"),
        ]),
        pdf.spacer(2),
        pdf.Paragraph(cerfa.VALUATION_NOTE, pdf.SMALL),
        pdf.spacer(3),
        pdf.Paragraph(f"<b>{cerfa.CERTIFICATION}</b>", pdf.BODY),
        pdf.spacer(3),
        _signature(content, pdf.Paragraph(f"Vérification : code {code} sur {verify_url}",
                                           pdf.SMALL)),
        PageBreak(),
        pdf.Paragraph(f"Annexe au reçu n° {content['number']} — description exhaustive des "
                      "biens reçus", pdf.HEADING),
        pdf.text(f"Dépôt {content['deposit']} : {len(content['goods'])} appareil(s) reçu(s)."),
        pdf.spacer(2),
        pdf.grid(["N°", "Catégorie", "Marque", "Modèle", "N° de série", "Identifiant"],
                 [[i, g["category"], g["brand"], g["model"], g["serial"] or "—", g["public_id"]]
                  for i, g in enumerate(content["goods"], start=1)],
                 [9, 32, 25, 42, 35, 27]),
        pdf.spacer(4),
        pdf.Paragraph(f"Vérification du reçu n° {content['number']} : code {code} sur {verify_url}. "
                      "Recond conserve ce reçu tel qu'émis et son empreinte SHA-256 : la page de "
                      "vérification dit si une copie est intacte et si le reçu a été annulé et "
                      "remplacé.", pdf.SMALL),
        pdf.qr_image(f"{verify_url}?code={code}", 22),
    ]
    return pdf.render(f"Reçu de don n° {content['number']}", story,
                      subject="Reçu Cerfa n° 16216 (article 238 bis du CGI)")


def _signature(content: dict, verification) -> Table:
    """Place, date and signatory beside the box where the signatory signs."""
    signatory = content["signatory"]
    table = Table([[[pdf.text(f"Fait à {content['place']}"),
                     pdf.text(f"Le {_day(content['issued_on'])}"),
                     pdf.text(f"Signataire : {signatory['name']}, {signatory['position']}"),
                     pdf.spacer(2), verification],
                    pdf.text("Signature")]],
                  colWidths=[95 * mm, 75 * mm], rowHeights=[26 * mm])
    table.setStyle(TableStyle([("BOX", (1, 0), (1, 0), 0.5, colors.black),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _address(party: dict) -> str:
    return f"{party['address']}, {party['postcode']} {party['commune']}"


def _description(content: dict) -> str:
    counts = Counter(g["category"] for g in content["goods"])
    lines = ", ".join(f"{n} × {category}" for category, n in sorted(counts.items()))
    return (f"Matériel informatique d'occasion : {len(content['goods'])} appareil(s) ({lines}) ; "
            "liste de chaque appareil en annexe (catégorie, marque, modèle, numéro de série).")


def _day(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y")
