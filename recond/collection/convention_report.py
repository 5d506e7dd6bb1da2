"""A convention's report for both parties, as PDF and XLSX: its terms, its balance on the day
(supplied, owed, returned, expected at the promised pace, overdue), the partner's returns with
their certificates' SHA-256, and each device supplied and returned. Paperwork between the
coordination and its partner: written in French whatever the interface language, dates in the
programme's time zone."""
from __future__ import annotations

import io

from recond import clock, money
from recond.collection import conventions
from recond.inventory.exports import neutralised
from recond.models import Convention, User

ORIGINS = {"supplied": "fourni", "new": "nouveau", None: "fourni (atelier du partenaire)"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _date(value) -> str:
    return value.strftime("%d/%m/%Y")


def _category(code: str) -> str:
    names = {"laptop": "ordinateur portable", "desktop": "ordinateur fixe",
             "tablet": "tablette", "phone": "téléphone", "screen": "écran",
             "peripheral": "périphérique"}
    return names.get(code, code)


def _grouped(sha256: str) -> str:
    """A SHA-256 in four groups, as the certificates of sanitisation print it: it wraps in its
    column and reads aloud."""
    return " ".join(sha256[i:i + 16] for i in range(0, len(sha256), 16))


def terms(convention: Convention) -> list[tuple[str, str]]:
    owed = (f"{convention.output_owed} appareils reconditionnés" if convention.output_owed
            else f"{convention.output_ratio_percent} % des appareils fournis")
    return [("Convention", f"{convention.number} — {convention.title}"),
            ("Partenaire", convention.partner.name),
            ("Période", f"du {_date(convention.starts_on)} au {_date(convention.ends_on)}"),
            ("Catégories", ", ".join(_category(c) for c in convention.categories)),
            ("Apport promis", f"{convention.supply_promised} appareils"),
            ("Production due", owed),
            ("Prix plafond de la production", money.format_money(convention.price_cap_cents, "fr")),
            ("Destination", "stock d'attribution du département")]


def figures(balance: conventions.Balance) -> list[tuple[str, str]]:
    return [("Appareils fournis", str(balance.supplied)),
            ("Appareils reconditionnés dus", str(balance.owed)),
            ("Appareils rendus reconditionnés", str(balance.returned)),
            (f"Attendus au {_date(balance.on)} (rythme promis)", str(balance.expected)),
            ("En retard", str(balance.overdue)),
            ("Restant dû", str(balance.outstanding))]


def _contents(actor: User, number: str):
    convention = conventions.get_convention(actor, number)
    return (convention, conventions.balance(convention), conventions.returns_of(convention),
            conventions.supplied_devices(convention), conventions.returned_devices(convention))


def report_pdf(actor: User, number: str) -> tuple[Convention, bytes]:
    from recond.documents import pdf  # reportlab loads with the first PDF, not in every worker

    convention, balance, returns, supplied, returned = _contents(actor, number)
    story = [
        pdf.Paragraph(f"Bilan de la convention {convention.number}", pdf.TITLE),
        pdf.Paragraph(f"Établi le {_date(clock.local(clock.utcnow()))} pour la coordination et "
                      f"pour {convention.partner.name}", pdf.SMALL),
        pdf.Paragraph("Termes", pdf.HEADING), pdf.key_values(terms(convention)),
        pdf.Paragraph("Bilan", pdf.HEADING), pdf.key_values(figures(balance)),
        pdf.Paragraph("Retours du partenaire", pdf.HEADING),
        pdf.grid(["Retour", "Date", "Appareils", "Certificat d'effacement (SHA-256)"],
                 [[r.number, _date(clock.local(r.created_at)), r.devices,
                   _grouped(r.certificate_sha256)]
                  for r in returns] or [["—", "", "", ""]], [24, 22, 20, 104]),
        pdf.Paragraph("Appareils rendus", pdf.HEADING),
        pdf.grid(["Identifiant", "Catégorie", "Marque, modèle", "N° de série", "Grade", "Système",
                  "Origine"],
                 [[d.public_id, _category(d.category), f"{d.brand} {d.model}".strip() or "—",
                   d.serial or "—", d.grade or "—", d.operating_system or "—",
                   ORIGINS[r.origin if r else None]] for d, r in returned] or [["—"] + [""] * 6],
                 [24, 28, 34, 28, 14, 24, 18]),
        pdf.Paragraph("Appareils fournis", pdf.HEADING),
        pdf.grid(["Identifiant", "Catégorie", "Marque, modèle", "N° de série"],
                 [[d.public_id, _category(d.category), f"{d.brand} {d.model}".strip() or "—",
                   d.serial or "—"] for d in supplied] or [["—", "", "", ""]],
                 [30, 40, 60, 40]),
        pdf.spacer(6),
        pdf.signature_boxes(["Pour la coordination (nom, qualité, signature)",
                             "Pour le partenaire (nom, qualité, signature)"]),
    ]
    return convention, pdf.render(f"Bilan {convention.number}", story,
                                  subject="bilan de convention de reconditionnement")


def report_xlsx(actor: User, number: str) -> tuple[Convention, bytes]:
    from openpyxl import Workbook  # loads with the first spreadsheet, not in every worker

    convention, balance, returns, supplied, returned = _contents(actor, number)
    book = Workbook(write_only=True)
    summary = book.create_sheet("Bilan")
    for key, value in terms(convention) + figures(balance):
        summary.append([neutralised(key), neutralised(value)])
    sheet = book.create_sheet("Retours")
    sheet.append(["Retour", "Date", "Appareils", "Certificat (SHA-256)"])
    for r in returns:
        sheet.append([r.number, _date(clock.local(r.created_at)), r.devices, r.certificate_sha256])
    sheet = book.create_sheet("Rendus")
    sheet.append(["Identifiant", "Catégorie", "Marque", "Modèle", "N° de série", "Grade",
                  "Système", "Origine"])
    for d, r in returned:
        sheet.append([neutralised(v) for v in (
            d.public_id, _category(d.category), d.brand, d.model, d.serial, d.grade,
            d.operating_system, ORIGINS[r.origin if r else None])])
    sheet = book.create_sheet("Fournis")
    sheet.append(["Identifiant", "Catégorie", "Marque", "Modèle", "N° de série"])
    for d in supplied:
        sheet.append([neutralised(v) for v in (d.public_id, _category(d.category), d.brand,
                                               d.model, d.serial)])
    out = io.BytesIO()
    book.save(out)
    return convention, out.getvalue()
