"""Device categories and what each one goes through: storage to sanitise, an OS to install,
the functional checklist that grading requires."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Category:
    code: str
    label: object
    has_storage: bool
    has_os: bool
    checklist: tuple[str, ...]
    os_family: str | None = None  # which part of the OS catalogue fits: computers or phones


CHECK_LABELS = {
    "boots": _l("Boots"),
    "screen": _l("Screen"),
    "keyboard": _l("Keyboard"),
    "touchpad": _l("Touchpad"),
    "ports": _l("Ports"),
    "wifi": _l("Wi-Fi"),
    "webcam": _l("Webcam"),
    "audio": _l("Audio"),
    "battery": _l("Battery"),
    "charger": _l("Charger"),
    "cameras": _l("Cameras"),
    "sim": _l("SIM slot"),
    "charging": _l("Charging"),
    "touchscreen": _l("Touchscreen"),
    "display": _l("Display"),
    "inputs": _l("Video inputs"),
    "works": _l("Works"),
}

CATEGORIES: dict[str, Category] = {
    c.code: c
    for c in (
        Category("laptop", _l("Laptop"), True, True,
                 ("boots", "screen", "keyboard", "touchpad", "ports", "wifi", "webcam",
                  "audio", "battery", "charger"), "computers"),
        Category("desktop", _l("Desktop"), True, True, ("boots", "ports", "wifi", "audio"),
                 "computers"),
        Category("tablet", _l("Tablet"), True, True,
                 ("boots", "touchscreen", "wifi", "cameras", "battery", "charging"), "computers"),
        # Phones are sanitised too (factory reset + cryptographic erase) and get a free OS.
        Category("phone", _l("Phone"), True, True,
                 ("boots", "touchscreen", "cameras", "sim", "battery", "charging"), "phones"),
        Category("screen", _l("Screen"), False, False, ("display", "inputs")),
        Category("peripheral", _l("Peripheral"), False, False, ("works",)),
    )
}

GRADES = ("A", "B", "C")
# What each cosmetic grade means, so that two technicians grade alike; shown on the grade form
# with the battery each needs (recond.workshop.grading, RECOND_GRADE_BATTERY_MIN).
GRADE_DEFINITIONS = {
    "A": _l("Like new: no visible mark at arm's length; screen without scratch."),
    "B": _l("Light wear: small scratches or marks on the case; screen without mark that shows "
            "when lit."),
    "C": _l("Visible wear: marked case, worn keys or a light mark on the screen; works fully."),
}

# How the codes of an action's choices read in a form (others read as they are: fr, A…);
# "weee" and "parts" were the recycle action's channels, still read in older history rows.
CHOICE_LABELS = {
    "weee": _l("WEEE recycling (take-back organisation)"),
    "parts": _l("Spare parts (dismantled at the workshop)"),
}

# What becomes of a tested device.
OUTCOME_LABELS = {
    "ready": _l("ready for reuse"),
    "repair": _l("to repair, then test again"),
    "parts": _l("spare parts"),
    "recycle": _l("recycling (WEEE)"),
}

# Labels of the specs and history details people read on a device page.
DETAIL_LABELS = {
    "cpu": _l("Processor"),
    "ram_gb": _l("Memory (GB)"),
    "storage_gb": _l("Storage (GB)"),
    "size_in": _l("Size (inches)"),
    "screen_resolution": _l("Screen resolution"),
    "deposit": _l("Deposit"),
    "note": _l("Note"),
    "reason": _l("Reason"),
    "os": _l("Operating system"),
    "image_id": _l("Operating system"),
    "image_sha256": _l("Image checksum (SHA-256)"),
    "language": _l("Language"),
    "keyboard": _l("Keyboard"),
    "screen_reader": _l("Screen reader enabled"),
    "magnifier": _l("Magnifier enabled"),
    "battery_health": _l("Battery health, in percent"),
    "recycling_lot": _l("Recycling lot"),
    "weight_grams": _l("Weight"),
    "channel": _l("Leaves as"),  # history rows written before parts had their own action
    "grade": _l("Cosmetic grade"),
    "checklist": _l("Functional checklist"),
    "price_cents": _l("Remaining charge"),
    "tier": _l("Tier"),
    "grid_version": _l("Price grid version"),
    "allocation_id": _l("Allocation"),
    "structure_id": _l("Structure"),
    "line_id": _l("Request line"),
    "second_device_reason": _l("Why a second device is justified"),
    "delivery_note": _l("Delivery note"),
    # A partner convention's output (recond.lifecycle.partner_returns) and its price cap.
    "convention": _l("Convention"),
    "partner_return": _l("Partner return"),
    "origin": _l("Origin"),
    "certificate_sha256": _l("Partner's sanitisation certificate (SHA-256)"),
    "price_cap_convention": _l("Price capped by convention"),
}


def get(code: str) -> Category | None:
    return CATEGORIES.get(code)
