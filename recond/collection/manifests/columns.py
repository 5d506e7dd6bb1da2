"""Which column holds what: headers in French or English, as companies write them."""
from __future__ import annotations

import re
import unicodedata

from flask_babel import lazy_gettext as _l

FIELDS = {
    "category": _l("Category"),
    "brand": _l("Brand"),
    "model": _l("Model"),
    "serial": _l("Serial number"),
    "asset_tag": _l("Asset tag"),
    "cpu": _l("Processor"),
    "ram_gb": _l("Memory (GB)"),
    "storage_gb": _l("Storage (GB)"),
}

_SYNONYMS = {
    "serial": ("n de serie", "no de serie", "numero de serie", "num serie", "n serie", "serie",
               "serial number", "serial no", "serial", "s n", "sn", "service tag"),
    "brand": ("marque", "brand", "fabricant", "constructeur", "manufacturer", "make", "vendor"),
    "model": ("modele", "model", "reference modele", "model name"),
    "category": ("type", "categorie", "category", "type de materiel", "type d equipement",
                 "device type", "equipment type", "famille"),
    "ram_gb": ("ram", "memoire", "memoire vive", "memory"),
    "storage_gb": ("disque", "disque dur", "stockage", "storage", "capacite disque",
                   "hdd", "ssd", "disk"),
    "cpu": ("processeur", "cpu", "processor", "proc"),
    "asset_tag": ("n d inventaire", "no d inventaire", "numero d inventaire", "inventaire",
                  "n inventaire", "asset tag", "asset number", "asset", "etiquette",
                  "n d immobilisation", "immobilisation"),
}


def normalise(header: str) -> str:
    text = unicodedata.normalize("NFKD", header).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def field_for(header: str) -> str | None:
    name = normalise(header)
    for field, words in _SYNONYMS.items():
        if name in words:
            return field
    # "RAM (Go)", "Disque dur (Go)": a known name followed by a unit or a detail
    for field, words in _SYNONYMS.items():
        if any(name.startswith(word + " ") for word in words if len(word) > 2):
            return field
    return None


def auto_mapping(headers: list[str]) -> dict[str, int]:
    """field -> column index, each field from one column at most (the first that fits)."""
    mapping: dict[str, int] = {}
    for index, header in enumerate(headers):
        field = field_for(header)
        if field and field not in mapping:
            mapping[field] = index
    return mapping
