"""The certificate of sanitisation, with the fields of NIST SP 800-88 Rev. 1's sample
certificate (appendix G), one block per storage medium. Written in French, like the other
papers Recond hands to French organisations."""
from __future__ import annotations

from dataclasses import dataclass

from recond.documents import pdf

_METHOD = {"clear": "Clear (effacement)", "purge": "Purge", "destroy": "Destroy (destruction)"}
_VERIFY = {"none": "aucune", "last_pass": "dernière passe", "all_passes": "toutes les passes"}
# NIST SP 800-88 Destroy techniques, and what became of a medium taken out of its device.
DESTRUCTION = {"shredding": "broyage", "drilling": "perçage", "crushing": "écrasement",
               "disintegration": "désintégration", "pulverisation": "pulvérisation",
               "incineration": "incinération", "melting": "fusion"}
_REMOVED = {"kept": "retiré, conservé à l'atelier", "recycling": "retiré, envoyé au recyclage",
            "absent": "absent de l'appareil à l'ouverture"}
_TYPE = {"hdd": "magnétique (HDD)", "ssd": "flash (SSD)", "nvme": "flash (NVMe)",
         "emmc": "flash (eMMC)", "flash": "flash"}


@dataclass
class Entry:
    device_id: str
    device: str
    medium_kind: str
    make: str
    model: str
    serial: str
    method: str
    technique: str
    tool: str
    verification: str
    result: str
    when: str
    performer: str
    destination: str
    reference: str = ""  # a destruction's paperwork, e.g. the contractor's certificate number


@dataclass
class Removed:
    """A medium that left its device without a sanitisation: no data of it stays in the device."""
    device_id: str
    medium_kind: str
    serial: str
    fate: str
    when: str


def build(*, code: str, verify_url: str, title: str, workshop: str, validator: str,
          validator_title: str, issued_on: str, entries: list[Entry],
          removed: list[Removed] = ()) -> bytes:
    story = [
        pdf.Paragraph("Certificat d'effacement des données", pdf.TITLE),
        pdf.Table([[pdf.key_values([
            ("Objet", title), ("Certificat n°", code), ("Délivré le", issued_on),
            ("Atelier", workshop), ("Supports", str(len(entries))),
            ("Vérification", f"{verify_url} — code {code}"),
        ]), pdf.qr_image(f"{verify_url}?code={code}")]],
            colWidths=[135 * pdf.mm, 35 * pdf.mm]),
        pdf.Paragraph("Effacement selon NIST SP 800-88 Rev. 1 (Guidelines for Media "
                      "Sanitization). L'empreinte SHA-256 de ce fichier est enregistrée par "
                      "Recond : la page de vérification confirme qu'une copie n'a pas été "
                      "modifiée.", pdf.SMALL),
    ]
    for entry in entries:
        story += [
            pdf.Paragraph(f"Appareil {entry.device_id} — {entry.device}", pdf.HEADING),
            pdf.key_values([
                ("Support : marque / modèle", f"{entry.make or '—'} / {entry.model or '—'}"),
                ("Numéro de série", entry.serial or "—"),
                ("Type de support", _TYPE.get(entry.medium_kind, entry.medium_kind)),
                ("Source", f"appareil {entry.device_id}"),
                ("Catégorie NIST", _METHOD.get(entry.method, entry.method)),
                ("Méthode", entry.technique or "—"),
                ("Outil et version", entry.tool or "—"),
                ("Vérification", _VERIFY.get(entry.verification, entry.verification)),
                ("Résultat", entry.result), ("Date", entry.when),
                ("Réalisé par", entry.performer),
                *([("Référence de la destruction", entry.reference)] if entry.reference else []),
                ("Destination après effacement", entry.destination),
            ]),
        ]
    if removed:
        story.append(pdf.Paragraph("Supports retirés des appareils", pdf.HEADING))
        story += [pdf.key_values([
            (f"Appareil {item.device_id}",
             f"{_TYPE.get(item.medium_kind, item.medium_kind)} {item.serial or 'sans numéro de série'}"
             f" — {_REMOVED.get(item.fate, item.fate)} le {item.when}")]) for item in removed]
    story += [
        pdf.Paragraph("Validation", pdf.HEADING),
        pdf.key_values([("Validé par", validator), ("Fonction", validator_title),
                        ("Organisation", workshop), ("Date", issued_on)]),
        pdf.spacer(4),
        pdf.signature_boxes(["Signature du valideur"]),
    ]
    return pdf.render(f"Certificat d'effacement {code}", story, subject="NIST SP 800-88")
