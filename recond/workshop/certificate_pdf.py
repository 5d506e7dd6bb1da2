"""The certificate of sanitisation, with the fields of NIST SP 800-88 Rev. 1's sample
certificate (appendix G), one block per storage medium. Written in French, like the other
papers Recond hands to French organisations.

Per medium it also carries what the wipe log said (passes, rounds, blanking, the drive's size,
start and end in the workshop's time zone), the log's SHA-256 so that anyone holding the log
can tie it to this paper, and, when the technician matched a drive the log disagreed with,
that it was matched by hand and why."""
from __future__ import annotations

from dataclasses import dataclass


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
    passes: int | None = None
    rounds: int | None = None
    blanking: bool | None = None
    size_bytes: int | None = None
    period: str = ""             # start and end, already in the workshop's time zone
    log_sha256: str = ""
    match_reason: str | None = None  # set when the drive was matched by hand
    reference: str = ""  # a destruction's paperwork, e.g. the contractor's certificate number


@dataclass
class Removed:
    """A medium that left its device without a sanitisation: no data of it stays in the device."""
    device_id: str
    medium_kind: str
    serial: str
    fate: str
    when: str


def size_fr(size_bytes: int | None) -> str:
    """Decimal units, as drives are sold: 8,4 Mo, 512,1 Go."""
    if not size_bytes:
        return "—"
    for unit, scale in (("To", 10**12), ("Go", 10**9), ("Mo", 10**6), ("ko", 10**3)):
        if size_bytes >= scale:
            return f"{size_bytes / scale:.1f}".rstrip("0").rstrip(".").replace(".", ",") + f" {unit}"
    return f"{size_bytes} octets"


def _passes(entry: Entry) -> str:
    if entry.passes is None and not entry.rounds:
        return "—"
    parts = [f"{entry.passes} passe{'s' if (entry.passes or 0) > 1 else ''}"
             if entry.passes is not None else "passes : —"]
    if entry.rounds:
        parts.append(f"× {entry.rounds} tour{'s' if entry.rounds > 1 else ''}")
    if entry.blanking is not None:
        parts.append("+ mise à zéro finale (blanking)" if entry.blanking else "sans mise à zéro finale")
    return " ".join(parts)


def _match(entry: Entry) -> str:
    if entry.match_reason:
        return f"apparié à la main par le technicien — motif : {entry.match_reason}"
    return "conforme au journal (taille, numéro de série)"


def _grouped(sha256: str) -> str:
    return " ".join(sha256[i:i + 16] for i in range(0, len(sha256), 16)) or "—"


def build(*, code: str, verify_url: str, title: str, workshop: str, validator: str,
          validator_title: str, issued_on: str, entries: list[Entry],
          removed: list[Removed] = ()) -> bytes:
    from recond.documents import pdf  # reportlab loads with the first PDF, not in every worker

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
                ("Passes", _passes(entry)),
                ("Vérification", _VERIFY.get(entry.verification, entry.verification)),
                ("Taille lue par l'outil", size_fr(entry.size_bytes)),
                ("Résultat", entry.result), ("Date", entry.when),
            ] + ([("Début – fin", entry.period)] if entry.period else []) + [
                ("Réalisé par", entry.performer),
                *([("Référence de la destruction", entry.reference)] if entry.reference else []),
                ("Destination après effacement", entry.destination),
            ] + ([("Journal d'effacement (SHA-256)", _grouped(entry.log_sha256)),
                  ("Appariement journal / support", _match(entry))] if entry.log_sha256 else [])),
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
