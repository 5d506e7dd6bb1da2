"""What a label carries, from a device."""
from __future__ import annotations

from dataclasses import dataclass

from recond import public_id
from recond.categories import CATEGORIES
from recond.models import Device

KINDS = ("id", "product")


@dataclass(frozen=True)
class LabelContent:
    code: str          # the public ID, for Code 128 and USB scanners
    url: str           # the device's public URL, for the QR code and any phone camera
    title: str         # the ID as people read it: "BCDF GHJK"
    lines: tuple[str, ...] = ()


def for_device(device: Device, kind: str, public_url: str | None = None) -> LabelContent:
    """`public_url`: the site's base URL (by default RECOND_PUBLIC_URL)."""
    url = public_id.url_of(device.public_id, public_url)
    title = public_id.display(device.public_id)
    category = CATEGORIES[device.category].label
    if kind == "id":
        lines = (f"{category} {device.brand}".strip(), device.serial or "")
    else:
        specs = device.specs or {}
        lines = (
            f"{category} · {device.brand} {device.model}".strip(),
            f"Grade {device.grade or '—'} · {device.operating_system or ''}".strip(" ·"),
            " · ".join(part for part in (
                specs.get("cpu", ""),
                f"{specs['ram_gb']} Go RAM" if specs.get("ram_gb") else "",
                f"{specs['storage_gb']} Go" if specs.get("storage_gb") else "") if part),
        )
    return LabelContent(device.public_id, url, title, tuple(str(line) for line in lines if line))
